// hedge:revoke — a seat holder withdraws its consent to a proposal: its approval of a pending proposal, or, before the
// proposal exists, every signature it gave for it (a signatures file not relayed yet). The revocation belongs to the
// address (docs/RULES.md §5): no signature of that address counts for the proposal again, whatever seat it holds
// later; only a new on-chain `hedge:approve` (or proposing it) by the address itself does. The proposal is shown first
// when it is known (on chain, or from its signatures file). What `revoke` requires is checked in words before
// sending: the proposal does not exist yet or is Pending, the caller holds a seat, and something changes (an approval
// to withdraw, or no revocation yet).
import fs from "node:fs";
import path from "node:path";

import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { callsOf, defaultApprovalsPath, readApprovalsFile, type ApprovalsFile } from "../lib/approvals-file";
import { CliError, say, sayLines } from "../lib/output";
import { accountIndex, accountLabel, selectSigner } from "../lib/shell/signers";
import { displayPath, openSystem, type HedgeSystem } from "../lib/deployments";
import { sendAndWait, simulate } from "../lib/errors";
import { shortId } from "../lib/format";
import { resolveProposalId } from "../lib/proposal-queue";
import {
  findProposal,
  liveSeatIds,
  parseProposalId,
  proposalStatus,
  requireSeatHolder,
  seatHolders,
} from "../lib/proposals";
import { showProposal } from "../lib/show-proposal";
import { ProposalState, STATE_NAMES } from "../lib/council";

export interface RevokeArgs {
  id?: string;
  signatures?: string;
  from?: string;
}

export interface RevokeResult {
  id: string;
  /** Whether the proposal existed on chain when it was revoked. */
  existed: boolean;
  approvals: number;
  approvers: string[];
}

async function revoke(args: RevokeArgs, hre: HardhatRuntimeEnvironment): Promise<RevokeResult> {
  const system = await openSystem(hre);
  const { id, file } = await target(hre, system, args);
  const state = Number(await system.council.state(id)) as ProposalState;
  if (state !== ProposalState.Unknown && state !== ProposalState.Pending) {
    throw new CliError(
      `cannot revoke proposal ${shortId(id)}: it is ${STATE_NAMES[state]} (revoke needs Pending, or a proposal not on chain yet)`,
    );
  }
  const existed = state === ProposalState.Pending;
  const { signer, address, label } = await selectSigner(hre, args.from, {
    seatAction: { task: "hedge:revoke", holders: () => seatHolders(system) },
  });
  await requireSeatHolder(system, address, `--from ${label}`);
  const [approved, revoked] = await Promise.all([
    system.council.hasApproved(id, address),
    system.council.hasRevoked(id, address),
  ]);
  if (!approved && revoked) {
    throw new CliError(`${label} already revoked proposal ${shortId(id)}`);
  }

  if (existed) {
    const created = await findProposal(system, id);
    await showProposal(hre, system, created!);
  } else if (file) {
    say(`From ${file.name}:`);
    await showProposal(hre, system, { ...callsOf(file.content), id, description: file.content.description });
  } else {
    say(`Proposal ${id} is not on chain yet, and no signatures file of it is shown here: revoking it by its id alone.`);
  }

  const council = system.council.connect(signer);
  await simulate(hre, () => council.revoke.staticCall(id));
  await sendAndWait(hre, "revoke", () => council.revoke(id));

  if (!existed) {
    say(`Revoked by ${label} before proposal ${shortId(id)} exists.`);
    say(
      `  No signature of ${address} for it will ever count, whatever seat it holds; only an on-chain hedge:approve (or proposing it) from it does.`,
    );
    return { id, existed, approvals: 0, approvers: [] };
  }
  const after = await proposalStatus(system, id);
  const approvers = await approversOf(system, id);
  const names = await accountIndex(hre);
  say(`Revoked by ${label}: ${after.approvals} of ${after.threshold} approvals.`);
  say(`  No signature of ${address} counts for proposal ${shortId(id)} again; only a new hedge:approve from it does.`);
  sayLines(
    approvers.length === 0
      ? ["  Approved by: nobody"]
      : approvers.map((a, i) => {
          const index = names.get(a.holder.toLowerCase());
          const who = index === undefined ? a.holder : accountLabel(a.holder, index);
          return `  ${i === 0 ? "Approved by:" : "            "} seat ${a.seat} ${who}`;
        }),
  );
  return { id, existed, approvals: after.approvals, approvers: approvers.map((a) => a.holder) };
}

/**
 * The proposal to revoke: `--id` (a proposal on chain by its id or a unique prefix, or the full id of one that does
 * not exist yet) or `--signatures FILE` (the proposal of a signatures file), with its signatures file when there is
 * one (the given one, or proposals/<id>.json).
 */
async function target(
  hre: HardhatRuntimeEnvironment,
  system: HedgeSystem,
  args: RevokeArgs,
): Promise<{ id: string; file: { name: string; content: ApprovalsFile } | null }> {
  const expect = { chainId: system.chainId, council: system.deployment.contracts.council.address };
  if (args.signatures !== undefined) {
    const wanted = args.id === undefined ? undefined : parseProposalId(args.id);
    const content = await readApprovalsFile(
      path.resolve(args.signatures),
      args.signatures,
      { ...expect, proposalId: wanted },
      hre.ethers.provider,
    );
    return { id: content.proposalId, file: { name: args.signatures, content } };
  }
  if (args.id === undefined) {
    throw new CliError("--id is required (or --signatures FILE): the proposal whose consent you withdraw");
  }
  const wanted = parseProposalId(args.id);
  // The id or a unique prefix of one, on chain or in the proposals folder (../lib/proposal-queue); the full id of a
  // proposal nobody shared a file of.
  const found = await resolveProposalId(hre, system, args.id);
  const onChain = found?.onChain ?? null;
  if (!found && wanted.length !== 66) {
    throw new CliError(
      `--id ${args.id}: no such proposal on this council; to revoke one that does not exist yet, give its full id (0x followed by 64 hex digits)`,
    );
  }
  const id = found?.id ?? wanted;
  const fallback = found?.file ?? defaultApprovalsPath(hre.config.paths.root, id);
  if (onChain || !fs.existsSync(fallback)) return { id, file: null };
  const name = displayPath(hre, fallback);
  try {
    return { id, file: { name, content: await readApprovalsFile(fallback, name, { ...expect, proposalId: id }) } };
  } catch (error) {
    // A revocation must never depend on a local file: one that cannot be read is only not shown.
    say(`(not shown: ${(error as Error).message})`);
    return { id, file: null };
  }
}

/** The current seats whose approval of proposal `id` stands, with their holders. */
async function approversOf(system: HedgeSystem, id: string): Promise<{ seat: number; holder: string }[]> {
  const seats = await liveSeatIds(system);
  const holders = await Promise.all(seats.map((s) => system.seats.ownerOf(s)));
  const approved = await Promise.all(holders.map((h) => system.council.hasApproved(id, h)));
  return seats.map((seat, i) => ({ seat, holder: holders[i] })).filter((_, i) => approved[i]);
}

export default revoke;

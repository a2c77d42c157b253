// hedge:revoke — a seat holder withdraws its approval of a pending proposal. The revocation belongs to the address
// (docs/RULES.md §5): no signature of that address counts for the proposal again, whatever seat it holds later;
// only a new on-chain `hedge:approve` by the address itself does. What `revoke` requires is checked in words before
// sending: the proposal exists and is Pending, the caller holds a seat, and that seat's approval stands.
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { CliError, say, sayLines } from "../lib/shell/output";
import { accountIndex, accountLabel, selectSigner } from "../lib/shell/signers";
import { openSystem, type HedgeSystem } from "../lib/deployments";
import { sendAndWait, simulate } from "../lib/errors";
import { shortId } from "../lib/format";
import {
  liveSeatIds,
  parseProposalId,
  proposalStatus,
  requireProposal,
  requireSeatHolder,
  requireState,
} from "../lib/proposals";
import { ProposalState } from "../lib/council";

export interface RevokeArgs {
  id: string;
  from?: string;
}

export interface RevokeResult {
  id: string;
  approvals: number;
  approvers: string[];
}

async function revoke(args: RevokeArgs, hre: HardhatRuntimeEnvironment): Promise<RevokeResult> {
  const system = await openSystem(hre);
  const p = await requireProposal(system, parseProposalId(args.id));
  const status = await proposalStatus(system, p.id);
  requireState(p.id, status.state, [ProposalState.Pending], "revoke");
  const { signer, address, label } = await selectSigner(hre, args.from, {
    seatAction: { task: "hedge:revoke", system },
  });
  await requireSeatHolder(system, address, `--from ${label}`);
  if (!(await system.council.hasApproved(p.id, address))) {
    throw new CliError(
      (await system.council.hasRevoked(p.id, address))
        ? `${label} already revoked its approval of proposal ${shortId(p.id)}`
        : `${label} has not approved proposal ${shortId(p.id)}: there is no approval to revoke`,
    );
  }
  const council = system.council.connect(signer);
  await simulate(hre, () => council.revoke.staticCall(p.id));
  await sendAndWait(hre, "revoke", () => council.revoke(p.id));

  const after = await proposalStatus(system, p.id);
  const approvers = await approversOf(system, p.id);
  const names = await accountIndex(hre);
  say(`Revoked by ${label}: ${after.approvals} of ${after.threshold} approvals.`);
  say(
    `  No signature of ${address} counts for proposal ${shortId(p.id)} again; only a new hedge:approve from it does.`,
  );
  sayLines(
    approvers.length === 0
      ? ["  Approved by: nobody"]
      : approvers.map((a, i) => {
          const index = names.get(a.holder.toLowerCase());
          const who = index === undefined ? a.holder : accountLabel(a.holder, index);
          return `  ${i === 0 ? "Approved by:" : "            "} seat ${a.seat} ${who}`;
        }),
  );
  return { id: p.id, approvals: after.approvals, approvers: approvers.map((a) => a.holder) };
}

/** The current seats whose approval of proposal `id` stands, with their holders. */
async function approversOf(system: HedgeSystem, id: string): Promise<{ seat: number; holder: string }[]> {
  const seats = await liveSeatIds(system);
  const holders = await Promise.all(seats.map((s) => system.seats.ownerOf(s)));
  const approved = await Promise.all(holders.map((h) => system.council.hasApproved(id, h)));
  return seats.map((seat, i) => ({ seat, holder: holders[i] })).filter((_, i) => approved[i]);
}

export default revoke;

// hedge:approve — approves a proposal on chain as the caller's seat, or (--signatures FILE) relays the off-chain
// approvals of a signatures file with `approveBySig` (anyone may relay). Seats whose approval is already recorded
// are skipped with a note, as the council ignores them; an expired signature, or one by an address that revoked the
// proposal, is refused in one line naming its seat, and nothing is sent.
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { readApprovalsFile, seatSignaturesOf } from "../lib/approvals-file";
import { CliError, say, sayLines } from "../lib/output";
import { selectSigner } from "../lib/shell/signers";
import { openSystem } from "../lib/deployments";
import { sendAndWait, simulate } from "../lib/errors";
import { requireOnChainProposal } from "../lib/proposal-queue";
import {
  findProposal,
  parseProposalId,
  proposalStatus,
  requireSeatHolder,
  requireState,
  seatHolders,
  signaturesToRelay,
} from "../lib/proposals";
import { showProposal } from "../lib/show-proposal";
import { ProposalState, Tier } from "../lib/council";
import path from "node:path";

export interface ApproveArgs {
  id?: string;
  signatures?: string;
  from?: string;
  allowOutdated?: boolean;
}

async function approve(args: ApproveArgs, hre: HardhatRuntimeEnvironment) {
  const system = await openSystem(hre);
  const { signer, address, label } = await selectSigner(hre, args.from, {
    seatAction:
      args.signatures === undefined ? { task: "hedge:approve", holders: () => seatHolders(system) } : undefined,
  });
  const council = system.council.connect(signer);

  if (args.signatures === undefined) {
    const proposal = await requireOnChainProposal(hre, system, args.id);
    const status = await proposalStatus(system, proposal.id);
    requireState(proposal.id, status.state, [ProposalState.Pending], "approve");
    await requireSeatHolder(system, address, `--from ${label}`);
    if (await system.council.hasApproved(proposal.id, address)) {
      throw new CliError(`${label} already approved proposal ${proposal.id}`);
    }
    await showProposal(hre, system, proposal, { action: "approve", allowOutdated: args.allowOutdated });
    await simulate(hre, () => council.approve.staticCall(proposal.id));
    await sendAndWait(hre, "approve", () => council.approve(proposal.id));
    const after = await proposalStatus(system, proposal.id);
    say(`Approved by ${label}: ${after.approvals} of ${after.threshold} approvals.`);
    return { id: proposal.id, approvals: after.approvals };
  }

  const file = path.resolve(args.signatures);
  const content = await readApprovalsFile(
    file,
    args.signatures,
    {
      chainId: system.chainId,
      council: system.deployment.contracts.council.address,
      proposalId: args.id === undefined ? undefined : parseProposalId(args.id),
    },
    hre.ethers.provider,
  );
  const proposal = await findProposal(system, content.proposalId);
  if (!proposal) {
    throw new CliError(
      `proposal ${content.proposalId} is not on chain yet: create it and record these signatures in one transaction with hedge:submit --signatures ${args.signatures}`,
    );
  }
  const status = await proposalStatus(system, proposal.id);
  requireState(proposal.id, status.state, [ProposalState.Pending], "approve");
  const latest = (await hre.ethers.provider.getBlock("latest"))?.timestamp ?? Math.floor(Date.now() / 1000);
  const { fresh, notes } = await signaturesToRelay(system, proposal.id, content.signatures, args.signatures, latest);
  await showProposal(hre, system, proposal, { action: "approve", allowOutdated: args.allowOutdated });
  sayLines(notes);
  if (fresh.length === 0) {
    throw new CliError(`every seat of ${args.signatures} already approved proposal ${proposal.id}; nothing to relay`);
  }
  const signatures = seatSignaturesOf(fresh);
  await simulate(hre, () => council.approveBySig.staticCall(proposal.id, signatures));
  await sendAndWait(hre, "approveBySig", () => council.approveBySig(proposal.id, signatures));
  const after = await proposalStatus(system, proposal.id);
  say(
    `Relayed ${fresh.length} approval${fresh.length === 1 ? "" : "s"} from ${args.signatures} as ${label}: ${after.approvals} of ${after.threshold} approvals.`,
  );
  if (after.approvals >= after.threshold) {
    say(`Next: \`hedge:${after.tier === Tier.Fast ? "execute" : "queue"} --id ${proposal.id}\`.`);
  }
  return { id: proposal.id, approvals: after.approvals };
}

export default approve;

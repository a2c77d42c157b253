// hedge:approve — approves a proposal on chain as the caller's seat, or (--signatures FILE) relays the off-chain
// approvals of a signatures file with `approveBySig` (anyone may relay; signers that already approved are skipped).
import { getAddress } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { readApprovalsFile } from "../lib/approvals-file";
import { CliError, say } from "../lib/shell/output";
import { selectSigner } from "../lib/shell/signers";
import { openSystem } from "../lib/deployments";
import { sendAndWait, simulate } from "../lib/errors";
import {
  findProposal,
  parseProposalId,
  proposalStatus,
  requireProposal,
  requireSeatHolder,
  requireState,
  showProposal,
} from "../lib/proposals";
import { ProposalState, Tier } from "../lib/council";
import path from "node:path";
import { keptDescription } from "../lib/descriptions-files";

export interface ApproveArgs {
  id?: string;
  signatures?: string;
  from?: string;
  allowOutdated?: boolean;
}

async function approve(args: ApproveArgs, hre: HardhatRuntimeEnvironment) {
  const system = await openSystem(hre);
  const { signer, address, label } = await selectSigner(hre, args.from, {
    seatAction: args.signatures === undefined ? { task: "hedge:approve", system } : undefined,
  });
  const council = system.council.connect(signer);

  if (args.signatures === undefined) {
    const proposal = await requireProposal(system, parseProposalId(args.id));
    const status = await proposalStatus(system, proposal.id);
    requireState(proposal.id, status.state, [ProposalState.Pending], "approve");
    await requireSeatHolder(system, address, `--from ${label}`);
    if (await system.council.hasApproved(proposal.id, address)) {
      throw new CliError(`${label} already approved proposal ${proposal.id}`);
    }
    const description = keptDescription(hre.config.paths.root, proposal.salt);
    await showProposal(
      hre,
      system,
      { ...proposal, description },
      { action: "approve", allowOutdated: args.allowOutdated },
    );
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
  const description = content.description ?? keptDescription(hre.config.paths.root, proposal.salt);
  await showProposal(
    hre,
    system,
    { ...proposal, description },
    { action: "approve", allowOutdated: args.allowOutdated },
  );
  const fresh = [];
  for (const s of content.signatures) {
    await requireSeatHolder(system, s.signer, `signer ${s.signer} of ${args.signatures}`);
    if (await system.council.hasApproved(proposal.id, s.signer)) {
      say(`  ${getAddress(s.signer)} already approved on chain: skipped`);
    } else {
      fresh.push(s);
    }
  }
  if (fresh.length === 0) {
    throw new CliError(`every signer of ${args.signatures} already approved proposal ${proposal.id}; nothing to relay`);
  }
  const signers = fresh.map((s) => s.signer);
  const signatures = fresh.map((s) => s.signature);
  await simulate(hre, () => council.approveBySig.staticCall(proposal.id, signers, signatures));
  await sendAndWait(hre, "approveBySig", () => council.approveBySig(proposal.id, signers, signatures));
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

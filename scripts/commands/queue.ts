// hedge:queue — schedules an approved proposal in the timelock (anyone may), with the larger of its tier's delay
// and the timelock's minimum delay. Fast-tier proposals skip the timelock: execute them instead. An outdated proposal
// is refused (it could only fail at execute) unless --allow-outdated.
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { fmtRelative, fmtTime } from "../lib/format";
import { CliError, say } from "../lib/output";
import { selectSigner } from "../lib/shell/signers";
import { openSystem } from "../lib/deployments";
import { sendAndWait, simulate } from "../lib/errors";
import { proposalStatus, requireState } from "../lib/proposals";
import { requireOnChainProposal } from "../lib/proposal-queue";
import { showProposal } from "../lib/show-proposal";
import { ProposalState, Tier } from "../lib/council";

export interface QueueArgs {
  id: string;
  from?: string;
  allowOutdated?: boolean;
}

async function queue(args: QueueArgs, hre: HardhatRuntimeEnvironment) {
  const system = await openSystem(hre);
  const p = await requireOnChainProposal(hre, system, args.id);
  const status = await proposalStatus(system, p.id);
  requireState(p.id, status.state, [ProposalState.Pending], "queue");
  if (status.tier === Tier.Fast) {
    throw new CliError(
      `proposal ${p.id} is Fast tier (steward nudges): it skips the timelock, run hedge:execute instead`,
    );
  }
  await showProposal(hre, system, p, { action: "queue", allowOutdated: args.allowOutdated });
  const { signer, label } = await selectSigner(hre, args.from);
  const council = system.council.connect(signer);
  await simulate(hre, () => council.queue.staticCall(p.targets, p.values, p.calldatas, p.descriptionHash));
  await sendAndWait(hre, "queue", () => council.queue(p.targets, p.values, p.calldatas, p.descriptionHash));
  const after = await proposalStatus(system, p.id);
  const now = Number((await hre.ethers.provider.getBlock("latest"))?.timestamp ?? 0);
  say(
    `Queued by ${label}: executable from ${fmtTime(after.eta)} (${fmtRelative(after.eta, now)}), until ${fmtTime(after.deadline)}.`,
  );
  return { id: p.id, eta: after.eta };
}

export default queue;

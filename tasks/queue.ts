// hedge:queue — schedules an approved proposal in the timelock (anyone may), with the larger of its tier's delay
// and the timelock's minimum delay. Fast-tier proposals skip the timelock: execute them instead.
import { task, types } from "hardhat/config";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { CliError, FROM_HELP, cliAction, fmtRelative, fmtTime, say, selectSigner } from "../scripts/lib/cli";
import { openSystem } from "../scripts/lib/deployments";
import { sendAndWait, simulate } from "../scripts/lib/errors";
import { parseProposalId, proposalStatus, requireProposal, requireState } from "../scripts/lib/proposals";
import { ProposalState, Tier } from "../scripts/lib/council";

export interface QueueArgs {
  id: string;
  from?: string;
}

task("hedge:queue", "Queues an approved proposal in the timelock (anyone may)")
  .addParam("id", "The proposal id or a unique prefix", undefined, types.string)
  .addOptionalParam("from", FROM_HELP, undefined, types.string)
  .setAction(cliAction(queue));

async function queue(args: QueueArgs, hre: HardhatRuntimeEnvironment) {
  const system = await openSystem(hre);
  const p = await requireProposal(system, parseProposalId(args.id));
  const status = await proposalStatus(system, p.id);
  requireState(p.id, status.state, [ProposalState.Pending], "queue");
  if (status.tier === Tier.Fast) {
    throw new CliError(
      `proposal ${p.id} is Fast tier (steward nudges): it skips the timelock, run hedge:execute instead`,
    );
  }
  const { signer, label } = await selectSigner(hre, args.from);
  const council = system.council.connect(signer);
  await simulate(hre, () => council.queue.staticCall(p.targets, p.values, p.calldatas, p.salt));
  await sendAndWait(hre, "queue", () => council.queue(p.targets, p.values, p.calldatas, p.salt));
  const after = await proposalStatus(system, p.id);
  const now = Number((await hre.ethers.provider.getBlock("latest"))?.timestamp ?? 0);
  say(
    `Queued by ${label}: executable from ${fmtTime(after.eta)} (${fmtRelative(after.eta, now)}), until ${fmtTime(after.deadline)}.`,
  );
  return { id: p.id, eta: after.eta };
}

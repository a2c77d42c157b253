// hedge:execute — runs a proposal (anyone may): a queued one through the timelock once its eta has come, a
// Fast-tier one directly once approved. Refused early, after expiry, or when approvals fell below the threshold.
import { task, types } from "hardhat/config";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { FROM_HELP, cliAction, say, selectSigner } from "../scripts/lib/cli";
import { openSystem } from "../scripts/lib/deployments";
import { sendAndWait, simulate } from "../scripts/lib/errors";
import { parseProposalId, proposalStatus, requireProposal, requireState } from "../scripts/lib/proposals";
import { ProposalState, Tier } from "../scripts/lib/council";

export interface ExecuteArgs {
  id: string;
  from?: string;
}

task("hedge:execute", "Executes a queued proposal once its eta has come (Fast tier: once approved); anyone may")
  .addParam("id", "The proposal id or a unique prefix", undefined, types.string)
  .addOptionalParam("from", FROM_HELP, undefined, types.string)
  .setAction(cliAction(execute));

async function execute(args: ExecuteArgs, hre: HardhatRuntimeEnvironment) {
  const system = await openSystem(hre);
  const p = await requireProposal(system, parseProposalId(args.id));
  const status = await proposalStatus(system, p.id);
  requireState(
    p.id,
    status.state,
    status.tier === Tier.Fast ? [ProposalState.Pending] : [ProposalState.Queued],
    "execute",
  );
  const { signer, label } = await selectSigner(hre, args.from);
  const council = system.council.connect(signer);
  const versionBefore = await system.policy.version();
  await simulate(hre, () => council.execute.staticCall(p.targets, p.values, p.calldatas, p.salt));
  await sendAndWait(hre, "execute", () => council.execute(p.targets, p.values, p.calldatas, p.salt));
  const version = await system.policy.version();
  say(
    `Executed by ${label}: proposal ${p.id}` +
      (version !== versionBefore
        ? `; the policy is now version ${version} (hash ${await system.policy.policyHash()}).`
        : "."),
  );
  return { id: p.id };
}

// hedge:execute — runs a proposal (anyone may): a queued one through the timelock once its eta has come, a
// Fast-tier one directly once approved, after showing what it runs (its calls, and its description from the chain).
// Refused early, after expiry, or when approvals fell below the threshold.
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { say } from "../lib/output";
import { selectSigner } from "../lib/shell/signers";
import { openSystem } from "../lib/deployments";
import { sendAndWait, simulate } from "../lib/errors";
import { proposalStatus, requireState } from "../lib/proposals";
import { requireOnChainProposal } from "../lib/proposal-queue";
import { showProposal } from "../lib/show-proposal";
import { ProposalState, Tier } from "../lib/council";

export interface ExecuteArgs {
  id: string;
  from?: string;
}

async function execute(args: ExecuteArgs, hre: HardhatRuntimeEnvironment) {
  const system = await openSystem(hre);
  const p = await requireOnChainProposal(hre, system, args.id);
  const status = await proposalStatus(system, p.id);
  requireState(
    p.id,
    status.state,
    status.tier === Tier.Fast ? [ProposalState.Pending] : [ProposalState.Queued],
    "execute",
  );
  const { signer, label } = await selectSigner(hre, args.from);
  await showProposal(hre, system, p);
  const council = system.council.connect(signer);
  const versionBefore = await system.policy.version();
  await simulate(hre, () => council.execute.staticCall(p.targets, p.values, p.calldatas, p.descriptionHash));
  await sendAndWait(hre, "execute", () => council.execute(p.targets, p.values, p.calldatas, p.descriptionHash));
  const version = await system.policy.version();
  say(
    `Executed by ${label}: proposal ${p.id}` +
      (version !== versionBefore
        ? `; the policy is now version ${version} (hash ${await system.policy.policyHash()}).`
        : "."),
  );
  return { id: p.id };
}

export default execute;

// hedge:cancel — removes the timelock operation of a vetoed or expired proposal (anyone may), so the timelock
// holds nothing that can never run.
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { say } from "../lib/output";
import { selectSigner } from "../lib/shell/signers";
import { openSystem } from "../lib/deployments";
import { sendAndWait, simulate } from "../lib/errors";
import { proposalStatus, requireState } from "../lib/proposals";
import { requireOnChainProposal } from "../lib/proposal-queue";
import { ProposalState } from "../lib/council";

export interface CancelArgs {
  id: string;
  from?: string;
}

async function cancel(args: CancelArgs, hre: HardhatRuntimeEnvironment) {
  const system = await openSystem(hre);
  const p = await requireOnChainProposal(hre, system, args.id);
  const status = await proposalStatus(system, p.id);
  requireState(p.id, status.state, [ProposalState.Vetoed, ProposalState.Expired], "cancel");
  const { signer, label } = await selectSigner(hre, args.from);
  const council = system.council.connect(signer);
  await simulate(hre, () => council.cancel.staticCall(p.targets, p.values, p.calldatas, p.descriptionHash));
  await sendAndWait(hre, "cancel", () => council.cancel(p.targets, p.values, p.calldatas, p.descriptionHash));
  say(`Cancelled by ${label}: the timelock operation of proposal ${p.id} is removed.`);
  return { id: p.id };
}

export default cancel;

// hedge:cancel — removes the timelock operation of a vetoed or expired proposal (anyone may), so the timelock
// holds nothing that can never run.
import { task, types } from "hardhat/config";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { FROM_HELP, cliAction, say, selectSigner } from "../scripts/lib/cli";
import { openSystem } from "../scripts/lib/deployments";
import { sendAndWait, simulate } from "../scripts/lib/errors";
import { parseProposalId, proposalStatus, requireProposal, requireState } from "../scripts/lib/proposals";
import { ProposalState } from "../scripts/lib/council";

export interface CancelArgs {
  id: string;
  from?: string;
}

task("hedge:cancel", "Removes the timelock operation of a vetoed or expired proposal (anyone may)")
  .addParam("id", "The proposal id or a unique prefix", undefined, types.string)
  .addOptionalParam("from", FROM_HELP, undefined, types.string)
  .setAction(cliAction(cancel));

async function cancel(args: CancelArgs, hre: HardhatRuntimeEnvironment) {
  const system = await openSystem(hre);
  const p = await requireProposal(system, parseProposalId(args.id));
  const status = await proposalStatus(system, p.id);
  requireState(p.id, status.state, [ProposalState.Vetoed, ProposalState.Expired], "cancel");
  const { signer, label } = await selectSigner(hre, args.from);
  const council = system.council.connect(signer);
  await simulate(hre, () => council.cancel.staticCall(p.targets, p.values, p.calldatas, p.salt));
  await sendAndWait(hre, "cancel", () => council.cancel(p.targets, p.values, p.calldatas, p.salt));
  say(`Cancelled by ${label}: the timelock operation of proposal ${p.id} is removed.`);
  return { id: p.id };
}

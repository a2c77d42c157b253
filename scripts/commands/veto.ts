// hedge:veto — a seat holder casts a veto against a pending or queued Critical proposal, after seeing what it does;
// at the veto threshold the proposal is dead for good (then anyone may clean its timelock operation up with
// hedge:cancel). Only a Critical proposal can be vetoed (rules v3): a veto exists to stop a change that weakens the
// hedge or changes who governs, and Fast and Standard changes never do; a veto of one is refused in one line before
// anything is sent. An outdated proposal may be vetoed like any other (see showProposal).
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { CliError, say } from "../lib/output";
import { selectSigner } from "../lib/shell/signers";
import { openSystem } from "../lib/deployments";
import { sendAndWait, simulate } from "../lib/errors";
import { proposalStatus, requireSeatHolder, requireState, seatHolders, TIER_COVERS } from "../lib/proposals";
import { requireOnChainProposal } from "../lib/proposal-queue";
import { showProposal } from "../lib/show-proposal";
import { ProposalState, TIER_NAMES, Tier } from "../lib/council";

export interface VetoArgs {
  id: string;
  from?: string;
}

async function veto(args: VetoArgs, hre: HardhatRuntimeEnvironment) {
  const system = await openSystem(hre);
  const p = await requireOnChainProposal(hre, system, args.id);
  const status = await proposalStatus(system, p.id);
  requireState(p.id, status.state, [ProposalState.Pending, ProposalState.Queued], "veto");
  if (status.tier !== Tier.Critical) {
    throw new CliError(
      `only Critical proposals can be vetoed: ${p.id} is ${TIER_NAMES[status.tier]} (${TIER_COVERS[status.tier]})`,
    );
  }
  const { signer, address, label } = await selectSigner(hre, args.from, {
    seatAction: { task: "hedge:veto", holders: () => seatHolders(system) },
  });
  await requireSeatHolder(system, address, `--from ${label}`);
  await showProposal(hre, system, p);
  const council = system.council.connect(signer);
  await simulate(hre, () => council.veto.staticCall(p.id));
  await sendAndWait(hre, "veto", () => council.veto(p.id));
  const after = await proposalStatus(system, p.id);
  if (after.state === ProposalState.Vetoed) {
    say(`Vetoed by ${label}: ${after.vetoes} of ${after.vetoThreshold} vetoes, proposal ${p.id} is dead for good.`);
    if (status.state === ProposalState.Queued)
      say(`Next: anyone may remove its timelock operation with \`hedge:cancel --id ${p.id}\`.`);
  } else {
    say(`Veto cast by ${label}: ${after.vetoes} of ${after.vetoThreshold} vetoes.`);
  }
  return { id: p.id, vetoes: after.vetoes, state: after.state };
}

export default veto;

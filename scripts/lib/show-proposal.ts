// What a seat command prints before it acts on a proposal (hedge:sign, approve, veto, queue, execute, submit, revoke,
// status --id, simulate): the proposal view (./view) of the calls and description it holds, checked against the id
// it acts on, printed as hedge:propose prints a proposal (description, calls, tier, why), with the OUTDATED line of
// a proposal that can no longer run as it stands; and, for the actions that spend a signature or gas on it running,
// the refusal of an outdated one unless --allow-outdated.
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import type { HedgeSystem } from "./deployments";
import { describeError } from "./errors";
import { CliError, sayLines } from "./output";
import { refuseOutdated, staleness, type Staleness } from "./proposals";
import { escapeUnsafe } from "./untrusted";
import {
  ProposalIdMismatchError,
  proposalLines,
  timelineLines,
  viewProposal,
  type ProposalInput,
  type ProposalView,
} from "./view";

/** The view of a proposal for a command; a proposal whose calls do not hash to its id is refused in one line. */
export async function openView(
  hre: HardhatRuntimeEnvironment,
  system: HedgeSystem,
  input: ProposalInput,
  options: { timeline?: boolean } = {},
): Promise<ProposalView> {
  try {
    return await viewProposal({ rpc: hre.network.provider, deployment: system.deployment }, input, options);
  } catch (error) {
    if (error instanceof ProposalIdMismatchError) throw new CliError(error.message);
    throw error;
  }
}

/** Whether a viewed proposal can still run as it stands (judged only while it may still run). */
export async function viewStaleness(
  hre: HardhatRuntimeEnvironment,
  system: HedgeSystem,
  view: ProposalView,
): Promise<Staleness> {
  if (view.judged === "history") return { outdated: false };
  return staleness(system, { ...view.calls, tier: view.tier }, (e) => describeError(hre, e));
}

/** The OUTDATED line: its reason quotes what a contract of the proposer's choosing said, so it is escaped. */
export function outdatedLines(stale: Staleness): string[] {
  return stale.outdated ? [`  OUTDATED: ${escapeUnsafe(stale.reason)}`] : [];
}

/**
 * Prints the proposal before a command acts on it (see the top of this file); with `refuse`, refuses an outdated
 * proposal for that action unless --allow-outdated was given, so nothing is signed or sent for it. A veto passes no
 * `refuse`: vetoing an outdated proposal costs little and keeps it from running should the state come back. With
 * `timeline`, the proposal's history follows.
 */
export async function showProposal(
  hre: HardhatRuntimeEnvironment,
  system: HedgeSystem,
  input: ProposalInput,
  refuse?: { action: string; allowOutdated: boolean | undefined },
  options: { timeline?: boolean; nameOf?: (address: string) => string } = {},
): Promise<{ view: ProposalView; stale: Staleness }> {
  const view = await openView(hre, system, input, { timeline: options.timeline ?? false });
  const stale = await viewStaleness(hre, system, view);
  sayLines([...proposalLines(view), ...outdatedLines(stale), ...timelineLines(view, options.nameOf)]);
  if (refuse) refuseOutdated(view.id, stale, refuse.action, refuse.allowOutdated);
  return { view, stale };
}

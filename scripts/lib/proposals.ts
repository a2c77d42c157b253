// Council proposals as the tasks see them. Like OpenZeppelin Governor, the council keeps a proposal's hash only; its
// calls and its description are read back from the `ProposalCreated` event (or, before `submit`, from a signatures
// file). A description is whatever its proposer wrote: it is printed only through ./descriptions. This module
// finds proposals by id (or a unique prefix of it), names their tiers and states, decodes their calls into words, and
// tells whether they are outdated (`staleness`). The console imports it too: nothing here may need Hardhat.
import { getAddress, id as keccakText, isHexString, type Result } from "ethers";

import type { IHedgePolicy } from "../../typechain-types";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { describeError, revertData } from "./errors";
import { fmtBps, fmtDuration, fmtVix, shortId } from "./format";
import { isExpired, type ApprovalsSignature } from "./approvals-format";
import { fmtValidUntil } from "./signing";
import { CliError, sayLines } from "./shell/output";
import type { HedgeSystem } from "./deployments";
import { toPolicyValues, type PolicyValues } from "./policy";
import { describePolicyChange } from "./policy-edit";
import {
  GOVERNED_ABI,
  ProposalState,
  STATE_NAMES,
  TIER_NAMES,
  Tier,
  descriptionHash,
  type ProposalCalls,
} from "./council";
import { descriptionBlock } from "./descriptions";

/** @deprecated import from ./council; kept for test/fuzz/council.model.ts until its rewrite lands. */
export { Tier, ProposalState as State } from "./council";

/** The calls of a proposal without its description: what decoding and rehearsing them need. */
export type Calls = Pick<ProposalCalls, "targets" | "values" | "calldatas">;

/** A proposal created on chain, as its `ProposalCreated` event tells it (the description is the proposer's text). */
export interface CreatedProposal extends ProposalCalls {
  id: string;
  description: string;
  proposer: string;
  tier: number;
  blockNumber: number;
  transactionHash: string;
}

/** Checks the text of `--id`: a full proposal id, or a prefix of at least 8 hex digits. */
export function parseProposalId(text: string | undefined): string {
  const value = (text ?? "").trim().toLowerCase();
  if (!value)
    throw new CliError("--id is required: the proposal id (0x followed by 64 hex digits, or a unique prefix)");
  if (!/^0x[0-9a-f]{8,64}$/.test(value)) {
    throw new CliError(
      `--id ${text}: not a proposal id (0x followed by 64 hex digits, or a unique prefix of at least 8)`,
    );
  }
  return value;
}

/** Every proposal created on the council, oldest first. */
export async function createdProposals(system: Pick<HedgeSystem, "council" | "fromBlock">): Promise<CreatedProposal[]> {
  const events = await system.council.queryFilter(system.council.filters.ProposalCreated(), system.fromBlock);
  // Positional access: `values` is also the name of an Array method, which shadows the named field on a Result.
  return events.map((e) => ({
    id: e.args[0],
    proposer: e.args[1],
    tier: Number(e.args[2]),
    targets: [...e.args[3]],
    values: [...e.args[4]],
    calldatas: [...e.args[5]],
    description: e.args[6],
    descriptionHash: descriptionHash(e.args[6]),
    blockNumber: e.blockNumber,
    transactionHash: e.transactionHash,
  }));
}

/** The proposal created on chain with this id or unique id prefix; null when none. */
export async function findProposal(system: HedgeSystem, idOrPrefix: string): Promise<CreatedProposal | null> {
  const wanted = idOrPrefix.toLowerCase();
  const matches = (await createdProposals(system)).filter((p) => p.id.toLowerCase().startsWith(wanted));
  if (matches.length > 1) {
    throw new CliError(`--id ${idOrPrefix}: ambiguous, ${matches.length} proposals start with it; give more digits`);
  }
  return matches[0] ?? null;
}

/** Like `findProposal`, but an unknown id is an error. */
export async function requireProposal(system: HedgeSystem, idOrPrefix: string): Promise<CreatedProposal> {
  const found = await findProposal(system, idOrPrefix);
  if (!found)
    throw new CliError(`--id ${idOrPrefix}: no such proposal on this council (network chain ${system.chainId})`);
  return found;
}

/** The proposal's state, tier rule and counts, for printing and for checks before sending. */
export async function proposalStatus(system: Pick<HedgeSystem, "council">, id: string) {
  const { council } = system;
  const [state, tier, approvals, vetoes, eta, deadline, vetoThreshold] = await Promise.all([
    council.state(id),
    council.proposalTier(id),
    council.approvalCount(id),
    council.vetoCount(id),
    council.proposalEta(id),
    council.proposalDeadline(id),
    council.vetoThreshold(),
  ]);
  const [threshold, delay] = await council.tierRule(tier);
  return {
    state: Number(state) as ProposalState,
    stateName: STATE_NAMES[Number(state)],
    tier: Number(tier),
    tierName: TIER_NAMES[Number(tier)],
    approvals: Number(approvals),
    threshold: Number(threshold),
    delay: Number(delay),
    vetoes: Number(vetoes),
    vetoThreshold: Number(vetoThreshold),
    eta: Number(eta),
    deadline: Number(deadline),
  };
}

/** Throws unless the proposal is in one of `allowed`; `action` is what the user tried. */
export function requireState(id: string, current: ProposalState, allowed: ProposalState[], action: string): void {
  if (allowed.includes(current)) return;
  throw new CliError(
    `cannot ${action} proposal ${shortId(id)}: it is ${STATE_NAMES[current]} (${action} needs ${allowed.map((s) => STATE_NAMES[s]).join(" or ")})`,
  );
}

/**
 * Decodes one call into words with the governed ABI (./council), knowing the deployment's addresses; `current` is
 * the policy it would change.
 */
export function describeCall(
  system: Pick<HedgeSystem, "deployment">,
  target: string,
  value: bigint,
  data: string,
  current?: PolicyValues,
): string[] {
  const c = system.deployment.contracts;
  const to = getAddress(target);
  const withValue = value > 0n ? ` (sending ${value} wei)` : "";
  const attempt = (contract: {
    interface: { parseTransaction(tx: { data: string }): { name: string; args: Result } | null };
  }) => {
    try {
      return contract.interface.parseTransaction({ data });
    } catch {
      return null;
    }
  };
  if (to === getAddress(c.policy.address)) {
    const call = attempt({ interface: GOVERNED_ABI.policy });
    if (call?.name === "setPolicy") {
      const next = call.args[0] as unknown as IHedgePolicy.PolicyStructOutput;
      const version = Number(call.args[1]);
      const lines = [`HedgePolicy.setPolicy(next, expectedVersion ${version})${withValue}`];
      if (current) lines.push(...describePolicyChange(current, toPolicyValues(next)).map((l) => `    ${l}`));
      return lines;
    }
    if (call?.name === "nudgeTrigger") {
      const [layer, trigger] = [Number(call.args[0]), Number(call.args[1])];
      const before = current?.layers[layer]?.triggerVix;
      return [
        `HedgePolicy.nudgeTrigger: layer ${layer} trigger ${before !== undefined ? `VIX ${fmtVix(before)} -> ` : ""}VIX ${fmtVix(trigger)}${withValue}`,
      ];
    }
    if (call?.name === "nudgeCoverage") {
      const before = current?.coverageBps;
      return [
        `HedgePolicy.nudgeCoverage: coverage ${before !== undefined ? `${fmtBps(before)} -> ` : ""}${fmtBps(Number(call.args[0]))}${withValue}`,
      ];
    }
    if (call?.name === "setOracle") return [`HedgePolicy.setOracle: VIX oracle -> ${call.args[0]}${withValue}`];
    if (call?.name === "setSteward") return [`HedgePolicy.setSteward: steward -> ${call.args[0]}${withValue}`];
    if (call?.name === "setNudgeLimits") {
      return [
        `HedgePolicy.setNudgeLimits: max nudge ${fmtBps(Number(call.args[0]))} of the value, cooldown ${fmtDuration(call.args[1] as bigint)}${withValue}`,
      ];
    }
  }
  if (to === getAddress(c.seats.address)) {
    const call = attempt({ interface: GOVERNED_ABI.seats });
    if (call?.name === "mint") return [`CouncilSeats.mint: a new seat for ${call.args[0]}${withValue}`];
    if (call?.name === "burn") return [`CouncilSeats.burn: seat ${call.args[0]}${withValue}`];
  }
  if (to === getAddress(c.council.address)) {
    const call = attempt({ interface: GOVERNED_ABI.council });
    if (call?.name === "setTierRule") {
      return [
        `HedgeCouncil.setTierRule: ${TIER_NAMES[Number(call.args[0])]} needs ${call.args[1]} approvals, delay ${fmtDuration(call.args[2] as bigint)}${withValue}`,
      ];
    }
    if (call?.name === "setVetoThreshold")
      return [`HedgeCouncil.setVetoThreshold: ${call.args[0]} vetoes kill a proposal`];
    if (call?.name === "setExpiry") {
      return [
        `HedgeCouncil.setExpiry: proposal TTL ${fmtDuration(call.args[0] as bigint)}, grace period ${fmtDuration(call.args[1] as bigint)}`,
      ];
    }
  }
  if (to === getAddress(c.timelock.address)) {
    const call = attempt({ interface: GOVERNED_ABI.timelock });
    if (call?.name === "updateDelay")
      return [`TimelockController.updateDelay: minimum delay ${fmtDuration(call.args[0] as bigint)}`];
  }
  return [
    `unknown call to ${to}: ${isHexString(data) && data.length >= 10 ? `selector ${data.slice(0, 10)}` : "no data"}${withValue}`,
  ];
}

/** Every call of a proposal, numbered. */
export function describeCalls(system: Pick<HedgeSystem, "deployment">, calls: Calls, current?: PolicyValues): string[] {
  const lines: string[] = [];
  calls.targets.forEach((target, i) => {
    const [first, ...rest] = describeCall(system, target, calls.values[i], calls.calldatas[i], current);
    lines.push(`  call ${i}: ${first}`, ...rest.map((l) => `  ${l}`));
  });
  return lines;
}

/** The current policy of the system, as plain numbers. */
export async function currentPolicy(system: HedgeSystem): Promise<PolicyValues> {
  return toPolicyValues(await system.policy.policy());
}

/** Throws unless `address` holds a seat now (as the council counts seats); returns its seat id. */
export async function requireSeatHolder(
  system: Pick<HedgeSystem, "council">,
  address: string,
  who: string,
): Promise<number> {
  const seatId = Number(await system.council.seatOf(address));
  if (seatId === 0) throw new CliError(`${who} holds no council seat`);
  return seatId;
}

/** The seat ids that exist now, from the seats' bit map. */
export async function liveSeatIds(system: HedgeSystem): Promise<number[]> {
  const bits = await system.seats.liveSeats();
  const ids: number[] = [];
  for (let i = 0; i < 64; i++) if ((bits >> BigInt(i)) & 1n) ids.push(i + 1);
  return ids;
}

/** The holders of the seats that exist now, in seat order. */
export async function seatHolders(system: HedgeSystem): Promise<string[]> {
  const ids = await liveSeatIds(system);
  return Promise.all(ids.map(async (id) => getAddress(await system.seats.ownerOf(id))));
}

/** Whether a proposal can still run as it stands; when not, why, in words. */
export type Staleness = { outdated: false } | { outdated: true; reason: string };

/** The selector of `HedgePolicyNudgeCoolingDown`: a nudge that waits for its cooldown is late, not outdated. */
const COOLING_DOWN = keccakText("HedgePolicyNudgeCoolingDown(uint8,uint256)").slice(0, 10);

/**
 * Whether a proposal is outdated: whether one of its calls reverts when made now as the execution would make it —
 * from the timelock, or from the council for Fast-tier nudges (the check hedge:propose makes before proposing). That
 * covers every way the state a proposal was built against moves on: a setPolicy for a version that is gone, a seat
 * for an address that holds one by now, a seat that was burned, a nudge outside the band a new baseline set.
 * The one rule for the tasks and the console; `explain` puts a revert into words (describeError, or the console's).
 *
 * Each call is rehearsed on its own against the current state, since nothing short of the timelock's own execution
 * can apply one call's effect before the next: a later call that fails only for want of an earlier call of the same
 * batch (a seat rotation's burn in a council with no seat to spare before the mint) is reported too, and the
 * override flags of the tasks let a seat holder who knows better go on.
 */
export async function staleness(
  system: { deployment: HedgeSystem["deployment"]; council: Pick<HedgeSystem["council"], "runner"> },
  proposal: Calls & { tier: number },
  explain: (error: unknown) => string | Promise<string>,
): Promise<Staleness> {
  const provider = system.council.runner?.provider;
  if (!provider) throw new Error("the council contract has no provider to rehearse the proposal's calls with");
  const c = system.deployment.contracts;
  const from = proposal.tier === Tier.Fast ? c.council.address : c.timelock.address;
  for (let i = 0; i < proposal.targets.length; i++) {
    try {
      await provider.call({ from, to: proposal.targets[i], value: proposal.values[i], data: proposal.calldatas[i] });
    } catch (error) {
      const data = revertData(error);
      // A node that cannot be reached is not a verdict on the proposal.
      if (data === undefined && !/revert/i.test(String((error as { message?: unknown })?.message))) throw error;
      if (data?.startsWith(COOLING_DOWN)) continue;
      return { outdated: true, reason: `call ${i}: ${await explain(error)}` };
    }
  }
  return { outdated: false };
}

/**
 * Refuses to spend gas, or a seat's signature, on an outdated proposal unless the user passed --allow-outdated;
 * `action` is what the user tried ("approve", "queue", "sign").
 */
export function refuseOutdated(id: string, stale: Staleness, action: string, allowOutdated: boolean | undefined): void {
  if (!stale.outdated || allowOutdated) return;
  throw new CliError(
    `proposal ${shortId(id)} is outdated, it cannot run as it stands: ${stale.reason}; pass --allow-outdated to ${action} it anyway`,
  );
}

/** A proposal as the tasks show it: on chain (`blockNumber` set) or only in a signatures file (null). */
export type ShownProposal = Calls & {
  id: string;
  tier: number;
  blockNumber: number | null;
  /** Its reason in words: from `ProposalCreated`, or from a signatures file (checked against the id). */
  description?: string;
};

/**
 * What a proposal does, as hedge:sign, hedge:approve and hedge:veto print it before acting on it: its id and where it
 * is, each call decoded against the policy in force (with the policy diff of a setPolicy), its tier rule, and the
 * reason when it is outdated.
 */
export async function describeProposal(
  system: HedgeSystem,
  proposal: ShownProposal,
  stale: Staleness,
): Promise<string[]> {
  const [[threshold, delay], current] = await Promise.all([
    system.council.tierRule(proposal.tier),
    currentPolicy(system),
  ]);
  const where = proposal.blockNumber === null ? "not on chain yet" : `created in block ${proposal.blockNumber}`;
  return [
    `Proposal ${proposal.id}`,
    `  chain ${system.chainId}, council ${system.deployment.contracts.council.address}, ${where}`,
    ...(proposal.description === undefined ? [] : descriptionBlock(proposal.description, "  description: ")),
    ...describeCalls(system, proposal, current),
    `  tier ${TIER_NAMES[proposal.tier]}: needs ${threshold} approvals${proposal.tier === Tier.Fast ? "" : `, then ${fmtDuration(delay)} in the timelock`}`,
    ...(stale.outdated ? [`  OUTDATED: ${stale.reason}`] : []),
  ];
}

/**
 * What a task prints before acting on a proposal (`describeProposal`); with `refuse`, it then refuses an outdated
 * proposal for that action unless --allow-outdated was given, so nothing is signed or sent for it. A veto passes no
 * `refuse`: vetoing an outdated proposal costs little and keeps it from running should the state come back (a seat
 * given to an address that holds one runs again once that seat is burned).
 */
export async function showProposal(
  hre: HardhatRuntimeEnvironment,
  system: HedgeSystem,
  proposal: ShownProposal,
  refuse?: { action: string; allowOutdated: boolean | undefined },
): Promise<Staleness> {
  const stale = await staleness(system, proposal, (e) => describeError(hre, e));
  sayLines(await describeProposal(system, proposal, stale));
  if (refuse) refuseOutdated(proposal.id, stale, refuse.action, refuse.allowOutdated);
  return stale;
}

/** What a tier covers, in the words of hedge:status's tier table. */
export const TIER_COVERS = [
  "steward nudges only",
  "a setPolicy that does not loosen",
  "a loosening setPolicy, or anything else",
] as const;

/** The signatures of a file that a relay sends, and the notes on those it leaves out. */
export interface Relay {
  fresh: ApprovalsSignature[];
  notes: string[];
}

/**
 * Checks, before anything is sent, the signatures a relay (`submit`, `approveBySig`) would send for proposal `id`,
 * as the council will: a seat whose approval is already recorded is left out with a note (the council ignores it);
 * a signature past its deadline at the next block (`latest` is the latest block's time), or by an address that
 * revoked the proposal, is refused in one line naming its seat. `name` is how the file is named; the seats and their
 * holders were checked when the file was read (parseApprovals).
 */
export async function signaturesToRelay(
  system: Pick<HedgeSystem, "council">,
  id: string,
  signatures: ApprovalsSignature[],
  name: string,
  latest: number,
): Promise<Relay> {
  const fresh: ApprovalsSignature[] = [];
  const notes: string[] = [];
  for (const s of signatures) {
    const [recorded, revoked] = await Promise.all([
      system.council.hasApproved(id, s.signer),
      system.council.hasRevoked(id, s.signer),
    ]);
    if (recorded) {
      notes.push(`  seat ${s.seatId} (${getAddress(s.signer)}) already approved on chain: skipped`);
      continue;
    }
    if (isExpired(s, latest + 1)) {
      throw new CliError(
        `the signature of seat ${s.seatId} (${s.signer}) in ${name} expired: it was valid until ${fmtValidUntil(BigInt(s.validUntil))}, and the council refuses it; seat ${s.seatId} signs again with \`hedge:sign --id ${id} --from <account>\` (the new signature replaces it)`,
      );
    }
    if (revoked) {
      throw new CliError(
        `the signature of seat ${s.seatId} (${s.signer}) in ${name} can never count: ${s.signer} revoked proposal ${shortId(id)}; remove it from the file (that address may still approve on chain)`,
      );
    }
    fresh.push(s);
  }
  return { fresh, notes };
}

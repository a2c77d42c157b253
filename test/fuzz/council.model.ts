// The TypeScript model of Hedge Council's rules v3 that the model-based fuzzer runs side by side with the chain:
// proposals and their states, approvals and vetoes by current seats, revocations (also of proposals that do not exist
// yet), seat signatures with their deadlines, tier classification, thresholds, delays, expiry, the policy's invariants
// and compare-and-swap, steward nudges, seats, council settings, the timelock's operations and the oracle-driven
// layers. Every function predicts the exact outcome of one call (success, or the exact custom error with its
// arguments) and, on success, applies its effects. Nothing here talks to the chain; calldata and ids are computed
// off-chain with ethers.
//
// This is an independent copy of the rules on purpose: it imports nothing of the project's own rules (tiers, states,
// loosening, thresholds, nudges, signatures, description hashes; only the policy's type and default values and the
// contracts' ABIs), so that a mistake in the contracts or in the shared TypeScript rules cannot hide behind the same
// mistake here. The rules v3 it implements (docs/RULES.md states them in words):
// - a proposal is named by its calls and the hash of its description (the text is on chain): the same calls with
//   another description are another proposal;
// - nudges move one trigger or the coverage within `maxNudgeBps` of its baseline (the value the last setPolicy set),
//   once per cooldown per parameter, and keep the version: `version` counts setPolicy calls only. A nudge that brings
//   a parameter back from the loose side toward its baseline (a trigger above it moved down, the coverage below it
//   moved up, ending between the current value and the baseline, baseline included) skips the cooldown and the band
//   check and does not restart the cooldown;
// - loosening is judged by the protection curve (coverage × the allocations of the layers engaged at a VIX level),
//   against the current policy and against the baseline policy (the current one with the baseline triggers and
//   coverage), plus the structural rules and the condor's own fields: layer count, instruments, shorter tenors, delta
//   max higher, delta min higher, wing wider, hysteresis lower, scale step lower, and any change of the oracle age or
//   of the days to expiry;
// - only a Critical proposal can be vetoed; vetoes count from current seats only and are judged again whenever the
//   state is read: a Pending or Queued proposal whose vetoes reach the veto threshold in force is Vetoed (so queue
//   and execute refuse it); `veto` and `cancel` record it for good;
// - a signature names a seat and a deadline: it counts only if, when presented, the seat is alive, its holder signed
//   Approval(id, seatId, validUntil) and the block's timestamp is at most validUntil; a signature of a live seat whose
//   approval is already recorded is ignored; any other one that does not count (a burned seat's included, even if its
//   approval was recorded before the burn) reverts the whole call naming its seat;
// - a revocation belongs to the address, and may come before the proposal exists: its signatures never count for
//   that id, whatever seat it holds; its own on-chain approve or propose still does;
// - execute takes exactly the ether its calls send; a Fast proposal takes none, refused at creation;
// - every threshold is at least min(2, seats), both when set and when used.
// By design a nudge never voids a majority decision: a Standard policy queued before a nudge runs after it, so a nudge
// that tightened in between may be undone by the majority's policy. The fuzzer therefore checks a Standard change
// against the baseline it replaced and the policy it was judged against when it was proposed, not against whatever a
// nudge left in between.
import { AbiCoder, keccak256, toUtf8Bytes, ZeroHash } from "ethers";

import { defaultPolicy, type PolicyValues } from "../../scripts/lib/policy";
import {
  CouncilSeats__factory,
  HedgeCouncil__factory,
  HedgePolicy__factory,
  TestTarget__factory,
  TimelockController__factory,
} from "../../typechain-types";
import { hashPolicy } from "../helpers/hedgePolicy";

export const DAY = 86_400;
export const HOUR = 3_600;

/** `IHedgeCouncil.Tier`, as the ABI numbers it (the model's own copy, like every rule here). */
export enum Tier {
  Fast = 0,
  Standard = 1,
  Critical = 2,
}

/** `IHedgeCouncil.ProposalState`, as the ABI numbers it. */
export enum State {
  Unknown = 0,
  Pending = 1,
  Queued = 2,
  Executed = 3,
  Vetoed = 4,
  Expired = 5,
}

/** An expected custom error: its name and its arguments (compared as strings, addresses lower-cased). */
export interface Expected {
  name: string;
  args: (bigint | number | string | boolean)[];
}

/** What a call is predicted to do: succeed, or revert with exactly this error. */
export type Outcome = { ok: true } | { ok: false; error: Expected };

const OK: Outcome = { ok: true };
const fail = (name: string, ...args: Expected["args"]): Outcome => ({ ok: false, error: { name, args } });

// ---------------------------------------------------------------- proposals: what the fuzzer generates

/** A change of one policy field, resolved against the policy current when the proposal is made. */
export interface Mutation {
  field:
    | "coverage"
    | "trigger"
    | "hysteresis"
    | "wing"
    | "deltaMax"
    | "deltaMin"
    | "oracleAge"
    | "scaleStep"
    | "dte"
    | "tenor"
    | "addLayer"
    | "removeLayer"
    | "realloc"
    | "instrument";
  layer: number;
  delta: number;
}

/** A proposal recipe, resolved against the model when the command runs. */
export type Spec =
  | { kind: "policy"; mutation: Mutation; fromBaseline?: boolean }
  | { kind: "stale"; mutation: Mutation; offset: number }
  | { kind: "nudgeCoverage"; deltaBps: number; wei?: number }
  | { kind: "nudgeEdge"; parameter: number; side: number; off: number }
  | { kind: "nudgeTrigger"; layer: number; deltaBps: number }
  | { kind: "nudgeReturn"; parameter: number; how: number }
  | { kind: "nudges"; to: { parameter: number; value: number }[] }
  | { kind: "mint"; who: number }
  | { kind: "burn"; seatId: number }
  | { kind: "rotate"; seatId: number; who: number }
  | { kind: "reseat"; seatId: number }
  | { kind: "vetoThreshold"; threshold: number }
  | { kind: "tierRule"; tier: Tier; threshold: number; delay: number }
  | { kind: "minDelay"; delay: number }
  | { kind: "expiry"; ttl: number; grace: number }
  | { kind: "ping"; value: number; wei?: number }
  | { kind: "mixed"; value: number };

/** One call of a proposal, as the model executes it. */
export type ModelCall =
  | { kind: "setPolicy"; next: PolicyValues; expectedVersion: number }
  | { kind: "nudgeCoverage"; value: number; wei?: number }
  | { kind: "nudgeTrigger"; layer: number; value: number }
  | { kind: "mint"; holder: string }
  | { kind: "burn"; seatId: number }
  | { kind: "setVetoThreshold"; threshold: number }
  | { kind: "setTierRule"; tier: Tier; threshold: number; delay: number }
  | { kind: "updateDelay"; delay: number }
  | { kind: "setExpiry"; ttl: number; grace: number }
  | { kind: "ping"; value: number; wei: number };

export interface Addresses {
  council: string;
  policy: string;
  seats: string;
  timelock: string;
  target: string;
}

export interface ProposalCalls {
  targets: string[];
  values: bigint[];
  calldatas: string[];
  /** The rationale: `propose` and `submit` take this text, the other entry points its hash. */
  description: string;
  descriptionHash: string;
  calls: ModelCall[];
  id: string;
  opId: string;
  label: string;
}

export interface ModelProposal extends ProposalCalls {
  tier: Tier;
  status: "Pending" | "Queued" | "Executed" | "Vetoed";
  approvals: Set<number>;
  vetoes: Set<number>;
  deadline: number;
  eta: number;
  op: "none" | "pending" | "done" | "cancelled";
  /** The policy current when the proposal was made: what its tier was judged against. */
  judgedAgainst: PolicyValues;
}

/** The parts of the world a proposal's calls can change; cloned for all-or-nothing execution. */
export interface Core {
  seatOf: Map<string, number>;
  ownerOf: Map<number, string>;
  minted: number;
  fast: number;
  standard: number;
  critical: number;
  veto: number;
  standardDelay: number;
  criticalDelay: number;
  ttl: number;
  grace: number;
  minDelay: number;
  policy: PolicyValues;
  version: number;
  /** What nudges are bounded around: the coverage and each trigger as the last setPolicy set them. */
  baseline: { coverage: number; triggers: number[] };
  lastNudgeAt: number[];
  maxNudgeBps: number;
  nudgeCooldown: number;
  engaged: number;
}

export interface Model {
  /** Timestamp of the latest block. */
  now: number;
  core: Core;
  oracle: { answer: bigint; updatedAt: number };
  proposals: ModelProposal[];
  byId: Map<string, ModelProposal>;
  /** Per id (a proposal's, or one that does not exist yet), the addresses (lower-case) that revoked it. */
  revocations: Map<string, Set<string>>;
  addresses: Addresses;
}

// ---------------------------------------------------------------- setup

export function defaultThresholds(n: number) {
  const standard = Math.floor(n / 2) + 1;
  const critical = Math.max(standard, Math.ceil((2 * n) / 3));
  const fast = Math.max(Math.min(2, n), standard - 1);
  return { fast, standard, critical, veto: Math.max(1, Math.ceil(n / 3)) };
}

/** The lowest threshold any tier may have, and the lowest any tier uses: no lone seat once there are two. */
export function floorThreshold(seats: number): number {
  return Math.min(2, seats);
}

/** The model of a system freshly deployed by `deploySystem` with `holders` and every default. */
export function initialModel(
  addresses: Addresses,
  holders: string[],
  now: number,
  oracle: { answer: bigint; updatedAt: number },
): Model {
  const t = defaultThresholds(holders.length);
  const seatOf = new Map<string, number>();
  const ownerOf = new Map<number, string>();
  holders.forEach((h, i) => {
    seatOf.set(h.toLowerCase(), i + 1);
    ownerOf.set(i + 1, h.toLowerCase());
  });
  return {
    now,
    core: {
      seatOf,
      ownerOf,
      minted: holders.length,
      ...t,
      standardDelay: DAY,
      criticalDelay: 3 * DAY,
      ttl: 7 * DAY,
      grace: 14 * DAY,
      minDelay: DAY,
      policy: defaultPolicy(),
      version: 1,
      baseline: baselineOf(defaultPolicy()),
      lastNudgeAt: [0, 0, 0, 0, 0, 0],
      maxNudgeBps: 1_000,
      nudgeCooldown: DAY,
      engaged: 0,
    },
    oracle,
    proposals: [],
    byId: new Map(),
    revocations: new Map(),
    addresses,
  };
}

// ---------------------------------------------------------------- views of the model

export function liveSeats(core: Core): number[] {
  return [...core.ownerOf.keys()];
}

export function liveMask(core: Core): bigint {
  let mask = 0n;
  for (const id of core.ownerOf.keys()) mask |= 1n << BigInt(id - 1);
  return mask;
}

export function seatOf(core: Core, account: string): number {
  return core.seatOf.get(account.toLowerCase()) ?? 0;
}

export function countLive(core: Core, seats: Set<number>): number {
  let n = 0;
  for (const s of seats) if (core.ownerOf.has(s)) n++;
  return n;
}

/** The approvals a tier needs now: its threshold, never below min(2, seats). */
export function threshold(core: Core, tier: Tier): number {
  const stored = tier === Tier.Fast ? core.fast : tier === Tier.Standard ? core.standard : core.critical;
  return Math.max(stored, floorThreshold(core.ownerOf.size));
}

/** Whether `p`'s vetoes by current seat holders reach the veto threshold in force. */
export function vetoedNow(core: Core, p: ModelProposal): boolean {
  return countLive(core, p.vetoes) >= core.veto;
}

/** The state of `p` at `now`: a recorded veto, or vetoes that reach the threshold in force now, make it Vetoed. */
export function stateAt(core: Core, p: ModelProposal | undefined, now: number): State {
  if (!p) return State.Unknown;
  if (p.status === "Executed") return State.Executed;
  if (p.status === "Vetoed" || vetoedNow(core, p)) return State.Vetoed;
  if (now > p.deadline) return State.Expired;
  return p.status === "Pending" ? State.Pending : State.Queued;
}

export function policyHashOf(core: Core): string {
  return hashPolicy(core.policy);
}

/** The addresses (lower-case) that revoked `id`, before or after it existed. */
export function revokedBy(m: Model, id: string): Set<string> {
  return m.revocations.get(id) ?? new Set();
}

/** The ids someone revoked before they existed and that still do not exist: the fuzzer probes them too. */
export function revokedAhead(m: Model): string[] {
  return [...m.revocations.keys()].filter((id) => !m.byId.has(id));
}

/** Parameter numbers as the policy's cooldown slots: 0..4 a layer's trigger, 5 the coverage. */
export const COVERAGE = 5;

/**
 * The parameters on the loose side of their baseline (a trigger above it: the layer engages later; the coverage below
 * it), with the current value and the baseline.
 */
export function looseParameters(core: Core): { parameter: number; current: number; baseline: number }[] {
  const out: { parameter: number; current: number; baseline: number }[] = [];
  core.policy.layers.forEach((l, i) => {
    if (l.triggerVix > core.baseline.triggers[i])
      out.push({ parameter: i, current: l.triggerVix, baseline: core.baseline.triggers[i] });
  });
  if (core.policy.coverageBps < core.baseline.coverage)
    out.push({ parameter: COVERAGE, current: core.policy.coverageBps, baseline: core.baseline.coverage });
  return out;
}

// ---------------------------------------------------------------- the policy's rules

const U16 = 0xffff;
const U32 = 0xffffffff;
const clamp = (x: number, max: number) => Math.max(0, Math.min(max, Math.trunc(x)));

/** The baseline a setPolicy (or the deployment) leaves: the coverage and every trigger of `p`. */
export function baselineOf(p: PolicyValues): { coverage: number; triggers: number[] } {
  return { coverage: p.coverageBps, triggers: p.layers.map((l) => l.triggerVix) };
}

/** The policy the council approved last: `current` with its baseline coverage and triggers (nudges undone). */
export function baselinePolicy(current: PolicyValues, baseline: Core["baseline"]): PolicyValues {
  const p = structuredClone(current);
  p.coverageBps = baseline.coverage;
  p.layers.forEach((l, i) => (l.triggerVix = baseline.triggers[i]));
  return p;
}

/** The protection of `p` at VIX level `vix`: coverage × the allocations of the layers whose trigger is at most `vix`. */
export function protection(p: PolicyValues, vix: number): number {
  let engaged = 0;
  for (const l of p.layers) if (l.triggerVix <= vix) engaged += l.allocationBps;
  return p.coverageBps * engaged;
}

/** The VIX levels where `a` or `b` can change protection: every trigger of either (a step function). */
export function levels(a: PolicyValues, b: PolicyValues): number[] {
  return [...new Set([...a.layers, ...b.layers].map((l) => l.triggerVix))].sort((x, y) => x - y);
}

/** Whether `next` protects less than `ref` at some VIX level. */
export function lessProtection(next: PolicyValues, ref: PolicyValues): boolean {
  return levels(next, ref).some((v) => protection(next, v) < protection(ref, v));
}

/**
 * `isLoosening(next)` against the current policy and its baseline: a structural change (layer count, an instrument,
 * a shorter tenor), a condor field moved the risky way (delta max or delta min higher, wing wider), disengaging
 * earlier (hysteresis lower), scaling in slower (scale step lower), any change of the oracle age (longer accepts staler
 * answers, shorter starves the layers between two rounds) or of the days to expiry, or less protection than the
 * current policy or than the baseline policy at some VIX level.
 */
export function isLoosening(current: PolicyValues, baseline: Core["baseline"], next: PolicyValues): boolean {
  if (next.layers.length !== current.layers.length) return true;
  if (next.shortDeltaMaxBps > current.shortDeltaMaxBps) return true;
  if (next.shortDeltaMinBps > current.shortDeltaMinBps) return true;
  if (next.wingWidthPts > current.wingWidthPts) return true;
  if (next.hysteresisVix < current.hysteresisVix) return true;
  if (next.scaleStepBps < current.scaleStepBps) return true;
  if (next.maxOracleAge !== current.maxOracleAge) return true;
  if (next.targetDte !== current.targetDte) return true;
  const structural = current.layers.some(
    (l, i) => next.layers[i].instrument !== l.instrument || next.layers[i].tenorDays < l.tenorDays,
  );
  if (structural) return true;
  return lessProtection(next, current) || lessProtection(next, baselinePolicy(current, baseline));
}

/** The first invariant `p` breaks, as the policy's custom error, or null. */
export function validatePolicy(p: PolicyValues): Expected | null {
  const e = (name: string, ...args: Expected["args"]): Expected => ({ name, args });
  const n = p.layers.length;
  if (n === 0 || n > 5) return e("HedgePolicyLayerCountOutOfRange", n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const l = p.layers[i];
    if (l.allocationBps === 0) return e("HedgePolicyAllocationZero", i);
    sum += l.allocationBps;
    if (l.triggerVix < 1_000 || l.triggerVix > 10_000) return e("HedgePolicyTriggerOutOfRange", i, l.triggerVix);
    if (l.tenorDays === 0 || l.tenorDays > 730) return e("HedgePolicyTenorOutOfRange", i, l.tenorDays);
    if (i > 0) {
      const below = p.layers[i - 1];
      if (l.triggerVix <= below.triggerVix)
        return e("HedgePolicyTriggerNotIncreasing", i, below.triggerVix, l.triggerVix);
      if (l.tenorDays < below.tenorDays) return e("HedgePolicyTenorDecreasing", i, below.tenorDays, l.tenorDays);
    }
  }
  if (sum !== 10_000) return e("HedgePolicyAllocationSumNot100Percent", sum);
  if (p.coverageBps < 500 || p.coverageBps > 10_000) return e("HedgePolicyCoverageOutOfRange", p.coverageBps);
  if (p.scaleStepBps < 500 || p.scaleStepBps > 5_000) return e("HedgePolicyScaleStepOutOfRange", p.scaleStepBps);
  if (p.shortDeltaMinBps < 100 || p.shortDeltaMinBps > p.shortDeltaMaxBps || p.shortDeltaMaxBps > 5_000)
    return e("HedgePolicyDeltaBandInvalid", p.shortDeltaMinBps, p.shortDeltaMaxBps);
  if (p.wingWidthPts < 5 || p.wingWidthPts > 500) return e("HedgePolicyWingWidthOutOfRange", p.wingWidthPts);
  if (p.targetDte === 0 || p.targetDte > 365) return e("HedgePolicyTargetDteOutOfRange", p.targetDte);
  if (p.hysteresisVix > 1_000) return e("HedgePolicyHysteresisOutOfRange", p.hysteresisVix);
  if (p.maxOracleAge < 60 || p.maxOracleAge > 86_400) return e("HedgePolicyOracleAgeOutOfRange", p.maxOracleAge);
  return null;
}

/** `current` with one field changed; every value stays encodable (uint16 / uint32). */
export function mutate(current: PolicyValues, m: Mutation): PolicyValues {
  const p = structuredClone(current);
  const n = p.layers.length;
  const l = Math.abs(m.layer) % n;
  switch (m.field) {
    case "coverage":
      p.coverageBps = clamp(p.coverageBps + m.delta, U16);
      break;
    case "trigger":
      p.layers[l].triggerVix = clamp(p.layers[l].triggerVix + m.delta, U32);
      break;
    case "hysteresis":
      p.hysteresisVix = clamp(p.hysteresisVix + Math.trunc(m.delta * 0.6) + 200, U32);
      break;
    case "wing":
      p.wingWidthPts = clamp(p.wingWidthPts + Math.trunc(m.delta / 10), U16);
      break;
    case "deltaMax":
      p.shortDeltaMaxBps = clamp(p.shortDeltaMaxBps + m.delta, U16);
      break;
    case "deltaMin":
      p.shortDeltaMinBps = clamp(p.shortDeltaMinBps + m.delta, U16);
      break;
    case "oracleAge":
      p.maxOracleAge = clamp(p.maxOracleAge + m.delta * 5, U32);
      break;
    case "scaleStep":
      p.scaleStepBps = clamp(p.scaleStepBps + m.delta * 3, U16);
      break;
    case "dte":
      p.targetDte = clamp(p.targetDte + Math.trunc(m.delta / 50), U16);
      break;
    case "tenor":
      p.layers[l].tenorDays = clamp(p.layers[l].tenorDays + Math.trunc(m.delta / 2), U16);
      break;
    case "addLayer": {
      const last = p.layers[n - 1];
      p.layers[0].allocationBps = clamp(p.layers[0].allocationBps - 1_000, U16);
      p.layers.push({
        allocationBps: 1_000,
        tenorDays: last.tenorDays,
        triggerVix: clamp(last.triggerVix + m.delta + 300, U32),
        instrument: 3,
      });
      break;
    }
    case "removeLayer": {
      const removed = p.layers.pop()!;
      if (p.layers.length > 0)
        p.layers[0].allocationBps = clamp(p.layers[0].allocationBps + removed.allocationBps, U16);
      break;
    }
    case "instrument":
      p.layers[l].instrument = (p.layers[l].instrument + 1 + (Math.abs(m.delta) % 3)) % 4;
      break;
    case "realloc": {
      const move = m.delta * 3;
      p.layers[0].allocationBps = clamp(p.layers[0].allocationBps - move, U16);
      p.layers[n - 1].allocationBps = clamp(p.layers[n - 1].allocationBps + move, U16);
      break;
    }
  }
  return p;
}

// ---------------------------------------------------------------- resolving a spec into calls

const policyIface = HedgePolicy__factory.createInterface();
const seatsIface = CouncilSeats__factory.createInterface();
const councilIface = HedgeCouncil__factory.createInterface();
const timelockIface = TimelockController__factory.createInterface();
const targetIface = TestTarget__factory.createInterface();
const coder = AbiCoder.defaultAbiCoder();

export const interfaces = { policy: policyIface, seats: seatsIface, council: councilIface, timelock: timelockIface };

function encodeCall(a: Addresses, call: ModelCall): { target: string; data: string; value?: bigint } {
  switch (call.kind) {
    case "setPolicy":
      return { target: a.policy, data: policyIface.encodeFunctionData("setPolicy", [call.next, call.expectedVersion]) };
    case "nudgeCoverage":
      return {
        target: a.policy,
        data: policyIface.encodeFunctionData("nudgeCoverage", [call.value]),
        value: BigInt(call.wei ?? 0),
      };
    case "nudgeTrigger":
      return { target: a.policy, data: policyIface.encodeFunctionData("nudgeTrigger", [call.layer, call.value]) };
    case "mint":
      return { target: a.seats, data: seatsIface.encodeFunctionData("mint", [call.holder]) };
    case "burn":
      return { target: a.seats, data: seatsIface.encodeFunctionData("burn", [call.seatId]) };
    case "setVetoThreshold":
      return { target: a.council, data: councilIface.encodeFunctionData("setVetoThreshold", [call.threshold]) };
    case "setTierRule":
      return {
        target: a.council,
        data: councilIface.encodeFunctionData("setTierRule", [call.tier, call.threshold, call.delay]),
      };
    case "updateDelay":
      return { target: a.timelock, data: timelockIface.encodeFunctionData("updateDelay", [call.delay]) };
    case "setExpiry":
      return { target: a.council, data: councilIface.encodeFunctionData("setExpiry", [call.ttl, call.grace]) };
    case "ping":
      return { target: a.target, data: targetIface.encodeFunctionData("ping", [call.value]), value: BigInt(call.wei) };
  }
}

/** keccak256 of the description's UTF-8 bytes: what queue, execute, cancel and hashProposal take. */
export function descriptionHashOf(description: string): string {
  return keccak256(toUtf8Bytes(description));
}

export function hashProposal(
  targets: string[],
  values: bigint[],
  calldatas: string[],
  descriptionHash: string,
): string {
  return keccak256(
    coder.encode(["address[]", "uint256[]", "bytes[]", "bytes32"], [targets, values, calldatas, descriptionHash]),
  );
}

/**
 * The `n`-th description of a proposal labelled `label`: the label, the empty text, a multi-line text with non-ASCII
 * characters, or the label numbered. The same calls with another description are another proposal.
 */
export function descriptionOf(label: string, n: number): string {
  if (n === 0) return label;
  if (n === 1) return "";
  if (n === 2) return `${label}\n\nWhy: the term structure is inverted — VIX ≥ 30 for 3 days «stress» ✓`;
  return `${label} (#${n})`;
}

export function operationIdOf(targets: string[], values: bigint[], calldatas: string[], id: string): string {
  if (targets.length === 1) {
    return keccak256(
      coder.encode(
        ["address", "uint256", "bytes", "bytes32", "bytes32"],
        [targets[0], values[0], calldatas[0], ZeroHash, id],
      ),
    );
  }
  return keccak256(
    coder.encode(
      ["address[]", "uint256[]", "bytes[]", "bytes32", "bytes32"],
      [targets, values, calldatas, ZeroHash, id],
    ),
  );
}

/**
 * The calls `spec` stands for, against the model now, with description number `descriptionIndex` (see
 * `descriptionOf`); `actors` resolves actor indices to addresses.
 */
export function resolve(m: Model, spec: Spec, descriptionIndex: number, actors: string[]): ProposalCalls {
  const c = m.core;
  const nudged = (current: number, deltaBps: number, max: number) =>
    clamp(current + Math.trunc((current * deltaBps) / 10_000), max);
  let calls: ModelCall[];
  let label: string;
  switch (spec.kind) {
    case "policy": {
      // From the current policy (after any nudge: a lock-in), or from the policy the council approved last.
      const from = spec.fromBaseline ? baselinePolicy(c.policy, c.baseline) : c.policy;
      calls = [{ kind: "setPolicy", next: mutate(from, spec.mutation), expectedVersion: c.version }];
      label = `setPolicy ${spec.fromBaseline ? "baseline " : ""}${spec.mutation.field} ${spec.mutation.delta}`;
      break;
    }
    case "stale":
      calls = [
        {
          kind: "setPolicy",
          next: mutate(c.policy, spec.mutation),
          expectedVersion: Math.max(0, c.version + spec.offset),
        },
      ];
      label = `setPolicy@v${c.version}${spec.offset >= 0 ? "+" : ""}${spec.offset} ${spec.mutation.field}`;
      break;
    case "nudgeCoverage":
      calls = [{ kind: "nudgeCoverage", value: nudged(c.policy.coverageBps, spec.deltaBps, U16), wei: spec.wei }];
      label = `nudgeCoverage ${spec.deltaBps}bps${spec.wei ? ` with ${spec.wei} wei` : ""}`;
      break;
    case "nudgeEdge": {
      // At the edge of the band around the baseline, or one unit inside or outside it.
      const parameter = spec.parameter % 6;
      const base = parameter === 5 ? c.baseline.coverage : (c.baseline.triggers[parameter] ?? 2_000);
      const value = clamp(
        base + spec.side * Math.floor((base * c.maxNudgeBps) / 10_000) + spec.off,
        parameter === 5 ? U16 : U32,
      );
      calls = [parameter === 5 ? { kind: "nudgeCoverage", value } : { kind: "nudgeTrigger", layer: parameter, value }];
      label = `nudge ${parameter === 5 ? "coverage" : `trigger ${parameter}`} to the band's ${spec.side < 0 ? "low" : "high"} edge ${spec.off >= 0 ? "+" : ""}${spec.off}`;
      break;
    }
    case "nudgeTrigger": {
      const layer = spec.layer % 6;
      const current = c.policy.layers[layer]?.triggerVix ?? 2_000;
      calls = [{ kind: "nudgeTrigger", layer, value: nudged(current, spec.deltaBps, U32) }];
      label = `nudgeTrigger ${layer} ${spec.deltaBps}bps`;
      break;
    }
    case "nudgeReturn": {
      // From the current value toward the baseline: onto it, halfway, one unit toward it, or one unit past it. From
      // the loose side the first three skip the cooldown; from the tight side (undoing a protective nudge) none does.
      const parameter = spec.parameter % 6;
      const coverage = parameter === COVERAGE;
      const current = coverage ? c.policy.coverageBps : (c.policy.layers[parameter]?.triggerVix ?? 2_000);
      const base = coverage ? c.baseline.coverage : (c.baseline.triggers[parameter] ?? 2_000);
      const toward = Math.sign(base - current);
      const how = spec.how % 4;
      const target =
        how === 0 ? base : how === 1 ? Math.trunc((current + base) / 2) : how === 2 ? current + toward : base + toward;
      const value = clamp(target, coverage ? U16 : U32);
      calls = [coverage ? { kind: "nudgeCoverage", value } : { kind: "nudgeTrigger", layer: parameter, value }];
      label = `nudge ${coverage ? "coverage" : `trigger ${parameter}`} back ${["onto", "halfway to", "one unit toward", "one unit past"][how]} the baseline`;
      break;
    }
    case "nudges":
      // A batch of nudges to given values (parameter 5 the coverage, 0..4 a trigger).
      calls = spec.to.map(({ parameter, value }) =>
        parameter === COVERAGE ? { kind: "nudgeCoverage", value } : { kind: "nudgeTrigger", layer: parameter, value },
      );
      label = `nudge ${spec.to.map(({ parameter, value }) => `${parameter === COVERAGE ? "coverage" : `trigger ${parameter}`} to ${value}`).join(", ")}`;
      break;
    case "mint":
      calls = [{ kind: "mint", holder: actors[spec.who] }];
      label = `mint actor ${spec.who}`;
      break;
    case "burn":
      calls = [{ kind: "burn", seatId: spec.seatId }];
      label = `burn ${spec.seatId}`;
      break;
    case "rotate":
      calls = [
        { kind: "burn", seatId: spec.seatId },
        { kind: "mint", holder: actors[spec.who] },
      ];
      label = `rotate ${spec.seatId} to actor ${spec.who}`;
      break;
    case "reseat": {
      // The same address loses its seat and gets a new one: its approvals stop counting, its revocations stay.
      const holder = c.ownerOf.get(spec.seatId) ?? actors[spec.seatId];
      calls = [
        { kind: "burn", seatId: spec.seatId },
        { kind: "mint", holder },
      ];
      label = `reseat ${spec.seatId}`;
      break;
    }
    case "vetoThreshold":
      calls = [{ kind: "setVetoThreshold", threshold: spec.threshold }];
      label = `setVetoThreshold ${spec.threshold}`;
      break;
    case "tierRule":
      calls = [{ kind: "setTierRule", tier: spec.tier, threshold: spec.threshold, delay: spec.delay }];
      label = `setTierRule ${Tier[spec.tier]} ${spec.threshold} ${spec.delay}s`;
      break;
    case "minDelay":
      calls = [{ kind: "updateDelay", delay: spec.delay }];
      label = `updateDelay ${spec.delay}s`;
      break;
    case "expiry":
      calls = [{ kind: "setExpiry", ttl: spec.ttl, grace: spec.grace }];
      label = `setExpiry ${spec.ttl}s ${spec.grace}s`;
      break;
    case "ping":
      calls = [{ kind: "ping", value: spec.value, wei: spec.wei ?? 0 }];
      label = `ping ${spec.value}${spec.wei ? ` with ${spec.wei} wei` : ""}`;
      break;
    case "mixed":
      calls = [
        { kind: "nudgeCoverage", value: nudged(c.policy.coverageBps, 100, U16) },
        { kind: "ping", value: spec.value, wei: 0 },
      ];
      label = `mixed nudge+ping ${spec.value}`;
      break;
  }
  return proposalOf(m, calls, label, descriptionIndex);
}

/** The proposal of `calls`, encoded, with description number `descriptionIndex` (see `descriptionOf`). */
export function proposalOf(m: Model, calls: ModelCall[], label: string, descriptionIndex: number): ProposalCalls {
  const encoded = calls.map((call) => encodeCall(m.addresses, call));
  const targets = encoded.map((e) => e.target);
  const values = encoded.map((e) => e.value ?? 0n);
  const calldatas = encoded.map((e) => e.data);
  const description = descriptionOf(label, descriptionIndex);
  const descriptionHash = descriptionHashOf(description);
  const id = hashProposal(targets, values, calldatas, descriptionHash);
  const opId = operationIdOf(targets, values, calldatas, id);
  return { targets, values, calldatas, description, descriptionHash, calls, id, opId, label };
}

/** The tier of `calls` and the index of the first call that breaks an all-nudge (or no-nudge) batch, or 0. */
export function classify(core: Core, calls: ModelCall[]): { tier: Tier; mixedAt: number } {
  let tier = Tier.Fast;
  let mixedAt = 0;
  let firstFast = false;
  calls.forEach((call, i) => {
    let t: Tier;
    if (call.kind === "nudgeCoverage" || call.kind === "nudgeTrigger") t = Tier.Fast;
    else if (call.kind === "setPolicy")
      t =
        call.expectedVersion !== core.version || isLoosening(core.policy, core.baseline, call.next)
          ? Tier.Critical
          : Tier.Standard;
    else t = Tier.Critical;
    if (t > tier) tier = t;
    const fast = t === Tier.Fast;
    if (i === 0) firstFast = fast;
    else if (fast !== firstFast && mixedAt === 0) mixedAt = i;
  });
  return { tier, mixedAt };
}

// ---------------------------------------------------------------- executing calls (all or nothing)

function cloneCore(core: Core): Core {
  return structuredClone(core);
}

/**
 * Whether a nudge from `current` to `requested` returns from the loose side toward `base`: a trigger above its
 * baseline moved down, or the coverage below its baseline moved up, ending between the current value and the baseline
 * (baseline included).
 */
export function returnsFromLooseSide(parameter: number, current: number, base: number, requested: number): boolean {
  if (parameter === COVERAGE) return current < base && requested > current && requested <= base;
  return current > base && requested < current && requested >= base;
}

/**
 * A nudge of `parameter` (0..4 a trigger, 5 the coverage) from `current` to `requested`: the band is around `base`.
 * A return from the loose side skips the cooldown and the band and leaves `lastNudgeAt` alone.
 */
function checkNudge(
  c: Core,
  parameter: number,
  current: number,
  base: number,
  requested: number,
  now: number,
): Outcome {
  if (requested === current) return fail("HedgePolicyNudgeUnchanged", current);
  if (returnsFromLooseSide(parameter, current, base, requested)) return OK;
  const last = c.lastNudgeAt[parameter];
  if (last !== 0 && now < last + c.nudgeCooldown)
    return fail("HedgePolicyNudgeCoolingDown", parameter, last + c.nudgeCooldown);
  const maxStep = Math.floor((base * c.maxNudgeBps) / 10_000);
  if (Math.abs(requested - base) > maxStep)
    return fail("HedgePolicyNudgeOutsideBand", parameter, base, requested, maxStep);
  c.lastNudgeAt[parameter] = now;
  return OK;
}

function checkTierRules(c: Core): Outcome {
  const seats = c.ownerOf.size;
  if (c.fast < floorThreshold(seats) || c.fast > c.standard || c.standard > c.critical || c.critical > seats)
    return fail("HedgeCouncilThresholdsOutOfOrder", c.fast, c.standard, c.critical, seats);
  if (c.standardDelay < c.minDelay)
    return fail("HedgeCouncilStandardDelayBelowTimelockMinimum", c.standardDelay, c.minDelay);
  if (c.criticalDelay < c.standardDelay)
    return fail("HedgeCouncilCriticalDelayBelowStandard", c.criticalDelay, c.standardDelay);
  return OK;
}

/** Runs one call on `c` (a draft) at `now`; returns its outcome. */
function runCall(c: Core, call: ModelCall, now: number): Outcome {
  switch (call.kind) {
    case "setPolicy": {
      if (call.expectedVersion !== c.version)
        return fail("HedgePolicyVersionMismatch", call.expectedVersion, c.version);
      const broken = validatePolicy(call.next);
      if (broken) return { ok: false, error: broken };
      c.policy = structuredClone(call.next);
      c.version += 1;
      c.baseline = baselineOf(call.next);
      c.engaged &= (1 << call.next.layers.length) - 1;
      return OK;
    }
    case "nudgeCoverage": {
      const checked = checkNudge(c, COVERAGE, c.policy.coverageBps, c.baseline.coverage, call.value, now);
      if (!checked.ok) return checked;
      if (call.value < 500 || call.value > 10_000) return fail("HedgePolicyCoverageOutOfRange", call.value);
      c.policy.coverageBps = call.value;
      return OK;
    }
    case "nudgeTrigger": {
      const n = c.policy.layers.length;
      if (call.layer >= n) return fail("HedgePolicyLayerNotFound", call.layer, n);
      const current = c.policy.layers[call.layer].triggerVix;
      const checked = checkNudge(c, call.layer, current, c.baseline.triggers[call.layer], call.value, now);
      if (!checked.ok) return checked;
      if (call.value < 1_000 || call.value > 10_000)
        return fail("HedgePolicyTriggerOutOfRange", call.layer, call.value);
      if (call.layer > 0) {
        const below = c.policy.layers[call.layer - 1].triggerVix;
        if (call.value <= below) return fail("HedgePolicyTriggerNotIncreasing", call.layer, below, call.value);
      }
      if (call.layer + 1 < n) {
        const above = c.policy.layers[call.layer + 1].triggerVix;
        if (above <= call.value) return fail("HedgePolicyTriggerNotIncreasing", call.layer + 1, call.value, above);
      }
      c.policy.layers[call.layer].triggerVix = call.value;
      return OK;
    }
    case "mint": {
      const holder = call.holder.toLowerCase();
      if (c.seatOf.has(holder)) return fail("CouncilSeatsAlreadyHolder", holder);
      if (c.minted === 64) return fail("CouncilSeatsLifetimeLimitReached", 64);
      c.minted += 1;
      c.seatOf.set(holder, c.minted);
      c.ownerOf.set(c.minted, holder);
      return OK;
    }
    case "burn": {
      const holder = c.ownerOf.get(call.seatId);
      if (!holder) return fail("ERC721NonexistentToken", call.seatId);
      const remaining = c.ownerOf.size - 1;
      const required = Math.max(c.critical, c.veto);
      if (remaining < required) return fail("CouncilSeatsBelowThreshold", remaining, required);
      c.ownerOf.delete(call.seatId);
      c.seatOf.delete(holder);
      return OK;
    }
    case "setVetoThreshold": {
      const seats = c.ownerOf.size;
      if (call.threshold === 0 || call.threshold > seats)
        return fail("HedgeCouncilVetoThresholdOutOfRange", call.threshold, seats);
      c.veto = call.threshold;
      return OK;
    }
    case "setTierRule": {
      if (call.tier === Tier.Fast) {
        if (call.delay !== 0) return fail("HedgeCouncilFastDelayNotZero", call.delay);
        c.fast = call.threshold;
      } else if (call.tier === Tier.Standard) {
        c.standard = call.threshold;
        c.standardDelay = call.delay;
      } else {
        c.critical = call.threshold;
        c.criticalDelay = call.delay;
      }
      return checkTierRules(c);
    }
    case "updateDelay":
      c.minDelay = call.delay;
      return OK;
    case "setExpiry": {
      const inRange = (x: number) => x >= HOUR && x <= 365 * DAY;
      if (!inRange(call.ttl) || !inRange(call.grace)) return fail("HedgeCouncilExpiryOutOfRange", call.ttl, call.grace);
      c.ttl = call.ttl;
      c.grace = call.grace;
      return OK;
    }
    case "ping":
      return OK;
  }
}

/** Runs `calls` all or nothing at `now`: on success the model's core is replaced by the result. */
export function runCalls(m: Model, calls: ModelCall[], now: number): Outcome {
  const draft = cloneCore(m.core);
  for (const call of calls) {
    const outcome = runCall(draft, call, now);
    if (!outcome.ok) return outcome;
  }
  m.core = draft;
  return OK;
}

// ---------------------------------------------------------------- the council's entry points

/** Where a predicted success leaves the model; `apply` is called only once the chain agreed. */
export interface Prediction {
  outcome: Outcome;
  apply: () => void;
}

const noop = () => {};
const refuse = (outcome: Outcome): Prediction => ({ outcome, apply: noop });

function newProposal(m: Model, calls: ProposalCalls, tier: Tier, now: number): ModelProposal {
  return {
    ...calls,
    tier,
    status: "Pending",
    approvals: new Set(),
    vetoes: new Set(),
    deadline: now + m.core.ttl,
    eta: 0,
    op: "none",
    judgedAgainst: structuredClone(m.core.policy),
  };
}

/** The ether a proposal's calls send. */
function sumOf(values: bigint[]): bigint {
  return values.reduce((a, b) => a + b, 0n);
}

/** `_create`'s checks after the id: the tier, a batch mixing nudges with other calls, ether sent with nudges. */
function creation(m: Model, calls: ProposalCalls): { error: Outcome } | { tier: Tier } {
  if (m.byId.has(calls.id)) return { error: fail("HedgeCouncilProposalExists", calls.id) };
  const { tier, mixedAt } = classify(m.core, calls.calls);
  if (mixedAt !== 0) return { error: fail("HedgeCouncilMixedFastBatch", mixedAt) };
  const value = sumOf(calls.values);
  if (tier === Tier.Fast && value !== 0n) return { error: fail("HedgeCouncilFastTierTakesNoValue", value) };
  return { tier };
}

function register(m: Model, p: ModelProposal) {
  m.proposals.push(p);
  m.byId.set(p.id, p);
}

/** Schedules `p` (already approved) in the model's timelock at `now`. */
function queueIn(m: Model, p: ModelProposal, now: number) {
  const delay = Math.max(p.tier === Tier.Standard ? m.core.standardDelay : m.core.criticalDelay, m.core.minDelay);
  p.status = "Queued";
  p.eta = now + delay;
  p.deadline = p.eta + m.core.grace;
  p.op = "pending";
}

export function predictPropose(m: Model, proposer: string, calls: ProposalCalls, now: number): Prediction {
  const seat = seatOf(m.core, proposer);
  if (seat === 0) return refuse(fail("HedgeCouncilNotSeatHolder", proposer));
  const created = creation(m, calls);
  if ("error" in created) return refuse(created.error);
  const tier = created.tier;
  // Proposing is fresh on-chain consent: it counts even if the proposer revoked this id before it existed.
  return {
    outcome: OK,
    apply: () => {
      const p = newProposal(m, calls, tier, now);
      p.approvals.add(seat);
      register(m, p);
    },
  };
}

export function predictApprove(m: Model, actor: string, id: string, now: number): Prediction {
  const seat = seatOf(m.core, actor);
  if (seat === 0) return refuse(fail("HedgeCouncilNotSeatHolder", actor));
  const p = m.byId.get(id);
  const state = stateAt(m.core, p, now);
  if (state !== State.Pending) return refuse(fail("HedgeCouncilUnexpectedProposalState", id, state));
  if (p!.approvals.has(seat)) return refuse(fail("HedgeCouncilAlreadyApproved", id, actor));
  // An address that revoked may approve on chain again: that is fresh consent (its signatures still never count).
  return { outcome: OK, apply: () => p!.approvals.add(seat) };
}

/**
 * `revoke(id)`: by a seat holder, of a proposal that does not exist yet or is Pending. It withdraws the caller's
 * recorded approval if any and marks (id, caller) for good; with nothing to withdraw and the mark already there, it
 * reverts.
 */
export function predictRevoke(m: Model, actor: string, id: string, now: number): Prediction {
  const seat = seatOf(m.core, actor);
  if (seat === 0) return refuse(fail("HedgeCouncilNotSeatHolder", actor));
  const p = m.byId.get(id);
  const state = stateAt(m.core, p, now);
  if (state !== State.Unknown && state !== State.Pending)
    return refuse(fail("HedgeCouncilUnexpectedProposalState", id, state));
  const approved = p?.approvals.has(seat) ?? false;
  const account = actor.toLowerCase();
  if (!approved && revokedBy(m, id).has(account)) return refuse(fail("HedgeCouncilAlreadyRevoked", id, actor));
  return {
    outcome: OK,
    apply: () => {
      p?.approvals.delete(seat);
      if (!m.revocations.has(id)) m.revocations.set(id, new Set());
      m.revocations.get(id)!.add(account);
    },
  };
}

/**
 * A `SeatSignature` as presented: the seat it names, its deadline, and who (if anyone) made a genuine signature of
 * exactly Approval(id, seatId, validUntil) with a low s (null: another message, a malleable twin, garbage).
 */
export interface SignedBy {
  seatId: number;
  validUntil: bigint;
  signer: string | null;
}

/**
 * `_addSignatures` at `now` over the recorded `approvals` (raw marks, burned seats included): the seats added, the
 * seats ignored (live and already recorded), or the first signature's error. Seat ids outside 1..64 and burned or
 * never-minted seats are not found, whatever the marks say.
 */
function addSignatures(
  m: Model,
  id: string,
  approvals: Set<number>,
  sigs: SignedBy[],
  now: number,
): { error: Outcome } | { added: number[]; ignored: number[] } {
  if (sigs.length === 0) return { error: fail("HedgeCouncilNoSignatures") };
  const revoked = revokedBy(m, id);
  const seen = new Set<number>();
  const added: number[] = [];
  const ignored: number[] = [];
  for (const { seatId, validUntil, signer } of sigs) {
    // The seat must be alive before anything else: a burned seat's recorded approval does not make its signature
    // ignorable (an address re-seated never brings back a signature of its old seat).
    const holder = m.core.ownerOf.get(seatId);
    if (!holder) return { error: fail("HedgeCouncilSeatNotFound", seatId) };
    if (seen.has(seatId)) return { error: fail("HedgeCouncilDuplicateSeat", seatId) };
    seen.add(seatId);
    if (approvals.has(seatId)) {
      ignored.push(seatId);
      continue;
    }
    if (BigInt(now) > validUntil) return { error: fail("HedgeCouncilSignatureExpired", seatId, validUntil) };
    if (revoked.has(holder)) return { error: fail("HedgeCouncilSignatureRevoked", id, seatId, holder) };
    if (signer === null || signer.toLowerCase() !== holder)
      return { error: fail("HedgeCouncilInvalidSignature", seatId) };
    added.push(seatId);
  }
  return { added, ignored };
}

/** The live seats a batch of signatures would leave out as already recorded (for the fuzzer's statistics). */
export function alreadyRecorded(m: Model, id: string, sigs: SignedBy[]): number {
  const p = m.byId.get(id);
  return p ? sigs.filter((s) => p.approvals.has(s.seatId) && m.core.ownerOf.has(s.seatId)).length : 0;
}

export function predictApproveBySig(m: Model, id: string, sigs: SignedBy[], now: number): Prediction {
  const p = m.byId.get(id);
  const state = stateAt(m.core, p, now);
  if (state !== State.Pending) return refuse(fail("HedgeCouncilUnexpectedProposalState", id, state));
  const result = addSignatures(m, id, p!.approvals, sigs, now);
  if ("error" in result) return refuse(result.error);
  return { outcome: OK, apply: () => result.added.forEach((s) => p!.approvals.add(s)) };
}

export function predictSubmit(m: Model, calls: ProposalCalls, sigs: SignedBy[], now: number): Prediction {
  if (sigs.length === 0) return refuse(fail("HedgeCouncilNoSignatures"));
  const created = creation(m, calls);
  if ("error" in created) return refuse(created.error);
  const tier = created.tier;
  // A new proposal: no approvals yet, but revocations made before it existed count.
  const result = addSignatures(m, calls.id, new Set(), sigs, now);
  if ("error" in result) return refuse(result.error);
  const needed = threshold(m.core, tier);
  const added = result.added.length;
  if (added < needed) return refuse(fail("HedgeCouncilInsufficientApprovals", calls.id, added, needed));
  if (tier === Tier.Fast) {
    const before = m.core;
    const outcome = runCalls(m, calls.calls, now);
    const after = m.core;
    m.core = before; // applied below, once the chain agreed
    if (!outcome.ok) return refuse(outcome);
    return {
      outcome,
      apply: () => {
        m.core = after;
        const p = newProposal(m, calls, tier, now);
        result.added.forEach((s) => p.approvals.add(s));
        p.status = "Executed";
        register(m, p);
      },
    };
  }
  return {
    outcome: OK,
    apply: () => {
      const p = newProposal(m, calls, tier, now);
      result.added.forEach((s) => p.approvals.add(s));
      queueIn(m, p, now);
      register(m, p);
    },
  };
}

export function predictQueue(m: Model, id: string, now: number): Prediction {
  const p = m.byId.get(id);
  const state = stateAt(m.core, p, now);
  if (state !== State.Pending) return refuse(fail("HedgeCouncilUnexpectedProposalState", id, state));
  if (p!.tier === Tier.Fast) return refuse(fail("HedgeCouncilFastTierNotQueued", id));
  const approvals = countLive(m.core, p!.approvals);
  const needed = threshold(m.core, p!.tier);
  if (approvals < needed) return refuse(fail("HedgeCouncilInsufficientApprovals", id, approvals, needed));
  return { outcome: OK, apply: () => queueIn(m, p!, now) };
}

/** `execute` with `sent` wei attached. */
export function predictExecute(m: Model, id: string, now: number, sent = 0n): Prediction {
  const p = m.byId.get(id);
  const fast = (p?.tier ?? Tier.Fast) === Tier.Fast;
  const state = stateAt(m.core, p, now);
  if (state !== (fast ? State.Pending : State.Queued))
    return refuse(fail("HedgeCouncilUnexpectedProposalState", id, state));
  if (!fast && now < p!.eta) return refuse(fail("HedgeCouncilNotReady", id, p!.eta));
  const required = sumOf(p!.values);
  if (sent !== required) return refuse(fail("HedgeCouncilValueMismatch", sent, required));
  const approvals = countLive(m.core, p!.approvals);
  const needed = threshold(m.core, p!.tier);
  if (approvals < needed) return refuse(fail("HedgeCouncilInsufficientApprovals", id, approvals, needed));
  const before = m.core;
  const outcome = runCalls(m, p!.calls, now);
  const after = m.core;
  m.core = before;
  if (!outcome.ok) return refuse(outcome);
  return {
    outcome,
    apply: () => {
      m.core = after;
      p!.status = "Executed";
      if (!fast) p!.op = "done";
    },
  };
}

export function predictVeto(m: Model, actor: string, id: string, now: number): Prediction {
  const seat = seatOf(m.core, actor);
  if (seat === 0) return refuse(fail("HedgeCouncilNotSeatHolder", actor));
  const p = m.byId.get(id);
  const state = stateAt(m.core, p, now);
  if (state !== State.Pending && state !== State.Queued)
    return refuse(fail("HedgeCouncilUnexpectedProposalState", id, state));
  // Only a change that weakens the hedge or changes who governs can be vetoed.
  if (p!.tier !== Tier.Critical) return refuse(fail("HedgeCouncilVetoNotCritical", id, p!.tier));
  if (p!.vetoes.has(seat)) return refuse(fail("HedgeCouncilAlreadyVetoed", id, actor));
  return {
    outcome: OK,
    apply: () => {
      p!.vetoes.add(seat);
      if (vetoedNow(m.core, p!)) p!.status = "Vetoed";
    },
  };
}

export function predictCancel(m: Model, id: string, now: number): Prediction {
  const p = m.byId.get(id);
  const state = stateAt(m.core, p, now);
  if (state !== State.Vetoed && state !== State.Expired)
    return refuse(fail("HedgeCouncilUnexpectedProposalState", id, state));
  // Vetoes that reach a threshold lowered after they were cast: cancel records the veto for good.
  const records = state === State.Vetoed && p!.status !== "Vetoed";
  if (p!.op !== "pending") {
    if (!records) return refuse(fail("HedgeCouncilNothingToCancel", id));
    return { outcome: OK, apply: () => (p!.status = "Vetoed") };
  }
  return {
    outcome: OK,
    apply: () => {
      if (records) p!.status = "Vetoed";
      p!.op = "cancelled";
    },
  };
}

// ---------------------------------------------------------------- the oracle and the layers

/** `syncLayers` at `now`: the new engaged mask, or the oracle error. */
export function predictSync(m: Model, now: number): Prediction {
  const { answer, updatedAt } = m.oracle;
  const maxAge = m.core.policy.maxOracleAge;
  if (now - updatedAt > maxAge) return refuse(fail("HedgePolicyOracleAnswerStale", updatedAt, maxAge));
  if (answer <= 0n) return refuse(fail("HedgePolicyOracleAnswerNotPositive", answer));
  const vix = answer / 10n ** 6n;
  if (vix === 0n || vix > 0xffffffffn) return refuse(fail("HedgePolicyOracleAnswerOutOfRange", answer, 8));
  let mask = m.core.engaged;
  m.core.policy.layers.forEach((layer, i) => {
    const bit = 1 << i;
    const engaged = (mask & bit) !== 0;
    if (!engaged && vix >= BigInt(layer.triggerVix)) mask |= bit;
    else if (engaged && vix + BigInt(m.core.policy.hysteresisVix) < BigInt(layer.triggerVix)) mask &= ~bit;
  });
  return { outcome: OK, apply: () => (m.core.engaged = mask) };
}

/** Lower-cases addresses and stringifies numbers, so that expected and actual error arguments compare equal. */
export function normalise(value: unknown): string {
  if (typeof value === "string") return value.toLowerCase();
  if (typeof value === "bigint" || typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}

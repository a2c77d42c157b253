// The rules of DESIGN.md, re-derived in TypeScript so that the audit never trusts the contracts' own judgement:
// which tier a proposal really needs (nudge / non-loosening setPolicy for the current version / everything else),
// what "loosening" means, the threshold and delay of a tier as they were at the time, the nudge bounds, and the
// policy invariants. Pure functions: the replay calls them with the state as it was when each event happened.
import { policyViolation, type PolicyValues } from "../policy";
import { INTERFACES, functionBySelector, policyFromResult } from "./abi";
import { TIER_NAMES, type TierName } from "./types";

export enum Tier {
  Fast = 0,
  Standard = 1,
  Critical = 2,
}

export const tierName = (t: Tier): TierName => TIER_NAMES[t];

export interface TierRule {
  threshold: number;
  delay: number;
}

/** The council's settings that the rules depend on, as they were at some point of the history. */
export interface CouncilRules {
  tiers: [TierRule, TierRule, TierRule];
  veto: number;
  proposalTtl: number;
  gracePeriod: number;
}

/**
 * Why `next` loosens `current` (gives less protection), one reason per rule broken; empty when it does not.
 * DESIGN.md: fewer layers; coverage lower; any layer's trigger higher (index by index); delta max higher; wing
 * width wider; hysteresis lower; oracle age longer.
 */
export function looseningReasons(current: PolicyValues, next: PolicyValues): string[] {
  const reasons: string[] = [];
  if (next.layers.length < current.layers.length) {
    reasons.push(`fewer layers (${current.layers.length} -> ${next.layers.length})`);
  }
  if (next.coverageBps < current.coverageBps) reasons.push("lower coverage");
  const shared = Math.min(current.layers.length, next.layers.length);
  for (let i = 0; i < shared; i++) {
    if (next.layers[i].triggerVix > current.layers[i].triggerVix) reasons.push(`higher layer ${i} trigger`);
  }
  if (next.shortDeltaMaxBps > current.shortDeltaMaxBps) reasons.push("higher delta max");
  if (next.wingWidthPts > current.wingWidthPts) reasons.push("wider wing");
  if (next.hysteresisVix < current.hysteresisVix) reasons.push("lower hysteresis");
  if (next.maxOracleAge > current.maxOracleAge) reasons.push("longer oracle age");
  return reasons;
}

export function isLoosening(current: PolicyValues, next: PolicyValues): boolean {
  return looseningReasons(current, next).length > 0;
}

/** The policy as the auditor knows it when a proposal is created. */
export interface PolicyContext {
  /** The policy contract's address. */
  policy: string;
  version: number;
  /** Null when the replay lost track of the policy's parameters (a change nobody can explain). */
  params: PolicyValues | null;
}

export interface CallTier {
  tier: Tier;
  reason: string;
  /** The decoded call, for policy functions. */
  fn?: string;
}

const NUDGES = new Set(["nudgeTrigger", "nudgeCoverage"]);
const SET_POLICY = INTERFACES.policy.getFunction("setPolicy")!;

/**
 * The tier one call needs. Fast: a steward nudge on the policy. Standard: a `setPolicy` in canonical encoding, for
 * the current version, that does not loosen. Critical: everything else (a loosening or other-version `setPolicy`,
 * seats, council settings, oracle, steward, timelock, any unknown call).
 */
export function callTier(ctx: PolicyContext, target: string, data: string): CallTier {
  if (target.toLowerCase() !== ctx.policy.toLowerCase()) return { tier: Tier.Critical, reason: "not a policy change" };
  if (data.length < 10) return { tier: Tier.Critical, reason: "no function selector" };
  const selector = data.slice(0, 10).toLowerCase();
  const fragment = functionBySelector(INTERFACES.policy, selector);
  if (fragment && NUDGES.has(fragment.name)) return { tier: Tier.Fast, reason: "steward nudge", fn: fragment.name };
  if (selector !== SET_POLICY.selector) {
    return { tier: Tier.Critical, reason: `policy.${fragment?.name ?? selector} is not setPolicy`, fn: fragment?.name };
  }
  // The council judges the tuple right after the canonical head (offset 0x40); any other encoding is Critical.
  if (data.length < 10 + 128 || BigInt("0x" + data.slice(10, 74)) !== 0x40n) {
    return { tier: Tier.Critical, reason: "setPolicy in a non-canonical encoding", fn: "setPolicy" };
  }
  let next: PolicyValues;
  let expectedVersion: number;
  try {
    const decoded = INTERFACES.policy.decodeFunctionData(SET_POLICY, data);
    next = policyFromResult(decoded[0]);
    expectedVersion = Number(decoded[1]);
  } catch {
    return { tier: Tier.Critical, reason: "setPolicy with undecodable arguments", fn: "setPolicy" };
  }
  if (expectedVersion !== ctx.version) {
    return {
      tier: Tier.Critical,
      reason: `setPolicy for version ${expectedVersion}, but the policy was at version ${ctx.version}`,
      fn: "setPolicy",
    };
  }
  if (!ctx.params) {
    return {
      tier: Tier.Critical,
      reason: "setPolicy against a policy the audit could not reconstruct",
      fn: "setPolicy",
    };
  }
  const reasons = looseningReasons(ctx.params, next);
  if (reasons.length > 0) return { tier: Tier.Critical, reason: `loosening: ${reasons.join(", ")}`, fn: "setPolicy" };
  return { tier: Tier.Standard, reason: "setPolicy that does not loosen, for the current version", fn: "setPolicy" };
}

/** A proposal's tier: the highest of its calls; `mixedAt` is the first call whose Fast-ness differs from call 0's. */
export function proposalTier(calls: CallTier[]): { tier: Tier; mixedAt: number } {
  let tier = Tier.Fast;
  let mixedAt = 0;
  calls.forEach((c, i) => {
    if (c.tier > tier) tier = c.tier;
    if (i > 0 && (c.tier === Tier.Fast) !== (calls[0].tier === Tier.Fast) && mixedAt === 0) mixedAt = i;
  });
  return { tier, mixedAt };
}

/** Approvals a tier needs under `rules`. */
export function thresholdOf(rules: CouncilRules, tier: Tier): number {
  return rules.tiers[tier].threshold;
}

/** The least time between queue and execution: the tier's delay, never below the timelock's minimum; Fast: 0. */
export function requiredDelay(rules: CouncilRules, tier: Tier, minDelay: number): number {
  if (tier === Tier.Fast) return 0;
  return Math.max(rules.tiers[tier].delay, minDelay);
}

/** How many of `approvingSeats` are live seats. */
export function liveCount(approvingSeats: Iterable<number>, liveSeats: Set<number>): number {
  let n = 0;
  for (const seat of approvingSeats) if (liveSeats.has(seat)) n++;
  return n;
}

export interface NudgeLimits {
  maxNudgeBps: number;
  nudgeCooldown: number;
}

/**
 * Why a nudge of a parameter from `current` to `requested` at `now` breaks the steward's bounds (null when it does
 * not): it must change the value, by at most maxNudgeBps of the current value, and not within the cooldown of the
 * parameter's last nudge.
 */
export function nudgeViolation(
  limits: NudgeLimits,
  lastNudgeAt: number,
  now: number,
  current: number,
  requested: number,
): string | null {
  if (requested === current) return `the nudge does not change the value ${current}`;
  const maxStep = Math.floor((current * limits.maxNudgeBps) / 10_000);
  const step = Math.abs(requested - current);
  if (step > maxStep)
    return `the nudge moves ${current} -> ${requested}, more than ${maxStep} (maxNudgeBps of the value)`;
  if (lastNudgeAt !== 0 && now < lastNudgeAt + limits.nudgeCooldown) {
    return `the parameter was nudged at ${lastNudgeAt}, within the cooldown of ${limits.nudgeCooldown} s`;
  }
  return null;
}

/** The policy after a nudge of one layer's trigger. */
export function withTrigger(p: PolicyValues, layer: number, triggerVix: number): PolicyValues {
  const next = structuredClone(p);
  if (next.layers[layer]) next.layers[layer].triggerVix = triggerVix;
  return next;
}

/** The policy after a nudge of the coverage. */
export function withCoverage(p: PolicyValues, coverageBps: number): PolicyValues {
  return { ...p, layers: p.layers, coverageBps };
}

/** The first invariant the policy breaks, in words, or null (the same rules as HedgePolicy's `_validate`). */
export function invariantViolation(p: PolicyValues): string | null {
  return policyViolation(p);
}

/** Whether a layer at `vix` engages or disengages under `p` (DESIGN.md: engage at trigger <= VIX, disengage once VIX < trigger - hysteresis). */
export function layerMove(
  p: PolicyValues,
  layer: number,
  vix: number,
  engaged: boolean,
): "engage" | "disengage" | "stay" {
  const trigger = p.layers[layer]?.triggerVix;
  if (trigger === undefined) return "stay";
  if (!engaged && vix >= trigger) return "engage";
  if (engaged && vix + p.hysteresisVix < trigger) return "disengage";
  return "stay";
}

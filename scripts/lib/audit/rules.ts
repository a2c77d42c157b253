// The rules (docs/RULES.md) as the audit applies them to each step of the history, without ever trusting the
// contracts' own judgement: which tier a proposal needs (nudge / non-loosening setPolicy for the current version /
// everything else), the threshold and delay of a tier as they were at the time, the policy invariants and how layers
// engage. Loosening, the nudge band and the thresholds come from ../council, the one home of the council's rules.
import { Tier, effectiveThreshold, looseningReasons, tierName, type Baseline } from "../council";
import { policyViolation, type PolicyValues } from "../policy";
import { INTERFACES, functionBySelector, policyFromResult } from "./abi";

export { Tier, tierName };

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

/** The policy as the auditor knows it when a proposal is created. */
export interface PolicyContext {
  /** The policy contract's address. */
  policy: string;
  version: number;
  /** Null when the replay lost track of the policy's parameters (a change nobody can explain). */
  params: PolicyValues | null;
  /** What the last setPolicy approved (nudges are bounded around it); null when unknown. */
  baseline?: Baseline | null;
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
 * The selectors that tell how an approval was given: a relayed signature (`approveBySig`, `submit`) or fresh on-chain
 * consent of the address itself (`approve`, `propose`).
 */
export const APPROVE_BY_SIG_SELECTOR = INTERFACES.council.getFunction("approveBySig")!.selector;
export const SUBMIT_SELECTOR = INTERFACES.council.getFunction("submit")!.selector;
export const APPROVE_SELECTOR = INTERFACES.council.getFunction("approve")!.selector;
export const PROPOSE_SELECTOR = INTERFACES.council.getFunction("propose")!.selector;
/** The selector of `execute`, to read the ether an execution was sent. */
export const EXECUTE_SELECTOR = INTERFACES.council.getFunction("execute")!.selector;

/**
 * The tier one call needs. Fast: a steward nudge on the policy. Standard: a `setPolicy` in canonical encoding, for
 * the current version, that does not loosen (against the current policy and the approved baseline). Critical:
 * everything else (a loosening or other-version `setPolicy`, seats, council settings, oracle, steward, timelock,
 * any unknown call).
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
  const reasons = looseningReasons(ctx.params, next, ctx.baseline ?? undefined);
  if (reasons.length > 0) return { tier: Tier.Critical, reason: `loosening: ${reasons.join("; ")}`, fn: "setPolicy" };
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

/** Approvals a tier needs under `rules` with `liveSeats` seats: the stored threshold, never below min(2, seats). */
export function thresholdOf(rules: CouncilRules, tier: Tier, liveSeats: number): number {
  return effectiveThreshold(rules.tiers[tier].threshold, liveSeats);
}

/** The least time between queue and execution: the tier's delay, never below the timelock's minimum; Fast: 0. */
export function requiredDelay(rules: CouncilRules, tier: Tier, minDelay: number): number {
  if (tier === Tier.Fast) return 0;
  return Math.max(rules.tiers[tier].delay, minDelay);
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

/** Whether a layer at `vix` engages or disengages under `p`: engage at trigger ≤ VIX, disengage once VIX < trigger − hysteresis. */
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

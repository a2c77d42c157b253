// The tier rule (docs/RULES.md), as HedgeCouncil._callTier applies it: which tier one call needs and why, and a
// proposal's tier (the highest of its calls). Fast: a steward nudge on the policy. Standard: a `setPolicy` in
// canonical encoding, for the current version, that does not loosen (against the current policy and the approved
// baseline, ./protection). Critical: everything else. The audit re-derives every proposal's tier with it, the proposal
// view (../view) explains a tier with it (`whyLines`), and hedge:propose prints those lines.
import { toPolicyValues, type PolicyLike, type PolicyValues } from "../policy";
import { GOVERNED_ABI } from "./calls";
import { CONTRACT_LABELS, functionBySelector, type DecodedCall } from "./decode";
import { looseningReasons, type Baseline } from "./protection";
import { Tier } from "./tiers";

/** The policy a call is judged against: the state when the proposal is created (or now, for one not created yet). */
export interface PolicyContext {
  /** The policy contract's address. */
  policy: string;
  version: number;
  /** Null when the parameters are unknown (the audit lost track of them: a change nobody can explain). */
  params: PolicyValues | null;
  /** What the last setPolicy approved (nudges are bounded around it); null or absent when unknown. */
  baseline?: Baseline | null;
}

/** Why a call has its tier, as a kind (for the words of `whyLines`). */
export type CallTierKind =
  | "nudge"
  | "not-policy"
  | "no-selector"
  | "not-setPolicy"
  | "non-canonical"
  | "undecodable"
  | "other-version"
  | "unknown-policy"
  | "loosens"
  | "does-not-loosen";

export interface CallTier {
  tier: Tier;
  kind: CallTierKind;
  /** The reason in one line (the audit's `tierReason`). */
  reason: string;
  /** For a loosening setPolicy: each way it loosens, in words (./protection `looseningReasons`). */
  loosens?: string[];
  /** For a setPolicy for another version: the version it names. */
  expectedVersion?: number;
  /** The policy function, when the call is one. */
  fn?: string;
}

const SET_POLICY = GOVERNED_ABI.policy.getFunction("setPolicy")!;
const NUDGES = new Set([
  GOVERNED_ABI.policy.getFunction("nudgeTrigger")!.selector,
  GOVERNED_ABI.policy.getFunction("nudgeCoverage")!.selector,
]);

/** The tier one call needs against `ctx`, and why. */
export function callTier(ctx: PolicyContext, target: string, data: string): CallTier {
  if (target.toLowerCase() !== ctx.policy.toLowerCase()) {
    return { tier: Tier.Critical, kind: "not-policy", reason: "not a policy change" };
  }
  if (data.length < 10) return { tier: Tier.Critical, kind: "no-selector", reason: "no function selector" };
  const selector = data.slice(0, 10).toLowerCase();
  const fragment = functionBySelector(GOVERNED_ABI.policy, selector);
  if (NUDGES.has(selector)) return { tier: Tier.Fast, kind: "nudge", reason: "steward nudge", fn: fragment?.name };
  if (selector !== SET_POLICY.selector) {
    return {
      tier: Tier.Critical,
      kind: "not-setPolicy",
      reason: `policy.${fragment?.name ?? selector} is not setPolicy`,
      fn: fragment?.name,
    };
  }
  const fn = "setPolicy";
  // The council judges the tuple right after the canonical head (offset 0x40); any other encoding is Critical.
  if (data.length < 10 + 128 || BigInt("0x" + data.slice(10, 74)) !== 0x40n) {
    return { tier: Tier.Critical, kind: "non-canonical", reason: "setPolicy in a non-canonical encoding", fn };
  }
  let next: PolicyValues;
  let expectedVersion: number;
  try {
    const decoded = GOVERNED_ABI.policy.decodeFunctionData(SET_POLICY, data);
    next = toPolicyValues(decoded[0] as PolicyLike);
    expectedVersion = Number(decoded[1]);
  } catch {
    return { tier: Tier.Critical, kind: "undecodable", reason: "setPolicy with undecodable arguments", fn };
  }
  if (expectedVersion !== ctx.version) {
    return {
      tier: Tier.Critical,
      kind: "other-version",
      reason: `setPolicy for version ${expectedVersion}, but the policy was at version ${ctx.version}`,
      expectedVersion,
      fn,
    };
  }
  if (!ctx.params) {
    return {
      tier: Tier.Critical,
      kind: "unknown-policy",
      reason: "setPolicy against a policy the audit could not reconstruct",
      fn,
    };
  }
  const loosens = looseningReasons(ctx.params, next, ctx.baseline ?? undefined);
  if (loosens.length > 0) {
    return { tier: Tier.Critical, kind: "loosens", reason: `loosening: ${loosens.join("; ")}`, loosens, fn };
  }
  return {
    tier: Tier.Standard,
    kind: "does-not-loosen",
    reason: "setPolicy that does not loosen, for the current version",
    fn,
  };
}

/** A proposal's tier: the highest of its calls; `mixedAt` is the first call whose Fast-ness differs from call 0's. */
export function proposalTier(calls: readonly Pick<CallTier, "tier">[]): { tier: Tier; mixedAt: number } {
  let tier = Tier.Fast;
  let mixedAt = 0;
  calls.forEach((c, i) => {
    if (c.tier > tier) tier = c.tier;
    if (i > 0 && (c.tier === Tier.Fast) !== (calls[0].tier === Tier.Fast) && mixedAt === 0) mixedAt = i;
  });
  return { tier, mixedAt };
}

/** Every call's tier against `ctx`. */
export function callTiers(ctx: PolicyContext, calls: { targets: readonly string[]; calldatas: readonly string[] }) {
  return calls.targets.map((t, i) => callTier(ctx, t, calls.calldatas[i]));
}

/**
 * Why a proposal has its tier, call by call, in the council's words: the `why:` lines hedge:propose, hedge:sign,
 * hedge:approve, hedge:veto and the console show. `decoded` names each call (./decode); `version` is the policy's
 * version the calls were judged against. A mix of nudges and other calls, which the council refuses, gets a line.
 */
export function whyLines(decoded: readonly DecodedCall[], tiers: readonly CallTier[], version: number): string[] {
  const lines: string[] = [];
  tiers.forEach((t, i) => {
    const call = `call ${i}`;
    const d = decoded[i];
    const name = d
      ? d.contract === "external"
        ? `a call to ${d.target}`
        : `${CONTRACT_LABELS[d.contract]}.${d.function.startsWith("0x") ? `(selector ${d.function})` : d.function}`
      : "a call";
    switch (t.kind) {
      case "nudge":
        lines.push(`${call}: a steward nudge: Fast (no timelock; the policy checks the band when it runs)`);
        break;
      case "does-not-loosen":
        lines.push(`${call}: a setPolicy for the current version that does not loosen: Standard`);
        break;
      case "loosens":
        for (const r of t.loosens ?? []) lines.push(`${call} loosens (Critical): ${r}`);
        break;
      case "other-version":
        lines.push(
          `${call}: a setPolicy for version ${t.expectedVersion}, but the policy is at version ${version}: Critical (it would be judged against a policy it does not replace)`,
        );
        break;
      case "non-canonical":
      case "undecodable":
      case "unknown-policy":
        lines.push(`${call}: ${t.reason}: Critical`);
        break;
      default:
        lines.push(`${call}: ${name}, neither a setPolicy nor a nudge: Critical`);
    }
  });
  const { mixedAt } = proposalTier(tiers);
  if (mixedAt !== 0) {
    lines.push(`call ${mixedAt}: mixes steward nudges with other calls: the council refuses such a batch`);
  }
  return lines;
}

// The steward's nudges (the Fast tier): one trigger or the coverage, moved within a band around its baseline — the
// value the last setPolicy (or the deployment) set — never around the current value, so nudges can never walk the
// hedge further than one band from what a majority approved. At most one nudge per parameter per cooldown, except a
// return from the loose side toward the baseline (a trigger above its baseline moved down, a coverage below its
// baseline moved up, ending between the current value and the baseline): it skips the cooldown and does not restart
// it, so any two seats can undo a loosening nudge at once (HedgePolicy._checkNudge).
import { fmtDuration, fmtDurationExact } from "../format";
import { COVERAGE_PARAMETER } from "./calls";
import type { PolicyValues } from "../policy";
import type { CallAction } from "./decode";
import type { Baseline } from "./protection";

export interface NudgeLimits {
  /** The band's half-width, in basis points of the baseline value. */
  maxNudgeBps: number;
  /** Seconds between two nudges of the same parameter. */
  nudgeCooldown: number;
}

/** The defaults of a deployment: 10 % of the baseline, once a day. */
export const DEFAULT_NUDGE_LIMITS: NudgeLimits = { maxNudgeBps: 1_000, nudgeCooldown: 86_400 };

/** The values a parameter may be nudged to: baseline ± ⌊baseline × maxNudgeBps / 10,000⌋. */
export function nudgeBand(baselineValue: number, maxNudgeBps: number): { min: number; max: number; maxStep: number } {
  const maxStep = Math.floor((baselineValue * maxNudgeBps) / 10_000);
  return { min: baselineValue - maxStep, max: baselineValue + maxStep, maxStep };
}

/** A parameter's name: "layer 0 trigger" … "layer 4 trigger", "coverage". */
export function parameterName(parameter: number): string {
  return parameter === COVERAGE_PARAMETER ? "coverage" : `layer ${parameter} trigger`;
}

/** A parameter's baseline value, or undefined when the baseline has no such layer. */
export function baselineValue(baseline: Baseline, parameter: number): number | undefined {
  return parameter === COVERAGE_PARAMETER ? baseline.coverageBps : baseline.triggers[parameter];
}

/**
 * Whether a nudge of `parameter` from `current` to `requested` returns from the loose side toward `baseline`, ending
 * between the current value and the baseline (baseline included): such a nudge skips the cooldown and does not
 * restart it. The loose side is above the baseline for a trigger, below it for the coverage.
 */
export function isReturnFromLooseSide(nudge: {
  parameter: number;
  baseline: number;
  current: number;
  requested: number;
}): boolean {
  const { parameter, baseline, current, requested } = nudge;
  if (parameter === COVERAGE_PARAMETER) return current < baseline && requested > current && requested <= baseline;
  return current > baseline && requested < current && requested >= baseline;
}

/**
 * Why a nudge breaks the steward's bounds, in words (null when it does not): it must change the value, and unless it
 * returns from the loose side toward the baseline, stay within the band around the baseline and come at least one
 * cooldown after the parameter's last nudge (0: never nudged). Values are written raw, as the audit records them,
 * or by `fmt` (the console writes them in the units they were typed in: "30.00 %", "VIX 26.00").
 */
export function nudgeViolation(
  limits: NudgeLimits,
  nudge: { parameter: number; baseline: number; current: number; requested: number; lastNudgeAt: number; now: number },
  fmt: (value: number) => string = String,
): string | null {
  const { parameter, baseline, current, requested, lastNudgeAt, now } = nudge;
  const name = parameterName(parameter);
  if (requested === current) return `the nudge does not change the ${name} (${fmt(current)})`;
  if (isReturnFromLooseSide(nudge)) return null;
  // The contract's order (HedgePolicy._checkNudge): the cooldown, then the band, so both name the same reason.
  if (lastNudgeAt !== 0 && now < lastNudgeAt + limits.nudgeCooldown) {
    return `the ${name} was nudged ${fmtDuration(now - lastNudgeAt)} before, within the cooldown of ${fmtDurationExact(limits.nudgeCooldown)}`;
  }
  const band = nudgeBand(baseline, limits.maxNudgeBps);
  if (requested < band.min || requested > band.max) {
    return `the nudge moves the ${name} to ${fmt(requested)}, outside the band ${fmt(band.min)}..${fmt(band.max)} around its baseline ${fmt(baseline)} (±${fmt(band.maxStep)}, maxNudgeBps ${limits.maxNudgeBps})`;
  }
  return null;
}

/** The policy after a nudge of one layer's trigger (a layer it does not have: unchanged). */
export function withTrigger(p: PolicyValues, layer: number, triggerVix: number): PolicyValues {
  const next = structuredClone(p);
  if (next.layers[layer]) next.layers[layer].triggerVix = triggerVix;
  return next;
}

/** The policy after a nudge of the coverage. */
export function withCoverage(p: PolicyValues, coverageBps: number): PolicyValues {
  return { ...p, layers: p.layers, coverageBps };
}

/** The invariants' ranges a nudge cannot leave (HedgePolicy; ../policy `policyViolation`). */
const TRIGGER_RANGE = { min: 1_000, max: 10_000 };
const COVERAGE_RANGE = { min: 500, max: 10_000 };
const clamp = (v: number, r: { min: number; max: number }) => Math.min(r.max, Math.max(r.min, v));

/**
 * How far nudges alone can move the protection curve from `current`: `loosest` with every trigger at the top of its
 * band and the coverage at the bottom of its band, `tightest` the other way round, each band around the baseline and
 * clamped to the invariants' ranges. An outer bound: the triggers must also stay in order, which can keep nudges short
 * of it, never beyond it. Layers the baseline does not know keep their trigger.
 */
export function nudgeEnvelope(
  current: PolicyValues,
  baseline: Baseline,
  maxNudgeBps: number,
): { loosest: PolicyValues; tightest: PolicyValues } {
  const at = (edge: "min" | "max", coverageEdge: "min" | "max"): PolicyValues => ({
    ...current,
    coverageBps: clamp(nudgeBand(baseline.coverageBps, maxNudgeBps)[coverageEdge], COVERAGE_RANGE),
    layers: current.layers.map((l, i) => {
      const base = baseline.triggers[i];
      if (base === undefined) return { ...l };
      return { ...l, triggerVix: clamp(nudgeBand(base, maxNudgeBps)[edge], TRIGGER_RANGE) };
    }),
  });
  return { loosest: at("max", "min"), tightest: at("min", "max") };
}

/**
 * The policy a proposal's calls leave, applied in order to `before` as the policy would apply them: a setPolicy
 * replaces it, a nudge moves one trigger or the coverage (the audit's replay applies them the same way). Null when no
 * call changes the policy. It does not judge whether a call would revert (./proposals `staleness` does).
 */
export function policyAfterActions(before: PolicyValues, actions: readonly CallAction[]): PolicyValues | null {
  let policy: PolicyValues | null = null;
  for (const a of actions) {
    if (a.kind === "setPolicy") policy = structuredClone(a.policy);
    else if (a.kind === "nudgeTrigger") policy = withTrigger(policy ?? before, a.layer, a.triggerVix);
    else if (a.kind === "nudgeCoverage") policy = withCoverage(policy ?? before, a.coverageBps);
  }
  return policy;
}

// The steward's nudges (the Fast tier): one trigger or the coverage, moved within a band around its baseline — the
// value the last setPolicy (or the deployment) set — never around the current value, so nudges can never walk the
// hedge further than one band from what a majority approved. At most one nudge per parameter per cooldown, except a
// return from the loose side toward the baseline (a trigger above its baseline moved down, a coverage below its
// baseline moved up, ending between the current value and the baseline): it skips the cooldown and does not restart
// it, so any two seats can undo a loosening nudge at once (HedgePolicy._checkNudge).
import { fmtDuration, fmtDurationExact } from "../format";
import { COVERAGE_PARAMETER } from "./calls";
import type { PolicyValues } from "../policy";
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

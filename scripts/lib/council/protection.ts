// What the hedge delivers, and when a policy change loosens it (rules v3, docs/RULES.md).
//
// The protection of a policy at VIX level v is coverageBps × (Σ allocationBps of its layers whose trigger ≤ v): the
// share of the condor notional the engaged layers hedge, a step function of v. `next` loosens `current` when ANY of:
//   - structure: a different number of layers; a layer's instrument differs (index by index);
//   - one direction: a layer's tenor shorter; delta min or delta max higher; wing width wider; hysteresis lower;
//     scale step lower;
//   - both directions: any change of the oracle age or of the condor's days to expiry;
//   - protection: protection(next, v) < protection(current, v) at some v (enough: at every trigger of either);
//   - baseline: protection(next, v) < protection(baselinePolicy, v) at some v, where baselinePolicy is the current
//     policy with each trigger and the coverage back at their baseline (what the last setPolicy approved). Without
//     it, Fast nudges plus a non-loosening setPolicy would ratchet the hedge down one band at a time.
// HedgePolicy.isLoosening implements the same rule on chain; the audit and the command line use this one.
// The curves of two policies side by side (`compareProtection`) and the ranges where one gives less protection
// (`protectionLosses`, in words by `lossText`) are what the console's chart draws and says (app/src/protection-chart):
// the same levels as the rule's `protectionDrops`, counted in the share of the condor notional hedged.
import { fmtBps, fmtDelta, fmtDuration, fmtDurationExact, fmtVix } from "../format";
import { INSTRUMENT_NAMES, type PolicyValues } from "../policy";

/** What nudges are bounded around: each layer's trigger and the coverage as the last setPolicy (or deployment) set them. */
export interface Baseline {
  coverageBps: number;
  triggers: number[];
}

/** The baseline of a policy that was just set (no nudge since). */
export function baselineOf(p: PolicyValues): Baseline {
  return { coverageBps: p.coverageBps, triggers: p.layers.map((l) => l.triggerVix) };
}

/** The current policy with each trigger and the coverage at their baseline values. */
export function baselinePolicy(current: PolicyValues, baseline: Baseline): PolicyValues {
  return {
    ...current,
    coverageBps: baseline.coverageBps,
    layers: current.layers.map((l, i) => ({ ...l, triggerVix: baseline.triggers[i] ?? l.triggerVix })),
  };
}

/** Σ allocationBps of the layers engaged at `vix` (trigger ≤ vix). */
export function engagedAllocation(p: PolicyValues, vix: number): number {
  let sum = 0;
  for (const l of p.layers) if (l.triggerVix <= vix) sum += l.allocationBps;
  return sum;
}

/** coverageBps × engaged allocationBps at `vix` (10^8 = the whole condor notional hedged). */
export function protectionAt(p: PolicyValues, vix: number): number {
  return p.coverageBps * engagedAllocation(p, vix);
}

/** Every trigger of the given policies, sorted, without repeats: where the protection curves can step. */
export function breakpoints(...policies: PolicyValues[]): number[] {
  const set = new Set<number>();
  for (const p of policies) for (const l of p.layers) set.add(l.triggerVix);
  return [...set].sort((a, b) => a - b);
}

/** One step of a protection curve: from `fromVix` up to (not including) `toVix` (null: no upper end). */
export interface ProtectionStep {
  fromVix: number;
  toVix: number | null;
  coverageBps: number;
  allocationBps: number;
}

/** A policy's protection curve, step by step from its lowest trigger (below it, nothing is engaged). */
export function protectionCurve(p: PolicyValues): ProtectionStep[] {
  const points = breakpoints(p);
  return points.map((v, i) => ({
    fromVix: v,
    toVix: points[i + 1] ?? null,
    coverageBps: p.coverageBps,
    allocationBps: engagedAllocation(p, v),
  }));
}

/** The whole condor notional hedged, in the units of a protection (coverageBps × allocationBps). */
export const FULL_PROTECTION = 100_000_000;

/**
 * A protection (coverageBps × allocationBps) as a percentage of the condor notional: 20_000_000 → "20.00 %". Six
 * decimals are always exact (the units are 10^-6 %).
 */
export function fmtProtection(value: number, digits = 2): string {
  return `${(value / 1_000_000).toFixed(digits)} %`;
}

/**
 * Two protections, "25.00 % → 20.00 %", with as many decimals (two to six) as it takes to tell them apart: a drop is
 * never shown as "10.00 % → 10.00 %".
 */
export function fmtProtectionChange(before: number, after: number): string {
  let digits = 2;
  while (digits < 6 && fmtProtection(before, digits) === fmtProtection(after, digits)) digits++;
  return `${fmtProtection(before, digits)} → ${fmtProtection(after, digits)}`;
}

/** The protection of two policies over one VIX interval, constant on both sides: from `fromVix` up to `toVix`. */
export interface ComparedStep {
  fromVix: number;
  /** Exclusive upper end; null: every level from `fromVix` up. */
  toVix: number | null;
  /** coverageBps × engaged allocationBps of each policy (FULL_PROTECTION = the whole condor notional). */
  before: number;
  after: number;
}

/**
 * The protection curves of `before` and `after` side by side, as steps over VIX: every level from the lowest trigger
 * of either up (below it neither engages anything, and leading steps where both are 0 are left out), adjacent steps
 * with the same values merged, the last one open-ended. Any policy, a draft that breaks the invariants included
 * (equal triggers make one step; allocations need not sum to 100 %).
 */
export function compareProtection(before: PolicyValues, after: PolicyValues): ComparedStep[] {
  const points = breakpoints(before, after);
  const steps: ComparedStep[] = [];
  points.forEach((v, i) => {
    const step = {
      fromVix: v,
      toVix: points[i + 1] ?? null,
      before: protectionAt(before, v),
      after: protectionAt(after, v),
    };
    const last = steps.at(-1);
    if (last && last.before === step.before && last.after === step.after) last.toVix = step.toVix;
    else if (last || step.before !== 0 || step.after !== 0) steps.push(step);
  });
  return steps;
}

/**
 * A VIX range where `after` protects less than `before` at every level: a run of adjacent steps, each lower, with no
 * level in between where it is not. The coverage lowered everywhere is one range, from the first trigger up.
 */
export interface ProtectionLoss {
  fromVix: number;
  /** Exclusive upper end; null: every level from `fromVix` up. */
  toVix: number | null;
  /** The steps of the range, lowest first: one or more. */
  steps: ComparedStep[];
}

/**
 * The ranges where `next` gives less protection than `current`: the same levels as `protectionDrops` (the tier rule's
 * reasons), counted in protection rather than in coverage and budget, for the chart and its words.
 */
export function protectionLosses(current: PolicyValues, next: PolicyValues): ProtectionLoss[] {
  const losses: ProtectionLoss[] = [];
  for (const step of compareProtection(current, next)) {
    if (step.after >= step.before) continue;
    const last = losses.at(-1);
    if (last && last.toVix === step.fromVix) {
      last.steps.push(step);
      last.toVix = step.toVix;
    } else {
      losses.push({ fromVix: step.fromVix, toVix: step.toVix, steps: [step] });
    }
  }
  return losses;
}

/** "VIX 20.00–28.00" / "from VIX 35.00". */
function stepRange(s: { fromVix: number; toVix: number | null }): string {
  return s.toVix === null ? `from VIX ${fmtVix(s.fromVix)}` : `VIX ${fmtVix(s.fromVix)}–${fmtVix(s.toVix)}`;
}

/**
 * A loss in words, in protection (the share of the condor notional hedged): "less protection between VIX 35.00 and
 * 40.00: 25.00 % → 20.00 % of the condor notional"; a range of several steps names each step's levels.
 */
export function lossText(loss: ProtectionLoss): string {
  const where = vixInterval(loss.fromVix, loss.toVix);
  const [only] = loss.steps;
  const what =
    loss.steps.length === 1
      ? fmtProtectionChange(only.before, only.after)
      : loss.steps.map((s) => `${fmtProtectionChange(s.before, s.after)} (${stepRange(s)})`).join(", ");
  return `less protection ${where}: ${what} of the condor notional`;
}

/** A VIX interval where `next` gives less protection than a reference policy. */
export interface ProtectionDrop {
  fromVix: number;
  /** Exclusive upper end; null: at every level from `fromVix` up. */
  toVix: number | null;
  before: { coverageBps: number; allocationBps: number };
  after: { coverageBps: number; allocationBps: number };
}

/** The intervals where `next` protects less than `reference`, adjacent intervals with the same values merged. */
export function protectionDrops(reference: PolicyValues, next: PolicyValues): ProtectionDrop[] {
  const points = breakpoints(reference, next);
  const drops: ProtectionDrop[] = [];
  points.forEach((v, i) => {
    const before = { coverageBps: reference.coverageBps, allocationBps: engagedAllocation(reference, v) };
    const after = { coverageBps: next.coverageBps, allocationBps: engagedAllocation(next, v) };
    if (after.coverageBps * after.allocationBps >= before.coverageBps * before.allocationBps) return;
    const toVix = points[i + 1] ?? null;
    const last = drops.at(-1);
    const same = last && JSON.stringify([last.before, last.after]) === JSON.stringify([before, after]);
    // Drops by the coverage alone (the same layers engaged on both sides) merge whatever the layers engaged.
    const coverageOnly =
      last &&
      isCoverageOnly(last) &&
      isCoverageOnly({ before, after }) &&
      last.before.coverageBps === before.coverageBps &&
      last.after.coverageBps === after.coverageBps;
    if (last && last.toVix === v && (same || coverageOnly)) {
      last.toVix = toVix;
    } else {
      drops.push({ fromVix: v, toVix, before, after });
    }
  });
  return drops;
}

/** A drop with the same engaged allocation on both sides: the coverage alone fell. */
function isCoverageOnly(d: Pick<ProtectionDrop, "before" | "after">): boolean {
  return d.before.allocationBps === d.after.allocationBps;
}

/** "between VIX 20.00 and 28.00" / "from VIX 35.00 up". */
export function vixInterval(fromVix: number, toVix: number | null): string {
  return toVix === null ? `from VIX ${fmtVix(fromVix)} up` : `between VIX ${fmtVix(fromVix)} and ${fmtVix(toVix)}`;
}

/**
 * A drop in words: "less protection between VIX 20.00 and 28.00: 40.00 % → 30.00 % of the budget" when the coverage
 * is the same on both sides; "…: coverage 30.00 % → 25.00 %" when only the coverage fell; otherwise coverage ×
 * engaged share of the budget on each side.
 */
export function dropText(d: ProtectionDrop, what = "less protection"): string {
  const where = vixInterval(d.fromVix, d.toVix);
  if (isCoverageOnly(d))
    return `${what} ${where}: coverage ${fmtBps(d.before.coverageBps)} → ${fmtBps(d.after.coverageBps)}`;
  if (d.before.coverageBps === d.after.coverageBps) {
    return `${what} ${where}: ${fmtBps(d.before.allocationBps)} → ${fmtBps(d.after.allocationBps)} of the budget`;
  }
  return (
    `${what} ${where}: ${fmtBps(d.before.coverageBps)} coverage × ${fmtBps(d.before.allocationBps)} of the budget` +
    ` → ${fmtBps(d.after.coverageBps)} × ${fmtBps(d.after.allocationBps)}`
  );
}

/** The changes of fields outside the protection curve that loosen on their own, in words (empty when none). */
export function structuralReasons(current: PolicyValues, next: PolicyValues): string[] {
  const reasons: string[] = [];
  if (next.layers.length !== current.layers.length) {
    reasons.push(`a different number of layers (${current.layers.length} → ${next.layers.length})`);
  }
  const shared = Math.min(current.layers.length, next.layers.length);
  for (let i = 0; i < shared; i++) {
    const [a, b] = [current.layers[i], next.layers[i]];
    if (a.instrument !== b.instrument) {
      const name = (x: number) => INSTRUMENT_NAMES[x] ?? `instrument ${x}`;
      reasons.push(`layer ${i} changes instrument (${name(a.instrument)} → ${name(b.instrument)})`);
    }
    if (b.tenorDays < a.tenorDays) reasons.push(`layer ${i} has a shorter tenor (${a.tenorDays} → ${b.tenorDays} d)`);
  }
  if (next.shortDeltaMinBps > current.shortDeltaMinBps) {
    reasons.push(
      `a higher short delta min (${fmtDelta(current.shortDeltaMinBps)} → ${fmtDelta(next.shortDeltaMinBps)}: the band moves toward the money)`,
    );
  }
  if (next.shortDeltaMaxBps > current.shortDeltaMaxBps) {
    reasons.push(
      `a higher short delta max (${fmtDelta(current.shortDeltaMaxBps)} → ${fmtDelta(next.shortDeltaMaxBps)})`,
    );
  }
  if (next.wingWidthPts > current.wingWidthPts) {
    reasons.push(`a wider wing (${current.wingWidthPts} → ${next.wingWidthPts} pts)`);
  }
  if (next.hysteresisVix < current.hysteresisVix) {
    reasons.push(
      `a lower hysteresis (VIX ${fmtVix(current.hysteresisVix)} → ${fmtVix(next.hysteresisVix)}: layers disengage sooner)`,
    );
  }
  if (next.scaleStepBps < current.scaleStepBps) {
    reasons.push(
      `a lower scale-in step (${fmtBps(current.scaleStepBps)} → ${fmtBps(next.scaleStepBps)}: the hedge scales in slower)`,
    );
  }
  if (next.maxOracleAge > current.maxOracleAge) {
    reasons.push(
      `a longer oracle age (${fmtDurationExact(current.maxOracleAge)} → ${fmtDurationExact(next.maxOracleAge)}: staler answers accepted)`,
    );
  } else if (next.maxOracleAge < current.maxOracleAge) {
    reasons.push(
      `a shorter oracle age (${fmtDurationExact(current.maxOracleAge)} → ${fmtDurationExact(next.maxOracleAge)}: syncLayers may starve between two rounds of the feed)`,
    );
  }
  if (next.targetDte > current.targetDte) {
    reasons.push(`a longer condor expiry (${current.targetDte} → ${next.targetDte} d: more vega risk)`);
  } else if (next.targetDte < current.targetDte) {
    reasons.push(`a shorter condor expiry (${current.targetDte} → ${next.targetDte} d: more gamma risk)`);
  }
  return reasons;
}

/**
 * Why `next` loosens `current`, one reason per structural change and per VIX interval where protection drops, in
 * words; empty when it does not loosen. `baseline` (default: the current values, no nudge since the last setPolicy)
 * adds the drops against the approved baseline that are not already drops against the current policy.
 */
export function looseningReasons(current: PolicyValues, next: PolicyValues, baseline?: Baseline): string[] {
  const reasons = structuralReasons(current, next);
  const drops = protectionDrops(current, next);
  for (const d of drops) reasons.push(dropText(d));
  if (baseline) {
    // Against the approved baseline: the drops not already within a drop against the current policy.
    const within = (d: ProtectionDrop) =>
      drops.some((x) => x.fromVix <= d.fromVix && (x.toVix === null || (d.toVix !== null && d.toVix <= x.toVix)));
    for (const d of protectionDrops(baselinePolicy(current, baseline), next)) {
      if (!within(d)) reasons.push(dropText(d, "less protection than the approved baseline"));
    }
  }
  return reasons;
}

/** Whether `next` loosens `current` (rules v3): the same judgement as HedgePolicy.isLoosening. */
export function isLoosening(current: PolicyValues, next: PolicyValues, baseline?: Baseline): boolean {
  return looseningReasons(current, next, baseline).length > 0;
}

/** Which move of a field loosens on its own: raising it, lowering it, any change, or none (the curve judges it). */
export type LoosensWhen = "higher" | "lower" | "any change" | "curve";

/** The classes of the loosening rule (docs/RULES.md's table), the columns of its first half. */
export type LooseningClass = "structure" | "one direction" | "both directions" | "protection";

/**
 * The loosening rule field by field, as the table of docs/RULES.md states it: each field's class and which move of it
 * loosens on its own. `layers.length` is the number of layers (a structural change). The coverage and a trigger move
 * the protection curve: lowering the one, raising the other, lowers it; an allocation never moves alone (they sum to
 * 100 %), so only the whole curve judges it. ./fields builds the field table on it; `looseningReasons` above is the
 * rule itself.
 */
export const LOOSENING_CLASSES = {
  "layers.length": { class: "structure", loosensWhen: "any change" },
  instrument: { class: "structure", loosensWhen: "any change" },
  tenorDays: { class: "one direction", loosensWhen: "lower" },
  shortDeltaMinBps: { class: "one direction", loosensWhen: "higher" },
  shortDeltaMaxBps: { class: "one direction", loosensWhen: "higher" },
  wingWidthPts: { class: "one direction", loosensWhen: "higher" },
  hysteresisVix: { class: "one direction", loosensWhen: "lower" },
  scaleStepBps: { class: "one direction", loosensWhen: "lower" },
  maxOracleAge: { class: "both directions", loosensWhen: "any change" },
  targetDte: { class: "both directions", loosensWhen: "any change" },
  coverageBps: { class: "protection", loosensWhen: "lower" },
  triggerVix: { class: "protection", loosensWhen: "higher" },
  allocationBps: { class: "protection", loosensWhen: "curve" },
} as const satisfies Record<string, { class: LooseningClass; loosensWhen: LoosensWhen }>;

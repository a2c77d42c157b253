// The one policy diff: which fields a change moves, from what to what, and the effect of each on its own (./fields,
// by the loosening classes of ./protection). The command line's tables, the console's, the audit's reports and its
// JSON all list these rows, in this order: the number of layers first (a structural change), then each layer's
// fields, then the top-level fields.
import { table } from "../format";
import type { PolicyValues } from "../policy";
import {
  LAYER_COUNT,
  LAYER_FIELD_NAMES,
  POLICY_FIELD_NAMES,
  fieldEffect,
  fmtFieldCell,
  fmtFieldValue,
  type Effect,
} from "./fields";

/** One changed field: its path (`coverageBps`, `layers.1.triggerVix`, `layers.length`), its values, its effect. */
export interface FieldChange {
  field: string;
  before: number | string | null;
  after: number | string | null;
  /** "loosens" (less protection on its own), "tightens", or "" when judged only by the protection curve. */
  effect: Effect;
}

/**
 * Every field that differs between two policies, with its effect. A layer on one side only (added or removed) is part
 * of the structural change of the layer count: its fields, and the count, loosen. Empty when either is unknown.
 */
export function policyChanges(before: PolicyValues | null, after: PolicyValues | null): FieldChange[] {
  if (!before || !after) return [];
  const changes: FieldChange[] = [];
  if (before.layers.length !== after.layers.length) {
    const [b, a] = [before.layers.length, after.layers.length];
    changes.push({ field: LAYER_COUNT, before: b, after: a, effect: fieldEffect(LAYER_COUNT, b, a) });
  }
  const n = Math.max(before.layers.length, after.layers.length);
  for (let i = 0; i < n; i++) {
    for (const field of LAYER_FIELD_NAMES) {
      const b = before.layers[i]?.[field];
      const a = after.layers[i]?.[field];
      if (b === a) continue;
      changes.push({
        field: `layers.${i}.${field}`,
        before: b ?? null,
        after: a ?? null,
        effect: fieldEffect(field, b, a),
      });
    }
  }
  for (const field of POLICY_FIELD_NAMES) {
    if (before[field] === after[field]) continue;
    changes.push({
      field,
      before: before[field],
      after: after[field],
      effect: fieldEffect(field, before[field], after[field]),
    });
  }
  return changes;
}

/** The change a nudge of layer `layer`'s trigger makes to `current` (its value before unknown: null). */
export function triggerNudgeChange(current: PolicyValues | null, layer: number, triggerVix: number): FieldChange {
  const before = current?.layers[layer]?.triggerVix ?? null;
  return {
    field: `layers.${layer}.triggerVix`,
    before,
    after: triggerVix,
    effect: fieldEffect("triggerVix", before, triggerVix),
  };
}

/** The change a nudge of the coverage makes to `current`. */
export function coverageNudgeChange(current: PolicyValues | null, coverageBps: number): FieldChange {
  const before = current?.coverageBps ?? null;
  return { field: "coverageBps", before, after: coverageBps, effect: fieldEffect("coverageBps", before, coverageBps) };
}

/** "coverageBps 25.00 % → 30.00 % (tightens)": one change in words. */
export function changeText(c: FieldChange, arrow = "→"): string {
  return `${c.field} ${fmtFieldValue(c.field, c.before)} ${arrow} ${fmtFieldValue(c.field, c.after)}${c.effect ? ` (${c.effect})` : ""}`;
}

/** The changes in words, comma-separated; "no field changes" when there are none. */
export function changesText(changes: readonly FieldChange[], arrow = "→"): string {
  if (changes.length === 0) return "no field changes";
  return changes.map((c) => changeText(c, arrow)).join(", ");
}

/** A change as a table shows it: the values with their raw numbers beside their meaning ("2,500 (25.00 %)"). */
export interface ChangeRow {
  field: string;
  before: string;
  after: string;
  effect: Effect;
}

/** The changes as table rows (the command line's and the console's tables). */
export function changeRows(changes: readonly FieldChange[]): ChangeRow[] {
  return changes.map((c) => ({
    field: c.field,
    before: fmtFieldCell(c.field, c.before),
    after: fmtFieldCell(c.field, c.after),
    effect: c.effect,
  }));
}

/** The changes as the command line's table (field, before, after, effect); "(no change)" when there are none. */
export function changesTable(changes: readonly FieldChange[], indent = ""): string[] {
  if (changes.length === 0) return [`${indent}(no change)`];
  return table(
    ["field", "before", "after", "effect"],
    changeRows(changes).map((r) => [r.field, r.before, r.after, r.effect]),
    indent,
  );
}

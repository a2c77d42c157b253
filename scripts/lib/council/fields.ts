// The one field table of a policy: every field's name, its Solidity width (the largest value it holds), its unit, its
// label in words and which move of it loosens (from ./protection's loosening classes, the rule of docs/RULES.md). The
// command line's `--set` parser, the policy diff (./diff), the call decoder (./decode), the audit and the console all
// read fields from here, so a field is named, shown and judged the same way everywhere.
import { fmtBps, fmtDelta, fmtDuration, fmtDurationExact, fmtInt, fmtVix } from "../format";
import { INSTRUMENT_NAMES, type PolicyValues } from "../policy";
import { LOOSENING_CLASSES, type LooseningClass, type LoosensWhen } from "./protection";

export type PolicyField = Exclude<keyof PolicyValues, "layers">;
export type LayerField = keyof PolicyValues["layers"][number];
/** The number of layers, as the diff names it: a structural change of its own. */
export const LAYER_COUNT = "layers.length";

export type FieldUnit = "bps" | "delta" | "points" | "days" | "vix" | "seconds" | "instrument" | "count";

export interface FieldSpec {
  /** The name in the contract's struct (a layer's field without its `layers.N.` prefix). */
  name: PolicyField | LayerField | typeof LAYER_COUNT;
  /** The largest value its Solidity type holds (uint16, uint32, the Instrument enum). */
  width: number;
  unit: FieldUnit;
  /** What it is, in words. */
  label: string;
  /** Which move loosens on its own (./protection). */
  loosensWhen: LoosensWhen;
  class: LooseningClass;
}

const spec = (name: FieldSpec["name"], width: number, unit: FieldUnit, label: string): FieldSpec => ({
  name,
  width,
  unit,
  label,
  ...LOOSENING_CLASSES[name],
});

/** The top-level fields, in the struct's order. */
export const POLICY_FIELD_SPECS: Record<PolicyField, FieldSpec> = {
  coverageBps: spec("coverageBps", 0xffff, "bps", "coverage of the condor notional"),
  scaleStepBps: spec("scaleStepBps", 0xffff, "bps", "scale-in step"),
  shortDeltaMinBps: spec("shortDeltaMinBps", 0xffff, "delta", "short delta min"),
  shortDeltaMaxBps: spec("shortDeltaMaxBps", 0xffff, "delta", "short delta max"),
  wingWidthPts: spec("wingWidthPts", 0xffff, "points", "wing width"),
  targetDte: spec("targetDte", 0xffff, "days", "condor days to expiry"),
  hysteresisVix: spec("hysteresisVix", 0xffffffff, "vix", "hysteresis"),
  maxOracleAge: spec("maxOracleAge", 0xffffffff, "seconds", "oracle age accepted"),
};

/** A layer's fields, in the struct's order. */
export const LAYER_FIELD_SPECS: Record<LayerField, FieldSpec> = {
  allocationBps: spec("allocationBps", 0xffff, "bps", "allocation"),
  tenorDays: spec("tenorDays", 0xffff, "days", "tenor"),
  triggerVix: spec("triggerVix", 0xffffffff, "vix", "trigger"),
  instrument: spec("instrument", INSTRUMENT_NAMES.length - 1, "instrument", "instrument"),
};

export const LAYER_COUNT_SPEC: FieldSpec = spec(LAYER_COUNT, 5, "count", "number of layers");

export const POLICY_FIELD_NAMES = Object.keys(POLICY_FIELD_SPECS) as PolicyField[];
export const LAYER_FIELD_NAMES = Object.keys(LAYER_FIELD_SPECS) as LayerField[];

/** The spec of a field path: `coverageBps`, `layers.2.triggerVix`, `layers.length`; undefined for anything else. */
export function fieldSpecOf(path: string): FieldSpec | undefined {
  if (path === LAYER_COUNT) return LAYER_COUNT_SPEC;
  const leaf = path.split(".").pop()!;
  if (path.startsWith("layers.")) return LAYER_FIELD_SPECS[leaf as LayerField];
  return POLICY_FIELD_SPECS[leaf as PolicyField];
}

/** A value in its unit, exactly: 2500 bps → "25.00 %", 2800 (VIX) → "VIX 28.00", 3600 s → "1 h"; null → "-". */
export function fmtFieldValue(path: string, value: number | string | null | undefined): string {
  if (value === null || value === undefined) return "-";
  if (typeof value === "string") return value;
  switch (fieldSpecOf(path)?.unit) {
    case "bps":
      return fmtBps(value);
    case "delta":
      return `delta ${fmtDelta(value)}`;
    case "points":
      return `${value} pts`;
    case "days":
      return `${value} d`;
    case "vix":
      return `VIX ${fmtVix(value)}`;
    case "seconds":
      return fmtDurationExact(value);
    case "instrument":
      return INSTRUMENT_NAMES[value] ?? `instrument ${value}`;
    default:
      return String(value);
  }
}

/**
 * A value as the command line's tables show it, the raw number beside its meaning: "2,500 (25.00 %)"; an instrument
 * or a count as itself ("VIX futures", "3").
 */
export function fmtFieldCell(path: string, value: number | string | null | undefined): string {
  if (value === null || value === undefined) return "-";
  if (typeof value === "string") return value;
  const unit = fieldSpecOf(path)?.unit;
  if (unit === "instrument" || unit === "count" || unit === undefined) return fmtFieldValue(path, value);
  // The raw seconds are beside it already: then the duration's two units, marked when they fall short
  // ("3,661 (over 1 h 1 min)").
  if (unit === "seconds") {
    const short = fmtDuration(value);
    return `${fmtInt(value)} (${fmtDurationExact(value) === short ? short : `over ${short}`})`;
  }
  return `${fmtInt(value)} (${fmtFieldValue(path, value)})`;
}

export type Effect = "loosens" | "tightens" | "";

/**
 * The effect of moving one field from `before` to `after` on its own, by its loosening class: "loosens", "tightens",
 * or "" (unchanged, or judged only by the whole protection curve, like an allocation). A value on one side only (a
 * layer added or removed) is the structural change of the layer count: "loosens".
 */
export function fieldEffect(
  field: string,
  before: number | undefined | null,
  after: number | undefined | null,
): Effect {
  if (before === after) return "";
  if (before === undefined || before === null || after === undefined || after === null) return "loosens";
  const leaf = field === LAYER_COUNT ? field : field.split(".").pop()!;
  const direction = (LOOSENING_CLASSES as Record<string, { loosensWhen: LoosensWhen }>)[leaf]?.loosensWhen;
  if (direction === undefined || direction === "curve") return "";
  if (direction === "any change") return "loosens";
  return after > before === (direction === "higher") ? "loosens" : "tightens";
}

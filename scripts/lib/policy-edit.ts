// Editing the ALVH policy from the command line: `--set coverageBps=3000,layers.1.triggerVix=2600` applied to the
// current policy, the before/after diff (marking what loosens, as `HedgePolicy.isLoosening` does), and the policy
// table that `hedge:status` prints.
//
// Field paths: coverageBps, scaleStepBps, shortDeltaMinBps, shortDeltaMaxBps, wingWidthPts, targetDte,
// hysteresisVix, maxOracleAge, and layers.N.allocationBps | tenorDays | triggerVix | instrument (N from 0, as in
// the contract's events). Setting every field of layers.N where N is the current layer count adds a layer;
// `--remove-layer N` removes one. Values are the contract's raw units (bps, VIX hundredths, days, seconds);
// instruments may also be given by name (VixFutures, VixCallSpread, VolatilityEtf, SpxPuts).
import { fmtBps, fmtDelta, fmtDuration, fmtInt, fmtVix, table } from "./format";
import { CliError } from "./shell/output";
import { fieldEffect } from "./council";
import { INSTRUMENT_NAMES, Instrument, type PolicyValues } from "./policy";

type TopField = Exclude<keyof PolicyValues, "layers">;
type LayerField = keyof PolicyValues["layers"][number];

/** Top-level fields and the largest value their Solidity type holds. */
export const POLICY_FIELDS: Record<TopField, number> = {
  coverageBps: 0xffff,
  scaleStepBps: 0xffff,
  shortDeltaMinBps: 0xffff,
  shortDeltaMaxBps: 0xffff,
  wingWidthPts: 0xffff,
  targetDte: 0xffff,
  hysteresisVix: 0xffffffff,
  maxOracleAge: 0xffffffff,
};

export const LAYER_FIELDS: Record<LayerField, number> = {
  allocationBps: 0xffff,
  tenorDays: 0xffff,
  triggerVix: 0xffffffff,
  instrument: 3,
};

export const MAX_LAYERS = 5;

export interface Assignment {
  /** As the user wrote it, for error messages. */
  text: string;
  path: string;
  value: string;
}

const FIELD_LIST = `${Object.keys(POLICY_FIELDS).join(", ")}, layers.N.${Object.keys(LAYER_FIELDS).join("|")}`;

/** Splits `--set` into assignments; separators are commas or spaces. */
export function parseAssignments(text: string | undefined): Assignment[] {
  const items = (text ?? "").split(/[\s,]+/).filter(Boolean);
  const seen = new Set<string>();
  return items.map((item) => {
    const match = /^([A-Za-z0-9_.]+)=(.+)$/.exec(item);
    if (!match) throw new CliError(`--set ${item}: expected field=value, e.g. coverageBps=3000`);
    const [, path, value] = match;
    if (seen.has(path)) throw new CliError(`--set ${item}: ${path} is set twice`);
    seen.add(path);
    return { text: item, path, value };
  });
}

function parseNumber(a: Assignment, max: number): number {
  const text = a.value.replace(/_/g, "");
  if (!/^\d+$/.test(text)) throw new CliError(`--set ${a.text}: ${a.value} is not a whole number`);
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value > max) {
    throw new CliError(`--set ${a.text}: out of range, ${a.path} holds 0..${fmtInt(max)}`);
  }
  return value;
}

function parseInstrument(a: Assignment): number {
  const names = Object.keys(Instrument).filter((k) => Number.isNaN(Number(k)));
  const byName = names.find((k) => k.toLowerCase() === a.value.toLowerCase());
  if (byName) return Instrument[byName as keyof typeof Instrument];
  if (/^\d+$/.test(a.value) && Number(a.value) <= 3) return Number(a.value);
  throw new CliError(`--set ${a.text}: unknown instrument, use one of ${names.join(", ")} (or 0..3)`);
}

/**
 * Applies `--remove-layer` (an index of the current policy) and then the assignments, returning a new policy.
 * Only the shape and the Solidity types are checked here; the policy's invariants are checked by the contract
 * itself in a static call before anything is sent.
 */
export function applyAssignments(current: PolicyValues, assignments: Assignment[], removeLayer?: number): PolicyValues {
  const next: PolicyValues = structuredClone(current);
  if (removeLayer !== undefined) {
    if (!Number.isInteger(removeLayer) || removeLayer < 0 || removeLayer >= next.layers.length) {
      throw new CliError(
        `--remove-layer ${removeLayer}: the policy has layers 0..${next.layers.length - 1}, there is no layer ${removeLayer}`,
      );
    }
    next.layers.splice(removeLayer, 1);
  }
  const added = new Map<number, Partial<PolicyValues["layers"][number]>>();
  for (const a of assignments) {
    const parts = a.path.split(".");
    if (parts.length === 1 && parts[0] in POLICY_FIELDS) {
      const field = parts[0] as TopField;
      next[field] = parseNumber(a, POLICY_FIELDS[field]);
      continue;
    }
    if (parts.length === 3 && parts[0] === "layers" && /^\d+$/.test(parts[1]) && parts[2] in LAYER_FIELDS) {
      const index = Number(parts[1]);
      const field = parts[2] as LayerField;
      const value = field === "instrument" ? parseInstrument(a) : parseNumber(a, LAYER_FIELDS[field]);
      if (index < next.layers.length) {
        next.layers[index][field] = value;
      } else if (index < MAX_LAYERS) {
        added.set(index, { ...added.get(index), [field]: value });
      } else {
        throw new CliError(`--set ${a.text}: a policy has at most ${MAX_LAYERS} layers (0..${MAX_LAYERS - 1})`);
      }
      continue;
    }
    if (parts[0] === "layers" && parts.length === 3 && !(parts[2] in LAYER_FIELDS)) {
      throw new CliError(
        `--set ${a.text}: unknown layer field "${parts[2]}" (layer fields: ${Object.keys(LAYER_FIELDS).join(", ")})`,
      );
    }
    throw new CliError(`--set ${a.text}: unknown policy field "${a.path}" (fields: ${FIELD_LIST})`);
  }
  for (const index of [...added.keys()].sort((x, y) => x - y)) {
    if (index !== next.layers.length) {
      throw new CliError(
        `--set layers.${index}.*: the policy has ${next.layers.length} layers, so a new layer must be layers.${next.layers.length}`,
      );
    }
    const layer = added.get(index)!;
    const missing = Object.keys(LAYER_FIELDS).filter((f) => layer[f as LayerField] === undefined);
    if (missing.length > 0) {
      throw new CliError(`--set layers.${index}.*: a new layer needs every field; missing ${missing.join(", ")}`);
    }
    next.layers.push(layer as PolicyValues["layers"][number]);
  }
  return next;
}

// ------------------------------------------------------------------------------------------------ display

const FORMAT: Record<TopField | LayerField, (v: number) => string> = {
  coverageBps: fmtBps,
  scaleStepBps: fmtBps,
  shortDeltaMinBps: (v) => `delta ${fmtDelta(v)}`,
  shortDeltaMaxBps: (v) => `delta ${fmtDelta(v)}`,
  wingWidthPts: (v) => `${v} pts`,
  targetDte: (v) => `${v} d`,
  hysteresisVix: (v) => `VIX ${fmtVix(v)}`,
  maxOracleAge: (v) => fmtDuration(v),
  allocationBps: fmtBps,
  tenorDays: (v) => `${v} d`,
  triggerVix: (v) => `VIX ${fmtVix(v)}`,
  instrument: (v) => INSTRUMENT_NAMES[v] ?? `instrument ${v}`,
};

function show(field: TopField | LayerField, value: number | undefined): string {
  if (value === undefined) return "-";
  return field === "instrument" ? FORMAT[field](value) : `${fmtInt(value)} (${FORMAT[field](value)})`;
}

/** One changed field of a policy change: its path, the values before and after in words, and its effect. */
export interface PolicyChangeRow {
  field: string;
  before: string;
  after: string;
  effect: "loosens" | "tightens" | "";
}

/** The changed fields of a policy change, in order; "loosens" marks less protection. Empty when nothing changes. */
export function policyChangeRows(before: PolicyValues, after: PolicyValues): PolicyChangeRow[] {
  const rows: PolicyChangeRow[] = [];
  const layers = Math.max(before.layers.length, after.layers.length);
  for (let i = 0; i < layers; i++) {
    for (const field of Object.keys(LAYER_FIELDS) as LayerField[]) {
      const b = before.layers[i]?.[field];
      const a = after.layers[i]?.[field];
      if (b !== a) {
        rows.push({
          field: `layers.${i}.${field}`,
          before: show(field, b),
          after: show(field, a),
          effect: fieldEffect(field, b, a),
        });
      }
    }
  }
  const counts = { field: "layers (count)", before: String(before.layers.length), after: String(after.layers.length) };
  if (after.layers.length < before.layers.length) rows.push({ ...counts, effect: "loosens" });
  else if (after.layers.length > before.layers.length) rows.push({ ...counts, effect: "" });
  for (const field of Object.keys(POLICY_FIELDS) as TopField[]) {
    if (before[field] !== after[field]) {
      rows.push({
        field,
        before: show(field, before[field]),
        after: show(field, after[field]),
        effect: fieldEffect(field, before[field], after[field]),
      });
    }
  }
  return rows;
}

/** The before/after table of a change, one row per changed field; "loosens" marks less protection. */
export function describePolicyChange(before: PolicyValues, after: PolicyValues): string[] {
  const rows = policyChangeRows(before, after);
  if (rows.length === 0) return ["(no change)"];
  return table(
    ["field", "before", "after", "effect"],
    rows.map((r) => [r.field, r.before, r.after, r.effect]),
    "",
  );
}

/** The policy as a table of layers plus one line per group of scalar parameters. */
export function policyTable(p: PolicyValues, engagedMask?: number): string[] {
  const rows = p.layers.map((l, i) => [
    String(i),
    fmtBps(l.allocationBps),
    `${l.tenorDays} d`,
    fmtVix(l.triggerVix),
    INSTRUMENT_NAMES[l.instrument] ?? String(l.instrument),
    ...(engagedMask === undefined ? [] : [(engagedMask >> i) & 1 ? "ENGAGED" : "-"]),
  ]);
  const headers = [
    "layer",
    "allocation",
    "tenor",
    "trigger VIX",
    "instrument",
    ...(engagedMask === undefined ? [] : ["state"]),
  ];
  return [
    ...table(headers, rows),
    `  coverage ${fmtBps(p.coverageBps)} of condor notional, scale-in step ${fmtBps(p.scaleStepBps)}`,
    `  condor: short delta ${fmtDelta(p.shortDeltaMinBps)}-${fmtDelta(p.shortDeltaMaxBps)}, wing ${p.wingWidthPts} pts, ${p.targetDte} days to expiry`,
    `  hysteresis VIX ${fmtVix(p.hysteresisVix)}, oracle answers accepted up to ${fmtDuration(p.maxOracleAge)} old`,
  ];
}

// Editing the ALVH policy from the command line: `--set coverageBps=3000,layers.1.triggerVix=2600` applied to the
// current policy, and the policy table that `hedge:status` prints. The fields, their widths and units are the one
// field table's (./council/fields); what a change does is the one policy diff's (./council/diff).
//
// Field paths: coverageBps, scaleStepBps, shortDeltaMinBps, shortDeltaMaxBps, wingWidthPts, targetDte,
// hysteresisVix, maxOracleAge, and layers.N.allocationBps | tenorDays | triggerVix | instrument (N from 0, as in
// the contract's events). Setting every field of layers.N where N is the current layer count adds a layer;
// `--remove-layer N` removes one. Values are the contract's raw units (bps, VIX hundredths, days, seconds);
// instruments may also be given by name (VixFutures, VixCallSpread, VolatilityEtf, SpxPuts).
import { fmtBps, fmtDelta, fmtDuration, fmtInt, fmtVix, table } from "./format";
import { CliError } from "./output";
import {
  LAYER_FIELD_NAMES,
  LAYER_FIELD_SPECS,
  POLICY_FIELD_NAMES,
  POLICY_FIELD_SPECS,
  type LayerField,
  type PolicyField as TopField,
} from "./council";
import { INSTRUMENT_NAMES, Instrument, type PolicyValues } from "./policy";

/** Top-level fields and the largest value their Solidity type holds (the field table's widths). */
export const POLICY_FIELDS = Object.fromEntries(
  POLICY_FIELD_NAMES.map((f) => [f, POLICY_FIELD_SPECS[f].width]),
) as Record<TopField, number>;

export const LAYER_FIELDS = Object.fromEntries(LAYER_FIELD_NAMES.map((f) => [f, LAYER_FIELD_SPECS[f].width])) as Record<
  LayerField,
  number
>;

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

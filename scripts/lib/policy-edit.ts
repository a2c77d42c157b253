// Editing the ALVH policy: `--set coverageBps=3000,layers.1.triggerVix=2600` applied to the current policy, the
// policy table that `hedge:status` prints, and the fields in human units for the console's editor. The fields, their
// widths and units are the one field table's (./council/fields); the values each may take are HedgePolicy's
// (./policy FIELD_BOUNDS); what a change does is the one policy diff's (./council/diff).
//
// Field paths: coverageBps, scaleStepBps, shortDeltaMinBps, shortDeltaMaxBps, wingWidthPts, targetDte,
// hysteresisVix, maxOracleAge, and layers.N.allocationBps | tenorDays | triggerVix | instrument (N from 0, as in
// the contract's events). Setting every field of layers.N where N is the current layer count adds a layer;
// `--remove-layer N` removes one. Values are the contract's raw units (bps, VIX hundredths, days, seconds), whole
// numbers, as the field names say; instruments may also be given by name (VixFutures, VixCallSpread, VolatilityEtf,
// SpxPuts).
//
// Units: `--set` takes only the raw integer, so a value has one spelling and cannot be read a hundred times too large
// or too small (hysteresisVix=5 and 5.00 would both be valid, 100× apart). A value in human units is refused in one
// line that gives the raw one ("26 looks like VIX 26.00: write 2600"; "triggerVix takes whole VIX hundredths: write
// 2650 for VIX 26.50"); a whole number is taken for a slip only when the contract would refuse it anyway, so no valid
// value is refused. The console's editor is in human units (25.00 %, VIX 26.00, delta 0.15, 1 h): the command line
// and the console go through the functions below (humanText, readHuman, rawUnitsHint), with the same decimals and the
// same bounds.
import {
  fmtBps,
  fmtDecimal,
  fmtDelta,
  fmtDuration,
  fmtDurationExact,
  fmtInt,
  fmtVix,
  parseDecimal,
  parseDurationText,
  table,
} from "./format";
import { CliError } from "./output";
import {
  LAYER_FIELD_NAMES,
  LAYER_FIELD_SPECS,
  POLICY_FIELD_NAMES,
  POLICY_FIELD_SPECS,
  fieldSpecOf,
  fmtFieldValue,
  type FieldUnit,
  type LayerField,
  type PolicyField as TopField,
} from "./council";
import { FIELD_BOUNDS, INSTRUMENT_NAMES, Instrument, type PolicyFieldName, type PolicyValues } from "./policy";

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

/**
 * A `--set` value: a whole number within the field's Solidity type. A value in the field's human units is refused
 * with the raw number to write instead (rawUnitsHint).
 */
function parseNumber(a: Assignment, max: number): number {
  const read = parseDecimal(a.value, 0);
  if (!("value" in read)) {
    throw new CliError(`--set ${a.text}: ${rawUnitsHint(a.path, a.value) ?? `${a.value} is not a whole number`}`);
  }
  if (read.value < 0n || read.value > BigInt(max)) {
    throw new CliError(`--set ${a.text}: out of range, ${a.path} holds 0..${fmtInt(max)}`);
  }
  const value = Number(read.value);
  const hint = rawUnitsHint(a.path, a.value);
  if (hint !== undefined) throw new CliError(`--set ${a.text}: ${hint}`);
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

// ------------------------------------------------------------------------------------------------ human units

/**
 * How a person writes a field: in the unit the command line prints it in (fmtFieldValue), with as many decimals as
 * the chain's integer has in that unit (a basis point is 0.01 %, a VIX hundredth 0.01, a delta's basis point 0.0001).
 * Durations are written as fmtDuration writes them ("1 h", "1 h 30 min") or in seconds; instruments are chosen by
 * name.
 */
interface HumanUnit {
  decimals: number;
  /** The chain's unit, for the command line's hints: "basis points". */
  raw: string;
  /** The smallest step the chain holds, in the human unit, for the editor's words: "0.01 % (one basis point)". */
  step: string;
}

const HUMAN_UNITS: Partial<Record<FieldUnit, HumanUnit>> = {
  bps: { decimals: 2, raw: "basis points", step: "0.01 % (one basis point)" },
  vix: { decimals: 2, raw: "VIX hundredths", step: "0.01 (a VIX hundredth)" },
  delta: { decimals: 4, raw: "basis points of delta", step: "0.0001" },
  points: { decimals: 0, raw: "index points", step: "1 point" },
  days: { decimals: 0, raw: "days", step: "1 day" },
  seconds: { decimals: 0, raw: "seconds", step: "1 s" },
};

/** A field path's leaf name and its human unit: `layers.1.triggerVix` → triggerVix, VIX. */
function humanField(path: string): { name: PolicyFieldName; unit: FieldUnit; human: HumanUnit } | undefined {
  const spec = fieldSpecOf(path);
  const human = spec && HUMAN_UNITS[spec.unit];
  if (!spec || !human || !(spec.name in FIELD_BOUNDS)) return undefined;
  return { name: spec.name as PolicyFieldName, unit: spec.unit, human };
}

/** The values a field may take, in words: "5.00 % to 100.00 %", "VIX 10.00 to VIX 100.00", "1 min to 1 d". */
export function humanRange(path: string): string {
  const field = humanField(path);
  if (!field) return "";
  const { min, max } = FIELD_BOUNDS[field.name];
  return `${fmtFieldValue(path, min)} to ${fmtFieldValue(path, max)}`;
}

/**
 * A raw value as the text of its input, exact: 2500 → "25.00" (%), 2600 → "26.00" (VIX), 1550 → "0.155" (delta),
 * 50 → "50", 3600 → "1 h", 3661 → "3661 s" (a duration the two units of fmtDuration cannot say exactly).
 */
export function humanText(path: string, raw: number): string {
  const field = humanField(path);
  if (!field) return String(raw);
  if (field.unit === "seconds") return fmtDurationExact(raw) === fmtDuration(raw) ? fmtDuration(raw) : `${raw} s`;
  return fmtDecimal(raw, field.human.decimals, Math.min(2, field.human.decimals));
}

/**
 * Reads what a person typed into a field's input as the chain's integer, exactly, or says in words what is wrong,
 * naming the values allowed: empty ("Required: 5.00 % to 100.00 %"), not a number, more decimals than the chain
 * holds, or outside the field's bounds (./policy FIELD_BOUNDS). An empty input is never read as 0.
 */
export function readHuman(path: string, text: string): { value: number } | { error: string } {
  const field = humanField(path);
  if (!field) return { error: `${path} is not a field edited in human units` };
  const range = humanRange(path);
  if (text.trim() === "") return { error: `Required: ${range}` };
  let value: bigint;
  if (field.unit === "seconds") {
    const seconds = parseDurationText(text);
    if (seconds === undefined) return { error: `Not a duration: write it as 1 h, 30 min or 90 s (${range})` };
    value = BigInt(seconds);
  } else {
    const read = parseDecimal(text, field.human.decimals);
    if ("problem" in read) {
      if (read.problem === "too many decimals") {
        return {
          error:
            field.human.decimals === 0
              ? `A whole number of ${field.human.raw}: ${range}`
              : `At most ${field.human.decimals} decimals: the chain holds steps of ${field.human.step}`,
        };
      }
      return { error: `Not a number: write a value from ${range}` };
    }
    value = read.value;
  }
  const { min, max } = FIELD_BOUNDS[field.name];
  if (value < BigInt(min) || value > BigInt(max)) return { error: `Out of range: ${range}` };
  return { value: Number(value) };
}

/**
 * Why a `--set` value looks written in human units, with the raw value to write instead; undefined when it does not.
 * A decimal that the field's human unit can hold ("26.5" for a trigger: write 2650 for VIX 26.50), a duration with
 * its unit ("1h" for maxOracleAge: write 3600), or a whole number below the field's bounds that a hundred times
 * would fit ("26" for a trigger: 26 looks like VIX 26.00). Each is refused anyway (not a whole number, or below
 * what the contract accepts), so the hint never turns a valid value away.
 */
export function rawUnitsHint(path: string, text: string): string | undefined {
  const field = humanField(path);
  if (!field) return undefined;
  const { min, max } = FIELD_BOUNDS[field.name];
  const whole = parseDecimal(text, 0);
  if ("value" in whole) {
    const n = whole.value;
    if (field.human.decimals !== 2 || n >= BigInt(min)) return undefined;
    const scaled = n * 100n;
    if (scaled < BigInt(min) || scaled > BigInt(max)) return undefined;
    const why = field.unit === "vix" ? "VIX levels are in hundredths" : "percentages are in basis points: 1 % = 100";
    return `${n} looks like ${fmtFieldValue(path, Number(scaled))}: write ${scaled} (${why})`;
  }
  if (field.unit === "seconds") {
    const seconds = parseDurationText(text);
    if (seconds === undefined) return undefined;
    return `${field.name} takes seconds: write ${seconds} for ${fmtDurationExact(seconds)}`;
  }
  // A decimal is read in the human unit only when that lands within the bounds: "2600.0" is no VIX 2600.
  const read = parseDecimal(text, field.human.decimals);
  if (!("value" in read) || field.human.decimals === 0 || read.value < BigInt(min) || read.value > BigInt(max)) {
    return undefined;
  }
  return `${field.name} takes whole ${field.human.raw}: write ${read.value} for ${fmtFieldValue(path, Number(read.value))}`;
}

// ------------------------------------------------------------------------------------------------ the editor's draft

/** The policy as the console's editor holds it: what is typed in each input, and each layer's instrument. */
export interface PolicyDraft {
  layers: { allocationBps: string; tenorDays: string; triggerVix: string; instrument: number }[];
  top: Record<TopField, string>;
}

/** The fields of a layer edited as text (the instrument is chosen from a list). */
export const LAYER_TEXT_FIELDS = ["allocationBps", "tenorDays", "triggerVix"] as const;

/** A policy as the editor shows it first: every field in human units, exactly. */
export function draftOf(p: PolicyValues): PolicyDraft {
  return {
    layers: p.layers.map((l, i) => ({
      allocationBps: humanText(`layers.${i}.allocationBps`, l.allocationBps),
      tenorDays: humanText(`layers.${i}.tenorDays`, l.tenorDays),
      triggerVix: humanText(`layers.${i}.triggerVix`, l.triggerVix),
      instrument: l.instrument,
    })),
    top: Object.fromEntries(POLICY_FIELD_NAMES.map((f) => [f, humanText(f, p[f])])) as Record<TopField, string>,
  };
}

/** Where a problem of the whole layer table is shown (the allocations' sum, the number of layers). */
export const LAYERS_PROBLEM = "layers";

/**
 * Reads the editor's draft: the policy when every field reads and the rules between fields hold, and otherwise what
 * is wrong, by field path (`coverageBps`, `layers.1.triggerVix`; LAYERS_PROBLEM for the table as a whole), in human
 * units. A rule between two fields is judged as soon as both read, so it shows while another field is still empty.
 */
export function readDraft(draft: PolicyDraft): { next: PolicyValues | null; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const read = (path: string, text: string): number | undefined => {
    const r = readHuman(path, text);
    if ("value" in r) return r.value;
    errors[path] = r.error;
    return undefined;
  };
  const layers = draft.layers.map((l, i) => ({
    allocationBps: read(`layers.${i}.allocationBps`, l.allocationBps),
    tenorDays: read(`layers.${i}.tenorDays`, l.tenorDays),
    triggerVix: read(`layers.${i}.triggerVix`, l.triggerVix),
    instrument: l.instrument,
  }));
  const top = Object.fromEntries(POLICY_FIELD_NAMES.map((f) => [f, read(f, draft.top[f])])) as Record<
    TopField,
    number | undefined
  >;

  if (layers.length < 1 || layers.length > MAX_LAYERS) {
    errors[LAYERS_PROBLEM] = `A policy has 1 to ${MAX_LAYERS} layers, not ${layers.length}`;
  }
  const allocations = layers.map((l) => l.allocationBps);
  if (allocations.every((a) => a !== undefined)) {
    const sum = allocations.reduce((x, y) => x! + y!, 0)!;
    if (sum !== 10_000 && layers.length > 0) {
      errors[LAYERS_PROBLEM] ??= `The allocations sum to ${fmtBps(sum)}; they must sum to 100.00 %`;
    }
  }
  layers.forEach((l, i) => {
    const below = layers[i - 1];
    if (!below) return;
    const trigger = `layers.${i}.triggerVix`;
    if (l.triggerVix !== undefined && below.triggerVix !== undefined && l.triggerVix <= below.triggerVix) {
      errors[trigger] ??=
        `Must be above layer ${i - 1}'s VIX ${fmtVix(below.triggerVix)}: triggers rise layer by layer`;
    }
    const tenor = `layers.${i}.tenorDays`;
    if (l.tenorDays !== undefined && below.tenorDays !== undefined && l.tenorDays < below.tenorDays) {
      errors[tenor] ??= `Must not be below layer ${i - 1}'s ${below.tenorDays} d: tenors do not shorten layer by layer`;
    }
  });
  const [min, max] = [top.shortDeltaMinBps, top.shortDeltaMaxBps];
  if (min !== undefined && max !== undefined && min > max) {
    errors.shortDeltaMinBps ??= `Must not be above the short delta max, ${fmtDelta(max)}`;
  }

  if (Object.keys(errors).length > 0) return { next: null, errors };
  // In the struct's order, as toPolicyValues builds it: a policy is compared with the current one as JSON.
  return {
    next: {
      layers: layers.map((l) => ({
        allocationBps: l.allocationBps!,
        tenorDays: l.tenorDays!,
        triggerVix: l.triggerVix!,
        instrument: l.instrument,
      })),
      ...(top as Record<TopField, number>),
    },
    errors,
  };
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
    `  hysteresis VIX ${fmtVix(p.hysteresisVix)}, oracle answers accepted up to ${fmtDurationExact(p.maxOracleAge)} old`,
  ];
}

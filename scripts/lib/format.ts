// The domain's units in words, shared by the command line, the audit, the council's rules, the watcher and the
// console: VIX hundredths, basis points, deltas, durations, timestamps, ids and plain tables; and the way back, from a
// decimal or a duration a person wrote to the chain's integer, exactly (no float on the way). Pure functions: no
// Hardhat, no console.

export function fmtInt(n: number | bigint): string {
  return BigInt(n)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** VIX hundredths as VIX points: 2250 → "22.50". */
export function fmtVix(hundredths: number | bigint): string {
  const n = Number(hundredths);
  return (n / 100).toFixed(2);
}

/** Basis points as a percentage: 2500 → "25.00 %". */
export function fmtBps(bps: number | bigint): string {
  return `${(Number(bps) / 100).toFixed(2)} %`;
}

/**
 * A delta in basis points as a delta, with every digit it has: 1500 → "0.15", 1550 → "0.155" (two decimals at
 * least; rounding to two would show 1,550 and 1,600 alike).
 */
export function fmtDelta(bps: number | bigint): string {
  return fmtDecimal(bps, 4, 2);
}

/**
 * A whole count of 10^-decimals as a decimal, exactly (string arithmetic, no float): fmtDecimal(2550, 2) → "25.50",
 * fmtDecimal(1550, 4, 2) → "0.155" (trailing zeros dropped down to `minDecimals`).
 */
export function fmtDecimal(n: number | bigint, decimals: number, minDecimals = decimals): string {
  const value = BigInt(n);
  const digits = (value < 0n ? -value : value).toString().padStart(decimals + 1, "0");
  const whole = digits.slice(0, digits.length - decimals);
  let fraction = digits.slice(digits.length - decimals);
  while (fraction.length > minDecimals && fraction.endsWith("0")) fraction = fraction.slice(0, -1);
  return `${value < 0n ? "-" : ""}${whole}${fraction === "" ? "" : `.${fraction}`}`;
}

/** Why a person's decimal could not be read: nothing written, not a plain decimal, or finer than the unit. */
export type DecimalProblem = "empty" | "not a number" | "too many decimals";

/**
 * A decimal written by a person, read exactly as a whole count of 10^-decimals: parseDecimal("25.5", 2) → 2550n,
 * parseDecimal("0.29", 2) → 29n (never 28.999…: no float on the way). Accepts an optional leading minus (so that a
 * negative value is refused by the caller's range, in words) and `_` between digits; refuses empty text, exponents,
 * `+`, a lone `.`, and more decimals than the unit has (it would be rounded away, and no digit is ever dropped).
 */
export function parseDecimal(text: string, decimals: number): { value: bigint } | { problem: DecimalProblem } {
  const trimmed = text.trim();
  if (trimmed === "") return { problem: "empty" };
  const match = /^(-?)(\d+(?:_\d+)*)(?:\.(\d+))?$/.exec(trimmed);
  if (!match) return { problem: "not a number" };
  const [, sign, whole, fraction = ""] = match;
  if (fraction.length > decimals) return { problem: "too many decimals" };
  const value = BigInt(whole.replace(/_/g, "") + fraction.padEnd(decimals, "0"));
  return { value: sign === "-" ? -value : value };
}

const DURATION_UNITS = [
  ["d", 86_400],
  ["h", 3_600],
  ["min", 60],
  ["s", 1],
] as const;

/** The two largest units of a duration, cut (never rounded up), and the seconds they stand for. */
function twoUnits(seconds: number): { text: string; covered: number } {
  if (seconds < 1) return { text: "0 s", covered: 0 };
  const first = DURATION_UNITS.findIndex(([, size]) => seconds >= size);
  const parts: string[] = [];
  let covered = 0;
  for (const [unit, size] of DURATION_UNITS.slice(first, first + 2)) {
    const count = Math.floor((seconds - covered) / size);
    if (count > 0) parts.push(`${count} ${unit}`);
    covered += count * size;
  }
  return { text: parts.join(" "), covered };
}

/**
 * Seconds as a short human duration: its largest unit and the next, cut, never rounded up: 90,061 → "1 d 1 h",
 * 259,146 (2 d 23 h 59 min 6 s) → "2 d 23 h", 19,800 → "5 h 30 min", 3,605 → "1 h", 45 → "45 s". Cut as a clock
 * counts down, so that "expires in …" never gives more time than is left. The one form of countdowns and ages
 * everywhere: the command line, the watcher's notices and the console. A duration that is a value someone sets or
 * compares (a delay in a proposal, a setting the audit replays) is written with fmtDurationExact.
 */
export function fmtDuration(seconds: number | bigint): string {
  return twoUnits(Math.abs(Number(seconds))).text;
}

/**
 * A duration that is a value (a delay a proposal sets, a setting the audit compares): as fmtDuration when its two
 * units say it exactly ("3 d", "1 h 30 min"), otherwise the seconds themselves with that reading beside them,
 * "259,146 s (over 2 d 23 h)", so that a cut value never reads as another.
 */
export function fmtDurationExact(seconds: number | bigint): string {
  const s = Math.abs(Number(seconds));
  const { text, covered } = twoUnits(s);
  return covered === s ? text : `${fmtInt(s)} s (over ${text})`;
}

/**
 * A duration written by a person, in seconds: parts of a whole number and a unit (d, h, min or m, s), as fmtDuration
 * writes them ("1 h 30 min", "90min", "2d"), or a bare number of seconds ("3600"); undefined for anything else.
 */
export function parseDurationText(text: string): number | undefined {
  const trimmed = text.trim().toLowerCase();
  const bare = /^\d+$/.test(trimmed);
  if (!bare && !/^(?:\d+\s*(?:d|h|min|m|s)\s*)+$/.test(trimmed)) return undefined;
  const sizes: Record<string, number> = { d: 86_400, h: 3_600, min: 60, m: 60, s: 1 };
  const parts = bare ? [[trimmed, trimmed, "s"]] : [...trimmed.matchAll(/(\d+)\s*(min|m|d|h|s)/g)];
  const seconds = parts.reduce((sum, [, count, unit]) => sum + Number(count) * sizes[unit], 0);
  return Number.isSafeInteger(seconds) ? seconds : undefined;
}

/** A block timestamp as UTC: "2025-01-31 14:05:00 UTC". */
export function fmtTime(timestamp: number | bigint): string {
  return `${new Date(Number(timestamp) * 1000)
    .toISOString()
    .replace("T", " ")
    .replace(/\.\d{3}Z$/, "")} UTC`;
}

/** "in 2 d 23 h" / "3 min ago" relative to `now`. */
export function fmtRelative(timestamp: number | bigint, now: number | bigint): string {
  const delta = Number(timestamp) - Number(now);
  if (delta === 0) return "now";
  return delta > 0 ? `in ${fmtDuration(delta)}` : `${fmtDuration(-delta)} ago`;
}

/** A bytes32 id shortened for tables: "0x1234abcd…". */
export function shortId(id: string): string {
  return `${id.slice(0, 10)}…`;
}

/** Lays out rows under headers; columns whose cells all look numeric are right-aligned. */
export function table(headers: string[], rows: string[][], indent = "  "): string[] {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const numeric = headers.map((_, i) => rows.length > 0 && rows.every((r) => /^[-+]?[\d.,]+( \S+)?$/.test(r[i] ?? "")));
  const line = (cells: string[]) =>
    indent +
    cells
      .map((c, i) => (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join("  ")
      .trimEnd();
  return [line(headers), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)];
}

/** The engaged layers of a policy's mask (bit i = layer i), as printed: "0, 1" or "none". */
export function fmtLayers(mask: number): string {
  const engaged = [0, 1, 2, 3, 4].filter((i) => (mask >> i) & 1);
  return engaged.length ? engaged.join(", ") : "none";
}

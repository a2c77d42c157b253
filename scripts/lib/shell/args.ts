// Parsing of the command line's values: whole numbers in a range, durations and VIX levels. Each refusal names the
// flag, the value and what is accepted.
import { fmtInt } from "../format";
import { CliError } from "../output";

/** Parses a whole number given to `flag`, within [min, max]. */
export function parseIntIn(flag: string, value: string | number, min: number, max: number, unit = ""): number {
  const text = String(value).trim().replace(/_/g, "");
  if (!/^-?\d+$/.test(text)) throw new CliError(`${flag} ${value}: not a whole number`);
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new CliError(
      `${flag} ${value}: out of range, must be ${fmtInt(min)}..${fmtInt(max)}${unit ? ` ${unit}` : ""}`,
    );
  }
  return n;
}

const DURATION_UNITS: Record<string, number> = { s: 1, m: 60, h: 3_600, d: 86_400, w: 604_800 };

/** Parses a duration: seconds (`3600`) or with a unit (`90s`, `15m`, `2h`, `3d`, `1w`). */
export function parseDuration(flag: string, value: string | number): number {
  const text = String(value).trim();
  const match = /^(\d+)\s*([smhdw]?)$/.exec(text);
  if (!match) throw new CliError(`${flag} ${value}: not a duration (seconds, or a number with s, m, h, d or w)`);
  const seconds = Number(match[1]) * DURATION_UNITS[match[2] || "s"];
  if (!Number.isSafeInteger(seconds)) throw new CliError(`${flag} ${value}: too large`);
  return seconds;
}

/** Parses a VIX level in points (`31.5`) into hundredths (3150): positive, at most two decimals, at most 1,000. */
export function parseVix(flag: string, value: string | number): number {
  const text = String(value).trim();
  if (!/^\d+(\.\d+)?$/.test(text)) throw new CliError(`${flag} ${value}: not a VIX level (a number such as 31.5)`);
  const hundredths = Math.round(Number(text) * 100);
  if (Math.abs(Number(text) * 100 - hundredths) > 1e-6) {
    throw new CliError(`${flag} ${value}: VIX levels have at most two decimals`);
  }
  if (hundredths <= 0 || hundredths > 100_000)
    throw new CliError(`${flag} ${value}: out of range, must be above 0 and at most 1000`);
  return hundredths;
}

/** The longest `--valid-for`: a signature should never wake up long after it was given. */
export const MAX_VALID_FOR_SECONDS = 365 * 86_400;

/**
 * Parses `--valid-for`, how long a signature counts from now (the chain's latest block): a duration as `--delay`
 * takes it (`30m`, `12h`, `7d`), at least 1 s and at most 365 d. Absent: `fallback`.
 */
export function parseValidFor(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const text = String(value).trim();
  if (!/^\d+\s*[smhdw]?$/.test(text)) {
    throw new CliError(
      `--valid-for ${value}: not a duration (seconds, or a number with s, m, h, d or w, such as 30m, 12h or 7d)`,
    );
  }
  const seconds = parseDuration("--valid-for", text);
  if (seconds === 0) throw new CliError(`--valid-for ${value}: a signature must count for at least 1 s`);
  if (seconds > MAX_VALID_FOR_SECONDS) {
    throw new CliError(
      `--valid-for ${value}: at most 365d: a signature must not be able to wake up long after it was given`,
    );
  }
  return seconds;
}

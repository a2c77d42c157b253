// The domain's units in words, shared by the command line, the audit and the council's rules: VIX hundredths,
// basis points, deltas, durations, timestamps, ids and plain tables. Pure functions: no Hardhat, no console.

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

/** A delta in basis points as a delta: 1500 → "0.15". */
export function fmtDelta(bps: number | bigint): string {
  return (Number(bps) / 10_000).toFixed(2);
}

/** Seconds as a short human duration: 90061 → "1 d 1 h 1 min 1 s". */
export function fmtDuration(seconds: number | bigint): string {
  let s = Math.abs(Number(seconds));
  if (s === 0) return "0 s";
  const parts: string[] = [];
  for (const [unit, size] of [
    ["d", 86_400],
    ["h", 3_600],
    ["min", 60],
    ["s", 1],
  ] as const) {
    if (s >= size) {
      parts.push(`${Math.floor(s / size)} ${unit}`);
      s %= size;
    }
  }
  return parts.join(" ");
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

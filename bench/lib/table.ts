// The benchmarks' tables: a header row, a rule, then the rows; the first `textColumns` columns left-aligned (labels),
// the others right-aligned (figures). Shared by bench/gas.ts, audit.ts, watch.ts and startup.ts.

/** Prints `rows` (the first one the header) as an aligned table. */
export function printTable(rows: string[][], textColumns = 1): void {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  rows.forEach((row, index) => {
    console.log(row.map((cell, i) => (i < textColumns ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join("  "));
    if (index === 0) console.log(widths.map((w) => "-".repeat(w)).join("  "));
  });
}

// `npm run coverage` ends here: fails unless contracts/ (mocks excluded) reach 100 % of lines and 95 % of branches.
import { readFileSync } from "node:fs";
import path from "node:path";

const THRESHOLDS = { lines: 100, branches: 95 } as const;

type Summary = Record<string, Record<keyof typeof THRESHOLDS, { pct: number; covered: number; total: number }>>;
const summary: Summary = JSON.parse(
  readFileSync(path.join(__dirname, "..", "coverage", "coverage-summary.json"), "utf8"),
);
const total = summary.total;
let failed = false;
for (const [metric, minimum] of Object.entries(THRESHOLDS) as [keyof typeof THRESHOLDS, number][]) {
  const { pct, covered, total: all } = total[metric];
  const ok = pct >= minimum;
  failed ||= !ok;
  console.log(`${ok ? "ok  " : "FAIL"} ${metric}: ${pct} % (${covered}/${all}), minimum ${minimum} %`);
}
process.exitCode = failed ? 1 : 0;

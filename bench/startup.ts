// `npm run bench:startup`: how long every `hedge:*` command takes to start, against `npx hardhat --version` in the
// same run. Both are started the way a user starts them (`npx hardhat …`), interleaved, several times each; the
// table shows the medians and the ratio, and the script exits 1 when a command is above the goal.
//
// "Start" is `npx hardhat hedge:<task> --help`: Hardhat loads the configuration and every task declaration, then
// prints the task's help. The action itself (scripts/commands/<task>.ts) is loaded only when the task runs, so
// its cost belongs to the command's work, not to starting it. The first line of the table also times one action
// that loads its module and stops at once (`hedge:status` with no deployments file), to show what a real command
// adds, and the second an empty TypeScript config: the floor any `hardhat.config.ts` project starts from.
// Environment (optional): STARTUP_RUNS (runs per command, default 7), STARTUP_GOAL (default 1.5).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { printTable } from "./lib/table";

const ROOT = path.resolve(__dirname, "..");
const RUNS = Number(process.env.STARTUP_RUNS ?? 7);
const GOAL = Number(process.env.STARTUP_GOAL ?? 1.5);

/** Runs `npx hardhat <args>` once and returns its wall time in milliseconds. */
function timeRun(args: string[], env: NodeJS.ProcessEnv = process.env): number {
  const start = process.hrtime.bigint();
  const run = spawnSync("npx", ["hardhat", ...args], { cwd: ROOT, env, encoding: "utf8" });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (run.error) throw run.error;
  return ms;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function main(): void {
  const help = spawnSync("npx", ["hardhat", "--help"], { cwd: ROOT, encoding: "utf8" });
  const tasks = [...help.stdout.matchAll(/^\s+(hedge:[\w-]+)/gm)].map((m) => m[1]);
  if (tasks.length === 0) throw new Error(`no hedge:* task in \`npx hardhat --help\`:\n${help.stdout}${help.stderr}`);

  // A deployments folder that is empty: hedge:status loads its action and stops with "no deployment".
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), "hedge-startup-"));
  // The floor: what any TypeScript Hardhat project pays before its first task, an empty config declaring one task
  // (Hardhat's config loading, and ts-node, which loads the TypeScript compiler whatever transpiles).
  const floorConfig = path.join(ROOT, "cache", "startup-floor.config.ts");
  fs.mkdirSync(path.dirname(floorConfig), { recursive: true });
  fs.writeFileSync(floorConfig, 'import { task } from "hardhat/config";\ntask("floor", "x");\nexport default {};\n');
  const cases: { label: string; args: string[]; env?: NodeJS.ProcessEnv }[] = [
    { label: "floor: empty hardhat.config.ts, one task --help", args: ["--config", floorConfig, "floor", "--help"] },
    {
      label: "hedge:status (action loaded, no deployment)",
      args: ["hedge:status"],
      env: { ...process.env, HEDGE_DEPLOYMENTS_DIR: empty },
    },
    ...tasks.map((t) => ({ label: `${t} --help`, args: [t, "--help"] })),
  ];

  timeRun(["--version"]); // warm the file cache once
  const anchor: number[] = [];
  const times = new Map<string, number[]>(cases.map((c) => [c.label, []]));
  for (let run = 0; run < RUNS; run++) {
    for (const c of cases) {
      anchor.push(timeRun(["--version"]));
      times.get(c.label)!.push(timeRun(c.args, c.env));
    }
  }
  fs.rmSync(empty, { recursive: true, force: true });
  fs.rmSync(floorConfig, { force: true });

  const base = median(anchor);
  console.log(
    `Start-up, median of ${RUNS} runs each, interleaved with the anchor (${os.cpus().length} CPUs, Node ${process.version})`,
  );
  console.log("");
  const rows = [
    ["command", "median ms", "ratio", `goal ≤ ${GOAL}×`],
    ["npx hardhat --version (anchor)", base.toFixed(0), "1.00×", ""],
  ];
  let worst = 0;
  for (const c of cases) {
    const m = median(times.get(c.label)!);
    const ratio = m / base;
    if (c.label.startsWith("hedge:") && c.args.includes("--help")) worst = Math.max(worst, ratio);
    rows.push([c.label, m.toFixed(0), `${ratio.toFixed(2)}×`, ratio <= GOAL ? "met" : "NOT met"]);
  }
  printTable(rows);
  console.log("");
  console.log(`Slowest hedge:* start: ${worst.toFixed(2)}× the anchor (goal ${GOAL}×).`);
  if (worst > GOAL) process.exitCode = 1;
}

main();

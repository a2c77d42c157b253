/**
 * Mutation testing with SuMo: `npm run mutation` (see test/MUTATION.md for the results and how to read them).
 *
 *   npm run mutation                                  test every mutant not yet in the ledger, all contracts
 *   npm run mutation -- --contract HedgePolicy.sol    one contract (repeatable)
 *   npm run mutation -- --worker 1/2                  every second mutant, starting at the second (parallel clones)
 *   npm run mutation -- --retest-live                 also test again the mutants that survived (after new tests)
 *   npm run mutation -- --mutant m1b7e8365,m9d0bc09e  only these mutants (SuMo's ids), tested again
 *   npm run mutation -- --no-confirm                  record survivors of the in-process run as live, unconfirmed
 *   npm run mutation -- --changed-since db0b962       only mutants on lines changed since that commit (a change's
 *                                                     own mutants first; the rest can follow in a later run)
 *   npm run mutation -- --report                      print the score and the live mutants from the ledger
 *
 * SuMo (`sumo-config.js`: minimal rules, mocks and interfaces excluded) generates the mutants, and SuMo's verdicts
 * are kept: killed, live, stillborn, timed out; score = killed / (killed + live). The loop that tests them is ours
 * (worker.ts), because SuMo's own `sumo test` cannot finish here in one sitting: it restarts Hardhat twice per mutant
 * (20-30 s before the first test runs), wipes its results on every start, and its resume range drops the last
 * mutant. Ours:
 *  - runs every mutant in one Hardhat process (compile task, chain reset, fresh test modules, Mocha with bail),
 *    then re-runs each survivor in fresh `hardhat compile` + `hardhat test --bail` processes as SuMo would, and only
 *    that verdict may say live (with `--no-confirm` the in-process verdict is recorded as live with `confirmed:
 *    false`, which halves the time a survivor takes; `--retest-live` confirms them later);
 *  - appends every verdict to `test/mutation/results.jsonl` at once, keyed by the contract's source hash, so a run
 *    resumes where it stopped and results of an older source are never counted;
 *  - runs the mutated contract's own unit tests first (the unit tests and the attack suite, no benchmarks);
 *  - splits the mutants between clones of the repository with `--worker i/n`.
 * The build is the mutation build of hardhat.config.ts (`HEDGE_MUTATION=1`: legacy pipeline, no optimizer).
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  CONTRACTS,
  type ContractFile,
  currentResults,
  type Job,
  type LedgerEntry,
  type Mutant,
  MUTATION_ENV,
  ROOT,
  run,
  sourceHash,
  type Status,
  testFiles,
} from "./shared";

const SUMO_RESULTS = path.join(ROOT, ".sumo", "results");

class UsageError extends Error {}

interface Options {
  contracts: ContractFile[];
  worker: [number, number];
  report: boolean;
  retestLive: boolean;
  /** Only these mutant ids, tested again whatever the ledger says (empty: all). */
  only: string[];
  /** Re-run in-process survivors in fresh processes before calling them live. */
  confirm: boolean;
  /** Only mutants on lines changed since this commit (empty: all lines). */
  changedSince: string;
}

function parseArgs(argv: string[]): Options {
  const contracts: ContractFile[] = [];
  let worker: [number, number] = [0, 1];
  let report = false;
  let retestLive = false;
  let confirm = true;
  let changedSince = "";
  const only: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--report") report = true;
    else if (arg === "--retest-live") retestLive = true;
    else if (arg === "--no-confirm") confirm = false;
    else if (arg === "--changed-since") {
      changedSince = argv[++i] ?? "";
      if (!/^[0-9a-f]{7,40}$/.test(changedSince)) {
        throw new UsageError(`--changed-since takes a commit hash like db0b962, got "${changedSince}"`);
      }
    } else if (arg === "--mutant") {
      const value = argv[++i] ?? "";
      const ids = value.split(",").filter((id) => id !== "");
      const bad = ids.find((id) => !/^m[0-9a-f]{8}$/.test(id));
      if (ids.length === 0 || bad !== undefined) {
        throw new UsageError(`--mutant takes SuMo mutant ids like m1b7e8365, got "${bad ?? value}"`);
      }
      only.push(...ids);
    } else if (arg === "--contract") {
      const value = argv[++i];
      if (!CONTRACTS.includes(value as ContractFile)) {
        throw new UsageError(`--contract must be one of ${CONTRACTS.join(", ")}, got "${value ?? ""}"`);
      }
      contracts.push(value as ContractFile);
    } else if (arg === "--worker") {
      const value = argv[++i] ?? "";
      const match = /^(\d+)\/(\d+)$/.exec(value);
      if (!match || Number(match[2]) < 1 || Number(match[1]) < 1 || Number(match[1]) > Number(match[2])) {
        throw new UsageError(`--worker must be i/n with 1 <= i <= n, got "${value}"`);
      }
      worker = [Number(match[1]) - 1, Number(match[2])];
    } else throw new UsageError(`unknown argument "${arg}"`);
  }
  return {
    contracts: contracts.length > 0 ? contracts : [...CONTRACTS],
    worker,
    report,
    retestLive,
    only,
    confirm,
    changedSince,
  };
}

/** Asks SuMo for the mutants of `contract` (`sumo mutate` writes generated.csv and one file per mutant). */
function generate(contract: ContractFile): { mutant: Mutant; file: string }[] {
  // SuMo refuses to start without its build folder; the worker compiles into it.
  fs.mkdirSync(path.join(ROOT, "artifacts-mutation"), { recursive: true });
  const result = run("npx", ["sumo", "mutate"], { ...MUTATION_ENV, SUMO_CONTRACT: contract });
  if (result.status !== 0) throw new Error(`sumo mutate failed for ${contract}:\n${result.stdout}${result.stderr}`);
  const rows = fs.readFileSync(path.join(SUMO_RESULTS, "generated.csv"), "utf8").split("\n").slice(1);
  return rows
    .filter((row) => row.trim() !== "")
    .map((row) => {
      const [hash, file, operator, , , startLine, , original, replacement] = row.split("$");
      if (path.basename(file) !== contract) throw new Error(`sumo mutated ${file}, expected only ${contract}`);
      return {
        mutant: { contract, mutant: hash, operator, line: Number(startLine), original, replacement },
        file: path.join(SUMO_RESULTS, "mutants", `${contract}-${hash}.sol`),
      };
    });
}

/** The lines of `contract` (numbered as now) that differ from `commit`: the new side of `git diff -U0`. */
function changedLines(contract: ContractFile, commit: string): Set<number> {
  const diff = run("git", ["diff", "-U0", commit, "--", path.join("contracts", contract)], process.env);
  if (diff.status !== 0) throw new UsageError(`git diff against ${commit} failed: ${diff.stderr.trim()}`);
  const lines = new Set<number>();
  for (const match of diff.stdout.matchAll(/^@@ -\S+ \+(\d+)(?:,(\d+))? @@/gm)) {
    const start = Number(match[1]);
    const count = match[2] === undefined ? 1 : Number(match[2]);
    for (let line = start; line < start + count; line++) lines.add(line);
  }
  return lines;
}

function requireCleanContracts(): void {
  const diff = run("git", ["status", "--porcelain", "--", "contracts"], process.env);
  if (diff.status !== 0) throw new UsageError("mutation testing needs a git checkout (results are tied to a commit)");
  if (diff.stdout.trim() !== "") {
    throw new UsageError(
      `contracts/ differs from the last commit (an interrupted mutant?): ${diff.stdout.trim().split("\n")[0]}; ` +
        "commit or restore it (git checkout -- contracts) and run again",
    );
  }
}

function mutate({ contracts, worker: [worker, workers], retestLive, only, confirm, changedSince }: Options): void {
  requireCleanContracts();
  const commit = run("git", ["rev-parse", "--short=12", "HEAD"], process.env).stdout.trim();
  for (const contract of contracts) {
    const done = currentResults([contract]);
    const changed = changedSince === "" ? null : changedLines(contract, changedSince);
    const mine = generate(contract)
      .filter(({ mutant }) => changed === null || changed.has(mutant.line))
      .filter((_, index) => index % workers === worker);
    const job: Job = {
      contract,
      source: sourceHash(contract),
      commit,
      tests: testFiles(contract),
      confirm,
      mutants: mine.filter(({ mutant }) => {
        if (only.length > 0) return only.includes(mutant.mutant);
        const verdict = done.get(`${contract}:${mutant.mutant}`);
        return verdict === undefined || (retestLive && verdict.status === "live");
      }),
    };
    console.log(`${contract}: ${mine.length} mutants for this worker, ${job.mutants.length} to test`);
    if (job.mutants.length === 0) continue;
    const jobFile = path.join(os.tmpdir(), `hedge-mutation-${process.pid}-${contract}.json`);
    fs.writeFileSync(jobFile, JSON.stringify(job));
    const child = spawnSync("npx", ["hardhat", "run", path.join("scripts", "mutation", "worker.ts")], {
      cwd: ROOT,
      env: { ...MUTATION_ENV, MUTATION_JOB: jobFile },
      stdio: "inherit",
    });
    fs.rmSync(jobFile, { force: true });
    // The mutation build wrote its TypeChain factories (which embed bytecode) into typechain-types: regenerate them
    // from the normal build, so tests, tasks and the benchmark never deploy unoptimised code afterwards.
    run("npx", ["hardhat", "typechain"], process.env);
    // An interrupted worker leaves the contract restored by its `finally`, unless it was killed outright.
    requireCleanContracts();
    if (child.status !== 0)
      throw new Error(`the worker for ${contract} stopped (exit ${child.status ?? child.signal})`);
  }
  report(contracts);
}

function report(contracts: ContractFile[]): void {
  const results = currentResults(contracts);
  const rows: string[][] = [["contract", "tested", "killed", "live", "stillborn", "timed out", "score"]];
  const totals = { tested: 0, killed: 0, live: 0, stillborn: 0, timedout: 0 };
  const live: LedgerEntry[] = [];
  let unconfirmed = 0;
  for (const contract of contracts) {
    const entries = [...results.values()].filter((e) => e.contract === contract);
    const count = (s: Status) => entries.filter((e) => e.status === s).length;
    const row = {
      tested: entries.length,
      killed: count("killed"),
      live: count("live"),
      stillborn: count("stillborn"),
      timedout: count("timedout"),
    };
    for (const key of Object.keys(totals) as (keyof typeof totals)[]) totals[key] += row[key];
    live.push(...entries.filter((e) => e.status === "live"));
    unconfirmed += entries.filter((e) => e.status === "live" && e.confirmed === false).length;
    rows.push([contract, ...Object.values(row).map(String), score(row.killed, row.live)]);
  }
  rows.push(["all", ...Object.values(totals).map(String), score(totals.killed, totals.live)]);
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  for (const row of rows) console.log(row.map((cell, c) => cell.padEnd(widths[c])).join("  "));
  console.log("\nscore = killed / (killed + live), as SuMo computes it; stillborn and timed-out mutants are not valid");
  if (unconfirmed > 0) {
    console.log(
      `${unconfirmed} live mutant(s) survived the in-process run only (--no-confirm): --retest-live confirms`,
    );
  }
  if (live.length > 0) {
    console.log(`\nlive mutants (${live.length}):`);
    for (const e of live.sort((a, b) => a.contract.localeCompare(b.contract) || a.line - b.line)) {
      console.log(
        `  ${e.contract}:${e.line} ${e.operator} ${e.mutant}: ${e.original.trim()} -> ${e.replacement.trim()}` +
          (e.confirmed === false ? " (unconfirmed)" : ""),
      );
    }
  }
}

function score(killed: number, live: number): string {
  return killed + live === 0 ? "-" : `${((100 * killed) / (killed + live)).toFixed(2)} %`;
}

try {
  const options = parseArgs(process.argv.slice(2));
  if (options.report) report(options.contracts);
  else mutate(options);
} catch (error) {
  console.error(`mutation: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(error instanceof UsageError ? 2 : 1);
}

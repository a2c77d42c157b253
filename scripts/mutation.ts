/**
 * Mutation testing with SuMo: `npm run mutation` (see test/MUTATION.md for the results and how to read them).
 *
 *   npm run mutation                                  test every mutant not yet in the ledger, all contracts
 *   npm run mutation -- --contract HedgePolicy.sol    one contract (repeatable)
 *   npm run mutation -- --worker 1/2                  every second mutant, starting at the second (parallel clones)
 *   npm run mutation -- --report                      print the score and the live mutants from the ledger
 *
 * SuMo (`sumo-config.js`: minimal rules, mocks and interfaces excluded) generates the mutants. Each one is then
 * compiled and tested the way SuMo's Hardhat interface does it (`hardhat compile`, then `hardhat test --bail` on the
 * unit tests and the attack suite), with three differences that make a multi-hour run practical:
 *  - every result is appended to `test/mutation/results.jsonl` at once, keyed by the contract's source hash, so an
 *    interrupted run resumes where it stopped (`sumo test` wipes its results on each start);
 *  - the mutated contract's own unit tests run first, so most mutants die within seconds;
 *  - `--worker i/n` splits the mutants between clones of the repository.
 * The build is the mutation build of hardhat.config.ts (`HEDGE_MUTATION=1`: legacy pipeline, no optimizer).
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

const ROOT = path.resolve(__dirname, "..");
const CONTRACTS = ["CouncilSeats.sol", "HedgeCouncil.sol", "HedgePolicy.sol"] as const;
type ContractFile = (typeof CONTRACTS)[number];
const LEDGER = path.join(ROOT, "test", "mutation", "results.jsonl");
const SUMO_RESULTS = path.join(ROOT, ".sumo", "results");
const TIMEOUT_MS = 300_000;
const ENV = { ...process.env, HEDGE_MUTATION: "1" };

/** Test files in the order they run for a mutant of `contract`: its own unit tests first, the attack suite last. */
const TEST_ORDER: Record<ContractFile, string[]> = {
  "HedgePolicy.sol": ["HedgePolicy", "HedgeCouncil", "CouncilSeats", "deploy"],
  "HedgeCouncil.sol": ["HedgeCouncil", "CouncilSeats", "deploy", "HedgePolicy"],
  "CouncilSeats.sol": ["CouncilSeats", "HedgeCouncil", "deploy", "HedgePolicy"],
};

type Status = "killed" | "live" | "stillborn" | "timedout";

interface Mutant {
  contract: ContractFile;
  mutant: string;
  operator: string;
  line: number;
  original: string;
  replacement: string;
}

interface LedgerEntry extends Mutant {
  source: string;
  commit: string;
  status: Status;
  seconds: number;
  date: string;
}

class UsageError extends Error {}

function parseArgs(argv: string[]): { contracts: ContractFile[]; worker: [number, number]; report: boolean } {
  const contracts: ContractFile[] = [];
  let worker: [number, number] = [0, 1];
  let report = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--report") report = true;
    else if (arg === "--contract") {
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
  return { contracts: contracts.length > 0 ? contracts : [...CONTRACTS], worker, report };
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv = ENV, timeout?: number) {
  return spawnSync(command, args, { cwd: ROOT, env, encoding: "utf8", timeout, maxBuffer: 64 * 1024 * 1024 });
}

function sourceHash(contract: ContractFile): string {
  const source = fs.readFileSync(path.join(ROOT, "contracts", contract));
  return createHash("sha256").update(source).digest("hex").slice(0, 16);
}

function readLedger(): LedgerEntry[] {
  if (!fs.existsSync(LEDGER)) return [];
  return fs
    .readFileSync(LEDGER, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as LedgerEntry);
}

/** The latest result of every mutant of the current sources. */
function currentResults(contracts: readonly ContractFile[]): Map<string, LedgerEntry> {
  const sources = new Map(contracts.map((c) => [c, sourceHash(c)]));
  const results = new Map<string, LedgerEntry>();
  for (const entry of readLedger()) {
    if (sources.get(entry.contract) === entry.source) results.set(`${entry.contract}:${entry.mutant}`, entry);
  }
  return results;
}

/** Asks SuMo for the mutants of `contract` (`sumo mutate` writes generated.csv and one file per mutant). */
function generate(contract: ContractFile): { mutant: Mutant; file: string }[] {
  const result = run("npx", ["sumo", "mutate"], { ...ENV, SUMO_CONTRACT: contract });
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

function testFiles(contract: ContractFile): string[] {
  const unit = fs
    .readdirSync(path.join(ROOT, "test"))
    .filter((f) => f.endsWith(".test.ts"))
    .sort();
  const ordered: string[] = [];
  for (const prefix of TEST_ORDER[contract]) {
    for (const file of unit) if (file.startsWith(prefix) && !ordered.includes(file)) ordered.push(file);
  }
  for (const file of unit) if (!ordered.includes(file)) ordered.push(file);
  const attacks = fs
    .readdirSync(path.join(ROOT, "test", "attacks"))
    .filter((f) => f.endsWith(".test.ts"))
    .sort()
    .map((f) => path.join("attacks", f));
  return [...ordered, ...attacks].map((f) => path.join("test", f));
}

/** Compiles and tests one mutant in place, and always puts the original source back. */
function testMutant(contract: ContractFile, mutantFile: string, tests: string[]): Status | "interrupted" {
  const target = path.join(ROOT, "contracts", contract);
  const original = fs.readFileSync(target, "utf8");
  fs.writeFileSync(target, fs.readFileSync(mutantFile, "utf8"));
  try {
    const compile = run("npx", ["hardhat", "compile", "--quiet"], ENV, TIMEOUT_MS);
    if (compile.signal === "SIGINT" || compile.signal === "SIGTERM") return "interrupted";
    if (compile.status !== 0) return "stillborn";
    const test = run("npx", ["hardhat", "test", "--bail", "--no-compile", ...tests], ENV, TIMEOUT_MS);
    if (test.error && (test.error as NodeJS.ErrnoException).code === "ETIMEDOUT") return "timedout";
    if (test.signal === "SIGINT" || test.signal === "SIGTERM") return "interrupted";
    return test.status === 0 ? "live" : "killed";
  } finally {
    fs.writeFileSync(target, original);
  }
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

function mutate(contracts: ContractFile[], [worker, workers]: [number, number]): void {
  requireCleanContracts();
  const commit = run("git", ["rev-parse", "--short=12", "HEAD"], process.env).stdout.trim();
  fs.mkdirSync(path.dirname(LEDGER), { recursive: true });

  let interrupted = false;
  const stop = () => {
    interrupted = true;
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);

  // The unmutated build must pass the selection first, as in `sumo pretest`.
  const pre = run("npx", ["hardhat", "test", "--bail", ...testFiles("HedgePolicy.sol")], ENV);
  if (pre.status !== 0) throw new Error(`pre-test failed: the unmutated contracts must pass\n${pre.stdout}`);

  for (const contract of contracts) {
    const source = sourceHash(contract);
    const done = currentResults([contract]);
    const mutants = generate(contract).filter((_, index) => index % workers === worker);
    const todo = mutants.filter(({ mutant }) => !done.has(`${contract}:${mutant.mutant}`));
    const tests = testFiles(contract);
    console.log(`${contract}: ${mutants.length} mutants for this worker, ${todo.length} not yet tested`);
    for (const [i, { mutant, file }] of todo.entries()) {
      const started = Date.now();
      const status = testMutant(contract, file, tests);
      if (status === "interrupted" || interrupted) {
        console.log("interrupted; the contract is restored and finished mutants are in the ledger");
        process.exit(130);
      }
      const entry: LedgerEntry = {
        ...mutant,
        source,
        commit,
        status,
        seconds: Math.round((Date.now() - started) / 1000),
        date: new Date().toISOString(),
      };
      fs.appendFileSync(LEDGER, JSON.stringify(entry) + "\n");
      const where = `${contract}:${mutant.line} ${mutant.operator} ${mutant.mutant}`;
      console.log(`[${i + 1}/${todo.length}] ${status.padEnd(9)} ${entry.seconds}s  ${where}`);
    }
  }
  report(contracts);
}

function report(contracts: ContractFile[]): void {
  const results = currentResults(contracts);
  const rows: string[][] = [["contract", "tested", "killed", "live", "stillborn", "timed out", "score"]];
  const totals = { tested: 0, killed: 0, live: 0, stillborn: 0, timedout: 0 };
  const live: LedgerEntry[] = [];
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
    rows.push([contract, ...Object.values(row).map(String), score(row.killed, row.live)]);
  }
  rows.push(["all", ...Object.values(totals).map(String), score(totals.killed, totals.live)]);
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  for (const row of rows) console.log(row.map((cell, c) => cell.padEnd(widths[c])).join("  "));
  console.log("\nscore = killed / (killed + live), as SuMo computes it; stillborn and timed-out mutants are not valid");
  if (live.length > 0) {
    console.log(`\nlive mutants (${live.length}):`);
    for (const e of live.sort((a, b) => a.contract.localeCompare(b.contract) || a.line - b.line)) {
      console.log(
        `  ${e.contract}:${e.line} ${e.operator} ${e.mutant}: ${e.original.trim()} -> ${e.replacement.trim()}`,
      );
    }
  }
}

function score(killed: number, live: number): string {
  return killed + live === 0 ? "-" : `${((100 * killed) / (killed + live)).toFixed(2)} %`;
}

try {
  const { contracts, worker, report: reportOnly } = parseArgs(process.argv.slice(2));
  if (reportOnly) report(contracts);
  else mutate(contracts, worker);
} catch (error) {
  console.error(`mutation: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(error instanceof UsageError ? 2 : 1);
}

/** What the mutation orchestrator (index.ts) and its in-process worker (worker.ts) share. */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

export const ROOT = path.resolve(__dirname, "..", "..");
export const CONTRACTS = ["CouncilSeats.sol", "HedgeCouncil.sol", "HedgePolicy.sol", "HedgeUpkeep.sol"] as const;
export type ContractFile = (typeof CONTRACTS)[number];
export const LEDGER = path.join(ROOT, "test", "mutation", "results.jsonl");
/** The mutation build of hardhat.config.ts. */
export const MUTATION_ENV = { ...process.env, HEDGE_MUTATION: "1" };
export const TIMEOUT_MS = 300_000;

export type Status = "killed" | "live" | "stillborn" | "timedout";

export interface Mutant {
  contract: ContractFile;
  mutant: string;
  operator: string;
  line: number;
  original: string;
  replacement: string;
}

export interface LedgerEntry extends Mutant {
  source: string;
  commit: string;
  status: Status;
  /** false: live in the in-process run, not yet re-run in fresh processes (`--no-confirm`). */
  confirmed?: boolean;
  seconds: number;
  date: string;
}

/** A worker's assignment: the mutants (with SuMo's mutated copy of the contract) and the tests to run. */
export interface Job {
  contract: ContractFile;
  source: string;
  commit: string;
  tests: string[];
  /** Re-run in-process survivors in fresh processes before calling them live. */
  confirm: boolean;
  mutants: { mutant: Mutant; file: string }[];
}

/** Test files in the order they run for a mutant: the contract's own unit tests first, the attack suite last. */
const TEST_ORDER: Record<ContractFile, string[]> = {
  "HedgePolicy.sol": ["HedgePolicy", "HedgeCouncil", "CouncilSeats", "deploy"],
  "HedgeCouncil.sol": ["HedgeCouncil", "CouncilSeats", "deploy", "HedgePolicy"],
  "CouncilSeats.sol": ["CouncilSeats", "HedgeCouncil", "deploy", "HedgePolicy"],
  "HedgeUpkeep.sol": ["HedgeUpkeep", "HedgePolicy"],
};

export function testFiles(contract: ContractFile): string[] {
  const list = (dir: string) =>
    fs
      .readdirSync(path.join(ROOT, dir))
      .filter((f) => f.endsWith(".test.ts"))
      .sort()
      .map((f) => path.join(dir, f));
  const unit = list("test");
  const ordered: string[] = [];
  for (const prefix of TEST_ORDER[contract]) {
    for (const file of unit) if (path.basename(file).startsWith(prefix) && !ordered.includes(file)) ordered.push(file);
  }
  for (const file of unit) if (!ordered.includes(file)) ordered.push(file);
  return [...ordered, ...list(path.join("test", "attacks"))];
}

export function sourceHash(contract: ContractFile): string {
  const source = fs.readFileSync(path.join(ROOT, "contracts", contract));
  return createHash("sha256").update(source).digest("hex").slice(0, 16);
}

export function readLedger(): LedgerEntry[] {
  if (!fs.existsSync(LEDGER)) return [];
  return fs
    .readFileSync(LEDGER, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as LedgerEntry);
}

export function appendLedger(entry: LedgerEntry): void {
  fs.mkdirSync(path.dirname(LEDGER), { recursive: true });
  fs.appendFileSync(LEDGER, JSON.stringify(entry) + "\n");
}

/** The latest result of every mutant of the contracts' current sources, keyed `contract:mutant`. */
export function currentResults(contracts: readonly ContractFile[]): Map<string, LedgerEntry> {
  const sources = new Map(contracts.map((c) => [c, sourceHash(c)]));
  const results = new Map<string, LedgerEntry>();
  for (const entry of readLedger()) {
    if (sources.get(entry.contract) !== entry.source) continue;
    const key = `${entry.contract}:${entry.mutant}`;
    const seen = results.get(key);
    // Ledgers of parallel clones are merged by concatenation, so the latest verdict wins by date, not by position.
    if (!seen || seen.date < entry.date) results.set(key, entry);
  }
  return results;
}

export function run(command: string, args: string[], env: NodeJS.ProcessEnv = MUTATION_ENV, timeout?: number) {
  return spawnSync(command, args, { cwd: ROOT, env, encoding: "utf8", timeout, maxBuffer: 64 * 1024 * 1024 });
}

/**
 * Compiles and tests one mutant in fresh processes, exactly as SuMo's Hardhat interface does (`hardhat compile`, then
 * `hardhat test --bail`), and always puts the original source back.
 */
export function testMutantInFreshProcesses(contract: ContractFile, mutantFile: string, tests: string[]): Status {
  const target = path.join(ROOT, "contracts", contract);
  const original = fs.readFileSync(target, "utf8");
  fs.writeFileSync(target, fs.readFileSync(mutantFile, "utf8"));
  try {
    const compile = run("npx", ["hardhat", "compile", "--quiet"], MUTATION_ENV, TIMEOUT_MS);
    if (compile.status !== 0) return "stillborn";
    const test = run("npx", ["hardhat", "test", "--bail", "--no-compile", ...tests], MUTATION_ENV, TIMEOUT_MS);
    if (test.error && (test.error as NodeJS.ErrnoException).code === "ETIMEDOUT") return "timedout";
    return test.status === 0 ? "live" : "killed";
  } finally {
    fs.writeFileSync(target, original);
  }
}

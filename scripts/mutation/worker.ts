/**
 * The in-process mutation worker, started by `npm run mutation` as `hardhat run scripts/mutation/worker.ts` with
 * `MUTATION_JOB` naming a job file (see shared.ts). Starting Hardhat, ts-node and the test files costs more than most
 * mutants take to die, so this process starts once and, for each mutant: writes it over the contract, compiles
 * (`compile` task), resets the chain, the fixture snapshots and the loaded test modules (the TypeChain factories
 * carry the new bytecode; their transpiled code is cached by source hash), and runs the tests with Mocha in bail mode. A mutant the tests cannot kill here is run
 * once more in fresh processes, exactly as SuMo runs it, and only that verdict is recorded as live.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import hre from "hardhat";
import Mocha from "mocha";
import { clearSnapshots } from "@nomicfoundation/hardhat-network-helpers";
import { appendLedger, type Job, type LedgerEntry, ROOT, type Status, testMutantInFreshProcesses } from "./shared";

/**
 * ts-node transpiles a TypeScript module again each time it is required, and reloading the tests means requiring
 * the tests, their helpers and every TypeChain module: 3-4 s per mutant. The transpiled code depends only on the
 * source, so it is cached by the source's hash (only the mutated contract's TypeChain factory changes).
 */
const transpiled = new Map<string, string>();
const transpile = require.extensions[".ts"];
if (transpile === undefined) throw new Error("the worker runs under `hardhat run`, which registers ts-node");
type CompilingModule = NodeJS.Module & { _compile(code: string, filename: string): unknown };
require.extensions[".ts"] = (module: NodeJS.Module, filename: string) => {
  const m = module as CompilingModule;
  const key = createHash("sha256").update(filename).update(fs.readFileSync(filename)).digest("hex");
  const cached = transpiled.get(key);
  if (cached !== undefined) {
    m._compile(cached, filename);
    return;
  }
  const compile = m._compile;
  m._compile = function (code: string, file: string) {
    transpiled.set(key, code);
    return compile.call(this, code, file);
  };
  transpile(module, filename);
};

/** Reloaded for every run: the tests, their helpers, and the TypeChain types whose factories embed bytecode. */
const RELOADED = ["test", "typechain-types", "scripts/lib"].map((dir) => path.join(ROOT, dir) + path.sep);

class SilentReporter extends Mocha.reporters.Base {}

async function runTests(files: string[]): Promise<number> {
  for (const key of Object.keys(require.cache)) {
    if (RELOADED.some((dir) => key.startsWith(dir))) delete require.cache[key];
  }
  await hre.network.provider.request({ method: "hardhat_reset", params: [] });
  await clearSnapshots();
  const mocha = new Mocha({ ...hre.config.mocha, bail: true, reporter: SilentReporter });
  for (const file of files) mocha.addFile(path.join(ROOT, file));
  const failures = await new Promise<number>((resolve) => mocha.run(resolve));
  mocha.dispose();
  return failures;
}

async function compiles(): Promise<boolean> {
  try {
    await hre.run("compile", { quiet: true });
    return true;
  } catch {
    return false;
  }
}

/** Puts the unmutated contract back; set while a mutant is written over it. */
let restore: (() => void) | undefined;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    restore?.();
    console.log(`mutation worker: ${signal}; the contract is restored and finished mutants are in the ledger`);
    process.exit(130);
  });
}

async function testMutant(job: Job, file: string): Promise<{ status: Status; confirmed?: boolean }> {
  const target = path.join(ROOT, "contracts", job.contract);
  const original = fs.readFileSync(target, "utf8");
  restore = () => fs.writeFileSync(target, original);
  fs.writeFileSync(target, fs.readFileSync(file, "utf8"));
  try {
    if (!(await compiles())) return { status: "stillborn" };
    if ((await runTests(job.tests)) > 0) return { status: "killed" };
  } finally {
    restore();
    restore = undefined;
  }
  // Survived in process: only the fresh-process run, as SuMo does it, may call it live (or, with --no-confirm, live
  // but unconfirmed until --retest-live).
  if (!job.confirm) return { status: "live", confirmed: false };
  return { status: testMutantInFreshProcesses(job.contract, file, job.tests) };
}

async function main(): Promise<void> {
  const jobFile = process.env.MUTATION_JOB;
  if (!jobFile) throw new Error("MUTATION_JOB is not set: start mutation testing with `npm run mutation`");
  const job = JSON.parse(fs.readFileSync(jobFile, "utf8")) as Job;

  // Pre-test, twice: the unmutated contracts must pass, and a second run in this process must pass too (nothing
  // from one run may leak into the next).
  for (const round of [1, 2]) {
    if (!(await compiles())) throw new Error("pre-test: the unmutated contracts do not compile");
    const failures = await runTests(job.tests);
    if (failures > 0) throw new Error(`pre-test round ${round}: ${failures} test(s) fail on the unmutated contracts`);
  }
  console.log(`${job.contract}: pre-test passed; ${job.mutants.length} mutants to test`);

  for (const [i, { mutant, file }] of job.mutants.entries()) {
    const started = Date.now();
    const { status, confirmed } = await testMutant(job, file);
    const entry: LedgerEntry = {
      ...mutant,
      source: job.source,
      commit: job.commit,
      status,
      ...(confirmed === undefined ? {} : { confirmed }),
      seconds: Math.round((Date.now() - started) / 1000),
      date: new Date().toISOString(),
    };
    appendLedger(entry);
    const where = `${job.contract}:${mutant.line} ${mutant.operator} ${mutant.mutant}`;
    console.log(`[${i + 1}/${job.mutants.length}] ${status.padEnd(9)} ${String(entry.seconds).padStart(3)}s  ${where}`);
  }
  // Leave the normal state behind: the unmutated contract compiled.
  await compiles();
}

main().catch((error) => {
  console.error(`mutation worker: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});

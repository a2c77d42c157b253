// Shared machinery of the task tests: run a task in-process as the command line would (capturing what it prints
// and the exit code it sets), assert that a refused command printed one `error:` line and sent nothing, and run
// the hardhat CLI as a child process.
import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import type { Readable } from "node:stream";

import { expect } from "chai";
import hre from "hardhat";

import type { Deployment } from "../../scripts/lib/deployments";
import { captureOutput, withOutput } from "../../scripts/lib/output";
import type { HedgeCouncil } from "../../typechain-types";

export const ROOT = hre.config.paths.root;

export interface TaskRun<T = unknown> {
  result: T;
  out: string[];
  err: string[];
  exitCode: number;
}

/** Runs a task at the top level, like the command line: errors become one `error:` line and exit code 1. */
export async function runTask<T = unknown>(name: string, args: Record<string, unknown> = {}): Promise<TaskRun<T>> {
  const sink = captureOutput();
  const previous = process.exitCode;
  process.exitCode = 0;
  let result: T;
  let exitCode: number;
  try {
    result = (await withOutput(sink, () => hre.run(name, args))) as T;
  } finally {
    exitCode = Number(process.exitCode ?? 0);
    process.exitCode = previous;
  }
  return { result, out: sink.lines, err: sink.errors, exitCode };
}

/** Runs a task that must succeed; fails the test with what it printed otherwise. */
export async function runOk<T = unknown>(name: string, args: Record<string, unknown> = {}): Promise<TaskRun<T>> {
  const run = await runTask<T>(name, args);
  expect(run.exitCode, `${name} failed:\n${[...run.out, ...run.err].join("\n")}`).to.equal(0);
  expect(run.err, `${name} printed errors`).to.deep.equal([]);
  return run;
}

/** The chain state a refused command must leave untouched: the block number and the first accounts' nonces. */
export async function chainFingerprint(): Promise<string> {
  const signers = (await hre.ethers.getSigners()).slice(0, 10);
  const nonces = await Promise.all(signers.map((s) => hre.ethers.provider.getTransactionCount(s.address)));
  return `${await hre.ethers.provider.getBlockNumber()}:${nonces.join(",")}`;
}

/**
 * Runs a task that must be refused: exit code 1, exactly one line on the error stream, `error: ` followed by a
 * message matching `message`, and no transaction sent. Returns the message.
 */
export async function expectRefused(
  name: string,
  args: Record<string, unknown>,
  message: RegExp | string,
): Promise<string> {
  const before = await chainFingerprint();
  const run = await runTask(name, args);
  const printed = [...run.out, ...run.err].join("\n");
  expect(run.exitCode, `${name} should have failed; it printed:\n${printed}`).to.equal(1);
  expect(run.err, `${name} should print exactly one error line`).to.have.length(1);
  expect(run.err[0]).to.match(/^error: \S/);
  expect(run.err[0]).not.to.include("\n");
  const reason = run.err[0].slice("error: ".length);
  if (typeof message === "string") expect(reason).to.include(message);
  else expect(reason).to.match(message);
  expect(await chainFingerprint(), `${name} was refused but sent a transaction`).to.equal(before);
  return reason;
}

/** A fresh temporary directory, removed by the returned cleanup. */
export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `hedge-${prefix}-`));
}

/**
 * Mocha hooks for a task test file: deployments go to a temporary directory, and the in-process chain is restored
 * afterwards so the other test files see it as they left it.
 */
export function useTaskSandbox(): { dir: () => string } {
  let dir = "";
  let snapshot = "";
  let previousDir: string | undefined;
  before(async () => {
    dir = tempDir("tasks");
    previousDir = process.env.HEDGE_DEPLOYMENTS_DIR;
    process.env.HEDGE_DEPLOYMENTS_DIR = dir;
    snapshot = await hre.network.provider.send("evm_snapshot", []);
  });
  after(async () => {
    await hre.network.provider.send("evm_revert", [snapshot]);
    if (previousDir === undefined) delete process.env.HEDGE_DEPLOYMENTS_DIR;
    else process.env.HEDGE_DEPLOYMENTS_DIR = previousDir;
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return { dir: () => dir };
}

/** Deploys a fresh 5-seat system in-process (seats: accounts 1..5) and returns the deployment record. */
export async function deployFresh(extra: Record<string, unknown> = {}) {
  const run = await runOk<Deployment>("hedge:deploy", {
    force: true,
    quiet: true,
    ...extra,
  });
  return run.result;
}

/**
 * What most task suites start from: the task sandbox, a fresh 5-seat system deployed once for the suite, and the
 * chain and deployments directory restored after every test. `deployment` is set once the suite's `before` ran.
 */
export function useDeployedSystem(): { readonly deployment: Deployment; council: () => Promise<HedgeCouncil> } {
  useTaskSandbox();
  let deployment: Deployment | undefined;
  let restore: (() => Promise<void>) | undefined;
  before(async () => {
    deployment = await deployFresh();
  });
  beforeEach(async () => {
    restore = await snapshot();
  });
  afterEach(async () => {
    await restore?.();
  });
  const fixture = {
    get deployment(): Deployment {
      if (!deployment) throw new Error("the system is deployed in the suite's before hook");
      return deployment;
    },
    council: () => hre.ethers.getContractAt("HedgeCouncil", fixture.deployment.contracts.council.address),
  };
  return fixture;
}

/**
 * Takes an in-process snapshot of the chain and of the deployments directory; the returned function restores both,
 * so a test may deploy again without leaving a stale deployments file behind.
 */
export async function snapshot(): Promise<() => Promise<void>> {
  const id = await hre.network.provider.send("evm_snapshot", []);
  const dir = process.env.HEDGE_DEPLOYMENTS_DIR;
  const files = new Map<string, string>();
  if (dir) for (const name of fs.readdirSync(dir)) files.set(name, fs.readFileSync(path.join(dir, name), "utf8"));
  return async () => {
    await hre.network.provider.send("evm_revert", [id]);
    if (!dir) return;
    for (const name of fs.readdirSync(dir)) if (!files.has(name)) fs.rmSync(path.join(dir, name));
    for (const [name, text] of files) fs.writeFileSync(path.join(dir, name), text);
  };
}

// ------------------------------------------------------------------------------------------------ child processes

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

const HARDHAT_CLI = path.join(ROOT, "node_modules", "hardhat", "internal", "cli", "bootstrap.js");

/**
 * Runs `hardhat <args>` as a child process (what `npx hardhat` runs), with extra environment variables; `input` is
 * piped on its stdin (a pipe, never a terminal), which is empty without it.
 */
export function hardhatCli(
  args: string[],
  env: Record<string, string | undefined> = {},
  timeoutMs = 60_000,
  input = "",
): Promise<CliRun> {
  return runScript(HARDHAT_CLI, args, env, timeoutMs, input, () => undefined);
}

/** Runs another Node script of the project (`app/cli.mjs`...) as a child process, as `hardhatCli` runs Hardhat's. */
export function nodeCli(
  script: string,
  args: string[],
  env: Record<string, string | undefined> = {},
  timeoutMs = 60_000,
): Promise<CliRun> {
  return runScript(path.join(ROOT, script), args, env, timeoutMs, "", () => undefined);
}

/**
 * Runs `hardhat <args>` as a child process whose reader goes away after the first chunk of its stdout, as in
 * `npx hardhat hedge:status | head -1`: the pipe is closed, and the child's next write to stdout fails (EPIPE).
 * `stdout` is that first chunk.
 */
export function hardhatCliReadOnce(
  args: string[],
  env: Record<string, string | undefined> = {},
  timeoutMs = 60_000,
): Promise<CliRun> {
  return runScript(HARDHAT_CLI, args, env, timeoutMs, "", (stdout) => stdout.once("data", () => stdout.destroy()));
}

/** Runs `script` with `args`; `reader` may consume the child's stdout (every chunk is kept until it closes). */
function runScript(
  script: string,
  args: string[],
  env: Record<string, string | undefined>,
  timeoutMs: number,
  input: string,
  reader: (stdout: Readable) => void,
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env, HARDHAT_NETWORK: undefined, FORCE_COLOR: "0" },
      stdio: ["pipe", "pipe", "pipe"],
    });
    // A child that exits without reading its input closes the pipe: not the test's failure.
    child.stdin.on("error", () => undefined);
    child.stdin.end(input);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    reader(child.stdout);
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr: stripNoise(stderr) });
    });
  });
}

/** A child-process command that must succeed: exit status 0 and nothing on stderr. Returns its stdout. */
export function cliOk(run: CliRun, what: string): string {
  expect(run.code, `${what} failed:\n${run.stdout}\n${run.stderr}`).to.equal(0);
  expect(run.stderr, `${what} printed errors`).to.equal("");
  return run.stdout;
}

/** Drops warnings from the toolchain that are not the task's output. */
function stripNoise(text: string): string {
  return text
    .split("\n")
    .filter(
      (l) =>
        l.trim() !== "" && !/^npm warn|ExperimentalWarning|--trace-warnings|You are currently using Node\.js/.test(l),
    )
    .join("\n");
}

/** A TCP port nobody listens on at the moment, on the loopback interface. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

// What every Hedge Council task shares: one-line errors, the task wrapper, output, signer selection, tables and
// the formatting of the domain's units (VIX hundredths, basis points, seconds).
//
// Error contract of the command line: a wrong value never reaches the chain. A task throws a `CliError` whose
// message is the one-line reason; `cliAction` prints it as `error: <message>` on stderr, sets a non-zero exit code
// and prints nothing else (no stack trace). Contract reverts are translated into words by ./errors.
//
// Loaded by hardhat.config.ts through tasks/: no value import of typechain-types or of ./deploy here.
import { Wallet, getAddress, isAddress, type Signer } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { fmtInt } from "./format";

/** A bad value or a refused action, explained in one line. */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CliError";
  }
}

// ------------------------------------------------------------------------------------------------ output

/** Where tasks print. Tests and the demo swap it to capture what a task says. */
export interface Output {
  log(line: string): void;
  error(line: string): void;
}

const consoleOutput: Output = {
  log: (line) => console.log(line),
  error: (line) => console.error(line),
};

let output: Output = consoleOutput;

/** Prints one line (or a blank line) of a task's normal output. */
export function say(line = ""): void {
  output.log(line);
}

/** Prints a line to the error stream. */
export function sayError(line: string): void {
  output.error(line);
}

/** Runs `fn` with every line a task prints sent to `sink` instead of the console. */
export async function withOutput<T>(sink: Output, fn: () => Promise<T>): Promise<T> {
  const previous = output;
  output = sink;
  try {
    return await fn();
  } finally {
    output = previous;
  }
}

/** An output that keeps the lines, for the demo and the tests. */
export function captureOutput(): Output & { lines: string[]; errors: string[]; text(): string } {
  const lines: string[] = [];
  const errors: string[] = [];
  return {
    lines,
    errors,
    log: (line) => lines.push(line),
    error: (line) => errors.push(line),
    text: () => [...lines, ...errors].join("\n"),
  };
}

// ------------------------------------------------------------------------------------------------ task wrapper

let depth = 0;

/**
 * Wraps a task action. At the top level (the command line, or one `hre.run` from a test) any error becomes a
 * single `error: <message>` line on stderr and `process.exitCode = errorExitCode` (default 1); the action then
 * returns `undefined`. When a task runs another task (the demo), errors propagate to the caller, which decides what
 * they mean.
 */
export function cliAction<A, R>(
  fn: (args: A, hre: HardhatRuntimeEnvironment) => Promise<R>,
  options: { errorExitCode?: number } = {},
): (args: A, hre: HardhatRuntimeEnvironment) => Promise<R | undefined> {
  return async (args, hre) => {
    depth++;
    try {
      return await fn(args, hre);
    } catch (error) {
      if (depth > 1) throw error;
      const { describeError } = await import("./errors");
      sayError(`error: ${await describeError(hre, error)}`);
      if (process.env.HEDGE_DEBUG && error instanceof Error && error.stack) sayError(error.stack);
      process.exitCode = options.errorExitCode ?? 1;
      return undefined;
    } finally {
      depth--;
    }
  };
}

// ------------------------------------------------------------------------------------------------ networks

/** The networks where the chain is a development chain: the mock oracle and time travel are allowed there. */
export const LOCAL_NETWORKS = ["hardhat", "localhost"] as const;

export function isLocalNetwork(hre: HardhatRuntimeEnvironment): boolean {
  return (LOCAL_NETWORKS as readonly string[]).includes(hre.network.name);
}

/** Throws unless the task runs on a local network; `what` names the refused action. */
export function requireLocalNetwork(hre: HardhatRuntimeEnvironment, what: string): void {
  if (!isLocalNetwork(hre)) {
    throw new CliError(
      `${what} works on local networks only (${LOCAL_NETWORKS.join(", ")}); network "${hre.network.name}" is not one`,
    );
  }
}

export async function chainIdOf(hre: HardhatRuntimeEnvironment): Promise<number> {
  return Number((await hre.ethers.provider.getNetwork()).chainId);
}

// ------------------------------------------------------------------------------------------------ signers

/** A signer chosen with `--from`, with a label that never contains a key. */
export interface SelectedSigner {
  signer: Signer;
  address: string;
  label: string;
}

const ENV_KEY = /^env:([A-Za-z_][A-Za-z0-9_]*)$/;

/**
 * Resolves `--from`:
 * - absent: the network's first account (on `remote`, the key in HEDGE_PRIVATE_KEY);
 * - `3`: the network's account number 3 (`npx hardhat node` unlocks 20);
 * - `0xabc…`: that account, if the network has it;
 * - `env:NAME`: the private key held in the environment variable NAME (never printed).
 */
export async function selectSigner(hre: HardhatRuntimeEnvironment, from?: string): Promise<SelectedSigner> {
  const envMatch = from === undefined ? null : ENV_KEY.exec(from.trim());
  if (envMatch) {
    const name = envMatch[1];
    const key = process.env[name];
    if (!key) throw new CliError(`--from ${from}: the environment variable ${name} is not set`);
    let wallet: Wallet;
    try {
      wallet = new Wallet(key.startsWith("0x") ? key : `0x${key}`, hre.ethers.provider);
    } catch {
      throw new CliError(`--from ${from}: ${name} does not hold a valid private key (32 bytes in hex)`);
    }
    return { signer: wallet, address: wallet.address, label: `${wallet.address} (key from $${name})` };
  }

  const signers = await hre.ethers.getSigners();
  if (from === undefined || from === "") {
    if (signers.length === 0) {
      throw new CliError(
        `network "${hre.network.name}" has no account: set HEDGE_PRIVATE_KEY, or pass --from env:<VARIABLE>`,
      );
    }
    return { signer: signers[0], address: signers[0].address, label: accountLabel(signers[0].address, 0) };
  }
  const text = from.trim();
  if (/^\d+$/.test(text)) {
    const index = Number(text);
    if (index >= signers.length) {
      const range = signers.length === 0 ? "none" : `0..${signers.length - 1}`;
      throw new CliError(
        `--from ${text}: network "${hre.network.name}" has ${signers.length} accounts (${range}); pick one of them, an address or env:<VARIABLE>`,
      );
    }
    return {
      signer: signers[index],
      address: signers[index].address,
      label: accountLabel(signers[index].address, index),
    };
  }
  if (isAddress(text)) {
    const index = signers.findIndex((s) => s.address.toLowerCase() === text.toLowerCase());
    if (index < 0) {
      throw new CliError(
        `--from ${text}: not an account of network "${hre.network.name}" (use an index, one of its addresses, or env:<VARIABLE> with a private key)`,
      );
    }
    return {
      signer: signers[index],
      address: signers[index].address,
      label: accountLabel(signers[index].address, index),
    };
  }
  throw new CliError(`--from ${from}: expected an account index, an address or env:<VARIABLE>`);
}

/**
 * Resolves an account given as an index of the network's accounts or as an address, for parameters such as a
 * seat holder; `flag` names the parameter in errors.
 */
export async function resolveAccount(hre: HardhatRuntimeEnvironment, flag: string, value: string): Promise<string> {
  const text = value.trim();
  if (isAddress(text)) return getAddress(text);
  if (/^\d+$/.test(text)) {
    const signers = await hre.ethers.getSigners();
    const index = Number(text);
    if (index < signers.length) return signers[index].address;
    throw new CliError(
      `${flag} ${text}: network "${hre.network.name}" has ${signers.length} accounts; give an address or an index below ${signers.length}`,
    );
  }
  throw new CliError(`${flag} ${value}: not an address (0x followed by 40 hex digits) nor an account index`);
}

/** A label for a known account: `account 2 (0x1234…abcd)`. */
export function accountLabel(address: string, index: number): string {
  return `account ${index} (${address})`;
}

/** Maps addresses to the network's account indices, to print `0xabc… (account 3)`. */
export async function accountIndex(hre: HardhatRuntimeEnvironment): Promise<Map<string, number>> {
  const signers = await hre.ethers.getSigners();
  return new Map(signers.map((s, i) => [s.address.toLowerCase(), i]));
}

// ------------------------------------------------------------------------------------------------ parsing

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

// ------------------------------------------------------------------------------------------------ formatting

// The formatters live in ./format (the audit and the council's rules use them without the command line).
export { fmtInt, fmtVix, fmtBps, fmtDelta, fmtDuration, fmtTime, fmtRelative, shortId, table } from "./format";

/** Prints lines produced by `table` or similar helpers. */
export function sayLines(lines: string[]): void {
  for (const l of lines) say(l);
}

/** The help text of every `--from` parameter. */
export const FROM_HELP =
  "Who signs: an account index or address of the network's accounts, or env:NAME for a private key held in $NAME (default: the first account)";

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

// Foundry's `anvil`, the second, independent node of the tests: its JSON-RPC is its own code (not Hardhat's), it can
// reorganise on demand (`anvil_reorg`, `anvil_rollback`) and mine on an interval. The binary comes from the npm
// package `@foundry-rs/anvil` (its platform package, an optional dependency in package-lock.json); it is spawned
// directly, not through the package's Node wrapper, so that the pid the test stops is the node's own.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

import { ROOT, freePort } from "../tasks/helpers";
import { rpc, stopChild } from "./node";

/** The platform binary of `@foundry-rs/anvil` (e.g. @foundry-rs/anvil-linux-amd64/bin/anvil). */
export function anvilBinary(): string {
  const arch = process.arch === "x64" ? "amd64" : process.arch;
  const name = `anvil-${process.platform}-${arch}`;
  const file = path.join(
    ROOT,
    "node_modules",
    "@foundry-rs",
    name,
    "bin",
    process.platform === "win32" ? "anvil.exe" : "anvil",
  );
  if (!fs.existsSync(file))
    throw new Error(`${file} is missing: run \`npm ci\` (the optional dependency @foundry-rs/${name} brings it)`);
  return file;
}

export interface AnvilOptions {
  /** Seconds between two blocks (interval mining); absent: a block per transaction (automine). */
  blockTime?: number;
  chainId?: number;
  /** A given port (to restart a node where it was); absent: a free one. */
  port?: number;
}

export interface AnvilProcess {
  url: string;
  port: number;
  child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Starts anvil on a free loopback port with the same ten funded accounts as a Hardhat node (anvil's default mnemonic
 * is Hardhat's), and waits until it answers. Chain id 31337 unless told: the tools' `localhost` defaults follow.
 */
export async function startAnvil(o: AnvilOptions = {}): Promise<AnvilProcess> {
  const port = o.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const args = ["--port", String(port), "--host", "127.0.0.1", "--chain-id", String(o.chainId ?? 31337), "--silent"];
  if (o.blockTime !== undefined) args.push("--block-time", String(o.blockTime));
  const child = spawn(anvilBinary(), args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  child.stdout?.on("data", (d) => (log = (log + d).slice(-4_000)));
  child.stderr?.on("data", (d) => (log = (log + d).slice(-4_000)));
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await rpc(url, "eth_chainId");
      break;
    } catch {
      if (Date.now() > deadline || child.exitCode !== null) {
        child.kill("SIGKILL");
        throw new Error(`anvil did not start:\n${log}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return { url, port, child, stop: () => stopChild(child, "SIGKILL") };
}

/** The head block's number and hash. */
export async function head(url: string): Promise<{ number: number; hash: string }> {
  const b = await rpc<{ number: string; hash: string }>(url, "eth_getBlockByNumber", ["latest", false]);
  return { number: Number(b.number), hash: b.hash };
}

/**
 * Replaces the last `depth` blocks with as many new, empty ones (`anvil_reorg`): their transactions are gone from the
 * chain (anvil does not return them to its pool), and every replaced block has a new hash.
 */
export async function reorg(url: string, depth: number): Promise<void> {
  await rpc(url, "anvil_reorg", [depth, []]);
}

/** Removes the last `depth` blocks (`anvil_rollback`): the chain is shorter until new blocks come. */
export async function rollback(url: string, depth: number): Promise<void> {
  await rpc(url, "anvil_rollback", [depth]);
}

/** Mines `n` empty blocks. */
export async function mine(url: string, n = 1): Promise<void> {
  await rpc(url, "anvil_mine", [`0x${n.toString(16)}`]);
}

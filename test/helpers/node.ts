// A real `hardhat node` for tests that need one: started on a free loopback port (or a given one), reached with raw
// JSON-RPC, and stopped by the pid of the process the test started. Shared by the task, watch and console tests.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

import { ROOT, freePort } from "../tasks/helpers";

const HARDHAT_CLI = path.join(ROOT, "node_modules", "hardhat", "internal", "cli", "bootstrap.js");

/** Raw JSON-RPC to `url`. */
export async function rpc<T>(url: string, method: string, params: unknown[] = []): Promise<T> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const body = (await response.json()) as { result: T; error?: { message: string } };
  if (body.error) throw new Error(body.error.message);
  return body.result;
}

/**
 * What changes when anything is sent or mined: the latest block's number and time, and the nonces of the node's
 * first ten accounts. Tests compare it before and after a command that must send nothing.
 */
export async function nodeFingerprint(url: string): Promise<string> {
  const accounts = (await rpc<string[]>(url, "eth_accounts")).slice(0, 10);
  const nonces = await Promise.all(accounts.map((a) => rpc<string>(url, "eth_getTransactionCount", [a, "latest"])));
  const block = await rpc<{ number: string; timestamp: string }>(url, "eth_getBlockByNumber", ["latest", false]);
  return `${block.number}@${block.timestamp}:${nonces.join(",")}`;
}

export interface NodeProcess {
  url: string;
  port: number;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts `hardhat node` on `port` (a free one if absent) and waits until it answers. */
export async function startNode(port?: number): Promise<NodeProcess> {
  const p = port ?? (await freePort());
  const url = `http://127.0.0.1:${p}`;
  const child = spawn(process.execPath, [HARDHAT_CLI, "node", "--port", String(p), "--hostname", "127.0.0.1"], {
    cwd: ROOT,
    env: { ...process.env, HARDHAT_NETWORK: undefined },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  child.stdout?.on("data", (d) => (log = (log + d).slice(-4_000)));
  child.stderr?.on("data", (d) => (log = (log + d).slice(-4_000)));
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      await rpc(url, "eth_chainId");
      break;
    } catch {
      if (Date.now() > deadline || child.exitCode !== null) {
        child.kill("SIGKILL");
        throw new Error(`hardhat node did not start:\n${log}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return { url, port: p, child, stop: () => stopChild(child, "SIGKILL") };
}

/** Stops a child process by its pid and waits for it to exit. */
export async function stopChild(child: ChildProcess, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  process.kill(child.pid!, signal);
  await exited;
}

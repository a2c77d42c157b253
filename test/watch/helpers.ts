// Fault-injection machinery for the hedge:watch tests: a real `hardhat node` on a free port, a JSON-RPC proxy in
// front of it that can refuse connections, answer errors, time out or drop responses after forwarding, a webhook
// receiver that can fail for a while, and the watcher itself as a child process of the hardhat CLI. Everything is
// started on loopback ports picked free, and stopped by the pid of what the test started.
import { spawn, type ChildProcess } from "node:child_process";
import http from "node:http";
import type net from "node:net";
import path from "node:path";

import { HDNodeWallet, JsonRpcProvider, Mnemonic, type Signer } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { HedgeCouncil__factory, HedgePolicy__factory } from "../../typechain-types";
import { descriptionHash } from "../../scripts/lib/council";
import { deploySystem } from "../../scripts/lib/deploy";
import { defaultPolicy } from "../../scripts/lib/policy";
import { recordDeployment, writeDeployment, type Deployment } from "../../scripts/lib/deployments";
import { ROOT, freePort } from "../tasks/helpers";

const HARDHAT_CLI = path.join(ROOT, "node_modules", "hardhat", "internal", "cli", "bootstrap.js");

/** Waits until `check` returns a truthy value (polling), or fails with `what`. */
export async function waitFor<T>(
  what: string,
  check: () => T | Promise<T>,
  timeoutMs = 30_000,
  context?: () => string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${context ? `\n${context()}` : ""}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export { rpc, startNode, stopChild, type NodeProcess } from "../helpers/node";

const MNEMONIC = Mnemonic.fromPhrase("test test test test test test test test test test test junk");
/** The node's funded account `i` (Hardhat's and anvil's default mnemonic), with its key. */
export const nodeKey = (i: number) => HDNodeWallet.fromMnemonic(MNEMONIC, `m/44'/60'/0'/0/${i}`);

/** The seats of deployToNode: accounts 1..5. */
export const SEATS = [1, 2, 3, 4, 5];

/**
 * Deploys a council to the node at `url` from this process through the one deployment path (a child `hedge:deploy`
 * would cost another Hardhat start-up) and writes the record as hedge:deploy does, to `<dir>/remote.json`.
 */
export async function deployToNode(
  url: string,
  dir: string,
): Promise<{ provider: JsonRpcProvider; deployment: Deployment }> {
  const provider = new JsonRpcProvider(url, 31337, { staticNetwork: true, pollingInterval: 100 });
  const from = await provider.getSigner(0);
  const seats = SEATS.map((i) => nodeKey(i).address);
  const system = await deploySystem(from, { seats });
  const nodeHre = { ethers: { provider }, network: { name: "remote" } } as unknown as HardhatRuntimeEnvironment;
  const deployment = await recordDeployment(nodeHre, system, from.address, seats);
  writeDeployment(path.join(dir, "remote.json"), deployment);
  return { provider, deployment };
}

/**
 * A setPolicy proposal by `proposer` with `coverageBps` (above 2,500 it tightens: Standard; below, it loosens:
 * Critical), described by `description`; waits for it to be mined and returns its id.
 */
export async function proposeCoverage(
  deployment: Deployment,
  proposer: Signer,
  coverageBps: number,
  description: string,
): Promise<string> {
  const next = defaultPolicy();
  next.coverageBps = coverageBps;
  const data = HedgePolicy__factory.createInterface().encodeFunctionData("setPolicy", [next, 1]);
  const targets = [deployment.contracts.policy.address];
  const c = HedgeCouncil__factory.connect(deployment.contracts.council.address, proposer);
  const id = await c.hashProposal(targets, [0], [data], descriptionHash(description));
  await (await c.propose(targets, [0], [data], description)).wait();
  return id;
}

/** A notice as the watcher prints it with --json. */
export interface JsonNotice {
  id: string;
  kind: string;
  severity: string;
  block: number;
  blockHash: string;
  seat?: string;
  proposalId?: string;
  message: string;
  details?: Record<string, unknown>;
}

/** The notices a watcher started with --json printed so far. */
export const noticesOf = (w: WatcherProcess): JsonNotice[] =>
  w.stdout.filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as JsonNotice);

// ------------------------------------------------------------------------------------------------ the RPC proxy

export type ProxyMode =
  | "pass" // forward everything
  | "refuse" // close every connection at once, as a node that is down
  | "faulty"; // forward most requests, fail the others (HTTP 500, JSON-RPC error, timeout, dropped response)

export interface Proxy {
  url: string;
  mode: ProxyMode;
  /** Methods whose first response after being listed is dropped after forwarding (the node did the work). */
  dropOnce: Set<string>;
  faults: { refused: number; http500: number; rpcError: number; timeout: number; dropped: number };
  forwarded: number;
  close(): Promise<void>;
}

/** A JSON-RPC proxy in front of `target` that injects faults on demand. */
export async function startProxy(target: string): Promise<Proxy> {
  const port = await freePort();
  const sockets = new Set<net.Socket>();
  let n = 0;
  const proxy: Proxy = {
    url: `http://127.0.0.1:${port}`,
    mode: "pass",
    dropOnce: new Set(),
    faults: { refused: 0, http500: 0, rpcError: 0, timeout: 0, dropped: 0 },
    forwarded: 0,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString();
    if (proxy.mode === "refuse") {
      proxy.faults.refused++;
      req.socket.destroy();
      return;
    }
    let method = "";
    try {
      method = (JSON.parse(body) as { method: string }).method;
    } catch {
      // not JSON: forwarded as is
    }
    if (proxy.mode === "faulty" && n++ % 6 === 5) {
      // One request in six fails, in turn: HTTP 500, a JSON-RPC error, no answer at all.
      const kind = Math.floor(n / 6) % 3;
      if (kind === 0) {
        proxy.faults.http500++;
        res.writeHead(500).end("injected failure");
        return;
      }
      if (kind === 1) {
        proxy.faults.rpcError++;
        res.writeHead(200, { "content-type": "application/json" });
        res.end(
          JSON.stringify({ jsonrpc: "2.0", id: 1, error: { code: -32005, message: "injected: limit exceeded" } }),
        );
        return;
      }
      proxy.faults.timeout++;
      return; // never answered: the client's timeout gives up (the socket is destroyed on close)
    }
    const forwarded = await fetch(target, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    }).then(
      (r) => r.text(),
      () => null,
    );
    proxy.forwarded++;
    if (forwarded === null) {
      req.socket.destroy();
      return;
    }
    if (proxy.dropOnce.delete(method)) {
      proxy.faults.dropped++;
      req.socket.destroy(); // the node did it, the client never hears
      return;
    }
    res.writeHead(200, { "content-type": "application/json" });
    res.end(forwarded);
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
    if (proxy.mode === "refuse") {
      proxy.faults.refused++;
      s.destroy();
    }
  });
  await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
  return proxy;
}

// ------------------------------------------------------------------------------------------------ the webhook

export interface Receiver {
  url: string;
  /** While true, every POST is answered 500 and not recorded as delivered. */
  failing: boolean;
  refusedCount: number;
  /** Every notice accepted (2xx), in order, with the Idempotency-Key header it came with. */
  accepted: { id: string; key: string; body: Record<string, unknown> }[];
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const port = await freePort();
  const sockets = new Set<net.Socket>();
  const receiver: Receiver = {
    url: `http://127.0.0.1:${port}/hook`,
    failing: false,
    refusedCount: 0,
    accepted: [],
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (receiver.failing) {
      receiver.refusedCount++;
      res.writeHead(500).end("down for maintenance");
      return;
    }
    const body = JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown>;
    receiver.accepted.push({ id: String(body.id), key: String(req.headers["idempotency-key"]), body });
    res.writeHead(204).end();
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
  return receiver;
}

// ------------------------------------------------------------------------------------------------ the watcher

export interface WatcherProcess {
  child: ChildProcess;
  stdout: string[];
  stderr: string[];
  exited: Promise<number | null>;
  /** Sends `signal` and resolves with the exit code and how long the process took to exit. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; ms: number }>;
}

/** Runs `hardhat <args>` (e.g. hedge:watch …) as a child process, collecting its lines. */
export function startCli(args: string[], env: Record<string, string | undefined>): WatcherProcess {
  const child = spawn(process.execPath, [HARDHAT_CLI, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env, HARDHAT_NETWORK: undefined, FORCE_COLOR: "0" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  const lines = (into: string[]) => {
    let rest = "";
    return (d: Buffer) => {
      rest += d.toString();
      const parts = rest.split("\n");
      rest = parts.pop() ?? "";
      into.push(...parts.filter((l) => l.trim() !== ""));
    };
  };
  child.stdout!.on("data", lines(stdout));
  child.stderr!.on("data", lines(stderr));
  // "close", not "exit": every line the child wrote has been read by then.
  const exited = new Promise<number | null>((r) => child.once("close", (code) => r(code)));
  return {
    child,
    stdout,
    stderr,
    exited,
    stop: async (signal = "SIGTERM") => {
      if (child.exitCode !== null || child.signalCode !== null) return { code: child.exitCode, ms: 0 };
      const started = Date.now();
      process.kill(child.pid!, signal);
      const code = await exited;
      return { code, ms: Date.now() - started };
    },
  };
}

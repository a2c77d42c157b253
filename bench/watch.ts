// `npm run bench:watch`: how long hedge:watch takes to handle one block once the council has a long history, and
// whether its memory stays flat over a long run.
//
// On the in-process network: builds a history of 1,000 proposals (Fast coverage nudges relayed with `submit`, every
// tenth a Critical settings change through the timelock, 25 transactions per block, as `npm run bench:audit` does)
// plus a few open proposals, starts the watcher (its start-up audit replays the whole history), then:
// 1. one block at a time, each holding one `submit` (a nudge: 6 events) or one approval of an open proposal: the
//    watcher's poll of that block is timed (events fetched, replayed by the audit's rules, notices decided; then the
//    live state read and compared with the replay, as it is at every new head);
// 2. 10,000 blocks, one poll each, with a VIX update every 10 blocks and a nudge every 100: the JS heap after a full
//    garbage collection is sampled every 1,000 blocks.
// Both are printed as tables. Environment (optional): WATCH_BENCH_PROPOSALS (default 1000), WATCH_BENCH_SAMPLES
// (timed blocks, default 40), WATCH_BENCH_BLOCKS (default 10000).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import v8 from "node:v8";
import vm from "node:vm";

import hre from "hardhat";
import { HDNodeWallet, type Wallet } from "ethers";

import { descriptionHash, proposalId } from "../scripts/lib/council";
import { deploySystem, DAY, vixToAnswer } from "../scripts/lib/deploy";
import { recordDeployment } from "../scripts/lib/deployments";
import { DEFAULT_VALID_FOR_SECONDS, approvalDigest } from "../scripts/lib/signing";
import { RetryingRpc } from "../scripts/lib/watch/rpc";
import { Watcher } from "../scripts/lib/watch/watcher";
import { printTable } from "./lib/table";

const env = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);
const PROPOSALS = env("WATCH_BENCH_PROPOSALS", 1_000);
const SAMPLES = env("WATCH_BENCH_SAMPLES", 40);
const BLOCKS = env("WATCH_BENCH_BLOCKS", 10_000);
// The watcher stays this many blocks behind the head, as on a public chain (the default there).
const CONFIRMATIONS = env("WATCH_BENCH_CONFIRMATIONS", 3);
const PER_BLOCK = 25;
const CRITICAL_EVERY = 10;
const OPEN = 8;

v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;
const provider = hre.network.provider;
const send = (method: string, params: unknown[] = []) => provider.request({ method, params });
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;

function wallets(count: number): Wallet[] {
  const accounts = hre.config.networks.hardhat.accounts as { mnemonic: string; path: string; passphrase: string };
  return Array.from({ length: count }, (_, i) =>
    HDNodeWallet.fromPhrase(accounts.mnemonic, accounts.passphrase, `${accounts.path}/${i}`),
  ) as unknown as Wallet[];
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

async function main() {
  if (hre.network.name !== "hardhat") throw new Error("run the benchmark on the in-process network");
  const [deployer, ...rest] = await hre.ethers.getSigners();
  const holders = rest.slice(0, 5);
  const relayer = rest[5].address;
  const keys = wallets(6).slice(1);
  const system = await deploySystem(deployer, { seats: holders.map((h) => h.address) });
  const deployment = await recordDeployment(
    hre,
    system,
    deployer.address,
    holders.map((h) => h.address),
  );
  const { council, policy, oracle } = system;
  const councilAddress = await council.getAddress();
  const policyAddress = await policy.getAddress();
  const chainId = (await hre.ethers.provider.getNetwork()).chainId;
  const idOf = (targets: string[], calldatas: string[], description: string) =>
    proposalId(
      targets,
      targets.map(() => 0n),
      calldatas,
      descriptionHash(description),
    );
  /** `submit` calldata signed by the first `n` seats (keys[i] holds seat i + 1), valid the default 7 days. */
  const submitData = async (targets: string[], calldatas: string[], description: string, n: number) => {
    const proposal = idOf(targets, calldatas, description);
    const latest = await hre.ethers.provider.getBlock("latest");
    const validUntil = BigInt(latest!.timestamp + DEFAULT_VALID_FOR_SECONDS);
    const signatures = keys.slice(0, n).map((w, i) => {
      const seatId = BigInt(i + 1);
      const digest = approvalDigest(chainId, councilAddress, { proposalId: proposal, seatId, validUntil });
      return { seatId, validUntil, signature: w.signingKey.sign(digest).serialized };
    });
    return council.interface.encodeFunctionData("submit", [
      targets,
      targets.map(() => 0n),
      calldatas,
      description,
      signatures,
    ]);
  };
  const executeData = (targets: string[], calldatas: string[], description: string) =>
    council.interface.encodeFunctionData("execute", [
      targets,
      targets.map(() => 0n),
      calldatas,
      descriptionHash(description),
    ]);
  const tx = (data: string, from = relayer, to = councilAddress) =>
    send("eth_sendTransaction", [{ from, to, data, gas: "0x7a120" }]);

  // ---- the history: the nudge cooldown set to 0 by governance, then PROPOSALS proposals, PER_BLOCK per block
  const started = Date.now();
  const limits = [policyAddress];
  const limitsData = [policy.interface.encodeFunctionData("setNudgeLimits", [1_000, 0])];
  await tx(await submitData(limits, limitsData, "limits: nudge cooldown 0", 4));
  await send("evm_increaseTime", [3 * DAY]);
  await tx(executeData(limits, limitsData, "limits: nudge cooldown 0"));
  await send("evm_setAutomine", [false]);
  let nonce = Number(await send("eth_getTransactionCount", [relayer, "latest"]));
  let inBlock = 0;
  const push = async (data: string) => {
    await send("eth_sendTransaction", [
      { from: relayer, to: councilAddress, data, gas: "0x7a120", nonce: `0x${(nonce++).toString(16)}` },
    ]);
    if (++inBlock >= PER_BLOCK) {
      await send("evm_mine");
      inBlock = 0;
    }
  };
  const expiryCall = [council.interface.encodeFunctionData("setExpiry", [7 * DAY, 14 * DAY])];
  const queued: string[] = [];
  let coverage = 2_500;
  const nudgeCall = () => {
    coverage = coverage === 2_500 ? 2_600 : 2_500;
    return [policy.interface.encodeFunctionData("nudgeCoverage", [coverage])];
  };
  for (let i = 1; i < PROPOSALS; i++) {
    const description = `bench ${i}`;
    if (i % CRITICAL_EVERY === 0) {
      await push(await submitData([councilAddress], expiryCall, description, 4));
      queued.push(description);
    } else {
      await push(await submitData([policyAddress], nudgeCall(), description, 2));
    }
  }
  await send("evm_mine");
  await send("evm_increaseTime", [3 * DAY]);
  inBlock = 0;
  for (const description of queued) await push(executeData([councilAddress], expiryCall, description));
  await send("evm_mine");
  await send("evm_setAutomine", [true]);
  // A few open proposals (Standard, one approval each), so the watcher has seats to tell.
  const open: string[] = [];
  for (let i = 0; i < OPEN; i++) {
    const description = `open ${i}: keep the veto threshold at 2`;
    const data = [council.interface.encodeFunctionData("setVetoThreshold", [2])];
    open.push(idOf([councilAddress], data, description));
    await council.connect(holders[0]).propose([councilAddress], [0], data, description);
  }
  await oracle.updateAnswer(vixToAnswer(1_600));
  const built = (Date.now() - started) / 1000;
  console.log(`built ${PROPOSALS} proposals (+${OPEN} open) in ${built.toFixed(0)} s`);

  // ---- the watcher, on the in-process node
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hedge-bench-watch-"));
  const controller = new AbortController();
  let lines = 0;
  const watcher = new Watcher({
    rpc: new RetryingRpc(provider, { signal: controller.signal }),
    deployment,
    network: hre.network.name,
    checkpointFile: path.join(dir, "checkpoint.json"),
    json: true,
    pollMs: 0,
    confirmations: CONFIRMATIONS,
    signal: controller.signal,
    out: () => lines++,
    status: () => undefined,
  });
  let t = performance.now();
  await watcher.start();
  const startup = (performance.now() - t) / 1000;
  console.log(`watcher started (start-up audit of the history) in ${startup.toFixed(1)} s; ${lines} notices`);

  // ---- 1. one block's events, timed
  const samples: { poll: number; events: number; live: number; count: number }[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    if (i % 2 === 0) {
      await tx(await submitData([policyAddress], nudgeCall(), `sample ${i}`, 2));
    } else {
      await council
        .connect(holders[1 + ((i >> 1) % 3)])
        .approve(open[(i >> 1) % OPEN])
        .catch(() => undefined);
    }
    t = performance.now();
    const handled = await watcher.poll();
    const poll = performance.now() - t;
    const last = watcher.timings.at(-1)!;
    if (handled > 0) samples.push({ poll, events: last.eventsMs, live: last.liveMs, count: last.events });
  }
  const col = (f: (s: (typeof samples)[number]) => number) => samples.map(f);
  const row = (label: string, values: number[]) => [
    label,
    quantile(values, 0.5).toFixed(1),
    quantile(values, 0.95).toFixed(1),
    Math.max(...values).toFixed(1),
  ];
  console.log(
    `\nOne block at ${PROPOSALS.toLocaleString("en-US")} proposals of history (${samples.length} blocks, ${quantile(
      col((s) => s.count),
      0.5,
    )} events per block at the median), milliseconds:\n`,
  );
  printTable([
    ["step", "median", "p95", "max"],
    row(
      "events: fetched, replayed by the audit's rules, notices decided",
      col((s) => s.events),
    ),
    row(
      "live state read and compared with the replay",
      col((s) => s.live),
    ),
    row(
      "the whole poll (head, events, live state, checkpoint written)",
      col((s) => s.poll),
    ),
  ]);

  // ---- 2. memory over BLOCKS blocks
  const memory: string[][] = [];
  gc();
  const base = process.memoryUsage().heapUsed;
  t = performance.now();
  let blockStart = performance.now();
  for (let b = 1; b <= BLOCKS; b++) {
    if (b % 10 === 0) await oracle.updateAnswer(vixToAnswer(1_500 + (b % 200)));
    else if (b % 100 === 1) await tx(await submitData([policyAddress], nudgeCall(), `run ${b}`, 2));
    else await send("evm_mine");
    await watcher.poll();
    if (b % 1_000 === 0) {
      gc();
      const heap = process.memoryUsage().heapUsed;
      const ms = (performance.now() - blockStart) / 1_000;
      memory.push([b.toLocaleString("en-US"), mb(heap), mb(heap - base), ms.toFixed(1)]);
      console.log(`  ${b} blocks: heap ${mb(heap)}`);
      blockStart = performance.now();
    }
  }
  const seconds = (performance.now() - t) / 1000;
  console.log(
    `\nMemory over ${BLOCKS.toLocaleString("en-US")} blocks, one poll each (${seconds.toFixed(0)} s; heap after a full GC):\n`,
  );
  printTable([["blocks", "heap", "vs. start", "ms per block (its mining included)"], ...memory]);
  const cp = watcher.checkpoint;
  console.log(
    `\ncheckpoint: ${fs.statSync(path.join(dir, "checkpoint.json")).size} bytes, ${cp.told.length} conditions, ${cp.findings.length} findings; ${lines} notices printed`,
  );
  controller.abort();
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});

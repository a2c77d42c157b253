// `npm run bench:audit`: how fast hedge:audit replays a long history, and whether it grows linearly.
//
// Builds, on the in-process network, a history of 10,000 proposals (90 % Fast coverage nudges alternating 25 % <->
// 26 % after a governance proposal sets the nudge cooldown to 0; 10 % Critical settings changes that go through the
// timelock), each submitted with its seats' signatures (rules v3: each names its seat and a deadline) and its own
// description (on chain, in ProposalCreated: the same calls come back with another text), several proposals per
// block with automine off, and audits it from scratch at 2,500, 5,000, 7,500 and 10,000 proposals. Prints events per second, the JS heap (process.memoryUsage().heapUsed) at its peak while the
// audit runs and that peak above the heap before it (garbage not yet collected included), and the size of the JSON
// report: what the audit keeps is one summary per proposal, policy version and change, never raw logs.
//
// Environment (all optional): AUDIT_BENCH_PROPOSALS (default 10000), AUDIT_BENCH_STEPS (audits along the way,
// default 4), AUDIT_BENCH_PER_BLOCK (transactions per block, default 25), AUDIT_BENCH_CHUNK (blocks per eth_getLogs,
// default 100), AUDIT_BENCH_HTML (write the last audit's HTML report to this file, and time its rendering).
import v8 from "node:v8";
import vm from "node:vm";

import hre from "hardhat";
import { HDNodeWallet, type Wallet } from "ethers";

import { writeFileSync } from "node:fs";

import { runAudit, type AuditReport } from "../scripts/lib/audit";
import { descriptionHash, encode, proposalId } from "../scripts/lib/council";
import { htmlReport } from "../scripts/lib/audit/report/html";
import { deploySystem, DAY } from "../scripts/lib/deploy";
import { recordDeployment } from "../scripts/lib/deployments";
import { approvalDigest } from "../scripts/lib/signing";
import { printTable } from "./lib/table";

const env = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);
const TOTAL = env("AUDIT_BENCH_PROPOSALS", 10_000);
const STEPS = env("AUDIT_BENCH_STEPS", 4);
const PER_BLOCK = env("AUDIT_BENCH_PER_BLOCK", 25);
const CHUNK = env("AUDIT_BENCH_CHUNK", 100);
const CRITICAL_EVERY = 10;

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;
const rpc = hre.network.provider;

/** A full garbage collection before each audit, so that its baseline holds no garbage of the previous steps. */
v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;
const send = (method: string, params: unknown[] = []) => rpc.request({ method, params });

/** The node's first accounts as wallets (to sign approval digests without a round trip per signature). */
function wallets(count: number): Wallet[] {
  const accounts = hre.config.networks.hardhat.accounts as { mnemonic: string; path: string; passphrase: string };
  return Array.from({ length: count }, (_, i) =>
    HDNodeWallet.fromPhrase(accounts.mnemonic, accounts.passphrase, `${accounts.path}/${i}`),
  ) as unknown as Wallet[];
}

async function main() {
  if (hre.network.name !== "hardhat")
    throw new Error("run the benchmark on the in-process network (--network hardhat)");
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
  const { council, policy } = system;
  const councilAddress = await council.getAddress();
  const policyAddress = await policy.getAddress();
  const chainId = (await hre.ethers.provider.getNetwork()).chainId;
  // Holder i (account i + 1) holds seat i + 1. Every signature is valid for a year: the history spans a few weeks.
  const validUntil = BigInt((await hre.ethers.provider.getBlock("latest"))!.timestamp + 365 * DAY);
  const sign = (proposalId: string, n: number) =>
    keys.slice(0, n).map((w, i) => {
      const seatId = BigInt(i + 1);
      const digest = approvalDigest(chainId, councilAddress, { proposalId, seatId, validUntil });
      return { seatId, validUntil, signature: w.signingKey.sign(digest).serialized };
    });
  const submitData = (targets: string[], calldatas: string[], description: string, n: number) => {
    const values = targets.map(() => 0n);
    const signatures = sign(proposalId(targets, values, calldatas, descriptionHash(description)), n);
    return council.interface.encodeFunctionData("submit", [targets, values, calldatas, description, signatures]);
  };
  const executeData = (targets: string[], calldatas: string[], description: string) =>
    council.interface.encodeFunctionData("execute", [
      targets,
      targets.map(() => 0n),
      calldatas,
      descriptionHash(description),
    ]);

  // 1. Governance sets the nudge cooldown to 0 (Critical: 4 signatures, 3 days), so nudges can follow each other.
  const limits = [policyAddress];
  const limitsData = [encode.setNudgeLimits(1_000, 0)];
  const limitsText = "Nudge limits for the benchmark: 10 %, no cooldown";
  await send("eth_sendTransaction", [
    { from: relayer, to: councilAddress, data: submitData(limits, limitsData, limitsText, 4) },
  ]);
  await send("evm_increaseTime", [3 * DAY]);
  await send("eth_sendTransaction", [
    { from: relayer, to: councilAddress, data: executeData(limits, limitsData, limitsText) },
  ]);

  // 2. The history, built in steps; each step is audited from scratch.
  await send("evm_setAutomine", [false]);
  let nonce = Number(await send("eth_getTransactionCount", [relayer, "latest"]));
  let built = 0;
  let coverage = 2_500;
  const rows: string[][] = [];
  const expiryCall = [encode.setExpiry(7 * DAY, 14 * DAY)];
  const buildStarted = Date.now();
  for (let step = 1; step <= STEPS; step++) {
    const target = Math.round((TOTAL * step) / STEPS);
    const queued: string[] = [];
    let inBlock = 0;
    const mine = async () => {
      await send("evm_mine");
      inBlock = 0;
    };
    const push = async (data: string) => {
      await send("eth_sendTransaction", [
        { from: relayer, to: councilAddress, data, gas: "0x7a120", nonce: `0x${(nonce++).toString(16)}` },
      ]);
      if (++inBlock >= PER_BLOCK) await mine();
    };
    for (; built < target; built++) {
      if (built % CRITICAL_EVERY === CRITICAL_EVERY - 1) {
        const description = `Benchmark proposal ${built}: proposals expire after 7 days, 14 days of grace`;
        await push(submitData([councilAddress], expiryCall, description, 4));
        queued.push(description);
      } else {
        coverage = coverage === 2_500 ? 2_600 : 2_500;
        const description = `Benchmark proposal ${built}: coverage to ${(coverage / 100).toFixed(2)} %`;
        await push(submitData([policyAddress], [encode.nudgeCoverage(coverage)], description, 2));
      }
    }
    await mine();
    await send("evm_increaseTime", [3 * DAY]);
    for (const description of queued) await push(executeData([councilAddress], expiryCall, description));
    await mine();
    // Nudges keep the version (it counts approved policies); the coverage is the last nudge's.
    const [version, live] = [Number(await policy.version()), Number((await policy.policy()).coverageBps)];
    if (version !== 1 || live !== coverage) {
      throw new Error(
        `a nudge failed: version ${version}, coverage ${live} (expected version 1, coverage ${coverage})`,
      );
    }
    const buildSeconds = (Date.now() - buildStarted) / 1000;

    // The audit, with the heap sampled while it runs.
    gc();
    const before = process.memoryUsage().heapUsed;
    let peak = before;
    const sample = () => {
      peak = Math.max(peak, process.memoryUsage().heapUsed);
    };
    const timer = setInterval(sample, 5);
    const started = performance.now();
    const report: AuditReport = await runAudit({
      rpc,
      deployment,
      network: hre.network.name,
      chunkSize: CHUNK,
      progress: sample,
    });
    const seconds = (performance.now() - started) / 1000;
    clearInterval(timer);
    sample();
    if (report.findings.length > 0)
      throw new Error(`the audit found ${report.findings.length} findings: ${report.findings[0].message}`);
    if (report.proposals.length !== built + 1)
      throw new Error(`the audit saw ${report.proposals.length} proposals, expected ${built + 1}`);
    rows.push([
      fmt(report.proposals.length),
      fmt(report.stats.events),
      fmt(report.range.toBlock - report.range.fromBlock + 1),
      seconds.toFixed(2),
      fmt(report.stats.events / seconds),
      ((seconds * 1000) / report.proposals.length).toFixed(3),
      mb(peak),
      mb(peak - before),
      mb(JSON.stringify(report).length),
      `${buildSeconds.toFixed(0)} s`,
    ]);
    console.log(`audited ${fmt(report.proposals.length)} proposals in ${seconds.toFixed(2)} s`);
    if (step === STEPS && process.env.AUDIT_BENCH_HTML) {
      const t = performance.now();
      const html = htmlReport(report);
      writeFileSync(process.env.AUDIT_BENCH_HTML, html);
      console.log(
        `wrote ${process.env.AUDIT_BENCH_HTML} (${mb(html.length)}) in ${((performance.now() - t) / 1000).toFixed(2)} s`,
      );
    }
  }
  await send("evm_setAutomine", [true]);

  console.log(
    `\nhedge:audit on the in-process network: ${PER_BLOCK} transactions per block, eth_getLogs chunks of ${CHUNK} blocks\n`,
  );
  printTable([
    [
      "proposals",
      "events",
      "blocks",
      "audit s",
      "events/s",
      "ms/proposal",
      "peak heap",
      "peak growth",
      "JSON report",
      "built after",
    ],
    ...rows,
  ]);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});

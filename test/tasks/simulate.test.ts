// hedge:simulate and the simulation line of hedge:sign: against a real `hardhat node` (child processes, --network
// localhost), a proposal is run to its end on an in-process fork and the node's state is checked unchanged; on the
// in-process network, between a snapshot and its revert, the chain (and its clock) are checked unchanged too.
import type { ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

import { expect } from "chai";
import { JsonRpcProvider, id as keccakText } from "ethers";
import hre from "hardhat";

import type { Deployment } from "../../scripts/lib/deployments";
import type { ProposeResult } from "../../scripts/commands/propose";
import type { Simulation } from "../../scripts/lib/simulate";
import { HedgeCouncil__factory, HedgePolicy__factory, MockV3Aggregator__factory } from "../../typechain-types";
import { rpc as rpcAt, startNode, stopChild } from "../helpers/node";
import {
  chainFingerprint,
  deployFresh,
  hardhatCli,
  runOk,
  runTask,
  tempDir,
  useTaskSandbox,
  type CliRun,
} from "./helpers";

describe("hedge:simulate against `hardhat node` (child processes, --network localhost)", function () {
  this.timeout(300_000);
  let node: ChildProcess | undefined;
  let url = "";
  let deployment: Deployment;
  const dir = tempDir("simulate");
  const cli = (args: string[]) =>
    hardhatCli([...args, "--network", "localhost"], { HEDGE_LOCALHOST_URL: url, HEDGE_DEPLOYMENTS_DIR: dir }, 120_000);
  const rpc = <T>(method: string, params: unknown[] = []) => rpcAt<T>(url, method, params);
  const provider = () => new JsonRpcProvider(url, undefined, { cacheTimeout: -1 });
  const council = async (account = 0) =>
    HedgeCouncil__factory.connect(deployment.contracts.council.address, await provider().getSigner(account));

  /**
   * The node's state a simulation must leave untouched: the latest block (its hash covers the state root and the
   * time), the nonces and balances of the node's accounts and of the system's contracts, the policy's hash and the
   * council's view of every proposal created so far.
   */
  async function fingerprint(ids: string[]): Promise<string> {
    const accounts = [...(await rpc<string[]>("eth_accounts")).slice(0, 10), deployment.contracts.timelock.address];
    const latest = await rpc<{ hash: string }>("eth_getBlockByNumber", ["latest", false]);
    const perAccount = await Promise.all(
      accounts.map(
        async (a) =>
          `${await rpc("eth_getTransactionCount", [a, "latest"])}/${await rpc("eth_getBalance", [a, "latest"])}`,
      ),
    );
    const policy = HedgePolicy__factory.connect(deployment.contracts.policy.address, provider());
    const c = await council();
    const proposals = await Promise.all(ids.map(async (id) => `${await c.state(id)}/${await c.approvalCount(id)}`));
    return [latest.hash, ...perAccount, await policy.policyHash(), ...proposals].join(",");
  }

  function exitedWith(run: CliRun, code: number, what: string): string {
    expect(run.code, `${what}: exit ${run.code}\n${run.stdout}\n${run.stderr}`).to.equal(code);
    return run.stdout;
  }

  async function propose(kind: string, set: string): Promise<string> {
    const out = exitedWith(await cli(["hedge:propose", kind, "--set", set, "--from", "1"]), 0, "hedge:propose");
    return /Id: (0x[0-9a-f]{64})/.exec(out)![1];
  }

  let standard = "";

  before(async () => {
    const started = await startNode();
    node = started.child;
    url = started.url;
    // 5 seats, thresholds Fast 2, Standard 2, Critical 3, veto 1.
    exitedWith(await cli(["hedge:deploy", "--thresholds", "2,2,3,1", "--quiet"]), 0, "hedge:deploy");
    deployment = JSON.parse(fs.readFileSync(path.join(dir, "localhost.json"), "utf8")) as Deployment;
    // VIX 21: layer 0 (trigger 20) engaged, layer 1 (trigger 28) not.
    const oracle = MockV3Aggregator__factory.connect(
      deployment.contracts.oracle.address,
      await provider().getSigner(0),
    );
    await (await oracle.updateAnswer(21n * 10n ** 8n)).wait();
    const policy = HedgePolicy__factory.connect(deployment.contracts.policy.address, await provider().getSigner(0));
    await (await policy.syncLayers()).wait();
  });

  after(async () => {
    if (node) await stopChild(node, "SIGTERM");
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("runs a Standard proposal to its end on a fork: steps with gas, the policy diff, the layers, the audit; the node is unchanged", async () => {
    // Layer 1's trigger down to VIX 20.50 (a tightening: Standard): at VIX 21 it engages once executed.
    standard = await propose("policy", "layers.1.triggerVix=2050");
    const before = await fingerprint([standard]);
    const out = exitedWith(await cli(["hedge:simulate", "--id", standard.slice(0, 12)]), 0, "hedge:simulate");

    const block = Number(await rpc<string>("eth_blockNumber"));
    expect(out).to.include(`Simulated on an in-process fork of network "localhost" at block ${block}`);
    const seats = (await rpc<string[]>("eth_accounts")).slice(1, 6).map((a) => a.toLowerCase());
    const step = (name: string) =>
      new RegExp(`^  ${name.replace(/[()]/g, "\\$&")}\\s+(0x[0-9a-fA-F]{40})\\s+([\\d,]+)$`, "m");
    // Seat 1 proposed (its approval counts): seat 2 brings the second approval; seat 1 sends what anyone may.
    expect(step("approve (seat 2)").exec(out)?.[1].toLowerCase()).to.equal(seats[1]);
    expect(out).not.to.match(/approve \(seat 3\)/);
    expect(step("queue").exec(out)?.[1].toLowerCase()).to.equal(seats[0]);
    expect(out).to.match(/^  wait 1 d, until the eta\s+-\s+-$/m);
    const executeGas = Number(step("execute").exec(out)![2].replace(/,/g, ""));
    expect(executeGas).to.be.greaterThan(21_000);
    expect(out).to.include(`Result: executes; execute gas ${executeGas.toLocaleString("en-US")}`);
    expect(out).to.include("Policy version 1 → 2:");
    expect(out).to.match(/layers\.1\.triggerVix\s+2,800 \(VIX 28\.00\)\s+2,050 \(VIX 20\.50\)\s+tightens/);
    expect(out).to.include("Layers engaged at VIX 21.00: 1 (layer 0) → 2 (layers 0, 1).");
    expect(out).to.include("Audit of the simulated chain after execution: no finding.");

    expect(await fingerprint([standard]), "the simulation changed the node").to.equal(before);
  });

  it("runs a Fast nudge without the timelock: one approval, then execute", async () => {
    const nudge = await propose("nudge", "coverageBps=2700");
    const before = await fingerprint([standard, nudge]);
    const out = exitedWith(await cli(["hedge:simulate", "--id", nudge, "--no-audit"]), 0, "hedge:simulate");
    expect(out).to.match(/^  approve \(seat 2\)\s+0x[0-9a-fA-F]{40}\s+[\d,]+$/m);
    expect(out).to.match(/^  execute\s+0x[0-9a-fA-F]{40}\s+[\d,]+$/m);
    expect(out).not.to.match(/^  (queue|wait)/m);
    expect(out).to.include("Result: executes;");
    expect(out).to.include("Policy version 1 → 1:");
    expect(out).to.match(/coverageBps\s+2,500 \(25\.00 %\)\s+2,700 \(27\.00 %\)\s+tightens/);
    expect(out).to.include("Layers engaged at VIX 21.00: 1 (layer 0) → 1 (layer 0).");
    expect(out).to.include("Audit: not run (--no-audit)");
    expect(await fingerprint([standard, nudge]), "the simulation changed the node").to.equal(before);
  });

  it("reports where and why execute reverts (exit 1) once the policy moved on, and hedge:sign says it in one line", async () => {
    expect(standard, "needs the proposal of the first test").not.to.equal("");
    // Another change for version 1 executes on the node first: the first proposal is outdated.
    const other = await propose("policy", "coverageBps=3000");
    await (await (await council(2)).approve(other)).wait();
    const c = await council(0);
    const p = (await c.queryFilter(c.filters.ProposalCreated(other)))[0].args;
    // ProposalCreated carries the description; queue and execute take its keccak256.
    const hashed: [string[], bigint[], string[], string] = [[...p[3]], [...p[4]], [...p[5]], keccakText(p[6])];
    await (await c.queue(...hashed)).wait();
    await rpc("evm_increaseTime", [86_400]);
    await rpc("evm_mine");
    await (await c.execute(...hashed)).wait();

    const before = await fingerprint([standard, other]);
    const out = exitedWith(await cli(["hedge:simulate", "--id", standard]), 1, "hedge:simulate");
    expect(out).to.match(/^  approve \(seat 2\)\s+0x/m);
    expect(out).to.match(/^  queue\s+0x/m);
    expect(out).not.to.match(/^  execute\s+0x/m);
    expect(out).to.include(
      "Result: execute reverts in call 0 (HedgePolicy.setPolicy(next, expectedVersion 1)): the change was built against policy version 1, but the policy is now at version 2; propose it again",
    );
    expect(out).to.include("Policy version 2 → 2:");
    expect(out).to.include("Audit: not run (nothing executed).");

    const file = path.join(dir, "outdated.json");
    const signed = exitedWith(
      await cli(["hedge:sign", "--id", standard, "--from", "3", "--out", file, "--allow-outdated"]),
      0,
      "hedge:sign",
    );
    expect(signed).to.include(
      "simulation: execute reverts in call 0 (HedgePolicy.setPolicy(next, expectedVersion 1)): the change was built against policy version 1",
    );
    expect(fs.existsSync(file), "hedge:sign still signs").to.equal(true);
    expect(await fingerprint([standard, other]), "simulate or sign changed the node").to.equal(before);
  });

  it("refuses a bad --id with one error line, exit 2 and nothing sent", async () => {
    const before = await fingerprint([standard]);
    const runs = await Promise.all([
      cli(["hedge:simulate", "--id", "nonsense"]),
      cli(["hedge:simulate", "--id", "0xdeadbeef00"]),
    ]);
    const messages = [
      /^error: --id nonsense: not a proposal id \(0x followed by 64 hex digits, or a unique prefix of at least 8\)$/,
      /^error: --id 0xdeadbeef00: no such proposal on this council \(chain 31337\), and no signatures file in \S+ starts with it$/,
    ];
    runs.forEach((run, i) => {
      expect(run.code, `${run.stdout}\n${run.stderr}`).to.equal(2);
      const lines = run.stderr.split("\n").filter(Boolean);
      expect(lines).to.have.length(1);
      expect(lines[0]).to.match(messages[i]);
    });
    expect(await fingerprint([standard]), "a refused simulation changed the node").to.equal(before);
  });
});

describe("hedge:simulate and hedge:sign on the in-process network (snapshot and revert)", function () {
  useTaskSandbox();
  let dir = "";
  before(async () => {
    await deployFresh();
    dir = tempDir("simulate-inprocess");
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** The chain and its clock: the fingerprint of the helpers, the latest block's hash and the next block's time. */
  async function state(): Promise<string> {
    const latest = await hre.ethers.provider.getBlock("latest");
    return `${await chainFingerprint()}:${latest!.hash}`;
  }

  it("simulates a proposal in a snapshot, then leaves the chain and its clock as they were", async () => {
    const { result } = await runOk<ProposeResult>("hedge:propose", {
      kind: "policy",
      set: "coverageBps=3000",
      from: "1",
    });
    const before = await state();
    const run = await runTask<Simulation>("hedge:simulate", { id: result.id, noAudit: false });
    const out = run.out.join("\n");
    expect(run.exitCode, out + run.err.join("\n")).to.equal(0);
    expect(out).to.include("Simulated on the in-process network between a snapshot at block");
    expect(run.result.failure).to.equal(null);
    expect(run.result.policy.after.coverageBps).to.equal(3_000);
    // Default thresholds for 5 seats: Standard needs 3, seat 1 proposed.
    expect(run.result.steps.map((s) => s.action)).to.deep.equal([
      "approve (seat 2)",
      "approve (seat 3)",
      "queue",
      "wait 1 d, until the eta",
      "execute",
    ]);
    expect(run.result.audit).to.deep.equal({ findings: [] });
    expect(await state(), "the snapshot was not reverted").to.equal(before);
    // The clock moved a day on the snapshot; after the revert, the next block comes now, not a day later.
    const latest = (await hre.ethers.provider.getBlock("latest"))!.timestamp;
    await hre.network.provider.request({ method: "evm_mine", params: [] });
    const mined = (await hre.ethers.provider.getBlock("latest"))!.timestamp;
    expect(mined - latest).to.be.lessThan(3_600);

    const file = path.join(dir, "signed.json");
    const signed = await runOk("hedge:sign", { id: result.id, from: "2", out: file });
    expect(signed.out).to.include(
      `simulation: executes; coverageBps 25.00 % → 30.00 %, layers engaged 0 → 0, gas ${fmtGas(run.result)}`,
    );
    const quiet = await runOk("hedge:sign", { id: result.id, from: "3", out: file, noSimulate: true });
    expect(quiet.out.join("\n")).not.to.include("simulation:");
  });
});

/** The execute step's gas as the one-line outcome prints it. */
function fmtGas(sim: Simulation): string {
  return sim.steps.find((s) => s.action === "execute")!.gasUsed!.toLocaleString("en-US");
}

// hedge:watch under faults, against a real `hardhat node` (child processes, --network remote through a fault-injecting
// proxy). One story, in order:
// - the keeper's syncLayers is forwarded but its answer dropped: the same signed transaction is sent again, never a
//   second one (one transaction from the keeper on chain, one sync-sent notice);
// - the webhook receiver fails at first, then recovers: every notice is delivered, exactly once, with its key;
// - the proxy answers HTTP 500, JSON-RPC errors and timeouts for a while, then refuses every connection (the node
//   unreachable) while the chain moves on: the watcher retries with back-off and catches up with nothing missed;
// - a storage edit behind governance's back (hardhat_setStorageAt) is reported at the first block after it;
// - SIGTERM stops the watcher within 2 s; restarted on its checkpoint after more blocks, it resumes: nothing missed,
//   nothing told twice;
// - the node is killed and restarted: `hardhat node` keeps no state, so the restarted node is a different chain. The
//   watcher retries while the node is down, then recognises the new chain as not the checkpoint's and stops with one
//   line and exit status 2. (A restart that keeps the chain cannot be made with Hardhat 2's node, which has no state
//   dump: the proxy's refusal above stands in for "the node is unreachable, then back with the same chain".)
import fs from "node:fs";
import path from "node:path";

import { expect } from "chai";
import type { JsonRpcProvider, JsonRpcSigner } from "ethers";

import { HedgeCouncil__factory, HedgePolicy__factory, MockV3Aggregator__factory } from "../../typechain-types";

import { descriptionHash } from "../../scripts/lib/council";
import type { Deployment } from "../../scripts/lib/deployments";
import { tempDir } from "../tasks/helpers";
import {
  deployToNode,
  nodeKey,
  noticesOf,
  proposeCoverage,
  rpc,
  startCli,
  startNode,
  startProxy,
  startReceiver,
  waitFor,
  type NodeProcess,
  type Proxy,
  type Receiver,
  type WatcherProcess,
} from "./helpers";

const keeper = nodeKey(7);
const notices = noticesOf;

describe("hedge:watch under faults (hardhat node, proxy, webhook)", function () {
  this.timeout(240_000);
  const dir = tempDir("watch");
  const checkpoint = path.join(dir, "checkpoint.json");
  let node: NodeProcess;
  let proxy: Proxy;
  let receiver: Receiver;
  let provider: JsonRpcProvider;
  let deployment: Deployment;
  const running: WatcherProcess[] = [];

  const env = () => ({ HEDGE_RPC_URL: proxy.url, HEDGE_DEPLOYMENTS_DIR: dir, HEDGE_CHAIN_ID: undefined });
  const watch = (extra: string[], privateKey = keeper.privateKey) => {
    const w = startCli(
      [
        "hedge:watch",
        "--network",
        "remote",
        "--json",
        "--checkpoint",
        checkpoint,
        "--webhook",
        "--poll-ms",
        "200",
        "--rpc-timeout-ms",
        "800",
        ...extra,
      ],
      { ...env(), HEDGE_PRIVATE_KEY: privateKey, HEDGE_WEBHOOK_URL: receiver.url },
    );
    running.push(w);
    return w;
  };
  const signer = (i: number): Promise<JsonRpcSigner> => provider.getSigner(i);
  const council = async (i: number) =>
    HedgeCouncil__factory.connect(deployment.contracts.council.address, await signer(i));

  /** A proposal of seat 1 (./helpers proposeCoverage). */
  const propose = async (coverageBps: number, description: string) =>
    proposeCoverage(deployment, await signer(1), coverageBps, description);

  const mine = () => rpc(node.url, "evm_mine");

  before(async function () {
    node = await startNode();
    proxy = await startProxy(node.url);
    receiver = await startReceiver();
    ({ provider, deployment } = await deployToNode(node.url, dir));
  });

  after(async () => {
    for (const w of running) await w.stop("SIGKILL");
    provider?.destroy();
    await proxy?.close();
    await receiver?.close();
    await node?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  let first: WatcherProcess;
  let second: WatcherProcess;
  let p1 = "";
  let p2 = "";
  let editBlock = 0;

  it("keeps the layers in sync: one syncLayers for one change, even when its answer is lost", async () => {
    receiver.failing = true;
    first = watch(["--sync"]);
    await waitFor("the watcher to start", () => first.stderr.some((l) => l.includes("starting at block")), 60_000);
    proxy.dropOnce.add("eth_sendRawTransaction");
    const oracle = MockV3Aggregator__factory.connect(deployment.contracts.oracle.address, await signer(0));
    await (await oracle.updateAnswer(31_50000000n)).wait();
    await waitFor(
      "two layer-engaged notices",
      () => notices(first).filter((n) => n.kind === "layer-engaged").length === 2,
    );
    expect(proxy.faults.dropped).to.equal(1);
    const sent = notices(first).filter((n) => n.kind === "sync-sent");
    expect(sent).to.have.length(1);
    expect(await provider.getTransactionCount(keeper.address)).to.equal(1);
    const policy = HedgePolicy__factory.connect(deployment.contracts.policy.address, provider);
    expect(await policy.engagedLayers()).to.equal(3n);
    // Later blocks with nothing to sync send nothing more.
    await mine();
    await mine();
    await new Promise((r) => setTimeout(r, 800));
    expect(await provider.getTransactionCount(keeper.address)).to.equal(1);
  });

  it("tells each seat what awaits it, and what became executable, through RPC errors and timeouts", async () => {
    expect(receiver.refusedCount, "the webhook was refused while failing").to.be.greaterThan(0);
    // The outage is told with the webhook's scheme and host only: its path is its secret.
    const origin = new URL(receiver.url).origin;
    expect(first.stderr.some((l) => l.includes(`webhook ${origin} refused a notice`))).to.equal(true);
    expect(first.stderr.join("\n")).to.not.include(receiver.url);
    receiver.failing = false;
    p1 = await propose(3_000, "p1: raise the coverage to 30 %");
    await waitFor(
      "awaiting-signature notices for seats 2..5",
      () => notices(first).filter((n) => n.kind === "awaiting-signature" && n.proposalId === p1).length === 4,
    );
    const seats = [2, 3, 4, 5].map((i) => nodeKey(i).address);
    const told = notices(first).filter((n) => n.kind === "awaiting-signature" && n.proposalId === p1);
    expect(told.map((n) => n.seat).sort()).to.deep.equal([...seats].sort());
    // A Standard proposal: no seat is asked to veto it (it cannot be); its description ends each notice.
    for (const n of told) {
      expect(n.message).to.not.match(/veto/);
      expect(n.message).to.match(/; described by its proposer as "p1: raise the coverage to 30 %"$/);
      expect(n.details?.description).to.equal("p1: raise the coverage to 30 %");
    }

    proxy.mode = "faulty";
    await (await (await council(2)).approve(p1)).wait();
    await (await (await council(3)).approve(p1)).wait();
    await waitFor(
      "an executable notice for the approved proposal",
      () => notices(first).some((n) => n.kind === "executable" && n.proposalId === p1),
      30_000,
      () => [...first.stderr.slice(-5), ...first.stdout.slice(-3), JSON.stringify(proxy.faults)].join("\n"),
    );
    proxy.mode = "pass";
    expect(proxy.faults.http500 + proxy.faults.rpcError + proxy.faults.timeout).to.be.greaterThan(2);
    expect(proxy.faults.timeout).to.be.greaterThan(0);
  });

  it("retries while the node is unreachable and catches up with every block it missed", async () => {
    proxy.mode = "refuse";
    const before = Number(await rpc<string>(node.url, "eth_blockNumber"));
    // Critical (it lowers the coverage): only a Critical proposal can be vetoed.
    p2 = await propose(2_000, "p2: lower the coverage to 20 %");
    await (await (await council(2)).veto(p2)).wait();
    await (await (await council(3)).veto(p2)).wait();
    await waitFor("the watcher to report the outage", () => first.stderr.some((l) => /unreachable or failing/.test(l)));
    proxy.mode = "pass";
    await waitFor("the vetoed notice of the proposal made during the outage", () =>
      notices(first).some((n) => n.kind === "vetoed" && n.proposalId === p2),
    );
    await waitFor("the watcher to say the node answers again", () => first.stderr.some((l) => /answers again/.test(l)));
    // The proposal lived and died during the outage: its seats were still told, at the block it was created.
    const awaiting = notices(first).filter((n) => n.kind === "awaiting-signature" && n.proposalId === p2);
    expect(awaiting).to.have.length(4);
    expect(awaiting.every((n) => n.block === before + 1)).to.equal(true);
    // Critical: each seat is told it may veto it instead.
    expect(
      awaiting.every((n) => n.message.includes(`or veto it: 0 of 2 vetoes so far (hedge:veto --id ${p2})`)),
    ).to.equal(true);
  });

  it("reports a storage edit behind governance's back at the first block after it", async () => {
    const policy = deployment.contracts.policy.address;
    const word = BigInt(await rpc<string>(node.url, "eth_getStorageAt", [policy, "0x0", "latest"]));
    const edited = (word & ~(0xffffn << 8n)) | (9_000n << 8n); // coverageBps, bits 8..23 of the Params word
    editBlock = Number(await rpc<string>(node.url, "eth_blockNumber"));
    await rpc(node.url, "hardhat_setStorageAt", [policy, "0x0", `0x${edited.toString(16).padStart(64, "0")}`]);
    await mine();
    const finding = await waitFor("a live-state finding", () =>
      notices(first).find((n) => n.kind === "finding" && /policy\.coverageBps is 90\.00 %/.test(n.message)),
    );
    expect(finding!.severity).to.equal("critical");
    expect(finding!.block).to.equal(editBlock + 1);
    expect(finding!.details?.findingKind).to.equal("live-state-mismatch");
  });

  it("stops within 2 s on SIGTERM and resumes from its checkpoint with nothing missed or repeated", async () => {
    const stopped = await first.stop("SIGTERM");
    expect(stopped.code).to.equal(0);
    expect(stopped.ms).to.be.lessThan(2_000);
    expect(first.stderr.at(-1)).to.match(/stopped \(SIGTERM\) after block \d+/);
    const saved = JSON.parse(fs.readFileSync(checkpoint, "utf8")) as { lastBlock: number };

    // While it is down: the approved proposal is queued, a day passes (the oracle goes stale, the eta comes).
    await (await (await council(0)).queue(...(await callsOf(p1)))).wait();
    await rpc(node.url, "evm_increaseTime", [86_401]);
    await mine();

    second = watch([]);
    await waitFor(
      "the watcher to resume",
      () => second.stderr.some((l) => l.includes(`resuming after block ${saved.lastBlock}`)),
      60_000,
    );
    await waitFor("the executable-now notice of the queued proposal", () =>
      notices(second).some((n) => n.kind === "executable" && n.proposalId === p1 && n.details?.step === "execute"),
    );
    await waitFor("the stale-oracle notice", () => notices(second).some((n) => n.kind === "oracle-stale"));

    const all = [...notices(first), ...notices(second)];
    const ids = all.map((n) => n.id);
    expect(new Set(ids).size, "a notice was printed twice").to.equal(ids.length);
    // The storage edit is still there: the restarted watcher does not tell it again.
    expect(notices(second).filter((n) => n.kind === "finding")).to.deep.equal([]);
    expect(notices(second).filter((n) => n.kind === "awaiting-signature")).to.deep.equal([]);
  });

  it("delivers every notice to the webhook exactly once, with its idempotency key", async () => {
    const printed = [...notices(first), ...notices(second)].map((n) => n.id);
    await waitFor("the webhook to receive every notice", () =>
      printed.every((id) => receiver.accepted.some((a) => a.id === id)),
    );
    await new Promise((r) => setTimeout(r, 500));
    const counts = new Map<string, number>();
    for (const a of receiver.accepted) {
      expect(a.key).to.equal(a.id);
      counts.set(a.id, (counts.get(a.id) ?? 0) + 1);
    }
    expect(
      [...counts.values()].every((c) => c === 1),
      "a notice was delivered twice",
    ).to.equal(true);
    expect([...counts.keys()].sort()).to.deep.equal([...printed].sort());
  });

  it("when the node is killed and restarted empty, retries, then stops with one line: the chain was reset", async () => {
    const port = node.port;
    await node.stop();
    await waitFor("the outage report", () => second.stderr.some((l) => /unreachable or failing/.test(l)));
    node = await startNode(port);
    const code = await Promise.race([second.exited, new Promise((r) => setTimeout(() => r("still running"), 30_000))]);
    expect(code, second.stderr.slice(-6).join("\n")).to.equal(2);
    const errors = second.stderr.filter((l) => l.startsWith("error: "));
    expect(errors).to.have.length(1);
    expect(errors[0]).to.match(/restarted without its state|chain was reset/);
    expect(second.stderr.join("\n")).not.to.match(/^\s+at /m);
  });

  /** The calls of a proposal made by `propose`, for queue / execute. */
  async function callsOf(id: string): Promise<[string[], number[], string[], string]> {
    const c = await council(0);
    const logs = await c.queryFilter(c.filters.ProposalCreated(id));
    const args = logs[0].args; // (id, proposer, tier, targets, values, calldatas, description)
    return [[...args[3]], [...args[4]].map(Number), [...args[5]], descriptionHash(args[6])];
  }
});

// hedge:watch on a chain that reorganises, against Foundry's anvil (a second node, its JSON-RPC its own code): the
// watcher is a child process of the hardhat CLI on `--network remote`, anvil replaces blocks under it on demand
// (`anvil_reorg`: the last N blocks become as many new ones, their transactions gone).
// - 1-block and 3-block reorganisations: the watcher tells each one, retracts by id every notice it told from an
//   orphaned block, handles the new branch (a notice told again from a new block has a new id), and keeps running;
// - with --sync: a keeper transaction orphaned while its change is still needed is broadcast again, the very same
//   transaction; orphaned together with the oracle answer that called for it, it is abandoned and never sent; the
//   next change takes its nonce: one keeper transaction on chain per change;
// - a reorganisation while the watcher is stopped is found on restart from the checkpoint;
// - one watcher per checkpoint: a second one is refused in one line; the lock of one killed with SIGKILL is not;
// - a restarted node with a fresh deployment at the same addresses and transaction hashes gets a fresh default
//   checkpoint; --start-over keeps an explicit old checkpoint aside and starts afresh.
import fs from "node:fs";
import path from "node:path";

import { expect } from "chai";
import type { JsonRpcProvider } from "ethers";

import { HedgeCouncil__factory, HedgePolicy__factory, MockV3Aggregator__factory } from "../../typechain-types";
import { writeDeployment, type Deployment } from "../../scripts/lib/deployments";
import { ROOT, tempDir } from "../tasks/helpers";
import { head, reorg, startAnvil, type AnvilProcess } from "../helpers/anvil";
import {
  deployToNode,
  nodeKey,
  noticesOf,
  proposeCoverage,
  rpc,
  startCli,
  waitFor,
  type JsonNotice,
  type WatcherProcess,
} from "./helpers";

const keeper = nodeKey(7);

/** Every notice told from an orphaned block (a block whose hash is not the chain's now) has been retracted, once. */
async function expectRetractedOnce(url: string, notices: JsonNotice[]) {
  const retracted = notices.filter((n) => n.kind === "retracted").map((n) => String(n.details?.retracts));
  expect(new Set(retracted).size, "a notice was retracted twice").to.equal(retracted.length);
  for (const n of notices) {
    const block = await rpc<{ hash: string } | null>(url, "eth_getBlockByNumber", [`0x${n.block.toString(16)}`, false]);
    const orphaned = block?.hash !== n.blockHash;
    expect(
      retracted.includes(n.id),
      `${n.kind} from block ${n.block} (${orphaned ? "orphaned" : "on the chain"})`,
    ).to.equal(orphaned);
  }
}

describe("hedge:watch on a reorganising chain (anvil)", function () {
  this.timeout(240_000);
  const dir = tempDir("watch-reorg");
  let anvil: AnvilProcess;
  let provider: JsonRpcProvider;
  let deployment: Deployment;
  const running: WatcherProcess[] = [];

  const env = (extra: Record<string, string> = {}) => ({
    HEDGE_RPC_URL: anvil.url,
    HEDGE_DEPLOYMENTS_DIR: dir,
    HEDGE_CHAIN_ID: undefined,
    HEDGE_PRIVATE_KEY: keeper.privateKey,
    ...extra,
  });
  const watch = (args: string[]) => {
    const w = startCli(["hedge:watch", "--network", "remote", "--json", "--poll-ms", "150", ...args], env());
    running.push(w);
    return w;
  };
  const started = (w: WatcherProcess) =>
    waitFor(
      "the watcher to start",
      () => w.stderr.some((l) => /starting at block|resuming after block/.test(l)),
      60_000,
      () => w.stderr.join("\n"),
    );
  const council = async (i: number) =>
    HedgeCouncil__factory.connect(deployment.contracts.council.address, await provider.getSigner(i));
  /** Waits until the watcher has handled the head (its checkpoint's last block is the head). */
  const caughtUp = (file: string) =>
    waitFor("the watcher to reach the head", async () => {
      const at = (await head(anvil.url)).number;
      try {
        return (JSON.parse(fs.readFileSync(file, "utf8")) as { lastBlock: number }).lastBlock === at;
      } catch {
        return false;
      }
    });

  before(async function () {
    anvil = await startAnvil();
    ({ provider, deployment } = await deployToNode(anvil.url, dir));
  });

  after(async () => {
    for (const w of running) await w.stop("SIGKILL");
    provider?.destroy();
    await anvil?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  describe("without --sync", function () {
    const checkpoint = path.join(dir, "notices.json");
    let w: WatcherProcess;

    it("a 1-block reorganisation: tells it, retracts the orphaned block's notices by id, handles the new branch", async () => {
      w = watch(["--checkpoint", checkpoint]);
      await started(w);
      const id = await proposeCoverage(deployment, await provider.getSigner(1), 3_000, "r1: raise the coverage");
      const awaiting = (await waitFor("four awaiting-signature notices", () => {
        const found = noticesOf(w).filter((n) => n.kind === "awaiting-signature" && n.proposalId === id);
        return found.length === 4 ? found : null;
      }))!;
      await reorg(anvil.url, 1);
      const told = await waitFor("the reorg notice", () => noticesOf(w).find((n) => n.kind === "reorg"));
      expect(told!.details?.retracted).to.have.members(awaiting.map((n) => n.id));
      await waitFor("four retractions", () => noticesOf(w).filter((n) => n.kind === "retracted").length === 4);

      // The same proposal again, in a block of the new branch: told again, with new ids.
      await proposeCoverage(deployment, await provider.getSigner(1), 3_000, "r1: raise the coverage");
      await waitFor(
        "the proposal told again",
        () => noticesOf(w).filter((n) => n.kind === "awaiting-signature" && n.proposalId === id).length === 8,
      );
      await caughtUp(checkpoint);
      const all = noticesOf(w);
      expect(new Set(all.map((n) => n.id)).size, "an id was told twice").to.equal(all.length);
      await expectRetractedOnce(anvil.url, all);
      expect(w.child.exitCode).to.equal(null);
    });

    it("a 3-block reorganisation: every notice of the three orphaned blocks retracted, and it keeps running", async () => {
      const before = noticesOf(w).length;
      const id = await proposeCoverage(deployment, await provider.getSigner(1), 3_100, "r3: raise the coverage more");
      const from = (await head(anvil.url)).number;
      await (await (await council(2)).approve(id)).wait();
      await (await (await council(3)).approve(id)).wait();
      await waitFor("the executable notice", () =>
        noticesOf(w).some((n) => n.kind === "executable" && n.proposalId === id),
      );
      await caughtUp(checkpoint);
      const orphanedIds = noticesOf(w)
        .slice(before)
        .filter((n) => n.block >= from)
        .map((n) => n.id);
      expect(orphanedIds.length, "notices from the three blocks").to.be.greaterThan(4);

      await reorg(anvil.url, 3);
      const told = await waitFor("the second reorg notice", () => noticesOf(w).filter((n) => n.kind === "reorg")[1]);
      expect(told!.details?.orphaned).to.deep.equal([from, from + 2]);
      expect(told!.details?.retracted).to.have.members(orphanedIds);
      await waitFor(
        "every retraction",
        () => noticesOf(w).filter((n) => n.kind === "retracted").length === 4 + orphanedIds.length,
      );
      // The chain moves on: the watcher follows it.
      await rpc(anvil.url, "anvil_mine", ["0x2"]);
      await caughtUp(checkpoint);
      await expectRetractedOnce(anvil.url, noticesOf(w));
      expect(w.child.exitCode).to.equal(null);
    });

    it("refuses a deployments file whose block numbers do not match the deployment receipts", async () => {
      const moved = path.join(dir, "moved");
      fs.mkdirSync(moved);
      const edited = JSON.parse(JSON.stringify(deployment)) as Deployment;
      edited.contracts.seats.blockNumber = (await head(anvil.url)).number; // later: hides the proposals before it
      writeDeployment(path.join(moved, "remote.json"), edited);
      const refused = startCli(
        ["hedge:watch", "--network", "remote", "--checkpoint", path.join(moved, "cp.json")],
        env({ HEDGE_DEPLOYMENTS_DIR: moved }),
      );
      running.push(refused);
      expect(await refused.exited).to.equal(1);
      expect(refused.stderr).to.have.length(1);
      expect(refused.stderr[0]).to.match(
        /^error: deployments file .*remote\.json: seats block \d+ does not match its deployment transaction's receipt \(block \d+\)/,
      );
      expect(fs.existsSync(path.join(moved, "cp.json"))).to.equal(false);
    });

    it("refuses a second watcher on the same checkpoint in one line", async () => {
      const second = watch(["--checkpoint", checkpoint]);
      const code = await second.exited;
      expect(code).to.equal(1);
      expect(second.stderr).to.have.length(1);
      expect(second.stderr[0]).to.match(
        new RegExp(
          `^error: another hedge:watch \\(pid ${w.child.pid} on .+\\) follows checkpoint .*notices\\.json: one watcher per checkpoint`,
        ),
      );
    });

    it("a reorganisation while it is stopped is found on restart; a SIGKILLed watcher's lock does not block", async () => {
      const id = await proposeCoverage(deployment, await provider.getSigner(1), 3_200, "r4: while it runs");
      await waitFor("the notices of the last proposal", () =>
        noticesOf(w).some((n) => n.kind === "awaiting-signature" && n.proposalId === id),
      );
      await caughtUp(checkpoint);
      const last = noticesOf(w).filter((n) => n.proposalId === id);
      await w.stop("SIGKILL");
      expect(fs.existsSync(`${checkpoint}.lock`), "the killed watcher's lock is left").to.equal(true);

      await reorg(anvil.url, 1);
      const again = watch(["--checkpoint", checkpoint]);
      await started(again);
      const told = await waitFor("the reorg notice on restart", () => noticesOf(again).find((n) => n.kind === "reorg"));
      expect(told!.details?.retracted).to.have.members(last.map((n) => n.id));
      await caughtUp(checkpoint);
      await expectRetractedOnce(anvil.url, [...noticesOf(w), ...noticesOf(again)]);
      const stopped = await again.stop("SIGTERM");
      expect(stopped.code).to.equal(0);
      expect(fs.existsSync(`${checkpoint}.lock`), "a clean stop releases the lock").to.equal(false);
    });
  });

  describe("with --sync", function () {
    const checkpoint = path.join(dir, "keeper.json");
    let w: WatcherProcess;
    const engaged = () => HedgePolicy__factory.connect(deployment.contracts.policy.address, provider).engagedLayers();
    const sent = () => noticesOf(w).filter((n) => n.kind === "sync-sent");
    /** The keeper's transactions on the chain now (raw JSON-RPC: no provider cache between two reads). */
    const keeperTxs = async () =>
      Number(await rpc<string>(anvil.url, "eth_getTransactionCount", [keeper.address, "latest"]));
    const setVix = async (answer: bigint) => {
      const oracle = MockV3Aggregator__factory.connect(
        deployment.contracts.oracle.address,
        await provider.getSigner(0),
      );
      await (await oracle.updateAnswer(answer)).wait();
    };

    it("sends the very same syncLayers again when a reorganisation orphans it and the change is still needed", async () => {
      w = watch(["--checkpoint", checkpoint, "--sync"]);
      await started(w);
      await setVix(31_50000000n);
      await waitFor("the keeper's syncLayers", () => sent().length === 1);
      await waitFor("the layers engaged", async () => (await engaged()) === 3n);
      const tx = String(sent()[0].details?.tx);
      expect(await keeperTxs()).to.equal(1);
      await caughtUp(checkpoint); // the watcher saw it mined

      await reorg(anvil.url, 1); // only the sync's block: the oracle's answer stays
      await waitFor(
        "the same transaction sent again",
        () => sent().length === 2,
        30_000,
        () => [...w.stderr, ...w.stdout].join("\n"),
      );
      expect(sent()[1].details?.tx).to.equal(tx);
      expect(sent()[1].details?.resent).to.equal(true);
      await waitFor("the layers engaged again", async () => (await engaged()) === 3n);
      expect(await keeperTxs()).to.equal(1);
      expect((await provider.getTransactionReceipt(tx))?.status).to.equal(1);
      expect(noticesOf(w).filter((n) => n.kind === "reorg")).to.have.length(1);
      await caughtUp(checkpoint);
    });

    it("abandons it when the reorganisation also orphans the answer that called for it; the next change takes its nonce", async () => {
      const before = sent().length;
      // The oracle's update, the orphaned sync's replacement block and the resent sync: all gone.
      const at = (await head(anvil.url)).number;
      const update = (await provider.getBlock(at - 2, true))!;
      expect(update.transactions.length, "the oracle update three blocks back").to.equal(1);
      await reorg(anvil.url, 3);
      await waitFor("the reorg notice", () => noticesOf(w).filter((n) => n.kind === "reorg").length === 2);
      await rpc(anvil.url, "anvil_mine", ["0x3"]);
      await caughtUp(checkpoint);
      await new Promise((r) => setTimeout(r, 600));
      expect(sent().length, "nothing sent for an answer that is gone").to.equal(before);
      expect(await keeperTxs()).to.equal(0);
      expect(await engaged()).to.equal(0n);

      await setVix(31_50000000n);
      await waitFor("a new syncLayers", () => sent().length === before + 1);
      await waitFor("the keeper's transaction mined", async () => (await keeperTxs()) === 1);
      await waitFor("the layers engaged", async () => (await engaged()) === 3n);
      expect(sent().at(-1)?.details?.nonce).to.equal(0);
      await caughtUp(checkpoint);
      await new Promise((r) => setTimeout(r, 600));
      expect(await keeperTxs(), "one keeper transaction for the change").to.equal(1);
      await expectRetractedOnce(anvil.url, noticesOf(w));
      expect(w.child.exitCode).to.equal(null);
      await w.stop("SIGTERM");
    });
  });

  describe("the default checkpoint follows the deployment", function () {
    const watchDir = path.join(ROOT, ".watch");
    const made: string[] = [];
    after(() => made.forEach((f) => fs.rmSync(f, { force: true })));
    const defaults = () =>
      fs.existsSync(watchDir) ? fs.readdirSync(watchDir).filter((f) => f.startsWith("remote-31337-")) : [];

    it("a restarted node with a fresh deployment at the same addresses starts afresh; --start-over keeps the old file", async () => {
      const known = new Set(defaults());
      const fresh = () => defaults().filter((f) => !known.has(f) && !f.endsWith(".lock"));
      const first = watch([]);
      await waitFor("the default checkpoint", () => fresh().length === 1);
      await first.stop("SIGTERM");
      const firstFile = fresh();
      expect(firstFile).to.have.length(1);
      made.push(path.join(watchDir, firstFile[0]));
      const explicit = path.join(dir, "explicit.json");
      const pinned = watch(["--checkpoint", explicit]);
      await waitFor("the explicit checkpoint", () => fs.existsSync(explicit));
      await pinned.stop("SIGTERM");

      // The node restarted empty, the council deployed again the same way: same addresses, same transactions.
      const old = deployment;
      provider.destroy();
      const port = anvil.port;
      await anvil.stop();
      anvil = await startAnvil({ port });
      ({ provider, deployment } = await deployToNode(anvil.url, dir));
      expect(deployment.contracts.council.address).to.equal(old.contracts.council.address);
      expect(deployment.contracts.council.transactionHash).to.equal(old.contracts.council.transactionHash);

      const second = watch([]);
      await waitFor("a second default checkpoint", () => fresh().length === 2);
      expect(second.stderr.join("\n")).to.match(/starting at block/);
      await second.stop("SIGTERM");
      const secondFile = fresh().filter((f) => f !== firstFile[0]);
      expect(secondFile).to.have.length(1);
      made.push(path.join(watchDir, secondFile[0]));

      // An explicit checkpoint of the old deployment is refused, naming the one flag that starts over...
      const refused = watch(["--checkpoint", explicit]);
      expect(await refused.exited).to.equal(1);
      expect(refused.stderr).to.have.length(1);
      expect(refused.stderr[0]).to.match(/the chain was reset or the council redeployed; pass --start-over/);
      // ...which keeps it aside and starts afresh.
      const over = watch(["--checkpoint", explicit, "--start-over"]);
      await started(over);
      expect(over.stderr.join("\n")).to.match(
        /--start-over: the previous checkpoint is kept as .*explicit\.json\.replaced-/,
      );
      await over.stop("SIGTERM");
      expect(fs.readdirSync(dir).filter((f) => f.startsWith("explicit.json.replaced-"))).to.have.length(1);
    });
  });
});

// The keeper's Pyth path (hedge:watch --sync with a PythVixAdapter as the policy's oracle): it fetches the latest
// update of the month the schedule reads from Hermes (a local stub HTTP server answering in Hermes' response shape
// with update data built by Pyth's MockPyth; no network here), and sends HedgeUpkeep.updateAndSync with exactly
// Pyth's fee, once per change: not again while the watcher is behind, not when the update changes no layer, not
// when Hermes fails; the next change (a fall) is sent once too.
import http from "node:http";
import type { AddressInfo } from "node:net";

import { expect } from "chai";
import hre, { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";

import { Keeper } from "../../scripts/lib/watch/keeper";
import { hermesSource } from "../../scripts/lib/watch/hermes";
import { emptyCheckpoint, type Checkpoint } from "../../scripts/lib/watch/checkpoint";
import { getBlock } from "../../scripts/lib/watch/chain";
import type { SyncPreview } from "../../scripts/lib/council";
import { deployHedgePolicy } from "../helpers/hedgePolicy";
import { MONTHS, PYTH_EXPO, UPDATE_FEE, deployPythPath, update } from "../helpers/pyth";

/** A stand-in for Hermes: GET /v2/updates/price/latest answers `current` in Hermes' shape; requests are kept. */
async function stubHermes() {
  const state: { current: { id: string; data: string; price: bigint; publishTime: number } | null; fail: boolean } = {
    current: null,
    fail: false,
  };
  const requests: URL[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url!, "http://stub");
    requests.push(url);
    if (state.fail || url.pathname !== "/v2/updates/price/latest" || !state.current) {
      res.writeHead(500).end("unavailable");
      return;
    }
    const { id, data, price, publishTime } = state.current;
    const rpcPrice = { price: String(price), conf: "10", expo: PYTH_EXPO, publish_time: publishTime };
    res.writeHead(200, { "content-type": "application/json" }).end(
      JSON.stringify({
        binary: { encoding: "hex", data: [data.slice(2)] },
        parsed: [{ id: id.slice(2), price: rpcPrice, ema_price: rpcPrice, metadata: { prev_publish_time: null } }],
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { state, requests, url, close: () => new Promise((r) => server.close(r)) };
}

async function deploy() {
  return { ...(await deployPythPath()), hermes: await stubHermes() };
}

/** The deployment (a snapshot) and a fresh keeper with an empty checkpoint, as a new hedge:watch --sync has. */
async function fixture() {
  const f = await loadFixture(deploy);
  const cp: Checkpoint = emptyCheckpoint(31337, await f.policy.getAddress(), { block: 0, hash: ethers.ZeroHash });
  const keeper = new Keeper({
    rpc: nodeRpc,
    policy: await f.policy.getAddress(),
    chainId: 31337,
    account: { address: f.keeper.address },
    checkpoint: () => cp,
    save: () => {},
    pyth: { upkeep: await f.upkeep.getAddress(), source: await hermesSource(f.hermes.url, 2_000) },
  });
  return { ...f, cp, keeperBot: keeper };
}

/**
 * The in-process node as a JSON-RPC node answers: a revert is an answer with code 3 ("execution reverted"), as the
 * watcher's HttpRpc reports it, not a transport failure.
 */
const nodeRpc = {
  request: async (args: { method: string; params?: unknown[] }) => {
    try {
      return await hre.network.provider.request(args);
    } catch (error) {
      throw Object.assign(new Error(`execution reverted: ${(error as Error).message}`), { code: 3 });
    }
  },
};
type Fixture = Awaited<ReturnType<typeof fixture>>;

/** The head and the preview the watcher would hand the keeper (in Pyth mode only the round and the mask count). */
async function head(f: Fixture) {
  const header = (await getBlock(hre.network.provider, "latest"))!;
  const round = await f.adapter.latestRoundData();
  const mask = Number(await f.policy.engagedLayers());
  const preview: SyncPreview = {
    status: "Stale",
    vix: 0,
    roundId: round.roundId,
    updatedAt: round.updatedAt,
    answer: round.answer,
    needed: false,
    engagedMask: mask,
    nextMask: mask,
  };
  return { header, preview };
}

/** Hermes now serves the front month at VIX `hundredths`, published at the latest block's time. */
async function serve(f: Fixture, hundredths: number) {
  const publishTime = await time.latest();
  const data = await update(f.mockPyth, MONTHS[0], hundredths, publishTime);
  f.hermes.state.current = { id: MONTHS[0], data, price: BigInt(hundredths) * 1_000n, publishTime };
}

const nonce = (f: Fixture) => ethers.provider.getTransactionCount(f.keeper.address);

// The stub Hermes lives as long as the deployment's snapshot: closed once every test of this file ran.
after(async () => {
  await (await loadFixture(deploy)).hermes.close();
});

describe("hedge:watch --sync, the Pyth path: the keeper with Hermes (a local stub)", function () {
  it("sends updateAndSync once for a spike, paying exactly the fee, and never twice", async function () {
    const f = await fixture();
    await serve(f, 3_150);
    const { header, preview } = await head(f);
    const pythBefore = await ethers.provider.getBalance(f.mockPyth);
    const sentBefore = await nonce(f);
    const drafts = await f.keeperBot.step(header, preview);
    expect(drafts.map((d) => d.kind)).to.deep.equal(["sync-sent"]);
    expect(drafts[0].message).to.match(/updateAndSync \(Pyth update of \d+, fee 1000 wei\)/);
    expect(await nonce(f)).to.equal(sentBefore + 1);
    expect(await f.policy.engagedLayers()).to.equal(0b011n);
    expect((await ethers.provider.getBalance(f.mockPyth)) - pythBefore).to.equal(UPDATE_FEE);
    // Hermes was asked for the month the schedule reads now, and only it.
    const asked = f.hermes.requests.at(-1)!;
    expect(asked.pathname).to.equal("/v2/updates/price/latest");
    expect(asked.searchParams.getAll("ids[]")).to.deep.equal([MONTHS[0]]);

    // The watcher behind the head (the same block and preview again): settled, nothing sent.
    expect(await f.keeperBot.step(header, preview)).to.deep.equal([]);
    // At the new head the same update changes nothing more: the chain refuses it, nothing is sent.
    await ethers.provider.send("evm_mine", []);
    const later = await head(f);
    expect(await f.keeperBot.step(later.header, later.preview)).to.deep.equal([]);
    await serve(f, 3_160);
    expect(await f.keeperBot.step(later.header, later.preview)).to.deep.equal([]);
    expect(await nonce(f)).to.equal(sentBefore + 1);
  });

  it("sends the next change (a fall) once too", async function () {
    const f = await fixture();
    await serve(f, 3_150);
    let at = await head(f);
    await f.keeperBot.step(at.header, at.preview);
    await ethers.provider.send("evm_mine", []);
    at = await head(f);
    await f.keeperBot.step(at.header, at.preview); // settles the first transaction
    await serve(f, 1_200);
    const sent = await nonce(f);
    at = await head(f);
    const drafts = await f.keeperBot.step(at.header, at.preview);
    expect(drafts.map((d) => d.kind)).to.deep.equal(["sync-sent"]);
    expect(await f.policy.engagedLayers()).to.equal(0n);
    expect(await nonce(f)).to.equal(sent + 1);
  });

  it("after its transaction reverts (the update went stale while it waited): not the same update again, a newer one", async function () {
    const f = await fixture();
    await serve(f, 3_150);
    const sent = await nonce(f);
    await ethers.provider.send("evm_setAutomine", [false]);
    try {
      const at = await head(f);
      expect((await f.keeperBot.step(at.header, at.preview)).map((d) => d.kind)).to.deep.equal(["sync-sent"]);
      await time.increase(3_700); // mined an hour later: the update is older than maxOracleAge
      await ethers.provider.send("evm_mine", []);
    } finally {
      await ethers.provider.send("evm_setAutomine", [true]);
    }
    expect(await nonce(f)).to.equal(sent + 1);
    expect(await f.policy.engagedLayers()).to.equal(0n);
    let at = await head(f);
    expect((await f.keeperBot.step(at.header, at.preview)).map((d) => d.kind)).to.deep.equal(["sync-failed"]);
    expect(await f.keeperBot.step(at.header, at.preview)).to.deep.equal([]); // the same update: not again
    expect(await nonce(f)).to.equal(sent + 1);
    await serve(f, 3_150); // a newer update of the same spike
    at = await head(f);
    expect((await f.keeperBot.step(at.header, at.preview)).map((d) => d.kind)).to.deep.equal(["sync-sent"]);
    expect(await f.policy.engagedLayers()).to.equal(0b011n);
    expect(await nonce(f)).to.equal(sent + 2);
  });

  it("sends nothing while Hermes fails, and does not stop", async function () {
    const f = await fixture();
    await serve(f, 3_150);
    f.hermes.state.fail = true;
    try {
      const { header, preview } = await head(f);
      const sent = await nonce(f);
      expect(await f.keeperBot.step(header, preview)).to.deep.equal([]);
      expect(await nonce(f)).to.equal(sent);
      expect(await f.policy.engagedLayers()).to.equal(0n);
    } finally {
      f.hermes.state.fail = false;
    }
  });
});

describe("hedge:watch --sync: which keeper (pythKeeping)", function () {
  it("a Chainlink feed as the oracle: none (the keeper sends syncLayers)", async function () {
    const { pythKeeping } = await import("../../scripts/commands/watch");
    const base = await deployHedgePolicy();
    const deployment = { contracts: { policy: { address: await base.policy.getAddress() } } };
    expect(await pythKeeping(nodeRpc, deployment, "http://127.0.0.1:1")).to.equal(undefined);
  });

  it("a Pyth adapter: needs the upkeep and a Hermes URL, each refusal in one line naming the fix", async function () {
    const { pythKeeping } = await import("../../scripts/commands/watch");
    const f = await fixture();
    const policy = { address: await f.policy.getAddress() };
    const upkeep = { address: await f.upkeep.getAddress() };
    const refusal = (p: Promise<unknown>) =>
      p.then(
        () => "accepted",
        (e: Error) => `${e.constructor.name}: ${e.message}`,
      );
    expect(await refusal(pythKeeping(nodeRpc, { contracts: { policy } }, f.hermes.url))).to.match(
      /^CliError: --sync: .* is a Pyth adapter .* has no upkeep; add one \(hedge:deploy --upkeep\)$/,
    );
    expect(await refusal(pythKeeping(nodeRpc, { contracts: { policy, upkeep } }, undefined))).to.match(
      /^CliError: --sync: .* give Pyth's Hermes endpoint with --hermes URL or \$HEDGE_HERMES_URL/,
    );
    const keeping = await pythKeeping(nodeRpc, { contracts: { policy, upkeep } }, f.hermes.url);
    expect(keeping?.upkeep).to.equal(upkeep.address);
    expect(keeping?.hermes).to.equal(f.hermes.url);
    await serve(f, 3_150);
    expect((await keeping!.source([MONTHS[0]])).publishTimes).to.deep.equal([f.hermes.state.current!.publishTime]);
  });
});

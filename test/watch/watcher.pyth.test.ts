// The watcher (in-process, polled by hand) with a PythVixAdapter as the policy's oracle (test/helpers/pyth's months
// and MockPyth): the roll schedule's end told as a condition once it comes within the horizon (6 weeks, or twice the
// council's Critical delay plus its proposal TTL when longer), once per stage, not again after a restart, with the
// date and the last month's price id; the stale notice in a pull oracle's words; a watcher that is itself the Pyth
// keeper tells no stale answer while it sees the live price through Hermes, and tells it once Hermes fails; and a
// Chainlink-style oracle keeps its words and gets no schedule notice.
import fs from "node:fs";
import path from "node:path";

import { expect } from "chai";
import hre, { ethers } from "hardhat";
import { loadFixture, mine, time } from "@nomicfoundation/hardhat-network-helpers";

import type { MockPyth } from "../../typechain-types";
import { deploySystem, vixToAnswer } from "../../scripts/lib/deploy";
import { recordDeployment } from "../../scripts/lib/deployments";
import { fmtTime } from "../../scripts/lib/format";
import type { Notice } from "../../scripts/lib/watch/notices";
import { RetryingRpc } from "../../scripts/lib/watch/rpc";
import { Watcher } from "../../scripts/lib/watch/watcher";
import { tempDir } from "../tasks/helpers";
import { BLEND_WINDOW, DAY, MONTHS, UPDATE_FEE, update } from "../helpers/pyth";

/** The in-process node as a JSON-RPC node answers: a revert is an answer (code 3), not a transport failure. */
const nodeRpc = {
  request: async (args: { method: string; params?: unknown[] }) => {
    try {
      return await hre.network.provider.request(args);
    } catch (error) {
      throw Object.assign(new Error(`execution reverted: ${(error as Error).message}`), { code: 3 });
    }
  },
};

/** A council whose policy reads a PythVixAdapter of three months (30 days apart), ending 90 days after the first. */
async function pythFixture() {
  const [deployer, ...rest] = await ethers.getSigners();
  const holders = rest.slice(0, 5).map((h) => h.address);
  const mockPyth: MockPyth = await (await ethers.getContractFactory("MockPyth")).deploy(60, UPDATE_FEE);
  const start = (await time.latest()) + 10;
  const scheduleEnd = start + 90 * DAY;
  const adapter = await (
    await ethers.getContractFactory("PythVixAdapter")
  ).deploy(
    mockPyth,
    8,
    MONTHS,
    [start, start + 30 * DAY, start + 60 * DAY],
    scheduleEnd,
    BLEND_WINDOW,
    "VIX futures (Pyth)",
  );
  await time.increaseTo(start);
  await mockPyth.updatePriceFeeds([await update(mockPyth, MONTHS[0], 1_500, start + 1)], { value: UPDATE_FEE });
  const system = await deploySystem(deployer, { seats: holders, oracle: await adapter.getAddress() });
  const deployment = await recordDeployment(hre, system, deployer.address, holders);
  const upkeep = await (
    await ethers.getContractFactory("HedgeUpkeep")
  ).deploy(system.policy, ethers.ZeroAddress, ethers.ZeroHash, ethers.ZeroAddress);
  return { ...system, deployment, mockPyth, adapter, upkeep, scheduleEnd, deployer, keeper: rest[6] };
}

async function chainlinkFixture() {
  const [deployer, ...rest] = await ethers.getSigners();
  const holders = rest.slice(0, 5).map((h) => h.address);
  const system = await deploySystem(deployer, { seats: holders });
  return { ...system, deployment: await recordDeployment(hre, system, deployer.address, holders) };
}

describe("hedge:watch engine with a Pyth adapter (in-process)", function () {
  const dir = tempDir("watcher-pyth");
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  let n = 0;
  const started: Watcher[] = [];
  afterEach(() => started.splice(0).forEach((w) => w.unlock()));

  function watcher(
    deployment: Awaited<ReturnType<typeof chainlinkFixture>>["deployment"],
    o: { checkpoint?: string; keeper?: string; pyth?: ConstructorParameters<typeof Watcher>[0]["pyth"] } = {},
  ) {
    const out: Notice[] = [];
    const controller = new AbortController();
    const w = new Watcher({
      rpc: new RetryingRpc(nodeRpc, { signal: controller.signal }),
      deployment,
      network: "hardhat",
      checkpointFile: o.checkpoint ?? path.join(dir, `checkpoint-${n++}.json`),
      json: true,
      pollMs: 0,
      confirmations: 0,
      signal: controller.signal,
      out: (line) => out.push(JSON.parse(line) as Notice),
      status: () => undefined,
      ...(o.keeper ? { keeper: { address: o.keeper }, pyth: o.pyth } : {}),
    });
    started.push(w);
    return { w, out };
  }

  const ending = (out: Notice[]) => out.filter((x) => x.kind === ("oracle-schedule-ending" as Notice["kind"]));

  it("tells the schedule's end once it comes within the horizon: once per stage, with the date, not after a restart", async function () {
    const f = await loadFixture(pythFixture);
    const checkpoint = path.join(dir, "schedule.json");
    const first = watcher(f.deployment, { checkpoint });
    await first.w.start();
    expect(ending(first.out), "90 days ahead: beyond the horizon").to.deep.equal([]);

    await time.increaseTo(f.scheduleEnd - 43 * DAY);
    await first.w.poll();
    expect(ending(first.out), "43 days ahead: still beyond 6 weeks").to.deep.equal([]);

    await time.increaseTo(f.scheduleEnd - 41 * DAY);
    await first.w.poll();
    await mine(3);
    await first.w.poll();
    const told = ending(first.out);
    expect(told).to.have.length(1);
    const [warn] = told;
    expect(warn.severity).to.equal("warning");
    expect(warn.message).to.include(fmtTime(f.scheduleEnd));
    expect(warn.message).to.include(MONTHS[2]);
    expect(warn.message).to.match(/setOracle/);
    expect(warn.message).to.match(/Critical/);
    // The horizon, from the council's rules: Critical delay 3 d, proposal TTL 7 d (twice: 20 d, so 6 weeks rules).
    expect(warn.message).to.match(/Critical delay \(3 d\) plus the proposal TTL \(7 d\)/);
    expect(warn.details).to.include({ scheduleEnd: f.scheduleEnd, lastPriceId: MONTHS[2], stage: "warning" });
    expect(warn.details?.horizon).to.equal(42 * DAY);

    first.w.unlock(); // stopped, and started again on its checkpoint: the condition still holds, nothing told
    const second = watcher(f.deployment, { checkpoint });
    await second.w.start();
    await mine(1);
    await second.w.poll();
    expect(ending(second.out)).to.deep.equal([]);

    // Nearer: within the Critical lead (TTL + delay, 10 d) high, within the Critical delay critical; each once.
    await time.increaseTo(f.scheduleEnd - 9 * DAY);
    await second.w.poll();
    await mine(1);
    await second.w.poll();
    await time.increaseTo(f.scheduleEnd - 2 * DAY);
    await second.w.poll();
    await time.increaseTo(f.scheduleEnd + 60);
    await second.w.poll();
    await mine(1);
    await second.w.poll();
    expect(ending(second.out).map((x) => [x.severity, x.details?.stage])).to.deep.equal([
      ["high", "high"],
      ["critical", "critical"],
      ["critical", "ended"],
    ]);
    expect(ending(second.out)[2].message).to.match(/ended at .* frozen until a Critical setOracle/);
    // Past the end the adapter reverts: the stale notice says the schedule ended.
    expect(second.out.filter((x) => x.kind === "oracle-stale").at(-1)?.message).to.match(/roll schedule ended/);
  });

  it("says a stale Pyth price is a pull oracle's, refreshed only by an update", async function () {
    const f = await loadFixture(pythFixture);
    const { w, out } = watcher(f.deployment);
    await w.start();
    await time.increase(2 * 3_600);
    await w.poll();
    const stale = out.filter((x) => x.kind === "oracle-stale");
    expect(stale).to.have.length(1);
    expect(stale[0].message).to.match(/pull oracle/);
    expect(stale[0].message).to.match(/hedge:watch --sync with Hermes, or anyone's HedgeUpkeep\.updateAndSync/);
    expect(stale[0].message).not.to.match(/until the feed answers again/);
    expect(stale[0].details?.pull).to.equal(true);
  });

  it("as the Pyth keeper, tells no stale answer while Hermes shows the live price, and tells it once Hermes fails", async function () {
    const f = await loadFixture(pythFixture);
    let failing = false;
    const source = async () => {
      if (failing) throw new Error("Hermes unavailable");
      const t = await time.latest();
      return { data: [await update(f.mockPyth, MONTHS[0], 1_500, t)], publishTimes: [t] };
    };
    const { w, out } = watcher(f.deployment, {
      keeper: f.keeper.address,
      pyth: { upkeep: await f.upkeep.getAddress(), source },
    });
    await w.start();
    await time.increase(2 * 3_600); // stale on chain; Hermes says VIX 15.00: no layer moves, nothing to push
    await w.poll();
    await mine(1);
    await w.poll();
    expect(out.map((x) => x.kind)).not.to.include("oracle-stale");
    expect(out.map((x) => x.kind)).not.to.include("sync-sent");

    failing = true;
    await mine(1);
    await w.poll(); // the keeper's fetch fails here
    await mine(1);
    await w.poll();
    const stale = out.filter((x) => x.kind === "oracle-stale");
    expect(stale).to.have.length(1);
    expect(stale[0].message).to.match(/cannot fetch one from Hermes/);
  });

  it("keeps a Chainlink-style oracle's words, and tells it no schedule", async function () {
    const f = await loadFixture(chainlinkFixture);
    const { w, out } = watcher(f.deployment);
    await w.start();
    await time.increase(60 * DAY);
    await w.poll();
    await f.oracle.updateAnswer(vixToAnswer(1_600));
    await w.poll();
    expect(ending(out)).to.deep.equal([]);
    const stale = out.filter((x) => x.kind === "oracle-stale");
    expect(stale).to.have.length(1);
    expect(stale[0].message).to.match(/until the feed answers again$/);
    expect(stale[0].details).not.to.have.property("pull");
  });
});

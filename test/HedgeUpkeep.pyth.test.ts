// HedgeUpkeep.updateAndSync: a keeper submits a Pyth price update and syncs the layers in one transaction, paying
// exactly the update fee. A spike through an update engages the layers in that transaction; a stale update, one
// from the future, one for a price id the schedule does not read, a repeated one, an underpaid or overpaid fee, a
// calm update and an oracle that is not a Pyth adapter are each refused with nothing changed: the whole policy
// state, the price Pyth holds, every balance, and no event.
import { expect } from "chai";
import { ZeroAddress, ZeroHash } from "ethers";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";

import { deployHedgePolicy, snapshotState } from "./helpers/hedgePolicy";
import { BLEND_WINDOW, MONTHS, OTHER_ID, UPDATE_FEE, deployPythPath, pushPrice, update } from "./helpers/pyth";

/** IHedgeUpkeep.OracleStatus */
const Status = { Stale: 4, FromFuture: 3 };

const fixture = () => deployPythPath();
type Fixture = Awaited<ReturnType<typeof fixture>>;

/** Everything a refused updateAndSync must leave as it was. */
async function snapshot(f: Fixture) {
  const prices = [];
  for (const id of [...MONTHS, OTHER_ID]) {
    prices.push(await f.mockPyth.priceFeedExists(id).then((e) => (e ? f.mockPyth.getPriceUnsafe(id) : null)));
  }
  const provider = ethers.provider;
  return {
    policy: await snapshotState(f.policy),
    prices: prices.map((p) => (p ? [p.price, p.conf, p.expo, p.publishTime] : null)),
    pythBalance: await provider.getBalance(f.mockPyth),
    upkeepBalance: await provider.getBalance(f.upkeep),
  };
}

/** Sends updateAndSync from the keeper at the next block time `t`, expecting `error` (with `args`) and no change. */
async function expectRefused(f: Fixture, data: string[], value: bigint, t: number, error: string, args: unknown[]) {
  const before = await snapshot(f);
  const block = await ethers.provider.getBlockNumber();
  await time.setNextBlockTimestamp(t);
  await expect(f.upkeep.connect(f.keeper).updateAndSync(data, { value }))
    .to.be.revertedWithCustomError(f.upkeep, error)
    .withArgs(...args);
  expect(await snapshot(f)).to.deep.equal(before);
  // No event of any contract in the blocks since (a reverted transaction leaves none).
  expect(await ethers.provider.getLogs({ fromBlock: block + 1, toBlock: "latest" })).to.deep.equal([]);
}

describe("HedgeUpkeep.updateAndSync (the Pyth path)", function () {
  before(async () => loadFixture(fixture));

  it("engages the layers from a spike in the same transaction, paying exactly the fee to Pyth", async function () {
    const f = await loadFixture(fixture);
    const { upkeep, policy, mockPyth, adapter, keeper } = f;
    const t = (await time.latest()) + 5;
    const data = [await update(mockPyth, MONTHS[0], 3_150, t)];
    expect(await mockPyth.getUpdateFee(data)).to.equal(UPDATE_FEE);
    await time.setNextBlockTimestamp(t);
    const tx = upkeep.connect(keeper).updateAndSync(data, { value: UPDATE_FEE });
    await expect(tx).to.emit(mockPyth, "PriceFeedUpdate");
    await expect(tx).to.emit(upkeep, "PriceUpdatePaid").withArgs(keeper.address, UPDATE_FEE, t);
    await expect(tx).to.emit(policy, "LayerEngaged").withArgs(0, 3_150);
    await expect(tx).to.emit(policy, "LayerEngaged").withArgs(1, 3_150);
    await expect(tx).to.emit(upkeep, "UpkeepPerformed").withArgs(keeper.address, 0, 0b011, 3_150);
    await expect(tx).to.changeEtherBalances([keeper, mockPyth, upkeep], [-UPDATE_FEE, UPDATE_FEE, 0n]);
    expect(await policy.engagedLayers()).to.equal(0b011n);
    expect((await adapter.latestRoundData()).updatedAt).to.equal(BigInt(t));
  });

  it("disengages from a fall in the same way", async function () {
    const f = await loadFixture(fixture);
    await pushPrice(f.mockPyth, MONTHS[0], 4_500);
    await f.policy.syncLayers();
    const t = (await time.latest()) + 5;
    await time.setNextBlockTimestamp(t);
    const tx = f.upkeep.updateAndSync([await update(f.mockPyth, MONTHS[0], 1_200, t)], { value: UPDATE_FEE });
    for (const layer of [0, 1, 2]) await expect(tx).to.emit(f.policy, "LayerDisengaged").withArgs(layer, 1_200);
    expect(await f.policy.engagedLayers()).to.equal(0n);
  });

  it("accepts the first update of the next month, which Pyth never held, in the blend window", async function () {
    const f = await loadFixture(fixture);
    const windowStart = f.rollTimes[1] - BLEND_WINDOW;
    await pushPrice(f.mockPyth, MONTHS[0], 1_500, windowStart + 100);
    await expect(f.adapter.latestRoundData()).to.be.revertedWithCustomError(f.mockPyth, "PriceFeedNotFound");
    const t = windowStart + 200;
    const data = [await update(f.mockPyth, MONTHS[0], 2_100, t), await update(f.mockPyth, MONTHS[1], 2_200, t)];
    await time.setNextBlockTimestamp(t);
    await expect(f.upkeep.updateAndSync(data, { value: 2n * UPDATE_FEE }))
      .to.emit(f.upkeep, "PriceUpdatePaid")
      .withArgs(f.deployer.address, 2n * UPDATE_FEE, t);
    expect(await f.policy.engagedLayers()).to.equal(0b001n);
  });

  describe("refused, with nothing changed", function () {
    it("an underpaid or overpaid fee", async function () {
      const f = await loadFixture(fixture);
      const t = (await time.latest()) + 5;
      const data = [await update(f.mockPyth, MONTHS[0], 3_150, t)];
      const args = (sent: bigint) => [UPDATE_FEE, sent];
      await expectRefused(f, data, UPDATE_FEE - 1n, t, "HedgeUpkeepUpdateFeeMismatch", args(UPDATE_FEE - 1n));
      await expectRefused(f, data, 0n, t + 1, "HedgeUpkeepUpdateFeeMismatch", args(0n));
      await expectRefused(f, data, UPDATE_FEE + 1n, t + 2, "HedgeUpkeepUpdateFeeMismatch", args(UPDATE_FEE + 1n));
      // Two updates cost twice the fee: one fee is short.
      const two = [data[0], await update(f.mockPyth, MONTHS[1], 3_200, t)];
      await expectRefused(f, two, UPDATE_FEE, t + 3, "HedgeUpkeepUpdateFeeMismatch", [2n * UPDATE_FEE, UPDATE_FEE]);
    });

    it("a stale update (older than maxOracleAge, though newer than what Pyth holds)", async function () {
      const f = await loadFixture(fixture);
      const now = (await time.latest()) + 4_000;
      await time.increaseTo(now - 10);
      const data = [await update(f.mockPyth, MONTHS[0], 3_150, now - 3_601)];
      await expectRefused(f, data, UPDATE_FEE, now, "HedgeUpkeepOracleUnusable", [Status.Stale]);
    });

    it("an update from the future", async function () {
      const f = await loadFixture(fixture);
      const t = (await time.latest()) + 5;
      const data = [await update(f.mockPyth, MONTHS[0], 3_150, t + 60)];
      await expectRefused(f, data, UPDATE_FEE, t, "HedgeUpkeepOracleUnusable", [Status.FromFuture]);
    });

    it("an update of a price id the schedule does not read now (another month, or none of them)", async function () {
      const f = await loadFixture(fixture);
      const t = (await time.latest()) + 5;
      const read = (await f.adapter.latestRoundData()).updatedAt;
      for (const [i, id] of [OTHER_ID, MONTHS[1]].entries()) {
        const data = [await update(f.mockPyth, id, 3_150, t + i)];
        await expectRefused(f, data, UPDATE_FEE, t + i, "HedgeUpkeepPriceUpdateIgnored", [read]);
      }
    });

    it("the same update twice: the second keeper is refused (never twice)", async function () {
      const f = await loadFixture(fixture);
      const t = (await time.latest()) + 5;
      const data = [await update(f.mockPyth, MONTHS[0], 3_150, t)];
      await time.setNextBlockTimestamp(t);
      await f.upkeep.updateAndSync(data, { value: UPDATE_FEE });
      await expectRefused(f, data, UPDATE_FEE, t + 1, "HedgeUpkeepPriceUpdateIgnored", [t]);
    });

    it("inside a blend window, an update of one month only", async function () {
      const f = await loadFixture(fixture);
      const windowStart = f.rollTimes[1] - BLEND_WINDOW;
      await pushPrice(f.mockPyth, MONTHS[1], 1_650, windowStart - 100);
      await pushPrice(f.mockPyth, MONTHS[0], 1_500, windowStart - 50);
      const t = windowStart + 3_600;
      const data = [await update(f.mockPyth, MONTHS[0], 3_150, t)];
      await expectRefused(f, data, UPDATE_FEE, t, "HedgeUpkeepPriceUpdateIgnored", [windowStart - 100]);
      // Both months: accepted, the blend (weight 3600/432000 of the next month) engages layers 0 and 1.
      await time.setNextBlockTimestamp(t + 1);
      const both = [data[0], await update(f.mockPyth, MONTHS[1], 3_300, t)];
      const tx = f.upkeep.updateAndSync(both, { value: 2n * UPDATE_FEE });
      await expect(tx).to.emit(f.upkeep, "UpkeepPerformed");
      expect(await f.policy.engagedLayers()).to.equal(0b011n);
    });

    it("a calm update: nothing to sync", async function () {
      const f = await loadFixture(fixture);
      const t = (await time.latest()) + 5;
      const data = [await update(f.mockPyth, MONTHS[0], 1_600, t)];
      await expectRefused(f, data, UPDATE_FEE, t, "HedgeUpkeepNothingToSync", [0, 1_600]);
    });

    it("an oracle that is not a Pyth adapter (a Chainlink feed)", async function () {
      const base = await deployHedgePolicy();
      const upkeep = await (
        await ethers.getContractFactory("HedgeUpkeep")
      ).deploy(base.policy, ZeroAddress, ZeroHash, ZeroAddress);
      await expect(upkeep.updateAndSync([], { value: 0 }))
        .to.be.revertedWithCustomError(upkeep, "HedgeUpkeepOracleNotPyth")
        .withArgs(await base.oracle.getAddress());
    });
  });
});

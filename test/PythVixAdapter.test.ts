// PythVixAdapter: a Chainlink AggregatorV3Interface over Pyth's VIX futures with a roll schedule fixed at
// construction. The constructor's refusals; Pyth's exponent converted to the adapter's decimals; the month read by
// date (before, inside and after a roll's blend window; before the start and past the end refused, through the
// policy too); publishTime as updatedAt (the older month while blending, a future one reported); a broken month
// never blended away; and the roll itself: a typical contango moves the answer gradually and engages no layer, a
// crisis backwardation disengages none under the default hysteresis, an instant switch jumps by the whole gap.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";

import { BLEND_WINDOW, DAY, MONTHS, OTHER_ID, PYTH_EXPO, deployPythPath, pushPrice, update } from "./helpers/pyth";

const fixture = () => deployPythPath();
const instantFixture = () => deployPythPath({ blendWindow: 0 });

/** The adapter's answer in VIX hundredths (8 decimals). */
async function answerOf(adapter: Awaited<ReturnType<typeof fixture>>["adapter"]): Promise<bigint> {
  return (await adapter.latestRoundData()).answer / 10n ** 6n;
}

describe("PythVixAdapter", function () {
  before(async () => loadFixture(fixture));

  describe("construction: the schedule is fixed once, bounded and checked", function () {
    it("emits each month and the schedule's end, and shows them", async function () {
      const { adapter, rollTimes, scheduleEnd } = await loadFixture(fixture);
      const tx = adapter.deploymentTransaction()!;
      for (const i of [0, 1, 2])
        await expect(tx).to.emit(adapter, "MonthScheduled").withArgs(i, MONTHS[i], rollTimes[i]);
      await expect(tx).to.emit(adapter, "ScheduleFixed").withArgs(scheduleEnd, BLEND_WINDOW, 8);
      expect(await adapter.monthCount()).to.equal(3n);
      expect(await adapter.month(1)).to.deep.equal([MONTHS[1], BigInt(rollTimes[1])]);
      expect(await adapter.scheduleEnd()).to.equal(BigInt(scheduleEnd));
      expect(await adapter.decimals()).to.equal(8n);
      expect(await adapter.version()).to.equal(1n);
      expect(await adapter.description()).to.equal("VIX futures (Pyth), rolled");
    });

    it("refuses a Pyth without code, bad decimals or window, bad lengths, ids, roll times and end", async function () {
      const { adapterFactory: f, mockPyth } = await loadFixture(fixture);
      const [eoa] = await ethers.getSigners();
      const ids = MONTHS.slice(0, 2);
      const t = [1_000_000, 1_000_000 + 30 * DAY];
      const end = 1_000_000 + 60 * DAY;
      const deploy = (...a: Parameters<typeof f.deploy>) => f.deploy(...a);
      await expect(deploy(eoa.address, 8, ids, t, end, BLEND_WINDOW, ""))
        .to.be.revertedWithCustomError(f, "PythVixAdapterPythNotContract")
        .withArgs(eoa.address);
      await expect(deploy(mockPyth, 19, ids, t, end, BLEND_WINDOW, ""))
        .to.be.revertedWithCustomError(f, "PythVixAdapterConfigOutOfRange")
        .withArgs(19, BLEND_WINDOW);
      await expect(deploy(mockPyth, 8, ids, t, end, 7 * DAY + 1, ""))
        .to.be.revertedWithCustomError(f, "PythVixAdapterConfigOutOfRange")
        .withArgs(8, 7 * DAY + 1);
      await expect(deploy(mockPyth, 8, [], [], end, BLEND_WINDOW, ""))
        .to.be.revertedWithCustomError(f, "PythVixAdapterScheduleLength")
        .withArgs(0, 0, 24);
      await expect(deploy(mockPyth, 8, ids, [t[0]], end, BLEND_WINDOW, ""))
        .to.be.revertedWithCustomError(f, "PythVixAdapterScheduleLength")
        .withArgs(2, 1, 24);
      const many = Array.from({ length: 25 }, (_, i) => ethers.id(`m${i}`));
      const manyTimes = many.map((_, i) => 1_000_000 + i * 30 * DAY);
      await expect(deploy(mockPyth, 8, many, manyTimes, 1_000_000 + 25 * 30 * DAY, BLEND_WINDOW, ""))
        .to.be.revertedWithCustomError(f, "PythVixAdapterScheduleLength")
        .withArgs(25, 25, 24);
      await expect(deploy(mockPyth, 8, [ids[0], ethers.ZeroHash], t, end, BLEND_WINDOW, ""))
        .to.be.revertedWithCustomError(f, "PythVixAdapterPriceIdInvalid")
        .withArgs(1, ethers.ZeroHash);
      await expect(deploy(mockPyth, 8, [ids[0], ids[0]], t, end, BLEND_WINDOW, ""))
        .to.be.revertedWithCustomError(f, "PythVixAdapterPriceIdInvalid")
        .withArgs(1, ids[0]);
      await expect(deploy(mockPyth, 8, ids, [t[0], t[0] + BLEND_WINDOW - 1], end, BLEND_WINDOW, ""))
        .to.be.revertedWithCustomError(f, "PythVixAdapterRollTooEarly")
        .withArgs(1, t[0] + BLEND_WINDOW - 1, t[0] + BLEND_WINDOW);
      await expect(deploy(mockPyth, 8, ids, [t[0], t[0]], end, 0, ""))
        .to.be.revertedWithCustomError(f, "PythVixAdapterRollTooEarly")
        .withArgs(1, t[0], t[0] + 1);
      await expect(deploy(mockPyth, 8, ids, t, t[1], BLEND_WINDOW, ""))
        .to.be.revertedWithCustomError(f, "PythVixAdapterScheduleEndTooEarly")
        .withArgs(t[1], t[1]);
      // The cap itself is accepted.
      await expect(deploy(mockPyth, 8, many.slice(0, 24), manyTimes.slice(0, 24), manyTimes[24], BLEND_WINDOW, "")).not
        .to.be.reverted;
    });
  });

  describe("the price: Pyth's exponent converted, publishTime as updatedAt", function () {
    it("reports VIX 15.00 (expo -5) with 8 decimals and publishTime as updatedAt and roundId", async function () {
      const { adapter, mockPyth } = await loadFixture(fixture);
      const t = await pushPrice(mockPyth, MONTHS[0], 2_345);
      const round = await adapter.latestRoundData();
      expect(round.answer).to.equal(23_45000000n);
      expect(round.updatedAt).to.equal(BigInt(t));
      expect(round.startedAt).to.equal(BigInt(t));
      expect(round.roundId).to.equal(BigInt(t));
      expect(round.answeredInRound).to.equal(BigInt(t));
      expect(await adapter.getRoundData(t)).to.deep.equal(round);
      await expect(adapter.getRoundData(t - 1))
        .to.be.revertedWithCustomError(adapter, "PythVixAdapterNoHistory")
        .withArgs(t - 1);
    });

    it("converts any exponent: finer ones truncated, coarser ones scaled, absurd ones refused", async function () {
      const { adapter, mockPyth } = await loadFixture(fixture);
      const push = async (expo: number, raw: bigint) => {
        const t = (await time.latest()) + 1;
        await time.setNextBlockTimestamp(t);
        await mockPyth.updatePriceFeeds([await update(mockPyth, MONTHS[0], 0, t, expo, raw)], { value: 1_000n });
      };
      await push(-10, 234_567_890_123n); // 23.4567890123
      expect((await adapter.latestRoundData()).answer).to.equal(23_45678901n);
      await push(0, 23n);
      expect((await adapter.latestRoundData()).answer).to.equal(23_00000000n);
      await push(-47, 1n);
      await expect(adapter.latestRoundData())
        .to.be.revertedWithCustomError(adapter, "PythVixAdapterExponentOutOfRange")
        .withArgs(MONTHS[0], -47);
      await push(31, 1n);
      await expect(adapter.latestRoundData())
        .to.be.revertedWithCustomError(adapter, "PythVixAdapterExponentOutOfRange")
        .withArgs(MONTHS[0], 31);
    });

    it("reports a zero or negative price as it is: the policy refuses it", async function () {
      const { adapter, mockPyth, policy } = await loadFixture(fixture);
      const t = (await time.latest()) + 1;
      await time.setNextBlockTimestamp(t);
      await mockPyth.updatePriceFeeds([await update(mockPyth, MONTHS[0], 0, t, PYTH_EXPO, -5n)], { value: 1_000n });
      expect((await adapter.latestRoundData()).answer).to.equal(-5000n);
      await expect(policy.syncLayers()).to.be.revertedWithCustomError(policy, "HedgePolicyOracleAnswerNotPositive");
    });
  });

  describe("the roll by date", function () {
    it("reads the front month before the window, both inside it, the next one from the roll time", async function () {
      const { adapter, rollTimes } = await loadFixture(fixture);
      const windowStart = rollTimes[1] - BLEND_WINDOW;
      expect(await adapter.priceIdsAt(rollTimes[0])).to.deep.equal([MONTHS[0], ethers.ZeroHash, 0n]);
      expect(await adapter.priceIdsAt(windowStart - 1)).to.deep.equal([MONTHS[0], ethers.ZeroHash, 0n]);
      expect(await adapter.priceIdsAt(windowStart)).to.deep.equal([MONTHS[0], MONTHS[1], 0n]);
      expect(await adapter.priceIdsAt(windowStart + BLEND_WINDOW / 2)).to.deep.equal([MONTHS[0], MONTHS[1], 5_000n]);
      expect(await adapter.priceIdsAt(rollTimes[1] - 1)).to.deep.equal([MONTHS[0], MONTHS[1], 9_999n]);
      expect(await adapter.priceIdsAt(rollTimes[1])).to.deep.equal([MONTHS[1], ethers.ZeroHash, 0n]);
      expect(await adapter.priceIdsAt(rollTimes[2])).to.deep.equal([MONTHS[2], ethers.ZeroHash, 0n]);
    });

    it("refuses before the start and from the end on, and the policy refuses the sync", async function () {
      const { adapter, mockPyth, policy, rollTimes, scheduleEnd } = await loadFixture(fixture);
      await expect(adapter.priceIdsAt(rollTimes[0] - 1))
        .to.be.revertedWithCustomError(adapter, "PythVixAdapterScheduleNotStarted")
        .withArgs(rollTimes[0]);
      await expect(adapter.priceIdsAt(scheduleEnd))
        .to.be.revertedWithCustomError(adapter, "PythVixAdapterScheduleEnded")
        .withArgs(scheduleEnd);
      expect((await adapter.priceIdsAt(scheduleEnd - 1))[0]).to.equal(MONTHS[2]);
      await pushPrice(mockPyth, MONTHS[2], 1_600, scheduleEnd - 10);
      await time.setNextBlockTimestamp(scheduleEnd - 5);
      await expect(policy.syncLayers()).not.to.be.reverted; // the last month, fresh, up to its end
      await pushPrice(mockPyth, MONTHS[2], 1_600, scheduleEnd);
      await expect(adapter.latestRoundData())
        .to.be.revertedWithCustomError(adapter, "PythVixAdapterScheduleEnded")
        .withArgs(scheduleEnd);
      await expect(policy.syncLayers())
        .to.be.revertedWithCustomError(policy, "HedgePolicyOracleUnavailable")
        .withArgs(await adapter.getAddress());
    });

    it("reads the next month's price id after the roll: an update of the old month no longer counts", async function () {
      const { adapter, mockPyth, rollTimes } = await loadFixture(fixture);
      await pushPrice(mockPyth, MONTHS[1], 1_700, rollTimes[1] - 100);
      await pushPrice(mockPyth, MONTHS[0], 1_500, rollTimes[1] + 10);
      const round = await adapter.latestRoundData();
      expect(round.answer).to.equal(17_00000000n);
      expect(round.updatedAt).to.equal(BigInt(rollTimes[1] - 100));
    });
  });

  describe("inside a blend window: both months must be fresh", function () {
    it("blends linearly by the time elapsed; updatedAt is the older publish time", async function () {
      const { adapter, mockPyth, rollTimes } = await loadFixture(fixture);
      const windowStart = rollTimes[1] - BLEND_WINDOW;
      const tNext = await pushPrice(mockPyth, MONTHS[1], 2_000, windowStart - 50);
      const tFront = await pushPrice(mockPyth, MONTHS[0], 1_800, windowStart);
      expect(await answerOf(adapter)).to.equal(1_800n); // weight 0 at the window's start
      expect((await adapter.latestRoundData()).updatedAt).to.equal(BigInt(tNext));
      await time.increaseTo(windowStart + BLEND_WINDOW / 4);
      expect(await answerOf(adapter)).to.equal(1_850n);
      expect((await adapter.latestRoundData()).updatedAt).to.equal(BigInt(tNext));
      expect(tFront).to.be.greaterThan(tNext);
    });

    it("reports a future publish time of either month, and a broken month instead of blending it away", async function () {
      const { adapter, mockPyth, rollTimes } = await loadFixture(fixture);
      const windowStart = rollTimes[1] - BLEND_WINDOW;
      await pushPrice(mockPyth, MONTHS[0], 1_800, windowStart + 10);
      const future = windowStart + 3_600;
      await mockPyth.updatePriceFeeds([await update(mockPyth, MONTHS[1], 2_000, future)], { value: 1_000n });
      expect((await adapter.latestRoundData()).updatedAt).to.equal(BigInt(future));
      const t = (await time.latest()) + 1;
      await time.setNextBlockTimestamp(t);
      await mockPyth.updatePriceFeeds([await update(mockPyth, MONTHS[0], 0, t, PYTH_EXPO, 0n)], { value: 1_000n });
      expect((await adapter.latestRoundData()).answer).to.equal(0n);
    });
  });

  describe("a roll must not look like a spike", function () {
    /** Walks a roll window in `steps`, both months fresh at each step, syncing; returns the answers read. */
    async function walkRoll(f: Awaited<ReturnType<typeof fixture>>, front: number, next: number, steps: number) {
      const { adapter, mockPyth, policy, rollTimes } = f;
      const windowStart = rollTimes[1] - f.blendWindow;
      const answers: bigint[] = [];
      for (let i = 0; i <= steps; i++) {
        const t = windowStart - 1 + Math.floor((i * f.blendWindow) / steps) + (i === steps ? 1 : 0);
        await time.setNextBlockTimestamp(t);
        await mockPyth.updatePriceFeeds(
          [await update(mockPyth, MONTHS[0], front, t), await update(mockPyth, MONTHS[1], next, t)],
          { value: 2_000n },
        );
        await policy.syncLayers();
        answers.push(await answerOf(adapter));
      }
      return answers;
    }

    it("a typical contango (18.00 → 19.50) moves the answer by small steps and engages no layer", async function () {
      const f = await loadFixture(fixture);
      const answers = await walkRoll(f, 1_800, 1_950, 20);
      expect(answers[0]).to.equal(1_800n);
      expect(answers.at(-1)).to.equal(1_950n);
      for (let i = 1; i < answers.length; i++) expect(answers[i] - answers[i - 1]).to.be.lessThanOrEqual(8n);
      expect(await f.policy.engagedLayers()).to.equal(0n);
    });

    it("a crisis backwardation (29.00 → 27.00) does not disengage layer 1 (trigger 28.00, hysteresis 2.00)", async function () {
      const f = await loadFixture(fixture);
      await pushPrice(f.mockPyth, MONTHS[0], 2_900);
      await f.policy.syncLayers();
      expect(await f.policy.engagedLayers()).to.equal(0b011n);
      const answers = await walkRoll(f, 2_900, 2_700, 10);
      expect(answers.at(-1)).to.equal(2_700n);
      expect(await f.policy.engagedLayers()).to.equal(0b011n);
    });

    it("a next month at the trigger (19.00 → 20.50) engages layer 0 gradually, when the blend reaches 20.00", async function () {
      // The honest case: the blend does not hide the curve. The next month prices VIX 20.50 for the horizon the
      // hedge reads; the layer engages at the step where the blend crosses 20.00 (2/3 of the window), not at once.
      const f = await loadFixture(fixture);
      const answers = await walkRoll(f, 1_900, 2_050, 30);
      const first = answers.findIndex((a) => a >= 2_000n);
      expect(first).to.equal(20);
      expect(await f.policy.engagedLayers()).to.equal(0b001n);
    });

    it("without a blend window (an instant switch) the same contango jumps by the whole gap in one second", async function () {
      const f = await loadFixture(instantFixture);
      const { adapter, mockPyth, policy, rollTimes } = f;
      const t = rollTimes[1] - 1;
      await time.setNextBlockTimestamp(t);
      await mockPyth.updatePriceFeeds(
        [await update(mockPyth, MONTHS[0], 1_900, t), await update(mockPyth, MONTHS[1], 2_050, t)],
        { value: 2_000n },
      );
      expect(await answerOf(adapter)).to.equal(1_900n);
      await time.setNextBlockTimestamp(rollTimes[1]);
      const tx = policy.syncLayers();
      await expect(tx).to.emit(policy, "LayerEngaged").withArgs(0, 2_050);
    });
  });

  it("never reads an unscheduled price id", async function () {
    const { adapter, mockPyth } = await loadFixture(fixture);
    const before = await adapter.latestRoundData();
    await pushPrice(mockPyth, OTHER_ID, 4_000);
    expect(await adapter.latestRoundData()).to.deep.equal(before);
  });
});

// HedgePolicy.syncLayers: oracle normalisation, engagement at the trigger, disengagement below the hysteresis band,
// the events and the returned mask, every oracle failure, and what setPolicy does to engaged layers.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, setCode, time } from "@nomicfoundation/hardhat-network-helpers";

import type { HedgePolicy, MockV3Aggregator } from "../typechain-types";
import { Instrument } from "../scripts/lib/policy";
import {
  deployHedgePolicy,
  expectUnchanged,
  layerEvents,
  snapshotState,
  vixAnswer,
  withEdit,
} from "./helpers/hedgePolicy";

async function fixture() {
  return deployHedgePolicy();
}

/** Sets the 8-decimal mock to VIX `hundredths`, dated now. */
async function setVix(oracle: MockV3Aggregator, hundredths: number) {
  await oracle.updateAnswer(vixAnswer(hundredths));
}

/**
 * Runs syncLayers, checking that its return value (via staticCall, on the pending block so that a timestamp set with
 * time.setNextBlockTimestamp applies) is the mask stored afterwards, and that it emits exactly `expectedEvents`.
 */
async function sync(policy: HedgePolicy, expectedMask: number, expectedEvents: [string, number, number][]) {
  expect(await policy.syncLayers.staticCall({ blockTag: "pending" })).to.equal(BigInt(expectedMask));
  const tx = await policy.syncLayers();
  expect(await layerEvents(policy, tx)).to.deep.equal(expectedEvents);
  expect(await policy.engagedLayers()).to.equal(BigInt(expectedMask));
  return tx;
}

/**
 * Points the policy at a feed answering `answer` with `decimals`: syncLayers refuses it as out of range and changes
 * nothing.
 */
async function expectOutOfRange(
  { policy, oracleFactory, governance }: Awaited<ReturnType<typeof fixture>>,
  decimals: number,
  answer: bigint,
) {
  await policy.connect(governance).setOracle(await oracleFactory.deploy(decimals, answer));
  const before = await snapshotState(policy);
  await expect(policy.syncLayers())
    .to.be.revertedWithCustomError(policy, "HedgePolicyOracleAnswerOutOfRange")
    .withArgs(answer, decimals);
  await expectUnchanged(policy, before);
}

const MAX_UINT32 = 2n ** 32n - 1n;

describe("HedgePolicy.syncLayers", function () {
  before(async () => loadFixture(fixture)); // the deployment, once, outside the tests' time

  describe("normalising the oracle answer to VIX hundredths", function () {
    const cases: [number, bigint, number][] = [
      [0, 22n, 2_200], // VIX 22.50 given as 22
      [1, 225n, 2_250],
      [2, 2_250n, 2_250],
      [8, 2_250_000_000n, 2_250],
      [8, 2_250_999_999n, 2_250], // rounds down
      [18, 22_500_000_000_000_000_000n, 2_250], // 22.5e18
      [38, 225n * 10n ** 37n, 2_250],
    ];
    for (const [decimals, answer, vix] of cases) {
      it(`reads ${answer} with ${decimals} decimals as ${vix}`, async function () {
        const { policy, oracleFactory, governance } = await loadFixture(fixture);
        const feed = await oracleFactory.deploy(decimals, answer);
        await policy.connect(governance).setOracle(feed);
        const tx = await sync(policy, 0b001, [["LayerEngaged", 0, vix]]);
        await expect(tx).to.emit(policy, "LayerEngaged").withArgs(0n, BigInt(vix));
      });
    }

    const largest: [number, bigint][] = [
      [0, MAX_UINT32 / 100n],
      [1, MAX_UINT32 / 10n],
      [8, MAX_UINT32 * 10n ** 6n + 999_999n],
    ];
    for (const [decimals, answer] of largest) {
      it(`accepts the largest answer with ${decimals} decimals (${answer})`, async function () {
        const { policy, oracleFactory, governance } = await loadFixture(fixture);
        await policy.connect(governance).setOracle(await oracleFactory.deploy(decimals, answer));
        const vix = decimals === 8 ? Number(MAX_UINT32) : Number(answer * 10n ** BigInt(2 - decimals));
        await sync(policy, 0b111, [
          ["LayerEngaged", 0, vix],
          ["LayerEngaged", 1, vix],
          ["LayerEngaged", 2, vix],
        ]);
      });
    }

    const tooLarge: [number, bigint][] = [
      [0, MAX_UINT32 / 100n + 1n],
      [1, MAX_UINT32 / 10n + 1n],
      [8, (MAX_UINT32 + 1n) * 10n ** 6n],
      [0, 2n ** 255n - 1n],
      [39, 225n * 10n ** 38n], // more decimals than supported
    ];
    for (const [decimals, answer] of tooLarge) {
      it(`rejects ${answer} with ${decimals} decimals as out of range`, async function () {
        await expectOutOfRange(await loadFixture(fixture), decimals, answer);
      });
    }

    it("rejects a positive answer that normalises to VIX 0.00 instead of disengaging every layer", async function () {
      const sys = await loadFixture(fixture);
      const { policy, oracle, oracleFactory, governance } = sys;
      await setVix(oracle, 5_000);
      await sync(policy, 0b111, [
        ["LayerEngaged", 0, 5_000],
        ["LayerEngaged", 1, 5_000],
        ["LayerEngaged", 2, 5_000],
      ]);
      await expectOutOfRange(sys, 18, 9_999_999_999_999_999n);
      // The smallest positive answer, 1, is positive: refused for its scale, not as not positive.
      await expectOutOfRange(sys, 8, 1n);

      // VIX 0.01 is the smallest level there is: it is read, and disengages every layer.
      await policy.connect(governance).setOracle(await oracleFactory.deploy(18, 10n ** 16n));
      await sync(policy, 0, [
        ["LayerDisengaged", 0, 1],
        ["LayerDisengaged", 1, 1],
        ["LayerDisengaged", 2, 1],
      ]);
    });
  });

  describe("engaging and disengaging", function () {
    it("engages nothing at VIX 15.00 and can be called by anyone", async function () {
      const { policy, stranger } = await loadFixture(fixture);
      expect(await policy.connect(stranger).syncLayers.staticCall()).to.equal(0n);
      const tx = await policy.connect(stranger).syncLayers();
      await expect(tx).to.not.emit(policy, "LayerEngaged");
      await expect(tx).to.not.emit(policy, "LayerDisengaged");
      expect(await policy.engagedLayers()).to.equal(0n);
    });

    it("engages a layer when VIX equals its trigger", async function () {
      const { policy, oracle } = await loadFixture(fixture);
      await setVix(oracle, 2_000);
      const tx = await sync(policy, 0b001, [["LayerEngaged", 0, 2_000]]);
      await expect(tx).to.emit(policy, "LayerEngaged").withArgs(0n, 2_000n);
      await expect(tx).to.not.emit(policy, "LayerDisengaged");
    });

    it("does not engage a layer one hundredth below its trigger", async function () {
      const { policy, oracle } = await loadFixture(fixture);
      await setVix(oracle, 1_999);
      const tx = await sync(policy, 0, []);
      await expect(tx).to.not.emit(policy, "LayerEngaged");
    });

    it("keeps a layer engaged down to trigger - hysteresis and disengages it one hundredth below", async function () {
      const { policy, oracle } = await loadFixture(fixture);
      await setVix(oracle, 2_000);
      await sync(policy, 0b001, [["LayerEngaged", 0, 2_000]]);

      await setVix(oracle, 1_800); // trigger 2,000 - hysteresis 200
      const stay = await sync(policy, 0b001, []);
      await expect(stay).to.not.emit(policy, "LayerDisengaged");

      await setVix(oracle, 1_799);
      const leave = await sync(policy, 0, [["LayerDisengaged", 0, 1_799]]);
      await expect(leave).to.emit(policy, "LayerDisengaged").withArgs(0n, 1_799n);

      // Once disengaged, the layer needs the full trigger again.
      await setVix(oracle, 1_999);
      await sync(policy, 0, []);
      await setVix(oracle, 2_000);
      await sync(policy, 0b001, [["LayerEngaged", 0, 2_000]]);
    });

    it("with zero hysteresis disengages one hundredth below the trigger", async function () {
      const { policy, oracle, governance } = await loadFixture(fixture);
      await policy.connect(governance).setPolicy(
        withEdit((p) => (p.hysteresisVix = 0)),
        1n,
      );
      await setVix(oracle, 2_000);
      await sync(policy, 0b001, [["LayerEngaged", 0, 2_000]]);
      await sync(policy, 0b001, []); // same VIX: nothing changes
      await setVix(oracle, 1_999);
      await sync(policy, 0, [["LayerDisengaged", 0, 1_999]]);
    });

    it("emits one event per changed layer and none for unchanged layers", async function () {
      const { policy, oracle } = await loadFixture(fixture);
      // Triggers 2,000 / 2,800 / 3,500, hysteresis 200.
      await setVix(oracle, 2_800);
      const first = await sync(policy, 0b011, [
        ["LayerEngaged", 0, 2_800],
        ["LayerEngaged", 1, 2_800],
      ]);
      await expect(first).to.emit(policy, "LayerEngaged").withArgs(0n, 2_800n);
      await expect(first).to.emit(policy, "LayerEngaged").withArgs(1n, 2_800n);
      await expect(first).to.not.emit(policy, "LayerDisengaged");

      await setVix(oracle, 3_500);
      const second = await sync(policy, 0b111, [["LayerEngaged", 2, 3_500]]);
      await expect(second).to.emit(policy, "LayerEngaged").withArgs(2n, 3_500n);

      await setVix(oracle, 2_600); // layer 1 holds (2,600 = 2,800 - 200), layer 2 goes
      const third = await sync(policy, 0b011, [["LayerDisengaged", 2, 2_600]]);
      await expect(third).to.not.emit(policy, "LayerEngaged");

      await setVix(oracle, 1_000);
      await sync(policy, 0, [
        ["LayerDisengaged", 0, 1_000],
        ["LayerDisengaged", 1, 1_000],
      ]);
    });

    it("re-evaluates engaged layers against triggers moved by setPolicy", async function () {
      const { policy, oracle, governance } = await loadFixture(fixture);
      await setVix(oracle, 3_000);
      await sync(policy, 0b011, [
        ["LayerEngaged", 0, 3_000],
        ["LayerEngaged", 1, 3_000],
      ]);
      const withTriggers = (triggers: number[]) =>
        withEdit((p) => p.layers.forEach((l, i) => (l.triggerVix = triggers[i])));

      // setPolicy keeps the mask; the next sync disengages layer 1 (3,000 + 200 < 3,300).
      await policy.connect(governance).setPolicy(withTriggers([2_000, 3_300, 3_400]), 1n);
      expect(await policy.engagedLayers()).to.equal(0b011n);
      await sync(policy, 0b001, [["LayerDisengaged", 1, 3_000]]);

      // Layer 0 moved above VIX but within the band (3,000 + 200 >= 3,200): it stays engaged.
      await policy.connect(governance).setPolicy(withTriggers([3_200, 3_300, 3_400]), 2n);
      await sync(policy, 0b001, []);

      // One hundredth further and it disengages.
      await policy.connect(governance).setPolicy(withTriggers([3_201, 3_300, 3_400]), 3n);
      await sync(policy, 0, [["LayerDisengaged", 0, 3_000]]);
    });

    it("handles 5 layers and the top trigger of 10,000", async function () {
      const { policy, oracle, governance } = await loadFixture(fixture);
      const five = withEdit((p) => {
        p.layers = [1_000, 2_000, 3_000, 5_000, 10_000].map((triggerVix, i) => ({
          allocationBps: 2_000,
          tenorDays: 30 * (i + 1),
          triggerVix,
          instrument: Instrument.SpxPuts,
        }));
        p.hysteresisVix = 1_000;
      });
      await policy.connect(governance).setPolicy(five, 1n);
      await setVix(oracle, 9_999);
      await sync(policy, 0b01111, [
        ["LayerEngaged", 0, 9_999],
        ["LayerEngaged", 1, 9_999],
        ["LayerEngaged", 2, 9_999],
        ["LayerEngaged", 3, 9_999],
      ]);
      await setVix(oracle, 10_000);
      await sync(policy, 0b11111, [["LayerEngaged", 4, 10_000]]);
      await setVix(oracle, 3_999); // 3,999 + 1,000 < 5,000 and < 10,000; 3,000 and below hold
      await sync(policy, 0b00111, [
        ["LayerDisengaged", 3, 3_999],
        ["LayerDisengaged", 4, 3_999],
      ]);
    });

    it("does not write or emit when nothing changes", async function () {
      const { policy, oracle } = await loadFixture(fixture);
      await setVix(oracle, 3_000);
      await policy.syncLayers();
      const before = await snapshotState(policy);
      const tx = await sync(policy, 0b011, []);
      expect((await tx.wait())!.logs).to.have.length(0);
      await expectUnchanged(policy, before);
    });
  });

  describe("oracle failures (state unchanged)", function () {
    async function engagedFixture() {
      const deployed = await deployHedgePolicy();
      await setVix(deployed.oracle, 2_800);
      await deployed.policy.syncLayers();
      return deployed;
    }

    it("accepts an answer exactly maxOracleAge old", async function () {
      const { policy, oracle } = await loadFixture(engagedFixture);
      const updatedAt = await time.latest();
      await oracle.updateRoundData(10, vixAnswer(3_500), updatedAt, updatedAt);
      await time.setNextBlockTimestamp(updatedAt + 3_600);
      await sync(policy, 0b111, [["LayerEngaged", 2, 3_500]]);
      expect(await time.latest()).to.equal(updatedAt + 3_600);
    });

    it("rejects an answer maxOracleAge + 1 s old as stale", async function () {
      const { policy, oracle } = await loadFixture(engagedFixture);
      const updatedAt = await time.latest();
      await oracle.updateRoundData(10, vixAnswer(3_500), updatedAt, updatedAt);
      const before = await snapshotState(policy);
      await time.setNextBlockTimestamp(updatedAt + 3_601);
      await expect(policy.syncLayers())
        .to.be.revertedWithCustomError(policy, "HedgePolicyOracleAnswerStale")
        .withArgs(updatedAt, 3_600n);
      await expectUnchanged(policy, before);
    });

    it("goes stale as time passes without a new answer, per the policy's maxOracleAge", async function () {
      const { policy, oracle, governance } = await loadFixture(engagedFixture);
      await policy.connect(governance).setPolicy(
        withEdit((p) => (p.maxOracleAge = 60)),
        1n,
      );
      await setVix(oracle, 3_500);
      const updatedAt = await time.latest();
      await time.increase(59); // the next block is 60 s after the answer
      await sync(policy, 0b111, [["LayerEngaged", 2, 3_500]]);
      const before = await snapshotState(policy);
      await time.increase(1);
      await expect(policy.syncLayers())
        .to.be.revertedWithCustomError(policy, "HedgePolicyOracleAnswerStale")
        .withArgs(updatedAt, 60n);
      await expectUnchanged(policy, before);
    });

    it("accepts an answer dated in the current block", async function () {
      const { policy, oracle } = await loadFixture(engagedFixture);
      const now = await time.latest();
      await oracle.updateRoundData(10, vixAnswer(3_500), now + 10, now + 10);
      await time.setNextBlockTimestamp(now + 10);
      await sync(policy, 0b111, [["LayerEngaged", 2, 3_500]]);
    });

    it("rejects an answer dated in the future", async function () {
      const { policy, oracle } = await loadFixture(engagedFixture);
      const now = await time.latest();
      await oracle.updateRoundData(10, vixAnswer(3_500), now + 11, now + 11);
      const before = await snapshotState(policy);
      await time.setNextBlockTimestamp(now + 10);
      await expect(policy.syncLayers())
        .to.be.revertedWithCustomError(policy, "HedgePolicyOracleAnswerFromFuture")
        .withArgs(now + 11, now + 10);
      await expectUnchanged(policy, before);
    });

    for (const answer of [0n, -1n, -vixAnswer(3_500), -(2n ** 255n)]) {
      it(`rejects the answer ${answer} as not positive`, async function () {
        const { policy, oracle } = await loadFixture(engagedFixture);
        await oracle.updateAnswer(answer);
        const before = await snapshotState(policy);
        await expect(policy.syncLayers())
          .to.be.revertedWithCustomError(policy, "HedgePolicyOracleAnswerNotPositive")
          .withArgs(answer);
        await expectUnchanged(policy, before);
      });
    }

    it("rejects an incomplete round (updatedAt == 0)", async function () {
      const { policy, oracle } = await loadFixture(engagedFixture);
      await oracle.updateRoundData(7, vixAnswer(3_500), 0, 0);
      const before = await snapshotState(policy);
      await expect(policy.syncLayers())
        .to.be.revertedWithCustomError(policy, "HedgePolicyOracleRoundIncomplete")
        .withArgs(7n);
      await expectUnchanged(policy, before);
    });

    it("rejects a reverting oracle as unavailable", async function () {
      const { policy, governance } = await loadFixture(engagedFixture);
      const broken = await (await ethers.getContractFactory("RevertingOracle")).deploy();
      await policy.connect(governance).setOracle(broken);
      const before = await snapshotState(policy);
      await expect(policy.syncLayers())
        .to.be.revertedWithCustomError(policy, "HedgePolicyOracleUnavailable")
        .withArgs(await broken.getAddress());
      await expectUnchanged(policy, before);
    });

    // Runtime code of contracts that answer every call with malformed data.
    const malformed: [string, string][] = [
      ["returns nothing", "0x00"],
      // mstore(0, 8) return(0, 32): decimals() is fine, latestRoundData() is 32 bytes instead of 160.
      ["returns one word to every call", "0x600860005260206000f3"],
      // mstore(0, 256) return(0, 32): decimals() does not fit a uint8.
      ["returns decimals 256", "0x61010060005260206000f3"],
      // decimals() returns 8; latestRoundData() returns 160 bytes whose round id, 2^80, does not fit a uint80.
      [
        "returns a round id beyond uint80",
        "0x60003560e01c63313ce56714601c57600160501b60005260a06000f35b600860005260206000f3",
      ],
    ];
    for (const [name, code] of malformed) {
      it(`rejects an oracle that ${name} as unavailable`, async function () {
        const { policy, governance } = await loadFixture(engagedFixture);
        const address = ethers.Wallet.createRandom().address;
        await setCode(address, code);
        await policy.connect(governance).setOracle(address);
        const before = await snapshotState(policy);
        await expect(policy.syncLayers())
          .to.be.revertedWithCustomError(policy, "HedgePolicyOracleUnavailable")
          .withArgs(address);
        await expectUnchanged(policy, before);
      });
    }
  });

  it("reads a round id of exactly 2^80 - 1, the largest a uint80 holds", async function () {
    const { policy, oracle } = await loadFixture(fixture);
    const now = BigInt(await time.latest());
    await oracle.updateRoundData(2n ** 80n - 1n, vixAnswer(4_000), now, now);
    await sync(policy, 0b111, [
      ["LayerEngaged", 0, 4_000],
      ["LayerEngaged", 1, 4_000],
      ["LayerEngaged", 2, 4_000],
    ]);
  });

  it("rejects an oracle whose code is gone as unavailable", async function () {
    const { policy, oracle } = await loadFixture(fixture);
    await setCode(await oracle.getAddress(), "0x");
    const before = await snapshotState(policy);
    await expect(policy.syncLayers())
      .to.be.revertedWithCustomError(policy, "HedgePolicyOracleUnavailable")
      .withArgs(await oracle.getAddress());
    await expectUnchanged(policy, before);
  });

  describe("engaged layers across setPolicy", function () {
    it("clears the bits of removed layers and keeps the others", async function () {
      const { policy, oracle, governance } = await loadFixture(fixture);
      await setVix(oracle, 4_000);
      await sync(policy, 0b111, [
        ["LayerEngaged", 0, 4_000],
        ["LayerEngaged", 1, 4_000],
        ["LayerEngaged", 2, 4_000],
      ]);
      const two = withEdit((p) => {
        p.layers = p.layers.slice(0, 2);
        p.layers[1].allocationBps = 6_000;
      });
      const removal = policy.connect(governance).setPolicy(two, 1n);
      await expect(removal).to.emit(policy, "PolicyUpdated");
      await expect(removal).to.emit(policy, "LayerDisengaged").withArgs(2, 0);
      expect(await layerEvents(policy, await removal)).to.deep.equal([["LayerDisengaged", 2, 0]]);
      expect(await policy.engagedLayers()).to.equal(0b011n);
      // Nothing left to change at VIX 40.00.
      await sync(policy, 0b011, []);

      // Adding a third layer back starts it disengaged.
      const three = withEdit((p) => (p.layers[2].triggerVix = 4_500));
      await policy.connect(governance).setPolicy(three, 2n);
      expect(await policy.engagedLayers()).to.equal(0b011n);
      await setVix(oracle, 4_500);
      await sync(policy, 0b111, [["LayerEngaged", 2, 4_500]]);
    });

    it("keeps engaged layers engaged when a 1-layer policy replaces them", async function () {
      const { policy, oracle, governance } = await loadFixture(fixture);
      await setVix(oracle, 3_600);
      await policy.syncLayers();
      expect(await policy.engagedLayers()).to.equal(0b111n);
      const removal = await policy.connect(governance).setPolicy(
        withEdit((p) => (p.layers = [{ ...p.layers[2], allocationBps: 10_000 }])),
        1n,
      );
      expect(await layerEvents(policy, removal)).to.deep.equal([
        ["LayerDisengaged", 1, 0],
        ["LayerDisengaged", 2, 0],
      ]);
      expect(await policy.engagedLayers()).to.equal(0b001n);
    });

    it("disengages the fifth layer when a 4-layer policy replaces an engaged 5-layer one", async function () {
      const { policy, oracle, governance } = await loadFixture(fixture);
      const five = withEdit((p) => {
        p.layers = [
          { allocationBps: 2_000, tenorDays: 30, triggerVix: 2_000, instrument: Instrument.VixCallSpread },
          { allocationBps: 2_000, tenorDays: 60, triggerVix: 2_400, instrument: Instrument.VixCallSpread },
          { allocationBps: 2_000, tenorDays: 90, triggerVix: 2_800, instrument: Instrument.VixFutures },
          { allocationBps: 2_000, tenorDays: 120, triggerVix: 3_200, instrument: Instrument.VixFutures },
          { allocationBps: 2_000, tenorDays: 180, triggerVix: 3_600, instrument: Instrument.SpxPuts },
        ];
      });
      await policy.connect(governance).setPolicy(five, 1n);
      await setVix(oracle, 4_000);
      await policy.syncLayers();
      expect(await policy.engagedLayers()).to.equal(0b11111n);

      const four = withEdit((p) => {
        p.layers = p.layers.slice(0, 4);
        p.layers[3].allocationBps = 4_000;
      }, five);
      const removal = await policy.connect(governance).setPolicy(four, 2n);
      // The highest layer id, alone in the removed set: a shift in the wrong direction would skip it.
      expect(await layerEvents(policy, removal)).to.deep.equal([["LayerDisengaged", 4, 0]]);
      expect(await policy.engagedLayers()).to.equal(0b01111n);
    });

    it("keeps the mask through a nudge", async function () {
      const { policy, oracle, steward } = await loadFixture(fixture);
      await setVix(oracle, 2_100);
      await sync(policy, 0b001, [["LayerEngaged", 0, 2_100]]);
      await policy.connect(steward).nudgeTrigger(0, 2_200);
      expect(await policy.engagedLayers()).to.equal(0b001n);
      // VIX 21.00 is within the band of the new trigger (22.00 - 2.00), so layer 0 stays engaged.
      await sync(policy, 0b001, []);
    });
  });
});

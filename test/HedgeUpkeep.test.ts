// HedgeUpkeep: checkUpkeep is true exactly when syncLayers would change the engaged layers from a fresh answer and
// never reverts; performUpkeep checks again, syncs and does nothing else, whoever calls it. Spikes, the hysteresis
// edges, stale / future / incomplete / non-positive / out-of-range answers, reverting and malformed feeds, repeated
// performUpkeep calls, and a random walk that compares the upkeep's judgement with syncLayers itself.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, setCode, time } from "@nomicfoundation/hardhat-network-helpers";
import { AbiCoder, ZeroAddress, ZeroHash } from "ethers";

import type { HedgeUpkeep } from "../typechain-types";
import { deployHedgePolicy, vixAnswer, withEdit } from "./helpers/hedgePolicy";

/** IHedgeUpkeep.OracleStatus */
const Status = { Fresh: 0, Unavailable: 1, RoundIncomplete: 2, FromFuture: 3, Stale: 4, NotPositive: 5, OutOfRange: 6 };

async function fixture() {
  const base = await deployHedgePolicy();
  const upkeep: HedgeUpkeep = await (
    await ethers.getContractFactory("HedgeUpkeep")
  ).deploy(base.policy, ZeroAddress, ZeroHash, ZeroAddress); // CRE off
  await upkeep.waitForDeployment();
  return { ...base, upkeep };
}

type Fixture = Awaited<ReturnType<typeof fixture>>;

const coder = AbiCoder.defaultAbiCoder();

/** checkUpkeep's answer, as a keeper simulating it would read it. */
async function check(upkeep: HedgeUpkeep): Promise<{ needed: boolean; engaged: number; next: number }> {
  const [needed, data] = await upkeep.checkUpkeep("0x");
  const [engaged, next] = coder.decode(["uint8", "uint8"], data);
  return { needed, engaged: Number(engaged), next: Number(next) };
}

async function setVix({ oracle }: Fixture, hundredths: number) {
  await oracle.updateAnswer(vixAnswer(hundredths));
}

/** Expects checkUpkeep false with `status`, and performUpkeep refused for it, changing nothing. */
async function expectUnusable(f: Fixture, status: number) {
  const { upkeep, policy, stranger } = f;
  expect((await check(upkeep)).needed).to.equal(false);
  expect((await upkeep.preview()).status).to.equal(BigInt(status));
  const before = await policy.engagedLayers();
  await expect(upkeep.connect(stranger).performUpkeep("0x"))
    .to.be.revertedWithCustomError(upkeep, "HedgeUpkeepOracleUnusable")
    .withArgs(status);
  expect(await policy.engagedLayers()).to.equal(before);
}

describe("HedgeUpkeep", function () {
  before(async () => loadFixture(fixture)); // the deployment, once, outside the tests' time

  describe("deployment", function () {
    it("refuses a policy that is not a contract", async function () {
      const factory = await ethers.getContractFactory("HedgeUpkeep");
      const [, eoa] = await ethers.getSigners();
      await expect(factory.deploy(eoa.address, ZeroAddress, ZeroHash, ZeroAddress))
        .to.be.revertedWithCustomError(factory, "HedgeUpkeepPolicyNotContract")
        .withArgs(eoa.address);
    });

    it("points at its policy and implements AutomationCompatibleInterface", async function () {
      const { upkeep, policy } = await loadFixture(fixture);
      expect(await upkeep.policy()).to.equal(await policy.getAddress());
      const iface = upkeep.interface;
      expect(iface.getFunction("checkUpkeep")!.selector).to.equal(ethers.id("checkUpkeep(bytes)").slice(0, 10));
      expect(iface.getFunction("performUpkeep")!.selector).to.equal(ethers.id("performUpkeep(bytes)").slice(0, 10));
    });
  });

  describe("spikes", function () {
    it("does nothing in a calm market: check false, perform refused with the mask and VIX", async function () {
      const { upkeep } = await loadFixture(fixture);
      expect(await check(upkeep)).to.deep.equal({ needed: false, engaged: 0, next: 0 });
      await expect(upkeep.performUpkeep("0x"))
        .to.be.revertedWithCustomError(upkeep, "HedgeUpkeepNothingToSync")
        .withArgs(0, 1_500);
    });

    it("engages two layers on a spike to 31.50, whoever calls, and emits one event per change", async function () {
      const f = await loadFixture(fixture);
      const { upkeep, policy, stranger } = f;
      await setVix(f, 3_150);
      expect(await check(upkeep)).to.deep.equal({ needed: true, engaged: 0, next: 0b011 });
      const tx = upkeep.connect(stranger).performUpkeep("0xdeadbeef"); // performData is ignored
      await expect(tx).to.emit(policy, "LayerEngaged").withArgs(0, 3_150);
      await expect(tx).to.emit(policy, "LayerEngaged").withArgs(1, 3_150);
      await expect(tx).to.emit(upkeep, "UpkeepPerformed").withArgs(stranger.address, 0, 0b011, 3_150);
      expect(await policy.engagedLayers()).to.equal(0b011n);
      expect(await check(upkeep)).to.deep.equal({ needed: false, engaged: 0b011, next: 0b011 });
    });

    it("engages every layer on a crash, then disengages them all when the VIX falls back", async function () {
      const f = await loadFixture(fixture);
      const { upkeep, policy } = f;
      await setVix(f, 4_500);
      await expect(upkeep.performUpkeep("0x"))
        .to.emit(upkeep, "UpkeepPerformed")
        .withArgs(f.deployer.address, 0, 7, 4_500);
      await setVix(f, 1_200);
      expect(await check(upkeep)).to.deep.equal({ needed: true, engaged: 7, next: 0 });
      const tx = upkeep.performUpkeep("0x");
      for (const layer of [0, 1, 2]) await expect(tx).to.emit(policy, "LayerDisengaged").withArgs(layer, 1_200);
      expect(await policy.engagedLayers()).to.equal(0n);
    });

    it("refuses repeated performUpkeep calls once synced, in later blocks and in the same block", async function () {
      const f = await loadFixture(fixture);
      const { upkeep, policy } = f;
      await setVix(f, 2_900);
      await upkeep.performUpkeep("0x");
      for (let i = 0; i < 3; i++) {
        await expect(upkeep.performUpkeep("0x"))
          .to.be.revertedWithCustomError(upkeep, "HedgeUpkeepNothingToSync")
          .withArgs(0b011, 2_900);
      }
      // Two keepers racing in one block: the first syncs, the second reverts and changes nothing.
      await setVix(f, 3_600);
      await ethers.provider.send("evm_setAutomine", [false]);
      try {
        const first = await upkeep.performUpkeep("0x", { gasLimit: 300_000 });
        const second = await upkeep.performUpkeep("0x", { gasLimit: 300_000 });
        await ethers.provider.send("evm_mine", []);
        expect((await first.wait())!.status).to.equal(1);
        expect(
          await second.wait().then(
            () => "mined",
            () => "reverted",
          ),
        ).to.equal("reverted");
      } finally {
        await ethers.provider.send("evm_setAutomine", [true]);
      }
      expect(await policy.engagedLayers()).to.equal(0b111n);
    });
  });

  describe("the edges of a trigger and of the hysteresis band", function () {
    it("engages at exactly the trigger, not a hundredth below", async function () {
      const f = await loadFixture(fixture);
      await setVix(f, 1_999);
      expect((await check(f.upkeep)).needed).to.equal(false);
      await setVix(f, 2_000);
      expect(await check(f.upkeep)).to.deep.equal({ needed: true, engaged: 0, next: 1 });
    });

    it("keeps a layer engaged at trigger − hysteresis and disengages it a hundredth below", async function () {
      const f = await loadFixture(fixture);
      const { upkeep, policy } = f;
      await setVix(f, 2_100);
      await upkeep.performUpkeep("0x");
      for (const vix of [1_999, 1_900, 1_800]) {
        await setVix(f, vix);
        expect(await check(upkeep), `VIX ${vix}`).to.deep.equal({ needed: false, engaged: 1, next: 1 });
        await expect(upkeep.performUpkeep("0x")).to.be.revertedWithCustomError(upkeep, "HedgeUpkeepNothingToSync");
      }
      await setVix(f, 1_799);
      expect(await check(upkeep)).to.deep.equal({ needed: true, engaged: 1, next: 0 });
      await expect(upkeep.performUpkeep("0x")).to.emit(policy, "LayerDisengaged").withArgs(0, 1_799);
    });

    it("normalises a feed with fewer than two decimals as the policy does", async function () {
      const f = await loadFixture(fixture);
      const { upkeep, policy, governance, oracleFactory } = f;
      await policy.connect(governance).setOracle(await oracleFactory.deploy(0, 30n)); // VIX 30
      expect(await check(upkeep)).to.deep.equal({ needed: true, engaged: 0, next: 0b011 });
      await expect(upkeep.performUpkeep("0x"))
        .to.emit(upkeep, "UpkeepPerformed")
        .withArgs(f.deployer.address, 0, 3, 3_000);
    });

    it("disengages a hundredth below the trigger when the policy has no hysteresis", async function () {
      const f = await loadFixture(fixture);
      const { upkeep, policy, governance } = f;
      await policy.connect(governance).setPolicy(
        withEdit((p) => {
          p.hysteresisVix = 0;
        }),
        1,
      );
      await setVix(f, 2_000);
      await upkeep.performUpkeep("0x");
      await setVix(f, 1_999);
      expect(await check(upkeep)).to.deep.equal({ needed: true, engaged: 1, next: 0 });
    });
  });

  describe("answers syncLayers refuses: check false, never a revert", function () {
    it("a stale answer (one second past maxOracleAge), not one exactly maxOracleAge old", async function () {
      const f = await loadFixture(fixture);
      await setVix(f, 3_000);
      const updatedAt = (await f.oracle.latestRoundData())[3];
      await time.setNextBlockTimestamp(updatedAt + 3_600n);
      await ethers.provider.send("evm_mine", []);
      expect((await check(f.upkeep)).needed).to.equal(true);
      await time.setNextBlockTimestamp(updatedAt + 3_601n);
      await ethers.provider.send("evm_mine", []);
      await expectUnusable(f, Status.Stale);
    });

    it("follows the policy's maxOracleAge: an answer 30 minutes old is fresh at 3,600 s and stale at 60 s", async function () {
      const f = await loadFixture(fixture);
      await setVix(f, 4_000);
      const updatedAt = (await f.oracle.latestRoundData())[3];
      await time.increaseTo(updatedAt + 1_800n); // half a heartbeat of a feed updated every 30 minutes
      expect(await check(f.upkeep)).to.deep.equal({ needed: true, engaged: 0, next: 0b111 });
      await f.policy.connect(f.governance).setPolicy(
        withEdit((p) => (p.maxOracleAge = 60)),
        1,
      );
      await expectUnusable(f, Status.Stale);
      await expect(f.policy.syncLayers())
        .to.be.revertedWithCustomError(f.policy, "HedgePolicyOracleAnswerStale")
        .withArgs(updatedAt, 60);
      await f.policy.connect(f.governance).setPolicy(
        withEdit((p) => (p.maxOracleAge = 3_600)),
        2,
      );
      await expect(f.upkeep.performUpkeep("0x"))
        .to.emit(f.upkeep, "UpkeepPerformed")
        .withArgs(f.deployer.address, 0, 0b111, 4_000);
    });

    it("an answer dated in the future", async function () {
      const f = await loadFixture(fixture);
      const now = BigInt(await time.latest());
      await f.oracle.updateRoundData(7, vixAnswer(4_000), now + 600n, now);
      await expectUnusable(f, Status.FromFuture);
    });

    it("an incomplete round (updatedAt 0)", async function () {
      const f = await loadFixture(fixture);
      await f.oracle.updateRoundData(7, vixAnswer(4_000), 0, 0);
      await expectUnusable(f, Status.RoundIncomplete);
    });

    it("a zero or negative answer", async function () {
      const f = await loadFixture(fixture);
      await f.oracle.updateAnswer(0);
      await expectUnusable(f, Status.NotPositive);
      await f.oracle.updateAnswer(-3_000_000_000n);
      await expectUnusable(f, Status.NotPositive);
    });

    it("an answer that does not normalise to a VIX level", async function () {
      const f = await loadFixture(fixture);
      const { policy, governance, oracleFactory } = f;
      await policy.connect(governance).setOracle(await oracleFactory.deploy(8, 99n)); // VIX 0.00000099
      await expectUnusable(f, Status.OutOfRange);
      await policy.connect(governance).setOracle(await oracleFactory.deploy(0, 2n ** 32n)); // beyond uint32 hundredths
      await expectUnusable(f, Status.OutOfRange);
    });

    it("a reverting feed", async function () {
      const f = await loadFixture(fixture);
      const reverting = await (await ethers.getContractFactory("RevertingOracle")).deploy();
      await f.policy.connect(f.governance).setOracle(reverting);
      await expectUnusable(f, Status.Unavailable);
      await expect(f.policy.syncLayers()).to.be.revertedWithCustomError(f.policy, "HedgePolicyOracleUnavailable");
    });

    it("a feed whose code is gone", async function () {
      const f = await loadFixture(fixture);
      await setCode(await f.oracle.getAddress(), "0x");
      await expectUnusable(f, Status.Unavailable);
    });

    it("malformed feeds: short data, truncated words, out-of-range decimals and round ids", async function () {
      const f = await loadFixture(fixture);
      const attack = await (await ethers.getContractFactory("AttackOracle")).deploy(8, vixAnswer(4_000));
      await f.policy.connect(f.governance).setOracle(attack);
      expect((await check(f.upkeep)).needed).to.equal(true);
      const now = BigInt(await time.latest());

      await attack.setShortData(true);
      await expectUnusable(f, Status.Unavailable);
      await attack.setShortData(false);

      await attack.setTruncated(31, 0);
      await expectUnusable(f, Status.Unavailable);
      await attack.setTruncated(0, 159);
      await expectUnusable(f, Status.Unavailable);
      await attack.setTruncated(0, 0);

      await attack.set(256, 1, vixAnswer(4_000), now);
      await expectUnusable(f, Status.Unavailable);
      await attack.set(39, 1, vixAnswer(4_000), now);
      await expectUnusable(f, Status.OutOfRange);
      await attack.set(8, 2n ** 80n, vixAnswer(4_000), now);
      await expectUnusable(f, Status.Unavailable);
      await attack.set(8, 2n ** 80n - 1n, vixAnswer(4_000), now);
      expect((await check(f.upkeep)).needed).to.equal(true);

      await attack.setDown(true);
      await expectUnusable(f, Status.Unavailable);
    });
  });

  describe("agreement with syncLayers", function () {
    it("on a random walk of the VIX and the clock, checkUpkeep is true exactly when syncLayers changes a layer", async function () {
      const f = await loadFixture(fixture);
      const { upkeep, policy } = f;
      let seed = 20_261_201;
      const random = (n: number) => {
        seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
        return seed % n;
      };
      let vix = 1_500;
      let changes = 0;
      for (let step = 0; step < 120; step++) {
        vix = Math.max(1_000, Math.min(4_500, vix + random(1_201) - 600));
        if (random(10) !== 0) await setVix(f, vix);
        if (random(6) === 0) await time.increase(1_800 + random(3_600));
        const [needed] = await upkeep.checkUpkeep("0x");
        const before = await policy.engagedLayers();
        let after: bigint | null;
        try {
          after = await policy.syncLayers.staticCall();
        } catch {
          after = null; // syncLayers refuses the answer
        }
        expect(needed, `step ${step}: VIX ${vix}`).to.equal(after !== null && after !== before);
        if (needed) {
          changes++;
          await upkeep.performUpkeep("0x");
          expect(await policy.engagedLayers()).to.equal(after);
        }
      }
      expect(changes).to.be.greaterThan(8);
    });
  });
});

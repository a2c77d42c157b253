// Attacks: oracle manipulation. A Chainlink-style feed (the MockV3Aggregator of local networks) that reports stale,
// zero, negative, future-dated or incomplete rounds, or answers that normalise to nothing or overflow; and a feed under
// the attacker's control (installed through governance) that changes its decimals, serves out-of-range words,
// answers malformed data or goes down. `syncLayers` must revert with the exact error and the engaged layers stay as
// they were: a broken feed can neither engage nor drop a hedge. And the oracle age (issue 23, gap 4): rules v2 let a
// Standard majority cut `maxOracleAge` from 1 h to 60 s; with a feed on a 30-minute heartbeat that starves
// `syncLayers` and the upkeep through a spike. Any change of the oracle age is Critical now, shorter or longer.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { id as keccakId } from "ethers";

import { vixToAnswer } from "../../scripts/lib/deploy";
import type { AttackOracle } from "../../typechain-types";
import {
  args,
  atNextBlock,
  deployCouncilSystem,
  pass,
  proposal,
  setPolicyCall,
  Tier,
  withEdit,
  type CouncilSystem,
} from "../helpers/system";
import { expectUnchanged, readyToExecute, scopeOf } from "./attacks.behavior";
import { expectShortOfApprovals } from "./minority.behavior";

async function fixture() {
  const sys = await deployCouncilSystem();
  const evil: AttackOracle = await (await ethers.getContractFactory("AttackOracle")).deploy(8, vixToAnswer(1_500));
  const evilAddress = await evil.getAddress();
  const scope = await scopeOf(sys, [], { accounts: [evilAddress] });
  return { ...sys, evil, evilAddress, scope };
}

type Sys = Awaited<ReturnType<typeof fixture>>;

/** Installs the attacker's feed the only way there is: a Critical proposal calling setOracle. */
async function installEvilOracle(sys: Sys) {
  await pass(
    sys,
    proposal(
      [{ target: sys.addresses.policy, data: sys.policy.interface.encodeFunctionData("setOracle", [sys.evilAddress]) }],
      keccakId("evil oracle"),
    ),
  );
  expect(await sys.policy.oracle()).to.equal(sys.evilAddress);
}

/** Anyone syncs; it must revert with the policy's `error(...errorArgs)` and change nothing. */
async function expectSyncRefused(sys: Sys, error: string, errorArgs: unknown[], at?: number | bigint) {
  await expectUnchanged(sys, sys.scope, async () => {
    if (at !== undefined) await atNextBlock(at);
    await expect(sys.policy.connect(sys.stranger).syncLayers())
      .to.be.revertedWithCustomError(sys.policy, error)
      .withArgs(...errorArgs);
  });
}

describe("Attacks: oracle manipulation", function () {
  before(async () => loadFixture(fixture)); // the deployment, once, outside the tests' time

  describe("a Chainlink-style feed reporting bad rounds", function () {
    it("a crash answer one second older than maxOracleAge", async function () {
      const sys = await loadFixture(fixture);
      await sys.oracle.updateAnswer(vixToAnswer(8_000));
      const updatedAt = await time.latest();
      await expectSyncRefused(sys, "HedgePolicyOracleAnswerStale", [updatedAt, 3_600], updatedAt + 3_601);
    });

    it("a stale calm answer after a spike engaged every layer: the hedge stays on", async function () {
      const sys = await loadFixture(fixture);
      await sys.oracle.updateAnswer(vixToAnswer(4_000));
      await sys.policy.syncLayers();
      expect(await sys.policy.engagedLayers()).to.equal(0b111n);
      const old = (await time.latest()) - 7_200;
      await sys.oracle.updateRoundData(9, vixToAnswer(1_200), old, old);
      await expectSyncRefused(sys, "HedgePolicyOracleAnswerStale", [old, 3_600]);
      expect(await sys.policy.engagedLayers()).to.equal(0b111n);
    });

    it("a zero answer", async function () {
      const sys = await loadFixture(fixture);
      await sys.oracle.updateAnswer(0);
      await expectSyncRefused(sys, "HedgePolicyOracleAnswerNotPositive", [0]);
    });

    it("a negative answer", async function () {
      const sys = await loadFixture(fixture);
      await sys.oracle.updateAnswer(-vixToAnswer(4_000));
      await expectSyncRefused(sys, "HedgePolicyOracleAnswerNotPositive", [-vixToAnswer(4_000)]);
    });

    it("an answer dated in the future", async function () {
      const sys = await loadFixture(fixture);
      const future = (await time.latest()) + 1_000;
      await sys.oracle.updateRoundData(2, vixToAnswer(4_000), future, future);
      const at = (await time.latest()) + 10;
      await expectSyncRefused(sys, "HedgePolicyOracleAnswerFromFuture", [future, at], at);
    });

    it("an incomplete round (updatedAt = 0)", async function () {
      const sys = await loadFixture(fixture);
      await sys.oracle.updateRoundData(7, vixToAnswer(4_000), 0, 0);
      await expectSyncRefused(sys, "HedgePolicyOracleRoundIncomplete", [7]);
    });

    it("a positive answer that normalises to VIX 0.00", async function () {
      const sys = await loadFixture(fixture);
      await sys.oracle.updateAnswer(999_999);
      await expectSyncRefused(sys, "HedgePolicyOracleAnswerOutOfRange", [999_999, 8]);
    });

    it("an answer beyond a uint32 VIX once normalised", async function () {
      const sys = await loadFixture(fixture);
      const answer = vixToAnswer(2n ** 32n);
      await sys.oracle.updateAnswer(answer);
      await expectSyncRefused(sys, "HedgePolicyOracleAnswerOutOfRange", [answer, 8]);
    });
  });

  describe("a feed under the attacker's control", function () {
    it("the feed switches from 8 to 18 decimals without rescaling its answer", async function () {
      const sys = await loadFixture(fixture);
      await installEvilOracle(sys);
      const answer = vixToAnswer(1_500);
      await sys.evil.set(18, 2, answer, await time.latest());
      await expectSyncRefused(sys, "HedgePolicyOracleAnswerOutOfRange", [answer, 18]);
    });

    it("the feed reports 39 decimals", async function () {
      const sys = await loadFixture(fixture);
      await installEvilOracle(sys);
      const answer = 15n * 10n ** 39n;
      await sys.evil.set(39, 2, answer, await time.latest());
      await expectSyncRefused(sys, "HedgePolicyOracleAnswerOutOfRange", [answer, 39]);
    });

    it("the feed reports 0 decimals and an answer too large to scale", async function () {
      const sys = await loadFixture(fixture);
      await installEvilOracle(sys);
      await sys.evil.set(0, 2, 50_000_000, await time.latest());
      await expectSyncRefused(sys, "HedgePolicyOracleAnswerOutOfRange", [50_000_000, 0]);
    });

    it("the feed's decimals word does not fit a uint8 (256)", async function () {
      const sys = await loadFixture(fixture);
      await installEvilOracle(sys);
      await sys.evil.set(256, 2, vixToAnswer(4_000), await time.latest());
      await expectSyncRefused(sys, "HedgePolicyOracleUnavailable", [sys.evilAddress]);
    });

    it("the feed's round id does not fit a uint80", async function () {
      const sys = await loadFixture(fixture);
      await installEvilOracle(sys);
      await sys.evil.set(8, 2n ** 80n, vixToAnswer(4_000), await time.latest());
      await expectSyncRefused(sys, "HedgePolicyOracleUnavailable", [sys.evilAddress]);
    });

    it("the feed reports 255 decimals: fits a uint8, so it is refused as out of range, not as unavailable", async function () {
      const sys = await loadFixture(fixture);
      await installEvilOracle(sys);
      await sys.evil.set(255, 2, vixToAnswer(4_000), await time.latest());
      await expectSyncRefused(sys, "HedgePolicyOracleAnswerOutOfRange", [vixToAnswer(4_000), 255]);
    });

    it("the feed answers decimals with 31 bytes, one short of a word", async function () {
      const sys = await loadFixture(fixture);
      await installEvilOracle(sys);
      await sys.evil.setTruncated(31, 0);
      await expectSyncRefused(sys, "HedgePolicyOracleUnavailable", [sys.evilAddress]);
    });

    it("the feed answers latestRoundData with 159 bytes, one short of five words", async function () {
      const sys = await loadFixture(fixture);
      await installEvilOracle(sys);
      await sys.evil.setTruncated(0, 159);
      await expectSyncRefused(sys, "HedgePolicyOracleUnavailable", [sys.evilAddress]);
    });

    it("the feed answers latestRoundData with two words instead of five", async function () {
      const sys = await loadFixture(fixture);
      await installEvilOracle(sys);
      await sys.evil.setShortData(true);
      await expectSyncRefused(sys, "HedgePolicyOracleUnavailable", [sys.evilAddress]);
    });

    it("the feed goes down (every read reverts)", async function () {
      const sys = await loadFixture(fixture);
      await installEvilOracle(sys);
      await sys.evil.setDown(true);
      await expectSyncRefused(sys, "HedgePolicyOracleUnavailable", [sys.evilAddress]);
    });

    it("governance points the policy at an oracle address without code", async function () {
      const sys = await loadFixture(fixture);
      const nobody = sys.strangers[3].address;
      const p = proposal(
        [{ target: sys.addresses.policy, data: sys.policy.interface.encodeFunctionData("setOracle", [nobody]) }],
        keccakId("oracle without code"),
      );
      const { scope } = await readyToExecute(sys, p, [], [sys.evilAddress]);
      await expectUnchanged(sys, scope, () =>
        expect(sys.council.execute(...args(p)))
          .to.be.revertedWithCustomError(sys.policy, "HedgePolicyOracleNotContract")
          .withArgs(nobody),
      );
    });
  });

  describe("the oracle age: a change either way is Critical (issue 23, gap 4)", function () {
    /** A Chainlink-like feed's heartbeat: one round every 30 minutes. */
    const HEARTBEAT = 1_800;
    /** IHedgeUpkeep.OracleStatus.Stale */
    const STALE = 4;

    async function upkeepFixture() {
      const sys = await deployCouncilSystem({ upkeep: true });
      return { ...sys, upkeep: sys.system.upkeep! };
    }
    before(async () => loadFixture(upkeepFixture));

    /** The setPolicy proposal that sets `maxOracleAge`, against the current version. */
    async function oracleAgeProposal(sys: CouncilSystem, maxOracleAge: number) {
      return proposal(
        [
          await setPolicyCall(
            sys,
            withEdit((p) => (p.maxOracleAge = maxOracleAge)),
          ),
        ],
        `oracle age ${maxOracleAge} s`,
      );
    }

    for (const maxOracleAge of [60, 3_599, 3_601, 7_200]) {
      it(`3,600 s -> ${maxOracleAge.toLocaleString("en-US")} s loosens: isLoosening true, tierOf Critical, three seats are short`, async function () {
        const sys = await loadFixture(fixture);
        const p = await oracleAgeProposal(sys, maxOracleAge);
        expect(await sys.policy.isLoosening(withEdit((q) => (q.maxOracleAge = maxOracleAge)))).to.equal(true);
        expect(await sys.council.tierOf(p.targets, p.calldatas)).to.equal(Tier.Critical);
        await expectShortOfApprovals(sys, p, sys.holders.slice(0, 3), 4);
      });
    }

    /**
     * A feed on a 30-minute heartbeat (one round of `answers[r]` every {HEARTBEAT} s) watched by a keeper that looks
     * every five minutes: at each look, checkUpkeep decides and, when it says so, performUpkeep runs. Returns when
     * (seconds after the first round) the upkeep first ran, or null if it never did.
     */
    async function watchHeartbeat(sys: Awaited<ReturnType<typeof upkeepFixture>>, answers: number[]) {
      const start = (await time.latest()) + 10;
      let ranAt: number | null = null;
      for (const [r, vix] of answers.entries()) {
        const round = start + r * HEARTBEAT;
        await atNextBlock(round);
        await sys.oracle.updateAnswer(vixToAnswer(vix));
        for (let offset = 300; offset < HEARTBEAT; offset += 300) {
          await time.increaseTo(round + offset);
          const [needed] = await sys.upkeep.checkUpkeep("0x");
          if (!needed) continue;
          await sys.upkeep.connect(sys.stranger).performUpkeep("0x");
          ranAt ??= round + offset - start;
        }
      }
      return ranAt;
    }

    it("a feed on a 30-minute heartbeat, 3,600 s policy: a spike to VIX 40 engages every layer at the keeper's next look", async function () {
      const sys = await loadFixture(upkeepFixture);
      // Two calm rounds, then VIX 40 for two rounds: the keeper's first look after the spike (5 minutes) engages all.
      expect(await watchHeartbeat(sys, [1_500, 1_500, 4_000, 4_000])).to.equal(2 * HEARTBEAT + 300);
      expect(await sys.policy.engagedLayers()).to.equal(0b111n);
      // Anywhere in the heartbeat, until the next round, the answer is fresh enough.
      const [, , , updatedAt] = await sys.oracle.latestRoundData();
      await time.increaseTo(updatedAt + BigInt(HEARTBEAT - 1));
      expect((await sys.upkeep.preview()).status).to.equal(0n); // Fresh
    });

    it("the same feed under a 60 s policy starves: syncLayers stale and checkUpkeep false through two hours of VIX 40", async function () {
      const sys = await loadFixture(upkeepFixture);
      // What rules v2 let three seats do as a Standard change takes four now (a Critical decision).
      await pass(sys, await oracleAgeProposal(sys, 60));
      expect((await sys.policy.policy()).maxOracleAge).to.equal(60n);
      // The same feed, the same keeper: it never finds an answer fresh enough, and no layer engages.
      expect(await watchHeartbeat(sys, [1_500, 1_500, 4_000, 4_000, 4_000, 4_000])).to.equal(null);
      expect(await sys.policy.engagedLayers()).to.equal(0n);
      const [, , , updatedAt] = await sys.oracle.latestRoundData();
      expect((await sys.upkeep.preview()).status).to.equal(BigInt(STALE));
      await expectUnchanged(sys, await scopeOf(sys), async () => {
        await expect(sys.policy.connect(sys.stranger).syncLayers())
          .to.be.revertedWithCustomError(sys.policy, "HedgePolicyOracleAnswerStale")
          .withArgs(updatedAt, 60);
        await expect(sys.upkeep.connect(sys.stranger).performUpkeep("0x"))
          .to.be.revertedWithCustomError(sys.upkeep, "HedgeUpkeepOracleUnusable")
          .withArgs(STALE);
      });
      // Only in the first minute after a round would a sync run: 60 s of every 1,800.
      await atNextBlock(Number(updatedAt) + HEARTBEAT);
      await sys.oracle.updateAnswer(vixToAnswer(4_000));
      expect(await sys.policy.syncLayers.staticCall()).to.equal(0b111n);
    });
  });
});

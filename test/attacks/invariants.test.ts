// Attacks: parameter invariants and stale proposals. Every invariant of the policy (layer count, allocations summing
// to 100 %, rising triggers within VIX 10-100, tenors, coverage, scale step, delta band, wing, DTE, hysteresis, oracle
// age) is broken by a proposal that goes the whole governance path (signatures, queue, its tier's delay) and fails
// only when the timelock runs it: the policy's custom error bubbles up and nothing changes. Then the compare-and-swap:
// two approved proposals racing on the same version, a stale Critical proposal landing after a newer setPolicy, and a
// nudge just before a queued tightening's eta (nudges keep the version: the majority's policy still runs). Then the
// nudge rules, on the Fast path: the band around the baseline, the cooldown (and its v3 exemption for a return toward
// the baseline, which neither lets a parameter go loose twice a day nor overshoot the baseline), the invariants, a
// change of nothing.
import { expect } from "chai";
import { anyValue } from "@nomicfoundation/hardhat-chai-matchers/withArgs";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";

import {
  args,
  atNextBlock,
  DAY,
  deployCouncilSystem,
  nudgeCoverageCall,
  nudgeProposal,
  nudgeTriggerCall,
  pass,
  proposal,
  proposeAndQueue,
  setPolicyCall,
  withEdit,
  type CouncilSystem,
  type Proposal,
} from "../helpers/system";
import { defaultPolicy, toPolicyValues, type PolicyValues } from "../../scripts/lib/policy";
import { expectUnchanged, readyToExecute, scopeOf, submitWith } from "./attacks.behavior";

async function fixture() {
  const sys = await deployCouncilSystem();
  return { ...sys, scope: await scopeOf(sys) };
}

/** A default-policy edit, its error and the error's arguments. */
type Rule = [string, (p: PolicyValues) => void, string, unknown[]];

const rules: Rule[] = [
  ["no layers at all", (p) => (p.layers = []), "HedgePolicyLayerCountOutOfRange", [0]],
  [
    "six layers",
    (p) =>
      (p.layers = [2_000, 2_800, 3_500, 4_000, 4_500, 5_000].map((triggerVix, i) => ({
        allocationBps: i < 4 ? 2_000 : 1_000,
        tenorDays: [30, 90, 180, 180, 180, 180][i],
        triggerVix,
        instrument: 0,
      }))),
    "HedgePolicyLayerCountOutOfRange",
    [6],
  ],
  [
    "a layer with a zero allocation",
    (p) => {
      p.layers[0].allocationBps = 6_000;
      p.layers[2].allocationBps = 0;
    },
    "HedgePolicyAllocationZero",
    [2],
  ],
  [
    "allocations summing to 99.99 %",
    (p) => (p.layers[2].allocationBps = 1_999),
    "HedgePolicyAllocationSumNot100Percent",
    [9_999],
  ],
  [
    "allocations summing to 100.01 %",
    (p) => (p.layers[2].allocationBps = 2_001),
    "HedgePolicyAllocationSumNot100Percent",
    [10_001],
  ],
  ["a trigger below VIX 10", (p) => (p.layers[0].triggerVix = 999), "HedgePolicyTriggerOutOfRange", [0, 999]],
  ["a trigger above VIX 100", (p) => (p.layers[2].triggerVix = 10_001), "HedgePolicyTriggerOutOfRange", [2, 10_001]],
  ["two equal triggers", (p) => (p.layers[1].triggerVix = 2_000), "HedgePolicyTriggerNotIncreasing", [1, 2_000, 2_000]],
  [
    "a decreasing trigger",
    (p) => (p.layers[2].triggerVix = 2_700),
    "HedgePolicyTriggerNotIncreasing",
    [2, 2_800, 2_700],
  ],
  ["a zero tenor", (p) => (p.layers[0].tenorDays = 0), "HedgePolicyTenorOutOfRange", [0, 0]],
  ["a tenor above 730 days", (p) => (p.layers[2].tenorDays = 731), "HedgePolicyTenorOutOfRange", [2, 731]],
  ["a decreasing tenor", (p) => (p.layers[1].tenorDays = 29), "HedgePolicyTenorDecreasing", [1, 30, 29]],
  ["coverage below 5 %", (p) => (p.coverageBps = 499), "HedgePolicyCoverageOutOfRange", [499]],
  ["coverage above 100 %", (p) => (p.coverageBps = 10_001), "HedgePolicyCoverageOutOfRange", [10_001]],
  ["a scale step below 5 %", (p) => (p.scaleStepBps = 499), "HedgePolicyScaleStepOutOfRange", [499]],
  ["a scale step above 50 %", (p) => (p.scaleStepBps = 5_001), "HedgePolicyScaleStepOutOfRange", [5_001]],
  ["a delta min below 0.01", (p) => (p.shortDeltaMinBps = 99), "HedgePolicyDeltaBandInvalid", [99, 2_500]],
  [
    "a delta min above the delta max",
    (p) => (p.shortDeltaMinBps = 2_501),
    "HedgePolicyDeltaBandInvalid",
    [2_501, 2_500],
  ],
  ["a delta max above 0.50", (p) => (p.shortDeltaMaxBps = 5_001), "HedgePolicyDeltaBandInvalid", [1_500, 5_001]],
  ["a wing width below 5 points", (p) => (p.wingWidthPts = 4), "HedgePolicyWingWidthOutOfRange", [4]],
  ["a wing width above 500 points", (p) => (p.wingWidthPts = 501), "HedgePolicyWingWidthOutOfRange", [501]],
  ["a zero target DTE", (p) => (p.targetDte = 0), "HedgePolicyTargetDteOutOfRange", [0]],
  ["a target DTE above 365 days", (p) => (p.targetDte = 366), "HedgePolicyTargetDteOutOfRange", [366]],
  ["a hysteresis above VIX 10", (p) => (p.hysteresisVix = 1_001), "HedgePolicyHysteresisOutOfRange", [1_001]],
  ["an oracle age below 60 s", (p) => (p.maxOracleAge = 59), "HedgePolicyOracleAgeOutOfRange", [59]],
  ["an oracle age above one day", (p) => (p.maxOracleAge = 86_401), "HedgePolicyOracleAgeOutOfRange", [86_401]],
];

/**
 * A Fast proposal, submitted with the Fast threshold of signatures: it runs inside `submit`, which must revert with
 * the policy's `error(...errorArgs)`. `at` pins the submitting block's timestamp.
 */
async function expectFastRefused(sys: CouncilSystem, p: Proposal, error: string, errorArgs: unknown[], at?: bigint) {
  const scope = await scopeOf(sys, [p]);
  await expectUnchanged(sys, scope, async () => {
    if (at !== undefined) await atNextBlock(at);
    await expect(submitWith(sys, p, sys.holders.slice(0, 2)))
      .to.be.revertedWithCustomError(sys.policy, error)
      .withArgs(...errorArgs);
  });
}

describe("Attacks: parameter invariants and stale proposals", function () {
  describe("every invariant, through the full governance path", function () {
    for (const [name, edit, error, errorArgs] of rules) {
      it(`a proposal sets ${name}`, async function () {
        const sys = await loadFixture(fixture);
        const p = proposal([await setPolicyCall(sys, withEdit(edit, defaultPolicy()))], name);
        const { scope } = await readyToExecute(sys, p);
        await expectUnchanged(sys, scope, () =>
          expect(sys.council.execute(...args(p)))
            .to.be.revertedWithCustomError(sys.policy, error)
            .withArgs(...errorArgs),
        );
      });
    }

    it("a proposal sets an instrument outside the enum (the ABI decoder refuses it without data)", async function () {
      const sys = await loadFixture(fixture);
      const p = proposal(
        [
          await setPolicyCall(
            sys,
            withEdit((q) => (q.layers[0].instrument = 4), defaultPolicy()),
          ),
        ],
        "instrument 4",
      );
      const { scope } = await readyToExecute(sys, p);
      await expectUnchanged(sys, scope, () =>
        expect(sys.council.execute(...args(p))).to.be.revertedWithCustomError(sys.timelock, "FailedCall"),
      );
    });
  });

  describe("compare-and-swap", function () {
    it("two approved proposals race on the same version", async function () {
      const sys = await loadFixture(fixture);
      const first = proposal(
        [
          await setPolicyCall(
            sys,
            withEdit((p) => (p.coverageBps = 3_000), defaultPolicy()),
          ),
        ],
        "first",
      );
      const second = proposal(
        [
          await setPolicyCall(
            sys,
            withEdit((p) => (p.hysteresisVix = 300), defaultPolicy()),
          ),
        ],
        "second",
      );
      await proposeAndQueue(sys, first);
      const b = await proposeAndQueue(sys, second);
      await time.increaseTo(b.eta);
      await sys.council.execute(...args(first));
      expect(await sys.policy.version()).to.equal(2n);
      const scope = await scopeOf(sys, [first, second]);
      await expectUnchanged(sys, scope, () =>
        expect(sys.council.execute(...args(second)))
          .to.be.revertedWithCustomError(sys.policy, "HedgePolicyVersionMismatch")
          .withArgs(1, 2),
      );
    });

    it("a nudge to 27.5 % just before a queued tightening to 26 % runs: the nudge keeps the version, the majority's policy wins", async function () {
      const sys = await loadFixture(fixture);
      const tighten = proposal(
        [
          await setPolicyCall(
            sys,
            withEdit((p) => (p.coverageBps = 2_600), defaultPolicy()),
          ),
        ],
        "tighten to 26 %",
      );
      const { eta } = await proposeAndQueue(sys, tighten);
      await pass(sys, nudgeProposal(sys, 2_750, "nudge to 27.5 %"));
      expect((await sys.policy.policy()).coverageBps).to.equal(2_750n);
      expect(await sys.policy.version()).to.equal(1n);
      await time.increaseTo(eta);
      // By design a nudge never voids a majority decision: the approved policy replaces the nudged one and becomes
      // the new baseline (26 %, still above the 25 % the council had approved before).
      await expect(sys.council.execute(...args(tighten)))
        .to.emit(sys.policy, "PolicyUpdated")
        .withArgs(2, anyValue, anyValue);
      expect((await sys.policy.policy()).coverageBps).to.equal(2_600n);
      expect((await sys.policy.baseline()).coverageBps).to.equal(2_600n);
    });

    it("a stale Critical proposal approved against an old version lands after a newer change", async function () {
      const sys = await loadFixture(fixture);
      const loosen = proposal(
        [
          await setPolicyCall(
            sys,
            withEdit((p) => (p.coverageBps = 2_000), defaultPolicy()),
          ),
        ],
        "loosen",
      );
      const { id } = await readyToExecute(sys, loosen);
      // A nudge no longer moves the version: the newer change is a Standard tightening.
      await pass(sys, nudgeProposal(sys, 2_600, "nudge"));
      expect(await sys.policy.version()).to.equal(1n);
      await pass(
        sys,
        proposal(
          [
            await setPolicyCall(
              sys,
              withEdit((p) => (p.hysteresisVix = 300), toPolicyValues(await sys.policy.policy())),
            ),
          ],
          "tighten",
        ),
      );
      const scope = await scopeOf(sys, [loosen]);
      expect(scope.proposalIds).to.include(id);
      await expectUnchanged(sys, scope, () =>
        expect(sys.council.execute(...args(loosen)))
          .to.be.revertedWithCustomError(sys.policy, "HedgePolicyVersionMismatch")
          .withArgs(1, 2),
      );
    });
  });

  describe("nudge rules, on the Fast path", function () {
    it("a nudge of the coverage by more than 10 %", async function () {
      const sys = await loadFixture(fixture);
      await expectFastRefused(
        sys,
        nudgeProposal(sys, 2_751, "big"),
        "HedgePolicyNudgeOutsideBand",
        [5, 2_500, 2_751, 250],
      );
    });

    it("a nudge of the first trigger one hundredth past its band (VIX 20 + 10 %)", async function () {
      const sys = await loadFixture(fixture);
      await expectFastRefused(
        sys,
        proposal([nudgeTriggerCall(sys, 0, 2_201)], "past the band"),
        "HedgePolicyNudgeOutsideBand",
        [0, 2_000, 2_201, 200],
      );
    });

    it("a second step of 10 % the next day, measured from the nudged value (the walk of the first rules)", async function () {
      const sys = await loadFixture(fixture);
      await pass(sys, nudgeProposal(sys, 2_250, "first step"));
      await time.increase(DAY);
      await expectFastRefused(
        sys,
        nudgeProposal(sys, 2_025, "second step"),
        "HedgePolicyNudgeOutsideBand",
        [5, 2_500, 2_025, 250],
      );
    });

    it("a second nudge of the coverage within the cooldown", async function () {
      const sys = await loadFixture(fixture);
      await pass(sys, nudgeProposal(sys, 2_600, "first nudge"));
      const last = await sys.policy.lastNudgeAt(5);
      await time.increase(DAY - 10);
      await expectFastRefused(sys, nudgeProposal(sys, 2_700, "second nudge"), "HedgePolicyNudgeCoolingDown", [
        5,
        last + BigInt(DAY),
      ]);
    });

    // Rules v3: a nudge back from the loose side toward the baseline skips the cooldown and does not restart it. What
    // the exemption must not become: a way to move a parameter loose twice a day, or a tightening past the baseline.
    it("a loose nudge, an exempt return toward the baseline, then loose again the same day", async function () {
      const sys = await loadFixture(fixture);
      await pass(sys, nudgeProposal(sys, 2_250, "loose"));
      const last = await sys.policy.lastNudgeAt(5);
      await pass(sys, nudgeProposal(sys, 2_400, "back toward the baseline"));
      expect(await sys.policy.lastNudgeAt(5)).to.equal(last);
      expect((await sys.policy.policy()).coverageBps).to.equal(2_400n);
      await expectFastRefused(sys, nudgeProposal(sys, 2_250, "loose again"), "HedgePolicyNudgeCoolingDown", [
        5,
        last + BigInt(DAY),
      ]);
    });

    it("a 'return' that overshoots the baseline to the other side, within the cooldown", async function () {
      const sys = await loadFixture(fixture);
      await pass(sys, proposal([nudgeTriggerCall(sys, 0, 2_200)], "trigger 0 up to VIX 22"));
      const last = await sys.policy.lastNudgeAt(0);
      await expectFastRefused(
        sys,
        proposal([nudgeTriggerCall(sys, 0, 1_900)], "trigger 0 down past its baseline"),
        "HedgePolicyNudgeCoolingDown",
        [0, last + BigInt(DAY)],
      );
      await pass(sys, nudgeProposal(sys, 2_300, "coverage loose"));
      const coverageLast = await sys.policy.lastNudgeAt(5);
      await expectFastRefused(
        sys,
        nudgeProposal(sys, 2_600, "coverage up past its baseline"),
        "HedgePolicyNudgeCoolingDown",
        [5, coverageLast + BigInt(DAY)],
      );
    });

    it("a nudge that pushes a trigger onto the next layer's, after the nudge limit was raised to 50 %", async function () {
      const sys = await loadFixture(fixture);
      await pass(
        sys,
        proposal(
          [
            {
              target: sys.addresses.policy,
              data: sys.policy.interface.encodeFunctionData("setNudgeLimits", [5_000, DAY]),
            },
          ],
          "limits",
        ),
      );
      await expectFastRefused(
        sys,
        proposal([nudgeTriggerCall(sys, 0, 2_800)], "cross"),
        "HedgePolicyTriggerNotIncreasing",
        [1, 2_800, 2_800],
      );
    });

    it("a nudge of a layer that does not exist", async function () {
      const sys = await loadFixture(fixture);
      await expectFastRefused(
        sys,
        proposal([nudgeTriggerCall(sys, 3, 2_000)], "ghost layer"),
        "HedgePolicyLayerNotFound",
        [3, 3],
      );
    });

    it("a nudge that changes nothing, to bump the version", async function () {
      const sys = await loadFixture(fixture);
      await expectFastRefused(
        sys,
        proposal([nudgeCoverageCall(sys, 2_500)], "no-op"),
        "HedgePolicyNudgeUnchanged",
        [2_500],
      );
    });

    it("two nudges of the same trigger in one Fast proposal", async function () {
      const sys = await loadFixture(fixture);
      const p = proposal([nudgeTriggerCall(sys, 2, 3_300), nudgeTriggerCall(sys, 2, 3_100)], "twice");
      const at = BigInt(await time.latest()) + 60n;
      await expectFastRefused(sys, p, "HedgePolicyNudgeCoolingDown", [2, at + BigInt(DAY)], at);
    });
  });
});

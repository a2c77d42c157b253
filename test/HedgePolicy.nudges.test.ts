// HedgePolicy nudges: the steward moves one trigger or the coverage to any value within maxNudgeBps of its baseline (the
// value the last setPolicy set), once per parameter per cooldown, never past an invariant. A nudge changes the policy
// hash but keeps the version, so it can never void a proposal approved against that version; however many nudges run,
// the policy stays within one band of the baseline. A return from the loose side toward the baseline (a trigger above
// it moved down, the coverage below it moved up, ending between the current value and the baseline) skips the
// cooldown and does not restart it; overshooting to the tight side, or undoing a protective nudge, waits.
import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";

import { defaultPolicy, type PolicyValues } from "../scripts/lib/policy";
import {
  COVERAGE_PARAMETER,
  currentPolicy,
  DEFAULT_NUDGE_COOLDOWN,
  deployHedgePolicy,
  expectUnchanged,
  hashPolicy,
  snapshotState,
  withEdit,
} from "./helpers/hedgePolicy";

async function fixture() {
  return deployHedgePolicy();
}

const DAY = Number(DEFAULT_NUDGE_COOLDOWN);

describe("HedgePolicy nudges", function () {
  before(async () => loadFixture(fixture)); // the deployment, once, outside the tests' time

  describe("nudgeTrigger", function () {
    for (const [layer, from, to] of [
      [0, 2_000, 2_200],
      [0, 2_000, 1_800],
      [1, 2_800, 3_080],
      [1, 2_800, 2_520],
      [2, 3_500, 3_850],
      [2, 3_500, 3_150],
    ]) {
      it(`moves layer ${layer}'s trigger by exactly 10 %: ${from} -> ${to}`, async function () {
        const { policy, steward } = await loadFixture(fixture);
        const next = withEdit((p) => (p.layers[layer].triggerVix = to));
        await expect(policy.connect(steward).nudgeTrigger(layer, to))
          .to.emit(policy, "PolicyUpdated")
          .withArgs(1n, hashPolicy(defaultPolicy()), hashPolicy(next));
        expect(await currentPolicy(policy)).to.deep.equal(next);
        expect(await policy.version()).to.equal(1n);
        expect(await policy.policyHash()).to.equal(hashPolicy(next));
        expect(await policy.baseline()).to.deep.equal([2_500n, [2_000n, 2_800n, 3_500n]]);
        expect(await policy.lastNudgeAt(layer)).to.equal(BigInt(await time.latest()));
        for (let other = 0; other <= COVERAGE_PARAMETER; other++) {
          if (other !== layer) expect(await policy.lastNudgeAt(other)).to.equal(0n);
        }
      });
    }

    for (const [layer, current, requested, maxStep] of [
      [0, 2_000, 2_201, 200],
      [0, 2_000, 1_799, 200],
      [1, 2_800, 3_081, 280],
      [2, 3_500, 3_149, 350],
    ]) {
      it(`rejects layer ${layer}: ${current} -> ${requested}, one past 10 %`, async function () {
        const { policy, steward } = await loadFixture(fixture);
        const before = await snapshotState(policy);
        await expect(policy.connect(steward).nudgeTrigger(layer, requested))
          .to.be.revertedWithCustomError(policy, "HedgePolicyNudgeOutsideBand")
          .withArgs(layer, current, requested, maxStep);
        await expectUnchanged(policy, before);
      });
    }

    it("rounds the largest step down", async function () {
      const { policy, governance, steward } = await loadFixture(fixture);
      await policy.connect(governance).setPolicy(
        withEdit((p) => (p.layers[0].triggerVix = 2_009)),
        1n,
      );
      const before = await snapshotState(policy);
      // 10 % of 2,009 is 200.9: a step of 201 is too large.
      await expect(policy.connect(steward).nudgeTrigger(0, 2_210))
        .to.be.revertedWithCustomError(policy, "HedgePolicyNudgeOutsideBand")
        .withArgs(0n, 2_009n, 2_210n, 200n);
      await expectUnchanged(policy, before);
      await policy.connect(steward).nudgeTrigger(0, 2_209);
      expect((await currentPolicy(policy)).layers[0].triggerVix).to.equal(2_209);
    });

    it("rejects an unchanged trigger", async function () {
      const { policy, steward } = await loadFixture(fixture);
      const before = await snapshotState(policy);
      await expect(policy.connect(steward).nudgeTrigger(1, 2_800))
        .to.be.revertedWithCustomError(policy, "HedgePolicyNudgeUnchanged")
        .withArgs(2_800n);
      await expectUnchanged(policy, before);
    });

    for (const layer of [3, 4, 255]) {
      it(`rejects layer ${layer} of a 3-layer policy`, async function () {
        const { policy, steward } = await loadFixture(fixture);
        const before = await snapshotState(policy);
        await expect(policy.connect(steward).nudgeTrigger(layer, 3_600))
          .to.be.revertedWithCustomError(policy, "HedgePolicyLayerNotFound")
          .withArgs(layer, 3n);
        await expectUnchanged(policy, before);
      });
    }

    it("rejects a layer removed by setPolicy", async function () {
      const { policy, governance, steward } = await loadFixture(fixture);
      await policy.connect(governance).setPolicy(
        withEdit((p) => (p.layers = [{ ...p.layers[0], allocationBps: 10_000 }])),
        1n,
      );
      const before = await snapshotState(policy);
      await expect(policy.connect(steward).nudgeTrigger(1, 2_900))
        .to.be.revertedWithCustomError(policy, "HedgePolicyLayerNotFound")
        .withArgs(1n, 1n);
      await expectUnchanged(policy, before);
    });

    describe("invariants", function () {
      /** Triggers 2,000 / 2,100 / 9,500: layers 0 and 1 are close, layer 2 is near the top. */
      const close = () =>
        withEdit((p) => {
          p.layers[1].triggerVix = 2_100;
          p.layers[2].triggerVix = 9_500;
        });

      const cases: [string, () => PolicyValues, number, number, string, unknown[]][] = [
        ["layer 0 up to layer 1's trigger", close, 0, 2_100, "HedgePolicyTriggerNotIncreasing", [1n, 2_100n, 2_100n]],
        ["layer 0 up past layer 1's trigger", close, 0, 2_150, "HedgePolicyTriggerNotIncreasing", [1n, 2_150n, 2_100n]],
        ["layer 1 down to layer 0's trigger", close, 1, 2_000, "HedgePolicyTriggerNotIncreasing", [1n, 2_000n, 2_000n]],
        [
          "layer 1 down past layer 0's trigger",
          close,
          1,
          1_900,
          "HedgePolicyTriggerNotIncreasing",
          [1n, 2_000n, 1_900n],
        ],
        [
          "layer 1, the last but one, up to the last layer's trigger",
          () => withEdit((p) => (p.layers[2].triggerVix = 2_900)),
          1,
          2_900,
          "HedgePolicyTriggerNotIncreasing",
          [2n, 2_900n, 2_900n],
        ],
        ["layer 2 above 10,000", close, 2, 10_001, "HedgePolicyTriggerOutOfRange", [2n, 10_001n]],
        [
          "layer 0 below 1,000",
          () => withEdit((p) => (p.layers[0].triggerVix = 1_050)),
          0,
          999,
          "HedgePolicyTriggerOutOfRange",
          [0n, 999n],
        ],
        [
          "the only layer above 10,000",
          () => withEdit((p) => (p.layers = [{ ...p.layers[0], allocationBps: 10_000, triggerVix: 10_000 }])),
          0,
          11_000,
          "HedgePolicyTriggerOutOfRange",
          [0n, 11_000n],
        ],
      ];
      for (const [name, build, layer, requested, error, args] of cases) {
        it(`rejects ${name} with ${error}`, async function () {
          const { policy, governance, steward } = await loadFixture(fixture);
          await policy.connect(governance).setPolicy(build(), 1n);
          const before = await snapshotState(policy);
          await expect(policy.connect(steward).nudgeTrigger(layer, requested))
            .to.be.revertedWithCustomError(policy, error)
            .withArgs(...args);
          await expectUnchanged(policy, before);
        });
      }

      for (const [name, build, layer, requested] of [
        ["layer 0 up to one below layer 1's trigger", close, 0, 2_099],
        ["layer 1 down to one above layer 0's trigger", close, 1, 2_001],
        ["layer 2 up to 10,000", close, 2, 10_000],
        ["layer 0 down to 1,000", () => withEdit((p) => (p.layers[0].triggerVix = 1_050)), 0, 1_000],
      ] as [string, () => PolicyValues, number, number][]) {
        it(`accepts ${name}`, async function () {
          const { policy, governance, steward } = await loadFixture(fixture);
          const start = build();
          await policy.connect(governance).setPolicy(start, 1n);
          const next = withEdit((p) => (p.layers[layer].triggerVix = requested), start);
          await expect(policy.connect(steward).nudgeTrigger(layer, requested))
            .to.emit(policy, "PolicyUpdated")
            .withArgs(2n, hashPolicy(start), hashPolicy(next));
          expect(await currentPolicy(policy)).to.deep.equal(next);
        });
      }
    });
  });

  describe("nudgeCoverage", function () {
    for (const to of [2_750, 2_250]) {
      it(`moves the coverage by exactly 10 %: 2,500 -> ${to}`, async function () {
        const { policy, steward } = await loadFixture(fixture);
        const next = withEdit((p) => (p.coverageBps = to));
        await expect(policy.connect(steward).nudgeCoverage(to))
          .to.emit(policy, "PolicyUpdated")
          .withArgs(1n, hashPolicy(defaultPolicy()), hashPolicy(next));
        expect(await currentPolicy(policy)).to.deep.equal(next);
        expect(await policy.version()).to.equal(1n);
        expect(await policy.lastNudgeAt(COVERAGE_PARAMETER)).to.equal(BigInt(await time.latest()));
        for (let layer = 0; layer < COVERAGE_PARAMETER; layer++) {
          expect(await policy.lastNudgeAt(layer)).to.equal(0n);
        }
      });
    }

    for (const requested of [2_751, 2_249, 65_535, 0]) {
      it(`rejects 2,500 -> ${requested} as outside the band`, async function () {
        const { policy, steward } = await loadFixture(fixture);
        const before = await snapshotState(policy);
        await expect(policy.connect(steward).nudgeCoverage(requested))
          .to.be.revertedWithCustomError(policy, "HedgePolicyNudgeOutsideBand")
          .withArgs(COVERAGE_PARAMETER, 2_500n, requested, 250n);
        await expectUnchanged(policy, before);
      });
    }

    it("rejects an unchanged coverage", async function () {
      const { policy, steward } = await loadFixture(fixture);
      const before = await snapshotState(policy);
      await expect(policy.connect(steward).nudgeCoverage(2_500))
        .to.be.revertedWithCustomError(policy, "HedgePolicyNudgeUnchanged")
        .withArgs(2_500n);
      await expectUnchanged(policy, before);
    });

    for (const [start, requested, ok] of [
      [10_000, 10_001, false],
      [10_000, 11_000, false],
      [9_500, 10_000, true],
      [500, 499, false],
      [500, 450, false],
      [550, 500, true],
    ] as [number, number, boolean][]) {
      it(`${ok ? "accepts" : "rejects"} ${start} -> ${requested}${ok ? "" : " as out of range"}`, async function () {
        const { policy, governance, steward } = await loadFixture(fixture);
        const base = withEdit((p) => (p.coverageBps = start));
        await policy.connect(governance).setPolicy(base, 1n);
        if (ok) {
          await expect(policy.connect(steward).nudgeCoverage(requested))
            .to.emit(policy, "PolicyUpdated")
            .withArgs(2n, hashPolicy(base), hashPolicy(withEdit((p) => (p.coverageBps = requested), base)));
          expect((await currentPolicy(policy)).coverageBps).to.equal(requested);
        } else {
          const before = await snapshotState(policy);
          await expect(policy.connect(steward).nudgeCoverage(requested))
            .to.be.revertedWithCustomError(policy, "HedgePolicyCoverageOutOfRange")
            .withArgs(requested);
          await expectUnchanged(policy, before);
        }
      });
    }
  });

  describe("cooldown", function () {
    it("rejects a second nudge of the same trigger until exactly the cooldown has passed", async function () {
      const { policy, steward } = await loadFixture(fixture);
      await policy.connect(steward).nudgeTrigger(0, 2_100);
      const nudgedAt = await time.latest();
      expect(await policy.lastNudgeAt(0)).to.equal(BigInt(nudgedAt));

      const before = await snapshotState(policy);
      await expect(policy.connect(steward).nudgeTrigger(0, 2_200))
        .to.be.revertedWithCustomError(policy, "HedgePolicyNudgeCoolingDown")
        .withArgs(0n, nudgedAt + DAY);
      await expectUnchanged(policy, before);

      await time.setNextBlockTimestamp(nudgedAt + DAY - 1);
      await expect(policy.connect(steward).nudgeTrigger(0, 2_200))
        .to.be.revertedWithCustomError(policy, "HedgePolicyNudgeCoolingDown")
        .withArgs(0n, nudgedAt + DAY);
      await expectUnchanged(policy, before);

      await time.setNextBlockTimestamp(nudgedAt + DAY);
      await expect(policy.connect(steward).nudgeTrigger(0, 2_200))
        .to.emit(policy, "PolicyUpdated")
        .withArgs(1n, before.policyHash, hashPolicy(withEdit((p) => (p.layers[0].triggerVix = 2_200))));
      expect(await policy.lastNudgeAt(0)).to.equal(BigInt(nudgedAt + DAY));
      expect(await policy.version()).to.equal(1n);
    });

    it("keeps each trigger and the coverage independent", async function () {
      const { policy, steward } = await loadFixture(fixture);
      await policy.connect(steward).nudgeTrigger(1, 2_900);
      const first = await time.latest();
      await policy.connect(steward).nudgeTrigger(0, 2_100);
      await policy.connect(steward).nudgeTrigger(2, 3_600);
      await policy.connect(steward).nudgeCoverage(2_600);
      const last = await time.latest();
      expect(await policy.version()).to.equal(1n);
      expect(await currentPolicy(policy)).to.deep.equal(
        withEdit((p) => {
          p.layers[0].triggerVix = 2_100;
          p.layers[1].triggerVix = 2_900;
          p.layers[2].triggerVix = 3_600;
          p.coverageBps = 2_600;
        }),
      );
      expect(await policy.lastNudgeAt(1)).to.equal(BigInt(first));
      expect(await policy.lastNudgeAt(COVERAGE_PARAMETER)).to.equal(BigInt(last));

      await expect(policy.connect(steward).nudgeCoverage(2_700))
        .to.be.revertedWithCustomError(policy, "HedgePolicyNudgeCoolingDown")
        .withArgs(COVERAGE_PARAMETER, last + DAY);
      await expect(policy.connect(steward).nudgeTrigger(1, 3_000))
        .to.be.revertedWithCustomError(policy, "HedgePolicyNudgeCoolingDown")
        .withArgs(1n, first + DAY);
    });

    it("does not start when a nudge is rejected", async function () {
      const { policy, steward } = await loadFixture(fixture);
      await expect(policy.connect(steward).nudgeTrigger(0, 2_201)).to.be.revertedWithCustomError(
        policy,
        "HedgePolicyNudgeOutsideBand",
      );
      await expect(policy.connect(steward).nudgeTrigger(0, 2_800)).to.be.revertedWithCustomError(
        policy,
        "HedgePolicyNudgeOutsideBand",
      );
      expect(await policy.lastNudgeAt(0)).to.equal(0n);
      await policy.connect(steward).nudgeTrigger(0, 2_200);
      expect(await policy.lastNudgeAt(0)).to.equal(BigInt(await time.latest()));
    });

    it("does not start when a nudge breaks an invariant", async function () {
      const { policy, governance, steward } = await loadFixture(fixture);
      await policy.connect(governance).setPolicy(
        withEdit((p) => (p.layers[1].triggerVix = 2_100)),
        1n,
      );
      await expect(policy.connect(steward).nudgeTrigger(0, 2_100)).to.be.revertedWithCustomError(
        policy,
        "HedgePolicyTriggerNotIncreasing",
      );
      expect(await policy.lastNudgeAt(0)).to.equal(0n);
      await policy.connect(steward).nudgeTrigger(0, 2_050);
    });

    it("survives setPolicy", async function () {
      const { policy, governance, steward } = await loadFixture(fixture);
      await policy.connect(steward).nudgeTrigger(0, 2_100);
      const triggerNudgedAt = await time.latest();
      await policy.connect(steward).nudgeCoverage(2_600);
      const coverageNudgedAt = await time.latest();
      await policy.connect(governance).setPolicy(defaultPolicy(), 1n);
      expect(await policy.lastNudgeAt(0)).to.equal(BigInt(triggerNudgedAt));
      expect(await policy.lastNudgeAt(COVERAGE_PARAMETER)).to.equal(BigInt(coverageNudgedAt));

      const before = await snapshotState(policy);
      await expect(policy.connect(steward).nudgeTrigger(0, 2_100))
        .to.be.revertedWithCustomError(policy, "HedgePolicyNudgeCoolingDown")
        .withArgs(0n, triggerNudgedAt + DAY);
      await expect(policy.connect(steward).nudgeCoverage(2_600))
        .to.be.revertedWithCustomError(policy, "HedgePolicyNudgeCoolingDown")
        .withArgs(COVERAGE_PARAMETER, coverageNudgedAt + DAY);
      await expectUnchanged(policy, before);
      // A trigger not nudged before is free.
      await policy.connect(steward).nudgeTrigger(1, 2_900);
    });

    it("checks the cooldown before the size of the step", async function () {
      const { policy, steward } = await loadFixture(fixture);
      await policy.connect(steward).nudgeCoverage(2_600);
      const nudgedAt = await time.latest();
      await expect(policy.connect(steward).nudgeCoverage(9_000))
        .to.be.revertedWithCustomError(policy, "HedgePolicyNudgeCoolingDown")
        .withArgs(COVERAGE_PARAMETER, nudgedAt + DAY);
    });
  });

  describe("the band around the baseline", function () {
    it("never lets nudges compound: day after day the trigger stays within one band of the baseline", async function () {
      const { policy, steward } = await loadFixture(fixture);
      await policy.connect(steward).nudgeTrigger(0, 2_200);
      for (let day = 1; day <= 20; day++) {
        await time.increase(DAY);
        const before = await snapshotState(policy);
        await expect(policy.connect(steward).nudgeTrigger(0, 2_200 + day * 10))
          .to.be.revertedWithCustomError(policy, "HedgePolicyNudgeOutsideBand")
          .withArgs(0n, 2_000n, 2_200 + day * 10, 200n);
        await expectUnchanged(policy, before);
      }
      // Across the band in one nudge: from +10 % to -10 % of the baseline.
      await policy.connect(steward).nudgeTrigger(0, 1_800);
      expect((await currentPolicy(policy)).layers[0].triggerVix).to.equal(1_800);
      expect(await policy.baseline()).to.deep.equal([2_500n, [2_000n, 2_800n, 3_500n]]);
    });

    it("coverage walked down daily stops at the band's edge", async function () {
      const { policy, steward } = await loadFixture(fixture);
      let coverage = 2_500;
      for (let day = 0; day < 17; day++) {
        const requested = Math.floor(coverage * 0.9);
        const band = requested >= 2_250;
        if (band) {
          await policy.connect(steward).nudgeCoverage(requested);
          coverage = requested;
        } else {
          await expect(policy.connect(steward).nudgeCoverage(requested))
            .to.be.revertedWithCustomError(policy, "HedgePolicyNudgeOutsideBand")
            .withArgs(COVERAGE_PARAMETER, 2_500n, requested, 250n);
        }
        await time.increase(DAY);
      }
      expect((await currentPolicy(policy)).coverageBps).to.equal(2_250);
    });

    it("moves with setPolicy: the new policy's values are the new baseline", async function () {
      const { policy, governance, steward } = await loadFixture(fixture);
      await policy.connect(steward).nudgeTrigger(1, 3_000);
      const next = withEdit((p) => ((p.layers[1].triggerVix = 2_700), (p.coverageBps = 3_000)));
      await policy.connect(governance).setPolicy(next, 1n);
      expect(await policy.version()).to.equal(2n);
      expect(await policy.baseline()).to.deep.equal([3_000n, [2_000n, 2_700n, 3_500n]]);
      await expect(policy.connect(steward).nudgeCoverage(3_301))
        .to.be.revertedWithCustomError(policy, "HedgePolicyNudgeOutsideBand")
        .withArgs(COVERAGE_PARAMETER, 3_000n, 3_301n, 300n);
      await policy.connect(steward).nudgeCoverage(3_300);
      await time.increase(DAY);
      await expect(policy.connect(steward).nudgeTrigger(1, 2_971))
        .to.be.revertedWithCustomError(policy, "HedgePolicyNudgeOutsideBand")
        .withArgs(1n, 2_700n, 2_971n, 270n);
      await policy.connect(steward).nudgeTrigger(1, 2_970);
      expect(await policy.version()).to.equal(2n);
    });

    it("reports one trigger per layer: a 1-layer baseline", async function () {
      const { policy, governance } = await loadFixture(fixture);
      await policy.connect(governance).setPolicy(
        withEdit((p) => (p.layers = [{ ...p.layers[0], allocationBps: 10_000, triggerVix: 10_000 }])),
        1n,
      );
      expect(await policy.baseline()).to.deep.equal([2_500n, [10_000n]]);
    });
  });

  describe("a return from the loose side toward the baseline: no cooldown, and none restarted", function () {
    /**
     * Nudges `parameter` (a layer or COVERAGE_PARAMETER) to `requested` within the cooldown of an earlier nudge and
     * expects it to run as an exempt return: the value changes, the version and the baseline do not, PolicyUpdated is
     * emitted, and every lastNudgeAt is as it was.
     */
    async function expectExemptReturn(
      f: Awaited<ReturnType<typeof fixture>>,
      parameter: number,
      requested: number,
    ): Promise<void> {
      const { policy, steward } = f;
      const before = await snapshotState(policy);
      const baseline = await policy.baseline();
      const next = withEdit((p) => {
        if (parameter === COVERAGE_PARAMETER) p.coverageBps = requested;
        else p.layers[parameter].triggerVix = requested;
      }, before.policy);
      const tx =
        parameter === COVERAGE_PARAMETER
          ? policy.connect(steward).nudgeCoverage(requested)
          : policy.connect(steward).nudgeTrigger(parameter, requested);
      await expect(tx).to.emit(policy, "PolicyUpdated").withArgs(before.version, before.policyHash, hashPolicy(next));
      expect(await snapshotState(policy)).to.deep.equal({ ...before, policy: next, policyHash: hashPolicy(next) });
      expect(await policy.baseline()).to.deep.equal(baseline);
    }

    /** Nudges `parameter` to `requested` and expects HedgePolicyNudgeCoolingDown(parameter, until); nothing changes. */
    async function expectCoolingDown(
      f: Awaited<ReturnType<typeof fixture>>,
      parameter: number,
      requested: number,
      until: number,
    ): Promise<void> {
      const { policy, steward } = f;
      const before = await snapshotState(policy);
      const tx =
        parameter === COVERAGE_PARAMETER
          ? policy.connect(steward).nudgeCoverage(requested)
          : policy.connect(steward).nudgeTrigger(parameter, requested);
      await expect(tx).to.be.revertedWithCustomError(policy, "HedgePolicyNudgeCoolingDown").withArgs(parameter, until);
      await expectUnchanged(policy, before);
    }

    it("a trigger above its baseline moved down toward it, within the cooldown: runs, lastNudgeAt unchanged", async function () {
      const f = await loadFixture(fixture);
      await f.policy.connect(f.steward).nudgeTrigger(1, 3_080);
      const nudgedAt = await time.latest();
      await expectExemptReturn(f, 1, 2_900);
      expect(await f.policy.lastNudgeAt(1)).to.equal(BigInt(nudgedAt));
      // The cooldown still runs from the loosening nudge, not from the return: moving out again waits for it.
      await expectCoolingDown(f, 1, 3_000, nudgedAt + DAY);
      // All the way to the baseline, a second before the cooldown ends.
      await time.setNextBlockTimestamp(nudgedAt + DAY - 1);
      await expectExemptReturn(f, 1, 2_800);
      expect(await currentPolicy(f.policy)).to.deep.equal(defaultPolicy());
      // A second later the cooldown of the loosening nudge is over: an ordinary nudge runs and restarts it.
      await f.policy.connect(f.steward).nudgeTrigger(1, 2_900);
      expect(await f.policy.lastNudgeAt(1)).to.equal(BigInt(nudgedAt + DAY));
    });

    it("landing exactly on the baseline is exempt, from the loose edge in one nudge", async function () {
      const f = await loadFixture(fixture);
      await f.policy.connect(f.steward).nudgeTrigger(2, 3_850);
      const nudgedAt = await time.latest();
      await expectExemptReturn(f, 2, 3_500);
      expect(await currentPolicy(f.policy)).to.deep.equal(defaultPolicy());
      expect(await f.policy.lastNudgeAt(2)).to.equal(BigInt(nudgedAt));
    });

    it("overshooting past the baseline to the tight side is not exempt: cooling down", async function () {
      const f = await loadFixture(fixture);
      await f.policy.connect(f.steward).nudgeTrigger(0, 2_200);
      const nudgedAt = await time.latest();
      await expectCoolingDown(f, 0, 1_999, nudgedAt + DAY);
      await expectCoolingDown(f, 0, 1_800, nudgedAt + DAY);
      // Once the cooldown is over it is an ordinary nudge, within the band, and restarts the cooldown.
      await time.setNextBlockTimestamp(nudgedAt + DAY);
      await f.policy.connect(f.steward).nudgeTrigger(0, 1_800);
      expect(await f.policy.lastNudgeAt(0)).to.equal(BigInt(nudgedAt + DAY));
    });

    it("from the tight side back toward the baseline is not exempt: undoing a protective nudge waits", async function () {
      const f = await loadFixture(fixture);
      await f.policy.connect(f.steward).nudgeTrigger(0, 1_800);
      const nudgedAt = await time.latest();
      await expectCoolingDown(f, 0, 1_900, nudgedAt + DAY);
      await expectCoolingDown(f, 0, 2_000, nudgedAt + DAY);
      await time.setNextBlockTimestamp(nudgedAt + DAY);
      await f.policy.connect(f.steward).nudgeTrigger(0, 2_000);
      expect(await f.policy.lastNudgeAt(0)).to.equal(BigInt(nudgedAt + DAY));
      expect(await currentPolicy(f.policy)).to.deep.equal(defaultPolicy());
    });

    it("a move further out on the loose side is not exempt, nor a move within it away from the baseline", async function () {
      const f = await loadFixture(fixture);
      await f.policy.connect(f.steward).nudgeTrigger(0, 2_100);
      const nudgedAt = await time.latest();
      await expectCoolingDown(f, 0, 2_200, nudgedAt + DAY);
      await f.policy.connect(f.steward).nudgeCoverage(2_400);
      const coverageAt = await time.latest();
      await expectCoolingDown(f, COVERAGE_PARAMETER, 2_300, coverageAt + DAY);
    });

    describe("the coverage, mirrored: below its baseline is the loose side", function () {
      it("coverage below its baseline moved up toward it, within the cooldown: runs, lastNudgeAt unchanged", async function () {
        const f = await loadFixture(fixture);
        await f.policy.connect(f.steward).nudgeCoverage(2_250);
        const nudgedAt = await time.latest();
        await expectExemptReturn(f, COVERAGE_PARAMETER, 2_400);
        await expectExemptReturn(f, COVERAGE_PARAMETER, 2_500);
        expect(await f.policy.lastNudgeAt(COVERAGE_PARAMETER)).to.equal(BigInt(nudgedAt));
        expect(await currentPolicy(f.policy)).to.deep.equal(defaultPolicy());
        await expectCoolingDown(f, COVERAGE_PARAMETER, 2_400, nudgedAt + DAY);
      });

      it("overshooting past the baseline to the tight side is not exempt", async function () {
        const f = await loadFixture(fixture);
        await f.policy.connect(f.steward).nudgeCoverage(2_250);
        const nudgedAt = await time.latest();
        await expectCoolingDown(f, COVERAGE_PARAMETER, 2_501, nudgedAt + DAY);
        await expectCoolingDown(f, COVERAGE_PARAMETER, 2_750, nudgedAt + DAY);
      });

      it("from the tight side (above the baseline) back down toward it is not exempt", async function () {
        const f = await loadFixture(fixture);
        await f.policy.connect(f.steward).nudgeCoverage(2_750);
        const nudgedAt = await time.latest();
        await expectCoolingDown(f, COVERAGE_PARAMETER, 2_600, nudgedAt + DAY);
        await expectCoolingDown(f, COVERAGE_PARAMETER, 2_500, nudgedAt + DAY);
      });
    });

    it("an exempt return still respects the invariants: triggers strictly increasing", async function () {
      const f = await loadFixture(fixture);
      const { policy, governance, steward } = f;
      // Baseline 2,000 / 2,100 / 3,500: layer 1 pushed up to 2,300, then layer 0 up to 2,200 under it.
      const close = withEdit((p) => (p.layers[1].triggerVix = 2_100));
      await policy.connect(governance).setPolicy(close, 1n);
      await policy.connect(steward).nudgeTrigger(1, 2_300);
      await policy.connect(steward).nudgeTrigger(0, 2_200);
      const before = await snapshotState(policy);
      // Layer 1's return to 2,150 would put it under layer 0: refused by the invariant, not waved through.
      for (const requested of [2_200, 2_150, 2_100]) {
        await expect(policy.connect(steward).nudgeTrigger(1, requested))
          .to.be.revertedWithCustomError(policy, "HedgePolicyTriggerNotIncreasing")
          .withArgs(1n, 2_200n, requested);
        await expectUnchanged(policy, before);
      }
      // Down to one above layer 0 it runs; once layer 0 is back, layer 1 goes back too: both exempt.
      await policy.connect(steward).nudgeTrigger(1, 2_201);
      await policy.connect(steward).nudgeTrigger(0, 2_000);
      await policy.connect(steward).nudgeTrigger(1, 2_100);
      expect(await currentPolicy(policy)).to.deep.equal(close);
      expect(await snapshotState(policy)).to.deep.equal({ ...before, policy: close, policyHash: hashPolicy(close) });
    });

    it("an exempt return after setNudgeLimits shrank the band: still allowed, though outside the new band", async function () {
      const f = await loadFixture(fixture);
      const { policy, governance, steward } = f;
      await policy.connect(steward).nudgeTrigger(0, 2_200);
      const nudgedAt = await time.latest();
      await policy.connect(governance).setNudgeLimits(500, DAY); // the band around 2,000 is now 1,900..2,100
      // 2,150 is outside the new band, but nearer the baseline than 2,200: the return runs.
      await expectExemptReturn(f, 0, 2_150);
      // A move back out, even within the old band, is an ordinary nudge: cooling down, then outside the band.
      await expectCoolingDown(f, 0, 2_180, nudgedAt + DAY);
      await time.setNextBlockTimestamp(nudgedAt + DAY);
      const before = await snapshotState(policy);
      await expect(policy.connect(steward).nudgeTrigger(0, 2_180))
        .to.be.revertedWithCustomError(policy, "HedgePolicyNudgeOutsideBand")
        .withArgs(0n, 2_000n, 2_180n, 100n);
      await expectUnchanged(policy, before);
      // Nudges switched off (maxNudgeBps 0): a return to the baseline is still allowed, and nothing else.
      await policy.connect(governance).setNudgeLimits(0, DAY);
      await expect(policy.connect(steward).nudgeTrigger(0, 2_151))
        .to.be.revertedWithCustomError(policy, "HedgePolicyNudgeOutsideBand")
        .withArgs(0n, 2_000n, 2_151n, 0n);
      await expectExemptReturn(f, 0, 2_000);
      expect(await policy.lastNudgeAt(0)).to.equal(BigInt(nudgedAt));
      expect(await currentPolicy(policy)).to.deep.equal(defaultPolicy());
    });

    describe("across setPolicy: the loose side is judged against the new baseline", function () {
      it("a value that was loose against the old baseline is the new baseline: moving off it waits", async function () {
        const f = await loadFixture(fixture);
        const { policy, governance, steward } = f;
        await policy.connect(steward).nudgeTrigger(0, 2_200);
        const nudgedAt = await time.latest();
        // Against the old baseline 2,000, a move 2,200 -> 2,100 is an exempt return.
        await policy.connect(steward).nudgeTrigger.staticCall(0, 2_100);
        // The council approves 2,200 as the new baseline (a Critical change through the council; here, governance).
        const approved = withEdit((p) => (p.layers[0].triggerVix = 2_200));
        await policy.connect(governance).setPolicy(approved, 1n);
        expect(await policy.baseline()).to.deep.equal([2_500n, [2_200n, 2_800n, 3_500n]]);
        // 2,100 is now the tight side of 2,200: an ordinary nudge, and the cooldown survived setPolicy.
        await expectCoolingDown(f, 0, 2_100, nudgedAt + DAY);
        await expectCoolingDown(f, 0, 2_300, nudgedAt + DAY);
      });

      it("after a setPolicy, a return is judged against the new baseline: to it is exempt, past it is not", async function () {
        const f = await loadFixture(fixture);
        const { policy, governance, steward } = f;
        await policy.connect(steward).nudgeTrigger(0, 2_200);
        const nudgedAt = await time.latest();
        // The council lowers the first trigger to VIX 21 (from the nudged 22: no loosening against the current value).
        const approved = withEdit((p) => (p.layers[0].triggerVix = 2_100));
        await policy.connect(governance).setPolicy(approved, 1n);
        expect(await policy.baseline()).to.deep.equal([2_500n, [2_100n, 2_800n, 3_500n]]);
        // The cooldown of the nudge before still runs: the first loosening against 2,100 waits for it.
        await expectCoolingDown(f, 0, 2_310, nudgedAt + DAY);
        await time.setNextBlockTimestamp(nudgedAt + DAY);
        await policy.connect(steward).nudgeTrigger(0, 2_310); // the loose edge of the new band (±210)
        const loosenedAt = nudgedAt + DAY;
        // Back to the old baseline 2,000 overshoots the new one: tight side, not exempt.
        await expectCoolingDown(f, 0, 2_000, loosenedAt + DAY);
        await expectCoolingDown(f, 0, 2_099, loosenedAt + DAY);
        // Toward and onto the new baseline: exempt.
        const before = await snapshotState(policy);
        await policy.connect(steward).nudgeTrigger(0, 2_200);
        await policy.connect(steward).nudgeTrigger(0, 2_100);
        expect(await currentPolicy(policy)).to.deep.equal(approved);
        expect(await snapshotState(policy)).to.deep.equal({
          ...before,
          policy: approved,
          policyHash: hashPolicy(approved),
        });
        expect(await policy.lastNudgeAt(0)).to.equal(BigInt(loosenedAt));
      });

      it("the coverage: after a setPolicy to 24 %, the old baseline of 25 % is the tight side", async function () {
        const f = await loadFixture(fixture);
        const { policy, governance, steward } = f;
        await policy.connect(steward).nudgeCoverage(2_250);
        const nudgedAt = await time.latest();
        const approved = withEdit((p) => (p.coverageBps = 2_400));
        await policy.connect(governance).setPolicy(approved, 1n);
        await time.setNextBlockTimestamp(nudgedAt + DAY);
        await policy.connect(steward).nudgeCoverage(2_160); // the loose edge of the band around 2,400 (±240)
        const loosenedAt = nudgedAt + DAY;
        // Up to the old baseline 2,500 overshoots the new one: not exempt.
        await expectCoolingDown(f, COVERAGE_PARAMETER, 2_500, loosenedAt + DAY);
        await expectCoolingDown(f, COVERAGE_PARAMETER, 2_401, loosenedAt + DAY);
        // Toward and onto the new baseline: exempt.
        await expectExemptReturn(f, COVERAGE_PARAMETER, 2_300);
        await expectExemptReturn(f, COVERAGE_PARAMETER, 2_400);
        expect(await currentPolicy(policy)).to.deep.equal(approved);
        expect(await policy.lastNudgeAt(COVERAGE_PARAMETER)).to.equal(BigInt(loosenedAt));
      });
    });
  });

  describe("nudge limits", function () {
    it("uses the max step and cooldown set by governance", async function () {
      const { policy, governance, steward } = await loadFixture(fixture);
      await policy.connect(governance).setNudgeLimits(2_000, 3_600);

      const before = await snapshotState(policy);
      await expect(policy.connect(steward).nudgeTrigger(0, 2_401))
        .to.be.revertedWithCustomError(policy, "HedgePolicyNudgeOutsideBand")
        .withArgs(0n, 2_000n, 2_401n, 400n);
      await expectUnchanged(policy, before);

      await policy.connect(steward).nudgeTrigger(0, 2_400);
      const nudgedAt = await time.latest();
      await expect(policy.connect(steward).nudgeTrigger(0, 1_600))
        .to.be.revertedWithCustomError(policy, "HedgePolicyNudgeCoolingDown")
        .withArgs(0n, nudgedAt + 3_600);
      await time.setNextBlockTimestamp(nudgedAt + 3_600);
      await policy.connect(steward).nudgeTrigger(0, 1_600);
      expect((await currentPolicy(policy)).layers[0].triggerVix).to.equal(1_600);
    });

    it("applies a shorter cooldown to nudges made before it was set", async function () {
      const { policy, governance, steward } = await loadFixture(fixture);
      await policy.connect(steward).nudgeCoverage(2_600);
      const nudgedAt = await time.latest();
      await policy.connect(governance).setNudgeLimits(1_000, 60);
      await time.setNextBlockTimestamp(nudgedAt + 59);
      await expect(policy.connect(steward).nudgeCoverage(2_700))
        .to.be.revertedWithCustomError(policy, "HedgePolicyNudgeCoolingDown")
        .withArgs(COVERAGE_PARAMETER, nudgedAt + 60);
      await time.setNextBlockTimestamp(nudgedAt + 60);
      await policy.connect(steward).nudgeCoverage(2_700);
    });

    it("allows back-to-back nudges with a zero cooldown, still within the band", async function () {
      const { policy, governance, steward } = await loadFixture(fixture);
      await policy.connect(governance).setNudgeLimits(1_000, 0);
      await policy.connect(steward).nudgeCoverage(2_750);
      await policy.connect(steward).nudgeCoverage(2_250);
      expect((await currentPolicy(policy)).coverageBps).to.equal(2_250);
      const before = await snapshotState(policy);
      await expect(policy.connect(steward).nudgeCoverage(2_025))
        .to.be.revertedWithCustomError(policy, "HedgePolicyNudgeOutsideBand")
        .withArgs(COVERAGE_PARAMETER, 2_500n, 2_025n, 250n);
      await expectUnchanged(policy, before);
      expect(await policy.version()).to.equal(1n);
    });

    it("disables nudges with maxNudgeBps 0", async function () {
      const { policy, governance, steward } = await loadFixture(fixture);
      await policy.connect(governance).setNudgeLimits(0, 86_400);
      const before = await snapshotState(policy);
      await expect(policy.connect(steward).nudgeTrigger(0, 2_001))
        .to.be.revertedWithCustomError(policy, "HedgePolicyNudgeOutsideBand")
        .withArgs(0n, 2_000n, 2_001n, 0n);
      await expect(policy.connect(steward).nudgeTrigger(2, 3_499))
        .to.be.revertedWithCustomError(policy, "HedgePolicyNudgeOutsideBand")
        .withArgs(2n, 3_500n, 3_499n, 0n);
      await expect(policy.connect(steward).nudgeCoverage(2_501))
        .to.be.revertedWithCustomError(policy, "HedgePolicyNudgeOutsideBand")
        .withArgs(COVERAGE_PARAMETER, 2_500n, 2_501n, 0n);
      await expectUnchanged(policy, before);
    });

    it("with maxNudgeBps 10,000 still stops at the invariants", async function () {
      const { policy, governance, steward } = await loadFixture(fixture);
      await policy.connect(governance).setNudgeLimits(10_000, 86_400);
      await expect(policy.connect(steward).nudgeCoverage(0))
        .to.be.revertedWithCustomError(policy, "HedgePolicyCoverageOutOfRange")
        .withArgs(0n);
      await expect(policy.connect(steward).nudgeCoverage(5_001))
        .to.be.revertedWithCustomError(policy, "HedgePolicyNudgeOutsideBand")
        .withArgs(COVERAGE_PARAMETER, 2_500n, 5_001n, 2_500n);
      await policy.connect(steward).nudgeCoverage(5_000);
      expect((await currentPolicy(policy)).coverageBps).to.equal(5_000);
    });
  });
});

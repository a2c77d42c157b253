// HedgePolicy.isLoosening: the protection curve (coverage x allocation engaged at each VIX level) against the current
// and the baseline policy, the structural rules, every condor field in both directions, and the neutral fields.
import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";

import { defaultPolicy, Instrument, type PolicyValues } from "../scripts/lib/policy";
import { deployHedgePolicy, policyWithLayers, withEdit } from "./helpers/hedgePolicy";

async function fixture() {
  return deployHedgePolicy();
}

type Edit = (p: PolicyValues) => void;

/** [description, edit of the default policy (4/4/2 at VIX 20 / 28 / 35, coverage 2,500), expected isLoosening]. */
const cases: [string, Edit, boolean][] = [
  // Structure: a different number of layers, or any instrument changed, index by index.
  ["fewer layers (3 -> 2)", (p) => ((p.layers = p.layers.slice(0, 2)), (p.layers[1].allocationBps = 6_000)), true],
  ["fewer layers (3 -> 1)", (p) => (p.layers = [{ ...p.layers[0], allocationBps: 10_000 }]), true],
  [
    "more layers (3 -> 4), even with more protection everywhere",
    (p) => {
      p.coverageBps = 5_000;
      p.layers[2].allocationBps = 1_000;
      p.layers.push({ allocationBps: 1_000, tenorDays: 365, triggerVix: 5_000, instrument: Instrument.SpxPuts });
    },
    true,
  ],
  ["instrument changed up", (p) => (p.layers[0].instrument = Instrument.SpxPuts), true],
  ["instrument changed down", (p) => (p.layers[2].instrument = Instrument.VixFutures), true],
  // The protection curve: coverage times the allocation engaged at each VIX level.
  ["coverage lower by 1", (p) => (p.coverageBps = 2_499), true],
  ["coverage higher by 1", (p) => (p.coverageBps = 2_501), false],
  ["layer 0 trigger higher by 1", (p) => (p.layers[0].triggerVix = 2_001), true],
  ["layer 1 trigger higher by 1", (p) => (p.layers[1].triggerVix = 2_801), true],
  ["layer 2 trigger higher by 1", (p) => (p.layers[2].triggerVix = 3_501), true],
  ["layer 0 trigger lower by 1", (p) => (p.layers[0].triggerVix = 1_999), false],
  ["layer 1 trigger lower by 1", (p) => (p.layers[1].triggerVix = 2_799), false],
  ["layer 2 trigger lower by 1", (p) => (p.layers[2].triggerVix = 3_499), false],
  ["every trigger lower", (p) => p.layers.forEach((l) => (l.triggerVix -= 100)), false],
  [
    "one trigger lower, another higher",
    (p) => ((p.layers[0].triggerVix = 1_500), (p.layers[2].triggerVix = 3_600)),
    true,
  ],
  [
    "allocation moved to a lower trigger: 4/4/2 -> 5/3/2",
    (p) => ((p.layers[0].allocationBps = 5_000), (p.layers[1].allocationBps = 3_000)),
    false,
  ],
  [
    "allocation moved to a higher trigger: 4/4/2 -> 3/5/2",
    (p) => ((p.layers[0].allocationBps = 3_000), (p.layers[1].allocationBps = 5_000)),
    true,
  ],
  [
    "allocation moved to the top layer: 4/4/2 -> 4/3/3",
    (p) => ((p.layers[1].allocationBps = 3_000), (p.layers[2].allocationBps = 3_000)),
    true,
  ],
  [
    "3/5/2 with coverage raised just enough (3,334: 3,000 x 3,334 >= 4,000 x 2,500)",
    (p) => ((p.layers[0].allocationBps = 3_000), (p.layers[1].allocationBps = 5_000), (p.coverageBps = 3_334)),
    false,
  ],
  [
    "3/5/2 with coverage raised one short (3,333)",
    (p) => ((p.layers[0].allocationBps = 3_000), (p.layers[1].allocationBps = 5_000), (p.coverageBps = 3_333)),
    true,
  ],
  [
    "the budget moved to VIX 100 with coverage up by 1 bp (same layer count and instruments)",
    (p) => {
      p.layers[0].allocationBps = 1;
      p.layers[1].allocationBps = 1;
      p.layers[2].allocationBps = 9_998;
      p.layers[2].triggerVix = 10_000;
      p.coverageBps = 2_501;
    },
    true,
  ],
  [
    "every trigger far lower but coverage lower: less protection only from VIX 35, after next's last trigger",
    (p) => {
      p.layers.forEach((l, i) => (l.triggerVix = 1_000 + 100 * i));
      p.coverageBps = 2_400;
    },
    true,
  ],
  [
    "triggers lower and allocation moved up, protection never lower",
    (p) => {
      // 2/6/2 engaging at VIX 15 / 20 / 35: 2,000 from VIX 15, 8,000 from 20 (was 4,000), 10,000 from 35.
      p.layers[0].triggerVix = 1_500;
      p.layers[0].allocationBps = 2_000;
      p.layers[1].triggerVix = 2_000;
      p.layers[1].allocationBps = 6_000;
    },
    false,
  ],
  // The condor and the hedge's mechanics, field by field.
  ["tenors shorter", (p) => p.layers.forEach((l) => (l.tenorDays -= 10)), true],
  ["layer 2 tenor shorter by 1 day", (p) => (p.layers[2].tenorDays = 179), true],
  ["tenors longer", (p) => p.layers.forEach((l) => (l.tenorDays += 30)), false],
  ["delta max higher by 1", (p) => (p.shortDeltaMaxBps = 2_501), true],
  ["delta max lower by 1", (p) => (p.shortDeltaMaxBps = 2_499), false],
  ["wing wider by 1", (p) => (p.wingWidthPts = 51), true],
  ["wing narrower by 1", (p) => (p.wingWidthPts = 49), false],
  ["hysteresis lower by 1", (p) => (p.hysteresisVix = 199), true],
  ["hysteresis higher by 1", (p) => (p.hysteresisVix = 201), false],
  ["oracle age longer by 1 s", (p) => (p.maxOracleAge = 3_601), true],
  ["oracle age shorter by 1 s", (p) => (p.maxOracleAge = 3_599), false],
  // Fields no rule weighs: neutral in both directions.
  ["scale step higher", (p) => (p.scaleStepBps = 3_000), false],
  ["scale step lower", (p) => (p.scaleStepBps = 2_000), false],
  ["delta min higher", (p) => (p.shortDeltaMinBps = 2_000), false],
  ["delta min lower", (p) => (p.shortDeltaMinBps = 1_000), false],
  ["target DTE longer", (p) => (p.targetDte = 14), false],
  ["target DTE shorter", (p) => (p.targetDte = 3), false],
  ["identical policy", () => undefined, false],
  [
    "every neutral or tightening change at once",
    (p) => {
      p.layers[0].allocationBps = 5_000;
      p.layers[1].allocationBps = 3_000;
      p.layers.forEach((l) => (l.tenorDays += 1));
      p.scaleStepBps = 500;
      p.shortDeltaMinBps = 100;
      p.targetDte = 365;
    },
    false,
  ],
  [
    "tightening everywhere except a 1-point wider wing",
    (p) => {
      p.coverageBps = 5_000;
      p.layers.forEach((l) => (l.triggerVix -= 500));
      p.shortDeltaMaxBps = 2_000;
      p.hysteresisVix = 500;
      p.maxOracleAge = 600;
      p.wingWidthPts = 51;
    },
    true,
  ],
];

describe("HedgePolicy.isLoosening", function () {
  for (const [name, edit, loosening] of cases) {
    it(`${name}: ${loosening}`, async function () {
      const { policy } = await loadFixture(fixture);
      expect(await policy.isLoosening(withEdit(edit))).to.equal(loosening);
    });
  }

  it("compares against the current policy, not the one at deployment", async function () {
    const { policy, governance } = await loadFixture(fixture);
    const lower = withEdit((p) => (p.coverageBps = 2_000));
    expect(await policy.isLoosening(lower)).to.equal(true);
    await policy.connect(governance).setPolicy(
      withEdit((p) => (p.coverageBps = 1_500)),
      1n,
    );
    expect(await policy.isLoosening(lower)).to.equal(false);
    expect(await policy.isLoosening(defaultPolicy())).to.equal(false);
  });

  it("compares against a 5-layer policy: dropping only the last layer loosens", async function () {
    const { policy, governance } = await loadFixture(fixture);
    const five = policyWithLayers(5);
    await policy.connect(governance).setPolicy(five, 1n);
    expect(await policy.isLoosening(five)).to.equal(false);
    const four = withEdit((p) => {
      p.layers.pop();
      p.layers[0].allocationBps += 2_000;
    }, five);
    expect(await policy.isLoosening(four)).to.equal(true);
    expect(await policy.isLoosening(withEdit((p) => (p.layers[4].triggerVix += 1), five))).to.equal(true);
    expect(await policy.isLoosening(withEdit((p) => (p.layers[4].triggerVix -= 1), five))).to.equal(false);
  });

  it("sees nudged values", async function () {
    const { policy, steward } = await loadFixture(fixture);
    await policy.connect(steward).nudgeTrigger(0, 1_900);
    expect(await policy.isLoosening(defaultPolicy())).to.equal(true);
    await policy.connect(steward).nudgeCoverage(2_700);
    expect(await policy.isLoosening(withEdit((p) => (p.layers[0].triggerVix = 1_900)))).to.equal(true);
    const nudged = withEdit((p) => ((p.layers[0].triggerVix = 1_900), (p.coverageBps = 2_700)));
    expect(await policy.isLoosening(nudged)).to.equal(false);
  });

  it("sees a nudge of a layer above the first: the baseline's higher trigger then loosens", async function () {
    const { policy, steward } = await loadFixture(fixture);
    await policy.connect(steward).nudgeTrigger(1, 2_600);
    await policy.connect(steward).nudgeTrigger(2, 3_300);
    expect(await policy.isLoosening(defaultPolicy())).to.equal(true);
    expect(await policy.isLoosening(withEdit((p) => (p.layers[2].triggerVix = 3_300)))).to.equal(true);
    const nudged = withEdit((p) => ((p.layers[1].triggerVix = 2_600), (p.layers[2].triggerVix = 3_300)));
    expect(await policy.isLoosening(nudged)).to.equal(false);
  });

  it("compares against the baseline after a coverage nudge alone, and after a trigger nudge alone", async function () {
    const coverageOnly = await loadFixture(fixture);
    await coverageOnly.policy.connect(coverageOnly.steward).nudgeCoverage(2_250);
    expect(await coverageOnly.policy.isLoosening(withEdit((p) => (p.coverageBps = 2_250)))).to.equal(true);
    expect(await coverageOnly.policy.isLoosening(defaultPolicy())).to.equal(false);

    const triggerOnly = await loadFixture(fixture);
    await triggerOnly.policy.connect(triggerOnly.steward).nudgeTrigger(2, 3_850);
    expect(await triggerOnly.policy.isLoosening(withEdit((p) => (p.layers[2].triggerVix = 3_850)))).to.equal(true);
    expect(await triggerOnly.policy.isLoosening(defaultPolicy())).to.equal(false);
  });

  it("compares against the baseline too: a loosening nudge cannot become the approved policy", async function () {
    const { policy, steward } = await loadFixture(fixture);
    await policy.connect(steward).nudgeCoverage(2_250);
    await policy.connect(steward).nudgeTrigger(1, 3_080);
    // The nudged values themselves, proposed as a full policy: no less than now, but less than the baseline.
    const lockIn = withEdit((p) => ((p.coverageBps = 2_250), (p.layers[1].triggerVix = 3_080)));
    expect(await policy.isLoosening(lockIn)).to.equal(true);
    expect(await policy.isLoosening(withEdit((p) => (p.coverageBps = 2_250)))).to.equal(true);
    expect(await policy.isLoosening(withEdit((p) => (p.layers[1].triggerVix = 3_080)))).to.equal(true);
    // Back to the baseline, or tighter than it: not loosening.
    expect(await policy.isLoosening(defaultPolicy())).to.equal(false);
    expect(await policy.isLoosening(withEdit((p) => (p.coverageBps = 2_600)))).to.equal(false);
  });
});

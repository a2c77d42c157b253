// HedgePolicy.isLoosening (rules v3): the protection curve (coverage x allocation engaged at each VIX level) against
// the current and the baseline policy; the structure (layer count, each layer's instrument); the one-direction fields
// (tenor shorter, delta min or max higher, wing wider, hysteresis lower, scale step lower); the both-direction fields
// (any change of the oracle age or of the condor's days to expiry). No field is neutral any more.
import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";

import { defaultPolicy } from "../scripts/lib/policy";
import {
  deployHedgePolicy,
  LOOSENING_CASES,
  policyWithLayers,
  withEdit,
  type LooseningClass,
} from "./helpers/hedgePolicy";

async function fixture() {
  return deployHedgePolicy();
}

describe("HedgePolicy.isLoosening", function () {
  before(async () => loadFixture(fixture)); // the deployment, once, outside the tests' time

  // The design's class table, every field, each direction (the same table checks scripts/lib/council).
  for (const cls of ["curve", "structure", "one direction", "both directions", "unchanged"] as LooseningClass[]) {
    describe(cls === "unchanged" ? "nothing moved the wrong way" : `the ${cls} class`, function () {
      for (const c of LOOSENING_CASES.filter((x) => x.class === cls)) {
        it(`${c.name}: ${c.loosening}`, async function () {
          const { policy } = await loadFixture(fixture);
          expect(await policy.isLoosening(withEdit(c.edit))).to.equal(c.loosening);
        });
      }
    });
  }

  it("judges every field outside the curve against the current policy, after nudges too", async function () {
    const { policy, steward } = await loadFixture(fixture);
    await policy.connect(steward).nudgeCoverage(2_750);
    await policy.connect(steward).nudgeTrigger(0, 1_800);
    const nudged = withEdit((p) => ((p.coverageBps = 2_750), (p.layers[0].triggerVix = 1_800)));
    expect(await policy.isLoosening(nudged)).to.equal(false);
    for (const c of LOOSENING_CASES.filter((x) => x.field && x.class !== "curve")) {
      expect(await policy.isLoosening(withEdit(c.edit, nudged)), c.name).to.equal(c.loosening);
    }
  });

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

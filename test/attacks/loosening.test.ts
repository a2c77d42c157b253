// Attacks: loosening dressed as a Standard change. Three seats of five are the Standard threshold; loosening needs four
// (Critical). The first rules judged field by field: allocations moved to a layer that engages only at VIX 100, tenors
// cut, coverage +1 bp passed as Standard; so did the ratchet (a Fast nudge down, then a "non-loosening" Standard
// policy that locks it in), and the "neutral" fields of rules v2 (issue 23, gap 5): a Standard majority could pin the
// condor's delta band to its riskiest edge (0.25–0.25), slow the scale-in, or change the days to expiry. Each is
// Critical now: three signatures are refused with the exact error and nothing changes.
import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";

import {
  deployCouncilSystem,
  nudgeCoverageCall,
  nudgeTriggerCall,
  pass,
  proposal,
  setPolicyCall,
  Tier,
  withEdit,
  type CouncilSystem,
} from "../helpers/system";
import { defaultPolicy, Instrument, type PolicyValues } from "../../scripts/lib/policy";
import { submitWith } from "./attacks.behavior";
import { currentPolicy, expectShortOfApprovals, protectionAt } from "./minority.behavior";

async function fixture() {
  return deployCouncilSystem();
}

/** `next` as a setPolicy proposal against the current version, its tier, and the contract's isLoosening. */
async function judge(sys: CouncilSystem, next: PolicyValues, description: string) {
  const p = proposal([await setPolicyCall(sys, next)], description);
  return {
    p,
    tier: Number(await sys.council.tierOf(p.targets, p.calldatas)),
    loosening: await sys.policy.isLoosening(next),
  };
}

describe("Attacks: loosening dressed as a Standard change", function () {
  before(async () => loadFixture(fixture)); // the deployment, once, outside the tests' time
  describe("field by field: the protection curve judges the whole", function () {
    /** The policy: three layers of 1 bp, a fourth of 9,997 bps at VIX 100, every tenor cut, coverage +1 bp. */
    function hollowed(): PolicyValues {
      return withEdit((p) => {
        p.layers = [
          { allocationBps: 1, tenorDays: 1, triggerVix: 2_000, instrument: Instrument.VixCallSpread },
          { allocationBps: 1, tenorDays: 1, triggerVix: 2_800, instrument: Instrument.VixFutures },
          { allocationBps: 1, tenorDays: 1, triggerVix: 3_500, instrument: Instrument.SpxPuts },
          { allocationBps: 9_997, tenorDays: 1, triggerVix: 10_000, instrument: Instrument.SpxPuts },
        ];
        p.coverageBps = 2_501;
      });
    }

    it("3 of 5 hollow the layers out (1 bp each, 9,997 bps at VIX 100, tenors cut, coverage +1 bp): Critical", async function () {
      const sys = await loadFixture(fixture);
      const next = hollowed();
      expect(protectionAt(next, 4_000)).to.equal(2_501 * 3); // 3 bps of the budget at VIX 40
      const { p, tier, loosening } = await judge(sys, next, "hollowed");
      expect([tier, loosening]).to.deep.equal([Tier.Critical, true]);
      await expectShortOfApprovals(sys, p, sys.holders.slice(0, 3), 4);
    });

    it("the same hollowing on the policy's own shape (three layers, same tenors and instruments): the curve alone catches it", async function () {
      const sys = await loadFixture(fixture);
      // No structural change and no field moved the wrong way but the allocations: the first rules called it Standard.
      const next = withEdit((p) => {
        p.layers[0].allocationBps = 1;
        p.layers[1].allocationBps = 1;
        p.layers[2].allocationBps = 9_998;
        p.coverageBps = 2_501;
      });
      expect(protectionAt(next, 2_000)).to.be.lessThan(protectionAt(defaultPolicy(), 2_000));
      const { p, tier, loosening } = await judge(sys, next, "hollowed in place");
      expect([tier, loosening]).to.deep.equal([Tier.Critical, true]);
      await expectShortOfApprovals(sys, p, sys.holders.slice(0, 3), 4);
    });

    it("the ratchet: a Fast nudge cuts coverage 10 %, then a Standard policy 'non-loosening against the current one' locks it in", async function () {
      const sys = await loadFixture(fixture);
      await submitWith(sys, proposal([nudgeCoverageCall(sys, 2_250)], "nudge down"), sys.holders.slice(0, 2));
      // Against the current policy it only tightens (hysteresis up); against the baseline it protects less.
      const lockIn = withEdit((p) => (p.hysteresisVix = 300), await currentPolicy(sys));
      expect(lockIn.coverageBps).to.equal(2_250);
      const { p, tier, loosening } = await judge(sys, lockIn, "lock in");
      expect([tier, loosening]).to.deep.equal([Tier.Critical, true]);
      await expectShortOfApprovals(sys, p, sys.holders.slice(0, 3), 4);
      // The same tightening written on the baseline's coverage stays Standard.
      const honest = await judge(
        sys,
        withEdit((q) => (q.hysteresisVix = 300)),
        "honest",
      );
      expect([honest.tier, honest.loosening]).to.deep.equal([Tier.Standard, false]);
    });

    it("the trigger ratchet: a Fast nudge raises the first trigger 10 %, a Standard policy locks it in with 4 % more coverage", async function () {
      const sys = await loadFixture(fixture);
      await submitWith(sys, proposal([nudgeTriggerCall(sys, 0, 2_200)], "nudge up"), sys.holders.slice(0, 2));
      // More coverage everywhere the first layer is engaged, but nothing between VIX 20 and 22.
      const lockIn = withEdit((p) => (p.coverageBps = 2_600), await currentPolicy(sys));
      expect(protectionAt(lockIn, 2_100)).to.equal(0);
      const { p, tier, loosening } = await judge(sys, lockIn, "lock in the trigger");
      expect([tier, loosening]).to.deep.equal([Tier.Critical, true]);
      await expectShortOfApprovals(sys, p, sys.holders.slice(0, 3), 4);
    });
  });

  describe("the fields rules v2 called neutral (issue 23, gap 5)", function () {
    it("a Standard majority pins the delta band to its riskiest edge, 0.25–0.25 (min 1,500 -> 2,500): Critical now", async function () {
      const sys = await loadFixture(fixture);
      const pinned = withEdit((p) => (p.shortDeltaMinBps = 2_500));
      expect([pinned.shortDeltaMinBps, pinned.shortDeltaMaxBps]).to.deep.equal([2_500, 2_500]);
      const { p, tier, loosening } = await judge(sys, pinned, "pin the delta band at 0.25");
      expect([tier, loosening]).to.deep.equal([Tier.Critical, true]);
      // Three seats, the Standard threshold, are refused; the band stays 0.15–0.25.
      await expectShortOfApprovals(sys, p, sys.holders.slice(0, 3), 4);
      expect(await currentPolicy(sys)).to.deep.equal(defaultPolicy());
      // Four seats can still decide it: a Critical decision, three days in the timelock.
      await pass(sys, p);
      expect((await currentPolicy(sys)).shortDeltaMinBps).to.equal(2_500);
    });

    const cases: [string, (p: PolicyValues) => void, Tier][] = [
      [
        "a higher delta min (1,500 -> 1,600: the band moves toward the money)",
        (p) => (p.shortDeltaMinBps = 1_600),
        Tier.Critical,
      ],
      ["a lower delta min (1,500 -> 1,400)", (p) => (p.shortDeltaMinBps = 1_400), Tier.Standard],
      [
        "a lower scale step (2,500 -> 2,000: the hedge scales in slower)",
        (p) => (p.scaleStepBps = 2_000),
        Tier.Critical,
      ],
      ["a higher scale step (2,500 -> 3,000)", (p) => (p.scaleStepBps = 3_000), Tier.Standard],
      ["a shorter condor expiry (7 -> 3 days: more gamma)", (p) => (p.targetDte = 3), Tier.Critical],
      ["a longer condor expiry (7 -> 14 days: more vega)", (p) => (p.targetDte = 14), Tier.Critical],
      ["the condor expiry by one day either way (7 -> 8)", (p) => (p.targetDte = 8), Tier.Critical],
      ["the condor expiry by one day either way (7 -> 6)", (p) => (p.targetDte = 6), Tier.Critical],
    ];
    for (const [name, edit, expected] of cases) {
      it(`${name}: ${Tier[expected]}`, async function () {
        const sys = await loadFixture(fixture);
        const { p, tier, loosening } = await judge(sys, withEdit(edit), name);
        expect([tier, loosening]).to.deep.equal([expected, expected === Tier.Critical]);
        if (expected === Tier.Critical) await expectShortOfApprovals(sys, p, sys.holders.slice(0, 3), 4);
      });
    }

    it("a loosening field hidden behind a real tightening (coverage +20 %) is still Critical", async function () {
      const sys = await loadFixture(fixture);
      for (const [name, edit] of [
        ["delta min higher", (p: PolicyValues) => (p.shortDeltaMinBps = 2_000)],
        ["scale step lower", (p: PolicyValues) => (p.scaleStepBps = 1_000)],
        ["DTE longer", (p: PolicyValues) => (p.targetDte = 30)],
      ] as const) {
        const next = withEdit((p) => ((p.coverageBps = 3_000), edit(p)));
        const judged = await judge(sys, next, `covered: ${name}`);
        expect([judged.tier, judged.loosening], name).to.deep.equal([Tier.Critical, true]);
      }
    });
  });
});

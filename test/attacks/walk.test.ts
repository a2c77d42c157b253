// Attacks: the walk. Two seats (the Fast threshold) nudge a parameter to the loose edge of its band; they and one
// more (three: the Standard threshold) make that the new baseline with a setPolicy; the band moves with the baseline,
// so the next day the pair nudges a band further, and so on. Rules v3 took away the Standard veto, so the comparison
// against the baseline is all that stops this walk: a setPolicy that locks a loosening nudge in protects less than the
// approved baseline, so it is Critical (4 of 5) however it is dressed. Here, for the coverage and for two triggers,
// over several days: the lock-in is Critical and three signatures are refused with the state unchanged, and the hedge
// never gets further than one band from the last baseline a Critical decision approved (four seats can move it: that
// is a majority's decision, and the walk then starts again one band from there).
import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";

import {
  DAY,
  deployCouncilSystem,
  nudgeCoverageCall,
  nudgeTriggerCall,
  pass,
  proposal,
  setPolicyCall,
  Tier,
  withEdit,
  type CouncilSystem,
  type Proposal,
} from "../helpers/system";
import { defaultPolicy, type PolicyValues } from "../../scripts/lib/policy";
import { expectUnchanged, scopeOf, submitWith } from "./attacks.behavior";
import {
  baselineOf,
  COVERAGE,
  currentPolicy,
  expectProtectionAtLeast,
  expectWithinBand,
  maxStepOf,
  refusedNudge,
  refusedShortOfApprovals,
} from "./minority.behavior";

async function fixture() {
  return deployCouncilSystem();
}

/** The value of `parameter` in `p`: a layer's trigger, or the coverage. */
function valueOf(p: PolicyValues, parameter: number): number {
  return parameter === COVERAGE ? p.coverageBps : p.layers[parameter].triggerVix;
}

function nudgeOf(sys: CouncilSystem, parameter: number, value: number, description: string): Proposal {
  return proposal(
    [parameter === COVERAGE ? nudgeCoverageCall(sys, value) : nudgeTriggerCall(sys, parameter, value)],
    description,
  );
}

/** The loose edge of the band around `base`: above it for a trigger, below it for the coverage. */
async function looseEdge(sys: CouncilSystem, parameter: number, base: number): Promise<number> {
  const step = await maxStepOf(sys, base);
  return parameter === COVERAGE ? base - step : base + step;
}

/**
 * The walk on `parameter` for `days` days: each day the pair nudges it to the loose edge of the band around where it
 * stands (the first day the band's edge, then a band further), and the pair with one more seat (three: the Standard
 * threshold) propose the nudged policy as the new baseline. Every lock-in is Critical and refused at three
 * signatures, and so is every step a band further; the hedge stays within one band of `approved`, the policy the
 * last Critical decision set.
 */
async function walk(sys: CouncilSystem, parameter: number, days: number[], approved: PolicyValues): Promise<void> {
  const pair = sys.holders.slice(3, 5);
  const three = sys.holders.slice(2, 5);
  const { coverage, triggers } = await baselineOf(sys);
  const base = parameter === COVERAGE ? coverage : triggers[parameter];
  const edge = await looseEdge(sys, parameter, base);
  const maxStep = await maxStepOf(sys, base);
  // The first step of the band: the pair reaches its loose edge.
  const firstStep = valueOf(await currentPolicy(sys), parameter) === base;
  if (firstStep)
    await submitWith(sys, nudgeOf(sys, parameter, edge, `day ${days[0]}: the pair nudges to the edge`), pair);
  // Each day after, the next step: a band further. And each day the three make the nudged value the new baseline.
  const lockIn = await currentPolicy(sys);
  expect(valueOf(lockIn, parameter)).to.equal(edge);
  expect(await sys.policy.isLoosening(lockIn)).to.equal(true);
  const further = await looseEdge(sys, parameter, edge);
  const plan = await Promise.all(
    days.map(async (day, i) => ({
      nudge: i === 0 && firstStep ? null : nudgeOf(sys, parameter, further, `day ${day}: a band further`),
      lock: proposal([await setPolicyCall(sys, lockIn)], `day ${day}: the three lock the nudge in`),
    })),
  );
  const proposals = plan.flatMap(({ nudge, lock }) => (nudge ? [nudge, lock] : [lock]));
  // Every refusal of these days leaves the whole system as it was (one capture before, one after: nothing in between
  // changes, so nothing can change and change back).
  await expectUnchanged(sys, await scopeOf(sys, proposals), async () => {
    for (const { nudge, lock } of plan) {
      if (nudge)
        await refusedNudge(sys, nudge, pair, "HedgePolicyNudgeOutsideBand", [parameter, base, further, maxStep]);
      expect(await sys.council.tierOf(lock.targets, lock.calldatas)).to.equal(Tier.Critical);
      await refusedShortOfApprovals(sys, lock, three, 4);
      await time.increase(DAY);
    }
  });
  await expectWithinBand(sys, approved);
}

describe("Attacks: the walk, two seats nudging and three locking the nudge in", function () {
  before(async () => loadFixture(fixture)); // the deployment, once, outside the tests' time
  for (const [name, parameter] of [
    ["the coverage", COVERAGE],
    ["the first trigger", 0],
    ["the tail trigger", 2],
  ] as [string, number][]) {
    it(`${name}: never more than one band from the last Critical-approved baseline`, async function () {
      this.timeout(120_000);
      const sys = await loadFixture(fixture);
      let approved = defaultPolicy();
      // Days 1 to 3: the baseline never moves; the nudge stays at the loose edge of the first band.
      await walk(sys, parameter, [1, 2, 3], approved);
      expect(await baselineOf(sys)).to.deep.equal({ coverage: 2_500, triggers: [2_000, 2_800, 3_500] });
      if (parameter === COVERAGE) expectProtectionAtLeast(await currentPolicy(sys), approved, 9_000);
      // Four seats can make the nudged value the baseline: a Critical decision, three days in the timelock. The walk
      // goes on from there, one band from what the four approved, never further.
      const decided = await currentPolicy(sys);
      await pass(sys, proposal([await setPolicyCall(sys, decided)], "four seats approve the nudged value"));
      approved = decided;
      await walk(sys, parameter, [7, 8], approved);
      expect(valueOf(await currentPolicy(sys), parameter)).to.equal(
        await looseEdge(sys, parameter, valueOf(approved, parameter)),
      );
      if (parameter === COVERAGE) expectProtectionAtLeast(await currentPolicy(sys), approved, 9_000);
    });
  }

  it("ten days of 'nudge down, then lock it in dressed as a tightening': the coverage never leaves the first band", async function () {
    this.timeout(120_000);
    const sys = await loadFixture(fixture);
    const pair = sys.holders.slice(0, 2);
    const majority = sys.holders.slice(0, 3); // the pair and one more: the Standard threshold, not the Critical
    // Day 1: the pair cuts the coverage 10 %, to the edge of the band.
    await submitWith(sys, proposal([nudgeCoverageCall(sys, 2_250)], "day 1: down"), pair);
    // Days 1 to 3 and day 10: the majority locks in whatever the nudges reached, dressed as a tightening of everything
    // else, and the pair cuts 10 % more. Nothing changes after day 1, so days 4 to 9 are day 3 again.
    const current = await currentPolicy(sys);
    const down = Math.ceil((current.coverageBps * 9) / 10);
    const plan = await Promise.all(
      [1, 2, 3, 10].map(async (day) => {
        const lockIn = withEdit((p) => {
          p.hysteresisVix += 10 * day;
          p.wingWidthPts -= 1;
          p.layers.forEach((l) => (l.tenorDays += 1));
        }, current);
        return {
          day,
          nudge: day === 1 ? null : proposal([nudgeCoverageCall(sys, down)], `day ${day}: down`),
          lock: proposal([await setPolicyCall(sys, lockIn)], `day ${day}: lock`),
        };
      }),
    );
    const proposals = plan.flatMap(({ nudge, lock }) => (nudge ? [nudge, lock] : [lock]));
    await expectUnchanged(sys, await scopeOf(sys, proposals), async () => {
      for (const { day, nudge, lock } of plan) {
        if (nudge) await refusedNudge(sys, nudge, pair, "HedgePolicyNudgeOutsideBand", [COVERAGE, 2_500, down, 250]);
        await refusedShortOfApprovals(sys, lock, majority, 4);
        await time.increase(day === 3 ? 7 * DAY : DAY);
      }
    });
    await expectWithinBand(sys, defaultPolicy());
    expect((await currentPolicy(sys)).coverageBps).to.equal(2_250);
    // Written on the baseline's coverage, the same dressing is an honest tightening: Standard.
    const honest = withEdit((p) => ((p.hysteresisVix += 10), (p.wingWidthPts -= 1)));
    const q = proposal([await setPolicyCall(sys, honest)], "honest");
    expect(await sys.council.tierOf(q.targets, q.calldatas)).to.equal(Tier.Standard);
  });
});

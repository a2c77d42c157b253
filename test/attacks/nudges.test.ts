// Attacks: Fast nudges in a minority's hands. Two seats of five are the Fast threshold: they can nudge one trigger or
// the coverage once per parameter per day, within 10 % of the baseline (what the last approved setPolicy set). The
// first rules measured the 10 % from the current value, so daily nudges compounded; and a nudge bumped the version, so
// a last-minute nudge voided a queued majority decision. Here: nudges every day never pass one band; a nudge just
// before a queued Standard re-tightening does not void it; a nudge approved long ago, or pre-signed, and fired after
// the majority moved the baseline is judged against the new band; a Standard proposal queued before a day of nudges is
// still no loosening when it runs. Each refusal leaves the whole system unchanged.
import { expect } from "chai";
import { anyValue } from "@nomicfoundation/hardhat-chai-matchers/withArgs";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";

import {
  args,
  DAY,
  deployCouncilSystem,
  hashProposal,
  nudgeCoverageCall,
  nudgeTriggerCall,
  pass,
  proposal,
  proposeAndApprove,
  proposeArgs,
  ProposalState,
  setPolicyCall,
  sign,
  Tier,
  withEdit,
  type CouncilSystem,
  type Proposal,
} from "../helpers/system";
import { defaultPolicy } from "../../scripts/lib/policy";
import { expectUnchanged, queueBySignatures, scopeOf, submitWith } from "./attacks.behavior";
import {
  baselineOf,
  COVERAGE,
  currentPolicy,
  expectNudgeRefused,
  expectProtectionAtLeast,
  expectWithinBand,
  protectionAt,
  refusedNudge,
} from "./minority.behavior";

async function fixture() {
  return deployCouncilSystem();
}

/**
 * The attacker's plan of the first rules for one day: every trigger up and the coverage down by 10 % of its current
 * value. Returns [parameter, requested value, proposal] per parameter.
 */
async function planOfDay(sys: CouncilSystem, day: number): Promise<[number, number, Proposal][]> {
  const p = await currentPolicy(sys);
  const coverage = Math.max(500, Math.ceil((p.coverageBps * 9) / 10));
  return [
    ...p.layers.map((l, i): [number, number, Proposal] => {
      const next = Math.min(10_000, Math.floor((l.triggerVix * 11) / 10));
      return [i, next, proposal([nudgeTriggerCall(sys, i, next)], `day ${day}: trigger ${i} up 10 %`)];
    }),
    [COVERAGE, coverage, proposal([nudgeCoverageCall(sys, coverage)], `day ${day}: coverage down 10 %`)],
  ];
}

describe("Attacks: Fast nudges in a minority's hands", function () {
  before(async () => loadFixture(fixture)); // the deployment, once, outside the tests' time
  it("the Fast threshold nudges every trigger up and the coverage down by 10 % every day for 17 days: nothing passes one band", async function () {
    this.timeout(120_000);
    const sys = await loadFixture(fixture);
    const pair = sys.holders.slice(0, 2); // the Fast threshold of 5 seats
    const approved = defaultPolicy();
    const maxStep = (base: number) => Math.floor(base / 10);
    const baseOf = (parameter: number) =>
      parameter === COVERAGE ? approved.coverageBps : approved.layers[parameter].triggerVix;
    // Day 1: 10 % of the current value is exactly the band's edge: every nudge runs.
    for (const [parameter, requested, nudge] of await planOfDay(sys, 1)) {
      expect(Math.abs(requested - baseOf(parameter))).to.equal(maxStep(baseOf(parameter)));
      await expect(submitWith(sys, nudge, pair))
        .to.emit(sys.policy, "PolicyUpdated")
        .withArgs(1, anyValue, anyValue);
    }
    await expectWithinBand(sys, approved);
    const afterDay1 = await currentPolicy(sys);
    // Day 2: every nudge of the plan is one band further, refused, and nothing changes. The plan depends only on the
    // policy, the baseline and the cooldowns (all over by the next day), so days 3 to 16 are day 2 again: run day 17
    // to show it. One capture of the whole system before day 2 and one after day 17.
    const later = [...(await planOfDay(sys, 2)), ...(await planOfDay(sys, 17))];
    await expectUnchanged(
      sys,
      await scopeOf(
        sys,
        later.map(([, , nudge]) => nudge),
      ),
      async () => {
        for (const [i, [parameter, requested, nudge]] of later.entries()) {
          if (i === 0) await time.increase(DAY);
          if (i === 4) await time.increase(15 * DAY);
          const base = baseOf(parameter);
          expect(Math.abs(requested - base)).to.be.greaterThan(maxStep(base));
          await refusedNudge(sys, nudge, pair, "HedgePolicyNudgeOutsideBand", [
            parameter,
            base,
            requested,
            maxStep(base),
          ]);
        }
      },
    );
    expect(await sys.policy.version()).to.equal(1n);
    // Where the walk stopped: one band from the baseline, nowhere near VIX 100 or the 5 % floor.
    const end = await currentPolicy(sys);
    expect(end).to.deep.equal(afterDay1);
    expect(end.layers.map((l) => l.triggerVix)).to.deep.equal([2_200, 3_080, 3_850]);
    expect(end.coverageBps).to.equal(2_250);
    // At VIX 40 the hedge still carries 90 % of its approved protection.
    expect(protectionAt(end, 4_000)).to.equal((protectionAt(approved, 4_000) * 9) / 10);
  });

  it("the Fast threshold nudges at the band's edge, then back and forth within it: never past one band", async function () {
    const sys = await loadFixture(fixture);
    const pair = sys.holders.slice(3, 5);
    await submitWith(sys, proposal([nudgeCoverageCall(sys, 2_250)], "down to the edge"), pair);
    await time.increase(DAY);
    await submitWith(sys, proposal([nudgeCoverageCall(sys, 2_750)], "up to the other edge"), pair);
    await time.increase(DAY);
    await expectNudgeRefused(
      sys,
      proposal([nudgeCoverageCall(sys, 2_249)], "one past the edge"),
      pair,
      "HedgePolicyNudgeOutsideBand",
      [COVERAGE, 2_500, 2_249, 250],
    );
    await expectWithinBand(sys, defaultPolicy());
  });

  it("a nudge just before a queued Standard re-tightening's eta does not void it: the majority's policy runs", async function () {
    const sys = await loadFixture(fixture);
    const pair = sys.holders.slice(0, 2);
    const others = sys.holders.slice(2, 5);
    // Day 1: the pair loosens within the band.
    await submitWith(
      sys,
      proposal(
        [nudgeTriggerCall(sys, 0, 2_200), nudgeTriggerCall(sys, 1, 3_080), nudgeCoverageCall(sys, 2_250)],
        "loosen within the band",
      ),
      pair,
    );
    await time.increase(2 * 3_600); // the re-tightening comes a little later: its eta is after the cooldowns
    // The three others queue a re-tightening: the approved policy back, with a higher coverage.
    const retighten = proposal(
      [
        await setPolicyCall(
          sys,
          withEdit((p) => (p.coverageBps = 2_600)),
        ),
      ],
      "re-tighten",
    );
    expect(await sys.council.tierOf(retighten.targets, retighten.calldatas)).to.equal(Tier.Standard);
    await submitWith(sys, retighten, others);
    const id = await hashProposal(sys, retighten);
    const eta = await sys.council.proposalEta(id);
    // A minute before the eta, the pair nudges again (its cooldowns are over): the version does not move.
    await time.increaseTo(eta - 60n);
    await expect(submitWith(sys, proposal([nudgeTriggerCall(sys, 2, 3_850)], "the last-minute nudge"), pair))
      .to.emit(sys.policy, "PolicyUpdated")
      .withArgs(1, anyValue, anyValue);
    await expect(submitWith(sys, proposal([nudgeCoverageCall(sys, 2_251)], "and again"), pair))
      .to.emit(sys.policy, "PolicyUpdated")
      .withArgs(1, anyValue, anyValue);
    expect(await sys.policy.version()).to.equal(1n);
    await time.increaseTo(eta);
    await expect(sys.council.connect(sys.stranger).execute(...args(retighten)))
      .to.emit(sys.policy, "PolicyUpdated")
      .withArgs(2, anyValue, anyValue);
    expect(await currentPolicy(sys)).to.deep.equal(withEdit((p) => (p.coverageBps = 2_600)));
    expect(await baselineOf(sys)).to.deep.equal({ coverage: 2_600, triggers: [2_000, 2_800, 3_500] });
  });

  it("a nudge approved long ago and held back is fired after the majority raised the coverage: outside the new band", async function () {
    const sys = await loadFixture(fixture);
    const pair = sys.holders.slice(0, 2);
    // The pair approves a nudge to 22.5 % (within the band today) and keeps it pending.
    const held = proposal([nudgeCoverageCall(sys, 2_250)], "held back");
    const heldId = await proposeAndApprove(sys, held, pair);
    // The majority raises the coverage to 26 %: the band moves to 23.4 %..28.6 %.
    await pass(
      sys,
      proposal(
        [
          await setPolicyCall(
            sys,
            withEdit((q) => (q.coverageBps = 2_600)),
          ),
        ],
        "raise",
      ),
    );
    await expectUnchanged(sys, await scopeOf(sys, [held]), () =>
      expect(sys.council.connect(sys.stranger).execute(...args(held)))
        .to.be.revertedWithCustomError(sys.policy, "HedgePolicyNudgeOutsideBand")
        .withArgs(COVERAGE, 2_600, 2_250, 260),
    );
    expect(await sys.council.state(heldId)).to.equal(ProposalState.Pending);
  });

  it("a Fast nudge pre-signed before a majority tightening is relayed after it: outside the new band", async function () {
    const sys = await loadFixture(fixture);
    const pair = sys.holders.slice(3, 5);
    const nudge = proposal([nudgeTriggerCall(sys, 2, 3_850)], "pre-signed");
    const signed = await sign(sys, pair, await hashProposal(sys, nudge));
    await pass(
      sys,
      proposal(
        [
          await setPolicyCall(
            sys,
            withEdit((q) => (q.layers[2].triggerVix = 3_300)),
          ),
        ],
        "lower the tail trigger",
      ),
    );
    await expectUnchanged(sys, await scopeOf(sys, [nudge]), () =>
      expect(sys.council.connect(sys.stranger).submit(...proposeArgs(nudge), signed))
        .to.be.revertedWithCustomError(sys.policy, "HedgePolicyNudgeOutsideBand")
        .withArgs(2, 3_300, 3_850, 330),
    );
  });

  it("the pair nudges between a Standard proposal's creation and its eta: the judgement made at creation still holds", async function () {
    const sys = await loadFixture(fixture);
    const pair = sys.holders.slice(0, 2);
    // A Standard tightening of the approved policy, queued by three seats.
    const next = withEdit((q) => (q.hysteresisVix = 300));
    const p = proposal([await setPolicyCall(sys, next)], "tighten hysteresis");
    const { eta } = await queueBySignatures(sys, p);
    // Every nudge the pair can make in that day, loosening at the edge of the band.
    await submitWith(
      sys,
      proposal(
        [
          nudgeTriggerCall(sys, 0, 2_200),
          nudgeTriggerCall(sys, 1, 3_080),
          nudgeTriggerCall(sys, 2, 3_850),
          nudgeCoverageCall(sys, 2_250),
        ],
        "every nudge",
      ),
      pair,
    );
    // Judged now, the queued policy is still no loosening: against the nudged policy, and against the baseline.
    expect(await sys.policy.isLoosening(next)).to.equal(false);
    await time.increaseTo(eta);
    await sys.council.execute(...args(p));
    expectProtectionAtLeast(await currentPolicy(sys), defaultPolicy());
  });
});

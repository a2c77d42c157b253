// Attacks: the paths that broke the first rules, run again as an attacker would on the rules v2 (docs/RULES.md), and
// the powers of a minority combined over many days. The promise under test: fewer seats than the rules require can never weaken the
// hedge. Each path ends in the exact refusal (custom error and arguments) with the whole system unchanged, or in an
// outcome that is harmless by the rules (the hedge stays within one band of what a majority approved).
// 1. Fast nudges compound: the Fast threshold alone nudges every day for 17 days; nothing gets past one band of the
//    baseline, and a nudge just before a queued Standard re-tightening no longer voids it.
// 2. Field-by-field loosening: allocations moved to a layer that engages only at VIX 100, tenors cut, coverage +1 bp;
//    and the ratchet (a Fast nudge down, then a "non-loosening" Standard policy that locks it in): both Critical.
// 3. Vetoes judged again: a veto threshold lowered under standing vetoes kills the proposal at queue and execute;
//    `cancel` records it for good (3b: the documented limit when nobody records it before a Critical raise-back).
// 4. Revocations per address: a revoked signature relayed after the revoker's seat was rotated does not count.
// 5. Exact ether: execute with any other msg.value than its calls send is refused and nothing moves.
// 6. The chain side of "no lone seat": a council grown from one seat to two needs both, before its thresholds are raised.
// Then many days of every minority power combined (nudges held back, pre-signed nudges, lock-ins, re-seating).
import { expect } from "chai";
import { ethers } from "hardhat";
import { anyValue } from "@nomicfoundation/hardhat-chai-matchers/withArgs";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { id as keccakId, parseEther } from "ethers";

import {
  args,
  burnCall,
  councilCall,
  DAY,
  deployCouncilSystem,
  hashProposal,
  mintCall,
  nudgeCoverageCall,
  nudgeTriggerCall,
  pass,
  proposal,
  proposeAndApprove,
  ProposalState,
  setPolicyCall,
  sign,
  Tier,
  withEdit,
  type CouncilSystem,
  type Proposal,
} from "../helpers/system";
import { defaultPolicy, Instrument, toPolicyValues, type PolicyValues } from "../../scripts/lib/policy";
import { expectUnchanged, queueBySignatures, scopeOf, submitWith } from "./attacks.behavior";

/** The cooldown slot of the coverage in `HedgePolicyNudgeOutsideBand` and `lastNudgeAt`; 0..4 are the triggers. */
const COVERAGE = 5;

async function fixture() {
  return deployCouncilSystem();
}

/** Five seats with the veto threshold at 3 (Fast 2, Standard 3, Critical 4). */
async function vetoThreeFixture() {
  return deployCouncilSystem({ thresholds: { fast: 2, standard: 3, critical: 4, veto: 3 } });
}

/** A council of one seat (holders[0]); every threshold 1. */
async function loneSeatFixture() {
  const signers = await ethers.getSigners();
  const sys = await deployCouncilSystem({ seats: [signers[1].address] });
  return { ...sys, lone: sys.holders[0], second: sys.holders[1] };
}

/** Moves the clock to `timestamp` unless it is already past (a long setup may have gone beyond an eta). */
async function reach(timestamp: bigint) {
  if (timestamp > BigInt(await time.latest())) await time.increaseTo(timestamp);
}

async function currentPolicy(sys: CouncilSystem): Promise<PolicyValues> {
  return toPolicyValues(await sys.policy.policy());
}

/** The baseline as plain numbers: the coverage and each trigger the last setPolicy set. */
async function baselineOf(sys: CouncilSystem): Promise<{ coverage: number; triggers: number[] }> {
  const [coverage, triggers] = await sys.policy.baseline();
  return { coverage: Number(coverage), triggers: triggers.map(Number) };
}

/**
 * The policy is within one band of its baseline: each trigger and the coverage within `maxNudgeBps` of their baseline
 * value, and every other field as the baseline policy has it.
 */
async function expectWithinBand(sys: CouncilSystem, approved: PolicyValues) {
  const p = await currentPolicy(sys);
  const { coverage, triggers } = await baselineOf(sys);
  const [maxNudgeBps] = await sys.policy.nudgeLimits();
  const band = (base: number) => Math.floor((base * Number(maxNudgeBps)) / 10_000);
  expect(coverage).to.equal(approved.coverageBps);
  expect(triggers).to.deep.equal(approved.layers.map((l) => l.triggerVix));
  expect(Math.abs(p.coverageBps - coverage)).to.be.at.most(band(coverage));
  p.layers.forEach((l, i) => expect(Math.abs(l.triggerVix - triggers[i])).to.be.at.most(band(triggers[i])));
  const rest = (q: PolicyValues) => ({
    ...q,
    coverageBps: 0,
    layers: q.layers.map((l) => ({ ...l, triggerVix: 0 })),
  });
  expect(rest(p)).to.deep.equal(rest(approved));
}

/** The share of the budget a policy hedges at VIX level `vix` (hundredths): coverage × engaged allocations, in bps². */
function protectionAt(p: PolicyValues, vix: number): number {
  return p.coverageBps * p.layers.filter((l) => l.triggerVix <= vix).reduce((sum, l) => sum + l.allocationBps, 0);
}

/** Submits `p` signed by `signers`, expecting `HedgeCouncilInsufficientApprovals(id, have, need)`; nothing changes. */
async function expectShortOfApprovals(
  sys: CouncilSystem,
  p: Proposal,
  signers: HardhatEthersSigner[],
  need: number,
  extraScope: Proposal[] = [],
) {
  const id = await hashProposal(sys, p);
  await expectUnchanged(sys, await scopeOf(sys, [p, ...extraScope]), () =>
    expect(submitWith(sys, p, signers))
      .to.be.revertedWithCustomError(sys.council, "HedgeCouncilInsufficientApprovals")
      .withArgs(id, signers.length, need),
  );
}

/** Submits the Fast proposal `p` with `signers`, expecting the policy's `error(...errorArgs)`; nothing changes. */
async function expectNudgeRefused(
  sys: CouncilSystem,
  p: Proposal,
  signers: HardhatEthersSigner[],
  error: string,
  errorArgs: unknown[],
) {
  await expectUnchanged(sys, await scopeOf(sys, [p]), () =>
    expect(submitWith(sys, p, signers))
      .to.be.revertedWithCustomError(sys.policy, error)
      .withArgs(...errorArgs),
  );
}

describe("Attacks: the rules v2 against a minority", function () {
  describe("1. Fast nudges compound", function () {
    it("the Fast threshold alone nudges every trigger up and the coverage down for 17 days: nothing passes one band", async function () {
      const sys = await loadFixture(fixture);
      const pair = sys.holders.slice(0, 2); // the Fast threshold of 5 seats
      const approved = defaultPolicy();
      let refused = 0;
      for (let day = 1; day <= 17; day++) {
        // The attacker's plan of the first rules: 10 % of the current value, every parameter, every day.
        const p = await currentPolicy(sys);
        const steps: [number, number, Proposal][] = [
          ...p.layers.map((l, i): [number, number, Proposal] => {
            const next = Math.min(10_000, Math.floor((l.triggerVix * 11) / 10));
            return [i, next, proposal([nudgeTriggerCall(sys, i, next)], keccakId(`day ${day} trigger ${i}`))];
          }),
          [
            COVERAGE,
            Math.max(500, Math.ceil((p.coverageBps * 9) / 10)),
            proposal(
              [nudgeCoverageCall(sys, Math.max(500, Math.ceil((p.coverageBps * 9) / 10)))],
              keccakId(`day ${day} coverage`),
            ),
          ],
        ];
        for (const [parameter, requested, nudge] of steps) {
          const { coverage, triggers } = await baselineOf(sys);
          const base = parameter === COVERAGE ? coverage : triggers[parameter];
          const maxStep = Math.floor(base / 10);
          if (Math.abs(requested - base) <= maxStep) {
            expect(day, `only the first day's nudges fit in the band`).to.equal(1);
            await expect(submitWith(sys, nudge, pair))
              .to.emit(sys.policy, "PolicyUpdated")
              .withArgs(1, anyValue, anyValue);
          } else {
            await expectNudgeRefused(sys, nudge, pair, "HedgePolicyNudgeOutsideBand", [
              parameter,
              base,
              requested,
              maxStep,
            ]);
            refused++;
          }
        }
        await expectWithinBand(sys, approved);
        expect(await sys.policy.version()).to.equal(1n);
        await time.increase(DAY);
      }
      expect(refused).to.equal(16 * 4);
      // Where the walk stopped: one band from the baseline, nowhere near VIX 100 or the 5 % floor.
      const end = await currentPolicy(sys);
      expect(end.layers.map((l) => l.triggerVix)).to.deep.equal([2_200, 3_080, 3_850]);
      expect(end.coverageBps).to.equal(2_250);
      // At VIX 40 the hedge still carries 90 % of its approved protection.
      expect(protectionAt(end, 4_000)).to.equal((protectionAt(approved, 4_000) * 9) / 10);
    });

    it("the Fast threshold nudges at the band's edge, then back and forth within it: never past one band", async function () {
      const sys = await loadFixture(fixture);
      const pair = sys.holders.slice(3, 5);
      await submitWith(sys, proposal([nudgeCoverageCall(sys, 2_250)], keccakId("down to the edge")), pair);
      await time.increase(DAY);
      await submitWith(sys, proposal([nudgeCoverageCall(sys, 2_750)], keccakId("up to the other edge")), pair);
      await time.increase(DAY);
      await expectNudgeRefused(
        sys,
        proposal([nudgeCoverageCall(sys, 2_249)], keccakId("one past the edge")),
        pair,
        "HedgePolicyNudgeOutsideBand",
        [COVERAGE, 2_500, 2_249, 250],
      );
      await expectWithinBand(sys, defaultPolicy());
    });

    it("a nudge just before a queued Standard re-tightening's eta no longer voids it: the majority's policy runs", async function () {
      const sys = await loadFixture(fixture);
      const pair = sys.holders.slice(0, 2);
      const others = sys.holders.slice(2, 5);
      // Day 1: the pair loosens within the band.
      await submitWith(
        sys,
        proposal(
          [nudgeTriggerCall(sys, 0, 2_200), nudgeTriggerCall(sys, 1, 3_080), nudgeCoverageCall(sys, 2_250)],
          keccakId("loosen within the band"),
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
        keccakId("re-tighten"),
      );
      expect(await sys.council.tierOf(retighten.targets, retighten.calldatas)).to.equal(Tier.Standard);
      await submitWith(sys, retighten, others);
      const id = await hashProposal(sys, retighten);
      const eta = await sys.council.proposalEta(id);
      // A minute before the eta, the pair nudges again (its cooldowns are over): the version does not move.
      await time.increaseTo(eta - 60n);
      await expect(
        submitWith(sys, proposal([nudgeTriggerCall(sys, 2, 3_850)], keccakId("the last-minute nudge")), pair),
      )
        .to.emit(sys.policy, "PolicyUpdated")
        .withArgs(1, anyValue, anyValue);
      await expect(submitWith(sys, proposal([nudgeCoverageCall(sys, 2_251)], keccakId("and again")), pair))
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
  });

  describe("2. Field-by-field loosening", function () {
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
      expect(await sys.policy.isLoosening(next)).to.equal(true);
      const p = proposal([await setPolicyCall(sys, next)], keccakId("hollowed"));
      expect(await sys.council.tierOf(p.targets, p.calldatas)).to.equal(Tier.Critical);
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
      expect(await sys.policy.isLoosening(next)).to.equal(true);
      const p = proposal([await setPolicyCall(sys, next)], keccakId("hollowed in place"));
      expect(await sys.council.tierOf(p.targets, p.calldatas)).to.equal(Tier.Critical);
      await expectShortOfApprovals(sys, p, sys.holders.slice(0, 3), 4);
    });

    it("the ratchet: a Fast nudge cuts coverage 10 %, then a Standard policy 'non-loosening against the current one' locks it in", async function () {
      const sys = await loadFixture(fixture);
      await submitWith(sys, proposal([nudgeCoverageCall(sys, 2_250)], keccakId("nudge down")), sys.holders.slice(0, 2));
      // Against the current policy it only tightens (hysteresis up); against the baseline it protects less.
      const lockIn = withEdit((p) => (p.hysteresisVix = 300), await currentPolicy(sys));
      expect(lockIn.coverageBps).to.equal(2_250);
      expect(await sys.policy.isLoosening(lockIn)).to.equal(true);
      const p = proposal([await setPolicyCall(sys, lockIn)], keccakId("lock in"));
      expect(await sys.council.tierOf(p.targets, p.calldatas)).to.equal(Tier.Critical);
      await expectShortOfApprovals(sys, p, sys.holders.slice(0, 3), 4);
      // The same tightening written on the baseline's coverage stays Standard.
      const honest = withEdit((p) => (p.hysteresisVix = 300));
      const q = proposal([await setPolicyCall(sys, honest)], keccakId("honest"));
      expect(await sys.council.tierOf(q.targets, q.calldatas)).to.equal(Tier.Standard);
    });

    it("the trigger ratchet: a Fast nudge raises the first trigger 10 %, a Standard policy locks it in with 4 % more coverage", async function () {
      const sys = await loadFixture(fixture);
      await submitWith(sys, proposal([nudgeTriggerCall(sys, 0, 2_200)], keccakId("nudge up")), sys.holders.slice(0, 2));
      // More coverage everywhere the first layer is engaged, but nothing between VIX 20 and 22.
      const lockIn = withEdit((p) => (p.coverageBps = 2_600), await currentPolicy(sys));
      expect(protectionAt(lockIn, 2_100)).to.equal(0);
      expect(await sys.policy.isLoosening(lockIn)).to.equal(true);
      const p = proposal([await setPolicyCall(sys, lockIn)], keccakId("lock in the trigger"));
      expect(await sys.council.tierOf(p.targets, p.calldatas)).to.equal(Tier.Critical);
      await expectShortOfApprovals(sys, p, sys.holders.slice(0, 3), 4);
    });
  });

  describe("3. Vetoes judged again at queue and execute", function () {
    /** A Critical proposal (a seat for a stranger) proposed by 4 holders, and two vetoes under the threshold of 3. */
    async function vetoedUnderThreshold(sys: CouncilSystem, queued: boolean) {
      const p = proposal([mintCall(sys, sys.strangers[5].address)], keccakId(`mint, queued ${queued}`));
      const id = await proposeAndApprove(sys, p, sys.holders.slice(0, 4));
      if (queued) await sys.council.queue(...args(p));
      await sys.council.connect(sys.holders[4]).veto(id);
      await sys.council.connect(sys.holders[3]).veto(id);
      expect(await sys.council.state(id)).to.equal(queued ? ProposalState.Queued : ProposalState.Pending);
      // The council lowers the veto threshold to 2 (a Critical proposal of its own, 3 days).
      await pass(sys, proposal([councilCall(sys, "setVetoThreshold", [2])], keccakId("veto 2")));
      expect(await sys.council.vetoThreshold()).to.equal(2n);
      expect(await sys.council.state(id)).to.equal(ProposalState.Vetoed);
      return { p, id };
    }

    it("a pending proposal under two standing vetoes is queued once the threshold is lowered to 2", async function () {
      const sys = await loadFixture(vetoThreeFixture);
      const { p, id } = await vetoedUnderThreshold(sys, false);
      await expectUnchanged(sys, await scopeOf(sys, [p]), () =>
        expect(sys.council.connect(sys.stranger).queue(...args(p)))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilUnexpectedProposalState")
          .withArgs(id, ProposalState.Vetoed),
      );
    });

    it("a queued proposal under two standing vetoes is executed at its eta once the threshold is lowered to 2", async function () {
      const sys = await loadFixture(vetoThreeFixture);
      const { p, id } = await vetoedUnderThreshold(sys, true);
      await reach(await sys.council.proposalEta(id));
      await expectUnchanged(sys, await scopeOf(sys, [p]), () =>
        expect(sys.council.connect(sys.stranger).execute(...args(p)))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilUnexpectedProposalState")
          .withArgs(id, ProposalState.Vetoed),
      );
      expect(await sys.seats.seatOf(sys.strangers[5].address)).to.equal(0n);
    });

    it("cancel records such a veto for good: Vetoed is emitted and the timelock operation is gone", async function () {
      const sys = await loadFixture(vetoThreeFixture);
      const { p, id } = await vetoedUnderThreshold(sys, true);
      await expect(sys.council.connect(sys.stranger).cancel(...args(p)))
        .to.emit(sys.council, "Vetoed")
        .withArgs(id)
        .and.to.emit(sys.council, "ProposalCanceled")
        .withArgs(id);
      expect(await sys.timelock.isOperation(await sys.council.operationId(...args(p)))).to.equal(false);
      // Raising the threshold back does not revive it.
      await pass(sys, proposal([councilCall(sys, "setVetoThreshold", [3])], keccakId("veto 3 again")));
      expect(await sys.council.state(id)).to.equal(ProposalState.Vetoed);
      await reach(await sys.council.proposalEta(id));
      await expectUnchanged(sys, await scopeOf(sys, [p]), () =>
        expect(sys.council.execute(...args(p)))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilUnexpectedProposalState")
          .withArgs(id, ProposalState.Vetoed),
      );
    });

    it("cancel records the veto of a pending proposal too (no timelock operation to remove)", async function () {
      const sys = await loadFixture(vetoThreeFixture);
      const { p, id } = await vetoedUnderThreshold(sys, false);
      await expect(sys.council.connect(sys.stranger).cancel(...args(p)))
        .to.emit(sys.council, "Vetoed")
        .withArgs(id)
        .and.not.to.emit(sys.council, "ProposalCanceled");
      await pass(sys, proposal([councilCall(sys, "setVetoThreshold", [3])], keccakId("veto 3 again")));
      expect(await sys.council.state(id)).to.equal(ProposalState.Vetoed);
    });
  });

  describe("3b. The documented limit: a veto reached by a lowered threshold holds once recorded", function () {
    // docs/RULES.md: `state()` says Vetoed at once and queue/execute refuse, but the council cannot walk its
    // proposals when a threshold changes, so the veto is stored only when someone calls `cancel` (anyone may). If a
    // Critical proposal raises the threshold back (or burns a vetoer's seat) before that, the vetoes fall below it
    // again. Only a Critical majority can do that, and anyone can record the veto in the 3 days it waits. This pins
    // the limit, so that a change to it is seen.
    it("raised back before anyone records it, the proposal is Queued again; recorded by cancel, it stays Vetoed", async function () {
      const sys = await loadFixture(vetoThreeFixture);
      const p = proposal([mintCall(sys, sys.strangers[5].address)], keccakId("mint, queued true"));
      const q = proposal([mintCall(sys, sys.strangers[6].address)], keccakId("mint, recorded"));
      const id = await proposeAndApprove(sys, p, sys.holders.slice(0, 4));
      const qId = await proposeAndApprove(sys, q, sys.holders.slice(0, 4));
      await sys.council.queue(...args(p));
      await sys.council.queue(...args(q));
      for (const holder of [sys.holders[4], sys.holders[3]]) {
        await sys.council.connect(holder).veto(id);
        await sys.council.connect(holder).veto(qId);
      }
      await pass(sys, proposal([councilCall(sys, "setVetoThreshold", [2])], keccakId("veto 2")));
      expect(await sys.council.state(id)).to.equal(ProposalState.Vetoed);
      await expect(sys.council.connect(sys.stranger).cancel(...args(q)))
        .to.emit(sys.council, "Vetoed")
        .withArgs(qId);
      await pass(sys, proposal([councilCall(sys, "setVetoThreshold", [3])], keccakId("veto 3 again")));
      expect(await sys.council.state(qId)).to.equal(ProposalState.Vetoed);
      expect(await sys.council.state(id)).to.equal(ProposalState.Queued);
    });
  });

  describe("4. Revocations belong to the address", function () {
    it("A approves by signature, revokes, is re-seated under a new id; the old signature relayed does not count", async function () {
      const sys = await loadFixture(fixture);
      const a = sys.holders[4];
      const p = proposal(
        [
          await setPolicyCall(
            sys,
            withEdit((q) => (q.coverageBps = 3_000)),
          ),
        ],
        keccakId("tighten"),
      );
      const id = await proposeAndApprove(sys, p, [sys.holders[0]]);
      const signed = await sign(sys, [a], id);
      await sys.council.connect(sys.stranger).approveBySig(id, signed.signers, signed.signatures);
      await expect(sys.council.connect(a).revoke(id)).to.emit(sys.council, "Revoked").withArgs(id, a.address);
      expect(await sys.council.hasRevoked(id, a.address)).to.equal(true);
      // The seat is rotated: burned, then minted again to the same address (seat 5 → seat 6), as one Critical batch.
      await pass(sys, proposal([burnCall(sys, 5), mintCall(sys, a.address)], keccakId("rotate A")));
      expect(await sys.seats.seatOf(a.address)).to.equal(6n);
      expect(await sys.council.state(id)).to.equal(ProposalState.Pending);
      await expectUnchanged(sys, await scopeOf(sys, [p]), () =>
        expect(sys.council.connect(sys.stranger).approveBySig(id, signed.signers, signed.signatures))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilSignatureRevoked")
          .withArgs(id, a.address),
      );
      // Mixed into a batch with a genuine signature, it sinks the batch.
      const withOther = await sign(sys, [sys.holders[1]], id);
      await expectUnchanged(sys, await scopeOf(sys, [p]), () =>
        expect(
          sys.council
            .connect(sys.stranger)
            .approveBySig(
              id,
              [...withOther.signers, ...signed.signers],
              [...withOther.signatures, ...signed.signatures],
            ),
        )
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilSignatureRevoked")
          .withArgs(id, a.address),
      );
      // A's fresh on-chain approval is new consent, and counts.
      const before = await sys.council.approvalCount(id);
      await expect(sys.council.connect(a).approve(id)).to.emit(sys.council, "Approved").withArgs(id, a.address);
      expect(await sys.council.approvalCount(id)).to.equal(before + 1n);
      expect(await sys.council.hasApproved(id, a.address)).to.equal(true);
    });
  });

  describe("4b. A signature withdrawn before it is relayed", function () {
    it("A signed but its signature was never relayed: revoke alone is refused, approve then revoke closes the door", async function () {
      const sys = await loadFixture(fixture);
      const a = sys.holders[4];
      const p = proposal([mintCall(sys, sys.strangers[5].address)], keccakId("seat for a friend"));
      const id = await proposeAndApprove(sys, p, [sys.holders[0]]);
      const signed = await sign(sys, [a], id);
      // Nothing of A is on chain yet: there is nothing to revoke.
      await expectUnchanged(sys, await scopeOf(sys, [p]), () =>
        expect(sys.council.connect(a).revoke(id))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilNotApproved")
          .withArgs(id, a.address),
      );
      // A approves on chain, then revokes: the mark is on A's address, and the signature in the relayer's hands is dead.
      await sys.council.connect(a).approve(id);
      await sys.council.connect(a).revoke(id);
      await expectUnchanged(sys, await scopeOf(sys, [p]), () =>
        expect(sys.council.connect(sys.stranger).approveBySig(id, signed.signers, signed.signatures))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilSignatureRevoked")
          .withArgs(id, a.address),
      );
    });
  });

  describe("5. execute takes exactly the ether its calls send", function () {
    async function payingFixture() {
      const sys = await deployCouncilSystem();
      const target = await (await ethers.getContractFactory("TestTarget")).deploy();
      const targetAddress = await target.getAddress();
      const p = proposal(
        [{ target: targetAddress, data: target.interface.encodeFunctionData("ping", [1]), value: parseEther("1") }],
        keccakId("pay 1 ether"),
      );
      const { id, eta } = await queueBySignatures(sys, p);
      await time.increaseTo(eta);
      return { ...sys, targetAddress, p, id, scope: await scopeOf(sys, [p], { accounts: [targetAddress] }) };
    }

    for (const sent of [parseEther("2"), parseEther("1") + 1n, parseEther("1") - 1n, 0n]) {
      it(`a proposal sending 1 ether is executed with ${ethers.formatEther(sent)} ether`, async function () {
        const sys = await loadFixture(payingFixture);
        await expectUnchanged(sys, sys.scope, () =>
          expect(sys.council.connect(sys.stranger).execute(...args(sys.p), { value: sent }))
            .to.be.revertedWithCustomError(sys.council, "HedgeCouncilValueMismatch")
            .withArgs(sent, parseEther("1")),
        );
        expect(await ethers.provider.getBalance(sys.addresses.timelock)).to.equal(0n);
        expect(await ethers.provider.getBalance(sys.targetAddress)).to.equal(0n);
      });
    }

    it("with exactly 1 ether it runs, and no ether stays in the council or the timelock", async function () {
      const sys = await loadFixture(payingFixture);
      await expect(
        sys.council.connect(sys.stranger).execute(...args(sys.p), { value: parseEther("1") }),
      ).to.changeEtherBalances([sys.stranger.address, sys.targetAddress], [-parseEther("1"), parseEther("1")]);
      expect(await ethers.provider.getBalance(sys.addresses.timelock)).to.equal(0n);
      expect(await ethers.provider.getBalance(sys.addresses.council)).to.equal(0n);
    });

    it("a Standard tightening (no ether) is executed with 1 wei attached", async function () {
      const sys = await loadFixture(fixture);
      const p = proposal(
        [
          await setPolicyCall(
            sys,
            withEdit((q) => (q.coverageBps = 3_000)),
          ),
        ],
        keccakId("tighten"),
      );
      const { id, eta } = await queueBySignatures(sys, p);
      await time.increaseTo(eta);
      await expectUnchanged(sys, await scopeOf(sys, [p]), () =>
        expect(sys.council.execute(...args(p), { value: 1n }))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilValueMismatch")
          .withArgs(1n, 0n),
      );
      expect(await sys.council.state(id)).to.equal(ProposalState.Queued);
    });
  });

  describe("6. No lone seat: a council grown from one seat to two", function () {
    /** The lone seat mints a second seat (thresholds left at 1); `pending` is proposed and queued before. */
    async function grown() {
      const sys = await loadFixture(loneSeatFixture);
      const pending = proposal([nudgeCoverageCall(sys, 2_400)], keccakId("pending nudge"));
      const pendingId = await proposeAndApprove(sys, pending, [sys.lone]);
      // A Standard tightening that the lone seat queued before the second seat arrived.
      const queued = proposal(
        [
          await setPolicyCall(
            sys,
            withEdit((q) => (q.coverageBps = 3_000)),
          ),
        ],
        keccakId("queued alone"),
      );
      const q = await queueBySignatures(sys, queued);
      await pass(sys, proposal([mintCall(sys, sys.second.address)], keccakId("second seat")), [sys.lone]);
      expect(await sys.seats.seatCount()).to.equal(2n);
      for (const tier of [Tier.Fast, Tier.Standard, Tier.Critical]) {
        expect((await sys.council.tierRule(tier))[0]).to.equal(1n); // stored: not raised yet
      }
      return { ...sys, pending, pendingId, queued, queuedId: q.id };
    }

    it("the lone seat submits a nudge, a tightening and a seat of its own with its one signature", async function () {
      const sys = await grown();
      const nudge = proposal([nudgeCoverageCall(sys, 2_300)], keccakId("alone: nudge"));
      const tighten = proposal(
        [
          await setPolicyCall(
            sys,
            withEdit((q) => (q.hysteresisVix = 300)),
          ),
        ],
        keccakId("alone: tighten"),
      );
      const seat = proposal([mintCall(sys, sys.strangers[5].address)], keccakId("alone: seat"));
      for (const p of [nudge, tighten, seat]) await expectShortOfApprovals(sys, p, [sys.lone], 2);
    });

    it("the lone seat executes the nudge it approved alone before the second seat arrived", async function () {
      const sys = await grown();
      await expectUnchanged(sys, await scopeOf(sys, [sys.pending]), () =>
        expect(sys.council.connect(sys.lone).execute(...args(sys.pending)))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilInsufficientApprovals")
          .withArgs(sys.pendingId, 1, 2),
      );
    });

    it("the lone seat executes the tightening it queued alone before the second seat arrived", async function () {
      const sys = await grown();
      await reach(await sys.council.proposalEta(sys.queuedId));
      await expectUnchanged(sys, await scopeOf(sys, [sys.queued]), () =>
        expect(sys.council.connect(sys.lone).execute(...args(sys.queued)))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilInsufficientApprovals")
          .withArgs(sys.queuedId, 1, 2),
      );
    });

    it("with the second seat's approval the nudge runs (the floor asks for two, not for more)", async function () {
      const sys = await grown();
      await sys.council.connect(sys.second).approve(sys.pendingId);
      await expect(sys.council.execute(...args(sys.pending)))
        .to.emit(sys.council, "Executed")
        .withArgs(sys.pendingId);
    });
  });

  describe("every minority power combined, over many days", function () {
    it("ten days of 'nudge down, then lock it in as Standard': the coverage never leaves the first band", async function () {
      const sys = await loadFixture(fixture);
      const pair = sys.holders.slice(0, 2);
      const majority = sys.holders.slice(0, 3); // the pair and one more: the Standard threshold, not the Critical
      for (let day = 1; day <= 10; day++) {
        const current = await currentPolicy(sys);
        const down = Math.ceil((current.coverageBps * 9) / 10);
        const nudge = proposal([nudgeCoverageCall(sys, down)], keccakId(`day ${day}: down`));
        if (day === 1) await submitWith(sys, nudge, pair);
        else await expectNudgeRefused(sys, nudge, pair, "HedgePolicyNudgeOutsideBand", [COVERAGE, 2_500, down, 250]);
        // Lock in whatever the nudges reached, dressed as a tightening of everything else.
        const lockIn = withEdit(
          (p) => {
            p.hysteresisVix += 10 * day;
            p.wingWidthPts -= 1;
            p.layers.forEach((l) => (l.tenorDays += 1));
          },
          await currentPolicy(sys),
        );
        await expectShortOfApprovals(
          sys,
          proposal([await setPolicyCall(sys, lockIn)], keccakId(`day ${day}: lock`)),
          majority,
          4,
        );
        await expectWithinBand(sys, defaultPolicy());
        await time.increase(DAY);
      }
      expect((await currentPolicy(sys)).coverageBps).to.equal(2_250);
    });

    it("a nudge approved long ago and held back is fired after the majority raised the coverage: outside the new band", async function () {
      const sys = await loadFixture(fixture);
      const pair = sys.holders.slice(0, 2);
      // The pair approves a nudge to 22.5 % (within the band today) and keeps it pending.
      const held = proposal([nudgeCoverageCall(sys, 2_250)], keccakId("held back"));
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
          keccakId("raise"),
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
      const nudge = proposal([nudgeTriggerCall(sys, 2, 3_850)], keccakId("pre-signed"));
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
          keccakId("lower the tail trigger"),
        ),
      );
      await expectUnchanged(sys, await scopeOf(sys, [nudge]), () =>
        expect(sys.council.connect(sys.stranger).submit(...args(nudge), signed.signers, signed.signatures))
          .to.be.revertedWithCustomError(sys.policy, "HedgePolicyNudgeOutsideBand")
          .withArgs(2, 3_300, 3_850, 330),
      );
    });

    it("the pair nudges between a Standard proposal's creation and its eta: the judgement made at creation still holds", async function () {
      const sys = await loadFixture(fixture);
      const pair = sys.holders.slice(0, 2);
      // A Standard tightening of the approved policy, queued by three seats.
      const next = withEdit((q) => (q.hysteresisVix = 300));
      const p = proposal([await setPolicyCall(sys, next)], keccakId("tighten hysteresis"));
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
          keccakId("every nudge"),
        ),
        pair,
      );
      // Judged now, the queued policy is still no loosening: against the nudged policy, and against the baseline.
      expect(await sys.policy.isLoosening(next)).to.equal(false);
      await time.increaseTo(eta);
      await sys.council.execute(...args(p));
      const after = await currentPolicy(sys);
      for (const vix of [1_000, 2_000, 2_200, 2_800, 3_080, 3_500, 3_850, 10_000]) {
        expect(protectionAt(after, vix)).to.be.at.least(protectionAt(defaultPolicy(), vix));
      }
    });

    it("a seat re-minted to its revoker does not revive the revoked signature through submit of a twin proposal either", async function () {
      const sys = await loadFixture(fixture);
      const a = sys.holders[4];
      const p = proposal([mintCall(sys, sys.strangers[5].address)], keccakId("seat for a friend"));
      const id = await proposeAndApprove(sys, p, [sys.holders[0], a]);
      const old = await sign(sys, [a], id);
      await sys.council.connect(a).revoke(id);
      await pass(sys, proposal([burnCall(sys, 5), mintCall(sys, a.address)], keccakId("rotate A")));
      // A twin with another salt has another id: A's old signature is of the first id and cannot be reused for it.
      const twin = { ...p, salt: keccakId("twin") };
      const twinSigners = await sign(sys, sys.holders.slice(0, 3), await hashProposal(sys, twin));
      await expectUnchanged(sys, await scopeOf(sys, [p, twin]), () =>
        expect(
          sys.council
            .connect(sys.stranger)
            .submit(...args(twin), [...twinSigners.signers, a.address], [...twinSigners.signatures, old.signatures[0]]),
        )
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilInvalidSignature")
          .withArgs(a.address),
      );
      await expectUnchanged(sys, await scopeOf(sys, [p]), () =>
        expect(sys.council.connect(sys.stranger).approveBySig(id, old.signers, old.signatures))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilSignatureRevoked")
          .withArgs(id, a.address),
      );
    });
  });
});

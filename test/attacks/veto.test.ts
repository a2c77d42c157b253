// Attacks: vetoes in a minority's hands. Vetoes exist to stop a change that weakens the hedge or changes who governs,
// so only a Critical proposal can be vetoed (rules v3; a veto of a Standard restore is refused in freeze.test.ts).
// Vetoes count only from current seat holders and are judged again at `queue` and `execute`, against the threshold in
// force then: a proposal whose standing vetoes reach a threshold lowered after they were cast is Vetoed and can never
// run; `cancel` records it for good. The documented limit: a threshold raised back before anyone records the veto
// revives the proposal (only a Critical majority can raise it, and anyone can record the veto meanwhile).
import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";

import {
  args,
  councilCall,
  deployCouncilSystem,
  mintCall,
  nudgeCoverageCall,
  pass,
  proposal,
  proposeAndApprove,
  ProposalState,
  Tier,
  tighteningProposal,
  type CouncilSystem,
} from "../helpers/system";
import { expectUnchanged, scopeOf } from "./attacks.behavior";
import { reach } from "./minority.behavior";

/** Five seats with the default thresholds (Fast 2, Standard 3, Critical 4, veto 2). */
async function fiveSeatFixture() {
  return deployCouncilSystem();
}

/** Five seats with the veto threshold at 3 (Fast 2, Standard 3, Critical 4). */
async function vetoThreeFixture() {
  return deployCouncilSystem({ thresholds: { fast: 2, standard: 3, critical: 4, veto: 3 } });
}

describe("Attacks: vetoes in a minority's hands", function () {
  before(async () => loadFixture(vetoThreeFixture)); // the deployment, once, outside the tests' time

  it("a veto bloc of two vetoes a proposal of every tier: only the Critical one dies", async function () {
    const sys = await loadFixture(fiveSeatFixture);
    const bloc = sys.holders.slice(3, 5);
    const fast = proposal([nudgeCoverageCall(sys, 2_600)], "a pending nudge");
    const standard = await tighteningProposal(sys, "a pending tightening");
    const critical = proposal([mintCall(sys, sys.strangers[5].address)], "a pending seat");
    const ids: string[] = [];
    for (const p of [fast, standard, critical]) ids.push(await proposeAndApprove(sys, p, [sys.holders[0]]));
    const [fastId, standardId, criticalId] = ids;
    await expectUnchanged(sys, await scopeOf(sys, [fast, standard, critical]), async () => {
      for (const vetoer of bloc) {
        for (const [id, tier] of [
          [fastId, Tier.Fast],
          [standardId, Tier.Standard],
        ] as const) {
          await expect(sys.council.connect(vetoer).veto(id))
            .to.be.revertedWithCustomError(sys.council, "HedgeCouncilVetoNotCritical")
            .withArgs(id, tier);
        }
      }
    });
    await sys.council.connect(bloc[0]).veto(criticalId);
    await expect(sys.council.connect(bloc[1]).veto(criticalId)).to.emit(sys.council, "Vetoed").withArgs(criticalId);
    expect(await sys.council.state(criticalId)).to.equal(ProposalState.Vetoed);
    expect(await sys.council.state(fastId)).to.equal(ProposalState.Pending);
    expect(await sys.council.state(standardId)).to.equal(ProposalState.Pending);
  });

  describe("vetoes are judged again at queue and execute", function () {
    /** A Critical proposal (a seat for a stranger) proposed by 4 holders, and two vetoes under the threshold of 3. */
    async function vetoedUnderThreshold(sys: CouncilSystem, queued: boolean) {
      const p = proposal([mintCall(sys, sys.strangers[5].address)], `mint, queued ${queued}`);
      const id = await proposeAndApprove(sys, p, sys.holders.slice(0, 4));
      if (queued) await sys.council.queue(...args(p));
      await sys.council.connect(sys.holders[4]).veto(id);
      await sys.council.connect(sys.holders[3]).veto(id);
      expect(await sys.council.state(id)).to.equal(queued ? ProposalState.Queued : ProposalState.Pending);
      // The council lowers the veto threshold to 2 (a Critical proposal of its own, 3 days).
      await pass(sys, proposal([councilCall(sys, "setVetoThreshold", [2])], "veto 2"));
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
      await pass(sys, proposal([councilCall(sys, "setVetoThreshold", [3])], "veto 3 again"));
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
      await pass(sys, proposal([councilCall(sys, "setVetoThreshold", [3])], "veto 3 again"));
      expect(await sys.council.state(id)).to.equal(ProposalState.Vetoed);
    });
  });

  describe("the documented limit: a veto reached by a lowered threshold holds once recorded", function () {
    // docs/RULES.md: `state()` says Vetoed at once and queue/execute refuse, but the council cannot walk its
    // proposals when a threshold changes, so the veto is stored only when someone calls `cancel` (anyone may). If a
    // Critical proposal raises the threshold back (or burns a vetoer's seat) before that, the vetoes fall below it
    // again. Only a Critical majority can do that, and anyone can record the veto in the 3 days it waits. This pins
    // the limit, so that a change to it is seen.
    it("raised back before anyone records it, the proposal is Queued again; recorded by cancel, it stays Vetoed", async function () {
      const sys = await loadFixture(vetoThreeFixture);
      const p = proposal([mintCall(sys, sys.strangers[5].address)], "mint, queued true");
      const q = proposal([mintCall(sys, sys.strangers[6].address)], "mint, recorded");
      const id = await proposeAndApprove(sys, p, sys.holders.slice(0, 4));
      const qId = await proposeAndApprove(sys, q, sys.holders.slice(0, 4));
      await sys.council.queue(...args(p));
      await sys.council.queue(...args(q));
      for (const holder of [sys.holders[4], sys.holders[3]]) {
        await sys.council.connect(holder).veto(id);
        await sys.council.connect(holder).veto(qId);
      }
      await pass(sys, proposal([councilCall(sys, "setVetoThreshold", [2])], "veto 2"));
      expect(await sys.council.state(id)).to.equal(ProposalState.Vetoed);
      await expect(sys.council.connect(sys.stranger).cancel(...args(q)))
        .to.emit(sys.council, "Vetoed")
        .withArgs(qId);
      await pass(sys, proposal([councilCall(sys, "setVetoThreshold", [3])], "veto 3 again"));
      expect(await sys.council.state(qId)).to.equal(ProposalState.Vetoed);
      expect(await sys.council.state(id)).to.equal(ProposalState.Queued);
    });
  });
});

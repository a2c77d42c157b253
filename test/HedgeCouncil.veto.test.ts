// HedgeCouncil: veto (Critical proposals only, rules v3: Standard changes never loosen, and a veto exists to stop a
// change that weakens the hedge or changes who governs; one VetoCast per vote, Vetoed at the threshold, dead for good;
// vetoes judged again at queue and execute against the threshold in force then) and cancel (anyone, only Vetoed or Expired proposals, removes the
// timelock operation, records a veto reached by a lowered threshold for good).
import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { id as keccakId } from "ethers";

import {
  args,
  asTimelock,
  deployCouncilSystem,
  expectProposalUnchanged,
  hashProposal,
  looseningProposal,
  nudgeProposal,
  operationId,
  proposeAndApprove,
  proposeAndQueue,
  proposeArgs,
  ProposalState,
  sign,
  snapshotPolicy,
  snapshotProposal,
  Tier,
  tighteningProposal,
} from "./helpers/system";

async function fixture() {
  return deployCouncilSystem();
}

describe("HedgeCouncil veto and cancel", function () {
  describe("veto", function () {
    it("emits VetoCast for each vote and Vetoed when the threshold (2 of 5) is reached", async function () {
      const sys = await loadFixture(fixture);
      const { council, holders } = sys;
      const id = await proposeAndApprove(sys, await looseningProposal(sys), holders.slice(0, 2));

      const first = council.connect(holders[3]).veto(id);
      await expect(first).to.emit(council, "VetoCast").withArgs(id, holders[3].address);
      await expect(first).to.not.emit(council, "Vetoed");
      expect(await council.vetoCount(id)).to.equal(1n);
      expect(await council.state(id)).to.equal(ProposalState.Pending);

      const second = council.connect(holders[4]).veto(id);
      await expect(second).to.emit(council, "VetoCast").withArgs(id, holders[4].address);
      await expect(second).to.emit(council, "Vetoed").withArgs(id);
      expect(await council.vetoCount(id)).to.equal(2n);
      expect(await council.state(id)).to.equal(ProposalState.Vetoed);
      // Approvals are kept as they were, but they no longer matter.
      expect(await council.approvalCount(id)).to.equal(2n);
    });

    it("a vetoed proposal is dead: approve, revoke, approveBySig, queue, execute and veto are refused", async function () {
      const sys = await loadFixture(fixture);
      const { council, holders } = sys;
      const p = await looseningProposal(sys);
      const id = await proposeAndApprove(sys, p, holders.slice(0, 3));
      await council.connect(holders[3]).veto(id);
      await council.connect(holders[4]).veto(id);
      const before = await snapshotProposal(council, id, holders);
      const policyBefore = await snapshotPolicy(sys.policy);
      const signed = await sign(sys, [holders[3]], id);

      const attempts = [
        () => council.connect(holders[3]).approve(id),
        () => council.connect(holders[0]).revoke(id),
        () => council.approveBySig(id, signed),
        () => council.queue(...args(p)),
        () => council.execute(...args(p)),
        () => council.connect(holders[2]).veto(id),
      ];
      for (const attempt of attempts) {
        await expect(attempt())
          .to.be.revertedWithCustomError(council, "HedgeCouncilUnexpectedProposalState")
          .withArgs(id, ProposalState.Vetoed);
      }
      await expect(council.connect(holders[0]).propose(...proposeArgs(p)))
        .to.be.revertedWithCustomError(council, "HedgeCouncilProposalExists")
        .withArgs(id);
      await expectProposalUnchanged(sys, id, before);
      expect(await snapshotPolicy(sys.policy)).to.deep.equal(policyBefore);
    });

    it("refuses a veto from a non-holder and a second veto from the same holder", async function () {
      const sys = await loadFixture(fixture);
      const { council, holders } = sys;
      const id = await proposeAndApprove(sys, await looseningProposal(sys), [holders[0]]);
      await council.connect(holders[3]).veto(id);
      const before = await snapshotProposal(council, id, holders);
      await expect(council.connect(sys.stranger).veto(id))
        .to.be.revertedWithCustomError(council, "HedgeCouncilNotSeatHolder")
        .withArgs(sys.stranger.address);
      await expect(council.connect(holders[3]).veto(id))
        .to.be.revertedWithCustomError(council, "HedgeCouncilAlreadyVetoed")
        .withArgs(id, holders[3].address);
      await expectProposalUnchanged(sys, id, before);
    });

    it("refuses to veto an unknown or executed proposal", async function () {
      const sys = await loadFixture(fixture);
      const { council, holders } = sys;
      const unknown = keccakId("unknown");
      await expect(council.connect(holders[0]).veto(unknown))
        .to.be.revertedWithCustomError(council, "HedgeCouncilUnexpectedProposalState")
        .withArgs(unknown, ProposalState.Unknown);
      expect(await council.vetoCount(unknown)).to.equal(0n);

      const p = nudgeProposal(sys);
      const id = await proposeAndApprove(sys, p, holders.slice(0, 2));
      await council.execute(...args(p));
      await expect(council.connect(holders[3]).veto(id))
        .to.be.revertedWithCustomError(council, "HedgeCouncilUnexpectedProposalState")
        .withArgs(id, ProposalState.Executed);
      expect(await council.vetoCount(id)).to.equal(0n);
    });

    it("refuses to veto a Fast or a Standard proposal, Pending or Queued, naming its tier; the state is unchanged", async function () {
      const sys = await loadFixture(fixture);
      const { council, holders } = sys;
      const fast = nudgeProposal(sys);
      const fastId = await proposeAndApprove(sys, fast, holders.slice(0, 1));
      const standard = await tighteningProposal(sys);
      const standardId = await proposeAndApprove(sys, standard, holders.slice(0, 1));
      const queued = await tighteningProposal(sys, "queued Standard");
      const { id: queuedId } = await proposeAndQueue(sys, queued);
      const cases: [string, Tier][] = [
        [fastId, Tier.Fast],
        [standardId, Tier.Standard],
        [queuedId, Tier.Standard],
      ];
      const policyBefore = await snapshotPolicy(sys.policy);
      for (const [id, tier] of cases) {
        const before = await snapshotProposal(council, id, holders);
        for (const voter of holders.slice(3, 5)) {
          await expect(council.connect(voter).veto(id))
            .to.be.revertedWithCustomError(council, "HedgeCouncilVetoNotCritical")
            .withArgs(id, tier);
        }
        await expectProposalUnchanged(sys, id, before);
        expect(before.vetoCount).to.equal(0n);
        expect((await council.proposalMarks(id))[1]).to.equal(0n);
      }
      expect(await snapshotPolicy(sys.policy)).to.deep.equal(policyBefore);
      // The minority that tried to veto cannot stop them: the nudge runs once a second seat approves, the Standard
      // change queues with three.
      await council.connect(holders[1]).approve(fastId);
      await expect(council.execute(...args(fast)))
        .to.emit(council, "Executed")
        .withArgs(fastId);
      for (const h of holders.slice(1, 3)) await council.connect(h).approve(standardId);
      await expect(council.queue(...args(standard))).to.emit(council, "Queued");
    });

    it("the state check comes first: an Executed or Unknown Fast proposal is reported by its state", async function () {
      const sys = await loadFixture(fixture);
      const { council, holders } = sys;
      const p = nudgeProposal(sys);
      const id = await proposeAndApprove(sys, p, holders.slice(0, 2));
      await council.execute(...args(p));
      await expect(council.connect(holders[3]).veto(id))
        .to.be.revertedWithCustomError(council, "HedgeCouncilUnexpectedProposalState")
        .withArgs(id, ProposalState.Executed);
    });

    it("counts only the vetoes of current seat holders", async function () {
      const sys = await loadFixture(fixture);
      const { council, seats, holders } = sys;
      const id = await proposeAndApprove(sys, await looseningProposal(sys), [holders[0]]);
      await council.connect(holders[3]).veto(id);
      expect(await council.vetoCount(id)).to.equal(1n);

      await seats.connect(await asTimelock(sys)).burn(4);
      expect(await council.vetoCount(id)).to.equal(0n);

      await expect(council.connect(holders[4]).veto(id)).to.not.emit(council, "Vetoed");
      expect(await council.state(id)).to.equal(ProposalState.Pending);
      expect(await council.vetoCount(id)).to.equal(1n);
      await expect(council.connect(holders[2]).veto(id)).to.emit(council, "Vetoed").withArgs(id);
    });

    it("judges standing vetoes again at queue and execute, against the threshold in force then", async function () {
      const sys = await loadFixture(fixture);
      const { council, holders } = sys;
      await council.connect(await asTimelock(sys)).setVetoThreshold(3);
      const p = await looseningProposal(sys);
      const q = await looseningProposal(sys, "queued first");
      const id = await proposeAndApprove(sys, p, holders.slice(0, 3));
      const { id: qId, eta } = await proposeAndQueue(sys, q);
      for (const voter of holders.slice(3, 5)) {
        await council.connect(voter).veto(id);
        await council.connect(voter).veto(qId);
      }
      expect(await council.state(id)).to.equal(ProposalState.Pending);
      expect(await council.state(qId)).to.equal(ProposalState.Queued);

      // Lowered under the two standing vetoes: both proposals are Vetoed, though no new veto was cast.
      await council.connect(await asTimelock(sys)).setVetoThreshold(2);
      expect(await council.state(id)).to.equal(ProposalState.Vetoed);
      expect(await council.state(qId)).to.equal(ProposalState.Vetoed);
      const before = await snapshotProposal(council, id, holders);
      await expect(council.queue(...args(p)))
        .to.be.revertedWithCustomError(council, "HedgeCouncilUnexpectedProposalState")
        .withArgs(id, ProposalState.Vetoed);
      await expectProposalUnchanged(sys, id, before);
      await time.increaseTo(eta);
      const policyBefore = await snapshotPolicy(sys.policy);
      await expect(council.execute(...args(q)))
        .to.be.revertedWithCustomError(council, "HedgeCouncilUnexpectedProposalState")
        .withArgs(qId, ProposalState.Vetoed);
      expect(await snapshotPolicy(sys.policy)).to.deep.equal(policyBefore);
    });

    it("with a veto threshold of 1, one veto kills", async function () {
      const sys = await loadFixture(fixture);
      await sys.council.connect(await asTimelock(sys)).setVetoThreshold(1);
      const id = await proposeAndApprove(sys, await looseningProposal(sys), [sys.holders[0]]);
      await expect(sys.council.connect(sys.holders[0]).veto(id)).to.emit(sys.council, "Vetoed").withArgs(id);
      expect(await sys.council.state(id)).to.equal(ProposalState.Vetoed);
    });
  });

  describe("cancel", function () {
    it("anyone removes the timelock operation of a vetoed queued proposal", async function () {
      const sys = await loadFixture(fixture);
      const { council, timelock, holders } = sys;
      const p = await looseningProposal(sys);
      const { id, eta } = await proposeAndQueue(sys, p);
      const opId = await operationId(sys, p);
      expect(await timelock.isOperationPending(opId)).to.equal(true);

      await council.connect(holders[3]).veto(id);
      await expect(council.connect(holders[4]).veto(id)).to.emit(council, "Vetoed").withArgs(id);
      expect(await council.state(id)).to.equal(ProposalState.Vetoed);

      await time.increaseTo(eta);
      await expect(council.execute(...args(p)))
        .to.be.revertedWithCustomError(council, "HedgeCouncilUnexpectedProposalState")
        .withArgs(id, ProposalState.Vetoed);
      expect(await timelock.isOperationReady(opId)).to.equal(true);

      const tx = council.connect(sys.stranger).cancel(...args(p));
      await expect(tx).to.emit(council, "ProposalCanceled").withArgs(id);
      await expect(tx).to.emit(timelock, "Cancelled").withArgs(opId);
      expect(await timelock.isOperation(opId)).to.equal(false);
      expect(await council.state(id)).to.equal(ProposalState.Vetoed);

      await expect(council.connect(sys.stranger).cancel(...args(p)))
        .to.be.revertedWithCustomError(council, "HedgeCouncilNothingToCancel")
        .withArgs(id);
    });

    it("records for good a veto reached by a lowered threshold, and removes the operation", async function () {
      const sys = await loadFixture(fixture);
      const { council, timelock, holders } = sys;
      await council.connect(await asTimelock(sys)).setVetoThreshold(3);
      const p = await looseningProposal(sys);
      const pending = await looseningProposal(sys, "pending");
      const { id } = await proposeAndQueue(sys, p);
      const pendingId = await proposeAndApprove(sys, pending, holders.slice(0, 1));
      for (const voter of holders.slice(3, 5)) {
        await council.connect(voter).veto(id);
        await council.connect(voter).veto(pendingId);
      }
      await council.connect(await asTimelock(sys)).setVetoThreshold(2);

      const tx = council.connect(sys.stranger).cancel(...args(p));
      await expect(tx).to.emit(council, "Vetoed").withArgs(id);
      await expect(tx).to.emit(council, "ProposalCanceled").withArgs(id);
      expect(await timelock.isOperation(await operationId(sys, p))).to.equal(false);
      // Pending, nothing in the timelock: the veto is recorded all the same.
      const pendingTx = council.connect(sys.stranger).cancel(...args(pending));
      await expect(pendingTx).to.emit(council, "Vetoed").withArgs(pendingId);
      await expect(pendingTx).to.not.emit(council, "ProposalCanceled");

      // Raising the threshold again does not bring either back.
      await council.connect(await asTimelock(sys)).setVetoThreshold(3);
      expect(await council.state(id)).to.equal(ProposalState.Vetoed);
      expect(await council.state(pendingId)).to.equal(ProposalState.Vetoed);
      await expect(council.cancel(...args(pending)))
        .to.be.revertedWithCustomError(council, "HedgeCouncilNothingToCancel")
        .withArgs(pendingId);
    });

    it("has nothing to cancel for a proposal vetoed before it was queued", async function () {
      const sys = await loadFixture(fixture);
      const { council, holders } = sys;
      const p = await looseningProposal(sys);
      const id = await proposeAndApprove(sys, p, holders.slice(0, 3));
      await council.connect(holders[3]).veto(id);
      await council.connect(holders[4]).veto(id);
      const before = await snapshotProposal(council, id, holders);
      await expect(council.cancel(...args(p)))
        .to.be.revertedWithCustomError(council, "HedgeCouncilNothingToCancel")
        .withArgs(id);
      await expectProposalUnchanged(sys, id, before);
    });

    it("refuses unknown, Pending, Queued and Executed proposals", async function () {
      const sys = await loadFixture(fixture);
      const { council, timelock, holders } = sys;

      const unknown = await tighteningProposal(sys, "never proposed");
      await expect(council.cancel(...args(unknown)))
        .to.be.revertedWithCustomError(council, "HedgeCouncilUnexpectedProposalState")
        .withArgs(await hashProposal(sys, unknown), ProposalState.Unknown);

      const pending = nudgeProposal(sys);
      const pendingId = await proposeAndApprove(sys, pending, [holders[0]]);
      await expect(council.cancel(...args(pending)))
        .to.be.revertedWithCustomError(council, "HedgeCouncilUnexpectedProposalState")
        .withArgs(pendingId, ProposalState.Pending);

      const queued = await tighteningProposal(sys);
      const { id: queuedId, eta } = await proposeAndQueue(sys, queued);
      const opId = await operationId(sys, queued);
      const before = await snapshotProposal(council, queuedId, holders);
      await expect(council.connect(sys.stranger).cancel(...args(queued)))
        .to.be.revertedWithCustomError(council, "HedgeCouncilUnexpectedProposalState")
        .withArgs(queuedId, ProposalState.Queued);
      await expectProposalUnchanged(sys, queuedId, before);
      expect(await timelock.isOperationPending(opId)).to.equal(true);

      await time.increaseTo(eta);
      await council.execute(...args(queued));
      await expect(council.cancel(...args(queued)))
        .to.be.revertedWithCustomError(council, "HedgeCouncilUnexpectedProposalState")
        .withArgs(queuedId, ProposalState.Executed);
      expect(await timelock.isOperationDone(opId)).to.equal(true);
    });
  });
});

// HedgeCouncil: expiry. A proposal not queued within its TTL (7 days) or not executed within its grace period
// (14 days after eta) is Expired for good; each proposal keeps the TTL and grace period in force when it was created
// and queued, even after setExpiry.
import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";

import {
  args,
  proposeArgs,
  asTimelock,
  atNextBlock,
  DAY,
  deployCouncilSystem,
  expectProposalUnchanged,
  HOUR,
  nudgeProposal,
  operationId,
  proposeAndApprove,
  proposeAndQueue,
  ProposalState,
  sign,
  snapshotPolicy,
  snapshotProposal,
  tighteningProposal,
} from "./helpers/system";

async function fixture() {
  return deployCouncilSystem();
}

const TTL = BigInt(7 * DAY);
const GRACE = BigInt(14 * DAY);

describe("HedgeCouncil expiry", function () {
  describe("not queued in time", function () {
    it("is still Pending at its deadline and can be queued in that very second", async function () {
      const sys = await loadFixture(fixture);
      const p = await tighteningProposal(sys);
      const id = await proposeAndApprove(sys, p, [sys.holders[0]]);
      const created = BigInt(await time.latest());
      const deadline = await sys.council.proposalDeadline(id);
      expect(deadline).to.equal(created + TTL);
      await sys.council.connect(sys.holders[1]).approve(id);
      await sys.council.connect(sys.holders[2]).approve(id);

      await time.increaseTo(deadline - 1n);
      expect(await sys.council.state(id)).to.equal(ProposalState.Pending);
      await atNextBlock(deadline);
      await expect(sys.council.queue(...args(p)))
        .to.emit(sys.council, "Queued")
        .withArgs(id, deadline + BigInt(DAY));
    });

    it("is Expired one second later, and every action is refused", async function () {
      const sys = await loadFixture(fixture);
      const { council, holders } = sys;
      const p = await tighteningProposal(sys);
      const id = await proposeAndApprove(sys, p, holders.slice(0, 3));
      const deadline = await council.proposalDeadline(id);

      await time.increaseTo(deadline);
      expect(await council.state(id)).to.equal(ProposalState.Pending);
      await time.increaseTo(deadline + 1n);
      expect(await council.state(id)).to.equal(ProposalState.Expired);

      const before = await snapshotProposal(council, id, holders);
      const signed = await sign(sys, [holders[3]], id);
      const attempts = [
        () => council.queue(...args(p)),
        () => council.execute(...args(p)),
        () => council.connect(holders[3]).approve(id),
        () => council.connect(holders[0]).revoke(id),
        () => council.approveBySig(id, signed),
        () => council.connect(holders[4]).veto(id),
      ];
      for (const attempt of attempts) {
        await expect(attempt())
          .to.be.revertedWithCustomError(council, "HedgeCouncilUnexpectedProposalState")
          .withArgs(id, ProposalState.Expired);
      }
      // It was never queued, so there is nothing in the timelock to cancel.
      await expect(council.cancel(...args(p)))
        .to.be.revertedWithCustomError(council, "HedgeCouncilNothingToCancel")
        .withArgs(id);
      // And it can never be created again.
      await expect(council.connect(holders[0]).propose(...proposeArgs(p)))
        .to.be.revertedWithCustomError(council, "HedgeCouncilProposalExists")
        .withArgs(id);
      await expectProposalUnchanged(sys, id, before);
    });

    it("a Fast proposal not executed within its TTL expires too", async function () {
      const sys = await loadFixture(fixture);
      const p = nudgeProposal(sys);
      const id = await proposeAndApprove(sys, p, sys.holders.slice(0, 2));
      await time.increaseTo((await sys.council.proposalDeadline(id)) + 1n);
      const policyBefore = await snapshotPolicy(sys.policy);
      await expect(sys.council.execute(...args(p)))
        .to.be.revertedWithCustomError(sys.council, "HedgeCouncilUnexpectedProposalState")
        .withArgs(id, ProposalState.Expired);
      expect(await snapshotPolicy(sys.policy)).to.deep.equal(policyBefore);
    });
  });

  describe("queued and not executed in time", function () {
    it("executes at the last second of its grace period", async function () {
      const sys = await loadFixture(fixture);
      const p = await tighteningProposal(sys);
      const { id, eta } = await proposeAndQueue(sys, p);
      const deadline = await sys.council.proposalDeadline(id);
      expect(deadline).to.equal(eta + GRACE);
      await time.increaseTo(deadline - 1n);
      expect(await sys.council.state(id)).to.equal(ProposalState.Queued);
      await atNextBlock(deadline);
      await expect(sys.council.execute(...args(p)))
        .to.emit(sys.council, "Executed")
        .withArgs(id);
    });

    it("is Expired one second after it, can never run, and anyone may cancel its operation", async function () {
      const sys = await loadFixture(fixture);
      const { council, timelock, holders } = sys;
      const p = await tighteningProposal(sys);
      const { id, eta } = await proposeAndQueue(sys, p);
      const opId = await operationId(sys, p);
      await time.increaseTo(eta + GRACE);
      expect(await council.state(id)).to.equal(ProposalState.Queued);
      await time.increaseTo(eta + GRACE + 1n);
      expect(await council.state(id)).to.equal(ProposalState.Expired);

      const before = await snapshotProposal(council, id, holders);
      const policyBefore = await snapshotPolicy(sys.policy);
      await expect(council.execute(...args(p)))
        .to.be.revertedWithCustomError(council, "HedgeCouncilUnexpectedProposalState")
        .withArgs(id, ProposalState.Expired);
      await expect(council.connect(holders[3]).veto(id))
        .to.be.revertedWithCustomError(council, "HedgeCouncilUnexpectedProposalState")
        .withArgs(id, ProposalState.Expired);
      await expectProposalUnchanged(sys, id, before);
      expect(await snapshotPolicy(sys.policy)).to.deep.equal(policyBefore);
      // The operation is still ready in the timelock (which has no expiry of its own) until cancelled.
      expect(await timelock.isOperationReady(opId)).to.equal(true);

      const tx = council.connect(sys.stranger).cancel(...args(p));
      await expect(tx).to.emit(council, "ProposalCanceled").withArgs(id);
      await expect(tx).to.emit(timelock, "Cancelled").withArgs(opId);
      expect(await timelock.isOperation(opId)).to.equal(false);
      expect(await council.state(id)).to.equal(ProposalState.Expired);
    });
  });

  describe("setExpiry", function () {
    it("applies to new proposals only: existing ones keep the TTL and grace in force when created and queued", async function () {
      const sys = await loadFixture(fixture);
      const { council, holders } = sys;

      // Queued before the change: keeps its 14-day grace period.
      const queued = await tighteningProposal(sys);
      const { id: queuedId, eta: queuedEta } = await proposeAndQueue(sys, queued);
      // Pending before the change: keeps its 7-day TTL (its grace is decided when it is queued).
      const pending = nudgeProposal(sys, 2_600);
      const pendingId = await proposeAndApprove(sys, pending, [holders[0]]);
      const pendingDeadline = await council.proposalDeadline(pendingId);
      const slow = await tighteningProposal(sys, "slow: queued after the change");
      const slowId = await proposeAndApprove(sys, slow, holders.slice(0, 3));
      const slowDeadline = await council.proposalDeadline(slowId);

      await expect(council.connect(await asTimelock(sys)).setExpiry(HOUR, 2 * HOUR))
        .to.emit(council, "ExpiryUpdated")
        .withArgs(7 * DAY, 14 * DAY, HOUR, 2 * HOUR);
      expect(await council.expiry()).to.deep.equal([BigInt(HOUR), BigInt(2 * HOUR)]);

      // A new proposal gets the new TTL.
      const fresh = nudgeProposal(sys, 2_400, "fresh: proposed after the change");
      const freshId = await proposeAndApprove(sys, fresh, [holders[1]]);
      expect(await council.proposalDeadline(freshId)).to.equal(BigInt(await time.latest()) + BigInt(HOUR));

      // Old ones keep theirs.
      expect(await council.proposalDeadline(pendingId)).to.equal(pendingDeadline);
      expect(await council.proposalDeadline(queuedId)).to.equal(queuedEta + GRACE);
      await time.increaseTo(BigInt(await time.latest()) + BigInt(2 * HOUR) + 1n);
      expect(await council.state(freshId)).to.equal(ProposalState.Expired);
      expect(await council.state(pendingId)).to.equal(ProposalState.Pending);
      expect(await council.state(slowId)).to.equal(ProposalState.Pending);
      expect(await council.proposalDeadline(slowId)).to.equal(slowDeadline);

      // Queued after the change: the grace period in force at queueing (2 hours) applies.
      await council.queue(...args(slow));
      const slowEta = await council.proposalEta(slowId);
      expect(await council.proposalDeadline(slowId)).to.equal(slowEta + BigInt(2 * HOUR));

      // The proposal queued before the change still executes long after eta + 2 hours.
      await time.increaseTo(queuedEta + BigInt(2 * HOUR) + 1n);
      expect(await council.state(queuedId)).to.equal(ProposalState.Queued);
      await expect(council.execute(...args(queued)))
        .to.emit(council, "Executed")
        .withArgs(queuedId);
    });
  });
});

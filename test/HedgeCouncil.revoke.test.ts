// HedgeCouncil: revoke (rules v3). A seat holder may revoke a proposal that is Pending or does not exist yet; it
// withdraws the holder's recorded approval if any, and marks (id, address) so that no signature of that address counts
// for the id again, whatever seat it holds later. On-chain `approve` and `propose` by that address still count: they
// are fresh consent. A revocation made before the proposal exists is kept in the proposal's own storage word, which
// creating the proposal reads anyway.
import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";

import {
  args,
  asTimelock,
  deployCouncilSystem,
  expectProposalUnchanged,
  hashProposal,
  looseningProposal,
  nudgeProposal,
  pass,
  proposeAndApprove,
  proposeAndQueue,
  proposeArgs,
  ProposalState,
  sign,
  snapshotPolicy,
  snapshotProposal,
  tighteningProposal,
  type CouncilSystem,
} from "./helpers/system";

async function fixture() {
  return deployCouncilSystem();
}

/** Nothing of `id` is recorded but the revocations of `revokers`. */
async function expectOnlyRevoked(sys: CouncilSystem, id: string, revokers: string[]) {
  expect(await sys.council.state(id)).to.equal(ProposalState.Unknown);
  expect(await sys.council.proposalMarks(id)).to.deep.equal([0n, 0n]);
  expect(await sys.council.approvalCount(id)).to.equal(0n);
  expect(await sys.council.proposalDeadline(id)).to.equal(0n);
  for (const h of sys.holders) {
    expect(await sys.council.hasRevoked(id, h.address), h.address).to.equal(revokers.includes(h.address));
    expect(await sys.council.hasApproved(id, h.address)).to.equal(false);
  }
}

describe("HedgeCouncil revoke", function () {
  describe("before the proposal exists", function () {
    it("marks the caller's address and emits Revoked; the proposal stays Unknown", async function () {
      const sys = await loadFixture(fixture);
      const p = await tighteningProposal(sys, "revoked before it existed");
      const id = await hashProposal(sys, p);
      await expect(sys.council.connect(sys.holders[1]).revoke(id))
        .to.emit(sys.council, "Revoked")
        .withArgs(id, sys.holders[1].address);
      await expectOnlyRevoked(sys, id, [sys.holders[1].address]);
      // Nothing about it exists for the other functions either.
      await expect(sys.council.connect(sys.holders[2]).approve(id))
        .to.be.revertedWithCustomError(sys.council, "HedgeCouncilUnexpectedProposalState")
        .withArgs(id, ProposalState.Unknown);
      await expect(sys.council.queue(...args(p)))
        .to.be.revertedWithCustomError(sys.council, "HedgeCouncilUnexpectedProposalState")
        .withArgs(id, ProposalState.Unknown);
    });

    it("the revoker's signature then never counts, by submit or approveBySig; the others' do", async function () {
      const sys = await loadFixture(fixture);
      const { council, holders } = sys;
      const p = await tighteningProposal(sys, "three signed, one changed their mind");
      const id = await hashProposal(sys, p);
      const signed = await sign(sys, holders.slice(0, 4), id);
      await council.connect(holders[1]).revoke(id);

      // With the revoked signature in it, submit reverts naming it, and records nothing.
      await expect(council.connect(sys.stranger).submit(...proposeArgs(p), signed.slice(0, 3)))
        .to.be.revertedWithCustomError(council, "HedgeCouncilSignatureRevoked")
        .withArgs(id, 2, holders[1].address);
      await expectOnlyRevoked(sys, id, [holders[1].address]);

      // Without it, the other three pass; the mark carried into the proposal refuses it by approveBySig too.
      const withoutRevoker = [signed[0], signed[2], signed[3]];
      await expect(council.connect(sys.stranger).submit(...proposeArgs(p), withoutRevoker)).to.emit(council, "Queued");
      expect(await council.approvalCount(id)).to.equal(3n);
      expect(await council.hasRevoked(id, holders[1].address)).to.equal(true);
      const q = await tighteningProposal(sys, "the mark survives creation");
      const qId = await hashProposal(sys, q);
      const qSigned = await sign(sys, holders.slice(0, 2), qId);
      await council.connect(holders[1]).revoke(qId);
      await council.connect(holders[0]).propose(...proposeArgs(q));
      const before = await snapshotProposal(council, qId, holders);
      await expect(council.approveBySig(qId, [qSigned[1]]))
        .to.be.revertedWithCustomError(council, "HedgeCouncilSignatureRevoked")
        .withArgs(qId, 2, holders[1].address);
      await expectProposalUnchanged(sys, qId, before);
      // Another holder's signature still counts on the marked proposal.
      const [third] = await sign(sys, [holders[2]], qId);
      await expect(council.approveBySig(qId, [third]))
        .to.emit(council, "Approved")
        .withArgs(qId, holders[2].address);
    });

    it("the revoker's on-chain propose and approve still count: fresh consent", async function () {
      const sys = await loadFixture(fixture);
      const { council, holders } = sys;
      const p = await tighteningProposal(sys, "revoked, then proposed by the revoker");
      const id = await hashProposal(sys, p);
      await council.connect(holders[0]).revoke(id);
      await expect(council.connect(holders[0]).propose(...proposeArgs(p)))
        .to.emit(council, "Approved")
        .withArgs(id, holders[0].address);
      expect(await council.hasApproved(id, holders[0].address)).to.equal(true);

      const q = await tighteningProposal(sys, "revoked, then approved by the revoker");
      const qId = await hashProposal(sys, q);
      await council.connect(holders[1]).revoke(qId);
      await council.connect(holders[0]).propose(...proposeArgs(q));
      await expect(council.connect(holders[1]).approve(qId))
        .to.emit(council, "Approved")
        .withArgs(qId, holders[1].address);
      await council.connect(holders[2]).approve(qId);
      await expect(council.queue(...args(q))).to.emit(council, "Queued");
      expect(await council.hasRevoked(qId, holders[1].address)).to.equal(true);
    });

    it("a second revocation with nothing to withdraw is refused; a non-holder cannot revoke, nor mark anything", async function () {
      const sys = await loadFixture(fixture);
      const { council, holders } = sys;
      const id = await hashProposal(sys, await tighteningProposal(sys, "revoked twice"));
      await council.connect(holders[1]).revoke(id);
      await expect(council.connect(holders[1]).revoke(id))
        .to.be.revertedWithCustomError(council, "HedgeCouncilAlreadyRevoked")
        .withArgs(id, holders[1].address);
      for (const account of [sys.stranger, sys.deployer]) {
        await expect(council.connect(account).revoke(id))
          .to.be.revertedWithCustomError(council, "HedgeCouncilNotSeatHolder")
          .withArgs(account.address);
        expect(await council.hasRevoked(id, account.address)).to.equal(false);
      }
      await expectOnlyRevoked(sys, id, [holders[1].address]);
    });

    it("a revocation belongs to the address: its signature for a new seat, after it was re-seated, does not count", async function () {
      const sys = await loadFixture(fixture);
      const { council, seats, holders } = sys;
      const p = await tighteningProposal(sys, "revoked as seat 2, signed again as seat 6");
      const id = await hashProposal(sys, p);
      await council.connect(holders[1]).revoke(id);
      const timelock = await asTimelock(sys);
      await seats.connect(timelock).burn(2);
      await seats.connect(timelock).mint(holders[1].address);
      expect(await council.seatOf(holders[1].address)).to.equal(6n);

      const signed = await sign(sys, [holders[1], holders[0], holders[2]], id);
      expect(signed[0].seatId).to.equal(6n);
      await expect(council.connect(sys.stranger).submit(...proposeArgs(p), signed))
        .to.be.revertedWithCustomError(council, "HedgeCouncilSignatureRevoked")
        .withArgs(id, 6, holders[1].address);
      await expectOnlyRevoked(sys, id, [holders[1].address]);
      // Under its new seat it may revoke nothing more: the mark is already there.
      await expect(council.connect(holders[1]).revoke(id))
        .to.be.revertedWithCustomError(council, "HedgeCouncilAlreadyRevoked")
        .withArgs(id, holders[1].address);
    });

    it("marks only that id: the same calls under another description take the revoker's signature", async function () {
      const sys = await loadFixture(fixture);
      const { council, holders } = sys;
      const p = nudgeProposal(sys, 2_600, "nudge, first wording");
      const q = nudgeProposal(sys, 2_600, "nudge, second wording");
      await council.connect(holders[0]).revoke(await hashProposal(sys, p));
      const qId = await hashProposal(sys, q);
      await expect(council.submit(...proposeArgs(q), await sign(sys, holders.slice(0, 2), qId)))
        .to.emit(council, "Executed")
        .withArgs(qId);
      expect(await council.hasRevoked(qId, holders[0].address)).to.equal(false);
    });
  });

  describe("a Pending proposal", function () {
    it("revoke, approve again, revoke again: each withdrawal of a recorded approval is allowed", async function () {
      const sys = await loadFixture(fixture);
      const { council, holders } = sys;
      const id = await proposeAndApprove(sys, await tighteningProposal(sys), holders.slice(0, 2));
      await council.connect(holders[1]).revoke(id);
      await council.connect(holders[1]).approve(id);
      expect(await council.approvalCount(id)).to.equal(2n);
      await expect(council.connect(holders[1]).revoke(id)).to.emit(council, "Revoked").withArgs(id, holders[1].address);
      expect(await council.approvalCount(id)).to.equal(1n);
      expect(await council.proposalMarks(id)).to.deep.equal([0b1n, 0n]);
      await expect(council.connect(holders[1]).revoke(id))
        .to.be.revertedWithCustomError(council, "HedgeCouncilAlreadyRevoked")
        .withArgs(id, holders[1].address);
    });

    it("the proposer revokes its own proposal's approval; it stays Pending with none", async function () {
      const sys = await loadFixture(fixture);
      const { council, holders } = sys;
      const p = nudgeProposal(sys);
      const id = await proposeAndApprove(sys, p, holders.slice(0, 1));
      await council.connect(holders[0]).revoke(id);
      expect(await council.state(id)).to.equal(ProposalState.Pending);
      expect(await council.approvalCount(id)).to.equal(0n);
      const [signature] = await sign(sys, [holders[0]], id);
      await expect(council.approveBySig(id, [signature]))
        .to.be.revertedWithCustomError(council, "HedgeCouncilSignatureRevoked")
        .withArgs(id, 1, holders[0].address);
    });
  });

  describe("other states", function () {
    it("refuses Queued, Executed, Vetoed and Expired proposals, naming the state", async function () {
      const sys = await loadFixture(fixture);
      const { council, holders } = sys;
      const queued = await tighteningProposal(sys, "queued");
      const { id: queuedId } = await proposeAndQueue(sys, queued);
      const executedId = await pass(sys, nudgeProposal(sys, 2_600, "executed"));
      const vetoedId = await proposeAndApprove(sys, await looseningProposal(sys, "vetoed"), holders.slice(0, 2));
      await council.connect(holders[3]).veto(vetoedId);
      await council.connect(holders[4]).veto(vetoedId);
      const expiredId = await proposeAndApprove(sys, await tighteningProposal(sys, "expired"), holders.slice(0, 2));
      await time.increaseTo((await council.proposalDeadline(expiredId)) + 1n);

      const policyBefore = await snapshotPolicy(sys.policy);
      for (const [id, state] of [
        [queuedId, ProposalState.Queued],
        [executedId, ProposalState.Executed],
        [vetoedId, ProposalState.Vetoed],
        [expiredId, ProposalState.Expired],
      ] as const) {
        const before = await snapshotProposal(council, id, holders);
        for (const holder of [holders[0], holders[4]]) {
          await expect(council.connect(holder).revoke(id))
            .to.be.revertedWithCustomError(council, "HedgeCouncilUnexpectedProposalState")
            .withArgs(id, state);
          expect(await council.hasRevoked(id, holder.address)).to.equal(false);
        }
        await expectProposalUnchanged(sys, id, before);
      }
      expect(await snapshotPolicy(sys.policy)).to.deep.equal(policyBefore);
      // The queued one still executes with every approval it had.
      expect(BigInt(await time.latest())).to.be.greaterThan(await council.proposalEta(queuedId));
      await expect(council.execute(...args(queued)))
        .to.emit(council, "Executed")
        .withArgs(queuedId);
    });
  });
});

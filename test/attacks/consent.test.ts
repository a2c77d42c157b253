// Attacks: consent (rules v3). The two gaps of issue 23 at the edges of consent, run as they were and refused now,
// and what a minority of seats (one or two of five) or a relayer can do with the powers v3 adds:
// 1. Gap 1. Two seats sign a Fast nudge and one changes its mind the same day. Its `revoke` was refused (the
//    proposal did not exist), and 200 days later anyone submitted the nudge and it ran. Now the revocation before
//    existence works, and the revoked signature makes `submit` revert at once or later; without any revocation, the
//    signatures have expired long before 200 days.
// 2. Gap 2. A signs while holding seat 5; seat 5 is burned and A re-seated as seat 6; the old signature counted again.
//    Now it names seat 5, which is gone, and presented as seat 6 it is not a signature of seat 6.
// 3. Revocation before existence in a minority's hands: it marks only the caller's own address, it cannot occupy an
//    id or block the majority's submit, and a seat that revoked can still consent afresh on chain or under another
//    description.
// 4. Deadlines in a relayer's hands: it cannot use a signature past its deadline, extend one, or slip a stale one in.
// 5. The rule that a live seat whose approval is already recorded is ignored: it makes a relayer's call succeed,
//    never count more (a burned seat's recorded approval is not waved through); `submit` still needs its threshold of
//    fresh signatures.
// Every refused attempt is checked against the whole state captured before it; every allowed step against the exact
// change it may make.
import { expect } from "chai";
import { loadFixture, takeSnapshot, time } from "@nomicfoundation/hardhat-network-helpers";
import { ZeroAddress, ZeroHash } from "ethers";

import { DEFAULT_VALID_FOR_SECONDS } from "../../scripts/lib/signing";
import { captureState, type CaptureScope, type SystemState } from "../helpers/stateSnapshot";
import {
  approvedIn,
  args,
  atNextBlock,
  burnProposal,
  DAY,
  deployCouncilSystem,
  hashProposal,
  mintProposal,
  nudgeProposal,
  pass,
  proposeAndApprove,
  proposeArgs,
  ProposalState,
  seatSignature,
  sign,
  tighteningProposal,
  type CouncilSystem,
  type Proposal,
} from "../helpers/system";
import { expectUnchanged, scopeOf } from "./attacks.behavior";

/** The cooldown slot of the coverage in `lastNudgeAt` (0..4 are the triggers). */
const COVERAGE = 5;

async function fixture() {
  return deployCouncilSystem();
}

/**
 * Runs `action` (an allowed step) and requires the whole state afterwards to be the state before with exactly the
 * changes `change` makes to a copy of it.
 */
async function expectOnlyChange(
  sys: CouncilSystem,
  scope: CaptureScope,
  action: () => Promise<unknown>,
  change: (expected: SystemState, after: SystemState) => void,
): Promise<void> {
  const before = await captureState(sys.system, scope);
  await action();
  const after = await captureState(sys.system, scope);
  const expected = structuredClone(before);
  change(expected, after);
  expect(after).to.deep.equal(expected);
}

/** The change a revocation of `id` by `revokers` (none of whom had approved) makes: their marks and the id's word. */
function revokedBy(id: string, revokers: { address: string }[]) {
  return (expected: SystemState, after: SystemState) => {
    const p = expected.council.proposals[id];
    for (const r of revokers) p.revokedBy[r.address] = true;
    // The proposal's word now carries the "someone revoked it" flag, even while the proposal does not exist.
    expect(after.council.proposals[id].word).to.not.equal(p.word);
    p.word = after.council.proposals[id].word;
  };
}

/** Proposal `p` does not exist and nothing of it is recorded (revocation marks aside). */
async function expectNotCreated(sys: CouncilSystem, p: Proposal) {
  const id = await hashProposal(sys, p);
  expect(await sys.council.state(id)).to.equal(ProposalState.Unknown);
  expect(await sys.council.proposalMarks(id)).to.deep.equal([0n, 0n]);
  expect(await sys.council.proposalDeadline(id)).to.equal(0n);
}

describe("Attacks: consent (rules v3)", function () {
  describe("gap 1: two seats sign a Fast nudge, one changes its mind the same day", function () {
    it("as it was: the revoke before the proposal exists used to be refused; now it marks the revoker, and only that", async function () {
      const sys = await loadFixture(fixture);
      const p = nudgeProposal(sys, 2_600, "nudge the coverage to 26 %");
      const id = await hashProposal(sys, p);
      await sign(sys, sys.holders.slice(0, 2), id);
      const scope = await scopeOf(sys, [p]);
      const before = await captureState(sys.system, scope);
      expect(before.council.proposals[id].word).to.equal(ZeroHash);
      await expectOnlyChange(
        sys,
        scope,
        () =>
          expect(sys.council.connect(sys.holders[1]).revoke(id))
            .to.emit(sys.council, "Revoked")
            .withArgs(id, sys.holders[1].address),
        revokedBy(id, [sys.holders[1]]),
      );
      expect(await sys.council.state(id)).to.equal(ProposalState.Unknown);
    });

    it("remedy (a): the revoked signature makes submit revert, at once and 200 days later, with the whole state unchanged", async function () {
      const sys = await loadFixture(fixture);
      const p = nudgeProposal(sys, 2_600, "nudge the coverage to 26 %");
      const id = await hashProposal(sys, p);
      // A deadline a year away, so that the revocation alone is what refuses it 200 days later.
      const validUntil = (await time.latest()) + 365 * DAY;
      const signed = await sign(sys, sys.holders.slice(0, 2), id, { validUntil });
      await sys.council.connect(sys.holders[1]).revoke(id);
      const scope = await scopeOf(sys, [p]);
      const policy = {
        hash: await sys.policy.policyHash(),
        version: await sys.policy.version(),
        lastNudgeAt: await sys.policy.lastNudgeAt(COVERAGE),
      };
      for (const wait of [0, 200 * DAY]) {
        if (wait > 0) await time.increase(wait);
        await expectUnchanged(sys, scope, () =>
          expect(sys.council.connect(sys.stranger).submit(...proposeArgs(p), signed))
            .to.be.revertedWithCustomError(sys.council, "HedgeCouncilSignatureRevoked")
            .withArgs(id, 2, sys.holders[1].address),
        );
        expect(await sys.policy.policyHash()).to.equal(policy.hash);
        expect(await sys.policy.version()).to.equal(policy.version);
        expect(await sys.policy.lastNudgeAt(COVERAGE)).to.equal(policy.lastNudgeAt);
        expect((await sys.policy.policy()).coverageBps).to.equal(2_500n);
        await expectNotCreated(sys, p);
      }
    });

    it("remedy (b): without any revocation, 200 days later the signatures have expired; at their deadline they ran", async function () {
      const sys = await loadFixture(fixture);
      const p = nudgeProposal(sys, 2_600, "nudge the coverage to 26 %");
      const id = await hashProposal(sys, p);
      // Signed as `hedge:sign` signs by default: valid for 7 days.
      const validUntil = BigInt(await time.latest()) + BigInt(DEFAULT_VALID_FOR_SECONDS);
      const signed = await sign(sys, sys.holders.slice(0, 2), id, { validUntil });
      const scope = await scopeOf(sys, [p]);

      // Within the deadline (its last second), the nudge runs: the deadline alone refuses it later.
      const snapshot = await takeSnapshot();
      await atNextBlock(validUntil);
      await expect(sys.council.connect(sys.stranger).submit(...proposeArgs(p), signed))
        .to.emit(sys.council, "Executed")
        .withArgs(id);
      await snapshot.restore();

      await time.increase(200 * DAY);
      await expectUnchanged(sys, scope, () =>
        expect(sys.council.connect(sys.stranger).submit(...proposeArgs(p), signed))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilSignatureExpired")
          .withArgs(1, validUntil),
      );
      expect((await sys.policy.policy()).coverageBps).to.equal(2_500n);
      expect(await sys.policy.lastNudgeAt(COVERAGE)).to.equal(0n);
      await expectNotCreated(sys, p);
    });
  });

  describe("gap 2: A signs holding seat 5, seat 5 is burned, A is re-seated as seat 6", function () {
    it("the old signature names seat 5, which is gone; presented as seat 6 it is invalid; A's fresh approval counts", async function () {
      const sys = await loadFixture(fixture);
      const a = sys.holders[4];
      const p = await tighteningProposal(sys, "tighten, A co-signs");
      const id = await proposeAndApprove(sys, p, sys.holders.slice(0, 2));
      const [old] = await sign(sys, [a], id);
      expect(old.seatId).to.equal(5n);

      // Burn seat 5 and mint A a new seat, each through a Critical proposal of the four other seats.
      const others = sys.holders.slice(0, 4);
      await pass(sys, burnProposal(sys, 5, "burn seat 5"), others);
      await pass(sys, mintProposal(sys, a.address, "re-seat A"), others);
      expect(await sys.council.seatOf(a.address)).to.equal(6n);
      expect(await sys.council.holderOf(5)).to.equal(ZeroAddress);
      expect(await sys.council.state(id)).to.equal(ProposalState.Pending);
      expect(BigInt(await time.latest())).to.be.lessThanOrEqual(old.validUntil);

      const scope = await scopeOf(sys, [p]);
      await expectUnchanged(sys, scope, () =>
        expect(sys.council.connect(sys.stranger).approveBySig(id, [old]))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilSeatNotFound")
          .withArgs(5),
      );
      await expectUnchanged(sys, scope, () =>
        expect(sys.council.connect(sys.stranger).approveBySig(id, [{ ...old, seatId: 6n }]))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilInvalidSignature")
          .withArgs(6),
      );
      expect(await sys.council.approvalCount(id)).to.equal(2n);
      // Consent under the new seat is fresh consent: on chain, or a new signature naming seat 6.
      const [renewed] = await sign(sys, [a], id);
      expect(renewed.seatId).to.equal(6n);
      await expect(sys.council.approveBySig(id, [renewed]))
        .to.emit(sys.council, "Approved")
        .withArgs(id, a.address);
      expect(await sys.council.approvalCount(id)).to.equal(3n);
    });
  });

  describe("revocation before existence, in a minority's hands", function () {
    it("two seats pre-revoke the majority's next proposal to block its submit: the three others pass it", async function () {
      const sys = await loadFixture(fixture);
      const minority = sys.holders.slice(3, 5);
      const p = await tighteningProposal(sys, "the majority's tightening");
      const id = await hashProposal(sys, p);
      const majority = await sign(sys, sys.holders.slice(0, 3), id);
      const scope = await scopeOf(sys, [p]);
      await expectOnlyChange(
        sys,
        scope,
        async () => {
          for (const m of minority) await sys.council.connect(m).revoke(id);
        },
        revokedBy(id, minority),
      );
      // Their marks are theirs alone: nobody else's signature is touched, and the id is free to be created.
      for (const h of sys.holders.slice(0, 3)) expect(await sys.council.hasRevoked(id, h.address)).to.equal(false);
      // The submit's block time pinned: read after sending, the clock could already have moved on (a slow run).
      const at = (await time.latest()) + 1;
      await time.setNextBlockTimestamp(at);
      await expect(sys.council.connect(sys.stranger).submit(...proposeArgs(p), majority))
        .to.emit(sys.council, "Queued")
        .withArgs(id, at + DAY);
      expect(await sys.council.approvalCount(id)).to.equal(3n);
      await time.increaseTo(await sys.council.proposalEta(id));
      await expect(sys.council.execute(...args(p)))
        .to.emit(sys.council, "Executed")
        .withArgs(id);
    });

    it("a stranger pre-revokes an id, to make every signer of it pay a look-up", async function () {
      const sys = await loadFixture(fixture);
      const p = await tighteningProposal(sys, "the majority's tightening");
      const id = await hashProposal(sys, p);
      const scope = await scopeOf(sys, [p]);
      for (const account of [sys.stranger, sys.deployer]) {
        await expectUnchanged(sys, scope, () =>
          expect(sys.council.connect(account).revoke(id))
            .to.be.revertedWithCustomError(sys.council, "HedgeCouncilNotSeatHolder")
            .withArgs(account.address),
        );
      }
      // The word stays empty: no flag was set for anyone.
      expect((await captureState(sys.system, scope)).council.proposals[id].word).to.equal(ZeroHash);
    });

    it("two seats pre-revoke ten ids the majority might use: each costs them a transaction and binds only them", async function () {
      const sys = await loadFixture(fixture);
      const minority = sys.holders.slice(3, 5);
      const wordings = Array.from({ length: 10 }, (_, i) => `nudge the coverage to 26 % (wording ${i})`);
      const nudges = wordings.map((w) => nudgeProposal(sys, 2_600, w));
      const ids = await Promise.all(nudges.map((n) => hashProposal(sys, n)));
      for (const id of ids) for (const m of minority) await sys.council.connect(m).revoke(id);
      // The majority picks any of them and passes it with two of its own signatures, the Fast threshold.
      const signed = await sign(sys, sys.holders.slice(0, 2), ids[7]);
      await expect(sys.council.submit(...proposeArgs(nudges[7]), signed))
        .to.emit(sys.council, "Executed")
        .withArgs(ids[7]);
      expect((await sys.policy.policy()).coverageBps).to.equal(2_600n);
      // The minority's own signatures are what they gave up: with them, the same nudge would not pass.
      const theirs = await sign(sys, minority, ids[3]);
      const scope = await scopeOf(sys, [nudges[3]]);
      await expectUnchanged(sys, scope, () =>
        expect(sys.council.submit(...proposeArgs(nudges[3]), theirs))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilSignatureRevoked")
          .withArgs(ids[3], 4, minority[0].address),
      );
    });

    it("a seat that pre-revoked wants back in: its signature never counts for that id, its on-chain approval does", async function () {
      const sys = await loadFixture(fixture);
      const [proposer, second, waverer] = sys.holders;
      const p = await tighteningProposal(sys, "the majority's tightening");
      const id = await hashProposal(sys, p);
      await sys.council.connect(waverer).revoke(id);
      await sys.council.connect(proposer).propose(...proposeArgs(p));
      await sys.council.connect(second).approve(id);
      const [signature] = await sign(sys, [waverer], id);
      const scope = await scopeOf(sys, [p]);
      await expectUnchanged(sys, scope, () =>
        expect(sys.council.approveBySig(id, [signature]))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilSignatureRevoked")
          .withArgs(id, 3, waverer.address),
      );
      await expect(sys.council.connect(waverer).approve(id))
        .to.emit(sys.council, "Approved")
        .withArgs(id, waverer.address);
      await expect(sys.council.queue(...args(p))).to.emit(sys.council, "Queued");
    });

    it("...or under another description of the same calls, by signature", async function () {
      const sys = await loadFixture(fixture);
      const waverer = sys.holders[2];
      const p = await tighteningProposal(sys, "the majority's tightening");
      await sys.council.connect(waverer).revoke(await hashProposal(sys, p));
      const q = { ...p, description: "the majority's tightening, second wording" };
      const qId = await hashProposal(sys, q);
      const signed = await sign(sys, [waverer, ...sys.holders.slice(0, 2)], qId);
      await expect(sys.council.connect(sys.stranger).submit(...proposeArgs(q), signed))
        .to.emit(sys.council, "ProposalCreated")
        .withArgs(qId, waverer.address, 1, q.targets, q.values, q.calldatas, q.description);
      expect(await sys.council.state(qId)).to.equal(ProposalState.Queued);
    });

    it("two seats revoke a queued Standard change to drop it below its threshold", async function () {
      const sys = await loadFixture(fixture);
      const p = await tighteningProposal(sys, "queued tightening");
      const id = await hashProposal(sys, p);
      // Seats 4 and 5 are among its approvers this time.
      await sys.council.connect(sys.stranger).submit(...proposeArgs(p), await sign(sys, sys.holders.slice(2, 5), id));
      const scope = await scopeOf(sys, [p]);
      for (const m of sys.holders.slice(3, 5)) {
        await expectUnchanged(sys, scope, () =>
          expect(sys.council.connect(m).revoke(id))
            .to.be.revertedWithCustomError(sys.council, "HedgeCouncilUnexpectedProposalState")
            .withArgs(id, ProposalState.Queued),
        );
      }
      await time.increaseTo(await sys.council.proposalEta(id));
      await expect(sys.council.execute(...args(p)))
        .to.emit(sys.council, "Executed")
        .withArgs(id);
    });

    it("three days of pre-revoking the majority's daily nudge: each still runs", async function () {
      const sys = await loadFixture(fixture);
      const minority = sys.holders.slice(3, 5);
      for (const [day, coverage] of [2_600, 2_700, 2_750].entries()) {
        const n = nudgeProposal(sys, coverage, `day ${day + 1}: coverage to ${coverage / 100} %`);
        const id = await hashProposal(sys, n);
        const signed = await sign(sys, sys.holders.slice(0, 2), id);
        for (const m of minority) await sys.council.connect(m).revoke(id);
        await expect(sys.council.connect(sys.stranger).submit(...proposeArgs(n), signed))
          .to.emit(sys.council, "Executed")
          .withArgs(id);
        expect((await sys.policy.policy()).coverageBps).to.equal(BigInt(coverage));
        await time.increase(DAY);
      }
    });
  });

  describe("deadlines, in a relayer's hands", function () {
    it("a relayer sits on the signatures of a Fast nudge past their deadline", async function () {
      const sys = await loadFixture(fixture);
      const p = nudgeProposal(sys, 2_600, "nudge, relayed late");
      const id = await hashProposal(sys, p);
      const validUntil = BigInt(await time.latest()) + BigInt(DAY);
      const signed = await sign(sys, sys.holders.slice(0, 2), id, { validUntil });
      await time.increaseTo(validUntil + 1n);
      const scope = await scopeOf(sys, [p]);
      await expectUnchanged(sys, scope, () =>
        expect(sys.council.connect(sys.stranger).submit(...proposeArgs(p), signed))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilSignatureExpired")
          .withArgs(1, validUntil),
      );
    });

    it("a relayer moves the deadline of every signature later", async function () {
      const sys = await loadFixture(fixture);
      const p = nudgeProposal(sys, 2_600, "nudge, deadline moved");
      const id = await hashProposal(sys, p);
      const validUntil = BigInt(await time.latest()) + 10n;
      const signed = await sign(sys, sys.holders.slice(0, 2), id, { validUntil });
      await time.increaseTo(validUntil + 1n);
      const moved = signed.map((s) => ({ ...s, validUntil: s.validUntil + BigInt(365 * DAY) }));
      const scope = await scopeOf(sys, [p]);
      await expectUnchanged(sys, scope, () =>
        expect(sys.council.connect(sys.stranger).submit(...proposeArgs(p), moved))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilInvalidSignature")
          .withArgs(1),
      );
    });

    it("a relayer slips one stale signature among fresh ones to reach a Standard threshold", async function () {
      const sys = await loadFixture(fixture);
      const p = await tighteningProposal(sys, "tighten, one signature stale");
      const id = await hashProposal(sys, p);
      const now = BigInt(await time.latest());
      const stale = await sign(sys, [sys.holders[4]], id, { validUntil: now + 5n });
      const fresh = await sign(sys, sys.holders.slice(0, 2), id, { validUntil: now + BigInt(DAY) });
      await time.increaseTo(now + 6n);
      const scope = await scopeOf(sys, [p]);
      await expectUnchanged(sys, scope, () =>
        expect(sys.council.connect(sys.stranger).submit(...proposeArgs(p), [...fresh, ...stale]))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilSignatureExpired")
          .withArgs(5, now + 5n),
      );
      // Without it, two fresh signatures are two: below the threshold.
      await expectUnchanged(sys, scope, () =>
        expect(sys.council.connect(sys.stranger).submit(...proposeArgs(p), fresh))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilInsufficientApprovals")
          .withArgs(id, 2, 3),
      );
    });
  });

  describe("the ignored-already-recorded rule", function () {
    it("a relayer's approveBySig of recorded seats only succeeds and adds nothing: queue is still refused", async function () {
      const sys = await loadFixture(fixture);
      const p = await tighteningProposal(sys, "two approvals");
      const id = await proposeAndApprove(sys, p, sys.holders.slice(0, 2));
      const recorded = await sign(sys, sys.holders.slice(0, 2), id);
      const scope = await scopeOf(sys, [p]);
      await expectUnchanged(sys, scope, async () =>
        expect(await approvedIn(sys, sys.council.connect(sys.stranger).approveBySig(id, recorded))).to.deep.equal([]),
      );
      await expectUnchanged(sys, scope, () =>
        expect(sys.council.queue(...args(p)))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilInsufficientApprovals")
          .withArgs(id, 2, 3),
      );
    });

    it("submit cannot lean on it: a new proposal has nothing recorded, and a seat listed twice is refused", async function () {
      const sys = await loadFixture(fixture);
      const p = await tighteningProposal(sys, "two signers, three entries");
      const id = await hashProposal(sys, p);
      const [first, second] = await sign(sys, sys.holders.slice(0, 2), id);
      const scope = await scopeOf(sys, [p]);
      await expectUnchanged(sys, scope, () =>
        expect(sys.council.connect(sys.stranger).submit(...proposeArgs(p), [first, second, first]))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilDuplicateSeat")
          .withArgs(1),
      );
      await expectUnchanged(sys, scope, () =>
        expect(sys.council.connect(sys.stranger).submit(...proposeArgs(p), [first, second]))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilInsufficientApprovals")
          .withArgs(id, 2, 3),
      );
      await expectNotCreated(sys, p);
    });

    it("a burned seat's recorded approval is signed again to count: the rule is for live seats, the seat is not found", async function () {
      const sys = await loadFixture(fixture);
      const p = await tighteningProposal(sys, "seat 5 approved, then burned");
      const id = await proposeAndApprove(sys, p, [sys.holders[0], sys.holders[1], sys.holders[4]]);
      const [seat5] = await sign(sys, [sys.holders[4]], id);
      await pass(sys, burnProposal(sys, 5, "burn seat 5"), sys.holders.slice(0, 4));
      expect(await sys.council.approvalCount(id)).to.equal(2n);
      // Seat 5's bit is still in the proposal's marks, but a burned seat is no seat: its signature is refused, where a
      // relayer might have hoped it would be waved through as already recorded.
      expect((await sys.council.proposalMarks(id))[0]).to.equal(0b10011n);
      const scope = await scopeOf(sys, [p]);
      await expectUnchanged(sys, scope, () =>
        expect(sys.council.approveBySig(id, [seat5]))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilSeatNotFound")
          .withArgs(5),
      );
      await expectUnchanged(sys, scope, () =>
        expect(sys.council.queue(...args(p)))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilInsufficientApprovals")
          .withArgs(id, 2, 3),
      );
    });

    it("a recorded seat's garbage rides along with a forged signature for an unrecorded seat", async function () {
      const sys = await loadFixture(fixture);
      const p = await tighteningProposal(sys, "one approval");
      const id = await proposeAndApprove(sys, p, [sys.holders[0]]);
      const [forged] = await sign(sys, [sys.holders[0]], id, { seatIds: [2] });
      const scope = await scopeOf(sys, [p]);
      await expectUnchanged(sys, scope, () =>
        expect(sys.council.approveBySig(id, [seatSignature(1, "0x"), forged]))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilInvalidSignature")
          .withArgs(2),
      );
    });
  });
});

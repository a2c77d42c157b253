// HedgeCouncil and seat changes: approvals count only while their seat exists, seat ids are never reused (a new
// holder, or a former holder given a new seat, inherits nothing), and the approval map covers all 64 seat ids.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { Wallet } from "ethers";

import {
  args,
  proposeArgs,
  asTimelock,
  burnProposal,
  DAY,
  deployCouncilSystem,
  expectProposalUnchanged,
  mintProposal,
  nudgeProposal,
  pass,
  proposeAndApprove,
  proposeAndQueue,
  ProposalState,
  sign,
  snapshotProposal,
  Tier,
  tighteningProposal,
} from "./helpers/system";

async function fixture() {
  return deployCouncilSystem();
}

describe("HedgeCouncil and seat changes", function () {
  it("copies the seats minted before it at deployment, one SeatUpdated each", async function () {
    const { council, holders } = await loadFixture(fixture);
    const events = await council.queryFilter(council.filters.SeatUpdated());
    expect(events.map((e) => [e.args.holder, e.args.seatId, e.args.live])).to.deep.equal(
      holders.map((h, i) => [h.address, BigInt(i + 1), true]),
    );
  });

  it("copies all 64 seats when deployed after them, seat 64 included", async function () {
    const signers = await ethers.getSigners();
    const last = signers[7];
    const others = Array.from({ length: 63 }, () => Wallet.createRandom().address);
    const sys = await deployCouncilSystem({ seats: [...others, last.address] });
    const { council, seats } = sys;
    expect(await seats.liveSeats()).to.equal(2n ** 64n - 1n);

    const events = await council.queryFilter(council.filters.SeatUpdated());
    expect(events).to.have.length(64);
    expect(await council.liveSeats()).to.equal(2n ** 64n - 1n);
    expect(await council.seatOf(last.address)).to.equal(64n);
    expect(await council.seatOf(others[0])).to.equal(1n);
    expect([events[63].args.holder, events[63].args.seatId, events[63].args.live]).to.deep.equal([
      last.address,
      64n,
      true,
    ]);
    const p = await tighteningProposal(sys, "seat 64 at deployment");
    const id = await council.hashProposal(...args(p));
    await expect(council.connect(last).propose(...proposeArgs(p)))
      .to.emit(council, "Approved")
      .withArgs(id, last.address);
    expect(await council.hasApproved(id, last.address)).to.equal(true);
  });

  it("keeps its copy of the seats in step with the seats contract: holder to seat id, and the live-seat map", async function () {
    const sys = await loadFixture(fixture);
    const { council, seats, holders } = sys;
    const newcomer = sys.strangers[1];
    const copy = async () =>
      Promise.all([council.liveSeats(), ...[...holders, newcomer].map((h) => council.seatOf(h.address))]);
    const truth = async () =>
      Promise.all([seats.liveSeats(), ...[...holders, newcomer].map((h) => seats.seatOf(h.address))]);
    expect(await copy()).to.deep.equal([0b11111n, 1n, 2n, 3n, 4n, 5n, 0n]);

    await pass(sys, mintProposal(sys, newcomer.address));
    expect(await copy()).to.deep.equal([0b111111n, 1n, 2n, 3n, 4n, 5n, 6n]);
    expect(await copy()).to.deep.equal(await truth());
    // A seat from the middle: only its bit and its holder's entry go.
    await pass(sys, burnProposal(sys, 2));
    expect(await copy()).to.deep.equal([0b111101n, 1n, 0n, 3n, 4n, 5n, 6n]);
    expect(await copy()).to.deep.equal(await truth());

    // Signatures are counted from the copy: the newcomer and the seats after the burned one sign a submit...
    const p = await tighteningProposal(sys, "after the burn");
    const id = await sys.council.hashProposal(...args(p));
    const signed = await sign(sys, [newcomer, holders[4], holders[2]], id);
    await expect(sys.council.submit(...proposeArgs(p), signed))
      .to.emit(sys.council, "Queued")
      .and.to.emit(sys.council, "Approved")
      .withArgs(id, newcomer.address);
    expect(await sys.council.approvalCount(id)).to.equal(3n);
    // ...and the burned seat's holder is no longer in it.
    const q = await tighteningProposal(sys, "burned signer");
    const qId = await sys.council.hashProposal(...args(q));
    const burned = await sign(sys, [holders[0], holders[1], holders[2]], qId, { seatIds: [1, 2, 3] });
    await expect(sys.council.submit(...proposeArgs(q), burned))
      .to.be.revertedWithCustomError(sys.council, "HedgeCouncilSeatNotFound")
      .withArgs(2);
    expect(await sys.council.holderOf(2)).to.equal(ethers.ZeroAddress);
    expect(await sys.council.holderOf(6)).to.equal(newcomer.address);
  });

  it("never lets a lone seat act once there are two, even before a grown council raises its thresholds", async function () {
    const signers = await ethers.getSigners();
    const [first, second] = signers.slice(1, 3);
    const sys = await deployCouncilSystem({ seats: [first.address] });
    const { council, seats } = sys;
    // One seat: every threshold is 1, and the lone seat acts (the council could not act at all otherwise).
    expect(await council.tierRule(Tier.Fast)).to.deep.equal([1n, 0n]);
    const alone = await tighteningProposal(sys, "alone");
    const aloneSigned = await sign(sys, [first], await council.hashProposal(...args(alone)));
    await expect(council.submit(...proposeArgs(alone), aloneSigned)).to.emit(council, "Queued");

    // A second seat minted without raising the thresholds (a proposal that forgot to): the stored rules still say 1,
    // but no tier accepts one approval any more.
    await seats.connect(await asTimelock(sys)).mint(second.address);
    expect(await council.tierRule(Tier.Standard)).to.deep.equal([1n, BigInt(DAY)]);
    for (const [p, tier] of [
      [await tighteningProposal(sys, "two seats"), Tier.Standard],
      [nudgeProposal(sys, 2_600), Tier.Fast],
      [mintProposal(sys, signers[3].address), Tier.Critical],
    ] as const) {
      const id = await council.hashProposal(...args(p));
      expect(await council.tierOf(p.targets, p.calldatas)).to.equal(tier);
      const signed = await sign(sys, [first], id);
      await expect(council.submit(...proposeArgs(p), signed))
        .to.be.revertedWithCustomError(council, "HedgeCouncilInsufficientApprovals")
        .withArgs(id, 1, 2);
      await council.connect(first).propose(...proposeArgs(p));
      if (tier === Tier.Fast) {
        await expect(council.execute(...args(p)))
          .to.be.revertedWithCustomError(council, "HedgeCouncilInsufficientApprovals")
          .withArgs(id, 1, 2);
      } else {
        await expect(council.queue(...args(p)))
          .to.be.revertedWithCustomError(council, "HedgeCouncilInsufficientApprovals")
          .withArgs(id, 1, 2);
      }
      await council.connect(second).approve(id);
      if (tier === Tier.Fast) await expect(council.execute(...args(p))).to.emit(council, "Executed");
      else await expect(council.queue(...args(p))).to.emit(council, "Queued");
    }
  });

  it("minting and burning through governance update the council's copy in the same transaction", async function () {
    const sys = await loadFixture(fixture);
    const { council, seats, holders } = sys;
    const newcomer = sys.strangers[1];
    const p = await tighteningProposal(sys);
    const id = await proposeAndApprove(sys, p, holders.slice(0, 1));

    const mintId = await pass(sys, mintProposal(sys, newcomer.address));
    const mintTx = (await council.queryFilter(council.filters.Executed(mintId)))[0].transactionHash;
    await expect(mintTx).to.emit(council, "SeatUpdated").withArgs(newcomer.address, 6, true);
    await expect(council.connect(newcomer).approve(id)).to.emit(council, "Approved").withArgs(id, newcomer.address);
    expect(await council.approvalCount(id)).to.equal(2n);

    const burnId = await pass(sys, burnProposal(sys, 6), holders.slice(1));
    const burnTx = (await council.queryFilter(council.filters.Executed(burnId)))[0].transactionHash;
    await expect(burnTx).to.emit(council, "SeatUpdated").withArgs(newcomer.address, 6, false);
    await expect(burnTx).to.emit(seats, "Transfer").withArgs(newcomer.address, ethers.ZeroAddress, 6);
    expect(await council.approvalCount(id)).to.equal(1n);
    await expect(council.connect(newcomer).approve(id))
      .to.be.revertedWithCustomError(council, "HedgeCouncilNotSeatHolder")
      .withArgs(newcomer.address);
  });

  it("a burned seat's approvals stop counting (burn through governance)", async function () {
    const sys = await loadFixture(fixture);
    const { council, seats, holders } = sys;
    const p = await tighteningProposal(sys);
    const id = await proposeAndApprove(sys, p, holders.slice(0, 3));
    expect(await council.approvalCount(id)).to.equal(3n);

    // Seat 2 (holders[1]) is burned by a Critical proposal signed by the four other holders.
    await pass(sys, burnProposal(sys, 2), [holders[0], holders[2], holders[3], holders[4]]);
    expect(await seats.seatOf(holders[1].address)).to.equal(0n);
    expect(await council.approvalCount(id)).to.equal(2n);
    expect(await council.hasApproved(id, holders[1].address)).to.equal(false);

    const before = await snapshotProposal(council, id, holders);
    await expect(council.queue(...args(p)))
      .to.be.revertedWithCustomError(council, "HedgeCouncilInsufficientApprovals")
      .withArgs(id, 2, 3);
    await expect(council.connect(holders[1]).approve(id))
      .to.be.revertedWithCustomError(council, "HedgeCouncilNotSeatHolder")
      .withArgs(holders[1].address);
    // Its signature, made for seat 2 while it held it, names a seat that no longer exists.
    const signed = await sign(sys, [holders[1]], id, { seatIds: [2] });
    await expect(council.approveBySig(id, signed))
      .to.be.revertedWithCustomError(council, "HedgeCouncilSeatNotFound")
      .withArgs(2);
    await expectProposalUnchanged(sys, id, before);
  });

  it("a burned seat no longer counts toward the seats that bound the thresholds", async function () {
    const sys = await loadFixture(fixture);
    const { council } = sys;
    await pass(sys, burnProposal(sys, 5));
    const timelock = await asTimelock(sys);
    // Critical 5 fitted five seats; four are left.
    await expect(council.connect(timelock).setTierRule(2, 5, 3 * 86_400))
      .to.be.revertedWithCustomError(council, "HedgeCouncilThresholdsOutOfOrder")
      .withArgs(2, 3, 5, 4);
    await expect(council.connect(timelock).setVetoThreshold(5))
      .to.be.revertedWithCustomError(council, "HedgeCouncilVetoThresholdOutOfRange")
      .withArgs(5, 4);
    expect(await council.tierRule(2)).to.deep.equal([4n, 3n * 86_400n]);
    expect(await council.vetoThreshold()).to.equal(2n);
  });

  it("seat ids are never reused: a new holder gets id 6 and inherits no approval", async function () {
    const sys = await loadFixture(fixture);
    const { council, seats, holders } = sys;
    const newcomer = sys.strangers[1];
    const p = await tighteningProposal(sys);
    const id = await proposeAndApprove(sys, p, holders.slice(0, 3));

    await pass(sys, burnProposal(sys, 2), [holders[0], holders[2], holders[3], holders[4]]);
    await pass(sys, mintProposal(sys, newcomer.address), [holders[0], holders[2], holders[3], holders[4]]);
    expect(await seats.seatOf(newcomer.address)).to.equal(6n);
    expect(await seats.liveSeats()).to.equal(0b111101n);
    expect(await council.approvalCount(id)).to.equal(2n);
    expect(await council.hasApproved(id, newcomer.address)).to.equal(false);

    await expect(council.connect(newcomer).approve(id)).to.emit(council, "Approved").withArgs(id, newcomer.address);
    expect(await council.approvalCount(id)).to.equal(3n);
    await expect(council.queue(...args(p))).to.emit(council, "Queued");
  });

  it("a former holder given a seat again gets a new id and does not revive its old approvals", async function () {
    const sys = await loadFixture(fixture);
    const { council, seats, holders } = sys;
    const id = await proposeAndApprove(sys, await tighteningProposal(sys), holders.slice(0, 3));
    const timelock = await asTimelock(sys);
    await seats.connect(timelock).burn(2);
    await seats.connect(timelock).mint(holders[1].address);
    expect(await seats.seatOf(holders[1].address)).to.equal(6n);
    expect(await council.hasApproved(id, holders[1].address)).to.equal(false);
    expect(await council.approvalCount(id)).to.equal(2n);
    // It may approve again, with its new seat.
    await council.connect(holders[1]).approve(id);
    expect(await council.approvalCount(id)).to.equal(3n);
  });

  it("a queued proposal whose approvals fell below the threshold cannot execute", async function () {
    const sys = await loadFixture(fixture);
    const { council, seats, holders } = sys;
    const p = await tighteningProposal(sys);
    const { id, eta } = await proposeAndQueue(sys, p);
    await seats.connect(await asTimelock(sys)).burn(3);
    await time.increaseTo(eta);
    const before = await snapshotProposal(council, id, holders);
    await expect(council.execute(...args(p)))
      .to.be.revertedWithCustomError(council, "HedgeCouncilInsufficientApprovals")
      .withArgs(id, 2, 3);
    await expectProposalUnchanged(sys, id, before);
    expect(before.state).to.equal(ProposalState.Queued);
  });

  it("approvals by the holder of seat 64, the last id, count, on chain and by signature", async function () {
    const sys = await loadFixture(fixture);
    const { council, seats, holders } = sys;
    const timelock = await asTimelock(sys);
    const last = sys.strangers[1];
    for (let i = 6; i < 64; i++) await seats.connect(timelock).mint(Wallet.createRandom().address);
    await seats.connect(timelock).mint(last.address);
    expect(await seats.seatOf(last.address)).to.equal(64n);
    expect(await seats.liveSeats()).to.equal(2n ** 64n - 1n);

    const p = await tighteningProposal(sys, "seat 64");
    const id = await proposeAndApprove(sys, p, [last, holders[0]]);
    expect(await council.hasApproved(id, last.address)).to.equal(true);
    expect(await council.approvalCount(id)).to.equal(2n);
    await council.connect(holders[1]).approve(id);
    await expect(council.queue(...args(p))).to.emit(council, "Queued");

    // Its signature names seat 64 and counts; as the first signature of a submit, it makes its holder the proposer.
    const q = await tighteningProposal(sys, "seat 64 signs");
    const qId = await council.hashProposal(...args(q));
    const signed = await sign(sys, [last, holders[0], holders[1]], qId);
    expect(signed[0].seatId).to.equal(64n);
    await expect(council.submit(...proposeArgs(q), signed))
      .to.emit(council, "ProposalCreated")
      .withArgs(qId, last.address, Tier.Standard, q.targets, q.values, q.calldatas, q.description);
    expect(await council.hasApproved(qId, last.address)).to.equal(true);
    expect((await council.proposalMarks(qId))[0]).to.equal((1n << 63n) | 0b11n);
  });
});

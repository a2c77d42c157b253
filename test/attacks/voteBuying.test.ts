// Attacks: vote buying. Every ERC-721 transfer and approval path on a seat (by its holder and by a buyer), the
// zero-address and self-transfer edges, a burned seat id "transferred", and the approvals of a rotated seat: a new
// holder never inherits them, not even the old holder re-seated under a new id.
import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { ZeroAddress } from "ethers";

import { signApproval } from "../../scripts/lib/signing";
import {
  args,
  burnCall,
  burnProposal,
  DAY,
  deployCouncilSystem,
  mintCall,
  pass,
  proposal,
  proposeAndApprove,
  tighteningProposal,
} from "../helpers/system";
import { expectUnchanged, scopeOf } from "./attacks.behavior";

async function fixture() {
  const sys = await deployCouncilSystem();
  const buyer = sys.strangers[1];
  // P: a pending Standard proposal with exactly its threshold of approvals (holders 0, 1, 2 = seats 1, 2, 3).
  const p = await tighteningProposal(sys, "P");
  const pId = await proposeAndApprove(sys, p, sys.holders.slice(0, 3));
  const scope = await scopeOf(sys, [p]);
  return { ...sys, buyer, p, pId, scope };
}

type Sys = Awaited<ReturnType<typeof fixture>>;

/** Rotates seat 3 (holder 2, who approved P) to `newHolder` through a Critical proposal: burn 3, mint. */
async function rotateSeat3(sys: Sys, newHolder: string) {
  await pass(sys, proposal([burnCall(sys, 3), mintCall(sys, newHolder)], `rotate to ${newHolder}`));
  expect(await sys.seats.seatOf(newHolder)).to.equal(6n);
}

describe("Attacks: vote buying", function () {
  describe("ERC-721 transfer paths", function () {
    it("a holder sells its seat with transferFrom", async function () {
      const sys = await loadFixture(fixture);
      const seller = sys.holders[0];
      await expectUnchanged(sys, sys.scope, () =>
        expect(sys.seats.connect(seller).transferFrom(seller.address, sys.buyer.address, 1))
          .to.be.revertedWithCustomError(sys.seats, "CouncilSeatsNonTransferable")
          .withArgs(1),
      );
    });

    it("a holder sells its seat with safeTransferFrom", async function () {
      const sys = await loadFixture(fixture);
      const seller = sys.holders[0];
      await expectUnchanged(sys, sys.scope, () =>
        expect(
          sys.seats.connect(seller)["safeTransferFrom(address,address,uint256)"](seller.address, sys.buyer.address, 1),
        )
          .to.be.revertedWithCustomError(sys.seats, "CouncilSeatsNonTransferable")
          .withArgs(1),
      );
    });

    it("a holder sells its seat with safeTransferFrom and data", async function () {
      const sys = await loadFixture(fixture);
      const seller = sys.holders[0];
      await expectUnchanged(sys, sys.scope, () =>
        expect(
          sys.seats
            .connect(seller)
            ["safeTransferFrom(address,address,uint256,bytes)"](seller.address, sys.buyer.address, 1, "0xc0ffee"),
        )
          .to.be.revertedWithCustomError(sys.seats, "CouncilSeatsNonTransferable")
          .withArgs(1),
      );
    });

    it("a buyer pulls a seat with transferFrom", async function () {
      const sys = await loadFixture(fixture);
      await expectUnchanged(sys, sys.scope, () =>
        expect(sys.seats.connect(sys.buyer).transferFrom(sys.holders[1].address, sys.buyer.address, 2))
          .to.be.revertedWithCustomError(sys.seats, "CouncilSeatsNonTransferable")
          .withArgs(2),
      );
    });

    it("a holder transfers its seat to itself", async function () {
      const sys = await loadFixture(fixture);
      const holder = sys.holders[0];
      await expectUnchanged(sys, sys.scope, () =>
        expect(sys.seats.connect(holder).transferFrom(holder.address, holder.address, 1))
          .to.be.revertedWithCustomError(sys.seats, "CouncilSeatsNonTransferable")
          .withArgs(1),
      );
    });

    it("a holder sheds its seat by transferring it to the zero address", async function () {
      const sys = await loadFixture(fixture);
      const holder = sys.holders[0];
      await expectUnchanged(sys, sys.scope, () =>
        expect(sys.seats.connect(holder).transferFrom(holder.address, ZeroAddress, 1))
          .to.be.revertedWithCustomError(sys.seats, "ERC721InvalidReceiver")
          .withArgs(ZeroAddress),
      );
    });

    it("a buyer 'transfers' a burned seat id to itself", async function () {
      const sys = await loadFixture(fixture);
      await pass(sys, burnProposal(sys, 5, "burn 5"));
      await expectUnchanged(sys, sys.scope, () =>
        expect(sys.seats.connect(sys.buyer).transferFrom(sys.holders[4].address, sys.buyer.address, 5))
          .to.be.revertedWithCustomError(sys.seats, "ERC721NonexistentToken")
          .withArgs(5),
      );
    });
  });

  describe("ERC-721 approval paths", function () {
    it("a holder approves a buyer for its seat", async function () {
      const sys = await loadFixture(fixture);
      await expectUnchanged(sys, sys.scope, () =>
        expect(sys.seats.connect(sys.holders[0]).approve(sys.buyer.address, 1)).to.be.revertedWithCustomError(
          sys.seats,
          "CouncilSeatsApprovalDisabled",
        ),
      );
      expect(await sys.seats.getApproved(1)).to.equal(ZeroAddress);
    });

    it("a holder makes a buyer the operator of all its seats", async function () {
      const sys = await loadFixture(fixture);
      await expectUnchanged(sys, sys.scope, () =>
        expect(
          sys.seats.connect(sys.holders[0]).setApprovalForAll(sys.buyer.address, true),
        ).to.be.revertedWithCustomError(sys.seats, "CouncilSeatsApprovalDisabled"),
      );
      expect(await sys.seats.isApprovedForAll(sys.holders[0].address, sys.buyer.address)).to.equal(false);
    });
  });

  describe("approvals of a rotated seat", function () {
    it("a new holder of a rotated seat inherits its approvals to queue", async function () {
      const sys = await loadFixture(fixture);
      await rotateSeat3(sys, sys.buyer.address);
      expect(await sys.council.hasApproved(sys.pId, sys.buyer.address)).to.equal(false);
      const scope = await scopeOf(sys, [sys.p], { accounts: [sys.buyer.address] });
      await expectUnchanged(sys, scope, () =>
        expect(sys.council.queue(...args(sys.p)))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilInsufficientApprovals")
          .withArgs(sys.pId, 2, 3),
      );
    });

    it("the old holder, re-seated under a new id, claims its old approval", async function () {
      const sys = await loadFixture(fixture);
      const holder = sys.holders[2].address;
      await rotateSeat3(sys, holder);
      expect(await sys.council.hasApproved(sys.pId, holder)).to.equal(false);
      await expectUnchanged(sys, sys.scope, () =>
        expect(sys.council.queue(...args(sys.p)))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilInsufficientApprovals")
          .withArgs(sys.pId, 2, 3),
      );
    });

    it("a buyer of a rotated seat approves on chain and then relays its signature to count twice", async function () {
      const sys = await loadFixture(fixture);
      await rotateSeat3(sys, sys.buyer.address);
      await sys.council.connect(sys.buyer).approve(sys.pId);
      expect(await sys.council.approvalCount(sys.pId)).to.equal(3n);
      const validUntil = BigInt(await time.latest()) + BigInt(DAY);
      const sign = (seatId: bigint) =>
        signApproval(sys.buyer, sys.chainId, sys.addresses.council, { proposalId: sys.pId, seatId, validUntil });
      const asSeat6 = { seatId: 6n, validUntil, signature: await sign(6n) };
      const scope = await scopeOf(sys, [sys.p], { accounts: [sys.buyer.address] });
      // Its own seat's approval is already recorded: the signature is ignored, the relayer's call does not fail, and
      // nothing is counted twice.
      await expectUnchanged(sys, scope, () =>
        expect(sys.council.connect(sys.stranger).approveBySig(sys.pId, [asSeat6])).to.not.emit(sys.council, "Approved"),
      );
      expect(await sys.council.approvalCount(sys.pId)).to.equal(3n);
      // Signed for the burned seat 3 it bought into, the approval names a seat that no longer exists.
      const asSeat3 = { seatId: 3n, validUntil, signature: await sign(3n) };
      await expectUnchanged(sys, scope, () =>
        expect(sys.council.connect(sys.stranger).approveBySig(sys.pId, [asSeat3]))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilSeatNotFound")
          .withArgs(3),
      );
    });
  });
});

// CouncilSeats: soulbound ERC-721 + ERC-5192 seats. Mint and burn by the timelock only, one seat per address,
// 64 ids over the contract's lifetime, never reused; every transfer and approval path refused; the liveness guard
// on burns (never fewer seats than the council's highest threshold).
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { Wallet, ZeroAddress } from "ethers";

import { deploymentRecord } from "../scripts/lib/deploy";
import {
  args,
  asTimelock,
  burnProposal,
  DAY,
  deployCouncilSystem,
  mintProposal,
  pass,
  proposeAndQueue,
  snapshotSeats,
  Tier,
  type CouncilSystem,
} from "./helpers/system";

async function fixture() {
  return deployCouncilSystem();
}

async function expectSeatsUnchanged(sys: CouncilSystem, before: Awaited<ReturnType<typeof snapshotSeats>>) {
  expect(await snapshotSeats(sys.seats, [...sys.holders, ...sys.strangers.slice(0, 3)])).to.deep.equal(before);
}

async function seatsBefore(sys: CouncilSystem) {
  return snapshotSeats(sys.seats, [...sys.holders, ...sys.strangers.slice(0, 3)]);
}

describe("CouncilSeats", function () {
  describe("deployment", function () {
    it("gives the initial holders seats 1..5", async function () {
      const sys = await loadFixture(fixture);
      const { seats, holders } = sys;
      for (let i = 0; i < holders.length; i++) {
        expect(await seats.seatOf(holders[i].address)).to.equal(BigInt(i + 1));
        expect(await seats.ownerOf(i + 1)).to.equal(holders[i].address);
        expect(await seats.balanceOf(holders[i].address)).to.equal(1n);
        expect(await seats.locked(i + 1)).to.equal(true);
      }
      expect(await seats.seatCount()).to.equal(5n);
      expect(await seats.mintedCount()).to.equal(5n);
      expect(await seats.liveSeats()).to.equal(0b11111n);
      expect(await seats.maxSeats()).to.equal(64n);
      expect(await seats.seatOf(sys.stranger.address)).to.equal(0n);
      expect(await seats.governance()).to.equal(sys.addresses.timelock);
      expect(await seats.council()).to.equal(sys.addresses.council);
      expect(await seats.name()).to.equal("Hedge Council Seat");
      expect(await seats.symbol()).to.equal("SEAT");
    });

    it("seatsOf reads many seats at once, 0 for non-holders and burned seats", async function () {
      const sys = await loadFixture(fixture);
      const { seats, holders, stranger } = sys;
      const accounts = [holders[4].address, stranger.address, holders[0].address, holders[1].address];
      expect(await seats.seatsOf(accounts)).to.deep.equal([5n, 0n, 1n, 2n]);
      expect(await seats.seatsOf([])).to.deep.equal([]);
      await seats.connect(await asTimelock(sys)).burn(2);
      expect(await seats.seatsOf(accounts)).to.deep.equal([5n, 0n, 1n, 0n]);
    });

    it("emits Transfer and Locked for every initial seat", async function () {
      const sys = await loadFixture(fixture);
      const tx = deploymentRecord(sys.system).transactions.seats!;
      for (let i = 0; i < sys.holders.length; i++) {
        await expect(tx)
          .to.emit(sys.seats, "Transfer")
          .withArgs(ZeroAddress, sys.holders[i].address, i + 1);
        await expect(tx)
          .to.emit(sys.seats, "Locked")
          .withArgs(i + 1);
      }
    });

    it("supports ERC-165, ERC-721, ERC-721 metadata and ERC-5192", async function () {
      const { seats } = await loadFixture(fixture);
      for (const interfaceId of ["0x01ffc9a7", "0x80ac58cd", "0x5b5e139f", "0xb45a3c0e"]) {
        expect(await seats.supportsInterface(interfaceId)).to.equal(true);
      }
      for (const interfaceId of ["0xffffffff", "0x780e9d63", "0x00000000"]) {
        expect(await seats.supportsInterface(interfaceId)).to.equal(false);
      }
    });
  });

  describe("mint", function () {
    it("mints the next id to a new holder, emitting Transfer and Locked", async function () {
      const sys = await loadFixture(fixture);
      const { seats, stranger } = sys;
      const timelock = await asTimelock(sys);
      expect(await seats.connect(timelock).mint.staticCall(stranger.address)).to.equal(6n);
      const tx = seats.connect(timelock).mint(stranger.address);
      await expect(tx).to.emit(seats, "Transfer").withArgs(ZeroAddress, stranger.address, 6);
      await expect(tx).to.emit(seats, "Locked").withArgs(6);
      expect(await seats.seatOf(stranger.address)).to.equal(6n);
      expect(await seats.ownerOf(6)).to.equal(stranger.address);
      expect(await seats.seatCount()).to.equal(6n);
      expect(await seats.mintedCount()).to.equal(6n);
      expect(await seats.liveSeats()).to.equal(0b111111n);
      expect(await seats.locked(6)).to.equal(true);
    });

    it("mints through a Critical governance proposal", async function () {
      const sys = await loadFixture(fixture);
      const p = mintProposal(sys, sys.stranger.address);
      expect(await sys.council.tierOf(p.targets, p.calldatas)).to.equal(Tier.Critical);
      await pass(sys, p);
      expect(await sys.seats.seatOf(sys.stranger.address)).to.equal(6n);
    });

    it("refuses anyone but the timelock, holders and the deployer included", async function () {
      const sys = await loadFixture(fixture);
      const before = await seatsBefore(sys);
      for (const caller of [sys.stranger, sys.holders[0], sys.deployer]) {
        await expect(sys.seats.connect(caller).mint(sys.stranger.address))
          .to.be.revertedWithCustomError(sys.seats, "CouncilSeatsUnauthorized")
          .withArgs(caller.address);
      }
      await expectSeatsUnchanged(sys, before);
    });

    it("refuses a second seat for the same address and the zero address", async function () {
      const sys = await loadFixture(fixture);
      const timelock = await asTimelock(sys);
      const before = await seatsBefore(sys);
      await expect(sys.seats.connect(timelock).mint(sys.holders[2].address))
        .to.be.revertedWithCustomError(sys.seats, "CouncilSeatsAlreadyHolder")
        .withArgs(sys.holders[2].address);
      await expect(sys.seats.connect(timelock).mint(ZeroAddress)).to.be.revertedWithCustomError(
        sys.seats,
        "CouncilSeatsZeroAddress",
      );
      await expectSeatsUnchanged(sys, before);
    });

    it("mints at most 64 seats over the contract's lifetime, burned ones included", async function () {
      const sys = await loadFixture(fixture);
      const { seats } = sys;
      const timelock = await asTimelock(sys);
      await seats.connect(timelock).burn(1);
      for (let id = 6; id <= 64; id++) {
        await expect(seats.connect(timelock).mint(Wallet.createRandom().address)).to.emit(seats, "Locked").withArgs(id);
      }
      expect(await seats.mintedCount()).to.equal(64n);
      expect(await seats.seatCount()).to.equal(63n);
      expect(await seats.liveSeats()).to.equal(2n ** 64n - 2n);

      const newcomer = Wallet.createRandom().address;
      await expect(seats.connect(timelock).mint(newcomer))
        .to.be.revertedWithCustomError(seats, "CouncilSeatsLifetimeLimitReached")
        .withArgs(64);
      expect(await seats.seatOf(newcomer)).to.equal(0n);
      expect(await seats.mintedCount()).to.equal(64n);
      expect(await seats.seatCount()).to.equal(63n);
      expect(await seats.liveSeats()).to.equal(2n ** 64n - 2n);
    });
  });

  describe("burn", function () {
    it("burns a seat: Transfer to zero, seatOf cleared, count and bitmap updated, id not reused", async function () {
      const sys = await loadFixture(fixture);
      const { seats, holders } = sys;
      const timelock = await asTimelock(sys);
      await expect(seats.connect(timelock).burn(2))
        .to.emit(seats, "Transfer")
        .withArgs(holders[1].address, ZeroAddress, 2);
      expect(await seats.seatOf(holders[1].address)).to.equal(0n);
      expect(await seats.balanceOf(holders[1].address)).to.equal(0n);
      expect(await seats.seatCount()).to.equal(4n);
      expect(await seats.mintedCount()).to.equal(5n);
      expect(await seats.liveSeats()).to.equal(0b11101n);
      await expect(seats.ownerOf(2)).to.be.revertedWithCustomError(seats, "ERC721NonexistentToken").withArgs(2);
      await expect(seats.locked(2)).to.be.revertedWithCustomError(seats, "ERC721NonexistentToken").withArgs(2);

      // The former holder can be given a seat again, with a fresh id.
      await seats.connect(timelock).mint(holders[1].address);
      expect(await seats.seatOf(holders[1].address)).to.equal(6n);
      expect(await seats.liveSeats()).to.equal(0b111101n);
    });

    it("burns through a Critical governance proposal", async function () {
      const sys = await loadFixture(fixture);
      const p = burnProposal(sys, 5);
      expect(await sys.council.tierOf(p.targets, p.calldatas)).to.equal(Tier.Critical);
      await pass(sys, p);
      expect(await sys.seats.seatCount()).to.equal(4n);
      expect(await sys.seats.seatOf(sys.holders[4].address)).to.equal(0n);
    });

    it("refuses anyone but the timelock", async function () {
      const sys = await loadFixture(fixture);
      const before = await seatsBefore(sys);
      for (const caller of [sys.stranger, sys.holders[0], sys.deployer]) {
        await expect(sys.seats.connect(caller).burn(1))
          .to.be.revertedWithCustomError(sys.seats, "CouncilSeatsUnauthorized")
          .withArgs(caller.address);
      }
      await expectSeatsUnchanged(sys, before);
    });

    it("refuses a seat that does not exist", async function () {
      const sys = await loadFixture(fixture);
      const timelock = await asTimelock(sys);
      const before = await seatsBefore(sys);
      for (const id of [0, 6, 64]) {
        await expect(sys.seats.connect(timelock).burn(id))
          .to.be.revertedWithCustomError(sys.seats, "ERC721NonexistentToken")
          .withArgs(id);
      }
      await expectSeatsUnchanged(sys, before);
    });

    it("never leaves fewer seats than the Critical threshold (4 of 5)", async function () {
      const sys = await loadFixture(fixture);
      const timelock = await asTimelock(sys);
      await sys.seats.connect(timelock).burn(5); // 4 left = Critical threshold
      const before = await seatsBefore(sys);
      await expect(sys.seats.connect(timelock).burn(4))
        .to.be.revertedWithCustomError(sys.seats, "CouncilSeatsBelowThreshold")
        .withArgs(3, 4);
      await expectSeatsUnchanged(sys, before);

      // Lowering the Critical threshold through the timelock makes room.
      await sys.council.connect(timelock).setTierRule(Tier.Critical, 3, 3 * DAY);
      await sys.seats.connect(timelock).burn(4);
      expect(await sys.seats.seatCount()).to.equal(3n);
    });

    it("never leaves fewer seats than the veto threshold when it is the highest", async function () {
      const sys = await loadFixture(fixture);
      const timelock = await asTimelock(sys);
      await sys.council.connect(timelock).setVetoThreshold(5);
      const before = await seatsBefore(sys);
      await expect(sys.seats.connect(timelock).burn(1))
        .to.be.revertedWithCustomError(sys.seats, "CouncilSeatsBelowThreshold")
        .withArgs(4, 5);
      await expectSeatsUnchanged(sys, before);
    });

    it("a governance burn below the threshold fails at execute with the seats' error", async function () {
      const sys = await loadFixture(fixture);
      const timelock = await asTimelock(sys);
      await sys.council.connect(timelock).setTierRule(Tier.Critical, 5, 3 * DAY);
      const p = burnProposal(sys, 1);
      const { id, eta } = await proposeAndQueue(sys, p);
      expect(await sys.council.approvalCount(id)).to.equal(5n);
      await time.increaseTo(eta);
      const before = await seatsBefore(sys);
      await expect(sys.council.execute(...args(p)))
        .to.be.revertedWithCustomError(sys.seats, "CouncilSeatsBelowThreshold")
        .withArgs(4, 5);
      await expectSeatsUnchanged(sys, before);
    });
  });

  describe("soulbound", function () {
    it("refuses every transfer path, from the holder or anyone", async function () {
      const sys = await loadFixture(fixture);
      const { seats, holders, stranger } = sys;
      const holder = holders[0];
      const before = await seatsBefore(sys);
      for (const caller of [holder, stranger]) {
        const s = seats.connect(caller);
        await expect(s.transferFrom(holder.address, stranger.address, 1))
          .to.be.revertedWithCustomError(seats, "CouncilSeatsNonTransferable")
          .withArgs(1);
        await expect(s["safeTransferFrom(address,address,uint256)"](holder.address, stranger.address, 1))
          .to.be.revertedWithCustomError(seats, "CouncilSeatsNonTransferable")
          .withArgs(1);
        await expect(s["safeTransferFrom(address,address,uint256,bytes)"](holder.address, stranger.address, 1, "0x"))
          .to.be.revertedWithCustomError(seats, "CouncilSeatsNonTransferable")
          .withArgs(1);
      }
      // A "transfer" to another holder or to oneself is refused too.
      await expect(seats.connect(holder).transferFrom(holder.address, holders[1].address, 1))
        .to.be.revertedWithCustomError(seats, "CouncilSeatsNonTransferable")
        .withArgs(1);
      await expect(seats.connect(holder).transferFrom(holder.address, holder.address, 1))
        .to.be.revertedWithCustomError(seats, "CouncilSeatsNonTransferable")
        .withArgs(1);
      await expectSeatsUnchanged(sys, before);
      expect(await seats.ownerOf(1)).to.equal(holder.address);
    });

    it("transferring an id that does not exist mints nothing", async function () {
      const sys = await loadFixture(fixture);
      const before = await seatsBefore(sys);
      await expect(sys.seats.connect(sys.stranger).transferFrom(sys.holders[0].address, sys.stranger.address, 7))
        .to.be.revertedWithCustomError(sys.seats, "ERC721NonexistentToken")
        .withArgs(7);
      await expectSeatsUnchanged(sys, before);
    });

    it("refuses approve and setApprovalForAll", async function () {
      const sys = await loadFixture(fixture);
      const { seats, holders, stranger } = sys;
      await expect(seats.connect(holders[0]).approve(stranger.address, 1)).to.be.revertedWithCustomError(
        seats,
        "CouncilSeatsApprovalDisabled",
      );
      await expect(seats.connect(holders[0]).setApprovalForAll(stranger.address, true)).to.be.revertedWithCustomError(
        seats,
        "CouncilSeatsApprovalDisabled",
      );
      expect(await seats.getApproved(1)).to.equal(ZeroAddress);
      expect(await seats.isApprovedForAll(holders[0].address, stranger.address)).to.equal(false);
    });

    it("locked is true for every seat and reverts for an id that does not exist", async function () {
      const { seats } = await loadFixture(fixture);
      for (let id = 1; id <= 5; id++) expect(await seats.locked(id)).to.equal(true);
      for (const id of [0, 6, 65]) {
        await expect(seats.locked(id)).to.be.revertedWithCustomError(seats, "ERC721NonexistentToken").withArgs(id);
      }
    });
  });

  describe("constructor", function () {
    it("refuses a zero governance or council address, and a zero or repeated initial holder", async function () {
      const sys = await loadFixture(fixture);
      const factory = await ethers.getContractFactory("CouncilSeats");
      const [a, b] = sys.holders.map((h) => h.address);
      await expect(factory.deploy(ZeroAddress, a, [b])).to.be.revertedWithCustomError(
        factory,
        "CouncilSeatsZeroAddress",
      );
      await expect(factory.deploy(a, ZeroAddress, [b])).to.be.revertedWithCustomError(
        factory,
        "CouncilSeatsZeroAddress",
      );
      await expect(factory.deploy(a, b, [ZeroAddress])).to.be.revertedWithCustomError(
        factory,
        "CouncilSeatsZeroAddress",
      );
      await expect(factory.deploy(a, b, [a, a]))
        .to.be.revertedWithCustomError(factory, "CouncilSeatsAlreadyHolder")
        .withArgs(a);
    });
  });
});

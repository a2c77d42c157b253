// HedgeCouncil: EIP-712 approvals that name their seat and carry a deadline (ethers signTypedData and the node's
// eth_signTypedData_v4), approveBySig and its refusals (seats that do not exist, duplicates, wrong or tampered
// signatures, high-s twins, expired and revoked signatures), the rule that a seat whose approval is already recorded
// is ignored, and submit (all or nothing, no seat needed from the relayer, the first signature's seat holder is the
// proposer). ERC-1271 contract signers have their own file; revocations before a proposal exists too.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { AbiCoder, concat, getBytes, hexlify, id as keccakId, TypedDataEncoder, ZeroHash } from "ethers";

import {
  approvalDigest,
  approvalTypedDataV4,
  packSignatures,
  recoverApprover,
  signApproval,
  type SeatSignature,
} from "../scripts/lib/signing";
import {
  approvedIn,
  args,
  asTimelock,
  atNextBlock,
  DAY,
  deployCouncilSystem,
  expectProposalUnchanged,
  hashProposal,
  highSTwin,
  looseningProposal,
  mintCall,
  nudgeCoverageCall,
  nudgeProposal,
  operationId,
  proposal,
  proposeAndApprove,
  proposeArgs,
  ProposalState,
  SECP256K1_N,
  seatSignature,
  sign,
  snapshotPolicy,
  snapshotProposal,
  Tier,
  tighteningProposal,
  type CouncilSystem,
  type Proposal,
} from "./helpers/system";

async function fixture() {
  return deployCouncilSystem();
}

/** Proposal `p` must not exist: nothing was recorded, not even a revocation mark. */
async function expectNothingRecorded(sys: CouncilSystem, p: Proposal) {
  const id = await hashProposal(sys, p);
  expect(await sys.council.state(id)).to.equal(ProposalState.Unknown);
  expect(await sys.council.approvalCount(id)).to.equal(0n);
  expect(await sys.council.proposalMarks(id)).to.deep.equal([0n, 0n]);
  expect(await sys.council.proposalDeadline(id)).to.equal(0n);
  expect(await sys.council.proposalTier(id)).to.equal(0n);
  for (const h of sys.holders) {
    expect(await sys.council.hasApproved(id, h.address)).to.equal(false);
    expect(await sys.council.hasRevoked(id, h.address)).to.equal(false);
  }
  expect(await sys.timelock.isOperation(await operationId(sys, p))).to.equal(false);
}

/** `ecrecover` itself (the precompile at address 1), which accepts high-s signatures. */
async function ecrecover(digest: string, signature: string): Promise<string> {
  const bytes = getBytes(signature);
  const input = AbiCoder.defaultAbiCoder().encode(
    ["bytes32", "uint8", "bytes32", "bytes32"],
    [digest, bytes[64], hexlify(bytes.slice(0, 32)), hexlify(bytes.slice(32, 64))],
  );
  const output = await ethers.provider.call({ to: "0x0000000000000000000000000000000000000001", data: input });
  return AbiCoder.defaultAbiCoder().decode(["address"], output)[0] as string;
}

/** A deadline a day from the latest block. */
async function inADay(): Promise<bigint> {
  return BigInt(await time.latest()) + BigInt(DAY);
}

describe("HedgeCouncil signatures", function () {
  describe("EIP-712", function () {
    it("approvalDigest matches the off-chain digest of Approval(bytes32 proposalId,uint256 seatId,uint64 validUntil)", async function () {
      const sys = await loadFixture(fixture);
      const id = await hashProposal(sys, await tighteningProposal(sys));
      const validUntil = await inADay();
      const approval = { proposalId: id, seatId: 2n, validUntil };
      const offChain = approvalDigest(sys.chainId, sys.addresses.council, approval);
      expect(await sys.council.approvalDigest(id, 2, validUntil)).to.equal(offChain);
      expect(offChain).to.equal(
        TypedDataEncoder.hash(
          { name: "HedgeCouncil", version: "2", chainId: sys.chainId, verifyingContract: sys.addresses.council },
          {
            Approval: [
              { name: "proposalId", type: "bytes32" },
              { name: "seatId", type: "uint256" },
              { name: "validUntil", type: "uint64" },
            ],
          },
          approval,
        ),
      );
      // Every field is signed: another proposal, seat or deadline is another digest.
      expect(await sys.council.approvalDigest(keccakId("other"), 2, validUntil)).to.not.equal(offChain);
      expect(await sys.council.approvalDigest(id, 3, validUntil)).to.not.equal(offChain);
      expect(await sys.council.approvalDigest(id, 2, validUntil + 1n)).to.not.equal(offChain);
    });

    it("publishes its domain (ERC-5267), version 2", async function () {
      const sys = await loadFixture(fixture);
      const domain = await sys.council.eip712Domain();
      expect(domain.name).to.equal("HedgeCouncil");
      expect(domain.version).to.equal("2");
      expect(domain.chainId).to.equal(sys.chainId);
      expect(domain.verifyingContract).to.equal(sys.addresses.council);
      expect(domain.salt).to.equal(ZeroHash);
    });

    it("accepts signatures from ethers signTypedData and from the node's eth_signTypedData_v4", async function () {
      const sys = await loadFixture(fixture);
      const { council, holders, chainId, addresses } = sys;
      const p = await tighteningProposal(sys);
      const id = await proposeAndApprove(sys, p, [holders[0]]);
      const validUntil = await inADay();
      const seat2 = { proposalId: id, seatId: 2n, validUntil };
      const seat3 = { proposalId: id, seatId: 3n, validUntil };

      const byEthers = await signApproval(holders[1], chainId, addresses.council, seat2);
      const byNode: string = await ethers.provider.send("eth_signTypedData_v4", [
        holders[2].address,
        JSON.stringify(approvalTypedDataV4(chainId, addresses.council, seat3)),
      ]);
      // Both are the same EIP-712 signature scheme: the node signs exactly what ethers signs.
      const byNodeForHolder1: string = await ethers.provider.send("eth_signTypedData_v4", [
        holders[1].address,
        JSON.stringify(approvalTypedDataV4(chainId, addresses.council, seat2)),
      ]);
      expect(byNodeForHolder1).to.equal(byEthers);
      expect(recoverApprover(chainId, addresses.council, seat3, byNode)).to.equal(holders[2].address);

      const packed = packSignatures([
        { seatId: 2, validUntil, signature: byEthers },
        { seatId: 3, validUntil, signature: byNode },
      ]);
      const tx = council.connect(sys.stranger).approveBySig(id, packed);
      await expect(tx).to.emit(council, "Approved").withArgs(id, holders[1].address);
      await expect(tx).to.emit(council, "Approved").withArgs(id, holders[2].address);
      expect(await council.approvalCount(id)).to.equal(3n);
      expect(await council.hasApproved(id, holders[2].address)).to.equal(true);
    });
  });

  describe("approveBySig", function () {
    it("refuses an empty list", async function () {
      const sys = await loadFixture(fixture);
      const id = await proposeAndApprove(sys, await tighteningProposal(sys), [sys.holders[0]]);
      const before = await snapshotProposal(sys.council, id, sys.holders);
      await expect(sys.council.approveBySig(id, [])).to.be.revertedWithCustomError(
        sys.council,
        "HedgeCouncilNoSignatures",
      );
      await expectProposalUnchanged(sys, id, before);
    });

    it("refuses a seat that does not exist (0, 65, never minted, burned), and records nothing of the call", async function () {
      const sys = await loadFixture(fixture);
      const id = await proposeAndApprove(sys, await tighteningProposal(sys), [sys.holders[0]]);
      await sys.seats.connect(await asTimelock(sys)).burn(5);
      const [good] = await sign(sys, [sys.holders[1]], id);
      const before = await snapshotProposal(sys.council, id, sys.holders);
      // A stranger (no seat) and the holder of the burned seat 5 sign for seats that do not exist.
      for (const [signer, seatId] of [
        [sys.stranger, 0],
        [sys.stranger, 65],
        [sys.stranger, 6],
        [sys.holders[2], 64],
        [sys.holders[4], 5],
      ] as const) {
        const [bad] = await sign(sys, [signer], id, { seatIds: [seatId] });
        await expect(sys.council.approveBySig(id, [good, bad]))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilSeatNotFound")
          .withArgs(seatId);
      }
      // 2^256 − 1 as a seat id is refused the same way, without overflowing.
      await expect(sys.council.approveBySig(id, [seatSignature(2n ** 256n - 1n, "0x")]))
        .to.be.revertedWithCustomError(sys.council, "HedgeCouncilSeatNotFound")
        .withArgs(2n ** 256n - 1n);
      await expectProposalUnchanged(sys, id, before);
    });

    it("refuses a burned seat whose approval was recorded before the burn: the ignore rule is for live seats", async function () {
      const sys = await loadFixture(fixture);
      const id = await proposeAndApprove(sys, await tighteningProposal(sys), [sys.holders[0], sys.holders[4]]);
      const [seat5] = await sign(sys, [sys.holders[4]], id);
      await sys.seats.connect(await asTimelock(sys)).burn(5);
      expect((await sys.council.proposalMarks(id))[0]).to.equal(0b10001n);
      const before = await snapshotProposal(sys.council, id, sys.holders);
      await expect(sys.council.approveBySig(id, [seat5]))
        .to.be.revertedWithCustomError(sys.council, "HedgeCouncilSeatNotFound")
        .withArgs(5);
      // Also when listed twice: the seat is looked up before duplicates are.
      await expect(sys.council.approveBySig(id, [seat5, seat5]))
        .to.be.revertedWithCustomError(sys.council, "HedgeCouncilSeatNotFound")
        .withArgs(5);
      await expectProposalUnchanged(sys, id, before);
      expect(before.approvalCount).to.equal(1n);
    });

    it("refuses a signature by another holder, for another proposal, seat or deadline, or tampered", async function () {
      const sys = await loadFixture(fixture);
      const { council, holders, chainId, addresses } = sys;
      const id = await proposeAndApprove(sys, await tighteningProposal(sys), [holders[0]]);
      const validUntil = await inADay();
      const seat2 = { proposalId: id, seatId: 2n, validUntil };
      const valid = await signApproval(holders[1], chainId, addresses.council, seat2);
      const bytes = getBytes(valid);
      const tamperedR = Uint8Array.from(bytes);
      tamperedR[5] ^= 0x01;
      const tamperedV = Uint8Array.from(bytes);
      tamperedV[64] = bytes[64] === 27 ? 28 : 27;
      const invalid = [
        await signApproval(holders[2], chainId, addresses.council, seat2), // another holder's
        await signApproval(sys.stranger, chainId, addresses.council, seat2), // a stranger's
        await signApproval(holders[1], chainId, addresses.council, { ...seat2, proposalId: keccakId("another") }),
        await signApproval(holders[1], chainId, addresses.council, { ...seat2, seatId: 3n }), // another seat
        await signApproval(holders[1], chainId, addresses.council, { ...seat2, validUntil: validUntil + 1n }),
        await signApproval(holders[1], chainId, sys.stranger.address, seat2), // another verifying contract
        await signApproval(holders[1], chainId + 1n, addresses.council, seat2), // another chain
        hexlify(tamperedR),
        hexlify(tamperedV),
        hexlify(bytes.slice(0, 64)), // too short
        concat([valid, "0x00"]), // too long
        "0x",
      ];
      const before = await snapshotProposal(council, id, holders);
      for (const signature of invalid) {
        await expect(council.approveBySig(id, [{ seatId: 2n, validUntil, signature }]))
          .to.be.revertedWithCustomError(council, "HedgeCouncilInvalidSignature")
          .withArgs(2);
      }
      await expectProposalUnchanged(sys, id, before);

      await council.approveBySig(id, [{ seatId: 2n, validUntil, signature: valid }]);
      expect(await council.approvalCount(id)).to.equal(2n);
    });

    it("a signature for seat 3 presented as seat 4 is invalid, naming seat 4", async function () {
      const sys = await loadFixture(fixture);
      const id = await proposeAndApprove(sys, await tighteningProposal(sys), [sys.holders[0]]);
      const [asSeat3] = await sign(sys, [sys.holders[2]], id);
      expect(asSeat3.seatId).to.equal(3n);
      const before = await snapshotProposal(sys.council, id, sys.holders);
      await expect(sys.council.approveBySig(id, [{ ...asSeat3, seatId: 4n }]))
        .to.be.revertedWithCustomError(sys.council, "HedgeCouncilInvalidSignature")
        .withArgs(4);
      // Nor does holder 3 sign for seat 4: a holder's signature counts for its own seat only.
      const [holder3AsSeat4] = await sign(sys, [sys.holders[2]], id, { seatIds: [4] });
      await expect(sys.council.approveBySig(id, [holder3AsSeat4]))
        .to.be.revertedWithCustomError(sys.council, "HedgeCouncilInvalidSignature")
        .withArgs(4);
      await expectProposalUnchanged(sys, id, before);
      expect(await sys.council.hasApproved(id, sys.holders[3].address)).to.equal(false);
    });

    it("refuses the high-s twin of a valid signature", async function () {
      const sys = await loadFixture(fixture);
      const { council, holders } = sys;
      const id = await proposeAndApprove(sys, await tighteningProposal(sys), [holders[0]]);
      const [valid] = await sign(sys, [holders[1]], id);
      const twin = highSTwin(valid.signature);
      const digest = await council.approvalDigest(id, valid.seatId, valid.validUntil);
      // The twin is a valid ECDSA signature of the same signer for the bare precompile...
      expect(BigInt(hexlify(getBytes(twin).slice(32, 64)))).to.be.greaterThan(SECP256K1_N / 2n);
      expect(await ecrecover(digest, twin)).to.equal(holders[1].address);
      expect(await ecrecover(digest, valid.signature)).to.equal(holders[1].address);

      // ...but malleable, so the council refuses it.
      const before = await snapshotProposal(council, id, holders);
      await expect(council.approveBySig(id, [{ ...valid, signature: twin }]))
        .to.be.revertedWithCustomError(council, "HedgeCouncilInvalidSignature")
        .withArgs(2);
      await expectProposalUnchanged(sys, id, before);

      await council.approveBySig(id, [valid]);
      expect(await council.hasApproved(id, holders[1].address)).to.equal(true);
      // Once seat 2's approval is recorded, the twin is ignored: it adds nothing and checks nothing.
      const after = await snapshotProposal(council, id, holders);
      await expect(council.approveBySig(id, [{ ...valid, signature: twin }])).to.not.emit(council, "Approved");
      await expectProposalUnchanged(sys, id, after);
    });

    it("refuses a seat twice in one call, even one already recorded", async function () {
      const sys = await loadFixture(fixture);
      const id = await proposeAndApprove(sys, await tighteningProposal(sys), [sys.holders[0]]);
      const [seat2] = await sign(sys, [sys.holders[1]], id);
      const [seat1] = await sign(sys, [sys.holders[0]], id);
      const before = await snapshotProposal(sys.council, id, sys.holders);
      await expect(sys.council.approveBySig(id, [seat2, seat2]))
        .to.be.revertedWithCustomError(sys.council, "HedgeCouncilDuplicateSeat")
        .withArgs(2);
      // Seat 1 (the proposer) is already recorded, and is still refused when listed twice.
      await expect(sys.council.approveBySig(id, [seat1, seat2, seat1]))
        .to.be.revertedWithCustomError(sys.council, "HedgeCouncilDuplicateSeat")
        .withArgs(1);
      await expectProposalUnchanged(sys, id, before);
      expect(() => packSignatures([seat2, { ...seat2, signature: "0x" }])).to.throw(/seat 2 appears twice/);
    });

    it("ignores a seat already approved on chain or by proposing, and counts the call's other seats", async function () {
      const sys = await loadFixture(fixture);
      const { council, holders } = sys;
      const id = await proposeAndApprove(sys, await tighteningProposal(sys), [holders[0], holders[1]]);
      const signed = await sign(sys, holders.slice(0, 3), id);
      const tx = council.connect(sys.stranger).approveBySig(id, signed);
      await expect(tx).to.emit(council, "Approved").withArgs(id, holders[2].address);
      expect(await approvedIn(sys, tx)).to.deep.equal([holders[2].address]);
      expect(await council.approvalCount(id)).to.equal(3n);
      expect(await council.proposalMarks(id)).to.deep.equal([0b111n, 0n]);

      // A relayer that sends the same signatures again does not fail, and nothing changes.
      const before = await snapshotProposal(council, id, holders);
      await expect(council.connect(sys.stranger).approveBySig(id, signed)).to.not.emit(council, "Approved");
      await expectProposalUnchanged(sys, id, before);
    });

    it("does not check a recorded seat's signature at all: expired or garbage, it is ignored", async function () {
      const sys = await loadFixture(fixture);
      const { council, holders } = sys;
      const id = await proposeAndApprove(sys, await tighteningProposal(sys), [holders[0]]);
      const [expired] = await sign(sys, [holders[0]], id, { validUntil: (await time.latest()) - 1 });
      const [fresh] = await sign(sys, [holders[1]], id);
      // Seat 1 (the proposer's) with garbage bytes next to a fresh signature of seat 2: only seat 2 is recorded.
      const tx = council.approveBySig(id, [seatSignature(1, "0xdead"), fresh]);
      expect(await approvedIn(sys, tx)).to.deep.equal([holders[1].address]);
      // Seat 1 with an expired signature: ignored too, where an unrecorded seat's would revert.
      await expect(council.approveBySig(id, [expired])).to.not.emit(council, "Approved");
      expect(await council.approvalCount(id)).to.equal(2n);
      expect(await council.proposalMarks(id)).to.deep.equal([0b11n, 0n]);
    });

    it("refuses approvals of an unknown or queued proposal", async function () {
      const sys = await loadFixture(fixture);
      const p = await tighteningProposal(sys);
      const unknown = await hashProposal(sys, p);
      const early = await sign(sys, [sys.holders[1]], unknown);
      await expect(sys.council.approveBySig(unknown, early))
        .to.be.revertedWithCustomError(sys.council, "HedgeCouncilUnexpectedProposalState")
        .withArgs(unknown, ProposalState.Unknown);
      expect(await sys.council.approvalCount(unknown)).to.equal(0n);

      const id = await proposeAndApprove(sys, p, sys.holders.slice(0, 3));
      await sys.council.queue(...args(p));
      const late = await sign(sys, [sys.holders[3]], id);
      const before = await snapshotProposal(sys.council, id, sys.holders);
      await expect(sys.council.approveBySig(id, late))
        .to.be.revertedWithCustomError(sys.council, "HedgeCouncilUnexpectedProposalState")
        .withArgs(id, ProposalState.Queued);
      await expectProposalUnchanged(sys, id, before);
    });

    // Revoking must stick: otherwise anyone holding the revoked holder's signature (a relayer, the signatures file
    // of `hedge:sign`) can restore the approval at once, and `revoke` means nothing for signed approvals.
    it("does not let an old signature restore an approval its signer revoked", async function () {
      const sys = await loadFixture(fixture);
      const { council, holders } = sys;
      const id = await proposeAndApprove(sys, await tighteningProposal(sys), [holders[0]]);
      const signed = await sign(sys, [holders[1]], id);
      await council.connect(sys.stranger).approveBySig(id, signed);
      await council.connect(holders[1]).revoke(id);
      expect(await council.approvalCount(id)).to.equal(1n);

      const before = await snapshotProposal(council, id, holders);
      await expect(council.connect(sys.stranger).approveBySig(id, signed))
        .to.be.revertedWithCustomError(council, "HedgeCouncilSignatureRevoked")
        .withArgs(id, 2, holders[1].address);
      // A fresh signature made after the revocation does not count either: the revocation is of the address.
      const fresh = await sign(sys, [holders[1]], id, { validUntil: (await time.latest()) + 2 * DAY });
      await expect(council.connect(sys.stranger).approveBySig(id, fresh))
        .to.be.revertedWithCustomError(council, "HedgeCouncilSignatureRevoked")
        .withArgs(id, 2, holders[1].address);
      await expectProposalUnchanged(sys, id, before);
      expect(await council.hasApproved(id, holders[1].address)).to.equal(false);
    });

    it("remembers every revocation, not only the latest", async function () {
      const sys = await loadFixture(fixture);
      const { council, holders } = sys;
      const id = await proposeAndApprove(sys, await tighteningProposal(sys), [holders[0]]);
      const signed = await sign(sys, [holders[1], holders[2]], id);
      await council.connect(sys.stranger).approveBySig(id, signed);
      await council.connect(holders[1]).revoke(id);
      await council.connect(holders[2]).revoke(id);

      for (const i of [0, 1]) {
        await expect(council.connect(sys.stranger).approveBySig(id, [signed[i]]))
          .to.be.revertedWithCustomError(council, "HedgeCouncilSignatureRevoked")
          .withArgs(id, signed[i].seatId, holders[i + 1].address);
      }
      expect(await council.approvalCount(id)).to.equal(1n);
    });

    it("lets a holder who revoked approve again on chain, an explicit new consent", async function () {
      const sys = await loadFixture(fixture);
      const { council, holders } = sys;
      const id = await proposeAndApprove(sys, await tighteningProposal(sys), [holders[0], holders[1]]);
      await council.connect(holders[1]).revoke(id);
      await expect(council.connect(holders[1]).approve(id))
        .to.emit(council, "Approved")
        .withArgs(id, holders[1].address);
      expect(await council.approvalCount(id)).to.equal(2n);
      expect(await council.hasRevoked(id, holders[1].address)).to.equal(true);
    });

    it("keeps a revocation with the address across a seat rotation: no signature of it counts again", async function () {
      const sys = await loadFixture(fixture);
      const { council, seats, holders } = sys;
      const id = await proposeAndApprove(sys, await tighteningProposal(sys), [holders[0]]);
      const old = await sign(sys, [holders[1]], id);
      await council.approveBySig(id, old);
      await council.connect(holders[1]).revoke(id);
      expect(await council.hasRevoked(id, holders[1].address)).to.equal(true);
      expect(await council.hasRevoked(id, holders[2].address)).to.equal(false);

      // Seat 2 burned, then a new seat (6) minted to the same address.
      const timelock = await asTimelock(sys);
      await seats.connect(timelock).burn(2);
      await seats.connect(timelock).mint(holders[1].address);
      expect(await council.seatOf(holders[1].address)).to.equal(6n);
      const before = await snapshotProposal(council, id, holders);
      // The old signature names seat 2, which is gone...
      await expect(council.connect(sys.stranger).approveBySig(id, old))
        .to.be.revertedWithCustomError(council, "HedgeCouncilSeatNotFound")
        .withArgs(2);
      // ...and one made for the new seat is refused: the revocation belongs to the address.
      const renewed = await sign(sys, [holders[1]], id);
      expect(renewed[0].seatId).to.equal(6n);
      await expect(council.connect(sys.stranger).approveBySig(id, renewed))
        .to.be.revertedWithCustomError(council, "HedgeCouncilSignatureRevoked")
        .withArgs(id, 6, holders[1].address);
      await expectProposalUnchanged(sys, id, before);

      // Fresh consent on chain counts, under the new seat; the mark stays.
      await expect(council.connect(holders[1]).approve(id))
        .to.emit(council, "Approved")
        .withArgs(id, holders[1].address);
      expect(await council.proposalMarks(id)).to.deep.equal([0b100001n, 0n]);
      expect(await council.hasRevoked(id, holders[1].address)).to.equal(true);
    });
  });

  describe("deadlines", function () {
    it("a signature counts at validUntil exactly, and is refused one second later, naming its seat and deadline", async function () {
      const sys = await loadFixture(fixture);
      const { council, holders } = sys;
      const id = await proposeAndApprove(sys, await tighteningProposal(sys), [holders[0]]);
      const validUntil = BigInt(await time.latest()) + 100n;
      const [seat2, seat3] = await sign(sys, [holders[1], holders[2]], id, { validUntil });

      await atNextBlock(validUntil);
      await expect(council.approveBySig(id, [seat2]))
        .to.emit(council, "Approved")
        .withArgs(id, holders[1].address);
      expect(await time.latest()).to.equal(Number(validUntil));

      await atNextBlock(validUntil + 1n);
      const before = await snapshotProposal(council, id, holders);
      await expect(council.approveBySig(id, [seat3]))
        .to.be.revertedWithCustomError(council, "HedgeCouncilSignatureExpired")
        .withArgs(3, validUntil);
      await expectProposalUnchanged(sys, id, before);
    });

    it("an expired signature sinks the whole call, the valid ones in it included", async function () {
      const sys = await loadFixture(fixture);
      const { council, holders } = sys;
      const id = await proposeAndApprove(sys, await tighteningProposal(sys), [holders[0]]);
      const now = BigInt(await time.latest());
      const [fresh] = await sign(sys, [holders[1]], id, { validUntil: now + BigInt(DAY) });
      const [stale] = await sign(sys, [holders[2]], id, { validUntil: now });
      const before = await snapshotProposal(council, id, holders);
      await expect(council.approveBySig(id, [fresh, stale]))
        .to.be.revertedWithCustomError(council, "HedgeCouncilSignatureExpired")
        .withArgs(3, now);
      await expectProposalUnchanged(sys, id, before);
      // A deadline of 0 (never valid) is expired too.
      const [zero] = await sign(sys, [holders[3]], id, { validUntil: 0 });
      await expect(council.approveBySig(id, [zero]))
        .to.be.revertedWithCustomError(council, "HedgeCouncilSignatureExpired")
        .withArgs(4, 0);
    });

    it("the deadline is signed: a relayer cannot extend it", async function () {
      const sys = await loadFixture(fixture);
      const { council, holders } = sys;
      const id = await proposeAndApprove(sys, await tighteningProposal(sys), [holders[0]]);
      const validUntil = BigInt(await time.latest()) + 10n;
      const [signed] = await sign(sys, [holders[1]], id, { validUntil });
      await time.increaseTo(validUntil + 1n);
      const before = await snapshotProposal(council, id, holders);
      await expect(council.approveBySig(id, [{ ...signed, validUntil: validUntil + BigInt(DAY) }]))
        .to.be.revertedWithCustomError(council, "HedgeCouncilInvalidSignature")
        .withArgs(2);
      await expectProposalUnchanged(sys, id, before);
    });

    it("submit refuses an expired signature at validUntil + 1 and accepts it at validUntil", async function () {
      const sys = await loadFixture(fixture);
      const { council, holders } = sys;
      const p = nudgeProposal(sys, 2_600);
      const id = await hashProposal(sys, p);
      const validUntil = BigInt(await time.latest()) + 50n;
      const signed = await sign(sys, holders.slice(0, 2), id, { validUntil });
      const policyBefore = await snapshotPolicy(sys.policy);

      await atNextBlock(validUntil + 1n);
      await expect(council.submit(...proposeArgs(p), signed))
        .to.be.revertedWithCustomError(council, "HedgeCouncilSignatureExpired")
        .withArgs(1, validUntil);
      await expectNothingRecorded(sys, p);
      expect(await snapshotPolicy(sys.policy)).to.deep.equal(policyBefore);

      // The same signatures, with a deadline one second later: they count at that very second.
      const later = await sign(sys, holders.slice(0, 2), id, { validUntil: validUntil + 2n });
      await atNextBlock(validUntil + 2n);
      await expect(council.submit(...proposeArgs(p), later))
        .to.emit(council, "Executed")
        .withArgs(id);
    });
  });

  describe("submit", function () {
    it("a 3-of-5 Standard change: one relayed transaction queues it, execute lands it (gas measured)", async function () {
      const sys = await loadFixture(fixture);
      const { council, timelock, policy, holders } = sys;
      const p = await tighteningProposal(sys, "raise the coverage to 30 % before the earnings season");
      const id = await hashProposal(sys, p);
      // The order of the signatures decides the proposer: here holder 3 (seat 3) comes first.
      const signed = await sign(sys, [holders[2], holders[0], holders[4]], id);
      const relayer = sys.stranger; // holds no seat
      expect(await council.connect(relayer).submit.staticCall(...proposeArgs(p), signed)).to.equal(id);

      const at = BigInt(await time.latest()) + 1n;
      await atNextBlock(at);
      const submitTx = await council.connect(relayer).submit(...proposeArgs(p), signed);
      await expect(submitTx)
        .to.emit(council, "ProposalCreated")
        .withArgs(id, holders[2].address, Tier.Standard, p.targets, p.values, p.calldatas, p.description);
      for (const holder of [holders[2], holders[0], holders[4]]) {
        await expect(submitTx).to.emit(council, "Approved").withArgs(id, holder.address);
      }
      await expect(submitTx)
        .to.emit(council, "Queued")
        .withArgs(id, at + BigInt(DAY));
      await expect(submitTx)
        .to.emit(timelock, "CallSalt")
        .withArgs(await operationId(sys, p), id);
      expect(await council.state(id)).to.equal(ProposalState.Queued);
      expect(await council.approvalCount(id)).to.equal(3n);
      expect(await council.hasApproved(id, holders[1].address)).to.equal(false);

      await time.increaseTo(at + BigInt(DAY));
      const executeTx = await council.connect(relayer).execute(...args(p));
      await expect(executeTx).to.emit(council, "Executed").withArgs(id);
      await expect(executeTx).to.emit(policy, "PolicyUpdated");
      expect((await policy.policy()).coverageBps).to.equal(3_000n);

      const submitGas = (await submitTx.wait())!.gasUsed;
      const executeGas = (await executeTx.wait())!.gasUsed;
      console.log(
        `      gas, 3-of-5 Standard change: submit ${submitGas}, execute ${executeGas}, total ${submitGas + executeGas}`,
      );
      expect(submitGas).to.be.greaterThan(0n);
    });

    it("a Fast nudge runs in the submitting transaction; its proposer is the first signature's seat holder", async function () {
      const sys = await loadFixture(fixture);
      const { council, policy, holders } = sys;
      const p = nudgeProposal(sys, 2_700);
      const id = await hashProposal(sys, p);
      const signed = await sign(sys, [holders[4], holders[3]], id);
      const policyBefore = await snapshotPolicy(policy);
      const tx = council.connect(sys.stranger).submit(...proposeArgs(p), signed);
      await expect(tx)
        .to.emit(council, "ProposalCreated")
        .withArgs(id, holders[4].address, Tier.Fast, p.targets, p.values, p.calldatas, p.description);
      await expect(tx).to.emit(council, "Executed").withArgs(id);
      await expect(tx).to.not.emit(council, "Queued");
      await expect(tx)
        .to.emit(policy, "PolicyUpdated")
        .withArgs(1, policyBefore.hash, (hash: string) => hash !== policyBefore.hash);
      expect(await council.state(id)).to.equal(ProposalState.Executed);
      expect((await policy.policy()).coverageBps).to.equal(2_700n);
      expect(await sys.timelock.isOperation(await operationId(sys, p))).to.equal(false);
    });

    it("a Critical change needs 4 signatures and is queued for 3 days", async function () {
      const sys = await loadFixture(fixture);
      const p = await looseningProposal(sys);
      const id = await hashProposal(sys, p);
      const signed = await sign(sys, sys.holders.slice(0, 4), id);
      const at = BigInt(await time.latest()) + 1n;
      await atNextBlock(at);
      await expect(sys.council.submit(...proposeArgs(p), signed))
        .to.emit(sys.council, "Queued")
        .withArgs(id, at + BigInt(3 * DAY));
      expect(await sys.council.proposalTier(id)).to.equal(Tier.Critical);
    });

    it("below the tier's threshold reverts and records nothing", async function () {
      const sys = await loadFixture(fixture);
      const cases: [Proposal, number, number][] = [
        [nudgeProposal(sys), 1, 2],
        [await tighteningProposal(sys), 2, 3],
        [await looseningProposal(sys), 3, 4],
      ];
      const policyBefore = await snapshotPolicy(sys.policy);
      for (const [p, count, threshold] of cases) {
        const id = await hashProposal(sys, p);
        const signed = await sign(sys, sys.holders.slice(0, count), id);
        await expect(sys.council.connect(sys.stranger).submit(...proposeArgs(p), signed))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilInsufficientApprovals")
          .withArgs(id, count, threshold);
        await expectNothingRecorded(sys, p);
      }
      expect(await snapshotPolicy(sys.policy)).to.deep.equal(policyBefore);
    });

    it("refuses bad signatures, missing seats, duplicates and an empty list, recording nothing", async function () {
      const sys = await loadFixture(fixture);
      const { council, holders } = sys;
      const p = await tighteningProposal(sys);
      const id = await hashProposal(sys, p);
      const good = await sign(sys, holders.slice(0, 3), id);

      await expect(council.submit(...proposeArgs(p), [])).to.be.revertedWithCustomError(
        council,
        "HedgeCouncilNoSignatures",
      );

      const badSig: SeatSignature[] = [...good];
      badSig[1] = { ...good[1], signature: highSTwin(good[1].signature) };
      await expect(council.submit(...proposeArgs(p), badSig))
        .to.be.revertedWithCustomError(council, "HedgeCouncilInvalidSignature")
        .withArgs(2);

      // A stranger first: it holds no seat, so its signature names seat 0, and there is no proposer.
      const withStranger = await sign(sys, [sys.stranger, ...holders.slice(0, 3)], id);
      await expect(council.submit(...proposeArgs(p), withStranger))
        .to.be.revertedWithCustomError(council, "HedgeCouncilSeatNotFound")
        .withArgs(0);
      // A seat never minted first.
      const [ghost] = await sign(sys, [sys.stranger], id, { seatIds: [7] });
      await expect(council.submit(...proposeArgs(p), [ghost, ...good]))
        .to.be.revertedWithCustomError(council, "HedgeCouncilSeatNotFound")
        .withArgs(7);

      const dup = await sign(sys, [holders[0], holders[1], holders[0]], id);
      await expect(council.submit(...proposeArgs(p), dup))
        .to.be.revertedWithCustomError(council, "HedgeCouncilDuplicateSeat")
        .withArgs(1);

      await expectNothingRecorded(sys, p);
    });

    it("refuses an existing proposal and a mixed Fast batch", async function () {
      const sys = await loadFixture(fixture);
      const { council, holders } = sys;
      const p = await tighteningProposal(sys);
      const id = await proposeAndApprove(sys, p, [holders[0]]);
      const before = await snapshotProposal(council, id, holders);
      const signed = await sign(sys, holders.slice(1, 4), id);
      await expect(council.submit(...proposeArgs(p), signed))
        .to.be.revertedWithCustomError(council, "HedgeCouncilProposalExists")
        .withArgs(id);
      await expectProposalUnchanged(sys, id, before);

      const mixed = proposal([nudgeCoverageCall(sys, 2_600), mintCall(sys, sys.stranger.address)]);
      const mixedSigned = await sign(sys, holders.slice(0, 4), await hashProposal(sys, mixed));
      await expect(council.submit(...proposeArgs(mixed), mixedSigned))
        .to.be.revertedWithCustomError(council, "HedgeCouncilMixedFastBatch")
        .withArgs(1);
      await expectNothingRecorded(sys, mixed);
    });

    it("the signatures of one description do not carry another: the id, and so the signed message, differ", async function () {
      const sys = await loadFixture(fixture);
      const p = await tighteningProposal(sys, "tighten before the Fed meeting");
      const signed = await sign(sys, sys.holders.slice(0, 3), await hashProposal(sys, p));
      const swapped = { ...p, description: "tighten before the Fed meeting." };
      await expect(sys.council.submit(...proposeArgs(swapped), signed))
        .to.be.revertedWithCustomError(sys.council, "HedgeCouncilInvalidSignature")
        .withArgs(1);
      await expectNothingRecorded(sys, swapped);
      await expectNothingRecorded(sys, p);
    });
  });
});

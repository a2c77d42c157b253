// Attacks: signature forgery and replay. Strangers, seats that do not exist, a signature presented as another seat,
// duplicates (in one call, and across on-chain approvals and signatures), signatures for another chain, another
// council, another proposal or description, another deadline, high-s twins, invalid v, wrong lengths, malformed
// calldata encodings, EIP-191 instead of EIP-712, revoked approvals replayed (a revocation belongs to the address:
// even a wallet that says yes to anything is refused once it revoked), ERC-1271 wallets that lie, revert, misplace
// the magic value or re-enter the council, and approvals of burned seats. Every attack reverts with the exact custom
// error (a malformed encoding: Solidity's revert without reason) or, where the rules say a signature is ignored (its
// seat's approval is already recorded), succeeds without recording anything; either way every piece of state is
// unchanged.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { concat, getBytes, hexlify, randomBytes, toBeHex } from "ethers";

import { deploySystem } from "../../scripts/lib/deploy";
import { signApproval, type SeatSignature } from "../../scripts/lib/signing";
import {
  approvedIn,
  args,
  burnProposal,
  DAY,
  deployCouncilSystem,
  hashProposal,
  highSTwin,
  impersonate,
  looseningProposal,
  mintCall,
  pass,
  proposal,
  ProposalState,
  proposeArgs,
  seatSignature,
  sign,
  tighteningProposal,
} from "../helpers/system";
import { compact, expectUnchanged, scopeOf, withV } from "./attacks.behavior";

async function fixture() {
  const sys = await deployCouncilSystem();
  const deploy = async (name: string) => {
    const c = await (await ethers.getContractFactory(name)).deploy();
    return c.getAddress();
  };
  const wallets = {
    lying: await deploy("AttackLying1271Wallet"),
    lyingNoSeat: await deploy("AttackLying1271Wallet"),
    reverting: await deploy("AttackReverting1271Wallet"),
    wrongMagic: await deploy("AttackWrongMagic1271Wallet"),
    reentrant: await deploy("AttackReentrant1271Wallet"),
  };
  // The contract wallets get their seats the only way there is: a Critical proposal calling seats.mint.
  await pass(
    sys,
    proposal(
      [wallets.lying, wallets.reverting, wallets.wrongMagic, wallets.reentrant].map((w) => mintCall(sys, w)),
      "mint the wallets",
    ),
  );
  const seatOf = {
    lying: await sys.council.seatOf(wallets.lying),
    reverting: await sys.council.seatOf(wallets.reverting),
    wrongMagic: await sys.council.seatOf(wallets.wrongMagic),
    reentrant: await sys.council.seatOf(wallets.reentrant),
  };
  expect(Object.values(seatOf)).to.deep.equal([6n, 7n, 8n, 9n]);
  // Another council, deployed the same way with the same holders: its signatures must not work here.
  const other = await deploySystem(sys.deployer, { seats: sys.holders.map((h) => h.address) });
  const otherCouncil = await other.council.getAddress();

  // P: a pending Standard proposal (holder 0 proposed it); Q: a pending Critical proposal (holder 1 proposed it).
  const p = await tighteningProposal(sys, "P");
  await sys.council.connect(sys.holders[0]).propose(...proposeArgs(p));
  const pId = await hashProposal(sys, p);
  const q = await looseningProposal(sys, "Q");
  await sys.council.connect(sys.holders[1]).propose(...proposeArgs(q));
  const qId = await hashProposal(sys, q);

  const reentrant = await ethers.getContractAt("AttackReentrant1271Wallet", wallets.reentrant);
  const scope = await scopeOf(sys, [p, q], { accounts: Object.values(wallets) });
  // Signatures in this file count for a day unless a test says otherwise.
  const validUntil = BigInt(await time.latest()) + BigInt(DAY);
  return { ...sys, wallets, seatOf, reentrant, otherCouncil, p, pId, q, qId, scope, validUntil };
}

type Sys = Awaited<ReturnType<typeof fixture>>;

/** Holder `i`'s EIP-712 approval of `id` on this council, as its seat (i + 1), valid until `sys.validUntil`. */
function approval(sys: Sys, i: number, id: string, seatId = i + 1): Promise<string> {
  return signApproval(sys.holders[i], sys.chainId, sys.addresses.council, {
    proposalId: id,
    seatId,
    validUntil: sys.validUntil,
  });
}

/** `signature` presented for `seatId` with the fixture's deadline. */
function asSeat(sys: Sys, seatId: bigint | number, signature: string): SeatSignature {
  return seatSignature(seatId, signature, sys.validUntil);
}

/**
 * `approveBySig(P, [{seat 3, validUntil, holder 2's valid signature}])` as raw calldata, its 32-byte words after the
 * selector edited by `edit`. The words: 0 id, 1 the offset of the array (0x40), 2 its length (1), 3 the offset of its
 * one element (0x20, from word 3), 4 seatId, 5 validUntil, 6 the offset of the signature (0x60, from word 4), 7 its
 * length (65), 8..10 its bytes.
 */
async function approveBySigCalldata(sys: Sys, edit: (words: string[]) => string[]): Promise<string> {
  const data = sys.council.interface.encodeFunctionData("approveBySig", [
    sys.pId,
    [asSeat(sys, 3, await approval(sys, 2, sys.pId))],
  ]);
  const words = data.slice(10).match(/.{64}/g)!;
  expect(words).to.have.length(11);
  expect(BigInt("0x" + words[6])).to.equal(0x60n);
  return data.slice(0, 10) + edit(words).join("");
}

/** The raw `data` is refused by Solidity's calldata checks (a revert without reason), and nothing changes. */
async function expectMalformedRefused(sys: Sys, data: string) {
  await expectUnchanged(sys, sys.scope, () =>
    expect(sys.stranger.sendTransaction({ to: sys.addresses.council, data })).to.be.revertedWithoutReason(),
  );
}

/** `signature` presented as seat `seatId`'s approval of P is refused as invalid, naming the seat. */
async function expectInvalidFor(sys: Sys, seatId: bigint | number, signature: string) {
  await expectUnchanged(sys, sys.scope, () =>
    expect(sys.council.connect(sys.stranger).approveBySig(sys.pId, [asSeat(sys, seatId, signature)]))
      .to.be.revertedWithCustomError(sys.council, "HedgeCouncilInvalidSignature")
      .withArgs(seatId),
  );
}

/** `signatures` relayed for P succeed and record nothing: their seats' approvals are already recorded. */
async function expectIgnored(sys: Sys, signatures: SeatSignature[]) {
  await expectUnchanged(sys, sys.scope, async () =>
    expect(await approvedIn(sys, sys.council.connect(sys.stranger).approveBySig(sys.pId, signatures))).to.deep.equal(
      [],
    ),
  );
}

describe("Attacks: signature forgery and replay", function () {
  describe("who signs", function () {
    it("a stranger signs an approval and relays it, naming the seat it does not have (0)", async function () {
      const sys = await loadFixture(fixture);
      const [signed] = await sign(sys, [sys.stranger], sys.pId);
      expect(signed.seatId).to.equal(0n);
      await expectUnchanged(sys, sys.scope, () =>
        expect(sys.council.connect(sys.stranger).approveBySig(sys.pId, [signed]))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilSeatNotFound")
          .withArgs(0),
      );
    });

    it("a stranger signs in a seat holder's name", async function () {
      const sys = await loadFixture(fixture);
      const forged = await signApproval(sys.stranger, sys.chainId, sys.addresses.council, {
        proposalId: sys.pId,
        seatId: 3,
        validUntil: sys.validUntil,
      });
      await expectInvalidFor(sys, 3, forged);
    });

    it("a holder's genuine signature is relayed as another seat's", async function () {
      const sys = await loadFixture(fixture);
      await expectInvalidFor(sys, 4, await approval(sys, 2, sys.pId));
    });

    it("a holder signs for another holder's seat", async function () {
      const sys = await loadFixture(fixture);
      await expectInvalidFor(sys, 4, await approval(sys, 2, sys.pId, 4));
    });

    it("a seat id past the 64 the seats contract can ever mint", async function () {
      const sys = await loadFixture(fixture);
      for (const seatId of [65n, 2n ** 64n, 2n ** 256n - 1n]) {
        await expectUnchanged(sys, sys.scope, () =>
          expect(sys.council.approveBySig(sys.pId, [asSeat(sys, seatId, "0x")]))
            .to.be.revertedWithCustomError(sys.council, "HedgeCouncilSeatNotFound")
            .withArgs(seatId),
        );
      }
    });
  });

  describe("duplicates", function () {
    it("one holder's signature twice in one approveBySig call", async function () {
      const sys = await loadFixture(fixture);
      const signed = asSeat(sys, 3, await approval(sys, 2, sys.pId));
      await expectUnchanged(sys, sys.scope, () =>
        expect(sys.council.approveBySig(sys.pId, [signed, signed]))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilDuplicateSeat")
          .withArgs(3),
      );
    });

    it("one seat twice in a submit, with two different valid signatures, to reach the threshold with two people", async function () {
      const sys = await loadFixture(fixture);
      const p = await tighteningProposal(sys, "two people, three signatures");
      const id = await hashProposal(sys, p);
      const signed = [
        ...(await sign(sys, [sys.holders[0], sys.holders[1]], id)),
        ...(await sign(sys, [sys.holders[1]], id, { validUntil: sys.validUntil + 1n })),
      ];
      expect(signed[1].signature).to.not.equal(signed[2].signature);
      const scope = await scopeOf(sys, [sys.p, sys.q, p], { accounts: Object.values(sys.wallets) });
      await expectUnchanged(sys, scope, () =>
        expect(sys.council.connect(sys.stranger).submit(...proposeArgs(p), signed))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilDuplicateSeat")
          .withArgs(2),
      );
      expect(await sys.council.state(id)).to.equal(ProposalState.Unknown);
    });

    it("an on-chain approval replayed as a signature, to count twice", async function () {
      const sys = await loadFixture(fixture);
      await sys.council.connect(sys.holders[2]).approve(sys.pId);
      await expectIgnored(sys, [asSeat(sys, 3, await approval(sys, 2, sys.pId))]);
      expect(await sys.council.approvalCount(sys.pId)).to.equal(2n);
    });

    it("the proposer's signature added to its own proposal", async function () {
      const sys = await loadFixture(fixture);
      await expectIgnored(sys, [asSeat(sys, 1, await approval(sys, 0, sys.pId))]);
      expect(await sys.council.approvalCount(sys.pId)).to.equal(1n);
    });

    it("a recorded seat's 'signature' of garbage, expired, or for another proposal rides along to look valid", async function () {
      const sys = await loadFixture(fixture);
      // Seat 1 proposed P: anything presented for it is ignored, never counted twice and never counted for another.
      await expectIgnored(sys, [asSeat(sys, 1, hexlify(randomBytes(65)))]);
      await expectIgnored(sys, [seatSignature(1, await approval(sys, 0, sys.pId), 0n)]);
      await expectIgnored(sys, [asSeat(sys, 1, await approval(sys, 0, sys.qId))]);
      expect(await sys.council.approvalCount(sys.pId)).to.equal(1n);
    });

    it("a revoked approval's old signature relayed again", async function () {
      const sys = await loadFixture(fixture);
      const signed = asSeat(sys, 3, await approval(sys, 2, sys.pId));
      await sys.council.approveBySig(sys.pId, [signed]);
      await sys.council.connect(sys.holders[2]).revoke(sys.pId);
      await expectUnchanged(sys, sys.scope, () =>
        expect(sys.council.connect(sys.stranger).approveBySig(sys.pId, [signed]))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilSignatureRevoked")
          .withArgs(sys.pId, 3, sys.holders[2].address),
      );
    });

    it("a seat-holding wallet that answers yes to anything revoked on chain, then any bytes are relayed as its approval", async function () {
      const sys = await loadFixture(fixture);
      // The wallet's own transactions (impersonated: whoever controls it), approving and then revoking P.
      const wallet = await impersonate(sys.wallets.lying);
      await sys.council.connect(wallet).approve(sys.pId);
      await sys.council.connect(wallet).revoke(sys.pId);
      await expectUnchanged(sys, sys.scope, () =>
        expect(
          sys.council
            .connect(sys.stranger)
            .approveBySig(sys.pId, [asSeat(sys, sys.seatOf.lying, hexlify(randomBytes(65)))]),
        )
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilSignatureRevoked")
          .withArgs(sys.pId, sys.seatOf.lying, sys.wallets.lying),
      );
    });
  });

  describe("what is signed", function () {
    it("a signature made for another chain id", async function () {
      const sys = await loadFixture(fixture);
      const signature = await signApproval(sys.holders[2], 1n, sys.addresses.council, {
        proposalId: sys.pId,
        seatId: 3,
        validUntil: sys.validUntil,
      });
      await expectInvalidFor(sys, 3, signature);
    });

    it("a signature made for another council with the same holders", async function () {
      const sys = await loadFixture(fixture);
      const signature = await signApproval(sys.holders[2], sys.chainId, sys.otherCouncil, {
        proposalId: sys.pId,
        seatId: 3,
        validUntil: sys.validUntil,
      });
      await expectInvalidFor(sys, 3, signature);
    });

    it("a signature for another proposal", async function () {
      const sys = await loadFixture(fixture);
      await expectInvalidFor(sys, 3, await approval(sys, 2, sys.qId));
    });

    it("a signature with its deadline moved later by the relayer", async function () {
      const sys = await loadFixture(fixture);
      const signature = await approval(sys, 2, sys.pId);
      await expectUnchanged(sys, sys.scope, () =>
        expect(sys.council.approveBySig(sys.pId, [seatSignature(3, signature, sys.validUntil + 1n)]))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilInvalidSignature")
          .withArgs(3),
      );
    });

    it("an EIP-191 personal_sign of the proposal id instead of the EIP-712 approval", async function () {
      const sys = await loadFixture(fixture);
      const signature = await sys.holders[2].signMessage(getBytes(sys.pId));
      await expectInvalidFor(sys, 3, signature);
    });

    it("the signatures of an executed proposal replayed for the same calls with a new description", async function () {
      const sys = await loadFixture(fixture);
      const first = await tighteningProposal(sys, "first");
      const firstId = await hashProposal(sys, first);
      const signed = await sign(sys, sys.holders.slice(0, 3), firstId);
      await sys.council.submit(...proposeArgs(first), signed);
      const again = { ...first, description: "again" };
      const againId = await hashProposal(sys, again);
      const scope = await scopeOf(sys, [sys.p, first, again], { accounts: Object.values(sys.wallets) });
      await expectUnchanged(sys, scope, () =>
        expect(sys.council.submit(...proposeArgs(again), signed))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilInvalidSignature")
          .withArgs(1),
      );
      expect(await sys.council.state(againId)).to.equal(ProposalState.Unknown);
    });

    it("a whole submit replayed after the proposal was queued", async function () {
      const sys = await loadFixture(fixture);
      const p = await tighteningProposal(sys, "replayed submit");
      const id = await hashProposal(sys, p);
      const signed = await sign(sys, sys.holders.slice(0, 3), id);
      await sys.council.submit(...proposeArgs(p), signed);
      const scope = await scopeOf(sys, [sys.p, p], { accounts: Object.values(sys.wallets) });
      await expectUnchanged(sys, scope, () =>
        expect(sys.council.submit(...proposeArgs(p), signed))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilProposalExists")
          .withArgs(id),
      );
    });
  });

  describe("how it is encoded", function () {
    it("the high-s twin of a holder's valid signature", async function () {
      const sys = await loadFixture(fixture);
      await expectInvalidFor(sys, 3, highSTwin(await approval(sys, 2, sys.pId)));
    });

    it("a valid signature with v = 1 instead of 27/28", async function () {
      const sys = await loadFixture(fixture);
      const signature = await approval(sys, 2, sys.pId);
      const v = getBytes(signature)[64];
      await expectInvalidFor(sys, 3, withV(signature, v - 27));
    });

    it("a valid signature with v = 29", async function () {
      const sys = await loadFixture(fixture);
      await expectInvalidFor(sys, 3, withV(await approval(sys, 2, sys.pId), 29));
    });

    it("the EIP-2098 compact (64-byte) form of a valid signature", async function () {
      const sys = await loadFixture(fixture);
      await expectInvalidFor(sys, 3, compact(await approval(sys, 2, sys.pId)));
    });

    it("a valid signature with one byte appended (66 bytes)", async function () {
      const sys = await loadFixture(fixture);
      await expectInvalidFor(sys, 3, concat([await approval(sys, 2, sys.pId), "0x00"]));
    });

    it("an empty signature", async function () {
      const sys = await loadFixture(fixture);
      await expectInvalidFor(sys, 3, "0x");
    });

    it("65 random bytes", async function () {
      const sys = await loadFixture(fixture);
      await expectInvalidFor(sys, 3, ethers.hexlify(randomBytes(65)));
    });

    it("the signature's offset points past the end of calldata", async function () {
      const sys = await loadFixture(fixture);
      const data = await approveBySigCalldata(sys, (w) => [
        ...w.slice(0, 6),
        toBeHex(0x1000, 32).slice(2),
        ...w.slice(7),
      ]);
      await expectMalformedRefused(sys, data);
    });

    it("the signature's 65 bytes run past the end of calldata", async function () {
      const sys = await loadFixture(fixture);
      await expectMalformedRefused(sys, await approveBySigCalldata(sys, (w) => w.slice(0, 9)));
    });

    it("the list claims more elements than the calldata has room for", async function () {
      const sys = await loadFixture(fixture);
      // Eight words follow the length word: 9 element offsets, or 2^64, cannot fit.
      for (const length of [9n, 2n ** 64n]) {
        await expectMalformedRefused(
          sys,
          await approveBySigCalldata(sys, (w) => [w[0], w[1], toBeHex(length, 32).slice(2), ...w.slice(3)]),
        );
      }
    });

    it("a wrapped offset to the valid signature earlier in calldata is read as Solidity reads it, and counts once", async function () {
      const sys = await loadFixture(fixture);
      // The signature (words 7..10) moves before the list, which now starts at word 6; the element's offset to its
      // bytes, counted from the element (word 8), wraps around 2^256 to word 2, where the signature sits. Solidity's
      // own checked access accepts such an offset (it compares it as a signed number), so the council reads the same
      // bytes.
      const wrapped = await approveBySigCalldata(sys, (w) => [
        w[0],
        toBeHex(6 * 32, 32).slice(2),
        ...w.slice(7, 11),
        w[2],
        w[3],
        w[4],
        w[5],
        toBeHex(2n ** 256n - 6n * 32n, 32).slice(2),
      ]);
      await expect(sys.stranger.sendTransaction({ to: sys.addresses.council, data: wrapped }))
        .to.emit(sys.council, "Approved")
        .withArgs(sys.pId, sys.holders[2].address);
      expect(await sys.council.approvalCount(sys.pId)).to.equal(2n);
      // The canonical encoding of the same signature then finds seat 3 recorded: ignored, counted once.
      const canonical = await approveBySigCalldata(sys, (w) => w);
      await expectUnchanged(sys, sys.scope, async () =>
        expect(
          await approvedIn(sys, sys.stranger.sendTransaction({ to: sys.addresses.council, data: canonical })),
        ).to.deep.equal([]),
      );
      expect(await sys.council.approvalCount(sys.pId)).to.equal(2n);
    });
  });

  describe("ERC-1271 wallets", function () {
    it("a lying wallet without a seat vouches for itself, or for an EOA's seat", async function () {
      const sys = await loadFixture(fixture);
      expect(await sys.council.seatOf(sys.wallets.lyingNoSeat)).to.equal(0n);
      await expectUnchanged(sys, sys.scope, () =>
        expect(sys.council.approveBySig(sys.pId, [asSeat(sys, 0, "0x")]))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilSeatNotFound")
          .withArgs(0),
      );
      // The council asks the seat's holder, never a third party: holder 2 is an EOA, with no code to lie with.
      await expectInvalidFor(sys, 3, "0x");
    });

    it("a lying wallet with a seat is listed twice to count double", async function () {
      const sys = await loadFixture(fixture);
      const seat = sys.seatOf.lying;
      await expectUnchanged(sys, sys.scope, () =>
        expect(sys.council.approveBySig(sys.pId, [asSeat(sys, seat, "0x"), asSeat(sys, seat, "0x01")]))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilDuplicateSeat")
          .withArgs(seat),
      );
    });

    it("a lying wallet's yes carries a Standard submit with one holder (2 of 3)", async function () {
      const sys = await loadFixture(fixture);
      const p = await tighteningProposal(sys, "lying submit");
      const id = await hashProposal(sys, p);
      const signatures = [asSeat(sys, sys.seatOf.lying, "0x"), ...(await sign(sys, [sys.holders[0]], id))];
      const scope = await scopeOf(sys, [sys.p, p], { accounts: Object.values(sys.wallets) });
      await expectUnchanged(sys, scope, () =>
        expect(sys.council.connect(sys.stranger).submit(...proposeArgs(p), signatures))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilInsufficientApprovals")
          .withArgs(id, 2, 3),
      );
    });

    it("a lying wallet's garbage is passed off as a holder's signature", async function () {
      const sys = await loadFixture(fixture);
      await expectInvalidFor(sys, 4, ethers.hexlify(randomBytes(65)));
    });

    it("a seat-holding wallet whose isValidSignature reverts", async function () {
      const sys = await loadFixture(fixture);
      await expectInvalidFor(sys, sys.seatOf.reverting, await approval(sys, 0, sys.pId, Number(sys.seatOf.reverting)));
    });

    it("a seat-holding wallet that answers the magic value right-aligned", async function () {
      const sys = await loadFixture(fixture);
      await expectInvalidFor(sys, sys.seatOf.wrongMagic, "0x");
    });

    it("a seat-holding wallet re-enters council.approve from isValidSignature (staticcall: the re-entry fails)", async function () {
      const sys = await loadFixture(fixture);
      await sys.reentrant.arm(
        sys.addresses.council,
        sys.council.interface.encodeFunctionData("approve", [sys.pId]),
        true,
      );
      await expectInvalidFor(sys, sys.seatOf.reentrant, "0x");
    });

    it("a seat-holding wallet re-enters council.veto from isValidSignature, swallows the failure and says yes", async function () {
      const sys = await loadFixture(fixture);
      await sys.reentrant.arm(
        sys.addresses.council,
        sys.council.interface.encodeFunctionData("veto", [sys.qId]),
        false,
      );
      // The staticcall context makes the re-entered veto fail; the wallet's own approval is all that is recorded.
      await expect(sys.council.approveBySig(sys.pId, [asSeat(sys, sys.seatOf.reentrant, "0x")]))
        .to.emit(sys.council, "Approved")
        .withArgs(sys.pId, sys.wallets.reentrant)
        .and.not.to.emit(sys.council, "VetoCast");
      expect(await sys.council.vetoCount(sys.qId)).to.equal(0n);
      expect(await sys.council.approvalCount(sys.pId)).to.equal(2n);
      // ...and relayed a second time it is ignored: its seat is recorded, and the wallet is not even asked.
      await expectIgnored(sys, [asSeat(sys, sys.seatOf.reentrant, "0x")]);
    });
  });

  describe("burned seats", function () {
    it("a burned seat's valid signature is relayed after the burn", async function () {
      const sys = await loadFixture(fixture);
      const signature = await approval(sys, 4, sys.pId);
      await pass(sys, burnProposal(sys, 5, "burn seat 5"));
      expect(await sys.council.state(sys.pId)).to.equal(ProposalState.Pending);
      await expectUnchanged(sys, sys.scope, () =>
        expect(sys.council.approveBySig(sys.pId, [asSeat(sys, 5, signature)]))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilSeatNotFound")
          .withArgs(5),
      );
    });

    it("a burned seat's earlier approval is counted to queue", async function () {
      const sys = await loadFixture(fixture);
      await sys.council.connect(sys.holders[1]).approve(sys.pId);
      await sys.council.approveBySig(sys.pId, [asSeat(sys, 5, await approval(sys, 4, sys.pId))]);
      expect(await sys.council.approvalCount(sys.pId)).to.equal(3n);
      await pass(sys, burnProposal(sys, 5, "burn seat 5"));
      await expectUnchanged(sys, sys.scope, () =>
        expect(sys.council.queue(...args(sys.p)))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilInsufficientApprovals")
          .withArgs(sys.pId, 2, 3),
      );
    });
  });
});

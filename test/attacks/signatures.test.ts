// Attacks: signature forgery and replay. Non-holders, duplicates (in one batch, and across on-chain approvals and
// signatures), signatures for another chain, another council or another proposal, high-s twins, invalid v, wrong
// lengths, malformed calldata encodings, EIP-191 instead of EIP-712, revoked approvals replayed (a revocation belongs
// to the address: even a wallet that says yes to anything is refused once it revoked), ERC-1271 wallets
// that lie, revert, misplace the magic value or re-enter the council, and approvals of burned seats. Every attack
// reverts with the exact custom error (a malformed encoding: Solidity's revert without reason) and leaves every
// piece of state unchanged.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { concat, getBytes, hexlify, id as keccakId, randomBytes, toBeHex } from "ethers";

import { deploySystem } from "../../scripts/lib/deploy";
import { signApproval } from "../../scripts/lib/signing";
import {
  args,
  burnProposal,
  deployCouncilSystem,
  hashProposal,
  highSTwin,
  impersonate,
  looseningProposal,
  mintCall,
  pass,
  proposal,
  ProposalState,
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
      keccakId("mint the wallets"),
    ),
  );
  // Another council, deployed the same way with the same holders: its signatures must not work here.
  const other = await deploySystem(sys.deployer, { seats: sys.holders.map((h) => h.address) });
  const otherCouncil = await other.council.getAddress();

  // P: a pending Standard proposal (holder 0 proposed it); Q: another pending proposal (holder 1 proposed it).
  const p = await tighteningProposal(sys, keccakId("P"));
  await sys.council.connect(sys.holders[0]).propose(...args(p));
  const pId = await hashProposal(sys, p);
  const q = await looseningProposal(sys, keccakId("Q"));
  await sys.council.connect(sys.holders[1]).propose(...args(q));
  const qId = await hashProposal(sys, q);

  const reentrant = await ethers.getContractAt("AttackReentrant1271Wallet", wallets.reentrant);
  const scope = await scopeOf(sys, [p, q], { accounts: Object.values(wallets) });
  return { ...sys, wallets, reentrant, otherCouncil, p, pId, q, qId, scope };
}

type Sys = Awaited<ReturnType<typeof fixture>>;

/** Holder `i`'s EIP-712 approval of `id` on this council. */
function approval(sys: Sys, i: number, id: string) {
  return signApproval(sys.holders[i], sys.chainId, sys.addresses.council, id);
}

/**
 * `approveBySig(P, [holder 2], [its valid signature])` as raw calldata, its 32-byte words after the selector edited
 * by `edit`. The words: 0 id, 1 and 2 the offsets of the two arrays, 3 and 4 the signers array (length, holder 2),
 * 5 the signatures array's length, 6 the offset of its one element, 7 that element's length (65), 8..10 its bytes.
 */
async function approveBySigCalldata(sys: Sys, edit: (words: string[]) => string[]): Promise<string> {
  const signature = await approval(sys, 2, sys.pId);
  const data = sys.council.interface.encodeFunctionData("approveBySig", [
    sys.pId,
    [sys.holders[2].address],
    [signature],
  ]);
  const words = data.slice(10).match(/.{64}/g)!;
  expect(words).to.have.length(11);
  return data.slice(0, 10) + edit(words).join("");
}

/** The raw `data` is refused by Solidity's calldata checks (a revert without reason), and nothing changes. */
async function expectMalformedRefused(sys: Sys, data: string) {
  await expectUnchanged(sys, sys.scope, () =>
    expect(sys.stranger.sendTransaction({ to: sys.addresses.council, data })).to.be.revertedWithoutReason(),
  );
}

async function expectInvalidFor(sys: Sys, signer: string, signature: string) {
  await expectUnchanged(sys, sys.scope, () =>
    expect(sys.council.connect(sys.stranger).approveBySig(sys.pId, [signer], [signature]))
      .to.be.revertedWithCustomError(sys.council, "HedgeCouncilInvalidSignature")
      .withArgs(signer),
  );
}

describe("Attacks: signature forgery and replay", function () {
  describe("who signs", function () {
    it("a stranger signs an approval and relays it", async function () {
      const sys = await loadFixture(fixture);
      const signature = await signApproval(sys.stranger, sys.chainId, sys.addresses.council, sys.pId);
      await expectUnchanged(sys, sys.scope, () =>
        expect(sys.council.connect(sys.stranger).approveBySig(sys.pId, [sys.stranger.address], [signature]))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilNotSeatHolder")
          .withArgs(sys.stranger.address),
      );
    });

    it("a stranger signs in a seat holder's name", async function () {
      const sys = await loadFixture(fixture);
      const forged = await signApproval(sys.stranger, sys.chainId, sys.addresses.council, sys.pId);
      await expectInvalidFor(sys, sys.holders[2].address, forged);
    });

    it("a holder's genuine signature is relayed under a stranger's name", async function () {
      const sys = await loadFixture(fixture);
      const genuine = await approval(sys, 2, sys.pId);
      await expectUnchanged(sys, sys.scope, () =>
        expect(sys.council.connect(sys.stranger).approveBySig(sys.pId, [sys.strangers[1].address], [genuine]))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilNotSeatHolder")
          .withArgs(sys.strangers[1].address),
      );
    });
  });

  describe("duplicates", function () {
    it("one holder's signature twice in one approveBySig batch", async function () {
      const sys = await loadFixture(fixture);
      const signature = await approval(sys, 2, sys.pId);
      const signer = sys.holders[2].address;
      await expectUnchanged(sys, sys.scope, () =>
        expect(sys.council.approveBySig(sys.pId, [signer, signer], [signature, signature]))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilAlreadyApproved")
          .withArgs(sys.pId, signer),
      );
    });

    it("one holder twice in a submit, to reach the threshold with two people", async function () {
      const sys = await loadFixture(fixture);
      const p = await tighteningProposal(sys, keccakId("two people, three signatures"));
      const id = await hashProposal(sys, p);
      const signed = await sign(sys, [sys.holders[0], sys.holders[1], sys.holders[1]], id);
      const scope = await scopeOf(sys, [sys.p, sys.q, p], { accounts: Object.values(sys.wallets) });
      await expectUnchanged(sys, scope, () =>
        expect(sys.council.connect(sys.stranger).submit(...args(p), signed.signers, signed.signatures))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilAlreadyApproved")
          .withArgs(id, sys.holders[1].address),
      );
      expect(await sys.council.state(id)).to.equal(ProposalState.Unknown);
    });

    it("an on-chain approval replayed as a signature", async function () {
      const sys = await loadFixture(fixture);
      await sys.council.connect(sys.holders[2]).approve(sys.pId);
      const signature = await approval(sys, 2, sys.pId);
      await expectUnchanged(sys, sys.scope, () =>
        expect(sys.council.approveBySig(sys.pId, [sys.holders[2].address], [signature]))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilAlreadyApproved")
          .withArgs(sys.pId, sys.holders[2].address),
      );
    });

    it("the proposer's signature added to its own proposal", async function () {
      const sys = await loadFixture(fixture);
      const signature = await approval(sys, 0, sys.pId);
      await expectUnchanged(sys, sys.scope, () =>
        expect(sys.council.approveBySig(sys.pId, [sys.holders[0].address], [signature]))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilAlreadyApproved")
          .withArgs(sys.pId, sys.holders[0].address),
      );
    });

    it("a revoked approval's old signature relayed again", async function () {
      const sys = await loadFixture(fixture);
      const signature = await approval(sys, 2, sys.pId);
      await sys.council.approveBySig(sys.pId, [sys.holders[2].address], [signature]);
      await sys.council.connect(sys.holders[2]).revoke(sys.pId);
      await expectUnchanged(sys, sys.scope, () =>
        expect(sys.council.connect(sys.stranger).approveBySig(sys.pId, [sys.holders[2].address], [signature]))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilSignatureRevoked")
          .withArgs(sys.pId, sys.holders[2].address),
      );
    });

    it("a seat-holding wallet that answers yes to anything revoked on chain, then any bytes are relayed as its approval", async function () {
      const sys = await loadFixture(fixture);
      // The wallet's own transactions (impersonated: whoever controls it), approving and then revoking P.
      const wallet = await impersonate(sys.wallets.lying);
      await sys.council.connect(wallet).approve(sys.pId);
      await sys.council.connect(wallet).revoke(sys.pId);
      await expectUnchanged(sys, sys.scope, () =>
        expect(sys.council.connect(sys.stranger).approveBySig(sys.pId, [sys.wallets.lying], [hexlify(randomBytes(65))]))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilSignatureRevoked")
          .withArgs(sys.pId, sys.wallets.lying),
      );
    });
  });

  describe("what is signed", function () {
    it("a signature made for another chain id", async function () {
      const sys = await loadFixture(fixture);
      const signature = await signApproval(sys.holders[2], 1n, sys.addresses.council, sys.pId);
      await expectInvalidFor(sys, sys.holders[2].address, signature);
    });

    it("a signature made for another council with the same holders", async function () {
      const sys = await loadFixture(fixture);
      const signature = await signApproval(sys.holders[2], sys.chainId, sys.otherCouncil, sys.pId);
      await expectInvalidFor(sys, sys.holders[2].address, signature);
    });

    it("a signature for another proposal", async function () {
      const sys = await loadFixture(fixture);
      await expectInvalidFor(sys, sys.holders[2].address, await approval(sys, 2, sys.qId));
    });

    it("an EIP-191 personal_sign of the proposal id instead of the EIP-712 approval", async function () {
      const sys = await loadFixture(fixture);
      const signature = await sys.holders[2].signMessage(getBytes(sys.pId));
      await expectInvalidFor(sys, sys.holders[2].address, signature);
    });

    it("the signatures of an executed proposal replayed for the same calls with a new salt", async function () {
      const sys = await loadFixture(fixture);
      const first = await tighteningProposal(sys, keccakId("first"));
      const firstId = await hashProposal(sys, first);
      const signed = await sign(sys, sys.holders.slice(0, 3), firstId);
      await sys.council.submit(...args(first), signed.signers, signed.signatures);
      const again = { ...first, salt: keccakId("again") };
      const againId = await hashProposal(sys, again);
      const scope = await scopeOf(sys, [sys.p, first, again], { accounts: Object.values(sys.wallets) });
      await expectUnchanged(sys, scope, () =>
        expect(sys.council.submit(...args(again), signed.signers, signed.signatures))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilInvalidSignature")
          .withArgs(sys.holders[0].address),
      );
      expect(await sys.council.state(againId)).to.equal(ProposalState.Unknown);
    });

    it("a whole submit replayed after the proposal was queued", async function () {
      const sys = await loadFixture(fixture);
      const p = await tighteningProposal(sys, keccakId("replayed submit"));
      const id = await hashProposal(sys, p);
      const signed = await sign(sys, sys.holders.slice(0, 3), id);
      await sys.council.submit(...args(p), signed.signers, signed.signatures);
      const scope = await scopeOf(sys, [sys.p, p], { accounts: Object.values(sys.wallets) });
      await expectUnchanged(sys, scope, () =>
        expect(sys.council.submit(...args(p), signed.signers, signed.signatures))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilProposalExists")
          .withArgs(id),
      );
    });
  });

  describe("how it is encoded", function () {
    it("the high-s twin of a holder's valid signature", async function () {
      const sys = await loadFixture(fixture);
      await expectInvalidFor(sys, sys.holders[2].address, highSTwin(await approval(sys, 2, sys.pId)));
    });

    it("a valid signature with v = 1 instead of 27/28", async function () {
      const sys = await loadFixture(fixture);
      const signature = await approval(sys, 2, sys.pId);
      const v = getBytes(signature)[64];
      await expectInvalidFor(sys, sys.holders[2].address, withV(signature, v - 27));
    });

    it("a valid signature with v = 29", async function () {
      const sys = await loadFixture(fixture);
      await expectInvalidFor(sys, sys.holders[2].address, withV(await approval(sys, 2, sys.pId), 29));
    });

    it("the EIP-2098 compact (64-byte) form of a valid signature", async function () {
      const sys = await loadFixture(fixture);
      await expectInvalidFor(sys, sys.holders[2].address, compact(await approval(sys, 2, sys.pId)));
    });

    it("a valid signature with one byte appended (66 bytes)", async function () {
      const sys = await loadFixture(fixture);
      await expectInvalidFor(sys, sys.holders[2].address, concat([await approval(sys, 2, sys.pId), "0x00"]));
    });

    it("an empty signature", async function () {
      const sys = await loadFixture(fixture);
      await expectInvalidFor(sys, sys.holders[2].address, "0x");
    });

    it("65 random bytes", async function () {
      const sys = await loadFixture(fixture);
      await expectInvalidFor(sys, sys.holders[2].address, ethers.hexlify(randomBytes(65)));
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

    it("a wrapped offset to the valid signature earlier in calldata is read as Solidity reads it, and counts once", async function () {
      const sys = await loadFixture(fixture);
      // The signature (words 7..10) moves before the signatures array, which now starts at word 9; its element's
      // offset, counted from word 10, wraps around 2^256 to word 5, where that signature sits. Solidity's own checked
      // access accepts such an offset (it compares it as a signed number), so the council reads the same bytes.
      const wrapped = await approveBySigCalldata(sys, (w) => [
        ...w.slice(0, 2),
        toBeHex(9 * 32, 32).slice(2),
        w[3],
        w[4],
        ...w.slice(7, 11),
        w[5],
        toBeHex(2n ** 256n - 5n * 32n, 32).slice(2),
      ]);
      await expect(sys.stranger.sendTransaction({ to: sys.addresses.council, data: wrapped }))
        .to.emit(sys.council, "Approved")
        .withArgs(sys.pId, sys.holders[2].address);
      expect(await sys.council.approvalCount(sys.pId)).to.equal(2n);
      // The canonical encoding of the same signature is then a duplicate.
      const canonical = await approveBySigCalldata(sys, (w) => w);
      await expect(sys.stranger.sendTransaction({ to: sys.addresses.council, data: canonical }))
        .to.be.revertedWithCustomError(sys.council, "HedgeCouncilAlreadyApproved")
        .withArgs(sys.pId, sys.holders[2].address);
    });

    it("two signers and one signature", async function () {
      const sys = await loadFixture(fixture);
      const signature = await approval(sys, 2, sys.pId);
      await expectUnchanged(sys, sys.scope, () =>
        expect(sys.council.approveBySig(sys.pId, [sys.holders[2].address, sys.holders[3].address], [signature]))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilSignatureCountMismatch")
          .withArgs(2, 1),
      );
    });
  });

  describe("ERC-1271 wallets", function () {
    it("a lying wallet without a seat vouches for itself", async function () {
      const sys = await loadFixture(fixture);
      const wallet = sys.wallets.lyingNoSeat;
      await expectUnchanged(sys, sys.scope, () =>
        expect(sys.council.approveBySig(sys.pId, [wallet], ["0x"]))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilNotSeatHolder")
          .withArgs(wallet),
      );
    });

    it("a lying wallet with a seat is listed twice to count double", async function () {
      const sys = await loadFixture(fixture);
      const wallet = sys.wallets.lying;
      await expectUnchanged(sys, sys.scope, () =>
        expect(sys.council.approveBySig(sys.pId, [wallet, wallet], ["0x", "0x"]))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilAlreadyApproved")
          .withArgs(sys.pId, wallet),
      );
    });

    it("a lying wallet's yes carries a Standard submit with one holder (2 of 3)", async function () {
      const sys = await loadFixture(fixture);
      const p = await tighteningProposal(sys, keccakId("lying submit"));
      const id = await hashProposal(sys, p);
      const signers = [sys.wallets.lying, sys.holders[0].address];
      const signatures = ["0x", await approval(sys, 0, id)];
      const scope = await scopeOf(sys, [sys.p, p], { accounts: Object.values(sys.wallets) });
      await expectUnchanged(sys, scope, () =>
        expect(sys.council.connect(sys.stranger).submit(...args(p), signers, signatures))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilInsufficientApprovals")
          .withArgs(id, 2, 3),
      );
    });

    it("a lying wallet's garbage is passed off as a holder's signature", async function () {
      const sys = await loadFixture(fixture);
      // The council asks the signer, never a third party: an EOA holder has no code to lie with.
      await expectInvalidFor(sys, sys.holders[3].address, ethers.hexlify(randomBytes(65)));
    });

    it("a seat-holding wallet whose isValidSignature reverts", async function () {
      const sys = await loadFixture(fixture);
      await expectInvalidFor(sys, sys.wallets.reverting, await approval(sys, 0, sys.pId));
    });

    it("a seat-holding wallet that answers the magic value right-aligned", async function () {
      const sys = await loadFixture(fixture);
      await expectInvalidFor(sys, sys.wallets.wrongMagic, "0x");
    });

    it("a seat-holding wallet re-enters council.approve from isValidSignature (staticcall: the re-entry fails)", async function () {
      const sys = await loadFixture(fixture);
      await sys.reentrant.arm(
        sys.addresses.council,
        sys.council.interface.encodeFunctionData("approve", [sys.pId]),
        true,
      );
      await expectInvalidFor(sys, sys.wallets.reentrant, "0x");
    });

    it("a seat-holding wallet re-enters council.veto from isValidSignature, swallows the failure and says yes", async function () {
      const sys = await loadFixture(fixture);
      await sys.reentrant.arm(
        sys.addresses.council,
        sys.council.interface.encodeFunctionData("veto", [sys.qId]),
        false,
      );
      // The staticcall context makes the re-entered veto fail; the wallet's own approval is all that is recorded.
      await expect(sys.council.approveBySig(sys.pId, [sys.wallets.reentrant], ["0x"]))
        .to.emit(sys.council, "Approved")
        .withArgs(sys.pId, sys.wallets.reentrant)
        .and.not.to.emit(sys.council, "VetoCast");
      expect(await sys.council.vetoCount(sys.qId)).to.equal(0n);
      expect(await sys.council.approvalCount(sys.pId)).to.equal(2n);
      // ...and it cannot be relayed a second time.
      await expectUnchanged(sys, sys.scope, () =>
        expect(sys.council.approveBySig(sys.pId, [sys.wallets.reentrant], ["0x"]))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilAlreadyApproved")
          .withArgs(sys.pId, sys.wallets.reentrant),
      );
    });
  });

  describe("burned seats", function () {
    it("a burned seat's valid signature is relayed after the burn", async function () {
      const sys = await loadFixture(fixture);
      const signature = await approval(sys, 4, sys.pId);
      await pass(sys, burnProposal(sys, 5, keccakId("burn seat 5")));
      expect(await sys.council.state(sys.pId)).to.equal(ProposalState.Pending);
      await expectUnchanged(sys, sys.scope, () =>
        expect(sys.council.approveBySig(sys.pId, [sys.holders[4].address], [signature]))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilNotSeatHolder")
          .withArgs(sys.holders[4].address),
      );
    });

    it("a burned seat's earlier approval is counted to queue", async function () {
      const sys = await loadFixture(fixture);
      await sys.council.connect(sys.holders[1]).approve(sys.pId);
      await sys.council.approveBySig(sys.pId, [sys.holders[4].address], [await approval(sys, 4, sys.pId)]);
      expect(await sys.council.approvalCount(sys.pId)).to.equal(3n);
      await pass(sys, burnProposal(sys, 5, keccakId("burn seat 5")));
      await expectUnchanged(sys, sys.scope, () =>
        expect(sys.council.queue(...args(sys.p)))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilInsufficientApprovals")
          .withArgs(sys.pId, 2, 3),
      );
    });
  });
});

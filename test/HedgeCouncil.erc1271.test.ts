// HedgeCouncil: a contract wallet (ERC-1271, a stand-in for a Safe) holding a seat. The seat is minted through
// governance (a Critical proposal calling seats.mint), then the wallet approves by signature (its owner EOA signs
// the approval digest, the wallet answers 0x1626ba7e) and on chain.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { id as keccakId, type Interface } from "ethers";

import { signApproval } from "../scripts/lib/signing";
import type { Mock1271Wallet } from "../typechain-types";
import {
  approvedIn,
  DAY,
  deployCouncilSystem,
  ERC1271_MAGIC,
  expectProposalUnchanged,
  hashProposal,
  highSTwin,
  looseningProposal,
  mintProposal,
  pass,
  proposeAndApprove,
  proposeArgs,
  ProposalState,
  sign,
  snapshotProposal,
  Tier,
  tighteningProposal,
} from "./helpers/system";

async function fixture() {
  const sys = await deployCouncilSystem();
  const owner = sys.strangers[1];
  const wallet: Mock1271Wallet = await (await ethers.getContractFactory("Mock1271Wallet")).deploy(owner.address);
  await wallet.waitForDeployment();
  const walletAddress = await wallet.getAddress();
  const mintId = await pass(sys, mintProposal(sys, walletAddress));
  return { ...sys, owner, wallet, walletAddress, mintId };
}

describe("HedgeCouncil with an ERC-1271 seat holder", function () {
  it("the wallet's seat was minted through a Critical proposal", async function () {
    const sys = await loadFixture(fixture);
    expect(await sys.council.state(sys.mintId)).to.equal(ProposalState.Executed);
    expect(await sys.seats.seatOf(sys.walletAddress)).to.equal(6n);
    expect(await sys.seats.ownerOf(6)).to.equal(sys.walletAddress);
    expect(await sys.seats.seatCount()).to.equal(6n);
    expect(await sys.seats.seatOf(sys.owner.address)).to.equal(0n);
  });

  it("approves by signature: the owner signs the digest for the wallet's seat, the wallet validates it", async function () {
    const sys = await loadFixture(fixture);
    const { council, wallet, walletAddress, owner } = sys;
    const id = await proposeAndApprove(sys, await tighteningProposal(sys), [sys.holders[0]]);
    const [signed] = await sign(sys, [owner], id, { seatIds: [6] });
    const digest = await council.approvalDigest(id, 6, signed.validUntil);
    expect(await wallet.isValidSignature(digest, signed.signature)).to.equal(ERC1271_MAGIC);

    await expect(council.connect(sys.stranger).approveBySig(id, [signed]))
      .to.emit(council, "Approved")
      .withArgs(id, walletAddress);
    expect(await council.hasApproved(id, walletAddress)).to.equal(true);
    expect(await council.approvalCount(id)).to.equal(2n);

    // Seat 6 is recorded now: relayed again, the signature is ignored.
    const before = await snapshotProposal(council, id, sys.holders);
    expect(await approvedIn(sys, council.approveBySig(id, [signed]))).to.deep.equal([]);
    await expectProposalUnchanged(sys, id, before);
  });

  it("counts towards submit's threshold, and as the first signature makes the wallet the proposer", async function () {
    const sys = await loadFixture(fixture);
    const { council, walletAddress, owner, holders } = sys;
    const p = await tighteningProposal(sys, "with wallet");
    const id = await hashProposal(sys, p);
    const signatures = [
      ...(await sign(sys, [owner], id, { seatIds: [6] })),
      ...(await sign(sys, [holders[0], holders[1]], id)),
    ];
    await expect(council.connect(sys.stranger).submit(...proposeArgs(p), signatures))
      .to.emit(council, "ProposalCreated")
      .withArgs(id, walletAddress, Tier.Standard, p.targets, p.values, p.calldatas, p.description);
    expect(await council.state(id)).to.equal(ProposalState.Queued);
    expect(await council.approvalCount(id)).to.equal(3n);
    expect(await council.hasApproved(id, walletAddress)).to.equal(true);
  });

  it("refuses a signature the wallet does not accept, naming its seat", async function () {
    const sys = await loadFixture(fixture);
    const { council, wallet, holders } = sys;
    const id = await proposeAndApprove(sys, await tighteningProposal(sys), [holders[0]]);
    const validUntil = BigInt(await time.latest()) + BigInt(DAY);
    const approval = { proposalId: id, seatId: 6n, validUntil };
    const sign6 = (signer: (typeof holders)[0], a = approval) =>
      signApproval(signer, sys.chainId, sys.addresses.council, a);
    const before = await snapshotProposal(council, id, holders);
    const cases = [
      await sign6(holders[1]), // not the owner
      await sign6(sys.owner, { ...approval, proposalId: keccakId("another proposal") }),
      await sign6(sys.owner, { ...approval, seatId: 1n }), // the owner's approval for another seat
      highSTwin(await sign6(sys.owner)), // the wallet refuses malleable signatures too
      "0x",
    ];
    for (const signature of cases) {
      expect(await wallet.isValidSignature(await council.approvalDigest(id, 6, validUntil), signature)).to.equal(
        "0xffffffff",
      );
      await expect(council.approveBySig(id, [{ seatId: 6n, validUntil, signature }]))
        .to.be.revertedWithCustomError(council, "HedgeCouncilInvalidSignature")
        .withArgs(6);
    }
    await expectProposalUnchanged(sys, id, before);
    expect(await council.hasApproved(id, sys.walletAddress)).to.equal(false);
  });

  it("the owner's signature does not count for the owner itself, who holds no seat, nor for another seat", async function () {
    const sys = await loadFixture(fixture);
    const { council, owner, holders } = sys;
    const id = await proposeAndApprove(sys, await tighteningProposal(sys), [holders[0]]);
    const before = await snapshotProposal(council, id, holders);
    const [asItself] = await sign(sys, [owner], id);
    expect(asItself.seatId).to.equal(0n);
    await expect(council.approveBySig(id, [asItself]))
      .to.be.revertedWithCustomError(council, "HedgeCouncilSeatNotFound")
      .withArgs(0);
    const [asSeat2] = await sign(sys, [owner], id, { seatIds: [2] });
    await expect(council.approveBySig(id, [asSeat2]))
      .to.be.revertedWithCustomError(council, "HedgeCouncilInvalidSignature")
      .withArgs(2);
    await expectProposalUnchanged(sys, id, before);
  });

  it("proposes on chain as a contract: the wallet is the proposer and its approval counts", async function () {
    const sys = await loadFixture(fixture);
    const { council, wallet, walletAddress, owner } = sys;
    const p = await tighteningProposal(sys);
    const id = await hashProposal(sys, p);
    const tx = wallet
      .connect(owner)
      .call(sys.addresses.council, council.interface.encodeFunctionData("propose", proposeArgs(p)));
    await expect(tx)
      .to.emit(council, "ProposalCreated")
      .withArgs(id, walletAddress, Tier.Standard, p.targets, p.values, p.calldatas, p.description);
    await expect(tx).to.emit(council, "Approved").withArgs(id, walletAddress);
    expect(await council.hasApproved(id, walletAddress)).to.equal(true);
    expect(await council.hasApproved(id, owner.address)).to.equal(false);
    expect(await council.approvalCount(id)).to.equal(1n);
  });

  it("is refused as itself when it revokes twice with nothing to withdraw, approves twice or vetoes twice", async function () {
    const sys = await loadFixture(fixture);
    const { council, wallet, walletAddress, owner, holders } = sys;
    // A Critical proposal: the only kind a veto applies to.
    const id = await proposeAndApprove(sys, await looseningProposal(sys), [holders[0]]);
    const callCouncil = (fn: "approve" | "revoke" | "veto") =>
      wallet.connect(owner).call(sys.addresses.council, (council.interface as Interface).encodeFunctionData(fn, [id]));
    // Revoking without an approval marks the wallet; a second revocation has nothing to do.
    await expect(callCouncil("revoke")).to.emit(council, "Revoked").withArgs(id, walletAddress);
    await expect(callCouncil("revoke"))
      .to.be.revertedWithCustomError(council, "HedgeCouncilAlreadyRevoked")
      .withArgs(id, walletAddress);
    await callCouncil("approve");
    await expect(callCouncil("approve"))
      .to.be.revertedWithCustomError(council, "HedgeCouncilAlreadyApproved")
      .withArgs(id, walletAddress);
    await callCouncil("veto");
    await expect(callCouncil("veto"))
      .to.be.revertedWithCustomError(council, "HedgeCouncilAlreadyVetoed")
      .withArgs(id, walletAddress);
    expect(await council.approvalCount(id)).to.equal(2n);
    expect(await council.vetoCount(id)).to.equal(1n);
  });

  it("approves, revokes and vetoes on chain as a contract", async function () {
    const sys = await loadFixture(fixture);
    const { council, wallet, walletAddress, owner, holders } = sys;
    const id = await proposeAndApprove(sys, await looseningProposal(sys), [holders[0]]);
    const approveData = council.interface.encodeFunctionData("approve", [id]);
    await expect(wallet.connect(owner).call(sys.addresses.council, approveData))
      .to.emit(council, "Approved")
      .withArgs(id, walletAddress);
    expect(await council.approvalCount(id)).to.equal(2n);
    await expect(
      wallet.connect(owner).call(sys.addresses.council, council.interface.encodeFunctionData("revoke", [id])),
    )
      .to.emit(council, "Revoked")
      .withArgs(id, walletAddress);
    expect(await council.approvalCount(id)).to.equal(1n);
    // The revocation belongs to the wallet (the caller), not to the owner who sent the transaction: the wallet's
    // signature relayed afterwards is refused.
    expect(await council.hasRevoked(id, walletAddress)).to.equal(true);
    expect(await council.hasRevoked(id, owner.address)).to.equal(false);
    const signed = await sign(sys, [owner], id, { seatIds: [6] });
    await expect(council.connect(sys.stranger).approveBySig(id, signed))
      .to.be.revertedWithCustomError(council, "HedgeCouncilSignatureRevoked")
      .withArgs(id, 6, walletAddress);
    await expect(wallet.connect(owner).call(sys.addresses.council, council.interface.encodeFunctionData("veto", [id])))
      .to.emit(council, "VetoCast")
      .withArgs(id, walletAddress);
    expect(await council.vetoCount(id)).to.equal(1n);
  });

  it("revokes before the proposal exists, and the owner's signature for the wallet then never counts", async function () {
    const sys = await loadFixture(fixture);
    const { council, wallet, walletAddress, owner, holders } = sys;
    const p = await tighteningProposal(sys, "revoked by the wallet before it existed");
    const id = await hashProposal(sys, p);
    const signatures = [
      ...(await sign(sys, [holders[0], holders[1]], id)),
      ...(await sign(sys, [owner], id, { seatIds: [6] })),
    ];
    await expect(
      wallet.connect(owner).call(sys.addresses.council, council.interface.encodeFunctionData("revoke", [id])),
    )
      .to.emit(council, "Revoked")
      .withArgs(id, walletAddress);
    expect(await council.state(id)).to.equal(ProposalState.Unknown);
    await expect(council.connect(sys.stranger).submit(...proposeArgs(p), signatures))
      .to.be.revertedWithCustomError(council, "HedgeCouncilSignatureRevoked")
      .withArgs(id, 6, walletAddress);
    expect(await council.state(id)).to.equal(ProposalState.Unknown);
    expect(await council.proposalMarks(id)).to.deep.equal([0n, 0n]);
  });
});

// HedgeCouncil: a contract wallet (ERC-1271, a stand-in for a Safe) holding a seat. The seat is minted through
// governance (a Critical proposal calling seats.mint), then the wallet approves by signature (its owner EOA signs
// the approval digest, the wallet answers 0x1626ba7e) and on chain.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { id as keccakId, type Interface } from "ethers";

import { signApproval } from "../scripts/lib/signing";
import type { Mock1271Wallet } from "../typechain-types";
import {
  args,
  deployCouncilSystem,
  ERC1271_MAGIC,
  expectProposalUnchanged,
  hashProposal,
  mintProposal,
  pass,
  proposeAndApprove,
  ProposalState,
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

  it("approves by signature: the owner signs the digest, the wallet validates it", async function () {
    const sys = await loadFixture(fixture);
    const { council, wallet, walletAddress, owner } = sys;
    const id = await proposeAndApprove(sys, await tighteningProposal(sys), [sys.holders[0]]);
    const signature = await signApproval(owner, sys.chainId, sys.addresses.council, id);
    expect(await wallet.isValidSignature(await council.approvalDigest(id), signature)).to.equal(ERC1271_MAGIC);

    await expect(council.connect(sys.stranger).approveBySig(id, [walletAddress], [signature]))
      .to.emit(council, "Approved")
      .withArgs(id, walletAddress);
    expect(await council.hasApproved(id, walletAddress)).to.equal(true);
    expect(await council.approvalCount(id)).to.equal(2n);

    await expect(council.approveBySig(id, [walletAddress], [signature]))
      .to.be.revertedWithCustomError(council, "HedgeCouncilAlreadyApproved")
      .withArgs(id, walletAddress);
  });

  it("counts towards submit's threshold", async function () {
    const sys = await loadFixture(fixture);
    const { council, walletAddress, owner, holders } = sys;
    const p = await tighteningProposal(sys, keccakId("with wallet"));
    const id = await hashProposal(sys, p);
    const signers = [walletAddress, holders[0].address, holders[1].address];
    const signatures = [
      await signApproval(owner, sys.chainId, sys.addresses.council, id),
      await signApproval(holders[0], sys.chainId, sys.addresses.council, id),
      await signApproval(holders[1], sys.chainId, sys.addresses.council, id),
    ];
    await expect(council.connect(sys.stranger).submit(...args(p), signers, signatures))
      .to.emit(council, "ProposalCreated")
      .withArgs(id, walletAddress, 1, p.targets, p.values, p.calldatas, p.salt);
    expect(await council.state(id)).to.equal(ProposalState.Queued);
    expect(await council.approvalCount(id)).to.equal(3n);
  });

  it("refuses a signature the wallet does not accept", async function () {
    const sys = await loadFixture(fixture);
    const { council, wallet, walletAddress, holders } = sys;
    const id = await proposeAndApprove(sys, await tighteningProposal(sys), [holders[0]]);
    const before = await snapshotProposal(council, id, holders);
    const cases = [
      await signApproval(holders[1], sys.chainId, sys.addresses.council, id), // not the owner
      await signApproval(sys.owner, sys.chainId, sys.addresses.council, keccakId("another proposal")),
      "0x",
    ];
    for (const signature of cases) {
      expect(await wallet.isValidSignature(await council.approvalDigest(id), signature)).to.equal("0xffffffff");
      await expect(council.approveBySig(id, [walletAddress], [signature]))
        .to.be.revertedWithCustomError(council, "HedgeCouncilInvalidSignature")
        .withArgs(walletAddress);
    }
    await expectProposalUnchanged(sys, id, before);
    expect(await council.hasApproved(id, walletAddress)).to.equal(false);
  });

  it("the owner's signature does not count for the owner itself, who holds no seat", async function () {
    const sys = await loadFixture(fixture);
    const { council, owner, holders } = sys;
    const id = await proposeAndApprove(sys, await tighteningProposal(sys), [holders[0]]);
    const before = await snapshotProposal(council, id, holders);
    const signature = await signApproval(owner, sys.chainId, sys.addresses.council, id);
    await expect(council.approveBySig(id, [owner.address], [signature]))
      .to.be.revertedWithCustomError(council, "HedgeCouncilNotSeatHolder")
      .withArgs(owner.address);
    await expectProposalUnchanged(sys, id, before);
  });

  it("proposes on chain as a contract: the wallet is the proposer and its approval counts", async function () {
    const sys = await loadFixture(fixture);
    const { council, wallet, walletAddress, owner } = sys;
    const p = await tighteningProposal(sys);
    const id = await hashProposal(sys, p);
    const tx = wallet
      .connect(owner)
      .call(sys.addresses.council, council.interface.encodeFunctionData("propose", args(p)));
    await expect(tx)
      .to.emit(council, "ProposalCreated")
      .withArgs(id, walletAddress, Tier.Standard, p.targets, p.values, p.calldatas, p.salt);
    await expect(tx).to.emit(council, "Approved").withArgs(id, walletAddress);
    expect(await council.hasApproved(id, walletAddress)).to.equal(true);
    expect(await council.hasApproved(id, owner.address)).to.equal(false);
    expect(await council.approvalCount(id)).to.equal(1n);
  });

  it("is refused as itself when it approves twice, revokes without approving or vetoes twice", async function () {
    const sys = await loadFixture(fixture);
    const { council, wallet, walletAddress, owner, holders } = sys;
    const id = await proposeAndApprove(sys, await tighteningProposal(sys), [holders[0]]);
    const callCouncil = (fn: "approve" | "revoke" | "veto") =>
      wallet.connect(owner).call(sys.addresses.council, (council.interface as Interface).encodeFunctionData(fn, [id]));
    await expect(callCouncil("revoke"))
      .to.be.revertedWithCustomError(council, "HedgeCouncilNotApproved")
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
    const id = await proposeAndApprove(sys, await tighteningProposal(sys), [holders[0]]);
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
    const signature = await signApproval(owner, sys.chainId, sys.addresses.council, id);
    await expect(council.connect(sys.stranger).approveBySig(id, [walletAddress], [signature]))
      .to.be.revertedWithCustomError(council, "HedgeCouncilSignatureRevoked")
      .withArgs(id, walletAddress);
    await expect(wallet.connect(owner).call(sys.addresses.council, council.interface.encodeFunctionData("veto", [id])))
      .to.emit(council, "VetoCast")
      .withArgs(id, walletAddress);
    expect(await council.vetoCount(id)).to.equal(1n);
  });
});

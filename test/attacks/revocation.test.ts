// Attacks: withdrawn consent brought back. A revocation belongs to the address that made it, whatever seat it holds
// later: no signature of that address counts for that id again, only its fresh on-chain consent does. A signature
// names its seat (rules v3), so a seat burned and minted again to the same address under a new id never revives a
// signature made for the old one. Rules v2 refused `revoke` from a signer with nothing recorded yet; now a seat holder
// can withdraw a signature before anyone relays it. Each refusal names the seat and leaves the whole system unchanged.
import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";

import {
  burnCall,
  deployCouncilSystem,
  hashProposal,
  mintCall,
  pass,
  proposal,
  proposeAndApprove,
  proposeArgs,
  ProposalState,
  sign,
  tighteningProposal,
} from "../helpers/system";
import { expectUnchanged, scopeOf } from "./attacks.behavior";

async function fixture() {
  return deployCouncilSystem();
}

describe("Attacks: withdrawn consent brought back", function () {
  before(async () => loadFixture(fixture)); // the deployment, once, outside the tests' time

  it("A approves by signature, revokes, is re-seated under a new id: neither the old signature nor a new one counts", async function () {
    const sys = await loadFixture(fixture);
    const a = sys.holders[4]; // seat 5
    const p = await tighteningProposal(sys);
    const id = await proposeAndApprove(sys, p, [sys.holders[0]]);
    const signed = await sign(sys, [a], id);
    await expect(sys.council.connect(sys.stranger).approveBySig(id, signed))
      .to.emit(sys.council, "Approved")
      .withArgs(id, a.address);
    await expect(sys.council.connect(a).revoke(id)).to.emit(sys.council, "Revoked").withArgs(id, a.address);
    expect(await sys.council.hasRevoked(id, a.address)).to.equal(true);
    expect(await sys.council.approvalCount(id)).to.equal(1n);
    // The seat is rotated: burned, then minted again to the same address (seat 5 → seat 6), as one Critical batch.
    await pass(sys, proposal([burnCall(sys, 5), mintCall(sys, a.address)], "rotate A"));
    expect(await sys.seats.seatOf(a.address)).to.equal(6n);
    expect(await sys.council.state(id)).to.equal(ProposalState.Pending);
    const fresh = await sign(sys, [a], id); // for seat 6
    const genuine = await sign(sys, [sys.holders[1]], id);
    await expectUnchanged(sys, await scopeOf(sys, [p]), async () => {
      // The old signature names seat 5, which is gone.
      await expect(sys.council.connect(sys.stranger).approveBySig(id, signed))
        .to.be.revertedWithCustomError(sys.council, "HedgeCouncilSeatNotFound")
        .withArgs(5);
      // Relabelled as seat 6, or signed anew for seat 6: A's address revoked this id, whatever seat it holds.
      for (const s of [{ ...signed[0], seatId: 6n }, fresh[0]]) {
        await expect(sys.council.connect(sys.stranger).approveBySig(id, [s]))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilSignatureRevoked")
          .withArgs(id, 6, a.address);
      }
      // Mixed into a batch with a genuine signature, it sinks the batch: nothing is recorded.
      await expect(sys.council.connect(sys.stranger).approveBySig(id, [...genuine, ...fresh]))
        .to.be.revertedWithCustomError(sys.council, "HedgeCouncilSignatureRevoked")
        .withArgs(id, 6, a.address);
    });
    // A's fresh on-chain approval is new consent, and counts.
    await expect(sys.council.connect(a).approve(id)).to.emit(sys.council, "Approved").withArgs(id, a.address);
    expect(await sys.council.approvalCount(id)).to.equal(2n);
    expect(await sys.council.hasApproved(id, a.address)).to.equal(true);
  });

  it("A signed but the signature was never relayed: revoke alone closes the door (rules v2 refused it)", async function () {
    const sys = await loadFixture(fixture);
    const a = sys.holders[4];
    const p = proposal([mintCall(sys, sys.strangers[5].address)], "seat for a friend");
    const id = await proposeAndApprove(sys, p, [sys.holders[0]]);
    const signed = await sign(sys, [a], id);
    // Nothing of A is on chain yet: the revocation marks A's address for this id, and withdraws nothing.
    await expect(sys.council.connect(a).revoke(id)).to.emit(sys.council, "Revoked").withArgs(id, a.address);
    expect(await sys.council.hasRevoked(id, a.address)).to.equal(true);
    expect(await sys.council.approvalCount(id)).to.equal(1n);
    expect(await sys.council.state(id)).to.equal(ProposalState.Pending);
    await expectUnchanged(sys, await scopeOf(sys, [p]), async () => {
      await expect(sys.council.connect(sys.stranger).approveBySig(id, signed))
        .to.be.revertedWithCustomError(sys.council, "HedgeCouncilSignatureRevoked")
        .withArgs(id, 5, a.address);
      await expect(sys.council.connect(a).revoke(id))
        .to.be.revertedWithCustomError(sys.council, "HedgeCouncilAlreadyRevoked")
        .withArgs(id, a.address);
    });
    // The way rules v2 required (approve on chain, then revoke) still works: B's approval is withdrawn and B's
    // signature in the relayer's hands is dead.
    const b = sys.holders[3]; // seat 4
    const bSigned = await sign(sys, [b], id);
    await sys.council.connect(b).approve(id);
    expect(await sys.council.approvalCount(id)).to.equal(2n);
    await sys.council.connect(b).revoke(id);
    expect(await sys.council.approvalCount(id)).to.equal(1n);
    await expectUnchanged(sys, await scopeOf(sys, [p]), () =>
      expect(sys.council.connect(sys.stranger).approveBySig(id, bSigned))
        .to.be.revertedWithCustomError(sys.council, "HedgeCouncilSignatureRevoked")
        .withArgs(id, 4, b.address),
    );
  });

  it("a seat re-minted to its revoker does not revive the revoked signature through submit of a twin proposal either", async function () {
    const sys = await loadFixture(fixture);
    const a = sys.holders[4];
    const p = proposal([mintCall(sys, sys.strangers[5].address)], "seat for a friend");
    const id = await proposeAndApprove(sys, p, [sys.holders[0], a]);
    const old = await sign(sys, [a], id); // seat 5
    await sys.council.connect(a).revoke(id);
    await pass(sys, proposal([burnCall(sys, 5), mintCall(sys, a.address)], "rotate A"));
    // A twin with another description has another id: A's old signature is of the first id (and of seat 5).
    const twin = { ...p, description: "seat for a friend, again" };
    const twinId = await hashProposal(sys, twin);
    expect(twinId).to.not.equal(id);
    const three = await sign(sys, sys.holders.slice(0, 3), twinId);
    await expectUnchanged(sys, await scopeOf(sys, [p, twin]), async () => {
      await expect(sys.council.connect(sys.stranger).submit(...proposeArgs(twin), [...three, old[0]]))
        .to.be.revertedWithCustomError(sys.council, "HedgeCouncilSeatNotFound")
        .withArgs(5);
      await expect(
        sys.council.connect(sys.stranger).submit(...proposeArgs(twin), [...three, { ...old[0], seatId: 6n }]),
      )
        .to.be.revertedWithCustomError(sys.council, "HedgeCouncilInvalidSignature")
        .withArgs(6);
      await expect(sys.council.connect(sys.stranger).approveBySig(id, old))
        .to.be.revertedWithCustomError(sys.council, "HedgeCouncilSeatNotFound")
        .withArgs(5);
      await expect(sys.council.connect(sys.stranger).approveBySig(id, [{ ...old[0], seatId: 6n }]))
        .to.be.revertedWithCustomError(sys.council, "HedgeCouncilSignatureRevoked")
        .withArgs(id, 6, a.address);
    });
    expect(await sys.council.state(twinId)).to.equal(ProposalState.Unknown);
  });
});

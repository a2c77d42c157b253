// HedgeCouncil: EIP-712 approvals (ethers signTypedData and the node's eth_signTypedData_v4), approveBySig and its
// refusals (non-holders, wrong or tampered signatures, high-s twins, duplicates), and submit (all or nothing, no
// seat needed from the relayer). ERC-1271 contract signers have their own file.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { AbiCoder, concat, getBytes, hexlify, id as keccakId, TypedDataEncoder, ZeroHash } from "ethers";

import {
  approvalDigest,
  approvalTypedDataV4,
  packApprovals,
  recoverApprover,
  signApproval,
} from "../scripts/lib/signing";
import {
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
  ProposalState,
  SECP256K1_N,
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

/** Proposal `p` must not exist: nothing was recorded. */
async function expectNothingRecorded(sys: CouncilSystem, p: Proposal) {
  const id = await hashProposal(sys, p);
  expect(await sys.council.state(id)).to.equal(ProposalState.Unknown);
  expect(await sys.council.approvalCount(id)).to.equal(0n);
  expect(await sys.council.proposalDeadline(id)).to.equal(0n);
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

describe("HedgeCouncil signatures", function () {
  describe("EIP-712", function () {
    it("approvalDigest matches the off-chain digest of Approval(bytes32 proposalId)", async function () {
      const sys = await loadFixture(fixture);
      const id = await hashProposal(sys, await tighteningProposal(sys));
      const offChain = approvalDigest(sys.chainId, sys.addresses.council, id);
      expect(await sys.council.approvalDigest(id)).to.equal(offChain);
      expect(offChain).to.equal(
        TypedDataEncoder.hash(
          { name: "HedgeCouncil", version: "1", chainId: sys.chainId, verifyingContract: sys.addresses.council },
          { Approval: [{ name: "proposalId", type: "bytes32" }] },
          { proposalId: id },
        ),
      );
      expect(await sys.council.approvalDigest(keccakId("other"))).to.not.equal(offChain);
    });

    it("publishes its domain (ERC-5267)", async function () {
      const sys = await loadFixture(fixture);
      const domain = await sys.council.eip712Domain();
      expect(domain.name).to.equal("HedgeCouncil");
      expect(domain.version).to.equal("1");
      expect(domain.chainId).to.equal(sys.chainId);
      expect(domain.verifyingContract).to.equal(sys.addresses.council);
      expect(domain.salt).to.equal(ZeroHash);
    });

    it("accepts signatures from ethers signTypedData and from the node's eth_signTypedData_v4", async function () {
      const sys = await loadFixture(fixture);
      const { council, holders, chainId, addresses } = sys;
      const p = await tighteningProposal(sys);
      const id = await proposeAndApprove(sys, p, [holders[0]]);

      const byEthers = await signApproval(holders[1], chainId, addresses.council, id);
      const byNode: string = await ethers.provider.send("eth_signTypedData_v4", [
        holders[2].address,
        JSON.stringify(approvalTypedDataV4(chainId, addresses.council, id)),
      ]);
      // Both are the same EIP-712 signature scheme: the node signs exactly what ethers signs.
      const byNodeForHolder1: string = await ethers.provider.send("eth_signTypedData_v4", [
        holders[1].address,
        JSON.stringify(approvalTypedDataV4(chainId, addresses.council, id)),
      ]);
      expect(byNodeForHolder1).to.equal(byEthers);
      expect(recoverApprover(chainId, addresses.council, id, byNode)).to.equal(holders[2].address);

      const packed = packApprovals([
        { signer: holders[1].address, signature: byEthers },
        { signer: holders[2].address, signature: byNode },
      ]);
      const tx = council.connect(sys.stranger).approveBySig(id, packed.signers, packed.signatures);
      await expect(tx).to.emit(council, "Approved").withArgs(id, holders[1].address);
      await expect(tx).to.emit(council, "Approved").withArgs(id, holders[2].address);
      expect(await council.approvalCount(id)).to.equal(3n);
      expect(await council.hasApproved(id, holders[2].address)).to.equal(true);
    });
  });

  describe("approveBySig", function () {
    it("refuses mismatched or empty arrays", async function () {
      const sys = await loadFixture(fixture);
      const id = await proposeAndApprove(sys, await tighteningProposal(sys), [sys.holders[0]]);
      const signed = await sign(sys, sys.holders.slice(1, 3), id);
      const before = await snapshotProposal(sys.council, id, sys.holders);
      const cases: [string[], string[]][] = [
        [[], []],
        [signed.signers, signed.signatures.slice(0, 1)],
        [signed.signers.slice(0, 1), signed.signatures],
      ];
      for (const [signers, signatures] of cases) {
        await expect(sys.council.approveBySig(id, signers, signatures))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilSignatureCountMismatch")
          .withArgs(signers.length, signatures.length);
      }
      await expectProposalUnchanged(sys, id, before);
    });

    it("refuses a signer without a seat, and records nothing of the batch", async function () {
      const sys = await loadFixture(fixture);
      const id = await proposeAndApprove(sys, await tighteningProposal(sys), [sys.holders[0]]);
      const signed = await sign(sys, [sys.holders[1], sys.stranger], id);
      const before = await snapshotProposal(sys.council, id, sys.holders);
      await expect(sys.council.approveBySig(id, signed.signers, signed.signatures))
        .to.be.revertedWithCustomError(sys.council, "HedgeCouncilNotSeatHolder")
        .withArgs(sys.stranger.address);
      await expectProposalUnchanged(sys, id, before);
      expect(await sys.council.hasApproved(id, sys.holders[1].address)).to.equal(false);
    });

    it("refuses a signature by another holder, for another proposal, or tampered", async function () {
      const sys = await loadFixture(fixture);
      const { council, holders, chainId, addresses } = sys;
      const id = await proposeAndApprove(sys, await tighteningProposal(sys), [holders[0]]);
      const valid = await signApproval(holders[1], chainId, addresses.council, id);
      const bytes = getBytes(valid);
      const tamperedR = Uint8Array.from(bytes);
      tamperedR[5] ^= 0x01;
      const tamperedV = Uint8Array.from(bytes);
      tamperedV[64] = bytes[64] === 27 ? 28 : 27;
      const invalid = [
        await signApproval(holders[2], chainId, addresses.council, id), // another holder's
        await signApproval(holders[1], chainId, addresses.council, keccakId("another proposal")),
        await signApproval(holders[1], chainId, sys.stranger.address, id), // another verifying contract
        await signApproval(holders[1], chainId + 1n, addresses.council, id), // another chain
        hexlify(tamperedR),
        hexlify(tamperedV),
        hexlify(bytes.slice(0, 64)), // too short
        concat([valid, "0x00"]), // too long
        "0x",
      ];
      const before = await snapshotProposal(council, id, holders);
      for (const signature of invalid) {
        await expect(council.approveBySig(id, [holders[1].address], [signature]))
          .to.be.revertedWithCustomError(council, "HedgeCouncilInvalidSignature")
          .withArgs(holders[1].address);
      }
      await expectProposalUnchanged(sys, id, before);

      await council.approveBySig(id, [holders[1].address], [valid]);
      expect(await council.approvalCount(id)).to.equal(2n);
    });

    it("refuses the high-s twin of a valid signature", async function () {
      const sys = await loadFixture(fixture);
      const { council, holders } = sys;
      const id = await proposeAndApprove(sys, await tighteningProposal(sys), [holders[0]]);
      const [valid] = (await sign(sys, [holders[1]], id)).signatures;
      const twin = highSTwin(valid);
      const digest = await council.approvalDigest(id);
      // The twin is a valid ECDSA signature of the same signer for the bare precompile...
      expect(BigInt(hexlify(getBytes(twin).slice(32, 64)))).to.be.greaterThan(SECP256K1_N / 2n);
      expect(await ecrecover(digest, twin)).to.equal(holders[1].address);
      expect(await ecrecover(digest, valid)).to.equal(holders[1].address);

      // ...but malleable, so the council refuses it.
      const before = await snapshotProposal(council, id, holders);
      await expect(council.approveBySig(id, [holders[1].address], [twin]))
        .to.be.revertedWithCustomError(council, "HedgeCouncilInvalidSignature")
        .withArgs(holders[1].address);
      await expectProposalUnchanged(sys, id, before);

      await council.approveBySig(id, [holders[1].address], [valid]);
      expect(await council.hasApproved(id, holders[1].address)).to.equal(true);
      // Once approved, the twin is refused as a duplicate.
      await expect(council.approveBySig(id, [holders[1].address], [twin]))
        .to.be.revertedWithCustomError(council, "HedgeCouncilAlreadyApproved")
        .withArgs(id, holders[1].address);
    });

    it("refuses a signer twice in one batch", async function () {
      const sys = await loadFixture(fixture);
      const id = await proposeAndApprove(sys, await tighteningProposal(sys), [sys.holders[0]]);
      const [signature] = (await sign(sys, [sys.holders[1]], id)).signatures;
      const before = await snapshotProposal(sys.council, id, sys.holders);
      const holder = sys.holders[1].address;
      await expect(sys.council.approveBySig(id, [holder, holder], [signature, signature]))
        .to.be.revertedWithCustomError(sys.council, "HedgeCouncilAlreadyApproved")
        .withArgs(id, holder);
      await expectProposalUnchanged(sys, id, before);
      expect(() =>
        packApprovals([
          { signer: holder, signature },
          { signer: holder.toLowerCase(), signature },
        ]),
      ).to.throw(/appears twice/);
    });

    it("refuses a signer who already approved on chain or by proposing", async function () {
      const sys = await loadFixture(fixture);
      const { council, holders } = sys;
      const id = await proposeAndApprove(sys, await tighteningProposal(sys), [holders[0], holders[1]]);
      const before = await snapshotProposal(council, id, holders);
      for (const holder of [holders[0], holders[1]]) {
        const signed = await sign(sys, [holder], id);
        await expect(council.approveBySig(id, signed.signers, signed.signatures))
          .to.be.revertedWithCustomError(council, "HedgeCouncilAlreadyApproved")
          .withArgs(id, holder.address);
      }
      await expectProposalUnchanged(sys, id, before);
    });

    it("refuses approvals of an unknown or queued proposal", async function () {
      const sys = await loadFixture(fixture);
      const p = await tighteningProposal(sys);
      const unknown = await hashProposal(sys, p);
      const early = await sign(sys, [sys.holders[1]], unknown);
      await expect(sys.council.approveBySig(unknown, early.signers, early.signatures))
        .to.be.revertedWithCustomError(sys.council, "HedgeCouncilUnexpectedProposalState")
        .withArgs(unknown, ProposalState.Unknown);
      expect(await sys.council.approvalCount(unknown)).to.equal(0n);

      const id = await proposeAndApprove(sys, p, sys.holders.slice(0, 3));
      await sys.council.queue(...args(p));
      const late = await sign(sys, [sys.holders[3]], id);
      const before = await snapshotProposal(sys.council, id, sys.holders);
      await expect(sys.council.approveBySig(id, late.signers, late.signatures))
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
      await council.connect(sys.stranger).approveBySig(id, signed.signers, signed.signatures);
      await council.connect(holders[1]).revoke(id);
      expect(await council.approvalCount(id)).to.equal(1n);

      await expect(council.connect(sys.stranger).approveBySig(id, signed.signers, signed.signatures))
        .to.be.revertedWithCustomError(council, "HedgeCouncilSignatureRevoked")
        .withArgs(id, holders[1].address);
      expect(await council.approvalCount(id)).to.equal(1n);
      expect(await council.hasApproved(id, holders[1].address)).to.equal(false);
    });

    it("remembers every revocation, not only the latest", async function () {
      const sys = await loadFixture(fixture);
      const { council, holders } = sys;
      const id = await proposeAndApprove(sys, await tighteningProposal(sys), [holders[0]]);
      const signed = await sign(sys, [holders[1], holders[2]], id);
      await council.connect(sys.stranger).approveBySig(id, signed.signers, signed.signatures);
      await council.connect(holders[1]).revoke(id);
      await council.connect(holders[2]).revoke(id);

      for (const i of [0, 1]) {
        await expect(council.connect(sys.stranger).approveBySig(id, [signed.signers[i]], [signed.signatures[i]]))
          .to.be.revertedWithCustomError(council, "HedgeCouncilSignatureRevoked")
          .withArgs(id, signed.signers[i]);
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
    });

    it("keeps a revocation with the address across a seat rotation: the old signature never counts again", async function () {
      const sys = await loadFixture(fixture);
      const { council, seats, holders } = sys;
      const id = await proposeAndApprove(sys, await tighteningProposal(sys), [holders[0]]);
      const old = await sign(sys, [holders[1]], id);
      await council.approveBySig(id, old.signers, old.signatures);
      await council.connect(holders[1]).revoke(id);
      expect(await council.hasRevoked(id, holders[1].address)).to.equal(true);
      expect(await council.hasRevoked(id, holders[2].address)).to.equal(false);

      // Seat 2 burned, then a new seat (6) minted to the same address.
      const timelock = await asTimelock(sys);
      await seats.connect(timelock).burn(2);
      await seats.connect(timelock).mint(holders[1].address);
      expect(await council.seatOf(holders[1].address)).to.equal(6n);
      const before = await snapshotProposal(council, id, holders);
      await expect(council.connect(sys.stranger).approveBySig(id, old.signers, old.signatures))
        .to.be.revertedWithCustomError(council, "HedgeCouncilSignatureRevoked")
        .withArgs(id, holders[1].address);
      await expectProposalUnchanged(sys, id, before);

      // Fresh consent on chain counts, under the new seat; the mark stays.
      await expect(council.connect(holders[1]).approve(id))
        .to.emit(council, "Approved")
        .withArgs(id, holders[1].address);
      expect(await council.proposalMarks(id)).to.deep.equal([0b100001n, 0n]);
      expect(await council.hasRevoked(id, holders[1].address)).to.equal(true);
    });
  });

  describe("submit", function () {
    it("a 3-of-5 Standard change: one relayed transaction queues it, execute lands it (gas measured)", async function () {
      const sys = await loadFixture(fixture);
      const { council, timelock, policy, holders } = sys;
      const p = await tighteningProposal(sys);
      const id = await hashProposal(sys, p);
      // The order of the signatures decides the proposer: here holder 3 (seat 3) comes first.
      const signed = await sign(sys, [holders[2], holders[0], holders[4]], id);
      const relayer = sys.stranger; // holds no seat
      expect(await council.connect(relayer).submit.staticCall(...args(p), signed.signers, signed.signatures)).to.equal(
        id,
      );

      const at = BigInt(await time.latest()) + 1n;
      await atNextBlock(at);
      const submitTx = await council.connect(relayer).submit(...args(p), signed.signers, signed.signatures);
      await expect(submitTx)
        .to.emit(council, "ProposalCreated")
        .withArgs(id, holders[2].address, Tier.Standard, p.targets, p.values, p.calldatas, p.salt);
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

    it("a Fast nudge runs in the submitting transaction", async function () {
      const sys = await loadFixture(fixture);
      const { council, policy, holders } = sys;
      const p = nudgeProposal(sys, 2_700);
      const id = await hashProposal(sys, p);
      const signed = await sign(sys, holders.slice(3, 5), id);
      const policyBefore = await snapshotPolicy(policy);
      const tx = council.connect(sys.stranger).submit(...args(p), signed.signers, signed.signatures);
      await expect(tx)
        .to.emit(council, "ProposalCreated")
        .withArgs(id, holders[3].address, Tier.Fast, p.targets, p.values, p.calldatas, p.salt);
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
      await expect(sys.council.submit(...args(p), signed.signers, signed.signatures))
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
        await expect(sys.council.connect(sys.stranger).submit(...args(p), signed.signers, signed.signatures))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilInsufficientApprovals")
          .withArgs(id, count, threshold);
        await expectNothingRecorded(sys, p);
      }
      expect(await snapshotPolicy(sys.policy)).to.deep.equal(policyBefore);
    });

    it("refuses bad signatures, non-holders, duplicates and empty signer lists, recording nothing", async function () {
      const sys = await loadFixture(fixture);
      const { council, holders } = sys;
      const p = await tighteningProposal(sys);
      const id = await hashProposal(sys, p);
      const good = await sign(sys, holders.slice(0, 3), id);

      await expect(council.submit(...args(p), [], []))
        .to.be.revertedWithCustomError(council, "HedgeCouncilSignatureCountMismatch")
        .withArgs(0, 0);
      await expect(council.submit(...args(p), good.signers, good.signatures.slice(0, 2)))
        .to.be.revertedWithCustomError(council, "HedgeCouncilSignatureCountMismatch")
        .withArgs(3, 2);

      const badSig = [...good.signatures];
      badSig[1] = highSTwin(badSig[1]);
      await expect(council.submit(...args(p), good.signers, badSig))
        .to.be.revertedWithCustomError(council, "HedgeCouncilInvalidSignature")
        .withArgs(holders[1].address);

      const withStranger = await sign(sys, [sys.stranger, ...holders.slice(0, 3)], id);
      await expect(council.submit(...args(p), withStranger.signers, withStranger.signatures))
        .to.be.revertedWithCustomError(council, "HedgeCouncilNotSeatHolder")
        .withArgs(sys.stranger.address);

      const dup = await sign(sys, [holders[0], holders[1], holders[0]], id);
      await expect(council.submit(...args(p), dup.signers, dup.signatures))
        .to.be.revertedWithCustomError(council, "HedgeCouncilAlreadyApproved")
        .withArgs(id, holders[0].address);

      await expectNothingRecorded(sys, p);
    });

    it("refuses an existing proposal and a mixed Fast batch", async function () {
      const sys = await loadFixture(fixture);
      const { council, holders } = sys;
      const p = await tighteningProposal(sys);
      const id = await proposeAndApprove(sys, p, [holders[0]]);
      const before = await snapshotProposal(council, id, holders);
      const signed = await sign(sys, holders.slice(1, 4), id);
      await expect(council.submit(...args(p), signed.signers, signed.signatures))
        .to.be.revertedWithCustomError(council, "HedgeCouncilProposalExists")
        .withArgs(id);
      await expectProposalUnchanged(sys, id, before);

      const mixed = proposal([nudgeCoverageCall(sys, 2_600), mintCall(sys, sys.stranger.address)]);
      const mixedSigned = await sign(sys, holders.slice(0, 4), await hashProposal(sys, mixed));
      await expect(council.submit(...args(mixed), mixedSigned.signers, mixedSigned.signatures))
        .to.be.revertedWithCustomError(council, "HedgeCouncilMixedFastBatch")
        .withArgs(1);
      await expectNothingRecorded(sys, mixed);
    });
  });
});

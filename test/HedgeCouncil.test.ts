// HedgeCouncil: proposing, on-chain approvals and revocations, tier classification, the lifecycle of each tier
// (Fast executes at once, Standard waits 1 day, Critical 3 days), batches, values and code-hash pinning.
// Signatures, veto / cancel / expiry and the council's settings have their own files.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, setCode, time } from "@nomicfoundation/hardhat-network-helpers";
import { id as keccakId, parseEther, ZeroHash, Wallet } from "ethers";

import { toPolicyValues } from "../scripts/lib/policy";
import type { TestTarget } from "../typechain-types";
import {
  args,
  proposeArgs,
  atNextBlock,
  councilCall,
  DAY,
  deployCouncilSystem,
  expectProposalUnchanged,
  hashProposal,
  impersonate,
  looseningProposal,
  mintCall,
  nudgeCoverageCall,
  nudgeProposal,
  nudgeTriggerCall,
  operationId,
  pass,
  proposal,
  proposeAndApprove,
  ProposalState,
  setPolicyCall,
  sign,
  snapshotPolicy,
  snapshotProposal,
  Tier,
  tighteningProposal,
  updateDelayCall,
  withEdit,
  type CouncilSystem,
  type Proposal,
} from "./helpers/system";

async function fixture() {
  const sys = await deployCouncilSystem();
  const target: TestTarget = await (await ethers.getContractFactory("TestTarget")).deploy();
  await target.waitForDeployment();
  return { ...sys, target, targetAddress: await target.getAddress() };
}

function pingProposal(sys: CouncilSystem & { targetAddress: string }, value = 42, eth = 0n, description = "ping") {
  return proposal(
    [
      {
        target: sys.targetAddress,
        data: new ethers.Interface(["function ping(uint256)"]).encodeFunctionData("ping", [value]),
        value: eth,
      },
    ],
    description,
  );
}

describe("HedgeCouncil", function () {
  describe("propose", function () {
    it("creates a Pending proposal and counts the proposer's approval", async function () {
      const sys = await loadFixture(fixture);
      const { council, holders } = sys;
      const p = await tighteningProposal(sys);
      const id = await hashProposal(sys, p);
      expect(await council.connect(holders[0]).propose.staticCall(...proposeArgs(p))).to.equal(id);

      const tx = council.connect(holders[0]).propose(...proposeArgs(p));
      await expect(tx)
        .to.emit(council, "ProposalCreated")
        .withArgs(id, holders[0].address, Tier.Standard, p.targets, p.values, p.calldatas, p.description);
      await expect(tx).to.emit(council, "Approved").withArgs(id, holders[0].address);

      expect(await council.state(id)).to.equal(ProposalState.Pending);
      expect(await council.approvalCount(id)).to.equal(1n);
      expect(await council.hasApproved(id, holders[0].address)).to.equal(true);
      expect(await council.hasApproved(id, holders[1].address)).to.equal(false);
      expect(await council.proposalTier(id)).to.equal(Tier.Standard);
      expect(await council.proposalEta(id)).to.equal(0n);
      expect(await council.proposalDeadline(id)).to.equal(BigInt(await time.latest()) + BigInt(7 * DAY));
    });

    it("hashProposal is keccak256(abi.encode(targets, values, calldatas, keccak256(bytes(description))))", async function () {
      const sys = await loadFixture(fixture);
      const p = await tighteningProposal(sys, "raise the coverage to 30 %");
      const encoded = ethers.AbiCoder.defaultAbiCoder().encode(
        ["address[]", "uint256[]", "bytes[]", "bytes32"],
        [p.targets, p.values, p.calldatas, ethers.keccak256(ethers.toUtf8Bytes(p.description))],
      );
      expect(await hashProposal(sys, p)).to.equal(ethers.keccak256(encoded));
      expect(await hashProposal(sys, { ...p, description: "other" })).to.not.equal(ethers.keccak256(encoded));
    });

    it("refuses a caller without a seat", async function () {
      const sys = await loadFixture(fixture);
      const p = await tighteningProposal(sys);
      const id = await hashProposal(sys, p);
      await expect(sys.council.connect(sys.stranger).propose(...proposeArgs(p)))
        .to.be.revertedWithCustomError(sys.council, "HedgeCouncilNotSeatHolder")
        .withArgs(sys.stranger.address);
      await expect(sys.council.connect(sys.deployer).propose(...proposeArgs(p)))
        .to.be.revertedWithCustomError(sys.council, "HedgeCouncilNotSeatHolder")
        .withArgs(sys.deployer.address);
      expect(await sys.council.state(id)).to.equal(ProposalState.Unknown);
      expect(await sys.council.approvalCount(id)).to.equal(0n);
    });

    it("refuses the same calls and description twice, accepts them with another description", async function () {
      const sys = await loadFixture(fixture);
      const p = await tighteningProposal(sys);
      const id = await proposeAndApprove(sys, p, [sys.holders[0], sys.holders[1]]);
      const before = await snapshotProposal(sys.council, id, sys.holders);

      await expect(sys.council.connect(sys.holders[2]).propose(...proposeArgs(p)))
        .to.be.revertedWithCustomError(sys.council, "HedgeCouncilProposalExists")
        .withArgs(id);
      await expectProposalUnchanged(sys, id, before);

      const other = { ...p, description: "the same change, proposed again" };
      await sys.council.connect(sys.holders[2]).propose(...proposeArgs(other));
      expect(await sys.council.state(await hashProposal(sys, other))).to.equal(ProposalState.Pending);
      await expectProposalUnchanged(sys, id, before);
    });

    it("refuses empty proposals and mismatched lengths", async function () {
      const sys = await loadFixture(fixture);
      const { council, holders } = sys;
      const p = await tighteningProposal(sys);
      const cases: [Proposal, number[]][] = [
        [{ targets: [], values: [], calldatas: [], description: p.description }, [0, 0, 0]],
        [{ ...p, values: [] }, [1, 0, 1]],
        [{ ...p, calldatas: [] }, [1, 1, 0]],
        [{ ...p, values: [0n, 0n] }, [1, 2, 1]],
        [{ ...p, targets: [...p.targets, p.targets[0]] }, [2, 1, 1]],
      ];
      for (const [bad, lengths] of cases) {
        await expect(council.connect(holders[0]).propose(...proposeArgs(bad)))
          .to.be.revertedWithCustomError(council, "HedgeCouncilInvalidProposalLength")
          .withArgs(...lengths);
        expect(await council.state(await hashProposal(sys, bad))).to.equal(ProposalState.Unknown);
      }
    });

    it("refuses nudges mixed with other calls, naming the first call that breaks the batch", async function () {
      const sys = await loadFixture(fixture);
      const { council, holders } = sys;
      const nudge = nudgeCoverageCall(sys, 2_600);
      const trigger = nudgeTriggerCall(sys, 0, 2_100);
      const setPolicy = await setPolicyCall(
        sys,
        withEdit((p) => (p.coverageBps = 3_000)),
      );
      const mint = mintCall(sys, sys.stranger.address);
      const cases: [Proposal, number][] = [
        [proposal([nudge, setPolicy]), 1],
        [proposal([mint, nudge]), 1],
        [proposal([nudge, trigger, mint]), 2],
        [proposal([mint, setPolicy, trigger]), 2],
      ];
      for (const [bad, index] of cases) {
        await expect(council.connect(holders[0]).propose(...proposeArgs(bad)))
          .to.be.revertedWithCustomError(council, "HedgeCouncilMixedFastBatch")
          .withArgs(index);
        expect(await council.state(await hashProposal(sys, bad))).to.equal(ProposalState.Unknown);
      }
      // Two nudges together are fine: still Fast.
      const both = proposal([nudge, trigger]);
      await council.connect(holders[0]).propose(...proposeArgs(both));
      expect(await council.proposalTier(await hashProposal(sys, both))).to.equal(Tier.Fast);
    });
  });

  describe("approve and revoke", function () {
    it("approve adds the caller's approval", async function () {
      const sys = await loadFixture(fixture);
      const p = await tighteningProposal(sys);
      const id = await proposeAndApprove(sys, p, [sys.holders[0]]);
      await expect(sys.council.connect(sys.holders[3]).approve(id))
        .to.emit(sys.council, "Approved")
        .withArgs(id, sys.holders[3].address);
      expect(await sys.council.approvalCount(id)).to.equal(2n);
      expect(await sys.council.hasApproved(id, sys.holders[3].address)).to.equal(true);
    });

    it("refuses a second approval, from the proposer or anyone", async function () {
      const sys = await loadFixture(fixture);
      const p = await tighteningProposal(sys);
      const id = await proposeAndApprove(sys, p, [sys.holders[0], sys.holders[1]]);
      const before = await snapshotProposal(sys.council, id, sys.holders);
      for (const holder of [sys.holders[0], sys.holders[1]]) {
        await expect(sys.council.connect(holder).approve(id))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilAlreadyApproved")
          .withArgs(id, holder.address);
      }
      await expectProposalUnchanged(sys, id, before);
    });

    it("refuses approvals from non-holders and of unknown proposals", async function () {
      const sys = await loadFixture(fixture);
      const p = await tighteningProposal(sys);
      const id = await proposeAndApprove(sys, p, [sys.holders[0]]);
      const before = await snapshotProposal(sys.council, id, sys.holders);
      await expect(sys.council.connect(sys.stranger).approve(id))
        .to.be.revertedWithCustomError(sys.council, "HedgeCouncilNotSeatHolder")
        .withArgs(sys.stranger.address);
      await expectProposalUnchanged(sys, id, before);

      const unknown = keccakId("unknown");
      await expect(sys.council.connect(sys.holders[1]).approve(unknown))
        .to.be.revertedWithCustomError(sys.council, "HedgeCouncilUnexpectedProposalState")
        .withArgs(unknown, ProposalState.Unknown);
      expect(await sys.council.state(unknown)).to.equal(ProposalState.Unknown);
      expect(await sys.council.approvalCount(unknown)).to.equal(0n);
    });

    it("revoke withdraws an approval, which can then be given again", async function () {
      const sys = await loadFixture(fixture);
      const p = await tighteningProposal(sys);
      const id = await proposeAndApprove(sys, p, sys.holders.slice(0, 3));
      expect(await sys.council.approvalCount(id)).to.equal(3n);

      await expect(sys.council.connect(sys.holders[1]).revoke(id))
        .to.emit(sys.council, "Revoked")
        .withArgs(id, sys.holders[1].address);
      expect(await sys.council.approvalCount(id)).to.equal(2n);
      expect(await sys.council.hasApproved(id, sys.holders[1].address)).to.equal(false);

      // Below the threshold now: queue is refused.
      await expect(sys.council.queue(...args(p)))
        .to.be.revertedWithCustomError(sys.council, "HedgeCouncilInsufficientApprovals")
        .withArgs(id, 2, 3);

      // The proposer may revoke its own approval too; the proposal stays Pending.
      await sys.council.connect(sys.holders[0]).revoke(id);
      expect(await sys.council.approvalCount(id)).to.equal(1n);
      expect(await sys.council.state(id)).to.equal(ProposalState.Pending);

      await sys.council.connect(sys.holders[1]).approve(id);
      expect(await sys.council.approvalCount(id)).to.equal(2n);
    });

    it("revoke without an approval marks the address; twice with nothing to withdraw, or by a non-holder, is refused", async function () {
      const sys = await loadFixture(fixture);
      const p = await tighteningProposal(sys);
      const id = await proposeAndApprove(sys, p, [sys.holders[0], sys.holders[1]]);
      await sys.council.connect(sys.holders[1]).revoke(id);
      // Rules v3: a holder who never approved may revoke too; its signatures then never count for this id.
      await expect(sys.council.connect(sys.holders[2]).revoke(id))
        .to.emit(sys.council, "Revoked")
        .withArgs(id, sys.holders[2].address);
      expect(await sys.council.hasRevoked(id, sys.holders[2].address)).to.equal(true);
      const before = await snapshotProposal(sys.council, id, sys.holders);
      expect(before.approvalCount).to.equal(1n);

      for (const holder of [sys.holders[1], sys.holders[2]]) {
        await expect(sys.council.connect(holder).revoke(id))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilAlreadyRevoked")
          .withArgs(id, holder.address);
      }
      await expect(sys.council.connect(sys.stranger).revoke(id))
        .to.be.revertedWithCustomError(sys.council, "HedgeCouncilNotSeatHolder")
        .withArgs(sys.stranger.address);
      await expectProposalUnchanged(sys, id, before);
      expect(await sys.council.hasRevoked(id, sys.stranger.address)).to.equal(false);
    });

    it("refuses approve and revoke once the proposal is queued", async function () {
      const sys = await loadFixture(fixture);
      const p = await tighteningProposal(sys);
      const id = await proposeAndApprove(sys, p, sys.holders.slice(0, 3));
      await sys.council.queue(...args(p));
      const before = await snapshotProposal(sys.council, id, sys.holders);
      await expect(sys.council.connect(sys.holders[3]).approve(id))
        .to.be.revertedWithCustomError(sys.council, "HedgeCouncilUnexpectedProposalState")
        .withArgs(id, ProposalState.Queued);
      await expect(sys.council.connect(sys.holders[0]).revoke(id))
        .to.be.revertedWithCustomError(sys.council, "HedgeCouncilUnexpectedProposalState")
        .withArgs(id, ProposalState.Queued);
      await expectProposalUnchanged(sys, id, before);
    });
  });

  describe("tierOf", function () {
    it("classifies steward nudges as Fast", async function () {
      const sys = await loadFixture(fixture);
      const { council } = sys;
      const cases = [
        [nudgeCoverageCall(sys, 2_600)],
        [nudgeTriggerCall(sys, 1, 2_900)],
        [nudgeTriggerCall(sys, 0, 2_100), nudgeCoverageCall(sys, 2_400)],
      ];
      for (const calls of cases) {
        const p = proposal(calls);
        expect(await council.tierOf(p.targets, p.calldatas)).to.equal(Tier.Fast);
      }
    });

    it("classifies a nudge by its selector: a bare 4-byte nudge is Fast (the policy refuses it when run)", async function () {
      const sys = await loadFixture(fixture);
      const steward = await impersonate(sys.addresses.council);
      const before = await sys.policy.policyHash();
      for (const call of [nudgeCoverageCall(sys, 2_600), nudgeTriggerCall(sys, 1, 2_900)]) {
        const bare = call.data.slice(0, 10);
        expect(await sys.council.tierOf([call.target], [bare])).to.equal(Tier.Fast);
        expect(await sys.council.tierOf([call.target], [call.data.slice(0, 8)])).to.equal(Tier.Critical);
        await expect(steward.sendTransaction({ to: call.target, data: bare })).to.be.revertedWithoutReason();
      }
      expect(await sys.policy.policyHash()).to.equal(before);
    });

    it("classifies a non-loosening setPolicy for the current version as Standard", async function () {
      const sys = await loadFixture(fixture);
      const edits = [
        (p: ReturnType<typeof withEdit>) => (p.coverageBps = 3_000),
        (p: ReturnType<typeof withEdit>) => {
          // 4/4/2 → 5/3/2: a re-allocation is neutral.
          p.layers[0].allocationBps = 5_000;
          p.layers[1].allocationBps = 3_000;
        },
        (p: ReturnType<typeof withEdit>) => (p.layers[2].triggerVix = 3_000), // lower trigger
        () => undefined, // the same policy
      ];
      for (const edit of edits) {
        const p = proposal([await setPolicyCall(sys, withEdit(edit))]);
        expect(await sys.council.tierOf(p.targets, p.calldatas)).to.equal(Tier.Standard);
      }
    });

    it("classifies a loosening setPolicy as Critical", async function () {
      const sys = await loadFixture(fixture);
      const edits = [
        (p: ReturnType<typeof withEdit>) => (p.coverageBps = 2_000),
        (p: ReturnType<typeof withEdit>) => (p.layers[1].triggerVix = 2_900),
        (p: ReturnType<typeof withEdit>) => {
          p.layers.pop();
          p.layers[1].allocationBps = 6_000;
        },
        (p: ReturnType<typeof withEdit>) => (p.wingWidthPts = 60),
        (p: ReturnType<typeof withEdit>) => (p.maxOracleAge = 7_200),
      ];
      for (const edit of edits) {
        const p = proposal([await setPolicyCall(sys, withEdit(edit))]);
        expect(await sys.council.tierOf(p.targets, p.calldatas)).to.equal(Tier.Critical);
      }
    });

    it("classifies a tightening setPolicy for any other version as Critical", async function () {
      const sys = await loadFixture(fixture);
      const tighter = withEdit((p) => (p.coverageBps = 3_000));
      for (const version of [0n, 2n, 100n]) {
        const p = proposal([await setPolicyCall(sys, tighter, version)]);
        expect(await sys.council.tierOf(p.targets, p.calldatas)).to.equal(Tier.Critical);
      }
    });

    it("classifies seats, council, timelock, other policy setters and unknown targets as Critical", async function () {
      const sys = await loadFixture(fixture);
      const { policy, addresses } = sys;
      const calls = [
        mintCall(sys, sys.stranger.address),
        councilCall(sys, "setVetoThreshold", [3]),
        councilCall(sys, "setExpiry", [DAY, DAY]),
        updateDelayCall(sys, 2 * DAY),
        { target: addresses.policy, data: policy.interface.encodeFunctionData("setOracle", [addresses.oracle]) },
        { target: addresses.policy, data: policy.interface.encodeFunctionData("setSteward", [sys.stranger.address]) },
        { target: addresses.policy, data: policy.interface.encodeFunctionData("setNudgeLimits", [2_000, DAY]) },
        { target: addresses.policy, data: policy.interface.encodeFunctionData("syncLayers") },
        { target: addresses.policy, data: "0x" },
        { target: addresses.policy, data: "0x1234" },
        // A nudge selector aimed at another contract is not a steward nudge.
        { target: sys.targetAddress, data: nudgeCoverageCall(sys, 2_600).data },
        { target: sys.stranger.address, data: "0x" },
      ];
      for (const call of calls) {
        const p = proposal([call]);
        expect(await sys.council.tierOf(p.targets, p.calldatas)).to.equal(Tier.Critical);
      }
    });

    it("classifies malformed or non-canonically encoded setPolicy calldata as Critical", async function () {
      const sys = await loadFixture(fixture);
      const canonical = await setPolicyCall(
        sys,
        withEdit((p) => (p.coverageBps = 3_000)),
      );
      expect(await sys.council.tierOf([canonical.target], [canonical.data])).to.equal(Tier.Standard);
      const body = canonical.data.slice(10); // without the selector
      const selector = canonical.data.slice(0, 10);
      const word = (n: number) => n.toString(16).padStart(64, "0");
      const cases = [
        selector, // no arguments
        canonical.data.slice(0, 10 + 64 * 2 - 2), // head one byte short
        canonical.data.slice(0, 10 + 64 * 2), // head only
        canonical.data.slice(0, canonical.data.length - 64), // truncated tuple
        // The same policy and version behind a tuple offset of 0x60 instead of 0x40: decodable, not canonical.
        selector + word(0x60) + body.slice(64, 128) + word(0) + body.slice(128),
      ];
      for (const data of cases) {
        expect(await sys.council.tierOf([sys.addresses.policy], [data])).to.equal(Tier.Critical);
      }
    });

    it("gives a batch the highest tier of its calls", async function () {
      const sys = await loadFixture(fixture);
      const tighten = await setPolicyCall(
        sys,
        withEdit((p) => (p.coverageBps = 3_000)),
      );
      const loosen = await setPolicyCall(
        sys,
        withEdit((p) => (p.coverageBps = 2_000)),
      );
      const mint = mintCall(sys, sys.stranger.address);
      expect(await sys.council.tierOf([tighten.target, tighten.target], [tighten.data, tighten.data])).to.equal(
        Tier.Standard,
      );
      expect(await sys.council.tierOf([tighten.target, loosen.target], [tighten.data, loosen.data])).to.equal(
        Tier.Critical,
      );
      expect(await sys.council.tierOf([tighten.target, mint.target], [tighten.data, mint.data])).to.equal(
        Tier.Critical,
      );
    });

    it("follows the policy's version, which nudges keep: Critical once a setPolicy moves it", async function () {
      const sys = await loadFixture(fixture);
      const p = await tighteningProposal(sys);
      expect(await sys.council.tierOf(p.targets, p.calldatas)).to.equal(Tier.Standard);
      const nudge = nudgeProposal(sys);
      const signed = await sign(sys, sys.holders.slice(0, 2), await hashProposal(sys, nudge));
      await sys.council.submit(...proposeArgs(nudge), signed);
      expect(await sys.policy.version()).to.equal(1n);
      expect(await sys.council.tierOf(p.targets, p.calldatas)).to.equal(Tier.Standard);
      await pass(sys, await tighteningProposal(sys, "another tightening"));
      expect(await sys.policy.version()).to.equal(2n);
      expect(await sys.council.tierOf(p.targets, p.calldatas)).to.equal(Tier.Critical);
    });

    it("refuses empty or mismatched arrays, naming the targets' and the calldatas' lengths", async function () {
      const sys = await loadFixture(fixture);
      const policy = sys.addresses.policy;
      const cases: [string[], string[]][] = [
        [[], []],
        [[policy], ["0x", "0x"]],
        [[policy, policy, policy], ["0x"]],
        [[policy, policy], []],
        [[], ["0x"]],
      ];
      for (const [targets, calldatas] of cases) {
        await expect(sys.council.tierOf(targets, calldatas))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilInvalidCallsLength")
          .withArgs(targets.length, calldatas.length);
      }
    });
  });

  describe("Fast tier", function () {
    it("propose + approve, then execute runs the nudge directly, without the timelock", async function () {
      const sys = await loadFixture(fixture);
      const { council, policy } = sys;
      const p = nudgeProposal(sys, 2_600);
      const id = await proposeAndApprove(sys, p, [sys.holders[0]]);
      expect(await council.proposalTier(id)).to.equal(Tier.Fast);
      const policyBefore = await snapshotPolicy(policy);
      const before = await snapshotProposal(council, id, sys.holders);

      await expect(council.connect(sys.stranger).execute(...args(p)))
        .to.be.revertedWithCustomError(council, "HedgeCouncilInsufficientApprovals")
        .withArgs(id, 1, 2);
      await expectProposalUnchanged(sys, id, before);
      expect(await snapshotPolicy(policy)).to.deep.equal(policyBefore);

      await council.connect(sys.holders[1]).approve(id);
      const tx = council.connect(sys.stranger).execute(...args(p));
      await expect(tx).to.emit(council, "Executed").withArgs(id);
      await expect(tx).to.emit(policy, "PolicyUpdated");
      await expect(tx).to.not.emit(sys.timelock, "CallExecuted");
      expect(await council.state(id)).to.equal(ProposalState.Executed);
      expect((await policy.policy()).coverageBps).to.equal(2_600n);
      expect(await policy.version()).to.equal(1n);
      expect(await sys.timelock.isOperation(await operationId(sys, p))).to.equal(false);
    });

    it("refuses to queue a Fast proposal", async function () {
      const sys = await loadFixture(fixture);
      const p = nudgeProposal(sys);
      const id = await proposeAndApprove(sys, p, sys.holders.slice(0, 2));
      const before = await snapshotProposal(sys.council, id, sys.holders);
      await expect(sys.council.queue(...args(p)))
        .to.be.revertedWithCustomError(sys.council, "HedgeCouncilFastTierNotQueued")
        .withArgs(id);
      await expectProposalUnchanged(sys, id, before);
    });

    it("refuses ether sent to execute a Fast proposal: the council would keep it with no way out", async function () {
      const sys = await loadFixture(fixture);
      const p = nudgeProposal(sys, 2_600);
      const id = await proposeAndApprove(sys, p, sys.holders.slice(0, 2));
      const before = await snapshotProposal(sys.council, id, sys.holders);
      const policyBefore = await snapshotPolicy(sys.policy);
      await expect(sys.council.connect(sys.stranger).execute(...args(p), { value: 1n }))
        .to.be.revertedWithCustomError(sys.council, "HedgeCouncilValueMismatch")
        .withArgs(1n, 0n);
      await expectProposalUnchanged(sys, id, before);
      expect(await snapshotPolicy(sys.policy)).to.deep.equal(policyBefore);
      expect(await ethers.provider.getBalance(await sys.council.getAddress())).to.equal(0n);
    });

    it("refuses a Fast proposal whose calls send ether, at creation", async function () {
      const sys = await loadFixture(fixture);
      const p = nudgeProposal(sys, 2_600);
      const withValue = { ...p, values: [5n] };
      await expect(sys.council.connect(sys.holders[0]).propose(...proposeArgs(withValue)))
        .to.be.revertedWithCustomError(sys.council, "HedgeCouncilFastTierTakesNoValue")
        .withArgs(5n);
      const id = await hashProposal(sys, withValue);
      const signed = await sign(sys, sys.holders.slice(0, 2), id);
      await expect(sys.council.submit(...proposeArgs(withValue), signed))
        .to.be.revertedWithCustomError(sys.council, "HedgeCouncilFastTierTakesNoValue")
        .withArgs(5n);
      expect(await sys.council.state(id)).to.equal(ProposalState.Unknown);
    });

    it("bubbles up the policy's refusal of a nudge past its limits and stays Pending", async function () {
      const sys = await loadFixture(fixture);
      const p = nudgeProposal(sys, 3_000); // +20 %, outside the 10 % band
      const id = await proposeAndApprove(sys, p, sys.holders.slice(0, 2));
      const before = await snapshotProposal(sys.council, id, sys.holders);
      const policyBefore = await snapshotPolicy(sys.policy);
      await expect(sys.council.execute(...args(p)))
        .to.be.revertedWithCustomError(sys.policy, "HedgePolicyNudgeOutsideBand")
        .withArgs(5, 2_500, 3_000, 250);
      await expectProposalUnchanged(sys, id, before);
      expect(await snapshotPolicy(sys.policy)).to.deep.equal(policyBefore);
    });
  });

  describe("Standard tier", function () {
    it("propose, approve on chain and by signature, queue for 1 day, execute exactly at eta", async function () {
      const sys = await loadFixture(fixture);
      const { council, timelock, policy, holders } = sys;
      const p = await tighteningProposal(sys);
      const id = await hashProposal(sys, p);
      const opId = await operationId(sys, p);

      await council.connect(holders[0]).propose(...proposeArgs(p));
      await council.connect(holders[1]).approve(id);
      const signed = await sign(sys, [holders[2]], id);
      await expect(council.connect(sys.stranger).approveBySig(id, signed))
        .to.emit(council, "Approved")
        .withArgs(id, holders[2].address);
      expect(await council.approvalCount(id)).to.equal(3n);

      const queuedAt = BigInt(await time.latest()) + 1n;
      await atNextBlock(queuedAt);
      const eta = queuedAt + BigInt(DAY);
      const queueTx = council.connect(sys.stranger).queue(...args(p));
      await expect(queueTx).to.emit(council, "Queued").withArgs(id, eta);
      await expect(queueTx)
        .to.emit(timelock, "CallScheduled")
        .withArgs(opId, 0, p.targets[0], 0, p.calldatas[0], ZeroHash, DAY);
      await expect(queueTx).to.emit(timelock, "CallSalt").withArgs(opId, id);
      expect(await council.state(id)).to.equal(ProposalState.Queued);
      expect(await council.proposalEta(id)).to.equal(eta);
      expect(await council.proposalDeadline(id)).to.equal(eta + BigInt(14 * DAY));
      expect(await timelock.isOperationPending(opId)).to.equal(true);
      expect(await timelock.getTimestamp(opId)).to.equal(eta);
      expect(opId).to.equal(await timelock.hashOperation(p.targets[0], 0, p.calldatas[0], ZeroHash, id));

      const before = await snapshotProposal(council, id, holders);
      const policyBefore = await snapshotPolicy(policy);
      await atNextBlock(eta - 1n);
      await expect(council.connect(sys.stranger).execute(...args(p)))
        .to.be.revertedWithCustomError(council, "HedgeCouncilNotReady")
        .withArgs(id, eta);
      await expectProposalUnchanged(sys, id, before);
      expect(await snapshotPolicy(policy)).to.deep.equal(policyBefore);

      await atNextBlock(eta);
      const executeTx = council.connect(sys.stranger).execute(...args(p));
      await expect(executeTx).to.emit(council, "Executed").withArgs(id);
      await expect(executeTx).to.emit(timelock, "CallExecuted").withArgs(opId, 0, p.targets[0], 0, p.calldatas[0]);
      await expect(executeTx)
        .to.emit(policy, "PolicyUpdated")
        .withArgs(2, policyBefore.hash, await policy.policyHash());
      expect(await council.state(id)).to.equal(ProposalState.Executed);
      expect(await timelock.isOperationDone(opId)).to.equal(true);
      expect(toPolicyValues(await policy.policy()).coverageBps).to.equal(3_000);
    });

    it("refuses to queue below the threshold, and to execute before queueing", async function () {
      const sys = await loadFixture(fixture);
      const p = await tighteningProposal(sys);
      const id = await proposeAndApprove(sys, p, sys.holders.slice(0, 2));
      const before = await snapshotProposal(sys.council, id, sys.holders);
      await expect(sys.council.queue(...args(p)))
        .to.be.revertedWithCustomError(sys.council, "HedgeCouncilInsufficientApprovals")
        .withArgs(id, 2, 3);
      await expect(sys.council.execute(...args(p)))
        .to.be.revertedWithCustomError(sys.council, "HedgeCouncilUnexpectedProposalState")
        .withArgs(id, ProposalState.Pending);
      await expectProposalUnchanged(sys, id, before);
      expect(await sys.timelock.isOperation(await operationId(sys, p))).to.equal(false);
    });

    it("refuses to queue calls that do not match a proposal", async function () {
      const sys = await loadFixture(fixture);
      const p = await tighteningProposal(sys);
      const id = await proposeAndApprove(sys, p, sys.holders.slice(0, 3));
      const before = await snapshotProposal(sys.council, id, sys.holders);
      const tampered = { ...p, description: "tighten, described otherwise" };
      await expect(sys.council.queue(...args(tampered)))
        .to.be.revertedWithCustomError(sys.council, "HedgeCouncilUnexpectedProposalState")
        .withArgs(await hashProposal(sys, tampered), ProposalState.Unknown);
      await expectProposalUnchanged(sys, id, before);
    });

    it("refuses to execute twice, to queue an executed proposal or to propose it again", async function () {
      const sys = await loadFixture(fixture);
      const p = await tighteningProposal(sys);
      const id = await proposeAndApprove(sys, p, sys.holders.slice(0, 3));
      await sys.council.queue(...args(p));
      await time.increaseTo(await sys.council.proposalEta(id));
      await sys.council.execute(...args(p));
      const before = await snapshotProposal(sys.council, id, sys.holders);
      const policyBefore = await snapshotPolicy(sys.policy);

      await expect(sys.council.execute(...args(p)))
        .to.be.revertedWithCustomError(sys.council, "HedgeCouncilUnexpectedProposalState")
        .withArgs(id, ProposalState.Executed);
      await expect(sys.council.queue(...args(p)))
        .to.be.revertedWithCustomError(sys.council, "HedgeCouncilUnexpectedProposalState")
        .withArgs(id, ProposalState.Executed);
      await expect(sys.council.connect(sys.holders[0]).propose(...proposeArgs(p)))
        .to.be.revertedWithCustomError(sys.council, "HedgeCouncilProposalExists")
        .withArgs(id);
      await expectProposalUnchanged(sys, id, before);
      expect(await snapshotPolicy(sys.policy)).to.deep.equal(policyBefore);
    });

    it("a queued setPolicy whose version moved cannot land (compare-and-swap) and stays Queued", async function () {
      const sys = await loadFixture(fixture);
      const p = await tighteningProposal(sys);
      const id = await proposeAndApprove(sys, p, sys.holders.slice(0, 3));
      await sys.council.queue(...args(p));
      await pass(sys, await tighteningProposal(sys, "a later tightening"));
      const before = await snapshotProposal(sys.council, id, sys.holders);
      const policyBefore = await snapshotPolicy(sys.policy);
      await expect(sys.council.execute(...args(p)))
        .to.be.revertedWithCustomError(sys.policy, "HedgePolicyVersionMismatch")
        .withArgs(1, 2);
      await expectProposalUnchanged(sys, id, before);
      expect(await snapshotPolicy(sys.policy)).to.deep.equal(policyBefore);
    });

    it("a nudge just before its eta does not void a queued setPolicy: nudges keep the version", async function () {
      const sys = await loadFixture(fixture);
      const p = await tighteningProposal(sys);
      const id = await proposeAndApprove(sys, p, sys.holders.slice(0, 3));
      await sys.council.queue(...args(p));
      await time.increaseTo((await sys.council.proposalEta(id)) - 10n);
      const nudge = nudgeProposal(sys, 2_700);
      const signed = await sign(sys, sys.holders.slice(3, 5), await hashProposal(sys, nudge));
      await sys.council.submit(...proposeArgs(nudge), signed);
      expect((await sys.policy.policy()).coverageBps).to.equal(2_700n);
      await time.increaseTo(await sys.council.proposalEta(id));
      await expect(sys.council.execute(...args(p)))
        .to.emit(sys.council, "Executed")
        .withArgs(id);
      expect(await sys.policy.version()).to.equal(2n);
      expect((await sys.policy.policy()).coverageBps).to.equal(3_000n);
      expect(await sys.policy.baseline()).to.deep.equal([3_000n, [2_000n, 2_800n, 3_500n]]);
    });
  });

  describe("Critical tier", function () {
    it("a loosening change needs 4 approvals and waits 3 days; exactly eta passes", async function () {
      const sys = await loadFixture(fixture);
      const { council, policy, holders } = sys;
      const p = await looseningProposal(sys);
      const id = await proposeAndApprove(sys, p, holders.slice(0, 3));
      expect(await council.proposalTier(id)).to.equal(Tier.Critical);
      await expect(council.queue(...args(p)))
        .to.be.revertedWithCustomError(council, "HedgeCouncilInsufficientApprovals")
        .withArgs(id, 3, 4);
      expect(await council.state(id)).to.equal(ProposalState.Pending);

      await council.connect(holders[3]).approve(id);
      const queuedAt = BigInt(await time.latest()) + 1n;
      await atNextBlock(queuedAt);
      const eta = queuedAt + BigInt(3 * DAY);
      await expect(council.queue(...args(p)))
        .to.emit(council, "Queued")
        .withArgs(id, eta);

      const before = await snapshotProposal(council, id, holders);
      const policyBefore = await snapshotPolicy(policy);
      await atNextBlock(eta - 1n);
      await expect(council.execute(...args(p)))
        .to.be.revertedWithCustomError(council, "HedgeCouncilNotReady")
        .withArgs(id, eta);
      await expectProposalUnchanged(sys, id, before);
      expect(await snapshotPolicy(policy)).to.deep.equal(policyBefore);

      await atNextBlock(eta);
      await expect(council.execute(...args(p)))
        .to.emit(council, "Executed")
        .withArgs(id);
      expect(toPolicyValues(await policy.policy()).coverageBps).to.equal(2_000);
      expect(await council.state(id)).to.equal(ProposalState.Executed);
    });

    it("a batch is scheduled and executed as one timelock batch operation", async function () {
      const sys = await loadFixture(fixture);
      const { council, timelock, seats } = sys;
      const newcomer = sys.strangers[1];
      const p = proposal([mintCall(sys, newcomer.address), councilCall(sys, "setVetoThreshold", [3])]);
      const id = await hashProposal(sys, p);
      const opId = await operationId(sys, p);
      expect(opId).to.equal(await timelock.hashOperationBatch(p.targets, p.values, p.calldatas, ZeroHash, id));

      await proposeAndApprove(sys, p, sys.holders.slice(0, 4));
      const queueTx = council.queue(...args(p));
      for (let i = 0; i < 2; i++) {
        await expect(queueTx)
          .to.emit(timelock, "CallScheduled")
          .withArgs(opId, i, p.targets[i], 0, p.calldatas[i], ZeroHash, 3 * DAY);
      }
      await expect(queueTx).to.emit(timelock, "CallSalt").withArgs(opId, id);
      expect(await timelock.isOperationPending(opId)).to.equal(true);

      await time.increaseTo(await council.proposalEta(id));
      const executeTx = council.execute(...args(p));
      await expect(executeTx).to.emit(council, "Executed").withArgs(id);
      await expect(executeTx).to.emit(seats, "Locked").withArgs(6);
      await expect(executeTx).to.emit(council, "VetoThresholdUpdated").withArgs(2, 3);
      expect(await timelock.isOperationDone(opId)).to.equal(true);
      expect(await seats.seatOf(newcomer.address)).to.equal(6n);
      expect(await council.vetoThreshold()).to.equal(3n);
    });

    it("every call reaches its target from the timelock, with the value sent to execute", async function () {
      const sys = await loadFixture(fixture);
      const { council, target } = sys;
      const value = parseEther("1");
      const p = pingProposal(sys, 7, value);
      const id = await proposeAndApprove(sys, p, sys.holders.slice(0, 4));
      expect(await council.proposalTier(id)).to.equal(Tier.Critical);
      await council.queue(...args(p));
      await time.increaseTo(await council.proposalEta(id));
      const tx = council.connect(sys.stranger).execute(...args(p), { value });
      await expect(tx).to.emit(target, "Pinged").withArgs(sys.addresses.timelock, 7, value);
      await expect(tx).to.changeEtherBalances([sys.stranger, target], [-value, value]);
      expect(await target.lastCaller()).to.equal(sys.addresses.timelock);
      expect(await target.value()).to.equal(7n);
    });

    it("pays a plain transfer to an address without code", async function () {
      const sys = await loadFixture(fixture);
      const recipient = Wallet.createRandom().address;
      const value = parseEther("0.5");
      const p = proposal([{ target: recipient, data: "0x", value }]);
      const id = await proposeAndApprove(sys, p, sys.holders.slice(0, 4));
      await sys.council.queue(...args(p));
      await time.increaseTo(await sys.council.proposalEta(id));
      await sys.council.execute(...args(p), { value });
      expect(await ethers.provider.getBalance(recipient)).to.equal(value);
    });

    it("takes exactly the ether of all its calls: a batch sending 1 and 2 wei needs 3, not the last call's 2", async function () {
      const sys = await loadFixture(fixture);
      const [first, second] = [Wallet.createRandom().address, Wallet.createRandom().address];
      const p = proposal(
        [
          { target: first, data: "0x", value: 1n },
          { target: second, data: "0x", value: 2n },
        ],
        "two payments",
      );
      const id = await proposeAndApprove(sys, p, sys.holders.slice(0, 4));
      await sys.council.queue(...args(p));
      await time.increaseTo(await sys.council.proposalEta(id));
      for (const wrong of [2n, 1n, 4n]) {
        await expect(sys.council.execute(...args(p), { value: wrong }))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilValueMismatch")
          .withArgs(wrong, 3n);
      }
      await sys.council.execute(...args(p), { value: 3n });
      expect(await ethers.provider.getBalance(first)).to.equal(1n);
      expect(await ethers.provider.getBalance(second)).to.equal(2n);
      expect(await ethers.provider.getBalance(sys.addresses.timelock)).to.equal(0n);
    });

    it("still pays an address without code that received ether after approval (no code, no change)", async function () {
      const sys = await loadFixture(fixture);
      const recipient = Wallet.createRandom().address;
      const value = parseEther("0.5");
      const p = proposal([{ target: recipient, data: "0x", value }]);
      // At approval the recipient does not exist: its code hash is zero.
      expect(await ethers.provider.getBalance(recipient)).to.equal(0n);
      const id = await proposeAndApprove(sys, p, sys.holders.slice(0, 4));
      await sys.council.queue(...args(p));
      // Now it exists without code: its code hash is keccak256(""), which still counts as no code.
      await sys.stranger.sendTransaction({ to: recipient, value: 1n });
      expect(await ethers.provider.getCode(recipient)).to.equal("0x");
      await time.increaseTo(await sys.council.proposalEta(id));
      await expect(sys.council.execute(...args(p), { value }))
        .to.emit(sys.council, "Executed")
        .withArgs(id);
      expect(await ethers.provider.getBalance(recipient)).to.equal(value + 1n);
    });

    /** Raises the timelock's own minimum delay to 4 days, through governance (a Critical proposal). */
    async function raiseTimelockMinimum(sys: CouncilSystem) {
      const raise = proposal([updateDelayCall(sys, 4 * DAY)], "raise");
      const raiseId = await proposeAndApprove(sys, raise, sys.holders.slice(0, 4));
      await sys.council.queue(...args(raise));
      await time.increaseTo(await sys.council.proposalEta(raiseId));
      await expect(sys.council.execute(...args(raise)))
        .to.emit(sys.timelock, "MinDelayChange")
        .withArgs(DAY, 4 * DAY);
      expect(await sys.timelock.getMinDelay()).to.equal(BigInt(4 * DAY));
    }

    it("schedules with the timelock's minimum delay once it is raised above the tier delay", async function () {
      const sys = await loadFixture(fixture);
      const { council } = sys;
      await raiseTimelockMinimum(sys);
      // The tier rules themselves are unchanged.
      expect(await council.tierRule(Tier.Standard)).to.deep.equal([3n, BigInt(DAY)]);

      for (const p of [await tighteningProposal(sys), await looseningProposal(sys)]) {
        const id = await proposeAndApprove(sys, p, sys.holders.slice(0, 4));
        const at = BigInt(await time.latest()) + 1n;
        await atNextBlock(at);
        await expect(council.queue(...args(p)))
          .to.emit(council, "Queued")
          .withArgs(id, at + BigInt(4 * DAY));
        await expect(council.execute(...args(p)))
          .to.be.revertedWithCustomError(council, "HedgeCouncilNotReady")
          .withArgs(id, at + BigInt(4 * DAY));
      }
      const standard = await tighteningProposal(sys);
      await time.increaseTo(await council.proposalEta(await hashProposal(sys, standard)));
      await expect(council.execute(...args(standard))).to.emit(council, "Executed");
    });
    it("schedules a batch at the raised minimum too, its deadline a grace period after that eta", async function () {
      const sys = await loadFixture(fixture);
      const { council, timelock } = sys;
      await raiseTimelockMinimum(sys);
      const ping = new ethers.Interface(["function ping(uint256)"]);
      const batch = proposal(
        [1, 2].map((v) => ({ target: sys.targetAddress, data: ping.encodeFunctionData("ping", [v]) })),
        "batch",
      );
      const id = await proposeAndApprove(sys, batch, sys.holders.slice(0, 4));
      const at = BigInt(await time.latest()) + 1n;
      await atNextBlock(at);
      await expect(council.queue(...args(batch)))
        .to.emit(council, "Queued")
        .withArgs(id, at + BigInt(4 * DAY))
        .and.to.emit(timelock, "CallScheduled");
      const [, gracePeriod] = await council.expiry();
      expect(await council.proposalEta(id)).to.equal(at + BigInt(4 * DAY));
      expect(await council.proposalDeadline(id)).to.equal(at + BigInt(4 * DAY) + gracePeriod);
      expect(await timelock.getTimestamp(await operationId(sys, batch))).to.equal(at + BigInt(4 * DAY));
    });

    it("passes on any other refusal of the timelock's, with nothing queued or created", async function () {
      const sys = await loadFixture(fixture);
      const { council, timelock, addresses } = sys;
      const proposerRole = await timelock.PROPOSER_ROLE();
      await timelock.connect(await impersonate(addresses.timelock)).revokeRole(proposerRole, addresses.council);

      const p = await tighteningProposal(sys);
      const id = await proposeAndApprove(sys, p, sys.holders.slice(0, 3));
      const before = await snapshotProposal(council, id, sys.holders);
      await expect(council.queue(...args(p)))
        .to.be.revertedWithCustomError(timelock, "AccessControlUnauthorizedAccount")
        .withArgs(addresses.council, proposerRole);
      await expectProposalUnchanged(sys, id, before);
      expect(before.state).to.equal(ProposalState.Pending);

      const q = await tighteningProposal(sys, "by signatures");
      const qId = await hashProposal(sys, q);
      const signed = await sign(sys, sys.holders.slice(0, 3), qId);
      await expect(council.submit(...proposeArgs(q), signed))
        .to.be.revertedWithCustomError(timelock, "AccessControlUnauthorizedAccount")
        .withArgs(addresses.council, proposerRole);
      expect(await council.state(qId)).to.equal(ProposalState.Unknown);
    });
  });

  describe("code-hash pinning", function () {
    it("refuses to execute once a target's code changed, and runs once it is restored", async function () {
      const sys = await loadFixture(fixture);
      const { council, target, targetAddress } = sys;
      const p = pingProposal(sys);
      const id = await proposeAndApprove(sys, p, sys.holders.slice(0, 4));
      await council.queue(...args(p));
      await time.increaseTo(await council.proposalEta(id));

      const code = await ethers.provider.getCode(targetAddress);
      await setCode(targetAddress, code + "00"); // same behaviour, different code hash
      const before = await snapshotProposal(council, id, sys.holders);
      await expect(council.execute(...args(p)))
        .to.be.revertedWithCustomError(council, "HedgeCouncilTargetCodeChanged")
        .withArgs(id);
      await expectProposalUnchanged(sys, id, before);
      expect(await target.value()).to.equal(0n);

      await setCode(targetAddress, code);
      await expect(council.execute(...args(p)))
        .to.emit(council, "Executed")
        .withArgs(id);
      expect(await target.value()).to.equal(42n);
    });

    it("pins every target of a batch: a change to the first or the last one alone is refused", async function () {
      for (const changed of [0, 1]) {
        const sys = await loadFixture(fixture);
        const { council, target } = sys;
        const second: TestTarget = await (await ethers.getContractFactory("TestTarget")).deploy();
        const targets = [target, second];
        const addresses = await Promise.all(targets.map((t) => t.getAddress()));
        const ping = new ethers.Interface(["function ping(uint256)"]);
        const p = proposal(
          addresses.map((t) => ({ target: t, data: ping.encodeFunctionData("ping", [7]) })),
          "two targets",
        );
        const id = await proposeAndApprove(sys, p, sys.holders.slice(0, 4));
        await council.queue(...args(p));
        await time.increaseTo(await council.proposalEta(id));

        const code = await ethers.provider.getCode(addresses[changed]);
        await setCode(addresses[changed], code + "00");
        const before = await snapshotProposal(council, id, sys.holders);
        await expect(council.execute(...args(p)), `target ${changed}`)
          .to.be.revertedWithCustomError(council, "HedgeCouncilTargetCodeChanged")
          .withArgs(id);
        await expectProposalUnchanged(sys, id, before);
        expect(await Promise.all(targets.map((t) => t.value()))).to.deep.equal([0n, 0n]);

        await setCode(addresses[changed], code);
        await expect(council.execute(...args(p)))
          .to.emit(council, "Executed")
          .withArgs(id);
        expect(await Promise.all(targets.map((t) => t.value()))).to.deep.equal([7n, 7n]);
      }
    });

    it("refuses a target that had no code at creation and has code now", async function () {
      const sys = await loadFixture(fixture);
      const { council } = sys;
      const empty = Wallet.createRandom().address;
      const p = proposal([{ target: empty, data: "0x" }]);
      const id = await proposeAndApprove(sys, p, sys.holders.slice(0, 4));
      await council.queue(...args(p));
      await time.increaseTo(await council.proposalEta(id));
      await setCode(empty, await ethers.provider.getCode(sys.targetAddress));
      await expect(council.execute(...args(p)))
        .to.be.revertedWithCustomError(council, "HedgeCouncilTargetCodeChanged")
        .withArgs(id);
      expect(await council.state(id)).to.equal(ProposalState.Queued);
    });

    it("pins Fast-tier targets too", async function () {
      const sys = await loadFixture(fixture);
      const p = nudgeProposal(sys);
      const id = await proposeAndApprove(sys, p, sys.holders.slice(0, 2));
      await setCode(sys.addresses.policy, (await ethers.provider.getCode(sys.addresses.policy)) + "00");
      const policyBefore = await snapshotPolicy(sys.policy);
      await expect(sys.council.execute(...args(p)))
        .to.be.revertedWithCustomError(sys.council, "HedgeCouncilTargetCodeChanged")
        .withArgs(id);
      expect(await sys.council.state(id)).to.equal(ProposalState.Pending);
      expect(await snapshotPolicy(sys.policy)).to.deep.equal(policyBefore);
    });
  });
});

// Attacks: reentrancy and denial of service. A governance target that re-enters the council, the timelock or the
// policy while the timelock runs it; targets whose code changed between approval and execution (replaced, wiped, or
// deployed at an address that had none, as CREATE2 squatting would); and unbounded or malformed inputs (empty and
// mismatched arrays, huge signatures, a 255-layer policy, a nudge of layer 255, a seat-holding wallet that burns all
// its gas).
import { expect } from "chai";
import { artifacts, ethers, network } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { getAddress, hexlify, randomBytes } from "ethers";

import { TIMELOCK_ROLES } from "../helpers/stateSnapshot";
import {
  args,
  deployCouncilSystem,
  mintProposal,
  nudgeCoverageCall,
  nudgeTriggerCall,
  operationId,
  pass,
  proposal,
  proposeAndQueue,
  ProposalState,
  proposeArgs,
  seatSignature,
  setPolicyCall,
  sign,
  withEdit,
  type CouncilSystem,
  type Proposal,
} from "../helpers/system";
import { defaultPolicy } from "../../scripts/lib/policy";
import type { AttackReentrantTarget } from "../../typechain-types";
import { expectUnchanged, readyToExecute, scopeOf, submitWith } from "./attacks.behavior";

/** An address that holds no code when the proposal is made. */
const EMPTY_TARGET = getAddress("0x00000000000000000000000000000000c0de5eed");

async function fixture() {
  const sys = await deployCouncilSystem();
  const gasBurner = await (await (await ethers.getContractFactory("AttackGasBurner1271Wallet")).deploy()).getAddress();
  await pass(sys, mintProposal(sys, gasBurner, "seat for the gas burner"));

  const reentrant: AttackReentrantTarget = await (await ethers.getContractFactory("AttackReentrantTarget")).deploy();
  const reentrantAddress = await reentrant.getAddress();
  const attack = proposal(
    [{ target: reentrantAddress, data: reentrant.interface.encodeFunctionData("attack") }],
    "attack",
  );
  const r = await proposeAndQueue(sys, attack);

  const metamorphic = await (await ethers.getContractFactory("AttackMetamorphicTarget")).deploy();
  const metamorphicAddress = await metamorphic.getAddress();
  const pingData = metamorphic.interface.encodeFunctionData("ping", [1]);
  const mutable = proposal([{ target: metamorphicAddress, data: pingData }], "mutable");
  const m = await proposeAndQueue(sys, mutable);
  const squatted = proposal([{ target: EMPTY_TARGET, data: pingData }], "squatted");
  const g = await proposeAndQueue(sys, squatted);
  const v2Code = (await artifacts.readArtifact("AttackMetamorphicTargetV2")).deployedBytecode;

  const scope = await scopeOf(sys, [attack, mutable, squatted], {
    accounts: [gasBurner, reentrantAddress, metamorphicAddress, EMPTY_TARGET],
  });
  return {
    ...sys,
    gasBurner,
    reentrant,
    reentrantAddress,
    attack,
    r,
    metamorphicAddress,
    mutable,
    m,
    squatted,
    g,
    v2Code,
    scope,
  };
}

type Sys = Awaited<ReturnType<typeof fixture>>;

/** Arms the target to re-enter `to` with `data`, moves to the attack proposal's eta and executes it. */
async function expectReentryRefused(
  sys: Sys,
  to: string,
  data: string,
  contract: "council" | "timelock" | "policy" | "seats",
  error: string,
  errorArgs: unknown[],
) {
  await sys.reentrant.arm(to, data);
  await time.increaseTo(sys.r.eta);
  await expectUnchanged(sys, sys.scope, () =>
    expect(sys.council.execute(...args(sys.attack)))
      .to.be.revertedWithCustomError(sys[contract], error)
      .withArgs(...errorArgs),
  );
  expect(await sys.reentrant.attacks()).to.equal(0n);
}

describe("Attacks: reentrancy and denial of service", function () {
  describe("a target that re-enters while the timelock runs it", function () {
    it("re-enters council.execute of its own proposal", async function () {
      const sys = await loadFixture(fixture);
      const data = sys.council.interface.encodeFunctionData("execute", args(sys.attack));
      await expectReentryRefused(sys, sys.addresses.council, data, "council", "HedgeCouncilUnexpectedProposalState", [
        sys.r.id,
        ProposalState.Executed,
      ]);
    });

    it("re-enters council.queue of its own proposal", async function () {
      const sys = await loadFixture(fixture);
      const data = sys.council.interface.encodeFunctionData("queue", args(sys.attack));
      await expectReentryRefused(sys, sys.addresses.council, data, "council", "HedgeCouncilUnexpectedProposalState", [
        sys.r.id,
        ProposalState.Executed,
      ]);
    });

    it("re-enters council.cancel of its own proposal", async function () {
      const sys = await loadFixture(fixture);
      const data = sys.council.interface.encodeFunctionData("cancel", args(sys.attack));
      await expectReentryRefused(sys, sys.addresses.council, data, "council", "HedgeCouncilUnexpectedProposalState", [
        sys.r.id,
        ProposalState.Executed,
      ]);
    });

    it("re-enters council.veto against another queued proposal", async function () {
      const sys = await loadFixture(fixture);
      const data = sys.council.interface.encodeFunctionData("veto", [sys.m.id]);
      await expectReentryRefused(sys, sys.addresses.council, data, "council", "HedgeCouncilNotSeatHolder", [
        sys.reentrantAddress,
      ]);
    });

    it("re-enters timelock.execute of its own operation", async function () {
      const sys = await loadFixture(fixture);
      const p = sys.attack;
      const data = sys.timelock.interface.encodeFunctionData("execute", [
        p.targets[0],
        p.values[0],
        p.calldatas[0],
        ethers.ZeroHash,
        sys.r.id,
      ]);
      await expectReentryRefused(sys, sys.addresses.timelock, data, "timelock", "AccessControlUnauthorizedAccount", [
        sys.reentrantAddress,
        TIMELOCK_ROLES.executor,
      ]);
    });

    it("re-enters timelock.schedule to queue a loosening with zero delay", async function () {
      const sys = await loadFixture(fixture);
      const loosen = await setPolicyCall(
        sys,
        withEdit((p) => (p.coverageBps = 500), defaultPolicy()),
      );
      const data = sys.timelock.interface.encodeFunctionData("schedule", [
        loosen.target,
        0,
        loosen.data,
        ethers.ZeroHash,
        ethers.ZeroHash,
        0,
      ]);
      await expectReentryRefused(sys, sys.addresses.timelock, data, "timelock", "AccessControlUnauthorizedAccount", [
        sys.reentrantAddress,
        TIMELOCK_ROLES.proposer,
      ]);
    });

    it("re-enters timelock.cancel of another proposal's operation", async function () {
      const sys = await loadFixture(fixture);
      const data = sys.timelock.interface.encodeFunctionData("cancel", [await operationId(sys, sys.mutable)]);
      await expectReentryRefused(sys, sys.addresses.timelock, data, "timelock", "AccessControlUnauthorizedAccount", [
        sys.reentrantAddress,
        TIMELOCK_ROLES.canceller,
      ]);
    });
    it("re-enters council.setVetoThreshold, a setter of the timelock's", async function () {
      const sys = await loadFixture(fixture);
      const data = sys.council.interface.encodeFunctionData("setVetoThreshold", [1]);
      await expectReentryRefused(sys, sys.addresses.council, data, "council", "HedgeCouncilUnauthorizedGovernance", [
        sys.reentrantAddress,
      ]);
    });

    it("re-enters council.seatUpdated to give itself a seat in the council's copy", async function () {
      const sys = await loadFixture(fixture);
      const data = sys.council.interface.encodeFunctionData("seatUpdated", [sys.reentrantAddress, 6, true]);
      await expectReentryRefused(sys, sys.addresses.council, data, "council", "HedgeCouncilUnauthorizedSeats", [
        sys.reentrantAddress,
      ]);
    });

    it("re-enters seats.mint to give itself a seat", async function () {
      const sys = await loadFixture(fixture);
      const data = sys.seats.interface.encodeFunctionData("mint", [sys.reentrantAddress]);
      await expectReentryRefused(sys, sys.addresses.seats, data, "seats", "CouncilSeatsUnauthorized", [
        sys.reentrantAddress,
      ]);
    });

    // The target runs inside the timelock's call, but the policy sees the target, not the timelock, as its caller.
    it("re-enters policy.setPolicy with a loosening", async function () {
      const sys = await loadFixture(fixture);
      const loosen = await setPolicyCall(
        sys,
        withEdit((p) => (p.coverageBps = 500), defaultPolicy()),
      );
      await expectReentryRefused(sys, loosen.target, loosen.data, "policy", "HedgePolicyUnauthorizedGovernance", [
        sys.reentrantAddress,
      ]);
    });

    it("re-enters policy.nudgeCoverage to nudge without the council", async function () {
      const sys = await loadFixture(fixture);
      const nudge = nudgeCoverageCall(sys, 2_600);
      await expectReentryRefused(sys, nudge.target, nudge.data, "policy", "HedgePolicyUnauthorizedSteward", [
        sys.reentrantAddress,
      ]);
    });
  });

  describe("a target whose code changed after approval", function () {
    it("its code is replaced (same selector, new behaviour) between queue and execution", async function () {
      const sys = await loadFixture(fixture);
      await network.provider.send("hardhat_setCode", [sys.metamorphicAddress, sys.v2Code]);
      await time.increaseTo(sys.m.eta);
      await expectUnchanged(sys, sys.scope, () =>
        expect(sys.council.execute(...args(sys.mutable)))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilTargetCodeChanged")
          .withArgs(sys.m.id),
      );
    });

    it("its code is wiped between queue and execution", async function () {
      const sys = await loadFixture(fixture);
      await network.provider.send("hardhat_setCode", [sys.metamorphicAddress, "0x"]);
      await time.increaseTo(sys.m.eta);
      await expectUnchanged(sys, sys.scope, () =>
        expect(sys.council.execute(...args(sys.mutable)))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilTargetCodeChanged")
          .withArgs(sys.m.id),
      );
    });

    it("an address without code at approval gets code before execution (CREATE2 squatting)", async function () {
      const sys = await loadFixture(fixture);
      await network.provider.send("hardhat_setCode", [EMPTY_TARGET, sys.v2Code]);
      await time.increaseTo(sys.g.eta);
      await expectUnchanged(sys, sys.scope, () =>
        expect(sys.council.execute(...args(sys.squatted)))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilTargetCodeChanged")
          .withArgs(sys.g.id),
      );
    });
  });

  describe("unbounded and malformed inputs", function () {
    it("a proposal with no calls", async function () {
      const sys = await loadFixture(fixture);
      await expectUnchanged(sys, sys.scope, () =>
        expect(sys.council.connect(sys.holders[0]).propose([], [], [], "empty"))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilInvalidProposalLength")
          .withArgs(0, 0, 0),
      );
    });

    it("a proposal whose arrays disagree in length", async function () {
      const sys = await loadFixture(fixture);
      const p = sys.attack;
      await expectUnchanged(sys, sys.scope, () =>
        expect(
          sys.council
            .connect(sys.holders[0])
            .propose([p.targets[0], p.targets[0]], [0n], [p.calldatas[0], p.calldatas[0]], "ragged"),
        )
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilInvalidProposalLength")
          .withArgs(2, 1, 2),
      );
    });

    it("approveBySig with no signers at all", async function () {
      const sys = await loadFixture(fixture);
      const p = await pendingProposal(sys);
      const scope = await scopeOf(sys, [p.proposal]);
      await expectUnchanged(sys, scope, () =>
        expect(sys.council.approveBySig(p.id, [])).to.be.revertedWithCustomError(
          sys.council,
          "HedgeCouncilNoSignatures",
        ),
      );
    });

    it("a 10 kB signature", async function () {
      const sys = await loadFixture(fixture);
      const p = await pendingProposal(sys);
      const scope = await scopeOf(sys, [p.proposal]);
      await expectUnchanged(sys, scope, () =>
        expect(sys.council.approveBySig(p.id, [seatSignature(4, hexlify(randomBytes(10_000)))]))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilInvalidSignature")
          .withArgs(4),
      );
    });

    it("a seat-holding wallet that burns all the gas it is given in isValidSignature", async function () {
      const sys = await loadFixture(fixture);
      const p = await pendingProposal(sys);
      const scope = await scopeOf(sys, [p.proposal], { accounts: [sys.gasBurner] });
      const [good] = await sign(sys, [sys.holders[1]], p.id);
      const burnerSeat = await sys.council.seatOf(sys.gasBurner);
      expect(burnerSeat).to.equal(6n);
      // A fixed gas limit: estimating the gas of a call that burns all it gets would search for minutes.
      await expectUnchanged(sys, scope, () =>
        expect(sys.council.approveBySig(p.id, [good, seatSignature(burnerSeat, "0x")], { gasLimit: 1_000_000 }))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilInvalidSignature")
          .withArgs(burnerSeat),
      );
      // The griefer only sinks its own approval: the others go through without it.
      await expect(sys.council.approveBySig(p.id, [good]))
        .to.emit(sys.council, "Approved")
        .withArgs(p.id, sys.holders[1].address);
    });

    it("a 255-layer policy through the full governance path", async function () {
      const sys = await loadFixture(fixture);
      const huge = withEdit((q) => {
        q.layers = Array.from({ length: 255 }, (_, i) => ({
          allocationBps: 1,
          tenorDays: 30,
          triggerVix: [2_000, 2_800, 3_500][i] ?? 3_500 + i,
          instrument: 0,
        }));
      }, defaultPolicy());
      const p = proposal([await setPolicyCall(sys, huge)], "255 layers");
      const { scope } = await readyToExecute(sys, p, [sys.attack]);
      await expectUnchanged(sys, scope, () =>
        expect(sys.council.execute(...args(p)))
          .to.be.revertedWithCustomError(sys.policy, "HedgePolicyLayerCountOutOfRange")
          .withArgs(255),
      );
    });

    it("a Fast nudge of layer 255", async function () {
      const sys = await loadFixture(fixture);
      const p = proposal([nudgeTriggerCall(sys, 255, 2_000)], "layer 255");
      const scope = await scopeOf(sys, [p]);
      await expectUnchanged(sys, scope, () =>
        expect(submitWith(sys, p, sys.holders.slice(0, 2)))
          .to.be.revertedWithCustomError(sys.policy, "HedgePolicyLayerNotFound")
          .withArgs(255, 3),
      );
    });
  });
});

/** A fresh pending proposal, proposed by holder 0. */
async function pendingProposal(sys: CouncilSystem): Promise<{ proposal: Proposal; id: string }> {
  const p = proposal(
    [
      await setPolicyCall(
        sys,
        withEdit((q) => (q.coverageBps = 3_000), defaultPolicy()),
      ),
    ],
    "pending",
  );
  await sys.council.connect(sys.holders[0]).propose(...proposeArgs(p));
  return { proposal: p, id: await sys.council.hashProposal(...args(p)) };
}

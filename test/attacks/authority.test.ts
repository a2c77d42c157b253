// Attacks: authority bypass. Every governed function, called directly by strangers, seat holders, the council and
// the deployer (the council and the timelock impersonated, as if their keys had leaked), and the timelock's roles
// after deployment. Each attack must revert with the exact custom error and leave every piece of state unchanged.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, setBalance, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { type BaseContract, ZeroAddress, ZeroHash, id as keccakId } from "ethers";

import { TIMELOCK_ROLES } from "../helpers/stateSnapshot";
import {
  DAY,
  deployCouncilSystem,
  impersonate,
  operationId,
  proposal,
  proposeAndQueue,
  setPolicyCall,
  Tier,
  tighteningProposal,
  withEdit,
  type CouncilSystem,
} from "../helpers/system";
import { defaultPolicy } from "../../scripts/lib/policy";
import { expectUnchanged, scopeOf } from "./attacks.behavior";

async function fixture() {
  const sys = await deployCouncilSystem();
  const councilSigner = await impersonate(sys.addresses.council);
  const timelockSigner = await impersonate(sys.addresses.timelock);
  const evilOracle = await (await ethers.getContractFactory("AttackOracle")).deploy(8, 90_00000000n);
  const evilOracleAddress = await evilOracle.getAddress();

  // A single-call and a batch proposal queued in the timelock, so that its role-gated entry points have real
  // operations to be attacked with.
  const single = await tighteningProposal(sys, "queued single");
  const queuedSingle = await proposeAndQueue(sys, single);
  const batch = proposal(
    [
      { target: sys.addresses.seats, data: sys.seats.interface.encodeFunctionData("mint", [sys.strangers[5].address]) },
      { target: sys.addresses.seats, data: sys.seats.interface.encodeFunctionData("mint", [sys.strangers[6].address]) },
    ],
    "queued batch",
  );
  const queuedBatch = await proposeAndQueue(sys, batch);
  const scope = await scopeOf(sys, [single, batch], { accounts: [evilOracleAddress] });
  return { ...sys, councilSigner, timelockSigner, evilOracleAddress, single, queuedSingle, batch, queuedBatch, scope };
}

type Sys = Awaited<ReturnType<typeof fixture>>;
type Who = "a stranger" | "a seat holder" | "the council" | "the deployer" | "the timelock";

function attacker(sys: Sys, who: Who): HardhatEthersSigner {
  switch (who) {
    case "a stranger":
      return sys.stranger;
    case "a seat holder":
      return sys.holders[0];
    case "the council":
      return sys.councilSigner;
    case "the deployer":
      return sys.deployer;
    case "the timelock":
      return sys.timelockSigner;
  }
}

const notGovernance: Who[] = ["a stranger", "a seat holder", "the council", "the deployer"];
const notSteward: Who[] = ["a stranger", "a seat holder", "the timelock", "the deployer"];
const noTimelockRole: Who[] = ["a stranger", "a seat holder", "the deployer"];

/** A loosened policy an attacker would love to install: coverage cut to the minimum, hysteresis gone. */
function loosened() {
  return withEdit((p) => {
    p.coverageBps = 500;
    p.hysteresisVix = 0;
  }, defaultPolicy());
}

type DirectCall = [string, (sys: Sys, a: HardhatEthersSigner) => Promise<unknown>];

/** One scenario per call and actor: `label.fn` called directly reverts with `error(actor)` and changes nothing. */
function refusesDirectCalls(
  label: string,
  calls: DirectCall[],
  actors: Who[],
  contract: (sys: Sys) => BaseContract,
  error: string,
) {
  for (const [fn, call] of calls) {
    for (const who of actors) {
      it(`${who} calls ${label}.${fn} directly`, async function () {
        const sys = await loadFixture(fixture);
        const a = attacker(sys, who);
        // The impersonated timelock pays the attack's gas from the ether the capture compares: give it back.
        const balance = await ethers.provider.getBalance(a.address);
        await expectUnchanged(sys, sys.scope, async () => {
          await expect(call(sys, a)).to.be.revertedWithCustomError(contract(sys), error).withArgs(a.address);
          if (a === sys.timelockSigner) await setBalance(a.address, balance);
        });
      });
    }
  }
}

describe("Attacks: authority bypass", function () {
  describe("HedgePolicy: governance-only functions", function () {
    refusesDirectCalls(
      "HedgePolicy",
      [
        ["setPolicy", (sys, a) => sys.policy.connect(a).setPolicy(loosened(), 1)],
        ["setOracle", (sys, a) => sys.policy.connect(a).setOracle(sys.evilOracleAddress)],
        ["setSteward", (sys, a) => sys.policy.connect(a).setSteward(a.address)],
        ["setNudgeLimits", (sys, a) => sys.policy.connect(a).setNudgeLimits(10_000, 0)],
      ],
      notGovernance,
      (sys) => sys.policy,
      "HedgePolicyUnauthorizedGovernance",
    );
  });

  describe("HedgePolicy: steward-only nudges", function () {
    refusesDirectCalls(
      "HedgePolicy",
      [
        ["nudgeTrigger", (sys, a) => sys.policy.connect(a).nudgeTrigger(0, 2_200)],
        ["nudgeCoverage", (sys, a) => sys.policy.connect(a).nudgeCoverage(2_300)],
      ],
      notSteward,
      (sys) => sys.policy,
      "HedgePolicyUnauthorizedSteward",
    );
  });

  describe("HedgeCouncil: its own settings", function () {
    refusesDirectCalls(
      "HedgeCouncil",
      [
        ["setTierRule", (sys, a) => sys.council.connect(a).setTierRule(Tier.Critical, 1, 3 * DAY)],
        ["setVetoThreshold", (sys, a) => sys.council.connect(a).setVetoThreshold(5)],
        ["setExpiry", (sys, a) => sys.council.connect(a).setExpiry(365 * DAY, 365 * DAY)],
      ],
      notGovernance,
      (sys) => sys.council,
      "HedgeCouncilUnauthorizedGovernance",
    );
  });

  describe("HedgeCouncil: its copy of the seats", function () {
    refusesDirectCalls(
      "HedgeCouncil",
      [
        ["seatUpdated (give itself seat 6)", (sys, a) => sys.council.connect(a).seatUpdated(a.address, 6, true)],
        ["seatUpdated (drop seat 1)", (sys, a) => sys.council.connect(a).seatUpdated(sys.holders[0].address, 1, false)],
      ],
      notGovernance,
      (sys) => sys.council,
      "HedgeCouncilUnauthorizedSeats",
    );
  });

  describe("CouncilSeats: mint and burn", function () {
    refusesDirectCalls(
      "CouncilSeats",
      [
        ["mint", (sys, a) => sys.seats.connect(a).mint(sys.strangers[3].address)],
        ["burn", (sys, a) => sys.seats.connect(a).burn(1)],
      ],
      notGovernance,
      (sys) => sys.seats,
      "CouncilSeatsUnauthorized",
    );
  });

  describe("TimelockController: role-gated entry points", function () {
    const calls: [string, keyof typeof TIMELOCK_ROLES, (sys: Sys, a: HardhatEthersSigner) => Promise<unknown>][] = [
      [
        "schedule (zero delay)",
        "proposer",
        async (sys, a) => {
          const call = await setPolicyCall(sys as CouncilSystem, loosened());
          return sys.timelock.connect(a).schedule(call.target, 0, call.data, ZeroHash, keccakId("evil"), 0);
        },
      ],
      [
        "scheduleBatch",
        "proposer",
        (sys, a) =>
          sys.timelock
            .connect(a)
            .scheduleBatch(sys.batch.targets, sys.batch.values, sys.batch.calldatas, ZeroHash, keccakId("evil"), DAY),
      ],
      [
        "execute (a ready operation)",
        "executor",
        async (sys, a) => {
          await time.increaseTo(sys.queuedSingle.eta);
          const p = sys.single;
          return sys.timelock
            .connect(a)
            .execute(p.targets[0], p.values[0], p.calldatas[0], ZeroHash, sys.queuedSingle.id);
        },
      ],
      [
        "executeBatch (a ready operation)",
        "executor",
        async (sys, a) => {
          await time.increaseTo(sys.queuedBatch.eta);
          const p = sys.batch;
          return sys.timelock.connect(a).executeBatch(p.targets, p.values, p.calldatas, ZeroHash, sys.queuedBatch.id);
        },
      ],
      [
        "cancel (a queued operation)",
        "canceller",
        async (sys, a) => sys.timelock.connect(a).cancel(await operationId(sys as CouncilSystem, sys.single)),
      ],
    ];
    for (const [fn, role, call] of calls) {
      for (const who of noTimelockRole) {
        it(`${who} calls TimelockController.${fn} directly`, async function () {
          const sys = await loadFixture(fixture);
          const a = attacker(sys, who);
          await expectUnchanged(sys, sys.scope, () =>
            expect(call(sys, a))
              .to.be.revertedWithCustomError(sys.timelock, "AccessControlUnauthorizedAccount")
              .withArgs(a.address, TIMELOCK_ROLES[role]),
          );
        });
      }
    }

    for (const who of notGovernance) {
      it(`${who} calls TimelockController.updateDelay(0) directly`, async function () {
        const sys = await loadFixture(fixture);
        const a = attacker(sys, who);
        await expectUnchanged(sys, sys.scope, () =>
          expect(sys.timelock.connect(a).updateDelay(0))
            .to.be.revertedWithCustomError(sys.timelock, "TimelockUnauthorizedCaller")
            .withArgs(a.address),
        );
      });
    }

    for (const who of notGovernance) {
      it(`${who} grants itself the timelock's proposer role`, async function () {
        const sys = await loadFixture(fixture);
        const a = attacker(sys, who);
        await expectUnchanged(sys, sys.scope, () =>
          expect(sys.timelock.connect(a).grantRole(TIMELOCK_ROLES.proposer, a.address))
            .to.be.revertedWithCustomError(sys.timelock, "AccessControlUnauthorizedAccount")
            .withArgs(a.address, TIMELOCK_ROLES.admin),
        );
      });
    }

    it("the deployer revokes the council's executor role", async function () {
      const sys = await loadFixture(fixture);
      await expectUnchanged(sys, sys.scope, () =>
        expect(sys.timelock.connect(sys.deployer).revokeRole(TIMELOCK_ROLES.executor, sys.addresses.council))
          .to.be.revertedWithCustomError(sys.timelock, "AccessControlUnauthorizedAccount")
          .withArgs(sys.deployer.address, TIMELOCK_ROLES.admin),
      );
    });

    it("a seat holder renounces the council's proposer role on its behalf", async function () {
      const sys = await loadFixture(fixture);
      await expectUnchanged(sys, sys.scope, () =>
        expect(
          sys.timelock.connect(sys.holders[0]).renounceRole(TIMELOCK_ROLES.proposer, sys.addresses.council),
        ).to.be.revertedWithCustomError(sys.timelock, "AccessControlBadConfirmation"),
      );
    });

    it("after deployment no externally owned account, nor the open role (address 0), holds any timelock role", async function () {
      const sys = await loadFixture(fixture);
      const signers = await ethers.getSigners();
      for (const account of [...signers.map((s) => s.address), ZeroAddress]) {
        for (const [name, role] of Object.entries(TIMELOCK_ROLES)) {
          expect(await sys.timelock.hasRole(role, account), `${account} holds ${name}`).to.equal(false);
        }
      }
      const { admin, proposer, canceller, executor } = TIMELOCK_ROLES;
      expect(await sys.timelock.hasRole(admin, sys.addresses.timelock)).to.equal(true);
      expect(await sys.timelock.hasRole(admin, sys.addresses.council)).to.equal(false);
      for (const role of [proposer, canceller, executor]) {
        expect(await sys.timelock.hasRole(role, sys.addresses.council)).to.equal(true);
        expect(await sys.timelock.hasRole(role, sys.addresses.timelock)).to.equal(false);
      }
      // ...and so a former deployer key can no longer schedule anything.
      const call = await setPolicyCall(sys as CouncilSystem, loosened());
      await expectUnchanged(sys, sys.scope, () =>
        expect(sys.timelock.connect(sys.deployer).schedule(call.target, 0, call.data, ZeroHash, ZeroHash, DAY))
          .to.be.revertedWithCustomError(sys.timelock, "AccessControlUnauthorizedAccount")
          .withArgs(sys.deployer.address, proposer),
      );
    });
  });
});

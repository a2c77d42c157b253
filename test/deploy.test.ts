// scripts/lib/deploy.ts: deploySystem wires every role, leaves the deployer with nothing, applies the defaults of
// docs/RULES.md (and the given overrides), and defaultThresholds follows the formulas for N seats.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { ZeroAddress } from "ethers";

import {
  checkWiring,
  DAY,
  defaultThresholds,
  deploymentRecord,
  deploySystem,
  vixToAnswer,
  type SystemConfig,
} from "../scripts/lib/deploy";
import { defaultPolicy, toPolicyValues } from "../scripts/lib/policy";
import { deployCouncilSystem, Tier, withEdit } from "./helpers/system";

async function fixture() {
  return deployCouncilSystem();
}

/** Runs `deploySystem` and returns the error it threw (or null). */
async function deployError(config: SystemConfig): Promise<Error | null> {
  const [deployer] = await ethers.getSigners();
  try {
    await deploySystem(deployer, config);
    return null;
  } catch (error) {
    return error as Error;
  }
}

describe("deploySystem", function () {
  describe("wiring", function () {
    it("links every contract to the others", async function () {
      const sys = await loadFixture(fixture);
      const { seats, council, policy, oracle, addresses } = sys;
      expect(await seats.governance()).to.equal(addresses.timelock);
      expect(await seats.council()).to.equal(addresses.council);
      expect(await council.seats()).to.equal(addresses.seats);
      expect(await council.timelock()).to.equal(addresses.timelock);
      expect(await council.hedgePolicy()).to.equal(addresses.policy);
      expect(await policy.governance()).to.equal(addresses.timelock);
      expect(await policy.steward()).to.equal(addresses.council);
      expect(await policy.oracle()).to.equal(addresses.oracle);
      expect(await oracle.decimals()).to.equal(8n);
      expect((await oracle.latestRoundData()).answer).to.equal(vixToAnswer(1_500));
      await checkWiring(sys.system, sys.deployer.address);
    });

    it("leaves the deployer with nothing; the timelock administers itself; the council proposes, cancels, executes", async function () {
      const sys = await loadFixture(fixture);
      const { timelock, addresses, deployer } = sys;
      const roles = {
        admin: await timelock.DEFAULT_ADMIN_ROLE(),
        proposer: await timelock.PROPOSER_ROLE(),
        executor: await timelock.EXECUTOR_ROLE(),
        canceller: await timelock.CANCELLER_ROLE(),
      };
      for (const role of Object.values(roles)) {
        expect(await timelock.hasRole(role, deployer.address)).to.equal(false);
        expect(await timelock.hasRole(role, ZeroAddress)).to.equal(false); // no open role
        for (const holder of sys.holders) expect(await timelock.hasRole(role, holder.address)).to.equal(false);
      }
      expect(await timelock.hasRole(roles.admin, addresses.timelock)).to.equal(true);
      expect(await timelock.hasRole(roles.admin, addresses.council)).to.equal(false);
      for (const role of [roles.proposer, roles.executor, roles.canceller]) {
        expect(await timelock.hasRole(role, addresses.council)).to.equal(true);
        expect(await timelock.hasRole(role, addresses.timelock)).to.equal(false);
      }
      expect(await timelock.getRoleAdmin(roles.proposer)).to.equal(roles.admin);
      expect(await sys.seats.seatOf(deployer.address)).to.equal(0n);
    });

    it("the deployer can neither schedule in the timelock, grant itself a role, nor mint seats", async function () {
      const sys = await loadFixture(fixture);
      const { timelock, deployer } = sys;
      const proposer = await timelock.PROPOSER_ROLE();
      await expect(
        timelock.connect(deployer).schedule(sys.addresses.seats, 0, "0x", ethers.ZeroHash, ethers.ZeroHash, DAY),
      )
        .to.be.revertedWithCustomError(timelock, "AccessControlUnauthorizedAccount")
        .withArgs(deployer.address, proposer);
      await expect(timelock.connect(deployer).grantRole(proposer, deployer.address))
        .to.be.revertedWithCustomError(timelock, "AccessControlUnauthorizedAccount")
        .withArgs(deployer.address, await timelock.DEFAULT_ADMIN_ROLE());
      await expect(sys.seats.connect(deployer).mint(deployer.address))
        .to.be.revertedWithCustomError(sys.seats, "CouncilSeatsUnauthorized")
        .withArgs(deployer.address);
      expect(await timelock.hasRole(proposer, deployer.address)).to.equal(false);
    });
  });

  describe("defaults", function () {
    it("5 seats: Fast 2, Standard 3, Critical 4, veto 2; delays 1 d / 3 d; minimum 1 d; expiry 7 d / 14 d", async function () {
      const sys = await loadFixture(fixture);
      const { council, timelock } = sys;
      expect(await council.tierRule(Tier.Fast)).to.deep.equal([2n, 0n]);
      expect(await council.tierRule(Tier.Standard)).to.deep.equal([3n, BigInt(DAY)]);
      expect(await council.tierRule(Tier.Critical)).to.deep.equal([4n, BigInt(3 * DAY)]);
      expect(await council.vetoThreshold()).to.equal(2n);
      expect(await timelock.getMinDelay()).to.equal(BigInt(DAY));
      expect(await council.expiry()).to.deep.equal([BigInt(7 * DAY), BigInt(14 * DAY)]);

      const record = deploymentRecord(sys.system);
      expect(record.thresholds).to.deep.equal({ fast: 2, standard: 3, critical: 4, veto: 2 });
      expect(record.delays).to.deep.equal({ standard: DAY, critical: 3 * DAY });
      expect(record.minDelay).to.equal(DAY);
      expect(record.proposalTtl).to.equal(7 * DAY);
      expect(record.gracePeriod).to.equal(14 * DAY);
      expect(record.oracleDeployed).to.equal(true);
      for (const tx of Object.values(record.transactions)) expect(tx).to.not.equal(null);
    });

    it("the ALVH 4/4/2 policy at version 1, VIX 15.00 on the mock oracle", async function () {
      const sys = await loadFixture(fixture);
      expect(toPolicyValues(await sys.policy.policy())).to.deep.equal(defaultPolicy());
      expect(await sys.policy.version()).to.equal(1n);
      expect(vixToAnswer(1_500)).to.equal(15_00000000n);
    });

    it("defaultThresholds follows the rules for 1, 2, 3, 5 and 9 seats: no lone seat once there are two", function () {
      expect(defaultThresholds(1)).to.deep.equal({ fast: 1, standard: 1, critical: 1, veto: 1 });
      expect(defaultThresholds(2)).to.deep.equal({ fast: 2, standard: 2, critical: 2, veto: 1 });
      expect(defaultThresholds(3)).to.deep.equal({ fast: 2, standard: 2, critical: 2, veto: 1 });
      expect(defaultThresholds(5)).to.deep.equal({ fast: 2, standard: 3, critical: 4, veto: 2 });
      expect(defaultThresholds(9)).to.deep.equal({ fast: 4, standard: 5, critical: 6, veto: 3 });
    });

    it("the council accepts the default thresholds for 1, 3 and 9 seats", async function () {
      await loadFixture(fixture);
      const signers = await ethers.getSigners();
      for (const n of [1, 3, 9]) {
        const system = await deploySystem(signers[0], { seats: signers.slice(1, 1 + n).map((s) => s.address) });
        const expected = defaultThresholds(n);
        expect(await system.seats.seatCount()).to.equal(BigInt(n));
        expect((await system.council.tierRule(Tier.Fast))[0]).to.equal(BigInt(expected.fast));
        expect((await system.council.tierRule(Tier.Standard))[0]).to.equal(BigInt(expected.standard));
        expect((await system.council.tierRule(Tier.Critical))[0]).to.equal(BigInt(expected.critical));
        expect(await system.council.vetoThreshold()).to.equal(BigInt(expected.veto));
      }
    });
  });

  describe("configuration", function () {
    it("applies every override", async function () {
      await loadFixture(fixture);
      const signers = await ethers.getSigners();
      const policy = withEdit((p) => (p.coverageBps = 4_000));
      const system = await deploySystem(signers[0], {
        seats: signers.slice(1, 5).map((s) => s.address),
        thresholds: { fast: 2, standard: 2, critical: 3, veto: 1 },
        delays: { standard: 2 * DAY, critical: 4 * DAY },
        minDelay: DAY,
        proposalTtl: 2 * DAY,
        gracePeriod: 3 * DAY,
        policy,
        initialVix: 2_250,
      });
      expect(await system.council.tierRule(Tier.Fast)).to.deep.equal([2n, 0n]);
      expect(await system.council.tierRule(Tier.Standard)).to.deep.equal([2n, BigInt(2 * DAY)]);
      expect(await system.council.tierRule(Tier.Critical)).to.deep.equal([3n, BigInt(4 * DAY)]);
      expect(await system.council.vetoThreshold()).to.equal(1n);
      expect(await system.timelock.getMinDelay()).to.equal(BigInt(DAY));
      expect(await system.council.expiry()).to.deep.equal([BigInt(2 * DAY), BigInt(3 * DAY)]);
      expect(toPolicyValues(await system.policy.policy())).to.deep.equal(policy);
      expect((await system.oracle.latestRoundData()).answer).to.equal(vixToAnswer(2_250));
    });

    it("uses a given oracle instead of deploying a mock", async function () {
      await loadFixture(fixture);
      const signers = await ethers.getSigners();
      const feed = await (await ethers.getContractFactory("MockV3Aggregator")).deploy(8, vixToAnswer(1_800));
      const feedAddress = await feed.getAddress();
      const system = await deploySystem(signers[0], {
        seats: signers.slice(1, 4).map((s) => s.address),
        oracle: feedAddress,
      });
      expect(await system.policy.oracle()).to.equal(feedAddress);
      expect(await system.oracle.getAddress()).to.equal(feedAddress);
      expect(deploymentRecord(system).oracleDeployed).to.equal(false);
      expect(deploymentRecord(system).transactions.oracle).to.equal(null);
    });

    it("refuses no seat holders or a duplicate holder before sending anything", async function () {
      const sys = await loadFixture(fixture);
      const nonce = await sys.deployer.getNonce();
      expect((await deployError({ seats: [] }))?.message).to.match(/at least one seat holder/);
      const duplicate = [sys.holders[0].address, sys.holders[0].address.toLowerCase()];
      expect((await deployError({ seats: duplicate }))?.message).to.match(/appears twice/);
      expect((await deployError({ seats: [sys.deployer.address] }))?.message).to.match(
        /deployer .* cannot hold a seat/,
      );
      expect(await sys.deployer.getNonce()).to.equal(nonce);
    });

    it("refuses, before sending anything, every configuration the contracts would refuse", async function () {
      const sys = await loadFixture(fixture);
      const seats = sys.holders.map((h) => h.address);
      const loose = defaultPolicy();
      loose.coverageBps = 499;
      const cases: [SystemConfig, RegExp][] = [
        [
          { seats, thresholds: { fast: 2, standard: 3, critical: 6, veto: 2 } },
          /2 <= Fast <= Standard <= Critical <= 5/,
        ],
        [{ seats, thresholds: { fast: 0, standard: 3, critical: 4, veto: 2 } }, /2 <= Fast/],
        [{ seats, thresholds: { fast: 1, standard: 3, critical: 4, veto: 2 } }, /no seat acts alone/],
        [{ seats, thresholds: { fast: 2, standard: 3, critical: 4, veto: 6 } }, /veto threshold 6/],
        [{ seats, minDelay: 2 * DAY }, /Standard delay 86400 s is below the timelock's minimum 172800 s/],
        [{ seats, delays: { standard: DAY, critical: DAY - 1 } }, /Critical delay 86399 s is below the Standard/],
        [{ seats, proposalTtl: 60 }, /proposal TTL 60 s is outside/],
        [{ seats, gracePeriod: 366 * DAY }, /grace period .* is outside/],
        [{ seats, policy: loose }, /initial policy: coverage 499/],
      ];
      const nonce = await sys.deployer.getNonce();
      for (const [config, message] of cases) {
        expect((await deployError(config))?.message).to.match(message);
      }
      expect(await sys.deployer.getNonce()).to.equal(nonce);
    });

    // Found in review: deploySystem used to deploy the oracle, seats, timelock and policy before the council's
    // constructor refused the thresholds (5 transactions paid for, 4 orphan contracts).
    it("sends no transaction for a configuration the contracts would refuse", async function () {
      const sys = await loadFixture(fixture);
      const nonce = await sys.deployer.getNonce();
      const error = await deployError({
        seats: sys.holders.map((h) => h.address),
        thresholds: { fast: 1, standard: 3, critical: 6, veto: 2 },
      });
      expect(error).to.not.equal(null);
      expect(await sys.deployer.getNonce()).to.equal(nonce);
    });
  });
});

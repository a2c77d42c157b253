// HedgeCouncil: its own settings (tier rules, veto threshold, expiry), changed by the timelock only. Validation is
// checked directly with an impersonated timelock, then end to end through real Critical proposals, where the
// setter's refusal bubbles up from the timelock at execute.
import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { ethers } from "hardhat";
import { ZeroAddress } from "ethers";

import {
  args,
  proposeArgs,
  asTimelock,
  councilCall,
  DAY,
  deployCouncilSystem,
  expectProposalUnchanged,
  HOUR,
  operationId,
  pass,
  proposal,
  proposeAndQueue,
  ProposalState,
  sign,
  snapshotProposal,
  snapshotSettings,
  Tier,
  tighteningProposal,
  updateDelayCall,
  hashProposal,
} from "./helpers/system";

async function fixture() {
  return deployCouncilSystem();
}

const YEAR = 365 * DAY;

describe("HedgeCouncil settings", function () {
  it("starts with the defaults for 5 seats", async function () {
    const { council } = await loadFixture(fixture);
    expect(await snapshotSettings(council)).to.deep.equal({
      rules: [
        [2n, 0n],
        [3n, BigInt(DAY)],
        [4n, BigInt(3 * DAY)],
      ],
      veto: 2n,
      expiry: [BigInt(7 * DAY), BigInt(14 * DAY)],
    });
  });

  it("announces its initial settings at deployment, each from zero", async function () {
    const { council } = await loadFixture(fixture);
    const events = async (filter: Parameters<typeof council.queryFilter>[0]) =>
      (await council.queryFilter(filter)).map((e) => ("args" in e ? [...e.args] : []));
    expect(await events(council.filters.TierRuleUpdated())).to.deep.equal([
      [BigInt(Tier.Fast), 0n, 0n, 2n, 0n],
      [BigInt(Tier.Standard), 0n, 0n, 3n, BigInt(DAY)],
      [BigInt(Tier.Critical), 0n, 0n, 4n, BigInt(3 * DAY)],
    ]);
    expect(await events(council.filters.VetoThresholdUpdated())).to.deep.equal([[0n, 2n]]);
    expect(await events(council.filters.ExpiryUpdated())).to.deep.equal([[0n, 0n, BigInt(7 * DAY), BigInt(14 * DAY)]]);
  });

  it("refuses every setter to anyone but the timelock", async function () {
    const sys = await loadFixture(fixture);
    const { council } = sys;
    const before = await snapshotSettings(council);
    for (const caller of [sys.stranger, sys.holders[0], sys.deployer]) {
      const attempts = [
        () => council.connect(caller).setTierRule(Tier.Standard, 3, 2 * DAY),
        () => council.connect(caller).setVetoThreshold(3),
        () => council.connect(caller).setExpiry(DAY, DAY),
      ];
      for (const attempt of attempts) {
        await expect(attempt())
          .to.be.revertedWithCustomError(council, "HedgeCouncilUnauthorizedGovernance")
          .withArgs(caller.address);
      }
    }
    expect(await snapshotSettings(council)).to.deep.equal(before);
  });

  describe("setTierRule", function () {
    it("updates a tier and emits TierRuleUpdated with the previous and new rule", async function () {
      const sys = await loadFixture(fixture);
      const council = sys.council.connect(await asTimelock(sys));
      await expect(council.setTierRule(Tier.Critical, 5, 5 * DAY))
        .to.emit(council, "TierRuleUpdated")
        .withArgs(Tier.Critical, 4, 3 * DAY, 5, 5 * DAY);
      await expect(council.setTierRule(Tier.Standard, 4, 2 * DAY))
        .to.emit(council, "TierRuleUpdated")
        .withArgs(Tier.Standard, 3, DAY, 4, 2 * DAY);
      await expect(council.setTierRule(Tier.Fast, 3, 0))
        .to.emit(council, "TierRuleUpdated")
        .withArgs(Tier.Fast, 2, 0, 3, 0);
      expect((await snapshotSettings(council)).rules).to.deep.equal([
        [3n, 0n],
        [4n, BigInt(2 * DAY)],
        [5n, BigInt(5 * DAY)],
      ]);
    });

    it("accepts the boundaries: Fast = Standard = Critical = seats, Standard delay = minimum = Critical delay", async function () {
      const sys = await loadFixture(fixture);
      const council = sys.council.connect(await asTimelock(sys));
      await council.setTierRule(Tier.Critical, 5, DAY);
      await council.setTierRule(Tier.Standard, 5, DAY);
      await council.setTierRule(Tier.Fast, 5, 0);
      expect((await snapshotSettings(council)).rules).to.deep.equal([
        [5n, 0n],
        [5n, BigInt(DAY)],
        [5n, BigInt(DAY)],
      ]);
    });

    it("refuses rules out of order, a Fast delay, and delays below their floors", async function () {
      const sys = await loadFixture(fixture);
      const council = sys.council.connect(await asTimelock(sys));
      const before = await snapshotSettings(council);
      const cases: [Tier, number, number, string, (number | bigint)[]][] = [
        [Tier.Fast, 0, 0, "HedgeCouncilThresholdsOutOfOrder", [0, 3, 4, 5]],
        // No seat acts alone once there are two: Fast 1 is refused on a 5-seat council.
        [Tier.Fast, 1, 0, "HedgeCouncilThresholdsOutOfOrder", [1, 3, 4, 5]],
        [Tier.Fast, 4, 0, "HedgeCouncilThresholdsOutOfOrder", [4, 3, 4, 5]],
        [Tier.Fast, 2, 1, "HedgeCouncilFastDelayNotZero", [1]],
        [Tier.Standard, 1, DAY, "HedgeCouncilThresholdsOutOfOrder", [2, 1, 4, 5]],
        [Tier.Standard, 5, DAY, "HedgeCouncilThresholdsOutOfOrder", [2, 5, 4, 5]],
        [Tier.Standard, 3, DAY - 1, "HedgeCouncilStandardDelayBelowTimelockMinimum", [DAY - 1, DAY]],
        [Tier.Standard, 3, 0, "HedgeCouncilStandardDelayBelowTimelockMinimum", [0, DAY]],
        [Tier.Standard, 3, 3 * DAY + 1, "HedgeCouncilCriticalDelayBelowStandard", [3 * DAY, 3 * DAY + 1]],
        [Tier.Critical, 2, 3 * DAY, "HedgeCouncilThresholdsOutOfOrder", [2, 3, 2, 5]],
        [Tier.Critical, 6, 3 * DAY, "HedgeCouncilThresholdsOutOfOrder", [2, 3, 6, 5]],
        [Tier.Critical, 4, DAY - 1, "HedgeCouncilCriticalDelayBelowStandard", [DAY - 1, DAY]],
      ];
      for (const [tier, threshold, delay, error, errorArgs] of cases) {
        await expect(council.setTierRule(tier, threshold, delay))
          .to.be.revertedWithCustomError(council, error)
          .withArgs(...errorArgs);
        expect(await snapshotSettings(council)).to.deep.equal(before);
      }
    });

    it("refuses a Fast threshold of 0 on a one-seat council too: every tier needs at least one approval", async function () {
      const [, holder] = await ethers.getSigners();
      const sys = await deployCouncilSystem({ seats: [holder.address] });
      const council = sys.council.connect(await asTimelock(sys));
      const before = await snapshotSettings(council);
      await expect(council.setTierRule(Tier.Fast, 0, 0))
        .to.be.revertedWithCustomError(council, "HedgeCouncilThresholdsOutOfOrder")
        .withArgs(0, 1, 1, 1);
      expect(await snapshotSettings(council)).to.deep.equal(before);
    });

    it("checks the Standard delay against the timelock's current minimum", async function () {
      const sys = await loadFixture(fixture);
      const timelockSigner = await asTimelock(sys);
      const council = sys.council.connect(timelockSigner);
      await sys.timelock.connect(timelockSigner).updateDelay(2 * DAY);
      const before = await snapshotSettings(council);
      await expect(council.setTierRule(Tier.Standard, 3, 2 * DAY - 1))
        .to.be.revertedWithCustomError(council, "HedgeCouncilStandardDelayBelowTimelockMinimum")
        .withArgs(2 * DAY - 1, 2 * DAY);
      expect(await snapshotSettings(council)).to.deep.equal(before);
      await expect(council.setTierRule(Tier.Standard, 3, 2 * DAY))
        .to.emit(council, "TierRuleUpdated")
        .withArgs(Tier.Standard, 3, DAY, 3, 2 * DAY);
    });
  });

  describe("setVetoThreshold", function () {
    it("accepts 1..seats", async function () {
      const sys = await loadFixture(fixture);
      const council = sys.council.connect(await asTimelock(sys));
      await expect(council.setVetoThreshold(5)).to.emit(council, "VetoThresholdUpdated").withArgs(2, 5);
      await expect(council.setVetoThreshold(1)).to.emit(council, "VetoThresholdUpdated").withArgs(5, 1);
      expect(await council.vetoThreshold()).to.equal(1n);
    });

    it("refuses 0 and more than the seats", async function () {
      const sys = await loadFixture(fixture);
      const council = sys.council.connect(await asTimelock(sys));
      for (const threshold of [0, 6, 255]) {
        await expect(council.setVetoThreshold(threshold))
          .to.be.revertedWithCustomError(council, "HedgeCouncilVetoThresholdOutOfRange")
          .withArgs(threshold, 5);
      }
      expect(await council.vetoThreshold()).to.equal(2n);
    });
  });

  describe("setExpiry", function () {
    it("accepts 1 hour..365 days", async function () {
      const sys = await loadFixture(fixture);
      const council = sys.council.connect(await asTimelock(sys));
      await expect(council.setExpiry(HOUR, YEAR))
        .to.emit(council, "ExpiryUpdated")
        .withArgs(7 * DAY, 14 * DAY, HOUR, YEAR);
      await expect(council.setExpiry(YEAR, HOUR)).to.emit(council, "ExpiryUpdated").withArgs(HOUR, YEAR, YEAR, HOUR);
      expect(await council.expiry()).to.deep.equal([BigInt(YEAR), BigInt(HOUR)]);
    });

    it("refuses values outside 1 hour..365 days", async function () {
      const sys = await loadFixture(fixture);
      const council = sys.council.connect(await asTimelock(sys));
      const cases = [
        [HOUR - 1, DAY],
        [DAY, HOUR - 1],
        [YEAR + 1, DAY],
        [DAY, YEAR + 1],
        [0, 0],
      ];
      for (const [ttl, grace] of cases) {
        await expect(council.setExpiry(ttl, grace))
          .to.be.revertedWithCustomError(council, "HedgeCouncilExpiryOutOfRange")
          .withArgs(ttl, grace);
      }
      expect(await council.expiry()).to.deep.equal([BigInt(7 * DAY), BigInt(14 * DAY)]);
    });
  });

  describe("through governance", function () {
    it("a Critical proposal changes the Standard rule, and the new threshold applies", async function () {
      const sys = await loadFixture(fixture);
      const { council, holders } = sys;
      const change = proposal([councilCall(sys, "setTierRule", [Tier.Standard, 4, 2 * DAY])], "rule");
      expect(await council.tierOf(change.targets, change.calldatas)).to.equal(Tier.Critical);
      await pass(sys, change);
      expect(await council.tierRule(Tier.Standard)).to.deep.equal([4n, BigInt(2 * DAY)]);

      const p = await tighteningProposal(sys);
      const id = await hashProposal(sys, p);
      const three = await sign(sys, holders.slice(0, 3), id);
      await expect(council.submit(...proposeArgs(p), three))
        .to.be.revertedWithCustomError(council, "HedgeCouncilInsufficientApprovals")
        .withArgs(id, 3, 4);
      const four = await sign(sys, holders.slice(0, 4), id);
      const at = BigInt(await time.latest()) + 1n;
      await time.setNextBlockTimestamp(at);
      await expect(council.submit(...proposeArgs(p), four))
        .to.emit(council, "Queued")
        .withArgs(id, at + BigInt(2 * DAY));
    });

    it("veto threshold and expiry change through governance", async function () {
      const sys = await loadFixture(fixture);
      const change = proposal([councilCall(sys, "setVetoThreshold", [3]), councilCall(sys, "setExpiry", [DAY, DAY])]);
      await pass(sys, change);
      expect(await sys.council.vetoThreshold()).to.equal(3n);
      expect(await sys.council.expiry()).to.deep.equal([BigInt(DAY), BigInt(DAY)]);
    });

    it("an invalid setting reverts at execute with the setter's error, and the proposal stays Queued", async function () {
      const sys = await loadFixture(fixture);
      const { council, timelock, holders } = sys;
      const settingsBefore = await snapshotSettings(council);
      const cases: [ReturnType<typeof proposal>, string, (number | bigint)[]][] = [
        [
          proposal([councilCall(sys, "setTierRule", [Tier.Standard, 5, DAY])], "a"),
          "HedgeCouncilThresholdsOutOfOrder",
          [2, 5, 4, 5],
        ],
        [
          proposal([councilCall(sys, "setTierRule", [Tier.Fast, 2, HOUR])], "b"),
          "HedgeCouncilFastDelayNotZero",
          [HOUR],
        ],
        [
          proposal([councilCall(sys, "setTierRule", [Tier.Critical, 4, HOUR])], "c"),
          "HedgeCouncilCriticalDelayBelowStandard",
          [HOUR, DAY],
        ],
        [proposal([councilCall(sys, "setVetoThreshold", [6])], "d"), "HedgeCouncilVetoThresholdOutOfRange", [6, 5]],
        [
          proposal([councilCall(sys, "setExpiry", [HOUR - 1, DAY])], "e"),
          "HedgeCouncilExpiryOutOfRange",
          [HOUR - 1, DAY],
        ],
      ];
      const queued = [];
      for (const [p] of cases) queued.push(await proposeAndQueue(sys, p));
      await time.increaseTo(queued[queued.length - 1].eta);
      for (let i = 0; i < cases.length; i++) {
        const [p, error, errorArgs] = cases[i];
        const before = await snapshotProposal(council, queued[i].id, holders);
        await expect(council.execute(...args(p)))
          .to.be.revertedWithCustomError(council, error)
          .withArgs(...errorArgs);
        await expectProposalUnchanged(sys, queued[i].id, before);
        expect(before.state).to.equal(ProposalState.Queued);
        expect(await timelock.isOperationReady(await operationId(sys, p))).to.equal(true);
      }
      expect(await snapshotSettings(council)).to.deep.equal(settingsBefore);
    });

    // Raising the timelock's minimum above the Critical delay leaves the tier rules in a state where no single
    // setTierRule passes (each call re-checks Standard >= minimum AND Critical >= Standard). The way out is a batch
    // that lowers the timelock delay, fixes both delays, and raises it again.
    it("after the timelock minimum is raised above the Critical delay, one batch can still realign the delays", async function () {
      const sys = await loadFixture(fixture);
      const { council, timelock } = sys;
      await pass(sys, proposal([updateDelayCall(sys, 4 * DAY)], "raise"));
      expect(await timelock.getMinDelay()).to.equal(BigInt(4 * DAY));

      const timelockSigner = await asTimelock(sys);
      await expect(council.connect(timelockSigner).setTierRule(Tier.Standard, 3, 4 * DAY))
        .to.be.revertedWithCustomError(council, "HedgeCouncilCriticalDelayBelowStandard")
        .withArgs(3 * DAY, 4 * DAY);
      await expect(council.connect(timelockSigner).setTierRule(Tier.Critical, 4, 4 * DAY))
        .to.be.revertedWithCustomError(council, "HedgeCouncilStandardDelayBelowTimelockMinimum")
        .withArgs(DAY, 4 * DAY);

      const realign = proposal(
        [
          updateDelayCall(sys, DAY),
          councilCall(sys, "setTierRule", [Tier.Critical, 4, 5 * DAY]),
          councilCall(sys, "setTierRule", [Tier.Standard, 3, 4 * DAY]),
          updateDelayCall(sys, 4 * DAY),
        ],
        "realign",
      );
      await pass(sys, realign);
      expect(await council.tierRule(Tier.Standard)).to.deep.equal([3n, BigInt(4 * DAY)]);
      expect(await council.tierRule(Tier.Critical)).to.deep.equal([4n, BigInt(5 * DAY)]);
      expect(await timelock.getMinDelay()).to.equal(BigInt(4 * DAY));
    });
  });

  describe("constructor", function () {
    it("refuses seats that report to another council (its copy of the seats would go stale)", async function () {
      const sys = await loadFixture(fixture);
      const factory = await ethers.getContractFactory("HedgeCouncil");
      const [seats, timelock, policy, council] = await Promise.all(
        [sys.seats, sys.timelock, sys.policy, sys.council].map((c) => c.getAddress()),
      );
      await expect(factory.deploy(seats, timelock, policy, [2, 3, 4, 2], [DAY, 3 * DAY], 7 * DAY, 14 * DAY))
        .to.be.revertedWithCustomError(factory, "HedgeCouncilSeatsNotLinked")
        .withArgs(council);
    });

    it("refuses a zero seats, timelock or policy address", async function () {
      const sys = await loadFixture(fixture);
      const factory = await ethers.getContractFactory("HedgeCouncil");
      const [seats, timelock, policy] = await Promise.all(
        [sys.seats, sys.timelock, sys.policy].map((c) => c.getAddress()),
      );
      const rest = [[2, 3, 4, 2], [DAY, 3 * DAY], 7 * DAY, 14 * DAY] as const;
      for (const addresses of [
        [ZeroAddress, timelock, policy],
        [seats, ZeroAddress, policy],
        [seats, timelock, ZeroAddress],
      ]) {
        await expect(
          factory.deploy(addresses[0], addresses[1], addresses[2], [...rest[0]], [...rest[1]], rest[2], rest[3]),
        ).to.be.revertedWithCustomError(factory, "HedgeCouncilZeroAddress");
      }
    });
  });
});

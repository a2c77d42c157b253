// HedgeDeployer (issue 27): one call creates the four core contracts at the addresses of the configuration's system
// id, wired to each other, with nothing left to the caller; the events name every contract; a system is created
// once; empty code and a configuration a constructor refuses revert with the rule's error and leave nothing behind.
// The chain-level journey (the Safe singleton factory, two chains, the audit) is test/tasks/deterministic.test.ts.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { ZeroAddress } from "ethers";

import { planDeterministic } from "../scripts/lib/deterministic";
import { checkWiring, type System } from "../scripts/lib/deploy";
import {
  CouncilSeats__factory,
  HedgeCouncil__factory,
  HedgeDeployer__factory,
  HedgePolicy__factory,
  MockV3Aggregator__factory,
  TimelockController__factory,
} from "../typechain-types";

describe("HedgeDeployer", () => {
  async function fixture() {
    const [caller, ...others] = await ethers.getSigners();
    const deployer = await new HedgeDeployer__factory(caller).deploy();
    const oracle = await new MockV3Aggregator__factory(caller).deploy(8, 15_00000000n);
    const holders = others.slice(0, 3).map((s) => s.address);
    const plan = planDeterministic({ seats: holders, oracle: await oracle.getAddress() }, caller.address);
    return { caller, deployer, plan, holders };
  }

  it("creates the four contracts at addressesOf(systemIdOf(config, code)), wired, the caller holding nothing", async () => {
    const { caller, deployer, plan, holders } = await loadFixture(fixture);
    const id = await deployer.systemIdOf(plan.config, plan.code);
    expect(id).to.equal(plan.systemId);
    const addresses = await deployer.addressesOf(id);
    const tx = deployer.deploySystem(plan.config, plan.code);
    for (let i = 0; i < 4; i++) {
      await expect(tx).to.emit(deployer, "ContractDeployed").withArgs(id, i, addresses[i]);
    }
    await expect(tx)
      .to.emit(deployer, "SystemDeployed")
      .withArgs(id, caller.address, addresses[0], addresses[1], addresses[2], addresses[3]);
    const [seats, timelock, policy, council] = addresses;
    const system: System = {
      seats: CouncilSeats__factory.connect(seats, caller),
      timelock: TimelockController__factory.connect(timelock, caller),
      policy: HedgePolicy__factory.connect(policy, caller),
      council: HedgeCouncil__factory.connect(council, caller),
      oracle: MockV3Aggregator__factory.connect(plan.config.oracle as string, caller),
    };
    await checkWiring(system, caller.address);
    await checkWiring(system, await deployer.getAddress());
    expect(await system.seats.ownerOf(3)).to.equal(holders[2]);
    expect(await system.policy.oracle()).to.equal(plan.config.oracle);
    const timelockContract = system.timelock;
    expect(await timelockContract.getMinDelay()).to.equal(plan.config.minDelay);
    expect(await timelockContract.hasRole(await timelockContract.DEFAULT_ADMIN_ROLE(), ZeroAddress)).to.equal(false);
  });

  it("creates a system once: the second call reverts with HedgeDeployerAlreadyDeployed", async () => {
    const { deployer, plan } = await loadFixture(fixture);
    await deployer.deploySystem(plan.config, plan.code);
    const addresses = await deployer.addressesOf(plan.systemId);
    await expect(deployer.deploySystem(plan.config, plan.code))
      .to.be.revertedWithCustomError(deployer, "HedgeDeployerAlreadyDeployed")
      .withArgs(plan.systemId, 0, addresses[0]);
  });

  it("refuses empty code, and a configuration a constructor refuses, leaving nothing behind", async () => {
    const { deployer, plan } = await loadFixture(fixture);
    for (const [index, name] of (["seats", "timelock", "policy", "council"] as const).entries()) {
      await expect(deployer.deploySystem(plan.config, { ...plan.code, [name]: "0x" }))
        .to.be.revertedWithCustomError(deployer, "HedgeDeployerEmptyCode")
        .withArgs(index);
    }
    // Critical above the number of seats: the council's constructor refuses it (index 3), after the first three.
    const bad = { ...plan.config, thresholds: [2, 2, 9, 1] as [number, number, number, number] };
    const badId = await deployer.systemIdOf(bad, plan.code);
    await expect(deployer.deploySystem(bad, plan.code))
      .to.be.revertedWithCustomError(deployer, "HedgeDeployerCreationFailed")
      .withArgs(badId, 3);
    for (const a of await deployer.addressesOf(badId)) expect(await ethers.provider.getCode(a)).to.equal("0x");
  });

  it("gives another configuration and other code other addresses", async () => {
    const { deployer, plan, holders } = await loadFixture(fixture);
    const mine = await deployer.addressesOf(plan.systemId);
    const others = [
      await deployer.systemIdOf({ ...plan.config, holders: [...holders].reverse() }, plan.code),
      await deployer.systemIdOf({ ...plan.config, gracePeriod: 86_400 * 15 }, plan.code),
      await deployer.systemIdOf(plan.config, { ...plan.code, council: plan.code.seats }),
    ];
    for (const id of others) {
      expect(id).not.to.equal(plan.systemId);
      for (const a of await deployer.addressesOf(id)) expect(mine).not.to.include(a);
    }
  });
});

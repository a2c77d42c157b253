// hedge:deploy --upkeep: a HedgeUpkeep deployed through the one deployment path, recorded in the deployments file,
// shown by hedge:status; added later to a live deployment; refused twice.
import fs from "node:fs";
import path from "node:path";

import { expect } from "chai";
import hre from "hardhat";

import type { Deployment } from "../../scripts/lib/deployments";
import { deployFresh, expectRefused, runOk, useTaskSandbox } from "./helpers";

describe("tasks: hedge:deploy --upkeep", function () {
  const sandbox = useTaskSandbox();
  const file = () => path.join(sandbox.dir(), "hardhat.json");

  async function expectUpkeepOf(deployment: Deployment) {
    const entry = deployment.contracts.upkeep!;
    expect(entry, "contracts.upkeep").to.not.equal(undefined);
    const receipt = await hre.ethers.provider.getTransactionReceipt(entry.transactionHash!);
    expect(receipt?.contractAddress).to.equal(entry.address);
    expect(receipt?.blockNumber).to.equal(entry.blockNumber);
    const upkeep = await hre.ethers.getContractAt("HedgeUpkeep", entry.address);
    expect(await upkeep.policy()).to.equal(deployment.contracts.policy.address);
    const [needed] = await upkeep.checkUpkeep("0x");
    expect(needed).to.equal(false);
  }

  it("deploys the upkeep with the system and records it", async () => {
    const deployment = await deployFresh({ upkeep: true });
    await expectUpkeepOf(deployment);
    expect(JSON.parse(fs.readFileSync(file(), "utf8"))).to.deep.equal(JSON.parse(JSON.stringify(deployment)));
    const { out } = await runOk("hedge:status");
    expect(out.join("\n")).to.include(`upkeep  ${deployment.contracts.upkeep!.address}`);
  });

  it("adds an upkeep to a live deployment without redeploying it, and refuses a second one", async () => {
    const before = await deployFresh();
    expect(before.contracts.upkeep).to.equal(undefined);
    const { result, out } = await runOk<Deployment>("hedge:deploy", { upkeep: true });
    expect(out.join("\n")).to.include("Deployed HedgeUpkeep at");
    const { upkeep, ...core } = result.contracts;
    expect(core).to.deep.equal(before.contracts);
    await expectUpkeepOf(result);
    expect(upkeep!.address).to.match(/^0x[0-9a-fA-F]{40}$/);
    await expectRefused("hedge:deploy", { upkeep: true }, /already records an upkeep at 0x[0-9a-fA-F]{40}/);
  });
});

// hedge:deploy --upkeep: a HedgeUpkeep deployed through the one deployment path, recorded in the deployments file,
// shown by hedge:status; added later to a live deployment; refused twice. Without --cre-* its CRE is off (all zero);
// with the three, it accepts that workflow from that forwarder; a partial, misplaced or malformed set is refused.
import fs from "node:fs";
import path from "node:path";

import { expect } from "chai";
import hre from "hardhat";
import { ZeroAddress, ZeroHash, id } from "ethers";

import type { Deployment } from "../../scripts/lib/deployments";
import { deployFresh, expectRefused, runOk, useTaskSandbox } from "./helpers";

describe("tasks: hedge:deploy --upkeep", function () {
  const sandbox = useTaskSandbox();
  const file = () => path.join(sandbox.dir(), "hardhat.json");

  async function expectUpkeepOf(
    deployment: Deployment,
    cre?: { forwarder: string; workflowId: string; workflowOwner: string },
  ) {
    const entry = deployment.contracts.upkeep!;
    expect(entry, "contracts.upkeep").to.not.equal(undefined);
    const receipt = await hre.ethers.provider.getTransactionReceipt(entry.transactionHash!);
    expect(receipt?.contractAddress).to.equal(entry.address);
    expect(receipt?.blockNumber).to.equal(entry.blockNumber);
    const upkeep = await hre.ethers.getContractAt("HedgeUpkeep", entry.address);
    expect(await upkeep.policy()).to.equal(deployment.contracts.policy.address);
    expect(await upkeep.forwarder()).to.equal(cre?.forwarder ?? ZeroAddress);
    expect(await upkeep.workflowId()).to.equal(cre?.workflowId ?? ZeroHash);
    expect(await upkeep.workflowOwner()).to.equal(cre?.workflowOwner ?? ZeroAddress);
    const [needed] = await upkeep.checkUpkeep("0x");
    expect(needed).to.equal(false);
  }

  it("deploys the upkeep with the system and records it", async () => {
    const deployment = await deployFresh({ upkeep: true });
    await expectUpkeepOf(deployment);
    expect(JSON.parse(fs.readFileSync(file(), "utf8"))).to.deep.equal(JSON.parse(JSON.stringify(deployment)));
    const { out } = await runOk("hedge:status");
    expect(out.join("\n")).to.include(`upkeep  ${deployment.contracts.upkeep!.address}`);
    expect(out).to.include("  cre     off (onReport refuses every report)");
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

  describe("--cre-forwarder, --cre-workflow-id, --cre-workflow-owner", function () {
    const workflowId = id("hedge-council/sync-layers v1");

    async function keystoneForwarder(): Promise<string> {
      const forwarder = await (await hre.ethers.getContractFactory("KeystoneForwarder")).deploy();
      return forwarder.getAddress();
    }

    it("deploys an upkeep that accepts that workflow from that forwarder, with the system or added later", async () => {
      const [, , , , , , , owner] = await hre.ethers.getSigners();
      const cre = { forwarder: await keystoneForwarder(), workflowId, workflowOwner: owner.address };
      const flags = { creForwarder: cre.forwarder, creWorkflowId: workflowId, creWorkflowOwner: owner.address };
      await expectUpkeepOf(await deployFresh({ upkeep: true, ...flags }), cre);
      await deployFresh();
      const { result, out } = await runOk<Deployment>("hedge:deploy", { upkeep: true, ...flags });
      expect(out.join("\n")).to.include(`it accepts CRE reports of workflow ${workflowId}`);
      await expectUpkeepOf(result, cre);
      const status = (await runOk("hedge:status")).out;
      expect(status).to.include(
        `  cre     workflow ${workflowId} (owner ${owner.address}) from the forwarder ${cre.forwarder}`,
      );
    });

    it("refuses a partial set, one without --upkeep, a malformed id or owner, and a forwarder with no code", async () => {
      const [, , , , , , , owner] = await hre.ethers.getSigners();
      const forwarder = await keystoneForwarder();
      const all = {
        upkeep: true,
        force: true,
        creForwarder: forwarder,
        creWorkflowId: workflowId,
        creWorkflowOwner: owner.address,
      };
      await expectRefused("hedge:deploy", { ...all, creWorkflowId: undefined }, /--cre-workflow-id missing/);
      await expectRefused(
        "hedge:deploy",
        { ...all, creWorkflowId: undefined, creWorkflowOwner: undefined },
        /--cre-workflow-id and --cre-workflow-owner missing/,
      );
      await expectRefused(
        "hedge:deploy",
        { ...all, upkeep: false },
        /--cre-forwarder configures HedgeUpkeep: add --upkeep/,
      );
      await expectRefused(
        "hedge:deploy",
        { ...all, creWorkflowId: "0x1234" },
        /--cre-workflow-id 0x1234: not a workflow id/,
      );
      await expectRefused("hedge:deploy", { ...all, creWorkflowId: ZeroHash }, /not a workflow id/);
      await expectRefused(
        "hedge:deploy",
        { ...all, creWorkflowOwner: ZeroAddress },
        /--cre-workflow-owner .*: not a non-zero address/,
      );
      await expectRefused(
        "hedge:deploy",
        { ...all, creForwarder: owner.address },
        /--cre-forwarder .*: no contract there/,
      );
    });
  });
});

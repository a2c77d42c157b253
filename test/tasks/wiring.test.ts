// The deployments file is checked against the chain on every read (openSystem): a contract swapped for another live
// one, a contract whose code was changed, or a link pointed elsewhere is refused as "tampered or foreign", naming the
// broken link, before anything is sent.
import fs from "node:fs";
import path from "node:path";

import { expect } from "chai";
import hre from "hardhat";

import type { ContractKey, Deployment } from "../../scripts/lib/deployments";
import { deployFresh, expectRefused, runOk, snapshot, useTaskSandbox } from "./helpers";

const ADDRESS = "0x[0-9a-fA-F]{40}";
const LOCAL_FIX = "\\(restore the file, or deploy again with hedge:deploy --force\\)$";

describe("tasks: a tampered or foreign deployments file is refused", function () {
  const sandbox = useTaskSandbox();
  const file = () => path.join(sandbox.dir(), "hardhat.json");
  let first: Deployment;
  let second: Deployment;
  let restore: () => Promise<void>;

  before(async () => {
    // Two live systems with the same code: the second one's contracts are genuine, but not the first one's.
    second = await deployFresh({ upkeep: true });
    first = await deployFresh({ upkeep: true });
  });
  beforeEach(async () => {
    restore = await snapshot();
  });
  afterEach(async () => {
    await restore();
  });

  /** Rewrites the deployments file with `key` at `address`. */
  const pointAt = (key: ContractKey | "upkeep", address: string) => {
    const edited = structuredClone(first);
    edited.contracts[key]!.address = address;
    fs.writeFileSync(file(), JSON.stringify(edited));
  };

  it("reads an untouched deployment", async () => {
    const { out } = await runOk("hedge:status");
    expect(out.join("\n")).to.match(/Policy version 1/);
  });

  it("a council address swapped for another live council", async () => {
    pointAt("council", second.contracts.council.address);
    await expectRefused(
      "hedge:status",
      {},
      new RegExp(
        `^\\S*hardhat\\.json is tampered or foreign: seats\\.council\\(\\) is ${first.contracts.council.address}, not the council ${second.contracts.council.address} of the deployments file ${LOCAL_FIX}`,
      ),
    );
    await expectRefused("hedge:propose", { kind: "policy", set: "coverageBps=3000", from: "1" }, /tampered or foreign/);
  });

  it("a policy address pointed at another live policy, or at a contract that is no policy", async () => {
    pointAt("policy", second.contracts.policy.address);
    await expectRefused(
      "hedge:sync",
      {},
      new RegExp(
        `^\\S*hardhat\\.json is tampered or foreign: council\\.hedgePolicy\\(\\) is ${first.contracts.policy.address}, not the policy ${second.contracts.policy.address} of the deployments file ${LOCAL_FIX}`,
      ),
    );
    pointAt("policy", first.contracts.seats.address);
    await expectRefused(
      "hedge:sync",
      {},
      new RegExp(
        `^\\S*hardhat\\.json is tampered or foreign: the code at ${first.contracts.seats.address} \\(policy\\) is not HedgePolicy as compiled in this project ${LOCAL_FIX}`,
      ),
    );
  });

  it("an upkeep that keeps another policy", async () => {
    pointAt("upkeep", second.contracts.upkeep!.address);
    await expectRefused(
      "hedge:status",
      {},
      new RegExp(
        `^\\S*hardhat\\.json is tampered or foreign: upkeep\\.policy\\(\\) is ${second.contracts.policy.address}, not the policy ${first.contracts.policy.address} of the deployments file`,
      ),
    );
  });

  it("one byte of a contract's code changed (hardhat_setCode)", async () => {
    const address = first.contracts.council.address;
    const code = await hre.ethers.provider.getCode(address);
    const at = 2 + 2 * 100; // byte 100: code, not an immutable (those sit near the end)
    const flipped = (parseInt(code.slice(at, at + 2), 16) ^ 0x01).toString(16).padStart(2, "0");
    await hre.network.provider.send("hardhat_setCode", [address, code.slice(0, at) + flipped + code.slice(at + 2)]);
    await expectRefused(
      "hedge:approve",
      { id: "0x12345678", from: "2" },
      new RegExp(
        `^\\S*hardhat\\.json is tampered or foreign: the code at ${ADDRESS} \\(council\\) is not HedgeCouncil as compiled in this project ${LOCAL_FIX}`,
      ),
    );
  });

  it("the oracle's code, when hedge:deploy deployed the mock", async () => {
    const other = await hre.artifacts.readArtifact("RevertingOracle");
    await hre.network.provider.send("hardhat_setCode", [first.contracts.oracle.address, other.deployedBytecode]);
    await expectRefused(
      "hedge:oracle",
      { vix: "20" },
      /^\S*hardhat\.json is tampered or foreign: the code at 0x[0-9a-fA-F]{40} \(oracle\) is not MockV3Aggregator as compiled/,
    );
  });
});

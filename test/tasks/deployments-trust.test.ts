// What the commands take from the deployments file, and what they take from the chain instead (issue 25): the block
// numbers are checked against the deployment transactions' receipts by every command that reads the chain's history
// (a block moved forward would hide a pending Critical proposal from hedge:status and hedge:veto), and the oracle is
// always the policy's (`policy.oracle()`), with one warning when the file's predates a setOracle.
import fs from "node:fs";
import path from "node:path";

import { expect } from "chai";
import hre from "hardhat";

import type { ProposeResult } from "../../scripts/commands/propose";
import { CONTRACT_KEYS, type Deployment } from "../../scripts/lib/deployments";
import { expectRefused, runOk, runTask, useDeployedSystem } from "./helpers";

describe("tasks: the deployments file's block numbers and oracle against the chain", function () {
  const fixture = useDeployedSystem();
  const file = () => path.join(process.env.HEDGE_DEPLOYMENTS_DIR!, "hardhat.json");
  const read = () => JSON.parse(fs.readFileSync(file(), "utf8")) as Deployment;
  const write = (d: Deployment) => fs.writeFileSync(file(), `${JSON.stringify(d, null, 2)}\n`);
  const propose = async (args: Record<string, unknown>) =>
    (await runOk<ProposeResult>("hedge:propose", { ...args, from: "1" })).result;

  describe("block numbers", () => {
    /** A pending Critical proposal, then a few blocks after it; returns its id and its block. */
    async function pendingCritical(): Promise<{ id: string; block: number }> {
      const { id, tier } = await propose({ kind: "policy", set: "coverageBps=2000" });
      expect(tier).to.equal(2);
      const block = await hre.ethers.provider.getBlockNumber();
      await hre.network.provider.send("hardhat_mine", ["0x3"]);
      return { id, block };
    }

    it("hedge:status and hedge:veto refuse a file whose block numbers were moved past a pending proposal", async () => {
      const { id, block } = await pendingCritical();
      const moved = read();
      for (const key of CONTRACT_KEYS) moved.contracts[key].blockNumber = block + 1;
      write(moved);
      const oracle = fixture.deployment.contracts.oracle.blockNumber;
      const message = new RegExp(
        `^deployments file .*hardhat\\.json: oracle block ${block + 1} does not match its deployment transaction's receipt \\(block ${oracle}\\); restore the file, or deploy again with hedge:deploy --force$`,
      );
      await expectRefused("hedge:status", {}, message);
      await expectRefused("hedge:veto", { id, from: "2" }, message);
      // Back as hedge:deploy wrote it, the proposal is there to see and to veto.
      write(fixture.deployment);
      const status = await runOk("hedge:status");
      expect(status.out.join("\n")).to.match(new RegExp(`Open proposals: 1 \\(of 1;[\\s\\S]*${id.slice(0, 10)}`));
      const veto = await runOk("hedge:veto", { id, from: "2" });
      expect(veto.out.join("\n")).to.include("Veto cast by account 2");
    });

    it("names the contract whose block moved, and refuses a block kept without its transaction", async () => {
      const { block } = await pendingCritical();
      const council = fixture.deployment.contracts.council;
      const moved = read();
      moved.contracts.council.blockNumber = block + 1;
      write(moved);
      await expectRefused(
        "hedge:status",
        {},
        `: council block ${block + 1} does not match its deployment transaction's receipt (block ${council.blockNumber})`,
      );
      // Without the transactions there is nothing to check a block against: refused, not trusted.
      const unchecked = read();
      for (const key of CONTRACT_KEYS) unchecked.contracts[key].transactionHash = null;
      write(unchecked);
      await expectRefused(
        "hedge:status",
        {},
        `: oracle block ${fixture.deployment.contracts.oracle.blockNumber} is recorded without its deployment transaction, so it cannot be checked`,
      );
      const unrecorded = read();
      for (const key of CONTRACT_KEYS) unrecorded.contracts[key].blockNumber = null;
      write(unrecorded);
      await expectRefused(
        "hedge:status",
        {},
        ": oracle deployment transaction is not recorded, so the block its history begins in cannot be checked",
      );
    });

    it("refuses a transaction that did not create the contract the file names", async () => {
      const swapped = read();
      swapped.contracts.council.transactionHash = fixture.deployment.contracts.policy.transactionHash;
      write(swapped);
      await expectRefused(
        "hedge:status",
        {},
        new RegExp(
          `: council deployment transaction ${fixture.deployment.contracts.policy.transactionHash} did not create the contract at ${fixture.deployment.contracts.council.address};`,
        ),
      );
    });
  });

  describe("the oracle", () => {
    it("hedge:status reads the policy's oracle after a setOracle, and warns once that the file predates it", async () => {
      const feed = await (await hre.ethers.getContractFactory("MockV3Aggregator")).deploy(8, 2_750_000_000n);
      const address = await feed.getAddress();
      const { id } = await propose({ kind: "oracle", address });
      for (const from of ["2", "3", "4"]) await runOk("hedge:approve", { id, from });
      await runOk("hedge:queue", { id });
      await runOk("hedge:time", { advance: "3d" });
      await runOk("hedge:execute", { id });
      const policy = await hre.ethers.getContractAt("HedgePolicy", fixture.deployment.contracts.policy.address);
      expect(await policy.oracle()).to.equal(address);

      const run = await runTask("hedge:status");
      expect(run.exitCode, run.err.join("\n")).to.equal(0);
      const old = fixture.deployment.contracts.oracle.address;
      expect(run.err).to.deep.equal([
        `warning: the deployments file's oracle ${old} is not the policy's (${address}): reading the policy's; the file predates a setOracle`,
      ]);
      const text = run.out.join("\n");
      expect(text).to.include(`  oracle  ${address}\n`);
      expect(text).not.to.include(old);
      expect(text).to.match(/^VIX 27\.50 \(oracle answer of /m);
    });
  });
});

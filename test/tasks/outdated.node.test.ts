// An outdated proposal against a real `hardhat node` (started on a free port, stopped by pid): `hedge:approve` run as
// the command line runs it (a child process, --network localhost) prints the proposal, refuses with one line naming
// the reason and --allow-outdated, and sends nothing. The chain is set up with raw contract calls (two setPolicy
// proposals against version 1, the first executed), so only the refusal itself pays for a child process.
import fs from "node:fs";
import path from "node:path";

import { expect } from "chai";
import { JsonRpcProvider, id as keccakText } from "ethers";

import type { Deployment } from "../../scripts/lib/deployments";
import { toPolicyValues } from "../../scripts/lib/policy";
import { HedgeCouncil__factory, HedgePolicy__factory } from "../../typechain-types";
import { nodeFingerprint, rpc as rpcAt, startNode, type NodeProcess } from "../helpers/node";
import { hardhatCli, tempDir, type CliRun } from "./helpers";

describe("an outdated proposal against `hardhat node` (child process, --network localhost)", function () {
  this.timeout(180_000);
  let node: NodeProcess | undefined;
  let provider: JsonRpcProvider | undefined;
  const dir = tempDir("outdated-node");
  const cli = (args: string[]) =>
    hardhatCli([...args, "--network", "localhost"], { HEDGE_LOCALHOST_URL: node!.url, HEDGE_DEPLOYMENTS_DIR: dir });
  const rpc = <T>(method: string, params: unknown[] = []) => rpcAt<T>(node!.url, method, params);

  before(async () => {
    node = await startNode();
    provider = new JsonRpcProvider(node.url, undefined, { staticNetwork: true });
  });
  after(async () => {
    provider?.destroy();
    await node?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const fingerprint = () => nodeFingerprint(node!.url);

  function ok(run: CliRun, what: string): string {
    expect(run.code, `${what} failed:\n${run.stdout}\n${run.stderr}`).to.equal(0);
    return run.stdout;
  }

  it("refuses hedge:approve of an outdated setPolicy with one line and sends nothing", async () => {
    // Thresholds 2,2,3,1: a Standard change needs the proposer and one more seat.
    ok(await cli(["hedge:deploy", "--thresholds", "2,2,3,1", "--quiet"]), "hedge:deploy");
    const deployment = JSON.parse(fs.readFileSync(path.join(dir, "localhost.json"), "utf8")) as Deployment;
    const c = deployment.contracts;
    const policy = HedgePolicy__factory.connect(c.policy.address, provider!);
    const councilAs = async (account: number) =>
      HedgeCouncil__factory.connect(c.council.address, await provider!.getSigner(account));

    const current = toPolicyValues(await policy.policy());
    const version = await policy.version();
    const setPolicy = (coverageBps: number) =>
      policy.interface.encodeFunctionData("setPolicy", [{ ...current, coverageBps }, version]);
    // propose takes the description; hashProposal, queue and execute its keccak256.
    const calls = (coverageBps: number, description: string) => ({
      propose: [[c.policy.address], [0n], [setPolicy(coverageBps)], description] as [
        string[],
        bigint[],
        string[],
        string,
      ],
      hashed: [[c.policy.address], [0n], [setPolicy(coverageBps)], keccakText(description)] as [
        string[],
        bigint[],
        string[],
        string,
      ],
    });
    const seat1 = await councilAs(1);
    const [executed, outdated] = [calls(3000, "executed"), calls(3500, "outdated")];
    await (await seat1.propose(...executed.propose)).wait();
    await (await seat1.propose(...outdated.propose)).wait();
    const outdatedId = await seat1.hashProposal(...outdated.hashed);
    await (await (await councilAs(2)).approve(await seat1.hashProposal(...executed.hashed))).wait();
    await (await seat1.queue(...executed.hashed)).wait();
    await rpc("evm_increaseTime", [86_400]);
    await rpc("evm_mine");
    await (await seat1.execute(...executed.hashed)).wait();
    expect(await policy.version()).to.equal(version + 1n);

    const before = await fingerprint();
    const run = await cli(["hedge:approve", "--id", outdatedId, "--from", "2"]);
    expect(run.code, `expected exit status 1:\n${run.stdout}\n${run.stderr}`).to.equal(1);
    expect(run.stderr.split("\n").filter(Boolean)).to.deep.equal([
      `error: proposal ${outdatedId.slice(0, 10)}… is outdated, it cannot run as it stands: call 0: the change was built against policy version 1, but the policy is now at version 2; propose it again; pass --allow-outdated to approve it anyway`,
    ]);
    expect(run.stdout).to.include(`Proposal ${outdatedId}\n`);
    expect(run.stdout).to.include("Description: outdated\n");
    expect(run.stdout).to.match(/^ {6}coverageBps\s+3,000 \(30\.00 %\)\s+3,500 \(35\.00 %\)\s+tightens$/m);
    expect(run.stdout).to.include("  OUTDATED: call 0: the change was built against policy version 1");
    expect(await fingerprint(), "the refused approve sent a transaction").to.equal(before);
    expect(await seat1.approvalCount(outdatedId)).to.equal(1n);
  });
});

// Issue 18's command line against a real `hardhat node` (started on a free port, stopped by pid), each command a
// child process with --network localhost, as a user runs it: a signature made by the node's own
// eth_signTypedData_v4 from `hedge:sign --export`, imported and relayed; hedge:veto showing what it vetoes;
// hedge:time and hedge:sync refusing or declining without sending anything. The proposal itself is made with a raw
// contract call, so only the commands under test pay for a child process.
import fs from "node:fs";
import path from "node:path";

import { expect } from "chai";
import { JsonRpcProvider, id as keccakText } from "ethers";

import type { ApprovalsFile } from "../../scripts/lib/approvals-file";
import type { Deployment } from "../../scripts/lib/deployments";
import { toPolicyValues } from "../../scripts/lib/policy";
import { approvalHashes } from "../../scripts/lib/signing";
import { HedgeCouncil__factory, HedgePolicy__factory } from "../../typechain-types";
import { nodeFingerprint, rpc as rpcAt, startNode, type NodeProcess } from "../helpers/node";
import { hardhatCli, tempDir, type CliRun } from "./helpers";

describe("signing what you see against `hardhat node` (child processes, --network localhost)", function () {
  this.timeout(240_000);
  let node: NodeProcess | undefined;
  let provider: JsonRpcProvider | undefined;
  let deployment: Deployment;
  let id = "";
  const dir = tempDir("node-sign");
  const file = path.join(dir, "approvals.json");
  const cli = (args: string[]) =>
    hardhatCli([...args, "--network", "localhost"], { HEDGE_LOCALHOST_URL: node!.url, HEDGE_DEPLOYMENTS_DIR: dir });
  const rpc = <T>(method: string, params: unknown[] = []) => rpcAt<T>(node!.url, method, params);
  const council = () => HedgeCouncil__factory.connect(deployment.contracts.council.address, provider!);

  const fingerprint = () => nodeFingerprint(node!.url);

  function ok(run: CliRun, what: string): string {
    expect(run.code, `${what} failed:\n${run.stdout}\n${run.stderr}`).to.equal(0);
    return run.stdout;
  }

  function refused(run: CliRun, message: RegExp): void {
    expect(run.code, `expected exit status 1:\n${run.stdout}\n${run.stderr}`).to.equal(1);
    const lines = run.stderr.split("\n").filter(Boolean);
    expect(lines, `stderr:\n${run.stderr}`).to.have.length(1);
    expect(lines[0]).to.match(/^error: /);
    expect(lines[0]).to.match(message);
    expect(run.stderr).not.to.match(/^\s+at /m);
  }

  before(async () => {
    node = await startNode();
    provider = new JsonRpcProvider(node.url, undefined, { staticNetwork: true });
    // Thresholds 2,2,3,1: a Standard change needs the proposer and one more seat; one veto stops it.
    ok(await cli(["hedge:deploy", "--thresholds", "2,2,3,1", "--quiet"]), "hedge:deploy");
    deployment = JSON.parse(fs.readFileSync(path.join(dir, "localhost.json"), "utf8")) as Deployment;
    const policy = HedgePolicy__factory.connect(deployment.contracts.policy.address, provider);
    const next = { ...toPolicyValues(await policy.policy()), coverageBps: 3_500 };
    const calls: [string[], bigint[], string[], string] = [
      [deployment.contracts.policy.address],
      [0n],
      [policy.interface.encodeFunctionData("setPolicy", [next, await policy.version()])],
      keccakText("node-sign"),
    ];
    const seat1 = council().connect(await provider.getSigner(1));
    await (await seat1.propose(...calls)).wait();
    id = await seat1.hashProposal(...calls);
  });

  after(async () => {
    provider?.destroy();
    await node?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("a signature the node makes with eth_signTypedData_v4 from --export is imported, then relayed and counted", async () => {
    const typedFile = path.join(dir, "typed.json");
    const exported = ok(
      await cli(["hedge:sign", "--id", id, "--out", file, "--export", typedFile, "--no-simulate"]),
      "hedge:sign --export",
    );
    const hashes = approvalHashes(31337, deployment.contracts.council.address, id);
    expect(exported).to.include(hashes.domainSeparator).and.to.include(hashes.structHash).and.to.include(hashes.digest);

    const signer = (await rpc<string[]>("eth_accounts"))[2];
    const signature = await rpc<string>("eth_signTypedData_v4", [signer, fs.readFileSync(typedFile, "utf8")]);
    const imported = ok(
      await cli([
        "hedge:sign",
        "--id",
        id,
        "--out",
        file,
        "--import-signature",
        signature,
        "--signer",
        signer,
        "--no-simulate",
      ]),
      "hedge:sign --import-signature",
    );
    expect(imported).to.include(hashes.digest);
    const content = JSON.parse(fs.readFileSync(file, "utf8")) as ApprovalsFile;
    expect(content.signatures.map((s) => s.signer.toLowerCase())).to.deep.equal([signer.toLowerCase()]);

    ok(await cli(["hedge:approve", "--signatures", file]), "hedge:approve --signatures");
    expect(await council().approvalCount(id)).to.equal(2n);
    expect(await council().hasApproved(id, signer)).to.equal(true);
  });

  it("hedge:veto prints the decoded change before vetoing it", async () => {
    const out = ok(await cli(["hedge:veto", "--id", id, "--from", "3"]), "hedge:veto");
    expect(out).to.include(`Proposal ${id}\n`);
    expect(out).to.match(/^ {6}coverageBps\s+2,500 \(25\.00 %\)\s+3,500 \(35\.00 %\)\s+tightens$/m);
    expect(out.indexOf(`Proposal ${id}`)).to.be.lessThan(out.search(/veto/i));
    expect(await council().vetoCount(id)).to.equal(1n);
  });

  it("hedge:time refuses an advance past what the tools can show, before the clock moves", async () => {
    const before = await fingerprint();
    refused(await cli(["hedge:time", "--advance", "9999999999d"]), /--advance 9999999999d/);
    expect(await fingerprint(), "the refused hedge:time moved the clock or mined").to.equal(before);
  });

  it("hedge:sync says the layers already match the VIX and sends nothing", async () => {
    const before = await fingerprint();
    const out = ok(await cli(["hedge:sync"]), "hedge:sync");
    expect(out).to.match(/already match the VIX .*nothing sent/);
    expect(await fingerprint(), "hedge:sync sent a transaction").to.equal(before);
  });
});

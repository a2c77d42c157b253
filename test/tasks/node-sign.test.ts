// Signing what you see against a real `hardhat node` (started on a free port, stopped by pid), each command a child
// process with --network localhost, as a user runs it: a signature made by the node's own eth_signTypedData_v4 from
// `hedge:sign --export` (the seat and the deadline in the typed data), imported and relayed; an expired signature
// refused by hedge:submit in one line, nothing sent; hedge:veto showing what it vetoes, and refusing a Standard
// proposal in one line; hedge:time and hedge:sync refusing or declining without sending anything. The proposals on
// chain are made with raw contract calls, so only the commands under test pay for a child process.
import fs from "node:fs";
import path from "node:path";

import { expect } from "chai";
import { JsonRpcProvider, id as keccakText } from "ethers";

import type { ApprovalsFile } from "../../scripts/lib/approvals-file";
import type { Deployment } from "../../scripts/lib/deployments";
import { toPolicyValues } from "../../scripts/lib/policy";
import { approvalHashes, fmtValidUntil } from "../../scripts/lib/signing";
import { HedgeCouncil__factory, HedgePolicy__factory } from "../../typechain-types";
import { nodeFingerprint, rpc as rpcAt, startNode, type NodeProcess } from "../helpers/node";
import { hardhatCli, tempDir, type CliRun } from "./helpers";

describe("signing what you see against `hardhat node` (child processes, --network localhost)", function () {
  this.timeout(240_000);
  let node: NodeProcess | undefined;
  let provider: JsonRpcProvider | undefined;
  let deployment: Deployment;
  let id = "";
  /** A loosening change (Critical): the only kind a veto applies to. */
  let critical = "";
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
    const seat1 = council().connect(await provider.getSigner(1));
    // propose takes the description, hashProposal its keccak256.
    const propose = async (coverageBps: number, description: string) => {
      const change = { ...next, coverageBps };
      const calls = [
        [deployment.contracts.policy.address],
        [0n],
        [policy.interface.encodeFunctionData("setPolicy", [change, await policy.version()])],
      ] as const;
      await (await seat1.propose([...calls[0]], [...calls[1]], [...calls[2]], description)).wait();
      return seat1.hashProposal([...calls[0]], [...calls[1]], [...calls[2]], keccakText(description));
    };
    id = await propose(3_500, "node-sign: more coverage");
    critical = await propose(2_000, "node-sign: less coverage");
  });

  after(async () => {
    provider?.destroy();
    await node?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("a signature the node makes with eth_signTypedData_v4 from --export is imported, then relayed and counted", async () => {
    const typedFile = path.join(dir, "typed.json");
    const signer = (await rpc<string[]>("eth_accounts"))[2];
    const exported = ok(
      await cli(["hedge:sign", "--id", id, "--out", file, "--export", typedFile, "--signer", signer, "--no-simulate"]),
      "hedge:sign --export",
    );
    const typed = JSON.parse(fs.readFileSync(typedFile, "utf8")) as { message: { seatId: string; validUntil: string } };
    expect(typed.message.seatId).to.equal("2");
    const approval = { proposalId: id, seatId: 2, validUntil: BigInt(typed.message.validUntil) };
    const hashes = approvalHashes(31337, deployment.contracts.council.address, approval);
    expect(exported).to.include(hashes.domainSeparator).and.to.include(hashes.structHash).and.to.include(hashes.digest);
    expect(exported).to.include(
      `  seat              2\n  valid until       ${fmtValidUntil(BigInt(typed.message.validUntil))}\n`,
    );
    expect(exported).to.include("Description: node-sign: more coverage\n");
    // The hardware-wallet path shows the co-signer the tier and why, as hedge:propose prints them.
    expect(exported).to.match(/^Tier: Standard, needs \d of 5 seats, then waits 1 d in the timelock$/m);
    expect(exported).to.include("  why: call 0: a setPolicy for the current version that does not loosen: Standard\n");

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
        "--typed-data",
        typedFile,
        "--no-simulate",
      ]),
      "hedge:sign --import-signature",
    );
    expect(imported).to.include(hashes.digest);
    const content = JSON.parse(fs.readFileSync(file, "utf8")) as ApprovalsFile;
    expect(content.signatures.map((s) => [s.seatId, s.signer.toLowerCase()])).to.deep.equal([
      ["2", signer.toLowerCase()],
    ]);

    ok(await cli(["hedge:approve", "--signatures", file]), "hedge:approve --signatures");
    expect(await council().approvalCount(id)).to.equal(2n);
    expect(await council().hasApproved(id, signer)).to.equal(true);
  });

  it("hedge:submit refuses an expired signature in one line naming the seat and its deadline, and sends nothing", async () => {
    const offchain = path.join(dir, "expiring.json");
    const proposed = ok(
      await cli([
        "hedge:propose",
        "policy",
        "--set",
        "coverageBps=2600",
        "--description",
        "signed for one minute",
        "--offchain",
        "--out",
        offchain,
        "--valid-for",
        "1m",
        "--from",
        "1",
      ]),
      "hedge:propose --offchain --valid-for 1m",
    );
    const offchainId = /Id: (0x[0-9a-f]{64})/.exec(proposed)![1];
    ok(await cli(["hedge:sign", "--id", offchainId, "--out", offchain, "--from", "3", "--no-simulate"]), "hedge:sign");
    const until = (JSON.parse(fs.readFileSync(offchain, "utf8")) as ApprovalsFile).signatures[0].validUntil;
    await rpc("evm_increaseTime", [120]);
    await rpc("evm_mine");
    const before = await fingerprint();
    const run = await cli(["hedge:submit", "--signatures", offchain]);
    refused(run, /^error: the signature of seat 1 \(0x[0-9a-fA-F]{40}\) in .*expiring\.json expired/);
    expect(run.stderr.trim()).to.include(
      `it was valid until ${fmtValidUntil(BigInt(until))}, and the council refuses it; seat 1 signs again with \`hedge:sign --id ${offchainId} --from <account>\``,
    );
    expect(await fingerprint(), "the refused submit sent a transaction").to.equal(before);
    expect(await council().state(offchainId)).to.equal(0n);
  });

  it("hedge:veto refuses a Standard proposal in one line, and prints a Critical one before vetoing it", async () => {
    const before = await fingerprint();
    const run = await cli(["hedge:veto", "--id", id, "--from", "3"]);
    refused(
      run,
      /^error: only Critical proposals can be vetoed: 0x[0-9a-f]{64} is Standard \(a setPolicy that does not loosen\)$/,
    );
    expect(run.stdout).to.equal("");
    expect(await fingerprint(), "the refused veto sent a transaction").to.equal(before);

    const out = ok(await cli(["hedge:veto", "--id", critical, "--from", "3"]), "hedge:veto");
    expect(out).to.include(`Proposal ${critical}\n`);
    expect(out).to.include("Description: node-sign: less coverage\n");
    expect(out).to.match(/^Tier: Critical, needs \d of 5 seats, then waits 3 d in the timelock$/m);
    expect(out).to.match(
      /^ {2}why: call 0 loosens \(Critical\): less protection from VIX 20\.00 up: coverage 25\.00 % → 20\.00 %$/m,
    );
    expect(out).to.match(/^ {6}coverageBps\s+2,500 \(25\.00 %\)\s+2,000 \(20\.00 %\)\s+loosens$/m);
    expect(out.indexOf(`Proposal ${critical}`)).to.be.lessThan(out.search(/veto/i));
    expect(await council().vetoCount(critical)).to.equal(1n);
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

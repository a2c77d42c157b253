// Proposal descriptions and hedge:revoke as a user runs them: child processes of the hardhat CLI against a real
// `hardhat node` on a free loopback port (--network localhost, HEDGE_LOCALHOST_URL). A described proposal goes
// off-chain and is co-signed; one co-signer revokes before it exists, and the relay is refused in one line with
// nothing sent until that signature leaves the file. A proposal made on another machine (a plain contract call:
// no file anywhere) shows its description from the chain; an on-chain approval is revoked.
import type { ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

import { expect } from "chai";
import { HDNodeWallet, JsonRpcProvider, Mnemonic, id as keccakText, keccak256 } from "ethers";

import type { ApprovalsFile } from "../../scripts/lib/approvals-file";
import type { Deployment } from "../../scripts/lib/deployments";
import { toPolicyValues } from "../../scripts/lib/policy";
import { HedgeCouncil__factory, HedgePolicy__factory } from "../../typechain-types";
import { nodeFingerprint, startNode, stopChild } from "../helpers/node";
import { hardhatCli, tempDir, type CliRun } from "./helpers";

const MNEMONIC = Mnemonic.fromPhrase("test test test test test test test test test test test junk");
const [seat1, seat2, seat5] = [1, 2, 5].map((i) => HDNodeWallet.fromMnemonic(MNEMONIC, `m/44'/60'/0'/0/${i}`));

describe("descriptions and hedge:revoke against `hardhat node` (child processes, --network localhost)", function () {
  this.timeout(300_000);
  let node: ChildProcess | undefined;
  let url = "";
  const dir = tempDir("node-desc");
  const cli = (args: string[]) =>
    hardhatCli([...args, "--network", "localhost"], { HEDGE_LOCALHOST_URL: url, HEDGE_DEPLOYMENTS_DIR: dir });

  function ok(run: CliRun, what: string): string {
    expect(run.code, `${what} failed:\n${run.stdout}\n${run.stderr}`).to.equal(0);
    return run.stdout;
  }

  function refused(run: CliRun): string {
    expect(run.code, `expected exit status 1:\n${run.stdout}\n${run.stderr}`).to.equal(1);
    const lines = run.stderr.split("\n").filter(Boolean);
    expect(lines, `stderr:\n${run.stderr}`).to.have.length(1);
    expect(lines[0]).to.match(/^error: \S/);
    return lines[0].slice("error: ".length);
  }

  before(async function () {
    ({ child: node, url } = await startNode());
  });
  after(async () => {
    if (node) await stopChild(node, "SIGTERM");
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("co-signs a described proposal off-chain; a revocation before it exists stops the relay, nothing sent", async () => {
    // Thresholds 2,2,3,1: Standard needs 2 signatures, which keeps the number of child processes low.
    ok(await cli(["hedge:deploy", "--thresholds", "2,2,3,1", "--quiet"]), "hedge:deploy");

    // Off-chain, the text from a file: it travels in the signatures file, and hedge:sign shows it.
    const reasonFile = path.join(dir, "reason.txt");
    const reason = "Raise coverage to 30 %\nThe March expiries cluster around the FOMC meeting.\n";
    fs.writeFileSync(reasonFile, reason);
    const file = path.join(dir, "described.json");
    const proposed = ok(
      await cli([
        "hedge:propose",
        "policy",
        "--set",
        "coverageBps=3000",
        "--description-file",
        reasonFile,
        "--offchain",
        "--out",
        file,
        "--from",
        "1",
      ]),
      "hedge:propose --description-file --offchain",
    );
    const id = /Id: (0x[0-9a-f]{64})/.exec(proposed)![1];
    const content = JSON.parse(fs.readFileSync(file, "utf8")) as ApprovalsFile;
    expect(content.description).to.equal(reason);
    const deployment = JSON.parse(fs.readFileSync(path.join(dir, "localhost.json"), "utf8")) as Deployment;
    const provider = new JsonRpcProvider(url, undefined, { staticNetwork: true });
    const council = HedgeCouncil__factory.connect(deployment.contracts.council.address, provider);
    const hash = keccak256(fs.readFileSync(reasonFile));
    expect(await council.hashProposal(content.targets, [0n], content.calldatas, hash)).to.equal(
      id,
      "the id commits to keccak256 of the file's bytes",
    );
    const signed = ok(await cli(["hedge:sign", "--id", id, "--out", file, "--from", "2"]), "hedge:sign");
    expect(signed).to.include("Description: Raise coverage to 30 %\n");
    expect(signed).to.include("           │ The March expiries cluster around the FOMC meeting.\n");

    // Seat 2 changes its mind before anyone relays: it revokes the proposal that does not exist yet.
    const revoked = ok(await cli(["hedge:revoke", "--signatures", file, "--from", "2"]), "hedge:revoke");
    expect(revoked).to.include(`Revoked by account 2 (${seat2.address}) before proposal ${id.slice(0, 10)}… exists.`);
    expect(await council.hasRevoked(id, seat2.address)).to.equal(true);

    const before = await nodeFingerprint(url);
    const reason2 = refused(await cli(["hedge:submit", "--signatures", file]));
    expect(reason2).to.equal(
      `the signature of seat 2 (${seat2.address}) in ${file} can never count: ${seat2.address} revoked proposal ${id.slice(0, 10)}…; remove it from the file (that address may still approve on chain)`,
    );
    expect(await nodeFingerprint(url), "the refused submit sent a transaction").to.equal(before);
    expect(await council.state(id)).to.equal(0n);

    // As the line says: the revoked signature leaves the file, seat 3 signs, and the relay goes through.
    const edited = JSON.parse(fs.readFileSync(file, "utf8")) as ApprovalsFile;
    fs.writeFileSync(
      file,
      JSON.stringify({ ...edited, signatures: edited.signatures.filter((s) => s.seatId !== "2") }),
    );
    ok(await cli(["hedge:sign", "--id", id, "--out", file, "--from", "3", "--no-simulate"]), "hedge:sign");
    ok(await cli(["hedge:submit", "--signatures", file]), "hedge:submit");
    expect(await council.state(id)).to.equal(2n, "Queued");
    const [created] = await council.queryFilter(council.filters.ProposalCreated(id));
    expect(created.args.description).to.equal(reason, "the description went on chain");
    provider.destroy();
  });

  it("shows a description from the chain for a proposal made on another machine, and revokes an approval", async () => {
    const deployment = JSON.parse(fs.readFileSync(path.join(dir, "localhost.json"), "utf8")) as Deployment;
    const provider = new JsonRpcProvider(url, undefined, { staticNetwork: true });
    // Another machine: seat 1 proposes with a plain contract call; no file of it exists on this one.
    const policy = HedgePolicy__factory.connect(deployment.contracts.policy.address, provider);
    const next = { ...toPolicyValues(await policy.policy()), coverageBps: 3_100 };
    const calldata = policy.interface.encodeFunctionData("setPolicy", [next, await policy.version()]);
    const text = "Trim the coverage step\nagreed on the Tuesday call";
    const council = HedgeCouncil__factory.connect(deployment.contracts.council.address, await provider.getSigner(1));
    await (await council.propose([deployment.contracts.policy.address], [0n], [calldata], text)).wait();
    const id = await council.hashProposal([deployment.contracts.policy.address], [0n], [calldata], keccakText(text));

    const [status, approved] = await Promise.all([
      cli(["hedge:status", "--all"]),
      cli(["hedge:approve", "--id", id.slice(0, 12), "--from", "5"]),
    ]);
    expect(ok(status, "hedge:status")).to.match(
      new RegExp(`${id.slice(0, 10)}….*Pending.*  Trim the coverage step$`, "m"),
    );
    const shown = ok(approved, "hedge:approve");
    expect(shown).to.include(`Proposal ${id}\n`);
    expect(shown).to.include("Description: Trim the coverage step\n           │ agreed on the Tuesday call\n");

    // The approver revokes its approval; a second revocation is refused and sends nothing.
    const revoked = ok(await cli(["hedge:revoke", "--id", id.slice(0, 12), "--from", "5"]), "hedge:revoke");
    expect(revoked).to.include(`Revoked by account 5 (${seat5.address}): 1 of 2 approvals.`);
    expect(revoked).to.include(`  Approved by: seat 1 account 1 (${seat1.address})`);
    const before = await nodeFingerprint(url);
    expect(refused(await cli(["hedge:revoke", "--id", id, "--from", "5"]))).to.equal(
      `account 5 (${seat5.address}) already revoked proposal ${id.slice(0, 10)}…`,
    );
    expect(await nodeFingerprint(url)).to.equal(before);
    provider.destroy();
  });
});

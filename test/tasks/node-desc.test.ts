// Proposal descriptions and hedge:revoke as a user runs them: child processes of the hardhat CLI against a real
// `hardhat node` on a free loopback port (--network localhost, HEDGE_LOCALHOST_URL). A described proposal goes
// off-chain, is co-signed and submitted; another is proposed on chain and its approval revoked; hedge:status and
// hedge:audit --descriptions find the texts by their hash.
import type { ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

import { expect } from "chai";
import { HDNodeWallet, Mnemonic, keccak256 } from "ethers";

import type { ApprovalsFile } from "../../scripts/lib/approvals-file";
import type { AuditReport } from "../../scripts/lib/audit";
import { rpc as rpcAt, startNode, stopChild } from "../helpers/node";
import { ROOT, hardhatCli, tempDir, type CliRun } from "./helpers";

const MNEMONIC = Mnemonic.fromPhrase("test test test test test test test test test test test junk");
const [seat1] = [1].map((i) => HDNodeWallet.fromMnemonic(MNEMONIC, `m/44'/60'/0'/0/${i}`));

describe("descriptions and hedge:revoke against `hardhat node` (child processes, --network localhost)", function () {
  this.timeout(240_000);
  let node: ChildProcess | undefined;
  let url = "";
  const dir = tempDir("node-desc");
  /** Files the commands wrote under the project's proposals/ folder. */
  const kept: string[] = [];
  const cli = (args: string[]) =>
    hardhatCli([...args, "--network", "localhost"], { HEDGE_LOCALHOST_URL: url, HEDGE_DEPLOYMENTS_DIR: dir });
  const rpc = <T>(method: string, params: unknown[] = []) => rpcAt<T>(url, method, params);

  function ok(run: CliRun, what: string): string {
    expect(run.code, `${what} failed:\n${run.stdout}\n${run.stderr}`).to.equal(0);
    return run.stdout;
  }

  before(async function () {
    ({ child: node, url } = await startNode());
  });
  after(async () => {
    if (node) await stopChild(node, "SIGTERM");
    fs.rmSync(dir, { recursive: true, force: true });
    for (const file of kept) fs.rmSync(file, { force: true });
  });

  it("proposes with a description off-chain and on chain, co-signs, submits, revokes; status and audit show the texts", async () => {
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
    const offchainId = /Id: (0x[0-9a-f]{64})/.exec(proposed)![1];
    const content = JSON.parse(fs.readFileSync(file, "utf8")) as ApprovalsFile;
    expect(content.description).to.equal(reason);
    expect(content.salt).to.equal(keccak256(fs.readFileSync(reasonFile)), "the salt is keccak256 of the file's bytes");
    const signed = ok(await cli(["hedge:sign", "--id", offchainId, "--out", file, "--from", "2"]), "hedge:sign");
    expect(signed).to.include("  description: Raise coverage to 30 %\n");
    expect(signed).to.include("             │ The March expiries cluster around the FOMC meeting.\n");
    ok(await cli(["hedge:submit", "--signatures", file]), "hedge:submit");

    // On chain, the text inline: kept in proposals/<id>.txt, where hedge:status finds it.
    const onchain = ok(
      await cli([
        "hedge:propose",
        "policy",
        "--set",
        "coverageBps=3100",
        "--description",
        "Trim the coverage step",
        "--from",
        "1",
      ]),
      "hedge:propose --description",
    );
    const onchainId = /Id: (0x[0-9a-f]{64})/.exec(onchain)![1];
    kept.push(path.join(ROOT, "proposals", `${onchainId}.txt`));
    expect(onchain).to.include(`Wrote proposals/${onchainId}.txt`);
    expect(fs.readFileSync(kept[0], "utf8")).to.equal("Trim the coverage step");

    // The proposer revokes its own approval; a second revocation is refused and sends nothing.
    const revoked = ok(await cli(["hedge:revoke", "--id", onchainId.slice(0, 12), "--from", "1"]), "hedge:revoke");
    expect(revoked).to.include(`Revoked by account 1 (${seat1.address}): 0 of 2 approvals.`);
    expect(revoked).to.include("  Approved by: nobody");
    const before = await rpc<string>("eth_blockNumber");
    const again = await cli(["hedge:revoke", "--id", onchainId, "--from", "1"]);
    expect(again.code).to.equal(1);
    expect(again.stderr.split("\n")).to.deep.equal([
      `error: account 1 (${seat1.address}) already revoked its approval of proposal ${onchainId.slice(0, 10)}…`,
    ]);
    expect(await rpc<string>("eth_blockNumber")).to.equal(before);

    const json = path.join(dir, "audit.json");
    const [status, audited] = await Promise.all([
      cli(["hedge:status", "--all"]),
      cli(["hedge:audit", "--descriptions", dir, "--json", json, "--no-progress"]),
    ]);
    expect(ok(status, "hedge:status")).to.match(
      new RegExp(`${onchainId.slice(0, 10)}….*Pending.*  Trim the coverage step$`, "m"),
    );
    expect(status.stdout).to.match(new RegExp(`${offchainId.slice(0, 10)}….*Queued.*  -$`, "m"));
    expect(ok(audited, "hedge:audit")).to.include(
      `Descriptions: 1 of 2 proposals\n  ${offchainId.slice(0, 10)}…  Raise coverage to 30 %\n`,
    );
    const report = JSON.parse(fs.readFileSync(json, "utf8")) as AuditReport;
    expect(report.proposals.map((p) => [p.id, p.description])).to.deep.equal([
      [offchainId, reason],
      [onchainId, undefined],
    ]);
  });
});

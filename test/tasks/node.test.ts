// The tasks as a user runs them: child processes of the hardhat CLI against a real `hardhat node` started on a free
// loopback port. The node is reached through the `remote` network of hardhat.config.ts (HEDGE_RPC_URL), with every
// key taken from environment variables, as on a real chain; `hedge:oracle` and `hedge:time` must refuse it.
// Checks exit statuses, the one-line errors on stderr, and that refused commands send nothing.
import type { ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

import { expect } from "chai";
import { HDNodeWallet, Mnemonic } from "ethers";

import type { ApprovalsFile } from "../../scripts/lib/approvals-file";
import type { Deployment } from "../../scripts/lib/deployments";
import { nodeFingerprint, rpc as rpcAt, startNode, stopChild } from "../helpers/node";
import { hardhatCli, tempDir, type CliRun } from "./helpers";

const MNEMONIC = Mnemonic.fromPhrase("test test test test test test test test test test test junk");
/** The keys `hardhat node` unlocks, derived like Hardhat does (never printed). */
const wallets = [0, 1, 2, 3, 4, 5, 9].map((i) => HDNodeWallet.fromMnemonic(MNEMONIC, `m/44'/60'/0'/0/${i}`));
const [relayer, seat1, seat2, seat3, seat4, seat5, outsider] = wallets;

describe("tasks against `hardhat node` (child processes, --network remote)", function () {
  this.timeout(180_000);
  let node: ChildProcess | undefined;
  let url = "";
  const dir = tempDir("node");
  const env = () => ({
    HEDGE_RPC_URL: url,
    HEDGE_PRIVATE_KEY: relayer.privateKey,
    HEDGE_CHAIN_ID: undefined,
    HEDGE_DEPLOYMENTS_DIR: dir,
    HEDGE_SEAT1_KEY: seat1.privateKey,
    HEDGE_SEAT2_KEY: seat2.privateKey,
    HEDGE_OUTSIDER_KEY: outsider.privateKey,
  });
  const cli = (args: string[], extraEnv: Record<string, string> = {}) =>
    hardhatCli([...args, "--network", "remote"], { ...env(), ...extraEnv });

  const rpc = <T>(method: string, params: unknown[] = []) => rpcAt<T>(url, method, params);

  /** Block, time and the nonces of the node's first ten accounts (every key in play is one of them). */
  const fingerprint = () => nodeFingerprint(url);

  function ok(run: CliRun, what: string): string {
    expect(run.code, `${what} failed:\n${run.stdout}\n${run.stderr}`).to.equal(0);
    return run.stdout;
  }

  function refused(run: CliRun, message: RegExp): void {
    expect(run.code, `expected exit status 1:\n${run.stdout}\n${run.stderr}`).to.equal(1);
    const lines = run.stderr.split("\n").filter(Boolean);
    expect(lines, `stderr:\n${run.stderr}`).to.have.length(1);
    expect(lines[0]).to.match(/^error: /);
    expect(lines[0].slice("error: ".length)).to.match(message);
    for (const w of wallets) expect(run.stdout + run.stderr).not.to.include(w.privateKey.slice(2));
  }

  before(async function () {
    const started = await startNode();
    node = started.child;
    url = started.url;
  });

  after(async () => {
    if (node) await stopChild(node, "SIGTERM");
    fs.rmSync(dir, { recursive: true, force: true });
  });

  let id = "";
  const file = path.join(dir, "approvals.json");

  it("deploys, proposes off-chain, co-signs, submits in one transaction and executes", async () => {
    // Thresholds 2,2,3,1 keep the number of child processes (each loads Hardhat) low: Standard needs 2 signatures.
    const holders = [seat1, seat2, seat3, seat4, seat5].map((w) => w.address).join(",");
    const deployed = ok(
      await cli(["hedge:deploy", "--holders", holders, "--thresholds", "2,2,3,1", "--mock-oracle", "--quiet"]),
      "hedge:deploy",
    );
    expect(deployed).to.include(`Wrote ${path.join(dir, "remote.json")}`);
    const deployment = JSON.parse(fs.readFileSync(path.join(dir, "remote.json"), "utf8")) as Deployment;
    expect(deployment.chainId).to.equal(31337);
    expect(deployment.network).to.equal("remote");
    expect(deployment.deployer).to.equal(relayer.address);
    expect(deployment.council.thresholds).to.deep.equal({ fast: 2, standard: 2, critical: 3, veto: 1 });

    const proposed = ok(
      await cli([
        "hedge:propose",
        "policy",
        "--set",
        "coverageBps=3000,layers.1.triggerVix=2600",
        "--from",
        "env:HEDGE_SEAT1_KEY",
        "--offchain",
        "--out",
        file,
      ]),
      "hedge:propose",
    );
    expect(proposed).to.include("Tier: Standard, needs 2 of 5 seats");
    id = /Id: (0x[0-9a-f]{64})/.exec(proposed)![1];
    ok(await cli(["hedge:sign", "--id", id, "--out", file, "--from", "env:HEDGE_SEAT2_KEY"]), "hedge:sign");
    const content = JSON.parse(fs.readFileSync(file, "utf8")) as ApprovalsFile;
    expect(content.signatures.map((s) => [s.seatId, s.signer])).to.deep.equal([
      ["1", seat1.address],
      ["2", seat2.address],
    ]);

    const before = Number(await rpc<string>("eth_blockNumber"));
    const submitted = ok(await cli(["hedge:submit", "--signatures", file]), "hedge:submit");
    expect(submitted).to.match(/is Queued, executable from .* \(in 1 d\)/);
    expect(Number(await rpc<string>("eth_blockNumber"))).to.equal(before + 1);

    await rpc("evm_increaseTime", [86_400]);
    await rpc("evm_mine");
    const executed = ok(await cli(["hedge:execute", "--id", id.slice(0, 12)]), "hedge:execute");
    expect(executed).to.match(/the policy is now version 2 \(hash 0x[0-9a-f]{64}\)/);
  });

  it("refuses bad input with exit status 1, one error line, no key printed and nothing sent", async () => {
    expect(id, "needs the deployment of the previous test").not.to.equal("");
    const elsewhere = tempDir("node-elsewhere");
    const tampered = path.join(dir, "tampered.json");
    const content = JSON.parse(fs.readFileSync(file, "utf8")) as ApprovalsFile;
    content.description = `${content.description} (edited)`;
    fs.writeFileSync(tampered, JSON.stringify(content));
    // Deployments files edited by hand: on a real chain the advice must never be to deploy over them (--force).
    const deployment = JSON.parse(fs.readFileSync(path.join(dir, "remote.json"), "utf8")) as Deployment;
    const editedFile = (address: string) => {
      const edited = tempDir("node-edited");
      fs.writeFileSync(
        path.join(edited, "remote.json"),
        JSON.stringify({
          ...deployment,
          contracts: { ...deployment.contracts, council: { ...deployment.contracts.council, address } },
        }),
      );
      return edited;
    };
    const foreign = editedFile(deployment.contracts.seats.address);
    const stale = editedFile("0x000000000000000000000000000000000000c0DE");

    const before = await fingerprint();
    const cases: [string[], Record<string, string>, RegExp][] = [
      [
        ["hedge:oracle", "--vix", "31.5"],
        {},
        /^hedge:oracle \(the mock VIX oracle\) works on local networks only \(hardhat, localhost\); network "remote" is not one$/,
      ],
      [
        ["hedge:status"],
        { HEDGE_DEPLOYMENTS_DIR: elsewhere },
        /^no deployment for network "remote": .*remote\.json does not exist \(run `npx hardhat hedge:deploy --network remote` first\)$/,
      ],
      [["hedge:submit", "--signatures", tampered], {}, /: proposalId 0x[0-9a-f]{64} does not match its calls/],
      [
        ["hedge:status"],
        { HEDGE_DEPLOYMENTS_DIR: foreign },
        /remote\.json is tampered or foreign: the code at 0x[0-9a-fA-F]{40} \(council\) is not HedgeCouncil as compiled in this project \(restore it from where it was kept, and send nothing before you know why it changed\)$/,
      ],
      [
        ["hedge:sync"],
        { HEDGE_DEPLOYMENTS_DIR: stale },
        /remote\.json is stale: no contract at 0x0+c0DE \(council\) on chain \d+ \(the file is tampered, or for another chain with the same id: restore it from where it was kept\)$/,
      ],
      [
        ["hedge:propose", "policy", "--set", "coverageBps=3500", "--from", "env:HEDGE_OUTSIDER_KEY"],
        {},
        /^--from 0x[0-9a-fA-F]{40} \(key from \$HEDGE_OUTSIDER_KEY\) holds no council seat$/,
      ],
    ];
    const runs: CliRun[] = [];
    for (let i = 0; i < cases.length; i += 2) {
      runs.push(...(await Promise.all(cases.slice(i, i + 2).map(([args, extra]) => cli(args, extra)))));
    }
    cases.forEach(([, , message], i) => refused(runs[i], message));
    expect(await fingerprint(), "a refused command sent a transaction").to.equal(before);
    for (const d of [elsewhere, foreign, stale]) fs.rmSync(d, { recursive: true, force: true });
  });
});

// A compromised RPC endpoint against the command line (finding 2 of issue 24, its command-line half): the endpoint
// answers the `ProposalCreated` log of a Critical loosening with the calls and the description of a Standard
// tightening. As it was, the seat commands showed whatever the log said under the id they sign; now every one of them
// recomputes the id from the calls and the description it would show (scripts/lib/view.ts) and refuses in one line:
// nothing shown, nothing signed, nothing sent. Child processes against a real `hardhat node` behind a rewriting
// proxy (test/app/rpc-proxy.ts).
import fs from "node:fs";
import path from "node:path";

import { expect } from "chai";
import { Interface } from "ethers";

import { HedgeCouncil__factory } from "../../typechain-types";
import { nodeFingerprint, rpc, startNode, type NodeProcess } from "../helpers/node";
import { startRewritingProxy, type RewritingProxy } from "../app/rpc-proxy";
import { hardhatCli, tempDir, type CliRun } from "../tasks/helpers";

interface RawLog {
  address: string;
  topics: string[];
  data: string;
}

describe("the command line refuses a proposal a lying RPC endpoint rewrote (finding 2, the command line)", function () {
  this.timeout(300_000);
  let node: NodeProcess | undefined;
  let proxy: RewritingProxy | undefined;
  const dir = tempDir("hostile-rpc");
  const council = new Interface(HedgeCouncil__factory.abi);
  const created = council.getEvent("ProposalCreated")!.topicHash;
  let critical = "";
  let standard = "";

  const cli = (url: string, args: string[]) =>
    hardhatCli([...args, "--network", "localhost"], { HEDGE_LOCALHOST_URL: url, HEDGE_DEPLOYMENTS_DIR: dir }, 120_000);
  const ok = (run: CliRun, what: string) => {
    expect(run.code, `${what}:\n${run.stdout}\n${run.stderr}`).to.equal(0);
    return run.stdout;
  };
  const idOf = (out: string) => /^Id: (0x[0-9a-f]{64})$/m.exec(out)![1];

  before(async () => {
    node = await startNode();
    ok(await cli(node.url, ["hedge:deploy", "--quiet"]), "hedge:deploy");
    critical = idOf(
      ok(
        await cli(node.url, [
          "hedge:propose",
          "policy",
          "--set",
          "coverageBps=2000",
          "--description",
          "Cut coverage to 20 %",
          "--from",
          "1",
        ]),
        "propose the loosening",
      ),
    );
    standard = idOf(
      ok(
        await cli(node.url, [
          "hedge:propose",
          "policy",
          "--set",
          "coverageBps=3000",
          "--description",
          "Raise coverage to 30 %",
          "--from",
          "1",
        ]),
        "propose the tightening",
      ),
    );
    // The proxy answers the loosening's ProposalCreated with the tightening's calls and words (its id topic kept).
    const logs = await rpc<RawLog[]>(node.url, "eth_getLogs", [
      { fromBlock: "0x0", toBlock: "latest", topics: [created] },
    ]);
    const tightening = logs.find((l) => l.topics[1] === standard)!;
    proxy = await startRewritingProxy(node.url, (method, _params, result) => {
      if (method !== "eth_getLogs" || !Array.isArray(result)) return result;
      return (result as RawLog[]).map((l) =>
        l.topics[0] === created && l.topics[1] === critical ? { ...l, data: tightening.data } : l,
      );
    });
  });

  after(async () => {
    await proxy?.stop();
    await node?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("as it was: through the endpoint, the loosening's id carries the tightening's calls and description", async () => {
    const [log] = await rpc<RawLog[]>(proxy!.url, "eth_getLogs", [
      { fromBlock: "0x0", toBlock: "latest", topics: [created, critical] },
    ]);
    const decoded = council.parseLog(log)!;
    expect(decoded.args.id).to.equal(critical);
    expect(decoded.args.description).to.equal("Raise coverage to 30 %");
    expect(proxy!.rewritten).to.be.greaterThan(0);
  });

  it("hedge:sign (--export too), hedge:approve, hedge:veto, hedge:status --id and hedge:simulate refuse it in one line; nothing is written or sent", async () => {
    const before = await nodeFingerprint(node!.url);
    const signatures = path.join(dir, "signatures.json");
    const typed = path.join(dir, "typed.json");
    const signer = (await rpc<string[]>(node!.url, "eth_accounts"))[2];
    const runs: [string, string[]][] = [
      ["hedge:sign", ["hedge:sign", "--id", critical, "--from", "2", "--out", signatures, "--no-simulate"]],
      [
        "hedge:sign --export",
        ["hedge:sign", "--id", critical, "--out", signatures, "--export", typed, "--signer", signer, "--no-simulate"],
      ],
      ["hedge:approve", ["hedge:approve", "--id", critical, "--from", "2"]],
      ["hedge:veto", ["hedge:veto", "--id", critical, "--from", "3"]],
      ["hedge:status --id", ["hedge:status", "--id", critical]],
      ["hedge:simulate", ["hedge:simulate", "--id", critical, "--no-audit"]],
    ];
    for (const [what, args] of runs) {
      const run = await cli(proxy!.url, args);
      expect(run.code, `${what}:\n${run.stdout}\n${run.stderr}`).to.be.oneOf([1, 2]);
      expect(run.stderr.split("\n"), what).to.deep.equal([
        `error: proposal ${critical}: its calls and description hash to ${standard}, not to ${critical}; refusing to show or sign them (the file or the RPC endpoint that supplied them changed them)`,
      ]);
      // Nothing of the forged proposal reached the screen.
      expect(run.stdout, what).not.to.include("Raise coverage to 30 %");
      expect(run.stdout, what).not.to.include("tightens");
    }
    expect(fs.existsSync(signatures), "no signatures file").to.equal(false);
    expect(fs.existsSync(typed), "no typed data").to.equal(false);
    expect(await nodeFingerprint(node!.url), "nothing was sent").to.equal(before);
  });

  it("straight to the node, the same commands show the real loosening", async () => {
    const out = ok(await cli(node!.url, ["hedge:status", "--id", critical]), "hedge:status --id");
    expect(out).to.include("Description: Cut coverage to 20 %");
    expect(out).to.match(/coverageBps\s+2,500 \(25\.00 %\)\s+2,000 \(20\.00 %\)\s+loosens/);
    expect(out).to.include("Tier: Critical, needs 4 of 5 seats, then waits 3 d in the timelock");
  });
});

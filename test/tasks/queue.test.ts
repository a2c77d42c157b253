// The shared queue on the command line (issue 26): the signatures files in the proposals folder (proposals/, or
// HEDGE_PROPOSALS_DIR) are proposals like those on chain. `hedge:status` lists them beside the on-chain ones as
// "off-chain" with the signatures that count of the threshold their tier needs, each row with a one-line summary of
// its change (the proposal view's words) and its description's first line; a short id prefix opens one wherever a
// command takes an id; an ambiguous or unknown prefix is refused in one line; a damaged file is one line of its own
// and hides nothing; a file whose proposal is on chain is listed once, as on chain.
import fs from "node:fs";
import path from "node:path";

import { expect } from "chai";
import { Wallet } from "ethers";
import hre from "hardhat";

import type { ApprovalsFile } from "../../scripts/lib/approvals-file";
import type { ProposeResult } from "../../scripts/commands/propose";
import { expectRefused, runOk, runTask, tempDir, useDeployedSystem } from "./helpers";

/** A raw control or bidirectional character: none may reach the terminal. */
// eslint-disable-next-line no-control-regex
const RAW_UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe("tasks: the shared queue of proposals/ (hedge:status, id prefixes)", function () {
  const fixture = useDeployedSystem();
  let dir = "";
  let previous: string | undefined;

  before(() => {
    dir = tempDir("queue");
    previous = process.env.HEDGE_PROPOSALS_DIR;
    process.env.HEDGE_PROPOSALS_DIR = dir;
  });
  after(() => {
    if (previous === undefined) delete process.env.HEDGE_PROPOSALS_DIR;
    else process.env.HEDGE_PROPOSALS_DIR = previous;
    fs.rmSync(dir, { recursive: true, force: true });
  });
  afterEach(() => {
    for (const name of fs.readdirSync(dir)) fs.rmSync(path.join(dir, name), { recursive: true, force: true });
  });

  const fileOf = (id: string) => path.join(dir, `${id}.json`);
  const read = (id: string) => JSON.parse(fs.readFileSync(fileOf(id), "utf8")) as ApprovalsFile;
  const status = async (args: Record<string, unknown> = {}) => (await runOk("hedge:status", args)).out.join("\n");

  /** Starts a proposal off-chain as `hedge:propose --offchain` does, into the default place: the proposals folder. */
  async function offchain(set: string, description: string, from = "1"): Promise<string> {
    const { result } = await runOk<ProposeResult>("hedge:propose", {
      kind: "policy",
      set,
      description,
      from,
      offchain: true,
    });
    expect(fs.existsSync(fileOf(result.id)), "hedge:propose --offchain writes <folder>/<id>.json").to.equal(true);
    return result.id;
  }

  it("hedge:status lists a proposal started off-chain as off-chain, 1 of 3, with its change and description", async () => {
    const id = await offchain(
      "coverageBps=3000,layers.1.triggerVix=2600",
      "Raise coverage to 30 % before the March expiries\nsee the risk memo",
    );
    // A Critical loosening proposed on chain, listed beside it with a summary of its own.
    const { result: onChain } = await runOk<ProposeResult>("hedge:propose", {
      kind: "policy",
      set: "coverageBps=2000",
      description: "Cut coverage to 20 %",
      from: "2",
    });

    let text = await status();
    expect(text).to.match(
      new RegExp(
        `^  ${id.slice(0, 10)}…\\s+Standard\\s+1/3\\s+-\\s+off-chain\\s+-\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC \\(in [^;)]+; first signature\\)\\s+Raise coverage to 30 % before the March expiries$`,
        "m",
      ),
    );
    // The summary of the change, in the proposal view's words, on the line under its row.
    expect(text).to.match(
      new RegExp(
        `^  ${id.slice(0, 10)}….*\\n\\s+change: layers\\.1\\.triggerVix VIX 28\\.00 → VIX 26\\.00, coverageBps 25\\.00 % → 30\\.00 %, tightens$`,
        "m",
      ),
    );
    expect(text).to.match(
      new RegExp(
        `^  ${onChain.id.slice(0, 10)}…\\s+Critical\\s+1/4\\s+-\\s+Pending.*Cut coverage to 20 %\\n\\s+change: coverageBps 25\\.00 % → 20\\.00 %, loosens$`,
        "m",
      ),
    );
    expect(text).to.include("Open proposals: 1 (of 1; --all lists every one) and 1 off-chain in");
    expect(text).not.to.include("see the risk memo", "only the description's first line is listed");

    // A co-signature counts at once.
    await runOk("hedge:sign", { id, from: "2", noSimulate: true });
    text = await status();
    expect(text).to.match(new RegExp(`^  ${id.slice(0, 10)}…\\s+Standard\\s+2/3\\s+-\\s+off-chain\\s`, "m"));
  });

  it("a short prefix opens an off-chain proposal wherever a command takes an id; once on chain it is listed once", async () => {
    const id = await offchain("coverageBps=3000", "Raise coverage to 30 %");
    const prefix = id.slice(0, 10); // 8 hex digits, as the README promises

    const shown = await status({ id: prefix });
    expect(shown).to.include(`Proposal ${id}\n`);
    expect(shown).to.include("not on chain yet");
    expect(shown).to.include("Description: Raise coverage to 30 %");
    expect(shown).to.match(/coverageBps\s+2,500 \(25\.00 %\)\s+3,000 \(30\.00 %\)\s+tightens/);
    expect(shown).to.match(/^State: off-chain \(.*\.json\); 1 of 3 signatures that count/m);

    await runOk("hedge:sign", { id: prefix, from: "2", noSimulate: true });
    expect(read(id).signatures.map((s) => s.seatId)).to.deep.equal(["1", "2"]);
    const simulated = (await runOk("hedge:simulate", { id: prefix, noAudit: true })).out.join("\n");
    expect(simulated).to.include(`Proposal ${id}\n`);
    expect(simulated).to.include("Not on chain yet: the simulation proposes it first.");

    // The commands that act on a proposal on chain say it is not there yet, and how to get it there.
    const relay = new RegExp(
      `proposal ${id} is not on chain yet \\(its signatures file .*${id}\\.json\\): .*hedge:submit`,
    );
    for (const task of ["hedge:queue", "hedge:execute", "hedge:cancel"])
      await expectRefused(task, { id: prefix }, relay);
    await expectRefused("hedge:veto", { id: prefix, from: "4" }, relay);
    await expectRefused("hedge:approve", { id: prefix, from: "3" }, relay);

    // Revoking by prefix finds the file and shows the proposal before revoking.
    const revoked = (await runOk("hedge:revoke", { id: prefix, from: "5" })).out.join("\n");
    expect(revoked).to.match(/^From .*\.json:$/m);
    expect(revoked).to.include(`Revoked by account 5`);

    await runOk("hedge:sign", { id: prefix, from: "3", noSimulate: true });
    await runOk("hedge:submit", { signatures: fileOf(id) });
    const text = await status();
    expect(text.split(id.slice(0, 10)).length - 1, "listed once").to.equal(1);
    expect(text).to.match(new RegExp(`^  ${id.slice(0, 10)}…\\s+Standard\\s+3/3\\s+-\\s+Queued\\s`, "m"));
    expect(text).not.to.include("off-chain");
    expect(await status({ id: prefix })).to.match(/^State: Queued/m);
  });

  it("refuses an ambiguous or unknown prefix in one line, listing the candidates", async () => {
    const id = await offchain("coverageBps=3000", "Raise coverage to 30 %");
    // A second file whose name starts with the same 8 digits (a copy under another name: it fails its checks, but it
    // is this council's, so a prefix of both names two proposals).
    const twin = `${id.slice(0, 10)}${"0".repeat(56)}`;
    fs.copyFileSync(fileOf(id), fileOf(twin));
    const ambiguous = new RegExp(
      `^--id ${id.slice(0, 10)}: ambiguous, 2 proposals start with it: (${id}|${twin}) \\(.*\\), (${id}|${twin}) \\(.*\\); give more digits$`,
    );
    for (const [task, extra] of [
      ["hedge:status", {}],
      ["hedge:sign", { from: "2" }],
      ["hedge:revoke", { from: "2" }],
      ["hedge:queue", {}],
    ] as const) {
      await expectRefused(task, { id: id.slice(0, 10), ...extra }, ambiguous);
    }
    // hedge:simulate's errors exit with 2 (1 is a result: a step reverts).
    const simulated = await runTask("hedge:simulate", { id: id.slice(0, 10) });
    expect(simulated.exitCode).to.equal(2);
    expect(simulated.err).to.have.length(1);
    expect(simulated.err[0].slice("error: ".length)).to.match(ambiguous);
    // A proposal on chain and a file that share a prefix are ambiguous too, for every command.
    const { result } = await runOk<ProposeResult>("hedge:propose", {
      kind: "policy",
      set: "coverageBps=2900",
      description: "Raise coverage to 29 %",
      from: "1",
    });
    fs.copyFileSync(fileOf(id), fileOf(`${result.id.slice(0, 12)}${"1".repeat(54)}`));
    await expectRefused("hedge:approve", { id: result.id.slice(0, 12), from: "2" }, /: ambiguous, 2 proposals start/);
    // More digits tell them apart.
    expect(await status({ id: id.slice(0, 14) })).to.include(`Proposal ${id}\n`);

    const unknown =
      /^--id 0x12345678: no such proposal on this council \(chain 31337\), and no signatures file in .* starts with it$/;
    await expectRefused("hedge:status", { id: "0x12345678" }, unknown);
    await expectRefused("hedge:sign", { id: "0x12345678", from: "2" }, /^--id 0x12345678: no proposal on chain/);
    await expectRefused("hedge:status", { id: "0x1234" }, /^--id 0x1234: not a proposal id/);
  });

  it("lists a damaged file as damaged in one line, escaped, without hiding the others; other councils' files are left out", async () => {
    const good = await offchain("coverageBps=3000", "Raise coverage to 30 %");
    const edited = await offchain("coverageBps=2900", "Raise coverage to 29 %", "2");
    const forged = await offchain("coverageBps=2800", "Raise coverage to 28 %", "3");
    const content = read(edited);

    /** An id nobody proposed, its 8-digit prefix its own: 0x1111…, 0x2222…. */
    const hex = (n: number) => `0x${String(n).repeat(64)}`;
    // Not JSON at all.
    fs.writeFileSync(fileOf(hex(1)), "{ not json");
    // An edited description: its id no longer matches.
    fs.writeFileSync(fileOf(edited), JSON.stringify({ ...content, description: "Raise coverage to 90 %" }));
    // A format field that would clear the screen and reverse the line.
    fs.writeFileSync(fileOf(hex(2)), JSON.stringify({ ...content, format: "\u001b[2J\u202eevil" }));
    // A signature made by a key that holds no seat, over something else.
    const bad = read(forged);
    bad.signatures[0].signature = await Wallet.createRandom().signMessage("not an approval");
    fs.writeFileSync(fileOf(forged), JSON.stringify(bad));
    // Another council's file, in a folder the seats of several deployments share: not this council's queue.
    const elsewhere = { ...content, council: Wallet.createRandom().address };
    fs.writeFileSync(fileOf(hex(4)), JSON.stringify({ ...elsewhere, proposalId: hex(4) }));
    // Not named <id>.json: not part of the queue (a lock, a temporary file, a note).
    fs.writeFileSync(path.join(dir, "notes.json"), "{}");

    const { out, err, exitCode } = await runOk("hedge:status");
    expect(exitCode).to.equal(0);
    expect(err).to.deep.equal([]);
    for (const line of out) expect(RAW_UNSAFE.test(line), JSON.stringify(line)).to.equal(false);
    const text = out.join("\n");
    expect(text).to.match(new RegExp(`^  ${good.slice(0, 10)}…\\s+Standard\\s+1/3\\s+-\\s+off-chain\\s`, "m"));
    const damaged = out.filter((l) => / DAMAGED: /.test(l));
    expect(damaged).to.have.length(4);
    const line = (id: string) => damaged.find((l) => l.startsWith(`  ${id.slice(0, 10)}… DAMAGED: `));
    expect(line(hex(1))).to.match(/is not valid JSON/);
    expect(line(edited)).to.match(/does not match its calls and description .*the file was edited$/);
    expect(line(hex(2))).to.include('format is "\\u{1b}[2J\\u{202e}evil"');
    expect(line(forged)).to.match(/the signature of seat 3 .* does not verify/);
    expect(text).not.to.include("notes.json");
    expect(text).to.include(
      `Open proposals: 0 (of 0; --all lists every one) and 1 off-chain in ${dir}, 4 damaged; 1 file for another chain or council left out`,
    );
  });
});

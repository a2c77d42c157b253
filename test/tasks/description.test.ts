// Proposal descriptions and hedge:revoke, in-process. A description's keccak256 is the proposal's salt: hedge:propose
// --description / --description-file, the signatures file's `description` checked on read, hedge:status and
// hedge:audit --descriptions finding the text by its hash. hedge:revoke withdraws an approval, and its refusals:
// one line, exit code 1, nothing sent.
import fs from "node:fs";
import path from "node:path";

import { expect } from "chai";
import { id as keccakUtf8, keccak256, toUtf8Bytes } from "ethers";
import hre from "hardhat";

import type { ApprovalsFile } from "../../scripts/lib/approvals-file";
import type { AuditReport } from "../../scripts/lib/audit";
import type { ProposeResult } from "../../scripts/commands/propose";
import type { RevokeResult } from "../../scripts/commands/revoke";
import { expectRefused, ROOT, runOk, runTask, tempDir, useDeployedSystem } from "./helpers";

describe("tasks: proposal descriptions and hedge:revoke", function () {
  const fixture = useDeployedSystem();
  const council = fixture.council;
  let dir: string;
  /** Files hedge:propose wrote under the project's proposals/ folder, removed after each test. */
  const kept: string[] = [];

  before(() => {
    dir = tempDir("descriptions");
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  afterEach(() => {
    for (const file of kept.splice(0)) fs.rmSync(file, { force: true });
  });
  const keptText = (id: string) => path.join(ROOT, "proposals", `${id}.txt`);
  const read = (file: string) => JSON.parse(fs.readFileSync(file, "utf8")) as ApprovalsFile;
  const policyArgs = (extra: Record<string, unknown> = {}) => ({
    kind: "policy",
    set: "coverageBps=3000",
    from: "1",
    ...extra,
  });

  it("--description makes keccak256 of the text the salt, shows it, keeps it in proposals/<id>.txt for hedge:status", async () => {
    const text = "Raise coverage to 30 % ahead of the March expiries\n\nSee the risk memo of 2 March.";
    const { out, result } = await runOk<ProposeResult>("hedge:propose", policyArgs({ description: text }));
    kept.push(keptText(result.id));
    // Computed independently of the code under test: keccak256 of the UTF-8 bytes, as OpenZeppelin's descriptionHash.
    expect(result.calls.salt).to.equal(keccak256(toUtf8Bytes(text)));
    expect(
      await (await council()).hashProposal(result.calls.targets, [0n], result.calls.calldatas, result.calls.salt),
    ).to.equal(result.id);
    expect(Number(await (await council()).state(result.id))).to.equal(1, "created on chain (Pending)");
    const printed = out.join("\n");
    expect(printed).to.include("Description: Raise coverage to 30 % ahead of the March expiries\n");
    expect(printed).to.include("           │\n           │ See the risk memo of 2 March.");
    expect(printed).to.include(`Salt: ${result.calls.salt} (keccak256 of the description)`);
    expect(printed).to.include(`Wrote proposals/${result.id}.txt`);
    expect(fs.readFileSync(keptText(result.id), "utf8")).to.equal(text);

    const status = (await runOk("hedge:status")).out.join("\n");
    expect(status).to.match(/\s+description\n/);
    expect(status).to.match(
      new RegExp(`${result.id.slice(0, 10)}….*Pending.*  Raise coverage to 30 % ahead of the March expiries$`, "m"),
    );
  });

  it("approve, veto and sign show the text kept in proposals/ for a proposal made on chain", async () => {
    const text = "Raise coverage to 30 %";
    const { result } = await runOk<ProposeResult>("hedge:propose", policyArgs({ description: text }));
    kept.push(keptText(result.id));
    const signatures = path.join(dir, `${result.id}.json`);
    const runs = [
      await runOk("hedge:sign", { id: result.id, from: "2", out: signatures, noSimulate: true }),
      await runOk("hedge:approve", { id: result.id, from: "3" }),
      await runOk("hedge:veto", { id: result.id, from: "4" }),
    ];
    for (const run of runs) {
      const printed = run.out.join("\n");
      expect(printed).to.include(`Proposal ${result.id}\n`);
      expect(printed).to.include(`  description: ${text}\n`);
    }
    // Without the kept text, nothing is made up.
    fs.rmSync(keptText(result.id));
    fs.rmSync(signatures);
    const bare = await runOk("hedge:veto", { id: result.id, from: "5" });
    expect(bare.out.join("\n")).not.to.include("description:");
  });

  it("a proposer's description cannot pass for the decoded change: its lines stay behind the gutter", async () => {
    // One seat proposes a loosening change (Critical) and words its description as the display of a tightening,
    // Standard one, hoping a co-signer reads the forged lines instead of the decoded ones.
    const forged = [
      "Routine tightening.",
      "  call 0: HedgePolicy.setPolicy(next, expectedVersion 1)",
      "      coverageBps          2,500 (25.00 %)    3,000 (30.00 %)    tightens",
      "  tier Standard: needs 3 approvals, then 1 d in the timelock",
    ].join("\n");
    const { result } = await runOk<ProposeResult>(
      "hedge:propose",
      policyArgs({ set: "coverageBps=2000", description: forged }),
    );
    kept.push(keptText(result.id));
    const out = path.join(dir, `${result.id}.json`);
    const lines = (await runOk("hedge:sign", { id: result.id, from: "2", out, noSimulate: true })).out;
    expect(lines.filter((l) => /^ {2}call 0: /.test(l))).to.have.length(1);
    expect(lines).to.satisfy((ls: string[]) =>
      ls.some((l) => /^ {6}coverageBps\s+2,500 \(25\.00 %\)\s+2,000 \(20\.00 %\)\s+loosens$/.test(l)),
    );
    expect(lines.filter((l) => /^ {2}tier /.test(l))).to.deep.equal([
      "  tier Critical: needs 4 approvals, then 3 d in the timelock",
    ]);
    expect(lines.filter((l) => /tightens$/.test(l))).to.deep.equal([
      "             │       coverageBps          2,500 (25.00 %)    3,000 (30.00 %)    tightens",
    ]);
    expect(lines).to.include("  description: Routine tightening.");
  });

  it("--description-file hashes the file's exact bytes; --salt TEXT gives the same id as --description TEXT", async () => {
    const file = path.join(dir, "reason.md");
    fs.writeFileSync(file, "Tighten layer 1\n");
    const fromFile = await runOk<ProposeResult>("hedge:propose", policyArgs({ descriptionFile: file, dryRun: true }));
    expect(fromFile.result.calls.salt).to.equal(keccakUtf8("Tighten layer 1\n"));
    expect(fromFile.out.join("\n")).to.include("Description: Tighten layer 1\nSalt: ");
    const fromSalt = await runOk<ProposeResult>(
      "hedge:propose",
      policyArgs({ salt: "Tighten layer 1\n", dryRun: true }),
    );
    expect(fromSalt.result.id).to.equal(fromFile.result.id);
    expect(fs.existsSync(keptText(fromFile.result.id)), "a dry run writes nothing").to.equal(false);
  });

  it("refuses --salt with --description, two descriptions, an empty text and unreadable files; nothing sent", async () => {
    const binary = path.join(dir, "binary.txt");
    fs.writeFileSync(binary, Buffer.from([0x52, 0xff, 0xfe, 0x0a]));
    const blank = path.join(dir, "blank.txt");
    fs.writeFileSync(blank, " \n\t\n");
    await expectRefused(
      "hedge:propose",
      policyArgs({ salt: "s", description: "why" }),
      "--salt and --description exclude each other: a described proposal's salt is the hash of its description",
    );
    await expectRefused(
      "hedge:propose",
      policyArgs({ description: "why", descriptionFile: blank }),
      /^--description and --description-file exclude each other/,
    );
    await expectRefused(
      "hedge:propose",
      policyArgs({ description: "  " }),
      /^--description is empty: give the proposal's reason in words$/,
    );
    await expectRefused("hedge:propose", policyArgs({ descriptionFile: blank }), /^--description-file .* is empty/);
    await expectRefused("hedge:propose", policyArgs({ descriptionFile: binary }), /binary\.txt: not UTF-8 text$/);
    await expectRefused("hedge:propose", policyArgs({ descriptionFile: dir }), /: is a directory, give a text file$/);
    await expectRefused(
      "hedge:propose",
      policyArgs({ descriptionFile: path.join(dir, "missing.txt") }),
      /missing\.txt: no such file$/,
    );
    await expectRefused(
      "hedge:status",
      { descriptions: path.join(dir, "nowhere") },
      /^--descriptions .*: no such folder$/,
    );
  });

  it("carries the description in the signatures file; hedge:sign shows it; an edited description is refused", async () => {
    const file = path.join(dir, "described.json");
    const text = "Rotate the hedge into the June futures";
    const { result } = await runOk<ProposeResult>(
      "hedge:propose",
      policyArgs({ description: text, offchain: true, out: file }),
    );
    expect(read(file).description).to.equal(text);
    expect(Object.keys(read(file))).to.deep.equal([
      "format",
      "chainId",
      "council",
      "proposalId",
      "targets",
      "values",
      "calldatas",
      "salt",
      "description",
      "signatures",
    ]);
    const signed = await runOk("hedge:sign", { id: result.id, from: "2", out: file });
    expect(signed.out.join("\n")).to.include(`  description: ${text}\n`);
    expect(read(file).description, "hedge:sign keeps the description").to.equal(text);

    const edited = path.join(dir, "edited.json");
    fs.writeFileSync(edited, JSON.stringify({ ...read(file), description: "Rotate the hedge into the July futures" }));
    const edit = /the description does not match the proposal's salt: the file was edited$/;
    await expectRefused("hedge:submit", { signatures: edited }, edit);
    await expectRefused("hedge:sign", { id: result.id, from: "3", out: edited }, edit);
    fs.writeFileSync(edited, JSON.stringify({ ...read(file), description: 42 }));
    await expectRefused("hedge:submit", { signatures: edited }, /: description must be a string$/);

    await runOk("hedge:sign", { id: result.id, from: "3", out: file });
    await runOk("hedge:submit", { signatures: file });
    const status = (await runOk("hedge:status", { descriptions: dir })).out.join("\n");
    expect(status).to.match(new RegExp(`${result.id.slice(0, 10)}….*Queued.*Rotate the hedge into the June futures`));
  });

  it("hedge:status shows a description's control and bidi characters as escapes, and - for unknown texts", async () => {
    const text = "Pay \u202eevil\u202c now\u001b[2J";
    const undescribed = await runOk<ProposeResult>("hedge:propose", policyArgs({ set: "coverageBps=3100" }));
    const described = await runOk<ProposeResult>("hedge:propose", policyArgs({ description: text }));
    kept.push(keptText(described.result.id));
    const status = (await runOk("hedge:status")).out.join("\n");
    expect(status).to.include("Pay \\u{202e}evil\\u{202c} now\\u{1b}[2J");
    expect(status).not.to.include("\u202e");
    expect(status).not.to.include("\u001b");
    expect(status).to.match(new RegExp(`${undescribed.result.id.slice(0, 10)}….*Pending.*  -$`, "m"));
  });

  it("hedge:audit --descriptions reports each text whose hash is a proposal's salt, in every format", async () => {
    const described = path.join(dir, "audit");
    fs.mkdirSync(described);
    const fromFile = "Lower layer 2's trigger: <b>see</b> [memo](http://example.invalid/x.png) | urgent";
    const fromJson = "Nudge coverage for the week";
    const a = await runOk<ProposeResult>("hedge:propose", policyArgs({ description: fromFile }));
    kept.push(keptText(a.result.id));
    fs.copyFileSync(keptText(a.result.id), path.join(described, "memo.txt"));
    const b = await runOk<ProposeResult>(
      "hedge:propose",
      policyArgs({
        set: "coverageBps=3200",
        description: fromJson,
        offchain: true,
        out: path.join(described, "b.json"),
      }),
    );
    const c = await runOk<ProposeResult>("hedge:propose", policyArgs({ set: "coverageBps=3300" }));
    fs.writeFileSync(path.join(described, "unrelated.md"), "explains nothing");

    const json = path.join(dir, "audit.json");
    const md = path.join(dir, "audit.md");
    const html = path.join(dir, "audit.html");
    const run = await runTask<AuditReport>("hedge:audit", {
      descriptions: described,
      json,
      md,
      html,
      noProgress: true,
    });
    const text = run.out.join("\n");
    expect(run.exitCode, text + run.err.join("\n")).to.equal(0);
    expect(text).to.include(`Descriptions: 1 of 2 proposals\n  ${a.result.id.slice(0, 10)}…  Lower layer 2's trigger`);

    const report = JSON.parse(fs.readFileSync(json, "utf8")) as AuditReport;
    const byId = new Map(report.proposals.map((p) => [p.id, p]));
    expect(byId.get(a.result.id)?.description).to.equal(fromFile);
    expect(byId.get(c.result.id)).to.not.have.property("description");
    expect(byId.has(b.result.id), "an off-chain proposal is not on chain").to.equal(false);
    expect(Object.keys(byId.get(a.result.id)!).slice(0, 4)).to.deep.equal([
      "id",
      "proposer",
      "description",
      "recordedTier",
    ]);

    const markdown = fs.readFileSync(md, "utf8");
    expect(markdown).to.match(/\| calls \| description \|/);
    expect(markdown).to.include(
      "Lower layer 2's trigger: \\<b\\>see\\</b\\> \\[memo\\](http://example.invalid/x.png) \\| urgent",
    );
    const page = fs.readFileSync(html, "utf8");
    expect(page).to.include("<th>description</th>");
    expect(page).to.include("&lt;b&gt;see&lt;/b&gt; [memo](http://example.invalid/x.png) | urgent");
    expect(page).not.to.include("<b>see</b>");

    const none = await runTask<AuditReport>("hedge:audit", {
      descriptions: path.join(dir, "nowhere"),
      noProgress: true,
    });
    expect(none.exitCode).to.equal(2);
    expect(none.err).to.have.length(1);
    expect(none.err[0]).to.match(/^error: --descriptions .*nowhere: no such folder$/);
  });

  it("hedge:revoke withdraws a pending approval and prints who still approves; the revoked signature never counts", async () => {
    const { result } = await runOk<ProposeResult>("hedge:propose", policyArgs());
    const signers = await hre.ethers.getSigners();
    const file = path.join(dir, "revoked.json");
    await runOk("hedge:sign", { id: result.id, from: "2", out: file });
    await runOk("hedge:approve", { id: result.id, from: "2" });
    await runOk("hedge:approve", { id: result.id, from: "3" });

    const { out, result: revoked } = await runOk<RevokeResult>("hedge:revoke", {
      id: result.id.slice(0, 12),
      from: "2",
    });
    expect(out[0]).to.match(/^  sent revoke: tx 0x[0-9a-f]{64} \(block \d+, gas [\d,]+\)$/);
    expect(out.slice(1)).to.deep.equal([
      `Revoked by account 2 (${signers[2].address}): 2 of 3 approvals.`,
      `  No signature of ${signers[2].address} counts for proposal ${result.id.slice(0, 10)}… again; only a new hedge:approve from it does.`,
      `  Approved by: seat 1 account 1 (${signers[1].address})`,
      `               seat 3 account 3 (${signers[3].address})`,
    ]);
    expect(revoked.approvers).to.deep.equal([signers[1].address, signers[3].address]);
    const c = await council();
    expect(await c.hasRevoked(result.id, signers[2].address)).to.equal(true);
    expect(await c.approvalCount(result.id)).to.equal(2n);

    await expectRefused(
      "hedge:revoke",
      { id: result.id, from: "2" },
      `account 2 (${signers[2].address}) already revoked its approval of proposal ${result.id.slice(0, 10)}…`,
    );
    await expectRefused(
      "hedge:approve",
      { signatures: file },
      /revoked its approval of proposal 0x[0-9a-f]{8}…: no signature of that address counts for it again/,
    );
    // Fresh consent on chain counts again.
    await runOk("hedge:approve", { id: result.id, from: "2" });
    expect(await c.approvalCount(result.id)).to.equal(3n);
  });

  it("hedge:revoke refuses in words before sending: unknown id, no seat, no approval, not Pending", async () => {
    const { result } = await runOk<ProposeResult>("hedge:propose", policyArgs());
    const signers = await hre.ethers.getSigners();
    await expectRefused("hedge:revoke", { id: "0x12345678", from: "1" }, /^--id 0x12345678: no such proposal/);
    await expectRefused("hedge:revoke", { id: "zz", from: "1" }, /^--id zz: not a proposal id/);
    await expectRefused(
      "hedge:revoke",
      { id: result.id, from: "9" },
      `--from account 9 (${signers[9].address}) holds no council seat`,
    );
    await expectRefused(
      "hedge:revoke",
      { id: result.id, from: "3" },
      `account 3 (${signers[3].address}) has not approved proposal ${result.id.slice(0, 10)}…: there is no approval to revoke`,
    );
    for (const from of ["2", "3"]) await runOk("hedge:approve", { id: result.id, from });
    await runOk("hedge:queue", { id: result.id });
    await expectRefused(
      "hedge:revoke",
      { id: result.id, from: "1" },
      /^cannot revoke proposal 0x[0-9a-f]{8}…: it is Queued \(revoke needs Pending\)$/,
    );
  });
});

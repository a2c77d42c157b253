// Proposal descriptions and hedge:revoke, in-process. A description goes on chain (`propose` and `submit` take it,
// `ProposalCreated` carries it) and the id commits to its keccak256: hedge:propose --description /
// --description-file, the signatures file's `description` checked against the id on read, and every command showing
// the text read from the chain, with no file kept anywhere. hedge:revoke withdraws consent, before the proposal
// exists too, and its refusals: one line, exit code 1, nothing sent.
import fs from "node:fs";
import path from "node:path";

import { expect } from "chai";
import { keccak256, toUtf8Bytes } from "ethers";
import hre from "hardhat";

import type { ApprovalsFile } from "../../scripts/lib/approvals-file";
import type { ProposeResult } from "../../scripts/commands/propose";
import type { RevokeResult } from "../../scripts/commands/revoke";
import { chainFingerprint, expectRefused, ROOT, runOk, tempDir, useDeployedSystem } from "./helpers";

describe("tasks: proposal descriptions and hedge:revoke", function () {
  const fixture = useDeployedSystem();
  const council = fixture.council;
  let dir: string;
  /** What the project's proposals/ folder held before a test: no command may leave a file there unasked. */
  let proposalsBefore: string[] = [];
  const proposalsDir = path.join(ROOT, "proposals");
  const listProposals = () => (fs.existsSync(proposalsDir) ? fs.readdirSync(proposalsDir).sort() : []);

  before(() => {
    dir = tempDir("descriptions");
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  beforeEach(() => {
    proposalsBefore = listProposals();
  });
  afterEach(() => {
    expect(listProposals(), "a command wrote under proposals/").to.deep.equal(proposalsBefore);
  });
  const read = (file: string) => JSON.parse(fs.readFileSync(file, "utf8")) as ApprovalsFile;
  const policyArgs = (extra: Record<string, unknown> = {}) => ({
    kind: "policy",
    set: "coverageBps=3000",
    from: "1",
    ...extra,
  });
  const createdEvent = async (id: string) => {
    const c = await council();
    const [created] = await c.queryFilter(c.filters.ProposalCreated(id));
    return created;
  };

  it("--description goes on chain and the id commits to keccak256 of it; hedge:status shows it from the chain", async () => {
    const text = "Raise coverage to 30 % ahead of the March expiries\n\nSee the risk memo of 2 March.";
    const { out, result } = await runOk<ProposeResult>("hedge:propose", policyArgs({ description: text }));
    // Computed independently of the code under test: keccak256 of the UTF-8 bytes, as OpenZeppelin's descriptionHash.
    const hash = keccak256(toUtf8Bytes(text));
    expect(result.calls.descriptionHash).to.equal(hash);
    const c = await council();
    expect(await c.hashProposal(result.calls.targets, [0n], result.calls.calldatas, hash)).to.equal(result.id);
    expect(Number(await c.state(result.id))).to.equal(1, "created on chain (Pending)");
    expect((await createdEvent(result.id)).args.description).to.equal(text);
    const printed = out.join("\n");
    expect(printed).to.include("Description: Raise coverage to 30 % ahead of the March expiries\n");
    expect(printed).to.include("           │\n           │ See the risk memo of 2 March.");
    expect(printed).not.to.match(/Salt|Wrote/);

    const status = (await runOk("hedge:status")).out.join("\n");
    expect(status).to.match(/\s+description\n/);
    expect(status).to.match(
      new RegExp(`${result.id.slice(0, 10)}….*Pending.*  Raise coverage to 30 % ahead of the March expiries$`, "m"),
    );
  });

  it("sign, approve and veto show the description read from the chain: no file is needed anywhere", async () => {
    const text = "Cut coverage to 20 % for the quiet summer";
    // Critical (it loosens): the only tier a veto applies to.
    const { result } = await runOk<ProposeResult>(
      "hedge:propose",
      policyArgs({ set: "coverageBps=2000", description: text }),
    );
    const signatures = path.join(dir, `${result.id}.json`);
    const runs = [
      await runOk("hedge:sign", { id: result.id, from: "2", out: signatures, noSimulate: true }),
      await runOk("hedge:approve", { id: result.id, from: "3" }),
      await runOk("hedge:veto", { id: result.id, from: "4" }),
    ];
    for (const run of runs) {
      const printed = run.out.join("\n");
      expect(printed).to.include(`Proposal ${result.id}\n`);
      expect(printed).to.include(`Description: ${text}\n`);
      // The co-signer sees the tier and why, as hedge:propose prints them.
      expect(printed).to.include("Tier: Critical, needs 4 of 5 seats, then waits 3 d in the timelock");
      expect(printed).to.include(
        "  why: call 0 loosens (Critical): less protection from VIX 20.00 up: coverage 25.00 % → 20.00 %",
      );
    }
    expect(read(signatures).description, "the signatures file carries the text from the chain").to.equal(text);
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
    const out = path.join(dir, `${result.id}.json`);
    const lines = (await runOk("hedge:sign", { id: result.id, from: "2", out, noSimulate: true })).out;
    expect(lines.filter((l) => /^ {2}call 0: /.test(l))).to.have.length(1);
    expect(lines).to.satisfy((ls: string[]) =>
      ls.some((l) => /^ {6}coverageBps\s+2,500 \(25\.00 %\)\s+2,000 \(20\.00 %\)\s+loosens$/.test(l)),
    );
    expect(lines.filter((l) => /^Tier: /.test(l))).to.deep.equal([
      "Tier: Critical, needs 4 of 5 seats, then waits 3 d in the timelock",
    ]);
    expect(lines.filter((l) => /tightens$/.test(l))).to.deep.equal([
      "           │       coverageBps          2,500 (25.00 %)    3,000 (30.00 %)    tightens",
    ]);
    expect(lines).to.include("Description: Routine tightening.");
  });

  it("--description-file takes the file's exact bytes; a dry run sends and writes nothing", async () => {
    const file = path.join(dir, "reason.md");
    fs.writeFileSync(file, "\ufeffTighten layer 1\r\n");
    const before = await chainFingerprint();
    const fromFile = await runOk<ProposeResult>("hedge:propose", policyArgs({ descriptionFile: file, dryRun: true }));
    expect(fromFile.result.description).to.equal("\ufeffTighten layer 1\r\n");
    expect(fromFile.result.calls.descriptionHash).to.equal(keccak256(fs.readFileSync(file)));
    const inline = await runOk<ProposeResult>(
      "hedge:propose",
      policyArgs({ description: "\ufeffTighten layer 1\r\n", dryRun: true }),
    );
    expect(inline.result.id).to.equal(fromFile.result.id);
    expect(await chainFingerprint()).to.equal(before);
  });

  it("refuses two descriptions, an empty text and unreadable files; nothing sent", async () => {
    const binary = path.join(dir, "binary.txt");
    fs.writeFileSync(binary, Buffer.from([0x52, 0xff, 0xfe, 0x0a]));
    const blank = path.join(dir, "blank.txt");
    fs.writeFileSync(blank, " \n\t\n");
    await expectRefused(
      "hedge:propose",
      policyArgs({ description: "why", descriptionFile: blank }),
      "--description and --description-file exclude each other: give the text one way",
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
  });

  it("carries the description in the signatures file to the chain; an edited description is refused", async () => {
    const file = path.join(dir, "described.json");
    const text = "Rotate the hedge into the June futures";
    const { result } = await runOk<ProposeResult>(
      "hedge:propose",
      policyArgs({ description: text, offchain: true, out: file }),
    );
    expect(read(file).description).to.equal(text);
    const signed = await runOk("hedge:sign", { id: result.id, from: "2", out: file, noSimulate: true });
    expect(signed.out.join("\n")).to.include(`Description: ${text}\n`);
    expect(read(file).description, "hedge:sign keeps the description").to.equal(text);

    const edited = path.join(dir, "edited.json");
    fs.writeFileSync(edited, JSON.stringify({ ...read(file), description: "Rotate the hedge into the July futures" }));
    const edit = /does not match its calls and description \(hashProposal gives 0x[0-9a-f]{64}\): the file was edited$/;
    await expectRefused("hedge:submit", { signatures: edited }, edit);
    await expectRefused("hedge:sign", { id: result.id, from: "3", out: edited }, edit);
    fs.writeFileSync(edited, JSON.stringify({ ...read(file), description: 42 }));
    await expectRefused("hedge:submit", { signatures: edited }, /: description must be a string: the proposal's text$/);

    await runOk("hedge:sign", { id: result.id, from: "3", out: file, noSimulate: true });
    await runOk("hedge:submit", { signatures: file });
    expect((await createdEvent(result.id)).args.description).to.equal(text);
    const status = (await runOk("hedge:status")).out.join("\n");
    expect(status).to.match(new RegExp(`${result.id.slice(0, 10)}….*Queued.*Rotate the hedge into the June futures`));
  });

  it("hedge:status shows a description's control and bidi characters as escapes, and - for an empty one", async () => {
    const text = "Pay \u202eevil\u202c now\u001b[2J";
    const described = await runOk<ProposeResult>("hedge:propose", policyArgs({ description: text }));
    // An empty description, as anyone may propose with a plain contract call.
    const c = await council();
    const [, seat1] = await hre.ethers.getSigners();
    const empty = described.result.calls;
    await c.connect(seat1).propose(empty.targets, empty.values, empty.calldatas, "");
    const emptyId = await c.hashProposal(empty.targets, empty.values, empty.calldatas, keccak256("0x"));
    const status = (await runOk("hedge:status")).out.join("\n");
    expect(status).to.include("Pay \\u{202e}evil\\u{202c} now\\u{1b}[2J");
    expect(status).not.to.include("\u202e");
    expect(status).not.to.include("\u001b");
    expect(status).to.match(new RegExp(`${emptyId.slice(0, 10)}….*Pending.*  -$`, "m"));
  });

  describe("hedge:revoke", () => {
    it("withdraws a pending approval and prints who still approves; the revoked signature never counts", async () => {
      const { result } = await runOk<ProposeResult>("hedge:propose", policyArgs());
      const signers = await hre.ethers.getSigners();
      const file = path.join(dir, "revoked.json");
      await runOk("hedge:sign", { id: result.id, from: "2", out: file, noSimulate: true });
      await runOk("hedge:approve", { id: result.id, from: "2" });
      await runOk("hedge:approve", { id: result.id, from: "3" });

      const { out, result: revoked } = await runOk<RevokeResult>("hedge:revoke", {
        id: result.id.slice(0, 12),
        from: "2",
      });
      expect(out[0]).to.equal(`Proposal ${result.id}`);
      const sent = out.findIndex((l) => l.startsWith("  sent revoke: "));
      expect(out[sent]).to.match(/^  sent revoke: tx 0x[0-9a-f]{64} \(block \d+, gas [\d,]+\)$/);
      expect(out.slice(sent + 1)).to.deep.equal([
        `Revoked by account 2 (${signers[2].address}): 2 of 3 approvals.`,
        `  No signature of ${signers[2].address} counts for proposal ${result.id.slice(0, 10)}… again; only a new hedge:approve from it does.`,
        `  Approved by: seat 1 account 1 (${signers[1].address})`,
        `               seat 3 account 3 (${signers[3].address})`,
      ]);
      expect(revoked).to.deep.include({ existed: true, approvers: [signers[1].address, signers[3].address] });
      const c = await council();
      expect(await c.hasRevoked(result.id, signers[2].address)).to.equal(true);
      expect(await c.approvalCount(result.id)).to.equal(2n);

      await expectRefused(
        "hedge:revoke",
        { id: result.id, from: "2" },
        `account 2 (${signers[2].address}) already revoked proposal ${result.id.slice(0, 10)}…`,
      );
      await expectRefused(
        "hedge:approve",
        { signatures: file },
        `the signature of seat 2 (${signers[2].address}) in ${file} can never count: ${signers[2].address} revoked proposal ${result.id.slice(0, 10)}…; remove it from the file (that address may still approve on chain)`,
      );
      await expectRefused(
        "hedge:sign",
        { id: result.id, from: "2", out: path.join(dir, "again.json") },
        /^account 2 \(0x[0-9a-fA-F]{40}\) revoked proposal 0x[0-9a-f]{8}…: no signature of 0x[0-9a-fA-F]{40} counts for it; only an on-chain approval from it does/,
      );
      // Fresh consent on chain counts again.
      await runOk("hedge:approve", { id: result.id, from: "2" });
      expect(await c.approvalCount(result.id)).to.equal(3n);
    });

    it("revokes before the proposal exists: its signatures file is shown, and a later submit is refused naming the seat", async () => {
      const file = path.join(dir, "not-yet.json");
      const { result } = await runOk<ProposeResult>(
        "hedge:propose",
        policyArgs({ description: "Signed on Friday", offchain: true, out: file }),
      );
      await runOk("hedge:sign", { id: result.id, from: "2", out: file, noSimulate: true });
      await runOk("hedge:sign", { id: result.id, from: "3", out: file, noSimulate: true });
      const signers = await hre.ethers.getSigners();

      // Seat 2 changes its mind the same day, before anyone relays the file.
      const { out, result: revoked } = await runOk<RevokeResult>("hedge:revoke", { signatures: file, from: "2" });
      expect(out[0]).to.equal(`From ${file}:`);
      expect(out[1]).to.equal(`Proposal ${result.id}`);
      expect(out).to.include("Description: Signed on Friday");
      expect(out.slice(-2)).to.deep.equal([
        `Revoked by account 2 (${signers[2].address}) before proposal ${result.id.slice(0, 10)}… exists.`,
        `  No signature of ${signers[2].address} for it will ever count, whatever seat it holds; only an on-chain hedge:approve (or proposing it) from it does.`,
      ]);
      expect(revoked).to.deep.include({ id: result.id, existed: false, approvals: 0 });
      const c = await council();
      expect(await c.hasRevoked(result.id, signers[2].address)).to.equal(true);
      expect(Number(await c.state(result.id))).to.equal(0, "still not on chain");

      const reason = await expectRefused("hedge:submit", { signatures: file }, /can never count/);
      expect(reason).to.equal(
        `the signature of seat 2 (${signers[2].address}) in ${file} can never count: ${signers[2].address} revoked proposal ${result.id.slice(0, 10)}…; remove it from the file (that address may still approve on chain)`,
      );
      expect(Number(await c.state(result.id))).to.equal(0, "the refused submit created nothing");
      await expectRefused(
        "hedge:revoke",
        { id: result.id, from: "2" },
        `account 2 (${signers[2].address}) already revoked proposal ${result.id.slice(0, 10)}…`,
      );
    });

    it("revokes by a full id alone, with no file and nothing on chain", async () => {
      const id = `0x${"5a".repeat(32)}`;
      const signers = await hre.ethers.getSigners();
      const { out } = await runOk<RevokeResult>("hedge:revoke", { id, from: "4" });
      expect(out[0]).to.equal(
        `Proposal ${id} is not on chain yet, and no signatures file of it is shown here: revoking it by its id alone.`,
      );
      expect(await (await council()).hasRevoked(id, signers[4].address)).to.equal(true);
    });

    it("refuses in words before sending: unknown prefix, no id, no seat, already revoked, not Pending", async () => {
      const { result } = await runOk<ProposeResult>("hedge:propose", policyArgs());
      const signers = await hre.ethers.getSigners();
      await expectRefused(
        "hedge:revoke",
        { id: "0x12345678", from: "1" },
        "--id 0x12345678: no such proposal on this council; to revoke one that does not exist yet, give its full id (0x followed by 64 hex digits)",
      );
      await expectRefused("hedge:revoke", { id: "zz", from: "1" }, /^--id zz: not a proposal id/);
      await expectRefused("hedge:revoke", { from: "1" }, /^--id is required \(or --signatures FILE\)/);
      await expectRefused(
        "hedge:revoke",
        { id: result.id, from: "9" },
        `--from account 9 (${signers[9].address}) holds no council seat`,
      );
      // A seat that has not approved may revoke too: its off-chain signatures never count after.
      await runOk("hedge:revoke", { id: result.id, from: "3" });
      await expectRefused(
        "hedge:revoke",
        { id: result.id, from: "3" },
        `account 3 (${signers[3].address}) already revoked proposal ${result.id.slice(0, 10)}…`,
      );
      for (const from of ["2", "4"]) await runOk("hedge:approve", { id: result.id, from });
      await runOk("hedge:queue", { id: result.id });
      await expectRefused(
        "hedge:revoke",
        { id: result.id, from: "1" },
        /^cannot revoke proposal 0x[0-9a-f]{8}…: it is Queued \(revoke needs Pending, or a proposal not on chain yet\)$/,
      );
    });
  });
});

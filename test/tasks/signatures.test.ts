// Off-chain co-signing in-process: hedge:propose --offchain, hedge:sign into a signatures file, hedge:submit (one
// transaction) and hedge:approve --signatures (relay); the file format validated on read, and every bad file or
// signer refused with one line and nothing sent.
import fs from "node:fs";
import path from "node:path";

import { expect } from "chai";
import { Wallet } from "ethers";
import hre from "hardhat";

import { APPROVALS_FORMAT, type ApprovalsFile } from "../../scripts/lib/approvals-file";
import { proposalIdOf } from "../../scripts/lib/council";
import { signApproval } from "../../scripts/lib/signing";
import type { ProposeResult } from "../../scripts/commands/propose";
import { expectRefused, runOk, tempDir, useDeployedSystem } from "./helpers";

describe("tasks: signatures files, hedge:sign, hedge:submit and hedge:approve --signatures", function () {
  const fixture = useDeployedSystem();
  const council = fixture.council;
  let dir: string;
  let counter = 0;

  before(() => {
    dir = tempDir("signatures");
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const read = (file: string) => JSON.parse(fs.readFileSync(file, "utf8")) as ApprovalsFile;
  const write = (file: string, content: unknown) => fs.writeFileSync(file, JSON.stringify(content, null, 2));

  /** A Standard proposal written off-chain by seat 1, plus the signatures of `signers`. */
  async function offchain(signers: string[] = [], set = "coverageBps=3000"): Promise<{ id: string; file: string }> {
    const file = path.join(dir, `p${++counter}.json`);
    const { result } = await runOk<ProposeResult>("hedge:propose", {
      kind: "policy",
      set,
      from: "1",
      offchain: true,
      out: file,
    });
    for (const from of signers) await runOk("hedge:sign", { id: result.id, from, out: file });
    return { id: result.id, file };
  }

  it("writes the documented format: chain, council, id, calls, salt and the proposer's signature", async () => {
    const before = await hre.ethers.provider.getBlockNumber();
    const { id, file } = await offchain();
    expect(await hre.ethers.provider.getBlockNumber()).to.equal(before, "--offchain sends nothing");
    const content = read(file);
    const signers = await hre.ethers.getSigners();
    expect(content.format).to.equal(APPROVALS_FORMAT);
    expect(content.chainId).to.equal(31337);
    expect(content.council).to.equal(fixture.deployment.contracts.council.address);
    expect(content.proposalId).to.equal(id);
    expect(content.targets).to.deep.equal([fixture.deployment.contracts.policy.address]);
    expect(content.values).to.deep.equal(["0"]);
    const calls = { ...content, values: content.values.map(BigInt) };
    expect(proposalIdOf(calls)).to.equal(id);
    expect(content.signatures.map((s) => s.signer)).to.deep.equal([signers[1].address]);
  });

  it("hedge:sign shows the decoded proposal and appends; hedge:submit creates, approves and queues in one transaction", async () => {
    const { id, file } = await offchain(["2"]);
    const third = await runOk("hedge:sign", { id, from: "3", out: file });
    const text = third.out.join("\n");
    expect(text).to.include(`Proposal ${id}`);
    expect(text).to.include("not on chain yet");
    expect(text).to.match(/coverageBps\s+2,500 \(25\.00 %\)\s+3,000 \(30\.00 %\)\s+tightens/);
    expect(text).to.include("holds 3 signatures: 3 of 3 needed.");
    expect(read(file).signatures).to.have.length(3);

    const before = await hre.ethers.provider.getBlockNumber();
    const { out } = await runOk("hedge:submit", { signatures: file });
    expect(await hre.ethers.provider.getBlockNumber()).to.equal(before + 1, "one transaction");
    expect(out.join("\n")).to.include("is Queued, executable from");
    const c = await council();
    expect(await c.state(id)).to.equal(2n);
    expect(await c.approvalCount(id)).to.equal(3n);
    const [created] = await c.queryFilter(c.filters.ProposalCreated(id));
    expect(created.args.proposer).to.equal((await hre.ethers.getSigners())[1].address, "the first signer proposes");
  });

  it("hedge:approve --signatures relays the approvals of a file for a proposal created on chain", async () => {
    const { result } = await runOk<ProposeResult>("hedge:propose", {
      kind: "policy",
      set: "coverageBps=3000",
      from: "1",
    });
    const file = path.join(dir, `relay-${++counter}.json`);
    await runOk("hedge:sign", { id: result.id.slice(0, 12), from: "2", out: file });
    await runOk("hedge:sign", { id: result.id, from: "3", out: file });
    await runOk("hedge:approve", { id: result.id, from: "2" });
    const { out } = await runOk("hedge:approve", { signatures: file, from: "0" });
    expect(out.join("\n")).to.match(/0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC already approved on chain: skipped/);
    expect(out.join("\n")).to.include("Relayed 1 approval");
    expect(await (await council()).approvalCount(result.id)).to.equal(3n);
    await runOk("hedge:queue", { id: result.id });
  });

  it("accepts a Fast proposal through submit and executes it at once", async () => {
    const file = path.join(dir, `fast-${++counter}.json`);
    const { result } = await runOk<ProposeResult>("hedge:propose", {
      kind: "nudge",
      set: "coverageBps=2700",
      from: "2",
      offchain: true,
      out: file,
    });
    await runOk("hedge:sign", { id: result.id, from: "3", out: file });
    const { out } = await runOk("hedge:submit", { signatures: file });
    expect(out.join("\n")).to.include("executed at once (Fast tier)");
    const policy = await hre.ethers.getContractAt("HedgePolicy", fixture.deployment.contracts.policy.address);
    expect((await policy.policy()).coverageBps).to.equal(2700n);
  });

  describe("refuses bad files and signers with one line and sends nothing", () => {
    it("a signer without a seat", async () => {
      const { id, file } = await offchain();
      await expectRefused(
        "hedge:sign",
        { id, from: "9", out: file },
        /^--from account 9 \(0x[0-9a-fA-F]{40}\) holds no council seat/,
      );
    });

    it("a signer that already signed", async () => {
      const { id, file } = await offchain();
      await expectRefused(
        "hedge:sign",
        { id, from: "1", out: file },
        /^account 1 \(0x[0-9a-fA-F]{40}\) already signed/,
      );
    });

    it("an unknown proposal id", async () => {
      const unknown = `0x${"ab".repeat(32)}`;
      await expectRefused(
        "hedge:sign",
        { id: unknown, from: "2" },
        `--id ${unknown}: no such proposal on this council, and no signatures file`,
      );
      await expectRefused(
        "hedge:sign",
        { id: "0xabababab", from: "2" },
        /^--id 0xabababab: no proposal on chain starts with it/,
      );
      await expectRefused("hedge:queue", { id: unknown }, `--id ${unknown}: no such proposal on this council`);
      await expectRefused(
        "hedge:approve",
        { id: "0xfeedbeef", from: "2" },
        "--id 0xfeedbeef: no such proposal on this council",
      );
    });

    it("a malformed proposal id", async () => {
      await expectRefused("hedge:execute", { id: "proposal-7" }, /^--id proposal-7: not a proposal id/);
    });

    it("a missing file", async () => {
      const missing = path.join(dir, "missing.json");
      await expectRefused("hedge:submit", { signatures: missing }, `signatures file ${missing} does not exist`);
    });

    it("a file that is not JSON, or not in the format", async () => {
      const file = path.join(dir, `junk-${++counter}.json`);
      fs.writeFileSync(file, "{");
      await expectRefused("hedge:submit", { signatures: file }, /is not valid JSON/);
      const { file: good } = await offchain(["2", "3"]);
      write(file, { ...read(good), format: "safe-tx/1" });
      await expectRefused(
        "hedge:submit",
        { signatures: file },
        /format is "safe-tx\/1", expected "hedge-council-approvals\/1"/,
      );
    });

    it("a file for another chain", async () => {
      const { file } = await offchain(["2", "3"]);
      write(file, { ...read(file), chainId: 1 });
      await expectRefused(
        "hedge:submit",
        { signatures: file },
        /: it is for chain 1, but this network is chain 31337$/,
      );
    });

    it("a file for another council", async () => {
      const { file } = await offchain(["2", "3"]);
      write(file, { ...read(file), council: fixture.deployment.contracts.policy.address });
      await expectRefused(
        "hedge:submit",
        { signatures: file },
        /: it is for council 0x[0-9a-fA-F]{40}, but this network's council is 0x/,
      );
    });

    it("a file for another proposal", async () => {
      const { file } = await offchain(["2"]);
      const other = await runOk<ProposeResult>("hedge:propose", { kind: "policy", set: "targetDte=5", from: "1" });
      await expectRefused(
        "hedge:sign",
        { id: other.result.id, from: "3", out: file },
        `: it is for proposal ${read(file).proposalId}, not ${other.result.id}`,
      );
      await expectRefused("hedge:approve", { id: other.result.id, signatures: file }, `not ${other.result.id}`);
    });

    it("calls that do not match the id", async () => {
      const { file } = await offchain(["2", "3"]);
      const content = read(file);
      write(file, { ...content, salt: `0x${"00".repeat(32)}` });
      await expectRefused(
        "hedge:submit",
        { signatures: file },
        /: proposalId 0x[0-9a-f]{64} does not match its calls \(hashProposal gives 0x[0-9a-f]{64}\)/,
      );
    });

    it("a tampered signature", async () => {
      const { file } = await offchain(["2", "3"]);
      const content = read(file);
      const sig = content.signatures[1].signature;
      content.signatures[1].signature = sig.slice(0, 20) + (sig[20] === "a" ? "b" : "a") + sig.slice(21);
      write(file, content);
      await expectRefused(
        "hedge:submit",
        { signatures: file },
        `the signature of ${content.signatures[1].signer} does not verify`,
      );
    });

    it("a signature moved to another signer", async () => {
      const { file } = await offchain(["2", "3"]);
      const content = read(file);
      content.signatures[1].signer = (await hre.ethers.getSigners())[4].address;
      write(file, content);
      await expectRefused(
        "hedge:approve",
        { signatures: file },
        `the signature of ${content.signatures[1].signer} does not verify`,
      );
    });

    it("a signature for another chain's domain", async () => {
      const { id, file } = await offchain(["2"]);
      const content = read(file);
      const [, , , seat3] = await hre.ethers.getSigners();
      content.signatures.push({ signer: seat3.address, signature: await signApproval(seat3, 1, content.council, id) });
      write(file, content);
      await expectRefused("hedge:submit", { signatures: file }, `the signature of ${seat3.address} does not verify`);
    });

    it("a signer listed twice", async () => {
      const { file } = await offchain(["2"]);
      const content = read(file);
      content.signatures.push(content.signatures[1]);
      write(file, content);
      await expectRefused("hedge:submit", { signatures: file }, /signed twice/);
    });

    it("a valid signature from an address without a seat", async () => {
      const { id, file } = await offchain(["2", "3"]);
      const content = read(file);
      const outsider = Wallet.createRandom();
      content.signatures.push({
        signer: outsider.address,
        signature: await signApproval(outsider, 31337, content.council, id),
      });
      write(file, content);
      await expectRefused(
        "hedge:submit",
        { signatures: file },
        `signer ${outsider.address} of ${file} holds no council seat`,
      );
    });

    it("too few signatures for the tier", async () => {
      const { file } = await offchain(["2"]);
      await expectRefused(
        "hedge:submit",
        { signatures: file },
        `${file} holds 2 signatures; a Standard proposal needs 3`,
      );
    });

    it("submit of a proposal already on chain, and approve of one that is not", async () => {
      const { file } = await offchain(["2", "3"]);
      await expectRefused(
        "hedge:approve",
        { signatures: file },
        /is not on chain yet: create it and record these signatures in one transaction with hedge:submit/,
      );
      await runOk("hedge:submit", { signatures: file });
      await expectRefused("hedge:submit", { signatures: file }, /already exists on chain \(Queued\)/);
      await expectRefused(
        "hedge:approve",
        { signatures: file },
        /cannot approve proposal 0x[0-9a-f]{8}…: it is Queued/,
      );
    });

    it("an existing file with --offchain", async () => {
      const { file } = await offchain();
      await expectRefused(
        "hedge:propose",
        { kind: "policy", set: "coverageBps=3000", from: "1", offchain: true, out: file },
        /already exists; remove it or give --out/,
      );
    });
  });
});

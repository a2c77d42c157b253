// Off-chain co-signing in-process: hedge:propose --offchain, hedge:sign into a signatures file, hedge:submit (one
// transaction) and hedge:approve --signatures (relay); the file format (hedge-council-approvals/2: each signature
// names its seat and carries a deadline) validated on read, --valid-for, and every bad file, seat or signer refused
// with one line and nothing sent.
import fs from "node:fs";
import path from "node:path";

import { expect } from "chai";
import { Wallet, keccak256, toUtf8Bytes } from "ethers";
import hre from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";

import { APPROVALS_FORMAT, type ApprovalsFile } from "../../scripts/lib/approvals-file";
import { proposalIdOf } from "../../scripts/lib/council";
import { DEFAULT_VALID_FOR_SECONDS, signApproval } from "../../scripts/lib/signing";
import type { ProposeResult } from "../../scripts/commands/propose";
import type { SignResult } from "../../scripts/commands/sign";
import { malformedCopies } from "../helpers/malformed";
import { chainFingerprint, expectRefused, runOk, runTask, tempDir, useDeployedSystem } from "./helpers";

/** A signer for any address (a contract included), impersonated and funded for gas. */
async function impersonate(address: string) {
  await hre.network.provider.send("hardhat_impersonateAccount", [address]);
  await hre.network.provider.send("hardhat_setBalance", [address, "0xde0b6b3a7640000"]);
  return hre.ethers.getSigner(address);
}

const latest = async () => (await hre.ethers.provider.getBlock("latest"))!.timestamp;

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
  const account = async (i: number) => (await hre.ethers.getSigners())[i];

  /** A Standard proposal written off-chain by seat 1, plus the signatures of `signers`. */
  async function offchain(
    signers: string[] = [],
    set = "coverageBps=3000",
    extra: Record<string, unknown> = {},
  ): Promise<{ id: string; file: string; result: ProposeResult }> {
    const file = path.join(dir, `p${++counter}.json`);
    const { result } = await runOk<ProposeResult>("hedge:propose", {
      kind: "policy",
      set,
      from: "1",
      offchain: true,
      out: file,
      ...extra,
    });
    for (const from of signers) await runOk("hedge:sign", { id: result.id, from, out: file, noSimulate: true });
    return { id: result.id, file, result };
  }

  /** A copy of a file with one signature changed by `edit`. */
  function edited(file: string, index: number, edit: (s: ApprovalsFile["signatures"][number]) => void): string {
    const content = read(file);
    edit(content.signatures[index]);
    const copy = path.join(dir, `edited-${++counter}.json`);
    write(copy, content);
    return copy;
  }

  it("writes the documented format: chain, council, id, calls, description and the proposer's seat signature", async () => {
    const before = await chainFingerprint();
    const { id, file, result } = await offchain([], "coverageBps=3000", { description: "Raise coverage to 30 %" });
    expect(await chainFingerprint()).to.equal(before, "--offchain sends nothing");
    const content = read(file);
    expect(Object.keys(content)).to.deep.equal([
      "format",
      "chainId",
      "council",
      "proposalId",
      "targets",
      "values",
      "calldatas",
      "description",
      "signatures",
    ]);
    expect(content.format).to.equal(APPROVALS_FORMAT).and.to.equal("hedge-council-approvals/2");
    expect(content.chainId).to.equal(31337);
    expect(content.council).to.equal(fixture.deployment.contracts.council.address);
    expect(content.proposalId).to.equal(id);
    expect(content.targets).to.deep.equal([fixture.deployment.contracts.policy.address]);
    expect(content.values).to.deep.equal(["0"]);
    expect(content.description).to.equal("Raise coverage to 30 %");
    // The id commits to keccak256 of the text, computed here without the code under test.
    const descriptionHash = keccak256(toUtf8Bytes(content.description));
    const calls = { ...content, values: content.values.map(BigInt), descriptionHash };
    expect(proposalIdOf(calls)).to.equal(id);
    expect(await (await council()).hashProposal(content.targets, [0n], content.calldatas, descriptionHash)).to.equal(
      id,
    );
    const signer = await account(1);
    expect(content.signatures).to.have.length(1);
    expect(content.signatures[0]).to.deep.equal({
      seatId: "1",
      validUntil: String((await latest()) + DEFAULT_VALID_FOR_SECONDS),
      signer: signer.address,
      signature: await signApproval(signer, 31337, content.council, {
        proposalId: id,
        seatId: 1,
        validUntil: (await latest()) + DEFAULT_VALID_FOR_SECONDS,
      }),
    });
    expect(result.validUntil).to.equal((await latest()) + DEFAULT_VALID_FOR_SECONDS);
  });

  it("hedge:sign shows the decoded proposal and appends; hedge:submit creates, approves and queues in one transaction", async () => {
    const { id, file } = await offchain(["2"], "coverageBps=3000", { description: "Raise coverage" });
    const third = await runOk("hedge:sign", { id, from: "3", out: file });
    const text = third.out.join("\n");
    expect(text).to.include(`Proposal ${id}`);
    expect(text).to.include("not on chain yet");
    expect(text).to.include("Description: Raise coverage\n");
    // The co-signer sees the tier and why, as hedge:propose prints them.
    expect(text).to.include("Tier: Standard, needs 3 of 5 seats, then waits 1 d in the timelock");
    expect(text).to.include("  why: call 0: a setPolicy for the current version that does not loosen: Standard");
    // Simulated to its end first, proposed with its description on the sandbox.
    expect(text).to.match(/^simulation: executes; coverageBps 25\.00 % → 30\.00 %/m);
    expect(text).to.match(/coverageBps\s+2,500 \(25\.00 %\)\s+3,000 \(30\.00 %\)\s+tightens/);
    expect(text).to.include("  seat              3\n");
    expect(text).to.include("holds 3 signatures: 3 of 3 needed.");
    expect(read(file).signatures.map((s) => s.seatId)).to.deep.equal(["1", "2", "3"]);

    const before = await hre.ethers.provider.getBlockNumber();
    const { out } = await runOk("hedge:submit", { signatures: file });
    expect(await hre.ethers.provider.getBlockNumber()).to.equal(before + 1, "one transaction");
    expect(out.join("\n")).to.include("is Queued, executable from");
    const c = await council();
    expect(await c.state(id)).to.equal(2n);
    expect(await c.approvalCount(id)).to.equal(3n);
    const [created] = await c.queryFilter(c.filters.ProposalCreated(id));
    expect(created.args.proposer).to.equal((await account(1)).address, "the first seat's holder proposes");
    expect(created.args.description).to.equal("Raise coverage", "the description went on chain");
  });

  it("hedge:approve --signatures relays the approvals of a file for a proposal created on chain, skipping recorded seats", async () => {
    const { result } = await runOk<ProposeResult>("hedge:propose", {
      kind: "policy",
      set: "coverageBps=3000",
      from: "1",
    });
    const file = path.join(dir, `relay-${++counter}.json`);
    await runOk("hedge:sign", { id: result.id.slice(0, 12), from: "2", out: file, noSimulate: true });
    await runOk("hedge:sign", { id: result.id, from: "3", out: file, noSimulate: true });
    expect(read(file).description).to.equal(result.description, "the file carries the description from the chain");
    await runOk("hedge:approve", { id: result.id, from: "2" });
    const { out } = await runOk("hedge:approve", { signatures: file, from: "0" });
    expect(out).to.include(`  seat 2 (${(await account(2)).address}) already approved on chain: skipped`);
    expect(out.join("\n")).to.include("Relayed 1 approval");
    expect(await (await council()).approvalCount(result.id)).to.equal(3n);
    await runOk("hedge:queue", { id: result.id });
  });

  it("skips a seat already recorded even when its signature has expired, as the council ignores it", async () => {
    const { result } = await runOk<ProposeResult>("hedge:propose", {
      kind: "policy",
      set: "coverageBps=3000",
      from: "1",
    });
    const file = path.join(dir, `recorded-${++counter}.json`);
    await runOk("hedge:sign", { id: result.id, from: "2", out: file, noSimulate: true, validFor: "1h" });
    await runOk("hedge:approve", { id: result.id, from: "2" });
    await time.increase(2 * 3_600);
    await runOk("hedge:sign", { id: result.id, from: "3", out: file, noSimulate: true });
    const { out } = await runOk("hedge:approve", { signatures: file });
    expect(out).to.include(`  seat 2 (${(await account(2)).address}) already approved on chain: skipped`);
    expect(await (await council()).approvalCount(result.id)).to.equal(3n);
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
    await runOk("hedge:sign", { id: result.id, from: "3", out: file, noSimulate: true });
    const { out } = await runOk("hedge:submit", { signatures: file });
    expect(out.join("\n")).to.include("executed at once (Fast tier)");
    const policy = await hre.ethers.getContractAt("HedgePolicy", fixture.deployment.contracts.policy.address);
    expect((await policy.policy()).coverageBps).to.equal(2700n);
  });

  describe("--valid-for: how long a signature counts", () => {
    it("defaults to 7 days from the latest block, and shows the seat and the deadline beside the hashes", async () => {
      const { id, file } = await offchain();
      const run = await runOk<SignResult>("hedge:sign", { id, from: "2", out: file, noSimulate: true });
      const until = (await latest()) + 7 * 86_400;
      expect(DEFAULT_VALID_FOR_SECONDS).to.equal(7 * 86_400);
      expect(run.result.validUntil).to.equal(until);
      expect(read(file).signatures[1]).to.include({ seatId: "2", validUntil: String(until) });
      const at = run.out.indexOf("EIP-712 hashes (compare with what the signing device shows):");
      expect(run.out.slice(at + 1, at + 3)).to.deep.equal([
        "  seat              2",
        `  valid until       ${new Date(until * 1000).toISOString().replace("T", " ").slice(0, 19)} UTC (unix ${until})`,
      ]);
      expect(run.out).to.include(
        `Signed by account 2 (${(await account(2)).address}) (seat 2, valid for 7 d); nothing was sent.`,
      );
    });

    it("takes an explicit duration, for hedge:sign and hedge:propose --offchain alike", async () => {
      const { id, file, result } = await offchain([], "coverageBps=3000", { validFor: "30m" });
      expect(result.validUntil).to.equal((await latest()) + 1_800);
      expect(read(file).signatures[0].validUntil).to.equal(String((await latest()) + 1_800));
      for (const [from, validFor, seconds] of [
        ["2", "12h", 43_200],
        ["3", "90", 90],
        ["4", "365d", 365 * 86_400],
      ] as const) {
        const run = await runOk<SignResult>("hedge:sign", { id, from, out: file, noSimulate: true, validFor });
        expect(run.result.validUntil, validFor).to.equal((await latest()) + seconds);
      }
    });

    it("refuses 0, negative, garbage and too long with one line, writing and sending nothing", async () => {
      const { id, file } = await offchain();
      const before = fs.readFileSync(file, "utf8");
      const cases: [string, RegExp][] = [
        ["0", /^--valid-for 0: a signature must count for at least 1 s$/],
        ["0d", /^--valid-for 0d: a signature must count for at least 1 s$/],
        [
          "-1d",
          /^--valid-for -1d: not a duration \(seconds, or a number with s, m, h, d or w, such as 30m, 12h or 7d\)$/,
        ],
        ["soon", /^--valid-for soon: not a duration/],
        ["7 days", /^--valid-for 7 days: not a duration/],
        ["1.5d", /^--valid-for 1\.5d: not a duration/],
        ["366d", /^--valid-for 366d: at most 365d: a signature must not be able to wake up long after it was given$/],
        ["99999999999999999999w", /^--valid-for 99999999999999999999w: too large$/],
      ];
      for (const [validFor, message] of cases) {
        await expectRefused("hedge:sign", { id, from: "2", out: file, validFor }, message);
        await expectRefused(
          "hedge:propose",
          {
            kind: "policy",
            set: "coverageBps=3100",
            from: "1",
            offchain: true,
            out: path.join(dir, "x.json"),
            validFor,
          },
          message,
        );
      }
      await expectRefused(
        "hedge:propose",
        { kind: "policy", set: "coverageBps=3100", from: "1", validFor: "1d" },
        "--valid-for needs --offchain: it is how long the proposer's signature counts",
      );
      expect(fs.readFileSync(file, "utf8")).to.equal(before);
      expect(fs.existsSync(path.join(dir, "x.json"))).to.equal(false);
    });
  });

  describe("refuses bad files, seats and signers with one line and sends nothing", () => {
    it("a signer without a seat", async () => {
      const { id, file } = await offchain();
      await expectRefused(
        "hedge:sign",
        { id, from: "9", out: file },
        /^--from account 9 \(0x[0-9a-fA-F]{40}\) holds no council seat$/,
      );
    });

    it("a seat whose unexpired signature is already in the file; once expired, signing again replaces it", async () => {
      const { id, file } = await offchain([], "coverageBps=3000", { validFor: "1h" });
      const until = read(file).signatures[0].validUntil;
      await expectRefused(
        "hedge:sign",
        { id, from: "1", out: file },
        new RegExp(
          `^account 1 \\(0x[0-9a-fA-F]{40}\\) already signed ${file} for seat 1, valid until .* \\(unix ${until}\\)$`,
        ),
      );
      await time.increase(3_601);
      await runOk("hedge:sign", { id, from: "1", out: file, noSimulate: true });
      const signatures = read(file).signatures;
      expect(signatures).to.have.length(1, "the new signature replaces the expired one");
      expect(Number(signatures[0].validUntil)).to.equal((await latest()) + DEFAULT_VALID_FOR_SECONDS);
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
        /format is "safe-tx\/1", expected "hedge-council-approvals\/2"$/,
      );
    });

    it("a file that is no signatures file at all (a memo, a folder): one line naming it", async () => {
      const memo = path.join(dir, `memo-${++counter}.md`);
      fs.writeFileSync(memo, "# Why we raise the coverage\n\nThe March expiries.\n");
      const reason = await expectRefused("hedge:submit", { signatures: memo }, "is not a signatures file");
      expect(reason.startsWith(`${memo} is not a signatures file: it is not valid JSON (`), reason).to.equal(true);
      await expectRefused("hedge:submit", { signatures: dir }, `${dir} is a directory, not a signatures file`);
    });

    it("a file truncated, or with any field missing, of the wrong type or not hex: one line naming it", async () => {
      const { file: good } = await offchain(["2"]);
      const content = read(good);
      const text = fs.readFileSync(good, "utf8");
      const odd = (edit: (c: ApprovalsFile) => void): string => {
        const copy = structuredClone(content);
        edit(copy);
        return JSON.stringify(copy, null, 2);
      };
      const copies: [string, string][] = [
        ...malformedCopies(text),
        ["a call's data of an odd number of hex digits", odd((c) => (c.calldatas[0] = `${c.calldatas[0]}0`))],
        ["a signature of an odd number of hex digits", odd((c) => (c.signatures[1].signature += "0"))],
        [
          "a target with a wrong checksum",
          odd((c) => (c.targets[0] = c.targets[0].replace(/[a-f]/, (x) => x.toUpperCase()))),
        ],
      ];
      const before = await chainFingerprint();
      const wrong: string[] = [];
      for (const [what, copy] of copies) {
        const file = path.join(dir, `malformed-${++counter}.json`);
        fs.writeFileSync(file, copy);
        const run = await runTask("hedge:submit", { signatures: file });
        // Named first: "signatures file F: …" for a file that fails a check, "F is not a signatures file: …" for
        // one that is not JSON at all.
        const refused =
          run.exitCode === 1 &&
          run.err.length === 1 &&
          (run.err[0].startsWith(`error: signatures file ${file}`) ||
            run.err[0].startsWith(`error: ${file} is not a signatures file: `)) &&
          !run.err[0].includes("\n");
        if (!refused) wrong.push(`${what}: exit ${run.exitCode}, ${run.err.join(" / ")}`);
      }
      expect(wrong).to.deep.equal([]);
      expect(await chainFingerprint()).to.equal(before);
    });

    it("a file of the old format (rules v2), with what to do", async () => {
      const { id, file: good } = await offchain(["2", "3"]);
      const v2 = read(good);
      const old = path.join(dir, `old-${++counter}.json`);
      write(old, {
        format: "hedge-council-approvals/1",
        chainId: v2.chainId,
        council: v2.council,
        proposalId: id,
        targets: v2.targets,
        values: v2.values,
        calldatas: v2.calldatas,
        salt: keccak256(toUtf8Bytes(v2.description)),
        signatures: v2.signatures.map((s) => ({ signer: s.signer, signature: s.signature })),
      });
      const expected = `signatures file ${old} is of format hedge-council-approvals/1 (rules v2: signatures without a seat or a deadline); the council no longer accepts them: move it aside and sign again with \`npx hardhat hedge:sign --id ${id} --from <account>\` (a proposal not on chain yet: propose it again with \`hedge:propose … --offchain\`)`;
      for (const [task, args] of [
        ["hedge:submit", { signatures: old }],
        ["hedge:approve", { signatures: old }],
        ["hedge:sign", { id, from: "4", out: old }],
        ["hedge:revoke", { signatures: old, from: "4" }],
      ] as const) {
        expect(await expectRefused(task, args, "hedge-council-approvals/1"), task).to.equal(expected);
      }
      expect(Number(await (await council()).state(id))).to.equal(0);
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

    it("calls or a description that do not match the id", async () => {
      const { file } = await offchain(["2", "3"]);
      const content = read(file);
      const mismatch =
        /: proposalId 0x[0-9a-f]{64} does not match its calls and description \(hashProposal gives 0x[0-9a-f]{64}\): the file was edited$/;
      write(file, { ...content, description: `${content.description} ` });
      await expectRefused("hedge:submit", { signatures: file }, mismatch);
      write(file, { ...content, values: ["1"] });
      await expectRefused("hedge:submit", { signatures: file }, mismatch);
      const { description: _, ...without } = content;
      write(file, without);
      await expectRefused(
        "hedge:submit",
        { signatures: file },
        /: description is missing: it must be the proposal's text/,
      );
    });

    it("a tampered signature, or a tampered deadline", async () => {
      const { file } = await offchain(["2", "3"]);
      const signer = (await account(3)).address;
      const flipped = edited(file, 2, (s) => {
        s.signature = s.signature.slice(0, 20) + (s.signature[20] === "a" ? "b" : "a") + s.signature.slice(21);
      });
      const message = `the signature of seat 3 (${signer}) does not verify: it was not made by ${signer} for this proposal, seat, deadline, chain and council (tampered?)`;
      await expectRefused("hedge:submit", { signatures: flipped }, message);
      // A later deadline written over the signed one: the signature is for the other deadline.
      const extended = edited(file, 2, (s) => (s.validUntil = String(BigInt(s.validUntil) + 86_400n)));
      await expectRefused("hedge:submit", { signatures: extended }, message);
    });

    it("a wrong seat: a signature moved to another seat or signer, or made for a seat its signer does not hold", async () => {
      const { id, file } = await offchain(["2", "3"]);
      const [, , , seat3, seat4] = await hre.ethers.getSigners();
      const toSigner = edited(file, 2, (s) => (s.signer = seat4.address));
      await expectRefused(
        "hedge:approve",
        { signatures: toSigner },
        `seat 3 is held by ${seat3.address}, not ${seat4.address}: a signature counts only for its signer's own seat; remove signatures[2] from the file`,
      );
      const toSeat = edited(file, 2, (s) => (s.seatId = "4"));
      await expectRefused(
        "hedge:submit",
        { signatures: toSeat },
        `seat 4 is held by ${seat4.address}, not ${seat3.address}`,
      );
      // Seat 3's holder signs, correctly, an approval naming seat 4: the council would refuse it (not its holder).
      const council = fixture.deployment.contracts.council.address;
      const validUntil = (await latest()) + 3_600;
      const forSeat4 = await signApproval(seat3, 31337, council, { proposalId: id, seatId: 4, validUntil });
      const wrong = edited(file, 2, (s) =>
        Object.assign(s, { seatId: "4", validUntil: String(validUntil), signature: forSeat4 }),
      );
      await expectRefused(
        "hedge:submit",
        { signatures: wrong },
        `seat 4 is held by ${seat4.address}, not ${seat3.address}`,
      );
      await expectRefused("hedge:sign", { id, from: "5", out: wrong }, `seat 4 is held by ${seat4.address}`);
    });

    it("a seat that does not exist", async () => {
      const { id, file } = await offchain(["2", "3"]);
      const outsider = Wallet.createRandom();
      const validUntil = (await latest()) + 3_600;
      const council = fixture.deployment.contracts.council.address;
      const content = read(file);
      content.signatures.push({
        seatId: "9",
        validUntil: String(validUntil),
        signer: outsider.address,
        signature: await signApproval(outsider, 31337, council, { proposalId: id, seatId: 9, validUntil }),
      });
      write(file, content);
      await expectRefused(
        "hedge:submit",
        { signatures: file },
        `seat 9 does not exist (burned, or never minted), so the signature of ${outsider.address} for it can never count: remove signatures[3] from the file`,
      );
      content.signatures[3].seatId = "65";
      write(file, content);
      await expectRefused("hedge:submit", { signatures: file }, "signatures[3].seatId must be a seat number 1..64");
    });

    it("a seat burned since it signed (its holder re-seated): refused until that entry leaves the file; the new seat signs", async () => {
      const { id, file } = await offchain(["2", "5"]);
      const [, , , , , seat5] = await hre.ethers.getSigners();
      // Governance burns seat 5 and gives its holder a new seat, 6 (done here as the timelock would).
      const timelock = await impersonate(fixture.deployment.contracts.timelock.address);
      const seats = await hre.ethers.getContractAt("CouncilSeats", fixture.deployment.contracts.seats.address);
      await seats.connect(timelock).burn(5);
      await seats.connect(timelock).mint(seat5.address);
      expect(await (await council()).seatOf(seat5.address)).to.equal(6n);

      const dead = `seat 5 does not exist (burned, or never minted), so the signature of ${seat5.address} for it can never count: remove signatures[2] from the file; ${seat5.address} may sign again as the seat it holds now`;
      await expectRefused("hedge:submit", { signatures: file }, dead);
      await expectRefused("hedge:sign", { id, from: "5", out: file }, dead);
      const content = read(file);
      write(file, { ...content, signatures: content.signatures.filter((x) => x.seatId !== "5") });
      await runOk("hedge:sign", { id, from: "5", out: file, noSimulate: true });
      expect(read(file).signatures.map((x) => x.seatId)).to.deep.equal(["1", "2", "6"]);
      await runOk("hedge:submit", { signatures: file });
      const c = await council();
      expect(await c.approvalCount(id)).to.equal(3n);
      expect(await c.hasApproved(id, seat5.address)).to.equal(true, "as seat 6");
    });

    it("a signature for another chain's domain", async () => {
      const { id, file } = await offchain(["2"]);
      const content = read(file);
      const seat3 = await account(3);
      const validUntil = (await latest()) + 3_600;
      content.signatures.push({
        seatId: "3",
        validUntil: String(validUntil),
        signer: seat3.address,
        signature: await signApproval(seat3, 1, content.council, { proposalId: id, seatId: 3, validUntil }),
      });
      write(file, content);
      await expectRefused(
        "hedge:submit",
        { signatures: file },
        `the signature of seat 3 (${seat3.address}) does not verify`,
      );
    });

    it("a seat listed twice", async () => {
      const { file } = await offchain(["2"]);
      const content = read(file);
      content.signatures.push(content.signatures[1]);
      write(file, content);
      await expectRefused("hedge:submit", { signatures: file }, /: seat 2 signed twice$/);
    });

    it("an expired signature: submit refuses it in one line naming the seat and its deadline; signing again fixes it", async () => {
      const { id, file } = await offchain(["3"]);
      await runOk("hedge:sign", { id, from: "2", out: file, noSimulate: true, validFor: "1h" });
      const until = read(file).signatures[2].validUntil;
      await time.increase(3_600);
      const [, , seat2] = await hre.ethers.getSigners();
      const reason = await expectRefused("hedge:submit", { signatures: file }, /expired/);
      expect(reason).to.equal(
        `the signature of seat 2 (${seat2.address}) in ${file} expired: it was valid until ${new Date(Number(until) * 1000).toISOString().replace("T", " ").slice(0, 19)} UTC (unix ${until}), and the council refuses it; seat 2 signs again with \`hedge:sign --id ${id} --from <account>\` (the new signature replaces it)`,
      );
      expect(Number(await (await council()).state(id))).to.equal(0, "nothing was created");
      expect(read(file).signatures).to.have.length(3, "the expired signature is kept in the file");

      const signed = await runOk("hedge:sign", { id, from: "2", out: file, noSimulate: true });
      expect(signed.out).to.include(`${file} holds 3 signatures: 3 of 3 needed.`);
      await runOk("hedge:submit", { signatures: file });
      expect(await (await council()).approvalCount(id)).to.equal(3n);
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

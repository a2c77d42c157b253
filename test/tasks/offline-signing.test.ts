// Offline and hardware signing with hedge:sign: the three EIP-712 hashes it prints with the seat and the deadline
// (checked against the contract and against a keccak of the encoding written out by hand), --export of the
// eth_signTypedData_v4 JSON for a seat holder (--signer), and --import-signature of signatures made from that JSON
// alone (--typed-data) by ethers and by a real `hardhat node`'s eth_signTypedData_v4, relayed with hedge:submit and
// hedge:approve --signatures and counted on chain. Every bad import is refused with one line, the signatures file
// untouched and nothing sent.
import fs from "node:fs";
import path from "node:path";

import { expect } from "chai";
import {
  AbiCoder,
  HDNodeWallet,
  Mnemonic,
  Signature,
  Wallet,
  concat,
  keccak256,
  toUtf8Bytes,
  type TypedDataField,
} from "ethers";
import hre from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";

import type { ApprovalsFile } from "../../scripts/lib/approvals-file";
import { approvalHashes, fmtValidUntil, signApproval } from "../../scripts/lib/signing";
import type { ProposeResult } from "../../scripts/commands/propose";
import type { SignResult } from "../../scripts/commands/sign";
import { rpc, startNode, type NodeProcess } from "../helpers/node";
import { deployFresh, expectRefused, runOk, tempDir, useDeployedSystem } from "./helpers";

/** The keys of the in-process network and of `hardhat node` (Hardhat's default mnemonic); seats are accounts 1..5. */
const MNEMONIC = Mnemonic.fromPhrase("test test test test test test test test test test test junk");
const account = (i: number) => HDNodeWallet.fromMnemonic(MNEMONIC, `m/44'/60'/0'/0/${i}`);
const SECP256K1_N = BigInt("0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141");
const WEEK = 7 * 86_400;

interface TypedDataJson {
  types: Record<string, TypedDataField[]>;
  primaryType: string;
  domain: { name: string; version: string; chainId: number; verifyingContract: string };
  message: { proposalId: string; seatId: string; validUntil: string };
}

const latest = async () => (await hre.ethers.provider.getBlock("latest"))!.timestamp;

describe("tasks: offline signing with hedge:sign --export and --import-signature", function () {
  this.timeout(180_000);
  const fixture = useDeployedSystem();
  const council = fixture.council;
  let dir: string;
  let counter = 0;

  before(() => {
    dir = tempDir("offline");
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const readJson = <T>(file: string) => JSON.parse(fs.readFileSync(file, "utf8")) as T;
  const councilAddress = () => fixture.deployment.contracts.council.address;

  /** A Standard proposal (3 approvals) written off-chain and signed by seat 1. */
  async function offchain(): Promise<{ id: string; file: string }> {
    const file = path.join(dir, `p${++counter}.json`);
    const { result } = await runOk<ProposeResult>("hedge:propose", {
      kind: "policy",
      set: "coverageBps=3000",
      from: "1",
      offchain: true,
      out: file,
    });
    return { id: result.id, file };
  }

  /** Exports the typed data of `id` for `signer`'s seat and returns it, its file and what hedge:sign printed. */
  async function exportTypedData(
    id: string,
    file: string,
    signer: string,
    extra: Record<string, unknown> = {},
  ): Promise<{ json: TypedDataJson; typed: string; out: string[] }> {
    const typed = path.join(dir, `typed-${++counter}.json`);
    const { out } = await runOk("hedge:sign", { id, out: file, export: typed, signer, noSimulate: true, ...extra });
    return { json: readJson<TypedDataJson>(typed), typed, out };
  }

  /** What a wallet given only the exported file signs: ethers' signTypedData without the EIP712Domain type. */
  async function signExported(wallet: Wallet | HDNodeWallet, json: TypedDataJson): Promise<string> {
    const { EIP712Domain: _domainType, ...types } = json.types;
    return wallet.signTypedData(json.domain, types, json.message);
  }

  it("approvalHashes equal the contract's digest and a keccak of the EIP-712 encoding written out by hand", async () => {
    const { id } = await offchain();
    const c = await council();
    const approval = { proposalId: id, seatId: 3n, validUntil: 1_796_951_864n };
    const hashes = approvalHashes(31337, councilAddress(), approval);

    // The contract exposes its domain (ERC-5267 eip712Domain) and the digest, not the separator: rebuild it.
    const domain = await c.eip712Domain();
    expect([domain.name, domain.version]).to.deep.equal(["HedgeCouncil", "2"]);
    const coder = AbiCoder.defaultAbiCoder();
    const domainTypeHash = keccak256(
      toUtf8Bytes("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"),
    );
    const domainSeparator = keccak256(
      coder.encode(
        ["bytes32", "bytes32", "bytes32", "uint256", "address"],
        [
          domainTypeHash,
          keccak256(toUtf8Bytes(domain.name)),
          keccak256(toUtf8Bytes(domain.version)),
          domain.chainId,
          domain.verifyingContract,
        ],
      ),
    );
    const structHash = keccak256(
      coder.encode(
        ["bytes32", "bytes32", "uint256", "uint64"],
        [
          keccak256(toUtf8Bytes("Approval(bytes32 proposalId,uint256 seatId,uint64 validUntil)")),
          id,
          approval.seatId,
          approval.validUntil,
        ],
      ),
    );
    const digest = keccak256(concat(["0x1901", domainSeparator, structHash]));

    expect(hashes).to.deep.equal({ domainSeparator, structHash, digest });
    expect(await c.approvalDigest(id, approval.seatId, approval.validUntil)).to.equal(digest);
  });

  it("hedge:propose --offchain, hedge:sign and --export print the hashes with the seat and the deadline before anything is signed", async () => {
    const file = path.join(dir, `p${++counter}.json`);
    const proposed = await runOk<ProposeResult>("hedge:propose", {
      kind: "policy",
      set: "coverageBps=3000",
      from: "1",
      offchain: true,
      out: file,
    });
    const id = proposed.result.id;
    const expected = (seatId: number, validUntil: number) => {
      const h = approvalHashes(31337, councilAddress(), { proposalId: id, seatId, validUntil });
      return [
        "EIP-712 hashes (compare with what the signing device shows):",
        `  seat              ${seatId}`,
        `  valid until       ${fmtValidUntil(validUntil)}`,
        `  domain separator  ${h.domainSeparator}  (device: domain hash; HedgeCouncil, version 2)`,
        `  struct hash       ${h.structHash}  (device: message hash; Approval(bytes32 proposalId,uint256 seatId,uint64 validUntil))`,
        `  digest            ${h.digest}  (signed: keccak256(0x1901 ‖ domain ‖ struct))`,
      ];
    };
    const signedAt = (out: string[]) => out.findIndex((l) => /^Signed (as proposer )?by /.test(l));
    const signed = await runOk<SignResult>("hedge:sign", { id, from: "2", out: file, noSimulate: true });
    for (const [out, seat] of [
      [proposed.out, 1],
      [signed.out, 2],
    ] as const) {
      const lines = expected(seat, (await latest()) + WEEK);
      const at = out.indexOf(lines[0]);
      expect(at, out.join("\n")).to.be.greaterThan(-1);
      expect(out.slice(at, at + lines.length)).to.deep.equal(lines);
      expect(at).to.be.lessThan(signedAt(out), "the hashes come before the signature");
    }
    const { out } = await exportTypedData(id, file, "3", { validFor: "2d" });
    expect(out).to.include.members(expected(3, (await latest()) + 2 * 86_400));
  });

  it("--export writes the eth_signTypedData_v4 JSON for --signer's seat and deadline, signs nothing and needs no --from", async () => {
    const { id, file } = await offchain();
    const before = fs.readFileSync(file, "utf8");
    const { json, out } = await exportTypedData(id, file, account(3).address, { validFor: "12h" });
    expect(json).to.deep.equal({
      types: {
        EIP712Domain: [
          { name: "name", type: "string" },
          { name: "version", type: "string" },
          { name: "chainId", type: "uint256" },
          { name: "verifyingContract", type: "address" },
        ],
        Approval: [
          { name: "proposalId", type: "bytes32" },
          { name: "seatId", type: "uint256" },
          { name: "validUntil", type: "uint64" },
        ],
      },
      primaryType: "Approval",
      domain: { name: "HedgeCouncil", version: "2", chainId: 31337, verifyingContract: councilAddress() },
      message: { proposalId: id, seatId: "3", validUntil: String((await latest()) + 43_200) },
    });
    expect(fs.readFileSync(file, "utf8"), "the signatures file is untouched").to.equal(before);
    const text = out.join("\n");
    expect(text).to.include(
      `the EIP-712 typed data for eth_signTypedData_v4, seat 3 of ${account(3).address}, valid for 12 h; nothing was signed.`,
    );
    expect(text).to.include(`--import-signature 0x… --typed-data `);
  });

  it("imports a signature made by ethers from the exported JSON alone; hedge:submit counts it on chain", async () => {
    const { id, file } = await offchain();
    const seat2 = account(2);
    const seat3 = account(3);
    for (const [seat, index] of [
      [seat2, 2],
      [seat3, 3],
    ] as const) {
      const { json, typed } = await exportTypedData(id, file, String(index));
      const signature = await signExported(seat, json);
      const run = await runOk<SignResult>("hedge:sign", {
        id,
        out: file,
        importSignature: signature,
        typedData: typed,
        noSimulate: true,
      });
      expect(run.out.join("\n")).to.include(
        `Imported the signature of ${seat.address} (seat ${index}, made elsewhere)`,
      );
      expect(run.result).to.include({ seatId: index, validUntil: Number(json.message.validUntil) });
    }
    const content = readJson<ApprovalsFile>(file);
    expect(content.signatures.map((s) => [s.seatId, s.signer])).to.deep.equal([
      ["1", account(1).address],
      ["2", seat2.address],
      ["3", seat3.address],
    ]);
    const s2 = content.signatures[1];
    expect(s2.signature).to.equal(
      await signApproval(seat2, 31337, content.council, {
        proposalId: id,
        seatId: 2,
        validUntil: BigInt(s2.validUntil),
      }),
    );

    await runOk("hedge:submit", { signatures: file });
    const c = await council();
    expect(await c.approvalCount(id)).to.equal(3n);
    expect(await c.hasApproved(id, seat2.address)).to.equal(true);
    expect(await c.hasApproved(id, seat3.address)).to.equal(true);
    expect(await c.state(id)).to.equal(2n, "Queued");
  });

  it("imports a contract seat holder's signature after its ERC-1271 check, and refuses one it does not accept", async () => {
    // A one-owner contract wallet (a stand-in for a Safe) holds seat 4: its owner, account 8, signs for it.
    const owner = account(8);
    const wallet = await (await hre.ethers.getContractFactory("Mock1271Wallet")).deploy(owner.address);
    const walletAddress = await wallet.getAddress();
    const redeployed = await deployFresh({ holders: `1,2,3,${walletAddress},5` });
    const { id, file } = await offchain();
    const { json, typed } = await exportTypedData(id, file, walletAddress);
    expect(json.message.seatId).to.equal("4");

    const before = fs.readFileSync(file, "utf8");
    await expectRefused(
      "hedge:sign",
      { id, out: file, importSignature: await signExported(account(7), json), typedData: typed },
      `--import-signature: the contract ${walletAddress} does not accept this signature for proposal ${id}, seat 4 (ERC-1271 isValidSignature)`,
    );
    expect(fs.readFileSync(file, "utf8")).to.equal(before);

    await runOk("hedge:sign", {
      id,
      out: file,
      importSignature: await signExported(owner, json),
      typedData: typed,
      signer: walletAddress,
      noSimulate: true,
    });
    await runOk("hedge:sign", { id, out: file, from: "2", noSimulate: true });
    await runOk("hedge:submit", { signatures: file });
    const c = await hre.ethers.getContractAt("HedgeCouncil", redeployed.contracts.council.address);
    expect(await c.hasApproved(id, walletAddress)).to.equal(true);
    expect(await c.approvalCount(id)).to.equal(3n);
  });

  describe("with a real hardhat node as the wallet", function () {
    let node: NodeProcess | undefined;
    before(async () => {
      node = await startNode();
    });
    after(async () => {
      await node?.stop();
    });

    it("imports an eth_signTypedData_v4 signature of an unlocked seat holder; hedge:approve --signatures relays it", async () => {
      // A proposal created on chain by seat 1; seat 4 signs through the node's JSON-RPC, as a wallet would. The node
      // holds the same unlocked accounts and signs the exported JSON as is: it needs no copy of the council to sign.
      const { result } = await runOk<ProposeResult>("hedge:propose", {
        kind: "policy",
        set: "coverageBps=3000",
        from: "1",
      });
      const id = result.id;
      const file = path.join(dir, `relay-${++counter}.json`);
      const { typed, json } = await exportTypedData(id, file, "4");
      const seat4 = account(4).address;
      const byNode = await rpc<string>(node!.url, "eth_signTypedData_v4", [seat4, fs.readFileSync(typed, "utf8")]);
      expect(await rpc<string[]>(node!.url, "eth_accounts")).to.include(seat4.toLowerCase());

      await runOk("hedge:sign", {
        id,
        out: file,
        importSignature: byNode,
        typedData: typed,
        signer: "4",
        noSimulate: true,
      });
      expect(readJson<ApprovalsFile>(file).signatures).to.deep.equal([
        { seatId: "4", validUntil: json.message.validUntil, signer: seat4, signature: byNode },
      ]);
      const c = await council();
      expect(await c.hasApproved(id, seat4)).to.equal(false, "imported, not yet relayed");
      await runOk("hedge:approve", { signatures: file, from: "0" });
      expect(await c.hasApproved(id, seat4)).to.equal(true);
      expect(await c.approvalCount(id)).to.equal(2n);
    });
  });

  describe("refuses a bad import or export with one line, the file untouched and nothing sent", () => {
    /**
     * Runs a refused hedge:sign on a file signed by seat 1 and checks the file did not change. `importSignature`
     * may be a function of the id and of the typed data exported for `exportFor` (seat 2 by default).
     */
    async function refusedImport(
      args: Record<string, unknown>,
      message: RegExp | string,
      options: { exportFor?: string; edit?: (json: TypedDataJson) => void } = {},
    ) {
      const { id, file } = await offchain();
      const { json, typed } = await exportTypedData(id, file, options.exportFor ?? "2");
      if (options.edit) {
        options.edit(json);
        fs.writeFileSync(typed, JSON.stringify(json));
      }
      const before = fs.readFileSync(file, "utf8");
      const resolved =
        typeof args.importSignature === "function" ? await args.importSignature(id, json) : args.importSignature;
      await expectRefused(
        "hedge:sign",
        { id, out: file, typedData: typed, ...args, importSignature: resolved },
        message,
      );
      expect(fs.readFileSync(file, "utf8"), "the signatures file is untouched").to.equal(before);
    }

    it("a signature by another key than the seat's holder", async () => {
      await refusedImport(
        { importSignature: (_id: string, json: TypedDataJson) => signExported(account(3), json) },
        `--import-signature: the signature recovers to ${account(3).address}, not ${account(2).address}, the holder of seat 2: another key signed`,
      );
    });

    it("a signature for other typed data: another chain's domain, another deadline", async () => {
      await refusedImport(
        {
          importSignature: (_id: string, json: TypedDataJson) =>
            signExported(account(2), { ...json, domain: { ...json.domain, chainId: 1 } }),
        },
        /^--import-signature: the signature recovers to 0x[0-9a-fA-F]{40}, not 0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC, the holder of seat 2/,
      );
      await refusedImport(
        {
          importSignature: (_id: string, json: TypedDataJson) =>
            signExported(account(2), {
              ...json,
              message: { ...json.message, validUntil: String(Number(json.message.validUntil) + 1) },
            }),
        },
        /recovers to 0x[0-9a-fA-F]{40}, not 0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC/,
      );
    });

    it("typed data that is not for this proposal, chain or council, names a seat nobody holds, or has expired", async () => {
      // The typed data is refused before the signature is looked at.
      const sign = `0x${"11".repeat(65)}`;
      await refusedImport(
        { importSignature: sign },
        /^--typed-data .*: it approves proposal 0x0{64}, not 0x[0-9a-f]{64}$/,
        { edit: (j) => (j.message.proposalId = `0x${"00".repeat(32)}`) },
      );
      await refusedImport({ importSignature: sign }, /: it is for chain 1, but this network is chain 31337$/, {
        edit: (j) => (j.domain.chainId = 1),
      });
      await refusedImport({ importSignature: sign }, /: it is for council 0x0{40}, but this network's council is/, {
        edit: (j) => (j.domain.verifyingContract = `0x${"00".repeat(20)}`),
      });
      await refusedImport(
        { importSignature: sign },
        /: its domain is "HedgeCouncil" version "1", not HedgeCouncil version 2/,
        {
          edit: (j) => (j.domain.version = "1"),
        },
      );
      await refusedImport({ importSignature: sign }, /: seat 9 does not exist \(any more\): nobody can sign for it$/, {
        edit: (j) => (j.message.seatId = "9"),
      });
      await refusedImport({ importSignature: sign }, /: its seatId is not a whole number$/, {
        edit: (j) => (j.message.seatId = "two"),
      });
      await refusedImport(
        { importSignature: sign },
        /: its deadline .* has passed: the council would refuse the signature; export again \(--valid-for\) and sign the new file$/,
        { edit: (j) => (j.message.validUntil = "1000") },
      );
      await refusedImport({ importSignature: sign }, /^--typed-data .*: not the typed data of a council approval/, {
        edit: (j) => (j.primaryType = "Permit"),
      });
    });

    it("typed data whose deadline passed between export and import", async () => {
      const { id, file } = await offchain();
      const { json, typed } = await exportTypedData(id, file, "2", { validFor: "1h" });
      const signature = await signExported(account(2), json);
      await time.increase(3_600);
      await expectRefused(
        "hedge:sign",
        { id, out: file, importSignature: signature, typedData: typed },
        /: its deadline .* \(unix \d+\) has passed/,
      );
    });

    it("a malformed signature: not hex, the wrong length, a high s, a bad v", async () => {
      const approvalOf = (id: string, json: TypedDataJson) => ({
        proposalId: id,
        seatId: 2,
        validUntil: BigInt(json.message.validUntil),
      });
      await refusedImport(
        { importSignature: "signed" },
        "--import-signature signed: not hex data (0x followed by the signature's bytes)",
      );
      await refusedImport(
        { importSignature: "0x1234" },
        "--import-signature: 4 hex digits; an ECDSA signature is 65 bytes (130 hex digits: r, s, v)",
      );
      const highS = async (id: string, json: TypedDataJson) => {
        const sig = Signature.from(await signApproval(account(2), 31337, councilAddress(), approvalOf(id, json)));
        const s = (SECP256K1_N - BigInt(sig.s)).toString(16).padStart(64, "0");
        return concat([sig.r, `0x${s}`, sig.v === 27 ? "0x1c" : "0x1b"]);
      };
      await refusedImport(
        { importSignature: highS },
        /^--import-signature: not a valid ECDSA signature \(its s is in the upper half of the curve order/,
      );
      const badV = async (id: string, json: TypedDataJson) =>
        concat([(await signApproval(account(2), 31337, councilAddress(), approvalOf(id, json))).slice(0, 130), "0x05"]);
      await refusedImport({ importSignature: badV }, "--import-signature: not a valid ECDSA signature (invalid v)");
    });

    it("a --signer that does not hold the seat the typed data names", async () => {
      await refusedImport(
        { importSignature: (_id: string, json: TypedDataJson) => signExported(account(2), json), signer: "3" },
        `--signer ${account(3).address} does not hold seat 2, the seat the typed data names (its holder is ${account(2).address})`,
      );
    });

    it("an export for a signer without a seat, or for a seat already in the file", async () => {
      const { id, file } = await offchain();
      const outsider = Wallet.createRandom();
      const typed = path.join(dir, "never.json");
      await expectRefused(
        "hedge:sign",
        { id, out: file, export: typed, signer: outsider.address },
        `--signer ${outsider.address} holds no council seat`,
      );
      await expectRefused(
        "hedge:sign",
        { id, out: file, export: typed, signer: "1" },
        new RegExp(`^${account(1).address} already signed ${file} for seat 1, valid until `),
      );
      expect(fs.existsSync(typed), "nothing exported").to.equal(false);
    });

    it("flags that do not go together", async () => {
      const sig = `0x${"11".repeat(65)}`;
      const x = path.join(dir, "x.json");
      await refusedImport(
        { importSignature: sig, typedData: undefined },
        "--import-signature needs --typed-data FILE: the typed data the signature was made for (written by --export), which names the seat and the deadline",
      );
      await refusedImport({ importSignature: sig, from: "2" }, /^--from does not apply to --import-signature/);
      await refusedImport(
        { importSignature: sig, validFor: "1d" },
        "--valid-for does not apply to --import-signature: the deadline is in the signed typed data",
      );
      await refusedImport({ signer: "2", typedData: undefined }, "--signer goes with --export or --import-signature");
      await refusedImport({ typedData: x, from: "2" }, "--typed-data goes with --import-signature");
      await refusedImport({ export: x, from: "2", typedData: undefined }, "--from does not apply to --export");
      await refusedImport(
        { export: x, typedData: undefined },
        "--export needs --signer: the seat holder who will sign",
      );
      await refusedImport({ export: x, importSignature: sig, signer: "2" }, "exclude each other");
      expect(fs.existsSync(x), "nothing exported").to.equal(false);
    });

    it("--export onto the signatures file itself", async () => {
      const { id, file } = await offchain();
      const before = fs.readFileSync(file, "utf8");
      await expectRefused("hedge:sign", { id, out: file, export: file, signer: "2" }, "is the signatures file itself");
      expect(fs.readFileSync(file, "utf8")).to.equal(before);
    });
  });
});

// Offline and hardware signing with hedge:sign: the three EIP-712 hashes it prints (checked against the contract
// and against a keccak of the encoding written out by hand), --export of the eth_signTypedData_v4 JSON, and
// --import-signature of signatures made from that JSON alone by ethers and by a real `hardhat node`'s
// eth_signTypedData_v4, relayed with hedge:submit and hedge:approve --signatures and counted on chain. Every bad
// import is refused with one line, the signatures file untouched and nothing sent.
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

import type { ApprovalsFile } from "../../scripts/lib/approvals-file";
import { approvalHashes, signApproval } from "../../scripts/lib/signing";
import type { ProposeResult } from "../../scripts/commands/propose";
import { rpc, startNode, type NodeProcess } from "../helpers/node";
import { deployFresh, expectRefused, runOk, tempDir, useDeployedSystem } from "./helpers";

/** The keys of the in-process network and of `hardhat node` (Hardhat's default mnemonic); seats are accounts 1..5. */
const MNEMONIC = Mnemonic.fromPhrase("test test test test test test test test test test test junk");
const account = (i: number) => HDNodeWallet.fromMnemonic(MNEMONIC, `m/44'/60'/0'/0/${i}`);
const SECP256K1_N = BigInt("0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141");

interface TypedDataJson {
  types: Record<string, TypedDataField[]>;
  primaryType: string;
  domain: { name: string; version: string; chainId: number; verifyingContract: string };
  message: { proposalId: string };
}

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

  /** Exports the typed data of `id` and returns it with what hedge:sign printed. */
  async function exportTypedData(id: string, file: string): Promise<{ json: TypedDataJson; out: string[] }> {
    const exported = path.join(dir, `typed-${++counter}.json`);
    const { out } = await runOk("hedge:sign", { id, out: file, export: exported });
    return { json: readJson<TypedDataJson>(exported), out };
  }

  /** What a wallet given only the exported file signs: ethers' signTypedData without the EIP712Domain type. */
  async function signExported(wallet: Wallet | HDNodeWallet, json: TypedDataJson): Promise<string> {
    const { EIP712Domain: _domainType, ...types } = json.types;
    return wallet.signTypedData(json.domain, types, json.message);
  }

  it("approvalHashes equal the contract's digest and a keccak of the EIP-712 encoding written out by hand", async () => {
    const { id } = await offchain();
    const c = await council();
    const hashes = approvalHashes(31337, fixture.deployment.contracts.council.address, id);

    // The contract exposes its domain (ERC-5267 eip712Domain) and the digest, not the separator: rebuild it.
    const domain = await c.eip712Domain();
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
      coder.encode(["bytes32", "bytes32"], [keccak256(toUtf8Bytes("Approval(bytes32 proposalId)")), id]),
    );
    const digest = keccak256(concat(["0x1901", domainSeparator, structHash]));

    expect(hashes).to.deep.equal({ domainSeparator, structHash, digest });
    expect(await c.approvalDigest(id)).to.equal(digest);
  });

  it("hedge:propose --offchain, hedge:sign and --export print the three hashes before anything is signed", async () => {
    const file = path.join(dir, `p${++counter}.json`);
    const proposed = await runOk<ProposeResult>("hedge:propose", {
      kind: "policy",
      set: "coverageBps=3000",
      from: "1",
      offchain: true,
      out: file,
    });
    const id = proposed.result.id;
    const h = approvalHashes(31337, fixture.deployment.contracts.council.address, id);
    const expected = [
      "EIP-712 hashes (compare with what the signing device shows):",
      `  domain separator  ${h.domainSeparator}  (device: domain hash)`,
      `  struct hash       ${h.structHash}  (device: message hash; Approval(bytes32 proposalId))`,
      `  digest            ${h.digest}  (signed: keccak256(0x1901 ‖ domain ‖ struct))`,
    ];
    const signedAt = (out: string[]) => out.findIndex((l) => /^Signed (as proposer )?by /.test(l));
    for (const out of [proposed.out, (await runOk("hedge:sign", { id, from: "2", out: file })).out]) {
      const at = out.indexOf(expected[0]);
      expect(at, out.join("\n")).to.be.greaterThan(-1);
      expect(out.slice(at, at + 4)).to.deep.equal(expected);
      expect(at).to.be.lessThan(signedAt(out), "the hashes come before the signature");
    }
    const { out } = await exportTypedData(id, file);
    expect(out).to.include.members(expected);
  });

  it("--export writes the eth_signTypedData_v4 JSON, signs nothing and needs no --from", async () => {
    const { id, file } = await offchain();
    const before = fs.readFileSync(file, "utf8");
    const { json, out } = await exportTypedData(id, file);
    expect(json).to.deep.equal({
      types: {
        EIP712Domain: [
          { name: "name", type: "string" },
          { name: "version", type: "string" },
          { name: "chainId", type: "uint256" },
          { name: "verifyingContract", type: "address" },
        ],
        Approval: [{ name: "proposalId", type: "bytes32" }],
      },
      primaryType: "Approval",
      domain: {
        name: "HedgeCouncil",
        version: "1",
        chainId: 31337,
        verifyingContract: fixture.deployment.contracts.council.address,
      },
      message: { proposalId: id },
    });
    expect(fs.readFileSync(file, "utf8"), "the signatures file is untouched").to.equal(before);
    expect(out.join("\n")).to.match(/the EIP-712 typed data for eth_signTypedData_v4; nothing was signed\./);
    expect(out.join("\n")).to.include(`--import-signature 0x… --signer <address>`);
  });

  it("imports a signature made by ethers from the exported JSON alone; hedge:submit counts it on chain", async () => {
    const { id, file } = await offchain();
    const { json } = await exportTypedData(id, file);
    const seat2 = account(2);
    const seat3 = account(3);
    for (const seat of [seat2, seat3]) {
      const signature = await signExported(seat, json);
      const { out } = await runOk("hedge:sign", { id, out: file, importSignature: signature, signer: seat.address });
      expect(out.join("\n")).to.include(`Imported the signature of ${seat.address} (made elsewhere)`);
    }
    const content = readJson<ApprovalsFile>(file);
    expect(content.signatures.map((s) => s.signer)).to.deep.equal([account(1).address, seat2.address, seat3.address]);
    expect(content.signatures[1].signature).to.equal(await signApproval(seat2, 31337, content.council, id));

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
    const { json } = await exportTypedData(id, file);

    const before = fs.readFileSync(file, "utf8");
    await expectRefused(
      "hedge:sign",
      { id, out: file, importSignature: await signExported(account(7), json), signer: walletAddress },
      `--import-signature: the contract ${walletAddress} does not accept this signature for proposal ${id} (ERC-1271 isValidSignature)`,
    );
    expect(fs.readFileSync(file, "utf8")).to.equal(before);

    await runOk("hedge:sign", {
      id,
      out: file,
      importSignature: await signExported(owner, json),
      signer: walletAddress,
    });
    await runOk("hedge:sign", { id, out: file, from: "2" });
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
      const exported = path.join(dir, `typed-${++counter}.json`);
      await runOk("hedge:sign", { id, out: file, export: exported });
      const seat4 = account(4).address;
      const byNode = await rpc<string>(node!.url, "eth_signTypedData_v4", [seat4, fs.readFileSync(exported, "utf8")]);
      expect(await rpc<string[]>(node!.url, "eth_accounts")).to.include(seat4.toLowerCase());

      await runOk("hedge:sign", { id, out: file, importSignature: byNode, signer: "4" });
      expect(readJson<ApprovalsFile>(file).signatures).to.deep.equal([{ signer: seat4, signature: byNode }]);
      const c = await council();
      expect(await c.hasApproved(id, seat4)).to.equal(false, "imported, not yet relayed");
      await runOk("hedge:approve", { signatures: file, from: "0" });
      expect(await c.hasApproved(id, seat4)).to.equal(true);
      expect(await c.approvalCount(id)).to.equal(2n);
    });
  });

  describe("refuses a bad import with one line, the file untouched and nothing sent", () => {
    /** Runs a refused hedge:sign on a file signed by seat 1 and checks the file did not change. */
    async function refusedImport(args: Record<string, unknown>, message: RegExp | string, setup?: typeof offchain) {
      const { id, file } = await (setup ?? offchain)();
      const before = fs.readFileSync(file, "utf8");
      const resolved =
        typeof args.importSignature === "function" ? await args.importSignature(id) : args.importSignature;
      await expectRefused("hedge:sign", { id, out: file, ...args, importSignature: resolved }, message);
      expect(fs.readFileSync(file, "utf8"), "the signatures file is untouched").to.equal(before);
    }
    const councilAddress = () => fixture.deployment.contracts.council.address;

    it("a signature by another key than --signer", async () => {
      await refusedImport(
        { importSignature: (id: string) => signApproval(account(2), 31337, councilAddress(), id), signer: "3" },
        `--import-signature: the signature recovers to ${account(2).address}, not --signer ${account(3).address}: another key signed`,
      );
    });

    it("a signature for another chain's domain", async () => {
      await refusedImport(
        { importSignature: (id: string) => signApproval(account(2), 1, councilAddress(), id), signer: "2" },
        /^--import-signature: the signature recovers to 0x[0-9a-fA-F]{40}, not --signer 0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC/,
      );
    });

    it("a malformed signature: not hex, the wrong length, a high s", async () => {
      await refusedImport(
        { importSignature: "signed", signer: "2" },
        "--import-signature signed: not hex data (0x followed by the signature's bytes)",
      );
      await refusedImport(
        { importSignature: "0x1234", signer: "2" },
        "--import-signature: 4 hex digits; an ECDSA signature is 65 bytes (130 hex digits: r, s, v)",
      );
      const highS = async (id: string) => {
        const sig = Signature.from(await signApproval(account(2), 31337, councilAddress(), id));
        const s = (SECP256K1_N - BigInt(sig.s)).toString(16).padStart(64, "0");
        return concat([sig.r, `0x${s}`, sig.v === 27 ? "0x1c" : "0x1b"]);
      };
      await refusedImport(
        { importSignature: highS, signer: "2" },
        /^--import-signature: not a valid ECDSA signature \(its s is in the upper half of the curve order/,
      );
      const badV = async (id: string) =>
        concat([(await signApproval(account(2), 31337, councilAddress(), id)).slice(0, 130), "0x05"]);
      await refusedImport(
        { importSignature: badV, signer: "2" },
        "--import-signature: not a valid ECDSA signature (invalid v)",
      );
    });

    it("a signer without a seat, even with a valid signature", async () => {
      const outsider = Wallet.createRandom();
      await refusedImport(
        {
          importSignature: (id: string) => signApproval(outsider, 31337, councilAddress(), id),
          signer: outsider.address,
        },
        `--signer ${outsider.address} holds no council seat`,
      );
    });

    it("a signer already in the file", async () => {
      await refusedImport(
        { importSignature: (id: string) => signApproval(account(1), 31337, councilAddress(), id), signer: "1" },
        `${account(1).address} already signed`,
      );
    });

    it("flags that do not go together", async () => {
      const sig = `0x${"11".repeat(65)}`;
      await refusedImport({ importSignature: sig }, "--import-signature needs --signer: the address that signed");
      await refusedImport(
        { importSignature: sig, signer: "2", from: "2" },
        /^--from does not apply to --import-signature/,
      );
      await refusedImport({ signer: "2" }, "--signer goes with --import-signature");
      await refusedImport({ export: path.join(dir, "x.json"), from: "2" }, "--from does not apply to --export");
      await refusedImport(
        { export: path.join(dir, "x.json"), importSignature: sig, signer: "2" },
        "exclude each other",
      );
      expect(fs.existsSync(path.join(dir, "x.json")), "nothing exported").to.equal(false);
    });

    it("--export onto the signatures file itself", async () => {
      const { id, file } = await offchain();
      const before = fs.readFileSync(file, "utf8");
      await expectRefused("hedge:sign", { id, out: file, export: file }, "is the signatures file itself");
      expect(fs.readFileSync(file, "utf8")).to.equal(before);
    });
  });
});

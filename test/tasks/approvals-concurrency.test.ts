// Signatures files never lose a signature: several co-signer processes write the same file at once through
// writeApprovalsFile (scripts/lib/approvals-file.ts) and every signature ends up in it; the lock it takes is broken
// when its writer is gone and waited for when not; a file that fails its checks is left as it was.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { expect } from "chai";
import { HDNodeWallet, Wallet, getAddress } from "ethers";

import {
  fileSignature,
  mergeApprovals,
  newApprovalsFile,
  readApprovalsFile,
  writeApprovalsFile,
  type ApprovalsFile,
  type ApprovalsSignature,
} from "../../scripts/lib/approvals-file";
import { CliError } from "../../scripts/lib/output";
import { descriptionHash, proposalIdOf } from "../../scripts/lib/council";
import { signApproval } from "../../scripts/lib/signing";
import type { WriterJob } from "./approvals-writer";
import { ROOT, tempDir } from "./helpers";

const WRITERS = 6;
const ROUNDS = 8;
const CHAIN_ID = 31337;

describe("signatures files: concurrent writers, the lock, and merge on write", function () {
  this.timeout(120_000);
  let dir: string;
  let base: ApprovalsFile;
  let counter = 0;
  /** The next seat id to sign for: a file holds each seat once, and seats go up to 64. */
  let nextSeat = 1;

  before(() => {
    dir = tempDir("approvals-concurrency");
    const council = Wallet.createRandom().address;
    const description = "a proposal signed by many at once";
    const calls = {
      targets: [council],
      values: [0n],
      calldatas: ["0x"],
      descriptionHash: descriptionHash(description),
    };
    base = newApprovalsFile(CHAIN_ID, council, proposalIdOf(calls), calls, description);
  });
  beforeEach(() => {
    nextSeat = 1;
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  /**
   * Approvals of the test proposal by `n` fresh keys, each for a seat of its own, valid for an hour (without a
   * provider the file checks signatures, not who holds the seats).
   */
  async function approvals(
    n: number,
    validUntil = Math.floor(Date.now() / 1000) + 3_600,
  ): Promise<ApprovalsSignature[]> {
    const wallets = Array.from({ length: n }, () => Wallet.createRandom());
    return Promise.all(
      wallets.map(async (w) => {
        const seatId = nextSeat++;
        const approval = { proposalId: base.proposalId, seatId, validUntil };
        const signature = await signApproval(w, CHAIN_ID, base.council, approval);
        return fileSignature({ seatId, validUntil, signer: w.address, signature });
      }),
    );
  }

  /** Another approval of the seat of `s`, by its signer's key, with another deadline. */
  async function resigned(
    wallet: Wallet | HDNodeWallet,
    s: ApprovalsSignature,
    validUntil: number,
  ): Promise<ApprovalsSignature> {
    const approval = { proposalId: base.proposalId, seatId: BigInt(s.seatId), validUntil };
    const signature = await signApproval(wallet, CHAIN_ID, base.council, approval);
    return fileSignature({ seatId: s.seatId, validUntil, signer: wallet.address, signature });
  }

  const fileName = () => path.join(dir, `p${++counter}.json`);
  const read = (file: string) =>
    readApprovalsFile(file, file, { chainId: CHAIN_ID, council: base.council, proposalId: base.proposalId });

  /** Starts a writer process and resolves once it is loaded and waiting for the go-file. */
  function startWriter(jobFile: string, index: number) {
    const child = spawn(
      process.execPath,
      ["-r", "ts-node/register/transpile-only", path.join(__dirname, "approvals-writer.ts"), jobFile, String(index)],
      {
        cwd: ROOT,
        stdio: ["ignore", "pipe", "pipe"],
        env: { ...process.env, TS_NODE_PROJECT: path.join(ROOT, "tsconfig.json") },
      },
    );
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    const ready = new Promise<void>((resolve, reject) => {
      child.stdout.on("data", (d) => String(d).includes("ready") && resolve());
      child.on("exit", (code) => reject(new Error(`writer ${index} exited (${code}) before it was ready: ${stderr}`)));
    });
    const done = new Promise<{ code: number | null; stderr: string }>((resolve) =>
      child.on("exit", (code) => resolve({ code, stderr })),
    );
    return { ready, done };
  }

  it(`${WRITERS} processes writing ${ROUNDS} signatures each into one file at once lose none`, async () => {
    const file = fileName();
    const signatures = await Promise.all(Array.from({ length: WRITERS }, () => approvals(ROUNDS)));
    const job: WriterJob = { file, go: `${file}.go`, base, signatures };
    const jobFile = `${file}.job`;
    fs.writeFileSync(jobFile, JSON.stringify(job));

    const writers = signatures.map((_, i) => startWriter(jobFile, i));
    await Promise.all(writers.map((w) => w.ready));
    fs.writeFileSync(job.go, "");
    const results = await Promise.all(writers.map((w) => w.done));
    results.forEach((r, i) => expect(r.code, `writer ${i}: ${r.stderr}`).to.equal(0));

    const text = fs.readFileSync(file, "utf8");
    expect(() => JSON.parse(text), "the file is valid JSON").not.to.throw();
    const written = await read(file);
    const expected = signatures.flat().map((s) => getAddress(s.signer));
    expect(written.signatures.map((s) => s.signer)).to.have.members(expected);
    expect(written.signatures).to.have.length(WRITERS * ROUNDS);
    expect(new Set(written.signatures.map((s) => s.seatId)).size).to.equal(WRITERS * ROUNDS);
    // Each writer's own signatures stay in the order it wrote them (a merge appends what is new).
    for (const own of signatures) {
      const positions = own.map((s) => written.signatures.findIndex((w) => w.signer === s.signer));
      expect(positions).to.deep.equal([...positions].sort((a, b) => a - b));
    }
    const left = fs.readdirSync(dir).filter((f) => f.startsWith(`.${path.basename(file)}`) || f.endsWith(".lock"));
    expect(left, "no lock or temporary file left behind").to.deep.equal([]);
  });

  it("merges with what another writer added since the caller read the file, keeping the file's order", async () => {
    const file = fileName();
    const [a, b, c] = await approvals(3);
    await writeApprovalsFile(file, { ...base, signatures: [a] });
    // The caller read the file when it held only `a`; meanwhile `b` was added.
    await writeApprovalsFile(file, { ...base, signatures: [a, b] });
    const written = await writeApprovalsFile(file, { ...base, signatures: [a, c] });
    expect(written.signatures.map((s) => s.signer)).to.deep.equal([a.signer, b.signer, c.signer]);
    expect((await read(file)).signatures).to.deep.equal(written.signatures);
  });

  it("keys signatures by seat: the later deadline of a seat replaces the earlier, in its place, and never the other way", async () => {
    const wallet = Wallet.createRandom();
    const now = Math.floor(Date.now() / 1000);
    const approval = { proposalId: base.proposalId, seatId: 7, validUntil: now + 60 };
    const early = fileSignature({
      seatId: 7,
      validUntil: now + 60,
      signer: wallet.address,
      signature: await signApproval(wallet, CHAIN_ID, base.council, approval),
    });
    const [other] = await approvals(1);
    const late = await resigned(wallet, early, now + 7_200);
    const file = fileName();
    await writeApprovalsFile(file, { ...base, signatures: [early, other] });
    const written = await writeApprovalsFile(file, { ...base, signatures: [late] });
    expect(written.signatures).to.deep.equal([late, other]);
    // A writer that still holds the earlier signature does not bring it back.
    const again = await writeApprovalsFile(file, { ...base, signatures: [early] });
    expect(again.signatures).to.deep.equal([late, other]);
    expect((await read(file)).signatures).to.deep.equal([late, other]);
    expect(mergeApprovals({ ...base, signatures: [early] }, { ...base, signatures: [late] }).signatures).to.deep.equal([
      late,
    ]);
    expect(mergeApprovals({ ...base, signatures: [late] }, { ...base, signatures: [early] }).signatures).to.deep.equal([
      late,
    ]);
  });

  it("breaks a lock left by a process that is gone", async () => {
    const file = fileName();
    const [a] = await approvals(1);
    const gone = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]);
    const pid = Number(gone.stdout.toString());
    expect(pid).to.be.greaterThan(0);
    fs.writeFileSync(`${file}.lock`, JSON.stringify({ host: os.hostname(), pid, token: "crashed" }));
    await writeApprovalsFile(file, { ...base, signatures: [a] }, { waitMs: 2_000 });
    expect((await read(file)).signatures).to.deep.equal([a]);
    expect(fs.existsSync(`${file}.lock`)).to.equal(false);
  });

  it("breaks a lock older than its stale age even if its process runs, and waits for a fresh one", async () => {
    const file = fileName();
    const [a, b] = await approvals(2);
    await writeApprovalsFile(file, { ...base, signatures: [a] });
    const before = fs.readFileSync(file, "utf8");
    const lock = `${file}.lock`;
    const live = JSON.stringify({ host: os.hostname(), pid: process.pid, token: "held" });
    fs.writeFileSync(lock, live);

    const error = await writeApprovalsFile(file, { ...base, signatures: [b] }, { waitMs: 300 }).catch((e) => e);
    expect(error).to.be.instanceOf(CliError);
    expect((error as Error).message).to.match(
      /^signatures file .* is locked by another writer \(.*\.lock\); try again/,
    );
    expect(fs.readFileSync(file, "utf8"), "the file is untouched while locked").to.equal(before);
    expect(fs.readFileSync(lock, "utf8"), "a live lock is not broken").to.equal(live);

    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(lock, old, old);
    await writeApprovalsFile(file, { ...base, signatures: [b] }, { waitMs: 2_000 });
    expect((await read(file)).signatures.map((s) => s.signer)).to.deep.equal([a.signer, b.signer]);
    expect(fs.existsSync(lock)).to.equal(false);
  });

  it("refuses to write over a file that fails its checks, leaving it and no lock behind", async () => {
    const file = fileName();
    const [a, b] = await approvals(2);
    await writeApprovalsFile(file, { ...base, signatures: [a] });
    const tampered = fs.readFileSync(file, "utf8").replace(a.signature.slice(10, 20), "0".repeat(10));
    fs.writeFileSync(file, tampered);
    const error = await writeApprovalsFile(file, { ...base, signatures: [b] }).catch((e) => e);
    expect((error as Error).message).to.include(`the signature of seat ${a.seatId} (${a.signer}) does not verify`);
    expect(fs.readFileSync(file, "utf8")).to.equal(tampered);
    expect(fs.existsSync(`${file}.lock`)).to.equal(false);
  });
});

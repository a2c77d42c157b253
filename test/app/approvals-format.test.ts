// The signatures file as the console merges it (format hedge-council-approvals/2): mergeApprovals keeps every seat of
// both files, each seat once, in the order first collected, and of two signatures of one seat the later deadline;
// it refuses files of another proposal, chain or council. parseApprovals (the check behind both the CLI's
// readApprovalsFile and the console's import) refuses a tampered signature, a signature moved to another seat or
// deadline, an edited description, and a file of the old format with a line that says what to do.
import { expect } from "chai";
import { HDNodeWallet, Mnemonic, getAddress } from "ethers";

import {
  APPROVALS_FORMAT,
  fileSignature,
  mergeApprovals,
  newApprovalsFile,
  parseApprovals,
  type ApprovalsFile,
} from "../../scripts/lib/approvals-format";
import { descriptionHash, proposalIdOf } from "../../scripts/lib/council";
import { signApproval } from "../../scripts/lib/signing";

const MNEMONIC = Mnemonic.fromPhrase("test test test test test test test test test test test junk");
const [w1, w2, w3] = [1, 2, 3].map((i) => HDNodeWallet.fromMnemonic(MNEMONIC, `m/44'/60'/0'/0/${i}`));
const COUNCIL = getAddress("0x00000000000000000000000000000000000c0c11");
const DESCRIPTION = "Raise the coverage\nfor the earnings season";
const calls = { targets: [COUNCIL], values: [0n], calldatas: ["0x1234"] };
const id = proposalIdOf({ ...calls, descriptionHash: descriptionHash(DESCRIPTION) });
const DEADLINE = 1_900_000_000n;
const expectation = { chainId: 31337, council: COUNCIL };

/** `file` with a signature of each wallet, as seat `seats[i]` (default: wallet i holds seat i + 1), until `until`. */
async function withSigners(
  file: ApprovalsFile,
  wallets: HDNodeWallet[],
  options: { seats?: number[]; until?: bigint } = {},
): Promise<ApprovalsFile> {
  const signatures = [...file.signatures];
  for (const [i, w] of wallets.entries()) {
    const seatId = BigInt(options.seats?.[i] ?? [w1, w2, w3].indexOf(w) + 1);
    const validUntil = options.until ?? DEADLINE;
    const signature = await signApproval(w, 31337, COUNCIL, { proposalId: file.proposalId, seatId, validUntil });
    signatures.push(fileSignature({ seatId, validUntil, signer: w.address, signature }));
  }
  return { ...file, signatures };
}

/** Expects `parseApprovals` to refuse `raw` with a message matching `pattern`. */
async function refused(raw: unknown, pattern: RegExp) {
  await parseApprovals(raw, "pasted", expectation).then(
    () => expect.fail(`accepted; expected a refusal matching ${pattern}`),
    (e: Error) => expect(e.message).to.match(pattern),
  );
}

describe("approvals-format: the signatures file the console and the CLI share", function () {
  const empty = newApprovalsFile(31337, COUNCIL, id, calls, DESCRIPTION);

  it("is format 2 and carries the description whose hash the id commits to", function () {
    expect(empty.format).to.equal("hedge-council-approvals/2").and.equal(APPROVALS_FORMAT);
    expect(empty.description).to.equal(DESCRIPTION);
    expect(empty.proposalId).to.equal(id.toLowerCase());
  });

  it("merges without losing a signature, each seat once, in collection order", async function () {
    const a = await withSigners(empty, [w1, w2]);
    const b = await withSigners(empty, [w3, w1]);
    const merged = mergeApprovals(a, b);
    expect(merged.signatures.map((s) => [s.seatId, s.signer])).to.deep.equal([
      ["1", w1.address],
      ["2", w2.address],
      ["3", w3.address],
    ]);
    expect(mergeApprovals(b, a).signatures).to.have.length(3);
    expect(mergeApprovals(merged, empty)).to.deep.equal(merged);
  });

  it("keeps the later deadline of two signatures of one seat, in the place of the first", async function () {
    const early = await withSigners(empty, [w1, w2], { until: DEADLINE });
    const later = await withSigners(empty, [w1], { until: DEADLINE + 86_400n });
    for (const merged of [mergeApprovals(early, later), mergeApprovals(later, early)]) {
      const seat1 = merged.signatures.filter((s) => s.seatId === "1");
      expect(seat1).to.have.length(1);
      expect(seat1[0].validUntil).to.equal((DEADLINE + 86_400n).toString());
    }
    expect(mergeApprovals(early, later).signatures.map((s) => s.seatId)).to.deep.equal(["1", "2"]);
  });

  it("refuses to merge files of another proposal or chain", async function () {
    const otherId = proposalIdOf({ ...calls, descriptionHash: descriptionHash("another reason") });
    const other = newApprovalsFile(31337, COUNCIL, otherId, calls, "another reason");
    expect(() => mergeApprovals(empty, other)).to.throw(/different proposals/);
    expect(() => mergeApprovals(empty, { ...empty, chainId: 1 })).to.throw(/different councils or chains/);
  });

  it("checks every signature on import and refuses a tampered one", async function () {
    const file = await withSigners(empty, [w1, w2]);
    const parsed = await parseApprovals(JSON.parse(JSON.stringify(file)), "pasted", expectation);
    expect(parsed.signatures.map((s) => s.seatId)).to.deep.equal(["1", "2"]);
    await refused({ ...file, signatures: [{ ...file.signatures[0], signer: w3.address }] }, /does not verify/);
  });

  it("refuses a signature moved to another seat or given a later deadline: both are signed", async function () {
    const file = await withSigners(empty, [w1]);
    const [s] = file.signatures;
    await refused({ ...file, signatures: [{ ...s, seatId: "4" }] }, /seat 4 .* does not verify/);
    await refused({ ...file, signatures: [{ ...s, validUntil: (DEADLINE + 1n).toString() }] }, /does not verify/);
  });

  it("keeps an expired signature on import (it was valid consent when made)", async function () {
    const file = await withSigners(empty, [w1], { until: 1n });
    const parsed = await parseApprovals(JSON.parse(JSON.stringify(file)), "pasted", expectation);
    expect(parsed.signatures[0].validUntil).to.equal("1");
  });

  it("refuses an edited description or a file without one: the id commits to its hash", async function () {
    const file = await withSigners(empty, [w1]);
    await refused({ ...file, description: "Raise the coverage" }, /does not match its calls and description/);
    const { description: _, ...without } = file;
    await refused(without, /description is missing/);
  });

  it("refuses a file of the old format (rules v2) with a line that says what to do", async function () {
    const old = { ...empty, format: "hedge-council-approvals/1", signatures: [] };
    await refused(old, /hedge-council-approvals\/1 .*no longer accepts them: .*sign again/);
  });
});

// The signatures file as the console merges it: mergeApprovals keeps every signature of both files, each signer
// once, in the order first collected, and refuses files of another proposal, chain or council. parseApprovals (the
// check behind both the CLI's readApprovalsFile and the console's import) refuses a tampered signature.
import { expect } from "chai";
import { HDNodeWallet, Mnemonic, ZeroHash, getAddress } from "ethers";

import {
  mergeApprovals,
  newApprovalsFile,
  parseApprovals,
  type ApprovalsFile,
} from "../../scripts/lib/approvals-format";
import { proposalIdOf, type ProposalCalls } from "../../scripts/lib/council";
import { signApproval } from "../../scripts/lib/signing";

const MNEMONIC = Mnemonic.fromPhrase("test test test test test test test test test test test junk");
const [w1, w2, w3] = [1, 2, 3].map((i) => HDNodeWallet.fromMnemonic(MNEMONIC, `m/44'/60'/0'/0/${i}`));
const COUNCIL = getAddress("0x00000000000000000000000000000000000c0c11");
const calls: ProposalCalls = { targets: [COUNCIL], values: [0n], calldatas: ["0x1234"], salt: ZeroHash };
const id = proposalIdOf(calls);

async function withSigners(file: ApprovalsFile, ...wallets: HDNodeWallet[]): Promise<ApprovalsFile> {
  const signatures = [...file.signatures];
  for (const w of wallets) signatures.push({ signer: w.address, signature: await signApproval(w, 31337, COUNCIL, id) });
  return { ...file, signatures };
}

describe("approvals-format: the signatures file the console and the CLI share", function () {
  const empty = newApprovalsFile(31337, COUNCIL, id, calls);

  it("merges without losing a signature, each signer once, in collection order", async function () {
    const a = await withSigners(empty, w1, w2);
    const b = await withSigners(empty, w3, w1);
    const merged = mergeApprovals(a, b);
    expect(merged.signatures.map((s) => s.signer)).to.deep.equal([w1.address, w2.address, w3.address]);
    expect(mergeApprovals(b, a).signatures).to.have.length(3);
    expect(mergeApprovals(merged, empty)).to.deep.equal(merged);
  });

  it("refuses to merge files of another proposal or chain", async function () {
    const other = newApprovalsFile(31337, COUNCIL, proposalIdOf({ ...calls, salt: `0x${"11".repeat(32)}` }), {
      ...calls,
      salt: `0x${"11".repeat(32)}`,
    });
    expect(() => mergeApprovals(empty, other)).to.throw(/different proposals/);
    expect(() => mergeApprovals(empty, { ...empty, chainId: 1 })).to.throw(/different councils or chains/);
  });

  it("checks every signature on import and refuses a tampered one", async function () {
    const file = await withSigners(empty, w1, w2);
    const expectation = { chainId: 31337, council: COUNCIL };
    const parsed = await parseApprovals(JSON.parse(JSON.stringify(file)), "pasted", expectation);
    expect(parsed.signatures).to.have.length(2);
    const tampered = { ...file, signatures: [{ signer: w3.address, signature: file.signatures[0].signature }] };
    await parseApprovals(tampered, "pasted", expectation).then(
      () => expect.fail("accepted a tampered signature"),
      (e: Error) => expect(e.message).to.match(/does not verify/),
    );
  });
});

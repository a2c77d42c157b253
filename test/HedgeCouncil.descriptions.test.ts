// HedgeCouncil: a proposal's rationale lives on chain, as in OpenZeppelin Governor. `propose` and `submit` take the
// description's text and `ProposalCreated` carries it exactly; the id commits to keccak256(bytes(description)), which
// `queue`, `execute`, `cancel`, `hashProposal` and `operationId` take. The same calls under another description are
// another proposal; the same calls and description twice are refused; a wrong description hash finds nothing.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { keccak256, toUtf8Bytes, ZeroHash } from "ethers";

import { descriptionHash, isDescriptionOf, proposalId } from "../scripts/lib/council";
import {
  args,
  deployCouncilSystem,
  hashProposal,
  looseningProposal,
  nudgeProposal,
  operationId,
  pass,
  proposeAndApprove,
  proposeAndQueue,
  proposeArgs,
  ProposalState,
  sign,
  snapshotPolicy,
  snapshotProposal,
  expectProposalUnchanged,
  Tier,
  tighteningProposal,
  type CouncilSystem,
  type Proposal,
} from "./helpers/system";

async function fixture() {
  return deployCouncilSystem();
}

/** 1,211 characters over twelve lines, as a proposer explaining a change might write. */
const LONG = Array.from({ length: 12 }, (_, i) =>
  `Line ${String(i + 1).padStart(2, "0")}: raise the coverage because the term structure inverted; `.padEnd(100, "."),
).join("\n");

/** Texts a description may be: empty, unicode (accents, arrows, CJK, an emoji, a zero-width joiner), long. */
const TEXTS: [string, string][] = [
  ["empty", ""],
  ["unicode", "Couverture 25 % → 30 % ✓ 日本語 — naïve café 📈👩‍💻"],
  [`${LONG.length.toLocaleString("en-US")}-character`, LONG],
];

/** The description of the `ProposalCreated` event of a mined transaction, decoded from its log. */
async function createdDescription(sys: CouncilSystem, tx: Promise<{ wait(): Promise<unknown> }>): Promise<string> {
  const receipt = (await (await tx).wait()) as { logs: { topics: readonly string[]; data: string }[] };
  const created = receipt.logs.map((l) => sys.council.interface.parseLog(l)).find((e) => e?.name === "ProposalCreated");
  return created!.args.description as string;
}

describe("HedgeCouncil descriptions", function () {
  it("the long text is really long, and the unicode one is not ASCII", function () {
    expect(LONG.length).to.equal(1_211);
    expect(toUtf8Bytes(TEXTS[1][1]).length).to.be.greaterThan(TEXTS[1][1].length);
  });

  for (const [name, text] of TEXTS) {
    it(`propose: ProposalCreated carries the ${name} description exactly, and the id commits to its keccak256`, async function () {
      const sys = await loadFixture(fixture);
      const p = await tighteningProposal(sys, text);
      const hash = keccak256(toUtf8Bytes(text));
      expect(descriptionHash(text)).to.equal(hash);
      const id = await sys.council.hashProposal(p.targets, p.values, p.calldatas, hash);
      expect(id).to.equal(proposalId(p.targets, p.values, p.calldatas, hash));

      const tx = sys.council.connect(sys.holders[0]).propose(...proposeArgs(p));
      await expect(tx)
        .to.emit(sys.council, "ProposalCreated")
        .withArgs(id, sys.holders[0].address, Tier.Standard, p.targets, p.values, p.calldatas, text);
      expect(await createdDescription(sys, tx)).to.equal(text);
      expect(await sys.council.state(id)).to.equal(ProposalState.Pending);
      expect(isDescriptionOf(text, hash)).to.equal(true);
    });

    it(`submit takes the ${name} description, and its event carries it`, async function () {
      const sys = await loadFixture(fixture);
      const p = nudgeProposal(sys, 2_600, text);
      const id = await hashProposal(sys, p);
      const signed = await sign(sys, sys.holders.slice(1, 3), id);
      const tx = sys.council.connect(sys.stranger).submit(...proposeArgs(p), signed);
      await expect(tx)
        .to.emit(sys.council, "ProposalCreated")
        .withArgs(id, sys.holders[1].address, Tier.Fast, p.targets, p.values, p.calldatas, text);
      await expect(tx).to.emit(sys.council, "Executed").withArgs(id);
      expect(await createdDescription(sys, tx)).to.equal(text);
    });
  }

  it("hashProposal takes keccak256(bytes(description)): its UTF-8 bytes, not its characters nor its hex", async function () {
    const sys = await loadFixture(fixture);
    const p = await tighteningProposal(sys, "é");
    const utf8 = keccak256(toUtf8Bytes("é")); // 0xc3a9
    const latin1 = keccak256("0xe9");
    expect(await hashProposal(sys, p)).to.equal(await sys.council.hashProposal(p.targets, p.values, p.calldatas, utf8));
    expect(await hashProposal(sys, p)).to.not.equal(
      await sys.council.hashProposal(p.targets, p.values, p.calldatas, latin1),
    );
    // The description "0x…" is a text like any other: its hash is of its 66 characters, not of the bytes they spell.
    const hexText = { ...p, description: ZeroHash };
    expect(descriptionHash(ZeroHash)).to.equal(keccak256(toUtf8Bytes(ZeroHash)));
    expect(await hashProposal(sys, hexText)).to.not.equal(
      await sys.council.hashProposal(p.targets, p.values, p.calldatas, ZeroHash),
    );
  });

  it("the same calls under another description are another proposal, with its own approvals and fate", async function () {
    const sys = await loadFixture(fixture);
    const { council, holders } = sys;
    const a = await tighteningProposal(sys, "tighten: the VIX term structure inverted");
    const b = { ...a, description: "tighten: the VIX term structure inverted." };
    // Composed and decomposed forms of "é" look the same and are different texts.
    const c = { ...a, description: "tighten: caf\u00e9" };
    const d = { ...a, description: "tighten: cafe\u0301" };
    const ids = await Promise.all([a, b, c, d].map((p) => hashProposal(sys, p)));
    expect(new Set(ids).size).to.equal(4);

    await proposeAndApprove(sys, a, holders.slice(0, 3));
    await proposeAndApprove(sys, b, holders.slice(3, 4));
    await proposeAndApprove(sys, c, holders.slice(4, 5));
    await council.connect(holders[0]).propose(...proposeArgs(d));
    expect(await Promise.all(ids.map((id) => council.approvalCount(id)))).to.deep.equal([3n, 1n, 1n, 1n]);

    // Queuing one leaves the others Pending: a, queued, does not carry b's approvals nor b a's.
    await council.queue(...args(a));
    expect(await Promise.all(ids.map((id) => council.state(id)))).to.deep.equal([
      BigInt(ProposalState.Queued),
      BigInt(ProposalState.Pending),
      BigInt(ProposalState.Pending),
      BigInt(ProposalState.Pending),
    ]);
    await expect(council.queue(...args(b)))
      .to.be.revertedWithCustomError(council, "HedgeCouncilInsufficientApprovals")
      .withArgs(ids[1], 1, 3);
    // Two queued operations of the same calls do not collide in the timelock: the proposal id is the salt.
    expect(await operationId(sys, a)).to.not.equal(await operationId(sys, b));
  });

  it("refuses the same calls and description twice, by propose or submit, whatever became of the first", async function () {
    const sys = await loadFixture(fixture);
    const { council, holders } = sys;
    const check = async (p: Proposal) => {
      const id = await hashProposal(sys, p);
      const before = await snapshotProposal(council, id, holders);
      await expect(council.connect(holders[4]).propose(...proposeArgs(p)))
        .to.be.revertedWithCustomError(council, "HedgeCouncilProposalExists")
        .withArgs(id);
      await expect(council.submit(...proposeArgs(p), await sign(sys, holders, id)))
        .to.be.revertedWithCustomError(council, "HedgeCouncilProposalExists")
        .withArgs(id);
      await expectProposalUnchanged(sys, id, before);
    };
    const pending = await tighteningProposal(sys, "pending");
    await proposeAndApprove(sys, pending, holders.slice(0, 1));
    await check(pending);

    const executed = nudgeProposal(sys, 2_600, "executed");
    await pass(sys, executed);
    await check(executed);

    const vetoed = await looseningProposal(sys, "vetoed");
    const vetoedId = await proposeAndApprove(sys, vetoed, holders.slice(0, 1));
    await council.connect(holders[3]).veto(vetoedId);
    await council.connect(holders[4]).veto(vetoedId);
    await check(vetoed);

    const expired = await tighteningProposal(sys, "expired");
    const expiredId = await proposeAndApprove(sys, expired, holders.slice(0, 1));
    await time.increaseTo((await council.proposalDeadline(expiredId)) + 1n);
    expect(await council.state(expiredId)).to.equal(ProposalState.Expired);
    await check(expired);
  });

  it("queue, execute and cancel with a wrong description hash find an Unknown id, and change nothing", async function () {
    const sys = await loadFixture(fixture);
    const { council, holders } = sys;
    const p = await tighteningProposal(sys, "tighten before the Fed meeting");
    const { id, eta } = await proposeAndQueue(sys, p);
    const critical = await looseningProposal(sys, "loosen after the Fed meeting");
    const { id: criticalId } = await proposeAndQueue(sys, critical);
    await council.connect(holders[3]).veto(criticalId);
    await council.connect(holders[4]).veto(criticalId);
    expect(await council.state(criticalId)).to.equal(ProposalState.Vetoed);
    await time.increaseTo(eta);

    const wrongHashes = [
      keccak256(toUtf8Bytes("tighten before the Fed meeting ")), // a trailing space
      keccak256(toUtf8Bytes("Tighten before the Fed meeting")),
      keccak256(keccak256(toUtf8Bytes(p.description))), // the hash of the hash
      ZeroHash,
    ];
    const before = await snapshotProposal(council, id, holders);
    const criticalBefore = await snapshotProposal(council, criticalId, holders);
    const policyBefore = await snapshotPolicy(sys.policy);
    for (const hash of wrongHashes) {
      const wrongId = await council.hashProposal(p.targets, p.values, p.calldatas, hash);
      await expect(council.queue(p.targets, p.values, p.calldatas, hash))
        .to.be.revertedWithCustomError(council, "HedgeCouncilUnexpectedProposalState")
        .withArgs(wrongId, ProposalState.Unknown);
      await expect(council.execute(p.targets, p.values, p.calldatas, hash))
        .to.be.revertedWithCustomError(council, "HedgeCouncilUnexpectedProposalState")
        .withArgs(wrongId, ProposalState.Unknown);
      const wrongCriticalId = await council.hashProposal(critical.targets, critical.values, critical.calldatas, hash);
      await expect(council.cancel(critical.targets, critical.values, critical.calldatas, hash))
        .to.be.revertedWithCustomError(council, "HedgeCouncilUnexpectedProposalState")
        .withArgs(wrongCriticalId, ProposalState.Unknown);
    }
    await expectProposalUnchanged(sys, id, before);
    await expectProposalUnchanged(sys, criticalId, criticalBefore);
    expect(await snapshotPolicy(sys.policy)).to.deep.equal(policyBefore);
    expect(await sys.timelock.isOperationPending(await operationId(sys, critical))).to.equal(true);

    // With the right hash, each lands.
    await expect(council.execute(...args(p)))
      .to.emit(council, "Executed")
      .withArgs(id);
    await expect(council.cancel(...args(critical)))
      .to.emit(council, "ProposalCanceled")
      .withArgs(criticalId);
  });

  it("operationId and the timelock's salt follow the description: a description change is another operation", async function () {
    const sys = await loadFixture(fixture);
    const p = await tighteningProposal(sys, "first reason");
    const q = { ...p, description: "second reason" };
    const [pId, qId] = [await hashProposal(sys, p), await hashProposal(sys, q)];
    expect(await operationId(sys, p)).to.equal(
      await sys.timelock.hashOperation(p.targets[0], 0, p.calldatas[0], ZeroHash, pId),
    );
    expect(await operationId(sys, q)).to.equal(
      await sys.timelock.hashOperation(q.targets[0], 0, q.calldatas[0], ZeroHash, qId),
    );
    await proposeAndQueue(sys, p);
    expect(await sys.timelock.isOperationPending(await operationId(sys, p))).to.equal(true);
    expect(await sys.timelock.isOperation(await operationId(sys, q))).to.equal(false);
  });

  it("a description of 1,211 characters costs its proposer calldata and log gas, nothing per approval (measured)", async function () {
    const sys = await loadFixture(fixture);
    const gasOf = async (description: string) => {
      const p = await tighteningProposal(sys, description);
      const receipt = await (await sys.council.connect(sys.holders[0]).propose(...proposeArgs(p))).wait();
      const id = await hashProposal(sys, p);
      const approve = await (await sys.council.connect(sys.holders[1]).approve(id)).wait();
      return [receipt!.gasUsed, approve!.gasUsed];
    };
    const [shortPropose, shortApprove] = await gasOf("");
    const [longPropose, longApprove] = await gasOf(LONG);
    console.log(
      `      gas, propose: empty description ${shortPropose}, ${LONG.length} characters ${longPropose} ` +
        `(+${longPropose - shortPropose}); approve ${shortApprove} / ${longApprove}`,
    );
    expect(longPropose).to.be.greaterThan(shortPropose);
    // The text is not stored: an approval of either costs the same, but for the calldata of two different ids
    // (16 gas per non-zero byte, 4 per zero byte: at most 32 × 12).
    expect(longApprove).to.be.closeTo(shortApprove, 32n * 12n);
    expect(ethers.dataLength(ethers.toUtf8Bytes(LONG))).to.equal(LONG.length);
  });
});

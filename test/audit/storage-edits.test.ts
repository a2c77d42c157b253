// hedge:audit against the council's and the policy's own state: each rule the contracts enforce is broken by editing
// their storage (hardhat_setStorageAt, slots from the compiler's storage layout), and the audit, which replays the
// events with its own rules, names the result: the council's copy of the live seats, a veto mark, a revocation mark
// (after and before the proposal existed), a proposal's tier (a veto of a Fast or Standard proposal), a nudge's
// cooldown, the nudge baseline, the policy's parameters. Each tampered case has its clean twin, which the audit must
// pass: a return from the loose side inside the cooldown, consent given on chain after a revocation. One edited
// storage word gives a handful of findings, the first naming its cause.
import { expect } from "chai";
import hre from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";

import type { AuditReport } from "../../scripts/lib/audit";
import { COVERAGE_PARAMETER } from "../../scripts/lib/council";
import type { Deployment } from "../../scripts/lib/deployments";
import { toPolicyValues } from "../../scripts/lib/policy";
import {
  DAY,
  HOUR,
  args,
  looseningProposal,
  nudgeCoverageCall,
  nudgeProposal,
  nudgeTriggerCall,
  pass,
  proposal,
  proposeArgs,
  setPolicyCall,
  sign,
  tighteningProposal,
  withEdit,
  type Proposal,
} from "../helpers/system";
import { audit, deployForAudit, snapshot, type CouncilSystem, findingOf, kinds } from "./helpers";
import { editField, placeOf, readField, type Place } from "./storage";

/** A handful of findings; the differences of the live state come after the one that names the edited storage. */
function expectGrouped(r: AuditReport, cause: RegExp, max = 5): void {
  expect(r.findings.length, r.findings.map((f) => `[${f.kind}] ${f.message}`).join("\n")).to.be.within(1, max);
  const first = r.findings.findIndex((f) => f.kind === "storage-edited" || f.kind === "live-state-mismatch");
  expect(r.findings[first].kind).to.equal("storage-edited");
  expect(r.findings[first].message).to.match(cause);
  expect(r.findings.filter((f) => f.kind === "storage-edited")).to.have.length(1);
}

/** Every finding in one line each, for assertion messages. */
const listed = (r: AuditReport) => r.findings.map((f) => `[${f.kind}] ${f.message}`).join("\n");

describe("hedge:audit: rules broken through the contracts' storage", function () {
  let sys: CouncilSystem;
  let deployment: Deployment;
  let restoreAll: () => Promise<void>;
  let restore: () => Promise<void>;

  before(async function () {
    restoreAll = await snapshot();
    ({ sys, deployment } = await deployForAudit());
    const clean = await audit(deployment);
    expect(clean.findings).to.deep.equal([]);
  });
  after(async () => restoreAll());
  beforeEach(async () => {
    restore = await snapshot();
  });
  afterEach(async () => restore());

  /** A Critical (loosening) proposal submitted with four signatures (seats 1..4) and queued for 3 days. */
  async function queuedCritical(description: string) {
    const p = await looseningProposal(sys, description);
    const id = await sys.council.hashProposal(...args(p));
    await sys.council.connect(sys.stranger).submit(...proposeArgs(p), await sign(sys, sys.holders.slice(0, 4), id));
    expect(await sys.council.proposalTier(id)).to.equal(2n);
    return { p, id };
  }

  describe("seats, vetoes and revocations after the proposal exists", function () {
    it("the council's copy of the live seats edited: a seat's veto silently dropped, and a vetoed proposal runs", async function () {
      const { p, id } = await queuedCritical("loosen, then vetoed by seats 4 and 5");
      const place = await placeOf("HedgeCouncil", "_settings.liveSeats");
      expect(await readField(sys.addresses.council, place)).to.equal(0x1fn);
      await editField(sys.addresses.council, place, () => 0x0fn); // seat 5 no longer live for the council
      expect(await sys.council.liveSeats()).to.equal(0x0fn);
      expect(await sys.seats.liveSeats()).to.equal(0x1fn);

      let r = await audit(deployment);
      expectGrouped(r, /^the council's own copy of the seats \(HedgeCouncil liveSeats\(\) \/ seatOf\(\)\) at 0x/);
      const f = findingOf(r, "live-state-mismatch", /^council\.liveSeats is 0xf live but 0x1f after the replay/);
      expect(f.subject).to.equal("council.liveSeats");

      // Seats 4 and 5 veto the queued Critical proposal: the council counts seat 4 only, and it runs.
      await sys.council.connect(sys.holders[3]).veto(id);
      await sys.council.connect(sys.holders[4]).veto(id);
      await time.increase(3 * DAY);
      await sys.council.connect(sys.stranger).execute(...args(p));
      r = await audit(deployment);
      expect(r.findings.length, listed(r)).to.be.at.most(5);
      const ignored = findingOf(
        r,
        "veto-ignored",
        /was executed with 2 vetoes of current seats; the veto threshold in force was 2: it was vetoed$/,
      );
      expect(ignored.proposalId).to.equal(id);
      expect(r.proposals.find((x) => x.id === id)!.state).to.equal("Executed");
    });

    it("the council's seat map edited: a holder the council no longer knows", async function () {
      const holder = sys.holders[3].address;
      const place = await placeOf("HedgeCouncil", "_seatOf", [holder]);
      expect(await readField(sys.addresses.council, place)).to.equal(4n);
      await editField(sys.addresses.council, place, () => 0n);
      const r = await audit(deployment);
      expectGrouped(r, /^the council's own copy of the seats/);
      const f = findingOf(
        r,
        "live-state-mismatch",
        new RegExp(`^council\\.seatOf\\(${holder}\\) is 0 live but 4 after the replay \\(CouncilSeats has 4\\)`),
      );
      expect(f.subject).to.equal(`council.seatOf.${holder}`);
    });

    it("a veto mark edited: the mark differs from the replay, and the proposal that then runs was vetoed", async function () {
      const { p, id } = await queuedCritical("loosen, veto mark erased");
      await sys.council.connect(sys.holders[3]).veto(id); // 1 of 2
      const place = await placeOf("HedgeCouncil", "_vetoes", [id]);
      expect(await readField(sys.addresses.council, place)).to.equal(1n << 3n);
      await editField(sys.addresses.council, place, () => 0n);

      let r = await audit(deployment);
      expectGrouped(r, new RegExp(`^the council's record of proposal ${id.slice(0, 10)}… \\(HedgeCouncil`));
      const mark = findingOf(
        r,
        "live-state-mismatch",
        /: the council's vetoes \(seat bit map\) is 0x0 live but 0x8 after the replay/,
      );
      expect(mark.subject).to.equal(`council.proposals.${id}.vetoes`);

      // The second veto reaches the threshold for the replay, not for the council: the proposal runs.
      await sys.council.connect(sys.holders[4]).veto(id);
      expect(await sys.council.state(id)).to.equal(2n); // Queued
      await time.increase(3 * DAY);
      await sys.council.connect(sys.stranger).execute(...args(p));
      r = await audit(deployment);
      expect(r.findings.length, listed(r)).to.be.at.most(5);
      findingOf(r, "veto-ignored", /was executed with 2 vetoes of current seats; the veto threshold in force was 2/);
      findingOf(
        r,
        "live-state-mismatch",
        /: the council's vetoes \(seat bit map\) is 0x10 live but 0x18 after the replay/,
      );
    });

    it("vetoes judged again at execute: a threshold lowered under a standing veto whose mark was then erased", async function () {
      const { p, id } = await queuedCritical("loosen, one veto standing");
      await sys.council.connect(sys.holders[4]).veto(id); // 1 of 2: not vetoed yet
      // The veto threshold goes to 1 through governance (Critical: 4 signatures, 3 days).
      const lower = proposal(
        [{ target: sys.addresses.council, data: sys.council.interface.encodeFunctionData("setVetoThreshold", [1]) }],
        "one veto is enough",
      );
      // The council would now call the proposal Vetoed; its veto mark is erased so that it still runs.
      await editField(sys.addresses.council, await placeOf("HedgeCouncil", "_vetoes", [id]), () => 0n);
      await pass(sys, lower);
      await sys.council.connect(sys.stranger).execute(...args(p));
      const r = await audit(deployment);
      findingOf(r, "veto-ignored", /was executed with 1 vetoes of current seats; the veto threshold in force was 1/);
    });

    it("a revocation mark edited: a signature of the address that revoked is relayed and counted", async function () {
      const p = await tighteningProposal(sys, "revoked, then counted");
      await sys.council.connect(sys.holders[0]).propose(...proposeArgs(p));
      const id = await sys.council.hashProposal(...args(p));
      await sys.council.connect(sys.holders[1]).approve(id);
      await sys.council.connect(sys.holders[1]).revoke(id);
      const place = await placeOf("HedgeCouncil", "_revoked", [id, sys.holders[1].address]);
      expect(await readField(sys.addresses.council, place)).to.equal(1n);
      await editField(sys.addresses.council, place, () => 0n);
      await sys.council.connect(sys.stranger).approveBySig(id, await sign(sys, [sys.holders[1]], id));

      const r = await audit(deployment);
      expectGrouped(r, new RegExp(`^the council's record of proposal ${id.slice(0, 10)}…`));
      const counted = findingOf(
        r,
        "revoked-signature-counted",
        new RegExp(`a signature of ${sys.holders[1].address} was counted after that address revoked its approval`),
      );
      expect(counted.proposalId).to.equal(id);
      findingOf(
        r,
        "live-state-mismatch",
        new RegExp(`revocation mark of ${sys.holders[1].address} is false live but true`),
      );
    });
  });

  describe("revocations before the proposal exists", function () {
    it("clean: a revocation before creation is no finding; the revoker's own approve and propose count", async function () {
      const [a, b, c, d] = sys.holders;
      // B revokes X before it exists; A proposes X; B then approves it on chain (fresh consent); C approves.
      const x = await tighteningProposal(sys, "X: B revoked it before it existed, then approved it");
      const idX = await sys.council.hashProposal(...args(x));
      await sys.council.connect(b).revoke(idX);
      await sys.council.connect(a).propose(...proposeArgs(x));
      await sys.council.connect(b).approve(idX);
      await sys.council.connect(c).approve(idX);
      // D revokes Y before it exists and proposes it itself: its own propose counts.
      const y = nudgeProposal(sys, 2_600, "Y: proposed by the address that revoked it");
      const idY = await sys.council.hashProposal(...args(y));
      await sys.council.connect(d).revoke(idY);
      await sys.council.connect(d).propose(...proposeArgs(y));
      // C revokes Z, which is never created: the council keeps the mark in Z's slot.
      const idZ = await sys.council.hashProposal(...args(nudgeProposal(sys, 2_700, "Z: never proposed")));
      await sys.council.connect(c).revoke(idZ);
      expect(await sys.council.hasRevoked(idZ, c.address)).to.equal(true);

      let r = await audit(deployment);
      expect(r.findings, listed(r)).to.deep.equal([]);
      const px = r.proposals.find((p) => p.id === idX)!;
      expect(px.approvals.map((ap) => [ap.signer, ap.via])).to.deep.equal([
        [a.address, "propose"],
        [b.address, "approve"],
        [c.address, "approve"],
      ]);
      expect(px.revocations.map((rv) => rv.signer)).to.deep.equal([b.address]);
      expect(px.revocations[0].at.block).to.be.below(px.created.block);
      const py = r.proposals.find((p) => p.id === idY)!;
      expect(py.approvals.map((ap) => [ap.signer, ap.via])).to.deep.equal([[d.address, "propose"]]);
      expect(r.proposals.some((p) => p.id === idZ)).to.equal(false);

      // The never-created proposal's mark is checked live too: erased, it is a storage edit.
      await editField(sys.addresses.council, await placeOf("HedgeCouncil", "_revoked", [idZ, c.address]), () => 0n);
      r = await audit(deployment);
      expectGrouped(r, new RegExp(`^the council's record of proposal ${idZ.slice(0, 10)}…`));
      findingOf(r, "live-state-mismatch", new RegExp(`revocation mark of ${c.address} is false live but true`));
    });

    it("a mark made before creation erased, then the revoker's signature counted by submit and by approveBySig", async function () {
      const [a, b, c, d] = sys.holders;
      // B revokes X before it exists; the mark is erased; X is submitted with B's signature among three.
      const x = await tighteningProposal(sys, "X: submitted with a revoked signature");
      const idX = await sys.council.hashProposal(...args(x));
      await sys.council.connect(b).revoke(idX);
      await editField(sys.addresses.council, await placeOf("HedgeCouncil", "_revoked", [idX, b.address]), () => 0n);
      await sys.council.connect(sys.stranger).submit(...proposeArgs(x), await sign(sys, [a, b, c], idX));
      expect(await sys.council.state(idX)).to.equal(2n); // Queued with B's signature counted
      // D revokes Y before it exists; A proposes Y; D's mark is erased and its signature relayed.
      const y = nudgeProposal(sys, 2_600, "Y: approved by a revoked signature");
      const idY = await sys.council.hashProposal(...args(y));
      await sys.council.connect(d).revoke(idY);
      await sys.council.connect(a).propose(...proposeArgs(y));
      await editField(sys.addresses.council, await placeOf("HedgeCouncil", "_revoked", [idY, d.address]), () => 0n);
      await sys.council.connect(sys.stranger).approveBySig(idY, await sign(sys, [d], idY));

      const r = await audit(deployment);
      const early = (addr: string) =>
        new RegExp(
          `a signature of ${addr} was counted although that address revoked the proposal before it existed \\(block \\d+\\): after a revocation only its own approve or propose counts$`,
        );
      expect(findingOf(r, "revoked-signature-counted", early(b.address)).proposalId).to.equal(idX);
      expect(findingOf(r, "revoked-signature-counted", early(d.address)).proposalId).to.equal(idY);
      const px = r.proposals.find((p) => p.id === idX)!;
      expect(px.approvals.map((ap) => ap.via)).to.deep.equal(["signature", "signature", "signature"]);
      expect(r.proposals.find((p) => p.id === idY)!.approvals.map((ap) => ap.via)).to.deep.equal([
        "propose",
        "signature",
      ]);
      // The erased marks themselves: each proposal's record differs from the replay.
      findingOf(r, "live-state-mismatch", new RegExp(`revocation mark of ${b.address} is false live but true`));
      findingOf(r, "live-state-mismatch", new RegExp(`revocation mark of ${d.address} is false live but true`));
      expect(kinds(r)).to.deep.equal(["live-state-mismatch", "revoked-signature-counted", "storage-edited"]);
    });
  });

  describe("vetoes of proposals that cannot be vetoed", function () {
    it("a Standard and a Fast proposal made vetoable by editing their tier: each veto is a finding", async function () {
      const standard = await tighteningProposal(sys, "tighten: vetoed by a minority");
      const fast = nudgeProposal(sys, 2_600, "nudge: vetoed by a minority");
      const ids: string[] = [];
      for (const p of [standard, fast]) {
        await sys.council.connect(sys.holders[0]).propose(...proposeArgs(p));
        const id = await sys.council.hashProposal(...args(p));
        ids.push(id);
        await expect(sys.council.connect(sys.holders[3]).veto(id))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilVetoNotCritical")
          .withArgs(id, p === standard ? 1n : 0n);
        // The tier in the proposal's storage word becomes Critical: the council now takes vetoes.
        const place: Place = await placeOf("HedgeCouncil", "_proposals.tier", [id]);
        await editField(sys.addresses.council, place, () => 2n);
        await sys.council.connect(sys.holders[3]).veto(id);
        await sys.council.connect(sys.holders[4]).veto(id);
        expect(await sys.council.state(id)).to.equal(4n); // Vetoed
      }
      const r = await audit(deployment);
      expect(kinds(r), listed(r)).to.deep.equal(["invalid-transition"]);
      expect(r.findings).to.have.length(4);
      for (const [i, id] of ids.entries()) {
        const tier = i === 0 ? "Standard" : "Fast";
        for (const holder of [sys.holders[3], sys.holders[4]]) {
          const f = findingOf(
            r,
            "invalid-transition",
            new RegExp(
              `^proposal ${id.slice(0, 10)}… \\(${tier}, recorded\\) was vetoed by ${holder.address}: only a Critical proposal can be vetoed$`,
            ),
          );
          expect(f.proposalId).to.equal(id);
          expect(f.check).to.equal("lifecycle");
        }
        expect(r.proposals.find((p) => p.id === id)).to.deep.include({ recordedTier: tier, state: "Vetoed" });
      }
    });
  });

  describe("nudges and their cooldown", function () {
    it("clean: returns from the loose side within the cooldown, which they do not restart", async function () {
      const nudge = (call: ReturnType<typeof nudgeCoverageCall>, description: string) =>
        pass(sys, proposal([call], description), sys.holders.slice(0, 2));
      // t0: the coverage and layer 0's trigger go to the loose side (25 % -> 23 %, VIX 20 -> 21.5).
      await nudge(nudgeCoverageCall(sys, 2_300), "coverage to 23 %");
      const t0 = await time.latest();
      await nudge(nudgeTriggerCall(sys, 0, 2_150), "layer 0 at VIX 21.50");
      const t1 = await time.latest();
      // An hour later, both come back part of the way: inside the cooldown, allowed, and the cooldown stays.
      await time.increase(HOUR);
      await nudge(nudgeCoverageCall(sys, 2_400), "coverage back to 24 %");
      await nudge(nudgeTriggerCall(sys, 0, 2_050), "layer 0 back to VIX 20.50");
      expect(await sys.policy.lastNudgeAt(COVERAGE_PARAMETER)).to.equal(BigInt(t0));
      expect(await sys.policy.lastNudgeAt(0)).to.equal(BigInt(t1));
      // One cooldown after t0 (not after the return), the coverage may go to the loose edge again.
      await time.setNextBlockTimestamp(t0 + DAY);
      await nudge(nudgeCoverageCall(sys, 2_250), "coverage to 22.5 %");

      const r = await audit(deployment);
      expect(r.findings, listed(r)).to.deep.equal([]);
      expect(r.replayed.lastNudgeAt[COVERAGE_PARAMETER]).to.equal(t0 + DAY);
      expect(r.replayed.lastNudgeAt[0]).to.equal(t1);
      expect(r.live.lastNudgeAt).to.deep.equal(r.replayed.lastNudgeAt);
      expect(r.replayed.policy!.coverageBps).to.equal(2_250);
    });

    it("a cooldown erased: undoing a protective nudge within the cooldown is a finding, and nothing else shows it", async function () {
      await pass(sys, nudgeProposal(sys, 2_700, "coverage up to 27 %"), sys.holders.slice(0, 2));
      const t0 = await time.latest();
      await time.increase(HOUR);
      const undo = nudgeProposal(sys, 2_500, "coverage back down to 25 %");
      const undoId = await sys.council.hashProposal(...args(undo));
      await expect(
        sys.council
          .connect(sys.stranger)
          .submit(...proposeArgs(undo), await sign(sys, sys.holders.slice(0, 2), undoId)),
      )
        .to.be.revertedWithCustomError(sys.policy, "HedgePolicyNudgeCoolingDown")
        .withArgs(COVERAGE_PARAMETER, t0 + DAY);
      // The policy's cooldown of the coverage (uint40 _lastNudgeAt[5], six to a word) is erased.
      const array = await placeOf("HedgePolicy", "_lastNudgeAt");
      const place: Place = { slot: array.slot, offset: array.offset + 5 * COVERAGE_PARAMETER, bytes: 5 };
      expect(await readField(sys.addresses.policy, place)).to.equal(BigInt(t0));
      await editField(sys.addresses.policy, place, () => 0n);
      await pass(sys, undo, sys.holders.slice(0, 2));
      expect((await sys.policy.policy()).coverageBps).to.equal(2_500n);

      const r = await audit(deployment);
      // The edit left nothing in the live state (the nudge restarted the cooldown): only the replay sees it.
      expect(kinds(r), listed(r)).to.deep.equal(["nudge-out-of-bounds"]);
      const f = findingOf(
        r,
        "nudge-out-of-bounds",
        /^nudgeCoverage by proposal 0x[0-9a-f]{8}…: the coverage was nudged 1 h(?: \d+ s)? before, within the cooldown of 1 d$/,
      );
      expect(f.proposalId).to.equal(undoId);
    });

    it("the nudge baseline edited: a Fast nudge outside the band around the approved baseline is a finding", async function () {
      const place = await placeOf("HedgePolicy", "_baseline.coverageBps");
      expect(await readField(sys.addresses.policy, place)).to.equal(2_500n);
      await editField(sys.addresses.policy, place, () => 4_000n);
      await pass(sys, nudgeProposal(sys, 4_400, "far nudge"), sys.holders.slice(0, 2));
      expect((await sys.policy.policy()).coverageBps).to.equal(4_400n);

      const r = await audit(deployment);
      const nudge = findingOf(
        r,
        "nudge-out-of-bounds",
        /^nudgeCoverage by proposal 0x[0-9a-f]{8}…: the nudge moves the coverage to 4400, outside the band 2250\.\.2750 around its baseline 2500/,
      );
      expect(nudge.subject).to.equal("policy.nudgeCoverage");
      findingOf(r, "storage-edited", /^HedgePolicy's parameters/);
      findingOf(r, "live-state-mismatch", /^policy\.baseline is coverage 4000 .* live but coverage 2500/);
      expect(r.findings.length).to.be.at.most(5);
    });
  });

  describe("the policy's parameters", function () {
    it("a Standard setPolicy that loosens (judged by the protection curve) is a finding", async function () {
      // The policy's coverage and its baseline are edited down to 20 %, so the council judges 22 % a tightening.
      for (const path of ["_params.coverageBps", "_baseline.coverageBps"]) {
        await editField(sys.addresses.policy, await placeOf("HedgePolicy", path), () => 2_000n);
      }
      const next = withEdit((x) => (x.coverageBps = 2_200), toPolicyValues(await sys.policy.policy()));
      const p: Proposal = proposal([await setPolicyCall(sys, next)], "coverage 22 %");
      expect(await sys.council.tierOf(p.targets, p.calldatas)).to.equal(1n); // Standard on chain
      const id = await pass(sys, p);

      const r = await audit(deployment);
      const tier = findingOf(
        r,
        "tier-understated",
        /was recorded as Standard but needs Critical \(loosening: less protection from VIX 20\.00 up: coverage 25\.00 % → 22\.00 %\)$/,
      );
      expect(tier.proposalId).to.equal(id);
      expect(kinds(r)).to.include.members(["tier-understated", "insufficient-approvals", "delay-too-short"]);
    });

    it("one edited policy word (the layer count) gives a handful of findings that name the cause", async function () {
      await editField(sys.addresses.policy, await placeOf("HedgePolicy", "_params.layerCount"), () => 132n);
      const r = await audit(deployment);
      expectGrouped(r, /^HedgePolicy's parameters \(policy\(\), policyHash\(\), version\(\), baseline\(\)\) at 0x/);
      findingOf(r, "live-state-mismatch", /^policy\.layers\.length is 132 live but 3 after the replay/);
      expect(r.findings.filter((f) => f.subject?.startsWith("policy.layers.")).length).to.equal(1);
      expect(kinds(r)).to.deep.equal(["live-state-mismatch", "storage-edited"]);
      expect(hre.network.name).to.equal("hardhat");
    });
  });
});

// hedge:audit, rules v2: each check of the audit against a chain where the contracts were made to break the rule by
// editing their storage (hardhat_setStorageAt, slots from the compiler's storage layout): the council's copy of the
// live seats, a veto mark, a revocation mark, the nudge baseline, the policy's parameters. Each check has a test that
// fails without it, and one edited storage word gives a handful of findings, the first naming its cause.
import { expect } from "chai";
import hre from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { id as keccakId } from "ethers";

import type { AuditReport } from "../../scripts/lib/audit";
import type { Deployment } from "../../scripts/lib/deployments";
import { toPolicyValues } from "../../scripts/lib/policy";
import {
  DAY,
  args,
  nudgeProposal,
  pass,
  proposal,
  setPolicyCall,
  sign,
  tighteningProposal,
  withEdit,
} from "../helpers/system";
import { audit, deployForAudit, snapshot, type CouncilSystem, findingOf, kinds } from "./helpers";
import { editField, placeOf, readField } from "./storage";

/** A handful of findings; the differences of the live state come after the one that names the edited storage. */
function expectGrouped(r: AuditReport, cause: RegExp, max = 5): void {
  expect(r.findings.length, r.findings.map((f) => `[${f.kind}] ${f.message}`).join("\n")).to.be.within(1, max);
  const first = r.findings.findIndex((f) => f.kind === "storage-edited" || f.kind === "live-state-mismatch");
  expect(r.findings[first].kind).to.equal("storage-edited");
  expect(r.findings[first].message).to.match(cause);
  expect(r.findings.filter((f) => f.kind === "storage-edited")).to.have.length(1);
}

describe("hedge:audit: rules v2 and the council's own state", function () {
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

  /** A Standard proposal submitted with three signatures and queued; returns it and its id. */
  async function queuedStandard(salt: string) {
    const p = await tighteningProposal(sys, keccakId(salt));
    const id = await sys.council.hashProposal(...args(p));
    const signed = await sign(sys, sys.holders.slice(0, 3), id);
    await sys.council.connect(sys.stranger).submit(...args(p), signed.signers, signed.signatures);
    return { p, id };
  }

  it("the council's copy of the live seats edited: two seats' vetoes silently dropped, and a vetoed proposal runs", async function () {
    const place = await placeOf("HedgeCouncil", "_settings.liveSeats");
    expect(await readField(sys.addresses.council, place)).to.equal(0x1fn);
    await editField(sys.addresses.council, place, () => 0x07n); // seats 4 and 5 no longer live for the council
    expect(await sys.council.liveSeats()).to.equal(0x07n);
    expect(await sys.seats.liveSeats()).to.equal(0x1fn);

    let r = await audit(deployment);
    expectGrouped(r, /^the council's own copy of the seats \(HedgeCouncil liveSeats\(\) \/ seatOf\(\)\) at 0x/);
    const f = findingOf(r, "live-state-mismatch", /^council\.liveSeats is 0x7 live but 0x1f after the replay/);
    expect(f.subject).to.equal("council.liveSeats");

    // Seats 4 and 5 veto a queued Standard proposal: the council does not count them, and it runs.
    const { p, id } = await queuedStandard("vetoed-by-4-and-5");
    await sys.council.connect(sys.holders[3]).veto(id);
    await sys.council.connect(sys.holders[4]).veto(id);
    await time.increase(DAY);
    await sys.council.connect(sys.stranger).execute(...args(p));
    r = await audit(deployment);
    expect(r.findings.length).to.be.at.most(5);
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
    const { p, id } = await queuedStandard("veto-mark");
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
    await time.increase(DAY);
    await sys.council.connect(sys.stranger).execute(...args(p));
    r = await audit(deployment);
    expect(r.findings.length).to.be.at.most(5);
    findingOf(r, "veto-ignored", /was executed with 2 vetoes of current seats; the veto threshold in force was 2/);
    findingOf(
      r,
      "live-state-mismatch",
      /: the council's vetoes \(seat bit map\) is 0x10 live but 0x18 after the replay/,
    );
  });

  it("vetoes judged again at execute: a threshold lowered under a standing veto whose mark was then erased", async function () {
    const { p, id } = await queuedStandard("lowered");
    await sys.council.connect(sys.holders[4]).veto(id); // 1 of 2: not vetoed yet
    // The veto threshold goes to 1 through governance (Critical: 4 signatures, 3 days).
    const lower = proposal(
      [{ target: sys.addresses.council, data: sys.council.interface.encodeFunctionData("setVetoThreshold", [1]) }],
      keccakId("lower-veto"),
    );
    // The council would now call the proposal Vetoed; its veto mark is erased so that it still runs.
    await editField(sys.addresses.council, await placeOf("HedgeCouncil", "_vetoes", [id]), () => 0n);
    await pass(sys, lower);
    await sys.council.connect(sys.stranger).execute(...args(p));
    const r = await audit(deployment);
    findingOf(r, "veto-ignored", /was executed with 1 vetoes of current seats; the veto threshold in force was 1/);
  });

  it("a revocation mark edited: a signature of the address that revoked is relayed and counted", async function () {
    const p = await tighteningProposal(sys, keccakId("revoked"));
    await sys.council.connect(sys.holders[0]).propose(...args(p));
    const id = await sys.council.hashProposal(...args(p));
    await sys.council.connect(sys.holders[1]).approve(id);
    await sys.council.connect(sys.holders[1]).revoke(id);
    const place = await placeOf("HedgeCouncil", "_revoked", [id, sys.holders[1].address]);
    expect(await readField(sys.addresses.council, place)).to.equal(1n);
    await editField(sys.addresses.council, place, () => 0n);
    const signed = await sign(sys, [sys.holders[1]], id);
    await sys.council.connect(sys.stranger).approveBySig(id, signed.signers, signed.signatures);

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

  it("the nudge baseline edited: a Fast nudge outside the band around the approved baseline is a finding", async function () {
    const place = await placeOf("HedgePolicy", "_baseline.coverageBps");
    expect(await readField(sys.addresses.policy, place)).to.equal(2_500n);
    await editField(sys.addresses.policy, place, () => 4_000n);
    await pass(sys, nudgeProposal(sys, 4_400, keccakId("far-nudge")), sys.holders.slice(0, 2));
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

  it("a Standard setPolicy that loosens (judged by the protection curve) is a finding", async function () {
    // The policy's coverage and its baseline are edited down to 20 %, so the council judges 22 % a tightening.
    for (const path of ["_params.coverageBps", "_baseline.coverageBps"]) {
      await editField(sys.addresses.policy, await placeOf("HedgePolicy", path), () => 2_000n);
    }
    const next = withEdit((x) => (x.coverageBps = 2_200), toPolicyValues(await sys.policy.policy()));
    const p = proposal([await setPolicyCall(sys, next)], keccakId("loosens"));
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

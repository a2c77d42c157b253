// The proposal view (scripts/lib/view.ts) tells history as it happened, and refuses what is not the proposal it claims
// to be. In-process, on a system deployed with hedge:deploy.
//
// Finding 3 of issue 24, reproduced as it was: a tightening (coverage 25 → 30 %, layer 1 trigger 28 → 26) is executed
// and later nudged to 31 %. Diffed against today's policy — what the command line and the console did — it reads
// "coverageBps 31.00 % → 30.00 % loosens", and the trigger change is gone. Now the view, `hedge:status --id` and
// `hedge:simulate --id` show it as it ran: against the policy just before its execution, both changes tightening, with
// its timeline, never OUTDATED and never against today.
import { expect } from "chai";
import hre from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";

import type { ProposeResult } from "../../scripts/commands/propose";
import { GOVERNED_ABI, changeRows, encode, policyChanges, type ChangeRow } from "../../scripts/lib/council";
import { toPolicyValues, type PolicyLike } from "../../scripts/lib/policy";
import { findProposal } from "../../scripts/lib/proposals";
import { openSystem } from "../../scripts/lib/deployments";
import {
  ProposalIdMismatchError,
  proposalLines,
  timelineLines,
  viewProposal,
  type ProposalInput,
  type Rpc,
} from "../../scripts/lib/view";
import { expectRefused, runOk, runTask, useDeployedSystem } from "../tasks/helpers";

const DAY = 86_400;

describe("the proposal view: history as it happened, and only the proposal it claims to be", function () {
  const fixture = useDeployedSystem();
  const source = () => ({ rpc: hre.network.provider as Rpc, deployment: fixture.deployment });

  /** The proposal as ProposalCreated carries it: what the commands hand the view. */
  async function created(id: string): Promise<ProposalInput> {
    const found = await findProposal(await openSystem(hre), id);
    if (!found) throw new Error(`no proposal ${id}`);
    return found;
  }

  async function propose(args: Record<string, unknown>): Promise<string> {
    return (await runOk<ProposeResult>("hedge:propose", { from: "1", ...args })).result.id;
  }

  /** Finding 3's history: the tightening executed, then the coverage nudged to 31 %. Returns the tightening's id. */
  async function tightenThenNudge(): Promise<string> {
    const id = await propose({
      kind: "policy",
      set: "coverageBps=3000,layers.1.triggerVix=2600",
      description: "Raise coverage to 30 % and engage layer 1 from VIX 26",
    });
    for (const from of ["2", "3"]) await runOk("hedge:approve", { id, from });
    await runOk("hedge:queue", { id });
    await time.increase(DAY);
    await runOk("hedge:execute", { id });
    const nudge = await propose({ kind: "nudge", set: "coverageBps=3100", description: "Coverage to 31 %" });
    await runOk("hedge:approve", { id: nudge, from: "2" });
    await runOk("hedge:execute", { id: nudge });
    const policy = await hre.ethers.getContractAt("HedgePolicy", fixture.deployment.contracts.policy.address);
    expect(Number((await policy.policy()).coverageBps)).to.equal(3_100);
    return id;
  }

  const TIGHTENING: ChangeRow[] = [
    { field: "layers.1.triggerVix", before: "2,800 (VIX 28.00)", after: "2,600 (VIX 26.00)", effect: "tightens" },
    { field: "coverageBps", before: "2,500 (25.00 %)", after: "3,000 (30.00 %)", effect: "tightens" },
  ];

  it("finding 3 as it was: diffed against today's policy, the executed tightening reads as a loosening of 31 %", async () => {
    const id = await tightenThenNudge();
    const input = await created(id);
    const policy = await hre.ethers.getContractAt("HedgePolicy", fixture.deployment.contracts.policy.address);
    const today = toPolicyValues(await policy.policy());
    const call = GOVERNED_ABI.policy.parseTransaction({ data: input.calldatas[0] })!;
    const proposed = toPolicyValues(call.args[0] as unknown as PolicyLike);
    // What the old route showed (the calls diffed against the policy in force now): the trigger change is gone.
    expect(changeRows(policyChanges(today, proposed))).to.deep.equal([
      { field: "coverageBps", before: "3,100 (31.00 %)", after: "3,000 (30.00 %)", effect: "loosens" },
    ]);
  });

  it("finding 3 now: the view shows the change as it ran, against the policy just before its execution", async () => {
    const id = await tightenThenNudge();
    const view = await viewProposal(source(), await created(id));
    expect(view.status).to.equal("Executed");
    expect(view.judged).to.equal("history");
    expect(view.against.kind).to.equal("before-execution");
    expect(view.against.version).to.equal(1);
    expect(view.against.block).to.equal(view.executed!.block);
    expect(view.tierName).to.equal("Standard");
    expect(changeRows(view.decoded[0].changes!)).to.deep.equal(TIGHTENING);
    expect(view.why).to.deep.equal(["call 0: a setPolicy for the current version that does not loosen: Standard"]);
    expect(view.timeline!.map((e) => e.kind)).to.deep.equal([
      "created",
      "approved",
      "approved",
      "approved",
      "queued",
      "executed",
    ]);
    const text = [...proposalLines(view), ...timelineLines(view)].join("\n");
    expect(text).not.to.include("31.00");
    expect(text).not.to.include("loosens");
    expect(text).to.include(`As it ran in block ${view.executed!.block}, against the policy just before (version 1):`);
    expect(text).to.include("Tier: Standard, as the council recorded it at creation");
  });

  it("finding 3 now: hedge:status --id and hedge:simulate --id tell the executed tightening as it ran, with its timeline", async () => {
    const id = await tightenThenNudge();
    const status = (await runOk("hedge:status", { id })).out.join("\n");
    const simulated = await runTask("hedge:simulate", { id });
    expect(simulated.exitCode, simulated.out.join("\n")).to.equal(0);
    const simulate = simulated.out.join("\n");
    for (const text of [status, simulate]) {
      expect(text).to.match(/layers\.1\.triggerVix\s+2,800 \(VIX 28\.00\)\s+2,600 \(VIX 26\.00\)\s+tightens/);
      expect(text).to.match(/coverageBps\s+2,500 \(25\.00 %\)\s+3,000 \(30\.00 %\)\s+tightens/);
      expect(text).not.to.include("31.00");
      expect(text).not.to.include("loosens");
      expect(text).not.to.include("OUTDATED");
      expect(text).to.include("Description: Raise coverage to 30 % and engage layer 1 from VIX 26");
      expect(text).to.match(/^Timeline:$/m);
      expect(text).to.match(/ created by 0x[0-9a-fA-F]{40} \(account 1\)/);
      expect(text).to.match(/ approved 0x[0-9a-fA-F]{40} \(account 3\) \(seat 3\) on chain/);
      expect(text).to.match(/ queued eta /);
      expect(text).to.match(/ executed {2}tx 0x[0-9a-f]{64}/);
    }
    expect(status).to.match(/^State: Executed$/m);
    expect(simulate).to.match(/^Result: it ran in block \d+, as shown above; there is nothing left to simulate\.$/m);
    expect(simulate).not.to.match(/^Simulated /m);
  });

  it("hedge:status --id names the vetoers of a vetoed proposal, and shows it as proposed (it never ran)", async () => {
    const id = await propose({ kind: "policy", set: "coverageBps=2000", description: "Less coverage for the summer" });
    await runOk("hedge:veto", { id, from: "4" });
    await runOk("hedge:veto", { id, from: "5" });
    const [, , , , seat4, seat5] = await hre.ethers.getSigners();
    const { out } = await runOk("hedge:status", { id });
    const text = out.join("\n");
    expect(text).to.include("As proposed, against the policy when it was created (version 1");
    expect(text).to.match(/coverageBps\s+2,500 \(25\.00 %\)\s+2,000 \(20\.00 %\)\s+loosens/);
    expect(text).to.include(
      "  why (as judged at creation): call 0 loosens (Critical): less protection from VIX 20.00 up",
    );
    expect(text).to.include(` veto ${seat4.address} (account 4) (seat 4)`);
    expect(text).to.include(` veto ${seat5.address} (account 5) (seat 5)`);
    expect(text).to.match(/ vetoed {2}tx 0x[0-9a-f]{64}/);
    expect(text).to.include(`  vetoed by: ${seat4.address} (account 4), ${seat5.address} (account 5)`);
    expect(text).to.match(/^State: Vetoed; 2 of 2 vetoes$/m);
    // simulate says it never ran, and does not pretend to run it.
    const simulated = await runTask("hedge:simulate", { id });
    expect(simulated.exitCode).to.equal(1);
    expect(simulated.out.join("\n")).to.include("Result: it is Vetoed and never ran");
  });

  it("a pending proposal is judged against the policy in force now and the baseline, with a note where that differs from its record", async () => {
    // Standard when created (26 % > 25 %); then the steward nudges the coverage to 27.5 %: against today it loosens.
    const id = await propose({ kind: "policy", set: "coverageBps=2600", description: "A little more coverage" });
    const nudge = await propose({ kind: "nudge", set: "coverageBps=2750", description: "Coverage to 27.5 %" });
    await runOk("hedge:approve", { id: nudge, from: "2" });
    await runOk("hedge:execute", { id: nudge });
    const view = await viewProposal(source(), await created(id));
    expect(view.judged).to.equal("now");
    expect(view.against.kind).to.equal("current");
    expect(view.tierName).to.equal("Standard");
    expect(view.derivedTier).to.equal(2);
    expect(changeRows(view.decoded[0].changes!)).to.deep.equal([
      { field: "coverageBps", before: "2,750 (27.50 %)", after: "2,600 (26.00 %)", effect: "loosens" },
    ]);
    expect(view.why).to.deep.equal([
      "call 0 loosens (Critical): less protection from VIX 20.00 up: coverage 27.50 % → 26.00 %",
    ]);
    expect(view.notes).to.deep.equal([
      "the council recorded it at creation as Standard (the tier its approvals and delay follow); judged against the policy in force now, the rule gives Critical",
    ]);
    const signed = (await runOk("hedge:approve", { id, from: "3" })).out.join("\n");
    expect(signed).to.include("Tier: Standard, needs 3 of 5 seats, then waits 1 d in the timelock");
    expect(signed).to.include("  note: the council recorded it at creation as Standard");
  });

  describe("refuses calls that do not hash to the id they came with (a hostile RPC endpoint or file)", () => {
    /** An Rpc that counts what it is asked. */
    const counting = () => {
      const methods: string[] = [];
      const rpc: Rpc = {
        request: (args) => {
          methods.push(args.method);
          return hre.network.provider.request(args);
        },
      };
      return { rpc, methods };
    };

    it("other calls under a proposal's id: refused before anything is read", async () => {
      const critical = await propose({ kind: "policy", set: "coverageBps=2000", description: "Cut coverage to 20 %" });
      const standard = await propose({
        kind: "policy",
        set: "coverageBps=3000",
        description: "Raise coverage to 30 %",
      });
      // What a rewriting endpoint hands over: the Standard tightening's calls and words under the Critical id.
      const forged = { ...(await created(standard)), id: critical };
      const { rpc, methods } = counting();
      const error = await viewProposal({ rpc, deployment: fixture.deployment }, forged).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(ProposalIdMismatchError);
      expect((error as ProposalIdMismatchError).recomputed).to.equal(standard);
      expect((error as Error).message).to.equal(
        `proposal ${critical}: its calls and description hash to ${standard}, not to ${critical}; refusing to show or sign them (the file or the RPC endpoint that supplied them changed them)`,
      );
      expect(methods, "nothing read before the refusal").to.deep.equal([]);
    });

    it("the same calls with another description, or one call changed: refused", async () => {
      const id = await propose({ kind: "policy", set: "coverageBps=3000", description: "Raise coverage to 30 %" });
      const input = await created(id);
      const reworded = { ...input, description: "Raise coverage to 30 % (agreed on Tuesday)" };
      const retargeted = { ...input, calldatas: [encode.nudgeCoverage(2_300)] };
      for (const forged of [reworded, retargeted]) {
        await viewProposal(source(), forged).then(
          () => expect.fail("the view showed a proposal that is not its id"),
          (e: unknown) => expect(e).to.be.instanceOf(ProposalIdMismatchError),
        );
      }
      // The real one is shown.
      expect((await viewProposal(source(), input, { timeline: false })).id).to.equal(id);
    });
  });

  it("finding 4: an added and a removed layer loosen in the command line, as in the audit and docs/RULES.md", async () => {
    const added = await propose({
      kind: "policy",
      set: "layers.2.allocationBps=1000,layers.3.allocationBps=1000,layers.3.tenorDays=365,layers.3.triggerVix=4500,layers.3.instrument=SpxPuts",
      description: "A fourth layer of SPX puts at VIX 45",
      dryRun: false,
    });
    const removed = await propose({
      kind: "policy",
      set: "layers.0.allocationBps=6000",
      removeLayer: "2",
      description: "Drop the SPX puts layer",
    });
    const addedView = await viewProposal(source(), await created(added), { timeline: false });
    const removedView = await viewProposal(source(), await created(removed), { timeline: false });
    expect(
      changeRows(addedView.decoded[0].changes!).filter(
        (r) => r.field === "layers.length" || r.field.startsWith("layers.3."),
      ),
    ).to.deep.equal([
      { field: "layers.length", before: "3", after: "4", effect: "loosens" },
      { field: "layers.3.allocationBps", before: "-", after: "1,000 (10.00 %)", effect: "loosens" },
      { field: "layers.3.tenorDays", before: "-", after: "365 (365 d)", effect: "loosens" },
      { field: "layers.3.triggerVix", before: "-", after: "4,500 (VIX 45.00)", effect: "loosens" },
      { field: "layers.3.instrument", before: "-", after: "SPX puts", effect: "loosens" },
    ]);
    expect(changeRows(removedView.decoded[0].changes!)[0]).to.deep.equal({
      field: "layers.length",
      before: "3",
      after: "2",
      effect: "loosens",
    });
    for (const view of [addedView, removedView]) {
      expect(view.tierName).to.equal("Critical");
      expect(view.why[0]).to.match(/^call 0 loosens \(Critical\): a different number of layers \(3 → [24]\)$/);
    }
    // The audit of the same chain: the same rows, the same words.
    const { runAudit } = await import("../../scripts/lib/audit");
    const report = await runAudit({ rpc: hre.network.provider, deployment: fixture.deployment, network: "hardhat" });
    for (const view of [addedView, removedView]) {
      const audited = report.proposals.find((p) => p.id.toLowerCase() === view.id)!;
      expect(changeRows(audited.calls[0].changes!)).to.deep.equal(changeRows(view.decoded[0].changes!));
      expect(audited.calls[0].summary).to.include("layers.length 3 → ");
      expect(audited.calls[0].summary).to.match(/layers\.length 3 → [24] \(loosens\)/);
    }
  });

  it("refuses an unknown id, and --id with --all, in one line", async () => {
    await expectRefused("hedge:status", { id: "0x1234567890" }, /^--id 0x1234567890: no such proposal/);
    const id = await propose({ kind: "policy", set: "coverageBps=3000", description: "Raise coverage" });
    await expectRefused("hedge:status", { id, all: true }, "--all lists every proposal; --id shows one");
  });
});

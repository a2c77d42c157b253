// Outdated proposals through the tasks, in-process: a proposal whose calls would revert now because the state it was
// built against moved on (an older setPolicy version, a seat for an address that got one) is marked in hedge:status
// and refused by sign, approve and queue (one line naming the reason and --allow-outdated, nothing sent), goes through
// with --allow-outdated, and may still be vetoed. Approve and veto print what the proposal does before acting.
import fs from "node:fs";
import path from "node:path";

import { expect } from "chai";
import hre from "hardhat";

import type { ProposeResult } from "../../scripts/commands/propose";
import { expectRefused, runOk, tempDir, useDeployedSystem } from "./helpers";

const VERSION_MOVED =
  "call 0: the change was built against policy version 1, but the policy is now at version 2; propose it again";

describe("tasks: outdated proposals are marked and refused; approve and veto show the proposal", function () {
  const fixture = useDeployedSystem();
  const council = fixture.council;
  const propose = async (args: Record<string, unknown>) =>
    (await runOk<ProposeResult>("hedge:propose", { from: "1", ...args })).result.id;
  const short = (id: string) => `${id.slice(0, 10)}…`;

  /** Two Standard setPolicy proposals against version 1; the first runs, so the second is outdated. */
  async function versionMovedOn(): Promise<{ executed: string; outdated: string }> {
    const executed = await propose({ kind: "policy", set: "coverageBps=3000" });
    const outdated = await propose({ kind: "policy", set: "coverageBps=3500" });
    for (const from of ["2", "3"]) await runOk("hedge:approve", { id: executed, from });
    await runOk("hedge:queue", { id: executed });
    await runOk("hedge:time", { advance: "1d" });
    await runOk("hedge:execute", { id: executed });
    return { executed, outdated };
  }

  it("marks an older setPolicy OUTDATED in hedge:status, with the reason; one against the new version is not", async () => {
    const earlier = await propose({ kind: "policy", set: "coverageBps=2800" });
    const { outdated } = await versionMovedOn();
    const fresh = await propose({ kind: "policy", set: "coverageBps=3200" });
    const text = (await runOk("hedge:status")).out.join("\n");
    expect(text).to.include("Open proposals: 3 (of 4");
    expect(text).to.match(new RegExp(`${short(outdated)}\\s+Standard\\s+1/3\\s+-\\s+Pending, OUTDATED\\s`));
    expect(text).to.match(new RegExp(`${short(earlier)}\\s+Standard\\s+1/3\\s+-\\s+Pending, OUTDATED\\s`));
    expect(text).to.match(new RegExp(`${short(fresh)}\\s+Standard\\s+1/3\\s+-\\s+Pending\\s+-`));
    expect(text).to.include(`  ${short(outdated)} OUTDATED: ${VERSION_MOVED}`);
    expect(text).not.to.include(`${short(fresh)} OUTDATED`);
    // An executed proposal is over, not outdated: --all lists it without the mark.
    const all = (await runOk("hedge:status", { all: true })).out.join("\n");
    expect(all).to.match(/Standard\s+3\/3\s+-\s+Executed\s/);
    expect(all).not.to.match(/Executed, OUTDATED/);
  });

  it("refuses to sign, approve and queue an outdated proposal, sending and writing nothing", async () => {
    const { outdated } = await versionMovedOn();
    const refusal = (action: string) =>
      `proposal ${short(outdated)} is outdated, it cannot run as it stands: ${VERSION_MOVED}; pass --allow-outdated to ${action} it anyway`;
    expect(await expectRefused("hedge:approve", { id: outdated, from: "2" }, refusal("approve"))).to.equal(
      refusal("approve"),
    );
    const dir = tempDir("outdated");
    const out = path.join(dir, "approvals.json");
    expect(await expectRefused("hedge:sign", { id: outdated, from: "2", out }, refusal("sign"))).to.equal(
      refusal("sign"),
    );
    expect(fs.existsSync(out), "a refused sign wrote the signatures file").to.equal(false);
    expect(await expectRefused("hedge:queue", { id: outdated }, refusal("queue"))).to.equal(refusal("queue"));
    expect(await (await council()).approvalCount(outdated)).to.equal(1n);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("refuses to submit an outdated signatures file (create, approve and queue in one transaction), sending nothing", async () => {
    const dir = tempDir("outdated");
    const file = path.join(dir, "offchain.json");
    // Built and co-signed off-chain against version 1, before the version moves on.
    const offchain = (
      await runOk<ProposeResult>("hedge:propose", {
        kind: "policy",
        set: "coverageBps=4000",
        from: "1",
        offchain: true,
        out: file,
      })
    ).result.id;
    for (const from of ["2", "3"]) await runOk("hedge:sign", { id: offchain, from, out: file, noSimulate: true });
    await versionMovedOn();
    const refusal = `proposal ${short(offchain)} is outdated, it cannot run as it stands: ${VERSION_MOVED}; pass --allow-outdated to submit it anyway`;
    expect(await expectRefused("hedge:submit", { signatures: file }, refusal)).to.equal(refusal);
    expect(Number(await (await council()).state(offchain))).to.equal(0, "the refused submit created the proposal");
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("goes through with --allow-outdated, printing the OUTDATED reason first", async () => {
    const { outdated } = await versionMovedOn();
    const dir = tempDir("outdated");
    const out = path.join(dir, "approvals.json");
    const signed = await runOk("hedge:sign", { id: outdated, from: "4", out, allowOutdated: true });
    expect(signed.out).to.include(`  OUTDATED: ${VERSION_MOVED}`);
    expect(JSON.parse(fs.readFileSync(out, "utf8")).signatures).to.have.length(1);
    fs.rmSync(dir, { recursive: true, force: true });
    for (const from of ["2", "3"]) {
      const approved = await runOk("hedge:approve", { id: outdated, from, allowOutdated: true });
      expect(approved.out).to.include(`  OUTDATED: ${VERSION_MOVED}`);
    }
    expect(await (await council()).approvalCount(outdated)).to.equal(3n);
    await runOk("hedge:queue", { id: outdated, allowOutdated: true });
    expect(await (await council()).state(outdated)).to.equal(2n); // Queued
  });

  it("marks a seat for an address that got one meanwhile, and refuses to approve it", async () => {
    const first = await propose({ kind: "seat-add", holder: "7", description: "first" });
    const second = await propose({ kind: "seat-add", holder: "7", description: "second" });
    for (const from of ["2", "3", "4"]) await runOk("hedge:approve", { id: first, from });
    await runOk("hedge:queue", { id: first });
    await runOk("hedge:time", { advance: "3d" });
    await runOk("hedge:execute", { id: first });
    const holder = (await hre.ethers.getSigners())[7].address;
    const reason = `call 0: ${holder} already holds a seat (one seat per address)`;
    expect((await runOk("hedge:status")).out).to.include(`  ${short(second)} OUTDATED: ${reason}`);
    await expectRefused(
      "hedge:approve",
      { id: second, from: "2" },
      `is outdated, it cannot run as it stands: ${reason};`,
    );
  });

  it("does not mark a nudge that only waits for its cooldown", async () => {
    const first = await propose({ kind: "nudge", set: "coverageBps=2600" });
    const waiting = await propose({ kind: "nudge", set: "coverageBps=2700" });
    await runOk("hedge:approve", { id: first, from: "2" });
    await runOk("hedge:execute", { id: first });
    const text = (await runOk("hedge:status")).out.join("\n");
    expect(text).to.match(new RegExp(`${short(waiting)}\\s+Fast\\s+1/2\\s+-\\s+Pending\\s+-`));
    expect(text).not.to.include("OUTDATED");
    const approved = await runOk("hedge:approve", { id: waiting, from: "2" });
    expect(approved.out.join("\n")).not.to.include("OUTDATED");
  });

  it("approve and veto print the decoded change before acting; an outdated proposal may be vetoed", async () => {
    // Critical (coverage down): the tier a veto applies to.
    const id = await propose({
      kind: "policy",
      set: "coverageBps=2000,layers.1.triggerVix=2600",
      description: "Less coverage, an earlier layer 1",
    });
    const created = (await (await council()).queryFilter((await council()).filters.ProposalCreated(id)))[0];
    const expected = [
      `Proposal ${id}`,
      `  chain 31337, council ${fixture.deployment.contracts.council.address}, Pending, created in block ${created.blockNumber}`,
      "Description: Less coverage, an earlier layer 1",
      "  call 0: HedgePolicy.setPolicy(next, expectedVersion 1)",
      "      field                before             after              effect",
      "      -------------------  -----------------  -----------------  --------",
      "      layers.1.triggerVix  2,800 (VIX 28.00)  2,600 (VIX 26.00)  tightens",
      "      coverageBps          2,500 (25.00 %)    2,000 (20.00 %)    loosens",
      "Tier: Critical, needs 4 of 5 seats, then waits 3 d in the timelock",
      // Why, as hedge:propose says it: where the protection drops (between VIX 26 and 28 it rises).
      "  why: call 0 loosens (Critical): less protection between VIX 20.00 and 26.00: coverage 25.00 % → 20.00 %",
      "  why: call 0 loosens (Critical): less protection from VIX 28.00 up: coverage 25.00 % → 20.00 %",
    ];
    const [, , seat2, , seat4] = await hre.ethers.getSigners();
    const approved = await runOk("hedge:approve", { id, from: "2" });
    expect(approved.out.slice(0, expected.length)).to.deep.equal(expected);
    expect(approved.out[expected.length]).to.match(/^ {2}sent approve: tx 0x[0-9a-f]{64} /);
    expect(approved.out.at(-1)).to.equal(`Approved by account 2 (${seat2.address}): 2 of 4 approvals.`);

    const vetoed = await runOk("hedge:veto", { id, from: "4" });
    expect(vetoed.out.slice(0, expected.length)).to.deep.equal(expected);
    expect(vetoed.out[expected.length]).to.match(/^ {2}sent veto: tx 0x[0-9a-f]{64} /);
    expect(vetoed.out.at(-1)).to.equal(`Veto cast by account 4 (${seat4.address}): 1 of 2 vetoes.`);

    const outdated = await propose({ kind: "policy", set: "coverageBps=1900" });
    await versionMovedOn();
    const killed = await runOk("hedge:veto", { id: outdated, from: "5" });
    expect(killed.out).to.include(`  OUTDATED: ${VERSION_MOVED}`);
    expect(await (await council()).vetoCount(outdated)).to.equal(1n);
  });
});

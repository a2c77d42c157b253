// The life of a proposal through the tasks, in-process: approve, queue, execute, veto, cancel, expiry; the mock
// oracle and layer sync; time travel; and the demo. Every refusal: one line, exit code 1, nothing sent.
import { expect } from "chai";
import hre from "hardhat";

import type { ProposeResult } from "../../scripts/commands/propose";
import { deployFresh, expectRefused, runOk, runTask, useDeployedSystem } from "./helpers";

describe("tasks: approve, queue, execute, veto, cancel, oracle, sync, time and the demo", function () {
  const fixture = useDeployedSystem();
  const council = fixture.council;
  const policy = () => hre.ethers.getContractAt("HedgePolicy", fixture.deployment.contracts.policy.address);
  const propose = async (set = "coverageBps=2000") =>
    (await runOk<ProposeResult>("hedge:propose", { kind: "policy", set, from: "1" })).result.id;

  it("runs a Critical change: approvals, queue, an early execute refused, time, execute", async () => {
    const id = await propose();
    await expectRefused(
      "hedge:queue",
      { id, from: "1" },
      /^proposal 0x[0-9a-f]{8}… has 1 approval from current seat holders; its tier needs 4$/,
    );
    for (const from of ["2", "3"]) {
      const { out } = await runOk("hedge:approve", { id: id.slice(0, 10), from });
      expect(out.join("\n")).to.match(/Approved by account \d .*: \d of 4 approvals\./);
    }
    await expectRefused(
      "hedge:approve",
      { id, from: "3" },
      /^account 3 \(0x[0-9a-fA-F]{40}\) already approved proposal/,
    );
    await expectRefused(
      "hedge:approve",
      { id, from: "8" },
      /^--from account 8 \(0x[0-9a-fA-F]{40}\) holds no council seat$/,
    );
    await expectRefused("hedge:queue", { id }, /has 3 approvals from current seat holders; its tier needs 4$/);
    await runOk("hedge:approve", { id, from: "4" });
    const queued = await runOk("hedge:queue", { id });
    expect(queued.out.join("\n")).to.match(/Queued by account 0 .*: executable from .* \(in 3 d\)/);
    await expectRefused(
      "hedge:queue",
      { id },
      /^cannot queue proposal 0x[0-9a-f]{8}…: it is Queued \(queue needs Pending\)$/,
    );
    await expectRefused(
      "hedge:execute",
      { id },
      /^proposal 0x[0-9a-f]{8}… is queued until .* UTC \(in 3 d\); it cannot execute before$/,
    );
    await runOk("hedge:time", { advance: "2d" });
    // The chain's clock also moves with the wall clock between blocks, so "1 d" may read "23 h 59 min".
    await expectRefused("hedge:execute", { id }, /is queued until .* \(in (1 d|23 h [^)]*)\)/);
    await runOk("hedge:time", { advance: "1d" });
    const executed = await runOk("hedge:execute", { id });
    expect(executed.out.join("\n")).to.match(/the policy is now version 2 \(hash 0x[0-9a-f]{64}\)/);
    expect((await (await policy()).policy()).coverageBps).to.equal(2000n);
    await expectRefused("hedge:execute", { id }, /^cannot execute proposal 0x[0-9a-f]{8}…: it is Executed/);

    const status = await runOk("hedge:status", { all: true });
    expect(status.out.join("\n")).to.match(/Critical\s+4\/4\s+-\s+Executed/);
  });

  it("lists open proposals in hedge:status with tier, approvals, eta and state", async () => {
    const id = await propose();
    const standard = await propose("coverageBps=3000");
    for (const from of ["2", "3"]) await runOk("hedge:approve", { id: standard, from });
    await runOk("hedge:queue", { id: standard });
    const { out } = await runOk("hedge:status");
    const text = out.join("\n");
    expect(text).to.include("Open proposals: 2 (of 2");
    expect(text).to.match(new RegExp(`${id.slice(0, 10)}…\\s+Critical\\s+1/4\\s+-\\s+Pending\\s+-\\s+\\d{4}-`));
    expect(text).to.match(
      new RegExp(`${standard.slice(0, 10)}…\\s+Standard\\s+3/3\\s+-\\s+Queued\\s+\\d{4}-\\d\\d-\\d\\d .* \\(in 1 d\\)`),
    );
  });

  it("vetoes a queued Critical proposal to death, then cancels its timelock operation", async () => {
    const id = await propose("coverageBps=2000");
    for (const from of ["2", "3", "4"]) await runOk("hedge:approve", { id, from });
    await runOk("hedge:queue", { id });
    await expectRefused(
      "hedge:cancel",
      { id },
      /^cannot cancel proposal 0x[0-9a-f]{8}…: it is Queued \(cancel needs Vetoed or Expired\)$/,
    );
    await expectRefused("hedge:veto", { id, from: "9" }, /holds no council seat$/);
    const first = await runOk("hedge:veto", { id, from: "4" });
    expect(first.out.join("\n")).to.include("1 of 2 vetoes");
    await expectRefused("hedge:veto", { id, from: "4" }, /^0x[0-9a-fA-F]{40} already vetoed proposal 0x[0-9a-f]{8}…$/);
    const second = await runOk("hedge:veto", { id, from: "5" });
    expect(second.out.join("\n")).to.include("2 of 2 vetoes, proposal");
    expect(await (await council()).state(id)).to.equal(4n);
    await runOk("hedge:time", { advance: "3d" });
    await expectRefused("hedge:execute", { id }, /it is Vetoed/);
    await runOk("hedge:cancel", { id });
    await expectRefused("hedge:cancel", { id }, /has no pending operation in the timelock/);
  });

  it("refuses a veto of a Standard or Fast proposal in one line, before sending", async () => {
    const standard = await propose("coverageBps=3000");
    for (const from of ["2", "3"]) await runOk("hedge:approve", { id: standard, from });
    await runOk("hedge:queue", { id: standard });
    const fast = (await runOk<ProposeResult>("hedge:propose", { kind: "nudge", set: "coverageBps=2600", from: "1" }))
      .result.id;
    const run = await runTask("hedge:veto", { id: standard, from: "4" });
    expect(run.out, "nothing is shown of a veto that cannot be cast").to.deep.equal([]);
    for (const [id, words] of [
      [standard, "Standard (a setPolicy that does not loosen)"],
      [fast, "Fast (steward nudges only)"],
    ]) {
      const reason = await expectRefused("hedge:veto", { id, from: "4" }, /^only Critical proposals can be vetoed/);
      expect(reason).to.equal(`only Critical proposals can be vetoed: ${id} is ${words}`);
    }
    const c = await council();
    expect(await c.vetoCount(standard)).to.equal(0n);
    expect(await c.vetoCount(fast)).to.equal(0n);
    // The contract says the same, were the check skipped.
    const [, , , , seat4] = await hre.ethers.getSigners();
    await expect(c.connect(seat4).veto(standard))
      .to.be.revertedWithCustomError(c, "HedgeCouncilVetoNotCritical")
      .withArgs(standard, 1);
  });

  it("lets a proposal expire when nobody queues it", async () => {
    const id = await propose();
    await runOk("hedge:time", { advance: "8d" });
    await expectRefused("hedge:approve", { id, from: "2" }, /it is Expired \(approve needs Pending\)$/);
    await expectRefused("hedge:veto", { id, from: "2" }, /it is Expired/);
    await expectRefused(
      "hedge:cancel",
      { id },
      /has no pending operation in the timelock \(never queued, or already cancelled\)$/,
    );
  });

  it("moves the mock oracle and syncs the layers; refuses a stale answer and bad levels", async () => {
    const set = await runOk("hedge:oracle", { vix: "31.5" });
    expect(set.out.join("\n")).to.include("The mock VIX oracle now answers 31.50");
    const synced = await runOk("hedge:sync", { from: "7" });
    expect(synced.out.join("\n")).to.include("layer 0 engaged at VIX 31.50");
    expect(synced.out.join("\n")).to.include("layer 1 engaged at VIX 31.50");
    expect(synced.out.join("\n")).to.include("engaged layers: 0, 1.");
    expect(await (await policy()).engagedLayers()).to.equal(3n);

    await runOk("hedge:oracle", { vix: "40", sync: true });
    expect(await (await policy()).engagedLayers()).to.equal(7n);
    const status = await runOk("hedge:status");
    expect(status.out.join("\n")).to.match(/VIX 40\.00 .*engaged layers: 0, 1, 2/);

    await runOk("hedge:time", { advance: "2h" });
    await expectRefused(
      "hedge:sync",
      {},
      /^the VIX oracle's answer is stale: updated 2 h( \d+ min)? ago, older than maxOracleAge 1 h/,
    );
    await expectRefused("hedge:oracle", { vix: "0" }, /^--vix 0: out of range, must be above 0 and at most 1000$/);
    await expectRefused("hedge:oracle", { vix: "1200" }, /^--vix 1200: out of range/);
    await expectRefused("hedge:oracle", { vix: "31.555" }, /^--vix 31\.555: VIX levels have at most two decimals$/);
  });

  it("refuses to move an oracle that is not the deployment's mock", async () => {
    const oracle = fixture.deployment.contracts.oracle.address;
    await deployFresh({ oracle });
    await expectRefused(
      "hedge:oracle",
      { vix: "20" },
      /^the oracle 0x[0-9a-fA-F]{40} is not the mock deployed by hedge:deploy/,
    );
  });

  it("refuses a malformed time advance", async () => {
    await expectRefused("hedge:time", { advance: "soon" }, /^--advance soon: not a duration/);
  });

  it("the demo tells the story and checks every step", async () => {
    const { out } = await runOk("hedge:demo");
    const text = out.join("\n");
    expect(text).to.include("Seat 1 tries to force it through alone (hedge:queue): refused, nothing sent.");
    expect(text).to.include("has 1 approval from current seat holders; its tier needs 4");
    expect(text).to.include("description, read back from ProposalCreated: Less protection before the Fed day");
    for (const seat of [2, 3, 4]) {
      expect(text).to.match(
        new RegExp(`^    seat ${seat}  0x[0-9a-fA-F]{40}  valid until .* UTC \\(unix \\d+\\)$`, "m"),
      );
    }
    expect(text).to.include("Someone tries to execute it at once: refused by the timelock delay, nothing sent.");
    expect(text).to.include("the policy is now version 2");
    expect(text).to.include("The audit replays the chain since the deployment and re-derives every rule");
    expect(text).to.match(/proposals\s+1\s+Executed 1; tiers Critical 1/);
    expect(text).to.match(/layer events\s+2\s+engaged 2, disengaged 0/);
    expect(text).to.include("No findings: every change followed the rules, and the live state is what they produced.");
    expect(text).to.match(/Demo complete in \d+\.\d s: every step behaved as shown\./);
  });
});

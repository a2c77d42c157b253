// hedge:demo — what `npm run demo` runs: the product's main job told as a story on a local chain, through the same
// tasks a user types. Deploy 5 seats, show the 4/4/2 policy, raise the VIX so layers engage, propose a loosening
// change with its reason (the description goes on chain), watch one seat holder fail to force it, co-sign it off-chain
// to the Critical threshold (each signature names its seat and carries a deadline), fail to execute it early, let the
// timelock delay pass, execute it, and read the audit trail back from the chain.
//
// Every step checks that the system behaved as the story says; the demo stops with a non-zero exit otherwise.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { fmtBps, fmtDuration, fmtTime, fmtVix, shortId } from "../lib/format";
import { CliError, captureOutput, say, sayLines, withOutput } from "../lib/output";
import { openSystem } from "../lib/deployments";
import { describeError } from "../lib/errors";
import { currentPolicy, proposalStatus } from "../lib/proposals";
import { TIER_NAMES, Tier, changesTable, policyChanges } from "../lib/council";
import { descriptionBlock } from "../lib/descriptions";
import { signatureLines, type ApprovalsFile } from "../lib/approvals-format";
import { DEFAULT_VALID_FOR_SECONDS } from "../lib/signing";
import type { AuditReport } from "../lib/audit/types";
import type { ProposeResult } from "./propose";
import { printPolicy } from "./status";

class Story {
  private step = 0;
  constructor(private readonly hre: HardhatRuntimeEnvironment) {}

  /** Runs a task quietly (its output is kept for the error message) and returns its result. */
  async run<T>(name: string, args: Record<string, unknown>): Promise<T> {
    const sink = captureOutput();
    return (await withOutput(sink, () => this.hre.run(name, args))) as T;
  }

  /** Runs a task that the council must refuse; checks that nothing was sent and returns the reason. */
  async refused(name: string, args: Record<string, unknown>, expected: RegExp): Promise<string> {
    const before = await this.hre.ethers.provider.getBlockNumber();
    let reason: string | undefined;
    try {
      await this.run(name, args);
    } catch (error) {
      reason = await describeError(this.hre, error);
    }
    if (reason === undefined)
      throw new CliError(`step ${this.step}: ${name} was expected to be refused, but it went through`);
    if (!expected.test(reason))
      throw new CliError(`step ${this.step}: ${name} was refused for an unexpected reason: ${reason}`);
    if ((await this.hre.ethers.provider.getBlockNumber()) !== before) {
      throw new CliError(`step ${this.step}: ${name} was refused, but a transaction was sent`);
    }
    return reason;
  }

  line(text: string): void {
    this.step++;
    say(`${String(this.step).padStart(2)}. ${text}`);
  }

  detail(text: string): void {
    say(`    ${text}`);
  }

  check(ok: boolean, what: string): void {
    if (!ok) throw new CliError(`step ${this.step}: ${what}`);
  }
}

async function demo(hre: HardhatRuntimeEnvironment): Promise<void> {
  if (hre.network.name !== "hardhat") {
    // It deploys a fresh system (replacing the deployments file) and moves the clock: never on a chain someone uses.
    throw new CliError(
      `hedge:demo runs on the in-process hardhat network only; network "${hre.network.name}" is not it`,
    );
  }
  const started = Date.now();
  const story = new Story(hre);
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "hedge-demo-"));
  const signatures = path.join(workDir, "approvals.json");

  say(`Hedge Council demo on the "${hre.network.name}" network: no single person can weaken the hedge.`);
  say();

  // 1. Deploy
  await story.run("hedge:deploy", { seats: "5", force: true, quiet: true, mockOracle: false, initialVix: "15" });
  const system = await openSystem(hre);
  const rules = await Promise.all([0, 1, 2].map((t) => system.council.tierRule(t)));
  story.line(
    `Deploy: 5 soulbound seats for accounts 1-5, a council, a timelock, the policy and a mock VIX oracle; the deployer keeps no role.`,
  );
  story.detail(
    `Tiers: Fast ${rules[0][0]}/5 now, Standard ${rules[1][0]}/5 + ${fmtDuration(rules[1][1])}, Critical ${rules[2][0]}/5 + ${fmtDuration(rules[2][1])}; veto ${await system.council.vetoThreshold()}/5.`,
  );
  story.check(
    rules.map((r) => Number(r[0])).join() === "2,3,4" && (await system.seats.seatCount()) === 5n,
    "expected 5 seats and thresholds 2/3/4",
  );

  // 2. The policy
  story.line("The hedge policy, ALVH 4/4/2 (version 1):");
  await printIndented(() => printPolicy(system));
  const v1 = await currentPolicy(system);
  story.check(v1.layers.map((l) => l.allocationBps).join() === "4000,4000,2000", "expected the 4/4/2 split");

  // 3. Volatility spike
  await story.run("hedge:oracle", { vix: "31.5", sync: true, from: "0" });
  const engaged = Number(await system.policy.engagedLayers());
  story.line(
    `The VIX jumps to 31.50; anyone syncs the layers: layers 0 and 1 engage (triggers VIX 20.00 and 28.00), layer 2 (VIX 35.00) waits.`,
  );
  story.check(engaged === 0b011, `expected layers 0 and 1 engaged, got mask ${engaged}`);

  // 4. A loosening proposal
  const change = "coverageBps=1500,layers.2.triggerVix=4000";
  const reason = "Less protection before the Fed day: coverage 15 %, layer 2 from VIX 40";
  const proposed = await story.run<ProposeResult>("hedge:propose", {
    kind: "policy",
    set: change,
    description: reason,
    from: "1",
    dryRun: false,
    offchain: false,
  });
  const id = proposed.id;
  const status = await proposalStatus(system, id);
  story.line(
    `Seat 1 proposes less protection before a Fed day (proposal ${shortId(id)}): it loosens, so the council classifies it ${TIER_NAMES[proposed.tier]}.`,
  );
  const next = structuredClone(v1);
  next.coverageBps = 1500;
  next.layers[2].triggerVix = 4000;
  for (const l of changesTable(policyChanges(v1, next))) story.detail(l);
  const [created] = await system.council.queryFilter(system.council.filters.ProposalCreated(id));
  const onChain = created.args.description;
  for (const l of descriptionBlock(onChain, "description, read back from ProposalCreated: ")) story.detail(l);
  story.check(
    proposed.tier === Tier.Critical && status.threshold === 4,
    "expected a Critical proposal needing 4 approvals",
  );
  story.check(onChain === reason, "expected the description on chain");

  // 5. One seat cannot force it
  const alone = await story.refused("hedge:queue", { id, from: "1" }, /1 approval .* needs 4/);
  story.line(`Seat 1 tries to force it through alone (hedge:queue): refused, nothing sent.`);
  story.detail(`"${alone}"`);

  // 6. Off-chain co-signing
  for (const seat of ["2", "3", "4"]) await story.run("hedge:sign", { id, from: seat, out: signatures });
  const file = JSON.parse(fs.readFileSync(signatures, "utf8")) as ApprovalsFile;
  const now = (await hre.ethers.provider.getBlock("latest"))!.timestamp;
  story.line(
    `Seats 2, 3 and 4 review it and co-sign off-chain (EIP-712) into one signatures file: each signature names its seat and counts for ${fmtDuration(DEFAULT_VALID_FOR_SECONDS)}.`,
  );
  for (const l of signatureLines(file, now)) story.detail(l.trim());
  story.check(
    file.signatures.map((s) => s.seatId).join() === "2,3,4" &&
      file.signatures.every((s) => Number(s.validUntil) === now + DEFAULT_VALID_FOR_SECONDS),
    "expected the signatures of seats 2, 3 and 4, each valid for the default time",
  );

  // 7. Relay and queue
  await story.run("hedge:approve", { signatures, from: "0" });
  const approved = await proposalStatus(system, id);
  await story.run("hedge:queue", { id, from: "0" });
  const queued = await proposalStatus(system, id);
  story.line(
    `Anyone relays the signatures (${approved.approvals}/${approved.threshold} approvals) and queues it: it may run from ${fmtTime(queued.eta)}, ${fmtDuration(queued.delay)} from now.`,
  );
  story.check(approved.approvals === 4 && queued.stateName === "Queued", "expected 4 approvals and a queued proposal");

  // 8. Too early
  const early = await story.refused("hedge:execute", { id, from: "0" }, /queued until/);
  story.line(`Someone tries to execute it at once: refused by the timelock delay, nothing sent.`);
  story.detail(`"${early}"`);

  // 9. Time passes
  await story.run("hedge:time", { advance: String(queued.delay) });
  story.line(`${fmtDuration(queued.delay)} pass: everyone had time to see the change coming (and to veto it).`);

  // 10. Execute
  await story.run("hedge:execute", { id, from: "0" });
  const version = await system.policy.version();
  story.line(`Anyone executes it through the timelock: the policy is now version ${version}.`);
  const v2 = await currentPolicy(system);
  story.check(
    version === 2n && v2.coverageBps === 1500 && v2.layers[2].triggerVix === 4000,
    "expected policy version 2 with the change",
  );

  // 11. The new policy
  story.line(`The new policy (coverage ${fmtBps(v2.coverageBps)}, layer 2 at VIX ${fmtVix(v2.layers[2].triggerVix)}):`);
  await printIndented(() => printPolicy(system));

  // 12. The audit
  story.line(`The audit replays the chain since the deployment and re-derives every rule (hedge:audit):`);
  let report: AuditReport | undefined;
  await printIndented(async () => {
    report = (await hre.run("hedge:audit", { chunkSize: "2000", noProgress: true })) as AuditReport | undefined;
  });
  story.check(report !== undefined, "the audit could not run");
  story.check(
    report!.findings.length === 0,
    `expected no findings, got: ${report!.findings.map((f) => f.message).join("; ")}`,
  );
  story.check(
    report!.proposals.some((p) => p.id === id && p.state === "Executed"),
    "expected the audit to rebuild the executed proposal",
  );

  fs.rmSync(workDir, { recursive: true, force: true });
  say();
  say(`Demo complete in ${((Date.now() - started) / 1000).toFixed(1)} s: every step behaved as shown.`);
}

async function printIndented(print: () => Promise<void>): Promise<void> {
  const sink = captureOutput();
  await withOutput(sink, print);
  sayLines(sink.lines.map((l) => `    ${l}`));
}

const demoAction = async (_args: Record<string, never>, hre: HardhatRuntimeEnvironment) => demo(hre);

export default demoAction;

// Shared machinery of the audit tests: a deployment record for a system deployed with `deploySystem`, an in-process
// audit, and one history that exercises every path the auditor replays (Fast nudges on chain and by `submit`,
// Standard and Critical changes, batch proposals, seats minted and burned, settings, a revocation, a veto with a
// cancel, an expired proposal, an open queued one, layers engaged and disengaged), each proposal with its own
// description (rules v3 keep it on chain).
import { expect } from "chai";
import hre from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { runAudit, type AuditReport, type Finding, type FindingKind } from "../../scripts/lib/audit";
import { vixToAnswer } from "../../scripts/lib/deploy";
import { recordDeployment, type Deployment } from "../../scripts/lib/deployments";
import {
  DAY,
  args,
  burnProposal,
  councilCall,
  deployCouncilSystem,
  hashProposal,
  mintProposal,
  nudgeProposal,
  pass,
  proposal,
  proposeAndApprove,
  proposeArgs,
  setPolicyCall,
  sign,
  updateDelayCall,
  withEdit,
  type CouncilSystem,
} from "../helpers/system";
import { toPolicyValues } from "../../scripts/lib/policy";

export type { CouncilSystem };

/** Deploys the 5-seat system of test/helpers/system and the deployment record `hedge:deploy` would write. */
export async function deployForAudit(): Promise<{ sys: CouncilSystem; deployment: Deployment }> {
  const sys = await deployCouncilSystem();
  const deployment = await recordDeployment(
    hre,
    sys.system,
    sys.deployer.address,
    sys.holders.map((h) => h.address),
  );
  return { sys, deployment };
}

/** Runs the audit in-process against the hardhat network. */
export async function audit(deployment: Deployment, chunkSize?: number): Promise<AuditReport> {
  const accounts = (await hre.network.provider.request({ method: "eth_accounts", params: [] })) as string[];
  return runAudit({
    rpc: hre.network.provider,
    deployment,
    network: hre.network.name,
    chunkSize,
    extraAccounts: accounts,
  });
}

/** Sets the mock VIX (hundredths) and syncs the layers. */
export async function setVix(sys: CouncilSystem, vix: number): Promise<void> {
  await sys.oracle.updateAnswer(vixToAnswer(vix));
  await sys.policy.connect(sys.stranger).syncLayers();
}

export interface History {
  /** Every proposal created, by name. */
  ids: Record<string, string>;
  /** Each proposal's description, by name. */
  descriptions: Record<string, string>;
}

/** The descriptions of the reference history's proposals: what ProposalCreated carries and the audit reports. */
export const HISTORY_DESCRIPTIONS = {
  standard: "Raise the coverage to 30 %: the desk doubled its condor book",
  nudgeOnChain: "Nudge the coverage up to 31 % ahead of the CPI print",
  nudgeSubmit: "Layer 1 engages at VIX 27 instead of 28",
  loosen: "Cut the coverage to 22 %\nThe hedge costs more than the book can carry this quarter.",
  expired: "Coverage back to 24 % (left to expire)",
  vetoed: "Give a seat to account 12",
  mint: "A sixth seat for account 11",
  burn: "Burn seat 2: its holder left",
  settings: "Standard tier: 3 approvals, 2 days; timelock minimum 2 days; nudges within 15 %, every hour",
  open: "Scale in by 30 % steps",
} as const;

/** Builds the reference history (about five weeks of chain time); every change in it follows the rules. */
export async function buildHistory(sys: CouncilSystem): Promise<History> {
  const { council, holders, policy } = sys;
  const ids: Record<string, string> = {};
  const d = HISTORY_DESCRIPTIONS;
  const current = async () => toPolicyValues(await policy.policy());
  const later = (days: number) => time.increase(Math.round(days * DAY));

  // The VIX climbs: layer 0 engages (trigger VIX 20).
  await later(1);
  await setVix(sys, 2_450);

  // Standard: coverage 25 % -> 30 %, by submit (3 signatures), executed after a day.
  await later(0.5);
  ids.standard = await pass(
    sys,
    proposal(
      [
        await setPolicyCall(
          sys,
          withEdit((p) => (p.coverageBps = 3_000), await current()),
        ),
      ],
      d.standard,
    ),
  );

  // Fast nudge on chain: propose + approve + execute.
  await later(1);
  const nudge = nudgeProposal(sys, 3_100, d.nudgeOnChain);
  ids.nudgeOnChain = await proposeAndApprove(sys, nudge, holders.slice(0, 2));
  await later(0.3);
  await council.connect(sys.stranger).execute(...args(nudge));

  // A spike: layer 1 engages; the steward lowers its trigger by submit (Fast, executed in the same transaction).
  await later(1);
  await setVix(sys, 3_120);
  await later(0.5);
  ids.nudgeSubmit = await pass(
    sys,
    proposal(
      [{ target: sys.addresses.policy, data: policy.interface.encodeFunctionData("nudgeTrigger", [1, 2_700]) }],
      d.nudgeSubmit,
    ),
  );

  // Critical loosening: propose, one on-chain approval, two relayed signatures, queue, wait 3 days, execute.
  await later(1);
  const loosen = proposal(
    [
      await setPolicyCall(
        sys,
        withEdit((p) => (p.coverageBps = 2_200), await current()),
      ),
    ],
    d.loosen,
  );
  ids.loosen = await proposeAndApprove(sys, loosen, holders.slice(0, 2));
  await later(0.5);
  await council.connect(sys.stranger).approveBySig(ids.loosen, await sign(sys, holders.slice(2, 4), ids.loosen));
  await council.connect(sys.stranger).queue(...args(loosen));
  await later(1.5);
  await setVix(sys, 2_380); // layer 1 disengages (23.80 + 2 < 27)
  await later(1.5);
  await council.connect(sys.stranger).execute(...args(loosen));

  // A proposal approved then revoked, left to expire (TTL 7 days).
  await later(1);
  const tighten = proposal(
    [
      await setPolicyCall(
        sys,
        withEdit((p) => (p.coverageBps = 2_400), await current()),
      ),
    ],
    d.expired,
  );
  ids.expired = await proposeAndApprove(sys, tighten, holders.slice(0, 2));
  await later(0.5);
  await council.connect(holders[1]).revoke(ids.expired);

  // A queued Critical proposal vetoed by two seats, then cancelled in the timelock.
  await later(1);
  const vetoed = mintProposal(sys, sys.strangers[1].address, d.vetoed);
  ids.vetoed = await proposeAndApprove(sys, vetoed, holders.slice(0, 4));
  await council.queue(...args(vetoed));
  await later(1);
  await council.connect(holders[3]).veto(ids.vetoed);
  await council.connect(holders[4]).veto(ids.vetoed);
  await council.connect(sys.stranger).cancel(...args(vetoed));

  // Seats: mint a sixth seat, then burn seat 2.
  await later(1);
  ids.mint = await pass(sys, mintProposal(sys, sys.strangers[0].address, d.mint));
  await later(1);
  ids.burn = await pass(sys, burnProposal(sys, 2, d.burn));

  // Settings, as one batch through the timelock: the Standard rule (3 approvals, 2 days), the timelock's delay,
  // the nudge limits. Approved by the new seat (account 6) among others.
  await later(2);
  const settings = proposal(
    [
      councilCall(sys, "setTierRule", [1, 3, 2 * DAY]),
      updateDelayCall(sys, 2 * DAY),
      { target: sys.addresses.policy, data: policy.interface.encodeFunctionData("setNudgeLimits", [1_500, 3_600]) },
    ],
    d.settings,
  );
  ids.settings = await pass(sys, settings, [holders[0], sys.strangers[0], holders[2], holders[3]]);

  // The VIX falls back: layer 0 disengages (15 + 2 < 20).
  await later(1);
  await setVix(sys, 1_500);

  // An open Standard proposal, queued, not executed yet.
  await later(1);
  const open = proposal(
    [
      await setPolicyCall(
        sys,
        withEdit((p) => (p.scaleStepBps = 3_000), await current()),
      ),
    ],
    d.open,
  );
  ids.open = await hashProposal(sys, open);
  const signed = await sign(sys, [holders[0], holders[2], holders[3]], ids.open);
  await council.connect(sys.stranger).submit(...proposeArgs(open), signed);
  await later(0.5);
  return { ids, descriptions: { ...d } };
}

/** Takes an in-process snapshot; the returned function restores it. */
export async function snapshot(): Promise<() => Promise<void>> {
  const id = await hre.network.provider.request({ method: "evm_snapshot", params: [] });
  return async () => {
    await hre.network.provider.request({ method: "evm_revert", params: [id] });
  };
}

/** The kinds of finding a report holds, each once, sorted. */
export function kinds(r: AuditReport): FindingKind[] {
  return [...new Set(r.findings.map((f) => f.kind))].sort();
}

/** The finding of `kind` whose message matches; fails the test, listing every finding, when there is none. */
export function findingOf(r: AuditReport, kind: FindingKind, match: RegExp): Finding {
  const found = r.findings.find((f) => f.kind === kind && match.test(f.message));
  expect(
    found,
    `no ${kind} finding matching ${match}; findings:\n${r.findings.map((f) => `[${f.kind}] ${f.message}`).join("\n")}`,
  ).to.exist;
  return found!;
}

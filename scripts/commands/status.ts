// hedge:status — everything a council member needs to see before acting: the policy, the VIX and the engaged
// layers, the seats, the tier rules and every open proposal, with an OUTDATED mark and its reason on those that can
// no longer run as they stand, and the first line of its description, read from the chain (`ProposalCreated`) and
// printed safely (./lib/descriptions: the text is whatever its proposer wrote). With --id, one proposal: what it does
// (the proposal view, scripts/lib/view.ts: as it ran once it is over), where it stands, and its timeline.
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { fmtBps, fmtDuration, fmtRelative, fmtTime, fmtVix, shortId, table, fmtLayers } from "../lib/format";
import { CliError, say, sayLines } from "../lib/output";
import { describeError } from "../lib/errors";
import { accountIndex } from "../lib/shell/signers";
import { displayPath, openSystem, sameAddress, type HedgeContracts, type HedgeSystem } from "../lib/deployments";
import { descriptionTitle } from "../lib/descriptions";
import { policyTable } from "../lib/policy-edit";
import {
  createdProposals,
  currentPolicy,
  liveSeatIds,
  parseProposalId,
  proposalStatus,
  requireProposal,
  staleness,
  type Staleness,
} from "../lib/proposals";
import { showProposal } from "../lib/show-proposal";
import { escapeUnsafe } from "../lib/untrusted";
import { COVERAGE_PARAMETER, nudgeBand, ProposalState, TIER_NAMES, Tier } from "../lib/council";

/**
 * The latest VIX level of the oracle the policy reads (not the deployments file's: see HedgeContracts.oracle) in
 * hundredths, with its time; null when the oracle does not answer.
 */
export async function latestVix(system: HedgeContracts): Promise<{ vix: number; updatedAt: number } | null> {
  const oracle = await system.oracle();
  try {
    const [decimals, round] = await Promise.all([oracle.decimals(), oracle.latestRoundData()]);
    const vix = (round.answer * 100n) / 10n ** BigInt(decimals);
    return { vix: Number(vix), updatedAt: Number(round.updatedAt) };
  } catch {
    return null;
  }
}

/** Prints the policy table with its version, hash and engaged layers. */
export async function printPolicy(system: HedgeSystem): Promise<void> {
  const [policy, version, hash, engaged] = await Promise.all([
    currentPolicy(system),
    system.policy.version(),
    system.policy.policyHash(),
    system.policy.engagedLayers(),
  ]);
  say(`Policy version ${version}, hash ${hash}`);
  sayLines(policyTable(policy, Number(engaged)));
}

export async function printStatus(
  hre: HardhatRuntimeEnvironment,
  system: HedgeSystem,
  options: { all?: boolean } = {},
): Promise<void> {
  const c = system.deployment.contracts;
  const now = Number((await hre.ethers.provider.getBlock("latest"))?.timestamp ?? 0);
  const accounts = await accountIndex(hre);
  const who = (address: string) => {
    const index = accounts.get(address.toLowerCase());
    return index === undefined ? address : `${address} (account ${index})`;
  };

  say(`Hedge Council on network "${hre.network.name}" (chain ${system.chainId}), ${displayPath(hre, system.file)}`);
  say(`  council ${c.council.address}   timelock ${c.timelock.address}`);
  say(`  policy  ${c.policy.address}   seats    ${c.seats.address}`);
  // The policy's oracle (checksummed by ethers), the mock only while it is the one hedge:deploy deployed.
  const oracle = await (await system.oracle()).getAddress();
  const mock = system.deployment.oracleIsMock && sameAddress(oracle, c.oracle.address);
  say(`  oracle  ${oracle}${mock ? " (mock)" : ""}`);
  if (c.upkeep) say(`  upkeep  ${c.upkeep.address} (HedgeUpkeep: keepers call checkUpkeep / performUpkeep)`);
  say();

  await printPolicy(system);
  const engaged = Number(await system.policy.engagedLayers());
  const latest = await latestVix(system);
  const layersText = `engaged layers: ${fmtLayers(engaged)}`;
  if (latest) {
    say(
      `VIX ${fmtVix(latest.vix)} (oracle answer of ${fmtTime(latest.updatedAt)}, ${fmtRelative(latest.updatedAt, now)}); ${layersText}`,
    );
    const policy = await currentPolicy(system);
    if (now - latest.updatedAt > policy.maxOracleAge) {
      say(
        `  stale: older than maxOracleAge ${fmtDuration(policy.maxOracleAge)}, so hedge:sync refuses it until the feed updates`,
      );
    }
    const due = policy.layers
      .map((_, i) => i)
      .filter((i) => policy.layers[i].triggerVix <= latest.vix && !((engaged >> i) & 1));
    if (due.length) say(`  layer ${due.join(", ")} trigger reached but not engaged yet: run hedge:sync`);
  } else {
    say(`VIX unavailable: the oracle did not answer; ${layersText}`);
  }
  say();

  const ids = await liveSeatIds(system);
  const [minted, max] = await Promise.all([system.seats.mintedCount(), system.seats.maxSeats()]);
  say(`Seats: ${ids.length} (${minted} of at most ${max} ever minted; seats are soulbound)`);
  const holders = await Promise.all(ids.map((id) => system.seats.ownerOf(id)));
  sayLines(
    table(
      ["seat", "holder"],
      ids.map((id, i) => [String(id), who(holders[i])]),
    ),
  );
  say();

  const rules = await Promise.all([0, 1, 2].map((t) => system.council.tierRule(t)));
  const [vetoThreshold, [ttl, grace], minDelay, [maxNudge, cooldown]] = await Promise.all([
    system.council.vetoThreshold(),
    system.council.expiry(),
    system.timelock.getMinDelay(),
    system.policy.nudgeLimits(),
  ]);
  say("Tier rules");
  sayLines(
    table(
      ["tier", "approvals", "delay", "covers"],
      [
        [TIER_NAMES[0], `${rules[0][0]} of ${ids.length}`, "none", "steward nudges only, executed by the council"],
        [TIER_NAMES[1], `${rules[1][0]} of ${ids.length}`, fmtDuration(rules[1][1]), "setPolicy that does not loosen"],
        [
          TIER_NAMES[2],
          `${rules[2][0]} of ${ids.length}`,
          fmtDuration(rules[2][1]),
          "loosening setPolicy and everything else",
        ],
      ],
    ),
  );
  say(
    `  veto: ${vetoThreshold} seats kill a proposal; timelock minimum delay ${fmtDuration(minDelay)}; proposals expire ${fmtDuration(ttl)} after creation unless queued, ${fmtDuration(grace)} after their eta unless executed`,
  );
  say();
  await printNudgeBands(system, Number(maxNudge), Number(cooldown));

  const proposals = await createdProposals(system);
  const rows: string[][] = [];
  const outdated: string[] = [];
  const describe = (text: string) => descriptionTitle(text) || "-";
  for (const p of proposals) {
    const s = await proposalStatus(system, p.id);
    const open = s.state === ProposalState.Pending || s.state === ProposalState.Queued;
    if (!options.all && !open) continue;
    // Only a proposal that may still run can be outdated; the others are over whatever the state says. A proposal's
    // calls go to contracts of its proposer's choosing: a rehearsal that fails in a way that is not a revert (an
    // INVALID opcode, a node error it provokes) is this proposal's line, never the end of the screen, so that no
    // proposal can hide the others. Its reason is quoted at its source and escaped again here (./lib/untrusted).
    let stale: Staleness | { outdated: "unknown"; reason: string } = { outdated: false };
    if (open) {
      try {
        stale = await staleness(system, p, (e) => describeError(hre, e));
      } catch (error) {
        stale = { outdated: "unknown", reason: await describeError(hre, error) };
      }
    }
    if (stale.outdated === true) outdated.push(`  ${shortId(p.id)} OUTDATED: ${escapeUnsafe(stale.reason)}`);
    if (stale.outdated === "unknown") {
      outdated.push(`  ${shortId(p.id)} NOT CHECKED: rehearsing its calls failed: ${escapeUnsafe(stale.reason)}`);
    }
    rows.push([
      shortId(p.id),
      s.tierName,
      `${s.approvals}/${s.threshold}`,
      s.vetoes ? `${s.vetoes}/${s.vetoThreshold}` : "-",
      stale.outdated === true
        ? `${s.stateName}, OUTDATED`
        : stale.outdated === "unknown"
          ? `${s.stateName}, NOT CHECKED`
          : s.stateName,
      s.eta ? `${fmtTime(s.eta)} (${fmtRelative(s.eta, now)})` : "-",
      open ? `${fmtTime(s.deadline)} (${fmtRelative(s.deadline, now)})` : "-",
      describe(p.description),
    ]);
  }
  say(
    `${options.all ? "Proposals" : "Open proposals"}: ${rows.length}${options.all ? "" : ` (of ${proposals.length}; --all lists every one)`}`,
  );
  if (rows.length)
    sayLines(table(["id", "tier", "approvals", "vetoes", "state", "eta", "expires", "description"], rows));
  if (outdated.length) {
    sayLines(outdated);
    if (outdated.some((l) => l.includes(" OUTDATED: ")))
      say("  An outdated proposal can never run as it stands: propose it again; sign, approve and queue refuse it.");
  }
}

/**
 * Each nudgeable parameter's baseline (the value the last approved setPolicy set) and the band the steward may move it
 * in, with its current value and when it may next be nudged: nudges never walk further than this band.
 */
async function printNudgeBands(system: HedgeSystem, maxNudgeBps: number, cooldown: number): Promise<void> {
  const [policy, [baselineCoverage, baselineTriggers], block] = await Promise.all([
    system.policy.policy(),
    system.policy.baseline(),
    system.policy.runner!.provider!.getBlock("latest"),
  ]);
  const now = block?.timestamp ?? Math.floor(Date.now() / 1000);
  const parameters = [...baselineTriggers.map((_, i) => i), COVERAGE_PARAMETER];
  const last = await Promise.all(parameters.map((p) => system.policy.lastNudgeAt(p)));
  const rows = parameters.map((parameter, i) => {
    const coverage = parameter === COVERAGE_PARAMETER;
    const base = Number(coverage ? baselineCoverage : baselineTriggers[parameter]);
    const current = Number(coverage ? policy.coverageBps : policy.layers[parameter].triggerVix);
    const band = nudgeBand(base, maxNudgeBps);
    const show = (v: number) => (coverage ? fmtBps(v) : `VIX ${fmtVix(v)}`);
    const readyAt = Number(last[i]) === 0 ? 0 : Number(last[i]) + cooldown;
    return [
      coverage ? "coverage" : `layer ${parameter} trigger`,
      show(base),
      `${show(band.min)} .. ${show(band.max)}`,
      current === base ? `${show(current)} (baseline)` : show(current),
      readyAt <= now ? "now" : `${fmtTime(readyAt)} (${fmtRelative(readyAt, now)})`,
    ];
  });
  say(
    `Nudges (Fast tier): within ${fmtBps(maxNudgeBps)} of the baseline, the value the last approved policy set; once per ${fmtDuration(cooldown)} per parameter`,
  );
  sayLines(table(["parameter", "baseline", "band", "now", "next nudge"], rows));
  say();
}

/**
 * One proposal (`--id`): what it does, as every seat command shows it (scripts/lib/view.ts) — judged against today's
 * policy while it may still run, as it ran once it is over — then where it stands and its timeline, vetoers named.
 */
export async function printProposal(hre: HardhatRuntimeEnvironment, system: HedgeSystem, idText: string) {
  const created = await requireProposal(system, parseProposalId(idText));
  const who = await namer(hre);
  const { view, stale } = await showProposal(hre, system, { ...created, id: created.id }, undefined, {
    timeline: true,
    nameOf: who,
  });
  const now = Number((await hre.ethers.provider.getBlock("latest"))?.timestamp ?? 0);
  const open = view.status === "Pending" || view.status === "Queued";
  const parts = [`State: ${view.status}${stale.outdated ? ", OUTDATED" : ""}`];
  if (open) parts.push(`${view.approvals} of ${view.threshold} approvals`);
  if (view.tier === Tier.Critical) parts.push(`${view.vetoes} of ${view.vetoThreshold} vetoes`);
  if (view.status === "Queued" && view.eta)
    parts.push(`executable from ${fmtTime(view.eta)} (${fmtRelative(view.eta, now)})`);
  if (open && view.deadline) parts.push(`expires ${fmtTime(view.deadline)} (${fmtRelative(view.deadline, now)})`);
  say(parts.join("; "));
  return view;
}

/** "0x… (account 2)" for the node's accounts, the address otherwise. */
async function namer(hre: HardhatRuntimeEnvironment): Promise<(address: string) => string> {
  const accounts = await accountIndex(hre);
  return (address: string) => {
    const index = accounts.get(address.toLowerCase());
    return index === undefined ? address : `${address} (account ${index})`;
  };
}

const statusAction = async (args: { all: boolean; id?: string }, hre: HardhatRuntimeEnvironment) => {
  const system = await openSystem(hre);
  if (args.id !== undefined) {
    if (args.all) throw new CliError("--all lists every proposal; --id shows one: give one of them");
    await printProposal(hre, system, args.id);
    return;
  }
  await printStatus(hre, system, { all: args.all });
};

export default statusAction;

// hedge:status — everything a council member needs to see before acting: the policy, the VIX and the engaged
// layers, the seats, the tier rules and every open proposal, with an OUTDATED mark and its reason on those that can
// no longer run as they stand, and the first line of its description, read from the chain (`ProposalCreated`) and
// printed safely (./lib/descriptions: the text is whatever its proposer wrote). The council's shared queue is one
// list: beside the proposals on chain, the signatures files of the proposals folder (../lib/proposal-queue), each
// "off-chain" with the signatures that count of its tier's threshold, and a file that fails its checks as DAMAGED
// in one line. Under every row, its change in one line (the proposal view's judgement, scripts/lib/view.ts
// `proposalSummaries`). With --id (the id or a unique prefix, on chain or in the folder), one proposal: what it does
// (the proposal view: as it ran once it is over), where it stands, and its timeline.
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { callsOf, readApprovalsFile, signatureLines } from "../lib/approvals-file";
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
  proposalStatus,
  staleness,
  type Calls,
  type Staleness,
} from "../lib/proposals";
import {
  offchainStanding,
  readOffchainQueue,
  resolveProposalId,
  unknownIdText,
  type OffchainProposal,
} from "../lib/proposal-queue";
import { showProposal } from "../lib/show-proposal";
import { escapeUnsafe } from "../lib/untrusted";
import { proposalSummaries, type ProposalInput, type ProposalSummary } from "../lib/view";
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
  if (system.upkeep) {
    // An upkeep deployed before CRE has no forwarder(): nothing to show.
    const cre = await Promise.all([
      system.upkeep.forwarder(),
      system.upkeep.workflowId(),
      system.upkeep.workflowOwner(),
    ]).catch(() => undefined);
    if (cre && BigInt(cre[0]) === 0n) say("  cre     off (onReport refuses every report)");
    else if (cre) say(`  cre     workflow ${cre[1]} (owner ${cre[2]}) from the forwarder ${cre[0]}`);
  }
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
  /** What each row shows, for its summary line: the id with its calls and description. */
  const shown: ProposalInput[] = [];
  const outdated: string[] = [];
  const describe = (text: string) => descriptionTitle(text) || "-";
  // Only a proposal that may still run can be outdated; the others are over whatever the state says. A proposal's
  // calls go to contracts of its proposer's choosing: a rehearsal that fails in a way that is not a revert (an
  // INVALID opcode, a node error it provokes) is this proposal's line, never the end of the screen, so that no
  // proposal can hide the others. Its reason is quoted at its source and escaped again here (./lib/untrusted).
  const judge = async (p: Calls & { id: string }, tier: number) => {
    let stale: Staleness | { outdated: "unknown"; reason: string } = { outdated: false };
    try {
      stale = await staleness(system, { ...p, tier }, (e) => describeError(hre, e));
    } catch (error) {
      stale = { outdated: "unknown", reason: await describeError(hre, error) };
    }
    if (stale.outdated === true) outdated.push(`  ${shortId(p.id)} OUTDATED: ${escapeUnsafe(stale.reason)}`);
    if (stale.outdated === "unknown") {
      outdated.push(`  ${shortId(p.id)} NOT CHECKED: rehearsing its calls failed: ${escapeUnsafe(stale.reason)}`);
    }
    return stale.outdated === true ? ", OUTDATED" : stale.outdated === "unknown" ? ", NOT CHECKED" : "";
  };
  for (const p of proposals) {
    const s = await proposalStatus(system, p.id);
    const open = s.state === ProposalState.Pending || s.state === ProposalState.Queued;
    if (!options.all && !open) continue;
    const mark = open ? await judge(p, s.tier) : "";
    rows.push([
      shortId(p.id),
      s.tierName,
      `${s.approvals}/${s.threshold}`,
      s.vetoes ? `${s.vetoes}/${s.vetoThreshold}` : "-",
      `${s.stateName}${mark}`,
      s.eta ? `${fmtTime(s.eta)} (${fmtRelative(s.eta, now)})` : "-",
      open ? `${fmtTime(s.deadline)} (${fmtRelative(s.deadline, now)})` : "-",
      describe(p.description),
    ]);
    shown.push({ ...p, id: p.id });
  }
  const onChainRows = rows.length;

  // The proposals folder: every file checked; a file of a proposal on chain is that proposal's (listed above).
  const queue = await readOffchainQueue(hre, system, new Set(proposals.map((p) => p.id.toLowerCase())));
  for (const q of queue.proposals) {
    rows.push(await offchainRow(hre, system, q, now, judge, outdated));
    shown.push({ id: q.id, ...callsOf(q.content), description: q.content.description });
  }
  const damaged = queue.damaged.map((d) => `  ${shortId(d.id)} DAMAGED: ${escapeUnsafe(d.reason)}`);

  const offchain =
    queue.proposals.length + queue.damaged.length > 0
      ? ` and ${queue.proposals.length} off-chain in ${queue.dirName}${queue.damaged.length ? `, ${queue.damaged.length} damaged` : ""}`
      : "";
  const elsewhere = queue.elsewhere
    ? `; ${queue.elsewhere} file${queue.elsewhere === 1 ? "" : "s"} for another chain or council left out${offchain ? "" : ` of ${queue.dirName}`}`
    : "";
  say(
    `${options.all ? "Proposals" : "Open proposals"}: ${onChainRows}${options.all ? "" : ` (of ${proposals.length}; --all lists every one)`}${offchain}${elsewhere}`,
  );
  if (rows.length) {
    const summaries = await proposalSummaries({ rpc: hre.network.provider, deployment: system.deployment }, shown);
    const lines = table(["id", "tier", "approvals", "vetoes", "state", "eta", "expires", "description"], rows);
    // Each row's change on the line under it, below the id column: a list has no room for the view's tables.
    const indent = " ".repeat(lines[1].indexOf("  ", 2) + 2);
    sayLines([
      lines[0],
      lines[1],
      ...rows.flatMap((_, i) => [
        lines[i + 2],
        `${indent}change: ${summaryText(summaries.get(shown[i].id.toLowerCase()))}`,
      ]),
    ]);
  }
  sayLines(damaged);
  if (outdated.length) {
    sayLines(outdated);
    if (outdated.some((l) => l.includes(" OUTDATED: ")))
      say("  An outdated proposal can never run as it stands: propose it again; sign, approve and queue refuse it.");
  }
}

/** A row's summary, in words: the change; or why it is refused (its calls are not its id's) or could not be judged. */
function summaryText(summary: ProposalSummary | undefined): string {
  if (!summary) return "-";
  if ("summary" in summary) return summary.summary;
  if ("refused" in summary) return `REFUSED: ${escapeUnsafe(summary.refused)}`;
  return `not judged: ${escapeUnsafe(summary.unavailable)}`;
}

/**
 * The row of a proposal of the folder: its tier (the council's `tierOf`), the signatures that count of its threshold,
 * "off-chain" (with its expired signatures, and OUTDATED like any proposal that may still run), the earliest deadline
 * of a signature that counts, and its description. A council that cannot judge its calls makes it NOT CHECKED.
 */
async function offchainRow(
  hre: HardhatRuntimeEnvironment,
  system: HedgeSystem,
  q: OffchainProposal,
  now: number,
  judge: (p: Calls & { id: string }, tier: number) => Promise<string>,
  notes: string[],
): Promise<string[]> {
  const title = descriptionTitle(q.content.description) || "-";
  let standing;
  try {
    standing = await offchainStanding(system, q.content, now);
  } catch (error) {
    const why = await describeError(hre, error);
    notes.push(`  ${shortId(q.id)} NOT CHECKED: the council cannot judge its calls (tierOf): ${escapeUnsafe(why)}`);
    return [shortId(q.id), "-", "-", "-", "off-chain, NOT CHECKED", "-", "-", title];
  }
  const mark = await judge({ ...callsOf(q.content), id: q.id }, standing.tier);
  const expired = standing.expired ? `, ${standing.expired} expired` : "";
  const first = standing.firstDeadline;
  return [
    shortId(q.id),
    TIER_NAMES[standing.tier] ?? String(standing.tier),
    `${standing.counted}/${standing.threshold}`,
    "-",
    `off-chain${expired}${mark}`,
    "-",
    first === null ? "-" : `${fmtTime(first)} (${fmtRelative(first, now)}; first signature)`,
    title,
  ];
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
 * One proposal (`--id`: its id or a unique prefix, on chain or in the proposals folder): what it does, as every seat
 * command shows it (scripts/lib/view.ts) — judged against today's policy while it may still run, as it ran once it is
 * over — then where it stands and its timeline, vetoers named. One only in the folder is read from its signatures
 * file (checked in full, as every command reads it), with its signatures and what they count for.
 */
export async function printProposal(hre: HardhatRuntimeEnvironment, system: HedgeSystem, idText: string) {
  const found = await resolveProposalId(hre, system, idText);
  if (!found) throw new CliError(unknownIdText(hre, system, idText));
  const who = await namer(hre);
  const now = Number((await hre.ethers.provider.getBlock("latest"))?.timestamp ?? 0);
  if (!found.onChain) return printOffchain(hre, system, found.id, found.file!, now, who);
  const created = found.onChain;
  const { view, stale } = await showProposal(hre, system, { ...created, id: created.id }, undefined, {
    timeline: true,
    nameOf: who,
  });
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

/** A proposal only in the folder: the view of its file's calls and description, its signatures, where it stands. */
async function printOffchain(
  hre: HardhatRuntimeEnvironment,
  system: HedgeSystem,
  id: string,
  file: string,
  now: number,
  who: (address: string) => string,
) {
  const name = displayPath(hre, file);
  const expect = { chainId: system.chainId, council: system.deployment.contracts.council.address, proposalId: id };
  const content = await readApprovalsFile(file, name, expect, hre.ethers.provider);
  const input = { ...callsOf(content), id, description: content.description };
  const { view, stale } = await showProposal(hre, system, input, undefined, { timeline: true, nameOf: who });
  const standing = await offchainStanding(system, content, now);
  say(`Signatures in ${name}:`);
  sayLines(content.signatures.length ? signatureLines(content, now) : ["  none"]);
  const parts = [
    `State: off-chain (${name})${stale.outdated ? ", OUTDATED" : ""}`,
    `${standing.counted} of ${standing.threshold} signatures that count`,
  ];
  if (standing.expired) parts.push(`${standing.expired} expired`);
  if (standing.revoked) parts.push(`${standing.revoked} by an address that revoked it`);
  if (standing.firstDeadline !== null) {
    parts.push(`the first deadline ${fmtTime(standing.firstDeadline)} (${fmtRelative(standing.firstDeadline, now)})`);
  }
  say(parts.join("; "));
  say(
    standing.counted >= standing.threshold
      ? `Next: anyone relays it with \`hedge:submit --signatures ${name}\`.`
      : `Next: co-signers run \`hedge:sign --id ${id} --from <account>\`; once ${standing.threshold} count, anyone \`hedge:submit --signatures ${name}\`.`,
  );
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

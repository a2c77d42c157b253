// The audit's summary on the terminal: what was replayed, one line per check, every finding in one line, and the
// proposals with their descriptions from the chain.
import { descriptionBlock } from "../../descriptions";
import { escapeUnsafe } from "../../untrusted";
import { fmtInt, fmtTime, shortId, table } from "../../format";
import type { AuditReport, ProposalReport } from "../types";

/** The terminal lists at most this many proposals (those with findings first, then the latest); the files list all. */
export const TERMINAL_PROPOSALS = 50;
/** Lines of one description on the terminal; the files have the whole text. */
export const TERMINAL_DESCRIPTION_LINES = 6;

const plural = (n: number, word: string) => `${fmtInt(n)} ${word}${n === 1 ? "" : "s"}`;

function breakdown(entries: [string, number][]): string {
  const parts = entries.filter(([, n]) => n > 0).map(([k, n]) => `${k} ${fmtInt(n)}`);
  return parts.length ? parts.join(", ") : "-";
}

/** The summary as lines of text (no colours, so it reads the same in a log). */
export function terminalSummary(r: AuditReport, files: string[] = []): string[] {
  const s = r.summary;
  const lines: string[] = [];
  lines.push(
    `Hedge Council audit: network "${r.network.name}" (chain ${r.network.chainId}), blocks ${fmtInt(r.range.fromBlock)}..${fmtInt(r.range.toBlock)} (${fmtTime(r.range.fromTimestamp)} .. ${fmtTime(r.range.toTimestamp)})`,
  );
  lines.push(
    `  replayed ${plural(r.stats.events, "event")} in ${plural(r.stats.transactions, "transaction")} (${plural(r.stats.chunks, "chunk")} of ${plural(r.stats.chunkSize, "block")}) in ${(r.stats.durationMs / 1000).toFixed(1)} s, ${fmtInt(r.stats.eventsPerSecond)} events/s`,
  );
  lines.push("");
  const versionsBy = new Map<string, number>();
  for (const v of r.policyVersions) versionsBy.set(v.via, (versionsBy.get(v.via) ?? 0) + 1);
  const changesBy = new Map<string, number>();
  for (const c of r.settingsChanges)
    if (c.source.kind !== "deployment") changesBy.set(c.kind, (changesBy.get(c.kind) ?? 0) + 1);
  const engaged = r.layerEvents.filter((e) => e.engaged).length;
  lines.push(
    ...table(
      ["replayed", "count", "detail"],
      [
        [
          "proposals",
          fmtInt(s.proposals),
          `${breakdown(Object.entries(s.proposalsByState))}; tiers ${breakdown(Object.entries(s.proposalsByTier))}`,
        ],
        [
          "approvals",
          fmtInt(s.approvals),
          breakdown(countBy(r.proposals.flatMap((p) => p.approvals.map((a) => a.via)))),
        ],
        [
          "policy versions",
          fmtInt(s.policyVersions),
          `${breakdown([...versionsBy])}; now version ${r.replayed.version}`,
        ],
        [
          "settings changes",
          fmtInt([...changesBy.values()].reduce((a, b) => a + b, 0)),
          `${breakdown([...changesBy])} (after deployment)`,
        ],
        [
          "seats",
          fmtInt(r.seats.length),
          `minted ${fmtInt(s.seatsMinted)}, burned ${fmtInt(s.seatsBurned)}, live ${fmtInt(r.replayed.seats.seatCount)}`,
        ],
        [
          "layer events",
          fmtInt(s.layerEvents),
          `engaged ${fmtInt(engaged)}, disengaged ${fmtInt(s.layerEvents - engaged)}`,
        ],
      ],
    ),
  );
  lines.push("");
  lines.push(
    ...table(
      ["check", "result", "findings", "what is checked"],
      r.checks.map((c) => [c.name, c.status === "pass" ? "pass" : "FAIL", String(c.findings), c.description]),
    ),
  );
  lines.push("");
  // Findings and notes read the chain (and a report may be read back from a file): escaped (../../untrusted).
  for (const note of r.notes) lines.push(`Note: ${escapeUnsafe(note)}.`);
  if (r.notes.length) lines.push("");
  if (r.findings.length === 0) {
    lines.push("No findings: every change followed the rules, and the live state is what they produced.");
  } else {
    lines.push(`Findings: ${fmtInt(r.findings.length)}`);
    r.findings.forEach((f, i) => {
      const tx = f.at ? `${f.at.tx.slice(0, 10)}…` : "";
      const where = f.at ? ` (block ${fmtInt(f.at.block)}${f.message.includes(tx) ? "" : `, tx ${tx}`})` : "";
      lines.push(`  ${String(i + 1).padStart(3)}. [${escapeUnsafe(f.kind)}] ${escapeUnsafe(f.message)}${where}`);
    });
  }
  lines.push(...proposalLines(r));
  for (const file of files) lines.push(`Wrote ${file}`);
  return lines;
}

/**
 * The proposals, each on one line (id, re-derived tier, state) followed by its description from `ProposalCreated`:
 * the proposer's words, with control and bidirectional characters written \u{…} and continuation lines behind a
 * "│ " gutter, so that no text can pass for a line of the audit. Nothing when there is no proposal.
 */
function proposalLines(r: AuditReport): string[] {
  if (r.proposals.length === 0) return [];
  const shown = shownProposals(r.proposals);
  const out = [
    "",
    shown.length === r.proposals.length
      ? `Proposals: ${fmtInt(r.proposals.length)}, with their descriptions from the chain`
      : `Proposals: ${fmtInt(r.proposals.length)}; ${fmtInt(shown.length)} listed (those with findings, then the latest; the JSON report has every one), with their descriptions from the chain`,
  ];
  // The state says how many findings name the proposal, before the text: a description cannot forge or hide it.
  const state = (p: ProposalReport) => (p.findings ? `${p.state} (${plural(p.findings, "finding")})` : p.state);
  const tierWidth = Math.max(...shown.map((p) => p.derivedTier.length));
  const stateWidth = Math.max(...shown.map((p) => state(p).length));
  for (const p of shown) {
    const prefix = `  ${shortId(p.id)}  ${p.derivedTier.padEnd(tierWidth)}  ${state(p).padEnd(stateWidth)}  `;
    const text = p.description ?? "";
    if (text.trim() === "") {
      out.push(`${prefix}(no description)`);
      continue;
    }
    const block = descriptionBlock(text, prefix);
    const kept = block.slice(0, TERMINAL_DESCRIPTION_LINES);
    if (block.length > kept.length) {
      const gutter = `${" ".repeat(Math.max(prefix.length - 2, 0))}│ `;
      kept.push(`${gutter}… ${plural(block.length - kept.length, "more line")}`);
    }
    out.push(...kept);
  }
  return out;
}

/** At most TERMINAL_PROPOSALS proposals, in creation order: every one with findings first, then the latest. */
function shownProposals(all: ProposalReport[]): ProposalReport[] {
  if (all.length <= TERMINAL_PROPOSALS) return all;
  const keep = new Set<number>();
  all.forEach((p, i) => {
    if (p.findings && keep.size < TERMINAL_PROPOSALS) keep.add(i);
  });
  for (let i = all.length - 1; i >= 0 && keep.size < TERMINAL_PROPOSALS; i--) keep.add(i);
  return [...keep].sort((a, b) => a - b).map((i) => all[i]);
}

function countBy(items: string[]): [string, number][] {
  const m = new Map<string, number>();
  for (const i of items) m.set(i, (m.get(i) ?? 0) + 1);
  return [...m];
}

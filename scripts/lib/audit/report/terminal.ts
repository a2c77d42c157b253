// The audit's summary on the terminal: what was replayed, one line per check, and every finding in one line.
import { descriptionTitle } from "../../descriptions";
import { fmtInt, fmtTime, shortId, table } from "../../format";
import type { AuditReport } from "../types";

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
  for (const note of r.notes) lines.push(`Note: ${note}.`);
  if (r.notes.length) lines.push("");
  if (r.findings.length === 0) {
    lines.push("No findings: every change followed the rules, and the live state is what they produced.");
  } else {
    lines.push(`Findings: ${fmtInt(r.findings.length)}`);
    r.findings.forEach((f, i) => {
      const tx = f.at ? `${f.at.tx.slice(0, 10)}…` : "";
      const where = f.at ? ` (block ${fmtInt(f.at.block)}${f.message.includes(tx) ? "" : `, tx ${tx}`})` : "";
      lines.push(`  ${String(i + 1).padStart(3)}. [${f.kind}] ${f.message}${where}`);
    });
  }
  lines.push(...describedProposals(r));
  for (const file of files) lines.push(`Wrote ${file}`);
  return lines;
}

/** The proposals the audit was given a description of, each with its title; nothing when there is none. */
function describedProposals(r: AuditReport): string[] {
  const described = r.proposals.filter((p) => p.description !== undefined);
  if (described.length === 0) return [];
  return [
    `Descriptions: ${fmtInt(described.length)} of ${plural(r.proposals.length, "proposal")}`,
    ...described.map((p) => `  ${shortId(p.id)}  ${descriptionTitle(p.description!, 100)}`),
  ];
}

function countBy(items: string[]): [string, number][] {
  const m = new Map<string, number>();
  for (const i of items) m.set(i, (m.get(i) ?? 0) + 1);
  return [...m];
}

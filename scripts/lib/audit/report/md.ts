// `--md FILE`: the report as Markdown, for a pull request, an issue or a wiki page.
import { fmtDuration, fmtDurationExact, fmtInt, fmtTime, fmtVix } from "../../format";
import { descriptionLines } from "../../descriptions";
import { changesText, fmtFieldValue as fmtField } from "../../council";
import type { AuditReport, ChangeSource, ChainPoint } from "../types";
import { proposalColumns } from "./columns";

const esc = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");
const short = (hash: string) => `\`${hash.slice(0, 10)}…\``;
const at = (p: ChainPoint) => `block ${fmtInt(p.block)}, ${fmtTime(p.timestamp)}`;

function mdTable(headers: string[], rows: string[][]): string[] {
  return [
    `| ${headers.join(" | ")} |`,
    `| ${headers.map(() => "---").join(" | ")} |`,
    ...rows.map((r) => `| ${r.map(esc).join(" | ")} |`),
  ];
}

/**
 * A description as the text of one table cell: its lines joined, the Markdown characters that make inline markup
 * escaped. The text is the proposer's (from `ProposalCreated`), so it must not become an image (a request to a
 * server), a link under other words or HTML in the rendered report. An empty one is "-".
 */
export function mdDescription(text: string): string {
  if (text.trim() === "") return "-";
  return descriptionLines(text)
    .map((l) => l.replace(/[\\`*_[\]<>!~&]/g, (c) => `\\${c}`))
    .join(" / ");
}

export function sourceText(s: ChangeSource): string {
  if (s.kind === "deployment") return "deployment";
  if (s.kind === "proposal") return `${s.tier} proposal ${s.proposalId.slice(0, 10)}…`;
  return "**no governance**";
}

/** The whole report in Markdown. Long lists are cut at `limit` rows (the JSON report has them all). */
export function markdownReport(r: AuditReport, limit = 500): string {
  const out: string[] = [];
  const cut = <T>(items: T[], what: string): T[] => {
    if (items.length > limit)
      out.push(
        `_${fmtInt(items.length)} ${what}; the first ${fmtInt(limit)} are listed (the JSON report has every one)._`,
        "",
      );
    return items.slice(0, limit);
  };
  out.push(`# Hedge Council audit`, "");
  out.push(
    `Network \`${r.network.name}\` (chain ${r.network.chainId}), blocks ${fmtInt(r.range.fromBlock)}..${fmtInt(r.range.toBlock)} (${fmtTime(r.range.fromTimestamp)} .. ${fmtTime(r.range.toTimestamp)}). ` +
      `Replayed ${fmtInt(r.stats.events)} events in ${fmtInt(r.stats.transactions)} transactions in ${(r.stats.durationMs / 1000).toFixed(1)} s.`,
    "",
  );
  out.push(
    `**${r.findings.length === 0 ? "No findings" : `${fmtInt(r.findings.length)} finding${r.findings.length === 1 ? "" : "s"}`}.**`,
    "",
  );
  for (const note of r.notes) out.push(`> Note: ${note}.`, "");
  out.push("## Checks", "");
  out.push(
    ...mdTable(
      ["check", "result", "findings", "what is checked"],
      r.checks.map((c) => [c.name, c.status === "pass" ? "pass" : "**FAIL**", String(c.findings), c.description]),
    ),
    "",
  );
  if (r.findings.length) {
    out.push("## Findings", "");
    out.push(
      ...mdTable(
        ["#", "kind", "message", "where"],
        r.findings.map((f, i) => [
          String(i + 1),
          `\`${f.kind}\``,
          f.message,
          f.at ? `${at(f.at)}, tx ${f.at.tx.slice(0, 10)}…` : (f.subject ?? "live state"),
        ]),
      ),
      "",
    );
  }
  out.push("## Proposals", "");
  const { headers } = proposalColumns(r);
  out.push(
    ...mdTable(
      headers,
      cut(r.proposals, "proposals").map((p) => [
        short(p.id),
        `${p.recordedTier} / ${p.derivedTier}`,
        p.state + (p.findings ? ` (${p.findings} finding${p.findings === 1 ? "" : "s"})` : ""),
        (p.approvalsAtExecution ?? p.approvalsAtQueue)
          ? `${(p.approvalsAtExecution ?? p.approvalsAtQueue)!.count} of ${(p.approvalsAtExecution ?? p.approvalsAtQueue)!.threshold}`
          : `${p.approvals.filter((a) => !a.revokedAt).length}`,
        at(p.created),
        p.queued ? `${at(p.queued)} (eta ${fmtTime(p.queued.eta)})` : "-",
        p.executed
          ? `${at(p.executed)}${p.executed.waited !== null ? ` (waited ${fmtDuration(p.executed.waited)})` : ""}`
          : "-",
        p.calls.map((c) => c.summary).join("; "),
        mdDescription(p.description ?? ""),
      ]),
    ),
    "",
  );
  out.push("## Policy versions", "");
  out.push(
    ...mdTable(
      ["version", "hash", "when", "source", "via", "changes"],
      cut(r.policyVersions, "policy versions").map((v) => [
        String(v.version),
        short(v.hash),
        at(v.at),
        sourceText(v.source),
        v.via,
        v.via === "deployment" ? "initial policy" : v.changes.length ? changesText(v.changes) : "-",
      ]),
    ),
    "",
  );
  const latest = r.policyVersions.at(-1)?.policy;
  if (latest) {
    out.push(`Version ${r.replayed.version} in full:`, "");
    out.push(
      ...mdTable(
        ["layer", "allocation", "tenor", "trigger", "instrument"],
        latest.layers.map((l, i) => [
          String(i),
          fmtField("allocationBps", l.allocationBps),
          fmtField("tenorDays", l.tenorDays),
          fmtField("triggerVix", l.triggerVix),
          fmtField("instrument", l.instrument),
        ]),
      ),
      "",
      `Coverage ${fmtField("coverageBps", latest.coverageBps)}, scale step ${fmtField("scaleStepBps", latest.scaleStepBps)}, short delta ${(latest.shortDeltaMinBps / 10_000).toFixed(2)}..${(latest.shortDeltaMaxBps / 10_000).toFixed(2)}, wing ${latest.wingWidthPts} pts, ${latest.targetDte} DTE, hysteresis VIX ${fmtVix(latest.hysteresisVix)}, oracle age ${fmtDurationExact(latest.maxOracleAge)}.`,
      "",
    );
  }
  out.push("## Settings changes", "");
  out.push(
    ...mdTable(
      ["when", "kind", "change", "source"],
      cut(r.settingsChanges, "settings changes").map((c) => [at(c.at), c.kind, c.description, sourceText(c.source)]),
    ),
    "",
  );
  out.push("## Seats", "");
  out.push(
    ...mdTable(
      ["seat", "holder", "minted", "burned"],
      r.seats.map((s) => [
        String(s.seat),
        s.holder,
        `${at(s.minted)} (${sourceText(s.minted.source)})`,
        s.burned ? `${at(s.burned)} (${sourceText(s.burned.source)})` : "-",
      ]),
    ),
    "",
  );
  out.push("## Layer engagements", "");
  out.push(
    ...(r.layerEvents.length
      ? mdTable(
          ["when", "layer", "event", "VIX"],
          cut(r.layerEvents, "layer events").map((e) => [
            at(e.at),
            String(e.layer),
            e.engaged ? "engaged" : "disengaged",
            e.vix ? fmtVix(e.vix) : "(layer removed)",
          ]),
        )
      : ["No layer engaged or disengaged."]),
    "",
  );
  return `${out.join("\n")}\n`;
}

// `--html FILE`: one self-contained page (inline CSS and SVG, no script, no external resource) that opens offline.
// Its timeline shows the VIX readings with each layer's trigger, the bands where layers were engaged, a marker per
// policy version, a bar per proposal from creation to execution (or veto, expiry, now) and the findings.
import { descriptionLines, descriptionTitle } from "../../descriptions";
import { fmtDuration, fmtInt, fmtTime, fmtVix } from "../../format";
import { changesText } from "../../council";
import type { AuditReport, ChainPoint, ProposalReport } from "../types";
import { sourceText } from "./md";
import { proposalColumns } from "./columns";

const WIDTH = 1200;
const LEFT = 110;
const RIGHT = 20;
const LAYER_COLORS = ["#2b8a3e", "#e67700", "#c92a2a", "#5f3dc4", "#1864ab"];
const TIER_COLORS: Record<string, string> = { Fast: "#0ca678", Standard: "#1c7ed6", Critical: "#ae3ec9" };
/** At most this many proposal bars are drawn (the most recent); the tables and the JSON report have them all. */
export const MAX_BARS = 2_000;
const MAX_LANES = 24;

const esc = (text: string | number) =>
  String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const f1 = (n: number) => (Math.round(n * 10) / 10).toString();
const shortId = (id: string) => `${id.slice(0, 10)}…`;
const when = (p: ChainPoint) => `block ${fmtInt(p.block)}, ${fmtTime(p.timestamp)}`;

const TICKS = [
  60,
  300,
  900,
  3_600,
  6 * 3_600,
  12 * 3_600,
  86_400,
  2 * 86_400,
  7 * 86_400,
  14 * 86_400,
  30 * 86_400,
  90 * 86_400,
  365 * 86_400,
];

/** Where a proposal's bar ends: when it ran, was vetoed, expired, or the audited block for open ones. */
function barEnd(p: ProposalReport, now: number): number {
  if (p.executed) return p.executed.timestamp;
  if (p.vetoed) return p.vetoed.timestamp;
  if (p.expiredAt !== undefined) return Math.min(p.expiredAt, now);
  return now;
}

/** The timeline as an SVG element. */
export function timelineSvg(r: AuditReport): string {
  const t0 = r.range.fromTimestamp;
  const t1 = Math.max(r.range.toTimestamp, t0 + 1);
  const span = t1 - t0;
  const x = (t: number) => LEFT + ((Math.min(Math.max(t, t0), t1) - t0) / span) * (WIDTH - LEFT - RIGHT);
  const parts: string[] = [];
  let y = 30;

  // ---- time axis
  const step = TICKS.find((s) => span / s <= 10) ?? 365 * 86_400;
  const axis: string[] = [];
  for (let t = Math.ceil(t0 / step) * step; t <= t1; t += step) {
    const label = new Date(t * 1000)
      .toISOString()
      .replace("T", " ")
      .slice(step >= 86_400 ? 0 : 5, step >= 86_400 ? 10 : 16);
    axis.push(
      `<line class="grid" x1="${f1(x(t))}" x2="${f1(x(t))}" y1="22" y2="__BOTTOM__"/><text class="tick" x="${f1(x(t))}" y="16" text-anchor="middle">${esc(label)}</text>`,
    );
  }
  parts.push(`<g class="axis">${axis.join("")}</g>`);

  // ---- VIX readings and triggers
  const vixTop = y;
  const vixHeight = 150;
  const readings = r.vix;
  const versions = r.policyVersions.filter((v) => v.policy);
  const triggers = versions.flatMap((v) => v.policy!.layers.map((l) => l.triggerVix));
  const maxVix = Math.max(1, ...readings.map((v) => v.vix), ...triggers) * 1.1;
  const yv = (v: number) => vixTop + vixHeight - (v / maxVix) * vixHeight;
  parts.push(`<text class="row-label" x="8" y="${vixTop + 14}">VIX</text>`);
  parts.push(`<rect class="panel" x="${LEFT}" y="${vixTop}" width="${WIDTH - LEFT - RIGHT}" height="${vixHeight}"/>`);
  for (const level of [10, 20, 30, 40, 50, 60, 80, 100]) {
    if (level * 100 > maxVix) break;
    parts.push(`<text class="tick" x="${LEFT - 6}" y="${f1(yv(level * 100) + 4)}" text-anchor="end">${level}</text>`);
  }
  // Each layer's trigger over time, a dashed step line per layer.
  for (let layer = 0; layer < 5; layer++) {
    // A point only where the trigger changes (thousands of nudges of other fields draw nothing).
    const segments: string[] = [];
    let last: number | null = null;
    for (const v of versions) {
      const trigger = v.policy!.layers[layer]?.triggerVix;
      const at = f1(x(v.at.timestamp));
      if (trigger === undefined) {
        if (last !== null) segments.push(`L${at},${f1(yv(last))}`);
        last = null;
        continue;
      }
      if (last === null) segments.push(`M${at},${f1(yv(trigger))}`);
      else if (last !== trigger) segments.push(`L${at},${f1(yv(last))} L${at},${f1(yv(trigger))}`);
      last = trigger;
    }
    if (last !== null) segments.push(`L${f1(x(t1))},${f1(yv(last))}`);
    if (segments.length) {
      parts.push(
        `<path class="trigger" stroke="${LAYER_COLORS[layer]}" d="${segments.join(" ")}"><title>layer ${layer} trigger</title></path>`,
      );
    }
  }
  if (readings.length) {
    const d: string[] = [];
    readings.forEach((v, i) => {
      d.push(`${i === 0 ? "M" : "L"}${f1(x(v.timestamp))},${f1(yv(v.vix))}`);
      const next = readings[i + 1]?.timestamp ?? t1;
      d.push(`L${f1(x(next))},${f1(yv(v.vix))}`);
    });
    parts.push(`<path class="vix-line" d="${d.join(" ")}"/>`);
    for (const v of readings.slice(-400)) {
      parts.push(
        `<circle class="vix-point" cx="${f1(x(v.timestamp))}" cy="${f1(yv(v.vix))}" r="2.5"><title>VIX ${fmtVix(v.vix)} at ${esc(fmtTime(v.timestamp))} (${v.source})</title></circle>`,
      );
    }
  } else {
    parts.push(`<text class="note" x="${LEFT + 8}" y="${vixTop + 20}">no VIX reading in this range</text>`);
  }
  y = vixTop + vixHeight + 16;

  // ---- layers engaged
  const layerCount = Math.max(
    1,
    ...versions.map((v) => v.policy!.layers.length),
    ...r.layerEvents.map((e) => e.layer + 1),
  );
  const open: (number | null)[] = [null, null, null, null, null];
  const bands: string[] = [];
  const band = (layer: number, start: number, end: number, vix: number) =>
    bands.push(
      `<rect class="layer-band" fill="${LAYER_COLORS[layer]}" x="${f1(x(start))}" y="${y + layer * 16}" width="${f1(Math.max(2, x(end) - x(start)))}" height="12"><title>layer ${layer} engaged at VIX ${fmtVix(vix)} from ${esc(fmtTime(start))} to ${esc(fmtTime(end))}</title></rect>`,
    );
  const engagedAt: number[] = [0, 0, 0, 0, 0];
  for (const e of r.layerEvents) {
    if (e.engaged) {
      open[e.layer] = e.at.timestamp;
      engagedAt[e.layer] = e.vix;
    } else if (open[e.layer] !== null) {
      band(e.layer, open[e.layer]!, e.at.timestamp, engagedAt[e.layer]);
      open[e.layer] = null;
    }
  }
  open.forEach((start, layer) => start !== null && band(layer, start, t1, engagedAt[layer]));
  for (let layer = 0; layer < layerCount; layer++) {
    parts.push(`<text class="row-label" x="8" y="${y + layer * 16 + 10}">layer ${layer}</text>`);
    parts.push(`<rect class="lane" x="${LEFT}" y="${y + layer * 16}" width="${WIDTH - LEFT - RIGHT}" height="12"/>`);
  }
  parts.push(`<g class="layers">${bands.join("")}</g>`);
  y += layerCount * 16 + 12;

  // ---- policy versions
  parts.push(`<text class="row-label" x="8" y="${y + 12}">policy</text>`);
  const labelled = r.policyVersions.length <= 200;
  let lastLabel = -Infinity;
  const markers = r.policyVersions.map((v) => {
    const cx = x(v.at.timestamp);
    const cls = v.source.kind === "none" ? "version-marker bad" : "version-marker";
    const title = `version ${v.version} (${v.via}, ${sourceText(v.source).replace(/\*/g, "")}) at ${fmtTime(v.at.timestamp)}`;
    // Labels that would overlap the previous one are left out; every marker keeps its tooltip.
    const label = labelled && cx - lastLabel >= 8 + 6 * String(v.version).length;
    if (label) lastLabel = cx;
    return (
      `<path class="${cls}" d="M${f1(cx)},${y} l6,8 l-6,8 l-6,-8 z"><title>${esc(title)}</title></path>` +
      (label ? `<text class="version-label" x="${f1(cx)}" y="${y + 28}" text-anchor="middle">v${v.version}</text>` : "")
    );
  });
  parts.push(`<g class="versions">${markers.join("")}</g>`);
  y += labelled ? 40 : 26;

  // ---- proposals
  const proposals = r.proposals.slice(-MAX_BARS);
  const laneEnds: number[] = [];
  const bars: string[] = [];
  const minGap = span / 200;
  for (const p of proposals) {
    const start = p.created.timestamp;
    const end = barEnd(p, t1);
    let lane = laneEnds.findIndex((e) => e + minGap < start);
    if (lane < 0) {
      if (laneEnds.length < MAX_LANES) lane = laneEnds.push(0) - 1;
      else lane = laneEnds.indexOf(Math.min(...laneEnds));
    }
    laneEnds[lane] = Math.max(laneEnds[lane], end);
    const by = y + lane * 14;
    const x0 = x(start);
    const x1 = Math.max(x(end), x0 + 3);
    const color = TIER_COLORS[p.derivedTier];
    const q = p.queued ? Math.min(Math.max(x(p.queued.timestamp), x0), x1) : x1;
    // The description's first line (made safe, escaped below with the rest) names the bar.
    const described = p.description?.trim() ? ` “${descriptionTitle(p.description, 80)}”` : "";
    const title = `${p.derivedTier} proposal ${shortId(p.id)}${described}: ${p.state}; created ${fmtTime(start)}${p.queued ? `, queued ${fmtTime(p.queued.timestamp)}` : ""}${p.executed ? `, executed ${fmtTime(p.executed.timestamp)}` : ""} — ${p.calls.map((c) => c.summary).join("; ")}`;
    bars.push(
      `<g class="proposal-bar state-${p.state.toLowerCase()}${p.findings ? " has-findings" : ""}" data-id="${p.id}" data-state="${p.state}" data-tier="${p.derivedTier}">` +
        `<title>${esc(title)}</title>` +
        `<rect class="pending-part" x="${f1(x0)}" y="${by}" width="${f1(Math.max(q - x0, 0))}" height="10" fill="${color}"/>` +
        (p.queued
          ? `<rect class="queued-part" x="${f1(q)}" y="${by}" width="${f1(Math.max(x1 - q, 1))}" height="10" fill="${color}"/>`
          : "") +
        (p.findings
          ? `<rect class="finding-outline" x="${f1(x0 - 1)}" y="${by - 1}" width="${f1(x1 - x0 + 2)}" height="12"/>`
          : "") +
        `</g>`,
    );
  }
  const lanes = Math.max(1, laneEnds.length);
  parts.push(`<text class="row-label" x="8" y="${y + 10}">proposals</text>`);
  if (r.proposals.length > proposals.length) {
    parts.push(
      `<text class="note" x="8" y="${y + 24}">last ${fmtInt(proposals.length)} of ${fmtInt(r.proposals.length)}</text>`,
    );
  }
  parts.push(`<g class="proposals">${bars.join("")}</g>`);
  y += lanes * 14 + 10;

  // ---- findings
  const located = r.findings.filter((f) => f.at);
  parts.push(`<text class="row-label" x="8" y="${y + 12}">findings</text>`);
  parts.push(
    `<g class="findings">${located
      .map(
        (f) =>
          `<path class="finding-marker" d="M${f1(x(f.at!.timestamp))},${y} l6,12 l-12,0 z"><title>${esc(`[${f.kind}] ${f.message}`)}</title></path>`,
      )
      .join("")}</g>`,
  );
  if (r.findings.length > located.length) {
    parts.push(
      `<text class="note" x="${LEFT + 8}" y="${y + 12}">${r.findings.length - located.length} more in the live state (see below)</text>`,
    );
  }
  y += 24;

  const gridBottom = y - 4;

  // ---- legend
  const legend: [string, string][] = [
    ...Object.entries(TIER_COLORS).map(([tier, color]): [string, string] => [
      `<rect x="0" y="-9" width="14" height="10" fill="${color}"/>`,
      tier,
    ]),
    [`<rect x="0" y="-9" width="14" height="10" fill="#868e96" opacity="0.45"/>`, "pending (light) / queued (solid)"],
    [`<rect x="0" y="-9" width="14" height="10" fill="#c92a2a"/>`, "vetoed"],
    [`<rect x="0" y="-9" width="14" height="10" fill="#adb5bd"/>`, "expired"],
    [`<path class="version-marker" d="M6,-12 l6,8 l-6,8 l-6,-8 z"/>`, "policy version"],
    [`<path class="finding-marker" d="M6,-10 l6,12 l-12,0 z"/>`, "finding"],
    ...LAYER_COLORS.slice(0, layerCount).map((color, i): [string, string] => [
      `<path d="M0,-4 h14" stroke="${color}" stroke-dasharray="4 2" stroke-width="2"/>`,
      `layer ${i} trigger / engaged`,
    ]),
  ];
  let lx = LEFT;
  const items: string[] = [];
  for (const [mark, text] of legend) {
    const w = 30 + text.length * 6.2;
    if (lx + w > WIDTH - RIGHT) {
      lx = LEFT;
      y += 18;
    }
    items.push(`<g transform="translate(${f1(lx)},${y + 6})">${mark}<text x="18" y="0">${esc(text)}</text></g>`);
    lx += w;
  }
  parts.push(`<g class="legend">${items.join("")}</g>`);
  y += 20;

  const svg = parts.join("\n").replace(/__BOTTOM__/g, String(gridBottom));
  return `<svg id="timeline" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${y}" width="100%" role="img" aria-label="Timeline of the audited history">\n${svg}\n</svg>`;
}

export const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;margin:0;color:#212529;background:#f8f9fa}
main{max-width:1240px;margin:0 auto;padding:24px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px}
.meta{color:#495057;margin:0 0 16px}
.verdict{padding:12px 16px;border-radius:6px;font-weight:600;margin:12px 0}
.verdict.ok{background:#d3f9d8;color:#2b8a3e}.verdict.bad{background:#ffe3e3;color:#c92a2a}
.cards{display:flex;gap:10px;flex-wrap:wrap}.card{flex:1;background:#fff;border:1px solid #dee2e6;border-radius:6px;padding:8px 12px;min-width:96px}
.card b{display:block;font-size:20px}
.chart{background:#fff;border:1px solid #dee2e6;border-radius:6px;padding:8px}
table{border-collapse:collapse;width:100%;background:#fff;font-size:13px}
th,td{border:1px solid #dee2e6;padding:4px 8px;text-align:left;vertical-align:top}th{background:#f1f3f5}
td.mono,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px}
.pass{color:#2b8a3e;font-weight:600}.fail{color:#c92a2a;font-weight:600}
svg text{font-size:11px;fill:#495057}
svg .row-label{font-weight:600;fill:#343a40}
svg .grid{stroke:#e9ecef}svg .panel{fill:#fcfcfd;stroke:#dee2e6}svg .lane{fill:#f1f3f5}
svg .vix-line{fill:none;stroke:#212529;stroke-width:1.5}svg .vix-point{fill:#212529}
svg .trigger{fill:none;stroke-width:1.2;stroke-dasharray:5 3;opacity:.8}
svg .layer-band{opacity:.75}
svg .version-marker{fill:#495057}svg .version-marker.bad{fill:#c92a2a}
svg .version-label{font-size:10px}
svg .pending-part{opacity:.4}svg .queued-part{opacity:1}
svg .state-vetoed rect{fill:#c92a2a}svg .state-expired rect{fill:#adb5bd}
svg .finding-outline{fill:none;stroke:#c92a2a;stroke-width:1.5}
svg .finding-marker{fill:#c92a2a}svg .note{font-style:italic}
`;

function htmlTable(headers: string[], rows: string[][], mono: number[] = []): string {
  return `<table><thead><tr>${headers.map((h) => `<th>${esc(h)}</th>`).join("")}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c, i) => `<td${mono.includes(i) ? ' class="mono"' : ""}>${c}</td>`).join("")}</tr>`)
    .join("")}</tbody></table>`;
}

/** The whole page. Tables are cut at `limit` rows (the JSON report has every row). */
export function htmlReport(r: AuditReport, limit = 500): string {
  const ok = r.findings.length === 0;
  const cutNote = (n: number, what: string) =>
    n > limit ? `<p class="meta">${fmtInt(n)} ${what}; the last ${fmtInt(limit)} are listed.</p>` : "";
  const s = r.summary;
  const body = [
    `<h1>Hedge Council audit</h1>`,
    `<p class="meta">Network <b>${esc(r.network.name)}</b> (chain ${r.network.chainId}) · blocks ${fmtInt(r.range.fromBlock)}..${fmtInt(r.range.toBlock)} · ${esc(fmtTime(r.range.fromTimestamp))} .. ${esc(fmtTime(r.range.toTimestamp))} · ${fmtInt(r.stats.events)} events replayed in ${(r.stats.durationMs / 1000).toFixed(1)} s · generated ${esc(r.generatedAt)}</p>`,
    `<div class="verdict ${ok ? "ok" : "bad"}">${ok ? "No findings: every change followed the rules, and the live state is what they produced." : `${fmtInt(r.findings.length)} finding${r.findings.length === 1 ? "" : "s"}: see below.`}</div>`,
    ...r.notes.map((n) => `<p class="meta">Note: ${esc(n)}.</p>`),
    `<div class="cards">${[
      ["proposals", s.proposals],
      ["executed", s.proposalsByState.Executed],
      ["approvals", s.approvals],
      ["policy versions", s.policyVersions],
      ["settings changes", r.settingsChanges.filter((c) => c.source.kind !== "deployment").length],
      ["seats live", r.replayed.seats.seatCount],
      ["layer events", s.layerEvents],
      ["findings", s.findings],
    ]
      .map(([k, v]) => `<div class="card"><b>${fmtInt(Number(v))}</b>${esc(String(k))}</div>`)
      .join("")}</div>`,
    `<h2>Timeline</h2>`,
    `<div class="chart">${timelineSvg(r)}</div>`,
    `<h2>Checks</h2>`,
    htmlTable(
      ["check", "result", "findings", "what is checked"],
      r.checks.map((c) => [
        esc(c.name),
        `<span class="${c.status}">${c.status === "pass" ? "pass" : "FAIL"}</span>`,
        String(c.findings),
        esc(c.description),
      ]),
    ),
  ];
  if (!ok) {
    body.push(
      `<h2>Findings</h2>`,
      htmlTable(
        ["#", "kind", "message", "where"],
        r.findings.map((f, i) => [
          String(i + 1),
          `<span class="mono">${esc(f.kind)}</span>`,
          esc(f.message),
          esc(f.at ? `${when(f.at)}, tx ${f.at.tx}` : (f.subject ?? "live state")),
        ]),
      ),
    );
  }
  const proposals = r.proposals.slice(-limit);
  const { headers } = proposalColumns(r);
  body.push(
    `<h2>Proposals</h2>`,
    cutNote(r.proposals.length, "proposals"),
    htmlTable(
      headers,
      proposals.map((p) => {
        const counted = p.approvalsAtExecution ?? p.approvalsAtQueue;
        return [
          esc(shortId(p.id)),
          esc(`${p.recordedTier} / ${p.derivedTier}`),
          esc(p.state) + (p.findings ? ` <span class="fail">(${p.findings})</span>` : ""),
          esc(
            counted
              ? `${counted.count} of ${counted.threshold}`
              : String(p.approvals.filter((a) => !a.revokedAt).length),
          ),
          esc(when(p.created)),
          esc(p.queued ? `${when(p.queued)}; eta ${fmtTime(p.queued.eta)}` : "-"),
          esc(
            p.executed
              ? `${when(p.executed)}${p.executed.waited !== null ? `; waited ${fmtDuration(p.executed.waited)}` : ""}`
              : "-",
          ),
          p.calls.map((c) => esc(c.summary)).join("<br>"),
          // The proposer's text from ProposalCreated: every line made safe, then escaped (no markup, no link).
          p.description?.trim() ? descriptionLines(p.description).map(esc).join("<br>") : "-",
        ];
      }),
      [0],
    ),
  );
  const versions = r.policyVersions.slice(-limit);
  body.push(
    `<h2>Policy versions</h2>`,
    cutNote(r.policyVersions.length, "policy versions"),
    htmlTable(
      ["version", "hash", "when", "source", "via", "changes"],
      versions.map((v) => [
        String(v.version),
        esc(shortId(v.hash)),
        esc(when(v.at)),
        esc(sourceText(v.source).replace(/\*/g, "")),
        esc(v.via),
        v.via === "deployment" ? "initial policy" : esc(v.changes.length ? changesText(v.changes) : "-"),
      ]),
      [1],
    ),
  );
  body.push(
    `<h2>Settings changes</h2>`,
    cutNote(r.settingsChanges.length, "settings changes"),
    htmlTable(
      ["when", "kind", "change", "source"],
      r.settingsChanges
        .slice(-limit)
        .map((c) => [esc(when(c.at)), esc(c.kind), esc(c.description), esc(sourceText(c.source).replace(/\*/g, ""))]),
    ),
    `<h2>Seats</h2>`,
    htmlTable(
      ["seat", "holder", "minted", "burned"],
      r.seats.map((x) => [
        String(x.seat),
        esc(x.holder),
        esc(`${when(x.minted)} (${sourceText(x.minted.source).replace(/\*/g, "")})`),
        esc(x.burned ? `${when(x.burned)} (${sourceText(x.burned.source).replace(/\*/g, "")})` : "-"),
      ]),
      [1],
    ),
    `<h2>Layer engagements</h2>`,
    r.layerEvents.length
      ? htmlTable(
          ["when", "layer", "event", "VIX"],
          r.layerEvents
            .slice(-limit)
            .map((e) => [
              esc(when(e.at)),
              String(e.layer),
              e.engaged ? "engaged" : "disengaged",
              e.vix ? fmtVix(e.vix) : "(layer removed)",
            ]),
        )
      : `<p class="meta">No layer engaged or disengaged.</p>`,
  );
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Hedge Council audit — ${esc(r.network.name)} blocks ${r.range.fromBlock}..${r.range.toBlock}</title>
<style>${CSS}</style>
</head>
<body>
<main>
${body.join("\n")}
</main>
</body>
</html>
`;
}

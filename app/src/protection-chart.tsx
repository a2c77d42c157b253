// What the hedge delivers, drawn: the protection of a policy (the share of the condor notional the engaged layers
// hedge, coverage × Σ allocations of the layers whose trigger ≤ VIX: docs/RULES.md §2) as a step curve against the
// VIX, with a labelled y axis, x ticks and a legend. The layers are stacked blocks under the curve, filled solid when
// engaged and pale when idle, so that they never read like the live VIX, which is a marker line with its own label.
// The baseline (what the last setPolicy approved) is a dotted curve, and with the nudge limits the band nudges alone
// can move the curve in is shaded. With `compare` (the policy before a change; `policy` is then the one after) both
// curves are overlaid, before dashed and after solid, and every VIX range where protection drops is shaded, tagged and
// said in words under the chart ("less protection between VIX 35.00 and 40.00: 25.00 % → 20.00 % …").
//
// Every number comes from scripts/lib/council (compareProtection, protectionLosses, lossText, nudgeEnvelope): the
// chart computes nothing the command line could not print. It is hand-made SVG sized by its container, one SVG unit
// to one CSS px, so its labels keep their CSS size (12 px) at any width: a viewBox scaled down to a phone made them
// ~5 px. Labels above the plot are placed in lanes so that none overlaps another, and the layer labels step aside
// from the VIX line. The figure is named by its caption and carries a visually hidden list of every step for screen
// readers. Every text is the console's own (numbers and fixed words): nothing from the chain or a file is shown.
import { useId, useLayoutEffect, useRef, useState, type ReactNode, type RefObject } from "react";

import {
  baselinePolicy,
  compareProtection,
  fmtProtection,
  fmtProtectionChange,
  lossText,
  nudgeEnvelope,
  protectionAt,
  protectionLosses,
  type Baseline,
  type NudgeLimits,
} from "../../scripts/lib/council";
import { fmtVix } from "../../scripts/lib/format";
import type { PolicyValues } from "../../scripts/lib/policy";
import "./protection-chart.css";

export interface ProtectionChartProps {
  /** The policy drawn; with `compare`, the one after the change. */
  policy: PolicyValues;
  /** The policy before the change: both curves are overlaid and the ranges where protection drops marked. */
  compare?: PolicyValues;
  /** The live VIX, in hundredths (2600 = VIX 26.00): a marker. */
  vix?: number | null;
  /** The layers engaged on chain (bit i = layer i, `engagedLayers()`): their blocks filled. Without `compare` only. */
  engagedMask?: number;
  /** What nudges are bounded around: its curve, dotted. */
  baseline?: Baseline;
  /** With `baseline`: the band nudges alone can move the curve in, shaded. */
  nudgeLimits?: NudgeLimits;
  /** The figure's caption (its accessible name). */
  title?: string;
}

/** The labels' size in CSS px (protection-chart.css sets the same), and a generous width per character. */
const FONT = 12;
const CHAR = 0.66 * FONT;
/** Height of one row of labels above the plot (the y axis title, the lanes of the VIX and range tags). */
const ROW = 18;
const MARGIN = { left: 48, right: 16 };
const MIN_WIDTH = 240;
const MAX_WIDTH = 720;

/** A label's estimated width: enough for the digits, capitals and spaces it holds at FONT px. */
const textWidth = (text: string) => text.length * CHAR + 4;

/** Where a label above the plot goes: its lane (0 is nearest the plot) and its left edge. */
interface Placed {
  key: string;
  text: string;
  lane: number;
  left: number;
  width: number;
}

/**
 * Places labels centred on their x in lanes above the plot, first come first placed, each in the lowest lane where it
 * overlaps no other (with a gap), clamped inside the chart. The first label (the live VIX) therefore always gets lane
 * 0, right above the plot, so that its marker line crosses no other label.
 */
function placeInLanes(labels: { key: string; text: string; x: number }[], width: number): Placed[] {
  const placed: Placed[] = [];
  const GAP = 6;
  for (const l of labels) {
    const w = textWidth(l.text);
    const left = Math.max(0, Math.min(width - w, l.x - w / 2));
    let lane = 0;
    while (placed.some((p) => p.lane === lane && left < p.left + p.width + GAP && p.left < left + w + GAP)) lane++;
    placed.push({ key: l.key, text: l.text, lane, left, width: w });
  }
  return placed;
}

/** The VIX ticks: the smallest round step whose labels keep clear of each other. */
function vixTicks(lo: number, hi: number, plotWidth: number): number[] {
  const perVix = plotWidth / (hi - lo);
  // The widest label ("100") and a gap of 12 px.
  const room = textWidth(String(Math.round(hi / 100))) + 12;
  const step = [100, 200, 500, 1_000, 2_000, 5_000].find((s) => s * perVix >= room) ?? 10_000;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi; t += step) ticks.push(t);
  return ticks;
}

/**
 * The y axis: a round step (1, 2, 2.5 or 5 × a power of ten, in % of the notional, at least 1 %) and a top that is a
 * multiple of it, at most five intervals, whatever a draft's allocations add up to.
 */
function protectionTicks(max: number): number[] {
  const pct = Number.isFinite(max) ? Math.max(max / 1_000_000, 1) : 1;
  const magnitude = 10 ** Math.max(0, Math.floor(Math.log10(pct / 5)));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => Math.ceil(pct / s) <= 5)!;
  const top = Math.max(step, Math.ceil(pct / step) * step);
  const ticks: number[] = [];
  for (let t = 0; t <= top + 1e-9; t += step) ticks.push(Math.round(t * 1_000_000));
  return ticks;
}

/** A step curve as the protection over [lo, hi]: 0 below its first step. */
type Curve = { fromVix: number; value: number }[];

const curveOf = (p: PolicyValues, points: number[]): Curve =>
  points.map((v) => ({ fromVix: v, value: protectionAt(p, v) }));

/** Every trigger of the given policies, sorted, without repeats. */
function levels(...policies: PolicyValues[]): number[] {
  const set = new Set<number>();
  for (const p of policies) for (const l of p.layers) if (Number.isFinite(l.triggerVix)) set.add(l.triggerVix);
  return [...set].sort((a, b) => a - b);
}

/** Whether two policies give the same protection at every VIX level. */
function sameCurve(a: PolicyValues, b: PolicyValues): boolean {
  return compareProtection(a, b).every((s) => s.before === s.after);
}

/** "layers 0, 1" / "layer 2" / "no layer". */
function layerList(indices: number[]): string {
  if (indices.length === 0) return "no layer";
  return `${indices.length === 1 ? "layer" : "layers"} ${indices.join(", ")}`;
}

/** "VIX 20.00–28.00" / "from VIX 35.00 up". */
const range = (from: number, to: number | null) =>
  to === null ? `from VIX ${fmtVix(from)} up` : `VIX ${fmtVix(from)}–${fmtVix(to)}`;

/** The container's width in CSS px, read before the first paint and on every resize. */
function useWidth(): [RefObject<HTMLElement | null>, number] {
  const ref = useRef<HTMLElement | null>(null);
  const [width, setWidth] = useState(640);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const read = () => setWidth(Math.floor(el.clientWidth) || 640);
    read();
    if (typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver(read);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  return [ref, width];
}

export function ProtectionChart(props: ProtectionChartProps) {
  const { policy, compare, vix = null, engagedMask, baseline, nudgeLimits } = props;
  const [ref, available] = useWidth();
  const uid = useId().replace(/[^a-zA-Z0-9_-]/g, "");
  const title = props.title ?? (compare ? "Protection before and after the change" : "Protection by VIX level");

  // ---- the numbers (scripts/lib/council)
  const base = baseline ? baselinePolicy(policy, baseline) : null;
  const envelope = baseline && nudgeLimits ? nudgeEnvelope(policy, baseline, nudgeLimits.maxNudgeBps) : null;
  const drawn = [policy, ...(compare ? [compare] : []), ...(base ? [base] : [])];
  const envelopes = envelope ? [envelope.loosest, envelope.tightest] : [];
  const points = levels(...drawn, ...envelopes);
  const steps = compareProtection(compare ?? policy, policy);
  const losses = compare ? protectionLosses(compare, policy) : [];

  // ---- the scales: one SVG unit is one CSS px
  const W = Math.max(MIN_WIDTH, Math.min(MAX_WIDTH, available));
  const live = vix !== null && Number.isFinite(vix) ? vix : null;
  const finite = [...points, ...(live !== null ? [live] : [])];
  // VIX 10 to 50 at least (where the policies live), wide enough for every trigger and the VIX, at most VIX 200 (a
  // draft's absurd trigger is drawn at the edge; the words below say its value).
  const lo = Math.max(0, Math.min(1_000, ...finite.map((v) => Math.floor((v - 200) / 500) * 500)));
  const hi = Math.min(20_000, Math.max(5_000, ...finite.map((v) => Math.ceil((v + 500) / 500) * 500)));
  const peak = Math.max(0, ...[...drawn, ...envelopes].flatMap((p) => points.map((v) => protectionAt(p, v))));
  const yTicks = protectionTicks(peak);
  const top = yTicks.at(-1)!;
  const yLabel = (t: number) => `${Number((t / 1_000_000).toFixed(1))} %`;
  // Room on the left for the widest y label (a draft's allocations can add up to far more than 100 %).
  const plotLeft = Math.max(MARGIN.left, textWidth(yLabel(top)) + 8);
  const plotRight = W - MARGIN.right;
  const x = (v: number) => plotLeft + ((Math.min(hi, Math.max(lo, v)) - lo) / (hi - lo)) * (plotRight - plotLeft);

  // Labels above the plot: the live VIX first (lane 0), then a tag per range where protection drops.
  const tags = losses.map((l, i) => ({ loss: l, tag: String.fromCharCode(65 + (i % 26)) }));
  const placed = placeInLanes(
    [
      ...(live !== null ? [{ key: "vix", text: `VIX ${fmtVix(live)}`, x: x(live) }] : []),
      ...tags.map((t) => ({
        key: t.tag,
        text: t.tag,
        x: (x(t.loss.fromVix) + x(t.loss.toVix ?? hi)) / 2,
      })),
    ],
    W,
  );
  const lanes = placed.length === 0 ? 0 : Math.max(...placed.map((p) => p.lane)) + 1;
  const laneTop = (lane: number) => ROW + (lanes - 1 - lane) * ROW;
  const plotTop = ROW + lanes * ROW + 10;
  const plotHeight = W < 480 ? 150 : 180;
  const plotBottom = plotTop + plotHeight;
  const H = plotBottom + 44;
  const y = (value: number) => plotBottom - (Math.min(top, Math.max(0, value)) / top) * plotHeight;
  const xTicks = vixTicks(lo, hi, plotRight - plotLeft);

  /** A step curve from `lo` to `hi` as an SVG path (M, H and V only). */
  const path = (curve: Curve) => {
    let d = `M${x(lo).toFixed(1)} ${y(0).toFixed(1)}`;
    for (const s of curve) d += `H${x(s.fromVix).toFixed(1)}V${y(s.value).toFixed(1)}`;
    return `${d}H${x(hi).toFixed(1)}`;
  };
  const curve = (p: PolicyValues) => curveOf(p, points);

  // The band nudges alone can move the curve in: between the tightest and the loosest curve.
  let band: string | null = null;
  if (envelope) {
    // Intervals [cuts[k], cuts[k + 1]): along the tightest curve left to right, back along the loosest.
    const cuts = [lo, ...points.filter((v) => v > lo && v < hi), hi];
    const n = cuts.length - 1;
    const upper = cuts.slice(0, n).map((v) => protectionAt(envelope.tightest, v));
    const lower = cuts.slice(0, n).map((v) => protectionAt(envelope.loosest, v));
    let d = `M${x(lo).toFixed(1)} ${y(upper[0]).toFixed(1)}`;
    for (let k = 0; k < n; k++) {
      d += `H${x(cuts[k + 1]).toFixed(1)}`;
      if (k + 1 < n) d += `V${y(upper[k + 1]).toFixed(1)}`;
    }
    d += `V${y(lower[n - 1]).toFixed(1)}`;
    for (let k = n - 1; k >= 0; k--) {
      d += `H${x(cuts[k]).toFixed(1)}`;
      if (k > 0) d += `V${y(lower[k - 1]).toFixed(1)}`;
    }
    band = `${d}Z`;
  }

  // The layers as blocks stacked in trigger order under the curve (without `compare`).
  const blocks: { index: number; x0: number; y0: number; y1: number; engaged: boolean | null }[] = [];
  if (!compare) {
    const order = policy.layers.map((l, i) => ({ l, i })).sort((a, b) => a.l.triggerVix - b.l.triggerVix);
    let below = 0;
    for (const { l, i } of order) {
      if (!(l.allocationBps > 0) || !Number.isFinite(l.triggerVix)) continue;
      const from = policy.coverageBps * below;
      below += l.allocationBps;
      const to = policy.coverageBps * below;
      blocks.push({
        index: i,
        x0: x(l.triggerVix),
        y0: y(to),
        y1: y(from),
        engaged: engagedMask === undefined ? null : ((engagedMask >> i) & 1) === 1,
      });
    }
  }
  const vixX = live !== null ? x(live) : null;
  /** A layer's label inside its block, clear of the VIX line; null when the block has no room for it. */
  const blockLabel = (b: (typeof blocks)[number]) => {
    const text = `L${b.index}`;
    const w = textWidth(text);
    if (b.y1 - b.y0 < FONT + 4) return null;
    let left = b.x0 + 4;
    if (vixX !== null && left - 3 < vixX && vixX < left + w + 3) left = vixX + 5;
    if (left + w > plotRight - 2) return null;
    return { text, left, baseline: (b.y0 + b.y1) / 2 + FONT * 0.35 };
  };

  // ---- the words: the text equivalent, and the live level
  const engagedList =
    engagedMask === undefined ? null : policy.layers.map((_, i) => i).filter((i) => (engagedMask >> i) & 1);
  const layersAt = (v: number) =>
    policy.layers
      .map((l, i) => ({ l, i }))
      .filter(({ l }) => l.triggerVix <= v)
      .map(({ i }) => i);
  const first = steps[0];
  const stepWords = steps.map((s) =>
    compare
      ? `${range(s.fromVix, s.toVix)}: ${fmtProtection(s.before)} before, ${fmtProtection(s.after)} after${
          s.after < s.before ? " (less)" : s.after > s.before ? " (more)" : ""
        }`
      : `${range(s.fromVix, s.toVix)}: ${fmtProtection(s.after)} (${layerList(layersAt(s.fromVix))})`,
  );
  const now =
    live === null
      ? null
      : compare
        ? `At the live VIX ${fmtVix(live)}: ${fmtProtectionChange(protectionAt(compare, live), protectionAt(policy, live))} of the condor notional.`
        : `At the live VIX ${fmtVix(live)} the curve gives ${fmtProtection(protectionAt(policy, live))} of the condor notional${
            engagedList === null
              ? ""
              : engagedList.length === 0
                ? "; no layer is engaged"
                : `; the engaged ${layerList(engagedList)} hedge ${fmtProtection(
                    policy.coverageBps *
                      engagedList.reduce((sum, i) => sum + (policy.layers[i]?.allocationBps ?? 0), 0),
                  )}`
          }.`;
  const curveWords = (p: PolicyValues) =>
    compareProtection(p, p)
      .map((s) => `${range(s.fromVix, s.toVix)}: ${fmtProtection(s.after)}`)
      .join("; ");

  const ids = { hatch: `pc-hatch-${uid}`, idle: `pc-idle-${uid}`, text: `pc-text-${uid}` };
  return (
    <figure className="protection-chart" data-testid="protection-chart" ref={ref as RefObject<HTMLElement>}>
      <figcaption className="pc-title">{title}</figcaption>
      <svg
        width={W}
        height={H}
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-label={`${title}: protection, in % of the condor notional hedged, against the VIX; every step is listed below`}
      >
        <defs>
          <pattern id={ids.hatch} width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
            <rect width="6" height="6" className="pc-loss-fill" />
            <line x1="0" y1="0" x2="0" y2="6" className="pc-loss-hatch" />
          </pattern>
          <pattern id={ids.idle} width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(-45)">
            <rect width="6" height="6" className="pc-idle-fill" />
            <line x1="0" y1="0" x2="0" y2="6" className="pc-idle-hatch" />
          </pattern>
        </defs>
        <text x={4} y={13} className="pc-axis-title">
          protection, % of the condor notional
        </text>

        {/* The plot: grid, layers, band, ranges where protection drops, curves, then the VIX marker on top. */}
        {yTicks.map((t) => (
          <line key={t} x1={plotLeft} x2={plotRight} y1={y(t)} y2={y(t)} className="pc-grid" />
        ))}
        {blocks.map((b) => (
          <rect
            key={b.index}
            x={b.x0}
            width={Math.max(0, plotRight - b.x0)}
            y={b.y0}
            height={Math.max(0, b.y1 - b.y0)}
            className={b.engaged === null ? "pc-layer" : b.engaged ? "pc-layer pc-engaged" : "pc-layer pc-idle"}
            style={b.engaged === false ? { fill: `url(#${ids.idle})` } : undefined}
            data-layer={b.index}
            data-engaged={b.engaged === null ? undefined : String(b.engaged)}
          />
        ))}
        {band && <path d={band} className="pc-band" data-band="" />}
        {tags.map(({ loss, tag }) => (
          <g key={tag}>
            <rect
              x={x(loss.fromVix)}
              width={Math.max(1, x(loss.toVix ?? hi) - x(loss.fromVix))}
              y={plotTop}
              height={plotHeight}
              style={{ fill: `url(#${ids.hatch})` }}
              className="pc-loss"
              data-loss-from={loss.fromVix}
              data-loss-to={loss.toVix ?? "up"}
            />
            <line x1={x(loss.fromVix)} x2={x(loss.toVix ?? hi)} y1={plotTop} y2={plotTop} className="pc-loss-bar" />
          </g>
        ))}
        {base && <path d={path(curve(base))} className="pc-baseline" data-curve="baseline" />}
        {compare ? (
          <>
            <path d={path(curve(policy))} className="pc-after" data-curve="after" />
            <path d={path(curve(compare))} className="pc-before" data-curve="before" />
          </>
        ) : (
          <path d={path(curve(policy))} className="pc-curve" data-curve="policy" />
        )}
        {blocks.map((b) => {
          const label = blockLabel(b);
          return label ? (
            <text
              key={b.index}
              x={label.left}
              y={label.baseline}
              className={b.engaged ? "pc-layer-label pc-on-engaged" : "pc-layer-label"}
            >
              {label.text}
            </text>
          ) : null;
        })}

        {/* The axes. */}
        <line x1={plotLeft} x2={plotRight} y1={plotBottom} y2={plotBottom} className="pc-axis" />
        <line x1={plotLeft} x2={plotLeft} y1={plotTop} y2={plotBottom} className="pc-axis" />
        {yTicks.map((t) => (
          <text key={t} x={plotLeft - 6} y={y(t) + FONT * 0.35} textAnchor="end" className="pc-tick-label">
            {yLabel(t)}
          </text>
        ))}
        {xTicks.map((t) => (
          <g key={t}>
            <line x1={x(t)} x2={x(t)} y1={plotBottom} y2={plotBottom + 5} className="pc-axis" />
            <text x={x(t)} y={plotBottom + 18} textAnchor="middle" className="pc-tick-label" data-tick-vix={t}>
              {t / 100}
            </text>
          </g>
        ))}
        <text x={(plotLeft + plotRight) / 2} y={plotBottom + 36} textAnchor="middle" className="pc-axis-title">
          VIX
        </text>

        {/* Above the plot: the tags of the ranges, and the live VIX with its line down through the plot. */}
        {placed.map((p) => {
          const baselineY = laneTop(p.lane) + 13;
          if (p.key === "vix") {
            return (
              <g key="vix" data-marker="vix">
                <line x1={vixX!} x2={vixX!} y1={laneTop(p.lane) + ROW - 1} y2={plotBottom} className="pc-vix-line" />
                <text x={p.left + p.width / 2} y={baselineY} textAnchor="middle" className="pc-vix-label">
                  {p.text}
                </text>
              </g>
            );
          }
          return (
            <text
              key={p.key}
              x={p.left + p.width / 2}
              y={baselineY}
              textAnchor="middle"
              className="pc-loss-tag"
              data-loss-tag={p.key}
            >
              {p.text}
            </text>
          );
        })}
      </svg>

      <ul className="pc-legend" data-testid="chart-legend">
        {compare ? (
          <>
            <Key kind="before">before the change (dashed)</Key>
            <Key kind="after">after the change (solid)</Key>
            {losses.length > 0 && <Key kind="loss">less protection after</Key>}
          </>
        ) : (
          <>
            <Key kind="curve">protection</Key>
            {engagedMask === undefined ? (
              <Key kind="layer">layer Ln (from its trigger up)</Key>
            ) : (
              <>
                <Key kind="engaged">engaged layer Ln</Key>
                <Key kind="idle">idle layer Ln</Key>
              </>
            )}
          </>
        )}
        {live !== null && <Key kind="vix">live VIX</Key>}
        {base && (
          <Key kind="baseline">
            baseline (the last setPolicy){sameCurve(base, policy) ? ": the same curve, under it" : ""}
          </Key>
        )}
        {band && <Key kind="band">band nudges alone can reach</Key>}
      </ul>
      {now && <p className="pc-now">{now}</p>}
      {compare &&
        (losses.length > 0 ? (
          <ul className="pc-losses" data-testid="protection-losses">
            {tags.map(({ loss, tag }) => (
              <li key={tag}>
                <strong className="pc-loss-name">{tag}</strong>: {lossText(loss)}
              </li>
            ))}
          </ul>
        ) : (
          <p className="pc-losses" data-testid="protection-losses">
            No less protection at any VIX level.
          </p>
        ))}

      <div className="pc-visually-hidden" data-visually-hidden="" id={ids.text} data-testid="chart-text">
        <p>{title}, in % of the condor notional hedged, step by step:</p>
        <ul>
          <li>
            {first
              ? `below VIX ${fmtVix(first.fromVix)}: ${fmtProtection(0)}`
              : `no layer engages at any VIX level: ${fmtProtection(0)}`}
          </li>
          {stepWords.map((w, i) => (
            <li key={i}>{w}</li>
          ))}
          {live !== null && (
            <li>
              live VIX {fmtVix(live)}
              {engagedList !== null ? `; engaged: ${layerList(engagedList)}` : ""}
            </li>
          )}
          {base && <li>baseline (what the last setPolicy approved): {curveWords(base)}</li>}
          {envelope && (
            <li>
              nudges alone can lower it at most to {curveWords(envelope.loosest)}, and raise it at most to{" "}
              {curveWords(envelope.tightest)}
            </li>
          )}
        </ul>
      </div>
    </figure>
  );
}

/** One entry of the legend: a swatch drawn as the chart draws it, and its words. */
function Key({ kind, children }: { kind: string; children: ReactNode }) {
  return (
    <li>
      <svg width="22" height="12" aria-hidden="true" className={`pc-key pc-key-${kind}`}>
        {kind === "curve" || kind === "before" || kind === "after" || kind === "baseline" ? (
          <line x1="1" x2="21" y1="6" y2="6" />
        ) : kind === "vix" ? (
          <line x1="11" x2="11" y1="0" y2="12" />
        ) : (
          <rect x="1" y="1" width="20" height="10" />
        )}
      </svg>
      {children}
    </li>
  );
}

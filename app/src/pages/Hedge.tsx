// The hedge as it stands: the policy's layers on a VIX axis with the live VIX and the engaged layers, the condor,
// each nudgeable parameter's baseline and band, the version and hash, and how fresh the oracle is.
import { nudgeBand, protectionCurve } from "../../../scripts/lib/council";
import { fmtBps, fmtDelta, fmtDuration, fmtRelative, fmtTime, fmtVix } from "../../../scripts/lib/format";
import { INSTRUMENT_NAMES, toPolicyValues, type PolicyValues } from "../../../scripts/lib/policy";
import { policyOracle } from "../chain";
import { Hex, Section, Table, useApp, useLoad } from "../ui";

export function HedgePage() {
  const { system, now } = useApp();
  const { data, error } = useLoad(async () => {
    const { policy } = system;
    // The policy's oracle, not the deployment's (./chain policyOracle).
    const oracle = await policyOracle(system);
    const [p, version, hash, engaged, baseline, limits, round, decimals] = await Promise.all([
      policy.policy(),
      policy.version(),
      policy.policyHash(),
      policy.engagedLayers(),
      policy.baseline(),
      policy.nudgeLimits(),
      oracle.oracle.latestRoundData(),
      oracle.oracle.decimals(),
    ]);
    const vix = Number((round[1] * 100n) / 10n ** decimals);
    return {
      policy: toPolicyValues(p),
      version: Number(version),
      hash,
      engaged: Number(engaged),
      baseline: { coverageBps: Number(baseline[0]), triggers: baseline[1].map(Number) },
      limits: { maxNudgeBps: Number(limits[0]), nudgeCooldown: Number(limits[1]) },
      vix,
      updatedAt: Number(round[3]),
      oracle: { address: oracle.address, deployed: oracle.deployed, moved: oracle.moved },
    };
  }, []);
  if (error) return <p role="alert">Cannot read the policy: {error}</p>;
  if (!data) return <p aria-busy="true">Loading the policy…</p>;
  const { policy: p, baseline, limits } = data;
  // The chain's clock may run a little ahead of the last block seen: an answer is never "in the future" here.
  const answeredAt = Math.min(data.updatedAt, now);
  const age = now - answeredAt;
  const fresh = age <= p.maxOracleAge;
  return (
    <>
      <h2 className="page-title">Hedge</h2>
      <p>
        Policy version <strong data-testid="policy-version">{data.version}</strong>, hash{" "}
        <Hex value={data.hash} label="policy hash" />
      </p>
      <Section title="Layers on the VIX axis">
        <VixAxis policy={p} vix={data.vix} engaged={data.engaged} />
        <Table label="Layers">
          <caption>Layers (engaged: the oracle's VIX has reached the trigger)</caption>
          <thead>
            <tr>
              <th scope="col">Layer</th>
              <th scope="col">Allocation</th>
              <th scope="col">Tenor</th>
              <th scope="col">Trigger</th>
              <th scope="col">Instrument</th>
              <th scope="col">State</th>
            </tr>
          </thead>
          <tbody>
            {p.layers.map((l, i) => (
              <tr key={i}>
                <td>{i}</td>
                <td>{fmtBps(l.allocationBps)}</td>
                <td>{l.tenorDays} d</td>
                <td>VIX {fmtVix(l.triggerVix)}</td>
                <td>{INSTRUMENT_NAMES[l.instrument] ?? l.instrument}</td>
                <td>{(data.engaged >> i) & 1 ? "engaged" : "idle"}</td>
              </tr>
            ))}
          </tbody>
        </Table>
        <p data-testid="coverage">
          Coverage {fmtBps(p.coverageBps)} of the condor notional, scale-in step {fmtBps(p.scaleStepBps)}, hysteresis
          VIX {fmtVix(p.hysteresisVix)}.
        </p>
      </Section>
      <Section title="Condor">
        <p>
          Short strikes at delta {fmtDelta(p.shortDeltaMinBps)}–{fmtDelta(p.shortDeltaMaxBps)}, wings {p.wingWidthPts}{" "}
          points wide, {p.targetDte} days to expiry.
        </p>
      </Section>
      <Section title="Nudge bands">
        <p>
          The steward may move each parameter within {fmtBps(limits.maxNudgeBps)} of its baseline (what the last
          setPolicy approved), once per {fmtDuration(limits.nudgeCooldown)}.
        </p>
        <Table label="Nudgeable parameters">
          <caption>Nudgeable parameters</caption>
          <thead>
            <tr>
              <th scope="col">Parameter</th>
              <th scope="col">Current</th>
              <th scope="col">Baseline</th>
              <th scope="col">Band</th>
            </tr>
          </thead>
          <tbody>
            {p.layers.map((l, i) => {
              const base = baseline.triggers[i] ?? l.triggerVix;
              const band = nudgeBand(base, limits.maxNudgeBps);
              return (
                <tr key={i}>
                  <td>Layer {i} trigger</td>
                  <td>VIX {fmtVix(l.triggerVix)}</td>
                  <td>VIX {fmtVix(base)}</td>
                  <td>
                    VIX {fmtVix(band.min)} – {fmtVix(band.max)}
                  </td>
                </tr>
              );
            })}
            {(() => {
              const band = nudgeBand(baseline.coverageBps, limits.maxNudgeBps);
              return (
                <tr>
                  <td>Coverage</td>
                  <td>{fmtBps(p.coverageBps)}</td>
                  <td>{fmtBps(baseline.coverageBps)}</td>
                  <td>
                    {fmtBps(band.min)} – {fmtBps(band.max)}
                  </td>
                </tr>
              );
            })()}
          </tbody>
        </Table>
      </Section>
      <Section title="Oracle">
        <p data-testid="oracle">
          VIX {fmtVix(data.vix)}, answered {fmtTime(data.updatedAt)} ({fmtRelative(answeredAt, now)}):{" "}
          <strong>{fresh ? "fresh" : "stale"}</strong> (answers are accepted up to {fmtDuration(p.maxOracleAge)} old).
        </p>
        {data.oracle.moved && (
          <p role="note" data-testid="oracle-moved">
            The deployment's oracle <code className="hex">{data.oracle.deployed}</code> is not the policy's (
            <code className="hex">{data.oracle.address}</code>): reading the policy's; the deployment predates a
            setOracle.
          </p>
        )}
      </Section>
    </>
  );
}

/** The layers' triggers on a VIX axis, the protection curve as steps, and the live VIX as a line. */
function VixAxis({ policy, vix, engaged }: { policy: PolicyValues; vix: number; engaged: number }) {
  const max = Math.max(5_000, ...policy.layers.map((l) => l.triggerVix + 1_000), vix + 500);
  const min = 1_000;
  const W = 720;
  const H = 170;
  const x = (v: number) => 40 + ((Math.min(v, max) - min) / (max - min)) * (W - 60);
  const ticks: number[] = [];
  for (let t = min; t <= max; t += 500) ticks.push(t);
  const steps = protectionCurve(policy);
  const top = policy.coverageBps * 10_000;
  const y = (protection: number) => 120 - (protection / top) * 90;
  const description =
    `VIX ${fmtVix(vix)}; ` +
    policy.layers
      .map((l, i) => `layer ${i} at VIX ${fmtVix(l.triggerVix)} ${(engaged >> i) & 1 ? "engaged" : "not engaged"}`)
      .join(", ");
  return (
    <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`Layers on the VIX axis: ${description}`} className="axis">
      <line x1={40} x2={W - 20} y1={130} y2={130} stroke="currentColor" />
      {ticks.map((t) => (
        <g key={t}>
          <line x1={x(t)} x2={x(t)} y1={130} y2={135} stroke="currentColor" />
          <text x={x(t)} y={150} textAnchor="middle" fontSize="11">
            {t / 100}
          </text>
        </g>
      ))}
      {steps.map((s, i) => {
        const x2 = x(s.toVix ?? max);
        const h = s.coverageBps * s.allocationBps;
        return (
          <rect key={i} x={x(s.fromVix)} width={x2 - x(s.fromVix)} y={y(h)} height={120 - y(h)} className="step" />
        );
      })}
      {policy.layers.map((l, i) => (
        <g key={i}>
          <line
            x1={x(l.triggerVix)}
            x2={x(l.triggerVix)}
            y1={20}
            y2={130}
            className={(engaged >> i) & 1 ? "trigger engaged" : "trigger"}
          />
          <text x={x(l.triggerVix) + 4} y={20 + i * 14} fontSize="12">
            L{i} {fmtBps(l.allocationBps)}
          </text>
        </g>
      ))}
      <line x1={x(vix)} x2={x(vix)} y1={10} y2={130} className="vix" />
      <text x={x(vix)} y={166} textAnchor="middle" fontSize="12" className="vix-label">
        VIX {fmtVix(vix)}
      </text>
    </svg>
  );
}

// The hedge as it stands: its protection against the VIX (../protection-chart: the layers, engaged ones filled, the
// live VIX, the baseline and the band nudges alone can reach), the layers, the condor, each nudgeable parameter's
// baseline and band, the version and hash, and how fresh the oracle is. Then the changes queued in the timelock: when
// each may run, its tier, what it changes and, for a change of the policy, the protection before and after. A queued
// proposal is shown only once its calls and description hash to its id (../proposal-model `idMismatch`), and one that
// can no longer run as it stands (./proposals `staleness`) says so instead of drawing a future that will not come.
import {
  CONTRACT_NAMES,
  ProposalState,
  TIER_NAMES,
  changeRows,
  decodeCalls,
  nudgeBand,
  policyAfterActions,
  type AddressBook,
} from "../../../scripts/lib/council";
import { fmtBps, fmtDelta, fmtDuration, fmtRelative, fmtTime, fmtVix } from "../../../scripts/lib/format";
import { INSTRUMENT_NAMES, toPolicyValues, type PolicyValues } from "../../../scripts/lib/policy";
import { createdProposals, explain, policyOracle, proposalStatus, staleness, type System } from "../chain";
import { idMismatch } from "../proposal-model";
import { ProtectionChart } from "../protection-chart";
import { Untrusted } from "../untrusted";
import { escapeUnsafe } from "../../../scripts/lib/untrusted";
import { ChangesTable, Hex, Section, Table, short, useApp, useLoad } from "../ui";

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
        <ProtectionChart
          policy={p}
          vix={data.vix}
          engagedMask={data.engaged}
          baseline={baseline}
          nudgeLimits={limits}
          title={`Protection by VIX level (policy version ${data.version})`}
        />
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
      <QueuedChanges current={p} vix={data.vix} />
    </>
  );
}

/** A queued proposal as the Hedge page lists it. */
type Queued =
  | { id: string; refused: string }
  | {
      id: string;
      eta: number;
      tier: number;
      description: string;
      calls: { index: number; headline: string; rows: ReturnType<typeof changeRows> | null }[];
      /** The policy its calls would leave (null: it changes no policy field). */
      after: PolicyValues | null;
      /** Why it cannot run as it stands, or null. */
      outdated: string | null;
    };

/** The proposals queued in the timelock now, oldest first, each decoded against the policy in force. */
async function queuedChanges(system: System, current: PolicyValues): Promise<Queued[]> {
  const created = await createdProposals(system);
  const states = await Promise.all(created.map((p) => system.council.state(p.id)));
  const queued = created.filter((_, i) => Number(states[i]) === ProposalState.Queued);
  const book = {} as AddressBook;
  for (const name of CONTRACT_NAMES) book[name] = system.deployment.contracts[name].address;
  return Promise.all(
    queued.map(async (p): Promise<Queued> => {
      const mismatch = idMismatch(p.id, p, `the RPC endpoint ${system.settings.rpcUrl} (its ProposalCreated event)`);
      if (mismatch) return { id: p.id, refused: mismatch };
      const [status, decoded] = [await proposalStatus(system, p.id), decodeCalls(book, p, current)];
      const stale = await staleness(system, { ...p, tier: status.tier }, (e) => explain(e));
      return {
        id: p.id,
        eta: status.eta,
        tier: status.tier,
        description: p.description,
        calls: decoded.map((c) => ({
          index: c.index,
          headline: c.headline,
          rows: c.changes ? changeRows(c.changes) : null,
        })),
        after: policyAfterActions(
          current,
          decoded.map((c) => c.action),
        ),
        outdated: stale.outdated ? stale.reason : null,
      };
    }),
  );
}

/** The changes waiting in the timelock, and what each would do to the protection. */
function QueuedChanges({ current, vix }: { current: PolicyValues; vix: number }) {
  const { system, now } = useApp();
  const key = JSON.stringify(current);
  const { data, error } = useLoad(() => queuedChanges(system, current), [key]);
  return (
    <Section title="Queued changes">
      {error ? (
        <p role="alert">Cannot read the queued proposals: {error}</p>
      ) : !data ? (
        <p aria-busy="true">Reading the queued proposals…</p>
      ) : data.length === 0 ? (
        <p data-testid="queued-changes">Nothing is queued in the timelock.</p>
      ) : (
        <ul className="queued" data-testid="queued-changes">
          {data.map((q) => (
            <li key={q.id}>
              <h3>
                Proposal <a href={`#/proposal/${q.id}`}>{short(q.id)}</a>
              </h3>
              {"refused" in q ? (
                <p role="alert">Refused: {escapeUnsafe(q.refused)}</p>
              ) : (
                <>
                  <p>
                    {TIER_NAMES[q.tier] ?? `tier ${q.tier}`}, eta {fmtTime(q.eta)} (
                    {q.eta <= now ? "ready to execute" : fmtRelative(q.eta, now)}): <Untrusted text={q.description} />
                  </p>
                  {q.calls.map((c) => (
                    <div key={c.index}>
                      <p>
                        Call {c.index}: {c.headline}
                      </p>
                      {c.rows && (
                        <ChangesTable
                          rows={c.rows}
                          caption={`What call ${c.index} changes, against the policy in force now`}
                          testId={`queued-${q.id.slice(0, 10)}-call-${c.index}`}
                          empty="no change"
                        />
                      )}
                    </div>
                  ))}
                  {q.outdated ? (
                    <p>
                      <strong className="badge">Outdated:</strong> it cannot run as it stands ({q.outdated}), so it is
                      not drawn.
                    </p>
                  ) : (
                    q.after && (
                      <ProtectionChart
                        policy={q.after}
                        compare={current}
                        vix={vix}
                        title={`Protection now and once ${short(q.id)} runs`}
                      />
                    )
                  )}
                </>
              )}
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}

// A new proposal: a policy change (edited against the invariants, its tier shown as you type, with the same rules
// as the command line), a nudge, or a seat change. It is created on chain (`propose`, which counts as the
// proposer's approval) or starts a signatures file that seat holders sign off-chain. Its description (the reason in
// words) goes on chain with it, in `ProposalCreated`, and the id commits to its keccak256; left empty, the console
// writes one naming the change and the time, as `hedge:propose` does, so that the same calls proposed again get
// another id. An id that already exists is refused in one line.
import { useEffect, useState } from "react";
import { BrowserProvider, isAddress } from "ethers";

import { newApprovalsFile } from "../../../scripts/lib/approvals-format";
import {
  COVERAGE_PARAMETER,
  ProposalState,
  STATE_NAMES,
  TIER_NAMES,
  Tier,
  descriptionHash,
  encode,
  looseningReasons,
  nudgeBand,
  proposalIdOf,
  type Baseline,
  type ProposalCalls,
} from "../../../scripts/lib/council";
import { descriptionLines } from "../../../scripts/lib/descriptions";
import { fmtBps, fmtDuration, fmtTime, fmtVix } from "../../../scripts/lib/format";
import { INSTRUMENT_NAMES, policyViolation, toPolicyValues, type PolicyValues } from "../../../scripts/lib/policy";
import { policyChangeRows } from "../../../scripts/lib/policy-edit";
import { explain } from "../chain";
import { keepFile } from "../store";
import { ChangesTable, Section, useApp, useLoad } from "../ui";

type Kind = "policy" | "nudgeTrigger" | "nudgeCoverage" | "mint" | "burn" | "tierRule" | "vetoThreshold" | "expiry";

/** A proposal's calls before its description is chosen. */
type Calls = Omit<ProposalCalls, "descriptionHash">;

/** Whole numbers from a text field ("2, 86400" → [2, 86400]); null when any is not one. */
function numbers(text: string, count: number): number[] | null {
  const parts = text.split(/[\s,]+/).filter(Boolean);
  if (parts.length !== count || !parts.every((p) => /^\d+$/.test(p))) return null;
  return parts.map(Number);
}

const TOP_FIELDS: [keyof Omit<PolicyValues, "layers">, string][] = [
  ["coverageBps", "Coverage (bps)"],
  ["scaleStepBps", "Scale-in step (bps)"],
  ["shortDeltaMinBps", "Short delta min (bps)"],
  ["shortDeltaMaxBps", "Short delta max (bps)"],
  ["wingWidthPts", "Wing width (points)"],
  ["targetDte", "Target days to expiry"],
  ["hysteresisVix", "Hysteresis (VIX hundredths)"],
  ["maxOracleAge", "Oracle age (seconds)"],
];

const LAYER_FIELDS: [keyof PolicyValues["layers"][number], string][] = [
  ["allocationBps", "allocation (bps)"],
  ["tenorDays", "tenor (days)"],
  ["triggerVix", "trigger (VIX hundredths)"],
];

export function NewProposalPage() {
  const { system, account, wallet, now, refresh } = useApp();
  const policyAddress = system.deployment.contracts.policy.address;
  const { data } = useLoad(async () => {
    const [p, version, baseline] = await Promise.all([
      system.policy.policy(),
      system.policy.version(),
      system.policy.baseline(),
    ]);
    return {
      current: toPolicyValues(p),
      version: Number(version),
      baseline: { coverageBps: Number(baseline[0]), triggers: baseline[1].map(Number) } as Baseline,
    };
  }, []);
  const [kind, setKind] = useState<Kind>("policy");
  const [next, setNext] = useState<PolicyValues | null>(null);
  const [layer, setLayer] = useState(0);
  const [value, setValue] = useState("");
  const [description, setDescription] = useState("");
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  useEffect(() => {
    if (data && !next) setNext(structuredClone(data.current));
  }, [data, next]);

  // The calls and what is wrong with them, recomputed as the user types.
  let calls: Calls | null = null;
  /** The change in a few words: the default description's first part. */
  let change = "";
  let problem: string | null = null;
  let localTier: Tier | null = null;
  let reasons: string[] = [];
  const targetOf = (k: Kind) =>
    k === "mint" || k === "burn" ? system.deployment.contracts.seats.address : policyAddress;
  if (data && next) {
    const n = Number(value);
    if (kind === "policy") {
      problem = policyViolation(next);
      if (!problem && JSON.stringify(next) === JSON.stringify(data.current)) problem = "nothing changes yet";
      if (!problem) {
        reasons = looseningReasons(data.current, next, data.baseline);
        localTier = reasons.length > 0 ? Tier.Critical : Tier.Standard;
        calls = { targets: [policyAddress], values: [0n], calldatas: [encode.setPolicy(next, data.version)] };
        change = policyChangeRows(data.current, next)
          .map((r) => `${r.field} ${r.before} → ${r.after}`)
          .join("; ");
      }
    } else if (kind === "nudgeTrigger" || kind === "nudgeCoverage") {
      const parameter = kind === "nudgeCoverage" ? COVERAGE_PARAMETER : layer;
      const base = kind === "nudgeCoverage" ? data.baseline.coverageBps : data.baseline.triggers[layer];
      const band = nudgeBand(base ?? 0, 1_000);
      if (!/^\d+$/.test(value)) problem = "enter a whole number";
      else if (base === undefined) problem = `the policy has no layer ${layer}`;
      else {
        localTier = Tier.Fast;
        reasons = [`a steward nudge (baseline ${base}, default band ${band.min}..${band.max}): Fast`];
        calls = {
          targets: [policyAddress],
          values: [0n],
          calldatas: [parameter === COVERAGE_PARAMETER ? encode.nudgeCoverage(n) : encode.nudgeTrigger(layer, n)],
        };
        change =
          parameter === COVERAGE_PARAMETER
            ? `nudge the coverage to ${fmtBps(n)}`
            : `nudge layer ${layer}'s trigger to VIX ${fmtVix(n)}`;
      }
    } else if (kind === "mint") {
      if (!isAddress(value)) problem = "enter the new holder's address";
      else {
        localTier = Tier.Critical;
        reasons = ["a seat change: Critical"];
        calls = { targets: [targetOf(kind)], values: [0n], calldatas: [encode.mint(value)] };
        change = `a seat for ${value}`;
      }
    } else if (kind === "tierRule" || kind === "vetoThreshold" || kind === "expiry") {
      const council = system.deployment.contracts.council.address;
      const wanted = kind === "tierRule" ? 2 : kind === "expiry" ? 2 : 1;
      const v = numbers(value, wanted);
      if (!v) problem = `enter ${wanted === 1 ? "a whole number" : "two whole numbers"}`;
      else {
        localTier = Tier.Critical;
        reasons = ["a change of the council's settings: Critical"];
        const data =
          kind === "tierRule"
            ? encode.setTierRule(layer as Tier, v[0], v[1])
            : kind === "vetoThreshold"
              ? encode.setVetoThreshold(v[0])
              : encode.setExpiry(v[0], v[1]);
        calls = { targets: [council], values: [0n], calldatas: [data] };
        change =
          kind === "tierRule"
            ? `${TIER_NAMES[layer]} tier: ${v[0]} approvals, ${fmtDuration(v[1])} delay`
            : kind === "vetoThreshold"
              ? `veto threshold ${v[0]}`
              : `proposals expire ${fmtDuration(v[0])} unless queued, ${fmtDuration(v[1])} after their eta`;
      }
    } else if (kind === "burn") {
      if (!/^\d+$/.test(value) || n === 0) problem = "enter the seat id to burn";
      else {
        localTier = Tier.Critical;
        reasons = ["a seat change: Critical"];
        calls = { targets: [targetOf(kind)], values: [0n], calldatas: [encode.burn(n)] };
        change = `remove seat ${n}`;
      }
    }
  }
  const callsKey = calls ? calls.calldatas.join() + calls.targets.join() : "";
  const { data: chainTier } = useLoad(async () => {
    if (!calls) return null;
    try {
      return { tier: Number(await system.council.tierOf(calls.targets, calls.calldatas)), error: null };
    } catch (e) {
      return { tier: null, error: explain(e, now) };
    }
  }, [callsKey]);

  if (!data || !next) return <p aria-busy="true">Loading the policy…</p>;

  const set = (update: (p: PolicyValues) => void) => {
    const copy = structuredClone(next);
    update(copy);
    setNext(copy);
  };
  const council = system.deployment.contracts.council.address;
  const given = description.trim() === "" ? null : description;

  /**
   * The proposal to create: the calls with the given description or, without one, the default naming the change and
   * the time ("coverageBps … → … (proposed <time>)", then ", #2"… while that id exists). Refuses an id that exists.
   */
  async function withDescription(): Promise<{ calls: ProposalCalls; description: string; id: string }> {
    const stamp = fmtTime(now);
    for (let n = 1; ; n++) {
      const text = given ?? `${change} (proposed ${stamp}${n === 1 ? "" : `, #${n}`})`;
      const c = { ...calls!, descriptionHash: descriptionHash(text) };
      const id = proposalIdOf(c);
      const state = Number(await system.council.state(id));
      if (state === ProposalState.Unknown) return { calls: c, description: text, id };
      if (given !== null) {
        throw new Error(
          `proposal ${id} already exists (${STATE_NAMES[state]}): the same calls need another description`,
        );
      }
    }
  }

  async function proposeOnChain() {
    setMessage(null);
    try {
      if (!wallet || !account) throw new Error("connect a wallet to propose on chain");
      const { calls: c, description: text, id } = await withDescription();
      const args = [c.targets, c.values, c.calldatas, text] as const;
      await system.council.propose.staticCall(...args, { from: account }).catch((e: unknown) => {
        throw new Error(`refused before sending: ${explain(e, now)}`);
      });
      const signer = await new BrowserProvider(wallet.provider).getSigner(account);
      const tx = await system.council.connect(signer).propose(...args);
      await tx.wait();
      refresh();
      location.hash = `#/proposal/${id}`;
    } catch (e) {
      setMessage({ ok: false, text: explain(e, now) });
    }
  }

  async function startFile() {
    setMessage(null);
    try {
      const { calls: c, description: text, id } = await withDescription();
      keepFile(newApprovalsFile(system.chainId, council, id, c, text));
      location.hash = `#/proposal/${id}`;
    } catch (e) {
      setMessage({ ok: false, text: explain(e, now) });
    }
  }

  return (
    <>
      <h2 className="page-title">New proposal</h2>
      <label>
        Kind of change{" "}
        <select
          value={kind}
          onChange={(e) => {
            setKind(e.target.value as Kind);
            setValue("");
            setLayer(0);
          }}
        >
          <option value="policy">Policy (setPolicy)</option>
          <option value="nudgeTrigger">Nudge a trigger</option>
          <option value="nudgeCoverage">Nudge the coverage</option>
          <option value="mint">Add a seat</option>
          <option value="burn">Remove a seat</option>
          <option value="tierRule">A tier's threshold and delay</option>
          <option value="vetoThreshold">The veto threshold</option>
          <option value="expiry">Proposal expiry</option>
        </select>
      </label>

      {kind === "policy" ? (
        <Section title="Policy editor">
          <p>Values in the contract's units. Against version {data.version}.</p>
          <table>
            <caption>Layers</caption>
            <thead>
              <tr>
                <th scope="col">Layer</th>
                {LAYER_FIELDS.map(([, label]) => (
                  <th scope="col" key={label}>
                    {label}
                  </th>
                ))}
                <th scope="col">instrument</th>
                <th scope="col">remove</th>
              </tr>
            </thead>
            <tbody>
              {next.layers.map((l, i) => (
                <tr key={i}>
                  <td>{i}</td>
                  {LAYER_FIELDS.map(([field, label]) => (
                    <td key={field}>
                      <input
                        type="number"
                        aria-label={`layer ${i} ${label}`}
                        value={l[field]}
                        onChange={(e) => set((p) => (p.layers[i][field] = Number(e.target.value)))}
                      />
                    </td>
                  ))}
                  <td>
                    <select
                      aria-label={`layer ${i} instrument`}
                      value={l.instrument}
                      onChange={(e) => set((p) => (p.layers[i].instrument = Number(e.target.value)))}
                    >
                      {INSTRUMENT_NAMES.map((name, k) => (
                        <option key={k} value={k}>
                          {name}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td>
                    <button aria-label={`remove layer ${i}`} onClick={() => set((p) => p.layers.splice(i, 1))}>
                      ✕
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <button
            disabled={next.layers.length >= 5}
            onClick={() =>
              set((p) => {
                const last = p.layers.at(-1);
                p.layers.push({
                  allocationBps: 0,
                  tenorDays: last?.tenorDays ?? 30,
                  triggerVix: (last?.triggerVix ?? 1_500) + 500,
                  instrument: 0,
                });
              })
            }
          >
            Add a layer
          </button>
          <div className="fields">
            {TOP_FIELDS.map(([field, label]) => (
              <label key={field}>
                {label}
                <input
                  type="number"
                  value={next[field]}
                  onChange={(e) => set((p) => (p[field] = Number(e.target.value)))}
                />
              </label>
            ))}
          </div>
          <button onClick={() => setNext(structuredClone(data.current))}>Reset to the current policy</button>
        </Section>
      ) : (
        <Section title="Parameters">
          {kind === "tierRule" && (
            <label>
              Tier{" "}
              <select value={layer} onChange={(e) => setLayer(Number(e.target.value))}>
                {TIER_NAMES.map((name, i) => (
                  <option key={name} value={i}>
                    {name}
                  </option>
                ))}
              </select>
            </label>
          )}
          {kind === "nudgeTrigger" && (
            <label>
              Layer{" "}
              <select value={layer} onChange={(e) => setLayer(Number(e.target.value))}>
                {data.current.layers.map((_, i) => (
                  <option key={i} value={i}>
                    {i}
                  </option>
                ))}
              </select>
            </label>
          )}
          <label>
            {kind === "tierRule"
              ? "Threshold and delay in seconds (e.g. 3, 86400)"
              : kind === "vetoThreshold"
                ? "Vetoes that kill a proposal"
                : kind === "expiry"
                  ? "Proposal TTL and grace period in seconds (e.g. 604800, 1209600)"
                  : kind === "nudgeTrigger"
                    ? "New trigger (VIX hundredths)"
                    : kind === "nudgeCoverage"
                      ? "New coverage (bps)"
                      : kind === "mint"
                        ? "New holder's address"
                        : "Seat id"}{" "}
            <input value={value} onChange={(e) => setValue(e.target.value)} />
          </label>
        </Section>
      )}

      <Section title="Check">
        {problem ? (
          <p role="alert" data-testid="problem">
            {problem}
          </p>
        ) : (
          <>
            <p>
              Tier: <strong data-testid="new-tier">{localTier !== null ? TIER_NAMES[localTier] : "-"}</strong>
              {chainTier?.tier !== undefined && chainTier?.tier !== null && (
                <span> (the council's tierOf: {TIER_NAMES[chainTier.tier]})</span>
              )}
              {chainTier?.error && <span> (the council refuses it: {chainTier.error})</span>}
            </p>
            <ul data-testid="new-reasons">
              {reasons.map((r, i) => (
                <li key={i}>{r}</li>
              ))}
            </ul>
            {kind === "policy" && (
              <ChangesTable rows={policyChangeRows(data.current, next)} caption="What changes" testId="new-changes" />
            )}
          </>
        )}
        <label>
          Description: the reason, in words. It goes on chain with the proposal, and the proposal id commits to it. Left
          empty: a text naming the change and the time.
          <textarea
            value={description}
            onChange={(e) => setDescription(e.target.value)}
            rows={3}
            data-testid="new-description"
          />
        </label>
        {calls && (
          <p data-testid="description-preview">
            On chain as:{" "}
            {given === null
              ? `${change} (proposed ${fmtTime(now)})`
              : descriptionLines(given).map((line, i) => (
                  <span key={i}>
                    {i > 0 && <br />}
                    {line}
                  </span>
                ))}
          </p>
        )}
        <button disabled={!calls || !wallet} onClick={proposeOnChain}>
          Propose on chain
        </button>{" "}
        <button disabled={!calls} onClick={startFile}>
          Start a signatures file
        </button>
        {!wallet && <p>Proposing on chain needs a connected seat holder's wallet; a signatures file does not.</p>}
        <div role="status" aria-live="polite" className={message?.ok ? "ok" : "bad"}>
          {message?.text}
        </div>
      </Section>
    </>
  );
}

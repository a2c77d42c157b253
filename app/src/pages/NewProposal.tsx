// A new proposal: any kind `hedge:propose` builds (a policy change edited against the invariants, a nudge, a seat
// added, removed or rotated, a tier rule, the veto threshold, the expiry, the oracle), built by the same builder
// (scripts/lib/proposal-builder.ts) from the same state read from the chain: the policy and its version, the
// baseline, the nudge limits and each parameter's last nudge (the band and the cooldown are the chain's, never
// assumed). Its tier is the council's own `tierOf`, with the reasons of scripts/lib/council; every call is rehearsed
// from whoever will make it (the timelock, or the council for a nudge), and a refusal is shown in words. It is
// created on chain (`propose`, which counts as the proposer's approval) or starts a signatures file that seat holders
// sign off-chain. Its description (the reason in words) goes on chain with it, in `ProposalCreated`, and the id
// commits to its keccak256; left empty, the console writes one naming the change and the time, as `hedge:propose`
// does, so that the same calls proposed again get another id. An id that already exists is refused in one line.
//
// Values are typed in human units (coverage 25.00 %, trigger VIX 26.00, delta 0.15, oracle age 1 h) and read exactly
// into the chain's integers by the command line's own conversions (scripts/lib/policy-edit.ts: readHuman, readDraft);
// what is wrong with a field is said beside it, naming the values allowed, and an emptied field stays empty and is
// required (never read as 0). While any field is wrong nothing is built, and the buttons stay disabled with the
// reason beside them. "What changes" shows the change as `hedge:propose` prints it: each field as `--set` names it,
// its raw value beside its reading.
import { useEffect, useId, useState, type ChangeEvent } from "react";
import { BrowserProvider, isAddress } from "ethers";

import { newApprovalsFile } from "../../../scripts/lib/approvals-format";
import {
  COVERAGE_PARAMETER,
  ProposalState,
  STATE_NAMES,
  TIER_NAMES,
  Tier,
  baselineValue,
  changeRows,
  descriptionHash,
  fmtFieldValue,
  nudgeBand,
  nudgeViolation,
  parameterName,
  policyChanges,
  proposalIdOf,
  tierReasons,
  type Baseline,
  type NudgeLimits,
  type ProposalCalls,
} from "../../../scripts/lib/council";
import { fmtTime } from "../../../scripts/lib/format";
import { INSTRUMENT_NAMES, policyViolation, toPolicyValues, type PolicyValues } from "../../../scripts/lib/policy";
import {
  LAYERS_PROBLEM,
  LAYER_TEXT_FIELDS,
  MAX_LAYERS,
  draftOf,
  humanText,
  readDraft,
  readHuman,
  type PolicyDraft,
} from "../../../scripts/lib/policy-edit";
import {
  buildProposal,
  type BuiltProposal,
  type ProposalKind,
  type ProposalSpec,
} from "../../../scripts/lib/proposal-builder";
import { explain } from "../chain";
import { seatHolders } from "../proposal-load";
import { ProtectionChart } from "../protection-chart";
import { keepFile } from "../store";
import { UntrustedBlock } from "../untrusted";
import { ChangesTable, Section, Table, useApp, useLoad } from "../ui";

/** The kinds, as `hedge:propose` names them, and how the form names them. */
const KINDS: [ProposalKind, string][] = [
  ["policy", "Policy (setPolicy)"],
  ["nudge", "Nudge a trigger or the coverage"],
  ["seat-add", "Add a seat"],
  ["seat-remove", "Remove a seat"],
  ["seat-rotate", "Rotate a seat"],
  ["tier-rule", "A tier's threshold and delay"],
  ["veto-threshold", "The veto threshold"],
  ["expiry", "Proposal expiry"],
  ["oracle", "The VIX oracle"],
];

/** Whole numbers from a text field ("2, 86400" → [2, 86400]); null when any is not one. */
function numbers(text: string, count: number): number[] | null {
  const parts = text.split(/[\s,]+/).filter(Boolean);
  if (parts.length !== count || !parts.every((p) => /^\d+$/.test(p))) return null;
  return parts.map(Number);
}

/** The policy's fields as the editor labels them, in the units they are typed in. */
const TOP_FIELDS: [keyof Omit<PolicyValues, "layers">, string][] = [
  ["coverageBps", "Coverage (%)"],
  ["scaleStepBps", "Scale-in step (%)"],
  ["shortDeltaMinBps", "Short delta min"],
  ["shortDeltaMaxBps", "Short delta max"],
  ["wingWidthPts", "Wing width (points)"],
  ["targetDte", "Target days to expiry"],
  ["hysteresisVix", "Hysteresis (VIX)"],
  ["maxOracleAge", "Oracle age (1 h, 30 min…)"],
];

const LAYER_FIELDS: [(typeof LAYER_TEXT_FIELDS)[number], string][] = [
  ["allocationBps", "allocation (%)"],
  ["tenorDays", "tenor (days)"],
  ["triggerVix", "trigger (VIX)"],
];

/**
 * A field's label by its path, for the reason the buttons are disabled: "Coverage (%)", "layer 1 trigger (VIX)", "the
 * layer table" (the allocations' sum, the number of layers).
 */
function labelOf(path: string): string {
  const top = TOP_FIELDS.find(([f]) => f === path);
  if (top) return top[1];
  const layer = /^layers\.(\d+)\.(\w+)$/.exec(path);
  const field = layer && LAYER_FIELDS.find(([f]) => f === layer[2]);
  return field ? `layer ${layer[1]} ${field[1]}` : "the layer table";
}

/**
 * One value typed in human units: its input, named by `label` (shown, or only to assistive technology where a table's
 * headers show it), and after it what is wrong, tied to the input with aria-describedby and the input marked
 * aria-invalid. `also` adds a description shared with other inputs (the allocations' sum).
 */
function UnitInput(props: {
  label: string;
  shown?: boolean;
  text: string;
  error: string | undefined;
  onChange: (text: string) => void;
  also?: string;
}) {
  const errorId = useId();
  const { label, shown, text, error, onChange, also } = props;
  const describedBy = [error ? errorId : null, also ?? null].filter(Boolean).join(" ");
  const input = (
    <input
      type="text"
      inputMode="decimal"
      className="unit-input"
      aria-label={shown ? undefined : label}
      value={text}
      aria-invalid={error ? true : undefined}
      aria-describedby={describedBy || undefined}
      onChange={(e: ChangeEvent<HTMLInputElement>) => onChange(e.target.value)}
    />
  );
  return (
    <>
      {shown ? (
        <label>
          {label}
          {input}
        </label>
      ) : (
        input
      )}
      {error && (
        <span id={errorId} className="bad field-error" data-testid="field-error">
          {error}
        </span>
      )}
    </>
  );
}

/** What the chain says a proposal is built against, read once per block. */
interface Chain {
  current: PolicyValues;
  version: number;
  baseline: Baseline;
  limits: NudgeLimits;
  /** Each nudgeable parameter's last nudge (unix seconds, 0: never), by parameter number. */
  lastNudgeAt: Record<number, number>;
  holders: { address: string; seatId: number }[];
}

export function NewProposalPage() {
  const { system, account, wallet, now, refresh } = useApp();
  const c = system.deployment.contracts;
  const addresses = {
    policy: c.policy.address,
    seats: c.seats.address,
    council: c.council.address,
    timelock: c.timelock.address,
  };
  const { data } = useLoad(async (): Promise<Chain> => {
    const [p, version, baseline, limits, holders] = await Promise.all([
      system.policy.policy(),
      system.policy.version(),
      system.policy.baseline(),
      system.policy.nudgeLimits(),
      seatHolders(system),
    ]);
    const current = toPolicyValues(p);
    const parameters = [...current.layers.keys(), COVERAGE_PARAMETER];
    const last = await Promise.all(parameters.map((n) => system.policy.lastNudgeAt(n)));
    return {
      current,
      version: Number(version),
      baseline: { coverageBps: Number(baseline[0]), triggers: baseline[1].map(Number) },
      limits: { maxNudgeBps: Number(limits[0]), nudgeCooldown: Number(limits[1]) },
      lastNudgeAt: Object.fromEntries(parameters.map((n, i) => [n, Number(last[i])])),
      holders,
    };
  }, []);
  const [kind, setKind] = useState<ProposalKind>("policy");
  /** The policy editor's inputs, as typed. */
  const [draft, setDraft] = useState<PolicyDraft | null>(null);
  /** The tier (tier-rule), the layer or COVERAGE_PARAMETER (nudge), or the seat id (seat-remove, seat-rotate). */
  const [choice, setChoice] = useState(0);
  const [value, setValue] = useState("");
  const [description, setDescription] = useState("");
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const layersProblemId = useId();
  const whyId = useId();
  useEffect(() => {
    if (data && !draft) setDraft(draftOf(data.current));
  }, [data, draft]);

  // The proposal and what is wrong with it, recomputed as the user types.
  const { next, errors } = draft ? readDraft(draft) : { next: null, errors: {} };
  let built: BuiltProposal | null = null;
  let problem: string | null = null;
  let note: string | null = null;
  if (data && draft) {
    const spec = specOf(kind, data, { next, errors }, choice, value, now);
    if (typeof spec === "string") problem = spec;
    else {
      try {
        built = buildProposal(spec.spec, { contracts: addresses, current: data.current, version: data.version });
        note = spec.note;
      } catch (e) {
        problem = explain(e, now);
      }
    }
  }
  const callsKey = built ? built.calls.calldatas.join() + built.calls.targets.join() : "";
  // The council's tierOf, and each call rehearsed from whoever will make it, as hedge:propose checks before sending.
  const { data: checked } = useLoad(async () => {
    if (!built) return null;
    const { calls, caller } = built;
    let tier: number | null = null;
    let refusal: string | null = null;
    try {
      tier = Number(await system.council.tierOf(calls.targets, calls.calldatas));
    } catch (e) {
      refusal = `the council refuses it: ${explain(e, now)}`;
    }
    for (let i = 0; i < calls.targets.length && refusal === null; i++) {
      try {
        await system.provider.call({
          from: caller,
          to: calls.targets[i],
          value: calls.values[i],
          data: calls.calldatas[i],
        });
      } catch (e) {
        refusal = `call ${i} would revert: ${explain(e, now)}`;
      }
    }
    return { key: callsKey, tier, refusal };
  }, [callsKey]);
  const check = checked && checked.key === callsKey ? checked : null;

  if (!data || !draft) return <p aria-busy="true">Loading the policy…</p>;

  const edit = (update: (d: PolicyDraft) => void) => {
    const copy = structuredClone(draft);
    update(copy);
    setDraft(copy);
  };
  const council = c.council.address;
  const given = description.trim() === "" ? null : description;
  /** Built, rehearsed and accepted by the council's tierOf. */
  const ready = !!built && !!check && check.refusal === null;
  /** Why the buttons are disabled, beside them. */
  const blocked = problem ?? (!built ? null : !check ? "Checking with the council…" : check.refusal);

  /**
   * The proposal to create: the calls with the given description or, without one, the default naming the change and
   * the time ("coverageBps … → … (proposed <time>)", then ", #2"… while that id exists). Refuses an id that exists.
   */
  async function withDescription(): Promise<{ calls: ProposalCalls; description: string; id: string }> {
    const stamp = fmtTime(now);
    for (let n = 1; ; n++) {
      const text = given ?? `${built!.change} (proposed ${stamp}${n === 1 ? "" : `, #${n}`})`;
      const c = { ...built!.calls, descriptionHash: descriptionHash(text) };
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
            const k = e.target.value as ProposalKind;
            setKind(k);
            setValue("");
            setChoice(k === "seat-remove" || k === "seat-rotate" ? (data.holders[0]?.seatId ?? 0) : 0);
          }}
        >
          {KINDS.map(([k, label]) => (
            <option key={k} value={k}>
              {label}
            </option>
          ))}
        </select>
      </label>

      {kind === "policy" ? (
        <Section title="Policy editor">
          <p>
            Coverage and allocations in percent, triggers and hysteresis as VIX levels, deltas as deltas. Against
            version {data.version}.
          </p>
          <Table label="Layers">
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
              {draft.layers.map((l, i) => (
                <tr key={i}>
                  <td>{i}</td>
                  {LAYER_FIELDS.map(([field, label]) => (
                    <td key={field}>
                      <UnitInput
                        label={`layer ${i} ${label}`}
                        text={l[field]}
                        error={errors[`layers.${i}.${field}`]}
                        also={field === "allocationBps" && errors[LAYERS_PROBLEM] ? layersProblemId : undefined}
                        onChange={(text) => edit((d) => (d.layers[i][field] = text))}
                      />
                    </td>
                  ))}
                  <td>
                    <select
                      aria-label={`layer ${i} instrument`}
                      value={l.instrument}
                      onChange={(e) => edit((d) => (d.layers[i].instrument = Number(e.target.value)))}
                    >
                      {INSTRUMENT_NAMES.map((name, k) => (
                        <option key={k} value={k}>
                          {name}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td>
                    <button aria-label={`remove layer ${i}`} onClick={() => edit((d) => d.layers.splice(i, 1))}>
                      ✕
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </Table>
          {errors[LAYERS_PROBLEM] && (
            <p id={layersProblemId} className="bad field-error" data-testid="layers-problem">
              {errors[LAYERS_PROBLEM]}
            </p>
          )}
          <button
            disabled={draft.layers.length >= MAX_LAYERS}
            onClick={() =>
              edit((d) => {
                // A new layer engages VIX 5.00 above the last one (if that reads), over the same tenor; its
                // allocation is left empty, for the user to give.
                const at = d.layers.length;
                const last = d.layers.at(-1);
                const trigger = last ? readHuman(`layers.${at - 1}.triggerVix`, last.triggerVix) : { value: 1_500 };
                d.layers.push({
                  allocationBps: "",
                  tenorDays: last?.tenorDays ?? "30",
                  triggerVix: "value" in trigger ? humanText(`layers.${at}.triggerVix`, trigger.value + 500) : "",
                  instrument: 0,
                });
              })
            }
          >
            Add a layer
          </button>
          <div className="fields">
            {TOP_FIELDS.map(([field, label]) => (
              <div key={field}>
                <UnitInput
                  label={label}
                  shown
                  text={draft.top[field]}
                  error={errors[field]}
                  onChange={(text) => edit((d) => (d.top[field] = text))}
                />
              </div>
            ))}
          </div>
          <button onClick={() => setDraft(draftOf(data.current))}>Reset to the current policy</button>
        </Section>
      ) : (
        <Section title="Parameters">
          {kind === "tier-rule" && (
            <label>
              Tier{" "}
              <select value={choice} onChange={(e) => setChoice(Number(e.target.value))}>
                {TIER_NAMES.map((name, i) => (
                  <option key={name} value={i}>
                    {name}
                  </option>
                ))}
              </select>
            </label>
          )}
          {kind === "nudge" && (
            <label>
              Nudged parameter{" "}
              <select value={choice} onChange={(e) => setChoice(Number(e.target.value))}>
                {data.current.layers.map((_, i) => (
                  <option key={i} value={i}>
                    {parameterName(i)}
                  </option>
                ))}
                <option value={COVERAGE_PARAMETER}>{parameterName(COVERAGE_PARAMETER)}</option>
              </select>
            </label>
          )}
          {(kind === "seat-remove" || kind === "seat-rotate") && (
            <label>
              Seat{" "}
              <select value={choice} onChange={(e) => setChoice(Number(e.target.value))}>
                {data.holders.map((h) => (
                  <option key={h.seatId} value={h.seatId}>
                    seat {h.seatId} ({h.address})
                  </option>
                ))}
              </select>
            </label>
          )}
          {kind === "nudge" && (
            <div>
              <UnitInput
                label={VALUE_LABELS[choice === COVERAGE_PARAMETER ? "nudge-coverage" : "nudge"]}
                shown
                text={value}
                error={problem ?? undefined}
                onChange={setValue}
              />
            </div>
          )}
          {kind !== "seat-remove" && kind !== "nudge" && (
            <label>
              {VALUE_LABELS[kind]} <input value={value} onChange={(e) => setValue(e.target.value)} />
            </label>
          )}
        </Section>
      )}

      {/* The protection of the draft against the policy in force now (before dashed, after solid), once it reads. */}
      {kind === "policy" && next && <ProtectionChart policy={next} compare={data.current} />}

      <Section title="Check">
        {problem ? (
          <p role="alert" data-testid="problem">
            {problem}
          </p>
        ) : built ? (
          <>
            <p>
              {built.summary}. Tier:{" "}
              <strong data-testid="new-tier">{check?.tier != null ? TIER_NAMES[check.tier] : "…"}</strong> (the
              council's tierOf)
            </p>
            {check?.refusal && (
              <p role="alert" data-testid="refusal">
                {check.refusal}
              </p>
            )}
            <ul data-testid="new-reasons">
              {tierReasons(
                built.calls,
                { ...addresses, oracle: c.oracle.address },
                data.current,
                data.version,
                data.baseline,
              ).map((r, i) => (
                <li key={i}>{r}</li>
              ))}
              {note && <li>{note}</li>}
            </ul>
            {kind === "policy" && next && (
              <ChangesTable
                rows={changeRows(policyChanges(data.current, next))}
                caption="What changes"
                testId="new-changes"
              />
            )}
          </>
        ) : null}
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
        {built && (
          <p data-testid="description-preview">
            On chain as:{" "}
            {given === null ? `${built.change} (proposed ${fmtTime(now)})` : <UntrustedBlock text={given} />}
          </p>
        )}
        {blocked && (
          <p id={whyId} className="why" data-testid="why-disabled">
            Not ready: {blocked}
          </p>
        )}
        <button disabled={!ready || !wallet} aria-describedby={blocked ? whyId : undefined} onClick={proposeOnChain}>
          Propose on chain
        </button>{" "}
        <button disabled={!ready} aria-describedby={blocked ? whyId : undefined} onClick={startFile}>
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

/** What the value field asks for, by kind. */
const VALUE_LABELS: Record<ProposalKind | "nudge-coverage", string> = {
  policy: "",
  nudge: "New trigger (VIX)",
  "nudge-coverage": "New coverage (%)",
  "seat-add": "New holder's address",
  "seat-remove": "",
  "seat-rotate": "New holder's address",
  "tier-rule": "Threshold and delay in seconds (e.g. 3, 86400)",
  "veto-threshold": "Vetoes that kill a proposal",
  expiry: "Proposal TTL and grace period in seconds (e.g. 604800, 1209600)",
  oracle: "New feed's address",
};

/**
 * The form as the builder's input, or what is wrong with it in words. A nudge is checked against the chain's nudge
 * limits, its baseline and its last nudge (`nudgeViolation`, the contract's own order of checks); `note` says which.
 */
function specOf(
  kind: ProposalKind,
  chain: Chain,
  edited: { next: PolicyValues | null; errors: Record<string, string> },
  choice: number,
  value: string,
  now: number,
): { spec: ProposalSpec; note: string | null } | string {
  const whole = /^\d+$/.test(value.trim()) ? Number(value.trim()) : null;
  const holder = chain.holders.find((h) => h.seatId === choice);
  switch (kind) {
    case "policy": {
      const wrong = Object.keys(edited.errors);
      if (wrong.length > 0 || !edited.next) {
        const one = wrong.length === 1;
        const names = wrong.map(labelOf).join(", ");
        return `${names[0].toUpperCase()}${names.slice(1)} ${one ? "is" : "are"} not valid: see beside ${one ? "it" : "them"}`;
      }
      const next = edited.next;
      // The editor's checks say the same in human units, beside the fields; this is the contract's rule, kept as
      // the last word before anything is built.
      const violation = policyViolation(next);
      if (violation) return violation;
      if (JSON.stringify(next) === JSON.stringify(chain.current)) return "nothing changes yet";
      return { spec: { kind, next }, note: null };
    }
    case "nudge": {
      const path = nudgePath(choice);
      const read = readHuman(path, value);
      if ("error" in read) return read.error;
      const baseline = baselineValue(chain.baseline, choice);
      if (baseline === undefined) return `the policy has no layer ${choice}`;
      const current =
        choice === COVERAGE_PARAMETER ? chain.current.coverageBps : chain.current.layers[choice].triggerVix;
      const fmt = (v: number) => fmtFieldValue(path, v);
      const violation = nudgeViolation(
        chain.limits,
        {
          parameter: choice,
          baseline,
          current,
          requested: read.value,
          lastNudgeAt: chain.lastNudgeAt[choice] ?? 0,
          now,
        },
        fmt,
      );
      if (violation) return violation;
      const band = nudgeBand(baseline, chain.limits.maxNudgeBps);
      return {
        spec: { kind, nudges: [{ parameter: choice, value: read.value }] },
        note: `the band of the ${parameterName(choice)}, from the chain: ${fmt(band.min)}..${fmt(band.max)} around its baseline ${fmt(baseline)} (maxNudgeBps ${chain.limits.maxNudgeBps})`,
      };
    }
    case "seat-add":
      return isAddress(value.trim())
        ? { spec: { kind, holder: value.trim() }, note: null }
        : "enter the new holder's address";
    case "seat-remove":
      return holder ? { spec: { kind, holder: holder.address, seatId: holder.seatId }, note: null } : "choose a seat";
    case "seat-rotate":
      if (!holder) return "choose a seat";
      if (!isAddress(value.trim())) return "enter the new holder's address";
      return { spec: { kind, holder: holder.address, seatId: holder.seatId, newHolder: value.trim() }, note: null };
    case "tier-rule": {
      const v = numbers(value, 2);
      return v
        ? { spec: { kind, tier: choice as Tier, threshold: v[0], delay: v[1] }, note: null }
        : "enter two whole numbers";
    }
    case "veto-threshold":
      return whole === null ? "enter a whole number" : { spec: { kind, threshold: whole }, note: null };
    case "expiry": {
      const v = numbers(value, 2);
      return v ? { spec: { kind, ttl: v[0], grace: v[1] }, note: null } : "enter two whole numbers";
    }
    case "oracle":
      return isAddress(value.trim())
        ? { spec: { kind, feed: value.trim() }, note: null }
        : "enter the new feed's address";
  }
}

/** The field a nudge of `parameter` moves, as `--set` names it: the coverage, or a layer's trigger. */
function nudgePath(parameter: number): string {
  return parameter === COVERAGE_PARAMETER ? "coverageBps" : `layers.${parameter}.triggerVix`;
}

// One proposal: its calls decoded as a before / after / effect table, the tier and why, who approved and what is
// missing, the EIP-712 hashes to compare on a hardware wallet, and the actions. Each action is simulated
// (eth_call from the connected account) on every block: enabled only when the contracts would accept it, its
// refusal shown in words otherwise, and simulated once more right before the wallet sends it. An outdated proposal
// (its calls would revert now) says so and why, and keeps sign, approve, relay, submit and queue disabled, as the
// command line refuses them; a veto stays possible.
import { useEffect, useMemo, useState } from "react";
import { BrowserProvider, TypedDataEncoder, ZeroAddress, getAddress } from "ethers";

import { approvalsText, newApprovalsFile, type ApprovalsFile } from "../../../scripts/lib/approvals-format";
import {
  GOVERNED_ABI,
  ProposalState,
  STATE_NAMES,
  TIER_NAMES,
  fieldEffect,
  requiredValue,
  tierReasons,
} from "../../../scripts/lib/council";
import { fmtBps, fmtDuration, fmtRelative, fmtTime, fmtVix } from "../../../scripts/lib/format";
import { toPolicyValues, type PolicyLike, type PolicyValues } from "../../../scripts/lib/policy";
import { policyChangeRows, type PolicyChangeRow } from "../../../scripts/lib/policy-edit";
import { describeCall } from "../../../scripts/lib/proposals";
import {
  APPROVAL_TYPES,
  approvalDigest,
  approvalDomain,
  approvalTypedDataV4,
  packApprovals,
  recoverApprover,
} from "../../../scripts/lib/signing";
import { descriptionLines } from "../../../scripts/lib/descriptions";
import { explain, type System } from "../chain";
import { loadProposal, type ProposalView } from "../proposal-model";
import { keepFile } from "../store";
import { ChangesTable, Hex, Section, short, useApp, useLoad } from "../ui";
import { open, useFiles } from "./Proposals";

type ActionKey = "sign" | "approve" | "relay" | "submit" | "queue" | "execute" | "veto" | "revoke" | "cancel";
interface Check {
  key: ActionKey;
  label: string;
  /** Null: the contracts would accept it now. */
  refusal: string | null;
}

/** The actions that spend a signature or gas on the proposal running: disabled while it is outdated. */
const NEEDS_CURRENT: ActionKey[] = ["sign", "approve", "relay", "submit", "queue"];

const LABELS: Record<ActionKey, string> = {
  sign: "Sign (EIP-712)",
  approve: "Approve on chain",
  relay: "Submit collected signatures",
  submit: "Submit collected signatures",
  queue: "Queue",
  execute: "Execute",
  veto: "Veto",
  revoke: "Revoke my approval",
  cancel: "Cancel",
};

/** The signatures of the kept file that are not already counted on chain. */
function collected(p: ProposalView): { signers: string[]; signatures: string[] } {
  const counted = new Set(p.holders.filter((h) => h.approved).map((h) => h.address));
  return packApprovals((p.file?.signatures ?? []).filter((s) => !counted.has(getAddress(s.signer))));
}

/** The council function an action calls, and its arguments. */
function callOf(key: ActionKey, p: ProposalView): [string, unknown[]] {
  const { targets, values, calldatas, salt } = p.calls;
  const calls = [targets, values, calldatas, salt];
  const sigs = collected(p);
  switch (key) {
    case "approve":
    case "revoke":
    case "veto":
      return [key, [p.id]];
    case "queue":
    case "execute":
    case "cancel":
      return [key, calls];
    case "relay":
      return ["approveBySig", [p.id, sigs.signers, sigs.signatures]];
    case "submit":
      return ["submit", [...calls, sigs.signers, sigs.signatures]];
    default:
      throw new Error(`${key} is not a transaction`);
  }
}

/** Sends (or, with `simulate`, only simulates from `from`) an action through `council`. */
async function perform(
  key: ActionKey,
  p: ProposalView,
  council: System["council"],
  from: string,
  simulate: boolean,
): Promise<unknown> {
  const [name, args] = callOf(key, p);
  const overrides = {
    ...(simulate ? { from } : {}),
    ...(key === "execute" ? { value: requiredValue(p.calls.values) } : {}),
  };
  const fn = council.getFunction(name);
  return simulate ? fn.staticCall(...args, overrides) : fn(...args, overrides);
}

function signRefusal(p: ProposalView, account: string | null, connected: boolean): string | null {
  if (!account || !connected) return "connect a wallet on the council's chain to sign";
  const me = p.holders.find((h) => h.address === getAddress(account));
  if (!me)
    return `${account} holds no council seat: only seat holders can approve (a signature from it would not count)`;
  if (p.state !== ProposalState.Unknown && p.state !== ProposalState.Pending) {
    return `the proposal is ${STATE_NAMES[p.state]}: approvals no longer count`;
  }
  if (me.revoked) return "you revoked your approval of this proposal: only a new on-chain approval counts again";
  if (me.approved || me.signed) return "you already approved this proposal";
  return null;
}

/**
 * The contracts would take a signature, an approval or a queue of an outdated proposal; the console, like the
 * command line, does not spend one on a proposal that cannot run as it stands.
 */
function outdatedRefusal(p: ProposalView, key: ActionKey): string | null {
  return p.staleness.outdated && NEEDS_CURRENT.includes(key) ? `outdated: ${p.staleness.reason}` : null;
}

export function ProposalPage({ id }: { id: string }) {
  const app = useApp();
  const { system, account, wallet, now, refresh } = app;
  const files = useFiles();
  const file = files[id] ?? null;
  const [busy, setBusy] = useState<string | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  const { data, error } = useLoad(async () => {
    const p = await loadProposal(system, id, file);
    if (!p) return null;
    const [policy, version, baseline] = await Promise.all([
      system.policy.policy(),
      system.policy.version(),
      system.policy.baseline(),
    ]);
    const current = toPolicyValues(policy);
    const base = { coverageBps: Number(baseline[0]), triggers: baseline[1].map(Number) };
    const from = account ?? ZeroAddress;
    const keys: ActionKey[] = p.onChain
      ? ["approve", "relay", "queue", "execute", "veto", "revoke", "cancel"]
      : ["submit"];
    const checks: Check[] = [
      { key: "sign", label: LABELS.sign, refusal: signRefusal(p, account, !!wallet) ?? outdatedRefusal(p, "sign") },
    ];
    for (const key of keys) {
      let refusal: string | null = null;
      if ((key === "relay" || key === "submit") && collected(p).signers.length === 0) {
        refusal = "there is no collected signature that is not already counted";
      } else {
        try {
          await perform(key, p, system.council, from, true);
        } catch (e) {
          refusal = explain(e, now);
        }
      }
      refusal ??= outdatedRefusal(p, key);
      if (refusal === null && !wallet) refusal = "the contracts would accept it: connect a wallet to send it";
      checks.push({ key, label: LABELS[key], refusal });
    }
    return { p, current, version: Number(version), baseline: base, checks };
  }, [id, file, account, wallet]);

  if (error) return <p role="alert">Cannot read the proposal: {error}</p>;
  if (data === undefined) return <p aria-busy="true">Loading the proposal…</p>;
  if (data === null) {
    return (
      <p role="alert">
        No proposal {id} on this council, and no signatures file for it here. Import one on the{" "}
        <a href="#/signatures">Signatures</a> page.
      </p>
    );
  }
  const { p, current, checks } = data;
  const council = system.deployment.contracts.council.address;
  const domain = approvalDomain(system.chainId, council);

  async function act(key: ActionKey) {
    setMessage(null);
    setBusy(key);
    try {
      if (!wallet || !account) throw new Error("connect a wallet first");
      if (key === "sign") {
        const payload = JSON.stringify(approvalTypedDataV4(system.chainId, council, p.id));
        const signature = (await wallet.provider.request({
          method: "eth_signTypedData_v4",
          params: [account, payload],
        })) as string;
        const signer = getAddress(recoverApprover(system.chainId, council, p.id, signature));
        if (signer !== getAddress(account)) throw new Error(`the wallet signed as ${signer}, not ${account}`);
        const base: ApprovalsFile = p.file ?? newApprovalsFile(system.chainId, council, p.id, p.calls);
        keepFile({ ...base, signatures: [...base.signatures, { signer, signature }] });
        setMessage({ ok: true, text: "Signed: your signature is in the signatures file below." });
      } else {
        await perform(key, p, system.council, account, true).catch((e: unknown) => {
          throw new Error(`refused before sending: ${explain(e, now)}`);
        });
        const signer = await new BrowserProvider(wallet.provider).getSigner(account);
        const tx = (await perform(key, p, system.council.connect(signer), account, false)) as {
          wait(): Promise<unknown>;
          hash: string;
        };
        await tx.wait();
        setMessage({ ok: true, text: `${LABELS[key]}: done in transaction ${tx.hash}` });
      }
    } catch (e) {
      setMessage({ ok: false, text: explain(e, now) });
    } finally {
      setBusy(null);
      refresh();
    }
  }

  const missing = Math.max(0, p.threshold - (p.onChain ? p.approvals : (p.file?.signatures.length ?? 0)));
  return (
    <>
      <h2 className="page-title">Proposal</h2>
      <p>
        <Hex value={p.id} label="proposal id" />
      </p>
      {p.staleness.outdated && (
        <p data-testid="outdated">
          <strong className="badge">Outdated:</strong> it cannot run as it stands ({p.staleness.reason}). Signing,
          approving and queueing are disabled; a veto is still possible.
        </p>
      )}
      <dl className="facts">
        {p.description !== null && (
          <>
            <dt>Description</dt>
            <dd data-testid="description" className="description">
              {descriptionLines(p.description).map((line, i) => (
                <span key={i}>
                  {i > 0 && <br />}
                  {line}
                </span>
              ))}
            </dd>
          </>
        )}
        <dt>State</dt>
        <dd data-testid="state">{p.onChain ? STATE_NAMES[p.state] : "not on chain yet (signatures file)"}</dd>
        <dt>Tier</dt>
        <dd data-testid="tier">{TIER_NAMES[p.tier]}</dd>
        <dt>Approvals</dt>
        <dd data-testid="approvals">
          {p.onChain ? p.approvals : (p.file?.signatures.length ?? 0)} of {p.threshold}
          {missing > 0 ? ` (${missing} missing)` : ""}
        </dd>
        <dt>Vetoes</dt>
        <dd>
          {p.vetoes} of {p.vetoThreshold}
        </dd>
        <dt>Delay</dt>
        <dd>{fmtDuration(p.delay)}</dd>
        {p.eta > 0 && (
          <>
            <dt>Eta</dt>
            <dd data-testid="eta">
              {fmtTime(p.eta)} ({fmtRelative(p.eta, now)})
            </dd>
          </>
        )}
        {p.deadline > 0 && open(p) && (
          <>
            <dt>Expires</dt>
            <dd>
              {fmtTime(p.deadline)} ({fmtRelative(p.deadline, now)})
            </dd>
          </>
        )}
      </dl>

      <Section title="Why this tier">
        {p.state === ProposalState.Unknown || p.state === ProposalState.Pending || p.state === ProposalState.Queued ? (
          <ul data-testid="tier-reasons">
            {tierReasons(p.calls, system.deployment.contracts.policy.address, current, data.version, data.baseline).map(
              (r, i) => (
                <li key={i}>{r}</li>
              ),
            )}
          </ul>
        ) : (
          <p>
            The council fixed the tier ({TIER_NAMES[p.tier]}) when the proposal was created; the policy has moved on
            since, so the reasons are not judged again.
          </p>
        )}
      </Section>

      <Section title="Calls">
        {p.calls.targets.map((target, i) => (
          <CallView
            key={i}
            system={system}
            index={i}
            target={target}
            value={p.calls.values[i]}
            data={p.calls.calldatas[i]}
            current={current}
          />
        ))}
      </Section>

      <Section title="Seat holders">
        <table>
          <caption>Who approved, and who has not</caption>
          <thead>
            <tr>
              <th scope="col">Seat</th>
              <th scope="col">Holder</th>
              <th scope="col">Approval</th>
            </tr>
          </thead>
          <tbody>
            {p.holders.map((h) => (
              <tr key={h.seatId}>
                <td>{h.seatId}</td>
                <td>
                  <code>{h.address}</code>
                </td>
                <td>
                  {h.revoked
                    ? "revoked"
                    : h.approved
                      ? "approved on chain"
                      : h.signed
                        ? "signed (in the signatures file)"
                        : "missing"}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>

      <Section title="What you sign">
        <p>EIP-712 Approval(bytes32 proposalId): compare these with your hardware wallet's screen.</p>
        <dl className="facts">
          <dt>Domain</dt>
          <dd>
            HedgeCouncil, version 1, chain {system.chainId}, council <code>{council}</code>
          </dd>
          <dt>Domain hash</dt>
          <dd>
            <Hex value={TypedDataEncoder.hashDomain(domain)} label="domain hash" />
          </dd>
          <dt>Message hash</dt>
          <dd>
            <Hex value={TypedDataEncoder.from(APPROVAL_TYPES).hash({ proposalId: p.id })} label="message hash" />
          </dd>
          <dt>Digest</dt>
          <dd>
            <Hex value={approvalDigest(system.chainId, council, p.id)} label="digest" />
          </dd>
        </dl>
      </Section>

      <Section title="Actions">
        <ul className="actions">
          {checks.map((c) => (
            <li key={c.key}>
              <button
                disabled={c.refusal !== null || busy !== null}
                aria-describedby={`why-${c.key}`}
                onClick={() => act(c.key)}
                data-action={c.key}
              >
                {busy === c.key ? `${c.label}…` : c.label}
              </button>{" "}
              <span id={`why-${c.key}`} className="why" data-why={c.key}>
                {c.refusal ?? "the contracts would accept it"}
              </span>
            </li>
          ))}
        </ul>
        <div role="status" aria-live="polite" data-testid="message" className={message?.ok ? "ok" : "bad"}>
          {message?.text}
        </div>
      </Section>

      {p.file && <FileExport file={p.file} />}
    </>
  );
}

export function FileExport({ file }: { file: ApprovalsFile }) {
  const text = approvalsText(file);
  const href = useMemo(() => URL.createObjectURL(new Blob([text], { type: "application/json" })), [text]);
  useEffect(() => () => URL.revokeObjectURL(href), [href]);
  return (
    <Section title="Signatures file">
      <p>
        {file.signatures.length} signature{file.signatures.length === 1 ? "" : "s"}:{" "}
        {file.signatures.map((s) => short(s.signer)).join(", ") || "none yet"}.{" "}
        <a href={href} download={`${file.proposalId}.json`}>
          Download {file.proposalId.slice(0, 10)}….json
        </a>
      </p>
      <label>
        Signatures file (hedge-council-approvals/1), to copy
        <textarea readOnly value={text} rows={8} data-testid="export" />
      </label>
    </Section>
  );
}

function CallView(props: {
  system: System;
  index: number;
  target: string;
  value: bigint;
  data: string;
  current: PolicyValues;
}) {
  const { system, index, target, value, data, current } = props;
  const [headline] = describeCall(system, target, value, data, current);
  let rows: PolicyChangeRow[] | null = null;
  try {
    if (target.toLowerCase() === system.deployment.contracts.policy.address.toLowerCase()) {
      const call = GOVERNED_ABI.policy.parseTransaction({ data });
      if (call?.name === "setPolicy")
        rows = policyChangeRows(current, toPolicyValues(call.args[0] as unknown as PolicyLike));
      if (call?.name === "nudgeTrigger") {
        const [layer, trigger] = [Number(call.args[0]), Number(call.args[1])];
        const before = current.layers[layer]?.triggerVix;
        rows = [
          {
            field: `layers.${layer}.triggerVix`,
            before: before === undefined ? "-" : `VIX ${fmtVix(before)}`,
            after: `VIX ${fmtVix(trigger)}`,
            effect: fieldEffect("triggerVix", before, trigger),
          },
        ];
      }
      if (call?.name === "nudgeCoverage") {
        const after = Number(call.args[0]);
        rows = [
          {
            field: "coverageBps",
            before: fmtBps(current.coverageBps),
            after: fmtBps(after),
            effect: fieldEffect("coverageBps", current.coverageBps, after),
          },
        ];
      }
    }
  } catch {
    rows = null;
  }
  return (
    <div className="call">
      <h3>
        Call {index}: {headline}
      </h3>
      {rows && (
        <ChangesTable
          rows={rows}
          caption="Before and after (against the policy in force now)"
          testId={`call-${index}`}
          empty="no change"
        />
      )}
    </div>
  );
}

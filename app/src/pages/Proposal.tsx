// One proposal: first, its calls and description must hash to its id, or the page shows only that refusal, in words,
// and no action at all. Then what hedge:propose, hedge:sign and hedge:status --id print of it, from the one proposal
// view (scripts/lib/view.ts, modelled by ../proposal-model): its description (escaped), the tier and the `why:`
// reasons, its calls decoded as before / after / effect rows (against the policy in force while it may still run;
// for one that is over, as it happened: against the policy just before its execution), and its timeline (created,
// each approval, revocation and veto with who, when and the transaction, queued, executed or vetoed; the vetoers
// named). Then who approved and what is missing, what a signature signs (the seat, the deadline and the EIP-712 hashes to
// compare on a hardware wallet), and the actions. Each action is simulated (eth_call from the connected account) on
// every block: enabled only when the contracts would accept it, its refusal shown in words otherwise, and simulated
// once more right before the wallet sends it. An outdated proposal (its calls would revert now) says so and why, and
// keeps sign, approve, relay, submit and queue disabled, as the command line refuses them.
//
// A change of the policy is also drawn: the protection before and after on one chart (../protection-chart), the same
// two policies as the rows (for one that is over, the policy it replaced and the one it set, as recorded).
//
// Rules v3: a signature is Approval(proposalId, seatId, validUntil) in domain version 2, made as the signer's current
// seat (`seatOf`) with a deadline ("Valid for", default DEFAULT_VALID_FOR_SECONDS, pinned when the page opens or the
// field changes, so the hashes shown are the ones signed); relaying sends SeatSignature[] after the command line's
// checks (`signaturesToRelay`: an expired or revoked signature is refused in one line); a Veto button exists only for
// a Critical proposal (the council refuses any other veto); Revoke works before the proposal exists.
import { useEffect, useMemo, useState } from "react";
import { BrowserProvider, TypedDataEncoder, ZeroAddress, getAddress } from "ethers";

import {
  APPROVALS_FORMAT,
  approvalsText,
  fileSignature,
  newApprovalsFile,
  seatSignaturesOf,
  type ApprovalsFile,
} from "../../../scripts/lib/approvals-format";
import { ProposalState, STATE_NAMES, Tier, requiredValue } from "../../../scripts/lib/council";
import { fmtDuration, fmtRelative, fmtTime } from "../../../scripts/lib/format";
import { signaturesToRelay } from "../../../scripts/lib/proposals";
import { parseValidFor } from "../../../scripts/lib/shell/args";
import {
  APPROVAL_DOMAIN_VERSION,
  APPROVAL_TYPE,
  DEFAULT_VALID_FOR_SECONDS,
  approvalDomain,
  approvalHashes,
  approvalTypedDataV4,
  fmtValidUntil,
  recoverApprover,
  type Approval,
  type SeatSignature,
} from "../../../scripts/lib/signing";
import { explain, type System } from "../chain";
import { loadProposal, type Holder, type LoadedProposal } from "../proposal-load";
import { isRefused, proposalModelOf, type ProposalModel, type RefusedProposal } from "../proposal-model";
import { ProtectionChart } from "../protection-chart";
import { SharedFolderNote } from "../shared-folder";
import { keepFile } from "../store";
import { UntrustedBlock } from "../untrusted";
import { escapeUnsafe } from "../../../scripts/lib/untrusted";
import { ChangesTable, Hex, Section, Table, short, useApp, useLoad } from "../ui";
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

/**
 * The actions only a seat holder can send, and what each does: without a wallet there is no one to simulate them
 * from (the zero address would only say that it holds no seat), so the page asks for one.
 */
const SEAT_ACTIONS: Partial<Record<ActionKey, string>> = {
  approve: "approve",
  veto: "veto",
  revoke: "revoke an approval",
};

/** The default "Valid for", as the command line's `--valid-for` would take it. */
const DEFAULT_VALID_FOR = `${DEFAULT_VALID_FOR_SECONDS / 86_400}d`;

/** What a relay (`approveBySig` or `submit`) would send: the kept file's signatures the council would count. */
interface Relay {
  signatures: SeatSignature[];
  /** Why nothing can be relayed, in one line (an expired or revoked signature, none left to count). */
  refusal: string | null;
}

/**
 * The kept file's signatures for a relay, checked as `hedge:submit` and `hedge:approve --signatures` check them
 * (`signaturesToRelay`): a seat already counted on chain is left out; an expired signature, or one by an address that
 * revoked the proposal, refuses the relay in one line naming its seat.
 */
async function relayOf(system: System, p: LoadedProposal, now: number): Promise<Relay> {
  const list = p.file?.signatures ?? [];
  try {
    const { fresh } = await signaturesToRelay(system, p.id, list, "the signatures file kept here", now);
    if (fresh.length === 0) {
      return { signatures: [], refusal: "there is no collected signature that is not already counted" };
    }
    return { signatures: seatSignaturesOf(fresh), refusal: null };
  } catch (e) {
    return { signatures: [], refusal: explain(e, now) };
  }
}

/** The council function an action calls, and its arguments. */
function callOf(key: ActionKey, p: LoadedProposal, relay: Relay): [string, unknown[]] {
  const { targets, values, calldatas, descriptionHash } = p.calls;
  switch (key) {
    case "approve":
    case "revoke":
    case "veto":
      return [key, [p.id]];
    case "queue":
    case "execute":
    case "cancel":
      return [key, [targets, values, calldatas, descriptionHash]];
    case "relay":
      return ["approveBySig", [p.id, relay.signatures]];
    case "submit":
      // `submit` takes the description's text (the id commits to its hash; ProposalCreated carries it).
      if (p.description === null) throw new Error("the proposal's description is unknown: import its signatures file");
      return ["submit", [targets, values, calldatas, p.description, relay.signatures]];
    default:
      throw new Error(`${key} is not a transaction`);
  }
}

/** Sends (or, with `simulate`, only simulates from `from`) an action through `council`. */
async function perform(
  key: ActionKey,
  p: LoadedProposal,
  relay: Relay,
  council: System["council"],
  from: string,
  simulate: boolean,
): Promise<unknown> {
  const [name, args] = callOf(key, p, relay);
  const overrides = {
    ...(simulate ? { from } : {}),
    ...(key === "execute" ? { value: requiredValue(p.calls.values) } : {}),
  };
  const fn = council.getFunction(name);
  return simulate ? fn.staticCall(...args, overrides) : fn(...args, overrides);
}

/** The signature the connected seat would make: its seat, and the deadline (or why there is none). */
interface Signing {
  seatId: number;
  validUntil: number | null;
  problem: string | null;
}

function signRefusal(p: LoadedProposal, account: string | null, connected: boolean, signing: Signing, now: number) {
  if (!account || !connected) return "connect a wallet on the council's chain to sign";
  const me = p.holders.find((h) => h.address === getAddress(account));
  if (!me || signing.seatId === 0)
    return `${account} holds no council seat: only seat holders can approve (a signature from it would not count)`;
  if (p.state !== ProposalState.Unknown && p.state !== ProposalState.Pending) {
    return `the proposal is ${STATE_NAMES[p.state]}: approvals no longer count`;
  }
  if (me.revoked) {
    return p.onChain
      ? "you revoked your approval of this proposal: no signature of yours counts for it; only a new on-chain approval counts again"
      : "you revoked this proposal before it was proposed: no signature of yours counts for it; once it is on chain, an on-chain approval (or proposing it yourself) still counts";
  }
  if (me.approved || me.signed) return "you already approved this proposal";
  if (signing.problem) return signing.problem;
  if (signing.validUntil !== null && signing.validUntil <= now) {
    return `the deadline ${fmtValidUntil(signing.validUntil)} has passed: change "Valid for" to count again from now`;
  }
  return null;
}

/**
 * The contracts would take a signature, an approval or a queue of an outdated proposal; the console, like the
 * command line, does not spend one on a proposal that cannot run as it stands.
 */
function outdatedRefusal(p: LoadedProposal, key: ActionKey): string | null {
  return p.staleness.outdated && NEEDS_CURRENT.includes(key) ? `outdated: ${escapeUnsafe(p.staleness.reason)}` : null;
}

/** What the holders table says of one seat. */
function approvalOf(h: Holder): string {
  if (h.revoked) return "revoked";
  if (h.approved) return "approved on chain";
  if (h.signed) return "signed (in the signatures file)";
  if (h.expired) return "signature expired (in the signatures file): sign again";
  return "missing";
}

/**
 * The page's model of the proposal: the one proposal view (scripts/lib/view.ts, loaded with the page: it replays the
 * chain's events for the timeline, with the audit's replay) of exactly the calls and description the page shows.
 */
async function modelOf(system: System, p: LoadedProposal): Promise<ProposalModel | RefusedProposal> {
  if (p.description === null) {
    return {
      id: p.id,
      refused:
        "its description is unknown: the signatures file kept here carries none that hashes to the proposal's description hash, so the page cannot show what a signature approves",
    };
  }
  const { viewProposal } = await import("../../../scripts/lib/view");
  const rpc = {
    request: ({ method, params }: { method: string; params?: unknown[] }) => system.provider.send(method, params ?? []),
  };
  const input = { id: p.id, ...p.calls, description: p.description };
  try {
    return proposalModelOf(await viewProposal({ rpc, deployment: system.deployment }, input));
  } catch (e) {
    if ((e as Error)?.name === "ProposalIdMismatchError") return { id: p.id, refused: (e as Error).message };
    throw e;
  }
}

export function ProposalPage({ id }: { id: string }) {
  const app = useApp();
  const { system, account, wallet, now, refresh } = app;
  const files = useFiles();
  const file = files[id] ?? null;
  const [busy, setBusy] = useState<string | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  // The deadline counts from the chain's time when the page opened, or when "Valid for" last changed: pinned, so the
  // hashes shown do not move with every block and are the ones the wallet signs.
  const [validFor, setValidFor] = useState(DEFAULT_VALID_FOR);
  const [validFrom, setValidFrom] = useState(now);

  const { data, error } = useLoad(async () => {
    const p = await loadProposal(system, id, file, now);
    if (!p) return null;
    if (isRefused(p)) return { refused: p.refused };
    const shown = await modelOf(system, p);
    if (isRefused(shown)) return { refused: shown.refused };
    const seat = account ? await system.council.seatOf(account) : 0n;
    // Anyone may queue, execute, cancel or relay: without a wallet, simulated from the zero address.
    const from = account ?? ZeroAddress;
    const relay = await relayOf(system, p, now);
    // Only a Critical proposal can be vetoed: no Veto button on any other. Revoke works before the proposal exists.
    const keys: ActionKey[] = p.onChain
      ? [
          "approve",
          "relay",
          "queue",
          "execute",
          ...(p.tier === Tier.Critical ? ["veto" as const] : []),
          "revoke",
          "cancel",
        ]
      : ["submit", "revoke"];
    const checks: Check[] = [];
    for (const key of keys) {
      let refusal: string | null = null;
      if (key === "relay" || key === "submit") refusal = relay.refusal;
      if (!account && SEAT_ACTIONS[key]) refusal = `connect a seat holder's wallet to ${SEAT_ACTIONS[key]}`;
      if (refusal === null) {
        try {
          await perform(key, p, relay, system.council, from, true);
        } catch (e) {
          refusal = explain(e, now);
        }
      }
      refusal ??= outdatedRefusal(p, key);
      if (refusal === null && !wallet) refusal = "the contracts would accept it: connect a wallet to send it";
      checks.push({ key, label: LABELS[key], refusal });
    }
    return { p, model: shown, checks, relay, seatId: Number(seat) };
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
  if (data.refused !== undefined) {
    // The calls do not hash to the id: nothing of them is shown, and there is nothing to sign or send.
    return (
      <>
        <h2 className="page-title">Proposal</h2>
        <p>
          <Hex value={id} label="proposal id" />
        </p>
        <p role="alert" data-testid="refused">
          Refused: {escapeUnsafe(data.refused)}
        </p>
      </>
    );
  }
  const { p, model, relay, seatId } = data;
  const council = system.deployment.contracts.council.address;
  const domain = approvalDomain(system.chainId, council);

  let signing: Signing;
  try {
    signing = { seatId, validUntil: validFrom + parseValidFor(validFor, DEFAULT_VALID_FOR_SECONDS), problem: null };
  } catch (e) {
    signing = { seatId, validUntil: null, problem: `Valid for: ${explain(e, now).replace(/^--valid-for /, "")}` };
  }
  const approval: Approval | null =
    seatId > 0 && signing.validUntil !== null ? { proposalId: p.id, seatId, validUntil: signing.validUntil } : null;
  const hashes = approval ? approvalHashes(system.chainId, council, approval) : null;
  const checks: Check[] = [
    {
      key: "sign",
      label: LABELS.sign,
      refusal: signRefusal(p, account, !!wallet, signing, now) ?? outdatedRefusal(p, "sign"),
    },
    ...data.checks,
  ];

  async function act(key: ActionKey) {
    setMessage(null);
    setBusy(key);
    try {
      if (!wallet || !account) throw new Error("connect a wallet first");
      if (key === "sign") {
        if (!approval) throw new Error(signing.problem ?? "the connected account holds no seat");
        if (p.description === null)
          throw new Error("the proposal's description is unknown: import its signatures file");
        const payload = JSON.stringify(approvalTypedDataV4(system.chainId, council, approval));
        const signature = (await wallet.provider.request({
          method: "eth_signTypedData_v4",
          params: [account, payload],
        })) as string;
        const signer = getAddress(recoverApprover(system.chainId, council, approval, signature));
        if (signer !== getAddress(account)) throw new Error(`the wallet signed as ${signer}, not ${account}`);
        const base: ApprovalsFile = p.file ?? newApprovalsFile(system.chainId, council, p.id, p.calls, p.description);
        const signed = fileSignature({ seatId: approval.seatId, validUntil: approval.validUntil, signer, signature });
        keepFile({ ...base, signatures: [...base.signatures, signed] });
        setMessage({
          ok: true,
          text: `Signed as seat ${signed.seatId}, valid until ${fmtValidUntil(BigInt(signed.validUntil))}: your signature is in the signatures file below.`,
        });
      } else {
        await perform(key, p, relay, system.council, account, true).catch((e: unknown) => {
          throw new Error(`refused before sending: ${explain(e, now)}`);
        });
        const signer = await new BrowserProvider(wallet.provider).getSigner(account);
        const tx = (await perform(key, p, relay, system.council.connect(signer), account, false)) as {
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

  const counted = p.onChain ? p.approvals : p.holders.filter((h) => h.signed && !h.revoked).length;
  const missing = Math.max(0, p.threshold - counted);
  return (
    <>
      <h2 className="page-title">Proposal</h2>
      <p>
        <Hex value={p.id} label="proposal id" />
      </p>
      {p.staleness.outdated && (
        <p data-testid="outdated">
          <strong className="badge">Outdated:</strong> it cannot run as it stands ({escapeUnsafe(p.staleness.reason)}).
          Signing, approving and queueing are disabled{p.tier === Tier.Critical ? "; a veto is still possible" : ""}.
        </p>
      )}
      <dl className="facts">
        <dt>Description</dt>
        <dd data-testid="description" className="description">
          <UntrustedBlock text={model.description} empty="(none)" />
        </dd>
        <dt>State</dt>
        <dd data-testid="state">{p.onChain ? STATE_NAMES[p.state] : "not on chain yet (signatures file)"}</dd>
        <dt>Tier</dt>
        <dd data-testid="tier">{model.tierText}</dd>
        <dt>Approvals</dt>
        <dd data-testid="approvals">
          {counted} of {model.threshold}
          {missing > 0 ? ` (${missing} missing)` : ""}
        </dd>
        <dt>Vetoes</dt>
        <dd>
          {p.tier === Tier.Critical
            ? `${p.vetoes} of ${p.vetoThreshold}`
            : `none possible: only a Critical proposal can be vetoed`}
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

      <Section title={model.whyHeading}>
        <ul data-testid="tier-reasons">
          {model.why.map((r, i) => (
            <li key={i}>{r}</li>
          ))}
          {model.notes.map((n, i) => (
            <li key={`note-${i}`}>note: {n}</li>
          ))}
        </ul>
      </Section>

      <Section title="Calls">
        <p data-testid="calls-against">{model.callsCaption}:</p>
        {model.calls.map((call) => (
          <div className="call" key={call.index}>
            <h3>
              Call {call.index}: {call.headline}
            </h3>
            {call.changesPolicy && (
              <ChangesTable
                rows={call.rows}
                caption={`What call ${call.index} changes`}
                testId={`call-${call.index}`}
                empty="no change"
              />
            )}
          </div>
        ))}
      </Section>

      {model.protection && (
        <Section title="Protection">
          {"missing" in model.protection ? (
            <p data-testid="protection-missing">No chart: {model.protection.missing}.</p>
          ) : (
            <ProtectionChart
              policy={model.protection.after}
              compare={model.protection.before}
              title={model.protection.caption}
            />
          )}
        </Section>
      )}

      {model.timeline && <Timeline model={model} />}

      <Section title="Seat holders">
        <Table label="Who approved, and who has not">
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
                <td data-testid={`holder-${h.seatId}`}>{approvalOf(h)}</td>
              </tr>
            ))}
          </tbody>
        </Table>
      </Section>

      <Section title="What you sign">
        <p>
          EIP-712 <code>{APPROVAL_TYPE}</code>: your seat, and the last second your signature counts. Compare these with
          your hardware wallet's screen.
        </p>
        <label>
          Valid for (a duration: 30m, 12h, 7d; at most 365d){" "}
          <input
            value={validFor}
            data-testid="valid-for"
            onChange={(e) => {
              setValidFor(e.target.value);
              setValidFrom(now);
            }}
          />
        </label>
        <dl className="facts">
          <dt>Domain</dt>
          <dd>
            HedgeCouncil, version {APPROVAL_DOMAIN_VERSION}, chain {system.chainId}, council <code>{council}</code>
          </dd>
          <dt>Seat</dt>
          <dd data-testid="sign-seat">
            {seatId > 0 ? seatId : "none: the connected account holds no seat (connect a seat holder's wallet)"}
          </dd>
          <dt>Valid until</dt>
          <dd data-testid="valid-until">
            {signing.validUntil === null
              ? signing.problem
              : `${fmtValidUntil(signing.validUntil)} (${fmtRelative(signing.validUntil, now)})`}
          </dd>
          <dt>Domain hash</dt>
          <dd>
            <Hex value={TypedDataEncoder.hashDomain(domain)} label="domain hash" />
          </dd>
          <dt>Message hash</dt>
          <dd>{hashes ? <Hex value={hashes.structHash} label="message hash" /> : "-"}</dd>
          <dt>Digest</dt>
          <dd>{hashes ? <Hex value={hashes.digest} label="digest" /> : "-"}</dd>
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

      {p.file && <SharedFolderNote file={p.file} />}
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
        {file.signatures
          .map((s) => `seat ${s.seatId} (${short(s.signer)}, valid until ${fmtValidUntil(BigInt(s.validUntil))})`)
          .join(", ") || "none yet"}
        .{" "}
        <a href={href} download={`${file.proposalId}.json`}>
          Download {file.proposalId.slice(0, 10)}….json
        </a>
      </p>
      <label>
        Signatures file ({APPROVALS_FORMAT}), to copy
        <textarea readOnly value={text} rows={8} data-testid="export" />
      </label>
    </Section>
  );
}

/** The proposal's history as it happened, one row per event, and who vetoed it. */
function Timeline({ model }: { model: ProposalModel }) {
  const timeline = model.timeline ?? [];
  return (
    <Section title="Timeline">
      {timeline.length === 0 ? (
        <p data-testid="timeline">Nothing on chain yet.</p>
      ) : (
        <Table label="What happened to it, oldest first" data-testid="timeline" className="events">
          <caption>What happened to it, oldest first</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Block</th>
              <th scope="col">Event</th>
              <th scope="col">Who</th>
              <th scope="col">Detail</th>
              <th scope="col">Transaction</th>
            </tr>
          </thead>
          <tbody>
            {timeline.map((e, i) => (
              <tr key={i} data-kind={e.kind}>
                <td>{e.when}</td>
                <td>{e.block ?? "-"}</td>
                <td>{e.event}</td>
                <td>
                  {e.who ? <code>{e.who}</code> : "-"}
                  {e.seat ? ` (seat ${e.seat})` : ""}
                </td>
                <td>{e.detail ?? ""}</td>
                <td>{e.tx ? <Hex value={e.tx} label={`transaction of event ${i}`} /> : "-"}</td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
      {model.vetoers.length > 0 && <p data-testid="vetoers">Vetoed by: {model.vetoers.join(", ")}.</p>}
    </Section>
  );
}

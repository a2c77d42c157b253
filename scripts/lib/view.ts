// One view of a proposal: what the command line (hedge:propose, sign, approve, veto, status --id, simulate), the
// console and the audit's readers are shown of it, built in one place from the chain.
//
// It takes the calls and the description it is asked to show with the id they claim to be, and first recomputes the
// id (HedgeCouncil.hashProposal of the calls and keccak256 of the description): on a mismatch it refuses, so what is
// shown is what a signature approves, whoever supplied the calls (a signatures file, a link, an RPC endpoint). It
// cannot make a lying endpoint tell the truth about the chain's state; it binds what is shown to what is signed.
//
// Then it decodes the calls with the one decoder and judges them with the one tier rule (./council):
//   - a proposal that may still run (not on chain yet, Pending, Queued): against the current policy and its baseline,
//     the tier the council recorded at creation (or, not on chain yet, the one `tierOf` gives), why in words;
//   - a proposal that is over (Executed, Vetoed, Expired): as it happened. The tier as the council recorded it at
//     creation, why as judged then, and the change diffed against the policy just before its execution (for one that
//     never ran: as proposed, against the policy when it was created), from the chain's events: the audit's replay
//     (./audit `replayChain`) knows that state, and this view reads it rather than keeping a second replay.
// With the timeline (the default, and always for a proposal that is over): created (proposer, description), each
// approval, revocation and veto (who, when, the transaction), queued, executed, vetoed, canceled or expired.
//
// `proposalLines` and `timelineLines` print it for the terminal; the console renders the same object. For lists of
// proposals (hedge:status, the console's Proposals page), `proposalSummaries` gives each its one-line summary from
// the same judgement (the id recomputed, the same policy, the same decoder and tier rule), reading the chain once for
// the whole list.
import { Interface, id as keccakUtf8 } from "ethers";

import { callView, type Rpc } from "./rpc";
import type { ProposalRecord } from "./audit/replay/proposals";
import {
  CONTRACT_NAMES,
  ProposalState,
  Tier,
  callTiers,
  changeSummary,
  changesTable,
  checksum,
  decodeCalls,
  descriptionHash,
  effectiveThreshold,
  policyAfterActions,
  proposalIdOf,
  proposalTier,
  tierName,
  whyLines,
  type AddressBook,
  type Baseline,
  type CallTier,
  type DecodedCall,
  type PolicyContext,
  type ProposalCalls,
  type TierName,
} from "./council";
import type { Deployment } from "./deployments";
import { descriptionBlock } from "./descriptions";
import { fmtDurationExact, fmtTime } from "./format";
import { POLICY_ABI_TYPE, toPolicyValues, type PolicyLike, type PolicyValues } from "./policy";

export type { Rpc };

/**
 * The views the view reads, from the interfaces' signatures: no TypeChain, so that hedge:sign, approve and veto load
 * nothing heavy (the audit library, the contracts' whole ABIs) unless a timeline or a proposal that is over needs it.
 */
const READS = {
  council: new Interface([
    "function state(bytes32 id) view returns (uint8)",
    "function tierOf(address[] targets, bytes[] calldatas) view returns (uint8)",
    "function proposalTier(bytes32 id) view returns (uint8)",
    "function proposalEta(bytes32 id) view returns (uint256)",
    "function proposalDeadline(bytes32 id) view returns (uint256)",
    "function approvalCount(bytes32 id) view returns (uint256)",
    "function vetoCount(bytes32 id) view returns (uint256)",
    "function tierRule(uint8 tier) view returns (uint8 threshold, uint32 delay)",
    "function vetoThreshold() view returns (uint8)",
  ]),
  policy: new Interface([
    `function policy() view returns (${POLICY_ABI_TYPE})`,
    "function version() view returns (uint64)",
    "function baseline() view returns (uint16 coverageBps, uint32[] triggers)",
  ]),
  seats: new Interface(["function seatCount() view returns (uint256)"]),
};

/** The topic of `ProposalCreated(bytes32 indexed id, address indexed proposer, uint8 tier, …)`. */
const PROPOSAL_CREATED = keccakUtf8("ProposalCreated(bytes32,address,uint8,address[],uint256[],bytes[],string)");

const hex = (n: number | bigint) => `0x${n.toString(16)}`;

/** Where the view reads the chain: a JSON-RPC endpoint (EIP-1193) and the deployment it holds. */
export interface ViewSource {
  rpc: Rpc;
  deployment: Deployment;
}

/** What to show: the id a signature would approve, and the calls and description that claim to be it. */
export interface ProposalInput {
  id: string;
  targets: readonly string[];
  values: readonly bigint[];
  calldatas: readonly string[];
  description: string;
}

export interface ViewOptions {
  /** Read the timeline (a replay of the chain's events). Default true; a proposal that is over always has it. */
  timeline?: boolean;
}

/** The calls and description do not hash to the id they came with: the view refuses to show them. */
export class ProposalIdMismatchError extends Error {
  constructor(
    readonly id: string,
    readonly recomputed: string,
  ) {
    super(
      `proposal ${id}: its calls and description hash to ${recomputed}, not to ${id}; refusing to show or sign them (the file or the RPC endpoint that supplied them changed them)`,
    );
    this.name = "ProposalIdMismatchError";
  }
}

/** "Draft": not on chain yet (a signatures file, a form); otherwise the council's state. */
export type ViewStatus = "Draft" | "Pending" | "Queued" | "Executed" | "Vetoed" | "Expired";

/** The policy a view's calls are diffed against. */
export interface ViewAgainst {
  /**
   * "current": the policy in force now (the calls may still run); "before-execution": the policy just before the
   * proposal's execution changed it; "at-creation": the policy when it was created (it never ran).
   */
  kind: "current" | "before-execution" | "at-creation";
  version: number;
  /** Null when unknown (the replay lost track of it). */
  policy: PolicyValues | null;
  baseline: Baseline | null;
  /** The block it was read at or is the state before (for "before-execution": the execution's block). */
  block: number;
}

export interface TimelineEntry {
  kind: "created" | "approved" | "revoked" | "veto" | "vetoed" | "queued" | "executed" | "canceled" | "expired";
  /** Unix seconds. */
  timestamp: number;
  block: number | null;
  tx: string | null;
  /** The address that acted (proposer, approver, revoker, vetoer). */
  who?: string;
  /** Its seat then (0: none). */
  seat?: number;
  /** In words: "by signature", "eta …", "with 2 of 2 vetoes"… */
  detail?: string;
}

export interface ProposalView {
  id: string;
  chainId: number;
  council: string;
  calls: ProposalCalls;
  /** The proposer's words (hostile text: printed only through ./descriptions). */
  description: string;
  status: ViewStatus;
  /** "now": judged against today's policy (it may still run); "history": as it happened (it is over). */
  judged: "now" | "history";
  /** The tier that governs it: the council's record (ProposalCreated), or for a draft what `tierOf` answers. */
  tier: Tier;
  tierName: TierName;
  /** The tier rule's own judgement (./council), against the policy of `why` (now, or at creation). */
  derivedTier: Tier;
  /** Why, call by call, in the council's words (./council `whyLines`). */
  why: string[];
  /** Where the rule's judgement and the council's record differ, and why that matters, in words. */
  notes: string[];
  /** The tier's approvals and delay (now, with the seats there are now). */
  threshold: number;
  delay: number;
  seats: number;
  /** The calls decoded, with the fields a policy change moves against `against`. */
  decoded: DecodedCall[];
  /** The change in one line, as lists of proposals show it (./council `changeSummary` of `decoded` and the tiers). */
  summary: string;
  against: ViewAgainst;
  /**
   * The policy the calls leave, for a proposal that changes the policy (null otherwise, or when unknown): for one that
   * may still run, `against.policy` with its calls applied; for an executed one, the policy its execution set, as the
   * replay of its PolicyUpdated events recorded it (history as it happened, never today's policy); for one that never
   * ran, as proposed against the policy when it was created.
   */
  policyAfter: PolicyValues | null;
  /** Null when not read (ViewOptions.timeline false, for a proposal that may still run). */
  timeline: TimelineEntry[] | null;
  /** The proposal on chain: its creation. */
  created: { block: number; timestamp: number; tx: string; proposer: string } | null;
  executed: { block: number; timestamp: number; tx: string } | null;
  /** Approvals counted now (on chain), and vetoes. */
  approvals: number;
  vetoes: number;
  vetoThreshold: number;
  eta: number;
  deadline: number;
}

/** The contract addresses of a deployment. */
export function addressBook(deployment: Deployment): AddressBook {
  const book = {} as AddressBook;
  for (const name of CONTRACT_NAMES) book[name] = deployment.contracts[name].address;
  return book;
}

/** Throws ProposalIdMismatchError unless the calls and the description hash to `input.id`; returns the calls. */
export function checkProposalId(input: ProposalInput): ProposalCalls {
  const calls: ProposalCalls = {
    targets: [...input.targets],
    values: input.values.map((v) => BigInt(v)),
    calldatas: [...input.calldatas],
    descriptionHash: descriptionHash(input.description),
  };
  const recomputed = proposalIdOf(calls);
  if (recomputed !== input.id.toLowerCase()) throw new ProposalIdMismatchError(input.id.toLowerCase(), recomputed);
  return calls;
}

const STATUS_BY_STATE: Record<number, ViewStatus> = {
  [ProposalState.Unknown]: "Draft",
  [ProposalState.Pending]: "Pending",
  [ProposalState.Queued]: "Queued",
  [ProposalState.Executed]: "Executed",
  [ProposalState.Vetoed]: "Vetoed",
  [ProposalState.Expired]: "Expired",
};

/** The view of a proposal (see the top of this file). Throws ProposalIdMismatchError when the input is not `id`. */
export async function viewProposal(
  source: ViewSource,
  input: ProposalInput,
  options: ViewOptions = {},
): Promise<ProposalView> {
  const calls = checkProposalId(input);
  const id = input.id.toLowerCase();
  const { rpc, deployment } = source;
  const book = addressBook(deployment);
  const block = Number(await rpc.request({ method: "eth_blockNumber", params: [] }));
  const tag = hex(block);
  const council = (fn: string, args: unknown[] = []) => callView(rpc, READS.council, book.council, fn, args, tag);
  const policy = (fn: string, args: unknown[] = []) => callView(rpc, READS.policy, book.policy, fn, args, tag);
  const chainId = Number(await rpc.request({ method: "eth_chainId", params: [] }));
  if (chainId !== deployment.chainId) {
    throw new Error(`the deployment is for chain ${deployment.chainId}, but the node is chain ${chainId}`);
  }

  const state = Number((await council("state", [id]))[0]);
  const status = STATUS_BY_STATE[state] ?? "Pending";
  const judged = status === "Draft" || status === "Pending" || status === "Queued" ? "now" : "history";
  const [counts, vetoThreshold, seats] = await Promise.all([
    status === "Draft"
      ? Promise.resolve([0, 0, 0, 0, Number((await council("tierOf", [calls.targets, calls.calldatas]))[0])])
      : Promise.all([
          council("approvalCount", [id]).then((r) => Number(r[0])),
          council("vetoCount", [id]).then((r) => Number(r[0])),
          council("proposalEta", [id]).then((r) => Number(r[0])),
          council("proposalDeadline", [id]).then((r) => Number(r[0])),
          council("proposalTier", [id]).then((r) => Number(r[0])),
        ]),
    council("vetoThreshold").then((r) => Number(r[0])),
    callView(rpc, READS.seats, book.seats, "seatCount", [], tag).then((r) => Number(r[0])),
  ]);
  const [approvals, vetoes, eta, deadline, tier] = counts as number[];
  const [stored, delay] = await council("tierRule", [tier]);
  const threshold = effectiveThreshold(Number(stored), seats);

  let record: ProposalRecord | null = null;
  /** The policy the proposal's execution set, as the replay recorded it (its last PolicyUpdated). */
  let recordedAfter: PolicyValues | null = null;
  let timeline: TimelineEntry[] | null = null;
  let created: ProposalView["created"] = null;
  if (judged === "history" || options.timeline !== false) {
    // The audit's replay, loaded only here: a timeline, or a proposal that is over.
    const { replayChain } = await import("./audit");
    const chain = await replayChain({ rpc, deployment, toBlock: block });
    record = chain.replay.proposals.proposals.get(id) ?? findRecord(chain.replay.proposals.proposals, id);
    const now = Number(
      ((await rpc.request({ method: "eth_getBlockByNumber", params: [tag, false] })) as { timestamp: string })
        .timestamp,
    );
    timeline = record
      ? timelineOf(record, chain.replay.proposals.stateAt(record, now))
      : earlyRevocations(chain.replay.proposals.revokedEarly, id);
    if (record) {
      const c = record.created;
      created = { block: c.block, timestamp: c.timestamp, tx: c.tx, proposer: record.proposer };
      const set = chain.replay.policy.versions.filter(
        (v) => v.source.kind === "proposal" && v.source.proposalId.toLowerCase() === id,
      );
      recordedAfter = set.at(-1)?.policy ?? null;
    }
  } else if (status !== "Draft") {
    created = await creationOf(rpc, deployment, book.council, id, tag);
  }

  let ctx: PolicyContext;
  let against: ViewAgainst;
  if (judged === "now") {
    ({ ctx, against } = await currentContext(policy, book, block));
  } else {
    if (!record) {
      throw new Error(
        `proposal ${id} is ${status} on chain, but the replay of the council's events holds no ProposalCreated for it`,
      );
    }
    ({ ctx, against } = historyContext(record));
  }
  const { decoded, tiers } = await judgeCalls(book, calls, ctx, against.policy);
  const applied = against.policy
    ? policyAfterActions(
        against.policy,
        decoded.map((d) => d.action),
      )
    : null;
  const policyAfter = applied && against.kind === "before-execution" ? recordedAfter : applied;
  const derivedTier = proposalTier(tiers).tier;
  const why = whyLines(decoded, tiers, ctx.version);
  const notes: string[] = [];
  if (derivedTier !== tier) {
    const whose = status === "Draft" ? "the council's tierOf answers" : "the council recorded it at creation as";
    notes.push(
      judged === "now" && status !== "Draft"
        ? `${whose} ${tierName(tier)} (the tier its approvals and delay follow); judged against the policy in force now, the rule gives ${tierName(derivedTier)}`
        : `${whose} ${tierName(tier)}, but the tier rule gives ${tierName(derivedTier)}${judged === "history" ? " against the policy when it was created" : ""}`,
    );
  }
  return {
    id,
    chainId,
    council: book.council,
    calls,
    description: input.description,
    status,
    judged,
    tier: tier as Tier,
    tierName: tierName(tier),
    derivedTier,
    why,
    notes,
    threshold,
    delay: Number(delay),
    seats,
    decoded,
    summary: changeSummary(decoded, tiers),
    against,
    policyAfter,
    timeline,
    created,
    executed: record?.executed
      ? { block: record.executed.block, timestamp: record.executed.timestamp, tx: record.executed.tx }
      : null,
    approvals,
    vetoes,
    vetoThreshold,
    eta,
    deadline,
  };
}

type ViewCall = (fn: string, args?: unknown[]) => Promise<readonly unknown[]>;

/** What a proposal that may still run is judged against: the policy in force at `block`, its version and baseline. */
async function currentContext(
  policy: ViewCall,
  book: AddressBook,
  block: number,
): Promise<{ ctx: PolicyContext; against: ViewAgainst }> {
  const [p, version, base] = await Promise.all([policy("policy"), policy("version"), policy("baseline")]);
  const current = toPolicyValues(p[0] as PolicyLike);
  const triggers = base[1] as readonly (bigint | number)[];
  const baseline: Baseline = { coverageBps: Number(base[0]), triggers: [...triggers].map(Number) };
  const ctx = { policy: book.policy, version: Number(version[0]), params: current, baseline };
  return { ctx, against: { kind: "current", version: ctx.version, policy: current, baseline, block } };
}

/**
 * What a proposal that is over is judged against, from the replay: the tier rule as at its creation, the change
 * against the policy just before its execution (or, when it never ran, when it was created).
 */
function historyContext(record: ProposalRecord): { ctx: PolicyContext; against: ViewAgainst } {
  const ctx = record.createdAgainst;
  const ran = record.executedAgainst;
  const against: ViewAgainst = ran
    ? {
        kind: "before-execution",
        version: ran.version,
        policy: ran.params,
        baseline: ran.baseline ?? null,
        block: record.executed!.block,
      }
    : {
        kind: "at-creation",
        version: ctx.version,
        policy: ctx.params,
        baseline: ctx.baseline ?? null,
        block: record.created.block,
      };
  return { ctx, against };
}

/** The calls decoded against `against` and judged by the tier rule against `ctx`: the view's and the summaries'. */
async function judgeCalls(
  book: AddressBook,
  calls: ProposalCalls,
  ctx: PolicyContext,
  against: PolicyValues | null,
): Promise<{ decoded: DecodedCall[]; tiers: CallTier[] }> {
  let decoded = decodeCalls(book, calls, against);
  if (decoded.some((d) => d.contract !== "external" && d.function.startsWith("0x") && d.function !== "0x")) {
    // A function of the system's contracts that is not a governed one: named from the contracts' whole ABIs, as the
    // audit names it (loaded only then).
    const { INTERFACES } = await import("./audit/abi");
    decoded = decodeCalls(book, calls, against, INTERFACES);
  }
  return { decoded, tiers: callTiers(ctx, calls) };
}

/** One proposal of a list, summarised; or why it cannot be (its calls are not its id's, or it could not be judged). */
export type ProposalSummary =
  | { id: string; status: ViewStatus; summary: string }
  | { id: string; refused: string }
  | { id: string; unavailable: string };

/**
 * The one-line summary of each proposal of a list (hedge:status, the console's Proposals page), by the view's own
 * judgement: each id recomputed from its calls and description (a mismatch is `refused`, never summarised), a
 * proposal that may still run judged against the policy in force, one that is over as it happened (one replay of the
 * chain's events for the whole list, only when the list holds one). A proposal that cannot be judged (the replay
 * failed, or lost it) is `unavailable`, with why: one proposal never hides the others.
 */
export async function proposalSummaries(
  source: ViewSource,
  inputs: readonly ProposalInput[],
): Promise<Map<string, ProposalSummary>> {
  const { rpc, deployment } = source;
  const book = addressBook(deployment);
  const results = new Map<string, ProposalSummary>();
  const checked: { id: string; calls: ProposalCalls }[] = [];
  for (const input of inputs) {
    try {
      checked.push({ id: input.id.toLowerCase(), calls: checkProposalId(input) });
    } catch (error) {
      if (!(error instanceof ProposalIdMismatchError)) throw error;
      results.set(input.id.toLowerCase(), { id: input.id.toLowerCase(), refused: error.message });
    }
  }
  if (checked.length === 0) return results;
  const block = Number(await rpc.request({ method: "eth_blockNumber", params: [] }));
  const tag = hex(block);
  const council = (fn: string, args: unknown[] = []) => callView(rpc, READS.council, book.council, fn, args, tag);
  const policy = (fn: string, args: unknown[] = []) => callView(rpc, READS.policy, book.policy, fn, args, tag);
  const statuses = await Promise.all(
    checked.map(async (p) => STATUS_BY_STATE[Number((await council("state", [p.id]))[0])] ?? "Pending"),
  );
  const over = (status: ViewStatus) => status === "Executed" || status === "Vetoed" || status === "Expired";
  const now = statuses.some((s) => !over(s)) ? await currentContext(policy, book, block) : null;
  let records: Map<string, ProposalRecord> | null = null;
  let replayFailed: string | null = null;
  if (statuses.some(over)) {
    try {
      const { replayChain } = await import("./audit");
      records = (await replayChain({ rpc, deployment, toBlock: block })).replay.proposals.proposals;
    } catch (error) {
      replayFailed = `the replay of the chain's events failed: ${(error as Error)?.message ?? String(error)}`;
    }
  }
  for (const [i, { id, calls }] of checked.entries()) {
    const status = statuses[i];
    let context: { ctx: PolicyContext; against: ViewAgainst };
    if (!over(status)) {
      context = now!;
    } else {
      const record = records ? (records.get(id) ?? findRecord(records, id)) : null;
      if (!record) {
        const why = replayFailed ?? "the replay of the council's events holds no ProposalCreated for it";
        results.set(id, { id, unavailable: why });
        continue;
      }
      context = historyContext(record);
    }
    const { decoded, tiers } = await judgeCalls(book, calls, context.ctx, context.against.policy);
    results.set(id, { id, status, summary: changeSummary(decoded, tiers) });
  }
  return results;
}

/** Where `id` was created, from its `ProposalCreated` log (the id is an indexed topic): one request, no replay. */
async function creationOf(
  rpc: Rpc,
  deployment: Deployment,
  council: string,
  id: string,
  toBlock: string,
): Promise<ProposalView["created"]> {
  const blocks = Object.values(deployment.contracts)
    .map((c) => c?.blockNumber)
    .filter((b): b is number => typeof b === "number");
  const topic = PROPOSAL_CREATED;
  const logs = (await rpc.request({
    method: "eth_getLogs",
    params: [
      { address: council, topics: [topic, id], fromBlock: hex(blocks.length ? Math.min(...blocks) : 0), toBlock },
    ],
  })) as { blockNumber: string; transactionHash: string; topics: string[] }[];
  const log = logs[0];
  if (!log) return null;
  const block = Number(log.blockNumber);
  const header = (await rpc.request({ method: "eth_getBlockByNumber", params: [hex(block), false] })) as {
    timestamp: string;
  };
  return {
    block,
    timestamp: Number(header.timestamp),
    tx: log.transactionHash,
    proposer: checksum("0x" + log.topics[2].slice(26)),
  };
}

/** The record of `id` whatever the case of its hex (the replay keys proposals as the events spell them). */
function findRecord(records: Map<string, ProposalRecord>, id: string): ProposalRecord | null {
  for (const [key, record] of records) if (key.toLowerCase() === id) return record;
  return null;
}

/** Revocations of an id that does not exist on chain (yet): the only history it has. */
function earlyRevocations(
  early: Map<string, Map<string, { block: number; timestamp: number; tx: string }>>,
  id: string,
): TimelineEntry[] {
  const found = [...early].find(([key]) => key.toLowerCase() === id)?.[1];
  return [...(found ?? new Map())].map(([who, at]) => ({
    kind: "revoked" as const,
    timestamp: at.timestamp,
    block: at.block,
    tx: at.tx,
    who,
    detail: "before the proposal existed",
  }));
}

/** A proposal's history from the replay, oldest first; `state` is its state now (to tell an expiry). */
function timelineOf(p: ProposalRecord, state: string): TimelineEntry[] {
  const at = (x: { block: number; timestamp: number; tx: string }) => ({
    timestamp: x.timestamp,
    block: x.block,
    tx: x.tx,
  });
  const entries: (TimelineEntry & { order: number })[] = [];
  const push = (e: TimelineEntry, order: number) => entries.push({ ...e, order });
  push({ kind: "created", ...at(p.created), who: p.proposer }, p.created.logIndex);
  for (const r of p.revocations) {
    const early = p.revokedEarly.has(r.signer) && p.revokedEarly.get(r.signer) === r.at;
    push(
      { kind: "revoked", ...at(r.at), who: r.signer, ...(early ? { detail: "before the proposal existed" } : {}) },
      r.at.logIndex,
    );
  }
  for (const a of p.approvals) {
    const via = a.via === "signature" ? "by signature" : a.via === "propose" ? "as proposer" : "on chain";
    push({ kind: "approved", ...at(a.at), who: a.signer, seat: a.seat, detail: via }, a.at.logIndex);
  }
  for (const v of p.vetoes) push({ kind: "veto", ...at(v.at), who: v.signer, seat: v.seat }, v.at.logIndex);
  if (p.queued) {
    push({ kind: "queued", ...at(p.queued), detail: `eta ${fmtTime(p.queued.eta)}` }, p.queued.logIndex);
  }
  if (p.vetoed) push({ kind: "vetoed", ...at(p.vetoed) }, p.vetoed.logIndex);
  if (p.executed) push({ kind: "executed", ...at(p.executed) }, p.executed.logIndex);
  if (p.canceled) push({ kind: "canceled", ...at(p.canceled) }, p.canceled.logIndex);
  const sorted = entries
    .sort((x, y) => (x.block ?? 0) - (y.block ?? 0) || x.order - y.order)
    .map(({ order: _order, ...e }) => e);
  if (state === "Expired") {
    const deadline = p.status === "Queued" ? p.queued!.executionDeadline : p.queueDeadline;
    sorted.push({
      kind: "expired",
      timestamp: deadline,
      block: null,
      tx: null,
      detail: p.status === "Queued" ? "not executed within its grace period" : "not queued within its TTL",
    });
  }
  return sorted;
}

// ------------------------------------------------------------------------------------------------ the terminal

/** Who an address is, for the timeline: "0x… (account 2)" when the caller knows; the address otherwise. */
export type NameOf = (address: string) => string;

/** "Tier: Standard, needs 3 of 5 seats, then waits 1 d in the timelock" (now), or the recorded tier (history). */
export function tierLine(view: ProposalView): string {
  if (view.judged === "history") {
    const created = view.created ? ` at creation (block ${view.created.block})` : "";
    return `Tier: ${view.tierName}, as the council recorded it${created}`;
  }
  const wait =
    view.tier === Tier.Fast
      ? ", then runs at once (no timelock)"
      : `, then waits ${fmtDurationExact(view.delay)} in the timelock`;
  return `Tier: ${view.tierName}, needs ${view.threshold} of ${view.seats} seats${wait}`;
}

/** The heading a call's changes are diffed under, for a proposal that is over. */
function againstLine(view: ProposalView): string | null {
  const a = view.against;
  if (a.kind === "current") return null;
  if (a.kind === "before-execution") {
    return `As it ran in block ${a.block}, against the policy just before (version ${a.version}):`;
  }
  return `As proposed, against the policy when it was created (version ${a.version}, block ${a.block}); it never ran:`;
}

/**
 * The proposal's body, as hedge:propose prints it and hedge:sign, approve, veto, status --id and simulate print it
 * too: the description, each call decoded (with the fields a policy change moves, and their effect), the tier and
 * why. `descriptionPrefix` labels the description.
 */
export function proposalBodyLines(view: ProposalView): string[] {
  const lines = [...descriptionBlock(view.description, "Description: ")];
  const heading = againstLine(view);
  if (heading) lines.push(heading);
  for (const call of view.decoded) {
    lines.push(`  call ${call.index}: ${call.headline}`);
    if (call.changes) lines.push(...changesTable(call.changes, "      "));
  }
  lines.push(tierLine(view));
  const judged = view.judged === "history" ? " (as judged at creation)" : "";
  lines.push(...view.why.map((r) => `  why${judged}: ${r}`));
  lines.push(...view.notes.map((n) => `  note: ${n}`));
  return lines;
}

/** Where the proposal is: "not on chain yet", "Pending, created in block 12", "Executed in block 20 (…)". */
export function whereText(view: ProposalView): string {
  if (view.status === "Draft") return "not on chain yet";
  const created = view.created ? `, created in block ${view.created.block}` : "";
  if (view.status === "Executed" && view.executed) {
    return `Executed in block ${view.executed.block} (${fmtTime(view.executed.timestamp)})${created}`;
  }
  return `${view.status}${created}`;
}

/** The proposal's heading: its id, chain, council and where it stands. */
export function proposalHeaderLines(view: ProposalView): string[] {
  return [`Proposal ${view.id}`, `  chain ${view.chainId}, council ${view.council}, ${whereText(view)}`];
}

/** Heading and body: what the seat commands print before acting on a proposal. */
export function proposalLines(view: ProposalView): string[] {
  return [...proposalHeaderLines(view), ...proposalBodyLines(view)];
}

/** The timeline, one line per event: "  2026-… UTC  block 12  approved  0x… (seat 2) by signature  tx 0x…". */
export function timelineLines(view: ProposalView, nameOf: NameOf = (a) => a): string[] {
  if (view.timeline === null) return [];
  if (view.timeline.length === 0) return ["Timeline: nothing on chain yet"];
  const lines = ["Timeline:"];
  for (const e of view.timeline) {
    const who = e.who ? ` ${nameOf(e.who)}${e.seat ? ` (seat ${e.seat})` : ""}` : "";
    const detail = e.detail ? ` ${e.detail}` : "";
    const where = e.block === null ? "" : `  block ${e.block}`;
    const tx = e.tx ? `  tx ${e.tx}` : "";
    const what = e.kind === "created" ? `created by${who}` : `${e.kind}${who}`;
    lines.push(`  ${fmtTime(e.timestamp)}${where}  ${what}${detail}${tx}`);
  }
  const vetoers = view.timeline.filter((e) => e.kind === "veto").map((e) => nameOf(e.who!));
  if (vetoers.length > 0) {
    lines.push(`  ${view.status === "Vetoed" ? "vetoed by" : "vetoes cast by"}: ${vetoers.join(", ")}`);
  }
  return lines;
}

// What the console's proposal page shows of a proposal, as plain data: the proposal view of scripts/lib/view.ts (the
// one view the command line prints) turned into the rows, words and timeline the page renders, and the two policies
// its protection chart compares (history as it happened: an executed change against the policy it replaced), and
// nothing else: the page invents no judgement of its own. Pure (no chain, no browser): test/view's consistency test checks that
// the console, the command line and the audit show the same rows and effect words.
//
// It also holds the first check of every proposal the console shows, on a page or in the queue: its calls and its
// description must hash to its id (HedgeCouncil.hashProposal), or nothing of it is shown and nothing can be signed.
// That binds what is shown to what a signature approves; it cannot make a lying RPC endpoint tell the truth about the
// chain's state (its counts, its policy, its events), which only a trusted endpoint can.
import { Tier, changeRows, proposalIdOf, type ChangeRow, type ProposalCalls } from "../../scripts/lib/council";
import { fmtDuration, fmtDurationExact, fmtTime } from "../../scripts/lib/format";
import type { PolicyValues } from "../../scripts/lib/policy";
import type { ProposalView, TimelineEntry } from "../../scripts/lib/view";

/**
 * A proposal the console refuses to show: the calls and description it received do not hash to the id they came
 * with, so what the page would show is not what a signature of that id approves.
 */
export interface RefusedProposal {
  id: string;
  /** Why, in words: where the calls came from, and what they hash to. */
  refused: string;
}

export const isRefused = <T extends object>(p: T | RefusedProposal): p is RefusedProposal => "refused" in p;

/**
 * Why the calls and description shown for `id` cannot be shown, or null when they hash to it: the id a signature
 * approves is keccak256(abi.encode(targets, values, calldatas, keccak256(description))), recomputed here from exactly
 * what the page would show. `source` names where they came from.
 */
export function idMismatch(id: string, calls: ProposalCalls, source: string): string | null {
  const recomputed = proposalIdOf(calls);
  if (recomputed === id.toLowerCase()) return null;
  return (
    `the calls and description that ${source} gave for proposal ${id} hash to ${recomputed}, not to that id. ` +
    "What this page would show is not what a signature of the id approves, so nothing of it is shown and nothing " +
    "can be signed. Check the RPC endpoint (Settings) or the file, and ask the proposer for the proposal again."
  );
}

/** One call as the page shows it: its headline and, for a call that changes policy fields, the rows. */
export interface CallModel {
  index: number;
  headline: string;
  /** Whether the call changes policy fields (a table, "no change" when empty) or not (no table). */
  changesPolicy: boolean;
  rows: ChangeRow[];
}

/** One event of the proposal's history, in words. */
export interface TimelineRow {
  kind: TimelineEntry["kind"];
  when: string;
  block: number | null;
  /** "created by", "approved by", "veto by", "vetoed", "executed"… */
  event: string;
  who: string | null;
  seat: number | null;
  detail: string | null;
  tx: string | null;
}

export interface ProposalModel {
  id: string;
  status: ProposalView["status"];
  judged: ProposalView["judged"];
  tier: number;
  tierName: string;
  /** The tier in words: its approvals and delay now, or, for a proposal that is over, as recorded at creation. */
  tierText: string;
  /** The approvals its tier needs now (the council's effective threshold, with the seats there are now). */
  threshold: number;
  /** The `why:` lines of hedge:propose, and the notes (where the council's record and the rule differ). */
  why: string[];
  whyHeading: string;
  notes: string[];
  /** The proposer's words, unescaped: the page renders them through its escaping component. */
  description: string;
  /** What the calls' rows are diffed against, in words. */
  callsCaption: string;
  calls: CallModel[];
  /**
   * The protection before and after, for a proposal that changes the policy (null when none of its calls does): the
   * policy in force now and the one its calls would leave, while it may still run; for an executed one, the policy it
   * replaced and the one it set, as recorded (never today's); `missing` says why when either is unknown.
   */
  protection: { before: PolicyValues; after: PolicyValues; caption: string } | { missing: string } | null;
  /** Null when the view was read without it. */
  timeline: TimelineRow[] | null;
  /** Who vetoed it ("0x… (seat 3)"), in the order they did. */
  vetoers: string[];
}

const EVENT: Record<TimelineEntry["kind"], string> = {
  created: "created by",
  approved: "approved by",
  revoked: "revoked by",
  veto: "veto by",
  vetoed: "vetoed (the threshold reached)",
  queued: "queued",
  executed: "executed",
  canceled: "canceled",
  expired: "expired",
};

const POLICY_ACTIONS = new Set(["setPolicy", "nudgeTrigger", "nudgeCoverage"]);

/** What the proposal's protection chart compares (ProposalModel.protection). */
function protectionOf(view: ProposalView): ProposalModel["protection"] {
  if (!view.decoded.some((c) => POLICY_ACTIONS.has(c.action.kind))) return null;
  const a = view.against;
  if (!a.policy || !view.policyAfter) {
    return {
      missing:
        a.kind === "before-execution"
          ? "the replay of the chain's events lost track of the policy around its execution, so it is not drawn"
          : "the policy it would change is unknown, so it is not drawn",
    };
  }
  const caption =
    a.kind === "current"
      ? `Protection before and after, against the policy in force now (version ${a.version})`
      : a.kind === "before-execution"
        ? `As it ran in block ${a.block}: the policy it replaced (version ${a.version}) and the one it set`
        : `As proposed, against the policy when it was created (version ${a.version}); it never ran`;
  return { before: a.policy, after: view.policyAfter, caption };
}

/** The page's model of a proposal view. */
export function proposalModelOf(view: ProposalView): ProposalModel {
  const history = view.judged === "history";
  const a = view.against;
  const callsCaption =
    a.kind === "current"
      ? "Before and after (against the policy in force now)"
      : a.kind === "before-execution"
        ? `As it ran in block ${a.block}, against the policy just before (version ${a.version})`
        : `As proposed, against the policy when it was created (version ${a.version}, block ${a.block}); it never ran`;
  const tierText = history
    ? `${view.tierName}, as the council recorded it at creation${view.created ? ` (block ${view.created.block})` : ""}`
    : `${view.tierName}, needs ${view.threshold} of ${view.seats} seats${
        view.tier === Tier.Fast
          ? ", then runs at once (no timelock)"
          : `, then waits ${fmtDurationExact(view.delay)} in the timelock`
      }`;
  const timeline =
    view.timeline?.map((e): TimelineRow => ({
      kind: e.kind,
      when: fmtTime(e.timestamp),
      block: e.block,
      event: EVENT[e.kind],
      who: e.who ?? null,
      seat: e.seat ? e.seat : null,
      detail: e.detail ?? null,
      tx: e.tx,
    })) ?? null;
  return {
    id: view.id,
    status: view.status,
    judged: view.judged,
    tier: view.tier,
    tierName: view.tierName,
    tierText,
    threshold: view.threshold,
    why: view.why,
    whyHeading: history ? "Why this tier (as judged at creation)" : "Why this tier",
    notes: view.notes,
    description: view.description,
    callsCaption,
    calls: view.decoded.map((c) => ({
      index: c.index,
      headline: c.headline,
      changesPolicy: c.changes !== undefined,
      rows: changeRows(c.changes ?? []),
    })),
    protection: protectionOf(view),
    timeline,
    vetoers: (timeline ?? [])
      .filter((e) => e.kind === "veto" && e.who)
      .map((e) => `${e.who}${e.seat ? ` (seat ${e.seat})` : ""}`),
  };
}

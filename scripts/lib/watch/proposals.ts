// The open proposals, as the seats need to hear about them. Events say which proposals exist and when one of them
// moved; the council's own views (state, approvalCount, hasApproved, proposalDeadline, proposalEta, tierRule) say
// where it stands, read at the block being handled. A proposal is read again only when an event names it or the
// council's rules or seats change, so a block costs calls in proportion to its events, not to the history; the
// passage of time (an eta reached, a deadline passed) is judged locally from what was read. Closed proposals are
// forgotten: memory holds the open ones only.
//
// Rules v3 as the seats hear them: only a Critical proposal can be vetoed, so only a Critical proposal's notices tell
// a seat it can veto (`awaiting-signature` while Pending; `veto-window` while Queued, for each seat that neither
// approved nor vetoed it). A proposal's description is on chain (ProposalCreated): every notice about a proposal ends
// with its first line, quoted and made safe (../descriptions), after everything the watcher itself says, so the
// proposer's words can neither move the terminal nor pass for the watcher's. A revocation made before its proposal
// exists (`Revoked` of an id the watcher does not know) is only remembered by the council: nothing to tell.
//
// What a proposal does is worded as the proposal view words it (../view, ../council's one decoder and diff): a notice
// that asks a seat to approve or veto says it (`it does: HedgePolicy.setPolicy(…): coverageBps 25.00 % → 20.00 %
// (loosens)`), judged against the policy in force now (the audit's replay holds it), and every notice's details list
// the calls so.
import { getAddress } from "ethers";

import { callText, decodeCalls, type AddressBook } from "../council";
import type { PolicyValues } from "../policy";

import { descriptionLines, descriptionTitle } from "../descriptions";
import { fmtDuration, fmtTime, shortId } from "../format";
import type { AuditEvent, Rpc } from "./audit";
import { ABI, view } from "./chain";
import type { NoticeDraft } from "./notices";

const TIERS = ["Fast", "Standard", "Critical"] as const;
/** HedgeCouncil.ProposalState */
const State = { Unknown: 0, Pending: 1, Queued: 2, Executed: 3, Vetoed: 4, Expired: 5 } as const;
/** HedgeCouncil.Tier.Critical: the one tier a seat can veto. */
const CRITICAL = 2;
const DAY = 86_400;
/** The most of a description a notice's details carry (characters): a proposer can post a long one, once per seat. */
export const DESCRIPTION_DETAILS_MAX = 1_000;

interface OpenProposal {
  id: string;
  tier: number;
  proposer: string;
  /** The description as ProposalCreated carries it (the proposer's words: hostile text). */
  description: string;
  state: number;
  approvals: number;
  vetoes: number;
  deadline: number;
  eta: number;
  /** Seat holders (lower case) that approved, as the council counts them now. */
  approvedBy: Set<string>;
  /** Seat holders (lower case) that vetoed. */
  vetoedBy: Set<string>;
  /** Its calls, as ProposalCreated carries them. */
  calls: { targets: string[]; values: bigint[]; calldatas: string[] };
  dirty: boolean;
}

export interface ProposalsOptions {
  rpc: Rpc;
  council: string;
  seats: string;
  /** Only this holder's seat notices, "awaiting signature" and "veto window" (lower case); absent: every seat's. */
  seat?: string;
  /** The deployment's addresses, to decode the calls (../council decodeCalls); absent: calls are not described. */
  book?: AddressBook;
  /** The policy in force now, which a pending proposal's calls are diffed against (null: unknown). */
  policyNow?: () => PolicyValues | null;
}

export class Proposals {
  private readonly open = new Map<string, OpenProposal>();
  private holders: string[] = [];
  private thresholds: number[] = [0, 0, 0];
  private vetoThreshold = 0;
  private rulesDirty = true;

  constructor(private readonly o: ProposalsOptions) {}

  get openCount(): number {
    return this.open.size;
  }

  /** The live seat holders (checksummed), as read at the last refresh. */
  get seatHolders(): string[] {
    return this.holders.map((h) => getAddress(h));
  }

  /**
   * Folds a block's events in. Returns drafts for what the events themselves say (a veto) and the ids of proposals
   * that closed by an event (executed, vetoed, cancelled).
   */
  apply(events: AuditEvent[]): NoticeDraft[] {
    const drafts: NoticeDraft[] = [];
    for (const ev of events) {
      if (ev.contract === "seats" && ev.name === "Transfer") this.rulesDirty = true;
      if (ev.contract !== "council") continue;
      const id = typeof ev.args[0] === "string" ? String(ev.args[0]).toLowerCase() : "";
      switch (ev.name) {
        case "ProposalCreated":
          this.open.set(id, {
            id,
            tier: Number(ev.args[2]),
            proposer: String(ev.args[1]).toLowerCase(),
            description: typeof ev.args[6] === "string" ? ev.args[6] : "",
            state: State.Pending,
            approvals: 0,
            vetoes: 0,
            deadline: 0,
            eta: 0,
            approvedBy: new Set(),
            vetoedBy: new Set(),
            calls: {
              targets: Array.isArray(ev.args[3]) ? [...(ev.args[3] as unknown[])].map(String) : [],
              values: Array.isArray(ev.args[4]) ? [...(ev.args[4] as unknown[])].map((v) => BigInt(v as bigint)) : [],
              calldatas: Array.isArray(ev.args[5]) ? [...(ev.args[5] as unknown[])].map(String) : [],
            },
            dirty: true,
          });
          break;
        case "Approved":
        case "Revoked":
        case "Queued":
        case "VetoCast": {
          // A Revoked of an id not open here is a revocation made before the proposal exists (or of a closed one):
          // the council keeps the mark, and ProposalCreated, when it comes, starts from the council's own counts.
          const p = this.open.get(id);
          if (!p) break;
          p.dirty = true;
          if (ev.name === "VetoCast") p.vetoedBy.add(String(ev.args[1]).toLowerCase());
          break;
        }
        case "Executed":
        case "ProposalCanceled":
          this.open.delete(id);
          break;
        case "Vetoed": {
          const p = this.open.get(id);
          if (p && this.open.delete(id)) drafts.push(vetoedDraft(p));
          break;
        }
        case "SeatUpdated":
        case "TierRuleUpdated":
        case "VetoThresholdUpdated":
        case "ExpiryUpdated":
          this.rulesDirty = true;
          break;
      }
    }
    return drafts;
  }

  /** The calls of `p` in words, against the policy in force now (the proposal view's words); empty without a book. */
  private callTexts(p: OpenProposal): string[] {
    if (!this.o.book || p.calls.targets.length === 0) return [];
    try {
      return decodeCalls(this.o.book, p.calls, this.o.policyNow?.() ?? null).map(
        (c) => `call ${c.index}: ${callText(c)}`,
      );
    } catch {
      return [];
    }
  }

  /** Marks everything to be read again (after a state edit, or at start-up). */
  invalidate(): void {
    this.rulesDirty = true;
    for (const p of this.open.values()) p.dirty = true;
  }

  /**
   * Reads what changed at `block`. Proposals found closed are forgotten; with `quiet` (start-up, catching up to a
   * block already handled) that is all, otherwise a proposal found Vetoed without an event (a veto threshold lowered
   * under standing vetoes) gets its notice here.
   */
  async refresh(block: number, quiet = false): Promise<NoticeDraft[]> {
    const { rpc, council, seats } = this.o;
    if (this.rulesDirty) {
      const liveBits = BigInt((await view(rpc, ABI.seats, seats, "liveSeats", [], block))[0]);
      const ids: number[] = [];
      for (let i = 0; i < 64; i++) if ((liveBits >> BigInt(i)) & 1n) ids.push(i + 1);
      this.holders = await Promise.all(
        ids.map(async (seatId) =>
          String((await view(rpc, ABI.seats, seats, "ownerOf", [seatId], block))[0]).toLowerCase(),
        ),
      );
      const [rules, veto] = await Promise.all([
        Promise.all(TIERS.map((_, t) => view(rpc, ABI.council, council, "tierRule", [t], block))),
        view(rpc, ABI.council, council, "vetoThreshold", [], block),
      ]);
      // What the council applies: the stored threshold, and never fewer than two seats once there are two.
      this.thresholds = rules.map((r) => Math.max(Number(r[0]), Math.min(2, this.holders.length)));
      this.vetoThreshold = Number(veto[0]);
      for (const p of this.open.values()) p.dirty = true;
      this.rulesDirty = false;
    }
    const drafts: NoticeDraft[] = [];
    const asked = this.o.seat ? this.holders.filter((h) => h === this.o.seat) : this.holders;
    await Promise.all(
      [...this.open.values()]
        .filter((p) => p.dirty)
        .map(async (p) => {
          const call = async (fn: string, args: unknown[] = [p.id]) =>
            (await view(rpc, ABI.council, council, fn, args, block))[0];
          const [state, approvals, deadline, eta, vetoes] = await Promise.all([
            call("state"),
            call("approvalCount"),
            call("proposalDeadline"),
            call("proposalEta"),
            p.tier === CRITICAL ? call("vetoCount") : 0,
          ]);
          p.state = Number(state);
          p.approvals = Number(approvals);
          p.vetoes = Number(vetoes);
          p.deadline = Number(deadline);
          p.eta = Number(eta);
          p.approvedBy = new Set();
          const approved = await Promise.all(asked.map((h) => call("hasApproved", [p.id, h])));
          asked.forEach((h, i) => approved[i] && p.approvedBy.add(h));
          p.dirty = false;
          if (p.state === State.Pending || p.state === State.Queued) return;
          this.open.delete(p.id);
          if (p.state === State.Vetoed && !quiet) drafts.push(vetoedDraft(p));
        }),
    );
    return drafts;
  }

  /**
   * The conditions true at `timestamp`: proposals awaiting a seat's approval, executable now, expiring within 24 h;
   * and the transitions of time (a proposal that expired). Expired proposals are forgotten.
   */
  conditions(timestamp: number, quiet = false): { conditions: NoticeDraft[]; events: NoticeDraft[] } {
    const conditions: NoticeDraft[] = [];
    const events: NoticeDraft[] = [];
    const asked = this.o.seat ? this.holders.filter((h) => h === this.o.seat) : this.holders;
    for (const p of this.open.values()) {
      const name = `proposal ${shortId(p.id)} (${TIERS[p.tier] ?? p.tier})`;
      const said = described(p);
      const calls = this.callTexts(p);
      const does = calls.length > 0 ? `; it does: ${calls.join("; ")}` : "";
      const details = (more: Record<string, unknown> = {}) => ({
        ...more,
        ...(calls.length > 0 ? { calls } : {}),
        description: descriptionDetails(p),
      });
      if (p.deadline > 0 && timestamp > p.deadline) {
        this.open.delete(p.id);
        if (!quiet)
          events.push({
            key: `expired:${p.id}`,
            kind: "expired",
            severity: "warning",
            proposalId: p.id,
            message: `${name} expired at ${fmtTime(p.deadline)} without ${p.state === State.Queued ? "being executed" : "being queued"}; it can never run${said}`,
            details: details(),
          });
        continue;
      }
      const critical = p.tier === CRITICAL;
      const vetoes = `${p.vetoes} of ${this.vetoThreshold} vetoes so far`;
      const threshold = this.thresholds[p.tier] ?? 0;
      if (p.state === State.Pending) {
        if (p.approvals >= threshold) {
          conditions.push({
            key: `executable:${p.id}:${p.tier === 0 ? "execute" : "queue"}`,
            kind: "executable",
            severity: "info",
            proposalId: p.id,
            message: `${name} has ${p.approvals} of ${threshold} approvals: anyone can ${p.tier === 0 ? "execute" : "queue"} it now (hedge:${p.tier === 0 ? "execute" : "queue"} --id ${p.id})${said}`,
            details: details({ approvals: p.approvals, threshold, step: p.tier === 0 ? "execute" : "queue" }),
          });
        } else {
          for (const holder of asked) {
            if (p.approvedBy.has(holder) || p.vetoedBy.has(holder)) continue;
            conditions.push({
              key: `awaiting:${p.id}:${holder}`,
              kind: "awaiting-signature",
              severity: "info",
              seat: getAddress(holder),
              proposalId: p.id,
              message:
                `${name} awaits this seat's approval: ${p.approvals} of ${threshold} so far, to be queued by ${fmtTime(p.deadline)} (hedge:sign or hedge:approve --id ${p.id})` +
                (critical ? `; or veto it: ${vetoes} (hedge:veto --id ${p.id})` : "") +
                does +
                said,
              details: details({
                approvals: p.approvals,
                threshold,
                deadline: p.deadline,
                ...(critical ? { vetoes: p.vetoes, vetoThreshold: this.vetoThreshold } : {}),
              }),
            });
          }
        }
      } else if (p.state === State.Queued) {
        if (p.eta <= timestamp)
          conditions.push({
            key: `executable:${p.id}:execute`,
            kind: "executable",
            severity: "info",
            proposalId: p.id,
            message: `${name} is executable now: its eta ${fmtTime(p.eta)} has come (hedge:execute --id ${p.id}), until ${fmtTime(p.deadline)}${said}`,
            details: details({ eta: p.eta, deadline: p.deadline, step: "execute" }),
          });
        // Queued, a Critical proposal can still be vetoed until it runs: each seat that neither approved nor vetoed
        // it hears so once. Fast and Standard proposals cannot be vetoed (HedgeCouncilVetoNotCritical).
        if (critical)
          for (const holder of asked) {
            if (p.approvedBy.has(holder) || p.vetoedBy.has(holder)) continue;
            conditions.push({
              key: `veto-window:${p.id}:${holder}`,
              kind: "veto-window",
              severity: "warning",
              seat: getAddress(holder),
              proposalId: p.id,
              message: `${name} is queued without this seat's approval and can run ${p.eta <= timestamp ? "now" : `at ${fmtTime(p.eta)}`}: to stop it, veto it: ${vetoes} (hedge:veto --id ${p.id})${does}${said}`,
              details: details({ eta: p.eta, vetoes: p.vetoes, vetoThreshold: this.vetoThreshold }),
            });
          }
      }
      const left = p.deadline - timestamp;
      if (p.deadline > 0 && left <= DAY) {
        conditions.push({
          key: `expiring:${p.id}:${p.deadline}`,
          kind: "expiring",
          severity: "warning",
          proposalId: p.id,
          message: `${name} expires in ${fmtDuration(left)} (${fmtTime(p.deadline)}) unless ${p.state === State.Queued ? "executed" : "queued"}${said}`,
          details: details({ deadline: p.deadline, state: p.state === State.Queued ? "Queued" : "Pending" }),
        });
      }
    }
    return { conditions, events };
  }
}

function vetoedDraft(p: OpenProposal): NoticeDraft {
  return {
    key: `vetoed:${p.id}`,
    kind: "vetoed",
    severity: "warning",
    proposalId: p.id,
    message: `proposal ${shortId(p.id)} (${TIERS[p.tier] ?? p.tier}) was vetoed: it can never run (hedge:cancel --id ${p.id} removes its timelock operation)${described(p)}`,
    details: { description: descriptionDetails(p) },
  };
}

/**
 * The end of a notice about `p`: its description's first line, made safe and quoted, behind a label saying whose
 * words they are. Last on the line, so that nothing the watcher says can follow (and be forged by) the text.
 */
function described(p: OpenProposal): string {
  const title = descriptionTitle(p.description, 80);
  return title === "" ? "; no description" : `; described by its proposer as "${title}"`;
}

/** The description for a notice's details: every line made safe, cut at DESCRIPTION_DETAILS_MAX characters. */
function descriptionDetails(p: OpenProposal): string {
  const text = descriptionLines(p.description).join("\n");
  const chars = [...text];
  return chars.length > DESCRIPTION_DETAILS_MAX ? `${chars.slice(0, DESCRIPTION_DETAILS_MAX - 1).join("")}…` : text;
}

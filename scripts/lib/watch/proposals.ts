// The open proposals, as the seats need to hear about them. Events say which proposals exist and when one of them
// moved; the council's own views (state, approvalCount, hasApproved, proposalDeadline, proposalEta, tierRule) say
// where it stands, read at the block being handled. A proposal is read again only when an event names it or the
// council's rules or seats change, so a block costs calls in proportion to its events, not to the history; the
// passage of time (an eta reached, a deadline passed) is judged locally from what was read. Closed proposals are
// forgotten: memory holds the open ones only.
import { getAddress } from "ethers";

import { fmtDuration, fmtTime, shortId } from "../format";
import type { AuditEvent, Rpc } from "./audit";
import { ABI, view } from "./chain";
import type { NoticeDraft } from "./notices";

const TIERS = ["Fast", "Standard", "Critical"] as const;
/** HedgeCouncil.ProposalState */
const State = { Unknown: 0, Pending: 1, Queued: 2, Executed: 3, Vetoed: 4, Expired: 5 } as const;
const DAY = 86_400;

interface OpenProposal {
  id: string;
  tier: number;
  proposer: string;
  state: number;
  approvals: number;
  deadline: number;
  eta: number;
  /** Seat holders (lower case) that approved, as the council counts them now. */
  approvedBy: Set<string>;
  /** Seat holders (lower case) that vetoed. */
  vetoedBy: Set<string>;
  dirty: boolean;
}

export interface ProposalsOptions {
  rpc: Rpc;
  council: string;
  seats: string;
  /** Only this holder's "awaiting signature" notices (lower case); absent: every seat's. */
  seat?: string;
}

export class Proposals {
  private readonly open = new Map<string, OpenProposal>();
  private holders: string[] = [];
  private thresholds: number[] = [0, 0, 0];
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
            state: State.Pending,
            approvals: 0,
            deadline: 0,
            eta: 0,
            approvedBy: new Set(),
            vetoedBy: new Set(),
            dirty: true,
          });
          break;
        case "Approved":
        case "Revoked":
        case "Queued":
        case "VetoCast": {
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
        case "Vetoed":
          if (this.open.delete(id)) drafts.push(vetoedDraft(id));
          break;
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
      const rules = await Promise.all(TIERS.map((_, t) => view(rpc, ABI.council, council, "tierRule", [t], block)));
      // What the council applies: the stored threshold, and never fewer than two seats once there are two.
      this.thresholds = rules.map((r) => Math.max(Number(r[0]), Math.min(2, this.holders.length)));
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
          const [state, approvals, deadline, eta] = await Promise.all([
            call("state"),
            call("approvalCount"),
            call("proposalDeadline"),
            call("proposalEta"),
          ]);
          p.state = Number(state);
          p.approvals = Number(approvals);
          p.deadline = Number(deadline);
          p.eta = Number(eta);
          p.approvedBy = new Set();
          const approved = await Promise.all(asked.map((h) => call("hasApproved", [p.id, h])));
          asked.forEach((h, i) => approved[i] && p.approvedBy.add(h));
          p.dirty = false;
          if (p.state === State.Pending || p.state === State.Queued) return;
          this.open.delete(p.id);
          if (p.state === State.Vetoed && !quiet) drafts.push(vetoedDraft(p.id));
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
      if (p.deadline > 0 && timestamp > p.deadline) {
        this.open.delete(p.id);
        if (!quiet)
          events.push({
            key: `expired:${p.id}`,
            kind: "expired",
            severity: "warning",
            proposalId: p.id,
            message: `${name} expired at ${fmtTime(p.deadline)} without ${p.state === State.Queued ? "being executed" : "being queued"}; it can never run`,
          });
        continue;
      }
      const threshold = this.thresholds[p.tier] ?? 0;
      if (p.state === State.Pending) {
        if (p.approvals >= threshold) {
          conditions.push({
            key: `executable:${p.id}:${p.tier === 0 ? "execute" : "queue"}`,
            kind: "executable",
            severity: "info",
            proposalId: p.id,
            message: `${name} has ${p.approvals} of ${threshold} approvals: anyone can ${p.tier === 0 ? "execute" : "queue"} it now (hedge:${p.tier === 0 ? "execute" : "queue"} --id ${p.id})`,
            details: { approvals: p.approvals, threshold, step: p.tier === 0 ? "execute" : "queue" },
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
              message: `${name} awaits this seat's approval: ${p.approvals} of ${threshold} so far, to be queued by ${fmtTime(p.deadline)} (hedge:sign or hedge:approve --id ${p.id})`,
              details: { approvals: p.approvals, threshold, deadline: p.deadline },
            });
          }
        }
      } else if (p.state === State.Queued && p.eta <= timestamp) {
        conditions.push({
          key: `executable:${p.id}:execute`,
          kind: "executable",
          severity: "info",
          proposalId: p.id,
          message: `${name} is executable now: its eta ${fmtTime(p.eta)} has come (hedge:execute --id ${p.id}), until ${fmtTime(p.deadline)}`,
          details: { eta: p.eta, deadline: p.deadline, step: "execute" },
        });
      }
      const left = p.deadline - timestamp;
      if (p.deadline > 0 && left <= DAY) {
        conditions.push({
          key: `expiring:${p.id}:${p.deadline}`,
          kind: "expiring",
          severity: "warning",
          proposalId: p.id,
          message: `${name} expires in ${fmtDuration(left)} (${fmtTime(p.deadline)}) unless ${p.state === State.Queued ? "executed" : "queued"}`,
          details: { deadline: p.deadline, state: p.state === State.Queued ? "Queued" : "Pending" },
        });
      }
    }
    return { conditions, events };
  }
}

function vetoedDraft(id: string): NoticeDraft {
  return {
    key: `vetoed:${id}`,
    kind: "vetoed",
    severity: "warning",
    proposalId: id,
    message: `proposal ${shortId(id)} was vetoed: it can never run (hedge:cancel --id ${id} removes its timelock operation)`,
  };
}

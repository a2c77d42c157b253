// The replay of the council's proposals: creation (the id recomputed from the calls and the description, the tier
// re-derived from the calls), approvals and how they were given, revocations (they belong to the address, and may
// come before the proposal exists), vetoes (of Critical proposals only; judged again at queue and execute, against
// the threshold in force then), queue and execution (threshold, delay, expiry, the ether sent), cancellation, and
// the timelock operations each proposal owns.
import {
  Tier,
  callTier,
  callText,
  decodeCall,
  descriptionHash,
  effectiveThreshold,
  operationId,
  proposalId,
  proposalTier,
  requiredValue,
  tierName,
  type AddressBook,
  type CallAction,
  type CallTier,
  type DecodedCall,
  type PolicyContext,
} from "../../council";
import { fmtDurationExact, fmtInt, fmtTime } from "../../format";
import { INTERFACES } from "../abi";
import type { AuditEvent } from "../fetch";
import { APPROVE_BY_SIG_SELECTOR, EXECUTE_SELECTOR, PROPOSE_SELECTOR, SUBMIT_SELECTOR, requiredDelay } from "../rules";
import type { ApprovalRecord, CallSummary, ChainPoint, ProposalReport, ProposalStateName } from "../types";
import { point, short, type ReplayLog } from "./context";
import { bitsOf, type SeatsReplay } from "./seats";
import type { SettingsReplay } from "./settings";

type Status = "Pending" | "Queued" | "Executed" | "Vetoed";

/** What the transaction that carried the events was: its selector, its target and the ether it sent, when read. */
export interface TxInfo {
  selector?: string;
  to?: string;
  value?: bigint;
}

export interface ProposalRecord {
  id: string;
  proposer: string;
  /** The description from `ProposalCreated` (the proposer's text: shown escaped, never trusted). */
  description: string;
  /** keccak256 of the description's bytes as emitted: what the id commits to, and what queue/execute/cancel take. */
  descriptionHash: string;
  recordedTier: Tier;
  derivedTier: Tier;
  calls: CallSummary[];
  actions: CallAction[];
  /** The policy the calls were judged against at creation (the tier rule's context). */
  createdAgainst: PolicyContext;
  /** The policy just before its execution's effects (the state its calls changed), once executed. */
  executedAgainst?: PolicyContext;
  values: bigint[];
  /** Index of the next policy-changing action an execution's PolicyUpdated should match. */
  nextPolicyAction: number;
  opId: string;
  created: ChainPoint;
  queueDeadline: number;
  status: Status;
  queued?: ChainPoint & { eta: number; requiredDelay: number; executionDeadline: number; shortReported: boolean };
  executed?: ChainPoint & { waited: number | null };
  vetoed?: ChainPoint;
  canceled?: ChainPoint;
  /** Seat → approval; an approval stays in the list once revoked (with revokedAt) but leaves `active`. */
  approvals: ApprovalRecord[];
  active: Map<number, ApprovalRecord>;
  /** Addresses that revoked: their signatures never count again for this proposal. */
  revokedBy: Set<string>;
  /** The revocations made before the proposal existed (address → when), judged when its creation's approvals are. */
  revokedEarly: Map<string, ChainPoint>;
  /** Every Revoked event of the proposal, before its creation included. */
  revocations: { signer: string; at: ChainPoint }[];
  vetoes: { signer: string; seat: number; at: ChainPoint }[];
  vetoSeats: Set<number>;
  approvalsAtQueue?: { count: number; threshold: number };
  approvalsAtExecution?: { count: number; threshold: number };
}

/**
 * A call as the audit reports it (docs/AUDIT.md `CallSummary`): the one decoder's reading of it (../../council
 * `decodeCall`: its headline and the fields it changes against the policy when the proposal was created) and the
 * tier the tier rule gives it, with why.
 */
export function callSummary(d: DecodedCall, t: CallTier): CallSummary {
  return {
    target: d.target,
    contract: d.contract,
    function: d.function,
    value: d.value.toString(),
    summary: callText(d),
    ...(d.changes ? { changes: d.changes } : {}),
    tier: tierName(t.tier),
    tierReason: t.reason,
  };
}

/** What the council should hold for a proposal: `proposalMarks` and `hasRevoked`. */
export interface ExpectedMarks {
  id: string;
  approvals: bigint;
  vetoes: bigint;
  /** Addresses whose revocation mark must be set, and approvers whose mark must not be. */
  revoked: string[];
  notRevoked: string[];
}

export class ProposalsReplay {
  proposals = new Map<string, ProposalRecord>();
  /**
   * Revocations of proposals that do not exist (yet): id → address → when. The council keeps them in the proposal's
   * own storage; a creation takes them over.
   */
  revokedEarly = new Map<string, Map<string, ChainPoint>>();
  /** Operation id → proposal and state; only operations the council scheduled. */
  ops = new Map<string, { proposalId: string | null; state: "pending" | "done" | "cancelled" }>();
  approvalsCount = 0;

  constructor(
    private readonly log: ReplayLog,
    private readonly addresses: AddressBook,
    private readonly seats: SeatsReplay,
    private readonly settings: SettingsReplay,
    private readonly policy: () => PolicyContext,
  ) {}

  // ------------------------------------------------------------------------------------------------ state

  /** Live vetoes of legitimately minted seats. */
  liveVetoes(p: ProposalRecord): number {
    return this.seats.counted(p.vetoSeats);
  }

  /** Whether the live vetoes reach the veto threshold in force now (the council's rule at queue and execute). */
  private vetoedNow(p: ProposalRecord): boolean {
    return this.settings.rules.veto > 0 && this.liveVetoes(p) >= this.settings.rules.veto;
  }

  /** The proposal's state at `timestamp` as the council derives it: Vetoed by the threshold in force, Expired. */
  stateAt(p: ProposalRecord, timestamp: number): ProposalStateName {
    if (p.status === "Executed" || p.status === "Vetoed") return p.status;
    if (this.vetoedNow(p)) return "Vetoed";
    if (p.status === "Pending" && timestamp > p.queueDeadline) return "Expired";
    if (p.status === "Queued" && p.queued && timestamp > p.queued.executionDeadline) return "Expired";
    return p.status;
  }

  private threshold(tier: Tier): number {
    return effectiveThreshold(this.settings.rules.tiers[tier].threshold, this.seats.live.size);
  }

  private require(ev: AuditEvent, what: string): ProposalRecord | null {
    const id = String(ev.args[0]);
    const p = this.proposals.get(id);
    if (!p) {
      this.log.find("unknown-proposal", `${what} for proposal ${short(id)}, which was never created`, {
        at: point(ev),
        proposalId: id,
      });
    }
    return p ?? null;
  }

  // ------------------------------------------------------------------------------------------------ events

  onCreated(ev: AuditEvent): ProposalRecord | null {
    const log = this.log;
    const [id, proposer, recorded, targetsR, valuesR, calldatasR, text, hashed] = ev.args as [
      string,
      string,
      bigint,
      string[],
      bigint[],
      string[],
      string,
      string | undefined,
    ];
    const targets = [...targetsR].map(String);
    const values = [...valuesR].map((v) => BigInt(v));
    const calldatas = [...calldatasR].map(String);
    const description = String(text ?? "");
    // The hash of the bytes as emitted (../codec); an event handed over without it is hashed from its text.
    const hash = typeof hashed === "string" ? hashed.toLowerCase() : descriptionHash(description);
    const at = point(ev);
    const recomputed = proposalId(targets, values, calldatas, hash);
    if (recomputed !== String(id).toLowerCase()) {
      log.find(
        "proposal-id-mismatch",
        `proposal ${short(id)}: its id is not hashProposal of its calls and the keccak256 of its description (${short(hash)}), which is ${short(recomputed)}`,
        { at, proposalId: id },
      );
    }
    if (this.proposals.has(id)) {
      log.find("invalid-transition", `proposal ${short(id)} was created twice`, { at, proposalId: id });
      return null;
    }
    const ctx = this.policy();
    const decoded = targets.map((t, i) =>
      decodeCall(this.addresses, t, values[i], calldatas[i], ctx.params, i, INTERFACES),
    );
    const tiers = targets.map((t, i) => callTier(ctx, t, calldatas[i]));
    const calls = decoded.map((d, i) => callSummary(d, tiers[i]));
    const { tier, mixedAt } = proposalTier(tiers);
    for (const t of targets) log.note(t);
    const p: ProposalRecord = {
      id,
      proposer: log.note(proposer),
      description,
      descriptionHash: hash,
      recordedTier: Number(recorded) as Tier,
      derivedTier: tier,
      calls,
      actions: decoded.map((d) => d.action),
      createdAgainst: ctx,
      values,
      nextPolicyAction: 0,
      // Only proposals that go through the timelock need their operation id (a Fast one that did not is a finding).
      opId: Number(recorded) === Tier.Fast && tier === Tier.Fast ? "" : operationId(targets, values, calldatas, id),
      created: at,
      queueDeadline: at.timestamp + this.settings.rules.proposalTtl,
      status: "Pending",
      approvals: [],
      active: new Map(),
      revokedBy: new Set(),
      revokedEarly: new Map(),
      revocations: [],
      vetoes: [],
      vetoSeats: new Set(),
    };
    // Revocations made before the proposal existed: the council kept them in its storage slot.
    const early = this.revokedEarly.get(id);
    if (early) {
      this.revokedEarly.delete(id);
      p.revokedEarly = early;
      for (const [signer, when] of early) {
        p.revokedBy.add(signer);
        p.revocations.push({ signer, at: when });
      }
    }
    this.proposals.set(id, p);
    if (mixedAt !== 0) {
      log.find("mixed-fast-batch", `proposal ${short(id)} mixes steward nudges with other calls (call ${mixedAt})`, {
        at,
        proposalId: id,
      });
    }
    if (tier === Tier.Fast && requiredValue(values) !== 0n) {
      log.find(
        "value-mismatch",
        `Fast proposal ${short(id)} sends ${requiredValue(values)} wei: a Fast proposal takes no value`,
        { at, proposalId: id },
      );
    }
    if (tier > p.recordedTier) {
      const why = calls.find((c) => c.tier === tierName(tier))?.tierReason ?? "";
      log.find(
        "tier-understated",
        `proposal ${short(id)} was recorded as ${tierName(p.recordedTier)} but needs ${tierName(tier)} (${why})`,
        { at, proposalId: id },
      );
    }
    return p;
  }

  onApproved(ev: AuditEvent, tx: TxInfo): ApprovalRecord | null {
    const log = this.log;
    const p = this.require(ev, "an approval");
    const signer = log.note(ev.args[1]);
    const at = point(ev);
    if (!p) return null;
    const state = this.stateAt(p, at.timestamp);
    if (state !== "Pending") {
      log.find("invalid-transition", `proposal ${short(p.id)} was approved by ${signer} while ${state}`, {
        at,
        proposalId: p.id,
      });
    }
    const seat = this.seats.seatOf.get(signer) ?? 0;
    if (seat === 0) {
      log.find(
        "approval-without-seat",
        `proposal ${short(p.id)} was approved by ${signer}, who held no seat then: the approval does not count`,
        { at, proposalId: p.id },
      );
    }
    if (seat !== 0 && p.active.has(seat)) {
      log.find("invalid-transition", `proposal ${short(p.id)} was approved twice by seat ${seat}`, {
        at,
        proposalId: p.id,
      });
    }
    // How the approval was given, from the transaction's method: a relayed signature (approveBySig, submit) or the
    // address's own consent (approve, propose). In the creation's transaction, a method that is neither propose nor
    // submit (a contract in between) is settled by `finishCreation`.
    let via: ApprovalRecord["via"] = "approve";
    if (at.tx === p.created.tx) {
      via =
        tx.selector === SUBMIT_SELECTOR || (tx.selector === PROPOSE_SELECTOR && signer !== p.proposer)
          ? "signature"
          : "propose";
    } else if (tx.selector === APPROVE_BY_SIG_SELECTOR || tx.selector === SUBMIT_SELECTOR) {
      via = "signature";
    }
    const record: ApprovalRecord = { signer, seat, via, at };
    if (at.tx !== p.created.tx) this.checkRevoked(p, record);
    p.approvals.push(record);
    if (seat !== 0) p.active.set(seat, record);
    this.approvalsCount++;
    return record;
  }

  /**
   * After the transaction that created `p`: how its approvals were given when the method did not say (several
   * approvals, or a proposal that left the transaction queued or executed, came from `submit`: relayed signatures),
   * then each relayed signature against the revocations made before the proposal existed.
   */
  finishCreation(p: ProposalRecord, tx: TxInfo): void {
    const mine = p.approvals.filter((a) => a.at.tx === p.created.tx);
    if (tx.selector !== SUBMIT_SELECTOR && tx.selector !== PROPOSE_SELECTOR) {
      const submitted = p.status !== "Pending" || mine.length > 1;
      if (submitted) for (const a of mine) a.via = "signature";
    }
    for (const a of mine) this.checkRevoked(p, a);
  }

  /** A relayed signature of an address that revoked the proposal (before or after it existed) must not count. */
  private checkRevoked(p: ProposalRecord, a: ApprovalRecord): void {
    if (a.via !== "signature" || !p.revokedBy.has(a.signer)) return;
    const early = p.revokedEarly.get(a.signer);
    this.log.find(
      "revoked-signature-counted",
      early
        ? `proposal ${short(p.id)}: a signature of ${a.signer} was counted although that address revoked the proposal before it existed (block ${fmtInt(early.block)}): after a revocation only its own approve or propose counts`
        : `proposal ${short(p.id)}: a signature of ${a.signer} was counted after that address revoked its approval (a revocation belongs to the address, whatever seat it holds later)`,
      { at: a.at, proposalId: p.id },
    );
  }

  /**
   * A revocation: allowed to a seat holder while the proposal is Pending or does not exist yet; it withdraws the
   * address's approval if any and marks the address, once (again with nothing to withdraw, the council refuses).
   */
  onRevoked(ev: AuditEvent): void {
    const log = this.log;
    const id = String(ev.args[0]);
    const signer = log.note(ev.args[1]);
    const at = point(ev);
    const seat = this.seats.seatOf.get(signer) ?? 0;
    if (seat === 0) {
      log.find("approval-without-seat", `proposal ${short(id)}: revocation by ${signer}, who held no seat then`, {
        at,
        proposalId: id,
      });
    }
    const p = this.proposals.get(id);
    if (!p) {
      // Before the proposal exists: the council marks the address in the proposal's storage slot.
      let early = this.revokedEarly.get(id);
      if (!early) this.revokedEarly.set(id, (early = new Map()));
      if (early.has(signer)) {
        log.find(
          "invalid-transition",
          `proposal ${short(id)}, not created yet, was revoked twice by ${signer} with nothing to withdraw`,
          { at, proposalId: id },
        );
      } else {
        early.set(signer, at);
      }
      return;
    }
    p.revocations.push({ signer, at });
    const state = this.stateAt(p, at.timestamp);
    if (state !== "Pending") {
      log.find("invalid-transition", `proposal ${short(p.id)} was revoked by ${signer} while ${state}`, {
        at,
        proposalId: p.id,
      });
    }
    const record = seat === 0 ? undefined : p.active.get(seat);
    if (!record && p.revokedBy.has(signer)) {
      log.find(
        "invalid-transition",
        `proposal ${short(p.id)} was revoked again by ${signer}, with no approval to withdraw`,
        { at, proposalId: p.id },
      );
    }
    p.revokedBy.add(signer);
    if (!record) return;
    record.revokedAt = at;
    p.active.delete(seat);
  }

  onVetoCast(ev: AuditEvent): void {
    const log = this.log;
    const p = this.require(ev, "a veto");
    const signer = log.note(ev.args[1]);
    if (!p) return;
    const at = point(ev);
    const seat = this.seats.seatOf.get(signer) ?? 0;
    const state = this.stateAt(p, at.timestamp);
    if (state !== "Pending" && state !== "Queued") {
      log.find("invalid-transition", `proposal ${short(p.id)} was vetoed by ${signer} while ${state}`, {
        at,
        proposalId: p.id,
      });
    }
    // Only a Critical proposal can be vetoed (rules v3): a veto of a Fast or Standard one lets a minority freeze
    // changes that never loosen. Judged on both tiers: the council's record and the audit's own.
    if (p.recordedTier !== Tier.Critical || p.derivedTier !== Tier.Critical) {
      const tier = p.recordedTier !== Tier.Critical ? p.recordedTier : p.derivedTier;
      const whose = p.recordedTier !== Tier.Critical ? "recorded" : "re-derived";
      log.find(
        "invalid-transition",
        `proposal ${short(p.id)} (${tierName(tier)}, ${whose}) was vetoed by ${signer}: only a Critical proposal can be vetoed`,
        { at, proposalId: p.id },
      );
    }
    if (seat === 0) {
      log.find("approval-without-seat", `proposal ${short(p.id)}: veto by ${signer}, who held no seat then`, {
        at,
        proposalId: p.id,
      });
    }
    p.vetoes.push({ signer, seat, at });
    if (seat !== 0) p.vetoSeats.add(seat);
  }

  onVetoed(ev: AuditEvent): void {
    const p = this.require(ev, "a veto");
    if (!p) return;
    const at = point(ev);
    const count = this.liveVetoes(p);
    if (count < this.settings.rules.veto) {
      this.log.find(
        "veto-below-threshold",
        `proposal ${short(p.id)} was declared vetoed with ${count} vetoes of current seats; the threshold was ${this.settings.rules.veto}`,
        { at, proposalId: p.id },
      );
    }
    p.status = "Vetoed";
    p.vetoed = at;
  }

  /** A proposal that went on (queued, executed) although its live vetoes reached the threshold in force then. */
  private checkVetoes(p: ProposalRecord, when: "queued" | "executed", at: ChainPoint): void {
    if (p.status === "Vetoed" || !this.vetoedNow(p)) return;
    this.log.find(
      "veto-ignored",
      `proposal ${short(p.id)} was ${when} with ${this.liveVetoes(p)} vetoes of current seats; the veto threshold in force was ${this.settings.rules.veto}: it was vetoed`,
      { at, proposalId: p.id },
    );
  }

  onQueued(ev: AuditEvent, scheduled: AuditEvent[]): void {
    const log = this.log;
    const p = this.require(ev, "a queue");
    if (!p) return;
    const at = point(ev);
    const eta = Number(ev.args[1]);
    const state = this.stateAt(p, at.timestamp);
    this.checkVetoes(p, "queued", at);
    if (state === "Expired") {
      log.find(
        "expired-execution",
        `proposal ${short(p.id)} was queued at ${fmtTime(at.timestamp)}, after its TTL ran out at ${fmtTime(p.queueDeadline)}`,
        { at, proposalId: p.id },
      );
    } else if (state !== "Pending" && !(state === "Vetoed" && p.status !== "Vetoed")) {
      // (Vetoed by the threshold in force, not yet persisted: reported by checkVetoes.)
      log.find("invalid-transition", `proposal ${short(p.id)} was queued while ${state}`, { at, proposalId: p.id });
    }
    const tier = p.derivedTier;
    if (tier === Tier.Fast) {
      log.find("invalid-transition", `proposal ${short(p.id)} is Fast tier (steward nudges) but was queued`, {
        at,
        proposalId: p.id,
      });
    }
    const count = this.seats.counted(p.active.keys());
    const threshold = this.threshold(tier);
    p.approvalsAtQueue = { count, threshold };
    if (count < threshold) this.insufficient(p, "queued", count, threshold, at);
    const required = requiredDelay(this.settings.rules, tier, this.settings.minDelay);
    const shortDelay = eta - at.timestamp < required;
    if (shortDelay) {
      log.find(
        "delay-too-short",
        `proposal ${short(p.id)} (${tierName(tier)}) was scheduled to run after ${fmtDurationExact(eta - at.timestamp)}; it needs ${fmtDurationExact(required)}`,
        { at, proposalId: p.id },
      );
    }
    p.queued = {
      ...at,
      eta,
      requiredDelay: required,
      executionDeadline: eta + this.settings.rules.gracePeriod,
      shortReported: shortDelay,
    };
    p.status = "Queued";
    const index = scheduled.findIndex((s) => String(s.args[0]).toLowerCase() === p.opId);
    if (index < 0) {
      log.find(
        "timelock-mismatch",
        `proposal ${short(p.id)} was queued but the timelock scheduled no operation with its calls and salt`,
        { at, proposalId: p.id },
      );
    } else {
      // Remove every call of the batch (one CallScheduled per call, same id).
      for (let i = scheduled.length - 1; i >= 0; i--)
        if (String(scheduled[i].args[0]).toLowerCase() === p.opId) scheduled.splice(i, 1);
      this.ops.set(p.opId, { proposalId: p.id, state: "pending" });
    }
  }

  private insufficient(p: ProposalRecord, when: string, count: number, threshold: number, at: ChainPoint): void {
    const illegitimate = this.seats.illegitimate(p.active.keys());
    const extra = illegitimate.length
      ? `; seat${illegitimate.length > 1 ? "s" : ""} ${illegitimate.join(", ")} minted outside governance not counted`
      : "";
    this.log.find(
      "insufficient-approvals",
      `proposal ${short(p.id)} was ${when} with ${count} approval${count === 1 ? "" : "s"} of current seat holders; ${tierName(p.derivedTier)} needs ${threshold}${extra}`,
      { at, proposalId: p.id },
    );
  }

  /** An execution; returns the proposal its effects belong to (null: unknown proposal). */
  onExecuted(ev: AuditEvent, executedOps: AuditEvent[], tx: TxInfo): ProposalRecord | null {
    const log = this.log;
    const p = this.require(ev, "an execution");
    const at = point(ev);
    if (!p) return null;
    const state = this.stateAt(p, at.timestamp);
    const tier = p.derivedTier;
    let waited: number | null = null;
    if (p.status === "Executed" || p.status === "Vetoed") {
      log.find("invalid-transition", `proposal ${short(p.id)} was executed while ${p.status}`, {
        at,
        proposalId: p.id,
      });
    } else if (state === "Expired") {
      const deadline = p.status === "Queued" ? p.queued!.executionDeadline : p.queueDeadline;
      log.find(
        "expired-execution",
        `proposal ${short(p.id)} was executed at ${fmtTime(at.timestamp)}, after it expired at ${fmtTime(deadline)}`,
        { at, proposalId: p.id },
      );
    }
    this.checkVetoes(p, "executed", at);
    if (tier === Tier.Fast) {
      if (p.status === "Queued") {
        log.find("invalid-transition", `Fast proposal ${short(p.id)} went through the timelock`, {
          at,
          proposalId: p.id,
        });
      }
    } else if (!p.queued) {
      log.find(
        "delay-too-short",
        `proposal ${short(p.id)} (${tierName(tier)}) was executed without being queued: it waited no delay`,
        { at, proposalId: p.id },
      );
    } else {
      waited = at.timestamp - p.queued.timestamp;
      if (at.timestamp < p.queued.eta) {
        log.find("executed-early", `proposal ${short(p.id)} was executed before its eta ${fmtTime(p.queued.eta)}`, {
          at,
          proposalId: p.id,
        });
      }
      if (waited < p.queued.requiredDelay && !p.queued.shortReported) {
        log.find(
          "delay-too-short",
          `proposal ${short(p.id)} (${tierName(tier)}) ran ${fmtDurationExact(waited)} after it was queued; it needs ${fmtDurationExact(p.queued.requiredDelay)}`,
          { at, proposalId: p.id },
        );
      }
    }
    // The ether: a direct call of execute must send exactly the sum of the values.
    const required = requiredValue(p.values);
    if (
      tx.value !== undefined &&
      tx.selector === EXECUTE_SELECTOR &&
      tx.to?.toLowerCase() === this.addresses.council.toLowerCase() &&
      tx.value !== required
    ) {
      log.find(
        "value-mismatch",
        `proposal ${short(p.id)} was executed with ${tx.value} wei; its calls send ${required} wei (the difference stays in the timelock or is missing)`,
        { at, proposalId: p.id },
      );
    }
    // The council runs a proposal through the timelock unless it recorded it as Fast.
    if (p.recordedTier !== Tier.Fast) {
      const mine = (e: AuditEvent) => String(e.args[0]).toLowerCase() === p.opId;
      if (!executedOps.some(mine)) {
        log.find(
          "timelock-mismatch",
          `proposal ${short(p.id)} was executed but the timelock executed no operation with its calls and salt`,
          { at, proposalId: p.id },
        );
      }
      for (let i = executedOps.length - 1; i >= 0; i--) if (mine(executedOps[i])) executedOps.splice(i, 1);
      const op = this.ops.get(p.opId);
      if (op) op.state = "done";
    }
    const count = this.seats.counted(p.active.keys());
    const threshold = this.threshold(tier);
    p.approvalsAtExecution = { count, threshold };
    if (count < threshold) this.insufficient(p, "executed", count, threshold, at);
    p.status = "Executed";
    p.executed = { ...at, waited };
    // Its effects are applied after this event (they came before it in the transaction, and wait for it).
    p.executedAgainst = this.policy();
    return p;
  }

  onProposalCanceled(ev: AuditEvent, canceled: Set<string>): void {
    const p = this.require(ev, "a cancellation");
    if (!p) return;
    const at = point(ev);
    const state = this.stateAt(p, at.timestamp);
    if (state !== "Vetoed" && state !== "Expired") {
      this.log.find("invalid-transition", `proposal ${short(p.id)} was canceled while ${state}`, {
        at,
        proposalId: p.id,
      });
    }
    // The council persists a veto by the threshold in force when it cancels.
    if (state === "Vetoed" && p.status !== "Vetoed") p.status = "Vetoed";
    p.canceled = at;
    canceled.add(p.opId);
  }

  onCancelled(ev: AuditEvent, canceled: Set<string>): void {
    const op = String(ev.args[0]).toLowerCase();
    const known = this.ops.get(op);
    if (!canceled.has(op)) {
      this.log.find("timelock-bypass", `timelock operation ${short(op)} was cancelled outside the council`, {
        at: point(ev),
        subject: `timelock.operations.${op}`,
      });
    }
    if (known) known.state = "cancelled";
  }

  // ------------------------------------------------------------------------------------------------ results

  /**
   * What the council should hold for each proposal. Every revocation mark is read; the absence of a mark only for
   * the approvers of proposals still Pending (where a stray mark would refuse their signatures), so that a long
   * history of executed proposals costs one read each.
   */
  expectedMarks(openAt?: number): ExpectedMarks[] {
    let records = [...this.proposals.values()];
    // Only the proposals still open at `openAt` (the watcher's bound: one read per open proposal, not per proposal
    // ever made); the marks of a closed one decide nothing any more.
    if (openAt !== undefined) records = records.filter((p) => ["Pending", "Queued"].includes(this.stateAt(p, openAt)));
    const created = records.map((p) => {
      const approvers = p.status === "Pending" ? new Set(p.approvals.map((a) => a.signer)) : new Set<string>();
      return {
        id: p.id,
        approvals: bitsOf(p.active.keys()),
        vetoes: bitsOf(p.vetoSeats),
        revoked: [...p.revokedBy],
        notRevoked: [...approvers].filter((a) => !p.revokedBy.has(a)),
      };
    });
    // Proposals revoked before they exist (and never created): the marks wait in their storage.
    const early = [...this.revokedEarly].map(([id, by]) => ({
      id,
      approvals: 0n,
      vetoes: 0n,
      revoked: [...by.keys()],
      notRevoked: [],
    }));
    return openAt === undefined ? [...created, ...early] : created;
  }

  /** Every proposal as reported, with its state at `now` (the audited block's timestamp). */
  reports(now: number): ProposalReport[] {
    const perProposal = new Map<string, number>();
    for (const f of this.log.findings)
      if (f.proposalId) perProposal.set(f.proposalId, (perProposal.get(f.proposalId) ?? 0) + 1);
    const reports: ProposalReport[] = [];
    for (const p of this.proposals.values()) {
      const state = this.stateAt(p, now);
      const { shortReported: _ignored, ...queued } = p.queued ?? { shortReported: false };
      const expiredAt =
        state === "Expired" ? (p.status === "Queued" ? p.queued!.executionDeadline : p.queueDeadline) : undefined;
      // Fields in the documented order (docs/AUDIT.md); optional ones only when they apply.
      reports.push({
        id: p.id,
        proposer: p.proposer,
        description: p.description,
        descriptionHash: p.descriptionHash,
        recordedTier: tierName(p.recordedTier),
        derivedTier: tierName(p.derivedTier),
        state,
        calls: p.calls,
        created: p.created,
        queueDeadline: p.queueDeadline,
        ...(p.queued ? { queued: queued as NonNullable<ProposalReport["queued"]> } : {}),
        ...(p.executed ? { executed: p.executed } : {}),
        ...(p.vetoed ? { vetoed: p.vetoed } : {}),
        ...(p.canceled ? { canceled: p.canceled } : {}),
        ...(expiredAt !== undefined ? { expiredAt } : {}),
        approvals: p.approvals,
        revocations: p.revocations,
        vetoes: p.vetoes,
        ...(p.approvalsAtQueue ? { approvalsAtQueue: p.approvalsAtQueue } : {}),
        ...(p.approvalsAtExecution ? { approvalsAtExecution: p.approvalsAtExecution } : {}),
        findings: perProposal.get(p.id) ?? 0,
      });
    }
    return reports;
  }
}

// The replay: a state machine that folds the events of seats, council, timelock and policy, transaction by
// transaction, into the state the rules produced, and judges every step with ./rules as the state was at that
// moment. It keeps one summary per proposal, policy version, settings change and seat, never raw logs.
//
// Attribution. A change event (PolicyUpdated, TierRuleUpdated, VetoThresholdUpdated, ExpiryUpdated, OracleUpdated,
// StewardUpdated, NudgeLimitsUpdated, MinDelayChange, RoleGranted/Revoked/AdminChanged, a seat mint or burn) is
// emitted by the calls an execution makes, so it comes before the council's Executed(id) in the same transaction
// (and, for timelocked proposals, before the timelock's CallExecuted). The replay buffers change events and hands
// them to the next Executed(id) of their transaction; those left at the end of a transaction came from no execution
// and are findings, except in the deployment transactions (the constructors).
import { ZeroAddress, ZeroHash } from "ethers";

import { fmtDuration, fmtTime, fmtVix } from "../cli";
import type { PolicyValues } from "../policy";
import { INTERFACES, ROLES, operationIdOf, policyHashOf, proposalIdOf, roleName } from "./abi";
import { decodeCall, policyChanges, type AddressBook, type CallAction } from "./calls";
import { checksum } from "./codec";
import type { AuditEvent } from "./fetch";
import {
  Tier,
  invariantViolation,
  layerMove,
  nudgeViolation,
  proposalTier,
  requiredDelay,
  thresholdOf,
  tierName,
  withCoverage,
  withTrigger,
  type CouncilRules,
} from "./rules";
import {
  FINDING_KINDS,
  TIER_NAMES,
  type ApprovalRecord,
  type CallSummary,
  type ChainPoint,
  type ChangeSource,
  type Finding,
  type FindingKind,
  type LayerEventReport,
  type PolicyVersionReport,
  type ProposalReport,
  type ProposalStateName,
  type SeatReport,
  type SettingsChangeKind,
  type SettingsChangeReport,
  type SystemState,
  type VixReading,
} from "./types";

type Status = "Pending" | "Queued" | "Executed" | "Vetoed";

interface ProposalRecord {
  id: string;
  proposer: string;
  recordedTier: Tier;
  derivedTier: Tier;
  calls: CallSummary[];
  actions: CallAction[];
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
  vetoes: { signer: string; seat: number; at: ChainPoint }[];
  vetoSeats: Set<number>;
  approvalsAtQueue?: { count: number; threshold: number };
  approvalsAtExecution?: { count: number; threshold: number };
}

interface SeatRecord {
  report: SeatReport;
  /** False for a seat minted outside governance: its approvals never count. */
  legitimate: boolean;
}

export interface ReplayInit {
  addresses: AddressBook;
  /** Lower-case hashes of the deployment transactions (their events are the constructors'). */
  deploymentTxs: Set<string>;
  /** Version 1 of the policy, decoded from the policy's deployment transaction; null if that failed. */
  initialPolicy: PolicyValues | null;
  /** The oracle's decimals, to read AnswerUpdated events of an aggregator in VIX hundredths. */
  oracleDecimals: number;
}

/** The selector of `approveBySig`, to tell a relayed signature from an on-chain `approve`. */
export const APPROVE_BY_SIG_SELECTOR = INTERFACES.council.getFunction("approveBySig")!.selector;

const EFFECTS = new Set([
  "policy:PolicyUpdated",
  "policy:OracleUpdated",
  "policy:StewardUpdated",
  "policy:NudgeLimitsUpdated",
  "council:TierRuleUpdated",
  "council:VetoThresholdUpdated",
  "council:ExpiryUpdated",
  "timelock:MinDelayChange",
  "timelock:RoleGranted",
  "timelock:RoleRevoked",
  "timelock:RoleAdminChanged",
  "seats:Transfer",
]);

const short = (hash: string) => `${hash.slice(0, 10)}…`;

export class Replay {
  // ---- policy
  version = 0;
  /** The hash of the policy the rules produced (computed when the parameters are known). */
  hash = ZeroHash;
  /** The last hash the chain announced (PolicyUpdated.newHash), for the continuity of the event chain. */
  private chainHash = ZeroHash;
  params: PolicyValues | null = null;
  engaged = 0;
  limits = { maxNudgeBps: 0, nudgeCooldown: 0 };
  lastNudgeAt = [0, 0, 0, 0, 0, 0];
  oracle = ZeroAddress;
  steward = ZeroAddress;
  private policyDiverged = false;
  // ---- council
  rules: CouncilRules = {
    tiers: [
      { threshold: 0, delay: 0 },
      { threshold: 0, delay: 0 },
      { threshold: 0, delay: 0 },
    ],
    veto: 0,
    proposalTtl: 0,
    gracePeriod: 0,
  };
  // ---- timelock
  minDelay = 0;
  roles = new Map<string, Set<string>>();
  /** Operation id → proposal and state; only operations the council scheduled. */
  ops = new Map<string, { proposalId: string | null; state: "pending" | "done" | "cancelled" }>();
  // ---- seats
  seatOf = new Map<string, number>();
  seats = new Map<number, SeatRecord>();
  live = new Set<number>();
  mintedCount = 0;
  // ---- history
  proposals = new Map<string, ProposalRecord>();
  findings: Finding[] = [];
  policyVersions: PolicyVersionReport[] = [];
  settingsChanges: SettingsChangeReport[] = [];
  layerEvents: LayerEventReport[] = [];
  vix: VixReading[] = [];
  /** Every account the events name (for the live role check). */
  accounts = new Set<string>();
  transactions = 0;
  approvalsCount = 0;
  firstTimestamp = 0;

  constructor(private readonly init: ReplayInit) {}

  // ------------------------------------------------------------------------------------------------ findings

  private find(kind: FindingKind, message: string, extra: Omit<Finding, "kind" | "check" | "message"> = {}): void {
    this.findings.push({ kind, check: FINDING_KINDS[kind], message, ...extra });
  }

  private note(address: string): string {
    const a = checksum(address);
    this.accounts.add(a);
    return a;
  }

  // ------------------------------------------------------------------------------------------------ transactions

  /**
   * Applies the events of one transaction, in log order. `selector` is the 4-byte selector of the transaction's
   * input when known (to tell an on-chain approval from a relayed signature).
   */
  applyTransaction(events: AuditEvent[], selector?: string): void {
    if (events.length === 0) return;
    this.transactions++;
    if (this.firstTimestamp === 0) this.firstTimestamp = events[0].timestamp;
    const genesis = this.init.deploymentTxs.has(events[0].tx);
    const pending: AuditEvent[] = [];
    const scheduled: AuditEvent[] = [];
    const executedOps: AuditEvent[] = [];
    const canceled = new Set<string>();
    const createdHere: ProposalRecord[] = [];

    for (const ev of events) {
      const key = `${ev.contract}:${ev.name}`;
      if (EFFECTS.has(key)) {
        if (genesis) this.applyEffect(ev, { kind: "deployment" }, null);
        else pending.push(ev);
        continue;
      }
      switch (key) {
        case "council:ProposalCreated": {
          const p = this.onCreated(ev);
          if (p) createdHere.push(p);
          break;
        }
        case "council:Approved":
          this.onApproved(ev, selector);
          break;
        case "council:Revoked":
          this.onRevoked(ev);
          break;
        case "council:VetoCast":
          this.onVetoCast(ev);
          break;
        case "council:Vetoed":
          this.onVetoed(ev);
          break;
        case "council:Queued":
          this.onQueued(ev, scheduled);
          break;
        case "council:Executed":
          this.onExecuted(ev, pending.splice(0), executedOps);
          break;
        case "council:ProposalCanceled":
          this.onProposalCanceled(ev, canceled);
          break;
        case "timelock:CallScheduled":
          if (genesis)
            this.find("timelock-bypass", `an operation was scheduled during the deployment`, { at: point(ev) });
          else scheduled.push(ev);
          break;
        case "timelock:CallExecuted":
          executedOps.push(ev);
          break;
        case "timelock:Cancelled":
          this.onCancelled(ev, canceled);
          break;
        case "policy:LayerEngaged":
        case "policy:LayerDisengaged":
          this.onLayer(ev);
          break;
        case "oracle:AnswerUpdated":
          this.vix.push({
            timestamp: Number(ev.args[2]),
            vix: Number((BigInt(ev.args[0]) * 100n) / 10n ** BigInt(this.init.oracleDecimals)),
            source: "oracle",
          });
          break;
        default:
          // Locked, CallSalt, NewRound, ERC-721 approvals (always refused): nothing to replay.
          break;
      }
    }

    // The proposals created here by `submit` (the transaction also queued or executed them): their approvals
    // are relayed signatures, not the proposer's own approval.
    for (const p of createdHere) {
      const submitted = p.status !== "Pending" || p.approvals.filter((a) => a.at.tx === p.created.tx).length > 1;
      if (submitted) for (const a of p.approvals) if (a.at.tx === p.created.tx) a.via = "signature";
    }
    for (const ev of pending) this.applyEffect(ev, { kind: "none" }, null);
    for (const ev of scheduled) {
      this.find(
        "timelock-bypass",
        `timelock operation ${short(ev.args[0])} was scheduled outside the council (no Queued in transaction ${short(ev.tx)})`,
        { at: point(ev), subject: `timelock.operations.${ev.args[0]}` },
      );
    }
    const bypassed = new Set<string>();
    for (const ev of executedOps) {
      const op = String(ev.args[0]);
      if (bypassed.has(op)) continue;
      bypassed.add(op);
      this.find(
        "timelock-bypass",
        `timelock operation ${short(op)} was executed outside the council (no Executed in transaction ${short(ev.tx)})`,
        { at: point(ev), subject: `timelock.operations.${op}` },
      );
    }
  }

  // ------------------------------------------------------------------------------------------------ council

  private policyContext() {
    return { policy: this.init.addresses.policy, version: this.version, params: this.params };
  }

  private onCreated(ev: AuditEvent): ProposalRecord | null {
    const [id, proposer, recorded, targetsR, valuesR, calldatasR, salt] = ev.args;
    const targets = [...targetsR].map(String);
    const values = [...valuesR].map((v: bigint) => BigInt(v));
    const calldatas = [...calldatasR].map(String);
    const at = point(ev);
    if (proposalIdOf(targets, values, calldatas, salt) !== String(id).toLowerCase()) {
      this.find("proposal-id-mismatch", `proposal ${short(id)}: its id is not hashProposal of its calls and salt`, {
        at,
        proposalId: id,
      });
    }
    if (this.proposals.has(id)) {
      this.find("invalid-transition", `proposal ${short(id)} was created twice`, { at, proposalId: id });
      return null;
    }
    const ctx = this.policyContext();
    const decoded = targets.map((t, i) => decodeCall(this.init.addresses, ctx, t, values[i], calldatas[i]));
    const calls = decoded.map((d) => d.summary);
    const { tier, mixedAt } = proposalTier(
      decoded.map((d) => ({ tier: Tier[d.summary.tier as keyof typeof Tier], reason: d.summary.tierReason })),
    );
    for (const t of targets) this.note(t);
    const p: ProposalRecord = {
      id,
      proposer: this.note(proposer),
      recordedTier: Number(recorded) as Tier,
      derivedTier: tier,
      calls,
      actions: decoded.map((d) => d.action),
      nextPolicyAction: 0,
      // Only proposals that go through the timelock need their operation id (a Fast one that did not is a finding).
      opId: Number(recorded) === Tier.Fast && tier === Tier.Fast ? "" : operationIdOf(targets, values, calldatas, id),
      created: at,
      queueDeadline: at.timestamp + this.rules.proposalTtl,
      status: "Pending",
      approvals: [],
      active: new Map(),
      vetoes: [],
      vetoSeats: new Set(),
    };
    this.proposals.set(id, p);
    if (mixedAt !== 0) {
      this.find("mixed-fast-batch", `proposal ${short(id)} mixes steward nudges with other calls (call ${mixedAt})`, {
        at,
        proposalId: id,
      });
    }
    if (tier > p.recordedTier) {
      const why = calls.find((c) => c.tier === tierName(tier))?.tierReason ?? "";
      this.find(
        "tier-understated",
        `proposal ${short(id)} was recorded as ${tierName(p.recordedTier)} but needs ${tierName(tier)} (${why})`,
        { at, proposalId: id },
      );
    }
    return p;
  }

  private requireProposal(ev: AuditEvent, what: string): ProposalRecord | null {
    const id = String(ev.args[0]);
    const p = this.proposals.get(id);
    if (!p) {
      this.find("unknown-proposal", `${what} for proposal ${short(id)}, which was never created`, {
        at: point(ev),
        proposalId: id,
      });
    }
    return p ?? null;
  }

  /** The proposal's state at `timestamp`, with Expired derived from its deadline as the council does. */
  private stateAt(p: ProposalRecord, timestamp: number): ProposalStateName {
    if (p.status === "Pending" && timestamp > p.queueDeadline) return "Expired";
    if (p.status === "Queued" && p.queued && timestamp > p.queued.executionDeadline) return "Expired";
    return p.status;
  }

  /** Live, legitimately minted seats among `seats`. */
  private counted(seats: Iterable<number>): number {
    let n = 0;
    for (const s of seats) if (this.live.has(s) && this.seats.get(s)?.legitimate) n++;
    return n;
  }

  private countedApprovals(p: ProposalRecord): number {
    return this.counted(p.active.keys());
  }

  private onApproved(ev: AuditEvent, selector?: string): ApprovalRecord | null {
    const p = this.requireProposal(ev, "an approval");
    const signer = this.note(ev.args[1]);
    const at = point(ev);
    if (!p) return null;
    const state = this.stateAt(p, at.timestamp);
    if (state !== "Pending") {
      this.find("invalid-transition", `proposal ${short(p.id)} was approved by ${signer} while ${state}`, {
        at,
        proposalId: p.id,
      });
    }
    const seat = this.seatOf.get(signer) ?? 0;
    if (seat === 0) {
      this.find(
        "approval-without-seat",
        `proposal ${short(p.id)} was approved by ${signer}, who held no seat then: the approval does not count`,
        { at, proposalId: p.id },
      );
    }
    if (seat !== 0 && p.active.has(seat)) {
      this.find("invalid-transition", `proposal ${short(p.id)} was approved twice by seat ${seat}`, {
        at,
        proposalId: p.id,
      });
    }
    let via: ApprovalRecord["via"] = "approve";
    if (at.tx === p.created.tx) via = "propose";
    else if (selector === APPROVE_BY_SIG_SELECTOR) via = "signature";
    const record: ApprovalRecord = { signer, seat, via, at };
    p.approvals.push(record);
    if (seat !== 0) p.active.set(seat, record);
    this.approvalsCount++;
    return record;
  }

  private onRevoked(ev: AuditEvent): void {
    const p = this.requireProposal(ev, "a revocation");
    const signer = this.note(ev.args[1]);
    if (!p) return;
    const seat = this.seatOf.get(signer) ?? 0;
    const record = p.active.get(seat);
    if (!record) {
      this.find("invalid-transition", `proposal ${short(p.id)}: ${signer} revoked an approval it had not given`, {
        at: point(ev),
        proposalId: p.id,
      });
      return;
    }
    record.revokedAt = point(ev);
    p.active.delete(seat);
  }

  private onVetoCast(ev: AuditEvent): void {
    const p = this.requireProposal(ev, "a veto");
    const signer = this.note(ev.args[1]);
    if (!p) return;
    const at = point(ev);
    const seat = this.seatOf.get(signer) ?? 0;
    const state = this.stateAt(p, at.timestamp);
    if (state !== "Pending" && state !== "Queued") {
      this.find("invalid-transition", `proposal ${short(p.id)} was vetoed by ${signer} while ${state}`, {
        at,
        proposalId: p.id,
      });
    }
    if (seat === 0) {
      this.find("approval-without-seat", `proposal ${short(p.id)}: veto by ${signer}, who held no seat then`, {
        at,
        proposalId: p.id,
      });
    }
    p.vetoes.push({ signer, seat, at });
    if (seat !== 0) p.vetoSeats.add(seat);
  }

  private onVetoed(ev: AuditEvent): void {
    const p = this.requireProposal(ev, "a veto");
    if (!p) return;
    const at = point(ev);
    const count = this.counted(p.vetoSeats);
    if (count < this.rules.veto) {
      this.find(
        "veto-below-threshold",
        `proposal ${short(p.id)} was declared vetoed with ${count} vetoes of current seats; the threshold was ${this.rules.veto}`,
        { at, proposalId: p.id },
      );
    }
    p.status = "Vetoed";
    p.vetoed = at;
  }

  private onQueued(ev: AuditEvent, scheduled: AuditEvent[]): void {
    const p = this.requireProposal(ev, "a queue");
    if (!p) return;
    const at = point(ev);
    const eta = Number(ev.args[1]);
    const state = this.stateAt(p, at.timestamp);
    if (state === "Expired") {
      this.find(
        "expired-execution",
        `proposal ${short(p.id)} was queued at ${fmtTime(at.timestamp)}, after its TTL ran out at ${fmtTime(p.queueDeadline)}`,
        { at, proposalId: p.id },
      );
    } else if (state !== "Pending") {
      this.find("invalid-transition", `proposal ${short(p.id)} was queued while ${state}`, { at, proposalId: p.id });
    }
    const tier = p.derivedTier;
    if (tier === Tier.Fast) {
      this.find("invalid-transition", `proposal ${short(p.id)} is Fast tier (steward nudges) but was queued`, {
        at,
        proposalId: p.id,
      });
    }
    const count = this.countedApprovals(p);
    const threshold = thresholdOf(this.rules, tier);
    p.approvalsAtQueue = { count, threshold };
    if (count < threshold) this.insufficient(p, "queued", count, threshold, at);
    const required = requiredDelay(this.rules, tier, this.minDelay);
    const shortDelay = eta - at.timestamp < required;
    if (shortDelay) {
      this.find(
        "delay-too-short",
        `proposal ${short(p.id)} (${tierName(tier)}) was scheduled to run after ${fmtDuration(eta - at.timestamp)}; it needs ${fmtDuration(required)}`,
        { at, proposalId: p.id },
      );
    }
    p.queued = {
      ...at,
      eta,
      requiredDelay: required,
      executionDeadline: eta + this.rules.gracePeriod,
      shortReported: shortDelay,
    };
    p.status = "Queued";
    const index = scheduled.findIndex((s) => String(s.args[0]).toLowerCase() === p.opId);
    if (index < 0) {
      this.find(
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
    const illegitimate = [...p.active.keys()].filter((s) => this.live.has(s) && !this.seats.get(s)?.legitimate);
    const extra = illegitimate.length
      ? `; seat${illegitimate.length > 1 ? "s" : ""} ${illegitimate.join(", ")} minted outside governance not counted`
      : "";
    this.find(
      "insufficient-approvals",
      `proposal ${short(p.id)} was ${when} with ${count} approval${count === 1 ? "" : "s"} of current seat holders; ${tierName(p.derivedTier)} needs ${threshold}${extra}`,
      { at, proposalId: p.id },
    );
  }

  private onExecuted(ev: AuditEvent, effects: AuditEvent[], executedOps: AuditEvent[]): void {
    const p = this.requireProposal(ev, "an execution");
    const at = point(ev);
    if (!p) {
      for (const e of effects) this.applyEffect(e, { kind: "none" }, null);
      return;
    }
    const state = this.stateAt(p, at.timestamp);
    const tier = p.derivedTier;
    let waited: number | null = null;
    if (p.status === "Executed" || p.status === "Vetoed") {
      this.find("invalid-transition", `proposal ${short(p.id)} was executed while ${p.status}`, {
        at,
        proposalId: p.id,
      });
    } else if (state === "Expired") {
      const deadline = p.status === "Queued" ? p.queued!.executionDeadline : p.queueDeadline;
      this.find(
        "expired-execution",
        `proposal ${short(p.id)} was executed at ${fmtTime(at.timestamp)}, after it expired at ${fmtTime(deadline)}`,
        { at, proposalId: p.id },
      );
    }
    if (tier === Tier.Fast) {
      if (p.status === "Queued") {
        this.find("invalid-transition", `Fast proposal ${short(p.id)} went through the timelock`, {
          at,
          proposalId: p.id,
        });
      }
    } else if (!p.queued) {
      this.find(
        "delay-too-short",
        `proposal ${short(p.id)} (${tierName(tier)}) was executed without being queued: it waited no delay`,
        { at, proposalId: p.id },
      );
    } else {
      waited = at.timestamp - p.queued.timestamp;
      if (at.timestamp < p.queued.eta) {
        this.find("executed-early", `proposal ${short(p.id)} was executed before its eta ${fmtTime(p.queued.eta)}`, {
          at,
          proposalId: p.id,
        });
      }
      if (waited < p.queued.requiredDelay && !p.queued.shortReported) {
        this.find(
          "delay-too-short",
          `proposal ${short(p.id)} (${tierName(tier)}) ran ${fmtDuration(waited)} after it was queued; it needs ${fmtDuration(p.queued.requiredDelay)}`,
          { at, proposalId: p.id },
        );
      }
    }
    // The council runs a proposal through the timelock unless it recorded it as Fast.
    if (p.recordedTier !== Tier.Fast) {
      const mine = (e: AuditEvent) => String(e.args[0]).toLowerCase() === p.opId;
      if (!executedOps.some(mine)) {
        this.find(
          "timelock-mismatch",
          `proposal ${short(p.id)} was executed but the timelock executed no operation with its calls and salt`,
          { at, proposalId: p.id },
        );
      }
      for (let i = executedOps.length - 1; i >= 0; i--) if (mine(executedOps[i])) executedOps.splice(i, 1);
      const op = this.ops.get(p.opId);
      if (op) op.state = "done";
    }
    const count = this.countedApprovals(p);
    const threshold = thresholdOf(this.rules, tier);
    p.approvalsAtExecution = { count, threshold };
    if (count < threshold) this.insufficient(p, "executed", count, threshold, at);
    p.status = "Executed";
    p.executed = { ...at, waited };
    const source: ChangeSource = { kind: "proposal", proposalId: p.id, tier: tierName(tier) };
    for (const e of effects) this.applyEffect(e, source, p);
  }

  private onProposalCanceled(ev: AuditEvent, canceled: Set<string>): void {
    const p = this.requireProposal(ev, "a cancellation");
    if (!p) return;
    const at = point(ev);
    const state = this.stateAt(p, at.timestamp);
    if (state !== "Vetoed" && state !== "Expired") {
      this.find("invalid-transition", `proposal ${short(p.id)} was canceled while ${state}`, { at, proposalId: p.id });
    }
    p.canceled = at;
    canceled.add(p.opId);
  }

  private onCancelled(ev: AuditEvent, canceled: Set<string>): void {
    const op = String(ev.args[0]).toLowerCase();
    const known = this.ops.get(op);
    if (!canceled.has(op)) {
      this.find("timelock-bypass", `timelock operation ${short(op)} was cancelled outside the council`, {
        at: point(ev),
        subject: `timelock.operations.${op}`,
      });
    }
    if (known) known.state = "cancelled";
  }

  // ------------------------------------------------------------------------------------------------ layers

  private onLayer(ev: AuditEvent): void {
    const layer = Number(ev.args[0]);
    const vix = Number(ev.args[1]);
    const engaged = ev.name === "LayerEngaged";
    const at = point(ev);
    const bit = 1 << layer;
    const was = (this.engaged & bit) !== 0;
    if (this.params && !(ev.name === "LayerDisengaged" && vix === 0)) {
      const move = layerMove(this.params, layer, vix, was);
      const expected = engaged ? "engage" : "disengage";
      if (move !== expected) {
        const trigger = this.params.layers[layer]?.triggerVix;
        this.find(
          "layer-rule-broken",
          `layer ${layer} ${engaged ? "engaged" : "disengaged"} at VIX ${fmtVix(vix)}, but with trigger ${trigger === undefined ? "none" : `VIX ${fmtVix(trigger)}`} and hysteresis VIX ${fmtVix(this.params.hysteresisVix)} it ${was ? "was" : "was not"} engaged and should ${move === "stay" ? "not have moved" : `${move}`}`,
          { at, subject: `policy.layers.${layer}` },
        );
      }
    }
    this.engaged = engaged ? this.engaged | bit : this.engaged & ~bit;
    this.layerEvents.push({ layer, engaged, vix, at });
    if (vix > 0) this.vix.push({ timestamp: at.timestamp, vix, source: "layer-event" });
  }

  // ------------------------------------------------------------------------------------------------ changes

  private chainBroken(message: string, at: ChainPoint, subject: string): void {
    this.find("event-chain-broken", message, { at, subject });
  }

  /** Finds the action of `p` that explains an effect; reports the effect as unexplained otherwise. */
  private explain(p: ProposalRecord | null, ev: AuditEvent, what: string, match: (a: CallAction) => boolean): void {
    if (!p) return;
    if (p.actions.some(match)) return;
    this.find(
      "unexplained-change",
      `${what} happened when proposal ${short(p.id)} ran, but none of its calls asks for it`,
      { at: point(ev), proposalId: p.id },
    );
  }

  private record(
    kind: SettingsChangeKind,
    ev: AuditEvent,
    source: ChangeSource,
    description: string,
    before: SettingsChangeReport["before"],
    after: SettingsChangeReport["after"],
  ): void {
    const at = point(ev);
    this.settingsChanges.push({ kind, at, source, description, before, after });
    if (source.kind === "none") {
      this.find(
        "unattributed-change",
        `${description}, in transaction ${short(ev.tx)} with no council execution (outside governance)`,
        { at, subject: `${ev.contract}.${kind}` },
      );
    }
  }

  private applyEffect(ev: AuditEvent, source: ChangeSource, p: ProposalRecord | null): void {
    const a = ev.args;
    const at = point(ev);
    switch (`${ev.contract}:${ev.name}`) {
      case "policy:PolicyUpdated":
        return this.onPolicyUpdated(ev, source, p);
      case "policy:OracleUpdated": {
        const [prev, next] = [checksum(a[0]), this.note(a[1])];
        if (prev !== this.oracle)
          this.chainBroken(
            `OracleUpdated says the oracle was ${prev}; the replay has ${this.oracle}`,
            at,
            "policy.oracle",
          );
        this.explain(p, ev, `the oracle change to ${next}`, (x) => x.kind === "setOracle" && x.oracle === next);
        this.oracle = next;
        return this.record("oracle", ev, source, `VIX oracle ${prev} -> ${next}`, { oracle: prev }, { oracle: next });
      }
      case "policy:StewardUpdated": {
        const [prev, next] = [checksum(a[0]), this.note(a[1])];
        if (prev !== this.steward)
          this.chainBroken(
            `StewardUpdated says the steward was ${prev}; the replay has ${this.steward}`,
            at,
            "policy.steward",
          );
        this.explain(p, ev, `the steward change to ${next}`, (x) => x.kind === "setSteward" && x.steward === next);
        this.steward = next;
        return this.record("steward", ev, source, `steward ${prev} -> ${next}`, { steward: prev }, { steward: next });
      }
      case "policy:NudgeLimitsUpdated": {
        const [pm, pc, nm, nc] = [Number(a[0]), Number(a[1]), Number(a[2]), Number(a[3])];
        if (pm !== this.limits.maxNudgeBps || pc !== this.limits.nudgeCooldown) {
          this.chainBroken(
            `NudgeLimitsUpdated says the limits were ${pm} bps / ${pc} s; the replay has ${this.limits.maxNudgeBps} bps / ${this.limits.nudgeCooldown} s`,
            at,
            "policy.nudgeLimits",
          );
        }
        this.explain(
          p,
          ev,
          "the nudge limits change",
          (x) => x.kind === "setNudgeLimits" && x.maxNudgeBps === nm && x.nudgeCooldown === nc,
        );
        this.limits = { maxNudgeBps: nm, nudgeCooldown: nc };
        return this.record(
          "nudgeLimits",
          ev,
          source,
          `nudge limits ${pm} bps / ${fmtDuration(pc)} -> ${nm} bps / ${fmtDuration(nc)}`,
          { maxNudgeBps: pm, nudgeCooldown: pc },
          { maxNudgeBps: nm, nudgeCooldown: nc },
        );
      }
      case "council:TierRuleUpdated": {
        const tier = Number(a[0]) as Tier;
        const [pt, pd, nt, nd] = [Number(a[1]), Number(a[2]), Number(a[3]), Number(a[4])];
        const rule = this.rules.tiers[tier];
        if (!rule) return;
        if (rule.threshold !== pt || rule.delay !== pd) {
          this.chainBroken(
            `TierRuleUpdated says ${tierName(tier)} was ${pt} approvals / ${fmtDuration(pd)}; the replay has ${rule.threshold} / ${fmtDuration(rule.delay)}`,
            at,
            `council.tierRule.${tierName(tier)}`,
          );
        }
        this.explain(
          p,
          ev,
          `the ${tierName(tier)} tier rule change`,
          (x) => x.kind === "setTierRule" && x.tier === tier && x.threshold === nt && x.delay === nd,
        );
        this.rules.tiers[tier] = { threshold: nt, delay: nd };
        return this.record(
          "tierRule",
          ev,
          source,
          `${tierName(tier)} tier: ${pt} approvals / ${fmtDuration(pd)} -> ${nt} approvals / ${fmtDuration(nd)}`,
          source.kind === "deployment" ? null : { tier: tierName(tier), threshold: pt, delay: pd },
          { tier: tierName(tier), threshold: nt, delay: nd },
        );
      }
      case "council:VetoThresholdUpdated": {
        const [prev, next] = [Number(a[0]), Number(a[1])];
        if (prev !== this.rules.veto)
          this.chainBroken(
            `VetoThresholdUpdated says the veto threshold was ${prev}; the replay has ${this.rules.veto}`,
            at,
            "council.vetoThreshold",
          );
        this.explain(p, ev, "the veto threshold change", (x) => x.kind === "setVetoThreshold" && x.threshold === next);
        this.rules.veto = next;
        return this.record(
          "vetoThreshold",
          ev,
          source,
          `veto threshold ${prev} -> ${next}`,
          source.kind === "deployment" ? null : { threshold: prev },
          { threshold: next },
        );
      }
      case "council:ExpiryUpdated": {
        const [pt, pg, nt, ng] = [Number(a[0]), Number(a[1]), Number(a[2]), Number(a[3])];
        if (pt !== this.rules.proposalTtl || pg !== this.rules.gracePeriod) {
          this.chainBroken(
            `ExpiryUpdated says TTL / grace were ${fmtDuration(pt)} / ${fmtDuration(pg)}; the replay has ${fmtDuration(this.rules.proposalTtl)} / ${fmtDuration(this.rules.gracePeriod)}`,
            at,
            "council.expiry",
          );
        }
        this.explain(
          p,
          ev,
          "the expiry change",
          (x) => x.kind === "setExpiry" && x.proposalTtl === nt && x.gracePeriod === ng,
        );
        this.rules.proposalTtl = nt;
        this.rules.gracePeriod = ng;
        return this.record(
          "expiry",
          ev,
          source,
          `proposal TTL / grace period ${fmtDuration(pt)} / ${fmtDuration(pg)} -> ${fmtDuration(nt)} / ${fmtDuration(ng)}`,
          source.kind === "deployment" ? null : { proposalTtl: pt, gracePeriod: pg },
          { proposalTtl: nt, gracePeriod: ng },
        );
      }
      case "timelock:MinDelayChange": {
        const [prev, next] = [Number(a[0]), Number(a[1])];
        if (prev !== this.minDelay)
          this.chainBroken(
            `MinDelayChange says the timelock's minimum delay was ${fmtDuration(prev)}; the replay has ${fmtDuration(this.minDelay)}`,
            at,
            "timelock.minDelay",
          );
        this.explain(p, ev, "the timelock delay change", (x) => x.kind === "updateDelay" && x.delay === next);
        this.minDelay = next;
        return this.record(
          "minDelay",
          ev,
          source,
          `timelock minimum delay ${fmtDuration(prev)} -> ${fmtDuration(next)}`,
          source.kind === "deployment" ? null : { minDelay: prev },
          { minDelay: next },
        );
      }
      case "timelock:RoleGranted":
      case "timelock:RoleRevoked": {
        const role = String(a[0]).toLowerCase();
        const account = this.note(a[1]);
        const sender = this.note(a[2]);
        const granted = ev.name === "RoleGranted";
        const holders = this.roles.get(role) ?? new Set<string>();
        this.roles.set(role, holders);
        if (granted) holders.add(account);
        else holders.delete(account);
        this.explain(p, ev, `${roleName(role)} ${granted ? "granted to" : "revoked from"} ${account}`, (x) =>
          granted
            ? x.kind === "grantRole" && x.role === role && x.account === account
            : (x.kind === "revokeRole" || x.kind === "renounceRole") && x.role === role && x.account === account,
        );
        return this.record(
          granted ? "roleGranted" : "roleRevoked",
          ev,
          source,
          `${roleName(role)} ${granted ? "granted to" : "revoked from"} ${account} by ${sender}`,
          null,
          { role: roleName(role), account, sender },
        );
      }
      case "timelock:RoleAdminChanged": {
        const role = roleName(String(a[0]));
        this.explain(p, ev, `the admin role of ${role} change`, () => false);
        return this.record(
          "roleAdminChanged",
          ev,
          source,
          `admin role of ${role} -> ${roleName(String(a[2]))}`,
          { admin: roleName(String(a[1])) },
          { role, admin: roleName(String(a[2])) },
        );
      }
      case "seats:Transfer":
        return this.onSeatTransfer(ev, source, p);
    }
  }

  private onSeatTransfer(ev: AuditEvent, source: ChangeSource, p: ProposalRecord | null): void {
    const from = checksum(ev.args[0]);
    const to = checksum(ev.args[1]);
    const seat = Number(ev.args[2]);
    const at = point(ev);
    if (from === ZeroAddress) {
      const holder = this.note(to);
      this.explain(p, ev, `the mint of seat ${seat} to ${holder}`, (x) => x.kind === "mint" && x.holder === holder);
      if (this.seats.has(seat)) this.chainBroken(`seat ${seat} was minted again`, at, `seats.${seat}`);
      if (this.seatOf.has(holder))
        this.chainBroken(
          `${holder} was given seat ${seat} while holding seat ${this.seatOf.get(holder)}`,
          at,
          `seats.${seat}`,
        );
      this.seats.set(seat, { report: { seat, holder, minted: { ...at, source } }, legitimate: source.kind !== "none" });
      this.seatOf.set(holder, seat);
      this.live.add(seat);
      this.mintedCount = Math.max(this.mintedCount + 1, seat);
      return this.record("seatMinted", ev, source, `seat ${seat} minted to ${holder}`, null, { seat, holder });
    }
    if (to === ZeroAddress) {
      const holder = this.note(from);
      this.explain(p, ev, `the burn of seat ${seat}`, (x) => x.kind === "burn" && x.seat === seat);
      const record = this.seats.get(seat);
      if (!record || !this.live.has(seat))
        this.chainBroken(`seat ${seat} was burned but the replay has no such live seat`, at, `seats.${seat}`);
      if (record) record.report.burned = { ...at, source };
      this.live.delete(seat);
      if (this.seatOf.get(holder) === seat) this.seatOf.delete(holder);
      return this.record(
        "seatBurned",
        ev,
        source,
        `seat ${seat} of ${holder} burned`,
        { seat, holder },
        { seat, holder: ZeroAddress },
      );
    }
    this.find("seat-transferred", `seat ${seat} moved from ${from} to ${to}: seats are soulbound`, {
      at,
      subject: `seats.${seat}`,
    });
    const record = this.seats.get(seat);
    if (record) record.report.holder = this.note(to);
    this.seatOf.delete(from);
    this.seatOf.set(to, seat);
  }

  private onPolicyUpdated(ev: AuditEvent, source: ChangeSource, p: ProposalRecord | null): void {
    const version = Number(ev.args[0]);
    const previousHash = String(ev.args[1]).toLowerCase();
    const newHash = String(ev.args[2]).toLowerCase();
    const at = point(ev);
    const before = this.params;
    let params: PolicyValues | null = null;
    let via = "unknown";
    let resync = false;
    const diverge = (message: string) => {
      if (!this.policyDiverged) this.chainBroken(message, at, "policy.hash");
      this.policyDiverged = true;
    };

    if (version !== this.version + 1) {
      this.chainBroken(
        `PolicyUpdated announces version ${version}; the replay is at version ${this.version}`,
        at,
        "policy.version",
      );
    }
    if (previousHash !== this.chainHash) {
      diverge(
        `PolicyUpdated to version ${version} says the previous hash was ${short(previousHash)}, but the last announced hash is ${short(this.chainHash)}: the policy changed without an event (storage edited outside governance?)`,
      );
    }

    if (source.kind === "deployment") {
      via = "deployment";
      params = this.init.initialPolicy;
      resync = params !== null;
    } else if (p) {
      const action = p.actions
        .slice(p.nextPolicyAction)
        .find((x) => x.kind === "setPolicy" || x.kind === "nudgeTrigger" || x.kind === "nudgeCoverage");
      if (action) p.nextPolicyAction = p.actions.indexOf(action, p.nextPolicyAction) + 1;
      if (!action) {
        this.explain(p, ev, `policy version ${version}`, () => false);
      } else if (action.kind === "setPolicy") {
        via = "setPolicy";
        params = action.policy;
        resync = true;
        if (action.expectedVersion !== this.version) {
          this.chainBroken(
            `setPolicy for version ${action.expectedVersion} landed on version ${this.version} (compare-and-swap broken)`,
            at,
            "policy.version",
          );
        }
        const removed = this.engaged & ~((1 << params.layers.length) - 1);
        if (removed) this.engaged &= (1 << params.layers.length) - 1;
      } else {
        via = action.kind;
        const param = action.kind === "nudgeTrigger" ? action.layer : 5;
        if (this.params) {
          const current =
            action.kind === "nudgeTrigger" ? this.params.layers[action.layer]?.triggerVix : this.params.coverageBps;
          const requested = action.kind === "nudgeTrigger" ? action.triggerVix : action.coverageBps;
          const problem =
            current === undefined
              ? `the policy has no layer ${param}`
              : nudgeViolation(this.limits, this.lastNudgeAt[param], at.timestamp, current, requested);
          if (problem) {
            this.find("nudge-out-of-bounds", `${via} by proposal ${short(p.id)}: ${problem}`, {
              at,
              proposalId: p.id,
              subject: `policy.${via}`,
            });
          }
          params =
            action.kind === "nudgeTrigger"
              ? withTrigger(this.params, action.layer, action.triggerVix)
              : withCoverage(this.params, action.coverageBps);
        }
        this.lastNudgeAt[param] = at.timestamp;
      }
    }

    if (params) {
      const computed = policyHashOf(params);
      if (computed !== newHash) {
        diverge(
          `PolicyUpdated to version ${version} announces hash ${short(newHash)}, but the ${via === "deployment" ? "deployed" : "proposed"} policy hashes to ${short(computed)}`,
        );
        resync = false;
      }
      const violation = invariantViolation(params);
      if (violation)
        this.find("policy-invariant-broken", `policy version ${version}: ${violation}`, { at, subject: "policy" });
      this.hash = computed;
    } else {
      this.hash = newHash;
    }
    if (resync && previousHash === this.chainHash) this.policyDiverged = false;
    this.chainHash = newHash;
    this.params = params;
    this.version = version;
    this.policyVersions.push({
      version,
      hash: newHash,
      previousHash,
      at,
      source,
      via,
      policy: params,
      changes: via === "deployment" ? [] : policyChanges(before, params),
    });
    if (source.kind === "none") {
      this.find(
        "unattributed-change",
        `policy version ${version} (hash ${short(newHash)}) appeared in transaction ${short(ev.tx)} with no council execution (outside governance)`,
        { at, subject: "policy.version" },
      );
    }
  }

  // ------------------------------------------------------------------------------------------------ results

  /** The replayed state in the shape the live state is read into. */
  state(): SystemState {
    const roles: Record<string, string[]> = {};
    for (const [name, hash] of Object.entries(ROLES)) roles[name] = [...(this.roles.get(hash) ?? [])].sort();
    const holders: Record<string, string> = {};
    for (const seat of [...this.live].sort((x, y) => x - y))
      holders[String(seat)] = this.seats.get(seat)!.report.holder;
    let bits = 0n;
    for (const seat of this.live) bits |= 1n << BigInt(seat - 1);
    return {
      policy: this.params,
      version: this.version,
      policyHash: this.hash,
      engagedLayers: this.engaged,
      nudgeLimits: { ...this.limits },
      lastNudgeAt: [...this.lastNudgeAt],
      oracle: this.oracle,
      steward: this.steward,
      seats: { seatCount: this.live.size, mintedCount: this.mintedCount, liveSeats: bits.toString(), holders },
      tierRules: this.rules.tiers.map((r, i) => ({ tier: TIER_NAMES[i], threshold: r.threshold, delay: r.delay })),
      vetoThreshold: this.rules.veto,
      expiry: { proposalTtl: this.rules.proposalTtl, gracePeriod: this.rules.gracePeriod },
      minDelay: this.minDelay,
      roles,
    };
  }

  /** Every proposal as reported, with its state at `now` (the audited block's timestamp). */
  proposalReports(now: number): ProposalReport[] {
    const perProposal = new Map<string, number>();
    for (const f of this.findings)
      if (f.proposalId) perProposal.set(f.proposalId, (perProposal.get(f.proposalId) ?? 0) + 1);
    const reports: ProposalReport[] = [];
    for (const p of this.proposals.values()) {
      const state = this.stateAt(p, now);
      const { shortReported: _ignored, ...queued } = p.queued ?? { shortReported: false };
      const expiredAt =
        state === "Expired" ? (p.status === "Queued" ? p.queued!.executionDeadline : p.queueDeadline) : undefined;
      // Fields in the documented order (docs/AUDIT.md); optional ones only when they apply.
      const report: ProposalReport = {
        id: p.id,
        proposer: p.proposer,
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
        vetoes: p.vetoes,
        ...(p.approvalsAtQueue ? { approvalsAtQueue: p.approvalsAtQueue } : {}),
        ...(p.approvalsAtExecution ? { approvalsAtExecution: p.approvalsAtExecution } : {}),
        findings: perProposal.get(p.id) ?? 0,
      };
      reports.push(report);
    }
    return reports;
  }

  seatReports(): SeatReport[] {
    return [...this.seats.values()].map((s) => s.report).sort((a, b) => a.seat - b.seat);
  }
}

export function point(ev: AuditEvent): ChainPoint {
  return { block: ev.block, timestamp: ev.timestamp, tx: ev.tx, logIndex: ev.logIndex };
}

// The replay: a state machine that folds the events of seats, council, timelock and policy, transaction by
// transaction, into the state the rules produced, and judges every step with ../rules and ../../council as the state
// was at that moment. One part per contract it replays: ./proposals (the council's proposals), ./policy, ./seats,
// ./settings (a table of setting descriptors); ./context holds what they share (findings, attribution).
//
// Attribution. A change event (PolicyUpdated, TierRuleUpdated, VetoThresholdUpdated, ExpiryUpdated, OracleUpdated,
// StewardUpdated, NudgeLimitsUpdated, MinDelayChange, RoleGranted/Revoked/AdminChanged, a seat mint or burn) is
// emitted by the calls an execution makes, so it comes before the council's Executed(id) in the same transaction
// (and, for timelocked proposals, before the timelock's CallExecuted). The replay buffers change events and hands
// them to the next Executed(id) of their transaction; those left at the end of a transaction came from no execution
// and are findings, except in the deployment transactions (the constructors).
import { thresholdsViolation, type AddressBook } from "../../council";
import type { PolicyValues } from "../../policy";
import type { AuditEvent } from "../fetch";
import { TIER_NAMES, type ChangeSource, type SystemState } from "../types";
import { ReplayLog, point, short } from "./context";
import { PolicyReplay } from "./policy";
import { ProposalsReplay, type ProposalRecord, type TxInfo } from "./proposals";
import { SeatsReplay } from "./seats";
import { SETTING_EVENTS, SettingsReplay } from "./settings";

export type { TxInfo, ExpectedMarks } from "./proposals";

export interface ReplayInit {
  addresses: AddressBook;
  /** Lower-case hashes of the deployment transactions (their events are the constructors'). */
  deploymentTxs: Set<string>;
  /** Version 1 of the policy, decoded from the policy's deployment transaction; null if that failed. */
  initialPolicy: PolicyValues | null;
  /** The oracle's decimals, to read AnswerUpdated events of an aggregator in VIX hundredths. */
  oracleDecimals: number;
}

const EFFECTS = new Set(["policy:PolicyUpdated", "seats:Transfer", ...SETTING_EVENTS]);
/** Effects after which the thresholds must still follow the rules for the seats there are. */
const SEAT_OR_RULE = new Set(["seats:Transfer", "council:TierRuleUpdated", "council:VetoThresholdUpdated"]);

export class Replay {
  readonly log = new ReplayLog();
  readonly seats = new SeatsReplay(this.log);
  readonly settings = new SettingsReplay(this.log);
  readonly policy: PolicyReplay;
  readonly proposals: ProposalsReplay;
  transactions = 0;
  firstTimestamp = 0;

  constructor(private readonly init: ReplayInit) {
    this.policy = new PolicyReplay(this.log, this.settings, init.initialPolicy);
    this.proposals = new ProposalsReplay(this.log, init.addresses, this.seats, this.settings, () => ({
      policy: init.addresses.policy,
      version: this.policy.version,
      params: this.policy.params,
      baseline: this.policy.baseline,
    }));
  }

  get findings() {
    return this.log.findings;
  }
  get accounts() {
    return this.log.accounts;
  }
  get settingsChanges() {
    return this.log.settingsChanges;
  }

  /** Applies the events of one transaction, in log order; `tx` tells what the transaction was, when read. */
  applyTransaction(events: AuditEvent[], tx: TxInfo = {}): void {
    if (events.length === 0) return;
    this.transactions++;
    if (this.firstTimestamp === 0) this.firstTimestamp = events[0].timestamp;
    const genesis = this.init.deploymentTxs.has(events[0].tx);
    const pending: AuditEvent[] = [];
    const scheduled: AuditEvent[] = [];
    const executedOps: AuditEvent[] = [];
    const canceled = new Set<string>();
    const createdHere: ProposalRecord[] = [];
    let rulesTouched = false;
    const P = this.proposals;

    for (const ev of events) {
      const key = `${ev.contract}:${ev.name}`;
      if (EFFECTS.has(key)) {
        if (SEAT_OR_RULE.has(key)) rulesTouched = true;
        if (genesis) this.applyEffect(ev, { kind: "deployment" }, null);
        else pending.push(ev);
        continue;
      }
      switch (key) {
        case "council:ProposalCreated": {
          const p = P.onCreated(ev);
          if (p) createdHere.push(p);
          break;
        }
        case "council:Approved":
          P.onApproved(ev, tx);
          break;
        case "council:Revoked":
          P.onRevoked(ev);
          break;
        case "council:VetoCast":
          P.onVetoCast(ev);
          break;
        case "council:Vetoed":
          P.onVetoed(ev);
          break;
        case "council:Queued":
          P.onQueued(ev, scheduled);
          break;
        case "council:Executed": {
          const effects = pending.splice(0);
          const p = P.onExecuted(ev, executedOps, tx);
          const source: ChangeSource = p
            ? { kind: "proposal", proposalId: p.id, tier: TIER_NAMES[p.derivedTier] }
            : { kind: "none" };
          for (const e of effects) this.applyEffect(e, source, p);
          break;
        }
        case "council:ProposalCanceled":
          P.onProposalCanceled(ev, canceled);
          break;
        case "timelock:CallScheduled":
          if (genesis)
            this.log.find("timelock-bypass", `an operation was scheduled during the deployment`, { at: point(ev) });
          else scheduled.push(ev);
          break;
        case "timelock:CallExecuted":
          executedOps.push(ev);
          break;
        case "timelock:Cancelled":
          P.onCancelled(ev, canceled);
          break;
        case "policy:LayerEngaged":
        case "policy:LayerDisengaged":
          this.policy.onLayer(ev);
          break;
        case "oracle:AnswerUpdated":
          this.policy.vix.push({
            timestamp: Number(ev.args[2]),
            vix: Number((BigInt(ev.args[0] as bigint) * 100n) / 10n ** BigInt(this.init.oracleDecimals)),
            source: "oracle",
          });
          break;
        default:
          // Locked, CallSalt, NewRound, SeatUpdated, ERC-721 approvals (always refused): nothing to replay.
          break;
      }
    }

    // The proposals created here: how their approvals were given (by `submit`, relayed signatures), and whether a
    // signature counted for an address that had revoked the proposal before it existed.
    for (const p of createdHere) P.finishCreation(p, tx);
    for (const ev of pending) this.applyEffect(ev, { kind: "none" }, null);
    for (const ev of scheduled) {
      this.log.find(
        "timelock-bypass",
        `timelock operation ${short(String(ev.args[0]))} was scheduled outside the council (no Queued in transaction ${short(ev.tx)})`,
        { at: point(ev), subject: `timelock.operations.${ev.args[0]}` },
      );
    }
    const bypassed = new Set<string>();
    for (const ev of executedOps) {
      const op = String(ev.args[0]);
      if (bypassed.has(op)) continue;
      bypassed.add(op);
      this.log.find(
        "timelock-bypass",
        `timelock operation ${short(op)} was executed outside the council (no Executed in transaction ${short(ev.tx)})`,
        { at: point(ev), subject: `timelock.operations.${op}` },
      );
    }
    if (rulesTouched && this.settings.configured) this.checkThresholds(events[events.length - 1]);
  }

  /** After a transaction that changed seats or thresholds: min(2, seats) ≤ Fast ≤ Standard ≤ Critical ≤ seats, 1 ≤ veto ≤ seats. */
  private checkThresholds(last: AuditEvent): void {
    const [fast, standard, critical] = this.settings.rules.tiers.map((t) => t.threshold);
    const problem = thresholdsViolation(
      { fast, standard, critical, veto: this.settings.rules.veto },
      this.seats.live.size,
    );
    if (problem) this.log.find("thresholds-out-of-rules", problem, { at: point(last), subject: "council.tierRule" });
  }

  private applyEffect(ev: AuditEvent, source: ChangeSource, p: ProposalRecord | null): void {
    const key = `${ev.contract}:${ev.name}`;
    if (key === "policy:PolicyUpdated") return this.policy.onPolicyUpdated(ev, source, p);
    if (key === "seats:Transfer") return this.seats.onTransfer(ev, source, p);
    this.settings.apply(ev, source, p);
  }

  // ------------------------------------------------------------------------------------------------ results

  /** The replayed state in the shape the live state is read into. */
  state(): SystemState {
    const liveSeats = this.seats.liveBits();
    return {
      policy: this.policy.params,
      baseline: this.policy.baseline,
      version: this.policy.version,
      policyHash: this.policy.hash,
      engagedLayers: this.policy.engaged,
      nudgeLimits: { ...this.settings.limits },
      lastNudgeAt: [...this.policy.lastNudgeAt],
      oracle: this.settings.oracle,
      steward: this.settings.steward,
      seats: {
        seatCount: this.seats.live.size,
        mintedCount: this.seats.mintedCount,
        liveSeats,
        councilLiveSeats: liveSeats,
        holders: this.seats.holders(),
      },
      tierRules: this.settings.rules.tiers.map((r, i) => ({
        tier: TIER_NAMES[i],
        threshold: r.threshold,
        delay: r.delay,
      })),
      vetoThreshold: this.settings.rules.veto,
      expiry: { proposalTtl: this.settings.rules.proposalTtl, gracePeriod: this.settings.rules.gracePeriod },
      minDelay: this.settings.minDelay,
      roles: this.settings.roleHolders(),
    };
  }
}

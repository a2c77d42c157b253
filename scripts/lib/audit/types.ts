// The audit's data model. `AuditReport` is the machine-readable result written by `hedge:audit --json`: its schema is
// stable (format "hedge-council-audit/1") and documented in docs/AUDIT.md. Additions are backwards compatible; a
// change that removes or renames a field bumps the format.
import {
  CONTRACT_NAMES,
  TIER_NAMES,
  type Baseline,
  type ContractName,
  type FieldChange,
  type TierName,
} from "../council";
import type { PolicyValues } from "../policy";

export { CONTRACT_NAMES, TIER_NAMES, type ContractName, type FieldChange, type TierName };

export const AUDIT_FORMAT = "hedge-council-audit/1";

/** Where in the chain something happened. */
export interface ChainPoint {
  block: number;
  /** Block timestamp, seconds. */
  timestamp: number;
  tx: string;
  logIndex: number;
}

/** What made a change: the deployment, an executed proposal (timelocked or a Fast nudge), or nothing known. */
export type ChangeSource =
  { kind: "deployment" } | { kind: "proposal"; proposalId: string; tier: TierName } | { kind: "none" };

/** The named checks; every finding belongs to one. */
export const CHECKS = {
  provenance: "every change came from an executed proposal through the council (and the timelock)",
  approvals: "approvals came from distinct seat holders and reached the re-derived tier's threshold",
  timing: "every proposal waited its tier's delay and ran before it expired",
  lifecycle:
    "no proposal ran twice, after a veto (judged again at queue and execute), or without being proposed; only Critical proposals were vetoed, and vetoes reached their threshold; execute took exactly the ether its calls send",
  policy:
    "policy versions chain, satisfy the invariants, nudges stay in the band around the baseline, layers follow their triggers",
  deployment: "the deployments file matches the chain (addresses, transactions, configuration, code)",
  live: "the live state (policy, seats, the council's own copy of the seats and its marks) equals the replayed state",
  roles: "no account other than the timelock (admin) and the council holds a timelock role",
} as const;
export type CheckName = keyof typeof CHECKS;

/** Every kind of finding, with the check it fails. */
export const FINDING_KINDS = {
  "unattributed-change": "provenance",
  "unexplained-change": "provenance",
  "timelock-bypass": "provenance",
  "timelock-mismatch": "provenance",
  "proposal-id-mismatch": "approvals",
  "tier-understated": "approvals",
  "insufficient-approvals": "approvals",
  "approval-without-seat": "approvals",
  "mixed-fast-batch": "approvals",
  "revoked-signature-counted": "approvals",
  "thresholds-out-of-rules": "approvals",
  "delay-too-short": "timing",
  "executed-early": "timing",
  "expired-execution": "timing",
  "unknown-proposal": "lifecycle",
  "invalid-transition": "lifecycle",
  "veto-below-threshold": "lifecycle",
  "veto-ignored": "lifecycle",
  "value-mismatch": "lifecycle",
  "event-chain-broken": "policy",
  "policy-invariant-broken": "policy",
  "nudge-out-of-bounds": "policy",
  "layer-rule-broken": "policy",
  "seat-transferred": "policy",
  "deployment-mismatch": "deployment",
  "wiring-mismatch": "deployment",
  "code-changed": "deployment",
  "live-state-mismatch": "live",
  "proposal-state-mismatch": "live",
  "storage-edited": "live",
  "unexpected-role-holder": "roles",
  "missing-role-holder": "roles",
} as const satisfies Record<string, CheckName>;
export type FindingKind = keyof typeof FINDING_KINDS;

export interface Finding {
  kind: FindingKind;
  check: CheckName;
  /** One line, in words. */
  message: string;
  /** What the finding is about, as a dotted path: `policy.coverageBps`, `seats.3`, `roles.PROPOSER_ROLE`… */
  subject?: string;
  at?: ChainPoint;
  proposalId?: string;
}

/** One call of a proposal, decoded. */
export interface CallSummary {
  target: string;
  /** seats, council, timelock, policy, oracle, or "external". */
  contract: ContractName | "external";
  /** The function name, or the 4-byte selector when unknown. */
  function: string;
  /** Wei, as a decimal string. */
  value: string;
  /** The call in words. */
  summary: string;
  /** For policy calls: the fields it changes (against the policy when the proposal was created). */
  changes?: FieldChange[];
  /** The tier this call needs, re-derived by the auditor, with why. */
  tier: TierName;
  tierReason: string;
}

export interface ApprovalRecord {
  signer: string;
  seat: number;
  /** "propose" (the proposer's own approval), "signature" (approveBySig or submit), or "approve" (on chain). */
  via: "propose" | "signature" | "approve";
  at: ChainPoint;
  /** Set when the approval was withdrawn. */
  revokedAt?: ChainPoint;
}

export type ProposalStateName = "Pending" | "Queued" | "Executed" | "Vetoed" | "Expired";

export interface ProposalReport {
  id: string;
  proposer: string;
  /**
   * The proposal's reason, from `ProposalCreated` (rules v3 keep it on chain): the proposer's text, as emitted (bytes
   * that are not UTF-8 as U+FFFD). The reports show it escaped; no check depends on it.
   */
  description: string;
  /** keccak256 of the description's bytes: what the id commits to, and what `queue`, `execute`, `cancel` take. */
  descriptionHash: string;
  /** The tier the council recorded (ProposalCreated). */
  recordedTier: TierName;
  /** The tier the auditor re-derived from the calls and the policy at creation. */
  derivedTier: TierName;
  state: ProposalStateName;
  calls: CallSummary[];
  created: ChainPoint;
  /** Last second to queue (Pending) from the TTL in force at creation. */
  queueDeadline: number;
  queued?: ChainPoint & { eta: number; requiredDelay: number; executionDeadline: number };
  executed?: ChainPoint & { waited: number | null };
  vetoed?: ChainPoint;
  canceled?: ChainPoint;
  /** When it expired (its deadline), for proposals that reached their TTL or grace period without running. */
  expiredAt?: number;
  approvals: ApprovalRecord[];
  /** Every revocation of the proposal, those made before it existed first. */
  revocations: { signer: string; at: ChainPoint }[];
  vetoes: { signer: string; seat: number; at: ChainPoint }[];
  /** Approvals of live seats against the derived tier's threshold, when it was queued and when it ran. */
  approvalsAtQueue?: { count: number; threshold: number };
  approvalsAtExecution?: { count: number; threshold: number };
  /** How many findings name this proposal. */
  findings: number;
}

export interface PolicyVersionReport {
  version: number;
  hash: string;
  previousHash: string;
  at: ChainPoint;
  source: ChangeSource;
  /** How it changed: "deployment", "setPolicy", "nudgeTrigger", "nudgeCoverage", or "unknown". */
  via: string;
  /** The full policy of this version; null when the audit could not reconstruct it. */
  policy: PolicyValues | null;
  changes: FieldChange[];
}

export type SettingsChangeKind =
  | "tierRule"
  | "vetoThreshold"
  | "expiry"
  | "oracle"
  | "steward"
  | "nudgeLimits"
  | "minDelay"
  | "seatMinted"
  | "seatBurned"
  | "roleGranted"
  | "roleRevoked"
  | "roleAdminChanged";

export interface SettingsChangeReport {
  kind: SettingsChangeKind;
  at: ChainPoint;
  source: ChangeSource;
  /** The change in words. */
  description: string;
  before: Record<string, string | number> | null;
  after: Record<string, string | number>;
}

export interface SeatReport {
  seat: number;
  holder: string;
  minted: ChainPoint & { source: ChangeSource };
  burned?: ChainPoint & { source: ChangeSource };
}

export interface LayerEventReport {
  layer: number;
  engaged: boolean;
  /** VIX hundredths that caused it (0: the layer was removed by a setPolicy). */
  vix: number;
  at: ChainPoint;
}

export interface VixReading {
  timestamp: number;
  /** Hundredths. */
  vix: number;
  source: "oracle" | "layer-event";
}

/** The state the audit compares: once as replayed from the events, once as read live. */
export interface SystemState {
  policy: PolicyValues | null;
  /** What the last setPolicy (or the deployment) set: nudges are bounded around it. */
  baseline: Baseline | null;
  version: number;
  policyHash: string;
  engagedLayers: number;
  nudgeLimits: { maxNudgeBps: number; nudgeCooldown: number };
  /** When each parameter was last nudged (0..4 the layer triggers, 5 the coverage), seconds; 0 if never. */
  lastNudgeAt: number[];
  oracle: string;
  steward: string;
  /** CouncilSeats' seats; `councilLiveSeats` is the council's own copy of the live-seat bit map (HedgeCouncil.liveSeats). */
  seats: {
    seatCount: number;
    mintedCount: number;
    liveSeats: string;
    councilLiveSeats: string;
    holders: Record<string, string>;
  };
  tierRules: { tier: TierName; threshold: number; delay: number }[];
  vetoThreshold: number;
  expiry: { proposalTtl: number; gracePeriod: number };
  minDelay: number;
  /** Role name → holders (checksummed). Live: among every account the audit has seen. */
  roles: Record<string, string[]>;
}

export interface CheckReport {
  name: CheckName;
  description: string;
  status: "pass" | "fail";
  findings: number;
}

export interface AuditReport {
  format: typeof AUDIT_FORMAT;
  /** Wall-clock time of the audit (the only field that is not a function of the chain). */
  generatedAt: string;
  network: { name: string; chainId: number };
  contracts: Record<ContractName, string>;
  range: { fromBlock: number; toBlock: number; fromTimestamp: number; toTimestamp: number };
  stats: {
    events: number;
    transactions: number;
    blocks: number;
    chunks: number;
    chunkSize: number;
    durationMs: number;
    eventsPerSecond: number;
  };
  summary: {
    findings: number;
    proposals: number;
    proposalsByState: Record<ProposalStateName, number>;
    proposalsByTier: Record<TierName, number>;
    approvals: number;
    policyVersions: number;
    settingsChanges: number;
    seatsMinted: number;
    seatsBurned: number;
    layerEvents: number;
  };
  checks: CheckReport[];
  /** What the audit could not check on this node, in words (e.g. no historical state for the code check). */
  notes: string[];
  findings: Finding[];
  proposals: ProposalReport[];
  policyVersions: PolicyVersionReport[];
  settingsChanges: SettingsChangeReport[];
  seats: SeatReport[];
  layerEvents: LayerEventReport[];
  vix: VixReading[];
  replayed: SystemState;
  live: SystemState;
}

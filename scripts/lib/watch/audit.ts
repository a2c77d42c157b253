// The watcher's one door into the audit library (scripts/lib/audit): nothing else under scripts/lib/watch imports it,
// so a change of the library's internals is absorbed here.
//
// Start-up runs the audit itself (`runAudit`, what `hedge:audit` runs) up to the start block and keeps its replay
// (the `onReplay` option). Then each new block's events are decoded by the library's fetcher and fed to that same
// replay, transaction by transaction: the findings it adds are the block's findings, by the same rules as
// `hedge:audit`. After each block the live state is read and compared with the replay (`compareStates`,
// `checkRoles`, `wiringFindings`): a state edit with no event behind it (`hardhat_setStorageAt`) is found at the first
// block after it.
import { getAddress } from "ethers";

import {
  checkLiveState,
  groupByTransaction,
  runAudit,
  transactionInfo,
  type Finding,
  type FindingKind,
  type Rpc,
} from "../audit";
import { wiringFindings } from "../audit/compare";
import { fetchEvents, hex, type AuditEvent } from "../audit/fetch";
import type { Replay } from "../audit/replay";
import { CONTRACT_NAMES, type ContractName } from "../audit/types";
import type { Deployment } from "../deployments";
import type { PolicyValues } from "../policy";

export type { AuditEvent, Finding, Rpc };

/** How bad a finding is. */
export type FindingSeverity = "critical" | "high" | "warning";

/**
 * Each finding kind's severity. Critical: governance was bypassed or the state was edited behind its back. High: a
 * rule of the council was broken by a change that did go through it. Warning: the records disagree with the chain.
 */
export const FINDING_SEVERITY: Record<FindingKind, FindingSeverity> = {
  "unattributed-change": "critical",
  "unexplained-change": "critical",
  "timelock-bypass": "critical",
  "timelock-mismatch": "high",
  "proposal-id-mismatch": "high",
  "tier-understated": "critical",
  "insufficient-approvals": "critical",
  "approval-without-seat": "critical",
  "mixed-fast-batch": "high",
  "delay-too-short": "critical",
  "executed-early": "critical",
  "expired-execution": "critical",
  "unknown-proposal": "high",
  "invalid-transition": "high",
  "veto-below-threshold": "high",
  "event-chain-broken": "high",
  "policy-invariant-broken": "critical",
  "nudge-out-of-bounds": "critical",
  "layer-rule-broken": "high",
  "seat-transferred": "critical",
  "deployment-mismatch": "warning",
  "wiring-mismatch": "critical",
  "code-changed": "critical",
  "live-state-mismatch": "critical",
  "proposal-state-mismatch": "high",
  "unexpected-role-holder": "critical",
  "missing-role-holder": "critical",
  "revoked-signature-counted": "critical",
  "thresholds-out-of-rules": "critical",
  "veto-ignored": "critical",
  "value-mismatch": "high",
  "storage-edited": "critical",
};

export function findingSeverity(kind: string): FindingSeverity {
  return FINDING_SEVERITY[kind as FindingKind] ?? "high";
}

export interface ContinuousAuditOptions {
  rpc: Rpc;
  deployment: Deployment;
  network: string;
  /** The block the start-up audit runs to. */
  toBlock: number;
  /** Accounts whose timelock roles are read live besides those the events name (the node's accounts). */
  extraAccounts?: string[];
}

/** The audit, continued block by block. */
export class ContinuousAudit {
  private readonly addresses: Record<ContractName, string>;

  private constructor(
    private readonly rpc: Rpc,
    private readonly deployment: Deployment,
    private readonly replay: Replay,
    private readonly extraAccounts: string[],
  ) {
    this.addresses = {} as Record<ContractName, string>;
    for (const name of CONTRACT_NAMES) this.addresses[name] = getAddress(deployment.contracts[name].address);
  }

  /** Runs `hedge:audit`'s audit up to `toBlock`; returns the audit to continue and the findings so far. */
  static async start(o: ContinuousAuditOptions): Promise<{ audit: ContinuousAudit; findings: Finding[] }> {
    let replay: Replay | undefined;
    const report = await runAudit({
      rpc: o.rpc,
      deployment: o.deployment,
      network: o.network,
      toBlock: o.toBlock,
      extraAccounts: o.extraAccounts,
      onReplay: (r) => (replay = r),
    });
    if (!replay) throw new Error("the audit library did not hand over its replay");
    return {
      audit: new ContinuousAudit(o.rpc, o.deployment, replay, o.extraAccounts ?? []),
      findings: report.findings,
    };
  }

  /** The policy the replay holds now (what a pending proposal's calls would change); null when it lost track. */
  get policy(): PolicyValues | null {
    return this.replay.policy.params;
  }

  /** The events of the audited contracts in `fromBlock..toBlock`, decoded, in block and log order. */
  async events(fromBlock: number, toBlock: number): Promise<AuditEvent[]> {
    const out: AuditEvent[] = [];
    const stats = { events: 0, chunks: 0, blocks: 0 };
    for await (const chunk of fetchEvents(
      this.rpc,
      { addresses: this.addresses, fromBlock, toBlock, chunkSize: 2_000 },
      stats,
    ))
      out.push(...chunk);
    return out;
  }

  /** Feeds `events` (whole transactions, in order) to the replay; returns the findings they raise. */
  async apply(events: AuditEvent[]): Promise<Finding[]> {
    if (events.length === 0) return [];
    const before = this.replay.findings.length;
    const groups = groupByTransaction(events);
    const infos = await transactionInfo(this.rpc, groups);
    for (const group of groups) this.replay.applyTransaction(group, infos.get(group[0].tx));
    return this.replay.findings.slice(before);
  }

  /**
   * The live state at `block` (its time `timestamp`) against the replay: every difference no event explains. The
   * marks of the proposals open then only: a block's work stays bounded as the history grows.
   */
  async live(block: number, timestamp: number): Promise<Finding[]> {
    const blockTag = hex(block);
    const accounts = [
      ...this.replay.accounts,
      ...this.extraAccounts,
      this.deployment.deployer,
      "0x0000000000000000000000000000000000000000",
      ...Object.values(this.addresses),
    ].filter((a) => /^0x[0-9a-fA-F]{40}$/.test(a));
    const [live, wiring] = await Promise.all([
      checkLiveState({
        rpc: this.rpc,
        addresses: this.addresses,
        replay: this.replay,
        accounts,
        blockTag,
        marks: { openAt: timestamp },
      }),
      wiringFindings(this.rpc, this.addresses, blockTag),
    ]);
    return [...live.findings, ...wiring];
  }
}

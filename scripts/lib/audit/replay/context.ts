// What every part of the replay shares: the findings, the settings changes, the accounts the events name, and the
// helpers that attribute a change to the proposal whose execution made it.
import type { CallAction } from "../../council";
import { checksum } from "../codec";
import type { AuditEvent } from "../fetch";
import {
  FINDING_KINDS,
  type ChainPoint,
  type ChangeSource,
  type Finding,
  type FindingKind,
  type SettingsChangeKind,
  type SettingsChangeReport,
} from "../types";

/** "0x12345678…". */
export const short = (hash: string) => `${hash.slice(0, 10)}…`;

export function point(ev: AuditEvent): ChainPoint {
  return { block: ev.block, timestamp: ev.timestamp, tx: ev.tx, logIndex: ev.logIndex };
}

/** The proposal an effect is attributed to: its id and its decoded calls. */
export interface Executing {
  id: string;
  actions: CallAction[];
}

export class ReplayLog {
  findings: Finding[] = [];
  settingsChanges: SettingsChangeReport[] = [];
  /** Every account the events name (for the live role and seat checks). */
  accounts = new Set<string>();

  find(kind: FindingKind, message: string, extra: Omit<Finding, "kind" | "check" | "message"> = {}): void {
    this.findings.push({ kind, check: FINDING_KINDS[kind], message, ...extra });
  }

  /** The address, checksummed and remembered. */
  note(address: unknown): string {
    const a = checksum(String(address));
    this.accounts.add(a);
    return a;
  }

  chainBroken(message: string, at: ChainPoint, subject: string): void {
    this.find("event-chain-broken", message, { at, subject });
  }

  /** Finds the call of `p` that explains an effect; reports the effect as unexplained otherwise. */
  explain(p: Executing | null, ev: AuditEvent, what: string, match: (a: CallAction) => boolean): void {
    if (!p || p.actions.some(match)) return;
    this.find(
      "unexplained-change",
      `${what} happened when proposal ${short(p.id)} ran, but none of its calls asks for it`,
      { at: point(ev), proposalId: p.id },
    );
  }

  /** Records a settings change; one made by no execution is a finding. */
  record(
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
}

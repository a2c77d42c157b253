// What hedge:watch tells people: one notice per thing that needs someone, with a stable key so that it is told once.
// A notice prints as one human line, or as one JSON line (`--json`); the webhook receives the same JSON.
//
// A notice is told from one block, and its id names that block by hash: the same notice from the same block always
// has the same id (a restart or a webhook retry repeats it, and a receiver drops the duplicate), while a notice told
// again from a block of a new branch after a reorganisation has a new one. A notice told from a block that a
// reorganisation orphaned is taken back by a `retracted` notice carrying its id (`details.retracts`).
import { createHash } from "node:crypto";

import { fmtTime } from "../format";
import { escapeUnsafe, safeJson } from "../untrusted";

export const NOTICE_FORMAT = "hedge-watch-notice/2";

export type Severity = "info" | "warning" | "high" | "critical";

export type NoticeKind =
  | "awaiting-signature" // a seat has not approved a pending proposal that still needs approvals
  | "executable" // a proposal can be queued (or, Fast, executed) now, or its eta has come
  | "expiring" // a pending or queued proposal expires within 24 h
  | "expired" // a proposal reached its deadline without running
  | "veto-window" // a queued Critical proposal this seat did not approve can still be vetoed (only Critical can be)
  | "vetoed" // a proposal was vetoed
  | "oracle-stale" // the oracle's answer is one syncLayers refuses (stale, future, broken...)
  | "oracle-recovered" // the oracle answers usably again
  | "oracle-schedule-ending" // the policy's Pyth adapter's roll schedule ends within the horizon (or ended)
  | "layer-engaged"
  | "layer-disengaged"
  | "finding" // the audit's rules found something
  | "sync-sent" // the keeper sent syncLayers
  | "sync-failed" // the keeper's syncLayers was mined but reverted
  | "reorg" // the chain reorganised under the watcher: blocks it had handled were orphaned
  | "retracted"; // a notice told from an orphaned block is taken back (details.retracts: its id)

export interface Notice {
  format: typeof NOTICE_FORMAT;
  /** The idempotency key: the same notice always has the same id (chain, council and what it is about). */
  id: string;
  kind: NoticeKind;
  severity: Severity;
  chainId: number;
  council: string;
  /** The block at which the watcher noticed it, its hash, and its time. */
  block: number;
  blockHash: string;
  time: string;
  /** The one seat this is for; absent: every seat. */
  seat?: string;
  proposalId?: string;
  /** One line, in words. */
  message: string;
  details?: Record<string, unknown>;
}

export interface NoticeDraft {
  /** What makes the notice unique within a council (e.g. `awaiting:<id>:<seat>`). */
  key: string;
  kind: NoticeKind;
  severity: Severity;
  seat?: string;
  proposalId?: string;
  message: string;
  details?: Record<string, unknown>;
}

/** The idempotency id of a notice: sha-256 of chain, council, key and the block's hash, 32 hex digits. */
export function noticeId(chainId: number, council: string, key: string, blockHash: string): string {
  return createHash("sha256")
    .update(`${chainId}:${council.toLowerCase()}:${key}:${blockHash.toLowerCase()}`)
    .digest("hex")
    .slice(0, 32);
}

export function makeNotice(
  draft: NoticeDraft,
  at: { chainId: number; council: string; block: number; hash: string; timestamp: number },
): Notice {
  return {
    format: NOTICE_FORMAT,
    id: noticeId(at.chainId, at.council, draft.key, at.hash),
    kind: draft.kind,
    severity: draft.severity,
    chainId: at.chainId,
    council: at.council,
    block: at.block,
    blockHash: at.hash,
    time: new Date(at.timestamp * 1000).toISOString(),
    ...(draft.seat ? { seat: draft.seat } : {}),
    ...(draft.proposalId ? { proposalId: draft.proposalId } : {}),
    message: draft.message,
    ...(draft.details ? { details: draft.details } : {}),
  };
}

/** One human line: `block 42 2026-12-01 16:40:00 UTC  WARNING   expiring  proposal 0x1234abcd… expires in 5 h`. */
export function humanLine(n: Notice): string {
  const when = fmtTime(Math.floor(Date.parse(n.time) / 1000));
  const to = n.seat ? ` [seat ${n.seat}]` : "";
  // The message quotes text from the chain (a description, made safe where it was read): escaped again here.
  return `block ${n.block} ${when}  ${n.severity.toUpperCase().padEnd(8)}  ${n.kind}${to}: ${escapeUnsafe(n.message)}`;
}

/** The notice as one line of JSON, for a terminal or a log: C1 and bidi characters escaped too (./untrusted). */
export function jsonLine(n: Notice): string {
  return safeJson(n);
}

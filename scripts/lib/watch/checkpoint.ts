// The watcher's checkpoint: the last block it finished, what it already told, what it still has to print or deliver,
// and the keeper's last transaction. Written atomically (a temporary file in the same directory, flushed to disk, then
// renamed over the old one), so a crash at any moment leaves either the old checkpoint or the new one, never half.
import fs from "node:fs";

import { writeFileAtomic } from "../atomic-file";
import { CliError } from "../output";
import { oneLine } from "../untrusted";
import type { Notice } from "./notices";

export const CHECKPOINT_FORMAT = "hedge-watch-checkpoint/1";

/** How many delivered notice ids are kept (the newest), to refuse a second delivery of a recent notice. */
export const DELIVERED_KEPT = 5_000;

export interface KeeperRecord {
  /** What the transaction syncs: the oracle round and the mask change it was sent for. */
  key: string;
  nonce: number;
  /** The transaction hash when known before sending (a locally signed transaction). */
  hash: string | null;
  /** The signed transaction, re-sent as is after a restart (same nonce and hash: it can never run twice). */
  raw: string | null;
  /** Block at which it was first sent. */
  sentAt: number;
  /** True until the keeper saw its nonce used (the transaction, or one with its nonce, was mined). */
  pending: boolean;
}

export interface Checkpoint {
  format: typeof CHECKPOINT_FORMAT;
  chainId: number;
  council: string;
  /** The last block whose events and conditions were fully handled, and its hash (a reset chain has another). */
  lastBlock: number;
  lastBlockHash: string;
  /** Keys of the conditions told and still true at lastBlock (a proposal awaiting a seat, a stale oracle...). */
  told: string[];
  /** Keys of the audit findings told; those about the live state leave when the state is right again. */
  findings: string[];
  /** Notices decided but not yet printed. */
  unprinted: Notice[];
  /** Notices not yet delivered to the webhook, oldest first. */
  outbox: Notice[];
  /** Ids of the latest notices delivered to the webhook. */
  delivered: string[];
  /** The keeper's latest syncLayers transaction. */
  keeper: KeeperRecord | null;
  /** Whether the oracle answered usably at lastBlock, and the round it answered. */
  oracle: { healthy: boolean; round: string } | null;
}

export function emptyCheckpoint(chainId: number, council: string): Checkpoint {
  return {
    format: CHECKPOINT_FORMAT,
    chainId,
    council,
    lastBlock: -1,
    lastBlockHash: "",
    told: [],
    findings: [],
    unprinted: [],
    outbox: [],
    delivered: [],
    keeper: null,
    oracle: null,
  };
}

/** Reads a checkpoint; null when the file does not exist. Throws a one-line CliError for a bad or foreign file. */
export function readCheckpoint(file: string, chainId: number, council: string): Checkpoint | null {
  if (!fs.existsSync(file)) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    throw new CliError(
      `--checkpoint ${file} is not valid JSON (${oneLine((error as Error).message)}); delete it to start afresh`,
    );
  }
  const c = raw as Partial<Checkpoint>;
  if (typeof c !== "object" || c === null || c.format !== CHECKPOINT_FORMAT)
    throw new CliError(`--checkpoint ${file} is not a hedge:watch checkpoint (format ${CHECKPOINT_FORMAT})`);
  if (c.chainId !== chainId || String(c.council).toLowerCase() !== council.toLowerCase()) {
    throw new CliError(
      `--checkpoint ${file} belongs to council ${c.council} on chain ${c.chainId}, not ${council} on chain ${chainId}; give another --checkpoint`,
    );
  }
  if (
    !Number.isSafeInteger(c.lastBlock) ||
    !Array.isArray(c.told) ||
    !Array.isArray(c.findings) ||
    !Array.isArray(c.outbox) ||
    !Array.isArray(c.unprinted) ||
    !Array.isArray(c.delivered)
  )
    throw new CliError(`--checkpoint ${file} is damaged (a field is missing); delete it to start afresh`);
  return { keeper: null, oracle: null, ...c } as Checkpoint;
}

/** Writes the checkpoint atomically (../atomic-file). */
export function writeCheckpoint(file: string, checkpoint: Checkpoint): void {
  writeFileAtomic(file, JSON.stringify(checkpoint));
}

// The watcher's checkpoint: the last block it finished, what it already told, what it still has to print or deliver,
// the keeper's last transaction, and what a reorganisation needs: the hashes of the blocks it handled lately and the
// notices it told from them (to retract them by id if those blocks are orphaned). It belongs to one deployment: the
// chain, the council and the block hash of the council's deployment, so a restarted node with a fresh deployment at
// the same addresses (and the same transaction hashes) is another deployment, with another default checkpoint. Written atomically (a temporary file in the same directory, flushed to disk, then
// renamed over the old one), so a crash at any moment leaves either the old checkpoint or the new one, never half.
import fs from "node:fs";

import { writeFileAtomic } from "../atomic-file";
import { CliError } from "../output";
import { oneLine } from "../untrusted";
import type { Notice } from "./notices";

export const CHECKPOINT_FORMAT = "hedge-watch-checkpoint/2";

/** How many delivered notice ids are kept (the newest), to refuse a second delivery of a recent notice. */
export const DELIVERED_KEPT = 5_000;

/**
 * How far back the watcher keeps block hashes and told notices: a reorganisation deeper than this (beyond any real
 * chain's finality) is still handled, from the deployment block, but the notices told before it cannot be retracted.
 */
export const REORG_WINDOW = 128;

/** A notice told from a recent block: what a reorganisation that orphans the block retracts. */
export interface ToldNotice {
  id: string;
  block: number;
  kind: string;
}

export interface KeeperRecord {
  /** What the transaction syncs: the oracle round and the mask change it was sent for. */
  key: string;
  nonce: number;
  /** The transaction hash when known before sending (a locally signed transaction). */
  hash: string | null;
  /** The signed transaction, re-sent as is after a restart (same nonce and hash: it can never run twice). */
  raw: string | null;
  /** The call when it is not `syncLayers()` on the policy (the Pyth path: `updateAndSync` on the upkeep, paid). */
  call?: { to: string; data: string; value: string };
  /** The Pyth path: the newest publish time of the update it carried; after a revert, only a newer update is sent. */
  publishTime?: number;
  /** Block at which it was first sent. */
  sentAt: number;
  /** True until the keeper saw its nonce used (the transaction, or one with its nonce, was mined). */
  pending: boolean;
  /** The block its nonce was seen used at (absent while pending). */
  minedAt?: number;
  /** Its block was orphaned: re-judged at the next step, re-broadcast only if the same change is still needed. */
  orphaned?: boolean;
  /** Orphaned and no longer needed: never re-broadcast, and its nonce is the next transaction's. */
  abandoned?: boolean;
}

export interface Checkpoint {
  format: typeof CHECKPOINT_FORMAT;
  chainId: number;
  council: string;
  /** The block (number and hash) of the council's deployment: another hash is another deployment. */
  deployment: { block: number; hash: string };
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
  /** The blocks handled within REORG_WINDOW of lastBlock, oldest first: [number, hash]. */
  blocks: [number, string][];
  /** The first block the last poll handled: the next poll checks that every block from it is still on the chain. */
  verifyFrom: number;
  /** The notices told from blocks within REORG_WINDOW of lastBlock, oldest first. */
  recent: ToldNotice[];
  /** The keeper's latest syncLayers transaction. */
  keeper: KeeperRecord | null;
  /** Whether the oracle answered usably at lastBlock, and the round it answered. */
  oracle: { healthy: boolean; round: string } | null;
}

export function emptyCheckpoint(
  chainId: number,
  council: string,
  deployment: { block: number; hash: string },
): Checkpoint {
  return {
    format: CHECKPOINT_FORMAT,
    chainId,
    council,
    deployment,
    lastBlock: -1,
    lastBlockHash: "",
    blocks: [],
    verifyFrom: -1,
    recent: [],
    told: [],
    findings: [],
    unprinted: [],
    outbox: [],
    delivered: [],
    keeper: null,
    oracle: null,
  };
}

/** What a refused checkpoint's message ends with: the one flag that starts over on purpose. */
export const START_OVER = "pass --start-over to start afresh (the old file is kept beside it)";

/**
 * Reads a checkpoint; null when the file does not exist. Throws a one-line CliError for a file that does not parse,
 * is damaged, or belongs to another chain, council or deployment (`deployment`: the council's deployment block and
 * its hash on the node now).
 */
export function readCheckpoint(
  file: string,
  chainId: number,
  council: string,
  deployment: { block: number; hash: string },
): Checkpoint | null {
  if (!fs.existsSync(file)) return null;
  const name = `--checkpoint ${oneLine(file)}`;
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    throw new CliError(`${name} is not valid JSON (${oneLine((error as Error).message)}); ${START_OVER}`);
  }
  const c = raw as Partial<Checkpoint>;
  if (typeof c !== "object" || c === null || typeof c.format !== "string" || !c.format.startsWith("hedge-watch-"))
    throw new CliError(`${name} is not a hedge:watch checkpoint (format ${CHECKPOINT_FORMAT}); give another file`);
  if (c.format !== CHECKPOINT_FORMAT)
    throw new CliError(
      `${name} has format ${oneLine(c.format)}, from an older hedge:watch, not ${CHECKPOINT_FORMAT}; ${START_OVER}`,
    );
  if (c.chainId !== chainId || String(c.council).toLowerCase() !== council.toLowerCase()) {
    throw new CliError(
      `${name} belongs to council ${oneLine(String(c.council))} on chain ${oneLine(String(c.chainId))}, not ${council} on chain ${chainId}; give another --checkpoint`,
    );
  }
  const d = c.deployment as Checkpoint["deployment"] | undefined;
  if (typeof d !== "object" || d === null || typeof d.hash !== "string" || !Number.isSafeInteger(d.block))
    throw new CliError(`${name} is damaged (no deployment block); ${START_OVER}`);
  if (d.hash !== deployment.hash) {
    throw new CliError(
      `${name} follows the council deployed in block ${d.block} (${oneLine(d.hash)}), but this chain's council was deployed in block ${deployment.block} (${deployment.hash}): the chain was reset or the council redeployed; ${START_OVER}`,
    );
  }
  if (
    !Number.isSafeInteger(c.lastBlock) ||
    typeof c.lastBlockHash !== "string" ||
    !Number.isSafeInteger(c.verifyFrom) ||
    !Array.isArray(c.blocks) ||
    !c.blocks.every((b) => Array.isArray(b) && Number.isSafeInteger(b[0]) && typeof b[1] === "string") ||
    !Array.isArray(c.recent) ||
    !Array.isArray(c.told) ||
    !Array.isArray(c.findings) ||
    !Array.isArray(c.outbox) ||
    !Array.isArray(c.unprinted) ||
    !Array.isArray(c.delivered)
  )
    throw new CliError(`${name} is damaged (a field is missing or malformed); ${START_OVER}`);
  return { keeper: null, oracle: null, ...c } as Checkpoint;
}

/** Writes the checkpoint atomically (../atomic-file); `commit` as there (false: the watcher lost its lock). */
export function writeCheckpoint(file: string, checkpoint: Checkpoint, commit?: () => boolean): boolean {
  return writeFileAtomic(file, JSON.stringify(checkpoint), { commit });
}

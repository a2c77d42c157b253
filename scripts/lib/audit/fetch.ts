// Reading the chain: JSON-RPC calls made directly (EIP-1193 `request`), chunked `eth_getLogs` over the five
// contracts, events decoded with the contracts' own ABIs and ordered by block and log index. Memory stays bounded:
// one chunk of logs is held at a time, and the replay keeps summaries only.

import { EventDecoder } from "./abi";
import type { ContractName } from "./types";
import type { Rpc } from "../rpc";

/** The audit reads the chain through the tools' node interface and view call. */
export { callView, type Rpc } from "../rpc";

export const hex = (n: number | bigint) => `0x${n.toString(16)}`;

interface RawLog {
  address: string;
  topics: string[];
  data: string;
  blockNumber: string;
  blockHash: string;
  transactionHash: string;
  transactionIndex: string;
  logIndex: string;
  removed?: boolean;
}

interface RawBlock {
  number: string;
  timestamp: string;
}

/** A decoded event of one of the audited contracts. */
export interface AuditEvent {
  contract: ContractName;
  name: string;
  /**
   * The event's arguments in declaration order: addresses in lower case, integers as bigint, bytes as hex, strings
   * as text (bytes that are not UTF-8 as U+FFFD); then, for an event with strings, the keccak256 of each one's bytes
   * (`ProposalCreated`: args[7] is the description hash).
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  args: any[];
  block: number;
  /** The hash of the block the node answered the event from (a reorganisation may replace it). */
  blockHash: string;
  timestamp: number;
  tx: string;
  txIndex: number;
  logIndex: number;
}

export interface FetchOptions {
  addresses: Record<ContractName, string>;
  fromBlock: number;
  toBlock: number;
  /** Blocks per `eth_getLogs` request; a request the node refuses is split in halves. */
  chunkSize: number;
  /** Called after each chunk with the blocks done so far and the events found. */
  onProgress?: (blocksDone: number, blocksTotal: number, events: number) => void;
}

export interface FetchStats {
  events: number;
  chunks: number;
  blocks: number;
}

/** Runs `fn` over `items` with at most `limit` calls in flight; results in order. */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T, index: number) => Promise<R>) {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

async function getLogs(rpc: Rpc, addresses: string[], from: number, to: number): Promise<RawLog[]> {
  try {
    return (await rpc.request({
      method: "eth_getLogs",
      params: [{ address: addresses, fromBlock: hex(from), toBlock: hex(to) }],
    })) as RawLog[];
  } catch (error) {
    // Providers cap the blocks or results of one request: split the range until they answer.
    if (to <= from) throw error;
    const middle = Math.floor((from + to) / 2);
    return [...(await getLogs(rpc, addresses, from, middle)), ...(await getLogs(rpc, addresses, middle + 1, to))];
  }
}

/** Timestamps of the given blocks. */
export async function blockTimestamps(rpc: Rpc, blocks: number[]): Promise<Map<number, number>> {
  const found = await mapLimit(blocks, 16, async (n) => {
    const block = (await rpc.request({ method: "eth_getBlockByNumber", params: [hex(n), false] })) as RawBlock | null;
    if (!block) throw new Error(`the node does not know block ${n}`);
    return Number(block.timestamp);
  });
  return new Map(blocks.map((n, i) => [n, found[i]]));
}

/**
 * Every event of the audited contracts from `fromBlock` to `toBlock`, one chunk of blocks at a time, each chunk
 * sorted by block and log index (so the events of a transaction are contiguous and in execution order).
 */
export async function* fetchEvents(rpc: Rpc, options: FetchOptions, stats: FetchStats): AsyncGenerator<AuditEvent[]> {
  const decoder = new EventDecoder(options.addresses);
  const addresses = [...new Set(Object.values(options.addresses).map((a) => a.toLowerCase()))];
  const total = options.toBlock - options.fromBlock + 1;
  const size = Math.max(1, Math.floor(options.chunkSize));
  for (let start = options.fromBlock; start <= options.toBlock; start += size) {
    const end = Math.min(options.toBlock, start + size - 1);
    const logs = (await getLogs(rpc, addresses, start, end)).filter((l) => !l.removed);
    stats.chunks++;
    const blocks = [...new Set(logs.map((l) => Number(l.blockNumber)))];
    const timestamps = await blockTimestamps(rpc, blocks);
    stats.blocks += blocks.length;
    const events: AuditEvent[] = [];
    // One string per transaction hash, shared by every event (and every summary) of the transaction.
    const txs = new Map<string, string>();
    for (const log of logs) {
      const decoded = decoder.decode(log.address, log.topics, log.data);
      if (!decoded) continue;
      const block = Number(log.blockNumber);
      events.push({
        contract: decoded.contract,
        name: decoded.name,
        args: decoded.args,
        block,
        blockHash: log.blockHash,
        timestamp: timestamps.get(block)!,
        tx:
          txs.get(log.transactionHash) ??
          txs.set(log.transactionHash, log.transactionHash.toLowerCase()).get(log.transactionHash)!,
        txIndex: Number(log.transactionIndex),
        logIndex: Number(log.logIndex),
      });
    }
    events.sort((a, b) => a.block - b.block || a.logIndex - b.logIndex);
    stats.events += events.length;
    options.onProgress?.(end - options.fromBlock + 1, total, stats.events);
    yield events;
  }
}

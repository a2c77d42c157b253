// The oracle checks of HedgePolicy._readVix, off chain: the feed's latest answer read as the policy reads it (same
// checks, same order, same normalisation of decimals), and whether syncLayers would then change a layer (./layers).
// The keeper decides with it before it sends anything, the watcher's notices call an oracle stale with it, and the
// simulation reads the VIX with it. test/watch/watch.task.test.ts checks it against HedgeUpkeep.preview.
import { nextMask, type LayerInputs } from "./layers";

export const ORACLE_STATUS = [
  "Fresh",
  "Unavailable",
  "RoundIncomplete",
  "FromFuture",
  "Stale",
  "NotPositive",
  "OutOfRange",
] as const;
export type OracleStatus = (typeof ORACLE_STATUS)[number];

/** A JSON-RPC endpoint (EIP-1193): what the checks read the feed through. */
export interface OracleRpc {
  request(args: { method: string; params?: unknown[] }): Promise<unknown>;
}

export interface OracleReading {
  status: OracleStatus;
  /** VIX hundredths (0 unless Fresh). */
  vix: number;
  roundId: bigint;
  updatedAt: bigint;
  answer: bigint;
}

export interface SyncPreview extends OracleReading {
  needed: boolean;
  engagedMask: number;
  nextMask: number;
}

/** What the keeper's preview needs of the policy: the layer rule's inputs and the oracle age it accepts. */
export interface SyncInputs extends LayerInputs {
  maxOracleAge: number;
}

const DECIMALS = "0x313ce567"; // decimals()
const LATEST_ROUND_DATA = "0xfeaf968c"; // latestRoundData()
const UINT8_MAX = 255n;
const UINT32_MAX = 2n ** 32n - 1n;
const UINT80_MAX = 2n ** 80n - 1n;

const hex = (n: number) => `0x${n.toString(16)}`;

/** The words of an eth_call's result, or null when the call reverted or the node refused it. */
async function callWords(rpc: OracleRpc, to: string, data: string, blockTag: string): Promise<bigint[] | null> {
  let result: string;
  try {
    result = (await rpc.request({ method: "eth_call", params: [{ to, data }, blockTag] })) as string;
  } catch (error) {
    if (isRevert(error)) return null;
    throw error;
  }
  const bytes = (result.length - 2) / 2;
  const words: bigint[] = [];
  for (let i = 0; i + 32 <= bytes; i += 32) words.push(BigInt(`0x${result.slice(2 + i * 2, 2 + (i + 32) * 2)}`));
  return words;
}

function isRevert(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  const message = String((error as Error)?.message ?? "");
  return code === 3 || /revert|VM Exception|invalid opcode|out of gas/i.test(message);
}

const toInt256 = (w: bigint) => (w >= 2n ** 255n ? w - 2n ** 256n : w);

/**
 * The policy's judgement of a feed's answer at `timestamp` (the block's), from what the feed returned: its
 * `decimals()` and `latestRoundData()` words (null when the call reverted), in HedgePolicy._readVix's order.
 */
export function judgeOracle(
  decimalsWords: bigint[] | null,
  round: bigint[] | null,
  maxOracleAge: number,
  timestamp: number,
): OracleReading {
  const none = (status: OracleStatus, roundId = 0n, updatedAt = 0n, answer = 0n): OracleReading => ({
    status,
    vix: 0,
    roundId,
    updatedAt,
    answer,
  });
  if (!decimalsWords || decimalsWords.length < 1) return none("Unavailable");
  const decimals = decimalsWords[0];
  if (decimals > UINT8_MAX) return none("Unavailable");
  if (!round || round.length < 5) return none("Unavailable");
  const [roundId, answerWord, , updatedAt] = round;
  if (roundId > UINT80_MAX) return none("Unavailable");
  const answer = toInt256(answerWord);
  if (updatedAt === 0n) return none("RoundIncomplete", roundId, updatedAt, answer);
  if (updatedAt > BigInt(timestamp)) return none("FromFuture", roundId, updatedAt, answer);
  if (BigInt(timestamp) - updatedAt > BigInt(maxOracleAge)) return none("Stale", roundId, updatedAt, answer);
  if (answer <= 0n) return none("NotPositive", roundId, updatedAt, answer);
  if (decimals > 38n) return none("OutOfRange", roundId, updatedAt, answer);
  let vix: bigint;
  if (decimals >= 2n) {
    vix = answer / 10n ** (decimals - 2n);
  } else {
    const factor = 10n ** (2n - decimals);
    if (answer > UINT32_MAX / factor) return none("OutOfRange", roundId, updatedAt, answer);
    vix = answer * factor;
  }
  if (vix === 0n || vix > UINT32_MAX) return none("OutOfRange", roundId, updatedAt, answer);
  return { status: "Fresh", vix: Number(vix), roundId, updatedAt, answer };
}

/** The oracle's latest answer as syncLayers judges it at `timestamp` (the time of block `block`). */
export async function readOracle(
  rpc: OracleRpc,
  oracle: string,
  maxOracleAge: number,
  timestamp: number,
  block: number,
): Promise<OracleReading> {
  const blockTag = hex(block);
  const code = (await rpc.request({ method: "eth_getCode", params: [oracle, blockTag] })) as string;
  if (code === "0x") return judgeOracle(null, null, maxOracleAge, timestamp);
  const decimals = await callWords(rpc, oracle, DECIMALS, blockTag);
  if (!decimals || decimals.length < 1 || decimals[0] > UINT8_MAX) {
    return judgeOracle(decimals, null, maxOracleAge, timestamp);
  }
  const round = await callWords(rpc, oracle, LATEST_ROUND_DATA, blockTag);
  return judgeOracle(decimals, round, maxOracleAge, timestamp);
}

/** checkUpkeep off chain: the reading, and whether a sync now would change the engaged layers. */
export function previewSync(inputs: SyncInputs, reading: OracleReading): SyncPreview {
  const next = reading.status === "Fresh" ? nextMask(inputs, reading.vix) : inputs.engagedMask;
  return { ...reading, needed: next !== inputs.engagedMask, engagedMask: inputs.engagedMask, nextMask: next };
}

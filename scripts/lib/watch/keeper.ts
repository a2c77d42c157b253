// The keeper: sends syncLayers from a keeper account when HedgeUpkeep's judgement (./oracle, read-only) says a sync
// would change a layer. Never twice for one change:
// - a change is keyed by the oracle round and the mask it moves (`round:updatedAt:from->to`); the keeper sends at
//   most one transaction per key, and none while its previous one is not mined;
// - the transaction's nonce is fixed and recorded in the checkpoint before it is sent; a locally signed transaction
//   is recorded whole, so after a timeout or a restart the very same transaction is broadcast again (a node answers
//   "already known" or "nonce too low"), and at most one transaction with that nonce can ever be mined;
// - a transaction whose block a reorganisation orphaned is re-judged, not blindly sent again: if the same change is
//   still needed, the very same transaction (same nonce) is broadcast again; if not, it is abandoned and the next
//   change needed is sent with its nonce, so the two can never both run. (Whichever runs, syncLayers applies the
//   oracle's answer at its own block: it cannot move a layer the wrong way.)
// With a Pyth adapter as the policy's oracle (a pull oracle: nothing is on chain until someone submits an update),
// the keeper fetches the latest update of the months the schedule reads now (./hermes) and sends
// HedgeUpkeep.updateAndSync(update) paying exactly Pyth's fee, when the chain says (eth_estimateGas) that it would
// change a layer. The change's key is the on-chain answer it moves from (`pyth:updatedAt:mask`): it stays the same
// while the transaction waits, so the same transaction is re-sent, never a second one; once it is mined the key moves.
// A reverted one leaves the key where it was: it is marked failed, and only an update newer than its own is sent.
// `pythSees` says whether its last Hermes fetch succeeded: the watcher tells a stale on-chain answer only when not.
import { AbiCoder, id, keccak256, type TransactionRequest } from "ethers";

import { fmtVix } from "../format";
import type { Rpc } from "./audit";
import { hex, type BlockHeader } from "./chain";
import type { Checkpoint, KeeperRecord } from "./checkpoint";
import type { NoticeDraft } from "./notices";
import type { SyncPreview } from "../council";
import { RpcAnswerError, isAnswer } from "./rpc";
import type { PythSource } from "./hermes";

const SYNC_LAYERS = "0x1c14a20f"; // syncLayers()
const ORACLE = id("oracle()").slice(0, 10);
const PYTH = id("pyth()").slice(0, 10);
const PRICE_IDS_AT = id("priceIdsAt(uint256)").slice(0, 10);
const GET_UPDATE_FEE = id("getUpdateFee(bytes[])").slice(0, 10);
const UPDATE_AND_SYNC = id("updateAndSync(bytes[])").slice(0, 10);
const coder = AbiCoder.defaultAbiCoder();

export interface KeeperAccount {
  address: string;
  /** Signs a transaction locally (a key in the environment or the network config); absent: the node's account. */
  sign?: (tx: TransactionRequest) => Promise<string>;
}

export interface KeeperOptions {
  rpc: Rpc;
  policy: string;
  chainId: number;
  account: KeeperAccount;
  checkpoint: () => Checkpoint;
  save: () => void;
  /** Re-broadcast a transaction not mined after this many blocks (default 2). */
  rebroadcastAfter?: number;
  /** The Pyth path: the upkeep that takes `updateAndSync`, and where updates come from (Hermes). */
  pyth?: { upkeep: string; source: PythSource };
}

/** What the keeper would send: the call, and the key of the change it makes. */
interface Candidate {
  key: string | null;
  call: { from: string; to: string; data: string; value?: string };
  what: string;
  /** The Pyth path: the newest publish time in the update. */
  publishTime?: number;
}

const mask = (m: number) => {
  const layers = [0, 1, 2, 3, 4].filter((i) => (m >> i) & 1);
  return layers.length ? `{${layers.join(", ")}}` : "{}";
};

export class Keeper {
  /**
   * The Pyth path: whether the keeper's last step fetched the live price from Hermes (true), failed to (false), or
   * has not tried (undefined: no step yet, another path, or the schedule reads nothing now).
   */
  pythSees: boolean | undefined;

  constructor(private readonly o: KeeperOptions) {}

  /** One step at `block`: settles the previous transaction, then sends syncLayers if `preview` says it is needed. */
  async step(block: BlockHeader, preview: SyncPreview): Promise<NoticeDraft[]> {
    const drafts: NoticeDraft[] = [];
    const cp = this.o.checkpoint();
    const record = cp.keeper;
    const candidate = this.o.pyth ? await this.pythCandidate(block, preview) : this.syncCandidate(preview);
    const key = candidate.key;
    if (record?.pending) {
      const used = Number(await this.request("eth_getTransactionCount", [this.o.account.address, "latest"]));
      if (used <= record.nonce) {
        // Not mined (any more). Gone from the chain and from the node (a reorganisation orphaned its block, before
        // or after the watcher saw it mined), or still waiting in the pool for a while: re-judged either way.
        const gone =
          record.orphaned ||
          (record.hash !== null &&
            (await this.request("eth_getTransactionByHash", [record.hash])) === null &&
            block.number > record.sentAt);
        const due = gone || block.number - record.sentAt >= (this.o.rebroadcastAfter ?? 2);
        if (!due) return drafts;
        record.orphaned = false;
        if (key !== record.key) {
          // Not needed any more, or another change is: abandoned; the next transaction takes its nonce, so the two
          // can never both run.
          Object.assign(record, { pending: false, abandoned: true });
          this.o.save();
        } else {
          record.sentAt = block.number;
          this.o.save();
          await this.resend(record);
          if (gone)
            drafts.push({
              key: `sync-resent:${record.nonce}:${record.key}`,
              kind: "sync-sent",
              severity: "info",
              message: `the keeper ${this.o.account.address} sent its syncLayers${record.hash ? ` ${record.hash}` : ""} again, the same transaction: it is no longer on the chain nor with the node (a reorganisation orphaned its block) and VIX ${fmtVix(preview.vix)} still moves the engaged layers ${mask(preview.engagedMask)} -> ${mask(preview.nextMask)}`,
              details: { tx: record.hash, nonce: record.nonce, vix: preview.vix, resent: true },
            });
          return drafts;
        }
      }
    }
    if (record?.pending) {
      record.pending = false;
      record.orphaned = false;
      // Where its nonce was used: its own block when it was mined (a receipt), else the head, later than that block.
      const receipt = record.hash
        ? ((await this.request("eth_getTransactionReceipt", [record.hash])) as {
            status: string;
            blockNumber: string;
          } | null)
        : null;
      record.minedAt = receipt ? Number(receipt.blockNumber) : Number(await this.request("eth_blockNumber", []));
      this.o.save();
      if (receipt && Number(receipt.status) === 0) {
        // The Pyth path's key (the on-chain answer) does not move when its transaction reverts: the same key, marked
        // failed, lets a newer update through (below) and never the same one again.
        if (record.publishTime !== undefined) {
          record.key = `${record.key}:failed`;
          this.o.save();
        }
        drafts.push({
          key: `sync-failed:${record.nonce}:${record.key}`,
          kind: "sync-failed",
          severity: "warning",
          message: `the keeper's ${record.publishTime === undefined ? "syncLayers" : "updateAndSync"} ${record.hash} reverted in block ${Number(receipt.blockNumber)} (the answer changed before it was mined?); it is not sent again for the same ${record.publishTime === undefined ? "oracle round" : "Pyth update"}`,
          details: { tx: record.hash },
        });
      }
    }
    if (key === null) return drafts;
    if (record?.key === key && !record.abandoned) return drafts;
    if (record?.key === `${key}:failed` && (candidate.publishTime ?? 0) <= (record.publishTime ?? 0)) return drafts;

    const { address, sign } = this.o.account;
    const call = candidate.call;
    let gas: bigint;
    try {
      gas = BigInt((await this.request("eth_estimateGas", [call])) as string);
    } catch (error) {
      if (isAnswer(error)) return drafts; // the call would revert now: nothing to send
      throw error;
    }
    const nonce = record?.abandoned
      ? record.nonce
      : Number(await this.request("eth_getTransactionCount", [address, "pending"]));
    const next: KeeperRecord = { key, nonce, hash: null, raw: null, sentAt: block.number, pending: true };
    if (call.to !== this.o.policy) next.call = { to: call.to, data: call.data, value: call.value ?? "0x0" };
    if (candidate.publishTime !== undefined) next.publishTime = candidate.publishTime;
    if (sign) {
      const tip = 1_000_000_000n;
      const base = block.baseFeePerGas ?? 1_000_000_000n;
      next.raw = await sign({
        ...call,
        value: call.value ? BigInt(call.value) : undefined,
        chainId: this.o.chainId,
        nonce,
        gasLimit: (gas * 13n) / 10n + 10_000n,
        type: 2,
        maxPriorityFeePerGas: tip,
        maxFeePerGas: base * 2n + tip,
      });
      next.hash = keccak256(next.raw);
    }
    cp.keeper = next;
    this.o.save(); // recorded before it is sent
    if (next.raw) {
      await this.broadcast(next);
    } else {
      try {
        next.hash = (await this.request("eth_sendTransaction", [
          { ...call, nonce: hex(nonce), gas: hex((gas * 13n) / 10n + 10_000n) },
        ])) as string;
      } catch (error) {
        if (!(error instanceof RpcAnswerError) || !/nonce/i.test(error.message)) throw error;
        // "nonce too low": a first attempt whose answer was lost went through; the nonce check settles it.
      }
      this.o.save();
    }
    drafts.push({
      key: `sync-sent:${nonce}:${key}`,
      kind: "sync-sent",
      severity: "info",
      message: `the keeper ${address} sent ${candidate.what}${next.hash ? ` (${next.hash})` : ""}: VIX ${fmtVix(preview.vix)} moves the engaged layers ${mask(preview.engagedMask)} -> ${mask(preview.nextMask)}`,
      details: { tx: next.hash, nonce, vix: preview.vix, from: preview.engagedMask, to: preview.nextMask },
    });
    return drafts;
  }

  /** Sends the recorded transaction again: the same signed bytes, or through the node with the same nonce. */
  private async resend(record: KeeperRecord): Promise<void> {
    if (record.raw) return this.broadcast(record);
    const { address } = this.o.account;
    try {
      record.hash = (await this.request("eth_sendTransaction", [
        { from: address, to: this.o.policy, data: SYNC_LAYERS, ...record.call, nonce: hex(record.nonce) },
      ])) as string;
      this.o.save();
    } catch (error) {
      if (!(error instanceof RpcAnswerError) || !/nonce|known/i.test(error.message)) throw error;
    }
  }

  private async broadcast(record: KeeperRecord): Promise<void> {
    if (!record.raw) return;
    try {
      await this.request("eth_sendRawTransaction", [record.raw]);
    } catch (error) {
      if (error instanceof RpcAnswerError || isAnswer(error)) {
        // "already known" / "nonce too low": this transaction (or its nonce) is already with the node.
        if (/known|nonce|underpriced|replacement/i.test((error as Error).message)) return;
      }
      throw error;
    }
  }

  /** syncLayers on the policy, keyed by the oracle round and the mask change the preview says it makes. */
  private syncCandidate(preview: SyncPreview): Candidate {
    return {
      key: preview.needed
        ? `${preview.roundId}:${preview.updatedAt}:${preview.engagedMask}->${preview.nextMask}`
        : null,
      call: { from: this.o.account.address, to: this.o.policy, data: SYNC_LAYERS },
      what: "syncLayers",
    };
  }

  /**
   * updateAndSync on the upkeep with the latest update of the months read at `block`'s time, paying Pyth's fee.
   * Keyed by the on-chain answer it moves from; whether it changes a layer is left to eth_estimateGas (the upkeep
   * refuses an update that changes none). An unreadable schedule (ended, not started) sends nothing.
   */
  private async pythCandidate(block: BlockHeader, preview: SyncPreview): Promise<Candidate> {
    const { upkeep, source } = this.o.pyth!;
    const from = this.o.account.address;
    const none: Candidate = { key: null, call: { from, to: upkeep, data: "0x" }, what: "updateAndSync" };
    const at = hex(block.number);
    const word = async (to: string, data: string) => (await this.request("eth_call", [{ to, data }, at])) as string;
    const oracle = coder.decode(["address"], await word(this.o.policy, ORACLE))[0] as string;
    let ids: string[];
    let pyth: string;
    try {
      const [front, next] = coder.decode(
        ["bytes32", "bytes32", "uint256"],
        await word(oracle, PRICE_IDS_AT + coder.encode(["uint256"], [block.timestamp]).slice(2)),
      );
      ids = [front, next].filter((x) => BigInt(x) !== 0n);
      pyth = coder.decode(["address"], await word(oracle, PYTH))[0] as string;
    } catch (error) {
      this.pythSees = undefined;
      if (isAnswer(error)) return none; // the schedule reads nothing now: the watcher's oracle notice says why
      throw error;
    }
    let update;
    try {
      update = await source(ids);
    } catch {
      this.pythSees = false;
      return none; // Hermes unreachable or refusing: nothing to send this block; the next block asks again
    }
    this.pythSees = true;
    const args = coder.encode(["bytes[]"], [update.data]).slice(2);
    const fee = BigInt(coder.decode(["uint256"], await word(pyth, GET_UPDATE_FEE + args))[0]);
    return {
      publishTime: Math.max(...update.publishTimes, 0),
      key: `pyth:${preview.updatedAt}:${preview.engagedMask}`,
      call: { from, to: upkeep, data: UPDATE_AND_SYNC + args, value: `0x${fee.toString(16)}` },
      what: `updateAndSync (Pyth update of ${Math.max(...update.publishTimes, 0)}, fee ${fee} wei)`,
    };
  }

  private request(method: string, params: unknown[]) {
    return this.o.rpc.request({ method, params });
  }
}

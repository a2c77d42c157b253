// The one place that tells whether the policy's oracle is a PythVixAdapter (a pull oracle over Pyth's VIX futures
// months, contracts/interfaces/IPythVixAdapter.sol), and reads its roll schedule. An oracle that answers `pyth()`
// with an address is one; any other (a Chainlink-style push feed, no code, a revert) is not. hedge:watch --sync
// asks it to choose updateAndSync over syncLayers; the watcher asks it for the schedule's end (every read reverts
// from then on, and only a Critical setOracle unfreezes the hedge).
import { AbiCoder, id } from "ethers";

import { hex } from "./chain";
import { isAnswer } from "./rpc";

interface Rpc {
  request(args: { method: string; params?: unknown[] }): Promise<unknown>;
}

const coder = AbiCoder.defaultAbiCoder();
const sel = (signature: string) => id(signature).slice(0, 10);

/** The adapter's schedule: its end, how many months, and the last month (price id, start). */
export interface PythSchedule {
  pyth: string;
  scheduleEnd: number;
  monthCount: number;
  lastPriceId: string;
  lastRollTime: number;
}

/** A call that reverts (or answers nothing) is `null`; a transport failure is thrown (the RetryingRpc retries). */
async function call(rpc: Rpc, to: string, data: string, block: number | "latest"): Promise<string | null> {
  try {
    const answer = (await rpc.request({
      method: "eth_call",
      params: [{ to, data }, block === "latest" ? "latest" : hex(block)],
    })) as string;
    return typeof answer === "string" && answer.length >= 66 ? answer : null;
  } catch (error) {
    const message = String((error as Error)?.message ?? "");
    if (
      isAnswer(error) ||
      (error as { code?: unknown })?.code === 3 ||
      /revert|VM Exception|invalid opcode/i.test(message)
    )
      return null;
    throw error;
  }
}

/**
 * The Pyth contract `oracle` reads when it is a PythVixAdapter (it answers `pyth()`), else null. Only code that
 * dispatches `pyth()` (its selector pushed, `PUSH4 selector`) is asked: another oracle is never called with a function
 * it lacks (a node without JSON-RPC error codes, the in-process one, would otherwise look like a failing transport).
 */
export async function pythOf(rpc: Rpc, oracle: string, block: number | "latest"): Promise<string | null> {
  const code = (await rpc.request({
    method: "eth_getCode",
    params: [oracle, block === "latest" ? "latest" : hex(block)],
  })) as string;
  if (typeof code !== "string" || !code.toLowerCase().includes(`63${sel("pyth()").slice(2)}`)) return null;
  const answer = await call(rpc, oracle, sel("pyth()"), block);
  return answer ? (coder.decode(["address"], answer)[0] as string) : null;
}

/** The roll schedule of `oracle` when it is a PythVixAdapter, else null (also when the schedule cannot be read). */
export async function pythSchedule(rpc: Rpc, oracle: string, block: number): Promise<PythSchedule | null> {
  const pyth = await pythOf(rpc, oracle, block);
  if (!pyth) return null;
  const [end, count] = await Promise.all([
    call(rpc, oracle, sel("scheduleEnd()"), block),
    call(rpc, oracle, sel("monthCount()"), block),
  ]);
  if (!end || !count) return null;
  const monthCount = Number(coder.decode(["uint256"], count)[0]);
  const last =
    monthCount > 0
      ? await call(rpc, oracle, sel("month(uint256)") + coder.encode(["uint256"], [monthCount - 1]).slice(2), block)
      : null;
  const [lastPriceId, lastRollTime] = last ? coder.decode(["bytes32", "uint64"], last) : ["0x" + "0".repeat(64), 0n];
  return {
    pyth,
    scheduleEnd: Number(coder.decode(["uint64"], end)[0]),
    monthCount,
    lastPriceId: String(lastPriceId),
    lastRollTime: Number(lastRollTime),
  };
}

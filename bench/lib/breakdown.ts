// Where a Hedge Council transaction's gas goes, measured from its struct-log trace (`debug_traceTransaction`).
//
// Every step the council runs itself (depth 1) is put in one bucket: each event it emits by name, its own storage,
// code-hash pinning (EXTCODEHASH), hashing, and each external call by callee (the whole gas of the call, including
// what the callee runs). What the trace does not cover is the transaction's intrinsic cost: 21,000 plus calldata.
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type { Interface } from "ethers";

interface StructLog {
  op: string;
  gas: number;
  gasCost: number;
  depth: number;
  stack?: string[];
}

const CALLS = new Set(["CALL", "STATICCALL", "DELEGATECALL", "CALLCODE"]);

/** Buckets of one transaction's gas, largest first; they sum to the transaction's gas used. */
export async function gasBreakdown(
  hre: HardhatRuntimeEnvironment,
  txHash: string,
  callees: Record<string, string>,
  events: Interface,
): Promise<[string, number][]> {
  const receipt = await hre.ethers.provider.getTransactionReceipt(txHash);
  if (!receipt) throw new Error(`no receipt for ${txHash}`);
  const trace = (await hre.network.provider.send("debug_traceTransaction", [txHash])) as { structLogs: StructLog[] };
  const logs = trace.structLogs;
  const buckets = new Map<string, number>();
  const add = (bucket: string, gas: number) => buckets.set(bucket, (buckets.get(bucket) ?? 0) + gas);
  const names = new Map(Object.entries(callees).map(([a, n]) => [a.toLowerCase(), n]));

  for (let i = 0; i < logs.length; i++) {
    const step = logs[i];
    if (step.depth !== 1) continue;
    const stack = step.stack ?? [];
    const top = (n: number) => stack[stack.length - 1 - n];
    if (CALLS.has(step.op)) {
      let next = i + 1;
      while (next < logs.length && logs[next].depth !== 1) next++;
      const spent = next < logs.length ? step.gas - logs[next].gas : step.gasCost;
      const callee =
        "0x" +
        BigInt("0x" + top(1))
          .toString(16)
          .padStart(40, "0");
      add(names.get(callee) ?? (BigInt(callee) < 0x100n ? `precompile ${BigInt(callee)}` : "other calls"), spent);
    } else if (step.op.startsWith("LOG")) {
      const topic0 =
        "0x" +
        BigInt("0x" + top(2))
          .toString(16)
          .padStart(64, "0");
      const event = events.getEvent(topic0);
      add(`event ${event ? event.name : "?"}`, step.gasCost);
    } else if (step.op === "SSTORE" || step.op === "SLOAD" || step.op === "TSTORE" || step.op === "TLOAD") {
      add("council storage", step.gasCost);
    } else if (step.op === "EXTCODEHASH") {
      add("code-hash pinning (EXTCODEHASH)", step.gasCost);
    } else if (step.op === "KECCAK256") {
      add("hashing (KECCAK256)", step.gasCost);
    } else {
      add("council logic, memory, ABI", step.gasCost);
    }
  }
  const traced = [...buckets.values()].reduce((a, b) => a + b, 0);
  add("intrinsic: 21,000 + calldata", Number(receipt.gasUsed) - traced);
  return [...buckets.entries()].sort((a, b) => b[1] - a[1]);
}

// Reading the contracts for the watcher: `eth_call`s through any Rpc (the retrying one in production), decoded with
// the contracts' own ABIs, at an explicit block so that everything a block's notices say is read at that block.
import { Interface, type Result } from "ethers";

import { CouncilSeats__factory, HedgeCouncil__factory, HedgePolicy__factory } from "../../../typechain-types";
import type { Rpc } from "./audit";

export const hex = (n: number | bigint) => `0x${n.toString(16)}`;

export const ABI = {
  council: new Interface(HedgeCouncil__factory.abi),
  policy: new Interface(HedgePolicy__factory.abi),
  seats: new Interface(CouncilSeats__factory.abi),
};

/** One view call at `block`, decoded. */
export async function view(
  rpc: Rpc,
  iface: Interface,
  to: string,
  fn: string,
  args: unknown[],
  block: number,
): Promise<Result> {
  const data = iface.encodeFunctionData(fn, args);
  const result = (await rpc.request({ method: "eth_call", params: [{ to, data }, hex(block)] })) as string;
  return iface.decodeFunctionResult(fn, result);
}

export interface BlockHeader {
  number: number;
  hash: string;
  parentHash: string;
  timestamp: number;
  baseFeePerGas: bigint | null;
}

export async function getBlock(rpc: Rpc, block: number | "latest"): Promise<BlockHeader | null> {
  const raw = (await rpc.request({
    method: "eth_getBlockByNumber",
    params: [block === "latest" ? "latest" : hex(block), false],
  })) as { number: string; hash: string; parentHash: string; timestamp: string; baseFeePerGas?: string } | null;
  if (!raw) return null;
  return {
    number: Number(raw.number),
    hash: raw.hash,
    parentHash: raw.parentHash,
    timestamp: Number(raw.timestamp),
    baseFeePerGas: raw.baseFeePerGas ? BigInt(raw.baseFeePerGas) : null,
  };
}

export async function blockNumber(rpc: Rpc): Promise<number> {
  return Number(await rpc.request({ method: "eth_blockNumber", params: [] }));
}

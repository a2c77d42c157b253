// What the tools need of a node: an EIP-1193 `request` (Hardhat's `hre.network.provider`, or any JSON-RPC client),
// and one view call decoded. The wiring check, the audit and the proposal view all read the chain through these; no
// Node or Hardhat import, so the console may load it too.
import type { Interface, Result } from "ethers";

/** An EIP-1193 provider. */
export interface Rpc {
  request(args: { method: string; params?: unknown[] }): Promise<unknown>;
}

/** `eth_call` of a view function at `blockTag`; returns the decoded result. */
export async function callView(
  rpc: Rpc,
  iface: Interface,
  to: string,
  fn: string,
  args: unknown[],
  blockTag: string,
): Promise<Result> {
  const data = iface.encodeFunctionData(fn, args);
  const result = (await rpc.request({ method: "eth_call", params: [{ to, data }, blockTag] })) as string;
  return iface.decodeFunctionResult(fn, result);
}

// The deployments file's transactions and block numbers against the chain: each recorded deployment transaction's
// receipt (eth_getTransactionReceipt) must exist, must have created the contract at the file's address (its
// `contractAddress`) and must be in the block the file records. The block to read events from is the receipts'
// first, never the file's numbers alone: a block number moved forward would hide every proposal created before it.
//
// The one check of those fields: the commands that read the chain's history (./deployments `checkDeploymentBlocks`,
// through `openSystem`), the console (app/src/chain.ts) and the audit (its `deployment-mismatch` findings,
// ./audit `replayChain`) all read the receipts here; the first two say a mismatch with `mismatchText`. No Node or
// Hardhat import, so the console may load it too.
//
// A contract created by a factory (`hedge:deploy --deterministic`: the HedgeDeployer creates the four core contracts
// in one transaction, the Safe singleton factory the mock oracle) has no receipt of its own: the receipt of the
// transaction that called the factory has a null `contractAddress`. The file says so with the entry's `factory`
// (the address that transaction was sent to), and such an entry is checked otherwise: the receipt must be a
// successful call to that factory, and the code at the address must be there at the receipt's block and absent at
// the block before (eth_getCode at both: the contract was created in that very block, so its history cannot begin
// before it). A plain deployment's entry (no `factory`) is checked as before: its receipt's `contractAddress` must
// be the file's address, and the factory path is never taken for it.
import { getAddress } from "ethers";

import type { Rpc } from "./rpc";

/** A receipt as eth_getTransactionReceipt returns it: the fields read here and by the audit. */
export interface DeploymentReceipt {
  contractAddress: string | null;
  /** The address the transaction was sent to; null for a plain contract creation. */
  to?: string | null;
  blockNumber: string;
  status: string;
  logs: { address: string; topics: string[]; data: string }[];
}

/** What a deployments file records of one contract (./deployments `DeployedContract`). */
export interface RecordedContract {
  address: string;
  transactionHash?: string | null;
  blockNumber?: number | null;
  /** Set when a factory created the contract in the transaction, which was a call to this address. */
  factory?: string | null;
}

/** One way the file disagrees with the receipts. */
export type ReceiptMismatch =
  /** The recorded transaction has no receipt on this chain. */
  | { kind: "missing"; name: string; transactionHash: string }
  /** The transaction did not create the contract at the recorded address. */
  | { kind: "address"; name: string; transactionHash: string; address: string }
  /** The transaction is in another block than the recorded one. */
  | { kind: "block"; name: string; transactionHash: string; recorded: number; block: number }
  /** A block number recorded without a transaction to check it against. */
  | { kind: "unchecked"; name: string; recorded: number }
  /** A contract the deployment created whose transaction the file does not record. */
  | { kind: "unrecorded"; name: string };

export interface ReceiptCheck<N extends string> {
  /** The receipt of each contract whose transaction the file records (and the chain holds). */
  receipts: Partial<Record<N, DeploymentReceipt>>;
  /** In the order of the names asked for; empty when the file agrees with the chain. */
  mismatches: ReceiptMismatch[];
  /** The receipts' first and last blocks; null when the file records no transaction the chain holds. */
  firstBlock: number | null;
  lastBlock: number | null;
}

/**
 * The contracts of a deployment that `hedge:deploy` created, so that the file must record their transactions: all
 * but an oracle that existed before (the file's `oracleIsMock` is false then).
 */
export function createdByDeployment<N extends string>(
  deployment: { oracleIsMock: boolean; contracts: Partial<Record<N, RecordedContract>> },
  names: readonly N[],
): N[] {
  return names.filter((name) => deployment.contracts[name] && (name !== "oracle" || deployment.oracleIsMock));
}

/**
 * Reads the receipts of the deployment transactions `contracts` records (`names` of them, in that order), all at
 * once, and compares each with the file: its address and its block; each of `required` must record its
 * transaction. Reads nothing else.
 */
export async function checkDeploymentReceipts<N extends string>(
  rpc: Rpc,
  contracts: Partial<Record<N, RecordedContract>>,
  names: readonly N[],
  required: readonly N[] = [],
): Promise<ReceiptCheck<N>> {
  const entries = names.flatMap((name) => (contracts[name] ? [{ name, entry: contracts[name]! }] : []));
  const found = await Promise.all(
    entries.map(({ entry }) =>
      entry.transactionHash
        ? (rpc.request({
            method: "eth_getTransactionReceipt",
            params: [entry.transactionHash.toLowerCase()],
          }) as Promise<DeploymentReceipt | null>)
        : Promise.resolve(null),
    ),
  );
  const receipts: Partial<Record<N, DeploymentReceipt>> = {};
  const mismatches: ReceiptMismatch[] = [];
  const blocks: number[] = [];
  // The factory-created contracts' code, at the receipt's block and the block before, read at once too.
  const created = await Promise.all(
    entries.map(({ entry }, i) => {
      const receipt = found[i];
      if (!entry.factory || !receipt) return Promise.resolve(true);
      return createdInBlock(rpc, entry.address, Number(receipt.blockNumber));
    }),
  );
  entries.forEach(({ name, entry }, i) => {
    const recorded = entry.blockNumber ?? null;
    if (!entry.transactionHash) {
      if (recorded !== null) mismatches.push({ kind: "unchecked", name, recorded });
      else if (required.includes(name)) mismatches.push({ kind: "unrecorded", name });
      return;
    }
    const transactionHash = entry.transactionHash.toLowerCase();
    const receipt = found[i];
    if (!receipt) {
      mismatches.push({ kind: "missing", name, transactionHash });
      return;
    }
    receipts[name] = receipt;
    const block = Number(receipt.blockNumber);
    blocks.push(block);
    const createdHere = entry.factory
      ? receipt.contractAddress === null &&
        receipt.status === "0x1" &&
        !!receipt.to &&
        getAddress(receipt.to) === getAddress(entry.factory) &&
        created[i]
      : !!receipt.contractAddress && getAddress(receipt.contractAddress) === getAddress(entry.address);
    if (!createdHere) {
      mismatches.push({ kind: "address", name, transactionHash, address: getAddress(entry.address) });
    }
    if (recorded !== null && recorded !== block) {
      mismatches.push({ kind: "block", name, transactionHash, recorded, block });
    }
  });
  return {
    receipts,
    mismatches,
    firstBlock: blocks.length ? Math.min(...blocks) : null,
    lastBlock: blocks.length ? Math.max(...blocks) : null,
  };
}

/** Whether `address` has code at `block` and had none at the block before: it was created in that block. */
async function createdInBlock(rpc: Rpc, address: string, block: number): Promise<boolean> {
  if (block < 1) return false;
  const at = (n: number) =>
    rpc.request({ method: "eth_getCode", params: [address, `0x${n.toString(16)}`] }) as Promise<string>;
  const [before, after] = await Promise.all([at(block - 1), at(block)]);
  return before === "0x" && after !== "0x";
}

/** A mismatch in words, as the command line and the console say it (the audit words its findings its own way). */
export function mismatchText(m: ReceiptMismatch, chainId: number): string {
  switch (m.kind) {
    case "block":
      return `${m.name} block ${m.recorded} does not match its deployment transaction's receipt (block ${m.block})`;
    case "address":
      return `${m.name} deployment transaction ${m.transactionHash} did not create the contract at ${m.address}`;
    case "missing":
      return `${m.name} deployment transaction ${m.transactionHash} is not on chain ${chainId}`;
    case "unchecked":
      return `${m.name} block ${m.recorded} is recorded without its deployment transaction, so it cannot be checked`;
    case "unrecorded":
      return `${m.name} deployment transaction is not recorded, so the block its history begins in cannot be checked`;
  }
}

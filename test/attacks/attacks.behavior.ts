// Shared pieces of the attack suite: the accounts and proposals whose state every attack captures, and
// `expectUnchanged`, which captures the whole system before and after an attack and requires the two to be equal.
import { expect } from "chai";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { concat, getBytes, hexlify, toBeHex, type BytesLike } from "ethers";

import { captureState, type CaptureScope } from "../helpers/stateSnapshot";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import {
  hashProposal,
  operationId,
  proposeArgs,
  sign,
  thresholdOf,
  type CouncilSystem,
  type Proposal,
} from "../helpers/system";

/**
 * The scope every attack captures: the deployer, the holders, four strangers, every contract of the system, the given
 * proposals (and their timelock operations) and any extra ids or accounts.
 */
export async function scopeOf(
  sys: CouncilSystem,
  proposals: Proposal[] = [],
  extra: { ids?: string[]; operations?: string[]; accounts?: string[] } = {},
): Promise<CaptureScope> {
  const proposalIds = await Promise.all(proposals.map((p) => hashProposal(sys, p)));
  const operationIds = await Promise.all(proposals.map((p) => operationId(sys, p)));
  return {
    proposalIds: [...proposalIds, ...(extra.ids ?? [])],
    operationIds: [...operationIds, ...(extra.operations ?? [])],
    accounts: [
      sys.deployer.address,
      ...sys.holders.map((h) => h.address),
      ...sys.strangers.slice(0, 4).map((s) => s.address),
      ...Object.values(sys.addresses),
      ...(extra.accounts ?? []),
    ],
  };
}

/**
 * Captures the whole system, runs `attack` (which asserts its own revert), captures again and requires every piece of
 * state to be as it was.
 */
export async function expectUnchanged(
  sys: CouncilSystem,
  scope: CaptureScope,
  attack: () => Promise<unknown>,
): Promise<void> {
  const before = await captureState(sys.system, scope);
  await attack();
  const after = await captureState(sys.system, scope);
  expect(after).to.deep.equal(before);
}

/** `submit` relayed by a stranger with the EIP-712 signatures of `signers`, each for the seat it holds now. */
export async function submitWith(sys: CouncilSystem, p: Proposal, signers: HardhatEthersSigner[]) {
  const id = await hashProposal(sys, p);
  const signed = await sign(sys, signers, id);
  return sys.council.connect(sys.stranger).submit(...proposeArgs(p), signed);
}

/** Submits `p` with its tier's threshold of signatures (holders 1..); returns its id and eta. */
export async function queueBySignatures(sys: CouncilSystem, p: Proposal): Promise<{ id: string; eta: bigint }> {
  await submitWith(sys, p, sys.holders.slice(0, await thresholdOf(sys, p)));
  const id = await hashProposal(sys, p);
  return { id, eta: await sys.council.proposalEta(id) };
}

/**
 * Runs `p` through the whole governance path up to its execution: submitted with its tier's threshold of signatures,
 * queued, and the clock moved to its eta. Returns its id and a capture scope that includes it and `others`.
 */
export async function readyToExecute(
  sys: CouncilSystem,
  p: Proposal,
  others: Proposal[] = [],
  accounts: string[] = [],
) {
  const { id, eta } = await queueBySignatures(sys, p);
  await time.increaseTo(eta);
  return { id, eta, scope: await scopeOf(sys, [p, ...others], { accounts }) };
}

/** A 65-byte signature with its `v` byte replaced. */
export function withV(signature: BytesLike, v: number): string {
  const bytes = getBytes(signature);
  return concat([bytes.slice(0, 64), new Uint8Array([v])]);
}

/** The EIP-2098 compact (64-byte) form of a 65-byte signature: r ‖ (yParity << 255 | s). */
export function compact(signature: BytesLike): string {
  const bytes = getBytes(signature);
  const s = BigInt(hexlify(bytes.slice(32, 64)));
  const yParity = bytes[64] === 28 ? 1n : 0n;
  return concat([bytes.slice(0, 32), toBeHex((yParity << 255n) | s, 32)]);
}

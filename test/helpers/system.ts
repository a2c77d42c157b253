// Shared fixture, proposal builders, signing and state snapshots for the council test files (HedgeCouncil*,
// CouncilSeats*, deploy). The system is always deployed by `deploySystem`, the one deployment path.
import { expect } from "chai";
import { ethers } from "hardhat";
import { impersonateAccount, setBalance, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { concat, getBytes, hexlify, toBeHex, type BytesLike, type Signer } from "ethers";

import { deploySystem, DAY, type System, type SystemConfig } from "../../scripts/lib/deploy";
import { defaultPolicy, toPolicyValues, type PolicyValues } from "../../scripts/lib/policy";
import { signApproval, type SeatSignature } from "../../scripts/lib/signing";
import type { CouncilSeats, HedgeCouncil, HedgePolicy } from "../../typechain-types";

export { DAY };
export const HOUR = 3_600;
/** The ERC-1271 magic value. */
export const ERC1271_MAGIC = "0x1626ba7e";
/** The order of secp256k1, for high-s twins of signatures. */
export const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

import { GOVERNED_ABI, ProposalState, Tier, descriptionHash, encode } from "../../scripts/lib/council";

export { Tier, ProposalState };

/** A proposal's calls and description: `propose` and `submit` take the text, the others its hash (see `args`). */
export interface Proposal {
  targets: string[];
  values: bigint[];
  calldatas: string[];
  description: string;
}

export interface Call {
  target: string;
  data: string;
  value?: bigint;
}

export type CouncilSystem = Awaited<ReturnType<typeof deployCouncilSystem>>;

/**
 * Deploys the system with `deploySystem` from signers[0]: five seats held by signers[1..5] (seat ids 1..5), default
 * thresholds (Fast 2, Standard 3, Critical 4, veto 2), delays (1 day, 3 days), minimum delay 1 day, expiry 7 / 14 days.
 * signers[6..] hold nothing.
 */
export async function deployCouncilSystem(overrides: Partial<SystemConfig> = {}) {
  const signers = await ethers.getSigners();
  const deployer = signers[0];
  const holders = signers.slice(1, 6);
  const strangers = signers.slice(6);
  const system: System = await deploySystem(deployer, { seats: holders.map((h) => h.address), ...overrides });
  const { seats, council, timelock, policy, oracle } = system;
  const chainId = (await ethers.provider.getNetwork()).chainId;
  const addresses = {
    seats: await seats.getAddress(),
    council: await council.getAddress(),
    timelock: await timelock.getAddress(),
    policy: await policy.getAddress(),
    oracle: await oracle.getAddress(),
  };
  return {
    system,
    seats,
    council,
    timelock,
    policy,
    oracle,
    deployer,
    holders,
    strangers,
    stranger: strangers[0],
    chainId,
    addresses,
  };
}

// ---------------------------------------------------------------- proposal builders

/** A proposal from `calls` (values default to 0) with `description`. */
export function proposal(calls: Call[], description = "a proposal"): Proposal {
  return {
    targets: calls.map((c) => c.target),
    values: calls.map((c) => c.value ?? 0n),
    calldatas: calls.map((c) => c.data),
    description,
  };
}

/** The four arguments of `queue` / `execute` / `cancel` / `hashProposal` / `operationId`: the description's hash. */
export function args(p: Proposal): [string[], bigint[], string[], string] {
  return [p.targets, p.values, p.calldatas, descriptionHash(p.description)];
}

/** The four arguments of `propose` (and the first four of `submit`): the description itself. */
export function proposeArgs(p: Proposal): [string[], bigint[], string[], string] {
  return [p.targets, p.values, p.calldatas, p.description];
}

export function hashProposal(sys: CouncilSystem, p: Proposal): Promise<string> {
  return sys.council.hashProposal(...args(p));
}

export function operationId(sys: CouncilSystem, p: Proposal): Promise<string> {
  return sys.council.operationId(...args(p));
}

/** The default policy after `edit`. */
export function withEdit(edit: (p: PolicyValues) => void, base: PolicyValues = defaultPolicy()): PolicyValues {
  const p = structuredClone(base);
  edit(p);
  return p;
}

/** `setPolicy(next, expectedVersion)` on the policy; `expectedVersion` defaults to the current version. */
export async function setPolicyCall(sys: CouncilSystem, next: PolicyValues, expectedVersion?: bigint): Promise<Call> {
  const version = expectedVersion ?? (await sys.policy.version());
  return { target: sys.addresses.policy, data: encode.setPolicy(next, version) };
}

/** Standard tier: coverage 2,500 → 3,000 against the current version. */
export async function tighteningProposal(sys: CouncilSystem, description = "tighten"): Promise<Proposal> {
  const current = toPolicyValues(await sys.policy.policy());
  return proposal(
    [
      await setPolicyCall(
        sys,
        withEdit((p) => (p.coverageBps = 3_000), current),
      ),
    ],
    description,
  );
}

/** Critical tier: coverage 2,500 → 2,000 against the current version. */
export async function looseningProposal(sys: CouncilSystem, description = "loosen"): Promise<Proposal> {
  const current = toPolicyValues(await sys.policy.policy());
  return proposal(
    [
      await setPolicyCall(
        sys,
        withEdit((p) => (p.coverageBps = 2_000), current),
      ),
    ],
    description,
  );
}

export function nudgeCoverageCall(sys: CouncilSystem, coverageBps: number): Call {
  return {
    target: sys.addresses.policy,
    data: encode.nudgeCoverage(coverageBps),
  };
}

export function nudgeTriggerCall(sys: CouncilSystem, layer: number, triggerVix: number): Call {
  return {
    target: sys.addresses.policy,
    data: encode.nudgeTrigger(layer, triggerVix),
  };
}

/** Fast tier: a steward nudge of the coverage 2,500 → 2,600 (within the default 10 % limit). */
export function nudgeProposal(sys: CouncilSystem, coverageBps = 2_600, description = "nudge"): Proposal {
  return proposal([nudgeCoverageCall(sys, coverageBps)], description);
}

export function mintCall(sys: CouncilSystem, holder: string): Call {
  return { target: sys.addresses.seats, data: encode.mint(holder) };
}

export function burnCall(sys: CouncilSystem, seatId: bigint | number): Call {
  return { target: sys.addresses.seats, data: encode.burn(seatId) };
}

/** Critical tier: mint a seat to `holder`. */
export function mintProposal(sys: CouncilSystem, holder: string, description = "mint"): Proposal {
  return proposal([mintCall(sys, holder)], description);
}

/** Critical tier: burn seat `seatId`. */
export function burnProposal(sys: CouncilSystem, seatId: bigint | number, description = "burn"): Proposal {
  return proposal([burnCall(sys, seatId)], description);
}

/** A call of the council's own governance setters (through the timelock). */
export function councilCall(
  sys: CouncilSystem,
  fn: "setTierRule" | "setVetoThreshold" | "setExpiry",
  fnArgs: (number | bigint)[],
): Call {
  return {
    target: sys.addresses.council,
    data: GOVERNED_ABI.council.encodeFunctionData(fn, fnArgs),
  };
}

/** The timelock's `updateDelay(delay)`, a call the timelock must make to itself. */
export function updateDelayCall(sys: CouncilSystem, delay: number): Call {
  return { target: sys.addresses.timelock, data: encode.updateDelay(delay) };
}

// ---------------------------------------------------------------- signing and flows

/** How long the signatures of `sign` count by default: a week, the default proposal TTL. */
export const VALID_FOR = 7 * DAY;

/**
 * EIP-712 approvals of `id` by `signers` (ethers `signTypedData`), each for the seat its signer holds now (or
 * `options.seatIds[i]`), valid until `options.validUntil` (default: the latest block's time + {VALID_FOR}), as the
 * `SeatSignature[]` that `approveBySig` and `submit` take.
 */
export async function sign(
  sys: CouncilSystem,
  signers: Signer[],
  proposalId: string,
  options: { validUntil?: bigint | number; seatIds?: (bigint | number)[] } = {},
): Promise<SeatSignature[]> {
  const validUntil = BigInt(options.validUntil ?? (await time.latest()) + VALID_FOR);
  const out: SeatSignature[] = [];
  for (const [i, s] of signers.entries()) {
    const seatId = BigInt(options.seatIds?.[i] ?? (await sys.council.seatOf(await s.getAddress())));
    const approval = { proposalId, seatId, validUntil };
    out.push({ seatId, validUntil, signature: await signApproval(s, sys.chainId, sys.addresses.council, approval) });
  }
  return out;
}

/** The latest `validUntil` a signature can carry (uint64 max): for signatures whose deadline is not what is tested. */
export const NO_DEADLINE = 2n ** 64n - 1n;

/** A `SeatSignature` with arbitrary bytes (a forgery, garbage, a wallet's "yes"): no deadline unless given. */
export function seatSignature(
  seatId: bigint | number,
  signature: string,
  validUntil: bigint | number = NO_DEADLINE,
): SeatSignature {
  return { seatId: BigInt(seatId), validUntil: BigInt(validUntil), signature };
}

/** The high-s twin of a 65-byte signature (s' = n − s, v flipped): the same signer for `ecrecover`. */
export function highSTwin(signature: BytesLike): string {
  const bytes = getBytes(signature);
  const r = bytes.slice(0, 32);
  const s = BigInt(hexlify(bytes.slice(32, 64)));
  const v = bytes[64];
  return concat([r, toBeHex(SECP256K1_N - s, 32), new Uint8Array([v === 27 ? 28 : 27])]);
}

/** `propose` by `approvers[0]`, then `approve` by each of the others; returns the id. */
export async function proposeAndApprove(sys: CouncilSystem, p: Proposal, approvers: Signer[]): Promise<string> {
  const [first, ...others] = approvers;
  await sys.council.connect(first).propose(...proposeArgs(p));
  const id = await hashProposal(sys, p);
  for (const a of others) await sys.council.connect(a).approve(id);
  return id;
}

/** Proposes and approves `p` with exactly its tier's threshold of holders, then queues it; returns id and eta. */
export async function proposeAndQueue(sys: CouncilSystem, p: Proposal): Promise<{ id: string; eta: bigint }> {
  const threshold = await thresholdOf(sys, p);
  const id = await proposeAndApprove(sys, p, sys.holders.slice(0, threshold));
  await sys.council.queue(...args(p));
  return { id, eta: await sys.council.proposalEta(id) };
}

/** The threshold of the tier `p` would get. */
export async function thresholdOf(sys: CouncilSystem, p: Proposal): Promise<number> {
  const tier = await sys.council.tierOf(p.targets, p.calldatas);
  const [threshold] = await sys.council.tierRule(tier);
  return Number(threshold);
}

/**
 * Runs `p` through governance: submitted with its tier's threshold of signatures (holders 1..), then, unless
 * Fast, executed at its eta. Returns the proposal id.
 */
export async function pass(sys: CouncilSystem, p: Proposal, signers: Signer[] = sys.holders): Promise<string> {
  const id = await hashProposal(sys, p);
  const threshold = await thresholdOf(sys, p);
  const signed = await sign(sys, signers.slice(0, threshold), id);
  await sys.council.connect(sys.stranger).submit(...proposeArgs(p), signed);
  if ((await sys.council.state(id)) === BigInt(ProposalState.Queued)) {
    await time.increaseTo(await sys.council.proposalEta(id));
    await sys.council.connect(sys.stranger).execute(...args(p));
  }
  expect(await sys.council.state(id)).to.equal(ProposalState.Executed);
  return id;
}

/**
 * The signers of the council's `Approved` events in a mined transaction, in order: what a call recorded (a live seat
 * whose approval was already recorded is ignored, and appears here not at all).
 */
export async function approvedIn(
  sys: CouncilSystem,
  tx: Promise<{ wait(): Promise<unknown> }> | { wait(): Promise<unknown> },
): Promise<string[]> {
  const receipt = (await (await tx).wait()) as { logs: { address: string; topics: readonly string[]; data: string }[] };
  const out: string[] = [];
  for (const log of receipt.logs) {
    if (log.address !== sys.addresses.council) continue;
    const parsed = sys.council.interface.parseLog(log);
    if (parsed?.name === "Approved") out.push(parsed.args.signer as string);
  }
  return out;
}

/** A signer for any address (a contract included), impersonated and funded for gas. */
export async function impersonate(address: string): Promise<HardhatEthersSigner> {
  await impersonateAccount(address);
  await setBalance(address, 10n ** 20n);
  return ethers.getImpersonatedSigner(address);
}

/** The timelock as a signer (impersonated, funded), for direct unit checks of governance-only functions. */
export function asTimelock(sys: CouncilSystem): Promise<HardhatEthersSigner> {
  return impersonate(sys.addresses.timelock);
}

/** Sets the next block's timestamp (for exact boundaries: the next transaction runs at `timestamp`). */
export async function atNextBlock(timestamp: bigint | number): Promise<void> {
  await time.setNextBlockTimestamp(timestamp);
}

// ---------------------------------------------------------------- snapshots

export interface ProposalSnapshot {
  state: bigint;
  approvalCount: bigint;
  vetoCount: bigint;
  tier: bigint;
  eta: bigint;
  deadline: bigint;
  approvedBy: boolean[];
}

/** Everything the council keeps about proposal `id` (approvals listed for `accounts`). */
export async function snapshotProposal(
  council: HedgeCouncil,
  id: string,
  accounts: { address: string }[],
): Promise<ProposalSnapshot> {
  const approvedBy: boolean[] = [];
  for (const a of accounts) approvedBy.push(await council.hasApproved(id, a.address));
  return {
    state: await council.state(id),
    approvalCount: await council.approvalCount(id),
    vetoCount: await council.vetoCount(id),
    tier: await council.proposalTier(id),
    eta: await council.proposalEta(id),
    deadline: await council.proposalDeadline(id),
    approvedBy,
  };
}

export async function expectProposalUnchanged(sys: CouncilSystem, id: string, before: ProposalSnapshot) {
  expect(await snapshotProposal(sys.council, id, sys.holders)).to.deep.equal(before);
}

export interface CouncilSettings {
  rules: bigint[][];
  veto: bigint;
  expiry: bigint[];
}

export async function snapshotSettings(council: HedgeCouncil): Promise<CouncilSettings> {
  const rules: bigint[][] = [];
  for (const tier of [Tier.Fast, Tier.Standard, Tier.Critical]) {
    const [threshold, delay] = await council.tierRule(tier);
    rules.push([threshold, delay]);
  }
  const [ttl, grace] = await council.expiry();
  return { rules, veto: await council.vetoThreshold(), expiry: [ttl, grace] };
}

export interface SeatsSnapshot {
  seatCount: bigint;
  mintedCount: bigint;
  liveSeats: bigint;
  seatOf: bigint[];
  balances: bigint[];
}

export async function snapshotSeats(seats: CouncilSeats, accounts: { address: string }[]): Promise<SeatsSnapshot> {
  const seatOf: bigint[] = [];
  const balances: bigint[] = [];
  for (const a of accounts) {
    seatOf.push(await seats.seatOf(a.address));
    balances.push(await seats.balanceOf(a.address));
  }
  return {
    seatCount: await seats.seatCount(),
    mintedCount: await seats.mintedCount(),
    liveSeats: await seats.liveSeats(),
    seatOf,
    balances,
  };
}

export async function snapshotPolicy(policy: HedgePolicy): Promise<{ version: bigint; hash: string }> {
  return { version: await policy.version(), hash: await policy.policyHash() };
}

// A deep, plain snapshot of everything the Hedge Council system keeps: the policy, the seats, the council's
// settings and proposals, and the timelock's operations and roles. The attack suite captures it before and after
// every attack and compares the two with `deep.equal`; the fuzzer uses it to compare the chain with its model.
//
// Everything is read in one `eth_call` of the creation code of `contracts/mocks/AttackStateProbe.sol` (never
// deployed), which calls only the public views: the policy with its baseline, the seats and the council's own copy of
// them, each proposal with its raw approval and veto marks and its per-address revocations, the timelock, and the
// ether the contracts hold. Two reads complete it: the council's `holderOf` of every seat id ever minted, and each
// proposal's raw storage word (the only place that keeps a revocation made before the proposal existed, and the
// code-hash commitment), found through the compiler's storage layout. Values that change by the mere passing of time are left out (no
// `isOperationReady`), except the council's `state(id)`, which the attacks capture at times where it is stable.
import { artifacts, ethers } from "hardhat";
import { AbiCoder, id as keccakId, keccak256, toBeHex, ZeroAddress, ZeroHash } from "ethers";

import type { System } from "../../scripts/lib/deploy";
import type { AttackStateProbe, AttackStateProbe__factory } from "../../typechain-types";
import { toPolicyValues, type PolicyValues } from "../../scripts/lib/policy";

/** The four roles of OpenZeppelin's TimelockController. */
export const TIMELOCK_ROLES = {
  admin: ZeroHash,
  proposer: keccakId("PROPOSER_ROLE"),
  canceller: keccakId("CANCELLER_ROLE"),
  executor: keccakId("EXECUTOR_ROLE"),
} as const;

export type RoleName = keyof typeof TIMELOCK_ROLES;

/** What to capture besides the global state: proposals, timelock operations and accounts to look up. */
export interface CaptureScope {
  proposalIds?: string[];
  operationIds?: string[];
  /** Accounts whose seat, approvals and timelock roles are captured. */
  accounts?: (string | { address: string })[];
}

export interface ProposalCapture {
  state: bigint;
  tier: bigint;
  approvalCount: bigint;
  vetoCount: bigint;
  proposalEta: bigint;
  proposalDeadline: bigint;
  /** `hasApproved(id, account)` for every account of the scope, keyed by address. */
  approvedBy: Record<string, boolean>;
  /** `proposalMarks(id)`: the raw bit maps over seat ids, burned seats included. */
  marks: { approvals: bigint; vetoes: bigint };
  /** `hasRevoked(id, account)` for every account of the scope, keyed by address. */
  revokedBy: Record<string, boolean>;
  /**
   * The proposal's whole storage word (approvals, deadline, eta, status, tier, the "someone revoked it" flag, the
   * code-hash commitment), as hex; null when the compiler's storage layout is not at hand.
   */
  word: string | null;
}

export interface OperationCapture {
  isOperation: boolean;
  isOperationPending: boolean;
  isOperationDone: boolean;
  timestamp: bigint;
}

export interface SystemState {
  policy: {
    values: PolicyValues;
    version: bigint;
    policyHash: string;
    engagedLayers: bigint;
    nudgeLimits: { maxNudgeBps: bigint; nudgeCooldown: bigint };
    lastNudgeAt: bigint[];
    oracle: string;
    steward: string;
    governance: string;
    /** What nudges are bounded around: the coverage and each trigger as the last setPolicy set them. */
    baseline: { coverageBps: bigint; triggers: bigint[] };
  };
  /** The raw answers of the policy's current oracle (`decimals()`, `latestRoundData()`), or "reverted". */
  oracle: { address: string; decimals: string; latestRoundData: string };
  seats: {
    seatCount: bigint;
    liveSeats: bigint;
    mintedCount: bigint;
    /** seatOf / balanceOf of every account of the scope, keyed by address. */
    seatOf: Record<string, bigint>;
    balanceOf: Record<string, bigint>;
    /** The owner of every seat id ever minted, or null once burned. */
    owners: (string | null)[];
  };
  council: {
    tierRules: { threshold: bigint; delay: bigint }[];
    vetoThreshold: bigint;
    expiry: { proposalTtl: bigint; gracePeriod: bigint };
    proposals: Record<string, ProposalCapture>;
    /**
     * The council's own copy of the seats: its live-seat map, `seatOf` of every account of the scope, and `holderOf`
     * of every seat id ever minted (null: no live seat), by seat id from 1.
     */
    seatCopy: { liveSeats: bigint; seatOf: Record<string, bigint>; holderOf: (string | null)[] };
  };
  /**
   * The ether held by the policy, the seats, the timelock and the oracle. Not the council's: it can keep none (execute
   * forwards exactly what its calls send), and the attack suite impersonates it to play a leaked key, paying gas.
   */
  ether: { policy: bigint; seats: bigint; timelock: bigint; oracle: bigint };
  timelock: {
    minDelay: bigint;
    operations: Record<string, OperationCapture>;
    /** The roles every account of the scope holds, keyed by address. */
    roles: Record<string, Record<RoleName, boolean>>;
  };
}

function addressOf(account: string | { address: string }): string {
  return typeof account === "string" ? account : account.address;
}

let probeFactory: AttackStateProbe__factory | undefined;

/** The storage slot of the council's `_proposals` mapping, from the compiler's storage layout (null: no layout). */
let proposalsSlot: Promise<bigint | null> | undefined;

async function findProposalsSlot(): Promise<bigint | null> {
  const fqn = "contracts/HedgeCouncil.sol:HedgeCouncil";
  const info = await artifacts.getBuildInfo(fqn);
  const contract = info?.output.contracts["contracts/HedgeCouncil.sol"]?.HedgeCouncil as
    { storageLayout?: { storage: { label: string; slot: string }[] } } | undefined;
  const entry = contract?.storageLayout?.storage.find((e) => e.label === "_proposals");
  return entry ? BigInt(entry.slot) : null;
}

/** The raw storage word of proposal `id` in `council` (Solidity's mapping rule: keccak256(abi.encode(id, slot))). */
async function proposalWord(council: string, id: string): Promise<string | null> {
  proposalsSlot ??= findProposalsSlot();
  const slot = await proposalsSlot;
  if (slot === null) return null;
  const key = keccak256(AbiCoder.defaultAbiCoder().encode(["bytes32", "uint256"], [id, slot]));
  return ethers.provider.getStorage(council, toBeHex(BigInt(key), 32));
}

/** The decoded answer of {AttackStateProbe}: every view of the system in one `eth_call`. */
export type ProbeState = AttackStateProbe.StateStructOutput;

/**
 * Runs the creation code of `AttackStateProbe` with `eth_call` (nothing is deployed, nothing changes) and decodes what
 * its constructor returns: one round trip for the whole system, at the latest block.
 */
export async function probeState(
  council: string,
  proposalIds: string[],
  operationIds: string[],
  accounts: string[],
): Promise<ProbeState> {
  probeFactory ??= (await ethers.getContractFactory("AttackStateProbe")) as unknown as AttackStateProbe__factory;
  const tx = await probeFactory.getDeployTransaction(council, proposalIds, operationIds, accounts);
  const raw = await ethers.provider.call({ data: tx.data });
  return probeFactory.interface.decodeFunctionResult("shape", raw)[0] as ProbeState;
}

/**
 * Captures the whole state of `system`, plus the proposals, timelock operations and accounts of `scope`.
 * Everything is a plain object of bigints, strings and booleans, ready for `deep.equal`.
 */
export async function captureState(system: System, scope: CaptureScope = {}): Promise<SystemState> {
  const accounts = [...new Set((scope.accounts ?? []).map(addressOf))];
  const proposalIds = [...new Set(scope.proposalIds ?? [])];
  const operationIds = [...new Set(scope.operationIds ?? [])];
  const councilAddress = await system.council.getAddress();
  const s = await probeState(councilAddress, proposalIds, operationIds, accounts);
  const words = await Promise.all(proposalIds.map((id) => proposalWord(councilAddress, id)));
  const holderOf = await Promise.all(
    Array.from({ length: Number(s.seats.mintedCount) }, async (_, i) => {
      const holder = await system.council.holderOf(i + 1);
      return holder === ZeroAddress ? null : holder;
    }),
  );

  const byAccount = <T>(values: T[]): Record<string, T> => {
    const out: Record<string, T> = {};
    accounts.forEach((a, i) => (out[a] = values[i]));
    return out;
  };
  const proposals: Record<string, ProposalCapture> = {};
  proposalIds.forEach((id, i) => {
    const p = s.council.proposals[i];
    proposals[id] = {
      state: p.state,
      tier: p.tier,
      approvalCount: p.approvalCount,
      vetoCount: p.vetoCount,
      proposalEta: p.eta,
      proposalDeadline: p.deadline,
      approvedBy: byAccount([...p.approvedBy]),
      marks: { approvals: p.approvalMarks, vetoes: p.vetoMarks },
      revokedBy: byAccount([...p.revokedBy]),
      word: words[i],
    };
  });
  const operations: Record<string, OperationCapture> = {};
  operationIds.forEach((op, i) => {
    const o = s.operations[i];
    operations[op] = {
      isOperation: o.isOperation,
      isOperationPending: o.isOperationPending,
      isOperationDone: o.isOperationDone,
      timestamp: o.timestamp,
    };
  });
  const roleNames = Object.keys(TIMELOCK_ROLES) as RoleName[];

  return {
    policy: {
      values: toPolicyValues(s.policy.current),
      version: s.policy.version,
      policyHash: s.policy.policyHash,
      engagedLayers: s.policy.engagedLayers,
      nudgeLimits: { maxNudgeBps: s.policy.maxNudgeBps, nudgeCooldown: s.policy.nudgeCooldown },
      lastNudgeAt: [...s.policy.lastNudgeAt],
      oracle: s.policy.oracle,
      steward: s.policy.steward,
      governance: s.policy.governance,
      baseline: { coverageBps: s.policy.baselineCoverageBps, triggers: [...s.policy.baselineTriggers] },
    },
    oracle: {
      address: s.policy.oracle,
      decimals: s.policy.oracleDecimalsOk ? s.policy.oracleDecimals : "reverted",
      latestRoundData: s.policy.oracleRoundOk ? s.policy.oracleRound : "reverted",
    },
    seats: {
      seatCount: s.seats.seatCount,
      liveSeats: s.seats.liveSeats,
      mintedCount: s.seats.mintedCount,
      seatOf: byAccount(s.accounts.map((a) => a.seatOf)),
      balanceOf: byAccount(s.accounts.map((a) => a.balance)),
      owners: s.seats.owners.map((o) => (o === ZeroAddress ? null : o)),
    },
    council: {
      tierRules: [0, 1, 2].map((t) => ({ threshold: s.council.thresholds[t], delay: s.council.delays[t] })),
      vetoThreshold: s.council.vetoThreshold,
      expiry: { proposalTtl: s.council.proposalTtl, gracePeriod: s.council.gracePeriod },
      proposals,
      seatCopy: {
        liveSeats: s.council.liveSeats,
        seatOf: byAccount(s.accounts.map((a) => a.councilSeatOf)),
        holderOf,
      },
    },
    ether: {
      policy: s.etherBalances[0],
      seats: s.etherBalances[1],
      timelock: s.etherBalances[2],
      oracle: s.etherBalances[3],
    },
    timelock: {
      minDelay: s.minDelay,
      operations,
      roles: byAccount(
        s.accounts.map(
          (a) => Object.fromEntries(roleNames.map((r, i) => [r, a.roles[i]])) as Record<RoleName, boolean>,
        ),
      ),
    },
  };
}

// Model-based fuzzing of the whole system on the rules v3 (fast-check `asyncModelRun`): random sequences of proposals
// (policy changes valid and invalid, loosening and tightening by the protection curve, by structure or by the condor's
// own fields, written from the current policy (a lock-in of nudges) or from the baseline, stale versions, nudges
// anywhere, at the band's edges and back toward the baseline from either side, nudges carrying ether, seat mints,
// burns, rotations and re-seating of the same address under a new id, council settings, timelock delay, unknown
// targets with and without ether, mixed batches), each named by its calls and a description (the label, the empty
// text, a multi-line non-ASCII text), on-chain approvals, revocations (also of ids that do not exist yet, then
// submitted, proposed or relayed), EIP-712 seat signatures (genuine, forged, high-s, signed for another deadline or
// seat, by strangers, naming a wrong seat, a burned or never-minted seat, seat 0 or 65, the same seat twice, a seat
// already recorded (ignored), with deadlines in the past, at the presenting block's second, later, or the largest; or
// none at all), signatures kept and relayed later (after time passed, a re-seat or a revocation, at their deadline's
// edge), submits, queue / execute (with the exact ether, or one wei more or less) / veto (Critical only) / cancel, a
// majority enacting a proposal end to end, the Fast threshold alone nudging day after day, time jumps, oracle updates
// and layer syncs, and direct attacks on governed functions, by random actors, on a 3-, 4- or 5-seat council.
//
// Every step is predicted by the TypeScript model of the rules (council.model.ts, an independent copy of the rules):
// success, or the exact custom error with its arguments. After every step the chain is read in one `eth_call`
// (contracts/mocks/AttackFuzzProbe.sol) and compared with the model (policy version, hash and baseline, engaged layers,
// seats and the council's own copy of them, council settings, every proposal's state, tier, approval and veto counts
// and raw marks, the addresses that revoked it, also for ids revoked before they exist, eta and deadline, every
// timelock operation; after a policy change, every parameter's last nudge time), and these invariants are checked on
// the chain:
// - the policy reached by nudges is within one band of its baseline: every trigger and the coverage within
//   `maxNudgeBps` of the value the last setPolicy set, however many days the Fast threshold nudged;
// - after a Standard change, the protection curve is at least that of the baseline policy it replaced and of the
//   policy the proposal was judged against when it was made, at every VIX level (a nudge that tightened in between may
//   be undone by the majority's policy: by design, a nudge never voids a majority decision);
// - every policy change comes from a council execution of a proposal that had its tier's threshold (never below
//   min(2, seats)) of approvals from current seat holders and, unless Fast, waited its tier's delay (and the
//   timelock's minimum) in the timelock;
// - a setPolicy moves the version by exactly one, a nudge keeps it, and the hashes of PolicyUpdated chain up to the
//   policy's hash;
// - a signature counts only for the seat it names, only if its seat's holder made it (low s), only if presented at or
//   before its deadline, and never twice: every approval a submit or approveBySig records matches one signature of
//   the call that passes all of this, and the approval marks grow by exactly those seats;
// - a revoked address's signature never counts for that id: an approval of an address that revoked the id comes only
//   from its own on-chain approve or propose; a revocation clears the revoker's approval;
// - only Critical proposals carry vetoes, and only they are ever Vetoed;
// - a proposal's description is on chain: ProposalCreated carries the text sent, and its hash with the calls is the id;
// - thresholds are ordered (min(2, seats) ≤ Fast ≤ Standard ≤ Critical ≤ seats, 1 ≤ veto ≤ seats);
// - neither the council nor the timelock keeps any ether;
// - no externally owned account holds a timelock role (no RoleGranted to one; every role checked after each run).
//
// A second, targeted property plays a tug of war on a 5-seat council over many simulated days: two fixed seats act
// adversarially (loose nudges at random times or at the first second a cooldown ends, 1-unit re-arming nudges, batches,
// vetoes of everything open, their own setPolicy proposals) while the other three answer with the model's best
// response (an exempt return nudge by two of them as soon as a parameter is on the loose side of its baseline, and
// their own Standard changes); every step is predicted and verified as above, and no parameter may stay on the loose
// side for more than one cooldown after the majority reacts.
//
// Runs: FUZZ_RUNS (default 100; `npm run fuzz` uses 1,000; the tug of war plays one game of 30 days per hundred runs,
// at least one), FUZZ_MAX_COMMANDS (default 12), FUZZ_SEED to replay. Each run starts from an `evm_snapshot` of the
// deployed systems and ends with `evm_revert`.
import { expect } from "chai";
import fc from "fast-check";
import { ethers, network } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import {
  AbiCoder,
  HDNodeWallet,
  Mnemonic,
  Wallet,
  ZeroAddress,
  dataSlice,
  keccak256,
  recoverAddress,
  toUtf8Bytes,
  type ContractTransactionReceipt,
  type ContractTransactionResponse,
} from "ethers";

import { deploySystem } from "../../scripts/lib/deploy";
import { toPolicyValues, type PolicyValues } from "../../scripts/lib/policy";
import { approvalDigest, signApproval, type SeatSignature } from "../../scripts/lib/signing";
import type {
  AttackFuzzProbe__factory,
  CouncilSeats,
  HedgeCouncil,
  HedgePolicy,
  MockV3Aggregator,
  TestTarget,
  TimelockController,
} from "../../typechain-types";
import { TIMELOCK_ROLES } from "../helpers/stateSnapshot";
import { hashPolicy } from "../helpers/hedgePolicy";
import { highSTwin, SECP256K1_N } from "../helpers/system";
import {
  alreadyRecorded,
  baselinePolicy,
  COVERAGE,
  countLive,
  levels,
  protection,
  DAY,
  hashProposal,
  HOUR,
  initialModel,
  interfaces,
  liveMask,
  looseParameters,
  normalise,
  policyHashOf,
  predictApprove,
  predictApproveBySig,
  predictCancel,
  predictExecute,
  predictPropose,
  predictQueue,
  predictRevoke,
  predictSubmit,
  predictSync,
  predictVeto,
  resolve,
  revokedAhead,
  revokedBy,
  seatOf,
  State,
  stateAt,
  Tier,
  type Addresses,
  type Expected,
  type Model,
  type ModelProposal,
  type Mutation,
  type ProposalCalls,
  type Outcome,
  type Prediction,
  type SignedBy,
  type Spec,
} from "./council.model";

const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 100);
const MAX_COMMANDS = Number(process.env.FUZZ_MAX_COMMANDS ?? 12);
const FUZZ_SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
const GAS_LIMIT = 10_000_000;
const ACTORS = 10; // 0 deployer, 1..5 holders (1..n), 6..7 candidates, 8..9 strangers
/** The description hash of the unknown proposal that commands act on when there is no proposal yet. */
const UNKNOWN_DESCRIPTION_HASH = keccak256(toUtf8Bytes("no such proposal"));
const UNKNOWN_ID = keccak256(AbiCoder.defaultAbiCoder().encode(["string"], ["no such proposal"]));
const MAX_UINT64 = 2n ** 64n - 1n;
/** A signature's default validity: seven days from the block it is made for. */
const VALID_FOR = 7 * DAY;

// ---------------------------------------------------------------- the real world

interface Deployed {
  seats: CouncilSeats;
  council: HedgeCouncil;
  timelock: TimelockController;
  policy: HedgePolicy;
  oracle: MockV3Aggregator;
  addresses: Addresses;
  holders: string[];
  oracleState: { answer: bigint; updatedAt: number };
}

/** What one run sees of the chain, and what the chain-only invariants remember between steps. */
interface Real {
  sys: Deployed;
  actors: HardhatEthersSigner[];
  /** Each actor's key as an ethers Wallet: signApproval signs with it (locally, as a wallet would). */
  wallets: Wallet[];
  chainId: bigint;
  prev: Probe;
  /** The policy after the previous step. */
  prevPolicy: PolicyValues;
  /** Per proposal id: when it was queued, its eta and the delay it had to wait (chain settings at queue time). */
  queued: Map<string, { queuedAt: number; eta: number; delay: number }>;
  /** Signatures made earlier and kept: relayed later, after time passed, a seat changed or a revocation. */
  pool: Bundle[];
  /** What this step's transaction presents, for the invariants: its signatures, and the description it proposes. */
  presented: { id: string; sigs: SeatSignature[] } | null;
  described: string | null;
  /** The proposals settled (see `probedProposals`). */
  settled: Set<string>;
  /** Called after every verified step (the tug of war keeps its clock of loose parameters with it). */
  afterStep?: () => void;
  trace: string[];
}

/** The chain as AttackFuzzProbe reads it. */
interface Probe {
  timestamp: number;
  version: number;
  policyHash: string;
  engaged: number;
  seatCount: number;
  liveSeats: bigint;
  minted: number;
  thresholds: { fast: number; standard: number; critical: number; veto: number };
  delays: { standard: number; critical: number };
  ttl: number;
  grace: number;
  minDelay: number;
  baseline: { coverage: number; triggers: number[] };
  maxNudgeBps: number;
  ether: { timelock: bigint; council: bigint };
  /** The council's own copy of the live seats. */
  councilLiveSeats: bigint;
  seatOf: number[];
  /** The council's own copy of each actor's seat. */
  councilSeatOf: number[];
  proposals: Map<
    string,
    {
      state: number;
      tier: number;
      approvals: number;
      vetoes: number;
      eta: number;
      deadline: number;
      approvalMarks: bigint;
      vetoMarks: bigint;
      revokedBy: bigint;
    }
  >;
  operations: Map<string, bigint>;
}

let probeFactory: AttackFuzzProbe__factory;

/**
 * The proposals the probe reads: every one not settled before this step (all of them with `all`). A proposal with no
 * operation left in the timelock that is executed, vetoed for good, or expired with no veto (no veto can be cast on it
 * any more, and its deadline never moves) is settled: no call can change its marks or its state, so after one last
 * comparison it is compared again only at the end of the run.
 */
function probedProposals(m: Model, r: Real, all: boolean): ModelProposal[] {
  return all ? m.proposals : m.proposals.filter((p) => !r.settled.has(p.id));
}

/** Ids per probe call: the probe returns its words as a contract's code, which may not exceed 24,576 bytes. */
const PROBE_CHUNK = 50;

async function probe(r: Real, m: Model, all = false): Promise<Probe> {
  const proposals = probedProposals(m, r, all);
  // Also every id revoked before it exists (they have no operation: `ops` is aligned with the first ids).
  const ids = [...proposals.map((p) => p.id), ...revokedAhead(m)];
  const ops = proposals.map((p) => p.opId);
  const out = await probeOnce(r, ids.slice(0, PROBE_CHUNK), ops.slice(0, PROBE_CHUNK));
  for (let from = PROBE_CHUNK; from < ids.length; from += PROBE_CHUNK) {
    const part = await probeOnce(r, ids.slice(from, from + PROBE_CHUNK), ops.slice(from, from + PROBE_CHUNK));
    part.proposals.forEach((v, k) => out.proposals.set(k, v));
    part.operations.forEach((v, k) => out.operations.set(k, v));
  }
  return out;
}

async function probeOnce(r: Real, ids: string[], ops: string[]): Promise<Probe> {
  const accounts = r.actors.map((a) => a.address);
  const tx = await probeFactory.getDeployTransaction(r.sys.addresses.council, accounts, ids, ops);
  const raw = await ethers.provider.call({ data: tx.data });
  const [words] = AbiCoder.defaultAbiCoder().decode(["uint256[]"], raw) as unknown as [bigint[]];
  const n = (i: number) => Number(words[i]);
  const out: Probe = {
    timestamp: n(0),
    version: n(1),
    policyHash: ethers.toBeHex(words[2], 32),
    engaged: n(3),
    seatCount: n(4),
    liveSeats: words[5],
    minted: n(6),
    thresholds: { fast: n(7), standard: n(8), critical: n(9), veto: n(10) },
    delays: { standard: n(11), critical: n(12) },
    ttl: n(13),
    grace: n(14),
    minDelay: n(15),
    baseline: { coverage: n(16), triggers: [17, 18, 19, 20, 21].map(n).filter((t) => t !== 0) },
    maxNudgeBps: n(22),
    ether: { timelock: words[23], council: words[24] },
    councilLiveSeats: words[25],
    seatOf: [],
    councilSeatOf: [],
    proposals: new Map(),
    operations: new Map(),
  };
  let at = 26;
  for (let i = 0; i < accounts.length; i++) {
    out.seatOf.push(n(at++));
    out.councilSeatOf.push(n(at++));
  }
  for (const id of ids) {
    out.proposals.set(id, {
      state: n(at),
      tier: n(at + 1),
      approvals: n(at + 2),
      vetoes: n(at + 3),
      eta: n(at + 4),
      deadline: n(at + 5),
      approvalMarks: words[at + 6],
      vetoMarks: words[at + 7],
      revokedBy: words[at + 8],
    });
    at += 9;
  }
  for (const op of ops) out.operations.set(op, words[at++]);
  return out;
}

// ---------------------------------------------------------------- sending and checking

type TxResult = { ok: true; receipt: ContractTransactionReceipt } | { ok: false; data: string };

function revertData(e: unknown): string {
  const err = e as { data?: unknown; error?: { data?: unknown }; info?: { error?: { data?: unknown } } };
  for (const candidate of [err.data, err.error?.data, err.info?.error?.data]) {
    if (typeof candidate === "string" && candidate.startsWith("0x")) return candidate;
    if (candidate && typeof (candidate as { data?: unknown }).data === "string") {
      return (candidate as { data: string }).data;
    }
  }
  throw e;
}

function decodeError(data: string): Expected | null {
  for (const iface of Object.values(interfaces)) {
    try {
      const parsed = iface.parseError(data);
      if (parsed) return { name: parsed.name, args: [...parsed.args] };
    } catch {
      // not this contract's error
    }
  }
  return null;
}

const show = (e: Expected | null) => (e ? `${e.name}(${e.args.map(normalise).join(", ")})` : "an unknown error");

/** Sends `tx` in a block at `m.now + 1` (so that the model knows the block's timestamp) and moves the model's clock. */
async function send(
  m: Model,
  tx: (o: { gasLimit: number }) => Promise<ContractTransactionResponse>,
): Promise<TxResult> {
  await network.provider.send("evm_setNextBlockTimestamp", [m.now + 1]);
  m.now += 1;
  try {
    const response = await tx({ gasLimit: GAS_LIMIT });
    return { ok: true, receipt: (await response.wait())! };
  } catch (e) {
    return { ok: false, data: revertData(e) };
  }
}

/** The chain must have done what the model predicted; on success the model applies its effects. */
function agree(what: string, prediction: Prediction, result: TxResult) {
  const expected = prediction.outcome;
  if (expected.ok) {
    if (!result.ok)
      throw new Error(`${what}: the model expected success, the chain reverted with ${show(decodeError(result.data))}`);
    prediction.apply();
    return;
  }
  if (result.ok) throw new Error(`${what}: the model expected ${show(expected.error)}, the chain succeeded`);
  const actual = decodeError(result.data);
  const same =
    actual !== null &&
    actual.name === expected.error.name &&
    actual.args.length === expected.error.args.length &&
    actual.args.every((a, i) => normalise(a) === normalise(expected.error.args[i]));
  if (!same)
    throw new Error(`${what}: the model expected ${show(expected.error)}, the chain reverted with ${show(actual)}`);
}

// ---------------------------------------------------------------- comparing the chain with the model

/** A set of seat ids as the council's bit map (bit `seatId - 1`). */
function marks(seats: Set<number>): bigint {
  let bits = 0n;
  for (const seat of seats) bits |= 1n << BigInt(seat - 1);
  return bits;
}

function compare(m: Model, r: Real, s: Probe) {
  const c = m.core;
  const check = (what: string, actual: unknown, expected: unknown) => {
    if (normalise(actual) !== normalise(expected))
      throw new Error(
        `after [${r.trace.join(" → ")}]: ${what} is ${normalise(actual)} on chain, ${normalise(expected)} in the model`,
      );
  };
  check("the block timestamp", s.timestamp, m.now);
  check("the policy version", s.version, c.version);
  check("the policy hash", s.policyHash, policyHashOf(c));
  check("the engaged layers", s.engaged, c.engaged);
  check("the seat count", s.seatCount, c.ownerOf.size);
  check("the live seats", s.liveSeats, liveMask(c));
  check("the minted count", s.minted, c.minted);
  check("the council's copy of the live seats", s.councilLiveSeats, liveMask(c));
  r.actors.forEach((a, i) => {
    check(`seatOf(actor ${i})`, s.seatOf[i], seatOf(c, a.address));
    check(`the council's seatOf(actor ${i})`, s.councilSeatOf[i], seatOf(c, a.address));
  });
  check("the baseline coverage", s.baseline.coverage, c.baseline.coverage);
  check("the baseline triggers", s.baseline.triggers.join(","), c.baseline.triggers.join(","));
  check("maxNudgeBps", s.maxNudgeBps, c.maxNudgeBps);
  check("the Fast threshold", s.thresholds.fast, c.fast);
  check("the Standard threshold", s.thresholds.standard, c.standard);
  check("the Critical threshold", s.thresholds.critical, c.critical);
  check("the veto threshold", s.thresholds.veto, c.veto);
  check("the Standard delay", s.delays.standard, c.standardDelay);
  check("the Critical delay", s.delays.critical, c.criticalDelay);
  check("the proposal TTL", s.ttl, c.ttl);
  check("the grace period", s.grace, c.grace);
  check("the timelock's minimum delay", s.minDelay, c.minDelay);
  for (const p of m.proposals) {
    const on = s.proposals.get(p.id);
    if (on === undefined) continue; // settled, and not probed in this step
    const label = `proposal "${p.label}"`;
    check(`${label}: state`, on.state, stateAt(c, p, s.timestamp));
    check(`${label}: tier`, on.tier, p.tier);
    check(`${label}: approvalCount`, on.approvals, countLive(c, p.approvals));
    check(`${label}: vetoCount`, on.vetoes, countLive(c, p.vetoes));
    check(`${label}: eta`, on.eta, p.eta);
    check(`${label}: deadline`, on.deadline, p.deadline);
    check(`${label}: approval marks`, on.approvalMarks, marks(p.approvals));
    check(`${label}: veto marks`, on.vetoMarks, marks(p.vetoes));
    check(`${label}: the actors that revoked`, on.revokedBy, revokers(m, r, p.id));
    const op = p.op === "pending" ? p.eta : p.op === "done" ? 1 : 0;
    check(`${label}: timelock operation timestamp`, s.operations.get(p.opId), op);
  }
  // Ids revoked before anyone proposed them: nothing exists but the revocations.
  for (const id of revokedAhead(m)) {
    const on = s.proposals.get(id)!;
    const label = `id ${id.slice(0, 10)} revoked before it exists`;
    check(`${label}: state`, on.state, State.Unknown);
    check(`${label}: marks`, `${on.approvalMarks}/${on.vetoMarks}/${on.eta}/${on.deadline}`, "0/0/0/0");
    check(`${label}: the actors that revoked`, on.revokedBy, revokers(m, r, id));
  }
}

/** The actors that revoked `id` in the model, as the probe's bit map (bit i: actor i). */
function revokers(m: Model, r: Real, id: string): bigint {
  const revoked = revokedBy(m, id);
  return r.actors.reduce((bits, a, i) => (revoked.has(a.address.toLowerCase()) ? bits | (1n << BigInt(i)) : bits), 0n);
}

/**
 * The invariants, from the chain: this step's receipt, the probe before it and the probe after it. The policy's values
 * are taken from the model, which `compare` just found equal to the chain's by `policyHash()`; `policyBefore` is the
 * policy before this step.
 */
function invariants(
  m: Model,
  r: Real,
  before: Probe,
  after: Probe,
  receipt: ContractTransactionReceipt | null,
  policyBefore: PolicyValues,
) {
  const fail = (why: string) => {
    throw new Error(`invariant broken after [${r.trace.join(" → ")}]: ${why}`);
  };
  const t = after.thresholds;
  const floor = Math.min(2, after.seatCount);
  if (!(t.fast >= floor && t.fast <= t.standard && t.standard <= t.critical && t.critical <= after.seatCount))
    fail(`thresholds ${t.fast}/${t.standard}/${t.critical} out of order for ${after.seatCount} seats`);
  if (!(t.veto >= 1 && t.veto <= after.seatCount)) fail(`veto threshold ${t.veto} for ${after.seatCount} seats`);

  // Ether: execute forwards exactly what the calls send, so neither the council nor the timelock ever keeps any.
  if (after.ether.timelock !== 0n || after.ether.council !== 0n)
    fail(`ether left behind: timelock ${after.ether.timelock}, council ${after.ether.council}`);

  // The band: whatever nudges ran, every trigger and the coverage are within one band of the baseline.
  const policy = m.core.policy;
  const band = (base: number) => Math.floor((base * after.maxNudgeBps) / 10_000);
  if (Math.abs(policy.coverageBps - after.baseline.coverage) > band(after.baseline.coverage))
    fail(`coverage ${policy.coverageBps} is more than one band from its baseline ${after.baseline.coverage}`);
  policy.layers.forEach((l, i) => {
    const base = after.baseline.triggers[i];
    if (Math.abs(l.triggerVix - base) > band(base))
      fail(`trigger ${i} at ${l.triggerVix} is more than one band from its baseline ${base}`);
  });

  const logs = receipt?.logs ?? [];
  const parsed = (iface: (typeof interfaces)[keyof typeof interfaces], address: string) =>
    logs
      .filter((l) => l.address.toLowerCase() === address.toLowerCase())
      .map((l) => iface.parseLog(l))
      .filter((l) => l !== null);
  const policyLogs = parsed(interfaces.policy, r.sys.addresses.policy);
  const councilLogs = parsed(interfaces.council, r.sys.addresses.council);
  const timelockLogs = parsed(interfaces.timelock, r.sys.addresses.timelock);

  // Timelock roles: nothing may be granted to an account without code (the run ends with a full role check).
  for (const log of timelockLogs.filter((l) => l.name === "RoleGranted")) fail(`RoleGranted ${log.args.account}`);

  // Vetoes: only a Critical proposal carries any, and only a Critical proposal is ever Vetoed.
  for (const [id, on] of after.proposals) {
    if ((on.vetoMarks !== 0n || on.state === State.Vetoed) && on.tier !== Tier.Critical)
      fail(`the ${Tier[on.tier]} proposal ${id} ${on.state === State.Vetoed ? "is Vetoed" : "carries vetoes"}`);
  }
  for (const log of councilLogs.filter((l) => l.name === "VetoCast")) {
    if (after.proposals.get(log.args.id)?.tier !== Tier.Critical)
      fail(`a veto cast on the non-Critical ${log.args.id}`);
  }

  const actorIndex = (account: string) => r.actors.findIndex((a) => a.address.toLowerCase() === account.toLowerCase());
  const holderOf = (seatId: number) => r.actors.find((_, i) => before.councilSeatOf[i] === seatId)?.address;
  const bit = (bits: bigint, i: number) => ((bits >> BigInt(i)) & 1n) === 1n;

  // Descriptions: the text sent is on chain, its hash with the calls is the id, and the proposer is the sender (propose)
  // or the holder of the first signature's seat (submit).
  for (const log of councilLogs.filter((l) => l.name === "ProposalCreated")) {
    // By position: `values` is also the name of an Array method, which a Result is.
    const [id, proposer, , targets, values, calldatas, description] = log.args;
    if (description !== r.described)
      fail(`ProposalCreated carries ${JSON.stringify(description)}, the call sent ${JSON.stringify(r.described)}`);
    const hashed = hashProposal([...targets], [...values], [...calldatas], keccak256(toUtf8Bytes(description)));
    if (hashed !== id) fail(`proposal ${id}: its calls and description hash to ${hashed}`);
    const expected = r.presented ? holderOf(Number(r.presented.sigs[0].seatId)) : receipt!.from;
    if (proposer.toLowerCase() !== expected?.toLowerCase()) fail(`proposal ${id} names ${proposer} as its proposer`);
  }

  // Signatures: an approval recorded by submit or approveBySig matches a signature of the call that names the
  // approver's seat, is presented at or before its deadline, was made by the seat's holder (low s) for exactly this
  // proposal, seat and deadline, and whose holder did not revoke the id; the marks grow by exactly those seats. Any
  // other approval is the sender's own (approve, propose): the only way an address that revoked approves again.
  const presented = r.presented;
  const approvedLogs = councilLogs.filter((l) => l.name === "Approved");
  for (const log of approvedLogs) {
    const id: string = log.args.id;
    const signer: string = log.args.signer;
    const i = actorIndex(signer);
    const seat = i >= 0 ? before.councilSeatOf[i] : 0;
    if (seat === 0) fail(`an approval of ${id} by ${signer}, who held no seat`);
    if (presented === null) {
      if (receipt!.from.toLowerCase() !== signer.toLowerCase())
        fail(`an approval by ${signer} in a transaction sent by ${receipt!.from} with no signature`);
      continue;
    }
    if (id !== presented.id) fail(`a relay for ${presented.id} recorded an approval of ${id}`);
    if (bit(before.proposals.get(id)?.revokedBy ?? 0n, i))
      fail(`the signature of ${signer}, who revoked ${id}, counted`);
    const sig = presented.sigs.find((x) => Number(x.seatId) === seat);
    if (!sig) fail(`an approval by seat ${seat} counted, but no signature named it`);
    if (BigInt(after.timestamp) > sig!.validUntil)
      fail(`a signature of seat ${seat} counted at ${after.timestamp}, after its deadline ${sig!.validUntil}`);
    const made = signerOf(r, id, sig!);
    if (made !== signer.toLowerCase())
      fail(`a signature naming seat ${seat} counted for ${signer}, but ${made} made it`);
    if (bit(before.proposals.get(id)?.approvalMarks ?? 0n, seat - 1)) fail(`seat ${seat} approved ${id} twice`);
  }
  if (presented !== null && receipt !== null) {
    const was = before.proposals.get(presented.id)?.approvalMarks ?? 0n;
    const now = after.proposals.get(presented.id)!.approvalMarks;
    const added = approvedLogs.reduce(
      (bits, l) => bits | (1n << BigInt(before.councilSeatOf[actorIndex(l.args.signer)] - 1)),
      0n,
    );
    if (now !== (was | added)) fail(`approval marks ${now} after a relay that recorded ${added} over ${was}`);
  }

  // Revocations: the mark is on the address, and the revoker's approval (if any) is gone.
  for (const log of councilLogs.filter((l) => l.name === "Revoked")) {
    const i = actorIndex(log.args.signer);
    const on = after.proposals.get(log.args.id)!;
    if (!bit(on.revokedBy, i)) fail(`${log.args.signer} revoked ${log.args.id} but hasRevoked is false`);
    if (bit(on.approvalMarks, before.councilSeatOf[i] - 1))
      fail(`seat ${before.councilSeatOf[i]} still approves ${log.args.id} after its holder revoked`);
  }

  // Queued proposals: the delay they wait is at least their tier's delay and the timelock's minimum.
  for (const log of councilLogs.filter((l) => l.name === "Queued")) {
    const id: string = log.args.id;
    const tier = after.proposals.get(id)!.tier;
    const delay = Math.max(tier === Tier.Standard ? before.delays.standard : before.delays.critical, before.minDelay);
    const eta = Number(log.args.eta);
    if (tier === Tier.Fast) fail(`a Fast proposal was queued`);
    if (eta - after.timestamp < delay)
      fail(`proposal queued with ${eta - after.timestamp} s, its tier needs ${delay} s`);
    r.queued.set(id, { queuedAt: after.timestamp, eta, delay });
  }

  // Policy changes: a setPolicy moves the version by one, a nudge keeps it; the hashes chain up to policyHash().
  const updates = policyLogs.filter((l) => l.name === "PolicyUpdated");
  let version = before.version;
  let setPolicies = 0;
  let previousHash = before.policyHash;
  for (const log of updates) {
    const v = Number(log.args.version);
    if (v === version + 1) setPolicies++;
    else if (v !== version) fail(`PolicyUpdated version ${v} after version ${version}`);
    version = v;
    if (log.args.previousHash !== previousHash) fail(`PolicyUpdated previousHash ${log.args.previousHash}`);
    previousHash = log.args.newHash;
  }
  if (after.version !== version) fail(`version ${after.version} after PolicyUpdated version ${version}`);
  if (previousHash !== after.policyHash) fail(`the last PolicyUpdated hash ${previousHash} is not policyHash()`);
  if (updates.length === 0) return;

  const executed = councilLogs.filter((l) => l.name === "Executed");
  if (executed.length !== 1) fail(`a policy change in a transaction with ${executed.length} council executions`);
  const id: string = executed[0]!.args.id;
  const tier = after.proposals.get(id)!.tier;
  if ((tier === Tier.Fast) !== (setPolicies === 0))
    fail(`a ${Tier[tier]} proposal made ${setPolicies} setPolicy and ${updates.length - setPolicies} nudges`);
  const stored =
    tier === Tier.Fast
      ? before.thresholds.fast
      : tier === Tier.Standard
        ? before.thresholds.standard
        : before.thresholds.critical;
  const needed = Math.max(stored, Math.min(2, before.seatCount));
  // An existing proposal: its approvals from current seat holders before this transaction. A proposal submitted in
  // this transaction: the Approved events of signers who held a seat before it.
  const heldSeat = (account: string) => {
    const i = r.actors.findIndex((a) => a.address.toLowerCase() === account.toLowerCase());
    return i >= 0 && before.seatOf[i] !== 0;
  };
  // (An id revoked before it existed is probed too, as Unknown.)
  const existed = (before.proposals.get(id)?.state ?? State.Unknown) !== State.Unknown;
  const had = existed
    ? before.proposals.get(id)!.approvals
    : councilLogs.filter((l) => l.name === "Approved" && l.args.id === id && heldSeat(l.args.signer)).length;
  if (had < needed) fail(`proposal ${id} changed the policy with ${had} approvals, its tier needs ${needed}`);
  if (tier !== Tier.Fast) {
    const q = r.queued.get(id);
    if (!q) fail(`proposal ${id} changed the policy without being queued`);
    if (after.timestamp < q!.eta || q!.eta - q!.queuedAt < q!.delay) fail(`proposal ${id} ran before its delay`);
  }

  // A Standard change protects at least as much as the baseline policy it replaced and as the policy it was judged
  // against when proposed, at every VIX level. (A nudge that tightened in between may be undone: by design.)
  if (tier === Tier.Standard) {
    const replaced = baselinePolicy(policyBefore, before.baseline);
    const judged = m.byId.get(id)!.judgedAgainst;
    for (const [name, ref] of [
      ["the baseline policy it replaced", replaced],
      ["the policy it was judged against", judged],
    ] as const) {
      const v = levels(policy, ref).find((x) => protection(policy, x) < protection(ref, x));
      if (v !== undefined)
        fail(
          `a Standard change protects less than ${name} at VIX ${v / 100}: ${protection(policy, v)} < ${protection(ref, v)}`,
        );
    }
  }
}

/** Who made `sig` for proposal `id`, as the council checks an EOA's signature (low s), or null. */
function signerOf(r: Real, id: string, sig: SeatSignature): string | null {
  try {
    if (BigInt(dataSlice(sig.signature, 32, 64)) > SECP256K1_N / 2n) return null;
    const approval = { proposalId: id, seatId: sig.seatId, validUntil: sig.validUntil };
    return recoverAddress(approvalDigest(r.chainId, r.sys.addresses.council, approval), sig.signature).toLowerCase();
  } catch {
    return null;
  }
}

/**
 * Probes the chain, compares it with the model and checks the invariants against the previous step. After a
 * transaction that touched the policy, every parameter's last nudge time is compared too: a return from the loose side
 * must leave it alone.
 */
async function verify(m: Model, r: Real, result: TxResult | null) {
  const after = await probe(r, m);
  compare(m, r, after);
  const receipt = result?.ok ? result.receipt : null;
  invariants(m, r, r.prev, after, receipt, r.prevPolicy);
  const policy = r.sys.addresses.policy.toLowerCase();
  if (receipt?.logs.some((l) => l.address.toLowerCase() === policy)) {
    const times = await Promise.all(m.core.lastNudgeAt.map((_, i) => r.sys.policy.lastNudgeAt(i)));
    times.forEach((t, i) => {
      if (Number(t) !== m.core.lastNudgeAt[i])
        throw new Error(
          `after [${r.trace.join(" → ")}]: lastNudgeAt(${i}) is ${t} on chain, ${m.core.lastNudgeAt[i]} in the model`,
        );
    });
  }
  r.prev = after;
  r.prevPolicy = structuredClone(m.core.policy);
  r.presented = null;
  r.described = null;
  for (const p of m.proposals) {
    const state = stateAt(m.core, p, m.now);
    const final = state === State.Executed || p.status === "Vetoed" || (state === State.Expired && p.vetoes.size === 0);
    if (final && p.op !== "pending") r.settled.add(p.id);
  }
  r.afterStep?.();
}

// ---------------------------------------------------------------- statistics (the fuzzer must exercise the system)

const stats = new Map<string, number>();
const count = (key: string) => stats.set(key, (stats.get(key) ?? 0) + 1);

function record(command: string, prediction: Prediction) {
  const o = prediction.outcome;
  if (o.ok) return count(`${command}: ok`);
  const detail = o.error.name === "HedgeCouncilUnexpectedProposalState" ? ` (${State[Number(o.error.args[1])]})` : "";
  count(`${command}: ${o.error.name}${detail}`);
}

// ---------------------------------------------------------------- commands

type Cmd = fc.AsyncCommand<Model, Real>;

/**
 * A proposal for a command: three times in four one in a `preferred` state at the next block (when there is one), the
 * most recent first; otherwise any, recent first; with no proposal at all, an unknown id.
 */
function pick(m: Model, index: number, preferred: State[] = []): { id: string; p?: ModelProposal } {
  if (m.proposals.length === 0) return { id: UNKNOWN_ID };
  const fitting = m.proposals.filter((p) => preferred.includes(stateAt(m.core, p, m.now + 1)));
  const pool = fitting.length > 0 && index % 4 !== 3 ? fitting : m.proposals;
  const p = pool[pool.length - 1 - (Math.floor(index / 4) % pool.length)];
  return { id: p.id, p };
}

/** The `pick` index that picks `p` among all proposals (with no preferred state). */
function indexOf(m: Model, p: ModelProposal): number {
  return (m.proposals.length - 1 - m.proposals.indexOf(p)) * 4;
}

const PREFERRED: Record<string, State[]> = {
  approve: [State.Pending],
  revoke: [State.Pending],
  approveBySig: [State.Pending],
  queue: [State.Pending],
  execute: [State.Queued, State.Pending],
  veto: [State.Pending, State.Queued],
  cancel: [State.Vetoed, State.Expired],
};

function actorAddresses(r: Real) {
  return r.actors.map((a) => a.address);
}

/** A signature's deadline: seconds after the block it is made for (negative: already past), or 0, or 2^64 − 1. */
type Deadline = number | "zero" | "max";

/**
 * Who signs and how: some of the current seat holders (by rank), maybe an outsider or a chosen actor slipped in (it
 * names a live seat it does not hold); each signature's deadline (signature i takes `deadlines[i % length]`); and
 * maybe one signature naming a seat other than its signer's (see `makeSignatures`).
 */
interface SignerChoice {
  holders: number[];
  extra: number | null;
  at: number;
  deadlines: Deadline[];
  twist: { at: number; how: number } | null;
}

/** Every current seat holder, each naming its own seat, valid seven days. */
const EVERYONE: SignerChoice = { holders: [0, 1, 2, 3, 4, 5], extra: null, at: 0, deadlines: [VALID_FOR], twist: null };

/** The first `n` current seat holders (by rank), each naming its own seat, valid seven days. */
const first = (n: number): SignerChoice => ({ ...EVERYONE, holders: EVERYONE.holders.slice(0, n) });

/** The actor index of every current seat holder, by seat id. */
function liveHolders(m: Model, r: Real): number[] {
  return [...m.core.ownerOf.entries()]
    .sort(([a], [b]) => a - b)
    .map(([, holder]) => r.actors.findIndex((a) => a.address.toLowerCase() === holder))
    .filter((i) => i >= 0);
}

function resolveSigners(m: Model, r: Real, choice: SignerChoice): number[] {
  const live = liveHolders(m, r);
  const chosen = choice.holders.filter((k) => k < live.length).map((k) => live[k]);
  // No holder chosen: the first one, unless an outsider (or a chosen actor) signs alone.
  if (chosen.length === 0 && choice.extra === null) chosen.push(live[0]);
  if (choice.extra !== null) chosen.splice(choice.at % (chosen.length + 1), 0, choice.extra);
  return chosen;
}

/** Resolves `who` (a holder by rank, or any actor) to an actor index. */
function resolveActor(m: Model, r: Real, who: { holder: number } | { actor: number }): number {
  if ("actor" in who) return who.actor;
  const live = liveHolders(m, r);
  return live[who.holder % live.length];
}

/** Signatures as the chain takes them and as the model sees them, with what was done to them. */
interface Signed {
  sigs: SeatSignature[];
  model: SignedBy[];
  notes: string[];
}

function deadlineOf(d: Deadline, at: number): bigint {
  if (d === "zero") return 0n;
  if (d === "max") return MAX_UINT64;
  return BigInt(Math.max(0, at + d));
}

/**
 * Signatures by `signerIdx` of proposal `id`, made for a block at `at`: each names its signer's seat (an outsider names
 * a live seat) and its deadline from `choice.deadlines`. `choice.twist` makes one name another live seat, a burned seat
 * (or, with none, a never-minted one), seat 0 or 65, the seat of its neighbour (the same seat twice; alone, the very
 * same signature twice), or a never-minted seat. `corrupt` forges one: signed for another deadline, its high-s twin,
 * signed by someone else's key, or signed for another seat.
 */
async function makeSignatures(
  m: Model,
  r: Real,
  id: string,
  signerIdx: number[],
  choice: SignerChoice,
  corrupt: { at: number; how: number } | null,
  at = m.now + 1,
): Promise<Signed> {
  const live = [...m.core.ownerOf.keys()].sort((a, b) => a - b);
  const seats = signerIdx.map((a) => seatOf(m.core, r.actors[a].address) || live[choice.at % live.length]);
  const notes: string[] = [];
  let twice = false;
  if (choice.twist !== null && seats.length > 0) {
    const i = choice.twist.at % seats.length;
    const how = choice.twist.how % 5;
    const burned = Array.from({ length: m.core.minted }, (_, k) => k + 1).filter((k) => !m.core.ownerOf.has(k));
    if (how === 0) seats[i] = live[(live.indexOf(seats[i]) + 1) % live.length];
    else if (how === 1) seats[i] = burned[choice.twist.at % Math.max(1, burned.length)] ?? m.core.minted + 1;
    else if (how === 2) seats[i] = Math.floor(choice.twist.how / 5) % 2 === 0 ? 0 : 65;
    else if (how === 3 && seats.length > 1) seats[i] = seats[(i + 1) % seats.length];
    else if (how === 3) twice = true;
    else seats[i] = Math.min(64, m.core.minted + 1);
    notes.push(twice ? "the same signature twice" : `signature ${i} names seat ${seats[i]}`);
  }
  const council = r.sys.addresses.council;
  const sigs: SeatSignature[] = [];
  const model: SignedBy[] = [];
  for (const [i, a] of signerIdx.entries()) {
    const seatId = seats[i];
    const validUntil = deadlineOf(choice.deadlines[i % choice.deadlines.length], at);
    const approval = { proposalId: id, seatId, validUntil };
    let signature: string;
    let signer: string | null = r.actors[a].address;
    const forged = corrupt !== null && corrupt.at % signerIdx.length === i;
    const how = forged ? corrupt.how % 4 : -1;
    if (how === 0) {
      signature = await signApproval(r.wallets[a], r.chainId, council, { ...approval, validUntil: validUntil ^ 1n });
      signer = null;
    } else if (how === 1) {
      signature = highSTwin(await signApproval(r.wallets[a], r.chainId, council, approval));
      signer = null;
    } else if (how === 2) {
      const other = (a + 1) % ACTORS;
      signature = await signApproval(r.wallets[other], r.chainId, council, approval);
      signer = r.actors[other].address;
    } else if (how === 3) {
      signature = await signApproval(r.wallets[a], r.chainId, council, { ...approval, seatId: seatId + 1 });
      signer = null;
    } else {
      signature = await signApproval(r.wallets[a], r.chainId, council, approval);
    }
    if (forged)
      notes.push(`signature ${i} ${["for another deadline", "high-s", "by another key", "for another seat"][how]}`);
    sigs.push({ seatId: BigInt(seatId), validUntil, signature });
    model.push({ seatId, validUntil, signer });
  }
  if (twice) {
    sigs.push(sigs[sigs.length - 1]);
    model.push(model[model.length - 1]);
  }
  return { sigs, model, notes };
}

/** What a batch of signatures says in the trace: its seats, deadlines relative to the next block, and forgeries. */
function describeSigned(m: Model, signed: Signed): string {
  const deadline = (validUntil: bigint) => {
    if (validUntil === MAX_UINT64) return "@∞";
    const left = validUntil - BigInt(m.now + 1);
    // Seven days or more (the default) is not shown.
    return left >= BigInt(VALID_FOR) ? "" : `@${left >= 0n ? "+" : ""}${left}s`;
  };
  const seats = signed.model.map((s) => `${s.seatId}${deadline(s.validUntil)}`);
  return `seats ${seats.join(",")}${signed.notes.length ? ` (${signed.notes.join("; ")})` : ""}`;
}

/** `submit` of `calls` with `signed`, relayed by a stranger: predicted, sent, compared and checked. */
async function presentSubmit(m: Model, r: Real, calls: ProposalCalls, signed: Signed, what: string) {
  const prediction = predictSubmit(m, calls, signed.model, m.now + 1);
  r.trace.push(`submit ${calls.label} signed by ${describeSigned(m, signed)}`);
  r.presented = { id: calls.id, sigs: signed.sigs };
  r.described = calls.description;
  const result = await send(m, (o) =>
    r.sys.council
      .connect(r.actors[8])
      .submit(calls.targets, calls.values, calls.calldatas, calls.description, signed.sigs, o),
  );
  agree(what, prediction, result);
  record("submit", prediction);
  if (prediction.outcome.ok) count(`submit: ok, ${Tier[m.byId.get(calls.id)!.tier]}`);
  await verify(m, r, result);
}

/** `approveBySig` of `id` with `signed`, relayed by a stranger: predicted, sent, compared and checked. */
async function presentApproveBySig(m: Model, r: Real, id: string, signed: Signed, what: string) {
  const ignored = alreadyRecorded(m, id, signed.model);
  const prediction = predictApproveBySig(m, id, signed.model, m.now + 1);
  r.trace.push(`approveBySig ${m.byId.get(id)?.label ?? "of an unknown id"} by ${describeSigned(m, signed)}`);
  r.presented = { id, sigs: signed.sigs };
  const result = await send(m, (o) => r.sys.council.connect(r.actors[9]).approveBySig(id, signed.sigs, o));
  agree(what, prediction, result);
  record("approveBySig", prediction);
  if (prediction.outcome.ok && ignored > 0) count("approveBySig: ok, signatures of recorded seats ignored");
  await verify(m, r, result);
}

/** `revoke(id)` by `actor`, whether or not the id exists: predicted, sent, compared and checked. */
async function revokeId(m: Model, r: Real, actor: number, id: string, label: string, what: string) {
  const who = r.actors[actor];
  const prediction = predictRevoke(m, who.address, id, m.now + 1);
  r.trace.push(`actor ${actor} revokes ${label}`);
  const result = await send(m, (o) => r.sys.council.connect(who).revoke(id, o));
  agree(what, prediction, result);
  record(m.byId.has(id) ? "revoke" : "revoke ahead", prediction);
  await verify(m, r, result);
}

type Who = { holder: number } | { actor: number };

class Propose implements Cmd {
  constructor(
    readonly who: Who,
    readonly spec: Spec,
    readonly description: number,
  ) {}
  check = () => true;
  async run(m: Model, r: Real) {
    const calls = resolve(m, this.spec, this.description, actorAddresses(r));
    const actor = resolveActor(m, r, this.who);
    const proposer = r.actors[actor];
    const prediction = predictPropose(m, proposer.address, calls, m.now + 1);
    r.trace.push(`actor ${actor} proposes ${calls.label} (description ${this.description})`);
    r.described = calls.description;
    const result = await send(m, (o) =>
      r.sys.council.connect(proposer).propose(calls.targets, calls.values, calls.calldatas, calls.description, o),
    );
    agree(this.toString(), prediction, result);
    record("propose", prediction);
    if (prediction.outcome.ok && revokedBy(m, calls.id).size > 0) count("propose: ok, of an id revoked before");
    await verify(m, r, result);
  }
  toString = () =>
    `Propose(${JSON.stringify(this.who)}, ${JSON.stringify(this.spec)}, description ${this.description})`;
}

class Submit implements Cmd {
  constructor(
    readonly spec: Spec,
    readonly description: number,
    readonly choice: SignerChoice,
    readonly corrupt: { at: number; how: number } | null,
  ) {}
  check = () => true;
  async run(m: Model, r: Real) {
    const calls = resolve(m, this.spec, this.description, actorAddresses(r));
    const signerIdx = resolveSigners(m, r, this.choice);
    const signed = await makeSignatures(m, r, calls.id, signerIdx, this.choice, this.corrupt);
    await presentSubmit(m, r, calls, signed, this.toString());
  }
  toString = () =>
    `Submit(${JSON.stringify(this.spec)}, description ${this.description}, ${JSON.stringify(this.choice)}, corrupt ${JSON.stringify(this.corrupt)})`;
}

type SimpleAction = "approve" | "revoke" | "veto";

class ActOnProposal implements Cmd {
  constructor(
    readonly action: SimpleAction,
    readonly who: Who,
    readonly proposal: number,
    /** The states to prefer when picking the proposal; [] picks by index among all proposals. */
    readonly preferred?: State[],
  ) {}
  check = (m: Readonly<Model>) => m.proposals.length > 0 || this.proposal % 8 === 0;
  async run(m: Model, r: Real) {
    const { id, p } = pick(m, this.proposal, this.preferred ?? PREFERRED[this.action]);
    const actor = resolveActor(m, r, this.who);
    const who = r.actors[actor];
    const at = m.now + 1;
    const predict = { approve: predictApprove, revoke: predictRevoke, veto: predictVeto }[this.action];
    const prediction = predict(m, who.address, id, at);
    const verb = { approve: "approves", revoke: "revokes", veto: "vetoes" }[this.action];
    r.trace.push(`actor ${actor} ${verb} ${p?.label ?? "an unknown proposal"}`);
    const council = r.sys.council.connect(who);
    const result = await send(m, (o) => council[this.action](id, o));
    agree(this.toString(), prediction, result);
    record(this.action, prediction);
    if (prediction.outcome.ok && p) count(`${this.action}: ok, ${Tier[p.tier]}`);
    await verify(m, r, result);
  }
  toString = () => `${this.action}(${JSON.stringify(this.who)}, proposal #${this.proposal})`;
}

class ApproveBySig implements Cmd {
  constructor(
    readonly proposal: number,
    readonly choice: SignerChoice,
    readonly corrupt: { at: number; how: number } | null,
    /** Leave out the signers who already approved (a relayer collecting only missing approvals). */
    readonly onlyMissing = false,
    /** The states to prefer when picking the proposal; [] picks by index among all proposals. */
    readonly preferred: State[] = PREFERRED.approveBySig,
  ) {}
  check = (m: Readonly<Model>) => m.proposals.length > 0 || this.proposal % 8 === 0;
  async run(m: Model, r: Real) {
    const { id, p } = pick(m, this.proposal, this.preferred);
    let signerIdx = resolveSigners(m, r, this.choice);
    if (this.onlyMissing && p) {
      signerIdx = signerIdx.filter((a) => !p.approvals.has(seatOf(m.core, r.actors[a].address)));
      if (signerIdx.length === 0) return;
    }
    const signed = await makeSignatures(m, r, id, signerIdx, this.choice, this.corrupt);
    await presentApproveBySig(m, r, id, signed, this.toString());
  }
  toString = () =>
    `ApproveBySig(proposal #${this.proposal}, ${JSON.stringify(this.choice)}, corrupt ${JSON.stringify(this.corrupt)})`;
}

type CallsAction = "queue" | "execute" | "cancel";

class ActOnCalls implements Cmd {
  constructor(
    readonly action: CallsAction,
    readonly actor: number,
    readonly proposal: number,
    readonly preferred: State[] = PREFERRED[action],
    /** execute only: wei attached beyond (or, when negative, short of) what the calls send. */
    readonly extraWei = 0,
  ) {}
  check = (m: Readonly<Model>) => m.proposals.length > 0 || this.proposal % 8 === 0;
  async run(m: Model, r: Real) {
    const { p } = pick(m, this.proposal, this.preferred);
    // With no proposal yet, the calls of an unknown one (a ping of the test target).
    const targets = p?.targets ?? [r.sys.addresses.target];
    const values = p?.values ?? [0n];
    const calldatas = p?.calldatas ?? ["0x"];
    const descriptionHash = p?.descriptionHash ?? UNKNOWN_DESCRIPTION_HASH;
    const id = p?.id ?? hashProposal(targets, values, calldatas, descriptionHash);
    const required = values.reduce((a, b) => a + b, 0n);
    const sent = this.action === "execute" ? required + BigInt(Math.max(-Number(required), this.extraWei)) : 0n;
    const prediction =
      this.action === "execute"
        ? predictExecute(m, id, m.now + 1, sent)
        : { queue: predictQueue, cancel: predictCancel }[this.action](m, id, m.now + 1);
    const attached = sent === required ? "" : ` with ${sent} wei for ${required}`;
    r.trace.push(`actor ${this.actor} ${this.action}s ${p?.label ?? "an unknown proposal"}${attached}`);
    const council = r.sys.council.connect(r.actors[this.actor]);
    const result = await send(m, (o) =>
      this.action === "execute"
        ? council.execute(targets, values, calldatas, descriptionHash, { ...o, value: sent })
        : council[this.action](targets, values, calldatas, descriptionHash, o),
    );
    agree(this.toString(), prediction, result);
    record(this.action, prediction);
    if (prediction.outcome.ok && p)
      count(`${this.action}: ok, ${Tier[p.tier]} ${p.calls.map((c) => c.kind).join("+")}`);
    await verify(m, r, result);
  }
  toString = () => `${this.action}(actor ${this.actor}, proposal #${this.proposal}, extra wei ${this.extraWei})`;
}

/** Moves the clock so that the next transaction lands at `timestamp` (a verified step that mines an empty block). */
async function jumpTo(m: Model, r: Real, timestamp: number, why: string) {
  if (timestamp - 1 <= m.now) return;
  r.trace.push(why);
  m.now = timestamp - 1;
  await network.provider.send("evm_setNextBlockTimestamp", [m.now]);
  await network.provider.send("evm_mine", []);
  await verify(m, r, null);
}

class TimeJump implements Cmd {
  constructor(readonly seconds: number) {}
  check = () => true;
  async run(m: Model, r: Real) {
    await jumpTo(m, r, m.now + this.seconds + 1, `+${this.seconds}s`);
  }
  toString = () => `TimeJump(${this.seconds} s)`;
}

/**
 * Moves the clock so that the next transaction lands `offset` seconds from a queued proposal's eta or a proposal's
 * deadline: the edges of the timelock and of expiry.
 */
class JumpToEdge implements Cmd {
  constructor(
    readonly proposal: number,
    readonly edge: "eta" | "deadline",
    readonly offset: number,
  ) {}
  check = () => true;
  async run(m: Model, r: Real) {
    const { p } = pick(m, this.proposal, this.edge === "eta" ? [State.Queued] : [State.Pending, State.Queued]);
    const edge = p ? (this.edge === "eta" ? p.eta : p.deadline) : 0;
    if (!p || edge === 0) return;
    const why = `to ${this.edge} ${this.offset >= 0 ? "+" : ""}${this.offset}s of ${p.label}`;
    await jumpTo(m, r, edge + this.offset, why);
  }
  toString = () => `JumpToEdge(proposal #${this.proposal}, ${this.edge} ${this.offset})`;
}

/** Two steps, each predicted and verified: to the edge of a queued proposal's eta, then its execution. */
class ExecuteAtEta implements Cmd {
  constructor(
    readonly proposal: number,
    readonly actor: number,
    readonly offset: number,
    /** Wei attached beyond (or short of) what the calls send. */
    readonly extraWei = 0,
  ) {}
  check = (m: Readonly<Model>) => m.proposals.length > 0;
  async run(m: Model, r: Real) {
    const queued = pick(m, this.proposal, [State.Queued]).p;
    await new JumpToEdge(this.proposal, "eta", this.offset).run(m, r);
    // The same proposal, even if the jump expired it.
    const index = queued ? indexOf(m, queued) : this.proposal;
    await new ActOnCalls("execute", this.actor, index, [], this.extraWei).run(m, r);
  }
  toString = () =>
    `ExecuteAtEta(proposal #${this.proposal}, actor ${this.actor}, ${this.offset}, extra wei ${this.extraWei})`;
}

/** Two steps, each predicted and verified: signatures relayed for a pending proposal, then its queueing. */
class RallyAndQueue implements Cmd {
  constructor(
    readonly proposal: number,
    readonly choice: SignerChoice,
    readonly actor: number,
  ) {}
  check = (m: Readonly<Model>) => m.proposals.length > 0;
  async run(m: Model, r: Real) {
    await new ApproveBySig(this.proposal, this.choice, null, true).run(m, r);
    await new ActOnCalls("queue", this.actor, this.proposal).run(m, r);
  }
  toString = () => `RallyAndQueue(proposal #${this.proposal}, ${JSON.stringify(this.choice)}, actor ${this.actor})`;
}

/**
 * A majority at work, in up to three steps, each predicted and verified: `spec` submitted with the signatures of every
 * current seat holder; if it was queued, the clock moved to its eta; then its execution with the exact ether.
 */
class Enact implements Cmd {
  constructor(
    readonly spec: Spec,
    readonly description: number,
    readonly actor: number,
    /** When not 0, a first execution with this many wei too many (or too few) is tried before the exact one. */
    readonly extraWei = 0,
  ) {}
  check = () => true;
  async run(m: Model, r: Real) {
    const calls = resolve(m, this.spec, this.description, actorAddresses(r));
    await new Submit(this.spec, this.description, EVERYONE, null).run(m, r);
    const p = m.byId.get(calls.id);
    if (!p || stateAt(m.core, p, m.now + 1) !== State.Queued) return;
    await jumpTo(m, r, p.eta, `to the eta of ${p.label}`);
    if (this.extraWei !== 0) await new ActOnCalls("execute", this.actor, indexOf(m, p), [], this.extraWei).run(m, r);
    await new ActOnCalls("execute", this.actor, indexOf(m, p), []).run(m, r);
  }
  toString = () =>
    `Enact(${JSON.stringify(this.spec)}, description ${this.description}, actor ${this.actor}, ${this.extraWei})`;
}

/**
 * The Fast threshold alone (the first two current seat holders) at work over several days: each day one nudge (or a
 * batch of them) is submitted, then the clock moves one day: the compounding walk of the first rules.
 */
class NudgeDays implements Cmd {
  constructor(readonly days: Spec[]) {}
  check = () => true;
  async run(m: Model, r: Real) {
    for (const [day, spec] of this.days.entries()) {
      await new Submit(spec, 3 + day, first(2), null).run(m, r);
      await new TimeJump(DAY).run(m, r);
    }
  }
  toString = () => `NudgeDays(${JSON.stringify(this.days)})`;
}

/**
 * A revoked signature relayed, in up to four steps, each predicted and verified: a holder maybe approves a pending
 * proposal on chain, revokes (no approval needed), maybe loses its seat and gets a new one (a re-seat enacted by every
 * holder), then its signature of the proposal, naming the seat it holds then, is relayed.
 */
class RevokeAndRelay implements Cmd {
  constructor(
    readonly proposal: number,
    readonly holder: number,
    readonly reseat: boolean,
    readonly approveFirst = true,
  ) {}
  check = (m: Readonly<Model>) => m.proposals.length > 0;
  async run(m: Model, r: Real) {
    const { p } = pick(m, this.proposal, [State.Pending]);
    if (!p || stateAt(m.core, p, m.now + 1) !== State.Pending) return;
    const actor = resolveActor(m, r, { holder: this.holder });
    const seat = seatOf(m.core, r.actors[actor].address);
    if (this.approveFirst && !p.approvals.has(seat))
      await new ActOnProposal("approve", { actor }, indexOf(m, p), []).run(m, r);
    await new ActOnProposal("revoke", { actor }, indexOf(m, p), []).run(m, r);
    if (this.reseat) {
      const seatId = seatOf(m.core, r.actors[actor].address);
      await new Enact({ kind: "reseat", seatId }, 3, 0).run(m, r);
    }
    // The proposal may have moved on meanwhile (expired, or a new one created by the re-seat): relay to it anyway.
    const relay = new ApproveBySig(indexOf(m, p), { ...EVERYONE, holders: [], extra: actor }, null, false, []);
    await relay.run(m, r);
  }
  toString = () =>
    `RevokeAndRelay(proposal #${this.proposal}, holder ${this.holder}, reseat ${this.reseat}, approve first ${this.approveFirst})`;
}

/**
 * Consent withdrawn before anyone relays it, in two or three steps, each predicted and verified: a seat holder revokes
 * the id of a proposal nobody made yet, then (0) the proposal is submitted with the signers of `choice` (the revoker's
 * signature among them is refused, naming its seat), (1) the revoker proposes it itself (fresh on-chain consent) and
 * every holder's signature is relayed (the revoker's is ignored: its seat is recorded), (2) another holder proposes it
 * and every holder's signature is relayed (the revoker's is refused), or (3) the revoker revokes it again (refused).
 */
class RevokeAhead implements Cmd {
  constructor(
    readonly who: Who,
    readonly spec: Spec,
    readonly description: number,
    readonly then: number,
    readonly choice: SignerChoice,
  ) {}
  check = () => true;
  async run(m: Model, r: Real) {
    const calls = resolve(m, this.spec, this.description, actorAddresses(r));
    const actor = resolveActor(m, r, this.who);
    const label = `${calls.label} (description ${this.description}, ${m.byId.has(calls.id) ? "exists" : "not proposed yet"})`;
    await revokeId(m, r, actor, calls.id, label, this.toString());
    const then = this.then % 4;
    if (then === 0) return new Submit(this.spec, this.description, this.choice, null).run(m, r);
    if (then === 3) return revokeId(m, r, actor, calls.id, label, this.toString());
    const proposer = then === 1 ? { actor } : { holder: this.choice.at };
    await new Propose(proposer, this.spec, this.description).run(m, r);
    const p = m.byId.get(calls.id);
    if (p) await new ApproveBySig(indexOf(m, p), EVERYONE, null, false, []).run(m, r);
  }
  toString = () =>
    `RevokeAhead(${JSON.stringify(this.who)}, ${JSON.stringify(this.spec)}, description ${this.description}, then ${this.then}, ${JSON.stringify(this.choice)})`;
}

/**
 * Signatures made now and kept (no transaction): of an existing proposal (picked) or of one nobody made yet (a spec and
 * a description), relayed later by `Relay`, after time passed, seats changed or someone revoked.
 */
class SignLater implements Cmd {
  constructor(
    readonly target: { proposal: number } | { spec: Spec; description: number },
    readonly choice: SignerChoice,
    readonly corrupt: { at: number; how: number } | null,
  ) {}
  check = () => true;
  async run(m: Model, r: Real) {
    let calls: ProposalCalls;
    if ("spec" in this.target) calls = resolve(m, this.target.spec, this.target.description, actorAddresses(r));
    else {
      const { p } = pick(m, this.target.proposal, [State.Pending]);
      if (!p) return;
      calls = p;
    }
    const signers = resolveSigners(m, r, this.choice);
    const signed = await makeSignatures(m, r, calls.id, signers, this.choice, this.corrupt);
    r.trace.push(`sign ${calls.label} by ${describeSigned(m, signed)}, kept`);
    r.pool.push({ calls, signed });
  }
  toString = () =>
    `SignLater(${JSON.stringify(this.target)}, ${JSON.stringify(this.choice)}, corrupt ${JSON.stringify(this.corrupt)})`;
}

/** Signatures kept by `SignLater` and the proposal they approve. */
interface Bundle {
  calls: ProposalCalls;
  signed: Signed;
}

/**
 * Kept signatures relayed: `approveBySig` if their proposal exists, `submit` otherwise; maybe with the clock first moved
 * so that the relay lands `edge` seconds from the earliest deadline among them (−1, 0: still valid; 1: expired).
 */
class Relay implements Cmd {
  constructor(
    readonly bundle: number,
    readonly edge: number | null,
  ) {}
  check = () => true;
  async run(m: Model, r: Real) {
    if (r.pool.length === 0) return;
    const { calls, signed } = r.pool[r.pool.length - 1 - (this.bundle % r.pool.length)];
    if (this.edge !== null) {
      const earliest = signed.model.reduce((min, s) => (s.validUntil < min ? s.validUntil : min), MAX_UINT64);
      if (earliest < BigInt(m.now + 30 * DAY))
        await jumpTo(m, r, Number(earliest) + this.edge, `to the earliest deadline ${this.edge}s`);
    }
    if (m.byId.has(calls.id)) await presentApproveBySig(m, r, calls.id, signed, this.toString());
    else await presentSubmit(m, r, calls, signed, this.toString());
  }
  toString = () => `Relay(bundle #${this.bundle}, edge ${this.edge})`;
}

/**
 * Consent that waits, in up to four steps, each predicted and verified: maybe a holder proposes on chain (the proposal
 * is Pending), signatures of it are made and kept, the clock moves to `edge` seconds from their earliest deadline (the
 * last second they count, or the first they do not), then they are relayed (approveBySig, or submit if nobody
 * proposed).
 */
class SignWaitRelay implements Cmd {
  constructor(
    readonly proposer: Who | null,
    readonly spec: Spec,
    readonly description: number,
    readonly choice: SignerChoice,
    readonly edge: number,
  ) {}
  check = () => true;
  async run(m: Model, r: Real) {
    if (this.proposer !== null) await new Propose(this.proposer, this.spec, this.description).run(m, r);
    await new SignLater({ spec: this.spec, description: this.description }, this.choice, null).run(m, r);
    await new Relay(0, this.edge).run(m, r);
  }
  toString = () =>
    `SignWaitRelay(${JSON.stringify(this.proposer)}, ${JSON.stringify(this.spec)}, description ${this.description}, ${JSON.stringify(this.choice)}, edge ${this.edge})`;
}

/** A relay with no signature at all: `submit` of a spec, or `approveBySig` of a proposal. */
class RelayNothing implements Cmd {
  constructor(
    readonly submit: boolean,
    readonly spec: Spec,
    readonly proposal: number,
  ) {}
  check = () => true;
  async run(m: Model, r: Real) {
    const none: Signed = { sigs: [], model: [], notes: [] };
    if (this.submit) await presentSubmit(m, r, resolve(m, this.spec, 0, actorAddresses(r)), none, this.toString());
    else await presentApproveBySig(m, r, pick(m, this.proposal, PREFERRED.approveBySig).id, none, this.toString());
  }
  toString = () =>
    `RelayNothing(${this.submit ? `submit ${JSON.stringify(this.spec)}` : `proposal #${this.proposal}`})`;
}

/**
 * A signature outliving its seat, in three steps, each predicted and verified: a holder signs a pending proposal
 * (naming its seat), the same address is re-seated under a new id (enacted by every holder), then its signature is
 * relayed naming the old seat (burned: refused, even when that seat's approval was recorded before the burn) or the
 * new one (not what it signed: refused).
 */
class ReseatAndRelay implements Cmd {
  constructor(
    readonly proposal: number,
    readonly holder: number,
    readonly nameNewSeat: boolean,
  ) {}
  check = (m: Readonly<Model>) => m.proposals.length > 0;
  async run(m: Model, r: Real) {
    const { p } = pick(m, this.proposal, [State.Pending]);
    if (!p || stateAt(m.core, p, m.now + 1) !== State.Pending) return;
    const actor = resolveActor(m, r, { holder: this.holder });
    const oldSeat = seatOf(m.core, r.actors[actor].address);
    const signed = await makeSignatures(m, r, p.id, [actor], { ...EVERYONE, deadlines: [30 * DAY] }, null);
    r.trace.push(`actor ${actor} signs ${p.label} as seat ${oldSeat}`);
    await new Enact({ kind: "reseat", seatId: oldSeat }, 4, 0).run(m, r);
    const newSeat = seatOf(m.core, r.actors[actor].address);
    if (this.nameNewSeat && newSeat !== 0 && newSeat !== oldSeat) {
      // The bytes signed for the old seat, presented for the new one: the council hashes another Approval.
      signed.sigs[0] = { ...signed.sigs[0], seatId: BigInt(newSeat) };
      signed.model[0] = { ...signed.model[0], seatId: newSeat, signer: null };
      signed.notes.push(`signed as seat ${oldSeat}, presented as seat ${newSeat}`);
    }
    await presentApproveBySig(m, r, p.id, signed, this.toString());
  }
  toString = () => `ReseatAndRelay(proposal #${this.proposal}, holder ${this.holder}, new seat ${this.nameNewSeat})`;
}

/**
 * A veto of a Fast or Standard proposal that is still open (Pending or Queued), if there is one: only a Critical
 * proposal can be vetoed, so it is refused naming the tier.
 */
class VetoNonCritical implements Cmd {
  constructor(
    readonly who: Who,
    readonly proposal: number,
  ) {}
  check = () => true;
  async run(m: Model, r: Real) {
    const open = m.proposals.filter(
      (p) => p.tier !== Tier.Critical && [State.Pending, State.Queued].includes(stateAt(m.core, p, m.now + 1)),
    );
    if (open.length === 0) return;
    const p = open[open.length - 1 - (this.proposal % open.length)];
    await new ActOnProposal("veto", this.who, indexOf(m, p), []).run(m, r);
  }
  toString = () => `VetoNonCritical(${JSON.stringify(this.who)}, proposal #${this.proposal})`;
}

/** A veto under the threshold, then a majority lowers the veto threshold to 1: the vetoed proposal is dead now. */
class VetoAndLower implements Cmd {
  constructor(
    readonly proposal: number,
    readonly holder: number,
    readonly description: number,
  ) {}
  check = (m: Readonly<Model>) => m.proposals.length > 0;
  async run(m: Model, r: Real) {
    await new ActOnProposal("veto", { holder: this.holder }, this.proposal).run(m, r);
    await new Enact({ kind: "vetoThreshold", threshold: 1 }, this.description, 0).run(m, r);
  }
  toString = () => `VetoAndLower(proposal #${this.proposal}, holder ${this.holder}, description ${this.description})`;
}

class OracleUpdate implements Cmd {
  constructor(
    readonly actor: number,
    readonly answer: bigint,
  ) {}
  check = () => true;
  async run(m: Model, r: Real) {
    r.trace.push(`actor ${this.actor} sets the oracle to ${this.answer}`);
    const at = m.now + 1;
    const result = await send(m, (o) => r.sys.oracle.connect(r.actors[this.actor]).updateAnswer(this.answer, o));
    agree(
      this.toString(),
      { outcome: { ok: true }, apply: () => (m.oracle = { answer: this.answer, updatedAt: at }) },
      result,
    );
    await verify(m, r, result);
  }
  toString = () => `OracleUpdate(actor ${this.actor}, ${this.answer})`;
}

class Sync implements Cmd {
  constructor(readonly actor: number) {}
  check = () => true;
  async run(m: Model, r: Real) {
    const prediction = predictSync(m, m.now + 1);
    r.trace.push(`actor ${this.actor} syncs the layers`);
    const result = await send(m, (o) => r.sys.policy.connect(r.actors[this.actor]).syncLayers(o));
    agree(this.toString(), prediction, result);
    record("syncLayers", prediction);
    await verify(m, r, result);
  }
  toString = () => `Sync(actor ${this.actor})`;
}

/** A random actor calls a governed function directly, or moves a seat as an ERC-721. */
class DirectAttack implements Cmd {
  constructor(
    readonly actor: number,
    readonly which: number,
    readonly seat: number,
  ) {}
  check = () => true;
  async run(m: Model, r: Real) {
    const a = r.actors[this.actor];
    const { policy, seats, council, timelock } = r.sys;
    const fail = (name: string, ...args: Expected["args"]): Outcome => ({ ok: false, error: { name, args } });
    let outcome: Outcome;
    let tx: (o: { gasLimit: number }) => Promise<ContractTransactionResponse>;
    const which = this.which % 7;
    switch (which) {
      case 0:
        outcome = fail("HedgePolicyUnauthorizedGovernance", a.address);
        tx = (o) => policy.connect(a).setPolicy(m.core.policy, m.core.version, o);
        break;
      case 1:
        outcome = fail("HedgePolicyUnauthorizedSteward", a.address);
        tx = (o) => policy.connect(a).nudgeCoverage(m.core.policy.coverageBps + 1, o);
        break;
      case 2:
        outcome = fail("CouncilSeatsUnauthorized", a.address);
        tx = (o) => seats.connect(a).mint(a.address, o);
        break;
      case 3:
        outcome = fail("CouncilSeatsUnauthorized", a.address);
        tx = (o) => seats.connect(a).burn(1, o);
        break;
      case 4:
        outcome = fail("HedgeCouncilUnauthorizedGovernance", a.address);
        tx = (o) => council.connect(a).setVetoThreshold(1, o);
        break;
      case 5:
        outcome = fail("AccessControlUnauthorizedAccount", a.address, TIMELOCK_ROLES.proposer);
        tx = (o) =>
          timelock.connect(a).schedule(r.sys.addresses.policy, 0, "0x", ethers.ZeroHash, ethers.ZeroHash, DAY, o);
        break;
      default: {
        const seatId = 1 + (this.seat % m.core.minted);
        outcome = m.core.ownerOf.has(seatId)
          ? fail("CouncilSeatsNonTransferable", seatId)
          : fail("ERC721NonexistentToken", seatId);
        const owner = m.core.ownerOf.get(seatId) ?? a.address;
        tx = (o) => seats.connect(a).transferFrom(owner, a.address, seatId, o);
      }
    }
    r.trace.push(`actor ${this.actor} attacks directly (${which})`);
    const result = await send(m, tx);
    agree(this.toString(), { outcome, apply: () => {} }, result);
    await verify(m, r, result);
  }
  toString = () => `DirectAttack(actor ${this.actor}, ${this.which}, seat ${this.seat})`;
}

// ---------------------------------------------------------------- arbitraries

const actor = fc.integer({ min: 0, max: ACTORS - 1 });
/** A signature's deadline: seven days mostly; sometimes already past, at the presenting block's second, or extreme. */
const deadline: fc.Arbitrary<Deadline> = fc.oneof(
  { weight: 10, arbitrary: fc.constant(VALID_FOR) },
  { weight: 3, arbitrary: fc.constantFrom(-DAY, -1, 0, 1, 60, HOUR, DAY) },
  { weight: 1, arbitrary: fc.constantFrom<Deadline>("zero", "max") },
);
/**
 * Mostly current seat holders naming their own seats, valid seven days; sometimes an outsider (or a duplicate) slipped
 * in, random deadlines, or one signature naming a seat its signer does not hold.
 */
const signerList: fc.Arbitrary<SignerChoice> = fc.record({
  holders: fc.oneof(
    { weight: 2, arbitrary: fc.constant<number[]>([0, 1, 2, 3, 4, 5]) },
    { weight: 3, arbitrary: fc.shuffledSubarray([0, 1, 2, 3, 4, 5], { minLength: 1 }) },
  ),
  extra: fc.oneof({ weight: 6, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: actor }),
  at: fc.nat(),
  deadlines: fc.oneof(
    { weight: 3, arbitrary: fc.constant<Deadline[]>([VALID_FOR]) },
    { weight: 1, arbitrary: fc.array(deadline, { minLength: 1, maxLength: 3 }) },
  ),
  twist: fc.oneof(
    { weight: 7, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: fc.record({ at: fc.nat(), how: fc.nat() }) },
  ),
});
/** A current seat holder (by rank) four times in five, otherwise any actor. */
const who: fc.Arbitrary<Who> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ holder: fc.nat(5) }) },
  { weight: 1, arbitrary: fc.record({ actor }) },
);
const corruption = fc.oneof(
  { weight: 7, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.record({ at: fc.nat(), how: fc.nat() }) },
);
const mutation: fc.Arbitrary<Mutation> = fc.record({
  field: fc.constantFrom(
    "coverage",
    "coverage",
    "trigger",
    "trigger",
    "hysteresis",
    "wing",
    "deltaMax",
    "deltaMin",
    "oracleAge",
    "scaleStep",
    "dte",
    "tenor",
    "addLayer",
    "removeLayer",
    "realloc",
    "realloc",
    "instrument",
  ),
  layer: fc.nat(4),
  delta: fc.integer({ min: -1_000, max: 1_000 }),
});
const spec: fc.Arbitrary<Spec> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant("policy" as const),
      mutation,
      fromBaseline: fc.oneof({ weight: 3, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant("stale" as const), mutation, offset: fc.constantFrom(-1, 1) }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("nudgeCoverage" as const),
      deltaBps: fc.integer({ min: -1_200, max: 1_200 }),
      wei: fc.oneof({ weight: 9, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.constant(1) }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("nudgeEdge" as const),
      parameter: fc.oneof(fc.constant(5), fc.nat(3)),
      side: fc.constantFrom(-1, 1),
      off: fc.constantFrom(-1, 0, 0, 1),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("nudgeTrigger" as const),
      layer: fc.nat(3),
      deltaBps: fc.integer({ min: -1_200, max: 1_200 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("nudgeReturn" as const),
      parameter: fc.oneof(fc.constant(5), fc.nat(3)),
      how: fc.nat(3),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("mint" as const), who: fc.integer({ min: 1, max: 9 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("burn" as const), seatId: fc.integer({ min: 1, max: 7 }) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("rotate" as const),
      seatId: fc.integer({ min: 1, max: 6 }),
      who: fc.integer({ min: 1, max: 9 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("reseat" as const), seatId: fc.integer({ min: 1, max: 6 }) }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant("vetoThreshold" as const), threshold: fc.integer({ min: 0, max: 6 }) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("tierRule" as const),
      tier: fc.constantFrom(Tier.Fast, Tier.Standard, Tier.Critical),
      threshold: fc.integer({ min: 0, max: 6 }),
      delay: fc.constantFrom(0, HOUR, DAY, 2 * DAY, 3 * DAY, 4 * DAY),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant("minDelay" as const), delay: fc.constantFrom(0, HOUR, DAY, 2 * DAY) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("expiry" as const),
      ttl: fc.constantFrom(HOUR - 1, HOUR, 2 * DAY, 7 * DAY, 366 * DAY),
      grace: fc.constantFrom(HOUR, DAY, 14 * DAY),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant("ping" as const), value: fc.nat(3), wei: fc.constantFrom(0, 1, 1_000) }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("mixed" as const), value: fc.nat(3) }) },
);
/** Which description a proposal gets: the label, the empty text, a multi-line non-ASCII text (see descriptionOf). */
const description = fc.integer({ min: 0, max: 2 });
/** A majority's proposal: mostly policy changes (from the current policy or from the baseline), sometimes anything. */
const enactSpec: fc.Arbitrary<Spec> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant("policy" as const), mutation, fromBaseline: fc.boolean() }),
  },
  { weight: 1, arbitrary: spec },
);
/** A minority's daily nudge: 10 % of the current value the wrong way (the walk of the first rules), or the band's edge. */
const walkSpec: fc.Arbitrary<Spec> = fc.oneof(
  fc.record({
    kind: fc.constant("nudgeCoverage" as const),
    deltaBps: fc.constantFrom(-1_000, -999, -500, 1_000),
  }),
  fc.record({
    kind: fc.constant("nudgeTrigger" as const),
    layer: fc.nat(3),
    deltaBps: fc.constantFrom(1_000, 999, 500, -1_000),
  }),
  fc.record({
    kind: fc.constant("nudgeEdge" as const),
    parameter: fc.oneof(fc.constant(5), fc.nat(3)),
    side: fc.constantFrom(-1, 1),
    off: fc.constantFrom(-1, 0, 1),
  }),
  fc.record({
    kind: fc.constant("nudgeReturn" as const),
    parameter: fc.oneof(fc.constant(5), fc.nat(3)),
    how: fc.nat(3),
  }),
);
const proposalPick = fc.nat(15);
const jump = fc.constantFrom(60, HOUR, DAY - 2, DAY - 1, DAY, 3 * DAY - 2, 3 * DAY, 7 * DAY, 15 * DAY);
const answer = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 1_000, max: 6_000 }).map((vix) => BigInt(vix) * 10n ** 6n) },
  { weight: 1, arbitrary: fc.constantFrom(0n, -15n * 10n ** 8n, 999_999n) },
);
/** Signatures kept for later: deadlines from a minute to seven days, so that some expire before they are relayed. */
const keptSigners: fc.Arbitrary<SignerChoice> = fc.record({
  holders: fc.shuffledSubarray([0, 1, 2, 3, 4, 5], { minLength: 1 }),
  extra: fc.oneof({ weight: 6, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: actor }),
  at: fc.nat(),
  deadlines: fc.array(fc.constantFrom<Deadline>(60, HOUR, DAY, 2 * DAY, VALID_FOR), { minLength: 1, maxLength: 3 }),
  twist: fc.oneof(
    { weight: 7, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: fc.record({ at: fc.nat(), how: fc.nat() }) },
  ),
});
/** What `SignLater` signs: an existing proposal, or one nobody made yet. */
const signTarget = fc.oneof(
  { weight: 2, arbitrary: fc.record({ proposal: proposalPick }) },
  { weight: 1, arbitrary: fc.record({ spec, description: fc.integer({ min: 0, max: 2 }) }) },
);

const commandArbs: fc.Arbitrary<Cmd>[] = [
  ...Array.from({ length: 2 }, () => fc.tuple(who, spec, description).map(([w, s, n]) => new Propose(w, s, n))),
  ...Array.from({ length: 5 }, () =>
    fc.tuple(spec, description, signerList, corruption).map(([s, n, signers, c]) => new Submit(s, n, signers, c)),
  ),
  ...(["approve", "approve", "revoke", "veto", "veto"] as const).map((action) =>
    fc.tuple(who, proposalPick).map(([w, p]) => new ActOnProposal(action, w, p)),
  ),
  ...Array.from({ length: 2 }, () =>
    fc.tuple(proposalPick, signerList, corruption).map(([p, s, c]) => new ApproveBySig(p, s, c)),
  ),
  ...(["queue", "queue", "execute", "execute", "execute", "execute", "cancel"] as const).map((action) =>
    fc
      .tuple(actor, proposalPick, fc.constantFrom(0, 0, 0, 0, 0, 1, -1))
      .map(([a, p, wei]) => new ActOnCalls(action, a, p, PREFERRED[action], action === "execute" ? wei : 0)),
  ),
  ...Array.from({ length: 2 }, () => jump.map((s) => new TimeJump(s))),
  ...Array.from({ length: 3 }, () =>
    fc
      .tuple(proposalPick, fc.constantFrom("eta" as const, "deadline" as const), fc.constantFrom(-1, 0, 0, 1, 1))
      .map(([p, e, o]) => new JumpToEdge(p, e, o)),
  ),
  ...Array.from({ length: 4 }, () =>
    fc
      .tuple(proposalPick, actor, fc.constantFrom(-1, 0, 0, 1, 3 * DAY), fc.constantFrom(0, 0, 0, 1, -1))
      .map(([p, a, o, w]) => new ExecuteAtEta(p, a, o, w)),
  ),
  ...Array.from({ length: 2 }, () =>
    fc.tuple(proposalPick, signerList, actor).map(([p, c, a]) => new RallyAndQueue(p, c, a)),
  ),
  ...Array.from({ length: 2 }, () => fc.tuple(enactSpec, description, actor).map(([sp, n, a]) => new Enact(sp, n, a))),
  fc.array(walkSpec, { minLength: 1, maxLength: 4 }).map((days) => new NudgeDays(days)),
  fc
    .tuple(proposalPick, fc.nat(5), fc.boolean(), fc.boolean())
    .map(([p, h, re, first]) => new RevokeAndRelay(p, h, re, first)),
  ...Array.from({ length: 2 }, () =>
    fc
      .tuple(who, spec, description, fc.nat(3), signerList)
      .map(([w, s, n, then, c]) => new RevokeAhead(w, s, n, then, c)),
  ),
  ...Array.from({ length: 2 }, () =>
    fc.tuple(signTarget, keptSigners, corruption).map(([t, c, x]) => new SignLater(t, c, x)),
  ),
  ...Array.from({ length: 2 }, () =>
    fc
      .tuple(
        fc.oneof({ weight: 2, arbitrary: who }, { weight: 1, arbitrary: fc.constant(null) }),
        spec,
        description,
        keptSigners,
        fc.constantFrom(-1, 0, 1, 1),
      )
      .map(([w, s, n, c, e]) => new SignWaitRelay(w, s, n, c, e)),
  ),
  ...Array.from({ length: 2 }, () =>
    fc
      .tuple(
        fc.nat(7),
        fc.oneof({ weight: 1, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constantFrom(-1, 0, 1) }),
      )
      .map(([b, e]) => new Relay(b, e)),
  ),
  ...Array.from({ length: 2 }, () =>
    fc.tuple(proposalPick, fc.nat(5), fc.boolean()).map(([p, h, n]) => new ReseatAndRelay(p, h, n)),
  ),
  fc.tuple(who, proposalPick).map(([w, p]) => new VetoNonCritical(w, p)),
  fc.tuple(fc.boolean(), spec, proposalPick).map(([sub, s, p]) => new RelayNothing(sub, s, p)),
  fc.tuple(proposalPick, fc.nat(5), description).map(([p, h, n]) => new VetoAndLower(p, h, n)),
  fc.tuple(actor, answer).map(([a, x]) => new OracleUpdate(a, x)),
  actor.map((a) => new Sync(a)),
  fc.tuple(actor, fc.nat(), fc.nat()).map(([a, w, s]) => new DirectAttack(a, w, s)),
];

// ---------------------------------------------------------------- the tug of war: two seats against three

/** Games of the tug of war, each `TUG_DAYS` simulated days on the 5-seat council: one per hundred runs, at least one. */
const TUG_GAMES = Math.max(1, Math.floor(FUZZ_RUNS / 100));
const TUG_DAYS = 30;
/** The two adversaries hold seats 1 and 2 (holder ranks 0 and 1), the majority seats 3, 4 and 5 (ranks 2, 3, 4). */
const ADVERSARY_RANKS = [0, 1];
const MAJORITY_RANKS = [2, 3, 4];
/** The actor (seat 3) that executes the majority's proposals when due. */
const MAJORITY_EXECUTOR = 3;
/** The pairs of the majority that take turns returning a parameter (the Fast threshold is two). */
const MAJORITY_PAIRS = [
  [2, 3],
  [3, 4],
  [2, 4],
];

/** When an adversary acts: after a wait, or at the first second the cooldown of a parameter ends. */
type Timing = { wait: number } | { cooldownEnd: number };

/**
 * An adversary's move: a nudge of one parameter to its loose side (`depth` of the band, 1 the edge), every parameter
 * at once, a 1-unit nudge to re-arm a cooldown, a nudge to the tight edge, a veto by both of everything open, a
 * setPolicy of their own (proposed, approved, then an attempt to queue it). `majority` is the majority's own
 * initiative: a setPolicy signed by its three seats (mostly a tightening, which is Standard), which both adversaries
 * try to veto at once, executed when due.
 */
type Move =
  | { kind: "loose"; parameter: number; depth: number; timing: Timing }
  | { kind: "batch"; depth: number; timing: Timing }
  | { kind: "rearm"; parameter: number; up: boolean; timing: Timing }
  | { kind: "tight"; parameter: number; timing: Timing }
  | { kind: "veto"; timing: Timing }
  | { kind: "propose"; mutation: Mutation; timing: Timing }
  | { kind: "majority"; mutation: Mutation; fromBaseline: boolean; timing: Timing };

const parameter = fc.constantFrom(0, 1, 2, COVERAGE);
const timing: fc.Arbitrary<Timing> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      wait: fc.oneof(fc.integer({ min: 1, max: DAY }), fc.constantFrom(1, 60, HOUR, DAY - 1, DAY, DAY + 1)),
    }),
  },
  { weight: 2, arbitrary: fc.record({ cooldownEnd: parameter }) },
);
const depth = fc.oneof(fc.constant(1), fc.double({ min: 0.001, max: 1, noNaN: true }));
/** A change the majority can make alone (Standard) when valid: more coverage, more hysteresis, a faster scale-in. */
const tightening: fc.Arbitrary<Mutation> = fc.record({
  field: fc.constantFrom("coverage" as const, "hysteresis" as const, "scaleStep" as const),
  layer: fc.constant(0),
  delta: fc.integer({ min: 1, max: 800 }),
});
const move: fc.Arbitrary<Move> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant("loose" as const), parameter, depth, timing }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("batch" as const), depth, timing }) },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant("rearm" as const), parameter, up: fc.boolean(), timing }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("tight" as const), parameter, timing }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("veto" as const), timing }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("propose" as const), mutation, timing }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("majority" as const),
      mutation: fc.oneof({ weight: 3, arbitrary: tightening }, { weight: 1, arbitrary: mutation }),
      fromBaseline: fc.boolean(),
      timing,
    }),
  },
);

/** One game's bookkeeping: open loose episodes, the majority's queued proposals, and what was measured. */
interface Tug {
  m: Model;
  r: Real;
  /** The next description number: every proposal of a game is distinct. */
  n: number;
  /** Per parameter on the loose side: since when (block timestamp), and when the majority first reacted. */
  loose: Map<number, { since: number; reactedAt: number | null }>;
  /** The majority's proposals waiting in the timelock. */
  queued: ModelProposal[];
  /** After a refused return: the first second the majority may try again (the cooldown's end). */
  retryAt: number | null;
  pair: number;
}

const tugStats = {
  games: 0,
  days: 0,
  steps: 0,
  episodes: 0,
  reacted: 0,
  refusedReturns: 0,
  maxLooseSeconds: 0,
  maxAfterReaction: 0,
};

/** The value of parameter `p` now and its baseline (a trigger, or the coverage). */
function valueOf(m: Model, p: number): { current: number; base: number; step: number } {
  const c = m.core;
  const coverage = p === COVERAGE || p >= c.policy.layers.length;
  const current = coverage ? c.policy.coverageBps : c.policy.layers[p].triggerVix;
  const base = coverage ? c.baseline.coverage : c.baseline.triggers[p];
  return { current, base, step: Math.floor((base * c.maxNudgeBps) / 10_000) };
}

/** Parameter `p` as the policy numbers it: a trigger of an existing layer, or the coverage. */
const slot = (m: Model, p: number) => (p === COVERAGE || p >= m.core.policy.layers.length ? COVERAGE : p);

/** The value `depth` of the band toward the loose side of parameter `p` (at least 1 unit, at most the edge). */
function looseValue(m: Model, p: number, d: number): number {
  const { base, step } = valueOf(m, p);
  const k = Math.max(1, Math.round(step * d));
  return slot(m, p) === COVERAGE ? base - k : base + k;
}

/** After every verified step: opens and closes loose episodes, and checks how long the majority was held off. */
function track(t: Tug) {
  const { m } = t;
  tugStats.steps++;
  const now = m.now;
  const loose = new Set(looseParameters(m.core).map((x) => x.parameter));
  for (const p of loose) if (!t.loose.has(p)) t.loose.set(p, { since: now, reactedAt: null });
  for (const [p, episode] of t.loose) {
    if (!loose.has(p)) {
      close(t, p, episode, now);
      t.loose.delete(p);
    }
  }
}

function close(t: Tug, p: number, episode: { since: number; reactedAt: number | null }, end: number) {
  const after = episode.reactedAt === null ? 0 : end - episode.reactedAt;
  tugStats.episodes++;
  if (episode.reactedAt !== null) tugStats.reacted++;
  tugStats.maxLooseSeconds = Math.max(tugStats.maxLooseSeconds, end - episode.since);
  tugStats.maxAfterReaction = Math.max(tugStats.maxAfterReaction, after);
  if (after > t.m.core.nudgeCooldown)
    throw new Error(
      `tug of war, after [${t.r.trace.slice(-12).join(" → ")}]: parameter ${p} stayed on the loose side ${after} s ` +
        `after the majority reacted (more than one cooldown, ${t.m.core.nudgeCooldown} s)`,
    );
}

/** The majority's best response: two of its seats return every loose parameter to its baseline at once (exempt). */
async function react(t: Tug) {
  const { m, r } = t;
  const loose = looseParameters(m.core);
  if (loose.length === 0) return;
  for (const { parameter } of loose) {
    const episode = t.loose.get(parameter);
    if (episode && episode.reactedAt === null) episode.reactedAt = m.now + 1;
  }
  const signers = MAJORITY_PAIRS[t.pair++ % MAJORITY_PAIRS.length];
  const to = loose.map(({ parameter, baseline }) => ({ parameter, value: baseline }));
  const calls = resolve(m, { kind: "nudges", to }, 3 + t.n, actorAddresses(r));
  await new Submit({ kind: "nudges", to }, 3 + t.n++, { ...EVERYONE, holders: signers }, null).run(m, r);
  if (m.byId.has(calls.id)) {
    t.retryAt = null;
    return;
  }
  // Refused (the model predicted it and the chain agreed): try again when the cooldown ends.
  tugStats.refusedReturns++;
  const ends = loose.map(({ parameter }) => m.core.lastNudgeAt[parameter] + m.core.nudgeCooldown);
  t.retryAt = Math.max(m.now + 1, ...ends);
}

/** Before the adversary's next move at `at`: the majority executes its due proposals and retries refused returns. */
async function majorityUntil(t: Tug, at: number) {
  const { m, r } = t;
  for (let guard = 0; guard < 20; guard++) {
    const due = t.queued
      .filter((p) => stateAt(m.core, p, Math.max(m.now + 1, p.eta)) === State.Queued && p.eta < at)
      .sort((a, b) => a.eta - b.eta)[0];
    const retry = t.retryAt !== null && t.retryAt < at && looseParameters(m.core).length > 0 ? t.retryAt : null;
    if (!due && retry === null) return;
    if (due && (retry === null || due.eta <= retry)) {
      m.now = Math.max(m.now, due.eta - 1);
      t.queued = t.queued.filter((p) => p !== due);
      await new ActOnCalls("execute", MAJORITY_EXECUTOR, indexOf(m, due), []).run(m, r);
    } else {
      m.now = Math.max(m.now, retry! - 1);
      t.retryAt = null;
    }
    await react(t);
  }
}

/** The adversary's move, as one or more verified steps. */
async function adversary(t: Tug, mv: Move) {
  const { m, r } = t;
  const pair = { ...EVERYONE, holders: ADVERSARY_RANKS };
  const nudge = (to: { parameter: number; value: number }[]) =>
    new Submit({ kind: "nudges", to }, 3 + t.n++, pair, null).run(m, r);
  switch (mv.kind) {
    case "loose":
      return nudge([{ parameter: slot(m, mv.parameter), value: looseValue(m, mv.parameter, mv.depth) }]);
    case "batch": {
      const all = [...m.core.policy.layers.keys(), COVERAGE];
      return nudge(all.map((p) => ({ parameter: p, value: looseValue(m, p, mv.depth) })));
    }
    case "rearm":
      return nudge([{ parameter: slot(m, mv.parameter), value: valueOf(m, mv.parameter).current + (mv.up ? 1 : -1) }]);
    case "tight": {
      const { base, step } = valueOf(m, mv.parameter);
      const p = slot(m, mv.parameter);
      return nudge([{ parameter: p, value: p === COVERAGE ? base + step : base - step }]);
    }
    case "veto": {
      const open = m.proposals.filter((p) => [State.Pending, State.Queued].includes(stateAt(m.core, p, m.now + 1)));
      for (const p of open.slice(-4)) {
        for (const rank of ADVERSARY_RANKS) {
          if (stateAt(m.core, p, m.now + 1) === State.Vetoed) break;
          await new ActOnProposal("veto", { holder: rank }, indexOf(m, p), []).run(m, r);
        }
      }
      return;
    }
    case "propose": {
      const spec: Spec = { kind: "policy", mutation: mv.mutation };
      const calls = resolve(m, spec, 3 + t.n, actorAddresses(r));
      await new Propose({ holder: ADVERSARY_RANKS[0] }, spec, 3 + t.n++).run(m, r);
      const p = m.byId.get(calls.id);
      if (!p) return;
      await new ActOnProposal("approve", { holder: ADVERSARY_RANKS[1] }, indexOf(m, p), []).run(m, r);
      await new ActOnCalls("queue", 1, indexOf(m, p), []).run(m, r);
      return;
    }
    case "majority": {
      const spec: Spec = { kind: "policy", mutation: mv.mutation, fromBaseline: mv.fromBaseline };
      const calls = resolve(m, spec, 3 + t.n, actorAddresses(r));
      await new Submit(spec, 3 + t.n++, { ...EVERYONE, holders: MAJORITY_RANKS }, null).run(m, r);
      const p = m.byId.get(calls.id);
      if (!p || p.status !== "Queued") return;
      t.queued.push(p);
      // The adversaries veto every change of the majority at once (a Standard one cannot be vetoed).
      for (const rank of ADVERSARY_RANKS) {
        if (stateAt(m.core, p, m.now + 1) !== State.Queued) break;
        await new ActOnProposal("veto", { holder: rank }, indexOf(m, p), []).run(m, r);
      }
      return;
    }
  }
}

/** When move `mv` lands: after its wait, or at the first second its parameter's cooldown ends (at least the next one). */
function timeOf(m: Model, mv: Move): number {
  if ("wait" in mv.timing) return m.now + mv.timing.wait;
  const p = slot(m, mv.timing.cooldownEnd);
  const last = m.core.lastNudgeAt[p];
  return Math.max(m.now + 1, last === 0 ? 0 : last + m.core.nudgeCooldown);
}

// ---------------------------------------------------------------- the properties

describe("Fuzz: the council against its model", function () {
  let systems: Deployed[];
  let actors: HardhatEthersSigner[];
  let wallets: Wallet[];
  let chainId: bigint;
  let base: number;

  before(async function () {
    const signers = await ethers.getSigners();
    actors = signers.slice(0, ACTORS);
    const accounts = network.config.accounts as { mnemonic: string; path: string };
    const mnemonic = Mnemonic.fromPhrase(accounts.mnemonic);
    wallets = actors.map((a, i) => {
      const wallet = HDNodeWallet.fromMnemonic(mnemonic, `${accounts.path}/${i}`);
      expect(wallet.address).to.equal(a.address);
      return new Wallet(wallet.privateKey);
    });
    chainId = (await ethers.provider.getNetwork()).chainId;
    probeFactory = (await ethers.getContractFactory("AttackFuzzProbe")) as unknown as AttackFuzzProbe__factory;
    const target: TestTarget = await (await ethers.getContractFactory("TestTarget")).deploy();
    const targetAddress = await target.getAddress();
    systems = [];
    for (const n of [3, 4, 5]) {
      const holders = actors.slice(1, 1 + n).map((a) => a.address);
      const s = await deploySystem(actors[0], { seats: holders });
      const [, answer, , updatedAt] = await s.oracle.latestRoundData();
      systems.push({
        ...s,
        holders,
        addresses: {
          council: await s.council.getAddress(),
          policy: await s.policy.getAddress(),
          seats: await s.seats.getAddress(),
          timelock: await s.timelock.getAddress(),
          target: targetAddress,
        },
        oracleState: { answer, updatedAt: Number(updatedAt) },
      });
    }
    base = (await ethers.provider.getBlock("latest"))!.timestamp;
  });

  /** A fresh model of `sys` and the chain's view of it, compared once. */
  async function start(sys: Deployed) {
    const model = initialModel(sys.addresses, sys.holders, base, { ...sys.oracleState });
    const real: Real = {
      sys,
      actors,
      wallets,
      chainId,
      prev: undefined as unknown as Probe,
      prevPolicy: structuredClone(model.core.policy),
      queued: new Map(),
      pool: [],
      settled: new Set(),
      presented: null,
      described: null,
      trace: [],
    };
    real.prev = await probe(real, model);
    compare(model, real, real.prev);
    return { model, real };
  }

  it(`random sequences of ≤ ${MAX_COMMANDS} commands agree with the model and keep every invariant (${FUZZ_RUNS} runs)`, async function () {
    this.timeout(0);
    const started = Date.now();
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(0, 1, 2),
        // Between ⌈max/2⌉ and max commands per run; fc.commands would favour very short runs.
        fc.array(fc.oneof(...commandArbs), { minLength: Math.ceil(MAX_COMMANDS / 2), maxLength: MAX_COMMANDS }),
        async (which, cmds) => {
          const snapshot = await network.provider.send("evm_snapshot", []);
          try {
            runs++;
            const sys = systems[which];
            let run: Awaited<ReturnType<typeof start>> | undefined;
            await fc.asyncModelRun(async () => (run = await start(sys)), cmds);
            count(`runs on ${sys.holders.length} seats`);
            await finalChecks(sys, run!.model, run!.real);
          } finally {
            await network.provider.send("evm_revert", [snapshot]);
          }
        },
      ),
      { numRuns: FUZZ_RUNS, seed: FUZZ_SEED },
    );
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const ok = (key: string) => stats.get(`${key}: ok`) ?? 0;
    const outcomes = [...stats.keys()].filter((k) => k.includes(": ") && !k.includes(": ok")).length;
    console.log(
      `    ${runs} runs in ${seconds} s: ${ok("submit")} submits, ${ok("approveBySig")} relays, ${ok("queue")} queues, ` +
        `${ok("execute")} executions, ${ok("veto")} vetoes, ${ok("revoke ahead")} revocations ahead, ` +
        `${ok("syncLayers")} syncs succeeded; ${outcomes} distinct errors predicted`,
    );
    if (process.env.FUZZ_STATS || FUZZ_RUNS > 100) {
      const lines = [...stats.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `      ${k}: ${v}`);
      console.log(lines.join("\n"));
    }
    if (FUZZ_RUNS >= 50) {
      // The fuzzer must reach the interesting places, or its passing would say little. Each of these happens about
      // ten times or more per hundred runs; the chance that one never does is negligible.
      for (const key of ["propose", "submit", "approveBySig", "execute", "veto", "revoke ahead", "syncLayers"]) {
        expect(ok(key), `successful ${key} calls`).to.be.greaterThan(0);
      }
      expect(outcomes, "distinct predicted errors").to.be.greaterThan(25);
    }
  });

  it(`two seats never hold a parameter on the loose side against the other three for more than one cooldown (${TUG_GAMES} games of ${TUG_DAYS} days)`, async function () {
    this.timeout(0);
    const started = Date.now();
    const before = new Map(stats);
    await fc.assert(
      fc.asyncProperty(fc.array(move, { minLength: 90, maxLength: 140 }), async (moves) => {
        const snapshot = await network.provider.send("evm_snapshot", []);
        try {
          const sys = systems[2];
          const { model: m, real: r } = await start(sys);
          const t: Tug = { m, r, n: 0, loose: new Map(), queued: [], retryAt: null, pair: 0 };
          r.afterStep = () => track(t);
          const end = m.now + TUG_DAYS * DAY;
          for (const mv of moves) {
            const at = timeOf(m, mv);
            if (at >= end) break;
            await majorityUntil(t, at);
            m.now = Math.max(m.now, at - 1);
            await adversary(t, mv);
            await react(t);
          }
          await majorityUntil(t, end);
          await jumpTo(m, r, Math.max(m.now + 2, end), "to the end of the game");
          // Episodes still open at the end: held off since the reaction, so far.
          for (const [p, episode] of t.loose) close(t, p, episode, m.now);
          await finalChecks(sys, m, r);
          tugStats.games++;
          tugStats.days += TUG_DAYS;
        } finally {
          await network.provider.send("evm_revert", [snapshot]);
        }
      }),
      // A game replays in seconds and a counterexample is a month of moves: report the first failure without shrinking.
      { numRuns: TUG_GAMES, seed: FUZZ_SEED, endOnFailure: true },
    );
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const s = tugStats;
    const delta = (key: string) => (stats.get(key) ?? 0) - (before.get(key) ?? 0);
    console.log(
      `    ${s.games} games, ${s.days} days, ${s.steps} steps in ${seconds} s: ${s.episodes} times on the loose side ` +
        `(${s.reacted} answered by the majority, ${s.refusedReturns} returns refused); longest on the loose side ` +
        `${s.maxLooseSeconds} s, longest after the majority reacted ${s.maxAfterReaction} s; ` +
        `${delta("submit: ok, Fast")} nudge batches, ${delta("submit: HedgePolicyNudgeCoolingDown")} refused as ` +
        `cooling down; ${delta("veto: ok, Critical")} vetoes of Critical proposals, ` +
        `${delta("veto: HedgeCouncilVetoNotCritical")} refused as not Critical; ` +
        `${delta("execute: ok, Standard setPolicy")} Standard changes by the majority executed`,
    );
    // The adversaries did get parameters onto the loose side and the majority did answer. Over several games (as in
    // `npm run fuzz`) vetoes were tried on both kinds of proposals; a single game (the default run) may draw no veto of
    // a Standard proposal, and the unit tests pin that refusal deterministically.
    expect(s.reacted, "loose episodes the majority answered").to.be.greaterThan(0);
    if (s.games >= 5) {
      expect(delta("veto: HedgeCouncilVetoNotCritical"), "vetoes refused as not Critical").to.be.greaterThan(0);
    }
  });

  /**
   * After each run: every proposal compared again (settled ones too), no EOA holds any timelock role, and policyHash()
   * is the hash of policy().
   */
  async function finalChecks(sys: Deployed, m: Model, r: Real) {
    compare(m, r, await probe(r, m, true));
    const everyone = [...actors.map((a) => a.address), ZeroAddress];
    const checks = everyone.flatMap((account) =>
      Object.entries(TIMELOCK_ROLES).map(async ([name, role]) => {
        if (await sys.timelock.hasRole(role, account)) throw new Error(`${account} holds the timelock's ${name} role`);
      }),
    );
    await Promise.all(checks);
    const onChain = await sys.policy.policy();
    expect(hashPolicy(toPolicyValues(onChain))).to.equal(await sys.policy.policyHash());
  }
});

// Model-based fuzzing of the whole system on the rules v2 (fast-check `asyncModelRun`): random sequences of proposals
// (policy changes valid and invalid, loosening and tightening by the protection curve or by structure, written from the
// current policy (a lock-in of nudges) or from the baseline, stale versions, nudges anywhere and at the band's edges,
// nudges carrying ether, seat mints, burns, rotations and re-seating of the same address, council settings, timelock
// delay, unknown targets with and without ether, mixed batches), on-chain approvals and revocations, EIP-712 signatures
// (genuine, forged, high-s, duplicated, by strangers, by addresses that revoked), submits, queue / execute (with the
// exact ether, or one wei more or less) / veto / cancel, a majority enacting a proposal end to end, the Fast threshold
// alone nudging day after day, time jumps, oracle updates and layer syncs, and direct attacks on governed functions, by
// random actors, on a 3-, 4- or 5-seat council.
//
// Every step is predicted by the TypeScript model of the rules (council.model.ts, an independent copy of the rules):
// success, or the exact custom error with its arguments. After every step the chain is read in one `eth_call`
// (contracts/mocks/AttackFuzzProbe.sol) and compared with the model (policy version, hash and baseline, engaged layers,
// seats and the council's own copy of them, council settings, every proposal's state, tier, approval and veto counts
// and raw marks, the addresses that revoked, eta and deadline, every timelock operation), and these invariants are
// checked on the chain:
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
// - thresholds are ordered (min(2, seats) ≤ Fast ≤ Standard ≤ Critical ≤ seats, 1 ≤ veto ≤ seats);
// - neither the council nor the timelock keeps any ether;
// - no externally owned account holds a timelock role (no RoleGranted to one; every role checked after each run).
//
// Runs: FUZZ_RUNS (default 100; `npm run fuzz` uses 1,000), FUZZ_MAX_COMMANDS (default 12), FUZZ_SEED to replay.
// Each run starts from an `evm_snapshot` of the deployed systems and ends with `evm_revert`.
import { expect } from "chai";
import fc from "fast-check";
import { ethers, network } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import {
  AbiCoder,
  HDNodeWallet,
  Mnemonic,
  ZeroAddress,
  getBytes,
  keccak256,
  type ContractTransactionReceipt,
  type ContractTransactionResponse,
  type SigningKey,
} from "ethers";

import { deploySystem } from "../../scripts/lib/deploy";
import { toPolicyValues, type PolicyValues } from "../../scripts/lib/policy";
import { approvalDigest } from "../../scripts/lib/signing";
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
import { highSTwin } from "../helpers/system";
import {
  baselinePolicy,
  countLive,
  levels,
  protection,
  DAY,
  hashProposal,
  HOUR,
  initialModel,
  interfaces,
  liveMask,
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
  seatOf,
  State,
  stateAt,
  Tier,
  type Addresses,
  type Expected,
  type Model,
  type ModelProposal,
  type Mutation,
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
const UNKNOWN_ID = keccak256(AbiCoder.defaultAbiCoder().encode(["string"], ["no such proposal"]));

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
  keys: SigningKey[];
  chainId: bigint;
  prev: Probe;
  /** The policy after the previous step. */
  prevPolicy: PolicyValues;
  /** Per proposal id: when it was queued, its eta and the delay it had to wait (chain settings at queue time). */
  queued: Map<string, { queuedAt: number; eta: number; delay: number }>;
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

async function probe(r: Real, m: Model): Promise<Probe> {
  const accounts = r.actors.map((a) => a.address);
  const ids = m.proposals.map((p) => p.id);
  const ops = m.proposals.map((p) => p.opId);
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
    const on = s.proposals.get(p.id)!;
    const label = `proposal "${p.label}"`;
    check(`${label}: state`, on.state, stateAt(c, p, s.timestamp));
    check(`${label}: tier`, on.tier, p.tier);
    check(`${label}: approvalCount`, on.approvals, countLive(c, p.approvals));
    check(`${label}: vetoCount`, on.vetoes, countLive(c, p.vetoes));
    check(`${label}: eta`, on.eta, p.eta);
    check(`${label}: deadline`, on.deadline, p.deadline);
    check(`${label}: approval marks`, on.approvalMarks, marks(p.approvals));
    check(`${label}: veto marks`, on.vetoMarks, marks(p.vetoes));
    const revokedBy = r.actors.reduce(
      (bits, a, i) => (p.revoked.has(a.address.toLowerCase()) ? bits | (1n << BigInt(i)) : bits),
      0n,
    );
    check(`${label}: the actors that revoked`, on.revokedBy, revokedBy);
    const op = p.op === "pending" ? p.eta : p.op === "done" ? 1 : 0;
    check(`${label}: timelock operation timestamp`, s.operations.get(p.opId), op);
  }
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
  const had = before.proposals.has(id)
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

/** Probes the chain, compares it with the model and checks the invariants against the previous step. */
async function verify(m: Model, r: Real, result: TxResult | null) {
  const after = await probe(r, m);
  compare(m, r, after);
  invariants(m, r, r.prev, after, result?.ok ? result.receipt : null, r.prevPolicy);
  r.prev = after;
  r.prevPolicy = structuredClone(m.core.policy);
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

/** Who signs: some of the current seat holders (by rank), and maybe an outsider or a duplicate slipped in. */
interface SignerChoice {
  holders: number[];
  extra: number | null;
  at: number;
}

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

/** Signatures by `signerIdx` over proposal `id`; the one at `corrupt` (if any) is forged in one of three ways. */
function signatures(
  r: Real,
  id: string,
  signerIdx: number[],
  corrupt: { at: number; how: number } | null,
): { signers: string[]; sigs: string[]; model: SignedBy[] } {
  const digest = approvalDigest(r.chainId, r.sys.addresses.council, id);
  const signers: string[] = [];
  const sigs: string[] = [];
  const model: SignedBy[] = [];
  signerIdx.forEach((a, i) => {
    const forged = corrupt !== null && corrupt.at % signerIdx.length === i;
    let signature = r.keys[a].sign(digest).serialized;
    if (forged) {
      if (corrupt.how % 3 === 0)
        signature = r.keys[a].sign(keccak256(getBytes(digest))).serialized; // another digest
      else if (corrupt.how % 3 === 1)
        signature = highSTwin(signature); // the high-s twin
      else signature = r.keys[(a + 1) % ACTORS].sign(digest).serialized; // someone else's key
    }
    signers.push(r.actors[a].address);
    sigs.push(signature);
    model.push({ signer: r.actors[a].address, valid: !forged });
  });
  return { signers, sigs, model };
}

type Who = { holder: number } | { actor: number };

class Propose implements Cmd {
  constructor(
    readonly who: Who,
    readonly spec: Spec,
    readonly salt: number,
  ) {}
  check = () => true;
  async run(m: Model, r: Real) {
    const calls = resolve(m, this.spec, this.salt, actorAddresses(r));
    const actor = resolveActor(m, r, this.who);
    const proposer = r.actors[actor];
    const prediction = predictPropose(m, proposer.address, calls, m.now + 1);
    r.trace.push(`actor ${actor} proposes ${calls.label}`);
    const result = await send(m, (o) =>
      r.sys.council.connect(proposer).propose(calls.targets, calls.values, calls.calldatas, calls.salt, o),
    );
    agree(this.toString(), prediction, result);
    record("propose", prediction);
    await verify(m, r, result);
  }
  toString = () => `Propose(${JSON.stringify(this.who)}, ${JSON.stringify(this.spec)}, salt ${this.salt})`;
}

class Submit implements Cmd {
  constructor(
    readonly spec: Spec,
    readonly salt: number,
    readonly choice: SignerChoice,
    readonly corrupt: { at: number; how: number } | null,
  ) {}
  check = () => true;
  async run(m: Model, r: Real) {
    const calls = resolve(m, this.spec, this.salt, actorAddresses(r));
    const signerIdx = resolveSigners(m, r, this.choice);
    const signed = signatures(r, calls.id, signerIdx, this.corrupt);
    const prediction = predictSubmit(m, calls, signed.model, m.now + 1);
    r.trace.push(`submit ${calls.label} signed by ${signerIdx.join(",")}${this.corrupt ? " (one forged)" : ""}`);
    const relayer = r.actors[8];
    const result = await send(m, (o) =>
      r.sys.council
        .connect(relayer)
        .submit(calls.targets, calls.values, calls.calldatas, calls.salt, signed.signers, signed.sigs, o),
    );
    agree(this.toString(), prediction, result);
    record("submit", prediction);
    if (prediction.outcome.ok) count(`submit: ok, ${Tier[m.byId.get(calls.id)!.tier]}`);
    await verify(m, r, result);
  }
  toString = () =>
    `Submit(${JSON.stringify(this.spec)}, salt ${this.salt}, ${JSON.stringify(this.choice)}, corrupt ${JSON.stringify(this.corrupt)})`;
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
    r.trace.push(`actor ${actor} ${this.action}s ${p?.label ?? "an unknown proposal"}`);
    const council = r.sys.council.connect(who);
    const result = await send(m, (o) => council[this.action](id, o));
    agree(this.toString(), prediction, result);
    record(this.action, prediction);
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
    const signed = signatures(r, id, signerIdx, this.corrupt);
    const prediction = predictApproveBySig(m, id, signed.model, m.now + 1);
    r.trace.push(`approveBySig ${p?.label ?? "unknown"} by ${signerIdx.join(",")}`);
    const result = await send(m, (o) =>
      r.sys.council.connect(r.actors[9]).approveBySig(id, signed.signers, signed.sigs, o),
    );
    agree(this.toString(), prediction, result);
    record("approveBySig", prediction);
    await verify(m, r, result);
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
    const salt = p?.salt ?? UNKNOWN_ID;
    const id = p?.id ?? hashProposal(targets, values, calldatas, salt);
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
        ? council.execute(targets, values, calldatas, salt, { ...o, value: sent })
        : council[this.action](targets, values, calldatas, salt, o),
    );
    agree(this.toString(), prediction, result);
    record(this.action, prediction);
    if (prediction.outcome.ok && p)
      count(`${this.action}: ok, ${Tier[p.tier]} ${p.calls.map((c) => c.kind).join("+")}`);
    await verify(m, r, result);
  }
  toString = () => `${this.action}(actor ${this.actor}, proposal #${this.proposal}, extra wei ${this.extraWei})`;
}

class TimeJump implements Cmd {
  constructor(readonly seconds: number) {}
  check = () => true;
  async run(m: Model, r: Real) {
    r.trace.push(`+${this.seconds}s`);
    m.now += this.seconds;
    await network.provider.send("evm_setNextBlockTimestamp", [m.now]);
    await network.provider.send("evm_mine", []);
    await verify(m, r, null);
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
    const target = edge + this.offset - 1;
    if (!p || edge === 0 || target <= m.now) return;
    r.trace.push(`to ${this.edge} ${this.offset >= 0 ? "+" : ""}${this.offset}s of ${p.label}`);
    m.now = target;
    await network.provider.send("evm_setNextBlockTimestamp", [m.now]);
    await network.provider.send("evm_mine", []);
    await verify(m, r, null);
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
    const index = queued ? m.proposals.length - 1 - m.proposals.indexOf(queued) : this.proposal;
    await new ActOnCalls("execute", this.actor, index * 4, [], this.extraWei).run(m, r);
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
    readonly salt: number,
    readonly actor: number,
    /** When not 0, a first execution with this many wei too many (or too few) is tried before the exact one. */
    readonly extraWei = 0,
  ) {}
  check = () => true;
  async run(m: Model, r: Real) {
    const calls = resolve(m, this.spec, this.salt, actorAddresses(r));
    await new Submit(this.spec, this.salt, { holders: [0, 1, 2, 3, 4, 5], extra: null, at: 0 }, null).run(m, r);
    const p = m.byId.get(calls.id);
    if (!p || stateAt(m.core, p, m.now + 1) !== State.Queued) return;
    if (p.eta - 1 > m.now) {
      r.trace.push(`to the eta of ${p.label}`);
      m.now = p.eta - 1;
      await network.provider.send("evm_setNextBlockTimestamp", [m.now]);
      await network.provider.send("evm_mine", []);
      await verify(m, r, null);
    }
    const index = (m.proposals.length - 1 - m.proposals.indexOf(p)) * 4;
    if (this.extraWei !== 0) await new ActOnCalls("execute", this.actor, index, [], this.extraWei).run(m, r);
    await new ActOnCalls("execute", this.actor, index, []).run(m, r);
  }
  toString = () => `Enact(${JSON.stringify(this.spec)}, salt ${this.salt}, actor ${this.actor}, ${this.extraWei})`;
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
      await new Submit(spec, 3 + day, { holders: [0, 1], extra: null, at: 0 }, null).run(m, r);
      await new TimeJump(DAY).run(m, r);
    }
  }
  toString = () => `NudgeDays(${JSON.stringify(this.days)})`;
}

/**
 * A revoked signature relayed, in up to four steps, each predicted and verified: a holder approves a pending proposal
 * (unless it did), revokes, maybe loses its seat and gets a new one (a re-seat enacted by every holder), then its
 * signature of the proposal is relayed.
 */
class RevokeAndRelay implements Cmd {
  constructor(
    readonly proposal: number,
    readonly holder: number,
    readonly reseat: boolean,
  ) {}
  check = (m: Readonly<Model>) => m.proposals.length > 0;
  async run(m: Model, r: Real) {
    const { p } = pick(m, this.proposal, [State.Pending]);
    if (!p || stateAt(m.core, p, m.now + 1) !== State.Pending) return;
    const actor = resolveActor(m, r, { holder: this.holder });
    const index = (m.proposals.length - 1 - m.proposals.indexOf(p)) * 4;
    const seat = seatOf(m.core, r.actors[actor].address);
    if (!p.approvals.has(seat)) await new ActOnProposal("approve", { actor }, index, []).run(m, r);
    await new ActOnProposal("revoke", { actor }, index, []).run(m, r);
    if (this.reseat) {
      const seatId = seatOf(m.core, r.actors[actor].address);
      await new Enact({ kind: "reseat", seatId }, 3, 0).run(m, r);
    }
    // The proposal may have moved on meanwhile (expired, or a new one created by the re-seat): relay to it anyway.
    const at = (m.proposals.length - 1 - m.proposals.indexOf(p)) * 4;
    const relay = new ApproveBySig(at, { holders: [], extra: actor, at: 0 }, null, false, []);
    await relay.run(m, r);
  }
  toString = () => `RevokeAndRelay(proposal #${this.proposal}, holder ${this.holder}, reseat ${this.reseat})`;
}

/** A veto under the threshold, then a majority lowers the veto threshold to 1: the vetoed proposal is dead now. */
class VetoAndLower implements Cmd {
  constructor(
    readonly proposal: number,
    readonly holder: number,
    readonly salt: number,
  ) {}
  check = (m: Readonly<Model>) => m.proposals.length > 0;
  async run(m: Model, r: Real) {
    await new ActOnProposal("veto", { holder: this.holder }, this.proposal).run(m, r);
    await new Enact({ kind: "vetoThreshold", threshold: 1 }, this.salt, 0).run(m, r);
  }
  toString = () => `VetoAndLower(proposal #${this.proposal}, holder ${this.holder}, salt ${this.salt})`;
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
/** Mostly current seat holders; sometimes an outsider (or a duplicate) slipped in. */
const signerList: fc.Arbitrary<SignerChoice> = fc.record({
  holders: fc.oneof(
    { weight: 2, arbitrary: fc.constant<number[]>([0, 1, 2, 3, 4, 5]) },
    { weight: 3, arbitrary: fc.shuffledSubarray([0, 1, 2, 3, 4, 5], { minLength: 1 }) },
  ),
  extra: fc.oneof({ weight: 5, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: actor }),
  at: fc.nat(),
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
const salt = fc.integer({ min: 0, max: 2 });
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
);
const proposalPick = fc.nat(15);
const jump = fc.constantFrom(60, HOUR, DAY - 2, DAY - 1, DAY, 3 * DAY - 2, 3 * DAY, 7 * DAY, 15 * DAY);
const answer = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 1_000, max: 6_000 }).map((vix) => BigInt(vix) * 10n ** 6n) },
  { weight: 1, arbitrary: fc.constantFrom(0n, -15n * 10n ** 8n, 999_999n) },
);

const commandArbs: fc.Arbitrary<Cmd>[] = [
  ...Array.from({ length: 2 }, () => fc.tuple(who, spec, salt).map(([w, s, n]) => new Propose(w, s, n))),
  ...Array.from({ length: 5 }, () =>
    fc.tuple(spec, salt, signerList, corruption).map(([s, n, signers, c]) => new Submit(s, n, signers, c)),
  ),
  ...(["approve", "approve", "revoke", "veto", "veto"] as const).map((action) =>
    fc.tuple(who, proposalPick).map(([w, p]) => new ActOnProposal(action, w, p)),
  ),
  fc.tuple(proposalPick, signerList, corruption).map(([p, s, c]) => new ApproveBySig(p, s, c)),
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
  ...Array.from({ length: 2 }, () => fc.tuple(enactSpec, salt, actor).map(([sp, n, a]) => new Enact(sp, n, a))),
  fc.array(walkSpec, { minLength: 1, maxLength: 4 }).map((days) => new NudgeDays(days)),
  fc.tuple(proposalPick, fc.nat(5), fc.boolean()).map(([p, h, re]) => new RevokeAndRelay(p, h, re)),
  fc.tuple(proposalPick, fc.nat(5), salt).map(([p, h, n]) => new VetoAndLower(p, h, n)),
  fc.tuple(actor, answer).map(([a, x]) => new OracleUpdate(a, x)),
  actor.map((a) => new Sync(a)),
  fc.tuple(actor, fc.nat(), fc.nat()).map(([a, w, s]) => new DirectAttack(a, w, s)),
];

// ---------------------------------------------------------------- the property

describe("Fuzz: the council against its model", function () {
  let systems: Deployed[];
  let actors: HardhatEthersSigner[];
  let keys: SigningKey[];
  let chainId: bigint;
  let base: number;

  before(async function () {
    const signers = await ethers.getSigners();
    actors = signers.slice(0, ACTORS);
    const accounts = network.config.accounts as { mnemonic: string; path: string };
    const mnemonic = Mnemonic.fromPhrase(accounts.mnemonic);
    keys = actors.map((a, i) => {
      const wallet = HDNodeWallet.fromMnemonic(mnemonic, `${accounts.path}/${i}`);
      expect(wallet.address).to.equal(a.address);
      return wallet.signingKey;
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
            const setup = async () => {
              const model = initialModel(sys.addresses, sys.holders, base, { ...sys.oracleState });
              const real: Real = {
                sys,
                actors,
                keys,
                chainId,
                prev: undefined as unknown as Probe,
                prevPolicy: structuredClone(model.core.policy),
                queued: new Map(),
                trace: [],
              };
              real.prev = await probe(real, model);
              compare(model, real, real.prev);
              return { model, real };
            };
            await fc.asyncModelRun(setup, cmds);
            count(`runs on ${sys.holders.length} seats`);
            await finalChecks(sys);
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
      `    ${runs} runs in ${seconds} s: ${ok("submit")} submits, ${ok("queue")} queues, ${ok("execute")} executions, ` +
        `${ok("veto")} vetoes, ${ok("syncLayers")} syncs succeeded; ${outcomes} distinct errors predicted`,
    );
    if (process.env.FUZZ_STATS || FUZZ_RUNS > 100) {
      const lines = [...stats.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `      ${k}: ${v}`);
      console.log(lines.join("\n"));
    }
    if (FUZZ_RUNS >= 50) {
      // The fuzzer must reach the interesting places, or its passing would say little. Each of these happens about
      // ten times or more per hundred runs; the chance that one never does is negligible.
      for (const key of ["propose", "submit", "execute", "veto", "syncLayers"]) {
        expect(ok(key), `successful ${key} calls`).to.be.greaterThan(0);
      }
      expect(outcomes, "distinct predicted errors").to.be.greaterThan(15);
    }
  });

  /** After each run: no EOA holds any timelock role, and policyHash() is the hash of policy(). */
  async function finalChecks(sys: Deployed) {
    const everyone = [...actors.map((a) => a.address), ZeroAddress];
    for (const account of everyone) {
      for (const [name, role] of Object.entries(TIMELOCK_ROLES)) {
        if (await sys.timelock.hasRole(role, account)) throw new Error(`${account} holds the timelock's ${name} role`);
      }
    }
    const onChain = await sys.policy.policy();
    expect(hashPolicy(toPolicyValues(onChain))).to.equal(await sys.policy.policyHash());
  }
});

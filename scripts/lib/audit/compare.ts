// The live state against the replay: everything the contracts expose about policy, seats, council settings, the
// timelock and its roles, read at the audited block and compared with what the events say the rules produced. A
// difference with no event behind it is a state edit outside governance (`hardhat_setStorageAt`, `hardhat_setCode`
// on a local node, or a contract bug).
import { ZeroAddress, getAddress, keccak256 } from "ethers";

import { checkWiring } from "../contract-code";
import { STATE_NAMES, fmtFieldValue, policyChanges } from "../council";
import { fmtDurationExact } from "../format";
import { INTERFACES, ROLES, ROLE_NAMES, policyFromResult, policyHashOf, type RoleName } from "./abi";
import { callView, hex, mapLimit, type Rpc } from "./fetch";
import {
  FINDING_KINDS,
  TIER_NAMES,
  type ContractName,
  type Finding,
  type FindingKind,
  type ProposalReport,
  type SystemState,
} from "./types";

export interface LiveOptions {
  addresses: Record<ContractName, string>;
  /** The audited block, as a hex block tag: every read is made there. */
  blockTag: string;
  /** Accounts whose roles are read live: everyone the events name, the deployer, the node's accounts. */
  accounts: string[];
}

function finding(kind: FindingKind, message: string, subject?: string): Finding {
  return { kind, check: FINDING_KINDS[kind], message, ...(subject ? { subject } : {}) };
}

/** Reads the live state at the audited block. */
export async function readLiveState(rpc: Rpc, o: LiveOptions): Promise<{ state: SystemState; hashOfPolicy: string }> {
  const { addresses: c, blockTag } = o;
  const view = (contract: ContractName, fn: string, args: unknown[] = []) =>
    callView(rpc, INTERFACES[contract], c[contract], fn, args, blockTag);

  const [policyR, versionR, hashR, engagedR, limitsR, oracleR, stewardR] = await Promise.all([
    view("policy", "policy"),
    view("policy", "version"),
    view("policy", "policyHash"),
    view("policy", "engagedLayers"),
    view("policy", "nudgeLimits"),
    view("policy", "oracle"),
    view("policy", "steward"),
  ]);
  const lastNudgeAt = await Promise.all(
    [0, 1, 2, 3, 4, 5].map(async (i) => Number((await view("policy", "lastNudgeAt", [i]))[0])),
  );
  const policy = policyFromResult(policyR[0]);
  const [seatCountR, mintedR, liveR, councilLiveR, baselineR] = await Promise.all([
    view("seats", "seatCount"),
    view("seats", "mintedCount"),
    view("seats", "liveSeats"),
    view("council", "liveSeats"),
    view("policy", "baseline"),
  ]);
  const liveBits = BigInt(liveR[0]);
  const holders: Record<string, string> = {};
  const liveIds: number[] = [];
  for (let i = 0; i < 64; i++) if ((liveBits >> BigInt(i)) & 1n) liveIds.push(i + 1);
  await mapLimit(liveIds, 8, async (id) => {
    try {
      holders[String(id)] = getAddress((await view("seats", "ownerOf", [id]))[0]);
    } catch {
      holders[String(id)] = "(no owner)";
    }
  });
  const sortedHolders: Record<string, string> = {};
  for (const id of liveIds) sortedHolders[String(id)] = holders[String(id)];
  const rules = await Promise.all([0, 1, 2].map((t) => view("council", "tierRule", [t])));
  const [vetoR, expiryR, minDelayR] = await Promise.all([
    view("council", "vetoThreshold"),
    view("council", "expiry"),
    view("timelock", "getMinDelay"),
  ]);
  const roles: Record<string, string[]> = {};
  const accounts = [...new Set(o.accounts.map((a) => getAddress(a)))];
  for (const name of ROLE_NAMES) {
    const has = await mapLimit(accounts, 8, async (a) =>
      Boolean((await view("timelock", "hasRole", [ROLES[name], a]))[0]),
    );
    roles[name] = accounts.filter((_, i) => has[i]).sort();
  }
  return {
    state: {
      policy,
      baseline: {
        coverageBps: Number(baselineR[0]),
        triggers: Array.from(baselineR[1] as ArrayLike<bigint>, (t) => Number(t)),
      },
      version: Number(versionR[0]),
      policyHash: String(hashR[0]).toLowerCase(),
      engagedLayers: Number(engagedR[0]),
      nudgeLimits: { maxNudgeBps: Number(limitsR[0]), nudgeCooldown: Number(limitsR[1]) },
      lastNudgeAt,
      oracle: getAddress(oracleR[0]),
      steward: getAddress(stewardR[0]),
      seats: {
        seatCount: Number(seatCountR[0]),
        mintedCount: Number(mintedR[0]),
        liveSeats: liveBits.toString(),
        councilLiveSeats: BigInt(councilLiveR[0]).toString(),
        holders: sortedHolders,
      },
      tierRules: rules.map((r, i) => ({ tier: TIER_NAMES[i], threshold: Number(r[0]), delay: Number(r[1]) })),
      vetoThreshold: Number(vetoR[0]),
      expiry: { proposalTtl: Number(expiryR[0]), gracePeriod: Number(expiryR[1]) },
      minDelay: Number(minDelayR[0]),
      roles,
    },
    hashOfPolicy: policyHashOf(policy),
  };
}

const WHY = "changed without an event (state edited outside governance, e.g. hardhat_setStorageAt)";

/** Every difference between the replayed and the live state, as findings. */
export function compareStates(replayed: SystemState, live: SystemState, hashOfLivePolicy: string): Finding[] {
  const out: Finding[] = [];
  const differ = (subject: string, liveValue: unknown, replayedValue: unknown, show = (v: unknown) => String(v)) => {
    if (JSON.stringify(liveValue) === JSON.stringify(replayedValue)) return;
    out.push(
      finding(
        "live-state-mismatch",
        `${subject} is ${show(liveValue)} live but ${show(replayedValue)} after the replay: ${WHY}`,
        subject,
      ),
    );
  };

  if (replayed.policy && live.policy) {
    // One finding per top-level difference: a different layer count is one finding, not one per field of every
    // phantom layer; fields of the same layers are listed one by one (the grouping by cause caps them).
    const [l, r] = [live.policy.layers.length, replayed.policy.layers.length];
    const changes = policyChanges(replayed.policy, live.policy).filter(
      (c) => l === r || !c.field.startsWith("layers."),
    );
    if (l !== r) {
      out.push(
        finding(
          "live-state-mismatch",
          `policy.layers.length is ${l} live but ${r} after the replay: ${WHY}`,
          "policy.layers.length",
        ),
      );
    }
    for (const change of changes.filter((c) => c.field !== "layers.length")) {
      out.push(
        finding(
          "live-state-mismatch",
          `policy.${change.field} is ${fmtFieldValue(change.field, change.after)} live but ${fmtFieldValue(change.field, change.before)} after the replay: ${WHY}`,
          `policy.${change.field}`,
        ),
      );
    }
  }
  if (replayed.baseline) {
    differ("policy.baseline", live.baseline, replayed.baseline, (v) => {
      const b = v as NonNullable<SystemState["baseline"]>;
      return `coverage ${b.coverageBps} / triggers ${b.triggers.join(", ")}`;
    });
  }
  differ("policy.version", live.version, replayed.version);
  differ("policy.policyHash", live.policyHash, replayed.policyHash);
  if (hashOfLivePolicy !== live.policyHash) {
    out.push(
      finding(
        "live-state-mismatch",
        `policy.policyHash() is ${live.policyHash} but keccak256(abi.encode(policy())) is ${hashOfLivePolicy}`,
        "policy.policyHash",
      ),
    );
  }
  differ("policy.engagedLayers", live.engagedLayers, replayed.engagedLayers, (v) => `mask ${v}`);
  differ("policy.nudgeLimits.maxNudgeBps", live.nudgeLimits.maxNudgeBps, replayed.nudgeLimits.maxNudgeBps);
  differ("policy.nudgeLimits.nudgeCooldown", live.nudgeLimits.nudgeCooldown, replayed.nudgeLimits.nudgeCooldown, (v) =>
    fmtDurationExact(Number(v)),
  );
  live.lastNudgeAt.forEach((t, i) => differ(`policy.lastNudgeAt.${i}`, t, replayed.lastNudgeAt[i]));
  differ("policy.oracle", live.oracle, replayed.oracle);
  differ("policy.steward", live.steward, replayed.steward);

  differ("seats.seatCount", live.seats.seatCount, replayed.seats.seatCount);
  differ("seats.mintedCount", live.seats.mintedCount, replayed.seats.mintedCount);
  differ(
    "seats.liveSeats",
    live.seats.liveSeats,
    replayed.seats.liveSeats,
    (v) => `0x${BigInt(String(v)).toString(16)}`,
  );
  differ(
    "council.liveSeats",
    live.seats.councilLiveSeats,
    replayed.seats.councilLiveSeats,
    (v) => `0x${BigInt(String(v)).toString(16)}`,
  );
  const seatIds = new Set([...Object.keys(live.seats.holders), ...Object.keys(replayed.seats.holders)]);
  for (const id of [...seatIds].sort((a, b) => Number(a) - Number(b))) {
    differ(`seats.${id}.holder`, live.seats.holders[id] ?? "none", replayed.seats.holders[id] ?? "none");
  }

  live.tierRules.forEach((rule, i) => {
    const r = replayed.tierRules[i];
    differ(`council.tierRule.${rule.tier}.threshold`, rule.threshold, r.threshold);
    differ(`council.tierRule.${rule.tier}.delay`, rule.delay, r.delay, (v) => fmtDurationExact(Number(v)));
  });
  differ("council.vetoThreshold", live.vetoThreshold, replayed.vetoThreshold);
  differ("council.expiry.proposalTtl", live.expiry.proposalTtl, replayed.expiry.proposalTtl, (v) =>
    fmtDurationExact(Number(v)),
  );
  differ("council.expiry.gracePeriod", live.expiry.gracePeriod, replayed.expiry.gracePeriod, (v) =>
    fmtDurationExact(Number(v)),
  );
  differ("timelock.minDelay", live.minDelay, replayed.minDelay, (v) => fmtDurationExact(Number(v)));
  for (const name of ROLE_NAMES) {
    const l = live.roles[name] ?? [];
    const r = replayed.roles[name] ?? [];
    for (const a of l)
      if (!r.includes(a))
        out.push(
          finding("live-state-mismatch", `${a} holds ${name} live, but no event granted it: ${WHY}`, `roles.${name}`),
        );
    for (const a of r)
      if (!l.includes(a))
        out.push(
          finding("live-state-mismatch", `${a} lost ${name} live, but no event revoked it: ${WHY}`, `roles.${name}`),
        );
  }
  return out;
}

/** Who should hold each timelock role: the timelock administers itself; the council proposes, cancels, executes. */
export function expectedRoleHolders(addresses: Record<ContractName, string>): Record<RoleName, string> {
  return {
    DEFAULT_ADMIN_ROLE: getAddress(addresses.timelock),
    PROPOSER_ROLE: getAddress(addresses.council),
    EXECUTOR_ROLE: getAddress(addresses.council),
    CANCELLER_ROLE: getAddress(addresses.council),
  };
}

/** Role findings from both the replayed holders and the live ones: nobody but the expected holder, who must hold it. */
export async function checkRoles(
  rpc: Rpc,
  addresses: Record<ContractName, string>,
  replayed: SystemState,
  live: SystemState,
  blockTag: string,
): Promise<Finding[]> {
  const out: Finding[] = [];
  const expected = expectedRoleHolders(addresses);
  const reported = new Set<string>();
  for (const name of ROLE_NAMES) {
    const holders = new Set([...(replayed.roles[name] ?? []), ...(live.roles[name] ?? [])]);
    for (const account of [...holders].sort()) {
      if (account === expected[name] || reported.has(`${name}:${account}`)) continue;
      reported.add(`${name}:${account}`);
      const code = (await rpc.request({ method: "eth_getCode", params: [account, blockTag] })) as string;
      const what =
        account === ZeroAddress
          ? "the zero address (the role is open to anyone)"
          : code === "0x"
            ? `${account}, an externally owned account,`
            : `${account}, a contract that is not the ${name === "DEFAULT_ADMIN_ROLE" ? "timelock" : "council"},`;
      const where = live.roles[name]?.includes(account) ? "holds" : "held (per the events)";
      out.push(finding("unexpected-role-holder", `${what} ${where} the timelock's ${name}`, `roles.${name}`));
    }
    if (!(live.roles[name] ?? []).includes(expected[name])) {
      out.push(
        finding(
          "missing-role-holder",
          `the ${name === "DEFAULT_ADMIN_ROLE" ? "timelock" : "council"} ${expected[name]} does not hold the timelock's ${name}`,
          `roles.${name}`,
        ),
      );
    }
  }
  return out;
}

/** The immutable links between the contracts (contract-code's `checkWiring`), as findings. */
export async function wiringFindings(rpc: Rpc, c: Record<ContractName, string>, blockTag: string): Promise<Finding[]> {
  return (await checkWiring(rpc, c, blockTag)).map((b) => finding("wiring-mismatch", b.message, b.subject));
}

/** Each proposal's live state (HedgeCouncil.state) against the replayed one. */
export async function checkProposalStates(
  rpc: Rpc,
  council: string,
  proposals: ProposalReport[],
  blockTag: string,
): Promise<Finding[]> {
  const states = await mapLimit(proposals, 16, async (p) =>
    Number((await callView(rpc, INTERFACES.council, council, "state", [p.id], blockTag))[0]),
  );
  const out: Finding[] = [];
  proposals.forEach((p, i) => {
    const live = STATE_NAMES[states[i]] ?? String(states[i]);
    if (live !== p.state) {
      out.push({
        ...finding(
          "proposal-state-mismatch",
          `proposal ${p.id.slice(0, 10)}… is ${live} live but ${p.state} after the replay: ${WHY}`,
          `council.proposals.${p.id}`,
        ),
        proposalId: p.id,
      });
    }
  });
  return out;
}

/** Each scheduled operation's live timestamp in the timelock (0 cancelled, 1 done, > 1 pending) against the replay. */
export async function checkOperations(
  rpc: Rpc,
  timelock: string,
  ops: Map<string, { proposalId: string | null; state: "pending" | "done" | "cancelled" }>,
  blockTag: string,
): Promise<Finding[]> {
  const entries = [...ops.entries()];
  const stamps = await mapLimit(entries, 16, async ([op]) =>
    BigInt((await callView(rpc, INTERFACES.timelock, timelock, "getTimestamp", [op], blockTag))[0]),
  );
  const out: Finding[] = [];
  entries.forEach(([op, { proposalId, state }], i) => {
    const t = stamps[i];
    const live = t === 0n ? "cancelled" : t === 1n ? "done" : "pending";
    if (live !== state) {
      out.push({
        ...finding(
          "live-state-mismatch",
          `timelock operation ${op.slice(0, 10)}… is ${live} live but ${state} after the replay: ${WHY}`,
          `timelock.operations.${op}`,
        ),
        ...(proposalId ? { proposalId } : {}),
      });
    }
  });
  return out;
}

/** Each contract's code now against its code right after deployment (needs the node's historical state). */
export async function checkCode(
  rpc: Rpc,
  contracts: { name: ContractName; address: string; block: number | null }[],
  blockTag: string,
): Promise<{ findings: Finding[]; skipped: string[] }> {
  const findings: Finding[] = [];
  const skipped: string[] = [];
  for (const { name, address, block } of contracts) {
    if (block === null) continue;
    let then: string;
    try {
      then = (await rpc.request({ method: "eth_getCode", params: [address, hex(block)] })) as string;
    } catch {
      skipped.push(name);
      continue;
    }
    const now = (await rpc.request({ method: "eth_getCode", params: [address, blockTag] })) as string;
    if (keccak256(then) !== keccak256(now)) {
      findings.push(
        finding(
          "code-changed",
          `the code of the ${name} at ${address} changed since its deployment (block ${block})`,
          `${name}.code`,
        ),
      );
    }
  }
  return { findings, skipped };
}

/** What the replay says the council and CouncilSeats should hold, for the per-account and per-proposal reads. */
export interface ExpectedCopy {
  /** Holder → seat id, for every holder (absent: no seat). */
  seatOf: Map<string, number>;
  /** Per proposal: the approval and veto bit maps (`proposalMarks`) and the revocation marks (`hasRevoked`). */
  marks: { id: string; approvals: bigint; vetoes: bigint; revoked: string[]; notRevoked: string[] }[];
}

const hexBits = (v: bigint) => `0x${v.toString(16)}`;

/**
 * The council's own copy of the seats and its marks against the replay: `seatOf` of every account the events name,
 * on the council and on CouncilSeats; `proposalMarks` (approvals, vetoes) and `hasRevoked` of every proposal.
 */
export async function checkCouncilCopy(
  rpc: Rpc,
  c: Record<ContractName, string>,
  expected: ExpectedCopy,
  accounts: string[],
  blockTag: string,
): Promise<Finding[]> {
  const view = async (contract: ContractName, fn: string, args: unknown[]) =>
    callView(rpc, INTERFACES[contract], c[contract], fn, args, blockTag);
  const out: Finding[] = [];
  const unique = [...new Set(accounts.map((a) => getAddress(a)))];
  // CouncilSeats keeps who holds which seat as ERC-721 owners (its `seatOf` reads the council's copy): its side of
  // each account is read from `ownerOf` of the replayed seat and `balanceOf`.
  const onSeatsOf = async (account: string): Promise<number> => {
    const replayed = expected.seatOf.get(account) ?? 0;
    if (replayed !== 0) {
      try {
        const owner = String((await view("seats", "ownerOf", [replayed]))[0]);
        if (getAddress(owner) === account) return replayed;
      } catch {
        // burned or never minted: the balance below tells whether the account holds another seat
      }
    }
    if (account === ZeroAddress) return 0;
    const balance = BigInt((await view("seats", "balanceOf", [account]))[0]);
    return balance === 0n ? 0 : -1;
  };
  const seatIds = await mapLimit(unique, 16, onSeatsOf);
  const councilIds = await mapLimit(unique, 16, async (a) => Number((await view("council", "seatOf", [a]))[0]));
  unique.forEach((account, i) => {
    const replayed = expected.seatOf.get(account) ?? 0;
    const onSeats = seatIds[i];
    const seatsWords = onSeats === -1 ? "another seat" : String(onSeats);
    if (onSeats !== replayed) {
      out.push(
        finding(
          "live-state-mismatch",
          `CouncilSeats gives ${account} seat ${seatsWords} (ERC-721 owners) but ${replayed} after the replay: ${WHY}`,
          `seats.owners.${account}`,
        ),
      );
    }
    if (councilIds[i] !== replayed) {
      out.push(
        finding(
          "live-state-mismatch",
          `council.seatOf(${account}) is ${councilIds[i]} live but ${replayed} after the replay (CouncilSeats has ${seatsWords}): ${WHY}`,
          `council.seatOf.${account}`,
        ),
      );
    }
  });
  const marks = await mapLimit(expected.marks, 16, async (m) => {
    const r = await view("council", "proposalMarks", [m.id]);
    const revoked = await Promise.all(
      [...m.revoked, ...m.notRevoked].map(async (a) => Boolean((await view("council", "hasRevoked", [m.id, a]))[0])),
    );
    return { approvals: BigInt(r[0]), vetoes: BigInt(r[1]), revoked };
  });
  expected.marks.forEach((m, i) => {
    const live = marks[i];
    const subject = `council.proposals.${m.id}`;
    const mismatch = (what: string, l: string, r: string) =>
      out.push({
        ...finding(
          "live-state-mismatch",
          `proposal ${m.id.slice(0, 10)}…: the council's ${what} is ${l} live but ${r} after the replay: ${WHY}`,
          `${subject}.${what.split(" ")[0]}`,
        ),
        proposalId: m.id,
      });
    if (live.approvals !== m.approvals)
      mismatch("approvals (seat bit map)", hexBits(live.approvals), hexBits(m.approvals));
    if (live.vetoes !== m.vetoes) mismatch("vetoes (seat bit map)", hexBits(live.vetoes), hexBits(m.vetoes));
    [...m.revoked, ...m.notRevoked].forEach((account, j) => {
      const want = j < m.revoked.length;
      if (live.revoked[j] !== want) mismatch(`revocation mark of ${account}`, String(live.revoked[j]), String(want));
    });
  });
  return out;
}

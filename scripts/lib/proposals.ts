// Council proposals as the tasks see them. Like OpenZeppelin Governor, the council keeps a proposal's hash only; its
// calls and its description are read back from the `ProposalCreated` event (or, before `submit`, from a signatures
// file). A description is whatever its proposer wrote: it is printed only through ./descriptions. This module
// finds proposals by id (or a unique prefix of it), names their tiers and states, and tells whether they are outdated
// (`staleness`); what a proposal does is the proposal view's (./view, printed by ./show-proposal). The console imports
// it too: nothing here may need Hardhat.
import { AbiCoder, Utf8ErrorFuncs, getAddress, id as keccakText, keccak256, toUtf8String } from "ethers";

import { revertData } from "./errors";
import { shortId } from "./format";
import { isExpired, type ApprovalsSignature } from "./approvals-format";
import { fmtValidUntil } from "./signing";
import { CliError } from "./output";
import type { HedgeSystem } from "./deployments";
import { toPolicyValues, type PolicyValues } from "./policy";
import { ProposalState, STATE_NAMES, TIER_NAMES, Tier, descriptionHash, type ProposalCalls } from "./council";

/** @deprecated import from ./council; kept for test/fuzz/council.model.ts until its rewrite lands. */
export { Tier, ProposalState as State } from "./council";

/** The calls of a proposal without its description: what decoding and rehearsing them need. */
export type Calls = Pick<ProposalCalls, "targets" | "values" | "calldatas">;

/** A proposal created on chain, as its `ProposalCreated` event tells it (the description is the proposer's text). */
export interface CreatedProposal extends ProposalCalls {
  id: string;
  description: string;
  proposer: string;
  tier: number;
  blockNumber: number;
  transactionHash: string;
}

/** Checks the text of `--id`: a full proposal id, or a prefix of at least 8 hex digits. */
export function parseProposalId(text: string | undefined): string {
  const value = (text ?? "").trim().toLowerCase();
  if (!value)
    throw new CliError("--id is required: the proposal id (0x followed by 64 hex digits, or a unique prefix)");
  if (!/^0x[0-9a-f]{8,64}$/.test(value)) {
    throw new CliError(
      `--id ${text}: not a proposal id (0x followed by 64 hex digits, or a unique prefix of at least 8)`,
    );
  }
  return value;
}

/** Every proposal created on the council, oldest first. */
export async function createdProposals(system: Pick<HedgeSystem, "council" | "fromBlock">): Promise<CreatedProposal[]> {
  const events = await system.council.queryFilter(system.council.filters.ProposalCreated(), system.fromBlock);
  // Positional access: `values` is also the name of an Array method, which shadows the named field on a Result.
  return events.map((e) => ({
    id: e.args[0],
    proposer: e.args[1],
    tier: Number(e.args[2]),
    targets: [...e.args[3]],
    values: [...e.args[4]],
    calldatas: [...e.args[5]],
    ...descriptionOf(system.council, e),
    blockNumber: e.blockNumber,
    transactionHash: e.transactionHash,
  }));
}

/**
 * A ProposalCreated's description and its hash. The contract takes any bytes as a description: bytes that are not
 * UTF-8 (ethers throws when such a decoded string is read) are read again as bytes and shown with U+FFFD, the hash
 * kept on the bytes themselves (the id commits to them). One such proposal must not stop every command that lists
 * the proposals (hedge:status, sign, approve, the console).
 */
function descriptionOf(
  council: Pick<HedgeSystem, "council">["council"],
  e: { args: unknown[]; data: string },
): { description: string; descriptionHash: string } {
  try {
    const text = e.args[6] as string;
    return { description: text, descriptionHash: descriptionHash(text) };
  } catch {
    const fragment = council.interface.getEvent("ProposalCreated");
    const data = fragment.inputs.filter((p) => !p.indexed);
    const types = data.map((p) => p.format("sighash").replace(/\bstring\b/g, "bytes"));
    const bytes = AbiCoder.defaultAbiCoder().decode(types, e.data)[data.findIndex((p) => p.name === "description")];
    return { description: toUtf8String(bytes as string, Utf8ErrorFuncs.replace), descriptionHash: keccak256(bytes) };
  }
}

/**
 * The proposal created on chain with this id or unique id prefix; null when none. The commands find a `--id` with
 * ./proposal-queue `resolveProposalId`, which also looks in the proposals folder: this one knows only the chain.
 */
export async function findProposal(system: HedgeSystem, idOrPrefix: string): Promise<CreatedProposal | null> {
  const wanted = idOrPrefix.toLowerCase();
  const matches = (await createdProposals(system)).filter((p) => p.id.toLowerCase().startsWith(wanted));
  if (matches.length > 1) {
    throw new CliError(`--id ${idOrPrefix}: ambiguous, ${matches.length} proposals start with it; give more digits`);
  }
  return matches[0] ?? null;
}

/** The proposal's state, tier rule and counts, for printing and for checks before sending. */
export async function proposalStatus(system: Pick<HedgeSystem, "council">, id: string) {
  const { council } = system;
  const [state, tier, approvals, vetoes, eta, deadline, vetoThreshold] = await Promise.all([
    council.state(id),
    council.proposalTier(id),
    council.approvalCount(id),
    council.vetoCount(id),
    council.proposalEta(id),
    council.proposalDeadline(id),
    council.vetoThreshold(),
  ]);
  const [threshold, delay] = await council.tierRule(tier);
  return {
    state: Number(state) as ProposalState,
    stateName: STATE_NAMES[Number(state)],
    tier: Number(tier),
    tierName: TIER_NAMES[Number(tier)],
    approvals: Number(approvals),
    threshold: Number(threshold),
    delay: Number(delay),
    vetoes: Number(vetoes),
    vetoThreshold: Number(vetoThreshold),
    eta: Number(eta),
    deadline: Number(deadline),
  };
}

/** Throws unless the proposal is in one of `allowed`; `action` is what the user tried. */
export function requireState(id: string, current: ProposalState, allowed: ProposalState[], action: string): void {
  if (allowed.includes(current)) return;
  throw new CliError(
    `cannot ${action} proposal ${shortId(id)}: it is ${STATE_NAMES[current]} (${action} needs ${allowed.map((s) => STATE_NAMES[s]).join(" or ")})`,
  );
}

/** The current policy of the system, as plain numbers. */
export async function currentPolicy(system: HedgeSystem): Promise<PolicyValues> {
  return toPolicyValues(await system.policy.policy());
}

/** Throws unless `address` holds a seat now (as the council counts seats); returns its seat id. */
export async function requireSeatHolder(
  system: Pick<HedgeSystem, "council">,
  address: string,
  who: string,
): Promise<number> {
  const seatId = Number(await system.council.seatOf(address));
  if (seatId === 0) throw new CliError(`${who} holds no council seat`);
  return seatId;
}

/** The seat ids that exist now, from the seats' bit map. */
export async function liveSeatIds(system: HedgeSystem): Promise<number[]> {
  const bits = await system.seats.liveSeats();
  const ids: number[] = [];
  for (let i = 0; i < 64; i++) if ((bits >> BigInt(i)) & 1n) ids.push(i + 1);
  return ids;
}

/** The holders of the seats that exist now, in seat order. */
export async function seatHolders(system: HedgeSystem): Promise<string[]> {
  const ids = await liveSeatIds(system);
  return Promise.all(ids.map(async (id) => getAddress(await system.seats.ownerOf(id))));
}

/** Whether a proposal can still run as it stands; when not, why, in words. */
export type Staleness = { outdated: false } | { outdated: true; reason: string };

/** The selector of `HedgePolicyNudgeCoolingDown`: a nudge that waits for its cooldown is late, not outdated. */
const COOLING_DOWN = keccakText("HedgePolicyNudgeCoolingDown(uint8,uint256)").slice(0, 10);

/**
 * Whether a proposal is outdated: whether one of its calls reverts when made now as the execution would make it —
 * from the timelock, or from the council for Fast-tier nudges (the check hedge:propose makes before proposing). That
 * covers every way the state a proposal was built against moves on: a setPolicy for a version that is gone, a seat
 * for an address that holds one by now, a seat that was burned, a nudge outside the band a new baseline set.
 * The one rule for the tasks and the console; `explain` puts a revert into words (describeError, or the console's).
 *
 * Each call is rehearsed on its own against the current state, since nothing short of the timelock's own execution
 * can apply one call's effect before the next: a later call that fails only for want of an earlier call of the same
 * batch (a seat rotation's burn in a council with no seat to spare before the mint) is reported too, and the
 * override flags of the tasks let a seat holder who knows better go on.
 */
export async function staleness(
  system: { deployment: HedgeSystem["deployment"]; council: Pick<HedgeSystem["council"], "runner"> },
  proposal: Calls & { tier: number },
  explain: (error: unknown) => string | Promise<string>,
): Promise<Staleness> {
  const provider = system.council.runner?.provider;
  if (!provider) throw new Error("the council contract has no provider to rehearse the proposal's calls with");
  const c = system.deployment.contracts;
  const from = proposal.tier === Tier.Fast ? c.council.address : c.timelock.address;
  for (let i = 0; i < proposal.targets.length; i++) {
    try {
      await provider.call({ from, to: proposal.targets[i], value: proposal.values[i], data: proposal.calldatas[i] });
    } catch (error) {
      const data = revertData(error);
      // A node that cannot be reached is not a verdict on the proposal.
      if (data === undefined && !/revert/i.test(String((error as { message?: unknown })?.message))) throw error;
      if (data?.startsWith(COOLING_DOWN)) continue;
      return { outdated: true, reason: `call ${i}: ${await explain(error)}` };
    }
  }
  return { outdated: false };
}

/**
 * Refuses to spend gas, or a seat's signature, on an outdated proposal unless the user passed --allow-outdated;
 * `action` is what the user tried ("approve", "queue", "sign").
 */
export function refuseOutdated(id: string, stale: Staleness, action: string, allowOutdated: boolean | undefined): void {
  if (!stale.outdated || allowOutdated) return;
  throw new CliError(
    `proposal ${shortId(id)} is outdated, it cannot run as it stands: ${stale.reason}; pass --allow-outdated to ${action} it anyway`,
  );
}

/** What a tier covers, in the words of hedge:status's tier table. */
export const TIER_COVERS = [
  "steward nudges only",
  "a setPolicy that does not loosen",
  "a loosening setPolicy, or anything else",
] as const;

/** The signatures of a file that a relay sends, and the notes on those it leaves out. */
export interface Relay {
  fresh: ApprovalsSignature[];
  notes: string[];
}

/**
 * Checks, before anything is sent, the signatures a relay (`submit`, `approveBySig`) would send for proposal `id`,
 * as the council will: a seat whose approval is already recorded is left out with a note (the council ignores it);
 * a signature past its deadline at the next block (`latest` is the latest block's time), or by an address that
 * revoked the proposal, is refused in one line naming its seat. `name` is how the file is named; the seats and their
 * holders were checked when the file was read (parseApprovals).
 */
export async function signaturesToRelay(
  system: Pick<HedgeSystem, "council">,
  id: string,
  signatures: ApprovalsSignature[],
  name: string,
  latest: number,
): Promise<Relay> {
  const fresh: ApprovalsSignature[] = [];
  const notes: string[] = [];
  for (const s of signatures) {
    const [recorded, revoked] = await Promise.all([
      system.council.hasApproved(id, s.signer),
      system.council.hasRevoked(id, s.signer),
    ]);
    if (recorded) {
      notes.push(`  seat ${s.seatId} (${getAddress(s.signer)}) already approved on chain: skipped`);
      continue;
    }
    if (isExpired(s, latest + 1)) {
      throw new CliError(
        `the signature of seat ${s.seatId} (${s.signer}) in ${name} expired: it was valid until ${fmtValidUntil(BigInt(s.validUntil))}, and the council refuses it; seat ${s.seatId} signs again with \`hedge:sign --id ${id} --from <account>\` (the new signature replaces it)`,
      );
    }
    if (revoked) {
      throw new CliError(
        `the signature of seat ${s.seatId} (${s.signer}) in ${name} can never count: ${s.signer} revoked proposal ${shortId(id)}; remove it from the file (that address may still approve on chain)`,
      );
    }
    fresh.push(s);
  }
  return { fresh, notes };
}

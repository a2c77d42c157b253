// One proposal as the console acts on it: on chain (from `ProposalCreated`) or only in a signatures file, with its
// state, tier rule, counts, seat holders, what the connected account may still do, whether it is outdated (the
// command line's rule, `staleness` of scripts/lib/proposals), and its description: the text `ProposalCreated`
// carries, or, before the proposal is on chain, the signatures file's. Its calls and description are first checked
// against the id (a mismatch is refused: ./proposal-model). What a page shows of it (tier, why, the calls decoded,
// the timeline) is the proposal view of scripts/lib/view.ts, modelled by ./proposal-model.
import { getAddress, ZeroAddress } from "ethers";

import { callsOf, isExpired, type ApprovalsFile } from "../../scripts/lib/approvals-format";
import { ProposalState, isDescriptionOf, type ProposalCalls } from "../../scripts/lib/council";
import {
  createdProposals,
  explain,
  proposalStatus,
  staleness,
  type CreatedProposal,
  type Staleness,
  type System,
} from "./chain";
import { idMismatch, type RefusedProposal } from "./proposal-model";

export interface LoadedProposal {
  id: string;
  calls: ProposalCalls;
  onChain: CreatedProposal | null;
  file: ApprovalsFile | null;
  /**
   * The proposal's reason (the proposer's words: hostile text, shown made safe): from `ProposalCreated` once on
   * chain, else the kept file's, which must hash to the id's description hash; null when neither is known.
   */
  description: string | null;
  state: ProposalState;
  tier: number;
  approvals: number;
  threshold: number;
  delay: number;
  vetoes: number;
  vetoThreshold: number;
  eta: number;
  deadline: number;
  /** Whether it can still run as it stands; judged only while it may still run (off chain, Pending or Queued). */
  staleness: Staleness;
  /** Seat holders now, with what each has done. */
  holders: Holder[];
}

export interface Holder {
  address: string;
  seatId: number;
  /** Counted on chain (`hasApproved`). */
  approved: boolean;
  /** The kept file holds this holder's signature for this seat, still within its deadline. */
  signed: boolean;
  /** The kept file holds this holder's signature for this seat, past its deadline: it would be refused. */
  expired: boolean;
  /** This address revoked the id (`hasRevoked`): none of its signatures counts for it, whatever seat it holds. */
  revoked: boolean;
}

/** Every current seat holder, from the seats' mint and burn events. */
export async function seatHolders(system: System): Promise<{ address: string; seatId: number }[]> {
  const events = await system.seats.queryFilter(system.seats.filters.Transfer(), system.fromBlock);
  const holders = new Map<number, string>();
  for (const e of events) {
    const [from, to, tokenId] = [e.args[0], e.args[1], Number(e.args[2])];
    if (from === ZeroAddress) holders.set(tokenId, getAddress(to));
    if (to === ZeroAddress) holders.delete(tokenId);
  }
  return [...holders.entries()].map(([seatId, address]) => ({ address, seatId })).sort((a, b) => a.seatId - b.seatId);
}

/**
 * The proposal `id` at time `now` (the chain's, unix seconds: whether a file's signature is past its deadline), from
 * `ProposalCreated` and the kept signatures file `file`; null when neither knows it.
 */
export async function loadProposal(
  system: System,
  id: string,
  file: ApprovalsFile | null,
  now: number,
  created?: CreatedProposal[],
): Promise<LoadedProposal | RefusedProposal | null> {
  const onChain = (created ?? (await createdProposals(system))).find((p) => p.id.toLowerCase() === id) ?? null;
  if (!onChain && !file) return null;
  const calls: ProposalCalls = onChain ?? callsOf(file!);
  const mismatch = idMismatch(
    id,
    calls,
    onChain
      ? `the RPC endpoint ${system.settings.rpcUrl} (its ProposalCreated event)`
      : "its signatures file (kept in this browser, or served from the shared proposals/ folder)",
  );
  if (mismatch) return { id, refused: mismatch };
  // Files are checked when kept; checking again costs one hash and does not trust the browser's storage.
  const description = onChain
    ? onChain.description
    : typeof file?.description === "string" && isDescriptionOf(file.description, calls.descriptionHash)
      ? file.description
      : null;
  const { council } = system;
  const holders = await seatHolders(system);
  const marks: Holder[] = await Promise.all(
    holders.map(async (h) => {
      // A signature counts only for its signer's current seat: one made for another seat is not this holder's.
      const mine = (file?.signatures ?? []).filter(
        (s) => getAddress(s.signer) === h.address && Number(s.seatId) === h.seatId,
      );
      return {
        ...h,
        approved: onChain ? await council.hasApproved(id, h.address) : false,
        revoked: await council.hasRevoked(id, h.address),
        signed: mine.some((s) => !isExpired(s, now)),
        expired: mine.length > 0 && mine.every((s) => isExpired(s, now)),
      };
    }),
  );
  const judge = (tier: number) => staleness(system, { ...calls, tier }, (e) => explain(e));
  if (onChain) {
    const s = await proposalStatus(system, id);
    const open = s.state === ProposalState.Pending || s.state === ProposalState.Queued;
    const stale: Staleness = open ? await judge(s.tier) : { outdated: false };
    return { id, calls, onChain, file, description, ...s, staleness: stale, holders: marks };
  }
  const tier = Number(await council.tierOf(calls.targets, calls.calldatas));
  const [threshold, delay] = await council.tierRule(tier);
  return {
    id,
    calls,
    onChain,
    file,
    description,
    state: ProposalState.Unknown,
    tier,
    approvals: 0,
    threshold: Number(threshold),
    delay: Number(delay),
    vetoes: 0,
    vetoThreshold: Number(await council.vetoThreshold()),
    eta: 0,
    deadline: 0,
    staleness: await judge(tier),
    holders: marks,
  };
}

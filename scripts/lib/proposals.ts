// Council proposals as the tasks see them. Like OpenZeppelin Governor, the council keeps a proposal's hash only; its
// calls are read back from the `ProposalCreated` event (or, before `submit`, from a signatures file). This module
// finds proposals by id (or a unique prefix of it), names their tiers and states, and decodes their calls into words.
import { getAddress, isHexString, type Result } from "ethers";

import type { IHedgePolicy } from "../../typechain-types";
import { fmtBps, fmtDuration, fmtVix, shortId } from "./format";
import { CliError } from "./shell/output";
import type { HedgeSystem } from "./deployments";
import { toPolicyValues, type PolicyValues } from "./policy";
import { describePolicyChange } from "./policy-edit";
import { GOVERNED_ABI, ProposalState, STATE_NAMES, TIER_NAMES, type ProposalCalls } from "./council";

/** @deprecated import from ./council; kept for test/fuzz/council.model.ts until its rewrite lands. */
export { Tier, ProposalState as State } from "./council";

/** A proposal created on chain, as its `ProposalCreated` event tells it. */
export interface CreatedProposal extends ProposalCalls {
  id: string;
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
    salt: e.args[6],
    blockNumber: e.blockNumber,
    transactionHash: e.transactionHash,
  }));
}

/** The proposal created on chain with this id or unique id prefix; null when none. */
export async function findProposal(system: HedgeSystem, idOrPrefix: string): Promise<CreatedProposal | null> {
  const wanted = idOrPrefix.toLowerCase();
  const matches = (await createdProposals(system)).filter((p) => p.id.toLowerCase().startsWith(wanted));
  if (matches.length > 1) {
    throw new CliError(`--id ${idOrPrefix}: ambiguous, ${matches.length} proposals start with it; give more digits`);
  }
  return matches[0] ?? null;
}

/** Like `findProposal`, but an unknown id is an error. */
export async function requireProposal(system: HedgeSystem, idOrPrefix: string): Promise<CreatedProposal> {
  const found = await findProposal(system, idOrPrefix);
  if (!found)
    throw new CliError(`--id ${idOrPrefix}: no such proposal on this council (network chain ${system.chainId})`);
  return found;
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

/**
 * Decodes one call into words with the governed ABI (./council), knowing the deployment's addresses; `current` is
 * the policy it would change.
 */
export function describeCall(
  system: Pick<HedgeSystem, "deployment">,
  target: string,
  value: bigint,
  data: string,
  current?: PolicyValues,
): string[] {
  const c = system.deployment.contracts;
  const to = getAddress(target);
  const withValue = value > 0n ? ` (sending ${value} wei)` : "";
  const attempt = (contract: {
    interface: { parseTransaction(tx: { data: string }): { name: string; args: Result } | null };
  }) => {
    try {
      return contract.interface.parseTransaction({ data });
    } catch {
      return null;
    }
  };
  if (to === getAddress(c.policy.address)) {
    const call = attempt({ interface: GOVERNED_ABI.policy });
    if (call?.name === "setPolicy") {
      const next = call.args[0] as unknown as IHedgePolicy.PolicyStructOutput;
      const version = Number(call.args[1]);
      const lines = [`HedgePolicy.setPolicy(next, expectedVersion ${version})${withValue}`];
      if (current) lines.push(...describePolicyChange(current, toPolicyValues(next)).map((l) => `    ${l}`));
      return lines;
    }
    if (call?.name === "nudgeTrigger") {
      const [layer, trigger] = [Number(call.args[0]), Number(call.args[1])];
      const before = current?.layers[layer]?.triggerVix;
      return [
        `HedgePolicy.nudgeTrigger: layer ${layer} trigger ${before !== undefined ? `VIX ${fmtVix(before)} -> ` : ""}VIX ${fmtVix(trigger)}${withValue}`,
      ];
    }
    if (call?.name === "nudgeCoverage") {
      const before = current?.coverageBps;
      return [
        `HedgePolicy.nudgeCoverage: coverage ${before !== undefined ? `${fmtBps(before)} -> ` : ""}${fmtBps(Number(call.args[0]))}${withValue}`,
      ];
    }
    if (call?.name === "setOracle") return [`HedgePolicy.setOracle: VIX oracle -> ${call.args[0]}${withValue}`];
    if (call?.name === "setSteward") return [`HedgePolicy.setSteward: steward -> ${call.args[0]}${withValue}`];
    if (call?.name === "setNudgeLimits") {
      return [
        `HedgePolicy.setNudgeLimits: max nudge ${fmtBps(Number(call.args[0]))} of the value, cooldown ${fmtDuration(call.args[1] as bigint)}${withValue}`,
      ];
    }
  }
  if (to === getAddress(c.seats.address)) {
    const call = attempt({ interface: GOVERNED_ABI.seats });
    if (call?.name === "mint") return [`CouncilSeats.mint: a new seat for ${call.args[0]}${withValue}`];
    if (call?.name === "burn") return [`CouncilSeats.burn: seat ${call.args[0]}${withValue}`];
  }
  if (to === getAddress(c.council.address)) {
    const call = attempt({ interface: GOVERNED_ABI.council });
    if (call?.name === "setTierRule") {
      return [
        `HedgeCouncil.setTierRule: ${TIER_NAMES[Number(call.args[0])]} needs ${call.args[1]} approvals, delay ${fmtDuration(call.args[2] as bigint)}${withValue}`,
      ];
    }
    if (call?.name === "setVetoThreshold")
      return [`HedgeCouncil.setVetoThreshold: ${call.args[0]} vetoes kill a proposal`];
    if (call?.name === "setExpiry") {
      return [
        `HedgeCouncil.setExpiry: proposal TTL ${fmtDuration(call.args[0] as bigint)}, grace period ${fmtDuration(call.args[1] as bigint)}`,
      ];
    }
  }
  if (to === getAddress(c.timelock.address)) {
    const call = attempt({ interface: GOVERNED_ABI.timelock });
    if (call?.name === "updateDelay")
      return [`TimelockController.updateDelay: minimum delay ${fmtDuration(call.args[0] as bigint)}`];
  }
  return [
    `unknown call to ${to}: ${isHexString(data) && data.length >= 10 ? `selector ${data.slice(0, 10)}` : "no data"}${withValue}`,
  ];
}

/** Every call of a proposal, numbered. */
export function describeCalls(
  system: Pick<HedgeSystem, "deployment">,
  calls: ProposalCalls,
  current?: PolicyValues,
): string[] {
  const lines: string[] = [];
  calls.targets.forEach((target, i) => {
    const [first, ...rest] = describeCall(system, target, calls.values[i], calls.calldatas[i], current);
    lines.push(`  call ${i}: ${first}`, ...rest.map((l) => `  ${l}`));
  });
  return lines;
}

/** The current policy of the system, as plain numbers. */
export async function currentPolicy(system: HedgeSystem): Promise<PolicyValues> {
  return toPolicyValues(await system.policy.policy());
}

/** Throws unless `address` holds a seat now; `who` describes it in the message. */
export async function requireSeatHolder(system: HedgeSystem, address: string, who: string): Promise<number> {
  const seatId = Number(await system.seats.seatOf(address));
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

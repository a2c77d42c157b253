// The council's enums, in the declaration order of `IHedgeCouncil`: risk tiers and proposal states.
// Every task, the audit, the benchmark and the test helpers name them from here (the fuzz model keeps its own).

/** `IHedgeCouncil.Tier`: a proposal's tier is the highest tier of its calls. */
export enum Tier {
  /** Steward nudges only, executed by the council at once (no timelock). */
  Fast = 0,
  /** A `setPolicy` for the current version that does not loosen. */
  Standard = 1,
  /** Everything else: a loosening or other-version `setPolicy`, seats, settings, oracle, steward, timelock. */
  Critical = 2,
}

export const TIER_NAMES = ["Fast", "Standard", "Critical"] as const;
export type TierName = (typeof TIER_NAMES)[number];

/** The name of a tier ("Fast", "Standard", "Critical"). */
export function tierName(tier: Tier | number): TierName {
  const name = TIER_NAMES[Number(tier)];
  if (name === undefined) throw new RangeError(`no tier ${tier}`);
  return name;
}

/** `IHedgeCouncil.ProposalState`. */
export enum ProposalState {
  Unknown = 0,
  Pending = 1,
  Queued = 2,
  Executed = 3,
  Vetoed = 4,
  Expired = 5,
}

export const STATE_NAMES = ["Unknown", "Pending", "Queued", "Executed", "Vetoed", "Expired"] as const;
export type StateName = (typeof STATE_NAMES)[number];

/** The name of a proposal state ("Pending", "Vetoed"…); the number itself when the contract returned another. */
export function stateName(state: ProposalState | number | bigint): StateName | string {
  return STATE_NAMES[Number(state)] ?? String(state);
}

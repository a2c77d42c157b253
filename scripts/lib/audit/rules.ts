// The rules (docs/RULES.md) as the audit applies them to each step of the history, without ever trusting the
// contracts' own judgement: the threshold and delay of a tier as they were at the time, and the selectors that tell
// how an approval was given. Which tier a proposal needs (the tier rule), loosening, the nudge band, the layer-sync
// rule and the thresholds come from ../council, the one home of the council's rules.
import { Tier, effectiveThreshold } from "../council";
import { policyViolation, type PolicyValues } from "../policy";
import { INTERFACES } from "./abi";

export interface TierRule {
  threshold: number;
  delay: number;
}

/** The council's settings that the rules depend on, as they were at some point of the history. */
export interface CouncilRules {
  tiers: [TierRule, TierRule, TierRule];
  veto: number;
  proposalTtl: number;
  gracePeriod: number;
}

/**
 * The selectors that tell how an approval was given: a relayed signature (`approveBySig`, `submit`) or fresh on-chain
 * consent of the address itself (`approve`, `propose`).
 */
export const APPROVE_BY_SIG_SELECTOR = INTERFACES.council.getFunction("approveBySig")!.selector;
export const SUBMIT_SELECTOR = INTERFACES.council.getFunction("submit")!.selector;
export const APPROVE_SELECTOR = INTERFACES.council.getFunction("approve")!.selector;
export const PROPOSE_SELECTOR = INTERFACES.council.getFunction("propose")!.selector;
/** The selector of `execute`, to read the ether an execution was sent. */
export const EXECUTE_SELECTOR = INTERFACES.council.getFunction("execute")!.selector;

/** Approvals a tier needs under `rules` with `liveSeats` seats: the stored threshold, never below min(2, seats). */
export function thresholdOf(rules: CouncilRules, tier: Tier, liveSeats: number): number {
  return effectiveThreshold(rules.tiers[tier].threshold, liveSeats);
}

/** The least time between queue and execution: the tier's delay, never below the timelock's minimum; Fast: 0. */
export function requiredDelay(rules: CouncilRules, tier: Tier, minDelay: number): number {
  if (tier === Tier.Fast) return 0;
  return Math.max(rules.tiers[tier].delay, minDelay);
}

/** The first invariant the policy breaks, in words, or null (the same rules as HedgePolicy's `_validate`). */
export function invariantViolation(p: PolicyValues): string | null {
  return policyViolation(p);
}

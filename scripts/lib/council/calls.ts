// The calldata of every governed call a proposal makes: policy changes and nudges, seats, the council's settings and
// the timelock's delay. Written from the interfaces' signatures (no typechain import, so that tasks can load this at
// config time); test/council/rules.test.ts checks each against the compiled contracts' ABI.
import { Interface, id as keccakUtf8 } from "ethers";

import { POLICY_ABI_TYPE, type PolicyValues } from "../policy";
import type { Tier } from "./tiers";

/** The governed functions, by contract. */
export const GOVERNED_ABI = {
  policy: new Interface([
    `function setPolicy(${POLICY_ABI_TYPE} next, uint64 expectedVersion)`,
    "function nudgeTrigger(uint8 layer, uint32 triggerVix)",
    "function nudgeCoverage(uint16 coverageBps)",
    "function setOracle(address oracle)",
    "function setSteward(address steward)",
    "function setNudgeLimits(uint16 maxNudgeBps, uint32 nudgeCooldown)",
  ]),
  seats: new Interface(["function mint(address holder)", "function burn(uint256 seatId)"]),
  council: new Interface([
    "function setTierRule(uint8 tier, uint8 threshold, uint32 delay)",
    "function setVetoThreshold(uint8 threshold)",
    "function setExpiry(uint32 proposalTtl, uint32 gracePeriod)",
  ]),
  timelock: new Interface([
    "function updateDelay(uint256 newDelay)",
    "function grantRole(bytes32 role, address account)",
    "function revokeRole(bytes32 role, address account)",
    "function renounceRole(bytes32 role, address callerConfirmation)",
  ]),
} as const;

/** The timelock's roles (OpenZeppelin TimelockController 5): a proposal may grant or revoke them (Critical). */
export const TIMELOCK_ROLES = {
  DEFAULT_ADMIN_ROLE: "0x" + "00".repeat(32),
  PROPOSER_ROLE: keccakUtf8("PROPOSER_ROLE"),
  EXECUTOR_ROLE: keccakUtf8("EXECUTOR_ROLE"),
  CANCELLER_ROLE: keccakUtf8("CANCELLER_ROLE"),
} as const;
export type RoleName = keyof typeof TIMELOCK_ROLES;
export const ROLE_NAMES = Object.keys(TIMELOCK_ROLES) as RoleName[];

/** The name of a role hash, or the hash itself when it is not one of the timelock's. */
export function roleName(role: string): string {
  const found = ROLE_NAMES.find((name) => TIMELOCK_ROLES[name] === role.toLowerCase());
  return found ?? role;
}

/** The nudgeable parameters as the policy numbers them: 0..4 the trigger of that layer, 5 the coverage. */
export const COVERAGE_PARAMETER = 5;

export const encode = {
  setPolicy: (next: PolicyValues, expectedVersion: number | bigint) =>
    GOVERNED_ABI.policy.encodeFunctionData("setPolicy", [next, expectedVersion]),
  nudgeTrigger: (layer: number, triggerVix: number) =>
    GOVERNED_ABI.policy.encodeFunctionData("nudgeTrigger", [layer, triggerVix]),
  nudgeCoverage: (coverageBps: number) => GOVERNED_ABI.policy.encodeFunctionData("nudgeCoverage", [coverageBps]),
  setOracle: (oracle: string) => GOVERNED_ABI.policy.encodeFunctionData("setOracle", [oracle]),
  setSteward: (steward: string) => GOVERNED_ABI.policy.encodeFunctionData("setSteward", [steward]),
  setNudgeLimits: (maxNudgeBps: number, nudgeCooldown: number) =>
    GOVERNED_ABI.policy.encodeFunctionData("setNudgeLimits", [maxNudgeBps, nudgeCooldown]),
  mint: (holder: string) => GOVERNED_ABI.seats.encodeFunctionData("mint", [holder]),
  burn: (seatId: number | bigint) => GOVERNED_ABI.seats.encodeFunctionData("burn", [seatId]),
  setTierRule: (tier: Tier, threshold: number, delay: number) =>
    GOVERNED_ABI.council.encodeFunctionData("setTierRule", [tier, threshold, delay]),
  setVetoThreshold: (threshold: number) => GOVERNED_ABI.council.encodeFunctionData("setVetoThreshold", [threshold]),
  setExpiry: (proposalTtl: number, gracePeriod: number) =>
    GOVERNED_ABI.council.encodeFunctionData("setExpiry", [proposalTtl, gracePeriod]),
  updateDelay: (delay: number) => GOVERNED_ABI.timelock.encodeFunctionData("updateDelay", [delay]),
} as const;

/** The selector of a governed function ("0x…"). */
export function selectorOf(contract: keyof typeof GOVERNED_ABI, fn: string): string {
  const fragment = GOVERNED_ABI[contract].getFunction(fn);
  if (!fragment) throw new Error(`${contract} has no governed function ${fn}`);
  return fragment.selector;
}

/** The ether a proposal's `execute` must send: the sum of its values (any other msg.value reverts). */
export function requiredValue(values: readonly bigint[]): bigint {
  return values.reduce((sum, v) => sum + BigInt(v), 0n);
}

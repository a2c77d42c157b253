// Shared deployment, state snapshots and small builders for the HedgePolicy test files.
import { expect } from "chai";
import { ethers } from "hardhat";
import { AbiCoder, keccak256, type ContractTransactionResponse } from "ethers";

import type { HedgePolicy, MockV3Aggregator } from "../../typechain-types";
import { defaultPolicy, POLICY_ABI_TYPE, toPolicyValues, type PolicyValues } from "../../scripts/lib/policy";

/** VIX 15.00 with the 8 decimals of a Chainlink feed. */
export const INITIAL_ANSWER = 15_00000000n;
export const ORACLE_DECIMALS = 8;
export const DEFAULT_MAX_NUDGE_BPS = 1_000n;
export const DEFAULT_NUDGE_COOLDOWN = 86_400n;
/** `lastNudgeAt` slot of the coverage; 0..4 are the layer triggers. */
export const COVERAGE_PARAMETER = 5;

/**
 * Deploys a MockV3Aggregator (8 decimals, VIX 15.00) and a HedgePolicy with the default 4/4/2 policy.
 * Signers: governance (the timelock's stand-in), steward (the council's stand-in), two strangers.
 */
export async function deployHedgePolicy() {
  const [deployer, governance, steward, stranger, other] = await ethers.getSigners();

  const oracleFactory = await ethers.getContractFactory("MockV3Aggregator");
  const oracle: MockV3Aggregator = await oracleFactory.deploy(ORACLE_DECIMALS, INITIAL_ANSWER);
  await oracle.waitForDeployment();

  const factory = await ethers.getContractFactory("HedgePolicy");
  const policy: HedgePolicy = await factory.deploy(defaultPolicy(), governance, steward, oracle);
  await policy.waitForDeployment();
  const deployTx = policy.deploymentTransaction() as ContractTransactionResponse;

  return { policy, factory, oracle, oracleFactory, deployTx, deployer, governance, steward, stranger, other };
}

/** `keccak256(abi.encode(policy))`, computed off-chain. */
export function hashPolicy(p: PolicyValues): string {
  return keccak256(AbiCoder.defaultAbiCoder().encode([POLICY_ABI_TYPE], [p]));
}

/** A deep copy of `p` (so that tests can edit it freely). */
export function clonePolicy(p: PolicyValues): PolicyValues {
  return structuredClone(p);
}

/** The default policy after `edit`. */
export function withEdit(edit: (p: PolicyValues) => void, base: PolicyValues = defaultPolicy()): PolicyValues {
  const p = clonePolicy(base);
  edit(p);
  return p;
}

/** An oracle answer for VIX `hundredths` (2250 = 22.50) with `decimals` decimals (decimals >= 2). */
export function vixAnswer(hundredths: number | bigint, decimals = ORACLE_DECIMALS): bigint {
  return BigInt(hundredths) * 10n ** BigInt(decimals - 2);
}

/** Everything a rejected call must leave as it was. */
export interface PolicyState {
  policy: PolicyValues;
  version: bigint;
  policyHash: string;
  engagedLayers: bigint;
  nudgeLimits: bigint[];
  lastNudgeAt: bigint[];
  governance: string;
  steward: string;
  oracle: string;
}

export async function snapshotState(policy: HedgePolicy): Promise<PolicyState> {
  const lastNudgeAt: bigint[] = [];
  for (let parameter = 0; parameter <= COVERAGE_PARAMETER; parameter++) {
    lastNudgeAt.push(await policy.lastNudgeAt(parameter));
  }
  const [maxNudgeBps, nudgeCooldown] = await policy.nudgeLimits();
  return {
    policy: toPolicyValues(await policy.policy()),
    version: await policy.version(),
    policyHash: await policy.policyHash(),
    engagedLayers: await policy.engagedLayers(),
    nudgeLimits: [maxNudgeBps, nudgeCooldown],
    lastNudgeAt,
    governance: await policy.governance(),
    steward: await policy.steward(),
    oracle: await policy.oracle(),
  };
}

export async function expectUnchanged(policy: HedgePolicy, before: PolicyState): Promise<void> {
  expect(await snapshotState(policy)).to.deep.equal(before);
}

/** The current policy as plain numbers. */
export async function currentPolicy(policy: HedgePolicy): Promise<PolicyValues> {
  return toPolicyValues(await policy.policy());
}

/** LayerEngaged / LayerDisengaged events of `tx`, in log order, as [name, layer, vix]. */
export async function layerEvents(
  policy: HedgePolicy,
  tx: ContractTransactionResponse,
): Promise<[string, number, number][]> {
  const receipt = await tx.wait();
  const address = await policy.getAddress();
  const events: [string, number, number][] = [];
  for (const log of receipt!.logs) {
    if (log.address !== address) continue;
    const parsed = policy.interface.parseLog(log);
    if (parsed && (parsed.name === "LayerEngaged" || parsed.name === "LayerDisengaged")) {
      events.push([parsed.name, Number(parsed.args.layer), Number(parsed.args.vix)]);
    }
  }
  return events;
}

/** A valid policy with `count` layers (allocations sum to 10,000, triggers and tenors increase). */
export function policyWithLayers(count: number): PolicyValues {
  const p = defaultPolicy();
  const allocation = Math.floor(10_000 / count);
  p.layers = Array.from({ length: count }, (_, i) => ({
    allocationBps: i === 0 ? 10_000 - allocation * (count - 1) : allocation,
    tenorDays: 30 * (i + 1),
    triggerVix: 2_000 + 700 * i,
    instrument: i % 4,
  }));
  return p;
}

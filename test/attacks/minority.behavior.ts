// Shared pieces of the attack files on what a minority can do with the policy (nudges, walks, the freeze, loosening
// dressed as tightening): the policy and its baseline as plain numbers, the band check, an independent protection
// curve, and refusals that must leave the whole system unchanged.
import { expect } from "chai";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";

import { toPolicyValues, type PolicyValues } from "../../scripts/lib/policy";
import { hashProposal, type CouncilSystem, type Proposal } from "../helpers/system";
import { expectUnchanged, scopeOf, submitWith } from "./attacks.behavior";

/** The cooldown slot of the coverage in `HedgePolicyNudgeOutsideBand` and `lastNudgeAt`; 0..4 are the triggers. */
export const COVERAGE = 5;

/** Moves the clock to `timestamp` unless it is already past (a long setup may have gone beyond an eta). */
export async function reach(timestamp: bigint | number): Promise<void> {
  if (BigInt(timestamp) > BigInt(await time.latest())) await time.increaseTo(timestamp);
}

export async function currentPolicy(sys: CouncilSystem): Promise<PolicyValues> {
  return toPolicyValues(await sys.policy.policy());
}

/** The baseline as plain numbers: the coverage and each trigger the last setPolicy set. */
export async function baselineOf(sys: CouncilSystem): Promise<{ coverage: number; triggers: number[] }> {
  const [coverage, triggers] = await sys.policy.baseline();
  return { coverage: Number(coverage), triggers: triggers.map(Number) };
}

/** The band's half-width around a baseline value under the policy's current `maxNudgeBps`. */
export async function maxStepOf(sys: CouncilSystem, baselineValue: number): Promise<number> {
  const [maxNudgeBps] = await sys.policy.nudgeLimits();
  return Math.floor((baselineValue * Number(maxNudgeBps)) / 10_000);
}

/**
 * The policy is within one band of `approved`, the policy a majority last approved: the baseline is `approved`'s
 * triggers and coverage, each trigger and the coverage are within `maxNudgeBps` of them, and every other field is as
 * `approved` has it.
 */
export async function expectWithinBand(sys: CouncilSystem, approved: PolicyValues): Promise<void> {
  const p = await currentPolicy(sys);
  const { coverage, triggers } = await baselineOf(sys);
  expect(coverage).to.equal(approved.coverageBps);
  expect(triggers).to.deep.equal(approved.layers.map((l) => l.triggerVix));
  expect(Math.abs(p.coverageBps - coverage)).to.be.at.most(await maxStepOf(sys, coverage));
  for (const [i, l] of p.layers.entries()) {
    expect(Math.abs(l.triggerVix - triggers[i])).to.be.at.most(await maxStepOf(sys, triggers[i]));
  }
  const rest = (q: PolicyValues) => ({
    ...q,
    coverageBps: 0,
    layers: q.layers.map((l) => ({ ...l, triggerVix: 0 })),
  });
  expect(rest(p)).to.deep.equal(rest(approved));
}

/**
 * The share of the condor notional a policy hedges at VIX level `vix` (hundredths): coverage × engaged allocations,
 * in bps². Written out here, independently of scripts/lib/council, so that the attacks do not trust the code they
 * test.
 */
export function protectionAt(p: PolicyValues, vix: number): number {
  return p.coverageBps * p.layers.filter((l) => l.triggerVix <= vix).reduce((sum, l) => sum + l.allocationBps, 0);
}

/** Every trigger of the given policies, and VIX 100: where protection curves step. */
export function levels(...policies: PolicyValues[]): number[] {
  return [...new Set([...policies.flatMap((p) => p.layers.map((l) => l.triggerVix)), 10_000])].sort((a, b) => a - b);
}

/** `p` protects at least `floor` × `reference` at every VIX level (floor in bps: 9,000 = 90 %). */
export function expectProtectionAtLeast(p: PolicyValues, reference: PolicyValues, floorBps = 10_000): void {
  for (const vix of levels(p, reference)) {
    expect(protectionAt(p, vix) * 10_000, `at VIX ${vix / 100}`).to.be.at.least(
      protectionAt(reference, vix) * floorBps,
    );
  }
}

/**
 * Submits `p` signed by `signers`, expecting `HedgeCouncilInsufficientApprovals(id, have, need)`. Checks the refusal
 * only: run it inside `expectUnchanged` (several refusals may share one capture of the whole state).
 */
export async function refusedShortOfApprovals(
  sys: CouncilSystem,
  p: Proposal,
  signers: HardhatEthersSigner[],
  need: number,
): Promise<void> {
  const id = await hashProposal(sys, p);
  await expect(submitWith(sys, p, signers))
    .to.be.revertedWithCustomError(sys.council, "HedgeCouncilInsufficientApprovals")
    .withArgs(id, signers.length, need);
}

/**
 * Submits the Fast proposal `p` with `signers`, expecting the policy's `error(...errorArgs)`. Checks the refusal only:
 * run it inside `expectUnchanged`.
 */
export async function refusedNudge(
  sys: CouncilSystem,
  p: Proposal,
  signers: HardhatEthersSigner[],
  error: string,
  errorArgs: unknown[],
): Promise<void> {
  await expect(submitWith(sys, p, signers))
    .to.be.revertedWithCustomError(sys.policy, error)
    .withArgs(...errorArgs);
}

/** `refusedShortOfApprovals`, with the whole system (and `p`, and `extraScope`) unchanged. */
export async function expectShortOfApprovals(
  sys: CouncilSystem,
  p: Proposal,
  signers: HardhatEthersSigner[],
  need: number,
  extraScope: Proposal[] = [],
): Promise<void> {
  await expectUnchanged(sys, await scopeOf(sys, [p, ...extraScope]), () =>
    refusedShortOfApprovals(sys, p, signers, need),
  );
}

/** `refusedNudge`, with the whole system (and `p`) unchanged. */
export async function expectNudgeRefused(
  sys: CouncilSystem,
  p: Proposal,
  signers: HardhatEthersSigner[],
  error: string,
  errorArgs: unknown[],
): Promise<void> {
  await expectUnchanged(sys, await scopeOf(sys, [p]), () => refusedNudge(sys, p, signers, error, errorArgs));
}

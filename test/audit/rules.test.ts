// The auditor's own rules (scripts/lib/audit/rules.ts, scripts/lib/council) against the contracts they re-derive:
// isLoosening and the tier of a proposal must agree with HedgePolicy.isLoosening and HedgeCouncil.tierOf on random
// inputs, without the auditor ever calling them. Plus the nudge band and the delay rule.
import { expect } from "chai";
import fc from "fast-check";
import { AbiCoder, ZeroAddress } from "ethers";

import { INTERFACES } from "../../scripts/lib/audit/abi";
import { Tier, callTier, proposalTier, requiredDelay } from "../../scripts/lib/audit/rules";
import { isLoosening, nudgeViolation } from "../../scripts/lib/council";
import { defaultPolicy, type PolicyValues } from "../../scripts/lib/policy";
import { deployForAudit, snapshot, type CouncilSystem } from "./helpers";

const layer = fc.record({
  allocationBps: fc.integer({ min: 1, max: 10_000 }),
  tenorDays: fc.integer({ min: 1, max: 730 }),
  triggerVix: fc.integer({ min: 1_000, max: 4_500 }),
  instrument: fc.integer({ min: 0, max: 3 }),
});

/** Policies around the default one, so that each rule of isLoosening is hit both ways. */
const policyArb: fc.Arbitrary<PolicyValues> = fc.record({
  layers: fc.array(layer, { minLength: 1, maxLength: 5 }),
  coverageBps: fc.integer({ min: 2_000, max: 3_000 }),
  scaleStepBps: fc.integer({ min: 500, max: 5_000 }),
  shortDeltaMinBps: fc.integer({ min: 100, max: 2_000 }),
  shortDeltaMaxBps: fc.integer({ min: 2_000, max: 3_000 }),
  wingWidthPts: fc.integer({ min: 30, max: 70 }),
  targetDte: fc.integer({ min: 1, max: 365 }),
  hysteresisVix: fc.integer({ min: 100, max: 300 }),
  maxOracleAge: fc.integer({ min: 3_000, max: 4_000 }),
});

describe("hedge:audit rules agree with the contracts", function () {
  let sys: CouncilSystem;
  let restore: () => Promise<void>;
  before(async () => {
    restore = await snapshot();
    ({ sys } = await deployForAudit());
  });
  after(async () => restore());

  it("isLoosening equals HedgePolicy.isLoosening (random policies against the default one)", async function () {
    const current = defaultPolicy();
    await fc.assert(
      fc.asyncProperty(policyArb, async (next) => {
        expect(isLoosening(current, next)).to.equal(await sys.policy.isLoosening(next));
      }),
      { numRuns: 150 },
    );
  });

  it("the tier of a call equals HedgeCouncil.tierOf (setPolicy of any version and encoding, nudges, other calls)", async function () {
    const ctx = { policy: sys.addresses.policy, version: 1, params: defaultPolicy() };
    const iface = INTERFACES.policy;
    const call = fc.oneof(
      fc
        .tuple(policyArb, fc.constantFrom(0, 1, 1, 1, 2))
        .map(([p, v]) => ({ target: sys.addresses.policy, data: iface.encodeFunctionData("setPolicy", [p, v]) })),
      // A setPolicy whose head points elsewhere than the canonical 0x40.
      policyArb.map((p) => {
        const data = iface.encodeFunctionData("setPolicy", [p, 1]);
        return {
          target: sys.addresses.policy,
          data: data.slice(0, 10) + AbiCoder.defaultAbiCoder().encode(["uint256"], [0x60]).slice(2) + data.slice(74),
        };
      }),
      fc
        .integer({ min: 1_000, max: 3_000 })
        .map((v) => ({ target: sys.addresses.policy, data: iface.encodeFunctionData("nudgeCoverage", [v]) })),
      fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 1_000, max: 4_000 })).map(([l, v]) => ({
        target: sys.addresses.policy,
        data: iface.encodeFunctionData("nudgeTrigger", [l, v]),
      })),
      fc.constant({
        target: sys.addresses.policy,
        data: iface.encodeFunctionData("setSteward", [sys.addresses.council]),
      }),
      fc.constant({ target: sys.addresses.policy, data: "0x1234" }),
      fc.constant({ target: sys.addresses.seats, data: INTERFACES.seats.encodeFunctionData("mint", [ZeroAddress]) }),
      fc.constant({ target: sys.addresses.council, data: iface.encodeFunctionData("nudgeCoverage", [2_600]) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(call, { minLength: 1, maxLength: 3 }), async (calls) => {
        const { tier } = proposalTier(calls.map((c) => callTier(ctx, c.target, c.data)));
        const onChain = await sys.council.tierOf(
          calls.map((c) => c.target),
          calls.map((c) => c.data),
        );
        expect(tier).to.equal(Number(onChain));
      }),
      { numRuns: 150 },
    );
  });

  it("a setPolicy against a policy the replay lost track of is Critical", function () {
    const data = INTERFACES.policy.encodeFunctionData("setPolicy", [defaultPolicy(), 1]);
    const t = callTier({ policy: sys.addresses.policy, version: 1, params: null }, sys.addresses.policy, data);
    expect(t.tier).to.equal(Tier.Critical);
  });

  it("nudges: within maxNudgeBps of the baseline (not of the current value), a change, outside the cooldown", function () {
    const limits = { maxNudgeBps: 1_000, nudgeCooldown: 86_400 };
    const nudge = (current: number, requested: number, lastNudgeAt = 0, now = 1_000) =>
      nudgeViolation(limits, { parameter: 5, baseline: 2_500, current, requested, lastNudgeAt, now });
    expect(nudge(2_500, 2_750)).to.equal(null);
    expect(nudge(2_500, 2_751)).to.match(/outside the band 2250\.\.2750 around its baseline 2500/);
    // From a nudged value, the band is still the baseline's: 2,250 -> 2,025 would be 10 % of the current value.
    expect(nudge(2_250, 2_249)).to.match(/outside the band/);
    expect(nudge(2_250, 2_300)).to.equal(null);
    expect(nudge(2_500, 2_500)).to.match(/does not change/);
    expect(nudge(2_500, 2_600, 1_000, 1_000 + 86_399)).to.match(/within the cooldown/);
    expect(nudge(2_500, 2_600, 1_000, 1_000 + 86_400)).to.equal(null);
  });

  it("the delay a tier needs is never below the timelock's minimum; Fast waits nothing", function () {
    const rules = {
      tiers: [
        { threshold: 2, delay: 0 },
        { threshold: 3, delay: 86_400 },
        { threshold: 4, delay: 259_200 },
      ] as [
        { threshold: number; delay: number },
        { threshold: number; delay: number },
        { threshold: number; delay: number },
      ],
      veto: 2,
      proposalTtl: 604_800,
      gracePeriod: 1_209_600,
    };
    expect(requiredDelay(rules, Tier.Fast, 172_800)).to.equal(0);
    expect(requiredDelay(rules, Tier.Standard, 172_800)).to.equal(172_800);
    expect(requiredDelay(rules, Tier.Critical, 172_800)).to.equal(259_200);
  });
});

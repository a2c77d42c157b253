// The auditor's own rules (scripts/lib/audit/rules.ts, scripts/lib/council) against the contracts they re-derive:
// isLoosening and the tier of a proposal must agree with HedgePolicy.isLoosening and HedgeCouncil.tierOf on random
// inputs, without the auditor ever calling them; each field's class (rules v3: a higher delta min, a lower scale
// step, any oracle-age or DTE change loosen); loosening judged against the approved baseline as well as the nudged
// current policy. Plus the nudge band, the return from the loose side, and the delay rule.
import { expect } from "chai";
import fc from "fast-check";
import { AbiCoder, ZeroAddress } from "ethers";

import { INTERFACES } from "../../scripts/lib/audit/abi";
import { requiredDelay } from "../../scripts/lib/audit/rules";
import { Tier, callTier, proposalTier } from "../../scripts/lib/council";
import { baselineOf, isLoosening, nudgeViolation } from "../../scripts/lib/council";
import { defaultPolicy, toPolicyValues, type PolicyValues } from "../../scripts/lib/policy";
import { nudgeProposal, pass, setPolicyCall, withEdit } from "../helpers/system";
import { deployForAudit, snapshot, type CouncilSystem } from "./helpers";

const layer = fc.record({
  allocationBps: fc.integer({ min: 1, max: 10_000 }),
  tenorDays: fc.integer({ min: 1, max: 730 }),
  triggerVix: fc.integer({ min: 1_000, max: 4_500 }),
  instrument: fc.integer({ min: 0, max: 3 }),
});

const DEFAULT = defaultPolicy();
/** The default value half of the time: a field that loosens on any change must also be left alone. */
const orDefault = (value: number, range: fc.Arbitrary<number>) => fc.oneof(fc.constant(value), range);

/** Policies around the default one, so that each rule of isLoosening is hit both ways. */
const anyPolicy: fc.Arbitrary<PolicyValues> = fc.record({
  layers: fc.oneof(fc.constant(DEFAULT.layers), fc.array(layer, { minLength: 1, maxLength: 5 })),
  coverageBps: fc.integer({ min: 2_000, max: 3_000 }),
  scaleStepBps: orDefault(DEFAULT.scaleStepBps, fc.integer({ min: 500, max: 5_000 })),
  shortDeltaMinBps: orDefault(DEFAULT.shortDeltaMinBps, fc.integer({ min: 100, max: 2_000 })),
  shortDeltaMaxBps: orDefault(DEFAULT.shortDeltaMaxBps, fc.integer({ min: 2_000, max: 3_000 })),
  wingWidthPts: orDefault(DEFAULT.wingWidthPts, fc.integer({ min: 30, max: 70 })),
  targetDte: orDefault(DEFAULT.targetDte, fc.integer({ min: 1, max: 365 })),
  hysteresisVix: orDefault(DEFAULT.hysteresisVix, fc.integer({ min: 100, max: 300 })),
  maxOracleAge: orDefault(DEFAULT.maxOracleAge, fc.integer({ min: 3_000, max: 4_000 })),
});
/** The default policy with fields left alone or moved the protective way: mostly not loosening. */
const protectivePolicy: fc.Arbitrary<PolicyValues> = fc.record({
  layers: fc.constant(DEFAULT.layers),
  coverageBps: fc.integer({ min: DEFAULT.coverageBps, max: 3_000 }),
  scaleStepBps: fc.integer({ min: DEFAULT.scaleStepBps, max: 5_000 }),
  shortDeltaMinBps: fc.integer({ min: 100, max: DEFAULT.shortDeltaMinBps }),
  shortDeltaMaxBps: fc.integer({ min: DEFAULT.shortDeltaMinBps, max: DEFAULT.shortDeltaMaxBps }),
  wingWidthPts: fc.integer({ min: 30, max: DEFAULT.wingWidthPts }),
  targetDte: fc.constant(DEFAULT.targetDte),
  hysteresisVix: fc.integer({ min: DEFAULT.hysteresisVix, max: 300 }),
  maxOracleAge: fc.constant(DEFAULT.maxOracleAge),
});
const policyArb = fc.oneof(anyPolicy, protectivePolicy);

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
    let loosening = 0;
    await fc.assert(
      fc.asyncProperty(policyArb, async (next) => {
        const verdict = isLoosening(current, next);
        if (verdict) loosening++;
        expect(verdict).to.equal(await sys.policy.isLoosening(next));
      }),
      { numRuns: 150 },
    );
    expect(loosening).to.be.within(15, 135); // both verdicts were tried
  });

  it("each field's class: a higher delta min, a lower scale step, any oracle-age or DTE change need Critical", async function () {
    const ctx = { policy: sys.addresses.policy, version: 1, params: defaultPolicy() };
    const cases: [string, (p: PolicyValues) => void, Tier, RegExp][] = [
      ["delta min higher", (p) => (p.shortDeltaMinBps += 100), Tier.Critical, /a higher short delta min/],
      ["delta min lower", (p) => (p.shortDeltaMinBps -= 100), Tier.Standard, /does not loosen/],
      ["scale step lower", (p) => (p.scaleStepBps -= 500), Tier.Critical, /a lower scale-in step/],
      ["scale step higher", (p) => (p.scaleStepBps += 500), Tier.Standard, /does not loosen/],
      ["oracle age shorter", (p) => (p.maxOracleAge = 60), Tier.Critical, /a shorter oracle age \(1 h → 1 min/],
      ["oracle age longer", (p) => (p.maxOracleAge = 7_200), Tier.Critical, /a longer oracle age \(1 h → 2 h/],
      ["DTE shorter", (p) => (p.targetDte -= 1), Tier.Critical, /a shorter condor expiry/],
      ["DTE longer", (p) => (p.targetDte += 1), Tier.Critical, /a longer condor expiry/],
      ["coverage higher", (p) => (p.coverageBps += 100), Tier.Standard, /does not loosen/],
    ];
    for (const [name, edit, tier, reason] of cases) {
      const data = INTERFACES.policy.encodeFunctionData("setPolicy", [withEdit(edit), 1]);
      const derived = callTier(ctx, sys.addresses.policy, data);
      expect(derived.tier, name).to.equal(tier);
      expect(derived.reason, name).to.match(reason);
      expect(await sys.council.tierOf([sys.addresses.policy], [data]), name).to.equal(BigInt(tier));
    }
  });

  it("a setPolicy is judged against the approved baseline too: back part of the way after a loose nudge is Critical", async function () {
    const restoreHere = await snapshot();
    try {
      // Two seats nudge the coverage to the loose side (25 % -> 23 %); a setPolicy to 24 % protects more than the
      // nudged policy but less than the baseline the council approved.
      await pass(sys, nudgeProposal(sys, 2_300, "coverage to 23 %"), sys.holders.slice(0, 2));
      const current = toPolicyValues(await sys.policy.policy());
      const call = await setPolicyCall(
        sys,
        withEdit((p) => (p.coverageBps = 2_400), current),
      );
      const withBaseline = { policy: sys.addresses.policy, version: 1, params: current, baseline: baselineOf(DEFAULT) };
      const derived = callTier(withBaseline, call.target, call.data);
      expect(derived.tier).to.equal(Tier.Critical);
      expect(derived.reason).to.match(/^loosening: less protection than the approved baseline .*25\.00 % → 24\.00 %/);
      expect(await sys.council.tierOf([call.target], [call.data])).to.equal(2n);
      // Without the baseline, the same call would pass as Standard: the comparison is what stops the walk.
      expect(callTier({ ...withBaseline, baseline: null }, call.target, call.data).tier).to.equal(Tier.Standard);
    } finally {
      await restoreHere();
    }
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
    // From the loose side back toward the baseline (baseline included): no cooldown; past the baseline, or from
    // the tight side, the cooldown holds.
    expect(nudge(2_300, 2_400, 1_000, 1_001)).to.equal(null);
    expect(nudge(2_300, 2_500, 1_000, 1_001)).to.equal(null);
    expect(nudge(2_300, 2_600, 1_000, 1_001)).to.match(/within the cooldown/);
    expect(nudge(2_700, 2_500, 1_000, 1_001)).to.match(/within the cooldown/);
    expect(nudge(2_300, 2_250, 1_000, 1_001)).to.match(/within the cooldown/);
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

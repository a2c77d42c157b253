// scripts/lib/council, the one TypeScript home of the council's rules, against the compiled contracts: ids and
// operation ids as the council and the timelock compute them, the governed calldata as the ABI encodes it, the
// protection curve and loosening as HedgePolicy.isLoosening judges them (the design's class table field by field,
// after nudges too, against the baseline), the reasons in words, the nudge band and its cooldown exemption as
// HedgePolicy's nudges enforce them, and the default thresholds.
import { expect } from "chai";
import fc from "fast-check";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { ZeroHash, type Interface } from "ethers";

import {
  COVERAGE_PARAMETER,
  GOVERNED_ABI,
  Tier,
  TIER_NAMES,
  STATE_NAMES,
  baselineOf,
  defaultThresholds,
  descriptionHash,
  encode,
  fieldEffect,
  isLoosening,
  isReturnFromLooseSide,
  looseningReasons,
  nudgeBand,
  nudgeViolation,
  operationIdOf,
  proposalIdOf,
  protectionAt,
  protectionCurve,
  structuralReasons,
  tierName,
  thresholdsViolation,
} from "../../scripts/lib/council";
import { defaultPolicy, toPolicyValues, type PolicyValues } from "../../scripts/lib/policy";
import {
  CouncilSeats__factory,
  HedgeCouncil__factory,
  HedgePolicy__factory,
  TimelockController__factory,
} from "../../typechain-types";
import { DAY, deployCouncilSystem, impersonate, withEdit, type CouncilSystem } from "../helpers/system";
import { LOOSENING_CASES } from "../helpers/hedgePolicy";
import { snapshot } from "../audit/helpers";

/**
 * Valid 3-layer policies around 4/4/2 (what setPolicy could store): triggers strictly increasing (often at or near the
 * baseline's and the nudged values), allocations summing to 10,000, tenors not decreasing, any instruments. The
 * contract compares curves assuming its invariants, so invalid policies are no test of agreement.
 */
const policyArb: fc.Arbitrary<PolicyValues> = fc
  .record({
    triggers: fc
      .uniqueArray(
        fc.oneof(
          fc.integer({ min: 1_000, max: 4_500 }),
          fc.constantFrom(1_800, 2_000, 2_200, 2_700, 2_800, 3_400, 3_500),
        ),
        { minLength: 3, maxLength: 3 },
      )
      .map((t) => [...t].sort((a, b) => a - b)),
    // Mostly 4/4/2, sometimes any split.
    cuts: fc.oneof(
      { weight: 1, arbitrary: fc.constant([4_000, 8_000]) },
      {
        weight: 1,
        arbitrary: fc
          .uniqueArray(fc.integer({ min: 1, max: 9_999 }), { minLength: 2, maxLength: 2 })
          .map((c) => [...c].sort((a, b) => a - b)),
      },
    ),
    // Mostly the default tenors and instruments, so that the curve decides; sometimes any.
    tenors: fc.oneof(
      { weight: 3, arbitrary: fc.constant([30, 90, 180]) },
      {
        weight: 1,
        arbitrary: fc
          .array(fc.integer({ min: 1, max: 730 }), { minLength: 3, maxLength: 3 })
          .map((t) => [...t].sort((a, b) => a - b)),
      },
    ),
    instruments: fc.oneof(
      { weight: 3, arbitrary: fc.constant([1, 0, 3]) },
      { weight: 1, arbitrary: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 3, maxLength: 3 }) },
    ),
    coverageBps: fc.oneof(fc.integer({ min: 2_000, max: 3_000 }), fc.constantFrom(2_250, 2_500)),
  })
  .map(({ triggers, cuts, tenors, instruments, coverageBps }) => {
    const allocations = [cuts[0], cuts[1] - cuts[0], 10_000 - cuts[1]];
    const layers = triggers.map((triggerVix, i) => ({
      allocationBps: allocations[i],
      tenorDays: tenors[i],
      triggerVix,
      instrument: instruments[i],
    }));
    return { ...defaultPolicy(), layers, coverageBps };
  });
/**
 * Policies at least as protective as the baseline (4/4/2 at VIX 20 / 28 / 35, coverage 25 %) and the nudged current
 * policy, or one step past that on a single value: where the two judgements could part, at the boundary.
 */
const nearBoundaryArb: fc.Arbitrary<PolicyValues> = fc
  .record({
    lower: fc.array(fc.integer({ min: 0, max: 500 }), { minLength: 3, maxLength: 3 }),
    coverageBps: fc.integer({ min: 2_500, max: 3_000 }),
    moveDown: fc.integer({ min: 0, max: 1_000 }),
    slip: fc.constantFrom("none", "coverage", "trigger 0", "trigger 1", "trigger 2", "allocation"),
  })
  .map(({ lower, coverageBps, moveDown, slip }) =>
    withEdit((p) => {
      p.layers.forEach((l, i) => (l.triggerVix -= lower[i]));
      p.coverageBps = coverageBps;
      p.layers[0].allocationBps += moveDown; // allocation moved to a lower trigger: never less protection
      p.layers[1].allocationBps -= moveDown;
      if (slip === "coverage") p.coverageBps = 2_499;
      if (slip.startsWith("trigger"))
        p.layers[Number(slip.slice(-1))].triggerVix = defaultPolicy().layers[Number(slip.slice(-1))].triggerVix + 1;
      if (slip === "allocation")
        ((p.layers[0].allocationBps -= moveDown + 1), (p.layers[1].allocationBps += moveDown + 1));
    }),
  );
/** A value near `v`: the same, one either side, or further either side (every direction of every field). */
const near = (v: number, far: number) => fc.constantFrom(v, v - 1, v + 1, v - far, v + far);
/** Every field moved, each independently: the curve, the structure, and the one- and both-direction fields. */
const fullPolicyArb: fc.Arbitrary<PolicyValues> = fc
  .record({
    curve: policyArb,
    scaleStepBps: near(2_500, 500),
    shortDeltaMinBps: near(1_500, 500),
    shortDeltaMaxBps: near(2_500, 500),
    wingWidthPts: near(50, 10),
    targetDte: near(7, 3),
    hysteresisVix: near(200, 100),
    maxOracleAge: near(3_600, 1_800),
  })
  .map(({ curve, ...fields }) => ({ ...curve, ...fields }));

describe("scripts/lib/council: the council's rules in TypeScript", function () {
  let sys: CouncilSystem;
  let restore: () => Promise<void>;
  before(async () => {
    restore = await snapshot();
    sys = await deployCouncilSystem();
  });
  after(async () => restore());

  it("names tiers and states in the contracts' enum order", async function () {
    expect(TIER_NAMES).to.deep.equal(["Fast", "Standard", "Critical"]);
    expect(STATE_NAMES).to.deep.equal(["Unknown", "Pending", "Queued", "Executed", "Vetoed", "Expired"]);
    expect(tierName(Tier.Critical)).to.equal("Critical");
    const nudge = encode.nudgeCoverage(2_600);
    expect(await sys.council.tierOf([sys.addresses.policy], [nudge])).to.equal(BigInt(Tier.Fast));
    expect(await sys.council.tierOf([sys.addresses.seats], [encode.mint(sys.stranger.address)])).to.equal(
      BigInt(Tier.Critical),
    );
  });

  it("computes proposal ids and timelock operations as the council and the timelock do", async function () {
    const calls = {
      targets: [sys.addresses.policy, sys.addresses.council],
      values: [0n, 3n],
      calldatas: [encode.nudgeCoverage(2_600), encode.setVetoThreshold(1)],
      descriptionHash: descriptionHash("ids: a nudge and a veto threshold"),
    };
    const id = proposalIdOf(calls);
    expect(id).to.equal(
      await sys.council.hashProposal(calls.targets, calls.values, calls.calldatas, calls.descriptionHash),
    );
    expect(operationIdOf(calls)).to.equal(
      await sys.timelock.hashOperationBatch(calls.targets, calls.values, calls.calldatas, ZeroHash, id),
    );
    const single = { ...calls, targets: [calls.targets[0]], values: [0n], calldatas: [calls.calldatas[0]] };
    expect(operationIdOf(single)).to.equal(
      await sys.timelock.hashOperation(single.targets[0], 0n, single.calldatas[0], ZeroHash, proposalIdOf(single)),
    );
  });

  it("encodes every governed call as the compiled ABI does", function () {
    const compiled: Record<keyof typeof GOVERNED_ABI, Interface> = {
      policy: HedgePolicy__factory.createInterface(),
      seats: CouncilSeats__factory.createInterface(),
      council: HedgeCouncil__factory.createInterface(),
      timelock: TimelockController__factory.createInterface(),
    };
    for (const contract of Object.keys(GOVERNED_ABI) as (keyof typeof GOVERNED_ABI)[]) {
      GOVERNED_ABI[contract].forEachFunction((f) => {
        expect(compiled[contract].getFunction(f.name)?.selector, `${contract}.${f.name}`).to.equal(f.selector);
      });
    }
    expect(encode.setPolicy(defaultPolicy(), 1)).to.equal(
      compiled.policy.encodeFunctionData("setPolicy", [defaultPolicy(), 1]),
    );
    expect(encode.setTierRule(Tier.Standard, 3, 86_400)).to.equal(
      compiled.council.encodeFunctionData("setTierRule", [1, 3, 86_400]),
    );
  });

  it("draws the protection curve of 4/4/2 and explains a loosening by where protection drops", function () {
    const p = defaultPolicy();
    expect(protectionCurve(p).map((s) => [s.fromVix, s.toVix, s.allocationBps])).to.deep.equal([
      [2_000, 2_800, 4_000],
      [2_800, 3_500, 8_000],
      [3_500, null, 10_000],
    ]);
    expect(protectionAt(p, 1_999)).to.equal(0);
    expect(protectionAt(p, 3_000)).to.equal(2_500 * 8_000);
    // 3/5/2: allocation moved from the lower trigger to the higher one.
    const moved = withEdit((x) => {
      x.layers[0].allocationBps = 3_000;
      x.layers[1].allocationBps = 5_000;
    });
    expect(looseningReasons(p, moved)).to.deep.equal([
      "less protection between VIX 20.00 and 28.00: 40.00 % → 30.00 % of the budget",
    ]);
    // 5/3/2 and lower triggers, higher coverage: no loosening.
    expect(
      isLoosening(
        p,
        withEdit((x) => {
          x.layers[0].allocationBps = 5_000;
          x.layers[1].allocationBps = 3_000;
          x.layers[2].triggerVix = 3_400;
          x.coverageBps = 2_600;
        }),
      ),
    ).to.equal(false);
    expect(
      looseningReasons(
        p,
        withEdit((x) => (x.layers[1].triggerVix = 3_000)),
      ),
    ).to.deep.equal(["less protection between VIX 28.00 and 30.00: 80.00 % → 40.00 % of the budget"]);
    expect(
      looseningReasons(
        p,
        withEdit((x) => {
          x.layers[0].instrument = 0;
          x.layers[2].tenorDays = 90;
          x.wingWidthPts = 60;
        }),
      ),
    ).to.deep.equal([
      "layer 0 changes instrument (VIX call spread → VIX futures)",
      "layer 2 has a shorter tenor (180 → 90 d)",
      "a wider wing (50 → 60 pts)",
    ]);
  });

  it("proposalIdOf of a proposed description's hash is the id the council gives the text", async function () {
    const text = "rules: the id of a proposal made with its text";
    const calls = { targets: [sys.addresses.policy], values: [0n], calldatas: [encode.nudgeCoverage(2_600)] };
    const tx = await sys.council.connect(sys.holders[0]).propose(calls.targets, calls.values, calls.calldatas, text);
    const [created] = await sys.council.queryFilter(sys.council.filters.ProposalCreated(), tx.blockNumber!);
    expect(created.args.description).to.equal(text);
    expect(created.args.id).to.equal(proposalIdOf({ ...calls, descriptionHash: descriptionHash(text) }));
    // The hash's hex text proposed as if it were a description is another proposal.
    expect(proposalIdOf({ ...calls, descriptionHash: descriptionHash(descriptionHash(text)) })).to.not.equal(
      created.args.id,
    );
  });

  describe("the design's class table, against HedgePolicy.isLoosening (no nudge since the last setPolicy)", function () {
    const current = defaultPolicy();
    for (const c of LOOSENING_CASES) {
      it(`${c.class}: ${c.name}: ${c.loosening ? "loosens" : "does not loosen"}`, async function () {
        const next = withEdit(c.edit);
        expect(isLoosening(current, next, baselineOf(current))).to.equal(c.loosening);
        expect(isLoosening(current, next)).to.equal(c.loosening);
        expect(await sys.policy.isLoosening(next)).to.equal(c.loosening);
        if (!c.field) return;
        // One field moved alone: the command line names its effect, and a field outside the curve is its own reason.
        expect(fieldEffect(c.field.name, c.field.before, c.field.after)).to.equal(c.field.effect);
        if (c.class !== "curve") expect(structuralReasons(current, next)).to.have.length(c.loosening ? 1 : 0);
      });
    }

    it("an allocation alone has no effect of its own: the whole curve judges it", function () {
      expect(fieldEffect("allocationBps", 4_000, 3_000)).to.equal("");
      expect(fieldEffect("allocationBps", 4_000, 5_000)).to.equal("");
      expect(fieldEffect("maxOracleAge", 3_600, 3_600)).to.equal("");
    });
  });

  it("isLoosening equals HedgePolicy.isLoosening after nudges, against the current policy and the baseline", async function () {
    const steward = await impersonate(sys.addresses.council);
    await sys.policy.connect(steward).nudgeCoverage(2_250); // the lowest of the band around 2,500
    await sys.policy.connect(steward).nudgeTrigger(0, 2_200);
    const current = toPolicyValues(await sys.policy.policy());
    const [coverageBps, triggers] = await sys.policy.baseline();
    const baseline = { coverageBps: Number(coverageBps), triggers: triggers.map(Number) };
    expect(baseline).to.deep.equal({ coverageBps: 2_500, triggers: [2_000, 2_800, 3_500] });
    // Locking the nudges in with a setPolicy of the nudged values loosens against the approved baseline.
    expect(looseningReasons(current, current, baseline)).to.deep.equal([
      "less protection than the approved baseline between VIX 20.00 and 22.00: 25.00 % coverage × 40.00 % of the budget → 22.50 % × 0.00 %",
      "less protection than the approved baseline from VIX 22.00 up: coverage 25.00 % → 22.50 %",
    ]);
    expect(await sys.policy.isLoosening(current)).to.equal(true);
    const seen = { loosening: 0, not: 0, byTheCurveOnly: 0 };
    const agree = async (next: PolicyValues) => {
      const verdict = isLoosening(current, next, baseline);
      expect(verdict).to.equal(await sys.policy.isLoosening(next));
      seen[verdict ? "loosening" : "not"]++;
      if (verdict && structuralReasons(current, next).length === 0) seen.byTheCurveOnly++;
    };
    await fc.assert(fc.asyncProperty(policyArb, agree), { numRuns: 100 });
    await fc.assert(fc.asyncProperty(nearBoundaryArb, agree), { numRuns: 100 });
    // Every other field moved too, each either way.
    await fc.assert(fc.asyncProperty(fullPolicyArb, agree), { numRuns: 200 });
    // Both verdicts were reached, and the curve alone decided some of the loosening ones.
    expect(seen.loosening).to.be.greaterThan(20);
    expect(seen.not).to.be.greaterThan(20);
    expect(seen.byTheCurveOnly).to.be.greaterThan(10);
  });

  it("nudgeViolation and isReturnFromLooseSide predict every nudge as HedgePolicy enforces it", async function () {
    // Every run starts from the policy as the test before left it (coverage and layer 0 nudged to the loose edge).
    let restore = await snapshot();
    const steward = await impersonate(sys.addresses.council);
    const POLICY_ERRORS = ["HedgePolicyNudgeUnchanged", "HedgePolicyNudgeOutsideBand", "HedgePolicyNudgeCoolingDown"];
    /** One nudge: which parameter, which of the interesting values, how long after the previous one. */
    const step = fc.record({
      parameter: fc.constantFrom(0, 1, 2, COVERAGE_PARAMETER),
      pick: fc.nat(),
      wait: fc.constantFrom(1, 3_600, DAY - 1, DAY),
      limits: fc.constantFrom<[number, number] | null>(null, [1_000, DAY], [500, DAY], [2_000, 3_600], [0, DAY]),
    });
    let exempt = 0;
    let refused = 0;
    let done = 0;
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 8 }), async (steps) => {
          await restore();
          restore = await snapshot();
          for (const { parameter, pick, wait, limits: newLimits } of steps) {
            if (newLimits)
              await sys.policy.connect(await impersonate(sys.addresses.timelock)).setNudgeLimits(...newLimits);
            const p = toPolicyValues(await sys.policy.policy());
            const [baseCoverage, baseTriggers] = await sys.policy.baseline();
            const [maxNudgeBps, nudgeCooldown] = (await sys.policy.nudgeLimits()).map(Number);
            const isCoverage = parameter === COVERAGE_PARAMETER;
            const baseline = Number(isCoverage ? baseCoverage : baseTriggers[parameter]);
            const current = isCoverage ? p.coverageBps : p.layers[parameter].triggerVix;
            const { maxStep } = nudgeBand(baseline, maxNudgeBps);
            const candidates = [
              baseline,
              baseline - maxStep,
              baseline + maxStep,
              baseline - maxStep - 1,
              baseline + maxStep + 1,
              baseline - 1,
              baseline + 1,
              current - 1,
              current + 1,
              Math.floor((current + baseline) / 2),
              current,
            ];
            const requested = candidates[pick % candidates.length];
            const lastNudgeAt = Number(await sys.policy.lastNudgeAt(parameter));
            const now = (await time.latest()) + wait;
            const nudge = { parameter, baseline, current, requested, lastNudgeAt, now };
            const violation = nudgeViolation({ maxNudgeBps, nudgeCooldown }, nudge);
            // The invariants, which the band rules do not know: triggers strictly increasing, values in range.
            const below = parameter > 0 && !isCoverage ? p.layers[parameter - 1].triggerVix : -Infinity;
            const above =
              !isCoverage && parameter + 1 < p.layers.length ? p.layers[parameter + 1].triggerVix : Infinity;
            const breaksInvariant = isCoverage
              ? requested < 500 || requested > 10_000
              : requested <= below || requested >= above || requested < 1_000 || requested > 10_000;
            await time.setNextBlockTimestamp(now);
            const call = isCoverage
              ? sys.policy.connect(steward).nudgeCoverage(requested)
              : sys.policy.connect(steward).nudgeTrigger(parameter, requested);
            let error: string | null = null;
            try {
              await (await call).wait();
            } catch (e) {
              const data = (e as { data?: string }).data;
              error = data ? (sys.policy.interface.parseError(data)?.name ?? "unknown") : String(e);
            }
            const what = JSON.stringify({ ...nudge, maxNudgeBps, nudgeCooldown, violation, error });
            if (violation !== null) {
              expect(POLICY_ERRORS, what).to.include(error);
              refused++;
            } else if (breaksInvariant) {
              expect(error, what).to.match(/^HedgePolicy(TriggerNotIncreasing|TriggerOutOfRange|CoverageOutOfRange)$/);
            } else {
              expect(error, what).to.equal(null);
              // A return from the loose side does not restart the cooldown; any other nudge does.
              const returning = isReturnFromLooseSide(nudge);
              if (returning) exempt++;
              expect(await sys.policy.lastNudgeAt(parameter), what).to.equal(BigInt(returning ? lastNudgeAt : now));
              done++;
            }
          }
        }),
        { numRuns: 40 },
      );
      // The property saw each outcome.
      expect(exempt, "exempt returns").to.be.greaterThan(0);
      expect(refused, "refused nudges").to.be.greaterThan(0);
      expect(done - exempt, "ordinary nudges").to.be.greaterThan(0);
    } finally {
      await restore();
    }
  });

  it("bounds nudges by a band around the baseline, and gives the default thresholds of the rules", function () {
    expect(nudgeBand(2_500, 1_000)).to.deep.equal({ min: 2_250, max: 2_750, maxStep: 250 });
    expect(defaultThresholds(3)).to.deep.equal({ fast: 2, standard: 2, critical: 2, veto: 1 });
    expect(defaultThresholds(5)).to.deep.equal({ fast: 2, standard: 3, critical: 4, veto: 2 });
    for (let n = 1; n <= 48; n++) expect(thresholdsViolation(defaultThresholds(n), n), `${n} seats`).to.equal(null);
    expect(thresholdsViolation({ fast: 1, standard: 2, critical: 2, veto: 1 }, 3)).to.match(/min\(2, seats\) = 2/);
  });
});

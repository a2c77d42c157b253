// scripts/lib/council, the one TypeScript home of the council's rules, against the compiled contracts: ids and
// operation ids as the council and the timelock compute them, the governed calldata as the ABI encodes it, the
// protection curve and loosening as HedgePolicy.isLoosening judges them (after nudges too, against the baseline),
// the reasons in words, the nudge band and the default thresholds.
import { expect } from "chai";
import fc from "fast-check";
import { ZeroHash, id as keccakId, type Interface } from "ethers";

import {
  GOVERNED_ABI,
  Tier,
  TIER_NAMES,
  STATE_NAMES,
  defaultThresholds,
  encode,
  isLoosening,
  looseningReasons,
  nudgeBand,
  operationIdOf,
  proposalIdOf,
  protectionAt,
  protectionCurve,
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
import { deployCouncilSystem, impersonate, withEdit, type CouncilSystem } from "../helpers/system";
import { snapshot } from "../audit/helpers";

const layer = fc.record({
  allocationBps: fc.integer({ min: 1, max: 10_000 }),
  tenorDays: fc.integer({ min: 1, max: 730 }),
  triggerVix: fc.integer({ min: 1_000, max: 4_500 }),
  instrument: fc.integer({ min: 0, max: 3 }),
});
const policyArb: fc.Arbitrary<PolicyValues> = fc
  .record({
    layers: fc.array(layer, { minLength: 3, maxLength: 3 }),
    coverageBps: fc.integer({ min: 2_000, max: 3_000 }),
  })
  .map(({ layers, coverageBps }) => ({ ...defaultPolicy(), layers, coverageBps }));

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
      salt: keccakId("ids"),
    };
    const id = proposalIdOf(calls);
    expect(id).to.equal(await sys.council.hashProposal(calls.targets, calls.values, calls.calldatas, calls.salt));
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
    await fc.assert(
      fc.asyncProperty(policyArb, async (next) => {
        expect(isLoosening(current, next, baseline)).to.equal(await sys.policy.isLoosening(next));
      }),
      { numRuns: 100 },
    );
  });

  it("bounds nudges by a band around the baseline, and gives the default thresholds of the rules", function () {
    expect(nudgeBand(2_500, 1_000)).to.deep.equal({ min: 2_250, max: 2_750, maxStep: 250 });
    expect(defaultThresholds(3)).to.deep.equal({ fast: 2, standard: 2, critical: 2, veto: 1 });
    expect(defaultThresholds(5)).to.deep.equal({ fast: 2, standard: 3, critical: 4, veto: 2 });
    for (let n = 1; n <= 48; n++) expect(thresholdsViolation(defaultThresholds(n), n), `${n} seats`).to.equal(null);
    expect(thresholdsViolation({ fast: 1, standard: 2, critical: 2, veto: 1 }, 3)).to.match(/min\(2, seats\) = 2/);
  });
});

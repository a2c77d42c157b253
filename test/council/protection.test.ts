// The protection curves of two policies side by side, the VIX ranges where a change gives less protection, in numbers
// and in words, where nudges alone can take the curve, and the policy a proposal's calls leave
// (scripts/lib/council): what the console's chart draws and says, and what the command line can print. Pure: no
// chain. The ranges must agree with `protectionDrops`, the tier rule's own judgement of where protection drops.
import { expect } from "chai";
import fc from "fast-check";

import {
  FULL_PROTECTION,
  compareProtection,
  fmtProtection,
  fmtProtectionChange,
  lossText,
  nudgeBand,
  nudgeEnvelope,
  policyAfterActions,
  protectionAt,
  protectionDrops,
  protectionLosses,
  type CallAction,
  type ComparedStep,
} from "../../scripts/lib/council";
import { defaultPolicy, type PolicyValues } from "../../scripts/lib/policy";

/** 4/4/2 (triggers 20, 28, 35; coverage 25 %) with `edit` applied. */
function edited(edit: (p: PolicyValues) => void): PolicyValues {
  const p = defaultPolicy();
  edit(p);
  return p;
}

/** The steps as [from, to, before %, after %]: easier to read than the units (10^8 = the whole notional). */
const rows = (steps: ComparedStep[]) =>
  steps.map((s) => [s.fromVix, s.toVix, (s.before / FULL_PROTECTION) * 100, (s.after / FULL_PROTECTION) * 100]);

describe("protection curves compared (the chart's numbers and words)", function () {
  it("4/4/2 against itself: three steps from the first trigger, the top one open-ended, no loss", function () {
    const p = defaultPolicy();
    expect(rows(compareProtection(p, p))).to.deep.equal([
      [2_000, 2_800, 10, 10],
      [2_800, 3_500, 20, 20],
      [3_500, null, 25, 25],
    ]);
    expect(protectionLosses(p, p)).to.deep.equal([]);
  });

  it("a trigger raised from 35 to 40: less protection between VIX 35.00 and 40.00, 25 % → 20 %", function () {
    const next = edited((p) => (p.layers[2].triggerVix = 4_000));
    expect(rows(compareProtection(defaultPolicy(), next))).to.deep.equal([
      [2_000, 2_800, 10, 10],
      [2_800, 3_500, 20, 20],
      [3_500, 4_000, 25, 20],
      [4_000, null, 25, 25],
    ]);
    const losses = protectionLosses(defaultPolicy(), next);
    expect(losses.map((l) => [l.fromVix, l.toVix, rows(l.steps)])).to.deep.equal([
      [3_500, 4_000, [[3_500, 4_000, 25, 20]]],
    ]);
    expect(losses.map(lossText)).to.deep.equal([
      "less protection between VIX 35.00 and 40.00: 25.00 % → 20.00 % of the condor notional",
    ]);
    // The other way round it tightens: no loss.
    expect(protectionLosses(next, defaultPolicy())).to.deep.equal([]);
  });

  it("the coverage lowered everywhere: one range from the first trigger up, each step in words", function () {
    const next = edited((p) => (p.coverageBps = 2_000));
    const losses = protectionLosses(defaultPolicy(), next);
    expect(losses).to.have.length(1);
    expect([losses[0].fromVix, losses[0].toVix]).to.deep.equal([2_000, null]);
    expect(rows(losses[0].steps)).to.deep.equal([
      [2_000, 2_800, 10, 8],
      [2_800, 3_500, 20, 16],
      [3_500, null, 25, 20],
    ]);
    expect(lossText(losses[0])).to.equal(
      "less protection from VIX 20.00 up: 10.00 % → 8.00 % (VIX 20.00–28.00), 20.00 % → 16.00 % (VIX 28.00–35.00)," +
        " 25.00 % → 20.00 % (from VIX 35.00) of the condor notional",
    );
  });

  it("equal triggers: shared levels make no empty step; two layers at one level are one step", function () {
    // Allocation moved from layer 0 to layer 1, the triggers unchanged: the steps are the shared levels.
    const moved = edited((p) => {
      p.layers[0].allocationBps = 3_000;
      p.layers[1].allocationBps = 5_000;
    });
    expect(rows(compareProtection(defaultPolicy(), moved))).to.deep.equal([
      [2_000, 2_800, 10, 7.5],
      [2_800, 3_500, 20, 20],
      [3_500, null, 25, 25],
    ]);
    expect(protectionLosses(defaultPolicy(), moved).map(lossText)).to.deep.equal([
      "less protection between VIX 20.00 and 28.00: 10.00 % → 7.50 % of the condor notional",
    ]);
    // A draft (the editor shows unfinished ones) with layer 1's trigger raised onto layer 2's: one step at 35.
    const stacked = edited((p) => (p.layers[1].triggerVix = 3_500));
    const steps = compareProtection(defaultPolicy(), stacked);
    for (const s of steps) if (s.toVix !== null) expect(s.toVix).to.be.above(s.fromVix);
    expect(rows(steps)).to.deep.equal([
      [2_000, 2_800, 10, 10],
      [2_800, 3_500, 20, 10],
      [3_500, null, 25, 25],
    ]);
    expect(protectionLosses(defaultPolicy(), stacked).map(lossText)).to.deep.equal([
      "less protection between VIX 28.00 and 35.00: 20.00 % → 10.00 % of the condor notional",
    ]);
  });

  it("a layer removed: one range over two steps; removed without re-allocating, an open-ended top range", function () {
    // Layer 0 (VIX 20, 40 %) removed, its budget split 60/40 between the others: nothing engages below 28, and
    // less up to 35.
    const removed = edited((p) => {
      p.layers.splice(0, 1);
      p.layers[0].allocationBps = 6_000;
      p.layers[1].allocationBps = 4_000;
    });
    const losses = protectionLosses(defaultPolicy(), removed);
    expect(losses.map((l) => [l.fromVix, l.toVix, rows(l.steps)])).to.deep.equal([
      [
        2_000,
        3_500,
        [
          [2_000, 2_800, 10, 0],
          [2_800, 3_500, 20, 15],
        ],
      ],
    ]);
    expect(lossText(losses[0])).to.equal(
      "less protection between VIX 20.00 and 35.00: 10.00 % → 0.00 % (VIX 20.00–28.00), 20.00 % → 15.00 %" +
        " (VIX 28.00–35.00) of the condor notional",
    );
    // Layer 2 dropped from a draft, its 20 % given to nobody: less protection at every level from 35 up.
    const dropped = edited((p) => p.layers.pop());
    expect(protectionLosses(defaultPolicy(), dropped).map(lossText)).to.deep.equal([
      "less protection from VIX 35.00 up: 25.00 % → 20.00 % of the condor notional",
    ]);
  });

  it("percentages with as many decimals as it takes to tell them apart (exact at six)", function () {
    expect(fmtProtection(20_000_000)).to.equal("20.00 %");
    expect(fmtProtection(2_501 * 3_333, 6)).to.equal("8.335833 %");
    expect(fmtProtectionChange(25_000_000, 20_000_000)).to.equal("25.00 % → 20.00 %");
    // Coverage 25.00 % → 24.99 % at 40 % of the budget: 10.000 % → 9.996 %, never "10.00 % → 10.00 %".
    expect(fmtProtectionChange(2_500 * 4_000, 2_499 * 4_000)).to.equal("10.000 % → 9.996 %");
    expect(fmtProtectionChange(2_500 * 4_000, 2_500 * 4_000 - 1)).to.equal("10.000000 % → 9.999999 %");
    const tiny = protectionLosses(
      defaultPolicy(),
      edited((p) => (p.coverageBps = 2_499)),
    );
    expect(lossText(tiny[0])).to.match(
      /^less protection from VIX 20\.00 up: 10\.000 % → 9\.996 % \(VIX 20\.00–28\.00\)/,
    );
  });

  /** Policies as the editor may hold them: 1 to 5 layers, any triggers (equal ones too), allocations not summing to 100 %. */
  const draftArb: fc.Arbitrary<PolicyValues> = fc
    .record({
      layers: fc.array(
        fc.record({
          triggerVix: fc.oneof(fc.integer({ min: 1_000, max: 6_000 }), fc.constantFrom(2_000, 2_800, 3_500)),
          allocationBps: fc.oneof(fc.integer({ min: 0, max: 10_000 }), fc.constantFrom(2_000, 4_000)),
        }),
        { minLength: 1, maxLength: 5 },
      ),
      coverageBps: fc.oneof(fc.integer({ min: 500, max: 10_000 }), fc.constant(2_500)),
    })
    .map(({ layers, coverageBps }) => ({
      ...defaultPolicy(),
      coverageBps,
      layers: layers.map((l) => ({ ...l, tenorDays: 30, instrument: 0 })),
    }));

  it("steps cover every level from the first trigger up, each as protectionAt says; losses agree with the tier rule", function () {
    fc.assert(
      fc.property(draftArb, draftArb, fc.array(fc.integer({ min: 0, max: 12_000 }), { maxLength: 8 }), (a, b, vs) => {
        const steps = compareProtection(a, b);
        // Contiguous, non-empty, open at the top, adjacent ones different.
        steps.forEach((s, i) => {
          if (i + 1 < steps.length) {
            expect(s.toVix).to.equal(steps[i + 1].fromVix);
            expect(s.toVix!).to.be.above(s.fromVix);
            expect([s.before, s.after]).to.not.deep.equal([steps[i + 1].before, steps[i + 1].after]);
          } else expect(s.toVix).to.equal(null);
        });
        for (const v of vs) {
          const s = steps.find((x) => x.fromVix <= v && (x.toVix === null || v < x.toVix));
          if (!s) {
            expect([protectionAt(a, v), protectionAt(b, v)]).to.deep.equal([0, 0]);
            continue;
          }
          expect([s.before, s.after]).to.deep.equal([protectionAt(a, v), protectionAt(b, v)]);
        }
        // Where protection drops, the same levels as the tier rule's `protectionDrops`, as a union of intervals.
        const losses = protectionLosses(a, b);
        const inLoss = (v: number) => losses.some((l) => l.fromVix <= v && (l.toVix === null || v < l.toVix));
        const inDrop = (v: number) =>
          protectionDrops(a, b).some((d) => d.fromVix <= v && (d.toVix === null || v < d.toVix));
        for (const v of [...vs, ...steps.map((s) => s.fromVix)]) expect(inLoss(v), `VIX ${v}`).to.equal(inDrop(v));
        for (const l of losses) {
          expect(l.steps.length).to.be.above(0);
          expect([l.steps[0].fromVix, l.steps.at(-1)!.toVix]).to.deep.equal([l.fromVix, l.toVix]);
          for (const s of l.steps) expect(s.after).to.be.below(s.before);
        }
        // Separate ranges: a level between two losses protects at least as much.
        for (let i = 1; i < losses.length; i++) expect(losses[i].fromVix).to.be.above(losses[i - 1].toVix!);
      }),
      { numRuns: 500 },
    );
  });
});

describe("where nudges alone can take the curve (the band around the baseline)", function () {
  it("4/4/2 with ±10 %: every trigger and the coverage at the edge of its band", function () {
    const p = defaultPolicy();
    const { loosest, tightest } = nudgeEnvelope(p, { coverageBps: 2_500, triggers: [2_000, 2_800, 3_500] }, 1_000);
    expect(loosest.layers.map((l) => l.triggerVix)).to.deep.equal([2_200, 3_080, 3_850]);
    expect(loosest.coverageBps).to.equal(2_250);
    expect(tightest.layers.map((l) => l.triggerVix)).to.deep.equal([1_800, 2_520, 3_150]);
    expect(tightest.coverageBps).to.equal(2_750);
    // Around the baseline, not the current values: a nudged policy has the same envelope.
    const nudged = edited((x) => {
      x.layers[1].triggerVix = 3_000;
      x.coverageBps = 2_300;
    });
    expect(nudgeEnvelope(nudged, { coverageBps: 2_500, triggers: [2_000, 2_800, 3_500] }, 1_000)).to.deep.equal({
      loosest,
      tightest,
    });
  });

  it("clamped to the invariants' ranges (VIX 10 to 100, coverage 5 % to 100 %)", function () {
    const p = edited((x) => {
      x.layers[0].triggerVix = 1_050;
      x.layers[2].triggerVix = 9_600;
      x.coverageBps = 9_500;
    });
    const { loosest, tightest } = nudgeEnvelope(p, { coverageBps: 9_500, triggers: [1_050, 2_800, 9_600] }, 1_000);
    expect(loosest.layers[2].triggerVix).to.equal(10_000);
    expect(tightest.layers[0].triggerVix).to.equal(1_000);
    expect(tightest.coverageBps).to.equal(10_000);
  });

  it("any policy the nudges can reach lies between the two curves", function () {
    const baseline = { coverageBps: 2_500, triggers: [2_000, 2_800, 3_500] };
    const { loosest, tightest } = nudgeEnvelope(defaultPolicy(), baseline, 1_000);
    const within = (b: number) => fc.integer({ min: nudgeBand(b, 1_000).min, max: nudgeBand(b, 1_000).max });
    fc.assert(
      fc.property(
        within(2_000),
        within(2_800),
        within(3_500),
        within(2_500),
        fc.integer({ min: 0, max: 6_000 }),
        (t0, t1, t2, coverage, v) => {
          const p = edited((x) => {
            [x.layers[0].triggerVix, x.layers[1].triggerVix, x.layers[2].triggerVix] = [t0, t1, t2];
            x.coverageBps = coverage;
          });
          expect(protectionAt(p, v)).to.be.within(protectionAt(loosest, v), protectionAt(tightest, v));
        },
      ),
    );
  });
});

describe("the policy a proposal's calls leave", function () {
  const p = defaultPolicy();
  it("a setPolicy replaces it; nudges move one trigger or the coverage, in order; other calls leave none", function () {
    const next = edited((x) => (x.layers[2].triggerVix = 4_000));
    expect(policyAfterActions(p, [{ kind: "setPolicy", policy: next, expectedVersion: 1 }])).to.deep.equal(next);
    const actions: CallAction[] = [
      { kind: "setPolicy", policy: next, expectedVersion: 1 },
      { kind: "nudgeTrigger", layer: 2, triggerVix: 3_900 },
      { kind: "nudgeCoverage", coverageBps: 2_600 },
      { kind: "setVetoThreshold", threshold: 2 },
    ];
    expect(policyAfterActions(p, actions)).to.deep.equal(
      edited((x) => {
        x.layers[2].triggerVix = 3_900;
        x.coverageBps = 2_600;
      }),
    );
    expect(policyAfterActions(p, [{ kind: "mint", holder: "0x" + "11".repeat(20) }])).to.equal(null);
    // The policy it started from is left as it was.
    expect(p).to.deep.equal(defaultPolicy());
  });
});

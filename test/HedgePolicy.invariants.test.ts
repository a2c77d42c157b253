// HedgePolicy invariants at their boundaries, through setPolicy: the value just inside is stored, the value just
// outside reverts with the error that names the rule and leaves the state as it was.
import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";

import { defaultPolicy, Instrument, type PolicyValues } from "../scripts/lib/policy";
import {
  currentPolicy,
  deployHedgePolicy,
  expectUnchanged,
  hashPolicy,
  policyWithLayers,
  snapshotState,
  withEdit,
} from "./helpers/hedgePolicy";

async function fixture() {
  return deployHedgePolicy();
}

type Edit = (p: PolicyValues) => void;

interface Boundary {
  rule: string;
  /** Valid policies just inside the bound. */
  inside: [string, () => PolicyValues][];
  /** Invalid policies just outside it, with the error and its arguments. */
  outside: [string, () => PolicyValues, string, unknown[]][];
}

const layer = (allocationBps: number, tenorDays: number, triggerVix: number, instrument = Instrument.VixFutures) => ({
  allocationBps,
  tenorDays,
  triggerVix,
  instrument,
});

const edit = (e: Edit) => () => withEdit(e);

const boundaries: Boundary[] = [
  {
    rule: "1 <= layers <= 5",
    inside: [
      ["1 layer", () => policyWithLayers(1)],
      ["5 layers", () => policyWithLayers(5)],
    ],
    outside: [
      ["0 layers", edit((p) => (p.layers = [])), "HedgePolicyLayerCountOutOfRange", [0n]],
      ["6 layers", () => policyWithLayers(6), "HedgePolicyLayerCountOutOfRange", [6n]],
    ],
  },
  {
    rule: "every allocation > 0",
    inside: [
      ["allocation 1 in layer 0", edit((p) => ((p.layers[0].allocationBps = 1), (p.layers[1].allocationBps = 7_999)))],
      ["allocation 1 in layer 2", edit((p) => ((p.layers[2].allocationBps = 1), (p.layers[1].allocationBps = 5_999)))],
    ],
    outside: [
      [
        "allocation 0 in layer 0",
        edit((p) => ((p.layers[0].allocationBps = 0), (p.layers[1].allocationBps = 8_000))),
        "HedgePolicyAllocationZero",
        [0n],
      ],
      [
        "allocation 0 in layer 1",
        edit((p) => ((p.layers[1].allocationBps = 0), (p.layers[0].allocationBps = 8_000))),
        "HedgePolicyAllocationZero",
        [1n],
      ],
      [
        "allocation 0 in layer 2",
        edit((p) => ((p.layers[2].allocationBps = 0), (p.layers[1].allocationBps = 6_000))),
        "HedgePolicyAllocationZero",
        [2n],
      ],
    ],
  },
  {
    rule: "allocations sum to 10,000",
    inside: [
      [
        "4/4/2 re-allocated to 5/3/2",
        edit((p) => ((p.layers[0].allocationBps = 5_000), (p.layers[1].allocationBps = 3_000))),
      ],
    ],
    outside: [
      [
        "sum 9,999",
        edit((p) => (p.layers[2].allocationBps = 1_999)),
        "HedgePolicyAllocationSumNot100Percent",
        [9_999n],
      ],
      [
        "sum 10,001",
        edit((p) => (p.layers[2].allocationBps = 2_001)),
        "HedgePolicyAllocationSumNot100Percent",
        [10_001n],
      ],
      [
        "sum beyond uint16 (3 x 65,535)",
        edit((p) => p.layers.forEach((l) => (l.allocationBps = 65_535))),
        "HedgePolicyAllocationSumNot100Percent",
        [3n * 65_535n],
      ],
    ],
  },
  {
    rule: "triggers within 1,000..10,000",
    inside: [
      ["lowest trigger 1,000", edit((p) => (p.layers[0].triggerVix = 1_000))],
      ["highest trigger 10,000", edit((p) => (p.layers[2].triggerVix = 10_000))],
    ],
    outside: [
      [
        "trigger 999 in layer 0",
        edit((p) => (p.layers[0].triggerVix = 999)),
        "HedgePolicyTriggerOutOfRange",
        [0n, 999n],
      ],
      [
        "trigger 10,001 in layer 2",
        edit((p) => (p.layers[2].triggerVix = 10_001)),
        "HedgePolicyTriggerOutOfRange",
        [2n, 10_001n],
      ],
      [
        "trigger 65,536 (0 in a 16-bit field) in layer 2",
        edit((p) => (p.layers[2].triggerVix = 65_536)),
        "HedgePolicyTriggerOutOfRange",
        [2n, 65_536n],
      ],
      [
        "trigger 2^32 - 1 in layer 2",
        edit((p) => (p.layers[2].triggerVix = 2 ** 32 - 1)),
        "HedgePolicyTriggerOutOfRange",
        [2n, 2n ** 32n - 1n],
      ],
      [
        "trigger 0 in the only layer",
        () => withEdit((p) => (p.layers[0].triggerVix = 0), policyWithLayers(1)),
        "HedgePolicyTriggerOutOfRange",
        [0n, 0n],
      ],
    ],
  },
  {
    rule: "triggers strictly increase",
    inside: [
      ["layer 1 one above layer 0", edit((p) => (p.layers[1].triggerVix = 2_001))],
      ["layer 2 one above layer 1", edit((p) => (p.layers[2].triggerVix = 2_801))],
    ],
    outside: [
      [
        "layer 1 equal to layer 0",
        edit((p) => (p.layers[1].triggerVix = 2_000)),
        "HedgePolicyTriggerNotIncreasing",
        [1n, 2_000n, 2_000n],
      ],
      [
        "layer 1 below layer 0",
        edit((p) => (p.layers[1].triggerVix = 1_999)),
        "HedgePolicyTriggerNotIncreasing",
        [1n, 2_000n, 1_999n],
      ],
      [
        "layer 2 equal to layer 1",
        edit((p) => (p.layers[2].triggerVix = 2_800)),
        "HedgePolicyTriggerNotIncreasing",
        [2n, 2_800n, 2_800n],
      ],
      [
        "layers in falling order",
        edit((p) => p.layers.reverse().forEach((l, i) => (l.tenorDays = 30 * (i + 1)))),
        "HedgePolicyTriggerNotIncreasing",
        [1n, 3_500n, 2_800n],
      ],
    ],
  },
  {
    rule: "tenors within 1..730",
    inside: [
      ["tenor 1 in layer 0", edit((p) => (p.layers[0].tenorDays = 1))],
      ["tenor 730 in layer 2", edit((p) => (p.layers[2].tenorDays = 730))],
    ],
    outside: [
      ["tenor 0 in layer 0", edit((p) => (p.layers[0].tenorDays = 0)), "HedgePolicyTenorOutOfRange", [0n, 0n]],
      ["tenor 731 in layer 2", edit((p) => (p.layers[2].tenorDays = 731)), "HedgePolicyTenorOutOfRange", [2n, 731n]],
      [
        "tenor 65,535 in layer 2",
        edit((p) => (p.layers[2].tenorDays = 65_535)),
        "HedgePolicyTenorOutOfRange",
        [2n, 65_535n],
      ],
    ],
  },
  {
    rule: "tenors do not decrease",
    inside: [
      ["layer 1 tenor equal to layer 0", edit((p) => (p.layers[1].tenorDays = 30))],
      ["all tenors equal", edit((p) => p.layers.forEach((l) => (l.tenorDays = 90)))],
    ],
    outside: [
      [
        "layer 1 tenor one below layer 0",
        edit((p) => (p.layers[1].tenorDays = 29)),
        "HedgePolicyTenorDecreasing",
        [1n, 30n, 29n],
      ],
      [
        "layer 2 tenor one below layer 1",
        edit((p) => (p.layers[2].tenorDays = 89)),
        "HedgePolicyTenorDecreasing",
        [2n, 90n, 89n],
      ],
    ],
  },
  {
    rule: "coverage within 500..10,000",
    inside: [
      ["coverage 500", edit((p) => (p.coverageBps = 500))],
      ["coverage 10,000", edit((p) => (p.coverageBps = 10_000))],
    ],
    outside: [
      ["coverage 499", edit((p) => (p.coverageBps = 499)), "HedgePolicyCoverageOutOfRange", [499n]],
      ["coverage 10,001", edit((p) => (p.coverageBps = 10_001)), "HedgePolicyCoverageOutOfRange", [10_001n]],
    ],
  },
  {
    rule: "scale step within 500..5,000",
    inside: [
      ["scale step 500", edit((p) => (p.scaleStepBps = 500))],
      ["scale step 5,000", edit((p) => (p.scaleStepBps = 5_000))],
    ],
    outside: [
      ["scale step 499", edit((p) => (p.scaleStepBps = 499)), "HedgePolicyScaleStepOutOfRange", [499n]],
      ["scale step 5,001", edit((p) => (p.scaleStepBps = 5_001)), "HedgePolicyScaleStepOutOfRange", [5_001n]],
    ],
  },
  {
    rule: "100 <= delta min <= delta max <= 5,000",
    inside: [
      ["delta min 100", edit((p) => (p.shortDeltaMinBps = 100))],
      ["delta min == delta max", edit((p) => (p.shortDeltaMinBps = 2_500))],
      ["delta max 5,000", edit((p) => (p.shortDeltaMaxBps = 5_000))],
      ["delta min == delta max == 5,000", edit((p) => ((p.shortDeltaMinBps = 5_000), (p.shortDeltaMaxBps = 5_000)))],
    ],
    outside: [
      ["delta min 99", edit((p) => (p.shortDeltaMinBps = 99)), "HedgePolicyDeltaBandInvalid", [99n, 2_500n]],
      [
        "delta min one above delta max",
        edit((p) => (p.shortDeltaMinBps = 2_501)),
        "HedgePolicyDeltaBandInvalid",
        [2_501n, 2_500n],
      ],
      ["delta max 5,001", edit((p) => (p.shortDeltaMaxBps = 5_001)), "HedgePolicyDeltaBandInvalid", [1_500n, 5_001n]],
      [
        "delta min == delta max == 5,001",
        edit((p) => ((p.shortDeltaMinBps = 5_001), (p.shortDeltaMaxBps = 5_001))),
        "HedgePolicyDeltaBandInvalid",
        [5_001n, 5_001n],
      ],
    ],
  },
  {
    rule: "wing width within 5..500",
    inside: [
      ["wing 5", edit((p) => (p.wingWidthPts = 5))],
      ["wing 500", edit((p) => (p.wingWidthPts = 500))],
    ],
    outside: [
      ["wing 4", edit((p) => (p.wingWidthPts = 4)), "HedgePolicyWingWidthOutOfRange", [4n]],
      ["wing 501", edit((p) => (p.wingWidthPts = 501)), "HedgePolicyWingWidthOutOfRange", [501n]],
    ],
  },
  {
    rule: "target DTE within 1..365",
    inside: [
      ["DTE 1", edit((p) => (p.targetDte = 1))],
      ["DTE 365", edit((p) => (p.targetDte = 365))],
    ],
    outside: [
      ["DTE 0", edit((p) => (p.targetDte = 0)), "HedgePolicyTargetDteOutOfRange", [0n]],
      ["DTE 366", edit((p) => (p.targetDte = 366)), "HedgePolicyTargetDteOutOfRange", [366n]],
    ],
  },
  {
    rule: "hysteresis <= 1,000",
    inside: [
      ["hysteresis 0", edit((p) => (p.hysteresisVix = 0))],
      ["hysteresis 1,000", edit((p) => (p.hysteresisVix = 1_000))],
    ],
    outside: [
      ["hysteresis 1,001", edit((p) => (p.hysteresisVix = 1_001)), "HedgePolicyHysteresisOutOfRange", [1_001n]],
      [
        "hysteresis 2^32 - 1",
        edit((p) => (p.hysteresisVix = 2 ** 32 - 1)),
        "HedgePolicyHysteresisOutOfRange",
        [2n ** 32n - 1n],
      ],
    ],
  },
  {
    rule: "oracle age within 60..86,400",
    inside: [
      ["oracle age 60", edit((p) => (p.maxOracleAge = 60))],
      ["oracle age 86,400", edit((p) => (p.maxOracleAge = 86_400))],
    ],
    outside: [
      ["oracle age 59", edit((p) => (p.maxOracleAge = 59)), "HedgePolicyOracleAgeOutOfRange", [59n]],
      ["oracle age 86,401", edit((p) => (p.maxOracleAge = 86_401)), "HedgePolicyOracleAgeOutOfRange", [86_401n]],
    ],
  },
];

describe("HedgePolicy invariants", function () {
  before(async () => loadFixture(fixture)); // the deployment, once, outside the tests' time

  it("starts from a default policy that every case below edits one field of", async function () {
    const { policy } = await loadFixture(fixture);
    expect(await currentPolicy(policy)).to.deep.equal(defaultPolicy());
  });

  for (const { rule, inside, outside } of boundaries) {
    describe(rule, function () {
      for (const [name, build] of inside) {
        it(`accepts ${name}`, async function () {
          const { policy, governance } = await loadFixture(fixture);
          const next = build();
          await expect(policy.connect(governance).setPolicy(next, 1n))
            .to.emit(policy, "PolicyUpdated")
            .withArgs(2n, hashPolicy(defaultPolicy()), hashPolicy(next));
          expect(await currentPolicy(policy)).to.deep.equal(next);
          expect(await policy.version()).to.equal(2n);
        });
      }

      for (const [name, build, error, args] of outside) {
        it(`rejects ${name} with ${error}`, async function () {
          const { policy, governance } = await loadFixture(fixture);
          const before = await snapshotState(policy);
          await expect(policy.connect(governance).setPolicy(build(), 1n))
            .to.be.revertedWithCustomError(policy, error)
            .withArgs(...args);
          await expectUnchanged(policy, before);
        });
      }
    });
  }

  describe("instrument", function () {
    it("accepts every instrument in every layer position", async function () {
      const { policy, governance } = await loadFixture(fixture);
      const next = policyWithLayers(4);
      next.layers.forEach((l, i) => (l.instrument = 3 - i));
      await policy.connect(governance).setPolicy(next, 1n);
      expect(await currentPolicy(policy)).to.deep.equal(next);
    });

    it("rejects an instrument outside the enum at ABI decoding", async function () {
      const { policy, governance } = await loadFixture(fixture);
      const before = await snapshotState(policy);
      const next = withEdit((p) => (p.layers[0].instrument = 4));
      await expect(policy.connect(governance).setPolicy(next, 1n)).to.be.revertedWithoutReason();
      await expectUnchanged(policy, before);
    });
  });

  it("reports the first broken rule, layer by layer", async function () {
    const { policy, governance } = await loadFixture(fixture);
    // Layer 1 breaks two rules at once, layer 2 a third: the trigger range of layer 1 is reported.
    const next = withEdit((p) => {
      p.layers = [layer(4_000, 30, 2_000), layer(4_000, 10, 999), layer(1_000, 5, 3_500)];
      p.coverageBps = 1;
    });
    await expect(policy.connect(governance).setPolicy(next, 1n))
      .to.be.revertedWithCustomError(policy, "HedgePolicyTriggerOutOfRange")
      .withArgs(1n, 999n);
  });
});

// HedgePolicy: deployment, compare-and-swap versioning, the policy hash, bit-packed round trips, roles and the
// governance-only setters. Invariant boundaries, isLoosening, syncLayers and nudges have their own files.
import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { ZeroAddress, ZeroHash } from "ethers";

import { defaultPolicy, Instrument, type PolicyValues } from "../scripts/lib/policy";
import {
  COVERAGE_PARAMETER,
  currentPolicy,
  DEFAULT_MAX_NUDGE_BPS,
  DEFAULT_NUDGE_COOLDOWN,
  deployHedgePolicy,
  expectUnchanged,
  hashPolicy,
  snapshotState,
  vixAnswer,
  withEdit,
} from "./helpers/hedgePolicy";

async function fixture() {
  return deployHedgePolicy();
}

/** A valid tightening change of the default policy. */
const tighter = () => withEdit((p) => (p.coverageBps = 3_000));

/** Every field at its largest allowed value, 5 layers. */
function maxPolicy(): PolicyValues {
  return {
    layers: [
      { allocationBps: 2_000, tenorDays: 730, triggerVix: 9_996, instrument: Instrument.VixFutures },
      { allocationBps: 2_000, tenorDays: 730, triggerVix: 9_997, instrument: Instrument.VixCallSpread },
      { allocationBps: 2_000, tenorDays: 730, triggerVix: 9_998, instrument: Instrument.VolatilityEtf },
      { allocationBps: 2_000, tenorDays: 730, triggerVix: 9_999, instrument: Instrument.SpxPuts },
      { allocationBps: 2_000, tenorDays: 730, triggerVix: 10_000, instrument: Instrument.SpxPuts },
    ],
    coverageBps: 10_000,
    scaleStepBps: 5_000,
    shortDeltaMinBps: 5_000,
    shortDeltaMaxBps: 5_000,
    wingWidthPts: 500,
    targetDte: 365,
    hysteresisVix: 1_000,
    maxOracleAge: 86_400,
  };
}

/** Every field at its smallest allowed value, 5 layers. */
function minPolicy(): PolicyValues {
  return {
    layers: [
      { allocationBps: 1, tenorDays: 1, triggerVix: 1_000, instrument: Instrument.SpxPuts },
      { allocationBps: 1, tenorDays: 1, triggerVix: 1_001, instrument: Instrument.VolatilityEtf },
      { allocationBps: 1, tenorDays: 1, triggerVix: 1_002, instrument: Instrument.VixCallSpread },
      { allocationBps: 1, tenorDays: 1, triggerVix: 1_003, instrument: Instrument.VixFutures },
      { allocationBps: 9_996, tenorDays: 1, triggerVix: 1_004, instrument: Instrument.VixFutures },
    ],
    coverageBps: 500,
    scaleStepBps: 500,
    shortDeltaMinBps: 100,
    shortDeltaMaxBps: 100,
    wingWidthPts: 5,
    targetDte: 1,
    hysteresisVix: 0,
    maxOracleAge: 60,
  };
}

describe("HedgePolicy", function () {
  before(async () => loadFixture(fixture)); // the deployment, once, outside the tests' time

  describe("constructor", function () {
    it("starts at version 1 with the given policy", async function () {
      const { policy } = await loadFixture(fixture);
      expect(await policy.version()).to.equal(1n);
      expect(await currentPolicy(policy)).to.deep.equal(defaultPolicy());
      expect(await policy.engagedLayers()).to.equal(0n);
    });

    it("emits PolicyUpdated(1, 0, hash) and the role and limit events", async function () {
      const { policy, oracle, steward, deployTx } = await loadFixture(fixture);
      const hash = hashPolicy(defaultPolicy());
      await expect(deployTx).to.emit(policy, "PolicyUpdated").withArgs(1n, ZeroHash, hash);
      await expect(deployTx).to.emit(policy, "StewardUpdated").withArgs(ZeroAddress, steward.address);
      await expect(deployTx)
        .to.emit(policy, "OracleUpdated")
        .withArgs(ZeroAddress, await oracle.getAddress());
      await expect(deployTx)
        .to.emit(policy, "NudgeLimitsUpdated")
        .withArgs(0n, 0n, DEFAULT_MAX_NUDGE_BPS, DEFAULT_NUDGE_COOLDOWN);
    });

    it("sets governance, steward, oracle and the default nudge limits", async function () {
      const { policy, oracle, governance, steward } = await loadFixture(fixture);
      expect(await policy.governance()).to.equal(governance.address);
      expect(await policy.steward()).to.equal(steward.address);
      expect(await policy.oracle()).to.equal(await oracle.getAddress());
      expect(await policy.nudgeLimits()).to.deep.equal([1_000n, 86_400n]);
      for (let parameter = 0; parameter <= COVERAGE_PARAMETER; parameter++) {
        expect(await policy.lastNudgeAt(parameter)).to.equal(0n);
      }
    });

    it("rejects a zero governance or steward", async function () {
      const { factory, oracle, governance, steward } = await loadFixture(fixture);
      await expect(factory.deploy(defaultPolicy(), ZeroAddress, steward, oracle)).to.be.revertedWithCustomError(
        factory,
        "HedgePolicyZeroAddress",
      );
      await expect(factory.deploy(defaultPolicy(), governance, ZeroAddress, oracle)).to.be.revertedWithCustomError(
        factory,
        "HedgePolicyZeroAddress",
      );
    });

    it("rejects a zero oracle and an oracle without code", async function () {
      const { factory, governance, steward, stranger } = await loadFixture(fixture);
      await expect(factory.deploy(defaultPolicy(), governance, steward, ZeroAddress))
        .to.be.revertedWithCustomError(factory, "HedgePolicyOracleNotContract")
        .withArgs(ZeroAddress);
      await expect(factory.deploy(defaultPolicy(), governance, steward, stranger.address))
        .to.be.revertedWithCustomError(factory, "HedgePolicyOracleNotContract")
        .withArgs(stranger.address);
    });

    it("rejects an initial policy that breaks an invariant", async function () {
      const { factory, oracle, governance, steward } = await loadFixture(fixture);
      await expect(
        factory.deploy(
          withEdit((p) => (p.layers = [])),
          governance,
          steward,
          oracle,
        ),
      )
        .to.be.revertedWithCustomError(factory, "HedgePolicyLayerCountOutOfRange")
        .withArgs(0n);
      await expect(
        factory.deploy(
          withEdit((p) => (p.coverageBps = 499)),
          governance,
          steward,
          oracle,
        ),
      )
        .to.be.revertedWithCustomError(factory, "HedgePolicyCoverageOutOfRange")
        .withArgs(499n);
    });
  });

  describe("setPolicy: compare-and-swap on the version", function () {
    for (const expected of [0n, 2n, 2n ** 64n - 1n]) {
      it(`rejects expectedVersion ${expected} when the version is 1`, async function () {
        const { policy, governance } = await loadFixture(fixture);
        const before = await snapshotState(policy);
        await expect(policy.connect(governance).setPolicy(tighter(), expected))
          .to.be.revertedWithCustomError(policy, "HedgePolicyVersionMismatch")
          .withArgs(expected, 1n);
        await expectUnchanged(policy, before);
      });
    }

    it("checks the version before the invariants", async function () {
      const { policy, governance } = await loadFixture(fixture);
      const before = await snapshotState(policy);
      await expect(
        policy.connect(governance).setPolicy(
          withEdit((p) => (p.coverageBps = 1)),
          5n,
        ),
      )
        .to.be.revertedWithCustomError(policy, "HedgePolicyVersionMismatch")
        .withArgs(5n, 1n);
      await expectUnchanged(policy, before);
    });

    it("bumps the version, stores the policy and emits PolicyUpdated(version, previousHash, newHash)", async function () {
      const { policy, governance } = await loadFixture(fixture);
      const next = tighter();
      await expect(policy.connect(governance).setPolicy(next, 1n))
        .to.emit(policy, "PolicyUpdated")
        .withArgs(2n, hashPolicy(defaultPolicy()), hashPolicy(next));
      expect(await policy.version()).to.equal(2n);
      expect(await currentPolicy(policy)).to.deep.equal(next);
      expect(await policy.policyHash()).to.equal(hashPolicy(next));
    });

    it("no longer accepts the old version once the policy has moved on", async function () {
      const { policy, governance } = await loadFixture(fixture);
      await policy.connect(governance).setPolicy(tighter(), 1n);
      const before = await snapshotState(policy);
      const stale = withEdit((p) => (p.coverageBps = 4_000));
      await expect(policy.connect(governance).setPolicy(stale, 1n))
        .to.be.revertedWithCustomError(policy, "HedgePolicyVersionMismatch")
        .withArgs(1n, 2n);
      await expect(policy.connect(governance).setPolicy(stale, 3n))
        .to.be.revertedWithCustomError(policy, "HedgePolicyVersionMismatch")
        .withArgs(3n, 2n);
      await expectUnchanged(policy, before);

      await expect(policy.connect(governance).setPolicy(stale, 2n))
        .to.emit(policy, "PolicyUpdated")
        .withArgs(3n, hashPolicy(tighter()), hashPolicy(stale));
      expect(await policy.version()).to.equal(3n);
    });

    it("bumps the version even when the policy is re-set unchanged", async function () {
      const { policy, governance } = await loadFixture(fixture);
      const hash = hashPolicy(defaultPolicy());
      await expect(policy.connect(governance).setPolicy(defaultPolicy(), 1n))
        .to.emit(policy, "PolicyUpdated")
        .withArgs(2n, hash, hash);
      expect(await policy.version()).to.equal(2n);
      expect(await policy.policyHash()).to.equal(hash);
    });

    it("counts approved policies only: a nudge keeps the version, so a change approved before it still lands", async function () {
      const { policy, governance, steward } = await loadFixture(fixture);
      await policy.connect(steward).nudgeCoverage(2_600);
      expect(await policy.version()).to.equal(1n);
      await policy.connect(governance).setPolicy(tighter(), 1n);
      expect(await policy.version()).to.equal(2n);
      await expect(policy.connect(governance).setPolicy(tighter(), 1n))
        .to.be.revertedWithCustomError(policy, "HedgePolicyVersionMismatch")
        .withArgs(1n, 2n);
    });
  });

  describe("policyHash", function () {
    it("is keccak256(abi.encode(policy)) computed off-chain, before and after changes", async function () {
      const { policy, governance, steward } = await loadFixture(fixture);
      expect(await policy.policyHash()).to.equal(hashPolicy(defaultPolicy()));

      const next = withEdit((p) => {
        p.layers = [
          { allocationBps: 6_000, tenorDays: 45, triggerVix: 1_900, instrument: Instrument.VolatilityEtf },
          { allocationBps: 4_000, tenorDays: 120, triggerVix: 3_000, instrument: Instrument.SpxPuts },
        ];
        p.maxOracleAge = 900;
      });
      await policy.connect(governance).setPolicy(next, 1n);
      expect(await policy.policyHash()).to.equal(hashPolicy(next));

      await policy.connect(steward).nudgeTrigger(1, 3_100);
      next.layers[1].triggerVix = 3_100;
      expect(await policy.policyHash()).to.equal(hashPolicy(next));
      expect(await currentPolicy(policy)).to.deep.equal(next);
    });

    it("changes when any single field changes", async function () {
      const { policy, governance } = await loadFixture(fixture);
      const edits: ((p: PolicyValues) => void)[] = [
        (p) => (p.layers[2].instrument = Instrument.VolatilityEtf),
        (p) => (p.layers[0].tenorDays = 31),
        (p) => (p.targetDte = 8),
        (p) => (p.shortDeltaMinBps = 1_600),
      ];
      let version = 1n;
      for (const edit of edits) {
        const previous = await policy.policyHash();
        const next = withEdit(edit);
        expect(hashPolicy(next)).to.not.equal(previous);
        await expect(policy.connect(governance).setPolicy(next, version))
          .to.emit(policy, "PolicyUpdated")
          .withArgs(version + 1n, previous, hashPolicy(next));
        version++;
      }
    });
  });

  describe("bit-packed storage round trip", function () {
    const cases: [string, () => PolicyValues][] = [
      ["5 layers, every field at its maximum", maxPolicy],
      ["5 layers, every field at its minimum", minPolicy],
      [
        "1 layer with allocation 10,000, trigger 10,000, tenor 730, SPX puts",
        () =>
          withEdit((p) => {
            p.layers = [{ allocationBps: 10_000, tenorDays: 730, triggerVix: 10_000, instrument: Instrument.SpxPuts }];
          }, maxPolicy()),
      ],
      [
        "1 layer with every instrument bit clear",
        () =>
          withEdit((p) => {
            p.layers = [{ allocationBps: 10_000, tenorDays: 1, triggerVix: 1_000, instrument: Instrument.VixFutures }];
          }, minPolicy()),
      ],
    ];
    for (const [name, build] of cases) {
      it(`stores and returns ${name} exactly`, async function () {
        const { policy, governance } = await loadFixture(fixture);
        const next = build();
        await expect(policy.connect(governance).setPolicy(next, 1n))
          .to.emit(policy, "PolicyUpdated")
          .withArgs(2n, hashPolicy(defaultPolicy()), hashPolicy(next));
        expect(await currentPolicy(policy)).to.deep.equal(next);
        expect(await policy.policyHash()).to.equal(hashPolicy(next));
        expect(await policy.version()).to.equal(2n);
      });
    }

    it("replaces a 5-layer policy by a 1-layer one without leftovers from the old layers", async function () {
      const { policy, governance } = await loadFixture(fixture);
      await policy.connect(governance).setPolicy(maxPolicy(), 1n);
      const next = withEdit((p) => {
        p.layers = [{ allocationBps: 10_000, tenorDays: 7, triggerVix: 1_500, instrument: Instrument.VixFutures }];
      }, minPolicy());
      await policy.connect(governance).setPolicy(next, 2n);
      expect(await currentPolicy(policy)).to.deep.equal(next);
      // Growing back to 5 layers shows the other 4 slots were cleared.
      await policy.connect(governance).setPolicy(minPolicy(), 3n);
      expect(await currentPolicy(policy)).to.deep.equal(minPolicy());
    });

    it("keeps the version and engaged mask intact next to the packed parameters", async function () {
      const { policy, governance, oracle } = await loadFixture(fixture);
      await oracle.updateAnswer(vixAnswer(5_000));
      await policy.syncLayers();
      expect(await policy.engagedLayers()).to.equal(0b111n);
      await policy.connect(governance).setPolicy(
        withEdit((p) => {
          p.layers.push({ allocationBps: 1, tenorDays: 730, triggerVix: 10_000, instrument: Instrument.SpxPuts });
          p.layers[0].allocationBps = 3_999;
          p.coverageBps = 10_000;
          p.maxOracleAge = 86_400;
          p.hysteresisVix = 1_000;
        }),
        1n,
      );
      expect(await policy.engagedLayers()).to.equal(0b111n);
      expect(await policy.version()).to.equal(2n);
    });
  });

  describe("authorisation", function () {
    it("lets only governance call setPolicy, setOracle, setSteward and setNudgeLimits", async function () {
      const { policy, oracle, steward, stranger, other } = await loadFixture(fixture);
      const before = await snapshotState(policy);
      for (const caller of [stranger, steward]) {
        const asCaller = policy.connect(caller);
        const calls = [
          () => asCaller.setPolicy(tighter(), 1n),
          () => asCaller.setOracle(oracle),
          () => asCaller.setSteward(other.address),
          () => asCaller.setNudgeLimits(5_000, 60),
        ];
        for (const call of calls) {
          await expect(call())
            .to.be.revertedWithCustomError(policy, "HedgePolicyUnauthorizedGovernance")
            .withArgs(caller.address);
        }
      }
      await expectUnchanged(policy, before);
    });

    it("lets only the steward nudge", async function () {
      const { policy, governance, stranger } = await loadFixture(fixture);
      const before = await snapshotState(policy);
      for (const caller of [stranger, governance]) {
        await expect(policy.connect(caller).nudgeTrigger(0, 2_100))
          .to.be.revertedWithCustomError(policy, "HedgePolicyUnauthorizedSteward")
          .withArgs(caller.address);
        await expect(policy.connect(caller).nudgeCoverage(2_600))
          .to.be.revertedWithCustomError(policy, "HedgePolicyUnauthorizedSteward")
          .withArgs(caller.address);
      }
      await expectUnchanged(policy, before);
    });

    it("checks the caller before anything else", async function () {
      const { policy, stranger } = await loadFixture(fixture);
      await expect(
        policy.connect(stranger).setPolicy(
          withEdit((p) => (p.layers = [])),
          9n,
        ),
      )
        .to.be.revertedWithCustomError(policy, "HedgePolicyUnauthorizedGovernance")
        .withArgs(stranger.address);
      await expect(policy.connect(stranger).nudgeTrigger(9, 0))
        .to.be.revertedWithCustomError(policy, "HedgePolicyUnauthorizedSteward")
        .withArgs(stranger.address);
    });
  });

  describe("setOracle", function () {
    it("changes the oracle and emits OracleUpdated(old, new)", async function () {
      const { policy, oracle, oracleFactory, governance } = await loadFixture(fixture);
      const next = await oracleFactory.deploy(8, vixAnswer(3_000));
      await expect(policy.connect(governance).setOracle(next))
        .to.emit(policy, "OracleUpdated")
        .withArgs(await oracle.getAddress(), await next.getAddress());
      expect(await policy.oracle()).to.equal(await next.getAddress());
      // syncLayers now reads the new feed (VIX 30.00 engages layers 0 and 1).
      expect(await policy.syncLayers.staticCall()).to.equal(0b011n);
    });

    it("rejects the zero address and an address without code", async function () {
      const { policy, governance, stranger } = await loadFixture(fixture);
      const before = await snapshotState(policy);
      await expect(policy.connect(governance).setOracle(ZeroAddress))
        .to.be.revertedWithCustomError(policy, "HedgePolicyOracleNotContract")
        .withArgs(ZeroAddress);
      await expect(policy.connect(governance).setOracle(stranger.address))
        .to.be.revertedWithCustomError(policy, "HedgePolicyOracleNotContract")
        .withArgs(stranger.address);
      await expectUnchanged(policy, before);
    });

    it("does not change the policy or its version", async function () {
      const { policy, oracleFactory, governance } = await loadFixture(fixture);
      const next = await oracleFactory.deploy(8, vixAnswer(1_500));
      await expect(policy.connect(governance).setOracle(next)).to.not.emit(policy, "PolicyUpdated");
      expect(await policy.version()).to.equal(1n);
    });
  });

  describe("setSteward", function () {
    it("changes the steward and emits StewardUpdated(old, new)", async function () {
      const { policy, governance, steward, other } = await loadFixture(fixture);
      await expect(policy.connect(governance).setSteward(other.address))
        .to.emit(policy, "StewardUpdated")
        .withArgs(steward.address, other.address);
      expect(await policy.steward()).to.equal(other.address);

      await expect(policy.connect(steward).nudgeCoverage(2_600))
        .to.be.revertedWithCustomError(policy, "HedgePolicyUnauthorizedSteward")
        .withArgs(steward.address);
      await expect(policy.connect(other).nudgeCoverage(2_600))
        .to.emit(policy, "PolicyUpdated")
        .withArgs(1n, hashPolicy(defaultPolicy()), hashPolicy(withEdit((p) => (p.coverageBps = 2_600))));
    });

    it("rejects the zero address", async function () {
      const { policy, governance } = await loadFixture(fixture);
      const before = await snapshotState(policy);
      await expect(policy.connect(governance).setSteward(ZeroAddress)).to.be.revertedWithCustomError(
        policy,
        "HedgePolicyZeroAddress",
      );
      await expectUnchanged(policy, before);
    });
  });

  describe("setNudgeLimits", function () {
    it("changes the limits and emits NudgeLimitsUpdated(old, new)", async function () {
      const { policy, governance } = await loadFixture(fixture);
      await expect(policy.connect(governance).setNudgeLimits(2_000, 3_600))
        .to.emit(policy, "NudgeLimitsUpdated")
        .withArgs(1_000n, 86_400n, 2_000n, 3_600n);
      expect(await policy.nudgeLimits()).to.deep.equal([2_000n, 3_600n]);
      await expect(policy.connect(governance).setNudgeLimits(0, 0))
        .to.emit(policy, "NudgeLimitsUpdated")
        .withArgs(2_000n, 3_600n, 0n, 0n);
      expect(await policy.nudgeLimits()).to.deep.equal([0n, 0n]);
    });

    it("accepts the largest limits: 10,000 bps and 365 days", async function () {
      const { policy, governance } = await loadFixture(fixture);
      await expect(policy.connect(governance).setNudgeLimits(10_000, 365 * 86_400))
        .to.emit(policy, "NudgeLimitsUpdated")
        .withArgs(1_000n, 86_400n, 10_000n, 365n * 86_400n);
      expect(await policy.nudgeLimits()).to.deep.equal([10_000n, 365n * 86_400n]);
    });

    for (const [maxNudgeBps, cooldown] of [
      [10_001, 86_400],
      [65_535, 86_400],
      [1_000, 365 * 86_400 + 1],
      [1_000, 2 ** 32 - 1],
    ]) {
      it(`rejects maxNudgeBps ${maxNudgeBps} with cooldown ${cooldown}`, async function () {
        const { policy, governance } = await loadFixture(fixture);
        const before = await snapshotState(policy);
        await expect(policy.connect(governance).setNudgeLimits(maxNudgeBps, cooldown))
          .to.be.revertedWithCustomError(policy, "HedgePolicyNudgeLimitsOutOfRange")
          .withArgs(maxNudgeBps, cooldown);
        await expectUnchanged(policy, before);
      });
    }

    it("does not change the policy or its version", async function () {
      const { policy, governance } = await loadFixture(fixture);
      await expect(policy.connect(governance).setNudgeLimits(500, 60)).to.not.emit(policy, "PolicyUpdated");
      expect(await policy.version()).to.equal(1n);
    });
  });
});

// Shared deployment, state snapshots and small builders for the HedgePolicy test files, and the design's loosening
// table (every field, each direction), checked against HedgePolicy.isLoosening and against scripts/lib/council.
import { expect } from "chai";
import { ethers } from "hardhat";
import { AbiCoder, keccak256, type ContractTransactionResponse } from "ethers";

import type { HedgePolicy, MockV3Aggregator } from "../../typechain-types";
import {
  defaultPolicy,
  Instrument,
  INSTRUMENT_NAMES,
  POLICY_ABI_TYPE,
  toPolicyValues,
  type PolicyValues,
} from "../../scripts/lib/policy";

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

// ---------------------------------------------------------------- the loosening table (rules v3)

/** The classes of the design's table: how each field of a policy is judged when a setPolicy changes it. */
export type LooseningClass = "curve" | "structure" | "one direction" | "both directions" | "unchanged";

/** The fields `fieldEffect` (scripts/lib/council) judges on their own, as it names them. */
export type FieldName =
  | "coverageBps"
  | "allocationBps"
  | "triggerVix"
  | "tenorDays"
  | "instrument"
  | "scaleStepBps"
  | "shortDeltaMinBps"
  | "shortDeltaMaxBps"
  | "wingWidthPts"
  | "hysteresisVix"
  | "maxOracleAge"
  | "targetDte";

export interface LooseningCase {
  name: string;
  class: LooseningClass;
  /** An edit of the default policy (4/4/2 at VIX 20 / 28 / 35, coverage 2,500, every other field its default). */
  edit: (p: PolicyValues) => void;
  /** What `isLoosening` must answer, against a policy with no nudge since it was set. */
  loosening: boolean;
  /** For an edit of one field alone: that field, its two values, and the effect `fieldEffect` must report. */
  field?: { name: FieldName; before: number; after: number; effect: "loosens" | "tightens" | "" };
}

type ScalarField = Exclude<FieldName, "allocationBps" | "triggerVix" | "tenorDays" | "instrument">;
type LayerField = "triggerVix" | "tenorDays" | "instrument";

/** One scalar field of the default policy set to `after`. */
function scalarCase(cls: LooseningClass, name: string, field: ScalarField, after: number, loosening: boolean) {
  const before = defaultPolicy()[field];
  return {
    name: `${name} (${field} ${before} -> ${after})`,
    class: cls,
    edit: (p: PolicyValues) => (p[field] = after),
    loosening,
    field: { name: field, before, after, effect: loosening ? "loosens" : "tightens" },
  } satisfies LooseningCase;
}

/** One field of layer `layer` of the default policy set to `after`. */
function layerCase(
  cls: LooseningClass,
  name: string,
  layer: number,
  field: LayerField,
  after: number,
  loosening: boolean,
) {
  const before = defaultPolicy().layers[layer][field];
  return {
    name: `layer ${layer}: ${name} (${field} ${before} -> ${after})`,
    class: cls,
    edit: (p: PolicyValues) => (p.layers[layer][field] = after),
    loosening,
    field: { name: field, before, after, effect: loosening ? "loosens" : "tightens" },
  } satisfies LooseningCase;
}

/**
 * Every tightening a policy can make at once: more coverage, lower triggers, allocation moved down, every
 * one-direction field the safe way (the both-direction fields have no safe way: they stay).
 */
export function tightenEverything(p: PolicyValues): void {
  p.coverageBps = 5_000;
  p.layers.forEach((l) => ((l.triggerVix -= 500), (l.tenorDays += 1)));
  p.layers[0].allocationBps = 5_000;
  p.layers[1].allocationBps = 3_000;
  p.scaleStepBps = 3_000;
  p.shortDeltaMinBps = 1_400;
  p.shortDeltaMaxBps = 2_000;
  p.wingWidthPts = 49;
  p.hysteresisVix = 300;
}

const LAYERS = [0, 1, 2];

/** The single-field edits of the design's class table, each direction, each layer. */
const singleFieldCases: LooseningCase[] = [
  // The curve: protection = coverage × allocation engaged at each VIX level.
  scalarCase("curve", "coverage lower by 1", "coverageBps", 2_499, true),
  scalarCase("curve", "coverage higher by 1", "coverageBps", 2_501, false),
  ...LAYERS.flatMap((i) => {
    const trigger = defaultPolicy().layers[i].triggerVix;
    return [
      layerCase("curve", "trigger higher by 1", i, "triggerVix", trigger + 1, true),
      layerCase("curve", "trigger lower by 1", i, "triggerVix", trigger - 1, false),
    ];
  }),
  // Structure: each layer's instrument, index by index, any change.
  ...LAYERS.flatMap((i) =>
    [0, 1, 2, 3]
      .filter((x) => x !== defaultPolicy().layers[i].instrument)
      .map((x) => layerCase("structure", `instrument changed to ${INSTRUMENT_NAMES[x]}`, i, "instrument", x, true)),
  ),
  // One direction.
  ...LAYERS.flatMap((i) => {
    const tenor = defaultPolicy().layers[i].tenorDays;
    return [
      layerCase("one direction", "tenor shorter by 1 day", i, "tenorDays", tenor - 1, true),
      layerCase("one direction", "tenor longer by 1 day", i, "tenorDays", tenor + 1, false),
    ];
  }),
  scalarCase("one direction", "delta max higher by 1", "shortDeltaMaxBps", 2_501, true),
  scalarCase("one direction", "delta max lower by 1", "shortDeltaMaxBps", 2_499, false),
  scalarCase("one direction", "delta min higher by 1 (toward the money)", "shortDeltaMinBps", 1_501, true),
  scalarCase("one direction", "delta min lower by 1", "shortDeltaMinBps", 1_499, false),
  scalarCase("one direction", "wing wider by 1", "wingWidthPts", 51, true),
  scalarCase("one direction", "wing narrower by 1", "wingWidthPts", 49, false),
  scalarCase("one direction", "hysteresis lower by 1 (disengages sooner)", "hysteresisVix", 199, true),
  scalarCase("one direction", "hysteresis higher by 1", "hysteresisVix", 201, false),
  scalarCase("one direction", "scale step lower by 1 (scales in slower)", "scaleStepBps", 2_499, true),
  scalarCase("one direction", "scale step higher by 1", "scaleStepBps", 2_501, false),
  // Both directions.
  scalarCase("both directions", "oracle age longer by 1 s (staler answers)", "maxOracleAge", 3_601, true),
  scalarCase("both directions", "oracle age shorter by 1 s (syncLayers may starve)", "maxOracleAge", 3_599, true),
  scalarCase("both directions", "oracle age 3,600 -> 60", "maxOracleAge", 60, true),
  scalarCase("both directions", "oracle age 3,600 -> 7,200", "maxOracleAge", 7_200, true),
  scalarCase("both directions", "condor DTE longer by 1 day (vega)", "targetDte", 8, true),
  scalarCase("both directions", "condor DTE shorter by 1 day (gamma)", "targetDte", 6, true),
];

/**
 * The loosening table of the design, every class, every field, each direction, checked against HedgePolicy.isLoosening
 * (test/HedgePolicy.isLoosening.test.ts) and against scripts/lib/council's isLoosening and fieldEffect
 * (test/council/rules.test.ts): one table, so the contract and the TypeScript home can never be checked apart.
 */
export const LOOSENING_CASES: LooseningCase[] = [
  ...singleFieldCases,
  // The curve, several fields at once.
  {
    name: "every trigger lower",
    class: "curve",
    edit: (p) => p.layers.forEach((l) => (l.triggerVix -= 100)),
    loosening: false,
  },
  {
    name: "one trigger lower, another higher",
    class: "curve",
    edit: (p) => ((p.layers[0].triggerVix = 1_500), (p.layers[2].triggerVix = 3_600)),
    loosening: true,
  },
  {
    name: "allocation moved to a lower trigger: 4/4/2 -> 5/3/2",
    class: "curve",
    edit: (p) => ((p.layers[0].allocationBps = 5_000), (p.layers[1].allocationBps = 3_000)),
    loosening: false,
  },
  {
    name: "allocation moved to a higher trigger: 4/4/2 -> 3/5/2",
    class: "curve",
    edit: (p) => ((p.layers[0].allocationBps = 3_000), (p.layers[1].allocationBps = 5_000)),
    loosening: true,
  },
  {
    name: "allocation moved to the top layer: 4/4/2 -> 4/3/3",
    class: "curve",
    edit: (p) => ((p.layers[1].allocationBps = 3_000), (p.layers[2].allocationBps = 3_000)),
    loosening: true,
  },
  {
    name: "3/5/2 with coverage raised just enough (3,334: 3,000 x 3,334 >= 4,000 x 2,500)",
    class: "curve",
    edit: (p) => ((p.layers[0].allocationBps = 3_000), (p.layers[1].allocationBps = 5_000), (p.coverageBps = 3_334)),
    loosening: false,
  },
  {
    name: "3/5/2 with coverage raised one short (3,333)",
    class: "curve",
    edit: (p) => ((p.layers[0].allocationBps = 3_000), (p.layers[1].allocationBps = 5_000), (p.coverageBps = 3_333)),
    loosening: true,
  },
  {
    name: "the budget moved to VIX 100 with coverage up by 1 bp (same layer count and instruments)",
    class: "curve",
    edit: (p) => {
      p.layers[0].allocationBps = 1;
      p.layers[1].allocationBps = 1;
      p.layers[2].allocationBps = 9_998;
      p.layers[2].triggerVix = 10_000;
      p.coverageBps = 2_501;
    },
    loosening: true,
  },
  {
    name: "every trigger far lower but coverage lower: less protection only from VIX 35, after next's last trigger",
    class: "curve",
    edit: (p) => {
      p.layers.forEach((l, i) => (l.triggerVix = 1_000 + 100 * i));
      p.coverageBps = 2_400;
    },
    loosening: true,
  },
  {
    name: "triggers lower and allocation moved up, protection never lower",
    class: "curve",
    edit: (p) => {
      // 2/6/2 engaging at VIX 15 / 20 / 35: 2,000 from VIX 15, 8,000 from 20 (was 4,000), 10,000 from 35.
      p.layers[0].triggerVix = 1_500;
      p.layers[0].allocationBps = 2_000;
      p.layers[1].triggerVix = 2_000;
      p.layers[1].allocationBps = 6_000;
    },
    loosening: false,
  },
  // Structure: the number of layers, and instruments swapped between layers (index by index).
  {
    name: "fewer layers (3 -> 2)",
    class: "structure",
    edit: (p) => ((p.layers = p.layers.slice(0, 2)), (p.layers[1].allocationBps = 6_000)),
    loosening: true,
  },
  {
    name: "fewer layers (3 -> 1)",
    class: "structure",
    edit: (p) => (p.layers = [{ ...p.layers[0], allocationBps: 10_000 }]),
    loosening: true,
  },
  {
    name: "more layers (3 -> 4), even with more protection everywhere",
    class: "structure",
    edit: (p) => {
      p.coverageBps = 5_000;
      p.layers[2].allocationBps = 1_000;
      p.layers.push({ allocationBps: 1_000, tenorDays: 365, triggerVix: 5_000, instrument: Instrument.SpxPuts });
    },
    loosening: true,
  },
  {
    name: "instruments of layers 0 and 1 swapped (the same instruments, other layers)",
    class: "structure",
    edit: (p) => (
      (p.layers[0].instrument = Instrument.VixFutures),
      (p.layers[1].instrument = Instrument.VixCallSpread)
    ),
    loosening: true,
  },
  // Nothing moved the wrong way.
  { name: "identical policy", class: "unchanged", edit: () => undefined, loosening: false },
  { name: "every tightening at once", class: "unchanged", edit: tightenEverything, loosening: false },
  // A loosening field outside the curve is not bought back by tightening everything else (a curve field is: the curve
  // is judged as a whole, so a trigger 1 higher under twice the coverage is no loosening).
  ...singleFieldCases
    .filter((c) => c.loosening && c.class !== "curve")
    .map((c): LooseningCase => ({
      name: `every other field tightened, but ${c.name}`,
      class: c.class,
      edit: (p) => (tightenEverything(p), c.edit(p)),
      loosening: true,
    })),
];

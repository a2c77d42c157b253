// The ALVH policy in TypeScript: its types (as TypeChain gives them), the default 4/4/2 policy (docs/RULES.md),
// and the conversions every script, task and test shares. Whether a change loosens lives in ./council.
import type { IHedgePolicy } from "../../typechain-types";

export type Policy = IHedgePolicy.PolicyStruct;
export type Layer = IHedgePolicy.LayerStruct;

/** Instrument enum of `IHedgePolicy`, in declaration order. */
export enum Instrument {
  VixFutures = 0,
  VixCallSpread = 1,
  VolatilityEtf = 2,
  SpxPuts = 3,
}

export const INSTRUMENT_NAMES = ["VIX futures", "VIX call spread", "Volatility ETF", "SPX puts"] as const;

/** Plain-number form of a policy: what scripts build, print and compare. */
export interface PolicyValues {
  layers: { allocationBps: number; tenorDays: number; triggerVix: number; instrument: number }[];
  coverageBps: number;
  scaleStepBps: number;
  shortDeltaMinBps: number;
  shortDeltaMaxBps: number;
  wingWidthPts: number;
  targetDte: number;
  hysteresisVix: number;
  maxOracleAge: number;
}

/** ALVH 4/4/2: the default policy. */
export function defaultPolicy(): PolicyValues {
  return {
    layers: [
      { allocationBps: 4_000, tenorDays: 30, triggerVix: 2_000, instrument: Instrument.VixCallSpread },
      { allocationBps: 4_000, tenorDays: 90, triggerVix: 2_800, instrument: Instrument.VixFutures },
      { allocationBps: 2_000, tenorDays: 180, triggerVix: 3_500, instrument: Instrument.SpxPuts },
    ],
    coverageBps: 2_500,
    scaleStepBps: 2_500,
    shortDeltaMinBps: 1_500,
    shortDeltaMaxBps: 2_500,
    wingWidthPts: 50,
    targetDte: 7,
    hysteresisVix: 200,
    maxOracleAge: 3_600,
  };
}

type Numberish = bigint | number;

/** Any decoded policy: what `HedgePolicy.policy()` returns (TypeChain), an ethers `Result`, or plain numbers. */
export interface PolicyLike {
  layers: ArrayLike<{ allocationBps: Numberish; tenorDays: Numberish; triggerVix: Numberish; instrument: Numberish }>;
  coverageBps: Numberish;
  scaleStepBps: Numberish;
  shortDeltaMinBps: Numberish;
  shortDeltaMaxBps: Numberish;
  wingWidthPts: Numberish;
  targetDte: Numberish;
  hysteresisVix: Numberish;
  maxOracleAge: Numberish;
}

/** Converts a decoded policy (e.g. what `HedgePolicy.policy()` returns, in bigints) into plain numbers. */
export function toPolicyValues(p: PolicyLike | IHedgePolicy.PolicyStructOutput): PolicyValues {
  return {
    layers: Array.from(p.layers as PolicyLike["layers"], (l) => ({
      allocationBps: Number(l.allocationBps),
      tenorDays: Number(l.tenorDays),
      triggerVix: Number(l.triggerVix),
      instrument: Number(l.instrument),
    })),
    coverageBps: Number(p.coverageBps),
    scaleStepBps: Number(p.scaleStepBps),
    shortDeltaMinBps: Number(p.shortDeltaMinBps),
    shortDeltaMaxBps: Number(p.shortDeltaMaxBps),
    wingWidthPts: Number(p.wingWidthPts),
    targetDte: Number(p.targetDte),
    hysteresisVix: Number(p.hysteresisVix),
    maxOracleAge: Number(p.maxOracleAge),
  };
}

/** The ABI type of `Policy`, for `AbiCoder` (the hash is `keccak256(abi.encode(policy))`). */
export const POLICY_ABI_TYPE =
  "tuple(tuple(uint16 allocationBps,uint16 tenorDays,uint32 triggerVix,uint8 instrument)[] layers," +
  "uint16 coverageBps,uint16 scaleStepBps,uint16 shortDeltaMinBps,uint16 shortDeltaMaxBps,uint16 wingWidthPts," +
  "uint16 targetDte,uint32 hysteresisVix,uint32 maxOracleAge)";

/** A field's name: one of the struct's (a layer's without its `layers.N.` prefix). */
export type PolicyFieldName = keyof Omit<PolicyValues, "layers"> | keyof PolicyValues["layers"][number];

/**
 * The values each field may take on its own, as `HedgePolicy` checks them (its MIN_* and MAX_* constants): the one
 * table behind `policyViolation`, the console's checks beside each field and the command line's hints. The rules
 * between fields (allocations summing to 100 %, triggers rising, tenors not falling, delta min at most max) are
 * `policyViolation`'s.
 */
export const FIELD_BOUNDS: Record<PolicyFieldName, { min: number; max: number }> = {
  allocationBps: { min: 1, max: 10_000 },
  tenorDays: { min: 1, max: 730 },
  triggerVix: { min: 1_000, max: 10_000 },
  instrument: { min: 0, max: 3 },
  coverageBps: { min: 500, max: 10_000 },
  scaleStepBps: { min: 500, max: 5_000 },
  shortDeltaMinBps: { min: 100, max: 5_000 },
  shortDeltaMaxBps: { min: 100, max: 5_000 },
  wingWidthPts: { min: 5, max: 500 },
  targetDte: { min: 1, max: 365 },
  hysteresisVix: { min: 0, max: 1_000 },
  maxOracleAge: { min: 60, max: 86_400 },
};

/**
 * The first policy invariant (docs/RULES.md) that `p` breaks, in words, or `null` when it satisfies all of them: the same rules
 * as `HedgePolicy`, checked before anything is sent.
 */
export function policyViolation(p: PolicyValues): string | null {
  const b = FIELD_BOUNDS;
  const outside = (field: PolicyFieldName, value: number) => value < b[field].min || value > b[field].max;
  const n = p.layers.length;
  if (n < 1 || n > 5) return `a policy needs 1 to 5 layers, not ${n}`;
  let sum = 0;
  for (const [i, layer] of p.layers.entries()) {
    if (!(layer.allocationBps > 0)) return `layer ${i} allocation must be above 0 bps`;
    sum += layer.allocationBps;
    if (outside("triggerVix", layer.triggerVix))
      return `layer ${i} trigger ${layer.triggerVix} is outside ${b.triggerVix.min}..${b.triggerVix.max} (VIX 10 to 100)`;
    if (outside("tenorDays", layer.tenorDays))
      return `layer ${i} tenor ${layer.tenorDays} is outside ${b.tenorDays.min}..${b.tenorDays.max} days`;
    if (!(layer.instrument in Instrument)) return `layer ${i} instrument ${layer.instrument} is not 0..3`;
    if (i > 0 && layer.triggerVix <= p.layers[i - 1].triggerVix)
      return `layer ${i} trigger ${layer.triggerVix} must be above layer ${i - 1}'s ${p.layers[i - 1].triggerVix}`;
    if (i > 0 && layer.tenorDays < p.layers[i - 1].tenorDays)
      return `layer ${i} tenor ${layer.tenorDays} must not be below layer ${i - 1}'s ${p.layers[i - 1].tenorDays}`;
  }
  if (sum !== 10_000) return `allocations sum to ${sum} bps, not 10000`;
  if (outside("coverageBps", p.coverageBps))
    return `coverage ${p.coverageBps} is outside ${b.coverageBps.min}..${b.coverageBps.max} bps`;
  if (outside("scaleStepBps", p.scaleStepBps))
    return `scale step ${p.scaleStepBps} is outside ${b.scaleStepBps.min}..${b.scaleStepBps.max} bps`;
  if (
    p.shortDeltaMinBps < b.shortDeltaMinBps.min ||
    p.shortDeltaMinBps > p.shortDeltaMaxBps ||
    p.shortDeltaMaxBps > b.shortDeltaMaxBps.max
  )
    return `delta band ${p.shortDeltaMinBps}..${p.shortDeltaMaxBps} must satisfy ${b.shortDeltaMinBps.min} <= min <= max <= ${b.shortDeltaMaxBps.max}`;
  if (outside("wingWidthPts", p.wingWidthPts))
    return `wing width ${p.wingWidthPts} is outside ${b.wingWidthPts.min}..${b.wingWidthPts.max} points`;
  if (outside("targetDte", p.targetDte))
    return `target DTE ${p.targetDte} is outside ${b.targetDte.min}..${b.targetDte.max} days`;
  if (p.hysteresisVix > b.hysteresisVix.max) return `hysteresis ${p.hysteresisVix} is above ${b.hysteresisVix.max}`;
  if (outside("maxOracleAge", p.maxOracleAge))
    return `oracle age ${p.maxOracleAge} is outside ${b.maxOracleAge.min}..${b.maxOracleAge.max} s`;
  return null;
}

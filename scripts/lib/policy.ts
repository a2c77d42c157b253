// The ALVH policy in TypeScript: its types (as TypeChain gives them), the default 4/4/2 policy of DESIGN.md,
// and the conversions every script, task and test shares.
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

/** ALVH 4/4/2: the default policy of DESIGN.md. */
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

/** Converts what `HedgePolicy.policy()` returns (a TypeChain result of bigints) into plain numbers. */
export function toPolicyValues(p: IHedgePolicy.PolicyStructOutput): PolicyValues {
  return {
    layers: p.layers.map((l) => ({
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

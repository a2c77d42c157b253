// A proposal's calls in human terms: which contract and function, the policy fields it changes (old -> new), and
// a compact "action" the replay uses to check that what the chain did is what the proposal said.
import type { Result } from "ethers";

import { fieldEffect } from "../council";
import { fmtBps, fmtDuration, fmtVix } from "../format";
import { INSTRUMENT_NAMES, type PolicyValues } from "../policy";
import { INTERFACES, functionBySelector, policyFromResult, policyHashOf, roleName } from "./abi";
import { checksum, staticArgs } from "./codec";
import { Tier, callTier, tierName, type PolicyContext } from "./rules";
import type { CallSummary, ContractName, FieldChange } from "./types";

/** What a call asks for, decoded: the replay matches the events of an execution against these. */
export type CallAction =
  | { kind: "setPolicy"; policy: PolicyValues; expectedVersion: number; hash: string }
  | { kind: "nudgeTrigger"; layer: number; triggerVix: number }
  | { kind: "nudgeCoverage"; coverageBps: number }
  | { kind: "setOracle"; oracle: string }
  | { kind: "setSteward"; steward: string }
  | { kind: "setNudgeLimits"; maxNudgeBps: number; nudgeCooldown: number }
  | { kind: "mint"; holder: string }
  | { kind: "burn"; seat: number }
  | { kind: "setTierRule"; tier: number; threshold: number; delay: number }
  | { kind: "setVetoThreshold"; threshold: number }
  | { kind: "setExpiry"; proposalTtl: number; gracePeriod: number }
  | { kind: "updateDelay"; delay: number }
  | { kind: "grantRole" | "revokeRole" | "renounceRole"; role: string; account: string }
  | { kind: "other" };

const SCALARS = [
  "coverageBps",
  "scaleStepBps",
  "shortDeltaMinBps",
  "shortDeltaMaxBps",
  "wingWidthPts",
  "targetDte",
  "hysteresisVix",
  "maxOracleAge",
] as const;
const LAYER_FIELDS = ["allocationBps", "tenorDays", "triggerVix", "instrument"] as const;

/** Every field that differs between two policies, old -> new, marking what loosens on its own (../council fieldEffect). */
export function policyChanges(before: PolicyValues | null, after: PolicyValues | null): FieldChange[] {
  if (!before || !after) return [];
  const changes: FieldChange[] = [];
  if (before.layers.length !== after.layers.length) {
    changes.push({
      field: "layers.length",
      before: before.layers.length,
      after: after.layers.length,
      effect: "loosens", // a different number of layers is a structural change
    });
  }
  const n = Math.max(before.layers.length, after.layers.length);
  for (let i = 0; i < n; i++) {
    for (const field of LAYER_FIELDS) {
      const b = before.layers[i]?.[field];
      const a = after.layers[i]?.[field];
      if (b === a) continue;
      changes.push({
        field: `layers.${i}.${field}`,
        before: b ?? null,
        after: a ?? null,
        effect: fieldEffect(field, b, a),
      });
    }
  }
  for (const field of SCALARS) {
    if (before[field] !== after[field]) {
      changes.push({
        field,
        before: before[field],
        after: after[field],
        effect: fieldEffect(field, before[field], after[field]),
      });
    }
  }
  return changes;
}

/** A field value in the domain's units. */
export function fmtField(field: string, value: number | string | null): string {
  if (value === null) return "-";
  if (typeof value === "string") return value;
  const leaf = field.split(".").pop()!;
  switch (leaf) {
    case "coverageBps":
    case "scaleStepBps":
    case "allocationBps":
      return fmtBps(value);
    case "shortDeltaMinBps":
    case "shortDeltaMaxBps":
      return `delta ${(value / 10_000).toFixed(2)}`;
    case "triggerVix":
    case "hysteresisVix":
      return `VIX ${fmtVix(value)}`;
    case "tenorDays":
    case "targetDte":
      return `${value} d`;
    case "wingWidthPts":
      return `${value} pts`;
    case "maxOracleAge":
      return fmtDuration(value);
    case "instrument":
      return INSTRUMENT_NAMES[value] ?? String(value);
    default:
      return String(value);
  }
}

/** "coverageBps 25.00 % -> 30.00 %, layers.0.triggerVix VIX 20.00 -> VIX 21.00 (loosens)". */
export function changesText(changes: FieldChange[]): string {
  if (changes.length === 0) return "no field changes";
  return changes
    .map(
      (c) =>
        `${c.field} ${fmtField(c.field, c.before)} -> ${fmtField(c.field, c.after)}${c.effect ? ` (${c.effect})` : ""}`,
    )
    .join(", ");
}

export interface DecodedCall {
  summary: CallSummary;
  action: CallAction;
}

/** The contract each address is. */
export type AddressBook = Record<ContractName, string>;

function contractAt(book: AddressBook, target: string): ContractName | "external" {
  const to = target.toLowerCase();
  for (const name of Object.keys(book) as ContractName[]) if (book[name].toLowerCase() === to) return name;
  return "external";
}

/** The call decoded with the contract's ABI; nudges (the bulk of a long history) without ethers' coder. */
function parse(contract: ContractName, data: string): { name: string; args: Result | unknown[] } | null {
  const fragment = data.length >= 10 ? functionBySelector(INTERFACES[contract], data.slice(0, 10)) : null;
  if (!fragment) return null;
  if (contract === "policy" && (fragment.name === "nudgeCoverage" || fragment.name === "nudgeTrigger")) {
    const args = staticArgs(data, fragment.inputs.length);
    if (args && data.length === 10 + 64 * fragment.inputs.length) return { name: fragment.name, args };
  }
  try {
    return { name: fragment.name, args: INTERFACES[contract].decodeFunctionData(fragment, data) };
  } catch {
    return null;
  }
}

/** Decodes one call of a proposal against the policy as it was when the proposal was created. */
export function decodeCall(
  book: AddressBook,
  ctx: PolicyContext,
  target: string,
  value: bigint,
  data: string,
): DecodedCall {
  const contract = contractAt(book, target);
  const tier = callTier(ctx, target, data);
  const withValue = value > 0n ? ` (sending ${value} wei)` : "";
  const base = { target: checksum(target), contract };
  const tail = { tier: tierName(tier.tier), tierReason: tier.reason };
  const selector = data.length >= 10 ? data.slice(0, 10) : "0x";
  const unknown = (fn = selector): DecodedCall => ({
    summary: {
      ...base,
      function: fn,
      value: value.toString(),
      summary: `${contract === "external" ? base.target : contract}: call ${fn}${withValue}`,
      ...tail,
    },
    action: { kind: "other" },
  });
  if (contract === "external") return unknown();
  const call = parse(contract, data);
  if (!call) return unknown();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const a = call.args as any[];
  const done = (summary: string, action: CallAction, changes?: FieldChange[]): DecodedCall => ({
    summary: {
      ...base,
      function: call.name,
      value: value.toString(),
      summary: summary + withValue,
      ...(changes ? { changes } : {}),
      ...tail,
    },
    action,
  });

  if (contract === "policy") {
    switch (call.name) {
      case "setPolicy": {
        const next = policyFromResult(a[0]);
        const changes = policyChanges(ctx.params, next);
        return done(
          `policy.setPolicy for version ${a[1]}: ${ctx.params ? changesText(changes) : "the previous policy is unknown"}`,
          { kind: "setPolicy", policy: next, expectedVersion: Number(a[1]), hash: policyHashOf(next) },
          changes,
        );
      }
      case "nudgeTrigger": {
        const layer = Number(a[0]);
        const trigger = Number(a[1]);
        const before = ctx.params?.layers[layer]?.triggerVix;
        const field = `layers.${layer}.triggerVix`;
        const changes: FieldChange[] = [
          { field, before: before ?? null, after: trigger, effect: fieldEffect("triggerVix", before, trigger) },
        ];
        return done(
          `policy.nudgeTrigger: ${changesText(changes)}`,
          { kind: "nudgeTrigger", layer, triggerVix: trigger },
          changes,
        );
      }
      case "nudgeCoverage": {
        const coverage = Number(a[0]);
        const before = ctx.params?.coverageBps;
        const changes: FieldChange[] = [
          {
            field: "coverageBps",
            before: before ?? null,
            after: coverage,
            effect: fieldEffect("coverageBps", before, coverage),
          },
        ];
        return done(
          `policy.nudgeCoverage: ${changesText(changes)}`,
          { kind: "nudgeCoverage", coverageBps: coverage },
          changes,
        );
      }
      case "setOracle":
        return done(`policy.setOracle: VIX oracle -> ${a[0]}`, { kind: "setOracle", oracle: checksum(a[0]) });
      case "setSteward":
        return done(`policy.setSteward: steward -> ${a[0]}`, { kind: "setSteward", steward: checksum(a[0]) });
      case "setNudgeLimits":
        return done(
          `policy.setNudgeLimits: max nudge ${fmtBps(Number(a[0]))} of the value, cooldown ${fmtDuration(a[1])}`,
          { kind: "setNudgeLimits", maxNudgeBps: Number(a[0]), nudgeCooldown: Number(a[1]) },
        );
    }
  }
  if (contract === "seats") {
    if (call.name === "mint")
      return done(`seats.mint: a new seat for ${checksum(a[0])}`, { kind: "mint", holder: checksum(a[0]) });
    if (call.name === "burn") return done(`seats.burn: seat ${a[0]}`, { kind: "burn", seat: Number(a[0]) });
  }
  if (contract === "council") {
    if (call.name === "setTierRule") {
      const t = Number(a[0]);
      return done(
        `council.setTierRule: ${tierName(t as Tier) ?? t} needs ${a[1]} approvals, delay ${fmtDuration(a[2])}`,
        { kind: "setTierRule", tier: t, threshold: Number(a[1]), delay: Number(a[2]) },
      );
    }
    if (call.name === "setVetoThreshold") {
      return done(`council.setVetoThreshold: ${a[0]} vetoes kill a proposal`, {
        kind: "setVetoThreshold",
        threshold: Number(a[0]),
      });
    }
    if (call.name === "setExpiry") {
      return done(`council.setExpiry: proposal TTL ${fmtDuration(a[0])}, grace period ${fmtDuration(a[1])}`, {
        kind: "setExpiry",
        proposalTtl: Number(a[0]),
        gracePeriod: Number(a[1]),
      });
    }
  }
  if (contract === "timelock") {
    if (call.name === "updateDelay") {
      return done(`timelock.updateDelay: minimum delay ${fmtDuration(a[0])}`, {
        kind: "updateDelay",
        delay: Number(a[0]),
      });
    }
    if (call.name === "grantRole" || call.name === "revokeRole" || call.name === "renounceRole") {
      const verb = call.name === "grantRole" ? "grants" : call.name === "revokeRole" ? "revokes" : "renounces";
      return done(
        `timelock.${call.name}: ${verb} ${roleName(a[0])} ${call.name === "grantRole" ? "to" : "of"} ${checksum(a[1])}`,
        {
          kind: call.name,
          role: String(a[0]).toLowerCase(),
          account: checksum(a[1]),
        },
      );
    }
  }
  return unknown(call.name);
}

// The kinds of proposal `hedge:propose` and the console build, built in one place: from a kind and its values (already
// parsed: the command line from its flags, the console from its form) and the state they change (the current policy
// and its version), the calls, the one-line summary and the change in a few words that a default description names.
// Pure: no provider, no file system, no Hardhat, so the console imports it; reading the chain and rehearsing the calls
// against it are the caller's. The kind names are those of scripts/commands/propose-kinds.ts (PROPOSAL_KINDS; the
// command line checks that the two lists agree).
import { getAddress } from "ethers";

import { COVERAGE_PARAMETER, TIER_NAMES, changeRows, encode, policyChanges, type Tier } from "./council";
import { fmtDurationExact } from "./format";
import { CliError } from "./output";
import type { PolicyValues } from "./policy";

/** A nudge: `parameter` 0..4 is that layer's trigger (VIX hundredths), COVERAGE_PARAMETER the coverage (bps). */
export interface NudgeSpec {
  parameter: number;
  value: number;
}

/** What to propose, by kind, with its values parsed. */
export type ProposalSpec =
  | { kind: "policy"; next: PolicyValues }
  | { kind: "nudge"; nudges: NudgeSpec[] }
  | { kind: "seat-add"; holder: string }
  | { kind: "seat-remove"; holder: string; seatId: number }
  | { kind: "seat-rotate"; holder: string; seatId: number; newHolder: string }
  | { kind: "tier-rule"; tier: Tier; threshold: number; delay: number }
  | { kind: "veto-threshold"; threshold: number }
  | { kind: "expiry"; ttl: number; grace: number }
  | { kind: "oracle"; feed: string };

export type ProposalKind = ProposalSpec["kind"];

/** The state a proposal is built against. */
export interface BuildContext {
  contracts: { policy: string; seats: string; council: string; timelock: string };
  /** The policy in force and its version (a setPolicy names the version it replaces). */
  current: PolicyValues;
  version: number | bigint;
}

/** A proposal's calls before its description is chosen. */
export interface BuiltCalls {
  targets: string[];
  values: bigint[];
  calldatas: string[];
}

export interface BuiltProposal {
  calls: BuiltCalls;
  /** One line: "change the policy (version 1 -> 2)", "give a seat to 0x…". */
  summary: string;
  /** The change in a few words, which a default description names: "coverageBps 2,500 → 3,000". */
  change: string;
  /** Who the calls are made by when the proposal runs (to rehearse them): the council for nudges, else the timelock. */
  caller: string;
}

/** A value as the change in a default description names it: "2,500 (25.00 %)" → "2,500". */
const rawValue = (cell: string) => cell.replace(/ \(.*\)$/, "");

/** The change in a few words: "coverageBps 2,500 → 3,000, layers.1.triggerVix 2,800 → 2,600". */
export function changeWords(before: PolicyValues, after: PolicyValues): string {
  return changeRows(policyChanges(before, after))
    .map((r) => `${r.field} ${rawValue(r.before)} → ${rawValue(r.after)}`)
    .join(", ");
}

/** A nudge's parameter as `--set` names it: "coverageBps" or "layers.N.triggerVix". */
export function nudgePath(parameter: number): string {
  return parameter === COVERAGE_PARAMETER ? "coverageBps" : `layers.${parameter}.triggerVix`;
}

/** The policy after `nudges`, for the change words. Throws for a layer the policy does not have. */
export function nudgedPolicy(current: PolicyValues, nudges: NudgeSpec[]): PolicyValues {
  const next = structuredClone(current);
  for (const n of nudges) {
    if (n.parameter === COVERAGE_PARAMETER) next.coverageBps = n.value;
    else if (Number.isInteger(n.parameter) && n.parameter >= 0 && n.parameter < next.layers.length) {
      next.layers[n.parameter].triggerVix = n.value;
    } else {
      throw new CliError(
        `--set ${nudgePath(n.parameter)}=${n.value}: the policy has no layer ${n.parameter} (layers 0..${current.layers.length - 1})`,
      );
    }
  }
  return next;
}

/** Builds the calls of one proposal. Throws (CliError, in one line) for a change that changes nothing. */
export function buildProposal(spec: ProposalSpec, context: BuildContext): BuiltProposal {
  const c = context.contracts;
  const single = (target: string, data: string): BuiltCalls => ({
    targets: [target],
    values: [0n],
    calldatas: [data],
  });
  const asTimelock = (built: Omit<BuiltProposal, "caller" | "change"> & { change?: string }): BuiltProposal => ({
    ...built,
    change: built.change ?? built.summary,
    caller: c.timelock,
  });
  switch (spec.kind) {
    case "policy": {
      if (JSON.stringify(spec.next) === JSON.stringify(context.current)) {
        throw new CliError("policy: the new policy equals the current one");
      }
      const version = BigInt(context.version);
      return asTimelock({
        calls: single(c.policy, encode.setPolicy(spec.next, version)),
        summary: `change the policy (version ${version} -> ${version + 1n})`,
        change: changeWords(context.current, spec.next),
      });
    }
    case "nudge": {
      if (spec.nudges.length === 0)
        throw new CliError("nudge: give --set coverageBps=V or --set layers.N.triggerVix=V");
      const next = nudgedPolicy(context.current, spec.nudges);
      const calldatas = spec.nudges.map((n) =>
        n.parameter === COVERAGE_PARAMETER ? encode.nudgeCoverage(n.value) : encode.nudgeTrigger(n.parameter, n.value),
      );
      const texts = spec.nudges.map((n) => `${nudgePath(n.parameter)}=${n.value}`);
      return {
        calls: { targets: calldatas.map(() => c.policy), values: calldatas.map(() => 0n), calldatas },
        summary: `steward nudge${calldatas.length > 1 ? "s" : ""} (${texts.join(", ")})`,
        change: `nudge ${changeWords(context.current, next)}`,
        caller: c.council,
      };
    }
    case "seat-add":
      return asTimelock({
        calls: single(c.seats, encode.mint(getAddress(spec.holder))),
        summary: `give a seat to ${getAddress(spec.holder)}`,
      });
    case "seat-remove":
      return asTimelock({
        calls: single(c.seats, encode.burn(spec.seatId)),
        summary: `remove seat ${spec.seatId} of ${getAddress(spec.holder)}`,
      });
    case "seat-rotate":
      return asTimelock({
        calls: {
          targets: [c.seats, c.seats],
          values: [0n, 0n],
          calldatas: [encode.mint(getAddress(spec.newHolder)), encode.burn(spec.seatId)],
        },
        summary: `rotate seat ${spec.seatId} from ${getAddress(spec.holder)} to ${getAddress(spec.newHolder)} (mint the new seat, then burn the old, in one batch)`,
      });
    case "tier-rule":
      return asTimelock({
        calls: single(c.council, encode.setTierRule(spec.tier, spec.threshold, spec.delay)),
        summary: `set the ${TIER_NAMES[spec.tier]} tier to ${spec.threshold} approvals and a ${fmtDurationExact(spec.delay)} delay`,
      });
    case "veto-threshold":
      return asTimelock({
        calls: single(c.council, encode.setVetoThreshold(spec.threshold)),
        summary: `set the veto threshold to ${spec.threshold}`,
      });
    case "expiry":
      return asTimelock({
        calls: single(c.council, encode.setExpiry(spec.ttl, spec.grace)),
        summary: `set the proposal TTL to ${fmtDurationExact(spec.ttl)} and the grace period to ${fmtDurationExact(spec.grace)}`,
      });
    case "oracle":
      return asTimelock({
        calls: single(c.policy, encode.setOracle(getAddress(spec.feed))),
        summary: `switch the VIX oracle to ${getAddress(spec.feed)}`,
      });
  }
}

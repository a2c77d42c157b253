// The one call decoder: what each call of a proposal asks for, knowing the deployment's addresses. It gives the call
// in words (`headline`), the policy fields it changes against a given policy (./diff), and a compact `action` the
// audit's replay matches the chain's events against. The command line, the console, the audit and the proposal view
// (../view) all decode with it. Written from the governed functions' signatures (./calls): no TypeChain import, so
// the console and the tasks load it cheaply; a caller with the contracts' whole ABIs may pass them to name a
// non-governed function a proposal calls.
import { getAddress, type FunctionFragment, type Interface, type Result } from "ethers";

import { fmtBps, fmtDurationExact, fmtVix } from "../format";
import { toPolicyValues, type PolicyLike, type PolicyValues } from "../policy";
import { GOVERNED_ABI, roleName } from "./calls";
import { changesText, coverageNudgeChange, policyChanges, triggerNudgeChange, type FieldChange } from "./diff";
import { tierName } from "./tiers";

/** The system's contracts, as a proposal's targets are named. */
export type ContractName = "seats" | "council" | "timelock" | "policy" | "oracle";
export const CONTRACT_NAMES: ContractName[] = ["oracle", "seats", "timelock", "policy", "council"];

/** The address of each contract. */
export type AddressBook = Record<ContractName, string>;

/** How the calls name each contract. */
export const CONTRACT_LABELS: Record<ContractName, string> = {
  policy: "HedgePolicy",
  seats: "CouncilSeats",
  council: "HedgeCouncil",
  timelock: "TimelockController",
  oracle: "VixOracle",
};

/** What a call asks for, decoded: the audit's replay matches the events of an execution against these. */
export type CallAction =
  | { kind: "setPolicy"; policy: PolicyValues; expectedVersion: number }
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

/** One call of a proposal, decoded. */
export interface DecodedCall {
  /** Its place in the proposal (call 0, call 1…). */
  index: number;
  /** The target, checksummed. */
  target: string;
  contract: ContractName | "external";
  /** The function's name, or its 4-byte selector when unknown ("0x" without one). */
  function: string;
  /** The ether it sends, in wei. */
  value: bigint;
  /** The call in words, without the fields it changes: "HedgePolicy.setPolicy(next, expectedVersion 1)". */
  headline: string;
  /** For a call that changes policy fields: the fields, against the policy it was decoded against (./diff). */
  changes?: FieldChange[];
  action: CallAction;
}

const checksums = new Map<string, string>();

/** `getAddress`, memoised (a long history names the same few contracts again and again). */
export function checksum(address: string): string {
  const key = address.toLowerCase();
  let found = checksums.get(key);
  if (!found) {
    found = getAddress(key);
    if (checksums.size > 50_000) checksums.clear();
    checksums.set(key, found);
  }
  return found;
}

/** The contract an address is, or "external". */
export function contractAt(book: AddressBook, target: string): ContractName | "external" {
  const to = target.toLowerCase();
  for (const name of Object.keys(book) as ContractName[]) if (book[name].toLowerCase() === to) return name;
  return "external";
}

const NUDGE_TRIGGER = GOVERNED_ABI.policy.getFunction("nudgeTrigger")!.selector;
const NUDGE_COVERAGE = GOVERNED_ABI.policy.getFunction("nudgeCoverage")!.selector;
const UINT8 = 0xffn;
const UINT16 = 0xffffn;
const UINT32 = 0xffffffffn;

/**
 * A nudge's arguments read from the hex itself (a long history is mostly nudges, and ethers' ABI coder would dominate
 * the audit's run time); null when the data is not exactly the canonical encoding, which then goes through the coder.
 */
function nudgeArgs(data: string): { name: string; args: unknown[] } | null {
  const selector = data.slice(0, 10).toLowerCase();
  const word = (i: number) => BigInt("0x" + data.slice(10 + 64 * i, 74 + 64 * i));
  if (selector === NUDGE_TRIGGER && data.length === 138 && /^0x[0-9a-fA-F]*$/.test(data)) {
    const [layer, trigger] = [word(0), word(1)];
    if (layer <= UINT8 && trigger <= UINT32) return { name: "nudgeTrigger", args: [layer, trigger] };
  }
  if (selector === NUDGE_COVERAGE && data.length === 74 && /^0x[0-9a-fA-F]*$/.test(data)) {
    const coverage = word(0);
    if (coverage <= UINT16) return { name: "nudgeCoverage", args: [coverage] };
  }
  return null;
}

const selectors = new Map<Interface, Map<string, FunctionFragment>>();

/**
 * The function of `iface` with this 4-byte selector, or null. The selectors are computed once per interface: ethers
 * hashes every fragment's signature on each lookup by selector, which would dominate a long history's replay.
 */
export function functionBySelector(iface: Interface, selector: string): FunctionFragment | null {
  let map = selectors.get(iface);
  if (!map) {
    map = new Map();
    const found = map;
    iface.forEachFunction((f) => found.set(f.selector, f));
    selectors.set(iface, map);
  }
  return map.get(selector.toLowerCase()) ?? null;
}

function parse(iface: Interface, data: string): { name: string; args: Result | unknown[] } | null {
  const fragment = data.length >= 10 ? functionBySelector(iface, data.slice(0, 10)) : null;
  if (!fragment) return null;
  try {
    return { name: fragment.name, args: iface.decodeFunctionData(fragment, data) };
  } catch {
    return null;
  }
}

/**
 * Decodes one call (`index` in its proposal), knowing the deployment's addresses (`book`). Policy changes are diffed
 * against `against` (the policy they would change, or did: null when unknown). `names` may give the contracts' whole
 * ABIs, to name a function that is not a governed one.
 */
export function decodeCall(
  book: AddressBook,
  target: string,
  value: bigint,
  data: string,
  against: PolicyValues | null,
  index = 0,
  names?: Partial<Record<ContractName, Interface>>,
): DecodedCall {
  const contract = contractAt(book, target);
  const base = { index, target: checksum(target), contract, value: BigInt(value) };
  const withValue = base.value > 0n ? ` (sending ${base.value} wei)` : "";
  const selector = data.length >= 10 ? data.slice(0, 10).toLowerCase() : "0x";
  const unknown = (): DecodedCall => {
    let fn = selector;
    const named = contract === "external" ? undefined : names?.[contract];
    if (named && selector !== "0x") fn = functionBySelector(named, selector)?.name ?? selector;
    const where = contract === "external" ? `unknown call to ${base.target}` : `${CONTRACT_LABELS[contract]}`;
    const what = fn === "0x" ? "no data" : fn.startsWith("0x") ? `selector ${fn}` : `${fn}, not a governed call`;
    return { ...base, function: fn, headline: `${where}: ${what}${withValue}`, action: { kind: "other" } };
  };
  if (contract === "external" || contract === "oracle") return unknown();
  const call = (contract === "policy" ? nudgeArgs(data) : null) ?? parse(GOVERNED_ABI[contract], data);
  if (!call) return unknown();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const a = call.args as any[];
  const label = CONTRACT_LABELS[contract];
  const done = (headline: string, action: CallAction, changes?: FieldChange[]): DecodedCall => ({
    ...base,
    function: call.name,
    headline: `${label}.${headline}${withValue}`,
    ...(changes ? { changes } : {}),
    action,
  });

  switch (`${contract}.${call.name}`) {
    case "policy.setPolicy": {
      const next = toPolicyValues(a[0] as PolicyLike);
      const version = Number(a[1]);
      return done(
        `setPolicy(next, expectedVersion ${version})`,
        { kind: "setPolicy", policy: next, expectedVersion: version },
        policyChanges(against, next),
      );
    }
    case "policy.nudgeTrigger": {
      const [layer, trigger] = [Number(a[0]), Number(a[1])];
      return done(
        `nudgeTrigger(layer ${layer}, VIX ${fmtVix(trigger)})`,
        { kind: "nudgeTrigger", layer, triggerVix: trigger },
        [triggerNudgeChange(against, layer, trigger)],
      );
    }
    case "policy.nudgeCoverage": {
      const coverage = Number(a[0]);
      return done(`nudgeCoverage(${fmtBps(coverage)})`, { kind: "nudgeCoverage", coverageBps: coverage }, [
        coverageNudgeChange(against, coverage),
      ]);
    }
    case "policy.setOracle":
      return done(`setOracle: VIX oracle → ${checksum(a[0])}`, { kind: "setOracle", oracle: checksum(a[0]) });
    case "policy.setSteward":
      return done(`setSteward: steward → ${checksum(a[0])}`, { kind: "setSteward", steward: checksum(a[0]) });
    case "policy.setNudgeLimits":
      return done(
        `setNudgeLimits: max nudge ${fmtBps(Number(a[0]))} of the baseline, cooldown ${fmtDurationExact(a[1])}`,
        {
          kind: "setNudgeLimits",
          maxNudgeBps: Number(a[0]),
          nudgeCooldown: Number(a[1]),
        },
      );
    case "seats.mint":
      return done(`mint: a new seat for ${checksum(a[0])}`, { kind: "mint", holder: checksum(a[0]) });
    case "seats.burn":
      return done(`burn: seat ${a[0]}`, { kind: "burn", seat: Number(a[0]) });
    case "council.setTierRule": {
      const tier = Number(a[0]);
      let name: string;
      try {
        name = tierName(tier);
      } catch {
        name = `tier ${tier}`;
      }
      return done(`setTierRule: ${name} needs ${a[1]} approvals, delay ${fmtDurationExact(a[2])}`, {
        kind: "setTierRule",
        tier,
        threshold: Number(a[1]),
        delay: Number(a[2]),
      });
    }
    case "council.setVetoThreshold":
      return done(`setVetoThreshold: ${a[0]} vetoes kill a proposal`, {
        kind: "setVetoThreshold",
        threshold: Number(a[0]),
      });
    case "council.setExpiry":
      return done(`setExpiry: proposal TTL ${fmtDurationExact(a[0])}, grace period ${fmtDurationExact(a[1])}`, {
        kind: "setExpiry",
        proposalTtl: Number(a[0]),
        gracePeriod: Number(a[1]),
      });
    case "timelock.updateDelay":
      return done(`updateDelay: minimum delay ${fmtDurationExact(a[0])}`, { kind: "updateDelay", delay: Number(a[0]) });
    case "timelock.grantRole":
    case "timelock.revokeRole":
    case "timelock.renounceRole": {
      const kind = call.name as "grantRole" | "revokeRole" | "renounceRole";
      const verb = kind === "grantRole" ? "grants" : kind === "revokeRole" ? "revokes" : "renounces";
      return done(
        `${kind}: ${verb} ${roleName(String(a[0]))} ${kind === "grantRole" ? "to" : "of"} ${checksum(a[1])}`,
        {
          kind,
          role: String(a[0]).toLowerCase(),
          account: checksum(a[1]),
        },
      );
    }
  }
  return unknown();
}

/** Every call of a proposal, decoded against the same policy (the one the calls would change, or did). */
export function decodeCalls(
  book: AddressBook,
  calls: { targets: readonly string[]; values: readonly bigint[]; calldatas: readonly string[] },
  against: PolicyValues | null,
  names?: Partial<Record<ContractName, Interface>>,
): DecodedCall[] {
  return calls.targets.map((t, i) => decodeCall(book, t, calls.values[i], calls.calldatas[i], against, i, names));
}

/** A decoded call in one line: its headline and, for policy changes, the fields it changes in words. */
export function callText(call: DecodedCall, arrow = "→"): string {
  return call.changes ? `${call.headline}: ${changesText(call.changes, arrow)}` : call.headline;
}

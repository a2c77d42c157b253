// Why a proposal has its tier, call by call, in the words of the council's rules: the tier rule (./tier-rule) judges
// the calls against the current policy, its version and its baseline, and `whyLines` words it. The proposal view
// (../view) is how the command line and the console show it; this is the same judgement for a caller that holds only
// the calls and the policy (the console's new-proposal form).
import type { PolicyValues } from "../policy";
import { decodeCalls, type AddressBook } from "./decode";
import type { Baseline } from "./protection";
import { callTiers, whyLines } from "./tier-rule";

export function tierReasons(
  calls: { targets: string[]; values?: bigint[]; calldatas: string[] },
  book: AddressBook | string,
  current: PolicyValues,
  version: number,
  baseline: Baseline,
): string[] {
  const addresses: AddressBook =
    typeof book === "string" ? { policy: book, seats: "", council: "", timelock: "", oracle: "" } : book;
  const values = calls.values ?? calls.targets.map(() => 0n);
  const decoded = decodeCalls(addresses, { ...calls, values }, current);
  const tiers = callTiers({ policy: addresses.policy, version, params: current, baseline }, calls);
  return whyLines(decoded, tiers, version);
}

// Why a proposal has its tier, call by call, in the words of the council's rules: the tier itself always comes from
// the contract (`tierOf` / `proposalTier`); this only explains it. Used by hedge:propose and the console.
import { toPolicyValues, type PolicyLike, type PolicyValues } from "../policy";
import { GOVERNED_ABI } from "./calls";
import { looseningReasons, type Baseline } from "./protection";

export function tierReasons(
  calls: { targets: string[]; calldatas: string[] },
  policyAddress: string,
  current: PolicyValues,
  version: number,
  baseline: Baseline,
): string[] {
  const reasons: string[] = [];
  calls.targets.forEach((target, i) => {
    let parsed: ReturnType<typeof GOVERNED_ABI.policy.parseTransaction> = null;
    if (target.toLowerCase() === policyAddress.toLowerCase()) {
      try {
        parsed = GOVERNED_ABI.policy.parseTransaction({ data: calls.calldatas[i] });
      } catch {
        parsed = null;
      }
    }
    const call = `call ${i}`;
    if (parsed?.name === "setPolicy") {
      const next = toPolicyValues(parsed.args[0] as unknown as PolicyLike);
      const expected = Number(parsed.args[1]);
      if (expected !== version) {
        reasons.push(
          `${call}: a setPolicy for version ${expected}, but the policy is at version ${version}: Critical (it would be judged against a policy it does not replace)`,
        );
        return;
      }
      const loosens = looseningReasons(current, next, baseline);
      if (loosens.length > 0) for (const r of loosens) reasons.push(`${call} loosens (Critical): ${r}`);
      else reasons.push(`${call}: a setPolicy for the current version that does not loosen: Standard`);
    } else if (parsed?.name === "nudgeTrigger" || parsed?.name === "nudgeCoverage") {
      reasons.push(`${call}: a steward nudge within its band: Fast`);
    } else {
      reasons.push(`${call}: ${parsed?.name ?? "a call"} other than setPolicy or a nudge: Critical`);
    }
  });
  return reasons;
}

// A proposal's change in one line, for the rows of a list of proposals (hedge:status, the console's Proposals page),
// where the proposal view (../view) has no room for its tables: "coverageBps 25.00 % → 30.00 %, tightens". It is made
// of the same judgement the view shows at length, never of one of its own: each call as the one decoder (./decode)
// words it, the fields a policy change moves as the one policy diff (./diff) names and formats them, and last the
// verdict of the loosening rule (./tier-rule, ./fields):
//   - "loosens" when a call loosens the hedge: the tier rule says so of a setPolicy, or a field moves the loose way on
//     its own (a nudge of the coverage down, of a trigger up);
//   - "tightens" when every field the proposal moves tightens on its own;
//   - "does not loosen" when the tier rule passes a setPolicy whose fields have no effect of their own (allocations
//     moved along the curve);
//   - nothing for calls that move no policy field (seats, settings, the oracle): their tier says what they need.
import type { DecodedCall } from "./decode";
import { fmtFieldValue } from "./fields";
import type { CallTier } from "./tier-rule";

/** At most this many fields of one call are named; the others are counted ("and 2 more fields"). */
export const SUMMARY_FIELDS_MAX = 4;

export type SummaryVerdict = "loosens" | "tightens" | "does not loosen" | "";

/** One call in the summary's words: the fields it moves (before → after), or the decoder's headline. */
export function callSummary(call: DecodedCall): string {
  if (!call.changes) return call.headline;
  if (call.changes.length === 0) return `${call.headline}: no field changes`;
  const named = call.changes
    .slice(0, SUMMARY_FIELDS_MAX)
    .map((c) => `${c.field} ${fmtFieldValue(c.field, c.before)} → ${fmtFieldValue(c.field, c.after)}`);
  const more = call.changes.length - named.length;
  return more > 0 ? `${named.join(", ")} and ${more} more field${more === 1 ? "" : "s"}` : named.join(", ");
}

/** The loosening rule's verdict on the whole proposal (see the top of this file); "" when it says nothing of it. */
export function summaryVerdict(decoded: readonly DecodedCall[], tiers: readonly CallTier[] = []): SummaryVerdict {
  const changes = decoded.flatMap((d) => d.changes ?? []);
  if (tiers.some((t) => t.kind === "loosens") || changes.some((c) => c.effect === "loosens")) return "loosens";
  const movesOnlyFields = decoded.length > 0 && decoded.every((d) => d.changes !== undefined);
  if (movesOnlyFields && changes.length > 0 && changes.every((c) => c.effect === "tightens")) return "tightens";
  if (tiers.some((t) => t.kind === "does-not-loosen")) return "does not loosen";
  return "";
}

/**
 * The proposal's change in one line: each call (separated by "; "), then the verdict. `decoded` and `tiers` are what
 * the proposal view holds (`ProposalView.decoded`, and the tier rule's `callTiers` against the same policy).
 */
export function changeSummary(decoded: readonly DecodedCall[], tiers: readonly CallTier[] = []): string {
  if (decoded.length === 0) return "no calls";
  const verdict = summaryVerdict(decoded, tiers);
  const calls = decoded.map(callSummary).join("; ");
  return verdict ? `${calls}, ${verdict}` : calls;
}

// The proposals table's columns, shared by the Markdown and HTML reports so that both always show the same ones.
import type { AuditReport } from "../types";

/**
 * The headers of the proposals table. Every proposal has a description (rules v3 keep it on chain, in
 * `ProposalCreated`): the last column, escaped by each format.
 */
export function proposalColumns(_r?: AuditReport): { headers: string[]; described: true } {
  return {
    headers: [
      "id",
      "tier (recorded / re-derived)",
      "state",
      "approvals",
      "created",
      "queued",
      "executed",
      "calls",
      "description",
    ],
    described: true,
  };
}

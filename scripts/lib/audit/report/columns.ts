// The proposals table's columns, shared by the Markdown and HTML reports so that both always show the same ones.
import type { AuditReport } from "../types";

/**
 * The headers of the proposals table, and whether it has the description column: only when the audit was given
 * descriptions that match a proposal (hedge:audit --descriptions).
 */
export function proposalColumns(r: AuditReport): { headers: string[]; described: boolean } {
  const described = r.proposals.some((p) => p.description !== undefined);
  const headers = [
    "id",
    "tier (recorded / re-derived)",
    "state",
    "approvals",
    "created",
    "queued",
    "executed",
    "calls",
  ];
  return { headers: described ? [...headers, "description"] : headers, described };
}

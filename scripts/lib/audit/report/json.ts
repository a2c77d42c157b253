// `--json FILE`: the report as documented in docs/AUDIT.md (format "hedge-council-audit/1").
import type { AuditReport } from "../types";

export function jsonReport(r: AuditReport): string {
  return `${JSON.stringify(r, (_key, value) => (typeof value === "bigint" ? value.toString() : value), 2)}\n`;
}

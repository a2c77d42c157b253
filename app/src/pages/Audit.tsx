// The audit in the browser: runs scripts/lib/audit (the library behind `hedge:audit`) against the chain through the
// console's RPC URL, or opens an audit JSON (`hedge:audit --json`), and shows the checks, the findings and the
// timeline picture drawn by the audit's own HTML report code. The checks are named, judged and counted as
// `hedge:audit` prints them (scripts/lib/audit/report/terminal.ts), so a name read here can be found in a log.
import { useState } from "react";

import { AUDIT_FORMAT, runAudit, type AuditReport } from "../../../scripts/lib/audit";
import { CSS, timelineSvg } from "../../../scripts/lib/audit/report/html";
import { fmtTime } from "../../../scripts/lib/format";
import { escapeUnsafe } from "../../../scripts/lib/untrusted";
import { explain } from "../chain";
import { ScrollBox, Section, Table, useApp } from "../ui";

/** The report's rules for its SVG only (the rest styles the report's own page). */
const SVG_CSS = CSS.split("}")
  .filter((rule) => rule.trim().startsWith("svg"))
  .map((rule) => `${rule}}`)
  .join("");

export function AuditPage() {
  const { system } = useApp();
  const [report, setReport] = useState<AuditReport | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function run() {
    setBusy(true);
    setError(null);
    try {
      const rpc = {
        request: ({ method, params }: { method: string; params?: unknown[] }) =>
          system.provider.send(method, params ?? []),
      };
      setReport(await runAudit({ rpc, deployment: system.deployment, network: system.settings.network }));
    } catch (e) {
      setError(explain(e));
    } finally {
      setBusy(false);
    }
  }

  async function openFile(text: string, name: string) {
    setError(null);
    try {
      const parsed = JSON.parse(text) as AuditReport;
      if (parsed.format !== AUDIT_FORMAT) throw new Error(`${name} is not an audit JSON (format ${AUDIT_FORMAT})`);
      setReport(parsed);
    } catch (e) {
      setError(explain(e));
    }
  }

  return (
    <>
      <h2 className="page-title">Audit</h2>
      <p>
        <button onClick={run} disabled={busy}>
          {busy ? "Auditing…" : "Run the audit against the chain"}
        </button>{" "}
        <label>
          Or open an audit JSON{" "}
          <input
            type="file"
            accept="application/json,.json"
            onChange={async (e) => {
              const f = e.target.files?.[0];
              if (f) await openFile(await f.text(), f.name);
              e.target.value = "";
            }}
          />
        </label>
      </p>
      {error && <p role="alert">{error}</p>}
      {report && (
        <>
          <p data-testid="audit-summary">
            {escapeUnsafe(String(report.network.name))} (chain {escapeUnsafe(String(report.network.chainId))}), blocks{" "}
            {report.range.fromBlock}–{report.range.toBlock} ({fmtTime(report.range.toTimestamp)}):{" "}
            {report.summary.proposals} proposal{report.summary.proposals === 1 ? "" : "s"}, {report.summary.findings}{" "}
            finding{report.summary.findings === 1 ? "" : "s"}.
          </p>
          <Section title="Checks">
            <Table label="What the audit checked" className="checks">
              <caption>What the audit checked, as hedge:audit prints it</caption>
              <thead>
                <tr>
                  <th scope="col">Check</th>
                  <th scope="col">Result</th>
                  <th scope="col">Findings</th>
                  <th scope="col">What is checked</th>
                </tr>
              </thead>
              <tbody>
                {report.checks.map((c) => (
                  <tr key={c.name}>
                    <th scope="row">{escapeUnsafe(String(c.name))}</th>
                    <td className={c.status === "pass" ? "ok" : "bad"}>{c.status === "pass" ? "pass" : "FAIL"}</td>
                    <td>{escapeUnsafe(String(c.findings))}</td>
                    <td className="prose">{escapeUnsafe(String(c.description))}</td>
                  </tr>
                ))}
              </tbody>
            </Table>
          </Section>
          <Section title="Findings">
            {report.findings.length === 0 ? (
              <p>None: the chain followed the rules.</p>
            ) : (
              <ul>
                {report.findings.map((f, i) => (
                  <li key={i}>
                    <strong>{escapeUnsafe(String(f.kind))}</strong> ({escapeUnsafe(String(f.check))}):{" "}
                    {escapeUnsafe(String(f.message))}
                  </li>
                ))}
              </ul>
            )}
          </Section>
          <Section title="Timeline">
            <style>{SVG_CSS}</style>
            {/* The audit library's own SVG; every text in it is escaped there. */}
            <ScrollBox label="Timeline of the audited history">
              <div className="timeline" dangerouslySetInnerHTML={{ __html: timelineSvg(report) }} />
            </ScrollBox>
          </Section>
        </>
      )}
    </>
  );
}

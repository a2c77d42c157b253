// hedge:audit — replays every event of seats, council, timelock and policy from the deployment block, re-derives
// every rule (tiers, thresholds, delays, expiry, nudge bounds, policy invariants), compares the live state with the
// replay, and reports. Exit status: 0 no findings, 1 findings, 2 the audit itself could not run (one `error:` line).
// The report formats are documented in docs/AUDIT.md. Every proposal is reported with its description, read from
// its ProposalCreated event (rules v3 keep it on chain).
import fs from "node:fs";
import path from "node:path";

import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { parseIntIn } from "../lib/shell/args";
import { CliError, sayError, sayLines } from "../lib/output";
import { loadDeployment } from "../lib/deployments";
import type { AuditReport } from "../lib/audit/types";

export interface AuditArgs {
  json?: string;
  md?: string;
  html?: string;
  chunkSize: string;
  toBlock?: string;
  /** Obsolete (rules v3 keep descriptions on chain): accepted while a task still declares it, and ignored. */
  descriptions?: string;
  noProgress: boolean;
}

async function audit(args: AuditArgs, hre: HardhatRuntimeEnvironment): Promise<AuditReport> {
  const chunkSize = parseIntIn("--chunk-size", args.chunkSize, 1, 1_000_000, "blocks");
  const toBlock =
    args.toBlock === undefined ? undefined : parseIntIn("--to-block", args.toBlock, 0, Number.MAX_SAFE_INTEGER);
  const outputs = (["json", "md", "html"] as const)
    .filter((k) => args[k] !== undefined)
    .map((k) => ({ kind: k, file: path.resolve(String(args[k])) }));
  for (const { kind, file } of outputs) {
    if (!args[kind]!.trim()) throw new CliError(`--${kind} needs a file name`);
    if (fs.existsSync(file) && fs.statSync(file).isDirectory())
      throw new CliError(`--${kind} ${args[kind]}: is a directory`);
  }

  if (args.descriptions !== undefined) {
    sayError(
      "note: --descriptions is obsolete and ignored: each proposal's description is read from its ProposalCreated event",
    );
  }

  const { deployment } = await loadDeployment(hre);
  const { runAudit, AuditError } = await import("../lib/audit");
  const { progressBar } = await import("../lib/audit/progress");
  const { terminalSummary } = await import("../lib/audit/report/terminal");
  let accounts: string[] = [];
  try {
    accounts = (await hre.network.provider.request({ method: "eth_accounts", params: [] })) as string[];
  } catch {
    // a node without unlocked accounts
  }
  const progress = args.noProgress ? undefined : progressBar(process.stderr);
  let report: AuditReport;
  try {
    report = await runAudit({
      rpc: hre.network.provider,
      deployment,
      network: hre.network.name,
      chunkSize,
      toBlock,
      progress: progress?.update,
      extraAccounts: accounts,
    });
  } catch (error) {
    // The audit library's own error (it never depends on the command line): one line, exit status 2.
    if (error instanceof AuditError) throw new CliError(error.message);
    throw error;
  } finally {
    progress?.done();
  }

  const written: string[] = [];
  for (const { kind, file } of outputs) {
    const render = await renderer(kind);
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, render(report));
    } catch (error) {
      throw new CliError(`cannot write --${kind} ${args[kind]}: ${(error as Error).message.split("\n")[0]}`);
    }
    written.push(path.relative(process.cwd(), file) || file);
  }
  sayLines(terminalSummary(report, written));
  if (report.findings.length > 0) process.exitCode = 1;
  return report;
}

async function renderer(kind: "json" | "md" | "html"): Promise<(r: AuditReport) => string> {
  if (kind === "json") return (await import("../lib/audit/report/json")).jsonReport;
  if (kind === "md") return (await import("../lib/audit/report/md")).markdownReport;
  return (await import("../lib/audit/report/html")).htmlReport;
}

export default audit;

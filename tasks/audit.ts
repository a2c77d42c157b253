// hedge:audit — replays every event of seats, council, timelock and policy from the deployment block, re-derives
// every rule (tiers, thresholds, delays, expiry, nudge bounds, policy invariants), compares the live state with the
// replay, and reports. Exit status: 0 no findings, 1 findings, 2 the audit itself could not run (one `error:` line).
// The report formats are documented in docs/AUDIT.md.
import fs from "node:fs";
import path from "node:path";

import { task, types } from "hardhat/config";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { CliError, cliAction, parseIntIn, sayLines } from "../scripts/lib/cli";
import { loadDeployment } from "../scripts/lib/deployments";
import type { AuditReport } from "../scripts/lib/audit/types";

export interface AuditArgs {
  json?: string;
  md?: string;
  html?: string;
  chunkSize: number;
  toBlock?: number;
  noProgress: boolean;
}

task(
  "hedge:audit",
  "Replays the chain from the deployment, re-derives every rule and compares the live state; exit 0 clean, 1 findings, 2 error",
)
  .addOptionalParam("json", "Write the machine-readable report (docs/AUDIT.md) to this file", undefined, types.string)
  .addOptionalParam("md", "Write the report as Markdown to this file", undefined, types.string)
  .addOptionalParam("html", "Write a self-contained HTML page with the timeline to this file", undefined, types.string)
  .addOptionalParam("chunkSize", "Blocks per eth_getLogs request (split further if the node refuses)", 2_000, types.int)
  .addOptionalParam("toBlock", "Audit up to this block (default: the latest)", undefined, types.int)
  .addFlag("noProgress", "No progress bar even on a terminal")
  .setAction(async (args: AuditArgs, hre) => {
    const report = await cliAction(audit)(args, hre);
    // cliAction printed the one-line reason; an audit that could not run exits with 2, not 1.
    if (report === undefined) process.exitCode = 2;
    return report;
  });

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

  const { deployment } = await loadDeployment(hre);
  const { runAudit, AuditError } = await import("../scripts/lib/audit");
  const { progressBar } = await import("../scripts/lib/audit/progress");
  const { terminalSummary } = await import("../scripts/lib/audit/report/terminal");
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
  if (kind === "json") return (await import("../scripts/lib/audit/report/json")).jsonReport;
  if (kind === "md") return (await import("../scripts/lib/audit/report/md")).markdownReport;
  return (await import("../scripts/lib/audit/report/html")).htmlReport;
}

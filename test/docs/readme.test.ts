// Keeps the README's audit walkthrough true: its fenced `sh` block is run as written, line by line in one bash (so
// its shell variables carry over, as in a terminal), against a fresh `hardhat node` on a free port. Each command
// must exit with the status its `# exit N` comment gives (0 without one), every JSON-RPC call must be answered
// without an error, the clean audit must write its reports, and the findings of the tampered chain must be the
// ones the README shows.
//
// The block runs in a temporary folder under tmp/ (ignored by git and prettier): `npx hardhat` finds the project
// from there, and the block's relative paths (reports/, deployments/localhost.json) land in that folder, not in the
// project's own. HEDGE_LOCALHOST_URL points `--network localhost` (and the block's $RPC) at the test's node.
import fs from "node:fs";
import path from "node:path";

import { expect } from "chai";

import { startNode, type NodeProcess } from "../helpers/node";
import { ROOT } from "../tasks/helpers";
import { readme, section } from "./markdown";
import { commandsOf, runInBash, type Command, type Step } from "./shell";

const MARKER = "readme-walkthrough: audit";

/** The commands of the walkthrough, each with the exit status it announces. */
function walkthrough(): Command[] {
  return commandsOf(readme(), MARKER);
}

/** The findings lines (`    1. [kind] …`) of an audit's terminal output, with truncated hashes (`0x1234abcd…`) masked. */
function findingLines(text: string): string[] {
  return text
    .split("\n")
    .filter((l) => /^\s+\d+\. \[[a-z-]+\] /.test(l))
    .map((l) => l.trim().replace(/0x[0-9a-fA-F]{8}…/g, "0x…"));
}

describe("README: the audit walkthrough runs as written", function () {
  this.timeout(600_000);
  let node: NodeProcess;
  let dir: string;
  let steps: Step[];
  const tmp = path.join(ROOT, "tmp");
  const madeTmp = !fs.existsSync(tmp);

  before(async function () {
    fs.mkdirSync(tmp, { recursive: true });
    dir = fs.mkdtempSync(path.join(tmp, "readme-"));
    node = await startNode();
    steps = await runInBash(walkthrough(), dir, {
      HEDGE_LOCALHOST_URL: node.url,
      HEDGE_DEPLOYMENTS_DIR: path.join(dir, "deployments"),
    });
  });

  after(async function () {
    await node?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    if (madeTmp && fs.readdirSync(tmp).length === 0) fs.rmdirSync(tmp);
  });

  it("has a walkthrough that deploys, tampers and audits", function () {
    const lines = walkthrough().map((s) => s.line);
    expect(lines[0]).to.match(/^npx hardhat hedge:deploy /);
    expect(lines.filter((l) => l.startsWith("npx hardhat hedge:audit"))).to.have.length(3);
    expect(lines.some((l) => l.includes("hardhat_impersonateAccount"))).to.equal(true);
    expect(lines.some((l) => l.includes("hardhat_setStorageAt"))).to.equal(true);
  });

  it("every command exits with the status the README gives it", function () {
    for (const step of steps) {
      const printed = `${step.stdout}\n${step.stderr}`.trim();
      expect(step.code, `\`${step.line}\` printed:\n${printed}`).to.equal(step.expectedExit);
    }
  });

  it("every JSON-RPC call of the tampering step is answered without an error", function () {
    const calls = steps.filter((s) => s.line.startsWith("curl "));
    expect(calls).to.have.length.greaterThan(0);
    for (const call of calls) {
      const answer = JSON.parse(call.stdout) as { result?: unknown; error?: unknown };
      expect(answer.error, `\`${call.line}\``).to.equal(undefined);
      expect(answer.result, `\`${call.line}\``).not.to.equal(undefined);
    }
  });

  it("the clean audit finds nothing and writes its reports under reports/", function () {
    const audit = steps.find((s) => s.line.startsWith("npx hardhat hedge:audit") && s.line.includes("--json"))!;
    expect(audit.stdout).to.include("No findings: every change followed the rules");
    const report = JSON.parse(fs.readFileSync(path.join(dir, "reports", "audit.json"), "utf8"));
    expect(report.findings).to.deep.equal([]);
    for (const file of ["audit.md", "audit.html"])
      expect(fs.statSync(path.join(dir, "reports", file)).size).to.be.greaterThan(0);
  });

  it("the audit of the tampered chain finds exactly what the README shows", function () {
    const audit = steps.find((s) => s.expectedExit === 1 && s.line.startsWith("npx hardhat hedge:audit"))!;
    const shown = findingLines(section(readme(), "The audit"));
    expect(shown, "the README shows the findings").to.have.length.greaterThan(0);
    expect(findingLines(audit.stdout)).to.deep.equal(shown);
    expect(audit.stdout).to.include(`Findings: ${shown.length}`);
  });

  it("the audit of an edited deployments file cannot run: one error line, exit 2", function () {
    const audit = steps.find((s) => s.expectedExit === 2 && s.line.startsWith("npx hardhat hedge:audit"))!;
    const errors = audit.stderr.split("\n").filter((l) => l.startsWith("error: "));
    expect(errors).to.have.length(1);
    expect(errors[0]).to.include("is stale: no contract at 0x000000000000000000000000000000000000dEaD (policy)");
  });
});

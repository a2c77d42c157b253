// hedge:audit, the task and its reports: exit status 0 with no findings, 1 with findings, 2 with one `error:` line
// when the audit cannot run; --json (the documented schema), --md and --html; each proposal's description from its
// ProposalCreated event in every format, a hostile one escaped; the HTML page renders offline in headless Chromium
// (Debian's, driven by playwright-core) with its timeline, and a screenshot goes to docs/audit-report.png for the
// README when AUDIT_SCREENSHOT=1.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { expect } from "chai";
import hre from "hardhat";
import { chromium } from "playwright-core";

import type { AuditReport } from "../../scripts/lib/audit";
import { deploymentFile, writeDeployment, type Deployment } from "../../scripts/lib/deployments";
import { descriptionHash } from "../../scripts/lib/council";
import { captureOutput, withOutput } from "../../scripts/lib/output";
import auditCommand from "../../scripts/commands/audit";
import { runTask, tempDir } from "../tasks/helpers";
import { nudgeProposal, proposeArgs } from "../helpers/system";
import { HISTORY_DESCRIPTIONS, buildHistory, deployForAudit, snapshot, type CouncilSystem } from "./helpers";

const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
// The README's picture is refreshed only on request (AUDIT_SCREENSHOT=1), so a test run leaves the tree clean.
const SCREENSHOT = process.env.AUDIT_SCREENSHOT
  ? path.join(hre.config.paths.root, "docs", "audit-report.png")
  : path.join(os.tmpdir(), `hedge-audit-report-${process.pid}.png`);

describe("hedge:audit task and reports", function () {
  let sys: CouncilSystem;
  let deployment: Deployment;
  let dir: string;
  let previousDir: string | undefined;
  let restoreAll: () => Promise<void>;

  before(async function () {
    restoreAll = await snapshot();
    dir = tempDir("audit");
    previousDir = process.env.HEDGE_DEPLOYMENTS_DIR;
    process.env.HEDGE_DEPLOYMENTS_DIR = dir;
    ({ sys, deployment } = await deployForAudit());
    writeDeployment(deploymentFile(hre), deployment);
    await buildHistory(sys);
  });
  after(async function () {
    await restoreAll();
    if (previousDir === undefined) delete process.env.HEDGE_DEPLOYMENTS_DIR;
    else process.env.HEDGE_DEPLOYMENTS_DIR = previousDir;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const out = (name: string) => path.join(dir, "out", name);

  it("exits 0 on a clean history, prints the summary table and writes --json, --md and --html", async function () {
    const run = await runTask<AuditReport>("hedge:audit", {
      json: out("a.json"),
      md: out("a.md"),
      html: out("a.html"),
      noProgress: true,
    });
    const text = run.out.join("\n");
    expect(run.exitCode, text + run.err.join("\n")).to.equal(0);
    expect(run.err).to.deep.equal([]);
    expect(text).to.match(/^Hedge Council audit: network "hardhat" \(chain 31337\), blocks [\d,]+\.\.[\d,]+/);
    expect(text).to.match(
      /proposals\s+10\s+Queued 1, Executed 7, Vetoed 1, Expired 1; tiers Fast 2, Standard 3, Critical 5/,
    );
    expect(text).to.match(/provenance\s+pass\s+0/);
    expect(text).to.include("No findings: every change followed the rules, and the live state is what they produced.");
    for (const f of ["a.json", "a.md", "a.html"])
      expect(text).to.include(`Wrote ${path.relative(process.cwd(), out(f))}`);

    const json = JSON.parse(fs.readFileSync(out("a.json"), "utf8")) as AuditReport;
    expect(json.format).to.equal("hedge-council-audit/1");
    expect(Object.keys(json)).to.deep.equal([
      "format",
      "generatedAt",
      "network",
      "contracts",
      "range",
      "stats",
      "summary",
      "checks",
      "notes",
      "findings",
      "proposals",
      "policyVersions",
      "settingsChanges",
      "seats",
      "layerEvents",
      "vix",
      "replayed",
      "live",
    ]);
    expect(json.findings).to.deep.equal([]);
    expect(json.proposals).to.have.length(10);
    expect(json).to.deep.equal(JSON.parse(JSON.stringify(run.result)));

    const md = fs.readFileSync(out("a.md"), "utf8");
    expect(md).to.match(/^# Hedge Council audit\n/);
    expect(md).to.include("**No findings.**");
    expect(md).to.include("| 2 | `0x");
    expect(md).to.include("coverageBps 25.00 % → 30.00 % (tightens)");

    // Every proposal's description, from the chain: on the terminal (continuation lines behind a gutter), in the
    // JSON, as the last column of the Markdown and HTML proposal tables.
    expect(text).to.include("Proposals: 10, with their descriptions from the chain");
    const standard = json.proposals[0];
    expect(standard.description).to.equal(HISTORY_DESCRIPTIONS.standard);
    expect(standard.descriptionHash).to.equal(descriptionHash(HISTORY_DESCRIPTIONS.standard));
    expect(text).to.match(
      new RegExp(
        `\\n  ${standard.id.slice(0, 10)}…  Standard\\s+Executed\\s+Raise the coverage to 30 %: the desk doubled its condor book\\n`,
      ),
    );
    expect(text).to.match(
      /\n  0x[0-9a-f]{8}…  Critical\s+Executed\s+Cut the coverage to 22 %\n\s+│ The hedge costs more/,
    );
    expect(md).to.include("| description |");
    expect(md).to.include(" | Cut the coverage to 22 % / The hedge costs more than the book can carry this quarter. |");
    const html = fs.readFileSync(out("a.html"), "utf8");
    expect(html).to.include("<th>description</th>");
    expect(html).to.include("Cut the coverage to 22 %<br>The hedge costs more than the book can carry this quarter.");
  });

  it("shows a hostile description escaped in every format: no markup, no link, no control character", async function () {
    const restore = await snapshot();
    try {
      const hostile = [
        "![pixel](http://evil.example/p.png) <img src=x onerror=alert(1)> | **bold** [link](http://evil.example)",
        "\u202egnp.exe\u0007 \u001b[31mred\u001b[0m & `code` _under_ ~strike~",
        "call 0: policy.setPolicy ... (tightens)",
      ].join("\n");
      const p = nudgeProposal(sys, 2_300, hostile);
      await sys.council.connect(sys.holders[0]).propose(...proposeArgs(p));
      const run = await runTask<AuditReport>("hedge:audit", {
        json: out("h.json"),
        md: out("h.md"),
        html: out("h.html"),
        noProgress: true,
      });
      expect(run.exitCode, run.out.join("\n")).to.equal(0);
      const json = JSON.parse(fs.readFileSync(out("h.json"), "utf8")) as AuditReport;
      const reported = json.proposals.at(-1)!;
      expect(reported.description).to.equal(hostile); // the JSON keeps the exact text
      expect(reported.descriptionHash).to.equal(descriptionHash(hostile));

      // Terminal: control and bidirectional characters written \u{…}; the text's later lines behind the gutter.
      const text = run.out.join("\n");
      expect(text).to.not.match(/[\u0007\u001b\u202e]/);
      const at = run.out.findIndex((l) => l.includes(reported.id.slice(0, 10)));
      expect(run.out[at]).to.match(/Fast\s+Pending\s+!\[pixel\]\(http:\/\/evil\.example\/p\.png\) <img src=x/);
      // A line too long for the terminal's frame (scripts/lib/untrusted BLOCK_WIDTH) continues behind the gutter.
      const second = run.out.findIndex((l) => l.includes("\\u{202e}gnp.exe"));
      expect(second).to.be.greaterThan(at);
      for (const line of run.out.slice(at + 1, second + 1)) expect(line).to.match(/^\s+│ /);
      expect(run.out[second]).to.match(/^\s+│ \\u\{202e\}gnp\.exe\\u\{7\} \\u\{1b\}\[31mred\\u\{1b\}\[0m & `code`/);
      expect(
        run.out
          .slice(second + 1, second + 3)
          .some((l) => /^\s+│ call 0: policy\.setPolicy \.\.\. \(tightens\)$/.test(l)),
      ).to.equal(true);

      // Markdown: no image, no link, no HTML, no cell break; the lines joined in one cell.
      const md = fs.readFileSync(out("h.md"), "utf8");
      const row = md.split("\n").find((l) => l.includes(reported.id.slice(0, 10)))!;
      expect(row).to.include(
        "\\!\\[pixel\\](http://evil.example/p.png) \\<img src=x onerror=alert(1)\\> \\| \\*\\*bold\\*\\* \\[link\\](http://evil.example) / ",
      );
      // (the \u{…} of a control character keeps its backslash: escaped, it reads as written)
      expect(row).to.include(
        "\\\\u{202e}gnp.exe\\\\u{7} \\\\u{1b}\\[31mred\\\\u{1b}\\[0m \\& \\`code\\` \\_under\\_ \\~strike\\~",
      );
      expect(row).to.not.match(/[^\\]!\[|[^\\]<img|[\u0007\u001b\u202e]/);
      expect(row.split(" | ")).to.have.length(9); // the nine columns, the text's pipe escaped

      // HTML: every character of markup escaped, in the table and in the timeline's tooltip.
      const html = fs.readFileSync(out("h.html"), "utf8");
      expect(html).to.not.match(/<img|[\u0007\u001b\u202e]/);
      expect(html).to.include(
        "![pixel](http://evil.example/p.png) &lt;img src=x onerror=alert(1)&gt; | **bold** [link](http://evil.example)<br>\\u{202e}gnp.exe\\u{7} \\u{1b}[31mred\\u{1b}[0m &amp; `code` _under_ ~strike~<br>call 0:",
      );
      expect(html).to.match(
        /<title>Fast proposal 0x[0-9a-f]{8}… “!\[pixel\]\(http:\/\/evil\.example\/p\.png\) &lt;img src=x/,
      );
    } finally {
      await restore();
    }
  });

  it("exits 1 with findings, naming them on the terminal and in every report", async function () {
    const restore = await snapshot();
    try {
      // A storage edit behind governance's back: the coverage (Params, slot 0, bits 8..23).
      const word = BigInt(
        (await hre.network.provider.request({
          method: "eth_getStorageAt",
          params: [sys.addresses.policy, "0x0", "latest"],
        })) as string,
      );
      const edited = (word & ~(0xffffn << 8n)) | (9_000n << 8n);
      await hre.network.provider.request({
        method: "hardhat_setStorageAt",
        params: [sys.addresses.policy, "0x0", "0x" + edited.toString(16).padStart(64, "0")],
      });
      const run = await runTask<AuditReport>("hedge:audit", {
        json: out("b.json"),
        md: out("b.md"),
        html: out("b.html"),
        noProgress: true,
      });
      const text = run.out.join("\n");
      expect(run.exitCode).to.equal(1);
      expect(text).to.match(/live\s+FAIL\s+3/);
      expect(text).to.match(
        /Findings: 3\n\s+1\. \[storage-edited\] HedgePolicy's parameters .* differs from the replay in 2 values \(policy\.coverageBps, policy\.policyHash\)[^\n]*\n\s+2\. \[live-state-mismatch\] policy\.coverageBps is 90\.00 % live but 22\.00 % after the replay/,
      );
      const json = JSON.parse(fs.readFileSync(out("b.json"), "utf8")) as AuditReport;
      expect(json.findings.map((f) => [f.kind, f.subject])).to.deep.equal([
        ["storage-edited", "storage.policy.parameters"],
        ["live-state-mismatch", "policy.coverageBps"],
        ["live-state-mismatch", "policy.policyHash"],
      ]);
      expect(fs.readFileSync(out("b.md"), "utf8")).to.include(
        "| 2 | `live-state-mismatch` | policy.coverageBps is 90.00 % live",
      );
      expect(fs.readFileSync(out("b.html"), "utf8")).to.include("3 findings: see below.");
    } finally {
      await restore();
    }
  });

  it("takes the obsolete --descriptions of rules v2 with a note and ignores it: the texts come from the chain", async function () {
    const sink = captureOutput();
    const previous = process.exitCode;
    let report: AuditReport;
    try {
      report = await withOutput(sink, () =>
        auditCommand({ chunkSize: "2000", noProgress: true, descriptions: path.join(dir, "nowhere") }, hre),
      );
      expect(process.exitCode ?? 0).to.equal(0);
    } finally {
      process.exitCode = previous;
    }
    expect(sink.errors).to.deep.equal([
      "note: --descriptions is obsolete and ignored: each proposal's description is read from its ProposalCreated event",
    ]);
    expect(sink.lines.join("\n")).to.include("Proposals: 10, with their descriptions from the chain");
    expect(report.proposals.map((p) => p.description)).to.include(HISTORY_DESCRIPTIONS.settings);
  });

  it("exits 2 with one error line when the audit cannot run", async function () {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ chunkSize: "0" }, /^error: --chunk-size 0: out of range, must be 1\.\.1,000,000 blocks$/],
      [{ toBlock: "1000000000" }, /^error: block 1000000000 does not exist yet \(the latest is \d+\)$/],
      [{ toBlock: "1" }, /^error: block 1 is before the deployment ended \(block \d+\): nothing to audit$/],
      [{ json: dir }, /^error: --json .*: is a directory$/],
    ];
    for (const [args, message] of cases) {
      const run = await runTask("hedge:audit", { noProgress: true, ...args });
      expect(run.exitCode, JSON.stringify(args)).to.equal(2);
      expect(run.err).to.have.length(1);
      expect(run.err[0]).to.match(message);
      expect(run.out).to.deep.equal([]);
    }
    // No deployments file, then a file whose contracts are not on this chain.
    const empty = tempDir("audit-empty");
    process.env.HEDGE_DEPLOYMENTS_DIR = empty;
    try {
      let run = await runTask("hedge:audit", { noProgress: true });
      expect(run.exitCode).to.equal(2);
      expect(run.err).to.have.length(1);
      expect(run.err[0]).to.match(/^error: no deployment for network "hardhat": .*hardhat\.json does not exist/);
      const stale = structuredClone(deployment);
      stale.contracts.council.address = "0x000000000000000000000000000000000000dEaD";
      writeDeployment(deploymentFile(hre), stale);
      run = await runTask("hedge:audit", { noProgress: true });
      expect(run.exitCode).to.equal(2);
      expect(run.err).to.have.length(1);
      expect(run.err[0]).to.match(
        /^error: .*is stale: no contract at 0x000000000000000000000000000000000000dEaD \(council\)/,
      );
    } finally {
      process.env.HEDGE_DEPLOYMENTS_DIR = dir;
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });

  it("the HTML report opens offline in headless Chromium and shows the timeline", async function () {
    const file = out("c.html");
    const run = await runTask<AuditReport>("hedge:audit", { html: file, noProgress: true });
    expect(run.exitCode).to.equal(0);
    const report = run.result;
    const html = fs.readFileSync(file, "utf8");
    expect(html).not.to.match(/<script|<link|\s(src|href)=/i);

    const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const requests: string[] = [];
      page.on("request", (r) => requests.push(r.url()));
      await page.goto(`file://${file}`);
      expect(requests.filter((u) => !u.startsWith("file:") && !u.startsWith("data:"))).to.deep.equal([]);

      const timeline = page.locator("svg#timeline");
      expect(await timeline.isVisible()).to.equal(true);
      expect(await page.locator("svg#timeline .proposal-bar").count()).to.equal(report.proposals.length);
      expect(await page.locator("svg#timeline .version-marker").count()).to.be.at.least(report.policyVersions.length);
      expect(await page.locator("svg#timeline .layer-band").count()).to.equal(2);
      expect(await page.locator("svg#timeline .vix-line").count()).to.equal(1);
      const states = await page
        .locator("svg#timeline .proposal-bar")
        .evaluateAll((bars) => bars.map((b) => b.getAttribute("data-state")));
      expect(states.sort()).to.deep.equal([
        "Executed",
        "Executed",
        "Executed",
        "Executed",
        "Executed",
        "Executed",
        "Executed",
        "Expired",
        "Queued",
        "Vetoed",
      ]);
      const box = (await timeline.boundingBox())!;
      expect(box.width).to.be.greaterThan(1000);
      expect(box.height).to.be.greaterThan(300);

      const chart = (await page.locator(".chart").boundingBox())!;
      fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
      await page.screenshot({
        path: SCREENSHOT,
        clip: { x: 0, y: 0, width: 1280, height: Math.ceil(chart.y + chart.height + 16) },
      });
    } finally {
      await browser.close();
    }
    expect(fs.statSync(SCREENSHOT).size).to.be.greaterThan(20_000);
  });
});

/// <reference lib="dom" />
// The shared queue in the console, end to end (issue 26): the real dev server of `npm run app` (app/cli.mjs, on a
// free port) serves the proposals folder read-only, against a `hardhat node` this test starts and deploys with the
// command line. A proposal started with `hedge:propose --offchain` shows up on the Proposals page with no paste, as
// "off-chain" with its approvals, the summary of its change and its description (escaped); a seat co-signs it in the
// browser, and the console offers the updated file as a download to put back into the folder (the server writes
// nothing); that file passes the command line's checks with one more signature, and once put back, the CLI and the
// console both count it. Both processes are stopped by their pids.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

import { expect } from "chai";
import { HDNodeWallet, JsonRpcProvider, Mnemonic } from "ethers";
import type { Browser, Page } from "playwright-core";

import { parseApprovals } from "../../scripts/lib/approvals-format";
import type { Deployment } from "../../scripts/lib/deployments";
import { startNode, stopChild, type NodeProcess } from "../helpers/node";
import { ROOT, freePort, hardhatCli, tempDir, type CliRun } from "../tasks/helpers";
import { CHROMIUM, connectWallet, expectText, launch, walletContext } from "./browser";

const MNEMONIC = Mnemonic.fromPhrase("test test test test test test test test test test test junk");
const address = (i: number) => HDNodeWallet.fromMnemonic(MNEMONIC, `m/44'/60'/0'/0/${i}`).address;

describe("the shared queue in the console served by `npm run app` (end to end)", function () {
  this.timeout(600_000);
  let node: NodeProcess | undefined;
  let app: ChildProcess | undefined;
  let appUrl = "";
  let appLog = "";
  let browser: Browser | undefined;
  const dir = tempDir("queue-e2e");
  const deployments = path.join(dir, "deployments");
  const proposals = path.join(dir, "proposals");

  const env = () => ({
    HEDGE_LOCALHOST_URL: node!.url,
    HEDGE_DEPLOYMENTS_DIR: deployments,
    HEDGE_PROPOSALS_DIR: proposals,
  });
  const cli = (args: string[]) => hardhatCli([...args, "--network", "localhost"], env(), 120_000);
  function ok(run: CliRun, what: string): string {
    expect(run.code, `${what} failed:\n${run.stdout}\n${run.stderr}`).to.equal(0);
    return run.stdout;
  }
  const expect_ = (locator: ReturnType<Page["locator"]>, text: RegExp) => expectText(locator, text, "main");

  /** Starts `npm run app` (app/cli.mjs) on a free port and waits until it serves the console's configuration. */
  async function startApp(): Promise<void> {
    const port = await freePort();
    app = spawn(process.execPath, [path.join(ROOT, "app", "cli.mjs"), "--port", String(port)], {
      cwd: ROOT,
      env: { ...process.env, ...env(), HEDGE_NETWORK: "localhost" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    app.stdout?.on("data", (d) => (appLog = (appLog + d).slice(-4_000)));
    app.stderr?.on("data", (d) => (appLog = (appLog + d).slice(-4_000)));
    appUrl = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 120_000;
    for (;;) {
      try {
        if ((await fetch(`${appUrl}/hedge-config.json`)).ok) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline || app.exitCode !== null) throw new Error(`npm run app did not start:\n${appLog}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  before(async function () {
    if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium (.ci/run does)`);
    node = await startNode();
    ok(await cli(["hedge:deploy", "--quiet"]), "hedge:deploy");
    await startApp();
    browser = await launch();
  });

  after(async function () {
    await browser?.close();
    if (app) await stopChild(app, "SIGTERM");
    await node?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("lists a proposal started with hedge:propose --offchain with no paste; a browser co-signature comes back as a file to put back", async function () {
    // Seat 1 starts a tightening off-chain, into the proposals folder; its description's first line carries a
    // right-to-left override, which the page must show as an escape.
    const description = "Raise coverage to 30 % before March\u202e\nsee the memo";
    ok(
      await cli([
        "hedge:propose",
        "policy",
        "--set",
        "coverageBps=3000,layers.1.triggerVix=2600",
        "--description",
        description,
        "--from",
        "1",
        "--offchain",
      ]),
      "hedge:propose --offchain",
    );
    const [name] = fs.readdirSync(proposals);
    const id = name.replace(/\.json$/, "");
    expect(id).to.match(/^0x[0-9a-f]{64}$/);
    // And a loosening on chain, beside it.
    ok(
      await cli([
        "hedge:propose",
        "policy",
        "--set",
        "coverageBps=2000",
        "--description",
        "Cut coverage to 20 %",
        "--from",
        "2",
      ]),
      "hedge:propose",
    );

    const context = await walletContext(browser!, { account: address(2), rpcUrl: node!.url });
    const page = await context.newPage();
    page.on("pageerror", (e) => console.error(`  page error: ${e.message}`));
    await page.goto(`${appUrl}/#/proposals`);
    // The dev server compiles the console on its first request: give it time once.
    await page.getByTestId("proposals").waitFor({ timeout: 180_000 });
    const row = page.getByTestId("proposals").locator("tr", { hasText: id.slice(0, 10) });
    await expect_(row, /off-chain/);
    await expect_(row, /1 of 3/);
    await expect_(
      row.getByTestId("summary"),
      /^layers\.1\.triggerVix VIX 28\.00 → VIX 26\.00, coverageBps 25\.00 % → 30\.00 %, tightens$/,
    );
    expect(await row.getByTestId("title").innerText()).to.equal("Raise coverage to 30 % before March\\u{202e}");
    const onChain = page.getByTestId("proposals").locator("tr", { hasText: "Cut coverage to 20 %" });
    await expect_(onChain.getByTestId("summary"), /^coverageBps 25\.00 % → 20\.00 %, loosens$/);
    await expect_(onChain, /Pending/);
    await expect_(page.getByTestId("shared-folder"), /proposals\//);
    expect(await page.getByRole("alert").count()).to.equal(0);

    // Seat 2 opens it from the list and co-signs in the browser.
    await row.getByRole("link").first().click();
    await page.waitForURL(new RegExp(`#/proposal/${id}$`));
    await connectWallet(page);
    await expect_(page.getByTestId("approvals"), /1 of 3/);
    await expect_(page.locator('[data-why="sign"]'), /would accept it/);
    await page.locator('button[data-action="sign"]').click();
    await expect_(page.getByTestId("message"), /Signed as seat 2/);
    await expect_(page.getByTestId("approvals"), /2 of 3/);

    // The server is read-only: the folder's file is unchanged, and the page offers the updated file to put back.
    expect(JSON.parse(fs.readFileSync(path.join(proposals, name), "utf8")).signatures).to.have.length(1);
    await expect_(page.getByTestId("shared-folder-note"), /put it back into proposals\//);
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByTestId("shared-folder-note").getByRole("link").click(),
    ]);
    expect(download.suggestedFilename()).to.equal(name);
    const text = fs.readFileSync((await download.path())!, "utf8");
    const deployment = JSON.parse(fs.readFileSync(path.join(deployments, "localhost.json"), "utf8")) as Deployment;
    const provider = new JsonRpcProvider(node!.url, undefined, { staticNetwork: true });
    try {
      const checked = await parseApprovals(
        JSON.parse(text),
        name,
        { chainId: 31337, council: deployment.contracts.council.address, proposalId: id },
        provider,
      );
      expect(checked.signatures.map((s) => [s.seatId, s.signer])).to.deep.equal([
        ["1", address(1)],
        ["2", address(2)],
      ]);
    } finally {
      provider.destroy();
    }

    // Put back into the folder, it is what every seat sees: the command line counts it, and so does the console.
    fs.writeFileSync(path.join(proposals, name), text);
    const status = ok(await cli(["hedge:status"]), "hedge:status");
    expect(status).to.match(new RegExp(`${id.slice(0, 10)}…\\s+Standard\\s+2/3\\s+-\\s+off-chain\\s`));
    await context.close();
    const reader = await walletContext(browser!, null); // another browser: nothing kept in its storage
    const fresh = await reader.newPage();
    await fresh.goto(`${appUrl}/#/proposals`);
    const again = fresh.getByTestId("proposals").locator("tr", { hasText: id.slice(0, 10) });
    await expect_(again, /2 of 3/);
    await reader.close();
  });
});

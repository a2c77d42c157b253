/// <reference lib="dom" />
// The console's policy editor in human units, end to end: the built console in headless Chromium against a real
// `hardhat node` on a free port, deployed with the command line. What is typed in percent and VIX levels reaches the
// chain as the integers `--set` takes (the proposal's calldata, decoded here from the chain's ProposalCreated log);
// a cleared field stays empty, is required in words beside it and keeps the buttons disabled, with the reason beside
// them; a value out of range, or finer than the chain holds, names what is allowed.
import type { ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

import { expect } from "chai";
import { HDNodeWallet, Mnemonic } from "ethers";
import type { Browser, Locator, Page } from "playwright-core";

import { HedgeCouncil__factory, HedgePolicy__factory } from "../../typechain-types";
import type { Deployment } from "../../scripts/lib/deployments";
import { defaultPolicy, toPolicyValues, type PolicyLike } from "../../scripts/lib/policy";
import { rpc as rpcAt, startNode, stopChild } from "../helpers/node";
import { hardhatCli, tempDir, type CliRun } from "../tasks/helpers";
import {
  APP_DIST,
  CHROMIUM,
  buildConsole,
  connectWallet,
  expectText,
  launch,
  seriousViolations,
  serveStatic,
  walletContext,
} from "./browser";

const MNEMONIC = Mnemonic.fromPhrase("test test test test test test test test test test test junk");
const seat1 = HDNodeWallet.fromMnemonic(MNEMONIC, "m/44'/60'/0'/0/1").address;
const COUNCIL = HedgeCouncil__factory.createInterface();
const POLICY = HedgePolicy__factory.createInterface();

describe("console: the policy editor in human units (end to end, against `hardhat node`)", function () {
  this.timeout(240_000);
  let node: ChildProcess | undefined;
  let rpcUrl = "";
  let app: { url: string; stop: () => Promise<void> } | undefined;
  let browser: Browser | undefined;
  const dir = tempDir("console-editor");
  let deployment: Deployment;

  const cli = (args: string[]) =>
    hardhatCli([...args, "--network", "localhost"], { HEDGE_LOCALHOST_URL: rpcUrl, HEDGE_DEPLOYMENTS_DIR: dir });
  function ok(run: CliRun, what: string): string {
    expect(run.code, `${what} failed:\n${run.stdout}\n${run.stderr}`).to.equal(0);
    return run.stdout;
  }
  const expect_ = (locator: Locator, text: RegExp) => expectText(locator, text, "main");

  /** The New proposal page for seat 1, its wallet connected, the policy loaded. */
  async function editor(): Promise<Page> {
    const context = await walletContext(browser!, { account: seat1, rpcUrl });
    const page = await context.newPage();
    page.on("pageerror", (e) => console.error(`  page error: ${e.message}`));
    await page.goto(`${app!.url}/#/new`);
    await connectWallet(page);
    await page.getByLabel("Coverage (%)").waitFor();
    return page;
  }
  const propose = (page: Page) => page.getByRole("button", { name: "Propose on chain" });
  const startFile = (page: Page) => page.getByRole("button", { name: "Start a signatures file" });

  /** What the page says beside an input: the text of the elements its aria-describedby names. */
  async function describedBy(input: Locator): Promise<string> {
    const ids = (await input.getAttribute("aria-describedby")) ?? "";
    const texts = await Promise.all(
      ids
        .split(" ")
        .filter(Boolean)
        .map((id) => input.page().locator(`[id="${id}"]`).innerText()),
    );
    return texts.join(" | ");
  }

  /**
   * Expects `input` marked invalid and described by `words`, shown beside it: visible, and starting within a few
   * lines below the input's top.
   */
  async function expectInvalid(input: Locator, words: string) {
    const deadline = Date.now() + 20_000;
    while ((await describedBy(input)) !== words && Date.now() < deadline) await input.page().waitForTimeout(100);
    expect(await describedBy(input)).to.equal(words);
    expect(await input.getAttribute("aria-invalid")).to.equal("true");
    const id = (await input.getAttribute("aria-describedby"))!.split(" ")[0];
    const error = input.page().locator(`[id="${id}"]`);
    expect(await error.isVisible()).to.equal(true);
    const [at, shown] = [await input.boundingBox(), await error.boundingBox()];
    expect(shown!.y - at!.y, "the error starts beside the input").to.be.within(-1, 3 * at!.height);
  }

  /** Expects both buttons disabled, each described by the reason shown beside them. */
  async function expectBlocked(page: Page, reason: RegExp) {
    for (const button of [propose(page), startFile(page)]) {
      expect(await button.isDisabled(), await button.innerText()).to.equal(true);
      expect(await describedBy(button)).to.match(reason);
    }
    await expect_(page.getByTestId("why-disabled"), reason);
  }

  before(async function () {
    if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium (.ci/run does)`);
    const started = startNode();
    const build = buildConsole(); // in parallel with the node's start
    ({ child: node, url: rpcUrl } = await started);
    ok(await cli(["hedge:deploy", "--quiet"]), "hedge:deploy");
    deployment = JSON.parse(fs.readFileSync(path.join(dir, "localhost.json"), "utf8"));
    await build;
    app = await serveStatic(APP_DIST, () => ({ network: "localhost", rpcUrl, deployment }));
    browser = await launch();
  });

  after(async function () {
    await browser?.close();
    await app?.stop();
    if (node) await stopChild(node, "SIGTERM");
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("shows the policy in human units: 25.00 %, VIX 20.00, delta 0.15, 1 h", async function () {
    const page = await editor();
    expect(await page.getByLabel("Coverage (%)").inputValue()).to.equal("25.00");
    expect(await page.getByLabel("layer 0 allocation (%)").inputValue()).to.equal("40.00");
    expect(await page.getByLabel("layer 0 trigger (VIX)").inputValue()).to.equal("20.00");
    expect(await page.getByLabel("Short delta min").inputValue()).to.equal("0.15");
    expect(await page.getByLabel("Hysteresis (VIX)").inputValue()).to.equal("2.00");
    expect(await page.getByLabel(/^Oracle age/).inputValue()).to.equal("1 h");
    // Read back, it is the policy in force to the last unit: nothing to propose.
    await expectBlocked(page, /nothing changes yet/);
    await page.context().close();
  });

  it("typing 30 in coverage and 26 in layer 1's trigger proposes coverageBps 3000 and triggerVix 2600", async function () {
    const page = await editor();
    await page.getByLabel("Coverage (%)").fill("30");
    await page.getByLabel("layer 1 trigger (VIX)").fill("26");
    await expect_(page.getByTestId("new-tier"), /Standard/);
    // The change as hedge:propose prints it: each field as --set names it, its raw value beside its reading.
    const changes = page.getByTestId("new-changes").locator("tr");
    await expect_(changes, /coverageBps\s*2,500 \(25\.00 %\)\s*3,000 \(30\.00 %\)\s*tightens/);
    await expect_(changes, /layers\.1\.triggerVix\s*2,800 \(VIX 28\.00\)\s*2,600 \(VIX 26\.00\)\s*tightens/);
    await page.getByTestId("new-description").fill("Editor in human units: coverage 30 %, layer 1 from VIX 26");
    await propose(page).click();
    await page.waitForURL(/#\/proposal\/0x[0-9a-f]{64}$/);
    const id = page.url().split("/").pop()!;

    // The calls as the chain recorded them, decoded: exactly the two integers, every other field as it was.
    const logs = await rpcAt<{ topics: string[]; data: string }[]>(rpcUrl, "eth_getLogs", [
      {
        address: deployment.contracts.council.address,
        fromBlock: "0x0",
        toBlock: "latest",
        topics: [COUNCIL.getEvent("ProposalCreated").topicHash, id],
      },
    ]);
    expect(logs).to.have.length(1);
    const created = COUNCIL.parseLog(logs[0])!;
    expect(created.args.calldatas).to.have.length(1);
    const call = POLICY.parseTransaction({ data: created.args.calldatas[0] })!;
    expect(call.name).to.equal("setPolicy");
    const expected = defaultPolicy();
    expected.coverageBps = 3_000;
    expected.layers[1].triggerVix = 2_600;
    expect(toPolicyValues(call.args[0] as unknown as PolicyLike)).to.deep.equal(expected);
    await page.context().close();
  });

  it("a cleared field stays empty, is required beside it, and keeps the buttons disabled with the reason", async function () {
    const page = await editor();
    const coverage = page.getByLabel("Coverage (%)");
    await coverage.fill("30");
    await expect_(page.getByTestId("new-tier"), /Standard/);
    expect(await startFile(page).isDisabled()).to.equal(false);

    await coverage.fill("");
    await coverage.blur();
    expect(await coverage.inputValue(), "an emptied field is never 0").to.equal("");
    await expectInvalid(coverage, "Required: 5.00 % to 100.00 %");
    await expectBlocked(page, /Coverage \(%\) is not valid: see beside it/);
    expect(await page.getByTestId("new-changes").count(), "nothing is built").to.equal(0);
    expect(await seriousViolations(page), "axe with an error shown").to.deep.equal([]);

    await coverage.fill("30");
    await expect_(page.getByTestId("new-tier"), /Standard/);
    expect(await coverage.getAttribute("aria-invalid")).to.equal(null);
    expect(await startFile(page).isDisabled()).to.equal(false);
    await page.context().close();
  });

  it("an out-of-range value, or one finer than the chain holds, names what is allowed", async function () {
    const page = await editor();
    const coverage = page.getByLabel("Coverage (%)");
    await coverage.fill("300");
    await expectInvalid(coverage, "Out of range: 5.00 % to 100.00 %");
    await expectBlocked(page, /Coverage \(%\) is not valid/);
    await coverage.fill("25.005");
    await expectInvalid(coverage, "At most 2 decimals: the chain holds steps of 0.01 % (one basis point)");

    const trigger = page.getByLabel("layer 0 trigger (VIX)");
    await trigger.fill("5");
    await expectInvalid(trigger, "Out of range: VIX 10.00 to VIX 100.00");
    // In the page's order: the layers' table first.
    await expectBlocked(page, /Layer 0 trigger \(VIX\), Coverage \(%\) are not valid: see beside them/);

    // A rule between fields is said beside the field that breaks it, in the same units.
    await coverage.fill("25");
    await trigger.fill("29");
    await expectInvalid(
      page.getByLabel("layer 1 trigger (VIX)"),
      "Must be above layer 0's VIX 29.00: triggers rise layer by layer",
    );
    await page.context().close();
  });
});

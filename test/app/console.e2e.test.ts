/// <reference lib="dom" />
// The council console end to end: the built app (app-dist/) in headless Chromium against a real `hardhat node` on a
// free port, deployed with the command line. Each seat holder has a browser context with the test wallet
// (./browser.ts), which signs with the node's unlocked accounts: real eth_signTypedData_v4 signatures and real
// transactions. Journeys: three seat holders co-sign (each signature names the signer's seat and a deadline, whose
// hashes the page shows before signing), one submits, the clock advances, an outsider executes and the Hedge page
// shows the new policy; a seat revokes a proposal that does not exist yet; browser co-signers complete a Critical
// file that the CLI started (its description shown made safe, from the file and then from ProposalCreated), the CLI
// submits it, two seats veto it (only a Critical proposal has a Veto button) and anyone cancels it; an outsider sees
// why it cannot sign; a loosening change is Critical with its reason; a refused action sends nothing; a wrong chain
// gives one message and a switch request; axe-core finds no serious or critical violation. (The screenshots in docs/
// are ./responsive.e2e.test.ts's.)
import type { ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

import { expect } from "chai";
import { HDNodeWallet, Interface, Mnemonic } from "ethers";

import { approvalDigest } from "../../scripts/lib/signing";
import type { Browser, Page } from "playwright-core";

import type { Deployment } from "../../scripts/lib/deployments";
import { rpc as rpcAt, startNode, stopChild } from "../helpers/node";
import { ROOT, hardhatCli, tempDir, type CliRun } from "../tasks/helpers";
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
const address = (i: number) => HDNodeWallet.fromMnemonic(MNEMONIC, `m/44'/60'/0'/0/${i}`).address;
const [seat1, seat2, seat3, seat4, seat5, outsider] = [1, 2, 3, 4, 5, 9].map(address);
const DAY = 86_400;
/** The calldata of `HedgeCouncil.state(id)`. */
const STATE_OF = (id: string) =>
  new Interface(["function state(bytes32) view returns (uint8)"]).encodeFunctionData("state", [id]);

describe("council console in Chromium (end to end, against `hardhat node`)", function () {
  this.timeout(240_000);
  let node: ChildProcess | undefined;
  let rpcUrl = "";
  let app: { url: string; stop: () => Promise<void> } | undefined;
  let browser: Browser | undefined;
  const dir = tempDir("console");
  let deployment: Deployment;

  const rpc = <T>(method: string, params: unknown[] = []) => rpcAt<T>(rpcUrl, method, params);
  const cli = (args: string[]) =>
    hardhatCli([...args, "--network", "localhost"], { HEDGE_LOCALHOST_URL: rpcUrl, HEDGE_DEPLOYMENTS_DIR: dir });
  function ok(run: CliRun, what: string): string {
    expect(run.code, `${what} failed:\n${run.stdout}\n${run.stderr}`).to.equal(0);
    return run.stdout;
  }

  /** A page of a new context: with the test wallet of `account` (connected), or with no wallet at all. */
  async function open(account: string | null, hash: string, fakeChainId?: number): Promise<Page> {
    const context = await walletContext(browser!, account ? { account, rpcUrl, fakeChainId } : null);
    const page = await context.newPage();
    page.on("pageerror", (e) => console.error(`  page error (${account ?? "no wallet"}): ${e.message}`));
    await page.goto(`${app!.url}/#/${hash}`);
    if (account) await connectWallet(page);
    return page;
  }
  async function expectAccessible(page: Page, what: string) {
    expect(await seriousViolations(page), `axe on ${what}`).to.deep.equal([]);
  }
  /** The action's button and the words next to it. */
  const action = (page: Page, key: string) => page.locator(`button[data-action="${key}"]`);
  const why = (page: Page, key: string) => page.locator(`[data-why="${key}"]`);
  async function exported(page: Page): Promise<string> {
    return page.getByTestId("export").inputValue();
  }
  async function importFile(page: Page, text: string): Promise<void> {
    await page.goto(`${app!.url}/#/signatures`);
    await page.getByTestId("import-text").fill(text);
    await page.getByRole("button", { name: "Import pasted file" }).click();
    await expect_(page.getByTestId("import-message"), /Imported/);
  }
  /** The deadline the proposal page would sign with: the unix time in its "Valid until". */
  async function shownValidUntil(page: Page): Promise<number> {
    const text = await page.getByTestId("valid-until").innerText();
    const match = /\(unix (\d+)\)/.exec(text);
    expect(match, `valid until: ${text}`).to.not.equal(null);
    return Number(match![1]);
  }
  const latestTime = async () =>
    Number((await rpc<{ timestamp: string }>("eth_getBlockByNumber", ["latest", false])).timestamp);
  const expect_ = (locator: ReturnType<Page["locator"]>, text: RegExp) => expectText(locator, text, "main");

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

  // How fast it loads is measured by `npm run bench:console`, not here: a timed test fails on a busy machine.
  it("loads the Hedge page read-only, without a wallet", async function () {
    const page = await open(null, "hedge");
    await page.reload();
    await page.getByTestId("policy-version").waitFor();
    expect(await page.getByTestId("policy-version").textContent()).to.equal("1");
    expect(await page.getByTestId("coverage").textContent()).to.include("25.00 %");
    await expect_(page.getByTestId("oracle"), /VIX 15\.00.*fresh/);
    await expect_(page.locator(".wallet"), /Read-only|Connect/);
    await expectAccessible(page, "the Hedge page");
    await page.context().close();
  });

  it("shows a loosening change as Critical, with its reason", async function () {
    const page = await open(seat1, "new");
    await page.getByLabel("layer 0 trigger (VIX)").fill("22");
    await expect_(page.getByTestId("new-tier"), /Critical/);
    await expect_(page.getByTestId("new-reasons"), /less protection between VIX 20\.00 and 22\.00/);
    await expect_(
      page.locator("body"),
      /change the policy \(version 1 -> 2\)\. Tier: Critical \(the council's tierOf\)/,
    );
    await page.getByLabel("layer 0 trigger (VIX)").fill("20");
    await page.getByLabel("Coverage (%)").fill("300");
    await expect_(page.getByTestId("field-error"), /^Out of range: 5\.00 % to 100\.00 %$/);
    await expectAccessible(page, "the New proposal page");
    // Every control is reachable with the Tab key, in order.
    const controls = await page.evaluate(
      () =>
        document.querySelectorAll("a[href], button:not([disabled]), input:not([disabled]), select, textarea").length,
    );
    const reached = new Set<string>();
    for (let i = 0; i < controls + 5; i++) {
      await page.keyboard.press("Tab");
      reached.add(
        await page.evaluate(() => {
          const el = document.activeElement!;
          return Array.prototype.indexOf.call(document.querySelectorAll("*"), el) + ":" + el.tagName;
        }),
      );
    }
    const focusable = [...reached].filter((r) => /:(A|BUTTON|INPUT|SELECT|TEXTAREA)$/.test(r));
    expect(focusable.length, "controls reached by Tab").to.be.at.least(controls);
    await page.getByLabel("Coverage (%)").fill("30");
    await expect_(page.getByTestId("new-tier"), /Standard/);
    await page.context().close();
  });

  it("three seat holders co-sign in three browsers, one submits, anyone executes after the delay", async function () {
    // Seat 1 first starts a rival change against the same policy version: once the other runs, it is outdated.
    const a = await open(seat1, "new");
    await a.getByLabel("Coverage (%)").fill("29");
    await a.getByRole("button", { name: "Start a signatures file" }).click();
    await a.waitForURL(/#\/proposal\/0x[0-9a-f]{64}$/);
    const rival = a.url().split("/").pop()!;
    await expect_(why(a, "sign"), /would accept it/);

    // Seat 1 writes the change and signs first.
    await a.goto(`${app!.url}/#/new`);
    await a.getByLabel("Coverage (%)").fill("30");
    await expect_(a.getByTestId("new-tier"), /Standard/);
    await a.getByRole("button", { name: "Start a signatures file" }).click();
    await a.waitForURL(/#\/proposal\/0x[0-9a-f]{64}$/);
    const id = a.url().split("/").pop()!;
    await expect_(a.getByTestId("call-0"), /coverageBps.*25\.00 %.*30\.00 %.*tightens/);
    await expect_(a.getByTestId("tier"), /Standard/);
    // The default description names the change and the time; a Standard proposal has no Veto button.
    await expect_(a.getByTestId("description"), /coverageBps .*2,500.* → .*3,000.* \(proposed /);
    expect(await action(a, "veto").count()).to.equal(0);

    // What the seat signs: its seat and a deadline, 7 days from the chain's time by default; "Valid for" changes it,
    // a value that is no duration disables signing in words.
    expect(await a.getByTestId("sign-seat").innerText()).to.equal("1");
    const opened = await latestTime();
    expect((await shownValidUntil(a)) - opened).to.be.within(7 * DAY - 60, 7 * DAY + 60);
    await a.getByTestId("valid-for").fill("2 weeks");
    await expect_(why(a, "sign"), /Valid for: 2 weeks: not a duration/);
    expect(await action(a, "sign").isDisabled()).to.equal(true);
    await a.getByTestId("valid-for").fill("3d");
    await expect_(a.getByTestId("valid-until"), /unix/);
    const validUntil = await shownValidUntil(a);
    expect(validUntil - opened).to.be.within(3 * DAY - 60, 3 * DAY + 60);
    // The digest shown is the one the council checks for (id, seat 1, that deadline).
    const digest = approvalDigest(31337, deployment.contracts.council.address, {
      proposalId: id,
      seatId: 1,
      validUntil,
    });
    expect(await a.getByTestId("digest").innerText()).to.equal(digest);
    await expect_(why(a, "sign"), /would accept it/);
    await action(a, "sign").click();
    await expect_(a.getByTestId("message"), /Signed as seat 1, valid until .*unix \d+/);
    await expect_(a.getByTestId("approvals"), /1 of 3/);
    const signed = JSON.parse(await exported(a)) as { format: string; signatures: Record<string, string>[] };
    expect(signed.format).to.equal("hedge-council-approvals/2");
    expect(signed.signatures.map((x) => [x.seatId, x.validUntil, x.signer])).to.deep.equal([
      ["1", String(validUntil), seat1],
    ]);
    await expectAccessible(a, "the Proposal page");

    // Someone without a seat sees why they cannot sign.
    const d = await open(outsider, "signatures");
    await importFile(d, await exported(a));
    await d.goto(`${app!.url}/#/proposal/${id}`);
    await expect_(why(d, "sign"), /holds no council seat/);
    expect(await action(d, "sign").isDisabled()).to.equal(true);
    await expect_(why(d, "submit"), /\S/);
    expect(await action(d, "submit").isDisabled()).to.equal(true);

    // Seats 2 and 3 import the file by paste, sign and pass it on; seat 3 submits.
    let file = await exported(a);
    for (const [seat, n] of [
      [seat2, 2],
      [seat3, 3],
    ] as const) {
      const page = await open(seat, "signatures");
      await importFile(page, file);
      if (n === 2) {
        // The queue's filter keeps what the connected seat can still sign.
        await page.goto(`${app!.url}/#/proposals`);
        await page.getByLabel(/Awaiting my signature/).check();
        await expect_(page.getByTestId("proposals"), /awaits you/);
      }
      await page.goto(`${app!.url}/#/proposal/${id}`);
      await expect_(page.getByTestId("approvals"), new RegExp(`${n - 1} of 3`));
      await action(page, "sign").click();
      await expect_(page.getByTestId("approvals"), new RegExp(`${n} of 3`));
      file = await exported(page);
      if (n === 2) {
        await importFile(page, await exported(a)); // an older copy: merging loses nothing
        await page.goto(`${app!.url}/#/proposal/${id}`);
        await expect_(page.getByTestId("approvals"), /2 of 3/);
        await page.context().close();
        continue;
      }
      await expect_(why(page, "submit"), /would accept it/);
      await action(page, "submit").click();
      await expect_(page.getByTestId("state"), /Queued/);
      // On chain now, its description comes from ProposalCreated; still no Veto button (Standard).
      await expect_(page.getByTestId("description"), /coverageBps .*2,500.* → .*3,000.* \(proposed /);
      expect(await action(page, "veto").count()).to.equal(0);
      await page.context().close();
    }
    expect(JSON.parse(file).signatures).to.have.length(3);

    // Too early: the outsider's Execute is refused in words, and nothing is sent.
    await d.reload();
    await connectWallet(d);
    await expect_(d.getByTestId("state"), /Queued/);
    await expect_(why(d, "execute"), /\S/);
    expect(await action(d, "execute").isDisabled()).to.equal(true);
    const before = await rpc<string>("eth_blockNumber");
    await action(d, "execute").click({ force: true });
    await expect_(why(d, "execute"), /timelock|not ready|eta|before/i);
    expect(await d.evaluate(() => (window as unknown as { __walletPrompts: string[] }).__walletPrompts)).to.deep.equal(
      [],
    );
    expect(await rpc<string>("eth_blockNumber")).to.equal(before);

    // The clock advances past the Standard delay; the outsider executes.
    await rpc("evm_increaseTime", [86_400 + 1]);
    await rpc("evm_mine");
    await expect_(why(d, "execute"), /would accept it/);
    await action(d, "execute").click();
    await expect_(d.getByTestId("state"), /Executed/);

    // The Hedge page shows the new policy, and the queue lists the proposal as executed.
    await d.goto(`${app!.url}/#/hedge`);
    await expect_(d.getByTestId("coverage"), /30\.00 %/);
    expect(await d.getByTestId("policy-version").textContent()).to.equal("2");
    await d.goto(`${app!.url}/#/proposals`);
    await expect_(d.getByTestId("proposals"), /Executed/);
    await expectAccessible(d, "the Proposals page");
    await d.context().close();

    // The rival change was built against version 1: outdated, in words, and seat 1 can no longer sign it.
    await a.goto(`${app!.url}/#/proposal/${rival}`);
    const moved = /built against policy version 1, but the policy is now at version 2/;
    await expect_(a.getByTestId("outdated"), moved);
    await expect_(why(a, "sign"), /^outdated: call 0: the change was built against policy version 1/);
    expect(await action(a, "sign").isDisabled()).to.equal(true);
    await expect_(why(a, "submit"), /\S/);
    expect(await action(a, "submit").isDisabled()).to.equal(true);
    await expectAccessible(a, "an outdated proposal");
    await a.goto(`${app!.url}/#/proposals`);
    await expect_(a.getByTestId("proposals").locator("tr", { hasText: rival.slice(0, 10) }), /outdated/);

    // Seat 1 withdraws its consent to the rival before anyone proposes it: the council keeps the mark, so no
    // signature of seat 1's holder will ever count for that id.
    await a.goto(`${app!.url}/#/proposal/${rival}`);
    expect(
      await rpc<string>("eth_call", [{ to: deployment.contracts.council.address, data: STATE_OF(rival) }, "latest"]),
    ).to.match(/0x0+$/); // Unknown: it does not exist
    await expect_(why(a, "revoke"), /would accept it/);
    await action(a, "revoke").click();
    await expect_(a.getByTestId("message"), /Revoke my approval: done/);
    await expect_(a.getByTestId("holder-1"), /revoked/);
    await expect_(why(a, "sign"), /you revoked this proposal before it was proposed/);
    expect(await action(a, "sign").isDisabled()).to.equal(true);
    await a.context().close();
  });

  it("completes a Critical file that the command line started; the CLI submits it; two seats veto it", async function () {
    // A loosening change (coverage 30 % → 25 %): Critical, 4 of 5 seats, and the one tier a seat can veto. Its
    // description carries a right-to-left override, which the page shows as an escape, never applied.
    const description = "Cover less during the earnings season\u202e\nRevisit in April";
    const shown = "Cover less during the earnings season\\u{202e}\nRevisit in April";
    const file = path.join(dir, "cli.json");
    ok(
      await cli([
        "hedge:propose",
        "policy",
        "--set",
        "coverageBps=2500",
        "--description",
        description,
        "--offchain",
        "--out",
        file,
        "--from",
        "4",
      ]),
      "hedge:propose --offchain",
    );
    const id = (JSON.parse(fs.readFileSync(file, "utf8")) as { proposalId: string }).proposalId;
    ok(await cli(["hedge:sign", "--id", id, "--out", file, "--from", "5"]), "hedge:sign");
    const fromCli = JSON.parse(fs.readFileSync(file, "utf8")) as { signatures: { signer: string; seatId: string }[] };
    expect(fromCli.signatures.map((s) => [s.seatId, s.signer])).to.deep.equal([
      ["4", seat4],
      ["5", seat5],
    ]);

    const page = await open(seat1, "signatures");
    await page.getByLabel("Or choose a file").setInputFiles(file); // by file this time, not by paste
    await expect_(page.getByTestId("import-message"), /Imported cli\.json: .* 2 signature\(s\) \(2 new\)/);
    await page.goto(`${app!.url}/#/proposal/${id}`);
    await expect_(page.getByTestId("tier"), /Critical/);
    await expect_(page.getByTestId("approvals"), /2 of 4/);
    // The file's description, which the command line wrote and the import checked against the id.
    expect(await page.getByTestId("description").innerText()).to.equal(shown);
    await action(page, "sign").click();
    await expect_(page.getByTestId("approvals"), /3 of 4/);
    const second = await open(seat2, "signatures");
    await importFile(second, await exported(page));
    await second.goto(`${app!.url}/#/proposal/${id}`);
    await action(second, "sign").click();
    await expect_(second.getByTestId("approvals"), /4 of 4/);
    fs.writeFileSync(file, await exported(second));
    await second.context().close();

    const out = ok(await cli(["hedge:submit", "--signatures", file]), "hedge:submit");
    expect(out).to.match(/Queued|queued/);
    await expect_(page.getByTestId("state"), /Queued/);
    // On chain, the text is ProposalCreated's: the same words, made safe the same way.
    expect(await page.getByTestId("description").innerText()).to.equal(shown);

    // Two seats veto it from their browsers (veto threshold 2): seat 3, which never approved, and seat 5, which
    // changed its mind. Then anyone may cancel it in the timelock.
    for (const seat of [seat3, seat5]) {
      const v = await open(seat, `proposal/${id}`);
      await expect_(why(v, "veto"), /would accept it/);
      await action(v, "veto").click();
      await expect_(v.getByTestId("message"), /Veto: done/);
      await v.context().close();
    }
    await expect_(page.getByTestId("state"), /Vetoed/);
    await expect_(why(page, "cancel"), /would accept it/);
    await action(page, "cancel").click();
    await expect_(page.getByTestId("message"), /Cancel: done/);
    await page.context().close();
  });

  it("proposes a nudge on chain, a second seat approves on chain, and it runs at once (Fast)", async function () {
    const a = await open(seat1, "new");
    await a.getByLabel("Kind of change").selectOption("nudge");
    await a.getByLabel(/^Nudged parameter/).selectOption({ label: "coverage" });
    await a.getByLabel("New coverage (%)").fill("31");
    await expect_(a.getByTestId("new-tier"), /Fast/);
    await a.getByRole("button", { name: "Propose on chain" }).click();
    await a.waitForURL(/#\/proposal\/0x[0-9a-f]{64}$/);
    const id = a.url().split("/").pop()!;
    await expect_(a.getByTestId("state"), /Pending/);
    await expect_(a.getByTestId("approvals"), /1 of 2/);
    // Proposed without a description: the default, on chain, names the change; no veto for a Fast nudge.
    await expect_(a.getByTestId("description"), /^nudge coverageBps 3,000 → 3,100 \(proposed /);
    expect(await action(a, "veto").count()).to.equal(0);
    await expect_(why(a, "approve"), /already approved|\S/);
    expect(await action(a, "approve").isDisabled()).to.equal(true);

    const b = await open(seat2, `proposal/${id}`);
    await expect_(b.getByTestId("call-0"), /coverageBps.*30\.00 %.*31\.00 %.*tightens/);
    await expect_(why(b, "approve"), /would accept it/);
    await action(b, "approve").click();
    await expect_(b.getByTestId("approvals"), /2 of 2/);
    await expect_(why(b, "execute"), /would accept it/);
    await action(b, "execute").click();
    await expect_(b.getByTestId("state"), /Executed/);

    // The oracle moves (a transaction like any keeper's); the Hedge page shows the live VIX and engaged layers.
    const feed = new Interface(["function updateAnswer(int256)"]);
    const policy = new Interface(["function syncLayers()"]);
    const from = address(0);
    await rpc("eth_sendTransaction", [
      {
        from,
        to: deployment.contracts.oracle.address,
        data: feed.encodeFunctionData("updateAnswer", [30n * 10n ** 8n]),
      },
    ]);
    await rpc("eth_sendTransaction", [
      { from, to: deployment.contracts.policy.address, data: policy.encodeFunctionData("syncLayers") },
    ]);
    await b.goto(`${app!.url}/#/hedge`);
    await expect_(b.getByTestId("coverage"), /31\.00 %/);
    await expect_(b.getByTestId("oracle"), /VIX 30\.00.*fresh/);
    await expect_(b.locator("table").first(), /VIX 20\.00.*engaged[\s\S]*VIX 28\.00.*engaged[\s\S]*VIX 35\.00.*idle/);
    await a.context().close();
    await b.context().close();
  });

  it("asks a wallet on another chain to switch, with one message; runs the audit in the browser", async function () {
    const page = await open(seat1, "hedge", 1);
    const alerts = page.getByRole("alert").filter({ hasText: /on chain 1, but this council is on chain 31337/ });
    await alerts.waitFor();
    expect(await alerts.count()).to.equal(1);
    await page.getByRole("button", { name: "Switch to chain 31337" }).click();
    await page.waitForFunction(() => (window as unknown as { __switchRequests: unknown[] }).__switchRequests.length);
    expect(
      await page.evaluate(() => (window as unknown as { __switchRequests: unknown[] }).__switchRequests[0]),
    ).to.deep.equal([{ chainId: "0x7a69" }]);
    await page.goto(`${app!.url}/#/audit`);
    await page.getByRole("button", { name: "Run the audit against the chain" }).click();
    await expect_(page.getByTestId("audit-summary"), /3 proposals, 0 findings/);
    await page.locator(".timeline svg").waitFor();
    await expectAccessible(page, "the Audit page");
    await page.goto(`${app!.url}/#/proposals`);
    await expect_(page.getByTestId("proposals"), /Cancel|Vetoed/);
    // A static build serves no proposals folder: one quiet line says so, no error.
    await expect_(page.getByTestId("shared-folder"), /No shared proposals\/ folder is served here \(a static build\)/);
    expect(await page.locator("main").getByRole("alert").count()).to.equal(0);
    await page.goto(`${app!.url}/#/settings`);
    await page.getByRole("heading", { name: "Settings" }).waitFor();
    await expectAccessible(page, "the Settings page");
    await page.context().close();
  });

  it("reads the policy's oracle, not the deployment's, and refuses a deployment whose block numbers moved", async function () {
    const snapshot = await rpc<string>("evm_snapshot");
    const served = deployment;
    try {
      // A second feed, set by governance (here the timelock, impersonated, as a proposal would).
      const artifact = JSON.parse(
        fs.readFileSync(
          path.join(ROOT, "artifacts/@chainlink/contracts/src/v0.8/tests/MockV3Aggregator.sol/MockV3Aggregator.json"),
          "utf8",
        ),
      ) as { abi: []; bytecode: string };
      const args = new Interface(artifact.abi).encodeDeploy([8, 2_750_000_000n]).slice(2);
      const [deployer] = await rpc<string[]>("eth_accounts");
      const hash = await rpc<string>("eth_sendTransaction", [{ from: deployer, data: artifact.bytecode + args }]);
      const feed = (await rpc<{ contractAddress: string }>("eth_getTransactionReceipt", [hash])).contractAddress;
      const timelock = deployment.contracts.timelock.address;
      await rpc("hardhat_impersonateAccount", [timelock]);
      await rpc("hardhat_setBalance", [timelock, "0xde0b6b3a7640000"]);
      const setOracle = new Interface(["function setOracle(address)"]).encodeFunctionData("setOracle", [feed]);
      await rpc("eth_sendTransaction", [{ from: timelock, to: deployment.contracts.policy.address, data: setOracle }]);
      const page = await open(null, "hedge");
      await expect_(page.getByTestId("oracle"), /VIX 27\.50/);
      await expect_(page.getByTestId("oracle-moved"), /is not the policy's .*: reading the policy's/);

      // Block numbers moved past the proposals: the console refuses the deployment rather than show none of them.
      const moved = structuredClone(served);
      for (const entry of Object.values(moved.contracts)) if (entry) entry.blockNumber = 1_000;
      deployment = moved;
      await page.goto(`${app!.url}/#/proposals`);
      await page.reload();
      await expect_(
        page.getByRole("alert"),
        /Cannot read the council: the deployment: oracle block 1000 does not match its deployment transaction's receipt/,
      );
      await page.context().close();
    } finally {
      deployment = served;
      await rpc("evm_revert", [snapshot]);
    }
  });
});

/// <reference lib="dom" />
// What a co-signer sees in the console is what the wallet signs (issue 24, finding 2), end to end: the built console
// in headless Chromium against a real `hardhat node` on a free port, and a rewriting JSON-RPC proxy (./rpc-proxy.ts)
// in front of that node. A seat proposes a real Critical loosening (coverage 25 % → 15 %); the proxy rewrites its
// ProposalCreated log (and the council's proposalTier answer) so that it reads as a Standard tightening
// (coverage 25 % → 30 %) under the same id.
//
// As it was: the console took `?rpc=` from the page's address and showed the calls of whatever log the endpoint
// returned, never recomputing the id from them; a "please sign" link through the proxy showed the tightening, and the
// signature of its id approved the real loosening, which counted on chain. Now: the link's `?rpc=` is ignored (the
// page reads through the configured endpoint, which the header shows, and the proxy sees no request from it); and
// when the configured endpoint itself lies, the calls shown do not hash to the id, so the page says so in words and
// has no Sign button. The co-signer sees the tier, the reasons and the description (escaped) of the real proposal.
import type { ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

import { expect } from "chai";
import { HDNodeWallet, Interface, JsonRpcProvider, Mnemonic, Wallet } from "ethers";
import type { Browser, Page } from "playwright-core";

import { HedgeCouncil__factory, HedgePolicy__factory } from "../../typechain-types";
import {
  Tier,
  changeRows,
  decodeCall,
  descriptionHash,
  encode,
  policyChanges,
  proposalIdOf,
} from "../../scripts/lib/council";
import type { Deployment } from "../../scripts/lib/deployments";
import { toPolicyValues, type PolicyLike, type PolicyValues } from "../../scripts/lib/policy";
import { createdProposals, proposalStatus } from "../../scripts/lib/proposals";
import { approvalTypedDataV4 } from "../../scripts/lib/signing";
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
import { startRewritingProxy, type RewritingProxy } from "./rpc-proxy";

const MNEMONIC = Mnemonic.fromPhrase("test test test test test test test test test test test junk");
const key = (i: number) => HDNodeWallet.fromMnemonic(MNEMONIC, `m/44'/60'/0'/0/${i}`);
const [seat2] = [2].map((i) => key(i).address);

const EVENT = new Interface([
  "event ProposalCreated(bytes32 indexed id, address indexed proposer, uint8 tier, address[] targets, uint256[] values, bytes[] calldatas, string description)",
  "function proposalTier(bytes32 id) view returns (uint8)",
]);
const CREATED_TOPIC = EVENT.getEvent("ProposalCreated")!.topicHash;
const TIER_SELECTOR = EVENT.getFunction("proposalTier")!.selector;

/** The real proposal's description: the proposer's words, with a screen-clearing escape and a right-to-left override. */
const REAL_DESCRIPTION = "Cut the coverage to 15 % for the quarter\u001b[2J\u202e\nReview in April";
/** What the lying endpoint says the proposal is. */
const FAKE_DESCRIPTION = "Tighten the coverage to 30 %";

describe("console: what a co-signer sees is what the wallet signs (finding 2, a rewriting RPC proxy)", function () {
  this.timeout(240_000);
  let node: ChildProcess | undefined;
  let rpcUrl = "";
  /** The RPC URL the console is served with (hedge-config.json): the node, or the proxy for the lying variant. */
  let servedRpc = "";
  let app: { url: string; stop: () => Promise<void> } | undefined;
  let browser: Browser | undefined;
  let proxy: RewritingProxy | undefined;
  const dir = tempDir("console-trust");
  let deployment: Deployment;
  /** The real Critical loosening, and the policy it was proposed against. */
  let id = "";
  let policyBefore: PolicyValues;
  let fakeCalldata = "";

  const cli = (args: string[]) =>
    hardhatCli([...args, "--network", "localhost"], { HEDGE_LOCALHOST_URL: rpcUrl, HEDGE_DEPLOYMENTS_DIR: dir });
  function ok(run: CliRun, what: string): string {
    expect(run.code, `${what} failed:\n${run.stdout}\n${run.stderr}`).to.equal(0);
    return run.stdout;
  }
  const council = () => deployment.contracts.council.address;

  async function open(account: string | null, address: string): Promise<Page> {
    const context = await walletContext(browser!, account ? { account, rpcUrl } : null);
    const page = await context.newPage();
    page.on("pageerror", (e) => console.error(`  page error: ${e.message}`));
    await page.goto(address);
    if (account) await connectWallet(page);
    return page;
  }
  const expect_ = (locator: ReturnType<Page["locator"]>, text: RegExp) => expectText(locator, text, "body");
  /** Transactions sent by the tests below, by label. */
  const txs: Record<string, string> = {};
  const provider = () => new JsonRpcProvider(rpcUrl, undefined, { staticNetwork: true });
  /** The council as account `i` sends to it. */
  const as = (i: number) => HedgeCouncil__factory.connect(council(), new Wallet(key(i).privateKey, provider()));
  async function send(label: string, tx: Promise<{ wait(): Promise<{ hash: string } | null> }>) {
    const receipt = await (await tx).wait();
    txs[label] = receipt!.hash;
  }
  async function mine(seconds: number) {
    await rpcAt(rpcUrl, "evm_increaseTime", [seconds]);
    await rpcAt(rpcUrl, "evm_mine");
  }
  /** The requests a browser page (not this test) made through the proxy. */
  const fromPages = () => proxy!.requests.filter((r) => r.origin !== null);

  /** The proxy's lie: the real loosening's log carries the tightening's calls and words, and proposalTier says Standard. */
  function rewrite(method: string, params: unknown[], result: unknown): unknown {
    if (method === "eth_getLogs" && Array.isArray(result)) {
      return result.map((log: { topics: string[]; data: string }) => {
        if (log.topics[0] !== CREATED_TOPIC || log.topics[1]?.toLowerCase() !== id) return log;
        const fake = EVENT.encodeEventLog("ProposalCreated", [
          id,
          key(4).address,
          Tier.Standard,
          [deployment.contracts.policy.address],
          [0n],
          [fakeCalldata],
          FAKE_DESCRIPTION,
        ]);
        return { ...log, data: fake.data };
      });
    }
    if (method === "eth_call") {
      const call = params[0] as { to?: string; data?: string; input?: string };
      const data = (call.data ?? call.input ?? "").toLowerCase();
      if (call.to?.toLowerCase() === council().toLowerCase() && data === TIER_SELECTOR + id.slice(2)) {
        return "0x" + Tier.Standard.toString(16).padStart(64, "0");
      }
    }
    return result;
  }

  before(async function () {
    if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium (.ci/run does)`);
    const started = startNode();
    const build = buildConsole();
    ({ child: node, url: rpcUrl } = await started);
    servedRpc = rpcUrl;
    ok(await cli(["hedge:deploy", "--quiet"]), "hedge:deploy");
    deployment = JSON.parse(fs.readFileSync(path.join(dir, "localhost.json"), "utf8"));
    policyBefore = toPolicyValues(
      await HedgePolicy__factory.connect(deployment.contracts.policy.address, provider()).policy(),
    );
    fakeCalldata = encode.setPolicy({ ...policyBefore, coverageBps: 3_000 }, 1);
    // Seat 4 proposes the real change on chain: a loosening, so Critical (4 of 5 seats, a 3-day delay, vetoable).
    const out = ok(
      await cli([
        "hedge:propose",
        "policy",
        "--set",
        "coverageBps=1500",
        "--description",
        REAL_DESCRIPTION,
        "--from",
        "4",
      ]),
      "hedge:propose",
    );
    id = /^Id: (0x[0-9a-f]{64})$/m.exec(out)![1];
    proxy = await startRewritingProxy(rpcUrl, rewrite);
    await build;
    app = await serveStatic(APP_DIST, () => ({ network: "localhost", rpcUrl: servedRpc, deployment }));
    browser = await launch();
  });

  after(async function () {
    await browser?.close();
    await app?.stop();
    await proxy?.stop();
    if (node) await stopChild(node, "SIGTERM");
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("as it was: through the proxy the log reads as a Standard tightening, and a signature of its id approves the real Critical loosening on chain", async function () {
    // The console read a proposal with these library calls (createdProposals, proposalStatus: it still does), through
    // the endpoint a link's `?rpc=` named, and showed the calls and words it got without recomputing the id.
    const lying = new JsonRpcProvider(proxy!.url, undefined, { staticNetwork: true, batchMaxCount: 1 });
    const system = { council: HedgeCouncil__factory.connect(council(), lying), fromBlock: 0 };
    const shown = (await createdProposals(system)).find((p) => p.id.toLowerCase() === id)!;
    expect(shown.description).to.equal(FAKE_DESCRIPTION);
    const next = decodeSetPolicy(shown.calldatas[0]);
    expect(
      changeRows(policyChanges(policyBefore, next)).map((r) => [r.field, r.before, r.after, r.effect]),
    ).to.deep.equal([["coverageBps", "2,500 (25.00 %)", "3,000 (30.00 %)", "tightens"]]);
    expect((await proposalStatus(system, id)).tierName).to.equal("Standard");
    // The page never recomputed the id: the calls it showed hash to another one.
    expect(proposalIdOf(shown)).to.not.equal(id);
    expect(proxy!.rewritten).to.be.at.least(2);

    // Seat 2 signs what the page asked for (its wallet signs the id, nothing else), and the signature is relayed.
    const chain = provider();
    const real = HedgeCouncil__factory.connect(council(), chain);
    const latest = (await chain.getBlock("latest"))!.timestamp;
    const approval = { proposalId: id, seatId: 2, validUntil: latest + 86_400 };
    const signature = await rpcAt<string>(rpcUrl, "eth_signTypedData_v4", [
      seat2,
      JSON.stringify(approvalTypedDataV4(31337, council(), approval)),
    ]);
    expect(Number(await real.approvalCount(id))).to.equal(1);
    const relayer = new Wallet(key(0).privateKey, chain);
    await (await real.connect(relayer).approveBySig(id, [{ ...approval, signature }])).wait();
    // It counted, for the real proposal: Critical, the coverage cut to 15 %, with the real description.
    expect(Number(await real.approvalCount(id))).to.equal(2);
    expect(await real.hasApproved(id, seat2)).to.equal(true);
    expect(Number(await real.proposalTier(id))).to.equal(Tier.Critical);
    const truth = (await createdProposals({ council: real, fromBlock: 0 })).find((p) => p.id.toLowerCase() === id)!;
    expect(truth.description).to.equal(REAL_DESCRIPTION);
    expect(proposalIdOf(truth)).to.equal(id);
    expect(decodeSetPolicy(truth.calldatas[0]).coverageBps).to.equal(1_500);
  });

  it("now: a link's ?rpc= is ignored; the page reads through the configured endpoint, shown in the header", async function () {
    const link = `${app!.url}/?rpc=${encodeURIComponent(proxy!.url)}#/proposal/${id}`;
    const page = await open(seat2, link);
    expect(await page.getByTestId("rpc-url").innerText()).to.equal(rpcUrl);
    await expect_(page.getByTestId("rpc-source"), /served configuration/);
    await expect_(page.getByTestId("ignored-parameters"), /\?rpc=.*ignores/);
    // The real proposal, as the chain has it.
    await expect_(page.getByTestId("tier"), /Critical/);
    await expect_(page.getByTestId("call-0"), /coverageBps.*25\.00 %.*15\.00 %.*loosens/);
    expect(await page.getByText(FAKE_DESCRIPTION).count()).to.equal(0);
    // The page never asked the proxy anything.
    expect(fromPages()).to.deep.equal([]);
    expect(await seriousViolations(page), "axe on a proposal page opened by a link").to.deep.equal([]);
    await page.context().close();
  });

  it("now: the co-signer sees the tier, why and the description (escaped), as hedge:propose prints them", async function () {
    const page = await open(seat2, `${app!.url}/#/proposal/${id}`);
    await expect_(page.getByTestId("tier"), /Critical/);
    await expect_(page.getByTestId("tier-reasons"), /call 0 loosens \(Critical\): .*coverage/);
    const description = await page.getByTestId("description").innerText();
    expect(description).to.include("Cut the coverage to 15 % for the quarter");
    expect(description).to.include("Review in April");
    expect(description).to.not.match(/[\u001b\u202e]/);
    await page.context().close();
  });

  it("now: when the configured endpoint lies, the page says so in words and has no Sign button", async function () {
    servedRpc = proxy!.url;
    const rewrittenBefore = proxy!.rewritten;
    try {
      const page = await open(seat2, `${app!.url}/#/proposal/${id}`);
      expect(await page.getByTestId("rpc-url").innerText()).to.equal(proxy!.url);
      await expect_(
        page.getByTestId("refused"),
        new RegExp(
          `the calls and description that the RPC endpoint ${proxy!.url}.* hash to 0x[0-9a-f]{64}, not to that id`,
        ),
      );
      expect(await page.locator("button[data-action]").count()).to.equal(0);
      expect(await page.getByText(FAKE_DESCRIPTION).count()).to.equal(0);
      expect(await page.getByText(/Standard/).count()).to.equal(0);
      // The proxy did answer the page, and lied to it.
      expect(fromPages().some((r) => r.method === "eth_getLogs")).to.equal(true);
      expect(proxy!.rewritten).to.be.above(rewrittenBefore);
      expect(await seriousViolations(page), "axe on a refused proposal").to.deep.equal([]);
      // The queue lists it as refused, with nothing of its calls.
      await page.goto(`${app!.url}/#/proposals`);
      await expect_(page.getByTestId("refused-row"), /do not hash to its id/);
      await page.context().close();
    } finally {
      servedRpc = rpcUrl;
    }
  });

  it("now: an endpoint set on the Settings page is explicit and shown; a lying one is refused there too", async function () {
    const page = await open(seat2, `${app!.url}/#/settings`);
    await page.getByLabel("RPC URL").fill(proxy!.url);
    await page.getByRole("button", { name: "Save" }).click();
    await expect_(page.getByTestId("settings-message"), /now reads through http:\/\/127\.0\.0\.1:\d+, not the served/);
    await expect_(page.getByTestId("rpc-source"), /set in Settings in this browser; served: http/);
    expect(await page.getByTestId("rpc-url").innerText()).to.equal(proxy!.url);
    await page.goto(`${app!.url}/#/proposal/${id}`);
    await expect_(page.getByTestId("refused"), /not to that id/);
    expect(await page.locator("button[data-action]").count()).to.equal(0);
    // Back to the served endpoint: the real proposal again.
    await page.goto(`${app!.url}/#/settings`);
    await page.getByRole("button", { name: "Back to the served defaults" }).click();
    await expect_(page.getByTestId("rpc-source"), /served configuration/);
    await page.goto(`${app!.url}/#/proposal/${id}`);
    await expect_(page.getByTestId("tier"), /Critical/);
    await page.context().close();
  });

  describe("history as it happened (finding 3)", function () {
    /** The tightening that runs, then is nudged past: coverage 25 → 30 %, layer 1's trigger VIX 28 → 26. */
    let tightening = "";

    before(async function () {
      // Seat 1 proposes the tightening, seats 2 and 3 approve (Standard: 3 of 5), it is queued and runs a day later.
      const next = structuredClone(policyBefore);
      next.coverageBps = 3_000;
      next.layers[1].triggerVix = 2_600;
      const text = "Tighten: coverage 30 %, layer 1 from VIX 28 to 26";
      const calls = {
        targets: [deployment.contracts.policy.address],
        values: [0n],
        calldatas: [encode.setPolicy(next, 1)],
        descriptionHash: descriptionHash(text),
      };
      tightening = proposalIdOf(calls);
      await send("created", as(1).propose(calls.targets, calls.values, calls.calldatas, text));
      await send("approved 2", as(2).approve(tightening));
      await send("approved 3", as(3).approve(tightening));
      await send("queued", as(0).queue(calls.targets, calls.values, calls.calldatas, calls.descriptionHash));
      await mine(86_400 + 1);
      await send("executed", as(0).execute(calls.targets, calls.values, calls.calldatas, calls.descriptionHash));
      // Later, a steward nudge moves the coverage on to 31 % (Fast: two seats, it runs at once).
      const nudge = {
        targets: [deployment.contracts.policy.address],
        values: [0n],
        calldatas: [encode.nudgeCoverage(3_100)],
        descriptionHash: descriptionHash("nudge to 31 %"),
      };
      await send("nudge", as(1).propose(nudge.targets, nudge.values, nudge.calldatas, "nudge to 31 %"));
      await send("nudge approved", as(2).approve(proposalIdOf(nudge)));
      await send("nudge executed", as(0).execute(nudge.targets, nudge.values, nudge.calldatas, nudge.descriptionHash));
      const policy = HedgePolicy__factory.connect(deployment.contracts.policy.address, provider());
      expect(toPolicyValues(await policy.policy()).coverageBps).to.equal(3_100);
    });

    it("as it was: diffed against today's policy, the executed tightening reads 31.00 % → 30.00 % loosens, its trigger change gone", function () {
      // The console decoded an executed proposal's calls against the policy in force now, as for a pending one.
      const today = { ...policyBefore, coverageBps: 3_100, layers: structuredClone(policyBefore.layers) };
      today.layers[1].triggerVix = 2_600;
      const next = structuredClone(policyBefore);
      next.coverageBps = 3_000;
      next.layers[1].triggerVix = 2_600;
      const book = {
        policy: deployment.contracts.policy.address,
        seats: deployment.contracts.seats.address,
        council: council(),
        timelock: deployment.contracts.timelock.address,
        oracle: deployment.contracts.oracle.address,
      };
      const call = decodeCall(book, book.policy, 0n, encode.setPolicy(next, 1), today);
      expect(changeRows(call.changes!).map((r) => [r.field, r.before, r.after, r.effect])).to.deep.equal([
        ["coverageBps", "3,100 (31.00 %)", "3,000 (30.00 %)", "loosens"],
      ]);
    });

    it("now: the executed proposal's page shows the change as it ran, and its timeline with who, when and the transaction", async function () {
      const page = await open(null, `${app!.url}/#/proposal/${tightening}`);
      await expect_(page.getByTestId("state"), /Executed/);
      await expect_(
        page.getByTestId("calls-against"),
        /As it ran in block \d+, against the policy just before \(version 1\)/,
      );
      const rows = await page.getByTestId("call-0").locator("tbody tr").allInnerTexts();
      expect(rows.map((r) => r.split("\t").map((c) => c.trim()))).to.deep.equal([
        ["layers.1.triggerVix", "2,800 (VIX 28.00)", "2,600 (VIX 26.00)", "tightens"],
        ["coverageBps", "2,500 (25.00 %)", "3,000 (30.00 %)", "tightens"],
      ]);
      expect(await page.getByText(/31\.00 %/).count()).to.equal(0);
      await expect_(page.getByTestId("tier"), /Standard, as the council recorded it at creation/);
      await expect_(page.locator("h2", { hasText: "Why this tier (as judged at creation)" }), /judged at creation/);
      await expect_(page.getByTestId("tier-reasons"), /call 0/);
      // The timeline: created by seat 1, each approval with its seat and transaction, queued, executed.
      const timeline = page.getByTestId("timeline");
      await timeline.waitFor();
      const events = await timeline
        .locator("tbody tr")
        .evaluateAll((trs) =>
          trs.map((tr) => ({ kind: tr.getAttribute("data-kind"), text: (tr as HTMLElement).innerText })),
        );
      expect(events.map((e) => e.kind)).to.deep.equal([
        "created",
        "approved",
        "approved",
        "approved",
        "queued",
        "executed",
      ]);
      expect(events[0].text).to.include(key(1).address).and.include(txs["created"]);
      expect(events[1].text).to.include(key(1).address).and.include("seat 1").and.include("as proposer");
      expect(events[2].text).to.include(key(2).address).and.include("seat 2").and.include(txs["approved 2"]);
      expect(events[3].text).to.include(key(3).address).and.include("seat 3").and.include(txs["approved 3"]);
      expect(events[4].text).to.include(txs["queued"]);
      expect(events[5].text).to.include(txs["executed"]);
      await expect_(page.getByTestId("description"), /Tighten: coverage 30 %, layer 1 from VIX 28 to 26/);
      expect(await page.locator("button[data-action=sign]").isDisabled()).to.equal(true);
      expect(await seriousViolations(page), "axe on an executed proposal with its timeline").to.deep.equal([]);
      await page.context().close();
    });

    it("now: a vetoed proposal names its vetoers, and shows its change against the policy when it was created", async function () {
      for (const seat of [3, 5]) await send(`veto ${seat}`, as(seat).veto(id));
      const page = await open(null, `${app!.url}/#/proposal/${id}`);
      await expect_(page.getByTestId("state"), /Vetoed/);
      await expect_(
        page.getByTestId("calls-against"),
        /As proposed, against the policy when it was created \(version 1, block \d+\); it never ran/,
      );
      await expect_(page.getByTestId("call-0"), /coverageBps.*25\.00 %.*15\.00 %.*loosens/);
      await expect_(page.getByTestId("tier"), /Critical, as the council recorded it at creation/);
      const vetoes = page.getByTestId("timeline").locator('tr[data-kind="veto"]');
      await vetoes.first().waitFor();
      const texts = await vetoes.allInnerTexts();
      expect(texts).to.have.length(2);
      expect(texts[0]).to.include(key(3).address).and.include("seat 3").and.include(txs["veto 3"]);
      expect(texts[1]).to.include(key(5).address).and.include("seat 5").and.include(txs["veto 5"]);
      await expect_(
        page.getByTestId("vetoers"),
        new RegExp(`Vetoed by: ${key(3).address} \\(seat 3\\), ${key(5).address} \\(seat 5\\)`),
      );
      // Approved by seat 4 as proposer, and by seat 2's signature relayed through the lying link's approval.
      const approvals = await page.getByTestId("timeline").locator('tr[data-kind="approved"]').allInnerTexts();
      expect(approvals.map((t) => /seat (\d)/.exec(t)![1])).to.deep.equal(["4", "2"]);
      expect(approvals[1]).to.include("by signature");
      await page.context().close();
    });
  });

  describe("New proposal: built as hedge:propose builds it, with the limits the chain has", function () {
    before(async function () {
      // A Critical proposal halves the nudge band: 5 % of the baseline instead of the deployment's 10 %.
      const text = "Narrow the nudge band to 5 %";
      const calls = {
        targets: [deployment.contracts.policy.address],
        values: [0n],
        calldatas: [encode.setNudgeLimits(500, 86_400)],
        descriptionHash: descriptionHash(text),
      };
      await send("limits", as(1).propose(calls.targets, calls.values, calls.calldatas, text));
      for (const seat of [2, 3, 4]) await send(`limits ${seat}`, as(seat).approve(proposalIdOf(calls)));
      await send("limits queued", as(0).queue(calls.targets, calls.values, calls.calldatas, calls.descriptionHash));
      await mine(3 * 86_400 + 1);
      await send("limits executed", as(0).execute(calls.targets, calls.values, calls.calldatas, calls.descriptionHash));
    });

    it("reads the nudge band from the chain: 3,200 is refused in words, as the contract refuses it", async function () {
      // The coverage's baseline is 3,000 (the tightening's), its value 3,100 (the nudge). With the deployment's
      // 10 % band (2,700..3,300) 3,200 would pass; the chain's band is 5 % now, and the contract refuses it.
      const policy = HedgePolicy__factory.connect(deployment.contracts.policy.address, provider());
      const [maxNudgeBps] = await policy.nudgeLimits();
      expect(Number(maxNudgeBps)).to.equal(500);
      let refused = "";
      await policy.nudgeCoverage.staticCall(3_200, { from: council() }).catch((e: Error) => (refused = e.message));
      expect(refused).to.match(/revert/);
      const page = await open(key(1).address, `${app!.url}/#/new`);
      await page.getByLabel("Kind of change").selectOption("nudge");
      await page.getByLabel(/^Nudged parameter/).selectOption({ label: "coverage" });
      await page.getByLabel("New coverage (%)").fill("32");
      await expect_(
        page.getByTestId("problem"),
        /outside the band 28\.50 %\.\.31\.50 % around its baseline 30\.00 % \(±1\.50 %, maxNudgeBps 500\)/,
      );
      expect(await page.getByRole("button", { name: "Start a signatures file" }).isDisabled()).to.equal(true);
      await page.getByLabel("New coverage (%)").fill("30.5");
      await expect_(page.getByTestId("new-tier"), /Fast/);
      await expect_(
        page.getByTestId("new-reasons"),
        /from the chain: 28\.50 %\.\.31\.50 % around its baseline 30\.00 % \(maxNudgeBps 500\)/,
      );
      expect(await seriousViolations(page), "axe on the New proposal page").to.deep.equal([]);
      await page.context().close();
    });

    it("builds each kind with hedge:propose's builder: the same change and description give the same id", async function () {
      const rotateTo = key(7).address;
      const cases: { cli: string[]; fill: (page: Page) => Promise<void> }[] = [
        {
          cli: ["nudge", "--set", "coverageBps=3050"],
          fill: async (page) => {
            await page.getByLabel("Kind of change").selectOption("nudge");
            await page.getByLabel(/^Nudged parameter/).selectOption({ label: "coverage" });
            await page.getByLabel("New coverage (%)").fill("30.50");
          },
        },
        {
          cli: ["policy", "--set", "coverageBps=3200,layers.0.triggerVix=1900"],
          fill: async (page) => {
            await page.getByLabel("Coverage (%)").fill("32");
            await page.getByLabel("layer 0 trigger (VIX)").fill("19");
          },
        },
        {
          cli: ["seat-rotate", "--holder", key(5).address, "--new-holder", rotateTo],
          fill: async (page) => {
            await page.getByLabel("Kind of change").selectOption("seat-rotate");
            await page.getByLabel(/^Seat/).selectOption({ label: `seat 5 (${key(5).address})` });
            await page.getByLabel("New holder's address").fill(rotateTo);
          },
        },
        {
          cli: ["tier-rule", "--tier", "standard", "--threshold", "3", "--delay", "2d"],
          fill: async (page) => {
            await page.getByLabel("Kind of change").selectOption("tier-rule");
            await page.getByLabel(/^Tier/).selectOption({ label: "Standard" });
            await page.getByLabel(/^Threshold and delay/).fill("3, 172800");
          },
        },
      ];
      const page = await open(key(1).address, `${app!.url}/#/new`);
      for (const [n, c] of cases.entries()) {
        const description = `same builder, case ${n}`;
        const out = ok(await cli(["hedge:propose", ...c.cli, "--description", description, "--dry-run"]), c.cli[0]);
        const expected = /^Id: (0x[0-9a-f]{64})$/m.exec(out)![1];
        await page.goto(`${app!.url}/#/new`);
        await c.fill(page);
        await page.getByTestId("new-description").fill(description);
        await expect_(page.getByTestId("new-tier"), /Fast|Standard|Critical/);
        await page.getByRole("button", { name: "Start a signatures file" }).click();
        await page.waitForURL(/#\/proposal\/0x[0-9a-f]{64}$/);
        expect(page.url().split("/").pop(), `${c.cli[0]}: the console's id`).to.equal(expected);
      }
      await page.context().close();
    });
  });
});

/** The policy a setPolicy calldata sets. */
function decodeSetPolicy(data: string): PolicyValues {
  const parsed = HedgePolicy__factory.createInterface().parseTransaction({ data })!;
  return toPolicyValues(parsed.args[0] as unknown as PolicyLike);
}

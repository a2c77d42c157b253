/// <reference lib="dom" />
// The chart that explains the hedge (issue 26), end to end at a phone's size (390 × 844): the built console in
// headless Chromium against a real `hardhat node`, deployed with the command line. A seat proposes a loosening setPolicy
// (layer 2's trigger raised from VIX 35 to 40: less protection between VIX 35.00 and 40.00, 25.00 % → 20.00 % of the
// condor notional); its page overlays the curve before (dashed) and after (solid) and marks that range, in the chart
// and in words. Queued, the Hedge page lists it with the same before/after picture. Executed, and the policy nudged
// since (layer 2 to VIX 38), its page still shows it against the policy it replaced, never against today's. Every
// label of every chart is at least 11 CSS px on screen, inside the 390 px, and no two labels overlap; axe-core finds
// no serious or critical violation. HEDGE_SCREENSHOTS=1 also writes a screenshot of each page to docs/.
import type { ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

import { expect } from "chai";
import { HDNodeWallet, Interface, Mnemonic } from "ethers";
import type { Browser, Locator, Page } from "playwright-core";

import { descriptionHash, encode, proposalIdOf, type ProposalCalls } from "../../scripts/lib/council";
import type { Deployment } from "../../scripts/lib/deployments";
import { defaultPolicy } from "../../scripts/lib/policy";
import { HedgeCouncil__factory } from "../../typechain-types";
import { rpc as rpcAt, startNode, stopChild } from "../helpers/node";
import { ROOT, hardhatCli, tempDir, type CliRun } from "../tasks/helpers";
import { APP_DIST, CHROMIUM, buildConsole, expectText, launch, seriousViolations, serveStatic } from "./browser";

const MNEMONIC = Mnemonic.fromPhrase("test test test test test test test test test test test junk");
const address = (i: number) => HDNodeWallet.fromMnemonic(MNEMONIC, `m/44'/60'/0'/0/${i}`).address;
const DAY = 86_400;
const COUNCIL = HedgeCouncil__factory.createInterface();
const FEED = new Interface(["function updateAnswer(int256)"]);
const SYNC = new Interface(["function syncLayers()"]);
const SCREENSHOTS = process.env.HEDGE_SCREENSHOTS === "1" ? path.join(ROOT, "docs") : null;
/** The words of the range where the loosening gives less protection. */
const DROP = /less protection between VIX 35\.00 and 40\.00: 25\.00 % → 20\.00 %/;

/** What one label of a chart measures on screen. */
interface Label {
  text: string;
  /** The font size on screen, in CSS px: the computed size times the SVG's scale (1 for HTML). */
  size: number;
  box: { left: number; right: number; top: number; bottom: number };
  svg: boolean;
}

/** Every label of the charts under `scope`: the SVG's text elements and the HTML text around it. */
async function labelsOf(scope: Locator): Promise<Label[][]> {
  return scope.evaluateAll((charts) =>
    charts.map((chart) => {
      const labels: Label[] = [];
      const measure = (el: Element, svg: boolean) => {
        const style = getComputedStyle(el);
        if (style.display === "none" || style.visibility === "hidden") return;
        // The visually hidden text equivalent (clipped to 1 × 1 px) is for screen readers: not a label on screen.
        if (el.closest("[data-visually-hidden]")) return;
        const r = el.getBoundingClientRect();
        if (r.width === 0 || r.height === 0) return;
        const scale = svg ? ((el as SVGGraphicsElement).getScreenCTM()?.a ?? 1) : 1;
        labels.push({
          text: (el.textContent ?? "").trim(),
          size: parseFloat(style.fontSize) * scale,
          box: { left: r.left, right: r.right, top: r.top, bottom: r.bottom },
          svg,
        });
      };
      chart.querySelectorAll("svg text").forEach((t) => measure(t, true));
      // HTML text: every element with a text node of its own, outside the SVG.
      chart.querySelectorAll("*").forEach((el) => {
        if (el.closest("svg")) return;
        const own = Array.from(el.childNodes).some((n) => n.nodeType === 3 && (n.textContent ?? "").trim() !== "");
        if (own) measure(el, false);
      });
      return labels;
    }),
  );
}

/** Whether two boxes overlap by more than half a pixel each way. */
const overlap = (a: Label["box"], b: Label["box"]) =>
  Math.min(a.right, b.right) - Math.max(a.left, b.left) > 0.5 &&
  Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 0.5;

describe("the protection chart in Chromium at 390 × 844 (end to end, against `hardhat node`)", function () {
  this.timeout(240_000);
  let node: ChildProcess | undefined;
  let rpcUrl = "";
  let app: { url: string; stop: () => Promise<void> } | undefined;
  let browser: Browser | undefined;
  const dir = tempDir("chart");
  let deployment: Deployment;
  /** The loosening setPolicy: its calls and id. */
  let calls: ProposalCalls;
  let id = "";

  const rpc = <T>(method: string, params: unknown[] = []) => rpcAt<T>(rpcUrl, method, params);
  const cli = (args: string[]) =>
    hardhatCli([...args, "--network", "localhost"], { HEDGE_LOCALHOST_URL: rpcUrl, HEDGE_DEPLOYMENTS_DIR: dir });
  function ok(run: CliRun, what: string): string {
    expect(run.code, `${what} failed:\n${run.stdout}\n${run.stderr}`).to.equal(0);
    return run.stdout;
  }
  /** A transaction from one of the node's unlocked accounts, mined at once; fails the test when it reverts. */
  async function send(from: number, to: string, data: string): Promise<void> {
    const hash = await rpc<string>("eth_sendTransaction", [{ from: address(from), to, data }]);
    const receipt = await rpc<{ status: string }>("eth_getTransactionReceipt", [hash]);
    expect(receipt.status, `transaction ${data.slice(0, 10)} from account ${from}`).to.equal("0x1");
  }
  const council = () => deployment.contracts.council.address;
  const args = (c: ProposalCalls) => [c.targets, c.values, c.calldatas] as const;
  /** A proposal by account `proposer` (a seat), approved on chain by the seats of `approvers`. */
  async function propose(c: ProposalCalls, description: string, proposer: number, approvers: number[]) {
    await send(proposer, council(), COUNCIL.encodeFunctionData("propose", [...args(c), description]));
    const id = proposalIdOf(c);
    for (const seat of approvers) await send(seat, council(), COUNCIL.encodeFunctionData("approve", [id]));
    return id;
  }
  /** A page at a phone's size, with no wallet (everything here is read-only). */
  async function phone(hash: string): Promise<Page> {
    const context = await browser!.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1 });
    const page = await context.newPage();
    page.on("pageerror", (e) => console.error(`  page error: ${e.message}`));
    await page.goto(`${app!.url}/#/${hash}`);
    return page;
  }
  const expect_ = (locator: Locator, text: RegExp) => expectText(locator, text, "main");
  async function shot(page: Page, name: string) {
    if (SCREENSHOTS)
      await page.screenshot({ path: path.join(SCREENSHOTS, `console-chart-${name}.png`), fullPage: true });
  }

  /** Every label of every chart on the page: at least 11 px on screen, inside the viewport, none overlapping. */
  async function expectReadable(page: Page, what: string): Promise<void> {
    const charts = await labelsOf(page.locator("main svg").locator("xpath=ancestor::figure[1]"));
    const bare = await labelsOf(page.locator("main svg:not(figure svg)"));
    const all = [...charts, ...bare];
    expect(all.length, `charts on ${what}`).to.be.above(0);
    for (const labels of all) {
      expect(labels.filter((l) => l.svg).length, `SVG labels on ${what}`).to.be.above(0);
      for (const l of labels) {
        expect(l.size, `font size of "${l.text}" on ${what}`).to.be.at.least(11);
        expect(l.box.right, `right edge of "${l.text}" on ${what}`).to.be.at.most(390.5);
        expect(l.box.left, `left edge of "${l.text}" on ${what}`).to.be.at.least(-0.5);
      }
      const svg = labels.filter((l) => l.svg);
      for (let i = 0; i < svg.length; i++) {
        for (let j = i + 1; j < svg.length; j++) {
          expect(overlap(svg[i].box, svg[j].box), `"${svg[i].text}" overlaps "${svg[j].text}" on ${what}`).to.equal(
            false,
          );
        }
      }
    }
  }

  /** The before (dashed) and after (solid) curves of `chart`, and the range it marks where protection drops. */
  async function expectBeforeAfter(chart: Locator, what: string): Promise<void> {
    const before = chart.locator('path[data-curve="before"]');
    const after = chart.locator('path[data-curve="after"]');
    expect(await before.count(), `before curve on ${what}`).to.equal(1);
    expect(await after.count(), `after curve on ${what}`).to.equal(1);
    expect(await before.getAttribute("d")).to.match(/^M[\d. ,HVL-]+$/);
    expect(await after.getAttribute("d")).to.match(/^M[\d. ,HVL-]+$/);
    const dash = (l: Locator) => l.evaluate((el) => getComputedStyle(el).strokeDasharray);
    expect(await dash(before), `before is dashed on ${what}`).to.not.equal("none");
    expect(await dash(after), `after is solid on ${what}`).to.equal("none");
    // The range is shaded from VIX 35 to VIX 40, where the x axis puts those levels (from two of its tick labels).
    const shade = chart.locator("[data-loss-from]");
    expect(await shade.count(), `shaded ranges on ${what}`).to.equal(1);
    expect([await shade.getAttribute("data-loss-from"), await shade.getAttribute("data-loss-to")]).to.deep.equal([
      "3500",
      "4000",
    ]);
    const ticks = await chart.locator("[data-tick-vix]").evaluateAll((els) =>
      els.map((el) => {
        const r = el.getBoundingClientRect();
        return { vix: Number(el.getAttribute("data-tick-vix")), x: (r.left + r.right) / 2 };
      }),
    );
    expect(ticks.length, `x ticks on ${what}`).to.be.at.least(3);
    const [a, b] = [ticks[0], ticks.at(-1)!];
    const xOf = (vix: number) => a.x + ((vix - a.vix) / (b.vix - a.vix)) * (b.x - a.x);
    const box = (await shade.boundingBox())!;
    expect(box.x, `left of the shaded range on ${what}`).to.be.closeTo(xOf(3_500), 1.5);
    expect(box.x + box.width, `right of the shaded range on ${what}`).to.be.closeTo(xOf(4_000), 1.5);
    // In words, under the chart, and named on the chart's y axis.
    await expect_(chart.getByTestId("protection-losses"), DROP);
    await expect_(chart, /% of the condor notional/);
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

  it("a loosening proposal: the curve before (dashed) and after (solid), the drop shaded and in words", async function () {
    const next = defaultPolicy();
    next.layers[2].triggerVix = 4_000;
    const description = "Engage the SPX puts from VIX 40 instead of 35";
    calls = {
      targets: [deployment.contracts.policy.address],
      values: [0n],
      calldatas: [encode.setPolicy(next, 1)],
      descriptionHash: descriptionHash(description),
    };
    id = await propose(calls, description, 1, []);
    const page = await phone(`proposal/${id}`);
    await expect_(page.getByTestId("tier"), /Critical/);
    const chart = page.getByTestId("protection-chart");
    await chart.waitFor();
    expect(await chart.count()).to.equal(1);
    await expectBeforeAfter(chart, "the proposal page");
    // Against the policy in force now, while it may still run.
    await expect_(chart, /in force now/);
    await expectReadable(page, "the proposal page");
    await shot(page, "proposal-390");
    expect(await seriousViolations(page), "axe on the proposal page").to.deep.equal([]);
    await page.context().close();
  });

  it("the Hedge page: the live VIX, the engaged layers, the baseline band, and the queued change before/after", async function () {
    // Critical: 4 of 5 seats, then queued for 3 days. The VIX moves to 37.50 and a keeper syncs the layers.
    for (const seat of [2, 3, 4]) await send(seat, council(), COUNCIL.encodeFunctionData("approve", [id]));
    await send(0, council(), COUNCIL.encodeFunctionData("queue", [...args(calls), calls.descriptionHash]));
    await send(0, deployment.contracts.oracle.address, FEED.encodeFunctionData("updateAnswer", [3_750_000_000n]));
    await send(0, deployment.contracts.policy.address, SYNC.encodeFunctionData("syncLayers"));

    const page = await phone("hedge");
    const queued = page.getByTestId("queued-changes");
    await expect_(queued, /Critical/);
    await expect_(queued, /eta \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(in 2 d 23 h/);
    await expect_(queued, /layers\.2\.triggerVix/);
    await expectBeforeAfter(queued.getByTestId("protection-chart"), "the Hedge page's queued change");

    // The policy as it stands: its curve, the engaged layers filled (not a line), the live VIX as a marker with its
    // label, the baseline and the band nudges may move the curve in, a legend and a y axis.
    const main = page.getByTestId("protection-chart").first();
    expect(await main.locator('path[data-curve="policy"]').count()).to.equal(1);
    expect(await main.locator('[data-layer][data-engaged="true"]').count()).to.equal(3);
    expect(await main.locator("[data-marker=vix]").count()).to.equal(1);
    expect(await main.locator("[data-marker=vix] text, text[data-marker=vix]").first().textContent()).to.match(
      /VIX 37\.50/,
    );
    expect(await main.locator("[data-band]").count()).to.equal(1);
    await expect_(main.getByTestId("chart-legend"), /engaged[\s\S]*live VIX[\s\S]*baseline/);
    // The text equivalent: each step of the curve, for a screen reader.
    await expect_(main.getByTestId("chart-text"), /VIX 35\.00 up: 25\.00 %/);
    await expectReadable(page, "the Hedge page");
    await shot(page, "hedge-390");
    expect(await seriousViolations(page), "axe on the Hedge page").to.deep.equal([]);
    await page.context().close();
  });

  it("executed, then nudged: the proposal still shows the policy it replaced and the one it set", async function () {
    await rpc("evm_increaseTime", [3 * DAY + 1]);
    await rpc("evm_mine");
    await send(0, council(), COUNCIL.encodeFunctionData("execute", [...args(calls), calls.descriptionHash]));
    // The steward's nudge (Fast: 2 of 5, at once) moves layer 2 from VIX 40 to 38 within its band around 40: diffed
    // against today's policy, the executed change would read "between VIX 38.00 and 40.00".
    const nudge: ProposalCalls = {
      targets: [deployment.contracts.policy.address],
      values: [0n],
      calldatas: [encode.nudgeTrigger(2, 3_800)],
      descriptionHash: descriptionHash("Layer 2 to VIX 38"),
    };
    await propose(nudge, "Layer 2 to VIX 38", 1, [2]);
    await send(0, council(), COUNCIL.encodeFunctionData("execute", [...args(nudge), nudge.descriptionHash]));

    const page = await phone(`proposal/${id}`);
    await expect_(page.getByTestId("state"), /Executed/);
    const chart = page.getByTestId("protection-chart");
    await chart.waitFor();
    await expectBeforeAfter(chart, "the executed proposal");
    await expect_(chart, /as it ran in block \d+/i);
    expect(await chart.innerText()).to.not.match(/38\.00/);
    await expectReadable(page, "the executed proposal");
    await shot(page, "executed-390");
    await page.context().close();
  });
});

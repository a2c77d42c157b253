/// <reference lib="dom" />
// Every page of the console at a phone's size (390 × 844) and a desktop's (1280 × 900), with real data: a deployment
// on a `hardhat node`, a proposal on chain with two approvals, a signatures file kept in the browser, the oracle above
// layer 0's trigger, and the audit run. At each size, on each page (Hedge, Proposals, a proposal, New proposal,
// Signatures, Audit, Settings): the page never scrolls sideways (what is wider scrolls inside its own box, which the
// keyboard can reach and a screen reader names); the header spans the page; nothing goes to the console as an error,
// no page error, no request fails (the favicon included); axe-core finds no serious or critical violation; the audit's
// timeline keeps its labels at a readable size. Then the console's small promises, each by the words on the screen:
// Settings says what it saved, never of unsaved text; an RPC URL that fails is named by its scheme and host only (it
// may hold an API key), with what to do; without a wallet, an action says to connect one rather than naming the zero
// address; the Audit page names its checks as `hedge:audit` prints them.
// HEDGE_SCREENSHOTS=1 also writes docs/console-<page>-desktop.png (the whole page) and docs/console-<page>-phone.png
// (its first screen): the README's pictures.
import type { ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";

import { expect } from "chai";
import { HDNodeWallet, Interface, Mnemonic, ZeroAddress } from "ethers";
import type { Browser, BrowserContext, Page } from "playwright-core";

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
const SCREENSHOTS = process.env.HEDGE_SCREENSHOTS === "1" ? path.join(ROOT, "docs") : null;

const SIZES = [
  { name: "phone", width: 390, height: 844 },
  { name: "desktop", width: 1280, height: 900 },
] as const;

/** What went wrong on a page while it was open: console errors, page errors, failed requests. */
function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console error: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("response", (r) => {
    if (r.status() >= 400) problems.push(`${r.status()} ${r.request().method()} ${r.url()}`);
  });
  page.on("requestfailed", (r) => problems.push(`failed request: ${r.url()} (${r.failure()?.errorText})`));
  return problems;
}

interface Layout {
  innerWidth: number;
  scrollWidth: number;
  /** Elements past the right edge of the viewport that no box of theirs clips or scrolls. */
  outside: string[];
  /** Boxes that scroll sideways, with whether the Tab key reaches them and their accessible name. */
  scrollBoxes: { box: string; focusable: boolean; label: string | null }[];
  header: { left: number; width: number };
  clientWidth: number;
}

/** The page's layout, measured in the page. */
function layoutOf(page: Page): Promise<Layout> {
  return page.evaluate(() => {
    const describe = (el: Element) => {
      const testId = el.getAttribute("data-testid");
      const cls =
        typeof el.className === "string" && el.className ? `.${el.className.trim().split(/\s+/).join(".")}` : "";
      return `${el.tagName.toLowerCase()}${testId ? `[data-testid=${testId}]` : ""}${cls}`;
    };
    const inBox = (el: Element) => {
      for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
        if (getComputedStyle(a).overflowX !== "visible") return true;
      }
      return false;
    };
    const width = window.innerWidth;
    const all = Array.from(document.body.querySelectorAll("*"));
    const outside = all
      .filter((el) => el.getBoundingClientRect().right > width + 0.5 && !inBox(el))
      .slice(0, 8)
      .map((el) => `${describe(el)} (right edge at ${Math.round(el.getBoundingClientRect().right)} px)`);
    const scrollBoxes = all
      .filter((el) => {
        const overflow = getComputedStyle(el).overflowX;
        return (overflow === "auto" || overflow === "scroll") && el.scrollWidth > el.clientWidth + 1;
      })
      .map((el) => ({
        box: describe(el),
        focusable: (el as HTMLElement).tabIndex >= 0,
        label: el.getAttribute("aria-label") ?? el.getAttribute("aria-labelledby"),
      }));
    const header = document.querySelector("header")!.getBoundingClientRect();
    return {
      innerWidth: width,
      scrollWidth: document.scrollingElement!.scrollWidth,
      outside,
      scrollBoxes,
      header: { left: header.left, width: header.width },
      clientWidth: document.documentElement.clientWidth,
    };
  });
}

describe("console at a phone's and a desktop's size: every page (end to end, against `hardhat node`)", function () {
  this.timeout(300_000);
  let node: ChildProcess | undefined;
  let rpcUrl = "";
  let app: { url: string; stop: () => Promise<void> } | undefined;
  let browser: Browser | undefined;
  const dir = tempDir("responsive");
  let deployment: Deployment;
  /** A proposal on chain (Pending, two approvals), and the text of a signatures file of one that is not. */
  let onChain = "";
  let offChainFile = "";

  const rpc = <T>(method: string, params: unknown[] = []) => rpcAt<T>(rpcUrl, method, params);
  const cli = (args: string[]) =>
    hardhatCli([...args, "--network", "localhost"], { HEDGE_LOCALHOST_URL: rpcUrl, HEDGE_DEPLOYMENTS_DIR: dir });
  function ok(run: CliRun, what: string): string {
    expect(run.code, `${what} failed:\n${run.stdout}\n${run.stderr}`).to.equal(0);
    return run.stdout;
  }
  const expect_ = (locator: ReturnType<Page["locator"]>, text: RegExp) => expectText(locator, text, "body");

  before(async function () {
    if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium (.ci/run does)`);
    const started = startNode();
    const build = buildConsole(); // in parallel with the node's start
    ({ child: node, url: rpcUrl } = await started);
    ok(await cli(["hedge:deploy", "--quiet"]), "hedge:deploy");
    deployment = JSON.parse(fs.readFileSync(path.join(dir, "localhost.json"), "utf8"));

    // A Standard tightening on chain, proposed by seat 1 and approved by seat 2: its timeline has three events.
    const proposed = ok(
      await cli([
        "hedge:propose",
        "policy",
        "--set",
        "coverageBps=3000",
        "--description",
        "Raise the coverage to 30 % for the earnings season",
        "--from",
        "1",
      ]),
      "hedge:propose",
    );
    onChain = /^Id: (0x[0-9a-f]{64})$/m.exec(proposed)![1];
    ok(await cli(["hedge:approve", "--id", onChain, "--from", "2"]), "hedge:approve");
    // A signatures file that seats 4 and 5 signed off chain: the browser keeps it (Signatures page).
    const file = path.join(dir, "offchain.json");
    ok(
      await cli([
        "hedge:propose",
        "nudge",
        "--set",
        "coverageBps=2600",
        "--description",
        "Nudge the coverage to 26 %",
        "--offchain",
        "--out",
        file,
        "--from",
        "4",
      ]),
      "hedge:propose --offchain",
    );
    offChainFile = fs.readFileSync(file, "utf8");

    // The VIX rises above layer 0's trigger, and a keeper syncs the layers: the Hedge page shows one engaged.
    const from = address(0);
    const feed = new Interface(["function updateAnswer(int256)"]).encodeFunctionData("updateAnswer", [22n * 10n ** 8n]);
    await rpc("eth_sendTransaction", [{ from, to: deployment.contracts.oracle.address, data: feed }]);
    const sync = new Interface(["function syncLayers()"]).encodeFunctionData("syncLayers");
    await rpc("eth_sendTransaction", [{ from, to: deployment.contracts.policy.address, data: sync }]);

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

  /** Each page: its address, and what shows that it is loaded with the chain's data. */
  const PAGES: { name: string; hash: () => string; ready(page: Page): Promise<void> }[] = [
    {
      name: "hedge",
      hash: () => "hedge",
      ready: (page) => expect_(page.getByTestId("oracle"), /VIX 22\.00.*fresh/),
    },
    {
      name: "proposals",
      hash: () => "proposals",
      ready: async (page) => {
        await expect_(page.getByTestId("proposals"), /Pending/);
        await expect_(page.getByTestId("proposals"), /off-chain/);
      },
    },
    {
      name: "proposal",
      hash: () => `proposal/${onChain}`,
      ready: async (page) => {
        await expect_(page.getByTestId("timeline"), /created[\s\S]*approved[\s\S]*approved/i);
        await expect_(page.locator('[data-why="execute"]'), /\S/);
      },
    },
    {
      name: "new-proposal",
      hash: () => "new",
      ready: (page) => page.getByTestId("new-description").waitFor(),
    },
    {
      name: "signatures",
      hash: () => "signatures",
      ready: (page) => expect_(page.getByRole("region", { name: "Kept here" }), /Proposal 0x/),
    },
    {
      name: "audit",
      hash: () => "audit",
      ready: async (page) => {
        await page.getByRole("button", { name: "Run the audit against the chain" }).click();
        await expect_(page.getByTestId("audit-summary"), /1 proposals?, 0 findings/);
        await page.locator(".timeline svg").waitFor();
      },
    },
    {
      name: "settings",
      hash: () => "settings",
      ready: (page) => page.getByRole("button", { name: "Save" }).waitFor(),
    },
  ];

  for (const size of SIZES) {
    describe(`at ${size.width} × ${size.height} (${size.name})`, function () {
      let context: BrowserContext | undefined;

      before(async function () {
        context = await walletContext(browser!, { account: address(1), rpcUrl });
        // The signatures file kept in this browser (context), imported as a seat holder would.
        const page = await context.newPage();
        await page.goto(`${app!.url}/#/signatures`);
        await page.getByTestId("import-text").fill(offChainFile);
        await page.getByRole("button", { name: "Import pasted file" }).click();
        await expect_(page.getByTestId("import-message"), /Imported/);
        await page.close();
      });
      after(async function () {
        await context?.close();
      });

      for (const p of PAGES) {
        it(`${p.name}: no sideways scroll, no error, no failed request, no serious axe violation`, async function () {
          const page = await context!.newPage();
          await page.setViewportSize({ width: size.width, height: size.height });
          const problems = watchProblems(page);
          await page.goto(`${app!.url}/#/${p.hash()}`);
          await connectWallet(page);
          await p.ready(page);

          const layout = await layoutOf(page);
          expect(
            layout.scrollWidth,
            `the page is ${layout.scrollWidth} px wide in a ${layout.innerWidth} px window; past the edge: ${layout.outside.join(", ")}`,
          ).to.be.at.most(layout.innerWidth);
          expect(layout.outside, "elements past the window's right edge").to.deep.equal([]);
          expect(
            layout.scrollBoxes.filter((b) => !b.focusable || !b.label),
            "boxes that scroll sideways must be reachable with the Tab key and named",
          ).to.deep.equal([]);
          expect(layout.header.left).to.equal(0);
          expect(layout.header.width, "the header spans the page").to.equal(layout.clientWidth);
          if (p.name === "audit") {
            // The timeline's labels at a readable size: its box scrolls rather than shrink them.
            const sizes = await page.$$eval(".timeline svg text", (texts) =>
              texts.map((t) => parseFloat(getComputedStyle(t).fontSize) * (t as SVGGraphicsElement).getScreenCTM()!.a),
            );
            expect(sizes.length).to.be.greaterThan(0);
            expect(Math.min(...sizes), "the audit timeline's smallest label, in px").to.be.at.least(9.5);
          }
          // Headless Chromium asks for no icon; a browser asks for the page's, or /favicon.ico without one: loaded
          // here as a browser would (a 404 shows up among the problems, as a failed request).
          const icon = await page.evaluate(async () => {
            const link = document.querySelector<HTMLLinkElement>('link[rel~="icon"]');
            const image = new Image();
            image.src = link?.href ?? new URL("/favicon.ico", location.href).href;
            return image.decode().then(
              () => "loaded",
              () => `${image.src.slice(0, 60)} does not load`,
            );
          });
          expect(icon, "the page's icon").to.equal("loaded");
          expect(await seriousViolations(page), `axe on ${p.name} (${size.name})`).to.deep.equal([]);
          expect(problems, `on ${p.name} (${size.name})`).to.deep.equal([]);
          if (SCREENSHOTS) {
            // The whole page on a desktop; on a phone, its first screen, as the phone shows it.
            await page.screenshot({
              path: path.join(SCREENSHOTS, `console-${p.name}-${size.name}.png`),
              fullPage: size.name === "desktop",
            });
          }
          await page.close();
        });
      }
    });
  }

  describe("the console's words", function () {
    async function open(account: string | null, hash: string): Promise<Page> {
      const context = await walletContext(browser!, account ? { account, rpcUrl } : null);
      const page = await context.newPage();
      await page.goto(`${app!.url}/#/${hash}`);
      if (account) await connectWallet(page);
      return page;
    }

    it("Settings says what it saved, in a polite status, and never for unsaved text", async function () {
      const page = await open(null, "settings");
      const status = page.getByRole("status");
      expect(await status.getAttribute("aria-live")).to.equal("polite");
      const served = /^Saved: this browser reads through the served RPC URL, with the served deployment\.$/;
      await page.getByRole("button", { name: "Save" }).click();
      await expect_(status, served);
      // Typing clears it: "Saved" never describes what is not saved yet.
      await page.getByLabel("RPC URL").fill(`${rpcUrl}/`);
      expect(await status.innerText()).to.equal("");
      await page.getByRole("button", { name: "Save" }).click();
      await expect_(
        status,
        new RegExp(
          `^Saved: this browser now reads through ${rpcUrl}/, not the served ${rpcUrl}, with the served deployment\\.$`,
        ),
      );
      await expect_(page.getByTestId("rpc-source"), /set in Settings in this browser/);
      // Back to the served defaults: said too, and the fields show them again.
      await page.getByRole("button", { name: "Back to the served defaults" }).click();
      await expect_(status, served);
      expect(await page.getByLabel("RPC URL").inputValue()).to.equal(rpcUrl);
      await expect_(page.getByTestId("rpc-source"), /served configuration/);
      await page.context().close();
    });

    it("names an RPC URL that fails by its scheme and host only, and says what to do", async function () {
      // An endpoint that drops every connection: the browser's fetch fails, as with nothing listening, but no other
      // process can take the port meanwhile (a free port could be taken and answer slowly, or never).
      const dropping = net.createServer((socket) => socket.destroy());
      await new Promise<void>((resolve) => dropping.listen(0, "127.0.0.1", resolve));
      const { port } = dropping.address() as net.AddressInfo;
      const cases = [
        {
          url: `http://127.0.0.1:${port}/v3/secret-api-key?key=secret-api-key`,
          said: `Cannot read the council: the RPC endpoint http://127.0.0.1:${port} did not answer (nothing listens there, or it refuses this page's origin: CORS); check that the node is running and that the URL is right. Settings`,
        },
        {
          url: `${app!.url}/rpc/secret-api-key`, // the console's own server: a 404, not JSON-RPC
          said: `Cannot read the council: the RPC endpoint ${app!.url} answered HTTP 404, not JSON-RPC: check its URL. Settings`,
        },
      ];
      try {
        for (const c of cases) {
          const page = await open(null, "settings");
          await page.getByLabel("RPC URL").fill(c.url);
          await page.getByRole("button", { name: "Save" }).click();
          await page.goto(`${app!.url}/#/hedge`);
          const alert = page.locator("main").getByRole("alert");
          await expect_(alert, /Cannot read the council/);
          expect(await alert.innerText()).to.equal(c.said);
          expect(await alert.getByRole("link", { name: "Settings" }).count()).to.equal(1);
          await page.context().close();
        }
      } finally {
        await new Promise((resolve) => dropping.close(resolve));
      }
    });

    it("without a wallet, an action says to connect one, never naming the zero address", async function () {
      const page = await open(null, `proposal/${onChain}`);
      await expect_(page.locator('[data-why="approve"]'), /\S/);
      await expect_(page.locator('[data-why="revoke"]'), /\S/);
      const reasons = await page.locator("[data-why]").allInnerTexts();
      expect(reasons.join("\n")).to.not.include(ZeroAddress);
      expect(reasons.join("\n")).to.not.match(/0x0000…0000/);
      expect(await page.locator('[data-why="approve"]').innerText()).to.equal(
        "connect a seat holder's wallet to approve",
      );
      expect(await page.locator('[data-why="revoke"]').innerText()).to.equal(
        "connect a seat holder's wallet to revoke an approval",
      );
      expect(await page.locator('[data-why="sign"]').innerText()).to.equal(
        "connect a wallet on the council's chain to sign",
      );
      await page.context().close();
    });

    it("the Audit page names each check as `hedge:audit` prints it, with its result and findings", async function () {
      const out = ok(await cli(["hedge:audit"]), "hedge:audit");
      const printed = [...out.matchAll(/^ {2}([a-z]+) +(pass|FAIL) +(\d+) {2}\S/gm)].map((m) => [m[1], m[2], m[3]]);
      expect(printed.length, `the check lines of:\n${out}`).to.equal(8);
      const page = await open(null, "audit");
      await page.getByRole("button", { name: "Run the audit against the chain" }).click();
      const table = page.getByRole("table", { name: "What the audit checked" });
      await expect_(table, /provenance/);
      const rows = await table.locator("tbody tr").evaluateAll((trs) =>
        trs.map((tr) =>
          Array.from(tr.querySelectorAll("th, td"))
            .slice(0, 3)
            .map((c) => (c as HTMLElement).innerText),
        ),
      );
      expect(rows).to.deep.equal(printed);
      await page.context().close();
    });
  });
});

// `npm run bench:console`: how fast the console's Hedge page comes up, against its goal "policy on screen ≤ 1 s".
//
// Starts a `hardhat node` on a free loopback port, deploys with `hedge:deploy`, builds the console as
// `npm run app:build` does and serves it on localhost (with the end-to-end tests' own pieces: test/helpers/node.ts,
// test/app/browser.ts), then loads the Hedge page N times in Debian's Chromium, each time in a fresh browser context
// (no cache, no wallet: a first visit, read-only). Two moments are read in the page, in its own clock
// (performance.now, from the start of the navigation): the load event's end, and the policy on screen, the moment
// the element that only the policy's values fill (`data-testid="coverage"`) enters the document (it is painted in the
// next frame). Prints the median and the maximum of each next to the goal. Stops the browser, the server and the node
// (by its pid) whatever happens. Environment (optional): CONSOLE_BENCH_RUNS (loads, default 7).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import type { ChildProcess } from "node:child_process";
import type { Browser } from "playwright-core";

import { startNode, stopChild } from "../test/helpers/node";
import { APP_DIST, buildConsole, launch, serveStatic } from "../test/app/browser";
import { hardhatCli, tempDir } from "../test/tasks/helpers";
import { printTable } from "./lib/table";

const RUNS = Number(process.env.CONSOLE_BENCH_RUNS ?? 7);
/** The goal: the policy on screen within a second of the navigation's start. */
const GOAL_MS = 1_000;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Runs in the page before its scripts: records when the policy's values first enter the document. */
function watchPolicy() {
  const w = window as unknown as { __policyShownAt?: number };
  const observer = new MutationObserver(() => {
    if (document.querySelector('[data-testid="coverage"]')) {
      w.__policyShownAt = performance.now();
      observer.disconnect();
    }
  });
  observer.observe(document, { childList: true, subtree: true });
}

async function main() {
  if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error(`CONSOLE_BENCH_RUNS must be a whole number ≥ 1`);
  let node: ChildProcess | undefined;
  let app: { url: string; stop: () => Promise<void> } | undefined;
  let browser: Browser | undefined;
  const dir = tempDir("bench-console");
  try {
    const started = startNode();
    const build = buildConsole(); // in parallel with the node's start
    const { child, url: rpcUrl } = await started;
    node = child;
    const deploy = await hardhatCli(["hedge:deploy", "--quiet", "--network", "localhost"], {
      HEDGE_LOCALHOST_URL: rpcUrl,
      HEDGE_DEPLOYMENTS_DIR: dir,
    });
    if (deploy.code !== 0) throw new Error(`hedge:deploy failed:\n${deploy.stdout}\n${deploy.stderr}`);
    const deployment = JSON.parse(fs.readFileSync(path.join(dir, "localhost.json"), "utf8"));
    await build;
    app = await serveStatic(APP_DIST, () => ({ network: "localhost", rpcUrl, deployment }));
    browser = await launch();

    const load: number[] = [];
    const policy: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      await context.addInitScript(watchPolicy);
      const page = await context.newPage();
      await page.goto(`${app.url}/#/hedge`);
      await page.waitForFunction(
        () =>
          (window as unknown as { __policyShownAt?: number }).__policyShownAt !== undefined &&
          (performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming).loadEventEnd > 0,
      );
      const timing = await page.evaluate(() => ({
        load: (performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming).loadEventEnd,
        policy: (window as unknown as { __policyShownAt: number }).__policyShownAt,
      }));
      load.push(timing.load);
      policy.push(timing.policy);
      await context.close();
    }

    console.log(
      `Console, the Hedge page loaded ${RUNS} times in Chromium ${browser.version()} (a fresh context each: no cache, no wallet), against hardhat node on localhost (${os.cpus().length} CPUs, load average ${os.loadavg()[0].toFixed(1)} at the end, Node ${process.version})`,
    );
    console.log("");
    printTable(
      [
        ["moment, in ms from the navigation's start", "goal", "median", "max"],
        ["load event end", "", median(load).toFixed(0), Math.max(...load).toFixed(0)],
        ["policy on screen", `≤ ${GOAL_MS}`, median(policy).toFixed(0), Math.max(...policy).toFixed(0)],
      ],
      2,
    );
    console.log("");
    const verdict = (ms: number) => (ms <= GOAL_MS ? "met" : "NOT met");
    console.log(
      `Goal "policy ≤ 1 s": ${verdict(median(policy))} by the median, ${verdict(Math.max(...policy))} by every load.`,
    );
  } finally {
    await browser?.close();
    await app?.stop();
    if (node) await stopChild(node, "SIGTERM");
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});

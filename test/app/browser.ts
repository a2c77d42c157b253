/// <reference lib="dom" />
// What the console's end-to-end tests share: a static server for the built console (app-dist/) that also serves
// the test's hedge-config.json, Debian's Chromium driven by playwright-core, and a test EIP-1193 wallet injected
// into the page. The wallet announces itself with EIP-6963 and forwards every request to the `hardhat node`, whose
// unlocked accounts make real eth_signTypedData_v4 signatures and send real transactions.
import { spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";

import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";

export const CHROMIUM = process.env.HEDGE_CHROMIUM ?? "/usr/bin/chromium";
const ARGS = [
  "--no-sandbox",
  "--disable-background-networking",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-component-update",
  "--disable-sync",
];

const REPOSITORY = path.resolve(__dirname, "..", "..");
/** Where `npm run app:build` writes the console. */
export const APP_DIST = path.join(REPOSITORY, "app-dist");

let building: Promise<void> | null = null;

/**
 * Builds the console into app-dist/ as `npm run app:build` does, once per test process (the end-to-end files share
 * the build). The built hedge-config.json is never used: `serveStatic` serves each test's own.
 */
export function buildConsole(): Promise<void> {
  building ??= new Promise<void>((resolve, reject) => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), "hedge-console-build-"));
    const vite = spawn(process.execPath, [path.join(REPOSITORY, "app", "cli.mjs"), "--build"], {
      cwd: REPOSITORY,
      env: { ...process.env, HEDGE_DEPLOYMENTS_DIR: empty },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    vite.stdout?.on("data", (d) => (out += d));
    vite.stderr?.on("data", (d) => (out += d));
    vite.on("close", (code) => {
      fs.rmSync(empty, { recursive: true, force: true });
      if (code === 0) resolve();
      else reject(new Error(`vite build failed:\n${out}`));
    });
  });
  return building;
}

export function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".css": "text/css",
  ".json": "application/json",
  ".svg": "image/svg+xml",
};

/** Serves `dir` on a free loopback port; `/hedge-config.json` is `config()`. Returns the URL and a stop function. */
export async function serveStatic(
  dir: string,
  config: () => unknown,
): Promise<{ url: string; stop: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    const pathname = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    if (pathname === "/hedge-config.json") {
      res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" });
      res.end(JSON.stringify(config()));
      return;
    }
    const file = path.join(dir, pathname === "/" ? "index.html" : pathname);
    if (!file.startsWith(dir) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      res.writeHead(404);
      res.end();
      return;
    }
    res.writeHead(200, { "content-type": TYPES[path.extname(file)] ?? "application/octet-stream" });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface WalletOptions {
  account: string;
  rpcUrl: string;
  /** Reports this chain id instead of the node's (to test the wrong-chain message). */
  fakeChainId?: number;
}

/** A browser context whose pages have the test wallet for `account`. */
export async function walletContext(browser: Browser, options: WalletOptions | null): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  if (options) await context.addInitScript(injectWallet, options);
  return context;
}

/** Runs in the page: an EIP-1193 provider announced with EIP-6963. Counts the requests a wallet would prompt for. */
function injectWallet({ account, rpcUrl, fakeChainId }: WalletOptions) {
  const w = window as unknown as Record<string, unknown>;
  w.__walletPrompts = [] as string[];
  w.__switchRequests = [] as unknown[];
  let id = 0;
  const listeners: Record<string, ((...a: unknown[]) => void)[]> = {};
  async function forward(method: string, params: unknown) {
    const response = await fetch(rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: ++id, method, params: params ?? [] }),
    });
    const body = await response.json();
    if (body.error) {
      const error = new Error(body.error.message) as Error & { code?: number; data?: unknown };
      error.code = body.error.code;
      error.data = body.error.data;
      throw error;
    }
    return body.result;
  }
  const provider = {
    async request({ method, params }: { method: string; params?: unknown }) {
      if (method === "eth_requestAccounts" || method === "eth_accounts") return [account];
      if (method === "eth_chainId" && fakeChainId) return `0x${fakeChainId.toString(16)}`;
      if (method === "wallet_switchEthereumChain") {
        (w.__switchRequests as unknown[]).push(params);
        return null;
      }
      if (method === "eth_sendTransaction" || method === "eth_signTypedData_v4") {
        (w.__walletPrompts as string[]).push(method);
      }
      return forward(method, params);
    },
    on(event: string, f: (...a: unknown[]) => void) {
      (listeners[event] ??= []).push(f);
    },
    removeListener(event: string, f: (...a: unknown[]) => void) {
      listeners[event] = (listeners[event] ?? []).filter((g) => g !== f);
    },
  };
  const info = {
    uuid: "6b1b5b3e-0000-4000-8000-000000000001",
    name: "Test wallet",
    icon: "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg'/%3E",
    rdns: "test.hedge-council",
  };
  const announce = () =>
    window.dispatchEvent(new CustomEvent("eip6963:announceProvider", { detail: Object.freeze({ info, provider }) }));
  window.addEventListener("eip6963:requestProvider", announce);
  announce();
}

/**
 * Waits until `locator` shows `text`; on a timeout, fails with what the page shows instead (the text of `shown`:
 * the page's `main`, or its `body` where a refusal replaces the page).
 */
export async function expectText(
  locator: ReturnType<Page["locator"]>,
  text: RegExp,
  shown: "main" | "body" = "main",
): Promise<void> {
  try {
    await locator.filter({ hasText: text }).first().waitFor({ timeout: 20_000 });
  } catch (error) {
    const page = await locator
      .page()
      .locator(shown)
      .innerText()
      .catch(() => "?");
    throw new Error(`${text} did not appear (${(error as Error).message.split("\n")[0]}); the page shows:\n${page}`);
  }
}
/** Connects the page's test wallet through the console's wallet bar. */
export async function connectWallet(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Connect" }).click();
  await page.getByTestId("account").waitFor();
}

const AXE = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

/** axe-core's serious and critical violations on the page, as "rule: target" lines. */
export async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: AXE });
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(): Promise<{ violations: unknown[] }> } }).axe;
    const result = await axe.run();
    return (result.violations as { id: string; impact: string; nodes: { target: string[] }[] }[])
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  });
}

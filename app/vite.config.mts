// The council console's build: React with Vite. Two things come from the repository at build (or serve) time, so the
// browser never holds a second copy of them:
//   - `virtual:hedge-abi`: the ABIs (no bytecode) of the system's contracts, read from Hardhat's artifacts, for the
//     calls and for explaining reverts with the same error list as the command line (scripts/lib/errors.ts);
//   - `/hedge-config.json`: the network, its RPC URL and its deployment record (deployments/<network>.json). The
//     Settings page may override them in a browser (explicitly, and the header says so), so a static build can be
//     pointed at any deployment; nothing in the page's address can (a link's `?rpc=` is ignored).
// The dev server (`npm run app`) also serves the proposals folder read-only at /proposals/ (./proposals.ts):
// the council's shared queue, listed by the console without a paste. A build has no such folder: the console says so.
// Environment (app/cli.mjs sets HEDGE_NETWORK from --network): HEDGE_NETWORK (default localhost), HEDGE_RPC_URL
// (default HEDGE_LOCALHOST_URL or http://127.0.0.1:8545 for localhost), HEDGE_DEPLOYMENTS_DIR (default deployments/),
// HEDGE_PROPOSALS_DIR (default proposals/).
import fs from "node:fs";
import path from "node:path";

import react from "@vitejs/plugin-react";
import { defineConfig, type Plugin } from "vite";

import { proposalsDir } from "../scripts/lib/proposals-folder";
import { proposalsMiddleware } from "./proposals";

const HERE = import.meta.dirname;
const ROOT = path.resolve(HERE, "..");
/** Every contract the console calls; it holds ERROR_SOURCES of scripts/lib/errors.ts, which the console checks. */
const CONTRACTS = ["HedgeCouncil", "HedgePolicy", "CouncilSeats", "TimelockController", "MockV3Aggregator"];

function findArtifact(name: string): string {
  const base = path.join(ROOT, "artifacts");
  const stack = [base];
  while (stack.length > 0) {
    const dir = stack.pop()!;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory() && entry.name !== "build-info") stack.push(full);
      else if (entry.name === `${name}.json`) return full;
    }
  }
  throw new Error(`no artifact ${name}: run \`npx hardhat compile\` first`);
}

function abiPlugin(): Plugin {
  const id = "virtual:hedge-abi";
  return {
    name: "hedge-abi",
    resolveId: (source) => (source === id ? `\0${id}` : null),
    load(resolved) {
      if (resolved !== `\0${id}`) return null;
      const abis: Record<string, unknown[]> = {};
      for (const name of CONTRACTS) {
        abis[name] = JSON.parse(fs.readFileSync(findArtifact(name), "utf8")).abi;
      }
      return `export const ABIS = ${JSON.stringify(abis)};\n`;
    },
  };
}

/** The defaults a served or built console starts with. */
function consoleConfig() {
  const network = process.env.HEDGE_NETWORK ?? "localhost";
  const dir = path.resolve(process.env.HEDGE_DEPLOYMENTS_DIR ?? path.join(ROOT, "deployments"));
  const file = path.join(dir, `${network}.json`);
  const deployment = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")) : null;
  const rpcUrl =
    process.env.HEDGE_RPC_URL ??
    (network === "localhost" ? (process.env.HEDGE_LOCALHOST_URL ?? "http://127.0.0.1:8545") : "");
  return { network, rpcUrl, deployment };
}

function configPlugin(): Plugin {
  return {
    name: "hedge-config",
    configureServer(server) {
      server.middlewares.use("/hedge-config.json", (_req, res) => {
        res.setHeader("content-type", "application/json");
        // The dev server serves the proposals folder (below), and says so: the console asks for it only then.
        res.end(JSON.stringify({ ...consoleConfig(), sharedFolder: true }));
      });
      // Before Vite's own handlers, so that nothing else (its file server, its index.html fallback) answers there.
      server.middlewares.use(proposalsMiddleware(proposalsDir(ROOT)));
    },
    generateBundle() {
      this.emitFile({ type: "asset", fileName: "hedge-config.json", source: JSON.stringify(consoleConfig(), null, 2) });
    },
  };
}

export default defineConfig({
  root: HERE,
  base: "./",
  plugins: [react(), abiPlugin(), configPlugin()],
  resolve: { alias: { keccak: path.join(HERE, "src", "no-keccak.ts") } },
  server: { port: 5173, host: "127.0.0.1" },
  preview: { port: 4173, host: "127.0.0.1" },
  build: { outDir: path.join(ROOT, "app-dist"), emptyOutDir: true, chunkSizeWarningLimit: 1500 },
});

/**
 * Hardhat configuration for Hedge Council.
 *
 * Environment variables (all optional; nothing is needed for the in-process network or `localhost`):
 *
 * | variable              | used for                                                                    |
 * | --------------------- | --------------------------------------------------------------------------- |
 * | `HEDGE_LOCALHOST_URL` | URL of the `localhost` network (default `http://127.0.0.1:8545`)            |
 * | `HEDGE_RPC_URL`       | JSON-RPC endpoint of the `remote` network (any EVM chain)                   |
 * | `HEDGE_PRIVATE_KEY`   | private key of the account that signs on `remote` (never printed)           |
 * | `HEDGE_CHAIN_ID`      | expected chain id of `remote`; Hardhat refuses to send if the node differs  |
 * | `REPORT_GAS`          | `true` prints hardhat-gas-reporter's table after `hardhat test`             |
 * | `HEDGE_MUTATION`      | `1` (set by `npm run mutation`): the fast mutation build described below    |
 *
 * The compiler is the npm package `solc`, pinned to `SOLC_VERSION` below: Hardhat cannot download
 * compilers on machines without internet, so the compile subtask is pointed at `solc/soljson.js`.
 */
import { subtask, type HardhatUserConfig } from "hardhat/config";
import { TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD } from "hardhat/builtin-tasks/task-names";
import type {} from "@nomicfoundation/hardhat-toolbox"; // its type extensions (hre.ethers, typechain, gasReporter)
import path from "node:path";

import "./tasks";
import { checkHedgeCommandLine, invokedTask } from "./scripts/lib/shell/argv";

/**
 * The plugins. A `hedge:*` command needs only ethers (and TypeChain, if it compiles on a fresh clone); loading the
 * whole toolbox (gas reporter, coverage, Ignition, verify, chai matchers) would double its start-up time. Every
 * other command (test, coverage, compile, verify, ignition, node, run...) gets the whole toolbox.
 */
if (invokedTask(process.argv.slice(2))?.startsWith("hedge:")) {
  require("@nomicfoundation/hardhat-ethers");
  require("@typechain/hardhat");
} else {
  require("@nomicfoundation/hardhat-toolbox");
}

const SOLC_VERSION = "0.8.28";

/**
 * The mutation build (`HEDGE_MUTATION=1`, set by `npm run mutation`): SuMo recompiles once per mutant, and solc-js
 * takes 25-45 s per contract through the IR pipeline with the optimizer but 3-5 s through the legacy pipeline
 * without it. The language semantics are the same; SuMo's pre-test runs the whole selected suite on this build
 * before any mutant. It writes to its own folders so it never replaces the normal build.
 */
const MUTATION_BUILD = process.env.HEDGE_MUTATION === "1";
const compilerSettings = MUTATION_BUILD
  ? { optimizer: { enabled: false }, evmVersion: "cancun", viaIR: false }
  : {
      optimizer: { enabled: true, runs: 10000 },
      evmVersion: "cancun",
      viaIR: true,
      // The storage layout in the build info: the audit tests find the slots they tamper with there.
      outputSelection: { "*": { "*": ["storageLayout"] } },
    };

subtask(TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD, async (args: { solcVersion: string }, _hre, runSuper) => {
  if (args.solcVersion !== SOLC_VERSION) return runSuper();
  const compilerPath = path.join(path.dirname(require.resolve("solc/package.json")), "soljson.js");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const longVersion: string = require("solc").version();
  return { compilerPath, isSolcJs: true, version: args.solcVersion, longVersion };
});

const remote = process.env.HEDGE_RPC_URL
  ? {
      remote: {
        url: process.env.HEDGE_RPC_URL,
        accounts: process.env.HEDGE_PRIVATE_KEY ? [process.env.HEDGE_PRIVATE_KEY] : [],
        chainId: process.env.HEDGE_CHAIN_ID ? Number(process.env.HEDGE_CHAIN_ID) : undefined,
      },
    }
  : {};

const REMOTE_NEEDS = "HEDGE_RPC_URL (the JSON-RPC URL of the chain), and HEDGE_PRIVATE_KEY or --from env:NAME to sign";

const config: HardhatUserConfig = {
  solidity: {
    version: SOLC_VERSION,
    settings: compilerSettings,
  },
  paths: MUTATION_BUILD ? { artifacts: "artifacts-mutation", cache: "cache-mutation" } : {},
  networks: {
    // Unoptimised bytecode may pass EIP-170's limit; the real build's size is checked by test/bench.
    hardhat: MUTATION_BUILD ? { allowUnlimitedContractSize: true } : {},
    localhost: { url: process.env.HEDGE_LOCALHOST_URL ?? "http://127.0.0.1:8545" },
    ...remote,
  },
  typechain: { outDir: "typechain-types", target: "ethers-v6" },
  gasReporter: { enabled: process.env.REPORT_GAS === "true" },
  mocha: { timeout: 120_000 },
};

// A `hedge:*` command with wrong words (an unknown or repeated option, a missing value, a network that is not
// configured) stops here with one `error:` line, before Hardhat parses it and prints a stack trace.
checkHedgeCommandLine(["hardhat", ...Object.keys(config.networks ?? {})], { remote: REMOTE_NEEDS });

export default config;

/**
 * Hardhat configuration for Hedge Council.
 *
 * Environment variables. All are optional: nothing is needed for the in-process network or `localhost`.
 * test/docs/env.test.ts fails when a source of the project reads a variable that these tables do not list.
 *
 * Networks and the `hedge:*` commands:
 *
 * | variable                       | what it does (default)                                                            |
 * | ------------------------------ | --------------------------------------------------------------------------------- |
 * | `HEDGE_LOCALHOST_URL`          | the `localhost` network's URL, also the console's (`http://127.0.0.1:8545`)       |
 * | `HEDGE_RPC_URL`                | `remote` network's JSON-RPC endpoint, any EVM chain; also the console's (unset)   |
 * | `HEDGE_PRIVATE_KEY`            | private key of the account that signs on `remote`, never printed (unset: none)    |
 * | `HEDGE_CHAIN_ID`               | `remote`'s expected chain id: Hardhat refuses a node with another (unset: any)    |
 * | `HEDGE_DEPLOYMENTS_DIR`        | the deployments files' directory, for every tool (`<project>/deployments`)        |
 * | `HEDGE_PROPOSALS_DIR`          | the proposals folder (signatures files), for every tool (`<project>/proposals`)   |
 * | `HEDGE_DEBUG`                  | non-empty: a failed command also prints its stack trace (unset)                   |
 * | `HEDGE_KEYSTORE_PASSWORD`      | the password of `--from keystore:FILE` (unset: asked on the terminal)             |
 * | `HEDGE_KEYSTORE_PASSWORD_FILE` | a file whose first line is that password, for automation (unset)                  |
 * | `HEDGE_WEBHOOK_URL`            | `hedge:watch --webhook`'s URL, a secret: printed as scheme and host only (unset)  |
 * | `HEDGE_WEBHOOK_URL_FILE`       | a file whose first line is that URL, for automation (unset)                       |
 * | `HEDGE_HERMES_URL`             | Pyth's Hermes endpoint, `hedge:watch --sync` with a Pyth oracle (unset: --hermes) |
 * | NAME of `--from env:NAME`      | a private key for `--from env:NAME` or `--keeper env:NAME`, never printed         |
 * | `ETHERSCAN_API_KEY`            | `npx hardhat verify`'s Etherscan v2 key, all chains (unset: Sourcify only)        |
 * | `REPORT_GAS`                   | `true` prints hardhat-gas-reporter's table after `hardhat test` (unset: off)      |
 *
 * The console (app/):
 *
 * | variable                       | what it does (default)                                                            |
 * | ------------------------------ | --------------------------------------------------------------------------------- |
 * | `HEDGE_NETWORK`                | the network it serves; set by `npm run app -- --network` (`localhost`)            |
 *
 * Tests:
 *
 * | variable                       | what it does (default)                                                            |
 * | ------------------------------ | --------------------------------------------------------------------------------- |
 * | `FUZZ_RUNS`                    | fuzz runs of test/fuzz (100; `npm run fuzz` sets 1000)                            |
 * | `FUZZ_MAX_COMMANDS`            | commands per fuzz run, at most (12)                                               |
 * | `FUZZ_SEED`                    | replays the fuzz runs of this fast-check seed (unset: random)                     |
 * | `FUZZ_STATS`                   | non-empty: print the count of every fuzz outcome (unset; always above 100 runs)   |
 * | `HEDGE_SCREENSHOTS`            | `1`: test/app rewrites the console's screenshots `docs/console-*.png` (unset)     |
 * | `AUDIT_SCREENSHOT`             | non-empty: test/audit rewrites `docs/audit-report.png` (unset: a temp file)       |
 * | `HEDGE_CHROMIUM`               | the Chromium binary the browser tests drive (`/usr/bin/chromium`)                 |
 *
 * Benchmarks:
 *
 * | variable                       | what it does (default)                                                            |
 * | ------------------------------ | --------------------------------------------------------------------------------- |
 * | `AUDIT_BENCH_PROPOSALS`        | `npm run bench:audit`: proposals in the replayed history (10000)                  |
 * | `AUDIT_BENCH_STEPS`            | `npm run bench:audit`: audits along the way (4)                                   |
 * | `AUDIT_BENCH_PER_BLOCK`        | `npm run bench:audit`: transactions per block (25)                                |
 * | `AUDIT_BENCH_CHUNK`            | `npm run bench:audit`: blocks per `eth_getLogs` (100)                             |
 * | `AUDIT_BENCH_HTML`             | `npm run bench:audit`: write (and time) the last HTML report to this file (unset) |
 * | `WATCH_BENCH_PROPOSALS`        | `npm run bench:watch`: proposals in the history (1000)                            |
 * | `WATCH_BENCH_SAMPLES`          | `npm run bench:watch`: blocks whose poll is timed (40)                            |
 * | `WATCH_BENCH_BLOCKS`           | `npm run bench:watch`: blocks of the memory run (10000)                           |
 * | `WATCH_BENCH_CONFIRMATIONS`    | `npm run bench:watch`: the watcher's confirmation depth (3, remote's default)     |
 * | `STARTUP_RUNS`                 | `npm run bench:startup`: runs per command (7)                                     |
 * | `STARTUP_GOAL`                 | `npm run bench:startup`: fails above this ratio to `npx hardhat --version` (1.5)  |
 * | `CONSOLE_BENCH_RUNS`           | `npm run bench:console`: loads of the Hedge page in Chromium (7)                  |
 *
 * Mutation testing (`npm run mutation`):
 *
 * | variable                       | what it does (default)                                                            |
 * | ------------------------------ | --------------------------------------------------------------------------------- |
 * | `HEDGE_MUTATION`               | `1`, set by it: the fast mutation build described below (unset: the real build)   |
 * | `SUMO_CONTRACT`                | mutate only this contract, e.g. `HedgePolicy.sol` (unset: all four)               |
 * | `MUTATION_JOB`                 | set by it for its workers: the job file a worker runs (internal)                  |
 *
 * The compiler is the npm package `solc`, pinned to `SOLC_VERSION` below: Hardhat cannot download
 * compilers on machines without internet, so the compile subtask is pointed at `solc/soljson.js`. The tests also need
 * Chainlink's KeystoneForwarder, which pins `pragma solidity 0.8.24`: that version is the npm package `solc-0.8.24`
 * (an alias of `solc@0.8.24`), served the same way; only the files that pin it are compiled with it. solc-js is slow
 * (a fresh build takes about a minute of CPU), so the compile job says what it is doing while it runs.
 */
import { subtask, type HardhatUserConfig } from "hardhat/config";
import {
  TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD,
  TASK_COMPILE_SOLIDITY_LOG_RUN_COMPILER_END,
  TASK_COMPILE_SOLIDITY_LOG_RUN_COMPILER_START,
} from "hardhat/builtin-tasks/task-names";
import type { CompilationJob } from "hardhat/types";
import type {} from "@nomicfoundation/hardhat-toolbox"; // its type extensions (hre.ethers, typechain, gasReporter)
import path from "node:path";

import "./tasks";
import { exitQuietlyWhenOutputCloses } from "./scripts/lib/output";
import { PRIVATE_KEY_FORMAT, checkHedgeCommandLine, invokedTask, isPrivateKey } from "./scripts/lib/shell/argv";

/**
 * The plugins. A `hedge:*` command needs only ethers (and TypeChain, if it compiles on a fresh clone); loading the
 * whole toolbox (gas reporter, coverage, Ignition, verify, chai matchers) would double its start-up time. Every
 * other command (test, coverage, compile, verify, ignition, node, run...) gets the whole toolbox.
 */
if (invokedTask(process.argv.slice(2))?.startsWith("hedge:")) {
  require("@nomicfoundation/hardhat-ethers");
  require("@typechain/hardhat");
  exitQuietlyWhenOutputCloses(); // `hedge:status | head -1`: no EPIPE stack trace
} else {
  require("@nomicfoundation/hardhat-toolbox");
}

const SOLC_VERSION = "0.8.28";
/** The version Chainlink's KeystoneForwarder pins (compiled for the CRE tests only, through contracts/mocks). */
const KEYSTONE_SOLC_VERSION = "0.8.24";
/** The npm package of each compiler version served offline. */
const SOLC_PACKAGES: Record<string, string> = { [SOLC_VERSION]: "solc", [KEYSTONE_SOLC_VERSION]: "solc-0.8.24" };

/**
 * The mutation build (`HEDGE_MUTATION=1`, set by `npm run mutation`): SuMo recompiles once per mutant, and solc-js
 * takes 25-45 s per contract through the IR pipeline with the optimizer but 3-5 s through the legacy pipeline
 * without it. The language semantics are the same; SuMo's pre-test runs the whole selected suite on this build
 * before any mutant. It writes to its own folders so it never replaces the normal build.
 */
const MUTATION_BUILD = process.env.HEDGE_MUTATION === "1";
// The storage layout in the build info, in both builds: the audit tests find the slots they tamper with there, and
// the attack tests' state snapshots read each proposal's storage word through it.
const outputSelection = { "*": { "*": ["storageLayout"] } };
const compilerSettings = MUTATION_BUILD
  ? { optimizer: { enabled: false }, evmVersion: "cancun", viaIR: false, outputSelection }
  : { optimizer: { enabled: true, runs: 10000 }, evmVersion: "cancun", viaIR: true, outputSelection };

/**
 * The Keystone files' build: the legacy pipeline with the optimizer, no IR, so that solc-js compiles them in seconds.
 * They are test doubles: no production contract is compiled with this version (test/docs/compile.test.ts checks that
 * the build reports no warning; the production contracts' bytecode is unchanged by this second compiler).
 */
const keystoneSettings = { optimizer: { enabled: true, runs: 1_000_000 }, evmVersion: "cancun", outputSelection };

subtask(TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD, async (args: { solcVersion: string }, _hre, runSuper) => {
  const pkg = SOLC_PACKAGES[args.solcVersion];
  if (pkg === undefined) return runSuper();
  const compilerPath = path.join(path.dirname(require.resolve(`${pkg}/package.json`)), "soljson.js");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const longVersion: string = require(pkg).version();
  if (!longVersion.startsWith(`${args.solcVersion}+`))
    throw new Error(`the npm package ${pkg} is solc ${longVersion}, not ${args.solcVersion}: reinstall it`);
  return { compilerPath, isSolcJs: true, version: args.solcVersion, longVersion };
});

/**
 * Compile progress. solc-js builds the whole project as one job, about a minute of CPU through the IR pipeline, and
 * Hardhat prints nothing until it ends (nothing at all with --quiet, which the hedge:* commands use): a first
 * `npm run demo` looked stuck. On a terminal, a line with the elapsed time, even with --quiet; elsewhere (CI, logs,
 * tests) one line unless --quiet. Written to stderr, so a command's output stays its own.
 */
let compileTicker: { timer: NodeJS.Timeout; finish: () => void } | undefined;

subtask(
  TASK_COMPILE_SOLIDITY_LOG_RUN_COMPILER_START,
  async (args: { compilationJob: CompilationJob; quiet: boolean }) => {
    const terminal = process.stderr.isTTY;
    if (args.quiet && !terminal) return;
    const job = args.compilationJob;
    // Short enough for an 80-column terminal, where a longer line would wrap and `\r` could not redraw it.
    const what = `Compiling ${job.getResolvedFiles().length} Solidity files with solc-js (a minute or more)`;
    if (!terminal) return void process.stderr.write(`${what}\n`);
    const started = Date.now();
    const draw = (end = "") => process.stderr.write(`\r${what}: ${Math.round((Date.now() - started) / 1000)} s${end}`);
    draw();
    // unref: a compile that fails (and never reaches the END subtask) must not keep the process alive.
    compileTicker = { timer: setInterval(draw, 1_000).unref(), finish: () => draw("\n") };
  },
);

subtask(TASK_COMPILE_SOLIDITY_LOG_RUN_COMPILER_END, async () => {
  if (compileTicker === undefined) return;
  clearInterval(compileTicker.timer);
  compileTicker.finish();
  compileTicker = undefined;
});

/**
 * `remote`'s key, only when it is one. Hardhat checks every network's accounts while it loads the config: a malformed
 * HEDGE_PRIVATE_KEY made every command fail (even on localhost, even `hardhat test`) with a stack trace that did not
 * name the variable. Left out, it makes `remote` unusable instead: a command on it is refused below in one line that
 * names the variable and never shows its value.
 */
const remoteKey = process.env.HEDGE_PRIVATE_KEY || undefined; // empty: unset
const remoteKeyMalformed = remoteKey !== undefined && !isPrivateKey(remoteKey);
/** The other two of `remote`'s variables, checked the same way: a bad one is named in one line, not a stack trace. */
const remoteUrlValid = /^https?:\/\/[^\s/]+/.test(process.env.HEDGE_RPC_URL ?? "");
const remoteChainIdValid = /^[1-9][0-9]{0,15}$/.test(process.env.HEDGE_CHAIN_ID ?? "");

const remote = process.env.HEDGE_RPC_URL
  ? {
      remote: {
        url: process.env.HEDGE_RPC_URL,
        accounts: remoteKey && !remoteKeyMalformed ? [remoteKey] : [],
        chainId: remoteChainIdValid ? Number(process.env.HEDGE_CHAIN_ID) : undefined,
      },
    }
  : {};

const REMOTE_NEEDS =
  "HEDGE_RPC_URL (the JSON-RPC URL of the chain), and HEDGE_PRIVATE_KEY, --from env:NAME or --from keystore:FILE to sign";

/** Why `remote` cannot be used, when it cannot (the URL's value is not shown: a provider's URL may hold an API key). */
const REMOTE_PROBLEM = !process.env.HEDGE_RPC_URL
  ? null
  : !remoteUrlValid
    ? "HEDGE_RPC_URL is not an http(s) URL (not shown): set it to the JSON-RPC endpoint of the chain, e.g. https://rpc.example/v1"
    : process.env.HEDGE_CHAIN_ID && !remoteChainIdValid
      ? "HEDGE_CHAIN_ID is not a chain id (a positive whole number, e.g. 1 or 8453): fix it, or unset it to accept the node's"
      : remoteKeyMalformed
        ? `HEDGE_PRIVATE_KEY does not hold a valid private key (${PRIVATE_KEY_FORMAT}; not shown): set it to the key of the account that signs on remote, or unset it and sign with --from env:NAME or --from keystore:FILE`
        : null;

const config: HardhatUserConfig = {
  solidity: {
    // A file compiles with the newest version its pragmas (and its imports') accept: every project contract with
    // 0.8.28, KeystoneForwarder (and the mock that imports it) with 0.8.24.
    compilers: [
      { version: SOLC_VERSION, settings: compilerSettings },
      { version: KEYSTONE_SOLC_VERSION, settings: keystoneSettings },
    ],
  },
  paths: MUTATION_BUILD ? { artifacts: "artifacts-mutation", cache: "cache-mutation" } : {},
  networks: {
    // Unoptimised bytecode may pass EIP-170's limit; the real build's size is checked by test/bench.
    hardhat: MUTATION_BUILD ? { allowUnlimitedContractSize: true } : {},
    localhost: { url: process.env.HEDGE_LOCALHOST_URL ?? "http://127.0.0.1:8545" },
    ...remote,
  },
  typechain: { outDir: "typechain-types", target: "ethers-v6" },
  // `npx hardhat verify` (hardhat-verify, in the toolbox; docs/OPERATIONS.md): Etherscan's v2 API with one key for
  // every chain it knows (a chain it does not know needs a `customChains` entry here), and Sourcify, which needs none.
  etherscan: { apiKey: process.env.ETHERSCAN_API_KEY ?? "" },
  sourcify: { enabled: true },
  gasReporter: { enabled: process.env.REPORT_GAS === "true" },
  mocha: { timeout: 120_000 },
};

// A `hedge:*` command with wrong words (an unknown or repeated option, a missing value, a network that is not
// configured), or any command on `remote` with a malformed URL, chain id or key, stops here with one `error:` line, before Hardhat
// parses it and prints a stack trace.
checkHedgeCommandLine(
  ["hardhat", ...Object.keys(config.networks ?? {})],
  { remote: REMOTE_NEEDS },
  REMOTE_PROBLEM ? { remote: REMOTE_PROBLEM } : {},
);

export default config;

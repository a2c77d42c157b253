// hedge:watch — one long-running process that keeps an eye on the council: notices for the seats (proposals awaiting
// a signature, executable, expiring, vetoed, queued Critical ones a seat can still veto, each with its description
// made safe; a stale oracle; layers engaged or disengaged), the audit's rules applied
// to every new block, and with --sync a keeper that sends syncLayers when a sync would change a layer. The engine is
// scripts/lib/watch (loaded lazily: it needs the compiled contracts); this file checks the flags, wires the node,
// the keeper account and the signals, and prints.
//
// The webhook's URL is a secret (a Slack, Discord or Teams URL is a bearer token): it is read from $HEDGE_WEBHOOK_URL
// or the first line of the file $HEDGE_WEBHOOK_URL_FILE names, as the keystore password is, never from the command
// line (where `ps` and the shell's history keep it), and only its scheme and host are ever printed.
import fs from "node:fs";
import path from "node:path";

import { HDNodeWallet, Wallet, getAddress, id, isAddress } from "ethers";
import type { HardhatRuntimeEnvironment, HttpNetworkConfig } from "hardhat/types";

import { parseIntIn } from "../lib/shell/args";
import { CliError, say, sayError } from "../lib/output";
import { secretFromEnv } from "../lib/shell/keystore";
import { selectSigner } from "../lib/shell/signers";
import { checkDeploymentBlocks, displayPath, loadDeployment } from "../lib/deployments";
import { oneLine, urlOrigin } from "../lib/untrusted";

export interface WatchArgs {
  seat?: string;
  sync: boolean;
  keeper?: string;
  json: boolean;
  webhook: boolean;
  checkpoint?: string;
  startOver: boolean;
  confirmations?: string;
  pollMs: string;
  rpcTimeoutMs: string;
  hermes?: string;
}

export const WEBHOOK_ENV = "HEDGE_WEBHOOK_URL";
export const WEBHOOK_FILE_ENV = "HEDGE_WEBHOOK_URL_FILE";
/** Pyth's Hermes endpoint, for --sync when the policy's oracle is a PythVixAdapter (or --hermes). */
export const HERMES_ENV = "HEDGE_HERMES_URL";

/**
 * The default confirmation depth, by the kind of network. A local node (the in-process chain, `localhost`, chain
 * 31337 or 1337) has one miner that never reorganises on its own: 0, notices at once. Any other chain: 3 blocks. On
 * Ethereum one-block reorganisations are routine and two-block ones happen; three blocks (36 s there) keep nearly
 * every orphaned block away from the notices and the keeper, and a deeper reorganisation is still handled, by
 * retraction. A chain whose blocks are far faster (an L2 sequencer) or whose reorganisations are deeper may want more:
 * --confirmations.
 */
export function defaultConfirmations(network: string, chainId: number): number {
  return network === "hardhat" || network === "localhost" || chainId === 31337 || chainId === 1337 ? 0 : 3;
}

/** The webhook URL from the environment, checked: an http(s) URL. Never printed beyond scheme and host. */
export function webhookFromEnv(env: NodeJS.ProcessEnv): string {
  const given = secretFromEnv(env, WEBHOOK_ENV, WEBHOOK_FILE_ENV, "--webhook");
  if (!given)
    throw new CliError(
      `--webhook needs the webhook's URL in ${WEBHOOK_ENV}, or in the first line of a file named by ${WEBHOOK_FILE_ENV} (it is a secret: never on the command line)`,
    );
  const { source } = given;
  const url = given.value.trim();
  let parsed: URL | null = null;
  try {
    parsed = new URL(url);
  } catch {
    parsed = null;
  }
  if (!parsed || !/^https?:$/.test(parsed.protocol))
    throw new CliError(
      `--webhook: ${source} does not hold an http(s) URL (not shown here); give one such as https://hooks.example/hedge`,
    );
  return url;
}

/** The status line of a node outage (or its end); the node's error message is escaped (../lib/untrusted). */
export function outageLine(url: string, failing: boolean, error?: unknown): string {
  return failing
    ? `hedge:watch: node ${urlOrigin(url)} unreachable or failing (${oneLine(String((error as Error)?.message ?? error))}); retrying with back-off`
    : `hedge:watch: node ${urlOrigin(url)} answers again`;
}

async function watch(args: WatchArgs, hre: HardhatRuntimeEnvironment): Promise<void> {
  const pollMs = parseIntIn("--poll-ms", args.pollMs, 50, 3_600_000, "milliseconds");
  const rpcTimeoutMs = parseIntIn("--rpc-timeout-ms", args.rpcTimeoutMs, 100, 600_000, "milliseconds");
  let seat: string | undefined;
  if (args.seat !== undefined) {
    if (!isAddress(args.seat.trim()))
      throw new CliError(`--seat ${args.seat}: not an address; give a seat holder's address (hedge:status lists them)`);
    seat = getAddress(args.seat.trim());
  }
  const webhook = args.webhook ? webhookFromEnv(process.env) : undefined;
  const confirmations =
    args.confirmations === undefined
      ? undefined
      : parseIntIn("--confirmations", args.confirmations, 0, 1_000, "blocks behind the head");
  if (args.keeper !== undefined && !args.sync)
    throw new CliError(`--keeper ${args.keeper} needs --sync: the keeper account only sends syncLayers`);
  if (args.checkpoint !== undefined) checkWritable(path.resolve(args.checkpoint), args.checkpoint);
  if (hre.network.name === "hardhat" || !("url" in hre.network.config)) {
    throw new CliError(
      `hedge:watch follows a node over JSON-RPC; network "${hre.network.name}" is the in-process chain: start \`npx hardhat node\` and pass --network localhost (or remote)`,
    );
  }
  const url = (hre.network.config as HttpNetworkConfig).url;

  const { deployment, file } = await loadDeployment(hre);
  // The watcher reads history from the file's block numbers: checked against the deployment receipts first.
  await checkDeploymentBlocks(hre, deployment, file);
  const { HttpRpc, RetryingRpc } = await import("../lib/watch/rpc");
  const { Watcher, ChainResetError, deploymentBlock } = await import("../lib/watch/watcher");
  const { ABI, view } = await import("../lib/watch/chain");

  const controller = new AbortController();
  let stopSignal: string | null = null;
  const onSignal = (name: string) => {
    if (stopSignal) return;
    stopSignal = name;
    controller.abort();
    // Whatever is in flight, the process is gone within 2 s; the checkpoint is always a whole write.
    setTimeout(() => process.exit(0), 1_500).unref();
  };
  const sigint = () => onSignal("SIGINT");
  const sigterm = () => onSignal("SIGTERM");
  process.on("SIGINT", sigint);
  process.on("SIGTERM", sigterm);

  const rpc = new RetryingRpc(new HttpRpc(url, rpcTimeoutMs, controller.signal), {
    signal: controller.signal,
    onOutage: (failing, error) => sayError(outageLine(url, failing, error)),
  });
  const chainId = Number(await rpc.request({ method: "eth_chainId", params: [] }));

  // The default checkpoint follows the chain, the council and the block hash of its deployment: a restarted local
  // node with a fresh deployment (even at the same addresses) gets a fresh checkpoint, nobody deletes anything.
  let checkpointFile: string;
  if (args.checkpoint !== undefined) checkpointFile = path.resolve(args.checkpoint);
  else {
    let identity: { hash: string };
    try {
      identity = await deploymentBlock(rpc, deployment);
    } catch (error) {
      if (!(error instanceof ChainResetError)) throw error;
      sayError(`error: ${error.message}`);
      process.exitCode = 2;
      return;
    }
    const council = deployment.contracts.council.address.slice(2, 10).toLowerCase();
    checkpointFile = path.join(
      hre.config.paths.root,
      ".watch",
      `${hre.network.name}-${chainId}-${council}-${identity.hash.slice(2, 10)}.checkpoint.json`,
    );
    checkWritable(checkpointFile, undefined);
  }

  if (seat) {
    const seatId = (
      await view(rpc, ABI.seats, deployment.contracts.seats.address, "seatOf", [seat], await latest())
    )[0];
    if (BigInt(seatId) === 0n)
      throw new CliError(
        `--seat ${seat}: holds no council seat; give a seat holder's address (hedge:status lists them)`,
      );
  }
  const keeper = args.sync ? await keeperAccount(hre, args.keeper) : undefined;
  const pyth = keeper ? await pythKeeping(rpc, deployment, args.hermes ?? process.env[HERMES_ENV]) : undefined;
  let extraAccounts: string[] = [];
  try {
    extraAccounts = (await rpc.request({ method: "eth_accounts", params: [] })) as string[];
  } catch {
    // a node without unlocked accounts
  }

  const watcher = new Watcher({
    rpc,
    deployment,
    network: hre.network.name,
    checkpointFile,
    seat,
    json: args.json,
    webhook,
    keeper,
    pyth,
    pollMs,
    confirmations: confirmations ?? defaultConfirmations(hre.network.name, chainId),
    startOver: args.startOver,
    signal: controller.signal,
    out: (line) => say(line),
    status: (line) => sayError(line),
    extraAccounts,
  });
  if (keeper)
    sayError(
      `hedge:watch: keeper ${keeper.address} sends ${pyth ? `updateAndSync (Pyth updates from ${urlOrigin(pyth.hermes)})` : "syncLayers"} when a sync would change a layer`,
    );
  if (webhook) sayError(`hedge:watch: delivering every notice to the webhook at ${urlOrigin(webhook)}`);
  try {
    await watcher.run();
  } catch (error) {
    if (error instanceof ChainResetError) {
      sayError(`error: ${error.message}`);
      process.exitCode = 2;
      return;
    }
    throw error;
  } finally {
    process.off("SIGINT", sigint);
    process.off("SIGTERM", sigterm);
  }
  const cp = watcher.checkpoint;
  sayError(
    `hedge:watch: stopped (${stopSignal ?? "done"}) after block ${cp?.lastBlock ?? "-"}; ${cp?.outbox.length ?? 0} notice(s) still to deliver; checkpoint ${displayPath(hre, checkpointFile)}`,
  );
  if (stopSignal) process.exit(0);

  async function latest(): Promise<number> {
    return Number(await rpc.request({ method: "eth_blockNumber", params: [] }));
  }
}

/** Refuses a checkpoint path that is a directory or cannot be written. */
function checkWritable(file: string, given: string | undefined): void {
  const flag = `--checkpoint ${given ?? file}`;
  if (fs.existsSync(file) && fs.statSync(file).isDirectory())
    throw new CliError(`${flag}: is a directory; give a file name`);
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.accessSync(path.dirname(file), fs.constants.W_OK);
  } catch {
    throw new CliError(`${flag}: its directory cannot be written; give a writable path`);
  }
}

/**
 * The Pyth path for --sync: when the policy's oracle answers `pyth()` (a PythVixAdapter, a pull oracle), the keeper
 * sends HedgeUpkeep.updateAndSync with updates from Hermes, so it needs the deployment's upkeep and a Hermes URL.
 * Any other oracle: undefined (the keeper sends syncLayers).
 */
export async function pythKeeping(
  rpc: { request(args: { method: string; params?: unknown[] }): Promise<unknown> },
  deployment: { contracts: { policy: { address: string }; upkeep?: { address: string } } },
  hermes: string | undefined,
) {
  const call = (to: string, signature: string) =>
    rpc.request({
      method: "eth_call",
      params: [{ to, data: id(signature).slice(0, 10) }, "latest"],
    }) as Promise<string>;
  const oracle = getAddress(`0x${(await call(deployment.contracts.policy.address, "oracle()")).slice(26, 66)}`);
  // The one detection of a Pyth adapter (../lib/watch/pyth); no pyth(): a push feed (Chainlink), synced with syncLayers.
  const { pythOf } = await import("../lib/watch/pyth");
  if ((await pythOf(rpc, oracle, "latest")) === null) return undefined;
  const upkeep = deployment.contracts.upkeep?.address;
  if (!upkeep)
    throw new CliError(
      `--sync: the policy's oracle ${oracle} is a Pyth adapter (a pull oracle), synced through HedgeUpkeep.updateAndSync, and this deployment has no upkeep; add one (hedge:deploy --upkeep)`,
    );
  if (!hermes)
    throw new CliError(
      `--sync: the policy's oracle ${oracle} is a Pyth adapter; give Pyth's Hermes endpoint with --hermes URL or $${HERMES_ENV} (e.g. https://hermes.pyth.network)`,
    );
  const { hermesSource } = await import("../lib/watch/hermes");
  return { upkeep, source: await hermesSource(hermes), hermes };
}

/** The keeper account: signs locally when its key is known (env:NAME, the network's keys), else the node's account. */
async function keeperAccount(
  hre: HardhatRuntimeEnvironment,
  from: string | undefined,
): Promise<{ address: string; sign?: (tx: import("ethers").TransactionRequest) => Promise<string> }> {
  const selected = await selectSigner(hre, from);
  if (selected.signer instanceof Wallet) {
    const wallet = selected.signer;
    return { address: wallet.address, sign: (tx) => wallet.signTransaction(tx) };
  }
  const accounts = hre.network.config.accounts;
  const signers = await hre.ethers.getSigners();
  const index = signers.findIndex((s) => s.address === selected.address);
  if (Array.isArray(accounts) && index >= 0 && index < accounts.length) {
    const entry = accounts[index] as unknown;
    const key = typeof entry === "string" ? entry : (entry as { privateKey: string }).privateKey;
    const wallet = new Wallet(key);
    return { address: wallet.address, sign: (tx) => wallet.signTransaction(tx) };
  }
  if (accounts && typeof accounts === "object" && "mnemonic" in accounts && index >= 0) {
    const hd = accounts as { mnemonic: string; passphrase?: string; path: string; initialIndex?: number };
    const wallet = HDNodeWallet.fromPhrase(hd.mnemonic, hd.passphrase, `${hd.path}/${(hd.initialIndex ?? 0) + index}`);
    return { address: wallet.address, sign: (tx) => wallet.signTransaction(tx) };
  }
  return { address: selected.address };
}

export default watch;

// `deployments/<network>.json`: what `hedge:deploy` deployed, read and checked by every other task.
//
// The file records the chain id, every contract's address with its deployment transaction and block, the council's
// configuration and the initial policy hash. Every task reads it through `openSystem`, which refuses a missing or
// malformed file, a file written for another chain, a file whose contracts are not on the chain (a node that was
// restarted), and a file that is tampered or foreign: a contract whose code is not this project's (immutables aside)
// or contracts that do not point at each other as the file says. The file is not trusted: one edited address would
// otherwise send every later transaction to someone else's contract. For the commands that read the chain's history
// from the deployment (proposals from ProposalCreated, a proposal's timeline), openSystem also checks each block
// number against its deployment transaction's receipt (`checkDeploymentBlocks`): a block moved forward would hide
// every proposal created before it. The oracle is never the file's: it is the one the policy reads
// (`policy.oracle()`), which governance may have moved with setOracle since the file was written.
//
// The in-process `hardhat` network starts empty in every process, so `deployments/hardhat.json` is only meaningful
// inside the process that wrote it (the demo, the tests, or several tasks run through `hre.run`). Use
// `npx hardhat node` and `--network localhost` to keep a chain between commands.
//
// The directory defaults to `<project>/deployments`; the environment variable HEDGE_DEPLOYMENTS_DIR moves it (the
// tests use a temporary directory).
import fs from "node:fs";
import path from "node:path";

import { getAddress, isAddress, isHexString, type ContractTransactionResponse } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import type {
  AggregatorV3Interface,
  CouncilSeats,
  HedgeCouncil,
  HedgePolicy,
  HedgeUpkeep,
  TimelockController,
} from "../../typechain-types";
import { checkWiring, isCompiledCode } from "./contract-code";
import { checkDeploymentReceipts, createdByDeployment, mismatchText } from "./deploy-receipts";
import { chainIdOf, isLocalNetwork } from "./shell/network";
import { CliError, sayError } from "./output";
import { oneLine, quoted } from "./untrusted";
import type { System } from "./deploy";

export const DEPLOYMENT_FORMAT = "hedge-council-deployment/1";

/** The contracts of a deployment, in deployment order. */
export const CONTRACT_KEYS = ["oracle", "seats", "timelock", "policy", "council"] as const;
export type ContractKey = (typeof CONTRACT_KEYS)[number];

export interface DeployedContract {
  address: string;
  /** Null for an oracle that existed before the deployment. */
  transactionHash: string | null;
  blockNumber: number | null;
  /**
   * Present when a factory created the contract (`hedge:deploy --deterministic`): the address the transaction
   * called. `transactionHash` is then that call, which may have created several contracts (the HedgeDeployer creates
   * the four core ones in one), and `blockNumber` its block; the receipts check (./deploy-receipts) verifies the
   * contract by its code appearing in that block.
   */
  factory?: string;
}

export interface Deployment {
  format: typeof DEPLOYMENT_FORMAT;
  network: string;
  chainId: number;
  deployer: string;
  /** UTC time of the block that holds the council's deployment. */
  deployedAt: string;
  /** The core contracts, and `upkeep` when a HedgeUpkeep was deployed (`hedge:deploy --upkeep`). */
  contracts: Record<ContractKey, DeployedContract> & { upkeep?: DeployedContract };
  /** True when `hedge:deploy` deployed a MockV3Aggregator (only these can be moved with `hedge:oracle`). */
  oracleIsMock: boolean;
  council: {
    initialSeats: string[];
    thresholds: { fast: number; standard: number; critical: number; veto: number };
    delays: { standard: number; critical: number };
    minDelay: number;
    proposalTtl: number;
    gracePeriod: number;
  };
  initialPolicy: { version: number; hash: string };
  /**
   * Present for `hedge:deploy --deterministic`: the Safe singleton factory, the HedgeDeployer it placed and the
   * system id (the hash of the configuration and the four creation codes) the addresses derive from.
   */
  deterministic?: { singletonFactory: string; deployer: string; systemId: string };
}

/** The deployment's contracts, connected to the network (`openSystem(hre, { history: false })`). */
export interface HedgeContracts {
  deployment: Deployment;
  file: string;
  chainId: number;
  council: HedgeCouncil;
  policy: HedgePolicy;
  seats: CouncilSeats;
  timelock: TimelockController;
  /**
   * The VIX oracle the policy reads (`policy.oracle()`, read once), never the file's: the first call warns on stderr
   * when they differ (the file predates a setOracle).
   */
  oracle: () => Promise<AggregatorV3Interface>;
  /** The HedgeUpkeep, when the deployment has one. */
  upkeep?: HedgeUpkeep;
}

/** The deployment's contracts and the block to read their history from, checked against the receipts. */
export interface HedgeSystem extends HedgeContracts {
  /** The block to start reading events from: the first deployment transaction's (`checkDeploymentBlocks`). */
  fromBlock: number;
}

export function deploymentsDir(hre: HardhatRuntimeEnvironment): string {
  return process.env.HEDGE_DEPLOYMENTS_DIR
    ? path.resolve(process.env.HEDGE_DEPLOYMENTS_DIR)
    : path.join(hre.config.paths.root, "deployments");
}

export function deploymentFile(hre: HardhatRuntimeEnvironment): string {
  return path.join(deploymentsDir(hre), `${hre.network.name}.json`);
}

/** A path as users typed it: relative to the project when inside it. */
export function displayPath(hre: HardhatRuntimeEnvironment, file: string): string {
  const relative = path.relative(hre.config.paths.root, file);
  return relative.startsWith("..") || path.isAbsolute(relative) ? file : relative;
}

/** Builds the record of a system just deployed by `deploySystem` in this process (its settings and transactions). */
export async function recordDeployment(
  hre: HardhatRuntimeEnvironment,
  system: System,
  deployer: string,
  initialSeats: string[],
): Promise<Deployment> {
  // Imported here, not at the top: every task reads deployments, and only a deployment needs deploy.ts's factories
  // (they are loaded by then).
  const { deploymentRecord } = await import("./deploy");
  const record = deploymentRecord(system);
  const contracts = {} as Deployment["contracts"];
  for (const key of CONTRACT_KEYS) {
    const tx = record.transactions[key];
    const receipt = tx ? await tx.wait() : null;
    const factory = record.factories?.[key];
    contracts[key] = {
      address: await system[key].getAddress(),
      transactionHash: tx ? tx.hash : null,
      blockNumber: receipt ? receipt.blockNumber : null,
      ...(factory ? { factory } : {}),
    };
  }
  if (system.upkeep && record.transactions.upkeep)
    contracts.upkeep = await upkeepRecord(system.upkeep, record.transactions.upkeep);
  const councilBlock = await hre.ethers.provider.getBlock(contracts.council.blockNumber ?? "latest");
  return {
    format: DEPLOYMENT_FORMAT,
    network: hre.network.name,
    chainId: await chainIdOf(hre),
    deployer,
    deployedAt: new Date(Number(councilBlock?.timestamp ?? 0) * 1000).toISOString(),
    contracts,
    oracleIsMock: record.oracleDeployed,
    council: {
      initialSeats,
      thresholds: record.thresholds,
      delays: record.delays,
      minDelay: record.minDelay,
      proposalTtl: record.proposalTtl,
      gracePeriod: record.gracePeriod,
    },
    initialPolicy: { version: Number(await system.policy.version()), hash: await system.policy.policyHash() },
    ...(record.deterministic ? { deterministic: record.deterministic } : {}),
  };
}

/** The deployments-file entry of a HedgeUpkeep deployed by `tx`. */
export async function upkeepRecord(upkeep: HedgeUpkeep, tx: ContractTransactionResponse): Promise<DeployedContract> {
  const receipt = await tx.wait();
  return { address: await upkeep.getAddress(), transactionHash: tx.hash, blockNumber: receipt?.blockNumber ?? null };
}

/**
 * Refuses a deployments file that could not be written, before anything is deployed: a deployment whose record
 * cannot be written leaves contracts on chain that no command can find.
 */
export function requireWritable(hre: HardhatRuntimeEnvironment, file: string): void {
  const dir = path.dirname(file);
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.accessSync(dir, fs.constants.W_OK);
    if (fs.existsSync(file)) fs.accessSync(file, fs.constants.W_OK);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new CliError(`cannot write ${displayPath(hre, file)} (${reason}); nothing was deployed`);
  }
  if (fs.existsSync(file) && fs.statSync(file).isDirectory()) {
    throw new CliError(`${displayPath(hre, file)} is a directory; nothing was deployed`);
  }
}

export function writeDeployment(file: string, deployment: Deployment): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(deployment, null, 2)}\n`);
}

/** Parses and checks the shape of a deployments file; `name` is how errors refer to it. */
export function parseDeployment(text: string, name: string): Deployment {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    // The parser's message quotes the file: escaped (./untrusted).
    throw new CliError(`${name} is not valid JSON (${oneLine((error as Error).message)})`);
  }
  const bad = (what: string) => new CliError(`${name}: ${what}`);
  if (typeof raw !== "object" || raw === null) throw bad("expected a JSON object");
  const d = raw as Record<string, unknown>;
  if (d.format !== DEPLOYMENT_FORMAT)
    throw bad(
      `format is ${quoted(typeof d.format === "string" ? d.format : String(JSON.stringify(d.format)))}, expected "${DEPLOYMENT_FORMAT}"`,
    );
  if (typeof d.network !== "string") throw bad("network must be the network's name");
  if (!Number.isSafeInteger(d.chainId) || (d.chainId as number) <= 0) throw bad("chainId must be a positive integer");
  const contracts = d.contracts as Record<string, Record<string, unknown>> | undefined;
  if (typeof contracts !== "object" || contracts === null) throw bad("contracts is missing");
  for (const key of CONTRACT_KEYS) {
    const entry = contracts[key];
    if (typeof entry !== "object" || entry === null) throw bad(`contracts.${key} is missing`);
    if (typeof entry.address !== "string" || !isAddress(entry.address)) {
      throw bad(`contracts.${key}.address is not an address`);
    }
    if (entry.transactionHash !== null && !isHexString(entry.transactionHash, 32)) {
      throw bad(`contracts.${key}.transactionHash is not a transaction hash`);
    }
    if (entry.blockNumber !== null && !Number.isSafeInteger(entry.blockNumber)) {
      throw bad(`contracts.${key}.blockNumber is not a block number`);
    }
    if (entry.factory !== undefined && (typeof entry.factory !== "string" || !isAddress(entry.factory))) {
      throw bad(`contracts.${key}.factory is not an address`);
    }
  }
  if (contracts.upkeep !== undefined) {
    const entry = contracts.upkeep;
    if (typeof entry !== "object" || entry === null || typeof entry.address !== "string" || !isAddress(entry.address))
      throw bad("contracts.upkeep.address is not an address");
    if (entry.transactionHash != null && !isHexString(entry.transactionHash, 32)) {
      throw bad("contracts.upkeep.transactionHash is not a transaction hash");
    }
    if (entry.blockNumber != null && !Number.isSafeInteger(entry.blockNumber)) {
      throw bad("contracts.upkeep.blockNumber is not a block number");
    }
  }
  if (typeof d.deployer !== "string" || !isAddress(d.deployer)) throw bad("deployer is not an address");
  if (typeof d.deployedAt !== "string") throw bad("deployedAt must be a time (ISO 8601)");
  const council = d.council as Record<string, unknown> | undefined;
  if (typeof council !== "object" || council === null) throw bad("council is missing");
  if (
    !Array.isArray(council.initialSeats) ||
    !council.initialSeats.every((s) => typeof s === "string" && isAddress(s))
  ) {
    throw bad("council.initialSeats must be a list of addresses");
  }
  for (const key of ["minDelay", "proposalTtl", "gracePeriod"]) {
    if (!Number.isSafeInteger(council[key])) throw bad(`council.${key} must be a number of seconds`);
  }
  const numbers = (key: string, fields: string[], what: string) => {
    const value = council[key] as Record<string, unknown> | undefined;
    if (typeof value !== "object" || value === null) throw bad(`council.${key} is missing`);
    for (const field of fields) {
      if (!Number.isSafeInteger(value[field])) throw bad(`council.${key}.${field} must be ${what}`);
    }
  };
  numbers("thresholds", ["fast", "standard", "critical", "veto"], "a number of seats");
  numbers("delays", ["standard", "critical"], "a number of seconds");
  const policy = d.initialPolicy as Record<string, unknown> | undefined;
  if (typeof policy !== "object" || policy === null || !isHexString(policy.hash, 32)) {
    throw bad("initialPolicy.hash must be a bytes32 hash");
  }
  if (!Number.isSafeInteger(policy.version)) throw bad("initialPolicy.version must be a number");
  if (typeof d.oracleIsMock !== "boolean") throw bad("oracleIsMock must be true or false");
  return raw as Deployment;
}

/** The contracts a deployment records: the core ones, and the upkeep when it has one. */
function recordedKeys(deployment: Deployment): (ContractKey | "upkeep")[] {
  return [...CONTRACT_KEYS, ...(deployment.contracts.upkeep ? (["upkeep"] as const) : [])];
}

/**
 * Reads `deployments/<network>.json` and checks it against the connected chain: its chain id, and code at every
 * address. Returns the code found there too (`openSystem` checks it further).
 */
export async function loadDeployment(
  hre: HardhatRuntimeEnvironment,
): Promise<{ deployment: Deployment; file: string; codes: Partial<Record<ContractKey | "upkeep", string>> }> {
  const file = deploymentFile(hre);
  const name = displayPath(hre, file);
  const network = hre.network.name;
  if (!fs.existsSync(file)) {
    const hint =
      network === "hardhat"
        ? "the in-process hardhat network starts empty in every process: run hedge:deploy in the same process, or use `npx hardhat node` and --network localhost"
        : `run \`npx hardhat hedge:deploy --network ${network}\` first`;
    throw new CliError(`no deployment for network "${network}": ${name} does not exist (${hint})`);
  }
  const deployment = parseDeployment(fs.readFileSync(file, "utf8"), name);
  const chainId = await chainIdOf(hre);
  if (deployment.chainId !== chainId) {
    throw new CliError(`${name} is for chain ${deployment.chainId}, but network "${network}" is chain ${chainId}`);
  }
  const keys = recordedKeys(deployment);
  const codes: Partial<Record<ContractKey | "upkeep", string>> = {};
  // One request at a time: a burst of parallel requests at start-up makes Hardhat's HTTP provider fail with
  // "SocketError: other side closed" against `hardhat node` now and then.
  for (const key of keys) {
    const { address } = deployment.contracts[key]!;
    const code = await hre.ethers.provider.getCode(address);
    if (code === "0x") {
      // Contracts never vanish from a real chain: there the file is wrong, and deploying over it would hide that.
      const hint =
        network === "hardhat"
          ? "the in-process hardhat network starts empty in every process; deploy in the same process or use --network localhost"
          : isLocalNetwork(hre)
            ? "was the node restarted? deploy again with hedge:deploy --force"
            : "the file is tampered, or for another chain with the same id: restore it from where it was kept";
      throw new CliError(`${name} is stale: no contract at ${address} (${key}) on chain ${chainId} (${hint})`);
    }
    codes[key] = code;
  }
  return { deployment, file, codes };
}

// ------------------------------------------------------------------------------------- tampered or foreign files

/** The artifact each recorded contract must run (the oracle only when hedge:deploy deployed the mock). */
const ARTIFACT_OF: Record<ContractKey | "upkeep", string> = {
  oracle: "MockV3Aggregator",
  seats: "CouncilSeats",
  timelock: "TimelockController",
  policy: "HedgePolicy",
  council: "HedgeCouncil",
  upkeep: "HedgeUpkeep",
};

/**
 * The first reason the deployment is not this project's system as the file describes it, or undefined: a contract
 * whose code is not its artifact's, or a link between the contracts (an immutable address) that points elsewhere.
 */
async function tamperedOrForeign(
  hre: HardhatRuntimeEnvironment,
  deployment: Deployment,
  codes: Partial<Record<ContractKey | "upkeep", string>>,
): Promise<string | undefined> {
  const c = deployment.contracts;
  // The links (one list, in contract-code, the audit's too): seats, council and policy against each other and the
  // timelock.
  const addresses = Object.fromEntries(CONTRACT_KEYS.map((k) => [k, c[k].address])) as Record<ContractKey, string>;
  const keys = recordedKeys(deployment).filter((k) => k !== "oracle" || deployment.oracleIsMock);
  // The code checks read local files only; the links are read one call at a time (see loadDeployment).
  for (const key of keys) {
    if (!(await isCompiledCode(hre, ARTIFACT_OF[key], codes[key]!))) {
      return `the code at ${c[key]!.address} (${key}) is not ${ARTIFACT_OF[key]} as compiled in this project`;
    }
  }
  const wiring = await checkWiring(hre.network.provider, addresses, "latest");
  if (wiring.length > 0) return wiring[0].message;
  const upkeepPolicy = c.upkeep
    ? await hre.ethers
        .getContractAt("HedgeUpkeep", c.upkeep.address)
        .then((upkeep) => upkeep.policy())
        .catch(() => "(no answer)")
    : undefined;
  if (upkeepPolicy !== undefined && !(isAddress(upkeepPolicy) && sameAddress(upkeepPolicy, c.policy.address))) {
    return `upkeep.policy() is ${upkeepPolicy}, not the policy ${c.policy.address} of the deployments file`;
  }
  return undefined;
}

/** What to do about a deployments file that does not describe the chain as it is. */
function restoreAdvice(hre: HardhatRuntimeEnvironment): string {
  return isLocalNetwork(hre)
    ? "restore the file, or deploy again with hedge:deploy --force"
    : "restore it from where it was kept, and send nothing before you know why it changed";
}

/**
 * Checks the file's block numbers against its deployment transactions' receipts (./deploy-receipts, the audit's
 * check too) and returns the block where the system's history begins: the first deployment transaction's. Refuses a
 * block number that is not its transaction's, a transaction that did not create the contract the file names or that
 * the chain does not hold, and a contract the deployment created whose transaction the file does not record. The
 * receipts are read at once; only the commands that read the chain's history pay for them (see openSystem).
 */
export async function checkDeploymentBlocks(
  hre: HardhatRuntimeEnvironment,
  deployment: Deployment,
  file: string,
): Promise<number> {
  const keys = recordedKeys(deployment);
  const { mismatches, firstBlock } = await checkDeploymentReceipts(
    hre.network.provider,
    deployment.contracts,
    keys,
    createdByDeployment(deployment, keys),
  );
  if (mismatches.length > 0) {
    throw new CliError(
      `deployments file ${displayPath(hre, file)}: ${mismatchText(mismatches[0], deployment.chainId)}; ${restoreAdvice(hre)}`,
    );
  }
  return firstBlock ?? 0;
}

/** The warning of a deployments file whose oracle is not the policy's (addresses checksummed here). */
function oracleWarning(fileOracle: string, policyOracle: string): string {
  return `warning: the deployments file's oracle ${getAddress(fileOracle)} is not the policy's (${getAddress(policyOracle)}): reading the policy's; the file predates a setOracle`;
}

/**
 * Loads the deployment and connects its contracts, read-only. By default the block numbers are checked against the
 * receipts (`checkDeploymentBlocks`) for `fromBlock`; a command that reads no history (hedge:oracle, hedge:sync)
 * passes `history: false` and gets the contracts alone.
 */
export async function openSystem(hre: HardhatRuntimeEnvironment, options?: { history?: true }): Promise<HedgeSystem>;
export async function openSystem(hre: HardhatRuntimeEnvironment, options: { history: false }): Promise<HedgeContracts>;
export async function openSystem(
  hre: HardhatRuntimeEnvironment,
  options: { history?: boolean } = {},
): Promise<HedgeContracts | HedgeSystem> {
  const { deployment, file, codes } = await loadDeployment(hre);
  const broken = await tamperedOrForeign(hre, deployment, codes);
  if (broken !== undefined) {
    throw new CliError(`${displayPath(hre, file)} is tampered or foreign: ${broken} (${restoreAdvice(hre)})`);
  }
  const fromBlock = options.history === false ? undefined : await checkDeploymentBlocks(hre, deployment, file);
  const c = deployment.contracts;
  const runner = hre.ethers.provider;
  const at = <T>(name: string, address: string) =>
    hre.ethers.getContractAt(name, address).then((contract) => contract.connect(runner) as unknown as T);
  const [council, policy, seats, timelock] = await Promise.all([
    at<HedgeCouncil>("HedgeCouncil", c.council.address),
    at<HedgePolicy>("HedgePolicy", c.policy.address),
    at<CouncilSeats>("CouncilSeats", c.seats.address),
    at<TimelockController>("TimelockController", c.timelock.address),
  ]);
  const upkeep = c.upkeep ? await at<HedgeUpkeep>("HedgeUpkeep", c.upkeep.address) : undefined;
  // The oracle is the policy's, read when a command first needs it; the warning is told once per command.
  let oracle: Promise<AggregatorV3Interface> | undefined;
  const policyOracle = async () => {
    const address = getAddress(await policy.oracle());
    if (!sameAddress(address, c.oracle.address)) sayError(oracleWarning(c.oracle.address, address));
    return at<AggregatorV3Interface>("AggregatorV3Interface", address);
  };
  return {
    deployment,
    file,
    chainId: deployment.chainId,
    council,
    policy,
    seats,
    timelock,
    oracle: () => (oracle ??= policyOracle()),
    ...(upkeep ? { upkeep } : {}),
    ...(fromBlock !== undefined ? { fromBlock } : {}),
  };
}

/** Checksummed address, for comparing and printing. */
export function sameAddress(a: string, b: string): boolean {
  return getAddress(a) === getAddress(b);
}

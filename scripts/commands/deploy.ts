// hedge:deploy — deploys the whole system through the one deployment path (`deploySystem`), records it in
// deployments/<network>.json and shows the resulting status.
import fs from "node:fs";

import { ZeroAddress, getAddress, isAddress } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { parseDuration, parseIntIn, parseVix } from "../lib/shell/args";
import { fmtDurationExact } from "../lib/format";
import { chainIdOf, isLocalNetwork } from "../lib/shell/network";
import { CliError, say } from "../lib/output";
import { resolveAccount, selectSigner } from "../lib/shell/signers";
import { minThreshold } from "../lib/council";
import {
  deploymentFile,
  displayPath,
  loadDeployment,
  openSystem,
  recordDeployment,
  requireWritable,
  writeDeployment,
} from "../lib/deployments";
import { printStatus } from "./status";
import type { CreWorkflow } from "../lib/deploy";

const DAY = 86_400;
const MAX_SEATS = 64;

export interface DeployArgs {
  seats: string;
  holders?: string;
  thresholds?: string;
  standardDelay?: string;
  criticalDelay?: string;
  minDelay?: string;
  proposalTtl?: string;
  gracePeriod?: string;
  oracle?: string;
  mockOracle: boolean;
  initialVix: string;
  from?: string;
  force: boolean;
  quiet: boolean;
  upkeep: boolean;
  creForwarder?: string;
  creWorkflowId?: string;
  creWorkflowOwner?: string;
  deterministic?: boolean;
  dryRun?: boolean;
}

/** Every value checked before anything is sent. */
let compiled = false;

async function deploy(args: DeployArgs, hre: HardhatRuntimeEnvironment) {
  // Like `hardhat run`: deploy what the sources say (a no-op when nothing changed; once per process).
  if (!compiled) await hre.run("compile", { quiet: true });
  compiled = true;
  const file = deploymentFile(hre);
  const cre = await parseCre(hre, args);
  // --upkeep on a live deployment adds the upkeep only: it uses none of the system's options, and its seat holders
  // are not resolved (the default --seats 5 needs six accounts, which a network with one key has not).
  if (args.upkeep && !args.force && (await isLive(hre, file))) {
    requireWritable(hre, file);
    return addUpkeep(hre, args, file, cre);
  }
  if (args.dryRun && !args.deterministic)
    throw new CliError(
      "--dry-run needs --deterministic: a plain deployment's addresses depend on the deployer's nonce",
    );
  if (args.deterministic && args.upkeep)
    throw new CliError("--deterministic deploys the core system only: add the upkeep afterwards with --upkeep");
  const holders = await resolveHolders(hre, args);
  const n = holders.length;
  const thresholds = args.thresholds ? parseThresholds(args.thresholds, n) : undefined;
  const standard = args.standardDelay !== undefined ? parseDuration("--standard-delay", args.standardDelay) : DAY;
  const critical = args.criticalDelay !== undefined ? parseDuration("--critical-delay", args.criticalDelay) : 3 * DAY;
  const minDelay = args.minDelay !== undefined ? parseDuration("--min-delay", args.minDelay) : standard;
  const proposalTtl = args.proposalTtl !== undefined ? parseDuration("--proposal-ttl", args.proposalTtl) : 7 * DAY;
  const gracePeriod = args.gracePeriod !== undefined ? parseDuration("--grace-period", args.gracePeriod) : 14 * DAY;
  if (standard < minDelay) {
    throw new CliError(
      `--standard-delay ${fmtDurationExact(standard)} is below the timelock's minimum delay ${fmtDurationExact(minDelay)}`,
    );
  }
  if (critical < standard) {
    throw new CliError(
      `--critical-delay ${fmtDurationExact(critical)} is below the Standard delay ${fmtDurationExact(standard)}`,
    );
  }
  for (const [flag, value] of [
    ["--proposal-ttl", proposalTtl],
    ["--grace-period", gracePeriod],
  ] as const) {
    if (value < 3_600 || value > 365 * DAY)
      throw new CliError(`${flag} ${fmtDurationExact(value)}: out of range, must be 1 h..365 d`);
  }
  const initialVix = parseVix("--initial-vix", args.initialVix);

  let oracle: string | undefined;
  if (args.oracle !== undefined) {
    oracle = await checkOracle(hre, args.oracle);
  } else if (!isLocalNetwork(hre) && !args.mockOracle) {
    throw new CliError(
      `--oracle is required on network "${hre.network.name}": give the Chainlink VIX feed (or --mock-oracle for a test network)`,
    );
  }

  if (!args.dryRun) requireWritable(hre, file);
  if (!args.dryRun && !args.force && (await isLive(hre, file))) {
    throw new CliError(
      `${displayPath(hre, file)} already records a deployment that is live on chain ${await chainIdOf(hre)}; pass --force to deploy a new system and replace the file`,
    );
  }

  const { signer, address, label } = await selectSigner(hre, args.from);
  const config = {
    seats: holders,
    thresholds,
    delays: { standard, critical },
    minDelay,
    proposalTtl,
    gracePeriod,
    oracle,
    initialVix,
    upkeep: args.upkeep,
    cre,
  };
  let system;
  if (args.deterministic) {
    const det = await import("../lib/deterministic");
    const plan = withConfigErrors(() => det.planDeterministic(config, address));
    const chainId = await chainIdOf(hre);
    const deployed = await det.deployedAlready(hre.ethers.provider, plan);
    if (args.dryRun) {
      printPlan(plan, chainId, deployed);
      return undefined;
    }
    say(`Deploying Hedge Council deterministically on network "${hre.network.name}" from ${label} with ${n} seats...`);
    printPlan(plan, chainId, deployed);
    system = await det.deployDeterministic(signer, plan, chainId, say);
  } else {
    const { deploySystem } = await import("../lib/deploy");
    say(`Deploying Hedge Council on network "${hre.network.name}" from ${label} with ${n} seats...`);
    system = await deploySystem(signer, config);
  }
  const deployment = await recordDeployment(hre, system, address, holders);
  writeDeployment(file, deployment);
  say(`Deployed; the deployer holds no role. Wrote ${displayPath(hre, file)}`);
  if (hre.network.name === "hardhat") {
    say(
      "  (the in-process hardhat network is gone when this process ends: use `npx hardhat node` and --network localhost to keep it)",
    );
  }
  if (!args.quiet) {
    say();
    await printStatus(hre, await openSystem(hre));
  }
  return deployment;
}

/** A configuration the contracts would refuse, in one line (resolveConfig's words). */
function withConfigErrors<T>(f: () => T): T {
  try {
    return f();
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError((error as Error).message);
  }
}

/** The deterministic addresses, as the dry run and the deployment print them. */
function printPlan(plan: import("../lib/deterministic").DeterministicPlan, chainId: number, deployed: boolean) {
  const a = plan.addresses;
  say(`Deterministic addresses on chain ${chainId} (the same on every chain for this configuration and code):`);
  say(`  system id    ${plan.systemId}`);
  say(`  factory      ${plan.singletonFactory} (Safe singleton factory)`);
  say(`  deployer     ${plan.deployer} (HedgeDeployer)`);
  say(`  oracle       ${plan.oracle.address}${plan.oracle.mock ? " (mock, placed by the singleton factory)" : ""}`);
  say(`  seats        ${a.seats}`);
  say(`  timelock     ${a.timelock}`);
  say(`  policy       ${a.policy}`);
  say(`  council      ${a.council}`);
  say(deployed ? "  already deployed on this chain" : "  not deployed on this chain yet");
}

/** Whether `file` exists and records a deployment that is live on the network (one loadDeployment accepts). */
async function isLive(hre: HardhatRuntimeEnvironment, file: string): Promise<boolean> {
  if (!fs.existsSync(file)) return false;
  return loadDeployment(hre).then(
    () => true,
    () => false,
  );
}

/** `--upkeep` on a live deployment: deploys a HedgeUpkeep for its policy and records it in the same file. */
async function addUpkeep(hre: HardhatRuntimeEnvironment, args: DeployArgs, file: string, cre?: CreWorkflow) {
  const { deployment } = await loadDeployment(hre);
  if (deployment.contracts.upkeep) {
    throw new CliError(
      `${displayPath(hre, file)} already records an upkeep at ${deployment.contracts.upkeep.address}; pass --force to deploy a new system`,
    );
  }
  const { signer, label } = await selectSigner(hre, args.from);
  const { deployUpkeep } = await import("../lib/deploy");
  const { upkeepRecord } = await import("../lib/deployments");
  say(`Deploying HedgeUpkeep for the policy ${deployment.contracts.policy.address} from ${label}...`);
  const { upkeep, transaction } = await deployUpkeep(signer, deployment.contracts.policy.address, cre);
  deployment.contracts.upkeep = await upkeepRecord(upkeep, transaction);
  writeDeployment(file, deployment);
  say(`Deployed HedgeUpkeep at ${deployment.contracts.upkeep.address}; wrote ${displayPath(hre, file)}`);
  say(
    cre
      ? `  it accepts CRE reports of workflow ${cre.workflowId} (owner ${cre.workflowOwner}) from ${cre.forwarder}`
      : "  CRE off (no --cre-forwarder): keep it in sync with an Automation registry or hedge:watch --sync",
  );
  say("  README: Running it unattended");
  return deployment;
}

/** The three `--cre-*` options: all or none, and only with --upkeep; the forwarder must be a contract. */
async function parseCre(hre: HardhatRuntimeEnvironment, args: DeployArgs): Promise<CreWorkflow | undefined> {
  const given = {
    "--cre-forwarder": args.creForwarder,
    "--cre-workflow-id": args.creWorkflowId,
    "--cre-workflow-owner": args.creWorkflowOwner,
  };
  const present = Object.entries(given).filter(([, v]) => v !== undefined);
  if (present.length === 0) return undefined;
  if (!args.upkeep) throw new CliError(`${present[0][0]} configures HedgeUpkeep: add --upkeep`);
  const missing = Object.entries(given).filter(([, v]) => v === undefined);
  if (missing.length > 0)
    throw new CliError(
      `${missing.map(([k]) => k).join(" and ")} missing: CRE needs the forwarder, the workflow id and its owner (or none of them: CRE off)`,
    );
  const forwarder = args.creForwarder!;
  const workflowId = args.creWorkflowId!;
  const workflowOwner = args.creWorkflowOwner!;
  if (!isAddress(forwarder)) throw new CliError(`--cre-forwarder ${forwarder}: not an address`);
  if (!/^0x[0-9a-fA-F]{64}$/.test(workflowId) || /^0x0{64}$/.test(workflowId))
    throw new CliError(`--cre-workflow-id ${workflowId}: not a workflow id (32 bytes, 0x and 64 hex digits, not zero)`);
  if (!isAddress(workflowOwner) || getAddress(workflowOwner) === ZeroAddress)
    throw new CliError(`--cre-workflow-owner ${workflowOwner}: not a non-zero address`);
  if ((await hre.ethers.provider.getCode(forwarder)) === "0x")
    throw new CliError(
      `--cre-forwarder ${forwarder}: no contract there on network "${hre.network.name}" (give Chainlink's KeystoneForwarder)`,
    );
  return {
    forwarder: getAddress(forwarder),
    workflowId: workflowId.toLowerCase(),
    workflowOwner: getAddress(workflowOwner),
  };
}

async function resolveHolders(hre: HardhatRuntimeEnvironment, args: DeployArgs): Promise<string[]> {
  let holders: string[];
  if (args.holders !== undefined) {
    const items = args.holders
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    if (items.length === 0) throw new CliError(`--holders ${JSON.stringify(args.holders)}: no seat holder given`);
    holders = [];
    for (const item of items) holders.push(await resolveAccount(hre, "--holders", item));
  } else {
    const count = parseIntIn("--seats", args.seats, 1, MAX_SEATS);
    const signers = await hre.ethers.getSigners();
    if (count + 1 > signers.length) {
      throw new CliError(
        `--seats ${count}: seats go to accounts 1..${count}, but network "${hre.network.name}" has ${signers.length} accounts; give --holders`,
      );
    }
    holders = signers.slice(1, count + 1).map((s) => s.address);
  }
  if (holders.length > MAX_SEATS)
    throw new CliError(`--holders: ${holders.length} holders, at most ${MAX_SEATS} seats exist`);
  const seen = new Set<string>();
  for (const h of holders) {
    const a = getAddress(h);
    if (seen.has(a)) throw new CliError(`--holders: ${a} is listed twice (one seat per address)`);
    if (a === "0x0000000000000000000000000000000000000000")
      throw new CliError("--holders: the zero address cannot hold a seat");
    seen.add(a);
  }
  return holders.map((h) => getAddress(h));
}

function parseThresholds(text: string, n: number) {
  const parts = text.split(",").map((s) => s.trim());
  if (parts.length !== 4) throw new CliError(`--thresholds ${text}: expected four numbers fast,standard,critical,veto`);
  const [fast, standard, critical, veto] = parts.map((p) =>
    parseIntIn("--thresholds", p, 1, n, `(the number of seats is ${n})`),
  );
  if (!(minThreshold(n) <= fast && fast <= standard && standard <= critical)) {
    throw new CliError(
      `--thresholds ${text}: must satisfy min(2, seats) = ${minThreshold(n)} <= fast <= standard <= critical <= ${n} seats (no single seat acts alone)`,
    );
  }
  return { fast, standard, critical, veto };
}

/** Checks that `--oracle` is a contract answering like a Chainlink feed. */
async function checkOracle(hre: HardhatRuntimeEnvironment, value: string): Promise<string> {
  if (!isAddress(value)) throw new CliError(`--oracle ${value}: not an address`);
  const address = getAddress(value);
  if ((await hre.ethers.provider.getCode(address)) === "0x")
    throw new CliError(`--oracle ${address}: no contract there`);
  const feed = await hre.ethers.getContractAt("MockV3Aggregator", address);
  try {
    await feed.decimals();
    await feed.latestRoundData();
  } catch {
    throw new CliError(`--oracle ${address}: does not answer decimals() and latestRoundData() like a Chainlink feed`);
  }
  return address;
}

export default deploy;

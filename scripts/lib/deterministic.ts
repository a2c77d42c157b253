// `hedge:deploy --deterministic`: the same addresses on every chain for a given configuration, whoever deploys.
//
// The path: the Safe singleton factory (SINGLETON_FACTORY, one address on most chains; where it is missing it is
// deployed from the signed transaction of @safe-global/safe-singleton-factory) places the HedgeDeployer with CREATE2
// (salt zero), and the HedgeDeployer creates the four core contracts in one call, CREATE3-style, at addresses that
// derive from a hash of the configuration and of the four creation codes (contracts/HedgeDeployer.sol says why
// nobody can occupy them with other code or other arguments). A mock oracle is placed by the singleton factory with
// CREATE2 too, under a salt from the seat holders, so that its address (and with it the policy's constructor
// arguments) is the same on every chain.
//
// `planDeterministic` computes everything offline (the dry run prints it); `deployDeterministic` sends it. This
// module imports TypeChain factories, which exist only after `hardhat compile`: the command loads it lazily.
import {
  AbiCoder,
  ZeroHash,
  concat,
  getAddress,
  getCreate2Address,
  getCreateAddress,
  keccak256,
  type Provider,
  type Signer,
  type TransactionResponse,
} from "ethers";
import { getSingletonFactoryInfo } from "@safe-global/safe-singleton-factory";

import {
  CouncilSeats__factory,
  HedgeCouncil__factory,
  HedgeDeployer__factory,
  HedgePolicy__factory,
  MockV3Aggregator__factory,
  TimelockController__factory,
} from "../../typechain-types";
import type { HedgeDeployer } from "../../typechain-types";
import {
  checkWiring,
  rememberDeployment,
  resolveConfig,
  vixToAnswer,
  type CoreContract,
  type System,
  type SystemConfig,
} from "./deploy";
import { CliError } from "./output";

/** The Safe singleton factory: CREATE2 with the first 32 bytes of the calldata as the salt, the rest as init code. */
export const SINGLETON_FACTORY = "0x914d7Fec6aaC8cd542e72Bca78B30650d45643d7";
/** The HedgeDeployer's salt at the singleton factory. */
export const DEPLOYER_SALT = ZeroHash;
/** Solady's CREATE3 proxy, as HedgeDeployer places it. */
const PROXY_INITCODE = "0x67363d3d37363d34f03d5260086018f3";

const coder = AbiCoder.defaultAbiCoder();

/** Where the HedgeDeployer of this build lives on every chain that has the singleton factory. */
export function hedgeDeployerAddress(): string {
  return getCreate2Address(SINGLETON_FACTORY, DEPLOYER_SALT, keccak256(HedgeDeployer__factory.bytecode));
}

export interface DeterministicPlan {
  singletonFactory: string;
  deployer: string;
  systemId: string;
  addresses: Record<Exclude<CoreContract, "oracle">, string>;
  /** The oracle: given, or a mock placed by the singleton factory at `address` (salt and init code given). */
  oracle: { address: string; mock: false } | { address: string; mock: true; salt: string; initCode: string };
  config: HedgeDeployer.SystemConfigStruct;
  code: HedgeDeployer.SystemCodeStruct;
  settings: ReturnType<typeof resolveConfig>;
}

/**
 * Everything a deterministic deployment of `config` will do, computed offline: the system id and the addresses.
 * Throws (before anything is sent) on a configuration the contracts would refuse.
 */
export function planDeterministic(config: SystemConfig, from: string): DeterministicPlan {
  if (config.upkeep) throw new CliError("--deterministic deploys the core system only: add the upkeep afterwards");
  const settings = resolveConfig(config, from);
  const { thresholds, delays, minDelay, proposalTtl, gracePeriod, policyValues } = settings;
  const holders = config.seats.map((s) => getAddress(s));
  let oracle: DeterministicPlan["oracle"];
  if (config.oracle) {
    oracle = { address: getAddress(config.oracle), mock: false };
  } else {
    const initCode = concat([
      MockV3Aggregator__factory.bytecode,
      coder.encode(["uint8", "int256"], [8, vixToAnswer(config.initialVix ?? 1500)]),
    ]);
    const salt = keccak256(coder.encode(["string", "address[]"], ["hedge-council/mock-oracle", holders]));
    oracle = { address: getCreate2Address(SINGLETON_FACTORY, salt, keccak256(initCode)), mock: true, salt, initCode };
  }
  const systemConfig: HedgeDeployer.SystemConfigStruct = {
    holders,
    policy: policyValues,
    oracle: oracle.address,
    minDelay,
    thresholds: [thresholds.fast, thresholds.standard, thresholds.critical, thresholds.veto],
    delays: [delays.standard, delays.critical],
    proposalTtl,
    gracePeriod,
  };
  const code: HedgeDeployer.SystemCodeStruct = {
    seats: CouncilSeats__factory.bytecode,
    timelock: TimelockController__factory.bytecode,
    policy: HedgePolicy__factory.bytecode,
    council: HedgeCouncil__factory.bytecode,
  };
  const inputs = HedgeDeployer__factory.createInterface().getFunction("systemIdOf")!.inputs;
  const systemId = keccak256(
    coder.encode(
      [inputs[0], "bytes32", "bytes32", "bytes32", "bytes32"],
      [systemConfig, keccak256(code.seats), keccak256(code.timelock), keccak256(code.policy), keccak256(code.council)],
    ),
  );
  const deployer = hedgeDeployerAddress();
  const at = (index: number) => {
    const salt = keccak256(coder.encode(["bytes32", "uint256"], [systemId, index]));
    return getCreateAddress({ from: getCreate2Address(deployer, salt, keccak256(PROXY_INITCODE)), nonce: 1 });
  };
  return {
    singletonFactory: SINGLETON_FACTORY,
    deployer,
    systemId,
    addresses: { seats: at(0), timelock: at(1), policy: at(2), council: at(3) },
    oracle,
    config: systemConfig,
    code,
    settings,
  };
}

/** Whether the plan's system is on the chain already (any of its four addresses holds code). */
export async function deployedAlready(provider: Provider, plan: DeterministicPlan): Promise<boolean> {
  for (const address of Object.values(plan.addresses)) if ((await provider.getCode(address)) !== "0x") return true;
  return false;
}

/**
 * Refuses, before anything is sent, a chain where the singleton factory is missing and the package has no signed
 * deployment for it.
 */
export async function checkSingletonFactory(provider: Provider, chainId: number): Promise<void> {
  if ((await provider.getCode(SINGLETON_FACTORY)) !== "0x") return;
  if (getSingletonFactoryInfo(chainId) === undefined) {
    throw new CliError(
      `chain ${chainId} has no Safe singleton factory at ${SINGLETON_FACTORY} and @safe-global/safe-singleton-factory has no signed deployment for it: have it deployed (github.com/safe-global/safe-singleton-factory), or deploy without --deterministic`,
    );
  }
}

/**
 * Deploys the singleton factory where it is missing, from the package's signed transaction (its signer funded by
 * `signer` with exactly the gas it pays). Returns whether it did.
 */
export async function ensureSingletonFactory(signer: Signer, chainId: number): Promise<boolean> {
  const provider = signer.provider!;
  if ((await provider.getCode(SINGLETON_FACTORY)) !== "0x") return false;
  const info = getSingletonFactoryInfo(chainId);
  if (!info) return checkSingletonFactory(provider, chainId).then(() => false);
  const cost = BigInt(info.gasPrice) * BigInt(info.gasLimit);
  const balance = await provider.getBalance(info.signerAddress);
  if (balance < cost) await (await signer.sendTransaction({ to: info.signerAddress, value: cost - balance })).wait();
  const receipt = await (await provider.broadcastTransaction(info.transaction)).wait();
  // Read at the receipt's block: a request identical to the one above may be answered from ethers' request cache.
  if ((await provider.getCode(SINGLETON_FACTORY, receipt!.blockNumber)) === "0x")
    throw new Error(`the singleton factory's signed deployment did not create ${SINGLETON_FACTORY}`);
  return true;
}

/** Places the HedgeDeployer through the singleton factory where it is missing. Returns whether it did. */
export async function ensureHedgeDeployer(signer: Signer): Promise<boolean> {
  const provider = signer.provider!;
  const address = hedgeDeployerAddress();
  if ((await provider.getCode(address)) !== "0x") return false;
  const receipt = await (
    await signer.sendTransaction({
      to: SINGLETON_FACTORY,
      data: concat([DEPLOYER_SALT, HedgeDeployer__factory.bytecode]),
    })
  ).wait();
  if ((await provider.getCode(address, receipt!.blockNumber)) === "0x")
    throw new Error(`the singleton factory did not create ${address}`);
  return true;
}

/**
 * Sends the plan from `signer`: the singleton factory and the HedgeDeployer where missing, the mock oracle, then the
 * system in one HedgeDeployer call; checks the wiring and remembers the record (`deploymentRecord`). Refuses a
 * system deployed already, in one line, before sending anything.
 */
export async function deployDeterministic(
  signer: Signer,
  plan: DeterministicPlan,
  chainId: number,
  say: (line: string) => void = () => {},
): Promise<System> {
  const provider = signer.provider!;
  const from = await signer.getAddress();
  if (await deployedAlready(provider, plan)) {
    throw new CliError(
      `this configuration is already deployed on chain ${chainId} at council ${plan.addresses.council} (system ${plan.systemId}); nothing was sent`,
    );
  }
  let oracleTx: TransactionResponse | null = null;
  if (plan.oracle.mock && (await provider.getCode(plan.oracle.address)) !== "0x") {
    throw new CliError(
      `the mock oracle's address ${plan.oracle.address} is taken already on chain ${chainId} but the system is not there: give --oracle ${plan.oracle.address}`,
    );
  }
  await checkSingletonFactory(provider, chainId);
  if (await ensureSingletonFactory(signer, chainId))
    say(`  deployed the Safe singleton factory at ${SINGLETON_FACTORY}`);
  if (await ensureHedgeDeployer(signer)) say(`  placed the HedgeDeployer at ${plan.deployer}`);
  if (plan.oracle.mock) {
    oracleTx = await signer.sendTransaction({
      to: SINGLETON_FACTORY,
      data: concat([plan.oracle.salt, plan.oracle.initCode]),
    });
    const receipt = await oracleTx.wait();
    if ((await provider.getCode(plan.oracle.address, receipt!.blockNumber)) === "0x")
      throw new Error(`the singleton factory did not create the mock oracle at ${plan.oracle.address}`);
  }
  const deployer = HedgeDeployer__factory.connect(plan.deployer, signer);
  let tx;
  try {
    tx = await deployer.deploySystem(plan.config, plan.code);
    await tx.wait();
  } catch (error) {
    // Someone sent the same call first (a front-runner can only deploy this very system): say so in one line.
    if (await deployedAlready(provider, plan))
      throw new CliError(
        `this configuration was deployed on chain ${chainId} by another transaction meanwhile, at council ${plan.addresses.council}: the same system; nothing more was sent`,
      );
    throw error;
  }
  const a = plan.addresses;
  const system: System = {
    seats: CouncilSeats__factory.connect(a.seats, signer),
    timelock: TimelockController__factory.connect(a.timelock, signer),
    policy: HedgePolicy__factory.connect(a.policy, signer),
    council: HedgeCouncil__factory.connect(a.council, signer),
    oracle: MockV3Aggregator__factory.connect(plan.oracle.address, signer),
  };
  await checkWiring(system, from);
  const { thresholds, delays, minDelay, proposalTtl, gracePeriod } = plan.settings;
  rememberDeployment(system, {
    thresholds,
    delays,
    minDelay,
    proposalTtl,
    gracePeriod,
    oracleDeployed: oracleTx !== null,
    transactions: { oracle: oracleTx, seats: tx, timelock: tx, policy: tx, council: tx },
    factories: {
      ...(oracleTx ? { oracle: SINGLETON_FACTORY } : {}),
      seats: plan.deployer,
      timelock: plan.deployer,
      policy: plan.deployer,
      council: plan.deployer,
    },
    deterministic: { singletonFactory: SINGLETON_FACTORY, deployer: plan.deployer, systemId: plan.systemId },
  });
  return system;
}

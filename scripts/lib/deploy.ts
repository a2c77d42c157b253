// The one deployment path of Hedge Council, used by `hedge:deploy`, the demo, the tests and the benchmarks.
//
// Order: [mock oracle], CouncilSeats, TimelockController, HedgePolicy, HedgeCouncil, [HedgeUpkeep]. The four core contracts
// reference each other, so their addresses are computed up front from the deployer's nonce; the timelock is born
// with the council as its only proposer, canceller and executor and no admin, so no externally owned account ever
// holds a role. `deploySystem` checks all of that before it returns.
//
// This module imports TypeChain factories, which exist only after `hardhat compile`: tasks load it lazily.
import {
  ZeroAddress,
  ZeroHash,
  getCreateAddress,
  isAddress,
  type ContractTransactionResponse,
  type Signer,
  type TransactionResponse,
} from "ethers";

import {
  CouncilSeats__factory,
  HedgeCouncil__factory,
  HedgePolicy__factory,
  HedgeUpkeep__factory,
  MockV3Aggregator__factory,
  TimelockController__factory,
  type CouncilSeats,
  type HedgeCouncil,
  type HedgePolicy,
  type HedgeUpkeep,
  type MockV3Aggregator,
  type TimelockController,
} from "../../typechain-types";
import { defaultThresholds, minThreshold, type Thresholds } from "./council";
import { defaultPolicy, policyViolation, type PolicyValues } from "./policy";

export const DAY = 86_400;

export type { Thresholds };

export interface SystemConfig {
  /** Initial seat holders, given seats 1..n in order. */
  seats: string[];
  /** Defaults for N seats: Standard ⌊N/2⌋+1, Critical ⌈2N/3⌉ (at least Standard), Fast max(min(2, N), Standard−1), veto max(1, ⌈N/3⌉). */
  thresholds?: Thresholds;
  /** Seconds. Defaults: Standard 1 day, Critical 3 days. */
  delays?: { standard: number; critical: number };
  /** The timelock's minimum delay in seconds; defaults to the Standard delay. */
  minDelay?: number;
  /** Seconds a proposal may wait to be queued; default 7 days. */
  proposalTtl?: number;
  /** Seconds a queued proposal may wait after its eta; default 14 days. */
  gracePeriod?: number;
  /** The initial policy; default ALVH 4/4/2. */
  policy?: PolicyValues;
  /** An existing Chainlink VIX feed; absent: deploy a MockV3Aggregator (8 decimals). */
  oracle?: string;
  /** The mock's first answer in VIX hundredths; default 1500 (VIX 15.00). */
  initialVix?: number;
  /** Also deploy a HedgeUpkeep (Chainlink Automation's entry point to syncLayers) for the policy; default false. */
  upkeep?: boolean;
  /** The CRE workflow the upkeep accepts reports of (with `upkeep`); absent: CRE off, `onReport` refuses all. */
  cre?: CreWorkflow;
}

/** What a HedgeUpkeep's `onReport` accepts: reports of one CRE workflow, delivered by one KeystoneForwarder. */
export interface CreWorkflow {
  /** Chainlink's KeystoneForwarder on this chain. */
  forwarder: string;
  /** The workflow's id, 32 bytes. */
  workflowId: string;
  /** The workflow's owner. */
  workflowOwner: string;
}

export interface System {
  seats: CouncilSeats;
  council: HedgeCouncil;
  timelock: TimelockController;
  policy: HedgePolicy;
  /** The mock when one was deployed; otherwise the given feed, typed as the mock for its read functions. */
  oracle: MockV3Aggregator;
  /** Present when deployed with `upkeep: true`: the keeper entry point to `syncLayers` (it holds no role). */
  upkeep?: HedgeUpkeep;
}

/** The contracts every system has (the upkeep is optional). */
export type CoreContract = Exclude<keyof System, "upkeep">;

/** Everything `deploySystem` settled on, plus the deployment transactions: what `deployments/<network>.json` records. */
export interface DeploymentRecord {
  thresholds: Thresholds;
  delays: { standard: number; critical: number };
  minDelay: number;
  proposalTtl: number;
  gracePeriod: number;
  oracleDeployed: boolean;
  /** A transaction may have created several contracts through a factory (`factories`). */
  transactions: Record<CoreContract, TransactionResponse | null> & { upkeep?: ContractTransactionResponse };
  /** The factory each contract was created through, when it was (./deterministic). */
  factories?: Partial<Record<CoreContract, string>>;
  /** A deterministic deployment's factory, deployer and system id (./deterministic). */
  deterministic?: { singletonFactory: string; deployer: string; systemId: string };
}

/** The default thresholds for `n` seats and the lowest any tier may have (min(2, n)): ./council. */
export { defaultThresholds, minThreshold };

/** Converts VIX hundredths into the mock's 8-decimal answer (1500 → 15_00000000). */
export function vixToAnswer(vixHundredths: number | bigint): bigint {
  return BigInt(vixHundredths) * 10n ** 6n;
}

const lastRecords = new WeakMap<System, DeploymentRecord>();

/** The settings and transactions of a system deployed by `deploySystem` in this process. */
export function deploymentRecord(system: System): DeploymentRecord {
  const record = lastRecords.get(system);
  if (!record) throw new Error("this system was not deployed by deploySystem in this process");
  return record;
}

/** Records the settings and transactions of a system deployed in this process another way (./deterministic). */
export function rememberDeployment(system: System, record: DeploymentRecord): void {
  lastRecords.set(system, record);
}

/**
 * Deploys and wires the whole system from `deployer`, leaving the deployer with nothing, and checks the wiring.
 * Throws (before sending anything) on a configuration the contracts would refuse.
 */
export async function deploySystem(deployer: Signer, config: SystemConfig): Promise<System> {
  const from = await deployer.getAddress();
  const settings = resolveConfig(config, from);
  const { thresholds, delays, minDelay, proposalTtl, gracePeriod, policyValues } = settings;

  let oracleTx: ContractTransactionResponse | null = null;
  let oracleAddress = config.oracle;
  if (!oracleAddress) {
    const mock = await new MockV3Aggregator__factory(deployer).deploy(8, vixToAnswer(config.initialVix ?? 1500));
    oracleTx = mock.deploymentTransaction();
    await mock.waitForDeployment();
    oracleAddress = await mock.getAddress();
  }

  const nonce = await deployer.getNonce("pending");
  const seatsAddress = getCreateAddress({ from, nonce });
  const timelockAddress = getCreateAddress({ from, nonce: nonce + 1 });
  const policyAddress = getCreateAddress({ from, nonce: nonce + 2 });
  const councilAddress = getCreateAddress({ from, nonce: nonce + 3 });

  const seats = await new CouncilSeats__factory(deployer).deploy(timelockAddress, councilAddress, config.seats, {
    nonce,
  });
  const timelock = await new TimelockController__factory(deployer).deploy(
    minDelay,
    [councilAddress],
    [councilAddress],
    ZeroAddress,
    { nonce: nonce + 1 },
  );
  const policy = await new HedgePolicy__factory(deployer).deploy(
    policyValues,
    timelockAddress,
    councilAddress,
    oracleAddress,
    { nonce: nonce + 2 },
  );
  // The council's constructor reads the seats, so it is sent once they are mined. On a chain that mines on an
  // interval its gas estimate would otherwise need the node's pending state, and a node that estimates against the
  // latest block finds no code at the seats' address and refuses it, after the first three contracts went out. It
  // costs at most one block.
  await seats.waitForDeployment();
  const council = await new HedgeCouncil__factory(deployer).deploy(
    seatsAddress,
    timelockAddress,
    policyAddress,
    [thresholds.fast, thresholds.standard, thresholds.critical, thresholds.veto],
    [delays.standard, delays.critical],
    proposalTtl,
    gracePeriod,
    { nonce: nonce + 3 },
  );
  await Promise.all([seats, timelock, policy, council].map((c) => c.waitForDeployment()));

  const system: System = {
    seats,
    council,
    timelock,
    policy,
    oracle: MockV3Aggregator__factory.connect(oracleAddress, deployer),
  };
  await checkWiring(system, from);
  let upkeepTx: ContractTransactionResponse | undefined;
  if (config.upkeep)
    ({ upkeep: system.upkeep, transaction: upkeepTx } = await deployUpkeep(deployer, policyAddress, config.cre));
  lastRecords.set(system, {
    thresholds,
    delays,
    minDelay,
    proposalTtl,
    gracePeriod,
    oracleDeployed: oracleTx !== null,
    transactions: {
      oracle: oracleTx,
      seats: seats.deploymentTransaction(),
      timelock: timelock.deploymentTransaction(),
      policy: policy.deploymentTransaction(),
      council: council.deploymentTransaction(),
      ...(upkeepTx ? { upkeep: upkeepTx } : {}),
    },
  });
  return system;
}

/**
 * Deploys a HedgeUpkeep for the policy at `policy` (with a new system, or later for an existing one) and checks that
 * it points at that policy. The upkeep holds no role: anyone, a Chainlink Automation registry included, may call it.
 * With `cre`, its `onReport` accepts that workflow's reports from that forwarder; without, CRE is off (all zero).
 */
export async function deployUpkeep(
  deployer: Signer,
  policy: string,
  cre?: CreWorkflow,
): Promise<{ upkeep: HedgeUpkeep; transaction: ContractTransactionResponse }> {
  const { forwarder, workflowId, workflowOwner } = cre ?? {
    forwarder: ZeroAddress,
    workflowId: ZeroHash,
    workflowOwner: ZeroAddress,
  };
  const upkeep = await new HedgeUpkeep__factory(deployer).deploy(policy, forwarder, workflowId, workflowOwner);
  await upkeep.waitForDeployment();
  if ((await upkeep.policy()).toLowerCase() !== policy.toLowerCase())
    throw new Error("deployment wiring broken: HedgeUpkeep.policy is not HedgePolicy");
  const recorded = [await upkeep.forwarder(), await upkeep.workflowId(), await upkeep.workflowOwner()];
  if (recorded.join().toLowerCase() !== [forwarder, workflowId, workflowOwner].join().toLowerCase())
    throw new Error("deployment wiring broken: HedgeUpkeep's CRE forwarder or workflow is not the one given");
  return { upkeep, transaction: upkeep.deploymentTransaction()! };
}

/** The configuration with its defaults filled in; throws with the broken rule, before anything is sent. */
export function resolveConfig(config: SystemConfig, deployer: string) {
  const n = config.seats.length;
  const fail = (why: string): never => {
    throw new Error(`invalid system configuration: ${why}`);
  };
  if (n === 0) fail("at least one seat holder is needed");
  if (n > 64) fail(`${n} seats; at most 64 seats are ever minted`);
  const holders = new Set<string>();
  for (const seat of config.seats) {
    if (!isAddress(seat) || seat === ZeroAddress) fail(`seat holder ${seat} is not an address`);
    if (holders.has(seat.toLowerCase())) fail(`seat holder ${seat} appears twice (one seat per address)`);
    holders.add(seat.toLowerCase());
  }
  if (holders.has(deployer.toLowerCase())) fail(`the deployer ${deployer} cannot hold a seat: it keeps nothing`);

  const thresholds = config.thresholds ?? defaultThresholds(n);
  const delays = config.delays ?? { standard: DAY, critical: 3 * DAY };
  const minDelay = config.minDelay ?? delays.standard;
  const proposalTtl = config.proposalTtl ?? 7 * DAY;
  const gracePeriod = config.gracePeriod ?? 14 * DAY;
  const policyValues = config.policy ?? defaultPolicy();

  const { fast, standard, critical, veto } = thresholds;
  if (!(fast >= minThreshold(n) && fast <= standard && standard <= critical && critical <= n))
    fail(
      `thresholds ${fast}/${standard}/${critical} must satisfy ${minThreshold(n)} <= Fast <= Standard <= Critical <= ` +
        `${n} seats (no seat acts alone once there are two)`,
    );
  if (!(veto >= 1 && veto <= n)) fail(`veto threshold ${veto} must be within 1..${n} seats`);
  if (minDelay < 0) fail(`timelock minimum delay ${minDelay} is negative`);
  if (delays.standard < minDelay)
    fail(`Standard delay ${delays.standard} s is below the timelock's minimum ${minDelay} s`);
  if (delays.critical < delays.standard)
    fail(`Critical delay ${delays.critical} s is below the Standard delay ${delays.standard} s`);
  for (const [name, value] of [
    ["proposal TTL", proposalTtl],
    ["grace period", gracePeriod],
  ] as const) {
    if (value < 3_600 || value > 365 * DAY) fail(`${name} ${value} s is outside 1 hour..365 days`);
  }
  const violation = policyViolation(policyValues);
  if (violation) fail(`initial policy: ${violation}`);
  if (config.oracle !== undefined && !isAddress(config.oracle)) fail(`oracle ${config.oracle} is not an address`);
  return { thresholds, delays, minDelay, proposalTtl, gracePeriod, policyValues };
}

/**
 * Checks every link between the contracts and that `deployer` holds nothing anywhere; throws naming the first
 * broken link.
 */
export async function checkWiring(system: System, deployer: string): Promise<void> {
  const { seats, council, timelock, policy } = system;
  const [seatsAddress, councilAddress, timelockAddress, policyAddress] = await Promise.all(
    [seats, council, timelock, policy].map((c) => c.getAddress()),
  );
  const expect = (ok: boolean, what: string) => {
    if (!ok) throw new Error(`deployment wiring broken: ${what}`);
  };
  const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

  expect(same(await seats.governance(), timelockAddress), "CouncilSeats.governance is not the timelock");
  expect(same(await seats.council(), councilAddress), "CouncilSeats.council is not the council");
  expect(same(await council.seats(), seatsAddress), "HedgeCouncil.seats is not CouncilSeats");
  expect(same(await council.timelock(), timelockAddress), "HedgeCouncil.timelock is not the timelock");
  expect(same(await council.hedgePolicy(), policyAddress), "HedgeCouncil.hedgePolicy is not HedgePolicy");
  expect(same(await policy.governance(), timelockAddress), "HedgePolicy.governance is not the timelock");
  expect(same(await policy.steward(), councilAddress), "HedgePolicy.steward is not the council");

  const roles = {
    admin: await timelock.DEFAULT_ADMIN_ROLE(),
    proposer: await timelock.PROPOSER_ROLE(),
    canceller: await timelock.CANCELLER_ROLE(),
    executor: await timelock.EXECUTOR_ROLE(),
  };
  for (const [name, role] of Object.entries(roles)) {
    expect(!(await timelock.hasRole(role, deployer)), `the deployer holds the timelock's ${name} role`);
    expect(!(await timelock.hasRole(role, ZeroAddress)), `the timelock's ${name} role is open to anyone`);
  }
  expect(await timelock.hasRole(roles.admin, timelockAddress), "the timelock does not administer itself");
  for (const name of ["proposer", "canceller", "executor"] as const) {
    expect(await timelock.hasRole(roles[name], councilAddress), `the council lacks the timelock's ${name} role`);
  }
}

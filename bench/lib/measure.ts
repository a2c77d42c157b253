// Gas measurement of Hedge Council against its anchor, Safe 1.5.0 + OpenZeppelin TimelockController, on one chain.
// Shared by `npm run bench` (prints the table, writes bench/gas.json) and the snapshot test (compares with it).
//
// Every shape applies the same change: the default 4/4/2 policy with coverage raised from 2,500 to 3,000 bps, as the
// same `setPolicy` calldata on an identical HedgePolicy. The council's proposals carry an EMPTY description, as the
// anchor's timelock operations carry no text: what a description costs is measured apart, as the same lifecycle with
// a 200-character one (`describedLifecycle`). Each signature names its seat and a deadline 7 days ahead
// (DEFAULT_VALID_FOR_SECONDS), as `hedge:sign` makes them. Then each adds a member: a seat minted through the council's
// Critical tier, against an owner added to the Safe through the timelock (the timelock is a module of the Safe for
// that: `addOwnerWithThreshold` only runs when the Safe calls itself).
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { ZeroAddress, ZeroHash, type Signer } from "ethers";
import SafeArtifact from "@safe-global/safe-smart-account/build/artifacts/contracts/Safe.sol/Safe.json";
import SafeProxyFactoryArtifact from "@safe-global/safe-smart-account/build/artifacts/contracts/proxies/SafeProxyFactory.sol/SafeProxyFactory.json";

import { encode } from "../../scripts/lib/council";
import { measureKeeper, type KeeperGas } from "./keeper";
import { DAY, deploySystem, minThreshold, type System } from "../../scripts/lib/deploy";
import { defaultPolicy } from "../../scripts/lib/policy";
import { Tier } from "../../scripts/lib/proposals";
import { DEFAULT_VALID_FOR_SECONDS, signApproval, type SeatSignature } from "../../scripts/lib/signing";

export const SHAPES = [
  { name: "1-of-1", k: 1, n: 1 },
  { name: "2-of-3", k: 2, n: 3 },
  { name: "3-of-5", k: 3, n: 5 },
  { name: "5-of-9", k: 5, n: 9 },
] as const;

export type ShapeName = (typeof SHAPES)[number]["name"];

export interface ShapeGas {
  /** Hedge Council via `submit` + `execute`, with an empty description. */
  submitLifecycle: number;
  /** The same lifecycle with a 200-character description (DESCRIBED): what the rationale on chain costs. */
  describedLifecycle: number;
  /** Hedge Council via `propose`, k − 1 `approve`, `queue`, `execute`. */
  onchainLifecycle: number;
  /** A Fast-tier coverage nudge via `submit` (executes at once). */
  fastNudge: number;
  /** Safe `execTransaction(timelock.schedule)` + `execTransaction(timelock.execute)`. */
  anchorLifecycle: number;
  /** (this shape's submit lifecycle − the previous shape's) / (k − previous k); 0 for the first shape. */
  perExtraSigner: number;
  /** The same for the anchor. */
  anchorPerExtraSigner: number;
  /** A seat minted through the Critical tier: `submit` by the Critical threshold of signers + `execute`. */
  seatChangeLifecycle: number;
  /** The anchor's owner change: `addOwnerWithThreshold` scheduled and executed through the timelock by the Safe. */
  anchorOwnerChangeLifecycle: number;
  /** `CouncilSeats.mint` alone, sent by the timelock: one more seat on a council of this shape's seats. */
  seatMint: number;
  /** `CouncilSeats.burn` alone, sent by the timelock: that seat burned again. */
  seatBurn: number;
}

export interface GasReport {
  shapes: Record<ShapeName, ShapeGas>;
  /** The submit and execute transactions of each shape, and the system they ran on (for the gas breakdown). */
  lifecycles: Record<ShapeName, { hashes: { submit: string; execute: string }; system: System }>;
  /** Per-transaction detail, for the printed table. */
  transactions: Record<ShapeName, Record<string, number[]>>;
  /** How many signers the seat change's `submit` carries (the Critical threshold). */
  criticalSigners: Record<ShapeName, number>;
  bytecode: Record<string, number>;
  deployment: Record<string, number>;
  /** The keeper paths to syncLayers: direct, performUpkeep, a CRE report (./keeper). */
  keeper: KeeperGas;
  /** The Pyth path: HedgeUpkeep.updateAndSync over Pyth's MockPyth (which skips the real contract's signature checks). */
  pyth: Record<string, number>;
}

const EIP170_LIMIT = 24_576;
export { EIP170_LIMIT };

/** The benchmark's proposals carry no rationale: the empty description (its hash is keccak256 of no bytes). */
export const EMPTY_DESCRIPTION = "";

/** A 200-character description (ASCII, so 200 bytes), to measure what a rationale costs. */
export const DESCRIBED = (
  "Raise the coverage from 25 % to 30 % of the condor's notional: the VIX term structure flattened this week, " +
  "so the desk wants more protection before the event. Approved by the risk committee."
).padEnd(200, ".");
if (DESCRIBED.length !== 200) throw new Error(`the benchmark's description has ${DESCRIBED.length} characters`);

function tightenedPolicy() {
  const next = defaultPolicy();
  next.coverageBps = 3_000;
  return next;
}

async function gasOf(tx: Promise<{ wait(): Promise<{ gasUsed: bigint } | null> }>): Promise<number> {
  const receipt = await (await tx).wait();
  if (!receipt) throw new Error("no receipt");
  return Number(receipt.gasUsed);
}

async function advance(hre: HardhatRuntimeEnvironment, seconds: number) {
  await hre.network.provider.send("evm_increaseTime", [seconds]);
  await hre.network.provider.send("evm_mine", []);
}

/** A signer for `address` (a contract of the system) on the in-process network, with ether for gas. */
async function impersonate(hre: HardhatRuntimeEnvironment, address: string): Promise<Signer> {
  await hre.network.provider.send("hardhat_setBalance", [address, "0xde0b6b3a7640000"]);
  return hre.ethers.getImpersonatedSigner(address);
}

async function councilRun(
  hre: HardhatRuntimeEnvironment,
  deployer: Signer,
  holders: Signer[],
  k: number,
  newHolders: [string, string],
) {
  const { ethers } = hre;
  const addresses = await Promise.all(holders.map((h) => h.getAddress()));
  const chainId = (await ethers.provider.getNetwork()).chainId;

  /** Each of the first `count` holders signs `id` as its current seat, valid for the default 7 days. */
  const signAll = async (system: System, id: string, count: number): Promise<SeatSignature[]> => {
    const council = await system.council.getAddress();
    const latest = await ethers.provider.getBlock("latest");
    const validUntil = BigInt(latest!.timestamp + DEFAULT_VALID_FOR_SECONDS);
    return Promise.all(
      holders.slice(0, count).map(async (h) => {
        const seatId = await system.council.seatOf(await h.getAddress());
        const signature = await signApproval(h, chainId, council, { proposalId: id, seatId, validUntil });
        return { seatId, validUntil, signature };
      }),
    );
  };

  /** `submit` + `execute` of the coverage change with `description`, on a fresh system. */
  const submitLifecycle = async (description: string) => {
    const system = await deploySystem(deployer, { seats: addresses });
    const policyAddress = await system.policy.getAddress();
    const calls: [string[], bigint[], string[]] = [[policyAddress], [0n], [encode.setPolicy(tightenedPolicy(), 1)]];
    const hash = ethers.id(description);
    const id = await system.council.hashProposal(...calls, hash);
    const signatures = await signAll(system, id, k);
    const submitTx = await system.council.connect(deployer).submit(...calls, description, signatures);
    const submitGas = await gasOf(Promise.resolve(submitTx));
    await advance(hre, DAY);
    const executeTx = await system.council.connect(deployer).execute(...calls, hash);
    const executeGas = await gasOf(Promise.resolve(executeTx));
    if ((await system.policy.version()) !== 2n) throw new Error("the council did not apply the change");
    return { system, policyAddress, submitTx, submitGas, executeTx, executeGas };
  };

  // submit + execute, with no description, then with a 200-character one
  const {
    system: deploySubmit,
    policyAddress,
    submitTx,
    submitGas,
    executeTx,
    executeGas,
  } = await submitLifecycle(EMPTY_DESCRIPTION);
  const described = await submitLifecycle(DESCRIBED);
  const describedGas = described.submitGas + described.executeGas;
  const council = deploySubmit.council;
  const emptyHash = ethers.id(EMPTY_DESCRIPTION);

  // propose + approve… + queue + execute, on a fresh system so that storage starts in the same state
  const onchain = await deploySystem(deployer, { seats: addresses });
  const onchainPolicy = await onchain.policy.getAddress();
  const onchainCalls: [string[], bigint[], string[]] = [
    [onchainPolicy],
    [0n],
    [encode.setPolicy(tightenedPolicy(), 1)],
  ];
  const onchainTxs: number[] = [];
  onchainTxs.push(await gasOf(onchain.council.connect(holders[0]).propose(...onchainCalls, EMPTY_DESCRIPTION)));
  const onchainId = await onchain.council.hashProposal(...onchainCalls, emptyHash);
  for (const holder of holders.slice(1, k)) {
    onchainTxs.push(await gasOf(onchain.council.connect(holder).approve(onchainId)));
  }
  onchainTxs.push(await gasOf(onchain.council.connect(deployer).queue(...onchainCalls, emptyHash)));
  await advance(hre, DAY);
  onchainTxs.push(await gasOf(onchain.council.connect(deployer).execute(...onchainCalls, emptyHash)));

  // Fast nudge: coverage 2,500 → 2,750 (10 %), submit executes it at once
  const nudgeData = encode.nudgeCoverage(2_750);
  const fastSigners = Number((await council.tierRule(Tier.Fast)).threshold);
  const nudgeId = await council.hashProposal([policyAddress], [0n], [nudgeData], emptyHash);
  const nudgeSignatures = await signAll(deploySubmit, nudgeId, fastSigners);
  const fastGas = await gasOf(
    council.connect(deployer).submit([policyAddress], [0n], [nudgeData], EMPTY_DESCRIPTION, nudgeSignatures),
  );
  if ((await deploySubmit.policy.policy()).coverageBps !== 2_750n) throw new Error("the nudge did not apply");

  // Seat change: a seat minted through the Critical tier, `submit` by the Critical threshold of signers, `execute`
  // after the Critical delay
  const seats = deploySubmit.seats;
  const mintCalls: [string[], bigint[], string[]] = [
    [await seats.getAddress()],
    [0n],
    [seats.interface.encodeFunctionData("mint", [newHolders[0]])],
  ];
  const critical = await council.tierRule(Tier.Critical);
  const criticalSigners = Math.max(Number(critical.threshold), minThreshold(holders.length));
  const mintId = await council.hashProposal(...mintCalls, emptyHash);
  const mintSignatures = await signAll(deploySubmit, mintId, criticalSigners);
  const seatSubmitGas = await gasOf(council.connect(deployer).submit(...mintCalls, EMPTY_DESCRIPTION, mintSignatures));
  await advance(hre, Number(critical.delay));
  const seatExecuteGas = await gasOf(council.connect(deployer).execute(...mintCalls, emptyHash));
  if ((await seats.seatOf(newHolders[0])) === 0n) throw new Error("the council did not mint the seat");

  // Raw mint and burn, sent by the timelock, on the other system (its seats are still the initial ones)
  const timelockAddress = await onchain.timelock.getAddress();
  const governance = await impersonate(hre, timelockAddress);
  const mintGas = await gasOf(onchain.seats.connect(governance).mint(newHolders[1]));
  const burnGas = await gasOf(onchain.seats.connect(governance).burn(await onchain.seats.seatOf(newHolders[1])));
  await hre.network.provider.send("hardhat_stopImpersonatingAccount", [timelockAddress]);

  const hashes = { submit: submitTx.hash, execute: executeTx.hash };
  return {
    submitGas,
    executeGas,
    describedGas,
    describedTxs: [described.submitGas, described.executeGas],
    onchainTxs,
    fastGas,
    criticalSigners,
    seatChange: [seatSubmitGas, seatExecuteGas],
    mintGas,
    burnGas,
    system: deploySubmit,
    hashes,
  };
}

async function anchorRun(
  hre: HardhatRuntimeEnvironment,
  deployer: Signer,
  holders: Signer[],
  k: number,
  newOwner: string,
) {
  const { ethers } = hre;
  const chainId = (await ethers.provider.getNetwork()).chainId;
  const owners = (await Promise.all(holders.map(async (h) => ({ h, a: await h.getAddress() })))).sort((x, y) =>
    BigInt(x.a) < BigInt(y.a) ? -1 : 1,
  );

  const singleton = await new ethers.ContractFactory(SafeArtifact.abi, SafeArtifact.bytecode, deployer).deploy();
  const factory = await new ethers.ContractFactory(
    SafeProxyFactoryArtifact.abi,
    SafeProxyFactoryArtifact.bytecode,
    deployer,
  ).deploy();
  const safeInterface = new ethers.Interface(SafeArtifact.abi);
  const initializer = safeInterface.encodeFunctionData("setup", [
    owners.map((o) => o.a),
    k,
    ethers.ZeroAddress,
    "0x",
    ethers.ZeroAddress,
    ethers.ZeroAddress,
    0,
    ethers.ZeroAddress,
  ]);
  const factoryContract = new ethers.Contract(await factory.getAddress(), SafeProxyFactoryArtifact.abi, deployer);
  const safeAddress: string = await factoryContract.createProxyWithNonce.staticCall(
    await singleton.getAddress(),
    initializer,
    0,
  );
  await (await factoryContract.createProxyWithNonce(await singleton.getAddress(), initializer, 0)).wait();
  const safe = new ethers.Contract(safeAddress, SafeArtifact.abi, deployer);

  const timelock = await (
    await ethers.getContractFactory("TimelockController", deployer)
  ).deploy(DAY, [safeAddress], [safeAddress], ethers.ZeroAddress);
  const oracle = await (await ethers.getContractFactory("MockV3Aggregator", deployer)).deploy(8, 15_00000000n);
  const policy = await (
    await ethers.getContractFactory("HedgePolicy", deployer)
  ).deploy(defaultPolicy(), await timelock.getAddress(), safeAddress, await oracle.getAddress());
  const policyAddress = await policy.getAddress();
  const data = encode.setPolicy(tightenedPolicy(), 1);
  const salt = ethers.id("bench");
  const timelockAddress = await timelock.getAddress();

  const execViaSafe = async (to: string, callData: string, nonce: number) => {
    const tx = {
      to,
      value: 0,
      data: callData,
      operation: 0,
      safeTxGas: 0,
      baseGas: 0,
      gasPrice: 0,
      gasToken: ethers.ZeroAddress,
      refundReceiver: ethers.ZeroAddress,
      nonce,
    };
    const types = {
      SafeTx: [
        { name: "to", type: "address" },
        { name: "value", type: "uint256" },
        { name: "data", type: "bytes" },
        { name: "operation", type: "uint8" },
        { name: "safeTxGas", type: "uint256" },
        { name: "baseGas", type: "uint256" },
        { name: "gasPrice", type: "uint256" },
        { name: "gasToken", type: "address" },
        { name: "refundReceiver", type: "address" },
        { name: "nonce", type: "uint256" },
      ],
    };
    const signatures = await Promise.all(
      owners.slice(0, k).map((o) => o.h.signTypedData({ chainId, verifyingContract: safeAddress }, types, tx)),
    );
    return gasOf(
      safe.execTransaction(
        tx.to,
        tx.value,
        tx.data,
        tx.operation,
        tx.safeTxGas,
        tx.baseGas,
        tx.gasPrice,
        tx.gasToken,
        tx.refundReceiver,
        ethers.concat(signatures),
      ),
    );
  };

  const schedule = timelock.interface.encodeFunctionData("schedule", [
    policyAddress,
    0,
    data,
    ethers.ZeroHash,
    salt,
    DAY,
  ]);
  const scheduleGas = await execViaSafe(timelockAddress, schedule, 0);
  await advance(hre, DAY);
  const execute = timelock.interface.encodeFunctionData("execute", [policyAddress, 0, data, ethers.ZeroHash, salt]);
  const executeGas = await execViaSafe(timelockAddress, execute, 1);
  if ((await policy.version()) !== 2n) throw new Error("anchor did not apply the change");

  // Owner change through the timelock: `addOwnerWithThreshold` runs only when the Safe calls itself, so the Safe
  // first makes the timelock one of its modules (not measured); the timelock then calls `execTransactionFromModule`.
  await execViaSafe(safeAddress, safeInterface.encodeFunctionData("enableModule", [timelockAddress]), 2);
  const addOwner = safeInterface.encodeFunctionData("execTransactionFromModule", [
    safeAddress,
    0,
    safeInterface.encodeFunctionData("addOwnerWithThreshold", [newOwner, k]),
    0,
  ]);
  const ownerScheduleGas = await execViaSafe(
    timelockAddress,
    timelock.interface.encodeFunctionData("schedule", [safeAddress, 0, addOwner, ethers.ZeroHash, salt, DAY]),
    3,
  );
  await advance(hre, DAY);
  const ownerExecuteGas = await execViaSafe(
    timelockAddress,
    timelock.interface.encodeFunctionData("execute", [safeAddress, 0, addOwner, ethers.ZeroHash, salt]),
    4,
  );
  // `execTransactionFromModule` reports a failed call by returning false, so check the owner is there.
  if (!(await safe.isOwner(newOwner))) throw new Error("anchor did not add the owner");
  return { scheduleGas, executeGas, ownerChange: [ownerScheduleGas, ownerExecuteGas], singleton, factory };
}

async function deploymentGas(hre: HardhatRuntimeEnvironment, tx: { hash: string } | null): Promise<number> {
  if (!tx) throw new Error("missing deployment transaction");
  const receipt = await hre.ethers.provider.getTransactionReceipt(tx.hash);
  return Number(receipt!.gasUsed);
}

async function runtimeSize(hre: HardhatRuntimeEnvironment, address: string): Promise<number> {
  return hre.ethers.dataLength(await hre.ethers.provider.getCode(address));
}

/** Runs every shape for both systems on `hre`'s network (use the in-process network) and returns the figures. */
export async function measureGas(hre: HardhatRuntimeEnvironment): Promise<GasReport> {
  const [deployer, ...accounts] = await hre.ethers.getSigners();
  const shapes = {} as Record<ShapeName, ShapeGas>;
  const transactions = {} as GasReport["transactions"];
  const lifecycles = {} as GasReport["lifecycles"];
  const criticalSigners = {} as GasReport["criticalSigners"];
  let previous: { k: number; submit: number; anchor: number } | undefined;
  let lastCouncil: System | undefined;
  let anchorContracts: Awaited<ReturnType<typeof anchorRun>> | undefined;

  for (const shape of SHAPES) {
    const holders = accounts.slice(0, shape.n);
    const newHolders: [string, string] = [
      await accounts[shape.n].getAddress(),
      await accounts[shape.n + 1].getAddress(),
    ];
    const council = await councilRun(hre, deployer, holders, shape.k, newHolders);
    const anchor = await anchorRun(hre, deployer, holders, shape.k, newHolders[0]);
    lastCouncil = council.system;
    anchorContracts = anchor;
    const submitLifecycle = council.submitGas + council.executeGas;
    const anchorLifecycle = anchor.scheduleGas + anchor.executeGas;
    shapes[shape.name] = {
      submitLifecycle,
      describedLifecycle: council.describedGas,
      onchainLifecycle: council.onchainTxs.reduce((a, b) => a + b, 0),
      fastNudge: council.fastGas,
      anchorLifecycle,
      perExtraSigner: previous ? Math.round((submitLifecycle - previous.submit) / (shape.k - previous.k)) : 0,
      anchorPerExtraSigner: previous ? Math.round((anchorLifecycle - previous.anchor) / (shape.k - previous.k)) : 0,
      seatChangeLifecycle: council.seatChange[0] + council.seatChange[1],
      anchorOwnerChangeLifecycle: anchor.ownerChange[0] + anchor.ownerChange[1],
      seatMint: council.mintGas,
      seatBurn: council.burnGas,
    };
    transactions[shape.name] = {
      "council submit, execute": [council.submitGas, council.executeGas],
      "council submit, execute (200-character description)": council.describedTxs,
      "council propose, approve…, queue, execute": council.onchainTxs,
      "council Fast nudge (submit)": [council.fastGas],
      "anchor schedule, execute": [anchor.scheduleGas, anchor.executeGas],
      "council seat change: submit, execute": council.seatChange,
      "anchor owner change: schedule, execute": anchor.ownerChange,
    };
    lifecycles[shape.name] = { hashes: council.hashes, system: council.system };
    criticalSigners[shape.name] = council.criticalSigners;
    previous = { k: shape.k, submit: submitLifecycle, anchor: anchorLifecycle };
  }

  const { deploymentRecord } = await import("../../scripts/lib/deploy");
  const record = deploymentRecord(lastCouncil!);
  const bytecode: Record<string, number> = {};
  const deployment: Record<string, number> = {};
  for (const name of ["seats", "council", "timelock", "policy"] as const) {
    const label = {
      seats: "CouncilSeats",
      council: "HedgeCouncil",
      timelock: "TimelockController",
      policy: "HedgePolicy",
    }[name];
    bytecode[label] = await runtimeSize(hre, await lastCouncil![name].getAddress());
    deployment[label] = await deploymentGas(hre, record.transactions[name]);
  }
  bytecode["Safe (anchor)"] = await runtimeSize(hre, await anchorContracts!.singleton.getAddress());
  deployment["Safe (anchor)"] = await deploymentGas(hre, anchorContracts!.singleton.deploymentTransaction());
  bytecode["SafeProxyFactory (anchor)"] = await runtimeSize(hre, await anchorContracts!.factory.getAddress());
  deployment["SafeProxyFactory (anchor)"] = await deploymentGas(hre, anchorContracts!.factory.deploymentTransaction());
  const { keeper, upkeepBytecode, upkeepDeployment } = await measureKeeper(hre);
  bytecode["HedgeUpkeep"] = upkeepBytecode;
  deployment["HedgeUpkeep"] = upkeepDeployment;
  const pyth = await measurePyth(hre);
  bytecode["PythVixAdapter"] = pyth.adapterBytes;
  deployment["PythVixAdapter"] = pyth.adapterDeployment;
  delete pyth.adapterBytes;
  delete pyth.adapterDeployment;
  return { shapes, transactions, lifecycles, criticalSigners, bytecode, deployment, keeper, pyth };
}

/**
 * The Pyth path, last (it moves the chain's clock): a PythVixAdapter (three months, 5-day blend) over MockPyth with
 * a 1-wei fee, a policy reading it and an upkeep. `updateAndSync` engaging layer 0 from a single month's update, then
 * inside a roll's blend window (both months updated) disengaging it; `syncLayers` alone reading the blend.
 */
async function measurePyth(hre: HardhatRuntimeEnvironment): Promise<Record<string, number>> {
  const { ethers } = hre;
  const [deployer] = await ethers.getSigners();
  const { defaultPolicy } = await import("../../scripts/lib/policy");
  const mock = await (await ethers.getContractFactory("MockPyth")).deploy(60, 1);
  const day = 86_400;
  const start = Number((await ethers.provider.getBlock("latest"))!.timestamp) + 10;
  const ids = ["VX1", "VX2", "VX3"].map((m) => ethers.id(m));
  const adapter = await (
    await ethers.getContractFactory("PythVixAdapter")
  ).deploy(mock, 8, ids, [start, start + 30 * day, start + 60 * day], start + 90 * day, 5 * day, "VIX futures");
  const at = async (t: number) => hre.network.provider.send("evm_setNextBlockTimestamp", [t]);
  const update = (id: string, hundredths: number, t: number) =>
    mock.createPriceFeedUpdateData(id, BigInt(hundredths) * 1_000n, 10n, -5, BigInt(hundredths) * 1_000n, 10n, t, 0);
  await at(start);
  await mock.updatePriceFeeds([await update(ids[0], 1_500, start)], { value: 1 });
  const policy = await (
    await ethers.getContractFactory("HedgePolicy")
  ).deploy(defaultPolicy(), deployer, deployer, adapter);
  const upkeep = await (
    await ethers.getContractFactory("HedgeUpkeep")
  ).deploy(policy, ZeroAddress, ZeroHash, ZeroAddress);
  const send = async (t: number, prices: [string, number][]) => {
    const data = await Promise.all(prices.map(([id, v]) => update(id, v, t)));
    await at(t);
    return Number((await (await upkeep.updateAndSync(data, { value: data.length })).wait())!.gasUsed);
  };
  const t0 = Number((await ethers.provider.getBlock("latest"))!.timestamp) + 10;
  const oneMonth = await send(t0, [[ids[0], 2_100]]);
  const windowStart = start + 25 * day;
  const blend = await send(windowStart + 3_600, [
    [ids[0], 1_700],
    [ids[1], 1_750],
  ]);
  await at(windowStart + 3_700);
  const syncBlend = Number((await (await policy.syncLayers()).wait())!.gasUsed);
  return {
    updateAndSyncOneLayer: oneMonth,
    updateAndSyncBlendWindow: blend,
    syncLayersBlendWindow: syncBlend,
    adapterBytes: await runtimeSize(hre, await adapter.getAddress()),
    adapterDeployment: await deploymentGas(hre, adapter.deploymentTransaction()),
  };
}

/** What bench/gas.json holds: the shapes, then `bytecode`, `deployment`, `keeper` and `pyth`. */
export function snapshotOf(report: GasReport) {
  return {
    ...report.shapes,
    bytecode: report.bytecode,
    deployment: report.deployment,
    keeper: report.keeper,
    pyth: report.pyth,
  };
}

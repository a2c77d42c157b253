// Gas measurement of Hedge Council against its anchor, Safe 1.5.0 + OpenZeppelin TimelockController, on one chain.
// Shared by `npm run bench` (prints the table, writes bench/gas.json) and the snapshot test (compares with it).
//
// Every shape applies the same change: the default 4/4/2 policy with coverage raised from 2,500 to 3,000 bps, as the
// same `setPolicy` calldata on an identical HedgePolicy.
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type { Signer } from "ethers";
import SafeArtifact from "@safe-global/safe-smart-account/build/artifacts/contracts/Safe.sol/Safe.json";
import SafeProxyFactoryArtifact from "@safe-global/safe-smart-account/build/artifacts/contracts/proxies/SafeProxyFactory.sol/SafeProxyFactory.json";

import { encode } from "../../scripts/lib/council";
import { DAY, deploySystem, type System } from "../../scripts/lib/deploy";
import { defaultPolicy } from "../../scripts/lib/policy";
import { signApproval } from "../../scripts/lib/signing";

export const SHAPES = [
  { name: "1-of-1", k: 1, n: 1 },
  { name: "2-of-3", k: 2, n: 3 },
  { name: "3-of-5", k: 3, n: 5 },
  { name: "5-of-9", k: 5, n: 9 },
] as const;

export type ShapeName = (typeof SHAPES)[number]["name"];

export interface ShapeGas {
  /** Hedge Council via `submit` + `execute`. */
  submitLifecycle: number;
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
}

export interface GasReport {
  shapes: Record<ShapeName, ShapeGas>;
  /** The submit and execute transactions of each shape, and the system they ran on (for the gas breakdown). */
  lifecycles: Record<ShapeName, { hashes: { submit: string; execute: string }; system: System }>;
  /** Per-transaction detail, for the printed table. */
  transactions: Record<ShapeName, Record<string, number[]>>;
  bytecode: Record<string, number>;
  deployment: Record<string, number>;
}

const EIP170_LIMIT = 24_576;
export { EIP170_LIMIT };

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

async function councilRun(hre: HardhatRuntimeEnvironment, deployer: Signer, holders: Signer[], k: number) {
  const { ethers } = hre;
  const addresses = await Promise.all(holders.map((h) => h.getAddress()));
  const chainId = (await ethers.provider.getNetwork()).chainId;

  const deploySubmit = await deploySystem(deployer, { seats: addresses });
  const policyAddress = await deploySubmit.policy.getAddress();
  const data = encode.setPolicy(tightenedPolicy(), 1);
  // submit + execute
  const salt = ethers.id("bench");
  const council = deploySubmit.council;
  const councilAddress = await council.getAddress();
  const id = await council.hashProposal([policyAddress], [0n], [data], salt);
  const signatures = await Promise.all(holders.slice(0, k).map((h) => signApproval(h, chainId, councilAddress, id)));
  const submitTx = await council
    .connect(deployer)
    .submit([policyAddress], [0n], [data], salt, addresses.slice(0, k), signatures);
  const submitGas = await gasOf(Promise.resolve(submitTx));
  await advance(hre, DAY);
  const executeTx = await council.connect(deployer).execute([policyAddress], [0n], [data], salt);
  const executeGas = await gasOf(Promise.resolve(executeTx));

  // propose + approve… + queue + execute, on a fresh system so that storage starts in the same state
  const onchain = await deploySystem(deployer, { seats: addresses });
  const onchainPolicy = await onchain.policy.getAddress();
  const onchainData = encode.setPolicy(tightenedPolicy(), 1);
  const args: [string[], bigint[], string[], string] = [[onchainPolicy], [0n], [onchainData], salt];
  const onchainTxs: number[] = [];
  onchainTxs.push(await gasOf(onchain.council.connect(holders[0]).propose(...args)));
  const onchainId = await onchain.council.hashProposal(...args);
  for (const holder of holders.slice(1, k)) {
    onchainTxs.push(await gasOf(onchain.council.connect(holder).approve(onchainId)));
  }
  onchainTxs.push(await gasOf(onchain.council.connect(deployer).queue(...args)));
  await advance(hre, DAY);
  onchainTxs.push(await gasOf(onchain.council.connect(deployer).execute(...args)));

  // Fast nudge: coverage 2,500 → 2,750 (10 %), submit executes it at once
  const nudgeData = encode.nudgeCoverage(2_750);
  const fastSigners = Number((await council.tierRule(0)).threshold);
  const nudgeId = await council.hashProposal([policyAddress], [0n], [nudgeData], salt);
  const nudgeSignatures = await Promise.all(
    holders.slice(0, fastSigners).map((h) => signApproval(h, chainId, councilAddress, nudgeId)),
  );
  const fastGas = await gasOf(
    council
      .connect(deployer)
      .submit([policyAddress], [0n], [nudgeData], salt, addresses.slice(0, fastSigners), nudgeSignatures),
  );

  const hashes = { submit: submitTx.hash, execute: executeTx.hash };
  return { submitGas, executeGas, onchainTxs, fastGas, system: deploySubmit, hashes };
}

async function anchorRun(hre: HardhatRuntimeEnvironment, deployer: Signer, holders: Signer[], k: number) {
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
  return { scheduleGas, executeGas, singleton, factory };
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
  let previous: { k: number; submit: number; anchor: number } | undefined;
  let lastCouncil: System | undefined;
  let anchorContracts: Awaited<ReturnType<typeof anchorRun>> | undefined;

  for (const shape of SHAPES) {
    const holders = accounts.slice(0, shape.n);
    const council = await councilRun(hre, deployer, holders, shape.k);
    const anchor = await anchorRun(hre, deployer, holders, shape.k);
    lastCouncil = council.system;
    anchorContracts = anchor;
    const submitLifecycle = council.submitGas + council.executeGas;
    const anchorLifecycle = anchor.scheduleGas + anchor.executeGas;
    shapes[shape.name] = {
      submitLifecycle,
      onchainLifecycle: council.onchainTxs.reduce((a, b) => a + b, 0),
      fastNudge: council.fastGas,
      anchorLifecycle,
      perExtraSigner: previous ? Math.round((submitLifecycle - previous.submit) / (shape.k - previous.k)) : 0,
      anchorPerExtraSigner: previous ? Math.round((anchorLifecycle - previous.anchor) / (shape.k - previous.k)) : 0,
    };
    transactions[shape.name] = {
      "council submit, execute": [council.submitGas, council.executeGas],
      "council propose, approve…, queue, execute": council.onchainTxs,
      "council Fast nudge (submit)": [council.fastGas],
      "anchor schedule, execute": [anchor.scheduleGas, anchor.executeGas],
    };
    lifecycles[shape.name] = { hashes: council.hashes, system: council.system };
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
  return { shapes, transactions, lifecycles, bytecode, deployment };
}

/** What bench/gas.json holds: the shapes, then `bytecode` and `deployment`. */
export function snapshotOf(report: GasReport) {
  return { ...report.shapes, bytecode: report.bytecode, deployment: report.deployment };
}

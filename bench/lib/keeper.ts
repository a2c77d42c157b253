// The keeper paths to HedgePolicy.syncLayers, side by side on one move (VIX 15.00 → 31.50 engages layers 0 and 1 of
// the default 4/4/2 policy), each from the same calm state: `syncLayers` sent directly (hedge:watch --sync),
// `HedgeUpkeep.performUpkeep` (Chainlink Automation's registries, any keeper), and CRE: a DON-signed report through
// Chainlink's KeystoneForwarder (f = 1: two signatures) to `HedgeUpkeep.onReport`. Also what a CRE report costs its
// transmitter when no sync is needed (the forwarder records a failed delivery; nothing changes). The reports' ids and
// contexts are fixed and the DON's keys too, so every run signs the same bytes and measures the same gas.
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type { ContractTransactionResponse } from "ethers";

import { deploySystem } from "../../scripts/lib/deploy";
import { WORKFLOW_ID, deliver, deployForwarder, rawReport } from "../../test/helpers/keystone";

export interface KeeperGas {
  /** `HedgePolicy.syncLayers()` sent directly. */
  syncLayers: number;
  /** `HedgeUpkeep.performUpkeep("0x")`: its check, then syncLayers. */
  performUpkeep: number;
  /** `KeystoneForwarder.report(...)` → `HedgeUpkeep.onReport` → syncLayers. */
  creReport: number;
  /** The same report when nothing needs syncing: the transmitter's cost of a harmless, refused report. */
  creReportNothingToSync: number;
}

const SPIKE = 31_50_000_000n; // VIX 31.50 with the mock's 8 decimals
const EXECUTION_ID = "0x" + "11".repeat(32);
const CONTEXT = "0x" + "5a".repeat(96);

async function gasOf(tx: Promise<ContractTransactionResponse>): Promise<number> {
  const receipt = await (await tx).wait();
  return Number(receipt!.gasUsed);
}

/** Measures each keeper path on one system with a CRE-enabled upkeep, back to the calm state before each. */
export async function measureKeeper(
  hre: HardhatRuntimeEnvironment,
): Promise<{ keeper: KeeperGas; upkeepBytecode: number; upkeepDeployment: number }> {
  const provider = hre.network.provider;
  const [deployer, a, b, c, workflowOwner, transmitter] = await hre.ethers.getSigners();
  const forwarder = await deployForwarder(deployer);
  const cre = {
    forwarder: await forwarder.getAddress(),
    workflowId: WORKFLOW_ID,
    workflowOwner: workflowOwner.address,
  };
  const seats = await Promise.all([a, b, c].map((s) => s.getAddress()));
  const system = await deploySystem(deployer, { seats, upkeep: true, cre });
  const upkeep = system.upkeep!;
  const report = () =>
    deliver(
      forwarder,
      transmitter,
      upkeep,
      rawReport({ workflowOwner: cre.workflowOwner, executionId: EXECUTION_ID }),
      CONTEXT,
    );

  let calm: string = await provider.send("evm_snapshot", []);
  /** From the calm state (VIX 15.00, nothing engaged), after a spike or not: `send`'s gas, and the layers checked. */
  const fromCalm = async (spike: boolean, send: () => Promise<ContractTransactionResponse>) => {
    await provider.send("evm_revert", [calm]); // a revert spends its snapshot: take it again
    calm = await provider.send("evm_snapshot", []);
    if (spike) await (await system.oracle.updateAnswer(SPIKE)).wait();
    const gas = await gasOf(send());
    const expected = spike ? 0b011n : 0n;
    if ((await system.policy.engagedLayers()) !== expected)
      throw new Error(`bench: the engaged layers are not ${expected} after the measured transaction`);
    return gas;
  };
  const keeper = {
    syncLayers: await fromCalm(true, () => system.policy.syncLayers()),
    performUpkeep: await fromCalm(true, () => upkeep.performUpkeep("0x")),
    creReport: await fromCalm(true, report),
    creReportNothingToSync: await fromCalm(false, report),
  };
  await provider.send("evm_revert", [calm]);

  const code = await hre.ethers.provider.getCode(await upkeep.getAddress());
  const deployment = await hre.ethers.provider.getTransactionReceipt(upkeep.deploymentTransaction()!.hash);
  return { keeper, upkeepBytecode: hre.ethers.dataLength(code), upkeepDeployment: Number(deployment!.gasUsed) };
}

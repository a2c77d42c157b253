// hedge:time — moves a local chain's clock forward and mines a block (evm_increaseTime + evm_mine), to get past a
// timelock delay in a rehearsal. Local networks only (hardhat, localhost).

import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { parseDuration } from "../lib/shell/args";
import { fmtDuration, fmtTime } from "../lib/format";
import { requireLocalNetwork } from "../lib/shell/network";
import { say } from "../lib/shell/output";

export interface TimeArgs {
  advance: string;
}

const timeAction = async (args: TimeArgs, hre: HardhatRuntimeEnvironment) => {
  const seconds = parseDuration("--advance", args.advance);
  requireLocalNetwork(hre, "hedge:time");
  await hre.network.provider.send("evm_increaseTime", [seconds]);
  await hre.network.provider.send("evm_mine", []);
  const block = await hre.ethers.provider.getBlock("latest");
  say(`Advanced the clock by ${fmtDuration(seconds)}: block ${block?.number} at ${fmtTime(block?.timestamp ?? 0)}.`);
  return { timestamp: block?.timestamp ?? 0 };
};

export default timeAction;

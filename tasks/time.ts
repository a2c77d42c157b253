// hedge:time — moves a local chain's clock forward and mines a block (evm_increaseTime + evm_mine), to get past a
// timelock delay in a rehearsal. Local networks only (hardhat, localhost).
import { task, types } from "hardhat/config";

import { cliAction, fmtDuration, fmtTime, parseDuration, requireLocalNetwork, say } from "../scripts/lib/cli";

export interface TimeArgs {
  advance: string;
}

task("hedge:time", "Advances a local chain's clock and mines a block (local networks only)")
  .addParam("advance", "How far: seconds, or with a unit (90s, 15m, 2h, 3d, 1w)", undefined, types.string)
  .setAction(
    cliAction(async (args: TimeArgs, hre) => {
      const seconds = parseDuration("--advance", args.advance);
      requireLocalNetwork(hre, "hedge:time");
      await hre.network.provider.send("evm_increaseTime", [seconds]);
      await hre.network.provider.send("evm_mine", []);
      const block = await hre.ethers.provider.getBlock("latest");
      say(
        `Advanced the clock by ${fmtDuration(seconds)}: block ${block?.number} at ${fmtTime(block?.timestamp ?? 0)}.`,
      );
      return { timestamp: block?.timestamp ?? 0 };
    }),
  );

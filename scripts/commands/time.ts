// hedge:time — moves a local chain's clock forward and mines a block (evm_increaseTime + evm_mine), to get past a
// timelock delay in a rehearsal. Local networks only (hardhat, localhost).
//
// Every check runs before the clock moves: a chain's clock only goes forward, so a refused advance that had already
// moved it would leave every proposal Expired for good.

import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { parseDuration } from "../lib/shell/args";
import { fmtDurationExact, fmtTime } from "../lib/format";
import { requireLocalNetwork } from "../lib/shell/network";
import { CliError, say } from "../lib/output";

export interface TimeArgs {
  advance: string;
}

/** The longest advance at once: longer than any delay, TTL or grace period the council accepts (365 d each). */
export const MAX_ADVANCE_SECONDS = 10 * 365 * 86_400;

/**
 * The latest chain time accepted: 9999-12-31 23:59:59 UTC. Every date the tools print has four digits up to it, and
 * the council's uint40 deadlines (eta + grace) stay far below their limit (year 36812).
 */
export const LAST_CHAIN_TIME = 253_402_300_799;

/** Parses `--advance`: a duration of at most MAX_ADVANCE_SECONDS. */
export function parseAdvance(advance: string): number {
  const seconds = parseDuration("--advance", advance);
  if (seconds > MAX_ADVANCE_SECONDS) {
    throw new CliError(`--advance ${advance}: too far, at most 3650d (10 years) at a time`);
  }
  return seconds;
}

/** Refuses an advance that would take the chain's clock past LAST_CHAIN_TIME. */
export function checkReachable(advance: string, seconds: number, latestTimestamp: number): void {
  // The mined block may land a little later (the node's clock also runs between blocks); the gap is negligible next
  // to the margin between this limit and what the contracts can hold.
  if (latestTimestamp + seconds > LAST_CHAIN_TIME) {
    throw new CliError(
      `--advance ${advance}: the chain's clock (${fmtTime(latestTimestamp)}) would pass ${fmtTime(LAST_CHAIN_TIME)}, the latest time the tools handle`,
    );
  }
}

const timeAction = async (args: TimeArgs, hre: HardhatRuntimeEnvironment) => {
  const seconds = parseAdvance(args.advance);
  requireLocalNetwork(hre, "hedge:time");
  const latest = await hre.ethers.provider.getBlock("latest");
  checkReachable(args.advance, seconds, latest?.timestamp ?? 0);
  await hre.network.provider.send("evm_increaseTime", [seconds]);
  await hre.network.provider.send("evm_mine", []);
  const block = await hre.ethers.provider.getBlock("latest");
  say(
    `Advanced the clock by ${fmtDurationExact(seconds)}: block ${block?.number} at ${fmtTime(block?.timestamp ?? 0)}.`,
  );
  return { timestamp: block?.timestamp ?? 0 };
};

export default timeAction;

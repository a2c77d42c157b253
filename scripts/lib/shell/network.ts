// Which network a command runs on: development chains allow the mock oracle and time travel.
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { CliError } from "../output";

/** The networks where the chain is a development chain: the mock oracle and time travel are allowed there. */
export const LOCAL_NETWORKS = ["hardhat", "localhost"] as const;

export function isLocalNetwork(hre: HardhatRuntimeEnvironment): boolean {
  return (LOCAL_NETWORKS as readonly string[]).includes(hre.network.name);
}

/** Throws unless the task runs on a local network; `what` names the refused action. */
export function requireLocalNetwork(hre: HardhatRuntimeEnvironment, what: string): void {
  if (!isLocalNetwork(hre)) {
    throw new CliError(
      `${what} works on local networks only (${LOCAL_NETWORKS.join(", ")}); network "${hre.network.name}" is not one`,
    );
  }
}

export async function chainIdOf(hre: HardhatRuntimeEnvironment): Promise<number> {
  return Number((await hre.ethers.provider.getNetwork()).chainId);
}

// hedge:sync — reads the VIX oracle and engages or disengages the policy's layers (anyone may call syncLayers).
// A stale, future-dated, non-positive or incomplete oracle answer is refused before anything is sent, and nothing is
// sent when the layers already match the VIX (a transaction that changes nothing only costs its sender gas).
import type { Signer } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { fmtVix, fmtLayers } from "../lib/format";
import { say } from "../lib/output";
import { selectSigner } from "../lib/shell/signers";
import { openSystem, type HedgeContracts } from "../lib/deployments";
import { sendAndWait, simulate } from "../lib/errors";
import { latestVix } from "./status";

export interface SyncArgs {
  from?: string;
}

/**
 * Calls syncLayers after a static call, unless the static call shows that no layer would change; prints every layer
 * that changed. Returns the engaged layers' mask.
 */
export async function syncLayers(
  hre: HardhatRuntimeEnvironment,
  system: HedgeContracts,
  signer: Signer,
  label: string,
): Promise<number> {
  const policy = system.policy.connect(signer);
  const [mask, current] = await Promise.all([
    simulate(hre, () => policy.syncLayers.staticCall()).then(Number),
    system.policy.engagedLayers().then(Number),
  ]);
  if (mask === current) {
    const reading = await latestVix(system);
    const vix = reading ? `VIX ${fmtVix(reading.vix)}, ` : "";
    say(`The layers already match the VIX (${vix}engaged layers: ${fmtLayers(mask)}); nothing sent.`);
    return mask;
  }
  const receipt = await sendAndWait(hre, "syncLayers", () => policy.syncLayers());
  let changes = 0;
  for (const log of receipt.logs) {
    const parsed = (() => {
      try {
        return system.policy.interface.parseLog(log);
      } catch {
        return null;
      }
    })();
    if (parsed?.name === "LayerEngaged" || parsed?.name === "LayerDisengaged") {
      changes++;
      say(
        `  layer ${parsed.args[0]} ${parsed.name === "LayerEngaged" ? "engaged" : "disengaged"} at VIX ${fmtVix(parsed.args[1])}`,
      );
    }
  }
  say(
    `Synced by ${label}: ${changes ? `${changes} layer${changes === 1 ? "" : "s"} changed` : "no layer changed"}; engaged layers: ${fmtLayers(mask)}.`,
  );
  return mask;
}

const syncAction = async (args: SyncArgs, hre: HardhatRuntimeEnvironment) => {
  // No history read: the block numbers are not checked (openSystem).
  const system = await openSystem(hre, { history: false });
  const { signer, label } = await selectSigner(hre, args.from);
  return { engaged: await syncLayers(hre, system, signer, label) };
};

export default syncAction;

// hedge:sync — reads the VIX oracle and engages or disengages the policy's layers (anyone may call syncLayers).
// A stale, future-dated, non-positive or incomplete oracle answer is refused before anything is sent.
import type { Signer } from "ethers";
import { task, types } from "hardhat/config";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { FROM_HELP, cliAction, fmtVix, say, selectSigner } from "../scripts/lib/cli";
import { openSystem, type HedgeSystem } from "../scripts/lib/deployments";
import { sendAndWait, simulate } from "../scripts/lib/errors";

export interface SyncArgs {
  from?: string;
}

task("hedge:sync", "Engages or disengages the policy's layers from the latest VIX (anyone may)")
  .addOptionalParam("from", FROM_HELP, undefined, types.string)
  .setAction(
    cliAction(async (args: SyncArgs, hre) => {
      const system = await openSystem(hre);
      const { signer, label } = await selectSigner(hre, args.from);
      return { engaged: await syncLayers(hre, system, signer, label) };
    }),
  );

/** Calls syncLayers after a static call; prints every layer that changed. Returns the engaged layers' mask. */
export async function syncLayers(
  hre: HardhatRuntimeEnvironment,
  system: HedgeSystem,
  signer: Signer,
  label: string,
): Promise<number> {
  const policy = system.policy.connect(signer);
  const mask = Number(await simulate(hre, () => policy.syncLayers.staticCall()));
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
  const engaged = [0, 1, 2, 3, 4].filter((i) => (mask >> i) & 1);
  say(
    `Synced by ${label}: ${changes ? `${changes} layer${changes === 1 ? "" : "s"} changed` : "no layer changed"}; engaged layers: ${engaged.length ? engaged.join(", ") : "none"}.`,
  );
  return mask;
}

// hedge:keystore — creates an encrypted keystore (the Web3 Secret Storage JSON of geth, ethers and `cast wallet`)
// to sign with `--from keystore:FILE`: `new` encrypts a fresh random key, `import` an existing key typed without
// echo or piped on stdin. Prints only the keystore's address and path: the key is never shown, and never taken
// from the command line.
import { Wallet } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { CliError, say } from "../lib/output";
import { checkKeystoreTarget, readPassword, readPrivateKey, writeKeystore } from "../lib/shell/keystore";

export interface KeystoreArgs {
  action?: string;
  out?: string;
  force?: boolean;
}

const ACTIONS = ["new", "import"] as const;

async function keystore(
  args: KeystoreArgs,
  _hre: HardhatRuntimeEnvironment,
): Promise<{ address: string; file: string }> {
  const action = (args.action ?? "").trim();
  if (!(ACTIONS as readonly string[]).includes(action)) {
    throw new CliError(
      action === ""
        ? `hedge:keystore needs an action: ${ACTIONS.join(" | ")}`
        : `hedge:keystore ${action}: unknown action, expected ${ACTIONS.join(" | ")}`,
    );
  }
  const out = args.out?.trim();
  if (!out) throw new CliError(`hedge:keystore ${action} needs --out: the keystore file to write`);
  // Refused before any secret is asked for.
  checkKeystoreTarget(out, args.force);

  const wallet = action === "new" ? new Wallet(Wallet.createRandom().privateKey) : await readPrivateKey();
  const { password } = await readPassword(`keystore ${out}`, { create: true });
  const file = await writeKeystore(out, wallet, password, { force: args.force });
  say(`Address: ${wallet.address}`);
  say(`Keystore: ${file}`);
  return { address: wallet.address, file };
}

export default keystore;

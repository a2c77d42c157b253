// Who signs a command: `--from` resolved to a signer, and account labels that never show a key.
import { Wallet, getAddress, isAddress, type Signer } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { CliError } from "../output";
import { PRIVATE_KEY_FORMAT, PRIVATE_KEY_TEXT } from "./argv";

/** A signer chosen with `--from`, with a label that never contains a key. */
export interface SelectedSigner {
  signer: Signer;
  address: string;
  label: string;
}

export interface SignerOptions {
  /**
   * A seat action (propose, sign, approve, veto), named by its task: `--from` is then required. Its default, the
   * network's first account, is the deployer, which can never hold a seat; the refusal names the seat holders
   * instead. The caller hands them over (`holders`, read only when the refusal is made): the shell does not look
   * up the council.
   */
  seatAction?: { task: string; holders: () => Promise<string[]> };
}

const ENV_KEY = /^env:([A-Za-z_][A-Za-z0-9_]*)$/;
const KEYSTORE = /^keystore:(.+)$/;

/**
 * Hex too long for an address (40 digits) and close to a key's 64: a key mistyped by a digit or two is most of a key,
 * and is not shown either.
 */
const NEARLY_A_KEY = /^(0x)?[0-9a-fA-F]{56,72}$/;

/**
 * Refuses a private key given where an account is expected, without repeating it: an error line ends up in
 * terminals, logs and CI output, and the shell's history already holds it.
 */
function refuseKey(flag: string, text: string, instead: string): void {
  if (PRIVATE_KEY_TEXT.test(text) || NEARLY_A_KEY.test(text)) {
    throw new CliError(
      `${flag}: this looks like a private key (not shown); a key never goes on the command line, ${instead}; consider that key exposed`,
    );
  }
}

/**
 * Resolves `--from`:
 * - absent: the network's first account (on `remote`, the key in HEDGE_PRIVATE_KEY); refused for a seat action;
 * - `3`: the network's account number 3 (`npx hardhat node` unlocks 20);
 * - `0xabc…`: that account, if the network has it;
 * - `env:NAME`: the private key held in the environment variable NAME (never printed);
 * - `keystore:FILE`: the encrypted keystore FILE, opened with its password (see ./keystore).
 */
export async function selectSigner(
  hre: HardhatRuntimeEnvironment,
  from?: string,
  options: SignerOptions = {},
): Promise<SelectedSigner> {
  const text = from?.trim() ?? "";
  if (text === "") {
    if (options.seatAction) throw new CliError(await fromRequired(hre, options.seatAction));
    return defaultSigner(hre);
  }
  refuseKey("--from", text, "sign with env:NAME or keystore:FILE");
  const envMatch = ENV_KEY.exec(text);
  if (envMatch) return envSigner(hre, from!, envMatch[1]);
  const keystoreMatch = KEYSTORE.exec(text);
  if (keystoreMatch) return keystoreSigner(hre, keystoreMatch[1]);

  const signers = await hre.ethers.getSigners();
  if (/^\d+$/.test(text)) {
    const index = Number(text);
    if (index >= signers.length) {
      const range = signers.length === 0 ? "none" : `0..${signers.length - 1}`;
      throw new CliError(
        `--from ${text}: network "${hre.network.name}" has ${signers.length} accounts (${range}); pick one of them, an address, env:<VARIABLE> or keystore:<FILE>`,
      );
    }
    return {
      signer: signers[index],
      address: signers[index].address,
      label: accountLabel(signers[index].address, index),
    };
  }
  if (isAddress(text)) {
    const index = signers.findIndex((s) => s.address.toLowerCase() === text.toLowerCase());
    if (index < 0) {
      throw new CliError(
        `--from ${text}: not an account of network "${hre.network.name}" (use an index, one of its addresses, env:<VARIABLE> with a private key, or keystore:<FILE>)`,
      );
    }
    return {
      signer: signers[index],
      address: signers[index].address,
      label: accountLabel(signers[index].address, index),
    };
  }
  throw new CliError(`--from ${from}: expected an account index, an address, env:<VARIABLE> or keystore:<FILE>`);
}

/** The network's first account: the default `--from`. */
async function defaultSigner(hre: HardhatRuntimeEnvironment): Promise<SelectedSigner> {
  const signers = await hre.ethers.getSigners();
  if (signers.length === 0) {
    throw new CliError(
      `network "${hre.network.name}" has no account: set HEDGE_PRIVATE_KEY, or pass --from env:<VARIABLE> or keystore:<FILE>`,
    );
  }
  return { signer: signers[0], address: signers[0].address, label: accountLabel(signers[0].address, 0) };
}

/** `--from env:NAME`: the private key held in $NAME. A refusal names the variable, never its value. */
function envSigner(hre: HardhatRuntimeEnvironment, from: string, name: string): SelectedSigner {
  const key = process.env[name];
  if (!key) throw new CliError(`--from ${from}: the environment variable ${name} is not set`);
  let wallet: Wallet;
  try {
    wallet = new Wallet(key.startsWith("0x") ? key : `0x${key}`, hre.ethers.provider);
  } catch {
    throw new CliError(`--from ${from}: ${name} does not hold a valid private key (${PRIVATE_KEY_FORMAT}; not shown)`);
  }
  return { signer: wallet, address: wallet.address, label: `${wallet.address} (key from $${name})` };
}

/** `--from keystore:FILE`: the keystore's key, once its password opens it. */
async function keystoreSigner(hre: HardhatRuntimeEnvironment, file: string): Promise<SelectedSigner> {
  const { openKeystore } = await import("./keystore");
  const wallet = (await openKeystore(file, `--from keystore:${file}`)).connect(hre.ethers.provider);
  return { signer: wallet, address: wallet.address, label: `${wallet.address} (keystore ${file})` };
}

/** The refusal of a seat action without `--from`: who could sign it. */
async function fromRequired(
  hre: HardhatRuntimeEnvironment,
  { task, holders: readHolders }: NonNullable<SignerOptions["seatAction"]>,
): Promise<string> {
  const [holders, indices] = await Promise.all([readHolders(), accountIndex(hre)]);
  if (holders.length === 0) return `${task} needs --from, a seat holder, and the council has no seat holder`;
  const names = holders.map((address) => {
    const index = indices.get(address.toLowerCase());
    return index === undefined ? address : accountLabel(address, index);
  });
  return `${task} needs --from: the seat holders are ${names.join(", ")} (give an index or an address, or env:NAME / keystore:FILE with a holder's key)`;
}

/**
 * Resolves an account given as an index of the network's accounts or as an address, for parameters such as a
 * seat holder; `flag` names the parameter in errors.
 */
export async function resolveAccount(hre: HardhatRuntimeEnvironment, flag: string, value: string): Promise<string> {
  const text = value.trim();
  refuseKey(flag, text, "give the account's address");
  if (isAddress(text)) return getAddress(text);
  if (/^\d+$/.test(text)) {
    const signers = await hre.ethers.getSigners();
    const index = Number(text);
    if (index < signers.length) return signers[index].address;
    throw new CliError(
      `${flag} ${text}: network "${hre.network.name}" has ${signers.length} accounts; give an address or an index below ${signers.length}`,
    );
  }
  throw new CliError(`${flag} ${value}: not an address (0x followed by 40 hex digits) nor an account index`);
}

/** A label for a known account: `account 2 (0x1234…abcd)`. */
export function accountLabel(address: string, index: number): string {
  return `account ${index} (${address})`;
}

/** Maps addresses to the network's account indices, to print `0xabc… (account 3)`. */
export async function accountIndex(hre: HardhatRuntimeEnvironment): Promise<Map<string, number>> {
  const signers = await hre.ethers.getSigners();
  return new Map(signers.map((s, i) => [s.address.toLowerCase(), i]));
}

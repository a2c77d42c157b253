// Encrypted keystores: the Web3 Secret Storage JSON that geth, ethers and foundry's `cast wallet` write. Opens one
// for `--from keystore:FILE`, writes one for `hedge:keystore`, and asks for the secrets they need: the password (from
// $HEDGE_KEYSTORE_PASSWORD, the first line of $HEDGE_KEYSTORE_PASSWORD_FILE, or typed without echo on a terminal)
// and, for an import, the private key (typed without echo, or piped on stdin).
//
// A private key or a password is never printed, never part of an error message and never read from the command
// line, where the shell's history and `ps` would keep it.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { Wallet, decryptKeystoreJson, encryptKeystoreJson, isKeystoreJson } from "ethers";

import { writeFileAtomic } from "../atomic-file";
import { CliError } from "../output";

export const PASSWORD_ENV = "HEDGE_KEYSTORE_PASSWORD";
export const PASSWORD_FILE_ENV = "HEDGE_KEYSTORE_PASSWORD_FILE";

/** The standard input as the prompts use it: a terminal (raw mode, no echo) or a pipe. */
export type SecretInput = NodeJS.ReadableStream & {
  isTTY?: boolean;
  isRaw?: boolean;
  setRawMode?: (mode: boolean) => unknown;
};

/** Where secrets come from and where prompts go. The process's own by default; the tests pass theirs. */
export interface SecretSource {
  stdin: SecretInput;
  prompts: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
}

function processSecrets(): SecretSource {
  // Prompts go to stderr so that stdout carries only the command's result.
  return { stdin: process.stdin, prompts: process.stderr, env: process.env };
}

/** A keystore path as typed: `~/` is the home directory (the shell does not expand it after `keystore:`). */
export function keystorePath(file: string): string {
  return path.resolve(file.startsWith("~/") ? path.join(os.homedir(), file.slice(2)) : file);
}

// ---------------------------------------------------------------------------------------------------- password

/**
 * The password of a keystore; `what` names the keystore in prompts and errors. `create` (a new keystore): asked
 * twice on a terminal, and never empty. Returns where it came from too, for the wrong-password error.
 */
export async function readPassword(
  what: string,
  options: { create?: boolean } = {},
  io: SecretSource = processSecrets(),
): Promise<{ password: string; source: string }> {
  const given = secretFromEnv(io.env, PASSWORD_ENV, PASSWORD_FILE_ENV, what);
  let password: string;
  let source: string;
  if (given) {
    [password, source] = [given.value, given.source];
  } else if (io.stdin.isTTY) {
    password = await promptHidden(`${options.create ? "New password" : "Password"} for ${what}: `, io);
    if (options.create && password !== "" && (await promptHidden("Repeat the password: ", io)) !== password) {
      throw new CliError("the two passwords differ; nothing was written");
    }
    source = "the terminal";
  } else {
    throw new CliError(
      `${what} needs a password and there is no terminal to ask it on: set ${PASSWORD_ENV}, or ${PASSWORD_FILE_ENV} to a file whose first line is the password`,
    );
  }
  if (options.create && password === "") throw new CliError(`${what}: the password is empty; choose one`);
  return { password, source };
}

/**
 * A secret kept out of the command line: the variable `variable` itself, or the first line of the file the variable
 * `fileVariable` names (for automation); null when neither is set. `what` begins the refusal of both at once. The
 * source says where it came from, for messages: never the value.
 */
export function secretFromEnv(
  env: NodeJS.ProcessEnv,
  variable: string,
  fileVariable: string,
  what: string,
): { value: string; source: string } | null {
  const direct = env[variable];
  const file = env[fileVariable];
  if (direct && file) throw new CliError(`${what}: both ${variable} and ${fileVariable} are set; unset one`);
  if (direct) return { value: direct, source: `$${variable}` };
  if (file) return { value: readSecretFile(fileVariable, file), source: `${fileVariable}=${file}` };
  return null;
}

/** The first line of a file named by the variable `variable`, without its line ending. */
function readSecretFile(variable: string, file: string): string {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    throw new CliError(`${variable}=${file}: cannot read it (${errorCode(error)})`);
  }
  return text.split(/\r?\n/, 1)[0];
}

// ------------------------------------------------------------------------------------------------- private key

/** A private key typed without echo on a terminal, or piped on stdin. The refusals never show what was read. */
export async function readPrivateKey(io: SecretSource = processSecrets()): Promise<Wallet> {
  const where = io.stdin.isTTY ? "the key typed" : "stdin";
  const text = (io.stdin.isTTY ? await promptHidden("Private key (hex, not shown): ", io) : await readAll(io.stdin))
    .trim()
    .replace(/^0x/i, "");
  if (text === "") throw new CliError(`${where} holds no private key: pipe it in, or run on a terminal to type it`);
  if (!/^[0-9a-fA-F]{64}$/.test(text)) {
    throw new CliError(`${where} does not hold a private key (32 bytes in hex, with or without 0x; not shown here)`);
  }
  try {
    return new Wallet(`0x${text}`);
  } catch {
    throw new CliError(`${where} does not hold a valid private key (zero, or not below the curve order)`);
  }
}

/** Everything piped on stdin, up to a few kilobytes (a private key is 66 characters). */
async function readAll(stdin: SecretInput): Promise<string> {
  let text = "";
  for await (const chunk of stdin) {
    text += chunk.toString();
    if (text.length > 4_096) throw new CliError("stdin holds more than a private key (over 4 KB); pipe only the key");
  }
  return text;
}

// -------------------------------------------------------------------------------------------------- the prompt

/**
 * Asks for a secret on the terminal without echo: raw mode, nothing printed while typing. Enter ends it, Backspace
 * erases a character, Ctrl-U the whole line, Ctrl-C or Ctrl-D abort; escape sequences (arrow keys) are ignored.
 * The terminal's mode is restored however it ends. The tests run it on a stand-in TTY stream, not a real terminal.
 */
function promptHidden(question: string, io: SecretSource): Promise<string> {
  const { stdin, prompts } = io;
  return new Promise((resolve, reject) => {
    const wasRaw = stdin.isRaw ?? false;
    let typed: string[] = [];
    const finish = (error?: CliError) => {
      stdin.removeListener("data", onData);
      stdin.setRawMode?.(wasRaw);
      stdin.pause();
      prompts.write("\n");
      if (error) reject(error);
      else resolve(typed.join(""));
    };
    const onData = (chunk: Buffer | string) => {
      // Escape sequences (arrow keys, Home...) are not part of a secret.
      const text = chunk.toString().replace(/\u001b(\[[0-9;]*[A-Za-z~]|.)/g, "");
      for (const ch of text) {
        if (ch === "\r" || ch === "\n") return finish();
        if (ch === "\u0003" || ch === "\u0004") return finish(new CliError("interrupted: nothing was written or sent"));
        if (ch === "\u007f" || ch === "\b") typed = typed.slice(0, -1);
        else if (ch === "\u0015") typed = [];
        else if (ch >= " ") typed.push(ch);
      }
    };
    prompts.write(question);
    stdin.setRawMode?.(true);
    stdin.setEncoding("utf8");
    stdin.on("data", onData);
    stdin.resume();
  });
}

// ------------------------------------------------------------------------------------------- reading, writing

/**
 * Opens the keystore `file` with its password; `what` (e.g. `--from keystore:seat1.json`) names it in errors.
 * The wallet is not connected to a provider.
 */
export async function openKeystore(file: string, what: string, io: SecretSource = processSecrets()): Promise<Wallet> {
  const json = readKeystoreFile(file, what);
  const { password, source } = await readPassword(what, {}, io);
  try {
    return new Wallet((await decryptKeystoreJson(json, password)).privateKey);
  } catch (error) {
    if (isWrongPassword(error)) throw new CliError(`${what}: wrong password (from ${source})`);
    throw new CliError(`${what}: cannot decrypt it (${ethersReason(error)})`);
  }
}

function readKeystoreFile(file: string, what: string): string {
  let json: string;
  try {
    json = fs.readFileSync(keystorePath(file), "utf8");
  } catch (error) {
    if (errorCode(error) === "ENOENT") throw new CliError(`${what}: no such file`);
    throw new CliError(`${what}: cannot read it (${errorCode(error)})`);
  }
  if (!isKeystoreJson(json)) {
    throw new CliError(
      `${what}: not an encrypted keystore (the version 3 JSON that geth, ethers or cast wallet write)`,
    );
  }
  return json;
}

/** Refuses to replace an existing `file` unless `force`; checked before any secret is asked for. */
export function checkKeystoreTarget(file: string, force = false): void {
  const target = keystorePath(file);
  if (!fs.existsSync(target)) return;
  if (!fs.statSync(target).isFile()) throw new CliError(`--out ${file} is not a file`);
  if (!force) {
    throw new CliError(
      `--out ${file} already exists; pass --force to replace it (its key is lost unless kept elsewhere)`,
    );
  }
}

/**
 * Encrypts `wallet`'s key with `password` (scrypt with ethers' defaults, those of geth: N = 2^17, r = 8, p = 1) into
 * `file`, readable by its owner only (mode 0600). The file is written next to its target and renamed into place,
 * so a failure never leaves half a keystore, then read back and decrypted: a new key exists nowhere else.
 */
export async function writeKeystore(
  file: string,
  wallet: Wallet,
  password: string,
  options: { force?: boolean } = {},
): Promise<string> {
  checkKeystoreTarget(file, options.force);
  const target = keystorePath(file);
  const json = await encryptKeystoreJson({ address: wallet.address, privateKey: wallet.privateKey }, password);
  try {
    writeFileAtomic(target, json, { mode: 0o600 });
  } catch (error) {
    throw new CliError(`--out ${file}: cannot write it (${errorCode(error)})`);
  }
  const check = await decryptKeystoreJson(fs.readFileSync(target, "utf8"), password);
  if (check.address !== wallet.address) throw new CliError(`--out ${file}: the file written does not read back`);
  return target;
}

// ------------------------------------------------------------------------------------------------------ errors

/** ethers' refusal of a keystore's MAC: the password does not match. */
function isWrongPassword(error: unknown): boolean {
  return (error as { shortMessage?: string }).shortMessage === "incorrect password";
}

/** ethers' one-line reason, without its argument dump. */
function ethersReason(error: unknown): string {
  const e = error as { shortMessage?: string; message?: string };
  return e.shortMessage ?? e.message ?? String(error);
}

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? String(error);
}

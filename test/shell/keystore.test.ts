// scripts/lib/shell/keystore.ts: opening encrypted keystores (geth's layout and ethers' own), where the password
// comes from (environment, password file, terminal) and the one-line refusals, which never show a key or a password.
// The terminal prompt runs here on a stand-in for a TTY stream (raw mode recorded, keys written to it); a real
// terminal needs a pseudo-terminal, which these tests do not have.
import fs from "node:fs";
import path from "node:path";
import { PassThrough, Readable } from "node:stream";

import { expect } from "chai";
import { Wallet, encryptKeystoreJson } from "ethers";

import { CliError } from "../../scripts/lib/output";
import {
  PASSWORD_ENV,
  PASSWORD_FILE_ENV,
  openKeystore,
  readPassword,
  readPrivateKey,
  type SecretInput,
  type SecretSource,
} from "../../scripts/lib/shell/keystore";
import { tempDir } from "../tasks/helpers";

/**
 * A keystore in geth's layout (`address` without 0x, lower-case `crypto`, scrypt with geth's light parameters
 * N = 4096, p = 6), as `geth account new --lightkdf` writes it; made once with ethers and laid out like geth.
 */
const GETH_FIXTURE = path.join(__dirname, "fixtures", "geth-keystore.json");
const GETH_ADDRESS = "0x0e0587c7c5c912Efe2eF130D1234bdE74093ef33";
const GETH_PASSWORD = "hedge-fixture-password";
const WHAT = "--from keystore:test.json";

/** Secrets from the environment only: stdin is a pipe (no terminal), holding `piped`. */
function piped(env: NodeJS.ProcessEnv, input = ""): SecretSource {
  return { stdin: Readable.from([input]), prompts: new PassThrough(), env };
}

/** A stand-in for a terminal: records raw mode; `answers` are typed, one per prompt, once the prompt is shown. */
function terminal(answers: string[]): SecretSource & { rawModes: boolean[]; shown: () => string } {
  const stdin = new PassThrough() as PassThrough & SecretInput;
  const rawModes: boolean[] = [];
  stdin.isTTY = true;
  stdin.isRaw = false;
  stdin.setRawMode = (mode: boolean) => {
    rawModes.push(mode);
    stdin.isRaw = mode;
    return stdin;
  };
  const prompts = new PassThrough();
  let shown = "";
  prompts.on("data", (d) => {
    shown += d;
    if (String(d).endsWith(": ")) setImmediate(() => stdin.write(answers.shift() ?? ""));
  });
  return { stdin, prompts, env: {}, rawModes, shown: () => shown };
}

/** The one-line message of the CliError that `promise` must reject with. */
async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(CliError);
    const message = (error as Error).message;
    expect(message).not.to.include("\n");
    return message;
  }
  expect.fail("expected a refusal");
}

describe("keystores (scripts/lib/shell/keystore)", function () {
  this.timeout(60_000);
  const dir = tempDir("keystore-unit");
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("opens a keystore in geth's layout with the password from HEDGE_KEYSTORE_PASSWORD", async () => {
    const wallet = await openKeystore(GETH_FIXTURE, WHAT, piped({ [PASSWORD_ENV]: GETH_PASSWORD }));
    expect(wallet.address).to.equal(GETH_ADDRESS);
  });

  it("opens a keystore in ethers' layout (its own `Crypto` key), made with a low scrypt N", async () => {
    const made = Wallet.createRandom();
    const file = path.join(dir, "ethers.json");
    const json = await encryptKeystoreJson({ address: made.address, privateKey: made.privateKey }, "pw", {
      scrypt: { N: 2 ** 10 },
    });
    expect(JSON.parse(json)).to.have.property("Crypto");
    fs.writeFileSync(file, json);
    const wallet = await openKeystore(file, WHAT, piped({ [PASSWORD_ENV]: "pw" }));
    expect(wallet.privateKey).to.equal(made.privateKey);
  });

  it("takes the first line of HEDGE_KEYSTORE_PASSWORD_FILE, without its line ending", async () => {
    for (const [name, text] of [
      ["unix", `${GETH_PASSWORD}\nnot the password\n`],
      ["windows", `${GETH_PASSWORD}\r\n`],
      ["bare", GETH_PASSWORD],
    ]) {
      const file = path.join(dir, `password-${name}`);
      fs.writeFileSync(file, text);
      const wallet = await openKeystore(GETH_FIXTURE, WHAT, piped({ [PASSWORD_FILE_ENV]: file }));
      expect(wallet.address, name).to.equal(GETH_ADDRESS);
    }
  });

  it("refuses a wrong password, naming where it came from and never showing it", async () => {
    const message = await refusal(openKeystore(GETH_FIXTURE, WHAT, piped({ [PASSWORD_ENV]: "guess-1234" })));
    expect(message).to.equal(`${WHAT}: wrong password (from $${PASSWORD_ENV})`);
    const file = path.join(dir, "wrong-password");
    fs.writeFileSync(file, "guess-1234\n");
    const fromFile = await refusal(openKeystore(GETH_FIXTURE, WHAT, piped({ [PASSWORD_FILE_ENV]: file })));
    expect(fromFile).to.equal(`${WHAT}: wrong password (from ${PASSWORD_FILE_ENV}=${file})`);
    expect(fromFile).not.to.include("guess-1234");
  });

  it("without a terminal and without the variables, says which variables to set", async () => {
    const message = await refusal(openKeystore(GETH_FIXTURE, WHAT, piped({})));
    expect(message).to.equal(
      `${WHAT} needs a password and there is no terminal to ask it on: set ${PASSWORD_ENV}, or ${PASSWORD_FILE_ENV} to a file whose first line is the password`,
    );
  });

  it("refuses both variables at once, a missing password file, a missing file and a file that is no keystore", async () => {
    expect(
      await refusal(openKeystore(GETH_FIXTURE, WHAT, piped({ [PASSWORD_ENV]: "a", [PASSWORD_FILE_ENV]: "b" }))),
    ).to.equal(`${WHAT}: both ${PASSWORD_ENV} and ${PASSWORD_FILE_ENV} are set; unset one`);
    const absent = path.join(dir, "absent");
    expect(await refusal(openKeystore(GETH_FIXTURE, WHAT, piped({ [PASSWORD_FILE_ENV]: absent })))).to.equal(
      `${PASSWORD_FILE_ENV}=${absent}: cannot read it (ENOENT)`,
    );
    expect(await refusal(openKeystore(absent, WHAT, piped({ [PASSWORD_ENV]: "pw" })))).to.equal(
      `${WHAT}: no such file`,
    );
    const notKeystore = path.join(dir, "deployment.json");
    fs.writeFileSync(notKeystore, JSON.stringify({ network: "hardhat", chainId: 31337 }));
    expect(await refusal(openKeystore(notKeystore, WHAT, piped({ [PASSWORD_ENV]: "pw" })))).to.equal(
      `${WHAT}: not an encrypted keystore (the version 3 JSON that geth, ethers or cast wallet write)`,
    );
  });

  it("reads a private key piped on stdin, with or without 0x, and refuses anything else without showing it", async () => {
    const key = Wallet.createRandom().privateKey;
    expect((await readPrivateKey(piped({}, `${key}\n`))).privateKey).to.equal(key);
    expect((await readPrivateKey(piped({}, key.slice(2)))).privateKey).to.equal(key);
    const short = key.slice(0, -1);
    const message = await refusal(readPrivateKey(piped({}, short)));
    expect(message).to.equal("stdin does not hold a private key (32 bytes in hex, with or without 0x; not shown here)");
    expect(await refusal(readPrivateKey(piped({}, "\n")))).to.match(/^stdin holds no private key/);
    expect(await refusal(readPrivateKey(piped({}, `0x${"0".repeat(64)}`)))).to.match(
      /^stdin does not hold a valid private key \(zero/,
    );
  });

  it("refuses an empty password for a new keystore", async () => {
    expect(await refusal(readPassword("keystore k.json", { create: true }, terminal(["\r"])))).to.equal(
      "keystore k.json: the password is empty; choose one",
    );
  });

  describe("the terminal prompt (on a stand-in TTY stream)", () => {
    it("reads without echo, handles Backspace and Ctrl-U, and restores the terminal's mode", async () => {
      const tty = terminal(["xx\u0015pa\u007fss\u001b[Aword\r"]);
      const { password, source } = await readPassword(WHAT, {}, tty);
      expect(password).to.equal("pssword");
      expect(source).to.equal("the terminal");
      expect(tty.rawModes).to.deep.equal([true, false]);
      expect(tty.shown()).to.equal(`Password for ${WHAT}: \n`);
    });

    it("asks a new password twice and refuses two different ones", async () => {
      const same = terminal(["s3cret\r", "s3cret\r"]);
      expect((await readPassword("k.json", { create: true }, same)).password).to.equal("s3cret");
      expect(same.shown()).to.equal("New password for k.json: \nRepeat the password: \n");
      const differ = terminal(["s3cret\r", "s3crex\r"]);
      expect(await refusal(readPassword("k.json", { create: true }, differ))).to.equal(
        "the two passwords differ; nothing was written",
      );
      expect(differ.rawModes).to.deep.equal([true, false, true, false]);
    });

    it("aborts on Ctrl-C, restoring the terminal's mode", async () => {
      const tty = terminal(["abc\u0003"]);
      expect(await refusal(readPassword(WHAT, {}, tty))).to.equal("interrupted: nothing was written or sent");
      expect(tty.rawModes).to.deep.equal([true, false]);
    });

    it("reads a private key typed on the terminal without echo", async () => {
      const key = Wallet.createRandom().privateKey;
      const tty = terminal([`${key}\r`]);
      expect((await readPrivateKey(tty)).privateKey).to.equal(key);
      expect(tty.shown()).to.equal("Private key (hex, not shown): \n");
    });
  });
});

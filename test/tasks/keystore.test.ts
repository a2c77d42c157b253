// Encrypted keystores as a user runs them, in child processes of the hardhat CLI: `hedge:keystore new|import`
// (the private key piped on stdin, the password from the environment; stdin is a pipe, never a terminal), and
// `--from keystore:FILE` against a real `hardhat node` reached as the `remote` network, where the keystore's address
// holds a seat. Checks the files written (mode, content), that only the address and the path are printed, the
// one-line refusals, and that a refused command sends nothing.
import type { ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

import { expect } from "chai";
import { HDNodeWallet, Mnemonic, Wallet, decryptKeystoreJson, encryptKeystoreJson } from "ethers";

import type { ApprovalsFile } from "../../scripts/lib/approvals-file";
import { rpc as rpcAt, startNode, stopChild } from "../helpers/node";
import { hardhatCli, tempDir, type CliRun } from "./helpers";

const PASSWORD = "correct horse battery staple";

function ok(run: CliRun, what: string): string {
  expect(run.code, `${what} failed:\n${run.stdout}\n${run.stderr}`).to.equal(0);
  expect(run.stderr, `${what} printed errors`).to.equal("");
  return run.stdout;
}

/** Exit status 1, exactly one `error:` line equal to `message`, and no secret printed. */
function refused(run: CliRun, message: string, secrets: string[] = []): void {
  expect(run.code, `expected exit status 1:\n${run.stdout}\n${run.stderr}`).to.equal(1);
  const lines = run.stderr.split("\n").filter(Boolean);
  expect(lines, `stderr:\n${run.stderr}`).to.have.length(1);
  expect(lines[0]).to.equal(`error: ${message}`);
  for (const secret of secrets) expect(run.stdout + run.stderr).not.to.include(secret);
}

/** Runs two child processes at a time: each loads Hardhat, and CPU is scarce. */
async function inPairs(runs: (() => Promise<CliRun>)[]): Promise<CliRun[]> {
  const done: CliRun[] = [];
  for (let i = 0; i < runs.length; i += 2) done.push(...(await Promise.all(runs.slice(i, i + 2).map((r) => r()))));
  return done;
}

describe("tasks: hedge:keystore new|import (child processes)", function () {
  this.timeout(180_000);
  const dir = tempDir("keystore");
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const keystore = (args: string[], env: Record<string, string | undefined> = {}, input = "") =>
    hardhatCli(["hedge:keystore", ...args], { HEDGE_KEYSTORE_PASSWORD: PASSWORD, ...env }, 60_000, input);

  /** The keystore `file`: readable by its owner only, and what it decrypts to with the password. */
  async function opened(file: string): Promise<{ address: string; privateKey: string }> {
    expect(fs.statSync(file).mode & 0o777, `${file} mode`).to.equal(0o600);
    return decryptKeystoreJson(fs.readFileSync(file, "utf8"), PASSWORD);
  }

  it("new: writes a fresh key, mode 0600, and prints only its address and path", async () => {
    const file = path.join(dir, "new.json");
    const out = ok(await keystore(["new", "--out", file]), "hedge:keystore new");
    const address = /^Address: (0x[0-9a-fA-F]{40})$/m.exec(out)![1];
    expect(out.trim().split("\n")).to.deep.equal([`Address: ${address}`, `Keystore: ${file}`]);
    const account = await opened(file);
    expect(account.address).to.equal(address);
    expect(out).not.to.include(account.privateKey.slice(2));
  });

  it("import: encrypts the key piped on stdin; refuses to replace a file unless --force", async () => {
    const file = path.join(dir, "imported.json");
    const first = Wallet.createRandom();
    const out = ok(await keystore(["import", "--out", file], {}, `${first.privateKey}\n`), "hedge:keystore import");
    expect(out.trim().split("\n")).to.deep.equal([`Address: ${first.address}`, `Keystore: ${file}`]);
    expect((await opened(file)).privateKey).to.equal(first.privateKey);

    const second = Wallet.createRandom();
    const before = fs.readFileSync(file, "utf8");
    refused(
      await keystore(["import", "--out", file], {}, second.privateKey.slice(2)),
      `--out ${file} already exists; pass --force to replace it (its key is lost unless kept elsewhere)`,
      [second.privateKey.slice(2)],
    );
    expect(fs.readFileSync(file, "utf8"), "a refused import changed the file").to.equal(before);

    const replaced = ok(
      await keystore(["import", "--out", file, "--force"], {}, second.privateKey.slice(2)),
      "hedge:keystore import --force",
    );
    expect(replaced).to.include(`Address: ${second.address}`);
    expect((await opened(file)).privateKey).to.equal(second.privateKey);
  });

  it("refuses bad input with one line, never echoing a key, and writes nothing", async () => {
    const file = path.join(dir, "refused.json");
    const almostKey = Wallet.createRandom().privateKey.slice(0, -2);
    const cases: [string[], Record<string, string | undefined>, string, string][] = [
      [
        ["new", "--out", file],
        { HEDGE_KEYSTORE_PASSWORD: undefined },
        "",
        `keystore ${file} needs a password and there is no terminal to ask it on: set HEDGE_KEYSTORE_PASSWORD, or HEDGE_KEYSTORE_PASSWORD_FILE to a file whose first line is the password`,
      ],
      [
        ["import", "--out", file],
        {},
        almostKey,
        "stdin does not hold a private key (32 bytes in hex, with or without 0x; not shown here)",
      ],
      [["import", "--out", file], {}, "", "stdin holds no private key: pipe it in, or run on a terminal to type it"],
      [["new"], {}, "", "hedge:keystore new needs --out: the keystore file to write"],
      [["export", "--out", file], {}, "", "hedge:keystore export: unknown action, expected new | import"],
      [["--out", file], {}, "", "hedge:keystore needs an action: new | import"],
    ];
    const runs = await inPairs(
      cases.map(
        ([args, env, input]) =>
          () =>
            keystore(args, env, input),
      ),
    );
    cases.forEach(([, , , message], i) => refused(runs[i], message, [almostKey.slice(2)]));
    expect(fs.existsSync(file), "a refused command wrote the keystore").to.equal(false);
  });
});

describe("tasks: --from keystore:FILE against `hardhat node` (child processes, --network remote)", function () {
  this.timeout(240_000);
  const MNEMONIC = Mnemonic.fromPhrase("test test test test test test test test test test test junk");
  /** The keys `hardhat node` unlocks, derived like Hardhat does (never printed). */
  const [deployer, seat1, seat2] = [0, 1, 2].map((i) => HDNodeWallet.fromMnemonic(MNEMONIC, `m/44'/60'/0'/0/${i}`));
  const holder = Wallet.createRandom();
  const dir = tempDir("keystore-node");
  const file = path.join(dir, "holder.json");
  const passwordFile = path.join(dir, "password.txt");
  let node: ChildProcess | undefined;
  let url = "";
  let id = "";

  const cli = (args: string[], env: Record<string, string | undefined> = {}) =>
    hardhatCli([...args, "--network", "remote"], {
      HEDGE_RPC_URL: url,
      HEDGE_PRIVATE_KEY: deployer.privateKey,
      HEDGE_CHAIN_ID: undefined,
      HEDGE_DEPLOYMENTS_DIR: dir,
      HEDGE_SEAT1_KEY: seat1.privateKey,
      HEDGE_KEYSTORE_PASSWORD: undefined,
      HEDGE_KEYSTORE_PASSWORD_FILE: undefined,
      ...env,
    });
  const rpc = <T>(method: string, params: unknown[] = []) => rpcAt<T>(url, method, params);
  const nonce = async (address: string) => Number(await rpc<string>("eth_getTransactionCount", [address, "latest"]));

  /** Block number and the nonces of every key in play. */
  async function fingerprint(): Promise<string> {
    const nonces = await Promise.all([deployer, seat1, seat2, holder].map((w) => nonce(w.address)));
    return `${await rpc<string>("eth_blockNumber")}:${nonces.join(",")}`;
  }

  before(async function () {
    // A low scrypt N keeps each decryption fast; the format is the standard one.
    const json = await encryptKeystoreJson({ address: holder.address, privateKey: holder.privateKey }, PASSWORD, {
      scrypt: { N: 2 ** 10 },
    });
    fs.writeFileSync(file, json, { mode: 0o600 });
    fs.writeFileSync(passwordFile, `${PASSWORD}\n`, { mode: 0o600 });
    const started = await startNode();
    node = started.child;
    url = started.url;
    await rpc("eth_sendTransaction", [{ from: deployer.address, to: holder.address, value: "0x8ac7230489e80000" }]);
    const holders = [holder, seat1, seat2].map((w) => w.address).join(",");
    ok(
      await cli(["hedge:deploy", "--holders", holders, "--thresholds", "2,2,2,1", "--mock-oracle", "--quiet"]),
      "hedge:deploy",
    );
  });

  after(async () => {
    if (node) await stopChild(node, "SIGTERM");
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("signs off-chain with the keystore's key (EIP-712), sending nothing", async () => {
    const approvals = path.join(dir, "approvals.json");
    const out = ok(
      await cli(
        [
          "hedge:propose",
          "policy",
          "--set",
          "coverageBps=3000",
          "--from",
          `keystore:${file}`,
          "--offchain",
          "--out",
          approvals,
        ],
        { HEDGE_KEYSTORE_PASSWORD: PASSWORD },
      ),
      "hedge:propose --offchain --from keystore",
    );
    expect(out).to.include(
      `Signed as proposer by ${holder.address} (keystore ${file}) (seat 1, valid for 7 d); nothing was sent.`,
    );
    const content = JSON.parse(fs.readFileSync(approvals, "utf8")) as ApprovalsFile;
    expect(content.signatures.map((s) => s.signer)).to.deep.equal([holder.address]);
    expect(await nonce(holder.address)).to.equal(0);
  });

  it("refuses a wrong password, a missing password and a seat action without --from; nothing sent", async () => {
    const proposed = ok(
      await cli(["hedge:propose", "policy", "--set", "coverageBps=3100", "--from", "env:HEDGE_SEAT1_KEY"]),
      "hedge:propose",
    );
    id = /Id: (0x[0-9a-f]{64})/.exec(proposed)![1];
    const before = await fingerprint();
    const cases: [string[], Record<string, string>, string][] = [
      [
        ["hedge:approve", "--id", id, "--from", `keystore:${file}`],
        { HEDGE_KEYSTORE_PASSWORD: "Tr0ub4dor&3" },
        `--from keystore:${file}: wrong password (from $HEDGE_KEYSTORE_PASSWORD)`,
      ],
      [
        ["hedge:approve", "--id", id, "--from", `keystore:${file}`],
        {},
        `--from keystore:${file} needs a password and there is no terminal to ask it on: set HEDGE_KEYSTORE_PASSWORD, or HEDGE_KEYSTORE_PASSWORD_FILE to a file whose first line is the password`,
      ],
      [
        ["hedge:approve", "--id", id],
        { HEDGE_KEYSTORE_PASSWORD: PASSWORD },
        `hedge:approve needs --from: the seat holders are ${holder.address}, ${seat1.address}, ${seat2.address} (give an index or an address, or env:NAME / keystore:FILE with a holder's key)`,
      ],
    ];
    const runs = await inPairs(
      cases.map(
        ([args, env]) =>
          () =>
            cli(args, env),
      ),
    );
    const secrets = [holder, seat1, seat2, deployer].map((w) => w.privateKey.slice(2));
    cases.forEach(([, , message], i) => refused(runs[i], message, [...secrets, "Tr0ub4dor&3", PASSWORD]));
    expect(await fingerprint(), "a refused command sent a transaction").to.equal(before);
  });

  it("approves on chain with the keystore, the password from HEDGE_KEYSTORE_PASSWORD_FILE", async () => {
    expect(id, "needs the proposal of the previous test").not.to.equal("");
    const out = ok(
      await cli(["hedge:approve", "--id", id, "--from", `keystore:${file}`], {
        HEDGE_KEYSTORE_PASSWORD_FILE: passwordFile,
      }),
      "hedge:approve --from keystore",
    );
    expect(out).to.include(`Approved by ${holder.address} (keystore ${file}): 2 of 2 approvals.`);
    expect(await nonce(holder.address)).to.equal(1);
  });
});

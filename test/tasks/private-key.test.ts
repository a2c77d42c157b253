// A malformed private key in the environment (issue 25): HEDGE_PRIVATE_KEY, `remote`'s key, once broke every command
// with Hardhat's HH8 and a stack trace. Now only a command on `remote` is refused, in one line that names the
// variable, says what a key looks like and what to do, and never shows the value, not even a piece of it; commands on
// the other networks run. The same for `--from env:NAME`. The command line as users type it runs as a child process;
// the check's answers run in-process too.
import fs from "node:fs";

import { expect } from "chai";

import { isPrivateKey, unusableNetworkError } from "../../scripts/lib/shell/argv";
import { hardhatCli, tempDir, type CliRun } from "./helpers";

/** A plausible secret with a typo: a real-looking key one hex digit short. */
const LONG_SECRET = "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f36231";
/** The malformed values of HEDGE_PRIVATE_KEY tried, by what they are. */
const MALFORMED: [string, string][] = [
  ["too short", "0x1234"],
  ["not hex at all", "not-a-key"],
  ["a real-looking key one digit short", LONG_SECRET],
  ["a key with a trailing line feed", `${LONG_SECRET}a\n`],
  ["64 hex digits that are zero, no key", "0".repeat(64)],
];

const REFUSAL =
  /^error: --network remote: HEDGE_PRIVATE_KEY does not hold a valid private key \(64 hex digits, with or without 0x; not shown\): set it to the key of the account that signs on remote, or unset it and sign with --from env:NAME or --from keystore:FILE$/;

/** Fails if any piece of `secret` (6 characters or the whole of a shorter one) shows in what the run printed. */
function expectNotShown(run: CliRun, secret: string): void {
  const printed = `${run.stdout}\n${run.stderr}`;
  const value = secret.trim();
  const size = Math.min(6, value.length);
  for (let i = 0; i + size <= value.length; i++) {
    expect(printed, `a piece of the secret (${i}..${i + size}) was printed`).not.to.include(value.slice(i, i + size));
  }
}

describe("command line: a malformed private key in the environment", function () {
  this.timeout(180_000);
  const dir = tempDir("private-key");
  const unreachable = "http://127.0.0.1:9"; // never reached: every command here is refused or runs in-process
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  describe("as a child process", function () {
    for (const [what, value] of MALFORMED) {
      it(`refuses --network remote with HEDGE_PRIVATE_KEY ${what}, in one line that does not show it`, async () => {
        const run = await hardhatCli(["hedge:status", "--network", "remote"], {
          HEDGE_RPC_URL: unreachable,
          HEDGE_PRIVATE_KEY: value,
          HEDGE_DEPLOYMENTS_DIR: dir,
        });
        expect(run.stderr.split("\n"), run.stderr).to.have.length(1);
        expect(run.stderr).to.match(REFUSAL);
        expect(run.stderr).not.to.include("HH8");
        expect(run.stdout).to.equal("");
        expect(run.code).to.equal(1);
        expectNotShown(run, value);
      });
    }

    it("refuses --network remote with a HEDGE_RPC_URL or HEDGE_CHAIN_ID that is none, naming the variable", async () => {
      for (const [env, message] of [
        [
          { HEDGE_RPC_URL: "rpc.example/v3/XXXXsecretXXXX" },
          /^error: --network remote: HEDGE_RPC_URL is not an http\(s\) URL \(not shown\): set it to the JSON-RPC endpoint/,
        ],
        [
          { HEDGE_RPC_URL: unreachable, HEDGE_CHAIN_ID: "mainnet" },
          /^error: --network remote: HEDGE_CHAIN_ID is not a chain id \(a positive whole number, e\.g\. 1 or 8453\)/,
        ],
      ] as const) {
        const run = await hardhatCli(["hedge:status", "--network", "remote"], { ...env, HEDGE_DEPLOYMENTS_DIR: dir });
        expect(run.stderr).to.match(message);
        expect(run.stderr.split("\n"), run.stderr).to.have.length(1);
        expect(run.code).to.equal(1);
        expect(run.stdout + run.stderr).not.to.include("XXXXsecretXXXX");
      }
    });

    it("refuses any other command on remote the same way (`hardhat run`, before it compiles)", async () => {
      const run = await hardhatCli(["--network", "remote", "run", "scripts/nothing.ts"], {
        HEDGE_RPC_URL: unreachable,
        HEDGE_PRIVATE_KEY: LONG_SECRET,
      });
      expect(run.stderr).to.match(/^error: --network remote: HEDGE_PRIVATE_KEY does not hold a valid private key /);
      expect(run.stderr.split("\n")).to.have.length(1);
      expect(run.code).to.equal(1);
      expectNotShown(run, LONG_SECRET);
    });

    it("runs a hedge command on the in-process network regardless", async () => {
      const run = await hardhatCli(["hedge:deploy", "--quiet"], {
        HEDGE_RPC_URL: unreachable,
        HEDGE_PRIVATE_KEY: LONG_SECRET,
        HEDGE_DEPLOYMENTS_DIR: dir,
      });
      expect(run.code, run.stderr).to.equal(0);
      expect(run.stderr).to.equal("");
      expect(run.stdout).to.match(/Wrote .*hardhat\.json/);
      expectNotShown(run, LONG_SECRET);
    });

    it("leaves the other commands alone (`hardhat help` loads the whole config and toolbox)", async () => {
      const run = await hardhatCli(["help"], { HEDGE_RPC_URL: unreachable, HEDGE_PRIVATE_KEY: "0x1234" });
      expect(run.code, run.stderr).to.equal(0);
      expect(run.stderr).to.equal("");
      expect(run.stdout).to.include("AVAILABLE TASKS");
    });

    it("refuses --from env:NAME holding a malformed key by the variable's name, never its value", async () => {
      const run = await hardhatCli(["hedge:deploy", "--quiet", "--from", "env:HEDGE_TEST_SIGNER_KEY"], {
        HEDGE_TEST_SIGNER_KEY: LONG_SECRET,
        HEDGE_DEPLOYMENTS_DIR: dir,
      });
      expect(run.stderr).to.equal(
        "error: --from env:HEDGE_TEST_SIGNER_KEY: HEDGE_TEST_SIGNER_KEY does not hold a valid private key (64 hex digits, with or without 0x; not shown)",
      );
      expect(run.code).to.equal(1);
      expectNotShown(run, LONG_SECRET);
    });
  });

  describe("in-process", function () {
    it("knows a private key: 64 hex digits, with or without 0x, from 1 to the curve order less one", () => {
      const key = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
      expect(isPrivateKey(key)).to.equal(true);
      expect(isPrivateKey(`0x${key}`)).to.equal(true);
      expect(isPrivateKey(`0x${key.toUpperCase()}`)).to.equal(true);
      expect(isPrivateKey(`0x${"0".repeat(63)}1`)).to.equal(true);
      expect(isPrivateKey("0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140")).to.equal(true);
      for (const [, value] of MALFORMED) expect(isPrivateKey(value), value).to.equal(false);
      expect(isPrivateKey("0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141")).to.equal(false);
      expect(isPrivateKey(`${key}0`)).to.equal(false);
      expect(isPrivateKey(` ${key}`)).to.equal(false);
      expect(isPrivateKey(`0X${key}`)).to.equal(false);
    });

    it("refuses every task on an unusable network, chosen by --network or HARDHAT_NETWORK, but not help", () => {
      const problems = { remote: "the problem" };
      const check = (line: string, env: NodeJS.ProcessEnv = {}) =>
        unusableNetworkError(line.split(" ").filter(Boolean), problems, env);
      expect(check("--network remote hedge:status")).to.equal("--network remote: the problem");
      expect(check("hedge:status --network remote --all")).to.equal("--network remote: the problem");
      expect(check("test --network remote")).to.equal("--network remote: the problem");
      expect(check("hedge:status", { HARDHAT_NETWORK: "remote" })).to.equal("HARDHAT_NETWORK=remote: the problem");
      expect(check("--network localhost hedge:status")).to.equal(undefined);
      expect(check("hedge:status")).to.equal(undefined);
      expect(check("test")).to.equal(undefined);
      expect(check("--network remote hedge:status --help")).to.equal(undefined);
      expect(check("--network remote help")).to.equal(undefined);
      expect(check("--network remote")).to.equal(undefined);
    });
  });
});

// Hardhat's own argument errors for hedge:* commands: one `error:` line that says what to do, exit code 1, no stack
// trace. The command line as users type it runs as a child process; the check's other answers run in-process.
import { expect } from "chai";
import hre from "hardhat";

import { hedgeCommandLineError, invokedTask } from "../../scripts/lib/shell/argv";
import { hardhatCli } from "./helpers";

const NETWORKS = ["hardhat", "localhost"];
const HINTS = { remote: "HEDGE_RPC_URL (the JSON-RPC URL of the chain)" };

/** The check's answer for a command line, with the tasks this process declared and no HARDHAT_NETWORK. */
const check = (line: string, env: NodeJS.ProcessEnv = {}) =>
  hedgeCommandLineError(line.split(" ").filter(Boolean), hre.tasks, NETWORKS, HINTS, env);

describe("command line: Hardhat's argument errors in one line", function () {
  this.timeout(180_000);

  describe("as a child process", function () {
    const cases: [string, string[], RegExp, Record<string, string | undefined>?][] = [
      [
        "a repeated --set",
        ["hedge:propose", "policy", "--set", "coverageBps=3000", "--set", "targetDte=5"],
        /^error: --set is given twice; give it once \(it takes a comma-separated list\)$/,
      ],
      [
        "a missing positional kind",
        ["hedge:propose", "--set", "coverageBps=3000"],
        /^error: hedge:propose needs <kind> \(the first word after hedge:propose\): what to change: policy \| nudge \| /,
      ],
      [
        "a negative --vix",
        ["hedge:oracle", "--vix", "-5"],
        /^error: --vix -5: not a VIX level \(a number such as 31\.5\)$/,
      ],
      [
        "an option without its value",
        ["hedge:queue", "--id"],
        /^error: --id needs a value: the proposal id or a unique prefix \(write --id <value>\)$/,
      ],
      [
        "an unknown --froom",
        ["hedge:propose", "policy", "--set", "coverageBps=3000", "--froom", "1"],
        /^error: hedge:propose has no option --froom; did you mean --from\? \(see npx hardhat hedge:propose --help\)$/,
      ],
      [
        "--network remote without HEDGE_RPC_URL",
        ["--network", "remote", "hedge:status"],
        /^error: --network remote needs HEDGE_RPC_URL \(the JSON-RPC URL of the chain\), and HEDGE_PRIVATE_KEY, --from env:NAME or --from keystore:FILE to sign$/,
        { HEDGE_RPC_URL: undefined, HEDGE_PRIVATE_KEY: undefined },
      ],
    ];
    for (const [what, args, message, env] of cases) {
      it(`refuses ${what}`, async () => {
        const run = await hardhatCli(args, env ?? {});
        expect(run.stderr.split("\n"), run.stderr).to.have.length(1);
        expect(run.stderr).to.match(message);
        expect(run.stderr).not.to.include("    at ");
        expect(run.stdout).to.equal("");
        expect(run.code).to.equal(1);
      });
    }

    it("still prints a hedge command's help", async () => {
      const run = await hardhatCli(["hedge:queue", "--help"]);
      expect(run.code).to.equal(0);
      expect(run.stdout).to.match(
        /Usage: hardhat \[GLOBAL OPTIONS\] hedge:queue \[--allow-outdated\] \[--from <STRING>\] --id <STRING>/,
      );
      expect(run.stderr).to.equal("");
    });
  });

  describe("in-process", function () {
    it("finds the task behind global options, as Hardhat does", () => {
      expect(invokedTask(["--network", "localhost", "hedge:status", "--all"])).to.equal("hedge:status");
      expect(invokedTask(["--show-stack-traces", "test", "test/x.test.ts"])).to.equal("test");
      expect(invokedTask(["--network", "localhost"])).to.equal(undefined);
    });

    it("leaves what Hardhat accepts, help, and every other command alone", () => {
      expect(check("hedge:propose policy --set coverageBps=3000 --from 1 --dry-run")).to.equal(undefined);
      expect(check("--network localhost hedge:queue --id 0x12 --from 2")).to.equal(undefined);
      expect(check("hedge:queue --network localhost --id 0x12")).to.equal(undefined);
      expect(check("hedge:propose --help")).to.equal(undefined);
      expect(check("hedge:queue --id --help")).to.equal(undefined);
      expect(check("test --froom 1 --network nowhere")).to.equal(undefined);
      expect(check("--network nowhere compile")).to.equal(undefined);
    });

    it("names the value an option was not given, even when the next word is an option", () => {
      expect(check("hedge:queue --id --from 1")).to.equal(
        "--id needs a value: the proposal id or a unique prefix (write --id <value>)",
      );
      expect(check("hedge:approve --from --id 0x12")).to.match(/^--from needs a value: the seat holder who approves /);
    });

    it("asks for a required option, and shows how to give a bare value to it", () => {
      expect(check("hedge:queue 0x12")).to.equal(
        "hedge:queue needs --id <value>: the proposal id or a unique prefix; to give 0x12, write --id 0x12",
      );
      expect(check("hedge:execute --from 1")).to.equal(
        "hedge:execute needs --id <value>: the proposal id or a unique prefix",
      );
    });

    it("refuses extra words, repeated flags, unknown options and unknown commands", () => {
      expect(check("hedge:propose policy extra")).to.equal(
        'hedge:propose takes one argument, <kind>, not "extra" (other values follow their --option; see npx hardhat hedge:propose --help)',
      );
      expect(check("hedge:status extra")).to.match(/^hedge:status takes no argument "extra" \(/);
      expect(check("hedge:status --all --all")).to.equal("--all is given twice; give it once");
      expect(check("hedge:status --froom 1")).to.equal("hedge:status has no option --froom; its options: --all, --id");
      // Rules v3: the salt is gone (the description makes the id), and so is hedge:status --descriptions.
      expect(check("hedge:propose policy --salt x")).to.match(/^hedge:propose has no option --salt[;(]/);
      expect(check("hedge:status --descriptions proposals")).to.match(/^hedge:status has no option --descriptions;/);
      expect(check("hedge:stats")).to.equal(
        "no command hedge:stats; did you mean hedge:status? (npx hardhat lists the commands)",
      );
    });

    it("names the network that is not configured, from --network or HARDHAT_NETWORK", () => {
      expect(check("--network remote hedge:status")).to.equal(
        "--network remote needs HEDGE_RPC_URL (the JSON-RPC URL of the chain)",
      );
      expect(check("hedge:status", { HARDHAT_NETWORK: "remote" })).to.equal(
        "HARDHAT_NETWORK=remote needs HEDGE_RPC_URL (the JSON-RPC URL of the chain)",
      );
      expect(check("hedge:status --network mainnet")).to.equal(
        "--network mainnet: no such network; use hardhat, localhost, remote",
      );
      expect(check("--network localhost hedge:status")).to.equal(undefined);
    });
  });
});

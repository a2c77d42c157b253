// hedge:deploy and hedge:status in-process: the deployments file, the status report, and every refusal of a bad
// deployment value or a bad deployments file (one error line, exit code 1, nothing sent).
import fs from "node:fs";
import path from "node:path";

import { expect } from "chai";
import hre from "hardhat";

import { DEPLOYMENT_FORMAT, type Deployment } from "../../scripts/lib/deployments";
import { malformedCopies } from "../helpers/malformed";
import { deployFresh, expectRefused, runOk, runTask, useTaskSandbox } from "./helpers";

describe("tasks: hedge:deploy and hedge:status", function () {
  const sandbox = useTaskSandbox();
  const file = () => path.join(sandbox.dir(), "hardhat.json");
  let deployment: Deployment;

  before(async () => {
    deployment = await deployFresh();
  });

  it("registers every task of the interface (README) with help text for the task and each parameter", () => {
    const names = ["deploy", "status", "propose", "sign", "approve", "submit", "queue", "execute", "veto", "cancel"];
    for (const name of [...names, "oracle", "sync", "demo", "time"].map((n) => `hedge:${n}`)) {
      const definition = hre.tasks[name];
      expect(definition, name).to.not.equal(undefined);
      expect(definition.description, name).to.be.a("string").and.not.equal("");
      const params = [...Object.values(definition.paramDefinitions), ...definition.positionalParamDefinitions];
      for (const param of params)
        expect(param.description, `${name} --${param.name}`).to.be.a("string").and.not.equal("");
    }
  });

  it("records chain id, contracts with their transactions and blocks, the council settings and the policy hash", async () => {
    const onDisk = JSON.parse(fs.readFileSync(file(), "utf8")) as Deployment;
    expect(onDisk).to.deep.equal(JSON.parse(JSON.stringify(deployment)));
    expect(onDisk.format).to.equal(DEPLOYMENT_FORMAT);
    expect(onDisk.chainId).to.equal(31337);
    expect(onDisk.network).to.equal("hardhat");
    for (const key of ["oracle", "seats", "timelock", "policy", "council"] as const) {
      const entry = onDisk.contracts[key];
      const receipt = await hre.ethers.provider.getTransactionReceipt(entry.transactionHash!);
      expect(receipt?.contractAddress, key).to.equal(entry.address);
      expect(receipt?.blockNumber, key).to.equal(entry.blockNumber);
    }
    const signers = await hre.ethers.getSigners();
    expect(onDisk.council.initialSeats).to.deep.equal(signers.slice(1, 6).map((s) => s.address));
    expect(onDisk.council.thresholds).to.deep.equal({ fast: 2, standard: 3, critical: 4, veto: 2 });
    expect(onDisk.council.delays).to.deep.equal({ standard: 86_400, critical: 259_200 });
    expect(onDisk.council).to.include({ minDelay: 86_400, proposalTtl: 604_800, gracePeriod: 1_209_600 });
    const policy = await hre.ethers.getContractAt("HedgePolicy", onDisk.contracts.policy.address);
    expect(onDisk.initialPolicy).to.deep.equal({ version: 1, hash: await policy.policyHash() });
    expect(onDisk.oracleIsMock).to.equal(true);
  });

  it("hedge:status prints the policy table, VIX, seats, tier rules and open proposals", async () => {
    const { out } = await runOk("hedge:status");
    const text = out.join("\n");
    expect(text).to.match(/Policy version 1, hash 0x[0-9a-f]{64}/);
    expect(text).to.match(/0\s+40\.00 %\s+30 d\s+20\.00\s+VIX call spread/);
    expect(text).to.match(/1\s+40\.00 %\s+90 d\s+28\.00\s+VIX futures/);
    expect(text).to.match(/2\s+20\.00 %\s+180 d\s+35\.00\s+SPX puts/);
    expect(text).to.include("coverage 25.00 %");
    expect(text).to.include("short delta 0.15-0.25");
    expect(text).to.match(/VIX 15\.00 .*engaged layers: none/);
    expect(text).to.match(/Seats: 5/);
    expect(text).to.match(/Fast\s+2 of 5\s+none/);
    expect(text).to.match(/Standard\s+3 of 5\s+1 d/);
    expect(text).to.match(/Critical\s+4 of 5\s+3 d/);
    expect(text).to.include("veto: 2 seats");
    expect(text).to.include("Open proposals: 0");
  });

  it("deploys with custom holders, thresholds and delays", async () => {
    const signers = await hre.ethers.getSigners();
    const d = await deployFresh({
      holders: `7,8,${signers[9].address}`,
      thresholds: "2,2,3,1",
      standardDelay: "2h",
      criticalDelay: "1d",
      initialVix: "21.25",
    });
    expect(d.council.initialSeats).to.deep.equal([signers[7].address, signers[8].address, signers[9].address]);
    expect(d.council.thresholds).to.deep.equal({ fast: 2, standard: 2, critical: 3, veto: 1 });
    expect(d.council.delays).to.deep.equal({ standard: 7_200, critical: 86_400 });
    expect(d.council.minDelay).to.equal(7_200);
    const oracle = await hre.ethers.getContractAt("MockV3Aggregator", d.contracts.oracle.address);
    expect(await oracle.latestAnswer()).to.equal(21_25000000n);
    deployment = await deployFresh();
  });

  describe("refuses bad deployment values before sending anything", () => {
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ["--seats 0", { seats: "0" }, /^--seats 0: out of range, must be 1\.\.64/],
      [
        "--seats beyond the accounts",
        { seats: "25" },
        /--seats 25: seats go to accounts 1\.\.25, but network "hardhat" has 20 accounts/,
      ],
      [
        "a holder listed twice",
        { holders: "1,2,1" },
        /--holders: 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 is listed twice/,
      ],
      ["a holder that is not an address", { holders: "1,0x12" }, /--holders 0x12: not an address/],
      [
        "thresholds out of order",
        { thresholds: "3,2,4,2" },
        /--thresholds 3,2,4,2: must satisfy min\(2, seats\) = 2 <= fast <= standard <= critical <= 5 seats/,
      ],
      [
        "a lone seat on the Fast tier",
        { thresholds: "1,3,4,2" },
        /--thresholds 1,3,4,2: must satisfy min\(2, seats\) = 2 <= fast .* \(no single seat acts alone\)/,
      ],
      ["a threshold above the seats", { thresholds: "2,3,6,2" }, /--thresholds 6: out of range, must be 1\.\.5/],
      ["a malformed delay", { standardDelay: "soon" }, /--standard-delay soon: not a duration/],
      [
        "a Critical delay below Standard",
        { criticalDelay: "1h" },
        /--critical-delay 1 h is below the Standard delay 1 d/,
      ],
      ["a TTL below one hour", { proposalTtl: "59m" }, /--proposal-ttl 59 min: out of range, must be 1 h\.\.365 d/],
      ["a non-positive initial VIX", { initialVix: "0" }, /--initial-vix 0: out of range/],
      [
        "an oracle without code",
        { oracle: "0x000000000000000000000000000000000000dEaD" },
        /--oracle 0x000000000000000000000000000000000000dEaD: no contract there/,
      ],
      ["an unknown --from account", { from: "42" }, /--from 42: network "hardhat" has 20 accounts \(0\.\.19\)/],
      [
        "a --from variable that is not set",
        { from: "env:HEDGE_TEST_UNSET_KEY" },
        /--from env:HEDGE_TEST_UNSET_KEY: the environment variable HEDGE_TEST_UNSET_KEY is not set/,
      ],
    ];
    for (const [what, args, message] of cases) {
      it(what, async () => {
        await expectRefused("hedge:deploy", { force: true, quiet: true, ...args }, message);
      });
    }

    it("a --from variable that holds no private key, without printing it", async () => {
      process.env.HEDGE_TEST_BAD_KEY = "not-a-key-secret";
      try {
        const message = await expectRefused(
          "hedge:deploy",
          { force: true, quiet: true, from: "env:HEDGE_TEST_BAD_KEY" },
          /--from env:HEDGE_TEST_BAD_KEY: HEDGE_TEST_BAD_KEY does not hold a valid private key/,
        );
        expect(message).not.to.include("not-a-key-secret");
      } finally {
        delete process.env.HEDGE_TEST_BAD_KEY;
      }
    });

    it("a second deployment over a live one without --force", async () => {
      await expectRefused(
        "hedge:deploy",
        { quiet: true },
        /hardhat\.json already records a deployment that is live on chain 31337; pass --force/,
      );
    });
  });

  describe("every task refuses a bad deployments file", () => {
    let saved = "";
    beforeEach(() => {
      saved = fs.readFileSync(file(), "utf8");
    });
    afterEach(() => {
      fs.writeFileSync(file(), saved);
    });

    it("a missing file", async () => {
      fs.rmSync(file());
      await expectRefused(
        "hedge:status",
        {},
        /no deployment for network "hardhat": .*hardhat\.json does not exist \(the in-process hardhat network starts empty/,
      );
    });

    it("a file for another chain (wrong network)", async () => {
      fs.writeFileSync(file(), saved.replace('"chainId": 31337', '"chainId": 11155111'));
      await expectRefused(
        "hedge:queue",
        { id: "0x12345678" },
        /hardhat\.json is for chain 11155111, but network "hardhat" is chain 31337/,
      );
    });

    it("a file whose contracts are not on the chain (stale)", async () => {
      const stale = JSON.parse(saved) as Deployment;
      stale.contracts.council.address = "0x000000000000000000000000000000000000c0DE";
      fs.writeFileSync(file(), JSON.stringify(stale));
      await expectRefused(
        "hedge:status",
        {},
        /hardhat\.json is stale: no contract at 0x000000000000000000000000000000000000c0DE \(council\) on chain 31337/,
      );
    });

    it("a file that is not JSON", async () => {
      fs.writeFileSync(file(), "{ not json");
      await expectRefused("hedge:sync", {}, /hardhat\.json is not valid JSON/);
    });

    it("a file with a malformed field", async () => {
      const bad = JSON.parse(saved) as Deployment;
      (bad.contracts.timelock as { address: string }).address = "timelock";
      fs.writeFileSync(file(), JSON.stringify(bad));
      await expectRefused("hedge:status", {}, /hardhat\.json: contracts\.timelock\.address is not an address/);
    });

    it("a file truncated, or with any field missing or of the wrong type: one line naming it, nothing read", async () => {
      const wrong: string[] = [];
      for (const [what, text] of malformedCopies(saved)) {
        fs.writeFileSync(file(), text);
        const run = await runTask("hedge:status");
        const refused =
          run.exitCode === 1 &&
          run.out.length === 0 &&
          run.err.length === 1 &&
          /^error: [^\n]*hardhat\.json(:| is not valid JSON)/.test(run.err[0]);
        if (!refused) wrong.push(`${what}: exit ${run.exitCode}, ${run.err[0] ?? run.out[0]}`);
      }
      expect(wrong).to.deep.equal([]);
    });
  });
});

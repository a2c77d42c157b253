// Refusals that never act, in-process: a refused time advance never moves the clock, a sync that would change no
// layer sends nothing, hedge:oracle --sync refuses before the update when the sync could not follow, and
// hedge:deploy refuses before deploying when it could not write the deployments file.
import fs from "node:fs";
import path from "node:path";

import { expect } from "chai";
import hre from "hardhat";

import { chainFingerprint, expectRefused, runOk, tempDir, useDeployedSystem } from "./helpers";

const latestTimestamp = async () => (await hre.ethers.provider.getBlock("latest"))!.timestamp;

describe("tasks: refusals that never act (time, sync, oracle --sync, deploy)", function () {
  const fixture = useDeployedSystem();

  /** Mines one block with a 1-second advance and returns how far the clock moved since `before`. */
  const clockMovedSince = async (before: number) => {
    await runOk("hedge:time", { advance: "1" });
    return (await latestTimestamp()) - before;
  };

  it("refuses an advance beyond 10 years without moving the clock", async () => {
    const before = await latestTimestamp();
    await expectRefused(
      "hedge:time",
      { advance: "9999999999d" },
      /^--advance 9999999999d: too far, at most 3650d \(10 years\) at a time$/,
    );
    await expectRefused("hedge:time", { advance: "3651d" }, /^--advance 3651d: too far/);
    // Had the refused advances called evm_increaseTime, the next block would carry it.
    expect(await clockMovedSince(before)).to.be.below(60);
  });

  it("accepts exactly 10 years", async () => {
    const before = await latestTimestamp();
    const { result } = await runOk<{ timestamp: number }>("hedge:time", { advance: "3650d" });
    expect(result.timestamp - before).to.be.within(3650 * 86_400, 3650 * 86_400 + 60);
  });

  it("refuses an advance that would take the clock past 9999-12-31, without moving it", async () => {
    const nearTheEnd = 253_402_300_799 - 100 * 86_400;
    await hre.network.provider.send("evm_mine", [nearTheEnd]);
    const before = await latestTimestamp();
    await expectRefused(
      "hedge:time",
      { advance: "101d" },
      /^--advance 101d: the chain's clock \(9999-09-22 23:59:59 UTC\) would pass 9999-12-31 23:59:59 UTC, the latest time the tools handle$/,
    );
    expect(await clockMovedSince(before)).to.be.below(60);
  });

  it("refuses a malformed duration", async () => {
    await expectRefused("hedge:time", { advance: "1w1d" }, /^--advance 1w1d: not a duration/);
  });

  it("sends nothing when the layers already match the VIX, and syncs when they do not", async () => {
    const policy = await hre.ethers.getContractAt("HedgePolicy", fixture.deployment.contracts.policy.address);
    const before = await chainFingerprint();
    const idle = await runOk<{ engaged: number }>("hedge:sync", { from: "7" });
    expect(idle.out).to.deep.equal([
      "The layers already match the VIX (VIX 15.00, engaged layers: none); nothing sent.",
    ]);
    expect(idle.result.engaged).to.equal(0);
    expect(await chainFingerprint()).to.equal(before);

    await runOk("hedge:oracle", { vix: "31.5" });
    const synced = await runOk("hedge:sync", { from: "7" });
    expect(synced.out.join("\n")).to.include("engaged layers: 0, 1.");
    expect(await policy.engagedLayers()).to.equal(3n);

    // A VIX that moves but crosses no trigger (nor the hysteresis band below one) changes no layer either.
    await runOk("hedge:oracle", { vix: "32" });
    const after = await chainFingerprint();
    const again = await runOk("hedge:sync", { from: "7" });
    expect(again.out).to.deep.equal([
      "The layers already match the VIX (VIX 32.00, engaged layers: 0, 1); nothing sent.",
    ]);
    expect(await chainFingerprint()).to.equal(after);
  });

  it("hedge:oracle --sync sends only the oracle update when no layer would change", async () => {
    const before = await chainFingerprint();
    const { out } = await runOk("hedge:oracle", { vix: "16", sync: true });
    expect(out).to.have.length(3);
    expect(out[0]).to.match(/^ {2}sent updateAnswer: tx 0x[0-9a-f]{64} /);
    expect(out.slice(1)).to.deep.equal([
      `The mock VIX oracle now answers 16.00 (set by account 0 (${(await hre.ethers.getSigners())[0].address})).`,
      "The layers already match the VIX (VIX 16.00, engaged layers: none); nothing sent.",
    ]);
    const [blocks] = before.split(":");
    expect((await chainFingerprint()).split(":")[0]).to.equal(String(Number(blocks) + 1));
  });

  it("hedge:oracle --sync refuses before the update when the policy reads another oracle", async () => {
    const timelock = fixture.deployment.contracts.timelock.address;
    const feed = await (await hre.ethers.getContractFactory("MockV3Aggregator")).deploy(8, 20n * 10n ** 8n);
    // Governance moved the policy to another feed (done here as the timelock would, through a proposal).
    await hre.network.provider.send("hardhat_impersonateAccount", [timelock]);
    await hre.network.provider.send("hardhat_setBalance", [timelock, "0xde0b6b3a7640000"]);
    const policy = await hre.ethers.getContractAt("HedgePolicy", fixture.deployment.contracts.policy.address);
    await policy.connect(await hre.ethers.getSigner(timelock)).setOracle(await feed.getAddress());
    await hre.network.provider.send("hardhat_stopImpersonatingAccount", [timelock]);

    const oracle = await hre.ethers.getContractAt("MockV3Aggregator", fixture.deployment.contracts.oracle.address);
    const before = await oracle.latestAnswer();
    await expectRefused(
      "hedge:oracle",
      { vix: "40", sync: true },
      new RegExp(
        `^--sync: the policy reads the oracle ${await feed.getAddress()}, not the mock ${fixture.deployment.contracts.oracle.address}; nothing sent$`,
      ),
    );
    expect(await oracle.latestAnswer()).to.equal(before);
  });

  it("hedge:deploy refuses before deploying when the deployments file cannot be written", async () => {
    const blocker = path.join(tempDir("blocker"), "a-file");
    fs.writeFileSync(blocker, "");
    const previous = process.env.HEDGE_DEPLOYMENTS_DIR;
    process.env.HEDGE_DEPLOYMENTS_DIR = path.join(blocker, "deployments");
    try {
      await expectRefused(
        "hedge:deploy",
        { force: true, quiet: true },
        /^cannot write \S+hardhat\.json \(ENOTDIR\); nothing was deployed$/,
      );
    } finally {
      process.env.HEDGE_DEPLOYMENTS_DIR = previous;
      fs.rmSync(path.dirname(blocker), { recursive: true, force: true });
    }
  });
});

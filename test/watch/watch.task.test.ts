// hedge:watch in-process: every bad flag is refused with one line naming the value and what to do (exit status 1,
// nothing sent), and the keeper's off-chain judgement (scripts/lib/council/oracle) agrees with HedgeUpkeep.preview on
// chain for every kind of oracle answer.
import fs from "node:fs";
import path from "node:path";

import { expect } from "chai";
import hre from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";

import type { HedgeUpkeep } from "../../typechain-types";
import { ORACLE_STATUS, previewSync, readOracle } from "../../scripts/lib/council";
import { deployHedgePolicy, vixAnswer } from "../helpers/hedgePolicy";
import { outageLine } from "../../scripts/commands/watch";
import { expectRefused, tempDir } from "../tasks/helpers";

describe("hedge:watch", function () {
  describe("refuses bad flags with one line", function () {
    const dir = tempDir("watch-flags");
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    const secret = "https://hooks.slack.example/services/T000/B000/XXXXsecretXXXX";
    const cases: [string, Record<string, unknown>, RegExp, Record<string, string>?][] = [
      ["a --seat that is not an address", { seat: "0x1234" }, /^--seat 0x1234: not an address; give a seat holder/],
      [
        "--webhook without its URL in the environment",
        { webhook: true },
        /^--webhook needs the webhook's URL in HEDGE_WEBHOOK_URL, or in the first line of a file named by HEDGE_WEBHOOK_URL_FILE/,
      ],
      [
        "a webhook URL that is not http(s), not shown",
        { webhook: true },
        /^--webhook: \$HEDGE_WEBHOOK_URL does not hold an http\(s\) URL \(not shown here\)/,
        { HEDGE_WEBHOOK_URL: "ftp://hooks/XXXXsecretXXXX" },
      ],
      [
        "a webhook URL in both variables",
        { webhook: true },
        /^--webhook: both HEDGE_WEBHOOK_URL and HEDGE_WEBHOOK_URL_FILE are set; unset one/,
        { HEDGE_WEBHOOK_URL: secret, HEDGE_WEBHOOK_URL_FILE: "/nonexistent" },
      ],
      [
        "a webhook URL file that cannot be read",
        { webhook: true },
        /^HEDGE_WEBHOOK_URL_FILE=\/nonexistent\/hook: cannot read it \(ENOENT\)/,
        { HEDGE_WEBHOOK_URL_FILE: "/nonexistent/hook" },
      ],
      ["a --poll-ms of 0", { pollMs: "0" }, /^--poll-ms 0: out of range, must be 50\.\.3,600,000 milliseconds/],
      ["a --confirmations of -1", { confirmations: "-1" }, /^--confirmations -1: /],
      ["a --confirmations that is no number", { confirmations: "deep" }, /^--confirmations deep: /],
      ["a --keeper without --sync", { keeper: "3" }, /^--keeper 3 needs --sync/],
      ["the in-process network", {}, /in-process chain: start `npx hardhat node` and pass --network localhost/],
    ];
    for (const [what, args, message, env = {}] of cases) {
      it(what, async function () {
        const checkpoint = path.join(dir, "checkpoint.json");
        const saved = { ...process.env };
        Object.assign(process.env, env);
        try {
          const refused = await expectRefused(
            "hedge:watch",
            { pollMs: "1000", rpcTimeoutMs: "10000", checkpoint, ...args },
            message,
          );
          expect(JSON.stringify(refused), "the webhook's secret is printed").to.not.include("XXXXsecretXXXX");
        } finally {
          for (const name of Object.keys(env)) if (saved[name] === undefined) delete process.env[name];
          Object.assign(process.env, saved);
        }
      });
    }

    it("a --checkpoint that is a directory", async function () {
      fs.mkdirSync(path.join(dir, "cp"));
      await expectRefused(
        "hedge:watch",
        { pollMs: "1000", rpcTimeoutMs: "10000", checkpoint: path.join(dir, "cp") },
        /--checkpoint .*cp: is a directory; give a file name/,
      );
    });
  });

  it("tells a node outage with the node's scheme and host only: a provider's URL often holds an API key", function () {
    const url = "https://mainnet.infura.example/v3/XXXXsecretXXXX";
    const lines = [outageLine(url, true, new Error("timeout")), outageLine(url, false)];
    expect(lines[0]).to.match(
      /^hedge:watch: node https:\/\/mainnet\.infura\.example unreachable or failing \(timeout\)/,
    );
    expect(lines[1]).to.equal("hedge:watch: node https://mainnet.infura.example answers again");
    expect(lines.join("\n")).to.not.include("XXXXsecretXXXX");
  });

  describe("the keeper's judgement agrees with HedgeUpkeep.preview", function () {
    async function fixture() {
      const base = await deployHedgePolicy();
      const upkeep: HedgeUpkeep = await (
        await hre.ethers.getContractFactory("HedgeUpkeep")
      ).deploy(base.policy, hre.ethers.ZeroAddress, hre.ethers.ZeroHash, hre.ethers.ZeroAddress);
      const attack = await (await hre.ethers.getContractFactory("AttackOracle")).deploy(8, vixAnswer(2_500));
      return { ...base, upkeep, attack };
    }

    async function expectAgreement(f: Awaited<ReturnType<typeof fixture>>, label: string) {
      const block = await hre.ethers.provider.getBlock("latest");
      const policy = await f.policy.policy();
      const inputs = {
        triggers: policy.layers.map((l) => Number(l.triggerVix)),
        hysteresisVix: Number(policy.hysteresisVix),
        maxOracleAge: Number(policy.maxOracleAge),
        engagedMask: Number(await f.policy.engagedLayers()),
      };
      const reading = await readOracle(
        hre.network.provider,
        await f.policy.oracle(),
        inputs.maxOracleAge,
        block!.timestamp,
        block!.number,
      );
      const off = previewSync(inputs, reading);
      const on = await f.upkeep.preview({ blockTag: block!.number });
      expect(
        [off.needed, off.status, off.vix, off.engagedMask, off.nextMask],
        `${label}: off chain ${JSON.stringify(off, (_, v) => (typeof v === "bigint" ? String(v) : v))}`,
      ).to.deep.equal([
        on.upkeepNeeded,
        ORACLE_STATUS[Number(on.status)],
        Number(on.vix),
        Number(on.engagedMask),
        Number(on.nextMask),
      ]);
    }

    it("on spikes, hysteresis edges and every refused answer", async function () {
      const f = await loadFixture(fixture);
      for (const vix of [1_500, 2_000, 3_150, 4_500]) {
        await f.oracle.updateAnswer(vixAnswer(vix));
        await expectAgreement(f, `VIX ${vix}`);
      }
      await f.upkeep.performUpkeep("0x");
      for (const vix of [4_500, 3_300, 3_299, 1_800, 1_799]) {
        await f.oracle.updateAnswer(vixAnswer(vix));
        await expectAgreement(f, `engaged, VIX ${vix}`);
      }
      await time.increase(3_601);
      await expectAgreement(f, "stale");
      const now = BigInt(await time.latest());
      await f.oracle.updateRoundData(9, vixAnswer(3_000), now + 100n, now);
      await expectAgreement(f, "future");
      await f.oracle.updateRoundData(10, vixAnswer(3_000), 0, 0);
      await expectAgreement(f, "incomplete");
      await f.oracle.updateAnswer(-1);
      await expectAgreement(f, "negative");

      await f.policy.connect(f.governance).setOracle(f.attack);
      const t = BigInt(await time.latest()) + 1n;
      const cases: [string, () => Promise<unknown>][] = [
        ["attack feed", () => f.attack.set(8, 1, vixAnswer(4_000), t)],
        ["decimals 0", () => f.attack.set(0, 1, 40n, t)],
        ["decimals 39", () => f.attack.set(39, 1, vixAnswer(4_000), t)],
        ["decimals 256", () => f.attack.set(256, 1, vixAnswer(4_000), t)],
        ["round id 2^80", () => f.attack.set(8, 2n ** 80n, vixAnswer(4_000), t)],
        ["tiny answer", () => f.attack.set(8, 1, 99n, t)],
        ["short data", () => f.attack.setShortData(true)],
        ["truncated", () => f.attack.setShortData(false).then(() => f.attack.setTruncated(0, 100))],
        ["down", () => f.attack.setTruncated(0, 0).then(() => f.attack.setDown(true))],
      ];
      for (const [label, act] of cases) {
        await act();
        await expectAgreement(f, label);
      }
    });
  });
});

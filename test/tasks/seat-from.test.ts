// Seat actions need --from: the default signer (account 0, the deployer) never holds a seat, so hedge:propose,
// hedge:sign, hedge:approve and hedge:veto without --from refuse with one line naming the seat holders, and send
// nothing. Commands anyone may run (a dry run, relaying a signatures file) keep the default. A private key given
// where an account is expected is refused without being repeated.
import fs from "node:fs";
import path from "node:path";

import { expect } from "chai";
import { Wallet } from "ethers";
import hre from "hardhat";

import type { ProposeResult } from "../../scripts/commands/propose";
import { deployFresh, expectRefused, runOk, tempDir, useTaskSandbox } from "./helpers";

describe("tasks: seat actions require --from", function () {
  useTaskSandbox();
  let holders = "";
  let id = "";
  /** A Critical proposal: the only kind a veto applies to. */
  let critical = "";
  const dir = tempDir("seat-from");
  const file = path.join(dir, "approvals.json");

  before(async () => {
    await deployFresh();
    const signers = await hre.ethers.getSigners();
    holders = [1, 2, 3, 4, 5].map((i) => `account ${i} (${signers[i].address})`).join(", ");
    id = (await runOk<ProposeResult>("hedge:propose", { kind: "policy", set: "coverageBps=3000", from: "1" })).result
      .id;
    critical = (await runOk<ProposeResult>("hedge:propose", { kind: "policy", set: "coverageBps=2000", from: "1" }))
      .result.id;
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const needsFrom = (task: string) =>
    `${task} needs --from: the seat holders are ${holders} (give an index or an address, or env:NAME / keystore:FILE with a holder's key)`;

  it("refuses each seat action without --from, naming the seat holders, and sends nothing", async () => {
    const cases: [string, Record<string, unknown>][] = [
      ["hedge:propose", { kind: "policy", set: "coverageBps=3100" }],
      ["hedge:propose", { kind: "policy", set: "coverageBps=3100", offchain: true, out: file }],
      ["hedge:sign", { id, out: file }],
      ["hedge:approve", { id }],
      ["hedge:veto", { id: critical }],
      ["hedge:revoke", { id }],
    ];
    for (const [task, args] of cases) {
      const reason = await expectRefused(task, args, needsFrom(task));
      expect(reason, task).to.equal(needsFrom(task));
    }
    expect(fs.existsSync(file), "a refused --offchain proposal or signature wrote a file").to.equal(false);
  });

  it("treats an empty --from as absent", async () => {
    await expectRefused("hedge:approve", { id, from: " " }, needsFrom("hedge:approve"));
  });

  it("refuses a private key given as --from or as an account, without repeating it", async () => {
    const key = Wallet.createRandom().privateKey;
    for (const [task, args, flag, instead] of [
      ["hedge:approve", { id, from: key }, "--from", "sign with env:NAME or keystore:FILE"],
      ["hedge:queue", { id, from: key.slice(2) }, "--from", "sign with env:NAME or keystore:FILE"],
      ["hedge:propose", { kind: "seat-add", holder: key, from: "1" }, "--holder", "give the account's address"],
      // A digit missing or one too many: still most of a key, not shown either.
      ["hedge:approve", { id, from: key.slice(0, -1) }, "--from", "sign with env:NAME or keystore:FILE"],
      ["hedge:propose", { kind: "seat-add", holder: `${key}0`, from: "1" }, "--holder", "give the account's address"],
    ] as const) {
      const reason = await expectRefused(task, args, flag);
      expect(reason).to.equal(
        `${flag}: this looks like a private key (not shown); a key never goes on the command line, ${instead}; consider that key exposed`,
      );
      expect(reason).not.to.include(key.slice(2, 20));
    }
  });

  it("keeps the default where no seat is needed: a dry run, and relaying a signatures file", async () => {
    const dry = await runOk<ProposeResult>("hedge:propose", { kind: "policy", set: "coverageBps=3200", dryRun: true });
    expect(dry.out).to.include("Dry run: nothing was sent.");
    await runOk("hedge:sign", { id, from: "2", out: file });
    const { out } = await runOk("hedge:approve", { signatures: file });
    const deployer = (await hre.ethers.getSigners())[0].address;
    expect(out.join("\n")).to.include(`as account 0 (${deployer}): 2 of 3 approvals.`);
  });
});

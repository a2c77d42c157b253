// Issue 24, finding 1, as it was: a seat holder batches a Critical coverage cut to 5 % with a call to its own contract
// (contracts/mocks/AttackHostileTarget.sol). The call succeeds when proposed and reverts later, at the eta a simulation
// moves the clock to, with a reason of its author's choosing: `ESC[2J ESC[H`, then a fake review ("Standard, coverageBps
// 25.00 % → 30.00 % tightens, simulation: executes"). The reason used to be printed raw by hedge:sign (with --export
// too), hedge:simulate, the OUTDATED line and hedge:status, clearing the screen and leaving the fake review above the
// real EIP-712 hashes; and a one-seat decoy proposal wiped every hedge:status screen down to "Open proposals: 0".
//
// Now: every reason is quoted and escaped at its source (scripts/lib/errors), every printer escapes what it prints
// (scripts/lib/untrusted), and the output layer (scripts/lib/output) lets no unsafe character through. The test runs
// the commands in-process (and hedge:status once straight to the process's stdout), and checks that no control
// character reaches the output, that the fake review appears only inside the quoted reason, and that no proposal can
// hide another from hedge:status (a rehearsal that fails without a revert, an INVALID opcode, is that proposal's line).
import fs from "node:fs";
import path from "node:path";

import { expect } from "chai";
import fc from "fast-check";
import { AbiCoder, concat, id as keccakText, toUtf8Bytes } from "ethers";
import hre from "hardhat";

import type { ProposeResult } from "../../scripts/commands/propose";
import { runOk, runTask, tempDir, useDeployedSystem } from "./helpers";

/** Any character that moves the cursor, recolours or reorders: nothing of this kind may be printed raw. */
// eslint-disable-next-line no-control-regex
const RAW_UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

const CLEAR = "\u001b[2J\u001b[H";
/** The review the attacker wants the co-signer to read, in the command line's own words. */
const FAKE_REVIEW = [
  "Proposal 0x5eed000000000000000000000000000000000000000000000000000000000000",
  "  call 0: HedgePolicy.setPolicy(next, expectedVersion 1)",
  "      coverageBps 2,500 (25.00 %) → 3,000 (30.00 %) tightens",
  "  tier Standard: needs 3 approvals, then 1 d in the timelock",
  "simulation: executes; coverageBps 25.00 % → 30.00 %, layers engaged 2 → 2, gas 98,765",
].join("\n");
/** A decoy's reason: the screen cleared, and an empty list of proposals. */
const FAKE_EMPTY = "\r\u001b[2J\u001b[HOpen proposals: 0 (of 0; --all lists every one)\n\u202e";

/** Seat 2's pending loosening, for the suites that need one open proposal besides the decoy. */
async function pendingLooseningOnce() {
  await runOk("hedge:propose", {
    kind: "policy",
    set: "coverageBps=1000",
    from: "2",
    description: "Cut coverage to 10 %",
  });
}

const errorString = (text: string) => concat(["0x08c379a0", AbiCoder.defaultAbiCoder().encode(["string"], [text])]);

describe("tasks: a hostile revert reason cannot forge what a co-signer reads (issue 24, finding 1)", function () {
  const fixture = useDeployedSystem();
  let dir: string;
  before(() => {
    dir = tempDir("hostile");
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const signer = async (i: number) => (await hre.ethers.getSigners())[i];
  const latest = async () => (await hre.ethers.provider.getBlock("latest"))!.timestamp;

  /** Seat 1's attack contract, deployed by seat 1 (account 1). */
  async function deployTarget() {
    const factory = await hre.ethers.getContractFactory("AttackHostileTarget", await signer(1));
    const target = await factory.deploy();
    await target.waitForDeployment();
    return target;
  }

  /**
   * Seat 1 proposes, with a plain contract call, the Critical cut of coverage to 5 % batched with `target.poke()`;
   * `poke` still succeeds (hedge:propose would rehearse it and pass). Returns the proposal id.
   */
  async function proposeBatched(target: Awaited<ReturnType<typeof deployTarget>>, description: string) {
    const cut = (
      await runOk<ProposeResult>("hedge:propose", { kind: "policy", set: "coverageBps=500", from: "1", dryRun: true })
    ).result;
    expect(cut.tier).to.equal(2, "a cut of coverage to 5 % loosens: Critical");
    const targets = [...cut.calls.targets, await target.getAddress()];
    const values = [0n, 0n];
    const calldatas = [...cut.calls.calldatas, target.interface.encodeFunctionData("poke")];
    const council = (await fixture.council()).connect(await signer(1));
    await (await council.propose(targets, values, calldatas, description)).wait();
    return council.hashProposal(targets, values, calldatas, keccakText(description));
  }

  /** Every line a run printed, checked: nothing raw, one `simulation:` line at most, and it tells the revert. */
  function checkPrinted(lines: string[], what: string) {
    for (const line of lines)
      expect(RAW_UNSAFE.test(line), `${what} printed a raw control: ${JSON.stringify(line)}`).to.equal(false);
    const text = lines.join("\n");
    // The fake review's lines are not lines of the output: they sit inside the quoted reason, newlines escaped. (Its
    // call line is also the real one's: the real proposal's first call is that setPolicy.)
    for (const fake of FAKE_REVIEW.split("\n").filter((l) => !l.includes("call 0:"))) {
      expect(
        lines.filter((l) => l.trimStart().startsWith(fake.trim())),
        `${what}: "${fake}" passes for a line`,
      ).to.deep.equal([]);
    }
    expect(text).to.include('the contract reverted with the reason "\\u{1b}[2J\\u{1b}[HProposal 0x5eed');
    // Cut at 120 characters, with the count of the rest: the fake review's later lines are not even shown.
    expect(text).to.match(
      /the reason "\\u\{1b\}\[2J\\u\{1b\}\[HProposal 0x5eed0+\\u\{a\} {2}call 0: [^"]*"… \(\d+ more characters\)/,
    );
  }

  it("the attack is real: at the eta, poke reverts with the screen-clearing fake review", async () => {
    const target = await deployTarget();
    const id = await proposeBatched(target, "Routine rebalance");
    await (await target.arm((await latest()) + 3600, errorString(CLEAR + FAKE_REVIEW), false)).wait();
    // Now the batch passes its rehearsal; an hour later (the eta is days away) the attack contract reverts.
    await hre.ethers.provider.call({
      to: await target.getAddress(),
      data: target.interface.encodeFunctionData("poke"),
    });
    await hre.network.provider.send("evm_increaseTime", [3601]);
    await hre.network.provider.send("evm_mine", []);
    let data = "";
    try {
      await hre.ethers.provider.call({
        to: await target.getAddress(),
        data: target.interface.encodeFunctionData("poke"),
      });
    } catch (error) {
      data = (error as { data: string }).data;
    }
    const [reason] = AbiCoder.defaultAbiCoder().decode(["string"], `0x${data.slice(10)}`);
    expect(reason).to.equal(CLEAR + FAKE_REVIEW);
    expect(id).to.match(/^0x[0-9a-f]{64}$/);
  });

  it("hedge:sign, hedge:sign --export and hedge:simulate quote the reason; the real hashes follow the real review", async () => {
    const target = await deployTarget();
    const id = await proposeBatched(target, "Routine rebalance");
    await (await target.arm((await latest()) + 3600, errorString(CLEAR + FAKE_REVIEW), false)).wait();

    const sign = await runOk("hedge:sign", { id, from: "2", out: path.join(dir, "signed.json") });
    checkPrinted([...sign.out, ...sign.err], "hedge:sign");
    // The one simulation line says the truth first: execute reverts, in the attack contract's call.
    const simulation = sign.out.filter((l) => l.startsWith("simulation:"));
    expect(simulation).to.have.length(1);
    expect(simulation[0]).to.match(
      /^simulation: execute reverts in call 1 \(unknown call to 0x[0-9a-fA-F]{40}: selector 0x[0-9a-f]{8}\): the contract reverted with the reason "/,
    );
    // The real review: the cut to 5 % loosens, Critical.
    expect(sign.out.join("\n")).to.match(/^Tier: Critical/im);
    expect(sign.out.join("\n")).to.match(/coverageBps .*500 \(5\.00 %\)\s+loosens/);
    // The hashes come after the simulation line, as the last thing before what was written.
    const hashes = sign.out.findIndex((l) => l.startsWith("EIP-712 hashes"));
    expect(hashes).to.be.greaterThan(sign.out.indexOf(simulation[0]));

    const exported = path.join(dir, "typed.json");
    const exportRun = await runOk("hedge:sign", { id, signer: "3", export: exported, out: path.join(dir, "e.json") });
    checkPrinted([...exportRun.out, ...exportRun.err], "hedge:sign --export");
    expect(fs.existsSync(exported)).to.equal(true);

    const simulate = await runTask("hedge:simulate", { id, noAudit: true });
    expect(simulate.exitCode, [...simulate.out, ...simulate.err].join("\n")).to.equal(1, "a step reverts: exit 1");
    checkPrinted([...simulate.out, ...simulate.err], "hedge:simulate");
    expect(simulate.out.filter((l) => l.startsWith("Result:"))).to.have.length(1);
    expect(simulate.out.find((l) => l.startsWith("Result:"))).to.match(/^Result: execute reverts in call 1 /);
  });

  it("the OUTDATED line and sign's refusal quote a reason that reverts now", async () => {
    const target = await deployTarget();
    const id = await proposeBatched(target, "Routine rebalance");
    await (await target.arm(0, errorString(CLEAR + FAKE_REVIEW), false)).wait();

    const refused = await runTask("hedge:sign", { id, from: "2", out: path.join(dir, "refused.json") });
    expect(refused.exitCode).to.equal(1);
    expect(refused.err).to.have.length(1);
    checkPrinted([...refused.out, ...refused.err], "refused hedge:sign");
    expect(refused.err[0]).to.match(
      /^error: proposal 0x[0-9a-f]{8}… is outdated, it cannot run as it stands: call 1: the contract reverted with the reason "/,
    );
    expect(refused.err[0]).to.match(/"… \(\d+ more characters\); pass --allow-outdated to sign it anyway$/);

    const allowed = await runOk("hedge:sign", {
      id,
      from: "2",
      out: path.join(dir, "allowed.json"),
      allowOutdated: true,
    });
    checkPrinted([...allowed.out, ...allowed.err], "hedge:sign --allow-outdated");
    expect(
      allowed.out.filter((l) => l.startsWith('  OUTDATED: call 1: the contract reverted with the reason "')),
    ).to.have.length(1);
  });

  it("a typed-data file with hostile fields: sign --import-signature refuses in one quoted line", async () => {
    const target = await deployTarget();
    const id = await proposeBatched(target, "Routine rebalance");
    const exported = path.join(dir, "hostile-typed.json");
    await runOk("hedge:sign", { id, signer: "3", export: exported, out: path.join(dir, "t.json"), noSimulate: true });
    const typed = JSON.parse(fs.readFileSync(exported, "utf8"));
    for (const [edit, field] of [
      [(j: typeof typed) => (j.domain.name = `HedgeCouncil${CLEAR}\nversion 2 ok\u202e`), "its domain is"],
      [(j: typeof typed) => (j.message.proposalId = `${id}${CLEAR}\n  seat 3`), "it approves proposal"],
      [(j: typeof typed) => (j.domain.verifyingContract = `${CLEAR}0x00\r\n`), "it is for council"],
    ] as const) {
      const copy = JSON.parse(JSON.stringify(typed));
      edit(copy);
      const file = path.join(dir, "edited.json");
      fs.writeFileSync(file, JSON.stringify(copy));
      const run = await runTask("hedge:sign", {
        id,
        importSignature: `0x${"11".repeat(65)}`,
        typedData: file,
        out: path.join(dir, "t.json"),
      });
      expect(run.exitCode).to.equal(1);
      expect(run.err).to.have.length(1);
      expect(RAW_UNSAFE.test(run.err[0]), run.err[0]).to.equal(false);
      expect(run.err[0]).to.match(new RegExp(`^error: --typed-data .*: ${field} "`));
      expect(run.err[0]).to.include("\\u{1b}[2J");
    }
  });

  it("fuzz: random reasons of a decoy never add a line to hedge:status, nor a second heading", async () => {
    await pendingLooseningOnce();
    const target = await deployTarget();
    const council = (await fixture.council()).connect(await signer(1));
    const calldatas = [target.interface.encodeFunctionData("poke")];
    await (await council.propose([await target.getAddress()], [0n], calldatas, "decoy")).wait();
    const lines = async (reason: Uint8Array) => {
      await (
        await target.arm(0, concat(["0x08c379a0", AbiCoder.defaultAbiCoder().encode(["bytes"], [reason])]), false)
      ).wait();
      const run = await runOk("hedge:status");
      return [...run.out, ...run.err];
    };
    const harmless = (await lines(toUtf8Bytes("harmless"))).length;
    const tokens = [
      CLEAR,
      "\r",
      "\n",
      "\u0085",
      "\u009b2J",
      "\u202e",
      "\u2028",
      '"',
      "Open proposals: 0",
      "x".repeat(200),
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.array(fc.constantFrom(...tokens), { maxLength: 12 }).map((t) => toUtf8Bytes(t.join(""))),
          fc.uint8Array({ maxLength: 400 }),
        ),
        async (reason) => {
          const out = await lines(reason);
          for (const line of out) expect(RAW_UNSAFE.test(line), JSON.stringify(line)).to.equal(false);
          expect(out).to.have.length(harmless);
          expect(out.filter((l) => l.startsWith("Open proposals:"))).to.deep.equal([
            "Open proposals: 2 (of 2; --all lists every one)",
          ]);
        },
      ),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 12) },
    );
  });

  describe("hedge:status: no proposal can wipe the screen or hide another", () => {
    /** A pending loosening the seats would veto, proposed honestly by seat 2. */
    async function pendingLoosening() {
      return (
        await runOk<ProposeResult>("hedge:propose", {
          kind: "policy",
          set: "coverageBps=1000",
          from: "2",
          description: "Cut coverage to 10 %",
        })
      ).result.id;
    }

    /** Seat 1's decoy: one call to its attack contract, armed to fail now as `arm` says. */
    async function decoy(arm: (t: Awaited<ReturnType<typeof deployTarget>>) => Promise<unknown>) {
      const target = await deployTarget();
      const council = (await fixture.council()).connect(await signer(1));
      const calldatas = [target.interface.encodeFunctionData("poke")];
      const targets = [await target.getAddress()];
      await (await council.propose(targets, [0n], calldatas, "decoy")).wait();
      await arm(target);
      return council.hashProposal(targets, [0n], calldatas, keccakText("decoy"));
    }

    it("a decoy whose reason clears the screen and prints 'Open proposals: 0' is one quoted OUTDATED line", async () => {
      const loosening = await pendingLoosening();
      const decoyId = await decoy(async (t) => (await t.arm(0, errorString(FAKE_EMPTY), false)).wait());
      const { out, err } = await runOk("hedge:status");
      for (const line of [...out, ...err]) expect(RAW_UNSAFE.test(line), JSON.stringify(line)).to.equal(false);
      const heads = out.filter((l) => l.startsWith("Open proposals:"));
      expect(heads).to.deep.equal(["Open proposals: 2 (of 2; --all lists every one)"]);
      const text = out.join("\n");
      expect(text).to.match(new RegExp(`${loosening.slice(0, 10)}….*Critical.*Pending\\s.*Cut coverage to 10 %`));
      expect(text).to.include(
        `  ${decoyId.slice(0, 10)}… OUTDATED: call 0: the contract reverted with the reason "\\u{d}\\u{1b}[2J\\u{1b}[HOpen proposals: 0 (of 0; --all lists every one)\\u{a}\\u{202e}"`,
      );
    });

    it("the same, straight to the process's stdout: no escape byte is written", async () => {
      await pendingLoosening();
      await decoy(async (t) => (await t.arm(0, errorString(FAKE_EMPTY), false)).wait());
      const chunks: string[] = [];
      const write = process.stdout.write.bind(process.stdout);
      const previous = process.exitCode;
      process.stdout.write = ((chunk: string | Uint8Array) => {
        chunks.push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
        return true;
      }) as typeof process.stdout.write;
      try {
        await hre.run("hedge:status");
      } finally {
        process.stdout.write = write;
      }
      const exitCode = process.exitCode;
      process.exitCode = previous;
      const text = chunks.join("");
      expect(exitCode ?? 0).to.equal(0);
      expect(text).to.include("Open proposals: 2 (of 2");
      expect(RAW_UNSAFE.test(text), "a raw control character reached stdout").to.equal(false);
      expect(text).not.to.include("\u001b");
    });

    it("a decoy that runs INVALID (no revert data) is NOT CHECKED on its own line; the loosening is still listed", async () => {
      const loosening = await pendingLoosening();
      const decoyId = await decoy(async (t) => (await t.arm(0, "0x", true)).wait());
      const { out } = await runOk("hedge:status");
      const text = out.join("\n");
      expect(text).to.include("Open proposals: 2 (of 2");
      expect(text).to.match(new RegExp(`${loosening.slice(0, 10)}….*Critical.*Pending\\s`));
      // Before: staleness() threw (no revert data, no "revert" in the node's message) and hedge:status stopped there.
      expect(text).to.match(new RegExp(`${decoyId.slice(0, 10)}….*Pending, NOT CHECKED\\s`));
      expect(out).to.include(
        `  ${decoyId.slice(0, 10)}… NOT CHECKED: rehearsing its calls failed: VM Exception while processing transaction: invalid opcode`,
      );
    });

    it("a decoy whose description is not UTF-8 does not stop hedge:status (shown with U+FFFD)", async () => {
      const loosening = await pendingLoosening();
      const target = await deployTarget();
      const council = (await fixture.council()).connect(await signer(1));
      // propose(address[],uint256[],bytes[],string) with raw description bytes: 0xff is never UTF-8.
      const selector = keccakText("propose(address[],uint256[],bytes[],string)").slice(0, 10);
      const raw = concat([
        selector,
        AbiCoder.defaultAbiCoder().encode(
          ["address[]", "uint256[]", "bytes[]", "bytes"],
          [
            [await target.getAddress()],
            [0n],
            [target.interface.encodeFunctionData("poke")],
            concat([toUtf8Bytes("bad "), "0xff"]),
          ],
        ),
      ]);
      await (await (await signer(1)).sendTransaction({ to: await council.getAddress(), data: raw })).wait();
      const { out } = await runOk("hedge:status");
      const text = out.join("\n");
      expect(text).to.include("Open proposals: 2 (of 2");
      expect(text).to.match(new RegExp(`${loosening.slice(0, 10)}….*Critical.*Pending\\s`));
      expect(text).to.include("bad \uFFFD");
    });
  });
});

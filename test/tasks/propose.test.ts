// hedge:propose in-process: policy changes with their diff and tier, --dry-run, nudges, seat changes (rotation as
// one batch), council settings and the oracle; every bad value refused with one line and nothing sent.
import { expect } from "chai";
import { keccak256, toUtf8Bytes } from "ethers";
import hre from "hardhat";

import type { ProposeResult } from "../../scripts/commands/propose";
import { expectRefused, runOk, runTask, useDeployedSystem } from "./helpers";

const policyArgs = (set: string, extra: Record<string, unknown> = {}) => ({ kind: "policy", set, from: "1", ...extra });

/** The description a command printed: after "Description: ", continued on the lines behind the "│ " gutter. */
function printedDescription(out: string[]): string | null {
  const lines = out.flatMap((l) => l.split("\n"));
  const at = lines.findIndex((l) => l.startsWith("Description: "));
  if (at < 0) return null;
  let text = lines[at].slice("Description: ".length);
  for (const line of lines.slice(at + 1)) {
    const piece = /^\s*│ (.*)$/.exec(line);
    if (!piece) break;
    text += piece[1];
  }
  return text;
}

describe("tasks: hedge:propose", function () {
  const fixture = useDeployedSystem();
  const council = fixture.council;
  const policy = () => hre.ethers.getContractAt("HedgePolicy", fixture.deployment.contracts.policy.address);
  const seats = () => hre.ethers.getContractAt("CouncilSeats", fixture.deployment.contracts.seats.address);

  /** Approves by seats 2.. until the threshold, then queues (unless Fast), waits and executes. */
  async function pass(id: string, approvers: string[], wait: string | null) {
    for (const from of approvers) await runOk("hedge:approve", { id, from });
    if (wait !== null) {
      await runOk("hedge:queue", { id });
      await runOk("hedge:time", { advance: wait });
    }
    await runOk("hedge:execute", { id });
  }

  it("builds a policy change from the current policy, shows the diff and the Standard tier, and proposes it", async () => {
    const { out, result } = await runOk<ProposeResult>(
      "hedge:propose",
      policyArgs("coverageBps=3000,layers.1.triggerVix=2600"),
    );
    const text = out.join("\n");
    expect(text).to.include("Proposal: change the policy (version 1 -> 2)");
    expect(text).to.match(/layers\.1\.triggerVix\s+2,800 \(VIX 28\.00\)\s+2,600 \(VIX 26\.00\)\s+tightens/);
    expect(text).to.match(/coverageBps\s+2,500 \(25\.00 %\)\s+3,000 \(30\.00 %\)\s+tightens/);
    expect(text).to.include("Tier: Standard, needs 3 of 5 seats, then waits 1 d in the timelock");
    expect(text).to.include("  why: call 0: a setPolicy for the current version that does not loosen: Standard");
    const c = await council();
    expect(await c.state(result.id)).to.equal(1n);
    expect(await c.approvalCount(result.id)).to.equal(1n);
    expect(await c.proposalTier(result.id)).to.equal(1n);

    await pass(result.id, ["2", "3"], "1d");
    const p = await policy();
    expect(await p.version()).to.equal(2n);
    const now = await p.policy();
    expect(now.coverageBps).to.equal(3000n);
    expect(now.layers[1].triggerVix).to.equal(2600n);
  });

  it("classifies a loosening change as Critical and marks what loosens", async () => {
    const { out, result } = await runOk<ProposeResult>(
      "hedge:propose",
      policyArgs("coverageBps=2000", { dryRun: true }),
    );
    expect(result.tier).to.equal(2);
    expect(out.join("\n")).to.match(/coverageBps\s+2,500 \(25\.00 %\)\s+2,000 \(20\.00 %\)\s+loosens/);
    expect(out.join("\n")).to.include("Tier: Critical, needs 4 of 5 seats, then waits 3 d in the timelock");
    expect(out.join("\n")).to.match(/why: .*coverage 25\.00 % → 20\.00 %/);
  });

  it("explains a Critical classification by where protection drops", async () => {
    // 4/4/2 -> 3/5/2: less of the budget engages between VIX 20.00 and 28.00.
    const { out, result } = await runOk<ProposeResult>(
      "hedge:propose",
      policyArgs("layers.0.allocationBps=3000,layers.1.allocationBps=5000", { dryRun: true }),
    );
    expect(result.tier).to.equal(2);
    expect(out).to.include(
      "  why: call 0 loosens (Critical): less protection between VIX 20.00 and 28.00: 40.00 % → 30.00 % of the budget",
    );
    // A structural change is named too.
    const swapped = await runOk<ProposeResult>("hedge:propose", policyArgs("layers.0.instrument=3", { dryRun: true }));
    expect(swapped.out.join("\n")).to.match(/why: call 0 loosens \(Critical\): layer 0 changes instrument/);
  });

  it("--dry-run shows everything and sends nothing, even for a non-holder", async () => {
    const before = await hre.ethers.provider.getBlockNumber();
    const { out, result } = await runOk<ProposeResult>(
      "hedge:propose",
      policyArgs("targetDte=5", { from: "9", dryRun: true }),
    );
    expect(out.join("\n")).to.include("Dry run: nothing was sent.");
    expect(out.join("\n")).to.include(`Id: ${result.id}`);
    expect(await hre.ethers.provider.getBlockNumber()).to.equal(before);
    expect(await (await council()).state(result.id)).to.equal(0n);
  });

  it("writes a default description naming the change and the time, unique for the same change proposed twice", async () => {
    const before = Math.floor(Date.now() / 1000);
    const runs = [
      await runOk<ProposeResult>("hedge:propose", policyArgs("coverageBps=3000,layers.1.triggerVix=2600")),
      await runOk<ProposeResult>("hedge:propose", policyArgs("coverageBps=3000,layers.1.triggerVix=2600")),
    ];
    const after = Math.floor(Date.now() / 1000);
    const c = await council();
    const stamp =
      /^layers\.1\.triggerVix 2,800 → 2,600, coverageBps 2,500 → 3,000 \(proposed (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) UTC(, #\d+)?\)$/;
    for (const { out, result } of runs) {
      const match = stamp.exec(result.description);
      expect(match, result.description).not.to.equal(null);
      const at = Date.parse(`${match![1]}Z`) / 1000;
      expect(at).to.be.within(before, after);
      // The description is printed framed: its first line after the label, the rest of a long line behind the gutter.
      expect(printedDescription(out)).to.equal(result.description);
      // On chain, as proposed: the event carries the text, and the id commits to its hash.
      const [created] = await c.queryFilter(c.filters.ProposalCreated(result.id));
      expect(created.args.description).to.equal(result.description);
      expect(result.calls.descriptionHash).to.equal(keccak256(toUtf8Bytes(result.description)));
    }
    expect(runs[1].result.description).not.to.equal(runs[0].result.description);
    expect(runs[1].result.id).not.to.equal(runs[0].result.id);
    expect(await c.state(runs[1].result.id)).to.equal(1n);
  });

  it("gives the same change proposed in the same second a numbered default description", async () => {
    // The wall clock stands still: the second proposal finds the first's text taken on chain.
    const frozen = Date.now;
    const at = frozen();
    Date.now = () => at;
    try {
      const a = await runOk<ProposeResult>("hedge:propose", policyArgs("coverageBps=3000", { dryRun: true }));
      const b = await runOk<ProposeResult>("hedge:propose", policyArgs("coverageBps=3000"));
      const c = await runOk<ProposeResult>("hedge:propose", policyArgs("coverageBps=3000"));
      expect(b.result.description).to.equal(a.result.description, "a dry run takes nothing");
      expect(c.result.description).to.equal(a.result.description.replace(/\)$/, ", #2)"));
    } finally {
      Date.now = frozen;
    }
  });

  it("removes and adds layers", async () => {
    const removed = await runOk<ProposeResult>(
      "hedge:propose",
      policyArgs("layers.0.allocationBps=6000", { removeLayer: "2", dryRun: true }),
    );
    expect(removed.result.tier).to.equal(2, "fewer layers loosen");
    expect(removed.out.join("\n")).to.match(/layers\.length\s+3\s+2\s+loosens/);
    const added = await runOk<ProposeResult>(
      "hedge:propose",
      policyArgs(
        "layers.2.allocationBps=1000,layers.3.allocationBps=1000,layers.3.tenorDays=365,layers.3.triggerVix=4500,layers.3.instrument=SpxPuts",
      ),
    );
    expect(added.result.tier).to.equal(2, "a different number of layers is a structural change");
    // Finding 4: the added layer is a structural change, "loosens" in the command line as in the audit and the rules.
    expect(added.out.join("\n")).to.match(/layers\.length\s+3\s+4\s+loosens/);
    expect(added.out.join("\n")).to.match(/layers\.3\.instrument\s+-\s+SPX puts\s+loosens/);
    await pass(added.result.id, ["2", "3", "4"], "3d");
    const layers = (await (await policy()).policy()).layers;
    expect(layers.map((l) => Number(l.triggerVix))).to.deep.equal([2000, 2800, 3500, 4500]);
    expect(Number(layers[3].instrument)).to.equal(3);
  });

  it("proposes steward nudges as Fast: two approvals execute them at once, without the timelock", async () => {
    const { out, result } = await runOk<ProposeResult>("hedge:propose", {
      kind: "nudge",
      set: "coverageBps=2700,layers.0.triggerVix=2100",
      from: "1",
    });
    expect(result.tier).to.equal(0);
    expect(out.join("\n")).to.include("call 0: HedgePolicy.nudgeCoverage(27.00 %)");
    expect(out.join("\n")).to.match(/coverageBps\s+2,500 \(25\.00 %\)\s+2,700 \(27\.00 %\)\s+tightens/);
    expect(out.join("\n")).to.include("call 1: HedgePolicy.nudgeTrigger(layer 0, VIX 21.00)");
    expect(out.join("\n")).to.match(/layers\.0\.triggerVix\s+2,000 \(VIX 20\.00\)\s+2,100 \(VIX 21\.00\)\s+loosens/);
    expect(out.join("\n")).to.include("  why: call 0: a steward nudge: Fast");
    await expectRefused(
      "hedge:queue",
      { id: result.id },
      /is Fast tier \(steward nudges\): it skips the timelock, run hedge:execute instead/,
    );
    await pass(result.id, ["2"], null);
    const now = await (await policy()).policy();
    expect(now.coverageBps).to.equal(2700n);
    expect(now.layers[0].triggerVix).to.equal(2100n);
  });

  it("rotates a seat in one batch, minting the new seat before burning the old", async () => {
    const signers = await hre.ethers.getSigners();
    const { out, result } = await runOk<ProposeResult>("hedge:propose", {
      kind: "seat-rotate",
      holder: "5",
      newHolder: "6",
      from: "1",
    });
    expect(out.join("\n")).to.include("call 0: CouncilSeats.mint: a new seat for " + signers[6].address);
    expect(out.join("\n")).to.include("call 1: CouncilSeats.burn: seat 5");
    await pass(result.id, ["2", "3", "4"], "3d");
    const s = await seats();
    expect(await s.seatOf(signers[5].address)).to.equal(0n);
    expect(await s.seatOf(signers[6].address)).to.equal(6n);
    expect(await s.seatCount()).to.equal(5n);
  });

  it("proposes seat additions and removals, tier rules, the veto threshold, expiry and the oracle", async () => {
    const kinds: [Record<string, unknown>, string][] = [
      [{ kind: "seat-add", holder: "7" }, "CouncilSeats.mint: a new seat for"],
      [{ kind: "seat-remove", holder: "5" }, "CouncilSeats.burn: seat 5"],
      [{ kind: "tier-rule", tier: "standard", threshold: "2", delay: "2d" }, "Standard needs 2 approvals, delay 2 d"],
      [{ kind: "veto-threshold", threshold: "3" }, "setVetoThreshold: 3 vetoes kill a proposal"],
      [{ kind: "expiry", ttl: "10d" }, "proposal TTL 10 d, grace period 14 d"],
      [{ kind: "oracle", address: fixture.deployment.contracts.oracle.address }, "HedgePolicy.setOracle: VIX oracle →"],
    ];
    for (const [args, expected] of kinds) {
      const { out, result } = await runOk<ProposeResult>("hedge:propose", { ...args, from: "1", dryRun: true });
      expect(out.join("\n"), String(args.kind)).to.include(expected);
      expect(result.tier, String(args.kind)).to.equal(2);
    }
  });

  describe("refuses bad values with one line and sends nothing", () => {
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ["an unknown kind", { kind: "everything" }, /^unknown proposal kind "everything": use one of policy, nudge/],
      [
        "a kind with a typo: the closest kind, and the list",
        { kind: "polcy" },
        /^unknown proposal kind "polcy": did you mean policy\? \(the kinds: policy, nudge, seat-add, .*, oracle\)$/,
      ],
      [
        "a VIX level in VIX points, where --set takes hundredths",
        policyArgs("layers.1.triggerVix=26"),
        /^--set layers\.1\.triggerVix=26: 26 looks like VIX 26\.00: write 2600 \(VIX levels are in hundredths\)$/,
      ],
      [
        "a VIX level with decimals",
        policyArgs("layers.1.triggerVix=26.00"),
        /^--set layers\.1\.triggerVix=26\.00: triggerVix takes whole VIX hundredths: write 2600 for VIX 26\.00$/,
      ],
      [
        "a nudge of the coverage in percent",
        { kind: "nudge", set: "coverageBps=27", from: "1" },
        /^--set coverageBps=27: 27 looks like 27\.00 %: write 2700 \(percentages are in basis points: 1 % = 100\)$/,
      ],
      [
        "a duration with its unit, where --set takes seconds",
        policyArgs("maxOracleAge=2h"),
        /^--set maxOracleAge=2h: maxOracleAge takes seconds: write 7200 for 2 h$/,
      ],
      [
        "an unknown field",
        policyArgs("coverage=3000"),
        /^--set coverage=3000: unknown policy field "coverage" \(fields: coverageBps/,
      ],
      [
        "an unknown layer field",
        policyArgs("layers.1.trigger=2600"),
        /^--set layers\.1\.trigger=2600: unknown layer field "trigger"/,
      ],
      [
        "a value that is not a number",
        policyArgs("coverageBps=lots"),
        /^--set coverageBps=lots: lots is not a whole number/,
      ],
      [
        "a value beyond the field's type",
        policyArgs("coverageBps=70000"),
        /^--set coverageBps=70000: out of range, coverageBps holds 0\.\.65,535/,
      ],
      [
        "a value beyond the policy's invariant",
        policyArgs("coverageBps=12000"),
        /^coverageBps 12,000 is out of range: must be 500\.\.10,000/,
      ],
      [
        "triggers that do not increase",
        policyArgs("layers.1.triggerVix=1900"),
        /^layers\.1\.triggerVix 1,900 \(VIX 19\.00\) is not above layer 0's 2,000: triggers must strictly increase/,
      ],
      [
        "allocations that do not sum to 100 %",
        policyArgs("layers.0.allocationBps=5000"),
        /^the layer allocations sum to 11,000 bps; they must sum to exactly 10,000/,
      ],
      [
        "a sixth layer",
        policyArgs("layers.5.triggerVix=9000"),
        /^--set layers\.5\.triggerVix=9000: a policy has at most 5 layers/,
      ],
      [
        "an incomplete new layer",
        policyArgs("layers.3.triggerVix=9000"),
        /^--set layers\.3\.\*: a new layer needs every field; missing allocationBps, tenorDays, instrument/,
      ],
      [
        "a field set twice",
        policyArgs("coverageBps=3000,coverageBps=3100"),
        /^--set coverageBps=3100: coverageBps is set twice/,
      ],
      ["a malformed assignment", policyArgs("coverageBps"), /^--set coverageBps: expected field=value/],
      ["no change at all", policyArgs("coverageBps=2500"), /^policy: the new policy equals the current one/],
      [
        "an unknown layer to remove",
        { kind: "policy", removeLayer: "3", from: "1" },
        /^--remove-layer 3: the policy has layers 0\.\.2, there is no layer 3/,
      ],
      [
        "a proposer without a seat",
        policyArgs("coverageBps=3000", { from: "9" }),
        /^--from account 9 \(0x[0-9a-fA-F]{40}\) holds no council seat/,
      ],
      [
        "an unknown --from index",
        policyArgs("coverageBps=3000", { from: "99" }),
        /^--from 99: network "hardhat" has 20 accounts/,
      ],
      [
        "a nudge of a field that cannot be nudged",
        { kind: "nudge", set: "wingWidthPts=60", from: "1" },
        /^--set wingWidthPts=60: only coverageBps and layers\.N\.triggerVix can be nudged/,
      ],
      [
        "a nudge that is too large",
        { kind: "nudge", set: "coverageBps=3000", from: "1" },
        /^--set coverageBps=3000: a nudge of coverageBps to 3,000 leaves the band 2,250\.\.2,750 around its baseline 2,500/,
      ],
      [
        "a nudge of a missing layer",
        { kind: "nudge", set: "layers.4.triggerVix=5000", from: "1" },
        /^--set layers\.4\.triggerVix=5000: the policy has no layer 4/,
      ],
      [
        "a seat for an existing holder",
        { kind: "seat-add", holder: "2", from: "1" },
        /^--holder 0x[0-9a-fA-F]{40}: 0x[0-9a-fA-F]{40} already holds a seat/,
      ],
      [
        "removing a seat nobody holds",
        { kind: "seat-remove", holder: "9", from: "1" },
        /^--holder 0x[0-9a-fA-F]{40} holds no council seat/,
      ],
      [
        "rotating to a holder",
        { kind: "seat-rotate", holder: "5", newHolder: "4", from: "1" },
        /^--new-holder 0x[0-9a-fA-F]{40}: 0x[0-9a-fA-F]{40} already holds a seat/,
      ],
      [
        "an unknown tier",
        { kind: "tier-rule", tier: "urgent", threshold: "2", from: "1" },
        /^--tier urgent: use one of fast, standard, critical/,
      ],
      [
        "a threshold above the seats",
        { kind: "tier-rule", tier: "critical", threshold: "6", from: "1" },
        /^thresholds must satisfy min\(2, seats\) <= Fast <= Standard <= Critical <= seats \(no seat acts alone once there are two\); got Fast 2, Standard 3, Critical 6 with 5 seats/,
      ],
      [
        "a Fast delay",
        { kind: "tier-rule", tier: "fast", delay: "1h", from: "1" },
        /^the Fast tier never waits: its delay must be 0/,
      ],
      [
        "a veto threshold above the seats",
        { kind: "veto-threshold", threshold: "6", from: "1" },
        /^the veto threshold 6 must be within 1\.\.5/,
      ],
      ["an expiry out of range", { kind: "expiry", grace: "30m", from: "1" }, /must each be within 1 h\.\.365 d/],
      [
        "an oracle that is not a contract",
        { kind: "oracle", address: "0x000000000000000000000000000000000000dEaD", from: "1" },
        /^--address 0x000000000000000000000000000000000000dEaD: no contract there/,
      ],
      [
        "a parameter of another kind",
        policyArgs("coverageBps=3000", { holder: "2" }),
        /^--holder does not apply to a policy proposal/,
      ],
    ];
    for (const [what, args, message] of cases) {
      it(what, async () => {
        await expectRefused("hedge:propose", args, message);
      });
    }

    it("an id that already exists: the same calls with the same description", async () => {
      const first = await runOk<ProposeResult>("hedge:propose", policyArgs("coverageBps=3000", { description: "why" }));
      for (const offchain of [{}, { offchain: true }]) {
        const reason = await expectRefused(
          "hedge:propose",
          policyArgs("coverageBps=3000", { description: "why", ...offchain }),
          /^proposal 0x[0-9a-f]{64} already exists/,
        );
        expect(reason).to.equal(
          `proposal ${first.result.id} already exists (Pending): the same calls need another description`,
        );
      }
      // The same calls with another description are another proposal.
      const second = await runOk<ProposeResult>(
        "hedge:propose",
        policyArgs("coverageBps=3000", { description: "why, again" }),
      );
      expect(second.result.id).not.to.equal(first.result.id);
    });

    it("a change built against an old version once the policy moved on (a nudge keeps the version)", async () => {
      // Approved against version 1. A nudge keeps the version, so it cannot void the queued change; another
      // setPolicy executed first moves the policy to version 2, and the stale one is refused.
      const stale = await runOk<ProposeResult>("hedge:propose", policyArgs("coverageBps=3000"));
      const other = await runOk<ProposeResult>("hedge:propose", policyArgs("coverageBps=3100"));
      const nudge = await runOk<ProposeResult>("hedge:propose", { kind: "nudge", set: "coverageBps=2600", from: "1" });
      await runOk("hedge:approve", { id: nudge.result.id, from: "2" });
      await runOk("hedge:execute", { id: nudge.result.id });
      expect(await (await policy()).version()).to.equal(1n);
      for (const p of [stale, other]) {
        for (const from of ["2", "3"]) await runOk("hedge:approve", { id: p.result.id, from });
        await runOk("hedge:queue", { id: p.result.id });
      }
      await runOk("hedge:time", { advance: "1d" });
      await runOk("hedge:execute", { id: other.result.id });
      await expectRefused(
        "hedge:execute",
        { id: stale.result.id },
        /the change was built against policy version 1, but the policy is now at version 2/,
      );
    });
  });

  it("prints nothing but the error for a refused proposal", async () => {
    const run = await runTask("hedge:propose", policyArgs("nope=1"));
    expect(run.out).to.deep.equal([]);
    expect(run.err).to.have.length(1);
  });
});

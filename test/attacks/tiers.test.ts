// Attacks: tier downgrade. A loosening dressed as a tightening (each loosening rule, structural or by the protection
// curve, hidden behind a real tightening; v3's too: any oracle-age or DTE change, a higher delta min, a lower scale
// step), mixed batches, unknown targets, nudge selectors sent to look-alikes, Fast proposals carrying
// non-nudge calls, and setPolicy calldata crafted to be judged on something else than what it does (non-canonical
// encoding, another version, dirty bits, truncation, another setter's selector). Each must land in the tier it
// deserves: it reverts with the exact error when approved only at a lower tier's threshold, and nothing is recorded.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { concat, dataSlice, toBeHex } from "ethers";

import {
  args,
  proposeArgs,
  deployCouncilSystem,
  hashProposal,
  mintCall,
  nudgeCoverageCall,
  nudgeTriggerCall,
  proposal,
  proposeAndApprove,
  setPolicyCall,
  Tier,
  withEdit,
  type Call,
  type CouncilSystem,
  type Proposal,
} from "../helpers/system";
import { defaultPolicy, type PolicyValues } from "../../scripts/lib/policy";
import { expectUnchanged, scopeOf, submitWith } from "./attacks.behavior";

async function fixture() {
  const sys = await deployCouncilSystem();
  const target = await (await ethers.getContractFactory("TestTarget")).deploy();
  const targetAddress = await target.getAddress();
  return { ...sys, targetAddress, scope: await scopeOf(sys) };
}

type Sys = Awaited<ReturnType<typeof fixture>>;

/** The default policy with coverage raised to 30 % (a real tightening) and `edit` applied. */
function tightenedThen(edit: (p: PolicyValues) => void): PolicyValues {
  return withEdit((p) => {
    p.coverageBps = 3_000;
    edit(p);
  }, defaultPolicy());
}

/** `p` is Critical: relayed with `signers` (a lower tier's threshold) it reverts, recording nothing. */
async function expectSubmitRefused(sys: CouncilSystem, p: Proposal, signers: number, threshold: number) {
  expect(await sys.council.tierOf(p.targets, p.calldatas)).to.equal(Tier.Critical);
  const id = await hashProposal(sys, p);
  const scope = await scopeOf(sys, [p]);
  await expectUnchanged(sys, scope, () =>
    expect(submitWith(sys, p, sys.holders.slice(0, signers)))
      .to.be.revertedWithCustomError(sys.council, "HedgeCouncilInsufficientApprovals")
      .withArgs(id, signers, threshold),
  );
}

/** The canonical setPolicy calldata of a real tightening (coverage 25 % → 30 %) for the current version. */
async function tighteningData(sys: CouncilSystem): Promise<string> {
  return (
    await setPolicyCall(
      sys,
      tightenedThen(() => {}),
    )
  ).data;
}

/** `data`, sent to the policy, is Critical: relayed with Standard approvals (3 of 5) it reverts, recording nothing. */
function expectCraftedRefused(sys: CouncilSystem, data: string, description: string) {
  return expectSubmitRefused(sys, proposal([{ target: sys.addresses.policy, data }], description), 3, 4);
}

function ping(sys: Sys, value: number): Call {
  return {
    target: sys.targetAddress,
    data: new ethers.Interface(["function ping(uint256)"]).encodeFunctionData("ping", [value]),
  };
}

describe("Attacks: tier downgrade", function () {
  describe("a loosening dressed as a tightening (coverage 25 % → 30 %, plus...)", function () {
    const hidden: [string, (p: PolicyValues) => void][] = [
      [
        "one layer fewer",
        (p) => {
          p.layers = p.layers.slice(0, 2);
          p.layers[1].allocationBps = 6_000;
        },
      ],
      ["the tail layer's trigger raised from VIX 35 to 60", (p) => (p.layers[2].triggerVix = 6_000)],
      ["the first layer's trigger raised by one hundredth", (p) => (p.layers[0].triggerVix = 2_001)],
      ["the delta max raised from 0.25 to 0.45", (p) => (p.shortDeltaMaxBps = 4_500)],
      ["the wing widened from 50 to 200 points", (p) => (p.wingWidthPts = 200)],
      ["the hysteresis cut from 2.00 to 0", (p) => (p.hysteresisVix = 0)],
      ["the oracle age stretched from 1 hour to 1 day", (p) => (p.maxOracleAge = 86_400)],
      // Rules v3: a shorter oracle age starves the hedge (a feed on a 30-minute heartbeat is stale at 60 s, and no
      // layer engages), any change of the condor's days to expiry, a higher delta min (the band pinned to its riskiest
      // edge) and a lower scale step are Critical too.
      ["the oracle age cut from 1 hour to 60 s", (p) => (p.maxOracleAge = 60)],
      ["the condor's days to expiry raised from 7 to 14", (p) => (p.targetDte = 14)],
      ["the condor's days to expiry cut from 7 to 3", (p) => (p.targetDte = 3)],
      ["the delta band pinned to its riskiest edge (delta min 0.15 → 0.25)", (p) => (p.shortDeltaMinBps = 2_500)],
      ["the scale step cut from 25 % to 5 %", (p) => (p.scaleStepBps = 500)],
      [
        "one layer more (a fourth at VIX 90, its allocation taken from the first)",
        (p) => {
          p.layers[0].allocationBps = 3_000;
          p.layers.push({ allocationBps: 1_000, tenorDays: 180, triggerVix: 9_000, instrument: 3 });
        },
      ],
      ["the first layer's instrument swapped (VIX call spread → volatility ETF)", (p) => (p.layers[0].instrument = 2)],
      ["the first layer's tenor cut from 30 to 29 days", (p) => (p.layers[0].tenorDays = 29)],
      [
        "10 % of the budget moved from the first layer to the tail (less protection from VIX 20 to 35)",
        (p) => {
          p.layers[0].allocationBps = 3_000;
          p.layers[2].allocationBps = 3_000;
        },
      ],
      [
        "the first layer's trigger raised to 22 while the coverage rises (nothing engaged from VIX 20 to 22)",
        (p) => (p.layers[0].triggerVix = 2_200),
      ],
    ];
    for (const [name, edit] of hidden) {
      it(`${name}, relayed with Standard approvals`, async function () {
        const sys = await loadFixture(fixture);
        const p = proposal([await setPolicyCall(sys, tightenedThen(edit))], name);
        await expectSubmitRefused(sys, p, 3, 4);
      });
    }

    it("a loosening proposed on chain, approved by a Standard majority, then queued", async function () {
      const sys = await loadFixture(fixture);
      const p = proposal(
        [
          await setPolicyCall(
            sys,
            tightenedThen((q) => (q.layers[2].triggerVix = 9_000)),
          ),
        ],
        "on chain",
      );
      const id = await proposeAndApprove(sys, p, sys.holders.slice(0, 3));
      expect(await sys.council.proposalTier(id)).to.equal(Tier.Critical);
      const scope = await scopeOf(sys, [p]);
      await expectUnchanged(sys, scope, () =>
        expect(sys.council.queue(...args(p)))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilInsufficientApprovals")
          .withArgs(id, 3, 4),
      );
    });
  });

  describe("batches and targets", function () {
    it("a mixed batch: a tightening plus a seat for the proposer's friend", async function () {
      const sys = await loadFixture(fixture);
      const tighten = await setPolicyCall(
        sys,
        tightenedThen(() => {}),
      );
      await expectSubmitRefused(sys, proposal([tighten, mintCall(sys, sys.stranger.address)], "mix"), 3, 4);
    });

    // The tier is the highest of the calls, wherever it stands in the batch: the seat first, the tightening last.
    it("a mixed batch: a seat for the proposer's friend, then a tightening", async function () {
      const sys = await loadFixture(fixture);
      const tighten = await setPolicyCall(
        sys,
        tightenedThen(() => {}),
      );
      const p = proposal([mintCall(sys, sys.stranger.address), tighten], "mix, seat first");
      await expectSubmitRefused(sys, p, 3, 4);
    });

    it("a mixed batch: a tightening plus a call to an unknown contract", async function () {
      const sys = await loadFixture(fixture);
      const tighten = await setPolicyCall(
        sys,
        tightenedThen(() => {}),
      );
      await expectSubmitRefused(sys, proposal([tighten, ping(sys, 1)], "mix unknown"), 3, 4);
    });

    it("an unknown target alone, relayed with Standard approvals", async function () {
      const sys = await loadFixture(fixture);
      await expectSubmitRefused(sys, proposal([ping(sys, 7)], "unknown"), 3, 4);
    });

    it("a nudge selector sent to a look-alike contract, relayed with Fast approvals", async function () {
      const sys = await loadFixture(fixture);
      const lookAlike = { target: sys.targetAddress, data: nudgeCoverageCall(sys, 2_300).data };
      await expectSubmitRefused(sys, proposal([lookAlike], "look-alike"), 2, 4);
    });

    it("a policy call that is neither a nudge nor setPolicy (setSteward), relayed with Fast approvals", async function () {
      const sys = await loadFixture(fixture);
      const call = {
        target: sys.addresses.policy,
        data: sys.policy.interface.encodeFunctionData("setSteward", [sys.stranger.address]),
      };
      await expectSubmitRefused(sys, proposal([call], "steward"), 2, 4);
    });
  });

  describe("Fast proposals carrying other calls", function () {
    it("a Fast nudge carrying a setPolicy", async function () {
      const sys = await loadFixture(fixture);
      const tighten = await setPolicyCall(
        sys,
        tightenedThen(() => {}),
      );
      const p = proposal([nudgeCoverageCall(sys, 2_600), tighten], "fast+setPolicy");
      const scope = await scopeOf(sys, [p]);
      await expectUnchanged(sys, scope, () =>
        expect(sys.council.connect(sys.holders[0]).propose(...proposeArgs(p)))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilMixedFastBatch")
          .withArgs(1),
      );
    });

    it("a Fast nudge carrying a seat mint, relayed with Fast approvals", async function () {
      const sys = await loadFixture(fixture);
      const p = proposal([nudgeTriggerCall(sys, 0, 2_100), mintCall(sys, sys.stranger.address)], "fast+mint");
      const scope = await scopeOf(sys, [p]);
      await expectUnchanged(sys, scope, () =>
        expect(submitWith(sys, p, sys.holders.slice(0, 2)))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilMixedFastBatch")
          .withArgs(1),
      );
    });

    it("a nudge hidden third, after two unknown calls", async function () {
      const sys = await loadFixture(fixture);
      const p = proposal([ping(sys, 1), ping(sys, 2), nudgeCoverageCall(sys, 2_600)], "nudge third");
      const scope = await scopeOf(sys, [p]);
      await expectUnchanged(sys, scope, () =>
        expect(sys.council.connect(sys.holders[0]).propose(...proposeArgs(p)))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilMixedFastBatch")
          .withArgs(2),
      );
    });
  });

  describe("setPolicy calldata crafted to be misjudged", function () {
    it("a loosening encoded non-canonically (the policy tuple at offset 0x60, behind a decoy word)", async function () {
      const sys = await loadFixture(fixture);
      const canonical = (
        await setPolicyCall(
          sys,
          withEdit((p) => (p.coverageBps = 500), defaultPolicy()),
        )
      ).data;
      // selector | 0x60 | version | decoy | tuple...: setPolicy decodes the same policy; only the head differs.
      const crafted = concat([
        dataSlice(canonical, 0, 4),
        toBeHex(0x60, 32),
        dataSlice(canonical, 36, 68),
        toBeHex(0, 32),
        dataSlice(canonical, 68),
      ]);
      const decoded = sys.policy.interface.decodeFunctionData("setPolicy", crafted);
      expect(decoded[0].coverageBps).to.equal(500n);
      await expectCraftedRefused(sys, crafted, "0x60");
    });

    it("a tightening written for the next version, to be judged against a policy it will not replace", async function () {
      const sys = await loadFixture(fixture);
      const p = proposal(
        [
          await setPolicyCall(
            sys,
            tightenedThen(() => {}),
            2n,
          ),
        ],
        "next version",
      );
      await expectSubmitRefused(sys, p, 3, 4);
    });

    it("a tightening whose version word carries dirty high bits", async function () {
      const sys = await loadFixture(fixture);
      const canonical = await tighteningData(sys);
      const crafted = concat([dataSlice(canonical, 0, 36), toBeHex((1n << 64n) | 1n, 32), dataSlice(canonical, 68)]);
      await expectCraftedRefused(sys, crafted, "dirty");
    });

    // setSteward(address) reads the offset word 0x40 as its address: a new steward, 0x…40, dressed as a tightening.
    it("another policy setter (setSteward) carrying a tightening's arguments", async function () {
      const sys = await loadFixture(fixture);
      const canonical = await tighteningData(sys);
      const crafted = concat([sys.policy.interface.getFunction("setSteward").selector, dataSlice(canonical, 4)]);
      const decoded = sys.policy.interface.decodeFunctionData("setSteward", crafted);
      expect(decoded[0]).to.equal(ethers.getAddress(toBeHex(0x40, 20)));
      await expectCraftedRefused(sys, crafted, "steward in disguise");
    });

    it("a setPolicy truncated to its selector and offset", async function () {
      const sys = await loadFixture(fixture);
      const canonical = await tighteningData(sys);
      const crafted = dataSlice(canonical, 0, 36);
      await expectCraftedRefused(sys, crafted, "short");
    });
  });
});

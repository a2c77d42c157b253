// Attacks: the lone seat. With two seats or more, every threshold is at least 2 (min(2, seats)), on chain and not only
// in the deployment's defaults: a council grown from one seat to two, before its stored thresholds are raised, needs
// both seats for anything, including what the lone seat approved or queued before the second seat arrived.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";

import {
  args,
  deployCouncilSystem,
  mintCall,
  nudgeCoverageCall,
  pass,
  proposal,
  proposeAndApprove,
  setPolicyCall,
  Tier,
  withEdit,
} from "../helpers/system";
import { expectUnchanged, queueBySignatures, scopeOf } from "./attacks.behavior";
import { reach, refusedShortOfApprovals } from "./minority.behavior";

/** The lone seat mints a second seat (thresholds left at 1); `pending` is proposed and `queued` queued before. */
async function grownFixture() {
  const signers = await ethers.getSigners();
  const base = await deployCouncilSystem({ seats: [signers[1].address] });
  const sys = { ...base, lone: base.holders[0], second: base.holders[1] };
  const pending = proposal([nudgeCoverageCall(sys, 2_400)], "pending nudge");
  const pendingId = await proposeAndApprove(sys, pending, [sys.lone]);
  // A Standard tightening that the lone seat queued before the second seat arrived.
  const queued = proposal(
    [
      await setPolicyCall(
        sys,
        withEdit((q) => (q.coverageBps = 3_000)),
      ),
    ],
    "queued alone",
  );
  const q = await queueBySignatures(sys, queued);
  await pass(sys, proposal([mintCall(sys, sys.second.address)], "second seat"), [sys.lone]);
  expect(await sys.seats.seatCount()).to.equal(2n);
  for (const tier of [Tier.Fast, Tier.Standard, Tier.Critical]) {
    expect((await sys.council.tierRule(tier))[0]).to.equal(1n); // stored: not raised yet
  }
  return { ...sys, pending, pendingId, queued, queuedId: q.id };
}

describe("Attacks: no lone seat in a council grown from one seat to two", function () {
  before(async () => loadFixture(grownFixture)); // the set-up, once, outside the tests' time

  it("the lone seat submits a nudge, a tightening and a seat of its own with its one signature", async function () {
    const sys = await loadFixture(grownFixture);
    const nudge = proposal([nudgeCoverageCall(sys, 2_300)], "alone: nudge");
    const tighten = proposal(
      [
        await setPolicyCall(
          sys,
          withEdit((q) => (q.hysteresisVix = 300)),
        ),
      ],
      "alone: tighten",
    );
    const seat = proposal([mintCall(sys, sys.strangers[5].address)], "alone: seat");
    await expectUnchanged(sys, await scopeOf(sys, [nudge, tighten, seat]), async () => {
      for (const p of [nudge, tighten, seat]) await refusedShortOfApprovals(sys, p, [sys.lone], 2);
    });
  });

  it("the lone seat executes the nudge it approved alone before the second seat arrived", async function () {
    const sys = await loadFixture(grownFixture);
    await expectUnchanged(sys, await scopeOf(sys, [sys.pending]), () =>
      expect(sys.council.connect(sys.lone).execute(...args(sys.pending)))
        .to.be.revertedWithCustomError(sys.council, "HedgeCouncilInsufficientApprovals")
        .withArgs(sys.pendingId, 1, 2),
    );
  });

  it("the lone seat executes the tightening it queued alone before the second seat arrived", async function () {
    const sys = await loadFixture(grownFixture);
    await reach(await sys.council.proposalEta(sys.queuedId));
    await expectUnchanged(sys, await scopeOf(sys, [sys.queued]), () =>
      expect(sys.council.connect(sys.lone).execute(...args(sys.queued)))
        .to.be.revertedWithCustomError(sys.council, "HedgeCouncilInsufficientApprovals")
        .withArgs(sys.queuedId, 1, 2),
    );
  });

  it("with the second seat's approval the nudge runs (the floor asks for two, not for more)", async function () {
    const sys = await loadFixture(grownFixture);
    await sys.council.connect(sys.second).approve(sys.pendingId);
    await expect(sys.council.execute(...args(sys.pending)))
      .to.emit(sys.council, "Executed")
      .withArgs(sys.pendingId);
  });
});

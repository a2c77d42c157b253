// Attacks: the minority freeze (issue 23, gap 3). With 5 seats any two are a Fast pair (2), a veto bloc (2) and a
// Critical blocker (4 of 5 needs one of them). Under rules v2 they nudged the coverage and a trigger to the loose edge
// of the band, vetoed the majority's Standard restore, and every day re-armed each cooldown with a 1-unit nudge at its
// first second, so the majority's counter-nudge always reverted "cooling down": for 30 days the hedge stayed at the
// loose edge. Rules v3: only a Critical proposal can be vetoed, and a nudge that brings a parameter back from the loose
// side toward its baseline skips the cooldown and does not restart it. Here: the scenario step by step (each v2
// outcome named, the v3 one asserted), 30 days of it, and what two seats can still do: hold a parameter on the tight
// side, which costs premium but never weakens the hedge.
import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";

import {
  args,
  DAY,
  deployCouncilSystem,
  hashProposal,
  HOUR,
  nudgeCoverageCall,
  nudgeTriggerCall,
  pass,
  proposal,
  proposeArgs,
  ProposalState,
  setPolicyCall,
  sign,
  Tier,
  withEdit,
  type CouncilSystem,
  type Proposal,
} from "../helpers/system";
import { defaultPolicy } from "../../scripts/lib/policy";
import { descriptionHash, proposalIdOf } from "../../scripts/lib/council";
import { hashPolicy } from "../helpers/hedgePolicy";
import { expectUnchanged, queueBySignatures, scopeOf, submitWith } from "./attacks.behavior";
import {
  baselineOf,
  COVERAGE,
  currentPolicy,
  expectNudgeRefused,
  expectProtectionAtLeast,
  expectShortOfApprovals,
  reach,
} from "./minority.behavior";

async function fixture() {
  const sys = await deployCouncilSystem();
  return {
    ...sys,
    /** The minority: a Fast pair, a veto bloc and a Critical blocker. */
    pair: sys.holders.slice(3, 5),
    /** The majority: any two of them are a Fast pair, all three the Standard threshold. */
    majority: sys.holders.slice(0, 3),
  };
}

type Sys = Awaited<ReturnType<typeof fixture>>;

/** Any two of the majority, a different pair each day. */
function twoOf(sys: Sys, day: number): HardhatEthersSigner[] {
  const [a, b, c] = sys.majority;
  return [
    [a, b],
    [b, c],
    [a, c],
  ][day % 3];
}

/** The coverage and the first trigger moved together, in one Fast proposal. */
function nudgeBoth(sys: CouncilSystem, coverageBps: number, trigger0: number, description: string): Proposal {
  return proposal([nudgeCoverageCall(sys, coverageBps), nudgeTriggerCall(sys, 0, trigger0)], description);
}

/** lastNudgeAt of the first trigger and of the coverage. */
async function cooldownsOf(sys: CouncilSystem): Promise<bigint[]> {
  return [await sys.policy.lastNudgeAt(0), await sys.policy.lastNudgeAt(COVERAGE)];
}

describe("Attacks: two seats freezing the majority (issue 23, gap 3)", function () {
  before(async () => loadFixture(fixture)); // the deployment, once, outside the tests' time

  it("the v2 scenario step by step: the majority's counter-nudge and its Standard restore both go through now", async function () {
    const sys = await loadFixture(fixture);
    const { pair, majority } = sys;
    // Day 0: the pair nudges the coverage and the first trigger to the loose edge of their bands.
    await submitWith(sys, nudgeBoth(sys, 2_250, 2_200, "the pair: both to the loose edge"), pair);
    const pushedAt = await time.latest();
    expect((await currentPolicy(sys)).coverageBps).to.equal(2_250);
    // The majority queues a Standard restore of the approved policy: not a loosening, so Standard.
    const restore = proposal([await setPolicyCall(sys, defaultPolicy())], "the majority restores the approved policy");
    expect(await sys.council.tierOf(restore.targets, restore.calldatas)).to.equal(Tier.Standard);
    const { id, eta } = await queueBySignatures(sys, restore);
    // v2: the pair's two vetoes killed it. v3: a veto of a Standard proposal reverts, and nothing changes.
    await expectUnchanged(sys, await scopeOf(sys, [restore]), async () => {
      for (const vetoer of pair) {
        await expect(sys.council.connect(vetoer).veto(id))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilVetoNotCritical")
          .withArgs(id, Tier.Standard);
      }
    });
    // v2: the majority's counter-nudge reverted "cooling down". v3: two of them bring both back within the hour, and
    // the cooldowns still run from the pair's nudge.
    await time.increase(HOUR);
    await submitWith(sys, nudgeBoth(sys, 2_500, 2_000, "two of the majority: both back"), majority.slice(0, 2));
    expect(await currentPolicy(sys)).to.deep.equal(defaultPolicy());
    expect(await cooldownsOf(sys)).to.deep.equal([BigInt(pushedAt), BigInt(pushedAt)]);
    // The pair cannot push again before its own cooldown ends: the return did not give it a new one.
    await expectNudgeRefused(sys, nudgeBoth(sys, 2_250, 2_200, "the pair again"), pair, "HedgePolicyNudgeCoolingDown", [
      COVERAGE,
      pushedAt + DAY,
    ]);
    // v2: at the first second of each cooldown the pair re-armed it with a 1-unit nudge, and the majority waited a day
    // again. v3: the re-arm runs, and the majority answers in the next block.
    await time.setNextBlockTimestamp(pushedAt + DAY);
    await submitWith(sys, nudgeBoth(sys, 2_499, 2_001, "the pair re-arms by 1 unit"), pair);
    await submitWith(sys, nudgeBoth(sys, 2_500, 2_000, "back at once"), majority.slice(1, 3));
    expect(await currentPolicy(sys)).to.deep.equal(defaultPolicy());
    expect(await cooldownsOf(sys)).to.deep.equal([BigInt(pushedAt + DAY), BigInt(pushedAt + DAY)]);
    // The Standard restore runs at its eta whatever the pair does.
    await reach(eta);
    await sys.council.connect(sys.stranger).execute(...args(restore));
    expect(await sys.council.state(id)).to.equal(ProposalState.Executed);
    expect(await sys.policy.version()).to.equal(2n);
    expect(await currentPolicy(sys)).to.deep.equal(defaultPolicy());
    expect(await baselineOf(sys)).to.deep.equal({ coverage: 2_500, triggers: [2_000, 2_800, 3_500] });
  });

  it("30 days of it: every day the majority brings both parameters back within the hour, never a cooldown later", async function () {
    this.timeout(120_000);
    const sys = await loadFixture(fixture);
    const cooldown = Number((await sys.policy.nudgeLimits())[1]);
    const approved = defaultPolicy();
    const validUntil = BigInt(await time.latest()) + 40n * BigInt(DAY);
    /** `submit` of `p` signed by `signers` (holders[i] holds seat i + 1), with no look-up: one transaction. */
    async function submitDirect(p: Proposal, signers: HardhatEthersSigner[]) {
      const id = proposalIdOf({ ...p, descriptionHash: descriptionHash(p.description) });
      const seatIds = signers.map((h) => sys.holders.indexOf(h) + 1);
      const signed = await sign(sys, signers, id, { validUntil, seatIds });
      return sys.council.connect(sys.stranger).submit(...proposeArgs(p), signed);
    }
    let pushAt = (await time.latest()) + 1;
    for (let day = 1; day <= 30; day++) {
      // The pair pushes at the first second its cooldowns allow: to the loose edge on odd days, a 1-unit re-arm on
      // even days (the v2 pattern).
      const [coverage, trigger] = day % 2 === 1 ? [2_250, 2_200] : [2_499, 2_001];
      const pushed = withEdit((p) => ((p.coverageBps = coverage), (p.layers[0].triggerVix = trigger)));
      await time.setNextBlockTimestamp(pushAt);
      await expect(submitDirect(nudgeBoth(sys, coverage, trigger, `day ${day}: the pair pushes`), sys.pair))
        .to.emit(sys.policy, "PolicyUpdated")
        .withArgs(1n, hashPolicy(withEdit((p) => (p.coverageBps = coverage))), hashPolicy(pushed));
      // The majority sees it and reacts within the hour, each day with another two of its three seats: the policy is
      // back to the approved one (its hash), and the return restarted no cooldown, or the pair's next push, at the
      // first second of the next day, would revert.
      await time.setNextBlockTimestamp(pushAt + HOUR);
      const back = nudgeBoth(sys, 2_500, 2_000, `day ${day}: two of the majority bring it back`);
      await expect(submitDirect(back, twoOf(sys, day)))
        .to.emit(sys.policy, "PolicyUpdated")
        .withArgs(1n, hashPolicy(withEdit((p) => (p.layers[0].triggerVix = trigger), approved)), hashPolicy(approved));
      if (day === 1 || day === 30) {
        expect(await currentPolicy(sys)).to.deep.equal(approved);
        expect(await cooldownsOf(sys)).to.deep.equal([BigInt(pushAt), BigInt(pushAt)]);
      }
      pushAt += cooldown;
    }
    // Each day the hedge was on the loose side for the hour the majority took to react, far less than one cooldown,
    // and the approved policy never changed.
    expect(HOUR).to.be.lessThan(cooldown);
    expect(await sys.policy.version()).to.equal(1n);
    expect(await baselineOf(sys)).to.deep.equal({ coverage: 2_500, triggers: [2_000, 2_800, 3_500] });
  });

  it("what two seats can still do: hold a parameter on the tight side (premium, never weaker); a Standard change must keep it or be Critical", async function () {
    const sys = await loadFixture(fixture);
    const { pair, majority } = sys;
    // The pair raises the coverage to the tight edge, and re-arms at the first second of each cooldown.
    await submitWith(sys, proposal([nudgeCoverageCall(sys, 2_750)], "the pair: coverage up"), pair);
    let heldAt = await time.latest();
    for (let day = 1; day <= 2; day++) {
      // Undoing a protective nudge waits for the cooldown: the majority's return is refused.
      await expectNudgeRefused(
        sys,
        proposal([nudgeCoverageCall(sys, 2_500)], `day ${day}: the majority tries to undo it`),
        majority.slice(0, 2),
        "HedgePolicyNudgeCoolingDown",
        [COVERAGE, heldAt + DAY],
      );
      // The hedge protects more than the approved policy at every VIX level.
      expectProtectionAtLeast(await currentPolicy(sys), defaultPolicy());
      await time.setNextBlockTimestamp(heldAt + DAY);
      await submitWith(sys, proposal([nudgeCoverageCall(sys, 2_750 - day)], `day ${day}: the pair re-arms`), pair);
      heldAt += DAY;
    }
    const held = (await currentPolicy(sys)).coverageBps;
    expect(held).to.equal(2_748);
    // A Standard change of something else, written on the approved coverage, removes protection the hedge has now:
    // it is Critical, and the pair blocks it.
    const onBaseline = proposal(
      [
        await setPolicyCall(
          sys,
          withEdit((p) => (p.hysteresisVix = 300)),
        ),
      ],
      "hysteresis up, coverage as approved",
    );
    expect(await sys.council.tierOf(onBaseline.targets, onBaseline.calldatas)).to.equal(Tier.Critical);
    await expectShortOfApprovals(sys, onBaseline, majority, 4);
    // Keeping the nudged value, it is Standard: the majority's change runs, a day later, and the tighter coverage is
    // the new baseline. The pair delayed the majority by one proposal and made the hedge no weaker.
    const keeping = proposal(
      [
        await setPolicyCall(
          sys,
          withEdit((p) => ((p.hysteresisVix = 300), (p.coverageBps = held))),
        ),
      ],
      "hysteresis up, the held coverage kept",
    );
    expect(await sys.council.tierOf(keeping.targets, keeping.calldatas)).to.equal(Tier.Standard);
    const id = await pass(sys, keeping, majority);
    expect(await sys.council.state(id)).to.equal(ProposalState.Executed);
    expect(await currentPolicy(sys)).to.deep.equal(withEdit((p) => ((p.hysteresisVix = 300), (p.coverageBps = held))));
    expect(await baselineOf(sys)).to.deep.equal({ coverage: held, triggers: [2_000, 2_800, 3_500] });
    expect(await hashProposal(sys, keeping)).to.equal(id);
  });
});

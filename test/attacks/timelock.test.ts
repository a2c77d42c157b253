// Attacks: timelock bypass. Early execution (eta − 1 s, a Critical proposal at the Standard delay), direct
// schedule / execute / cancel / updateDelay on the timelock (by a leaked council key too), altered calls, the edges
// of expiry and grace, execution after a veto or twice, cancel abuse, governance proposals that try to make the
// timelock schedule or execute by itself, the timelock's minimum delay raised or lowered, and ether: execute takes
// exactly what the calls send, a Fast proposal takes none.
import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { toBeHex, ZeroHash } from "ethers";

import { TIMELOCK_ROLES } from "../helpers/stateSnapshot";
import {
  args,
  proposeArgs,
  atNextBlock,
  DAY,
  deployCouncilSystem,
  hashProposal,
  impersonate,
  mintProposal,
  nudgeProposal,
  operationId,
  pass,
  proposal,
  proposeAndApprove,
  proposeAndQueue,
  ProposalState,
  setPolicyCall,
  Tier,
  tighteningProposal,
  updateDelayCall,
  withEdit,
} from "../helpers/system";
import { defaultPolicy } from "../../scripts/lib/policy";
import { expectUnchanged, queueBySignatures, scopeOf } from "./attacks.behavior";

/** `_encodeStateBitmap` of OpenZeppelin's TimelockController: Unset 0, Waiting 1, Ready 2, Done 3. */
const bitmap = (state: number) => toBeHex(1n << BigInt(state), 32);
const UNSET = 0;
const READY = 2;

async function fixture() {
  const sys = await deployCouncilSystem();
  const councilSigner = await impersonate(sys.addresses.council);
  const standard = await tighteningProposal(sys, "S");
  const s = await proposeAndQueue(sys, standard);
  const critical = mintProposal(sys, sys.strangers[5].address, "C");
  const c = await proposeAndQueue(sys, critical);
  const fast = nudgeProposal(sys, 2_600, "F");
  const fId = await proposeAndApprove(sys, fast, sys.holders.slice(0, 2));
  const scope = await scopeOf(sys, [standard, critical, fast]);
  return { ...sys, councilSigner, standard, s, critical, c, fast, fId, scope };
}

describe("Attacks: timelock bypass", function () {
  describe("early execution", function () {
    it("a Standard proposal is executed at eta − 1 s", async function () {
      const sys = await loadFixture(fixture);
      await expectUnchanged(sys, sys.scope, async () => {
        await atNextBlock(sys.s.eta - 1n);
        await expect(sys.council.execute(...args(sys.standard)))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilNotReady")
          .withArgs(sys.s.id, sys.s.eta);
      });
    });

    it("a Critical proposal is executed once only the Standard delay has passed", async function () {
      const sys = await loadFixture(fixture);
      await time.increaseTo(sys.s.eta);
      await expectUnchanged(sys, sys.scope, () =>
        expect(sys.council.execute(...args(sys.critical)))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilNotReady")
          .withArgs(sys.c.id, sys.c.eta),
      );
    });

    it("a leaked council key executes a queued operation on the timelock before its eta", async function () {
      const sys = await loadFixture(fixture);
      const p = sys.standard;
      const op = await operationId(sys, p);
      await expectUnchanged(sys, sys.scope, () =>
        expect(
          sys.timelock
            .connect(sys.councilSigner)
            .execute(p.targets[0], p.values[0], p.calldatas[0], ZeroHash, sys.s.id),
        )
          .to.be.revertedWithCustomError(sys.timelock, "TimelockUnexpectedOperationState")
          .withArgs(op, bitmap(READY)),
      );
    });
  });

  describe("direct scheduling", function () {
    it("a leaked council key schedules a loosening on the timelock with zero delay", async function () {
      const sys = await loadFixture(fixture);
      const call = await setPolicyCall(
        sys,
        withEdit((p) => (p.coverageBps = 500), defaultPolicy()),
      );
      await expectUnchanged(sys, sys.scope, () =>
        expect(sys.timelock.connect(sys.councilSigner).schedule(call.target, 0, call.data, ZeroHash, ZeroHash, 0))
          .to.be.revertedWithCustomError(sys.timelock, "TimelockInsufficientDelay")
          .withArgs(0, DAY),
      );
    });

    it("a leaked council key re-schedules a queued operation to move its eta", async function () {
      const sys = await loadFixture(fixture);
      const p = sys.critical;
      const op = await operationId(sys, p);
      await expectUnchanged(sys, sys.scope, () =>
        expect(
          sys.timelock
            .connect(sys.councilSigner)
            .schedule(p.targets[0], p.values[0], p.calldatas[0], ZeroHash, sys.c.id, DAY),
        )
          .to.be.revertedWithCustomError(sys.timelock, "TimelockUnexpectedOperationState")
          .withArgs(op, bitmap(UNSET)),
      );
    });

    it("a Fast proposal is queued to give it a timelock slot", async function () {
      const sys = await loadFixture(fixture);
      await expectUnchanged(sys, sys.scope, () =>
        expect(sys.council.queue(...args(sys.fast)))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilFastTierNotQueued")
          .withArgs(sys.fId),
      );
    });

    it("a Fast proposal is executed with ether attached", async function () {
      const sys = await loadFixture(fixture);
      await expectUnchanged(sys, sys.scope, () =>
        expect(sys.council.execute(...args(sys.fast), { value: 1n }))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilValueMismatch")
          .withArgs(1n, 0n),
      );
    });

    it("a Fast proposal that sends ether with its nudge is proposed", async function () {
      const sys = await loadFixture(fixture);
      const paid = { ...nudgeProposal(sys, 2_700, "paid nudge"), values: [1n] };
      await expectUnchanged(sys, await scopeOf(sys, [paid]), () =>
        expect(sys.council.connect(sys.holders[0]).propose(...proposeArgs(paid)))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilFastTierTakesNoValue")
          .withArgs(1n),
      );
    });
  });

  describe("altered calls", function () {
    it("a queued proposal is executed with altered calldata", async function () {
      const sys = await loadFixture(fixture);
      const altered = {
        ...sys.standard,
        calldatas: [
          (
            await setPolicyCall(
              sys,
              withEdit((p) => (p.coverageBps = 500), defaultPolicy()),
            )
          ).data,
        ],
      };
      const alteredId = await hashProposal(sys, altered);
      await time.increaseTo(sys.s.eta);
      await expectUnchanged(sys, sys.scope, () =>
        expect(sys.council.execute(...args(altered)))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilUnexpectedProposalState")
          .withArgs(alteredId, ProposalState.Unknown),
      );
    });

    it("a queued proposal is executed under another description (the same calls, another id)", async function () {
      const sys = await loadFixture(fixture);
      const altered = { ...sys.standard, description: "S, described otherwise" };
      const alteredId = await hashProposal(sys, altered);
      await time.increaseTo(sys.s.eta);
      await expectUnchanged(sys, sys.scope, () =>
        expect(sys.council.execute(...args(altered)))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilUnexpectedProposalState")
          .withArgs(alteredId, ProposalState.Unknown),
      );
    });

    it("a queued proposal is executed with an ether value added to its call", async function () {
      const sys = await loadFixture(fixture);
      const altered = { ...sys.critical, values: [1n] };
      const alteredId = await hashProposal(sys, altered);
      await time.increaseTo(sys.c.eta);
      await expectUnchanged(sys, sys.scope, () =>
        expect(sys.council.execute(...args(altered), { value: 1n }))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilUnexpectedProposalState")
          .withArgs(alteredId, ProposalState.Unknown),
      );
    });
  });

  describe("expiry and grace", function () {
    it("a proposal is queued one second after its TTL", async function () {
      const sys = await loadFixture(fixture);
      const p = await tighteningProposal(sys, "late");
      const id = await proposeAndApprove(sys, p, sys.holders.slice(0, 3));
      const deadline = await sys.council.proposalDeadline(id);
      await time.increaseTo(deadline + 1n);
      const scope = await scopeOf(sys, [sys.standard, sys.critical, p]);
      await expectUnchanged(sys, scope, () =>
        expect(sys.council.queue(...args(p)))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilUnexpectedProposalState")
          .withArgs(id, ProposalState.Expired),
      );
    });

    it("a queued proposal is executed one second after its grace period", async function () {
      const sys = await loadFixture(fixture);
      const deadline = await sys.council.proposalDeadline(sys.s.id);
      expect(deadline).to.equal(sys.s.eta + 14n * BigInt(DAY));
      await time.increaseTo(deadline + 1n);
      await expectUnchanged(sys, sys.scope, () =>
        expect(sys.council.execute(...args(sys.standard)))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilUnexpectedProposalState")
          .withArgs(sys.s.id, ProposalState.Expired),
      );
    });

    it("an expired proposal is approved to revive it", async function () {
      const sys = await loadFixture(fixture);
      await time.increaseTo((await sys.council.proposalDeadline(sys.fId)) + 1n);
      await expectUnchanged(sys, sys.scope, () =>
        expect(sys.council.connect(sys.holders[2]).approve(sys.fId))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilUnexpectedProposalState")
          .withArgs(sys.fId, ProposalState.Expired),
      );
    });
  });

  describe("veto, double execution and cancel", function () {
    it("a vetoed Critical proposal is executed at its eta", async function () {
      const sys = await loadFixture(fixture);
      await sys.council.connect(sys.holders[3]).veto(sys.c.id);
      await sys.council.connect(sys.holders[4]).veto(sys.c.id);
      await time.increaseTo(sys.c.eta);
      await expectUnchanged(sys, sys.scope, () =>
        expect(sys.council.execute(...args(sys.critical)))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilUnexpectedProposalState")
          .withArgs(sys.c.id, ProposalState.Vetoed),
      );
    });

    it("two seats veto a queued Standard proposal to hold it back (rules v3: only Critical can be vetoed)", async function () {
      const sys = await loadFixture(fixture);
      await expectUnchanged(sys, sys.scope, () =>
        expect(sys.council.connect(sys.holders[3]).veto(sys.s.id))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilVetoNotCritical")
          .withArgs(sys.s.id, Tier.Standard),
      );
      await time.increaseTo(sys.s.eta);
      await expect(sys.council.execute(...args(sys.standard)))
        .to.emit(sys.council, "Executed")
        .withArgs(sys.s.id);
    });

    it("an executed proposal is executed a second time", async function () {
      const sys = await loadFixture(fixture);
      await time.increaseTo(sys.c.eta);
      await sys.council.execute(...args(sys.critical));
      await expectUnchanged(sys, sys.scope, () =>
        expect(sys.council.execute(...args(sys.critical)))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilUnexpectedProposalState")
          .withArgs(sys.c.id, ProposalState.Executed),
      );
    });

    it("a stranger cancels a queued proposal that nobody vetoed", async function () {
      const sys = await loadFixture(fixture);
      await expectUnchanged(sys, sys.scope, () =>
        expect(sys.council.connect(sys.stranger).cancel(...args(sys.standard)))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilUnexpectedProposalState")
          .withArgs(sys.s.id, ProposalState.Queued),
      );
    });

    it("a vetoed proposal's operation is cancelled twice", async function () {
      const sys = await loadFixture(fixture);
      await sys.council.connect(sys.holders[3]).veto(sys.c.id);
      await sys.council.connect(sys.holders[4]).veto(sys.c.id);
      await sys.council.connect(sys.stranger).cancel(...args(sys.critical));
      await expectUnchanged(sys, sys.scope, () =>
        expect(sys.council.connect(sys.stranger).cancel(...args(sys.critical)))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilNothingToCancel")
          .withArgs(sys.c.id),
      );
    });
  });

  describe("the timelock as its own accomplice", function () {
    it("a governance proposal makes the timelock schedule a zero-delay operation itself", async function () {
      const sys = await loadFixture(fixture);
      const loosen = await setPolicyCall(
        sys,
        withEdit((p) => (p.coverageBps = 500), defaultPolicy()),
      );
      const p = proposal(
        [
          {
            target: sys.addresses.timelock,
            data: sys.timelock.interface.encodeFunctionData("schedule", [
              loosen.target,
              0,
              loosen.data,
              ZeroHash,
              ZeroHash,
              0,
            ]),
          },
        ],
        "self-schedule",
      );
      const { eta } = await queueBySignatures(sys, p);
      await time.increaseTo(eta);
      const scope = await scopeOf(sys, [sys.standard, sys.critical, p]);
      await expectUnchanged(sys, scope, () =>
        expect(sys.council.execute(...args(p)))
          .to.be.revertedWithCustomError(sys.timelock, "AccessControlUnauthorizedAccount")
          .withArgs(sys.addresses.timelock, TIMELOCK_ROLES.proposer),
      );
    });

    it("a governance proposal makes the timelock execute another queued operation directly", async function () {
      const sys = await loadFixture(fixture);
      const target = sys.standard;
      const p = proposal(
        [
          {
            target: sys.addresses.timelock,
            data: sys.timelock.interface.encodeFunctionData("execute", [
              target.targets[0],
              target.values[0],
              target.calldatas[0],
              ZeroHash,
              sys.s.id,
            ]),
          },
        ],
        "self-execute",
      );
      const { eta } = await queueBySignatures(sys, p);
      await time.increaseTo(eta);
      const scope = await scopeOf(sys, [sys.standard, sys.critical, p]);
      await expectUnchanged(sys, scope, () =>
        expect(sys.council.execute(...args(p)))
          .to.be.revertedWithCustomError(sys.timelock, "AccessControlUnauthorizedAccount")
          .withArgs(sys.addresses.timelock, TIMELOCK_ROLES.executor),
      );
    });

    it("after governance raised the timelock delay to 5 days, a Standard proposal is executed at its 1-day tier delay", async function () {
      const sys = await loadFixture(fixture);
      await pass(sys, proposal([updateDelayCall(sys, 5 * DAY)], "raise delay"));
      expect(await sys.timelock.getMinDelay()).to.equal(5n * BigInt(DAY));
      const p = await tighteningProposal(sys, "after the raise");
      const { id, eta } = await proposeAndQueue(sys, p);
      expect(eta).to.equal(BigInt(await time.latest()) + 5n * BigInt(DAY));
      await time.increase(DAY);
      const scope = await scopeOf(sys, [sys.standard, sys.critical, p]);
      await expectUnchanged(sys, scope, () =>
        expect(sys.council.execute(...args(p)))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilNotReady")
          .withArgs(id, eta),
      );
    });

    it("after governance lowered the timelock delay to 0, a Standard proposal is executed before its tier delay", async function () {
      const sys = await loadFixture(fixture);
      await pass(sys, proposal([updateDelayCall(sys, 0)], "drop delay"));
      expect(await sys.timelock.getMinDelay()).to.equal(0n);
      const p = await tighteningProposal(sys, "after the drop");
      const { id, eta } = await proposeAndQueue(sys, p);
      expect(eta).to.equal(BigInt(await time.latest()) + BigInt(DAY));
      const scope = await scopeOf(sys, [sys.standard, sys.critical, p]);
      await expectUnchanged(sys, scope, async () => {
        await atNextBlock(eta - 1n);
        await expect(sys.council.execute(...args(p)))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilNotReady")
          .withArgs(id, eta);
      });
    });
  });
});

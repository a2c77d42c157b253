// Attacks: signer-set takeover. Seats minted, burned or rotated outside governance, lock-out by burns (below the
// Critical or the veto threshold), council settings that break the threshold order or the delay rules, a second seat
// for one address, seat ids reused after the lifetime limit, and a takeover batch dressed as a Standard change.
// Governance-path attacks run the whole way (signatures, queue, delay) and fail inside the timelock: the inner
// custom error bubbles up and is asserted against the inner contract.
import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { getAddress, toBeHex, ZeroAddress } from "ethers";

import {
  args,
  asTimelock,
  burnCall,
  burnProposal,
  councilCall,
  DAY,
  deployCouncilSystem,
  HOUR,
  mintCall,
  mintProposal,
  pass,
  proposal,
  setPolicyCall,
  Tier,
  tighteningProposal,
  withEdit,
  type Proposal,
} from "../helpers/system";
import { defaultPolicy } from "../../scripts/lib/policy";
import { expectUnchanged, readyToExecute, scopeOf, submitWith } from "./attacks.behavior";

async function fixture() {
  const sys = await deployCouncilSystem();
  return { ...sys, scope: await scopeOf(sys) };
}

type Sys = Awaited<ReturnType<typeof fixture>>;

/** Runs `p` through governance to its eta and asserts that its execution reverts with `error(...errorArgs)`. */
async function expectGovernanceRefused(
  sys: Sys,
  p: Proposal,
  contract: "seats" | "council",
  error: string,
  errorArgs: unknown[],
) {
  const { scope } = await readyToExecute(sys, p);
  await expectUnchanged(sys, scope, () =>
    expect(sys.council.execute(...args(p)))
      .to.be.revertedWithCustomError(sys[contract], error)
      .withArgs(...errorArgs),
  );
}

describe("Attacks: signer-set takeover", function () {
  describe("lock-out by burns", function () {
    it("a Critical batch burns two seats to leave fewer than the Critical threshold", async function () {
      const sys = await loadFixture(fixture);
      const p = proposal([burnCall(sys, 4), burnCall(sys, 5)], "burn two");
      await expectGovernanceRefused(sys, p, "seats", "CouncilSeatsBelowThreshold", [3, 4]);
    });

    it("a seat is burned after the veto threshold was raised to every seat", async function () {
      const sys = await loadFixture(fixture);
      await pass(sys, proposal([councilCall(sys, "setVetoThreshold", [5])], "veto 5"));
      await expectGovernanceRefused(sys, burnProposal(sys, 5), "seats", "CouncilSeatsBelowThreshold", [4, 5]);
    });

    it("a seat id that never existed is burned", async function () {
      const sys = await loadFixture(fixture);
      await expectGovernanceRefused(sys, burnProposal(sys, 99), "seats", "ERC721NonexistentToken", [99]);
    });
  });

  describe("extra seats", function () {
    it("a second seat is minted to an existing holder", async function () {
      const sys = await loadFixture(fixture);
      const holder = sys.holders[0].address;
      await expectGovernanceRefused(sys, mintProposal(sys, holder), "seats", "CouncilSeatsAlreadyHolder", [holder]);
    });

    it("a seat is minted to the zero address", async function () {
      const sys = await loadFixture(fixture);
      await expectGovernanceRefused(sys, mintProposal(sys, ZeroAddress), "seats", "CouncilSeatsZeroAddress", []);
    });

    it("a 65th seat id is minted after burns (ids are never reused)", async function () {
      const sys = await loadFixture(fixture);
      // Setup only: the timelock (impersonated) mints seats 6..64, then burns seat 64.
      const timelock = await asTimelock(sys);
      for (let i = 6; i <= 64; i++) await sys.seats.connect(timelock).mint(getAddress(toBeHex(0x1000 + i, 20)));
      await sys.seats.connect(timelock).burn(64);
      expect(await sys.seats.mintedCount()).to.equal(64n);
      expect(await sys.seats.seatCount()).to.equal(63n);
      const newcomer = sys.strangers[2].address;
      await expectGovernanceRefused(
        sys,
        mintProposal(sys, newcomer),
        "seats",
        "CouncilSeatsLifetimeLimitReached",
        [64],
      );
    });

    it("a takeover batch (a tightening plus three attacker seats) collects only Standard approvals", async function () {
      const sys = await loadFixture(fixture);
      const tighten = await setPolicyCall(
        sys,
        withEdit((p) => (p.coverageBps = 3_000), defaultPolicy()),
      );
      const p = proposal([tighten, ...sys.strangers.slice(0, 3).map((s) => mintCall(sys, s.address))], "t");
      const id = await sys.council.hashProposal(...args(p));
      expect(await sys.council.tierOf(p.targets, p.calldatas)).to.equal(Tier.Critical);
      const scope = await scopeOf(sys, [p]);
      await expectUnchanged(sys, scope, () =>
        expect(submitWith(sys, p, sys.holders.slice(0, 3)))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilInsufficientApprovals")
          .withArgs(id, 3, 4),
      );
    });
  });

  describe("threshold orders and delays", function () {
    const cases: [string, Parameters<typeof councilCall>[1], (number | bigint)[], string, unknown[]][] = [
      [
        "the Standard threshold is raised above the Critical one",
        "setTierRule",
        [Tier.Standard, 5, DAY],
        "HedgeCouncilThresholdsOutOfOrder",
        [2, 5, 4, 5],
      ],
      [
        "the Critical threshold is raised above the seat count",
        "setTierRule",
        [Tier.Critical, 6, 3 * DAY],
        "HedgeCouncilThresholdsOutOfOrder",
        [2, 3, 6, 5],
      ],
      [
        "the Critical threshold is lowered below the Standard one",
        "setTierRule",
        [Tier.Critical, 2, 3 * DAY],
        "HedgeCouncilThresholdsOutOfOrder",
        [2, 3, 2, 5],
      ],
      [
        "the Fast threshold is set to zero (nudges by nobody)",
        "setTierRule",
        [Tier.Fast, 0, 0],
        "HedgeCouncilThresholdsOutOfOrder",
        [0, 3, 4, 5],
      ],
      [
        "the Fast threshold is set to one (a lone seat nudging)",
        "setTierRule",
        [Tier.Fast, 1, 0],
        "HedgeCouncilThresholdsOutOfOrder",
        [1, 3, 4, 5],
      ],
      ["the Fast tier is given a delay", "setTierRule", [Tier.Fast, 2, 1], "HedgeCouncilFastDelayNotZero", [1]],
      [
        "the Standard delay is cut below the timelock's minimum",
        "setTierRule",
        [Tier.Standard, 3, HOUR],
        "HedgeCouncilStandardDelayBelowTimelockMinimum",
        [HOUR, DAY],
      ],
      [
        "the Critical delay is cut below the Standard delay",
        "setTierRule",
        [Tier.Critical, 4, HOUR],
        "HedgeCouncilCriticalDelayBelowStandard",
        [HOUR, DAY],
      ],
      ["the veto threshold is set to zero", "setVetoThreshold", [0], "HedgeCouncilVetoThresholdOutOfRange", [0, 5]],
      [
        "the veto threshold is set above the seat count",
        "setVetoThreshold",
        [6],
        "HedgeCouncilVetoThresholdOutOfRange",
        [6, 5],
      ],
      [
        "the proposal TTL is cut below one hour",
        "setExpiry",
        [HOUR - 1, 14 * DAY],
        "HedgeCouncilExpiryOutOfRange",
        [HOUR - 1, 14 * DAY],
      ],
    ];
    for (const [name, fn, fnArgs, error, errorArgs] of cases) {
      it(`a Critical proposal: ${name}`, async function () {
        const sys = await loadFixture(fixture);
        const p = proposal([councilCall(sys, fn, fnArgs)], name);
        await expectGovernanceRefused(sys, p, "council", error, errorArgs);
      });
    }
  });

  describe("outside governance", function () {
    it("a seat holder mints a seat for an accomplice", async function () {
      const sys = await loadFixture(fixture);
      await expectUnchanged(sys, sys.scope, () =>
        expect(sys.seats.connect(sys.holders[0]).mint(sys.stranger.address))
          .to.be.revertedWithCustomError(sys.seats, "CouncilSeatsUnauthorized")
          .withArgs(sys.holders[0].address),
      );
    });

    it("a majority of holders burns a dissenter's seat without a proposal", async function () {
      const sys = await loadFixture(fixture);
      for (const holder of sys.holders.slice(0, 4)) {
        await expectUnchanged(sys, sys.scope, () =>
          expect(sys.seats.connect(holder).burn(5))
            .to.be.revertedWithCustomError(sys.seats, "CouncilSeatsUnauthorized")
            .withArgs(holder.address),
        );
      }
    });

    it("a holder rotates its seat to a new key with transferFrom", async function () {
      const sys = await loadFixture(fixture);
      const holder = sys.holders[0];
      await expectUnchanged(sys, sys.scope, () =>
        expect(sys.seats.connect(holder).transferFrom(holder.address, sys.stranger.address, 1))
          .to.be.revertedWithCustomError(sys.seats, "CouncilSeatsNonTransferable")
          .withArgs(1),
      );
    });

    it("a tightening proposal carries its own threshold cut to pass as Standard", async function () {
      const sys = await loadFixture(fixture);
      const tighten = (await tighteningProposal(sys)).calldatas[0];
      const p = proposal(
        [{ target: sys.addresses.policy, data: tighten }, councilCall(sys, "setTierRule", [Tier.Critical, 3, 3 * DAY])],
        "cut",
      );
      const id = await sys.council.hashProposal(...args(p));
      const scope = await scopeOf(sys, [p]);
      await expectUnchanged(sys, scope, () =>
        expect(submitWith(sys, p, sys.holders.slice(0, 3)))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilInsufficientApprovals")
          .withArgs(id, 3, 4),
      );
    });
  });
});

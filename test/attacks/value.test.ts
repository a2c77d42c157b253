// Attacks: ether through `execute`. `execute` takes exactly the ether its calls send (the sum of `values`): any other
// `msg.value` is refused with HedgeCouncilValueMismatch(sent, required) and nothing moves, so no ether can be left in
// the council or the timelock, nor a proposal run with less than it promised to send.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { parseEther } from "ethers";

import { args, deployCouncilSystem, ProposalState, proposal, setPolicyCall, withEdit } from "../helpers/system";
import { expectUnchanged, queueBySignatures, scopeOf } from "./attacks.behavior";

async function fixture() {
  return deployCouncilSystem();
}

describe("Attacks: execute takes exactly the ether its calls send", function () {
  async function payingFixture() {
    const sys = await deployCouncilSystem();
    const target = await (await ethers.getContractFactory("TestTarget")).deploy();
    const targetAddress = await target.getAddress();
    const p = proposal(
      [{ target: targetAddress, data: target.interface.encodeFunctionData("ping", [1]), value: parseEther("1") }],
      "pay 1 ether",
    );
    const { id, eta } = await queueBySignatures(sys, p);
    await time.increaseTo(eta);
    return { ...sys, targetAddress, p, id, scope: await scopeOf(sys, [p], { accounts: [targetAddress] }) };
  }
  before(async () => loadFixture(payingFixture)); // the set-up, once, outside the tests' time

  for (const sent of [parseEther("2"), parseEther("1") + 1n, parseEther("1") - 1n, 0n]) {
    it(`a proposal sending 1 ether is executed with ${ethers.formatEther(sent)} ether`, async function () {
      const sys = await loadFixture(payingFixture);
      await expectUnchanged(sys, sys.scope, () =>
        expect(sys.council.connect(sys.stranger).execute(...args(sys.p), { value: sent }))
          .to.be.revertedWithCustomError(sys.council, "HedgeCouncilValueMismatch")
          .withArgs(sent, parseEther("1")),
      );
      expect(await ethers.provider.getBalance(sys.addresses.timelock)).to.equal(0n);
      expect(await ethers.provider.getBalance(sys.targetAddress)).to.equal(0n);
    });
  }

  it("with exactly 1 ether it runs, and no ether stays in the council or the timelock", async function () {
    const sys = await loadFixture(payingFixture);
    await expect(
      sys.council.connect(sys.stranger).execute(...args(sys.p), { value: parseEther("1") }),
    ).to.changeEtherBalances([sys.stranger.address, sys.targetAddress], [-parseEther("1"), parseEther("1")]);
    expect(await ethers.provider.getBalance(sys.addresses.timelock)).to.equal(0n);
    expect(await ethers.provider.getBalance(sys.addresses.council)).to.equal(0n);
  });

  it("a Standard tightening (no ether) is executed with 1 wei attached", async function () {
    const sys = await loadFixture(fixture);
    const p = proposal(
      [
        await setPolicyCall(
          sys,
          withEdit((q) => (q.coverageBps = 3_000)),
        ),
      ],
      "tighten",
    );
    const { id, eta } = await queueBySignatures(sys, p);
    await time.increaseTo(eta);
    await expectUnchanged(sys, await scopeOf(sys, [p]), () =>
      expect(sys.council.execute(...args(p), { value: 1n }))
        .to.be.revertedWithCustomError(sys.council, "HedgeCouncilValueMismatch")
        .withArgs(1n, 0n),
    );
    expect(await sys.council.state(id)).to.equal(ProposalState.Queued);
  });
});

// scripts/lib/errors.ts: every custom error that the system's contracts can raise has words, and the words name the
// error's arguments (a refusal shown in words, never as a bare error name).
import { expect } from "chai";
import hre from "hardhat";
import { AbiCoder, ErrorFragment, Interface } from "ethers";

import { EXPLAIN, explainRevert } from "../scripts/lib/errors";

const SOURCES = ["HedgeCouncil", "HedgePolicy", "CouncilSeats", "TimelockController"];

/** A sample value of an ABI type, for encoding an error's arguments. */
function sample(type: string): unknown {
  if (type === "address") return "0x00000000000000000000000000000000000000A1";
  if (type === "bool") return true;
  if (type === "string") return "text";
  if (type.startsWith("bytes")) return "0x" + "ab".repeat(Number(type.slice(5)) || 4);
  if (type.startsWith("int")) return -7n;
  return 7n;
}

describe("contract errors in words", function () {
  it("every custom error of the council, the policy, the seats and the timelock has words", async function () {
    const missing: string[] = [];
    for (const name of SOURCES) {
      const { abi } = await hre.artifacts.readArtifact(name);
      for (const fragment of new Interface(abi).fragments) {
        if (fragment instanceof ErrorFragment && !(fragment.name in EXPLAIN)) missing.push(`${name}.${fragment.name}`);
      }
    }
    expect(missing).to.deep.equal([]);
  });

  it("explains each error with its arguments, never as the bare error name", async function () {
    for (const name of SOURCES) {
      const iface = new Interface((await hre.artifacts.readArtifact(name)).abi);
      for (const fragment of iface.fragments) {
        if (!(fragment instanceof ErrorFragment)) continue;
        const values = fragment.inputs.map((input) => sample(input.type));
        const data = fragment.selector + AbiCoder.defaultAbiCoder().encode(fragment.inputs, values).slice(2);
        const words = explainRevert(iface, data, 1_700_000_000);
        expect(words, fragment.name).to.not.match(/reverted with|unknown data/);
        expect(words.length, fragment.name).to.be.greaterThan(20);
      }
    }
  });
});

// scripts/lib/errors.ts: every custom error that the system's contracts can raise has words, and the words name the
// error's arguments (a refusal shown in words, never as a bare error name).
import { expect } from "chai";
import hre from "hardhat";
import { AbiCoder, ErrorFragment, Interface } from "ethers";

import { ERROR_SOURCES, EXPLAIN, explainRevert } from "../scripts/lib/errors";

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

  it("has words for no error the contracts cannot raise (the errors rules v3 removed among them)", async function () {
    const known = new Set<string>();
    for (const name of ERROR_SOURCES) {
      if (!(await hre.artifacts.artifactExists(name))) continue;
      for (const fragment of new Interface((await hre.artifacts.readArtifact(name)).abi).fragments) {
        if (fragment instanceof ErrorFragment) known.add(fragment.name);
      }
    }
    expect(Object.keys(EXPLAIN).filter((e) => !known.has(e))).to.deep.equal([]);
    for (const removed of ["HedgeCouncilSignatureCountMismatch", "HedgeCouncilNotApproved"]) {
      expect(EXPLAIN, removed).not.to.have.property(removed);
    }
  });

  it("names the seat in every signature error of rules v3, and the tier in a refused veto", async function () {
    const iface = new Interface((await hre.artifacts.readArtifact("HedgeCouncil")).abi);
    const words = (name: string, args: unknown[]) => explainRevert(iface, iface.encodeErrorResult(name, args), 0);
    const id = `0x${"ab".repeat(32)}`;
    const holder = "0x00000000000000000000000000000000000000A1";
    expect(words("HedgeCouncilSeatNotFound", [9])).to.include("seat 9");
    expect(words("HedgeCouncilDuplicateSeat", [3])).to.include("seat 3");
    expect(words("HedgeCouncilSignatureExpired", [3, 1_796_951_864])).to.equal(
      "the signature of seat 3 was valid until 2026-12-11 01:17:44 UTC, which has passed: seat 3 must sign again",
    );
    expect(words("HedgeCouncilSignatureRevoked", [id, 4, holder])).to.equal(
      `the signature of seat 4 is by ${holder}, which revoked proposal 0xabababab…: no signature of that address counts for it again; it may approve on chain`,
    );
    expect(words("HedgeCouncilInvalidSignature", [5])).to.include("seat 5");
    expect(words("HedgeCouncilVetoNotCritical", [id, 1])).to.equal(
      "only Critical proposals can be vetoed: 0xabababab… is Standard (a setPolicy that does not loosen)",
    );
    expect(words("HedgeCouncilInvalidCallsLength", [2, 1])).to.include("got 2 targets and 1 calldatas");
    expect(words("HedgeCouncilAlreadyRevoked", [id, holder])).to.include(`${holder} already revoked proposal`);
    expect(words("HedgeCouncilNoSignatures", [])).to.include("no signature was given");
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

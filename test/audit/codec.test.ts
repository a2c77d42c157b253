// The audit's hand-rolled ABI codec (scripts/lib/audit/codec.ts) against ethers' own: event decoding (strings and
// the hash of their bytes included), the proposal id, the timelock operation id and the policy hash, on random
// inputs.
import { expect } from "chai";
import fc from "fast-check";
import { AbiCoder, Interface, getAddress, keccak256, toUtf8Bytes, type Result } from "ethers";

import { INTERFACES } from "../../scripts/lib/audit/abi";
import { eventDecoder, policyHash } from "../../scripts/lib/audit/codec";
import { keccakHex, operationId, proposalId } from "../../scripts/lib/council";
import { POLICY_ABI_TYPE, type PolicyValues } from "../../scripts/lib/policy";

const coder = AbiCoder.defaultAbiCoder();
const hexBytes = (min: number, max: number) =>
  fc.uint8Array({ minLength: min, maxLength: max }).map((b) => "0x" + Buffer.from(b).toString("hex"));
const address = hexBytes(20, 20).map((a) => getAddress(a));
const word = hexBytes(32, 32);
const calls = fc
  .array(fc.tuple(address, fc.bigInt({ min: 0n, max: (1n << 256n) - 1n }), hexBytes(0, 300)), {
    minLength: 1,
    maxLength: 4,
  })
  .map((list) => ({ targets: list.map((c) => c[0]), values: list.map((c) => c[1]), calldatas: list.map((c) => c[2]) }));

/** ethers' Result, deeply, as plain values with lower-case addresses (what the codec returns). */
function plain(value: unknown): unknown {
  if (Array.isArray(value) || (value && typeof value === "object" && "toArray" in value))
    return [...(value as Result)].map(plain);
  if (typeof value === "string" && /^0x[0-9a-fA-F]{40}$/.test(value)) return value.toLowerCase();
  return value;
}

describe("hedge:audit codec agrees with ethers", function () {
  it("hashes proposals and timelock operations like hashProposal / hashOperation(Batch)", function () {
    fc.assert(
      fc.property(calls, word, ({ targets, values, calldatas }, salt) => {
        const id = keccak256(
          coder.encode(["address[]", "uint256[]", "bytes[]", "bytes32"], [targets, values, calldatas, salt]),
        );
        expect(proposalId(targets, values, calldatas, salt)).to.equal(id);
        const zero = "0x" + "00".repeat(32);
        const op =
          targets.length === 1
            ? keccak256(
                coder.encode(
                  ["address", "uint256", "bytes", "bytes32", "bytes32"],
                  [targets[0], values[0], calldatas[0], zero, id],
                ),
              )
            : keccak256(
                coder.encode(
                  ["address[]", "uint256[]", "bytes[]", "bytes32", "bytes32"],
                  [targets, values, calldatas, zero, id],
                ),
              );
        expect(operationId(targets, values, calldatas, id)).to.equal(op);
      }),
      { numRuns: 200 },
    );
  });

  it("hashes a policy like keccak256(abi.encode(policy))", function () {
    const n = (max: number) => fc.integer({ min: 0, max });
    const policy: fc.Arbitrary<PolicyValues> = fc.record({
      layers: fc.array(
        fc.record({ allocationBps: n(65_535), tenorDays: n(65_535), triggerVix: n(2 ** 32 - 1), instrument: n(3) }),
        { minLength: 0, maxLength: 5 },
      ),
      coverageBps: n(65_535),
      scaleStepBps: n(65_535),
      shortDeltaMinBps: n(65_535),
      shortDeltaMaxBps: n(65_535),
      wingWidthPts: n(65_535),
      targetDte: n(65_535),
      hysteresisVix: n(2 ** 32 - 1),
      maxOracleAge: n(2 ** 32 - 1),
    });
    fc.assert(
      fc.property(policy, (p) => {
        expect(policyHash(p)).to.equal(keccak256(coder.encode([POLICY_ABI_TYPE], [p])));
      }),
      { numRuns: 200 },
    );
    expect(keccakHex("0x")).to.equal(keccak256("0x"));
  });

  it("decodes every event of the five contracts like Interface.decodeEventLog", function () {
    const values: Record<string, fc.Arbitrary<unknown>> = {
      address,
      bool: fc.boolean(),
      bytes32: word,
      bytes: hexBytes(0, 200),
      "address[]": fc.array(address, { maxLength: 4 }),
      "uint256[]": fc.array(fc.bigInt({ min: 0n, max: (1n << 256n) - 1n }), { maxLength: 4 }),
      "bytes[]": fc.array(hexBytes(0, 100), { maxLength: 4 }),
      // Any text: controls, astral characters, long ones (a description is the proposer's).
      string: fc.string({ unit: "grapheme", maxLength: 300 }),
    };
    const arb = (type: string): fc.Arbitrary<unknown> => {
      if (values[type]) return values[type];
      const int = /^(u?)int(\d+)$/.exec(type);
      if (int) {
        const bits = BigInt(int[2]);
        return int[1]
          ? fc.bigInt({ min: 0n, max: (1n << bits) - 1n })
          : fc.bigInt({ min: -(1n << (bits - 1n)), max: (1n << (bits - 1n)) - 1n });
      }
      throw new Error(`no generator for ${type}`);
    };
    let events = 0;
    for (const iface of Object.values(INTERFACES) as Interface[]) {
      iface.forEachEvent((fragment) => {
        events++;
        const decode = eventDecoder(fragment);
        fc.assert(
          fc.property(fc.tuple(...fragment.inputs.map((i) => arb(i.type))), (args) => {
            const log = iface.encodeEventLog(fragment, args);
            const expected = iface.decodeEventLog(fragment, log.data, log.topics);
            expect(decode(log.topics, log.data)).to.deep.equal(plain(expected));
            // With the hashes of its strings: the keccak256 of each one's UTF-8 bytes, after the arguments.
            const strings = fragment.inputs.flatMap((input, i) =>
              input.type === "string" && !input.indexed ? [keccak256(toUtf8Bytes(args[i] as string))] : [],
            );
            expect(eventDecoder(fragment, { stringHashes: true })(log.topics, log.data)).to.deep.equal([
              ...(plain(expected) as unknown[]),
              ...strings,
            ]);
          }),
          { numRuns: 20 },
        );
      });
    }
    expect(events).to.be.greaterThan(25);
  });

  it("decodes a string whose bytes are not UTF-8 without refusing it, and hashes its bytes as emitted", function () {
    const fragment = INTERFACES.council.getEvent("ProposalCreated")!;
    // ProposalCreated(id, proposer, tier, targets, values, calldatas, description) with raw bytes as description.
    const raw = "0x41ff42c3"; // "A", a byte that starts nothing, "B", a truncated two-byte sequence
    const data = coder.encode(
      ["uint8", "address[]", "uint256[]", "bytes[]", "bytes"],
      [2, [getAddress("0x" + "11".repeat(20))], [0n], ["0x"], raw],
    );
    const topics = [fragment.topicHash, "0x" + "ab".repeat(32), "0x" + "00".repeat(12) + "22".repeat(20)];
    const decoded = eventDecoder(fragment, { stringHashes: true })(topics, data);
    expect(decoded[6]).to.equal("A\uFFFDB\uFFFD");
    expect(decoded[7]).to.equal(keccak256(raw));
    expect(decoded).to.have.length(8);
  });
});

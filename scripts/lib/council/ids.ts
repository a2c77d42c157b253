// Proposal ids and the timelock operations they become, computed off-chain exactly as the contracts do:
//   proposal id   = keccak256(abi.encode(targets, values, calldatas, descriptionHash))      (HedgeCouncil.hashProposal)
//                   descriptionHash = keccak256(bytes(description)), as in OpenZeppelin Governor
//   operation id  = keccak256(abi.encode(target, value, data, bytes32(0), id))             one call (hashOperation)
//                 = keccak256(abi.encode(targets, values, calldatas, bytes32(0), id))      a batch (hashOperationBatch)
// The encoding is written out in hex (no ABI coder): the audit hashes every proposal of a long history, and the
// ABI coder of ethers would dominate its run time. test/audit/codec.test.ts checks both against ethers and the chain.
import { keccak256 } from "ethers";

/**
 * The calls of a proposal, exactly as `queue`, `execute` and `cancel` take them: `propose` and `submit` take the
 * description itself, whose keccak256 is `descriptionHash`.
 */
export interface ProposalCalls {
  targets: string[];
  values: bigint[];
  calldatas: string[];
  descriptionHash: string;
}

type NativeKeccak = (algorithm: "keccak256") => { update(data: Buffer): { digest(): Buffer } };

/**
 * The `keccak` package's native binding (a dependency of Hardhat itself) hashes about five times faster than the
 * pure-JS keccak of ethers on thousands of hashes; ethers' is the fallback when it is not installed.
 */
const nativeKeccak: NativeKeccak | null = (() => {
  // In a browser (the console) there is neither `require` nor `Buffer`: ethers' keccak it is.
  if (typeof require !== "function" || typeof Buffer === "undefined") return null;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const create = require("keccak") as NativeKeccak;
    const probe = create("keccak256").update(Buffer.alloc(0)).digest().toString("hex");
    return probe === "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470" ? create : null;
  } catch {
    return null;
  }
})();

/** keccak256 of hex data (with 0x). */
export function keccakHex(hex: string): string {
  if (!nativeKeccak) return keccak256(hex.length > 2 ? hex : "0x");
  const bytes = Buffer.from(hex.length > 2 ? hex.slice(2) : "", "hex");
  return "0x" + nativeKeccak("keccak256").update(bytes).digest().toString("hex");
}

export const ZERO_WORD = "0".repeat(64);
/** A 32-byte word of hex (no 0x), left-padded. */
export const pad = (hex: string) => hex.padStart(64, "0");
/** An unsigned integer as a word. */
export const uintWord = (v: bigint | number) => pad(BigInt(v).toString(16));
const addressWord = (a: string) => pad(a.slice(2).toLowerCase());
const strip = (hex: string) => (hex.startsWith("0x") ? hex.slice(2) : hex).toLowerCase();

function bytesTail(data: string): string {
  const body = strip(data);
  const padded = body.padEnd(Math.ceil(body.length / 64) * 64, "0");
  return uintWord(body.length / 2) + padded;
}

/** The encoding of `bytes[]` (length, offsets, then each element). */
function bytesArray(items: string[]): string {
  const tails = items.map(bytesTail);
  let offset = items.length * 32;
  const heads = tails.map((tail) => {
    const word = uintWord(offset);
    offset += tail.length / 2;
    return word;
  });
  return uintWord(items.length) + heads.join("") + tails.join("");
}

/** `abi.encode(address[] targets, uint256[] values, bytes[] calldatas, <extra static words>)`. */
function encodeCalls(targets: string[], values: bigint[], calldatas: string[], extra: string[]): string {
  const headSize = (3 + extra.length) * 32;
  const t = uintWord(targets.length) + targets.map(addressWord).join("");
  const v = uintWord(values.length) + values.map(uintWord).join("");
  const d = bytesArray(calldatas);
  return (
    "0x" +
    uintWord(headSize) +
    uintWord(headSize + t.length / 2) +
    uintWord(headSize + (t.length + v.length) / 2) +
    extra.join("") +
    t +
    v +
    d
  );
}

/** `hashProposal`: keccak256(abi.encode(targets, values, calldatas, descriptionHash)), in lower case. */
export function proposalId(targets: string[], values: bigint[], calldatas: string[], descriptionHash: string): string {
  return keccakHex(encodeCalls(targets, values, calldatas, [pad(strip(descriptionHash))]));
}

/** `proposalId` of a proposal's calls. */
export function proposalIdOf(calls: ProposalCalls): string {
  return proposalId(calls.targets, calls.values, calls.calldatas, calls.descriptionHash);
}

/**
 * The timelock operation of a proposal: predecessor 0, salt = the proposal id; `hashOperation` for one call,
 * `hashOperationBatch` for several.
 */
export function operationId(targets: string[], values: bigint[], calldatas: string[], id: string): string {
  if (targets.length === 1) {
    return keccakHex(
      "0x" +
        addressWord(targets[0]) +
        uintWord(values[0]) +
        uintWord(5 * 32) +
        ZERO_WORD +
        pad(strip(id)) +
        bytesTail(calldatas[0]),
    );
  }
  return keccakHex(encodeCalls(targets, values, calldatas, [ZERO_WORD, pad(strip(id))]));
}

/** `operationId` of a proposal's calls (its id computed here). */
export function operationIdOf(calls: ProposalCalls): string {
  return operationId(calls.targets, calls.values, calls.calldatas, proposalIdOf(calls));
}

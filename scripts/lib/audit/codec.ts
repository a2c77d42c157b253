// The audit's hot paths in plain hex, without ethers' ABI coder (which costs about half a millisecond per event or
// hash and would dominate a replay of thousands of proposals): decoding event logs from their fragments, the policy
// hash, checksummed addresses. Proposal and operation ids are ../council's (written the same way). Every function here
// is checked against ethers' own encoding in test/audit/codec.test.ts.
import { Utf8ErrorFuncs, toUtf8String, type EventFragment, type ParamType } from "ethers";

import { ZERO_WORD, keccakHex, uintWord } from "../council";
import type { PolicyValues } from "../policy";

/** `getAddress`, memoised: the one copy lives with the call decoder (the same few accounts come back in every event). */
export { checksum } from "../council/decode";

// ------------------------------------------------------------------------------------------------ decoding

function isDynamic(t: ParamType): boolean {
  if (t.baseType === "bytes" || t.baseType === "string") return true;
  if (t.baseType === "array") return t.arrayLength === -1 || isDynamic(t.arrayChildren!);
  if (t.baseType === "tuple") return t.components!.some(isDynamic);
  return false;
}

/** Words a static type takes in a head. */
function headWords(t: ParamType): number {
  if (isDynamic(t)) return 1;
  if (t.baseType === "array") return (t.arrayLength ?? 0) * headWords(t.arrayChildren!);
  if (t.baseType === "tuple") return t.components!.reduce((n, c) => n + headWords(c), 0);
  return 1;
}

const wordAt = (h: string, pos: number) => h.slice(pos, pos + 64);
const numAt = (h: string, pos: number) => Number.parseInt(wordAt(h, pos), 16);

/** One value whose encoding starts at character `pos` of `h` (hex without 0x). */
function decodeValue(t: ParamType, h: string, pos: number): unknown {
  const base = t.baseType;
  if (base === "address") return "0x" + h.slice(pos + 24, pos + 64);
  if (base === "bool") return wordAt(h, pos) !== ZERO_WORD;
  if (base.startsWith("uint")) return BigInt("0x" + wordAt(h, pos));
  if (base.startsWith("int")) {
    return BigInt.asIntN(Number(base.slice(3) || 256), BigInt("0x" + wordAt(h, pos)));
  }
  if (base === "bytes") {
    const length = numAt(h, pos);
    return "0x" + h.slice(pos + 64, pos + 64 + length * 2);
  }
  if (base === "string") {
    // Solidity does not check that a string is UTF-8: bytes that are not decode as U+FFFD (never a refusal, so a
    // hostile text cannot hide its event from the replay). Its hash is taken from the bytes (`stringHashes`).
    const length = numAt(h, pos);
    return toUtf8String("0x" + h.slice(pos + 64, pos + 64 + length * 2), Utf8ErrorFuncs.replace);
  }
  if (base.startsWith("bytes")) return "0x" + h.slice(pos, pos + Number(base.slice(5)) * 2);
  if (base === "array") {
    const child = t.arrayChildren!;
    const dynamicLength = t.arrayLength === -1;
    const length = dynamicLength ? numAt(h, pos) : (t.arrayLength ?? 0);
    const start = dynamicLength ? pos + 64 : pos;
    return decodeSequence(
      Array.from({ length }, () => child),
      h,
      start,
    );
  }
  if (base === "tuple") return decodeSequence(t.components!, h, pos);
  throw new Error(`cannot decode ABI type ${t.type}`);
}

/** A tuple or array body starting at `start`: heads in order, dynamic parts behind offsets relative to `start`. */
function decodeSequence(types: readonly ParamType[], h: string, start: number): unknown[] {
  const out: unknown[] = [];
  let head = start;
  for (const t of types) {
    if (isDynamic(t)) out.push(decodeValue(t, h, start + numAt(h, head) * 2));
    else out.push(decodeValue(t, h, head));
    head += headWords(t) * 64;
  }
  return out;
}

/**
 * A decoder for one event: its arguments in declaration order, as plain values (addresses in lower case). With
 * `stringHashes`, the keccak256 of each non-indexed string's bytes as emitted follows the arguments, in order: what
 * the contract hashed (e.g. `keccak256(bytes(description))`), even for bytes that are not UTF-8.
 */
export function eventDecoder(
  fragment: EventFragment,
  options: { stringHashes?: boolean } = {},
): (topics: string[], data: string) => unknown[] {
  const inputs = fragment.inputs;
  const dataTypes = inputs.filter((i) => !i.indexed);
  // The head position (in hex characters) of each string among the data: its offset word.
  const stringHeads: number[] = [];
  if (options.stringHashes) {
    let head = 0;
    for (const t of dataTypes) {
      if (t.baseType === "string") stringHeads.push(head);
      head += headWords(t) * 64;
    }
  }
  return (topics, data) => {
    const body = data.length > 2 ? data.slice(2) : "";
    const fromData = dataTypes.length ? decodeSequence(dataTypes, body, 0) : [];
    const out: unknown[] = [];
    let topic = 1;
    let next = 0;
    for (const input of inputs) {
      if (input.indexed) {
        const word = topics[topic++].slice(2);
        out.push(isDynamic(input) ? "0x" + word : decodeValue(input, word, 0));
      } else {
        out.push(fromData[next++]);
      }
    }
    for (const head of stringHeads) {
      const start = numAt(body, head) * 2;
      const length = numAt(body, start);
      out.push(keccakHex("0x" + body.slice(start + 64, start + 64 + length * 2)));
    }
    return out;
  };
}

// ------------------------------------------------------------------------------------------------ encoding

/** `abi.encode(policy)`, the preimage of `policyHash()`. */
export function encodePolicy(p: PolicyValues): string {
  const head = [
    uintWord(32), // the tuple is dynamic: an offset to it
    uintWord(9 * 32), // layers, after the 9 head words of the tuple
    uintWord(p.coverageBps),
    uintWord(p.scaleStepBps),
    uintWord(p.shortDeltaMinBps),
    uintWord(p.shortDeltaMaxBps),
    uintWord(p.wingWidthPts),
    uintWord(p.targetDte),
    uintWord(p.hysteresisVix),
    uintWord(p.maxOracleAge),
  ];
  const layers = p.layers.map(
    (l) => uintWord(l.allocationBps) + uintWord(l.tenorDays) + uintWord(l.triggerVix) + uintWord(l.instrument),
  );
  return "0x" + head.join("") + uintWord(p.layers.length) + layers.join("");
}

/** `keccak256(abi.encode(policy))`: what `HedgePolicy.policyHash()` returns. */
export function policyHash(p: PolicyValues): string {
  return keccakHex(encodePolicy(p));
}

/** The static words of calldata after its selector, as numbers (for nudges: `(uint8, uint32)` and `(uint16)`). */
export function staticArgs(data: string, count: number): bigint[] | null {
  const body = data.slice(10);
  if (body.length < count * 64) return null;
  return Array.from({ length: count }, (_, i) => BigInt("0x" + body.slice(i * 64, i * 64 + 64)));
}

// The one signing module: EIP-712 approvals of council proposals, shared by tests, scripts, tasks and the console.
// Domain: name "HedgeCouncil", version "2", the chain id and the council's address.
// Type: Approval(bytes32 proposalId,uint256 seatId,uint64 validUntil): a signature names its seat and carries a
// deadline; it counts only if, when it is presented, that seat exists, its current holder made it and
// block.timestamp <= validUntil (HedgeCouncil._addSignatures).
import { TypedDataEncoder, recoverAddress, type Signer, type TypedDataDomain, type TypedDataField } from "ethers";

export const APPROVAL_DOMAIN_NAME = "HedgeCouncil";
export const APPROVAL_DOMAIN_VERSION = "2";
export const APPROVAL_TYPE = "Approval(bytes32 proposalId,uint256 seatId,uint64 validUntil)";

export const APPROVAL_TYPES: Record<string, TypedDataField[]> = {
  Approval: [
    { name: "proposalId", type: "bytes32" },
    { name: "seatId", type: "uint256" },
    { name: "validUntil", type: "uint64" },
  ],
};

/** What a seat holder signs: the proposal, the seat it signs as, and the last second (unix time) it counts. */
export interface Approval {
  proposalId: string;
  seatId: bigint | number;
  validUntil: bigint | number;
}

/**
 * How long a signature counts when no `--valid-for` is given: 7 days, the council's default proposal TTL. Consent
 * then lasts as long as a proposal may wait to be queued, long enough to collect co-signers over a weekend, and a
 * signature nobody relayed cannot wake up months later.
 */
export const DEFAULT_VALID_FOR_SECONDS = 7 * 86_400;

export function approvalDomain(chainId: bigint | number, council: string): TypedDataDomain {
  return { name: APPROVAL_DOMAIN_NAME, version: APPROVAL_DOMAIN_VERSION, chainId, verifyingContract: council };
}

const message = (a: Approval) => ({
  proposalId: a.proposalId,
  seatId: BigInt(a.seatId),
  validUntil: BigInt(a.validUntil),
});

/** The digest a seat holder signs (equal to `HedgeCouncil.approvalDigest(id, seatId, validUntil)`). */
export function approvalDigest(chainId: bigint | number, council: string, approval: Approval): string {
  return TypedDataEncoder.hash(approvalDomain(chainId, council), APPROVAL_TYPES, message(approval));
}

/** The three hashes behind an approval's signature, as a hardware wallet or Safe signer shows them. */
export interface ApprovalHashes {
  /** EIP-712 `hashStruct(EIP712Domain)`: name, version, chain id and council (devices: "domain hash"). */
  domainSeparator: string;
  /** `hashStruct(Approval(bytes32 proposalId,uint256 seatId,uint64 validUntil))` (devices: "message hash"). */
  structHash: string;
  /** keccak256(0x1901 ‖ domainSeparator ‖ structHash): what is signed, `HedgeCouncil.approvalDigest`. */
  digest: string;
}

export function approvalHashes(chainId: bigint | number, council: string, approval: Approval): ApprovalHashes {
  const domain = approvalDomain(chainId, council);
  return {
    domainSeparator: TypedDataEncoder.hashDomain(domain),
    structHash: TypedDataEncoder.from(APPROVAL_TYPES).hash(message(approval)),
    digest: approvalDigest(chainId, council, approval),
  };
}

/** A deadline as the command line shows it: "2026-12-11 01:17:44 UTC (unix 1796951864)". */
export function fmtValidUntil(validUntil: bigint | number): string {
  const seconds = Number(validUntil);
  const date = new Date(seconds * 1000);
  const shown = Number.isFinite(date.getTime())
    ? date
        .toISOString()
        .replace("T", " ")
        .replace(/\.\d{3}Z$/, " UTC")
    : "?";
  return `${shown} (unix ${seconds})`;
}

/**
 * The hashes as the command line prints them before anything is signed or exported, with the seat and the deadline
 * they carry, so a signer can compare them with what the device displays: a device that shows other hashes or
 * another seat or deadline is signing something else.
 */
export function approvalHashLines(hashes: ApprovalHashes, approval?: Approval): string[] {
  const lines = ["EIP-712 hashes (compare with what the signing device shows):"];
  if (approval) {
    lines.push(`  seat              ${BigInt(approval.seatId)}`);
    lines.push(`  valid until       ${fmtValidUntil(approval.validUntil)}`);
  }
  lines.push(
    `  domain separator  ${hashes.domainSeparator}  (device: domain hash; HedgeCouncil, version ${APPROVAL_DOMAIN_VERSION})`,
    `  struct hash       ${hashes.structHash}  (device: message hash; ${APPROVAL_TYPE})`,
    `  digest            ${hashes.digest}  (signed: keccak256(0x1901 ‖ domain ‖ struct))`,
  );
  return lines;
}

/** Signs an approval with ethers' `signTypedData` (what a wallet does for EIP-712). */
export async function signApproval(
  signer: Signer,
  chainId: bigint | number,
  council: string,
  approval: Approval,
): Promise<string> {
  return signer.signTypedData(approvalDomain(chainId, council), APPROVAL_TYPES, message(approval));
}

/** The full `eth_signTypedData_v4` payload for an approval, as a JSON-RPC wallet expects it. */
export function approvalTypedDataV4(chainId: bigint | number, council: string, approval: Approval) {
  return {
    types: {
      EIP712Domain: [
        { name: "name", type: "string" },
        { name: "version", type: "string" },
        { name: "chainId", type: "uint256" },
        { name: "verifyingContract", type: "address" },
      ],
      ...APPROVAL_TYPES,
    },
    primaryType: "Approval",
    domain: {
      name: APPROVAL_DOMAIN_NAME,
      version: APPROVAL_DOMAIN_VERSION,
      chainId: Number(chainId),
      verifyingContract: council,
    },
    // JSON has no bigint: the integers as decimal strings, as eth_signTypedData_v4 wallets accept them.
    message: {
      proposalId: approval.proposalId,
      seatId: BigInt(approval.seatId).toString(),
      validUntil: BigInt(approval.validUntil).toString(),
    },
  };
}

/**
 * Recovered signers by digest and signature. Recovery is the costly part of checking a signatures file (milliseconds
 * per signature), and a writer checks the file twice, before and under its lock (approvals-file.ts): remembering
 * what was recovered keeps the lock short. Recovery is a pure function, so a remembered answer is always right.
 */
const recovered = new Map<string, string>();
const RECOVERED_MAX = 4_096;

/** Recovers who signed an approval (ECDSA); throws on a malformed signature. */
export function recoverApprover(
  chainId: bigint | number,
  council: string,
  approval: Approval,
  signature: string,
): string {
  const digest = approvalDigest(chainId, council, approval);
  const key = `${digest}:${signature.toLowerCase()}`;
  let signer = recovered.get(key);
  if (signer === undefined) {
    signer = recoverAddress(digest, signature);
    if (recovered.size >= RECOVERED_MAX) recovered.clear();
    recovered.set(key, signer);
  }
  return signer;
}

/** `IHedgeCouncil.SeatSignature`: what `approveBySig` and `submit` take, one per seat. */
export interface SeatSignature {
  seatId: bigint;
  validUntil: bigint;
  signature: string;
}

/** An approval signature with the seat it names, its deadline, and (for display) the seat's holder who made it. */
export interface SignedApproval {
  seatId: bigint | number;
  validUntil: bigint | number;
  signature: string;
  signer?: string;
}

/**
 * The `SeatSignature[]` that `approveBySig` and `submit` take, in the order given: `submit` records the first
 * seat's holder as the proposer. Throws on a seat listed twice (the council would refuse it).
 */
export function packSignatures(approvals: SignedApproval[]): SeatSignature[] {
  const seen = new Set<bigint>();
  return approvals.map((a) => {
    const seatId = BigInt(a.seatId);
    if (seen.has(seatId)) throw new Error(`seat ${seatId} appears twice`);
    seen.add(seatId);
    return { seatId, validUntil: BigInt(a.validUntil), signature: a.signature };
  });
}

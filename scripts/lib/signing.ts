// The one signing module: EIP-712 approvals of council proposals, shared by tests, scripts and tasks.
// Domain: name "HedgeCouncil", version "1", the chain id and the council's address. Type: Approval(bytes32 proposalId).
import { TypedDataEncoder, recoverAddress, type Signer, type TypedDataDomain, type TypedDataField } from "ethers";

export const APPROVAL_TYPES: Record<string, TypedDataField[]> = { Approval: [{ name: "proposalId", type: "bytes32" }] };

export function approvalDomain(chainId: bigint | number, council: string): TypedDataDomain {
  return { name: "HedgeCouncil", version: "1", chainId, verifyingContract: council };
}

/** The digest a seat holder signs (equal to `HedgeCouncil.approvalDigest(id)`). */
export function approvalDigest(chainId: bigint | number, council: string, proposalId: string): string {
  return TypedDataEncoder.hash(approvalDomain(chainId, council), APPROVAL_TYPES, { proposalId });
}

/** The three hashes behind an approval's signature, as a hardware wallet or Safe signer shows them. */
export interface ApprovalHashes {
  /** EIP-712 `hashStruct(EIP712Domain)`: name, version, chain id and council (devices: "domain hash"). */
  domainSeparator: string;
  /** `hashStruct(Approval(bytes32 proposalId))` (devices: "message hash"). */
  structHash: string;
  /** keccak256(0x1901 ‖ domainSeparator ‖ structHash): what is signed, `HedgeCouncil.approvalDigest(id)`. */
  digest: string;
}

export function approvalHashes(chainId: bigint | number, council: string, proposalId: string): ApprovalHashes {
  const domain = approvalDomain(chainId, council);
  return {
    domainSeparator: TypedDataEncoder.hashDomain(domain),
    structHash: TypedDataEncoder.from(APPROVAL_TYPES).hash({ proposalId }),
    digest: approvalDigest(chainId, council, proposalId),
  };
}

/**
 * The hashes as the command line prints them before anything is signed or exported, so a signer can compare them
 * with what the device displays: a device that shows other hashes is signing something else.
 */
export function approvalHashLines(hashes: ApprovalHashes): string[] {
  return [
    "EIP-712 hashes (compare with what the signing device shows):",
    `  domain separator  ${hashes.domainSeparator}  (device: domain hash)`,
    `  struct hash       ${hashes.structHash}  (device: message hash; Approval(bytes32 proposalId))`,
    `  digest            ${hashes.digest}  (signed: keccak256(0x1901 ‖ domain ‖ struct))`,
  ];
}

/** Signs the approval of `proposalId` with ethers' `signTypedData` (what a wallet does for EIP-712). */
export async function signApproval(
  signer: Signer,
  chainId: bigint | number,
  council: string,
  proposalId: string,
): Promise<string> {
  return signer.signTypedData(approvalDomain(chainId, council), APPROVAL_TYPES, { proposalId });
}

/** The full `eth_signTypedData_v4` payload for an approval, as a JSON-RPC wallet expects it. */
export function approvalTypedDataV4(chainId: bigint | number, council: string, proposalId: string) {
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
    domain: { name: "HedgeCouncil", version: "1", chainId: Number(chainId), verifyingContract: council },
    message: { proposalId },
  };
}

/**
 * Recovered signers by digest and signature. Recovery is the costly part of checking a signatures file (milliseconds
 * per signature), and a writer checks the file twice, before and under its lock (approvals-file.ts): remembering
 * what was recovered keeps the lock short. Recovery is a pure function, so a remembered answer is always right.
 */
const recovered = new Map<string, string>();
const RECOVERED_MAX = 4_096;

/** Recovers who signed an approval; throws on a malformed signature. */
export function recoverApprover(
  chainId: bigint | number,
  council: string,
  proposalId: string,
  signature: string,
): string {
  const digest = approvalDigest(chainId, council, proposalId);
  const key = `${digest}:${signature.toLowerCase()}`;
  let signer = recovered.get(key);
  if (signer === undefined) {
    signer = recoverAddress(digest, signature);
    if (recovered.size >= RECOVERED_MAX) recovered.clear();
    recovered.set(key, signer);
  }
  return signer;
}

/** An approval signature with its signer. */
export interface SignedApproval {
  signer: string;
  signature: string;
}

/**
 * The two arrays `approveBySig` and `submit` take, in the order given: `submit` records the first signer as the
 * proposer. Throws on a signer listed twice (the council would refuse it).
 */
export function packApprovals(approvals: SignedApproval[]): { signers: string[]; signatures: string[] } {
  const seen = new Set<string>();
  for (const { signer } of approvals) {
    if (seen.has(signer.toLowerCase())) throw new Error(`signer ${signer} appears twice`);
    seen.add(signer.toLowerCase());
  }
  return { signers: approvals.map((a) => a.signer), signatures: approvals.map((a) => a.signature) };
}

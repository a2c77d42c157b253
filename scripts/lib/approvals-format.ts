// The signatures file without the file system: its format, checks and merge, shared by the command line (through
// ./approvals-file, which reads and writes files) and the browser console. EIP-712 approvals of one proposal,
// collected off-chain by `hedge:sign` (or the console) and relayed by `hedge:approve --signatures` (`approveBySig`)
// or `hedge:submit` (`submit`). Default place: proposals/<id>.json.
//
// Format "hedge-council-approvals/1" (JSON):
//   {
//     "format": "hedge-council-approvals/1",
//     "chainId": 31337,                       // the chain the approvals are for (part of the EIP-712 domain)
//     "council": "0x…",                      // the HedgeCouncil (the domain's verifyingContract)
//     "proposalId": "0x…",                   // hashProposal(targets, values, calldatas, salt)
//     "targets": ["0x…"], "values": ["0"], "calldatas": ["0x…"], "salt": "0x…",
//     "description": "…",                   // optional: the proposal's reason, when salt = keccak256(its UTF-8)
//     "signatures": [{ "signer": "0x…", "signature": "0x…" }]   // in signing order; `submit` records the first
//   }                                                           // signer as the proposer
//
// Every field is checked on read: the format, the chain and council against the network's deployment, the id against
// the calls, the description (when present) against the salt, and each signature against its signer (ECDSA recovery,
// or ERC-1271 `isValidSignature` for a contract signer such as a Safe). A file that fails any check is refused as a
// whole.
import { Contract, Signature, getAddress, isAddress, isHexString, type Provider } from "ethers";

import { CliError } from "./shell/output";
import { descriptionSalt, proposalIdOf, type ProposalCalls } from "./council";
import { approvalDigest, recoverApprover, type SignedApproval } from "./signing";

export const APPROVALS_FORMAT = "hedge-council-approvals/1";

export interface ApprovalsFile {
  format: typeof APPROVALS_FORMAT;
  chainId: number;
  council: string;
  proposalId: string;
  targets: string[];
  values: string[];
  calldatas: string[];
  salt: string;
  /** The proposal's reason in words; present only when `salt` is keccak256 of its UTF-8 bytes (checked on read). */
  description?: string;
  signatures: SignedApproval[];
}

/** What the file must match: the network's chain and council, and the proposal when the user named one. */
export interface ApprovalsExpectation {
  chainId: number;
  council: string;
  proposalId?: string;
}

const ERC1271_MAGIC = "0x1626ba7e";

/** A signatures file with no signature yet; `description` only for a proposal whose salt is its hash. */
export function newApprovalsFile(
  chainId: number,
  council: string,
  id: string,
  calls: ProposalCalls,
  description?: string,
): ApprovalsFile {
  return {
    format: APPROVALS_FORMAT,
    chainId,
    council: getAddress(council),
    proposalId: id,
    targets: calls.targets.map((t) => getAddress(t)),
    values: calls.values.map((v) => v.toString()),
    calldatas: calls.calldatas,
    salt: calls.salt,
    ...(description === undefined ? {} : { description }),
    signatures: [],
  };
}

/** The calls recorded in a signatures file, as the council's functions take them. */
export function callsOf(file: ApprovalsFile): ProposalCalls {
  return {
    targets: file.targets,
    values: file.values.map((v) => BigInt(v)),
    calldatas: file.calldatas,
    salt: file.salt,
  };
}

/**
 * Checks the parsed content of a signatures file; `name` is how errors refer to it. With a provider, a signature that
 * does not recover to its signer is accepted only if the signer is a contract that validates it (ERC-1271).
 */
export async function parseApprovals(
  raw: unknown,
  name: string,
  expect: ApprovalsExpectation,
  provider?: Provider,
): Promise<ApprovalsFile> {
  const bad = (what: string) => new CliError(`signatures file ${name}: ${what}`);
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw bad("expected a JSON object");
  const f = raw as Record<string, unknown>;

  if (f.format !== APPROVALS_FORMAT) throw bad(`format is ${JSON.stringify(f.format)}, expected "${APPROVALS_FORMAT}"`);
  if (!Number.isSafeInteger(f.chainId)) throw bad("chainId must be a number");
  if (f.chainId !== expect.chainId) {
    throw bad(`it is for chain ${f.chainId}, but this network is chain ${expect.chainId}`);
  }
  if (typeof f.council !== "string" || !isAddress(f.council)) throw bad("council is not an address");
  if (getAddress(f.council) !== getAddress(expect.council)) {
    throw bad(
      `it is for council ${getAddress(f.council)}, but this network's council is ${getAddress(expect.council)}`,
    );
  }
  if (!isHexString(f.proposalId, 32)) throw bad("proposalId must be 0x followed by 64 hex digits");
  const proposalId = (f.proposalId as string).toLowerCase();
  if (expect.proposalId && !proposalId.startsWith(expect.proposalId.toLowerCase())) {
    throw bad(`it is for proposal ${proposalId}, not ${expect.proposalId}`);
  }

  const list = (key: string) => {
    const value = f[key];
    if (!Array.isArray(value)) throw bad(`${key} must be a list`);
    return value as unknown[];
  };
  const targets = list("targets");
  const values = list("values");
  const calldatas = list("calldatas");
  if (targets.length === 0 || targets.length !== values.length || targets.length !== calldatas.length) {
    throw bad("targets, values and calldatas must be non-empty lists of the same length");
  }
  targets.forEach((t, i) => {
    if (typeof t !== "string" || !isAddress(t)) throw bad(`targets[${i}] is not an address`);
  });
  values.forEach((v, i) => {
    if (typeof v !== "string" || !/^\d+$/.test(v)) throw bad(`values[${i}] must be a decimal string of wei`);
  });
  calldatas.forEach((d, i) => {
    if (!isHexString(d)) throw bad(`calldatas[${i}] is not hex data`);
  });
  if (!isHexString(f.salt, 32)) throw bad("salt must be 0x followed by 64 hex digits");
  if (f.description !== undefined) {
    if (typeof f.description !== "string") throw bad("description must be a string");
    // The id commits to the salt and the salt to the text: a text that does not hash to it is not the one signed.
    if (descriptionSalt(f.description) !== (f.salt as string).toLowerCase()) {
      throw bad("the description does not match the proposal's salt: the file was edited");
    }
  }

  const content: ApprovalsFile = {
    format: APPROVALS_FORMAT,
    chainId: f.chainId as number,
    council: getAddress(f.council),
    proposalId,
    targets: (targets as string[]).map((t) => getAddress(t)),
    values: values as string[],
    calldatas: calldatas as string[],
    salt: f.salt as string,
    ...(f.description === undefined ? {} : { description: f.description as string }),
    signatures: [],
  };
  const computed = proposalIdOf(callsOf(content));
  if (computed.toLowerCase() !== proposalId) {
    throw bad(`proposalId ${proposalId} does not match its calls (hashProposal gives ${computed})`);
  }

  const seen = new Set<string>();
  const digest = approvalDigest(content.chainId, content.council, proposalId);
  for (const [i, entry] of list("signatures").entries()) {
    const e = (entry ?? {}) as Record<string, unknown>;
    if (typeof e.signer !== "string" || !isAddress(e.signer)) throw bad(`signatures[${i}].signer is not an address`);
    const signer = getAddress(e.signer);
    if (!isHexString(e.signature)) throw bad(`signatures[${i}].signature (${signer}) is not hex data`);
    if (seen.has(signer)) throw bad(`${signer} signed twice`);
    seen.add(signer);
    const signature = e.signature as string;
    if (!(await signatureIsValid(content, signer, signature, digest, provider))) {
      throw bad(
        `the signature of ${signer} does not verify: it was not made by ${signer} for this proposal, chain and council (tampered?)`,
      );
    }
    content.signatures.push({ signer, signature });
  }
  return content;
}

async function signatureIsValid(
  content: ApprovalsFile,
  signer: string,
  signature: string,
  digest: string,
  provider?: Provider,
): Promise<boolean> {
  if (isHexString(signature, 65)) {
    try {
      // Signature.from refuses high-s (malleable) signatures, which the council refuses too.
      Signature.from(signature);
      if (getAddress(recoverApprover(content.chainId, content.council, content.proposalId, signature)) === signer) {
        return true;
      }
    } catch {
      // not a valid ECDSA signature: maybe a contract signer's
    }
  }
  if (!provider || (await provider.getCode(signer)) === "0x") return false;
  try {
    const wallet = new Contract(signer, ["function isValidSignature(bytes32,bytes) view returns (bytes4)"], provider);
    return (await wallet.isValidSignature(digest, signature)) === ERC1271_MAGIC;
  } catch {
    return false;
  }
}

/**
 * Merges two checked files of the same proposal: every signature of either, each signer once, in the order they
 * were first collected (`a` first). Never drops a signature; refuses files of different proposals, chains or
 * councils, and a signer with two different signatures keeps the first (both verify: either one is consent). The
 * description of either is kept: both were checked against the same salt.
 */
export function mergeApprovals(a: ApprovalsFile, b: ApprovalsFile): ApprovalsFile {
  if (a.chainId !== b.chainId || getAddress(a.council) !== getAddress(b.council)) {
    throw new CliError(
      `the files are for different councils or chains (${a.chainId} ${a.council}, ${b.chainId} ${b.council})`,
    );
  }
  if (a.proposalId.toLowerCase() !== b.proposalId.toLowerCase()) {
    throw new CliError(`the files are for different proposals (${a.proposalId}, ${b.proposalId})`);
  }
  const seen = new Set(a.signatures.map((s) => getAddress(s.signer)));
  const added = b.signatures.filter((s) => !seen.has(getAddress(s.signer)));
  const { description: _a, signatures: _b, ...fields } = a;
  const description = a.description ?? b.description;
  return {
    ...fields,
    ...(description === undefined ? {} : { description }),
    signatures: [...a.signatures, ...added],
  };
}

/** The text of a signatures file, as `hedge:sign` writes it. */
export function approvalsText(content: ApprovalsFile): string {
  return `${JSON.stringify(content, null, 2)}\n`;
}

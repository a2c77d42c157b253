// The signatures file without the file system: its format, checks and merge, shared by the command line (through
// ./approvals-file, which reads and writes files) and the browser console. EIP-712 approvals of one proposal,
// collected off-chain by `hedge:sign` (or the console) and relayed by `hedge:approve --signatures` (`approveBySig`)
// or `hedge:submit` (`submit`). Default place: proposals/<id>.json.
//
// Format "hedge-council-approvals/2" (JSON):
//   {
//     "format": "hedge-council-approvals/2",
//     "chainId": 31337,                       // the chain the approvals are for (part of the EIP-712 domain)
//     "council": "0x…",                      // the HedgeCouncil (the domain's verifyingContract)
//     "proposalId": "0x…",                   // hashProposal(targets, values, calldatas, keccak256(description))
//     "targets": ["0x…"], "values": ["0"], "calldatas": ["0x…"],
//     "description": "…",                   // the proposal's reason; required: `submit` puts it on chain
//     "signatures": [                         // in signing order; `submit` records the first seat's holder as the
//       { "seatId": "3", "validUntil": "1796951864", "signer": "0x…", "signature": "0x…" }   // proposer
//     ]
//   }
//
// Every field is checked on read: the format, the chain and council against the network's deployment, the id against
// the calls and the description's hash, and each signature: made by `signer` for Approval(id, seatId, validUntil)
// (ECDSA recovery, or ERC-1271 `isValidSignature` for a contract signer such as a Safe) and, with a provider, `signer`
// is the seat's current holder (`HedgeCouncil.holderOf`). A file that fails any check is refused as a whole. An
// expired signature is kept (it was valid consent when made): `hedge:submit` and `hedge:approve` refuse to relay it,
// and its seat holder signs again (the later deadline replaces it, see mergeApprovals).
//
// A file of format "hedge-council-approvals/1" (rules v2: signatures without a seat or a deadline) is refused with
// what to do: the council no longer accepts such signatures.
import { Contract, Signature, ZeroAddress, getAddress, isAddress, isHexString, type Provider } from "ethers";

import { CliError } from "./output";
import { quoted } from "./untrusted";
import { descriptionHash, proposalIdOf, type ProposalCalls } from "./council";
import {
  approvalDigest,
  fmtValidUntil,
  packSignatures,
  recoverApprover,
  type Approval,
  type SeatSignature,
} from "./signing";

export const APPROVALS_FORMAT = "hedge-council-approvals/2";

/**
 * The name of a proposal's signatures file in the proposals folder, the council's shared queue: its id in lower-case
 * hex, and `.json` (what the tools write). Any other name there is not a proposal's file (a lock, a writer's
 * temporary file, a note): the command line does not list it and `npm run app` does not serve it.
 */
export const PROPOSAL_FILE_NAME = /^0x[0-9a-f]{64}\.json$/;
/** The format of rules v2, refused on read (its signatures name no seat and carry no deadline). */
export const APPROVALS_FORMAT_V1 = "hedge-council-approvals/1";

/** One signature as the file keeps it: integers as decimal strings (JSON has no bigint). */
export interface ApprovalsSignature {
  seatId: string;
  validUntil: string;
  signer: string;
  signature: string;
}

export interface ApprovalsFile {
  format: typeof APPROVALS_FORMAT;
  chainId: number;
  council: string;
  proposalId: string;
  targets: string[];
  values: string[];
  calldatas: string[];
  /** The proposal's reason in words, whose keccak256 the id commits to; `submit` puts it on chain. */
  description: string;
  signatures: ApprovalsSignature[];
}

/** What the file must match: the network's chain and council, and the proposal when the user named one. */
export interface ApprovalsExpectation {
  chainId: number;
  council: string;
  proposalId?: string;
}

const ERC1271_MAGIC = "0x1626ba7e";
const MAX_SEAT_ID = 64n;
const MAX_UINT64 = (1n << 64n) - 1n;

/**
 * Whether parsed file content says it is for another chain or council than `expect`: in a folder that several
 * deployments share, such a file is not this council's queue, so it is left out, not listed as damaged. Only these
 * two fields are looked at; the file is not checked (nor trusted) by this.
 */
export function isForAnotherDeployment(
  raw: unknown,
  expect: Pick<ApprovalsExpectation, "chainId" | "council">,
): boolean {
  const f = (raw ?? {}) as { chainId?: unknown; council?: unknown };
  if (Number.isSafeInteger(f.chainId) && f.chainId !== expect.chainId) return true;
  return typeof f.council === "string" && isAddress(f.council) && getAddress(f.council) !== getAddress(expect.council);
}

/** A signatures file with no signature yet. */
export function newApprovalsFile(
  chainId: number,
  council: string,
  id: string,
  calls: Pick<ProposalCalls, "targets" | "values" | "calldatas">,
  description: string,
): ApprovalsFile {
  return {
    format: APPROVALS_FORMAT,
    chainId,
    council: getAddress(council),
    proposalId: id.toLowerCase(),
    targets: calls.targets.map((t) => getAddress(t)),
    values: calls.values.map((v) => v.toString()),
    calldatas: calls.calldatas,
    description,
    signatures: [],
  };
}

/** The calls recorded in a signatures file, as `queue`, `execute` and `cancel` take them (the description's hash). */
export function callsOf(file: ApprovalsFile): ProposalCalls {
  return {
    targets: file.targets,
    values: file.values.map((v) => BigInt(v)),
    calldatas: file.calldatas,
    descriptionHash: descriptionHash(file.description),
  };
}

/** A signature as the file keeps it. */
export function fileSignature(s: {
  seatId: bigint | number | string;
  validUntil: bigint | number | string;
  signer: string;
  signature: string;
}): ApprovalsSignature {
  return {
    seatId: BigInt(s.seatId).toString(),
    validUntil: BigInt(s.validUntil).toString(),
    signer: getAddress(s.signer),
    signature: s.signature,
  };
}

/** The approval a file's signature signs. */
export function approvalOf(file: Pick<ApprovalsFile, "proposalId">, s: ApprovalsSignature): Approval {
  return { proposalId: file.proposalId, seatId: BigInt(s.seatId), validUntil: BigInt(s.validUntil) };
}

/** The `SeatSignature[]` that `submit` and `approveBySig` take, in the file's order. */
export function seatSignaturesOf(signatures: ApprovalsSignature[]): SeatSignature[] {
  return packSignatures(signatures.map((s) => ({ ...s, seatId: BigInt(s.seatId), validUntil: BigInt(s.validUntil) })));
}

/** Whether a signature no longer counts at time `now` (unix seconds): the council requires now <= validUntil. */
export function isExpired(s: Pick<ApprovalsSignature, "validUntil">, now: number | bigint): boolean {
  return BigInt(now) > BigInt(s.validUntil);
}

/** The signatures of a file, one line each: seat, signer, deadline, and EXPIRED once `now` is past it. */
export function signatureLines(file: ApprovalsFile, now: number | bigint): string[] {
  return file.signatures.map(
    (s) =>
      `  seat ${s.seatId}  ${s.signer}  valid until ${fmtValidUntil(BigInt(s.validUntil))}${isExpired(s, now) ? "  EXPIRED" : ""}`,
  );
}

/**
 * Checks the parsed content of a signatures file; `name` is how errors refer to it. With a provider, each signer must
 * be its seat's current holder, and a signature that does not recover to its signer is accepted only if the signer is
 * a contract that validates it (ERC-1271).
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

  if (f.format === APPROVALS_FORMAT_V1) {
    const id = isHexString(f.proposalId, 32) ? (f.proposalId as string).toLowerCase() : "<id>";
    throw new CliError(
      `signatures file ${name} is of format ${APPROVALS_FORMAT_V1} (rules v2: signatures without a seat or a deadline); the council no longer accepts them: move it aside and sign again with \`npx hardhat hedge:sign --id ${id} --from <account>\` (a proposal not on chain yet: propose it again with \`hedge:propose … --offchain\`)`,
    );
  }
  if (f.format !== APPROVALS_FORMAT) {
    const shown = typeof f.format === "string" ? quoted(f.format) : quoted(String(JSON.stringify(f.format)));
    throw bad(`format is ${shown}, expected "${APPROVALS_FORMAT}"`);
  }
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
    // Whole bytes only: an odd number of digits is not data, and hashProposal could not encode it.
    if (!isHexString(d, true)) throw bad(`calldatas[${i}] is not hex data (0x and whole bytes)`);
  });
  if (f.description === undefined) {
    throw bad("description is missing: it must be the proposal's text (the id commits to its keccak256)");
  }
  if (typeof f.description !== "string") throw bad("description must be a string: the proposal's text");

  const content: ApprovalsFile = {
    format: APPROVALS_FORMAT,
    chainId: f.chainId as number,
    council: getAddress(f.council),
    proposalId,
    targets: (targets as string[]).map((t) => getAddress(t)),
    values: values as string[],
    calldatas: calldatas as string[],
    description: f.description,
    signatures: [],
  };
  // The id commits to the calls and to the description's hash: an edited call or text gives another id.
  const computed = proposalIdOf(callsOf(content));
  if (computed.toLowerCase() !== proposalId) {
    throw bad(
      `proposalId ${proposalId} does not match its calls and description (hashProposal gives ${computed}): the file was edited`,
    );
  }

  const seats = new Set<string>();
  const entries = list("signatures").map((entry, i) => {
    const e = (entry ?? {}) as Record<string, unknown>;
    const at = `signatures[${i}]`;
    const seatId = decimal(e.seatId);
    if (seatId === null || seatId < 1n || seatId > MAX_SEAT_ID) {
      throw bad(`${at}.seatId must be a seat number 1..${MAX_SEAT_ID} as a decimal string`);
    }
    const validUntil = decimal(e.validUntil);
    if (validUntil === null || validUntil > MAX_UINT64) {
      throw bad(`${at}.validUntil must be a unix time (seconds) as a decimal string`);
    }
    if (typeof e.signer !== "string" || !isAddress(e.signer)) throw bad(`${at}.signer is not an address`);
    const signer = getAddress(e.signer);
    if (!isHexString(e.signature, true)) {
      throw bad(`${at}.signature (seat ${seatId}, ${signer}) is not hex data (0x and whole bytes)`);
    }
    if (seats.has(seatId.toString())) throw bad(`seat ${seatId} signed twice`);
    seats.add(seatId.toString());
    return fileSignature({ seatId, validUntil, signer, signature: e.signature as string });
  });

  const holders = provider ? await seatHolders(provider, content.council, entries) : undefined;
  for (const [i, s] of entries.entries()) {
    if (holders) {
      const holder = holders[i];
      if (holder === ZeroAddress) {
        throw bad(
          `seat ${s.seatId} does not exist (burned, or never minted), so the signature of ${s.signer} for it can never count: remove signatures[${i}] from the file; ${s.signer} may sign again as the seat it holds now`,
        );
      }
      if (holder !== s.signer) {
        throw bad(
          `seat ${s.seatId} is held by ${holder}, not ${s.signer}: a signature counts only for its signer's own seat; remove signatures[${i}] from the file`,
        );
      }
    }
    if (!(await signatureIsValid(content, s, provider))) {
      throw bad(
        `the signature of seat ${s.seatId} (${s.signer}) does not verify: it was not made by ${s.signer} for this proposal, seat, deadline, chain and council (tampered?)`,
      );
    }
    content.signatures.push(s);
  }
  return content;
}

/** A non-negative integer given as a decimal string (or a safe JSON number); null otherwise. */
function decimal(value: unknown): bigint | null {
  if (typeof value === "string" && /^\d{1,30}$/.test(value)) return BigInt(value);
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  return null;
}

/** The current holder of each signature's seat (the zero address for a seat that does not exist). */
async function seatHolders(provider: Provider, council: string, entries: ApprovalsSignature[]): Promise<string[]> {
  const contract = new Contract(council, ["function holderOf(uint256) view returns (address)"], provider);
  return Promise.all(entries.map(async (s) => getAddress((await contract.holderOf(s.seatId)) as string)));
}

async function signatureIsValid(content: ApprovalsFile, s: ApprovalsSignature, provider?: Provider): Promise<boolean> {
  const approval = approvalOf(content, s);
  if (isHexString(s.signature, 65)) {
    try {
      // Signature.from refuses high-s (malleable) signatures, which the council refuses too.
      Signature.from(s.signature);
      if (getAddress(recoverApprover(content.chainId, content.council, approval, s.signature)) === s.signer) {
        return true;
      }
    } catch {
      // not a valid ECDSA signature: maybe a contract signer's
    }
  }
  if (!provider || (await provider.getCode(s.signer)) === "0x") return false;
  try {
    const wallet = new Contract(s.signer, ["function isValidSignature(bytes32,bytes) view returns (bytes4)"], provider);
    const digest = approvalDigest(content.chainId, content.council, approval);
    return (await wallet.isValidSignature(digest, s.signature)) === ERC1271_MAGIC;
  } catch {
    return false;
  }
}

/**
 * Merges two checked files of the same proposal, keyed by seat: every seat of either, in the order they were first
 * collected (`a` first). Of two signatures of the same seat (both verified for it), the one with the later deadline
 * stays, in the place of the first: signing again replaces an expired signature, and no seat ever loses consent it
 * gave. Refuses files of different proposals, chains or councils.
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
  const bySeat = new Map<string, ApprovalsSignature>();
  for (const s of [...a.signatures, ...b.signatures]) {
    const kept = bySeat.get(s.seatId);
    if (kept === undefined) bySeat.set(s.seatId, s);
    else if (BigInt(s.validUntil) > BigInt(kept.validUntil)) bySeat.set(s.seatId, s);
  }
  // The same id commits to the same description hash: the two descriptions are the same text.
  return { ...a, signatures: [...bySeat.values()] };
}

/** The text of a signatures file, as `hedge:sign` writes it. */
export function approvalsText(content: ApprovalsFile): string {
  return `${JSON.stringify(content, null, 2)}\n`;
}

// hedge:sign — a seat holder approves a proposal off-chain: shows the decoded proposal and the EIP-712 hashes to
// check on the signing device (with the seat and the deadline they carry), signs
// `Approval(bytes32 proposalId,uint256 seatId,uint64 validUntil)` for the signer's current seat, valid for
// `--valid-for` (default 7 days), and adds the signature to the proposal's signatures file (see
// scripts/lib/approvals-format.ts for the format). Nothing is sent; anyone relays the file later with
// `hedge:approve --signatures` (proposal on chain) or `hedge:submit` (not yet on chain).
//
// Offline and hardware signing, in two steps:
//   --export FILE --signer ADDR        writes the `eth_signTypedData_v4` JSON for ADDR's seat, with its deadline
//                                      (signs nothing)
//   --import-signature 0x… --typed-data FILE
//                                      checks a signature made elsewhere for that JSON and adds it to the file
// The exported file is what the device signs and what the import reads back: the seat and the deadline are part of
// the signed message, so they come from the file the signer saw, never from flags typed again.
import fs from "node:fs";
import path from "node:path";

import { Signature, ZeroAddress, dataSlice, getAddress, isHexString } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import {
  callsOf,
  defaultApprovalsPath,
  fileSignature,
  isExpired,
  newApprovalsFile,
  parseApprovals,
  readApprovalsFile,
  writeApprovalsFile,
  type ApprovalsFile,
} from "../lib/approvals-file";
import { parseValidFor } from "../lib/shell/args";
import { fmtDuration, shortId } from "../lib/format";
import { CliError, say, sayLines } from "../lib/output";
import { resolveAccount, selectSigner } from "../lib/shell/signers";
import { displayPath, openSystem, type HedgeSystem } from "../lib/deployments";
import { queueDir, resolveProposalId } from "../lib/proposal-queue";
import {
  parseProposalId,
  proposalStatus,
  requireSeatHolder,
  requireState,
  seatHolders,
  type CreatedProposal,
} from "../lib/proposals";
import { showProposal } from "../lib/show-proposal";
import { ProposalState } from "../lib/council";
import {
  APPROVAL_DOMAIN_NAME,
  APPROVAL_DOMAIN_VERSION,
  DEFAULT_VALID_FOR_SECONDS,
  approvalHashLines,
  approvalHashes,
  approvalTypedDataV4,
  fmtValidUntil,
  recoverApprover,
  signApproval,
  type Approval,
} from "../lib/signing";
import { simulationLine } from "../lib/simulate";
import { quoted } from "../lib/untrusted";

/** A value read from a file, as an error quotes it: quoted and escaped (../lib/untrusted), whatever its type. */
const shownValue = (value: unknown) => quoted(typeof value === "string" ? value : String(JSON.stringify(value)));
/** A number, an address or an id read from a file as it is; anything else quoted and escaped (shownValue). */
const shownField = (value: unknown) =>
  typeof value === "number" || (typeof value === "string" && /^(0x)?[0-9a-fA-F]{1,64}$/.test(value))
    ? String(value)
    : shownValue(value);

/** The order of secp256k1: a signature's s must be at most half of it (EIP-2). */
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const MAX_UINT64 = (1n << 64n) - 1n;

export interface SignArgs {
  id: string;
  from?: string;
  out?: string;
  export?: string;
  importSignature?: string;
  typedData?: string;
  signer?: string;
  validFor?: string;
  noSimulate?: boolean;
  allowOutdated?: boolean;
}

export interface SignResult {
  file: string;
  signatures: number;
  /** The approval signed (or exported): its seat and deadline. */
  seatId: number;
  validUntil: number;
  /** With --export: the typed-data file written. */
  exported?: string;
}

/** The proposal being signed, its signatures file and what the chain knows of it. */
interface Target {
  id: string;
  council: string;
  onChain: CreatedProposal | null;
  onChainApprovals: number;
  tier: number;
  threshold: bigint;
  file: string;
  name: string;
  content: ApprovalsFile;
  /** The latest block's time: deadlines count from it, and expiry is judged against it. */
  now: number;
}

async function sign(args: SignArgs, hre: HardhatRuntimeEnvironment): Promise<SignResult> {
  checkModes(args);
  const validFor = parseValidFor(args.validFor, DEFAULT_VALID_FOR_SECONDS);
  const system = await openSystem(hre);
  const target = await openTarget(hre, system, args);
  if (args.export !== undefined) return exportTypedData(hre, system, target, args, validFor);

  let approval: Approval;
  let signer: string;
  let signature: string;
  let done: string;
  if (args.importSignature !== undefined) {
    ({ approval, signer } = await readTypedData(hre, system, target, args));
    await requireNewSeat(system, target, Number(approval.seatId), signer, signer);
    await show(hre, system, target, args, approval);
    signature = await checkImported(hre, system, target, approval, signer, args.importSignature);
    done = `Imported the signature of ${signer} (seat ${approval.seatId}, made elsewhere) into ${target.name}; nothing was sent.`;
  } else {
    const selected = await selectSigner(hre, args.from, {
      seatAction: { task: "hedge:sign", holders: () => seatHolders(system) },
    });
    signer = selected.address;
    const seatId = await requireSeatHolder(system, signer, `--from ${selected.label}`);
    await requireNewSeat(system, target, seatId, signer, selected.label);
    approval = { proposalId: target.id, seatId, validUntil: target.now + validFor };
    await show(hre, system, target, args, approval);
    signature = await signApproval(selected.signer, system.chainId, target.council, approval);
    if (getAddress(recoverApprover(system.chainId, target.council, approval, signature)) !== signer) {
      throw new CliError(`the signer behind ${selected.label} produced a signature that does not recover to it`);
    }
    done = `Signed by ${selected.label} (seat ${seatId}, valid for ${fmtDuration(validFor)}); nothing was sent.`;
  }

  const entry = fileSignature({ seatId: approval.seatId, validUntil: approval.validUntil, signer, signature });
  const written = await writeApprovalsFile(
    target.file,
    { ...target.content, signatures: [...target.content.signatures, entry] },
    { name: target.name, provider: hre.ethers.provider },
  );
  const valid = written.signatures.filter((s) => !isExpired(s, target.now + 1));
  const expired = written.signatures.length - valid.length;
  const total = valid.length + target.onChainApprovals;
  say(done);
  say(
    `${target.name} holds ${valid.length} signature${valid.length === 1 ? "" : "s"}` +
      (expired > 0 ? ` (and ${expired} expired)` : "") +
      (target.onChain ? ` (+${target.onChainApprovals} approvals on chain)` : "") +
      `: ${total} of ${target.threshold} needed.`,
  );
  if (total >= Number(target.threshold)) {
    say(`Next: anyone relays it with \`hedge:${target.onChain ? "approve" : "submit"} --signatures ${target.name}\`.`);
  }
  return {
    file: target.file,
    signatures: written.signatures.length,
    seatId: Number(approval.seatId),
    validUntil: Number(approval.validUntil),
  };
}

/**
 * --from signs here; --export signs nothing and names with --signer the seat holder who will sign; --import-signature
 * brings a signature made elsewhere and the --typed-data it was made for (--signer, optional, must be its seat's
 * holder).
 */
function checkModes(args: SignArgs): void {
  if (args.export !== undefined) {
    if (args.importSignature !== undefined) throw new CliError("--export and --import-signature exclude each other");
    if (args.from !== undefined) throw new CliError("--from does not apply to --export: nothing is signed");
    if (args.typedData !== undefined) throw new CliError("--typed-data goes with --import-signature, not --export");
    if (args.export.trim() === "") throw new CliError("--export needs a file name");
    if (args.signer === undefined) {
      throw new CliError(
        "--export needs --signer: the seat holder who will sign (the typed data names the seat it signs for)",
      );
    }
  } else if (args.importSignature !== undefined) {
    if (args.typedData === undefined) {
      throw new CliError(
        "--import-signature needs --typed-data FILE: the typed data the signature was made for (written by --export), which names the seat and the deadline",
      );
    }
    if (args.from !== undefined) {
      throw new CliError("--from does not apply to --import-signature: the signature was made elsewhere");
    }
    if (args.validFor !== undefined) {
      throw new CliError("--valid-for does not apply to --import-signature: the deadline is in the signed typed data");
    }
  } else {
    if (args.signer !== undefined) {
      throw new CliError("--signer goes with --export or --import-signature (a signature made elsewhere)");
    }
    if (args.typedData !== undefined) throw new CliError("--typed-data goes with --import-signature");
  }
}

/** Finds the proposal (on chain, or in its signatures file) and refuses one that can no longer be approved. */
async function openTarget(hre: HardhatRuntimeEnvironment, system: HedgeSystem, args: SignArgs): Promise<Target> {
  const wanted = parseProposalId(args.id);
  // The id or a unique prefix of one, on chain or in the proposals folder (../lib/proposal-queue).
  const found = await resolveProposalId(hre, system, args.id);
  const onChain = found?.onChain ?? null;
  const id = found?.id ?? wanted;
  if (!found && id.length !== 66) {
    throw new CliError(
      `--id ${args.id}: no proposal on chain starts with it, and no signatures file in ${displayPath(hre, queueDir(hre))} does; give the full id of an off-chain proposal`,
    );
  }
  const file = args.out ?? defaultApprovalsPath(hre.config.paths.root, id);
  const name = displayPath(hre, file);
  const council = system.deployment.contracts.council.address;

  let content: ApprovalsFile;
  if (fs.existsSync(file)) {
    content = await readApprovalsFile(
      file,
      name,
      { chainId: system.chainId, council, proposalId: id },
      hre.ethers.provider,
    );
  } else if (onChain) {
    // The description comes from the chain (ProposalCreated): the file carries it for the co-signers.
    content = newApprovalsFile(system.chainId, council, id, onChain, onChain.description);
  } else {
    throw new CliError(`--id ${args.id}: no such proposal on this council, and no signatures file ${name}`);
  }

  let onChainApprovals = 0;
  if (onChain) {
    const status = await proposalStatus(system, id);
    requireState(id, status.state, [ProposalState.Pending], "sign");
    onChainApprovals = status.approvals;
  }
  const tier = onChain ? onChain.tier : Number(await system.council.tierOf(content.targets, content.calldatas));
  const [threshold] = await system.council.tierRule(tier);
  const now = (await hre.ethers.provider.getBlock("latest"))?.timestamp ?? Math.floor(Date.now() / 1000);
  return { id, council, onChain, onChainApprovals, tier, threshold, file, name, content, now };
}

/**
 * Refuses a signature that could not count: one of a seat whose unexpired signature is already in the file, or whose
 * approval is recorded on chain, or by an address that revoked the proposal. An expired signature of the seat may be
 * replaced: the new one has the later deadline.
 */
async function requireNewSeat(
  system: HedgeSystem,
  target: Target,
  seatId: number,
  holder: string,
  label: string,
): Promise<void> {
  const kept = target.content.signatures.find((s) => s.seatId === String(seatId));
  if (kept && !isExpired(kept, target.now + 1)) {
    throw new CliError(
      `${label} already signed ${target.name} for seat ${seatId}, valid until ${fmtValidUntil(BigInt(kept.validUntil))}`,
    );
  }
  if (target.onChain && (await system.council.hasApproved(target.id, holder))) {
    throw new CliError(`${label} already approved proposal ${target.id} on chain`);
  }
  if (await system.council.hasRevoked(target.id, holder)) {
    throw new CliError(
      `${label} revoked proposal ${shortId(target.id)}: no signature of ${holder} counts for it; only an on-chain approval from it does (hedge:approve)`,
    );
  }
}

/**
 * What the signer approves, before anything is signed or written: the decoded calls, the description from the chain
 * or the file, and the tier (refused when outdated, unless --allow-outdated), the outcome of running it to its end on
 * a fork (unless --no-simulate; signing goes on whatever the outcome), and last the hashes its device will show, with
 * the seat and the deadline.
 */
async function show(
  hre: HardhatRuntimeEnvironment,
  system: HedgeSystem,
  target: Target,
  args: SignArgs,
  approval: Approval,
): Promise<void> {
  const { id, onChain, content, tier } = target;
  const calls = callsOf(content);
  const shown = { ...calls, id, tier, blockNumber: onChain?.blockNumber ?? null, description: content.description };
  await showProposal(hre, system, shown, { action: "sign", allowOutdated: args.allowOutdated });
  if (!args.noSimulate) {
    const proposal = { id, calls, description: content.description, onChain: !!onChain };
    say(await simulationLine(hre, system, proposal));
  }
  sayLines(approvalHashLines(approvalHashes(system.chainId, target.council, approval), approval));
}

/** --export: writes the typed data any wallet or device signs with `eth_signTypedData_v4`. */
async function exportTypedData(
  hre: HardhatRuntimeEnvironment,
  system: HedgeSystem,
  target: Target,
  args: SignArgs,
  validFor: number,
): Promise<SignResult> {
  const out = args.export!;
  if (path.resolve(out) === path.resolve(target.file)) {
    throw new CliError(`--export ${out} is the signatures file itself; give another file for the typed data`);
  }
  const signer = await resolveAccount(hre, "--signer", args.signer!);
  const seatId = await requireSeatHolder(system, signer, `--signer ${signer}`);
  await requireNewSeat(system, target, seatId, signer, signer);
  const approval = { proposalId: target.id, seatId, validUntil: target.now + validFor };
  await show(hre, system, target, args, approval);
  const typedData = approvalTypedDataV4(system.chainId, target.council, approval);
  fs.writeFileSync(out, `${JSON.stringify(typedData, null, 2)}\n`);
  const outFlag = target.file === defaultApprovalsPath(hre.config.paths.root, target.id) ? "" : ` --out ${target.name}`;
  const shown = displayPath(hre, out);
  say(
    `Wrote ${shown}: the EIP-712 typed data for eth_signTypedData_v4, seat ${seatId} of ${signer}, valid for ${fmtDuration(validFor)}; nothing was signed.`,
  );
  say(
    `Next: sign it on the device or wallet of ${signer}, then \`hedge:sign --id ${target.id}${outFlag} --import-signature 0x… --typed-data ${shown}\`.`,
  );
  return {
    file: target.file,
    signatures: target.content.signatures.length,
    seatId,
    validUntil: Number(approval.validUntil),
    exported: out,
  };
}

/**
 * Reads the typed data a signature was made for (--typed-data, as --export wrote it) and checks that it approves this
 * proposal on this chain and council, for a seat that exists, before its deadline. The signer is that seat's holder
 * (--signer, when given, must be it).
 */
async function readTypedData(
  hre: HardhatRuntimeEnvironment,
  system: HedgeSystem,
  target: Target,
  args: SignArgs,
): Promise<{ approval: Approval; signer: string }> {
  const file = args.typedData!;
  const bad = (what: string) => new CliError(`--typed-data ${file}: ${what}`);
  if (!fs.existsSync(file)) throw bad("no such file");
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch {
    throw bad("not JSON (give the file --export wrote)");
  }
  const data = (raw ?? {}) as {
    primaryType?: unknown;
    domain?: Record<string, unknown>;
    message?: Record<string, unknown>;
  };
  const domain = data.domain ?? {};
  const message = data.message ?? {};
  if (data.primaryType !== "Approval" || typeof domain !== "object" || typeof message !== "object") {
    throw bad("not the typed data of a council approval (primaryType Approval, as --export writes it)");
  }
  if (domain.name !== APPROVAL_DOMAIN_NAME || String(domain.version) !== APPROVAL_DOMAIN_VERSION) {
    throw bad(
      `its domain is ${shownValue(domain.name)} version ${shownValue(domain.version)}, not ${APPROVAL_DOMAIN_NAME} version ${APPROVAL_DOMAIN_VERSION}: export it again`,
    );
  }
  if (Number(domain.chainId) !== system.chainId) {
    throw bad(`it is for chain ${shownField(domain.chainId)}, but this network is chain ${system.chainId}`);
  }
  const verifying = typeof domain.verifyingContract === "string" ? domain.verifyingContract : "";
  if (verifying.toLowerCase() !== target.council.toLowerCase()) {
    throw bad(
      `it is for council ${verifying ? shownField(verifying) : "(none)"}, but this network's council is ${target.council}`,
    );
  }
  if (typeof message.proposalId !== "string" || message.proposalId.toLowerCase() !== target.id) {
    throw bad(`it approves proposal ${shownField(message.proposalId)}, not ${target.id}`);
  }
  const integer = (value: unknown, what: string, max: bigint) => {
    const text = String(value ?? "");
    if (!/^\d{1,30}$/.test(text) || BigInt(text) > max) throw bad(`its ${what} is not a whole number`);
    return BigInt(text);
  };
  const seatId = integer(message.seatId, "seatId", 64n);
  const validUntil = integer(message.validUntil, "validUntil", MAX_UINT64);
  if (isExpired({ validUntil: validUntil.toString() }, target.now + 1)) {
    throw bad(
      `its deadline ${fmtValidUntil(validUntil)} has passed: the council would refuse the signature; export again (--valid-for) and sign the new file`,
    );
  }
  const holder = getAddress(await system.council.holderOf(seatId));
  if (holder === ZeroAddress) throw bad(`seat ${seatId} does not exist (any more): nobody can sign for it`);
  if (args.signer !== undefined) {
    const named = await resolveAccount(hre, "--signer", args.signer);
    if (named !== holder) {
      throw new CliError(
        `--signer ${named} does not hold seat ${seatId}, the seat the typed data names (its holder is ${holder})`,
      );
    }
  }
  return { approval: { proposalId: target.id, seatId, validUntil }, signer: holder };
}

/**
 * Checks a signature made elsewhere before it goes into the file: an ECDSA signature must be well-formed (65 bytes,
 * low s, v 27/28) and recover to the seat's holder; a contract holder's (a Safe) must pass its ERC-1271 check.
 */
async function checkImported(
  hre: HardhatRuntimeEnvironment,
  system: HedgeSystem,
  target: Target,
  approval: Approval,
  signer: string,
  text: string,
): Promise<string> {
  const signature = text.trim();
  if (!isHexString(signature) || signature.length <= 2) {
    throw new CliError(`--import-signature ${text}: not hex data (0x followed by the signature's bytes)`);
  }
  if ((await hre.ethers.provider.getCode(signer)) !== "0x") {
    const entry = fileSignature({ seatId: approval.seatId, validUntil: approval.validUntil, signer, signature });
    const single = { ...target.content, signatures: [entry] };
    try {
      await parseApprovals(
        single,
        target.name,
        { chainId: system.chainId, council: target.council },
        hre.ethers.provider,
      );
    } catch {
      throw new CliError(
        `--import-signature: the contract ${signer} does not accept this signature for proposal ${target.id}, seat ${approval.seatId} (ERC-1271 isValidSignature)`,
      );
    }
    return signature;
  }
  const digits = signature.length - 2;
  if (!isHexString(signature, 65)) {
    throw new CliError(
      `--import-signature: ${digits} hex digits; an ECDSA signature is 65 bytes (130 hex digits: r, s, v)`,
    );
  }
  try {
    Signature.from(signature); // refuses a v other than 27/28 (or 0/1)
  } catch (error) {
    throw new CliError(`--import-signature: not a valid ECDSA signature (${(error as Error).message.split(" (")[0]})`);
  }
  // ethers parses a high s without complaint (it refuses it only when recovering), and the council's ECDSA refuses
  // it as malleable: say so in words.
  if (BigInt(dataSlice(signature, 32, 64)) > SECP256K1_N / 2n) {
    throw new CliError(
      "--import-signature: not a valid ECDSA signature (its s is in the upper half of the curve order: a malleable signature, which the council refuses; have the wallet make a canonical low-s signature)",
    );
  }
  const recovered = getAddress(recoverApprover(system.chainId, target.council, approval, signature));
  if (recovered !== signer) {
    throw new CliError(
      `--import-signature: the signature recovers to ${recovered}, not ${signer}, the holder of seat ${approval.seatId}: another key signed, or it is for other typed data (compare the hashes above)`,
    );
  }
  return signature;
}

export default sign;

// hedge:sign — a seat holder approves a proposal off-chain: shows the decoded proposal and the EIP-712 hashes to
// check on the signing device, signs `Approval(bytes32 proposalId)` and adds the signature to the proposal's
// signatures file (see scripts/lib/approvals-file.ts for the format). Nothing is sent; anyone relays the file later
// with `hedge:approve --signatures` (proposal on chain) or `hedge:submit` (not yet on chain).
//
// Offline and hardware signing, in two steps:
//   --export FILE                          writes the `eth_signTypedData_v4` JSON to sign elsewhere (signs nothing)
//   --import-signature 0x… --signer ADDR   checks a signature made elsewhere and adds it to the signatures file
import fs from "node:fs";
import path from "node:path";

import { Signature, dataSlice, getAddress, isHexString } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import {
  callsOf,
  defaultApprovalsPath,
  newApprovalsFile,
  parseApprovals,
  readApprovalsFile,
  writeApprovalsFile,
  type ApprovalsFile,
} from "../lib/approvals-file";
import { CliError, say, sayLines } from "../lib/shell/output";
import { resolveAccount, selectSigner } from "../lib/shell/signers";
import { displayPath, openSystem, type HedgeSystem } from "../lib/deployments";
import {
  findProposal,
  parseProposalId,
  proposalStatus,
  requireSeatHolder,
  requireState,
  showProposal,
  type CreatedProposal,
} from "../lib/proposals";
import { ProposalState } from "../lib/council";
import {
  approvalHashLines,
  approvalHashes,
  approvalTypedDataV4,
  recoverApprover,
  signApproval,
  type SignedApproval,
} from "../lib/signing";
import { simulationLine } from "../lib/simulate";
import { keptDescription } from "../lib/descriptions-files";

/** The order of secp256k1: a signature's s must be at most half of it (EIP-2). */
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

export interface SignArgs {
  id: string;
  from?: string;
  out?: string;
  export?: string;
  importSignature?: string;
  signer?: string;
  noSimulate?: boolean;
  allowOutdated?: boolean;
}

export interface SignResult {
  file: string;
  signatures: number;
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
}

async function sign(args: SignArgs, hre: HardhatRuntimeEnvironment): Promise<SignResult> {
  checkModes(args);
  const system = await openSystem(hre);
  const target = await openTarget(hre, system, args);
  if (args.export !== undefined) return exportTypedData(hre, system, target, args);

  let approval: SignedApproval;
  let done: string;
  if (args.importSignature !== undefined) {
    const signer = await resolveAccount(hre, "--signer", args.signer!);
    await requireNewSeatSigner(system, target, signer, `--signer ${signer}`);
    await show(hre, system, target, args);
    approval = { signer, signature: await checkImported(hre, system, target, signer, args.importSignature) };
    done = `Imported the signature of ${signer} (made elsewhere) into ${target.name}; nothing was sent.`;
  } else {
    const { signer, address, label } = await selectSigner(hre, args.from, {
      seatAction: { task: "hedge:sign", system },
    });
    await requireNewSeatSigner(system, target, address, `--from ${label}`, label);
    await show(hre, system, target, args);
    const signature = await signApproval(signer, system.chainId, target.council, target.id);
    if (getAddress(recoverApprover(system.chainId, target.council, target.id, signature)) !== address) {
      throw new CliError(`the signer behind ${label} produced a signature that does not recover to it`);
    }
    approval = { signer: address, signature };
    done = `Signed by ${label}; nothing was sent.`;
  }

  const written = await writeApprovalsFile(
    target.file,
    { ...target.content, signatures: [...target.content.signatures, approval] },
    { name: target.name, provider: hre.ethers.provider },
  );
  const count = written.signatures.length;
  const total = count + target.onChainApprovals;
  say(done);
  say(
    `${target.name} holds ${count} signature${count === 1 ? "" : "s"}` +
      (target.onChain ? ` (+${target.onChainApprovals} approvals on chain)` : "") +
      `: ${total} of ${target.threshold} needed.`,
  );
  if (total >= Number(target.threshold)) {
    say(`Next: anyone relays it with \`hedge:${target.onChain ? "approve" : "submit"} --signatures ${target.name}\`.`);
  }
  return { file: target.file, signatures: count };
}

/** --export signs nothing; --import-signature brings its own signature and names its signer with --signer. */
function checkModes(args: SignArgs): void {
  if (args.export !== undefined) {
    if (args.importSignature !== undefined) throw new CliError("--export and --import-signature exclude each other");
    if (args.from !== undefined) throw new CliError("--from does not apply to --export: nothing is signed");
    if (args.signer !== undefined) throw new CliError("--signer goes with --import-signature, not --export");
    if (args.export.trim() === "") throw new CliError("--export needs a file name");
  } else if (args.importSignature !== undefined) {
    if (args.signer === undefined) throw new CliError("--import-signature needs --signer: the address that signed");
    if (args.from !== undefined) {
      throw new CliError("--from does not apply to --import-signature: --signer names who signed elsewhere");
    }
  } else if (args.signer !== undefined) {
    throw new CliError("--signer goes with --import-signature (a signature made elsewhere)");
  }
}

/** Finds the proposal (on chain, or in its signatures file) and refuses one that can no longer be approved. */
async function openTarget(hre: HardhatRuntimeEnvironment, system: HedgeSystem, args: SignArgs): Promise<Target> {
  const wanted = parseProposalId(args.id);
  const onChain = await findProposal(system, wanted);
  const id = onChain?.id.toLowerCase() ?? wanted;
  if (!onChain && id.length !== 66) {
    throw new CliError(
      `--id ${args.id}: no proposal on chain starts with it; give the full id of an off-chain proposal`,
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
    content = newApprovalsFile(system.chainId, council, id, onChain);
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
  return { id, council, onChain, onChainApprovals, tier, threshold, file, name, content };
}

/** Refuses a signer without a live seat, or one whose approval is already in the file or on chain. */
async function requireNewSeatSigner(
  system: HedgeSystem,
  target: Target,
  address: string,
  who: string,
  label = address,
): Promise<void> {
  await requireSeatHolder(system, address, who);
  if (target.content.signatures.some((s) => getAddress(s.signer) === address)) {
    throw new CliError(`${label} already signed ${target.name}`);
  }
  if (target.onChain && (await system.council.hasApproved(target.id, address))) {
    throw new CliError(`${label} already approved proposal ${target.id} on chain`);
  }
}

/**
 * What the signer approves, before anything is signed or written: the decoded calls and the tier (refused when
 * outdated, unless --allow-outdated), the outcome of running it to its end on a fork (unless --no-simulate; signing
 * goes on whatever the outcome), and last the hashes its device will show.
 */
async function show(
  hre: HardhatRuntimeEnvironment,
  system: HedgeSystem,
  target: Target,
  args: SignArgs,
): Promise<void> {
  const { id, onChain, content, tier } = target;
  const shown = {
    ...callsOf(content),
    id,
    tier,
    blockNumber: onChain?.blockNumber ?? null,
    description: content.description ?? keptDescription(hre.config.paths.root, content.salt),
  };
  await showProposal(hre, system, shown, { action: "sign", allowOutdated: args.allowOutdated });
  if (!args.noSimulate) say(await simulationLine(hre, system, { id, calls: callsOf(content), onChain: !!onChain }));
  sayLines(approvalHashLines(approvalHashes(system.chainId, target.council, id)));
}

/** --export: writes the typed data any wallet or device signs with `eth_signTypedData_v4`. */
async function exportTypedData(
  hre: HardhatRuntimeEnvironment,
  system: HedgeSystem,
  target: Target,
  args: SignArgs,
): Promise<SignResult> {
  const out = args.export!;
  if (path.resolve(out) === path.resolve(target.file)) {
    throw new CliError(`--export ${out} is the signatures file itself; give another file for the typed data`);
  }
  await show(hre, system, target, args);
  const typedData = approvalTypedDataV4(system.chainId, target.council, target.id);
  fs.writeFileSync(out, `${JSON.stringify(typedData, null, 2)}\n`);
  const outFlag = target.file === defaultApprovalsPath(hre.config.paths.root, target.id) ? "" : ` --out ${target.name}`;
  say(`Wrote ${displayPath(hre, out)}: the EIP-712 typed data for eth_signTypedData_v4; nothing was signed.`);
  say(
    `Next: sign it on the device or wallet, then \`hedge:sign --id ${target.id}${outFlag} --import-signature 0x… --signer <address>\`.`,
  );
  return { file: target.file, signatures: target.content.signatures.length, exported: out };
}

/**
 * Checks a signature made elsewhere before it goes into the file: an ECDSA signature must be well-formed (65 bytes,
 * low s, v 27/28) and recover to the signer; a contract signer's (a Safe) must pass its ERC-1271 check.
 */
async function checkImported(
  hre: HardhatRuntimeEnvironment,
  system: HedgeSystem,
  target: Target,
  signer: string,
  text: string,
): Promise<string> {
  const signature = text.trim();
  if (!isHexString(signature) || signature.length <= 2) {
    throw new CliError(`--import-signature ${text}: not hex data (0x followed by the signature's bytes)`);
  }
  if ((await hre.ethers.provider.getCode(signer)) !== "0x") {
    const single = { ...target.content, signatures: [{ signer, signature }] };
    try {
      await parseApprovals(
        single,
        target.name,
        { chainId: system.chainId, council: target.council },
        hre.ethers.provider,
      );
    } catch {
      throw new CliError(
        `--import-signature: the contract ${signer} does not accept this signature for proposal ${target.id} (ERC-1271 isValidSignature)`,
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
  const recovered = getAddress(recoverApprover(system.chainId, target.council, target.id, signature));
  if (recovered !== signer) {
    throw new CliError(
      `--import-signature: the signature recovers to ${recovered}, not --signer ${signer}: another key signed, or it is for another proposal, chain or council (compare the hashes above)`,
    );
  }
  return signature;
}

export default sign;

// The council's shared queue on the command line: the proposals created on chain and the signatures files of the
// proposals folder (./proposals-folder: proposals/, or HEDGE_PROPOSALS_DIR) are one list of proposals. `hedge:status`
// lists both; every command that takes `--id` finds a proposal in both by its id or a unique prefix of it (at least 8
// hex digits), so that a proposal started with `hedge:propose --offchain` is named the same way as one on chain.
//
// Nothing in the folder is trusted. Each file is checked in full before it is listed (./approvals-format: the id
// recomputed from its calls and description, each signature recovered and its signer the seat's current holder); a
// file that fails is listed as damaged, with why, in one line, and never hides the others. A file for another chain
// or council (a folder several deployments share) is not this council's queue: it is counted, not listed. A file whose
// proposal is on chain is the on-chain proposal's: it is listed once, as on chain.
import fs from "node:fs";
import path from "node:path";

import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { isExpired, isForAnotherDeployment, parseApprovals, type ApprovalsFile } from "./approvals-format";
import { displayPath, type HedgeSystem } from "./deployments";
import { CliError } from "./output";
import { createdProposals, liveSeatIds, parseProposalId, type CreatedProposal } from "./proposals";
import { idOfFileName, proposalFileNames, proposalsDir } from "./proposals-folder";
import { effectiveThreshold } from "./council";
import { oneLine } from "./untrusted";

/** A proposal of the folder that passed every check. */
export interface OffchainProposal {
  id: string;
  /** The file's path, and how messages name it (relative to the project when inside it). */
  file: string;
  name: string;
  content: ApprovalsFile;
}

/** A file of the folder that failed its checks: why, in one line (escaped where it quotes the file). */
export interface DamagedFile {
  id: string;
  file: string;
  name: string;
  reason: string;
}

export interface OffchainQueue {
  /** The folder, and how messages name it. */
  dir: string;
  dirName: string;
  proposals: OffchainProposal[];
  damaged: DamagedFile[];
  /** Files for another chain or council, left out. */
  elsewhere: number;
}

/** The folder of this project (HEDGE_PROPOSALS_DIR, or proposals/). */
export function queueDir(hre: HardhatRuntimeEnvironment): string {
  return proposalsDir(hre.config.paths.root);
}

type Peek = { kind: "json"; raw: unknown } | { kind: "elsewhere" } | { kind: "bad"; reason: string };

/**
 * A file's JSON, or that it is another deployment's: only its chain and council are looked at before the checks, so
 * that a folder shared by several deployments lists each one's own. Anything else about the file is judged by the
 * full check (`parseApprovals`).
 */
function peek(system: Pick<HedgeSystem, "chainId" | "deployment">, file: string, name: string): Peek {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    // The parser's message may quote the file: escaped (./untrusted).
    return {
      kind: "bad",
      reason: `signatures file ${name} is not valid JSON (${oneLine((error as Error).message.split("\n")[0])})`,
    };
  }
  const expect = { chainId: system.chainId, council: system.deployment.contracts.council.address };
  return isForAnotherDeployment(raw, expect) ? { kind: "elsewhere" } : { kind: "json", raw };
}

/**
 * Every signatures file of the folder, checked (with the node: signers are the seats' current holders, contract
 * signers' signatures are checked with ERC-1271). `onChain` are the ids already created on chain: their files are
 * left out, the proposal is listed as on chain.
 */
export async function readOffchainQueue(
  hre: HardhatRuntimeEnvironment,
  system: HedgeSystem,
  onChain: ReadonlySet<string>,
): Promise<OffchainQueue> {
  const dir = queueDir(hre);
  const queue: OffchainQueue = { dir, dirName: displayPath(hre, dir), proposals: [], damaged: [], elsewhere: 0 };
  const expect = { chainId: system.chainId, council: system.deployment.contracts.council.address };
  for (const base of proposalFileNames(dir)) {
    const id = idOfFileName(base)!;
    if (onChain.has(id)) continue;
    const file = path.join(dir, base);
    const name = displayPath(hre, file);
    const seen = peek(system, file, name);
    if (seen.kind === "elsewhere") {
      queue.elsewhere++;
      continue;
    }
    if (seen.kind === "bad") {
      queue.damaged.push({ id, file, name, reason: seen.reason });
      continue;
    }
    try {
      // The name is the id the file must be for: a file copied under another proposal's name is damaged.
      const content = await parseApprovals(seen.raw, name, { ...expect, proposalId: id }, hre.ethers.provider);
      queue.proposals.push({ id, file, name, content });
    } catch (error) {
      // A file's fault is a CliError in words; anything else (the node went away) is not the file's: it stops.
      if (!(error instanceof CliError)) throw error;
      queue.damaged.push({ id, file, name, reason: error.message });
    }
  }
  return queue;
}

/** Where an off-chain proposal stands: its tier's threshold, and the signatures that count now. */
export interface OffchainStanding {
  tier: number;
  /** The approvals its tier needs (the council's effective threshold, with the seats there are now). */
  threshold: number;
  /** Signatures within their deadline, by an address that did not revoke the id: what `submit` would count. */
  counted: number;
  expired: number;
  revoked: number;
  /** The earliest deadline of the signatures that count (unix seconds): when the count first drops; null if none. */
  firstDeadline: number | null;
}

/** Where `content` stands at time `now` (the latest block's): the council's `tierOf`, its rule, the signatures. */
export async function offchainStanding(
  system: HedgeSystem,
  content: ApprovalsFile,
  now: number,
): Promise<OffchainStanding> {
  const { council } = system;
  const tier = Number(await council.tierOf(content.targets, content.calldatas));
  const [[stored], seats, revokedBy] = await Promise.all([
    council.tierRule(tier),
    liveSeatIds(system),
    Promise.all(content.signatures.map((s) => council.hasRevoked(content.proposalId, s.signer))),
  ]);
  const expired = content.signatures.filter((s) => isExpired(s, now));
  const counting = content.signatures.filter((s, i) => !isExpired(s, now) && !revokedBy[i]);
  const deadlines = counting.map((s) => Number(s.validUntil));
  return {
    tier,
    threshold: effectiveThreshold(Number(stored), seats.length),
    counted: counting.length,
    expired: expired.length,
    revoked: revokedBy.filter(Boolean).length,
    firstDeadline: deadlines.length ? Math.min(...deadlines) : null,
  };
}

/** A proposal `--id` names: on chain, or only in the folder (`file`: its signatures file there). */
export interface ResolvedId {
  id: string;
  onChain: CreatedProposal | null;
  /** The proposal's file in the folder (checked only when read), or null. */
  file: string | null;
}

/** At most this many candidates are named when a prefix is ambiguous. */
const CANDIDATES_SHOWN = 5;

/**
 * The proposal `--id` names: the id, or the one proposal, on chain or in the folder, whose id starts with the prefix.
 * Null when none does; an ambiguous prefix is refused in one line naming the candidates. A file of the folder is a
 * candidate unless it is another deployment's; a damaged one is a candidate too (its name says which id it claims), so
 * that a prefix never quietly picks one proposal over a file someone meant.
 */
export async function resolveProposalId(
  hre: HardhatRuntimeEnvironment,
  system: HedgeSystem,
  text: string | undefined,
): Promise<ResolvedId | null> {
  const wanted = parseProposalId(text);
  const matches = (id: string) => (wanted.length === 66 ? id === wanted : id.startsWith(wanted));
  const created = (await createdProposals(system)).filter((p) => matches(p.id.toLowerCase()));
  const dir = queueDir(hre);
  const files = proposalFileNames(dir)
    .filter((base) => matches(idOfFileName(base)!))
    .map((base) => ({ id: idOfFileName(base)!, file: path.join(dir, base) }))
    .filter((f) => peek(system, f.file, displayPath(hre, f.file)).kind !== "elsewhere");

  const found = new Map<string, ResolvedId>();
  for (const p of created) found.set(p.id.toLowerCase(), { id: p.id.toLowerCase(), onChain: p, file: null });
  for (const f of files) {
    const known = found.get(f.id);
    if (known) known.file = f.file;
    else found.set(f.id, { id: f.id, onChain: null, file: f.file });
  }
  if (found.size > 1) {
    const all = [...found.values()];
    const named = all.slice(0, CANDIDATES_SHOWN).map((c) => `${c.id} (${whereIs(hre, c)})`);
    const more = all.length > CANDIDATES_SHOWN ? `, and ${all.length - CANDIDATES_SHOWN} more` : "";
    throw new CliError(
      `--id ${text}: ambiguous, ${all.length} proposals start with it: ${named.join(", ")}${more}; give more digits`,
    );
  }
  return found.values().next().value ?? null;
}

function whereIs(hre: HardhatRuntimeEnvironment, c: ResolvedId): string {
  if (c.onChain) return "on chain";
  return `off-chain, ${displayPath(hre, c.file!)}`;
}

/** "--id X: no such proposal on this council (chain N), and no signatures file in proposals/ starts with it". */
export function unknownIdText(hre: HardhatRuntimeEnvironment, system: HedgeSystem, text: string): string {
  const wanted = parseProposalId(text);
  const dir = queueDir(hre);
  const folder =
    wanted.length === 66
      ? `no signatures file ${displayPath(hre, path.join(dir, `${wanted}.json`))}`
      : `no signatures file in ${displayPath(hre, dir)} starts with it`;
  return `--id ${text}: no such proposal on this council (chain ${system.chainId}), and ${folder}`;
}

/**
 * The proposal on chain that `--id` names, for the commands that act on one (approve, queue, execute, veto, cancel).
 * A proposal known only from its signatures file is refused with how to put it on chain.
 */
export async function requireOnChainProposal(
  hre: HardhatRuntimeEnvironment,
  system: HedgeSystem,
  text: string | undefined,
): Promise<CreatedProposal> {
  const found = await resolveProposalId(hre, system, text);
  if (!found) throw new CliError(`--id ${text}: no such proposal on this council (network chain ${system.chainId})`);
  if (!found.onChain) {
    const name = displayPath(hre, found.file!);
    throw new CliError(
      `--id ${text}: proposal ${found.id} is not on chain yet (its signatures file ${name}): once its signatures reach its tier's threshold, anyone creates it with them in one transaction with \`hedge:submit --signatures ${name}\``,
    );
  }
  return found.onChain;
}

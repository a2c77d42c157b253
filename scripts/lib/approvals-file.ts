// The signatures file: EIP-712 approvals of one proposal, collected off-chain by `hedge:sign` and relayed by
// `hedge:approve --signatures` (`approveBySig`) or `hedge:submit` (`submit`). Default place: proposals/<id>.json (the
// proposals folder, ./proposals-folder: HEDGE_PROPOSALS_DIR moves it).
//
// The format ("hedge-council-approvals/2": the calls, the description, and per signature its seat, deadline, signer
// and signature) and its checks are in ./approvals-format, shared with the console. A file that fails any check is
// refused as a whole; an expired signature is kept, and refused only when relayed.
//
// Every writer goes through writeApprovalsFile: under an exclusive lock it re-reads the file, merges, and renames a
// temporary file over it, so co-signers writing at the same moment all keep their signatures.
import fs from "node:fs";
import path from "node:path";

import type { Provider } from "ethers";

import {
  approvalsText,
  mergeApprovals,
  parseApprovals,
  type ApprovalsExpectation,
  type ApprovalsFile,
} from "./approvals-format";
import { writeFileAtomic } from "./atomic-file";
import { acquireLock, ownsLock, releaseLock } from "./lock-file";
import { CliError } from "./output";
import { proposalsDir } from "./proposals-folder";
import { oneLine } from "./untrusted";

export * from "./approvals-format";

/** The default path of a proposal's signatures file: `<id>.json` in the proposals folder (./proposals-folder). */
export function defaultApprovalsPath(root: string, proposalId: string): string {
  return path.join(proposalsDir(root), `${proposalId.toLowerCase()}.json`);
}

export interface WriteApprovalsOptions {
  /** How errors refer to the file (default: its path). */
  name?: string;
  /** To check the file already there: a contract signer's signature is verified with ERC-1271 through it. */
  provider?: Provider;
  /** How long to wait for another writer's lock before giving up (default 10 s). */
  waitMs?: number;
}

/**
 * Writes a signatures file without ever losing a signature, the only way anything writes one. Two co-signers may
 * sign the same file at the same moment, so the file on disk is re-read (and checked) just before writing, and the
 * content written is `mergeApprovals(onDisk, content)`: what was there first, in its order, then what is new.
 * Returns what was written.
 *
 * Why a lock file rather than a lock-free compare loop: a rename cannot be made conditional on the target being
 * unchanged, so a writer that compared the file, found it unchanged and then renamed could still overwrite a
 * signature renamed in between, and no later check can notice (the lost signature's writer has already checked and
 * left). An exclusive lock (`open(lock, "wx")`, atomic on local file systems) makes read-merge-rename one step.
 * The content is written to a temporary file in the same directory and renamed over the target, so a reader (or a
 * writer that crashes) never sees half a file. A lock left by a crashed writer is broken (./lock-file).
 */
export async function writeApprovalsFile(
  file: string,
  content: ApprovalsFile,
  options: WriteApprovalsOptions = {},
): Promise<ApprovalsFile> {
  const name = options.name ?? file;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const lock = `${file}.lock`;
  const expect = expectationOf(content);
  // Checked once before taking the lock: a bad file is refused without waiting, and the signatures recovered now
  // are remembered (recoverApprover), so the check under the lock only has to recover what was added meanwhile.
  if (fs.existsSync(file)) await readApprovalsFile(file, name, expect, options.provider);
  for (;;) {
    const token = await lockOrFail(lock, name, options.waitMs ?? LOCK_WAIT_MS);
    try {
      const merged = fs.existsSync(file)
        ? mergeApprovals(await readApprovalsFile(file, name, expect, options.provider), content)
        : content;
      // Committed only if the lock is still ours: a writer paused past LOCK_STALE_MS may have lost it.
      if (writeFileAtomic(file, approvalsText(merged), { commit: () => ownsLock(lock, token) })) return merged;
    } finally {
      releaseLock(lock, token);
    }
  }
}

function expectationOf(content: ApprovalsFile): ApprovalsExpectation {
  return { chainId: content.chainId, council: content.council, proposalId: content.proposalId };
}

// ------------------------------------------------------------------------------------------------------ the lock

/** How long a writer waits for the lock; holders keep it for milliseconds (a read, a merge, a write). */
const LOCK_WAIT_MS = 10_000;
/** A lock older than this is stale whoever holds it (a writer on another host, or a frozen one). */
const LOCK_STALE_MS = 30_000;

async function lockOrFail(lock: string, name: string, waitMs: number): Promise<string> {
  const token = await acquireLock(lock, { waitMs, staleMs: LOCK_STALE_MS });
  if (token === null)
    throw new CliError(
      `signatures file ${name} is locked by another writer (${lock}); try again, or delete the lock file if no hedge command is writing it`,
    );
  return token;
}

/**
 * Reads and checks a signatures file; `name` is how errors refer to it. With a provider, a signature that does not
 * recover to its signer is accepted only if the signer is a contract that validates it (ERC-1271).
 */
export async function readApprovalsFile(
  file: string,
  name: string,
  expect: ApprovalsExpectation,
  provider?: Provider,
): Promise<ApprovalsFile> {
  if (!fs.existsSync(file)) throw new CliError(`signatures file ${name} does not exist`);
  if (fs.statSync(file).isDirectory()) throw new CliError(`${name} is a directory, not a signatures file`);
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    // Some other file given by mistake (a memo, a typed-data file cut short): named, and said not to be one. The
    // parser's message quotes the file: escaped (./untrusted).
    throw new CliError(
      `${name} is not a signatures file: it is not valid JSON (${oneLine((error as Error).message.split("\n")[0])})`,
    );
  }
  return parseApprovals(raw, name, expect, provider);
}

// Proposal descriptions on the command line and on disk: the check of a given text, the text of `--description-file`,
// the `<id>.txt` that `hedge:propose --description` keeps next to the signatures files, and the folders `hedge:status`
// and `hedge:audit --descriptions` read texts from. A text is read as the exact UTF-8 bytes of its file (no byte-order mark removed, no newline trimmed), so the
// salt it gives is keccak256 of the file. Matching the texts to proposals is ./descriptions' job.
import fs from "node:fs";
import path from "node:path";

import { APPROVALS_FORMAT, defaultApprovalsPath } from "./approvals-file";
import { descriptionOf, indexDescriptions, type DescriptionIndex } from "./descriptions";
import { CliError } from "./shell/output";

/** Files larger than this in a descriptions folder are not descriptions (and are not read whole). */
const MAX_FILE_BYTES = 1 << 20;
const TEXT_EXTENSIONS = [".txt", ".md"];

/** The default folder of signatures files and descriptions: proposals/ under the project root. */
export function defaultDescriptionsDir(root: string): string {
  return path.dirname(defaultApprovalsPath(root, "0x"));
}

/**
 * The folder of `--descriptions DIR`, which must exist; without the flag, `fallback` (which need not exist yet: no
 * proposal may have been described).
 */
export function descriptionsDir(flagValue: string | undefined, fallback: string): string {
  if (flagValue === undefined) return fallback;
  if (!flagValue.trim()) throw new CliError("--descriptions needs a folder");
  const dir = path.resolve(flagValue);
  if (!fs.existsSync(dir)) throw new CliError(`--descriptions ${flagValue}: no such folder`);
  if (!fs.statSync(dir).isDirectory()) throw new CliError(`--descriptions ${flagValue}: not a folder`);
  return dir;
}

/** Where `hedge:propose --description` keeps the text of a proposal sent on chain. */
export function defaultDescriptionPath(root: string, proposalId: string): string {
  return path.join(defaultDescriptionsDir(root), `${proposalId}.txt`);
}

/** The bytes as UTF-8 text, or null when they are not valid UTF-8. */
function utf8(bytes: Buffer): string | null {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return null;
  }
}

/** Throws unless `text` can describe a proposal: some visible text. `flag` names where it came from. */
export function checkDescription(text: string, flag: string): string {
  if (text.trim() === "") throw new CliError(`${flag} is empty: give the proposal's reason in words`);
  return text;
}

/** Reads the text of a description file named by `flag`; refuses a missing file, a folder and non-UTF-8 bytes. */
export function readDescriptionFile(file: string, flag: string): string {
  if (!fs.existsSync(file)) throw new CliError(`${flag} ${file}: no such file`);
  if (fs.statSync(file).isDirectory()) throw new CliError(`${flag} ${file}: is a directory, give a text file`);
  const text = utf8(fs.readFileSync(file));
  if (text === null) throw new CliError(`${flag} ${file}: not UTF-8 text`);
  return text;
}

/** Writes a description file, creating its folder. */
export function writeDescriptionFile(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

/**
 * The texts of a folder (not its subfolders), by salt: the `description` of each signatures file, and each .txt or
 * .md file whole. Files that are neither, unreadable, or not UTF-8 are passed over: a text that matches no salt
 * explains nothing anyway. A folder that does not exist gives no text.
 */
export function readDescriptions(dir: string): { index: DescriptionIndex; files: number } {
  const index: DescriptionIndex = new Map();
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) return { index, files: 0 };
  let files = 0;
  for (const name of fs.readdirSync(dir).sort()) {
    const ext = path.extname(name).toLowerCase();
    if (ext !== ".json" && !TEXT_EXTENSIONS.includes(ext)) continue;
    const text = readSmallText(path.join(dir, name));
    if (text === null) continue;
    const description = ext === ".json" ? describedIn(text) : text;
    if (description === null || description.trim() === "") continue;
    indexDescriptions([description], index);
    files++;
  }
  return { index, files };
}

function readSmallText(file: string): string | null {
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile() || stat.size > MAX_FILE_BYTES) return null;
    return utf8(fs.readFileSync(file));
  } catch {
    return null;
  }
}

/** The `description` of a signatures file's text; null for any other JSON. */
function describedIn(json: string): string | null {
  try {
    const raw = JSON.parse(json) as { format?: unknown; description?: unknown };
    return raw?.format === APPROVALS_FORMAT && typeof raw.description === "string" ? raw.description : null;
  } catch {
    return null;
  }
}

/**
 * The text kept for a proposal in the project's proposals/ folder (a signatures file's description, or a .txt/.md
 * file), if one hashes to its salt: what sign, approve, queue and veto show with the proposal.
 */
export function keptDescription(root: string, salt: string): string | undefined {
  return descriptionOf(readDescriptions(defaultDescriptionsDir(root)).index, salt);
}

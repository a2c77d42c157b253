// The proposals folder: where the signatures files of proposals not on chain yet live, one per proposal, named
// `<id>.json` (0x and 64 lower-case hex digits: the name the tools write). It is the council's shared queue: the
// command line lists it (`hedge:status`, id prefixes), `npm run app` serves it read-only to the console
// (app/proposals.ts), and a council shares it as a git repository or a shared drive (README, "The shared
// queue"). `<project>/proposals` by default; HEDGE_PROPOSALS_DIR moves it, as HEDGE_DEPLOYMENTS_DIR moves the
// deployments. Nothing in it is trusted: every reader checks each file (./approvals-format) before using it.
//
// Only file names are decided here: a name is a proposal's file or it is not part of the queue (a lock, a temporary
// file of a writer, a note), so no reader ever opens a path made of anything but an id.
// Node only (fs): the console reads the folder through the dev server, never from here (the name pattern is
// ./approvals-format's, which the console shares).
import fs from "node:fs";
import path from "node:path";

import { PROPOSAL_FILE_NAME } from "./approvals-format";

export { PROPOSAL_FILE_NAME };

/** The folder of `root` (the project): HEDGE_PROPOSALS_DIR when set, else `<root>/proposals`. */
export function proposalsDir(root: string): string {
  const moved = process.env.HEDGE_PROPOSALS_DIR;
  return moved ? path.resolve(moved) : path.join(root, "proposals");
}

/** The id a file name stands for, or null when the name is not a proposal's file. */
export function idOfFileName(name: string): string | null {
  return PROPOSAL_FILE_NAME.test(name) ? name.slice(0, -".json".length) : null;
}

/** The proposals' file names in `dir`, sorted; none when the folder does not exist (nobody wrote one yet). */
export function proposalFileNames(dir: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  return names.filter((n) => PROPOSAL_FILE_NAME.test(n)).sort();
}

/**
 * The real path of a proposal's file in `dir`, or null: when `name` is not a proposal's file name, when there is no
 * such file, when it is not a regular file, or when it resolves outside the folder (a symbolic link out of it). The
 * folder itself may be a link (to a shared drive); what is in it may not lead out of it.
 */
export function fileInside(dir: string, name: string): string | null {
  if (!PROPOSAL_FILE_NAME.test(name)) return null;
  try {
    const real = fs.realpathSync(dir);
    const file = fs.realpathSync(path.join(real, name));
    if (path.dirname(file) !== real) return null;
    return fs.statSync(file).isFile() ? file : null;
  } catch {
    return null;
  }
}

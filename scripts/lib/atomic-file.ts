// Writing a file whole or not at all: the text goes to a temporary file in the same directory (so the rename stays on
// one file system and is atomic), is flushed to disk, and the temporary file is renamed over the target. A crash at
// any moment leaves the old file or the new one, never half of one, and no temporary file is left behind.
// Used by every file the tools rewrite in place: signatures files, keystores, the watcher's checkpoint, the cache of
// immutables.
// The module object, not a named import: the console's dev server (`npm run app`) loads this file too (the audit's
// contract checks import it), and Vite's browser stand-in for node:crypto throws when a named import of it is
// bound, which broke every page that loads the audit (a proposal's timeline, the Audit page). The build never calls it.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

export interface AtomicWriteOptions {
  /** The new file's permissions (e.g. 0o600 for a keystore); default as `fs.openSync` creates files. */
  mode?: number;
  /** Asked just before the rename; when it answers false nothing is replaced (a writer that lost its lock). */
  commit?: () => boolean;
}

/** Replaces `file` with `text` atomically; returns false only when `commit` said no. */
export function writeFileAtomic(file: string, text: string, options: AtomicWriteOptions = {}): boolean {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${crypto.randomUUID()}.tmp`);
  try {
    const fd = fs.openSync(temp, "wx", options.mode);
    try {
      fs.writeSync(fd, text);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    if (options.commit && !options.commit()) return false;
    fs.renameSync(temp, file);
    return true;
  } finally {
    fs.rmSync(temp, { force: true });
  }
}

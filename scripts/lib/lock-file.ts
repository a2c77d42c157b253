// Lock files: one process at a time on a file that several may write. The lock is created exclusively
// (`open(lock, "wx")`, atomic on local file systems) and holds its owner (host, pid and a random token); the owner
// proves it still holds the lock by that token before each write (ownsLock), and removes it when done.
//
// A lock left by a process that is gone (killed with `kill -9`, crashed, its machine rebooted) must not block the
// next one: it is stale when its owner ran on this host and no longer runs, or when it is older than `staleMs`
// (a holder on another host, or a frozen one; a long-lived holder refreshes its lock with touchLock well within that).
// Used by the signatures files (held for milliseconds) and the watcher's checkpoint (held while the watcher runs).
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";

interface LockOwner {
  host: string;
  pid: number;
  token: string;
}

export interface LockOptions {
  /** How long to wait while another process holds the lock; 0: answer at once. */
  waitMs: number;
  /** A lock not refreshed for this long is stale whoever holds it. */
  staleMs: number;
}

/** Who holds a lock, as its file says (for a message): `pid 123 on host-a`, or null when it is unreadable. */
export function lockHolder(lock: string): string | null {
  try {
    const owner = parseOwner(fs.readFileSync(lock, "utf8"));
    return owner ? `pid ${owner.pid} on ${owner.host}` : null;
  } catch {
    return null;
  }
}

/**
 * Creates the lock file exclusively, waiting up to `waitMs` while a live process holds it and breaking it when its
 * holder is gone; returns the text that proves it ours, or null when another process still holds it.
 */
export async function acquireLock(lock: string, o: LockOptions): Promise<string | null> {
  const owner: LockOwner = { host: os.hostname(), pid: process.pid, token: randomUUID() };
  const text = JSON.stringify(owner);
  const deadline = Date.now() + o.waitMs;
  for (;;) {
    try {
      fs.writeFileSync(lock, text, { flag: "wx" });
      return text;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    if (breakIfStale(lock, o.staleMs)) continue;
    if (Date.now() > deadline) return null;
    await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20));
  }
}

/** Whether the lock is still the one `token` took (a holder paused past `staleMs` may have lost it). */
export function ownsLock(lock: string, token: string): boolean {
  try {
    return fs.readFileSync(lock, "utf8") === token;
  } catch {
    return false;
  }
}

/** Removes the lock if it is still ours. */
export function releaseLock(lock: string, token: string): void {
  if (ownsLock(lock, token)) fs.rmSync(lock, { force: true });
}

/** Refreshes a lock held for long, so that it never looks stale while its holder lives; false if it is not ours. */
export function touchLock(lock: string, token: string): boolean {
  if (!ownsLock(lock, token)) return false;
  const now = new Date();
  fs.utimesSync(lock, now, now);
  return true;
}

/**
 * Removes a lock whose holder is gone; true when it did (or the lock went meanwhile). Two waiters may judge the same
 * lock stale; if both deleted it, the second could delete the lock the first has just taken. So the lock is moved
 * aside (a rename: exactly one waiter gets it, the other finds no file), and if what was moved is not the lock
 * judged stale, it is put back (a link, which fails rather than replace a newer lock). The one race left, a third
 * process taking the lock within that instant, is caught by the displaced holder's ownsLock check before it writes.
 */
function breakIfStale(lock: string, staleMs: number): boolean {
  let text: string;
  let age: number;
  try {
    text = fs.readFileSync(lock, "utf8");
    age = Date.now() - fs.statSync(lock).mtimeMs;
  } catch {
    return true; // released meanwhile
  }
  // An empty or unreadable lock is being created right now: only its age can make it stale.
  const owner = parseOwner(text);
  const ownerGone = owner !== undefined && owner.host === os.hostname() && !processRuns(owner.pid);
  if (!ownerGone && age < staleMs) return false;
  const aside = `${lock}.${process.pid}.${randomUUID()}.stale`;
  try {
    fs.renameSync(lock, aside);
  } catch {
    return true; // another waiter broke it first
  }
  try {
    if (fs.readFileSync(aside, "utf8") !== text) fs.linkSync(aside, lock);
  } catch {
    // a newer lock is in place: the displaced holder will notice (ownsLock)
  } finally {
    fs.rmSync(aside, { force: true });
  }
  return true;
}

function parseOwner(text: string): LockOwner | undefined {
  try {
    const owner = JSON.parse(text) as LockOwner;
    return typeof owner.host === "string" && Number.isSafeInteger(owner.pid) ? owner : undefined;
  } catch {
    return undefined;
  }
}

/** Whether a process with this pid runs on this host (EPERM: it runs, as another user). */
function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

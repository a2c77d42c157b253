// A one-line progress bar on a terminal; nothing at all when the stream is not a TTY (CI logs, pipes, tests).
import { fmtInt } from "../format";

export type ProgressFn = (blocksDone: number, blocksTotal: number, events: number) => void;

export interface Progress {
  update: ProgressFn;
  done(): void;
}

/** A progress bar on `stream` (default stderr), or a silent one when `stream` is not a terminal. */
export function progressBar(stream: NodeJS.WriteStream = process.stderr, label = "replaying"): Progress {
  if (!stream.isTTY) return { update: () => undefined, done: () => undefined };
  let last = 0;
  let drawn = false;
  const width = 30;
  return {
    update(doneBlocks, total, events) {
      const now = Date.now();
      if (now - last < 100 && doneBlocks < total) return;
      last = now;
      const ratio = total > 0 ? Math.min(1, doneBlocks / total) : 1;
      const filled = Math.round(ratio * width);
      const bar = "#".repeat(filled) + "-".repeat(width - filled);
      stream.write(
        `\r${label} [${bar}] ${(ratio * 100).toFixed(0).padStart(3)} %  blocks ${fmtInt(doneBlocks)}/${fmtInt(total)}  events ${fmtInt(events)}\x1b[K`,
      );
      drawn = true;
    },
    done() {
      if (drawn) stream.write("\r\x1b[K");
    },
  };
}

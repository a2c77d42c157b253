// Where the command line prints, and the one kind of error it shows to users.
//
// Error contract of the command line: a wrong value never reaches the chain. A task throws a `CliError` whose
// message is the one-line reason; the task wrapper (scripts/commands/action.ts) prints it as `error: <message>` on stderr, sets a
// non-zero exit code and prints nothing else (no stack trace).
//
// Every line goes out through `say` / `sayError`, which escape any unsafe character a line still holds
// (./untrusted `terminalLine`: only the printer's own line feeds stay): text from the chain, a file or a node is
// quoted or framed where it enters a line, and nothing that was missed can reach the terminal raw.
//
// A leaf module (its only import is ./untrusted, pure): the libraries under scripts/lib print and refuse through it
// without depending on the shell.
import { terminalLine } from "./untrusted";

/** A bad value or a refused action, explained in one line. */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CliError";
  }
}

/** Where tasks print. Tests and the demo swap it to capture what a task says. */
export interface Output {
  log(line: string): void;
  error(line: string): void;
}

const consoleOutput: Output = {
  log: (line) => console.log(line),
  error: (line) => console.error(line),
};

let output: Output = consoleOutput;

/** Prints one line (or a blank line) of a task's normal output. */
export function say(line = ""): void {
  output.log(terminalLine(line));
}

/** Prints lines produced by `table` or similar helpers. */
export function sayLines(lines: string[]): void {
  for (const l of lines) say(l);
}

/** Prints a line to the error stream. */
export function sayError(line: string): void {
  output.error(terminalLine(line));
}

/**
 * Exits quietly, with the exit code set so far, once the reader of stdout or stderr is gone: `hedge:status | head -1`
 * closes the pipe after one line, the next write fails with EPIPE, and Node reports it as an error event that, with no
 * listener, ends the process with a stack trace. Nobody reads what the command would still print, so it stops there,
 * as `git log | head` does. Called once, where a `hedge:*` command starts (hardhat.config.ts), not by tests.
 */
export function exitQuietlyWhenOutputCloses(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code !== "EPIPE") throw error;
      process.exit();
    });
  }
}

/** Runs `fn` with every line a task prints sent to `sink` instead of the console. */
export async function withOutput<T>(sink: Output, fn: () => Promise<T>): Promise<T> {
  const previous = output;
  output = sink;
  try {
    return await fn();
  } finally {
    output = previous;
  }
}

/** An output that keeps the lines, for the demo and the tests. */
export function captureOutput(): Output & { lines: string[]; errors: string[]; text(): string } {
  const lines: string[] = [];
  const errors: string[] = [];
  return {
    lines,
    errors,
    log: (line) => lines.push(line),
    error: (line) => errors.push(line),
    text: () => [...lines, ...errors].join("\n"),
  };
}

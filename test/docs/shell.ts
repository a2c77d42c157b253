// Running a document's fenced `sh` blocks as written (test/docs/readme.test.ts, test/docs/operations.test.ts): the
// blocks' commands, each with the exit status its `# exit N` comment announces (0 without one), run line by line in
// one bash, so that shell variables carry over from line to line and block to block, as in a terminal.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

import { expect } from "chai";

import { fencedBlockAfter } from "./markdown";

export interface Command {
  line: string;
  expectedExit: number;
}

export interface Step extends Command {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * The commands of the `sh` block after `marker`: its non-blank, non-comment lines, each with the exit status it
 * announces; lines that `skip` matches (a command that needs a public network) are left out.
 */
export function commandsOf(markdown: string, marker: string, skip?: RegExp): Command[] {
  const block = fencedBlockAfter(markdown, marker);
  expect(block.lang, `the block after "${marker}" is a fenced sh block`).to.equal("sh");
  return block.lines
    .filter((l) => l.trim() !== "" && !l.trim().startsWith("#"))
    .filter((l) => !skip?.test(l))
    .map((line) => ({ line, expectedExit: Number(/#\s*exit (\d+)/.exec(line)?.[1] ?? 0) }));
}

/**
 * Runs the lines in one bash in `cwd`, each wrapped so that its output and exit status are kept apart and the next
 * line runs whatever it returned. The newline before `}` keeps a trailing comment from swallowing the brace. The
 * bash has its own process group, so that a timeout stops the npx/hardhat children it started.
 */
export async function runInBash(
  lines: Command[],
  cwd: string,
  env: Record<string, string>,
  timeoutMs = 540_000,
): Promise<Step[]> {
  const out = path.join(cwd, ".steps");
  fs.mkdirSync(out);
  const script = lines
    .map(({ line }, i) => `{ ${line}\n} >"${out}/${i}.out" 2>"${out}/${i}.err" </dev/null; echo $? >"${out}/${i}.code"`)
    .join("\n");
  const child = spawn("bash", ["-c", script], {
    cwd,
    env: { ...process.env, ...env, HARDHAT_NETWORK: undefined, FORCE_COLOR: "0" },
    stdio: "ignore",
    detached: true,
  });
  const timer = setTimeout(() => process.kill(-child.pid!, "SIGKILL"), timeoutMs);
  const exitCode = await new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  clearTimeout(timer);
  expect(exitCode, "the block's bash did not finish").to.equal(0);
  const read = (i: number, ext: string) => fs.readFileSync(path.join(out, `${i}.${ext}`), "utf8");
  return lines.map((l, i) => ({
    ...l,
    code: Number(read(i, "code")),
    stdout: read(i, "out"),
    stderr: read(i, "err"),
  }));
}

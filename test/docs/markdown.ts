// Reading the project's own documents in tests: README.md's sections, its fenced blocks and its tables, and the
// files git tracks. The doc tests (test/docs/*.test.ts) check these against the code so the documents stay true.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

import { ROOT } from "../tasks/helpers";

export function readme(): string {
  return fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
}

/** The text of the `## <title>` section of a Markdown document, up to the next `## ` heading. */
export function section(markdown: string, title: string): string {
  const lines = markdown.split("\n");
  const start = lines.indexOf(`## ${title}`);
  if (start < 0) throw new Error(`no "## ${title}" section`);
  const end = lines.findIndex((l, i) => i > start && l.startsWith("## "));
  return lines.slice(start + 1, end < 0 ? undefined : end).join("\n");
}

/** The lines of the first fenced block that follows the line containing `marker`, and the block's language. */
export function fencedBlockAfter(markdown: string, marker: string): { lang: string; lines: string[] } {
  const lines = markdown.split("\n");
  const at = lines.findIndex((l) => l.includes(marker));
  if (at < 0) throw new Error(`no line containing "${marker}"`);
  const open = lines.findIndex((l, i) => i > at && l.startsWith("```"));
  const close = lines.findIndex((l, i) => i > open && l === "```");
  if (open < 0 || close < 0) throw new Error(`no fenced block after "${marker}"`);
  return { lang: lines[open].slice(3).trim(), lines: lines.slice(open + 1, close) };
}

/** The cells of every row of the Markdown tables in `markdown` (header and separator rows excluded). */
export function tableRows(markdown: string): string[][] {
  const rows: string[][] = [];
  const lines = markdown.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line.startsWith("|")) continue;
    const isHeader = /^\|[\s|:-]+\|$/.test(lines[i + 1]?.trim() ?? "");
    const isSeparator = /^\|[\s|:-]+\|$/.test(line);
    if (isHeader || isSeparator) continue;
    rows.push(
      line
        .slice(1, -1)
        .split(/(?<!\\)\|/) // a cell may hold an escaped `\|`
        .map((c) => c.trim()),
    );
  }
  return rows;
}

/**
 * The files git tracks that are in the working tree, as paths relative to the project root with `/` separators (a
 * file deleted but not yet committed is not one of the project's files any more).
 */
export function trackedFiles(): string[] {
  return execFileSync("git", ["ls-files"], { cwd: ROOT, encoding: "utf8" })
    .split("\n")
    .filter(Boolean)
    .filter((f) => fs.existsSync(path.join(ROOT, f)));
}

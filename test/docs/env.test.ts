// Keeps the header of hardhat.config.ts complete: every environment variable the project reads (scripts, tasks,
// tests, benchmarks, the console, its CLI) must have a row in the header's tables. A variable a file only sets (for
// a child process, or a test's own key for `--from env:NAME`) is not read by the project and needs no row.
import fs from "node:fs";
import path from "node:path";

import { expect } from "chai";

import { ROOT } from "../tasks/helpers";
import { trackedFiles } from "./markdown";

const SOURCE = /\.(ts|tsx|mts|cts|js|mjs|cjs)$/;

/**
 * The variables a source reads: `process.env.X` and `process.env["X"]` that are neither assigned nor deleted, and
 * `env("X", …)`, the benchmarks' helper that reads a number from the environment.
 */
function variablesRead(source: string): string[] {
  const names = new Set<string>();
  const direct = /(delete\s+)?process\.env(?:\.([A-Z][A-Z0-9_]*)|\[\s*["'`]([A-Z][A-Z0-9_]*)["'`]\s*\])(\s*=(?!=))?/g;
  for (const m of source.matchAll(direct)) if (!m[1] && !m[4]) names.add(m[2] ?? m[3]);
  for (const m of source.matchAll(/\benv\(\s*["'`]([A-Z][A-Z0-9_]*)["'`]\s*,/g)) names.add(m[1]);
  return [...names];
}

/** The variables named in the first column of the tables in hardhat.config.ts's header comment. */
function documentedVariables(): Set<string> {
  const config = fs.readFileSync(path.join(ROOT, "hardhat.config.ts"), "utf8");
  const header = config.slice(0, config.indexOf("*/"));
  return new Set([...header.matchAll(/^ \* \| `([A-Z][A-Z0-9_]*)`\s+\|/gm)].map((m) => m[1]));
}

/** Every variable the project's tracked sources read, with the files that read it. */
function variablesOfTheProject(): Map<string, string[]> {
  const self = path.relative(ROOT, __filename).split(path.sep).join("/"); // its examples are not the project's
  const readBy = new Map<string, string[]>();
  for (const file of trackedFiles().filter((f) => SOURCE.test(f) && f !== self)) {
    for (const name of variablesRead(fs.readFileSync(path.join(ROOT, file), "utf8"))) {
      readBy.set(name, [...(readBy.get(name) ?? []), file]);
    }
  }
  return readBy;
}

describe("hardhat.config.ts documents every environment variable", function () {
  it("finds what a source reads, and not what it sets or deletes", function () {
    const source = [
      'const a = process.env.READ_ONE ?? "x";',
      'if (process.env["READ_TWO"] === "1") {}',
      'const n = env("READ_THREE", 4);',
      'process.env.SET_ONLY = "1";',
      "delete process.env.DELETED;",
      "if (process.env.COMPARED == null) {}",
    ].join("\n");
    expect(variablesRead(source).sort()).to.deep.equal(["COMPARED", "READ_ONE", "READ_THREE", "READ_TWO"]);
  });

  it("scans every part of the project", function () {
    // Guards the scan itself: a variable from each part (config, commands, console, tests, benchmarks) is found.
    const readBy = variablesOfTheProject();
    for (const name of ["HEDGE_RPC_URL", "HEDGE_DEBUG", "HEDGE_NETWORK", "FUZZ_RUNS", "AUDIT_BENCH_PROPOSALS"])
      expect(readBy.has(name), `${name} was not found by the scan`).to.equal(true);
  });

  it("lists every variable read by the project in the header", function () {
    const documented = documentedVariables();
    const missing = [...variablesOfTheProject().entries()]
      .filter(([name]) => !documented.has(name))
      .map(([name, files]) => `${name} (read by ${files.join(", ")})`);
    expect(missing, "add a row to the header of hardhat.config.ts for").to.deep.equal([]);
  });
});

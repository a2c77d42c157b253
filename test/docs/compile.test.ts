// Keeps the README's set-up true about compiling: solc reports no warning on the project's build (a fresh clone's
// first run prints none), and the compile job says what it is doing while solc-js runs (hardhat.config.ts's
// progress hook: on a terminal a line counting the seconds, even with --quiet; elsewhere one line unless --quiet).
import fs from "node:fs";
import path from "node:path";

import { expect } from "chai";
import hre from "hardhat";
import {
  TASK_COMPILE_SOLIDITY_LOG_RUN_COMPILER_END,
  TASK_COMPILE_SOLIDITY_LOG_RUN_COMPILER_START,
} from "hardhat/builtin-tasks/task-names";

interface SolcMessage {
  severity: string;
  formattedMessage: string;
}

/** A compile job as the progress hook reads it: its files and compiler version. */
const JOB = { getResolvedFiles: () => [{}, {}, {}], getSolcConfig: () => ({ version: "0.8.28" }) };

/** Runs `fn` with stderr captured and `isTTY` set as given; returns what was written. */
async function capturingStderr(terminal: boolean, fn: (written: string[]) => Promise<void>): Promise<string[]> {
  const written: string[] = [];
  const write = process.stderr.write;
  const wasTerminal = process.stderr.isTTY;
  process.stderr.isTTY = terminal;
  process.stderr.write = ((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  }) as typeof process.stderr.write;
  try {
    await fn(written);
  } finally {
    process.stderr.write = write;
    process.stderr.isTTY = wasTerminal;
  }
  return written;
}

async function compileJob(quiet: boolean, whileCompiling = async () => {}) {
  const args = { compilationJob: JOB, compilationJobs: [JOB], compilationJobIndex: 0, quiet };
  await hre.run(TASK_COMPILE_SOLIDITY_LOG_RUN_COMPILER_START, args);
  await whileCompiling();
  await hre.run(TASK_COMPILE_SOLIDITY_LOG_RUN_COMPILER_END, { ...args, output: {} });
}

/**
 * Warnings of third-party test doubles the tests compile, which the project cannot edit: Pyth's own MockPyth
 * (contracts/mocks/PythMocks.sol imports it so that the Pyth path is tested with Pyth's update-data helper) leaves
 * two parameters of parsePriceFeedUpdatesWithConfig unused. Each entry names the file and the parameter.
 */
const THIRD_PARTY_WARNINGS = [
  /^Warning: Unused function parameter\.[\s\S]*@pythnetwork\/pyth-sdk-solidity\/MockPyth\.sol:\d+:\d+:[\s\S]*bool checkUpdateDataIsMinimal,/,
  /^Warning: Unused function parameter\.[\s\S]*@pythnetwork\/pyth-sdk-solidity\/MockPyth\.sol:\d+:\d+:[\s\S]*bool storeUpdatesIfFresh/,
];

type SolcOutput = { errors?: SolcMessage[]; contracts: object };

describe("compiling", function () {
  it("solc reports no warning on the project's build", async function () {
    await hre.run("compile", { quiet: true });
    // The builds of the contracts as they are now (an older build's info can linger for a source no longer compiled).
    // A fresh clone has one build; an incremental compile adds one per recompiled subset: each is checked.
    const names = (await hre.artifacts.getAllFullyQualifiedNames()).filter((n) => n.startsWith("contracts/"));
    const builds = new Map<string, SolcOutput>();
    for (const name of names) {
      const build = await hre.artifacts.getBuildInfo(name);
      if (build) builds.set(build.id, build.output as SolcOutput);
    }
    expect(builds.size, "no build info: was the project compiled?").to.be.greaterThan(0);
    const compiled = new Set<string>();
    for (const [id, output] of builds) {
      for (const source of Object.keys(output.contracts)) compiled.add(source);
      const messages = (output.errors ?? [])
        .filter((e) => !THIRD_PARTY_WARNINGS.some((known) => known.test(e.formattedMessage)))
        .map((e) => `${e.severity}: ${e.formattedMessage}`);
      expect(messages, `solc's messages in build ${id}`).to.deep.equal([]);
    }
    expect([...compiled]).to.include.members(["contracts/HedgeCouncil.sol", "contracts/HedgePolicy.sol"]);
  });

  it("outside a terminal, says once what it compiles, and nothing with --quiet", async function () {
    expect(await capturingStderr(false, () => compileJob(true))).to.deep.equal([]);
    expect(await capturingStderr(false, () => compileJob(false))).to.deep.equal([
      "Compiling 3 Solidity files with solc-js (a minute or more)\n",
    ]);
  });

  it("on a terminal, counts the seconds (even with --quiet) and ends the line when done", async function () {
    this.timeout(20_000);
    const untilTicked = async (w: string[]) => {
      for (let waited = 0; w.length < 2 && waited < 10_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
    };
    const written = await capturingStderr(true, async (w) => {
      await compileJob(true, () => untilTicked(w));
      const atEnd = w.length;
      await new Promise((r) => setTimeout(r, 1_500));
      expect(w.length, "the counter kept running after the compile ended").to.equal(atEnd);
    });
    expect(written.length, "the first draw, a tick, the last line").to.be.at.least(3);
    for (const line of written) {
      expect(line).to.match(/^\rCompiling 3 Solidity files with solc-js \(a minute or more\): \d+ s\n?$/);
    }
    expect(
      written.filter((l) => l.endsWith("\n")),
      "only the last line ends",
    ).to.deep.equal([written.at(-1)]);
    expect(written[1]).to.match(/: [1-9]\d* s$/);
  });
});

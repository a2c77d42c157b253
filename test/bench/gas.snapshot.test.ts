// Recomputes the gas benchmark and compares it with the committed bench/gas.json, both ways, as Uniswap v4-core checks
// its snapshots: a figure that grows by more than 1 % fails (a regression), and so does one that drops by more than
// 1 % (a stale snapshot hides progress), until `npm run bench` rewrites the file and it is committed.
// Also the code-size check: every deployed contract stays under the 24,576-byte limit of EIP-170, and what a
// description costs: it travels in calldata and the ProposalCreated event, never in storage.
import { expect } from "chai";
import hre from "hardhat";
import { readFileSync } from "node:fs";
import path from "node:path";

import { DESCRIBED, EIP170_LIMIT, SHAPES, measureGas, snapshotOf, type GasReport } from "../../bench/lib/measure";

type Snapshot = Record<string, Record<string, number>>;

const TOLERANCE = 0.01;

describe("gas snapshot (bench/gas.json)", function () {
  let committed: Snapshot;
  let measured: Snapshot;
  let report: GasReport;

  before(async function () {
    committed = JSON.parse(readFileSync(path.join(__dirname, "../../bench/gas.json"), "utf8"));
    report = await measureGas(hre);
    measured = snapshotOf(report) as unknown as Snapshot;
  });

  it("has the same sections and figures as the committed snapshot", function () {
    expect(Object.keys(measured).sort()).to.deep.equal(Object.keys(committed).sort());
    for (const section of Object.keys(measured)) {
      expect(Object.keys(measured[section]).sort(), section).to.deep.equal(Object.keys(committed[section]).sort());
    }
  });

  /** The figures that moved by more than 1 % in `direction` since the committed snapshot. */
  function moved(direction: 1 | -1): string[] {
    const found: string[] = [];
    for (const [section, figures] of Object.entries(measured)) {
      for (const [name, value] of Object.entries(figures)) {
        const before = committed[section]?.[name];
        if (before === undefined) continue;
        // A change of 1 gas is noise whatever the figure (some are 0).
        if (direction * (value - before) > Math.max(1, before * TOLERANCE))
          found.push(`${section}.${name}: ${before} → ${value}`);
      }
    }
    return found;
  }

  it("grows no figure by more than 1 % (run `npm run bench` and commit bench/gas.json after a deliberate change)", function () {
    const grown = moved(1);
    expect(grown, `grown: ${grown.join("; ")}; run \`npm run bench\` and commit bench/gas.json`).to.deep.equal([]);
  });

  it("drops no figure by more than 1 % (run `npm run bench` and commit bench/gas.json after a saving)", function () {
    const dropped = moved(-1);
    expect(dropped, `dropped: ${dropped.join("; ")}; run \`npm run bench\` and commit bench/gas.json`).to.deep.equal(
      [],
    );
  });

  it("keeps every contract's runtime bytecode under the EIP-170 limit", function () {
    for (const [name, size] of Object.entries(measured.bytecode)) {
      expect(size, name).to.be.greaterThan(0).and.lessThan(EIP170_LIMIT);
    }
  });

  it("charges a description in submit only, as calldata and event data, never as storage", function () {
    // Floor: 16 gas per non-zero calldata byte and 8 per byte of log data. A description kept out of the event (or
    // not sent) costs less; one written to storage costs at least 20,000 per 32 bytes, far above the ceiling.
    const floor = DESCRIBED.length * (16 + 8);
    for (const { name } of SHAPES) {
      const [submitEmpty, executeEmpty] = report.transactions[name]["council submit, execute"];
      const [submitDescribed, executeDescribed] =
        report.transactions[name]["council submit, execute (200-character description)"];
      expect(submitDescribed - submitEmpty, name).to.be.within(floor, 2 * floor);
      // execute takes the description's hash: the same 32 bytes whatever the text (a few zero bytes more or less).
      expect(Math.abs(executeDescribed - executeEmpty), name).to.be.at.most(12 * 4);
      expect(report.shapes[name].describedLifecycle, name).to.equal(submitDescribed + executeDescribed);
    }
  });
});

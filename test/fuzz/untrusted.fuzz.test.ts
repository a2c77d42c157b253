// Hostile strings into every printer of text from outside (issue 24, "one output layer that escapes"): random strings
// made of ANSI sequences (CSI, OSC links), CR, NUL, backspace, DEL, C1 controls (the 8-bit CSI among them), bidi
// controls, line separators, quotes, backslashes, look-alikes of the printers' own lines, very long lines, and any
// code point at all. Each printer must let none of it through raw: its output holds no unsafe character (the test's
// own list, written here independently of scripts/lib/untrusted), no line of its own making beyond the printer's (an
// inline value cannot start a line; a framed one starts each line with the gutter), and the text is still there,
// escaped (truthful, not dropped). The printers' own line feeds are theirs; no printer writes colour codes.
//
// The printers: the escaping module (quoted, oneLine, the block frame, the output guard, safe JSON), the descriptions,
// revert reasons and error arguments (scripts/lib/errors, with invalid UTF-8), a node's error message
// (describeError), the simulation's report and one-line outcome, the audit's terminal report, watch notices (human
// and JSON) and its node outage line, the signatures file's errors, the output layer (say / sayError), and the
// console's React components (rendered with react-dom/server). The command-level runs over a hostile contract are in
// test/tasks/hostile-revert.test.ts.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { expect } from "chai";
import fc from "fast-check";
import { AbiCoder, Interface, concat, toUtf8Bytes } from "ethers";
import hre from "hardhat";
import { createElement } from "react";
import { renderToString } from "react-dom/server";

import { Untrusted, UntrustedBlock, errorText } from "../../app/src/untrusted";
import { outageLine } from "../../scripts/commands/watch";
import { parseApprovals, readApprovalsFile } from "../../scripts/lib/approvals-file";
import { descriptionBlock, descriptionLines, descriptionTitle } from "../../scripts/lib/descriptions";
import { describeError, explainRevert, systemErrors } from "../../scripts/lib/errors";
import { captureOutput, say, sayError, withOutput } from "../../scripts/lib/output";
import { defaultPolicy } from "../../scripts/lib/policy";
import { simulationLines, simulationSummary, type Simulation } from "../../scripts/lib/simulate";
import {
  BLOCK_MIN_TEXT,
  BLOCK_WIDTH,
  QUOTED_MAX,
  escapeUnsafe,
  gutterFor,
  oneLine,
  quoted,
  safeJson,
  terminalLine,
  untrustedBlock,
} from "../../scripts/lib/untrusted";
import { proposalLines, type ProposalView } from "../../scripts/lib/view";
import { humanLine, jsonLine, makeNotice } from "../../scripts/lib/watch/notices";
import type { AuditReport } from "../../scripts/lib/audit";
import { terminalSummary } from "../../scripts/lib/audit/report/terminal";
import { audit, buildHistory, deployForAudit, snapshot } from "../audit/helpers";

const RUNS = Number(process.env.FUZZ_RUNS ?? 200);

/** The unsafe code points, by the test's own list: C0 (line feed aside when the printer may break lines), DEL, C1, the
 * line and paragraph separators, and the bidi marks, embeddings, overrides and isolates. */
function isUnsafe(cp: number, lineFeedAllowed: boolean): boolean {
  if (cp === 0x0a) return !lineFeedAllowed;
  return (
    cp <= 0x1f ||
    (cp >= 0x7f && cp <= 0x9f) ||
    cp === 0x061c ||
    cp === 0x200e ||
    cp === 0x200f ||
    cp === 0x2028 ||
    cp === 0x2029 ||
    (cp >= 0x202a && cp <= 0x202e) ||
    (cp >= 0x2066 && cp <= 0x2069)
  );
}

/** The raw unsafe characters of `text` (none may be printed). */
function rawUnsafe(text: string, lineFeedAllowed = false): string[] {
  return [...text].filter((c) => isUnsafe(c.codePointAt(0)!, lineFeedAllowed));
}

/** `text` as the rule shows it: each unsafe code point as \u{hex}, quotes too when asked. */
function shownAs(text: string, quotes = false): string {
  return [...text]
    .map((c) =>
      isUnsafe(c.codePointAt(0)!, false) || (quotes && c === '"') ? `\\u{${c.codePointAt(0)!.toString(16)}}` : c,
    )
    .join("");
}

const TOKENS = [
  "\u001b[2J",
  "\u001b[H",
  "\u001b[31;1m",
  "\u001b[0m",
  "\u001b]8;;https://evil.example\u0007click\u001b]8;;\u0007",
  "\u009b2J",
  "\u0085",
  "\r",
  "\n",
  "\r\n",
  "\t",
  "\b",
  "\u0000",
  "\u007f",
  "\u2028",
  "\u2029",
  "\u202e",
  "\u202d",
  "\u2066",
  "\u2069",
  "\u200e",
  "\u200f",
  "\u061c",
  '"',
  "\\",
  "\\u{1b}",
  "│ ",
  "Open proposals: 0",
  "simulation: executes",
  "  tier Standard: needs 3 approvals",
  "  call 0: HedgePolicy.setPolicy(next, expectedVersion 1)",
  "é",
  "😀",
  " ".repeat(90),
  "x".repeat(300),
];

/** Hostile strings: tokens and random code points mixed, or one long random string. */
const hostile = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .array(fc.oneof(fc.constantFrom(...TOKENS), fc.string({ unit: "binary", maxLength: 12 })), { maxLength: 24 })
      .map((a) => a.join("")),
  },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 2_000 }) },
);

/** Hostile strings that are whole UTF-8 (no lone surrogates): what a contract or a file can hold as a string. */
const hostileUtf8 = hostile.map((s) => Buffer.from(s, "utf8").toString("utf8"));

/** A one-line output: no unsafe character, no line feed. */
function expectOneLine(out: string, what: string) {
  expect(rawUnsafe(out), `${what}: raw ${JSON.stringify(rawUnsafe(out))} in ${JSON.stringify(out)}`).to.deep.equal([]);
}

/** The escaped and quoted form of `s` as it must appear (whole when short enough). */
function expectQuotedIn(out: string, s: string, max = QUOTED_MAX) {
  const shown = shownAs(s, true);
  if (shown.length <= max) expect(out).to.include(`"${shown}"`);
  else expect(out).to.match(/"… \(\d+ more characters\)/);
}

const errorString = (bytes: Uint8Array) =>
  concat(["0x08c379a0", AbiCoder.defaultAbiCoder().encode(["bytes"], [bytes])]);

describe("fuzz: hostile strings through every printer of text from outside", function () {
  this.timeout(300_000);

  describe("scripts/lib/untrusted: the rule", () => {
    it("quoted: one line between the printer's quotes, nothing raw, the text shown whole or cut with a count", () => {
      fc.assert(
        fc.property(hostile, (s) => {
          const out = quoted(s);
          expectOneLine(out, "quoted");
          expect(out.startsWith('"')).to.equal(true);
          // Only the printer's two quotes are raw quotes: the text cannot end the quote early.
          const inner = out.replace(/… \(\d+ more characters\)$/, "");
          expect(inner.endsWith('"')).to.equal(true);
          expect(inner.slice(1, -1)).not.to.include('"');
          expectQuotedIn(out, s);
        }),
        { numRuns: RUNS },
      );
    });

    it("oneLine, escapeUnsafe and terminalLine: nothing raw; escapeUnsafe is idempotent; terminalLine keeps line feeds only", () => {
      fc.assert(
        fc.property(hostile, (s) => {
          expectOneLine(oneLine(s), "oneLine");
          expect(escapeUnsafe(s)).to.equal(shownAs(s));
          expect(escapeUnsafe(escapeUnsafe(s))).to.equal(escapeUnsafe(s));
          const t = terminalLine(s);
          expect(rawUnsafe(t, true)).to.deep.equal([]);
          expect(t.split("\n")).to.have.length(s.split("\n").length);
        }),
        { numRuns: RUNS },
      );
    });

    it("blocks and descriptions: each line behind the gutter, at most the block's width, nothing raw, no text lost", () => {
      fc.assert(
        fc.property(
          hostile,
          fc.constantFrom("  description: ", "Description: ", "  0x12345678…  Standard  Pending  "),
          (s, prefix) => {
            for (const lines of [untrustedBlock(s, prefix), descriptionBlock(s, prefix)]) {
              const gutter = gutterFor(prefix);
              expect(lines[0].startsWith(prefix)).to.equal(true);
              for (const line of lines) expectOneLine(line, "block line");
              for (const line of lines.slice(1)) expect(line.startsWith(gutter.trimEnd())).to.equal(true);
              const content = [lines[0].slice(prefix.length), ...lines.slice(1).map((l) => l.slice(gutter.length))];
              // Every line fits BLOCK_WIDTH columns with its label (or the text gets at least BLOCK_MIN_TEXT).
              for (const c of content)
                expect(c.length).to.be.at.most(Math.max(BLOCK_MIN_TEXT, BLOCK_WIDTH - prefix.length));
              const raw = s.split(/\r\n|\n|\r/);
              while (raw.length > 1 && raw[raw.length - 1].trim() === "") raw.pop();
              const strip = (t: string) => t.replace(/\s+/g, "");
              expect(strip(content.join(""))).to.equal(strip(raw.map((l) => shownAs(l)).join("")));
            }
            for (const line of descriptionLines(s)) expectOneLine(line, "description line");
            expectOneLine(descriptionTitle(s), "description title");
          },
        ),
        { numRuns: RUNS },
      );
    });

    it("safeJson: the same value read back, and no unsafe character in the JSON text", () => {
      fc.assert(
        fc.property(hostile, (s) => {
          const out = safeJson({ message: s, details: { description: s } });
          expectOneLine(out, "safeJson");
          expect(JSON.parse(out)).to.deep.equal({ message: s, details: { description: s } });
        }),
        { numRuns: RUNS },
      );
    });
  });

  describe("scripts/lib/errors: revert reasons, error arguments, a node's message", () => {
    let errors: Interface;
    before(async () => {
      errors = await systemErrors(hre);
    });

    it("an Error(string) reason, any bytes (invalid UTF-8 too): one line, quoted, nothing raw", () => {
      fc.assert(
        fc.property(
          fc.oneof(
            hostileUtf8.map((s) => toUtf8Bytes(s)),
            fc.uint8Array({ maxLength: 600 }),
          ),
          (bytes) => {
            const out = explainRevert(errors, errorString(bytes), 0);
            expectOneLine(out, "revert reason");
            expect(out.startsWith('the contract reverted with the reason "')).to.equal(true);
          },
        ),
        { numRuns: RUNS },
      );
      fc.assert(
        fc.property(hostileUtf8, (s) => {
          expectQuotedIn(explainRevert(errors, errorString(toUtf8Bytes(s)), 0), s);
        }),
        { numRuns: RUNS },
      );
    });

    it("string arguments of an error borrowing one of the system's selectors (StringTooLong), and of an unknown one", () => {
      const weird = new Interface(["error Weird(string a, string[] b, (string s, uint256 n) c, bytes d)"]);
      fc.assert(
        fc.property(hostileUtf8, hostileUtf8, (a, b) => {
          const tooLong = explainRevert(errors, errors.encodeErrorResult("StringTooLong", [a]), 0);
          expectOneLine(tooLong, "StringTooLong");
          expectQuotedIn(tooLong, a);
          const out = explainRevert(weird, weird.encodeErrorResult("Weird", [a, [b, a], [b, 7n], "0xff00"]), 0);
          expectOneLine(out, "an unknown error's arguments");
          expect(out.startsWith("the contract reverted with Weird(")).to.equal(true);
          expectQuotedIn(out, b);
        }),
        { numRuns: RUNS },
      );
    });

    it("describeError: a node's message and a revert found in an error, one line, nothing raw", async () => {
      await fc.assert(
        fc.asyncProperty(hostileUtf8, async (s) => {
          expectOneLine(await describeError(hre, { message: s }), "a node's message");
          expectOneLine(await describeError(hre, new Error(s)), "an error's message");
          expectOneLine(
            await describeError(hre, { error: { data: errorString(toUtf8Bytes(s)) } }),
            "nested revert data",
          );
        }),
        { numRuns: Math.min(RUNS, 100) },
      );
    });
  });

  describe("scripts/lib/simulate: the report and the one-line outcome", () => {
    const simulation = (s: string, failure: boolean): Simulation => ({
      id: `0x${"ab".repeat(32)}`,
      mode: "snapshot",
      network: "hardhat",
      block: 12,
      tier: 2,
      steps: [{ action: "execute", from: "0x00000000000000000000000000000000000000a1", gasUsed: 21_000n }],
      failure: failure ? { step: "execute", where: `call 1 (${s})`, reason: `the contract reverted: ${s}` } : null,
      policy: { before: defaultPolicy(), after: defaultPolicy(), versionBefore: 1, versionAfter: 1 },
      layers: {
        before: { mask: 1, vix: 2_000, notes: [s] },
        after: failure ? null : { mask: 3, vix: 2_000, notes: [s] },
      },
      audit: failure ? null : { findings: [{ kind: "live-state-mismatch", check: "live", message: s } as never] },
    });

    it("no unsafe character, and exactly the lines the printer makes for a harmless text", () => {
      fc.assert(
        fc.property(hostile, fc.boolean(), (s, failure) => {
          const lines = simulationLines(simulation(s, failure));
          const harmless = simulationLines(simulation("harmless", failure));
          const split = (ls: string[]) => ls.flatMap((l) => l.split("\n"));
          for (const line of split(lines)) expectOneLine(line, "simulation report");
          expect(split(lines)).to.have.length(split(harmless).length);
          const summary = simulationSummary(simulation(s, failure));
          expectOneLine(summary, "simulation summary");
          if (failure) expect(summary).to.include(shownAs(s).slice(0, 50));
        }),
        { numRuns: RUNS },
      );
    });
  });

  describe("scripts/lib/view: the proposal as the seat commands print it", () => {
    it("the description behind the gutter: nothing raw, and only gutter lines are added", () => {
      const view = (description: string) =>
        ({
          id: `0x${"ab".repeat(32)}`,
          chainId: 31337,
          council: `0x${"11".repeat(20)}`,
          status: "Pending",
          judged: "now",
          description,
          tier: 2,
          tierName: "Critical",
          threshold: 4,
          seats: 5,
          delay: 3 * 86_400,
          why: ["call 0 loosens"],
          notes: [],
          decoded: [{ index: 0, headline: "HedgePolicy.setPolicy(next, expectedVersion 1)" }],
          against: { kind: "current" },
          created: { block: 9, timestamp: 1_700_000_000, tx: `0x${"cd".repeat(32)}`, proposer: `0x${"22".repeat(20)}` },
          executed: null,
        }) as unknown as ProposalView;
      fc.assert(
        fc.property(hostile, (s) => {
          const lines = proposalLines(view(s));
          const harmless = proposalLines(view("harmless"));
          for (const line of lines) expectOneLine(line, "proposal lines");
          expect(lines.length - harmless.length).to.equal(lines.filter((l) => /^\s+│/.test(l)).length);
        }),
        { numRuns: RUNS },
      );
    });
  });

  describe("the audit's terminal report", () => {
    let report: AuditReport;
    let restore: () => Promise<void>;
    before(async function () {
      restore = await snapshot();
      const { sys, deployment } = await deployForAudit();
      await buildHistory(sys);
      report = await audit(deployment);
      expect(report.proposals.length).to.be.greaterThan(0);
    });
    after(async () => restore());

    it("notes, findings and descriptions: nothing raw, one line per finding, descriptions behind the gutter", () => {
      fc.assert(
        fc.property(hostile, hostile, (s, t) => {
          const hostileReport = (text: string, description: string): AuditReport => ({
            ...report,
            notes: [text],
            findings: [{ kind: "live-state-mismatch", check: "live", message: text } as never],
            proposals: [
              {
                ...((report.proposals[0] ?? {}) as object),
                id: `0x${"cd".repeat(32)}`,
                derivedTier: "Critical",
                state: "Pending",
                findings: 0,
                description,
              } as never,
            ],
          });
          const lines = terminalSummary(hostileReport(s, t));
          const harmless = terminalSummary(hostileReport("harmless", "harmless"));
          for (const line of lines) expectOneLine(line, "audit report");
          // The note and the finding stay one line each; only the description's lines (behind the gutter) are added.
          const extra = lines.length - harmless.length;
          const gutterLines = lines.filter((l) => /^\s+│/.test(l)).length;
          expect(extra).to.equal(gutterLines);
        }),
        { numRuns: Math.min(RUNS, 100) },
      );
    });
  });

  describe("hedge:watch: notices and the node's error", () => {
    it("humanLine is one line; jsonLine reads back as the notice; the outage line is one line", () => {
      fc.assert(
        fc.property(hostile, (s) => {
          const notice = makeNotice(
            {
              key: "k",
              kind: "awaiting-signature" as never,
              severity: "warning",
              message: s,
              details: { description: s },
            },
            {
              chainId: 31337,
              council: `0x${"11".repeat(20)}`,
              block: 7,
              hash: `0x${"22".repeat(32)}`,
              timestamp: 1_700_000_000,
            },
          );
          expectOneLine(humanLine(notice), "humanLine");
          expect(humanLine(notice)).to.include(shownAs(s));
          expectOneLine(jsonLine(notice), "jsonLine");
          expect(JSON.parse(jsonLine(notice))).to.deep.equal(notice);
          expectOneLine(outageLine("http://127.0.0.1:8545", true, new Error(s)), "outage line");
        }),
        { numRuns: RUNS },
      );
    });
  });

  describe("the signatures file's errors", () => {
    let dir: string;
    before(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "hedge-untrusted-"));
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const expectation = { chainId: 31337, council: `0x${"11".repeat(20)}`, proposalId: `0x${"22".repeat(32)}` };

    it("a hostile format field and a file that is not JSON: one line each, nothing raw", async () => {
      let i = 0;
      await fc.assert(
        fc.asyncProperty(hostileUtf8, async (s) => {
          const refused = await parseApprovals({ format: s }, "f.json", expectation).then(
            () => "accepted",
            (e: Error) => e.message,
          );
          expectOneLine(refused, "format error");
          expect(refused).to.match(/^signatures file f\.json: format is "/);
          const file = path.join(dir, `bad-${i++}.json`);
          fs.writeFileSync(file, `{"format": ${s}`);
          const unreadable = await readApprovalsFile(file, "bad.json", expectation).then(
            () => "accepted",
            (e: Error) => e.message,
          );
          expectOneLine(unreadable, "JSON error");
        }),
        { numRuns: Math.min(RUNS, 100) },
      );
    });
  });

  describe("the output layer (say / sayError)", () => {
    it("lets the printer's line feeds through and escapes every other unsafe character", async () => {
      await fc.assert(
        fc.asyncProperty(hostile, async (s) => {
          const sink = captureOutput();
          await withOutput(sink, async () => {
            say(s);
            sayError(s);
          });
          for (const line of [...sink.lines, ...sink.errors]) {
            expect(rawUnsafe(line, true)).to.deep.equal([]);
            expect(line.split("\n")).to.have.length(s.split("\n").length);
          }
        }),
        { numRuns: RUNS },
      );
    });
  });

  describe("the console: app/src/untrusted.ts, rendered with react-dom/server", () => {
    /** The text of rendered HTML: tags dropped, entities decoded. */
    function textOf(html: string): string {
      return html
        .replace(/<[^>]*>/g, "")
        .replace(/&lt;/g, "<")
        .replace(/&gt;/g, ">")
        .replace(/&quot;/g, '"')
        .replace(/&#x27;/g, "'")
        .replace(/&amp;/g, "&");
    }
    /** The texts of the line elements of a rendered block. */
    function linesOf(html: string): string[] {
      return [...html.matchAll(/<span class="untrusted-line">([\s\S]*?)<\/span>/g)].map((m) => textOf(m[1]));
    }

    it("Untrusted (inline, quoted) and UntrustedBlock (framed lines): the same rule, nothing raw, no markup", () => {
      fc.assert(
        fc.property(hostileUtf8, (s) => {
          const inline = renderToString(createElement(Untrusted, { text: s }));
          expect(inline.match(/<span/g)).to.have.length(1, "the text adds no element");
          expectOneLine(textOf(inline), "Untrusted");
          expect(textOf(inline)).to.equal(quoted(s));
          const plain = renderToString(createElement(Untrusted, { text: s, quote: false }));
          expect(textOf(plain)).to.equal(shownAs(s));
          const block = renderToString(createElement(UntrustedBlock, { text: s }));
          const lines = linesOf(block);
          for (const line of lines) expectOneLine(line, "UntrustedBlock line");
          expect(lines).to.deep.equal(s === "" ? [] : descriptionLines(s));
          expectOneLine(errorText(new Error(s)), "errorText");
        }),
        { numRuns: RUNS },
      );
    });
  });
});

// The shape of the TypeScript code, checked from its sources: what may import what.
// - tasks/index.ts is loaded on every `npx hardhat` run: it may import only Hardhat's config API and the list of
//   proposal kinds, so that no command pays for ethers, TypeChain or contract code before its action runs.
// - The audit library is used by hedge:audit, hedge:watch and the console's reports: it must not depend on the
//   command shell (scripts/lib/shell) or on any command.
// - Only commands import commands; no library imports scripts/commands.
// - No import cycle among the modules under scripts/ (value imports; `import type` and `await import()` excluded).
// - Layering of scripts/lib: every module has a rank (LAYERS, stated below, lowest first), and no import runs from a
//   lower rank to a higher one: value, type-only (`import type`, `typeof import()`) and lazy (`await import()`,
//   `require()`) alike. A lazy import is how start-up stays light, so each one is listed (LAZY_IMPORTS) with its
//   reason; an import that climbs would be allowed only when listed in CLIMBING_IMPORTS with the start-up need behind
//   it (there is none today). The checker is a pure function of the sources, shown to fail on a planted lazy import.
import { expect } from "chai";
import fs from "node:fs";
import path from "node:path";

const ROOT = path.resolve(__dirname, "..");

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(rel);
    return rel.endsWith(".ts") ? [rel] : [];
  });
}

/** The value imports of a file, resolved to repository paths when relative; bare package names otherwise. */
function valueImports(file: string): string[] {
  const text = fs.readFileSync(path.join(ROOT, file), "utf8");
  const specs = [...text.matchAll(/^(?:import|export) (?!type )[^;]*?from "([^"]+)";/gms)].map((m) => m[1]);
  specs.push(...[...text.matchAll(/^import "([^"]+)";/gm)].map((m) => m[1]));
  return specs.map((spec) => {
    if (!spec.startsWith(".")) return spec;
    const base = path.join(path.dirname(file), spec);
    for (const candidate of [`${base}.ts`, path.join(base, "index.ts")]) {
      if (fs.existsSync(path.join(ROOT, candidate))) return candidate;
    }
    return base;
  });
}

describe("Architecture: what may import what", () => {
  const scripts = sourceFiles("scripts");

  it("tasks/index.ts imports only Hardhat's config API and the proposal kinds (start-up stays light)", () => {
    expect(valueImports("tasks/index.ts")).to.have.members(["hardhat/config", "scripts/commands/propose-kinds.ts"]);
    expect(valueImports("scripts/commands/propose-kinds.ts")).to.deep.equal([]);
  });

  it("the audit library depends on neither the command shell nor any command", () => {
    const audit = scripts.filter((f) => f.startsWith("scripts/lib/audit/"));
    expect(audit.length).to.be.greaterThan(5);
    for (const file of audit) {
      for (const dep of valueImports(file)) {
        expect(dep, `${file} imports ${dep}`).not.to.match(/^scripts\/(lib\/shell|commands)\//);
      }
    }
  });

  it("only commands import commands", () => {
    for (const file of scripts.filter((f) => !f.startsWith("scripts/commands/"))) {
      for (const dep of valueImports(file)) {
        expect(dep, `${file} imports ${dep}`).not.to.match(/^scripts\/commands\//);
      }
    }
  });

  it("no import cycle among the modules under scripts/", () => {
    const graph = new Map(scripts.map((f) => [f, valueImports(f).filter((d) => d.startsWith("scripts/"))]));
    const state = new Map<string, "open" | "done">();
    const cycles: string[] = [];
    const visit = (file: string, trail: string[]) => {
      state.set(file, "open");
      for (const dep of graph.get(file) ?? []) {
        if (state.get(dep) === "open") cycles.push([...trail.slice(trail.indexOf(dep)), file, dep].join(" -> "));
        else if (!state.has(dep)) visit(dep, [...trail, file]);
      }
      state.set(file, "done");
    };
    for (const file of scripts) if (!state.has(file)) visit(file, []);
    expect(cycles).to.deep.equal([]);
  });
});

// ------------------------------------------------------------------------------------------------ layering

/**
 * The ranks of scripts/lib, lowest first: a module may import its own rank and the ranks below it, never above. A
 * path ending in "/" is a folder (every file under it); every module under scripts/lib has exactly one rank.
 */
export const LAYERS: { rank: string; modules: string[] }[] = [
  {
    rank: "words: units, text from outside, the output, the policy, the council's rules",
    modules: [
      "format.ts",
      "untrusted.ts",
      "output.ts",
      "descriptions.ts",
      "atomic-file.ts",
      "lock-file.ts",
      "policy.ts",
      "council/",
    ],
  },
  {
    rank: "tools: the shell, signing, code and error checks, policy edits, the signatures file, the deployment",
    modules: [
      "shell/",
      "signing.ts",
      "rpc.ts",
      "deploy-receipts.ts",
      "contract-code.ts",
      "errors.ts",
      "policy-edit.ts",
      "proposal-builder.ts",
      "approvals-format.ts",
      "approvals-file.ts",
      "proposals-folder.ts",
      "deploy.ts",
      "deterministic.ts",
    ],
  },
  {
    rank: "chain: the deployment opened, proposals read from it",
    modules: ["deployments.ts", "proposals.ts", "proposal-queue.ts"],
  },
  { rank: "audit: the replay and its reports", modules: ["audit/"] },
  { rank: "views: a proposal judged, shown and simulated", modules: ["view.ts", "show-proposal.ts", "simulate.ts"] },
  { rank: "watch: the long-running watcher", modules: ["watch/"] },
];

/** Every lazy import under scripts/lib, `importer -> imported`, with why it is lazy (start-up needs it). */
export const LAZY_IMPORTS: Record<string, string> = {
  "scripts/lib/deployments.ts -> scripts/lib/deploy.ts":
    "deploy pulls every TypeChain factory; only writing a deployment record needs it, never opening one",
  "scripts/lib/view.ts -> scripts/lib/audit/index.ts":
    "the audit's replay loads only for a proposal's timeline or one that is over (hedge:sign, approve, veto need neither)",
  "scripts/lib/view.ts -> scripts/lib/audit/abi.ts":
    "the contracts' whole ABIs (TypeChain) load only to name a non-governed function a proposal calls",
  "scripts/lib/simulate.ts -> scripts/lib/audit/index.ts":
    "the audit library is loaded only when a simulation audits its sandbox (hedge:sign runs without it)",
  "scripts/lib/shell/signers.ts -> scripts/lib/shell/keystore.ts":
    "scrypt and the password prompt load only for --from keystore:FILE",
  "scripts/lib/simulate.ts -> hardhat/internal/core/providers/construction":
    "Hardhat's provider factory loads only to fork a node",
  "scripts/lib/watch/hermes.ts -> @pythnetwork/hermes-client":
    "Pyth's Hermes client (and its schemas) loads only for a keeper whose policy reads a Pyth adapter",
  "scripts/lib/council/ids.ts -> keccak":
    "the native keccak binding is optional: the console's build has none, Node loads it when present",
};

/** Imports that climb a rank, allowed because start-up needs them: `importer -> imported` with the reason. None today. */
export const CLIMBING_IMPORTS: Record<string, string> = {};

export type ImportKind = "value" | "type" | "lazy";

export interface Import {
  from: string;
  to: string;
  kind: ImportKind;
}

/** The source without comments (a comment may name a module in backticks or as `import("…")`). */
function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'`\\])\/\/.*$/gm, "$1");
}

/** Resolves a specifier of `file` among `files` (repository paths); a bare package name stays as it is. */
function resolveIn(files: Set<string>, file: string, spec: string): string {
  if (!spec.startsWith(".")) return spec;
  const base = path.posix.join(path.posix.dirname(file), spec);
  for (const candidate of [`${base}.ts`, `${base}/index.ts`]) if (files.has(candidate)) return candidate;
  return base;
}

/** Every import of every file: static (value or type-only, re-exports included) and lazy (`import()`, `require()`). */
export function importsOf(sources: Map<string, string>): Import[] {
  const files = new Set(sources.keys());
  const out: Import[] = [];
  for (const [file, source] of sources) {
    const text = withoutComments(source);
    for (const m of text.matchAll(/^\s*(?:import|export)\s+(type\s+)?[^;]*?\sfrom\s+"([^"]+)";/gm)) {
      out.push({ from: file, to: resolveIn(files, file, m[2]), kind: m[1] ? "type" : "value" });
    }
    for (const m of text.matchAll(/^\s*import\s+"([^"]+)";/gm)) {
      out.push({ from: file, to: resolveIn(files, file, m[1]), kind: "value" });
    }
    for (const m of text.matchAll(/\b(?:import|require)\(\s*"([^"]+)"\s*\)/g)) {
      const typeOnly = /typeof\s+$/.test(text.slice(Math.max(0, m.index! - 20), m.index));
      out.push({ from: file, to: resolveIn(files, file, m[1]), kind: typeOnly ? "type" : "lazy" });
    }
  }
  return out;
}

/** The rank of a module under scripts/lib (its index in `layers`), or undefined when none names it. */
export function rankOf(layers: typeof LAYERS, file: string): number | undefined {
  const rel = file.replace(/^scripts\/lib\//, "");
  const ranks = layers
    .map((l, i) => (l.modules.some((m) => (m.endsWith("/") ? rel.startsWith(m) : rel === m)) ? i : -1))
    .filter((i) => i >= 0);
  return ranks.length === 1 ? ranks[0] : undefined;
}

/**
 * What breaks the layering, one line each: a module under scripts/lib with no rank (or two), an import from a lower
 * rank to a higher one that CLIMBING_IMPORTS does not allow, and a lazy import that LAZY_IMPORTS does not list.
 */
export function layeringViolations(
  sources: Map<string, string>,
  layers = LAYERS,
  lazy = LAZY_IMPORTS,
  climbing = CLIMBING_IMPORTS,
): string[] {
  const out: string[] = [];
  const lib = [...sources.keys()].filter((f) => f.startsWith("scripts/lib/"));
  for (const file of lib) if (rankOf(layers, file) === undefined) out.push(`${file} has no rank (or two) in LAYERS`);
  for (const { from, to, kind } of importsOf(sources)) {
    if (!from.startsWith("scripts/lib/")) continue;
    const key = `${from} -> ${to}`;
    if (kind === "lazy" && !(key in lazy)) out.push(`${key}: a lazy import not listed in LAZY_IMPORTS`);
    if (!to.startsWith("scripts/lib/")) continue;
    const [a, b] = [rankOf(layers, from), rankOf(layers, to)];
    if (a === undefined || b === undefined || b <= a || key in climbing) continue;
    out.push(`${key} (${kind}): climbs from "${layers[a].rank}" to "${layers[b].rank}"`);
  }
  return out;
}

/** The TypeScript sources under scripts/, by repository path (forward slashes). */
function scriptSources(): Map<string, string> {
  return new Map(
    sourceFiles("scripts").map((f) => [f.split(path.sep).join("/"), fs.readFileSync(path.join(ROOT, f), "utf8")]),
  );
}

describe("Architecture: the ranks of scripts/lib", () => {
  it("every module under scripts/lib has one rank, and no import (value, type-only or lazy) climbs", () => {
    expect(layeringViolations(scriptSources())).to.deep.equal([]);
  });

  it("every listed lazy or climbing import still exists (the lists name only what is there)", () => {
    const present = new Set(importsOf(scriptSources()).map((i) => `${i.from} -> ${i.to}`));
    expect(Object.keys(LAZY_IMPORTS).filter((k) => !present.has(k))).to.deep.equal([]);
    expect(Object.keys(CLIMBING_IMPORTS).filter((k) => !present.has(k))).to.deep.equal([]);
  });

  it("the output layer and the escaping module are at the bottom: the libraries print through them", () => {
    expect(rankOf(LAYERS, "scripts/lib/output.ts")).to.equal(0);
    expect(rankOf(LAYERS, "scripts/lib/untrusted.ts")).to.equal(0);
    const sources = scriptSources();
    const imports = importsOf(sources).filter((i) => i.from === "scripts/lib/untrusted.ts");
    expect(imports, "untrusted.ts is pure: the console imports it").to.deep.equal([]);
    expect(
      importsOf(sources)
        .filter((i) => i.from === "scripts/lib/output.ts")
        .map((i) => i.to),
    ).to.deep.equal(["scripts/lib/untrusted.ts"]);
  });

  it("fails on a lazy import planted in a copy of the sources that climbs (format.ts loading the watcher)", () => {
    const copy = scriptSources();
    const format = "scripts/lib/format.ts";
    copy.set(
      format,
      `${copy.get(format)}\nexport const planted = async () => (await import("./watch/watcher")).Watcher;\n`,
    );
    const found = layeringViolations(copy);
    expect(found).to.include(`${format} -> scripts/lib/watch/watcher.ts: a lazy import not listed in LAZY_IMPORTS`);
    expect(found).to.include(
      `${format} -> scripts/lib/watch/watcher.ts (lazy): climbs from "${LAYERS[0].rank}" to "${LAYERS[5].rank}"`,
    );
    // Listed as lazy, it still climbs: a listing does not allow climbing.
    const listed = layeringViolations(copy, LAYERS, {
      ...LAZY_IMPORTS,
      [`${format} -> scripts/lib/watch/watcher.ts`]: "x",
    });
    expect(listed).to.deep.equal([
      `${format} -> scripts/lib/watch/watcher.ts (lazy): climbs from "${LAYERS[0].rank}" to "${LAYERS[5].rank}"`,
    ]);
  });

  it("the checker sees each kind of import, and ignores comments (synthetic sources)", () => {
    const layers = [
      { rank: "low", modules: ["low.ts"] },
      { rank: "high", modules: ["high/"] },
    ];
    const sources = new Map([
      [
        "scripts/lib/low.ts",
        [
          '// import { x } from "./high/a"; await import("./high/a") in a comment is no import',
          '/* require("./high/a") */',
          'import type { A } from "./high/a";',
          'export { b } from "./high/b";',
          'type C = typeof import("./high/c");',
          'const d = require("./high/d");',
          'export const e = () => import("./high/e");',
        ].join("\n"),
      ],
      ["scripts/lib/high/a.ts", 'import { low } from "../low";'],
      ["scripts/lib/high/b.ts", ""],
      ["scripts/lib/high/c.ts", ""],
      ["scripts/lib/high/d.ts", ""],
      ["scripts/lib/high/e.ts", ""],
      ["scripts/lib/stray.ts", ""],
    ]);
    expect(importsOf(sources).map((i) => `${i.from} -> ${i.to} ${i.kind}`)).to.have.members([
      "scripts/lib/low.ts -> scripts/lib/high/a.ts type",
      "scripts/lib/low.ts -> scripts/lib/high/b.ts value",
      "scripts/lib/low.ts -> scripts/lib/high/c.ts type",
      "scripts/lib/low.ts -> scripts/lib/high/d.ts lazy",
      "scripts/lib/low.ts -> scripts/lib/high/e.ts lazy",
      "scripts/lib/high/a.ts -> scripts/lib/low.ts value",
    ]);
    const found = layeringViolations(
      sources,
      layers,
      { "scripts/lib/low.ts -> scripts/lib/high/d.ts": "why" },
      {
        "scripts/lib/low.ts -> scripts/lib/high/c.ts": "start-up",
      },
    );
    expect(found).to.have.members([
      "scripts/lib/stray.ts has no rank (or two) in LAYERS",
      'scripts/lib/low.ts -> scripts/lib/high/a.ts (type): climbs from "low" to "high"',
      'scripts/lib/low.ts -> scripts/lib/high/b.ts (value): climbs from "low" to "high"',
      'scripts/lib/low.ts -> scripts/lib/high/d.ts (lazy): climbs from "low" to "high"',
      "scripts/lib/low.ts -> scripts/lib/high/e.ts: a lazy import not listed in LAZY_IMPORTS",
      'scripts/lib/low.ts -> scripts/lib/high/e.ts (lazy): climbs from "low" to "high"',
    ]);
  });
});

// The shape of the TypeScript code, checked from its sources: what may import what.
// - tasks/index.ts is loaded on every `npx hardhat` run: it may import only Hardhat's config API and the list of
//   proposal kinds, so that no command pays for ethers, TypeChain or contract code before its action runs.
// - The audit library is used by hedge:audit, hedge:watch and the console's reports: it must not depend on the
//   command shell (scripts/lib/shell) or on any command.
// - Only commands import commands; no library imports scripts/commands.
// - No import cycle among the modules under scripts/ (value imports; `import type` and `await import()` excluded).
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

// Keeps the README's map true: every top-level file and folder git tracks has a row, and so does every file under
// contracts/, scripts/, tasks/ and bench/, by its own path, by its folder (a folder below the top level: `scripts/`
// alone names nothing), or by a pattern such as `docs/*.png`.
import { expect } from "chai";

import { readme, section, tableRows, trackedFiles } from "./markdown";

/** The folders whose every file must be named, not only the folder itself. */
const NAMED_FILE_BY_FILE = ["contracts", "scripts", "tasks", "bench"];

/** The paths of the map's rows: the backticked paths of each row's first cell. */
function mapPaths(): string[] {
  return tableRows(section(readme(), "Map")).flatMap((cells) => [...cells[0].matchAll(/`([^`]+)`/g)].map((m) => m[1]));
}

/** Whether a map path covers `file`: the path itself, a folder below the top level holding it, or a `*` pattern. */
function covers(mapPath: string, file: string): boolean {
  if (mapPath === file) return true;
  if (mapPath.endsWith("/")) return mapPath.split("/").length > 2 && file.startsWith(mapPath);
  if (!mapPath.includes("*")) return false;
  const pattern = mapPath.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(`^${pattern.join("[^/]*")}$`).test(file);
}

/** The files under the named folders that no row of the map covers. */
function unmappedFiles(files: string[], paths: string[]): string[] {
  return files
    .filter((f) => NAMED_FILE_BY_FILE.includes(f.split("/")[0]))
    .filter((f) => !paths.some((p) => covers(p, f)));
}

describe("README: the map names every file and folder", function () {
  const files = trackedFiles();
  const paths = mapPaths();

  it("covers a file by its path, its folder below the top level, or a pattern", function () {
    const rows = ["scripts/", "scripts/lib/audit/", "docs/*.png", "tasks/index.ts"];
    expect(unmappedFiles(["scripts/lib/audit/replay/seats.ts", "tasks/index.ts"], rows)).to.deep.equal([]);
    expect(unmappedFiles(["scripts/lib/errors.ts", "bench/gas.ts"], rows)).to.deep.equal([
      "scripts/lib/errors.ts",
      "bench/gas.ts",
    ]);
    expect(covers("docs/*.png", "docs/console-hedge.png")).to.equal(true);
    expect(covers("docs/*.png", "docs/sub/x.png")).to.equal(false);
  });

  it("has a row for every top-level file and folder", function () {
    const topLevel = [...new Set(files.map((f) => (f.includes("/") ? `${f.split("/")[0]}/` : f)))];
    expect(topLevel.length).to.be.greaterThan(10);
    const missing = topLevel.filter((entry) => !paths.includes(entry) && !paths.some((p) => p.startsWith(entry)));
    expect(missing, "add these to the README's map").to.deep.equal([]);
  });

  it("has a row for every file under contracts/, scripts/, tasks/ and bench/", function () {
    expect(files.filter((f) => f.startsWith("scripts/")).length).to.be.greaterThan(10);
    expect(unmappedFiles(files, paths), "add these (or their folder) to the README's map").to.deep.equal([]);
  });
});

// The console's JavaScript budget: every .js file of the build (`npm run app:build`, in app-dist/) gzipped, summed,
// must stay within 400 KB. Part of `npm test`.
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";

const LIMIT = 400 * 1024;
const dir = path.join(import.meta.dirname, "..", "app-dist");
if (!fs.existsSync(dir)) {
  console.error("error: app-dist/ is missing: run `npm run app:build` first");
  process.exit(1);
}
const files = [];
const walk = (d) => {
  for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
    const full = path.join(d, entry.name);
    if (entry.isDirectory()) walk(full);
    else if (entry.name.endsWith(".js")) files.push(full);
  }
};
walk(dir);
let total = 0;
for (const file of files) {
  const size = zlib.gzipSync(fs.readFileSync(file), { level: 9 }).length;
  total += size;
  console.log(`  ${path.relative(dir, file)}: ${(size / 1024).toFixed(1)} KB gzipped`);
}
console.log(`console JavaScript: ${(total / 1024).toFixed(1)} KB gzipped (limit ${LIMIT / 1024} KB)`);
if (total > LIMIT) {
  console.error(`error: the console's JavaScript is ${(total / 1024).toFixed(1)} KB gzipped, above ${LIMIT / 1024} KB`);
  process.exit(1);
}

// Malformed copies of a JSON file, for the tests that a file which fails to parse is refused in one line naming it,
// never with a stack trace or a message from deep inside (a TypeError on a field that was not checked): the text
// truncated at several places, and each field at any depth missing or of the wrong type.

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A value of another JSON type than `value`. */
function wrongType(value: Json): Json {
  if (typeof value === "string") return 42;
  if (typeof value === "number") return String(value);
  if (typeof value === "boolean") return "true";
  if (Array.isArray(value)) return {};
  if (value === null) return [];
  return "x";
}

/** Every path of `value` below its root, parents before children (`a.b[0].c`, as arrays of keys). */
function paths(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== "object") return [];
  const entries: [string | number, Json][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  return entries.flatMap(([key, child]) => [[...prefix, key], ...paths(child, [...prefix, key])]);
}

const show = (path: (string | number)[]) =>
  path.map((k, i) => (typeof k === "number" ? `[${k}]` : i === 0 ? k : `.${k}`)).join("");

/** `doc` with the field at `path` replaced (or removed, with `undefined`). */
function edited(doc: Json, path: (string | number)[], value: Json | undefined): Json {
  const copy = structuredClone(doc) as Record<string | number, Json>;
  let parent = copy;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, Json>;
  const last = path[path.length - 1];
  if (value === undefined) delete parent[last];
  else parent[last] = value;
  return copy;
}

/** `[what, text]` pairs: `text` truncated, then each field missing and each of the wrong type. */
export function malformedCopies(text: string): [string, string][] {
  const doc = JSON.parse(text) as Json;
  const end = text.trimEnd().length;
  const cuts = [0, 1, Math.floor(end / 3), Math.floor(end / 2), end - 1];
  const out: [string, string][] = cuts.map((n) => [`truncated to ${n} characters`, text.slice(0, n)]);
  for (const path of paths(doc)) {
    let value: Json = doc;
    for (const key of path) value = (value as Record<string | number, Json>)[key];
    // An element less of a list may well be a valid file (a signature fewer): only fields go missing.
    if (typeof path[path.length - 1] === "string") {
      out.push([`${show(path)} missing`, JSON.stringify(edited(doc, path, undefined), null, 2)]);
    }
    out.push([`${show(path)} of the wrong type`, JSON.stringify(edited(doc, path, wrongType(value)), null, 2)]);
  }
  return out;
}

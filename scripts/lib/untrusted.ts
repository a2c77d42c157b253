// Text that comes from outside the program — the chain (revert reasons, error arguments, descriptions), a file (a
// signatures file, typed data), an RPC node or a peer — printed safely. One rule for the terminal and the console
// (app/src/untrusted.tsx renders with these same functions): every character that can move the cursor, erase or
// recolour the screen, or reorder the words around it is written as `\u{…}` and prints as it is.
//
// - `escapeUnsafe`: the rule itself, for text inside one line (newlines escaped too). Idempotent: its output has no
//   unsafe character, so text escaped at its source may pass through a printer that escapes again.
// - `quoted`: a value inside a sentence, between quotes that only the printer writes (a quote in the text is escaped
//   too), cut at a length, so that a revert reason cannot pass for the words around it.
// - `untrustedLines` / `untrustedBlock`: multi-line text, each line escaped and cut to a width, behind a "│ " gutter
//   (the description printer, ./descriptions, is built on them).
// - `terminalLine`: what the command line's output layer (./output) applies to every line it prints, whatever its
//   source: the printer's own newlines are kept, every other unsafe character is escaped.
// - `safeJson`: JSON for a terminal or a log (hedge:watch --json): the same value, unsafe characters as \uXXXX.
//
// Pure (no Node or Hardhat imports): the browser console imports it.

/**
 * The unsafe characters: C0 controls (NUL..US, tab and line feed among them), DEL, C1 controls, the Unicode line and
 * paragraph separators, and the bidirectional marks, embeddings, overrides and isolates (U+200E, U+200F, U+061C,
 * U+202A..U+202E, U+2066..U+2069).
 */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
/** The same, but line feed (the printer's own line breaks). */
// eslint-disable-next-line no-control-regex
const UNSAFE_BUT_NEWLINE =
  /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** The unsafe characters JSON.stringify leaves raw (inside strings; its own whitespace is spaces and line feeds). */
const JSON_UNSAFE = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** Whether `text` holds any unsafe character (`escapeUnsafe` leaves none). */
export function hasUnsafe(text: string): boolean {
  return new RegExp(UNSAFE.source).test(text);
}

/** The escape of one unsafe character: `\u{1b}`. */
function escapeChar(c: string): string {
  return `\\u{${c.codePointAt(0)!.toString(16)}}`;
}

/** `text` with every unsafe character written `\u{…}` (newlines too): one line that prints as it is, moving nothing. */
export function escapeUnsafe(text: string): string {
  return text.replace(UNSAFE, escapeChar);
}

/**
 * A line the command line prints: its own line feeds kept (a printer may print several lines at once), every other
 * unsafe character escaped. The last guard of ./output: text from outside is escaped (and quoted or framed) where it
 * enters a line; this makes sure nothing that was missed reaches the terminal raw.
 */
export function terminalLine(text: string): string {
  return text.replace(UNSAFE_BUT_NEWLINE, escapeChar);
}

/** `text` escaped, one unit per code point: the character itself, or its `\u{…}` escape (never split). */
function escapedUnits(text: string, escapeQuotes = false): string[] {
  return [...text].map((c) => (new RegExp(UNSAFE.source).test(c) || (escapeQuotes && c === '"') ? escapeChar(c) : c));
}

/** The units up to `max` characters in all, and how many characters are left out. */
function clipUnits(units: string[], max: number): { kept: string; left: number } {
  let length = 0;
  let i = 0;
  for (; i < units.length && length + units[i].length <= max; i++) length += units[i].length;
  const left = units.slice(i).reduce((n, u) => n + u.length, 0);
  return { kept: units.slice(0, i).join(""), left };
}

/** At most this many characters of a quoted value (after escaping); the rest is counted, not shown. */
export const QUOTED_MAX = 120;

/**
 * A value from outside inside a sentence: escaped (newlines included), its quotes escaped as `\u{22}`, between the
 * printer's own quotes, cut at `max` characters. Nothing in it can end the quote, start a line, or move the cursor.
 */
export function quoted(text: string, max = QUOTED_MAX): string {
  const { kept, left } = clipUnits(escapedUnits(text, true), max);
  return left === 0 ? `"${kept}"` : `"${kept}"… (${left} more characters)`;
}

/** `text` escaped and cut at `max` characters: a message from outside shown in one line, unquoted. */
export function oneLine(text: string, max = 400): string {
  const { kept, left } = clipUnits(escapedUnits(text), max);
  return left === 0 ? kept : `${kept}… (${left} more characters)`;
}

/**
 * The width of a line of framed text on the terminal, label or gutter included: a longer line of the text continues
 * on the next, behind the gutter, so that the terminal's own wrapping cannot start a line with it (in a terminal at
 * least this wide). The text gets at least BLOCK_MIN_TEXT characters a line whatever the label.
 */
export const BLOCK_WIDTH = 100;
export const BLOCK_MIN_TEXT = 40;

/** How many characters of text fit on a framed line after `prefix`. */
export function blockTextWidth(prefix: string): number {
  return Math.max(BLOCK_MIN_TEXT, BLOCK_WIDTH - prefix.length);
}

/**
 * Multi-line text from outside as lines: split at line breaks (CRLF, LF, CR), each line escaped, trailing blank lines
 * dropped (a file's final newline adds none). With `width`, a line longer than that is cut into pieces of at most
 * `width` characters (the terminal's frame; files and the console wrap lines themselves).
 */
export function untrustedLines(text: string, width = Infinity): string[] {
  const raw = text.split(/\r\n|\n|\r/);
  while (raw.length > 1 && raw[raw.length - 1].trim() === "") raw.pop();
  return raw.flatMap((line) => wrap(escapedUnits(line), width));
}

/** A line's units cut into pieces of at most `width` characters (an empty line stays one empty piece). */
function wrap(units: string[], width: number): string[] {
  const pieces: string[] = [];
  let piece = "";
  for (const u of units) {
    if (piece.length > 0 && piece.length + u.length > width) {
      pieces.push(piece);
      piece = "";
    }
    piece += u;
  }
  pieces.push(piece);
  return pieces;
}

/** The gutter under a label of `prefix.length` characters: continuation lines of framed text start with it. */
export function gutterFor(prefix: string): string {
  return `${" ".repeat(Math.max(prefix.length - 2, 0))}│ `;
}

/**
 * Multi-line text from outside under a label: `prefix` before its first line, every other line (and every piece of a
 * line too long for BLOCK_WIDTH) behind a "│ " gutter aligned under it. No line of the text can pass for a line of the
 * printer's: each starts with the gutter.
 */
export function untrustedBlock(text: string, prefix: string): string[] {
  const [first, ...rest] = untrustedLines(text, blockTextWidth(prefix));
  const gutter = gutterFor(prefix);
  return [`${prefix}${first}`, ...rest.map((l) => `${gutter}${l}`.trimEnd())];
}

/**
 * JSON for a terminal or a line-based log: the same value as JSON.stringify gives (JSON.parse reads it back
 * unchanged), with DEL, C1, the line separators and the bidi controls written \uXXXX as well (JSON.stringify escapes
 * only C0).
 */
export function safeJson(value: unknown, space?: number): string {
  return JSON.stringify(value, null, space).replace(
    JSON_UNSAFE,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/**
 * A URL as it may be printed: its scheme and host only. An RPC provider's URL often holds an API key in its path or
 * query, and a webhook's path is its bearer token (Slack, Discord, Teams): neither is ever shown.
 */
export function urlOrigin(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}`;
  } catch {
    return "(a URL that does not parse, not shown)";
  }
}

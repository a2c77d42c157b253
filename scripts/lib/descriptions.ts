// Proposal descriptions as the command line, the audit and the console show them. A description is on chain, in
// `ProposalCreated`, and the proposal id commits to its keccak256 (./council descriptionHash), so any copy proves
// itself. The text comes from whoever proposed, so it is shown with its control and bidirectional-override characters
// made visible, and its lines behind a gutter: a description must not be able to move the terminal's cursor, reorder
// the words around it, or pass for the decoded calls printed next to it.
// Pure (no file system): the browser console imports it.

// C0 and C1 controls but tab and line feed, DEL, and the bidirectional marks, embeddings, overrides and isolates.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** `text` with every unsafe character written as \u{…}, so it prints as it is and moves nothing. */
export function safeText(text: string): string {
  return text.replace(UNSAFE, (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`);
}

/** The description's lines, made safe, without trailing blank lines (a file's final newline adds none). */
export function descriptionLines(text: string): string[] {
  const lines = text.replace(/\r\n/g, "\n").split("\n").map(safeText);
  while (lines.length > 1 && lines[lines.length - 1].trim() === "") lines.pop();
  return lines;
}

/**
 * The description under a label: `prefix` before its first line, the others aligned under it behind a "│ " gutter.
 * The text is the proposer's words, printed next to the decoded calls: the gutter keeps a line of it from passing for
 * one of those (a description cannot forge "call 0: … tightens" or a tier line).
 */
export function descriptionBlock(text: string, prefix: string): string[] {
  const [first, ...rest] = descriptionLines(text);
  const gutter = `${" ".repeat(Math.max(prefix.length - 2, 0))}│ `;
  return [`${prefix}${first}`, ...rest.map((l) => `${gutter}${l}`.trimEnd())];
}

/** The description's first non-blank line, made safe and cut at `max` characters: its title in a table. */
export function descriptionTitle(text: string, max = 60): string {
  const first =
    descriptionLines(text)
      .find((l) => l.trim() !== "")
      ?.trim() ?? "";
  const chars = [...first];
  return chars.length > max ? `${chars.slice(0, max - 1).join("")}…` : first;
}

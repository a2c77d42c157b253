// Proposal descriptions as the command line, the audit and the console show them. A description is on chain, in
// `ProposalCreated`, and the proposal id commits to its keccak256 (./council descriptionHash), so any copy proves
// itself. The text comes from whoever proposed, so it is shown with its control and bidirectional-override characters
// made visible, and its lines behind a gutter: a description must not be able to move the terminal's cursor, reorder
// the words around it, or pass for the decoded calls printed next to it. The rule is ./untrusted's, the one for all
// text from outside; this module names it for descriptions.
// Pure (no file system): the browser console imports it.

import { escapeUnsafe, untrustedBlock, untrustedLines } from "./untrusted";

/** `text` with every unsafe character written as \u{…} (./untrusted), so it prints as it is and moves nothing. */
export function safeText(text: string): string {
  return escapeUnsafe(text);
}

/** The description's lines, made safe (./untrusted), without trailing blank lines (a file's final newline adds none). */
export function descriptionLines(text: string): string[] {
  return untrustedLines(text);
}

/**
 * The description under a label: `prefix` before its first line, the others aligned under it behind a "│ " gutter.
 * The text is the proposer's words, printed next to the decoded calls: the gutter keeps a line of it from passing for
 * one of those (a description cannot forge "call 0: … tightens" or a tier line).
 */
export function descriptionBlock(text: string, prefix: string): string[] {
  return untrustedBlock(text, prefix);
}

/** The description's first non-blank line, made safe and cut at `max` characters: its title in a table. */
export function descriptionTitle(text: string, max = 60): string {
  const first =
    text
      .split(/\r\n|\n|\r/)
      .find((l) => l.trim() !== "")
      ?.trim() ?? "";
  const chars = [...safeText(first)];
  return chars.length > max ? `${chars.slice(0, max - 1).join("")}…` : chars.join("");
}

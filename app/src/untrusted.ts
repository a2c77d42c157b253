// Text from outside the console — the chain (revert reasons, descriptions), a file (a signatures file, an audit
// JSON), the RPC endpoint or the wallet — rendered safely, by the command line's own rule (scripts/lib/untrusted):
// control, DEL, C1 and bidirectional characters written `\u{…}`, inline values quoted, multi-line text framed line by
// line. React escapes HTML; this escapes what HTML does not (a right-to-left override reorders the words around it,
// a line separator starts a line). Written without JSX so that the tests load it as they are (test/fuzz).
import { createElement, type ReactElement } from "react";

import { QUOTED_MAX, escapeUnsafe, quoted, untrustedLines } from "../../scripts/lib/untrusted";

export interface UntrustedProps {
  /** The text from outside. */
  text: string;
  /** Quote it (a value inside a sentence, the default) or show it escaped only (a message on its own). */
  quote?: boolean;
  /** At most this many characters (after escaping) when quoted. */
  max?: number;
  testId?: string;
}

/** A value from outside inside a sentence: escaped, and quoted unless `quote` is false. */
export function Untrusted({ text, quote = true, max = QUOTED_MAX, testId }: UntrustedProps): ReactElement {
  return createElement(
    "span",
    { className: "untrusted", "data-testid": testId, "data-untrusted": "" },
    quote ? quoted(text, max) : escapeUnsafe(text),
  );
}

export interface UntrustedBlockProps {
  text: string;
  /** What an empty text shows. */
  empty?: string;
  testId?: string;
}

/**
 * Multi-line text from outside (a description): each line escaped and cut to the block width, one element per line,
 * behind the block's gutter (a left border: styles.css `.untrusted-block`).
 */
export function UntrustedBlock({ text, empty = "(none)", testId }: UntrustedBlockProps): ReactElement {
  const lines = text === "" ? [] : untrustedLines(text);
  return createElement(
    "span",
    { className: "untrusted-block", "data-testid": testId, "data-untrusted": "" },
    lines.length === 0
      ? empty
      : lines.map((line, i) => createElement("span", { key: i, className: "untrusted-line" }, line)),
  );
}

/** An error's message for an alert: the first line of what a node, a wallet or a file said, escaped. */
export function errorText(error: unknown): string {
  return escapeUnsafe(String((error as Error)?.message ?? error).split("\n")[0]);
}

// Import and export of the command line's signatures file (hedge-council-approvals/2), by paste or by file. Every
// import is checked by the same code as `hedge:submit` (scripts/lib/approvals-format.ts) and merged with what is
// already kept for its proposal: merging never loses a signature.
import { useState } from "react";

import { parseApprovals } from "../../../scripts/lib/approvals-format";
import { shortId } from "../../../scripts/lib/format";
import { explain } from "../chain";
import { keepFile } from "../store";
import { Section, useApp } from "../ui";
import { FileExport } from "./Proposal";
import { useKeptFiles } from "./Proposals";

export function SignaturesPage() {
  const { system } = useApp();
  const files = useKeptFiles();
  const [text, setText] = useState("");
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  async function importText(content: string, name: string) {
    setMessage(null);
    try {
      let raw: unknown;
      try {
        raw = JSON.parse(content);
      } catch (e) {
        throw new Error(`signatures file ${name} is not valid JSON (${(e as Error).message})`);
      }
      const expect = { chainId: system.chainId, council: system.deployment.contracts.council.address };
      const file = await parseApprovals(raw, name, expect, system.provider);
      const before = files[file.proposalId]?.signatures.length ?? 0;
      const merged = keepFile(file);
      setText("");
      setMessage({
        ok: true,
        text: `Imported ${name}: proposal ${shortId(file.proposalId)} now has ${merged.signatures.length} signature(s) (${merged.signatures.length - before} new).`,
      });
    } catch (e) {
      setMessage({ ok: false, text: explain(e) });
    }
  }

  return (
    <>
      <h2 className="page-title">Signatures</h2>
      <Section title="Import">
        <label>
          Paste a signatures file
          <textarea value={text} onChange={(e) => setText(e.target.value)} rows={8} data-testid="import-text" />
        </label>
        <button disabled={!text.trim()} onClick={() => importText(text, "(pasted)")}>
          Import pasted file
        </button>{" "}
        <label>
          Or choose a file{" "}
          <input
            type="file"
            accept="application/json,.json"
            onChange={async (e) => {
              const f = e.target.files?.[0];
              if (f) await importText(await f.text(), f.name);
              e.target.value = "";
            }}
          />
        </label>
        <div role="status" aria-live="polite" data-testid="import-message" className={message?.ok ? "ok" : "bad"}>
          {message?.text}
        </div>
      </Section>
      <Section title="Kept here">
        {Object.keys(files).length === 0 && <p>No signatures files yet.</p>}
        {Object.values(files).map((f) => (
          <div key={f.proposalId}>
            <h3>
              <a href={`#/proposal/${f.proposalId}`}>Proposal {shortId(f.proposalId)}</a>
            </h3>
            <FileExport file={f} />
          </div>
        ))}
      </Section>
    </>
  );
}

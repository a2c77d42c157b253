// Signatures files the console works on, kept in the browser (localStorage) per chain and council. Every change goes
// through `mergeApprovals` of scripts/lib/approvals-format.ts, so a signature once collected is never lost.
import { mergeApprovals, type ApprovalsFile } from "../../scripts/lib/approvals-format";

const key = (chainId: number, council: string) => `hedge-console-files:${chainId}:${council.toLowerCase()}`;

export function loadFiles(chainId: number, council: string): Record<string, ApprovalsFile> {
  try {
    return JSON.parse(localStorage.getItem(key(chainId, council)) ?? "{}") as Record<string, ApprovalsFile>;
  } catch {
    return {};
  }
}

/** Adds a checked file, merged with the one already kept for its proposal; returns the merged file. */
export function keepFile(file: ApprovalsFile): ApprovalsFile {
  const files = loadFiles(file.chainId, file.council);
  const id = file.proposalId.toLowerCase();
  const merged = files[id] ? mergeApprovals(files[id], file) : file;
  files[id] = merged;
  localStorage.setItem(key(file.chainId, file.council), JSON.stringify(files));
  window.dispatchEvent(new Event("hedge-files"));
  return merged;
}

// The council's shared queue in the console: the proposals folder that `npm run app` serves read-only
// (app/proposals.ts: /proposals/index.json and /proposals/<id>.json), read again on every block, so that a proposal
// started with `hedge:propose --offchain`, or signed by another seat and pushed to the folder, shows up on the
// Proposals page without a paste. Nothing served is trusted: each file is checked by the command line's own code
// (scripts/lib/approvals-format.ts `parseApprovals`: the id recomputed from its calls and description, each signature
// recovered and its signer the seat's current holder, with the node) against the name it was served under; a file
// that fails is listed as damaged, with why. A file for another chain or council is left out (a folder several
// deployments share).
//
// The server writes nothing: a co-signature made here is kept in this browser and offered as the updated file, a
// download named <id>.json to put back into the folder (`SharedFolderNote`). A static build has no folder (its
// hedge-config.json does not announce one, so nothing is requested): the console says so in a quiet line, never as an
// error.
import { useEffect, useMemo, useRef, useState } from "react";

import {
  PROPOSAL_FILE_NAME,
  approvalsText,
  isForAnotherDeployment,
  parseApprovals,
  type ApprovalsFile,
} from "../../scripts/lib/approvals-format";
import { CliError } from "../../scripts/lib/output";
import { escapeUnsafe } from "../../scripts/lib/untrusted";
import type { System } from "./chain";
import { useApp } from "./ui";

/** Where the folder is served, relative to the page (as ./hedge-config.json is). */
const FOLDER = "./proposals/";

export interface DamagedFile {
  id: string;
  name: string;
  /** Why, in one line, escaped. */
  reason: string;
}

/** What the served folder holds for this council; `served` false for a static build (nothing at ./proposals/). */
export interface SharedFolder {
  served: boolean;
  /** Checked files, by proposal id. */
  files: Record<string, ApprovalsFile>;
  damaged: DamagedFile[];
  /** Files for another chain or council, left out. */
  elsewhere: number;
}

const NOT_SERVED: SharedFolder = { served: false, files: {}, damaged: [], elsewhere: 0 };

/** The folder's listing, or null when no folder is served here (a 404, or a host that answers with a page). */
async function listing(): Promise<string[] | null> {
  try {
    const response = await fetch(`${FOLDER}index.json`, { cache: "no-store" });
    if (!response.ok || !/json/.test(response.headers.get("content-type") ?? "")) return null;
    const body = (await response.json()) as { files?: unknown };
    return Array.isArray(body.files) ? body.files.filter((f): f is string => typeof f === "string") : null;
  } catch {
    return null;
  }
}

/** Reads and checks every file the folder lists (see the top of this file). */
export async function loadSharedFolder(system: System): Promise<SharedFolder> {
  // A static build's configuration does not announce a folder: nothing is requested (a 404 would be a console error).
  if (!system.settings.sharedFolder) return NOT_SERVED;
  const names = await listing();
  if (names === null) return NOT_SERVED;
  const expect = { chainId: system.chainId, council: system.deployment.contracts.council.address };
  const folder: SharedFolder = { served: true, files: {}, damaged: [], elsewhere: 0 };
  // Only names that are ids: nothing else is ever requested, whatever the listing says.
  for (const name of names.filter((n) => PROPOSAL_FILE_NAME.test(n))) {
    const id = name.slice(0, -".json".length);
    const shown = `proposals/${name}`;
    let raw: unknown;
    try {
      const response = await fetch(`${FOLDER}${name}`, { cache: "no-store" });
      if (!response.ok) continue; // removed since the listing
      raw = JSON.parse(await response.text());
    } catch (e) {
      folder.damaged.push({ id, name: shown, reason: `${shown} is not valid JSON (${escapeUnsafe(String(e))})` });
      continue;
    }
    if (isForAnotherDeployment(raw, expect)) {
      folder.elsewhere++;
      continue;
    }
    try {
      // The name is the id the file must be for: a file copied under another proposal's name is damaged.
      folder.files[id] = await parseApprovals(raw, shown, { ...expect, proposalId: id }, system.provider);
    } catch (e) {
      // A file's fault is a CliError in words; anything else (the node went away) is not the file's.
      if (!(e instanceof CliError)) throw e;
      folder.damaged.push({ id, name: shown, reason: escapeUnsafe(e.message) });
    }
  }
  return folder;
}

/** The last read, shared by the hooks of one block: the list and a page read the folder once per block, not twice. */
let last: { key: string; read: Promise<SharedFolder> } | null = null;

/**
 * The served folder, read again on every block (and after every action); undefined until first read. Its value keeps
 * its identity while the folder's content is the same, so that pages depending on it do not re-read for nothing.
 */
export function useSharedFolder(): SharedFolder | undefined {
  const { system, tick } = useApp();
  const [folder, setFolder] = useState<SharedFolder>();
  const text = useRef("");
  useEffect(() => {
    let live = true;
    const key = `${system.chainId}:${system.deployment.contracts.council.address}:${tick}`;
    if (last?.key !== key) last = { key, read: loadSharedFolder(system) };
    last.read.then(
      (read) => {
        const json = JSON.stringify(read);
        if (!live || json === text.current) return;
        text.current = json;
        setFolder(read);
      },
      // The node failed while checking: the next block tries again; the page shows what it had.
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [system, tick]);
  return folder;
}

/** Whether `file` holds a signature that `served` does not (by seat, deadline and signature). */
function newSignatures(file: ApprovalsFile, served: ApprovalsFile | undefined): number {
  const known = new Set((served?.signatures ?? []).map((s) => `${s.seatId}:${s.validUntil}:${s.signature}`));
  return file.signatures.filter((s) => !known.has(`${s.seatId}:${s.validUntil}:${s.signature}`)).length;
}

/**
 * On a proposal's page, when the folder is served: whether this browser holds signatures that the folder's file does
 * not (a co-signature made here), and then the updated file as a download to put back into proposals/.
 */
export function SharedFolderNote({ file }: { file: ApprovalsFile }) {
  const folder = useSharedFolder();
  const text = approvalsText(file);
  const href = useMemo(() => URL.createObjectURL(new Blob([text], { type: "application/json" })), [text]);
  useEffect(() => () => URL.revokeObjectURL(href), [href]);
  if (!folder?.served) return null;
  const id = file.proposalId.toLowerCase();
  const name = `${id}.json`;
  const shown = `proposals/${id.slice(0, 10)}….json`;
  const fresh = newSignatures(file, folder.files[id]);
  return (
    <p data-testid="shared-folder-note" className="banner">
      {fresh === 0 ? (
        <>{shown}, in the shared folder, holds every signature this browser has of this proposal.</>
      ) : (
        <>
          This browser holds {fresh} signature{fresh === 1 ? "" : "s"}{" "}
          {folder.files[id] ? `that ${shown} does not` : "of a proposal the shared folder has no file of"}, and the
          server here only reads the folder:{" "}
          <a href={href} download={name}>
            download {id.slice(0, 10)}….json
          </a>{" "}
          and put it back into proposals/ as {name} (commit and push it, or save it to the shared drive) so that every
          seat sees it.
        </>
      )}
    </p>
  );
}

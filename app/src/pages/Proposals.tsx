// The queue: every proposal on chain, every signatures file of the proposals folder that `npm run app` serves (the
// council's shared queue, ../shared-folder: each file checked, a damaged one listed as such) and every one kept in this
// browser, with state, tier, approvals (x of y), vetoes, the countdown to the eta and the expiry, an "outdated"
// badge on those that can no longer run as they stand, the change in one line (the proposal view's own judgement,
// scripts/lib/view.ts `proposalSummaries`, the command line's words) and the description's first line (from
// ProposalCreated, or the file before it is on chain), made safe; "awaiting my signature" keeps those the connected
// seat can sign. A static build has no folder: a quiet line says so.
import { useEffect, useMemo, useState } from "react";
import { getAddress } from "ethers";

import { mergeApprovals, type ApprovalsFile } from "../../../scripts/lib/approvals-format";
import { ProposalState, STATE_NAMES, TIER_NAMES, Tier } from "../../../scripts/lib/council";
import { descriptionTitle } from "../../../scripts/lib/descriptions";
import { fmtRelative, shortId } from "../../../scripts/lib/format";
import { createdProposals, type System } from "../chain";
import { loadProposal, type LoadedProposal } from "../proposal-load";
import { isRefused, type RefusedProposal } from "../proposal-model";
import { useSharedFolder, type SharedFolder } from "../shared-folder";
import { loadFiles } from "../store";
import { escapeUnsafe } from "../../../scripts/lib/untrusted";
import type { ProposalSummary } from "../../../scripts/lib/view";
import { Table, useApp, useLoad } from "../ui";

/** The signatures files kept in this browser (localStorage), by proposal id. */
export function useKeptFiles() {
  const { system } = useApp();
  const council = system.deployment.contracts.council.address;
  const [files, setFiles] = useState(() => loadFiles(system.chainId, council));
  useEffect(() => {
    const on = () => setFiles(loadFiles(system.chainId, council));
    window.addEventListener("hedge-files", on);
    return () => window.removeEventListener("hedge-files", on);
  }, [system, council]);
  return files;
}

/**
 * Every signatures file the console knows, by proposal id: those of the served proposals folder merged with those
 * kept here (`mergeApprovals`: no signature of either is lost; the folder's first, in its order, since `submit`
 * records the first seat's holder as the proposer).
 */
export function useFiles(): Record<string, ApprovalsFile> {
  const kept = useKeptFiles();
  const folder = useSharedFolder();
  return useMemo(() => {
    const all: Record<string, ApprovalsFile> = { ...(folder?.files ?? {}) };
    for (const [id, file] of Object.entries(kept)) {
      try {
        all[id] = all[id] ? mergeApprovals(all[id], file) : file;
      } catch {
        all[id] ??= file; // a kept file that is not this proposal's: the id check of loadProposal refuses it
      }
    }
    return all;
  }, [kept, folder]);
}

/** Summaries of proposals that are over: they never change, so each is judged (one replay) once per page load. */
const settled = new Map<string, ProposalSummary>();

/** Whether a proposal can still run: only then do its eta and expiry matter. */
export function open(p: LoadedProposal): boolean {
  return p.state === ProposalState.Pending || p.state === ProposalState.Queued;
}

/** Whether `account` holds a seat and could still add its approval to `p`. */
export function awaits(p: LoadedProposal, account: string | null): boolean {
  if (!account) return false;
  const me = p.holders.find((h) => h.address === getAddress(account));
  if (!me || me.approved || me.signed || me.revoked || p.staleness.outdated) return false;
  return p.state === ProposalState.Pending || (p.state === ProposalState.Unknown && !p.onChain);
}

/** Each shown proposal's change in one line, by the proposal view's judgement (what it shows and signs). */
async function summariesOf(system: System, shown: LoadedProposal[]): Promise<Map<string, ProposalSummary>> {
  const { proposalSummaries } = await import("../../../scripts/lib/view");
  const rpc = {
    request: ({ method, params }: { method: string; params?: unknown[] }) => system.provider.send(method, params ?? []),
  };
  const inputs = shown
    .filter((p) => p.description !== null && !settled.has(p.id))
    .map((p) => ({ id: p.id, ...p.calls, description: p.description! }));
  const fresh = await proposalSummaries({ rpc, deployment: system.deployment }, inputs);
  for (const [id, s] of fresh)
    if ("summary" in s && !["Draft", "Pending", "Queued"].includes(s.status)) settled.set(id, s);
  return new Map([...settled, ...fresh]);
}

/**
 * When it expires: an open proposal's deadline on chain; for one off chain, when the first of the signatures that
 * count expires (its count drops then), as hedge:status shows it.
 */
function expiresText(p: LoadedProposal, now: number): string {
  if (p.onChain) return p.deadline && open(p) ? fmtRelative(p.deadline, now) : "-";
  const counting = p.holders.filter((h) => h.signed && !h.revoked);
  const deadlines = (p.file?.signatures ?? [])
    .filter((s) => counting.some((h) => h.address === getAddress(s.signer) && h.seatId === Number(s.seatId)))
    .map((s) => Number(s.validUntil));
  return deadlines.length ? `${fmtRelative(Math.min(...deadlines), now)} (first signature)` : "-";
}

/** A summary in words; why there is none otherwise. */
function summaryText(s: ProposalSummary | undefined): string {
  if (!s) return "-";
  if ("summary" in s) return s.summary;
  if ("refused" in s) return `refused: ${escapeUnsafe(s.refused)}`;
  return `not judged: ${escapeUnsafe(s.unavailable)}`;
}

/** What the page says of the served folder: where the off-chain proposals come from, or that there is none here. */
function FolderLine({ folder }: { folder: SharedFolder | undefined }) {
  if (!folder) return null;
  const elsewhere = folder.elsewhere
    ? ` ${folder.elsewhere} file${folder.elsewhere === 1 ? "" : "s"} for another chain or council left out.`
    : "";
  return (
    <p data-testid="shared-folder">
      {folder.served
        ? `Off-chain proposals include the shared folder proposals/ that npm run app serves (${Object.keys(folder.files).length} checked, ${folder.damaged.length} damaged), read again on every block; the server only reads it: a co-signature made here comes back as a file to put back into proposals/.${elsewhere}`
        : "No shared proposals/ folder is served here (a static build): off-chain proposals are those kept in this browser; import signatures files on the Signatures page."}
    </p>
  );
}

export function ProposalsPage() {
  const { system, account, now } = useApp();
  const files = useFiles();
  const folder = useSharedFolder();
  const [mine, setMine] = useState(false);
  const { data, error } = useLoad(async () => {
    const created = await createdProposals(system);
    const ids = [...new Set([...created.map((p) => p.id.toLowerCase()), ...Object.keys(files)])];
    const views = await Promise.all(ids.map((id) => loadProposal(system, id, files[id] ?? null, now, created)));
    const shown = views.filter((v): v is LoadedProposal | RefusedProposal => v !== null).reverse();
    const summaries = await summariesOf(
      system,
      shown.filter((p): p is LoadedProposal => !isRefused(p)),
    );
    return { shown, summaries };
  }, [files]);
  if (error) return <p role="alert">Cannot read the proposals: {error}</p>;
  const rows = (data?.shown ?? []).filter((p) => !mine || (!isRefused(p) && awaits(p, account)));
  // A damaged file of the folder is a row of its own, unless its id is known otherwise (on chain, or kept here).
  const damaged = (folder?.damaged ?? []).filter((d) => !data?.shown.some((p) => p.id === d.id));
  return (
    <>
      <h2 className="page-title">Proposals</h2>
      <label>
        <input type="checkbox" checked={mine} onChange={(e) => setMine(e.target.checked)} disabled={!account} />{" "}
        Awaiting my signature{account ? "" : " (connect a wallet)"}
      </label>
      <FolderLine folder={folder} />
      {!data ? (
        <p aria-busy="true">Loading the proposals…</p>
      ) : rows.length === 0 && (mine || damaged.length === 0) ? (
        <p>No proposals{mine ? " await your signature" : ""}.</p>
      ) : (
        <Table label="Proposals, newest first" data-testid="proposals">
          <caption>Proposals, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Proposal</th>
              <th scope="col">State</th>
              <th scope="col">Tier</th>
              <th scope="col">Approvals</th>
              <th scope="col">Vetoes</th>
              <th scope="col">Eta</th>
              <th scope="col">Expires</th>
              <th scope="col">Change</th>
              <th scope="col">Description</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((p) =>
              isRefused(p) ? (
                <tr key={p.id} className="refused">
                  <td>
                    <a href={`#/proposal/${p.id}`}>{shortId(p.id)}</a>
                  </td>
                  <td colSpan={8} data-testid="refused-row" className="prose">
                    Refused: its calls and description do not hash to its id (open it for the details)
                  </td>
                </tr>
              ) : (
                <tr key={p.id}>
                  <td>
                    <a href={`#/proposal/${p.id}`}>{shortId(p.id)}</a>
                    {awaits(p, account) && <span className="badge"> awaits you</span>}
                    {p.staleness.outdated && <span className="badge"> outdated</span>}
                  </td>
                  <td>
                    {p.onChain
                      ? STATE_NAMES[p.state]
                      : folder?.files[p.id]
                        ? "off-chain (proposals/)"
                        : "off-chain (kept here)"}
                  </td>
                  <td>{TIER_NAMES[p.tier]}</td>
                  <td>
                    {p.onChain ? p.approvals : p.holders.filter((h) => h.signed && !h.revoked).length} of {p.threshold}
                  </td>
                  <td>{p.tier === Tier.Critical ? `${p.vetoes} of ${p.vetoThreshold}` : "-"}</td>
                  <td>{p.eta && open(p) ? fmtRelative(p.eta, now) : "-"}</td>
                  <td>{expiresText(p, now)}</td>
                  <td data-testid="summary" className="prose">
                    {summaryText(data?.summaries.get(p.id))}
                  </td>
                  <td data-testid="title" className="prose">
                    {p.description === null || p.description === "" ? "-" : descriptionTitle(p.description)}
                  </td>
                </tr>
              ),
            )}
            {!mine &&
              damaged.map((d) => (
                <tr key={d.id} className="refused">
                  <td>{shortId(d.id)}</td>
                  <td colSpan={8} data-testid="damaged-row">
                    Damaged file {d.name}: {d.reason}
                  </td>
                </tr>
              ))}
          </tbody>
        </Table>
      )}
    </>
  );
}

// The queue: every proposal on chain and every signatures file kept here, with state, tier, approvals (x of y),
// vetoes, the countdown to the eta and the expiry, an "outdated" badge on those that can no longer run as they
// stand, and the description's first line (from ProposalCreated, or the kept file before it is on chain), made
// safe; "awaiting my signature" keeps those the connected seat can sign.
import { useEffect, useState } from "react";
import { getAddress } from "ethers";

import { ProposalState, STATE_NAMES, TIER_NAMES, Tier } from "../../../scripts/lib/council";
import { descriptionTitle } from "../../../scripts/lib/descriptions";
import { fmtRelative, shortId } from "../../../scripts/lib/format";
import { createdProposals } from "../chain";
import { loadProposal, type LoadedProposal } from "../proposal-load";
import { isRefused, type RefusedProposal } from "../proposal-model";
import { loadFiles } from "../store";
import { Table, useApp, useLoad } from "../ui";

export function useFiles() {
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

export function ProposalsPage() {
  const { system, account, now } = useApp();
  const files = useFiles();
  const [mine, setMine] = useState(false);
  const { data, error } = useLoad(async () => {
    const created = await createdProposals(system);
    const ids = [...new Set([...created.map((p) => p.id.toLowerCase()), ...Object.keys(files)])];
    const views = await Promise.all(ids.map((id) => loadProposal(system, id, files[id] ?? null, now, created)));
    return views.filter((v): v is LoadedProposal | RefusedProposal => v !== null).reverse();
  }, [files]);
  if (error) return <p role="alert">Cannot read the proposals: {error}</p>;
  const rows = (data ?? []).filter((p) => !mine || (!isRefused(p) && awaits(p, account)));
  return (
    <>
      <h2 className="page-title">Proposals</h2>
      <label>
        <input type="checkbox" checked={mine} onChange={(e) => setMine(e.target.checked)} disabled={!account} />{" "}
        Awaiting my signature{account ? "" : " (connect a wallet)"}
      </label>
      {!data ? (
        <p aria-busy="true">Loading the proposals…</p>
      ) : rows.length === 0 ? (
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
                  <td colSpan={7} data-testid="refused-row" className="prose">
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
                  <td>{p.onChain ? STATE_NAMES[p.state] : "off-chain (signatures file)"}</td>
                  <td>{TIER_NAMES[p.tier]}</td>
                  <td>
                    {p.onChain ? p.approvals : p.holders.filter((h) => h.signed && !h.revoked).length} of {p.threshold}
                  </td>
                  <td>{p.tier === Tier.Critical ? `${p.vetoes} of ${p.vetoThreshold}` : "-"}</td>
                  <td>{p.eta && open(p) ? fmtRelative(p.eta, now) : "-"}</td>
                  <td>{p.deadline && open(p) ? fmtRelative(p.deadline, now) : "-"}</td>
                  <td className="prose">
                    {p.description === null || p.description === "" ? "-" : descriptionTitle(p.description)}
                  </td>
                </tr>
              ),
            )}
          </tbody>
        </Table>
      )}
    </>
  );
}

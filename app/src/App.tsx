// The council console: settings and chain, the wallet bar, and the pages chosen by the address's hash
// (#/hedge, #/proposals, #/proposal/<id>, #/new, #/signatures, #/audit, #/settings). The header always shows the
// RPC endpoint the console reads through, and whether it is the served one or this browser's Settings; a link's
// query parameters (a `?rpc=`) are ignored, and a notice says so.
import { Suspense, lazy, useCallback, useEffect, useMemo, useState } from "react";

import { loadSettings, openSystem, type LoadedSettings, type System } from "./chain";
import { HedgePage } from "./pages/Hedge";
import { NewProposalPage } from "./pages/NewProposal";
import { ProposalPage } from "./pages/Proposal";
import { ProposalsPage } from "./pages/Proposals";
import { SettingsPage } from "./pages/Settings";
import { SignaturesPage } from "./pages/Signatures";
import { Ctx, short, type AppContext } from "./ui";
import { escapeUnsafe } from "../../scripts/lib/untrusted";
import { Untrusted, errorText } from "./untrusted";
import { connect, switchChain, useWallets, type Connection } from "./wallet";

// The audit library is the larger part of the code: loaded when its page is first opened.
const AuditPage = lazy(() => import("./pages/Audit").then((m) => ({ default: m.AuditPage })));

const PAGES = [
  ["hedge", "Hedge"],
  ["proposals", "Proposals"],
  ["new", "New proposal"],
  ["signatures", "Signatures"],
  ["audit", "Audit"],
  ["settings", "Settings"],
] as const;

function useRoute(): string[] {
  const read = () => (location.hash.replace(/^#\/?/, "") || "hedge").split("/");
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const on = () => setRoute(read());
    window.addEventListener("hashchange", on);
    return () => window.removeEventListener("hashchange", on);
  }, []);
  return route;
}

/** The RPC endpoint in use, on every page, and where it comes from. */
function Endpoint({ settings, chainId }: { settings: LoadedSettings; chainId: number | null }) {
  return (
    <p className="endpoint" data-testid="rpc-endpoint">
      Reading {chainId === null ? "" : `chain ${chainId} `}through{" "}
      <code data-testid="rpc-url">{escapeUnsafe(settings.rpcUrl)}</code>{" "}
      <span data-testid="rpc-source">
        {settings.saved.rpcUrl
          ? `(set in Settings in this browser; served: ${escapeUnsafe(settings.served.rpcUrl) || "none"})`
          : "(served configuration)"}
        {settings.saved.deployment ? "; deployment set in Settings in this browser" : ""}
      </span>
    </p>
  );
}

export function App() {
  const route = useRoute();
  const [settings, setSettings] = useState<LoadedSettings | null>(null);
  const [system, setSystem] = useState<System | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  const [block, setBlock] = useState({ number: 0, timestamp: 0, seenAt: 0 });
  // Countdowns run on between blocks: the last block's time plus the wall-clock time since it was seen.
  const [clock, setClock] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setClock(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);

  useEffect(() => {
    loadSettings().then(setSettings, (e: Error) => setFailure(errorText(e)));
  }, []);
  useEffect(() => {
    if (!settings) return;
    setSystem(null);
    openSystem(settings).then(
      (s) => {
        setSystem(s);
        setFailure(null);
      },
      (e: Error) => setFailure(errorText(e)),
    );
  }, [settings]);

  // A new block is what changes state: poll the block number, re-read on change.
  useEffect(() => {
    if (!system) return;
    let live = true;
    let last = -1;
    const poll = async () => {
      try {
        const b = await system.provider.getBlock("latest");
        if (live && b && b.number !== last) {
          last = b.number;
          setBlock({ number: b.number, timestamp: b.timestamp, seenAt: Date.now() });
          setTick((t) => t + 1);
        }
      } catch {
        // the node may be restarting; try again
      }
    };
    void poll();
    const timer = setInterval(poll, 1000);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [system]);

  const wallets = useWallets();
  const [walletIndex, setWalletIndex] = useState(0);
  const [connection, setConnection] = useState<Connection | null>(null);
  const [walletError, setWalletError] = useState<string | null>(null);

  useEffect(() => {
    const provider = connection?.wallet.provider;
    if (!provider?.on) return;
    const onChain = (id: unknown) => setConnection((c) => (c ? { ...c, chainId: Number(id) } : c));
    const onAccounts = (accounts: unknown) => {
      const list = accounts as string[];
      setConnection((c) => (c && list.length > 0 ? { ...c, account: list[0] } : null));
    };
    provider.on("chainChanged", onChain);
    provider.on("accountsChanged", onAccounts);
    return () => {
      provider.removeListener?.("chainChanged", onChain);
      provider.removeListener?.("accountsChanged", onAccounts);
    };
  }, [connection?.wallet]);

  const refresh = useCallback(() => setTick((t) => t + 1), []);
  const wrongChain = !!(connection && system && connection.chainId !== system.chainId);
  const ctx: AppContext | null = useMemo(
    () =>
      system && {
        system,
        tick,
        refresh,
        connection,
        wallet: connection && !wrongChain ? connection.wallet : null,
        account: connection?.account ?? null,
        now: block.timestamp
          ? block.timestamp + Math.max(0, Math.floor((clock - block.seenAt) / 1000))
          : Math.floor(clock / 1000),
        blockNumber: block.number,
      },
    [system, tick, refresh, connection, wrongChain, block, clock],
  );

  const page = route[0];
  return (
    <>
      <header>
        <h1>Hedge Council</h1>
        <nav aria-label="Pages">
          {PAGES.map(([key, label]) => (
            <a key={key} href={`#/${key}`} aria-current={page === key ? "page" : undefined}>
              {label}
            </a>
          ))}
        </nav>
        {settings && <Endpoint settings={settings} chainId={system?.chainId ?? null} />}
        <div className="wallet" role="region" aria-label="Wallet">
          {connection ? (
            <span data-testid="account">
              {short(connection.account)} · {connection.wallet.info.name}
            </span>
          ) : wallets.length > 0 ? (
            <>
              <label>
                Wallet{" "}
                <select value={walletIndex} onChange={(e) => setWalletIndex(Number(e.target.value))}>
                  {wallets.map((w, i) => (
                    <option key={w.info.uuid} value={i}>
                      {w.info.name}
                    </option>
                  ))}
                </select>
              </label>
              <button
                onClick={() =>
                  connect(wallets[walletIndex]).then(
                    (c) => {
                      setConnection(c);
                      setWalletError(null);
                    },
                    (e: Error) => setWalletError(errorText(e)),
                  )
                }
              >
                Connect
              </button>
            </>
          ) : (
            <span>Read-only: no wallet found</span>
          )}
          {walletError && <span role="alert">{walletError}</span>}
        </div>
      </header>
      {settings && settings.ignoredParameters.length > 0 && (
        <div className="banner" role="note" data-testid="ignored-parameters">
          This link carries{" "}
          {settings.ignoredParameters.map((p, i) => (
            <span key={i}>
              {i > 0 && ", "}
              <Untrusted text={`?${p}=`} max={40} />
            </span>
          ))}
          , which the console ignores: it reads only through the RPC endpoint and the deployment it was configured with
          (above; changed on the <a href="#/settings">Settings</a> page only).
        </div>
      )}
      {wrongChain && system && connection && (
        <div className="banner" role="alert">
          Your wallet is on chain {connection.chainId}, but this council is on chain {system.chainId}.{" "}
          <button
            onClick={() =>
              switchChain(connection.wallet, system.chainId).catch((e: Error) => setWalletError(errorText(e)))
            }
          >
            Switch to chain {system.chainId}
          </button>
        </div>
      )}
      <main>
        {page === "settings" && settings ? (
          <SettingsPage settings={settings} onChange={setSettings} />
        ) : failure ? (
          <p role="alert">
            Cannot read the council: {failure}. <a href="#/settings">Settings</a>
          </p>
        ) : !ctx ? (
          <p aria-busy="true">Loading…</p>
        ) : (
          <Ctx.Provider value={ctx}>
            {page === "hedge" && <HedgePage />}
            {page === "proposals" && <ProposalsPage />}
            {page === "proposal" && route[1] && <ProposalPage id={route[1].toLowerCase()} />}
            {page === "new" && <NewProposalPage />}
            {page === "signatures" && <SignaturesPage />}
            {page === "audit" && (
              <Suspense fallback={<p aria-busy="true">Loading the audit…</p>}>
                <AuditPage />
              </Suspense>
            )}
          </Ctx.Provider>
        )}
      </main>
    </>
  );
}

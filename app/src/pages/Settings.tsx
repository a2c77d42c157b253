// Where the console reads from: the RPC URL and the deployment record (deployments/<network>.json). The served
// configuration comes with the build; what is saved here overrides it in this browser, only when Save is pressed,
// and the header says so on every page. Nothing else sets them: a link's query parameters are ignored.
import { useState } from "react";

import { escapeUnsafe } from "../../../scripts/lib/untrusted";
import { saveSettings, type LoadedSettings } from "../chain";

/** What the status says once the settings are saved: where this browser now reads from, in words. */
function savedText(settings: LoadedSettings, rpcSaved: boolean, deploymentSaved: boolean): string {
  const rpc = rpcSaved
    ? `now reads through ${settings.rpcUrl}, not the served ${settings.served.rpcUrl || "(none)"}`
    : "reads through the served RPC URL";
  const deployment = deploymentSaved ? "the deployment pasted here, not the served one" : "the served deployment";
  return escapeUnsafe(`Saved: this browser ${rpc}, with ${deployment}.`);
}

export function SettingsPage({ settings, onChange }: { settings: LoadedSettings; onChange(s: LoadedSettings): void }) {
  const json = (d: LoadedSettings["deployment"]) => (d ? JSON.stringify(d, null, 2) : "");
  const [rpcUrl, setRpcUrl] = useState(settings.rpcUrl);
  const [deployment, setDeployment] = useState(json(settings.deployment));
  // Announced politely (role=status); cleared as soon as a field changes, so "Saved" never describes unsaved text.
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  return (
    <>
      <h2 className="page-title">Settings</h2>
      <p>
        These decide what the console shows you and what your wallet is asked to sign: change them only to endpoints and
        deployments you trust. Links cannot change them.
      </p>
      <p>Network: {settings.deployment?.network ?? settings.network}</p>
      <p data-testid="served-rpc">
        Served RPC URL: <code>{escapeUnsafe(settings.served.rpcUrl) || "(none)"}</code>
      </p>
      <label>
        RPC URL{" "}
        <input
          value={rpcUrl}
          onChange={(e) => {
            setRpcUrl(e.target.value);
            setMessage(null);
          }}
          size={40}
        />
      </label>
      <label>
        Deployment (deployments/&lt;network&gt;.json)
        <textarea
          value={deployment}
          onChange={(e) => {
            setDeployment(e.target.value);
            setMessage(null);
          }}
          rows={10}
        />
      </label>
      <button
        onClick={() => {
          try {
            const parsed = deployment.trim() ? JSON.parse(deployment) : null;
            const url = rpcUrl.trim();
            if (!/^https?:\/\/\S+$/.test(url)) throw new Error(`the RPC URL ${url || "(empty)"} is not an http(s) URL`);
            saveSettings({ rpcUrl: url, deployment: parsed });
            const rpcSaved = url !== settings.served.rpcUrl;
            const deploymentSaved = JSON.stringify(parsed) !== JSON.stringify(settings.served.deployment);
            const next = {
              ...settings,
              rpcUrl: url,
              deployment: parsed,
              saved: { rpcUrl: rpcSaved, deployment: deploymentSaved },
            };
            setMessage({ ok: true, text: savedText(next, rpcSaved, deploymentSaved) });
            onChange(next);
          } catch (e) {
            const text = (e as Error).message;
            setMessage({
              ok: false,
              text: escapeUnsafe(text.startsWith("the RPC URL") ? text : `the deployment is not valid JSON (${text})`),
            });
          }
        }}
      >
        Save
      </button>{" "}
      <button
        onClick={() => {
          saveSettings(null);
          const served = {
            ...settings,
            rpcUrl: settings.served.rpcUrl,
            deployment: settings.served.deployment,
            saved: { rpcUrl: false, deployment: false },
          };
          setRpcUrl(served.rpcUrl);
          setDeployment(json(served.deployment));
          setMessage({ ok: true, text: savedText(served, false, false) });
          onChange(served);
        }}
      >
        Back to the served defaults
      </button>
      <div role="status" aria-live="polite" data-testid="settings-message" className={message?.ok ? "ok" : "bad"}>
        {message?.text}
      </div>
    </>
  );
}

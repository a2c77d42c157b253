// Where the console reads from: the RPC URL and the deployment record (deployments/<network>.json). The served
// configuration comes with the build; what is saved here overrides it in this browser, only when Save is pressed,
// and the header says so on every page. Nothing else sets them: a link's query parameters are ignored.
import { useState } from "react";

import { escapeUnsafe } from "../../../scripts/lib/untrusted";
import { saveSettings, type LoadedSettings } from "../chain";

export function SettingsPage({ settings, onChange }: { settings: LoadedSettings; onChange(s: LoadedSettings): void }) {
  const [rpcUrl, setRpcUrl] = useState(settings.rpcUrl);
  const [deployment, setDeployment] = useState(settings.deployment ? JSON.stringify(settings.deployment, null, 2) : "");
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
        RPC URL <input value={rpcUrl} onChange={(e) => setRpcUrl(e.target.value)} size={40} />
      </label>
      <label>
        Deployment (deployments/&lt;network&gt;.json)
        <textarea value={deployment} onChange={(e) => setDeployment(e.target.value)} rows={10} />
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
            setMessage({
              ok: true,
              text: escapeUnsafe(
                rpcSaved
                  ? `Saved: this browser now reads through ${url}, not the served ${settings.served.rpcUrl || "(none)"}.`
                  : "Saved: this browser reads through the served RPC URL.",
              ),
            });
            onChange({
              ...settings,
              rpcUrl: url,
              deployment: parsed,
              saved: { rpcUrl: rpcSaved, deployment: deploymentSaved },
            });
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
          location.reload();
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

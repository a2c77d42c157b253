// Where the console reads from: the RPC URL and the deployment record (deployments/<network>.json). The served
// defaults come from the build; what is saved here overrides them in this browser.
import { useState } from "react";

import { saveSettings, type Settings } from "../chain";

export function SettingsPage({ settings, onChange }: { settings: Settings; onChange(s: Settings): void }) {
  const [rpcUrl, setRpcUrl] = useState(settings.rpcUrl);
  const [deployment, setDeployment] = useState(settings.deployment ? JSON.stringify(settings.deployment, null, 2) : "");
  const [error, setError] = useState<string | null>(null);
  return (
    <>
      <h2 className="page-title">Settings</h2>
      <p>Network: {settings.deployment?.network ?? settings.network}</p>
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
            const next = { ...settings, rpcUrl, deployment: deployment.trim() ? JSON.parse(deployment) : null };
            saveSettings({ rpcUrl: next.rpcUrl, deployment: next.deployment });
            setError(null);
            onChange(next);
          } catch (e) {
            setError(`the deployment is not valid JSON (${(e as Error).message})`);
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
      {error && <p role="alert">{error}</p>}
    </>
  );
}

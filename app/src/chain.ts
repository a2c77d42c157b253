// The chain as the console reads it: settings (RPC URL and deployment; never from the page's address), the contracts
// with the repository's ABIs and
// TypeChain types, the proposals from `ProposalCreated`, and reverts explained with the command line's own words.
import { Contract, Interface, JsonRpcProvider, getAddress, type ContractRunner, type InterfaceAbi } from "ethers";
import { ABIS } from "virtual:hedge-abi";

import type { CouncilSeats, HedgeCouncil, HedgePolicy, MockV3Aggregator } from "../../typechain-types";
import { checkDeploymentReceipts, createdByDeployment, mismatchText } from "../../scripts/lib/deploy-receipts";
import type { Deployment } from "../../scripts/lib/deployments";
import { ERROR_SOURCES, explainRevert, revertData } from "../../scripts/lib/errors";
import { escapeUnsafe, urlOrigin } from "../../scripts/lib/untrusted";

export interface Settings {
  network: string;
  rpcUrl: string;
  deployment: Deployment | null;
  /** Whether the server serves the proposals folder at ./proposals/ (`npm run app` does; a static build does not). */
  sharedFolder?: boolean;
}

/**
 * The settings in use, and where they came from. Only two places decide what the console trusts: the configuration
 * served with it (hedge-config.json) and the Settings page of this browser (saved explicitly, shown in the header).
 * Nothing is taken from the page's address: a link can open a page (`#/proposal/<id>`), never choose the RPC
 * endpoint or the deployment a signer reads from.
 */
export interface LoadedSettings extends Settings {
  /** The served configuration, as served. */
  served: Settings;
  /** Set on this browser's Settings page, overriding the served value. */
  saved: { rpcUrl: boolean; deployment: boolean };
  /** Query parameters the page's address carries, which the console ignores (their names, for the notice). */
  ignoredParameters: string[];
}

const STORAGE_KEY = "hedge-console-settings";

/** The served defaults (hedge-config.json), then what this browser's Settings page saved. */
export async function loadSettings(): Promise<LoadedSettings> {
  let served: Settings = { network: "localhost", rpcUrl: "http://127.0.0.1:8545", deployment: null };
  try {
    const response = await fetch("./hedge-config.json", { cache: "no-store" });
    if (response.ok) served = { ...served, ...((await response.json()) as Settings) };
  } catch {
    // no served config: the settings page tells what is missing
  }
  let saved: Partial<Settings> = {};
  try {
    saved = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? "{}") as Partial<Settings>;
  } catch {
    saved = {};
  }
  const rpcSaved = typeof saved.rpcUrl === "string" && saved.rpcUrl !== served.rpcUrl;
  const deploymentSaved =
    saved.deployment !== undefined && JSON.stringify(saved.deployment) !== JSON.stringify(served.deployment);
  return {
    network: served.network,
    sharedFolder: served.sharedFolder === true,
    rpcUrl: rpcSaved ? saved.rpcUrl! : served.rpcUrl,
    deployment: deploymentSaved ? saved.deployment! : served.deployment,
    served,
    saved: { rpcUrl: rpcSaved, deployment: deploymentSaved },
    ignoredParameters: [...new URLSearchParams(location.search).keys()],
  };
}

/** Saves the settings of this browser (only what differs from the served ones); null goes back to those. */
export function saveSettings(s: Partial<Settings> | null): void {
  if (s === null) localStorage.removeItem(STORAGE_KEY);
  else localStorage.setItem(STORAGE_KEY, JSON.stringify(s));
}

export interface System {
  settings: LoadedSettings;
  deployment: Deployment;
  chainId: number;
  provider: JsonRpcProvider;
  council: HedgeCouncil;
  policy: HedgePolicy;
  seats: CouncilSeats;
  fromBlock: number;
}

function contract<T>(name: string, address: string, runner: ContractRunner): T {
  return new Contract(address, ABIS[name], runner) as unknown as T;
}

/**
 * Why the RPC endpoint gave no chain id, in words, and what to do. The endpoint is named by its scheme and host only:
 * a provider's URL may carry an API key in its path or query. The browser's own words ("Failed to fetch") say neither
 * which URL failed nor why, and ethers' message quotes the whole request, URL included.
 */
function unreachable(url: string, error: unknown): string {
  const endpoint = `the RPC endpoint ${urlOrigin(url)}`;
  const e = (error ?? {}) as { code?: unknown; response?: { statusCode?: unknown } };
  const status = e.response?.statusCode;
  if (typeof status === "number") return `${endpoint} answered HTTP ${status}, not JSON-RPC: check its URL`;
  if (error instanceof TypeError) {
    return `${endpoint} did not answer (nothing listens there, or it refuses this page's origin: CORS); check that the node is running and that the URL is right`;
  }
  const code = typeof e.code === "string" && /^[A-Z_]{1,40}$/.test(e.code) ? ` (${e.code})` : "";
  return `${endpoint} gave no chain id${code}: check that the URL is a JSON-RPC endpoint`;
}

export async function openSystem(settings: LoadedSettings): Promise<System> {
  const deployment = settings.deployment;
  if (!deployment) throw new Error("no deployment: open Settings and paste deployments/<network>.json");
  const provider = new JsonRpcProvider(settings.rpcUrl, undefined, { staticNetwork: true, batchMaxCount: 1 });
  const chainId = await provider.getNetwork().then(
    (network) => Number(network.chainId),
    (e: unknown) => {
      throw new Error(unreachable(settings.rpcUrl, e));
    },
  );
  if (chainId !== deployment.chainId) {
    throw new Error(`the RPC endpoint is chain ${chainId}, but the deployment is for chain ${deployment.chainId}`);
  }
  const c = deployment.contracts;
  if ((await provider.getCode(c.council.address)) === "0x") {
    throw new Error(`no council at ${c.council.address} on ${urlOrigin(settings.rpcUrl)}: was the node restarted?`);
  }
  // The block numbers against the deployment transactions' receipts, as the command line checks them: a block moved
  // forward would hide the proposals created before it.
  const names = Object.keys(c) as (keyof Deployment["contracts"])[];
  const rpc = { request: (r: { method: string; params?: unknown[] }) => provider.send(r.method, r.params ?? []) };
  const { mismatches, firstBlock } = await checkDeploymentReceipts(
    rpc,
    c,
    names,
    createdByDeployment(deployment, names),
  );
  if (mismatches.length > 0) {
    throw new Error(
      `the deployment: ${mismatchText(mismatches[0], chainId)}; restore it (Settings) from where it was kept`,
    );
  }
  return {
    settings,
    deployment,
    chainId,
    provider,
    council: contract<HedgeCouncil>("HedgeCouncil", c.council.address, provider),
    policy: contract<HedgePolicy>("HedgePolicy", c.policy.address, provider),
    seats: contract<CouncilSeats>("CouncilSeats", c.seats.address, provider),
    fromBlock: firstBlock ?? 0,
  };
}

/**
 * The VIX oracle the policy reads (`policy.oracle()`, at every call: governance may move it while the console is
 * open), never the deployment's; `moved` when the deployment's is another (it predates a setOracle).
 */
export async function policyOracle(
  system: System,
): Promise<{ oracle: MockV3Aggregator; address: string; deployed: string; moved: boolean }> {
  const address = getAddress(await system.policy.oracle());
  const deployed = getAddress(system.deployment.contracts.oracle.address);
  return {
    oracle: contract<MockV3Aggregator>("MockV3Aggregator", address, system.provider),
    address,
    deployed,
    moved: address !== deployed,
  };
}

/** Every error of the system's contracts, as scripts/lib/errors.ts gathers them for the command line. */
const errorInterface = (() => {
  const fragments = new Map<string, unknown>();
  for (const name of ERROR_SOURCES) {
    if (!ABIS[name]) throw new Error(`the console's build holds no ABI of ${name} (app/vite.config.mts)`);
    for (const item of ABIS[name] as { type: string; name: string; inputs: { type: string }[] }[]) {
      if (item.type === "error") fragments.set(`${item.name}(${item.inputs.map((i) => i.type).join(",")})`, item);
    }
  }
  return new Interface([...fragments.values()] as InterfaceAbi);
})();

/** The reason for an error in words: a decoded revert, a wallet's refusal, or the message. */
export function explain(error: unknown, now = Math.floor(Date.now() / 1000)): string {
  const data = revertData(error);
  if (data) return explainRevert(errorInterface, data, now);
  const record = (error ?? {}) as { code?: unknown; shortMessage?: unknown; message?: unknown };
  if (record.code === 4001 || record.code === "ACTION_REJECTED") return "the wallet refused the request";
  // A node's or a wallet's message: its first line, escaped (the command line's rule, scripts/lib/untrusted).
  return escapeUnsafe(String(record.shortMessage ?? record.message ?? error).split("\n")[0]);
}

export {
  createdProposals,
  proposalStatus,
  staleness,
  type CreatedProposal,
  type Staleness,
} from "../../scripts/lib/proposals";

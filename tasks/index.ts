// Every command of Hedge Council, declared for Hardhat: names, descriptions and parameters. Loaded with
// hardhat.config.ts on every `npx hardhat` run, so it stays light: each action lives in scripts/commands/<name>.ts
// and is loaded only when its task runs (`lazyAction`). Nothing here may import ethers, typechain-types or contract
// code: on a fresh clone those exist only after `hardhat compile`, and each import slows down every command.
import { task, types } from "hardhat/config";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { PROPOSAL_KINDS } from "../scripts/commands/propose-kinds";

/**
 * The action of a declared task: loads `scripts/commands/<name>` when the task runs and runs its default export
 * inside the command line's task wrapper (one-line errors, exit code).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function lazyAction<A = any>(
  load: () => Promise<{ default: (args: A, hre: HardhatRuntimeEnvironment) => Promise<unknown> }>,
  options: { errorExitCode?: number } = {},
) {
  return async (args: A, hre: HardhatRuntimeEnvironment) => {
    const { cliAction } = await import("../scripts/commands/action");
    return cliAction(async (a: A, h: HardhatRuntimeEnvironment) => (await load()).default(a, h), options)(args, hre);
  };
}

/** Who may sign, in the help of every `--from` parameter (resolved by scripts/lib/shell/signers). */
const SIGNERS =
  "an account index or address of the network's accounts, env:NAME for a private key held in $NAME, or keystore:FILE for an encrypted keystore (password typed, or from $HEDGE_KEYSTORE_PASSWORD or $HEDGE_KEYSTORE_PASSWORD_FILE)";

/** The help text of `--from` where anyone may sign. */
const FROM_HELP = `Who signs: ${SIGNERS} (default: the first account)`;

/** The help text of `--from` for a seat action: required, as the first account (the deployer) holds no seat. */
const SEAT_FROM_HELP = `The seat holder who signs (required to sign): ${SIGNERS}`;

/** The help text of `--valid-for` (the default is DEFAULT_VALID_FOR_SECONDS of scripts/lib/signing.ts). */
const VALID_FOR_HELP =
  "How long the signature counts, from the chain's latest block: 30m, 12h, 7d... (1 s to 365 d; default 7d, the default proposal TTL)";

/** The help text of every `--allow-outdated` flag (what counts as outdated: `staleness` in scripts/lib/proposals). */
const ALLOW_OUTDATED_HELP =
  "Go on even though the proposal is outdated (one of its calls would revert now: the state it was built against moved on)";

task(
  "hedge:deploy",
  "Deploys seats, timelock, policy (ALVH 4/4/2), council and a mock VIX oracle; writes deployments/<network>.json",
)
  .addOptionalParam("seats", "Number of seats, given to accounts 1..N (ignored with --holders)", "5", types.string)
  .addOptionalParam(
    "holders",
    "Seat holders, comma-separated account indices or addresses (e.g. 1,2,0xabc…)",
    undefined,
    types.string,
  )
  .addOptionalParam(
    "thresholds",
    "Approvals needed as fast,standard,critical,veto (default for N seats: Standard ⌊N/2⌋+1, Critical ⌈2N/3⌉, Fast Standard-1, veto ⌈N/3⌉; 2,3,4,2 for 5 seats)",
    undefined,
    types.string,
  )
  .addOptionalParam("standardDelay", "Standard tier delay: seconds, or 2h, 1d... (default 1d)", undefined, types.string)
  .addOptionalParam("criticalDelay", "Critical tier delay (default 3d)", undefined, types.string)
  .addOptionalParam("minDelay", "The timelock's minimum delay (default: the Standard delay)", undefined, types.string)
  .addOptionalParam("proposalTtl", "How long a proposal may wait to be queued (default 7d)", undefined, types.string)
  .addOptionalParam(
    "gracePeriod",
    "How long a queued proposal may wait after its eta (default 14d)",
    undefined,
    types.string,
  )
  .addOptionalParam(
    "oracle",
    "An existing Chainlink VIX feed (AggregatorV3Interface); absent: deploy a mock",
    undefined,
    types.string,
  )
  .addFlag("mockOracle", "Deploy the mock oracle on a network that is not local (testnets)")
  .addOptionalParam("initialVix", "The mock oracle's first VIX level, in points", "15", types.string)
  .addOptionalParam("from", FROM_HELP, undefined, types.string)
  .addFlag("force", "Replace an existing deployments file whose contracts are still on the chain")
  .addFlag("quiet", "Print only the deployments file written, not the status")
  .addFlag(
    "upkeep",
    "Also deploy HedgeUpkeep, the Chainlink Automation (or any keeper's) entry point to syncLayers; on a live deployment without --force, add it to that deployment",
  )
  .addOptionalParam(
    "creForwarder",
    "With --upkeep: Chainlink's KeystoneForwarder, the only caller of onReport (CRE); with the two below, or none: CRE off",
    undefined,
    types.string,
  )
  .addOptionalParam(
    "creWorkflowId",
    "With --upkeep: the CRE workflow id onReport accepts (32 bytes)",
    undefined,
    types.string,
  )
  .addOptionalParam("creWorkflowOwner", "With --upkeep: that CRE workflow's owner", undefined, types.string)
  .addFlag(
    "deterministic",
    "Deploy through the Safe singleton factory and HedgeDeployer: the same addresses on every chain for the same configuration, whoever deploys",
  )
  .addFlag("dryRun", "With --deterministic: print the addresses and send nothing")
  .setAction(lazyAction(() => import("../scripts/commands/deploy")));

task("hedge:status", "Shows the policy, the VIX and engaged layers, the seats, the tier rules and the open proposals")
  .addFlag("all", "List every proposal, not only the open ones (Pending or Queued)")
  .addOptionalParam(
    "id",
    "Show one proposal instead: what it does (as it ran, once over) and its timeline (the id or a unique prefix, on chain or in the proposals folder)",
    undefined,
    types.string,
  )
  .setAction(lazyAction(() => import("../scripts/commands/status")));

task("hedge:propose", "Proposes a change to the council: shows the change and its tier, checks it, then sends it")
  .addPositionalParam("kind", `What to change: ${PROPOSAL_KINDS.join(" | ")}`, undefined, types.string)
  .addOptionalParam(
    "set",
    "policy/nudge: comma-separated field=value, e.g. coverageBps=3000,layers.1.triggerVix=2600 (raw units: bps, VIX hundredths, days, seconds)",
    undefined,
    types.string,
  )
  .addOptionalParam("removeLayer", "policy: remove layer N (from 0) before applying --set", undefined, types.string)
  .addOptionalParam(
    "holder",
    "seat-add/seat-remove/seat-rotate: the (old) holder, an address or account index",
    undefined,
    types.string,
  )
  .addOptionalParam("newHolder", "seat-rotate: the new holder, an address or account index", undefined, types.string)
  .addOptionalParam("tier", "tier-rule: fast | standard | critical", undefined, types.string)
  .addOptionalParam("threshold", "tier-rule/veto-threshold: approvals (or vetoes) needed", undefined, types.string)
  .addOptionalParam("delay", "tier-rule: the tier's delay, seconds or 2h, 3d... (Fast: 0)", undefined, types.string)
  .addOptionalParam("ttl", "expiry: how long a proposal may wait to be queued (1h..365d)", undefined, types.string)
  .addOptionalParam(
    "grace",
    "expiry: how long a queued proposal may wait after its eta (1h..365d)",
    undefined,
    types.string,
  )
  .addOptionalParam("address", "oracle: the new Chainlink VIX feed", undefined, types.string)
  .addOptionalParam(
    "description",
    'The proposal\'s reason in words; it goes on chain and the id commits to its keccak256 (default: the change and the time, e.g. "coverageBps 2,500 → 3,000 (proposed 2026-12-06 01:30:12 UTC)")',
    undefined,
    types.string,
  )
  .addOptionalParam(
    "descriptionFile",
    "Like --description, the text being this UTF-8 file's exact content",
    undefined,
    types.string,
  )
  .addOptionalParam("from", SEAT_FROM_HELP, undefined, types.string)
  .addFlag("dryRun", "Show the change, its tier and id, and send nothing")
  .addFlag(
    "offchain",
    "Do not send: sign it as the proposer and write a signatures file for hedge:sign and hedge:submit",
  )
  .addOptionalParam(
    "out",
    "With --offchain: the signatures file (default proposals/<id>.json)",
    undefined,
    types.string,
  )
  .addOptionalParam("validFor", `With --offchain: ${VALID_FOR_HELP}`, undefined, types.string)
  .setAction(lazyAction(() => import("../scripts/commands/propose")));

task("hedge:sign", "Approves a proposal off-chain (EIP-712) and appends the signature to its signatures file")
  .addParam(
    "id",
    "The proposal id, or a unique prefix of one on chain or in the proposals folder",
    undefined,
    types.string,
  )
  .addOptionalParam("from", SEAT_FROM_HELP, undefined, types.string)
  .addOptionalParam("out", "The signatures file (default proposals/<id>.json)", undefined, types.string)
  .addFlag("noSimulate", "Do not simulate the proposal to its end before signing (see hedge:simulate)")
  .addFlag("allowOutdated", ALLOW_OUTDATED_HELP)
  .addOptionalParam("validFor", VALID_FOR_HELP, undefined, types.string)
  .addOptionalParam(
    "export",
    "Sign nothing: write the EIP-712 typed data (eth_signTypedData_v4 JSON) for --signer's seat to this file, for a hardware or other wallet",
    undefined,
    types.string,
  )
  .addOptionalParam(
    "importSignature",
    "Add a signature made elsewhere for the --typed-data file, after checking it is the seat holder's",
    undefined,
    types.string,
  )
  .addOptionalParam(
    "typedData",
    "With --import-signature: the typed-data file (written by --export) the signature was made for; it names the seat and the deadline",
    undefined,
    types.string,
  )
  .addOptionalParam(
    "signer",
    "With --export: the seat holder who will sign (address or account index); with --import-signature, optional: checked to hold the seat",
    undefined,
    types.string,
  )
  .setAction(lazyAction(() => import("../scripts/commands/sign")));

task(
  "hedge:simulate",
  "Runs a proposal to its end (approvals, queue, eta, execute) on a fork of the network, or a reverted snapshot of the in-process network, and shows the policy diff, the layers, the gas and the audit; sends nothing. Exit 0 executes, 1 a step reverts or the audit has findings, 2 error",
)
  .addParam(
    "id",
    "The proposal id, or a unique prefix of one on chain or in the proposals folder (proposals/<id>.json)",
    undefined,
    types.string,
  )
  .addFlag("noAudit", "Do not run the audit over the simulated chain (it replays the whole history)")
  .setAction(lazyAction(() => import("../scripts/commands/simulate"), { errorExitCode: 2 }));

task("hedge:approve", "Approves a pending proposal on chain, or relays the approvals of a signatures file")
  .addOptionalParam("id", "The proposal id or a unique prefix (optional with --signatures)", undefined, types.string)
  .addOptionalParam("signatures", "Relay the approvals of this signatures file (approveBySig)", undefined, types.string)
  .addOptionalParam(
    "from",
    `The seat holder who approves (required without --signatures): ${SIGNERS}; with --signatures, who relays (default: the first account)`,
    undefined,
    types.string,
  )
  .addFlag("allowOutdated", ALLOW_OUTDATED_HELP)
  .setAction(lazyAction(() => import("../scripts/commands/approve")));

task("hedge:submit", "Creates, approves and queues a proposal in one transaction from a signatures file")
  .addParam(
    "signatures",
    "The signatures file (written by hedge:propose --offchain and hedge:sign)",
    undefined,
    types.string,
  )
  .addOptionalParam("from", FROM_HELP, undefined, types.string)
  .addFlag("allowOutdated", ALLOW_OUTDATED_HELP)
  .setAction(lazyAction(() => import("../scripts/commands/submit")));

task("hedge:queue", "Queues an approved proposal in the timelock (anyone may)")
  .addParam("id", "The proposal id or a unique prefix", undefined, types.string)
  .addOptionalParam("from", FROM_HELP, undefined, types.string)
  .addFlag("allowOutdated", ALLOW_OUTDATED_HELP)
  .setAction(lazyAction(() => import("../scripts/commands/queue")));

task("hedge:execute", "Executes a queued proposal once its eta has come (Fast tier: once approved); anyone may")
  .addParam("id", "The proposal id or a unique prefix", undefined, types.string)
  .addOptionalParam("from", FROM_HELP, undefined, types.string)
  .setAction(lazyAction(() => import("../scripts/commands/execute")));

task(
  "hedge:revoke",
  "Withdraws the caller's consent to a pending proposal, or to one not on chain yet: its signatures never count for it again",
)
  .addOptionalParam(
    "id",
    "The proposal id, or a unique prefix of one on chain or in the proposals folder; the full id of one nobody shared a file of",
    undefined,
    types.string,
  )
  .addOptionalParam(
    "signatures",
    "Instead of --id: the signatures file of the proposal (shown before revoking)",
    undefined,
    types.string,
  )
  .addOptionalParam("from", SEAT_FROM_HELP, undefined, types.string)
  .setAction(lazyAction(() => import("../scripts/commands/revoke")));

task("hedge:veto", "Casts a seat holder's veto against a pending or queued Critical proposal")
  .addParam("id", "The proposal id or a unique prefix", undefined, types.string)
  .addOptionalParam("from", SEAT_FROM_HELP, undefined, types.string)
  .setAction(lazyAction(() => import("../scripts/commands/veto")));

task("hedge:cancel", "Removes the timelock operation of a vetoed or expired proposal (anyone may)")
  .addParam("id", "The proposal id or a unique prefix", undefined, types.string)
  .addOptionalParam("from", FROM_HELP, undefined, types.string)
  .setAction(lazyAction(() => import("../scripts/commands/cancel")));

task("hedge:oracle", "Sets the mock VIX oracle's answer (local networks only)")
  .addParam("vix", "The new VIX level in points, e.g. 31.5", undefined, types.string)
  .addFlag("sync", "Then sync the policy's layers (hedge:sync)")
  .addOptionalParam("from", FROM_HELP, undefined, types.string)
  .setAction(lazyAction(() => import("../scripts/commands/oracle")));

task("hedge:sync", "Engages or disengages the policy's layers from the latest VIX (anyone may)")
  .addOptionalParam("from", FROM_HELP, undefined, types.string)
  .setAction(lazyAction(() => import("../scripts/commands/sync")));

task("hedge:time", "Advances a local chain's clock and mines a block (local networks only)")
  .addParam("advance", "How far: seconds, or with a unit (90s, 15m, 2h, 3d, 1w)", undefined, types.string)
  .setAction(lazyAction(() => import("../scripts/commands/time")));

task(
  "hedge:audit",
  "Replays the chain from the deployment, re-derives every rule and compares the live state; exit 0 clean, 1 findings, 2 error",
)
  .addOptionalParam("json", "Write the machine-readable report (docs/AUDIT.md) to this file", undefined, types.string)
  .addOptionalParam("md", "Write the report as Markdown to this file", undefined, types.string)
  .addOptionalParam("html", "Write a self-contained HTML page with the timeline to this file", undefined, types.string)
  .addOptionalParam(
    "chunkSize",
    "Blocks per eth_getLogs request (split further if the node refuses)",
    "2000",
    types.string,
  )
  .addOptionalParam("toBlock", "Audit up to this block (default: the latest)", undefined, types.string)
  .addFlag("noProgress", "No progress bar even on a terminal")
  .setAction(lazyAction(() => import("../scripts/commands/audit"), { errorExitCode: 2 }));

task(
  "hedge:watch",
  "Watches the council until stopped: notices for the seats, the audit on every new block, and with --sync a keeper for syncLayers",
)
  .addOptionalParam(
    "seat",
    "Only this seat holder's notices: proposals awaiting its signature, and queued Critical ones it may veto",
    undefined,
    types.string,
  )
  .addFlag("sync", "Keep the layers in sync: send syncLayers from the keeper account when a sync would change a layer")
  .addOptionalParam("keeper", `The keeper account with --sync. ${FROM_HELP}`, undefined, types.string)
  .addOptionalParam(
    "hermes",
    "With --sync and a Pyth adapter as the oracle: Pyth's Hermes endpoint for the price updates (default $HEDGE_HERMES_URL)",
    undefined,
    types.string,
  )
  .addFlag("json", "Print each notice as one JSON line instead of a human line")
  .addFlag(
    "webhook",
    "POST each notice (the JSON line) to the http(s) URL in $HEDGE_WEBHOOK_URL or the file $HEDGE_WEBHOOK_URL_FILE, retried until delivered; header Idempotency-Key",
  )
  .addOptionalParam(
    "checkpoint",
    "The checkpoint file to resume from and keep (default .watch/<network>-<chain>-<council>-<deployment block hash>.checkpoint.json)",
    undefined,
    types.string,
  )
  .addFlag("startOver", "Start afresh: the checkpoint's file is kept aside, renamed, and a new one begun")
  .addOptionalParam(
    "confirmations",
    "Blocks the watcher stays behind the head (default 0 on a local node, 3 elsewhere); deeper reorganisations are retracted",
    undefined,
    types.string,
  )
  .addOptionalParam("pollMs", "Milliseconds between two looks at the chain's head", "1000", types.string)
  .addOptionalParam(
    "rpcTimeoutMs",
    "Milliseconds before a request to the node is abandoned and retried",
    "10000",
    types.string,
  )
  .setAction(lazyAction(() => import("../scripts/commands/watch")));

task(
  "hedge:keystore",
  "Creates an encrypted keystore for --from keystore:FILE: new (a fresh random key) or import (a key typed without echo, or piped on stdin); prints only its address and path",
)
  .addOptionalPositionalParam("action", "new | import", undefined, types.string)
  .addOptionalParam("out", "The keystore file to write (readable by its owner only)", undefined, types.string)
  .addFlag("force", "Replace an existing file (its key is lost unless kept elsewhere)")
  .setAction(lazyAction(() => import("../scripts/commands/keystore")));

task("hedge:demo", "Tells the product's main job as a story on the in-process network, checking every step").setAction(
  lazyAction(() => import("../scripts/commands/demo")),
);

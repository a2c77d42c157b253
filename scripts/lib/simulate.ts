// Running a proposal to its end before anyone signs it (hedge:simulate, and the one-line outcome hedge:sign prints).
//
// Where: on a node reached by URL (`localhost`, `remote`), an in-process Hardhat network forking the node's RPC at
// its latest block: a separate chain living in this process, so nothing ever reaches the node. On the in-process
// `hardhat` network, which has no URL to fork, the simulation runs on that very chain between `evm_snapshot` and
// `evm_revert`, which puts the chain back as it was whatever happens (the honest equivalent there).
//
// What: the council's own flow, each step a transaction on the sandbox, sent as the account that would send it
// (`hardhat_impersonateAccount`, with ether for gas from `hardhat_setBalance`): a proposal that exists only in a
// signatures file is first proposed by a seat holder; a Pending proposal is approved by the seat holders that have
// not approved, in seat order, up to its tier's threshold; Standard and Critical proposals are queued and the clock
// moved to their eta; then `execute` (Fast nudges execute once approved, with no timelock). A step that reverts ends
// the simulation: that is its result, with the contract's reason in words and, for `execute`, the call that fails.
// After an execution: the policy before and after, the layers engaged at the current VIX before and after a
// `syncLayers` on the sandbox, and the audit of the sandbox's chain (scripts/lib/audit), unless told not to.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { BrowserProvider, Interface, type Eip1193Provider } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import type { Finding } from "./audit/types";
import {
  ProposalState,
  Tier,
  changeRows,
  changesTable,
  decodeCall,
  effectiveThreshold,
  policyChanges,
  readOracle,
  requiredValue,
  type ProposalCalls,
} from "./council";
import { sameAddress, type HedgeSystem } from "./deployments";
import { describeError, explainRevert, revertData, systemErrors } from "./errors";
import { fmtDuration, fmtInt, fmtVix, table } from "./format";
import { toPolicyValues, type PolicyValues } from "./policy";
import { liveSeatIds } from "./proposals";
import { chainIdOf } from "./shell/network";
import { escapeUnsafe } from "./untrusted";

/**
 * The proposal to simulate: its id, its calls (with the description's hash, as queue and execute take them), its
 * description (what `propose` takes), and whether it exists on chain (otherwise it is proposed first).
 */
export interface SimulatedProposal {
  id: string;
  calls: ProposalCalls;
  description: string;
  onChain: boolean;
}

/** One transaction of the simulation, or a move of the clock (no sender, no gas). */
export interface SimulationStep {
  action: string;
  from: string | null;
  gasUsed: bigint | null;
}

/** The step that reverted, where (for execute: the call that fails), and why in words. */
export interface SimulationFailure {
  step: string;
  where: string | null;
  reason: string;
}

/** The layers engaged at the current VIX: the engaged mask, the VIX read, and anything that qualifies them. */
export interface LayersReading {
  mask: number;
  vix: number | null;
  notes: string[];
}

export interface Simulation {
  id: string;
  /** "fork": an in-process fork of the node; "snapshot": the in-process chain, reverted afterwards. */
  mode: "fork" | "snapshot";
  network: string;
  /** The real chain's latest block when the simulation started: the fork's base. */
  block: number;
  tier: Tier;
  steps: SimulationStep[];
  /** Null when every step ran: the proposal executes. */
  failure: SimulationFailure | null;
  policy: { before: PolicyValues; after: PolicyValues; versionBefore: number; versionAfter: number };
  layers: { before: LayersReading; after: LayersReading | null };
  /** The audit of the sandbox after the execution; null when it was not run (not asked, or no execution). */
  audit: { findings: Finding[] } | { error: string } | null;
}

export interface SimulateOptions {
  /** Run the audit over the sandbox's chain after an execution (default true). */
  audit?: boolean;
}

type Rpc = Eip1193Provider;

/** The chain the simulation runs on, and how to leave it. */
interface Sandbox {
  rpc: Rpc;
  mode: Simulation["mode"];
  block: number;
  close(): Promise<void>;
}

/**
 * Opens the sandbox: a fork of the node at its latest block, or a snapshot of the in-process chain. The fork has the
 * node's chain id (the audit checks it against the deployment) and a disk cache of its own, removed on close:
 * Hardhat caches a node's answers by URL, chain id and block number, and a restarted local node reuses the same
 * numbers for other blocks, so a shared cache would answer from a chain that no longer exists.
 */
async function openSandbox(hre: HardhatRuntimeEnvironment): Promise<Sandbox> {
  const block = Number(await hre.network.provider.request({ method: "eth_blockNumber", params: [] }));
  const url = (hre.network.config as { url?: string }).url;
  if (url === undefined) {
    const provider = hre.network.provider;
    const snapshot = await provider.request({ method: "evm_snapshot", params: [] });
    return {
      rpc: provider,
      mode: "snapshot",
      block,
      close: async () => {
        await provider.request({ method: "evm_revert", params: [snapshot] });
      },
    };
  }
  const { createProvider } = await import("hardhat/internal/core/providers/construction");
  const headers = (hre.network.config as { httpHeaders?: Record<string, string> }).httpHeaders;
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), "hedge-simulate-"));
  const config = {
    ...hre.config,
    paths: { ...hre.config.paths, cache },
    networks: {
      hardhat: {
        ...hre.config.networks.hardhat,
        chainId: await chainIdOf(hre),
        forking: { enabled: true, url, blockNumber: block, httpHeaders: headers },
      },
    },
  };
  const rpc = await createProvider(config as unknown as typeof hre.config, "hardhat");
  // Hardhat executes calls on the fork block itself only for chains whose hardfork history it knows, and a local
  // node's chain (31337) has none: one empty block of the fork's own, and every call runs on the fork's blocks.
  await rpc.request({ method: "evm_mine", params: [] });
  return { rpc, mode: "fork", block, close: async () => fs.rmSync(cache, { recursive: true, force: true }) };
}

/** The deployment's contracts, connected to the sandbox (reads never cached: the sandbox changes between them). */
function onSandbox(system: HedgeSystem, provider: BrowserProvider) {
  return {
    council: system.council.connect(provider),
    policy: system.policy.connect(provider),
    seats: system.seats.connect(provider),
  };
}

/** The mock oracle's setter, to publish its answer again on the sandbox. */
const MOCK_ORACLE = new Interface(["function updateAnswer(int256 answer)"]);

/** Sends and mines one transaction on the sandbox as `from`; returns its gas. Reverts throw, as Hardhat does. */
async function send(rpc: Rpc, from: string, to: string, data: string, value = 0n): Promise<bigint> {
  await rpc.request({ method: "hardhat_impersonateAccount", params: [from] });
  // Enough ether for gas and the value, on top of what the account holds (only the sandbox's balance changes).
  const balance = BigInt((await rpc.request({ method: "eth_getBalance", params: [from, "latest"] })) as string);
  const topUp = balance + value + 10n ** 19n;
  await rpc.request({ method: "hardhat_setBalance", params: [from, `0x${topUp.toString(16)}`] });
  const hash = await rpc.request({
    method: "eth_sendTransaction",
    params: [{ from, to, data, value: `0x${value.toString(16)}` }],
  });
  const receipt = (await rpc.request({ method: "eth_getTransactionReceipt", params: [hash] })) as {
    status: string;
    gasUsed: string;
  } | null;
  if (!receipt || receipt.status !== "0x1") throw new Error(`transaction ${String(hash)} reverted`);
  return BigInt(receipt.gasUsed);
}

/** The latest block of the sandbox: its number and timestamp. */
async function head(rpc: Rpc): Promise<{ number: number; timestamp: number }> {
  const block = (await rpc.request({ method: "eth_getBlockByNumber", params: ["latest", false] })) as {
    number: string;
    timestamp: string;
  };
  return { number: Number(block.number), timestamp: Number(block.timestamp) };
}

/**
 * Why a step reverted, in the words of scripts/lib/errors, with the sandbox's clock for "in 2 h" style times. An
 * error that is not a revert (the node went away, the fork failed) is not a result of the simulation: it is thrown.
 */
async function revertReason(hre: HardhatRuntimeEnvironment, rpc: Rpc, error: unknown): Promise<string> {
  const data = revertData(error);
  if (data) return explainRevert(await systemErrors(hre), data, (await head(rpc)).timestamp);
  const message = String((error as { message?: unknown })?.message ?? error);
  if (/revert/i.test(message)) return describeError(hre, error);
  throw error;
}

/** Whether `error` is a revert (rather than a failure to reach the chain). */
function isRevert(error: unknown): boolean {
  return revertData(error) !== undefined || /revert/i.test(String((error as { message?: unknown })?.message ?? ""));
}

/**
 * Where an `execute` that reverted fails: its calls run one by one from the account that makes them (the timelock,
 * or the council for a Fast proposal); the first that reverts is named. Null when every call runs on its own: the
 * council's or the timelock's checks refused the execution before any call.
 */
async function failingCall(
  rpc: Rpc,
  system: HedgeSystem,
  calls: ProposalCalls,
  tier: Tier,
  policy: PolicyValues,
): Promise<string | null> {
  const c = system.deployment.contracts;
  const executor = tier === Tier.Fast ? c.council.address : c.timelock.address;
  const book = {
    policy: c.policy.address,
    seats: c.seats.address,
    council: c.council.address,
    timelock: c.timelock.address,
    oracle: c.oracle.address,
  };
  for (let i = 0; i < calls.targets.length; i++) {
    try {
      await send(rpc, executor, calls.targets[i], calls.calldatas[i], calls.values[i]);
    } catch (error) {
      if (!isRevert(error)) throw error;
      return `call ${i} (${decodeCall(book, calls.targets[i], calls.values[i], calls.calldatas[i], policy, i).headline})`;
    }
  }
  return null;
}

/**
 * The layers engaged at the current VIX. A mock oracle whose answer is too old for the policy (after the clock moved
 * to the eta) gets the same answer again, so that the VIX is today's; a real feed cannot be refreshed, and
 * `syncLayers` then reverts: the layers stay as they are, and the note says why. With `sync`, `syncLayers` is sent;
 * otherwise it is a static call (what a sync would engage now).
 */
async function readLayers(
  hre: HardhatRuntimeEnvironment,
  rpc: Rpc,
  system: HedgeSystem,
  contracts: ReturnType<typeof onSandbox>,
  sender: string,
  sync: boolean,
): Promise<LayersReading & { gasUsed: bigint | null }> {
  const c = system.deployment.contracts;
  const notes: string[] = [];
  const maxOracleAge = Number((await contracts.policy.policy()).maxOracleAge);
  // The oracle the policy reads on the sandbox now (the proposal may have moved it with setOracle), not the file's.
  const oracle = await contracts.policy.oracle();
  const at = async () => {
    const h = await head(rpc);
    return readOracle(rpc, oracle, maxOracleAge, h.timestamp, h.number);
  };
  let reading = await at();
  if (reading.status === "Stale" && system.deployment.oracleIsMock && sameAddress(oracle, c.oracle.address)) {
    await send(rpc, sender, oracle, MOCK_ORACLE.encodeFunctionData("updateAnswer", [reading.answer]));
    notes.push("the mock oracle's answer was published again on the sandbox, as it had grown stale");
    reading = await at();
  }
  const vix = reading.status === "Fresh" ? reading.vix : null;
  try {
    if (!sync) return { mask: Number(await contracts.policy.syncLayers.staticCall()), vix, notes, gasUsed: null };
    const gasUsed = await send(
      rpc,
      sender,
      c.policy.address,
      contracts.policy.interface.encodeFunctionData("syncLayers"),
    );
    return { mask: Number(await contracts.policy.engagedLayers()), vix, notes, gasUsed };
  } catch (error) {
    if (!isRevert(error)) throw error;
    notes.push(`syncLayers reverts: ${await revertReason(hre, rpc, error)}; these are the layers engaged now`);
    return { mask: Number(await contracts.policy.engagedLayers()), vix, notes, gasUsed: null };
  }
}

/** Simulates `proposal` to its end on a sandbox (see the top of this file); the real chain never changes. */
export async function simulateProposal(
  hre: HardhatRuntimeEnvironment,
  system: HedgeSystem,
  proposal: SimulatedProposal,
  options: SimulateOptions = {},
): Promise<Simulation> {
  // The policy's oracle on the real chain: warns (once) when the deployments file predates a setOracle.
  await system.oracle();
  const sandbox = await openSandbox(hre);
  const provider = new BrowserProvider(sandbox.rpc, undefined, { cacheTimeout: -1 });
  try {
    return await run(hre, sandbox, provider, system, proposal, options);
  } finally {
    provider.destroy();
    await sandbox.close();
  }
}

async function run(
  hre: HardhatRuntimeEnvironment,
  sandbox: Sandbox,
  provider: BrowserProvider,
  system: HedgeSystem,
  proposal: SimulatedProposal,
  options: SimulateOptions,
): Promise<Simulation> {
  const { rpc } = sandbox;
  const contracts = onSandbox(system, provider);
  const { council } = contracts;
  const councilAddress = system.deployment.contracts.council.address;
  const { id, calls } = proposal;
  const args: [string[], bigint[], string[], string] = [
    calls.targets,
    calls.values,
    calls.calldatas,
    calls.descriptionHash,
  ];
  const readPolicy = async () =>
    [toPolicyValues(await contracts.policy.policy()), Number(await contracts.policy.version())] as const;

  const holders = await Promise.all(
    (await liveSeatIds({ ...system, seats: contracts.seats })).map(async (seatId) => ({
      seatId,
      address: await contracts.seats.ownerOf(seatId),
    })),
  );
  // The steps anyone may send (queue, execute, syncLayers) are sent by the first seat holder.
  const sender = holders[0].address;
  const [policyBefore, versionBefore] = await readPolicy();
  const layersBefore = await readLayers(hre, rpc, system, contracts, sender, false);

  const steps: SimulationStep[] = [];
  const outcome: { failure: SimulationFailure | null } = { failure: null };
  const step = async (action: string, from: string, data: string, value = 0n): Promise<boolean> => {
    try {
      steps.push({ action, from, gasUsed: await send(rpc, from, councilAddress, data, value) });
      return true;
    } catch (error) {
      outcome.failure = { step: action, where: null, reason: await revertReason(hre, rpc, error) };
      return false;
    }
  };
  const seatLabel = (h: (typeof holders)[number]) => `seat ${h.seatId}`;

  let ok = true;
  if (!proposal.onChain) {
    ok = await step(
      `propose (${seatLabel(holders[0])})`,
      sender,
      council.interface.encodeFunctionData("propose", [
        calls.targets,
        calls.values,
        calls.calldatas,
        proposal.description,
      ]),
    );
  }
  // A proposal that could not be created has no stored tier: the council's judgement of its calls says it.
  const tier = Number(
    ok ? await council.proposalTier(id) : await council.tierOf(calls.targets, calls.calldatas),
  ) as Tier;
  let state = Number(await council.state(id)) as ProposalState;

  if (ok && state === ProposalState.Pending) {
    const [stored] = await council.tierRule(tier);
    const threshold = effectiveThreshold(Number(stored), holders.length);
    let approvals = Number(await council.approvalCount(id));
    for (const h of holders) {
      if (approvals >= threshold) break;
      if (await council.hasApproved(id, h.address)) continue;
      ok = await step(`approve (${seatLabel(h)})`, h.address, council.interface.encodeFunctionData("approve", [id]));
      if (!ok) break;
      approvals++;
    }
    if (ok && tier !== Tier.Fast) {
      ok = await step("queue", sender, council.interface.encodeFunctionData("queue", args));
      state = ProposalState.Queued;
    }
  }
  if (ok && state === ProposalState.Queued) {
    const eta = Number(await council.proposalEta(id));
    const now = (await head(rpc)).timestamp;
    if (eta > now) {
      await rpc.request({ method: "evm_setNextBlockTimestamp", params: [eta] });
      await rpc.request({ method: "evm_mine", params: [] });
      steps.push({ action: `wait ${fmtDuration(eta - now)}, until the eta`, from: null, gasUsed: null });
    }
  }
  // Executed, Vetoed and Expired proposals go straight to execute: the council says why it refuses.
  if (ok) {
    ok = await step(
      "execute",
      sender,
      council.interface.encodeFunctionData("execute", args),
      requiredValue(calls.values),
    );
    if (!ok && outcome.failure) outcome.failure.where = await failingCall(rpc, system, calls, tier, policyBefore);
  }

  const [policyAfter, versionAfter] = await readPolicy();
  const layersAfter = ok ? await readLayers(hre, rpc, system, contracts, sender, true) : null;
  let audit: Simulation["audit"] = null;
  if (ok && options.audit !== false) audit = await auditSandbox(hre, rpc, system);
  return {
    id,
    mode: sandbox.mode,
    network: hre.network.name,
    block: sandbox.block,
    tier,
    steps,
    failure: outcome.failure,
    policy: { before: policyBefore, after: policyAfter, versionBefore, versionAfter },
    layers: { before: layersBefore, after: layersAfter },
    audit,
  };
}

/** The audit of the sandbox's whole chain, from the deployment to the simulated execution. */
async function auditSandbox(hre: HardhatRuntimeEnvironment, rpc: Rpc, system: HedgeSystem) {
  const { runAudit, AuditError } = await import("./audit");
  try {
    const report = await runAudit({ rpc, deployment: system.deployment, network: hre.network.name });
    return { findings: report.findings };
  } catch (error) {
    // The audit's own refusal (one line) is part of the report; anything else is an error of the command.
    if (error instanceof AuditError) return { error: error.message };
    throw error;
  }
}

// ------------------------------------------------------------------------------------------------ display

/** The engaged layers of a mask in words: "2 (layers 0, 1)", "0 (none)". */
function layersText(mask: number): string {
  const engaged = [0, 1, 2, 3, 4].filter((i) => (mask >> i) & 1);
  if (engaged.length === 0) return "0 (none)";
  return `${engaged.length} (layer${engaged.length === 1 ? "" : "s"} ${engaged.join(", ")})`;
}

/** How many layers a mask engages. */
function layerCount(mask: number): number {
  return [0, 1, 2, 3, 4].filter((i) => (mask >> i) & 1).length;
}

/** The gas of the execute step, when it ran. */
function executeGas(sim: Simulation): bigint | null {
  return sim.steps.find((s) => s.action === "execute")?.gasUsed ?? null;
}

/**
 * "execute reverts in call 0 (HedgePolicy.setPolicy…): <reason>", in one line. The reason holds what the reverting
 * contract said (quoted at its source, scripts/lib/errors); the line is escaped again here (./untrusted), so that no
 * reason, however it was made, can break it or move the cursor.
 */
function failureText(f: SimulationFailure): string {
  return escapeUnsafe(`${f.step} reverts${f.where ? ` in ${f.where}` : ""}: ${f.reason}`);
}

/** The report of a simulation, as hedge:simulate prints it. */
export function simulationLines(sim: Simulation): string[] {
  const lines: string[] = [];
  lines.push(
    sim.mode === "fork"
      ? `Simulated on an in-process fork of network "${sim.network}" at block ${sim.block}: nothing was sent to the network.`
      : `Simulated on the in-process network between a snapshot at block ${sim.block} and its revert: the chain is as it was.`,
  );
  const rows = sim.steps.map((s) => [s.action, s.from ?? "-", s.gasUsed === null ? "-" : fmtInt(s.gasUsed)]);
  if (rows.length > 0) lines.push(...table(["step", "from", "gas"], rows));
  const total = sim.steps.reduce((sum, s) => sum + (s.gasUsed ?? 0n), 0n);
  const gas = executeGas(sim);
  lines.push(
    sim.failure
      ? `Result: ${failureText(sim.failure)}`
      : `Result: executes; execute gas ${fmtInt(gas ?? 0n)}, all steps ${fmtInt(total)}.`,
  );
  const { before, after, versionBefore, versionAfter } = sim.policy;
  lines.push(`Policy version ${versionBefore} → ${versionAfter}:`, ...changesTable(policyChanges(before, after), "  "));
  const b = sim.layers.before;
  const vix = b.vix === null ? "the current VIX (the oracle gives none)" : `VIX ${fmtVix(b.vix)}`;
  lines.push(
    sim.layers.after
      ? `Layers engaged at ${vix}: ${layersText(b.mask)} → ${layersText(sim.layers.after.mask)}.`
      : `Layers engaged at ${vix}: ${layersText(b.mask)} (unchanged: nothing executed).`,
  );
  for (const note of [
    ...b.notes.map((n) => `before: ${n}`),
    ...(sim.layers.after?.notes ?? []).map((n) => `after: ${n}`),
  ])
    lines.push(`  ${escapeUnsafe(note)}`);
  lines.push(auditText(sim));
  return lines;
}

function auditText(sim: Simulation): string {
  if (sim.audit === null) {
    return sim.failure
      ? "Audit: not run (nothing executed)."
      : "Audit: not run (--no-audit); `hedge:audit` audits the real chain.";
  }
  if ("error" in sim.audit) return `Audit of the simulated chain could not run: ${escapeUnsafe(sim.audit.error)}`;
  const { findings } = sim.audit;
  if (findings.length === 0) return "Audit of the simulated chain after execution: no finding.";
  return [
    `Audit of the simulated chain after execution: ${findings.length} finding${findings.length === 1 ? "" : "s"}:`,
    ...findings.map(
      (f) => `  [${f.kind}]${f.proposalId === sim.id ? " (this proposal)" : ""} ${escapeUnsafe(f.message)}`,
    ),
  ].join("\n");
}

/** A changed value as it reads in a table cell, shortened to its meaning: "2,500 (25.00 %)" → "25.00 %". */
function shortValue(cell: string): string {
  return /\(([^()]*)\)$/.exec(cell)?.[1] ?? cell;
}

/**
 * The outcome in one line, for hedge:sign: "simulation: executes; coverageBps 25.00 % → 20.00 %, layers engaged 2 →
 * 1, gas 123,456" or "simulation: execute reverts: <reason>".
 */
export function simulationSummary(sim: Simulation): string {
  if (sim.failure) return `simulation: ${failureText(sim.failure)}`;
  const rows = changeRows(policyChanges(sim.policy.before, sim.policy.after));
  const policy =
    rows.length === 0
      ? "policy unchanged"
      : rows.length <= 3
        ? rows.map((r) => `${r.field} ${shortValue(r.before)} → ${shortValue(r.after)}`).join(", ")
        : `${rows.length} policy fields changed (version ${sim.policy.versionBefore} → ${sim.policy.versionAfter})`;
  const layers = `layers engaged ${layerCount(sim.layers.before.mask)} → ${layerCount(sim.layers.after?.mask ?? sim.layers.before.mask)}`;
  const audit =
    sim.audit === null
      ? ""
      : "error" in sim.audit
        ? "; audit could not run"
        : `; audit: ${sim.audit.findings.length === 0 ? "no finding" : `${sim.audit.findings.length} findings`}`;
  return `simulation: executes; ${policy}, ${layers}, gas ${fmtInt(executeGas(sim) ?? 0n)}${audit}`;
}

/** Simulates and returns the one-line outcome; a simulation that cannot run says so in the line (sign goes on). */
export async function simulationLine(
  hre: HardhatRuntimeEnvironment,
  system: HedgeSystem,
  proposal: SimulatedProposal,
): Promise<string> {
  try {
    return simulationSummary(await simulateProposal(hre, system, proposal, { audit: false }));
  } catch (error) {
    return `simulation: could not run: ${escapeUnsafe(await describeError(hre, error))}`;
  }
}

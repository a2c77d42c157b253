// hedge:audit as a library: replay the chain from the deployment block, re-derive every rule, compare with the live
// state, and return the report (./types `AuditReport`). It reads only the chain (logs and state, through JSON-RPC)
// and the deployment record. The task (tasks/audit.ts), the tests and the benchmark call `runAudit`.
import { getAddress } from "ethers";

import { checkDeploymentReceipts, createdByDeployment, type DeploymentReceipt } from "../deploy-receipts";
import type { Deployment } from "../deployments";
import type { PolicyValues } from "../policy";
import { INTERFACES, initialPolicyFromDeployInput, policyFromResult, policyHashOf } from "./abi";
import { groupByCause } from "./causes";
import {
  checkCode,
  checkCouncilCopy,
  checkOperations,
  checkProposalStates,
  checkRoles,
  compareStates,
  readLiveState,
  wiringFindings,
} from "./compare";
import { callView, fetchEvents, hex, mapLimit, type AuditEvent, type FetchStats, type Rpc } from "./fetch";
import type { ProgressFn } from "./progress";
import { AuditError } from "./errors";
import { Replay, type TxInfo } from "./replay";
import { APPROVE_BY_SIG_SELECTOR } from "./rules";
import {
  AUDIT_FORMAT,
  CHECKS,
  CONTRACT_NAMES,
  FINDING_KINDS,
  TIER_NAMES,
  type AuditReport,
  type CheckName,
  type ContractName,
  type Finding,
  type ProposalStateName,
  type SystemState,
  type VixReading,
} from "./types";

export * from "./types";
export { AuditError } from "./errors";
export type { Rpc } from "./fetch";

export const DEFAULT_CHUNK_SIZE = 2_000;

export interface AuditOptions {
  rpc: Rpc;
  deployment: Deployment;
  /** The network's name, for the report. */
  network: string;
  /** Blocks per eth_getLogs request (default 2,000); refused requests are split. */
  chunkSize?: number;
  /** The last block audited (default: the latest). */
  toBlock?: number;
  progress?: ProgressFn;
  /** More accounts whose timelock roles are read live (e.g. the node's unlocked accounts). */
  extraAccounts?: string[];
  /** Read each proposal's live state (one call per proposal; default true). */
  proposalStates?: boolean;
  /** Receives the replay once it reached `toBlock`, to be continued block by block (hedge:watch). */
  onReplay?: (replay: Replay) => void;
}

interface RawTx {
  input: string;
  to?: string | null;
  value?: string;
}

/** The chain replayed from the deployment to a block: what the audit, the watcher and the proposal view start from. */
export interface ReplayedChain {
  chainId: number;
  addresses: Record<ContractName, string>;
  fromBlock: number;
  toBlock: number;
  blockTag: string;
  /** Version 1 of the policy, decoded from the deployment; null when that failed. */
  initialPolicy: PolicyValues | null;
  oracleDecimals: number;
  /** The deployments file against the deployment transactions (the audit's `deployment-mismatch` findings). */
  deploymentFindings: Finding[];
  replay: Replay;
  stats: FetchStats;
  chunkSize: number;
}

/**
 * Replays the chain from the deployment to `toBlock` (default: the latest): reads the deployment transactions, the
 * initial policy and the oracle's decimals, then folds every event of the system's contracts into a `Replay`. Throws
 * an AuditError (one line) when it cannot run.
 */
export async function replayChain(
  o: Pick<AuditOptions, "rpc" | "deployment" | "chunkSize" | "toBlock" | "progress">,
): Promise<ReplayedChain> {
  const { rpc, deployment } = o;
  const chainId = Number(await rpc.request({ method: "eth_chainId", params: [] }));
  if (chainId !== deployment.chainId) {
    throw new AuditError(`the deployment is for chain ${deployment.chainId}, but the node is chain ${chainId}`);
  }
  const latest = Number(await rpc.request({ method: "eth_blockNumber", params: [] }));
  const toBlock = o.toBlock ?? latest;
  if (toBlock > latest) throw new AuditError(`block ${toBlock} does not exist yet (the latest is ${latest})`);
  const blockTag = hex(toBlock);
  const addresses = {} as Record<ContractName, string>;
  for (const name of CONTRACT_NAMES) addresses[name] = getAddress(deployment.contracts[name].address);
  // ---- the deployment transactions (./deploy-receipts: the commands and the console check the same receipts)
  const findings: Finding[] = [];
  const deploymentTxs = new Set<string>();
  for (const name of CONTRACT_NAMES) {
    const tx = deployment.contracts[name].transactionHash;
    if (tx) deploymentTxs.add(tx.toLowerCase());
  }
  const check = await checkDeploymentReceipts(
    rpc,
    deployment.contracts,
    CONTRACT_NAMES,
    createdByDeployment(deployment, CONTRACT_NAMES),
  );
  for (const m of check.mismatches) {
    if (m.kind === "missing") {
      throw new AuditError(`the ${m.name}'s deployment transaction ${m.transactionHash} is not on chain ${chainId}`);
    }
    const message =
      m.kind === "address"
        ? `transaction ${m.transactionHash} did not deploy the ${m.name} at ${m.address}`
        : m.kind === "block"
          ? `the ${m.name} was deployed in block ${m.block}, not ${m.recorded}`
          : m.kind === "unchecked"
            ? `the ${m.name}'s block ${m.recorded} is recorded without its deployment transaction: it cannot be checked`
            : `the ${m.name}'s deployment transaction is not recorded: its block cannot be checked`;
    findings.push(deploymentFinding(message, `deployment.${m.name}`));
  }
  const policyReceipt = check.receipts.policy ?? null;
  if (check.firstBlock === null || check.lastBlock === null) {
    throw new AuditError("the deployments file records no deployment transaction");
  }
  const fromBlock = check.firstBlock;
  if (toBlock < check.lastBlock) {
    throw new AuditError(
      `block ${toBlock} is before the deployment ended (block ${check.lastBlock}): nothing to audit`,
    );
  }
  for (const name of CONTRACT_NAMES) {
    const code = (await rpc.request({ method: "eth_getCode", params: [addresses[name], blockTag] })) as string;
    if (code === "0x")
      throw new AuditError(
        `no contract at ${addresses[name]} (${name}) on chain ${chainId}: is the deployments file stale?`,
      );
  }

  const initialPolicy = await initialPolicyOf(rpc, deployment, addresses.policy, policyReceipt);
  let oracleDecimals = 8;
  try {
    oracleDecimals = Number((await callView(rpc, INTERFACES.oracle, addresses.oracle, "decimals", [], blockTag))[0]);
  } catch {
    // not a feed that answers decimals(): keep 8
  }

  // ---- the replay
  const replay = new Replay({ addresses, deploymentTxs, initialPolicy, oracleDecimals });
  const stats: FetchStats = { events: 0, chunks: 0, blocks: 0 };
  const chunkSize = o.chunkSize ?? DEFAULT_CHUNK_SIZE;
  for await (const events of fetchEvents(
    rpc,
    { addresses, fromBlock, toBlock, chunkSize, onProgress: o.progress },
    stats,
  )) {
    const groups = groupByTransaction(events);
    const infos = await transactionInfo(rpc, groups, (id) => replay.proposals.revokedEarly.has(id));
    for (const group of groups) replay.applyTransaction(group, infos.get(group[0].tx));
  }
  return {
    chainId,
    addresses,
    fromBlock,
    toBlock,
    blockTag,
    initialPolicy,
    oracleDecimals,
    deploymentFindings: findings,
    replay,
    stats,
    chunkSize,
  };
}

/** Runs the whole audit. Throws an AuditError (one line) when the audit itself cannot run. */
export async function runAudit(o: AuditOptions): Promise<AuditReport> {
  const started = Date.now();
  const { rpc, deployment } = o;
  const chain = await replayChain(o);
  const { chainId, addresses, fromBlock, toBlock, blockTag, initialPolicy, oracleDecimals, replay, stats, chunkSize } =
    chain;
  const findings: Finding[] = [...chain.deploymentFindings];
  const notes: string[] = [];
  o.onReplay?.(replay);
  const toTimestamp = Number(
    ((await rpc.request({ method: "eth_getBlockByNumber", params: [blockTag, false] })) as { timestamp: string })
      .timestamp,
  );
  const fromTimestamp = replay.firstTimestamp || toTimestamp;
  findings.push(...replay.findings);
  const proposals = replay.proposals.reports(toTimestamp);
  const replayed = replay.state();

  // ---- the deployments file against the constructors' events
  findings.push(...checkDeploymentRecord(deployment, replay));

  // ---- the live state
  const nodeAccounts = o.extraAccounts ?? [];
  const accounts = [
    ...replay.accounts,
    ...nodeAccounts,
    deployment.deployer,
    "0x0000000000000000000000000000000000000000",
    ...Object.values(addresses),
  ].filter((a) => /^0x[0-9a-fA-F]{40}$/.test(a));
  const liveFindings: Finding[] = [];
  liveFindings.push(...(await wiringFindings(rpc, addresses, blockTag)));
  const code = await checkCode(
    rpc,
    CONTRACT_NAMES.map((name) => ({ name, address: addresses[name], block: deployment.contracts[name].blockNumber })),
    blockTag,
  );
  liveFindings.push(...code.findings);
  if (code.skipped.length) {
    notes.push(
      `the code of ${code.skipped.join(", ")} was not compared with its code at deployment: the node keeps no historical state`,
    );
  }
  if (!initialPolicy) notes.push("the initial policy could not be decoded: version 1's parameters are unknown");
  if (o.proposalStates === false)
    notes.push("the proposals' live states and marks were not read (proposalStates: false)");
  const { findings: stateFindings, live } = await checkLiveState({
    rpc,
    addresses,
    replay,
    replayed,
    accounts,
    blockTag,
    // Each proposal's marks are one read per proposal, like its state: both are skipped with proposalStates: false.
    marks: o.proposalStates !== false,
    more: async () => [
      ...(o.proposalStates !== false ? await checkProposalStates(rpc, addresses.council, proposals, blockTag) : []),
      ...(await checkOperations(rpc, addresses.timelock, replay.proposals.ops, blockTag)),
    ],
  });
  liveFindings.push(...stateFindings);
  findings.push(...liveFindings);
  for (const f of liveFindings)
    if (f.proposalId) {
      const p = proposals.find((x) => x.id === f.proposalId);
      if (p) p.findings++;
    }

  const vix = [
    ...replay.policy.vix,
    ...(await oracleHistory(rpc, addresses.oracle, oracleDecimals, fromTimestamp, toTimestamp, blockTag)),
  ].sort((a, b) => a.timestamp - b.timestamp);

  const durationMs = Date.now() - started;
  const byState = { Pending: 0, Queued: 0, Executed: 0, Vetoed: 0, Expired: 0 } as Record<ProposalStateName, number>;
  const byTier = { Fast: 0, Standard: 0, Critical: 0 } as Record<(typeof TIER_NAMES)[number], number>;
  for (const p of proposals) {
    byState[p.state]++;
    byTier[p.derivedTier]++;
  }
  const checks = (Object.keys(CHECKS) as CheckName[]).map((name) => {
    const n = findings.filter((f) => f.check === name).length;
    return { name, description: CHECKS[name], status: n === 0 ? ("pass" as const) : ("fail" as const), findings: n };
  });
  return {
    format: AUDIT_FORMAT,
    generatedAt: new Date().toISOString(),
    network: { name: o.network, chainId },
    contracts: addresses,
    range: { fromBlock, toBlock, fromTimestamp, toTimestamp },
    stats: {
      events: stats.events,
      transactions: replay.transactions,
      blocks: stats.blocks,
      chunks: stats.chunks,
      chunkSize,
      durationMs,
      eventsPerSecond: durationMs > 0 ? Math.round((stats.events * 1000) / durationMs) : stats.events,
    },
    summary: {
      findings: findings.length,
      proposals: proposals.length,
      proposalsByState: byState,
      proposalsByTier: byTier,
      approvals: replay.proposals.approvalsCount,
      policyVersions: replay.policy.versions.length,
      settingsChanges: replay.settingsChanges.length,
      seatsMinted: replay.settingsChanges.filter((c) => c.kind === "seatMinted").length,
      seatsBurned: replay.settingsChanges.filter((c) => c.kind === "seatBurned").length,
      layerEvents: replay.policy.layerEvents.length,
    },
    checks,
    notes,
    findings,
    proposals,
    policyVersions: replay.policy.versions,
    settingsChanges: replay.settingsChanges,
    seats: replay.seats.reports(),
    layerEvents: replay.policy.layerEvents,
    vix,
    replayed,
    live,
  };
}

function deploymentFinding(message: string, subject: string): Finding {
  return { kind: "deployment-mismatch", check: FINDING_KINDS["deployment-mismatch"], message, subject };
}

/**
 * The live state against the replay, as `hedge:audit` and `hedge:watch` both check it: the policy, seats and settings
 * (`compareStates`), the council's own copy of the seats and, with `marks`, each proposal's marks
 * (`checkCouncilCopy`), and any `more` differences, grouped by cause (one edited storage word gives a handful of
 * findings: its cause, then a few of the differences it makes); then the timelock's roles. Returns the findings and
 * the live state read.
 */
export async function checkLiveState(o: {
  rpc: Rpc;
  addresses: Record<ContractName, string>;
  replay: Replay;
  /** `replay.state()`, when the caller has it already. */
  replayed?: SystemState;
  accounts: string[];
  blockTag: string;
  /**
   * Each proposal's marks: all of them (the audit), none, or only those of the proposals open at a time (the
   * watcher, every block: bounded by the open proposals; revocations of proposals not yet made are read by the
   * audit, and a revoked signature counted later is a finding of the replay).
   */
  marks: boolean | { openAt: number };
  more?: () => Promise<Finding[]>;
}): Promise<{ findings: Finding[]; live: SystemState }> {
  const { rpc, addresses, replay, accounts, blockTag } = o;
  const replayed = o.replayed ?? replay.state();
  const { state: live, hashOfPolicy } = await readLiveState(rpc, { addresses, blockTag, accounts });
  const differences = [
    ...compareStates(replayed, live, hashOfPolicy),
    ...(await checkCouncilCopy(
      rpc,
      addresses,
      {
        seatOf: replay.seats.seatOf,
        marks:
          o.marks === false
            ? []
            : replay.proposals.expectedMarks(typeof o.marks === "object" ? o.marks.openAt : undefined),
      },
      accounts,
      blockTag,
    )),
    ...((await o.more?.()) ?? []),
  ];
  const roles = await checkRoles(rpc, addresses, replayed, live, blockTag);
  return { findings: [...groupByCause(differences, addresses), ...roles], live };
}

/** Splits a chunk's events (sorted) into transactions. */
export function groupByTransaction(events: AuditEvent[]): AuditEvent[][] {
  const groups: AuditEvent[][] = [];
  let current: AuditEvent[] = [];
  for (const ev of events) {
    if (current.length > 0 && current[0].tx !== ev.tx) {
      groups.push(current);
      current = [];
    }
    current.push(ev);
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

/**
 * What the replay needs to know of a transaction beyond its events: for approvals of an existing proposal, whether
 * they were on-chain approvals or relayed signatures (several Approved events are always signatures; a single one
 * needs the transaction's selector); for executions of an existing proposal, the ether the transaction sent; for the
 * creation of a proposal that some address revoked before it existed (`revokedEarly`, or a Revoked earlier in
 * `groups`), whether it was `propose` (the proposer's own consent) or `submit` (relayed signatures). Other creations
 * are not looked up: the replay tells `submit` by its events (it always queues or executes).
 */
export async function transactionInfo(
  rpc: Rpc,
  groups: AuditEvent[][],
  revokedEarly: (id: string) => boolean = () => false,
): Promise<Map<string, TxInfo>> {
  const out = new Map<string, TxInfo>();
  const lookups: string[] = [];
  /** Transactions with several approvals of an existing proposal: relayed signatures whatever the method. */
  const relayed = new Set<string>();
  const revokedHere = new Set<string>();
  for (const g of groups) {
    const created = g.find((e) => e.contract === "council" && e.name === "ProposalCreated");
    if (created) {
      const id = String(created.args[0]);
      if (revokedHere.has(id) || revokedEarly(id)) lookups.push(g[0].tx);
    } else {
      const approvals = g.filter((e) => e.contract === "council" && e.name === "Approved").length;
      const executes = g.some((e) => e.contract === "council" && e.name === "Executed");
      if (approvals > 1) relayed.add(g[0].tx);
      if (executes || approvals === 1) lookups.push(g[0].tx);
      else if (approvals > 1) out.set(g[0].tx, { selector: APPROVE_BY_SIG_SELECTOR });
    }
    for (const e of g) if (e.contract === "council" && e.name === "Revoked") revokedHere.add(String(e.args[0]));
  }
  const found = await mapLimit(lookups, 16, async (tx) => {
    const t = (await rpc.request({ method: "eth_getTransactionByHash", params: [tx] })) as RawTx | null;
    return t ? { selector: t.input?.slice(0, 10) ?? "", to: t.to ?? undefined, value: BigInt(t.value ?? "0x0") } : {};
  });
  lookups.forEach((tx, i) => {
    const info: TxInfo = found[i];
    // Several approvals in one transaction are relayed signatures whatever the selector (e.g. submit by a contract).
    out.set(tx, relayed.has(tx) ? { ...info, selector: APPROVE_BY_SIG_SELECTOR } : info);
  });
  return out;
}

/** Version 1 of the policy: from the deployment transaction's constructor arguments, or a historical read. */
async function initialPolicyOf(rpc: Rpc, deployment: Deployment, policy: string, receipt: DeploymentReceipt | null) {
  const topic = INTERFACES.policy.getEvent("PolicyUpdated")!.topicHash;
  const log = receipt?.logs.find((l) => getAddress(l.address) === policy && l.topics[0] === topic);
  const hash = log
    ? INTERFACES.policy.decodeEventLog("PolicyUpdated", log.data, log.topics)[2]
    : deployment.initialPolicy.hash;
  const tx = deployment.contracts.policy.transactionHash;
  if (tx) {
    const found = (await rpc.request({ method: "eth_getTransactionByHash", params: [tx] })) as RawTx | null;
    const decoded = found ? initialPolicyFromDeployInput(found.input, hash) : null;
    if (decoded) return decoded;
  }
  const block = deployment.contracts.policy.blockNumber;
  if (block === null) return null;
  try {
    const p = policyFromResult((await callView(rpc, INTERFACES.policy, policy, "policy", [], hex(block)))[0]);
    return policyHashOf(p) === String(hash).toLowerCase() ? p : null;
  } catch {
    return null;
  }
}

/** The deployments file's configuration against what the constructors emitted. */
function checkDeploymentRecord(deployment: Deployment, replay: Replay): Finding[] {
  const out: Finding[] = [];
  const genesis = replay.settingsChanges.filter((c) => c.source.kind === "deployment");
  const after = (kind: string) => genesis.filter((c) => c.kind === kind).map((c) => c.after);
  const seats = replay.seats
    .reports()
    .filter((s) => s.minted.source.kind === "deployment")
    .map((s) => s.holder);
  const expectSeats = deployment.council.initialSeats.map((s) => getAddress(s));
  if (JSON.stringify(seats) !== JSON.stringify(expectSeats)) {
    out.push(
      deploymentFinding(
        `the seats minted at deployment (${seats.join(", ")}) are not the file's initialSeats`,
        "deployment.initialSeats",
      ),
    );
  }
  const rules = after("tierRule");
  const t = deployment.council.thresholds;
  const d = deployment.council.delays;
  const expectRules = [
    { tier: "Fast", threshold: t.fast, delay: 0 },
    { tier: "Standard", threshold: t.standard, delay: d.standard },
    { tier: "Critical", threshold: t.critical, delay: d.critical },
  ];
  if (JSON.stringify(rules) !== JSON.stringify(expectRules)) {
    out.push(
      deploymentFinding(
        `the tier rules set at deployment differ from the file's thresholds and delays`,
        "deployment.council",
      ),
    );
  }
  if (JSON.stringify(after("vetoThreshold")) !== JSON.stringify([{ threshold: t.veto }])) {
    out.push(
      deploymentFinding(
        `the veto threshold set at deployment is not the file's ${t.veto}`,
        "deployment.council.thresholds.veto",
      ),
    );
  }
  if (
    JSON.stringify(after("expiry")) !==
    JSON.stringify([{ proposalTtl: deployment.council.proposalTtl, gracePeriod: deployment.council.gracePeriod }])
  ) {
    out.push(
      deploymentFinding(
        `the proposal TTL and grace period set at deployment differ from the file's`,
        "deployment.council.expiry",
      ),
    );
  }
  if (JSON.stringify(after("minDelay")) !== JSON.stringify([{ minDelay: deployment.council.minDelay }])) {
    out.push(
      deploymentFinding(
        `the timelock's minimum delay at deployment is not the file's ${deployment.council.minDelay} s`,
        "deployment.council.minDelay",
      ),
    );
  }
  const v1 = replay.policy.versions[0];
  if (
    !v1 ||
    v1.source.kind !== "deployment" ||
    v1.hash !== deployment.initialPolicy.hash.toLowerCase() ||
    v1.version !== deployment.initialPolicy.version
  ) {
    out.push(
      deploymentFinding(
        `the policy's first version is not the file's initialPolicy (version ${deployment.initialPolicy.version}, hash ${deployment.initialPolicy.hash})`,
        "deployment.initialPolicy",
      ),
    );
  } else if (!v1.policy) {
    out.push(
      deploymentFinding(
        `the initial policy could not be decoded from the policy's deployment transaction`,
        "deployment.initialPolicy",
      ),
    );
  }
  return out;
}

/**
 * VIX readings from the oracle's rounds (the mock emits no events): the last rounds back to the audited range,
 * at most 500, read through getRoundData. Best effort: a feed that refuses is simply not read.
 */
async function oracleHistory(
  rpc: Rpc,
  oracle: string,
  decimals: number,
  from: number,
  to: number,
  blockTag: string,
): Promise<VixReading[]> {
  const out: VixReading[] = [];
  try {
    const latest = BigInt((await callView(rpc, INTERFACES.oracle, oracle, "latestRound", [], blockTag))[0]);
    for (let round = latest, n = 0; round > 0n && n < 500; round--, n++) {
      const r = await callView(rpc, INTERFACES.oracle, oracle, "getRoundData", [round], blockTag);
      const updatedAt = Number(r[3]);
      if (updatedAt < from) {
        // The answer in force when the audited range began.
        out.push({ timestamp: from, vix: Number((BigInt(r[1]) * 100n) / 10n ** BigInt(decimals)), source: "oracle" });
        break;
      }
      if (updatedAt <= to)
        out.push({
          timestamp: updatedAt,
          vix: Number((BigInt(r[1]) * 100n) / 10n ** BigInt(decimals)),
          source: "oracle",
        });
    }
  } catch {
    // not readable round by round
  }
  return out;
}

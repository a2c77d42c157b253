// hedge:watch's engine: one loop that follows the chain block by block and, for each block, (1) feeds its events to
// the audit (./audit) and reports what the rules find, (2) tells the seats what needs them (./proposals, the oracle,
// the layers), (3) with a keeper account, keeps the layers in sync (./keeper). Everything it decides for a block is
// committed to the checkpoint in one atomic write before it is printed or delivered, so a restart resumes after the
// last block handled, with nothing missed and nothing told twice.
//
// Reorganisations are normal. The watcher handles blocks `confirmations` behind the head, and before each poll it
// checks that the blocks it handled last time are still on the node's chain. When one is not, it walks back to the
// newest block it handled that still is (the common ancestor; the council's deployment block at worst), rebuilds
// its view there as a restart would, tells the reorganisation, retracts by id every notice it told from an orphaned
// block, and handles the new branch. The keeper's transaction of an orphaned block is re-judged (./keeper). Only a
// chain without the council's deployment block (a reset node, another chain) stops it.
//
// One watcher per checkpoint: the checkpoint is locked (../lock-file) while the watcher runs, and every write checks
// the lock is still its own.
//
// Exactly once: a notice has a key (./notices). Event notices (a veto, a layer, a finding of the replay) come from
// one block, handled once. Condition notices (awaiting a signature, executable, expiring, a stale oracle, a live
// state edit) are told when their condition becomes true: the checkpoint keeps the keys of the conditions true at
// the last block, so a condition still true after a restart is not told again, and one that ends and comes back is.
//
// A PythVixAdapter as the oracle (./pyth tells one by its `pyth()`): its roll schedule's end is a condition,
// `oracle-schedule-ending`, within the horizon (6 weeks, or twice the council's Critical delay plus its proposal TTL
// when longer), one per stage (warning; high within TTL + Critical delay; critical within the Critical delay and
// once ended). Its `oracle-stale` says the price is a pull oracle's, refreshed only by an update. The rule when this
// watcher is the Pyth keeper: the keeper pushes a price only when it moves a layer, so a merely stale on-chain answer
// is no notice while the keeper's last Hermes fetch succeeded (it saw the live price); it is told once Hermes fails,
// and every other refusal is told as always.
import { createHash } from "node:crypto";
import fs from "node:fs";

import { fmtTime, fmtVix, shortId } from "../format";
import { CliError } from "../output";
import { oneLine, urlOrigin } from "../untrusted";
import type { Deployment } from "../deployments";
import { acquireLock, lockHolder, releaseLock, touchLock } from "../lock-file";
import { ContinuousAudit, findingSeverity, type AuditEvent, type Finding, type Rpc } from "./audit";
import { ABI, blockNumber, getBlock, view, type BlockHeader } from "./chain";
import {
  DELIVERED_KEPT,
  REORG_WINDOW,
  START_OVER,
  emptyCheckpoint,
  readCheckpoint,
  writeCheckpoint,
  type Checkpoint,
} from "./checkpoint";
import { Keeper, type KeeperAccount } from "./keeper";
import type { PythSource } from "./hermes";
import { humanLine, jsonLine, makeNotice, type Notice, type NoticeDraft } from "./notices";
import { pythSchedule, type PythSchedule } from "./pyth";
import { Tier, previewSync, readOracle, type SyncPreview } from "../council";
import { Proposals } from "./proposals";
import { StoppedError, sleep } from "./rpc";
import { Webhook } from "./webhook";

export interface WatchOptions {
  /** The node (wrap it in RetryingRpc to survive outages). */
  rpc: Rpc;
  deployment: Deployment;
  network: string;
  checkpointFile: string;
  /** Narrow the seat notices to this holder. */
  seat?: string;
  json: boolean;
  webhook?: string;
  /** With a keeper account, the watcher sends syncLayers when needed. */
  keeper?: KeeperAccount;
  /** With a Pyth adapter as the oracle: the keeper sends updateAndSync on this upkeep, with updates from `source`. */
  pyth?: { upkeep: string; source: PythSource };
  /** Milliseconds between two looks at the chain head. */
  pollMs: number;
  /** How many blocks behind the head the watcher stays (0: it handles the head itself). */
  confirmations: number;
  /** Keep an existing checkpoint aside (renamed) and start afresh. */
  startOver?: boolean;
  signal: AbortSignal;
  /** Where notices go (one line each), and where the watcher's own status goes. */
  out: (line: string) => void;
  status: (line: string) => void;
  /** More accounts whose timelock roles the audit reads live (the node's unlocked accounts). */
  extraAccounts?: string[];
  webhookDelays?: { initialMs: number; maxMs: number };
}

/** The chain under the watcher no longer holds the council's deployment (a node restarted without its state). */
export class ChainResetError extends CliError {}

/** The chain changed while a poll read it: nothing of the block was committed; the next poll walks back. */
class ChainMoved extends Error {}

/** A lock not refreshed for this long is stale; the watcher refreshes its own every LOCK_REFRESH_MS. */
const LOCK_STALE_MS = 60_000;
const LOCK_REFRESH_MS = 10_000;

/** The block (number and hash) of the council's deployment, from its transaction's receipt on the node. */
export async function deploymentBlock(rpc: Rpc, deployment: Deployment): Promise<{ block: number; hash: string }> {
  const { address, transactionHash } = deployment.contracts.council;
  const receipt = transactionHash
    ? ((await rpc.request({ method: "eth_getTransactionReceipt", params: [transactionHash] })) as {
        blockNumber: string;
        blockHash: string;
        contractAddress?: string | null;
      } | null)
    : null;
  if (!receipt || (receipt.contractAddress && receipt.contractAddress.toLowerCase() !== address.toLowerCase())) {
    throw new ChainResetError(
      `the node's chain does not hold the council's deployment (transaction ${transactionHash ?? "unknown"}): the chain was reset (a restarted node keeps no state) or it is another chain; deploy again (hedge:deploy), then start hedge:watch again`,
    );
  }
  return { block: Number(receipt.blockNumber), hash: receipt.blockHash };
}

export interface BlockTiming {
  block: number;
  events: number;
  /** Milliseconds: events fetched, replayed and the notices decided (without the live-state comparison). */
  eventsMs: number;
  /** Milliseconds: the live state read and compared with the replay. */
  liveMs: number;
  totalMs: number;
}

export class Watcher {
  private cp!: Checkpoint;
  private audit!: ContinuousAudit;
  private proposals!: Proposals;
  private keeper?: Keeper;
  private webhookSender?: Webhook;
  private findingKeys = new Set<string>();
  private lastPreview: SyncPreview | null = null;
  private readonly schedules = new Map<string, PythSchedule | null>();
  private lastHeader: BlockHeader | null = null;
  private identity!: { block: number; hash: string };
  private lock: { file: string; token: string; timer: NodeJS.Timeout } | null = null;
  /** Aborted when the watcher stops for any reason (a signal, or an error): stops the webhook's loop. */
  private readonly halt = new AbortController();
  /** Timings of the blocks handled, newest last (at most 100 kept). */
  readonly timings: BlockTiming[] = [];

  constructor(private readonly o: WatchOptions) {}

  get checkpoint(): Checkpoint {
    return this.cp;
  }

  /** Starts, then follows the chain until the signal aborts. Resolves once stopped cleanly. */
  async run(): Promise<void> {
    try {
      await this.start();
      while (!this.o.signal.aborted) {
        try {
          await this.poll();
        } catch (error) {
          if (!(error instanceof ChainMoved)) throw error;
        }
        await sleep(this.o.pollMs, this.o.signal);
      }
    } catch (error) {
      if (!(error instanceof StoppedError) && !this.o.signal.aborted) throw error;
    } finally {
      this.halt.abort();
      await this.webhookSender?.done;
      this.unlock();
    }
  }

  /** Releases the checkpoint's lock (run does; a test that drives start and poll by hand calls it). */
  unlock(): void {
    if (!this.lock) return;
    clearInterval(this.lock.timer);
    releaseLock(this.lock.file, this.lock.token);
    this.lock = null;
  }

  /** Checks the chain and the checkpoint, audits the history, and handles the start block. */
  async start(): Promise<void> {
    const { rpc, deployment } = this.o;
    const chainId = Number(await rpc.request({ method: "eth_chainId", params: [] }));
    if (chainId !== deployment.chainId)
      throw new CliError(`the deployment is for chain ${deployment.chainId}, but the node is chain ${chainId}`);
    const council = deployment.contracts.council.address;
    this.identity = await deploymentBlock(rpc, deployment);
    await this.takeLock();
    this.cp =
      readCheckpoint(this.o.checkpointFile, chainId, council, this.identity) ??
      emptyCheckpoint(chainId, council, this.identity);
    this.findingKeys = new Set(this.cp.findings);
    this.flush(); // what a previous run decided but did not print

    const fresh = this.cp.lastBlock < 0;
    // On a restart, the checkpoint's last block may have been orphaned while the watcher was stopped.
    const ancestor = fresh ? null : await this.commonAncestor();
    const startBlock = fresh
      ? Math.max(this.identity.block, (await blockNumber(rpc)) - this.o.confirmations)
      : ancestor!.number;
    this.o.status(
      `hedge:watch: council ${council} on network "${this.o.network}" (chain ${chainId}); ${fresh ? `starting at block ${startBlock}` : `resuming after block ${startBlock}`}, ${this.o.confirmations} confirmation(s); checkpoint ${this.o.checkpointFile}`,
    );
    const findings = await this.rebuild(startBlock);
    this.startServices(chainId);
    const header = await this.header(startBlock);
    if (ancestor && ancestor.number < this.cp.lastBlock) return this.rollback(header, findings);

    // On a fresh start, what the start-up audit found is told; on a restart, only what was not told before.
    const drafts = this.findingDrafts(findings, true);
    const { conditions } = this.proposals.conditions(header.timestamp, true);
    const oracle = await this.oracleDrafts(header, !fresh);
    this.cp.verifyFrom = header.number;
    this.commit(header, [...drafts, ...oracle.events], [...conditions, ...oracle.conditions]);
    if (this.keeper) this.commitExtra(header, await this.keeper.step(header, oracle.preview));
  }

  /** Rebuilds the audit's replay and the proposals up to `toBlock`, as a start does; returns the audit's findings. */
  private async rebuild(toBlock: number): Promise<Finding[]> {
    const { rpc, deployment } = this.o;
    const council = deployment.contracts.council.address;
    const { audit, findings } = await ContinuousAudit.start({
      rpc,
      deployment,
      network: this.o.network,
      toBlock,
      extraAccounts: this.o.extraAccounts,
    });
    this.audit = audit;
    this.proposals = new Proposals({
      rpc,
      council,
      seats: deployment.contracts.seats.address,
      seat: this.o.seat?.toLowerCase(),
      book: {
        policy: deployment.contracts.policy.address,
        seats: deployment.contracts.seats.address,
        council,
        timelock: deployment.contracts.timelock.address,
        // The policy's oracle at the block rebuilt to (a setOracle may have replaced the deployments file's).
        oracle: String((await view(rpc, ABI.policy, deployment.contracts.policy.address, "oracle", [], toBlock))[0]),
      },
      policyNow: () => this.audit.policy,
    });
    const firstBlock = Math.min(
      ...Object.values(deployment.contracts)
        .map((c) => c?.blockNumber)
        .filter((b): b is number => typeof b === "number"),
    );
    this.proposals.apply(await audit.events(Number.isFinite(firstBlock) ? firstBlock : 0, toBlock));
    await this.proposals.refresh(toBlock, true);
    return findings;
  }

  /** The webhook's sender and the keeper, once. */
  private startServices(chainId: number): void {
    const { rpc, deployment } = this.o;
    if (this.o.webhook && !this.webhookSender) {
      this.webhookSender = new Webhook({
        url: this.o.webhook,
        signal: AbortSignal.any([this.o.signal, this.halt.signal]),
        outbox: () => this.cp.outbox,
        delivered: (n) => {
          this.cp.outbox.shift();
          this.cp.delivered.push(n.id);
          if (this.cp.delivered.length > DELIVERED_KEPT)
            this.cp.delivered.splice(0, this.cp.delivered.length - DELIVERED_KEPT);
          this.save();
        },
        onOutage: (failing, detail) =>
          this.o.status(
            failing
              ? `hedge:watch: webhook ${urlOrigin(this.o.webhook!)} refused a notice (${oneLine(String(detail))}); retrying with back-off`
              : `hedge:watch: webhook delivering again`,
          ),
        initialDelayMs: this.o.webhookDelays?.initialMs,
        maxDelayMs: this.o.webhookDelays?.maxMs,
      });
    }
    if (this.o.keeper && !this.keeper) {
      this.keeper = new Keeper({
        rpc,
        policy: deployment.contracts.policy.address,
        chainId,
        account: this.o.keeper,
        pyth: this.o.pyth,
        checkpoint: () => this.cp,
        save: () => this.save(),
      });
    }
  }

  /**
   * One look at the head: checks that the blocks handled last time are still on the chain (walking back if not),
   * then handles every block after the checkpoint's up to `confirmations` behind the head. Returns how many blocks
   * were handled.
   */
  async poll(): Promise<number> {
    const head = await blockNumber(this.o.rpc);
    await this.verify();
    const target = head - this.o.confirmations;
    if (target <= this.cp.lastBlock) {
      if (this.keeper && this.lastHeader && this.lastPreview)
        this.commitExtra(this.lastHeader, await this.keeper.step(this.lastHeader, this.lastPreview));
      return 0;
    }
    this.cp.verifyFrom = this.cp.lastBlock + 1;
    const events = await this.audit.events(this.cp.lastBlock + 1, target);
    const byBlock = new Map<number, AuditEvent[]>();
    for (const ev of events) {
      const list = byBlock.get(ev.block) ?? [];
      list.push(ev);
      byBlock.set(ev.block, list);
    }
    const blocks = [...new Set([...byBlock.keys(), target])].sort((a, b) => a - b);
    for (const block of blocks) await this.handle(block, byBlock.get(block) ?? [], block === target);
    return blocks.length;
  }

  /** Handles one block: its events, the conditions at its time and, at the head, the live state and the keeper. */
  async handle(block: number, events: AuditEvent[], tip: boolean): Promise<void> {
    const started = performance.now();
    const header = await this.header(block);
    // Events and header from two branches: the chain moved between the two reads; nothing of the block is applied.
    if (events.some((ev) => ev.blockHash !== header.hash)) throw new ChainMoved();
    const drafts: NoticeDraft[] = [];
    drafts.push(...this.findingDrafts(await this.audit.apply(events), false));
    drafts.push(...this.proposals.apply(events));
    drafts.push(...layerDrafts(events));
    drafts.push(...(await this.proposals.refresh(block)));
    const time = this.proposals.conditions(header.timestamp);
    drafts.push(...time.events);
    const oracle = await this.oracleDrafts(header, true);
    drafts.push(...oracle.events);
    const eventsDone = performance.now();
    if (tip) drafts.push(...this.liveDrafts(await this.audit.live(block, header.timestamp)));
    const liveDone = performance.now();
    this.commit(header, drafts, [...time.conditions, ...oracle.conditions]);
    this.timings.push({
      block,
      events: events.length,
      eventsMs: eventsDone - started,
      liveMs: liveDone - eventsDone,
      totalMs: performance.now() - started,
    });
    if (this.timings.length > 100) this.timings.shift();
    if (tip && this.keeper) this.commitExtra(header, await this.keeper.step(header, oracle.preview));
  }

  // ------------------------------------------------------------------------------------------------ notices

  private findingDrafts(findings: Finding[], baseline: boolean): NoticeDraft[] {
    const out: NoticeDraft[] = [];
    for (const f of findings) {
      const key = findingKey(f);
      if (this.findingKeys.has(key)) continue;
      this.findingKeys.add(key);
      out.push(findingDraft(f, key, baseline));
    }
    return out;
  }

  /** Live findings: told when they appear; a state finding that disappears may be told again if it comes back. */
  private liveDrafts(findings: Finding[]): NoticeDraft[] {
    const current = new Set(findings.map(findingKey));
    for (const key of [...this.findingKeys])
      if (key.startsWith("finding:state:") && !current.has(key)) this.findingKeys.delete(key);
    return this.findingDrafts(findings, false);
  }

  private async oracleDrafts(
    header: BlockHeader,
    announceRecovery: boolean,
  ): Promise<{ events: NoticeDraft[]; conditions: NoticeDraft[]; preview: SyncPreview }> {
    const { rpc, deployment } = this.o;
    const policyAddress = deployment.contracts.policy.address;
    const [policy, engaged, oracle] = await Promise.all([
      view(rpc, ABI.policy, policyAddress, "policy", [], header.number),
      view(rpc, ABI.policy, policyAddress, "engagedLayers", [], header.number),
      view(rpc, ABI.policy, policyAddress, "oracle", [], header.number),
    ]);
    const p = policy[0];
    const inputs = {
      triggers: (p.layers as { triggerVix: bigint }[]).map((l) => Number(l.triggerVix)),
      hysteresisVix: Number(p.hysteresisVix),
      maxOracleAge: Number(p.maxOracleAge),
      engagedMask: Number(engaged[0]),
    };
    const reading = await readOracle(rpc, String(oracle[0]), inputs.maxOracleAge, header.timestamp, header.number);
    const preview = previewSync(inputs, reading);
    this.lastPreview = preview;
    this.lastHeader = header;
    const events: NoticeDraft[] = [];
    const conditions: NoticeDraft[] = [];
    const round = `${reading.roundId}:${reading.updatedAt}`;
    const schedule = await this.schedule(String(oracle[0]), header.number);
    if (schedule) conditions.push(...(await this.scheduleDrafts(String(oracle[0]), schedule, header)));
    const why = oracleWhy(reading.status, reading.updatedAt, inputs.maxOracleAge, header.timestamp);
    // The Pyth keeper pushes a price only when it moves a layer: its stale on-chain answer is told only while it
    // cannot see the live price (its Hermes fetch failed).
    const keeperSees = schedule !== null && this.keeper?.pythSees === true && reading.status === "Stale";
    if (reading.status !== "Fresh" && !keeperSees) {
      conditions.push({
        // Past a Pyth schedule's end the cause is another (and so are the words): told again.
        key: `oracle:${reading.status}:${round}${schedule && header.timestamp >= schedule.scheduleEnd ? ":ended" : ""}`,
        kind: "oracle-stale",
        severity: "warning",
        message: schedule
          ? pythStaleWords(String(oracle[0]), why, schedule, header.timestamp, this.keeper?.pythSees === false)
          : `the VIX oracle ${oracle[0]} answers ${why}: syncLayers refuses it, so no layer can engage or disengage until the feed answers again`,
        details: {
          status: reading.status,
          roundId: String(reading.roundId),
          updatedAt: Number(reading.updatedAt),
          ...(schedule ? { pull: true, scheduleEnd: schedule.scheduleEnd } : {}),
        },
      });
    } else if (announceRecovery && this.cp.oracle && !this.cp.oracle.healthy) {
      events.push({
        key: `oracle-recovered:${round}`,
        kind: "oracle-recovered",
        severity: "info",
        message: `the VIX oracle answers usably again: VIX ${fmtVix(reading.vix)}${preview.needed ? " (a sync would change the layers)" : ""}`,
        details: { vix: reading.vix, roundId: String(reading.roundId) },
      });
    }
    // A stale answer the Pyth keeper sees past is no outage: its end is no recovery to tell either.
    this.cp.oracle = { healthy: reading.status === "Fresh" || keeperSees, round };
    return { events, conditions, preview };
  }

  /** The oracle's Pyth schedule (null: not a Pyth adapter), read once per oracle: it is fixed at construction. */
  private async schedule(oracle: string, block: number): Promise<PythSchedule | null> {
    const key = oracle.toLowerCase();
    if (!this.schedules.has(key)) this.schedules.set(key, await pythSchedule(this.o.rpc, oracle, block));
    return this.schedules.get(key)!;
  }

  /**
   * The Pyth adapter's schedule nearing its end: one condition per stage (warning within the horizon, high once a
   * Critical proposal made now might not run in time, critical once not even one approved now could, and once it
   * ended), keyed by the adapter, the end and the stage: told once while it holds, again as it escalates.
   */
  private async scheduleDrafts(oracle: string, s: PythSchedule, header: BlockHeader): Promise<NoticeDraft[]> {
    const council = this.o.deployment.contracts.council.address;
    let rule: { delay: number; ttl: number } | null = null;
    try {
      const [tier, expiry] = await Promise.all([
        view(this.o.rpc, ABI.council, council, "tierRule", [Tier.Critical], header.number),
        view(this.o.rpc, ABI.council, council, "expiry", [], header.number),
      ]);
      rule = { delay: Number(tier[1]), ttl: Number(expiry[0]) };
    } catch {
      rule = null; // the council's rules unreadable: the default horizon alone
    }
    const lead = rule ? rule.delay + rule.ttl : 0;
    const horizon = Math.max(SCHEDULE_HORIZON, 2 * lead);
    const left = s.scheduleEnd - header.timestamp;
    if (left > horizon) return [];
    const stage =
      left <= 0 ? "ended" : rule && left <= rule.delay ? "critical" : rule && left <= lead ? "high" : "warning";
    const end = fmtTime(s.scheduleEnd);
    const why = rule
      ? `the horizon is ${days(horizon)}: twice the Critical delay (${days(rule.delay)}) plus the proposal TTL (${days(rule.ttl)}), at least ${days(SCHEDULE_HORIZON)}`
      : `the horizon is ${days(horizon)} (the council's Critical delay and proposal TTL could not be read)`;
    const todo = `propose a setOracle to a new PythVixAdapter with the next months (hedge:propose oracle --address ...): it is Critical and needs its approvals and its delay${rule ? ` (${days(rule.delay)})` : ""} before the end`;
    const message =
      stage === "ended"
        ? `the Pyth adapter ${oracle}'s roll schedule ended at ${end} (its last month: price id ${s.lastPriceId}): every read reverts and syncLayers refuses, the hedge is frozen until a Critical setOracle; ${todo.replace(" before the end", "")}`
        : `the Pyth adapter ${oracle}'s roll schedule ends at ${end}, in ${days(left)} (its last month: price id ${s.lastPriceId}); from then every read reverts and the hedge freezes until a setOracle: ${todo}${stage === "critical" ? "; not even a proposal approved now can run before the end" : stage === "high" ? "; a proposal made now may not run before the end" : ""}. ${why}`;
    return [
      {
        key: `oracle-schedule:${oracle.toLowerCase()}:${s.scheduleEnd}:${stage}`,
        kind: "oracle-schedule-ending",
        severity: stage === "warning" ? "warning" : stage === "high" ? "high" : "critical",
        message,
        details: {
          oracle,
          scheduleEnd: s.scheduleEnd,
          scheduleEndTime: new Date(s.scheduleEnd * 1000).toISOString(),
          secondsLeft: left,
          stage,
          lastPriceId: s.lastPriceId,
          lastRollTime: s.lastRollTime,
          months: s.monthCount,
          horizon,
          criticalDelay: rule?.delay ?? null,
          proposalTtl: rule?.ttl ?? null,
        },
      },
    ];
  }

  // ------------------------------------------------------------------------------------------------ committing

  /**
   * Commits a handled block: the new notices (events, and conditions that were not true at the last block), the
   * block as the checkpoint's last, in one atomic write; then prints and wakes the webhook.
   */
  private commit(header: BlockHeader, events: NoticeDraft[], conditions: NoticeDraft[]): void {
    const told = new Set(this.cp.told);
    // A condition's notice is keyed by the condition and the block it became true at: told once while it holds, and
    // told again (with a new id, which a webhook receiver must not drop as a duplicate) if it ends and comes back.
    const fresh = conditions.filter((c) => !told.has(c.key)).map((c) => ({ ...c, key: `${c.key}@${header.number}` }));
    this.cp.told = [...new Set(conditions.map((c) => c.key))];
    this.cp.lastBlock = header.number;
    this.cp.lastBlockHash = header.hash;
    if (this.cp.blocks.at(-1)?.[0] !== header.number) this.cp.blocks.push([header.number, header.hash]);
    const oldest = header.number - REORG_WINDOW;
    if (this.cp.blocks[0][0] < oldest) this.cp.blocks = this.cp.blocks.filter(([n]) => n >= oldest);
    if ((this.cp.recent[0]?.block ?? oldest) < oldest) this.cp.recent = this.cp.recent.filter((n) => n.block >= oldest);
    this.enqueue(header, [...events, ...fresh]);
  }

  /** Notices decided at a block already committed (the keeper's). */
  private commitExtra(header: BlockHeader, drafts: NoticeDraft[]): void {
    if (drafts.length > 0) this.enqueue(header, drafts);
  }

  private enqueue(header: BlockHeader, drafts: NoticeDraft[]): void {
    const seen = new Set<string>();
    const notices: Notice[] = [];
    for (const d of drafts) {
      if (seen.has(d.key)) continue;
      seen.add(d.key);
      notices.push(
        makeNotice(d, {
          chainId: this.cp.chainId,
          council: this.cp.council,
          block: header.number,
          hash: header.hash,
          timestamp: header.timestamp,
        }),
      );
    }
    for (const n of notices) this.cp.recent.push({ id: n.id, block: n.block, kind: n.kind });
    this.cp.unprinted.push(...notices);
    if (this.o.webhook) this.cp.outbox.push(...notices);
    this.save();
    this.flush();
    this.webhookSender?.poke();
  }

  private flush(): void {
    if (this.cp.unprinted.length === 0) return;
    for (const n of this.cp.unprinted) this.o.out(this.o.json ? jsonLine(n) : humanLine(n));
    this.cp.unprinted = [];
    this.save();
  }

  private save(): void {
    this.cp.findings = [...this.findingKeys];
    const lock = this.lock;
    if (lock && !writeCheckpoint(this.o.checkpointFile, this.cp, () => touchLock(lock.file, lock.token))) {
      throw new CliError(
        `another hedge:watch (${lockHolder(lock.file) ?? "unknown"}) took checkpoint ${this.o.checkpointFile} over while this one was not running (a frozen process?): this one stops without writing`,
      );
    }
    if (!lock) writeCheckpoint(this.o.checkpointFile, this.cp);
  }

  /** Locks the checkpoint for this watcher (refused in one line while another runs), after --start-over's move. */
  private async takeLock(): Promise<void> {
    if (this.lock) return;
    const file = this.o.checkpointFile;
    const lockFile = `${file}.lock`;
    const token = await acquireLock(lockFile, { waitMs: 0, staleMs: LOCK_STALE_MS });
    if (token === null)
      throw new CliError(
        `another hedge:watch (${lockHolder(lockFile) ?? "starting now"}) follows checkpoint ${file}: one watcher per checkpoint; stop it first, or give another --checkpoint`,
      );
    const timer = setInterval(() => touchLock(lockFile, token), LOCK_REFRESH_MS).unref();
    this.lock = { file: lockFile, token, timer };
    if (this.o.startOver && fs.existsSync(file)) {
      const aside = `${file}.replaced-${new Date().toISOString().replace(/[:.]/g, "-")}`;
      fs.renameSync(file, aside);
      this.o.status(`hedge:watch: --start-over: the previous checkpoint is kept as ${aside}`);
    }
  }

  // ------------------------------------------------------------------------------------------------ the chain

  private async header(block: number): Promise<BlockHeader> {
    const header = await getBlock(this.o.rpc, block);
    if (!header) throw new ChainMoved(); // gone since the head was read: a reorganisation to a shorter branch
    return header;
  }

  /** Walks back if a block handled by the last poll (or the last block) is no longer on the node's chain. */
  private async verify(): Promise<void> {
    const from = Math.min(this.cp.verifyFrom, this.cp.lastBlock);
    const recent = this.cp.blocks.filter(([n]) => n >= from);
    const found = await Promise.all(recent.map(([n]) => getBlock(this.o.rpc, n)));
    if (recent.every(([, hash], i) => found[i]?.hash === hash) && recent.at(-1)?.[0] === this.cp.lastBlock) return;
    const ancestor = await this.commonAncestor();
    if (ancestor.number < this.cp.lastBlock || ancestor.hash !== this.cp.lastBlockHash)
      await this.rollback(ancestor, await this.rebuild(ancestor.number));
  }

  /**
   * The newest block the watcher handled that is still on the node's chain; the council's deployment block when
   * none within REORG_WINDOW is. Throws ChainResetError when the chain no longer holds the deployment.
   */
  private async commonAncestor(): Promise<BlockHeader> {
    const blocks = this.cp.blocks;
    const found = await Promise.all(blocks.map(([n]) => getBlock(this.o.rpc, n)));
    for (let i = blocks.length - 1; i >= 0; i--) if (found[i]?.hash === blocks[i][1]) return found[i]!;
    const deployed = await deploymentBlock(this.o.rpc, this.o.deployment);
    if (deployed.hash !== this.cp.deployment.hash)
      throw new ChainResetError(
        `the node's chain no longer holds the council's deployment block ${this.cp.deployment.block} (${this.cp.deployment.hash}): the chain was reset or it is another chain; ${START_OVER}`,
      );
    const header = await getBlock(this.o.rpc, deployed.block);
    if (!header) throw new ChainMoved();
    return header;
  }

  /**
   * After the chain reorganised below the last block handled: the view rebuilt at `ancestor` (`findings`: the
   * audit's there, told before), the conditions and the oracle as they were there, the keeper's transaction
   * re-judged, and one notice for the reorganisation plus one retraction per notice told from an orphaned block.
   */
  private async rollback(ancestor: BlockHeader, findings: Finding[]): Promise<void> {
    const cp = this.cp;
    const orphaned = cp.recent.filter((n) => n.block > ancestor.number);
    const replaced = { from: ancestor.number + 1, to: cp.lastBlock, last: cp.lastBlockHash };
    this.findingKeys = new Set(findings.map(findingKey));
    const { conditions } = this.proposals.conditions(ancestor.timestamp, true);
    const oracle = await this.oracleDrafts(ancestor, false);
    cp.told = [...new Set([...conditions, ...oracle.conditions].map((c) => c.key))];
    cp.blocks = cp.blocks.filter(([n]) => n < ancestor.number);
    cp.blocks.push([ancestor.number, ancestor.hash]);
    cp.recent = cp.recent.filter((n) => n.block <= ancestor.number);
    cp.lastBlock = ancestor.number;
    cp.lastBlockHash = ancestor.hash;
    cp.verifyFrom = ancestor.number;
    const k = cp.keeper;
    if (k && (k.pending || (k.minedAt ?? -1) > ancestor.number)) {
      Object.assign(k, { pending: true, orphaned: true, sentAt: ancestor.number });
      delete k.minedAt;
    }
    const drafts: NoticeDraft[] = [
      {
        key: `reorg:${replaced.last}:${ancestor.hash}`,
        kind: "reorg",
        severity: "warning",
        message: `the chain reorganised: blocks ${replaced.from}..${replaced.to} the watcher had handled are no longer on it (common ancestor block ${ancestor.number}); ${orphaned.length} notice(s) told from them are retracted, and the new blocks are handled from here`,
        details: {
          ancestor: ancestor.number,
          ancestorHash: ancestor.hash,
          orphaned: [replaced.from, replaced.to],
          retracted: orphaned.map((n) => n.id),
        },
      },
      ...orphaned.map((n) => ({
        key: `retracted:${n.id}`,
        kind: "retracted" as const,
        severity: "info" as const,
        message: `retracts notice ${n.id} (${n.kind}, told from block ${n.block}, which a reorganisation orphaned)`,
        details: { retracts: n.id, block: n.block, kind: n.kind },
      })),
    ];
    this.enqueue(ancestor, drafts);
    if (this.keeper) this.commitExtra(ancestor, await this.keeper.step(ancestor, oracle.preview));
  }
}

function findingKey(f: Finding): string {
  const kind = f.at ? "event" : "state";
  const hash = createHash("sha256")
    .update(JSON.stringify([f.kind, f.subject ?? "", f.message, f.at?.tx ?? "", f.at?.logIndex ?? ""]))
    .digest("hex")
    .slice(0, 24);
  return `finding:${kind}:${hash}`;
}

function findingDraft(f: Finding, key: string, baseline: boolean): NoticeDraft {
  return {
    key,
    kind: "finding",
    severity: findingSeverity(f.kind),
    ...(f.proposalId ? { proposalId: f.proposalId } : {}),
    message: `[${f.kind}] ${f.message}${f.at ? ` (block ${f.at.block}, tx ${shortId(f.at.tx)})` : ""}${baseline ? " (found by the start-up audit)" : ""}`,
    details: { findingKind: f.kind, check: f.check, subject: f.subject ?? null, at: f.at ?? null },
  };
}

function layerDrafts(events: AuditEvent[]): NoticeDraft[] {
  const out: NoticeDraft[] = [];
  for (const ev of events) {
    if (ev.contract !== "policy" || (ev.name !== "LayerEngaged" && ev.name !== "LayerDisengaged")) continue;
    const engaged = ev.name === "LayerEngaged";
    const layer = Number(ev.args[0]);
    const vix = Number(ev.args[1]);
    out.push({
      key: `layer:${ev.tx}:${ev.logIndex}`,
      kind: engaged ? "layer-engaged" : "layer-disengaged",
      severity: engaged ? "warning" : "info",
      message:
        vix === 0
          ? `layer ${layer} disengaged: a policy change removed it (tx ${shortId(ev.tx)})`
          : `layer ${layer} ${engaged ? "engaged" : "disengaged"} at VIX ${fmtVix(vix)} (tx ${shortId(ev.tx)})`,
      details: { layer, vix, tx: ev.tx },
    });
  }
  return out;
}

/** The default horizon of the schedule's end: 6 weeks (longer when the council's Critical path needs it). */
export const SCHEDULE_HORIZON = 42 * 86_400;

const days = (seconds: number) =>
  seconds >= 86_400 ? `${Math.round((seconds / 86_400) * 10) / 10} d` : `${Math.round(seconds / 3_600)} h`;

/** The stale words of a Pyth adapter (a pull oracle): only an update refreshes its on-chain price. */
function pythStaleWords(oracle: string, why: string, s: PythSchedule, now: number, hermesFails: boolean): string {
  if (now >= s.scheduleEnd)
    return `the VIX oracle ${oracle} (a Pyth adapter) answers ${why}: its roll schedule ended at ${fmtTime(s.scheduleEnd)}, every read reverts, and no layer can engage or disengage until a Critical setOracle to a new adapter runs`;
  return `the VIX oracle ${oracle} answers ${why}: syncLayers refuses it, so no layer can engage or disengage. It is a Pyth adapter, a pull oracle: its on-chain price is refreshed only by an update (hedge:watch --sync with Hermes, or anyone's HedgeUpkeep.updateAndSync)${hermesFails ? "; this watcher's keeper cannot fetch one from Hermes now" : ""}`;
}

function oracleWhy(status: string, updatedAt: bigint, maxAge: number, now: number): string {
  switch (status) {
    case "Stale":
      return `an answer ${now - Number(updatedAt)} s old, older than maxOracleAge ${maxAge} s`;
    case "FromFuture":
      return `an answer dated in the future (${Number(updatedAt) - now} s ahead)`;
    case "RoundIncomplete":
      return "an incomplete round (updatedAt 0)";
    case "NotPositive":
      return "an answer that is not positive";
    case "OutOfRange":
      return "an answer that is no VIX level";
    default:
      return "nothing usable (it reverts, has no code, or answers malformed data)";
  }
}

// JSON-RPC for a process that must outlive its node: every request has a timeout, a failed request is retried with
// exponential back-off (with jitter) until it succeeds or the watcher stops, and the caller hears about outages once,
// not once per retry. Errors the node answers (a revert, an invalid argument) are not retried: they are answers.
import type { Rpc } from "./audit";

/** A JSON-RPC error answered by the node (as opposed to a transport failure). */
export class RpcAnswerError extends Error {
  constructor(
    message: string,
    readonly code: number,
    readonly data?: unknown,
  ) {
    super(message);
    this.name = "RpcAnswerError";
  }
}

/** Thrown by any request once the watcher is stopping: nothing more is retried. */
export class StoppedError extends Error {
  constructor() {
    super("stopped");
    this.name = "StoppedError";
  }
}

interface Pending {
  body: { jsonrpc: "2.0"; id: number; method: string; params: unknown[] };
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * Plain JSON-RPC over HTTP with a timeout per request (no retries). Requests made in the same turn of the event loop
 * go out as one JSON-RPC batch (at most `maxBatch`): the audit's reads of a block are dozens of `eth_call`s, and one
 * HTTP request instead of dozens is faster and gives a flaky link fewer chances to fail.
 */
export class HttpRpc implements Rpc {
  private id = 0;
  private queue: Pending[] = [];

  constructor(
    readonly url: string,
    private readonly timeoutMs = 10_000,
    private readonly signal?: AbortSignal,
    private readonly maxBatch = 50,
  ) {}

  request(args: { method: string; params?: unknown[] }): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const body = { jsonrpc: "2.0" as const, id: ++this.id, method: args.method, params: args.params ?? [] };
      this.queue.push({ body, resolve, reject });
      if (this.queue.length === 1) setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      this.send(batch).catch((error) => batch.forEach((p) => p.reject(error)));
    }
  }

  private async send(batch: Pending[]): Promise<void> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const signal = this.signal ? AbortSignal.any([timeout, this.signal]) : timeout;
    const single = batch.length === 1;
    const response = await fetch(this.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(single ? batch[0].body : batch.map((p) => p.body)),
      signal,
    });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new Error(`HTTP ${response.status} from ${this.url}: not JSON-RPC (${text.slice(0, 80)})`);
    }
    type Answer = { id?: number; result?: unknown; error?: { code: number; message: string; data?: unknown } };
    if (!Array.isArray(parsed)) {
      const answer = parsed as Answer;
      // A single answer to a batch is the node refusing the whole batch (or a proxy's error): it applies to all.
      if (!single && !answer.error) throw new Error(`HTTP ${response.status} from ${this.url}: a batch got one answer`);
      for (const p of batch) settle(p, answer, response);
      return;
    }
    const byId = new Map((parsed as Answer[]).map((a) => [a.id, a]));
    for (const p of batch) {
      const answer = byId.get(p.body.id);
      if (answer) settle(p, answer, response);
      else p.reject(new Error(`HTTP ${response.status} from ${this.url}: no answer to request ${p.body.id}`));
    }

    function settle(p: Pending, answer: Answer, r: Response) {
      if (answer.error) p.reject(new RpcAnswerError(answer.error.message, answer.error.code, answer.error.data));
      else if (!r.ok) p.reject(new Error(`HTTP ${r.status}`));
      else p.resolve(answer.result);
    }
  }
}

export interface RetryOptions {
  /** First back-off in ms (doubles up to maxDelayMs). */
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** Aborted when the watcher stops. */
  signal?: AbortSignal;
  /** Told once when requests start failing and once when they succeed again. */
  onOutage?: (failing: boolean, error?: unknown) => void;
}

/** Sleeps `ms`, or less if `signal` aborts (then throws StoppedError). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new StoppedError());
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new StoppedError());
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

const FINAL_CODES = new Set([3, -32600, -32601, -32602, -32700]);
const FINAL_MESSAGE =
  /revert|VM Exception|invalid opcode|nonce too low|already known|replacement transaction|insufficient funds|nonce has already been used|invalid block tag|unknown block|block number .* (is|not)/i;

/**
 * Whether an error is the node's final answer (a revert, a refused transaction, an unknown method: retrying would
 * get the same answer) rather than a failure worth retrying (transport errors, timeouts, HTTP 5xx and 429, and
 * JSON-RPC errors such as -32005 "limit exceeded" or a bare -32603 "internal error").
 */
export function isAnswer(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  if (!(error instanceof RpcAnswerError) && typeof code !== "number") return false;
  if (typeof code === "number" && FINAL_CODES.has(code)) return true;
  return FINAL_MESSAGE.test(String((error as Error)?.message ?? ""));
}

/** An Rpc that retries transport failures with back-off until they succeed or `signal` aborts. */
export class RetryingRpc implements Rpc {
  private failing = false;

  constructor(
    private readonly inner: Rpc,
    private readonly o: RetryOptions = {},
  ) {}

  async request(args: { method: string; params?: unknown[] }): Promise<unknown> {
    let delay = this.o.initialDelayMs ?? 250;
    for (;;) {
      if (this.o.signal?.aborted) throw new StoppedError();
      try {
        const result = await this.inner.request(args);
        if (this.failing) {
          this.failing = false;
          this.o.onOutage?.(false);
        }
        return result;
      } catch (error) {
        if (this.o.signal?.aborted) throw new StoppedError();
        if (isAnswer(error)) throw error;
        if (!this.failing) {
          this.failing = true;
          this.o.onOutage?.(true, error);
        }
        await sleep(delay * (0.75 + Math.random() * 0.5), this.o.signal);
        delay = Math.min(delay * 2, this.o.maxDelayMs ?? 5_000);
      }
    }
  }
}

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

/** Plain JSON-RPC over HTTP with a timeout per request (no retries). */
export class HttpRpc implements Rpc {
  private id = 0;

  constructor(
    readonly url: string,
    private readonly timeoutMs = 10_000,
    private readonly signal?: AbortSignal,
  ) {}

  async request(args: { method: string; params?: unknown[] }): Promise<unknown> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const signal = this.signal ? AbortSignal.any([timeout, this.signal]) : timeout;
    const response = await fetch(this.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: ++this.id, method: args.method, params: args.params ?? [] }),
      signal,
    });
    const text = await response.text();
    let body: { result?: unknown; error?: { code: number; message: string; data?: unknown } };
    try {
      body = JSON.parse(text);
    } catch {
      throw new Error(`HTTP ${response.status} from ${this.url}: not JSON-RPC (${text.slice(0, 80)})`);
    }
    if (body.error) throw new RpcAnswerError(body.error.message, body.error.code, body.error.data);
    if (!response.ok) throw new Error(`HTTP ${response.status} from ${this.url}`);
    return body.result;
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
  /revert|VM Exception|invalid opcode|nonce too low|already known|replacement transaction|insufficient funds|nonce has already been used/i;

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

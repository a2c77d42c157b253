// Webhook delivery: the outbox (kept in the checkpoint) is POSTed in order, one notice per request, each with its
// idempotency key in the `Idempotency-Key` header and the body's `id`. A notice leaves the outbox only after a 2xx
// answer, and its id joins the checkpoint's delivered list in the same write. Failures (refused connections,
// timeouts, any non-2xx status) are retried with exponential back-off, forever: a notice is dropped only by deleting
// the checkpoint. After a crash between a 2xx and the checkpoint write the notice is sent again with the same key,
// which receivers use to drop the duplicate.
import { sleep, StoppedError } from "./rpc";
import type { Notice } from "./notices";

export interface WebhookOptions {
  url: string;
  signal: AbortSignal;
  /** The outbox (shared with the checkpoint) and the delivered ids. */
  outbox: () => Notice[];
  delivered: (notice: Notice) => void;
  /** Tells once when deliveries start failing and once when they succeed again. */
  onOutage?: (failing: boolean, detail?: string) => void;
  timeoutMs?: number;
  initialDelayMs?: number;
  maxDelayMs?: number;
}

export class Webhook {
  private wake: (() => void) | null = null;
  private failing = false;
  private readonly stopDeadline: AbortSignal;
  readonly done: Promise<void>;

  constructor(private readonly o: WebhookOptions) {
    const deadline = new AbortController();
    this.stopDeadline = deadline.signal;
    o.signal.addEventListener("abort", () => setTimeout(() => deadline.abort(), 1_000).unref(), { once: true });
    this.done = this.loop().catch((error) => {
      if (!(error instanceof StoppedError)) throw error;
    });
  }

  /** Tells the loop that the outbox has new notices. */
  poke(): void {
    this.wake?.();
  }

  private async loop(): Promise<void> {
    let delay = this.o.initialDelayMs ?? 250;
    while (!this.o.signal.aborted) {
      const next = this.o.outbox()[0];
      if (!next) {
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          this.o.signal.addEventListener("abort", () => resolve(), { once: true });
        });
        this.wake = null;
        continue;
      }
      const problem = await this.post(next);
      if (problem === null) {
        this.o.delivered(next);
        delay = this.o.initialDelayMs ?? 250;
        if (this.failing) {
          this.failing = false;
          this.o.onOutage?.(false);
        }
        continue;
      }
      if (!this.failing) {
        this.failing = true;
        this.o.onOutage?.(true, problem);
      }
      await sleep(delay * (0.75 + Math.random() * 0.5), this.o.signal);
      delay = Math.min(delay * 2, this.o.maxDelayMs ?? 10_000);
    }
  }

  /** POSTs one notice; null when delivered, else why not. */
  private async post(notice: Notice): Promise<string | null> {
    try {
      const response = await fetch(this.o.url, {
        method: "POST",
        headers: { "content-type": "application/json", "idempotency-key": notice.id },
        body: JSON.stringify(notice),
        // Not aborted by the stop: a POST in flight is let finish (for at most 1 s once stopping), so that a clean
        // stop never leaves a notice delivered but not recorded as delivered.
        signal: AbortSignal.any([AbortSignal.timeout(this.o.timeoutMs ?? 10_000), this.stopDeadline]),
      });
      await response.arrayBuffer().catch(() => undefined);
      return response.ok ? null : `HTTP ${response.status}`;
    } catch (error) {
      if (this.stopDeadline.aborted) throw new StoppedError();
      return (error as Error).message;
    }
  }
}

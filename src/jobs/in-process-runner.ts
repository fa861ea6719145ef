/**
 * The embedded default when no Redis is configured: jobs run in this process, one sandbox's in
 * order, through the same handler a BullMQ worker uses.
 */
import type { TutorReply, TutorRequest } from '../core/types.ts';
import { type Logger, silentLogger } from '../observability/logger.ts';
import { sandboxKey } from '../sandbox/backend.ts';
import { type CommandJobDeps, handleCommandJob, rateLimitedReply } from './command-job.ts';
import { type DeliveryLedger, deliverOnce, MemoryDeliveryLedger, MemoryResultStore } from './idempotency.ts';
import { BadPayloadError, parseTutorRequest } from './payload.ts';
import type { RateLimiter } from './rate-limit.ts';

/** What became of a submitted request. */
export type SubmitResult =
  /** Ran here; the reply was delivered. */
  | { status: 'done'; reply: TutorReply }
  /** Queued for a worker; the reply comes through `deliver` later. */
  | { status: 'queued'; jobId: string }
  /** Over the user's rate limit; the friendly refusal was delivered. */
  | { status: 'rate-limited'; retryAfterMs: number }
  /** Not a valid request (an adapter bug); logged, nothing delivered. */
  | { status: 'rejected'; reason: string };

export interface JobRunner {
  /** Accepts a request; the reply is delivered through `deliver`. In-process, resolves after delivery. */
  submit(req: TutorRequest): Promise<SubmitResult>;
  /** Waits for accepted work (in-process) or stops consuming (queued), then closes connections. */
  close(): Promise<void>;
}

export interface InProcessRunnerDeps extends CommandJobDeps {
  rateLimiter?: RateLimiter;
  /** For the refusal message; default 30. */
  rateLimitPerMinute?: number;
  logger?: Logger;
}

export class InProcessRunner implements JobRunner {
  private readonly pending = new Set<Promise<unknown>>();
  /** Tail of each sandbox's chain: a sandbox's requests run one after another, in order. */
  private readonly tails = new Map<string, Promise<unknown>>();
  private readonly ledger: DeliveryLedger;
  private readonly deps: InProcessRunnerDeps;
  private readonly log: Logger;

  constructor(deps: InProcessRunnerDeps) {
    this.ledger = deps.ledger ?? new MemoryDeliveryLedger();
    this.deps = { results: new MemoryResultStore(), ...deps, ledger: this.ledger };
    this.log = deps.logger ?? silentLogger;
  }

  submit(req: TutorRequest): Promise<SubmitResult> {
    let valid: TutorRequest;
    try {
      valid = parseTutorRequest(req);
    } catch (e) {
      if (!(e instanceof BadPayloadError)) throw e;
      this.log.warn({ requestId: (req as { id?: unknown })?.id, reason: e.message }, 'request rejected');
      return Promise.resolve({ status: 'rejected', reason: e.message });
    }
    const key = sandboxKey(valid.identity.platform, valid.identity.workspace, valid.identity.userId);
    const prev = this.tails.get(key) ?? Promise.resolve();
    const job = prev.then(() => this.run(key, valid));
    const tail = job.catch(() => undefined);
    this.tails.set(key, tail);
    this.pending.add(tail);
    void tail.then(() => {
      this.pending.delete(tail);
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return job;
  }

  private async run(key: string, req: TutorRequest): Promise<SubmitResult> {
    if (this.deps.rateLimiter) {
      const d = await this.deps.rateLimiter.take(key);
      if (!d.allowed) {
        const refusal = rateLimitedReply(req, this.deps.rateLimitPerMinute ?? 30, d.retryAfterMs);
        await deliverOnce(this.ledger, this.deps.deliver, refusal, req);
        return { status: 'rate-limited', retryAfterMs: d.retryAfterMs };
      }
    }
    const reply = await handleCommandJob(this.deps, req);
    return { status: 'done', reply };
  }

  async close(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }
}

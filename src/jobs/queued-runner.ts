/**
 * The bot-process side of the queued pipeline: `submit` checks the request and the user's rate
 * limit, then appends it to its sandbox's queue and returns at once (the adapter acknowledges the
 * platform within its 3 s). The same object consumes the deliveries queue of the platforms this
 * process serves, posting each reply at most once through the adapter's `deliver`.
 */
import { randomUUID } from 'node:crypto';
import { type Job, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Platform, TutorRequest } from '../core/types.ts';
import { type Logger, silentLogger } from '../observability/logger.ts';
import type { PipelineMetrics } from '../observability/metrics.ts';
import { sandboxKey } from '../sandbox/backend.ts';
import { rateLimitedReply } from './command-job.ts';
import { type Deliver, type DeliveryLedger, deliverOnce, RedisDeliveryLedger } from './idempotency.ts';
import type { JobRunner, SubmitResult } from './in-process-runner.ts';
import type { DeliveryJobData, SandboxOpJobData } from './job-data.ts';
import { BadPayloadError, parseTutorRequest } from './payload.ts';
import { defaultLayout, deliveryQueueName, type QueueLayout } from './queues.ts';
import type { RateLimiter } from './rate-limit.ts';
import { decodeReply } from './reply-codec.ts';
import { SandboxQueue } from './sandbox-queue.ts';

export interface QueuedRunnerOptions {
  redis: Redis;
  layout?: QueueLayout;
  /** Posts a reply on the platform; called at most once per request ID. */
  deliver: Deliver;
  /** Platforms whose deliveries this process posts. Empty: it only submits. */
  platforms: Platform[];
  rateLimiter?: RateLimiter;
  /** For the refusal message. Default 30. */
  rateLimitPerMinute?: number;
  /** Replies posted at once (different students); one student's replies stay in order. Default 16. */
  deliveryConcurrency?: number;
  /** A second submit of the same request ID within this time is ignored (platform retries). Default 1 h. */
  dedupMs?: number;
  ledger?: DeliveryLedger;
  logger?: Logger;
  metrics?: PipelineMetrics;
}

export class QueuedRunner implements JobRunner {
  private readonly layout: QueueLayout;
  private readonly log: Logger;
  private readonly ledger: DeliveryLedger;
  private readonly queue: SandboxQueue;
  private readonly workers: Worker[] = [];
  /** Tail of each sandbox's delivery chain in this process, so its replies post in order. */
  private readonly tails = new Map<string, Promise<unknown>>();
  private closing: Promise<void> | undefined;

  constructor(private readonly opts: QueuedRunnerOptions) {
    this.layout = opts.layout ?? defaultLayout;
    this.log = opts.logger ?? silentLogger;
    this.ledger = opts.ledger ?? new RedisDeliveryLedger(opts.redis, { prefix: `${this.layout.prefix}:` });
    this.queue = new SandboxQueue(opts.redis, this.layout);
  }

  /** Starts consuming this process' deliveries. */
  async start(): Promise<void> {
    for (const platform of this.opts.platforms) {
      const w = new Worker(deliveryQueueName(platform), (job) => this.runDelivery(job), {
        connection: this.opts.redis,
        prefix: this.layout.prefix,
        concurrency: this.opts.deliveryConcurrency ?? 16,
      });
      w.on('error', (err) => this.log.warn({ queue: w.name, err: err.message }, 'delivery worker error'));
      w.on('failed', (job, err) =>
        this.log.warn({ jobId: job?.id, attempts: job?.attemptsMade, err: err.message }, 'delivery failed'),
      );
      this.workers.push(w);
    }
    await Promise.all(this.workers.map((w) => w.waitUntilReady()));
  }

  get healthy(): boolean {
    return !this.closing && this.opts.redis.status === 'ready' && this.workers.every((w) => w.isRunning());
  }

  async submit(req: TutorRequest): Promise<SubmitResult> {
    let valid: TutorRequest;
    try {
      valid = parseTutorRequest(req);
    } catch (e) {
      if (!(e instanceof BadPayloadError)) throw e;
      this.opts.metrics?.submitted.inc({ outcome: 'rejected' });
      this.log.warn({ requestId: (req as { id?: unknown })?.id, reason: e.message }, 'request rejected');
      return { status: 'rejected', reason: e.message };
    }
    const key = sandboxKey(valid.identity.platform, valid.identity.workspace, valid.identity.userId);
    if (this.opts.rateLimiter) {
      const d = await this.opts.rateLimiter.take(key);
      if (!d.allowed) {
        this.opts.metrics?.submitted.inc({ outcome: 'rate-limited' });
        const refusal = rateLimitedReply(valid, this.opts.rateLimitPerMinute ?? 30, d.retryAfterMs);
        await deliverOnce(this.ledger, this.opts.deliver, refusal, valid);
        return { status: 'rate-limited', retryAfterMs: d.retryAfterMs };
      }
    }
    // A platform retry of the same request ID within dedupMs is dropped here.
    await this.queue.submit(
      key,
      { id: valid.id, name: 'command', data: valid, queuedAt: Date.now() },
      this.opts.dedupMs ?? 3_600_000,
    );
    this.opts.metrics?.submitted.inc({ outcome: 'queued' });
    return { status: 'queued', jobId: valid.id };
  }

  /** Queues a reset of `key` after the commands already queued for it. */
  async resetSandbox(key: string, requestedBy: string): Promise<void> {
    const data: SandboxOpJobData = { op: 'reset', key, requestedBy };
    await this.queue.submit(key, {
      id: `op-${randomUUID()}`,
      name: 'sandbox-op',
      data,
      queuedAt: Date.now(),
    });
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      await Promise.all(this.workers.map((w) => w.close()));
      await Promise.allSettled([...this.tails.values()]);
    })();
    return this.closing;
  }

  private runDelivery(job: Job<DeliveryJobData>): Promise<void> {
    const { req } = job.data;
    const key = sandboxKey(req.identity.platform, req.identity.workspace, req.identity.userId);
    const prev = this.tails.get(key) ?? Promise.resolve();
    const run = prev.then(async () => {
      const started = performance.now();
      try {
        const outcome = await deliverOnce(this.ledger, this.opts.deliver, decodeReply(job.data.reply), req);
        this.opts.metrics?.jobs.inc({ queue: 'deliveries', outcome });
        if (outcome === 'delivered' && req.receivedAt > 0)
          this.opts.metrics?.enqueueToReplySeconds.observe((Date.now() - req.receivedAt) / 1000);
      } catch (e) {
        this.opts.metrics?.jobs.inc({ queue: 'deliveries', outcome: 'failed' });
        throw e;
      } finally {
        this.opts.metrics?.jobSeconds.observe({ queue: 'deliveries' }, (performance.now() - started) / 1000);
      }
    });
    const tail = run.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return run;
  }
}

/**
 * The worker side of the pipeline: consumes every command shard (one job at a time per shard,
 * across all processes), the scheduled posts and the sandbox operations, and hands replies to the
 * deliveries queue of the platform they go to. Any number of these run against one Redis.
 */
import { type Job, Queue, UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Tutor } from '../core/tutor.ts';
import { type Platform, type TutorReply, type TutorRequest, text } from '../core/types.ts';
import { type Logger, silentLogger } from '../observability/logger.ts';
import type { PipelineMetrics, QueueDepth } from '../observability/metrics.ts';
import type { SandboxBackend } from '../sandbox/backend.ts';
import { handleCommandJob } from './command-job.ts';
import {
  type Deliver,
  type DeliveryLedger,
  deliverOnce,
  RedisDeliveryLedger,
  RedisResultStore,
} from './idempotency.ts';
import type { DeliveryJobData, SandboxOpJobData } from './job-data.ts';
import { BadPayloadError, parseTutorRequest } from './payload.ts';
import { ProcessGate } from './process-gate.ts';
import { QueuedRunner } from './queued-runner.ts';
import {
  commandQueueName,
  defaultLayout,
  deliveryQueueName,
  jobIdFor,
  type QueueLayout,
  queueOptions,
  SANDBOX_OPS_QUEUE,
  SCHEDULED_QUEUE,
} from './queues.ts';
import { encodeReply } from './reply-codec.ts';
import { type ScheduledPostJob, scheduledPostHandler, scheduledRequest } from './scheduled-posts.ts';

export interface WorkerPoolOptions {
  /** Shared connection for queue commands; BullMQ duplicates it for its blocking reads. */
  redis: Redis;
  layout?: QueueLayout;
  tutor: Tutor;
  /** For sandbox operations (resets queued by TAs or the reaper). */
  backend?: SandboxBackend;
  /** Jobs this process runs at once, across all shards. Default 16 (WORKER_CONCURRENCY). */
  concurrency?: number;
  /** A command running longer gets a timeout reply. Default 20 s (COMMAND_TIMEOUT_SECONDS). */
  timeoutMs?: number;
  /** How long a job's lock lasts without renewal; a killed worker's job is taken over after it. Default 30 s. */
  lockDurationMs?: number;
  /** How often stalled jobs (lock expired) are looked for and put back first in their queue. Default 30 s. */
  stalledIntervalMs?: number;
  /** How many times one job may stall (kill its worker) before it fails for good. Default 2. */
  maxStalledCount?: number;
  /** How long a produced reply is kept for a re-run of its job. Default 300 s. */
  resultSeconds?: number;
  logger?: Logger;
  metrics?: PipelineMetrics;
  /**
   * Platforms this worker can post to itself (their APIs need no connection owned by a bot
   * process: Slack response URLs and Web API, Discord interaction webhooks). Their replies skip
   * the deliveries queue, at most once per request ID through the shared ledger; a failed post
   * falls back to the deliveries queue, which this pool then also consumes for those platforms.
   */
  deliverers?: Partial<Record<Platform, Deliver>>;
}

export const deliveryJobOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 500 },
  removeOnComplete: true,
  removeOnFail: { age: 7 * 24 * 3600, count: 1000 },
} as const;

const SORRY = 'Something went wrong on our side running that command; it has been logged. Please try again.';

export class WorkerPool {
  private readonly layout: QueueLayout;
  private readonly log: Logger;
  private readonly gate: ProcessGate;
  private readonly shardQueues: Queue[] = [];
  private readonly deliveryQueues = new Map<string, Queue>();
  private readonly workers: Worker[] = [];
  private readonly results: RedisResultStore;
  private readonly onReady = () => void this.applyShardConcurrency();
  private closing: Promise<void> | undefined;
  private readonly ledger: DeliveryLedger;
  /** Consumes the deliveries queues of `deliverers`' platforms (the fallback path). */
  private fallbackConsumer: { start(): Promise<void>; close(): Promise<void> } | undefined;

  constructor(private readonly opts: WorkerPoolOptions) {
    this.layout = opts.layout ?? defaultLayout;
    this.log = opts.logger ?? silentLogger;
    this.gate = new ProcessGate(opts.concurrency ?? 16);
    this.results = new RedisResultStore(opts.redis, {
      prefix: `${this.layout.prefix}:`,
      resultSeconds: opts.resultSeconds ?? 300,
    });
    this.ledger = new RedisDeliveryLedger(opts.redis, { prefix: `${this.layout.prefix}:` });
  }

  async start(): Promise<void> {
    const { redis } = this.opts;
    const prefix = this.layout.prefix;
    for (let s = 0; s < this.layout.shards; s++) {
      this.shardQueues.push(
        new Queue(commandQueueName(s), { connection: redis, ...queueOptions(this.layout) }),
      );
    }
    // Order depends on this: set before the first fetch, and again whenever Redis comes back
    // (a Redis restarted without persistence has forgotten it).
    await this.applyShardConcurrency();
    redis.on('ready', this.onReady);
    const common = {
      connection: redis,
      prefix,
      lockDuration: this.opts.lockDurationMs ?? 30_000,
      stalledInterval: this.opts.stalledIntervalMs ?? 30_000,
      maxStalledCount: this.opts.maxStalledCount ?? 2,
    };
    for (let s = 0; s < this.layout.shards; s++) {
      const w: Worker = new Worker(
        commandQueueName(s),
        (job, token) => this.gate.run(w, job, token, () => this.runShardJob(job)),
        { ...common, concurrency: 1 },
      );
      w.on('failed', (job, err) => void this.onShardJobFailed(job, err));
      this.watch(w);
    }
    this.watch(
      new Worker(SCHEDULED_QUEUE, (job) => this.runScheduledPost(job), {
        ...common,
        concurrency: 4,
      }),
    );
    this.watch(
      new Worker(SANDBOX_OPS_QUEUE, (job) => this.runShardJob(job), {
        ...common,
        concurrency: 1,
      }),
    );
    const direct = Object.keys(this.opts.deliverers ?? {}) as Platform[];
    if (direct.length > 0) {
      this.fallbackConsumer = new QueuedRunner({
        redis,
        layout: this.layout,
        platforms: direct,
        ledger: this.ledger,
        deliver: (reply, req) => this.opts.deliverers![req.identity.platform]!(reply, req),
        logger: this.log,
        ...(this.opts.metrics ? { metrics: this.opts.metrics } : {}),
      });
      await this.fallbackConsumer.start();
    }
    this.opts.metrics?.setDepthSource(() => this.depths());
    await Promise.all(this.workers.map((w) => w.waitUntilReady()));
    this.log.info({ shards: this.layout.shards, prefix }, 'worker pool started');
  }

  /** True while every worker is running and Redis answers. */
  get healthy(): boolean {
    // A worker paused by the gate is still healthy; a closed one is not.
    return !this.closing && this.opts.redis.status === 'ready' && this.workers.every((w) => !w.closing);
  }

  get activeJobs(): number {
    return this.gate.inUse;
  }

  /** Stops taking jobs, lets running ones finish (SIGTERM drain), closes queues. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.opts.redis.off('ready', this.onReady);
      await Promise.all(this.workers.map((w) => w.close()));
      await this.fallbackConsumer?.close();
      await Promise.all([...this.shardQueues, ...this.deliveryQueues.values()].map((q) => q.close()));
      this.log.info('worker pool closed');
    })();
    return this.closing;
  }

  private watch(w: Worker): void {
    // A worker error (Redis gone) is logged, not thrown: BullMQ reconnects and carries on.
    w.on('error', (err) => this.log.warn({ queue: w.name, err: err.message }, 'worker error'));
    this.workers.push(w);
  }

  private async applyShardConcurrency(): Promise<void> {
    try {
      await Promise.all(this.shardQueues.map((q) => q.setGlobalConcurrency(1)));
    } catch (e) {
      this.log.warn({ err: (e as Error).message }, 'could not set shard concurrency yet');
    }
  }

  private async runShardJob(job: Job): Promise<void> {
    const started = performance.now();
    const queue = job.name === 'command' ? 'commands' : 'sandbox-ops';
    try {
      if (job.name === 'command') {
        const req = parseTutorRequest(job.data);
        await handleCommandJob(
          {
            tutor: this.opts.tutor,
            results: this.results,
            // The first start of a job cannot repeat anything: skip the lookup (one round trip).
            mayBeRerun: job.attemptsStarted > 1 || job.stalledCounter > 0,
            deliver: (reply, r) => this.enqueueDelivery(reply, r),
            ...(this.opts.timeoutMs !== undefined ? { timeoutMs: this.opts.timeoutMs } : {}),
          },
          req,
        );
      } else if (job.name === 'sandbox-op') {
        const op = job.data as Partial<SandboxOpJobData>;
        if (op.op !== 'reset' || typeof op.key !== 'string')
          throw new BadPayloadError('bad sandbox-op payload');
        if (!this.opts.backend)
          throw new BadPayloadError('this worker has no backend for sandbox operations');
        await this.opts.backend.reset(op.key);
        this.log.info({ key: op.key, by: op.requestedBy }, 'sandbox reset');
      } else {
        throw new BadPayloadError(`unknown job name '${job.name}'`);
      }
      this.opts.metrics?.jobs.inc({ queue, outcome: 'completed' });
    } catch (e) {
      if (e instanceof BadPayloadError) {
        this.opts.metrics?.jobs.inc({ queue, outcome: 'rejected' });
        this.log.warn({ queue: job.queueName, jobId: job.id, reason: e.message }, 'job rejected');
        // Never retried: the same payload would fail the same way.
        throw new UnrecoverableError(e.message);
      }
      this.opts.metrics?.jobs.inc({ queue, outcome: 'failed' });
      this.log.error({ queue: job.queueName, jobId: job.id, err: (e as Error).message }, 'job failed');
      throw e;
    } finally {
      this.opts.metrics?.jobSeconds.observe({ queue }, (performance.now() - started) / 1000);
    }
  }

  /** A command that failed for good (or stalled too often) still gets an answer. */
  private async onShardJobFailed(job: Job | undefined, err: Error): Promise<void> {
    if (job?.name !== 'command' || err instanceof UnrecoverableError) return;
    if (job.attemptsMade < (job.opts.attempts ?? 1) && !/stalled/.test(err.message)) return;
    try {
      const req = parseTutorRequest(job.data);
      await this.enqueueDelivery({ requestId: req.id, visibility: 'private', blocks: [text(SORRY)] }, req);
    } catch {
      // A bad payload has nobody to answer.
    }
  }

  private async runScheduledPost(job: Job): Promise<void> {
    const started = performance.now();
    try {
      const data = job.data as Partial<ScheduledPostJob>;
      if (typeof data.kind !== 'string' || typeof data.target?.platform !== 'string')
        throw new UnrecoverableError('bad scheduled-post payload: kind and target.platform are required');
      const handler = scheduledPostHandler(data.kind);
      if (!handler)
        throw new UnrecoverableError(`no handler registered for scheduled post kind '${data.kind}'`);
      const firedAt = job.timestamp;
      const runId = `sched-${job.id ?? firedAt}`;
      const replies = await handler(data as ScheduledPostJob, { runId, firedAt });
      let i = 0;
      for (const r of replies) {
        const req = scheduledRequest(data.target, runId, i++, firedAt);
        await this.enqueueDelivery({ ...r, requestId: req.id }, req);
      }
      this.opts.metrics?.jobs.inc({ queue: 'scheduled', outcome: 'completed' });
    } catch (e) {
      this.opts.metrics?.jobs.inc({ queue: 'scheduled', outcome: 'failed' });
      this.log.warn({ jobId: job.id, err: (e as Error).message }, 'scheduled post failed');
      throw e;
    } finally {
      this.opts.metrics?.jobSeconds.observe({ queue: 'scheduled' }, (performance.now() - started) / 1000);
    }
  }

  /** Hands a reply to the bot process of its platform; the job ID makes a second hand-over a no-op. */
  private async enqueueDelivery(reply: TutorReply, req: TutorRequest): Promise<void> {
    const direct = this.opts.deliverers?.[req.identity.platform];
    if (direct) {
      try {
        const outcome = await deliverOnce(this.ledger, direct, reply, req);
        this.opts.metrics?.jobs.inc({ queue: 'deliveries', outcome });
        if (outcome === 'delivered' && req.receivedAt > 0)
          this.opts.metrics?.enqueueToReplySeconds.observe((Date.now() - req.receivedAt) / 1000);
        return;
      } catch (e) {
        this.log.warn(
          { requestId: req.id, err: (e as Error).message },
          'direct delivery failed; queued for retry',
        );
      }
    }
    const name = deliveryQueueName(req.identity.platform);
    let q = this.deliveryQueues.get(name);
    if (!q) {
      q = new Queue(name, { connection: this.opts.redis, ...queueOptions(this.layout) });
      this.deliveryQueues.set(name, q);
    }
    const data: DeliveryJobData = { req, reply: encodeReply(reply), queuedAt: Date.now() };
    await q.add('delivery', data, { ...deliveryJobOptions, jobId: jobIdFor('reply', req.id) });
  }

  private async depths(): Promise<QueueDepth[]> {
    const totals = { waiting: 0, active: 0, delayed: 0, failed: 0 };
    const counts = await Promise.all(
      this.shardQueues.map((q) => q.getJobCounts('wait', 'active', 'delayed', 'failed')),
    );
    for (const c of counts) {
      totals.waiting += c.wait ?? 0;
      totals.active += c.active ?? 0;
      totals.delayed += c.delayed ?? 0;
      totals.failed += c.failed ?? 0;
    }
    return (Object.keys(totals) as Array<keyof typeof totals>).map((state) => ({
      queue: 'commands',
      state,
      count: totals[state],
    }));
  }
}

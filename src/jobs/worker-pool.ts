/**
 * The worker side of the pipeline: runs queued commands (one sandbox's at a time, in order, across
 * all processes; different sandboxes in parallel), scheduled posts and sandbox operations, and
 * posts replies itself for the platforms it has a deliverer for, or hands them to the deliveries
 * queue of the bot process that owns the platform client. Any number of these share one Redis.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
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
import { QueuedRunner } from './queued-runner.ts';
import {
  defaultLayout,
  deliveryQueueName,
  jobIdFor,
  type QueueLayout,
  queueOptions,
  SANDBOX_OPS_QUEUE,
  SCHEDULED_QUEUE,
} from './queues.ts';
import { encodeReply } from './reply-codec.ts';
import { type LeasedJob, type QueuedJob, SandboxQueue } from './sandbox-queue.ts';
import { type ScheduledPostJob, scheduledPostHandler, scheduledRequest } from './scheduled-posts.ts';

export interface WorkerPoolOptions {
  /** Shared connection for queue commands; blocking reads use duplicates of it. */
  redis: Redis;
  layout?: QueueLayout;
  tutor: Tutor;
  /** For sandbox operations (resets queued by TAs or the reaper). */
  backend?: SandboxBackend;
  /** Jobs (of different sandboxes) this process runs at once. Default 16 (WORKER_CONCURRENCY). */
  concurrency?: number;
  /** A command running longer gets a timeout reply. Default 20 s (COMMAND_TIMEOUT_SECONDS). */
  timeoutMs?: number;
  /** How long a job's lease lasts without renewal; a killed worker's job is taken over after it. Default 30 s. */
  lockDurationMs?: number;
  /** How often stalled jobs (lease expired) are looked for and put back first in line. Default 30 s. */
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
  /**
   * Periodic jobs on the sandbox-operations queue (BullMQ job schedulers, one run per tick
   * however many workers): `reap` runs this with the time it fired.
   */
  reaper?: { everyMs: number; reap: (firedAt: number) => Promise<number> };
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
  private readonly queue: SandboxQueue;
  private readonly deliveryQueues = new Map<string, Queue>();
  private readonly workers: Worker[] = [];
  private readonly results: RedisResultStore;
  private readonly ledger: DeliveryLedger;
  /** Who holds a lease: this process, unique per start. */
  private readonly token = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly concurrency: number;
  private readonly leaseMs: number;
  private readonly stalledMs: number;
  /** Sandboxes this process is running a job of, each with its run loop. */
  private readonly running = new Map<string, Promise<void>>();
  private blocking: Redis | undefined;
  private dispatcher: Promise<void> | undefined;
  private slotFreed: (() => void) | undefined;
  private readonly timers: NodeJS.Timeout[] = [];
  private stopping = false;
  private closing: Promise<void> | undefined;
  private opsQueue: Queue | undefined;
  /** Consumes the deliveries queues of `deliverers`' platforms (the fallback path). */
  private fallbackConsumer: { start(): Promise<void>; close(): Promise<void> } | undefined;

  constructor(private readonly opts: WorkerPoolOptions) {
    this.layout = opts.layout ?? defaultLayout;
    this.log = opts.logger ?? silentLogger;
    this.concurrency = opts.concurrency ?? 16;
    this.leaseMs = opts.lockDurationMs ?? 30_000;
    this.stalledMs = opts.stalledIntervalMs ?? 30_000;
    this.queue = new SandboxQueue(opts.redis, this.layout);
    this.results = new RedisResultStore(opts.redis, {
      prefix: `${this.layout.prefix}:`,
      resultSeconds: opts.resultSeconds ?? 300,
    });
    this.ledger = new RedisDeliveryLedger(opts.redis, { prefix: `${this.layout.prefix}:` });
  }

  async start(): Promise<void> {
    const { redis } = this.opts;
    const prefix = this.layout.prefix;
    const common = {
      connection: redis,
      prefix,
      lockDuration: this.leaseMs,
      stalledInterval: this.stalledMs,
      maxStalledCount: this.opts.maxStalledCount ?? 2,
    };
    this.watch(
      new Worker(SCHEDULED_QUEUE, (job) => this.runScheduledPost(job), {
        ...common,
        concurrency: 4,
      }),
    );
    this.watch(
      new Worker(SANDBOX_OPS_QUEUE, (job) => this.runSandboxOp(job), {
        ...common,
        concurrency: 1,
      }),
    );
    if (this.opts.reaper) {
      this.opsQueue = new Queue(SANDBOX_OPS_QUEUE, { connection: redis, ...queueOptions(this.layout) });
      // Idempotent: every worker upserts the same scheduler at start; one run per tick in all.
      await this.opsQueue.upsertJobScheduler(
        'reaper',
        { every: this.opts.reaper.everyMs },
        { name: 'reap', data: {}, opts: { removeOnComplete: true, removeOnFail: { count: 100 } } },
      );
    }
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
    // Commands: a blocking connection of our own waits for ready sandboxes.
    this.blocking = redis.duplicate({ connectionName: `${redis.options.connectionName ?? 'tutor'}-take` });
    this.blocking.on('error', () => {});
    await this.sweep();
    this.timers.push(setInterval(() => void this.sweep(), this.stalledMs));
    this.timers.push(setInterval(() => void this.renew(), Math.max(100, Math.floor(this.leaseMs / 3))));
    this.dispatcher = this.dispatch();
    this.log.info({ prefix, concurrency: this.concurrency, directDelivery: direct }, 'worker pool started');
  }

  /** True while every worker is running and Redis answers. */
  get healthy(): boolean {
    return !this.closing && this.opts.redis.status === 'ready' && this.workers.every((w) => !w.closing);
  }

  get activeJobs(): number {
    return this.running.size;
  }

  /** Stops taking jobs, lets running ones finish (SIGTERM drain), closes queues. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.stopping = true;
      this.slotFreed?.();
      // A BLMOVE in flight ends with the connection; a sandbox it moved meanwhile is swept back.
      this.blocking?.disconnect();
      await this.dispatcher;
      while (this.running.size > 0) await Promise.allSettled([...this.running.values()]);
      for (const t of this.timers) clearInterval(t);
      await Promise.all(this.workers.map((w) => w.close()));
      await this.fallbackConsumer?.close();
      await Promise.all(
        [...this.deliveryQueues.values(), ...(this.opsQueue ? [this.opsQueue] : [])].map((q) => q.close()),
      );
      this.log.info('worker pool closed');
    })();
    return this.closing;
  }

  private watch(w: Worker): void {
    // A worker error (Redis gone) is logged, not thrown: BullMQ reconnects and carries on.
    w.on('error', (err) => this.log.warn({ queue: w.name, err: err.message }, 'worker error'));
    this.workers.push(w);
  }

  /** Takes ready sandboxes while this process has room (WORKER_CONCURRENCY), never more. */
  private async dispatch(): Promise<void> {
    let backoff = 0;
    while (!this.stopping) {
      if (this.running.size >= this.concurrency) {
        await new Promise<void>((r) => {
          this.slotFreed = r;
        });
        continue;
      }
      let sandbox: string | null;
      try {
        sandbox = await this.queue.take(this.blocking!, 5);
        backoff = 0;
      } catch (e) {
        if (this.stopping) break;
        // Redis gone: ioredis reconnects; try again shortly.
        backoff = Math.min(2000, backoff * 2 || 50);
        this.log.warn({ err: (e as Error).message }, 'waiting for commands failed; retrying');
        await new Promise((r) => setTimeout(r, backoff));
        continue;
      }
      if (sandbox === null) continue;
      if (this.stopping) {
        await this.queue.giveBack(sandbox).catch(() => undefined);
        break;
      }
      try {
        const job = await this.queue.lease(sandbox, this.token, this.leaseMs);
        if (job) this.startRun(job);
      } catch (e) {
        // The sandbox stays in `taken`; the next sweep gives it back.
        this.log.warn({ sandbox, err: (e as Error).message }, 'could not lease a sandbox');
      }
    }
  }

  /** Runs a sandbox's job, and its next ones while nobody else is waiting. */
  private startRun(first: LeasedJob): void {
    const { sandbox } = first;
    const run = (async () => {
      let job: LeasedJob | null = first;
      while (job) {
        await this.runCommandJob(job);
        try {
          const next = await this.queue.complete(sandbox, this.token, this.leaseMs, !this.stopping);
          if (next === 'lost')
            this.log.warn({ sandbox }, 'lease lost while running: another worker took the job over');
          job = typeof next === 'object' ? next : null;
        } catch (e) {
          // The lease runs out and the job runs again; its reply is kept, so nothing posts twice.
          this.log.warn({ sandbox, err: (e as Error).message }, 'could not complete a job');
          job = null;
        }
      }
    })().finally(() => {
      this.running.delete(sandbox);
      const wake = this.slotFreed;
      this.slotFreed = undefined;
      wake?.();
    });
    this.running.set(sandbox, run);
  }

  private async sweep(): Promise<void> {
    try {
      const n = await this.queue.sweep(this.stalledMs);
      if (n > 0) this.log.warn({ sandboxes: n }, 'stalled jobs put back first in line');
    } catch (e) {
      this.log.warn({ err: (e as Error).message }, 'stalled-job sweep failed');
    }
  }

  private async renew(): Promise<void> {
    try {
      await this.queue.renew(this.token, this.leaseMs, [...this.running.keys()]);
    } catch (e) {
      this.log.warn({ err: (e as Error).message }, 'lease renewal failed');
    }
  }

  /** One job of a sandbox's queue; never throws (a failure is answered, logged and kept). */
  private async runCommandJob(leased: LeasedJob): Promise<void> {
    const started = performance.now();
    let queue = 'commands';
    let req: TutorRequest | undefined;
    let id = '?';
    try {
      let job: QueuedJob;
      try {
        job = JSON.parse(leased.raw) as QueuedJob;
      } catch {
        throw new BadPayloadError('bad job: not JSON');
      }
      id = typeof job?.id === 'string' ? job.id : '?';
      if (job.name === 'sandbox-op') {
        queue = 'sandbox-ops';
        await this.resetFromJob(job.data);
      } else if (job.name === 'command') {
        req = parseTutorRequest(job.data);
        if (leased.runs > (this.opts.maxStalledCount ?? 2) + 1)
          throw new Error(`job stalled more than ${this.opts.maxStalledCount ?? 2} times`);
        await handleCommandJob(
          {
            tutor: this.opts.tutor,
            results: this.results,
            // A first start cannot repeat anything: skip the lookup (one round trip).
            mayBeRerun: leased.runs > 1,
            deliver: (reply, r) => this.deliver(reply, r),
            ...(this.opts.timeoutMs !== undefined ? { timeoutMs: this.opts.timeoutMs } : {}),
          },
          req,
        );
      } else {
        throw new BadPayloadError(`unknown job name '${String((job as { name?: unknown })?.name)}'`);
      }
      this.opts.metrics?.jobs.inc({ queue, outcome: 'completed' });
    } catch (e) {
      const reason = (e as Error).message;
      if (e instanceof BadPayloadError) {
        // Never retried: the same payload would fail the same way.
        this.opts.metrics?.jobs.inc({ queue, outcome: 'rejected' });
        this.log.warn({ sandbox: leased.sandbox, jobId: id, reason }, 'job rejected');
      } else {
        this.opts.metrics?.jobs.inc({ queue, outcome: 'failed' });
        this.log.error({ sandbox: leased.sandbox, jobId: id, err: reason }, 'job failed');
        // A command that failed for good still gets an answer.
        if (req) {
          const sorry = { requestId: req.id, visibility: 'private' as const, blocks: [text(SORRY)] };
          await this.deliver(sorry, req).catch((err: unknown) =>
            this.log.error({ jobId: id, err: (err as Error).message }, 'apology not delivered'),
          );
        }
      }
      await this.queue
        .recordFailed({ id, sandbox: leased.sandbox, reason, raw: leased.raw })
        .catch(() => undefined);
    } finally {
      this.opts.metrics?.jobSeconds.observe({ queue }, (performance.now() - started) / 1000);
    }
  }

  private async resetFromJob(data: unknown): Promise<void> {
    const op = data as Partial<SandboxOpJobData>;
    if (op?.op !== 'reset' || typeof op.key !== 'string') throw new BadPayloadError('bad sandbox-op payload');
    if (!this.opts.backend) throw new BadPayloadError('this worker has no backend for sandbox operations');
    await this.opts.backend.reset(op.key);
    this.log.info({ key: op.key, by: op.requestedBy }, 'sandbox reset');
  }

  /** Jobs of the sandbox-operations queue: the reaper's ticks, and resets queued there. */
  private async runSandboxOp(job: Job): Promise<void> {
    const started = performance.now();
    try {
      if (job.name === 'reap') {
        if (!this.opts.reaper) return;
        const n = await this.opts.reaper.reap(job.timestamp);
        if (n > 0) this.log.info({ sandboxes: n }, 'idle sandboxes reaped');
      } else if (job.name === 'sandbox-op') {
        try {
          await this.resetFromJob(job.data);
        } catch (e) {
          if (e instanceof BadPayloadError) throw new UnrecoverableError(e.message);
          throw e;
        }
      } else throw new UnrecoverableError(`unknown job name '${job.name}'`);
      this.opts.metrics?.jobs.inc({ queue: 'sandbox-ops', outcome: 'completed' });
    } catch (e) {
      this.opts.metrics?.jobs.inc({ queue: 'sandbox-ops', outcome: 'failed' });
      this.log.warn({ jobId: job.id, err: (e as Error).message }, 'sandbox operation failed');
      throw e;
    } finally {
      this.opts.metrics?.jobSeconds.observe({ queue: 'sandbox-ops' }, (performance.now() - started) / 1000);
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
        await this.deliver({ ...r, requestId: req.id }, req);
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

  /**
   * Posts a reply directly when this process has a deliverer for its platform, else (or when that
   * fails) hands it to the bot process of its platform; the job ID makes a second hand-over a no-op.
   */
  private async deliver(reply: TutorReply, req: TutorRequest): Promise<void> {
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
    const d = await this.queue.depth();
    return [
      { queue: 'commands', state: 'waiting', count: Math.max(0, d.pending - d.active) },
      { queue: 'commands', state: 'active', count: d.active },
      { queue: 'commands', state: 'failed', count: d.failed },
    ];
  }
}

/**
 * Prometheus metrics of the job pipeline. Each process builds its own registry (not prom-client's
 * global one), so two runners in one test process do not collide.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export interface QueueDepth {
  queue: string;
  state: 'waiting' | 'active' | 'delayed' | 'failed';
  count: number;
}

export class PipelineMetrics {
  readonly registry = new Registry();
  readonly jobs: Counter<'queue' | 'outcome'>;
  readonly jobSeconds: Histogram<'queue'>;
  readonly enqueueToReplySeconds: Histogram;
  readonly submitted: Counter<'outcome'>;
  readonly stateConflicts: Counter;
  private depthSource: (() => Promise<QueueDepth[]>) | undefined;

  constructor(opts: { defaultMetrics?: boolean } = {}) {
    if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry, prefix: 'tutor_' });
    const registers = [this.registry];
    this.jobs = new Counter({
      name: 'tutor_jobs_total',
      help: 'Jobs finished, by queue (commands, deliveries, scheduled, sandbox-ops) and outcome.',
      labelNames: ['queue', 'outcome'],
      registers,
    });
    this.jobSeconds = new Histogram({
      name: 'tutor_job_duration_seconds',
      help: 'Time a job spent running in its processor.',
      labelNames: ['queue'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.enqueueToReplySeconds = new Histogram({
      name: 'tutor_enqueue_to_reply_seconds',
      help: 'From the platform receiving a command to its reply being posted.',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.submitted = new Counter({
      name: 'tutor_requests_submitted_total',
      help: 'Requests submitted by chat adapters, by outcome (queued, done, rate-limited, rejected).',
      labelNames: ['outcome'],
      registers,
    });
    this.stateConflicts = new Counter({
      name: 'tutor_sandbox_state_conflicts_total',
      help: 'Sandbox saves that lost a race and were retried.',
      registers,
    });
    const self = this;
    new Gauge({
      name: 'tutor_queue_depth',
      help: 'Jobs in each queue by state, read from Redis at scrape time.',
      labelNames: ['queue', 'state'],
      registers,
      async collect() {
        if (!self.depthSource) return;
        this.reset();
        for (const d of await self.depthSource()) this.set({ queue: d.queue, state: d.state }, d.count);
      },
    });
  }

  /** Where the queue-depth gauge reads from at scrape time. */
  setDepthSource(source: () => Promise<QueueDepth[]>): void {
    this.depthSource = source;
  }
}

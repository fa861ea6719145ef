/**
 * How a bot process gets its JobRunner: in-process when no REDIS_URL is set (the embedded
 * default: the tutor runs right here), queued through BullMQ otherwise (worker processes run the
 * tutor; this process only submits and posts the replies of its platforms).
 */
import type { Config } from '../config/config.ts';
import { Tutor } from '../core/tutor.ts';
import type { Platform } from '../core/types.ts';
import { type Logger, silentLogger } from '../observability/logger.ts';
import type { PipelineMetrics } from '../observability/metrics.ts';
import { ClockQuizScheduler } from '../quiz/scheduler.ts';
import type { SandboxBackend } from '../sandbox/backend.ts';
import { SimBackend } from '../sandbox/sim/sim-backend.ts';
import { createTutoring, restoreSchedules, type Tutoring, type TutoringDeps } from '../ta/tutoring.ts';
import type { Deliver } from './idempotency.ts';
import { InProcessRunner, type JobRunner } from './in-process-runner.ts';
import { QueuedRunner } from './queued-runner.ts';
import { connectRedis, defaultLayout, type QueueLayout } from './queues.ts';
import { MemoryRateLimiter, RedisRateLimiter } from './rate-limit.ts';

export interface JobRunnerDeps {
  /** Posts a reply on this process' platform. */
  deliver: Deliver;
  /** Platforms whose replies this process posts (queued mode). */
  platforms: Platform[];
  /**
   * In-process mode only: the tutor to run. Default a tutor on `backend` with its own tutoring
   * services, whose in-process quiz scheduler posts through `deliver` (scheduled quizzes reach
   * the channel without Redis); schedules kept in the tutoring store are restored at start.
   */
  tutor?: Tutor;
  /** In-process mode only: default a fresh simulated backend kept in memory. */
  backend?: SandboxBackend;
  /** In-process mode: how often due quiz posts are looked for. Default 15 s. */
  quizCheckEveryMs?: number;
  layout?: QueueLayout;
  logger?: Logger;
  metrics?: PipelineMetrics;
}

export interface CreatedJobRunner extends JobRunner {
  readonly mode: 'in-process' | 'queued';
  /** For /healthz: can this runner take requests right now? */
  healthy(): boolean;
}

export async function createJobRunner(
  config: Pick<Config, 'REDIS_URL' | 'RATE_LIMIT_PER_MINUTE' | 'COMMAND_TIMEOUT_SECONDS'>,
  deps: JobRunnerDeps,
): Promise<CreatedJobRunner> {
  const logger = deps.logger ?? silentLogger;
  const perMinute = config.RATE_LIMIT_PER_MINUTE;
  if (!config.REDIS_URL) {
    const ownBackend = deps.tutor || deps.backend ? undefined : new SimBackend();
    const backend = deps.backend ?? ownBackend;
    let tutoring: Tutoring | undefined;
    let tutor = deps.tutor;
    if (!tutor) {
      tutoring = createTutoring({ deliver: deps.deliver });
      await restoreSchedules(tutoring);
      if (tutoring.scheduler instanceof ClockQuizScheduler) tutoring.scheduler.start(deps.quizCheckEveryMs);
      tutor = new Tutor({ backend: backend!, tutoring } as TutoringDeps);
    }
    const runner = new InProcessRunner({
      tutor,
      deliver: deps.deliver,
      rateLimiter: new MemoryRateLimiter(perMinute),
      rateLimitPerMinute: perMinute,
      timeoutMs: config.COMMAND_TIMEOUT_SECONDS * 1000,
      logger,
    });
    return {
      mode: 'in-process',
      submit: (req) => runner.submit(req),
      healthy: () => true,
      async close() {
        await runner.close();
        await tutoring?.close();
        await ownBackend?.close();
      },
    };
  }
  const redis = connectRedis(config.REDIS_URL, 'tutor-bot');
  const runner = new QueuedRunner({
    redis,
    layout: deps.layout ?? defaultLayout,
    deliver: deps.deliver,
    platforms: deps.platforms,
    rateLimiter: new RedisRateLimiter(
      redis,
      perMinute,
      `${(deps.layout ?? defaultLayout).prefix}:ratelimit:`,
    ),
    rateLimitPerMinute: perMinute,
    logger,
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
  });
  await runner.start();
  return {
    mode: 'queued',
    submit: (req) => runner.submit(req),
    healthy: () => runner.healthy,
    async close() {
      await runner.close();
      redis.disconnect();
    },
  };
}

/**
 * /healthz and /metrics for a bot process (slack, discord) on METRICS_PORT: healthy while its
 * runner can take requests. Returns a closer, or undefined when METRICS_PORT is 0.
 */
export async function serveBotHealth(
  config: Pick<Config, 'METRICS_PORT'>,
  runner: CreatedJobRunner,
  metrics: PipelineMetrics,
): Promise<{ port: number; close(): Promise<void> } | undefined> {
  if (config.METRICS_PORT === 0) return undefined;
  const { startHealthServer } = await import('../observability/health-server.ts');
  return startHealthServer({
    port: config.METRICS_PORT,
    registry: metrics.registry,
    health: () => ({ ok: runner.healthy(), details: { mode: runner.mode } }),
  });
}

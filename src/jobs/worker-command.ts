/**
 * `docker-tutor worker`: a worker process. Reads the environment (REDIS_URL is required),
 * consumes every command shard, scheduled posts and sandbox operations, serves /healthz and
 * /metrics on METRICS_PORT, and on SIGTERM or SIGINT stops taking jobs, finishes the running
 * ones and closes its connections before exiting.
 */
import { type Config, ConfigError, readConfig } from '../config/config.ts';
import { Tutor } from '../core/tutor.ts';
import type { Platform } from '../core/types.ts';
import { startHealthServer } from '../observability/health-server.ts';
import { createLogger, type Logger } from '../observability/logger.ts';
import { PipelineMetrics } from '../observability/metrics.ts';
import type { SandboxBackend } from '../sandbox/backend.ts';
import { RedisStateStore } from '../sandbox/sim/redis-state-store.ts';
import { SimBackend } from '../sandbox/sim/sim-backend.ts';
import { ConflictRetryingBackend } from './conflict-retry.ts';
import type { Deliver } from './idempotency.ts';
import { connectRedis, defaultLayout, type QueueLayout } from './queues.ts';
import { WorkerPool, type WorkerPoolOptions } from './worker-pool.ts';

const USAGE = `Usage: docker-tutor worker

Runs a job worker: needs REDIS_URL. Serves /healthz and /metrics on METRICS_PORT (0 = off).
Stops cleanly on SIGTERM or SIGINT (running jobs finish first).
`;

export interface StartedWorker {
  pool: WorkerPool;
  /** The port /healthz and /metrics listen on, or 0. */
  metricsPort: number;
  /** Drains and closes everything; resolves when done. */
  stop(): Promise<void>;
}

/** Extra knobs tests and benches set; production uses the defaults. */
export type WorkerTuning = Partial<
  Pick<WorkerPoolOptions, 'lockDurationMs' | 'stalledIntervalMs' | 'maxStalledCount' | 'resultSeconds'>
> & { layout?: QueueLayout; tutor?: Tutor; logger?: Logger; reaperEveryMs?: number };

/** How often the idle-sandbox reaper runs (one run per tick across all workers). */
export const REAPER_EVERY_MS = 5 * 60_000;

/**
 * The backend, and its reaper: dind reaps idle containers (and checks disk quotas) in
 * `maintain()`; sim sandboxes idle past SIM_SANDBOX_TTL_SECONDS are deleted from Redis (a command
 * racing the delete loses its compare-and-set and re-runs on a fresh sandbox).
 */
async function createBackend(
  config: Config,
  redis: ReturnType<typeof connectRedis>,
): Promise<{ backend: SandboxBackend; reap: (firedAt: number) => Promise<number> }> {
  if (config.SANDBOX_BACKEND === 'dind') {
    const { createDindBackendFromEnv } = await import('../sandbox/dind/dind-backend.ts');
    const dind = await createDindBackendFromEnv();
    return { backend: dind, reap: async () => (await dind.maintain()).reaped.length };
  }
  const store = new RedisStateStore(redis);
  const backend = new SimBackend({ store });
  // A simulated sandbox costs a few kB: a student coming back next week still finds theirs.
  const ttlMs = config.SIM_SANDBOX_TTL_SECONDS * 1000;
  return {
    backend,
    async reap(firedAt) {
      let n = 0;
      // Batches of 200, a bounded number per run: the next tick takes the rest.
      for (let round = 0; round < 50; round++) {
        const idle = await store.idleSince(firedAt - ttlMs, 200);
        for (const key of idle) await backend.reset(key);
        n += idle.length;
        if (idle.length < 200) break;
      }
      return n;
    },
  };
}

/**
 * Deliverers for the platforms whose APIs this process can call itself: Slack with
 * SLACK_BOT_TOKEN (response URLs, Web API at SLACK_API_URL), Discord with DISCORD_TOKEN
 * (interaction webhooks, REST at DISCORD_API_URL). The adapters' own delivery functions, so a
 * reply looks the same whichever process posts it; undeliverable replies go to the same dead
 * letters in Redis. A platform without a token is left to its bot process (deliveries queue).
 */
export async function deliverersFromConfig(
  config: Config,
  redis: ReturnType<typeof connectRedis>,
  logger: Logger,
): Promise<Partial<Record<Platform, Deliver>>> {
  const out: Partial<Record<Platform, Deliver>> = {};
  if (!config.SLACK_BOT_TOKEN && !config.DISCORD_TOKEN) return out;
  const { RedisDeadLetters } = await import('../chat/render/dead-letters.ts');
  const deadLetters = new RedisDeadLetters(redis);
  if (config.SLACK_BOT_TOKEN) {
    const { createSlackDeliverFromConfig } = await import('../chat/slack/slack-command.ts');
    out.slack = createSlackDeliverFromConfig(config, logger, deadLetters);
  }
  if (config.DISCORD_TOKEN) {
    const { createDiscordDeliverFromConfig } = await import('../chat/discord/discord-command.ts');
    out.discord = createDiscordDeliverFromConfig(config, logger, deadLetters);
  }
  return out;
}

/** Starts a worker from configuration; `run` wraps this with signals and exit codes. */
export async function startWorker(config: Config, tuning: WorkerTuning = {}): Promise<StartedWorker> {
  if (!config.REDIS_URL)
    throw new ConfigError('REDIS_URL: the worker needs Redis (for example redis://127.0.0.1:6379)');
  const logger = tuning.logger ?? createLogger(config.LOG_LEVEL, 'docker-tutor-worker');
  const metrics = new PipelineMetrics();
  const redis = connectRedis(config.REDIS_URL, 'tutor-worker');
  redis.on('error', (e) => logger.warn({ err: e.message }, 'redis connection error'));
  const { backend: inner, reap } = await createBackend(config, redis);
  const backend = new ConflictRetryingBackend(inner, () => metrics.stateConflicts.inc());
  const tutor = tuning.tutor ?? new Tutor({ backend });
  const deliverers = await deliverersFromConfig(config, redis, logger);
  const pool = new WorkerPool({
    redis,
    layout: tuning.layout ?? defaultLayout,
    tutor,
    backend,
    concurrency: config.WORKER_CONCURRENCY,
    timeoutMs: config.COMMAND_TIMEOUT_SECONDS * 1000,
    logger,
    metrics,
    deliverers,
    reaper: { everyMs: tuning.reaperEveryMs ?? REAPER_EVERY_MS, reap },
    ...(tuning.lockDurationMs !== undefined ? { lockDurationMs: tuning.lockDurationMs } : {}),
    ...(tuning.stalledIntervalMs !== undefined ? { stalledIntervalMs: tuning.stalledIntervalMs } : {}),
    ...(tuning.maxStalledCount !== undefined ? { maxStalledCount: tuning.maxStalledCount } : {}),
    ...(tuning.resultSeconds !== undefined ? { resultSeconds: tuning.resultSeconds } : {}),
  });
  await pool.start();
  let draining = false;
  const health =
    config.METRICS_PORT > 0
      ? await startHealthServer({
          port: config.METRICS_PORT,
          registry: metrics.registry,
          health: () => ({
            ok: !draining && pool.healthy,
            details: { redis: redis.status, draining, activeJobs: pool.activeJobs },
          }),
        })
      : undefined;
  let stopping: Promise<void> | undefined;
  return {
    pool,
    metricsPort: health?.port ?? 0,
    stop() {
      stopping ??= (async () => {
        draining = true;
        logger.info('draining: finishing running jobs');
        await pool.close();
        await backend.close();
        await health?.close();
        await redis.quit().catch(() => redis.disconnect());
        logger.info('worker stopped');
      })();
      return stopping;
    },
  };
}

export async function run(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (argv.length > 0) {
    process.stderr.write(`docker-tutor worker: unexpected argument '${argv[0]}'\n\n${USAGE}`);
    return 2;
  }
  let config: Config;
  try {
    config = readConfig(env);
    if (!config.REDIS_URL)
      throw new ConfigError('REDIS_URL is not set: the worker needs Redis (redis://host:6379)');
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`docker-tutor worker: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  const worker = await startWorker(config);
  await new Promise<void>((resolve) => {
    const onSignal = (sig: NodeJS.Signals) => {
      process.stderr.write(`docker-tutor worker: ${sig}, draining\n`);
      // A second signal means "now": exit without waiting.
      process.once('SIGTERM', () => process.exit(130));
      process.once('SIGINT', () => process.exit(130));
      resolve();
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  });
  await worker.stop();
  return 0;
}

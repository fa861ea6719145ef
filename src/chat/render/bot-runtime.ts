/**
 * What a bot process (slack, discord) runs besides its platform client: the job runner its
 * requests go to (in-process without REDIS_URL, the queued pipeline with it; in both cases this
 * process posts its platform's replies through `deliver`), where undeliverable replies are kept,
 * and /healthz + /metrics on METRICS_PORT.
 */
import { Redis } from 'ioredis';
import type { Config } from '../../config/config.ts';
import type { Platform } from '../../core/types.ts';
import type { Deliver } from '../../jobs/command-job.ts';
import { type CreatedJobRunner, createJobRunner } from '../../jobs/create-job-runner.ts';
import { type HealthServer, startHealthServer } from '../../observability/health-server.ts';
import type { Logger } from '../../observability/logger.ts';
import { PipelineMetrics } from '../../observability/metrics.ts';
import { type DeadLetters, MemoryDeadLetters, RedisDeadLetters } from './dead-letters.ts';

export interface BotRuntime {
  runner: CreatedJobRunner;
  deadLetters: DeadLetters;
  close(): Promise<void>;
}

/**
 * Dead letters in Redis when there is one (they outlive the process and a TA tool can list
 * them), in memory otherwise. The Redis connection is lazy and owned by the caller.
 */
export function createDeadLetters(config: Pick<Config, 'REDIS_URL'>): {
  deadLetters: DeadLetters;
  close(): Promise<void>;
} {
  if (!config.REDIS_URL) return { deadLetters: new MemoryDeadLetters(), close: async () => {} };
  const redis = new Redis(config.REDIS_URL, {
    lazyConnect: true,
    maxRetriesPerRequest: 3,
    connectionName: 'tutor-dead-letters',
  });
  return {
    deadLetters: new RedisDeadLetters(redis),
    close: async () => {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

/** Starts the runner for `platform` and the health server; `deliver` posts this platform's replies. */
export async function startBotRuntime(
  config: Config,
  platform: Platform,
  makeDeliver: (deadLetters: DeadLetters) => Deliver,
  logger: Logger,
): Promise<BotRuntime> {
  const dead = createDeadLetters(config);
  const deliver = makeDeliver(dead.deadLetters);
  const metrics = new PipelineMetrics();
  const runner = await createJobRunner(config, { deliver, platforms: [platform], logger, metrics });
  let draining = false;
  let health: HealthServer | undefined;
  if (config.METRICS_PORT > 0) {
    health = await startHealthServer({
      port: config.METRICS_PORT,
      registry: metrics.registry,
      health: () => ({
        ok: !draining && runner.healthy(),
        details: { platform, runner: runner.mode, draining },
      }),
    });
  }
  return {
    runner,
    deadLetters: dead.deadLetters,
    async close() {
      draining = true;
      await runner.close();
      await health?.close();
      await dead.close();
    },
  };
}

/** Resolves when the process is asked to stop (SIGTERM from an orchestrator, Ctrl-C). */
export function untilStopSignal(): Promise<string> {
  return new Promise((resolve) => {
    const on = (sig: string) => () => resolve(sig);
    process.once('SIGTERM', on('SIGTERM'));
    process.once('SIGINT', on('SIGINT'));
  });
}

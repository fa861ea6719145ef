/** The idle-sandbox reaper: a BullMQ job scheduler on the sandbox-operations queue, run by workers. */
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../../src/config/config.ts';
import { Engine } from '../../src/engine/engine.ts';
import { SANDBOX_OPS_QUEUE } from '../../src/jobs/queues.ts';
import { startWorker } from '../../src/jobs/worker-command.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import { RedisStateStore } from '../../src/sandbox/sim/redis-state-store.ts';
import { type RedisServer, startRedis } from '../support/servers.ts';
import { redisUnavailable } from './helpers.ts';

const skip = redisUnavailable();

describe.skipIf(skip)('idle-sandbox reaper', () => {
  let server: RedisServer;
  let redis: Redis;
  beforeAll(async () => {
    server = await startRedis();
    redis = new Redis(server.url);
  });
  afterAll(async () => {
    redis?.disconnect();
    await server?.stop();
  });

  it('workers schedule it once, and it deletes sim sandboxes idle past SIM_SANDBOX_TTL_SECONDS', async () => {
    // One sandbox last saved two minutes ago, one just now; the TTL is one minute.
    const old = new RedisStateStore(redis, { now: () => Date.now() - 120_000 });
    await old.save('slack:T1:idle', new Engine({ seed: 1 }).snapshot());
    const fresh = new RedisStateStore(redis);
    await fresh.save('slack:T1:busy', new Engine({ seed: 2 }).snapshot());
    const config = readConfig({
      REDIS_URL: server.url,
      METRICS_PORT: '0',
      SIM_SANDBOX_TTL_SECONDS: '60',
    });
    const layout = { prefix: `t${randomUUID().slice(0, 8)}` };
    const tuning = { layout, logger: silentLogger, reaperEveryMs: 200 };
    const [a, b] = await Promise.all([startWorker(config, tuning), startWorker(config, tuning)]);
    try {
      const deadline = Date.now() + 10_000;
      while ((await fresh.keys()).includes('slack:T1:idle') && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      expect(await fresh.keys()).toEqual(['slack:T1:busy']);
      expect(await redis.exists('tutor:sandbox:slack:T1:idle')).toBe(0);
      // Two workers upserted the same scheduler: there is one.
      const q = new Queue(SANDBOX_OPS_QUEUE, { connection: redis, prefix: layout.prefix });
      const schedulers = await q.getJobSchedulers();
      expect(schedulers.map((s) => s.key)).toEqual(['reaper']);
      expect(schedulers[0]!.every).toBe(200);
      await q.close();
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });
});

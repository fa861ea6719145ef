/**
 * The queued pipeline on a real Redis: a bot-side QueuedRunner submitting and posting, worker
 * pools running the tutor on the simulated backend with state in Redis.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Tutor } from '../../src/core/tutor.ts';
import { ConflictRetryingBackend } from '../../src/jobs/conflict-retry.ts';
import { QueuedRunner } from '../../src/jobs/queued-runner.ts';
import { connectRedis, type QueueLayout } from '../../src/jobs/queues.ts';
import { RedisRateLimiter } from '../../src/jobs/rate-limit.ts';
import { WorkerPool } from '../../src/jobs/worker-pool.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { PipelineMetrics } from '../../src/observability/metrics.ts';
import { RedisStateStore } from '../../src/sandbox/sim/redis-state-store.ts';
import { SimBackend } from '../../src/sandbox/sim/sim-backend.ts';
import { type RedisServer, startRedis } from '../support/servers.ts';
import { recorder, redisUnavailable, request } from './helpers.ts';

const skip = redisUnavailable();

describe.skipIf(skip)('queued pipeline (BullMQ, real Redis)', () => {
  let server: RedisServer;
  const closers: Array<() => Promise<void>> = [];
  beforeAll(async () => {
    server = await startRedis();
  });
  afterEach(async () => {
    for (const c of closers.splice(0).reverse()) await c();
  });
  afterAll(async () => {
    await server?.stop();
  });

  async function setup(opts: { pools?: number; rateLimit?: number; logLines?: string[] } = {}) {
    const layout: QueueLayout = { prefix: `t${randomUUID().slice(0, 8)}` };
    const logger = opts.logLines
      ? createLogger('info', 'test', { write: (s: string) => void opts.logLines!.push(s) })
      : undefined;
    const connections: Redis[] = [];
    const conn = (name: string) => {
      const r = connectRedis(server.url, name);
      connections.push(r);
      return r;
    };
    const pools: WorkerPool[] = [];
    for (let i = 0; i < (opts.pools ?? 1); i++) {
      const redis = conn(`worker-${i}`);
      const backend = new ConflictRetryingBackend(
        new SimBackend({ store: new RedisStateStore(redis, { prefix: `${layout.prefix}:sandbox:` }) }),
      );
      const pool = new WorkerPool({
        redis,
        layout,
        tutor: new Tutor({ backend }),
        backend,
        ...(logger ? { logger } : {}),
      });
      await pool.start();
      pools.push(pool);
    }
    const rec = recorder();
    const botRedis = conn('bot');
    const metrics = new PipelineMetrics({ defaultMetrics: false });
    const runner = new QueuedRunner({
      redis: botRedis,
      layout,
      deliver: rec.deliver,
      platforms: ['slack'],
      metrics,
      ...(opts.rateLimit
        ? {
            rateLimiter: new RedisRateLimiter(botRedis, opts.rateLimit, `${layout.prefix}:rl:`),
            rateLimitPerMinute: opts.rateLimit,
          }
        : {}),
      ...(logger ? { logger } : {}),
    });
    await runner.start();
    closers.push(async () => {
      await runner.close();
      for (const p of pools) await p.close();
      for (const c of connections) c.disconnect();
    });
    return { layout, runner, pools, rec, metrics, redis: botRedis };
  }

  it('100 commands from one student sent at once all apply, in order', async () => {
    const { runner, rec } = await setup({ pools: 2 });
    // Every other command removes the network the one before created: out of order, an rm fails.
    const reqs = Array.from({ length: 100 }, (_, i) =>
      i % 2 === 0
        ? request('solo', `/docker network create --subnet 10.1.${i}.0/24 net${i}`)
        : request('solo', `/docker network rm net${i - 1}`),
    );
    reqs.push(request('solo', '/docker network ls --format {{.Name}}'));
    const results = await Promise.all(reqs.map((r) => runner.submit(r)));
    expect(results.every((r) => r.status === 'queued')).toBe(true);
    await rec.waitFor(101);
    // Replies come back in the order sent, each exactly once.
    expect(rec.delivered.map((d) => d.req.id)).toEqual(reqs.map((r) => r.id));
    for (let i = 0; i < 100; i++)
      expect(rec.delivered[i]!.text).toMatch(
        i % 2 === 0 ? /^[0-9a-f]{64}$/m : new RegExp(`^net${i - 1}$`, 'm'),
      );
    expect(rec.delivered[100]!.text.split('\n')).toEqual(['bridge', 'host', 'none']);
  });

  it('50 students at once run in parallel, each in order', async () => {
    const { runner, rec } = await setup({ pools: 2 });
    const started = Date.now();
    const all = [];
    for (let s = 0; s < 50; s++) {
      for (let c = 0; c < 4; c++) all.push(request(`student${s}`, `/docker network create s${s}c${c}`));
      all.push(request(`student${s}`, '/docker network ls --format {{.Name}}'));
    }
    await Promise.all(all.map((r) => runner.submit(r)));
    await rec.waitFor(all.length);
    for (let s = 0; s < 50; s++) {
      const mine = rec.forUser(`student${s}`);
      expect(mine.map((d) => d.req.text)).toEqual(
        all.filter((r) => r.identity.userId === `student${s}`).map((r) => r.text),
      );
      // Each student sees only their own networks.
      expect(mine[4]!.text.split('\n').sort()).toEqual(
        ['bridge', 'host', 'none', `s${s}c0`, `s${s}c1`, `s${s}c2`, `s${s}c3`].sort(),
      );
    }
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('the same request submitted twice (a platform retry) runs and posts once', async () => {
    const { runner, rec } = await setup();
    const req = request('dup', '/docker network create only-once');
    await runner.submit(req);
    await runner.submit({ ...req });
    const check = request('dup', '/docker network ls --format {{.Name}}');
    await runner.submit(check);
    await rec.waitFor(2);
    await new Promise((r) => setTimeout(r, 300));
    expect(rec.delivered.map((d) => d.req.id)).toEqual([req.id, check.id]);
    expect(rec.delivered[1]!.text).toContain('only-once');
  });

  it('rate limit: past the limit a friendly refusal, not a job', async () => {
    const { runner, rec } = await setup({ rateLimit: 3 });
    const reqs = Array.from({ length: 5 }, (_, i) => request('eager', `/docker network create rl${i}`));
    const results = [];
    for (const r of reqs) results.push(await runner.submit(r));
    expect(results.map((r) => r.status)).toEqual([
      'queued',
      'queued',
      'queued',
      'rate-limited',
      'rate-limited',
    ]);
    await rec.waitFor(5);
    const refusals = rec.delivered.filter((d) => /commands a minute/.test(d.text));
    expect(refusals).toHaveLength(2);
    expect(refusals[0]!.text).toMatch(/you can send 3 commands a minute\. Try again in \d+ seconds?\./);
    // Another student is not affected.
    expect((await runner.submit(request('calm', '/docker network ls'))).status).toBe('queued');
  });

  it('bad payloads are rejected with a logged reason and never retried', async () => {
    const logLines: string[] = [];
    const { runner, layout, redis, rec } = await setup({ logLines });
    // At the door: the runner refuses what is not a TutorRequest.
    const huge = request('bad', `/docker network create ${'x'.repeat(20_000)}`);
    const r1 = await runner.submit(huge);
    expect(r1.status).toBe('rejected');
    expect(r1.status === 'rejected' && r1.reason).toMatch(/text is longer than 16384/);
    const noId = { ...request('bad', '/help'), id: undefined } as unknown as Parameters<
      typeof runner.submit
    >[0];
    expect((await runner.submit(noId)).status).toBe('rejected');
    // Past the door (an old release, a hand-made job): the worker fails it once, for good, and
    // the sandbox's next job runs after it.
    const { SandboxQueue } = await import('../../src/jobs/sandbox-queue.ts');
    const queue = new SandboxQueue(redis, layout);
    const bad = JSON.stringify({
      id: 'x1',
      name: 'command',
      data: { id: 'x1', identity: { platform: 'slack' }, text: 42 },
    });
    await queue.submitRaw('slack:T1:bad', 'x1', bad);
    await queue.submitRaw('slack:T1:bad', 'x2', '{not json');
    const after = request('bad', '/docker network ls --format {{.Name}}');
    expect((await runner.submit(after)).status).toBe('queued');
    await rec.waitFor(1);
    const failed = await queue.failed();
    expect(failed.map((f) => f.id)).toEqual(['?', 'x1']);
    expect(failed[1]!.reason).toMatch(/bad command payload: .*text: Expected string, received number/);
    expect(failed[0]!.reason).toMatch(/not JSON/);
    // Run once each: nothing left queued, nothing retried.
    expect((await queue.depth()).pending).toBe(0);
    const log = logLines.join('');
    expect(log).toMatch(/request rejected/);
    expect(log).toMatch(/bad command payload.*job rejected/);
    expect(rec.delivered.map((d) => d.req.id)).toEqual([after.id]);
  });

  it('workers can post directly; a failed direct post falls back to the deliveries queue, once', async () => {
    const layout: QueueLayout = { prefix: `t${randomUUID().slice(0, 8)}` };
    const redis = connectRedis(server.url, 'direct');
    const rec = recorder();
    let failures = 1;
    const backend = new SimBackend({
      store: new RedisStateStore(redis, { prefix: `${layout.prefix}:sandbox:` }),
    });
    const pool = new WorkerPool({
      redis,
      layout,
      tutor: new Tutor({ backend }),
      deliverers: {
        slack: async (reply, req) => {
          if (failures-- > 0) throw new Error('Slack said 503');
          await rec.deliver(reply, req);
        },
      },
    });
    await pool.start();
    // A submit-only bot process: it posts nothing itself.
    const runner = new QueuedRunner({ redis, layout, deliver: async () => {}, platforms: [] });
    closers.push(async () => {
      await runner.close();
      await pool.close();
      redis.disconnect();
    });
    const reqs = [0, 1, 2].map((i) => request('direct', `/docker network create d${i}`));
    for (const r of reqs) await runner.submit(r);
    await rec.waitFor(3);
    await new Promise((r) => setTimeout(r, 300));
    expect(rec.delivered.map((d) => d.req.id).sort()).toEqual(reqs.map((r) => r.id).sort());
  });

  it('metrics count jobs and enqueue-to-reply times', async () => {
    const { runner, rec, metrics } = await setup();
    await runner.submit(request('m', '/docker network ls'));
    await rec.waitFor(1);
    await new Promise((r) => setTimeout(r, 100));
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/tutor_jobs_total\{queue="deliveries",outcome="delivered"\} 1/);
    expect(text).toMatch(/tutor_enqueue_to_reply_seconds_count 1/);
    expect(text).toMatch(/tutor_requests_submitted_total\{outcome="queued"\} 1/);
  });
});

/**
 * Worker processes against one real Redis: killed with SIGKILL mid-job, two at once, Redis
 * restarted under them, drained by SIGTERM, and `./bin/docker-tutor worker` itself.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { QueuedRunner } from '../../src/jobs/queued-runner.ts';
import { connectRedis, type QueueLayout } from '../../src/jobs/queues.ts';
import { freePort, type RedisServer, startRedis } from '../support/servers.ts';
import { type ChildWorker, recorder, redisUnavailable, request, spawnWorker } from './helpers.ts';

const skip = redisUnavailable();

describe.skipIf(skip)('worker processes', () => {
  let server: RedisServer;
  const children: ChildWorker[] = [];
  const closers: Array<() => Promise<void>> = [];
  beforeAll(async () => {
    server = await startRedis();
  });
  afterEach(async () => {
    for (const c of children.splice(0)) {
      if (c.proc.exitCode === null && c.proc.signalCode === null) {
        c.proc.kill('SIGKILL');
        await c.exited;
      }
    }
    for (const c of closers.splice(0).reverse()) await c();
  });
  afterAll(async () => {
    await server?.stop();
  });

  async function bot(layout: QueueLayout) {
    const rec = recorder();
    const redis: Redis = connectRedis(server.url, 'test-bot');
    const runner = new QueuedRunner({ redis, layout, deliver: rec.deliver, platforms: ['slack'] });
    await runner.start();
    closers.push(async () => {
      await runner.close();
      redis.disconnect();
    });
    return { rec, runner, redis };
  }

  function worker(
    layout: QueueLayout,
    extra: Record<string, string> = {},
    kind: 'fixture' | 'bin' = 'fixture',
  ) {
    const w = spawnWorker(
      {
        REDIS_URL: server.url,
        TEST_QUEUE_PREFIX: layout.prefix,
        ...extra,
      },
      kind,
    );
    children.push(w);
    return w;
  }

  const newLayout = (): QueueLayout => ({ prefix: `t${randomUUID().slice(0, 8)}` });

  it('SIGKILL mid-job: the job completes after a new worker starts, delivered exactly once', async () => {
    const layout = newLayout();
    const { rec, runner } = await bot(layout);
    const first = worker(layout);
    await first.waitForOutput('WORKER-READY');
    const slow = request('victim', '/slow 1500 survivor');
    const after = request('victim', '/docker network ls --format {{.Name}}');
    await runner.submit(slow);
    await runner.submit(after);
    await first.waitForOutput(`SLOW-STARTED ${slow.id}`);
    first.proc.kill('SIGKILL');
    await first.exited;
    expect(rec.delivered).toHaveLength(0);
    const second = worker(layout);
    await second.waitForOutput('WORKER-READY');
    await rec.waitFor(2, 20_000);
    await new Promise((r) => setTimeout(r, 500));
    // The killed job ran again to the end, before the command queued behind it, and posted once.
    expect(rec.delivered.map((d) => d.req.id)).toEqual([slow.id, after.id]);
    expect(rec.delivered[0]!.text).toMatch(/^[0-9a-f]{64}$/m);
    expect(rec.delivered[1]!.text.split('\n')).toContain('survivor');
  });

  it('two worker processes share the work: students in parallel, one student in order', async () => {
    const layout = newLayout();
    const { rec, runner } = await bot(layout);
    // At most 3 jobs a process: the one that starts first cannot hoard every shard.
    const a = worker(layout, { WORKER_CONCURRENCY: '3' });
    const b = worker(layout, { WORKER_CONCURRENCY: '3' });
    await Promise.all([a.waitForOutput('WORKER-READY'), b.waitForOutput('WORKER-READY')]);
    // Six students each run one 600 ms command, and one student runs three.
    const users = ['p0', 'p1', 'p2', 'p3', 'p4', 'p5'];
    const started = Date.now();
    const serial = [0, 1, 2].map((i) => request('serial', `/slow 600 s${i}`));
    const parallel = users.map((u) => request(u, `/slow 600 ${u}`));
    await Promise.all([...serial, ...parallel].map((r) => runner.submit(r)));
    await rec.waitFor(9, 20_000);
    const took = Date.now() - started;
    const mine = rec.forUser('serial');
    expect(mine.map((d) => d.req.id)).toEqual(serial.map((r) => r.id));
    // One student's three commands ran one after another...
    expect(mine[2]!.at - started).toBeGreaterThanOrEqual(1800);
    // ...while the six others ran side by side, not in 6 x 600 ms.
    for (const u of users) expect(rec.forUser(u)[0]!.at - started).toBeLessThan(3000);
    expect(took).toBeLessThan(6000);
    // Both processes took part.
    const ran = (w: ChildWorker) => (w.output().match(/SLOW-STARTED/g) ?? []).length;
    expect(ran(a)).toBeGreaterThan(0);
    expect(ran(b)).toBeGreaterThan(0);
    expect(ran(a) + ran(b)).toBe(9);
  });

  it('Redis restarts: workers and bot reconnect and carry on', async () => {
    const layout = newLayout();
    const { rec, runner } = await bot(layout);
    const w = worker(layout);
    await w.waitForOutput('WORKER-READY');
    await runner.submit(request('phoenix', '/docker network create before'));
    await rec.waitFor(1);
    await server.restart();
    // The test Redis keeps nothing across a restart: the sandbox starts over, but the pipeline works.
    const again = request('phoenix', '/docker network create after');
    await runner.submit(again);
    await runner.submit(request('phoenix', '/docker network ls --format {{.Name}}'));
    await rec.waitFor(3, 20_000);
    expect(rec.delivered[1]!.req.id).toBe(again.id);
    expect(rec.delivered[1]!.text).toMatch(/^[0-9a-f]{64}$/m);
    expect(rec.delivered[2]!.text.split('\n')).toContain('after');
    expect(w.proc.exitCode).toBeNull();
  });

  it('./bin/docker-tutor worker: /healthz, /metrics, and SIGTERM drains the running job', async () => {
    const layout = newLayout();
    const port = await freePort();
    const { rec, runner } = await bot({ ...layout, prefix: 'tutor:q' });
    const w = worker(layout, { METRICS_PORT: String(port), LOG_LEVEL: 'info' }, 'bin');
    await w.waitForOutput('worker pool started');
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', redis: 'ready', draining: false });
    await runner.submit(request('term', '/docker network create drained'));
    await rec.waitFor(1);
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toMatch(/tutor_jobs_total\{queue="commands",outcome="completed"\} 1/);
    expect(metrics).toMatch(/tutor_job_duration_seconds_count\{queue="commands"\} 1/);
    expect(metrics).toMatch(/tutor_queue_depth\{queue="commands",state="waiting"\} 0/);
    w.proc.kill('SIGTERM');
    expect(await w.exited).toBe(0);
    expect(w.output()).toMatch(/worker stopped/);
  });

  it('SIGTERM while a job runs: it finishes and is delivered before the worker exits', async () => {
    const layout = newLayout();
    const { rec, runner } = await bot(layout);
    const w = worker(layout);
    await w.waitForOutput('WORKER-READY');
    const slow = request('drain', '/slow 800 finished');
    await runner.submit(slow);
    await w.waitForOutput(`SLOW-STARTED ${slow.id}`);
    w.proc.kill('SIGTERM');
    expect(await w.exited).toBe(0);
    await rec.waitFor(1, 5000);
    expect(rec.delivered[0]!.req.id).toBe(slow.id);
    expect(rec.delivered[0]!.text).toMatch(/^[0-9a-f]{64}$/m);
  });
});

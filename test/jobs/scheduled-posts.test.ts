/** Scheduled posts: a BullMQ job scheduler (cron + time zone) whose runs are delivered like replies. */
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Tutor } from '../../src/core/tutor.ts';
import { text } from '../../src/core/types.ts';
import { QueuedRunner } from '../../src/jobs/queued-runner.ts';
import { connectRedis, queueOptions, SCHEDULED_QUEUE } from '../../src/jobs/queues.ts';
import {
  registerScheduledPost,
  removeScheduledPost,
  upsertScheduledPost,
} from '../../src/jobs/scheduled-posts.ts';
import { WorkerPool } from '../../src/jobs/worker-pool.ts';
import { SimBackend } from '../../src/sandbox/sim/sim-backend.ts';
import { type RedisServer, startRedis } from '../support/servers.ts';
import { recorder, redisUnavailable } from './helpers.ts';

const skip = redisUnavailable();

describe.skipIf(skip)('scheduled posts', () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedis();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('a cron schedule in a time zone posts through the deliveries queue, once per tick', async () => {
    const layout = { prefix: `t${randomUUID().slice(0, 8)}` };
    const redis = connectRedis(server.url, 'sched');
    registerScheduledPost('daily-test', async (job, ctx) => [
      { visibility: 'public', blocks: [text(`Quiz time in ${job.target.channel} (${ctx.runId})`)] },
    ]);
    const pool = new WorkerPool({ redis, layout, tutor: new Tutor({ backend: new SimBackend() }) });
    await pool.start();
    const rec = recorder();
    const runner = new QueuedRunner({ redis, layout, deliver: rec.deliver, platforms: ['discord'] });
    await runner.start();
    const queue = new Queue(SCHEDULED_QUEUE, { connection: redis, ...queueOptions(layout) });
    const target = { platform: 'discord' as const, workspace: 'G1', channel: 'quiz-channel' };
    // Every second (six-field cron), read in Berlin time; the same call twice is one scheduler.
    await upsertScheduledPost(
      queue,
      'quiz-g1',
      { pattern: '* * * * * *', tz: 'Europe/Berlin' },
      { kind: 'daily-test', target },
    );
    await upsertScheduledPost(
      queue,
      'quiz-g1',
      { pattern: '* * * * * *', tz: 'Europe/Berlin' },
      { kind: 'daily-test', target },
    );
    const schedulers = await queue.getJobSchedulers();
    expect(schedulers).toHaveLength(1);
    expect(schedulers[0]).toMatchObject({ key: 'quiz-g1', pattern: '* * * * * *', tz: 'Europe/Berlin' });
    await rec.waitFor(2, 10_000);
    expect(await removeScheduledPost(queue, 'quiz-g1')).toBe(true);
    expect(rec.delivered[0]!.text).toMatch(/^Quiz time in quiz-channel \(sched-repeat/);
    expect(rec.delivered[0]!.req.channel).toBe('quiz-channel');
    expect(rec.delivered[0]!.reply.visibility).toBe('public');
    const ids = rec.delivered.map((d) => d.req.id);
    expect(new Set(ids).size).toBe(ids.length);
    await queue.close();
    await runner.close();
    await pool.close();
    redis.disconnect();
  });
});

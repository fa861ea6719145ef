/** TA tools: mentions on every platform, resetting a whole workspace, the BullMQ job scheduler of a channel. */
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TutorRequest } from '../../src/core/types.ts';
import { MemoryTutoringStore } from '../../src/quiz/memory-store.ts';
import { BullmqQuizScheduler, schedulerIdFor } from '../../src/quiz/scheduler.ts';
import { SimBackend } from '../../src/sandbox/sim/sim-backend.ts';
import { mentionedUser, sandboxCommand } from '../../src/ta/commands.ts';
import { createTutoring, type TutoringDeps } from '../../src/ta/tutoring.ts';
import { type RedisServer, startRedis, unavailable } from '../support/servers.ts';

describe('mentions', () => {
  it.each([
    ['<@U123ABC>', 'U123ABC'],
    ['<@U123|alice>', 'U123'],
    ['<@!4567>', '4567'],
    ['@alice', 'alice'],
    ['alice', null],
    ['<#C123>', null],
  ])('%s -> %s', (word, id) => expect(mentionedUser(word)).toBe(id));
});

describe('/sandbox reset all', () => {
  it("resets every sandbox of the TA's workspace and no other", async () => {
    const backend = new SimBackend();
    for (const k of ['slack:T1:U1', 'slack:T1:U2', 'slack:T2:U9'])
      await backend.exec(k, 'docker network create mine');
    const deps: TutoringDeps = { backend, tutoring: createTutoring({ store: new MemoryTutoringStore() }) };
    const req: TutorRequest = {
      id: 'r1',
      identity: { platform: 'slack', workspace: 'T1', userId: 'UTA', roles: ['ta'] },
      channel: 'C1',
      text: '/sandbox reset all',
      receivedAt: 0,
    };
    const r = await sandboxCommand(req, 'reset all', deps);
    expect(r.blocks[0]).toEqual({
      kind: 'text',
      text: 'Reset 2 sandboxes in this workspace: only the default networks bridge, host and none remain.',
    });
    expect(await backend.list()).toEqual(['slack:T2:U9']);
    expect((await deps.tutoring!.store.auditLog('slack:T1', 5)).map((e) => e.outcome)).toEqual([
      'reset 2 sandboxes',
    ]);
  });
});

const skip = unavailable('redis-server');
if (skip) console.log(`skipping the BullMQ quiz scheduler: ${skip}`);

describe.skipIf(skip)('BullMQ quiz scheduler', () => {
  let server: RedisServer;
  let redis: Redis;
  beforeAll(async () => {
    server = await startRedis();
    redis = new Redis(server.url, { maxRetriesPerRequest: null });
  });
  afterAll(async () => {
    await redis?.quit();
    await server?.stop();
  });

  it('keeps one job scheduler per channel with the cron pattern and time zone, and a delayed close', async () => {
    const queue = new Queue('scheduled', { connection: redis, prefix: 'tq' });
    const s = new BullmqQuizScheduler(queue);
    const target = { platform: 'slack', workspace: 'T1', channel: 'C1' };
    await s.setDaily(target, '0 9 * * 1-5', 'Europe/Berlin');
    await s.setDaily(target, '30 8 * * 1-5', 'Europe/Berlin');
    const all = await queue.getJobSchedulers();
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({
      key: schedulerIdFor(target),
      pattern: '30 8 * * 1-5',
      tz: 'Europe/Berlin',
    });
    await expect(s.setDaily(target, '0 25 * * *', 'UTC')).rejects.toThrow(
      'hour "25" is not a value from 0 to 23',
    );
    await s.closeAt(target, '2026-03-02-1', Date.now() + 60_000);
    await s.closeAt(target, '2026-03-02-1', Date.now() + 60_000);
    const delayed = await queue.getDelayed();
    const closes = delayed.filter(
      (j) => (j.data as { payload?: { action?: string } }).payload?.action === 'close',
    );
    expect(closes).toHaveLength(1);
    await s.close();
  });
});

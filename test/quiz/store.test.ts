/** One contract for the tutoring store, run against memory and real Redis. */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryTutoringStore } from '../../src/quiz/memory-store.ts';
import { RedisTutoringStore } from '../../src/quiz/redis-store.ts';
import { isoWeek, type TutoringStore } from '../../src/quiz/store.ts';
import { type RedisServer, startRedis, unavailable } from '../support/servers.ts';

const skip = unavailable('redis-server');
if (skip) console.log(`skipping the Redis store: ${skip}`);

function contract(name: string, make: () => TutoringStore) {
  describe(name, () => {
    it('records one scored answer per student', async () => {
      const s = make();
      const a = { userId: 'u1', choice: 1, correct: true, at: 1 };
      expect(await s.recordAnswer('p:w', 'q1', a)).toBe(true);
      expect(await s.recordAnswer('p:w', 'q1', { ...a, choice: 2 })).toBe(false);
      expect(await s.answers('p:w', 'q1')).toEqual([a]);
      // Another workspace is another course.
      expect(await s.recordAnswer('p:other', 'q1', a)).toBe(true);
    });

    it('ranks weekly and all-time scores, ties by user ID', async () => {
      const s = make();
      await s.addScore('p:w', 'bob', 2, '2026-W10');
      await s.addScore('p:w', 'amy', 2, '2026-W10');
      await s.addScore('p:w', 'cat', 1, '2026-W09');
      await s.addScore('p:w', 'cat', 3, '2026-W10');
      expect(await s.leaderboard('p:w', '2026-W10', 10)).toEqual([
        { userId: 'cat', score: 3 },
        { userId: 'amy', score: 2 },
        { userId: 'bob', score: 2 },
      ]);
      expect(await s.leaderboard('p:w', null, 1)).toEqual([{ userId: 'cat', score: 4 }]);
      expect(await s.score('p:w', 'cat', '2026-W09')).toBe(1);
      expect(await s.score('p:w', 'nobody', null)).toBe(0);
    });

    it('counts streaks over consecutive quizzes of a channel', async () => {
      const s = make();
      expect(await s.updateStreak('p:w', 'c', 'u', 1, true)).toBe(1);
      expect(await s.updateStreak('p:w', 'c', 'u', 2, true)).toBe(2);
      expect(await s.updateStreak('p:w', 'c', 'u', 4, true)).toBe(1);
      expect(await s.updateStreak('p:w', 'c', 'u', 5, false)).toBe(0);
      expect(await s.streak('p:w', 'c', 'u')).toBe(0);
    });

    it('keeps quizzes, runs, schedules, labs, practice and the audit log', async () => {
      const s = make();
      expect(await s.nextSeq('p:w', 'c')).toBe(1);
      expect(await s.nextSeq('p:w', 'c')).toBe(2);
      expect(await s.bindRun('p:w', 'run-1', 'q1')).toBeNull();
      expect(await s.bindRun('p:w', 'run-1', 'q2')).toBe('q1');
      await s.setOpenQuiz('p:w', 'c', 'q1');
      expect(await s.openQuiz('p:w', 'c')).toBe('q1');
      await s.setOpenQuiz('p:w', 'c', null);
      expect(await s.openQuiz('p:w', 'c')).toBeNull();
      await s.setSchedule({
        platform: 'p',
        workspace: 'w',
        channel: 'c',
        cron: '0 9 * * *',
        tz: 'UTC',
        setBy: 't',
        setAt: 1,
      });
      expect((await s.schedules()).map((x) => x.cron)).toEqual(['0 9 * * *']);
      const p = await s.labProgress('p:w', 'u');
      p.completed.lab = 5;
      await s.saveLabProgress('p:w', 'u', p);
      expect((await s.labProgress('p:w', 'u')).completed).toEqual({ lab: 5 });
      await s.setPractice('p:w', 'u', 'q-x');
      expect(await s.practice('p:w', 'u')).toBe('q-x');
      await s.rememberUser('p:w', 'u', 'You');
      await s.rememberUser('p:w', 'u');
      expect(await s.users('p:w')).toEqual([{ userId: 'u', displayName: 'You' }]);
      for (let i = 0; i < 3; i++)
        await s.audit('p:w', { at: i, actor: 't', action: 'a', outcome: String(i) });
      expect((await s.auditLog('p:w', 2)).map((e) => e.outcome)).toEqual(['1', '2']);
    });
  });
}

contract('memory store', () => new MemoryTutoringStore());

describe.skipIf(skip)('redis store', () => {
  let server: RedisServer;
  let redis: Redis;
  let n = 0;
  beforeAll(async () => {
    server = await startRedis();
    redis = new Redis(server.url);
  });
  afterAll(async () => {
    await redis?.quit();
    await server?.stop();
  });
  contract('on real Redis', () => new RedisTutoringStore(redis, { prefix: `t${++n}` }));
});

describe('isoWeek', () => {
  it('numbers weeks the ISO way, in UTC', () => {
    expect(isoWeek(Date.parse('2026-01-01T12:00:00Z'))).toBe('2026-W01');
    expect(isoWeek(Date.parse('2027-01-03T12:00:00Z'))).toBe('2026-W53');
    expect(isoWeek(Date.parse('2027-01-04T00:00:00Z'))).toBe('2027-W01');
  });
});

/** The embedded default: the same handlers, run in this process, with no Redis. */
import { describe, expect, it } from 'vitest';
import { registerSlashCommand, reply, Tutor } from '../../src/core/tutor.ts';
import { text } from '../../src/core/types.ts';
import { createJobRunner } from '../../src/jobs/create-job-runner.ts';
import { MemoryDeliveryLedger } from '../../src/jobs/idempotency.ts';
import { InProcessRunner } from '../../src/jobs/in-process-runner.ts';
import { gcra, MemoryRateLimiter } from '../../src/jobs/rate-limit.ts';
import { SimBackend } from '../../src/sandbox/sim/sim-backend.ts';
import { recorder, request } from './helpers.ts';

const config = { REDIS_URL: undefined, RATE_LIMIT_PER_MINUTE: 30, COMMAND_TIMEOUT_SECONDS: 20 };

describe('in-process runner', () => {
  it('createJobRunner without REDIS_URL runs in-process: 100 commands from one student, in order', async () => {
    const rec = recorder();
    const runner = await createJobRunner(
      { ...config, RATE_LIMIT_PER_MINUTE: 1000 },
      { deliver: rec.deliver, platforms: ['slack'] },
    );
    expect(runner.mode).toBe('in-process');
    const reqs = Array.from({ length: 100 }, (_, i) =>
      i % 2 === 0
        ? request('solo', `/docker network create --subnet 10.2.${i}.0/24 n${i}`)
        : request('solo', `/docker network rm n${i - 1}`),
    );
    const results = await Promise.all(reqs.map((r) => runner.submit(r)));
    expect(results.every((r) => r.status === 'done')).toBe(true);
    expect(rec.delivered.map((d) => d.req.id)).toEqual(reqs.map((r) => r.id));
    for (let i = 1; i < 100; i += 2) expect(rec.delivered[i]!.text).toMatch(new RegExp(`^n${i - 1}$`, 'm'));
    await runner.close();
  });

  it('embedded mode posts scheduled quizzes through deliver (no Redis)', async () => {
    const rec = recorder();
    const runner = await createJobRunner(config, {
      deliver: rec.deliver,
      platforms: ['slack'],
      quizCheckEveryMs: 100,
    });
    // A TA schedules the channel's quiz every second (cron with seconds).
    const ta = request('ta1', '/quiz schedule * * * * * * UTC', {
      identity: { platform: 'slack', workspace: 'T1', userId: 'ta1', roles: ['student', 'ta'] },
      channel: 'C-quiz',
    });
    await runner.submit(ta);
    expect(rec.delivered[0]!.text).toMatch(/^Daily quiz scheduled in this channel/);
    await rec.waitFor(2, 5000);
    const post = rec.delivered[1]!;
    expect(post.req.channel).toBe('C-quiz');
    expect(post.req.identity.userId).toBe('scheduler');
    expect(post.reply.visibility).toBe('public');
    expect(post.text).toMatch(/^Daily quiz #1 /);
    await runner.close();
  });

  it('students run side by side: a slow one does not hold up the others', async () => {
    registerSlashCommand('nap', {
      summary: 'test only',
      usage: '/nap',
      handler: async (req) => {
        await new Promise((r) => setTimeout(r, 300));
        return reply(req, text('rested'));
      },
    });
    const rec = recorder();
    const runner = new InProcessRunner({
      tutor: new Tutor({ backend: new SimBackend() }),
      deliver: rec.deliver,
    });
    const started = Date.now();
    const slow = runner.submit(request('sleepy', '/nap'));
    await runner.submit(request('quick', '/docker network ls'));
    expect(Date.now() - started).toBeLessThan(250);
    await slow;
    await runner.close();
  });

  it('rate limit per user with a friendly reply; the limit refills', async () => {
    let now = 1_000_000;
    const rec = recorder();
    const runner = new InProcessRunner({
      tutor: new Tutor({ backend: new SimBackend() }),
      deliver: rec.deliver,
      rateLimiter: new MemoryRateLimiter(2, () => now),
      rateLimitPerMinute: 2,
    });
    const out = [];
    for (let i = 0; i < 3; i++) out.push((await runner.submit(request('fast', '/docker network ls'))).status);
    expect(out).toEqual(['done', 'done', 'rate-limited']);
    expect(rec.delivered[2]!.text).toBe(
      'Easy there: you can send 2 commands a minute. Try again in 30 seconds.',
    );
    now += 30_000;
    expect((await runner.submit(request('fast', '/docker network ls'))).status).toBe('done');
    await runner.close();
  });

  it('GCRA: a burst of N, then one every 60/N seconds', () => {
    let tat = 0;
    const t0 = 5_000_000;
    for (let i = 0; i < 30; i++) {
      const s = gcra(tat, t0, 30);
      expect(s.waitMs).toBe(0);
      tat = s.tat;
    }
    expect(gcra(tat, t0, 30).waitMs).toBe(2000);
    expect(gcra(tat, t0 + 2000, 30).waitMs).toBe(0);
  });

  it('a command past the time limit gets a timeout reply', async () => {
    registerSlashCommand('stuck', {
      summary: 'test only',
      usage: '/stuck',
      handler: async (req) => {
        await new Promise((r) => setTimeout(r, 1000));
        return reply(req, text('finally'));
      },
    });
    const rec = recorder();
    const runner = new InProcessRunner({
      tutor: new Tutor({ backend: new SimBackend() }),
      deliver: rec.deliver,
      timeoutMs: 100,
    });
    await runner.submit(request('u', '/stuck'));
    expect(rec.delivered[0]!.text).toMatch(
      /^Your command took longer than 1 second, so the tutor stopped waiting for it\./,
    );
    await runner.close();
  });

  it('bad requests are rejected with a logged reason; nothing runs', async () => {
    const rec = recorder();
    const lines: string[] = [];
    const { createLogger } = await import('../../src/observability/logger.ts');
    const runner = new InProcessRunner({
      tutor: new Tutor({ backend: new SimBackend() }),
      deliver: rec.deliver,
      logger: createLogger('info', 't', { write: (s: string) => void lines.push(s) }),
    });
    const bad = { ...request('u', '/docker network ls'), identity: { platform: 'irc' } } as never;
    const r = await runner.submit(bad);
    expect(r.status).toBe('rejected');
    expect(r.status === 'rejected' && r.reason).toMatch(/identity\.platform/);
    expect(lines.join('')).toMatch(/request rejected/);
    expect(rec.delivered).toHaveLength(0);
  });

  it('the same request twice is delivered once', async () => {
    const rec = recorder();
    const runner = new InProcessRunner({
      tutor: new Tutor({ backend: new SimBackend() }),
      deliver: rec.deliver,
      ledger: new MemoryDeliveryLedger(),
    });
    const req = request('u', '/docker network create once');
    await runner.submit(req);
    await runner.submit({ ...req });
    expect(rec.delivered).toHaveLength(1);
    await runner.close();
  });

  it('a failed post is retried by the next attempt, not lost to the ledger', async () => {
    let fail = true;
    const posted: string[] = [];
    const runner = new InProcessRunner({
      tutor: new Tutor({ backend: new SimBackend() }),
      deliver: async (r) => {
        if (fail) throw new Error('platform down');
        posted.push(r.requestId);
      },
    });
    const req = request('u', '/help');
    await expect(runner.submit(req)).rejects.toThrow('platform down');
    fail = false;
    await runner.submit({ ...req });
    expect(posted).toEqual([req.id]);
    await runner.close();
  });
});

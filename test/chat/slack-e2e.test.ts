/**
 * End to end, as deployed: `./bin/docker-tutor slack` and `./bin/docker-tutor worker` as two
 * processes sharing a real redis-server; a signed `/docker network ls` to the bot's HTTP
 * listener comes back, through the queue and the worker, as the table in the reply posted to the
 * (recorded) response URL. Also: /healthz and /metrics of the bot process.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, type RedisServer, startRedis, unavailable, waitFor } from '../support/servers.ts';
import { type FakeSlack, postSigned, slashCommandBody, startFakeSlack } from './support/fake-slack.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const SECRET = 'e2e-signing-secret';
const why = unavailable('redis-server');
if (why) process.stdout.write(`skipping Slack end-to-end test: ${why}\n`);

describe.skipIf(why !== null)('Slack end to end: bot and worker processes on real Redis', () => {
  let redis: RedisServer;
  let fake: FakeSlack;
  const procs: ChildProcess[] = [];
  let port = 0;
  let metricsPort = 0;
  const logs: string[] = [];

  const start = (sub: string, env: Record<string, string>) => {
    const p = spawn(resolve(ROOT, 'bin/docker-tutor'), [sub], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    p.stdout?.on('data', (d: Buffer) => logs.push(`[${sub}] ${d}`));
    p.stderr?.on('data', (d: Buffer) => logs.push(`[${sub}] ${d}`));
    procs.push(p);
    return p;
  };

  beforeAll(async () => {
    redis = await startRedis();
    fake = await startFakeSlack();
    port = await freePort();
    metricsPort = await freePort();
    start('worker', { REDIS_URL: redis.url, METRICS_PORT: '0' });
    start('slack', {
      REDIS_URL: redis.url,
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_BOT_TOKEN: 'xoxb-e2e',
      SLACK_API_URL: fake.apiUrl,
      PORT: String(port),
      METRICS_PORT: String(metricsPort),
    });
    await waitFor(
      async () => {
        const dead = procs.find((p) => p.exitCode !== null);
        if (dead) throw new Error(`${dead.spawnargs.at(-1)} exited with ${dead.exitCode}`);
        try {
          return (await fetch(`http://127.0.0.1:${port}/healthz`)).ok;
        } catch {
          return false;
        }
      },
      60_000,
      'the slack process did not start listening',
    ).catch((e: Error) => {
      throw new Error(`${e.message}\n${logs.join('')}`);
    });
  });

  afterAll(async () => {
    await Promise.all(
      procs.map(
        (p) =>
          new Promise<void>((r) => {
            if (p.exitCode !== null) return r();
            p.once('exit', () => r());
            p.kill('SIGTERM');
          }),
      ),
    );
    await fake?.close();
    await redis?.stop();
  });

  it('answers /docker network ls with the table, through the queue and the worker', async () => {
    expect(fake.requests.some((r) => r.path === '/api/auth.test')).toBe(true);
    const body = slashCommandBody({
      command: '/docker',
      text: 'network ls',
      response_url: fake.responseUrl('e2e'),
    });
    const t0 = performance.now();
    const res = await postSigned(`http://127.0.0.1:${port}/slack/events`, body, { secret: SECRET });
    expect(res.status).toBe(200);
    const [posted] = await fake
      .waitFor((r) => r.path === '/response/e2e', 1, 30_000)
      .catch((e: Error) => {
        throw new Error(`${e.message}\n${logs.join('')}`);
      });
    expect(posted!.at).toBeGreaterThan(t0);
    const msg = posted!.body as { response_type: string; blocks: Array<{ text?: { text: string } }> };
    expect(msg.response_type).toBe('ephemeral');
    const table = msg.blocks[0]!.text!.text;
    expect(table).toMatch(/^```\nNETWORK ID {5}NAME {6}DRIVER {4}SCOPE\n/);
    expect(table).toMatch(/^[0-9a-f]{12} {3}bridge {4}bridge {4}local$/m);
    expect(table).toMatch(/^[0-9a-f]{12} {3}host {6}host {6}local$/m);
    expect(table).toMatch(/^[0-9a-f]{12} {3}none {6}null {6}local\n```$/m);
  });

  it('refuses an unsigned request with 401 in the deployed process too', async () => {
    const body = slashCommandBody({
      command: '/docker',
      text: 'network ls',
      response_url: fake.responseUrl('e2e-unsigned'),
    });
    expect((await postSigned(`http://127.0.0.1:${port}/slack/events`, body)).status).toBe(401);
  });

  it('serves /healthz and /metrics on METRICS_PORT', async () => {
    const health = await fetch(`http://127.0.0.1:${metricsPort}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', platform: 'slack', runner: 'queued' });
    const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    expect(metrics).toContain('tutor_');
  });
});

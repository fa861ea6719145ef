import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.ts';
import { runHostLine } from '../../src/engine/index.ts';
import { sandboxKey } from '../../src/sandbox/backend.ts';
import { RedisStateStore, StateConflictError } from '../../src/sandbox/sim/redis-state-store.ts';
import { SimBackend } from '../../src/sandbox/sim/sim-backend.ts';
import { type RedisServer, startRedis } from '../support/servers.ts';
import { redisUnavailable } from './helpers.ts';

const skip = redisUnavailable();

describe.skipIf(skip)('RedisStateStore', () => {
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

  const fresh = () => new RedisStateStore(redis, { prefix: `t${randomUUID().slice(0, 8)}:sandbox:` });

  it('keeps versioned JSON under tutor:sandbox:{platform}:{workspace}:{user}', async () => {
    const store = new RedisStateStore(redis);
    const key = sandboxKey('slack', 'T1', 'U1');
    const backend = new SimBackend({ store });
    await backend.exec(key, 'docker network create n1');
    const raw = await redis.get('tutor:sandbox:slack:T1:U1');
    expect(raw).not.toBeNull();
    const doc = JSON.parse(raw!);
    expect(doc.version).toBe(1);
    expect(doc.state.schema).toBe(1);
    expect(doc.state.networks.map((n: { name: string }) => n.name)).toContain('n1');
    await backend.exec(key, 'docker network ls');
    expect(await store.version(key)).toBe(2);
    expect(await store.keys()).toContain(key);
  });

  it('refuses a save based on a stale version: no lost update', async () => {
    const store = fresh();
    const key = 'slack:T1:race';
    await store.save(key, new Engine({ seed: 1 }).snapshot());
    // Two commands load the same version...
    const a = new Engine({ state: (await store.load(key))! });
    const b = new Engine({ state: (await store.load(key))! });
    await runHostLine(a, 'docker network create from-a');
    await runHostLine(b, 'docker network create from-b');
    await store.save(key, a.snapshot());
    // ...the second to save loses and writes nothing.
    const err = await store.save(key, b.snapshot()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StateConflictError);
    expect((err as StateConflictError).expected).toBe(1);
    expect((err as StateConflictError).actual).toBe(2);
    const names = (await store.load(key))!.networks.map((n) => n.name);
    expect(names).toContain('from-a');
    expect(names).not.toContain('from-b');
  });

  it('a save after a reset conflicts instead of resurrecting the old sandbox', async () => {
    const store = fresh();
    const key = 'slack:T1:reset';
    await store.save(key, new Engine({ seed: 2 }).snapshot());
    const loaded = (await store.load(key))!;
    await store.delete(key);
    await expect(store.save(key, loaded)).rejects.toBeInstanceOf(StateConflictError);
    expect(await store.load(key)).toBeNull();
    expect(await store.keys()).not.toContain(key);
  });

  it('many racing writers: every successful save is kept, the rest conflict', async () => {
    const store = fresh();
    const key = 'slack:T1:many';
    await store.save(key, new Engine({ seed: 3 }).snapshot());
    const engines = await Promise.all(
      Array.from({ length: 20 }, async () => new Engine({ state: (await store.load(key))! })),
    );
    const results = await Promise.allSettled(
      engines.map(async (e, i) => {
        await runHostLine(e, `docker network create r${i}`);
        await store.save(key, e.snapshot());
      }),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(await store.version(key)).toBe(2);
  });
});

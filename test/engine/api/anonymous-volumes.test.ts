/**
 * Anonymous volumes (`-v /data`, `"Volumes":{"/data":{}}`): made at create, shown in Mounts and
 * `docker volume ls`, removed by `rm -v`, `?v=1` and `--rm`; the host-mode create warning over the
 * API. Shapes recorded from Docker 20.10 (goldens 179, 241, 257).
 */
import { describe, expect, it } from 'vitest';
import { runHostLine } from '../../../src/engine/index.ts';
import { call, freshEngine } from './support.ts';
import { loadSwagger, responseSchema, validate } from './swagger.ts';

const swagger = loadSwagger();
const count = async (engine: ReturnType<typeof freshEngine>) =>
  Number((await runHostLine(engine, 'docker volume ls -q | wc -l')).stdout.trim());

describe('anonymous volumes', () => {
  it('-v /data: a 64-hex local volume in Mounts, Config.Volumes, ps and volume ls; rm -v removes it', async () => {
    const engine = freshEngine();
    await runHostLine(engine, 'docker run -d --name a1 -v /data alpine sleep 300');
    expect(await count(engine)).toBe(1);
    const mounts = (await runHostLine(engine, "docker inspect -f '{{json .Mounts}}' a1")).stdout;
    expect(mounts).toMatch(
      /^\[\{"Type":"volume","Name":"([0-9a-f]{64})","Source":"\/var\/lib\/docker\/volumes\/\1\/_data","Destination":"\/data","Driver":"local","Mode":"","RW":true,"Propagation":""\}\]\n$/,
    );
    expect(
      (
        await runHostLine(
          engine,
          "docker inspect -f '{{json .Config.Volumes}} {{json .HostConfig.Binds}}' a1",
        )
      ).stdout,
    ).toBe('{"/data":{}} null\n');
    expect((await runHostLine(engine, "docker ps --format '{{len .Mounts}} {{.LocalVolumes}}'")).stdout).toBe(
      '17 1\n',
    );
    expect((await runHostLine(engine, "docker ps --filter volume=/data --format '{{.Names}}'")).stdout).toBe(
      'a1\n',
    );
    await runHostLine(engine, 'docker run -d --name a2 -v named1:/n -v /data alpine sleep 300');
    expect(await count(engine)).toBe(3);
    await runHostLine(engine, 'docker rm -f a1');
    expect((await runHostLine(engine, 'docker volume ls -q -f dangling=true | wc -l')).stdout.trim()).toBe(
      '1',
    );
    await runHostLine(engine, 'docker rm -fv a2');
    // The named volume stays; a1's anonymous one was not asked to go.
    expect(await count(engine)).toBe(2);
    await runHostLine(engine, 'docker volume prune -f');
    await runHostLine(engine, 'docker run --rm -v /data alpine true');
    expect(await count(engine)).toBe(0);
  });

  it('over the API: Volumes in the create body, DELETE ?v=1, and the host-mode warning', async () => {
    const engine = freshEngine();
    const created = await call(engine, 'POST', '/v1.41/containers/create?name=v1', {
      Image: 'alpine',
      Cmd: ['sleep', '600'],
      Volumes: { '/data': {}, '/logs': {} },
    });
    expect(created.status).toBe(201);
    expect(await count(engine)).toBe(2);
    const inspect = await call(engine, 'GET', '/v1.41/containers/v1/json');
    expect((inspect.json as { Mounts: unknown[] }).Mounts).toHaveLength(2);
    const list = await call(engine, 'GET', '/v1.41/containers/json?all=1');
    if (swagger) {
      for (const [ex, path] of [
        [inspect, '/containers/v1/json'],
        [list, '/containers/json'],
      ] as const) {
        const schema = responseSchema(swagger, 'GET', path, 200)!;
        expect(
          validate(swagger, schema, ex.json).filter((e) => !/MemorySwappiness|RestartPolicy\.Name/.test(e)),
        ).toEqual([]);
      }
    }
    const gone = await call(engine, 'DELETE', '/v1.41/containers/v1?v=1');
    expect(gone.status).toBe(204);
    expect(await count(engine)).toBe(0);
    const host = await call(engine, 'POST', '/v1.41/containers/create?name=h2', {
      Image: 'alpine',
      HostConfig: { NetworkMode: 'host', PortBindings: { '80/tcp': [{ HostPort: '80' }] } },
    });
    expect((host.json as { Warnings: string[] }).Warnings).toEqual([
      'Published ports are discarded when using host network mode',
    ]);
  });
});

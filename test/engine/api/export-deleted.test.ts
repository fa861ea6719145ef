/** A container's removals: gone from its file system and from its export (golden 246). */
import { describe, expect, it } from 'vitest';
import { readTar } from '../../../src/engine/api/tar.ts';
import { runHostLine } from '../../../src/engine/index.ts';
import { freshEngine } from './support.ts';

describe('files a container removed', () => {
  it('are not read, listed or exported; writing one again brings it back', async () => {
    const engine = freshEngine();
    await runHostLine(
      engine,
      "docker run -d --name d1 alpine sh -c 'rm /etc/os-release; mkdir /x; echo a > /x/f; sleep 300'",
    );
    expect((await runHostLine(engine, 'docker exec d1 cat /etc/os-release')).exitCode).toBe(1);
    expect((await runHostLine(engine, 'docker exec d1 ls /etc')).stdout).not.toContain('os-release');
    const { handleApiRequest } = await import('../../../src/engine/api/router.ts');
    const exported = async () => {
      const res = await handleApiRequest(engine, {
        method: 'GET',
        path: '/v1.41/containers/d1/export',
        query: new URLSearchParams(),
        headers: { host: 'localhost' },
        body: Buffer.alloc(0),
      });
      const chunks = [res.body];
      await res.stream?.run((c) => chunks.push(c), new AbortController().signal);
      return (readTar(Buffer.concat(chunks)) ?? []).map((e) => e.name);
    };
    const names = await exported();
    expect(names).toContain('x/f');
    expect(names).not.toContain('etc/os-release');
    await runHostLine(engine, "docker exec d1 sh -c 'echo new > /etc/os-release'");
    expect((await runHostLine(engine, 'docker exec d1 cat /etc/os-release')).stdout).toBe('new\n');
    expect(await exported()).toContain('etc/os-release');
  });
});

/** A container's files over the API: export, archive stat/get/put (golden 141). */
import { describe, expect, it } from 'vitest';
import { readTar, tarArchive } from '../../../src/engine/api/tar.ts';
import { runHostLine } from '../../../src/engine/index.ts';
import { call, freshEngine } from './support.ts';

describe('container archives', () => {
  it('exports the file system and stats, reads and writes paths as tar', async () => {
    const e = freshEngine();
    await runHostLine(e, "docker run -d --name box alpine sh -c 'echo hi > /root/x.txt; sleep 1000'");
    const exported = await call(e, 'GET', '/v1.41/containers/box/export');
    expect(exported.status).toBe(200);
    // Every byte of these archives is ASCII, so the text is the tar.
    const names = (readTar(Buffer.from(exported.text)) ?? []).map((x) => x.name);
    expect(names).toContain('root/x.txt');

    const stat = await call(e, 'HEAD', '/v1.41/containers/box/archive?path=/etc/hostname');
    expect(stat.status).toBe(200);
    const header = stat.res.headers.find(([k]) => k === 'X-Docker-Container-Path-Stat')?.[1] ?? '';
    expect(JSON.parse(Buffer.from(header, 'base64').toString())).toMatchObject({
      name: 'hostname',
      mode: 0o644,
    });

    const missing = await call(e, 'GET', '/v1.41/containers/box/archive?path=/nonexistent');
    expect([missing.status, missing.json]).toEqual([
      404,
      { message: 'Could not find the file /nonexistent in container box' },
    ]);

    const tar = tarArchive([{ name: 'note.txt', content: Buffer.from('put\n'), mode: 0o644, mtime: 0 }]);
    const putRes = await call(e, 'PUT', '/v1.41/containers/box/archive?path=/tmp', tar.toString(), {
      'content-type': 'application/x-tar',
    });
    expect(putRes.status).toBe(200);
    expect((await runHostLine(e, 'docker exec box cat /tmp/note.txt')).stdout).toBe('put\n');
  });
});

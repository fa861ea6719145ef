/** Images, /auth, push and exec through the router in process: Docker's answers, bad input included. */
import { describe, expect, it } from 'vitest';
import { apiCurlLine, explainAuth, formatApiResponse } from '../../../src/core/commands/api.ts';
import {
  decodeRegistryAuthHeader,
  encodeRegistryAuthHeader,
} from '../../../src/engine/api/registry-auth-header.ts';
import { call, freshEngine } from './support.ts';

const lines = (text: string) =>
  text
    .split('\r\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('X-Registry-Auth, read as the daemon reads it', () => {
  const json = '{"username":"student","password":"tutor-pass","serveraddress":"registry.tutor.local"}';
  it('takes base64url with or without padding when the JSON is whole', () => {
    const padded = encodeRegistryAuthHeader(JSON.parse(json));
    expect(decodeRegistryAuthHeader(padded)).toMatchObject({ ok: true, config: { username: 'student' } });
  });

  it('loses an unpadded last group, and fails on standard base64 and garbage', () => {
    const unpadded = Buffer.from(`${json} `).toString('base64url');
    expect(unpadded.length % 4).not.toBe(0);
    expect(decodeRegistryAuthHeader(unpadded)).toMatchObject({ ok: false, error: 'unexpected EOF' });
    expect(decodeRegistryAuthHeader('!!!!')).toMatchObject({
      ok: false,
      error: 'illegal base64 data at input byte 0',
    });
    expect(decodeRegistryAuthHeader(encodeRegistryAuthHeader({ username: 5 } as never))).toMatchObject({
      ok: false,
      error: 'json: cannot unmarshal number into Go struct field AuthConfig.username of type string',
    });
  });

  it('is explained in chat with the password masked', () => {
    const out = explainAuth(encodeRegistryAuthHeader(JSON.parse(json)));
    expect(out).toContain('"password": "********"');
    expect(out).not.toContain('tutor-pass');
    expect(explainAuth('!!!!')).toMatch(
      /^The daemon cannot read this header: illegal base64 data at input byte 0\./,
    );
  });
});

describe('/auth and push', () => {
  it('logs in to the simulated registry and refuses bad credentials with 401', async () => {
    const e = freshEngine();
    const ok = await call(e, 'POST', '/v1.41/auth', {
      username: 'student',
      password: 'tutor-pass',
      serveraddress: 'registry.tutor.local',
    });
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({
      Status: 'Login Succeeded',
      IdentityToken: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    const bad = await call(e, 'POST', '/v1.41/auth', {
      username: 'student',
      password: 'x',
      serveraddress: 'registry.tutor.local',
    });
    expect([bad.status, bad.json]).toEqual([
      401,
      { message: 'Get "https://registry.tutor.local/v2/": unauthorized: incorrect username or password' },
    ]);
    // Docker Hub is out of reach, as in the recorded sandboxes; bodies are decoded without the Content-Type check.
    expect((await call(e, 'POST', '/v1.41/auth', '{}', { 'Content-Type': 'text/plain' })).status).toBe(500);
    expect((await call(e, 'POST', '/v1.41/auth', '')).json).toEqual({ message: 'EOF' });
  });

  it('pushes with an identity token, refuses other namespaces and missing credentials', async () => {
    const e = freshEngine();
    const token = (
      (
        await call(e, 'POST', '/v1.41/auth', {
          username: 'student',
          password: 'tutor-pass',
          serveraddress: 'registry.tutor.local',
        })
      ).json as { IdentityToken: string }
    ).IdentityToken;
    await call(e, 'POST', '/v1.41/images/alpine/tag?repo=registry.tutor.local/student/app&tag=v1');
    await call(e, 'POST', '/v1.41/images/alpine/tag?repo=registry.tutor.local/ta/app&tag=v1');
    const header = encodeRegistryAuthHeader({ identitytoken: token });
    const pushed = await call(
      e,
      'POST',
      '/v1.41/images/registry.tutor.local/student/app/push?tag=v1',
      undefined,
      {
        'X-Registry-Auth': header,
      },
    );
    const msgs = lines(pushed.text);
    expect(msgs[0]).toEqual({ status: 'The push refers to repository [registry.tutor.local/student/app]' });
    expect(msgs.at(-1)).toMatchObject({ aux: { Tag: 'v1' } });
    const denied = lines(
      (
        await call(e, 'POST', '/v1.41/images/registry.tutor.local/ta/app/push', undefined, {
          'X-Registry-Auth': header,
        })
      ).text,
    );
    expect(denied.at(-1)).toEqual({
      errorDetail: { message: 'denied: requested access to the resource is denied' },
      error: 'denied: requested access to the resource is denied',
    });
    // A header the daemon cannot read means no credentials: the push goes on and the registry refuses it.
    const garbled = lines(
      (
        await call(e, 'POST', '/v1.41/images/registry.tutor.local/student/app/push', undefined, {
          'X-Registry-Auth': '%%%',
        })
      ).text,
    );
    expect(garbled.at(-1)?.error).toBe('unauthorized: authentication required');
    const missing = await call(e, 'POST', '/v1.41/images/registry.tutor.local/student/app/push');
    expect([missing.status, missing.json]).toEqual([
      400,
      { message: 'Bad parameters and missing X-Registry-Auth: EOF' },
    ]);
  });
});

describe('images', () => {
  it('answers bad and traversing names as Docker does, never as paths', async () => {
    const e = freshEngine();
    const pull = await call(e, 'POST', '/v1.41/images/create?fromImage=..%2F..%2Fetc%2Fpasswd');
    expect([pull.status, pull.json]).toEqual([400, { message: 'invalid reference format' }]);
    const tag = await call(e, 'POST', '/v1.41/images/alpine/tag?repo=../../x');
    expect([tag.status, tag.json]).toEqual([500, { message: 'invalid reference format' }]);
    const rm = await call(e, 'DELETE', '/v1.41/images/..%2F..%2Fetc');
    expect(rm.status).toBe(301);
    expect(e.state.images.map((i) => i.repoTags)).toEqual([['alpine:latest']]);
  });

  it('deletes with Untagged/Deleted and 409 for an image in use', async () => {
    const e = freshEngine();
    await call(e, 'POST', '/v1.41/containers/create?name=user1', { Image: 'alpine' });
    const conflict = await call(e, 'DELETE', '/v1.41/images/alpine');
    expect(conflict.status).toBe(409);
    expect((conflict.json as { message: string }).message).toMatch(
      /^conflict: unable to remove repository reference "alpine" \(must force\)/,
    );
    await call(e, 'POST', '/v1.41/images/create?fromImage=busybox&tag=latest');
    const del = await call(e, 'DELETE', '/v1.41/images/busybox');
    expect((del.json as Array<Record<string, string>>).map((x) => Object.keys(x)[0])).toEqual([
      'Untagged',
      'Untagged',
      'Deleted',
      'Deleted',
    ]);
  });
});

describe('exec in process', () => {
  it('creates, starts (framed), inspects, and refuses a second start', async () => {
    const e = freshEngine();
    await call(e, 'POST', '/v1.41/containers/create?name=ex1', { Image: 'alpine', Cmd: ['sleep', '1000'] });
    await call(e, 'POST', '/v1.41/containers/ex1/start');
    const created = await call(e, 'POST', '/v1.41/containers/ex1/exec', {
      Cmd: ['echo', 'hi'],
      AttachStdout: true,
    });
    expect(created.status).toBe(201);
    const id = (created.json as { Id: string }).Id;
    expect((await call(e, 'GET', `/v1.41/exec/${id}/json`)).json).toMatchObject({
      ExitCode: null,
      Running: false,
    });
    const started = await call(e, 'POST', `/v1.41/exec/${id}/start`, { Detach: false });
    expect(started.res.body.length + started.text.length).toBeGreaterThan(0);
    expect(Buffer.from(started.text, 'latin1').subarray(0, 8)).toEqual(Buffer.from([1, 0, 0, 0, 0, 0, 0, 3]));
    expect(started.text.endsWith('hi\n')).toBe(true);
    const again = await call(e, 'POST', `/v1.41/exec/${id}/start`, {});
    expect([again.status, again.json]).toEqual([
      409,
      { message: `Error: Exec command ${id} has already run` },
    ]);
    expect((await call(e, 'POST', '/v1.41/containers/ex1/exec', { Cmd: [] })).json).toEqual({
      message: 'No exec command specified',
    });
    expect((await call(e, 'POST', '/v1.41/containers/ex1/exec', '')).json).toEqual({
      message: 'got EOF while reading request body',
    });
  });
});

describe('/api in chat', () => {
  it('quotes the body for the sandbox shell and pretty-prints the answer', () => {
    expect(apiCurlLine('POST', '/v1.41/networks/create', `{"Name":"it's"}`)).toBe(
      `curl -s -i --unix-socket /var/run/docker.sock -X POST -H 'Content-Type: application/json' --data-raw '{"Name":"it'\\''s"}' 'http://localhost/v1.41/networks/create'`,
    );
    expect(formatApiResponse('HTTP/1.1 404 Not Found\r\nA: b\r\n\r\n{"message":"x"}\n')).toEqual({
      status: 'HTTP/1.1 404 Not Found',
      body: '{\n  "message": "x"\n}',
    });
  });
});

/**
 * Exec, attach, images and registry login over a real unix socket: dockerode and the real docker
 * CLI 20.10 (/usr/bin/docker) against `startEngineApiServer`.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { promisify } from 'node:util';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '../../../src/engine/index.ts';
import { type EngineApiServer, startEngineApiServer } from '../../../src/engine/api/server.ts';
import { Engine } from '../../../src/engine/engine.ts';

const run = promisify(execFile);
const DOCKER_CLI = '/usr/bin/docker';

let dir: string;
let socket: string;
let server: EngineApiServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'engine-api-exec-'));
  socket = join(dir, 'docker.sock');
  // The real clock: attached runs and waits poll the engine as time passes.
  server = await startEngineApiServer(new Engine({ seed: 5 }), { kind: 'unix', path: socket });
});

afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('dockerode', () => {
  it('lists, creates, inspects, connects and execs with output', async () => {
    const docker = new Docker({ socketPath: socket });
    await docker.createNetwork({ Name: 'xnet' });
    const c = await docker.createContainer({ Image: 'alpine', Cmd: ['sleep', '1000'], name: 'xbox' });
    await c.start();
    await docker.getNetwork('xnet').connect({ Container: 'xbox' });
    const info = await c.inspect();
    expect(Object.keys(info.NetworkSettings.Networks).sort()).toEqual(['bridge', 'xnet']);
    const listed = await docker.listContainers();
    expect(listed.map((x) => [x.Names[0], x.State, x.Status.startsWith('Up ')])).toEqual([
      ['/xbox', 'running', true],
    ]);

    const exec = await c.exec({
      Cmd: ['sh', '-c', 'hostname; echo oops >&2; exit 4'],
      AttachStdout: true,
      AttachStderr: true,
    });
    const stream = await exec.start({ hijack: true, stdin: false });
    const out = new PassThrough();
    const err = new PassThrough();
    const chunks = { out: '', err: '' };
    out.on('data', (d: Buffer) => {
      chunks.out += d.toString();
    });
    err.on('data', (d: Buffer) => {
      chunks.err += d.toString();
    });
    docker.modem.demuxStream(stream, out, err);
    await new Promise((resolve) => stream.on('end', resolve));
    expect(chunks).toEqual({ out: `${info.Id.slice(0, 12)}\n`, err: 'oops\n' });
    const inspected = await exec.inspect();
    expect(inspected).toMatchObject({ ExitCode: 4, Running: false, ContainerID: info.Id });
    expect(inspected.ProcessConfig).toMatchObject({
      entrypoint: 'sh',
      arguments: ['-c', 'hostname; echo oops >&2; exit 4'],
    });
    await c.remove({ force: true });
    await expect(exec.inspect()).rejects.toMatchObject({ statusCode: 404 });
  });

  it('pulls with a JSON progress stream, tags, lists and removes images', async () => {
    const docker = new Docker({ socketPath: socket });
    const stream = await docker.pull('busybox:latest');
    const events: Array<{ status?: string }> = await new Promise((resolve, reject) =>
      docker.modem.followProgress(stream, (e: Error | null, r: Array<{ status?: string }>) =>
        e ? reject(e) : resolve(r),
      ),
    );
    expect(events.at(-1)?.status).toBe('Status: Downloaded newer image for busybox:latest');
    await docker.getImage('busybox').tag({ repo: 'mine/bb', tag: 'v1' });
    const tags = (await docker.listImages()).flatMap((i) => i.RepoTags ?? []);
    expect(tags).toEqual(expect.arrayContaining(['busybox:latest', 'mine/bb:v1', 'alpine:latest']));
    expect(await docker.getImage('mine/bb:v1').remove()).toEqual([{ Untagged: 'mine/bb:v1' }]);
    await expect(docker.getImage('nothere').inspect()).rejects.toMatchObject({ statusCode: 404 });
  });

  it('logs in with /auth and pushes with the identity token it returns', async () => {
    const docker = new Docker({ socketPath: socket });
    const login = (await docker.checkAuth({
      username: 'student',
      password: 'tutor-pass',
      serveraddress: 'registry.tutor.local',
    })) as { Status: string; IdentityToken: string };
    expect(login.Status).toBe('Login Succeeded');
    expect(login.IdentityToken).toMatch(/^[0-9a-f-]{36}$/);
    await expect(
      docker.checkAuth({ username: 'student', password: 'wrong', serveraddress: 'registry.tutor.local' }),
    ).rejects.toMatchObject({ statusCode: 401 });
    await docker.getImage('alpine').tag({ repo: 'registry.tutor.local/student/pushed', tag: 'v1' });
    const stream = await docker.getImage('registry.tutor.local/student/pushed:v1').push({
      authconfig: { identitytoken: login.IdentityToken, serveraddress: 'registry.tutor.local' },
    });
    const events: Array<{ status?: string; error?: string }> = await new Promise((resolve, reject) =>
      docker.modem.followProgress(stream, (e: Error | null, r: Array<{ status?: string }>) =>
        e ? reject(e) : resolve(r),
      ),
    );
    expect(events.some((e) => /^v1: digest: sha256:[0-9a-f]{64} size: \d+$/.test(e.status ?? ''))).toBe(true);
  });
});

const cliMissing = existsSync(DOCKER_CLI) ? null : `${DOCKER_CLI} (docker.io 20.10) is not installed`;
if (cliMissing) console.log(`docker CLI tests skipped: ${cliMissing}`);

describe.skipIf(cliMissing !== null)('the real docker CLI 20.10: run, exec, logs, images, tag, login', () => {
  const docker = async (args: string[], input?: string) => {
    const child = run(DOCKER_CLI, args, {
      env: { PATH: process.env.PATH ?? '', HOME: dir, DOCKER_HOST: `unix://${socket}` },
      timeout: 15_000,
    });
    if (input !== undefined) {
      child.child.stdin?.end(input);
    }
    return child.then(
      (r) => ({ out: r.stdout, err: r.stderr, code: 0 }),
      (e: { stdout: string; stderr: string; code: number }) => ({
        out: e.stdout,
        err: e.stderr,
        code: e.code,
      }),
    );
  };

  it('runs detached, execs, reads logs', async () => {
    const id = (
      await docker(['run', '-d', '--name', 'clibox', 'alpine', 'sh', '-c', 'echo hello; sleep 1000'])
    ).out.trim();
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    expect(await docker(['exec', 'clibox', 'hostname'])).toEqual({
      out: `${id.slice(0, 12)}\n`,
      err: '',
      code: 0,
    });
    expect(await docker(['exec', 'clibox', 'sh', '-c', 'echo e >&2; exit 7'])).toEqual({
      out: '',
      err: 'e\n',
      code: 7,
    });
    expect((await docker(['exec', 'nope', 'ls'])).err).toBe('Error: No such container: nope\n');
    expect(await docker(['logs', 'clibox'])).toEqual({ out: 'hello\n', err: '', code: 0 });
    expect(await docker(['run', '--rm', 'alpine', 'sh', '-c', 'echo attached; exit 3'])).toEqual({
      out: 'attached\n',
      err: '',
      code: 3,
    });
  });

  it('lists and tags images, logs in and out', async () => {
    expect((await docker(['tag', 'alpine', 'cli/alpine:v2'])).code).toBe(0);
    const images = await docker(['images', '--format', '{{.Repository}}:{{.Tag}}']);
    expect(images.out.split('\n')).toEqual(expect.arrayContaining(['alpine:latest', 'cli/alpine:v2']));
    expect(
      await docker(['login', '-u', 'student', '--password-stdin', 'registry.tutor.local'], 'tutor-pass\n'),
    ).toEqual({
      out: 'Login Succeeded\n',
      err: '',
      code: 0,
    });
    const bad = await docker(['login', '-u', 'student', '-p', 'nope', 'registry.tutor.local']);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain(
      'Error response from daemon: Get "https://registry.tutor.local/v2/": unauthorized: incorrect username or password',
    );
    expect((await docker(['logout', 'registry.tutor.local'])).out).toBe(
      'Removing login credentials for registry.tutor.local\n',
    );
  });
});

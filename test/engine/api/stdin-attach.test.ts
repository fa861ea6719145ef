/**
 * Stdin over hijacked connections: `docker run -i` (attach with stdin=1, then start) and
 * `docker exec -i` (exec start hijacked with AttachStdin), with the real docker CLI (20.10 from
 * docker.io, and 28 where it is installed) and dockerode against `startEngineApiServer`. The
 * server reads what the client sends until it half-closes and feeds it to the process.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '../../../src/engine/index.ts';
import { type EngineApiServer, startEngineApiServer } from '../../../src/engine/api/server.ts';
import { Engine } from '../../../src/engine/engine.ts';

interface Ran {
  out: string;
  err: string;
  code: number | null;
}

interface Running {
  /** Writes to its stdin. */
  write(text: string): void;
  /** Closes its stdin (the CLI then half-closes its connection). */
  end(): void;
  kill(): void;
  done: Promise<Ran>;
}

let dir: string;
let socket: string;
let server: EngineApiServer;
let seq = 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'engine-api-stdin-'));
  socket = join(dir, 'docker.sock');
  // The real clock: attached runs and waits poll the engine as time passes.
  server = await startEngineApiServer(new Engine({ seed: 9 }), { kind: 'unix', path: socket });
});

afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Starts `cli args`, its stdin a pipe left open until `end()` (or 'null': /dev/null). */
function start(cli: string, args: string[], stdin: 'pipe' | 'null' = 'pipe'): Running {
  const child = spawn(cli, args, {
    env: { PATH: process.env.PATH ?? '', HOME: dir, DOCKER_HOST: `unix://${socket}` },
    stdio: [stdin === 'null' ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  // An attached CLI forwards SIGTERM to the container: only SIGKILL ends it for sure.
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  const done = new Promise<Ran>((resolve) => {
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ out, err, code });
    });
  });
  return {
    write: (text) => child.stdin?.write(text),
    end: () => child.stdin?.end(),
    kill: () => child.kill('SIGKILL'),
    done,
  };
}

/** Runs `cli args` with `input` as its whole stdin (undefined: /dev/null). */
function run(cli: string, args: string[], input?: string): Promise<Ran> {
  const p = start(cli, args, input === undefined ? 'null' : 'pipe');
  if (input !== undefined) {
    p.write(input);
    p.end();
  }
  return p.done;
}

const name = (base: string) => `${base}${++seq}`;

const CLIS = [
  { cli: '/usr/bin/docker', what: 'docker.io 20.10' },
  { cli: '/usr/local/bin/docker', what: 'the static docker CLI 28' },
];

for (const { cli, what } of CLIS) {
  const missing = existsSync(cli) ? null : `${cli} (${what}) is not installed`;
  if (missing) console.log(`stdin tests with the docker CLI skipped: ${missing}`);

  describe.skipIf(missing !== null)(`${cli} (${what}): stdin over the hijacked connection`, () => {
    it('docker run -i feeds piped input to the main process, with its exit code, logs and wait', async () => {
      expect(await run(cli, ['run', '-i', '--rm', 'alpine', 'cat'], 'hello\n')).toEqual({
        out: 'hello\n',
        err: '',
        code: 0,
      });
      const sc = name('sc');
      const script = await run(
        cli,
        ['run', '-i', '--name', sc, 'alpine', 'sh'],
        'echo a; echo b >&2; exit 3\n',
      );
      expect(script).toEqual({ out: 'a\n', err: 'b\n', code: 3 });
      expect(await run(cli, ['wait', sc])).toEqual({ out: '3\n', err: '', code: 0 });
      const logs = await run(cli, ['logs', sc]);
      expect([logs.out, logs.err, logs.code]).toEqual(['a\n', 'b\n', 0]);
      expect(
        (await run(cli, ['inspect', '-f', '{{.State.Status}} {{.State.ExitCode}} {{.Config.OpenStdin}}', sc]))
          .out,
      ).toBe('exited 3 true\n');
      // docker start -ai: the same container again, its stdin the new input
      expect(await run(cli, ['start', '-ai', sc], 'echo again\n')).toEqual({
        out: 'again\n',
        err: '',
        code: 0,
      });
    });

    it('docker run -i from /dev/null reads EOF at once; a program that ignores stdin does not wait for it', async () => {
      expect(await run(cli, ['run', '-i', '--rm', 'alpine', 'cat'])).toEqual({ out: '', err: '', code: 0 });
      // stdin stays open: echo never reads it, so the run is over without the client's EOF
      const open = start(cli, ['run', '-i', '--rm', 'alpine', 'sh', '-c', 'echo direct; exit 4']);
      expect(await open.done).toEqual({ out: 'direct\n', err: '', code: 4 });
      open.end();
    });

    it('input that comes in pieces is read to the EOF', async () => {
      const p = start(cli, ['run', '-i', '--rm', 'alpine', 'wc', '-l']);
      p.write('one\n');
      await new Promise((r) => setTimeout(r, 300));
      p.write('two\n');
      await new Promise((r) => setTimeout(r, 100));
      p.end();
      expect(await p.done).toEqual({ out: '2\n', err: '', code: 0 });
    });

    it('docker exec -i feeds the exec; without -i it reads nothing; a stopped container is an error', async () => {
      const web = name('web');
      expect((await run(cli, ['run', '-d', '--name', web, 'alpine', 'sleep', '1000'])).code).toBe(0);
      expect(await run(cli, ['exec', '-i', web, 'cat'], 'hi\n')).toEqual({ out: 'hi\n', err: '', code: 0 });
      expect(await run(cli, ['exec', web, 'cat'], 'hi\n')).toEqual({ out: '', err: '', code: 0 });
      expect(await run(cli, ['exec', '-i', web, 'sh', '-c', 'wc -l; echo e >&2; exit 5'], 'x\ny\n')).toEqual({
        out: '2\n',
        err: 'e\n',
        code: 5,
      });
      const stopped = name('stopped');
      const id = (await run(cli, ['create', '--name', stopped, 'alpine', 'true'])).out.trim();
      const exec = await run(cli, ['exec', '-i', stopped, 'cat'], 'hi\n');
      expect(exec.code).toBe(1);
      expect(exec.err).toContain(`Error response from daemon: Container ${id} is not running`);
    });

    it('docker attach leaves nothing open on the server once the client is gone', async () => {
      const box = name('box');
      expect((await run(cli, ['run', '-d', '-i', '--name', box, 'alpine', 'sh'])).code).toBe(0);
      const before = await connections();
      const p = start(cli, ['attach', box]);
      await until(async () => (await connections()) > before);
      p.kill();
      await p.done;
      await until(async () => (await connections()) === before);
      expect(await connections()).toBe(before);
    });
  });
}

function connections(): Promise<number> {
  return new Promise((resolve, reject) =>
    server.server.getConnections((err, n) => (err ? reject(err) : resolve(n))),
  );
}

async function until(test: () => Promise<boolean>, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await test()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('dockerode: attach and exec with stdin', () => {
  const docker = () => new Docker({ socketPath: socket });

  it('a Tty container reads its terminal to Ctrl-D, not to a half-close; the stream is raw, with the echo', async () => {
    const c = await docker().createContainer({
      Image: 'alpine',
      Cmd: ['cat'],
      Tty: true,
      OpenStdin: true,
      StdinOnce: true,
      AttachStdin: true,
      AttachStdout: true,
    });
    const stream = await c.attach({ stream: true, stdin: true, stdout: true, stderr: true, hijack: true });
    const chunks: Buffer[] = [];
    stream.on('data', (d: Buffer) => chunks.push(d));
    const ended = new Promise((resolve) => stream.on('end', resolve));
    await c.start();
    // As typed on a terminal: Enter is CR; the terminal echoes it as CR LF.
    stream.write('tty input\r');
    (stream as unknown as { end(): void }).end();
    await new Promise((r) => setTimeout(r, 150));
    expect((await c.inspect()).State.Running).toBe(true);
    await c.kill();
    await ended;
    expect(Buffer.concat(chunks).toString()).toBe('tty input\r\n');

    const d = await docker().createContainer({
      Image: 'alpine',
      Cmd: ['cat'],
      Tty: true,
      OpenStdin: true,
      StdinOnce: true,
      AttachStdin: true,
      AttachStdout: true,
    });
    const s2 = await d.attach({ stream: true, stdin: true, stdout: true, stderr: true, hijack: true });
    const out: Buffer[] = [];
    s2.on('data', (b: Buffer) => out.push(b));
    const ended2 = new Promise((resolve) => s2.on('end', resolve));
    await d.start();
    s2.write('abc\r');
    s2.write('\x04');
    await ended2;
    // The echo, then cat's output, its LF sent as CR LF by the terminal.
    expect(Buffer.concat(out).toString()).toBe('abc\r\nabc\r\n');
    expect(await d.wait()).toEqual({ Error: null, StatusCode: 0 });
  });

  it('an exec with AttachStdin reads to the EOF, framed without a Tty; exec inspect shows it running meanwhile', async () => {
    const c = await docker().createContainer({ Image: 'alpine', Cmd: ['sleep', '1000'] });
    await c.start();
    const exec = await c.exec({ Cmd: ['sh', '-c', 'cat; exit 2'], AttachStdin: true, AttachStdout: true });
    const stream = await exec.start({ hijack: true, stdin: true });
    const chunks: Buffer[] = [];
    stream.on('data', (d: Buffer) => chunks.push(d));
    const ended = new Promise((resolve) => stream.on('end', resolve));
    stream.write('framed\n');
    await new Promise((r) => setTimeout(r, 100));
    expect(await exec.inspect()).toMatchObject({ Running: true, ExitCode: null });
    (stream as unknown as { end(): void }).end();
    await ended;
    const body = Buffer.from('framed\n');
    const header = Buffer.from([1, 0, 0, 0, 0, 0, 0, body.length]);
    expect(Buffer.concat(chunks)).toEqual(Buffer.concat([header, body]));
    expect(await exec.inspect()).toMatchObject({ Running: false, ExitCode: 2 });
  });
});

/**
 * The API over a real unix socket: dockerode and the real docker CLI 20.10 (Debian's docker.io,
 * /usr/bin/docker) against `startEngineApiServer`, compared with what the simulator prints in process.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type EngineApiServer,
  parseListenAddress,
  startEngineApiServer,
} from '../../../src/engine/api/server.ts';
import { runHostLine } from '../../../src/engine/index.ts';
import { freshEngine } from './support.ts';

const run = promisify(execFile);
const DOCKER_CLI = '/usr/bin/docker';

let dir: string;
let socket: string;
let server: EngineApiServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'engine-api-'));
  socket = join(dir, 'docker.sock');
  server = await startEngineApiServer(freshEngine(7), { kind: 'unix', path: socket });
});

afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A raw HTTP exchange on the socket. */
function raw(method: string, path: string, body?: string, headers: Record<string, string> = {}) {
  return new Promise<{
    status: number;
    headers: Record<string, string | string[] | undefined>;
    text: string;
  }>((resolve, reject) => {
    const req = request({ socketPath: socket, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          text: Buffer.concat(chunks).toString(),
        }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('listen addresses', () => {
  it('takes unix sockets and loopback TCP only', () => {
    expect(parseListenAddress('unix:///tmp/x.sock')).toEqual({ kind: 'unix', path: '/tmp/x.sock' });
    expect(parseListenAddress('tcp://127.0.0.1:2375')).toEqual({
      kind: 'tcp',
      host: '127.0.0.1',
      port: 2375,
    });
    expect(() => parseListenAddress('tcp://0.0.0.0:2375')).toThrow(/only loopback/);
    expect(() => parseListenAddress('tcp://10.1.2.3:2375')).toThrow(/only loopback/);
    expect(() => parseListenAddress('unix://relative.sock')).toThrow(/absolute path/);
  });

  it('serves on loopback TCP', async () => {
    const tcp = await startEngineApiServer(freshEngine(), { kind: 'tcp', host: '127.0.0.1', port: 0 });
    try {
      const port = Number(tcp.url.split(':').pop());
      const res = await fetch(`http://127.0.0.1:${port}/_ping`);
      expect([res.status, await res.text(), res.headers.get('api-version')]).toEqual([200, 'OK', '1.41']);
    } finally {
      await tcp.close();
    }
  });
});

describe('HTTP behaviour', () => {
  it('answers with the daemon headers and JSON bodies', async () => {
    const r = await raw('GET', '/v1.41/networks/none');
    expect(r.status).toBe(200);
    expect(r.headers['api-version']).toBe('1.41');
    expect(r.headers.server).toBe('Docker/20.10.24+dfsg1 (linux)');
    expect(JSON.parse(r.text)).toMatchObject({ Name: 'none', Driver: 'null' });
  });

  it('refuses a body over the limit (drained, not kept) and keeps serving', async () => {
    const big = 'x'.repeat(9 * 1024 * 1024);
    const r = await raw('POST', '/v1.41/networks/create', big, { 'Content-Type': 'application/json' });
    expect(r.status).toBe(413);
    expect(JSON.parse(r.text).message).toMatch(/request body too large/);
    expect((await raw('GET', '/_ping')).text).toBe('OK');
  });

  it('never crashes on garbage requests', async () => {
    const { createConnection } = await import('node:net');
    const reply = await new Promise<string>((resolve) => {
      const s = createConnection(socket, () => s.write('NOT HTTP AT ALL\r\n\r\n'));
      let got = '';
      s.on('data', (c) => {
        got += c.toString();
      });
      s.on('close', () => resolve(got));
    });
    expect(reply).toMatch(/^HTTP\/1.1 400/);
    expect((await raw('GET', '/_ping')).status).toBe(200);
  });
});

describe('dockerode', () => {
  it('lists, creates and inspects networks', async () => {
    const docker = new Docker({ socketPath: socket });
    const created = await docker.createNetwork({ Name: 'dnet', Labels: { from: 'dockerode' } });
    const info = await docker.getNetwork(created.id).inspect();
    expect(info).toMatchObject({ Name: 'dnet', Driver: 'bridge', Labels: { from: 'dockerode' } });
    const names = (await docker.listNetworks()).map((n) => n.Name).sort();
    expect(names).toEqual(['bridge', 'dnet', 'host', 'none']);
    const filtered = await docker.listNetworks({ filters: { label: ['from=dockerode'] } });
    expect(filtered.map((n) => n.Name)).toEqual(['dnet']);
    await docker.getNetwork('dnet').remove();
    await expect(docker.getNetwork('dnet').inspect()).rejects.toMatchObject({
      statusCode: 404,
      json: { message: 'network dnet not found' },
    });
  });
});

const cliMissing = existsSync(DOCKER_CLI) ? null : `${DOCKER_CLI} (docker.io 20.10) is not installed`;
if (cliMissing) console.log(`docker CLI tests skipped: ${cliMissing}`);

describe.skipIf(cliMissing !== null)('the real docker CLI 20.10 against engine-api', () => {
  /** Runs the same command with the real CLI over the socket and in process, same seed, same clock. */
  it('prints what the simulator prints in process for network commands', async () => {
    const dir2 = mkdtempSync(join(tmpdir(), 'engine-api-cli-'));
    const sock = join(dir2, 'docker.sock');
    const served = await startEngineApiServer(freshEngine(11), { kind: 'unix', path: sock });
    const inProcess = freshEngine(11);
    try {
      const lines = [
        'network ls',
        'network create --subnet 10.9.0.0/24 --label tier=web clinet',
        'network ls --filter label=tier=web',
        'network inspect clinet',
        'network inspect -f {{.Name}}/{{range .IPAM.Config}}{{.Subnet}}{{end}} clinet',
        'network create clinet2',
        'network ls --format {{.Name}}:{{.Driver}}',
        'network rm clinet clinet2',
        'network rm nothere',
        'network inspect nothere',
      ];
      for (const line of lines) {
        const argv = line.split(' ');
        const real = await run(DOCKER_CLI, argv, {
          env: { PATH: process.env.PATH ?? '', HOME: dir2, DOCKER_HOST: `unix://${sock}` },
        }).then(
          (r) => ({ out: r.stdout + r.stderr, code: 0 }),
          (e: { stdout: string; stderr: string; code: number }) => ({
            out: e.stdout + e.stderr,
            code: e.code,
          }),
        );
        const sim = await runHostLine(inProcess, `docker ${line}`);
        expect({ line, out: real.out, code: real.code }).toEqual({
          line,
          out: sim.combined,
          code: sim.exitCode,
        });
      }
    } finally {
      await served.close();
      rmSync(dir2, { recursive: true, force: true });
    }
  });
});

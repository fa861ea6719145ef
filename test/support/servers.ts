/**
 * Real servers for tests, started by the tests themselves: redis-server on a free port, dockerd
 * with its own socket and data folder. With CI=true a server that cannot start fails the run;
 * elsewhere the caller skips, printing why.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const inCI = process.env.CI === 'true';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

export function which(cmd: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/usr/bin', '/sbin'])) {
    const p = join(dir, cmd);
    if (existsSync(p)) return p;
  }
  return null;
}

/** Why a server cannot run here, or null when it can. In CI, a missing server is an error. */
export function unavailable(binary: string): string | null {
  if (which(binary)) return null;
  const reason = `${binary} is not installed (apt-get install ${binary === 'dockerd' ? 'docker.io' : binary})`;
  if (inCI) throw new Error(`CI=true but ${reason}`);
  return reason;
}

export interface RedisServer {
  url: string;
  port: number;
  stop(): Promise<void>;
  /** Stops and starts the same server on the same port (tests of reconnection). */
  restart(): Promise<void>;
}

export async function startRedis(): Promise<RedisServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'tutor-redis-'));
  let proc: ChildProcess;
  const launch = async () => {
    proc = spawn(
      which('redis-server')!,
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
      { stdio: 'ignore' },
    );
    await waitFor(
      async () => {
        try {
          execFileSync(which('redis-cli') ?? 'redis-cli', ['-p', String(port), 'ping'], { stdio: 'pipe' });
          return true;
        } catch {
          return false;
        }
      },
      10_000,
      'redis-server did not start',
    );
  };
  const stop = async () => {
    if (proc.exitCode !== null) return;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGTERM');
    await exited;
  };
  await launch();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
    restart: async () => {
      await stop();
      await launch();
    },
  };
}

export interface DockerDaemon {
  socket: string;
  host: string;
  stop(): Promise<void>;
}

/**
 * A dockerd of our own (own socket, data and exec roots, vfs storage, no forwarding or
 * masquerading), or the one at DOCKER_TEST_HOST when set (so a suite can share one daemon).
 */
export async function startDockerd(): Promise<DockerDaemon> {
  const shared = process.env.DOCKER_TEST_HOST;
  if (shared) return { socket: shared.replace(/^unix:\/\//, ''), host: shared, stop: async () => {} };
  const root = mkdtempSync(join(tmpdir(), 'tutor-dockerd-'));
  const socket = join(root, 'docker.sock');
  mkdirSync(join(root, 'data'));
  const proc = spawn(
    which('dockerd')!,
    [
      '--host',
      `unix://${socket}`,
      '--data-root',
      join(root, 'data'),
      '--exec-root',
      join(root, 'exec'),
      '--pidfile',
      join(root, 'dockerd.pid'),
      '--storage-driver=vfs',
      '--ip-forward=false',
      '--ip-masq=false',
      '--iptables=false',
      '--bridge=none',
    ],
    { stdio: 'ignore' },
  );
  await waitFor(async () => existsSync(socket), 30_000, 'dockerd did not start');
  return {
    socket,
    host: `unix://${socket}`,
    stop: async () => {
      if (proc.exitCode === null) {
        const exited = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGTERM');
        await exited;
      }
      rmSync(root, { recursive: true, force: true });
    },
  };
}

export async function waitFor(
  check: () => Promise<boolean>,
  timeoutMs: number,
  message: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(message);
}

/** Shared pieces of the pipeline tests: requests, a recording `deliver`, Redis availability. */
import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import type { TutorReply, TutorRequest } from '../../src/core/types.ts';
import { replyToPlainText } from '../../src/core/types.ts';
import { unavailable } from '../support/servers.ts';

export const ROOT = resolve(import.meta.dirname, '../..');

/** Why Redis tests cannot run here (printed), or null. Throws in CI. */
export function redisUnavailable(): string | null {
  const why = unavailable('redis-server');
  if (why) process.stdout.write(`skipping Redis pipeline tests: ${why}\n`);
  return why;
}

let seq = 0;
export function request(user: string, text: string, extra: Partial<TutorRequest> = {}): TutorRequest {
  return {
    id: `req-${process.pid}-${Date.now()}-${++seq}`,
    identity: { platform: 'slack', workspace: 'T1', userId: user, roles: ['student'] },
    channel: 'C1',
    text,
    receivedAt: Date.now(),
    ...extra,
  };
}

export interface Delivered {
  reply: TutorReply;
  req: TutorRequest;
  text: string;
  at: number;
}

/** A `deliver` that records every call, and waits for a number of them. */
export function recorder() {
  const delivered: Delivered[] = [];
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  const deliver = async (reply: TutorReply, req: TutorRequest) => {
    delivered.push({ reply, req, text: replyToPlainText(reply), at: Date.now() });
    for (const w of [...waiters]) if (delivered.length >= w.n) w.resolve();
  };
  const waitFor = (n: number, timeoutMs = 20_000) =>
    new Promise<void>((res, rej) => {
      if (delivered.length >= n) return res();
      const t = setTimeout(
        () => rej(new Error(`only ${delivered.length} of ${n} replies delivered in ${timeoutMs} ms`)),
        timeoutMs,
      );
      waiters.push({
        n,
        resolve: () => {
          clearTimeout(t);
          res();
        },
      });
    });
  const forUser = (user: string) => delivered.filter((d) => d.req.identity.userId === user);
  return { delivered, deliver, waitFor, forUser };
}

export interface ChildWorker {
  proc: ChildProcess;
  output: () => string;
  /** Resolves when a stdout line contains `marker`. */
  waitForOutput(marker: string, timeoutMs?: number): Promise<string>;
  exited: Promise<number | null>;
}

/** Starts a worker process: the test fixture (default) or `./bin/docker-tutor worker`. */
export function spawnWorker(env: Record<string, string>, kind: 'fixture' | 'bin' = 'fixture'): ChildWorker {
  const args =
    kind === 'fixture'
      ? [
          '--import',
          `file://${ROOT}/node_modules/tsx/dist/loader.mjs`,
          resolve(ROOT, 'test/jobs/fixtures/test-worker.ts'),
        ]
      : [resolve(ROOT, 'bin/docker-tutor'), 'worker'];
  const cmd = kind === 'fixture' ? process.execPath : resolve(ROOT, 'bin/docker-tutor');
  const proc = spawn(cmd, kind === 'fixture' ? args : ['worker'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', METRICS_PORT: '0', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const listeners = new Set<() => void>();
  const onData = (b: Buffer) => {
    out += b.toString();
    for (const l of listeners) l();
  };
  proc.stdout?.on('data', onData);
  proc.stderr?.on('data', onData);
  const exited = new Promise<number | null>((r) =>
    proc.once('exit', (code) => {
      r(code);
      for (const l of listeners) l();
    }),
  );
  return {
    proc,
    output: () => out,
    exited,
    waitForOutput(marker, timeoutMs = 20_000) {
      return new Promise((res, rej) => {
        const check = () => {
          const line = out.split('\n').find((l) => l.includes(marker));
          if (line !== undefined) {
            listeners.delete(check);
            clearTimeout(t);
            res(line);
          } else if (proc.exitCode !== null || proc.signalCode !== null) {
            listeners.delete(check);
            clearTimeout(t);
            rej(
              new Error(
                `worker exited (${proc.exitCode ?? proc.signalCode}) before '${marker}'; output:\n${out}`,
              ),
            );
          }
        };
        const t = setTimeout(() => {
          listeners.delete(check);
          rej(new Error(`no '${marker}' from worker in ${timeoutMs} ms; output:\n${out}`));
        }, timeoutMs);
        listeners.add(check);
        check();
      });
    },
  };
}

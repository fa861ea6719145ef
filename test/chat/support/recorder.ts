/**
 * A local HTTP server standing in for Slack's and Discord's APIs: it records every request
 * (method, path, headers, body) and answers with what the real API would, or with failures the
 * test scripts. Nothing leaves loopback.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Recorded {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  raw: Buffer;
  /** JSON or urlencoded bodies parsed; multipart and others left as text. */
  body: unknown;
  at: number;
}

export type Route = (
  req: Recorded,
  url: string,
) => { status: number; body?: unknown; headers?: Record<string, string> } | null;

export interface Recorder {
  url: string;
  requests: Recorded[];
  /** Answers for the next requests whose path starts with `prefix` (first in, first used). */
  failNext(prefix: string, ...statuses: number[]): void;
  /** Resolves when `count` requests matching `pred` have arrived. */
  waitFor(pred: (r: Recorded) => boolean, count?: number, timeoutMs?: number): Promise<Recorded[]>;
  close(): Promise<void>;
}

function parseBody(raw: Buffer, type: string | undefined): unknown {
  const text = raw.toString('utf8');
  if (type?.includes('application/json')) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  if (type?.includes('application/x-www-form-urlencoded'))
    return Object.fromEntries(new URLSearchParams(text));
  return text;
}

export async function startRecorder(route: Route): Promise<Recorder> {
  const requests: Recorded[] = [];
  const failures: Array<{ prefix: string; status: number }> = [];
  const waiters = new Set<() => void>();
  let base = '';

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const rec: Recorded = {
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        headers: req.headers,
        raw,
        body: parseBody(raw, req.headers['content-type']),
        at: performance.now(),
      };
      requests.push(rec);
      const failIdx = failures.findIndex((f) => rec.path.startsWith(f.prefix));
      let answer: ReturnType<Route>;
      if (failIdx >= 0) {
        const [f] = failures.splice(failIdx, 1);
        answer = {
          status: f!.status,
          body: { message: 'injected failure' },
          headers: { 'retry-after': '0' },
        };
      } else answer = route(rec, base) ?? { status: 404, body: { ok: false, error: 'unknown_method' } };
      const body = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body ?? {});
      res.writeHead(answer.status, {
        'content-type': typeof answer.body === 'string' ? 'text/plain' : 'application/json',
        ...answer.headers,
      });
      res.end(body);
      for (const w of waiters) w();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: base,
    requests,
    failNext(prefix, ...statuses) {
      for (const status of statuses) failures.push({ prefix, status });
    },
    waitFor(pred, count = 1, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const hits = requests.filter(pred);
          if (hits.length >= count) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve(hits);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(
              `recorder: timed out waiting for ${count} matching request(s); saw ${requests.map((r) => `${r.method} ${r.path}`).join(', ')}`,
            ),
          );
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

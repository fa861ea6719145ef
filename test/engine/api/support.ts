/** Calling the Engine API router in process, as the sandbox's curl does. */
import '../../../src/engine/index.ts';
import type { ApiResponse } from '../../../src/engine/api/http.ts';
import { handleApiRequest } from '../../../src/engine/api/router.ts';
import { ManualClock } from '../../../src/engine/clock.ts';
import { Engine } from '../../../src/engine/engine.ts';

export function freshEngine(seed = 42): Engine {
  return new Engine({ seed, clock: new ManualClock(Date.UTC(2026, 10, 28, 2, 10, 17), 1) });
}

export interface Exchange {
  method: string;
  path: string;
  status: number;
  res: ApiResponse;
  text: string;
  json: unknown;
}

export async function call(
  engine: Engine,
  method: string,
  target: string,
  body?: string | object,
  headers: Record<string, string> = {},
): Promise<Exchange> {
  const q = target.indexOf('?');
  const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
  const h: Record<string, string> = { host: 'localhost', ...lower(headers) };
  if (body !== undefined && h['content-type'] === undefined) h['content-type'] = 'application/json';
  const res = await handleApiRequest(engine, {
    method,
    path: q < 0 ? target : target.slice(0, q),
    query: new URLSearchParams(q < 0 ? '' : target.slice(q + 1)),
    headers: h,
    body: Buffer.from(text),
  });
  let out = res.body;
  if (res.stream) {
    const chunks = [res.body];
    const ctl = new AbortController();
    ctl.abort();
    await res.stream.run((c) => chunks.push(c), ctl.signal);
    out = Buffer.concat(chunks);
  }
  const resText = out.toString('utf8');
  const ct = res.headers.find(([k]) => k === 'Content-Type')?.[1] ?? '';
  let json: unknown;
  // A progress stream (pull, push) is several JSON lines: left to the caller.
  if (ct === 'application/json' && resText.trim() !== '') {
    try {
      json = JSON.parse(resText);
    } catch {
      json = undefined;
    }
  }
  return { method, path: q < 0 ? target : target.slice(0, q), status: res.status, res, text: resText, json };
}

function lower(h: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));
}

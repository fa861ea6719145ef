/**
 * Building responses the way the daemon's `httputils.WriteJSON` does: the middleware's headers,
 * `Content-Type: application/json`, the value encoded without HTML escaping, and a newline.
 */
import { marshal, quote } from '../go/json.ts';
import type { GoValue } from '../go/values.ts';
import type { ApiResponse, HijackedStream } from './http.ts';

export const API_VERSION = '1.41';
export const MIN_API_VERSION = '1.12';
export const SERVER_HEADER = 'Docker/20.10.24+dfsg1 (linux)';

/** Headers every routed response carries (set by the version and experimental middlewares). */
function baseHeaders(contentType: string | null): Array<[string, string]> {
  const h: Array<[string, string]> = [['Api-Version', API_VERSION]];
  if (contentType) h.push(['Content-Type', contentType]);
  h.push(['Docker-Experimental', 'false'], ['Ostype', 'linux'], ['Server', SERVER_HEADER]);
  return h;
}

/** A view already encoded the Go way (`goJson`), placed as it is inside a plain value. */
export class RawJson {
  constructor(readonly json: string) {}
}

/** A Go value (a view) as the daemon encodes it, for use inside a plain value. */
export const goJson = (value: GoValue) => new RawJson(marshal(value, { escapeHTML: false }));

/** A plain value (objects keep their key order, like Go structs) as the daemon's JSON. */
export function plainJson(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (v instanceof RawJson) return v.json;
  if (typeof v === 'string') return unescapeHtml(quote(v));
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (Array.isArray(v)) return `[${v.map(plainJson).join(',')}]`;
  const parts = Object.entries(v as Record<string, unknown>)
    .filter(([, val]) => val !== undefined)
    .map(([k, val]) => `${unescapeHtml(quote(k))}:${plainJson(val)}`);
  return `{${parts.join(',')}}`;
}

function unescapeHtml(s: string): string {
  return s.replace(
    /\\u003c|\\u003e|\\u0026/g,
    (m) => ({ '\\u003c': '<', '\\u003e': '>', '\\u0026': '&' })[m]!,
  );
}

export function jsonResponse(status: number, value: unknown): ApiResponse {
  return {
    status,
    headers: baseHeaders('application/json'),
    body: Buffer.from(`${plainJson(value)}\n`),
  };
}

/** A view (Go value) as JSON: struct field order, omitempty and nil maps as the daemon has them. */
export function goJsonResponse(status: number, value: GoValue): ApiResponse {
  return {
    status,
    headers: baseHeaders('application/json'),
    body: Buffer.from(`${marshal(value, { escapeHTML: false })}\n`),
  };
}

export function textResponse(status: number, text: string, contentType = 'text/plain; charset=utf-8') {
  return { status, headers: baseHeaders(contentType), body: Buffer.from(text) } satisfies ApiResponse;
}

/** 204, 304 and other answers without a body. */
export function emptyResponse(status: number): ApiResponse {
  return { status, headers: baseHeaders(null), body: Buffer.alloc(0) };
}

/** A streamed answer: `contentType` (if any) headers now, then whatever `stream` writes. */
export function streamResponse(
  status: number,
  contentType: string | null,
  stream: HijackedStream,
): ApiResponse {
  return { status, headers: baseHeaders(contentType), body: Buffer.alloc(0), stream };
}

/**
 * A hijacked answer (attach, exec start): `101 UPGRADED` when the client asked for `Upgrade: tcp`,
 * else `200 OK`; the daemon writes its own status line and then the headers the middlewares had
 * set, and the connection becomes the raw stream.
 */
export function upgradeResponse(stream: HijackedStream, upgrade = true): ApiResponse {
  const headers: Array<[string, string]> = [['Content-Type', 'application/vnd.docker.raw-stream']];
  if (upgrade) headers.push(['Connection', 'Upgrade'], ['Upgrade', 'tcp']);
  headers.push(
    ['Api-Version', API_VERSION],
    ['Docker-Experimental', 'false'],
    ['Ostype', 'linux'],
    ['Server', SERVER_HEADER],
  );
  return { status: upgrade ? 101 : 200, headers, body: Buffer.alloc(0), stream, upgrade: true };
}

/**
 * The Engine API's request and response, independent of any transport: the HTTP server and the
 * sandbox's in-process `curl` both turn their traffic into these and back.
 */
import type { ClientStdin } from './stdin.ts';

export interface ApiRequest {
  method: string;
  /** The request path as sent (percent-encoded), without the query. */
  path: string;
  query: URLSearchParams;
  /** Header names in lower case. */
  headers: Readonly<Record<string, string>>;
  body: Buffer;
  /**
   * On a hijacked connection (attach, exec start), what the client sends after the request: the
   * process's stdin. Absent in process (the sandbox's curl), where there is none.
   */
  stdin?: ClientStdin;
}

/** A raw two-way stream after `101 UPGRADED` (attach, exec start): the daemon writes, then closes. */
export interface HijackedStream {
  /** Writes everything the session produces; resolves when the daemon would close the stream. */
  run(write: (chunk: Buffer) => void, signal: AbortSignal): Promise<void>;
}

export interface ApiResponse {
  status: number;
  /** Headers the handler set, in the order Go writes them (sorted by name); Date and length come after. */
  headers: Array<[string, string]>;
  body: Buffer;
  /**
   * A streamed body (events, logs with follow, attach): written chunk by chunk after `body`. It
   * ends when the promise settles; the in-process curl runs it with an aborted signal, so only
   * what is already there comes out.
   */
  stream?: HijackedStream;
  /** The stream replaces the HTTP exchange when the client asked for `Upgrade: tcp`. */
  upgrade?: boolean;
  /** A Content-Type Go sniffed from the body: written after Date and Content-Length. */
  sniffedType?: string;
}

/** Go's `http.StatusText`, for status lines. */
export const STATUS_TEXT: Readonly<Record<number, string>> = {
  101: 'Switching Protocols',
  200: 'OK',
  201: 'Created',
  204: 'No Content',
  301: 'Moved Permanently',
  304: 'Not Modified',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Request Entity Too Large',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  503: 'Service Unavailable',
};

/** Go's ResponseWriter buffers this much before it switches to chunked encoding. */
export const GO_CHUNKING_THRESHOLD = 2048;

/**
 * The header lines Go's net/http sends for `res`, after the status line: the handler's headers,
 * then Date, then Content-Length or Transfer-Encoding as the server adds them.
 */
export function wireHeaders(res: ApiResponse, date: Date, method: string): Array<[string, string]> {
  const out: Array<[string, string]> = [...res.headers];
  if (res.upgrade) return out;
  out.push(['Date', date.toUTCString()]);
  const has = (name: string) => res.headers.some(([k]) => k.toLowerCase() === name);
  const bodyless = res.status === 204 || res.status === 304 || (res.status >= 100 && res.status < 200);
  if (bodyless || has('content-length')) return out;
  if (res.stream || res.body.length > GO_CHUNKING_THRESHOLD) out.push(['Transfer-Encoding', 'chunked']);
  else if (method !== 'HEAD' || res.body.length > 0) out.push(['Content-Length', String(res.body.length)]);
  if (res.sniffedType) out.push(['Content-Type', res.sniffedType]);
  return out;
}

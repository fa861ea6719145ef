/**
 * The Engine API over real HTTP, on a unix socket or a loopback TCP port: what `docker`,
 * dockerode and curl talk to. Requests are answered one at a time per engine, in arrival order,
 * as the simulated engine is single-threaded; streams (events, attach, exec) run outside that
 * queue once their headers are out. `Upgrade: tcp` requests are hijacked like the daemon does.
 */
import { existsSync, lstatSync, unlinkSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Engine } from '../engine.ts';
import { errorResponse } from './errors.ts';
import { type ApiRequest, type ApiResponse, STATUS_TEXT, wireHeaders } from './http.ts';
import { handleApiRequest } from './router.ts';
import { ClientStdin } from './stdin.ts';

/** Larger bodies are refused before they are read into memory (the daemon has no limit; we must). */
export const MAX_BODY_BYTES = 8 * 1024 * 1024;

export type ListenAddress = { kind: 'unix'; path: string } | { kind: 'tcp'; host: string; port: number };

/** `unix:///path.sock` or `tcp://127.0.0.1:PORT`; anything that is not loopback is refused. */
export function parseListenAddress(text: string): ListenAddress {
  if (text.startsWith('unix://')) {
    const path = text.slice('unix://'.length);
    if (!path.startsWith('/')) throw new Error(`--listen ${text}: a unix socket needs an absolute path`);
    return { kind: 'unix', path };
  }
  if (text.startsWith('tcp://')) {
    const m = /^tcp:\/\/(\[[^\]]+\]|[^:]+):(\d+)$/.exec(text);
    if (!m) throw new Error(`--listen ${text}: expected tcp://127.0.0.1:PORT`);
    const host = m[1]!.replace(/^\[|\]$/g, '');
    const port = Number(m[2]);
    const loopback = host === 'localhost' || (isIP(host) === 4 && host.startsWith('127.')) || host === '::1';
    if (!loopback) {
      throw new Error(
        `--listen ${text}: only loopback addresses are allowed (the simulated engine is not for the network)`,
      );
    }
    if (port < 0 || port > 65535) throw new Error(`--listen ${text}: port out of range`);
    return { kind: 'tcp', host, port };
  }
  throw new Error(`--listen ${text}: expected unix:///PATH or tcp://127.0.0.1:PORT`);
}

export interface EngineApiServer {
  server: Server;
  /** Where it listens, as a DOCKER_HOST value. */
  url: string;
  close(): Promise<void>;
}

/** Serializes requests for one engine. */
class Queue {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.tail.then(fn, fn);
    this.tail = next.catch(() => undefined);
    return next;
  }
}

export async function startEngineApiServer(engine: Engine, address: ListenAddress): Promise<EngineApiServer> {
  const queue = new Queue();
  const open = new Set<Duplex>();
  const answer = (req: ApiRequest) =>
    queue.run(async () => {
      try {
        return await handleApiRequest(engine, req);
      } catch (e) {
        // The router maps every engine error; anything left is a bug, answered and not fatal.
        return errorResponse(500, e instanceof Error ? e.message : String(e));
      }
    });

  const server = createServer({ requestTimeout: 0 }, (req, res) => {
    void serveOne(req, res, answer);
  });
  server.on('connection', (socket) => {
    open.add(socket);
    socket.on('close', () => open.delete(socket));
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    void serveUpgrade(req, socket, head, answer);
  });
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
  });

  if (address.kind === 'unix') {
    // A stale socket from an earlier run would make listen fail; only a socket is removed.
    if (existsSync(address.path) && lstatSync(address.path).isSocket()) unlinkSync(address.path);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(address.path, () => resolve());
    });
  } else {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(address.port, address.host, () => resolve());
    });
  }
  const bound = server.address();
  const url =
    address.kind === 'unix'
      ? `unix://${address.path}`
      : `tcp://${address.host}:${typeof bound === 'object' && bound ? bound.port : address.port}`;
  return {
    server,
    url,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of open) s.destroy();
        server.close(() => resolve());
      }),
  };
}

function toApiRequest(req: IncomingMessage, body: Buffer): ApiRequest {
  const target = req.url ?? '/';
  const q = target.indexOf('?');
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
  }
  return {
    method: req.method ?? 'GET',
    path: q < 0 ? target : target.slice(0, q),
    query: new URLSearchParams(q < 0 ? '' : target.slice(q + 1)),
    headers,
    body,
  };
}

/** Reads the body, or null when it is larger than MAX_BODY_BYTES. */
function readBody(req: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooBig = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) tooBig = true;
      else chunks.push(c);
    });
    req.on('end', () => resolve(tooBig ? null : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

async function serveOne(
  req: IncomingMessage,
  res: ServerResponse,
  answer: (r: ApiRequest) => Promise<ApiResponse>,
): Promise<void> {
  let body: Buffer | null;
  try {
    body = await readBody(req);
  } catch {
    res.destroy();
    return;
  }
  const apiRes =
    body === null
      ? errorResponse(413, `request body too large (limit ${MAX_BODY_BYTES} bytes)`)
      : await answer(toApiRequest(req, body));
  const method = req.method ?? 'GET';
  if (apiRes.upgrade) {
    // Hijacked without `Upgrade: tcp` (curl on exec start, attach): the daemon writes the raw stream
    // on the connection itself and closes it at the end.
    await writeHijacked(req.socket, apiRes, method);
    return;
  }
  res.sendDate = false;
  const headers = wireHeaders(apiRes, new Date(), method).filter(([k]) => k !== 'Transfer-Encoding');
  res.writeHead(apiRes.status, STATUS_TEXT[apiRes.status] ?? '', headers.flat());
  if (req.httpVersion !== '1.0') dropKeepAliveHeaders(res);
  if (!apiRes.stream) {
    res.end(method === 'HEAD' ? undefined : apiRes.body);
    return;
  }
  if (apiRes.body.length) res.write(apiRes.body);
  res.flushHeaders();
  const ctl = new AbortController();
  res.on('close', () => ctl.abort());
  try {
    await apiRes.stream.run((chunk) => res.write(chunk), ctl.signal);
  } finally {
    res.end();
  }
}

/**
 * Node announces a kept-alive HTTP/1.1 connection (`Connection: keep-alive`, `Keep-Alive:
 * timeout=5`); Go's server says nothing, keep-alive being HTTP/1.1's default. The header block
 * Node stored at writeHead, not yet sent, loses those two lines; the connection is kept alive all
 * the same (`Connection: close` stays, as Go sends it too).
 */
function dropKeepAliveHeaders(res: ServerResponse): void {
  const r = res as ServerResponse & { _header?: string | null };
  if (typeof r._header !== 'string') return;
  r._header = r._header.replace(/\r\n(?:Connection: keep-alive|Keep-Alive: [^\r\n]*)(?=\r\n)/g, '');
}

async function writeHijacked(socket: Duplex, apiRes: ApiResponse, method: string): Promise<void> {
  const statusLine = `HTTP/1.1 ${apiRes.status} ${apiRes.status === 101 ? 'UPGRADED' : (STATUS_TEXT[apiRes.status] ?? '')}`;
  const headers = wireHeaders(apiRes, new Date(), method);
  socket.write(`${statusLine}\r\n${headers.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`);
  const ctl = new AbortController();
  socket.on('close', () => ctl.abort());
  try {
    await apiRes.stream?.run((chunk) => {
      if (socket.writable && chunk.length) socket.write(chunk);
    }, ctl.signal);
  } finally {
    if (socket.writable) socket.end();
  }
}

/**
 * `Upgrade: tcp` (attach, exec start): the body is read off the socket, then the stream is raw
 * both ways; what the client sends after the body is the process's stdin (`req.stdin`).
 */
async function serveUpgrade(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  answer: (r: ApiRequest) => Promise<ApiResponse>,
): Promise<void> {
  socket.on('error', () => socket.destroy());
  const length = Number(req.headers['content-length'] ?? 0);
  if (!Number.isFinite(length) || length > MAX_BODY_BYTES) {
    socket.end('HTTP/1.1 413 Request Entity Too Large\r\nConnection: close\r\n\r\n');
    return;
  }
  const stdin = new ClientStdin();
  const { body, eof } = await readUpgradeBody(socket, head, length);
  // Bytes past the body (the CLI may send its input at once) already belong to stdin.
  stdin.push(body.subarray(length));
  if (eof) stdin.end();
  const apiRes = await answer({ ...toApiRequest(req, body.subarray(0, length)), stdin });
  const statusLine = `HTTP/1.1 ${apiRes.status} ${apiRes.status === 101 ? 'UPGRADED' : (STATUS_TEXT[apiRes.status] ?? '')}`;
  const headers = wireHeaders(apiRes, new Date(), req.method ?? 'POST');
  const stream = apiRes.stream;
  const chunked = !apiRes.upgrade && stream !== undefined;
  socket.write(`${statusLine}\r\n${headers.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`);
  if (!stream) {
    stdin.end();
    socket.end(apiRes.body);
    return;
  }
  const ctl = new AbortController();
  socket.on('close', () => {
    // A client that leaves closes the process's stdin as a half-close does.
    stdin.end();
    ctl.abort();
  });
  socket.on('data', (chunk: Buffer) => stdin.push(chunk));
  socket.on('end', () => stdin.end());
  socket.resume();
  const write = (chunk: Buffer) => {
    if (!socket.writable || chunk.length === 0) return;
    socket.write(
      chunked
        ? Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')])
        : chunk,
    );
  };
  try {
    await stream.run(write, ctl.signal);
  } finally {
    stdin.end();
    if (socket.writable) socket.end(chunked ? '0\r\n\r\n' : undefined);
  }
}

/** Reads until `length` bytes of body are in (more may follow in the same chunk) or the client's EOF. */
function readUpgradeBody(
  socket: Duplex,
  head: Buffer,
  length: number,
): Promise<{ body: Buffer; eof: boolean }> {
  socket.pause();
  if (head.length >= length) return Promise.resolve({ body: head, eof: false });
  return new Promise((resolve) => {
    let body = head;
    const done = (eof: boolean) => {
      // Paused again until the answer is out: what follows is stdin, read then.
      socket.pause();
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('close', onEnd);
      resolve({ body, eof });
    };
    const onData = (chunk: Buffer) => {
      body = Buffer.concat([body, chunk]);
      if (body.length >= length) done(false);
    };
    const onEnd = () => done(true);
    socket.on('data', onData);
    socket.on('end', onEnd);
    socket.on('close', onEnd);
    socket.resume();
  });
}

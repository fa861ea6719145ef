/**
 * Slack's Socket Mode server side, on loopback: a WebSocket server whose URL the fake Web API's
 * `apps.connections.open` hands out. The test drives it as Slack does: `hello` once the client is
 * connected, then envelopes; every message the client sends back (acknowledgements) is kept.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';

export interface SlackSocketServer {
  /** What apps.connections.open returns as `url`. */
  url: string;
  /** Resolves with the next client connection (already open). */
  nextConnection(timeoutMs?: number): Promise<SocketSession>;
  close(): Promise<void>;
}

export interface SocketSession {
  /** The path and query the client connected with. */
  path: string;
  send(message: object): void;
  /** Messages the client sent, parsed, oldest first. */
  received: Array<Record<string, unknown>>;
  /** Resolves with the client's message that acknowledges `envelopeId`. */
  ackOf(envelopeId: string, timeoutMs?: number): Promise<{ message: Record<string, unknown>; at: number }>;
}

export async function startSlackSocketServer(): Promise<SlackSocketServer> {
  const http: Server = createServer((_req, res) => {
    res.writeHead(426).end();
  });
  const wss = new WebSocketServer({ server: http });
  const pending: Array<(s: SocketSession) => void> = [];
  const ready: SocketSession[] = [];

  wss.on('connection', (ws: WebSocket, req) => {
    const received: Array<Record<string, unknown>> = [];
    const receivedAt: number[] = [];
    const waiters = new Set<() => void>();
    ws.on('message', (data) => {
      try {
        received.push(JSON.parse(data.toString()) as Record<string, unknown>);
        receivedAt.push(performance.now());
      } catch {
        received.push({ unparsable: data.toString() });
        receivedAt.push(performance.now());
      }
      for (const w of waiters) w();
    });
    const session: SocketSession = {
      path: req.url ?? '/',
      received,
      send: (message) => ws.send(JSON.stringify(message)),
      ackOf: (envelopeId, timeoutMs = 5_000) =>
        new Promise((resolve, reject) => {
          const check = () => {
            const i = received.findIndex((m) => m.envelope_id === envelopeId);
            if (i < 0) return;
            waiters.delete(check);
            clearTimeout(timer);
            resolve({ message: received[i]!, at: receivedAt[i]! });
          };
          const timer = setTimeout(() => {
            waiters.delete(check);
            reject(
              new Error(`no acknowledgement of envelope ${envelopeId}; got ${JSON.stringify(received)}`),
            );
          }, timeoutMs);
          waiters.add(check);
          check();
        }),
    };
    const take = pending.shift();
    if (take) take(session);
    else ready.push(session);
  });

  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const port = (http.address() as AddressInfo).port;
  return {
    url: `ws://127.0.0.1:${port}/link/?ticket=test-ticket&app_id=A1`,
    nextConnection(timeoutMs = 30_000) {
      const s = ready.shift();
      if (s) return Promise.resolve(s);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no Socket Mode connection arrived')), timeoutMs);
        pending.push((x) => {
          clearTimeout(timer);
          resolve(x);
        });
      });
    },
    async close() {
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
      http.closeAllConnections();
      await new Promise<void>((r) => http.close(() => r()));
    },
  };
}

/**
 * `GET /healthz` and `GET /metrics` for worker and bot processes, on METRICS_PORT.
 * /healthz answers 200 while the process can do its work and 503 (with the reason) while it
 * cannot or is draining, so an orchestrator stops sending it traffic before SIGTERM finishes.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export interface HealthStatus {
  ok: boolean;
  /** Shown in the body: `redis: ready`, `draining`... */
  details: Record<string, string | number | boolean>;
}

export interface HealthServer {
  port: number;
  close(): Promise<void>;
}

export async function startHealthServer(opts: {
  port: number;
  host?: string;
  registry: Registry;
  health: () => HealthStatus | Promise<HealthStatus>;
}): Promise<HealthServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const fail = (e: unknown) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`error: ${e instanceof Error ? e.message : String(e)}\n`);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
    } else if (path === '/healthz') {
      Promise.resolve(opts.health()).then((h) => {
        res.writeHead(h.ok ? 200 : 503, { 'content-type': 'application/json' });
        res.end(`${JSON.stringify({ status: h.ok ? 'ok' : 'unavailable', ...h.details })}\n`);
      }, fail);
    } else if (path === '/metrics') {
      opts.registry.metrics().then((body) => {
        res.writeHead(200, { 'content-type': opts.registry.contentType });
        res.end(body);
      }, fail);
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /healthz or /metrics\n');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '0.0.0.0', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

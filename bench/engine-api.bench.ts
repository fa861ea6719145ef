/**
 * `npm run bench:api`: requests per second for `GET /networks` and `POST /networks/create` with
 * autocannon over a unix socket, against `docker-tutor engine-api` (its own process) and, side by
 * side in the same run, the real dockerd at /var/run/docker.sock when it answers.
 *
 * Environment: BENCH_SECONDS (GET duration, default 10), BENCH_CONNECTIONS (default 10),
 * BENCH_CREATES (create requests per target, default 300), DOCKER_BENCH_SOCKET (the real daemon).
 * Networks the bench creates on the real daemon carry the label `docker-tutor-bench` and are
 * removed at the end.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 10);
const creates = Number(process.env.BENCH_CREATES ?? 300);
const realSocket = process.env.DOCKER_BENCH_SOCKET ?? '/var/run/docker.sock';
const LABEL = 'docker-tutor-bench';

interface Row {
  target: string;
  endpoint: string;
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

function call(
  socketPath: string,
  method: string,
  path: string,
  body?: string,
  timeoutMs = 3000,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        socketPath,
        method,
        path,
        headers: body ? { 'Content-Type': 'application/json' } : {},
        timeout: timeoutMs,
      },
      (res) => {
        let text = '';
        res.on('data', (c) => {
          text += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.end(body);
  });
}

async function answers(socketPath: string): Promise<boolean> {
  if (!existsSync(socketPath)) return false;
  try {
    return (await call(socketPath, 'GET', '/_ping')).text === 'OK';
  } catch {
    return false;
  }
}

async function startSimulator(dir: string): Promise<{ socket: string; proc: ChildProcess }> {
  const socket = join(dir, 'sim.sock');
  // The engine-api command itself, loaded without the rest of the CLI (chat adapters and so on).
  const root = join(import.meta.dirname, '..');
  const entry = `import(${JSON.stringify(join(root, 'src/engine/api/engine-api-command.ts'))}).then((m) => m.run(process.argv.slice(1))).then((c) => process.exit(c))`;
  const proc = spawn(
    process.execPath,
    [
      '--import',
      `file://${join(root, 'node_modules/tsx/dist/loader.mjs')}`,
      '-e',
      entry,
      '--',
      '--listen',
      `unix://${socket}`,
      '--seed',
      '1',
    ],
    { stdio: 'ignore' },
  );
  const deadline = Date.now() + 20_000;
  while (!(await answers(socket))) {
    if (Date.now() > deadline) throw new Error('docker-tutor engine-api did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  return { socket, proc };
}

function row(target: string, endpoint: string, r: autocannon.Result, wallMs: number): Row {
  return {
    target,
    endpoint,
    requests: r.requests.total,
    // Total over measured wall time: autocannon's own duration is in whole seconds.
    rps: Math.round((r.requests.total * 1000) / Math.max(wallMs, 1)),
    p50: r.latency.p50,
    p99: r.latency.p99,
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
  };
}

async function benchList(target: string, socketPath: string): Promise<Row> {
  const t0 = performance.now();
  const r = await autocannon({
    url: 'http://localhost',
    socketPath,
    connections,
    duration: seconds,
    requests: [{ method: 'GET', path: '/v1.41/networks' }],
  });
  return row(target, 'GET /networks', r, performance.now() - t0);
}

/** Each create has its own name and /24 (10.200.0.0/24, 10.200.1.0/24 …), so every one succeeds. */
async function benchCreate(target: string, socketPath: string, prefix: string): Promise<Row> {
  let n = 0;
  const t0 = performance.now();
  const r = await autocannon({
    url: 'http://localhost',
    socketPath,
    connections,
    amount: creates,
    requests: [
      {
        method: 'POST',
        path: '/v1.41/networks/create',
        headers: { 'Content-Type': 'application/json' },
        setupRequest: (req) => {
          const i = n++;
          const subnet = `10.${200 + Math.floor(i / 256)}.${i % 256}.0/24`;
          return {
            ...req,
            body: JSON.stringify({
              Name: `${prefix}-${i}`,
              CheckDuplicate: true,
              Labels: { [LABEL]: '1' },
              IPAM: { Config: [{ Subnet: subnet }] },
            }),
          };
        },
      },
    ],
  });
  return row(target, `POST /networks/create (${creates})`, r, performance.now() - t0);
}

async function cleanUp(socketPath: string): Promise<void> {
  const filters = encodeURIComponent(JSON.stringify({ label: { [LABEL]: true } }));
  // Removing hundreds of Linux bridges takes the real daemon a while.
  await call(socketPath, 'POST', `/v1.41/networks/prune?filters=${filters}`, undefined, 300_000);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-api-'));
  const sim = await startSimulator(dir);
  const rows: Row[] = [];
  try {
    rows.push(await benchList('simulator', sim.socket));
    rows.push(await benchCreate('simulator', sim.socket, 'bench'));
    rows.push(await benchList(`simulator (+${creates} networks)`, sim.socket));
    if (await answers(realSocket)) {
      const prefix = `bench-${process.pid}`;
      rows.push(await benchList('dockerd 20.10', realSocket));
      try {
        rows.push(await benchCreate('dockerd 20.10', realSocket, prefix));
        rows.push(await benchList(`dockerd 20.10 (+${creates} networks)`, realSocket));
      } finally {
        await cleanUp(realSocket);
      }
    } else {
      console.log(`(no dockerd answers at ${realSocket}: simulator only)`);
    }
  } finally {
    sim.proc.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(
    `\nautocannon, ${connections} connections, unix socket; GET for ${seconds} s, creates: ${creates}\n`,
  );
  console.table(rows);
}

await main();

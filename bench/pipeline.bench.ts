/**
 * `npm run bench:pipeline`: 200 students × 10 commands through the queued pipeline (real Redis,
 * two `docker-tutor worker` processes, simulated backend), side by side with the in-process
 * runner in the same run.
 *
 * Every reply is posted the way production posts it: rendered by the Slack adapter and POSTed to
 * the request's `response_url`, here a fake Slack (an HTTP server in this process). Latency is
 * enqueue-to-reply: from `submit` until the fake Slack receives the reply. Paths:
 * - in-process: the tutor runs in the bot process (no Redis), which posts the reply;
 * - queued, direct: workers have SLACK_BOT_TOKEN and post the reply themselves;
 * - queued, via deliveries queue: workers without a Slack token hand the reply to the bot process.
 * Workloads, each on fresh students:
 * - paced: every student sends one command every STUDENTS/RATE seconds, staggered, so the
 *   offered load is BENCH_RATE (default 1,000) commands/s: the latency a class sees at that load;
 * - closed loop: every student sends the next command as soon as the previous reply arrives
 *   (200 in flight, no think time): the saturated throughput; latency here is 200 / throughput;
 * - burst: all 2,000 at once, then drained.
 * Memory per sandbox: queued, Redis' used_memory growth over the run divided by the students (the
 * state, queue, reply and delivery keys); in-process, the heap growth after a full GC.
 * BENCH_CPU_PROF=DIR writes V8 CPU profiles of the workers there.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Redis } from 'ioredis';
import { MemoryDeadLetters } from '../src/chat/render/dead-letters.ts';
import { createSlackDeliver } from '../src/chat/slack/slack-deliver.ts';
import { createSlackWebClient } from '../src/chat/slack/slack-web.ts';
import type { TutorRequest } from '../src/core/types.ts';
import { createJobRunner } from '../src/jobs/create-job-runner.ts';
import type { JobRunner } from '../src/jobs/in-process-runner.ts';
import { silentLogger } from '../src/observability/logger.ts';
import { startRedis, which } from '../test/support/servers.ts';

const STUDENTS = Number(process.env.BENCH_STUDENTS ?? 200);
const COMMANDS = Number(process.env.BENCH_COMMANDS ?? 10);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 2);
const RATE = Number(process.env.BENCH_RATE ?? 1000);
const ROOT = resolve(import.meta.dirname, '..');

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

interface RunResult {
  latencies: number[];
  seconds: number;
  errors: number;
}

function commandText(c: number): string {
  // Half the commands change the sandbox, half read it back: the mix a lab produces.
  return c % 2 === 0 ? `/docker network create net${c}` : '/docker network ls';
}

/** The fake Slack: response URLs `/respond/{request id}`; resolves whoever waits for that reply. */
async function fakeSlack() {
  const waiters = new Map<string, (at: number) => void>();
  let errors = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = Date.now();
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      const m = /^\/respond\/(.+)$/.exec(req.url ?? '');
      if (!m) return;
      const body = Buffer.concat(chunks).toString();
      if (/went wrong|Easy there|could not take/.test(body)) errors++;
      const id = decodeURIComponent(m[1]!);
      waiters.get(id)?.(at);
      waiters.delete(id);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    replied: (id: string) => new Promise<number>((r) => waiters.set(id, r)),
    errors: () => errors,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
type Slack = Awaited<ReturnType<typeof fakeSlack>>;

function makeRequest(slack: Slack, phase: string, s: number, c: number): TutorRequest {
  const id = `${phase}-${s}-${c}`;
  return {
    id,
    identity: { platform: 'slack', workspace: 'TBENCH', userId: `${phase}-u${s}`, roles: ['student'] },
    channel: 'C1',
    text: commandText(c),
    receivedAt: Date.now(),
    replyTo: { responseUrl: `${slack.url}/respond/${id}`, userId: `${phase}-u${s}`, channelId: 'C1' },
  };
}

async function timed(slack: Slack, runner: JobRunner, req: TutorRequest, latencies: number[]): Promise<void> {
  const done = slack.replied(req.id);
  req.receivedAt = Date.now();
  await runner.submit(req);
  latencies.push((await done) - req.receivedAt);
}

async function closedLoop(runner: JobRunner, slack: Slack, phase: string): Promise<RunResult> {
  const latencies: number[] = [];
  const errors0 = slack.errors();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: STUDENTS }, async (_, s) => {
      for (let c = 0; c < COMMANDS; c++)
        await timed(slack, runner, makeRequest(slack, phase, s, c), latencies);
    }),
  );
  return { latencies, seconds: (performance.now() - started) / 1000, errors: slack.errors() - errors0 };
}

/** Offered load RATE commands/s: student s sends at s/RATE + c·STUDENTS/RATE seconds. */
async function paced(runner: JobRunner, slack: Slack, phase: string): Promise<RunResult> {
  const latencies: number[] = [];
  const errors0 = slack.errors();
  const all: Array<Promise<void>> = [];
  const started = performance.now();
  const total = STUDENTS * COMMANDS;
  for (let i = 0; i < total; i++) {
    const due = (i * 1000) / RATE;
    const wait = due - (performance.now() - started);
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const s = i % STUDENTS;
    const c = Math.floor(i / STUDENTS);
    all.push(timed(slack, runner, makeRequest(slack, phase, s, c), latencies));
  }
  await Promise.all(all);
  return { latencies, seconds: (performance.now() - started) / 1000, errors: slack.errors() - errors0 };
}

async function burst(runner: JobRunner, slack: Slack, phase: string): Promise<RunResult> {
  const latencies: number[] = [];
  const errors0 = slack.errors();
  const started = performance.now();
  const all: Array<Promise<void>> = [];
  for (let c = 0; c < COMMANDS; c++)
    for (let s = 0; s < STUDENTS; s++)
      all.push(timed(slack, runner, makeRequest(slack, phase, s, c), latencies));
  await Promise.all(all);
  return { latencies, seconds: (performance.now() - started) / 1000, errors: slack.errors() - errors0 };
}

function pct(xs: number[], p: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

const HEADER = ['runner', 'workload', 'p50', 'p99', 'commands/s', 'memory/sandbox', 'CPU/command'];

function row(runner: string, workload: string, r: RunResult, memory = '', cpu = ''): string[] {
  return [
    runner,
    workload,
    `${pct(r.latencies, 50).toFixed(0)} ms`,
    `${pct(r.latencies, 99).toFixed(0)} ms`,
    `${Math.round(r.latencies.length / r.seconds)}`,
    memory,
    cpu + (r.errors ? ` (${r.errors} error replies!)` : ''),
  ];
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** CPU seconds a process has used so far (user + system), from /proc. */
function procCpu(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function redisCpu(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  return Number(/used_cpu_sys:([\d.]+)/.exec(info)?.[1]) + Number(/used_cpu_user:([\d.]+)/.exec(info)?.[1]);
}

function selfCpu(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0);
}

const kB = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;

function spawnWorkers(redisUrl: string, env: Record<string, string>) {
  return Array.from({ length: WORKERS }, () => {
    const prof = process.env.BENCH_CPU_PROF;
    const nodeArgs = [
      ...(prof ? ['--cpu-prof', `--cpu-prof-dir=${prof}`] : []),
      '--import',
      `file://${ROOT}/node_modules/tsx/dist/loader.mjs`,
      resolve(ROOT, 'src/cli/main.ts'),
      'worker',
    ];
    const proc = spawn(process.execPath, nodeArgs, {
      cwd: ROOT,
      env: { ...process.env, REDIS_URL: redisUrl, METRICS_PORT: '0', LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const ready = new Promise<void>((res, rej) => {
      let out = '';
      proc.stdout.on('data', (b: Buffer) => {
        out += b.toString();
        if (out.includes('worker pool started')) res();
      });
      proc.once('exit', (code) => rej(new Error(`worker exited with ${code}`)));
    });
    return { proc, ready };
  });
}

async function main(): Promise<void> {
  if (!which('redis-server')) {
    process.stderr.write('bench:pipeline needs redis-server (apt-get install redis-server)\n');
    process.exitCode = 1;
    return;
  }
  const slack = await fakeSlack();
  const config = { RATE_LIMIT_PER_MINUTE: 10_000, COMMAND_TIMEOUT_SECONDS: 20 };
  // The bot process' deliver: the Slack adapter's own, posting to the fake Slack.
  const deliver = createSlackDeliver({
    web: createSlackWebClient('xoxb-bench', `${slack.url}/api/`),
    deadLetters: new MemoryDeadLetters(),
    log: silentLogger,
  });
  const rows: string[][] = [HEADER];
  const notes: string[] = [];

  // Reference: everything in this process, state in memory.
  {
    const runner = await createJobRunner(
      { ...config, REDIS_URL: undefined },
      { deliver, platforms: ['slack'] },
    );
    await closedLoop(runner, slack, 'warm'); // JIT warm-up, not reported
    gc();
    const heap0 = process.memoryUsage().heapUsed;
    rows.push(row('in-process', `paced ${RATE}/s`, await paced(runner, slack, 'ipp')));
    const cpu0 = selfCpu();
    const closed = await closedLoop(runner, slack, 'ipc');
    const cpu = ((selfCpu() - cpu0) * 1000) / closed.latencies.length;
    gc();
    // Two phases of fresh students (paced and closed loop) are held in memory now.
    const perSandbox = (process.memoryUsage().heapUsed - heap0) / (2 * STUDENTS);
    rows.push(row('in-process', 'closed loop', closed, `${kB(perSandbox)} heap`, `${cpu.toFixed(2)} ms`));
    rows.push(row('in-process', 'burst', await burst(runner, slack, 'ipb')));
    await runner.close();
  }

  const redisServer = await startRedis();
  const admin = new Redis(redisServer.url);
  try {
    for (const mode of ['direct', 'via deliveries queue'] as const) {
      const prefix = mode === 'direct' ? 'qd' : 'qq';
      const env: Record<string, string> =
        mode === 'direct' ? { SLACK_BOT_TOKEN: 'xoxb-bench', SLACK_API_URL: `${slack.url}/api/` } : {};
      const workers = spawnWorkers(redisServer.url, env);
      try {
        await Promise.all(workers.map((w) => w.ready));
        const runner = await createJobRunner(
          { ...config, REDIS_URL: redisServer.url },
          { deliver, platforms: mode === 'direct' ? [] : ['slack'] },
        );
        const name = `queued, ${WORKERS} workers, ${mode}`;
        await closedLoop(runner, slack, `${prefix}warm`);
        const before = await usedMemory(admin);
        rows.push(row(name, `paced ${RATE}/s`, await paced(runner, slack, `${prefix}p`)));
        const cpu0 = {
          workers: workers.reduce((a, w) => a + procCpu(w.proc.pid!), 0),
          redis: await redisCpu(admin),
          bot: selfCpu(),
        };
        const closed = await closedLoop(runner, slack, `${prefix}c`);
        const n = closed.latencies.length;
        const cpu = {
          workers: ((workers.reduce((a, w) => a + procCpu(w.proc.pid!), 0) - cpu0.workers) * 1000) / n,
          redis: (((await redisCpu(admin)) - cpu0.redis) * 1000) / n,
          bot: ((selfCpu() - cpu0.bot) * 1000) / n,
        };
        const perSandbox = ((await usedMemory(admin)) - before) / (2 * STUDENTS);
        const keys = Array.from(
          { length: STUDENTS },
          (_, s) => `tutor:sandbox:slack:TBENCH:${prefix}c-u${s}`,
        );
        const sizes = await Promise.all(
          keys.map((k) => admin.call('MEMORY', 'USAGE', k) as Promise<number | null>),
        );
        const stateBytes = sizes.reduce<number>((a, b) => a + (b ?? 0), 0) / STUDENTS;
        const total = cpu.workers + cpu.redis + cpu.bot;
        rows.push(row(name, 'closed loop', closed, `${kB(perSandbox)} Redis`, `${total.toFixed(2)} ms`));
        rows.push(row(name, 'burst', await burst(runner, slack, `${prefix}b`)));
        notes.push(
          `${name}, closed loop: CPU per command workers ${cpu.workers.toFixed(2)} ms, Redis ${cpu.redis.toFixed(2)} ms, ` +
            `bot + fake Slack ${cpu.bot.toFixed(2)} ms = ${total.toFixed(2)} ms (at most ${Math.round((cpus().length * 1000) / total)} commands/s on ${cpus().length} idle cores); ` +
            `sandbox state alone ${kB(stateBytes)}.`,
        );
        await runner.close();
      } finally {
        for (const w of workers) {
          if (w.proc.exitCode !== null) continue;
          w.proc.kill('SIGTERM');
          await new Promise((r) => w.proc.once('exit', r));
        }
      }
    }
    process.stdout.write(
      `\npipeline bench: ${STUDENTS} students × ${COMMANDS} commands (${commandText(0)} / ${commandText(1)}), ` +
        `sim backend, Redis ${(await admin.info('server')).match(/redis_version:(\S+)/)?.[1]}, ${WORKERS} worker processes, ` +
        `replies posted to a fake Slack response_url\n\n${table(rows)}\n\n${notes.join('\n')}\n` +
        `Load average at the end: ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores.\n` +
        'targets: p99 < 250 ms, >= 1000 commands/s, < 16 kB per sandbox\n',
    );
  } finally {
    admin.disconnect();
    await redisServer.stop();
    await slack.close();
  }
}

await main();

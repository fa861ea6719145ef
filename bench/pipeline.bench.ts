/**
 * `npm run bench:pipeline`: 200 students × 10 commands through the queued pipeline (real Redis,
 * two `docker-tutor worker` processes, simulated backend), next to the in-process runner.
 *
 * Two workloads, each on fresh students:
 * - closed loop: every student sends their next command as soon as the previous reply arrives
 *   (200 commands in flight at all times), the way a class typing at once loads the tutor;
 * - burst: all 2,000 commands submitted at once, then drained (worst-case queueing).
 * Latency is enqueue-to-reply: from `submit` to the reply reaching `deliver` in the bot process.
 * Redis memory per sandbox: MEMORY USAGE of the sandbox state keys, and the growth of Redis'
 * used_memory over the run divided by the students (queues, delivery and dedup keys included).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { Redis } from 'ioredis';
import type { TutorReply, TutorRequest } from '../src/core/types.ts';
import { createJobRunner } from '../src/jobs/create-job-runner.ts';
import type { JobRunner } from '../src/jobs/in-process-runner.ts';
import { startRedis, which } from '../test/support/servers.ts';

const STUDENTS = Number(process.env.BENCH_STUDENTS ?? 200);
const COMMANDS = Number(process.env.BENCH_COMMANDS ?? 10);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 2);
const ROOT = resolve(import.meta.dirname, '..');

interface RunResult {
  latencies: number[];
  seconds: number;
}

function commandText(c: number): string {
  // Half the commands change the sandbox, half read it back: the mix a lab produces.
  return c % 2 === 0 ? `/docker network create net${c}` : '/docker network ls';
}

function makeRequest(phase: string, s: number, c: number): TutorRequest {
  return {
    id: `${phase}-${s}-${c}`,
    identity: { platform: 'slack', workspace: 'TBENCH', userId: `${phase}-u${s}`, roles: ['student'] },
    channel: 'C1',
    text: commandText(c),
    receivedAt: Date.now(),
  };
}

/** A deliver that resolves the waiter of each request. */
function replyBoard() {
  const waiters = new Map<string, (at: number) => void>();
  let errors = 0;
  const deliver = async (reply: TutorReply, req: TutorRequest) => {
    if (reply.blocks.some((b) => b.kind === 'text' && /went wrong|Easy there/.test(b.text))) errors++;
    waiters.get(req.id)?.(Date.now());
    waiters.delete(req.id);
  };
  const replied = (id: string) => new Promise<number>((r) => waiters.set(id, r));
  return { deliver, replied, errors: () => errors };
}

async function closedLoop(
  runner: JobRunner,
  board: ReturnType<typeof replyBoard>,
  phase: string,
): Promise<RunResult> {
  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: STUDENTS }, async (_, s) => {
      for (let c = 0; c < COMMANDS; c++) {
        const req = makeRequest(phase, s, c);
        const done = board.replied(req.id);
        req.receivedAt = Date.now();
        await runner.submit(req);
        latencies.push((await done) - req.receivedAt);
      }
    }),
  );
  return { latencies, seconds: (performance.now() - started) / 1000 };
}

async function burst(
  runner: JobRunner,
  board: ReturnType<typeof replyBoard>,
  phase: string,
): Promise<RunResult> {
  const latencies: number[] = [];
  const started = performance.now();
  const all: Array<Promise<void>> = [];
  for (let c = 0; c < COMMANDS; c++) {
    for (let s = 0; s < STUDENTS; s++) {
      const req = makeRequest(phase, s, c);
      const done = board.replied(req.id);
      req.receivedAt = Date.now();
      all.push(
        runner.submit(req).then(async () => {
          latencies.push((await done) - req.receivedAt);
        }),
      );
    }
  }
  await Promise.all(all);
  return { latencies, seconds: (performance.now() - started) / 1000 };
}

function pct(xs: number[], p: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

function row(name: string, r: RunResult, extra = ''): string[] {
  return [
    name,
    `${pct(r.latencies, 50).toFixed(0)} ms`,
    `${pct(r.latencies, 99).toFixed(0)} ms`,
    `${Math.round(r.latencies.length / r.seconds)}`,
    extra,
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
  const ticks = Number(fields[11]) + Number(fields[12]);
  return ticks / 100;
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

async function main(): Promise<void> {
  if (!which('redis-server')) {
    process.stderr.write('bench:pipeline needs redis-server (apt-get install redis-server)\n');
    process.exitCode = 1;
    return;
  }
  const config = { RATE_LIMIT_PER_MINUTE: 10_000, COMMAND_TIMEOUT_SECONDS: 20 };
  const rows: string[][] = [['runner', 'p50', 'p99', 'commands/s', 'notes']];

  // Reference: everything in this process, state in memory.
  {
    const board = replyBoard();
    const runner = await createJobRunner(
      { ...config, REDIS_URL: undefined },
      { deliver: board.deliver, platforms: ['slack'] },
    );
    await closedLoop(runner, board, 'warm'); // JIT warm-up, not reported
    const cpu0 = selfCpu();
    const ipc = await closedLoop(runner, board, 'ipc');
    const ipcCpu = ((selfCpu() - cpu0) * 1000) / ipc.latencies.length;
    rows.push(
      row(
        'in-process, closed loop',
        ipc,
        `one process, state in memory; CPU ${ipcCpu.toFixed(2)} ms/command`,
      ),
    );
    rows.push(row('in-process, burst', await burst(runner, board, 'ipb')));
    await runner.close();
  }

  const redisServer = await startRedis();
  const admin = new Redis(redisServer.url);
  const workers = Array.from({ length: WORKERS }, () => {
    // BENCH_CPU_PROF=DIR: the workers write V8 CPU profiles there (node --cpu-prof).
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
      env: { ...process.env, REDIS_URL: redisServer.url, METRICS_PORT: '0', LOG_LEVEL: 'info' },
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
  try {
    await Promise.all(workers.map((w) => w.ready));
    const board = replyBoard();
    const runner = await createJobRunner(
      { ...config, REDIS_URL: redisServer.url },
      { deliver: board.deliver, platforms: ['slack'] },
    );
    await closedLoop(runner, board, 'qwarm');
    const before = await usedMemory(admin);
    const cpu0 = {
      workers: workers.reduce((a, w) => a + procCpu(w.proc.pid!), 0),
      redis: await redisCpu(admin),
      bot: selfCpu(),
    };
    const closed = await closedLoop(runner, board, 'qc');
    const n = closed.latencies.length;
    const cpuMs = {
      workers: ((workers.reduce((a, w) => a + procCpu(w.proc.pid!), 0) - cpu0.workers) * 1000) / n,
      redis: (((await redisCpu(admin)) - cpu0.redis) * 1000) / n,
      bot: ((selfCpu() - cpu0.bot) * 1000) / n,
    };
    const after = await usedMemory(admin);
    const keys: string[] = [];
    for (let s = 0; s < STUDENTS; s++) keys.push(`tutor:sandbox:slack:TBENCH:qc-u${s}`);
    const sizes = await Promise.all(
      keys.map((k) => admin.call('MEMORY', 'USAGE', k) as Promise<number | null>),
    );
    const stateBytes = sizes.reduce<number>((a, b) => a + (b ?? 0), 0) / STUDENTS;
    const perSandbox = (after - before) / STUDENTS;
    rows.push(
      row(
        `queued, ${WORKERS} workers, closed loop`,
        closed,
        `state ${(stateBytes / 1024).toFixed(1)} kB/sandbox; all Redis growth ${(perSandbox / 1024).toFixed(1)} kB/sandbox`,
      ),
    );
    rows.push(row(`queued, ${WORKERS} workers, burst`, await burst(runner, board, 'qb')));
    const errors = board.errors();
    await runner.close();
    const totalCpu = cpuMs.workers + cpuMs.redis + cpuMs.bot;
    const cpuLine =
      `CPU per command (queued, closed loop): workers ${cpuMs.workers.toFixed(2)} ms, Redis ${cpuMs.redis.toFixed(2)} ms, ` +
      `bot ${cpuMs.bot.toFixed(2)} ms = ${totalCpu.toFixed(2)} ms; on ${cpus().length} idle cores that is at most ` +
      `${Math.round((cpus().length * 1000) / totalCpu)} commands/s. Load average at the end: ${loadavg()[0]!.toFixed(1)}.`;
    process.stdout.write(
      `\npipeline bench: ${STUDENTS} students × ${COMMANDS} commands (${commandText(0)} / ${commandText(1)}), ` +
        `sim backend, Redis ${(await admin.info('server')).match(/redis_version:(\S+)/)?.[1]}, ${WORKERS} worker processes\n\n` +
        `${table(rows)}\n\n` +
        `${cpuLine}\n` +
        `targets: p99 < 250 ms, >= 1000 commands/s, < 16 kB per sandbox${errors ? `; ${errors} error replies!` : ''}\n`,
    );
  } finally {
    for (const w of workers) {
      w.proc.kill('SIGTERM');
      await new Promise((r) => w.proc.once('exit', r));
    }
    admin.disconnect();
    await redisServer.stop();
  }
}

await main();

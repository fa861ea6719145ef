/**
 * `npm run bench:slack`: 100 slash commands at once against the running Slack receiver (HTTP
 * mode, real signatures), the sim backend, and the response URL at a local recorder; first with
 * the in-process runner, then (when redis-server is installed) with the queued runner on a
 * redis-server of its own and one `docker-tutor worker` process. Prints one table: ack p50/p99
 * at the receiver, ack p99 at the sender, command-to-reply p50/p99/max, per runner and round.
 * Target: ack p99 under 100 ms. `--commands N` changes the count; `--rounds N` repeats.
 *
 * The commands are sent by a child process (this file with `--client`), as Slack sends from
 * elsewhere: the receiver's event loop carries only the bot. "ack (server)" is from the request
 * reaching the receiver to the acknowledgement written; "ack (client)" adds the sender's
 * connection set-up and queueing; command→reply ("reply") is from sending to the reply reaching
 * the response URL.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { MemoryDeadLetters } from '../src/chat/render/dead-letters.ts';
import { createSlackBot } from '../src/chat/slack/slack-app.ts';
import { createSlackDeliver } from '../src/chat/slack/slack-deliver.ts';
import { createSlackWebClient } from '../src/chat/slack/slack-web.ts';
import { readConfig } from '../src/config/config.ts';
import { createJobRunner } from '../src/jobs/create-job-runner.ts';
import { silentLogger } from '../src/observability/logger.ts';
import { postSigned, slashCommandBody, startFakeSlack } from '../test/chat/support/fake-slack.ts';
import { freePort, startRedis, unavailable } from '../test/support/servers.ts';

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : def;
  return Number.isFinite(v) && v > 0 ? v : def;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? Number.NaN;
};

/** Client mode: sends the round's commands at once, prints each one's ack time as JSON. */
async function client(url: string, secret: string, bodiesJson: string): Promise<void> {
  const bodies = JSON.parse(bodiesJson) as Array<{ key: string; body: string }>;
  const out: Record<string, { sentAt: number; ackMs: number }> = {};
  // fetch (undici) loads lazily on first use: warm it so its start-up is not counted as latency.
  await (await fetch(new URL('/healthz', url))).arrayBuffer();
  await Promise.all(
    bodies.map(async ({ key, body }) => {
      const sentAt = performance.timeOrigin + performance.now();
      const t0 = performance.now();
      const res = await postSigned(url, body, { secret });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`ack was HTTP ${res.status}`);
      out[key] = { sentAt, ackMs: performance.now() - t0 };
    }),
  );
  process.stdout.write(JSON.stringify(out));
}

function runClient(url: string, secret: string, bodies: Array<{ key: string; body: string }>) {
  return new Promise<Record<string, { sentAt: number; ackMs: number }>>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [...process.execArgv, import.meta.filename, '--client', url, secret],
      {
        stdio: ['pipe', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`client exited ${code}`)),
    );
    child.stdin.end(JSON.stringify(bodies));
  });
}

interface ModeResult {
  runner: string;
  rows: string[][];
  worstServerAckP99: number;
}

/** One runner's rounds: the bot in this process, commands from a child process. */
async function benchMode(opts: {
  label: string;
  n: number;
  rounds: number;
  redisUrl?: string;
}): Promise<ModeResult> {
  const { n, rounds, label } = opts;
  const secret = 'bench-secret';
  const fake = await startFakeSlack();
  const port = await freePort();
  const config = readConfig({
    SLACK_SIGNING_SECRET: secret,
    SLACK_BOT_TOKEN: 'xoxb-bench',
    SLACK_API_URL: fake.apiUrl,
    PORT: String(port),
    // The bench measures the adapter and the pipeline, not the per-user limit.
    RATE_LIMIT_PER_MINUTE: '10000',
    ...(opts.redisUrl ? { REDIS_URL: opts.redisUrl } : {}),
  });
  const deliver = createSlackDeliver({
    web: createSlackWebClient(config.SLACK_BOT_TOKEN, config.SLACK_API_URL),
    deadLetters: new MemoryDeadLetters(),
    log: silentLogger,
  });
  const runner = await createJobRunner(config, { deliver, platforms: ['slack'] });
  const bot = createSlackBot({ config, runner, deliver, log: silentLogger });
  await bot.start({ port, host: '127.0.0.1' });
  const serverAcks: number[] = [];
  bot.server?.prependListener('request', (_req, res) => {
    const t0 = performance.now();
    res.once('finish', () => serverAcks.push(performance.now() - t0));
  });
  const url = `http://127.0.0.1:${port}/slack/events`;

  // One warm-up command per mode so module loading, JIT and the worker's start do not count.
  await postSigned(
    url,
    slashCommandBody({ command: '/docker', text: 'network ls', response_url: fake.responseUrl('warm') }),
    { secret },
  );
  await fake.waitFor((r) => r.path === '/response/warm', 1, 60_000);

  const rows: string[][] = [];
  let worstServerAckP99 = 0;
  const fmt = (x: number) => x.toFixed(1);
  for (let round = 1; round <= rounds; round++) {
    const bodies = Array.from({ length: n }, (_, i) => ({
      key: `/response/r${round}-${i}`,
      body: slashCommandBody({
        command: '/docker',
        text: i % 2 === 0 ? 'network ls' : `network create net-${round}-${i}`,
        user_id: `U${i}`,
        response_url: fake.responseUrl(`r${round}-${i}`),
      }),
    }));
    serverAcks.length = 0;
    const before = fake.requests.length;
    const sent = await runClient(url, secret, bodies);
    await fake.waitFor((r) => r.path.startsWith(`/response/r${round}-`), n, 120_000);
    const acks = Object.values(sent).map((x) => x.ackMs);
    const replies: number[] = [];
    for (const r of fake.requests.slice(before)) {
      const s0 = sent[r.path];
      // The recorder's clock is this process' performance clock; the client's is wall time.
      if (s0) replies.push(performance.timeOrigin + r.at - s0.sentAt);
    }
    const server = [...serverAcks];
    worstServerAckP99 = Math.max(worstServerAckP99, pct(server, 99));
    rows.push([
      label,
      `${round}`,
      fmt(pct(server, 50)),
      fmt(pct(server, 99)),
      fmt(pct(acks, 99)),
      fmt(pct(replies, 50)),
      fmt(pct(replies, 99)),
      fmt(Math.max(...replies)),
    ]);
  }
  await bot.stop();
  await runner.close();
  await fake.close();
  return { runner: label, rows, worstServerAckP99 };
}

/** A `docker-tutor worker` process on `redisUrl`; resolves once spawned (readiness is the warm-up). */
function startWorker(redisUrl: string): ChildProcess {
  const root = resolve(import.meta.dirname, '..');
  const child = spawn(resolve(root, 'bin/docker-tutor'), ['worker'], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      REDIS_URL: redisUrl,
      METRICS_PORT: '0',
      RATE_LIMIT_PER_MINUTE: '10000',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return child;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

async function main() {
  const n = arg('commands', 100);
  const rounds = arg('rounds', 3);
  const results: ModeResult[] = [];
  results.push(await benchMode({ label: 'in-process', n, rounds }));

  const why = unavailable('redis-server');
  let skipped = '';
  if (why) skipped = `queued runner not measured: ${why}`;
  else {
    const redis = await startRedis();
    const worker = startWorker(redis.url);
    try {
      results.push(await benchMode({ label: 'queued, 1 worker', n, rounds, redisUrl: redis.url }));
    } finally {
      await stopChild(worker);
      await redis.stop();
    }
  }

  const headers = [
    'runner',
    'round',
    'ack p50 (receiver)',
    'ack p99 (receiver)',
    'ack p99 (sender)',
    'reply p50',
    'reply p99',
    'reply max',
  ];
  const rows = results.flatMap((r) => r.rows);
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  process.stdout.write(
    `Slack receiver (HTTP mode, signed requests): ${n} slash commands at once (half network ls, half network create, ${n} users), ${rounds} rounds per runner, sim backend; milliseconds\n`,
  );
  process.stdout.write(`${line(headers)}\n${rows.map(line).join('\n')}\n`);
  if (skipped) process.stdout.write(`${skipped}\n`);
  for (const r of results) {
    const w = r.worstServerAckP99;
    process.stdout.write(
      `${r.runner}: ack p99 at the receiver, target < 100 ms: ${w < 100 ? 'met' : 'NOT met'} (worst round ${w.toFixed(1)} ms)\n`,
    );
  }
  process.stdout.write(
    `load average after the run: ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')} (${process.platform}, ${cpus().length} CPUs, Node ${process.version})\n`,
  );
}

const clientAt = process.argv.indexOf('--client');
const done =
  clientAt >= 0
    ? (async () => {
        let input = '';
        for await (const chunk of process.stdin) input += chunk;
        await client(process.argv[clientAt + 1]!, process.argv[clientAt + 2]!, input);
      })()
    : main();
done.then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`bench:slack failed: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  },
);

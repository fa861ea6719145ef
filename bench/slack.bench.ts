/**
 * `npm run bench:slack`: 100 slash commands at once against the running Slack receiver (HTTP
 * mode, real signatures), the sim backend behind the in-process runner, and the response URL at
 * a local recorder. Prints acknowledgement and command-to-reply latency (p50/p95/p99/max).
 * Target: ack p99 under 100 ms. `--commands N` changes the count; `--rounds N` repeats.
 *
 * The commands are sent by a child process (this file with `--client`), as Slack sends from
 * elsewhere: the receiver's event loop carries only the bot. "ack (server)" is from the request
 * reaching the receiver to the acknowledgement written; "ack (client)" adds the sender's
 * connection set-up and queueing; command→reply is from sending to the reply reaching the
 * response URL.
 */
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { MemoryDeadLetters } from '../src/chat/render/dead-letters.ts';
import { createSlackBot } from '../src/chat/slack/slack-app.ts';
import { createSlackDeliver } from '../src/chat/slack/slack-deliver.ts';
import { createSlackWebClient } from '../src/chat/slack/slack-web.ts';
import { readConfig } from '../src/config/config.ts';
import { createJobRunner } from '../src/jobs/create-job-runner.ts';
import { silentLogger } from '../src/observability/logger.ts';
import { postSigned, slashCommandBody, startFakeSlack } from '../test/chat/support/fake-slack.ts';
import { freePort } from '../test/support/servers.ts';

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

async function main() {
  const n = arg('commands', 100);
  const rounds = arg('rounds', 3);
  const secret = 'bench-secret';
  const fake = await startFakeSlack();
  const port = await freePort();
  const config = readConfig({
    SLACK_SIGNING_SECRET: secret,
    SLACK_BOT_TOKEN: 'xoxb-bench',
    SLACK_API_URL: fake.apiUrl,
    PORT: String(port),
    // The bench measures the adapter, not the per-user limit.
    RATE_LIMIT_PER_MINUTE: '10000',
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
  const httpServer = bot.server;
  httpServer?.prependListener('request', (_req, res) => {
    const t0 = performance.now();
    res.once('finish', () => serverAcks.push(performance.now() - t0));
  });
  const url = `http://127.0.0.1:${port}/slack/events`;

  // One warm-up command so module loading and JIT do not count.
  await postSigned(
    url,
    slashCommandBody({ command: '/docker', text: 'network ls', response_url: fake.responseUrl('warm') }),
    { secret },
  );
  await fake.waitFor((r) => r.path === '/response/warm');

  const rows: string[][] = [];
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
    await fake.waitFor((r) => r.path.startsWith(`/response/r${round}-`), n, 60_000);
    const acks = Object.values(sent).map((x) => x.ackMs);
    const replies: number[] = [];
    for (const r of fake.requests.slice(before)) {
      const s0 = sent[r.path];
      // The recorder's clock is this process' performance clock; the client's is wall time.
      if (s0) replies.push(performance.timeOrigin + r.at - s0.sentAt);
    }
    const fmt = (x: number) => x.toFixed(1);
    const server = [...serverAcks];
    rows.push([
      `${round}`,
      'ack (server)',
      fmt(pct(server, 50)),
      fmt(pct(server, 95)),
      fmt(pct(server, 99)),
      fmt(Math.max(...server)),
    ]);
    rows.push([
      `${round}`,
      'ack (client)',
      fmt(pct(acks, 50)),
      fmt(pct(acks, 95)),
      fmt(pct(acks, 99)),
      fmt(Math.max(...acks)),
    ]);
    rows.push([
      `${round}`,
      'command→reply',
      fmt(pct(replies, 50)),
      fmt(pct(replies, 95)),
      fmt(pct(replies, 99)),
      fmt(Math.max(...replies)),
    ]);
  }

  const headers = ['round', 'latency (ms)', 'p50', 'p95', 'p99', 'max'];
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  process.stdout.write(
    `Slack receiver: ${n} slash commands at once (half network ls, half network create), ${rounds} rounds, ${runner.mode} runner, sim backend\n`,
  );
  process.stdout.write(`${line(headers)}\n${rows.map(line).join('\n')}\n`);
  for (const kind of ['ack (server)', 'ack (client)']) {
    const worst = Math.max(...rows.filter((r) => r[1] === kind).map((r) => Number(r[4])));
    process.stdout.write(
      `${kind} p99 target < 100 ms: ${worst < 100 ? 'met' : 'NOT met'} (worst round ${worst.toFixed(1)} ms)\n`,
    );
  }
  process.stdout.write(
    `load average during the run: ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')} (${process.platform}, ${(await import('node:os')).cpus().length} CPUs)\n`,
  );

  await bot.stop();
  await runner.close();
  await fake.close();
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

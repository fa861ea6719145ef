/**
 * `npm run bench:dind`: what a real sandbox costs, beside the simulated one. Needs a dockerd at
 * DOCKER_HOST (default the local socket); builds docker-tutor-sandbox:local there when missing.
 *   BENCH_COLD=5 BENCH_ROUNDS=30 BENCH_MANY=20 npm run bench:dind
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { DindBackend } from '../src/sandbox/dind/dind-backend.ts';
import { dockerFromHost } from '../src/sandbox/dind/docker-client.ts';
import { SimBackend } from '../src/sandbox/sim/sim-backend.ts';

const COLD = Number(process.env.BENCH_COLD ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 30);
const MANY = Number(process.env.BENCH_MANY ?? 20);
const IMAGE = process.env.SANDBOX_IMAGE ?? 'docker-tutor-sandbox:local';
const host = process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock';

const p50 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)] ?? Number.NaN;
const timed = async (fn: () => Promise<unknown>) => {
  const t = performance.now();
  await fn();
  return performance.now() - t;
};
const ok = async (p: Promise<{ exitCode: number; output: string }>) => {
  const r = await p;
  if (r.exitCode !== 0) throw new Error(`command failed: ${r.output}`);
};

interface Row {
  what: string;
  dind: number;
  sim: number;
  unit: string;
  target?: string;
}

async function main() {
  if (IMAGE === 'docker-tutor-sandbox:local') {
    execFileSync(
      join(import.meta.dirname, '..', 'scripts', 'build-sandbox-image.sh'),
      ['--if-missing', IMAGE],
      {
        env: { ...process.env, DOCKER_HOST: host },
        stdio: 'inherit',
      },
    );
  }
  const docker = dockerFromHost(host);
  const ns = `dt-bench-${process.pid}`;
  const dind = await DindBackend.create({
    docker,
    image: IMAGE,
    namespace: ns,
    poolSize: 0,
    maintenanceIntervalMs: 0,
  });
  const sim = new SimBackend();
  const rows: Row[] = [];
  try {
    // Cold start: a new student's first command, no warm spare.
    const cold: number[] = [];
    const simCold: number[] = [];
    for (let i = 0; i < COLD; i++) {
      cold.push(await timed(() => ok(dind.exec(`bench:cold:${i}`, 'docker network ls'))));
      simCold.push(await timed(() => ok(sim.exec(`bench:cold:${i}`, 'docker network ls'))));
      await dind.reset(`bench:cold:${i}`);
    }
    samples.cold = cold;
    rows.push({
      what: 'cold start + first command, p50',
      dind: p50(cold),
      sim: p50(simCold),
      unit: 'ms',
      target: '< 3000',
    });

    // Warm acquire: a spare from the pool handed to a new student.
    const pooled = await DindBackend.create({
      docker,
      image: IMAGE,
      namespace: `${ns}-warm`,
      poolSize: 1,
      maintenanceIntervalMs: 0,
    });
    const warm: number[] = [];
    try {
      for (let i = 0; i < COLD; i++) {
        while ((await pooled.poolReady()) < 1) await new Promise((r) => setTimeout(r, 100));
        warm.push(await timed(() => pooled.prepare(`bench:warm:${i}`)));
        await pooled.reset(`bench:warm:${i}`);
      }
    } finally {
      await pooled.cleanup();
      await pooled.close();
    }
    const simWarm = await timed(() => ok(sim.exec('bench:warm', 'docker network ls')));
    samples.warm = warm;
    rows.push({ what: 'warm acquire, p50', dind: p50(warm), sim: simWarm, unit: 'ms', target: '< 200' });

    // Round trip of one command in a ready sandbox.
    await ok(dind.exec('bench:rt', 'docker network ls'));
    const rt: number[] = [];
    const simRt: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      rt.push(await timed(() => ok(dind.exec('bench:rt', 'docker network ls'))));
      simRt.push(await timed(() => ok(sim.exec('bench:rt', 'docker network ls'))));
    }
    rows.push({
      what: '`docker network ls` round trip, p50',
      dind: p50(rt),
      sim: p50(simRt),
      unit: 'ms',
      target: '< 150',
    });

    // Many at once: MANY students' first commands together.
    const keys = Array.from({ length: MANY }, (_, i) => `bench:many:${i}`);
    const manyMs = await timed(() => Promise.all(keys.map((k) => ok(dind.exec(k, 'docker network ls')))));
    const simManyMs = await timed(() => Promise.all(keys.map((k) => ok(sim.exec(k, 'docker network ls')))));
    // A simulated sandbox at rest is its saved state: measure that.
    const sizes = await Promise.all(
      keys.map((k) => sim.withEngine(k, (e) => JSON.stringify(e.snapshot()).length)),
    );
    const simPer = sizes.reduce((a, b) => a + b, 0) / sizes.length / 1024 / 1024;
    rows.push({ what: `${MANY} sandboxes started at once (wall)`, dind: manyMs, sim: simManyMs, unit: 'ms' });
    const rtMany: number[] = [];
    const simRtMany: number[] = [];
    await Promise.all(
      keys.map(async (k) => rtMany.push(await timed(() => ok(dind.exec(k, 'docker network ls'))))),
    );
    await Promise.all(
      keys.map(async (k) => simRtMany.push(await timed(() => ok(sim.exec(k, 'docker network ls'))))),
    );
    rows.push({
      what: `network ls in all ${MANY} at once, p50`,
      dind: p50(rtMany),
      sim: p50(simRtMany),
      unit: 'ms',
    });

    // Memory of an idle sandbox: resident memory of its cgroup (the engine and its shims).
    await new Promise((r) => setTimeout(r, 3000));
    const mem: number[] = [];
    for (const k of keys) {
      const id = dind.containerId(k)!;
      const s = (await docker.getContainer(id).stats({ stream: false })) as unknown as {
        memory_stats: { usage?: number; stats?: Record<string, number> };
      };
      const st = s.memory_stats.stats ?? {};
      const rss = st.total_rss ?? st.rss ?? st.anon ?? s.memory_stats.usage ?? 0;
      mem.push(rss / 1024 / 1024);
    }
    rows.push({
      what: 'memory per idle sandbox (RSS), mean',
      dind: mem.reduce((a, b) => a + b, 0) / mem.length,
      sim: simPer,
      unit: 'MB',
      target: '< 80',
    });
  } finally {
    await dind.cleanup().catch(() => undefined);
    await dind.close();
    await sim.close();
  }
  print(rows);
  const list = (xs: number[]) => xs.map((x) => Math.round(x)).join(', ');
  process.stdout.write(
    `\ncold starts (ms): ${list(samples.cold)}\nwarm acquires (ms): ${list(samples.warm)}\n`,
  );
}

const samples = { cold: [] as number[], warm: [] as number[] };

function print(rows: Row[]) {
  const fmt = (n: number, unit: string) => (unit === 'MB' ? `${n.toFixed(1)} MB` : `${Math.round(n)} ms`);
  const table = [
    ['measure', 'dind', 'sim', 'dind/sim', 'target'],
    ...rows.map((r) => [
      r.what,
      fmt(r.dind, r.unit),
      r.unit === 'MB' ? `${(r.sim * 1024).toFixed(1)} kB` : `${r.sim.toFixed(1)} ms`,
      r.sim > 0 ? `${Math.round(r.dind / r.sim)}x` : '-',
      r.target ? `${r.target} ${r.unit}` : '',
    ]),
  ];
  const widths = table[0]!.map((_, c) => Math.max(...table.map((row) => row[c]!.length)));
  for (const [i, row] of table.entries()) {
    process.stdout.write(
      `${row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ')}\n`,
    );
    if (i === 0) process.stdout.write(`${widths.map((w) => '-'.repeat(w)).join('  ')}\n`);
  }
}

main().catch((e) => {
  process.stderr.write(`bench:dind: ${(e as Error).message}\n`);
  process.exit(1);
});

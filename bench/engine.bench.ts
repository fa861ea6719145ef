/**
 * `npm run bench:engine`: the simulated engine's speed and size, beside real Docker.
 *
 * 1. Per-command time in process for the scenario mix (every command of test/golden/*.txt, each
 *    scenario in a fresh engine): p50/p95/p99/max, engine alone and through the sim backend
 *    (which also loads and saves the sandbox state as JSON around each command).
 * 2. Serialized state of a sandbox with 10 networks and 30 containers (target < 64 kB).
 * 3. When a real dockerd answers (DOCKER_HOST or /var/run/docker.sock), the same small scenario
 *    through the real docker CLI and through the simulator, side by side, as a ratio.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { scenarioCommands } from '../src/cli/transcript-command.ts';
import { Engine, runHostLine } from '../src/engine/index.ts';
import { SimBackend } from '../src/sandbox/sim/sim-backend.ts';

const goldenDir = join(import.meta.dirname, '..', 'test', 'golden');
const scenarios = readdirSync(goldenDir)
  .filter((f) => f.endsWith('.txt'))
  .sort()
  .map((f) => scenarioCommands(readFileSync(join(goldenDir, f), 'utf8')));

function stats(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0;
  return { n: s.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: s[s.length - 1] ?? 0 };
}
const ms = (x: number) => x.toFixed(3);

async function perCommand(viaBackend: boolean): Promise<number[]> {
  const times: number[] = [];
  for (const [i, commands] of scenarios.entries()) {
    if (viaBackend) {
      const backend = new SimBackend({ seedFor: () => i + 1 });
      for (const line of commands) {
        const t0 = performance.now();
        await backend.exec('bench', line);
        times.push(performance.now() - t0);
      }
    } else {
      const engine = new Engine({ seed: i + 1 });
      for (const line of commands) {
        const t0 = performance.now();
        await runHostLine(engine, line);
        times.push(performance.now() - t0);
      }
    }
  }
  return times;
}

async function bigSandbox(): Promise<{ json: number; gzip: number; networks: number; containers: number }> {
  const engine = new Engine({ seed: 7 });
  for (let n = 0; n < 10; n++) await runHostLine(engine, `docker network create net${n}`);
  for (let c = 0; c < 30; c++) {
    const port = c % 3 === 0 ? ` -p ${8000 + c}:80` : '';
    await runHostLine(engine, `docker run -d --name c${c} --network net${c % 10}${port} alpine sleep 1000`);
    if (c % 4 === 0) await runHostLine(engine, `docker network connect net${(c + 1) % 10} c${c}`);
  }
  const json = JSON.stringify(engine.snapshot());
  return {
    json: Buffer.byteLength(json),
    gzip: gzipSync(json).length,
    networks: engine.state.networks.length,
    containers: engine.state.containers.length,
  };
}

/** The side-by-side scenario: only commands that need no image pull. */
const SIDE_BY_SIDE = [
  'docker network create bench-a',
  'docker network create --subnet 10.251.0.0/24 bench-b',
  'docker network ls',
  'docker network inspect bench-a',
  'docker network inspect -f {{.IPAM.Config}} bench-b',
  'docker network rm bench-a bench-b',
  'docker version -f {{.Server.Version}}',
];

/** Debian's docker.io CLI is 20.10, like the engine; a newer client on PATH would negotiate down. */
const DOCKER_CLI = existsSync('/usr/bin/docker') ? '/usr/bin/docker' : 'docker';

function realDockerHost(): string | null {
  const host = process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock';
  const r = spawnSync(DOCKER_CLI, ['version', '-f', '{{.Server.Version}}'], {
    env: { ...process.env, DOCKER_HOST: host },
    encoding: 'utf8',
  });
  return r.status === 0 ? host : null;
}

async function sideBySide(host: string) {
  const rounds = 5;
  const real: number[] = [];
  const sim: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const engine = new Engine({ seed: r + 100 });
    for (const line of SIDE_BY_SIDE) {
      const argv = line.split(' ').slice(1);
      const t0 = performance.now();
      spawnSync(DOCKER_CLI, argv, { env: { ...process.env, DOCKER_HOST: host }, encoding: 'utf8' });
      real.push(performance.now() - t0);
      const t1 = performance.now();
      await runHostLine(engine, line);
      sim.push(performance.now() - t1);
    }
  }
  // Leave nothing behind on the real daemon.
  spawnSync(DOCKER_CLI, ['network', 'rm', 'bench-a', 'bench-b'], {
    env: { ...process.env, DOCKER_HOST: host },
  });
  return { real: stats(real), sim: stats(sim) };
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ')).join('\n');
}

async function main() {
  // Warm up the module graph and the JIT once, as a long-running worker would be.
  await perCommand(false);
  const engineOnly = stats(await perCommand(false));
  const backend = stats(await perCommand(true));
  console.log(`\nPer command, scenario mix (${scenarios.length} scenarios), milliseconds`);
  console.log(
    table([
      ['path', 'commands', 'p50', 'p95', 'p99', 'max', 'target'],
      [
        'engine in process',
        String(engineOnly.n),
        ms(engineOnly.p50),
        ms(engineOnly.p95),
        ms(engineOnly.p99),
        ms(engineOnly.max),
        'p50 < 0.5, p99 < 5',
      ],
      [
        'sim backend (+ state JSON load/save)',
        String(backend.n),
        ms(backend.p50),
        ms(backend.p95),
        ms(backend.p99),
        ms(backend.max),
        '',
      ],
    ]),
  );
  const big = await bigSandbox();
  console.log('\nSerialized state of one sandbox');
  console.log(
    table([
      ['networks', 'containers', 'JSON bytes', 'gzip bytes', 'target'],
      [String(big.networks), String(big.containers), String(big.json), String(big.gzip), '< 65536 JSON'],
    ]),
  );
  const host = realDockerHost();
  if (!host) {
    console.log('\nReal Docker: no dockerd answers (set DOCKER_HOST); side-by-side skipped.');
    return;
  }
  const sbs = await sideBySide(host);
  console.log(
    `\nSame commands, real docker CLI (${DOCKER_CLI}) + dockerd (${host}) vs simulator, milliseconds per command`,
  );
  console.log(
    table([
      ['engine', 'p50', 'p95', 'max', 'ratio p50 (real/sim)'],
      ['real Docker 20.10', ms(sbs.real.p50), ms(sbs.real.p95), ms(sbs.real.max), ''],
      [
        'simulator',
        ms(sbs.sim.p50),
        ms(sbs.sim.p95),
        ms(sbs.sim.max),
        `${(sbs.real.p50 / Math.max(sbs.sim.p50, 1e-6)).toFixed(0)}x`,
      ],
    ]),
  );
}

await main();

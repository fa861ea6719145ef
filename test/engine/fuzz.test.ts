/**
 * Bad input, at volume: 10,000 generated and mutated command lines through the sandbox host.
 * The engine must never throw, never print a JavaScript error, and keep its invariants after
 * every command (no address used twice, every endpoint on an existing network, unique names
 * and IDs, state that survives a JSON round trip).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scenarioCommands } from '../../src/cli/transcript-command.ts';
import { Engine, type EngineState, runHostLine } from '../../src/engine/index.ts';

const goldenDir = join(import.meta.dirname, '..', 'golden');
const corpus = readdirSync(goldenDir)
  .filter((f) => f.endsWith('.txt'))
  .flatMap((f) => scenarioCommands(readFileSync(join(goldenDir, f), 'utf8')));

/** mulberry32: a small seeded generator, so a failure replays. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = [
  'docker',
  'network',
  'create',
  'rm',
  'ls',
  'inspect',
  'connect',
  'disconnect',
  'prune',
  'run',
  'exec',
  'ps',
  'start',
  'stop',
  'kill',
  'container',
  'image',
  'images',
  'pull',
  'tag',
  'rmi',
  'swarm',
  'init',
  'leave',
  'service',
  'version',
  'info',
  '-d',
  '--driver',
  'bridge',
  'overlay',
  'macvlan',
  'host',
  'none',
  'null',
  '--subnet',
  '10.0.0.0/8',
  '172.18.0.0/16',
  '300.1.1.1/40',
  '--gateway',
  '--ip-range',
  '--ip',
  '172.18.0.5',
  '--internal',
  '--attachable',
  '--ipv6',
  '-o',
  'parent=eth0',
  '--label',
  'a=b',
  '--alias',
  '-p',
  '8080:80',
  '-P',
  '--name',
  'n1',
  'n2',
  'c1',
  'alpine',
  'busybox',
  'nginx',
  'sleep',
  '1000',
  'ping',
  '-c',
  '1',
  'ip',
  'addr',
  '--format',
  '{{.Name}}',
  '{{json .}}',
  '{{range .Containers}}{{.Name}}{{end}}',
  '{{.Nope',
  '-f',
  '--filter',
  'driver=bridge',
  'name=n',
  '-q',
  '--no-trunc',
  '-a',
  '--rm',
  '-it',
  '-e',
  'A=1',
  '--network',
  'curl',
  '-s',
  '--unix-socket',
  '/var/run/docker.sock',
  'http://localhost/v1.41/networks',
  '-X',
  'POST',
  '-d',
  '{"Name":"x"}',
  '{bad',
  '-w',
  '%{http_code}',
  "'",
  '"',
  '\\',
  '$HOME',
  '`id`',
  ';',
  '|',
  '&&',
  '>',
  '--',
  '-',
  '--=',
  '-=',
  '===',
  '\u00e9t\u00e9',
  '\u{1F433}',
  '\u0000',
  'x'.repeat(300),
];

function generate(r: () => number): string {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  const mode = r();
  if (mode < 0.45) {
    // A real command, mutated.
    const words = pick(corpus).split(' ');
    const mutations = 1 + Math.floor(r() * 3);
    for (let m = 0; m < mutations; m++) {
      const i = Math.floor(r() * (words.length + 1));
      const op = r();
      if (op < 0.3) words.splice(i, 1);
      else if (op < 0.6) words.splice(i, 0, pick(WORDS));
      else if (op < 0.8 && words.length > 1) words[i % words.length] = pick(WORDS);
      else words.splice(i, 0, ...words.slice(0, 2));
    }
    return words.join(' ');
  }
  if (mode < 0.9) {
    // Words from the vocabulary, mostly starting like a docker command.
    const n = 1 + Math.floor(r() * 8);
    const words = r() < 0.8 ? ['docker'] : [];
    for (let i = 0; i < n; i++) words.push(pick(WORDS));
    return words.join(' ');
  }
  // Raw noise: random code points and control characters.
  const n = Math.floor(r() * 120);
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCodePoint(Math.floor(r() * (r() < 0.9 ? 128 : 0x2ffff)));
  return s;
}

function checkInvariants(state: EngineState): string[] {
  const problems: string[] = [];
  const networkIds = new Set(state.networks.map((n) => n.id));
  if (networkIds.size !== state.networks.length) problems.push('duplicate network IDs');
  const ids = new Set(state.containers.map((c) => c.id));
  if (ids.size !== state.containers.length) problems.push('duplicate container IDs');
  const names = new Set(state.containers.map((c) => c.name));
  if (names.size !== state.containers.length) problems.push('duplicate container names');
  const used = new Map<string, string>();
  for (const nw of state.networks) {
    for (const cfg of nw.ipam) {
      const gw = cfg.effectiveGateway ?? cfg.gateway;
      if (gw) used.set(`${nw.id}/${gw}`, `gateway of ${nw.name}`);
    }
  }
  for (const c of state.containers) {
    for (const ep of c.endpoints) {
      if (!networkIds.has(ep.networkId) && ep.endpointId !== '') {
        problems.push(`${c.name} has a live endpoint on a missing network`);
      }
      if (!ep.ipv4) continue;
      const key = `${ep.networkId}/${ep.ipv4}`;
      const owner = used.get(key);
      if (owner) problems.push(`${ep.ipv4} used twice (${owner}, ${c.name})`);
      used.set(key, c.name);
    }
  }
  return problems;
}

const JS_ERROR =
  /TypeError|ReferenceError|RangeError|SyntaxError: Unexpected|\[object Object\]|\bat \S+\.ts:\d+|undefined is not/;

describe('fuzzing the sandbox host', () => {
  it('survives 10,000 generated and mutated command lines with its invariants intact', async () => {
    const r = rng(20261128);
    let engine = new Engine({ seed: 1 });
    const failures: string[] = [];
    let nonZero = 0;
    for (let i = 0; i < 10_000; i++) {
      if (i % 250 === 0) engine = new Engine({ seed: i + 1 });
      const line = generate(r);
      let result: Awaited<ReturnType<typeof runHostLine>>;
      try {
        result = await runHostLine(engine, line);
      } catch (e) {
        failures.push(`threw on ${JSON.stringify(line)}: ${(e as Error).stack}`);
        if (failures.length > 5) break;
        continue;
      }
      if (!Number.isInteger(result.exitCode))
        failures.push(`exit ${result.exitCode} for ${JSON.stringify(line)}`);
      if (JS_ERROR.test(result.combined))
        failures.push(`JS error text for ${JSON.stringify(line)}: ${result.combined.slice(0, 300)}`);
      if (result.exitCode !== 0) nonZero++;
      const problems = checkInvariants(engine.state);
      if (problems.length) failures.push(`after ${JSON.stringify(line)}: ${problems.join('; ')}`);
      if (i % 500 === 499) {
        // The state must survive the store's JSON round trip and keep working.
        const revived = new Engine({
          state: JSON.parse(JSON.stringify(engine.snapshot())) as EngineState,
          seed: 1,
        });
        const ls = await runHostLine(revived, 'docker network ls');
        if (ls.exitCode !== 0) failures.push(`revived state cannot list networks: ${ls.combined}`);
        engine = revived;
      }
      if (failures.length > 5) break;
    }
    expect(failures, failures.join('\n\n')).toEqual([]);
    // Most generated lines are wrong: the run exercised error paths, not only happy ones.
    expect(nonZero).toBeGreaterThan(3000);
  }, 240_000);
});

describe('the invariant check itself', () => {
  it('notices an address used twice and a live endpoint on a missing network', async () => {
    const engine = new Engine({ seed: 3 });
    await runHostLine(engine, 'docker network create inv');
    await runHostLine(engine, 'docker run -d --name a1 --network inv alpine sleep 1000');
    await runHostLine(engine, 'docker run -d --name a2 --network inv alpine sleep 1000');
    expect(checkInvariants(engine.state)).toEqual([]);
    const state = JSON.parse(JSON.stringify(engine.state)) as EngineState;
    const [a1, a2] = state.containers;
    a2!.endpoints[0]!.ipv4 = a1!.endpoints[0]!.ipv4;
    a1!.endpoints[0]!.networkId = 'gone';
    const problems = checkInvariants(state);
    expect(problems.some((p) => p.includes('missing network'))).toBe(true);
    a1!.endpoints[0]!.networkId = a2!.endpoints[0]!.networkId;
    expect(checkInvariants(state).some((p) => p.includes('used twice'))).toBe(true);
  });
});

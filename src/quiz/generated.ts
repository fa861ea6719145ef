/**
 * Practical questions the simulator answers: a small random topology is built in a scratch
 * sandbox (a fresh simulated engine, never a student's), then the question is asked of it. The
 * answer is whatever the simulator says (a ping's exit status, an inspected address, a command's
 * output), never written by hand. The same seed gives the same question, so a channel's daily
 * quiz is the same for everyone in it.
 */
import { ManualClock } from '../engine/clock.ts';
import { Engine, runHostLine } from '../engine/index.ts';
import { seededRandom, shuffled } from './bank.ts';
import type { PostedQuestion } from './store.ts';

/** A fixed instant for scratch sandboxes: nothing a question shows depends on the time. */
const SCRATCH_EPOCH = Date.UTC(2026, 0, 5, 9, 0, 0);

export function scratchEngine(seed: number): Engine {
  return new Engine({ seed, clock: new ManualClock(SCRATCH_EPOCH, 1000) });
}

/** Runs the lines in a scratch sandbox; null when one fails (a feature the simulator lacks). */
async function build(engine: Engine, lines: string[]): Promise<boolean> {
  for (const line of lines) {
    const r = await runHostLine(engine, line);
    if (r.exitCode !== 0) return false;
  }
  return true;
}

async function output(engine: Engine, line: string): Promise<{ out: string; exit: number }> {
  const r = await runHostLine(engine, line);
  return { out: r.stdout.trimEnd(), exit: r.exitCode };
}

type Generator = (rand: () => number, seed: number) => Promise<Omit<PostedQuestion, 'ref'> | null>;

const pick = <T>(rand: () => number, items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;

/** "Can a reach b by name?": user-defined bridges have DNS, the default bridge does not. */
const reach: Generator = async (rand, seed) => {
  const engine = scratchEngine(seed);
  const nets = ['front', 'back'];
  const names = ['web', 'api', 'db', 'cache'];
  const placement = names.map((n) => ({ n, net: pick(rand, [...nets, 'bridge']) }));
  const extra = pick(rand, names);
  const extraNet = pick(rand, nets);
  const lines = [
    ...nets.map((n) => `docker network create ${n}`),
    ...placement.map((p) => `docker run -d --name ${p.n} --network ${p.net} alpine sleep 1d`),
  ];
  const connect = placement.find((p) => p.n === extra)?.net !== extraNet;
  if (connect) lines.push(`docker network connect ${extraNet} ${extra}`);
  if (!(await build(engine, lines))) return null;
  const [from, to] = shuffled(names, rand) as [string, string];
  const ping = await output(engine, `docker exec ${from} ping -c 1 -W 1 ${to}`);
  const yes = ping.exit === 0;
  return {
    text: `In a fresh sandbox someone ran:\n${lines.map((l) => `  ${l}`).join('\n')}\nDoes \`docker exec ${from} ping -c 1 ${to}\` reach ${to} by name?`,
    choices: ['Yes', 'No'],
    answerIndex: yes ? 0 : 1,
    explanation: yes
      ? `${from} and ${to} share a user-defined network, whose embedded DNS (127.0.0.11) resolves ${to}.`
      : `They share no user-defined network: the default bridge has no name resolution, and separate networks are isolated (ping says "bad address '${to}'").`,
    topic: 'bridge',
    difficulty: 'medium',
  };
};

/** "Which address will c3 get?": IPAM hands out addresses in order, within --ip-range if given. */
const address: Generator = async (rand, seed) => {
  const engine = scratchEngine(seed);
  const third = 10 + Math.floor(rand() * 200);
  const subnet = `10.${third}.0.0/24`;
  const ranged = rand() < 0.5;
  const range = `10.${third}.0.${pick(rand, [64, 128, 192])}/26`;
  const fixed = rand() < 0.5 ? `10.${third}.0.${pick(rand, [2, 3, 70, 130, 200])}` : null;
  const lines = [
    `docker network create --subnet ${subnet}${ranged ? ` --ip-range ${range}` : ''} labnet`,
    `docker run -d --name c1 --network labnet alpine sleep 1d`,
    fixed
      ? `docker run -d --name c2 --network labnet --ip ${fixed} alpine sleep 1d`
      : `docker run -d --name c2 --network labnet alpine sleep 1d`,
    `docker run -d --name c3 --network labnet alpine sleep 1d`,
  ];
  if (!(await build(engine, lines))) return null;
  const got = await output(
    engine,
    `docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' c3`,
  );
  if (got.exit !== 0 || !/^\d+\.\d+\.\d+\.\d+$/.test(got.out)) return null;
  const last = Number(got.out.split('.')[3]);
  const candidates = new Set<string>([got.out]);
  for (const d of [-1, 1, 2, -2, 62, -62, 127]) {
    const v = last + d;
    if (candidates.size < 4 && v > 0 && v < 255) candidates.add(`10.${third}.0.${v}`);
  }
  const choices = shuffled([...candidates], rand);
  return {
    text: `In a fresh sandbox someone ran:\n${lines.map((l) => `  ${l}`).join('\n')}\nWhich IPv4 address does c3 get on labnet?`,
    choices,
    answerIndex: choices.indexOf(got.out),
    explanation: `Docker's IPAM skips the gateway (.1) and hands out the next free address${ranged ? ` inside --ip-range ${range}` : ''}${fixed ? `, leaving ${fixed} to c2 which asked for it` : ''}: c3 gets ${got.out}.`,
    topic: 'bridge',
    difficulty: 'hard',
  };
};

/** "Which subnet does the third network get?": the default pools go in order. */
const subnets: Generator = async (rand, seed) => {
  const engine = scratchEngine(seed);
  const count = 2 + Math.floor(rand() * 3);
  const explicit = rand() < 0.5 ? Math.floor(rand() * count) : -1;
  const lines: string[] = [];
  for (let i = 0; i < count; i++)
    lines.push(
      i === explicit
        ? `docker network create --subnet 172.${18 + i}.0.0/16 net${i + 1}`
        : `docker network create net${i + 1}`,
    );
  if (!(await build(engine, lines))) return null;
  const got = await output(
    engine,
    `docker network inspect -f '{{range .IPAM.Config}}{{.Subnet}}{{end}}' net${count}`,
  );
  if (got.exit !== 0 || got.out === '') return null;
  const pool = Number(got.out.split('.')[1]);
  const candidates = new Set([got.out]);
  for (const d of [-1, 1, 2, -2, 3])
    if (candidates.size < 4 && pool + d >= 17) candidates.add(`172.${pool + d}.0.0/16`);
  const choices = shuffled([...candidates], rand);
  return {
    text: `On a fresh Docker host someone ran:\n${lines.map((l) => `  ${l}`).join('\n')}\nWhich subnet does net${count} get?`,
    choices,
    answerIndex: choices.indexOf(got.out),
    explanation: `docker0 holds 172.17.0.0/16; each new bridge takes the next free /16 of the default pools, skipping subnets already in use: net${count} gets ${got.out}.`,
    topic: 'bridge',
    difficulty: 'medium',
  };
};

/** "What does this command print?": `network ls` with a filter and a format. */
const listing: Generator = async (rand, seed) => {
  const engine = scratchEngine(seed);
  const nets = shuffled(['alpha', 'beta', 'gamma', 'delta'], rand).slice(0, 3);
  const lines = nets.map(
    (n) =>
      `docker network create${rand() < 0.5 ? ' --internal' : ''} --label tier=${pick(rand, ['web', 'data'])} ${n}`,
  );
  if (!(await build(engine, lines))) return null;
  const tier = pick(rand, ['web', 'data']);
  const cmd = `docker network ls --filter label=tier=${tier} --format '{{.Name}} {{.Internal}}'`;
  const got = await output(engine, cmd);
  if (got.exit !== 0) return null;
  const shown = (s: string) => (s === '' ? '(nothing)' : s.split('\n').join(' / '));
  const answer = shown(got.out);
  const all = nets
    .map((n) => `${n} ${lines.find((l) => l.endsWith(` ${n}`))?.includes('--internal') ? 'true' : 'false'}`)
    .sort();
  const candidates = new Set([
    answer,
    shown(all.join('\n')),
    '(nothing)',
    shown(all.map((l) => l.replace(/ (true|false)$/, ' false')).join('\n')),
  ]);
  const choices = shuffled([...candidates].slice(0, 4), rand);
  return {
    text: `In a fresh sandbox someone ran:\n${lines.map((l) => `  ${l}`).join('\n')}\nWhat does \`${cmd}\` print? (lines joined by " / ")`,
    choices,
    answerIndex: choices.indexOf(answer),
    explanation: `The label filter keeps networks labelled tier=${tier}; the default networks have no labels. Output: ${answer}.`,
    topic: 'drivers',
    difficulty: 'medium',
  };
};

export const GENERATORS: Record<string, Generator> = { reach, address, subnets, listing };

/** A practical question for `seed`, or null when the simulator cannot build any (never expected). */
export async function generateQuestion(seed: number, kind?: string): Promise<PostedQuestion | null> {
  const rand = seededRandom(seed);
  const kinds = Object.keys(GENERATORS);
  const first = kind && GENERATORS[kind] ? kind : kinds[Math.floor(rand() * kinds.length)]!;
  // Try the chosen kind first, then the others, so a missing simulator feature never leaves a gap.
  for (const k of [first, ...kinds.filter((k) => k !== first)]) {
    const q = await GENERATORS[k]!(seededRandom(seed ^ hashKind(k)), seed);
    if (q && q.answerIndex >= 0 && new Set(q.choices).size === q.choices.length)
      return { ...q, ref: `gen:${k}:${seed}` };
  }
  return null;
}

function hashKind(k: string): number {
  let h = 0;
  for (const c of k) h = (Math.imul(h, 31) + c.charCodeAt(0)) | 0;
  return h >>> 0;
}

/** Regenerates the question a `gen:<kind>:<seed>` ref names. */
export async function questionFromRef(ref: string): Promise<PostedQuestion | null> {
  const m = /^gen:([a-z]+):(\d+)$/.exec(ref);
  if (!m) return null;
  return generateQuestion(Number(m[2]), m[1]);
}

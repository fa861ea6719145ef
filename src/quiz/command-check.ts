/**
 * Command questions ("create an attachable overlay named x") are judged by what the command does,
 * not by its text: the model answer and the student's run in two identical scratch sandboxes, and
 * the states they leave are compared. `-d overlay --attachable x` and `--attachable --driver=overlay x`
 * are the same answer; `--attachable x` alone is not.
 */
import { runHostLine } from '../engine/index.ts';
import type { EngineState } from '../engine/model/state.ts';
import { scratchEngine } from './generated.ts';

/** What a command question may ask for, without IDs, times or anything else that varies. */
export function comparableState(s: EngineState): Record<string, string> {
  const out: Record<string, string> = {};
  const netName = new Map(s.networks.map((n) => [n.id, n.name]));
  for (const n of s.networks) {
    const p = `network ${n.name}`;
    out[`${p}: driver`] = n.driver;
    out[`${p}: scope`] = n.scope;
    out[`${p}: internal`] = String(n.internal);
    out[`${p}: attachable`] = String(n.attachable);
    out[`${p}: IPv6`] = String(n.enableIPv6);
    n.ipam.forEach((c, i) => {
      out[`${p}: subnet ${i + 1}`] = c.subnet;
      if (c.gateway ?? c.effectiveGateway) out[`${p}: gateway ${i + 1}`] = (c.gateway ?? c.effectiveGateway)!;
      if (c.ipRange) out[`${p}: ip-range ${i + 1}`] = c.ipRange;
    });
    for (const [k, v] of Object.entries(n.options)) out[`${p}: option ${k}`] = v;
    for (const [k, v] of Object.entries(n.labels)) out[`${p}: label ${k}`] = v;
  }
  for (const c of s.containers) {
    const p = `container ${c.name}`;
    out[`${p}: image`] = c.imageRef;
    out[`${p}: status`] = c.status;
    out[`${p}: networks`] = c.endpoints
      .map((e) => netName.get(e.networkId) ?? e.networkId)
      .sort()
      .join(',');
    for (const e of c.endpoints)
      if (e.aliases.length)
        out[`${p}: aliases on ${netName.get(e.networkId)}`] = [...e.aliases].sort().join(',');
    const ports = Object.entries(c.hostConfig.portBindings)
      .flatMap(([cp, bs]) => bs.map((b) => `${b.hostIp ? `${b.hostIp}:` : ''}${b.hostPort}:${cp}`))
      .sort()
      .join(',');
    if (ports) out[`${p}: published`] = ports;
  }
  out.swarm = s.swarm ? 'active' : 'inactive';
  return out;
}

export interface CommandVerdict {
  correct: boolean;
  /** What the student's command printed (errors included). */
  output: string;
  exitCode: number;
  /** Differences from the expected state, as "network x: attachable is false, expected true". */
  differences: string[];
}

const SEED = 424242;

async function stateAfter(setup: string[], line: string) {
  const engine = scratchEngine(SEED);
  for (const s of setup) await runHostLine(engine, s);
  const r = await runHostLine(engine, line);
  return { state: comparableState(engine.snapshot()), output: r.combined, exitCode: r.exitCode };
}

/** Runs `given` and the model `answer` after `setup` in fresh scratch sandboxes and compares. */
export async function checkCommandAnswer(
  setup: string[],
  answer: string,
  given: string,
): Promise<CommandVerdict> {
  const expected = await stateAfter(setup, answer);
  const got = await stateAfter(setup, given.trim().replace(/^\//, ''));
  const differences: string[] = [];
  for (const k of new Set([...Object.keys(expected.state), ...Object.keys(got.state)])) {
    const e = expected.state[k];
    const g = got.state[k];
    if (e === g) continue;
    if (g === undefined) differences.push(`${k} should be ${e}`);
    else if (e === undefined) differences.push(`${k} is ${g}, which was not asked for`);
    else differences.push(`${k} is ${g}, expected ${e}`);
  }
  // Names of whole objects that are missing or extra read better than each of their fields.
  const collapsed = collapse(differences);
  return {
    correct: differences.length === 0,
    output: got.output,
    exitCode: got.exitCode,
    differences: collapsed,
  };
}

function collapse(diffs: string[]): string[] {
  const missing = new Set<string>();
  const extra = new Set<string>();
  for (const d of diffs) {
    const m =
      /^((?:network|container) [^:]+): driver should be/.exec(d) ??
      /^((?:network|container) [^:]+): image should be/.exec(d);
    if (m) missing.add(m[1]!);
    const x = /^((?:network|container) [^:]+): (?:driver|image) is .*not asked for$/.exec(d);
    if (x) extra.add(x[1]!);
  }
  const out = [...missing]
    .map((o) => `${o} is missing`)
    .concat([...extra].map((o) => `${o} was not asked for`));
  for (const d of diffs) {
    const obj = /^((?:network|container) [^:]+):/.exec(d)?.[1];
    if (obj && (missing.has(obj) || extra.has(obj))) continue;
    out.push(d);
  }
  return out;
}

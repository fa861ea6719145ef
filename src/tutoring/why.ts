/**
 * `/why A B`: why container A can or cannot reach B, by name and by address, from the topology
 * model (the same answer for simulated and real sandboxes).
 */
import type { SandboxBackend, SandboxKey } from '../sandbox/backend.ts';
import { TopologyCollectError } from '../topology/from-docker-inspect.ts';
import type { Topology } from '../topology/model.ts';
import { explain, HOST, OUTSIDE, reach, UnknownPartyError } from '../topology/reachability.ts';
import { readTopology } from '../topology/source.ts';
import { suggest } from './did-you-mean.ts';

export const WHY_USAGE = `Usage: /why A B: can container A reach B, by name and by address, and why. A and B are container names (or ${HOST} / ${OUTSIDE}).`;

/** The answer as chat text; never throws for a bad name. */
export function whyText(t: Topology, from: string, to: string): string {
  try {
    const answer = explain(reach(t, from, to));
    return `${answer}\n${lessonPointer(t, from, to)}`.trimEnd();
  } catch (e) {
    if (!(e instanceof UnknownPartyError)) throw e;
    const names = t.containers.map((c) => c.name);
    const close = suggest(e.term, [...names, HOST, OUTSIDE]);
    const known = names.length
      ? ` Containers here: ${names.slice(0, 10).join(', ')}.`
      : ' Your sandbox has no containers yet.';
    return `No such container: ${e.term}.${close.length ? ` Did you mean ${close[0]}?` : ''}${known}`;
  }
}

/** Which lesson explains the rule that decided. */
function lessonPointer(t: Topology, from: string, to: string): string {
  const nets = new Set(
    t.containers
      .filter((c) => c.name === from || c.name === to)
      .flatMap((c) => [c.networkMode, ...c.attachments.map((a) => a.network)]),
  );
  const drivers = new Set(
    t.networks.filter((n) => nets.has(n.name)).map((n) => (n.defaultBridge ? 'default' : n.driver)),
  );
  if (nets.has('none') || drivers.has('null')) return 'More: /learn none';
  if (nets.has('host') || drivers.has('host')) return 'More: /learn host';
  if (drivers.has('default')) return 'More: /learn user-defined';
  if (drivers.has('overlay')) return 'More: /learn overlay';
  if (drivers.has('macvlan') || drivers.has('ipvlan')) return 'More: /learn macvlan';
  return 'More: /learn user-defined';
}

export async function whyCommand(backend: SandboxBackend, key: SandboxKey, args: string): Promise<string> {
  const words = args.trim().split(/\s+/).filter(Boolean);
  if (words.length !== 2) return WHY_USAGE;
  let t: Topology;
  try {
    t = await readTopology(backend, key);
  } catch (e) {
    if (e instanceof TopologyCollectError) return `I could not read your sandbox: ${e.message}`;
    throw e;
  }
  return whyText(t, words[0]!, words[1]!);
}

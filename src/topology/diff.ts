/**
 * "What changed": one line comparing the topology before and after a command, so a student sees
 * the effect of `docker network connect` without asking for the whole picture.
 */
import { ipv4Subnet, isRunning, type TopoContainer, type Topology } from './model.ts';
import { formatPort } from './summary.ts';

/** Longest "what changed" line; the rest is counted. */
export const CHANGE_LINE_MAX = 240;

/** The changes, one phrase each, in a stable order (networks, then containers by name). */
export function topologyChanges(before: Topology, after: Topology): string[] {
  const out: string[] = [];
  const beforeNets = new Map(before.networks.map((n) => [n.name, n]));
  const afterNets = new Map(after.networks.map((n) => [n.name, n]));
  for (const n of after.networks) {
    const old = beforeNets.get(n.name);
    if (!old || old.id !== n.id) {
      const v4 = ipv4Subnet(n);
      out.push(
        `+network ${n.name} (${n.driver}${v4 ? ` ${v4.subnet}` : ''}${n.internal ? ', internal' : ''})`,
      );
    }
  }
  for (const n of before.networks) {
    const now = afterNets.get(n.name);
    if (!now || now.id !== n.id) out.push(`-network ${n.name}`);
  }
  const beforeCtrs = new Map(before.containers.map((c) => [c.id, c]));
  const afterIds = new Set(after.containers.map((c) => c.id));
  for (const c of after.containers) {
    const old = beforeCtrs.get(c.id);
    out.push(...(old ? containerChanges(old, c) : [`+${c.name}${onNets(c)}`]));
  }
  for (const c of before.containers) if (!afterIds.has(c.id)) out.push(`-${c.name}`);
  return out;
}

/** ` (172.18.0.2 on app, 8080->80/tcp)` for a new container; empty when it has nothing to show. */
function onNets(c: TopoContainer): string {
  const parts = c.attachments.map((a) => (a.address ? `${a.address} on ${a.network}` : a.network));
  parts.push(...c.ports.map(formatPort));
  return parts.length ? ` (${parts.join(', ')})` : '';
}

function containerChanges(old: TopoContainer, c: TopoContainer): string[] {
  const out: string[] = [];
  const name = old.name === c.name ? c.name : `${old.name} (now ${c.name})`;
  if (old.name !== c.name) out.push(`${old.name} renamed ${c.name}`);
  if (isRunning(old) !== isRunning(c) || (old.state !== c.state && !isRunning(c))) {
    out.push(`${c.name} ${isRunning(c) ? 'started' : c.state}`);
  }
  const oldAtt = new Map(old.attachments.map((a) => [a.network, a]));
  const newAtt = new Map(c.attachments.map((a) => [a.network, a]));
  for (const a of c.attachments) {
    const was = oldAtt.get(a.network);
    if (!was) out.push(`${c.name} joined ${a.network}${a.address ? ` as ${a.address}` : ''}`);
    else if (was.address !== a.address) {
      if (a.address && was.address)
        out.push(`${c.name} moved ${was.address} -> ${a.address} on ${a.network}`);
      else if (a.address) out.push(`${c.name} got ${a.address} on ${a.network}`);
      else out.push(`${c.name} released ${was.address} on ${a.network}`);
    }
    if (was && was.aliases.join() !== a.aliases.join())
      out.push(`${c.name} aliases on ${a.network}: ${a.aliases.join(',') || 'none'}`);
  }
  for (const a of old.attachments) if (!newAtt.has(a.network)) out.push(`${name} left ${a.network}`);
  const oldPorts = new Set(old.ports.map(formatPort));
  const newPorts = new Set(c.ports.map(formatPort));
  const opened = [...newPorts].filter((p) => !oldPorts.has(p));
  const closed = [...oldPorts].filter((p) => !newPorts.has(p));
  if (opened.length) out.push(`${c.name} publishes ${opened.join(' ')}`);
  if (closed.length) out.push(`${c.name} no longer publishes ${closed.join(' ')}`);
  return out;
}

/** The one line, or null when the topology did not change. */
export function whatChanged(before: Topology, after: Topology, max = CHANGE_LINE_MAX): string | null {
  const changes = topologyChanges(before, after);
  if (changes.length === 0) return null;
  let line = 'Topology changed: ';
  for (let i = 0; i < changes.length; i++) {
    const sep = i === 0 ? '' : '; ';
    const more = changes.length - i;
    const next = `${sep}${changes[i]}`;
    if ((line + next).length > max && i > 0) return `${line}; … (+${more} more)`;
    line += next;
  }
  return line;
}

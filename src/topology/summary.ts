/**
 * The topology as a short text for a chat message: one block per network with its containers,
 * addresses and published ports. Kept to about 25 lines; the picture carries the rest.
 */
import {
  ipv4Subnet,
  isRunning,
  type TopoContainer,
  type Topology,
  type TopoNetwork,
  type TopoPort,
  visibleNetworks,
} from './model.ts';

/** Longest summary, in lines (chat clients fold longer messages). */
export const SUMMARY_MAX_LINES = 25;

export function formatPort(p: TopoPort): string {
  const host =
    p.hostIp === '0.0.0.0' || p.hostIp === ''
      ? ''
      : p.hostIp.includes(':')
        ? `[${p.hostIp}]:`
        : `${p.hostIp}:`;
  return `${host}${p.hostPort}->${p.containerPort}/${p.proto}`;
}

/** What a network is, in a few words: `bridge 172.18.0.0/16 gw 172.18.0.1, internal`. */
export function describeNetwork(n: TopoNetwork): string {
  const parts: string[] = [];
  if (n.defaultBridge) parts.push('default bridge');
  else parts.push(n.driver === 'null' ? 'none' : n.driver);
  const v4 = ipv4Subnet(n);
  if (v4) parts.push(v4.gateway ? `${v4.subnet} gw ${v4.gateway}` : v4.subnet);
  const flags: string[] = [];
  if (n.internal) flags.push('internal');
  if (n.attachable && n.scope === 'swarm') flags.push('attachable');
  if (n.ingress) flags.push('ingress');
  if (n.scope === 'swarm') flags.push('swarm');
  return [parts.join(' '), ...flags].join(', ');
}

/** A one-clause lesson for the network kinds that behave differently. */
function networkNote(n: TopoNetwork): string {
  if (n.defaultBridge) return 'addresses only, no DNS';
  if (n.driver === 'host') return "the host's own network";
  if (n.driver === 'null') return 'loopback only';
  if (n.internal) return 'no way out';
  return '';
}

interface Row {
  name: string;
  address: string;
  detail: string;
}

function rowsFor(t: Topology, n: TopoNetwork): Row[] {
  const rows: Row[] = [];
  for (const c of t.containers) {
    const a = c.attachments.find((x) => x.network === n.name);
    if (!a) continue;
    const details: string[] = [];
    if (!isRunning(c)) details.push(`(${c.state})`);
    if (a.aliases.length) details.push(`aka ${a.aliases.join(',')}`);
    if (c.ports.length && (n.driver === 'host' || isFirstPortNetwork(c, n))) {
      details.push(c.ports.map(formatPort).join(' '));
    }
    if (n.driver === 'host' && isRunning(c)) details.push("uses the host's ports");
    rows.push({ name: c.name, address: a.address || '-', detail: details.join(' ') });
  }
  return rows;
}

/** Ports are shown once, on the container's first network, not repeated on each. */
function isFirstPortNetwork(c: TopoContainer, n: TopoNetwork): boolean {
  return c.attachments[0]?.network === n.name;
}

/**
 * The summary text: a header, then each network with one row per container. When that is longer
 * than `maxLines`, each network becomes one line (`name: c1 .2, c2 .3`), and networks past the
 * limit are counted instead of shown.
 */
export function summarize(t: Topology, maxLines = SUMMARY_MAX_LINES): string {
  const nets = visibleNetworks(t);
  const running = t.containers.filter(isRunning).length;
  const header = `${t.host.name}${t.host.address ? ` (${t.host.address})` : ''}: ${plural(nets.length, 'network')}, ${plural(t.containers.length, 'container')} (${running} running)`;
  const blocks = nets.map((n) => {
    const note = networkNote(n);
    return { title: `${n.name}: ${describeNetwork(n)}${note ? ` (${note})` : ''}`, rows: rowsFor(t, n) };
  });
  const loose = t.containers.filter((c) => c.attachments.length === 0).map((c) => c.name);
  const tail = loose.length ? [`not on any network: ${loose.join(', ')}`] : [];

  const detailed = [header];
  const widthName = Math.max(0, ...blocks.flatMap((b) => b.rows.map((r) => r.name.length)));
  const widthAddr = Math.max(0, ...blocks.flatMap((b) => b.rows.map((r) => r.address.length)));
  for (const b of blocks) {
    detailed.push(b.rows.length ? b.title : `${b.title}: empty`);
    for (const r of b.rows) {
      detailed.push(`  ${r.name.padEnd(widthName)}  ${r.address.padEnd(widthAddr)}  ${r.detail}`.trimEnd());
    }
  }
  detailed.push(...tail);
  if (detailed.length <= maxLines) return detailed.join('\n');

  // Compact: one line a network, containers with the last part of their address.
  const compact = blocks.map((b) => {
    const members = b.rows.map(
      (r) => `${r.name} ${shortAddress(r.address)}${r.detail ? ` ${r.detail}` : ''}`,
    );
    return `${b.title}: ${members.length ? members.join(', ') : 'empty'}`;
  });
  const room = maxLines - 1 - tail.length;
  const lines = [header];
  if (compact.length <= room) lines.push(...compact);
  else
    lines.push(...compact.slice(0, room - 1), `… and ${plural(compact.length - (room - 1), 'more network')}`);
  lines.push(...tail);
  return lines.join('\n');
}

/** The dash that stands for "no address" in a row says nothing in a sentence. */
function shortAddress(address: string): string {
  return address === '-' ? '' : address;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

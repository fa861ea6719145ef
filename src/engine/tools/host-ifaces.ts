/**
 * The sandbox host's network interfaces (lo, docker0, a br-* per user bridge, a veth per container
 * endpoint, eth0) as busybox `ip` prints them: shared by the host's own `ip` and by containers
 * that run in the host's network namespace (`--network host`).
 */
import type { Engine } from '../engine.ts';
import { broadcastOf, formatIp, networkOf, parseCidr } from '../ipam.ts';
import type { NetworkRecord } from '../model/state.ts';

/** The host's interfaces: lo, docker0, a br-* per user bridge network, a veth per container endpoint, eth0. */
export interface HostIface {
  index: number;
  name: string;
  flags: string;
  master?: string;
  mac: string;
  inet?: string;
  prefix?: number;
}

export const bridgeName = (nw: NetworkRecord) =>
  nw.name === 'bridge' ? 'docker0' : (nw.bridgeName ?? `br-${nw.id.slice(0, 12)}`);

export function localBridges(engine: Engine): NetworkRecord[] {
  return engine.state.networks.filter((n) => n.driver === 'bridge' && !n.configOnly);
}

export function bridgeAddress(nw: NetworkRecord): { ip: string; prefix: number } | null {
  const v4 = nw.ipam.find((c) => !c.subnet.includes(':'));
  if (!v4) return null;
  const cidr = parseCidr(v4.subnet);
  if (!cidr) return null;
  return { ip: v4.gateway || formatIp(networkOf(cidr) + 1n, false), prefix: cidr.prefix };
}

/** A stable pseudo-MAC for host-side interfaces (real ones are random). */
function pseudoMac(seed: string, local: boolean): string {
  let h = 2166136261;
  for (const ch of seed) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  const b = [h & 255, (h >> 8) & 255, (h >> 16) & 255, (h >> 24) & 255];
  const hex = (n: number) => n.toString(16).padStart(2, '0');
  return local
    ? `02:42:${b.map(hex).join(':')}`
    : `${hex((b[0]! & 0xfc) | 2)}:${b.map(hex).join(':')}:${hex(b[1]! ^ b[2]!)}`.slice(0, 17);
}

export function hostIfaces(engine: Engine): HostIface[] {
  const d = engine.state.daemon;
  const out: HostIface[] = [];
  const used = new Set<number>();
  const veths: HostIface[] = [];
  for (const c of engine.state.containers) {
    if (c.status !== 'running') continue;
    for (const ep of c.endpoints) {
      const nw = engine.state.networks.find((n) => n.id === ep.networkId);
      if (nw?.driver !== 'bridge' || ep.ifIndex === undefined) continue;
      used.add(ep.ifIndex);
      used.add(ep.ifIndex + 1);
      veths.push({
        index: ep.ifIndex + 1,
        name: `veth${ep.endpointId.slice(0, 7)}@if${ep.ifIndex}`,
        flags: '<BROADCAST,MULTICAST,UP,LOWER_UP,M-DOWN>',
        master: bridgeName(nw),
        mac: pseudoMac(ep.endpointId, false),
      });
    }
  }
  // Bridges took the kernel indexes containers' veth pairs did not: lowest free, in creation order.
  let next = 3;
  for (const nw of localBridges(engine)) {
    const addr = bridgeAddress(nw);
    let index = 2;
    if (nw.name !== 'bridge') {
      while (used.has(next)) next++;
      index = next++;
    }
    const hasPorts = veths.some((v) => v.master === bridgeName(nw));
    out.push({
      index,
      name: bridgeName(nw),
      flags: hasPorts ? '<BROADCAST,MULTICAST,UP,LOWER_UP>' : '<NO-CARRIER,BROADCAST,MULTICAST,UP>',
      mac: pseudoMac(nw.id, true),
      ...(addr ? { inet: addr.ip, prefix: addr.prefix } : {}),
    });
  }
  out.push(...veths);
  out.sort((a, b) => a.index - b.index);
  return [
    {
      index: 1,
      name: 'lo',
      flags: '<LOOPBACK,UP,LOWER_UP>',
      mac: '00:00:00:00:00:00',
      inet: '127.0.0.1',
      prefix: 8,
    },
    ...out,
    {
      index: 1151,
      name: 'eth0@if1152',
      flags: '<BROADCAST,MULTICAST,UP,LOWER_UP,M-DOWN>',
      mac: d.hostMac,
      inet: d.hostIp,
      prefix: d.hostPrefix,
    },
  ];
}

export function ifaceText(i: HostIface, opts: { addr: boolean; v4only: boolean }): string {
  const base = i.name.split('@')[0]!;
  const qlen = i.name === 'lo' ? ' qlen 1000' : ' ';
  const mtu = i.name === 'lo' ? 65536 : 1500;
  let s = `${i.index}: ${i.name}: ${i.flags} mtu ${mtu} qdisc noqueue${i.master ? ` master ${i.master} ` : qlen}\n`;
  if (!opts.v4only) {
    s += `    link/${i.name === 'lo' ? 'loopback' : 'ether'} ${i.mac} brd ${i.name === 'lo' ? '00:00:00:00:00:00' : 'ff:ff:ff:ff:ff:ff'}\n`;
  }
  if (opts.addr && i.inet) {
    const cidr = parseCidr(`${i.inet}/${i.prefix}`)!;
    const brd = i.name === 'lo' ? '' : ` brd ${formatIp(broadcastOf(cidr), false)}`;
    s += `    inet ${i.inet}/${i.prefix}${brd} scope ${i.name === 'lo' ? 'host' : 'global'} ${base}\n`;
    s += '       valid_lft forever preferred_lft forever\n';
  }
  return s;
}

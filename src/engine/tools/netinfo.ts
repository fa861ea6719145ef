/**
 * What a running container sees of the network, derived from the model: its interfaces and
 * routes, its /etc/hosts and /etc/resolv.conf, name resolution (hosts file, then Docker's
 * embedded DNS on user-defined networks) and whether a packet to an address arrives.
 */
import type { Engine } from '../engine.ts';
import { broadcastOf, formatIp, networkOf, parseCidr, parseIp } from '../ipam.ts';
import type { ContainerRecord, EndpointRecord, ListenerRecord, NetworkRecord } from '../model/state.ts';
import { serviceDnsLookup } from '../ops/service-dns.ts';

export interface Iface {
  name: string;
  index: number;
  peer: number;
  mac: string;
  ipv4: string;
  prefix: number;
  ipv6: string;
  ipv6Prefix: number;
  gateway: string;
  network: NetworkRecord;
  endpoint: EndpointRecord;
}

const netById = (engine: Engine, id: string) => engine.state.networks.find((n) => n.id === id);

/** The container that owns the network namespace (`--network container:x` shares x's). */
export function netnsOwner(engine: Engine, c: ContainerRecord): ContainerRecord {
  const mode = c.hostConfig.networkMode;
  if (!mode.startsWith('container:')) return c;
  const t = mode.slice(10);
  const target = engine.state.containers.find((o) => o.id === t || o.name === t || o.id.startsWith(t));
  return target && target !== c ? netnsOwner(engine, target) : c;
}

export function isHostMode(engine: Engine, c: ContainerRecord): boolean {
  return netnsOwner(engine, c).hostConfig.networkMode === 'host';
}

export function interfaces(engine: Engine, c: ContainerRecord): Iface[] {
  const owner = netnsOwner(engine, c);
  const out: Iface[] = [];
  for (const ep of owner.endpoints) {
    const nw = netById(engine, ep.networkId);
    if (!nw || !ep.ifName || !ep.ipv4) continue;
    out.push({
      name: ep.ifName,
      index: ep.ifIndex ?? 0,
      peer: (ep.ifIndex ?? 0) + 1,
      mac: ep.mac,
      ipv4: ep.ipv4,
      prefix: ep.ipv4Prefix,
      ipv6: ep.ipv6,
      ipv6Prefix: ep.ipv6Prefix,
      gateway: ep.gateway || defaultGateway(nw),
      network: nw,
      endpoint: ep,
    });
  }
  const g = owner.gatewayIface;
  const gwNet = engine.state.networks.find((n) => n.name === 'docker_gwbridge');
  if (g && gwNet) {
    out.push({
      name: g.ifName,
      index: g.ifIndex,
      peer: g.ifIndex + 1,
      mac: g.mac,
      ipv4: g.ipv4,
      prefix: g.prefix,
      ipv6: '',
      ipv6Prefix: 0,
      gateway: g.gateway,
      network: gwNet,
      endpoint: {
        networkId: gwNet.id,
        endpointId: g.endpointId,
        ipv4: g.ipv4,
        ipv4Prefix: g.prefix,
        gateway: g.gateway,
        ipv6: '',
        ipv6Prefix: 0,
        ipv6Gateway: '',
        mac: g.mac,
        aliases: [],
        links: [],
        dnsNames: [],
      },
    });
  }
  return out.sort((a, b) => a.index - b.index);
}

/** Containers get a route via the subnet's first address even when the network shows no Gateway. */
function defaultGateway(nw: NetworkRecord): string {
  const v4 = nw.ipam.find((cfg) => !cfg.subnet.includes(':'));
  if (!v4) return '';
  if (v4.gateway) return v4.gateway;
  const cidr = parseCidr(v4.subnet);
  return cidr ? formatIp(networkOf(cidr) + 1n, false) : '';
}

/** The interface of the default route: non-internal networks first, then by network name. */
export function defaultRouteIface(ifaces: Iface[]): Iface | undefined {
  // Overlay endpoints never carry the default route: docker_gwbridge does, or another network
  // the container was on when it joined the overlay.
  const candidates = ifaces.filter((i) => i.network.driver !== 'overlay');
  return [...candidates].sort((a, b) => {
    if (a.network.internal !== b.network.internal) return a.network.internal ? 1 : -1;
    return a.network.name < b.network.name ? -1 : a.network.name > b.network.name ? 1 : 0;
  })[0];
}

export function subnetOf(iface: Iface): string {
  const cidr = parseCidr(`${iface.ipv4}/${iface.prefix}`)!;
  return `${formatIp(networkOf(cidr), false)}/${iface.prefix}`;
}

export function broadcast(iface: Iface): string {
  return formatIp(broadcastOf(parseCidr(`${iface.ipv4}/${iface.prefix}`)!), false);
}

const HOSTS_HEAD = [
  '127.0.0.1\tlocalhost',
  '::1\tlocalhost ip6-localhost ip6-loopback',
  'fe00::0\tip6-localnet',
  'ff00::0\tip6-mcastprefix',
  'ff02::1\tip6-allnodes',
  'ff02::2\tip6-allrouters',
];

/** /etc/hosts as the daemon writes it. */
export function hostsFile(engine: Engine, c: ContainerRecord): string {
  const owner = netnsOwner(engine, c);
  // `--network container:x` uses x's files.
  if (owner !== c) return hostsFile(engine, owner);
  if (owner.hostConfig.networkMode === 'host') {
    return `${[...HOSTS_HEAD, `${engine.state.daemon.hostIp}\t${engine.state.daemon.hostname}`].join('\n')}\n`;
  }
  const lines = [...HOSTS_HEAD];
  for (const h of c.hostConfig.extraHosts) {
    const i = h.indexOf(':');
    // `host-gateway` is the daemon's host-gateway-ip: docker0's address by default.
    const ip = h.slice(i + 1) === 'host-gateway' ? '172.17.0.1' : h.slice(i + 1);
    lines.push(`${ip}\t${h.slice(0, i)}`);
  }
  for (const link of linkEntries(engine, c)) lines.push(`${link.ip}\t${link.names.join(' ')}`);
  // One line for the container's own name per network it joined, in the order it joined them.
  const host = c.domainname ? `${c.hostname}.${c.domainname}\t${c.hostname}` : c.hostname;
  for (const ip of c.hostsIps ?? ownHostsIps(engine, c)) lines.push(`${ip}\t${host}`);
  return `${lines.join('\n')}\n`;
}

/** The addresses the daemon writes for the container's own name: one per network it is on now. */
export function ownHostsIps(engine: Engine, c: ContainerRecord): string[] {
  // The routing mesh's ingress address and docker_gwbridge's are not the container's names.
  return interfaces(engine, netnsOwner(engine, c))
    .filter((i) => !i.network.ingress && i.network.name !== 'docker_gwbridge')
    .flatMap((i) => (i.ipv6 ? [i.ipv4, i.ipv6] : [i.ipv4]));
}

/** Legacy links (`--link db:alias`): alias, the target's short ID and its name, at its bridge IP. */
export function linkEntries(
  engine: Engine,
  c: ContainerRecord,
): Array<{ ip: string; names: string[]; target: ContainerRecord; alias: string }> {
  const out = [];
  for (const link of c.hostConfig.links) {
    const m = /^\/([^:]+):\/[^/]+\/(.+)$/.exec(link);
    if (!m) continue;
    const target = engine.state.containers.find((x) => x.name === m[1]);
    if (!target) continue;
    const ep = target.endpoints.find((e) => netById(engine, e.networkId)?.name === 'bridge');
    const ip = ep?.ipv4 ?? '';
    if (!ip) continue;
    const names =
      m[2] === target.name ? [m[2]!, target.id.slice(0, 12)] : [m[2]!, target.id.slice(0, 12), target.name];
    out.push({ ip, names, target, alias: m[2]! });
  }
  return out;
}

/**
 * Does the container use Docker's embedded DNS (127.0.0.11)? Once started for a run (at start or
 * when a user-defined network joined), it stays; otherwise only on user-defined networks.
 */
export function usesEmbeddedDns(engine: Engine, c: ContainerRecord): boolean {
  const owner = netnsOwner(engine, c);
  return owner.embeddedDns ?? needsEmbeddedDns(engine, owner);
}

/** Does the daemon start the embedded DNS for `c` now (at start: it is on a user-defined network)? */
export function needsEmbeddedDns(engine: Engine, c: ContainerRecord): boolean {
  const owner = netnsOwner(engine, c);
  const mode = owner.hostConfig.networkMode;
  if (mode === 'host' || mode === 'none') return false;
  return owner.endpoints.some((ep) => {
    const nw = netById(engine, ep.networkId);
    return nw !== undefined && !nw.predefined;
  });
}

/** /etc/resolv.conf: the embedded DNS on user networks, else the host's copy or `--dns`. */
export function resolvConf(engine: Engine, c: ContainerRecord): string {
  const owner = netnsOwner(engine, c);
  if (owner !== c) return resolvConf(engine, owner);
  const hc = c.hostConfig;
  const lines: string[] = [];
  if (hc.dnsSearch.length) lines.push(`search ${hc.dnsSearch.join(' ')}`);
  if (usesEmbeddedDns(engine, c)) {
    lines.push('nameserver 127.0.0.11');
    // The embedded DNS wants ndots:0 unless the user set ndots.
    const opts = hc.dnsOptions.some((o) => o.startsWith('ndots:'))
      ? hc.dnsOptions
      : [...hc.dnsOptions, 'ndots:0'];
    lines.push(`options ${opts.join(' ')}`);
    return `${lines.join('\n')}\n`;
  }
  const host = netnsOwner(engine, c).hostConfig.networkMode === 'host';
  if (!hc.dns.length && !hc.dnsSearch.length && !hc.dnsOptions.length) {
    // The sandbox host resolves through its own embedded DNS; containers get its copy without
    // the loopback nameserver, which Docker replaces with public resolvers.
    if (host) return 'nameserver 127.0.0.11\noptions ndots:0\n';
    return 'options ndots:0\n\nnameserver 8.8.8.8\nnameserver 8.8.4.4\n';
  }
  for (const ns of hc.dns.length ? hc.dns : host ? ['127.0.0.11'] : ['8.8.8.8', '8.8.4.4']) {
    lines.push(`nameserver ${ns}`);
  }
  lines.push(`options ${hc.dnsOptions.length ? hc.dnsOptions.join(' ') : 'ndots:0'}`);
  return `${lines.join('\n')}\n`;
}

/** Names from /etc/hosts. */
function hostsLookup(engine: Engine, c: ContainerRecord, name: string): string | null {
  for (const line of hostsFile(engine, c).split('\n')) {
    const [ip, ...names] = line.split(/\s+/);
    if (ip && names.includes(name) && !ip.includes(':')) return ip;
  }
  return null;
}

/** Docker's embedded DNS: names, aliases and links on the user-defined networks `c` is on. */
export function embeddedDnsLookup(engine: Engine, c: ContainerRecord, name: string): string | null {
  return embeddedDnsLookupAll(engine, c, name)[0] ?? null;
}

/** Every address the embedded DNS answers for `name` (`tasks.<service>` has one per task). */
export function embeddedDnsLookupAll(engine: Engine, c: ContainerRecord, name: string): string[] {
  const owner = netnsOwner(engine, c);
  const lower = name.toLowerCase().replace(/\.$/, '');
  for (const ep of owner.endpoints) {
    const nw = netById(engine, ep.networkId);
    if (nw?.scope !== 'swarm' || !ep.ipv4) continue;
    const found = serviceDnsLookup(engine.state, nw.id, lower);
    if (found) return found;
  }
  return containerDnsLookup(engine, owner, lower);
}

/**
 * libnetwork's `ResolveName` for containers: on each user-defined network the sandbox is on, in
 * order, links first, then names and aliases of running containers (every holder of a shared
 * alias answers). `name.network` asks that network alone.
 */
function containerDnsLookup(engine: Engine, owner: ContainerRecord, lower: string): string[] {
  for (const ep of owner.endpoints) {
    const nw = netById(engine, ep.networkId);
    if (!nw || nw.predefined || !ep.ipv4) continue;
    let want = lower;
    const suffix = `.${nw.name.toLowerCase()}`;
    if (lower.endsWith(suffix) && lower.length > suffix.length) want = lower.slice(0, -suffix.length);
    // Links on this network resolve first (`--link` on user networks adds an alias for the caller).
    for (const link of ep.links) {
      const [target, alias] = link.split(':');
      if ((alias ?? target)?.toLowerCase() === want || target?.toLowerCase() === want) {
        const t = engine.state.containers.find((x) => x.name === target);
        const tep = t?.endpoints.find((e) => e.networkId === nw.id && e.ipv4);
        if (tep) return [tep.ipv4];
      }
    }
    const found: string[] = [];
    for (const other of engine.state.containers) {
      if (other.status !== 'running' && other.status !== 'paused') continue;
      const oep = other.endpoints.find((e) => e.networkId === nw.id && e.ipv4);
      if (!oep) continue;
      const names = [other.name, ...oep.aliases, ...oep.dnsNames].map((n) => n.toLowerCase());
      if (names.includes(want)) found.push(oep.ipv4);
    }
    if (found.length) return found;
  }
  return [];
}

/** The embedded DNS's PTR answer for an address on the caller's networks: `name.network`. */
export function embeddedDnsReverse(engine: Engine, c: ContainerRecord, ip: string): string | null {
  const owner = netnsOwner(engine, c);
  for (const ep of owner.endpoints) {
    const nw = netById(engine, ep.networkId);
    if (!nw || nw.predefined || !ep.ipv4) continue;
    for (const other of engine.state.containers) {
      if (other.status !== 'running' && other.status !== 'paused') continue;
      if (other.endpoints.some((e) => e.networkId === nw.id && e.ipv4 === ip))
        return `${other.name}.${nw.name}`;
    }
  }
  return null;
}

export type Resolution = { ip: string } | { error: 'notfound' | 'timeout' };

/** getaddrinfo as a container sees it: hosts file, then its nameservers. */
export function resolve(engine: Engine, c: ContainerRecord, name: string): Resolution {
  if (parseIp(name)) return { ip: name };
  const fromHosts = hostsLookup(engine, c, name);
  if (fromHosts) return { ip: fromHosts };
  // musl's res_mkquery refuses a name with an empty label or one over 63 bytes: no query is sent.
  if (
    name
      .replace(/\.$/, '')
      .split('.')
      .some((l) => l.length === 0 || l.length > 63)
  ) {
    return { error: 'notfound' };
  }
  if (usesEmbeddedDns(engine, c)) {
    const ip = embeddedDnsLookup(engine, c, name);
    return ip ? { ip } : { error: 'notfound' };
  }
  // Public resolvers are out of reach from the sandbox.
  return { error: 'timeout' };
}

export type Reach =
  | { kind: 'ok'; target: ContainerRecord | null }
  | { kind: 'unreachable' }
  | { kind: 'lost' };

/** Whether a packet from `c` to `ip` arrives, and at which container (null: a gateway or the host). */
export function reach(engine: Engine, c: ContainerRecord, ip: string): Reach {
  if (ip.startsWith('127.')) return { kind: 'ok', target: c };
  const owner = netnsOwner(engine, c);
  if (owner.hostConfig.networkMode === 'host') {
    if (ip === engine.state.daemon.hostIp) return { kind: 'ok', target: null };
    const target = containerAt(engine, ip, null);
    if (target) return { kind: 'ok', target };
    for (const nw of engine.state.networks)
      if (nw.ipam.some((cfg) => cfg.gateway === ip)) return { kind: 'ok', target: null };
    return { kind: 'lost' };
  }
  const ifaces = interfaces(engine, owner);
  if (ifaces.length === 0) return { kind: 'unreachable' };
  const v6 = parseIp(ip);
  if (v6?.v6) return reach6(engine, owner, ifaces, ip, v6.addr);
  for (const i of ifaces) {
    if (i.ipv4 === ip) return { kind: 'ok', target: owner };
    if (i.gateway === ip) return { kind: 'ok', target: null };
    const cidr = parseCidr(subnetOf(i))!;
    const parsed = parseIp(ip);
    if (parsed && !parsed.v6 && parsed.addr >= networkOf(cidr) && parsed.addr <= broadcastOf(cidr)) {
      const target = containerAt(engine, ip, i.network.id);
      if (!target) return { kind: 'lost' };
      // Default bridge with inter-container communication off drops container traffic.
      if (i.network.options['com.docker.network.bridge.enable_icc'] === 'false') return { kind: 'lost' };
      // macvlan `private` mode forwards nothing between its own sub-interfaces (184).
      if (i.network.driver === 'macvlan' && i.network.options.macvlan_mode === 'private')
        return { kind: 'lost' };
      return { kind: 'ok', target };
    }
  }
  const gw = defaultRouteIface(ifaces);
  if (!gw) return { kind: 'unreachable' };
  // Through the gateway: the sandbox host and other bridges' gateways answer; containers on other
  // networks are isolated by Docker's iptables rules. Bridge addresses are delivered locally, not
  // forwarded, so even an internal network reaches every bridge's gateway (176); the sandbox's
  // eth0 address is forwarded (ttl 63), which the internal network's DROP rule stops (101, 112).
  if (isBridgeGateway(engine, ip)) return { kind: 'ok', target: null };
  if (gw.network.internal) return { kind: 'lost' };
  return ip === engine.state.daemon.hostIp ? { kind: 'ok', target: null } : { kind: 'lost' };
}

/** `reach` for an IPv6 address: the interfaces' own v6 subnets and their gateways. */
function reach6(
  engine: Engine,
  owner: ContainerRecord,
  ifaces: ReturnType<typeof interfaces>,
  ip: string,
  addr: bigint,
): Reach {
  if (addr === 1n) return { kind: 'ok', target: owner };
  for (const i of ifaces) {
    if (!i.ipv6) continue;
    const own = parseIp(i.ipv6);
    if (own?.addr === addr) return { kind: 'ok', target: owner };
    const gw = parseIp(i.endpoint.ipv6Gateway ?? '');
    if (gw?.addr === addr) return { kind: 'ok', target: null };
    const bits = BigInt(128 - i.ipv6Prefix);
    if (own && own.addr >> bits === addr >> bits) {
      for (const other of engine.state.containers) {
        if (other.status !== 'running') continue;
        const ep = other.endpoints.find((e) => e.networkId === i.network.id && e.ipv6);
        if (ep && parseIp(ep.ipv6)?.addr === addr) return { kind: 'ok', target: other };
      }
      return { kind: 'lost' };
    }
  }
  if (isBridgeGateway(engine, ip)) return { kind: 'ok', target: null };
  return ifaces.some((i) => i.endpoint.ipv6Gateway) ? { kind: 'lost' } : { kind: 'unreachable' };
}

/** An address of one of Docker's bridges on the sandbox host (docker0's 172.17.0.1, br-…'s). */
function isBridgeGateway(engine: Engine, ip: string): boolean {
  return engine.state.networks.some(
    (nw) => nw.driver === 'bridge' && nw.ipam.some((cfg) => (cfg.effectiveGateway ?? cfg.gateway) === ip),
  );
}

function containerAt(engine: Engine, ip: string, networkId: string | null): ContainerRecord | null {
  for (const other of engine.state.containers) {
    if (other.status !== 'running') continue;
    for (const ep of other.endpoints) {
      if (ep.ipv4 === ip && (networkId === null || ep.networkId === networkId)) return other;
    }
  }
  return null;
}

export type Connect =
  | { kind: 'ok'; listener: ListenerRecord; server: ContainerRecord }
  | { kind: 'refused' }
  | { kind: 'timeout' }
  | { kind: 'unreachable' };

/** A TCP connection from `c` to ip:port. */
export function connect(engine: Engine, c: ContainerRecord, ip: string, port: number): Connect {
  const r = reach(engine, c, ip);
  if (r.kind === 'unreachable') return { kind: 'unreachable' };
  if (r.kind === 'lost') return { kind: 'timeout' };
  let server = r.target;
  const hostIp = engine.state.daemon.hostIp;
  // A host-mode container's loopback is the sandbox host's own.
  const hostLoopback = ip.startsWith('127.') && isHostMode(engine, netnsOwner(engine, c));
  if (hostLoopback || (!server && (ip === hostIp || isBridgeGateway(engine, ip)))) {
    // The sandbox host itself: what host-mode containers serve, and published ports.
    for (const other of engine.state.containers) {
      if (other.status !== 'running' || !isHostMode(engine, other)) continue;
      const l = other.listeners?.find((x) => x.port === port && x.proto === 'tcp');
      if (l) return { kind: 'ok', listener: l, server: other };
    }
    // Recorded: a container on a user-defined bridge is refused on the host's eth0 address
    // (docker0's containers were not recorded; they keep reaching published ports there).
    const via = defaultRouteIface(interfaces(engine, netnsOwner(engine, c)));
    if (ip === hostIp && via && !via.network.predefined) return { kind: 'refused' };
    for (const other of engine.state.containers) {
      if (other.status !== 'running') continue;
      for (const [p, list] of Object.entries(other.boundPorts ?? {})) {
        if (!p.endsWith('/tcp')) continue;
        if (list.some((b) => b.hostPort === String(port) && (b.hostIp === '0.0.0.0' || b.hostIp === ip))) {
          const inner = Number(p.split('/')[0]);
          const l = netnsOwner(engine, other).listeners?.find((x) => x.port === inner && x.proto === 'tcp');
          if (l) return { kind: 'ok', listener: l, server: other };
          return { kind: 'refused' };
        }
      }
    }
    return { kind: 'refused' };
  }
  if (!server) return { kind: 'refused' };
  server = netnsOwner(engine, server);
  const sharing = engine.state.containers.filter(
    (x) => x.status === 'running' && netnsOwner(engine, x) === server,
  );
  for (const s of sharing) {
    const l = s.listeners?.find((x) => x.port === port && x.proto === 'tcp');
    if (l) return { kind: 'ok', listener: l, server: s };
  }
  return { kind: 'refused' };
}

/** One IPv4 route of a network namespace's main table (what `ip route` and `route` list). */
export interface Route {
  /** Network address; `0.0.0.0` with prefix 0 for the default route. */
  dest: string;
  prefix: number;
  /** The next hop, '' for a directly connected subnet. */
  gateway: string;
  dev: string;
  /** Preferred source of a connected route ('' for the default route). */
  src: string;
}

const ipNum = (ip: string) => parseIp(ip)?.addr ?? 0n;

/**
 * The IPv4 main table of `c`'s namespace: the default route first, then one connected route per
 * subnet, by address. In host mode it is the sandbox host's: eth0's link and one per Docker bridge.
 */
export function ipv4Routes(engine: Engine, c: ContainerRecord): Route[] {
  const out: Route[] = [];
  const links: Route[] = [];
  if (isHostMode(engine, c)) {
    const d = engine.state.daemon;
    out.push({ dest: '0.0.0.0', prefix: 0, gateway: d.hostGateway, dev: 'eth0', src: '' });
    const own = parseCidr(`${d.hostIp}/${d.hostPrefix}`)!;
    links.push({
      dest: formatIp(networkOf(own), false),
      prefix: d.hostPrefix,
      gateway: '',
      dev: 'eth0',
      src: d.hostIp,
    });
    for (const nw of engine.state.networks) {
      if (nw.driver !== 'bridge' || !nw.bridgeName) continue;
      const v4 = nw.ipam.find((cfg) => !cfg.subnet.includes(':'));
      const gw = v4?.effectiveGateway ?? v4?.gateway;
      const cidr = v4 ? parseCidr(v4.subnet) : null;
      if (!gw || !cidr) continue;
      links.push({
        dest: formatIp(networkOf(cidr), false),
        prefix: cidr.prefix,
        gateway: '',
        dev: nw.bridgeName,
        src: gw,
      });
    }
  } else {
    const all = interfaces(engine, c);
    const gw = defaultRouteIface(all);
    if (gw) out.push({ dest: '0.0.0.0', prefix: 0, gateway: gw.gateway, dev: gw.name, src: '' });
    for (const i of all) {
      const [dest] = subnetOf(i).split('/');
      links.push({ dest: dest!, prefix: i.prefix, gateway: '', dev: i.name, src: i.ipv4 });
    }
  }
  links.sort((a, b) => (ipNum(a.dest) < ipNum(b.dest) ? -1 : ipNum(a.dest) > ipNum(b.dest) ? 1 : 0));
  return [...out, ...links];
}

/**
 * Packets between `c` and a container on one of its subnets leave an entry in both neighbour
 * tables (the ARP request teaches the answerer the asker's address too).
 */
export function noteNeighbour(engine: Engine, c: ContainerRecord, ip: string): void {
  const owner = netnsOwner(engine, c);
  if (isHostMode(engine, owner)) return;
  const parsed = parseIp(ip);
  if (!parsed || parsed.v6) return;
  for (const i of interfaces(engine, owner)) {
    if (i.ipv4 === ip) return;
    const cidr = parseCidr(subnetOf(i))!;
    if (parsed.addr < networkOf(cidr) || parsed.addr > broadcastOf(cidr)) continue;
    const peer = containerAt(engine, ip, i.network.id);
    if (!peer) return;
    const add = (who: ContainerRecord, addr: string, ifName: string) => {
      who.neighbours ??= [];
      if (!who.neighbours.some((n) => n.ip === addr && n.ifName === ifName))
        who.neighbours.push({ ip: addr, ifName });
    };
    add(owner, ip, i.name);
    const back = interfaces(engine, netnsOwner(engine, peer)).find((p) => p.network.id === i.network.id);
    if (back) add(netnsOwner(engine, peer), i.ipv4, back.name);
    return;
  }
}

/** The neighbour table as the kernel holds it: entries whose peer still has the address. */
export function neighbours(
  engine: Engine,
  c: ContainerRecord,
): Array<{ ip: string; mac: string; ifName: string }> {
  const owner = netnsOwner(engine, c);
  const out = [];
  for (const n of owner.neighbours ?? []) {
    const iface = interfaces(engine, owner).find((i) => i.name === n.ifName);
    if (!iface) continue;
    const peer = containerAt(engine, n.ip, iface.network.id);
    const ep = peer?.endpoints.find((e) => e.networkId === iface.network.id && e.ipv4 === n.ip);
    if (ep) out.push({ ip: n.ip, mac: ep.mac, ifName: n.ifName });
  }
  return out;
}

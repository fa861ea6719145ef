/**
 * The topology model: what a student's sandbox looks like as a network picture. Built the same
 * way from the simulator's state and from a real daemon's inspect JSON, so the summary, the
 * reachability answers and the diagram never know which backend they came from.
 *
 * Everything is sorted (networks, containers, attachments, ports) so the same sandbox always
 * gives the same model, the same text and the same picture, byte for byte.
 */

export interface Topology {
  host: TopoHost;
  networks: TopoNetwork[];
  containers: TopoContainer[];
}

/** The sandbox host the daemon runs on; published ports live on it. */
export interface TopoHost {
  name: string;
  /** Its own address (eth0), when known. */
  address: string;
}

export interface TopoSubnet {
  subnet: string;
  /** Empty when Docker shows none (an explicit `--subnet` without `--gateway`). */
  gateway: string;
}

export interface TopoNetwork {
  id: string;
  name: string;
  driver: string;
  scope: string;
  /** IPv4 first, then IPv6, in the order the network has them. */
  subnets: TopoSubnet[];
  internal: boolean;
  attachable: boolean;
  ingress: boolean;
  /** The default `bridge` network: no DNS between containers, only addresses (and `--link`). */
  defaultBridge: boolean;
}

export interface TopoAttachment {
  /** Network name. */
  network: string;
  /** IPv4 address without prefix; empty while the container is not running or on host/none. */
  address: string;
  prefix: number;
  ipv6: string;
  /** The container's default gateway on this network (the host's address on a bridge). */
  gateway: string;
  /** Extra names the embedded DNS answers for on this network (`--network-alias`, compose services). */
  aliases: string[];
}

export interface TopoPort {
  containerPort: number;
  proto: 'tcp' | 'udp' | 'sctp';
  hostIp: string;
  hostPort: number;
}

/** `--link` on the default bridge: `alias` in the container's /etc/hosts points at `target`. */
export interface TopoLink {
  target: string;
  alias: string;
}

export interface TopoContainer {
  id: string;
  name: string;
  image: string;
  /** Docker's state word: created, running, paused, restarting, removing, exited, dead. */
  state: string;
  /** `HostConfig.NetworkMode`: default, bridge, host, none, a network name, `container:<id>`. */
  networkMode: string;
  attachments: TopoAttachment[];
  /** Ports bound on the host right now (empty unless running). */
  ports: TopoPort[];
  links: TopoLink[];
}

/** Only a running container answers: a paused one keeps its address but not its voice. */
export function isRunning(c: TopoContainer): boolean {
  return c.state === 'running';
}

export function networkNamed(t: Topology, name: string): TopoNetwork | undefined {
  return t.networks.find((n) => n.name === name);
}

export function containerNamed(t: Topology, term: string): TopoContainer | undefined {
  const name = term.startsWith('/') ? term.slice(1) : term;
  return (
    t.containers.find((c) => c.name === name) ??
    (name.length >= 3 ? t.containers.find((c) => c.id.startsWith(name)) : undefined)
  );
}

/** The networks that show in a picture: predefined host/none only when something uses them. */
export function visibleNetworks(t: Topology): TopoNetwork[] {
  return t.networks.filter(
    (n) =>
      !(n.driver === 'host' || n.driver === 'null') ||
      t.containers.some((c) => c.attachments.some((a) => a.network === n.name)),
  );
}

/** The first IPv4 subnet, as `172.18.0.0/16`, or empty. */
export function ipv4Subnet(n: TopoNetwork): TopoSubnet | undefined {
  return n.subnets.find((s) => !s.subnet.includes(':'));
}

/**
 * The host's address on a network: the configured gateway, else what a running container was
 * given, else the subnet's first address (what Docker picks when `--subnet` came without one).
 */
export function effectiveGateway(t: Topology, n: TopoNetwork): string {
  const v4 = ipv4Subnet(n);
  if (!v4) return '';
  if (v4.gateway) return v4.gateway;
  for (const c of t.containers) {
    const a = c.attachments.find((x) => x.network === n.name && x.gateway);
    if (a) return a.gateway;
  }
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(v4.subnet);
  if (!m) return '';
  const prefix = Number(m[5]);
  const base = m.slice(1, 5).reduce((acc, o) => acc * 256 + Number(o), 0);
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  const first = ((base & mask) >>> 0) + 1;
  return [24, 16, 8, 0].map((sh) => (first >>> sh) & 255).join('.');
}

const byName = <T extends { name: string }>(a: T, b: T) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** Puts a model in its canonical order; sources call it last. */
export function normalize(t: Topology): Topology {
  const networks = [...t.networks].sort(byName);
  const containers = [...t.containers].sort(byName).map((c) => ({
    ...c,
    attachments: [...c.attachments]
      .map((a) => ({ ...a, aliases: [...new Set(a.aliases)].sort() }))
      .sort((a, b) => (a.network < b.network ? -1 : a.network > b.network ? 1 : 0)),
    ports: dedupePorts(c.ports).sort(
      (a, b) =>
        a.hostPort - b.hostPort ||
        a.containerPort - b.containerPort ||
        a.proto.localeCompare(b.proto) ||
        a.hostIp.localeCompare(b.hostIp),
    ),
    links: [...c.links].sort((a, b) => a.alias.localeCompare(b.alias)),
  }));
  return { host: t.host, networks, containers };
}

/**
 * Docker 20.10 binds each published port on 0.0.0.0 and on `::`; the student published it once,
 * so the IPv6 twin of an IPv4 wildcard binding is dropped.
 */
function dedupePorts(ports: TopoPort[]): TopoPort[] {
  const key = (p: TopoPort) => `${p.hostPort}/${p.proto}:${p.containerPort}`;
  const v4 = new Set(ports.filter((p) => p.hostIp === '0.0.0.0').map(key));
  const seen = new Set<string>();
  const out: TopoPort[] = [];
  for (const p of ports) {
    if (p.hostIp === '::' && v4.has(key(p))) continue;
    const k = `${p.hostIp}|${key(p)}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(p);
  }
  return out;
}

/** `80/tcp` -> port and protocol. */
export function parsePortKey(key: string): { port: number; proto: TopoPort['proto'] } | null {
  const m = /^(\d+)(?:\/(tcp|udp|sctp))?$/.exec(key);
  if (!m) return null;
  return { port: Number(m[1]), proto: (m[2] ?? 'tcp') as TopoPort['proto'] };
}

/**
 * `--link` as Docker stores it (`/db:/web/database`) or as typed (`db:database`, `db`).
 */
export function parseLink(link: string): TopoLink | null {
  const [rawTarget, rawAlias] = link.split(':');
  if (!rawTarget) return null;
  const target = rawTarget.replace(/^\//, '');
  const alias = rawAlias ? (rawAlias.split('/').pop() ?? target) : target;
  return { target, alias: alias || target };
}

/**
 * Address management of swarm networks, as the swarm manager's allocator does it: overlay pools
 * (10.0.N.0/24) and VXLAN IDs handed out serially, addresses within a network serially too (a freed
 * address is not reused until the range wraps), and the endpoints of the daemon's own sandboxes
 * (ingress-sbox, per-network load balancers, docker_gwbridge gateways) that hold addresses but are
 * not containers.
 */
import type { Engine } from '../engine.ts';
import { badRequest, forbidden } from '../errors.ts';
import {
  broadcastOf,
  type Cidr,
  canonical,
  formatIp,
  macForIpv4,
  networkOf,
  overlaps,
  parseCidr,
  parseIp,
} from '../ipam.ts';
import type { NetworkRecord, SandboxEndpointRecord, SwarmRecord } from '../model/state.ts';

/** The swarm's default address pool and subnet size when `swarm init` names none. */
export const DEFAULT_ADDR_POOL: readonly string[] = ['10.0.0.0/8'];
export const DEFAULT_SUBNET_SIZE = 24;
export const FIRST_VXLAN_ID = 4096;

/** The pool bases and subnet size the swarm hands overlay subnets out of. */
export function addrPools(swarm: SwarmRecord): { bases: readonly string[]; size: number } {
  return swarm.defaultAddrPool?.length
    ? { bases: swarm.defaultAddrPool, size: swarm.subnetSize ?? DEFAULT_SUBNET_SIZE }
    : { bases: DEFAULT_ADDR_POOL, size: DEFAULT_SUBNET_SIZE };
}

/**
 * The swarm's overlay subnets in order: each base cut into subnets of the pool's size, one base
 * after the other (ingress takes the first).
 */
function overlayPools(swarm: SwarmRecord): { count: number; at: (index: number) => Cidr } {
  const { bases, size } = addrPools(swarm);
  const parts = bases
    .map((b) => parseCidr(b))
    .filter((c): c is Cidr => c !== null && !c.v6 && c.prefix <= size)
    .map((c) => ({ start: networkOf(c), count: 2 ** (size - c.prefix) }));
  const count = parts.reduce((n, p) => n + p.count, 0);
  const step = 1n << BigInt(32 - size);
  return {
    count,
    at(index) {
      let i = index;
      for (const p of parts) {
        if (i < p.count) return parseCidr(`${formatIp(p.start + BigInt(i) * step, false)}/${size}`)!;
        i -= p.count;
      }
      throw new RangeError(`overlay pool ${index} out of ${count}`);
    },
  };
}

/** The next free overlay subnet after the last one handed out, skipping subnets in use. */
export function nextOverlaySubnet(engine: Engine, swarm: SwarmRecord): string {
  const used = engine.state.networks
    .filter((n) => n.scope === 'swarm')
    .flatMap((n) => n.ipam.map((c) => parseCidr(c.subnet)))
    .filter((c) => c !== null);
  const pools = overlayPools(swarm);
  for (let step = 1; step <= pools.count; step++) {
    const index = (swarm.lastPoolIndex + step) % pools.count;
    const pool = pools.at(index);
    if (used.some((u) => overlaps(u, pool))) continue;
    swarm.lastPoolIndex = index;
    return canonical(pool);
  }
  throw badRequest(
    'could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network',
  );
}

export function nextVxlanId(swarm: SwarmRecord): number {
  swarm.lastVxlanId = swarm.lastVxlanId < FIRST_VXLAN_ID ? FIRST_VXLAN_ID : swarm.lastVxlanId + 1;
  return swarm.lastVxlanId;
}

/** Every address taken on `nw`: gateway, aux, sandboxes, VIPs, tasks and container endpoints. */
function taken(engine: Engine, nw: NetworkRecord): Set<string> {
  const out = new Set(nw.allocated);
  for (const c of engine.state.containers) {
    for (const ep of c.endpoints) if (ep.networkId === nw.id && ep.ipv4) out.add(ep.ipv4);
  }
  return out;
}

/**
 * The next free IPv4 address of `nw` after the last one handed out (serial allocation), recorded
 * in `nw.allocated` unless `record` is false (container endpoints keep their own address).
 */
export function allocateSerial(
  engine: Engine,
  nw: NetworkRecord,
  record = true,
): { ip: string; prefix: number } {
  const cfg = nw.ipam.find((c) => !c.subnet.includes(':'));
  if (!cfg)
    throw forbidden(`no available IPv4 addresses on this network's address pools: ${nw.name} (${nw.id})`);
  const subnet = parseCidr(cfg.subnet)!;
  const range = cfg.ipRange ? parseCidr(cfg.ipRange) : null;
  const lo = range ? networkOf(range) : networkOf(subnet) + 1n;
  const hi = (range ? broadcastOf(range) : broadcastOf(subnet)) - (range ? 0n : 1n);
  const used = taken(engine, nw);
  const last = nw.lastAllocated?.[cfg.subnet];
  const lastAddr = last ? parseIp(last)?.addr : undefined;
  const start = lastAddr !== undefined && lastAddr >= lo && lastAddr < hi ? lastAddr + 1n : lo;
  const size = hi - lo + 1n;
  for (let i = 0n; i < size && i < 1_000_000n; i++) {
    const a = lo + ((start - lo + i) % size);
    if (a === networkOf(subnet) || a === broadcastOf(subnet)) continue;
    const ip = formatIp(a, false);
    if (used.has(ip)) continue;
    nw.lastAllocated = { ...(nw.lastAllocated ?? {}), [cfg.subnet]: ip };
    if (record) nw.allocated.push(ip);
    return { ip, prefix: subnet.prefix };
  }
  throw forbidden(`no available IPv4 addresses on this network's address pools: ${nw.name} (${nw.id})`);
}

export function releaseAddress(nw: NetworkRecord, ip: string): void {
  const bare = ip.split('/')[0]!;
  const i = nw.allocated.indexOf(bare);
  if (i >= 0) nw.allocated.splice(i, 1);
}

/** Adds a daemon sandbox endpoint (`ingress-sbox`, `lb-<net>`, a gateway) with an address of `nw`. */
export function addSandboxEndpoint(
  engine: Engine,
  nw: NetworkRecord,
  key: string,
  name: string,
  ip?: string,
): SandboxEndpointRecord {
  const existing = nw.sandboxEndpoints?.find((e) => e.key === key);
  if (existing) return existing;
  let addr: { ip: string; prefix: number };
  if (ip) {
    const cfg = nw.ipam.find((c) => !c.subnet.includes(':'));
    addr = { ip, prefix: cfg ? parseCidr(cfg.subnet)!.prefix : 0 };
    if (!nw.allocated.includes(ip)) nw.allocated.push(ip);
  } else if (nw.scope === 'swarm') {
    addr = allocateSerial(engine, nw);
  } else {
    addr = allocateFirstFree(engine, nw);
  }
  const ep: SandboxEndpointRecord = {
    key,
    name,
    endpointId: engine.ids.hex64(),
    ipv4: addr.ip,
    prefix: addr.prefix,
    mac: macForIpv4(addr.ip),
  };
  nw.sandboxEndpoints = [...(nw.sandboxEndpoints ?? []), ep];
  return ep;
}

export function removeSandboxEndpoint(nw: NetworkRecord, key: string): void {
  const ep = nw.sandboxEndpoints?.find((e) => e.key === key);
  if (!ep) return;
  releaseAddress(nw, ep.ipv4);
  nw.sandboxEndpoints = nw.sandboxEndpoints!.filter((e) => e !== ep);
  if (nw.sandboxEndpoints.length === 0) delete nw.sandboxEndpoints;
}

/** Lowest free address of a local network (docker_gwbridge gateways). */
function allocateFirstFree(engine: Engine, nw: NetworkRecord): { ip: string; prefix: number } {
  const cfg = nw.ipam.find((c) => !c.subnet.includes(':'));
  if (!cfg)
    throw forbidden(`no available IPv4 addresses on this network's address pools: ${nw.name} (${nw.id})`);
  const subnet = parseCidr(cfg.subnet)!;
  const used = taken(engine, nw);
  for (let a = networkOf(subnet) + 1n; a < broadcastOf(subnet); a++) {
    const ip = formatIp(a, false);
    if (!used.has(ip)) {
      nw.allocated.push(ip);
      return { ip, prefix: subnet.prefix };
    }
  }
  throw forbidden(`no available IPv4 addresses on this network's address pools: ${nw.name} (${nw.id})`);
}

/**
 * IP address management as Docker's default IPAM driver does it: predefined pools handed out in
 * order (skipping those that overlap a network or a host route), gateways at the first address,
 * containers at the first free address (of `--ip-range` when given), freed addresses reused.
 */
import ipaddr from 'ipaddr.js';

/** A parsed CIDR: network number as a bigint so IPv4 and IPv6 share one arithmetic. */
export interface Cidr {
  readonly v6: boolean;
  /** The address as written (may have host bits set, as Docker allows in some places). */
  readonly addr: bigint;
  readonly prefix: number;
}

const bits = (c: { v6: boolean }) => (c.v6 ? 128 : 32);

export function parseIp(text: string): { v6: boolean; addr: bigint } | null {
  if (!ipaddr.isValid(text)) return null;
  // ipaddr.js accepts shorthand like "10.1" that Go's net.ParseIP refuses.
  if (!text.includes(':') && !ipaddr.IPv4.isValidFourPartDecimal(text)) return null;
  const parsed = ipaddr.parse(text);
  if (parsed.kind() === 'ipv6') {
    const v6 = parsed as ipaddr.IPv6;
    if (v6.isIPv4MappedAddress()) return toBig(v6.toIPv4Address().toByteArray(), false);
    return toBig(v6.toByteArray(), true);
  }
  return toBig(parsed.toByteArray(), false);
}

function toBig(bytes: number[], v6: boolean): { v6: boolean; addr: bigint } {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  return { v6, addr: n };
}

export function parseCidr(text: string): Cidr | null {
  const slash = text.indexOf('/');
  if (slash < 0) return null;
  const ip = parseIp(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  if (!ip || !/^\d{1,3}$/.test(prefixText)) return null;
  const prefix = Number(prefixText);
  if (prefix > bits(ip)) return null;
  return { v6: ip.v6, addr: ip.addr, prefix };
}

export function formatIp(addr: bigint, v6: boolean): string {
  if (!v6) {
    return [24n, 16n, 8n, 0n].map((s) => String((addr >> s) & 255n)).join('.');
  }
  const bytes: number[] = [];
  for (let i = 15; i >= 0; i--) bytes.push(Number((addr >> BigInt(i * 8)) & 255n));
  return ipaddr.fromByteArray(bytes).toString();
}

export function networkOf(c: Cidr): bigint {
  const hostBits = BigInt(bits(c) - c.prefix);
  return (c.addr >> hostBits) << hostBits;
}

export function broadcastOf(c: Cidr): bigint {
  const hostBits = BigInt(bits(c) - c.prefix);
  return networkOf(c) + (1n << hostBits) - 1n;
}

/** `10.0.0.0/8` with host bits cleared. */
export function canonical(c: Cidr): string {
  return `${formatIp(networkOf(c), c.v6)}/${c.prefix}`;
}

export function contains(c: Cidr, addr: bigint, v6: boolean): boolean {
  return c.v6 === v6 && addr >= networkOf(c) && addr <= broadcastOf(c);
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  if (a.v6 !== b.v6) return false;
  return networkOf(a) <= broadcastOf(b) && networkOf(b) <= broadcastOf(a);
}

/** Docker 20.10's predefined local pools: 172.17-31.0.0/16, then 192.168.0.0/16 in /20 steps. */
export const LOCAL_POOLS: readonly string[] = [
  ...Array.from({ length: 15 }, (_, i) => `172.${17 + i}.0.0/16`),
  ...Array.from({ length: 16 }, (_, i) => `192.168.${i * 16}.0/20`),
];

/** Swarm-scope pools: 10.0.0.0/8 in /24 steps (ingress takes the first). */
export function globalPool(index: number): string {
  return `10.${Math.floor(index / 256)}.${index % 256}.0/24`;
}

/** Picks the first predefined pool that overlaps neither a subnet in use nor a host route. */
export function pickPool(candidates: Iterable<string>, inUse: readonly string[]): string | null {
  const used = inUse.map(parseCidr).filter((c): c is Cidr => c !== null);
  for (const pool of candidates) {
    const cidr = parseCidr(pool)!;
    if (!used.some((u) => overlaps(u, cidr))) return pool;
  }
  return null;
}

export interface AddressRange {
  subnet: Cidr;
  /** `--ip-range`, when given: allocation is limited to it. */
  range?: Cidr;
}

/**
 * The first free address in the range (Docker's non-serial bitmask search): the network and
 * broadcast addresses of the subnet are never handed out.
 */
export function firstFree(r: AddressRange, taken: ReadonlySet<string>): string | null {
  const v6 = r.subnet.v6;
  const lo = r.range ? networkOf(r.range) : networkOf(r.subnet) + 1n;
  let hi = r.range ? broadcastOf(r.range) : broadcastOf(r.subnet) - (v6 ? 0n : 1n);
  const subnetNet = networkOf(r.subnet);
  const subnetBcast = broadcastOf(r.subnet);
  if (hi > subnetBcast - (v6 ? 0n : 1n)) hi = subnetBcast - (v6 ? 0n : 1n);
  // Bounded scan: huge IPv6 subnets would never fill anyway.
  let scanned = 0;
  for (let a = lo; a <= hi && scanned < 1_000_000; a++, scanned++) {
    if (a === subnetNet) continue;
    const text = formatIp(a, v6);
    if (!taken.has(text)) return text;
  }
  return null;
}

/** The MAC Docker derives from an IPv4 address: 02:42 followed by the four address bytes. */
export function macForIpv4(ip: string): string {
  return `02:42:${ip
    .split('.')
    .map((b) => Number(b).toString(16).padStart(2, '0'))
    .join(':')}`;
}

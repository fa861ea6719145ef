/**
 * busybox's net-tools applets inside a container: `route`, `netstat -r`, `ifconfig`, `arp` and
 * `traceroute`, all read from the same model as `ip` (netinfo.ts).
 */
import { broadcastOf, formatIp, parseCidr } from '../ipam.ts';
import { BUSYBOX, NETSTAT_USAGE } from './busybox.ts';
import {
  embeddedDnsReverse,
  interfaces,
  ipv4Routes,
  isHostMode,
  neighbours,
  noteNeighbour,
  type Route,
  reach,
  resolve,
  subnetOf,
} from './netinfo.ts';
import { exited, type Proc, type ProcResult } from './process.ts';

const maskOf = (prefix: number) =>
  formatIp(prefix === 0 ? 0n : ((1n << 32n) - 1n) ^ ((1n << BigInt(32 - prefix)) - 1n), false);

function routeRows(r: Route, numeric: boolean): { dest: string; gw: string; mask: string; flags: string } {
  const isDefault = r.prefix === 0;
  const dest = isDefault && !numeric ? 'default' : r.dest;
  const gw = r.gateway || (numeric ? '0.0.0.0' : '*');
  return { dest, gw, mask: maskOf(r.prefix), flags: r.gateway ? 'UG' : 'U' };
}

const TABLE = 'Kernel IP routing table\n';

/** busybox `route [-n]`: the kernel's IPv4 table. */
export function route(p: Proc): ProcResult {
  const args = p.argv.slice(1);
  const numeric = args.some((a) => /^-[^-]*n/.test(a));
  let out = `${TABLE}Destination     Gateway         Genmask         Flags Metric Ref    Use Iface\n`;
  for (const r of ipv4Routes(p.engine, p.container)) {
    const x = routeRows(r, numeric);
    out += `${x.dest.padEnd(15)} ${x.gw.padEnd(15)} ${x.mask.padEnd(16)}${x.flags.padEnd(6)}${'0'.padEnd(6)} ${'0'.padEnd(2)} ${'0'.padStart(7)} ${r.dev}\n`;
  }
  p.out(out);
  return exited(0);
}

/** `netstat -r[n]`: the same table with MSS, Window and irtt columns. */
export function netstatRoutes(p: Proc, numeric: boolean): ProcResult {
  let out = `${TABLE}Destination     Gateway         Genmask         Flags   MSS Window  irtt Iface\n`;
  for (const r of ipv4Routes(p.engine, p.container)) {
    const x = routeRows(r, numeric);
    out += `${x.dest.padEnd(15)} ${x.gw.padEnd(15)} ${x.mask.padEnd(16)}${x.flags.padEnd(6)}${'0'.padStart(5)} ${'0'.padEnd(6)} ${'0'.padStart(6)} ${r.dev}\n`;
  }
  p.out(out);
  return exited(0);
}

export function netstatUsage(p: Proc, bad: string): ProcResult {
  p.err(`netstat: invalid option -- '${bad}'\n${NETSTAT_USAGE}`);
  return exited(1);
}

const COUNTERS = (txqueuelen: number) =>
  '          RX packets:0 errors:0 dropped:0 overruns:0 frame:0\n' +
  '          TX packets:0 errors:0 dropped:0 overruns:0 carrier:0\n' +
  `          collisions:0 txqueuelen:${txqueuelen} \n` +
  '          RX bytes:0 (0.0 B)  TX bytes:0 (0.0 B)\n\n';

const LO_BLOCK =
  'lo        Link encap:Local Loopback  \n' +
  '          inet addr:127.0.0.1  Mask:255.0.0.0\n' +
  '          UP LOOPBACK RUNNING  MTU:65536  Metric:1\n' +
  COUNTERS(1000);

/** busybox `ifconfig [-a] [IFACE]`: eth* blocks then lo, counters as an idle veth shows them. */
export function ifconfig(p: Proc): ProcResult {
  const args = p.argv.slice(1).filter((a) => a !== '-a');
  const blocks: Array<{ name: string; text: string }> = [];
  if (!isHostMode(p.engine, p.container)) {
    for (const i of interfaces(p.engine, p.container)) {
      const cidr = parseCidr(`${i.ipv4}/${i.prefix}`)!;
      const mtu = i.network.driver === 'overlay' ? 1450 : 1500;
      let text = `${i.name.padEnd(10)}Link encap:Ethernet  HWaddr ${i.mac.toUpperCase()}  \n`;
      text += `          inet addr:${i.ipv4}  Bcast:${formatIp(broadcastOf(cidr), false)}  Mask:${maskOf(i.prefix)}\n`;
      if (i.ipv6) text += `          inet6 addr: ${i.ipv6}/${i.ipv6Prefix} Scope:Global\n`;
      text += `          UP BROADCAST RUNNING MULTICAST  MTU:${mtu}  Metric:1\n${COUNTERS(0)}`;
      blocks.push({ name: i.name, text });
    }
  } else {
    const d = p.engine.state.daemon;
    const cidr = parseCidr(`${d.hostIp}/${d.hostPrefix}`)!;
    blocks.push({
      name: 'eth0',
      text:
        `eth0      Link encap:Ethernet  HWaddr ${d.hostMac.toUpperCase()}  \n` +
        `          inet addr:${d.hostIp}  Bcast:${formatIp(broadcastOf(cidr), false)}  Mask:${maskOf(d.hostPrefix)}\n` +
        `          UP BROADCAST RUNNING MULTICAST  MTU:1500  Metric:1\n${COUNTERS(0)}`,
    });
  }
  blocks.push({ name: 'lo', text: LO_BLOCK });
  if (args[0]) {
    const b = blocks.find((x) => x.name === args[0]);
    if (!b) {
      p.err(`ifconfig: ${args[0]}: error fetching interface information: Device not found\n`);
      return exited(1);
    }
    if (args.length > 1) {
      p.err('ifconfig: SIOCSIFFLAGS: Operation not permitted\n');
      return exited(1);
    }
    p.out(b.text);
    return exited(0);
  }
  p.out(blocks.map((b) => b.text).join(''));
  return exited(0);
}

/** busybox `arp [-a] [-n]`: the neighbour table, names from the embedded DNS's reverse answers. */
export function arp(p: Proc): ProcResult {
  const numeric = p.argv.slice(1).some((a) => /^-[^-]*n/.test(a));
  let out = '';
  for (const n of neighbours(p.engine, p.container)) {
    const name = numeric ? '?' : (embeddedDnsReverse(p.engine, p.container, n.ip) ?? '?');
    out += `${name} (${n.ip}) at ${n.mac} [ether]  on ${n.ifName}\n`;
  }
  p.out(out);
  return exited(0);
}

/** /proc/net/arp as the kernel prints it. */
export function procNetArp(p: Pick<Proc, 'engine' | 'container'>): string {
  let out = 'IP address       HW type     Flags       HW address            Mask     Device\n';
  for (const n of neighbours(p.engine, p.container))
    out += `${n.ip.padEnd(16)} 0x1         0x2         ${n.mac}     *        ${n.ifName}\n`;
  return out;
}

/** busybox `traceroute [-m MAX] [-w SECS] [-n] HOST`: one hop on the subnet, the gateway first beyond it. */
export function traceroute(p: Proc): ProcResult {
  const a = p.argv.slice(1);
  let max = 30;
  let numeric = false;
  let target = '';
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    if (x === '-m') max = Number(a[++i]);
    else if (['-w', '-q', '-p', '-f', '-s', '-i', '-t', '-g', '-z'].includes(x)) i++;
    else if (x === '-n') numeric = true;
    else if (x.startsWith('-')) continue;
    else if (!target) target = x;
  }
  if (!target) {
    p.err(`${BUSYBOX}\n\nUsage: traceroute [-46FIlnrv] [-f 1ST_TTL] [-m MAXTTL] [-q PROBES] [-p PORT]\n`);
    return exited(1);
  }
  const res = resolve(p.engine, p.container, target);
  if ('error' in res) {
    p.err(`traceroute: bad address '${target}'\n`);
    return exited(1);
  }
  const addr = res.ip;
  p.err(`traceroute to ${target} (${addr}), ${max} hops max, 46 byte packets\n`);
  const r = reach(p.engine, p.container, addr);
  if (r.kind === 'unreachable') {
    p.err('traceroute: sendto: Network is unreachable\n');
    return exited(1);
  }
  const name = (ip: string) => (numeric ? ip : (embeddedDnsReverse(p.engine, p.container, ip) ?? ip));
  const times = () => {
    let s = '';
    for (let k = 0; k < 3; k++) s += `  ${((5 + p.engine.ids.int(60)) / 1000).toFixed(3)} ms`;
    return s;
  };
  const hop = (n: number, ip: string) => `${String(n).padStart(2)}  ${name(ip)} (${ip})${times()}\n`;
  const ifaces = interfaces(p.engine, p.container);
  const onLink = ifaces.some((i) => subnetOf(i) === sameNet(addr, i.prefix));
  const gw = ipv4Routes(p.engine, p.container).find((x) => x.prefix === 0)?.gateway ?? '';
  let out = '';
  if (r.kind === 'ok') {
    noteNeighbour(p.engine, p.container, addr);
    if (onLink || addr === gw || addr.startsWith('127.') || isHostMode(p.engine, p.container))
      out += hop(1, addr);
    else {
      out += hop(1, gw);
      if (max >= 2) out += hop(2, addr);
    }
  } else {
    for (let n = 1; n <= max; n++)
      out += n === 1 && gw && !onLink ? hop(1, gw) : `${String(n).padStart(2)}  *  *  *\n`;
  }
  p.out(out);
  return exited(0);
}

function sameNet(ip: string, prefix: number): string {
  const c = parseCidr(`${ip}/${prefix}`)!;
  const net = c.addr - (c.addr % (1n << BigInt(32 - prefix)));
  return `${formatIp(net, false)}/${prefix}`;
}

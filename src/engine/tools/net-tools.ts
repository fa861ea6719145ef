/**
 * Busybox's network applets as a container runs them: `ip`, `ping`, `nslookup`, `hostname`,
 * `wget`, and curl where an image has it. Outcomes come from the model (netinfo.ts); nothing
 * ever leaves the process.
 */

import type { Engine } from '../engine.ts';
import { contains, formatIp, networkOf, parseCidr, parseIp } from '../ipam.ts';
import type { ContainerRecord, ListenerRecord } from '../model/state.ts';
import { IP_USAGE } from './busybox.ts';
import { readFile } from './fs.ts';
import { hostIfaces, ifaceText } from './host-ifaces.ts';
import {
  connect,
  defaultRouteIface,
  embeddedDnsLookupAll,
  embeddedDnsReverse,
  type Iface,
  interfaces,
  ipv4Routes,
  isHostMode,
  netnsOwner,
  noteNeighbour,
  reach,
  resolve,
  subnetOf,
  usesEmbeddedDns,
} from './netinfo.ts';
import { exited, type Proc, type ProcResult } from './process.ts';

const LO_HEAD = '1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue qlen 1000';
const LO_LINK = '    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00';
const LO_INET = '    inet 127.0.0.1/8 scope host lo';
const LFT = '       valid_lft forever preferred_lft forever';

/** The interfaces `ip` lists: the host's eth0 in host mode, else the container's veths. */
function ipIfaces(
  proc: Proc,
): Array<Omit<Iface, 'network' | 'endpoint'> & { mtu: number; v6only?: boolean }> {
  const { engine, container } = proc;
  if (isHostMode(engine, container)) {
    const d = engine.state.daemon;
    return [
      {
        name: 'eth0',
        index: 2,
        peer: 3,
        mac: d.hostMac,
        ipv4: d.hostIp,
        prefix: d.hostPrefix,
        ipv6: '',
        ipv6Prefix: 0,
        gateway: d.hostGateway,
        mtu: 1500,
      },
    ];
  }
  // VXLAN takes 50 bytes: overlay interfaces have mtu 1450.
  return interfaces(engine, container).map((i) => ({
    ...i,
    mtu: i.network.driver === 'overlay' ? 1450 : 1500,
  }));
}

function hostBroadcast(ip: string, prefix: number): string {
  const parts = ip.split('.').map(Number);
  const n = ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  const b = (n | (~mask >>> 0)) >>> 0;
  return [24, 16, 8, 0].map((s) => (b >>> s) & 255).join('.');
}

export function ip(proc: Proc): ProcResult {
  const args = proc.argv.slice(1);
  let family: '4' | '6' | '' = '';
  let oneline = false;
  while (args[0]?.startsWith('-')) {
    const a = args.shift()!;
    if (a === '-4') family = '4';
    else if (a === '-6') family = '6';
    else if (a === '-o' || a === '-oneline') oneline = true;
    else {
      // busybox ip knows no -br(ief) and no other option: it prints its usage.
      proc.err(IP_USAGE);
      return exited(1);
    }
  }
  const obj = args.shift() ?? '';
  const isAddrOrLink = obj !== '' && ('address'.startsWith(obj) || 'link'.startsWith(obj));
  if (isAddrOrLink && isHostMode(proc.engine, proc.container) && family !== '6')
    return hostModeIp(proc, obj, args, family === '4', oneline);
  const rest = args.filter((a) => a !== 'show' && a !== 'list' && a !== 'ls' && a !== 'dev');
  // Only addr and link take a device; route's words (`default`, `get ADDR`) select routes.
  const perDevice = obj !== '' && ('address'.startsWith(obj) || 'link'.startsWith(obj));
  const devFilter = perDevice ? rest[0] : undefined;
  const ifaces = ipIfaces(proc).filter((i) => !devFilter || i.name === devFilter);
  if (devFilter && devFilter !== 'lo' && ifaces.length === 0) {
    proc.err(`ip: can't find device '${devFilter}'\n`);
    return exited(1);
  }
  const showLo = !devFilter || devFilter === 'lo';
  const lines: string[] = [];
  // busybox leaves the qdisc out when only IPv6 addresses are asked for.
  const head = (i: { name: string; index: number; peer: number; mtu: number }) =>
    `${i.index}: ${i.name}@if${i.peer}: <BROADCAST,MULTICAST,UP,LOWER_UP,M-DOWN> mtu ${i.mtu} ${family === '6' ? '' : 'qdisc noqueue '}`;
  // With a family given, busybox lists only interfaces that have an address of it: Docker turns
  // IPv6 off in containers whose networks have none, so `ip -6 addr` prints nothing there.
  const noV6 = family === '6' && !ifaces.some((i) => i.ipv6);
  if ('address'.startsWith(obj) && obj !== '' && noV6) {
    // nothing to list
  } else if ('address'.startsWith(obj) && obj !== '') {
    if (oneline) {
      if (showLo && family !== '6') lines.push(`1: lo    inet 127.0.0.1/8 scope host lo\\${LFT}`);
      for (const i of ifaces) {
        if (family !== '6')
          lines.push(
            `${i.index}: ${i.name}    inet ${i.ipv4}/${i.prefix} brd ${hostBroadcast(i.ipv4, i.prefix)} scope global ${i.name}\\${LFT}`,
          );
        if (family !== '4' && i.ipv6)
          lines.push(
            `${i.index}: ${i.name}    inet6 ${i.ipv6}/${i.ipv6Prefix} scope global flags 02 \\${LFT}`,
          );
      }
    } else {
      if (showLo) {
        lines.push(LO_HEAD);
        if (!family) lines.push(LO_LINK);
        if (family !== '6') lines.push(LO_INET, LFT);
      }
      for (const i of ifaces) {
        lines.push(head(i));
        if (!family) lines.push(`    link/ether ${i.mac} brd ff:ff:ff:ff:ff:ff`);
        if (family !== '6')
          lines.push(
            `    inet ${i.ipv4}/${i.prefix} brd ${hostBroadcast(i.ipv4, i.prefix)} scope global ${i.name}`,
            LFT,
          );
        if (family !== '4' && i.ipv6)
          lines.push(`    inet6 ${i.ipv6}/${i.ipv6Prefix} scope global flags 02 `, LFT);
      }
    }
  } else if ('link'.startsWith(obj) && obj !== '') {
    // -o joins each interface's lines with a backslash.
    const join = (a: string, b: string) => (oneline ? [`${a}\\${b}`] : [a, b]);
    if (showLo) lines.push(...join(LO_HEAD, LO_LINK));
    for (const i of ifaces) lines.push(...join(head(i), `    link/ether ${i.mac} brd ff:ff:ff:ff:ff:ff`));
  } else if (obj !== '' && ('neighbour'.startsWith(obj) || 'neighbor'.startsWith(obj))) {
    // The neighbour table fills only as traffic flows (and ages): an idle container's is empty.
  } else if ('route'.startsWith(obj) && obj !== '' && args[0] === 'get') {
    const dest = args[1] ?? '';
    const r = routeGet(proc, dest);
    if (typeof r !== 'string') {
      proc.err(r.error);
      return exited(r.code);
    }
    lines.push(r);
  } else if ('route'.startsWith(obj) && obj !== '') {
    // Selectors after show/list: `default` keeps the default routes (busybox matches every IPv4
    // route with its zero-length prefix, golden 116; IPv6 only the default, 280), `dev X` those
    // through X.
    const sel = args.filter((a) => a !== 'show' && a !== 'list');
    const keep = (line: string) =>
      (sel[0] !== 'default' || family !== '6' || line.startsWith('default ')) &&
      (sel.indexOf('dev') < 0 || line.includes(` dev ${sel[sel.indexOf('dev') + 1]} `));
    const start = lines.length;
    if (family === '6') {
      for (const i of interfaces(proc.engine, proc.container)) {
        if (!i.ipv6) continue;
        lines.push(
          `${v6Subnet(i.ipv6, i.ipv6Prefix)} dev ${i.name}  metric 256 `,
          `fe80::/64 dev ${i.name}  metric 256 `,
        );
        if (i.endpoint.ipv6Gateway)
          lines.push(`default via ${i.endpoint.ipv6Gateway} dev ${i.name}  metric 1024 `);
        lines.push(`multicast ff00::/8 dev ${i.name}  metric 256 `);
      }
    } else {
      for (const r of ipv4Routes(proc.engine, proc.container)) {
        lines.push(
          r.prefix === 0 && r.gateway
            ? `default via ${r.gateway} dev ${r.dev} `
            : `${r.dest}/${r.prefix} dev ${r.dev} scope link  src ${r.src} `,
        );
      }
    }
    lines.splice(start, lines.length - start, ...lines.slice(start).filter(keep));
  } else {
    proc.err(`ip: invalid argument '${obj}' to 'ip'\n`);
    return exited(1);
  }
  if (lines.length) proc.out(`${lines.join('\n')}\n`);
  return exited(0);
}

/** `ip addr|link` in the sandbox host's namespace: the host's own interfaces (docker0, br-*, veths). */
function hostModeIp(proc: Proc, obj: string, args: string[], v4only: boolean, oneline: boolean): ProcResult {
  const isAddr = 'address'.startsWith(obj);
  const rest = args.filter((a) => a !== 'show' && a !== 'list' && a !== 'ls' && a !== 'dev');
  let ifaces = hostIfaces(proc.engine);
  const dev = rest[0];
  if (dev) {
    ifaces = ifaces.filter((i) => i.name.split('@')[0] === dev);
    if (!ifaces.length) {
      proc.err(`ip: can't find device '${dev}'\n`);
      return exited(1);
    }
  }
  if (v4only && isAddr) ifaces = ifaces.filter((i) => i.inet);
  let out = '';
  for (const i of ifaces) {
    const text = ifaceText(i, { addr: isAddr, v4only: v4only && isAddr });
    if (!oneline) out += text;
    else if (isAddr && v4only) {
      // -o puts each address on one line: `N: name    inet ...\       valid_lft ...`.
      const [, inet, lft] = text.split('\n');
      out += `${i.index}: ${i.name.split('@')[0]}${inet!.replace(/^ {4}/, '    ')}\\${lft}\n`;
    } else out += `${text.trimEnd().split('\n').join('\\')}\n`;
  }
  proc.out(out);
  return exited(0);
}

/** `ip route get ADDR`: the interface (and gateway) a packet to ADDR leaves by, and its source. */
function routeGet(proc: Proc, dest: string): string | { error: string; code: number } {
  const addr = parseIp(dest);
  if (!addr || addr.v6) return { error: `ip: an inet prefix is expected rather than "${dest}"\n`, code: 1 };
  const all = interfaces(proc.engine, netnsOwner(proc.engine, proc.container));
  if (dest.startsWith('127.')) return `local ${dest} dev lo  src 127.0.0.1 `;
  const direct = all.find((i) => {
    const cidr = parseCidr(subnetOf(i));
    return cidr !== null && contains(cidr, addr.addr, false);
  });
  if (direct)
    return direct.ipv4 === dest
      ? `local ${dest} dev lo  src ${dest} `
      : `${dest} dev ${direct.name}  src ${direct.ipv4} `;
  const gw = defaultRouteIface(all);
  if (!gw) return { error: 'ip: RTNETLINK answers: Network unreachable\n', code: 2 };
  return `${dest} via ${gw.gateway} dev ${gw.name}  src ${gw.ipv4} `;
}

function v6Subnet(addr: string, prefix: number): string {
  const cidr = parseCidr(`${addr}/${prefix}`);
  return cidr ? `${formatIp(networkOf(cidr), true)}/${prefix}` : `${addr}/${prefix}`;
}

/** Round-trip times that look like a bridge's: a fraction of a millisecond. */
function rtt(engine: Engine): number {
  return (40 + engine.ids.int(400)) / 1000;
}

export function ping(proc: Proc): ProcResult {
  let count = 4;
  let quiet = false;
  let v6 = false;
  let target = '';
  const a = proc.argv.slice(1);
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    if (x === '-c') count = Number(a[++i]);
    else if (/^-c\d+$/.test(x)) count = Number(x.slice(2));
    else if (x === '-W' || x === '-w' || x === '-s' || x === '-i' || x === '-t' || x === '-I') i++;
    else if (x === '-q') quiet = true;
    else if (x === '-6') v6 = true;
    else if (x === '-4') v6 = false;
    else if (x.startsWith('-')) continue;
    else target = x;
  }
  if (!target) {
    proc.err('BusyBox v1.35.0 multi-call binary.\n\nUsage: ping [OPTIONS] HOST\n');
    return exited(1);
  }
  if (!Number.isFinite(count) || count <= 0) count = 4;
  const res = resolve(proc.engine, proc.container, target);
  if ('error' in res) {
    proc.err(`ping: bad address '${target}'\n`);
    return exited(1);
  }
  let addr = res.ip;
  if (v6 && !addr.includes(':')) {
    // -6 asks for the name's AAAA record: the same endpoint's IPv6 address, when it has one.
    const ep = proc.engine.state.containers
      .flatMap((c) => c.endpoints)
      .find((e) => e.ipv4 === addr && e.ipv6);
    if (!ep) {
      proc.err(`ping: bad address '${target}'\n`);
      return exited(1);
    }
    addr = ep.ipv6;
  }
  const r = reach(proc.engine, proc.container, addr);
  if (r.kind === 'unreachable') {
    proc.out(`PING ${target} (${addr}): 56 data bytes\n`);
    proc.err('ping: sendto: Network is unreachable\n');
    return exited(1);
  }
  let out = `PING ${target} (${addr}): 56 data bytes\n`;
  const times: number[] = [];
  if (r.kind === 'ok') {
    noteNeighbour(proc.engine, proc.container, addr);
    // The sandbox host's own address is a hop away from a container (its gateway is not).
    const hop = addr === proc.engine.state.daemon.hostIp && !isHostMode(proc.engine, proc.container);
    for (let seq = 0; seq < count; seq++) {
      const t = rtt(proc.engine);
      times.push(t);
      if (!quiet) out += `64 bytes from ${addr}: seq=${seq} ttl=${hop ? 63 : 64} time=${t.toFixed(3)} ms\n`;
    }
  }
  const received = times.length;
  const loss = Math.round(((count - received) * 100) / count);
  out += `\n--- ${target} ping statistics ---\n`;
  out += `${count} packets transmitted, ${received} packets received, ${loss}% packet loss\n`;
  if (received) {
    const min = Math.min(...times);
    const max = Math.max(...times);
    const avg = times.reduce((s, t) => s + t, 0) / received;
    out += `round-trip min/avg/max = ${min.toFixed(3)}/${avg.toFixed(3)}/${max.toFixed(3)} ms\n`;
  }
  proc.out(out);
  return exited(received ? 0 : 1);
}

export function nslookup(proc: Proc): ProcResult {
  const type = proc.argv
    .find((x) => x.startsWith('-type=') || x.startsWith('-query='))
    ?.split('=')[1]
    ?.toLowerCase();
  const args = proc.argv.slice(1).filter((x) => !x.startsWith('-'));
  const name = args[0];
  if (!name) {
    proc.err(
      'BusyBox v1.35.0 multi-call binary.\n\nUsage: nslookup [-type=QUERY_TYPE] [-debug] HOST [DNS_SERVER]\n',
    );
    return exited(1);
  }
  const { engine, container } = proc;
  // busybox tries the search domains first; the embedded DNS forwards those names to resolvers
  // the sandbox cannot reach.
  if (!usesEmbeddedDns(engine, container) || container.hostConfig.dnsSearch.length) {
    proc.out(';; connection timed out; no servers could be reached\n\n');
    return exited(1);
  }
  let out = 'Server:\t\t127.0.0.11\nAddress:\t127.0.0.11:53\n\n';
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) {
    // An address is looked up as its PTR name: the embedded DNS answers `container.network`.
    const ptr = embeddedDnsReverse(engine, container, name);
    if (ptr) {
      const arpa = `${name.split('.').reverse().join('.')}.in-addr.arpa`;
      proc.out(`${out}Non-authoritative answer:\n${arpa}\tname = ${ptr}\n\n`);
      return exited(0);
    }
    proc.out(`${out}Non-authoritative answer:\n\nNon-authoritative answer:\n\n`);
    return exited(0);
  }
  const res = resolve(engine, container, name);
  // A dotted name the embedded DNS does not know (`tasks.web` without tasks) goes to the host's
  // resolvers, which the sandbox cannot reach.
  if ('error' in res && name.includes('.')) {
    proc.out(';; connection timed out; no servers could be reached\n\n');
    return exited(1);
  }
  // Every holder of a shared alias answers (`tasks.<service>`: every task).
  let answers = '';
  if ('ip' in res) {
    const all = embeddedDnsLookupAll(engine, container, name);
    for (const ip of all.length ? all : [res.ip]) answers += `Name:\t${name}\nAddress: ${ip}\n`;
  }
  // busybox asks for A and AAAA unless a type is given; the (empty) AAAA answer prints first.
  if (type === 'a') out += `Non-authoritative answer:\n${answers}`;
  else if (type === 'aaaa') out += 'Non-authoritative answer:\n';
  else out += `Non-authoritative answer:\n\nNon-authoritative answer:\n${answers}`;
  out += '\n';
  proc.out(out);
  return exited(0);
}

export function hostname(proc: Proc): ProcResult {
  const { engine, container } = proc;
  if (proc.argv[1] === '-i') {
    if (isHostMode(engine, container)) {
      proc.out(`${engine.state.daemon.hostIp}\n`);
      return exited(0);
    }
    // musl's gethostbyname answers from /etc/hosts first: every line naming the hostname.
    const fromHosts = (readFile(engine, container, '/etc/hosts') ?? '')
      .split('\n')
      .map((l) => l.split(/\s+/))
      .filter((w) => w.length > 1 && w.slice(1).includes(container.hostname))
      .map((w) => w[0]!);
    if (fromHosts.length) {
      proc.out(`${fromHosts.join(' ')}\n`);
      return exited(0);
    }
    const ifs = interfaces(engine, netnsOwner(engine, container));
    if (!ifs.length) {
      // Its own name is not in /etc/hosts and no DNS answers for it.
      proc.err(`hostname: ${container.hostname}: Host name lookup failure\n`);
      return exited(1);
    }
    proc.out(`${ifs.map((i) => i.ipv4).join(' ')}\n`);
    return exited(0);
  }
  proc.out(`${container.hostname}\n`);
  return exited(0);
}

interface Url {
  host: string;
  /** `host:port` as the URL wrote it (busybox names it so in `bad address`). */
  hostPort: string;
  port: number;
  path: string;
}

function parseUrl(text: string): Url | null {
  const m = /^(?:(https?):\/\/)?([^/:]+)(?::(\d+))?(\/.*)?$/.exec(text);
  if (!m) return null;
  return {
    host: m[2]!,
    hostPort: m[3] ? `${m[2]}:${m[3]}` : m[2]!,
    port: m[3] ? Number(m[3]) : m[1] === 'https' ? 443 : 80,
    path: m[4] ?? '/',
  };
}

export const NGINX_PAGE = `<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
<style>
html { color-scheme: light dark; }
body { width: 35em; margin: 0 auto;
font-family: Tahoma, Verdana, Arial, sans-serif; }
</style>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and
working. Further configuration is required.</p>

<p>For online documentation and support please refer to
<a href="http://nginx.org/">nginx.org</a>.<br/>
Commercial support is available at
<a href="http://nginx.com/">nginx.com</a>.</p>

<p><em>Thank you for using nginx.</em></p>
</body>
</html>
`;

export const APACHE_PAGE = '<html><body><h1>It works!</h1></body></html>\n';

export type HttpAnswer = { status: number; reason: string; body: string } | { raw: string };

/** What a listener answers to `GET path`. */
export function httpAnswer(
  engine: Engine,
  server: ContainerRecord,
  l: ListenerRecord,
  path: string,
): HttpAnswer {
  const clean = path.split('?')[0] ?? '/';
  switch (l.kind) {
    case 'nginx':
      if (clean === '/' || clean === '/index.html') return { status: 200, reason: 'OK', body: NGINX_PAGE };
      return { status: 404, reason: 'Not Found', body: notFoundPage('nginx/1.25.3') };
    case 'apache':
      if (clean === '/' || clean === '/index.html') return { status: 200, reason: 'OK', body: APACHE_PAGE };
      return {
        status: 404,
        reason: 'Not Found',
        body: `<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html><head>\n<title>404 Not Found</title>\n</head><body>\n<h1>Not Found</h1>\n<p>The requested URL was not found on this server.</p>\n</body></html>\n`,
      };
    case 'httpd': {
      const root = (l.root ?? '/var/www').replace(/\/$/, '');
      const file = clean.endsWith('/') ? `${root}${clean}index.html` : `${root}${clean}`;
      const body = readFile(engine, server, file);
      if (body === null)
        return {
          status: 404,
          reason: 'Not Found',
          body: '<HTML><HEAD><TITLE>404 Not Found</TITLE></HEAD>\n<BODY><H1>404 Not Found</H1>\nThe requested URL was not found\n</BODY></HTML>\n',
        };
      return { status: 200, reason: 'OK', body };
    }
    case 'nc':
      return { raw: l.reply ?? '' };
    default:
      return { raw: '' };
  }
}

function notFoundPage(server: string): string {
  return `<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n<hr><center>${server}</center>\r\n</body>\r\n</html>\r\n`;
}

export function wget(proc: Proc): ProcResult {
  let quiet = false;
  let output: string | null = null;
  let url = '';
  const a = proc.argv.slice(1);
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    if (x === '-O') output = a[++i] ?? '';
    else if (x.startsWith('-O') && !x.startsWith('--')) output = x.slice(2);
    else if (x === '-q' || x === '--quiet') quiet = true;
    else if (x === '-qO-' || x === '-qO' || x.startsWith('-qO')) {
      quiet = true;
      output = x === '-qO' ? (a[++i] ?? '') : x.slice(3);
    } else if (x === '-T' || x === '-t' || x === '-U' || x === '--header') i++;
    else if (x.startsWith('-')) continue;
    else url = x;
  }
  if (!url) {
    proc.err(
      'BusyBox v1.35.0 multi-call binary.\n\nUsage: wget [-cqS] [--spider] [-O FILE] [-o LOGFILE] [--header STR]\n',
    );
    return exited(1);
  }
  const u = parseUrl(url);
  if (!u) {
    proc.err(`wget: bad address '${url}'\n`);
    return exited(1);
  }
  const res = resolve(proc.engine, proc.container, u.host);
  if ('error' in res) {
    proc.err(`wget: bad address '${u.hostPort}'\n`);
    return exited(1);
  }
  if (!quiet) proc.err(`Connecting to ${u.host} (${res.ip}:${u.port})\n`);
  const conn = connect(proc.engine, proc.container, res.ip, u.port);
  if (conn.kind === 'unreachable') {
    proc.err(`wget: can't connect to remote host (${res.ip}): Network is unreachable\n`);
    return exited(1);
  }
  if (conn.kind === 'timeout') {
    proc.err('wget: download timed out\n');
    return exited(1);
  }
  if (conn.kind === 'refused') {
    proc.err(`wget: can't connect to remote host (${res.ip}): Connection refused\n`);
    return exited(1);
  }
  const ans = httpAnswer(proc.engine, conn.server, conn.listener, u.path);
  if ('raw' in ans) {
    const first = ans.raw.split('\n')[0] ?? '';
    proc.err(`wget: server returned error: ${first}\n`);
    return exited(1);
  }
  if (ans.status >= 400) {
    proc.err(`wget: server returned error: HTTP/1.1 ${ans.status} ${ans.reason}\n`);
    return exited(1);
  }
  const name = output === null ? u.path.split('/').pop() || 'index.html' : output;
  if (name === '-') proc.out(ans.body);
  else {
    proc.container.files ??= {};
    proc.container.files[name.startsWith('/') ? name : `${proc.cwd.replace(/\/$/, '')}/${name}`] = ans.body;
    if (!quiet) {
      proc.err(`saving to '${name}'\n`);
      proc.err(
        `${name.padEnd(21)}100% |********************************|   ${ans.body.length}  0:00:00 ETA\n`,
      );
      proc.err(`'${name}' saved\n`);
    }
  }
  if (!quiet && name === '-')
    proc.err(
      'writing to stdout\n-                    100% |********************************|   ' +
        `${ans.body.length}  0:00:00 ETA\nwritten to stdout\n`,
    );
  return exited(0);
}

export function curl(proc: Proc): ProcResult {
  let silent = false;
  let showErr = false;
  let include = false;
  let head = false;
  let url = '';
  const a = proc.argv.slice(1);
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    if (
      x === '-o' ||
      x === '-H' ||
      x === '-X' ||
      x === '-d' ||
      x === '-m' ||
      x === '--max-time' ||
      x === '-w'
    )
      i++;
    else if (/^-[a-zA-Z]+$/.test(x)) {
      if (x.includes('s')) silent = true;
      if (x.includes('S')) showErr = true;
      if (x.includes('i')) include = true;
      if (x.includes('I')) head = true;
    } else if (x.startsWith('-')) continue;
    else url = x;
  }
  const fail = (code: number, msg: string): ProcResult => {
    if (!silent || showErr) proc.err(`curl: (${code}) ${msg}\n`);
    return exited(code);
  };
  const u = parseUrl(url);
  if (!u) return fail(3, 'URL using bad/illegal format or missing URL');
  const res = resolve(proc.engine, proc.container, u.host);
  if ('error' in res) return fail(6, `Could not resolve host: ${u.host}`);
  const conn = connect(proc.engine, proc.container, res.ip, u.port);
  if (conn.kind === 'timeout')
    return fail(
      28,
      `Failed to connect to ${u.host} port ${u.port} after 130000 ms: Couldn't connect to server`,
    );
  if (conn.kind !== 'ok')
    return fail(7, `Failed to connect to ${u.host} port ${u.port} after 0 ms: Couldn't connect to server`);
  const ans = httpAnswer(proc.engine, conn.server, conn.listener, u.path);
  if ('raw' in ans) return fail(1, 'Received HTTP/0.9 when not allowed');
  if (include || head) {
    proc.out(`HTTP/1.1 ${ans.status} ${ans.reason}\r\nContent-Length: ${ans.body.length}\r\n\r\n`);
  }
  if (!head) proc.out(ans.body);
  return exited(0);
}

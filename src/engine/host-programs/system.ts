/**
 * The sandbox host's own programs besides docker and curl (recorded on the oracle's host:
 * Debian 12, busybox 1.35, hostname `sandbox`, eth0 172.20.0.2/16 on an internal network whose
 * DNS at 127.0.0.11 knows only `sandbox`): hostname, env, pwd, id, whoami, uname, ls, mkdir,
 * sleep, which, ip (addr/link/route), ping, nslookup and wget to containers and published ports.
 */
import type { Terminal } from '../cli/terminal.ts';
import type { Engine } from '../engine.ts';
import { formatIp, networkOf, parseCidr } from '../ipam.ts';
import type { ContainerRecord } from '../model/state.ts';
import { BUSYBOX, IP_USAGE } from '../tools/busybox.ts';
import { dateCommand } from '../tools/date.ts';
import { bridgeAddress, hostIfaces, ifaceText, localBridges } from '../tools/host-ifaces.ts';
import { httpAnswer } from '../tools/net-tools.ts';
import { netnsOwner } from '../tools/netinfo.ts';
import { HOST_DIRS, hostFiles } from './host-fs.ts';
import { registerHostProgram } from './registry.ts';

registerHostProgram('hostname', (engine, argv, term) => {
  const d = engine.state.daemon;
  term.println(argv[1] === '-i' ? d.hostIp : d.hostname);
  return 0;
});
registerHostProgram('pwd', (_e, _a, term, io) => {
  term.println(io.cwd);
  return 0;
});
registerHostProgram('env', async (_e, argv, term, io) => {
  const env = { ...io.env };
  let k = 1;
  while (k < argv.length && argv[k]!.includes('=')) {
    const [key, ...v] = argv[k++]!.split('=');
    env[key!] = v.join('=');
  }
  if (k < argv.length) return io.run(argv.slice(k), term);
  for (const [key, v] of Object.entries(env)) term.println(`${key}=${v}`);
  return 0;
});
registerHostProgram('id', (_e, _a, term) => {
  term.println('uid=0 gid=0 groups=0');
  return 0;
});
registerHostProgram('whoami', (_e, _a, term) => {
  term.eprintln('whoami: unknown uid 0');
  return 1;
});
registerHostProgram('uname', (engine, argv, term) => {
  const host = engine.state.daemon.hostname;
  const all = `Linux ${host} 6.1.0 #1 SMP PREEMPT_DYNAMIC x86_64 GNU/Linux`;
  const opt = argv[1];
  term.println(
    opt === '-a' ? all : opt === '-n' ? host : opt === '-m' ? 'x86_64' : opt === '-r' ? '6.1.0' : 'Linux',
  );
  return 0;
});
registerHostProgram('date', (engine, argv, term) => {
  const r = dateCommand(engine.nowMs(), argv.slice(1));
  term.out(r.out);
  term.err(r.err);
  return r.code;
});
registerHostProgram('sleep', (engine, argv, term) => {
  if (!argv[1]) {
    term.eprintln(`${BUSYBOX}\n\nUsage: sleep [N]...`);
    return 1;
  }
  // A second or more: the daemon has long handled what exited after a detached start.
  if (Number.parseFloat(argv[1]) >= 1) {
    for (const c of engine.state.containers) if (c.exitUnseen) c.exitUnseen = 0;
  }
  return 0;
});
registerHostProgram('which', (_e, argv, term) => {
  const where: Record<string, string> = {
    docker: '/usr/bin/docker',
    curl: '/usr/bin/curl',
    dockerd: '/usr/sbin/dockerd',
    containerd: '/usr/bin/containerd',
    runc: '/usr/sbin/runc',
    iptables: '/usr/sbin/iptables',
  };
  let code = 0;
  for (const name of argv.slice(1)) {
    const path = where[name] ?? (BIN.has(name) ? `/bin/${name}` : undefined);
    if (path) term.println(path);
    else code = 1;
  }
  return code;
});
const BIN = new Set(HOST_DIRS['/bin']);

registerHostProgram('ls', (engine, argv, term, io) => {
  const fs = hostFiles(engine);
  const targets = argv.slice(1).filter((a) => !a.startsWith('-'));
  let code = 0;
  const list = targets.length ? targets : ['.'];
  list.forEach((t, i) => {
    const path =
      t === '.'
        ? io.cwd
        : t.startsWith('/')
          ? t.replace(/(.)\/$/, '$1')
          : `${io.cwd === '/' ? '' : io.cwd}/${t}`;
    const entries = fs.list(path);
    if (entries === null) {
      if (fs.read(path) !== null) term.println(t);
      else {
        term.eprintln(`ls: ${t}: No such file or directory`);
        code = 1;
      }
      return;
    }
    if (list.length > 1) term.out(`${i ? '\n' : ''}${t}:\n`);
    for (const e of entries) term.println(e);
  });
  return code;
});
registerHostProgram('mkdir', (engine, argv, term, io) => {
  const fs = hostFiles(engine);
  for (const d of argv.slice(1).filter((a) => !a.startsWith('-'))) {
    const path = d.startsWith('/') ? d : `${io.cwd === '/' ? '' : io.cwd}/${d}`;
    if (fs.isDir(path)) {
      if (argv.includes('-p')) continue;
      term.eprintln(`mkdir: can't create directory '${d}': File exists`);
      return 1;
    }
    // A directory exists while something lives in it: keep a marker the listing hides.
    fs.write(`${path}/.keep`, '');
  }
  return 0;
});

function ipCommand(engine: Engine, argv: string[], term: Terminal): number {
  const args = argv.slice(1);
  let v4only = false;
  while (args[0]?.startsWith('-')) {
    const o = args.shift()!;
    if (o === '-4') v4only = true;
    else if (o === '-6' || o === '-o' || o === '-f') {
    } else {
      term.eprintln(`${BUSYBOX}\n\nUsage: ip [OPTIONS] address|route|link|tunnel|neigh|rule [ARGS]`);
      return 1;
    }
  }
  const obj = args[0] ?? '';
  const sub = args[1] ?? 'show';
  const usage = () => {
    term.err(IP_USAGE);
    return 1;
  };
  const isAddr = ['a', 'ad', 'add', 'addr', 'addre', 'addres', 'address'].includes(obj);
  const isLink = ['l', 'li', 'lin', 'link'].includes(obj);
  const isRoute = ['r', 'ro', 'rou', 'rout', 'route'].includes(obj);
  if (isAddr || isLink) {
    if (!['show', 'list', 'sh', 's', 'ls', 'lst'].includes(sub)) {
      term.eprintln('ip: RTNETLINK answers: Operation not permitted');
      return 2;
    }
    let dev = args[2] === 'dev' ? args[3] : args[2];
    let ifaces = hostIfaces(engine);
    if (dev) {
      ifaces = ifaces.filter((i) => i.name.split('@')[0] === dev);
      if (!ifaces.length) {
        term.eprintln(`ip: can't find device '${dev}'`);
        return 1;
      }
      dev = undefined;
    }
    if (v4only && isAddr) ifaces = ifaces.filter((i) => i.inet);
    for (const i of ifaces) term.out(ifaceText(i, { addr: isAddr, v4only: v4only && isAddr }));
    return 0;
  }
  if (isRoute) {
    if (!['show', 'list', 'sh', 's', 'ls'].includes(sub)) {
      term.eprintln('ip: RTNETLINK answers: Operation not permitted');
      return 2;
    }
    const d = engine.state.daemon;
    const routes: Array<[bigint, string]> = [];
    for (const i of hostIfaces(engine)) {
      if (!i.inet || i.name === 'lo' || i.index === 1151) continue;
      const cidr = parseCidr(`${i.inet}/${i.prefix}`)!;
      routes.push([
        networkOf(cidr),
        `${formatIp(networkOf(cidr), false)}/${i.prefix} dev ${i.name} scope link  src ${i.inet} `,
      ]);
    }
    const own = parseCidr(`${d.hostIp}/${d.hostPrefix}`)!;
    routes.push([
      networkOf(own),
      `${formatIp(networkOf(own), false)}/${d.hostPrefix} dev eth0 scope link  src ${d.hostIp} `,
    ]);
    routes.sort((a, b) => (a[0] < b[0] ? -1 : 1));
    term.println(`default via ${d.hostGateway} dev eth0 `);
    for (const [, r] of routes) term.println(r);
    return 0;
  }
  return usage();
}
registerHostProgram('ip', (engine, argv, term) => ipCommand(engine, argv, term));

/** Where an IPv4 address leads from the host: a container on a local bridge, the host itself, or nowhere. */
function hostReach(
  engine: Engine,
  ip: string,
): { kind: 'self' } | { kind: 'container'; c: ContainerRecord } | { kind: 'lost' } {
  const d = engine.state.daemon;
  if (ip.startsWith('127.') || ip === d.hostIp) return { kind: 'self' };
  for (const nw of localBridges(engine)) if (bridgeAddress(nw)?.ip === ip) return { kind: 'self' };
  for (const c of engine.state.containers) {
    if (c.status !== 'running') continue;
    for (const ep of c.endpoints) {
      const nw = engine.state.networks.find((n) => n.id === ep.networkId);
      if (nw?.driver === 'bridge' && ep.ipv4 === ip) return { kind: 'container', c };
    }
  }
  return { kind: 'lost' };
}

/** Names the host resolves: its hosts file, then the outer Docker DNS, which knows only the host. */
function hostResolve(engine: Engine, name: string): string | null {
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) return name;
  if (name === 'localhost') return '127.0.0.1';
  if (name === engine.state.daemon.hostname) return engine.state.daemon.hostIp;
  return null;
}

registerHostProgram('ping', (engine, argv, term) => {
  let count = 0;
  let target = '';
  const a = argv.slice(1);
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    if (x === '-c') count = Number(a[++i]);
    else if (/^-c\d+$/.test(x)) count = Number(x.slice(2));
    else if (['-W', '-w', '-s', '-i', '-t', '-I'].includes(x)) i++;
    else if (!x.startsWith('-')) target = x;
  }
  if (!target) {
    term.eprintln(`${BUSYBOX}\n\nUsage: ping [OPTIONS] HOST`);
    return 1;
  }
  if (!(count > 0)) {
    term.eprintln('ping: without -c the sandbox would ping forever; add -c N (e.g. ping -c 2 HOST)');
    return 1;
  }
  const ip = hostResolve(engine, target);
  if (!ip) {
    term.eprintln(`ping: bad address '${target}'`);
    return 1;
  }
  const r = hostReach(engine, ip);
  let out = `PING ${target} (${ip}): 56 data bytes\n`;
  const times: number[] = [];
  if (r.kind !== 'lost') {
    for (let seq = 0; seq < count; seq++) {
      const t = 0.05 + ((seq * 37 + ip.length * 13) % 50) / 1000;
      times.push(t);
      out += `64 bytes from ${ip}: seq=${seq} ttl=64 time=${t.toFixed(3)} ms\n`;
    }
  }
  const loss = Math.round(((count - times.length) * 100) / count);
  out += `\n--- ${target} ping statistics ---\n${count} packets transmitted, ${times.length} packets received, ${loss}% packet loss\n`;
  if (times.length) {
    const avg = times.reduce((s, t) => s + t, 0) / times.length;
    out += `round-trip min/avg/max = ${Math.min(...times).toFixed(3)}/${avg.toFixed(3)}/${Math.max(...times).toFixed(3)} ms\n`;
  }
  term.out(out);
  return times.length ? 0 : 1;
});

registerHostProgram('nslookup', (engine, argv, term) => {
  const name = argv.slice(1).find((x) => !x.startsWith('-'));
  if (!name) {
    term.eprintln(`${BUSYBOX}\n\nUsage: nslookup [-type=QUERY_TYPE] [-debug] HOST [DNS_SERVER]`);
    return 1;
  }
  if (name !== engine.state.daemon.hostname) {
    term.out(';; connection timed out; no servers could be reached\n\n');
    return 1;
  }
  term.out(
    `Server:\t\t127.0.0.11\nAddress:\t127.0.0.11:53\n\nNon-authoritative answer:\n\nNon-authoritative answer:\nName:\t${name}\nAddress: ${engine.state.daemon.hostIp}\n\n`,
  );
  return 0;
});

/** A TCP connection from the host: published ports on its own addresses, container listeners directly. */
export function hostConnect(
  engine: Engine,
  ip: string,
  port: number,
):
  | { kind: 'ok'; server: ContainerRecord; listener: NonNullable<ContainerRecord['listeners']>[number] }
  | { kind: 'refused' }
  /** A published port whose container does not listen: docker-proxy accepts, then drops it. */
  | { kind: 'reset' }
  | { kind: 'timeout' } {
  const r = hostReach(engine, ip);
  if (r.kind === 'lost') return { kind: 'timeout' };
  if (r.kind === 'self') {
    // A host-network container's listener is the host's own socket.
    for (const c of engine.state.containers) {
      if (c.status !== 'running' || c.hostConfig.networkMode !== 'host') continue;
      const l = c.listeners?.find((x) => x.port === port && x.proto === 'tcp');
      if (l) return { kind: 'ok', server: c, listener: l };
    }
    for (const c of engine.state.containers) {
      if (c.status !== 'running') continue;
      for (const [p, list] of Object.entries(c.boundPorts ?? {})) {
        if (!p.endsWith('/tcp') || !list.some((b) => b.hostPort === String(port))) continue;
        const owner = netnsOwner(engine, c);
        const inner = Number(p.split('/')[0]);
        const l = owner.listeners?.find((x) => x.port === inner && x.proto === 'tcp');
        return l ? { kind: 'ok', server: owner, listener: l } : { kind: 'reset' };
      }
    }
    return { kind: 'refused' };
  }
  const owner = netnsOwner(engine, r.c);
  const l = owner.listeners?.find((x) => x.port === port && x.proto === 'tcp');
  return l ? { kind: 'ok', server: owner, listener: l } : { kind: 'refused' };
}

registerHostProgram('wget', (engine, argv, term, io) => {
  let quiet = false;
  let output: string | null = null;
  let url = '';
  const a = argv.slice(1);
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    if (x === '-O') output = a[++i] ?? '';
    else if (x === '-q' || x === '--quiet') quiet = true;
    else if (/^-q?O/.test(x)) {
      quiet ||= x.startsWith('-q');
      output = x.replace(/^-q?O/, '') || (a[++i] ?? '');
    } else if (['-T', '-t', '-U', '--header', '-o'].includes(x)) i++;
    else if (!x.startsWith('-')) url = x;
  }
  if (!url) {
    term.eprintln(`${BUSYBOX}\n\nUsage: wget [-cqS] [--spider] [-O FILE] [-o LOGFILE] [--header STR]`);
    return 1;
  }
  const m = /^(?:(https?):\/\/)?([^/:]+)(?::(\d+))?(\/.*)?$/.exec(url);
  if (!m) {
    term.eprintln(`wget: bad address '${url}'`);
    return 1;
  }
  const host = m[2]!;
  const port = m[3] ? Number(m[3]) : m[1] === 'https' ? 443 : 80;
  const path = m[4] ?? '/';
  const ip = hostResolve(engine, host);
  if (!ip) {
    term.eprintln(`wget: bad address '${host}'`);
    return 1;
  }
  if (!quiet) term.eprintln(`Connecting to ${host}${m[3] ? `:${port}` : ''} (${ip}:${port})`);
  const conn = hostConnect(engine, ip, port);
  if (conn.kind === 'refused') {
    term.eprintln(`wget: can't connect to remote host (${ip}): Connection refused`);
    return 1;
  }
  if (conn.kind === 'timeout') {
    term.eprintln('wget: download timed out');
    return 1;
  }
  if (conn.kind === 'reset') {
    term.eprintln('wget: error getting response: Connection reset by peer');
    return 1;
  }
  const ans = httpAnswer(engine, conn.server, conn.listener, path);
  if ('raw' in ans) {
    term.eprintln(`wget: server returned error: ${ans.raw.split('\n')[0] ?? ''}`);
    return 1;
  }
  if (ans.status >= 400) {
    term.eprintln(`wget: server returned error: HTTP/1.1 ${ans.status} ${ans.reason}`);
    return 1;
  }
  const size = Buffer.byteLength(ans.body);
  const bar = `100% |********************************| ${String(size).padStart(5)}  0:00:00 ETA`;
  if (output === '-') {
    if (!quiet) term.err('writing to stdout\n');
    term.out(ans.body);
    if (!quiet) term.err(`-                    ${bar}\nwritten to stdout\n`);
    return 0;
  }
  const name = output ?? (path.split('/').pop() || 'index.html');
  const file = name.startsWith('/') ? name : `${io.cwd === '/' ? '' : io.cwd}/${name}`;
  hostFiles(engine).write(file, ans.body);
  if (!quiet) term.err(`saving to '${name}'\n${name.padEnd(21)}${bar}\n'${name}' saved\n`);
  return 0;
});

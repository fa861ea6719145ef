/**
 * busybox `netstat` inside a container: the listening sockets of its network namespace (the
 * sandbox host's for `--network host`, where every host-mode container's servers show).
 */
import type { ListenerRecord } from '../model/state.ts';
import { isHostMode, netnsOwner } from './netinfo.ts';
import { exited, type Proc, type ProcResult } from './process.ts';
import { netstatRoutes, netstatUsage } from './route-tools.ts';

export function netstat(p: Proc): ProcResult {
  const flags = new Set(
    p.argv
      .slice(1)
      .filter((a) => a.startsWith('-'))
      .flatMap((a) => [...a.slice(1)]),
  );
  const bad = [...flags].find((f) => !'raltuwxen'.includes(f));
  if (bad) return netstatUsage(p, bad);
  if (flags.has('r')) return netstatRoutes(p, flags.has('n'));
  const wantTcp = flags.has('t') || !flags.has('u');
  const wantUdp = flags.has('u') || !flags.has('t');
  const { engine, container } = p;
  const hostMode = isHostMode(engine, container);
  const owner = netnsOwner(engine, container);
  const listeners: ListenerRecord[] = [];
  for (const other of engine.state.containers) {
    if (other.status !== 'running' && other.status !== 'paused') continue;
    const same = hostMode ? isHostMode(engine, other) : netnsOwner(engine, other) === owner;
    if (same) listeners.push(...(other.listeners ?? []));
  }
  const which = flags.has('a') ? 'servers and established' : flags.has('l') ? 'only servers' : 'w/o servers';
  let out = `Active Internet connections (${which})\n`;
  out += 'Proto Recv-Q Send-Q Local Address           Foreign Address         State       \n';
  // Without -l busybox lists established connections only, and there are none to show.
  if (flags.has('l') || flags.has('a')) {
    for (const l of listeners) {
      if ((l.proto === 'tcp' && !wantTcp) || (l.proto === 'udp' && !wantUdp)) continue;
      // busybox httpd binds the IPv6 wildcard (dual-stack); the others bind 0.0.0.0.
      const v6 = l.kind === 'httpd';
      const local = v6 ? `:::${l.port}` : `0.0.0.0:${l.port}`;
      const foreign = v6 ? ':::*' : '0.0.0.0:*';
      const state = l.proto === 'tcp' ? 'LISTEN' : '';
      out += `${l.proto.padEnd(6)}${'0'.padStart(6)}${'0'.padStart(7)} ${local.padEnd(23)} ${foreign.padEnd(23)} ${state.padEnd(12)}\n`;
    }
  }
  p.out(out);
  return exited(0);
}

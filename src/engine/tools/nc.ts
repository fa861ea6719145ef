/**
 * busybox 1.35's small `nc` (Debian's build: `-l -p -w -i -f -e`, no `-k`, `-z`, `-v`): a client
 * that pipes stdin to a TCP peer and the answer to stdout, or a one-connection listener.
 */
import type { ListenerRecord } from '../model/state.ts';
import { connect, resolve } from './netinfo.ts';
import { exited, type Proc, type ProcResult } from './process.ts';

const NC_USAGE =
  'Usage: nc [-iN] [-wN] [-l] [-p PORT] [-f FILE|IPADDR PORT] [-e PROG]\n\nOpen a pipe to IP:PORT or FILE\n\n\t-l\tListen mode, for inbound connects\n\t\t(use -ll with -e for persistent server)\n\t-p PORT\tLocal port\n\t-w SEC\tConnect timeout\n\t-i SEC\tDelay interval for lines sent\n\t-f FILE\tUse file (ala /dev/ttyS0) instead of network\n\t-e PROG\tRun PROG after connect\n';

type RunProgram = (p: Proc) => ProcResult;

function usage(p: Proc, message?: string): ProcResult {
  if (message) p.err(`nc: ${message}\n`);
  p.err(`BusyBox v1.35.0 (Debian 1:1.35.0-4+deb12u1+b1) multi-call binary.\n\n${NC_USAGE}`);
  return exited(1);
}

/** `bb_lookup_port`: a number 0-65535 (the image has no /etc/services). */
function lookupPort(text: string): number | null {
  if (!/^\d+$/.test(text)) return null;
  const n = Number(text);
  return n <= 65535 ? n : null;
}

interface NcArgs {
  listen: number;
  port: number;
  wait: number;
  exec: string[] | null;
  rest: string[];
}

/** getopt("lp:w:i:f:e:") as glibc runs it (options may follow operands); `-e` takes the rest. */
function parseArgs(p: Proc): NcArgs | ProcResult {
  const a = p.argv.slice(1);
  const out: NcArgs = { listen: 0, port: 0, wait: 0, exec: null, rest: [] };
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    if (x === '--') {
      out.rest.push(...a.slice(i + 1));
      break;
    }
    if (!x.startsWith('-') || x === '-') {
      out.rest.push(x);
      continue;
    }
    for (let j = 1; j < x.length; j++) {
      const ch = x[j]!;
      if (ch === 'l') {
        out.listen++;
        continue;
      }
      if (!'pwife'.includes(ch)) return usage(p, `invalid option -- '${ch}'`);
      const value = j + 1 < x.length ? x.slice(j + 1) : a[++i];
      if (value === undefined) return usage(p, `option requires an argument -- '${ch}'`);
      if (ch === 'p') {
        const port = lookupPort(value);
        if (port === null) {
          p.err(`nc: bad port '${value}'\n`);
          return exited(1);
        }
        out.port = port;
      } else if (ch === 'w' || ch === 'i') {
        if (!/^\d+$/.test(value)) {
          p.err(`nc: invalid number '${value}'\n`);
          return exited(1);
        }
        if (ch === 'w') out.wait = Number(value);
      } else if (ch === 'e') {
        out.exec = [value, ...a.slice(i + 1)];
        i = a.length;
      }
      break;
    }
  }
  return out;
}

export function nc(p: Proc, runProgram: RunProgram): ProcResult {
  const args = parseArgs(p);
  if ('code' in args || 'daemon' in args) return args;
  if (args.listen) {
    if (args.rest.length > 1) return usage(p);
    // Without -e one connection is served whatever the count of -l; with -e, -ll keeps serving.
    const listener: ListenerRecord = { port: args.port, proto: 'tcp', kind: 'nc' };
    if (args.exec) listener.exec = args.exec;
    if (!(args.exec && args.listen > 1)) listener.once = true;
    if (p.main) listener.main = true;
    return { daemon: { listeners: [listener], termCode: null } };
  }
  if (args.rest.length < 1 || args.rest.length > 2) return usage(p);
  const [host, portText = ''] = args.rest as [string, string?];
  // The port is looked up before the host (both are arguments of the connect call).
  const port = lookupPort(portText);
  if (port === null) {
    p.err(`nc: bad port '${portText}'\n`);
    return exited(1);
  }
  const res = resolve(p.engine, p.container, host);
  if ('error' in res) {
    p.err(`nc: bad address '${host}'\n`);
    return exited(1);
  }
  const conn = connect(p.engine, p.container, res.ip, port);
  if (conn.kind !== 'ok') {
    if (conn.kind === 'timeout' && args.wait) {
      p.err('nc: timed out\n');
      return exited(1);
    }
    const why = {
      refused: 'Connection refused',
      unreachable: 'Network is unreachable',
      timeout: 'Connection timed out',
    }[conn.kind];
    p.err(`nc: can't connect to remote host (${res.ip}): ${why}\n`);
    return exited(1);
  }
  const { listener, server } = conn;
  if (listener.kind === 'nc') {
    let code = 0;
    if (listener.exec) {
      // The listener runs its program with the connection as stdin and stdout.
      const result = runProgram({
        ...p,
        container: server,
        argv: listener.exec,
        stdin: p.stdin,
        main: false,
        out: (t) => p.out(t),
        err: () => {},
      });
      code = 'code' in result ? result.code : 0;
    } else if (p.stdin && listener.main) {
      // A plain listener prints what it receives: the container's log.
      for (const line of p.stdin.match(/[^\n]*\n|[^\n]+$/g) ?? []) {
        server.logs.push({ stream: 'stdout', text: line, time: p.engine.now() });
      }
    }
    if (listener.once) {
      server.listeners = (server.listeners ?? []).filter((l) => l !== listener);
      if (listener.main) {
        // The main process is over: the daemon sees the exit at its next look.
        server.exitAtMs = p.engine.nowMs();
        server.exitAtCode = code;
      }
    }
  }
  return exited(0);
}

/**
 * The userland inside containers: busybox-like applets and the servers images run (httpd,
 * nginx, nc). A program runs argv (no shell) and ends with an exit code or keeps running.
 */
import { Terminal } from '../cli/terminal.ts';
import type { HostProgram } from '../host-programs/registry.ts';
import { tr } from '../host-programs/text.ts';
import { type AppletResult, basename, dirname, expr, seq } from './calc.ts';
import { dateCommand } from './date.ts';
import { imageOf, isDir, listDir, makeDir, normalizePath, readFile, removePath, writeFile } from './fs.ts';
import { nc } from './nc.ts';
import { curl, hostname, ip, nslookup, ping, wget } from './net-tools.ts';
import { netstat } from './netstat.ts';
import { type Daemon, derive, exited, getEnv, type Proc, type ProcResult } from './process.ts';
import { arp, ifconfig, route, traceroute } from './route-tools.ts';
import { runScript } from './shell.ts';
import { cut, grep, head, sort, tail, wc } from './text-utils.ts';
import { id, whoami } from './users.ts';

type Program = (proc: Proc) => ProcResult;

const daemon = (d: Partial<Daemon> = {}): ProcResult => ({
  daemon: {
    listeners: d.listeners ?? [],
    termCode: d.termCode ?? null,
    ...(d.exitAfterMs !== undefined ? { exitAfterMs: d.exitAfterMs } : {}),
  },
});

const programs: Record<string, Program> = {
  echo(p) {
    let args = p.argv.slice(1);
    let newline = true;
    if (args[0] === '-n') {
      newline = false;
      args = args.slice(1);
    }
    p.out(args.join(' ') + (newline ? '\n' : ''));
    return exited(0);
  },
  printf(p) {
    const fmt = p.argv[1] ?? '';
    let i = 2;
    const text = fmt
      .replace(/%[sd]/g, () => p.argv[i++] ?? '')
      .replace(/\\n/g, '\n')
      .replace(/\\t/g, '\t');
    p.out(text);
    return exited(0);
  },
  true: () => exited(0),
  false: () => exited(1),
  pwd(p) {
    p.out(`${p.cwd}\n`);
    return exited(0);
  },
  env(p) {
    if (p.argv.length > 1) {
      // `env VAR=x cmd`
      const assigns: string[] = [];
      let k = 1;
      while (k < p.argv.length && p.argv[k]!.includes('=')) assigns.push(p.argv[k++]!);
      if (k < p.argv.length)
        return runProgram(derive(p, { argv: p.argv.slice(k), env: [...p.env, ...assigns] }));
      p.out([...p.env, ...assigns].map((e) => `${e}\n`).join(''));
      return exited(0);
    }
    p.out(p.env.map((e) => `${e}\n`).join(''));
    return exited(0);
  },
  printenv(p) {
    if (p.argv[1]) {
      const v = getEnv(p, p.argv[1]);
      if (v === undefined) return exited(1);
      p.out(`${v}\n`);
      return exited(0);
    }
    p.out(p.env.map((e) => `${e}\n`).join(''));
    return exited(0);
  },
  sleep(p) {
    const arg = p.argv[1];
    if (!arg) {
      p.err('BusyBox v1.35.0 multi-call binary.\n\nUsage: sleep [N]...\n');
      return exited(1);
    }
    const m = /^(\d+(?:\.\d+)?)([smhd]?)$/.exec(arg);
    if (!m) {
      p.err(`sleep: invalid number '${arg}'\n`);
      return exited(1);
    }
    const unit = { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[m[2] as '' | 's' | 'm' | 'h' | 'd'];
    const ms = Number(m[1]) * unit * 1000;
    if (p.main) return daemon({ exitAfterMs: ms });
    return exited(0);
  },
  cat(p) {
    const files = p.argv.slice(1);
    if (files.length === 0) {
      p.out(p.stdin);
      return exited(0);
    }
    let code = 0;
    for (const f of files) {
      const path = normalizePath(p.cwd, f);
      if (isDir(p.container, path)) {
        p.err(`cat: read error: Is a directory\n`);
        code = 1;
        continue;
      }
      const text = readFile(p.engine, p.container, path);
      if (text === null) {
        p.err(`cat: can't open '${f}': No such file or directory\n`);
        code = 1;
      } else p.out(text);
    }
    return exited(code);
  },
  ls(p) {
    const args = p.argv.slice(1).filter((a) => !a.startsWith('-'));
    const targets = args.length ? args : ['.'];
    let code = 0;
    for (const t of targets) {
      const path = normalizePath(p.cwd, t);
      if (isDir(p.container, path)) {
        const entries = listDir(p.container, path);
        if (targets.length > 1) p.out(`${t}:\n`);
        if (entries.length) p.out(`${entries.join('\n')}\n`);
      } else if (readFile(p.engine, p.container, path) !== null) p.out(`${t}\n`);
      else {
        p.err(`ls: ${t}: No such file or directory\n`);
        code = 1;
      }
    }
    return exited(code);
  },
  mkdir(p) {
    for (const d of p.argv.slice(1).filter((a) => !a.startsWith('-')))
      makeDir(p.container, normalizePath(p.cwd, d));
    return exited(0);
  },
  touch(p) {
    for (const f of p.argv.slice(1).filter((a) => !a.startsWith('-'))) {
      const path = normalizePath(p.cwd, f);
      if (readFile(p.engine, p.container, path) === null) writeFile(p.container, path, '');
    }
    return exited(0);
  },
  rm(p) {
    for (const f of p.argv.slice(1).filter((a) => !a.startsWith('-'))) {
      removePath(p.engine, p.container, normalizePath(p.cwd, f));
    }
    return exited(0);
  },
  id,
  whoami,
  seq: applet(seq),
  expr: applet(expr),
  basename: applet(basename),
  dirname: applet(dirname),
  tty(p) {
    // Docker gives a process a terminal (`-t`) together with TERM.
    if (getEnv(p, 'TERM') === undefined) {
      p.out('not a tty\n');
      return exited(1);
    }
    p.out('/dev/pts/0\n');
    return exited(0);
  },
  uname(p) {
    const flag = p.argv[1] ?? '-s';
    const parts: Record<string, string> = {
      s: 'Linux',
      n: p.container.hostname,
      r: '5.15.0-91-generic',
      v: '#101-Ubuntu SMP Tue Nov 14 13:30:08 UTC 2023',
      m: 'x86_64',
      o: 'GNU/Linux',
    };
    if (flag === '-a') p.out(`${['s', 'n', 'r', 'v', 'm', 'o'].map((k) => parts[k]).join(' ')}\n`);
    else
      p.out(
        `${flag
          .slice(1)
          .split('')
          .map((k) => parts[k] ?? '')
          .join(' ')}\n`,
      );
    return exited(0);
  },
  ps(p) {
    const c = p.container;
    const cmd = [c.path, ...c.args].join(' ');
    p.out(`PID   USER     TIME  COMMAND\n    1 root      0:00 ${cmd}\n    7 root      0:00 ps\n`);
    return exited(0);
  },
  date(p) {
    const r = dateCommand(p.engine.nowMs(), p.argv.slice(1));
    p.out(r.out);
    p.err(r.err);
    return exited(r.code);
  },
  grep,
  tr: stdinApplet(tr),
  sort,
  cut,
  head,
  wc,
  tail,
  top(p) {
    return p.main ? daemon({}) : exited(0);
  },
  which(p) {
    const name = p.argv[1] ?? '';
    if (imageOf(p.engine, p.container).tools.has(name)) {
      p.out(`/usr/bin/${name}\n`);
      return exited(0);
    }
    return exited(1);
  },
  sh: shell,
  ash: shell,
  bash: shell,
  dash: shell,
  ip,
  route,
  ifconfig,
  arp,
  traceroute,
  ping,
  nslookup,
  hostname,
  wget,
  curl,
  httpd(p) {
    // busybox httpd: -f foreground, -p [IP:]PORT, -h HOME. Without -f it daemonizes and the
    // shell returns at once; a container whose main process returns exits.
    let port = 80;
    let home = p.cwd;
    let foreground = false;
    const a = p.argv.slice(1);
    for (let i = 0; i < a.length; i++) {
      const x = a[i]!;
      if (x === '-p') port = Number((a[++i] ?? '80').split(':').pop());
      else if (x === '-h') home = normalizePath(p.cwd, a[++i] ?? '.');
      else if (x === '-f') foreground = true;
      else if (x.startsWith('-') && x.includes('f')) foreground = true;
    }
    const listener = { port, proto: 'tcp' as const, kind: 'httpd' as const, root: home };
    if (foreground && p.main) return daemon({ listeners: [listener] });
    p.container.listeners = [...(p.container.listeners ?? []), listener];
    return exited(0);
  },
  nc: (p) => nc(p, runProgram),
  netstat,
  nginx(p) {
    if (p.argv.includes('-v') || p.argv.includes('-V')) {
      p.err('nginx version: nginx/1.25.3\n');
      return exited(0);
    }
    return daemon({ listeners: [{ port: 80, proto: 'tcp', kind: 'nginx' }], termCode: 0 });
  },
  '/docker-entrypoint.sh'(p) {
    if (p.argv[1] === 'nginx') {
      p.out(
        [
          '/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration',
          '/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/',
          '/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh',
          '10-listen-on-ipv6-by-default.sh: info: Getting the checksum of /etc/nginx/conf.d/default.conf',
          '10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf',
          '/docker-entrypoint.sh: Sourcing /docker-entrypoint.d/15-local-resolvers.envsh',
          '/docker-entrypoint.sh: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh',
          '/docker-entrypoint.sh: Launching /docker-entrypoint.d/30-tune-worker-processes.sh',
          '/docker-entrypoint.sh: Configuration complete; ready for start up',
          '',
        ].join('\n'),
      );
    }
    return runProgram(derive(p, { argv: p.argv.slice(1) }));
  },
  'httpd-foreground'(p) {
    p.err(
      "AH00558: httpd: Could not reliably determine the server's fully qualified domain name, using 172.17.0.2. Set the 'ServerName' directive globally to suppress this message\n",
    );
    return daemon({ listeners: [{ port: 80, proto: 'tcp', kind: 'apache' }], termCode: 0 });
  },
  'docker-entrypoint.sh'(p) {
    return runProgram(derive(p, { argv: p.argv.slice(1) }));
  },
  'redis-server'(p) {
    p.out(
      '1:C 01 Jan 2024 00:00:00.000 * oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo\n1:M 01 Jan 2024 00:00:00.000 * Ready to accept connections tcp\n',
    );
    return daemon({ listeners: [{ port: 6379, proto: 'tcp', kind: 'other' }], termCode: 0 });
  },
  postgres(p) {
    if (!getEnv(p, 'POSTGRES_PASSWORD') && getEnv(p, 'POSTGRES_HOST_AUTH_METHOD') !== 'trust') {
      p.err(
        'Error: Database is uninitialized and superuser password is not specified.\n       You must specify POSTGRES_PASSWORD to a non-empty value for the\n       superuser. For example, "-e POSTGRES_PASSWORD=password" on "docker run".\n',
      );
      return exited(1);
    }
    p.out('PostgreSQL init process complete; ready for start up.\n');
    p.err('LOG:  database system is ready to accept connections\n');
    return daemon({ listeners: [{ port: 5432, proto: 'tcp', kind: 'other' }], termCode: 0 });
  },
};

/** An applet that only computes from its arguments (`seq`, `expr`). */
function applet(fn: (args: string[]) => AppletResult): Program {
  return (p) => {
    const r = fn(p.argv.slice(1));
    p.out(r.out);
    p.err(r.err);
    return exited(r.code);
  };
}

/** A busybox applet of the sandbox host that reads nothing but its stdin (`tr`): the same in containers. */
function stdinApplet(program: HostProgram): Program {
  return (p) => {
    const term = new (class extends Terminal {
      override out(t: string) {
        p.out(t);
      }
      override err(t: string) {
        p.err(t);
      }
    })();
    const env = Object.fromEntries(
      p.env.map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]),
    );
    const code = program(p.engine, p.argv, term, { stdin: p.stdin, env, cwd: p.cwd, run: async () => 127 });
    return exited(typeof code === 'number' ? code : 0);
  };
}

function shell(p: Proc): ProcResult {
  const a = p.argv.slice(1);
  const name = p.argv[0] ?? 'sh';
  const c = a.indexOf('-c');
  if (c >= 0) {
    const script = a[c + 1];
    if (script === undefined) {
      p.err(`${name}: -c requires an argument\n`);
      return exited(2);
    }
    // `sh -c SCRIPT [ARG0 [ARGS...]]`
    return runScript(p, script, runProgram, a[c + 2] ?? name, a.slice(c + 3));
  }
  const k = a.findIndex((x) => !x.startsWith('-'));
  if (k >= 0) {
    const file = a[k]!;
    const text = readFile(p.engine, p.container, normalizePath(p.cwd, file));
    if (text === null) {
      p.err(`${name}: can't open '${file}': No such file or directory\n`);
      return exited(2);
    }
    return runScript(p, text, runProgram, file, a.slice(k + 1));
  }
  // An interactive shell keeps running while its stdin is open (`-i`) and nobody attached to it
  // will close it; else it reads its stdin to EOF.
  if (p.main && p.container.openStdin && !p.stdinAttached) return daemon({});
  const input = p.stdin;
  if (input) return runScript(derive(p, { stdin: '' }), input, runProgram, name);
  return exited(0);
}

export type Lookup =
  | { kind: 'ok'; name: string }
  | { kind: 'notfound' }
  | { kind: 'denied' }
  | { kind: 'nofile' };

/** Finds argv[0] the way execve through $PATH would in the container. */
export function lookupExecutable(p: Pick<Proc, 'engine' | 'container' | 'cwd'>, name: string): Lookup {
  const tools = imageOf(p.engine, p.container).tools;
  if (name.includes('/')) {
    const base = name.split('/').pop() ?? '';
    if (programs[name] && name === '/docker-entrypoint.sh') return { kind: 'ok', name };
    const path = normalizePath(p.cwd, name);
    if (/^\/(usr\/)?(local\/)?s?bin\//.test(path) && (tools.has(base) || base === 'busybox'))
      return { kind: 'ok', name: base };
    if (readFile(p.engine, p.container, path) !== null || isDir(p.container, path)) return { kind: 'denied' };
    return { kind: 'nofile' };
  }
  if (tools.has(name) && programs[name]) return { kind: 'ok', name };
  if (tools.has(name)) return { kind: 'ok', name };
  return { kind: 'notfound' };
}

/** Runs argv[0] if the image has it; the shell's message otherwise. */
export function runProgram(p: Proc): ProcResult {
  const name = p.argv[0] ?? '';
  if (name === 'busybox' || name === '/bin/busybox') return runProgram(derive(p, { argv: p.argv.slice(1) }));
  const found = lookupExecutable(p, name);
  if (found.kind === 'ok') {
    const prog = programs[found.name];
    if (prog) return prog(derive(p, { argv: [found.name, ...p.argv.slice(1)] }));
    // A program the image has that the simulator does not model: it runs and succeeds quietly.
    return exited(0);
  }
  if (found.kind === 'denied') {
    p.err(`sh: ${name}: Permission denied\n`);
    return exited(126);
  }
  p.err(`sh: ${name}: not found\n`);
  return exited(127);
}

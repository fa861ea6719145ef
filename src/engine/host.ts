/**
 * The sandbox host's command line: what a student types (`docker ps -q | wc -l`, `curl ...`,
 * `docker-compose ...`), run as busybox `sh -c LINE` would run it on the Docker-in-Docker host:
 * the whole shell language (`src/shell/`), over simulated programs only.
 * Nothing here starts a real process or sends real traffic.
 */
import { runShellAsync, type ShellFs } from '../shell/interp.ts';
import { runDocker } from './cli/docker.ts';
import { type CommandResult, Terminal } from './cli/terminal.ts';
import type { Engine } from './engine.ts';
import { hostFiles } from './host-programs/host-fs.ts';
import { basename, dirname, expr, seq } from './tools/calc.ts';
import './host-programs/index.ts';
import { type HostIo, hostProgram, registerHostProgram } from './host-programs/registry.ts';

export {
  type HostIo,
  type HostProgram,
  hostPrograms,
  registerHostProgram,
} from './host-programs/registry.ts';

registerHostProgram(
  'docker',
  async (engine, argv, term, io) =>
    (await runDocker(engine, argv.slice(1), term, dockerReadsStdin(argv) ? io.stdin : '', io.env)).exitCode,
);

// The applets scripts compute with, the same as in containers.
for (const [name, fn] of Object.entries({ seq, expr, basename, dirname })) {
  registerHostProgram(name, (_e, argv, term) => {
    const r = fn(argv.slice(1));
    term.out(r.out);
    term.err(r.err);
    return r.code;
  });
}

/**
 * Whether the docker CLI reads its stdin for these arguments (`run -i`, `exec -i`, `start -ai`,
 * `attach`, `load`, `login --password-stdin`, `-` as a file): it leaves it alone otherwise, so a
 * loop reading lines (`... | while read n; do docker rm $n; done`) keeps them.
 */
function dockerReadsStdin(argv: string[]): boolean {
  return argv.some(
    (a) =>
      /^-[a-zA-Z]*i[a-zA-Z]*$/.test(a) ||
      ['--interactive', '--interactive=true', 'attach', 'load', '--password-stdin', '-'].includes(a),
  );
}

/**
 * Busybox applets the real host has (its `sh` runs any applet) that the simulator does not
 * model: they answer that they are not available instead of pretending to work.
 */
const UNMODELLED_APPLETS = new Set(
  `ar arp arping ash base64 bc blockdev brctl bunzip2 bzcat bzip2 cal chgrp chmod chown chroot
  clear cmp cp cpio crc32 crond crontab dc dd df diff dmesg dnsdomainname du ed expand
  factor fallocate find fold free fsfreeze ftpget ftpput getopt groups gunzip gzip halt hexdump hostid
  httpd ifconfig ifdown ifup init ionice ipcalc ipneigh kill killall last less link ln logger login
  logname losetup lsmod lzcat lzma md5sum microcom mkfifo mknod mktemp modinfo modprobe more mount mt mv
  nc netstat nl nproc nsenter od passwd paste patch pidof ping6 poweroff ps readlink realpath reboot renice
  reset rm rmdir route run-parts setsid sha1sum sha256sum sha512sum shred shuf stat strings stty su sync
  sysctl tar taskset tc telnet tftp time top touch traceroute traceroute6 truncate tty udhcpc umount
  uncompress unexpand unlink unshare unxz unzip uptime usleep uudecode uuencode vi w watch who xxd xz
  xzcat yes zcat containerd dockerd runc iptables ip6tables containerd-shim-runc-v2 docker-proxy
  docker-init busybox`.split(/\s+/),
);

/** Steps (commands, loop rounds) one line may run: a loop that never ends stops there. */
const HOST_STEPS = 20_000;

/** Runs one line on the sandbox host. Never throws for bad input: the shell's message comes back instead. */
export async function runHostLine(engine: Engine, line: string): Promise<CommandResult> {
  const term = new Terminal();
  const files = hostFiles(engine);
  const fs: ShellFs = {
    read: (path) => (path === '/dev/null' ? '' : files.read(path)),
    write(path, text, append) {
      if (!files.writable(path)) return false;
      files.write(path, text, append);
      return true;
    },
    isDir: (path) => files.isDir(path),
    list: (path) => files.list(path),
  };
  const end = await runShellAsync(
    line,
    {
      fs,
      env: Object.entries(HOST_ENV).map(([k, v]) => `${k}=${v}`),
      cwd: '/',
      arg0: 'sh',
      stdin: () => '',
      out: (t) => term.out(t),
      err: (t) => term.err(t),
      pid: 87,
      stepBudget: HOST_STEPS,
    },
    async (req) => {
      const out = new ForwardingTerminal(req.out, req.err);
      return { code: await runHostProgram(engine, req.argv, req.env, req.cwd, req.readStdin, out) };
    },
  );
  const exitCode = end.kind === 'exit' ? end.code : end.kind === 'killed' ? 137 : 130;
  return { stdout: term.stdout, stderr: term.stderr, combined: term.combined, exitCode };
}

/** A terminal whose writes go where the shell routes them (redirections, pipes). */
class ForwardingTerminal extends Terminal {
  constructor(
    private readonly toOut: (t: string) => void,
    private readonly toErr: (t: string) => void,
  ) {
    super();
  }
  override out(text: string): void {
    super.out(text);
    this.toOut(text);
  }
  override err(text: string): void {
    super.err(text);
    this.toErr(text);
  }
}

const HOST_ENV: Record<string, string> = {
  HOSTNAME: 'sandbox',
  SHLVL: '1',
  HOME: '/',
  PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  PWD: '/',
};

/** Runs a program of the host (the shell's builtins are the interpreter's). */
async function runHostProgram(
  engine: Engine,
  argv: string[],
  envList: string[],
  cwd: string,
  readStdin: () => string,
  term: Terminal,
): Promise<number> {
  const name = argv[0]!;
  const base = name.replace(/^\/(usr\/)?(s?bin)\//, '');
  const program = hostProgram(base);
  if (!program || (name.includes('/') && base === name)) {
    if (UNMODELLED_APPLETS.has(base)) {
      term.eprintln(`sh: ${name}: not available in this sandbox`);
      return 127;
    }
    term.eprintln(`sh: ${name}: not found`);
    return 127;
  }
  const env: Record<string, string> = {};
  for (const e of envList) {
    const eq = e.indexOf('=');
    env[e.slice(0, eq)] = e.slice(eq + 1);
  }
  const io: HostIo = {
    // Read only if the program reads it: what it leaves is the next command's.
    get stdin() {
      return readStdin();
    },
    env,
    cwd,
    run: (args, t) => runHostProgram(engine, args, envList, cwd, readStdin, t),
  };
  return program(engine, [base, ...argv.slice(1)], term, io);
}

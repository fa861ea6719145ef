/**
 * The sandbox host's command line: what a student types (`docker ps -q | wc -l`, `curl ...`,
 * `docker-compose ...`), run as busybox `sh -c LINE` would run it on the Docker-in-Docker host:
 * `;`, `&&`, `||`, pipes, redirections, variables and `$(...)`, over simulated programs only.
 * Nothing here starts a real process or sends real traffic.
 */
import {
  type AndOrItem,
  parseScript,
  type SimpleCommand,
  UnsupportedSyntax,
  type Word,
} from '../shell/script.ts';
import { ShellSyntaxError } from '../shell/split-words.ts';
import { runDocker } from './cli/docker.ts';
import { type CommandResult, Terminal } from './cli/terminal.ts';
import type { Engine } from './engine.ts';
import { hostFiles } from './host-programs/host-fs.ts';
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
  async (engine, argv, term, io) => (await runDocker(engine, argv.slice(1), term, io.stdin)).exitCode,
);

/**
 * Busybox applets the real host has (its `sh` runs any applet) that the simulator does not
 * model: they answer that they are not available instead of pretending to work.
 */
const UNMODELLED_APPLETS = new Set(
  `ar arp arping ash base64 basename bc blockdev brctl bunzip2 bzcat bzip2 cal chgrp chmod chown chroot
  clear cmp cp cpio crc32 crond crontab date dc dd df diff dirname dmesg dnsdomainname du ed expand expr
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

/** Runs one line on the sandbox host. Never throws for bad input: the shell's message comes back instead. */
export async function runHostLine(engine: Engine, line: string): Promise<CommandResult> {
  const term = new Terminal();
  const shell = new HostShell(engine);
  const exitCode = await shell.runLine(line, term);
  return { stdout: term.stdout, stderr: term.stderr, combined: term.combined, exitCode };
}

/** A terminal that remembers the order of its writes, so redirections can route them later. */
class RecordingTerminal extends Terminal {
  chunks: Array<{ fd: 1 | 2; text: string }> = [];
  override out(text: string): void {
    super.out(text);
    this.chunks.push({ fd: 1, text });
  }
  override err(text: string): void {
    super.err(text);
    this.chunks.push({ fd: 2, text });
  }
}

const HOST_ENV: Record<string, string> = {
  HOSTNAME: 'sandbox',
  SHLVL: '1',
  HOME: '/',
  PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  PWD: '/',
};

/** One `sh -c LINE` on the sandbox host: its variables, exported names, cwd and `$?`. */
class HostShell {
  private vars: Record<string, string> = { ...HOST_ENV };
  private exported = new Set(Object.keys(HOST_ENV));
  private cwd = '/';
  private status = 0;
  private exitRequested: number | null = null;

  constructor(private readonly engine: Engine) {}

  async runLine(line: string, term: Terminal): Promise<number> {
    let items: AndOrItem[];
    try {
      items = parseScript(line);
    } catch (e) {
      if (e instanceof ShellSyntaxError) {
        term.eprintln(`sh: syntax error: ${e.message}`);
        return 2;
      }
      if (e instanceof UnsupportedSyntax) {
        term.eprintln(
          `sh: '${e.operator}' is not supported here: the sandbox runs simple commands, pipes and ; && || in the foreground`,
        );
        return 2;
      }
      throw e;
    }
    for (const item of items) {
      if (item.op === '&&' && this.status !== 0) continue;
      if (item.op === '||' && this.status === 0) continue;
      this.status = await this.runPipeline(item.pipeline, term);
      if (this.exitRequested !== null) return this.exitRequested;
    }
    return this.status;
  }

  private async runPipeline(pipeline: SimpleCommand[], term: Terminal): Promise<number> {
    let stdin = '';
    let code = 0;
    for (let k = 0; k < pipeline.length; k++) {
      const last = k === pipeline.length - 1;
      const sink = new Terminal();
      code = await this.runCommand(pipeline[k]!, stdin, last ? term : sink, term);
      stdin = sink.stdout;
    }
    return code;
  }

  /** Expands a word into fields: unquoted expansions are split on blanks; no globbing. */
  private async expand(word: Word): Promise<string[]> {
    const fields: string[] = [];
    let cur = '';
    let has = false;
    for (const part of word) {
      let value: string;
      if (part.kind === 'lit') {
        cur += part.text;
        has ||= part.quoted || part.text !== '';
        continue;
      }
      if (part.kind === 'var') value = this.variable(part.name);
      else value = await this.substitute(part.script);
      if (part.quoted) {
        cur += value;
        has = true;
        continue;
      }
      const pieces = value.split(/[ \t\n]+/);
      for (let p = 0; p < pieces.length; p++) {
        if (p > 0) {
          if (has) fields.push(cur);
          cur = '';
          has = false;
        }
        cur += pieces[p];
        has ||= pieces[p] !== '';
      }
    }
    if (has) fields.push(cur);
    return fields;
  }

  private async expandOne(word: Word): Promise<string> {
    return (await this.expand(word)).join(' ');
  }

  private variable(name: string): string {
    if (name === '?') return String(this.status);
    if (name === '$') return '1';
    if (name === '#') return '0';
    if (name === '0') return 'sh';
    return this.vars[name] ?? '';
  }

  /** `$(...)`: runs the script in a subshell and takes its stdout without trailing newlines. */
  private async substitute(script: string): Promise<string> {
    const sub = new HostShell(this.engine);
    sub.vars = { ...this.vars };
    sub.exported = new Set(this.exported);
    sub.cwd = this.cwd;
    const t = new Terminal();
    const code = await sub.runLine(script, t);
    this.status = code;
    this.pendingStderr += t.stderr;
    return t.stdout.replace(/\n+$/, '');
  }

  private pendingStderr = '';

  private async runCommand(
    cmd: SimpleCommand,
    stdin: string,
    out: Terminal,
    errTerm: Terminal,
  ): Promise<number> {
    const argv: string[] = [];
    for (const w of cmd.words) argv.push(...(await this.expand(w)));
    const assigns: Record<string, string> = {};
    for (const a of cmd.assigns) assigns[a.name] = await this.expandOne(a.value);
    if (this.pendingStderr) {
      errTerm.err(this.pendingStderr);
      this.pendingStderr = '';
    }
    // Redirections, in order: where fd 1 and 2 end up, and what stdin is.
    type Dest = { kind: 'term' | 'errterm' | 'null' } | { kind: 'file'; path: string; append: boolean };
    let fd1: Dest = { kind: 'term' };
    let fd2: Dest = { kind: 'errterm' };
    for (const r of cmd.redirects) {
      const target = await this.expandOne(r.target);
      if (r.op === '<') {
        const content = this.readHostFile(target);
        if (content === null) {
          errTerm.eprintln(`sh: can't open '${target}': No such file or directory`);
          return 1;
        }
        stdin = content;
        continue;
      }
      let dest: Dest;
      if (r.op === '>&') {
        if (target === '1') dest = fd1;
        else if (target === '2') dest = fd2;
        else {
          errTerm.eprintln(`sh: ${target}: bad file descriptor`);
          return 1;
        }
      } else if (target === '/dev/null') dest = { kind: 'null' };
      else if (target === '/dev/stderr') dest = { kind: 'errterm' };
      else if (target === '/dev/stdout') dest = fd1;
      else {
        const path = this.absolute(target);
        if (!hostFiles(this.engine).writable(path)) {
          errTerm.eprintln(`sh: can't create ${target}: nonexistent directory`);
          return 1;
        }
        dest = { kind: 'file', path, append: r.op === '>>' };
        if (r.op === '>') hostFiles(this.engine).write(path, '');
      }
      if (r.fd === 1) fd1 = dest;
      else if (r.fd === 2) fd2 = dest;
    }
    if (argv.length === 0) {
      // `A=1` alone sets a shell variable.
      Object.assign(this.vars, assigns);
      return this.status;
    }
    const rec = new RecordingTerminal();
    const code = await this.exec(argv, assigns, stdin, rec);
    for (const chunk of rec.chunks) {
      const dest = chunk.fd === 1 ? fd1 : fd2;
      if (dest.kind === 'term') out.out(chunk.text);
      else if (dest.kind === 'errterm') errTerm.err(chunk.text);
      else if (dest.kind === 'file') hostFiles(this.engine).write(dest.path, chunk.text, true);
    }
    return code;
  }

  private absolute(path: string): string {
    if (path.startsWith('/')) return path;
    return `${this.cwd === '/' ? '' : this.cwd}/${path}`;
  }

  private readHostFile(path: string): string | null {
    if (path === '/dev/null') return '';
    return hostFiles(this.engine).read(this.absolute(path));
  }

  private io(stdin: string, assigns: Record<string, string>): HostIo {
    const env: Record<string, string> = {};
    for (const k of Object.keys(this.vars)) if (this.exported.has(k)) env[k] = this.vars[k]!;
    Object.assign(env, assigns);
    return {
      stdin,
      env,
      cwd: this.cwd,
      run: (argv, term) => this.exec(argv, {}, stdin, term),
    };
  }

  /** Builtins first, then programs, as ash looks them up. */
  private async exec(
    argv: string[],
    assigns: Record<string, string>,
    stdin: string,
    term: Terminal,
  ): Promise<number> {
    const name = argv[0]!;
    switch (name) {
      case 'cd': {
        const dir = this.absolute(argv[1] ?? this.vars.HOME ?? '/').replace(/(.)\/+$/, '$1');
        if (!hostFiles(this.engine).isDir(dir)) {
          term.eprintln(`sh: cd: can't cd to ${argv[1]}: No such file or directory`);
          return 2;
        }
        this.cwd = dir;
        this.vars.PWD = dir;
        return 0;
      }
      case 'export':
        for (const a of argv.slice(1)) {
          const eq = a.indexOf('=');
          const key = eq >= 0 ? a.slice(0, eq) : a;
          if (eq >= 0) this.vars[key] = a.slice(eq + 1);
          this.exported.add(key);
        }
        return 0;
      case 'unset':
        for (const a of argv.slice(1)) delete this.vars[a];
        return 0;
      case 'exit': {
        const code = argv[1] === undefined ? this.status : Number(argv[1]) & 255;
        this.exitRequested = code;
        return code;
      }
      case ':':
        return 0;
    }
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
    return program(this.engine, [base, ...argv.slice(1)], term, this.io(stdin, assigns));
  }
}

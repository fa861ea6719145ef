/**
 * The sandbox host's files as its shell sees them (recorded from the oracle's Docker-in-Docker
 * host, Debian 12 with busybox): fixed system files derived from the engine, the directories
 * `ls` shows, and what students or compose saved (`EngineState.files`, by absolute path).
 */
import { isHostDir, readHostFile, writeHostFile } from '../compose/host-files.ts';
import type { Engine } from '../engine.ts';

export const HOST_DIRS: Record<string, string[]> = {
  '/': [
    'bin',
    'dev',
    'entry.sh',
    'etc',
    'lib',
    'lib64',
    'opt',
    'proc',
    'run',
    'sbin',
    'sys',
    'tmp',
    'usr',
    'var',
  ],
  '/bin': [
    'busybox',
    'cat',
    'echo',
    'grep',
    'head',
    'hostname',
    'ip',
    'ls',
    'mkdir',
    'mount',
    'nslookup',
    'ping',
    'sed',
    'sh',
    'sleep',
    'tail',
    'wget',
  ],
  '/etc': ['docker', 'hostname', 'hosts', 'mtab', 'os-release', 'resolv.conf'],
  '/sbin': [],
  '/tmp': [],
  '/usr': ['bin', 'lib', 'libexec', 'sbin', 'share'],
  '/usr/bin': ['containerd', 'containerd-shim-runc-v2', 'curl', 'docker', 'docker-init'],
  '/usr/sbin': [
    'docker-proxy',
    'dockerd',
    'ip6tables',
    'ip6tables-restore',
    'ip6tables-save',
    'iptables',
    'iptables-restore',
    'iptables-save',
    'runc',
    'xtables-legacy-multi',
    'xtables-nft-multi',
  ],
  '/var': ['lib', 'run'],
};

function systemFile(engine: Engine, path: string): string | null {
  const d = engine.state.daemon;
  switch (path) {
    case '/etc/hostname':
      return `${d.hostname}\n`;
    case '/etc/hosts':
      return (
        '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\n' +
        `ff00::0\tip6-mcastprefix\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n${d.hostIp}\t${d.hostname}\n`
      );
    case '/etc/resolv.conf':
      return 'nameserver 127.0.0.11\noptions ndots:0\n';
    case '/etc/os-release':
      return 'NAME="Debian GNU/Linux"\nID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n';
    default:
      return null;
  }
}

export interface HostFiles {
  read(path: string): string | null;
  write(path: string, text: string, append?: boolean): void;
  isDir(path: string): boolean;
  /** Whether a file can be created at `path` (its directory exists). */
  writable(path: string): boolean;
  /** Entries of a directory, sorted; null when it is not one. */
  list(path: string): string[] | null;
}

export function hostFiles(engine: Engine): HostFiles {
  const isDir = (path: string) => path in HOST_DIRS || isHostDir(engine, path);
  const parent = (path: string) => path.slice(0, path.lastIndexOf('/')) || '/';
  return {
    read: (path) => systemFile(engine, path) ?? readHostFile(engine, path),
    write(path, text, append = false) {
      const before = append ? (readHostFile(engine, path) ?? '') : '';
      writeHostFile(engine, path, before + text);
    },
    isDir,
    writable: (path) => isDir(parent(path)) && !(path in HOST_DIRS),
    list(path) {
      if (!isDir(path)) return null;
      const names = new Set(HOST_DIRS[path] ?? []);
      const prefix = path === '/' ? '/' : `${path}/`;
      for (const f of Object.keys(engine.state.files)) {
        if (!f.startsWith(prefix) || f.startsWith('/var/lib/docker/')) continue;
        names.add(f.slice(prefix.length).split('/')[0]!);
      }
      return [...names].sort();
    },
  };
}

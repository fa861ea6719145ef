/**
 * A container's file system, as far as the tools need one: the image's base layout, the files
 * Docker generates (/etc/hosts, /etc/resolv.conf, /etc/hostname) and what processes wrote.
 */
import type { Engine } from '../engine.ts';
import { catalogFor } from '../images/catalog.ts';
import type { ContainerRecord } from '../model/state.ts';
import { hostsFile, interfaces, isHostMode, resolvConf } from './netinfo.ts';
import { procNetArp } from './route-tools.ts';

const BASE_DIRS = [
  '/',
  '/bin',
  '/dev',
  '/etc',
  '/home',
  '/lib',
  '/media',
  '/mnt',
  '/opt',
  '/proc',
  '/root',
  '/run',
  '/sbin',
  '/srv',
  '/sys',
  '/tmp',
  '/usr',
  '/usr/bin',
  '/usr/sbin',
  '/usr/local',
  '/usr/local/bin',
  '/var',
  '/var/www',
  '/var/log',
];

/** The course's alpine image (a busybox userland) has root alone and no /etc/group. */
const PASSWD = 'root:x:0:0:root:/root:/bin/ash\n';

export function normalizePath(cwd: string, path: string): string {
  const abs = path.startsWith('/') ? path : `${cwd.replace(/\/$/, '')}/${path}`;
  const parts: string[] = [];
  for (const p of abs.split('/')) {
    if (p === '' || p === '.') continue;
    if (p === '..') parts.pop();
    else parts.push(p);
  }
  return `/${parts.join('/')}`;
}

/** The generated and image files, then what was written. */
export function readFile(engine: Engine, c: ContainerRecord, path: string): string | null {
  const written = c.files?.[path];
  if (written !== undefined) return written;
  switch (path) {
    case '/etc/hosts':
      return hostsFile(engine, c);
    case '/etc/resolv.conf':
      return resolvConf(engine, c);
    case '/etc/hostname':
      return `${c.hostname}\n`;
    case '/etc/os-release': {
      const rel = imageOf(engine, c).osRelease;
      return rel || null;
    }
    case '/etc/passwd':
      return PASSWD;
    case '/proc/1/cmdline':
      return [c.path, ...c.args].join('\0');
    case '/proc/net/arp':
      return procNetArp({ engine, container: c });
  }
  const sys = /^\/sys\/class\/net\/([^/]+)\/(mtu|address)$/.exec(path);
  if (sys) {
    if (sys[1] === 'lo') return sys[2] === 'mtu' ? '65536\n' : '00:00:00:00:00:00\n';
    const i = isHostMode(engine, c) ? undefined : interfaces(engine, c).find((x) => x.name === sys[1]);
    if (i) return sys[2] === 'mtu' ? `${i.network.driver === 'overlay' ? 1450 : 1500}\n` : `${i.mac}\n`;
  }
  return null;
}

export function imageOf(engine: Engine, c: ContainerRecord) {
  const img = engine.state.images.find((i) => i.id === c.imageId);
  return catalogFor(img?.catalog ?? c.imageRef.split(':')[0] ?? 'alpine');
}

export function isDir(c: ContainerRecord, path: string): boolean {
  if (BASE_DIRS.includes(path)) return true;
  return (
    (c.files?.[`${path}/`] ?? null) !== null ||
    Object.keys(c.files ?? {}).some((f) => f.startsWith(`${path}/`))
  );
}

export function writeFile(c: ContainerRecord, path: string, content: string, append = false): void {
  c.files ??= {};
  c.files[path] = append ? (c.files[path] ?? '') + content : content;
}

export function makeDir(c: ContainerRecord, path: string): void {
  c.files ??= {};
  c.files[`${path}/`] = '';
}

/** Entries directly under `dir`. */
export function listDir(c: ContainerRecord, dir: string): string[] {
  const prefix = dir === '/' ? '/' : `${dir}/`;
  const names = new Set<string>();
  const base = [
    ...BASE_DIRS,
    '/etc/hosts',
    '/etc/resolv.conf',
    '/etc/hostname',
    '/etc/passwd',
    '/etc/mtab',
    '/etc/os-release',
  ];
  for (const p of [...base, ...Object.keys(c.files ?? {})]) {
    if (!p.startsWith(prefix) || p === prefix) continue;
    const rest = p.slice(prefix.length).replace(/\/$/, '');
    const first = rest.split('/')[0];
    if (first) names.add(first);
  }
  return [...names].sort();
}

export function exists(engine: Engine, c: ContainerRecord, path: string): boolean {
  return isDir(c, path) || readFile(engine, c, path) !== null;
}

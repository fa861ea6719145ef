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

/** Files Docker mounts into every container (not in its layer: `rm` cannot hide them). */
const MOUNTED_FILES = ['/etc/hosts', '/etc/resolv.conf', '/etc/hostname'];

/** Files of the image itself. */
const IMAGE_FILES = ['/etc/passwd', '/etc/mtab', '/etc/os-release'];

/** Whether `path` is gone from the container: it, or a directory above it, was removed. */
export function isDeleted(c: ContainerRecord, path: string): boolean {
  return (c.deletedPaths ?? []).some((d) => path === d || path.startsWith(`${d}/`));
}

/** The generated and image files, then what was written. */
export function readFile(engine: Engine, c: ContainerRecord, path: string): string | null {
  const written = c.files?.[path];
  if (written !== undefined) return written;
  if (isDeleted(c, path)) return null;
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
  if (c.files?.[`${path}/`] !== undefined) return true;
  if (isDeleted(c, path)) return Object.keys(c.files ?? {}).some((f) => f.startsWith(`${path}/`));
  if (BASE_DIRS.includes(path)) return true;
  return (
    (c.files?.[`${path}/`] ?? null) !== null ||
    Object.keys(c.files ?? {}).some((f) => f.startsWith(`${path}/`))
  );
}

export function writeFile(c: ContainerRecord, path: string, content: string, append = false): void {
  undelete(c, path);
  c.files ??= {};
  c.files[path] = append ? (c.files[path] ?? '') + content : content;
}

export function makeDir(c: ContainerRecord, path: string): void {
  undelete(c, path);
  c.files ??= {};
  c.files[`${path}/`] = '';
}

/** A path written again after its removal is there again (and the directories above it). */
function undelete(c: ContainerRecord, path: string): void {
  if (!c.deletedPaths) return;
  c.deletedPaths = c.deletedPaths.filter((d) => d !== path && !path.startsWith(`${d}/`));
  if (c.deletedPaths.length === 0) delete c.deletedPaths;
}

/**
 * `rm` (with `-r` for a directory): what the container wrote there goes, and what the image had
 * there is hidden (a whiteout in the container's layer). False when there was nothing.
 */
export function removePath(engine: Engine, c: ContainerRecord, path: string): boolean {
  const existed = exists(engine, c, path);
  for (const f of Object.keys(c.files ?? {})) {
    if (f === path || f === `${path}/` || f.startsWith(`${path}/`)) delete c.files![f];
  }
  // Docker's own files (/etc/hosts...) are mounts, not the image's: nothing to hide.
  if (existed && !MOUNTED_FILES.includes(path) && (exists(engine, c, path) || inImage(engine, c, path))) {
    c.deletedPaths = [...(c.deletedPaths ?? []), path];
  }
  return existed;
}

/** Whether the image itself has `path` (its base layout or a committed file). */
function inImage(engine: Engine, c: ContainerRecord, path: string): boolean {
  if (BASE_DIRS.includes(path) || IMAGE_FILES.includes(path)) return true;
  const img = engine.state.images.find((i) => i.id === c.imageId);
  const files = img?.commit?.files ?? {};
  return path in files || `${path}/` in files || Object.keys(files).some((f) => f.startsWith(`${path}/`));
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
  const written = Object.keys(c.files ?? {});
  for (const p of [...base.filter((b) => !isDeleted(c, b.replace(/\/$/, ''))), ...written]) {
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

/**
 * What the daemon tells about a container's insides: `GET /containers/{id}/top` (the host's `ps`
 * over the container's processes) and `GET /containers/{id}/changes` (its writable layer against
 * the image). Texts and statuses as Docker 20.10 (`daemon/top_unix.go`, `daemon/changes.go`).
 */

import type { Engine } from '../engine.ts';
import { conflict, serverError } from '../errors.ts';
import type { ContainerRecord } from '../model/state.ts';
import { getContainer, isRunning } from './containers.ts';
import { logContainerEvent } from './events.ts';

/** `container.ContainerTopOKBody`. */
export interface TopResult {
  Titles: string[];
  Processes: string[][];
}

/** `validatePSArgs`: ps may not be told to print another field as PID. */
function validatePsArgs(psArgs: string): void {
  for (const m of psArgs.matchAll(/\s+(\S*)=\s*(PID\S*)/g)) {
    if (m[1] !== 'pid') throw serverError(`specifying "${m[1]}=${m[2]}" is not allowed`);
  }
}

/** The main process as `ps -ef` (the daemon's default) or `ps aux` lists it. */
function psRows(engine: Engine, c: ContainerRecord, psArgs: string): TopResult {
  const cmd = [c.path, ...c.args].join(' ');
  const started = new Date(Date.parse(c.startedAt) || engine.nowMs()).toISOString();
  const stime = started.slice(11, 16);
  if (/^-?[a-z]*a[a-z]*u|^-?[a-z]*u[a-z]*a/.test(psArgs.trim())) {
    return {
      Titles: ['USER', 'PID', '%CPU', '%MEM', 'VSZ', 'RSS', 'TTY', 'STAT', 'START', 'TIME', 'COMMAND'],
      Processes: [['root', String(c.pid), '0.0', '0.0', '1604', '4', '?', 'Ss', stime, '0:00', cmd]],
    };
  }
  return {
    Titles: ['UID', 'PID', 'PPID', 'C', 'STIME', 'TTY', 'TIME', 'CMD'],
    Processes: [['root', String(c.pid), String(Math.max(1, c.pid - 21)), '0', stime, '?', '00:00:00', cmd]],
  };
}

/**
 * `GET /containers/{id}/top?ps_args=`. The daemon runs the sandbox host's `ps`; the hosts the course
 * recorded on had none (`daemon.hostPs === false`), and Docker said so.
 */
export function containerTop(engine: Engine, name: string, psArgs = ''): TopResult {
  const args = psArgs || '-ef';
  validatePsArgs(args);
  const c = getContainer(engine, name);
  if (!isRunning(c)) throw conflict(`Container ${c.id} is not running`);
  if (c.status === 'restarting') {
    throw conflict(`Container ${c.id} is restarting, wait until the container is running`);
  }
  if (engine.state.daemon.hostPs === false) {
    throw serverError('ps: exec: "ps": executable file not found in $PATH');
  }
  const rows = psRows(engine, c, args);
  logContainerEvent(engine, c, 'top');
  return rows;
}

/**
 * What the course's alpine image (a busybox userland) holds at its root, as recorded: a path
 * written below one of these changes it, anything else is added.
 */
const IMAGE_PATHS = new Set([
  '/bin',
  '/dev',
  '/etc',
  '/etc/mtab',
  '/etc/os-release',
  '/etc/passwd',
  '/linuxrc',
  '/proc',
  '/root',
  '/sbin',
  '/sys',
  '/tmp',
  '/usr',
  '/usr/bin',
  '/usr/sbin',
]);

/** Files Docker generates and bind-mounts into every container: not in its layer. */
const GENERATED_FILES = ['/etc/hosts', '/etc/resolv.conf', '/etc/hostname'];

/** `archive.Change`: Kind 0 modified, 1 added, 2 deleted. */
export interface Change {
  Path: string;
  Kind: 0 | 1 | 2;
}

/**
 * `GET /containers/{id}/changes`: what the container wrote, and the directories above it (changed
 * when the image has them, added when not). Docker's own files (`/etc/hosts`, `resolv.conf`,
 * `hostname`) and what lies under a mount are not in the layer; a mount point the image lacks is.
 * Null when nothing changed, as the daemon's nil slice. Docker walks a map, so its order varies;
 * this one is sorted by path.
 */
export function containerChanges(engine: Engine, name: string): Change[] | null {
  const c = getContainer(engine, name);
  const image = engine.state.images.find((i) => i.id === c.imageId);
  const imageFiles = image?.commit?.files ?? {};
  const inImage = (path: string) =>
    IMAGE_PATHS.has(path) ||
    path in imageFiles ||
    `${path}/` in imageFiles ||
    Object.keys(imageFiles).some((f) => f.startsWith(`${path}/`));
  const mounts = c.hostConfig.binds.map((b) => b.split(':')[1] ?? '').filter((t) => t.startsWith('/'));
  const underMount = (path: string) => mounts.some((m) => path.startsWith(`${m.replace(/\/$/, '')}/`));
  const changes = new Map<string, Change['Kind']>();
  const mark = (path: string) => {
    if (path === '/' || changes.has(path)) return;
    changes.set(path, inImage(path) ? 0 : 1);
  };
  const written = Object.entries(c.files ?? {})
    .filter(([path, content]) => imageFiles[path] !== content)
    .map(([path]) => path.replace(/(.)\/$/, '$1'));
  const markWithParents = (path: string) => {
    const parts = path.split('/').filter(Boolean);
    for (let i = 1; i <= parts.length; i++) mark(`/${parts.slice(0, i).join('/')}`);
  };
  for (const path of written) {
    if (GENERATED_FILES.includes(path) || mounts.includes(path) || underMount(path)) continue;
    markWithParents(path);
  }
  // The runtime makes a mount point the image lacks in the container's layer.
  for (const m of mounts) if (!inImage(m)) markWithParents(m);
  if (changes.size === 0) return null;
  return [...changes.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([Path, Kind]) => ({ Path, Kind }));
}

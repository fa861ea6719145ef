/**
 * What the daemon says about itself: `GET /version`, `GET /info`. The sandbox claims the Docker
 * Engine the oracle recordings were made with (Debian's 20.10.24+dfsg1, API 1.41, minimum 1.12).
 */
import type { Engine } from '../engine.ts';
import { EngineError } from '../errors.ts';
import type { ContainerRecord, ImageRecord } from '../model/state.ts';

/** Fixed facts of the simulated daemon and host. */
export const SYSTEM = {
  version: '20.10.24+dfsg1',
  apiVersion: '1.41',
  minApiVersion: '1.12',
  clientGitCommit: '297e128',
  gitCommit: '5d6db84',
  goVersion: 'go1.19.8',
  /** As the daemon reports it (`time.RFC3339Nano`-like, from Debian's build). */
  buildTime: '2026-05-07T21:09:36.000000000+00:00',
  os: 'linux',
  arch: 'amd64',
  kernelVersion: '6.18.44-fc-v657',
  operatingSystem: 'Debian GNU/Linux 12 (bookworm) (containerized)',
  osVersion: '12',
  architecture: 'x86_64',
  ncpu: 2,
  memTotal: 25275805696,
  containerd: { version: '1.6.20~ds1', commit: '1.6.20~ds1-1+deb12u3' },
  runc: { version: '1.1.5+ds1', commit: '1.1.5+ds1-1+deb12u1' },
  init: { version: '0.19.0', commit: '' },
  driver: 'vfs',
  rootDir: '/var/lib/docker',
} as const;

export interface ContainerCounts {
  total: number;
  running: number;
  paused: number;
  stopped: number;
}

export function containerCounts(engine: Engine): ContainerCounts {
  const all = engine.state.containers;
  const running = all.filter((c) => c.status === 'running' || c.status === 'restarting').length;
  const paused = all.filter((c) => c.status === 'paused').length;
  return { total: all.length, running, paused, stopped: all.length - running - paused };
}

/** `docker swarm` state as `GET /info` reports it. */
export function localNodeState(engine: Engine): 'inactive' | 'active' {
  return engine.state.swarm ? 'active' : 'inactive';
}

/** What `GET /system/df` and `docker system df` count. */
export interface DiskUsage {
  /** Bytes of all image layers (shared ones once). */
  layersSize: number;
  images: Array<{ image: ImageRecord; containers: number }>;
  /** Containers with the bytes they wrote (the simulator's file contents). */
  containers: Array<{ container: ContainerRecord; sizeRw: number }>;
}

export function diskUsage(engine: Engine): DiskUsage {
  const { images, containers } = engine.state;
  const users = (img: ImageRecord) => containers.filter((c) => c.imageId === img.id).length;
  return {
    layersSize: images.reduce((n, i) => n + i.size, 0),
    images: images.map((image) => ({ image, containers: users(image) })),
    containers: containers.map((container) => ({
      container,
      sizeRw: Object.values(container.files ?? {}).reduce((n, t) => n + Buffer.byteLength(t), 0),
    })),
  };
}

/** Go's `time.ParseDuration` (nanoseconds); its error texts, as thrown `Error`s. */
export function parseGoDuration(text: string): number {
  const invalid = () => new Error(`time: invalid duration ${JSON.stringify(text)}`);
  const units: Record<string, number> = {
    ns: 1,
    us: 1e3,
    µs: 1e3,
    μs: 1e3,
    ms: 1e6,
    s: 1e9,
    m: 60e9,
    h: 3600e9,
  };
  let s = text;
  let sign = 1;
  if (s[0] === '-' || s[0] === '+') {
    sign = s[0] === '-' ? -1 : 1;
    s = s.slice(1);
  }
  if (s === '0') return 0;
  if (s === '') throw invalid();
  let total = 0;
  while (s !== '') {
    const m = /^([0-9]*)(?:\.([0-9]*))?/.exec(s)!;
    if (!/^[0-9.]/.test(s) || (m[1] === '' && (m[2] ?? '') === '')) throw invalid();
    s = s.slice(m[0].length);
    const unit = /^[^0-9.]*/.exec(s)![0];
    if (unit === '') throw new Error(`time: missing unit in duration ${JSON.stringify(text)}`);
    s = s.slice(unit.length);
    const scale = units[unit];
    if (scale === undefined) {
      throw new Error(`time: unknown unit ${JSON.stringify(unit)} in duration ${JSON.stringify(text)}`);
    }
    total += Number(`${m[1] || '0'}.${m[2] ?? ''}0`) * scale;
    if (total > 2 ** 63) throw invalid();
  }
  return sign * total;
}

/** The build cache fields `docker builder prune --filter` takes (`cacheFields` of the builder). */
const CACHE_FILTERS = ['id', 'parent', 'type', 'description', 'inuse', 'shared', 'private'];

/**
 * `POST /build/prune`: the simulated daemon never builds, so its cache is empty and nothing is
 * deleted; the filters are still checked as BuildKit's prune checks them.
 */
export function buildCachePrune(
  _engine: Engine,
  filters: Record<string, string[]>,
): { CachesDeleted: string[] | null; SpaceReclaimed: number } {
  const fail = (status: 400 | 500, message: string) =>
    new EngineError(status, `failed to prune build cache: ${message}`);
  for (const key of Object.keys(filters)) {
    if (!['unused-for', 'until', 'label', 'label!', ...CACHE_FILTERS].includes(key)) {
      throw fail(400, `Invalid filter '${key}'`);
    }
  }
  const until = filters.until ?? [];
  const unusedFor = filters['unused-for'] ?? [];
  if (until.length && unusedFor.length) throw fail(400, 'conflicting filters: "until" and "unused-for"');
  const durations = [...until, ...unusedFor];
  if (durations.length > 1) throw fail(400, 'filters expect only one value');
  if (durations.length === 1) {
    try {
      parseGoDuration(durations[0]!);
    } catch (e) {
      const key = unusedFor.length ? 'unused-for' : 'until';
      throw fail(500, `"${key}" filter expects a duration (e.g., '24h'): ${(e as Error).message}`);
    }
  }
  for (const key of CACHE_FILTERS) {
    if ((filters[key]?.length ?? 0) > 1) throw fail(400, 'filters expect only one value');
  }
  return { CachesDeleted: null, SpaceReclaimed: 0 };
}

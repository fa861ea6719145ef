/**
 * A container's mounts, as the daemon keeps its `MountPoints`: the binds of `-v SRC:DST[:MODE]` (a
 * named volume, or a path of the host) and the anonymous volumes it makes at create for the paths
 * `Config.Volumes` names that no bind covers (`-v /data`, `"Volumes":{"/data":{}}`), each a local
 * volume named by 64 hex digits. `docker rm -v` and an `--rm` container's removal take the
 * anonymous ones with them; named volumes stay (`removeMountPoints`).
 * Volumes are kept where `ops/volumes.ts` keeps them (this module does not import it: it is
 * loaded by `ops/containers.ts`, which that one imports).
 */
import type { Engine } from '../engine.ts';
import type { ContainerRecord } from '../model/state.ts';

const VOLUMES_ROOT = '/var/lib/docker/volumes/';

/** `types.MountPoint`, in its JSON field order (`Name` and `Driver` left out when empty). */
export interface MountPoint {
  Type: 'volume' | 'bind';
  Name?: string;
  Source: string;
  Destination: string;
  Driver?: string;
  Mode: string;
  RW: boolean;
  Propagation: string;
}

/** `SRC:DST[:MODE]` as the Linux parser splits it; a lone path is a volume destination, not a bind. */
export function parseBind(spec: string): { source: string; destination: string; mode: string } | null {
  const parts = spec.split(':');
  if (parts.length < 2) return null;
  return { source: parts[0]!, destination: parts[1]!, mode: parts.slice(2).join(':') };
}

/** The anonymous volumes' names, for the volume store's references. */
export function anonymousVolumeNames(c: ContainerRecord): string[] {
  return (c.anonVolumes ?? []).map((v) => v.name);
}

/** The container's mount points: its binds in order, then its anonymous volumes. */
export function containerMounts(c: ContainerRecord): MountPoint[] {
  const out: MountPoint[] = [];
  for (const spec of c.hostConfig.binds) {
    const b = parseBind(spec);
    if (!b) continue;
    const modes = b.mode.split(',').filter(Boolean);
    const rw = !modes.includes('ro');
    const mode = modes.filter((m) => m !== 'rw' && m !== 'ro').join(',');
    if (b.source.startsWith('/')) {
      out.push({
        Type: 'bind',
        Source: b.source,
        Destination: b.destination,
        Mode: mode,
        RW: rw,
        Propagation: 'rprivate',
      });
    } else {
      out.push({
        Type: 'volume',
        Name: b.source,
        Source: `${VOLUMES_ROOT}${b.source}/_data`,
        Destination: b.destination,
        Driver: 'local',
        // A named volume is relabelled shared (`z`) unless the bind says otherwise.
        Mode: mode || 'z',
        RW: rw,
        Propagation: '',
      });
    }
  }
  for (const v of c.anonVolumes ?? []) {
    out.push({
      Type: 'volume',
      Name: v.name,
      Source: `${VOLUMES_ROOT}${v.name}/_data`,
      Destination: v.destination,
      Driver: 'local',
      Mode: '',
      RW: true,
      Propagation: '',
    });
  }
  return out;
}

/**
 * At create: `Config.Volumes` kept on the container, and a new anonymous volume for each of its
 * paths no bind mounts over (a path named twice gets one).
 */
export function createAnonymousVolumes(
  engine: Engine,
  c: ContainerRecord,
  volumes: Record<string, unknown> | null | undefined,
): void {
  const paths = Object.keys(volumes ?? {});
  if (paths.length === 0) return;
  c.configVolumes = paths;
  const bound = new Set(c.hostConfig.binds.flatMap((b) => parseBind(b)?.destination ?? []));
  for (const destination of paths) {
    if (bound.has(destination)) continue;
    const name = engine.ids.hex64();
    engine.state.files[`${VOLUMES_ROOT}${name}/opts.json`] = JSON.stringify({
      Driver: 'local',
      Labels: null,
      Options: null,
      CreatedAt: engine.now().replace(/\.\d+/, ''),
    });
    c.anonVolumes = [...(c.anonVolumes ?? []), { name, destination }];
    bound.add(destination);
  }
}

/** `rm -v`, `--rm`: the container's anonymous volumes go, unless another container uses one. */
export function removeAnonymousVolumes(engine: Engine, c: ContainerRecord): void {
  for (const { name } of c.anonVolumes ?? []) {
    const used = engine.state.containers.some((o) => o !== c && anonymousVolumeNames(o).includes(name));
    if (!used) delete engine.state.files[`${VOLUMES_ROOT}${name}/opts.json`];
  }
}

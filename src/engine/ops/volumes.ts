/**
 * Named volumes, as the daemon's volume service (`volume/service`) and local driver
 * (`volume/local`) of Docker 20.10 handle them: create, get, list with filters, remove, prune.
 * A volume is kept where compose keeps the ones it creates (`/var/lib/docker/volumes/NAME/opts.json`
 * among the sandbox host's files), so the CLI, the API and compose see the same volumes.
 * Errors are the service's `OpErr` texts (`get NAME: no such volume`, `remove NAME: volume is in
 * use - [IDs]`, `create NAME: …`) with the status the API answers.
 */

import type { Engine } from '../engine.ts';
import { badRequest, conflict, EngineError, notFound, serverError } from '../errors.ts';
import { anonymousVolumeNames } from './container-mounts.ts';
import { onSettle } from './containers.ts';
import { logPruneEvent, logVolumeEvent } from './events.ts';
import { filterMatch, matchLabels, validateFilterKeys } from './filter-args.ts';

export interface VolumeRecord {
  name: string;
  driver: string;
  /** null when created without labels (the API's `Labels` left out): the daemon answers null. */
  labels: Record<string, string> | null;
  options: Record<string, string> | null;
  /** RFC 3339 in seconds (`time.RFC3339`), as the daemon reports it. */
  createdAt: string;
}

export const VOLUMES_ROOT = '/var/lib/docker/volumes/';
const fileOf = (name: string) => `${VOLUMES_ROOT}${name}/opts.json`;
export const mountpointOf = (name: string) => `${VOLUMES_ROOT}${name}/_data`;

/** `volumeNameRegex` of the local driver (`names.RestrictedNameChars` and at least two characters). */
const LOCAL_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

/**
 * Every volume, oldest first: the local driver lists its map, whose order (a few volumes share one
 * bucket) is the order they were made in; `docker volume ls` sorts by name itself.
 */
export function volumeList(engine: Engine): VolumeRecord[] {
  createBindVolumes(engine);
  const out: VolumeRecord[] = [];
  for (const [path, text] of Object.entries(engine.state.files)) {
    const m = /^\/var\/lib\/docker\/volumes\/([^/]+)\/opts\.json$/.exec(path);
    if (!m) continue;
    let raw: {
      Driver?: string;
      Labels?: Record<string, string> | null;
      Options?: Record<string, string> | null;
      CreatedAt?: string;
    } = {};
    try {
      raw = JSON.parse(text);
    } catch {}
    out.push({
      name: m[1]!,
      driver: raw.Driver ?? 'local',
      labels: raw.Labels === undefined ? {} : raw.Labels,
      options: raw.Options === undefined ? {} : raw.Options,
      createdAt: raw.CreatedAt ?? engine.state.daemon.started.replace(/\.\d+/, ''),
    });
  }
  return out;
}

/** The service's `OpErr` text: `OP NAME: ERR`, the name left out when empty. */
const opErr = (op: string, name: string, err: string) => `${op}${name ? ` ${name}` : ''}: ${err}`;

export function volumeFind(engine: Engine, name: string): VolumeRecord | undefined {
  return volumeList(engine).find((v) => v.name === name);
}

/** `GET /volumes/{name}`. */
export function volumeGet(engine: Engine, name: string): VolumeRecord {
  const v = volumeFind(engine, name);
  if (!v) throw notFound(opErr('get', name, 'no such volume'));
  return v;
}

function saveVolume(engine: Engine, v: VolumeRecord): void {
  engine.state.files[fileOf(v.name)] = JSON.stringify({
    Driver: v.driver,
    Labels: v.labels,
    Options: v.options,
    CreatedAt: v.createdAt,
  });
}

/** The named volumes of a container's binds (`NAME:/path[:mode]`); host paths are not volumes. */
function bindVolumeNames(binds: string[]): string[] {
  return binds.map((b) => b.split(':')[0] ?? '').filter((src) => src !== '' && !src.startsWith('/'));
}

/**
 * The daemon creates the named volume a container mounts when it creates the container: the
 * volumes its containers name exist, made at the first look after the create (`onSettle`).
 */
function createBindVolumes(engine: Engine): void {
  for (const c of engine.state.containers) {
    for (const name of bindVolumeNames(c.hostConfig.binds)) {
      if (LOCAL_NAME.test(name) && engine.state.files[fileOf(name)] === undefined) {
        saveVolume(engine, {
          name,
          driver: 'local',
          labels: null,
          options: null,
          createdAt: engine.now().replace(/\.\d+/, ''),
        });
      }
    }
  }
}
onSettle(createBindVolumes);

/** Containers (any state) that mount the volume, by full ID: the store's references. */
export function volumeUsers(engine: Engine, name: string): string[] {
  return engine.state.containers
    .filter((c) => [...bindVolumeNames(c.hostConfig.binds), ...anonymousVolumeNames(c)].includes(name))
    .map((c) => c.id);
}

export interface VolumeCreateRequest {
  Name?: string;
  Driver?: string;
  DriverOpts?: Record<string, string> | null;
  Labels?: Record<string, string> | null;
}

/** `units.RAMInBytes`. */
function ramInBytes(text: string): number {
  const m = /^(\d+(?:\.\d+)*) ?([kKmMgGtTpP])?[iI]?[bB]?$/.exec(text);
  if (!m) throw serverError(`invalid size: '${text}'`);
  const unit = 'kmgtp'.indexOf((m[2] ?? '').toLowerCase()) + 1;
  return Math.trunc(Number.parseFloat(m[1]!) * 1024 ** unit);
}

/** The local driver's `validateOpts` and `setOpts` (this host has no quota support). */
function checkLocalOptions(opts: Record<string, string>): void {
  const valid = ['type', 'o', 'device', 'size'];
  for (const key of Object.keys(opts)) {
    if (!valid.includes(key)) throw badRequest(`invalid option: ${JSON.stringify(key)}`);
  }
  const mandatory: Array<[string, string[]]> = [
    ['device', ['type']],
    ['type', ['device']],
    ['o', ['device', 'type']],
  ];
  for (const [key, needs] of mandatory) {
    if (!(key in opts)) continue;
    for (const need of needs) {
      if (!(need in opts)) throw badRequest(`missing required option: ${JSON.stringify(need)}`);
    }
  }
  if ('size' in opts && ramInBytes(opts.size!) > 0) {
    throw badRequest('quota size requested but no quota support');
  }
}

/**
 * `POST /volumes/create`: a new local volume, or the existing one of that name unchanged. No name
 * is a random 64-hex-digit one; a driver other than local is a plugin this host does not have.
 */
export function volumeCreate(engine: Engine, req: VolumeCreateRequest): VolumeRecord {
  const name = req.Name || engine.ids.hex64();
  const driver = req.Driver ?? '';
  const wrap = (e: unknown): never => {
    if (e instanceof EngineError) throw new EngineError(e.status, `create ${name}: ${e.message}`);
    throw e;
  };
  const pluginMissing = () =>
    notFound(`error looking up volume plugin ${driver}: plugin ${JSON.stringify(driver)} not found`);
  const existing = volumeFind(engine, name);
  if (existing) {
    if (driver !== '' && driver !== 'local') wrap(pluginMissing());
    // The service logs a create for a volume that was already there too.
    logVolumeEvent(engine, name, 'create', { driver: existing.driver });
    return existing;
  }
  if (driver !== '' && driver !== 'local') wrap(pluginMissing());
  try {
    if (name.length === 1) {
      throw badRequest('volume name is too short, names should be at least two alphanumeric characters');
    }
    if (!LOCAL_NAME.test(name)) {
      throw badRequest(
        `${JSON.stringify(name)} includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path`,
      );
    }
    if (req.DriverOpts && Object.keys(req.DriverOpts).length) checkLocalOptions(req.DriverOpts);
  } catch (e) {
    wrap(e);
  }
  const v: VolumeRecord = {
    name,
    driver: 'local',
    labels: req.Labels ?? null,
    options: req.DriverOpts ?? null,
    createdAt: engine.now().replace(/\.\d+/, ''),
  };
  saveVolume(engine, v);
  logVolumeEvent(engine, name, 'create', { driver: v.driver });
  return v;
}

/** `DELETE /volumes/{name}`: `force` makes a missing volume no error; one in use stays. */
export function volumeRemove(engine: Engine, name: string, force = false): void {
  if (!volumeFind(engine, name)) {
    if (force) return;
    throw notFound(opErr('get', name, 'no such volume'));
  }
  const users = volumeUsers(engine, name);
  if (users.length) throw conflict(opErr('remove', name, `volume is in use - [${users.join(', ')}]`));
  const driver = volumeFind(engine, name)?.driver ?? 'local';
  delete engine.state.files[fileOf(name)];
  logVolumeEvent(engine, name, 'destroy', { driver });
}

export type VolumeFilters = Record<string, string[]>;

/** `GET /volumes` with its filters: dangling, name, driver, label. */
export function volumeListFiltered(engine: Engine, filters: VolumeFilters = {}): VolumeRecord[] {
  validateFilterKeys(filters, ['dangling', 'name', 'driver', 'label']);
  let dangling: boolean | undefined;
  if (filters.dangling) {
    const d = filters.dangling;
    if (d.includes('true') || d.includes('1')) dangling = true;
    else if (d.includes('false') || d.includes('0')) dangling = false;
    else throw badRequest(`Invalid filter 'dangling=[${d.join(' ')}]'`);
  }
  return volumeList(engine).filter((v) => {
    if (filters.driver?.length && !filters.driver.includes(v.driver)) return false;
    if (filters.name && !filterMatch(filters.name, v.name)) return false;
    if (!matchLabels(filters, v.labels)) return false;
    if (dangling !== undefined && (volumeUsers(engine, v.name).length === 0) !== dangling) return false;
    return true;
  });
}

/** Local volumes without mount options: what prune may remove and what `system df` sizes. */
const plainLocal = (v: VolumeRecord) => v.driver === 'local' && Object.keys(v.options ?? {}).length === 0;

/** `POST /volumes/prune`: unused plain local volumes matching the label filters; their names. */
export function volumesPrune(engine: Engine, filters: VolumeFilters = {}): string[] {
  validateFilterKeys(filters, ['label', 'label!']);
  const removed: string[] = [];
  for (const v of volumeList(engine)) {
    if (!plainLocal(v) || volumeUsers(engine, v.name).length || !matchLabels(filters, v.labels)) continue;
    delete engine.state.files[fileOf(v.name)];
    removed.push(v.name);
  }
  // The prune removes through the store: no destroy events, one prune.
  logPruneEvent(engine, 'volume', 0);
  return removed;
}

/** `LocalVolumesSize` for `/system/df`: plain local volumes, how many containers use each (no data: 0 bytes). */
export function localVolumesUsage(
  engine: Engine,
): Array<{ volume: VolumeRecord; refCount: number; size: number }> {
  return volumeList(engine)
    .filter(plainLocal)
    .map((volume) => ({ volume, refCount: volumeUsers(engine, volume.name).length, size: 0 }));
}

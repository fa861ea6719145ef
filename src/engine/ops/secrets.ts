/**
 * Swarm secrets and configs, kept by the manager: `POST /secrets/create`, `GET /secrets`,
 * `GET /secrets/{id}`, `DELETE /secrets/{id}` and the same for `/configs`. The checks and texts
 * are swarmkit's (`controlapi/secret.go`, `config.go`) as the daemon passes them on.
 */
import { rfc3339Nanos } from '../clock.ts';
import type { Engine } from '../engine.ts';
import { badRequest, conflict, EngineError, notFound } from '../errors.ts';
import type { SwarmObjectRecord, SwarmRecord } from '../model/state.ts';
import { swarmNowMs } from './service-tasks.ts';
import { labelsMatch } from './services.ts';
import { nextIndex, requireManager } from './swarm.ts';

export type SwarmObjectKind = 'secret' | 'config';

/** `swarm.SecretSpec` / `swarm.ConfigSpec` as a client sends it (`Data` base64, as Go's []byte). */
export interface SwarmObjectSpecRequest {
  Name?: string;
  Labels?: Record<string, string> | null;
  Data?: string | null;
  Driver?: { Name?: string; Options?: Record<string, string> | null } | null;
  Templating?: { Name?: string; Options?: Record<string, string> | null } | null;
}

/** `validation.MaxSecretSize` and `MaxConfigSize`. */
const MAX_SIZE: Record<SwarmObjectKind, number> = { secret: 500 * 1024, config: 1000 * 1024 };

/** The filters each list accepts (`newListSecretsFilters`, `newListConfigsFilters`). */
const LIST_FILTERS: Record<SwarmObjectKind, string[]> = {
  secret: ['names', 'name', 'id', 'label'],
  config: ['name', 'id', 'label'],
};

const VALID_NAME = /^[a-zA-Z0-9]+(?:[a-zA-Z0-9-_.]*[a-zA-Z0-9])?$/;

function store(swarm: SwarmRecord, kind: SwarmObjectKind): SwarmObjectRecord[] {
  if (kind === 'secret') {
    swarm.secrets ??= [];
    return swarm.secrets;
  }
  swarm.configs ??= [];
  return swarm.configs;
}

const rpc = (code: string, desc: string) => `rpc error: code = ${code} desc = ${desc}`;

/** `POST /secrets/create`, `/configs/create`: the new object's ID. */
export function swarmObjectCreate(
  engine: Engine,
  kind: SwarmObjectKind,
  spec: SwarmObjectSpecRequest,
): string {
  const swarm = requireManager(engine);
  const name = spec.Name ?? '';
  if (name === '') throw badRequest(rpc('InvalidArgument', 'name must be provided'));
  if (name.length > 64 || !VALID_NAME.test(name)) {
    throw badRequest(
      rpc(
        'InvalidArgument',
        'invalid name, only 64 [a-zA-Z0-9-_.] characters allowed, and the start and end character must be [a-zA-Z0-9]',
      ),
    );
  }
  const data = Buffer.from(spec.Data ?? '', 'base64');
  const driver = kind === 'secret' ? spec.Driver : undefined;
  if (driver) {
    if (!driver.Name) throw badRequest(rpc('InvalidArgument', 'secret driver must have a name'));
    // No secret driver plugin is installed in the sandbox.
    throw new EngineError(500, rpc('Unknown', `plugin ${driver.Name} not found`));
  }
  if (data.length >= MAX_SIZE[kind] || data.length < 1) {
    throw badRequest(
      rpc('InvalidArgument', `${kind} data must be larger than 0 and less than ${MAX_SIZE[kind]} bytes`),
    );
  }
  const objects = store(swarm, kind);
  if (objects.some((o) => o.name === name)) {
    throw conflict(rpc('AlreadyExists', `${kind} ${name} already exists`));
  }
  // On the swarm's clock, as the CLI's `N seconds ago` compares it.
  const now = rfc3339Nanos(swarmNowMs(engine), 0);
  const record: SwarmObjectRecord = {
    id: engine.ids.swarm25(),
    name,
    labels: { ...(spec.Labels ?? {}) },
    data: data.toString('base64'),
    version: nextIndex(swarm),
    created: now,
    updated: now,
    ...(spec.Templating?.Name ? { templating: spec.Templating.Name } : {}),
  };
  objects.push(record);
  return record.id;
}

/** `GET /secrets`, `/configs`: names (exact), name and ID prefixes match any; labels all. */
export function swarmObjectList(
  engine: Engine,
  kind: SwarmObjectKind,
  filters: Readonly<Record<string, readonly string[]>> = {},
): SwarmObjectRecord[] {
  const swarm = requireManager(engine);
  for (const key of Object.keys(filters)) {
    if (!LIST_FILTERS[kind].includes(key)) throw badRequest(`Invalid filter '${key}'`);
  }
  const names = filters.names ?? [];
  const prefixes = filters.name ?? [];
  const ids = filters.id ?? [];
  const any = names.length + prefixes.length + ids.length > 0;
  return store(swarm, kind).filter((o) => {
    if (
      any &&
      !names.includes(o.name) &&
      !prefixes.some((p) => o.name.startsWith(p)) &&
      !ids.some((p) => o.id.startsWith(p))
    ) {
      return false;
    }
    return labelsMatch(filters.label, o.labels);
  });
}

/** The daemon's lookup (`getSecret`, `getConfig`): full ID, full name, then unique ID prefix. */
export function findSwarmObject(engine: Engine, kind: SwarmObjectKind, term: string): SwarmObjectRecord {
  const objects = store(requireManager(engine), kind);
  const exact = objects.find((o) => o.id === term) ?? objects.find((o) => o.name === term);
  if (exact) return exact;
  const byPrefix = objects.filter((o) => o.id.startsWith(term));
  if (byPrefix.length > 1)
    throw badRequest(`${kind} ${term} is ambiguous (${byPrefix.length} matches found)`);
  if (byPrefix.length === 1) return byPrefix[0]!;
  throw notFound(`${kind} ${term} not found`);
}

/** `DELETE /secrets/{id}`, `/configs/{id}`. No service here refers to one, so none is in use. */
export function swarmObjectRemove(engine: Engine, kind: SwarmObjectKind, term: string): void {
  const swarm = requireManager(engine);
  const record = findSwarmObject(engine, kind, term);
  if (kind === 'secret') swarm.secrets = store(swarm, kind).filter((o) => o !== record);
  else swarm.configs = store(swarm, kind).filter((o) => o !== record);
}

/**
 * Swarm services on the one-node swarm: `POST /services/create`, `GET /services`, `/services/{id}`,
 * `POST /services/{id}/update`, `DELETE /services/{id}`, `GET /tasks`. The manager allocates each
 * service a virtual IP per network (and on ingress when it publishes ports) and runs one task per
 * replica (one per node for global services), each with an address on every service network.
 */
import { rfc3339Nanos } from '../clock.ts';
import type { Engine } from '../engine.ts';
import { badRequest, conflict, EngineError, notFound } from '../errors.ts';
import type {
  NetworkRecord,
  ServiceRecord,
  ServiceSpecRecord,
  SwarmRecord,
  TaskRecord,
} from '../model/state.ts';
import { isRunning } from './containers.ts';
import { findNetwork } from './lookup.ts';
import { allocateSerial, releaseAddress } from './overlay-ipam.ts';
import {
  FIRST_LOOKUP_MS,
  onSwarmEvent,
  removeTask,
  STOP_GRACE_MS,
  scheduleTask,
  settleTasks,
  swarmNowMs,
  taskName,
} from './service-tasks.ts';

import { findNode, ingressNetwork, nextIndex, requireManager } from './swarm.ts';

export interface PortConfigRequest {
  Protocol?: string;
  TargetPort?: number;
  PublishedPort?: number;
  PublishMode?: string;
}

/** The subset of `swarm.ServiceSpec` the sandbox honours. */
export interface ServiceSpecRequest {
  Name?: string;
  Labels?: Record<string, string>;
  TaskTemplate?: {
    ContainerSpec?: { Image?: string; Args?: string[]; Command?: string[]; Env?: string[] };
    Networks?: Array<{ Target: string; Aliases?: string[] }>;
  };
  Mode?: { Replicated?: { Replicas?: number }; Global?: Record<string, never> };
  EndpointSpec?: { Mode?: string; Ports?: PortConfigRequest[] };
}

/** The warning the daemon returns when the registry cannot be reached to pin the image digest. */
export function digestWarning(image: string): string {
  return (
    `image ${image} could not be accessed on a registry to record\n` +
    `its digest. Each node will access ${image} independently,\n` +
    'possibly leading to different nodes running different\n' +
    'versions of the image.\n'
  );
}

/** `alpine` -> `alpine:latest`, `library/nginx` -> `nginx:latest`, as the CLI normalizes it. */
export function normalizeImage(ref: string): string {
  let name = ref.replace(/^(docker\.io\/)?(library\/)?/, '');
  if (name.includes('@')) return name;
  const lastSlash = name.lastIndexOf('/');
  if (!name.slice(lastSlash + 1).includes(':')) name += ':latest';
  return name;
}

const ADJECTIVES = [
  'admiring',
  'brave',
  'clever',
  'eager',
  'focused',
  'gifted',
  'jolly',
  'keen',
  'nifty',
  'quirky',
];
const SURNAMES = [
  'hopper',
  'turing',
  'lovelace',
  'curie',
  'darwin',
  'euler',
  'gauss',
  'knuth',
  'noether',
  'pike',
];

function randomName(engine: Engine): string {
  return `${ADJECTIVES[engine.ids.int(ADJECTIVES.length)]}_${SURNAMES[engine.ids.int(SURNAMES.length)]}`;
}

/** `POST /services/create`. Returns the new service and the daemon's warnings. */
export function serviceCreate(
  engine: Engine,
  spec: ServiceSpecRequest,
): { service: ServiceRecord; warnings: string[] } {
  const swarm = requireManager(engine);
  // The manager's order: the spec's own checks, then port conflicts, then the name in the store.
  const image = normalizeImage(spec.TaskTemplate?.ContainerSpec?.Image ?? '');
  if (!spec.TaskTemplate?.ContainerSpec?.Image) {
    throw badRequest(
      'rpc error: code = InvalidArgument desc = ContainerSpec: image reference must be provided',
    );
  }
  const endpointMode = spec.EndpointSpec?.Mode === 'dnsrr' ? 'dnsrr' : 'vip';
  const ports = (spec.EndpointSpec?.Ports ?? []).map((p) => ({
    protocol: p.Protocol || 'tcp',
    targetPort: p.TargetPort ?? 0,
    publishedPort: p.PublishedPort ?? 0,
    publishMode: p.PublishMode || 'ingress',
  }));
  checkEndpointSpec(endpointMode, ports);
  const networks: NetworkRecord[] = [];
  for (const n of spec.TaskTemplate?.Networks ?? []) networks.push(findNetwork(engine, n.Target));
  checkNotIngress(networks);
  checkPortConflicts(swarm, ports);
  const name = spec.Name || randomName(engine);
  if (swarm.services.some((s) => s.name === name)) {
    throw conflict(
      `rpc error: code = AlreadyExists desc = name conflicts with an existing object: service ${name} already exists`,
    );
  }
  assignPublishedPorts(swarm.services, ports);
  const now = engine.now();
  const mode = spec.Mode?.Global ? 'global' : 'replicated';
  const service: ServiceRecord = {
    id: engine.ids.swarm25(),
    name,
    created: now,
    updated: now,
    image,
    args: [...(spec.TaskTemplate?.ContainerSpec?.Args ?? [])],
    replicas: mode === 'global' ? 1 : (spec.Mode?.Replicated?.Replicas ?? 1),
    mode,
    networks: (spec.TaskTemplate?.Networks ?? []).map((n, i) => ({
      target: networks[i]!.id,
      aliases: [...(n.Aliases ?? [])],
    })),
    ports,
    env: [...(spec.TaskTemplate?.ContainerSpec?.Env ?? [])],
    labels: { ...(spec.Labels ?? {}) },
    tasks: [],
    version: nextIndex(swarm),
    vips: [],
    dnsBound: [],
  };
  if (endpointMode === 'dnsrr') {
    service.endpointMode = 'dnsrr';
    if (!ports.length) service.endpointUnallocated = true;
  }
  syncVips(engine, service);
  swarm.services.push(service);
  reconcile(engine, service);
  return { service, warnings: [digestWarning(image)] };
}

const DNSRR_WITH_INGRESS =
  "rpc error: code = InvalidArgument desc = EndpointSpec: port published with ingress mode can't be used with dnsrr mode";

/** The manager's `validateEndpointSpec`: the routing mesh needs a virtual IP. */
function checkEndpointSpec(mode: string, ports: ServiceRecord['ports']): void {
  if (mode === 'dnsrr' && ports.some((p) => p.publishMode === 'ingress'))
    throw badRequest(DNSRR_WITH_INGRESS);
}

/** A published ingress port belongs to one service in the swarm. */
function checkPortConflicts(swarm: SwarmRecord, ports: ServiceRecord['ports'], self?: ServiceRecord): void {
  for (const p of ports) {
    if (p.publishMode !== 'ingress' || p.publishedPort === 0) continue;
    const holder = swarm.services.find(
      (s) =>
        s !== self &&
        s.ports.some(
          (q) =>
            q.publishMode === 'ingress' && q.publishedPort === p.publishedPort && q.protocol === p.protocol,
        ),
    );
    if (holder) {
      throw badRequest(
        `rpc error: code = InvalidArgument desc = port '${p.publishedPort}' is already in use by service '${holder.name}' (${holder.id}) as an ingress port`,
      );
    }
  }
}

/** The manager's check: ingress comes only with published ports, never by name. */
function checkNotIngress(networks: NetworkRecord[]): void {
  const ingress = networks.find((n) => n.ingress);
  if (ingress) {
    throw badRequest(
      `rpc error: code = InvalidArgument desc = Service cannot be explicitly attached to the ingress network "${ingress.name}"`,
    );
  }
}

/**
 * Virtual IPs the service should have: none in dnsrr mode, else one on ingress (first) while it
 * publishes through the routing mesh and one on each of its overlays. Kept ones stay, the rest
 * are released, missing ones allocated.
 */
function syncVips(engine: Engine, service: ServiceRecord): void {
  const ingress = ingressNetwork(engine);
  const want =
    service.endpointMode === 'dnsrr'
      ? []
      : [
          ...(ingress && service.ports.some((p) => p.publishMode === 'ingress') ? [ingress] : []),
          ...service.networks
            .map((n) => engine.state.networks.find((x) => x.id === n.target))
            .filter((n): n is NetworkRecord => n?.scope === 'swarm'),
        ];
  const old = service.vips ?? [];
  for (const v of old) {
    if (want.some((n) => n.id === v.networkId)) continue;
    const nw = engine.state.networks.find((n) => n.id === v.networkId);
    if (nw) releaseAddress(nw, v.addr);
  }
  service.vips = want.map((nw) => {
    const kept = old.find((v) => v.networkId === nw.id);
    if (kept) return kept;
    const { ip, prefix } = allocateSerial(engine, nw);
    return { networkId: nw.id, addr: `${ip}/${prefix}` };
  });
}

/** Published ports left at 0 get the next free one from 30000, as the swarm allocator does. */
function assignPublishedPorts(services: ServiceRecord[], ports: ServiceRecord['ports']): void {
  const used = new Set(services.flatMap((s) => s.ports.map((p) => p.publishedPort)));
  for (const p of ports) {
    if (p.publishedPort !== 0 || p.publishMode !== 'ingress') continue;
    let candidate = 30000;
    while (used.has(candidate)) candidate++;
    p.publishedPort = candidate;
    used.add(candidate);
  }
}

/** Networks a service's tasks attach to: ingress (published ports) then the service's own. */
function taskNetworks(engine: Engine, service: ServiceRecord): NetworkRecord[] {
  const out: NetworkRecord[] = [];
  const ingress = ingressNetwork(engine);
  if (ingress && service.ports.some((p) => p.publishMode === 'ingress')) out.push(ingress);
  for (const n of service.networks) {
    const nw = engine.state.networks.find((x) => x.id === n.target);
    if (nw && nw.scope === 'swarm') out.push(nw);
  }
  return out;
}

/** Tasks the service still wants (not replaced, not shut down): one per slot. */
export function currentTasks(service: ServiceRecord): TaskRecord[] {
  return service.tasks.filter((t) => t.desiredState !== 'shutdown');
}

/**
 * Adds or removes tasks until the service has what it asks for: replicated services one task per
 * slot 1..N (scaling down removes the highest slots, history, containers and all), global
 * services one.
 */
function reconcile(engine: Engine, service: ServiceRecord): void {
  settleTasks(engine);
  const swarm = requireManager(engine);
  const want = service.mode === 'global' ? 1 : service.replicas;
  const keep = (t: TaskRecord) => (service.mode === 'global' ? true : t.slot <= want);
  for (const t of service.tasks.filter((t) => !keep(t))) removeTask(engine, t);
  service.tasks = service.tasks.filter(keep);
  if (service.rollout) service.rollout.slots = service.rollout.slots.filter((s) => s <= want);
  const current = currentTasks(service);
  if (service.mode === 'global') {
    if (!current.length) startTask(engine, swarm, service, 0);
    return;
  }
  for (let slot = 1; slot <= want; slot++) {
    if (!current.some((t) => t.slot === slot)) startTask(engine, swarm, service, slot);
  }
}

/**
 * A new task: its addresses now (the manager allocates them), its container when it is ready.
 * `atMs`: when the manager made it (a rolling update's step may be settled later).
 */
function startTask(
  engine: Engine,
  swarm: SwarmRecord,
  service: ServiceRecord,
  slot: number,
  atMs = swarmNowMs(engine),
): TaskRecord {
  // Task times are on the swarm's clock (see `swarmNowMs`).
  const now = rfc3339Nanos(atMs, 0);
  const task: TaskRecord = {
    id: engine.ids.swarm25(),
    slot,
    containerId: '',
    state: 'preparing',
    desiredState: 'running',
    created: now,
    updated: now,
    addresses: [],
  };
  const nets = taskNetworks(engine, service);
  // The first task on an overlay the node does not use yet has it set up first.
  const inUse = (nw: NetworkRecord) =>
    nw.sandboxEndpoints?.some((e) => e.key === `lb-${nw.name}`) ||
    swarm.services.some((s) =>
      s.tasks.some((t) => t.state === 'preparing' && t.addresses?.some((a) => a.networkId === nw.id)),
    );
  const setsUpOverlay = nets.some((nw) => !nw.ingress && !inUse(nw));
  for (const nw of nets) {
    const { ip, prefix } = allocateSerial(engine, nw);
    task.addresses!.push({ networkId: nw.id, addr: `${ip}/${prefix}` });
  }
  scheduleTask(engine, swarm, task, setsUpOverlay, atMs);
  service.tasks.push(task);
  return task;
}

/**
 * When each slot the service wants will run a task of its current spec (swarm clock ms; `nowMs`
 * for those already running): what the CLI waits for while a service converges. Slots a rolling
 * update has not reached yet run theirs one step after the other.
 */
export function slotReadyTimes(service: ServiceRecord, nowMs: number): number[] {
  const pending = service.rollout?.slots ?? [];
  const out: number[] = [];
  for (const t of currentTasks(service)) {
    if (pending.includes(t.slot)) continue;
    if (t.state === 'running') out.push(nowMs);
    else if (t.state === 'preparing') out.push(t.readyAtMs ?? nowMs);
  }
  pending.forEach((_, i) => {
    out.push(service.rollout!.nextAtMs + (i + 1) * FIRST_LOOKUP_MS);
  });
  return out;
}

/** The CLI polls a converging service this often (`progress.ServiceProgress`)... */
export const CONVERGE_POLL_MS = 200;
/** ... and, once its tasks run, watches them this long (`UpdateConfig.Monitor`) before it says so. */
export const CONVERGE_MONITOR_MS = 5000;

/**
 * The first of the CLI's polls (0 at `startMs`, one every `CONVERGE_POLL_MS`) that finds every
 * slot the service wants running a task of its current spec; null when none ever will.
 */
export function convergedPollIndex(service: ServiceRecord, startMs: number): number | null {
  const want = service.mode === 'global' ? 1 : service.replicas;
  const ready = slotReadyTimes(service, startMs);
  // A service that cannot converge is waited on for as long as a person would.
  for (let poll = 0; poll < 3000; poll++) {
    const at = startMs + poll * CONVERGE_POLL_MS;
    if (ready.filter((r) => r <= at).length >= want) return poll;
  }
  return null;
}

/** `TaskHistoryRetentionLimit`: tasks kept per slot, the running one included. */
export const TASK_HISTORY_LIMIT = 5;

/**
 * One step of a rolling update (stop-first, parallelism 1, no delay): the slot's task is told to
 * shut down (its container gets its grace period), its successor is made at once and waits
 * `Ready` until the old container has stopped, then prepares and starts. The next slot's step
 * comes when the successor runs.
 */
function rolloutStep(engine: Engine, service: ServiceRecord, atMs: number): void {
  const swarm = requireManager(engine);
  const rollout = service.rollout!;
  const slot = rollout.slots.shift()!;
  const old = currentTasks(service).find((t) => t.slot === slot);
  if (old) {
    old.desiredState = 'shutdown';
    const c = engine.state.containers.find((x) => old.containerId !== '' && x.id === old.containerId);
    if (c && isRunning(c)) {
      old.stopAtMs = atMs + (c.termExitCode === undefined ? STOP_GRACE_MS : 0);
    } else {
      // Not started yet: it is dropped at once.
      for (const a of old.addresses ?? []) {
        const nw = engine.state.networks.find((n) => n.id === a.networkId);
        if (nw) releaseAddress(nw, a.addr);
      }
      old.addresses = [];
      old.state = 'shutdown';
      old.updated = rfc3339Nanos(atMs, 0);
      delete old.readyAtMs;
    }
  }
  const task = startTask(engine, swarm, service, slot, atMs);
  if (old?.stopAtMs !== undefined) {
    task.desiredState = 'ready';
    task.replacesTaskId = old.id;
    task.readyAtMs = Math.max(task.readyAtMs ?? 0, old.stopAtMs);
  }
  pruneHistory(engine, service, slot);
  if (rollout.slots.length) rollout.nextAtMs = task.readyAtMs ?? atMs;
  else delete service.rollout;
}

/** Keeps the newest `TASK_HISTORY_LIMIT` tasks of a slot; older ones go with their containers. */
function pruneHistory(engine: Engine, service: ServiceRecord, slot: number): void {
  const inSlot = service.tasks.filter((t) => t.slot === slot);
  const excess = inSlot.length - TASK_HISTORY_LIMIT;
  if (excess <= 0) return;
  const drop = new Set(inSlot.slice(0, excess));
  for (const t of drop) removeTask(engine, t);
  service.tasks = service.tasks.filter((t) => !drop.has(t));
}

onSwarmEvent((engine) => {
  const due = (engine.state.swarm?.services ?? [])
    .filter((s) => s.rollout)
    .sort((a, b) => a.rollout!.nextAtMs - b.rollout!.nextAtMs)[0];
  if (!due) return null;
  return { atMs: due.rollout!.nextAtMs, run: () => rolloutStep(engine, due, due.rollout!.nextAtMs) };
});

/** The service's ID, name or unique ID prefix, as the manager resolves it. */
export function findService(engine: Engine, term: string): ServiceRecord {
  const swarm = requireManager(engine);
  const exact = swarm.services.find((s) => s.id === term) ?? swarm.services.find((s) => s.name === term);
  if (exact) return exact;
  const byPrefix = term ? swarm.services.filter((s) => s.id.startsWith(term)) : [];
  if (byPrefix.length === 1) return byPrefix[0]!;
  if (byPrefix.length > 1) throw notFound(`service ${term} is ambiguous (${byPrefix.length} matches found)`);
  throw notFound(`service ${term} not found`);
}

export function serviceList(engine: Engine, filters: Record<string, string[]> = {}): ServiceRecord[] {
  const swarm = requireManager(engine);
  settleTasks(engine);
  return swarm.services.filter((s) => {
    if (filters.name?.length && !filters.name.some((n) => s.name.startsWith(n))) return false;
    if (filters.id?.length && !filters.id.some((i) => s.id.startsWith(i))) return false;
    if (filters.mode?.length && !filters.mode.includes(s.mode)) return false;
    if (filters.label?.length) {
      for (const l of filters.label) {
        const [k, v] = l.split('=', 2) as [string, string | undefined];
        if (!(k in s.labels) || (v !== undefined && s.labels[k] !== v)) return false;
      }
    }
    return true;
  });
}

/** What `POST /services/{id}/update` may change here. */
export interface ServiceChange {
  replicas?: number;
  /** The service's own labels (`--label-add`): no task changes. */
  labels?: Record<string, string>;
  image?: string;
  args?: string[];
  env?: string[];
  ports?: ServiceRecord['ports'];
  endpointMode?: 'vip' | 'dnsrr';
  /** The whole new `TaskTemplate.Networks` (targets are network IDs or names). */
  networks?: Array<{ target: string; aliases: string[] }>;
}

function specOf(s: ServiceRecord): ServiceSpecRecord {
  return {
    image: s.image,
    args: [...s.args],
    env: [...s.env],
    replicas: s.replicas,
    labels: { ...s.labels },
    networks: s.networks.map((n) => ({ target: n.target, aliases: [...n.aliases] })),
    ports: s.ports.map((p) => ({ ...p })),
    ...(s.endpointMode ? { endpointMode: s.endpointMode } : {}),
  };
}

/**
 * `POST /services/{id}/update`. A new task template or endpoint rolls the tasks over one slot at
 * a time (see `rolloutStep`, highest slot first as the recordings show); replicas alone scale.
 */
export function serviceUpdate(
  engine: Engine,
  term: string,
  change: ServiceChange,
  /** The service version the client read (`?version=`): another one is out of sequence. */
  version?: number,
  /** A rollback (`rollback=previous`): the update status says so. */
  rollback = false,
): { service: ServiceRecord; warnings: string[] } {
  const swarm = requireManager(engine);
  const service = findService(engine, term);
  if (change.replicas !== undefined && service.mode !== 'replicated') {
    throw badRequest('replicas can only be used with replicated mode');
  }
  const ports = change.ports ?? service.ports;
  const endpointMode = change.endpointMode ?? service.endpointMode ?? 'vip';
  checkEndpointSpec(endpointMode, ports);
  const networks = change.networks?.map((n) => ({ nw: findNetwork(engine, n.target), aliases: n.aliases }));
  if (networks) checkNotIngress(networks.map((n) => n.nw));
  checkPortConflicts(swarm, ports, service);
  if (version !== undefined && version !== service.version) {
    throw new EngineError(500, 'rpc error: code = Unknown desc = update out of sequence');
  }
  settleTasks(engine);
  const before = specOf(service);
  if (change.replicas !== undefined) service.replicas = change.replicas;
  if (change.labels !== undefined) service.labels = { ...change.labels };
  if (change.image !== undefined) service.image = normalizeImage(change.image);
  if (change.args !== undefined) service.args = change.args;
  if (change.env !== undefined) service.env = change.env;
  if (networks) service.networks = networks.map((n) => ({ target: n.nw.id, aliases: [...n.aliases] }));
  if (change.ports !== undefined) {
    service.ports = change.ports;
    assignPublishedPorts(
      swarm.services.filter((s) => s !== service),
      service.ports,
    );
  }
  if (endpointMode === 'dnsrr') service.endpointMode = 'dnsrr';
  else delete service.endpointMode;
  if (change.ports !== undefined || change.endpointMode !== undefined) delete service.endpointUnallocated;
  const after = specOf(service);
  const dirty = (x: ServiceSpecRecord) =>
    JSON.stringify([x.image, x.args, x.env, x.ports, x.endpointMode ?? 'vip', x.networks]);
  service.previousSpec = before;
  service.version = nextIndex(swarm);
  service.updated = engine.now();
  syncVips(engine, service);
  const now = swarmNowMs(engine);
  if (dirty(before) !== dirty(after)) {
    const slots = currentTasks(service)
      .map((t) => t.slot)
      .filter((s) => s <= (service.mode === 'global' ? 0 : service.replicas))
      .sort((a, b) => b - a);
    if (slots.length) {
      service.rollout = { slots, nextAtMs: now };
      service.updateStatus = { startedAtMs: now, completesAtMs: now + FIRST_LOOKUP_MS * slots.length };
    }
  } else if (rollback) {
    // Nothing to roll back task by task: the updater completes the rollback at once.
    service.updateStatus = { startedAtMs: now, completesAtMs: now };
  } else if (!service.rollout) {
    // The manager resets the update status with every update; nothing to roll, none is set again.
    delete service.updateStatus;
  }
  if (rollback && service.updateStatus) service.updateStatus.rollback = true;
  reconcile(engine, service);
  return { service, warnings: change.image !== undefined ? [digestWarning(service.image)] : [] };
}

/**
 * `POST /services/{id}/update?rollback=previous`: the spec before the last update comes back
 * (and the current one becomes the previous), as swarmkit swaps them.
 */
export function serviceRollback(
  engine: Engine,
  term: string,
  version?: number,
): { service: ServiceRecord; warnings: string[] } {
  const service = findService(engine, term);
  const prev = service.previousSpec;
  if (!prev) {
    throw badRequest(
      `rpc error: code = FailedPrecondition desc = service ${service.id} does not have a previous spec`,
    );
  }
  const change: ServiceChange = {
    labels: prev.labels,
    image: prev.image,
    args: prev.args,
    env: prev.env,
    networks: prev.networks,
    ports: prev.ports,
    endpointMode: prev.endpointMode ?? 'vip',
  };
  if (service.mode === 'replicated') change.replicas = prev.replicas;
  const { service: updated } = serviceUpdate(engine, service.id, change, version, true);
  return { service: updated, warnings: [] };
}

/** `DELETE /services/{id}`: its tasks stop and its virtual IPs are released. */
export function serviceRemove(engine: Engine, term: string): void {
  const swarm = requireManager(engine);
  const service = findService(engine, term);
  settleTasks(engine);
  for (const t of service.tasks) removeTask(engine, t);
  service.tasks = [];
  swarm.fadingServices = [
    ...(swarm.fadingServices ?? []),
    { name: service.name, vips: [...(service.vips ?? [])], untilMs: swarmNowMs(engine) + STOP_GRACE_MS },
  ];
  for (const v of service.vips ?? []) {
    const nw = engine.state.networks.find((n) => n.id === v.networkId);
    if (nw) releaseAddress(nw, v.addr);
  }
  swarm.services = swarm.services.filter((s) => s !== service);
}

/** Tasks of a service (or all), newest state first within a slot, as `GET /tasks` returns them. */
export function taskList(
  engine: Engine,
  serviceTerm?: string,
): Array<{ service: ServiceRecord; task: TaskRecord }> {
  const swarm = requireManager(engine);
  settleTasks(engine);
  const services = serviceTerm ? [findService(engine, serviceTerm)] : swarm.services;
  return services.flatMap((service) => service.tasks.map((task) => ({ service, task })));
}

/** The task states swarmkit knows (`TaskState_value`), for the `desired-state` filter. */
export const TASK_STATES = [
  'new',
  'pending',
  'assigned',
  'accepted',
  'preparing',
  'ready',
  'starting',
  'running',
  'complete',
  'shutdown',
  'failed',
  'rejected',
  'remove',
  'orphaned',
];

/** The filters `GET /tasks` accepts (`newListTasksFilters`). */
export const TASK_FILTERS = [
  'name',
  'id',
  'label',
  'service',
  'node',
  'desired-state',
  '_up-to-date',
  'runtime',
];

/** A `label` filter: every `key` or `key=value` wanted is among `have`. */
export function labelsMatch(
  wanted: readonly string[] | undefined,
  have: Readonly<Record<string, string>>,
): boolean {
  return (wanted ?? []).every((l) => {
    const eq = l.indexOf('=');
    const k = eq < 0 ? l : l.slice(0, eq);
    return k in have && (eq < 0 || have[k] === l.slice(eq + 1));
  });
}

/**
 * `GET /tasks` with filters, checked in the daemon's order (`GetTasks`): unknown filter keys (400),
 * then each `service` and `node` filter resolved (404 for one not found), then the desired states
 * (500). Names and IDs match by prefix (a task's name is `service.slot.id`); labels are matched
 * against the service's, as swarmkit does. `_up-to-date` keeps the tasks of the current spec.
 */
export function taskListFiltered(
  engine: Engine,
  filters: Readonly<Record<string, readonly string[]>>,
  upToDate: (service: ServiceRecord, task: TaskRecord) => boolean = (s, t) => currentTasks(s).includes(t),
): Array<{ service: ServiceRecord; task: TaskRecord }> {
  const swarm = requireManager(engine);
  for (const key of Object.keys(filters)) {
    if (!TASK_FILTERS.includes(key)) throw badRequest(`Invalid filter '${key}'`);
  }
  const serviceIds = (filters.service ?? []).map((term) => findService(engine, term).id);
  for (const term of filters.node ?? []) findNode(engine, term);
  for (const s of filters['desired-state'] ?? []) {
    if (s !== '' && !TASK_STATES.includes(s.toLowerCase())) {
      throw new EngineError(500, `Invalid desired-state filter: '${s}'`);
    }
  }
  const desired = (filters['desired-state'] ?? []).filter((s) => s !== '').map((s) => s.toLowerCase());
  const wantUpToDate = (filters['_up-to-date'] ?? []).length > 0;
  const runtimes = filters.runtime ?? ['container', ''];
  return taskList(engine).filter(({ service, task }) => {
    if (serviceIds.length && !serviceIds.includes(service.id)) return false;
    if (desired.length && !desired.includes(task.desiredState ?? 'running')) return false;
    if (filters.id?.length && !filters.id.some((p) => task.id.startsWith(p))) return false;
    if (filters.name?.length && !filters.name.some((p) => taskName(swarm, service, task).startsWith(p))) {
      return false;
    }
    if (!labelsMatch(filters.label, service.labels)) return false;
    if (!runtimes.includes('container')) return false;
    if (wantUpToDate && !upToDate(service, task)) return false;
    return true;
  });
}

/**
 * Swarm services on the one-node swarm: `POST /services/create`, `GET /services`, `/services/{id}`,
 * `POST /services/{id}/update`, `DELETE /services/{id}`, `GET /tasks`. The manager allocates each
 * service a virtual IP per network (and on ingress when it publishes ports) and runs one task per
 * replica (one per node for global services), each with an address on every service network.
 */
import { rfc3339Nanos } from '../clock.ts';
import type { Engine } from '../engine.ts';
import { badRequest, conflict, notFound } from '../errors.ts';
import type { NetworkRecord, ServiceRecord, SwarmRecord, TaskRecord } from '../model/state.ts';
import { findNetwork } from './lookup.ts';
import { allocateSerial, releaseAddress } from './overlay-ipam.ts';
import {
  FIRST_LOOKUP_MS,
  removeTask,
  STOP_GRACE_MS,
  scheduleTask,
  settleTasks,
  swarmNowMs,
} from './service-tasks.ts';

/** `UpdateConfig.Monitor`: how long the updater watches a new task before the next. */
export const UPDATE_MONITOR_MS = 5000;

import { ingressNetwork, nextIndex, requireManager } from './swarm.ts';

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
  const name = spec.Name || randomName(engine);
  if (swarm.services.some((s) => s.name === name)) {
    throw conflict(
      `rpc error: code = AlreadyExists desc = name conflicts with an existing object: service ${name} already exists`,
    );
  }
  const image = normalizeImage(spec.TaskTemplate?.ContainerSpec?.Image ?? '');
  if (!spec.TaskTemplate?.ContainerSpec?.Image) {
    throw badRequest(
      'rpc error: code = InvalidArgument desc = ContainerSpec: image reference must be provided',
    );
  }
  const networks: NetworkRecord[] = [];
  for (const n of spec.TaskTemplate?.Networks ?? []) networks.push(findNetwork(engine, n.Target));
  const ports = (spec.EndpointSpec?.Ports ?? []).map((p) => ({
    protocol: p.Protocol || 'tcp',
    targetPort: p.TargetPort ?? 0,
    publishedPort: p.PublishedPort ?? 0,
    publishMode: p.PublishMode || 'ingress',
  }));
  for (const p of ports) {
    if (p.publishMode !== 'ingress' || p.publishedPort === 0) continue;
    const holder = swarm.services.find((s) =>
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
  };
  // Virtual IPs: ingress first when ports are published through the routing mesh.
  const ingress = ingressNetwork(engine);
  const vipNets = [
    ...(ingress && ports.some((p) => p.publishMode === 'ingress') ? [ingress] : []),
    ...networks.filter((n) => n.scope === 'swarm'),
  ];
  for (const nw of vipNets) {
    const { ip, prefix } = allocateSerial(engine, nw);
    service.vips!.push({ networkId: nw.id, addr: `${ip}/${prefix}` });
  }
  swarm.services.push(service);
  reconcile(engine, service);
  return { service, warnings: [digestWarning(image)] };
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

/**
 * Adds or removes tasks until the service has what it asks for: replicated services one task per
 * slot 1..N (scaling down removes the highest slots, containers and all), global services one.
 */
function reconcile(engine: Engine, service: ServiceRecord): void {
  settleTasks(engine);
  const swarm = requireManager(engine);
  const want = service.mode === 'global' ? 1 : service.replicas;
  const keep = (t: TaskRecord) => (service.mode === 'global' ? true : t.slot <= want);
  for (const t of service.tasks.filter((t) => !keep(t))) removeTask(engine, t);
  service.tasks = service.tasks.filter(keep);
  if (service.mode === 'global') {
    if (!service.tasks.length) startTask(engine, swarm, service, 0);
    return;
  }
  for (let slot = 1; slot <= want; slot++) {
    if (!service.tasks.some((t) => t.slot === slot)) startTask(engine, swarm, service, slot);
  }
}

/** A new task: its addresses now (the manager allocates them), its container when it is ready. */
function startTask(engine: Engine, swarm: SwarmRecord, service: ServiceRecord, slot: number): void {
  // Task times are on the swarm's clock (see `swarmNowMs`).
  const now = rfc3339Nanos(swarmNowMs(engine), 0);
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
  scheduleTask(engine, swarm, task, setsUpOverlay);
  service.tasks.push(task);
  service.tasks.sort((a, b) => a.slot - b.slot);
}

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

/** `POST /services/{id}/update` for what the sandbox supports: replicas, image, args, env. */
export function serviceUpdate(
  engine: Engine,
  term: string,
  change: { replicas?: number; image?: string; args?: string[]; env?: string[] },
): { service: ServiceRecord; warnings: string[] } {
  const swarm = requireManager(engine);
  const service = findService(engine, term);
  if (change.replicas !== undefined && service.mode !== 'replicated') {
    throw badRequest('replicas can only be used with replicated mode');
  }
  service.previousReplicas = service.replicas;
  if (change.image !== undefined || change.args !== undefined || change.env !== undefined) {
    // A new task template rolls over the tasks one at a time (stop-first): each old task gets
    // its grace period, its successor its image lookup, then the monitor period.
    const now = swarmNowMs(engine);
    const perTask = STOP_GRACE_MS + FIRST_LOOKUP_MS + UPDATE_MONITOR_MS;
    service.updateStatus = {
      startedAtMs: now,
      completesAtMs: now + perTask * Math.max(1, service.tasks.length),
    };
  }
  if (change.replicas !== undefined) service.replicas = change.replicas;
  if (change.image !== undefined) service.image = normalizeImage(change.image);
  if (change.args !== undefined) service.args = change.args;
  if (change.env !== undefined) service.env = change.env;
  service.version = nextIndex(swarm);
  service.updated = engine.now();
  reconcile(engine, service);
  return { service, warnings: change.image !== undefined ? [digestWarning(service.image)] : [] };
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

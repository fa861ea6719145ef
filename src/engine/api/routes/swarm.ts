/**
 * `/swarm`, `/nodes`, `/services`, `/tasks`, `/secrets`, `/configs`: served from the swarm ops,
 * with the daemon's checks (api/server/router/swarm, daemon/cluster of Docker 20.10) in its order.
 */
import type { Engine } from '../../engine.ts';
import { EngineError } from '../../errors.ts';
import { goSlice } from '../../go/values.ts';
import type { ServiceRecord, TaskRecord } from '../../model/state.ts';
import { findNetwork } from '../../ops/lookup.ts';
import { settleTasks, taskName } from '../../ops/service-tasks.ts';
import {
  digestWarning,
  findService,
  normalizeImage,
  type ServiceChange,
  type ServiceSpecRequest,
  serviceCreate,
  serviceList,
  serviceRemove,
  serviceUpdate,
  TASK_STATES,
  taskList,
} from '../../ops/services.ts';
import {
  checkNodeSpec,
  findNode,
  type NodeSpecRequest,
  nodeUpdate,
  requireManager,
  rotateJoinToken,
  type SwarmInitRequest,
  swarmInit,
  swarmJoin,
  swarmLeave,
  swarmUpdate,
} from '../../ops/swarm.ts';
import {
  NODE_VERSION_INDEX,
  nodeView,
  serviceView,
  swarmView,
  taskIsUpToDate,
  taskView,
} from '../../views/swarm-view.ts';
import { ApiError } from '../errors.ts';
import { type Filters, parseFiltersParam } from '../filters.ts';
import { decodeGoJson, type GoType, JsonDecodeError, JsonEOF, T } from '../go-decode.ts';
import type { ApiRequest } from '../http.ts';
import { emptyResponse, goJsonResponse, jsonResponse } from '../respond.ts';
import { boolValue, del, get, post, type Route } from '../route.ts';
import { convergencePoll, timeShiftMs } from '../swarm-clock.ts';
import { compareVersions } from '../versions.ts';

const UINT32: GoType = { kind: 'int', name: 'uint32' };
const UINT64: GoType = { kind: 'int', name: 'uint64' };

const INIT_REQUEST = T.struct('InitRequest', {
  ListenAddr: T.string,
  AdvertiseAddr: T.string,
  DataPathAddr: T.string,
  ForceNewCluster: T.bool,
  Spec: T.any,
  DefaultAddrPool: T.slice(T.string),
  SubnetSize: UINT32,
});
const JOIN_REQUEST = T.struct('JoinRequest', {
  ListenAddr: T.string,
  AdvertiseAddr: T.string,
  RemoteAddrs: T.slice(T.string),
  JoinToken: T.string,
});
const NETWORK_ATTACHMENT = T.struct('NetworkAttachmentConfig', {
  Target: T.string,
  Aliases: T.slice(T.string),
  DriverOpts: T.map(T.string),
});
const SERVICE_SPEC = T.struct('ServiceSpec', {
  Name: T.string,
  Labels: T.map(T.string),
  TaskTemplate: T.struct('TaskSpec', {
    ContainerSpec: T.ptr(
      T.struct('ContainerSpec', {
        Image: T.string,
        Labels: T.map(T.string),
        Command: T.slice(T.string),
        Args: T.slice(T.string),
        Hostname: T.string,
        Env: T.slice(T.string),
        Dir: T.string,
        User: T.string,
        Init: T.ptr(T.bool),
        TTY: T.bool,
        OpenStdin: T.bool,
        ReadOnly: T.bool,
        StopGracePeriod: T.ptr(T.int64),
        Isolation: T.string,
      }),
    ),
    Resources: T.any,
    RestartPolicy: T.any,
    Placement: T.any,
    Networks: T.slice(NETWORK_ATTACHMENT),
    LogDriver: T.any,
    ForceUpdate: UINT64,
    Runtime: T.string,
  }),
  Mode: T.struct('ServiceMode', {
    Replicated: T.ptr(T.struct('ReplicatedService', { Replicas: T.ptr(UINT64) })),
    Global: T.ptr(T.struct('GlobalService', {})),
    ReplicatedJob: T.any,
    GlobalJob: T.any,
  }),
  UpdateConfig: T.any,
  RollbackConfig: T.any,
  Networks: T.slice(NETWORK_ATTACHMENT),
  EndpointSpec: T.ptr(
    T.struct('EndpointSpec', {
      Mode: T.string,
      Ports: T.slice(
        T.struct('PortConfig', {
          Name: T.string,
          Protocol: T.string,
          TargetPort: UINT32,
          PublishedPort: UINT32,
          PublishMode: T.string,
        }),
      ),
    }),
  ),
});
const SWARM_SPEC = T.struct('Spec', {
  Name: T.string,
  Labels: T.map(T.string),
  Orchestration: T.struct('OrchestrationConfig', {
    TaskHistoryRetentionLimit: T.ptr(T.int64),
  }),
  Raft: T.any,
  Dispatcher: T.any,
  CAConfig: T.any,
  TaskDefaults: T.any,
  EncryptionConfig: T.any,
});
const NODE_SPEC = T.struct('NodeSpec', {
  Name: T.string,
  Labels: T.map(T.string),
  Role: T.string,
  Availability: T.string,
});

/**
 * A body as the swarm handlers read it: `json.NewDecoder(r.Body).Decode`, no Content-Type check;
 * nothing at all is `got EOF while reading request body`.
 */
function readBody<B>(req: ApiRequest, type: GoType): B {
  try {
    return decodeGoJson(req.body.toString('utf8'), type) as B;
  } catch (e) {
    if (e instanceof JsonEOF) throw new ApiError(400, 'got EOF while reading request body');
    if (e instanceof JsonDecodeError) throw new ApiError(400, e.message);
    throw e;
  }
}

/** The object version a swarm update names: `strconv.ParseUint` of `?version=`. */
function versionParam(req: ApiRequest, kind: string): number {
  const raw = req.query.get('version') ?? '';
  const digits = /^[0-9]+$/.test(raw);
  if (!digits || BigInt(raw) > 2n ** 64n - 1n) {
    const why = digits ? 'value out of range' : 'invalid syntax';
    throw new ApiError(
      400,
      `invalid ${kind} version '${raw}': strconv.ParseUint: parsing ${JSON.stringify(raw)}: ${why}`,
    );
  }
  return Number(raw);
}

const OUT_OF_SEQUENCE = 'rpc error: code = Unknown desc = update out of sequence';

/** `strconv.ParseBool`, or the handler's 400 for a bad value. */
function parseBoolParam(req: ApiRequest, name: string, message: (v: string) => string): boolean | undefined {
  const v = req.query.get(name) ?? '';
  if (v === '') return undefined;
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v)) return false;
  throw new ApiError(400, message(v));
}

const parseBoolError = (v: string) => `strconv.ParseBool: parsing ${JSON.stringify(v)}: invalid syntax`;

/** `filters.Validate`: a key the list does not know is a 400. */
function validateFilters(filters: Filters, accepted: readonly string[]): void {
  for (const key of Object.keys(filters)) {
    if (!accepted.includes(key)) throw new ApiError(400, `Invalid filter '${key}'`);
  }
}

/** A `label` filter: every `key` or `key=value` wanted is among `have`. */
function labelsMatch(wanted: string[] | undefined, have: Record<string, string>): boolean {
  return (wanted ?? []).every((l) => {
    const eq = l.indexOf('=');
    const k = eq < 0 ? l : l.slice(0, eq);
    return k in have && (eq < 0 || have[k] === l.slice(eq + 1));
  });
}

/** Lists that exist only on a manager: empty here, as the sandbox has no secrets or configs. */
function managerOnlyEmpty(engine: Engine) {
  requireManager(engine);
  return jsonResponse(200, []);
}

/** `GET /tasks`: the daemon's filters, the service and node ones resolved first. */
function listTasks(engine: Engine, req: ApiRequest): Array<{ service: ServiceRecord; task: TaskRecord }> {
  const swarm = requireManager(engine);
  const filters = parseFiltersParam(req);
  validateFilters(filters, [
    'name',
    'id',
    'label',
    'service',
    'node',
    'desired-state',
    '_up-to-date',
    'runtime',
  ]);
  const serviceIds = (filters.service ?? []).map((term) => findService(engine, term).id);
  for (const term of filters.node ?? []) findNode(engine, term);
  for (const s of filters['desired-state'] ?? []) {
    if (s !== '' && !TASK_STATES.includes(s.toLowerCase())) {
      throw new ApiError(500, `Invalid desired-state filter: '${s}'`);
    }
  }
  const upToDate = (filters['_up-to-date'] ?? []).length > 0;
  if (upToDate && serviceIds.length === 1) {
    const record = findService(engine, serviceIds[0]!);
    convergencePoll(engine, req, { id: record.id, record });
  }
  const desired = (filters['desired-state'] ?? []).filter((s) => s !== '').map((s) => s.toLowerCase());
  return taskList(engine).filter(({ service, task }) => {
    if (serviceIds.length && !serviceIds.includes(service.id)) return false;
    if (desired.length && !desired.includes(task.desiredState ?? 'running')) return false;
    if (filters.id?.length && !filters.id.some((p) => task.id.startsWith(p))) return false;
    if (filters.name?.length && !filters.name.some((p) => taskName(swarm, service, task).startsWith(p))) {
      return false;
    }
    // swarmkit matches a task's labels against its service's (`ServiceAnnotations`): `stack ps`.
    if (!labelsMatch(filters.label, service.labels)) return false;
    if (upToDate && !taskIsUpToDate(service, task)) return false;
    return true;
  });
}

/** `GET /tasks/{id}`: full ID, then unique ID prefix. */
function findTask(engine: Engine, term: string): { service: ServiceRecord; task: TaskRecord } {
  const all = taskList(engine);
  const exact = all.find((x) => x.task.id === term);
  if (exact) return exact;
  const byPrefix = term ? all.filter((x) => x.task.id.startsWith(term)) : [];
  if (byPrefix.length === 1) return byPrefix[0]!;
  if (byPrefix.length > 1)
    throw new ApiError(404, `task ${term} is ambiguous (${byPrefix.length} matches found)`);
  throw new ApiError(404, `task ${term} not found`);
}

/** `convert.ServiceSpecToGRPC`: a container task needs a container spec. */
function checkRuntime(spec: ServiceSpecRequest & { TaskTemplate?: { Runtime?: string } }): void {
  const runtime = spec.TaskTemplate?.Runtime ?? '';
  if ((runtime === '' || runtime === 'container') && !spec.TaskTemplate?.ContainerSpec) {
    throw new ApiError(400, 'mismatched Runtime and *Spec fields');
  }
}

type PortRecord = ServiceRecord['ports'][number];

function portsOf(spec: ServiceSpecRequest): PortRecord[] {
  return (spec.EndpointSpec?.Ports ?? []).map((p) => ({
    protocol: p.Protocol || 'tcp',
    targetPort: p.TargetPort ?? 0,
    publishedPort: p.PublishedPort ?? 0,
    publishMode: p.PublishMode || 'ingress',
  }));
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * What a whole new spec (the CLI sends the service's spec back with its flags applied) changes in
 * what the sandbox models; only what differs, so that an update that leaves, say, the ports alone
 * does not count as one of the endpoint.
 */
function specChange(engine: Engine, svc: ServiceRecord, spec: ServiceSpecRequest): ServiceChange {
  const change: ServiceChange = {};
  if ((spec.Name ?? '') !== svc.name) {
    throw new EngineError(501, 'rpc error: code = Unimplemented desc = renaming services is not supported');
  }
  const isGlobal = spec.Mode?.Global !== undefined && spec.Mode?.Global !== null;
  if ((svc.mode === 'global') !== isGlobal) {
    throw new EngineError(501, 'rpc error: code = Unimplemented desc = service mode change is not allowed');
  }
  const replicas = spec.Mode?.Replicated?.Replicas;
  if (svc.mode === 'replicated' && replicas !== undefined && replicas !== null && replicas !== svc.replicas) {
    change.replicas = replicas;
  }
  const labels = spec.Labels ?? {};
  if (!same(Object.entries(labels).sort(), Object.entries(svc.labels).sort())) change.labels = labels;
  const container = spec.TaskTemplate?.ContainerSpec ?? {};
  if (normalizeImage(container.Image ?? '') !== svc.image) change.image = container.Image ?? '';
  if (!same(container.Args ?? [], svc.args)) change.args = container.Args ?? [];
  if (!same(container.Env ?? [], svc.env)) change.env = container.Env ?? [];
  const networks = (spec.TaskTemplate?.Networks ?? []).map((n) => ({
    target: findNetwork(engine, n.Target).id,
    aliases: n.Aliases ?? [],
  }));
  if (!same(networks, svc.networks)) change.networks = networks;
  const ports = portsOf(spec);
  if (!same(ports, svc.ports)) change.ports = ports;
  const mode = spec.EndpointSpec?.Mode === 'dnsrr' ? 'dnsrr' : 'vip';
  if (mode !== (svc.endpointMode ?? 'vip')) change.endpointMode = mode;
  return change;
}

/** `rollback=previous`: the spec before the last update, as a change. */
function rollbackChange(svc: ServiceRecord): ServiceChange {
  const prev = svc.previousSpec;
  if (!prev) {
    throw new ApiError(
      400,
      `rpc error: code = FailedPrecondition desc = service ${svc.id} does not have a previous spec`,
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
  if (svc.mode === 'replicated') change.replicas = prev.replicas;
  return change;
}

/** Before API 1.30 the daemon itself looked the image up for its digest, and warned. */
const daemonQueriesRegistry = (version: string) => compareVersions(version, '1.30') < 0;

export const swarmRoutes: Route[] = [
  get('/swarm', ({ engine }) => goJsonResponse(200, swarmView(requireManager(engine)))),
  post('/swarm/init', ({ engine, req }) => {
    const body = readBody<SwarmInitRequest>(req, INIT_REQUEST);
    return jsonResponse(200, swarmInit(engine, body ?? {}));
  }),
  post('/swarm/join', ({ engine, req }) => {
    swarmJoin(engine, readBody(req, JOIN_REQUEST) ?? {});
  }),
  post('/swarm/update', ({ engine, req }) => {
    const spec = readBody<{ Orchestration?: { TaskHistoryRetentionLimit?: number | null } } | null>(
      req,
      SWARM_SPEC,
    );
    const version = versionParam(req, 'swarm');
    const rotate = (name: string) =>
      parseBoolParam(req, name, (v) => `invalid value for ${name}: ${v}`) ?? false;
    const rotateWorker = rotate('rotateWorkerToken');
    const rotateManager = rotate('rotateManagerToken');
    rotate('rotateManagerUnlockKey');
    const swarm = requireManager(engine);
    if (version !== swarm.index) throw new ApiError(500, OUT_OF_SEQUENCE);
    const limit = spec?.Orchestration?.TaskHistoryRetentionLimit;
    swarmUpdate(engine, typeof limit === 'number' ? { taskHistoryLimit: limit } : {});
    if (rotateWorker) rotateJoinToken(engine, 'worker');
    if (rotateManager) rotateJoinToken(engine, 'manager');
    return emptyResponse(200);
  }),
  // Autolock is never on here: no key (the CLI then says `no unlock key is set`), nothing to unlock.
  get('/swarm/unlockkey', ({ engine }) => {
    requireManager(engine);
    return jsonResponse(200, { UnlockKey: '' });
  }),
  post('/swarm/unlock', ({ engine, req }) => {
    readBody(req, T.struct('UnlockRequest', { UnlockKey: T.string }));
    requireManager(engine);
    throw new ApiError(409, 'swarm is not locked');
  }),
  post('/swarm/leave', ({ engine, req }) => {
    swarmLeave(engine, boolValue(req, 'force'));
    return emptyResponse(200);
  }),
  get('/nodes', ({ engine, req }) => {
    const swarm = requireManager(engine);
    const filters = parseFiltersParam(req);
    validateFilters(filters, ['name', 'id', 'label', 'role', 'membership', 'node.label']);
    for (const r of filters.role ?? []) {
      if (r !== '' && !['worker', 'manager'].includes(r.toLowerCase())) {
        throw new ApiError(500, `Invalid role filter: '${r}'`);
      }
    }
    for (const m of filters.membership ?? []) {
      if (m !== '' && !['pending', 'accepted'].includes(m.toLowerCase())) {
        throw new ApiError(500, `Invalid membership filter: '${m}'`);
      }
    }
    const hostname = engine.state.daemon.hostname;
    const roles = (filters.role ?? []).filter((r) => r !== '').map((r) => r.toLowerCase());
    const memberships = (filters.membership ?? []).filter((m) => m !== '').map((m) => m.toLowerCase());
    const keep =
      (!roles.length || roles.includes('manager')) &&
      (!memberships.length || memberships.includes('accepted')) &&
      (!filters.id?.length || filters.id.some((p) => swarm.nodeId.startsWith(p))) &&
      (!filters.name?.length || filters.name.some((p) => hostname.startsWith(p))) &&
      labelsMatch(filters.label, {}) &&
      labelsMatch(filters['node.label'], swarm.nodeLabels ?? {});
    return goJsonResponse(200, goSlice(keep ? [nodeView(engine, swarm)] : []));
  }),
  get('/nodes/{id}', ({ engine, params }) =>
    goJsonResponse(200, nodeView(engine, findNode(engine, params.id!))),
  ),
  post('/nodes/{id}/update', ({ engine, req, params }) => {
    const spec = readBody<NodeSpecRequest | null>(req, NODE_SPEC) ?? {};
    const version = versionParam(req, 'node');
    requireManager(engine);
    // The spec is checked before the node is looked up, the version after.
    checkNodeSpec(spec);
    findNode(engine, params.id!);
    if (version !== NODE_VERSION_INDEX) throw new ApiError(500, OUT_OF_SEQUENCE);
    nodeUpdate(engine, params.id!, spec);
    return emptyResponse(200);
  }),
  del('/nodes/{id}', ({ engine, params }) => {
    const swarm = findNode(engine, params.id!);
    throw new ApiError(
      400,
      `rpc error: code = FailedPrecondition desc = node ${swarm.nodeId} is a cluster manager and is a member of the raft cluster. It must be demoted to worker before removal`,
    );
  }),
  get('/services', ({ engine, req, version }) => {
    requireManager(engine);
    const filters = parseFiltersParam(req);
    validateFilters(filters, ['name', 'id', 'label', 'mode', 'runtime']);
    const status =
      compareVersions(version, '1.41') >= 0 &&
      (parseBoolParam(req, 'status', (v) => `invalid value for status: ${v}: ${parseBoolError(v)}`) ?? false);
    const list = serviceList(engine, filters);
    const shift = timeShiftMs(engine);
    return goJsonResponse(
      200,
      goSlice(
        list.map((s) =>
          serviceView(engine, s, { insertDefaults: false, timeShiftMs: shift, status, json: true }),
        ),
      ),
    );
  }),
  post('/services/create', ({ engine, req, version }) => {
    const spec = readBody<ServiceSpecRequest | null>(req, SERVICE_SPEC) ?? {};
    checkRuntime(spec);
    const { service, warnings } = serviceCreate(engine, spec);
    const shown = daemonQueriesRegistry(version) ? warnings : [];
    return jsonResponse(201, { ID: service.id, ...(shown.length ? { Warnings: shown } : {}) });
  }),
  get('/services/{id}', ({ engine, req, params }) => {
    const insertDefaults =
      parseBoolParam(
        req,
        'insertDefaults',
        (v) => `invalid value for insertDefaults: ${v}: ${parseBoolError(v)}`,
      ) ?? false;
    const service = findService(engine, params.id!);
    settleTasks(engine);
    return goJsonResponse(
      200,
      serviceView(engine, service, { insertDefaults, timeShiftMs: timeShiftMs(engine), json: true }),
    );
  }),
  post('/services/{id}/update', ({ engine, req, params, version }) => {
    const spec = readBody<ServiceSpecRequest | null>(req, SERVICE_SPEC) ?? {};
    const objectVersion = versionParam(req, 'service');
    checkRuntime(spec);
    const service = findService(engine, params.id!);
    const rollback = req.query.get('rollback') ?? '';
    if (rollback !== '' && rollback !== 'none' && rollback !== 'previous') {
      throw new ApiError(500, `unrecognized rollback option ${rollback}`);
    }
    const change = rollback === 'previous' ? rollbackChange(service) : specChange(engine, service, spec);
    const updated = serviceUpdate(engine, service.id, change, objectVersion).service;
    // Before 1.30 the daemon looks the image up at every update, and warns when it cannot.
    const warnings = daemonQueriesRegistry(version) ? [digestWarning(updated.image)] : null;
    return jsonResponse(200, { Warnings: warnings });
  }),
  del('/services/{id}', ({ engine, params }) => {
    serviceRemove(engine, params.id!);
    return emptyResponse(200);
  }),
  get('/tasks', ({ engine, req }) => {
    const swarm = requireManager(engine);
    const rows = listTasks(engine, req);
    const shift = timeShiftMs(engine);
    return goJsonResponse(
      200,
      goSlice(
        rows.map(({ service, task }) => taskView(engine, swarm, service, task, { timeShiftMs: shift })),
      ),
    );
  }),
  get('/tasks/{id}', ({ engine, params }) => {
    const swarm = requireManager(engine);
    const { service, task } = findTask(engine, params.id!);
    return goJsonResponse(200, taskView(engine, swarm, service, task, { timeShiftMs: timeShiftMs(engine) }));
  }),
  get('/secrets', ({ engine }) => managerOnlyEmpty(engine)),
  get('/configs', ({ engine }) => managerOnlyEmpty(engine)),
];

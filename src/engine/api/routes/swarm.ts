/** `/swarm`, `/nodes`, `/services`, `/tasks`, `/secrets`, `/configs`: served from the swarm ops. */
import type { Engine } from '../../engine.ts';
import { goSlice } from '../../go/values.ts';
import {
  findService,
  type ServiceSpecRequest,
  serviceCreate,
  serviceList,
  serviceRemove,
  taskList,
} from '../../ops/services.ts';
import {
  requireManager,
  type SwarmInitRequest,
  swarmInit,
  swarmJoin,
  swarmLeave,
  swarmUpdate,
} from '../../ops/swarm.ts';
import { nodeView, serviceView, swarmView, taskView } from '../../views/swarm-view.ts';
import { ApiError } from '../errors.ts';
import { parseFiltersParam } from '../filters.ts';
import { T } from '../go-decode.ts';
import { emptyResponse, goJsonResponse, jsonResponse } from '../respond.ts';
import { boolValue, del, get, post, type Route, readJson } from '../route.ts';

const INIT_REQUEST = T.struct('InitRequest', {
  ListenAddr: T.string,
  AdvertiseAddr: T.string,
  DataPathAddr: T.string,
  ForceNewCluster: T.bool,
  Spec: T.any,
  DefaultAddrPool: T.slice(T.string),
  SubnetSize: { kind: 'int', name: 'uint32' },
});
const JOIN_REQUEST = T.struct('JoinRequest', {
  ListenAddr: T.string,
  AdvertiseAddr: T.string,
  RemoteAddrs: T.slice(T.string),
  JoinToken: T.string,
});
const SERVICE_SPEC = T.struct('ServiceSpec', {
  Name: T.string,
  Labels: T.map(T.string),
  TaskTemplate: T.struct('TaskSpec', {
    ContainerSpec: T.ptr(
      T.struct('ContainerSpec', {
        Image: T.string,
        Args: T.slice(T.string),
        Command: T.slice(T.string),
        Env: T.slice(T.string),
      }),
    ),
    Networks: T.slice(T.struct('NetworkAttachmentConfig', { Target: T.string, Aliases: T.slice(T.string) })),
  }),
  Mode: T.any,
  EndpointSpec: T.any,
});

const SWARM_SPEC = T.struct('Spec', {
  Name: T.string,
  Labels: T.map(T.string),
  Orchestration: T.struct('OrchestrationConfig', {
    TaskHistoryRetentionLimit: T.ptr({ kind: 'int', name: 'int64' }),
  }),
  Raft: T.any,
  Dispatcher: T.any,
  CAConfig: T.any,
  TaskDefaults: T.any,
  EncryptionConfig: T.any,
});

const EOF_BODY = () => {
  throw new ApiError(400, 'EOF');
};

/** Lists that exist only on a manager: empty here, as the sandbox has no secrets or configs. */
function managerOnlyEmpty(engine: Engine) {
  requireManager(engine);
  return jsonResponse(200, []);
}

export const swarmRoutes: Route[] = [
  get('/swarm', ({ engine }) => goJsonResponse(200, swarmView(requireManager(engine)))),
  post('/swarm/init', ({ engine, req }) => {
    const body = readJson<SwarmInitRequest>(req, INIT_REQUEST, EOF_BODY);
    return jsonResponse(200, swarmInit(engine, body ?? {}));
  }),
  post('/swarm/join', ({ engine, req }) => {
    swarmJoin(engine, readJson(req, JOIN_REQUEST, EOF_BODY) ?? {});
  }),
  post('/swarm/update', ({ engine, req }) => {
    requireManager(engine);
    const spec = readJson<{ Orchestration?: { TaskHistoryRetentionLimit?: number | null } }>(
      req,
      SWARM_SPEC,
      EOF_BODY,
    );
    const limit = spec?.Orchestration?.TaskHistoryRetentionLimit;
    swarmUpdate(engine, typeof limit === 'number' ? { taskHistoryLimit: limit } : {});
    return emptyResponse(200);
  }),
  post('/swarm/leave', ({ engine, req }) => {
    swarmLeave(engine, boolValue(req, 'force'));
    return emptyResponse(200);
  }),
  get('/nodes', ({ engine }) => {
    const swarm = requireManager(engine);
    return goJsonResponse(200, goSlice([nodeView(engine, swarm)]));
  }),
  get('/nodes/{id:.*}', ({ engine, params }) => {
    const swarm = requireManager(engine);
    if (params.id !== swarm.nodeId && params.id !== 'self' && !swarm.nodeId.startsWith(params.id || '-')) {
      throw new ApiError(404, `node ${params.id} not found`);
    }
    return goJsonResponse(200, nodeView(engine, swarm));
  }),
  get('/services', ({ engine, req }) => {
    requireManager(engine);
    const list = serviceList(engine, parseFiltersParam(req));
    return goJsonResponse(200, goSlice(list.map((s) => serviceView(engine, s))));
  }),
  post('/services/create', ({ engine, req }) => {
    const spec = readJson<ServiceSpecRequest>(req, SERVICE_SPEC, EOF_BODY);
    const { service, warnings } = serviceCreate(engine, spec ?? {});
    return jsonResponse(201, { ID: service.id, ...(warnings.length ? { Warnings: warnings } : {}) });
  }),
  get('/services/{id:.*}', ({ engine, params }) =>
    goJsonResponse(200, serviceView(engine, findService(engine, params.id!))),
  ),
  del('/services/{id:.*}', ({ engine, params }) => {
    serviceRemove(engine, params.id!);
    return emptyResponse(200);
  }),
  get('/tasks', ({ engine }) => {
    const swarm = requireManager(engine);
    return goJsonResponse(
      200,
      goSlice(taskList(engine).map(({ service, task }) => taskView(engine, swarm, service, task))),
    );
  }),
  get('/secrets', ({ engine }) => managerOnlyEmpty(engine)),
  get('/configs', ({ engine }) => managerOnlyEmpty(engine)),
];

/** `/containers`: list, create, inspect, start, stop, restart, kill, wait, delete, logs, prune. */

import { listContainers } from '../../cli/commands/ps.ts';
import type { Engine } from '../../engine.ts';
import { marshal } from '../../go/json.ts';
import type { ContainerRecord } from '../../model/state.ts';
import {
  type ContainerCreateRequest,
  containerCreate,
  containerKill,
  containerRemove,
  containerRestart,
  containerStart,
  containerStop,
  containersPrune,
  containerWait,
  getContainer,
} from '../../ops/containers.ts';
import { containerView, networksView } from '../../views/container-view.ts';
import { ApiError } from '../errors.ts';
import { parseFiltersParam } from '../filters.ts';
import { T } from '../go-decode.ts';
import { emptyResponse, goJsonResponse, jsonResponse, streamResponse } from '../respond.ts';
import { boolValue, del, get, post, type Route, readJson } from '../route.ts';
import { frame } from '../stream.ts';
import { ENDPOINT_SETTINGS_TYPE } from './networks.ts';

const PORT_BINDING = T.struct('PortBinding', { HostIp: T.string, HostPort: T.string });

/** `ContainerConfigWrapper` (Config with HostConfig and NetworkingConfig), the fields worth checking. */
const CONTAINER_CREATE = T.struct('ContainerConfigWrapper', {
  Hostname: T.string,
  Domainname: T.string,
  User: T.string,
  AttachStdin: T.bool,
  AttachStdout: T.bool,
  AttachStderr: T.bool,
  ExposedPorts: T.map(T.any),
  Tty: T.bool,
  OpenStdin: T.bool,
  StdinOnce: T.bool,
  Env: T.slice(T.string),
  Cmd: T.slice(T.string),
  Image: T.string,
  WorkingDir: T.string,
  Entrypoint: T.slice(T.string),
  MacAddress: T.string,
  Labels: T.map(T.string),
  StopSignal: T.string,
  HostConfig: T.ptr(
    T.struct('HostConfig', {
      NetworkMode: T.string,
      PortBindings: T.map(T.slice(PORT_BINDING)),
      PublishAllPorts: T.bool,
      AutoRemove: T.bool,
      Dns: T.slice(T.string),
      DnsSearch: T.slice(T.string),
      DnsOptions: T.slice(T.string),
      ExtraHosts: T.slice(T.string),
      Links: T.slice(T.string),
      RestartPolicy: T.struct('RestartPolicy', { Name: T.string, MaximumRetryCount: T.int }),
      Privileged: T.bool,
      CapAdd: T.slice(T.string),
      Memory: T.int64,
      Binds: T.slice(T.string),
    }),
  ),
  NetworkingConfig: T.ptr(
    T.struct('NetworkingConfig', { EndpointsConfig: T.map(T.ptr(ENDPOINT_SETTINGS_TYPE)) }),
  ),
});

/** `types.Container`, as `GET /containers/json` lists it. */
function summary(engine: Engine, c: ContainerRecord): Record<string, unknown> {
  const ports: Array<Record<string, unknown>> = [];
  for (const p of c.exposedPorts) {
    const [port, type] = p.split('/') as [string, string];
    const bound = c.boundPorts[p] ?? [];
    if (bound.length === 0) ports.push({ PrivatePort: Number(port), Type: type });
    for (const b of bound) {
      ports.push({
        IP: b.hostIp || '0.0.0.0',
        PrivatePort: Number(port),
        PublicPort: Number(b.hostPort),
        Type: type,
      });
    }
  }
  const command = [c.path, ...c.args].join(' ');
  return {
    Id: c.id,
    Names: [`/${c.name}`],
    Image: c.imageRef,
    ImageID: c.imageId,
    Command: command,
    Created: Math.floor(Date.parse(c.created) / 1000),
    Ports: ports,
    Labels: c.labels,
    State: c.status,
    Status: '',
    HostConfig: { NetworkMode: c.hostConfig.networkMode },
    NetworkSettings: { Networks: JSON.parse(marshal(networksView(engine, c))) },
    Mounts: [],
  };
}

export const containerRoutes: Route[] = [
  get('/containers/json', ({ engine, req }) => {
    const list = listContainers(engine, {
      all: boolValue(req, 'all'),
      limit: Number(req.query.get('limit') ?? 0) || 0,
      filters: parseFiltersParam(req),
    });
    return jsonResponse(
      200,
      list.map((c) => summary(engine, c)),
    );
  }),
  post('/containers/create', ({ engine, req }) => {
    const body = readJson<ContainerCreateRequest | null>(req, CONTAINER_CREATE, () => null);
    if (!body?.Image) throw new ApiError(400, 'Config cannot be empty in order to create a container');
    const name = req.query.get('name') ?? '';
    const c = containerCreate(engine, { ...body, ...(name ? { name } : {}) });
    return jsonResponse(201, { Id: c.id, Warnings: [] });
  }),
  get('/containers/{name:.*}/json', ({ engine, req, params }) =>
    goJsonResponse(200, containerView(engine, getContainer(engine, params.name!), boolValue(req, 'size'))),
  ),
  post('/containers/{name:.*}/start', ({ engine, params }) => {
    const started = containerStart(engine, params.name!);
    return emptyResponse(started ? 204 : 304);
  }),
  post('/containers/{name:.*}/stop', ({ engine, params }) =>
    emptyResponse(containerStop(engine, params.name!) ? 204 : 304),
  ),
  post('/containers/{name:.*}/restart', ({ engine, params }) => {
    containerRestart(engine, params.name!);
    return emptyResponse(204);
  }),
  post('/containers/{name:.*}/kill', ({ engine, req, params }) => {
    containerKill(engine, params.name!, req.query.get('signal') || 'KILL');
    return emptyResponse(204);
  }),
  post('/containers/{name:.*}/wait', ({ engine, params }) => {
    const code = containerWait(engine, params.name!);
    return jsonResponse(200, { Error: null, StatusCode: code });
  }),
  del('/containers/{name:.*}', ({ engine, req, params }) => {
    containerRemove(engine, params.name!, boolValue(req, 'force'));
    return emptyResponse(204);
  }),
  get('/containers/{name:.*}/logs', ({ engine, req, params }) => {
    const wantOut = boolValue(req, 'stdout');
    const wantErr = boolValue(req, 'stderr');
    if (!wantOut && !wantErr) throw new ApiError(400, 'Bad parameters: you must choose at least one stream');
    const c = getContainer(engine, params.name!);
    const timestamps = boolValue(req, 'timestamps');
    const tail = req.query.get('tail') ?? 'all';
    let lines = c.logs.filter((l) => (l.stream === 'stdout' ? wantOut : wantErr));
    if (/^\d+$/.test(tail)) lines = Number(tail) === 0 ? [] : lines.slice(-Number(tail));
    const chunks = lines.map((l) => {
      const text = Buffer.from(timestamps ? `${l.time} ${l.text}` : l.text);
      return c.tty ? text : frame(l.stream, text);
    });
    return streamResponse(200, 'application/vnd.docker.raw-stream', {
      run: async (write) => {
        for (const chunk of chunks) write(chunk);
      },
    });
  }),
  post('/containers/prune', ({ engine, req }) => {
    parseFiltersParam(req);
    const removed = containersPrune(engine);
    return jsonResponse(200, { ContainersDeleted: removed.length ? removed : null, SpaceReclaimed: 0 });
  }),
];

/** `/networks`: list, inspect, create, connect, disconnect, delete, prune. */

import { goSlice } from '../../go/values.ts';
import { networkConnect, networkDisconnect } from '../../ops/network-connect.ts';
import {
  type NetworkCreateRequest,
  networkCreate,
  networkInspect,
  networkList,
  networkRemove,
  networksPrune,
} from '../../ops/networks.ts';
import { networkView } from '../../views/network-view.ts';
import { ApiError } from '../errors.ts';
import { parseFiltersParam } from '../filters.ts';
import { field, T } from '../go-decode.ts';
import type { ApiResponse } from '../http.ts';
import { emptyResponse, goJsonResponse, jsonResponse } from '../respond.ts';
import { del, get, post, type Route, type RouteContext, readJson } from '../route.ts';

const IPAM_CONFIG = T.struct('IPAMConfig', {
  Subnet: T.string,
  IPRange: T.string,
  Gateway: T.string,
  AuxiliaryAddresses: T.map(T.string),
});

/** `types.NetworkCreateRequest` (NetworkCreate embedded). */
/** Go's `strconv.ParseBool`. */
function parseGoBool(v: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v)) return false;
  return undefined;
}

export const NETWORK_CREATE_REQUEST = T.struct('NetworkCreateRequest', {
  Name: T.string,
  CheckDuplicate: T.bool,
  Driver: T.string,
  Scope: T.string,
  EnableIPv6: T.bool,
  IPAM: T.ptr(T.struct('IPAM', { Driver: T.string, Options: T.map(T.string), Config: T.slice(IPAM_CONFIG) })),
  Internal: T.bool,
  Attachable: T.bool,
  Ingress: T.bool,
  ConfigOnly: T.bool,
  ConfigFrom: T.ptr(T.struct('ConfigReference', { Network: T.string })),
  Options: T.map(T.string),
  Labels: T.map(T.string),
});

const ENDPOINT_SETTINGS = T.struct('EndpointSettings', {
  IPAMConfig: T.ptr(
    T.struct('EndpointIPAMConfig', {
      IPv4Address: T.string,
      IPv6Address: T.string,
      LinkLocalIPs: T.slice(T.string),
    }),
  ),
  Links: T.slice(T.string),
  Aliases: T.slice(T.string),
  NetworkID: T.string,
  EndpointID: T.string,
  Gateway: T.string,
  IPAddress: T.string,
  IPPrefixLen: T.int,
  IPv6Gateway: T.string,
  GlobalIPv6Address: T.string,
  GlobalIPv6PrefixLen: T.int,
  MacAddress: T.string,
  DriverOpts: T.map(T.string),
});

export const ENDPOINT_SETTINGS_TYPE = ENDPOINT_SETTINGS;

const NETWORK_CONNECT = T.struct('NetworkConnect', {
  Container: T.string,
  EndpointConfig: T.ptr(ENDPOINT_SETTINGS),
});
const NETWORK_DISCONNECT = T.struct('NetworkDisconnect', { Container: T.string, Force: T.bool });

const EOF_BODY = () => {
  throw new ApiError(400, 'got EOF while reading request body');
};

/** The `Container` of a connect or disconnect body; '' when missing or not a string. */
function containerField(body: unknown): string {
  const container = field(body, 'Container');
  return typeof container === 'string' ? container : '';
}

/** The endpoint settings a client sends, as the connect op takes them. */
export function endpointRequest(settings: unknown) {
  const ipam = field(settings, 'IPAMConfig');
  const ipv4 = field(ipam, 'IPv4Address');
  const ipv6 = field(ipam, 'IPv6Address');
  const aliases = field(settings, 'Aliases');
  const links = field(settings, 'Links');
  const driverOpts = field(settings, 'DriverOpts');
  // The CLI sends an IPAMConfig and a DriverOpts map even when empty; inspect shows them as `{}`.
  const emptyConfig =
    (ipam !== null && typeof ipam === 'object') || (driverOpts !== null && typeof driverOpts === 'object');
  return {
    ...(emptyConfig ? { emptyConfig } : {}),
    ...(typeof ipv4 === 'string' && ipv4 ? { ipv4 } : {}),
    ...(typeof ipv6 === 'string' && ipv6 ? { ipv6 } : {}),
    ...(Array.isArray(aliases) ? { aliases: aliases as string[] } : {}),
    ...(Array.isArray(links) ? { links: links as string[] } : {}),
  };
}

function listNetworks({ engine, req }: RouteContext): ApiResponse {
  const list = networkList(engine, parseFiltersParam(req));
  return goJsonResponse(200, goSlice(list.map((nw) => networkView(engine, nw, false))));
}

export const networkRoutes: Route[] = [
  get('/networks', listNetworks),
  // The daemon registers the list under `/networks/` too.
  get('/networks/', listNetworks),
  get('/networks/{id:.+}', ({ engine, req, params }) => {
    const term = params.id!;
    const scope = req.query.get('scope') ?? '';
    const nw = networkInspect(engine, term);
    // `?scope=` narrows the lookup: a local network is not found in the swarm scope, except the
    // predefined `bridge` and `host`, which a swarm manager also knows by name (services use them).
    const swarmPredefined =
      scope === 'swarm' &&
      engine.state.swarm !== null &&
      nw.predefined &&
      nw.name === term &&
      nw.driver !== 'null';
    if (scope !== '' && scope !== nw.scope && !swarmPredefined) {
      throw new ApiError(404, `network ${term} not found`);
    }
    const verbose = req.query.get('verbose') ?? '';
    if (verbose !== '' && parseGoBool(verbose) === undefined) {
      throw new ApiError(
        400,
        `invalid value for verbose: ${verbose}: strconv.ParseBool: parsing ${JSON.stringify(verbose)}: invalid syntax`,
      );
    }
    return goJsonResponse(200, networkView(engine, nw, true));
  }),
  post('/networks/create', ({ engine, req }) => {
    const body = readJson<Record<string, unknown>>(req, NETWORK_CREATE_REQUEST, EOF_BODY);
    const res = networkCreate(engine, normalizeCreate(body));
    return jsonResponse(201, { Id: res.Id, Warning: res.Warning });
  }),
  post('/networks/{id:.*}/connect', ({ engine, req, params }) => {
    const body = readJson<unknown>(req, NETWORK_CONNECT, EOF_BODY);
    networkConnect(engine, params.id!, containerField(body), endpointRequest(field(body, 'EndpointConfig')));
    return okEmpty();
  }),
  post('/networks/{id:.*}/disconnect', ({ engine, req, params }) => {
    const body = readJson<unknown>(req, NETWORK_DISCONNECT, EOF_BODY);
    networkDisconnect(engine, params.id!, containerField(body), field(body, 'Force') === true);
    return okEmpty();
  }),
  del('/networks/{id:.*}', ({ engine, params }) => {
    networkRemove(engine, params.id!);
    return emptyResponse(204);
  }),
  post('/networks/prune', ({ engine, req }) => {
    const removed = networksPrune(engine, parseFiltersParam(req));
    return jsonResponse(200, { NetworksDeleted: removed.length ? removed : null });
  }),
];

/** Connect and disconnect answer 200 with an empty body and no Content-Type. */
function okEmpty() {
  return emptyResponse(200);
}

/** The decoded body with encoding/json's case-insensitive field matching applied. */
function normalizeCreate(body: unknown): NetworkCreateRequest {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys((NETWORK_CREATE_REQUEST as { fields: Record<string, unknown> }).fields)) {
    const v = field(body, key);
    if (v !== undefined && v !== null) out[key] = v;
  }
  const ipam = field(body, 'IPAM');
  if (ipam && typeof ipam === 'object') {
    const config = field(ipam, 'Config');
    out.IPAM = {
      ...(typeof field(ipam, 'Driver') === 'string' ? { Driver: field(ipam, 'Driver') } : {}),
      ...(field(ipam, 'Options') !== undefined ? { Options: field(ipam, 'Options') } : {}),
      Config: Array.isArray(config)
        ? config
            .filter((c) => c !== null)
            .map((c) => {
              const cfg: Record<string, unknown> = {};
              for (const k of ['Subnet', 'IPRange', 'Gateway', 'AuxiliaryAddresses']) {
                const v = field(c, k);
                if (v !== undefined && v !== null) cfg[k] = v;
              }
              return cfg;
            })
        : [],
    };
  }
  if (typeof out.Name !== 'string') out.Name = '';
  return out as unknown as NetworkCreateRequest;
}

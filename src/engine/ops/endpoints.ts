/**
 * Endpoints: a container's attachment to a network, with its address, MAC and DNS names.
 * Shared by `run`/`start` (networks from `--network`) and `network connect`/`disconnect`.
 */

import type { Engine } from '../engine.ts';
import { badRequest, forbidden, serverError } from '../errors.ts';
import {
  broadcastOf,
  contains,
  firstFree,
  formatIp,
  macForIpv4,
  networkOf,
  parseCidr,
  parseIp,
} from '../ipam.ts';
import type { ContainerRecord, EndpointRecord, NetworkRecord } from '../model/state.ts';
import { allocateSerial } from './overlay-ipam.ts';

export interface EndpointRequest {
  aliases?: string[];
  links?: string[];
  ipv4?: string;
  ipv6?: string;
  dnsNames?: string[];
  /** The request carried an (empty) IPAMConfig and DriverOpts, as the CLI's `network connect` does. */
  emptyConfig?: boolean;
}

/** Every address in use on a network: gateways, aux addresses and endpoints. */
export function takenAddresses(engine: Engine, nw: NetworkRecord): Set<string> {
  const taken = new Set(nw.allocated);
  for (const c of engine.state.containers) {
    for (const ep of c.endpoints) {
      if (ep.networkId !== nw.id) continue;
      if (ep.ipv4) taken.add(ep.ipv4);
      if (ep.ipv6) taken.add(ep.ipv6);
    }
  }
  return taken;
}

/**
 * Records that `container` belongs on `nw` (as `--network` or `network connect` on a stopped
 * container does): no address until it runs.
 */
export function attachEndpoint(
  _engine: Engine,
  container: ContainerRecord,
  nw: NetworkRecord,
  req: EndpointRequest = {},
): EndpointRecord {
  if ((req.ipv4 || req.ipv6) && !nw.userSubnet) {
    // runconfig.ErrUnsupportedNetworkNoSubnetAndIP is a validation error: 400, not 403.
    throw badRequest(
      'user specified IP address is supported only when connecting to networks with user configured subnets',
    );
  }
  const endpoint: EndpointRecord = {
    networkId: nw.id,
    endpointId: '',
    ipv4: '',
    ipv4Prefix: 0,
    gateway: '',
    ipv6: '',
    ipv6Prefix: 0,
    ipv6Gateway: '',
    mac: '',
    aliases: [...(req.aliases ?? [])],
    links: [...(req.links ?? [])],
    dnsNames: [...(req.dnsNames ?? [])],
    ...(req.ipv4 ? { ipamIpv4: req.ipv4 } : {}),
    ...(req.ipv6 ? { ipamIpv6: req.ipv6 } : {}),
    ...(req.emptyConfig ? { emptyConfig: true } : {}),
  };
  container.endpoints.push(endpoint);
  return endpoint;
}

/** Gives a running container's endpoint its address (requested or first free) and Docker's MAC. */
export function activateEndpoint(engine: Engine, endpoint: EndpointRecord, nw: NetworkRecord): void {
  endpoint.endpointId = engine.ids.hex64();
  if (!isAddressed(nw)) return;
  try {
    allocateAddresses(engine, endpoint, nw);
  } catch (e) {
    // A refused address leaves no endpoint: `network inspect` does not list the container (211).
    endpoint.endpointId = '';
    throw e;
  }
  // IPAM hands out the address when the endpoint is created; the veth pair comes at join, so
  // a refused address uses no interface index.
  assignInterface(engine, endpoint, nw);
}

function allocateAddresses(engine: Engine, endpoint: EndpointRecord, nw: NetworkRecord): void {
  const taken = takenAddresses(engine, nw);
  const v4 = nw.ipam.find((c) => !c.subnet.includes(':'));
  if (v4) {
    const subnet = parseCidr(v4.subnet)!;
    let ipv4: string;
    if (endpoint.ipamIpv4) {
      const ip = parseIp(endpoint.ipamIpv4);
      if (!ip || ip.v6) throw badRequest(`invalid IPv4 address: ${endpoint.ipamIpv4}`);
      if (!contains(subnet, ip.addr, false)) {
        // IPAM's out-of-range error is not a typed one: the API answers 500.
        throw serverError(
          `Invalid address ${endpoint.ipamIpv4}: It does not belong to any of this network's subnets`,
        );
      }
      // IPAM keeps the subnet's own and broadcast addresses.
      const edge = [networkOf(subnet), broadcastOf(subnet)].map((a) => formatIp(a, false));
      if (taken.has(endpoint.ipamIpv4) || edge.includes(endpoint.ipamIpv4))
        throw forbidden('Address already in use');
      ipv4 = endpoint.ipamIpv4;
    } else if (nw.scope === 'swarm') {
      // Swarm networks: the task's address from the manager, else the next one after the last
      // handed out (serial, as the swarm allocator does), not the lowest free.
      const kept = endpoint.swarmIpv4;
      ipv4 = kept && !taken.has(kept) ? kept : allocateSerial(engine, nw, false).ip;
      // The daemon records the manager's address as the endpoint's IPAM config.
      endpoint.swarmIpv4 = ipv4;
    } else {
      const range = v4.ipRange ? parseCidr(v4.ipRange) : null;
      const found = firstFree(range ? { subnet, range } : { subnet }, taken);
      if (!found)
        throw forbidden(`no available IPv4 addresses on this network's address pools: ${nw.name} (${nw.id})`);
      ipv4 = found;
    }
    endpoint.ipv4 = ipv4;
    endpoint.ipv4Prefix = subnet.prefix;
    // Overlay endpoints have no gateway of their own (docker_gwbridge is the way out).
    endpoint.gateway = nw.scope === 'swarm' ? '' : (v4.effectiveGateway ?? v4.gateway ?? '');
    endpoint.mac = endpoint.requestedMac || macForIpv4(ipv4);
  }
  const v6 = nw.enableIPv6 ? nw.ipam.find((c) => c.subnet.includes(':')) : undefined;
  if (v6) {
    const subnet = parseCidr(v6.subnet)!;
    endpoint.ipv6Prefix = subnet.prefix;
    endpoint.ipv6Gateway = v6.effectiveGateway ?? v6.gateway ?? formatIp(networkOf(subnet) + 1n, true);
    endpoint.ipv6 = endpoint.ipamIpv6 || firstFree({ subnet }, taken) || '';
  }
}

/**
 * The container side of the endpoint's veth pair: the next kernel index (its host peer takes the
 * one after) and the next `ethN` of the container, unless its start already chose the name.
 */
function assignInterface(engine: Engine, endpoint: EndpointRecord, nw: NetworkRecord): void {
  const owner = engine.state.containers.find((c) => c.endpoints.includes(endpoint));
  const daemon = engine.state.daemon;
  endpoint.ifIndex = daemon.nextIfIndex ?? 3;
  daemon.nextIfIndex = endpoint.ifIndex + 2;
  if (owner && !nw.predefined) {
    // On user-defined networks the short ID and the hostname are aliases too.
    for (const alias of [owner.id.slice(0, 12), owner.hostname]) {
      if (!endpoint.aliases.includes(alias)) endpoint.aliases.push(alias);
    }
  }
  if (!endpoint.ifName && owner) {
    endpoint.ifName = `eth${owner.nextEth ?? 0}`;
    owner.nextEth = (owner.nextEth ?? 0) + 1;
  }
}

/** A stopped container keeps its network membership but gives its address back. */
export function deactivateEndpoint(endpoint: EndpointRecord): void {
  endpoint.endpointId = '';
  delete endpoint.ifName;
  delete endpoint.ifIndex;
  endpoint.ipv4 = '';
  endpoint.ipv4Prefix = 0;
  endpoint.gateway = '';
  endpoint.ipv6 = '';
  endpoint.ipv6Prefix = 0;
  endpoint.ipv6Gateway = '';
  endpoint.mac = '';
}

export function releaseEndpoint(container: ContainerRecord, nw: NetworkRecord): void {
  container.endpoints = container.endpoints.filter((ep) => ep.networkId !== nw.id);
}

/** Networks that give a container an address and DNS (not host, not none). */
export function isAddressed(nw: NetworkRecord): boolean {
  return nw.driver !== 'host' && nw.driver !== 'null';
}

/** `POST /networks/{id}/connect` and `/disconnect`. */

import type { Engine } from '../engine.ts';
import { badRequest, forbidden, notFound, serverError } from '../errors.ts';
import { contains, parseCidr, parseIp } from '../ipam.ts';
import type { ContainerRecord, NetworkRecord } from '../model/state.ts';
import { bindPortsOnJoin } from './containers.ts';
import { activateEndpoint, attachEndpoint, deactivateEndpoint, type EndpointRequest } from './endpoints.ts';
import { logEndpointEvent } from './events.ts';
import { findContainer, findNetwork } from './lookup.ts';
import { afterSwarmConnect, afterSwarmDisconnect, beforeSwarmConnect } from './swarm.ts';

export const HOST_NETWORK_CONFLICT =
  'container cannot be disconnected from host network or connected to host network';

const SHARED_NETWORK_CONFLICT =
  'container sharing network namespace with another container or host cannot be connected to any other network';

/**
 * The daemon's updateNetworkConfig + validateNetworkingConfig, which run before the endpoint
 * exists check: predefined networks refuse addresses and aliases, then an address needs a user
 * configured subnet of its family, and only then is it parsed (a stray `)` in the message, 175).
 */
function validateEndpointConfig(nw: NetworkRecord, req: EndpointRequest): void {
  const userDefined = !['default', 'bridge', 'host', 'none'].includes(nw.name);
  if (!userDefined) {
    if (req.ipv4 || req.ipv6)
      throw badRequest('user specified IP address is supported on user defined networks only');
    if (req.aliases?.length)
      throw badRequest('network-scoped alias is supported only for containers in user defined networks');
  }
  const v4Subnet = nw.userSubnet && nw.ipam.some((c) => !c.subnet.includes(':'));
  const v6Subnet = nw.ipam.some((c) => c.subnet.includes(':'));
  if ((req.ipv4 && !v4Subnet) || (req.ipv6 && !v6Subnet)) {
    // runconfig.ErrUnsupportedNetworkNoSubnetAndIP is a validation error: 400, not 403.
    throw badRequest(
      'user specified IP address is supported only when connecting to networks with user configured subnets',
    );
  }
  if (req.ipv4 && (parseIp(req.ipv4)?.v6 ?? true)) throw badRequest(`Invalid IPv4 address: ${req.ipv4})`);
  if (req.ipv6 && !(parseIp(req.ipv6)?.v6 ?? false)) throw badRequest(`Invalid IPv6 address: ${req.ipv6})`);
}

export function networkConnect(
  engine: Engine,
  networkTerm: string,
  containerTerm: string,
  req: EndpointRequest = {},
): void {
  // The container is resolved before the network (153).
  const container = findContainer(engine, containerTerm);
  const nw = findNetwork(engine, networkTerm);
  const mode = container.hostConfig.networkMode;
  const running = container.status === 'running' || container.status === 'paused';
  if (running && mode.startsWith('container:')) throw badRequest(SHARED_NETWORK_CONFLICT);
  // findAndAttachNetwork asks the swarm manager for an attachment.
  if (running && nw.scope === 'swarm' && !nw.attachable) {
    throw forbidden(
      `Could not attach to network ${networkTerm}: rpc error: code = PermissionDenied desc = network ${networkTerm} not manually attachable`,
    );
  }
  validateEndpointConfig(nw, req);
  // updateNetworkSettings: host, then the other networks of the container.
  if (nw.driver === 'host' || mode === 'host' || mode.startsWith('container:')) {
    if (nw.driver === 'host') throw badRequest(HOST_NETWORK_CONFLICT);
    throw badRequest(SHARED_NETWORK_CONFLICT);
  }
  // `none` excludes every other network, in both directions (a container left with no network
  // at all may join none).
  const onNone = container.endpoints.some((ep) => networkDriver(engine, ep.networkId) === 'null');
  const existing = container.endpoints.find((ep) => ep.networkId === nw.id);
  if (
    !existing &&
    ((nw.driver === 'null' && container.endpoints.length > 0) || (nw.driver !== 'null' && onNone))
  ) {
    throw badRequest(
      'container cannot be connected to multiple networks with one of the networks in private (none) mode',
    );
  }
  if (existing) {
    if (running) throw forbidden(`endpoint with name ${container.name} already exists in network ${nw.name}`);
    // A container that is not running only has settings for the network, and Docker keeps them:
    // its updateNetworkSettings returns early ("avoid duplicate config"), the new ones are dropped.
    return;
  }
  // libnetwork checks the endpoint name before it asks IPAM for the address.
  if (running && req.ipv4 && nw.userSubnet && !inAnySubnet(nw.ipam, req.ipv4)) {
    // IPAM's out-of-range error is not a typed one: the API answers 500 (294).
    throw serverError(`Invalid address ${req.ipv4}: It does not belong to any of this network's subnets`);
  }
  const endpoint = attachEndpoint(engine, container, nw, req);
  if (container.status === 'running' || container.status === 'paused') {
    try {
      if (nw.scope === 'swarm') beforeSwarmConnect(engine, nw);
      activateEndpoint(engine, endpoint, nw);
      bindPortsOnJoin(engine, container, nw);
    } catch (e) {
      container.endpoints = container.endpoints.filter((ep) => ep !== endpoint);
      throw e;
    }
    if (nw.scope === 'swarm') afterSwarmConnect(engine, nw, endpoint);
    // The first user-defined network starts the embedded DNS, which rewrites resolv.conf.
    if (!nw.predefined) container.embeddedDns = true;
    // The daemon appends the new address to /etc/hosts (see dropOwnHostsLines for disconnect).
    // Its IPv6 address follows on a line of its own.
    if (endpoint.ipv4 && container.hostsIps && !nw.ingress) {
      container.hostsIps.push(endpoint.ipv4, ...(endpoint.ipv6 ? [endpoint.ipv6] : []));
    }
    logEndpointEvent(engine, container, nw.id, 'connect');
  }
}

function networkDriver(engine: Engine, id: string): string | undefined {
  return engine.state.networks.find((n) => n.id === id)?.driver;
}

function inAnySubnet(ipam: NetworkRecord['ipam'], ip: string): boolean {
  const addr = parseIp(ip);
  if (!addr) return false;
  return ipam.some((c) => {
    const cidr = parseCidr(c.subnet);
    return cidr !== null && contains(cidr, addr.addr, addr.v6);
  });
}

export function networkDisconnect(
  engine: Engine,
  networkTerm: string,
  containerTerm: string,
  force = false,
): void {
  let container: ContainerRecord;
  try {
    container = findContainer(engine, containerTerm);
  } catch (e) {
    if (!force) throw e;
    // ForceEndpointDelete: a stale endpoint of a container that is gone, looked up by name.
    findNetwork(engine, networkTerm);
    throw notFound(`endpoint ${containerTerm} not found`);
  }
  const nw = findNetwork(engine, networkTerm);
  // Only a host-mode container leaving host is refused; anyone else is "not connected".
  if (nw.driver === 'host' && container.hostConfig.networkMode === 'host')
    throw badRequest(HOST_NETWORK_CONFLICT);
  const endpoint = container.endpoints.find((ep) => ep.networkId === nw.id);
  const running = container.status === 'running' || container.status === 'paused';
  if (!endpoint) {
    throw serverError(
      running
        ? `container ${container.id} is not connected to network ${nw.name}`
        : `container ${container.id} is not connected to the network ${nw.name}`,
    );
  }
  void force;
  if (running && !nw.predefined) dropOwnHostsLines(container);
  deactivateEndpoint(endpoint);
  container.endpoints = container.endpoints.filter((ep) => ep !== endpoint);
  if (running) afterSwarmDisconnect(engine, container.id, nw);
  // A running container's is told twice: once leaving the sandbox, once by DisconnectFromNetwork.
  if (running) logEndpointEvent(engine, container, nw.id, 'disconnect');
  logEndpointEvent(engine, container, nw.id, 'disconnect');
}

/**
 * libnetwork's sbLeave deletes the network's service records from /etc/hosts, matching lines by
 * their names only (`etchosts.Delete`): the hostname is an alias on a user-defined network, so
 * every own line goes, whatever its address (golden 182). The default bridge has no service
 * records, so `disconnect bridge` leaves every line (117); a name equal to the container's is
 * skipped by getSvcRecords.
 */
function dropOwnHostsLines(container: ContainerRecord): void {
  // A domain makes the line `host.domain<TAB>host`, which the `\t<name>` suffix match misses.
  if (container.domainname || container.hostname === container.name) return;
  container.hostsIps = [];
}

/**
 * Swarm mode on the one sandbox node: `POST /swarm/init`, `/swarm/join`, `/swarm/leave`,
 * `GET /swarm`, `/nodes`, the ingress network made at init and docker_gwbridge made when the node
 * first needs it. The node is always the single manager (the leader).
 */
import type { Engine } from '../engine.ts';
import { badRequest, EngineError, unavailable } from '../errors.ts';
import { parseCidr, parseIp } from '../ipam.ts';
import type { EndpointRecord, NetworkRecord, SwarmRecord } from '../model/state.ts';
import { networkCreate, SWARM_REQUIRED } from './networks.ts';
import {
  addSandboxEndpoint,
  DEFAULT_SUBNET_SIZE,
  FIRST_VXLAN_ID,
  removeSandboxEndpoint,
} from './overlay-ipam.ts';

export const NOT_IN_SWARM = 'This node is not part of a swarm';
export const SWARM_EXISTS =
  'This node is already part of a swarm. Use "docker swarm leave" to leave this swarm and join another one.';
export const LEAVE_AS_MANAGER =
  'You are attempting to leave the swarm on a node that is participating as a manager. Removing the last manager erases all current state of the swarm. Use `--force` to ignore this message.';
export const JOIN_TIMEOUT =
  'Timeout was reached before node joined. The attempt to join the swarm will continue in the background. Use the "docker info" command to see the current swarm status of your node.';
const BAD_ADVERTISE_ADDR =
  'advertise address must be a non-zero IP address or network interface (with optional port number)';

export const INGRESS_SUBNET = '10.0.0.0/24';
/**
 * The node's agent gets its ingress attachment from the dispatcher and sets the ingress sandbox
 * up about a second after init (recorded: docker_gwbridge still missing six commands after
 * init; a bridge container twelve commands after init already numbered after the sandbox's
 * interfaces).
 */
export const INGRESS_SANDBOX_DELAY_MS = 1000;
export const GWBRIDGE = 'docker_gwbridge';

export interface SwarmInitRequest {
  ListenAddr?: string;
  AdvertiseAddr?: string;
  ForceNewCluster?: boolean;
  /** `--default-addr-pool` bases (CIDR) and `--default-addr-pool-mask-length`. */
  DefaultAddrPool?: string[];
  SubnetSize?: number;
}

/** The swarm, or the daemon's 503 for commands that need a manager. */
export function requireManager(engine: Engine): SwarmRecord {
  if (!engine.state.swarm) throw unavailable(SWARM_REQUIRED);
  return engine.state.swarm;
}

/** `POST /swarm/init`: makes this node the manager of a new swarm and creates `ingress`. Returns the node ID. */
export function swarmInit(engine: Engine, req: SwarmInitRequest = {}): string {
  if (engine.state.swarm) throw unavailable(SWARM_EXISTS);
  const advertiseAddr = resolveAdvertiseAddr(engine, req.AdvertiseAddr ?? '');
  const pools = validateDefaultAddrPool(req.DefaultAddrPool, req.SubnetSize);
  const now = engine.now();
  const secretBase = engine.ids.swarm25() + engine.ids.swarm25();
  const swarm: SwarmRecord = {
    nodeId: engine.ids.swarm25(),
    clusterId: engine.ids.swarm25(),
    createdAt: now,
    updatedAt: now,
    advertiseAddr,
    workerToken: `SWMTKN-1-${secretBase}-${engine.ids.swarm25()}`,
    managerToken: `SWMTKN-1-${secretBase}-${engine.ids.swarm25()}`,
    index: 10,
    ...pools,
    lastPoolIndex: -1,
    lastVxlanId: FIRST_VXLAN_ID - 1,
    services: [],
    clockMs: engine.nowMs(),
    clockRealMs: engine.nowMs(),
    ingressSandboxAtMs: engine.nowMs() + INGRESS_SANDBOX_DELAY_MS,
  };
  engine.state.swarm = swarm;
  networkCreate(engine, {
    Name: 'ingress',
    Driver: 'overlay',
    Ingress: true,
    IPAM: { Driver: 'default', Config: [] },
  });
  const ingress = ingressNetwork(engine)!;
  // The node's own ingress attachment is allocated at once (10.0.0.2), its sandbox made later.
  ingress.allocated.push(nextIngressSandboxIp(ingress));
  return swarm.nodeId;
}

/**
 * The daemon's checks of `DefaultAddrPool` and `SubnetSize` (none without a pool: the swarm then
 * keeps 10.0.0.0/8 in /24s whatever size was asked for).
 */
function validateDefaultAddrPool(
  bases: string[] | undefined,
  size: number | undefined,
): Pick<SwarmRecord, 'defaultAddrPool' | 'subnetSize'> {
  if (!bases?.length) return {};
  const subnetSize = size || DEFAULT_SUBNET_SIZE;
  // A /30 leaves too few addresses once the load balancers have theirs: 29 is the smallest.
  if (subnetSize > 29) throw badRequest(`subnet size is out of range: ${subnetSize}`);
  const out: string[] = [];
  for (const raw of bases) {
    const base = raw.trim();
    const cidr = parseCidr(base);
    if (!cidr || cidr.v6) throw badRequest(`invalid base pool ${base}: invalid CIDR address: ${base}`);
    if (subnetSize < cidr.prefix) {
      throw badRequest(`invalid CIDR: "${base}". Subnet size is too small for pool: ${subnetSize}`);
    }
    out.push(base);
  }
  return { defaultAddrPool: out, subnetSize };
}

function nextIngressSandboxIp(ingress: NetworkRecord): string {
  const gw = ingress.ipam[0]?.gateway ?? '10.0.0.1';
  const parts = gw.split('.');
  parts[3] = String(Number(parts[3]) + 1);
  const ip = parts.join('.');
  ingress.lastAllocated = {
    ...(ingress.lastAllocated ?? {}),
    [ingress.ipam[0]?.subnet ?? INGRESS_SUBNET]: ip,
  };
  return ip;
}

/** `--advertise-addr`: an IP (with optional port), or an interface name of the sandbox host. */
function resolveAdvertiseAddr(engine: Engine, given: string): string {
  if (given === '') return `${engine.state.daemon.hostIp}:2377`;
  let host = given;
  let port = '2377';
  const m = /^(.*):(\d+)$/.exec(given);
  if (m && !given.startsWith('[') && given.split(':').length === 2) {
    host = m[1]!;
    port = m[2]!;
  }
  if (host === 'eth0') return `${engine.state.daemon.hostIp}:${port}`;
  if (host === 'lo') return `127.0.0.1:${port}`;
  const ip = parseIp(host);
  // Recorded (193): an unknown interface name gets the same answer as a zero address.
  if (!ip || ip.addr === 0n) throw badRequest(BAD_ADVERTISE_ADDR);
  return `${host}:${port}`;
}

/** The parts of the cluster spec `swarm update` can change here. */
export interface SwarmUpdateRequest {
  taskHistoryLimit?: number;
}

/** `POST /swarm/update`: a new cluster spec (a new object version). */
export function swarmUpdate(engine: Engine, req: SwarmUpdateRequest): void {
  const swarm = requireManager(engine);
  if (req.taskHistoryLimit !== undefined) swarm.taskHistoryLimit = req.taskHistoryLimit;
  swarm.index++;
  swarm.updatedAt = engine.now();
}

/** `POST /swarm/join`: no other node is reachable from a sandbox. */
export function swarmJoin(engine: Engine, _req: { RemoteAddrs?: string[]; JoinToken?: string }): never {
  if (engine.state.swarm) throw unavailable(SWARM_EXISTS);
  throw unavailable(JOIN_TIMEOUT);
}

/**
 * `POST /swarm/leave`: erases the swarm's services, tasks and networks. docker_gwbridge stays (the
 * node has set it up by then).
 */
export function swarmLeave(engine: Engine, force = false): void {
  const swarm = engine.state.swarm;
  if (!swarm) throw unavailable(NOT_IN_SWARM);
  if (!force) throw unavailable(LEAVE_AS_MANAGER);
  const gw = ensureGatewayBridge(engine);
  removeSandboxEndpoint(gw, 'ingress-sbox');
  const swarmNets = new Set(engine.state.networks.filter((n) => n.scope === 'swarm').map((n) => n.id));
  const taskContainers = new Set(
    swarm.services.flatMap((s) => s.tasks.map((t) => t.containerId)).filter((id) => id !== ''),
  );
  // Task containers go with their tasks; other containers lose their swarm interfaces.
  for (const c of engine.state.containers) removeSandboxEndpoint(gw, c.id);
  engine.state.containers = engine.state.containers.filter((c) => !taskContainers.has(c.id) && !c.serviceId);
  for (const c of engine.state.containers) {
    if (c.endpoints.some((ep) => swarmNets.has(ep.networkId))) delete c.gatewayIface;
    c.endpoints = c.endpoints.filter((ep) => !swarmNets.has(ep.networkId));
  }
  engine.state.networks = engine.state.networks.filter((n) => !swarmNets.has(n.id));
  engine.state.swarm = null;
}

export function ingressNetwork(engine: Engine): NetworkRecord | undefined {
  return engine.state.networks.find((n) => n.ingress && n.scope === 'swarm');
}

/** The node's own setup of the ingress sandbox, once its time has come (see `INGRESS_SANDBOX_DELAY_MS`). */
export function settleIngressSandbox(engine: Engine, nowMs: number): void {
  const swarm = engine.state.swarm;
  if (swarm?.ingressSandboxAtMs === undefined || nowMs < swarm.ingressSandboxAtMs) return;
  delete swarm.ingressSandboxAtMs;
  ensureGatewayBridge(engine);
}

/**
 * docker_gwbridge, created the first time the node needs it (a container or task on an overlay,
 * or the ingress sandbox being set up), with the ingress sandbox's gateway at its .2.
 */
export function ensureGatewayBridge(engine: Engine): NetworkRecord {
  if (engine.state.swarm) delete engine.state.swarm.ingressSandboxAtMs;
  let gw = engine.state.networks.find((n) => n.name === GWBRIDGE);
  if (!gw) {
    networkCreate(engine, {
      Name: GWBRIDGE,
      Driver: 'bridge',
      Options: {
        'com.docker.network.bridge.enable_icc': 'false',
        'com.docker.network.bridge.enable_ip_masquerade': 'true',
        'com.docker.network.bridge.name': GWBRIDGE,
      },
    });
    gw = engine.state.networks.find((n) => n.name === GWBRIDGE)!;
    gw.ipamOptions = null;
    // Measured: docker_gwbridge takes one kernel index more than the bridge itself.
    consumeIfIndexes(engine, 1);
  }
  const ingress = ingressNetwork(engine);
  if (ingress && !ingress.sandboxEndpoints?.some((e) => e.key === 'ingress-sbox')) {
    // The ingress sandbox: the network's vxlan and bridge port, and its veth on docker_gwbridge.
    consumeIfIndexes(engine, INGRESS_SANDBOX_IFINDEXES);
    addSandboxEndpoint(engine, gw, 'ingress-sbox', 'gateway_ingress-sbox');
    const ip = ingress.allocated[1] ?? nextIngressSandboxIp(ingress);
    addSandboxEndpoint(engine, ingress, 'ingress-sbox', 'ingress-endpoint', ip);
  }
  return gw;
}

/**
 * What a container on a swarm network gets besides its overlay endpoint: an interface on
 * docker_gwbridge (its default route) and, on first use of the network on this node, the
 * network's load-balancer endpoint. Call when the container starts; returns the gwbridge address.
 */
export function attachToSwarmNetwork(
  engine: Engine,
  containerId: string,
  nw: NetworkRecord,
): { ipv4: string; prefix: number; mac: string; gateway: string; endpointId: string } {
  const gw = ensureGatewayBridge(engine);
  ensureLoadBalancer(engine, nw);
  const c = engine.state.containers.find((x) => x.id === containerId);
  for (const own of c && !c.taskId ? c.endpoints : []) {
    if (engine.state.networks.find((n) => n.id === own.networkId)?.scope === 'swarm')
      noteAttachment(engine, own);
  }
  const ep = addSandboxEndpoint(engine, gw, containerId, `gateway_${containerId.slice(0, 12)}`);
  return {
    ipv4: ep.ipv4,
    prefix: ep.prefix,
    mac: ep.mac,
    gateway: gw.ipam[0]?.gateway ?? '',
    endpointId: ep.endpointId,
  };
}

/**
 * The container stopped or left its last swarm network: its gwbridge interface goes, and so does
 * the load balancer of each overlay no running container uses any more (the node leaves it; the
 * next container there sets it up again, with a new address).
 */
export function detachFromSwarmNetworks(engine: Engine, containerId: string): void {
  const gw = engine.state.networks.find((n) => n.name === GWBRIDGE);
  if (gw) removeSandboxEndpoint(gw, containerId);
  for (const nw of engine.state.networks) {
    if (nw.scope !== 'swarm' || nw.ingress || !hasLoadBalancer(nw)) continue;
    const inUse = engine.state.containers.some(
      (c) => c.id !== containerId && c.endpoints.some((ep) => ep.networkId === nw.id && ep.endpointId !== ''),
    );
    if (!inUse) removeSandboxEndpoint(nw, `lb-${nw.name}`);
  }
}

/**
 * `network connect` of a running container to a swarm network, around its endpoint's activation:
 * before, the node sets the network up if it does not use it yet (its kernel interfaces come
 * first); after, the network's load balancer gets its address, as at `docker run --network`.
 */
export function beforeSwarmConnect(engine: Engine, nw: NetworkRecord): void {
  prepareSwarmNetworks(engine, [nw]);
}

export function afterSwarmConnect(engine: Engine, nw: NetworkRecord, ep: EndpointRecord): void {
  ensureLoadBalancer(engine, nw);
  noteAttachment(engine, ep);
}

/** A standalone container's endpoint on a swarm network is a network attachment task of the manager. */
function noteAttachment(engine: Engine, ep: EndpointRecord): void {
  ep.attachmentTaskId ??= engine.ids.swarm25();
}

/**
 * `network disconnect` of a running container from a swarm network: the node leaves the network
 * (its load balancer goes) when no other running container uses it.
 */
export function afterSwarmDisconnect(engine: Engine, containerId: string, nw: NetworkRecord): void {
  if (nw.scope !== 'swarm' || nw.ingress || !hasLoadBalancer(nw)) return;
  const inUse = engine.state.containers.some(
    (c) => c.id !== containerId && c.endpoints.some((ep) => ep.networkId === nw.id && ep.endpointId !== ''),
  );
  if (!inUse) removeSandboxEndpoint(nw, `lb-${nw.name}`);
}

/** Kernel interfaces the node makes for the ingress sandbox (counted on the recording dind). */
const INGRESS_SANDBOX_IFINDEXES = 5;
/** ... and for an overlay it starts using: the vxlan device and the load balancer's veth pair. */
const OVERLAY_SETUP_IFINDEXES = 3;

function consumeIfIndexes(engine: Engine, n: number): void {
  engine.state.daemon.nextIfIndex = (engine.state.daemon.nextIfIndex ?? 3) + n;
}

function hasLoadBalancer(nw: NetworkRecord): boolean {
  return nw.sandboxEndpoints?.some((e) => e.key === `lb-${nw.name}`) ?? false;
}

/**
 * Before a container's interfaces are made on swarm networks: docker_gwbridge and the ingress
 * sandbox exist, and each overlay the node is not using yet is set up (its kernel interfaces come
 * before the container's; its load-balancer address after, see `ensureLoadBalancer`).
 */
export function prepareSwarmNetworks(engine: Engine, nets: NetworkRecord[]): void {
  const swarmNets = nets.filter((n) => n.scope === 'swarm');
  if (!swarmNets.length) return;
  ensureGatewayBridge(engine);
  for (const nw of swarmNets) {
    if (!nw.ingress && !hasLoadBalancer(nw)) consumeIfIndexes(engine, OVERLAY_SETUP_IFINDEXES);
  }
}

/** The per-network load balancer sandbox (`lb-<name>`), made when the node first uses the network. */
export function ensureLoadBalancer(engine: Engine, nw: NetworkRecord): void {
  if (nw.driver !== 'overlay' || nw.ingress) return;
  addSandboxEndpoint(engine, nw, `lb-${nw.name}`, `${nw.name}-endpoint`);
}

/** `docker run --network` / `network connect` to a swarm network that is not attachable. */
export function assertManuallyAttachable(nw: NetworkRecord, term: string): void {
  if (nw.scope === 'swarm' && !nw.attachable) {
    throw new EngineError(
      403,
      `Could not attach to network ${term}: rpc error: code = PermissionDenied desc = network ${term} not manually attachable`,
    );
  }
}

/** `POST /swarm/update?rotateWorkerToken=true` and the like. */
export function rotateJoinToken(engine: Engine, role: 'worker' | 'manager'): void {
  const swarm = requireManager(engine);
  const base = swarm.workerToken.split('-')[2]!;
  const token = `SWMTKN-1-${base}-${engine.ids.swarm25()}`;
  if (role === 'worker') swarm.workerToken = token;
  else swarm.managerToken = token;
  swarm.index++;
  swarm.updatedAt = engine.now();
}

/** Bumps the raft index for a change and returns it (objects show it as `Version.Index`). */
export function nextIndex(swarm: SwarmRecord): number {
  swarm.index += 1;
  return swarm.index;
}

/** The daemon's node lookup: full ID, hostname, then ID prefix (`self` is the CLI's, not the daemon's). */
export function findNode(engine: Engine, term: string): SwarmRecord {
  const swarm = requireManager(engine);
  if (
    term === swarm.nodeId ||
    term === engine.state.daemon.hostname ||
    (term !== '' && swarm.nodeId.startsWith(term))
  ) {
    return swarm;
  }
  throw new EngineError(404, `node ${term} not found`);
}

/** The parts of `swarm.NodeSpec` a node update sets: the whole label set, availability, role. */
export interface NodeSpecRequest {
  Labels?: Record<string, string> | null;
  Role?: string;
  Availability?: string;
}

/** `convert.NodeSpecToGRPC`: the role and availability must be ones swarmkit knows. */
export function checkNodeSpec(spec: NodeSpecRequest): { role: string; availability: string } {
  const role = (spec.Role ?? '').toLowerCase();
  if (role !== 'worker' && role !== 'manager') {
    throw badRequest(`invalid Role: ${JSON.stringify(spec.Role ?? '')}`);
  }
  const availability = (spec.Availability ?? '').toLowerCase();
  if (!['active', 'pause', 'drain'].includes(availability)) {
    throw badRequest(`invalid Availability: ${JSON.stringify(spec.Availability ?? '')}`);
  }
  return { role, availability };
}

/** `POST /nodes/{id}/update`: the one node takes the spec; it cannot stop being the manager. */
export function nodeUpdate(engine: Engine, term: string, spec: NodeSpecRequest): void {
  const { role, availability } = checkNodeSpec(spec);
  const swarm = findNode(engine, term);
  if (role === 'worker') {
    throw badRequest(
      'rpc error: code = FailedPrecondition desc = attempting to demote the last manager of the swarm',
    );
  }
  swarm.nodeAvailability = availability;
  swarm.nodeLabels = { ...(spec.Labels ?? {}) };
  swarm.index++;
  swarm.updatedAt = engine.now();
}

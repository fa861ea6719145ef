/**
 * Container operations, one per Engine API endpoint: create, start, stop, kill, restart, pause,
 * remove, rename, wait, prune. Networking follows the daemon: endpoints are recorded at create,
 * get addresses at start and give them back at stop; ports are bound at start.
 */

import { HUMAN_PAUSE_MS } from '../clock.ts';
import type { Engine } from '../engine.ts';
import { badRequest, conflict, EngineError, notFound, serverError } from '../errors.ts';
import { parseIp } from '../ipam.ts';
import type { ContainerRecord, EndpointRecord, NetworkRecord, PortBinding } from '../model/state.ts';
import {
  advanceMain,
  exitedContainer,
  resumeMainProcess,
  runMainProcess,
  type StdinFeed,
  signalMain,
} from '../tools/main-process.ts';
import { needsEmbeddedDns, ownHostsIps } from '../tools/netinfo.ts';
import { createAnonymousVolumes, removeAnonymousVolumes } from './container-mounts.ts';
import { randomContainerName, VALID_CONTAINER_NAME } from './container-names.ts';
import { activateEndpoint, attachEndpoint, deactivateEndpoint, isAddressed } from './endpoints.ts';
import { killOnStopTimeout, logContainerEvent, logEndpointEvent, logPruneEvent } from './events.ts';
import { BadReference, getImage, imageCatalog, parseReference } from './images.ts';
import { findContainer, tryFindNetwork } from './lookup.ts';
import {
  attachToSwarmNetwork,
  detachFromSwarmNetworks,
  ensureLoadBalancer,
  prepareSwarmNetworks,
} from './swarm.ts';

/** The body of `POST /containers/create` (the fields the simulator honours). */
export interface ContainerCreateRequest {
  name?: string;
  Hostname?: string;
  Domainname?: string;
  User?: string;
  AttachStdin?: boolean;
  AttachStdout?: boolean;
  AttachStderr?: boolean;
  ExposedPorts?: Record<string, object>;
  Tty?: boolean;
  OpenStdin?: boolean;
  StdinOnce?: boolean;
  Env?: string[] | null;
  Cmd?: string[] | null;
  Image: string;
  WorkingDir?: string;
  Entrypoint?: string[] | null;
  MacAddress?: string;
  Labels?: Record<string, string> | null;
  StopSignal?: string;
  /** Paths to mount a volume at (`-v /data`): an anonymous one unless a bind covers the path. */
  Volumes?: Record<string, unknown> | null;
  HostConfig?: {
    NetworkMode?: string;
    PortBindings?: Record<string, Array<{ HostIp?: string; HostPort?: string }> | null>;
    PublishAllPorts?: boolean;
    AutoRemove?: boolean;
    Dns?: string[] | null;
    DnsSearch?: string[] | null;
    DnsOptions?: string[] | null;
    ExtraHosts?: string[] | null;
    Links?: string[] | null;
    RestartPolicy?: { Name?: string; MaximumRetryCount?: number };
    Privileged?: boolean;
    CapAdd?: string[] | null;
    Memory?: number;
    Binds?: string[] | null;
    LogConfig?: { Type?: string; Config?: Record<string, string> | null } | null;
    IpcMode?: string;
  };
  NetworkingConfig?: {
    EndpointsConfig?: Record<
      string,
      {
        Aliases?: string[] | null;
        Links?: string[] | null;
        IPAMConfig?: { IPv4Address?: string; IPv6Address?: string } | null;
        MacAddress?: string;
      }
    >;
  };
}

export { HUMAN_PAUSE_MS };

const RESTART_POLICIES = new Set(['', 'no', 'always', 'unless-stopped', 'on-failure']);

/** What other parts of the daemon do as time passes (swarm tasks starting), run at each look. */
const settlers: Array<(engine: Engine) => void> = [];

/** Registers `fn` to run whenever containers are settled (swarm tasks use it to start). */
export function onSettle(fn: (engine: Engine) => void): void {
  if (!settlers.includes(fn)) settlers.push(fn);
}

/** Containers whose main process ended by itself since the last look (`sleep 5`), exited now. */
export function settleContainers(engine: Engine): void {
  for (const fn of settlers) fn(engine);
  // A person types commands a few seconds apart: a short `sleep` is over by the next one.
  const now = engine.nowMs() + HUMAN_PAUSE_MS;
  for (const c of [...engine.state.containers]) {
    if (c.exitUnseen !== undefined) {
      // The exit of a detached start: one look still sees the old list, the next one the truth
      // (or the first, when a second has passed since the exit: `sleep 1; docker ps`).
      const settled = engine.nowMs() - Date.parse(c.finishedAt) >= 1000;
      if (c.exitUnseen > 0 && !settled) c.exitUnseen--;
      else {
        delete c.exitUnseen;
        if (c.hostConfig.autoRemove && c.status === 'exited') removeContainerRecord(engine, c);
      }
      continue;
    }
    if (c.status === 'running' && c.script) {
      // A script main process does what it does until now.
      if (advanceMain(engine, c, now) !== null && c.hostConfig.autoRemove) removeContainerRecord(engine, c);
      continue;
    }
    if (c.status === 'running' && c.exitAtMs !== undefined && c.exitAtMs <= now) {
      exitedContainer(engine, c, c.exitAtCode ?? 0);
      if (c.hostConfig.autoRemove) removeContainerRecord(engine, c);
    }
  }
}

export function getContainer(engine: Engine, term: string): ContainerRecord {
  settleContainers(engine);
  return findContainer(engine, term);
}

function conflictText(name: string, holder: ContainerRecord): string {
  return `Conflict. The container name "/${name}" is already in use by container "${holder.id}". You have to remove (or rename) that container to be able to reuse that name.`;
}

function validateName(engine: Engine, raw: string): string {
  const name = raw.startsWith('/') ? raw.slice(1) : raw;
  if (!VALID_CONTAINER_NAME.test(name)) {
    throw badRequest(`Invalid container name (${name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
  }
  const holder = engine.state.containers.find((c) => c.name === name);
  if (holder) throw conflict(conflictText(name, holder));
  return name;
}

/** `POST /containers/create`: returns the new container (its ID is the API's `Id`). */
export function containerCreate(engine: Engine, req: ContainerCreateRequest): ContainerRecord {
  settleContainers(engine);
  const name = req.name ? validateName(engine, req.name) : randomContainerName(engine);
  // GetImage parses the reference first (reference.ParseAnyReference): a bad one is a 400.
  try {
    parseReference(req.Image);
  } catch (e) {
    if (e instanceof BadReference) throw badRequest(e.message);
    throw e;
  }
  const image = getImage(engine, req.Image);
  const cat = imageCatalog(image);
  const hc = req.HostConfig ?? {};
  const networkMode = hc.NetworkMode || 'default';
  const endpointsConfig = req.NetworkingConfig?.EndpointsConfig ?? {};
  const netNames = Object.keys(endpointsConfig);
  if (netNames.length > 1) {
    throw badRequest(`Container cannot be connected to network endpoints: ${netNames.join(', ')}`);
  }
  for (const conf of Object.values(endpointsConfig)) {
    const v4 = conf?.IPAMConfig?.IPv4Address;
    const v6 = conf?.IPAMConfig?.IPv6Address;
    if (v4 && (parseIp(v4)?.v6 ?? true)) throw badRequest(`invalid IPv4 address: ${v4}`);
    if (v6 && (parseIp(v6)?.v6 ?? false) === false) throw badRequest(`invalid IPv6 address: ${v6}`);
  }
  const restart = hc.RestartPolicy?.Name ?? '';
  if (!RESTART_POLICIES.has(restart)) throw badRequest(`invalid restart policy '${restart}'`);
  if (restart === 'always' && hc.AutoRemove) {
    throw badRequest("can't create 'AutoRemove' container with restart policy");
  }
  const logConfig = mergeAndVerifyLogConfig(hc.LogConfig);
  const isHost = networkMode === 'host';
  const isContainerMode = networkMode.startsWith('container:');
  validateNetContainerMode(req, isHost, isContainerMode);
  // registerLinks: on a user-defined network the daemon ignores HostConfig.Links (the CLI put
  // them in the endpoint config, where they are DNS aliases), so a missing target is no error.
  const userMode = !['default', 'bridge', 'host', 'none'].includes(networkMode) && !isContainerMode;
  const links = userMode ? [] : (hc.Links ?? []);
  for (const link of links) {
    const target = link.split(':')[0]!;
    try {
      findContainer(engine, target);
    } catch (e) {
      if (e instanceof EngineError && e.status === 404)
        throw badRequest(`could not get container for ${target}: No such container: ${target}`);
      throw e;
    }
  }

  const id = engine.ids.hex64();
  const exposed = new Set<string>([...cat.exposedPorts, ...Object.keys(req.ExposedPorts ?? {})]);
  // PortBindings alone expose nothing: the CLI adds -p ports to ExposedPorts itself (191).
  const cmd = req.Cmd?.length ? req.Cmd : req.Entrypoint?.length ? null : cat.cmd;
  const entrypoint = req.Entrypoint?.length ? req.Entrypoint : req.Entrypoint ? null : cat.entrypoint;
  // An empty `--entrypoint ""` resets the image's entrypoint and keeps its cmd.
  const argvAll = [...(entrypoint ?? []), ...(cmd ?? (req.Entrypoint ? [] : []))];
  const env = [...(cat.env ?? [])];
  for (const e of req.Env ?? []) {
    const key = e.split('=')[0]!;
    const i = env.findIndex((x) => x.split('=')[0] === key);
    if (i >= 0) env[i] = e;
    else env.push(e);
  }
  const portBindings: Record<string, PortBinding[]> = {};
  for (const [port, list] of Object.entries(hc.PortBindings ?? {})) {
    portBindings[port] = (list ?? []).map((b) => ({ hostIp: b.HostIp ?? '', hostPort: b.HostPort ?? '' }));
  }
  const hostname = isHost ? engine.state.daemon.hostname : req.Hostname || id.slice(0, 12);
  const container: ContainerRecord = {
    id,
    name,
    created: engine.now(),
    imageRef: req.Image,
    imageId: image.id,
    path: argvAll[0] ?? '',
    args: argvAll.slice(1),
    cmd: cmd ? [...cmd] : null,
    entrypoint: entrypoint ? [...entrypoint] : null,
    env,
    hostname: isHost && req.Hostname ? req.Hostname : hostname,
    domainname: req.Domainname ?? '',
    user: req.User ?? '',
    workingDir: req.WorkingDir || cat.workingDir,
    labels: { ...(req.Labels ?? {}) },
    tty: Boolean(req.Tty),
    openStdin: Boolean(req.OpenStdin),
    attachStdout: Boolean(req.AttachStdout),
    attachStderr: Boolean(req.AttachStderr),
    exposedPorts: [...exposed],
    hostConfig: {
      networkMode,
      portBindings,
      publishAllPorts: Boolean(hc.PublishAllPorts),
      autoRemove: Boolean(hc.AutoRemove),
      dns: [...(hc.Dns ?? [])],
      dnsSearch: [...(hc.DnsSearch ?? [])],
      dnsOptions: [...(hc.DnsOptions ?? [])],
      extraHosts: [...(hc.ExtraHosts ?? [])],
      links: links.map((l) => normalizeLink(engine, name, l)),
      restartPolicy: { name: restart || 'no', maximumRetryCount: hc.RestartPolicy?.MaximumRetryCount ?? 0 },
      privileged: Boolean(hc.Privileged),
      capAdd: [...(hc.CapAdd ?? [])],
      memory: hc.Memory ?? 0,
      binds: [...(hc.Binds ?? [])],
      ...(logConfig.type === 'json-file' && !Object.keys(logConfig.config).length ? {} : { logConfig }),
      ...(hc.IpcMode ? { ipcMode: hc.IpcMode } : {}),
    },
    status: 'created',
    pid: 0,
    exitCode: 0,
    startedAt: '0001-01-01T00:00:00Z',
    finishedAt: '0001-01-01T00:00:00Z',
    restartCount: 0,
    endpoints: [],
    boundPorts: {},
    logs: [],
    // A committed image brings the files its container had written.
    ...(image.commit ? { files: { ...image.commit.files } } : {}),
    ...(req.MacAddress ? { macAddress: req.MacAddress } : {}),
    ...(req.StopSignal ? { stopSignal: req.StopSignal } : {}),
  };
  if (req.Hostname && !isHost) container.hostname = req.Hostname;
  engine.state.containers.push(container);
  createAnonymousVolumes(engine, container, req.Volumes);

  // The daemon keeps the networks EndpointsConfig names, else the network mode's: each attached
  // now when it exists, the others remembered by name and looked up at start.
  const netName = networkMode === 'default' ? 'bridge' : networkMode;
  if (!isContainerMode) {
    const wanted = netNames.length
      ? netNames.map((n) => (networkMode === 'default' && n === 'default' ? 'bridge' : n))
      : [netName];
    for (const [i, name] of wanted.entries()) {
      const epConf = endpointsConfig[netNames[i] ?? name] ?? {};
      const nw = tryFindNetwork(engine, name);
      // The CLI's `default` key names no network: its settings are dropped on the default bridge.
      if (nw) attachFromConfig(engine, container, nw, epConf, netNames[i] !== 'default');
      else container.pendingNetworks = [...(container.pendingNetworks ?? []), name];
    }
  }
  logContainerEvent(engine, container, 'create');
  return container;
}

/** `--link db:alias` as the daemon stores it: `/db:/web/alias`. */
function normalizeLink(engine: Engine, self: string, link: string): string {
  const [target, alias] = link.split(':') as [string, string | undefined];
  const c = findContainer(engine, target);
  return `/${c.name}:/${self}/${alias ?? c.name}`;
}

function attachFromConfig(
  engine: Engine,
  container: ContainerRecord,
  nw: NetworkRecord,
  conf: NonNullable<NonNullable<ContainerCreateRequest['NetworkingConfig']>['EndpointsConfig']>[string],
  explicit = true,
): EndpointRecord {
  const userDefined = isUserDefined(nw);
  // Aliases asked for a predefined network by name are kept, and refused at start (186).
  const ep = attachEndpoint(engine, container, nw, {
    ...(userDefined || explicit ? { aliases: conf.Aliases ?? [] } : {}),
    links: conf.Links ?? [],
  });
  // Requested addresses are checked at start, where Docker checks them.
  const v4 = conf.IPAMConfig?.IPv4Address;
  const v6 = conf.IPAMConfig?.IPv6Address;
  if (v4) ep.ipamIpv4 = v4;
  if (v6) ep.ipamIpv6 = v6;
  if (container.macAddress) ep.requestedMac = container.macAddress;
  return ep;
}

/** The log drivers a Docker 20.10 daemon on Linux has built in. */
const LOG_DRIVERS = new Set([
  'none',
  'local',
  'json-file',
  'syslog',
  'journald',
  'gelf',
  'fluentd',
  'awslogs',
  'splunk',
  'gcplogs',
  'logentries',
]);

/** The options each driver's `ValidateLogOpt` accepts, and how it words an unknown one. */
const LOG_OPTS: Record<string, { keys: string[]; unknown: (key: string) => string }> = {
  'json-file': {
    keys: ['max-file', 'max-size', 'compress', 'labels', 'labels-regex', 'env', 'env-regex', 'tag'],
    unknown: (key) => `unknown log opt '${key}' for json-file log driver`,
  },
  local: {
    keys: ['max-file', 'max-size', 'compress'],
    unknown: (key) => `unknown log opt '${key}' for log driver local`,
  },
  syslog: {
    keys: [
      'env',
      'env-regex',
      'labels',
      'labels-regex',
      'syslog-address',
      'syslog-facility',
      'syslog-tls-ca-cert',
      'syslog-tls-cert',
      'syslog-tls-key',
      'syslog-tls-skip-verify',
      'tag',
      'syslog-format',
    ],
    unknown: (key) => `unknown log opt '${key}' for syslog log driver`,
  },
};

/**
 * `daemon.mergeAndVerifyLogConfig`: the daemon's default driver (json-file) when none is given,
 * then `logger.ValidateLogOpts` (the mode, an unregistered driver is a plugin lookup, the
 * driver's own option check). Every failure is a 400.
 */
function mergeAndVerifyLogConfig(
  lc: { Type?: string; Config?: Record<string, string> | null } | null | undefined,
): { type: string; config: Record<string, string> } {
  const type = lc?.Type || 'json-file';
  const config = { ...(lc?.Config ?? {}) };
  if (type === 'none') return { type, config };
  const mode = config.mode ?? '';
  if (!['', 'blocking', 'non-blocking'].includes(mode)) {
    throw badRequest(`logger: logging mode not supported: ${mode}`);
  }
  if (!LOG_DRIVERS.has(type)) {
    throw badRequest(`error looking up logging plugin ${type}: plugin "${type}" not found`);
  }
  const opts = LOG_OPTS[type];
  if (opts) {
    for (const key of Object.keys(config)) {
      if (['mode', 'max-buffer-size'].includes(key) || key.startsWith('cache-')) continue;
      if (!opts.keys.includes(key)) throw badRequest(opts.unknown(key));
    }
  }
  return { type, config };
}

/** The container's log driver and its options (`HostConfig.LogConfig`). */
export function logConfigOf(c: ContainerRecord): { type: string; config: Record<string, string> } {
  return c.hostConfig.logConfig ?? { type: 'json-file', config: {} };
}

export function isUserDefined(nw: NetworkRecord): boolean {
  return !nw.predefined;
}

/**
 * runconfig's `validateNetContainerMode`: what cannot go with another container's network
 * namespace (or, for the MAC address, the host's). The joined container is looked up at start.
 */
function validateNetContainerMode(
  req: ContainerCreateRequest,
  isHost: boolean,
  isContainerMode: boolean,
): void {
  const hc = req.HostConfig ?? {};
  if (isContainerMode) {
    if (hc.NetworkMode === 'container:') {
      throw badRequest('Invalid network mode: invalid container format container:<name|id>');
    }
    if (req.Hostname) throw badRequest('conflicting options: hostname and the network mode');
    if (hc.Links?.length) {
      throw badRequest(
        "conflicting options: container type network can't be used with links. This would result in undefined behavior",
      );
    }
    if (hc.Dns?.length) throw badRequest('conflicting options: dns and the network mode');
    if (hc.ExtraHosts?.length)
      throw badRequest('conflicting options: custom host-to-IP mapping and the network mode');
  }
  if ((isHost || isContainerMode) && req.MacAddress) {
    throw badRequest('conflicting options: mac-address and the network mode');
  }
  if (!isContainerMode) return;
  if (Object.keys(hc.PortBindings ?? {}).length || hc.PublishAllPorts) {
    throw badRequest('conflicting options: port publishing and the container type network mode');
  }
  if (Object.keys(req.ExposedPorts ?? {}).length) {
    throw badRequest('conflicting options: port exposing and the container type network mode');
  }
}

/** The container whose network namespace `c` shares (`--network container:x`), if any. */
export function networkOwner(engine: Engine, c: ContainerRecord): ContainerRecord {
  const mode = c.hostConfig.networkMode;
  if (!mode.startsWith('container:')) return c;
  const target = engine.state.containers.find(
    (o) => o.id === mode.slice(10) || o.name === mode.slice(10) || o.id.startsWith(mode.slice(10)),
  );
  return target ? networkOwner(engine, target) : c;
}

export function isRunning(c: ContainerRecord): boolean {
  return c.status === 'running' || c.status === 'paused' || c.status === 'restarting';
}

/** Runtime failures of a start, with the CLI's exit code for `docker run`. */
export class StartError extends EngineError {
  constructor(
    message: string,
    readonly runExitCode: number,
  ) {
    super(500, message);
  }
}

export interface StartResult {
  /** Output of the main process when it ended at once (`echo hi`). */
  output: Array<{ stream: 'stdout' | 'stderr'; text: string }>;
  /** Set when the main process already exited. */
  exitCode: number | null;
  /** The container was removed after exiting (`--rm`). */
  removed: boolean;
  /** Its main process waits for the rest of its stdin (see `resumeMainProcess`). */
  awaitingStdin?: boolean;
}

/**
 * `POST /containers/{id}/start`. Returns null when it was already running (304). `stdin`: what
 * a client attached to the container's stdin sends it (see `runMainProcess`).
 */
export function containerStart(
  engine: Engine,
  term: string,
  detached = false,
  stdin?: StdinFeed,
): StartResult | null {
  const c = getContainer(engine, term);
  if (c.status === 'paused') throw conflict('cannot start a paused container, try unpause instead');
  if (isRunning(c)) return null;
  try {
    return startContainer(engine, c, detached, stdin);
  } catch (e) {
    // The daemon cleans a container up after a failed start; `--rm` removes it then.
    if (c.hostConfig.autoRemove) removeContainerRecord(engine, c);
    throw e;
  }
}

/**
 * The client attached to the stdin of `c`'s main process closed it: a process that waited for
 * its input (`awaitingStdin`) runs now, if `c` still runs the start of `startedAt`.
 */
export function containerStdinClosed(
  engine: Engine,
  c: ContainerRecord,
  startedAt: string,
  stdin: string,
): StartResult | null {
  return resumeMainProcess(engine, c, startedAt, stdin);
}

/** Starts `c`; `detached`: the caller does not wait for it (see `runMainProcess`). */
export function startContainer(
  engine: Engine,
  c: ContainerRecord,
  detached = false,
  stdin?: StdinFeed,
): StartResult {
  const mode = c.hostConfig.networkMode;
  if (mode.startsWith('container:')) {
    const target = findContainer(engine, mode.slice(10));
    if (!isRunning(target)) throw conflict(`cannot join network of a non running container: ${target.id}`);
    // The daemon records the joined container by ID and takes its host name.
    c.hostConfig.networkMode = `container:${target.id}`;
    c.hostname = target.hostname;
    c.domainname = target.domainname;
  } else {
    // The network named by the mode must still exist; a container disconnected from every
    // network starts with none (the daemon does not attach the default again).
    const netName = mode === 'default' ? 'bridge' : mode;
    if (!tryFindNetwork(engine, netName)) throw notFound(`network ${netName} not found`);
    for (const name of c.pendingNetworks ?? []) {
      const nw = tryFindNetwork(engine, name);
      if (!nw) throw notFound(`network ${name} not found`);
      attachFromConfig(engine, c, nw, {});
      c.pendingNetworks = c.pendingNetworks?.filter((n) => n !== name) ?? [];
    }
    if (c.pendingNetworks?.length === 0) delete c.pendingNetworks;
  }
  for (const ep of c.endpoints) {
    const nw = networkById(engine, ep.networkId);
    if (!nw) throw notFound(`network ${ep.networkId} not found`);
    if ((ep.ipamIpv4 || ep.ipamIpv6) && !isUserDefined(nw)) {
      if (nw.name === 'bridge') {
        // `docker run --ip` on the default bridge is silently ignored.
        delete ep.ipamIpv4;
        delete ep.ipamIpv6;
      } else throw badRequest('user specified IP address is supported on user defined networks only');
    }
    if (nw.scope === 'swarm' && !nw.attachable && !c.taskId) {
      throw serverError(
        `Could not attach to network ${nw.name}: rpc error: code = PermissionDenied desc = network ${nw.name} not manually attachable`,
      );
    }
  }
  for (const ep of c.endpoints) {
    const nw = networkById(engine, ep.networkId)!;
    if (!isUserDefined(nw) && ep.aliases.length) {
      throw badRequest('network-scoped alias is supported only for containers in user defined networks');
    }
    const v6Configured = nw.ipam.some((cfg) => cfg.subnet.includes(':'));
    if (((ep.ipamIpv4 || ep.ipamIpv6) && !nw.userSubnet) || (ep.ipamIpv6 && !v6Configured)) {
      throw badRequest(
        'user specified IP address is supported only when connecting to networks with user configured subnets',
      );
    }
    if (ep.ipamIpv4 && !inSubnets(nw, ep.ipamIpv4)) {
      // IPAM's out-of-range error is not a typed one: the API answers 500 (287).
      throw serverError(
        `Invalid address ${ep.ipamIpv4}: It does not belong to any of this network's subnets`,
      );
    }
  }
  // Interface names: the network mode's network is eth0, the others follow in attach order.
  const netName = mode === 'default' ? 'bridge' : mode;
  const ordered = [
    ...c.endpoints.filter((ep) => networkById(engine, ep.networkId)?.name === netName),
    ...c.endpoints.filter((ep) => networkById(engine, ep.networkId)?.name !== netName),
  ];
  // Kernel indexes follow the order above (veth pairs are made as endpoints join); names are
  // given when the runtime hands the namespace over, in the sandbox's endpoint order: those with
  // a way out first, then by network name. (Swarm tasks name theirs as the node plugs them.)
  const nets = ordered.map((ep) => networkById(engine, ep.networkId)!);
  const named = nets.some((nw) => nw.scope === 'swarm')
    ? ordered
    : [...ordered].sort((a, b) => {
        const na = networkById(engine, a.networkId)!;
        const nb = networkById(engine, b.networkId)!;
        if (na.internal !== nb.internal) return na.internal ? 1 : -1;
        return na.name < nb.name ? -1 : na.name > nb.name ? 1 : 0;
      });
  c.nextEth = 0;
  for (const ep of named) {
    const nw = networkById(engine, ep.networkId)!;
    if (isAddressed(nw)) ep.ifName = `eth${c.nextEth++}`;
  }
  const activated: EndpointRecord[] = [];
  try {
    // The node sets up docker_gwbridge, the ingress sandbox and each overlay it joins before
    // the container's own interfaces: their kernel indexes come first.
    prepareSwarmNetworks(
      engine,
      ordered.map((ep) => networkById(engine, ep.networkId)!),
    );
    // A task's ingress interface is eth0 but is plugged in last, after the gateway.
    const isIngress = (ep: EndpointRecord) => networkById(engine, ep.networkId)?.ingress === true;
    const activate = (ep: EndpointRecord) => {
      const nw = networkById(engine, ep.networkId)!;
      activateEndpoint(engine, ep, nw);
      activated.push(ep);
      if (isUserDefined(nw) && isAddressed(nw)) addDefaultAliases(c, ep);
    };
    for (const ep of ordered.filter((e) => !isIngress(e))) activate(ep);
    attachSwarmGateway(engine, c);
    for (const ep of ordered.filter(isIngress)) activate(ep);
    c.sandboxId ??= engine.ids.hex64();
    c.embeddedDns = needsEmbeddedDns(engine, c);
    c.hostsIps = ownHostsIps(engine, c);
    bindPorts(engine, c);
  } catch (e) {
    for (const ep of activated) deactivateEndpoint(ep);
    c.boundPorts = {};
    throw e;
  }
  delete c.exitUnseen;
  // allocateNetwork: a connect event for each network joined, the network mode's first.
  for (const ep of ordered) logEndpointEvent(engine, c, ep.networkId, 'connect');
  try {
    // The runtime starts the log driver with the container's stdio: syslog finds no socket on
    // the host (the recording machines had none), and the container stays created.
    if (logConfigOf(c).type === 'syslog' && !logConfigOf(c).config['syslog-address']) {
      for (const ep of c.endpoints) deactivateEndpoint(ep);
      c.boundPorts = {};
      // A failed start without an exit code of its own leaves 128.
      c.exitCode = 128;
      throw serverError('failed to initialize logging driver: Unix syslog delivery error');
    }
    return runMainProcess(engine, c, detached, stdin);
  } catch (e) {
    // The failed start's cleanup releases the networks again (no die: nothing ran).
    if (!isRunning(c)) for (const ep of ordered) logEndpointEvent(engine, c, ep.networkId, 'disconnect');
    throw e;
  }
}

/** A container on an overlay also gets an interface on docker_gwbridge, its way out. */
function attachSwarmGateway(engine: Engine, c: ContainerRecord): void {
  const swarmNets = c.endpoints
    .map((ep) => networkById(engine, ep.networkId))
    .filter((n): n is NetworkRecord => n?.scope === 'swarm');
  if (!swarmNets.length) return;
  const g = attachToSwarmNetwork(engine, c.id, swarmNets[0]!);
  for (const nw of swarmNets.slice(1)) ensureLoadBalancer(engine, nw);
  const ifIndex = engine.state.daemon.nextIfIndex ?? 3;
  engine.state.daemon.nextIfIndex = ifIndex + 2;
  c.gatewayIface = { ...g, ifName: `eth${c.nextEth ?? 0}`, ifIndex };
  c.nextEth = (c.nextEth ?? 0) + 1;
}

function inSubnets(nw: NetworkRecord, ip: string): boolean {
  const parsed = parseIp(ip);
  if (!parsed) return false;
  return nw.ipam.some((cfg) => {
    const [base, prefix] = cfg.subnet.split('/');
    const b = parseIp(base ?? '');
    if (!b || b.v6 !== parsed.v6) return false;
    const bits = BigInt((parsed.v6 ? 128 : 32) - Number(prefix));
    return b.addr >> bits === parsed.addr >> bits;
  });
}

/** Docker adds the short ID and the hostname to the aliases of a user-defined network endpoint. */
function addDefaultAliases(c: ContainerRecord, ep: EndpointRecord): void {
  const shortId = c.id.slice(0, 12);
  if (!ep.aliases.includes(shortId)) ep.aliases.push(shortId);
  if (!ep.aliases.includes(c.hostname)) ep.aliases.push(c.hostname);
}

export function networkById(engine: Engine, id: string): NetworkRecord | undefined {
  return engine.state.networks.find((n) => n.id === id);
}

/** Host addresses a port can be bound on. */
function hostAddresses(engine: Engine): Set<string> {
  const set = new Set(['0.0.0.0', '', '127.0.0.1', '::', engine.state.daemon.hostIp]);
  for (const nw of engine.state.networks) for (const cfg of nw.ipam) if (cfg.gateway) set.add(cfg.gateway);
  return set;
}

/**
 * `network connect` of a running container: libnetwork adds the port map to the new endpoint when
 * the sandbox has none yet and the network is not internal (63).
 */
export function bindPortsOnJoin(engine: Engine, c: ContainerRecord, nw: NetworkRecord): void {
  if (nw.internal || Object.keys(c.boundPorts ?? {}).length > 0) return;
  bindPorts(engine, c);
}

function bindPorts(engine: Engine, c: ContainerRecord): void {
  c.boundPorts = {};
  const mode = c.hostConfig.networkMode;
  if (mode === 'host' || mode === 'none' || mode.startsWith('container:')) return;
  const nets = c.endpoints.map((ep) => networkById(engine, ep.networkId)).filter(Boolean) as NetworkRecord[];
  // Internal networks give no way out, so the daemon programs no port map at all (not even the
  // exposed ports show); neither does a container started with no network (63). The map is
  // programmed on the first endpoint that can carry it, see `bindPortsOnJoin`.
  if (nets.every((n) => n.internal)) return;
  const wanted: Record<string, PortBinding[]> = {};
  for (const p of c.exposedPorts) wanted[p] = [];
  // buildPortsRelatedCreateEndpointOptions walks the exposed ports only.
  for (const [p, list] of Object.entries(c.hostConfig.portBindings)) {
    if (p in wanted) wanted[p] = list.map((b) => ({ ...b }));
  }
  if (c.hostConfig.publishAllPorts) {
    for (const p of c.exposedPorts) if (!wanted[p]!.length) wanted[p] = [{ hostIp: '', hostPort: '' }];
  }
  const endpointId = c.endpoints[0]?.endpointId ?? '';
  const addrs = hostAddresses(engine);
  const result: Record<string, PortBinding[]> = {};
  for (const port of Object.keys(wanted).sort()) {
    const proto = port.split('/')[1] ?? 'tcp';
    // nat.SortPortMap: a port's bindings go highest host port first (a range counts as 0).
    const hostPortNum = (b: PortBinding) => (/^[0-9]+$/.test(b.hostPort) ? Number(b.hostPort) : 0);
    const bindings = [...wanted[port]!].sort((a, b) => hostPortNum(b) - hostPortNum(a));
    result[port] = [];
    for (const b of bindings) {
      const ip = b.hostIp || '0.0.0.0';
      if (!addrs.has(ip)) {
        throw serverError(
          `driver failed programming external connectivity on endpoint ${c.name} (${endpointId}): Error starting userland proxy: listen ${proto}4 ${ip}:${port.split('/')[0]}: bind: cannot assign requested address`,
        );
      }
      let hostPort = b.hostPort;
      if (hostPort === '' || hostPort === '0') hostPort = String(nextDynamicPort(engine, ip, proto));
      // A host range for one container port: the allocator takes the first free port in it.
      const range = /^([0-9]+)-([0-9]+)$/.exec(hostPort);
      if (range) {
        let pick = Number(range[1]);
        while (pick < Number(range[2]) && portTaken(engine, ip, String(pick), proto)) pick++;
        hostPort = String(pick);
      }
      const fail = (why: string) =>
        serverError(
          `driver failed programming external connectivity on endpoint ${c.name} (${endpointId}): ${why}`,
        );
      const taken = portTaken(engine, ip, hostPort, proto);
      // The allocator keeps ports per address; docker-proxy's bind then meets the wildcard's.
      if (taken === 'allocated') throw fail(`Bind for ${ip}:${hostPort} failed: port is already allocated`);
      // docker-proxy has no SCTP here (the kernel lacks it).
      if (proto === 'sctp') throw fail('Error starting userland proxy: protocol not supported');
      if (taken === 'in use') {
        throw fail(
          `Error starting userland proxy: listen ${proto}4 ${ip}:${hostPort}: bind: address already in use`,
        );
      }
      result[port].push({ hostIp: ip, hostPort });
      // Bound immediately so a second binding of the same container conflicts too.
      c.boundPorts = result;
    }
  }
  c.boundPorts = result;
}

/** `allocated`: the allocator has ip:port already; `in use`: another address's binding overlaps it. */
function portTaken(engine: Engine, ip: string, port: string, proto: string): 'allocated' | 'in use' | null {
  let found: 'in use' | null = null;
  for (const other of engine.state.containers) {
    if (!isRunning(other) && other.boundPorts === undefined) continue;
    for (const [p, list] of Object.entries(other.boundPorts ?? {})) {
      if ((p.split('/')[1] ?? 'tcp') !== proto) continue;
      for (const b of list) {
        if (b.hostPort !== port) continue;
        if (b.hostIp === ip) return 'allocated';
        if (b.hostIp === '0.0.0.0' || ip === '0.0.0.0') found = 'in use';
      }
    }
  }
  return found;
}

/** Docker's port allocator: from 32768 upwards, continuing after the last one handed out. */
function nextDynamicPort(engine: Engine, ip: string, proto: string): number {
  const d = engine.state.daemon;
  d.lastDynamicPorts ??= {};
  const key = `${ip}/${proto}`;
  const last = d.lastDynamicPorts[key];
  let port = last === undefined ? 32768 : last + 1;
  for (let i = 0; i < 28232; i++) {
    if (port > 60999) port = 32768;
    if (portTaken(engine, ip, String(port), proto) !== 'allocated') {
      d.lastDynamicPorts[key] = port;
      return port;
    }
    port++;
  }
  throw serverError('no available ports');
}

/** `POST /containers/{id}/stop`: SIGTERM, then SIGKILL after the timeout. Null when not running (304). */
export function containerStop(engine: Engine, term: string): boolean {
  const c = getContainer(engine, term);
  if (!isRunning(c)) return false;
  stopRunning(engine, c);
  if (c.hostConfig.autoRemove) removeContainerRecord(engine, c);
  return true;
}

/**
 * `containerStop`: the stop signal (a `kill` event), SIGKILL when the process is still there
 * after the timeout (another), its exit, then the `stop` event.
 */
function stopRunning(engine: Engine, c: ContainerRecord): void {
  const sig = signalNumber(c.stopSignal ?? 'SIGTERM') ?? 15;
  logContainerEvent(engine, c, 'kill', { signal: String(sig) });
  // A process that is still there after the timeout gets SIGKILL: its own event, before the die.
  if (sig !== 9) killOnStopTimeout(c);
  const code = sig === 9 ? 137 : stopCode(engine, c);
  if (c.status !== 'exited') exitedContainer(engine, c, code);
  logContainerEvent(engine, c, 'stop');
}

/** What the main process exits with on `docker stop` (SIGTERM, SIGKILL after the timeout). */
function stopCode(engine: Engine, c: ContainerRecord, timeoutSec = 10): number {
  if (c.script) return signalMain(engine, c, 'TERM', timeoutSec * 1000) ?? 137;
  return termCode(c);
}

function termCode(c: ContainerRecord): number {
  // The main program's reaction to SIGTERM, recorded when it started (see main-process.ts).
  return c.termExitCode ?? 137;
}

/** A signal's number from its name (`SIGUSR1`, `usr1`) or number, as the daemon reads a stop signal. */
export function signalNumber(signal: string): number | undefined {
  const name = signal.toUpperCase().replace(/^SIG/, '');
  return /^\d+$/.test(name) ? Number(name) : SIGNALS[name];
}

const SIGNALS: Record<string, number> = {
  HUP: 1,
  INT: 2,
  QUIT: 3,
  ILL: 4,
  TRAP: 5,
  ABRT: 6,
  IOT: 6,
  BUS: 7,
  FPE: 8,
  KILL: 9,
  USR1: 10,
  SEGV: 11,
  USR2: 12,
  PIPE: 13,
  ALRM: 14,
  TERM: 15,
  STKFLT: 16,
  CHLD: 17,
  CONT: 18,
  STOP: 19,
  TSTP: 20,
  TTIN: 21,
  TTOU: 22,
  URG: 23,
  XCPU: 24,
  XFSZ: 25,
  VTALRM: 26,
  PROF: 27,
  WINCH: 28,
  IO: 29,
  POLL: 29,
  PWR: 30,
  SYS: 31,
  UNUSED: 31,
};

/** `POST /containers/{id}/kill`. */
export function containerKill(engine: Engine, term: string, signal = 'KILL'): void {
  // signal.ParseSignal, before the container is looked up: 0 is no signal to send.
  const sigName = signal.toUpperCase().replace(/^SIG/, '');
  const sigNum = /^\d+$/.test(signal) ? Number(signal) : SIGNALS[sigName];
  if (sigNum === undefined || sigNum === 0) throw badRequest(`Invalid signal: ${signal}`);
  let c: ContainerRecord;
  try {
    c = getContainer(engine, term);
  } catch (e) {
    if (e instanceof EngineError)
      throw new EngineError(e.status, `Cannot kill container: ${term}: ${e.message}`);
    throw e;
  }
  if (!isRunning(c)) {
    throw conflict(`Cannot kill container: ${term}: Container ${c.id} is not running`);
  }
  logContainerEvent(engine, c, 'kill', { signal: String(sigNum) });
  if (sigNum === 9) {
    exitedContainer(engine, c, 137);
  } else if (c.script) {
    // A script runs its trap when the command it waits for ends; without one, PID 1 ignores it.
    const name = Object.entries(SIGNALS).find(([, n]) => n === sigNum)?.[0] ?? sigName;
    if (signalMain(engine, c, name) === null) return;
  } else if (sigNum === 15 || sigNum === 2 || sigNum === 1) {
    const code = termCode(c);
    // PID 1 without a handler ignores catchable signals.
    if (code !== 137) exitedContainer(engine, c, code);
    else return;
  } else return;
  if (c.hostConfig.autoRemove) removeContainerRecord(engine, c);
}

export function containerPause(engine: Engine, term: string): void {
  const c = getContainer(engine, term);
  if (c.status === 'paused') throw conflict(`Container ${c.id} is already paused`);
  if (!isRunning(c)) throw conflict(`Container ${c.id} is not running`);
  c.status = 'paused';
  logContainerEvent(engine, c, 'pause');
}

export function containerUnpause(engine: Engine, term: string): void {
  const c = getContainer(engine, term);
  if (c.status !== 'paused') throw serverError(`Container ${c.id} is not paused`);
  c.status = 'running';
  logContainerEvent(engine, c, 'unpause');
}

/** `POST /containers/{id}/restart`: stop (if running) and start; the same address comes back. */
export function containerRestart(engine: Engine, term: string): StartResult {
  const c = getContainer(engine, term);
  if (isRunning(c)) stopRunning(engine, c);
  const started = startContainer(engine, c);
  logContainerEvent(engine, c, 'restart');
  return started;
}

/** `DELETE /containers/{id}`. */
/** An `--rm` container whose exit the daemon is handling: it is being removed. */
export function isBeingRemoved(c: ContainerRecord): boolean {
  return c.exitUnseen !== undefined && c.hostConfig.autoRemove;
}

/** `DELETE /containers/{id}`; `removeVolumes` (`?v=1`, `rm -v`): its anonymous volumes too. */
export function containerRemove(engine: Engine, term: string, force = false, removeVolumes = false): void {
  const c = getContainer(engine, term);
  if (isBeingRemoved(c)) throw conflict(`removal of container ${term} is already in progress`);
  if (isRunning(c)) {
    if (!force) {
      if (c.status === 'paused') {
        throw conflict(
          `You cannot remove a paused container ${c.id}. Unpause and then stop the container before attempting removal or force remove`,
        );
      }
      throw conflict(
        `You cannot remove a running container ${c.id}. Stop the container before attempting removal or force remove`,
      );
    }
    logContainerEvent(engine, c, 'kill', { signal: '9' });
    exitedContainer(engine, c, 137);
  }
  removeContainerRecord(engine, c);
  if (removeVolumes) removeAnonymousVolumes(engine, c);
}

export function removeContainerRecord(engine: Engine, c: ContainerRecord): void {
  // An --rm container's removal takes its anonymous volumes with it.
  if (c.hostConfig.autoRemove) removeAnonymousVolumes(engine, c);
  for (const ep of c.endpoints) deactivateEndpoint(ep);
  if (c.gatewayIface) detachFromSwarmNetworks(engine, c.id);
  engine.state.containers = engine.state.containers.filter((x) => x !== c);
  logContainerEvent(engine, c, 'destroy');
}

/** `POST /containers/{id}/rename`. */
export function containerRename(engine: Engine, term: string, newName: string): void {
  const c = getContainer(engine, term);
  const name = newName.startsWith('/') ? newName.slice(1) : newName;
  if (!VALID_CONTAINER_NAME.test(name)) {
    // Rename reserves the name through the registrar, which sees it with its leading slash.
    throw badRequest(
      `Error when allocating new name: Invalid container name (/${name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`,
    );
  }
  if (name === c.name) throw badRequest('Renaming a container with the same name as its current name');
  const holder = engine.state.containers.find((x) => x.name === name);
  if (holder) throw conflict(`Error when allocating new name: ${conflictText(name, holder)}`);
  const old = c.name;
  c.name = name;
  logContainerEvent(engine, c, 'rename', { oldName: `/${old}` });
  // Links naming the container follow the new name.
  for (const other of engine.state.containers) {
    other.hostConfig.links = other.hostConfig.links.map((l) =>
      l.replace(new RegExp(`^/${old}:`), `/${name}:`),
    );
  }
}

/**
 * How long `docker wait` waits for a running script to end, on the simulated clock: a loop that
 * never ends gives its first minute and runs on (a chat cannot wait for ever).
 */
const WAIT_MS = 60_000;

/** `POST /containers/{id}/wait`: the exit code (a running container is waited for until it ends). */
export function containerWait(engine: Engine, term: string): number {
  const c = getContainer(engine, term);
  if (c.status === 'running' && c.script) {
    // The client waits: the script runs on (as far as a chat can wait).
    const code = advanceMain(engine, c, engine.nowMs() + WAIT_MS, true);
    if (code !== null && c.hostConfig.autoRemove) removeContainerRecord(engine, c);
  }
  if (isRunning(c) && c.exitAtMs !== undefined) {
    exitedContainer(engine, c, c.exitAtCode ?? 0);
    if (c.hostConfig.autoRemove) removeContainerRecord(engine, c);
  }
  return c.exitCode;
}

/** `POST /containers/prune`: removes stopped containers, newest first. */
export function containersPrune(engine: Engine): string[] {
  settleContainers(engine);
  const removed: string[] = [];
  const stopped = engine.state.containers.filter((c) => !isRunning(c));
  for (const c of [...stopped].reverse()) {
    removeContainerRecord(engine, c);
    removed.push(c.id);
  }
  logPruneEvent(engine, 'container', 0);
  return removed;
}

export { EngineError };

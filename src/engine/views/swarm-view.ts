/**
 * Swarm objects as the Engine API returns them (`swarm.Swarm`, `swarm.Node`, `swarm.Service`,
 * `swarm.Task`), with the Go field order, tags and zero values `inspect` and templates see.
 */
import { rfc3339Nanos } from '../clock.ts';
import type { Engine } from '../engine.ts';
import { f, type GoValue, goPtr, goSlice, goStringMap, goStruct, goTime } from '../go/values.ts';
import type {
  NetworkRecord,
  ServiceRecord,
  ServiceSpecRecord,
  SwarmRecord,
  TaskRecord,
} from '../model/state.ts';
import { addrPools } from '../ops/overlay-ipam.ts';
import { shownTaskState, swarmNowMs } from '../ops/service-tasks.ts';
import { SYSTEM } from '../ops/system.ts';

const SECOND = 1_000_000_000;

const version = (index: number) => goStruct('swarm.Version', [f('Index', index, { omitempty: true })]);

function meta(index: number, created: string, updated: string) {
  return [f('Version', version(index)), f('CreatedAt', goTime(created)), f('UpdatedAt', goTime(updated))];
}

/** `GET /swarm`: the cluster with its join tokens. */
export function swarmView(swarm: SwarmRecord): GoValue {
  return goStruct('swarm.Swarm', [
    ...clusterInfoFields(swarm),
    f(
      'JoinTokens',
      goStruct('swarm.JoinTokens', [f('Worker', swarm.workerToken), f('Manager', swarm.managerToken)]),
    ),
  ]);
}

/** The cluster as `GET /info` shows it (`swarm.ClusterInfo`: the swarm without its join tokens). */
export function clusterInfoView(swarm: SwarmRecord): GoValue {
  return goStruct('swarm.ClusterInfo', clusterInfoFields(swarm));
}

/** The `swarm.ClusterInfo` fields, which `swarm.Swarm` embeds before its join tokens. */
function clusterInfoFields(swarm: SwarmRecord) {
  return [
    f('ID', swarm.clusterId),
    ...meta(swarm.index, swarm.createdAt, swarm.updatedAt),
    f('Spec', clusterSpecView(swarm)),
    f('TLSInfo', tlsInfoView()),
    f('RootRotationInProgress', false),
    f('DefaultAddrPool', goSlice([...addrPools(swarm).bases])),
    f('SubnetSize', addrPools(swarm).size),
    f('DataPathPort', 4789),
  ];
}

function tlsInfoView(): GoValue {
  return goStruct('swarm.TLSInfo', [
    f('TrustRoot', '', { omitempty: true }),
    f('CertIssuerSubject', goSlice([], true), { omitempty: true }),
    f('CertIssuerPublicKey', goSlice([], true), { omitempty: true }),
  ]);
}

function clusterSpecView(swarm: SwarmRecord): GoValue {
  return goStruct('swarm.Spec', [
    f('Name', 'default', { omitempty: true }),
    f('Labels', goStringMap({})),
    f(
      'Orchestration',
      goStruct('swarm.OrchestrationConfig', [
        f('TaskHistoryRetentionLimit', goPtr(swarm.taskHistoryLimit ?? 5), { omitempty: true }),
      ]),
    ),
    f(
      'Raft',
      goStruct('swarm.RaftConfig', [
        f('SnapshotInterval', 10000, { omitempty: true }),
        f('KeepOldSnapshots', goPtr(0), { omitempty: true }),
        f('LogEntriesForSlowFollowers', 500, { omitempty: true }),
        f('ElectionTick', 10),
        f('HeartbeatTick', 1),
      ]),
    ),
    f(
      'Dispatcher',
      goStruct('swarm.DispatcherConfig', [f('HeartbeatPeriod', 5 * SECOND, { omitempty: true })]),
    ),
    f('CAConfig', goStruct('swarm.CAConfig', [f('NodeCertExpiry', 7776000 * SECOND, { omitempty: true })])),
    f('TaskDefaults', goStruct('swarm.TaskDefaults', [])),
    f('EncryptionConfig', goStruct('swarm.EncryptionConfig', [f('AutoLockManagers', false)])),
  ]);
}

/** The node object's version (`Version.Index`), which a node update must name. */
export const NODE_VERSION_INDEX = 9;

/** `GET /nodes/{id}`: the sandbox itself, the one manager and leader. */
export function nodeView(engine: Engine, swarm: SwarmRecord): GoValue {
  const addr = swarm.advertiseAddr;
  const ip = addr.replace(/:\d+$/, '');
  return goStruct('swarm.Node', [
    f('ID', swarm.nodeId),
    ...meta(NODE_VERSION_INDEX, swarm.createdAt, swarm.updatedAt),
    f(
      'Spec',
      goStruct('swarm.NodeSpec', [
        f('Name', '', { omitempty: true }),
        f('Labels', goStringMap(swarm.nodeLabels ?? {})),
        f('Role', 'manager', { omitempty: true }),
        f('Availability', swarm.nodeAvailability ?? 'active', { omitempty: true }),
      ]),
    ),
    f(
      'Description',
      goStruct('swarm.NodeDescription', [
        f('Hostname', engine.state.daemon.hostname, { omitempty: true }),
        f(
          'Platform',
          goStruct('swarm.Platform', [
            f('Architecture', 'x86_64', { omitempty: true }),
            f('OS', 'linux', { omitempty: true }),
          ]),
        ),
        f(
          'Resources',
          goStruct('swarm.Resources', [
            f('NanoCPUs', SYSTEM.ncpu * SECOND, { omitempty: true }),
            f('MemoryBytes', SYSTEM.memTotal, { omitempty: true }),
          ]),
        ),
        f(
          'Engine',
          goStruct('swarm.EngineDescription', [
            f('EngineVersion', SYSTEM.version, { omitempty: true }),
            f(
              'Plugins',
              goSlice(
                [
                  ['Log', 'awslogs'],
                  ['Log', 'fluentd'],
                  ['Log', 'gcplogs'],
                  ['Log', 'gelf'],
                  ['Log', 'journald'],
                  ['Log', 'json-file'],
                  ['Log', 'local'],
                  ['Log', 'logentries'],
                  ['Log', 'splunk'],
                  ['Log', 'syslog'],
                  ['Network', 'bridge'],
                  ['Network', 'host'],
                  ['Network', 'ipvlan'],
                  ['Network', 'macvlan'],
                  ['Network', 'null'],
                  ['Network', 'overlay'],
                  ['Volume', 'local'],
                ].map(([type, name]) =>
                  goStruct('swarm.PluginDescription', [f('Type', type!), f('Name', name!)]),
                ),
              ),
              { omitempty: true },
            ),
          ]),
        ),
        f('TLSInfo', goStruct('swarm.TLSInfo', [f('TrustRoot', '', { omitempty: true })])),
      ]),
    ),
    f(
      'Status',
      goStruct('swarm.NodeStatus', [
        f('State', 'ready', { omitempty: true }),
        f('Message', '', { omitempty: true }),
        f('Addr', ip, { omitempty: true }),
      ]),
    ),
    f(
      'ManagerStatus',
      goPtr(
        goStruct('swarm.ManagerStatus', [
          f('Leader', true, { omitempty: true }),
          f('Reachability', 'reachable', { omitempty: true }),
          f('Addr', addr, { omitempty: true }),
        ]),
      ),
      { omitempty: true },
    ),
  ]);
}

/**
 * How a service or task is shown. In process `docker service inspect` sees the spec with the
 * daemon's defaults inserted; over the API the client chooses (`insertDefaults`), and the times
 * the swarm keeps on its own clock are moved onto the daemon's, which the client reads "ago" from.
 */
export interface SwarmViewOptions {
  /** The spec with the defaults the daemon fills in (`GET /services/{id}?insertDefaults=true`). */
  insertDefaults?: boolean;
  /** Added to times on the swarm's clock (task states, update status). */
  timeShiftMs?: number;
  /** `ServiceStatus` (`GET /services?status=true`, API 1.41). */
  status?: boolean;
  /**
   * For the API's JSON: nil pointers as nothing, which `omitempty` leaves out. In process they
   * stay typed nil pointers, which templates print as `<nil>`.
   */
  json?: boolean;
}

const updateConfig = (order: string) =>
  goStruct('swarm.UpdateConfig', [
    f('Parallelism', 1),
    f('Delay', 0, { omitempty: true }),
    f('FailureAction', 'pause', { omitempty: true }),
    f('Monitor', 5 * SECOND, { omitempty: true }),
    f('MaxFailureRatio', { kind: 'float', value: 0 }),
    f('Order', order),
  ]);

/**
 * `swarm.TaskSpec` as the CLI sends it (and the daemon keeps it): the service's `TaskTemplate`
 * and each task's `Spec` (which has no `Runtime`). With the defaults, the stop grace period and
 * the restart policy the daemon would use.
 */
function taskSpecView(s: ServiceSpecRecord, insertDefaults: boolean, runtime: boolean): GoValue {
  return goStruct('swarm.TaskSpec', [
    f(
      'ContainerSpec',
      goPtr(
        goStruct('swarm.ContainerSpec', [
          f('Image', s.image, { omitempty: true }),
          f('Labels', goStringMap(null), { omitempty: true }),
          f('Command', goSlice([], true), { omitempty: true }),
          f('Args', goSlice(s.args, s.args.length === 0), { omitempty: true }),
          f('Hostname', '', { omitempty: true }),
          f('Env', goSlice(s.env, s.env.length === 0), { omitempty: true }),
          f('Dir', '', { omitempty: true }),
          f('User', '', { omitempty: true }),
          f('Init', goPtr(false), { omitempty: true }),
          f('TTY', false, { omitempty: true }),
          f('OpenStdin', false, { omitempty: true }),
          f('ReadOnly', false, { omitempty: true }),
          f('StopGracePeriod', insertDefaults ? goPtr(10 * SECOND) : null, { omitempty: true }),
          f('DNSConfig', goPtr(goStruct('swarm.DNSConfig', [])), { omitempty: true }),
          f('Isolation', 'default', { omitempty: true }),
        ]),
      ),
      { omitempty: true },
    ),
    f(
      'Resources',
      goPtr(
        goStruct('swarm.ResourceRequirements', [
          f('Limits', goPtr(goStruct('swarm.Limit', [])), { omitempty: true }),
          f('Reservations', goPtr(goStruct('swarm.Resources', [])), { omitempty: true }),
        ]),
      ),
      { omitempty: true },
    ),
    f(
      'RestartPolicy',
      insertDefaults
        ? goPtr(
            goStruct('swarm.RestartPolicy', [
              f('Condition', 'any', { omitempty: true }),
              f('Delay', goPtr(5 * SECOND), { omitempty: true }),
              f('MaxAttempts', goPtr(0), { omitempty: true }),
            ]),
          )
        : null,
      { omitempty: true },
    ),
    f('Placement', goPtr(goStruct('swarm.Placement', [])), { omitempty: true }),
    f(
      'Networks',
      goSlice(
        s.networks.map((n) =>
          goStruct('swarm.NetworkAttachmentConfig', [
            f('Target', n.target, { omitempty: true }),
            f('Aliases', goSlice(n.aliases, n.aliases.length === 0), { omitempty: true }),
          ]),
        ),
        s.networks.length === 0,
      ),
      { omitempty: true },
    ),
    f('ForceUpdate', 0),
    f('Runtime', runtime ? 'container' : '', { omitempty: true }),
  ]);
}

function serviceSpecView(
  svc: ServiceRecord,
  s: ServiceSpecRecord = svc,
  insertDefaults = true,
  replicas = s.replicas,
): GoValue {
  const ports = s.ports.map(portView);
  return goStruct('swarm.ServiceSpec', [
    f('Name', svc.name, { omitempty: true }),
    f('Labels', goStringMap(s.labels)),
    f('TaskTemplate', taskSpecView(s, insertDefaults, true)),
    f(
      'Mode',
      goStruct('swarm.ServiceMode', [
        f(
          'Replicated',
          svc.mode === 'replicated'
            ? goPtr(goStruct('swarm.ReplicatedService', [f('Replicas', goPtr(replicas))]))
            : null,
          { omitempty: true },
        ),
        f('Global', svc.mode === 'global' ? goPtr(goStruct('swarm.GlobalService', [])) : null, {
          omitempty: true,
        }),
      ]),
    ),
    f('UpdateConfig', insertDefaults ? goPtr(updateConfig('stop-first')) : null, { omitempty: true }),
    f('RollbackConfig', insertDefaults ? goPtr(updateConfig('stop-first')) : null, { omitempty: true }),
    f(
      'EndpointSpec',
      goPtr(
        goStruct('swarm.EndpointSpec', [
          f('Mode', s.endpointMode ?? 'vip', { omitempty: true }),
          f('Ports', goSlice(ports, ports.length === 0), { omitempty: true }),
        ]),
      ),
      { omitempty: true },
    ),
  ]);
}

function portView(p: ServiceRecord['ports'][number]): GoValue {
  return goStruct('swarm.PortConfig', [
    f('Name', '', { omitempty: true }),
    f('Protocol', p.protocol, { omitempty: true }),
    f('TargetPort', p.targetPort, { omitempty: true }),
    f('PublishedPort', p.publishedPort, { omitempty: true }),
    f('PublishMode', p.publishMode, { omitempty: true }),
  ]);
}

/**
 * The allocator leaves a service's endpoint alone (`"Endpoint": {"Spec": {}}`) when it has nothing
 * to give it: no published port and no network; or, in dnsrr mode, until an update names ports.
 */
function endpointUnallocated(s: ServiceRecord): boolean {
  return s.endpointUnallocated === true || (s.ports.length === 0 && s.networks.length === 0);
}

/** `GET /services/{id}`. */
export function serviceView(engine: Engine, s: ServiceRecord, opts: SwarmViewOptions = {}): GoValue {
  const insertDefaults = opts.insertDefaults ?? true;
  const nil = opts.json ? null : goPtr(null);
  const vips = (s.vips ?? []).map((v) =>
    goStruct('swarm.EndpointVirtualIP', [
      f('NetworkID', v.networkId, { omitempty: true }),
      f('Addr', v.addr, { omitempty: true }),
    ]),
  );
  const ports = s.ports.map(portView);
  const fields = [
    f('ID', s.id),
    ...meta(s.version, s.created, s.updated ?? s.created),
    f('Spec', serviceSpecView(s, s, insertDefaults), { omitempty: true }),
    f('PreviousSpec', s.previousSpec ? goPtr(serviceSpecView(s, s.previousSpec, insertDefaults)) : nil, {
      omitempty: true,
    }),
    f(
      'Endpoint',
      goStruct('swarm.Endpoint', [
        f(
          'Spec',
          goStruct(
            'swarm.EndpointSpec',
            endpointUnallocated(s)
              ? [f('Mode', '', { omitempty: true }), f('Ports', goSlice([], true), { omitempty: true })]
              : [
                  f('Mode', s.endpointMode ?? 'vip', { omitempty: true }),
                  f('Ports', goSlice(ports, ports.length === 0), { omitempty: true }),
                ],
          ),
          { omitempty: true },
        ),
        f('Ports', goSlice(ports, ports.length === 0), { omitempty: true }),
        f('VirtualIPs', goSlice(vips, vips.length === 0), { omitempty: true }),
      ]),
      { omitempty: true },
    ),
    f('UpdateStatus', updateStatusView(engine, s, opts.timeShiftMs ?? 0, nil), { omitempty: true }),
    f('ServiceStatus', opts.status ? serviceStatusView(s) : null, { omitempty: true }),
  ];
  return goStruct('swarm.Service', fields);
}

/** `swarm.ServiceStatus`: tasks running (whatever their desired state) against the tasks wanted. */
function serviceStatusView(s: ServiceRecord): GoValue {
  return goPtr(
    goStruct('swarm.ServiceStatus', [
      f('RunningTasks', s.tasks.filter((t) => t.state === 'running').length),
      f('DesiredTasks', s.mode === 'global' ? 1 : s.replicas),
      f('CompletedTasks', 0),
    ]),
  );
}

/** A rolling update in progress or done, as `swarm.UpdateStatus`; nil before the first one. */
export function updateStatusView(
  engine: Engine,
  s: ServiceRecord,
  timeShiftMs = 0,
  nil: GoValue = goPtr(null),
): GoValue {
  const u = s.updateStatus;
  if (!u) return nil;
  const done = swarmNowMs(engine) >= u.completesAtMs;
  const { state, message } = updateStatusText(u, done);
  return goPtr(
    goStruct('swarm.UpdateStatus', [
      f('State', state, { omitempty: true }),
      f('StartedAt', goPtr(goTime(rfc3339Nanos(u.startedAtMs + timeShiftMs, 0))), { omitempty: true }),
      f('CompletedAt', done ? goPtr(goTime(rfc3339Nanos(u.completesAtMs + timeShiftMs, 0))) : nil, {
        omitempty: true,
      }),
      f('Message', message, { omitempty: true }),
    ]),
  );
}

/** The update status's state and message: an update's, or a requested rollback's. */
export function updateStatusText(
  u: NonNullable<ServiceRecord['updateStatus']>,
  done: boolean,
): { state: string; message: string } {
  if (u.rollback) {
    return done
      ? { state: 'rollback_completed', message: 'rollback completed' }
      : { state: 'rollback_started', message: 'manually requested rollback' };
  }
  return done
    ? { state: 'completed', message: 'update completed' }
    : { state: 'updating', message: 'update in progress' };
}

/** The agent's message for each state a task reports. */
const TASK_MESSAGES: Record<string, string> = {
  assigned: 'scheduler assigned task to node',
  preparing: 'preparing',
  running: 'started',
  failed: 'starting container failed',
  shutdown: 'shutdown',
};

/** A task of the service's current spec (what the CLI's `_up-to-date` filter keeps). */
export function taskIsUpToDate(s: ServiceRecord, t: TaskRecord): boolean {
  return t.desiredState !== 'shutdown' && !(s.rollout?.slots.includes(t.slot) ?? false);
}

/** The spec a task was made from: the service's, or the one before its last update. */
function taskSpecRecord(s: ServiceRecord, t: TaskRecord): ServiceSpecRecord {
  return taskIsUpToDate(s, t) ? s : (s.previousSpec ?? s);
}

/** `GET /tasks`, `GET /tasks/{id}`: `swarm.Task`. */
export function taskView(
  engine: Engine,
  swarm: SwarmRecord,
  s: ServiceRecord,
  t: TaskRecord,
  opts: SwarmViewOptions = {},
): GoValue {
  const shift = opts.timeShiftMs ?? 0;
  const shown = shownTaskState(t, swarmNowMs(engine));
  const onDaemonClock = (time: string) => rfc3339Nanos(Date.parse(time) + shift, 0);
  const c = t.containerId ? engine.state.containers.find((x) => x.id === t.containerId) : undefined;
  const attachments = taskAttachments(engine, t);
  return goStruct('swarm.Task', [
    f('ID', t.id),
    ...meta(swarm.index, onDaemonClock(t.created), onDaemonClock(t.updated ?? t.created)),
    f('Name', '', { omitempty: true }),
    f('Labels', goStringMap({})),
    f('Spec', taskSpecView(taskSpecRecord(s, t), opts.insertDefaults ?? false, false), { omitempty: true }),
    f('ServiceID', s.id, { omitempty: true }),
    f('Slot', t.slot, { omitempty: true }),
    f('NodeID', swarm.nodeId, { omitempty: true }),
    f(
      'Status',
      goStruct('swarm.TaskStatus', [
        f('Timestamp', goTime(rfc3339Nanos(shown.sinceMs + shift, 0)), { omitempty: true }),
        f('State', shown.state, { omitempty: true }),
        f('Message', TASK_MESSAGES[shown.state] ?? shown.state, { omitempty: true }),
        f('Err', '', { omitempty: true }),
        f(
          'ContainerStatus',
          c
            ? goPtr(
                goStruct('swarm.ContainerStatus', [
                  f('ContainerID', c.id),
                  f('PID', c.pid ?? 0),
                  f('ExitCode', c.exitCode ?? 0),
                ]),
              )
            : null,
          { omitempty: true },
        ),
        f(
          'PortStatus',
          goStruct('swarm.PortStatus', [
            f('Ports', goSlice(hostModePorts(s, t), hostModePorts(s, t).length === 0), { omitempty: true }),
          ]),
          { omitempty: true },
        ),
      ]),
      { omitempty: true },
    ),
    f('DesiredState', t.desiredState ?? 'running', { omitempty: true }),
    f('NetworksAttachments', goSlice(attachments, attachments.length === 0), { omitempty: true }),
  ]);
}

/** Ports a running task publishes on its node (`mode=host`): shown in `service ps`. */
function hostModePorts(s: ServiceRecord, t: TaskRecord): GoValue[] {
  if (t.state !== 'running') return [];
  return s.ports.filter((p) => p.publishMode === 'host').map(portView);
}

/** Each network the task has an address on, with the address (`swarm.NetworkAttachment`). */
function taskAttachments(engine: Engine, t: TaskRecord): GoValue[] {
  const held: Array<{ networkId: string; addr: string }> = [...(t.addresses ?? [])];
  const c = t.containerId ? engine.state.containers.find((x) => x.id === t.containerId) : undefined;
  for (const ep of c?.endpoints ?? []) {
    const ip = ep.swarmIpv4 ?? ep.ipv4;
    if (!ip || held.some((h) => h.networkId === ep.networkId)) continue;
    if (engine.state.networks.find((n) => n.id === ep.networkId)?.scope !== 'swarm') continue;
    held.push({ networkId: ep.networkId, addr: `${ip}/${ep.ipv4Prefix || 24}` });
  }
  const out: GoValue[] = [];
  for (const h of held) {
    const nw = engine.state.networks.find((n) => n.id === h.networkId);
    if (!nw) continue;
    out.push(
      goStruct('swarm.NetworkAttachment', [
        f('Network', swarmNetworkView(nw)),
        f('Addresses', goSlice([h.addr])),
      ]),
    );
  }
  return out;
}

/** A swarm network as the manager keeps it (`swarm.Network`), as task attachments show it. */
function swarmNetworkView(nw: NetworkRecord): GoValue {
  const driver = (name: string, options: Record<string, string> | null) =>
    goStruct('swarm.Driver', [
      f('Name', name, { omitempty: true }),
      f('Options', goStringMap(options), { omitempty: true }),
    ]);
  const configs = nw.ipam.map((c) =>
    goStruct('swarm.IPAMConfig', [
      f('Subnet', c.subnet, { omitempty: true }),
      f('Range', c.ipRange ?? '', { omitempty: true }),
      f('Gateway', c.gateway ?? c.effectiveGateway ?? '', { omitempty: true }),
    ]),
  );
  const vxlan = nw.options['com.docker.network.driver.overlay.vxlanid_list'];
  return goStruct('swarm.Network', [
    f('ID', nw.id),
    // The raft index the manager stored the network at: not kept here; the recorded ones.
    ...meta(nw.ingress ? 6 : 12, nw.created, nw.created),
    f(
      'Spec',
      goStruct('swarm.NetworkSpec', [
        f('Name', nw.name, { omitempty: true }),
        f('Labels', goStringMap(nw.labels)),
        f('DriverConfiguration', goPtr(driver(nw.ingress ? '' : nw.driver, null)), { omitempty: true }),
        f('IPv6Enabled', nw.enableIPv6, { omitempty: true }),
        f('Internal', nw.internal, { omitempty: true }),
        f('Attachable', nw.attachable, { omitempty: true }),
        f('Ingress', nw.ingress, { omitempty: true }),
        f(
          'IPAMOptions',
          goPtr(
            goStruct('swarm.IPAMOptions', [
              f('Driver', driver(nw.ingress ? '' : 'default', null), { omitempty: true }),
              f('Configs', goSlice(nw.userSubnet ? configs : [], true), { omitempty: true }),
            ]),
          ),
          { omitempty: true },
        ),
        f('Scope', 'swarm', { omitempty: true }),
      ]),
      { omitempty: true },
    ),
    f(
      'DriverState',
      driver(nw.driver, vxlan ? { 'com.docker.network.driver.overlay.vxlanid_list': vxlan } : null),
      { omitempty: true },
    ),
    f(
      'IPAMOptions',
      goPtr(
        goStruct('swarm.IPAMOptions', [
          f('Driver', driver('default', null), { omitempty: true }),
          f('Configs', goSlice(configs, configs.length === 0), { omitempty: true }),
        ]),
      ),
      { omitempty: true },
    ),
  ]);
}

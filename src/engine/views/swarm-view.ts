/**
 * Swarm objects as the Engine API returns them (`swarm.Swarm`, `swarm.Node`, `swarm.Service`,
 * `swarm.Task`), with the Go field order, tags and zero values `inspect` and templates see.
 */
import { rfc3339Nanos } from '../clock.ts';
import type { Engine } from '../engine.ts';
import { f, type GoValue, goMap, goPtr, goSlice, goStringMap, goStruct, goTime } from '../go/values.ts';
import type { ServiceRecord, ServiceSpecRecord, SwarmRecord, TaskRecord } from '../model/state.ts';
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

/** `GET /nodes/{id}`: the sandbox itself, the one manager and leader. */
export function nodeView(engine: Engine, swarm: SwarmRecord): GoValue {
  const addr = swarm.advertiseAddr;
  const ip = addr.replace(/:\d+$/, '');
  return goStruct('swarm.Node', [
    f('ID', swarm.nodeId),
    ...meta(9, swarm.createdAt, swarm.updatedAt),
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

const durationUpdate = (order: string) =>
  goStruct('swarm.UpdateConfig', [
    f('Parallelism', 1),
    f('Delay', 0, { omitempty: true }),
    f('FailureAction', 'pause', { omitempty: true }),
    f('Monitor', 5 * SECOND, { omitempty: true }),
    f('MaxFailureRatio', { kind: 'float', value: 0 }),
    f('Order', order),
  ]);

function serviceSpecView(
  _engine: Engine,
  svc: ServiceRecord,
  s: ServiceSpecRecord = svc,
  replicas = s.replicas,
): GoValue {
  const ports = s.ports.map(portView);
  return goStruct('swarm.ServiceSpec', [
    f('Name', svc.name, { omitempty: true }),
    f('Labels', goStringMap(s.labels)),
    f(
      'TaskTemplate',
      goStruct('swarm.TaskSpec', [
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
              f('StopGracePeriod', goPtr(10 * SECOND), { omitempty: true }),
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
          goPtr(
            goStruct('swarm.RestartPolicy', [
              f('Condition', 'any', { omitempty: true }),
              f('Delay', goPtr(5 * SECOND), { omitempty: true }),
              f('MaxAttempts', goPtr(0), { omitempty: true }),
            ]),
          ),
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
        f('Runtime', 'container', { omitempty: true }),
      ]),
    ),
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
    f('UpdateConfig', goPtr(durationUpdate('stop-first')), { omitempty: true }),
    f('RollbackConfig', goPtr(durationUpdate('stop-first')), { omitempty: true }),
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

/** `GET /services/{id}`. */
export function serviceView(engine: Engine, s: ServiceRecord): GoValue {
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
    f('Spec', serviceSpecView(engine, s), { omitempty: true }),
    f('PreviousSpec', s.previousSpec ? goPtr(serviceSpecView(engine, s, s.previousSpec)) : goPtr(null), {
      omitempty: true,
    }),
    f(
      'Endpoint',
      goStruct('swarm.Endpoint', [
        f(
          'Spec',
          goStruct(
            'swarm.EndpointSpec',
            s.endpointUnallocated
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
    f('UpdateStatus', updateStatusView(engine, s), { omitempty: true }),
  ];
  return goStruct('swarm.Service', fields);
}

/** A rolling update in progress or done, as `swarm.UpdateStatus`. */
export function updateStatusView(engine: Engine, s: ServiceRecord): GoValue {
  const u = s.updateStatus;
  if (!u) return goPtr(null);
  const done = swarmNowMs(engine) >= u.completesAtMs;
  return goPtr(
    goStruct('swarm.UpdateStatus', [
      f('State', done ? 'completed' : 'updating', { omitempty: true }),
      f('StartedAt', goPtr(goTime(rfc3339Nanos(u.startedAtMs, 0))), { omitempty: true }),
      f('CompletedAt', done ? goPtr(goTime(rfc3339Nanos(u.completesAtMs, 0))) : goPtr(null), {
        omitempty: true,
      }),
      f('Message', done ? 'update completed' : 'update in progress', { omitempty: true }),
    ]),
  );
}

/** `GET /tasks/{id}`. */
/** The agent's message for each state a task reports. */
const TASK_MESSAGES: Record<string, string> = {
  assigned: 'scheduler assigned task to node',
  preparing: 'preparing',
  running: 'started',
  failed: 'starting container failed',
  shutdown: 'shutdown',
};

export function taskView(engine: Engine, swarm: SwarmRecord, s: ServiceRecord, t: TaskRecord): GoValue {
  const shown = shownTaskState(t, swarmNowMs(engine));
  return goStruct('swarm.Task', [
    f('ID', t.id),
    ...meta(swarm.index, t.created, t.updated ?? t.created),
    f('Name', '', { omitempty: true }),
    f('Labels', goStringMap({})),
    f('Spec', goStruct('swarm.TaskSpec', []), { omitempty: true }),
    f('ServiceID', s.id, { omitempty: true }),
    f('Slot', t.slot, { omitempty: true }),
    f('NodeID', swarm.nodeId, { omitempty: true }),
    f(
      'Status',
      goStruct('swarm.TaskStatus', [
        f('Timestamp', goTime(rfc3339Nanos(shown.sinceMs, 0)), { omitempty: true }),
        f('State', shown.state, { omitempty: true }),
        f('Message', TASK_MESSAGES[shown.state] ?? shown.state, { omitempty: true }),
        f(
          'ContainerStatus',
          t.containerId
            ? goPtr(goStruct('swarm.ContainerStatus', [f('ContainerID', t.containerId, { omitempty: true })]))
            : goPtr(null),
          { omitempty: true },
        ),
      ]),
      { omitempty: true },
    ),
    f('DesiredState', t.desiredState ?? 'running', { omitempty: true }),
    f('NetworksAttachments', goMap(null), { omitempty: true }),
  ]);
}

/**
 * `types.ContainerJSON` as Docker 20.10 returns it from `GET /containers/{id}/json`, and
 * `types.Container` (list entries), as Go values for JSON and templates.
 */
import type { Engine } from '../engine.ts';
import { f, type GoValue, goMap, goPtr, goSlice, goStringMap, goStruct, goTime } from '../go/values.ts';
import type { ContainerRecord, EndpointRecord, NetworkRecord, PortBinding } from '../model/state.ts';
import { containerMounts, type MountPoint } from '../ops/container-mounts.ts';
import { memorySwapOf } from '../ops/container-update.ts';
import { isRunning, logConfigOf } from '../ops/containers.ts';

const ZERO_TIME = '0001-01-01T00:00:00Z';
const strs = (list: readonly string[] | null, nilWhenEmpty = false): GoValue =>
  list === null || (nilWhenEmpty && list.length === 0) ? goSlice([], true) : goSlice([...list]);

const netById = (engine: Engine, id: string) => engine.state.networks.find((n) => n.id === id);

function portBindingView(b: PortBinding): GoValue {
  return goStruct('nat.PortBinding', [f('HostIp', b.hostIp), f('HostPort', b.hostPort)]);
}

function portMap(map: Record<string, PortBinding[]>, nullWhenEmpty: boolean): GoValue {
  const entries: Record<string, GoValue> = {};
  for (const [port, list] of Object.entries(map)) {
    entries[port] =
      nullWhenEmpty && list.length === 0 ? goSlice([], true) : goSlice(list.map(portBindingView));
  }
  return goMap(entries, goSlice([], true));
}

export function endpointSettingsView(_engine: Engine, c: ContainerRecord, ep: EndpointRecord): GoValue {
  const started = c.sandboxId !== undefined;
  // On swarm networks the address the manager allocated shows as the requested one.
  const v4 = ep.ipamIpv4 || ep.swarmIpv4;
  const ipam =
    v4 || ep.ipamIpv6
      ? goPtr(
          goStruct('network.EndpointIPAMConfig', [
            f('IPv4Address', v4 ?? '', { omitempty: true }),
            f('IPv6Address', ep.ipamIpv6 ?? '', { omitempty: true }),
            f('LinkLocalIPs', goSlice([], true), { omitempty: true }),
          ]),
        )
      : ep.emptyConfig
        ? goPtr(goStruct('network.EndpointIPAMConfig', []))
        : null;
  return goPtr(
    goStruct('network.EndpointSettings', [
      f('IPAMConfig', ipam),
      f('Links', strs(ep.links, true)),
      f('Aliases', strs(ep.aliases, true)),
      f('NetworkID', started || ep.endpointId ? ep.networkId : ''),
      f('EndpointID', ep.endpointId),
      f('Gateway', ep.gateway),
      f('IPAddress', ep.ipv4),
      f('IPPrefixLen', ep.ipv4Prefix),
      f('IPv6Gateway', ep.ipv6Gateway),
      f('GlobalIPv6Address', ep.ipv6),
      f('GlobalIPv6PrefixLen', ep.ipv6Prefix),
      f('MacAddress', ep.mac),
      f('DriverOpts', goStringMap(ep.emptyConfig ? {} : null)),
    ]),
  );
}

/** `NetworkSettings.Networks`, keyed by network name. */
export function networksView(engine: Engine, c: ContainerRecord): GoValue {
  const entries: Record<string, GoValue> = {};
  for (const ep of c.endpoints) {
    const nw = netById(engine, ep.networkId);
    if (nw) entries[nw.name] = endpointSettingsView(engine, c, ep);
  }
  // Networks the create named that did not exist: the daemon keeps empty settings under the name.
  for (const name of c.pendingNetworks ?? []) {
    entries[name] ??= goPtr(
      goStruct('network.EndpointSettings', [
        f('IPAMConfig', null),
        f('Links', goSlice([], true)),
        f('Aliases', goSlice([], true)),
        ...['NetworkID', 'EndpointID', 'Gateway', 'IPAddress'].map((k) => f(k, '')),
        f('IPPrefixLen', 0),
        f('IPv6Gateway', ''),
        f('GlobalIPv6Address', ''),
        f('GlobalIPv6PrefixLen', 0),
        f('MacAddress', ''),
        f('DriverOpts', goStringMap(null)),
      ]),
    );
  }
  return goMap(entries, null);
}

function bridgeEndpoint(engine: Engine, c: ContainerRecord): EndpointRecord | undefined {
  return c.endpoints.find((ep) => netById(engine, ep.networkId)?.name === 'bridge');
}

const MASKED = [
  '/proc/asound',
  '/proc/acpi',
  '/proc/kcore',
  '/proc/keys',
  '/proc/latency_stats',
  '/proc/timer_list',
  '/proc/timer_stats',
  '/proc/sched_debug',
  '/proc/scsi',
  '/sys/firmware',
];
const READONLY = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];

/** `types.MountPoint`. */
function mountPointView(m: MountPoint): GoValue {
  return goStruct('types.MountPoint', [
    f('Type', m.Type, { omitempty: true }),
    f('Name', m.Name ?? '', { omitempty: true }),
    f('Source', m.Source),
    f('Destination', m.Destination),
    f('Driver', m.Driver ?? '', { omitempty: true }),
    f('Mode', m.Mode),
    f('RW', m.RW),
    f('Propagation', m.Propagation),
  ]);
}

function hostConfigView(c: ContainerRecord): GoValue {
  const hc = c.hostConfig;
  const res = hc.resources ?? {};
  return goPtr(
    goStruct('container.HostConfig', [
      f('Binds', strs(hc.binds, true)),
      f('ContainerIDFile', ''),
      f(
        'LogConfig',
        goStruct('container.LogConfig', [
          f('Type', logConfigOf(c).type),
          f('Config', goStringMap(logConfigOf(c).config)),
        ]),
      ),
      f('NetworkMode', hc.networkMode),
      f('PortBindings', portMap(hc.portBindings, false)),
      f(
        'RestartPolicy',
        goStruct('container.RestartPolicy', [
          f('Name', hc.restartPolicy.name),
          f('MaximumRetryCount', hc.restartPolicy.maximumRetryCount),
        ]),
      ),
      f('AutoRemove', hc.autoRemove),
      f('VolumeDriver', ''),
      f('VolumesFrom', goSlice([], true)),
      f('CapAdd', strs(hc.capAdd, true)),
      f('CapDrop', goSlice([], true)),
      f('CgroupnsMode', 'host'),
      f('DNS', strs(hc.dns), { json: 'Dns' }),
      f('DNSOptions', strs(hc.dnsOptions), { json: 'DnsOptions' }),
      f('DNSSearch', strs(hc.dnsSearch), { json: 'DnsSearch' }),
      f('ExtraHosts', strs(hc.extraHosts, true)),
      f('GroupAdd', goSlice([], true)),
      f('IpcMode', hc.ipcMode || 'private'),
      f('Cgroup', ''),
      f('Links', strs(hc.links, true)),
      f('OomScoreAdj', 0),
      f('PidMode', ''),
      f('Privileged', hc.privileged),
      f('PublishAllPorts', hc.publishAllPorts),
      f('ReadonlyRootfs', false),
      f('SecurityOpt', goSlice([], true)),
      f('UTSMode', ''),
      f('UsernsMode', ''),
      f('ShmSize', 67108864),
      f('Runtime', 'runc'),
      f('ConsoleSize', goSlice([0, 0])),
      f('Isolation', ''),
      f('CPUShares', res.cpuShares ?? 0, { json: 'CpuShares' }),
      f('Memory', hc.memory),
      f('NanoCPUs', res.nanoCpus ?? 0, { json: 'NanoCpus' }),
      f('CgroupParent', ''),
      f('BlkioWeight', res.blkioWeight ?? 0),
      f('BlkioWeightDevice', goSlice([])),
      f('BlkioDeviceReadBps', goSlice([], true)),
      f('BlkioDeviceWriteBps', goSlice([], true)),
      f('BlkioDeviceReadIOps', goSlice([], true)),
      f('BlkioDeviceWriteIOps', goSlice([], true)),
      f('CPUPeriod', res.cpuPeriod ?? 0, { json: 'CpuPeriod' }),
      f('CPUQuota', res.cpuQuota ?? 0, { json: 'CpuQuota' }),
      f('CPURealtimePeriod', res.cpuRealtimePeriod ?? 0, { json: 'CpuRealtimePeriod' }),
      f('CPURealtimeRuntime', res.cpuRealtimeRuntime ?? 0, { json: 'CpuRealtimeRuntime' }),
      f('CpusetCpus', res.cpusetCpus ?? ''),
      f('CpusetMems', res.cpusetMems ?? ''),
      f('Devices', goSlice([])),
      f('DeviceCgroupRules', goSlice([], true)),
      f('DeviceRequests', goSlice([], true)),
      f('KernelMemory', res.kernelMemory ?? 0),
      f('KernelMemoryTCP', 0),
      f('MemoryReservation', res.memoryReservation ?? 0),
      f('MemorySwap', memorySwapOf(c)),
      f('MemorySwappiness', null),
      f('OomKillDisable', false),
      f('PidsLimit', res.pidsLimit ?? null),
      f('Ulimits', goSlice([], true)),
      f('CPUCount', 0, { json: 'CpuCount' }),
      f('CPUPercent', 0, { json: 'CpuPercent' }),
      f('IOMaximumIOps', 0),
      f('IOMaximumBandwidth', 0),
      f('MaskedPaths', hc.privileged ? goSlice([], true) : goSlice(MASKED)),
      f('ReadonlyPaths', hc.privileged ? goSlice([], true) : goSlice(READONLY)),
    ]),
  );
}

function configView(c: ContainerRecord): GoValue {
  const exposed: Record<string, GoValue> = {};
  for (const p of c.exposedPorts) exposed[p] = goStruct('struct {}', []);
  return goPtr(
    goStruct('container.Config', [
      f('Hostname', c.hostname),
      f('Domainname', c.domainname),
      f('User', c.user),
      f('AttachStdin', c.openStdin && c.attachStdout),
      f('AttachStdout', c.attachStdout),
      f('AttachStderr', c.attachStderr),
      f('ExposedPorts', goMap(exposed), { omitempty: true }),
      f('Tty', c.tty),
      f('OpenStdin', c.openStdin),
      f('StdinOnce', c.openStdin && c.attachStdout),
      f('Env', strs(c.env, true)),
      f('Cmd', c.cmd ? goSlice(c.cmd) : goSlice([], true)),
      f('Image', c.imageRef),
      f(
        'Volumes',
        goMap(
          c.configVolumes
            ? Object.fromEntries(c.configVolumes.map((v) => [v, goStruct('struct {}', [])]))
            : null,
        ),
      ),
      f('WorkingDir', c.workingDir),
      f('Entrypoint', c.entrypoint ? goSlice(c.entrypoint) : goSlice([], true)),
      f('MacAddress', c.macAddress ?? '', { omitempty: true }),
      f('OnBuild', goSlice([], true)),
      f('Labels', goStringMap(c.labels)),
      f('StopSignal', c.stopSignal ?? '', { omitempty: true }),
    ]),
  );
}

export function stateString(_engine: Engine, c: ContainerRecord): string {
  return c.status;
}

function stateView(c: ContainerRecord): GoValue {
  const running = isRunning(c);
  return goPtr(
    goStruct('types.ContainerState', [
      f('Status', c.status),
      f('Running', running),
      f('Paused', c.status === 'paused'),
      f('Restarting', c.status === 'restarting'),
      f('OOMKilled', false),
      f('Dead', c.status === 'dead'),
      f('Pid', running ? c.pid : 0),
      f('ExitCode', c.exitCode),
      f('Error', ''),
      f('StartedAt', c.startedAt),
      f('FinishedAt', c.finishedAt),
      // *types.Health: nil without a HEALTHCHECK (`<nil>` in `{{.State}}`, absent from JSON).
      f('Health', null, { omitempty: true }),
    ]),
  );
}

/** The full inspect document; `size` adds SizeRw/SizeRootFs as `inspect -s` asks. */
export function containerView(engine: Engine, c: ContainerRecord, size = false): GoValue {
  const started = c.sandboxId !== undefined;
  const dir = `/var/lib/docker/containers/${c.id}`;
  const bridge = bridgeEndpoint(engine, c);
  const image = engine.state.images.find((i) => i.id === c.imageId);
  const ports = isRunning(c) ? portMap(c.boundPorts, true) : goMap({}, goSlice([], true));
  const fields = [
    f('ID', c.id, { json: 'Id' }),
    f('Created', c.created),
    f('Path', c.path),
    f('Args', goSlice(c.args)),
    f('State', stateView(c)),
    f('Image', c.imageId),
    f('ResolvConfPath', started ? `${dir}/resolv.conf` : ''),
    f('HostnamePath', started ? `${dir}/hostname` : ''),
    f('HostsPath', started ? `${dir}/hosts` : ''),
    // Only json-file's path is shown (local keeps its files private, the others have none).
    f('LogPath', started && logConfigOf(c).type === 'json-file' ? `${dir}/${c.id}-json.log` : ''),
    f('Name', `/${c.name}`),
    f('RestartCount', c.restartCount),
    f('Driver', 'vfs'),
    f('Platform', 'linux'),
    f('MountLabel', ''),
    f('ProcessLabel', ''),
    f('AppArmorProfile', ''),
    f('ExecIDs', strs(c.execIds ?? [], true)),
    f('HostConfig', hostConfigView(c)),
    f('GraphDriver', goStruct('types.GraphDriverData', [f('Data', goStringMap(null)), f('Name', 'vfs')])),
  ];
  if (size) {
    fields.push(
      f('SizeRw', goPtr(0), { omitempty: true }),
      f('SizeRootFs', goPtr(image?.size ?? 0), { omitempty: true }),
    );
  }
  fields.push(
    f('Mounts', goSlice(containerMounts(c).map(mountPointView))),
    f('Config', configView(c)),
    f(
      'NetworkSettings',
      goPtr(
        goStruct('types.NetworkSettings', [
          f('Bridge', ''),
          f('SandboxID', c.sandboxId ?? ''),
          f('HairpinMode', false),
          f('LinkLocalIPv6Address', ''),
          f('LinkLocalIPv6PrefixLen', 0),
          f('Ports', ports),
          f('SandboxKey', c.sandboxId ? `/var/run/docker/netns/${c.sandboxId.slice(0, 12)}` : ''),
          f('SecondaryIPAddresses', goSlice([], true)),
          f('SecondaryIPv6Addresses', goSlice([], true)),
          f('EndpointID', bridge?.endpointId ?? ''),
          f('Gateway', bridge?.gateway ?? ''),
          f('GlobalIPv6Address', bridge?.ipv6 ?? ''),
          f('GlobalIPv6PrefixLen', bridge?.ipv6Prefix ?? 0),
          f('IPAddress', bridge?.ipv4 ?? ''),
          f('IPPrefixLen', bridge?.ipv4Prefix ?? 0),
          f('IPv6Gateway', bridge?.ipv6Gateway ?? ''),
          f('MacAddress', bridge?.mac ?? ''),
          f('Networks', networksView(engine, c)),
        ]),
      ),
    ),
  );
  return goStruct('types.ContainerJSON', fields);
}

export function containerNetworkNames(engine: Engine, c: ContainerRecord): string[] {
  return [
    ...c.endpoints.map((ep) => netById(engine, ep.networkId)?.name).filter((n): n is string => Boolean(n)),
    ...(c.pendingNetworks ?? []),
  ].sort();
}

export type { NetworkRecord };
export { goTime, ZERO_TIME };

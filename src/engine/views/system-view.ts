/**
 * `types.Version` and `types.Info` as `GET /version` and `GET /info` return them, and the docker
 * CLI's wrappers that `docker version -f` / `docker info -f` templates run over
 * (`system.versionInfo`, `system.info`).
 */
import type { Engine } from '../engine.ts';
import { f, type GoValue, goMap, goPtr, goSlice, goStringMap, goStruct } from '../go/values.ts';
import { addrPools } from '../ops/overlay-ipam.ts';
import { containerCounts, localNodeState, SYSTEM } from '../ops/system.ts';
import { clusterInfoView } from './swarm-view.ts';

/** `GET /version`. */
export function versionView(engineBuildTime: string = SYSTEM.buildTime): GoValue {
  const component = (name: string, version: string, details: Record<string, string>) =>
    goStruct('types.ComponentVersion', [
      f('Name', name),
      f('Version', version),
      f('Details', goStringMap(details), { omitempty: true }),
    ]);
  return goStruct('types.Version', [
    f('Platform', goStruct('struct { Name string }', [f('Name', '')]), { omitempty: true }),
    f(
      'Components',
      goSlice([
        component('Engine', SYSTEM.version, {
          ApiVersion: SYSTEM.apiVersion,
          Arch: SYSTEM.arch,
          BuildTime: engineBuildTime,
          Experimental: 'false',
          GitCommit: SYSTEM.gitCommit,
          GoVersion: SYSTEM.goVersion,
          KernelVersion: SYSTEM.kernelVersion,
          MinAPIVersion: SYSTEM.minApiVersion,
          Os: SYSTEM.os,
        }),
        component('containerd', SYSTEM.containerd.version, { GitCommit: SYSTEM.containerd.commit }),
        component('runc', SYSTEM.runc.version, { GitCommit: SYSTEM.runc.commit }),
        component('docker-init', SYSTEM.init.version, { GitCommit: SYSTEM.init.commit }),
      ]),
      { omitempty: true },
    ),
    f('Version', SYSTEM.version),
    f('APIVersion', SYSTEM.apiVersion, { json: 'ApiVersion' }),
    f('MinAPIVersion', SYSTEM.minApiVersion, { omitempty: true }),
    f('GitCommit', SYSTEM.gitCommit),
    f('GoVersion', SYSTEM.goVersion),
    f('Os', SYSTEM.os),
    f('Arch', SYSTEM.arch),
    f('KernelVersion', SYSTEM.kernelVersion, { omitempty: true }),
    f('Experimental', false, { omitempty: true }),
    f('BuildTime', SYSTEM.buildTime, { omitempty: true }),
  ]);
}

/** The CLI shows build times in `time.ANSIC`. */
export const ANSIC_BUILD_TIME = 'Thu May  7 21:09:36 2026';

/** `system.versionInfo`: what `docker version -f` sees. */
/** `docker version`'s value; `apiVersion`: the client's (`DOCKER_API_VERSION`), else the newest. */
export function cliVersionView(apiVersion: string = SYSTEM.apiVersion): GoValue {
  return goStruct('system.versionInfo', [
    f(
      'Client',
      goStruct('system.clientVersion', [
        f('Platform', goStruct('struct { Name string }', [f('Name', '')]), { omitempty: true }),
        f('Version', SYSTEM.version),
        f('APIVersion', apiVersion, { json: 'ApiVersion' }),
        f('DefaultAPIVersion', apiVersion, { omitempty: true }),
        f('GitCommit', SYSTEM.clientGitCommit),
        f('GoVersion', SYSTEM.goVersion),
        f('Os', SYSTEM.os),
        f('Arch', SYSTEM.arch),
        f('BuildTime', ANSIC_BUILD_TIME, { omitempty: true }),
        f('Context', 'default'),
        f('Experimental', true, { omitempty: true }),
      ]),
    ),
    // The CLI rewrites the Engine component's BuildTime to ANSIC before templating.
    f('Server', goPtr(versionView(ANSIC_BUILD_TIME))),
  ]);
}

/** `docker version` without a format, as the CLI's template and tabwriter print it. */
export function versionText(apiVersion: string = SYSTEM.apiVersion): string {
  return `Client:
 Version:           ${SYSTEM.version}
 API version:       ${apiVersion}
 Go version:        ${SYSTEM.goVersion}
 Git commit:        ${SYSTEM.clientGitCommit}
 Built:             ${ANSIC_BUILD_TIME}
 OS/Arch:           ${SYSTEM.os}/${SYSTEM.arch}
 Context:           default
 Experimental:      true

Server:
 Engine:
  Version:          ${SYSTEM.version}
  API version:      ${SYSTEM.apiVersion} (minimum version ${SYSTEM.minApiVersion})
  Go version:       ${SYSTEM.goVersion}
  Git commit:       ${SYSTEM.gitCommit}
  Built:            ${ANSIC_BUILD_TIME}
  OS/Arch:          ${SYSTEM.os}/${SYSTEM.arch}
  Experimental:     false
 containerd:
  Version:          ${SYSTEM.containerd.version}
  GitCommit:        ${SYSTEM.containerd.commit}
 runc:
  Version:          ${SYSTEM.runc.version}
  GitCommit:        ${SYSTEM.runc.commit}
 docker-init:
  Version:          ${SYSTEM.init.version}
  GitCommit:        ${SYSTEM.init.commit}
`;
}

const LOG_PLUGINS = [
  'awslogs',
  'fluentd',
  'gcplogs',
  'gelf',
  'journald',
  'json-file',
  'local',
  'logentries',
  'splunk',
  'syslog',
];
const NETWORK_PLUGINS = ['bridge', 'host', 'ipvlan', 'macvlan', 'null', 'overlay'];

function swarmInfoView(engine: Engine): GoValue {
  const swarm = engine.state.swarm;
  const peer = (addr: string) => goStruct('swarm.Peer', [f('NodeID', swarm?.nodeId ?? ''), f('Addr', addr)]);
  return goStruct('swarm.Info', [
    f('NodeID', swarm?.nodeId ?? ''),
    f('NodeAddr', swarm ? swarm.advertiseAddr.replace(/:\d+$/, '') : ''),
    f('LocalNodeState', localNodeState(engine)),
    f('ControlAvailable', Boolean(swarm)),
    f('Error', ''),
    f('RemoteManagers', swarm ? goSlice([peer(swarm.advertiseAddr)]) : goSlice([], true)),
    f('Nodes', swarm ? 1 : 0, { omitempty: true }),
    f('Managers', swarm ? 1 : 0, { omitempty: true }),
    f('Cluster', swarm ? goPtr(clusterInfoView(swarm)) : null, { omitempty: true }),
  ]);
}

/** `GET /info`. */
export function infoView(engine: Engine): GoValue {
  const counts = containerCounts(engine);
  const runtime = (path: string) => goStruct('types.Runtime', [f('Path', path)]);
  const commit = (id: string) => goStruct('types.Commit', [f('ID', id), f('Expected', id)]);
  return goStruct('types.Info', [
    f('ID', engine.state.daemon.id),
    f('Containers', counts.total),
    f('ContainersRunning', counts.running),
    f('ContainersPaused', counts.paused),
    f('ContainersStopped', counts.stopped),
    f('Images', engine.state.images.length),
    f('Driver', SYSTEM.driver),
    f('DriverStatus', goSlice([])),
    f('SystemStatus', goSlice([], true), { omitempty: true }),
    f(
      'Plugins',
      goStruct('types.PluginsInfo', [
        f('Volume', goSlice(['local'])),
        f('Network', goSlice(NETWORK_PLUGINS)),
        f('Authorization', goSlice([], true)),
        f('Log', goSlice(LOG_PLUGINS)),
      ]),
    ),
    f('MemoryLimit', true),
    f('SwapLimit', true),
    f('KernelMemory', false),
    f('KernelMemoryTCP', false),
    f('CPUCfsPeriod', true, { json: 'CpuCfsPeriod' }),
    f('CPUCfsQuota', true, { json: 'CpuCfsQuota' }),
    f('CPUShares', true),
    f('CPUSet', true),
    f('PidsLimit', true),
    f('IPv4Forwarding', true),
    f('BridgeNfIptables', true),
    f('BridgeNfIP6tables', true, { json: 'BridgeNfIp6tables' }),
    f('Debug', false),
    f('NFd', 33),
    f('OomKillDisable', true),
    f('NGoroutines', 44),
    f('SystemTime', engine.now().replace('Z', 'Z')),
    f('LoggingDriver', 'json-file'),
    f('CgroupDriver', 'cgroupfs'),
    f('CgroupVersion', '1', { omitempty: true }),
    f('NEventsListener', 0),
    f('KernelVersion', SYSTEM.kernelVersion),
    f('OperatingSystem', SYSTEM.operatingSystem),
    f('OSVersion', SYSTEM.osVersion),
    f('OSType', SYSTEM.os),
    f('Architecture', SYSTEM.architecture),
    f('IndexServerAddress', 'https://index.docker.io/v1/'),
    f(
      'RegistryConfig',
      goPtr(
        goStruct('registry.ServiceConfig', [
          f('AllowNondistributableArtifactsCIDRs', goSlice([])),
          f('AllowNondistributableArtifactsHostnames', goSlice([])),
          f('InsecureRegistryCIDRs', goSlice(['127.0.0.0/8'])),
          f(
            'IndexConfigs',
            goMap({
              'docker.io': goPtr(
                goStruct('registry.IndexInfo', [
                  f('Name', 'docker.io'),
                  f('Mirrors', goSlice([])),
                  f('Secure', true),
                  f('Official', true),
                ]),
              ),
            }),
          ),
          f('Mirrors', goSlice([])),
        ]),
      ),
    ),
    f('NCPU', SYSTEM.ncpu),
    f('MemTotal', SYSTEM.memTotal),
    f('GenericResources', goSlice([], true)),
    f('DockerRootDir', SYSTEM.rootDir),
    f('HTTPProxy', '', { json: 'HttpProxy' }),
    f('HTTPSProxy', '', { json: 'HttpsProxy' }),
    f('NoProxy', ''),
    f('Name', engine.state.daemon.hostname),
    f('Labels', goSlice([])),
    f('ExperimentalBuild', false),
    f('ServerVersion', SYSTEM.version),
    f(
      'Runtimes',
      goMap({
        'io.containerd.runc.v2': runtime('runc'),
        'io.containerd.runtime.v1.linux': runtime('runc'),
        runc: runtime('runc'),
      }),
    ),
    f('DefaultRuntime', 'runc'),
    f('Swarm', swarmInfoView(engine)),
    f('LiveRestoreEnabled', false),
    f('Isolation', ''),
    f('InitBinary', 'docker-init'),
    f('ContainerdCommit', commit(SYSTEM.containerd.commit)),
    f('RuncCommit', commit(SYSTEM.runc.commit)),
    f('InitCommit', commit(SYSTEM.init.commit)),
    f('SecurityOptions', goSlice(['name=seccomp,profile=default'])),
    f('ProductLicense', '', { omitempty: true }),
    // The daemon keeps no address pools of its own unless configured (`default-address-pools`).
    f('DefaultAddressPools', goSlice([], true), { omitempty: true }),
    f('Warnings', goSlice([], true)),
  ]);
}

/** `system.info`: what `docker info -f` templates see (the server info embedded, plus the client's). */
export function cliInfoView(engine: Engine): GoValue {
  return goStruct('system.info', [
    f('Info', goPtr(infoView(engine)), { embedded: true, omitempty: true }),
    f('ServerErrors', goSlice([], true), { omitempty: true }),
    f(
      'ClientInfo',
      goPtr(
        goStruct('system.clientInfo', [
          f('Debug', false),
          f('Context', 'default'),
          f('Plugins', goSlice([])),
          f('Warnings', goSlice([], true)),
        ]),
      ),
      { omitempty: true },
    ),
    f('ClientErrors', goSlice([], true), { omitempty: true }),
  ]);
}

/** Go's `units.BytesSize`: binary units, 4 significant digits. */
function bytesSize(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${Number(v.toPrecision(4))}${units[i]}`;
}

/** `docker info` without a format. */
export function infoText(engine: Engine): string {
  const c = containerCounts(engine);
  const swarm = engine.state.swarm;
  const lines = [
    'Client:',
    ' Context:    default',
    ' Debug Mode: false',
    '',
    'Server:',
    ` Containers: ${c.total}`,
    `  Running: ${c.running}`,
    `  Paused: ${c.paused}`,
    `  Stopped: ${c.stopped}`,
    ` Images: ${engine.state.images.length}`,
    ` Server Version: ${SYSTEM.version}`,
    ` Storage Driver: ${SYSTEM.driver}`,
    ' Logging Driver: json-file',
    ' Cgroup Driver: cgroupfs',
    ' Cgroup Version: 1',
    ' Plugins:',
    '  Volume: local',
    `  Network: ${NETWORK_PLUGINS.join(' ')}`,
    `  Log: ${LOG_PLUGINS.join(' ')}`,
    ` Swarm: ${localNodeState(engine)}`,
  ];
  if (swarm) {
    const ip = swarm.advertiseAddr.replace(/:\d+$/, '');
    lines.push(
      `  NodeID: ${swarm.nodeId}`,
      '  Is Manager: true',
      `  ClusterID: ${swarm.clusterId}`,
      '  Managers: 1',
      '  Nodes: 1',
      `  Default Address Pool: ${addrPools(swarm)
        .bases.map((p) => `${p}  `)
        .join('')}`,
      `  SubnetSize: ${addrPools(swarm).size}`,
      '  Data Path Port: 4789',
      '  Orchestration:',
      `   Task History Retention Limit: ${swarm.taskHistoryLimit ?? 5}`,
      '  Raft:',
      '   Snapshot Interval: 10000',
      '   Number of Old Snapshots to Retain: 0',
      '   Heartbeat Tick: 1',
      '   Election Tick: 10',
      '  Dispatcher:',
      '   Heartbeat Period: 5 seconds',
      '  CA Configuration:',
      '   Expiry Duration: 3 months',
      '   Force Rotate: 0',
      '  Autolock Managers: false',
      '  Root Rotation In Progress: false',
      `  Node Address: ${ip}`,
      '  Manager Addresses:',
      `   ${swarm.advertiseAddr}`,
    );
  }
  lines.push(
    ' Runtimes: io.containerd.runc.v2 io.containerd.runtime.v1.linux runc',
    ' Default Runtime: runc',
    ' Init Binary: docker-init',
    ` containerd version: ${SYSTEM.containerd.commit}`,
    ` runc version: ${SYSTEM.runc.commit}`,
    ` init version: ${SYSTEM.init.commit}`,
    ' Security Options:',
    '  seccomp',
    '   Profile: default',
    ` Kernel Version: ${SYSTEM.kernelVersion}`,
    ` Operating System: ${SYSTEM.operatingSystem}`,
    ` OSType: ${SYSTEM.os}`,
    ` Architecture: ${SYSTEM.architecture}`,
    ` CPUs: ${SYSTEM.ncpu}`,
    ` Total Memory: ${bytesSize(SYSTEM.memTotal)}`,
    ` Name: ${engine.state.daemon.hostname}`,
    ` ID: ${engine.state.daemon.id}`,
    ` Docker Root Dir: ${SYSTEM.rootDir}`,
    ' Debug Mode: false',
    ' Registry: https://index.docker.io/v1/',
    ' Labels:',
    ' Experimental: false',
    ' Insecure Registries:',
    '  127.0.0.0/8',
    ' Live Restore Enabled: false',
    '',
  );
  return `${lines.join('\n')}\n`;
}

/**
 * `GET /version` and `GET /info` bodies, as Docker 20.10.24 (Debian's build) answers them in the
 * sandbox. Static facts are those of the real sandbox image; counts come from the engine state.
 * When the system views land in `views/`, these should be served from there instead.
 */
import type { Engine } from '../../engine.ts';

const BUILD_TIME = '2026-05-07T21:09:36.000000000+00:00';
const KERNEL = '6.18.44-fc-v657';

export function versionBody(): Record<string, unknown> {
  return {
    Platform: { Name: '' },
    Components: [
      {
        Name: 'Engine',
        Version: '20.10.24+dfsg1',
        Details: {
          ApiVersion: '1.41',
          Arch: 'amd64',
          BuildTime: BUILD_TIME,
          Experimental: 'false',
          GitCommit: '5d6db84',
          GoVersion: 'go1.19.8',
          KernelVersion: KERNEL,
          MinAPIVersion: '1.12',
          Os: 'linux',
        },
      },
      { Name: 'containerd', Version: '1.6.20~ds1', Details: { GitCommit: '1.6.20~ds1-1+deb12u3' } },
      { Name: 'runc', Version: '1.1.5+ds1', Details: { GitCommit: '1.1.5+ds1-1+deb12u1' } },
      { Name: 'docker-init', Version: '0.19.0', Details: { GitCommit: '' } },
    ],
    Version: '20.10.24+dfsg1',
    ApiVersion: '1.41',
    MinAPIVersion: '1.12',
    GitCommit: '5d6db84',
    GoVersion: 'go1.19.8',
    Os: 'linux',
    Arch: 'amd64',
    KernelVersion: KERNEL,
    BuildTime: BUILD_TIME,
  };
}

export function infoBody(engine: Engine): Record<string, unknown> {
  const containers = engine.state.containers;
  const running = containers.filter((c) => c.status === 'running' || c.status === 'restarting').length;
  const paused = containers.filter((c) => c.status === 'paused').length;
  const swarm = engine.state.swarm;
  const nowIso = new Date(engine.nowMs()).toISOString().replace('Z', '000000Z');
  return {
    ID: engine.state.daemon.id,
    Containers: containers.length,
    ContainersRunning: running,
    ContainersPaused: paused,
    ContainersStopped: containers.length - running - paused,
    Images: engine.state.images.length,
    Driver: 'vfs',
    DriverStatus: null,
    Plugins: {
      Volume: ['local'],
      Network: ['bridge', 'host', 'ipvlan', 'macvlan', 'null', 'overlay'],
      Authorization: null,
      Log: [
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
      ],
    },
    MemoryLimit: true,
    SwapLimit: true,
    KernelMemory: true,
    KernelMemoryTCP: true,
    CpuCfsPeriod: true,
    CpuCfsQuota: true,
    CPUShares: true,
    CPUSet: true,
    PidsLimit: true,
    IPv4Forwarding: true,
    BridgeNfIptables: true,
    BridgeNfIp6tables: true,
    Debug: false,
    NFd: 24,
    OomKillDisable: true,
    NGoroutines: 33,
    SystemTime: nowIso,
    LoggingDriver: 'json-file',
    CgroupDriver: 'cgroupfs',
    CgroupVersion: '1',
    NEventsListener: 0,
    KernelVersion: KERNEL,
    OperatingSystem: 'Debian GNU/Linux 12 (bookworm) (containerized)',
    OSVersion: '12',
    OSType: 'linux',
    Architecture: 'x86_64',
    IndexServerAddress: 'https://index.docker.io/v1/',
    RegistryConfig: {
      AllowNondistributableArtifactsCIDRs: [],
      AllowNondistributableArtifactsHostnames: [],
      InsecureRegistryCIDRs: ['127.0.0.0/8'],
      IndexConfigs: { 'docker.io': { Name: 'docker.io', Mirrors: [], Secure: true, Official: true } },
      Mirrors: [],
    },
    NCPU: 2,
    MemTotal: 25276510208,
    GenericResources: null,
    DockerRootDir: '/var/lib/docker',
    HttpProxy: '',
    HttpsProxy: '',
    NoProxy: '',
    Name: engine.state.daemon.hostname,
    Labels: [],
    ExperimentalBuild: false,
    ServerVersion: '20.10.24+dfsg1',
    Runtimes: {
      'io.containerd.runc.v2': { path: 'runc' },
      'io.containerd.runtime.v1.linux': { path: 'runc' },
      runc: { path: 'runc' },
    },
    DefaultRuntime: 'runc',
    Swarm: swarm
      ? {
          NodeID: swarm.nodeId,
          NodeAddr: swarm.advertiseAddr,
          LocalNodeState: 'active',
          ControlAvailable: true,
          Error: '',
          RemoteManagers: [{ NodeID: swarm.nodeId, Addr: `${swarm.advertiseAddr}:2377` }],
          Nodes: 1,
          Managers: 1,
        }
      : {
          NodeID: '',
          NodeAddr: '',
          LocalNodeState: 'inactive',
          ControlAvailable: false,
          Error: '',
          RemoteManagers: null,
        },
    LiveRestoreEnabled: false,
    Isolation: '',
    InitBinary: 'docker-init',
    ContainerdCommit: { ID: '1.6.20~ds1-1+deb12u3', Expected: '1.6.20~ds1-1+deb12u3' },
    RuncCommit: { ID: '1.1.5+ds1-1+deb12u1', Expected: '1.1.5+ds1-1+deb12u1' },
    InitCommit: { ID: '', Expected: '' },
    SecurityOptions: ['name=seccomp,profile=default'],
    Warnings: null,
  };
}

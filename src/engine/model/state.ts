/**
 * The simulated engine's state: plain, JSON-serializable records, versioned so that a sandbox
 * saved by one release loads in the next. Everything Docker would show is derived from these
 * records by the views in `../views/`.
 */

import type { EventLogRecord } from './events.ts';

export const STATE_SCHEMA = 1;

export interface EngineState {
  schema: typeof STATE_SCHEMA;
  /** The ID generator's position: restoring it continues the same sequence. */
  idSeed: number;
  /** Nanosecond counter that keeps timestamps strictly increasing even when the clock stands still. */
  tick: number;
  daemon: DaemonRecord;
  networks: NetworkRecord[];
  containers: ContainerRecord[];
  images: ImageRecord[];
  swarm: SwarmRecord | null;
  /** Registry logins by server address (`docker login`); the password only when no token was given. */
  auths: Record<string, { username: string; identityToken: string; password?: string }>;
  /** Exec instances (`POST /containers/{id}/exec`), kept until their container is removed. */
  execs?: ExecRecord[];
  /** The daemon's event log (`GET /events`, `docker events`), kept compactly: see `events.ts`. */
  events?: EventLogRecord;
  /** Files students put in the sandbox host's home (compose files). */
  files: Record<string, string>;
}

/** The sandbox host the daemon runs on (a Docker-in-Docker container in the real backend). */
export interface DaemonRecord {
  id: string;
  hostname: string;
  started: string;
  /** The host's own interface, as the sandbox container has it. */
  hostIp: string;
  hostPrefix: number;
  hostGateway: string;
  hostMac: string;
  /** Host ports taken by published container ports, `ip:port/proto` -> container ID. */
  nextEphemeralPort: number;
  /**
   * Whether the host kernel can create 802.1q VLAN links (`-o parent=eth0.50`) and the dummy links
   * a macvlan/ipvlan network without a parent gets. Real hosts can; the machines the course's
   * transcripts were recorded on could not. Default true.
   */
  vlanLinks?: boolean;
  /**
   * Whether the host has a `ps` program, which the daemon runs for `docker top`. Real hosts do;
   * the Docker-in-Docker sandboxes the course recorded in did not. Default true.
   */
  hostPs?: boolean;
  /** Index in the predefined local pools where the next search starts (Docker goes round). */
  nextLocalPool?: number;
  /** Next `-P`/`-p 80` host port (Docker's port allocator starts at 32768 and goes round). */
  nextDynamicPort?: number;
  /** The port allocator's last dynamic port per `ip/proto` (it keeps one counter for each). */
  lastDynamicPorts?: Record<string, number>;
  /** Next kernel interface index: bridges take one, each veth pair two (container side first). */
  nextIfIndex?: number;
  /** The built-in images a fresh sandbox has (alpine) were added. */
  imagesSeeded?: boolean;
}

export interface IpamConfigRecord {
  subnet: string;
  ipRange?: string;
  /** The gateway as `network inspect` shows it: Docker hides the one it picked for a user subnet. */
  gateway?: string;
  /** The gateway containers route through. */
  effectiveGateway?: string;
  auxAddresses?: Record<string, string>;
}

export interface NetworkRecord {
  id: string;
  name: string;
  created: string;
  driver: string;
  scope: 'local' | 'swarm' | 'global';
  enableIPv6: boolean;
  internal: boolean;
  attachable: boolean;
  ingress: boolean;
  configOnly: boolean;
  configFrom: string;
  ipamDriver: string;
  ipamOptions: Record<string, string> | null;
  ipam: IpamConfigRecord[];
  /** Subnets given by the user (`--subnet`), as opposed to taken from the default pools. */
  userSubnet: boolean;
  options: Record<string, string>;
  labels: Record<string, string>;
  /** bridge, host, none: cannot be removed or recreated. */
  predefined: boolean;
  /** Addresses handed out, by subnet; gateways and aux addresses included. */
  allocated: string[];
  /** For bridge networks: the Linux bridge name (docker0, br-<id12>). */
  bridgeName?: string;
  /** Last address handed out per subnet: Docker allocates round-robin after it. */
  lastAllocated?: Record<string, string>;
  /**
   * Endpoints of the daemon's own sandboxes (not containers): `ingress-sbox`, the per-network
   * load balancer `lb-<net>`, gateway endpoints on docker_gwbridge. Their addresses are in `allocated`.
   */
  sandboxEndpoints?: SandboxEndpointRecord[];
}

export interface SandboxEndpointRecord {
  /** Key in the network's `Containers` map (`ingress-sbox`, `lb-appnet`, or a container ID). */
  key: string;
  /** `Name` shown there (`ingress-endpoint`, `appnet-endpoint`, `gateway_<id12>`). */
  name: string;
  endpointId: string;
  ipv4: string;
  prefix: number;
  mac: string;
}

export interface EndpointRecord {
  networkId: string;
  endpointId: string;
  ipv4: string;
  ipv4Prefix: number;
  gateway: string;
  ipv6: string;
  ipv6Prefix: number;
  ipv6Gateway: string;
  mac: string;
  /** `--network-alias` / `connect --alias`. */
  aliases: string[];
  /** `--link` on this network. */
  links: string[];
  /** `--ip` / `--ip6` as requested. */
  ipamIpv4?: string;
  ipamIpv6?: string;
  /** Extra DNS names (compose service names and the like). */
  dnsNames: string[];
  /** `--mac-address`: used instead of the address-derived MAC when the endpoint activates. */
  requestedMac?: string;
  /**
   * The endpoint was configured with an IPAMConfig and DriverOpts even if empty, as `docker network
   * connect` sends them: inspect shows `{}` where a bare request shows null.
   */
  emptyConfig?: boolean;
  /** A swarm task's address on this network, given by the manager's allocator when the task was made. */
  swarmIpv4?: string;
  /**
   * A standalone container on an attachable overlay: the ID of the network attachment task the
   * daemon asked the manager for (named when the network cannot be removed).
   */
  attachmentTaskId?: string;
  /** Interface inside the container while running (`eth0`) and its kernel index. */
  ifName?: string;
  ifIndex?: number;
}

export interface PortBinding {
  hostIp: string;
  hostPort: string;
}

export type ContainerStatus =
  | 'created'
  | 'running'
  | 'paused'
  | 'restarting'
  | 'removing'
  | 'exited'
  | 'dead';

export interface ContainerRecord {
  id: string;
  /** Without the leading slash. */
  name: string;
  created: string;
  /** The image as the user named it (`alpine`, `alpine:latest`). */
  imageRef: string;
  imageId: string;
  path: string;
  args: string[];
  cmd: string[] | null;
  entrypoint: string[] | null;
  env: string[];
  hostname: string;
  domainname: string;
  user: string;
  workingDir: string;
  labels: Record<string, string>;
  tty: boolean;
  openStdin: boolean;
  attachStdout: boolean;
  attachStderr: boolean;
  exposedPorts: string[];
  hostConfig: HostConfigRecord;
  status: ContainerStatus;
  pid: number;
  exitCode: number;
  startedAt: string;
  finishedAt: string;
  restartCount: number;
  endpoints: EndpointRecord[];
  /** Ports actually bound on the host, `80/tcp` -> bindings. */
  boundPorts: Record<string, PortBinding[]>;
  logs: LogLine[];
  /** Swarm task this container runs, if any. */
  taskId?: string;
  serviceId?: string;
  /**
   * Its task was removed: the node stops the container (SIGTERM, then SIGKILL after the grace
   * period) and removes it at this time of the swarm's clock.
   */
  swarmRemoveAtMs?: number;
  /** Files written inside the container (`sh -c 'echo x > /f'`). */
  files?: Record<string, string>;
  /** Paths of the image the container removed (`rm /etc/os-release`): whiteouts in its layer. */
  deletedPaths?: string[];
  /** Executions (`docker exec`) known to the API. */
  execIds?: string[];
  /** `Config.Volumes`: the paths the create asked volumes for (`-v /data`). */
  configVolumes?: string[];
  /** The anonymous volumes the daemon made for those paths, by name and mount path. */
  anonVolumes?: Array<{ name: string; destination: string }>;
  /** Set on first start: the network sandbox (`SandboxID`), kept after stop as Docker does. */
  sandboxId?: string;
  /**
   * Networks the create request named that did not exist then: listed by `ps` as the daemon
   * keeps them in NetworkSettings, and looked up again at start.
   */
  pendingNetworks?: string[];
  /**
   * The embedded DNS (127.0.0.11) was started for this run: resolv.conf is written at start and
   * rewritten only when the first user-defined network joins, never on disconnect.
   */
  embeddedDns?: boolean;
  /**
   * The container's own lines in /etc/hosts (`IP<TAB>hostname`), by address: written at start,
   * one added per network connected while running, none taken away on disconnect.
   */
  hostsIps?: string[];
  /** What the main process serves while running (httpd, nginx, nc...). */
  listeners?: ListenerRecord[];
  /** The neighbour (ARP) table of the container's network namespace: peers it exchanged packets with. */
  neighbours?: Array<{ ip: string; ifName: string }>;
  /** When the main process ends by itself (`sleep 5`), in clock milliseconds, and its exit code. */
  exitAtMs?: number;
  /** The main process's exit code at `exitAtMs` (0 when absent). */
  exitAtCode?: number;
  /**
   * Set when the main process of a detached start was over at once: the daemon handled the exit
   * after the CLI returned, so the list `docker ps` reads still shows the container running for
   * the next command (and an `--rm` one is being removed). Counts the looks left before that ends.
   */
  exitUnseen?: number;
  /** Next `ethN` for an interface added while running (numbers are not reused until restart). */
  nextEth?: number;
  /** `--domainname`, `--expose` and `--mac-address` as given (Config fields). */
  macAddress?: string;
  stopSignal?: string;
  /** Exit code of the main program on SIGTERM; absent: it ignores SIGTERM (PID 1) and is killed (137). */
  termExitCode?: number;
  /** `--network X` naming a network that did not exist at create: looked up again at start. */
  missingNetwork?: string;
  /** On a swarm network: the interface on docker_gwbridge that carries the default route. */
  gatewayIface?: {
    ipv4: string;
    prefix: number;
    mac: string;
    gateway: string;
    endpointId: string;
    ifName: string;
    ifIndex: number;
  };
}

/** A port a container's program listens on, and what it answers. */
export interface ListenerRecord {
  port: number;
  proto: 'tcp' | 'udp';
  /** httpd: files under `root`; nginx/apache: their welcome page; nc: a fixed reply; other: accepts only. */
  kind: 'httpd' | 'nginx' | 'apache' | 'nc' | 'other';
  root?: string;
  reply?: string;
  /** nc -e: the program run on each connection, its stdin the client's data, its output the reply. */
  exec?: string[];
  /** nc -l: one connection, then the program ends (`-ll -e` keeps serving). */
  once?: boolean;
  /** Served by the container's main process (which ends when a one-shot listener has served). */
  main?: boolean;
}

export interface HostConfigRecord {
  networkMode: string;
  portBindings: Record<string, PortBinding[]>;
  publishAllPorts: boolean;
  autoRemove: boolean;
  dns: string[];
  dnsSearch: string[];
  dnsOptions: string[];
  extraHosts: string[];
  links: string[];
  restartPolicy: { name: string; maximumRetryCount: number };
  privileged: boolean;
  capAdd: string[];
  memory: number;
  binds: string[];
  /** Resource limits other than `memory` a create or `docker update` set (absent: zero values). */
  resources?: ResourcesRecord;
  /** `HostConfig.LogConfig` (absent: the daemon's default, json-file without options). */
  logConfig?: { type: string; config: Record<string, string> };
  /** `HostConfig.IpcMode` when the create set one (absent: the daemon's default, private). */
  ipcMode?: string;
}

/** `container.Resources` fields beyond Memory, as the daemon keeps them (0/''/null: not set). */
export interface ResourcesRecord {
  nanoCpus?: number;
  cpuShares?: number;
  cpuPeriod?: number;
  cpuQuota?: number;
  cpuRealtimePeriod?: number;
  cpuRealtimeRuntime?: number;
  cpusetCpus?: string;
  cpusetMems?: string;
  blkioWeight?: number;
  memoryReservation?: number;
  /** Absent: what create set, twice the memory limit when there is one, else 0. */
  memorySwap?: number;
  kernelMemory?: number;
  /** Null: unset (inspect shows null); 0: unlimited. */
  pidsLimit?: number | null;
}

export interface LogLine {
  stream: 'stdout' | 'stderr';
  text: string;
  time: string;
}

/** One `docker exec` as the API knows it: created, then started once. */
export interface ExecRecord {
  id: string;
  containerId: string;
  argv: string[];
  env: string[];
  user: string;
  workingDir: string;
  tty: boolean;
  attachStdin: boolean;
  attachStdout: boolean;
  attachStderr: boolean;
  privileged: boolean;
  running: boolean;
  /** Null until the exec has run. */
  exitCode: number | null;
  /** Pid shown while running (`GET /exec/{id}/json`). */
  pid: number;
}

export interface ImageRecord {
  /** `sha256:<64 hex>`. */
  id: string;
  repoTags: string[];
  repoDigests: string[];
  created: string;
  size: number;
  /** Key in the image catalog that describes its behaviour (tools, default command, ports). */
  catalog: string;
  parent: string;
  /** Made by `docker commit`: what it keeps of the container over its parent image. */
  commit?: CommitRecord;
}

export interface CommitRecord {
  /** The container's full ID, its comment and author. */
  container: string;
  comment: string;
  author: string;
  cmd: string[] | null;
  entrypoint: string[] | null;
  env: string[] | null;
  workingDir: string;
  /** The files the container had written (new containers start with them). */
  files: Record<string, string>;
  /** The layer the commit added (64 hex). */
  layer: string;
}

export interface SwarmRecord {
  nodeId: string;
  clusterId: string;
  createdAt: string;
  /** Last change to the node or cluster object (shown as UpdatedAt). */
  updatedAt: string;
  /** The address other nodes reach this manager at (`--advertise-addr`, else the host's eth0). */
  advertiseAddr: string;
  workerToken: string;
  managerToken: string;
  /** Raft index: every object change bumps it, and objects show it as `Version.Index`. */
  index: number;
  /**
   * `--default-addr-pool` bases and `--default-addr-pool-mask-length` (absent: 10.0.0.0/8 in /24s),
   * the pools overlay networks without a subnet get their subnet from.
   */
  defaultAddrPool?: string[];
  subnetSize?: number;
  /** `Spec.Orchestration.TaskHistoryRetentionLimit` once `swarm update` set it (default 5). */
  taskHistoryLimit?: number;
  /**
   * When the node sets up its ingress sandbox (and docker_gwbridge with it) on its own, a moment
   * after init (swarm clock ms); gone once done.
   */
  ingressSandboxAtMs?: number;
  /** Overlay pools and VXLAN IDs are handed out serially: the allocator continues after the last. */
  lastPoolIndex: number;
  lastVxlanId: number;
  services: ServiceRecord[];
  /**
   * When the last task scheduled so far leaves `Preparing` (clock ms): the node's image lookups
   * for tasks run one after another, so each task waits for the one before it.
   */
  lastTaskReadyAtMs?: number;
  /** Place of that task in the current run of back-to-back lookups (1 = the first). */
  lastTaskQueuePos?: number;
  /** When the task scheduled before that one leaves `Preparing`. */
  prevTaskReadyAtMs?: number;
  /**
   * The swarm's own clock (ms) as of the last docker command, and the engine clock then. Commands
   * run back to back (a script, a transcript) each cost it a CLI round trip whatever time this
   * machine took; a person's pause between commands counts in full; the CLI waiting for a
   * service to converge moves it on by the time the real CLI would have waited.
   */
  clockMs?: number;
  clockRealMs?: number;
  /** `docker node update` on the one node: its availability (default active) and labels. */
  nodeAvailability?: string;
  nodeLabels?: Record<string, string>;
  /** Removed services whose names the node's DNS still answers until it has cleaned up. */
  fadingServices?: Array<{ name: string; vips: Array<{ networkId: string; addr: string }>; untilMs: number }>;
  /** `docker secret create`, `docker config create`. */
  secrets?: SwarmObjectRecord[];
  configs?: SwarmObjectRecord[];
}

/** A swarm secret or config. */
export interface SwarmObjectRecord {
  id: string;
  name: string;
  labels: Record<string, string>;
  /** The payload, base64 (a secret's is never shown). */
  data: string;
  /** `Spec.Templating.Name`, when set. */
  templating?: string;
  version: number;
  created: string;
  updated: string;
}

/** The parts of a service's spec an update can change, as kept for `PreviousSpec`. */
export interface ServiceSpecRecord {
  image: string;
  args: string[];
  env: string[];
  replicas: number;
  labels: Record<string, string>;
  networks: Array<{ target: string; aliases: string[] }>;
  ports: Array<{ protocol: string; targetPort: number; publishedPort: number; publishMode: string }>;
  endpointMode?: 'vip' | 'dnsrr';
}

export interface ServiceRecord {
  id: string;
  name: string;
  created: string;
  image: string;
  args: string[];
  replicas: number;
  mode: 'replicated' | 'global';
  networks: Array<{ target: string; aliases: string[] }>;
  ports: Array<{ protocol: string; targetPort: number; publishedPort: number; publishMode: string }>;
  env: string[];
  labels: Record<string, string>;
  /** Tasks by slot: the running container of each. */
  tasks: TaskRecord[];
  version: number;
  updated?: string;
  /** Virtual IPs by network ID (`10.0.1.2/24`). */
  vips?: Array<{ networkId: string; addr: string }>;
  /** `EndpointSpec.Mode`: `vip` (absent) or `dnsrr` (no virtual IPs: the name answers with the tasks). */
  endpointMode?: 'vip' | 'dnsrr';
  /**
   * Created in dnsrr mode without ports: the allocator never touched its endpoint, which shows
   * an empty `Endpoint.Spec` until an update changes it.
   */
  endpointUnallocated?: boolean;
  /** The spec before the last update (`PreviousSpec`). */
  previousSpec?: ServiceSpecRecord;
  /**
   * A rolling update under way: the slots still to replace, one at a time, and when the next
   * one starts (swarm clock ms).
   */
  rollout?: { slots: number[]; nextAtMs: number };
  /**
   * A rolling update of the task template (not a scale), or a rollback: when it started and when
   * it is done (swarm clock ms).
   */
  updateStatus?: { startedAtMs: number; completesAtMs: number; rollback?: boolean };
  /**
   * Networks (IDs) on which the node has learned the service's name: one of its tasks has run
   * there. Until then the name does not resolve, even with a virtual IP.
   */
  dnsBound?: string[];
}

export interface TaskRecord {
  id: string;
  /** Replica number; for global services 0 (tasks are keyed by node). */
  slot: number;
  /** The container running the task, once one exists. */
  containerId: string;
  /** `preparing` (image lookup), `running`, `shutdown`, `failed`. */
  state: string;
  /**
   * A task replaced by a rolling update whose container is still stopping: when it is stopped
   * (swarm clock ms); its successor waits `Ready` until then.
   */
  stopAtMs?: number;
  /** The task this one replaces in its slot, while that one is stopping. */
  replacesTaskId?: string;
  /** While preparing: when the task's container starts (clock ms). */
  readyAtMs?: number;
  /** Queued behind two other lookups, the task shows `Assigned` until its own lookup starts. */
  preparingAtMs?: number;
  desiredState?: string;
  created: string;
  updated?: string;
  /** Addresses on the service's networks when no container model holds them, `10.0.1.3/24` by network ID. */
  addresses?: Array<{ networkId: string; addr: string }>;
}

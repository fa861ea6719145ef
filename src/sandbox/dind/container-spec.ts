/**
 * How a sandbox container is named, labelled and confined. Names carry the student's key (hex),
 * labels carry the tutor's namespace, so a restarted tutor finds its sandboxes and nothing else.
 */
import type Docker from 'dockerode';
import type { SandboxKey } from '../backend.ts';

export const LABEL_NAMESPACE = 'docker-tutor.sandbox';
export const LABEL_ROLE = 'docker-tutor.role';
/** `host:pid` of the tutor process that made the container. */
export const LABEL_INSTANCE = 'docker-tutor.instance';
/** Image label of docker-tutor-sandbox:local naming the volume with its engine's files. */
export const LABEL_ENGINE_VOLUME = 'docker-tutor.engine-volume';

export interface Limits {
  memoryBytes: number;
  pidsLimit: number;
  nanoCpus: number;
}

export type SecurityProfile = 'privileged' | 'caps';

export const keyName = (ns: string, key: SandboxKey) =>
  `${ns}-sb-${Buffer.from(key, 'utf8').toString('hex')}`;
export const poolName = (ns: string, suffix: string) => `${ns}-pool-${suffix}`;

/** The key a container name stands for, 'pool' for a warm spare, or null when not ours. */
export function parseName(ns: string, name: string): { key: SandboxKey } | 'pool' | null {
  const n = name.replace(/^\//, '');
  if (n.startsWith(`${ns}-pool-`)) return 'pool';
  const m = new RegExp(`^${escapeRe(ns)}-sb-((?:[0-9a-f]{2})+)$`).exec(n);
  return m ? { key: Buffer.from(m[1]!, 'hex').toString('utf8') } : null;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The security profile. `privileged` is what docker:dind expects; where the host lacks
 * CAP_SYS_RESOURCE it cannot start, and the capability set below (every capability but that one,
 * no seccomp/AppArmor filter, the cgroup tree writable) runs the same engine.
 */
export function hostConfig(profile: SecurityProfile, network: string, limits: Limits): Docker.HostConfig {
  const common: Docker.HostConfig = {
    NetworkMode: network,
    Memory: limits.memoryBytes,
    MemorySwap: limits.memoryBytes,
    PidsLimit: limits.pidsLimit,
    NanoCpus: limits.nanoCpus,
    // No published ports, no restart: a crashed sandbox is recreated by the tutor with a notice.
    RestartPolicy: { Name: 'no' },
    Init: false,
  };
  if (profile === 'privileged') return { ...common, Privileged: true };
  return {
    ...common,
    CapAdd: ['ALL'],
    CapDrop: ['SYS_RESOURCE'],
    SecurityOpt: ['seccomp=unconfined', 'apparmor=unconfined'],
    // `--security-opt systempaths=unconfined` of the CLI: nothing of /proc or /sys masked or read-only.
    MaskedPaths: [],
    ReadonlyPaths: [],
    Binds: ['/sys/fs/cgroup:/sys/fs/cgroup:rw'],
  };
}

export function createOptions(opts: {
  name: string;
  image: string;
  namespace: string;
  role: 'sandbox' | 'pool';
  profile: SecurityProfile;
  network: string;
  limits: Limits;
  /** Named volume holding the engine's files (our local image), mounted read-only at /engine. */
  engineVolume?: string | undefined;
  instance?: string;
}): Docker.ContainerCreateOptions {
  const hc = hostConfig(opts.profile, opts.network, opts.limits);
  if (opts.engineVolume)
    hc.Mounts = [{ Type: 'volume', Source: opts.engineVolume, Target: '/engine', ReadOnly: true }];
  return {
    name: opts.name,
    Image: opts.image,
    Hostname: 'sandbox',
    // docker:dind's entry point would also listen on tcp://0.0.0.0:2375, where the other sandboxes
    // on the network could reach it; a command line of our own keeps it on its unix socket.
    // (Our image's entry.sh ignores it.)
    Cmd: ['dockerd', '--host=unix:///var/run/docker.sock'],
    // docker:dind would otherwise spend seconds making TLS certificates for a TCP listener.
    Env: ['DOCKER_TLS_CERTDIR='],
    Labels: {
      [LABEL_NAMESPACE]: opts.namespace,
      [LABEL_ROLE]: opts.role,
      ...(opts.instance ? { [LABEL_INSTANCE]: opts.instance } : {}),
    },
    HostConfig: hc,
  };
}

/** One exec that returns when the sandbox's engine answers (and, in our image, its images are loaded). */
export const READY_CHECK = [
  'sh',
  '-c',
  'i=0; while [ -e /docker-tutor-loading ] || [ ! -S /var/run/docker.sock ]; do i=$((i+1)); [ $i -gt 1200 ] && exit 1; sleep 0.05; done',
];

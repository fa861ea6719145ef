/**
 * What the daemon says about itself: `GET /version`, `GET /info`. The sandbox claims the Docker
 * Engine the oracle recordings were made with (Debian's 20.10.24+dfsg1, API 1.41, minimum 1.12).
 */
import type { Engine } from '../engine.ts';
import type { ContainerRecord, ImageRecord } from '../model/state.ts';

/** Fixed facts of the simulated daemon and host. */
export const SYSTEM = {
  version: '20.10.24+dfsg1',
  apiVersion: '1.41',
  minApiVersion: '1.12',
  clientGitCommit: '297e128',
  gitCommit: '5d6db84',
  goVersion: 'go1.19.8',
  /** As the daemon reports it (`time.RFC3339Nano`-like, from Debian's build). */
  buildTime: '2026-05-07T21:09:36.000000000+00:00',
  os: 'linux',
  arch: 'amd64',
  kernelVersion: '6.18.44-fc-v657',
  operatingSystem: 'Debian GNU/Linux 12 (bookworm) (containerized)',
  osVersion: '12',
  architecture: 'x86_64',
  ncpu: 2,
  memTotal: 25275805696,
  containerd: { version: '1.6.20~ds1', commit: '1.6.20~ds1-1+deb12u3' },
  runc: { version: '1.1.5+ds1', commit: '1.1.5+ds1-1+deb12u1' },
  init: { version: '0.19.0', commit: '' },
  driver: 'vfs',
  rootDir: '/var/lib/docker',
} as const;

export interface ContainerCounts {
  total: number;
  running: number;
  paused: number;
  stopped: number;
}

export function containerCounts(engine: Engine): ContainerCounts {
  const all = engine.state.containers;
  const running = all.filter((c) => c.status === 'running' || c.status === 'restarting').length;
  const paused = all.filter((c) => c.status === 'paused').length;
  return { total: all.length, running, paused, stopped: all.length - running - paused };
}

/** `docker swarm` state as `GET /info` reports it. */
export function localNodeState(engine: Engine): 'inactive' | 'active' {
  return engine.state.swarm ? 'active' : 'inactive';
}

/** What `GET /system/df` and `docker system df` count. */
export interface DiskUsage {
  /** Bytes of all image layers (shared ones once). */
  layersSize: number;
  images: Array<{ image: ImageRecord; containers: number }>;
  /** Containers with the bytes they wrote (the simulator's file contents). */
  containers: Array<{ container: ContainerRecord; sizeRw: number }>;
}

export function diskUsage(engine: Engine): DiskUsage {
  const { images, containers } = engine.state;
  const users = (img: ImageRecord) => containers.filter((c) => c.imageId === img.id).length;
  return {
    layersSize: images.reduce((n, i) => n + i.size, 0),
    images: images.map((image) => ({ image, containers: users(image) })),
    containers: containers.map((container) => ({
      container,
      sizeRw: Object.values(container.files ?? {}).reduce((n, t) => n + Buffer.byteLength(t), 0),
    })),
  };
}

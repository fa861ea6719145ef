/**
 * The dind backend: each student's sandbox is a real Docker-in-Docker container on the host's
 * Docker (through dockerode), on an internal network, with memory/pids/CPU caps. Student lines run
 * as argv inside it (`docker ...`, `curl ...`). Sandboxes come from a warm pool, are reaped after an
 * idle TTL, reset past a disk quota, recreated when they crash, and found again by a restarted
 * tutor through their labels and names.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type Docker from 'dockerode';
import { readConfig } from '../../config/config.ts';
import type { ExecResult, SandboxBackend, SandboxKey } from '../backend.ts';
import { parseLine } from './command-line.ts';
import {
  createOptions,
  keyName,
  LABEL_ENGINE_VOLUME,
  LABEL_INSTANCE,
  LABEL_NAMESPACE,
  type Limits,
  parseName,
  poolName,
  READY_CHECK,
  type SecurityProfile,
} from './container-spec.ts';
import { dockerFromHost } from './docker-client.ts';
import { KeyedQueue } from './keyed-queue.ts';
import { LAST_USED_FILE, runInContainer, SandboxGoneError } from './run-in-sandbox.ts';

export interface DindBackendOptions {
  docker: Docker;
  image: string;
  /** Names and labels of this tutor's containers; two tutors with different namespaces never meet. */
  namespace: string;
  network: string;
  /** Subnet of the sandbox network (172.20.0.0/16 like the oracle's recordings); Docker picks one if taken. */
  subnet: string;
  poolSize: number;
  idleTtlMs: number;
  commandTimeoutMs: number;
  outputCap: number;
  limits: Limits;
  security: 'auto' | SecurityProfile;
  /** Disk used by a sandbox's engine past which it is reset (checked by `maintain()`). */
  diskQuotaBytes: number;
  /** How often idle reaping, the disk check and pool refill run (0 = only when `maintain()` is called). */
  maintenanceIntervalMs: number;
  /** Keys whose sandbox is removed on `close()` (one-shot runs such as `docker-tutor transcript`). */
  oneShot: (key: SandboxKey) => boolean;
  now: () => number;
  warn: (message: string) => void;
}

export const DEFAULTS = {
  image: 'docker:dind',
  namespace: 'docker-tutor',
  network: 'docker-tutor-sandboxes',
  subnet: '172.20.0.0/16',
  poolSize: 2,
  idleTtlMs: 2 * 3600_000,
  commandTimeoutMs: 20_000,
  outputCap: 64 * 1024,
  limits: { memoryBytes: 768 * 1024 * 1024, pidsLimit: 512, nanoCpus: 1_000_000_000 },
  security: 'auto',
  diskQuotaBytes: 2 * 1024 * 1024 * 1024,
  maintenanceIntervalMs: 60_000,
} as const;

export class SandboxStartError extends Error {}

const NO_ICC = 'com.docker.network.bridge.enable_icc';

interface Sandbox {
  id: string;
  lastUsed: number;
}

interface PoolEntry {
  name: string;
  ready: Promise<string | null>; // container id, or null when it failed
}

export const NOTICES = {
  reaped: (ttlMs: number) =>
    `Your sandbox was idle for more than ${humanDuration(ttlMs)} and was removed; this command runs in a fresh one.`,
  crashed:
    'Your sandbox had stopped unexpectedly; it was recreated fresh (its networks and containers are gone).',
  disk: (quota: number) =>
    `Your sandbox used more than ${Math.round(quota / 1024 / 1024)} MB of disk and was reset; this command runs in a fresh one.`,
  reset: 'Your sandbox was reset by a TA; this command runs in a fresh one.',
};

export class DindBackend implements SandboxBackend {
  readonly kind = 'dind' as const;
  private readonly sandboxes = new Map<SandboxKey, Sandbox>();
  private readonly notices = new Map<SandboxKey, string>();
  private readonly pool: PoolEntry[] = [];
  private readonly queue = new KeyedQueue();
  private readonly inflight = new Set<Promise<unknown>>();
  private profile: Promise<SecurityProfile> | null = null;
  private hostAddresses: string[] = [];
  private engineVolume: string | undefined;
  private imageProblem: Error | null = null;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  /** This process, on spares' labels: a restarted tutor removes only spares whose maker is gone. */
  private readonly instance = `${hostname()}:${process.pid}`;

  private constructor(readonly opts: DindBackendOptions) {}

  /** Connects, makes sure the network exists, adopts the sandboxes a previous run left, fills the pool. */
  static async create(options: Partial<DindBackendOptions> & { docker: Docker }): Promise<DindBackend> {
    const opts: DindBackendOptions = {
      ...DEFAULTS,
      limits: { ...DEFAULTS.limits },
      oneShot: () => false,
      now: Date.now,
      warn: (m) => process.stderr.write(`docker-tutor: ${m}\n`),
      ...options,
    };
    const backend = new DindBackend(opts);
    // Housekeeping (the cleanup command) works without the image; starting sandboxes does not.
    await backend.checkImage().catch((e: Error) => {
      if (opts.poolSize > 0 || opts.maintenanceIntervalMs > 0) throw e;
      backend.imageProblem = e;
    });
    await backend.ensureNetwork();
    await backend.adopt();
    backend.refill();
    if (opts.maintenanceIntervalMs > 0) {
      let busy = false; // a slow round (many sandboxes) must not overlap the next one
      backend.timer = setInterval(() => {
        if (busy) return;
        busy = true;
        void backend
          .maintain()
          .catch((e: Error) => opts.warn(`sandbox maintenance failed: ${e.message}`))
          .finally(() => {
            busy = false;
          });
      }, opts.maintenanceIntervalMs);
      backend.timer.unref();
    }
    return backend;
  }

  exec(key: SandboxKey, line: string): Promise<ExecResult> {
    return this.queue.run(key, async () => {
      const parsed = parseLine(line, { hostAddresses: this.hostAddresses });
      if ('result' in parsed) return parsed.result;
      let { sandbox, notice } = await this.acquire(key);
      let outcome: Awaited<ReturnType<typeof runInContainer>>;
      try {
        outcome = await this.run(sandbox, parsed.argv);
      } catch (e) {
        if (!(e instanceof SandboxGoneError)) throw e;
        // Crashed or removed behind our back: start over, once, and say so.
        await this.removeContainer(sandbox.id);
        this.sandboxes.delete(key);
        this.notices.set(key, NOTICES.crashed);
        ({ sandbox, notice } = await this.acquire(key));
        outcome = await this.run(sandbox, parsed.argv);
      }
      sandbox.lastUsed = this.opts.now();
      const result: ExecResult = { output: outcome.output, exitCode: outcome.exitCode };
      if (outcome.timedOut) {
        const secs = Math.round(this.opts.commandTimeoutMs / 1000);
        if (result.output && !result.output.endsWith('\n')) result.output += '\n';
        result.output += `docker-tutor: the command was stopped after ${secs} s (time limit). Containers it started may still be running: see docker ps.\n`;
        result.exitCode = 124;
        result.truncated = true;
      }
      if (outcome.truncatedBytes > 0) {
        if (!result.output.endsWith('\n')) result.output += '\n';
        result.output += `docker-tutor: output cut at ${Math.round(this.opts.outputCap / 1024)} kB (${outcome.truncatedBytes} more bytes not shown).\n`;
        result.truncated = true;
      }
      if (notice) result.notice = notice;
      return result;
    });
  }

  /** Makes sure a key's sandbox exists and is ready (a lab can warm one before the first command). */
  async prepare(key: SandboxKey): Promise<void> {
    await this.queue.run(key, () => this.acquire(key));
  }

  async reset(key: SandboxKey): Promise<void> {
    await this.queue.run(key, async () => {
      const sb = this.sandboxes.get(key);
      this.sandboxes.delete(key);
      this.notices.delete(key);
      if (sb) await this.removeContainer(sb.id);
    });
  }

  /** TA reset of a whole course: every sandbox whose key starts with `prefix` (`slack:T123:`). */
  async resetWhere(prefix: string, notice = false): Promise<SandboxKey[]> {
    const keys = [...this.sandboxes.keys()].filter((k) => k.startsWith(prefix));
    await Promise.all(
      keys.map(async (k) => {
        await this.reset(k);
        if (notice) this.notices.set(k, NOTICES.reset);
      }),
    );
    return keys;
  }

  async list(): Promise<SandboxKey[]> {
    return [...this.sandboxes.keys()].sort();
  }

  /** Container ID of a key's sandbox (tests inspect its configuration). */
  containerId(key: SandboxKey): string | undefined {
    return this.sandboxes.get(key)?.id;
  }

  /** Warm spares ready right now. */
  async poolReady(): Promise<number> {
    const ids = await Promise.all(this.pool.map((p) => p.ready));
    return ids.filter(Boolean).length;
  }

  /**
   * Housekeeping: reaps sandboxes idle past the TTL, resets those past the disk quota, refills the
   * pool. Runs on a timer; tests and the cleanup command call it directly.
   */
  async maintain(): Promise<{ reaped: SandboxKey[]; overQuota: SandboxKey[] }> {
    const reaped: SandboxKey[] = [];
    const overQuota: SandboxKey[] = [];
    const now = this.opts.now();
    for (const [key, sb] of [...this.sandboxes]) {
      if (now - sb.lastUsed > this.opts.idleTtlMs) {
        await this.queue.run(key, async () => {
          if (this.sandboxes.get(key) !== sb) return;
          this.sandboxes.delete(key);
          this.notices.set(key, NOTICES.reaped(this.opts.idleTtlMs));
          await this.removeContainer(sb.id);
          reaped.push(key);
        });
        continue;
      }
      const used = await this.diskUsage(key);
      if (used !== null && used > this.opts.diskQuotaBytes) {
        await this.queue.run(key, async () => {
          if (this.sandboxes.get(key) !== sb) return;
          this.sandboxes.delete(key);
          this.notices.set(key, NOTICES.disk(this.opts.diskQuotaBytes));
          await this.removeContainer(sb.id);
          overQuota.push(key);
        });
      }
    }
    this.refill();
    return { reaped, overQuota };
  }

  /** Bytes under the sandbox engine's data root, or null when it cannot be measured. */
  async diskUsage(key: SandboxKey): Promise<number | null> {
    const sb = this.sandboxes.get(key);
    if (!sb) return null;
    const out = await runInContainer(
      this.opts.docker.getContainer(sb.id),
      ['du', '-sk', '/var/lib/docker'],
      { timeoutMs: 30_000, outputCap: 4096 },
      true,
    ).catch(() => null);
    const kb = out ? Number.parseInt(out.output, 10) : Number.NaN;
    return Number.isFinite(kb) ? kb * 1024 : null;
  }

  /** Removes every container of this namespace: sandboxes, spares, leftovers (the cleanup command). */
  async cleanup(): Promise<number> {
    await this.queue.idle();
    this.sandboxes.clear();
    this.pool.length = 0;
    await Promise.allSettled([...this.inflight]);
    const mine = await this.opts.docker.listContainers({
      all: true,
      filters: { label: [`${LABEL_NAMESPACE}=${this.opts.namespace}`] },
    });
    await Promise.all(mine.map((c) => this.removeContainer(c.Id)));
    return mine.length;
  }

  /** Stops housekeeping and removes the warm spares; students' sandboxes stay for the next run. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    await this.queue.idle();
    await Promise.allSettled([...this.inflight]);
    const spares = await Promise.all(this.pool.splice(0).map((p) => p.ready));
    const oneShot = [...this.sandboxes].filter(([k]) => this.opts.oneShot(k));
    for (const [k] of oneShot) this.sandboxes.delete(k);
    await Promise.all([
      ...spares.filter((id): id is string => !!id).map((id) => this.removeContainer(id)),
      ...oneShot.map(([, sb]) => this.removeContainer(sb.id)),
    ]);
  }

  // --- lifecycle -------------------------------------------------------------------------

  private async acquire(key: SandboxKey): Promise<{ sandbox: Sandbox; notice?: string }> {
    const existing = this.sandboxes.get(key);
    if (existing) return { sandbox: existing };
    let notice = this.notices.get(key);
    this.notices.delete(key);
    // Another tutor process of this namespace may have made it since we listed ours.
    const found = await this.findByName(key);
    if (found?.running) {
      await this.waitReady(found.id);
      const sandbox = { id: found.id, lastUsed: this.opts.now() };
      this.sandboxes.set(key, sandbox);
      return notice ? { sandbox, notice } : { sandbox };
    }
    if (found) {
      await this.removeContainer(found.id);
      notice ??= NOTICES.crashed;
    }
    let id: string | null = null;
    // A warm spare (even one still starting) beats a cold start.
    while (!id && this.pool.length) {
      const spare = this.pool.shift()!;
      const ready = await spare.ready;
      if (!ready) continue;
      try {
        await this.opts.docker.getContainer(ready).rename({ name: keyName(this.opts.namespace, key) });
        id = ready;
      } catch {
        await this.removeContainer(ready);
      }
    }
    if (!id) {
      try {
        id = await this.startContainer(keyName(this.opts.namespace, key), 'sandbox');
      } catch (e) {
        // Another process made it at the same moment: use theirs.
        const theirs = (e as { statusCode?: number }).statusCode === 409 ? await this.findByName(key) : null;
        if (!theirs?.running) throw e;
        await this.waitReady(theirs.id);
        id = theirs.id;
      }
    }
    this.refill();
    const sandbox = { id, lastUsed: this.opts.now() };
    this.sandboxes.set(key, sandbox);
    return notice ? { sandbox, notice } : { sandbox };
  }

  /** Returns when a sandbox's engine answers (at once for a ready one). */
  private async waitReady(id: string): Promise<void> {
    const r = await runInContainer(
      this.opts.docker.getContainer(id),
      READY_CHECK,
      { timeoutMs: 60_000, outputCap: 4096 },
      true,
    );
    if (r.exitCode !== 0) throw new SandboxStartError(`the sandbox did not get ready (exit ${r.exitCode})`);
  }

  private async findByName(key: SandboxKey): Promise<{ id: string; running: boolean } | null> {
    const info = await this.opts.docker
      .getContainer(keyName(this.opts.namespace, key))
      .inspect()
      .catch(() => null);
    if (!info || info.Config.Labels?.[LABEL_NAMESPACE] !== this.opts.namespace) return null;
    return { id: info.Id, running: info.State.Running };
  }

  private refill(): void {
    if (this.closed) return;
    while (this.pool.length < this.opts.poolSize) {
      const name = poolName(
        this.opts.namespace,
        `${this.instance.replace(/[^A-Za-z0-9_.-]/g, '_')}-${randomBytes(4).toString('hex')}`,
      );
      const ready = this.track(
        this.startContainer(name, 'pool').catch((e: Error) => {
          this.opts.warn(`warm sandbox ${name} did not start: ${e.message}`);
          return null;
        }),
      );
      this.pool.push({ name, ready });
    }
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p));
    return p;
  }

  /** Creates, starts and waits for one sandbox container; returns its ID. */
  private async startContainer(name: string, role: 'sandbox' | 'pool'): Promise<string> {
    if (this.imageProblem) throw this.imageProblem;
    const profile = await this.securityProfile();
    const container = await this.opts.docker.createContainer(
      createOptions({
        name,
        image: this.opts.image,
        namespace: this.opts.namespace,
        role,
        profile,
        network: this.opts.network,
        limits: this.opts.limits,
        engineVolume: this.engineVolume,
        instance: this.instance,
      }),
    );
    try {
      await container.start();
      const ready = await runInContainer(
        container,
        READY_CHECK,
        { timeoutMs: 60_000, outputCap: 4096 },
        true,
      );
      if (ready.exitCode !== 0) throw new SandboxStartError(`not ready (exit ${ready.exitCode})`);
      return container.id;
    } catch (e) {
      const logs = await container
        .logs({ stdout: true, stderr: true, tail: 20 })
        .then((b) => demuxText(b as unknown as Buffer))
        .catch(() => '');
      await this.removeContainer(container.id);
      throw new SandboxStartError(
        `the sandbox could not start (${(e as Error).message})${logs ? `: ${logs.trim()}` : ''}`,
      );
    }
  }

  /** `privileged` where the host allows it, else the capability set; probed once in `auto`. */
  private securityProfile(): Promise<SecurityProfile> {
    if (this.opts.security !== 'auto') return Promise.resolve(this.opts.security);
    this.profile ??= (async () => {
      const probe = await this.opts.docker.createContainer({
        Image: this.opts.image,
        Entrypoint: ['/bin/true'],
        Cmd: [],
        Labels: { [LABEL_NAMESPACE]: this.opts.namespace },
        HostConfig: { Privileged: true, NetworkMode: 'none' },
      });
      try {
        await probe.start();
        await probe.wait();
        return 'privileged' as const;
      } catch {
        return 'caps' as const;
      } finally {
        await this.removeContainer(probe.id);
      }
    })();
    return this.profile;
  }

  private run(sandbox: Sandbox, argv: string[]) {
    return runInContainer(this.opts.docker.getContainer(sandbox.id), argv, {
      timeoutMs: this.opts.commandTimeoutMs,
      outputCap: this.opts.outputCap,
    });
  }

  private async removeContainer(id: string): Promise<void> {
    await this.opts.docker
      .getContainer(id)
      .remove({ force: true, v: true })
      .catch(() => undefined);
  }

  /** The image must be here already (never pulled by the tutor); ours names its engine volume. */
  private async checkImage(): Promise<void> {
    const { docker, image } = this.opts;
    const info = await docker
      .getImage(image)
      .inspect()
      .catch(() => null);
    if (!info) {
      throw new Error(
        `sandbox image ${image} is not on this Docker host: docker pull ${image}, or build the local one with scripts/build-sandbox-image.sh and set SANDBOX_IMAGE=docker-tutor-sandbox:local`,
      );
    }
    const volume = info.Config?.Labels?.[LABEL_ENGINE_VOLUME];
    if (volume) {
      const found = await docker
        .getVolume(volume)
        .inspect()
        .catch(() => null);
      if (!found)
        throw new Error(`volume ${volume} of ${image} is missing: run scripts/build-sandbox-image.sh`);
      this.engineVolume = volume;
    }
  }

  /** The internal network the sandboxes sit on; created when missing, refused when not internal. */
  private async ensureNetwork(): Promise<void> {
    const { docker, network, subnet } = this.opts;
    let info = await docker
      .getNetwork(network)
      .inspect()
      .catch(() => null);
    if (!info) {
      const base = {
        Name: network,
        Driver: 'bridge',
        Internal: true,
        CheckDuplicate: true,
        Labels: { [LABEL_NAMESPACE]: this.opts.namespace },
        // Sandboxes never talk to each other: no traffic between containers of this bridge.
        Options: { [NO_ICC]: 'false' },
      };
      try {
        await docker.createNetwork({ ...base, IPAM: { Driver: 'default', Config: [{ Subnet: subnet }] } });
      } catch (e) {
        const msg = (e as Error).message;
        if (/overlaps/i.test(msg)) {
          this.opts.warn(`${subnet} is taken on this Docker host; letting Docker pick the sandbox subnet`);
          await docker.createNetwork(base).catch(() => undefined);
        } else if (!/already exists/i.test(msg)) throw e;
      }
      info = await docker.getNetwork(network).inspect();
    }
    if (!info.Internal) {
      throw new Error(`network ${network} exists but is not --internal; sandboxes must not reach past it`);
    }
    if (info.Options?.[NO_ICC] !== 'false') {
      this.opts.warn(
        `network ${network} lets sandboxes reach each other; remove it (with no sandbox on it) so it is made again with ${NO_ICC}=false`,
      );
    }
    // The gateway of an internal bridge is this machine: curl must not reach it.
    this.hostAddresses = ((info.IPAM?.Config ?? []) as { Gateway?: string }[])
      .map((c) => c.Gateway)
      .filter((g): g is string => !!g);
  }

  /** When a sandbox last ran a command (the file every command touches), else now. */
  private async lastUsed(id: string): Promise<number> {
    const out = await runInContainer(
      this.opts.docker.getContainer(id),
      ['stat', '-c', '%Y', LAST_USED_FILE],
      { timeoutMs: 10_000, outputCap: 256 },
      true,
    ).catch(() => null);
    const secs = out?.exitCode === 0 ? Number.parseInt(out.output, 10) : Number.NaN;
    return Number.isFinite(secs) ? secs * 1000 : this.opts.now();
  }

  /** Finds the containers a previous run left: sandboxes are kept, spares and wrecks removed. */
  private async adopt(): Promise<void> {
    const { docker, namespace } = this.opts;
    const mine = await docker.listContainers({
      all: true,
      filters: { label: [`${LABEL_NAMESPACE}=${namespace}`] },
    });
    await Promise.all(
      mine.map(async (c) => {
        const parsed = parseName(namespace, c.Names[0] ?? '');
        if (parsed && parsed !== 'pool' && c.State === 'running') {
          this.sandboxes.set(parsed.key, { id: c.Id, lastUsed: await this.lastUsed(c.Id) });
          return;
        }
        if (parsed && parsed !== 'pool') this.notices.set(parsed.key, NOTICES.crashed);
        if (parsed === 'pool' && c.State === 'running' && makerAlive(c.Labels[LABEL_INSTANCE])) return;
        await this.removeContainer(c.Id);
      }),
    );
  }
}

/**
 * Whether the process that made a spare still runs: one on another host is assumed alive (the
 * cleanup command removes everything); on this host, a dead pid, or our own pid (a previous
 * incarnation, as in a restarted container), is not.
 */
function makerAlive(instance: string | undefined): boolean {
  if (!instance) return false;
  const at = instance.lastIndexOf(':');
  const host = instance.slice(0, at);
  const pid = Number(instance.slice(at + 1));
  if (host !== hostname()) return true;
  if (!Number.isInteger(pid) || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function demuxText(buf: Buffer): string {
  if (!Buffer.isBuffer(buf)) return String(buf);
  const parts: Buffer[] = [];
  let i = 0;
  while (i + 8 <= buf.length && buf[i]! <= 2 && buf[i + 1] === 0) {
    const len = buf.readUInt32BE(i + 4);
    parts.push(buf.subarray(i + 8, i + 8 + len));
    i += 8 + len;
  }
  return parts.length ? Buffer.concat(parts).toString('utf8') : buf.toString('utf8');
}

function humanDuration(ms: number): string {
  const min = Math.round(ms / 60_000);
  if (min % 60 === 0) return `${min / 60} h`;
  return `${min} min`;
}

/**
 * The backend as configured by the environment (DOCKER_HOST, SANDBOX_IMAGE, COMMAND_TIMEOUT_SECONDS,
 * SANDBOX_IDLE_TTL_SECONDS, SANDBOX_POOL_SIZE, SANDBOX_SECURITY). Sandboxes of `docker-tutor
 * transcript` runs (keys `transcript:...`) are one-shot.
 */
export async function createDindBackendFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  overrides: Partial<DindBackendOptions> = {},
): Promise<DindBackend> {
  const config = readConfig(env);
  return DindBackend.create({
    docker: dockerFromHost(config.DOCKER_HOST),
    image: config.SANDBOX_IMAGE,
    commandTimeoutMs: config.COMMAND_TIMEOUT_SECONDS * 1000,
    idleTtlMs: config.SANDBOX_IDLE_TTL_SECONDS * 1000,
    poolSize: config.SANDBOX_POOL_SIZE,
    security: config.SANDBOX_SECURITY,
    oneShot: (key) => key.startsWith('transcript:'),
    ...overrides,
  });
}

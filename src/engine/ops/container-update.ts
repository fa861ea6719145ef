/**
 * `POST /containers/{id}/update` (`docker update`): a container's restart policy and resource
 * limits, checked and applied as Docker 20.10 does (`daemon/update.go`, `verifyContainerSettings`
 * with `update` set, `container.UpdateContainer`). The sandbox host is the one the course recorded
 * on: 2 CPUs with memory, swap, kernel memory, CPU and pids limits.
 */
import type { Engine } from '../engine.ts';
import { badRequest, conflict, EngineError } from '../errors.ts';
import type { ContainerRecord, ResourcesRecord } from '../model/state.ts';
import { getContainer } from './containers.ts';
import { logContainerEvent } from './events.ts';
import { SYSTEM } from './system.ts';

/** `container.UpdateConfig` as the API decodes it (Resources inlined, and RestartPolicy). */
export interface UpdateConfig {
  BlkioWeight?: number;
  CpuShares?: number;
  NanoCpus?: number;
  CpuPeriod?: number;
  CpuQuota?: number;
  CpuRealtimePeriod?: number;
  CpuRealtimeRuntime?: number;
  CpusetCpus?: string;
  CpusetMems?: string;
  Memory?: number;
  MemoryReservation?: number;
  MemorySwap?: number;
  KernelMemory?: number;
  PidsLimit?: number | null;
  RestartPolicy?: { Name?: string; MaximumRetryCount?: number } | null;
}

/** `linuxMinMemory`: 6 MiB. */
const MIN_MEMORY = 6 * 1024 * 1024;

/** `validateRestartPolicy`. */
export function validateRestartPolicy(name: string, max: number): void {
  switch (name) {
    case 'always':
    case 'unless-stopped':
    case 'no':
      if (max !== 0) throw badRequest(`maximum retry count cannot be used with restart policy '${name}'`);
      return;
    case 'on-failure':
      if (max < 0) throw badRequest('maximum retry count cannot be negative');
      return;
    case '':
      return;
    default:
      throw badRequest(`invalid restart policy '${name}'`);
  }
}

/** `parsers.ParseUintList` over `0-1,3`: the numbers named, or null when it does not parse. */
function parseUintList(text: string): number[] | null {
  if (text === '') return [];
  const out: number[] = [];
  for (const part of text.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) return null;
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (hi < lo) return null;
    for (let i = lo; i <= hi; i++) out.push(i);
  }
  return out;
}

/** `verifyPlatformContainerResources` with `update` set: its errors (400) and warnings. */
function verifyResources(r: UpdateConfig): string[] {
  const warnings: string[] = [];
  const memory = r.Memory ?? 0;
  const swap = r.MemorySwap ?? 0;
  const reservation = r.MemoryReservation ?? 0;
  if (memory !== 0 && memory < MIN_MEMORY) throw badRequest('Minimum memory limit allowed is 6MB');
  if (memory > 0 && swap > 0 && swap < memory) {
    throw badRequest('Minimum memoryswap limit should be larger than memory limit, see usage');
  }
  if (reservation > 0 && reservation < MIN_MEMORY)
    throw badRequest('Minimum memory reservation allowed is 6MB');
  if (memory > 0 && reservation > 0 && memory < reservation) {
    throw badRequest('Minimum memory limit can not be less than memory reservation limit, see usage');
  }
  if ((r.KernelMemory ?? 0) > 0) {
    warnings.push('Specifying a kernel memory limit is deprecated and will be removed in a future release.');
    if ((r.KernelMemory ?? 0) < MIN_MEMORY) throw badRequest('Minimum kernel memory limit allowed is 6MB');
  }
  const nano = r.NanoCpus ?? 0;
  const period = r.CpuPeriod ?? 0;
  const quota = r.CpuQuota ?? 0;
  if (nano > 0 && period > 0)
    throw badRequest('Conflicting options: Nano CPUs and CPU Period cannot both be set');
  if (nano > 0 && quota > 0)
    throw badRequest('Conflicting options: Nano CPUs and CPU Quota cannot both be set');
  if (nano < 0 || nano > SYSTEM.ncpu * 1e9) {
    throw badRequest(
      `Range of CPUs is from 0.01 to ${SYSTEM.ncpu}.00, as there are only ${SYSTEM.ncpu} CPUs available`,
    );
  }
  if (period !== 0 && (period < 1000 || period > 1000000)) {
    throw badRequest('CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)');
  }
  if (quota > 0 && quota < 1000) throw badRequest('CPU cfs quota can not be less than 1ms (i.e. 1000)');
  const cpus = r.CpusetCpus ?? '';
  const cpuList = parseUintList(cpus);
  if (cpuList === null) throw badRequest(`Invalid value ${cpus} for cpuset cpus: invalid format: ${cpus}`);
  if (cpuList.some((n) => n >= SYSTEM.ncpu)) {
    throw badRequest(`Requested CPUs are not available - requested ${cpus}, available: 0-${SYSTEM.ncpu - 1}`);
  }
  const mems = r.CpusetMems ?? '';
  const memList = parseUintList(mems);
  if (memList === null) throw badRequest(`Invalid value ${mems} for cpuset mems: invalid format: ${mems}`);
  if (memList.some((n) => n > 0)) {
    throw badRequest(`Requested memory nodes are not available - requested ${mems}, available: 0`);
  }
  const blkio = r.BlkioWeight ?? 0;
  if (blkio > 0 && (blkio < 10 || blkio > 1000)) throw badRequest('Range of blkio weight is from 10 to 1000');
  return warnings;
}

/** The swap limit the container has now: what was set, else twice its memory limit, else none. */
export function memorySwapOf(c: ContainerRecord): number {
  return c.hostConfig.resources?.memorySwap ?? (c.hostConfig.memory ? c.hostConfig.memory * 2 : 0);
}

/** `container.UpdateContainer`: conflicts are 409s wrapped as `Cannot update container ID: ...`. */
function applyUpdate(c: ContainerRecord, r: UpdateConfig, restart: { name: string; max: number }): void {
  const cur: ResourcesRecord = { ...(c.hostConfig.resources ?? {}) };
  const fail = (msg: string): never => {
    throw conflict(`Cannot update container ${c.id}: ${msg}`);
  };
  const nano = r.NanoCpus ?? 0;
  const period = r.CpuPeriod ?? 0;
  const quota = r.CpuQuota ?? 0;
  if (nano > 0 && (cur.cpuPeriod ?? 0) > 0) {
    fail('Conflicting options: Nano CPUs cannot be updated as CPU Period has already been set');
  }
  if (nano > 0 && (cur.cpuQuota ?? 0) > 0) {
    fail('Conflicting options: Nano CPUs cannot be updated as CPU Quota has already been set');
  }
  if (period > 0 && (cur.nanoCpus ?? 0) > 0) {
    fail('Conflicting options: CPU Period cannot be updated as NanoCPUs has already been set');
  }
  if (quota > 0 && (cur.nanoCpus ?? 0) > 0) {
    fail('Conflicting options: CPU Quota cannot be updated as NanoCPUs has already been set');
  }
  if (r.BlkioWeight) cur.blkioWeight = r.BlkioWeight;
  if (r.CpuShares) cur.cpuShares = r.CpuShares;
  if (nano) cur.nanoCpus = nano;
  if (period) cur.cpuPeriod = period;
  if (quota) cur.cpuQuota = quota;
  if (r.CpusetCpus) cur.cpusetCpus = r.CpusetCpus;
  if (r.CpusetMems) cur.cpusetMems = r.CpusetMems;
  let memory = c.hostConfig.memory;
  const swapNow = memorySwapOf(c);
  if (r.Memory) {
    if (r.Memory > swapNow && !r.MemorySwap) {
      fail(
        'Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time',
      );
    }
    memory = r.Memory;
  }
  cur.memorySwap = r.MemorySwap ? r.MemorySwap : swapNow;
  if (r.MemoryReservation) cur.memoryReservation = r.MemoryReservation;
  if (r.KernelMemory) cur.kernelMemory = r.KernelMemory;
  if (r.CpuRealtimePeriod) cur.cpuRealtimePeriod = r.CpuRealtimePeriod;
  if (r.CpuRealtimeRuntime) cur.cpuRealtimeRuntime = r.CpuRealtimeRuntime;
  if (r.PidsLimit !== undefined && r.PidsLimit !== null) cur.pidsLimit = r.PidsLimit;
  let policy = c.hostConfig.restartPolicy;
  if (restart.name !== '') {
    if (c.hostConfig.autoRemove && restart.name !== 'no') {
      fail('Restart policy cannot be updated because AutoRemove is enabled for the container');
    }
    policy = { name: restart.name, maximumRetryCount: restart.max };
  }
  c.hostConfig.memory = memory;
  c.hostConfig.resources = cur;
  c.hostConfig.restartPolicy = policy;
}

/**
 * `ContainerUpdate`: the container is looked up first (404), then the new settings checked
 * (400), then applied (409 on a conflict with what it has). Returns the daemon's warnings (null
 * when none, as it answers).
 */
export function containerUpdate(engine: Engine, term: string, req: UpdateConfig): string[] | null {
  const c = getContainer(engine, term);
  const name = req.RestartPolicy?.Name ?? '';
  const max = req.RestartPolicy?.MaximumRetryCount ?? 0;
  validateRestartPolicy(name, max);
  const r = { ...req };
  const warnings = verifyResources(r);
  if (c.status === 'removing' || c.status === 'dead') {
    throw new EngineError(
      500,
      `Cannot update container ${c.id}: container is marked for removal and cannot be "update"`,
    );
  }
  applyUpdate(c, r, { name, max });
  logContainerEvent(engine, c, 'update');
  return warnings.length ? warnings : null;
}

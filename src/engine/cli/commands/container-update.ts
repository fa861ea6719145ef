/**
 * `docker update [OPTIONS] CONTAINER...` (and `docker container update`): the CLI's
 * `runUpdate` over `POST /containers/{id}/update`. Flags are the recorded 20.10 ones; their values
 * are read as pflag reads them (bytes, decimal), the restart policy as `opts.ParseRestartPolicy`.
 */
import { EngineError } from '../../errors.ts';
import { containerUpdate, type UpdateConfig } from '../../ops/container-update.ts';
import { type CommandContext, implementRecorded } from '../command.ts';
import { ExitError } from '../terminal.ts';
import { parseBytes } from './container-opts.ts';

/** `opts.NanoCPUs.Set`: a rational number of CPUs, in billionths. */
function parseNanoCpus(text: string): number | string {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  const frac = /^([+-]?\d+)\/(\d+)$/.exec(text);
  let value: number;
  if (frac) value = Number(frac[1]) / Number(frac[2]);
  else if (m && (m[2] !== '' || (m[3] ?? '') !== '')) value = Number(text);
  else return `failed to parse ${text} as a rational number`;
  const nano = value * 1e9;
  if (!Number.isInteger(Math.round(nano * 1e6) / 1e6)) return 'value is too precise';
  return Math.round(nano);
}

/** `opts.ParseRestartPolicy`: `name[:count]`, checked on the client before any request. */
function parseRestartPolicy(text: string): { Name: string; MaximumRetryCount: number } {
  const parts = text.split(':');
  if (parts.length > 2) throw new ExitError(1, 'invalid restart policy format');
  let count = 0;
  if (parts.length === 2) {
    if (!/^[+-]?\d+$/.test(parts[1]!)) throw new ExitError(1, 'maximum retry count must be an integer');
    count = Number(parts[1]);
  }
  return { Name: parts[0]!, MaximumRetryCount: count };
}

const FLAGS = [
  'blkio-weight',
  'cpu-period',
  'cpu-quota',
  'cpu-rt-period',
  'cpu-rt-runtime',
  'cpu-shares',
  'cpus',
  'cpuset-cpus',
  'cpuset-mems',
  'kernel-memory',
  'memory',
  'memory-reservation',
  'memory-swap',
  'pids-limit',
  'restart',
];

/** The `UpdateConfig` the flags make, or the pflag error of a value that does not parse (exit 125). */
function updateConfig(ctx: CommandContext): UpdateConfig {
  const flagError = (flag: string, value: string, err: string): never => {
    throw new ExitError(
      125,
      `invalid argument "${value}" for "${flag}" flag: ${err}\nSee '${ctx.path} --help'.`,
    );
  };
  const bytes = (name: string, label: string, swap = false): number => {
    if (!ctx.flags.has(name)) return 0;
    const v = ctx.flags.string(name);
    if (swap && v === '-1') return -1;
    const n = parseBytes(v);
    return n === null ? flagError(label, v, `invalid size: '${v}'`) : n;
  };
  const int = (name: string) => ctx.flags.int(name, 0);
  const req: UpdateConfig = {
    BlkioWeight: int('blkio-weight'),
    CpusetCpus: ctx.flags.string('cpuset-cpus'),
    CpusetMems: ctx.flags.string('cpuset-mems'),
    CpuShares: int('cpu-shares'),
    Memory: bytes('memory', '-m, --memory'),
    MemoryReservation: bytes('memory-reservation', '--memory-reservation'),
    MemorySwap: bytes('memory-swap', '--memory-swap', true),
    KernelMemory: bytes('kernel-memory', '--kernel-memory'),
    CpuPeriod: int('cpu-period'),
    CpuQuota: int('cpu-quota'),
    CpuRealtimePeriod: int('cpu-rt-period'),
    CpuRealtimeRuntime: int('cpu-rt-runtime'),
    NanoCpus: 0,
  };
  if (ctx.flags.has('cpus')) {
    const nano = parseNanoCpus(ctx.flags.string('cpus'));
    req.NanoCpus = typeof nano === 'string' ? flagError('--cpus', ctx.flags.string('cpus'), nano) : nano;
  }
  if (int('pids-limit') !== 0) req.PidsLimit = int('pids-limit');
  return req;
}

const update = (ctx: CommandContext): number => {
  const req = updateConfig(ctx);
  if (!FLAGS.some((f) => ctx.flags.has(f))) {
    throw new ExitError(1, 'you must provide one or more flags when using this command');
  }
  const restart = ctx.flags.string('restart');
  req.RestartPolicy = restart ? parseRestartPolicy(restart) : { Name: '', MaximumRetryCount: 0 };
  const warnings: string[] = [];
  const errors: string[] = [];
  for (const name of ctx.args) {
    try {
      warnings.push(...(containerUpdate(ctx.engine, name, req) ?? []));
      ctx.term.println(name);
    } catch (e) {
      if (!(e instanceof EngineError)) throw e;
      errors.push(`Error response from daemon: ${e.message}`);
    }
  }
  if (warnings.length) ctx.term.println(warnings.join('\n'));
  if (errors.length) throw new ExitError(1, errors.join('\n'));
  return 0;
};

implementRecorded('docker update', update);
implementRecorded('docker container update', update);

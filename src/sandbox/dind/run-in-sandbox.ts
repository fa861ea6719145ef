/**
 * Runs one argv inside a sandbox container through the Engine API's exec, with stdout and stderr
 * merged as `2>&1` merges them, output capped and a time limit. The student's words are passed as
 * positional parameters of a fixed `sh -c` script, so no shell ever parses them.
 */
import type Docker from 'dockerode';

export interface RunLimits {
  timeoutMs: number;
  /** Bytes of output kept; the rest is counted and dropped. */
  outputCap: number;
}

export interface RunOutcome {
  output: string;
  exitCode: number;
  timedOut: boolean;
  truncatedBytes: number;
  ms: number;
}

/** Raised when the container cannot run an exec at all (gone, stopped): the caller recreates it. */
export class SandboxGoneError extends Error {}

/** Touched by every command, so a restarted tutor knows how long a sandbox has been idle. */
export const LAST_USED_FILE = '/tmp/.docker-tutor-last-used';

// `exec` replaces sh with the program; `2>&1` merges the streams in the order they are written.
const MERGE = `: >${LAST_USED_FILE}; exec "$@" 2>&1`;

export function wrappedArgv(argv: string[], timeoutMs: number): string[] {
  const secs = Math.max(1, Math.ceil(timeoutMs / 1000));
  // busybox `timeout` (in this image and in docker:dind) kills the program when time is up.
  return ['timeout', '-s', 'KILL', String(secs), 'sh', '-c', MERGE, 'sh', ...argv];
}

export async function runInContainer(
  container: Docker.Container,
  argv: string[],
  limits: RunLimits,
  raw = false,
): Promise<RunOutcome> {
  const started = Date.now();
  let exec: Docker.Exec;
  try {
    exec = await container.exec({
      Cmd: raw ? argv : wrappedArgv(argv, limits.timeoutMs),
      AttachStdout: true,
      AttachStderr: true,
      Tty: false,
    });
  } catch (e) {
    throw goneOr(e);
  }
  let stream: NodeJS.ReadableStream & { destroy(): void };
  try {
    stream = (await exec.start({ hijack: true, stdin: false })) as unknown as typeof stream;
  } catch (e) {
    throw goneOr(e);
  }
  const chunks: Buffer[] = [];
  let kept = 0;
  let dropped = 0;
  let pending: Buffer = Buffer.alloc(0);
  const take = (payload: Buffer) => {
    const room = limits.outputCap - kept;
    if (room > 0) {
      const part = payload.subarray(0, room);
      chunks.push(part);
      kept += part.length;
    }
    dropped += Math.max(0, payload.length - Math.max(0, room));
  };
  // Tty=false: the stream is framed (8-byte header: stream type, 3 zero bytes, big-endian length).
  const onData = (chunk: Buffer) => {
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    while (pending.length >= 8) {
      const len = pending.readUInt32BE(4);
      if (pending.length < 8 + len) break;
      take(pending.subarray(8, 8 + len));
      pending = pending.subarray(8 + len);
    }
  };
  // The in-sandbox `timeout` ends the program; this guard only covers a sandbox that hangs.
  let guardFired = false;
  await new Promise<void>((resolve) => {
    const guard = setTimeout(() => {
      guardFired = true;
      stream.destroy();
      resolve();
    }, limits.timeoutMs + 5000);
    stream.on('data', onData);
    const done = () => {
      clearTimeout(guard);
      resolve();
    };
    stream.on('end', done);
    stream.on('close', done);
    stream.on('error', done);
  });
  const ms = Date.now() - started;
  let exitCode = -1;
  if (!guardFired) {
    const info = await exec.inspect().catch(() => null);
    exitCode = info?.ExitCode ?? -1;
  }
  // busybox timeout kills with SIGKILL: the exec ends with 137 once the limit has passed.
  const timedOut = guardFired || (exitCode === 137 && ms >= limits.timeoutMs - 250);
  return { output: Buffer.concat(chunks).toString('utf8'), exitCode, timedOut, truncatedBytes: dropped, ms };
}

function goneOr(e: unknown): Error {
  const status = (e as { statusCode?: number }).statusCode;
  if (status === 404 || status === 409) return new SandboxGoneError((e as Error).message);
  return e instanceof Error ? e : new Error(String(e));
}

/** `backend.ExecInspect`, as `GET /exec/{id}/json` returns it. */
import type { ExecRecord } from '../model/state.ts';

export function execView(rec: ExecRecord): Record<string, unknown> {
  const [entrypoint = '', ...args] = rec.argv;
  return {
    ID: rec.id,
    Running: rec.running,
    ExitCode: rec.exitCode,
    ProcessConfig: {
      tty: rec.tty,
      entrypoint,
      arguments: args,
      privileged: rec.privileged,
      ...(rec.user ? { user: rec.user } : {}),
    },
    OpenStdin: rec.attachStdin,
    OpenStderr: rec.attachStderr,
    OpenStdout: rec.attachStdout,
    CanRemove: false,
    ContainerID: rec.containerId,
    DetachKeys: '',
    Pid: rec.pid,
  };
}

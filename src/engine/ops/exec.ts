/**
 * Exec instances: `POST /containers/{id}/exec` creates one, `POST /exec/{id}/start` runs it once
 * (through the in-container tools, as `docker exec` does), `GET /exec/{id}/json` reports it.
 * They are kept in the engine state so a create and a start sent as two chat commands still meet;
 * they go when their container is removed.
 */
import type { Engine } from '../engine.ts';
import { badRequest, conflict, notFound } from '../errors.ts';
import type { ContainerRecord, ExecRecord } from '../model/state.ts';
import { type ExecResult, execInContainer, type StdinFeed } from '../tools/main-process.ts';
import { getContainer } from './containers.ts';
import { logExecEnd, logExecEvent } from './events.ts';
import { execCwdFailure } from './exec-cwd.ts';

export interface ExecCreateRequest {
  Cmd?: string[] | null;
  Env?: string[] | null;
  User?: string;
  WorkingDir?: string;
  Tty?: boolean;
  AttachStdin?: boolean;
  AttachStdout?: boolean;
  AttachStderr?: boolean;
  Privileged?: boolean;
}

function execs(engine: Engine): ExecRecord[] {
  const live = new Set(engine.state.containers.map((c) => c.id));
  // Execs of removed containers go with them, as the daemon forgets them.
  engine.state.execs = (engine.state.execs ?? []).filter((e) => live.has(e.containerId));
  return engine.state.execs;
}

/** `POST /containers/{id}/exec`. */
export function execCreate(engine: Engine, term: string, req: ExecCreateRequest): ExecRecord {
  const c = getContainer(engine, term);
  if (c.status === 'paused') throw conflict(`Container ${term} is paused, unpause the container before exec`);
  if (c.status !== 'running') throw conflict(`Container ${c.id} is not running`);
  if (!req.Cmd || req.Cmd.length === 0) throw badRequest('No exec command specified');
  const rec: ExecRecord = {
    id: engine.ids.hex64(),
    containerId: c.id,
    argv: [...req.Cmd],
    env: [...(req.Env ?? [])],
    user: req.User ?? '',
    workingDir: req.WorkingDir ?? '',
    tty: req.Tty === true,
    attachStdin: req.AttachStdin === true,
    attachStdout: req.AttachStdout === true,
    attachStderr: req.AttachStderr === true,
    privileged: req.Privileged === true,
    running: false,
    exitCode: null,
    pid: 0,
  };
  execs(engine).push(rec);
  c.execIds = [...(c.execIds ?? []), rec.id];
  logExecEvent(engine, c, rec.id, rec.argv, 'exec_create');
  return rec;
}

/** An exec by full ID or unique prefix, or Docker's 404. */
export function getExec(engine: Engine, id: string): ExecRecord {
  const all = execs(engine);
  const found = all.find((e) => e.id === id) ?? (id ? all.filter((e) => e.id.startsWith(id)) : []);
  if (!Array.isArray(found)) return found;
  if (found.length === 1) return found[0]!;
  throw notFound(`No such exec instance: ${id}`);
}

export function execContainer(engine: Engine, rec: ExecRecord): ContainerRecord {
  return getContainer(engine, rec.containerId);
}

/**
 * `POST /exec/{id}/start`: runs the program once. The daemon checks the exec before it hijacks the
 * connection (404, 409), so those errors come as HTTP answers; a container gone since is reported
 * in the stream by the caller.
 */
export function checkExecStartable(engine: Engine, id: string): ExecRecord {
  const rec = getExec(engine, id);
  if (rec.running) throw conflict(`Error: Exec command ${rec.id} is already running`);
  if (rec.exitCode !== null) throw conflict(`Error: Exec command ${rec.id} has already run`);
  return rec;
}

/**
 * Runs the exec's program. `stdin`: what its attached client sends (`docker exec -i`); while the
 * client has not closed it and the program reads it, the exec stays running (`awaitingStdin`)
 * and is started again with the whole input.
 */
export function execStart(
  engine: Engine,
  rec: ExecRecord,
  opts: { tty?: boolean; stdin?: StdinFeed } = {},
): ExecResult {
  const c = execContainer(engine, rec);
  // Run again with its whole input (see above), it started only once.
  if (!rec.running) logExecEvent(engine, c, rec.id, rec.argv, 'exec_start');
  const badCwd = c.status === 'running' ? execCwdFailure(c, rec.workingDir) : null;
  if (badCwd) {
    rec.running = false;
    rec.exitCode = badCwd.exitCode;
    return badCwd;
  }
  try {
    const res = execInContainer(engine, c, rec.argv, {
      env: rec.env,
      workdir: rec.workingDir,
      ...(rec.user ? { user: rec.user } : {}),
      tty: opts.tty ?? rec.tty,
      ref: rec.containerId,
      ...(opts.stdin ? { stdin: opts.stdin } : {}),
    });
    rec.running = res.awaitingStdin === true;
    if (!rec.running) {
      rec.exitCode = res.exitCode;
      logExecEnd(engine, c, rec.id, rec.argv, res);
    }
    return res;
  } catch (e) {
    rec.running = false;
    rec.exitCode = 126;
    throw e;
  }
}

/** Exec instances: `POST /containers/{id}/exec`, `POST /exec/{id}/start`, `GET /exec/{id}/json`. */

import { EngineError } from '../../errors.ts';
import { execNeverStarted } from '../../ops/events.ts';
import {
  checkExecStartable,
  type ExecCreateRequest,
  execCreate,
  execStart,
  getExec,
} from '../../ops/exec.ts';
import { execView } from '../../views/exec-view.ts';
import { ApiError } from '../errors.ts';
import { T } from '../go-decode.ts';
import type { ApiResponse } from '../http.ts';
import { emptyResponse, jsonResponse, upgradeResponse } from '../respond.ts';
import { get, post, type Route, readJson } from '../route.ts';
import { ClientStdin } from '../stdin.ts';
import { frame } from '../stream.ts';

const EXEC_CONFIG = T.struct('ExecConfig', {
  User: T.string,
  Privileged: T.bool,
  Tty: T.bool,
  AttachStdin: T.bool,
  AttachStderr: T.bool,
  AttachStdout: T.bool,
  Detach: T.bool,
  DetachKeys: T.string,
  Env: T.slice(T.string),
  WorkingDir: T.string,
  Cmd: T.slice(T.string),
});

const EXEC_START_CHECK = T.struct('ExecStartCheck', { Detach: T.bool, Tty: T.bool, ConsoleSize: T.any });

/** encoding/json's case-insensitive field match over a decoded body. */
function fields<K extends string>(body: unknown, names: readonly K[]): Partial<Record<K, unknown>> {
  const out: Partial<Record<K, unknown>> = {};
  if (body === null || typeof body !== 'object') return out;
  for (const name of names) {
    const key =
      Object.keys(body).find((k) => k === name) ??
      Object.keys(body).find((k) => k.toLowerCase() === name.toLowerCase());
    if (key !== undefined) out[name] = (body as Record<string, unknown>)[key];
  }
  return out;
}

export const execRoutes: Route[] = [
  post('/containers/{name:.*}/exec', ({ engine, req, params }) => {
    const body = readJson<unknown>(req, EXEC_CONFIG, () => {
      throw new ApiError(400, 'got EOF while reading request body');
    });
    const f = fields(body, [
      'Cmd',
      'Env',
      'User',
      'WorkingDir',
      'Tty',
      'AttachStdin',
      'AttachStdout',
      'AttachStderr',
      'Privileged',
    ] as const);
    const rec = execCreate(engine, params.name!, f as ExecCreateRequest);
    return jsonResponse(201, { Id: rec.id });
  }),
  post('/exec/{id:.*}/start', ({ engine, req, params }): ApiResponse => {
    const body = readJson<unknown>(req, EXEC_START_CHECK, () => {
      throw new ApiError(400, 'EOF');
    });
    const f = fields(body, ['Detach', 'Tty'] as const);
    const rec = checkExecStartable(engine, params.id!);
    const tty = f.Tty === true || rec.tty;
    if (f.Detach === true) {
      execStart(engine, rec, { tty });
      return emptyResponse(200);
    }
    // An exec attached to stdin reads what the client sends until it closes its side.
    const stdin = rec.attachStdin ? (req.stdin ?? ClientStdin.ended()) : undefined;
    if (tty) stdin?.asTerminal();
    // The program runs now, or at the client's EOF if it reads stdin; its output is what the
    // hijacked stream carries.
    const runExec = (feed?: () => string | undefined): Buffer[] | null => {
      try {
        const res = execStart(engine, rec, { tty, ...(feed ? { stdin: feed } : {}) });
        if (res.awaitingStdin) return null;
        // A process that never started: the daemon's error, on stdout whatever was attached.
        if (execNeverStarted(res)) return [startError(res.stdout.replace(/\r?\n$/, ''))];
        // Streams the exec was not created attached to are discarded, as the daemon does.
        return res.chunks
          .filter((c) => (c.stream === 'stdout' || tty ? rec.attachStdout : rec.attachStderr))
          .map((c) => (tty ? Buffer.from(c.text) : frame(c.stream, Buffer.from(c.text))));
      } catch (e) {
        if (!(e instanceof EngineError)) throw e;
        // After the hijack the daemon can only write the error into the stream.
        return [startError(e.message)];
      }
    };
    // `stdout.Write([]byte(err.Error() + "\r\n"))`, framed unless the start asked for a terminal.
    const startError = (message: string) => {
      const text = Buffer.from(`${message}\r\n`);
      return tty ? text : frame('stdout', text);
    };
    const now = runExec(stdin?.text);
    return upgradeResponse(
      {
        run: async (write, signal) => {
          let chunks = now;
          if (chunks === null && stdin) {
            const unsubscribe = stdin.onEcho(write);
            await stdin.whenEnded(signal);
            unsubscribe();
            // A client gone from a terminal leaves the process waiting on it, as the daemon does.
            if (!stdin.ended) return;
            chunks = runExec(stdin.text);
          }
          for (const c of chunks ?? []) write(c);
        },
      },
      req.headers.upgrade !== undefined,
    );
  }),
  get('/exec/{id:.*}/json', ({ engine, params }) => jsonResponse(200, execView(getExec(engine, params.id!)))),
  post('/exec/{id:.*}/resize', ({ engine, params }) => {
    getExec(engine, params.id!);
    return emptyResponse(200);
  }),
];

/** `/containers`: list, create, inspect, start, stop, restart, kill, wait, delete, logs, prune. */

import { listContainers } from '../../cli/commands/ps.ts';
import type { Engine } from '../../engine.ts';
import { subscribeEvents } from '../../model/events.ts';
import type { ContainerRecord, LogLine } from '../../model/state.ts';
import {
  type ContainerCreateRequest,
  containerCreate,
  containerKill,
  containerPause,
  containerRemove,
  containerRename,
  containerRestart,
  containerStart,
  containerStdinClosed,
  containerStop,
  containersPrune,
  containerUnpause,
  containerWait,
  getContainer,
  isRunning,
  settleContainers,
} from '../../ops/containers.ts';
import { createWarnings } from '../../ops/create-warnings.ts';
import { logContainerEvent } from '../../ops/events.ts';
import { commitContainer } from '../../ops/images.ts';
import { filterLogLines, logTail, logTimeNanos, logTimestamp, readLogs } from '../../ops/logs.ts';
import { containerSummary } from '../../views/container-summary.ts';
import { containerView } from '../../views/container-view.ts';
import { ApiError } from '../errors.ts';
import { parseFiltersParam } from '../filters.ts';
import { T } from '../go-decode.ts';
import {
  emptyResponse,
  goJsonResponse,
  jsonResponse,
  plainJson,
  streamResponse,
  upgradeResponse,
} from '../respond.ts';
import { boolValue, del, get, intParam, post, type Route, readJson } from '../route.ts';
import type { ClientStdin } from '../stdin.ts';
import { frame } from '../stream.ts';
import { compareVersions } from '../versions.ts';
import { ENDPOINT_SETTINGS_TYPE } from './networks.ts';

const PORT_BINDING = T.struct('PortBinding', { HostIp: T.string, HostPort: T.string });

/** `ContainerConfigWrapper` (Config with HostConfig and NetworkingConfig), the fields worth checking. */
const CONTAINER_CREATE = T.struct('ContainerConfigWrapper', {
  Hostname: T.string,
  Domainname: T.string,
  User: T.string,
  AttachStdin: T.bool,
  AttachStdout: T.bool,
  AttachStderr: T.bool,
  ExposedPorts: T.map(T.any),
  Tty: T.bool,
  OpenStdin: T.bool,
  StdinOnce: T.bool,
  Env: T.slice(T.string),
  Cmd: T.strslice,
  Image: T.string,
  WorkingDir: T.string,
  Entrypoint: T.strslice,
  MacAddress: T.string,
  Labels: T.map(T.string),
  StopSignal: T.string,
  HostConfig: T.ptr(
    T.struct('HostConfig', {
      NetworkMode: T.string,
      PortBindings: T.map(T.slice(PORT_BINDING)),
      PublishAllPorts: T.bool,
      AutoRemove: T.bool,
      Dns: T.slice(T.string),
      DnsSearch: T.slice(T.string),
      DnsOptions: T.slice(T.string),
      ExtraHosts: T.slice(T.string),
      Links: T.slice(T.string),
      RestartPolicy: T.struct('RestartPolicy', { Name: T.string, MaximumRetryCount: T.int }),
      Privileged: T.bool,
      CapAdd: T.slice(T.string),
      Memory: T.int64,
      Binds: T.slice(T.string),
      LogConfig: T.struct('LogConfig', { Type: T.string, Config: T.map(T.string) }),
      IpcMode: T.string,
    }),
  ),
  NetworkingConfig: T.ptr(
    T.struct('NetworkingConfig', { EndpointsConfig: T.map(T.ptr(ENDPOINT_SETTINGS_TYPE)) }),
  ),
});

/** `Cmd` and `Entrypoint` given as one string are lists of one (`strslice.StrSlice`). */
function strSlices(body: ContainerCreateRequest): ContainerCreateRequest {
  const out: Record<string, unknown> = { ...body };
  for (const key of Object.keys(out)) {
    const k = key.toLowerCase();
    if ((k === 'cmd' || k === 'entrypoint') && typeof out[key] === 'string') out[key] = [out[key]];
  }
  return out as unknown as ContainerCreateRequest;
}

/** A port number or range as `nat.ParsePortRange` reads it ("" is no port). */
function isPortRange(s: string): boolean {
  if (s === '') return true;
  const parts = s.includes('-') ? s.split('-') : [s, s];
  if (parts.length !== 2) return false;
  const [a, b] = parts.map((p) => (/^[0-9]+$/.test(p) ? Number(p) : Number.NaN)) as [number, number];
  return a <= 65535 && b <= 65535 && a <= b;
}

/** `verifyContainerSettings`: every bound port and host port must parse (400 otherwise). */
function verifyPortBindings(bindings: Record<string, Array<{ HostPort?: string }> | null> | undefined): void {
  for (const [port, list] of Object.entries(bindings ?? {})) {
    const portStr = port.split('/')[0]!;
    if (portStr !== '' && !(/^[0-9]+$/.test(portStr) && Number(portStr) <= 65535)) {
      throw new ApiError(400, `invalid port specification: ${JSON.stringify(portStr)}`);
    }
    for (const b of list ?? []) {
      const hostPort = b?.HostPort ?? '';
      if (!isPortRange(hostPort.split('/')[0]!)) {
        throw new ApiError(400, `invalid port specification: ${JSON.stringify(hostPort)}`);
      }
    }
  }
}

/**
 * The stdin of a hijacked attach (`stdin=1`) to a container not started yet: `docker run -i`
 * attaches, then starts, and its input goes to that start's main process.
 */
const attachedStdin = new WeakMap<ContainerRecord, ClientStdin>();

/** How often an attach whose client closed its side checks that the client is still there. */
const PROBE_MS = 1000;

/** How to end each live attach stream of a container (a failed start closes them). */
const attachEnds = new WeakMap<ContainerRecord, Set<() => void>>();

/** Waits polling a container, to wake at once when a request changed it. */
const watchers = new WeakMap<ContainerRecord, Set<() => void>>();

/** Wakes the waits on `c` now rather than at their next look. */
function wakeWatchers(c: ContainerRecord): void {
  for (const w of watchers.get(c) ?? []) w();
}

/** Sleeps `ms`, less if the client leaves (`signal`) or `c` changes (`wakeWatchers`). */
function sleep(ms: number, signal: AbortSignal, c?: ContainerRecord): Promise<void> {
  return new Promise((resolve) => {
    const set = c ? (watchers.get(c) ?? new Set()) : new Set<() => void>();
    if (c) watchers.set(c, set);
    const done = () => {
      clearTimeout(t);
      set.delete(done);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    set.add(done);
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * Settles the engine when `c` has an exit of its own due (`sleep 5`). Otherwise a poll is not
 * a look at the containers: each look counts down the exits a detached start has not shown yet
 * (`exitUnseen`), which only the client's own requests should do.
 */
function settleIfDue(engine: Engine, c: ContainerRecord): void {
  if (isRunning(c) && c.exitAtMs !== undefined) settleContainers(engine);
}

/**
 * The exit code once the container has run since `startedAt` and stopped (or, for `removed`,
 * once it is gone). The record is held itself, so a container removed as it ends (`--rm`) still
 * gives its code.
 */
async function untilExited(
  engine: Engine,
  c: ContainerRecord,
  startedAt: string,
  signal: AbortSignal,
  condition: string,
): Promise<number> {
  for (;;) {
    settleIfDue(engine, c);
    const gone = !engine.state.containers.includes(c);
    const exited = c.startedAt !== startedAt && !isRunning(c) && c.status !== 'created';
    if (gone || (condition !== 'removed' && exited)) return c.exitCode;
    if (signal.aborted) return c.exitCode;
    await sleep(20, signal, c);
  }
}

/**
 * `?size=1`: `types.Container` gets SizeRw and SizeRootFs after Ports, both `omitempty` (an
 * untouched container has no SizeRw; recorded in 189).
 */
function withSizes(
  engine: Engine,
  c: ContainerRecord,
  summary: Record<string, unknown>,
): Record<string, unknown> {
  const sizeRw = Object.values(c.files ?? {}).reduce((n, t) => n + Buffer.byteLength(t), 0);
  const sizeRootFs = sizeRw + (engine.state.images.find((i) => i.id === c.imageId)?.size ?? 0);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(summary)) {
    out[k] = v;
    if (k !== 'Ports') continue;
    if (sizeRw) out.SizeRw = sizeRw;
    if (sizeRootFs) out.SizeRootFs = sizeRootFs;
  }
  return out;
}

export const containerRoutes: Route[] = [
  get('/containers/json', ({ engine, req }) => {
    const filters = parseFiltersParam(req);
    const list = listContainers(engine, {
      all: boolValue(req, 'all'),
      limit: intParam(req, 'limit') ?? 0,
      filters,
    });
    const size = boolValue(req, 'size');
    return jsonResponse(
      200,
      list.map((c) =>
        size ? withSizes(engine, c, containerSummary(engine, c)) : containerSummary(engine, c),
      ),
    );
  }),
  post('/containers/create', ({ engine, req, version }) => {
    // The daemon returns the decoder's error as it is (a 500), `EOF` for no body at all.
    const body = readJson<ContainerCreateRequest | null>(
      req,
      CONTAINER_CREATE,
      () => {
        throw new ApiError(500, 'EOF');
      },
      500,
    );
    if (!body?.Image) throw new ApiError(400, 'Config cannot be empty in order to create a container');
    verifyPortBindings(body.HostConfig?.PortBindings);
    const name = req.query.get('name') ?? '';
    if (body.HostConfig && compareVersions(version, '1.25') < 0) {
      // API 1.24 and under: the client removes its --rm containers itself.
      body.HostConfig.AutoRemove = false;
    }
    if (body.HostConfig && compareVersions(version, '1.40') < 0 && !body.HostConfig.IpcMode) {
      // Older clients expect "shareable", the default before 1.40 (only with a HostConfig).
      body.HostConfig.IpcMode = 'shareable';
    }
    const c = containerCreate(engine, { ...strSlices(body), ...(name ? { name } : {}) });
    return jsonResponse(201, { Id: c.id, Warnings: createWarnings(body) });
  }),
  get('/containers/{name:.*}/json', ({ engine, req, params }) =>
    goJsonResponse(200, containerView(engine, getContainer(engine, params.name!), boolValue(req, 'size'))),
  ),
  post('/containers/{name:.*}/start', async ({ engine, req, params, version }) => {
    // A non-nil JSON object is at least 7 bytes: a HostConfig at start is gone since 1.24.
    const chunked = /chunked/i.test(req.headers['transfer-encoding'] ?? '');
    if ((req.body.length > 7 || chunked) && compareVersions(version, '1.24') >= 0) {
      throw new ApiError(
        400,
        'starting container with non-empty request body was deprecated since API v1.22 and removed in v1.24',
      );
    }
    const c = getContainer(engine, params.name!);
    // `docker run -i` attached to stdin before the start: the main process reads what it sends.
    const stdin = c.openStdin && !isRunning(c) ? attachedStdin.get(c) : undefined;
    // Nobody attached (`docker run -d`, `docker start`): a process over at once is seen as
    // such only by later requests, as from the daemon (see `runMainProcess`).
    const detached = !attachEnds.get(c)?.size;
    let started: ReturnType<typeof containerStart>;
    try {
      started = containerStart(engine, params.name!, detached, stdin?.text);
    } catch (e) {
      // The daemon resets the container's streams when a start fails: its attaches end. It
      // removes a `--rm` container before it answers, so a wait for the removal (`docker run
      // --rm`) hears of it first.
      for (const end of attachEnds.get(c) ?? []) end();
      if (!engine.state.containers.includes(c)) {
        wakeWatchers(c);
        await new Promise((resolve) => setImmediate(resolve));
      }
      throw e;
    } finally {
      if (stdin) attachedStdin.delete(c);
    }
    if (started?.awaitingStdin && stdin) {
      const startedAt = c.startedAt;
      void stdin.whenEnded().then(() => containerStdinClosed(engine, c, startedAt, stdin.text() ?? ''));
    }
    return emptyResponse(started ? 204 : 304);
  }),
  post('/containers/{name:.*}/stop', ({ engine, req, params }) => {
    intParam(req, 't');
    return emptyResponse(containerStop(engine, params.name!) ? 204 : 304);
  }),
  post('/containers/{name:.*}/restart', ({ engine, req, params }) => {
    intParam(req, 't');
    containerRestart(engine, params.name!);
    return emptyResponse(204);
  }),
  post('/containers/{name:.*}/rename', ({ engine, req, params }) => {
    // `daemon.ContainerRename` checks both names before looking the container up.
    if (!params.name || !req.query.get('name')) {
      throw new ApiError(400, 'Neither old nor new names may be empty');
    }
    containerRename(engine, params.name!, req.query.get('name') ?? '');
    return emptyResponse(204);
  }),
  post('/containers/{name:.*}/pause', ({ engine, params }) => {
    containerPause(engine, params.name!);
    return emptyResponse(204);
  }),
  post('/containers/{name:.*}/unpause', ({ engine, params }) => {
    containerUnpause(engine, params.name!);
    return emptyResponse(204);
  }),
  post('/containers/{name:.*}/kill', ({ engine, req, params }) => {
    containerKill(engine, params.name!, req.query.get('signal') || 'KILL');
    return emptyResponse(204);
  }),
  post('/containers/{name:.*}/wait', ({ engine, req, params, version }) => {
    // The daemon switches over the two conditions it knows; anything else waits as not-running.
    // Before API 1.30 the router reads no condition at all.
    const asked = compareVersions(version, '1.30') < 0 ? '' : (req.query.get('condition') ?? '');
    const condition = asked === 'next-exit' || asked === 'removed' ? asked : 'not-running';
    const c = getContainer(engine, params.name!);
    // A container that has not run yet (docker run waits before it starts), one that runs with
    // no end in sight, or a stopped one waited for its next exit (`docker start -a` waits before
    // it starts) is waited for over a live connection; the rest answers at once, short sleeps
    // ending by now.
    if (
      c.status === 'created' ||
      (isRunning(c) && c.exitAtMs === undefined) ||
      (condition === 'next-exit' && !isRunning(c))
    ) {
      const startedAt = c.startedAt;
      return streamResponse(200, 'application/json', {
        run: async (write, signal) => {
          let answered = false;
          const answer = (code: number) => {
            if (answered) return;
            answered = true;
            write(Buffer.from(`${plainJson({ Error: null, StatusCode: code })}\n`));
          };
          // Answered as the die or destroy happens, before the request that caused it is: a
          // `--rm` container whose start fails is removed, and `docker run` must read its wait's
          // answer before the start's error, or it reports the wait cancelled.
          const unsubscribe = subscribeEvents(engine, (ev) => {
            if (ev.type !== 'container' || ev.actorId !== c.id) return;
            if (ev.action === (condition === 'removed' ? 'destroy' : 'die')) answer(c.exitCode);
          });
          try {
            answer(await untilExited(engine, c, startedAt, signal, condition));
          } finally {
            unsubscribe();
          }
        },
      });
    }
    const code = containerWait(engine, params.name!);
    return jsonResponse(200, { Error: null, StatusCode: code });
  }),
  post('/containers/{name:.*}/attach', ({ engine, req, params }) => {
    const c = getContainer(engine, params.name!);
    const wantOut = boolValue(req, 'stdout');
    const wantErr = boolValue(req, 'stderr');
    const logs = boolValue(req, 'logs');
    const stream = boolValue(req, 'stream');
    logContainerEvent(engine, c, 'attach');
    // Stdin goes to a container that keeps it open (`-i`); the simulator feeds it to the main
    // process of the next start. A running process gets nothing more (its input was read).
    const stdin = stream && boolValue(req, 'stdin') && c.openStdin && !isRunning(c) ? req.stdin : undefined;
    const tty = c.tty;
    if (stdin) {
      if (tty) stdin.asTerminal();
      attachedStdin.set(c, stdin);
    }
    const pick = (l: LogLine) => (l.stream === 'stdout' ? wantOut : wantErr);
    const encode = (l: LogLine) => (tty ? Buffer.from(l.text) : frame(l.stream, Buffer.from(l.text)));
    const past = logs ? c.logs.filter(pick).map(encode) : [];
    let seen = c.logs.length;
    // A stopped container's attach waits for its next start (`docker start -a`) and its end.
    let stoppedSince: string | null = c.status !== 'created' && !isRunning(c) ? c.startedAt : null;
    return upgradeResponse(
      {
        run: async (write, clientGone) => {
          for (const b of past) write(b);
          if (!stream) return;
          const failedStart = new AbortController();
          const end = () => failedStart.abort();
          const ends = attachEnds.get(c) ?? new Set();
          attachEnds.set(c, ends.add(end));
          const signal = AbortSignal.any([clientGone, failedStart.signal]);
          let lastWrite = Date.now();
          const unsubscribe = stdin?.onEcho(write);
          try {
            // Output the container writes from now on, until it exits, its start fails or the client leaves.
            for (;;) {
              for (const l of c.logs.slice(seen)) {
                if (!pick(l)) continue;
                write(encode(l));
                lastWrite = Date.now();
              }
              seen = c.logs.length;
              if (!tty && req.stdin?.ended && Date.now() - lastWrite >= PROBE_MS) {
                // The client closed its side: gone, or only done with stdin? An empty frame
                // (harmless to stdcopy readers) fails on a socket whose peer left, which ends this.
                write(frame('stdout', Buffer.alloc(0)));
                lastWrite = Date.now();
              }
              const gone = !engine.state.containers.includes(c);
              if (stoppedSince !== null && c.startedAt !== stoppedSince) stoppedSince = null;
              if (gone || (stoppedSince === null && c.status !== 'created' && !isRunning(c))) return;
              if (signal.aborted) return;
              await sleep(20, signal);
              settleIfDue(engine, c);
            }
          } finally {
            unsubscribe?.();
            ends.delete(end);
          }
        },
      },
      req.headers.upgrade !== undefined,
    );
  }),
  post('/containers/{name:.*}/resize', ({ engine, params }) => {
    getContainer(engine, params.name!);
    return emptyResponse(200);
  }),
  del('/containers/{name:.*}', ({ engine, req, params }) => {
    containerRemove(engine, params.name!, boolValue(req, 'force'), boolValue(req, 'v'));
    return emptyResponse(204);
  }),
  get('/containers/{name:.*}/logs', ({ engine, req, params }) => {
    const wantOut = boolValue(req, 'stdout');
    const wantErr = boolValue(req, 'stderr');
    if (!wantOut && !wantErr) throw new ApiError(400, 'Bad parameters: you must choose at least one stream');
    const c = getContainer(engine, params.name!);
    const timestamps = boolValue(req, 'timestamps');
    const untilText = req.query.get('until') ?? '';
    const query = {
      tail: logTail(req.query.get('tail') ?? ''),
      since: logTimeNanos(req.query.get('since') ?? ''),
      until: untilText === '0' ? null : logTimeNanos(untilText),
    };
    // The writer drops the streams not asked for (after the tail took lines of both).
    const encode = (lines: LogLine[]) =>
      lines
        .filter((l) => (l.stream === 'stdout' ? wantOut : wantErr))
        .map((l) => {
          const text = Buffer.from(timestamps ? `${logTimestamp(l.time)} ${l.text}` : l.text);
          return c.tty ? text : frame(l.stream, text);
        });
    const chunks = encode(readLogs(c, query));
    const follow = boolValue(req, 'follow');
    let seen = c.logs.length;
    // No Content-Type: the daemon flushes the headers before it writes anything.
    return streamResponse(200, null, {
      run: async (write, signal) => {
        for (const chunk of chunks) write(chunk);
        // `follow`: what a running container writes from now on, until it stops or the client leaves.
        if (!follow || !isRunning(c)) return;
        const startedAt = c.startedAt;
        for (;;) {
          await sleep(50, signal, c);
          settleIfDue(engine, c);
          for (const chunk of encode(filterLogLines(c.logs.slice(seen), query))) write(chunk);
          seen = c.logs.length;
          const gone = !engine.state.containers.includes(c);
          if (signal.aborted || gone || !isRunning(c) || c.startedAt !== startedAt) return;
        }
      },
    });
  }),
  post('/commit', ({ engine, req }) => {
    // An empty body is fine; a config in it goes over the container's.
    const body = readJson<ContainerCreateRequest | null>(req, CONTAINER_CREATE, () => null, 500);
    const cfg = body ? strSlices(body) : null;
    const c = getContainer(engine, req.query.get('container') ?? '');
    const image = commitContainer(engine, c, {
      repo: req.query.get('repo') ?? '',
      tag: req.query.get('tag') ?? '',
      comment: req.query.get('comment') ?? '',
      author: req.query.get('author') ?? '',
    });
    if (cfg && image.commit) {
      if (cfg.Cmd?.length) image.commit.cmd = [...cfg.Cmd];
      if (cfg.Entrypoint?.length) image.commit.entrypoint = [...cfg.Entrypoint];
      if (cfg.Env?.length) image.commit.env = [...cfg.Env];
      if (cfg.WorkingDir) image.commit.workingDir = cfg.WorkingDir;
    }
    return jsonResponse(201, { Id: image.id });
  }),
  post('/containers/prune', ({ engine, req }) => {
    parseFiltersParam(req);
    const removed = containersPrune(engine);
    return jsonResponse(200, { ContainersDeleted: removed.length ? removed : null, SpaceReclaimed: 0 });
  }),
];

/**
 * Swarm tasks as the sandbox node runs them. A new task first waits in `Preparing`: the node asks
 * a registry it cannot reach for the image (each lookup times out, one after another), then
 * starts the task as a real container named `<service>.<slot>.<task id>` (global services:
 * `<service>.<node id>.<task id>`) on the service's networks, with the addresses the manager gave
 * the task. Removing a task removes its container.
 */
import { rfc3339Nanos } from '../clock.ts';
import type { Engine } from '../engine.ts';
import type {
  ContainerRecord,
  NetworkRecord,
  ServiceRecord,
  SwarmRecord,
  TaskRecord,
} from '../model/state.ts';
import { exitedContainer } from '../tools/main-process.ts';
import { containerCreate, isRunning, onSettle, removeContainerRecord, startContainer } from './containers.ts';
import { attachEndpoint } from './endpoints.ts';
import { releaseAddress } from './overlay-ipam.ts';
import { settleIngressSandbox } from './swarm.ts';

/**
 * From a task's creation to its container running when no other lookup is under way, and the
 * gaps between tasks queued behind it: measured on the recording dind (19.8–20.8 s, then
 * 9.6–10.0 s apart; a task that is the first on an overlay the node has not set up yet takes
 * about 0.3 s more). With `CLI_ROUND_TRIP_MS` these values reproduce the recorded convergence
 * polls of goldens 67, 90 and 91 poll for poll.
 */
export const FIRST_LOOKUP_MS = 20_200;
export const OVERLAY_SETUP_MS = 300;
export const SECOND_LOOKUP_GAP_MS = 10_000;
export const LATER_LOOKUP_GAP_MS = 9_600;
/** What one `docker` command costs the swarm's clock: the CLI's round trips to the daemon. */
export const CLI_ROUND_TRIP_MS = 120;

/** Gaps between commands shorter than this are a script's, not a person's pause. */
export const SCRIPTED_GAP_MS = 1500;

/** The swarm's clock: see `SwarmRecord.clockMs`. */
export function swarmNowMs(engine: Engine): number {
  const swarm = engine.state.swarm;
  const real = engine.nowMs();
  if (!swarm || swarm.clockMs === undefined || swarm.clockRealMs === undefined) return real;
  const gap = real - swarm.clockRealMs;
  return swarm.clockMs + (gap >= SCRIPTED_GAP_MS ? gap : 0);
}

function setSwarmClock(engine: Engine, ms: number): void {
  const swarm = engine.state.swarm;
  if (!swarm) return;
  swarm.clockMs = ms;
  swarm.clockRealMs = engine.nowMs();
}

/** A docker command starts: the swarm's clock moves on by a CLI round trip (see `CLI_ROUND_TRIP_MS`). */
export function noteCliRoundTrip(engine: Engine): void {
  if (!engine.state.swarm) return;
  setSwarmClock(engine, swarmNowMs(engine) + CLI_ROUND_TRIP_MS);
  // The node's agent works on its own: the ingress sandbox (and docker_gwbridge) appears about a
  // second after init whatever the commands are (recorded in 183: listed nine commands after init).
  settleIngressSandbox(engine, swarmNowMs(engine));
}

/** Moves the swarm's clock on by `ms` (the CLI waited that long) and starts the tasks now due. */
export function advanceSwarmClock(engine: Engine, ms: number): void {
  if (!engine.state.swarm) return;
  setSwarmClock(engine, swarmNowMs(engine) + ms);
  settleTasks(engine);
}

/** When a task made now leaves `Preparing`: lookups run one at a time. */
export function scheduleTask(
  engine: Engine,
  swarm: SwarmRecord,
  task: TaskRecord,
  setsUpOverlay: boolean,
  now = swarmNowMs(engine),
): void {
  const last = swarm.lastTaskReadyAtMs;
  let ready = now + FIRST_LOOKUP_MS + (setsUpOverlay ? OVERLAY_SETUP_MS : 0);
  let pos = 1;
  if (last !== undefined && last > now) {
    pos = (swarm.lastTaskQueuePos ?? 1) + 1;
    ready = Math.max(ready, last + (pos === 2 ? SECOND_LOOKUP_GAP_MS : LATER_LOOKUP_GAP_MS));
  }
  // The node looks up two images at a time: a third task waits, `Assigned`, for the first.
  if (pos >= 3 && swarm.prevTaskReadyAtMs !== undefined) task.preparingAtMs = swarm.prevTaskReadyAtMs;
  if (last !== undefined) swarm.prevTaskReadyAtMs = last;
  swarm.lastTaskReadyAtMs = ready;
  swarm.lastTaskQueuePos = pos;
  task.state = 'preparing';
  task.readyAtMs = ready;
}

/**
 * A new task is `Assigned` this long before the node accepts it and starts preparing (recorded:
 * still assigned one command after `service create -d`, preparing two commands after).
 */
export const ASSIGNED_MS = 200;

/** The state `service ps` shows for a task, and since when (swarm clock ms). */
export function shownTaskState(task: TaskRecord, nowMs: number): { state: string; sinceMs: number } {
  const created = Date.parse(task.created);
  if (task.state === 'preparing') {
    if (nowMs - created < ASSIGNED_MS) return { state: 'assigned', sinceMs: created };
    if (task.preparingAtMs !== undefined && nowMs < task.preparingAtMs)
      return { state: 'assigned', sinceMs: created };
    return { state: 'preparing', sinceMs: task.preparingAtMs ?? created };
  }
  return { state: task.state, sinceMs: Date.parse(task.updated ?? task.created) };
}

/** Something the swarm does at a set time (a rolling update's next step), found by a source. */
export interface SwarmEvent {
  atMs: number;
  run: () => void;
}
type SwarmEventSource = (engine: Engine) => SwarmEvent | null;
const eventSources: SwarmEventSource[] = [];

/** Registers a source of timed swarm events (services.ts: rolling update steps). */
export function onSwarmEvent(source: SwarmEventSource): void {
  if (!eventSources.includes(source)) eventSources.push(source);
}

/** The tasks' own events: a container starting, or stopping for a rolling update. */
function taskEvent(engine: Engine, swarm: SwarmRecord): SwarmEvent | null {
  let best: SwarmEvent | null = null;
  for (const service of swarm.services) {
    for (const task of service.tasks) {
      if (task.stopAtMs !== undefined && (!best || task.stopAtMs < best.atMs)) {
        best = { atMs: task.stopAtMs, run: () => stopReplacedTask(engine, service, task) };
      }
      if (
        task.state === 'preparing' &&
        task.readyAtMs !== undefined &&
        (!best || task.readyAtMs < best.atMs)
      ) {
        best = { atMs: task.readyAtMs, run: () => runTask(engine, swarm, service, task) };
      }
    }
  }
  return best;
}

let settling = false;

/**
 * Everything the swarm has done by now, in time order: tasks starting (in the order their lookups
 * finished), replaced tasks stopping, rolling update steps; then containers of removed tasks go.
 */
export function settleTasks(engine: Engine): void {
  const swarm = engine.state.swarm;
  if (!swarm || settling) return;
  settling = true;
  try {
    const now = swarmNowMs(engine);
    settleIngressSandbox(engine, now);
    for (let guard = 0; guard < 10_000; guard++) {
      const events = [taskEvent(engine, swarm), ...eventSources.map((src) => src(engine))].filter(
        (e): e is SwarmEvent => e !== null && e.atMs <= now,
      );
      if (!events.length) break;
      events.sort((a, b) => a.atMs - b.atMs)[0]!.run();
    }
    if (swarm.fadingServices) {
      swarm.fadingServices = swarm.fadingServices.filter((s) => s.untilMs > now);
      if (!swarm.fadingServices.length) delete swarm.fadingServices;
    }
    for (const c of [...engine.state.containers]) {
      if (c.swarmRemoveAtMs === undefined || c.swarmRemoveAtMs > now) continue;
      if (isRunning(c)) c.status = 'exited';
      removeContainerRecord(engine, c);
    }
  } finally {
    settling = false;
  }
}

/**
 * A task replaced by a rolling update has stopped (SIGKILL after the grace period for a program
 * that ignores SIGTERM): its container stays, exited; its successor may now start.
 */
function stopReplacedTask(engine: Engine, service: ServiceRecord, task: TaskRecord): void {
  const at = task.stopAtMs!;
  delete task.stopAtMs;
  const c = engine.state.containers.find((x) => task.containerId !== '' && x.id === task.containerId);
  if (c && isRunning(c)) exitedContainer(engine, c, c.termExitCode ?? 137);
  for (const a of task.addresses ?? []) {
    const nw = engine.state.networks.find((n) => n.id === a.networkId);
    if (nw) releaseAddress(nw, a.addr);
  }
  task.addresses = [];
  task.state = 'shutdown';
  task.updated = rfc3339Nanos(at, 0);
  for (const t of service.tasks) {
    if (t.replacesTaskId !== task.id) continue;
    delete t.replacesTaskId;
    if (t.desiredState === 'ready') t.desiredState = 'running';
  }
}

onSettle(settleTasks);

export function taskName(swarm: SwarmRecord, service: ServiceRecord, task: TaskRecord): string {
  const slot = service.mode === 'global' ? swarm.nodeId : String(task.slot);
  return `${service.name}.${slot}.${task.id}`;
}

/** The task's container: created and started on its networks, ingress (if any) as eth0. */
function runTask(engine: Engine, swarm: SwarmRecord, service: ServiceRecord, task: TaskRecord): void {
  const nets = (task.addresses ?? [])
    .map((a) => ({ addr: a.addr, nw: engine.state.networks.find((n) => n.id === a.networkId) }))
    .filter((x): x is { addr: string; nw: NetworkRecord } => x.nw !== undefined);
  const name = taskName(swarm, service, task);
  let c: ContainerRecord | undefined;
  try {
    c = containerCreate(engine, {
      name,
      Image: service.image,
      Cmd: service.args.length ? service.args : null,
      Env: service.env,
      Labels: {
        'com.docker.swarm.node.id': swarm.nodeId,
        'com.docker.swarm.service.id': service.id,
        'com.docker.swarm.service.name': service.name,
        'com.docker.swarm.task': '',
        'com.docker.swarm.task.id': task.id,
        'com.docker.swarm.task.name': name,
      },
      HostConfig: { NetworkMode: nets[0]?.nw.name ?? 'none' },
    });
    c.taskId = task.id;
    c.serviceId = service.id;
    for (const { nw } of nets.slice(1)) attachEndpoint(engine, c, nw);
    for (const { addr, nw } of nets) {
      const ep = c.endpoints.find((e) => e.networkId === nw.id);
      // The address moves from the task's reservation to the container's endpoint.
      releaseAddress(nw, addr);
      if (ep) ep.swarmIpv4 = addr.split('/')[0]!;
    }
    startContainer(engine, c);
    // The daemon creates task containers with the default network mode and joins the networks.
    c.hostConfig.networkMode = 'default';
    task.state = 'running';
    task.containerId = c.id;
    // Its networks now know the service's name on this node (see `ServiceRecord.dnsBound`).
    if (service.dnsBound) {
      for (const { nw } of nets) if (!service.dnsBound.includes(nw.id)) service.dnsBound.push(nw.id);
    }
  } catch {
    task.state = 'failed';
    if (c) removeContainerRecord(engine, c);
  }
  task.updated = rfc3339Nanos(task.readyAtMs ?? engine.nowMs(), 0);
  delete task.readyAtMs;
}

/** A task's container gets this long to stop (`StopGracePeriod`): `sleep` ignores SIGTERM as PID 1. */
export const STOP_GRACE_MS = 10_000;

/**
 * Removes a task: it leaves the manager's store (and the DNS) at once, its container is stopped
 * and removed by the node when the grace period is over; addresses it still reserved are freed.
 */
export function removeTask(engine: Engine, task: TaskRecord): void {
  const c = engine.state.containers.find((x) => x.id === task.containerId && task.containerId !== '');
  if (c) {
    const grace = isRunning(c) && c.termExitCode === undefined ? STOP_GRACE_MS : 0;
    c.swarmRemoveAtMs = swarmNowMs(engine) + grace;
  }
  for (const a of task.addresses ?? []) {
    const nw = engine.state.networks.find((n) => n.id === a.networkId);
    if (nw) releaseAddress(nw, a.addr);
  }
  task.addresses = [];
  task.state = 'shutdown';
  task.desiredState = 'shutdown';
  delete task.readyAtMs;
  delete task.stopAtMs;
}

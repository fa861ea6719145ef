/**
 * The swarm's clock when the real docker CLI drives the engine over the API.
 *
 * In process, the CLI emulation moves the swarm's clock itself (`noteCliRoundTrip` per command,
 * `convergeProgress` for a whole convergence wait at once). The real CLI does the same things as
 * requests, so the same moves hang on them here:
 * - every docker command starts with `HEAD /_ping`: one CLI round trip;
 * - `service create|update|scale` without `-d` polls `GET /tasks` with the `_up-to-date` filter
 *   every 200 ms until the tasks run, then for 5 s more. The first poll finds the swarm as it is;
 *   the second finds it at the poll where it converges (a task's image lookups take 20 s of the
 *   swarm's time, as recorded, which the CLI does not wait for in real time here); every later one
 *   200 ms on. The next command finds the swarm as far on as in process: the poll it converged at,
 *   plus 5 s.
 * - the CLI reads "N seconds ago" against its own clock: times on the swarm's clock are shifted by
 *   how far the swarm's clock is ahead of the daemon's (`timeShiftMs`).
 * Only requests from the docker CLI (its User-Agent) move the clock: curl's do not, as in process.
 */
import type { Engine } from '../engine.ts';
import { advanceSwarmClock, noteCliRoundTrip, swarmNowMs } from '../ops/service-tasks.ts';
import { CONVERGE_MONITOR_MS, CONVERGE_POLL_MS, convergedPollIndex } from '../ops/services.ts';
import type { ApiRequest } from './http.ts';
import type { Route } from './route.ts';

/** One convergence wait of the CLI: the service it polls, from which command. */
interface ConvergeWait {
  command: number;
  serviceId: string;
  polls: number;
  /** Swarm clock ms: when the wait began, when the tasks converge (null: never), when it ends. */
  startMs: number;
  convergeAtMs: number | null;
}

interface CliClock {
  /** Docker commands seen so far. */
  commands: number;
  wait?: ConvergeWait;
}

const clocks = new WeakMap<Engine, CliClock>();

function clockOf(engine: Engine): CliClock {
  let c = clocks.get(engine);
  if (!c) {
    c = { commands: 0 };
    clocks.set(engine, c);
  }
  return c;
}

/** A request the docker CLI sent (`Docker-Client/20.10.24+dfsg1 (linux)`). */
export function fromDockerCli(req: ApiRequest): boolean {
  return (req.headers['user-agent'] ?? '').startsWith('Docker-Client/');
}

/** The routes with `/_ping` counting each docker command's start as a CLI round trip. */
export function withCliRoundTrips(routes: Route[]): Route[] {
  return routes.map((route) =>
    route.path === '/_ping'
      ? {
          ...route,
          handler: (ctx) => {
            if (fromDockerCli(ctx.req)) cliCommandStarts(ctx.engine);
            return route.handler(ctx);
          },
        }
      : route,
  );
}

function cliCommandStarts(engine: Engine): void {
  const clock = clockOf(engine);
  finishWait(engine, clock);
  clock.commands++;
  noteCliRoundTrip(engine);
}

/**
 * A wait that saw its service converge ends where the in-process one does: the converging poll
 * plus the CLI's 5 s of watching (however many polls those took in real time).
 */
function finishWait(engine: Engine, clock: CliClock): void {
  const wait = clock.wait;
  delete clock.wait;
  if (!wait || wait.convergeAtMs === null) return;
  const end = wait.convergeAtMs + CONVERGE_MONITOR_MS;
  const now = swarmNowMs(engine);
  if (end > now) advanceSwarmClock(engine, end - now);
}

/**
 * `GET /tasks` with the `_up-to-date` filter for one service, from the CLI: a convergence poll.
 * Moves the swarm's clock as described above, before the tasks are listed.
 */
export function convergencePoll(
  engine: Engine,
  req: ApiRequest,
  service: { id: string; record: Parameters<typeof convergedPollIndex>[0] },
): void {
  if (!fromDockerCli(req)) return;
  const clock = clockOf(engine);
  const wait = clock.wait;
  if (!wait || wait.command !== clock.commands || wait.serviceId !== service.id) {
    // `service scale a=1 b=2` waits for one service, then the next, in one command.
    if (wait) finishWait(engine, clock);
    const startMs = swarmNowMs(engine);
    const poll = convergedPollIndex(service.record, startMs);
    clock.wait = {
      command: clock.commands,
      serviceId: service.id,
      polls: 0,
      startMs,
      convergeAtMs: poll === null ? null : startMs + poll * CONVERGE_POLL_MS,
    };
    return;
  }
  wait.polls++;
  const now = swarmNowMs(engine);
  let target = now + CONVERGE_POLL_MS;
  if (wait.convergeAtMs !== null) {
    if (wait.polls === 1) target = Math.max(target, wait.convergeAtMs);
    // The 5 s of watching never take the swarm further than in process.
    target = Math.min(target, Math.max(wait.convergeAtMs + CONVERGE_MONITOR_MS, now));
  }
  // Always: a poll is the CLI at work, never a person's pause (see `swarmNowMs`).
  advanceSwarmClock(engine, Math.max(0, target - now));
}

/** How far to move a time on the swarm's clock so that a client reads its age right. */
export function timeShiftMs(engine: Engine): number {
  return engine.nowMs() - swarmNowMs(engine);
}

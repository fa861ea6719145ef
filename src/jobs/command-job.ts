/**
 * The job handler for a chat command: the same function runs in a BullMQ worker and in the
 * in-process runner, so the embedded default and the queued deployment behave alike.
 */
import type { Tutor } from '../core/tutor.ts';
import { type TutorReply, type TutorRequest, text } from '../core/types.ts';
import { type Deliver, type DeliveryLedger, deliverOnce, type ResultStore } from './idempotency.ts';

export type { Deliver } from './idempotency.ts';

export interface CommandJobDeps {
  tutor: Tutor;
  /** Posts the reply: the platform client in-process, the deliveries queue in a worker. */
  deliver: Deliver;
  /** Replies already produced, by request ID: a re-run job delivers the kept reply instead of re-running. */
  results?: ResultStore;
  /** When set, `deliver` is called at most once per request ID. */
  ledger?: DeliveryLedger;
  /**
   * Whether this run may repeat an earlier one (a stalled job taken over): only then are kept
   * replies looked up. Default true.
   */
  mayBeRerun?: boolean;
  /** A command running longer is answered with a timeout message. Default: no limit. */
  timeoutMs?: number;
}

export function timeoutReply(req: TutorRequest, seconds: number): TutorReply {
  return {
    requestId: req.id,
    visibility: 'private',
    blocks: [
      text(
        `Your command took longer than ${seconds} second${seconds === 1 ? '' : 's'}, so the tutor stopped waiting for it. ` +
          'Anything it finished stays in your sandbox; check with /docker network ls, or start over with /sandbox reset.',
      ),
    ],
  };
}

/** Runs the tutor on `req` with a time limit. */
export async function runWithTimeout(
  tutor: Tutor,
  req: TutorRequest,
  timeoutMs?: number,
): Promise<TutorReply> {
  if (timeoutMs === undefined) return tutor.handle(req);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<TutorReply>((resolve) => {
    timer = setTimeout(
      () => resolve(timeoutReply(req, Math.max(1, Math.round(timeoutMs / 1000)))),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([tutor.handle(req), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

/** Produces the reply (or finds the one a previous run produced), then delivers it. */
export async function handleCommandJob(deps: CommandJobDeps, req: TutorRequest): Promise<TutorReply> {
  let reply = deps.results && deps.mayBeRerun !== false ? await deps.results.get(req.id) : null;
  if (!reply) {
    reply = await runWithTimeout(deps.tutor, req, deps.timeoutMs);
    await deps.results?.put(req.id, reply);
  }
  if (deps.ledger) await deliverOnce(deps.ledger, deps.deliver, reply, req);
  else await deps.deliver(reply, req);
  return reply;
}

export function rateLimitedReply(req: TutorRequest, perMinute: number, retryAfterMs: number): TutorReply {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return {
    requestId: req.id,
    visibility: 'private',
    blocks: [
      text(
        `Easy there: you can send ${perMinute} commands a minute. Try again in ${seconds} second${seconds === 1 ? '' : 's'}.`,
      ),
    ],
  };
}

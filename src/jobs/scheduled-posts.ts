/**
 * Scheduled posts (daily quizzes and the like): a BullMQ job scheduler per post, with a cron
 * pattern and a time zone, so exactly one run happens per tick however many workers there are.
 * What a run posts is decided by a handler registered by kind (`quiz`...), which returns the
 * replies and where they go; the worker hands those to the deliveries queues.
 */
import type { Queue } from 'bullmq';
import type { Platform, TutorReply, TutorRequest } from '../core/types.ts';

export interface ScheduledPostTarget {
  platform: Platform;
  workspace: string;
  channel: string;
  /** Platform data the adapter needs to post (for example a Slack channel ID or webhook). */
  replyTo?: Record<string, string>;
}

export interface ScheduledPostJob {
  kind: string;
  target: ScheduledPostTarget;
  /** Whatever the handler needs (quiz bank, topic...). */
  payload?: unknown;
}

export interface ScheduledPostContext {
  /** A unique ID for this run (scheduler ID + tick): re-runs of the same tick reuse it. */
  runId: string;
  /** When the tick was due, ms since the epoch. */
  firedAt: number;
}

export type ScheduledPostHandler = (
  job: ScheduledPostJob,
  ctx: ScheduledPostContext,
) => Promise<Array<Omit<TutorReply, 'requestId'>>>;

const handlers = new Map<string, ScheduledPostHandler>();

/** Adds a kind of scheduled post (quizzes register `quiz`). */
export function registerScheduledPost(kind: string, handler: ScheduledPostHandler): void {
  handlers.set(kind, handler);
}

export function scheduledPostHandler(kind: string): ScheduledPostHandler | undefined {
  return handlers.get(kind);
}

export interface Schedule {
  /** Cron pattern with seconds optional: `0 9 * * 1-5` is 09:00 on weekdays. */
  pattern: string;
  /** IANA time zone the pattern is read in, e.g. `Europe/Berlin`. Default UTC. */
  tz?: string;
}

/** Creates or updates the scheduler `id` (idempotent: every process may call it at start). */
export async function upsertScheduledPost(
  queue: Queue,
  id: string,
  schedule: Schedule,
  job: ScheduledPostJob,
): Promise<void> {
  await queue.upsertJobScheduler(
    id,
    { pattern: schedule.pattern, tz: schedule.tz ?? 'UTC' },
    { name: 'scheduled-post', data: job, opts: { removeOnComplete: true, removeOnFail: { count: 100 } } },
  );
}

export async function removeScheduledPost(queue: Queue, id: string): Promise<boolean> {
  return queue.removeJobScheduler(id);
}

/** The TutorRequest-shaped address a delivery needs, for a post nobody typed. */
export function scheduledRequest(
  target: ScheduledPostTarget,
  runId: string,
  index: number,
  firedAt: number,
): TutorRequest {
  return {
    id: `${runId}-${index}`,
    identity: { platform: target.platform, workspace: target.workspace, userId: 'scheduler', roles: [] },
    channel: target.channel,
    text: '',
    receivedAt: firedAt,
    ...(target.replyTo ? { replyTo: target.replyTo } : {}),
  };
}

/**
 * When daily quizzes post and close. Two implementations behind one port:
 * - `BullmqQuizScheduler`: a BullMQ job scheduler per channel (cron + time zone) on the pipeline's
 *   scheduled-posts queue, and a delayed job per close; the worker pool runs the `quiz` handler.
 * - `ClockQuizScheduler`: the embedded default without Redis, and tests with a fake clock: due
 *   posts and closes are found by `runDue(now)`, called by a timer or by the test.
 */
import type { Queue } from 'bullmq';
import type { Platform, TutorRequest } from '../core/types.ts';
import { jobIdFor } from '../jobs/queues.ts';
import {
  type ScheduledPostJob,
  type ScheduledPostTarget,
  scheduledRequest,
  upsertScheduledPost,
} from '../jobs/scheduled-posts.ts';
import { checkTimeZone, nextFire, parseCron } from './cron.ts';
import type { Post, QuizTarget } from './daily.ts';

export interface QuizScheduler {
  /** Creates or replaces the channel's daily schedule. Throws CronError for a bad pattern or zone. */
  setDaily(target: QuizTarget, cron: string, tz: string): Promise<void>;
  /** Closes quiz `quizId` at `atMs`. */
  closeAt(target: QuizTarget, quizId: string, atMs: number): Promise<void>;
  close(): Promise<void>;
}

/** What a `quiz` scheduled-post job carries. */
export type QuizJobPayload = { action: 'post'; tz: string } | { action: 'close'; quizId: string };

export const schedulerIdFor = (t: QuizTarget) =>
  jobIdFor('quiz', `${t.platform}:${t.workspace}:${t.channel}`);

function toTarget(t: QuizTarget): ScheduledPostTarget {
  return { platform: t.platform as Platform, workspace: t.workspace, channel: t.channel };
}

export function validateSchedule(cron: string, tz: string): void {
  parseCron(cron);
  checkTimeZone(tz);
}

export class BullmqQuizScheduler implements QuizScheduler {
  constructor(private readonly queue: Queue) {}

  async setDaily(target: QuizTarget, cron: string, tz: string): Promise<void> {
    validateSchedule(cron, tz);
    const job: ScheduledPostJob = { kind: 'quiz', target: toTarget(target), payload: { action: 'post', tz } };
    await upsertScheduledPost(this.queue, schedulerIdFor(target), { pattern: cron, tz }, job);
  }

  async closeAt(target: QuizTarget, quizId: string, atMs: number): Promise<void> {
    const job: ScheduledPostJob = {
      kind: 'quiz',
      target: toTarget(target),
      payload: { action: 'close', quizId },
    };
    await this.queue.add('scheduled-post', job, {
      delay: Math.max(0, atMs - Date.now()),
      jobId: jobIdFor('quiz-close', `${target.platform}:${target.workspace}:${quizId}`),
      removeOnComplete: true,
      removeOnFail: { count: 100 },
    });
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}

/** Runs a scheduled quiz action; returns the posts to make in the target channel. */
export type QuizJobRunner = (
  target: QuizTarget,
  payload: QuizJobPayload,
  ctx: { runId: string; firedAt: number },
) => Promise<Post[]>;

export type PostSink = (post: Post, req: TutorRequest) => Promise<void>;

interface Daily {
  target: QuizTarget;
  cron: string;
  tz: string;
  next: number | null;
}

export class ClockQuizScheduler implements QuizScheduler {
  private readonly dailies = new Map<string, Daily>();
  private readonly closes = new Map<string, { target: QuizTarget; quizId: string; at: number }>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly now: () => number,
    private run: QuizJobRunner,
    private sink?: PostSink,
  ) {}

  /** Wiring after construction (the runner needs the services that need this scheduler). */
  bind(run: QuizJobRunner, sink?: PostSink): void {
    this.run = run;
    if (sink) this.sink = sink;
  }

  async setDaily(target: QuizTarget, cron: string, tz: string): Promise<void> {
    validateSchedule(cron, tz);
    const next = nextFire(parseCron(cron), tz, this.now());
    this.dailies.set(schedulerIdFor(target), { target, cron, tz, next });
  }

  async closeAt(target: QuizTarget, quizId: string, atMs: number): Promise<void> {
    this.closes.set(`${target.platform}:${target.workspace}:${quizId}`, { target, quizId, at: atMs });
  }

  /** When the channel's next post is due, for `/quiz schedule` to show. */
  nextPost(target: QuizTarget): number | null {
    return this.dailies.get(schedulerIdFor(target))?.next ?? null;
  }

  /** Fires every post and close due at `now`, closes first (a post also closes the open quiz). */
  runDue(now = this.now()): Promise<void> {
    this.running = this.running.then(() => this.fireDue(now));
    return this.running;
  }

  private async fireDue(now: number): Promise<void> {
    for (const [k, c] of [...this.closes]) {
      if (c.at > now) continue;
      this.closes.delete(k);
      await this.emit(c.target, { action: 'close', quizId: c.quizId }, `close-${k}`, c.at);
    }
    for (const [id, d] of this.dailies) {
      if (d.next === null || d.next > now) continue;
      const firedAt = d.next;
      d.next = nextFire(parseCron(d.cron), d.tz, now);
      await this.emit(d.target, { action: 'post', tz: d.tz }, `${id}-${firedAt}`, firedAt);
    }
  }

  private async emit(
    target: QuizTarget,
    payload: QuizJobPayload,
    runId: string,
    firedAt: number,
  ): Promise<void> {
    const posts = await this.run(target, payload, { runId, firedAt });
    let i = 0;
    for (const p of posts) await this.sink?.(p, scheduledRequest(toTarget(target), runId, i++, firedAt));
  }

  /** Checks for due work every `everyMs` (default 15 s). */
  start(everyMs = 15_000): void {
    this.timer ??= setInterval(() => void this.runDue().catch(() => undefined), everyMs);
    this.timer.unref();
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}

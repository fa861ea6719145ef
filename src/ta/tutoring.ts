/**
 * The tutoring services (quiz, labs, TA tools) and what they share: the store, the content, the
 * clock, the scheduler. A Tutor gets them through its deps (`{ backend, tutoring }`); a Tutor
 * built without them (the console, a worker started by the pipeline) gets a default built once
 * from the environment: Redis and BullMQ when REDIS_URL is set, memory and a timer otherwise.
 */
import { Queue } from 'bullmq';
import { readConfig } from '../config/config.ts';
import { type CourseContent, courseContent } from '../content/load.ts';
import type { TutorDeps } from '../core/slash-commands.ts';
import { type Clock, systemClock } from '../engine/clock.ts';
import type { Deliver } from '../jobs/idempotency.ts';
import { connectRedis, defaultLayout, SCHEDULED_QUEUE } from '../jobs/queues.ts';
import { registerScheduledPost } from '../jobs/scheduled-posts.ts';
import { DailyQuiz, type Post, type QuizTarget, scopeOfTarget } from '../quiz/daily.ts';
import { MemoryTutoringStore } from '../quiz/memory-store.ts';
import { RedisTutoringStore } from '../quiz/redis-store.ts';
import {
  BullmqQuizScheduler,
  ClockQuizScheduler,
  type QuizJobPayload,
  type QuizJobRunner,
  type QuizScheduler,
} from '../quiz/scheduler.ts';
import type { TutoringStore } from '../quiz/store.ts';

export interface Tutoring {
  store: TutoringStore;
  content: CourseContent;
  clock: Clock;
  daily: DailyQuiz;
  scheduler: QuizScheduler;
  /** Runs a scheduled quiz action (what the `quiz` scheduled-post handler calls). */
  runQuizJob: QuizJobRunner;
  close(): Promise<void>;
}

export interface TutoringDeps extends TutorDeps {
  tutoring?: Tutoring;
}

export interface TutoringOptions {
  store?: TutoringStore;
  content?: CourseContent;
  clock?: Clock;
  /** Default: a ClockQuizScheduler on `clock` (posting through `deliver`). */
  scheduler?: QuizScheduler;
  /** Where the in-process scheduler posts; unused with BullMQ (the worker pool delivers). */
  deliver?: Deliver;
  /** How long a daily quiz stays open. Default 8 hours. */
  quizOpenMs?: number;
  /** Share of daily quizzes that are simulator-generated. Default 1/3. */
  generatedShare?: number;
}

export function createTutoring(opts: TutoringOptions = {}): Tutoring {
  const store = opts.store ?? new MemoryTutoringStore();
  const content = opts.content ?? courseContent();
  const clock = opts.clock ?? systemClock;
  const daily = new DailyQuiz({
    store,
    questions: content.questions,
    ...(opts.quizOpenMs !== undefined ? { openMs: opts.quizOpenMs } : {}),
    ...(opts.generatedShare !== undefined ? { generatedShare: opts.generatedShare } : {}),
  });
  let scheduler: QuizScheduler;
  const runQuizJob: QuizJobRunner = async (target, payload, ctx) => {
    if (payload.action === 'close') {
      const post = await daily.close(scopeOfTarget(target), payload.quizId, clock.now());
      return post ? [post] : [];
    }
    const { quiz, posts } = await daily.post(target, ctx.firedAt, payload.tz, ctx.runId);
    await scheduler.closeAt(target, quiz.id, quiz.closesAt);
    return posts;
  };
  if (opts.scheduler) scheduler = opts.scheduler;
  else {
    const sink = opts.deliver;
    scheduler = new ClockQuizScheduler(
      () => clock.now(),
      runQuizJob,
      sink ? (post, req) => sink({ ...post, requestId: req.id }, req) : undefined,
    );
  }
  return {
    store,
    content,
    clock,
    daily,
    scheduler,
    runQuizJob,
    async close() {
      await scheduler.close();
      await store.close();
    },
  };
}

/** Brings back the daily schedules a store remembers (the in-process scheduler forgets them on exit). */
export async function restoreSchedules(t: Tutoring): Promise<number> {
  const all = await t.store.schedules();
  for (const s of all) await t.scheduler.setDaily(s, s.cron, s.tz);
  return all.length;
}

let fallback: Tutoring | undefined;

/** Tutoring from the environment, made on first use. */
export function defaultTutoring(env: NodeJS.ProcessEnv = process.env): Tutoring {
  if (fallback) return fallback;
  const config = readConfig(env);
  if (config.REDIS_URL) {
    const redis = connectRedis(config.REDIS_URL, 'tutor-tutoring');
    const queue = new Queue(SCHEDULED_QUEUE, { connection: redis, prefix: defaultLayout.prefix });
    fallback = createTutoring({
      store: new RedisTutoringStore(redis, { ownsConnection: true }),
      scheduler: new BullmqQuizScheduler(queue),
    });
  } else {
    fallback = createTutoring();
    const s = fallback.scheduler;
    if (s instanceof ClockQuizScheduler) s.start();
  }
  return fallback;
}

export function tutoringFor(deps: TutorDeps): Tutoring {
  return (deps as TutoringDeps).tutoring ?? defaultTutoring();
}

/** Scheduled quiz jobs (from the pipeline's worker pool) run on the default tutoring. */
registerScheduledPost('quiz', async (job, ctx) => {
  const payload = job.payload as QuizJobPayload | undefined;
  if (!payload || (payload.action !== 'post' && payload.action !== 'close')) return [];
  const target: QuizTarget = {
    platform: job.target.platform,
    workspace: job.target.workspace,
    channel: job.target.channel,
  };
  const posts: Post[] = await defaultTutoring().runQuizJob(target, payload, ctx);
  return posts;
});

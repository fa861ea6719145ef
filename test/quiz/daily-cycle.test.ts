/**
 * The tutoring end to end through the tutor and the in-process runner (the console's path), with
 * real Redis, a fake clock, two students and a TA: a daily quiz scheduled, posted, answered with
 * buttons, closed and ranked; a lab from start to check; a TA reset; a TA command refused to a
 * student; scores surviving a restart (new process objects on the same Redis).
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Tutor } from '../../src/core/tutor.ts';
import { type Role, replyToPlainText, type TutorReply, type TutorRequest } from '../../src/core/types.ts';
import { ManualClock } from '../../src/engine/clock.ts';
import { InProcessRunner } from '../../src/jobs/in-process-runner.ts';
import { RedisTutoringStore } from '../../src/quiz/redis-store.ts';
import { sandboxKey } from '../../src/sandbox/backend.ts';
import { SimBackend } from '../../src/sandbox/sim/sim-backend.ts';
import { clockScheduler } from '../../src/ta/quiz-admin.ts';
import { ensureSandboxCommand } from '../../src/ta/register.ts';
import { createTutoring, restoreSchedules, type Tutoring, type TutoringDeps } from '../../src/ta/tutoring.ts';
import { type RedisServer, startRedis, unavailable } from '../support/servers.ts';

const skip = unavailable('redis-server');
if (skip) console.log(`skipping the daily quiz cycle: ${skip}`);

/** Monday 2026-03-02 07:00 UTC = 08:00 in Berlin. */
const START = Date.UTC(2026, 2, 2, 7, 0, 0);

interface Delivered {
  reply: TutorReply;
  req: TutorRequest;
}

class Course {
  readonly delivered: Delivered[] = [];
  readonly tutoring: Tutoring;
  readonly runner: InProcessRunner;
  private seq = 0;

  constructor(
    readonly redis: Redis,
    readonly clock: ManualClock,
    readonly backend: SimBackend,
    prefix: string,
  ) {
    const deliver = async (reply: TutorReply, req: TutorRequest) => {
      this.delivered.push({ reply, req });
    };
    this.tutoring = createTutoring({
      store: new RedisTutoringStore(redis, { prefix }),
      clock,
      deliver,
      // Bank questions only, so the test knows the answers from the bank.
      generatedShare: 0,
    });
    const deps: TutoringDeps = { backend, tutoring: this.tutoring };
    this.runner = new InProcessRunner({ tutor: new Tutor(deps), deliver });
  }

  async say(
    user: string,
    role: Role,
    textOrAction: string | { value: string },
    name?: string,
  ): Promise<TutorReply> {
    const isAction = typeof textOrAction !== 'string';
    const req: TutorRequest = {
      id: `t-${++this.seq}-${Math.random()}`,
      identity: {
        platform: 'console',
        workspace: 'local',
        userId: user,
        roles: [role],
        ...(name ? { displayName: name } : {}),
      },
      channel: 'course',
      // A button whose value is a command arrives as that command, the way the adapters send it.
      text: isAction ? textOrAction.value : textOrAction,
      receivedAt: this.clock.now(),
      ...(isAction ? { action: { id: 'quiz-answer', value: textOrAction.value } } : {}),
    };
    const res = await this.runner.submit(req);
    if (res.status !== 'done') throw new Error(`not run: ${res.status}`);
    return res.reply;
  }

  async close(): Promise<void> {
    await this.runner.close();
    await this.tutoring.scheduler.close();
  }
}

const plain = (r: TutorReply) => replyToPlainText(r);
const buttonsOf = (r: TutorReply) => r.blocks.flatMap((b) => (b.kind === 'buttons' ? b.buttons : []));

describe.skipIf(skip)('daily quiz, labs and TA tools over real Redis', () => {
  let server: RedisServer;
  let redis: Redis;
  const prefix = `test:${Date.now()}`;
  const clock = new ManualClock(START);
  const backend = new SimBackend({ clock });

  beforeAll(async () => {
    // vitest evaluates modules asynchronously, after the microtask that takes over /sandbox.
    ensureSandboxCommand();
    server = await startRedis();
    redis = new Redis(server.url);
  });
  afterAll(async () => {
    await redis?.quit();
    await server?.stop();
  });

  it('runs a full cycle, then keeps scores and schedules across a restart', async () => {
    const course = new Course(redis, clock, backend, prefix);

    // A student may not schedule or post; the attempt is audited.
    const refused = await course.say('alice', 'student', '/quiz schedule 0 9 * * * Europe/Berlin');
    expect(plain(refused)).toBe('/quiz schedule is for TAs only. Ask a TA if you need it.');
    expect(plain(await course.say('bob', 'student', '/sandbox reset all'))).toBe(
      '/sandbox reset is for TAs only. Ask a TA if you need it.',
    );

    // The TA schedules 09:00 Berlin time, every day.
    const scheduled = await course.say('tara', 'ta', '/quiz schedule 0 9 * * * Europe/Berlin');
    expect(plain(scheduled)).toBe(
      'Daily quiz scheduled in this channel: `0 9 * * *` in Europe/Berlin. Next post: 2026-03-02 08:00 UTC.',
    );
    const scheduler = clockScheduler(course.tutoring)!;
    await scheduler.runDue();
    expect(course.delivered.filter((d) => d.req.identity.userId === 'scheduler')).toHaveLength(0);

    // 09:00 in Berlin: the quiz posts itself in the channel, with one button per choice.
    clock.advance(3600_000);
    await scheduler.runDue();
    const posts = course.delivered.filter((d) => d.req.identity.userId === 'scheduler');
    expect(posts).toHaveLength(1);
    const post = posts[0]!;
    expect(post.reply.visibility).toBe('public');
    expect(post.req.channel).toBe('course');
    expect(plain(post.reply)).toMatch(/^Daily quiz #1 \(/);
    const buttons = buttonsOf(post.reply);
    expect(buttons.length).toBeGreaterThanOrEqual(2);

    const quizId = buttons[0]!.value.split(' ')[2]!;
    const store = course.tutoring.store;
    const quiz = (await store.getQuiz('console:local', quizId))!;
    expect(quiz.day).toBe('2026-03-02');
    const right = buttons[quiz.question.answerIndex]!;
    const wrong = buttons.find((_, i) => i !== quiz.question.answerIndex)!;

    // Alice answers right, Bob wrong; private feedback at once; a second press does not count.
    const a1 = await course.say('alice', 'student', { value: right.value }, 'Alice');
    expect(a1.visibility).toBe('private');
    expect(plain(a1)).toMatch(/^Correct! \+[123] points?\. Streak: 1 quiz in a row\./);
    const b1 = await course.say('bob', 'student', { value: wrong.value }, 'Bob');
    expect(plain(b1)).toMatch(/^Not quite: you chose [A-E]\. The answer is /);
    const a2 = await course.say('alice', 'student', { value: wrong.value });
    expect(plain(a2)).toBe(
      'You already answered quiz #1; only your first answer counts. Results come when it closes.',
    );
    expect(await store.answers('console:local', quizId)).toHaveLength(2);

    // Eight hours later the quiz closes and the results are posted.
    clock.advance(8 * 3600_000);
    await scheduler.runDue();
    const results = course.delivered.filter((d) => d.req.identity.userId === 'scheduler').slice(1);
    expect(results).toHaveLength(1);
    const resultText = plain(results[0]!.reply);
    expect(resultText).toContain('Quiz #1 is closed. The answer: ');
    expect(resultText).toContain('1 of 2 answered correctly (50%).');
    expect(resultText).toMatch(/1\s+Alice\s+[123]/);
    expect(plain(await course.say('bob', 'student', { value: right.value }))).toMatch(/^Quiz #1 is closed\./);

    const points = await store.score('console:local', 'alice', null);
    expect(points).toBeGreaterThan(0);
    const board = plain(await course.say('bob', 'student', '/quiz leaderboard'));
    expect(board).toMatch(
      new RegExp(`Leaderboard, week 2026-W10\\n#\\s+Student\\s+Points\\n1\\s+Alice\\s+${points}`),
    );

    // A lab from start to check.
    const started = plain(await course.say('alice', 'student', '/lab start none-isolation'));
    expect(started).toContain('Lab none-isolation: Complete isolation with the none network');
    expect(plain(await course.say('alice', 'student', '/lab check'))).toContain(
      'Lab none-isolation: 0 of 2 checks pass.',
    );
    await course.say('alice', 'student', '/docker run -d --name isolated --network none alpine sleep 1d');
    const half = plain(await course.say('alice', 'student', '/lab check'));
    expect(half).toContain('[x] a running container named isolated on the none network');
    expect(half).toContain(
      '[ ] a running container named normal on the default bridge: there is no container named normal',
    );
    expect(plain(await course.say('alice', 'student', '/lab hint'))).toMatch(/^Hint 1 of 2: /);
    await course.say('alice', 'student', '/docker run -d --name normal alpine sleep 1d');
    const done = plain(await course.say('alice', 'student', '/lab check'));
    expect(done).toContain('Lab none-isolation: 2 of 2 checks pass.');
    expect(done).toContain('Lab complete.');

    // The TA sees it in the course progress, as a table and a CSV file.
    const progress = await course.say('tara', 'ta', '/course progress');
    const csv = progress.blocks.find((b) => b.kind === 'file');
    expect(csv?.kind === 'file' && csv.text.split('\n')[0]).toMatch(/^user,name,labs,week,total,streak,/);
    expect(csv?.kind === 'file' && csv.text).toMatch(
      new RegExp(`\\nalice,Alice,1/\\d+,${points},${points},1,`),
    );
    expect(plain(progress)).toMatch(/alice\s+Alice\s+1\/\d+/);

    // The TA resets Alice's sandbox: her containers are gone.
    const aliceKey = sandboxKey('console', 'local', 'alice');
    expect(plain(await course.say('tara', 'ta', '/sandbox reset @alice'))).toBe(
      "alice's sandbox is fresh again: only the default networks bridge, host and none remain.",
    );
    expect((await backend.exec(aliceKey, 'docker ps -aq')).output).toBe('');

    // Everything a TA did, refusals included, is in the audit log.
    const audit = await store.auditLog('console:local', 50);
    expect(audit.map((e) => `${e.actor} ${e.action} ${e.outcome}`)).toEqual([
      'alice /quiz schedule refused: not a TA',
      'bob /sandbox reset refused: not a TA',
      'tara /quiz schedule scheduled',
      'tara /course progress 2 students',
      'tara /sandbox reset reset',
    ]);
    await course.close();

    // A restart: new store, tutoring, tutor and runner objects on the same Redis.
    const again = new Course(redis, clock, backend, prefix);
    expect(await restoreSchedules(again.tutoring)).toBe(1);
    const board2 = plain(await again.say('bob', 'student', '/quiz leaderboard all'));
    expect(board2).toMatch(
      new RegExp(`Leaderboard, all time\\n#\\s+Student\\s+Points\\n1\\s+Alice\\s+${points}`),
    );
    expect(plain(await again.say('alice', 'student', '/quiz me'))).toBe(
      `You have ${points} point${points === 1 ? '' : 's'} this week, ${points} in all. Streak in this channel: 1.`,
    );
    // The restored schedule posts the next day's quiz, number 2, at 09:00 Berlin.
    clock.advance(16 * 3600_000 - 1);
    await clockScheduler(again.tutoring)!.runDue();
    expect(again.delivered).toHaveLength(2);
    clock.advance(1);
    await clockScheduler(again.tutoring)!.runDue();
    const next = again.delivered.filter((d) => d.req.identity.userId === 'scheduler');
    expect(plain(next[0]!.reply)).toMatch(/^Daily quiz #2 /);
    await again.close();
  });

  it('posts on demand for a TA and refuses it to a student', async () => {
    const course = new Course(redis, clock, backend, `${prefix}:b`);
    expect(plain(await course.say('alice', 'student', '/quiz post now'))).toBe(
      '/quiz post now is for TAs only. Ask a TA if you need it.',
    );
    const posted = await course.say('tara', 'ta', '/quiz post now');
    expect(posted.visibility).toBe('public');
    expect(buttonsOf(posted).length).toBeGreaterThanOrEqual(2);
    // A second post closes the first: its results come first in the same reply.
    const second = plain(await course.say('tara', 'ta', '/quiz post now'));
    expect(second).toMatch(
      /^Quiz #1 is closed\. The answer: [\s\S]*Nobody answered this one\.[\s\S]*Daily quiz #2 /,
    );
    await course.close();
  });
});

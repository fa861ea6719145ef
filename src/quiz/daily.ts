/**
 * The daily quiz of a channel: posted (by its schedule or a TA), answered with buttons (one scored
 * answer per student, private feedback at once), closed with a public results post.
 */
import type { Question } from '../content/schemas.ts';
import type { ReplyBlock, TutorReply } from '../core/types.ts';
import { text } from '../core/types.ts';
import {
  hashString,
  isButtonQuestion,
  LETTERS,
  pointsFor,
  postBankQuestion,
  questionText,
  seededRandom,
} from './bank.ts';
import { localDay } from './cron.ts';
import { generateQuestion } from './generated.ts';
import {
  type DailyQuizRecord,
  isoWeek,
  type PostedQuestion,
  type Scope,
  type TutoringStore,
} from './store.ts';

export type Post = Omit<TutorReply, 'requestId'>;

export interface QuizTarget {
  platform: string;
  workspace: string;
  channel: string;
}

export interface DailyQuizOptions {
  store: TutoringStore;
  questions: Question[];
  /** How long a daily quiz stays open. Default 8 hours. */
  openMs?: number;
  /** Share of days that get a simulator-generated practical question instead of a bank one. Default 1/3. */
  generatedShare?: number;
}

export const scopeOfTarget = (t: QuizTarget): Scope => `${t.platform}:${t.workspace}`;

/** The button a daily answer arrives through; its value is typed back to the tutor as a command. */
export const dailyAnswerCommand = (quizId: string, index: number) => `/quiz daily ${quizId} ${index}`;

export class DailyQuiz {
  private readonly openMs: number;

  constructor(private readonly opts: DailyQuizOptions) {
    this.openMs = opts.openMs ?? 8 * 3600_000;
  }

  /** The day's question for a channel: the same for everyone there, different across channels and days. */
  async questionFor(channel: string, day: string, nth: number): Promise<PostedQuestion> {
    const seed = hashString(`${day}|${channel}${nth > 1 ? `|${nth}` : ''}`);
    const rand = seededRandom(seed);
    if (rand() < (this.opts.generatedShare ?? 1 / 3)) {
      const q = await generateQuestion(seed);
      if (q) return q;
    }
    const pool = this.opts.questions.filter(isButtonQuestion);
    if (pool.length === 0) throw new Error('the question bank has no choice or true/false questions');
    return postBankQuestion(pool[Math.floor(rand() * pool.length)]!);
  }

  /**
   * Posts a new quiz in the channel (closing the open one first). With a `runId` (a scheduler
   * tick), a re-run of the same tick posts the same quiz again instead of a second one.
   */
  async post(
    target: QuizTarget,
    now: number,
    tz = 'UTC',
    runId?: string,
  ): Promise<{ quiz: DailyQuizRecord; posts: Post[] }> {
    const scope = scopeOfTarget(target);
    const posts: Post[] = [];
    // A re-run of a tick uses up a quiz number before it finds its quiz: harmless, numbers only order.
    const seq = await this.opts.store.nextSeq(scope, target.channel);
    const id = `${localDay(now, tz)}-${seq}`;
    if (runId) {
      const bound = await this.opts.store.bindRun(scope, runId, id);
      const existing = bound ? await this.opts.store.getQuiz(scope, bound) : null;
      if (existing) return { quiz: existing, posts: [this.questionPost(existing)] };
    }
    const open = await this.opts.store.openQuiz(scope, target.channel);
    if (open) {
      const results = await this.close(scope, open, now);
      if (results) posts.push(results);
    }
    const day = localDay(now, tz);
    // The day's first quiz is the channel's question of the day; a TA's extra post that day differs.
    const question = await this.questionFor(target.channel, day, open?.startsWith(day) ? seq : 1);
    const quiz: DailyQuizRecord = {
      id,
      scope,
      platform: target.platform,
      workspace: target.workspace,
      channel: target.channel,
      day,
      seq,
      question,
      postedAt: now,
      closesAt: now + this.openMs,
    };
    await this.opts.store.saveQuiz(quiz);
    await this.opts.store.setOpenQuiz(scope, target.channel, id);
    posts.push(this.questionPost(quiz));
    return { quiz, posts };
  }

  questionPost(quiz: DailyQuizRecord): Post {
    const closes = new Date(quiz.closesAt)
      .toISOString()
      .replace(/:\d\d\.\d+Z$/, ' UTC')
      .replace('T', ' ');
    return {
      visibility: 'public',
      blocks: [
        text(
          `Daily quiz #${quiz.seq} (${quiz.question.topic}, ${quiz.question.difficulty}): one answer each, scored. Closes ${closes}.`,
        ),
        text(questionText(quiz.question)),
        {
          kind: 'buttons',
          buttons: quiz.question.choices.map((_, i) => ({
            id: `quiz-answer-${i}`,
            label: LETTERS[i]!,
            value: dailyAnswerCommand(quiz.id, i),
          })),
        },
      ],
    };
  }

  /** A student's button press: recorded once, answered privately at once. */
  async answer(
    scope: Scope,
    who: { userId: string; displayName?: string },
    quizId: string,
    choice: number,
    now: number,
  ): Promise<ReplyBlock[]> {
    const { store } = this.opts;
    const quiz = await store.getQuiz(scope, quizId);
    if (!quiz) return [text('That quiz does not exist (any more). Try /quiz for a practice question.')];
    if (quiz.closedAt !== undefined || now >= quiz.closesAt)
      return [
        text(
          `Quiz #${quiz.seq} is closed. The results were posted in the channel; /quiz gives you a practice question.`,
        ),
      ];
    if (!Number.isInteger(choice) || choice < 0 || choice >= quiz.question.choices.length)
      return [text(`Pick one of ${LETTERS.slice(0, quiz.question.choices.length).join(', ')}.`)];
    const correct = choice === quiz.question.answerIndex;
    await store.rememberUser(scope, who.userId, who.displayName);
    const recorded = await store.recordAnswer(scope, quizId, {
      userId: who.userId,
      ...(who.displayName ? { displayName: who.displayName } : {}),
      choice,
      correct,
      at: now,
    });
    if (!recorded)
      return [
        text(
          `You already answered quiz #${quiz.seq}; only your first answer counts. Results come when it closes.`,
        ),
      ];
    const streak = await store.updateStreak(scope, quiz.channel, who.userId, quiz.seq, correct);
    if (!correct)
      return [
        text(
          `Not quite: you chose ${LETTERS[choice]}. The answer is ${LETTERS[quiz.question.answerIndex]}) ${quiz.question.choices[quiz.question.answerIndex]}.`,
        ),
        text(quiz.question.explanation),
      ];
    const points = pointsFor(quiz.question.difficulty);
    await store.addScore(scope, who.userId, points, isoWeek(now));
    return [
      text(
        `Correct! +${points} point${points === 1 ? '' : 's'}. Streak: ${streak} quiz${streak === 1 ? '' : 'zes'} in a row.`,
      ),
      text(quiz.question.explanation),
    ];
  }

  /** Closes the quiz and returns the results post; null when it was closed already. */
  async close(scope: Scope, quizId: string, now: number): Promise<Post | null> {
    const { store } = this.opts;
    const quiz = await store.getQuiz(scope, quizId);
    if (!quiz || quiz.closedAt !== undefined) return null;
    quiz.closedAt = now;
    await store.saveQuiz(quiz);
    if ((await store.openQuiz(scope, quiz.channel)) === quizId)
      await store.setOpenQuiz(scope, quiz.channel, null);
    const answers = await store.answers(scope, quizId);
    const right = answers.filter((a) => a.correct).length;
    const share = answers.length === 0 ? 0 : Math.round((100 * right) / answers.length);
    const names = new Map((await store.users(scope)).map((u) => [u.userId, u.displayName ?? u.userId]));
    const top = await store.leaderboard(scope, isoWeek(quiz.postedAt), 3);
    const q = quiz.question;
    const lines = [
      `Quiz #${quiz.seq} is closed. The answer: ${LETTERS[q.answerIndex]}) ${q.choices[q.answerIndex]}`,
      q.explanation,
      answers.length === 0
        ? 'Nobody answered this one.'
        : `${right} of ${answers.length} answered correctly (${share}%).`,
    ];
    const blocks: ReplyBlock[] = [text(lines.join('\n'))];
    if (top.length > 0)
      blocks.push({
        kind: 'table',
        headers: ['#', 'Top this week', 'Points'],
        rows: top.map((r, i) => [String(i + 1), names.get(r.userId) ?? r.userId, String(r.score)]),
      });
    return { visibility: 'public', blocks };
  }

  /** Quizzes whose time is up: what the in-process scheduler closes. */
  async closeDue(scope: Scope, channel: string, now: number): Promise<Post | null> {
    const open = await this.opts.store.openQuiz(scope, channel);
    if (!open) return null;
    const quiz = await this.opts.store.getQuiz(scope, open);
    if (!quiz || quiz.closesAt > now) return null;
    return this.close(scope, open, now);
  }
}

/**
 * The tutoring store in Redis, so scores, streaks, schedules, lab progress and the audit log
 * survive restarts and are shared by every bot and worker process.
 *
 * Keys: `<prefix>:<platform>:<workspace>:...`; a student's one scored answer is an HSETNX, so two
 * presses of a button (or two processes) can never score twice.
 */
import type { Redis } from 'ioredis';
import { AUDIT_KEEP, nextStreak } from './memory-store.ts';
import {
  type AnswerRecord,
  type AuditEntry,
  type DailyQuizRecord,
  emptyLabProgress,
  type LabProgress,
  rankScores,
  type ScheduleRecord,
  type Scope,
  type ScoreRow,
  type TutoringStore,
} from './store.ts';

export interface RedisTutoringStoreOptions {
  /** Key prefix. Default `tutor:tutoring`. */
  prefix?: string;
  /** Close the connection on `close()` (when the store made it). Default false. */
  ownsConnection?: boolean;
}

export class RedisTutoringStore implements TutoringStore {
  private readonly prefix: string;

  constructor(
    private readonly redis: Redis,
    private readonly opts: RedisTutoringStoreOptions = {},
  ) {
    this.prefix = opts.prefix ?? 'tutor:tutoring';
  }

  private k(scope: Scope, ...parts: string[]): string {
    return [this.prefix, scope, ...parts].join(':');
  }

  async saveQuiz(q: DailyQuizRecord): Promise<void> {
    await this.redis.set(this.k(q.scope, 'quiz', q.id), JSON.stringify(q));
  }
  async getQuiz(scope: Scope, id: string): Promise<DailyQuizRecord | null> {
    const v = await this.redis.get(this.k(scope, 'quiz', id));
    return v === null ? null : (JSON.parse(v) as DailyQuizRecord);
  }
  async bindRun(scope: Scope, runId: string, quizId: string): Promise<string | null> {
    const key = this.k(scope, 'runs');
    if ((await this.redis.hsetnx(key, runId, quizId)) === 1) return null;
    return this.redis.hget(key, runId);
  }
  async openQuiz(scope: Scope, channel: string): Promise<string | null> {
    return this.redis.hget(this.k(scope, 'open'), channel);
  }
  async setOpenQuiz(scope: Scope, channel: string, id: string | null): Promise<void> {
    if (id === null) await this.redis.hdel(this.k(scope, 'open'), channel);
    else await this.redis.hset(this.k(scope, 'open'), channel, id);
  }
  async nextSeq(scope: Scope, channel: string): Promise<number> {
    return this.redis.hincrby(this.k(scope, 'seq'), channel, 1);
  }
  async recordAnswer(scope: Scope, quizId: string, a: AnswerRecord): Promise<boolean> {
    return (await this.redis.hsetnx(this.k(scope, 'answers', quizId), a.userId, JSON.stringify(a))) === 1;
  }
  async answers(scope: Scope, quizId: string): Promise<AnswerRecord[]> {
    const all = await this.redis.hvals(this.k(scope, 'answers', quizId));
    return all.map((v) => JSON.parse(v) as AnswerRecord).sort((a, b) => a.at - b.at);
  }
  private board(scope: Scope, week: string | null): string {
    return this.k(scope, 'score', week ?? 'all');
  }
  async addScore(scope: Scope, userId: string, points: number, week: string): Promise<void> {
    await this.redis
      .multi()
      .zincrby(this.board(scope, null), points, userId)
      .zincrby(this.board(scope, week), points, userId)
      .exec();
  }
  async leaderboard(scope: Scope, week: string | null, limit: number): Promise<ScoreRow[]> {
    // A course has at most a few thousand students: read the board whole and rank it the way the
    // memory store does (ties by user ID, not Redis' reverse lexicographic order).
    const flat = await this.redis.zrange(this.board(scope, week), 0, -1, 'WITHSCORES');
    const rows: ScoreRow[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) rows.push({ userId: flat[i]!, score: Number(flat[i + 1]) });
    return rankScores(rows, limit);
  }
  async score(scope: Scope, userId: string, week: string | null): Promise<number> {
    return Number((await this.redis.zscore(this.board(scope, week), userId)) ?? 0);
  }
  async updateStreak(
    scope: Scope,
    channel: string,
    userId: string,
    seq: number,
    correct: boolean,
  ): Promise<number> {
    // One answer per student per quiz (recordAnswer), so no two updates of one student race.
    const key = this.k(scope, 'streak', channel);
    const prev = await this.redis.hget(key, userId);
    const next = nextStreak(prev === null ? undefined : JSON.parse(prev), seq, correct);
    await this.redis.hset(key, userId, JSON.stringify(next));
    return next.streak;
  }
  async streak(scope: Scope, channel: string, userId: string): Promise<number> {
    const v = await this.redis.hget(this.k(scope, 'streak', channel), userId);
    return v === null ? 0 : (JSON.parse(v) as { streak: number }).streak;
  }
  async rememberUser(scope: Scope, userId: string, displayName?: string): Promise<void> {
    const key = this.k(scope, 'users');
    if (displayName) await this.redis.hset(key, userId, displayName);
    else await this.redis.hsetnx(key, userId, '');
  }
  async users(scope: Scope): Promise<Array<{ userId: string; displayName?: string }>> {
    const m = await this.redis.hgetall(this.k(scope, 'users'));
    return Object.entries(m)
      .map(([userId, name]) => (name ? { userId, displayName: name } : { userId }))
      .sort((a, b) => (a.userId < b.userId ? -1 : 1));
  }
  async setSchedule(s: ScheduleRecord): Promise<void> {
    await this.redis.hset(
      `${this.prefix}:schedules`,
      `${s.platform}:${s.workspace}|${s.channel}`,
      JSON.stringify(s),
    );
  }
  async schedules(): Promise<ScheduleRecord[]> {
    return Object.values(await this.redis.hgetall(`${this.prefix}:schedules`)).map(
      (v) => JSON.parse(v) as ScheduleRecord,
    );
  }
  async setPractice(scope: Scope, userId: string, ref: string | null): Promise<void> {
    if (ref === null) await this.redis.hdel(this.k(scope, 'practice'), userId);
    else await this.redis.hset(this.k(scope, 'practice'), userId, ref);
  }
  async practice(scope: Scope, userId: string): Promise<string | null> {
    return this.redis.hget(this.k(scope, 'practice'), userId);
  }
  async labProgress(scope: Scope, userId: string): Promise<LabProgress> {
    const v = await this.redis.hget(this.k(scope, 'labs'), userId);
    return v === null ? emptyLabProgress() : { ...emptyLabProgress(), ...(JSON.parse(v) as LabProgress) };
  }
  async saveLabProgress(scope: Scope, userId: string, p: LabProgress): Promise<void> {
    await this.redis.hset(this.k(scope, 'labs'), userId, JSON.stringify(p));
  }
  async audit(scope: Scope, e: AuditEntry): Promise<void> {
    const key = this.k(scope, 'audit');
    await this.redis.multi().rpush(key, JSON.stringify(e)).ltrim(key, -AUDIT_KEEP, -1).exec();
  }
  async auditLog(scope: Scope, limit: number): Promise<AuditEntry[]> {
    return (await this.redis.lrange(this.k(scope, 'audit'), -limit, -1)).map(
      (v) => JSON.parse(v) as AuditEntry,
    );
  }
  async close(): Promise<void> {
    if (this.opts.ownsConnection) await this.redis.quit();
  }
}

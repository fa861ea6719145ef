/** The tutoring store in this process' memory: the embedded default, gone when the process ends. */
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

/** Audit entries kept per scope; the Redis store keeps as many. */
export const AUDIT_KEEP = 10_000;

const clone = <T>(v: T): T => structuredClone(v);

export class MemoryTutoringStore implements TutoringStore {
  private readonly quizzes = new Map<string, DailyQuizRecord>();
  private readonly runs = new Map<string, string>();
  private readonly open = new Map<string, string>();
  private readonly seqs = new Map<string, number>();
  private readonly answerMap = new Map<string, Map<string, AnswerRecord>>();
  private readonly scores = new Map<string, Map<string, number>>();
  private readonly streaks = new Map<string, { seq: number; streak: number }>();
  private readonly userMap = new Map<string, Map<string, string>>();
  private readonly scheduleMap = new Map<string, ScheduleRecord>();
  private readonly practices = new Map<string, string>();
  private readonly labs = new Map<string, LabProgress>();
  private readonly audits = new Map<string, AuditEntry[]>();

  async saveQuiz(q: DailyQuizRecord): Promise<void> {
    this.quizzes.set(`${q.scope}|${q.id}`, clone(q));
  }
  async getQuiz(scope: Scope, id: string): Promise<DailyQuizRecord | null> {
    const q = this.quizzes.get(`${scope}|${id}`);
    return q ? clone(q) : null;
  }
  async bindRun(scope: Scope, runId: string, quizId: string): Promise<string | null> {
    const k = `${scope}|${runId}`;
    const prev = this.runs.get(k);
    if (prev !== undefined) return prev;
    this.runs.set(k, quizId);
    return null;
  }
  async openQuiz(scope: Scope, channel: string): Promise<string | null> {
    return this.open.get(`${scope}|${channel}`) ?? null;
  }
  async setOpenQuiz(scope: Scope, channel: string, id: string | null): Promise<void> {
    if (id === null) this.open.delete(`${scope}|${channel}`);
    else this.open.set(`${scope}|${channel}`, id);
  }
  async nextSeq(scope: Scope, channel: string): Promise<number> {
    const k = `${scope}|${channel}`;
    const n = (this.seqs.get(k) ?? 0) + 1;
    this.seqs.set(k, n);
    return n;
  }
  async recordAnswer(scope: Scope, quizId: string, a: AnswerRecord): Promise<boolean> {
    const k = `${scope}|${quizId}`;
    let m = this.answerMap.get(k);
    if (!m) {
      m = new Map();
      this.answerMap.set(k, m);
    }
    if (m.has(a.userId)) return false;
    m.set(a.userId, clone(a));
    return true;
  }
  async answers(scope: Scope, quizId: string): Promise<AnswerRecord[]> {
    return [...(this.answerMap.get(`${scope}|${quizId}`)?.values() ?? [])].map(clone);
  }
  private board(scope: Scope, week: string | null): Map<string, number> {
    const k = `${scope}|${week ?? 'all'}`;
    let m = this.scores.get(k);
    if (!m) {
      m = new Map();
      this.scores.set(k, m);
    }
    return m;
  }
  async addScore(scope: Scope, userId: string, points: number, week: string): Promise<void> {
    for (const b of [this.board(scope, null), this.board(scope, week)])
      b.set(userId, (b.get(userId) ?? 0) + points);
  }
  async leaderboard(scope: Scope, week: string | null, limit: number): Promise<ScoreRow[]> {
    return rankScores(
      [...this.board(scope, week)].map(([userId, score]) => ({ userId, score })),
      limit,
    );
  }
  async score(scope: Scope, userId: string, week: string | null): Promise<number> {
    return this.board(scope, week).get(userId) ?? 0;
  }
  async updateStreak(
    scope: Scope,
    channel: string,
    userId: string,
    seq: number,
    correct: boolean,
  ): Promise<number> {
    const k = `${scope}|${channel}|${userId}`;
    const next = nextStreak(this.streaks.get(k), seq, correct);
    this.streaks.set(k, next);
    return next.streak;
  }
  async streak(scope: Scope, channel: string, userId: string): Promise<number> {
    return this.streaks.get(`${scope}|${channel}|${userId}`)?.streak ?? 0;
  }
  async rememberUser(scope: Scope, userId: string, displayName?: string): Promise<void> {
    let m = this.userMap.get(scope);
    if (!m) {
      m = new Map();
      this.userMap.set(scope, m);
    }
    if (displayName || !m.has(userId)) m.set(userId, displayName ?? m.get(userId) ?? '');
  }
  async users(scope: Scope): Promise<Array<{ userId: string; displayName?: string }>> {
    return [...(this.userMap.get(scope) ?? [])]
      .map(([userId, name]) => (name ? { userId, displayName: name } : { userId }))
      .sort((a, b) => (a.userId < b.userId ? -1 : 1));
  }
  async setSchedule(s: ScheduleRecord): Promise<void> {
    this.scheduleMap.set(`${s.platform}:${s.workspace}|${s.channel}`, clone(s));
  }
  async schedules(): Promise<ScheduleRecord[]> {
    return [...this.scheduleMap.values()].map(clone);
  }
  async setPractice(scope: Scope, userId: string, ref: string | null): Promise<void> {
    if (ref === null) this.practices.delete(`${scope}|${userId}`);
    else this.practices.set(`${scope}|${userId}`, ref);
  }
  async practice(scope: Scope, userId: string): Promise<string | null> {
    return this.practices.get(`${scope}|${userId}`) ?? null;
  }
  async labProgress(scope: Scope, userId: string): Promise<LabProgress> {
    return clone(this.labs.get(`${scope}|${userId}`) ?? emptyLabProgress());
  }
  async saveLabProgress(scope: Scope, userId: string, p: LabProgress): Promise<void> {
    this.labs.set(`${scope}|${userId}`, clone(p));
  }
  async audit(scope: Scope, e: AuditEntry): Promise<void> {
    let l = this.audits.get(scope);
    if (!l) {
      l = [];
      this.audits.set(scope, l);
    }
    l.push(clone(e));
    if (l.length > AUDIT_KEEP) l.splice(0, l.length - AUDIT_KEEP);
  }
  async auditLog(scope: Scope, limit: number): Promise<AuditEntry[]> {
    return (this.audits.get(scope) ?? []).slice(-limit).map(clone);
  }
  async close(): Promise<void> {}
}

/** A correct answer to the quiz right after the last one counted extends the streak. */
export function nextStreak(
  prev: { seq: number; streak: number } | undefined,
  seq: number,
  correct: boolean,
): { seq: number; streak: number } {
  if (!correct) return { seq, streak: 0 };
  if (prev && prev.seq === seq - 1 && prev.streak > 0) return { seq, streak: prev.streak + 1 };
  return { seq, streak: 1 };
}

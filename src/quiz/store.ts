/**
 * Everything the tutoring remembers: daily quizzes and answers, scores and streaks, schedules,
 * lab progress and the TA audit log. One interface, kept in Redis when REDIS_URL is set and in
 * memory otherwise; one contract suite (test/quiz/store.test.ts) runs against both.
 *
 * Every key is scoped by `platform:workspace`, so two Slack workspaces never share a leaderboard.
 */

/** `platform:workspace`. */
export type Scope = string;

export function scopeOf(identity: { platform: string; workspace: string }): Scope {
  return `${identity.platform}:${identity.workspace}`;
}

/** A question as posted: the text and choices the students saw, and what was right. */
export interface PostedQuestion {
  /** Bank question ID, or `gen:<kind>:<seed>` for a generated one. */
  ref: string;
  text: string;
  choices: string[];
  answerIndex: number;
  explanation: string;
  topic: string;
  difficulty: 'easy' | 'medium' | 'hard';
}

export interface DailyQuizRecord {
  id: string;
  scope: Scope;
  platform: string;
  workspace: string;
  channel: string;
  /** The calendar day it is the quiz of, `YYYY-MM-DD` in the schedule's time zone. */
  day: string;
  /** The channel's nth quiz: streaks count consecutive quizzes. */
  seq: number;
  question: PostedQuestion;
  postedAt: number;
  closesAt: number;
  closedAt?: number;
}

export interface AnswerRecord {
  userId: string;
  displayName?: string;
  choice: number;
  correct: boolean;
  at: number;
}

export interface ScheduleRecord {
  platform: string;
  workspace: string;
  channel: string;
  cron: string;
  tz: string;
  setBy: string;
  setAt: number;
}

export interface LabProgress {
  current?: string;
  started: Record<string, number>;
  completed: Record<string, number>;
  /** Hints shown per lab. */
  hints: Record<string, number>;
}

export interface AuditEntry {
  at: number;
  actor: string;
  action: string;
  target?: string;
  channel?: string;
  /** What happened (`reset 3 sandboxes`, `refused: not a TA`). */
  outcome: string;
}

export interface ScoreRow {
  userId: string;
  score: number;
}

export interface TutoringStore {
  saveQuiz(q: DailyQuizRecord): Promise<void>;
  getQuiz(scope: Scope, id: string): Promise<DailyQuizRecord | null>;
  /** The quiz a scheduler run produced, so a re-run posts the same one. Returns the ID already bound, if any. */
  bindRun(scope: Scope, runId: string, quizId: string): Promise<string | null>;
  openQuiz(scope: Scope, channel: string): Promise<string | null>;
  setOpenQuiz(scope: Scope, channel: string, id: string | null): Promise<void>;
  /** Next quiz number of a channel, from 1. */
  nextSeq(scope: Scope, channel: string): Promise<number>;
  /** Records the student's one scored answer; false when they had answered already. */
  recordAnswer(scope: Scope, quizId: string, a: AnswerRecord): Promise<boolean>;
  answers(scope: Scope, quizId: string): Promise<AnswerRecord[]>;

  addScore(scope: Scope, userId: string, points: number, week: string): Promise<void>;
  /** Highest first; ties by user ID. `week` null = all time. */
  leaderboard(scope: Scope, week: string | null, limit: number): Promise<ScoreRow[]>;
  score(scope: Scope, userId: string, week: string | null): Promise<number>;
  /** After an answer to quiz number `seq`: the new streak. */
  updateStreak(scope: Scope, channel: string, userId: string, seq: number, correct: boolean): Promise<number>;
  streak(scope: Scope, channel: string, userId: string): Promise<number>;

  rememberUser(scope: Scope, userId: string, displayName?: string): Promise<void>;
  users(scope: Scope): Promise<Array<{ userId: string; displayName?: string }>>;

  setSchedule(s: ScheduleRecord): Promise<void>;
  schedules(): Promise<ScheduleRecord[]>;

  setPractice(scope: Scope, userId: string, ref: string | null): Promise<void>;
  practice(scope: Scope, userId: string): Promise<string | null>;

  labProgress(scope: Scope, userId: string): Promise<LabProgress>;
  saveLabProgress(scope: Scope, userId: string, p: LabProgress): Promise<void>;

  audit(scope: Scope, e: AuditEntry): Promise<void>;
  auditLog(scope: Scope, limit: number): Promise<AuditEntry[]>;

  close(): Promise<void>;
}

export const emptyLabProgress = (): LabProgress => ({ started: {}, completed: {}, hints: {} });

export function rankScores(rows: ScoreRow[], limit: number): ScoreRow[] {
  return rows
    .filter((r) => r.score > 0)
    .sort((a, b) => b.score - a.score || (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0))
    .slice(0, limit);
}

/** ISO week of a moment, in UTC: `2026-W48`. Weekly leaderboards reset on Monday 00:00 UTC. */
export function isoWeek(ms: number): string {
  const d = new Date(ms);
  const day = (d.getUTCDay() + 6) % 7; // Monday = 0
  const thursday = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - day + 3);
  const year = new Date(thursday).getUTCFullYear();
  // The week's Thursday decides its year; weeks count from the year's first Thursday.
  const week = 1 + Math.floor((thursday - Date.UTC(year, 0, 1)) / (7 * 86_400_000));
  return `${year}-W${String(week).padStart(2, '0')}`;
}

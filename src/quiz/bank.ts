/**
 * The question bank as the quiz uses it: picking (seeded or not), turning a bank question into the
 * text and choices students see, and judging typed answers.
 */
import type { Question } from '../content/schemas.ts';
import type { PostedQuestion } from './store.ts';

export const LETTERS = ['A', 'B', 'C', 'D', 'E'];

/** mulberry32: a small deterministic generator for seeded picks. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a of a string: seeds from day and channel. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function shuffled<T>(items: readonly T[], rand: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Questions that can be answered with buttons (daily quizzes need them). */
export function isButtonQuestion(q: Question): q is Extract<Question, { type: 'choice' | 'truefalse' }> {
  return q.type === 'choice' || q.type === 'truefalse';
}

/** A bank question as posted; choices keep the author's order (they are often ordered on purpose). */
export function postBankQuestion(q: Extract<Question, { type: 'choice' | 'truefalse' }>): PostedQuestion {
  const choices = q.type === 'choice' ? q.choices : ['True', 'False'];
  const answerIndex = q.type === 'choice' ? q.choices.indexOf(q.answer) : q.answer ? 0 : 1;
  return {
    ref: q.id,
    text: q.question,
    choices,
    answerIndex,
    explanation: q.explanation,
    topic: q.topic,
    difficulty: q.difficulty,
  };
}

/** Points for a correct answer. */
export function pointsFor(difficulty: PostedQuestion['difficulty']): number {
  return difficulty === 'easy' ? 1 : difficulty === 'medium' ? 2 : 3;
}

/** The question with lettered choices, as chat shows it. */
export function questionText(q: PostedQuestion): string {
  return `${q.text}\n${q.choices.map((c, i) => `${LETTERS[i]}) ${c}`).join('\n')}`;
}

/** Typed answers are compared without case, surrounding spaces, backticks or repeated blanks. */
export function normalizeAnswer(s: string): string {
  return s
    .trim()
    .replace(/^`+|`+$/g, '')
    .replace(/\s+/g, ' ')
    .toLowerCase();
}

export function shortAnswerCorrect(q: Extract<Question, { type: 'short' }>, given: string): boolean {
  const g = normalizeAnswer(given);
  return [q.answer, ...(q.accept ?? [])].some((a) => normalizeAnswer(a) === g);
}

/**
 * `/quiz`: practice questions (unscored), daily answers (buttons), leaderboards, and the TA
 * subcommands (post now, schedule, close).
 */
import { TOPICS } from '../content/schemas.ts';
import { reply, type SlashHandler } from '../core/slash-commands.ts';
import { type ReplyBlock, type TutorReply, type TutorRequest, text } from '../core/types.ts';
import { closeNow, postNow, schedule } from '../ta/quiz-admin.ts';
import { type Tutoring, tutoringFor } from '../ta/tutoring.ts';
import {
  isButtonQuestion,
  LETTERS,
  normalizeAnswer,
  postBankQuestion,
  questionText,
  shortAnswerCorrect,
} from './bank.ts';
import { checkCommandAnswer } from './command-check.ts';
import { generateQuestion, questionFromRef } from './generated.ts';
import { isoWeek, type PostedQuestion, scopeOf } from './store.ts';

export const QUIZ_USAGE = [
  '/quiz: a practice question (not scored); /quiz TOPIC for one topic; /quiz practical for one the simulator builds',
  '/quiz answer TEXT: answer a practice question that wants typing',
  '/quiz leaderboard [week|all]: the top scorers; /quiz me: your points and streak',
  '/quiz schedule: when the daily quiz posts here',
  'TAs: /quiz post now, /quiz schedule CRON TZ, /quiz close',
].join('\n');

const say = (req: TutorRequest, ...blocks: ReplyBlock[]): TutorReply => reply(req, ...blocks);

/** A practice question for buttons: each button types `/quiz try REF N` back. */
function practiceBlocks(q: PostedQuestion, note: string): ReplyBlock[] {
  return [
    text(`Practice (${q.topic}, ${q.difficulty}; not scored). ${note}`.trim()),
    text(questionText(q)),
    {
      kind: 'buttons',
      buttons: q.choices.map((_, i) => ({
        id: `quiz-try-${i}`,
        label: LETTERS[i]!,
        value: `/quiz try ${q.ref} ${i}`,
      })),
    },
  ];
}

async function practice(t: Tutoring, req: TutorRequest, topic?: string): Promise<TutorReply> {
  const scope = scopeOf(req.identity);
  if (topic === 'practical') {
    const q = await generateQuestion((t.clock.now() ^ hash(req.identity.userId)) >>> 0);
    if (!q) return say(req, text('The simulator could not build a practical question right now; try /quiz.'));
    await t.store.setPractice(scope, req.identity.userId, q.ref);
    return say(req, ...practiceBlocks(q, 'The simulator built this one and knows the answer.'));
  }
  const pool = t.content.questions.filter((q) => !topic || q.topic === topic);
  if (pool.length === 0) return say(req, text(`No questions on "${topic}". Topics: ${TOPICS.join(', ')}.`));
  const q = pool[Math.floor(Math.random() * pool.length)]!;
  await t.store.setPractice(scope, req.identity.userId, q.id);
  if (isButtonQuestion(q)) return say(req, ...practiceBlocks(postBankQuestion(q), ''));
  const how =
    q.type === 'command'
      ? 'Answer with the command: /quiz answer docker ... (it runs in a scratch sandbox and the result is compared, not the text).'
      : 'Answer with /quiz answer YOUR ANSWER.';
  return say(req, text(`Practice (${q.topic}, ${q.difficulty}; not scored).`), text(q.question), text(how));
}

async function tryChoice(t: Tutoring, req: TutorRequest, ref: string, idx: number): Promise<TutorReply> {
  const bank = t.content.questions.find((q) => q.id === ref);
  const q = bank && isButtonQuestion(bank) ? postBankQuestion(bank) : await questionFromRef(ref);
  if (!q) return say(req, text('That practice question is gone; /quiz gives you a new one.'));
  const ok = idx === q.answerIndex;
  return say(
    req,
    text(
      ok
        ? `Correct: ${LETTERS[idx]}) ${q.choices[idx]}`
        : `Not quite. The answer is ${LETTERS[q.answerIndex]}) ${q.choices[q.answerIndex]}.`,
    ),
    text(q.explanation),
    text('Another? /quiz'),
  );
}

async function typedAnswer(t: Tutoring, req: TutorRequest, given: string): Promise<TutorReply> {
  const scope = scopeOf(req.identity);
  const ref = await t.store.practice(scope, req.identity.userId);
  const q = ref ? t.content.questions.find((x) => x.id === ref) : undefined;
  if (!q)
    return say(req, text('There is no practice question waiting for a typed answer. Start one with /quiz.'));
  if (given.trim() === '') return say(req, text('Usage: /quiz answer YOUR ANSWER'));
  if (q.type === 'short') {
    const ok = shortAnswerCorrect(q, given);
    return say(req, text(ok ? 'Correct!' : `Not quite. The answer: ${q.answer}`), text(q.explanation));
  }
  if (q.type === 'command') {
    const v = await checkCommandAnswer(q.setup ?? [], q.answer, given);
    const blocks: ReplyBlock[] = [];
    if (v.correct) blocks.push(text('Correct: your command leaves the sandbox exactly as asked.'));
    else {
      blocks.push(text('Not quite. Your command, run in a scratch sandbox, printed:'));
      blocks.push({ kind: 'code', text: v.output === '' ? '(no output)' : v.output });
      if (v.differences.length)
        blocks.push(text(`What differs from the goal:\n- ${v.differences.slice(0, 8).join('\n- ')}`));
      blocks.push(text(`One command that works: ${q.answer}`));
    }
    blocks.push(text(q.explanation));
    await t.store.setPractice(scope, req.identity.userId, null);
    return say(req, ...blocks);
  }
  // A choice question answered by typing its letter or text.
  const p = postBankQuestion(q);
  const g = normalizeAnswer(given);
  const idx = LETTERS.findIndex((l) => l.toLowerCase() === g);
  const byText = p.choices.findIndex((c) => normalizeAnswer(c) === g);
  return tryChoice(t, req, q.id, idx >= 0 ? idx : byText);
}

async function leaderboard(t: Tutoring, req: TutorRequest, period: string): Promise<TutorReply> {
  const scope = scopeOf(req.identity);
  const weekly = period !== 'all';
  const rows = await t.store.leaderboard(scope, weekly ? isoWeek(t.clock.now()) : null, 10);
  const names = new Map((await t.store.users(scope)).map((u) => [u.userId, u.displayName ?? u.userId]));
  const title = weekly ? `Leaderboard, week ${isoWeek(t.clock.now())}` : 'Leaderboard, all time';
  if (rows.length === 0)
    return say(req, text(`${title}: no points yet. The daily quiz is where they come from.`));
  return say(req, text(title), {
    kind: 'table',
    headers: ['#', 'Student', 'Points'],
    rows: rows.map((r, i) => [String(i + 1), names.get(r.userId) ?? r.userId, String(r.score)]),
  });
}

async function me(t: Tutoring, req: TutorRequest): Promise<TutorReply> {
  const scope = scopeOf(req.identity);
  const id = req.identity.userId;
  const week = await t.store.score(scope, id, isoWeek(t.clock.now()));
  const all = await t.store.score(scope, id, null);
  const streak = await t.store.streak(scope, req.channel, id);
  return say(
    req,
    text(
      `You have ${week} point${week === 1 ? '' : 's'} this week, ${all} in all. Streak in this channel: ${streak}.`,
    ),
  );
}

export const quizCommand: SlashHandler = async (req, args, deps) => {
  const t = tutoringFor(deps);
  const words = args.trim().split(/\s+/).filter(Boolean);
  const sub = (words[0] ?? '').toLowerCase();
  const rest = args.trim().slice(sub.length).trim();
  switch (sub) {
    case '':
    case 'practice':
      return practice(t, req, words[1]);
    case 'practical':
      return practice(t, req, 'practical');
    case 'try':
      return tryChoice(t, req, words[1] ?? '', Number(words[2]));
    case 'answer':
      return typedAnswer(t, req, rest);
    case 'daily': {
      const blocks = await t.daily.answer(
        scopeOf(req.identity),
        {
          userId: req.identity.userId,
          ...(req.identity.displayName ? { displayName: req.identity.displayName } : {}),
        },
        words[1] ?? '',
        Number(words[2]),
        t.clock.now(),
      );
      return say(req, ...blocks);
    }
    case 'leaderboard':
    case 'top':
      return leaderboard(t, req, (words[1] ?? 'week').toLowerCase());
    case 'me':
    case 'score':
      return me(t, req);
    case 'post':
      if ((words[1] ?? '').toLowerCase() !== 'now') return say(req, text('Usage: /quiz post now'));
      return postNow(t, req);
    case 'schedule':
      return schedule(t, req, rest);
    case 'close':
      return closeNow(t, req);
    case 'help':
      return say(req, text(QUIZ_USAGE));
    default:
      if ((TOPICS as readonly string[]).includes(sub)) return practice(t, req, sub);
      return say(req, text(`Unknown /quiz subcommand "${sub.slice(0, 40)}".\n${QUIZ_USAGE}`));
  }
};

function hash(s: string): number {
  let h = 0;
  for (const c of s) h = (Math.imul(h, 31) + c.charCodeAt(0)) | 0;
  return h >>> 0;
}

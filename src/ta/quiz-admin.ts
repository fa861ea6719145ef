/** TA subcommands of /quiz: post now, schedule, close. */
import { type TutorReply, type TutorRequest, text } from '../core/types.ts';
import { CronError, nextFire, parseCron } from '../quiz/cron.ts';
import type { QuizTarget } from '../quiz/daily.ts';
import { ClockQuizScheduler } from '../quiz/scheduler.ts';
import { scopeOf } from '../quiz/store.ts';
import { recordAction, refuseUnlessTa } from './audit.ts';
import type { Tutoring } from './tutoring.ts';

const targetOf = (req: TutorRequest): QuizTarget => ({
  platform: req.identity.platform,
  workspace: req.identity.workspace,
  channel: req.channel,
});

const priv = (req: TutorRequest, ...lines: string[]): TutorReply => ({
  requestId: req.id,
  visibility: 'private',
  blocks: lines.map(text),
});

/** `/quiz post now`: the reply is the post itself, in the channel (after the previous quiz's results). */
export async function postNow(t: Tutoring, req: TutorRequest): Promise<TutorReply> {
  const refused = await refuseUnlessTa(t, req, '/quiz post now');
  if (refused) return priv(req, refused);
  const target = targetOf(req);
  const schedule = (await t.store.schedules()).find(
    (s) => s.platform === target.platform && s.workspace === target.workspace && s.channel === target.channel,
  );
  const { quiz, posts } = await t.daily.post(target, t.clock.now(), schedule?.tz ?? 'UTC');
  await t.scheduler.closeAt(target, quiz.id, quiz.closesAt);
  await recordAction(
    t,
    req,
    '/quiz post now',
    `posted quiz #${quiz.seq} (${quiz.question.ref})`,
    req.channel,
  );
  return { requestId: req.id, visibility: 'public', blocks: posts.flatMap((p) => p.blocks) };
}

/** `/quiz schedule CRON TZ` (the time zone is the last word), or `/quiz schedule` to show it. */
export async function schedule(t: Tutoring, req: TutorRequest, args: string): Promise<TutorReply> {
  const target = targetOf(req);
  const words = args
    .trim()
    .replace(/^["']|["']$/g, '')
    .split(/\s+/)
    .filter(Boolean);
  if (words.length === 0) {
    const s = (await t.store.schedules()).find(
      (x) =>
        x.platform === target.platform && x.workspace === target.workspace && x.channel === target.channel,
    );
    if (!s)
      return priv(
        req,
        'No daily quiz is scheduled in this channel. A TA sets one with /quiz schedule 0 9 * * 1-5 Europe/Berlin',
      );
    return priv(
      req,
      `Daily quiz here: \`${s.cron}\` in ${s.tz} (set by ${s.setBy}).${nextText(s.cron, s.tz, t.clock.now())}`,
    );
  }
  const refused = await refuseUnlessTa(t, req, '/quiz schedule');
  if (refused) return priv(req, refused);
  // A time zone is an IANA name (Europe/Berlin) or UTC; a last word like `mon` is a weekday.
  const tz = words.length > 1 && /\/|^(UTC|GMT)$/i.test(words[words.length - 1]!) ? words.pop()! : 'UTC';
  const cron = words.join(' ');
  try {
    await t.scheduler.setDaily(target, cron, tz);
  } catch (e) {
    if (!(e instanceof CronError)) throw e;
    await recordAction(t, req, '/quiz schedule', `rejected: ${e.message}`, `${cron} ${tz}`);
    return priv(
      req,
      `That schedule does not work: ${e.message}.`,
      'Usage: /quiz schedule MINUTE HOUR DAY MONTH WEEKDAY TIMEZONE, e.g. /quiz schedule 0 9 * * 1-5 Europe/Berlin',
    );
  }
  await t.store.setSchedule({ ...target, cron, tz, setBy: req.identity.userId, setAt: t.clock.now() });
  await recordAction(t, req, '/quiz schedule', 'scheduled', `${cron} ${tz}`);
  return priv(
    req,
    `Daily quiz scheduled in this channel: \`${cron}\` in ${tz}.${nextText(cron, tz, t.clock.now())}`,
  );
}

function nextText(cron: string, tz: string, now: number): string {
  const next = nextFire(parseCron(cron), tz, now);
  return next === null
    ? ''
    : ` Next post: ${new Date(next)
        .toISOString()
        .replace('T', ' ')
        .replace(/:\d\d\.\d+Z$/, ' UTC')}.`;
}

/** `/quiz close`: closes the channel's open quiz now and posts the results. */
export async function closeNow(t: Tutoring, req: TutorRequest): Promise<TutorReply> {
  const refused = await refuseUnlessTa(t, req, '/quiz close');
  if (refused) return priv(req, refused);
  const scope = scopeOf(req.identity);
  const open = await t.store.openQuiz(scope, req.channel);
  const post = open ? await t.daily.close(scope, open, t.clock.now()) : null;
  await recordAction(t, req, '/quiz close', post ? `closed ${open}` : 'nothing open', req.channel);
  if (!post) return priv(req, 'No quiz is open in this channel.');
  return { requestId: req.id, visibility: 'public', blocks: post.blocks };
}

/** For tests and the console: the in-process scheduler, when that is what runs. */
export function clockScheduler(t: Tutoring): ClockQuizScheduler | null {
  return t.scheduler instanceof ClockQuizScheduler ? t.scheduler : null;
}

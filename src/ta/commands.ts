/** TA tools: `/sandbox reset @student|all` and `/course progress|audit`. Every use is audited. */
import { reply, type SlashHandler } from '../core/slash-commands.ts';
import { type TutorRequest, text } from '../core/types.ts';
import { isoWeek, scopeOf } from '../quiz/store.ts';
import { sandboxKey } from '../sandbox/backend.ts';
import { recordAction, refuseUnlessTa } from './audit.ts';
import { tutoringFor } from './tutoring.ts';

/** `<@U123>` (Slack), `<@U123|name>`, `<@!123>` (Discord) or `@alice` (console) -> user ID. */
export function mentionedUser(word: string): string | null {
  const m = /^<@!?([A-Za-z0-9_.-]+)(?:\|[^>]*)?>$/.exec(word) ?? /^@([A-Za-z0-9_.-]+)$/.exec(word);
  return m ? m[1]! : null;
}

const FRESH = 'only the default networks bridge, host and none remain.';

export const sandboxCommand: SlashHandler = async (req, args, deps) => {
  const words = args.trim().split(/\s+/).filter(Boolean);
  if (words[0] !== 'reset' || words.length > 2)
    return reply(
      req,
      text(
        'Usage: /sandbox reset: throws your sandbox away and starts a fresh one. TAs: /sandbox reset @student|all',
      ),
    );
  const own = sandboxKey(req.identity.platform, req.identity.workspace, req.identity.userId);
  if (words.length === 1) {
    await deps.backend.reset(own);
    return reply(req, text(`Your sandbox is fresh again: ${FRESH}`));
  }
  const t = tutoringFor(deps);
  const refused = await refuseUnlessTa(t, req, '/sandbox reset');
  if (refused) return reply(req, text(refused));
  const who = words[1]!;
  if (who === 'all') {
    const prefix = sandboxKey(req.identity.platform, req.identity.workspace, '');
    const keys = (await deps.backend.list()).filter((k) => k.startsWith(prefix));
    for (const k of keys) await deps.backend.reset(k);
    await recordAction(t, req, '/sandbox reset', `reset ${keys.length} sandboxes`, 'all');
    return reply(
      req,
      text(`Reset ${keys.length} sandbox${keys.length === 1 ? '' : 'es'} in this workspace: ${FRESH}`),
    );
  }
  const userId = mentionedUser(who);
  if (!userId)
    return reply(
      req,
      text(`"${who.slice(0, 60)}" is not a student mention. Usage: /sandbox reset @student|all`),
    );
  await deps.backend.reset(sandboxKey(req.identity.platform, req.identity.workspace, userId));
  await recordAction(t, req, '/sandbox reset', 'reset', userId);
  return reply(req, text(`${userId}'s sandbox is fresh again: ${FRESH}`));
};

function csvCell(v: string): string {
  return /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

async function progress(req: TutorRequest, deps: Parameters<SlashHandler>[2]) {
  const t = tutoringFor(deps);
  const scope = scopeOf(req.identity);
  const labs = t.content.labs;
  const week = isoWeek(t.clock.now());
  const rows: string[][] = [];
  for (const u of await t.store.users(scope)) {
    const p = await t.store.labProgress(scope, u.userId);
    const done = labs.filter((l) => p.completed[l.id]).map((l) => l.id);
    rows.push([
      u.userId,
      u.displayName ?? '',
      `${done.length}/${labs.length}`,
      String(await t.store.score(scope, u.userId, week)),
      String(await t.store.score(scope, u.userId, null)),
      String(await t.store.streak(scope, req.channel, u.userId)),
      ...labs.map((l) => (p.completed[l.id] ? 'done' : p.started[l.id] ? 'started' : '')),
    ]);
  }
  const headers = ['user', 'name', 'labs', 'week', 'total', 'streak', ...labs.map((l) => l.id)];
  const csv = [headers, ...rows].map((r) => r.map(csvCell).join(',')).join('\n');
  await recordAction(t, req, '/course progress', `${rows.length} student${rows.length === 1 ? '' : 's'}`);
  return reply(
    req,
    text(
      `Course progress: ${rows.length} student${rows.length === 1 ? '' : 's'}, ${labs.length} labs, quiz points for week ${week} and in total.`,
    ),
    { kind: 'table', headers: headers.slice(0, 6), rows: rows.map((r) => r.slice(0, 6)) },
    {
      kind: 'file',
      name: `course-progress-${new Date(t.clock.now()).toISOString().slice(0, 10)}.csv`,
      text: `${csv}\n`,
    },
  );
}

async function auditLog(req: TutorRequest, deps: Parameters<SlashHandler>[2]) {
  const t = tutoringFor(deps);
  const entries = await t.store.auditLog(scopeOf(req.identity), 20);
  if (entries.length === 0) return reply(req, text('The audit log is empty.'));
  return reply(req, text('Last TA actions:'), {
    kind: 'table',
    headers: ['When (UTC)', 'Who', 'Action', 'Target', 'Outcome'],
    rows: entries.map((e) => [
      new Date(e.at).toISOString().slice(0, 16).replace('T', ' '),
      e.actor,
      e.action,
      e.target ?? '',
      e.outcome,
    ]),
  });
}

export const courseCommand: SlashHandler = async (req, args, deps) => {
  const sub = args.trim().toLowerCase() || 'progress';
  const t = tutoringFor(deps);
  const refused = await refuseUnlessTa(t, req, `/course ${sub}`.slice(0, 60));
  if (refused) return reply(req, text(refused));
  if (sub === 'progress') return progress(req, deps);
  if (sub === 'audit') return auditLog(req, deps);
  return reply(req, text('Usage: /course progress | /course audit'));
};

/** `/lab list|start|check|hint|reset`: guided exercises checked against the student's own sandbox. */
import type { Lab } from '../content/schemas.ts';
import { reply, type SlashHandler } from '../core/slash-commands.ts';
import { type ReplyBlock, type TutorReply, type TutorRequest, text } from '../core/types.ts';
import { scopeOf } from '../quiz/store.ts';
import type { SandboxBackend } from '../sandbox/backend.ts';
import { sandboxKey } from '../sandbox/backend.ts';
import { type Tutoring, tutoringFor } from '../ta/tutoring.ts';
import { runChecks } from './checks.ts';
import { sandboxFacts } from './facts.ts';

export const LAB_USAGE = 'Usage: /lab list | /lab start LAB | /lab check [ANSWER] | /lab hint | /lab reset';

const keyOf = (req: TutorRequest) =>
  sandboxKey(req.identity.platform, req.identity.workspace, req.identity.userId);

async function prepare(backend: SandboxBackend, req: TutorRequest, lab: Lab): Promise<string[]> {
  const key = keyOf(req);
  if (lab.reset !== false) await backend.reset(key);
  const problems: string[] = [];
  for (const line of lab.setup ?? []) {
    const r = await backend.exec(key, line);
    if (r.exitCode !== 0) problems.push(`${line}: ${r.output.trim().split('\n')[0]}`);
  }
  return problems;
}

function findLab(t: Tutoring, id: string): Lab | undefined {
  return t.content.labs.find((l) => l.id === id.toLowerCase());
}

async function list(t: Tutoring, req: TutorRequest): Promise<TutorReply> {
  const p = await t.store.labProgress(scopeOf(req.identity), req.identity.userId);
  return reply(req, text(`${t.content.labs.length} labs. Start one with /lab start LAB.`), {
    kind: 'table',
    headers: ['Lab', 'Title', 'Topic', 'Level', 'Status'],
    rows: t.content.labs.map((l) => [
      l.id,
      l.title,
      l.topic,
      l.difficulty,
      p.completed[l.id] ? 'done' : p.current === l.id ? 'current' : p.started[l.id] ? 'started' : '',
    ]),
  });
}

async function start(
  t: Tutoring,
  backend: SandboxBackend,
  req: TutorRequest,
  id: string,
): Promise<TutorReply> {
  const lab = findLab(t, id);
  if (!lab) return reply(req, text(`No lab "${id.slice(0, 40)}". /lab list shows them.`));
  const scope = scopeOf(req.identity);
  const problems = await prepare(backend, req, lab);
  const p = await t.store.labProgress(scope, req.identity.userId);
  p.current = lab.id;
  p.started[lab.id] ??= t.clock.now();
  await t.store.saveLabProgress(scope, req.identity.userId, p);
  await t.store.rememberUser(scope, req.identity.userId, req.identity.displayName);
  const blocks: ReplyBlock[] = [
    text(`Lab ${lab.id}: ${lab.title}${lab.reset === false ? '' : ' (your sandbox was reset for it)'}`),
    text(lab.goal),
    text(lab.steps.map((s, i) => `${i + 1}. ${s}`).join('\n')),
    text('Run the commands with /docker ..., then /lab check. Stuck? /lab hint'),
  ];
  if (problems.length) blocks.push(text(`Setup did not fully work:\n${problems.join('\n')}`));
  return reply(req, ...blocks);
}

async function check(
  t: Tutoring,
  backend: SandboxBackend,
  req: TutorRequest,
  answer: string,
): Promise<TutorReply> {
  const scope = scopeOf(req.identity);
  const p = await t.store.labProgress(scope, req.identity.userId);
  const lab = p.current ? findLab(t, p.current) : undefined;
  if (!lab) return reply(req, text('You have no lab started. /lab list, then /lab start LAB.'));
  const facts = await sandboxFacts(backend, keyOf(req));
  const results = runChecks(lab, facts, answer === '' ? undefined : answer);
  const passed = results.filter((r) => r.ok).length;
  const lines = results.map((r) => (r.ok ? `[x] ${r.expect}` : `[ ] ${r.expect}: ${r.detail}`));
  const done = passed === results.length;
  if (done && !p.completed[lab.id]) {
    p.completed[lab.id] = t.clock.now();
    await t.store.saveLabProgress(scope, req.identity.userId, p);
  }
  return reply(
    req,
    text(`Lab ${lab.id}: ${passed} of ${results.length} checks pass.`),
    text(lines.join('\n')),
    text(
      done
        ? 'Lab complete. Well done! /lab list for the next one.'
        : 'Keep going; /lab hint if you are stuck.',
    ),
  );
}

async function hint(t: Tutoring, req: TutorRequest): Promise<TutorReply> {
  const scope = scopeOf(req.identity);
  const p = await t.store.labProgress(scope, req.identity.userId);
  const lab = p.current ? findLab(t, p.current) : undefined;
  if (!lab) return reply(req, text('You have no lab started. /lab start LAB first.'));
  const n = Math.min((p.hints[lab.id] ?? 0) + 1, lab.hints.length);
  p.hints[lab.id] = n;
  await t.store.saveLabProgress(scope, req.identity.userId, p);
  return reply(req, text(`Hint ${n} of ${lab.hints.length}: ${lab.hints[n - 1]}`));
}

async function resetLab(t: Tutoring, backend: SandboxBackend, req: TutorRequest): Promise<TutorReply> {
  const p = await t.store.labProgress(scopeOf(req.identity), req.identity.userId);
  const lab = p.current ? findLab(t, p.current) : undefined;
  if (!lab) return reply(req, text('You have no lab started; /sandbox reset resets your sandbox.'));
  const problems = await prepare(backend, req, { ...lab, reset: true });
  return reply(
    req,
    text(`Lab ${lab.id} starts over: your sandbox is fresh${lab.setup?.length ? ' and set up again' : ''}.`),
    ...(problems.length ? [text(`Setup did not fully work:\n${problems.join('\n')}`)] : []),
  );
}

export const labCommand: SlashHandler = async (req, args, deps) => {
  const t = tutoringFor(deps);
  const words = args.trim().split(/\s+/).filter(Boolean);
  const sub = (words[0] ?? 'list').toLowerCase();
  switch (sub) {
    case 'list':
      return list(t, req);
    case 'start':
      if (!words[1]) return reply(req, text(LAB_USAGE));
      return start(t, deps.backend, req, words[1]);
    case 'check':
      return check(t, deps.backend, req, args.trim().slice(5).trim());
    case 'hint':
      return hint(t, req);
    case 'reset':
      return resetLab(t, deps.backend, req);
    default:
      return reply(req, text(LAB_USAGE));
  }
};

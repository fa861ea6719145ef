/**
 * `/learn [topic]`: the module as short lessons, each ending in two or three commands to try,
 * offered as buttons (a button whose value is a chat command runs it on every platform).
 */
import type { ReplyBlock } from '../core/types.ts';
import { suggest } from './did-you-mean.ts';
import { chatCommandOf, type Lesson } from './lessons.ts';

/** The lesson a topic word names: its id, an alias, or a word of its title. */
export function findLesson(lessons: Lesson[], topic: string): Lesson | undefined {
  const t = topic.trim().toLowerCase();
  return (
    lessons.find((l) => l.id === t) ??
    lessons.find((l) => l.aliases.includes(t)) ??
    lessons.find((l) => l.title.toLowerCase().split(/\W+/).includes(t))
  );
}

/**
 * Lesson files wrap their prose for the editor; chat wraps by itself. Lines of a paragraph are
 * joined, and a bullet (`•`, `-`) starts a line of its own, its indented continuation joined to it.
 */
export function reflow(body: string): string {
  const out: string[] = [];
  let cur: string | null = null;
  for (const raw of body.trim().split('\n')) {
    const line = raw.trim();
    if (line === '') {
      if (cur !== null) out.push(cur);
      out.push('');
      cur = null;
    } else if (/^[•-] /.test(line) || cur === null) {
      if (cur !== null) out.push(cur);
      cur = line;
    } else cur = `${cur} ${line}`;
  }
  if (cur !== null) out.push(cur);
  return out.join('\n').replace(/\n{3,}/g, '\n\n');
}

export function lessonIndex(lessons: Lesson[]): ReplyBlock[] {
  const lines = lessons.map((l, i) => `${i + 1}. ${l.title} (/learn ${l.id})`);
  return [
    { kind: 'text', text: `The module, lesson by lesson:\n${lines.join('\n')}` },
    {
      kind: 'buttons',
      buttons: lessons.map((l) => ({ id: 'learn', label: l.title.slice(0, 60), value: `/learn ${l.id}` })),
    },
  ];
}

export function lessonBlocks(lessons: Lesson[], lesson: Lesson): ReplyBlock[] {
  const n = lessons.indexOf(lesson);
  const next = n >= 0 ? lessons[n + 1] : undefined;
  const parts = [`*${lesson.title}* (lesson ${n + 1} of ${lessons.length})`, '', reflow(lesson.body)];
  parts.push('');
  if (lesson.setup.length) {
    parts.push(
      `First, if you have not yet: ${lesson.setup.map((s) => `\`/docker ${s.slice(7)}\``).join(', ')}`,
    );
  }
  parts.push('Try:');
  for (const t of lesson.try) parts.push(`• ${t.label}: \`${chatCommandOf(t)}\``);
  const buttons: Array<{ id: string; label: string; value: string; style?: 'primary' }> = [
    ...lesson.setup.map((s, i) => ({
      id: 'try',
      label: `Set up (${i + 1} of ${lesson.setup.length})`,
      value: `/docker ${s.slice(7)}`,
    })),
    ...lesson.try.map((t) => ({
      id: 'try',
      label: t.label,
      value: chatCommandOf(t),
      style: 'primary' as const,
    })),
  ];
  if (next)
    buttons.push({ id: 'learn', label: `Next: ${next.title}`.slice(0, 60), value: `/learn ${next.id}` });
  return [
    { kind: 'text', text: parts.join('\n') },
    { kind: 'buttons', buttons },
  ];
}

/** The reply blocks for `/learn ARGS`. */
export function learnBlocks(lessons: Lesson[], args: string): ReplyBlock[] {
  const topic = args.trim();
  if (topic === '' || topic === 'list') return lessonIndex(lessons);
  const lesson = findLesson(lessons, topic);
  if (lesson) return lessonBlocks(lessons, lesson);
  const words = lessons.flatMap((l) => [l.id, ...l.aliases]);
  const close = suggest(topic.toLowerCase(), words);
  const shown = topic.length > 40 ? `${topic.slice(0, 40)}…` : topic;
  const mean = close.length
    ? ` Did you mean ${close
        .slice(0, 3)
        .map((c) => `/learn ${c}`)
        .join(' or ')}?`
    : '';
  return [
    { kind: 'text', text: `No lesson called "${shown}".${mean} Type /learn for the list.` },
    ...lessonIndex(lessons).slice(1),
  ];
}

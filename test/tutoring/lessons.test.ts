/**
 * The lessons: the module's eleven topics are there, each is chat-sized with 2-3 commands to try,
 * and every try-command (after the lesson's setup) runs without error in a fresh simulated
 * sandbox, pressed as the student would press its button.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ContentError } from '../../src/content/load.ts';
import { learnBlocks } from '../../src/tutoring/learn.ts';
import {
  chatCommandOf,
  courseLessons,
  hostLineOf,
  type Lesson,
  loadLessons,
} from '../../src/tutoring/lessons.ts';
import { blocksOf, Harness, hasApiRoute, hasDockerCommand, plain } from './support.ts';

const lessons = courseLessons();

const REQUIRED = [
  'intro',
  'none',
  'bridge',
  'user-defined',
  'host',
  'overlay',
  'macvlan',
  'compose',
  'engine-api',
  'api-objects',
  'registry-auth',
];

/** What the simulator does not serve yet, so the lesson cannot be run end to end today. */
function missing(lesson: Lesson): string[] {
  const out: string[] = [];
  for (const line of [...lesson.setup, ...lesson.try.flatMap((t) => (t.docker ? [t.docker] : []))]) {
    const word = line.split(/\s+/)[1] ?? '';
    if (!hasDockerCommand(word)) out.push(`docker ${word}`);
  }
  for (const t of lesson.try) {
    if (!t.api) continue;
    const [method = '', path = ''] = t.api.split(' ');
    if (!hasApiRoute(method, path)) out.push(`${method} ${path}`);
  }
  return [...new Set(out)];
}

describe('lesson content', () => {
  it('covers every topic of the module, in order', () => {
    expect(lessons.map((l) => l.id)).toEqual(REQUIRED);
  });

  it.each(lessons.map((l) => [l.id, l] as const))('%s is chat-sized and ends in 2-3 buttons', (_, lesson) => {
    const blocks = learnBlocks(lessons, lesson.id);
    const text = blocks.find((b) => b.kind === 'text');
    expect(text && text.kind === 'text' && text.text.length).toBeLessThan(2000);
    const buttons = blocks.flatMap((b) => (b.kind === 'buttons' ? b.buttons : []));
    const tries = buttons.filter((b) => b.id === 'try' && b.style === 'primary');
    expect(tries.length).toBeGreaterThanOrEqual(2);
    expect(tries.length).toBeLessThanOrEqual(3);
    for (const b of buttons) expect(`t:${b.id}|${b.value}`.length).toBeLessThanOrEqual(100);
  });

  it('reports a broken lesson file by file and field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lessons-'));
    writeFileSync(
      join(dir, 'x.yaml'),
      'id: x\ntitle: X\norder: 1\nbody: hi\ntry:\n  - label: one\n    docker: docker network ls\n',
    );
    let err: unknown;
    try {
      loadLessons(dir);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ContentError);
    expect((err as Error).message).toBe('prompts/lessons/x.yaml: try: needs 2 or 3 commands to try');
  });
});

describe('every try-command runs in a fresh sandbox', () => {
  let h: Harness;
  afterEach(async () => h?.close());

  for (const lesson of lessons) {
    const gaps = missing(lesson);
    const title = gaps.length ? `${lesson.id} (waits for ${gaps.join(', ')})` : lesson.id;
    it.skipIf(gaps.length > 0)(title, async () => {
      h = new Harness();
      for (const line of lesson.setup) {
        const r = await h.say(`/docker ${line.slice(7)}`);
        expect(plain(r), line).not.toMatch(/exit status/);
      }
      for (const t of lesson.try) {
        if (t.docker) {
          // The button's value, exactly: what a student's press sends.
          const r = await h.say(chatCommandOf(t));
          expect(plain(r), t.docker).not.toMatch(/exit status \d+/);
          expect(blocksOf(r, 'code')[0]?.text, t.docker).not.toMatch(
            /^Error|unknown flag|not a docker command/m,
          );
        } else {
          const r = await h.host(`${hostLineOf(t)} -w '\\n%{http_code}'`);
          expect(r.exitCode, t.api).toBe(0);
          const status = Number(r.output.trim().split('\n').pop());
          expect(status, `${t.api}: ${r.output}`).toBeGreaterThanOrEqual(200);
          expect(status, `${t.api}: ${r.output}`).toBeLessThan(400);
        }
      }
    });
  }
});

describe('/learn', () => {
  let h: Harness;
  afterEach(async () => h?.close());

  it('lists the lessons with a button each', async () => {
    h = new Harness();
    const r = await h.say('/learn');
    expect(plain(r)).toContain('1. Introduction to Docker networking (/learn intro)');
    expect(blocksOf(r, 'buttons')[0]?.buttons.map((b) => b.value)).toEqual(
      lessons.map((l) => `/learn ${l.id}`),
    );
  });

  it('finds a lesson by alias and offers its commands and the next lesson', async () => {
    h = new Harness();
    const r = await h.say('/learn docker0');
    expect(plain(r)).toContain('*The default bridge network* (lesson 3 of 11)');
    const values = blocksOf(r, 'buttons')[0]?.buttons.map((b) => b.value) ?? [];
    expect(values).toContain('/docker run --rm alpine ip route');
    expect(values.at(-1)).toBe('/learn user-defined');
  });

  it('suggests the closest lesson for a typo', async () => {
    h = new Harness();
    const r = await h.say('/learn macvaln');
    expect(plain(r)).toContain('No lesson called "macvaln". Did you mean /learn macvlan?');
  });
});

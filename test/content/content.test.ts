/** The course content validates, covers the module, and a broken file is reported by file and field. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ContentError,
  loadContent,
  loadLabFile,
  loadQuestionBank,
  loadQuestionFile,
  PROMPTS_DIR,
} from '../../src/content/load.ts';
import { TOPICS } from '../../src/content/schemas.ts';

describe('course content', () => {
  const content = loadContent(PROMPTS_DIR);

  it('has at least 120 questions over every topic, each with type, topic, difficulty, answer and explanation', () => {
    expect(content.questions.length).toBeGreaterThanOrEqual(120);
    for (const t of TOPICS)
      expect(content.questions.filter((q) => q.topic === t).length, t).toBeGreaterThanOrEqual(5);
    for (const q of content.questions) {
      expect(q.explanation.length).toBeGreaterThan(10);
      expect(q.answer).not.toBe('');
    }
  });

  it("holds the module's nine self-assessment questions", () => {
    const sa = content.questions.filter((q) => q.selfAssessment !== undefined);
    expect(sa.map((q) => q.selfAssessment).sort()).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const byNumber = new Map(sa.map((q) => [q.selfAssessment, q]));
    expect(byNumber.get(1)?.answer).toBe('none');
    expect(byNumber.get(6)?.answer).toBe('shop_default');
  });

  it('has at least 10 labs covering the module', () => {
    expect(content.labs.length).toBeGreaterThanOrEqual(10);
    const topics = new Set(content.labs.map((l) => l.topic));
    for (const t of [
      'none',
      'bridge',
      'host',
      'overlay',
      'macvlan',
      'compose',
      'engine-api',
      'registry-auth',
    ])
      expect(topics.has(t as never), t).toBe(true);
  });
});

describe('bad content files', () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function write(name: string, body: string): string {
    dir ??= mkdtempSync(join(tmpdir(), 'tutor-content-'));
    const file = join(dir, name);
    writeFileSync(file, body);
    return file;
  }

  function errorOf(fn: () => unknown): ContentError {
    try {
      fn();
    } catch (e) {
      expect(e).toBeInstanceOf(ContentError);
      return e as ContentError;
    }
    throw new Error('expected a ContentError, but the file loaded');
  }

  const good = `  - id: q-one
    type: choice
    topic: bridge
    difficulty: easy
    question: Which?
    choices: [a, b]
    answer: a
    explanation: Because.
`;

  it('names the file and the field of an answer that is not a choice', () => {
    dir = mkdtempSync(join(tmpdir(), 'tutor-content-'));
    const f = write(
      'bad.yaml',
      `questions:\n${good}${good.replace('q-one', 'q-two').replace('answer: a', 'answer: c')}`,
    );
    const e = errorOf(() => loadQuestionFile(f, dir));
    expect(e.message).toBe('bad.yaml: questions[1].answer: must be one of the choices, word for word');
  });

  it('names a missing explanation, an unknown topic and a bad difficulty', () => {
    dir = mkdtempSync(join(tmpdir(), 'tutor-content-'));
    const body = good
      .replace('    explanation: Because.\n', '')
      .replace('topic: bridge', 'topic: bridges')
      .replace('easy', 'trivial');
    const e = errorOf(() => loadQuestionFile(write('q.yaml', `questions:\n${body}`), dir));
    expect(e.message).toContain('q.yaml: questions[0].topic: Invalid enum value');
    expect(e.message).toContain('q.yaml: questions[0].difficulty: Invalid enum value');
    expect(e.message).toContain('q.yaml: questions[0].explanation: Required');
  });

  it('reports YAML syntax errors with the file and line', () => {
    dir = mkdtempSync(join(tmpdir(), 'tutor-content-'));
    const e = errorOf(() => loadQuestionFile(write('syntax.yaml', 'questions:\n  - id: [unclosed\n'), dir));
    expect(e.message).toMatch(/^syntax\.yaml: YAML syntax, line \d+/);
  });

  it('refuses a question ID used twice across files', () => {
    dir = mkdtempSync(join(tmpdir(), 'tutor-content-'));
    write('a.yaml', `questions:\n${good}`);
    write('b.yaml', `questions:\n${good}`);
    const e = errorOf(() => loadQuestionBank(dir, dir));
    expect(e.message).toBe('b.yaml: questions[0].id: "q-one" is already used in a.yaml');
  });

  it('names a lab check of an unknown kind and a bad port', () => {
    dir = mkdtempSync(join(tmpdir(), 'tutor-content-'));
    mkdirSync(join(dir, 'labs'));
    const lab = `id: l1
title: T
topic: none
difficulty: easy
goal: G
steps: [s]
hints: [h]
checks:
  - expect: a port
    check: { kind: container, name: web, ports: ['8080'] }
  - expect: nothing
    check: { kind: teleport }
`;
    const e = errorOf(() => loadLabFile(write('labs/l1.yaml', lab), dir));
    expect(e.file).toBe(join('labs', 'l1.yaml'));
    expect(e.message).toContain('checks[0].check.ports[0]: must look like 8080:80/tcp');
    expect(e.message).toMatch(/checks\[1\]\.check(\.kind)?: /);
  });
});

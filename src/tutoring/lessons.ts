/**
 * The module as short lessons (`prompts/lessons/*.yaml`, one lesson a file). The schema is the
 * documentation of the format; every file is checked when it loads.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ContentError, PROMPTS_DIR } from '../content/load.ts';
import { loadYamlFile } from './content-file.ts';

/** Longest lesson body: it has to read as one chat message, not a page. */
export const LESSON_BODY_MAX = 1400;

/**
 * Longest chat command a button may carry. Discord has no button value, so the command rides in
 * the custom_id (100 characters, `t:try|` included).
 */
export const BUTTON_COMMAND_MAX = 94;

const prose = z.string().trim().min(1, 'must not be empty');

const dockerLine = z
  .string()
  .trim()
  .regex(/^docker\s\S/, 'must be a docker command line (`docker network ls`)');

/** `GET /v1.41/version`, `POST /v1.41/networks/create {"Name":"x"}`: what `/api` takes. */
const apiLine = z
  .string()
  .trim()
  .regex(
    /^(GET|POST|PUT|DELETE|HEAD) \/\S*( \{.*\})?$/,
    'must be METHOD /PATH, optionally followed by a JSON body (`GET /v1.41/version`)',
  );

const tryItem = z
  .object({
    /** The button's label: what the command shows, in a few words. */
    label: z.string().trim().min(1).max(60, 'must fit on a button (60 characters)'),
    /** A docker command line, run with `/docker`. */
    docker: dockerLine.optional(),
    /** An Engine API request, run with `/api`. */
    api: apiLine.optional(),
  })
  .strict()
  .refine((t) => (t.docker === undefined) !== (t.api === undefined), {
    message: 'give exactly one of docker or api',
  })
  .refine((t) => chatCommandOf(t).length <= BUTTON_COMMAND_MAX, {
    message: `the chat command must be at most ${BUTTON_COMMAND_MAX} characters to fit on a button`,
  });

export const lessonSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lowercase letters, digits and dashes'),
    title: prose,
    /** Position in the module; `/learn` lists lessons in this order. */
    order: z.number().int().min(1),
    /** Other words that find this lesson (`/learn docker0`). */
    aliases: z.array(z.string().trim().toLowerCase().min(1)).default([]),
    body: prose.refine((b) => b.length <= LESSON_BODY_MAX, {
      message: `must be at most ${LESSON_BODY_MAX} characters (one chat message)`,
    }),
    /** Docker lines the try-commands need first (a swarm, a network); the lesson says so and offers them. */
    setup: z
      .array(
        dockerLine.refine((l) => chatCommandOf({ docker: l }).length <= BUTTON_COMMAND_MAX, {
          message: `the chat command must be at most ${BUTTON_COMMAND_MAX} characters to fit on a button`,
        }),
      )
      .default([]),
    try: z.array(tryItem).min(2, 'needs 2 or 3 commands to try').max(3, 'needs 2 or 3 commands to try'),
  })
  .strict();

export type Lesson = z.infer<typeof lessonSchema>;
export type TryItem = Lesson['try'][number];

/** What a student types in chat for a try-command: `/docker network ls`, `/api GET /v1.41/version`. */
export function chatCommandOf(t: { docker?: string | undefined; api?: string | undefined }): string {
  if (t.docker !== undefined) return `/docker ${t.docker.replace(/^docker\s+/, '')}`;
  return `/api ${t.api ?? ''}`;
}

/**
 * The sandbox host line equivalent of a try-command: a docker line as is, an API request as the
 * curl a student would type against the daemon's socket.
 */
export function hostLineOf(t: { docker?: string | undefined; api?: string | undefined }): string {
  if (t.docker !== undefined) return t.docker;
  const m = /^(\S+) (\S+)(?: (.*))?$/.exec(t.api ?? '');
  if (!m) return '';
  const [, method, path, body] = m;
  const data = body ? ` -H 'Content-Type: application/json' -d '${body}'` : '';
  return `curl -s -X ${method} --unix-socket /var/run/docker.sock${data} http://localhost${path}`;
}

export const LESSONS_DIR = join(PROMPTS_DIR, 'lessons');

export function loadLessons(dir = LESSONS_DIR): Lesson[] {
  const files = readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
  const byId = new Map<string, string>();
  const lessons: Lesson[] = [];
  for (const f of files) {
    const name = `prompts/lessons/${f}`;
    const lesson = loadYamlFile(lessonSchema, join(dir, f), name);
    const first = byId.get(lesson.id);
    if (first) throw new ContentError(name, [`id: "${lesson.id}" is already used in ${first}`]);
    byId.set(lesson.id, name);
    lessons.push(lesson);
  }
  return lessons.sort((a, b) => a.order - b.order || a.id.localeCompare(b.id));
}

let cached: Lesson[] | undefined;

/** The course's lessons, loaded once. */
export function courseLessons(): Lesson[] {
  cached ??= loadLessons();
  return cached;
}

/**
 * What an instructor may write in `prompts/`: the quiz bank and the labs. The schemas are the
 * documentation of the format; every file is checked against them when it loads.
 */
import { z } from 'zod';

/** The module's topics; every question and lab names one. */
export const TOPICS = [
  'drivers',
  'bridge',
  'host',
  'overlay',
  'macvlan',
  'none',
  'compose',
  'engine-api',
  'api-objects',
  'registry-auth',
] as const;
export type Topic = (typeof TOPICS)[number];

export const DIFFICULTIES = ['easy', 'medium', 'hard'] as const;
export type Difficulty = (typeof DIFFICULTIES)[number];

const id = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lowercase letters, digits and dashes (like none-isolation)');
const prose = z.string().trim().min(1, 'must not be empty');
/** A choice may be written as a bare number (`[403, 404]`); it is text all the same. */
const choiceText = z.union([prose, z.number().transform(String)]);

const base = {
  id,
  topic: z.enum(TOPICS),
  difficulty: z.enum(DIFFICULTIES),
  question: prose,
  explanation: prose,
  /** Number (1-9) of the module's self-assessment question this is. */
  selfAssessment: z.number().int().min(1).max(9).optional(),
};

const choiceQuestion = z
  .object({
    ...base,
    type: z.literal('choice'),
    choices: z.array(choiceText).min(2).max(5),
    /** The correct choice, exactly as written in `choices`. */
    answer: choiceText,
  })
  .strict();

const trueFalseQuestion = z.object({ ...base, type: z.literal('truefalse'), answer: z.boolean() }).strict();

const shortQuestion = z
  .object({
    ...base,
    type: z.literal('short'),
    answer: prose,
    /** Other answers that count as correct (compared without case and surrounding spaces). */
    accept: z.array(prose).optional(),
  })
  .strict();

const commandQuestion = z
  .object({
    ...base,
    type: z.literal('command'),
    /** A command that does what is asked; the student's is judged by the state it leaves, not its text. */
    answer: prose.regex(/^docker /, 'must be a docker command'),
    /** Commands run in the scratch sandbox before the answer (`docker swarm init`). */
    setup: z.array(prose).optional(),
  })
  .strict();

export const questionSchema = z.discriminatedUnion('type', [
  choiceQuestion,
  trueFalseQuestion,
  shortQuestion,
  commandQuestion,
]);

export type ChoiceQuestion = z.infer<typeof choiceQuestion>;
export type Question = z.infer<typeof questionSchema>;

export const questionFileSchema = z
  .object({ questions: z.array(questionSchema).min(1) })
  .strict()
  .superRefine((file, ctx) => {
    // Checks across fields, which a discriminated union's members cannot carry themselves.
    file.questions.forEach((q, i) => {
      if (q.type !== 'choice') return;
      if (!q.choices.includes(q.answer))
        ctx.addIssue({
          code: 'custom',
          path: ['questions', i, 'answer'],
          message: 'must be one of the choices, word for word',
        });
      if (new Set(q.choices).size !== q.choices.length)
        ctx.addIssue({
          code: 'custom',
          path: ['questions', i, 'choices'],
          message: 'must not repeat a choice',
        });
    });
  });

// ---- labs ----

const networkCheck = z
  .object({
    kind: z.literal('network'),
    name: prose,
    driver: z.string().optional(),
    scope: z.enum(['local', 'swarm', 'global']).optional(),
    attachable: z.boolean().optional(),
    internal: z.boolean().optional(),
    subnet: z.string().optional(),
    gateway: z.string().optional(),
    ipRange: z.string().optional(),
    /** Driver options that must be set (`parent: eth0.10`, `macvlan_mode: bridge`). */
    options: z.record(z.string()).optional(),
    labels: z.record(z.string()).optional(),
  })
  .strict();

const containerCheck = z
  .object({
    kind: z.literal('container'),
    name: prose,
    running: z.boolean().optional(),
    /** `none`, `host`, or a network name the container must be the only member of. */
    networkMode: z.string().optional(),
    /** Networks the container must be connected to. */
    networks: z.array(prose).optional(),
    /** Networks it must not be connected to. */
    notNetworks: z.array(prose).optional(),
    /** Published ports as `HOST:CONTAINER/proto` (`8080:80/tcp`). */
    ports: z.array(z.string().regex(/^\d+:\d+\/(tcp|udp)$/, 'must look like 8080:80/tcp')).optional(),
    /** The container's address on a network: `{network: addr}`. */
    ipv4: z.record(z.string()).optional(),
  })
  .strict();

const absentCheck = z
  .object({ kind: z.literal('absent'), network: z.string().optional(), container: z.string().optional() })
  .strict()
  .refine((c) => c.network !== undefined || c.container !== undefined, {
    message: 'needs a network or a container name',
  });

const swarmCheck = z.object({ kind: z.literal('swarm'), active: z.boolean() }).strict();

const loginCheck = z.object({ kind: z.literal('login'), server: prose }).strict();

/** The student types the answer: `/lab check VALUE`. */
const answerCheck = z
  .object({
    kind: z.literal('answer'),
    /** Exact expected value (compared without surrounding spaces). */
    equals: z.string().optional(),
    /** The value must be base64url (or base64) JSON with these fields and values. */
    base64Json: z.record(z.string()).optional(),
  })
  .strict()
  .refine((c) => c.equals !== undefined || c.base64Json !== undefined, {
    message: 'needs equals or base64Json',
  });

export const labCheckSchema = z
  .object({
    /** What the student is told when this check fails. */
    expect: prose,
    check: z.union([networkCheck, containerCheck, absentCheck, swarmCheck, loginCheck, answerCheck]),
  })
  .strict();

export const labSchema = z
  .object({
    id,
    title: prose,
    topic: z.enum(TOPICS),
    difficulty: z.enum(DIFFICULTIES),
    /** One paragraph: what the lab teaches. */
    goal: prose,
    /** Numbered steps shown by `/lab start`. */
    steps: z.array(prose).min(1),
    hints: z.array(prose).min(1),
    checks: z.array(labCheckSchema).min(1),
    /** Commands run in the student's sandbox when the lab starts (after a reset, if `reset`). */
    setup: z.array(prose.regex(/^docker /, 'must be a docker command')).optional(),
    /** Start from a fresh sandbox. Default true. */
    reset: z.boolean().optional(),
  })
  .strict();

export type Lab = z.infer<typeof labSchema>;
export type LabCheck = z.infer<typeof labCheckSchema>;
export type CheckSpec = LabCheck['check'];

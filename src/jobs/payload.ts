/**
 * What a command job must carry, checked before anything runs: a job written by an older
 * release, a bug or a hand-edited Redis must fail once with a reason, not crash or retry forever.
 */
import { z } from 'zod';
import type { TutorRequest } from '../core/types.ts';

/** Longest text a job may carry. The tutor answers "too long" above 4,096; past this it is not a chat message. */
export const MAX_PAYLOAD_TEXT = 16_384;

const id = z.string().min(1).max(256);

export const tutorRequestSchema = z
  .object({
    id,
    identity: z.object({
      platform: z.enum(['console', 'slack', 'discord', 'web']),
      workspace: id,
      userId: id,
      displayName: z.string().max(256).optional(),
      roles: z.array(z.enum(['student', 'ta'])).max(4),
    }),
    channel: z.string().max(256),
    text: z.string().max(MAX_PAYLOAD_TEXT, `text is longer than ${MAX_PAYLOAD_TEXT} characters`),
    receivedAt: z.number().finite().nonnegative(),
    replyTo: z.record(z.string().max(4096)).optional(),
    action: z.object({ id: z.string().max(256), value: z.string().max(4096) }).optional(),
  })
  .strict();

/** A payload that can never succeed: the job fails at once, without retries. */
export class BadPayloadError extends Error {
  override readonly name = 'BadPayloadError';
  readonly retryable = false;
}

/** Validates a job's data as a TutorRequest; throws BadPayloadError naming what is wrong. */
export function parseTutorRequest(data: unknown): TutorRequest {
  const parsed = tutorRequestSchema.safeParse(data);
  if (parsed.success) return parsed.data as TutorRequest;
  const problems = parsed.error.issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.') || '(payload)'}: ${i.message}`);
  throw new BadPayloadError(`bad command payload: ${problems.join('; ')}`);
}

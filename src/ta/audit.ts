/** The TA audit log: every TA action, and every refused attempt at one, with who, where and what came of it. */
import type { TutorRequest } from '../core/types.ts';
import { scopeOf } from '../quiz/store.ts';
import type { Tutoring } from './tutoring.ts';

export const isTa = (req: TutorRequest): boolean => req.identity.roles.includes('ta');

export async function recordAction(
  t: Tutoring,
  req: TutorRequest,
  action: string,
  outcome: string,
  target?: string,
): Promise<void> {
  await t.store.audit(scopeOf(req.identity), {
    at: t.clock.now(),
    actor: req.identity.userId,
    action,
    ...(target ? { target } : {}),
    channel: req.channel,
    outcome,
  });
}

/** Refuses a TA-only action to a student, and records the attempt. */
export async function refuseUnlessTa(t: Tutoring, req: TutorRequest, action: string): Promise<string | null> {
  if (isTa(req)) return null;
  await recordAction(t, req, action, 'refused: not a TA');
  return `${action} is for TAs only. Ask a TA if you need it.`;
}

/**
 * The job handler for a chat command: the same function runs in a BullMQ worker and in the
 * in-process runner, so the embedded default and the queued deployment behave alike.
 */
import type { Tutor } from '../core/tutor.ts';
import type { TutorReply, TutorRequest } from '../core/types.ts';

export type Deliver = (reply: TutorReply, req: TutorRequest) => Promise<void>;

export interface CommandJobDeps {
  tutor: Tutor;
  deliver: Deliver;
}

export async function handleCommandJob(deps: CommandJobDeps, req: TutorRequest): Promise<TutorReply> {
  const reply = await deps.tutor.handle(req);
  await deps.deliver(reply, req);
  return reply;
}

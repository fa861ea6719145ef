/**
 * Hands a platform request to the job runner. The adapter has already acknowledged the platform,
 * so a runner that refuses or rejects the request must not leave the student in silence: they
 * get a short private apology, and the log keeps the reason.
 */
import { type TutorReply, type TutorRequest, text } from '../../core/types.ts';
import type { JobRunner } from '../../jobs/in-process-runner.ts';
import type { ChatLog } from './log.ts';

export function requestSubmitter(opts: {
  runner: JobRunner;
  deliver: (reply: TutorReply, req: TutorRequest) => Promise<void>;
  log: ChatLog;
  platform: 'slack' | 'discord';
}): (req: TutorRequest) => void {
  const { runner, deliver, log, platform } = opts;
  return (req) => {
    const sorry = (why: string) =>
      deliver(
        {
          requestId: req.id,
          visibility: 'private',
          blocks: [
            text(`The tutor could not take your command just now (${why}); please try again in a minute.`),
          ],
        },
        req,
      ).catch(() => undefined);
    runner.submit(req).then(
      (r) => {
        // A rejected request is an adapter bug: nothing was delivered, so say so rather than stay silent.
        if (r.status === 'rejected') {
          log.error({ requestId: req.id, reason: r.reason }, `job runner rejected a ${platform} request`);
          return sorry('it could not be read');
        }
      },
      (e: unknown) => {
        log.error(
          { requestId: req.id, err: (e as Error).message },
          `job runner refused a ${platform} command`,
        );
        return sorry('the job queue is unavailable');
      },
    );
  };
}

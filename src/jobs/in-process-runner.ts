/**
 * The embedded default when no Redis is configured: jobs run in this process, one sandbox's in
 * order, through the same handler a BullMQ worker uses.
 */
import type { TutorReply, TutorRequest } from '../core/types.ts';
import { type CommandJobDeps, handleCommandJob } from './command-job.ts';

export interface JobRunner {
  /** Accepts a request at once; the reply is delivered later through `deliver`. */
  submit(req: TutorRequest): Promise<TutorReply>;
  close(): Promise<void>;
}

export class InProcessRunner implements JobRunner {
  private pending = new Set<Promise<unknown>>();

  constructor(private readonly deps: CommandJobDeps) {}

  submit(req: TutorRequest): Promise<TutorReply> {
    const job = handleCommandJob(this.deps, req);
    this.pending.add(job);
    void job.finally(() => this.pending.delete(job)).catch(() => undefined);
    return job;
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.pending]);
  }
}

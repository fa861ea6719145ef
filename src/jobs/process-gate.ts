/**
 * WORKER_CONCURRENCY for a process that listens on every shard. A process must not hoard shards
 * while it is busy: once it runs `limit` jobs, a shard worker that takes one more gives it back
 * (to the front of its shard, so order holds) and pauses, leaving that shard to other processes;
 * when a running job ends, the paused workers resume.
 */
import { type Job, WaitingError, type Worker } from 'bullmq';

export class ProcessGate {
  private readonly busy = new Set<Worker>();
  private readonly paused = new Set<Worker>();
  /** Jobs given back because the process was full (a metric: a sign to add processes). */
  handedBack = 0;

  constructor(private readonly limit: number) {}

  /** Runs one job of `worker` if the process has room, or gives it back. */
  async run<T>(worker: Worker, job: Job, token: string | undefined, fn: () => Promise<T>): Promise<T> {
    if (this.busy.size >= this.limit && token) {
      this.paused.add(worker);
      // Paused first, so this worker does not fetch the job straight back.
      await worker.pause(true);
      await job.moveToWait(token);
      this.handedBack++;
      throw new WaitingError();
    }
    this.busy.add(worker);
    try {
      return await fn();
    } finally {
      this.busy.delete(worker);
      if (this.busy.size < this.limit && this.paused.size > 0) {
        for (const w of this.paused) if (!w.closing) w.resume();
        this.paused.clear();
      }
    }
  }

  get inUse(): number {
    return this.busy.size;
  }
}

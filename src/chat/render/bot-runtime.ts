/**
 * What a bot process (slack, discord) runs besides its platform client: the job runner its
 * requests go to, and where undeliverable replies are kept. With no REDIS_URL the runner is the
 * in-process one (the embedded default: the tutor runs in this process); the queued pipeline
 * plugs in here through the same JobRunner interface.
 */
import type { Config } from '../../config/config.ts';
import { Tutor } from '../../core/tutor.ts';
import type { Deliver } from '../../jobs/command-job.ts';
import { InProcessRunner, type JobRunner } from '../../jobs/in-process-runner.ts';
import { SimBackend } from '../../sandbox/sim/sim-backend.ts';
import { type DeadLetters, MemoryDeadLetters } from './dead-letters.ts';

export interface BotRuntime {
  runner: JobRunner;
  close(): Promise<void>;
}

export function createDeadLetters(_config: Pick<Config, 'REDIS_URL'>): DeadLetters {
  return new MemoryDeadLetters();
}

/** A runner whose jobs end in `deliver`. */
export async function createBotRuntime(_config: Config, deliver: Deliver): Promise<BotRuntime> {
  const backend = new SimBackend();
  const runner = new InProcessRunner({ tutor: new Tutor({ backend }), deliver });
  return {
    runner,
    async close() {
      await runner.close();
      await backend.close();
    },
  };
}

/** Resolves when the process is asked to stop (SIGTERM from an orchestrator, Ctrl-C). */
export function untilStopSignal(): Promise<string> {
  return new Promise((resolve) => {
    const on = (sig: string) => () => resolve(sig);
    process.once('SIGTERM', on('SIGTERM'));
    process.once('SIGINT', on('SIGINT'));
  });
}

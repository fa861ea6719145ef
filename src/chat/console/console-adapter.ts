/**
 * The console adapter: the tutor in a terminal. On a terminal it is an interactive prompt; with
 * stdin not a terminal, each input line is one chat message and each reply is printed.
 */
import { createInterface } from 'node:readline';
import { type Role, replyToPlainText, type TutorRequest } from '../../core/types.ts';
import { createJobRunner } from '../../jobs/create-job-runner.ts';
import { SimBackend } from '../../sandbox/sim/sim-backend.ts';
import { saveImages } from './image-files.ts';

export interface ConsoleOptions {
  user: string;
  role: Role;
}

export function parseConsoleArgs(argv: string[]): ConsoleOptions | string {
  const opts: ConsoleOptions = { user: 'student', role: 'student' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => argv[++i];
    if (a === '--user') {
      const v = value();
      if (!v) return '--user needs an ID';
      opts.user = v;
    } else if (a === '--role') {
      const v = value();
      if (v !== 'student' && v !== 'ta') return '--role must be student or ta';
      opts.role = v;
    } else return `unknown option ${a}`;
  }
  return opts;
}

export async function runConsole(argv: string[]): Promise<number> {
  const opts = parseConsoleArgs(argv);
  if (typeof opts === 'string') {
    process.stderr.write(
      `docker-tutor console: ${opts}\nUsage: docker-tutor console [--user ID] [--role student|ta]\n`,
    );
    return 2;
  }
  const backend = new SimBackend();
  const interactive = Boolean(process.stdin.isTTY);
  // The embedded default: the same runner the bots use without Redis, so scheduled quizzes post
  // here too. One person at a keyboard (or a pasted scenario) is not rate limited.
  const runner = await createJobRunner(
    { REDIS_URL: undefined, RATE_LIMIT_PER_MINUTE: Number.MAX_SAFE_INTEGER, COMMAND_TIMEOUT_SECONDS: 20 },
    {
      backend,
      platforms: ['console'],
      deliver: async (reply) => {
        process.stdout.write(`${replyToPlainText(await saveImages(reply))}\n`);
      },
    },
  );
  const rl = createInterface({ input: process.stdin, terminal: interactive });
  if (interactive) {
    process.stdout.write('docker-tutor: type /help to start, /docker network ls to try. Ctrl-D quits.\n');
    rl.setPrompt('> ');
    rl.prompt();
  }
  let seq = 0;
  for await (const line of rl) {
    const req: TutorRequest = {
      id: `console-${process.pid}-${++seq}`,
      identity: { platform: 'console', workspace: 'local', userId: opts.user, roles: [opts.role] },
      channel: 'console',
      text: line,
      receivedAt: Date.now(),
    };
    await runner.submit(req);
    if (interactive) rl.prompt();
  }
  await runner.close();
  await backend.close();
  return 0;
}

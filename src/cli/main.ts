/**
 * `docker-tutor SUBCOMMAND`: console, transcript, engine-api, slack, discord, worker.
 */
import { runConsole } from '../chat/console/console-adapter.ts';
import { runTranscriptCommand } from './transcript-command.ts';

const USAGE = `Usage: docker-tutor COMMAND [OPTIONS]

Commands:
  console [--user ID] [--role student|ta]       chat with the tutor in this terminal
  transcript [--backend sim|dind] < SCENARIO    run a scenario in a fresh sandbox, print its transcript
  engine-api --listen unix:///PATH|tcp://127.0.0.1:PORT   serve a simulated engine as Engine API v1.41
  slack | discord | worker                      the bot processes (configured by environment)
  discord register [--guild ID|--global]        register the Discord application commands
  sandboxes list|cleanup|maintain|reset KEY     housekeeping of dind sandboxes
`;

type Subcommand = (argv: string[]) => Promise<number>;

const subcommands: Record<string, Subcommand> = {
  console: runConsole,
  transcript: runTranscriptCommand,
};

/** Lets later modules add subcommands (engine-api, slack, discord, worker). */
export function addSubcommand(name: string, run: Subcommand): void {
  subcommands[name] = run;
}

async function loadOptionalSubcommands(): Promise<void> {
  // Each is imported only when asked for, so the console starts without bot libraries.
  const optional: Record<string, string> = {
    'engine-api': '../engine/api/engine-api-command.ts',
    slack: '../chat/slack/slack-command.ts',
    discord: '../chat/discord/discord-command.ts',
    worker: '../jobs/worker-command.ts',
    sandboxes: '../sandbox/dind/sandboxes-command.ts',
  };
  const name = process.argv[2];
  if (name && optional[name] && !subcommands[name]) {
    try {
      const mod = (await import(optional[name])) as { run: Subcommand };
      subcommands[name] = mod.run;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') {
        subcommands[name] = async () => {
          process.stderr.write(`docker-tutor ${name}: not built yet in this version.\n`);
          return 1;
        };
      } else throw e;
    }
  }
}

async function main(): Promise<number> {
  await loadOptionalSubcommands();
  const [name, ...rest] = process.argv.slice(2);
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(USAGE);
    return name ? 0 : 1;
  }
  const sub = subcommands[name];
  if (!sub) {
    process.stderr.write(`docker-tutor: unknown command '${name}'\n\n${USAGE}`);
    return 1;
  }
  return sub(rest);
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`docker-tutor: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);

/**
 * `docker-tutor discord`: the Discord bot process (DISCORD_TOKEN): the gateway client, or with
 * DISCORD_PUBLIC_KEY the HTTP interactions endpoint on PORT instead (Discord then sends no
 * interactions over the gateway, and replies and scheduled posts need only REST), and
 * `docker-tutor discord register [--guild ID]` to register its slash commands
 * (DISCORD_TOKEN, DISCORD_APPLICATION_ID; DISCORD_GUILD_ID is the default guild).
 */
import type { Server } from 'node:http';
import { type Config, ConfigError, readConfig } from '../../config/config.ts';
import type { Deliver } from '../../jobs/command-job.ts';
import { createLogger } from '../../observability/logger.ts';
import { startBotRuntime, untilStopSignal } from '../render/bot-runtime.ts';
import type { DeadLetters } from '../render/dead-letters.ts';
import type { ChatLog } from '../render/log.ts';
import { createDiscordBot } from './discord-bot.ts';
import { createDiscordDeliver } from './discord-deliver.ts';
import {
  DISCORD_INTERACTIONS_PATH,
  discordPublicKey,
  startDiscordInteractionsServer,
} from './discord-interactions.ts';
import { registerDiscordCommands } from './discord-register.ts';
import { createDiscordRest } from './discord-rest.ts';

const USAGE = `Usage: docker-tutor discord                      run the bot (DISCORD_TOKEN)
       docker-tutor discord register [--guild ID|--global]   register the slash commands
                                                    (DISCORD_TOKEN, DISCORD_APPLICATION_ID; global without a guild)
`;

/** The Deliver a worker uses for Discord requests. */
export function createDiscordDeliverFromConfig(
  config: Config,
  log: ChatLog,
  deadLetters: DeadLetters,
): Deliver {
  return createDiscordDeliver({
    rest: createDiscordRest(config.DISCORD_TOKEN, config.DISCORD_API_URL),
    deadLetters,
    log,
  });
}

export function parseRegisterArgs(argv: string[]): { guild?: string; global?: boolean } | string {
  const out: { guild?: string; global?: boolean } = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--guild') {
      const v = argv[++i];
      if (!v || !/^\d{5,25}$/.test(v)) return '--guild needs a guild ID (a number, as Discord shows it)';
      out.guild = v;
    } else if (a.startsWith('--guild='))
      return parseRegisterArgs(['--guild', a.slice(8), ...argv.slice(i + 1)]);
    else if (a === '--global') out.global = true;
    else return `unknown option ${a}`;
  }
  return out;
}

export async function run(argv: string[]): Promise<number> {
  let config: Config;
  try {
    config = readConfig(process.env);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`docker-tutor discord: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  const [sub, ...rest] = argv;
  if (sub === 'register') return register(config, rest);
  if (sub !== undefined) {
    process.stderr.write(
      sub === '--help' || sub === '-h' ? USAGE : `docker-tutor discord: unknown argument ${sub}\n${USAGE}`,
    );
    return sub === '--help' || sub === '-h' ? 0 : 2;
  }
  if (!config.DISCORD_TOKEN) {
    process.stderr.write('docker-tutor discord: DISCORD_TOKEN is not set: the bot token is required\n');
    return 2;
  }
  const log = createLogger(config.LOG_LEVEL, 'docker-tutor-discord');
  let deliver: Deliver | undefined;
  const runtime = await startBotRuntime(
    config,
    'discord',
    (deadLetters) => {
      deliver = createDiscordDeliverFromConfig(config, log, deadLetters);
      return deliver;
    },
    log,
  );
  const bot = createDiscordBot({ config, runner: runtime.runner, deliver: deliver!, log });
  let endpoint: Server | undefined;
  try {
    if (config.DISCORD_PUBLIC_KEY) {
      endpoint = await startDiscordInteractionsServer({
        publicKey: discordPublicKey(config.DISCORD_PUBLIC_KEY),
        bot,
        log,
        port: config.PORT,
      });
      log.info({ port: config.PORT, path: DISCORD_INTERACTIONS_PATH }, 'discord interactions endpoint');
    }
  } catch (e) {
    process.stderr.write(
      `docker-tutor discord: cannot serve ${DISCORD_INTERACTIONS_PATH} on PORT ${config.PORT}: ${(e as Error).message}\n`,
    );
    await runtime.close();
    return 1;
  }
  const closeEndpoint = () =>
    new Promise<void>((r) => {
      if (!endpoint) return r();
      endpoint.closeAllConnections();
      endpoint.close(() => r());
    });
  try {
    // With the endpoint, Discord sends no interactions over the gateway: no need to log in.
    if (!endpoint) await bot.start();
  } catch (e) {
    process.stderr.write(`docker-tutor discord: cannot log in: ${(e as Error).message}\n`);
    await bot.stop().catch(() => undefined);
    await closeEndpoint();
    await runtime.close();
    return 1;
  }
  const signal = await untilStopSignal();
  log.info({ signal }, 'discord bot stopping');
  await closeEndpoint();
  await bot.stop();
  await runtime.close();
  return 0;
}

async function register(config: Config, argv: string[]): Promise<number> {
  const args = parseRegisterArgs(argv);
  if (typeof args === 'string') {
    process.stderr.write(`docker-tutor discord register: ${args}\n${USAGE}`);
    return 2;
  }
  const missing = (['DISCORD_TOKEN', 'DISCORD_APPLICATION_ID'] as const).filter((k) => !config[k]);
  if (missing.length > 0) {
    process.stderr.write(`docker-tutor discord register: ${missing.join(' and ')} must be set\n`);
    return 2;
  }
  const guild = args.global ? undefined : (args.guild ?? config.DISCORD_GUILD_ID);
  try {
    const rest = createDiscordRest(config.DISCORD_TOKEN, config.DISCORD_API_URL);
    const done = await registerDiscordCommands(rest, config.DISCORD_APPLICATION_ID!, guild);
    process.stdout.write(`Registered ${done.count} commands (${done.scope}).\n`);
    return 0;
  } catch (e) {
    process.stderr.write(`docker-tutor discord register: ${(e as Error).message}\n`);
    return 1;
  }
}

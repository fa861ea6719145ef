/**
 * `docker-tutor slack`: the Slack bot process, configured by environment (SLACK_BOT_TOKEN, and
 * SLACK_SIGNING_SECRET for HTTP mode on PORT or SLACK_APP_TOKEN for Socket Mode).
 */
import { type Config, ConfigError, readConfig } from '../../config/config.ts';
import type { Deliver } from '../../jobs/command-job.ts';
import { createLogger } from '../../observability/logger.ts';
import { startBotRuntime, untilStopSignal } from '../render/bot-runtime.ts';
import type { DeadLetters } from '../render/dead-letters.ts';
import type { ChatLog } from '../render/log.ts';
import { createSlackBot } from './slack-app.ts';
import { createSlackDeliver } from './slack-deliver.ts';
import { createSlackWebClient } from './slack-web.ts';

/** The Deliver a worker uses for Slack requests: needs SLACK_BOT_TOKEN (files) and SLACK_API_URL. */
export function createSlackDeliverFromConfig(
  config: Config,
  log: ChatLog,
  deadLetters: DeadLetters,
): Deliver {
  return createSlackDeliver({
    web: createSlackWebClient(config.SLACK_BOT_TOKEN, config.SLACK_API_URL),
    deadLetters,
    log,
  });
}

export async function run(argv: string[]): Promise<number> {
  if (argv.length > 0) {
    process.stderr.write(
      'Usage: docker-tutor slack\n(configured by environment: SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET or SLACK_APP_TOKEN, PORT, SLACK_API_URL)\n',
    );
    return 2;
  }
  let config: Config;
  try {
    config = readConfig(process.env);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`docker-tutor slack: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  const log = createLogger(config.LOG_LEVEL, 'docker-tutor-slack');
  let deliver: Deliver | undefined;
  const runtime = await startBotRuntime(
    config,
    'slack',
    (deadLetters) => {
      deliver = createSlackDeliverFromConfig(config, log, deadLetters);
      return deliver;
    },
    log,
  );
  let bot: ReturnType<typeof createSlackBot>;
  try {
    bot = createSlackBot({ config, runner: runtime.runner, deliver: deliver!, log });
    await bot.start();
  } catch (e) {
    process.stderr.write(`docker-tutor slack: ${(e as Error).message}\n`);
    await runtime.close();
    return 1;
  }
  const signal = await untilStopSignal();
  log.info({ signal }, 'slack bot stopping');
  await bot.stop();
  await runtime.close();
  return 0;
}

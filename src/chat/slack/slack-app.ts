/**
 * The Slack bot: a Bolt app that turns slash commands and button presses into TutorRequests and
 * hands them to the JobRunner. It acknowledges before anything else (Slack allows 3 s; the
 * tutor may take longer) and never runs a command itself. HTTP mode (signing secret, listener on
 * PORT at /slack/events) or Socket Mode (app token), chosen by configuration.
 */
import type { Server } from 'node:http';
import { App, HTTPReceiver, type Logger, LogLevel, type Receiver, SocketModeReceiver } from '@slack/bolt';
import type { Config } from '../../config/config.ts';
import type { Deliver } from '../../jobs/command-job.ts';
import type { JobRunner } from '../../jobs/in-process-runner.ts';
import type { ChatLog } from '../render/log.ts';
import { requestSubmitter } from '../render/submit-request.ts';
import {
  type BlockActionPayload,
  blockActionToRequest,
  type SlashCommandPayload,
  slashCommandToRequest,
} from './slack-request.ts';
import { SlackRoles } from './slack-roles.ts';
import { slackClientOptions } from './slack-web.ts';

export type SlackConfig = Pick<
  Config,
  | 'SLACK_SIGNING_SECRET'
  | 'SLACK_BOT_TOKEN'
  | 'SLACK_APP_TOKEN'
  | 'SLACK_API_URL'
  | 'SLACK_TA_USERS'
  | 'SLACK_TA_USERGROUP'
  | 'PORT'
>;

export interface SlackBotOptions {
  config: SlackConfig;
  runner: JobRunner;
  /** Used only to apologise when the runner cannot take a command. */
  deliver: Deliver;
  log: ChatLog;
  now?: () => number;
}

export interface SlackBot {
  readonly app: App;
  readonly mode: 'http' | 'socket';
  /** The HTTP listener once started (HTTP mode). */
  readonly server: Server | undefined;
  /** Checks the token (auth.test), then listens (HTTP) or connects (Socket Mode). */
  start(listen?: { port: number; host?: string }): Promise<void>;
  stop(): Promise<void>;
}

/** Which mode the configuration asks for, or what is missing. */
export function slackMode(config: SlackConfig): 'http' | 'socket' {
  if (!config.SLACK_BOT_TOKEN)
    throw new Error('SLACK_BOT_TOKEN is not set: the bot token (xoxb-...) is required');
  if (config.SLACK_APP_TOKEN) return 'socket';
  if (!config.SLACK_SIGNING_SECRET) {
    throw new Error(
      'SLACK_SIGNING_SECRET is not set: required in HTTP mode (or set SLACK_APP_TOKEN for Socket Mode)',
    );
  }
  return 'http';
}

export function createSlackBot(opts: SlackBotOptions): SlackBot {
  const { config, runner, log } = opts;
  const now = opts.now ?? Date.now;
  const mode = slackMode(config);
  const clientOptions = slackClientOptions(config.SLACK_API_URL);
  const logger = boltLogger(log);
  let receiver: Receiver;
  if (mode === 'socket') {
    receiver = new SocketModeReceiver({
      appToken: config.SLACK_APP_TOKEN!,
      logger,
      // apps.connections.open goes to SLACK_API_URL too.
      installerOptions: { clientOptions },
    });
  } else {
    receiver = new HTTPReceiver({
      signingSecret: config.SLACK_SIGNING_SECRET!,
      endpoints: '/slack/events',
      logger,
      customRoutes: [
        {
          path: '/healthz',
          method: 'GET',
          handler: (_req, res) => {
            res.writeHead(200, { 'content-type': 'text/plain' });
            res.end('ok\n');
          },
        },
      ],
    });
  }
  const app = new App({
    token: config.SLACK_BOT_TOKEN!,
    receiver,
    logger,
    clientOptions,
    // auth.test runs in start(), so a bad token fails at once with a clear message.
    deferInitialization: true,
  });
  const roles = new SlackRoles({
    taUsers: config.SLACK_TA_USERS,
    taUsergroup: config.SLACK_TA_USERGROUP,
    client: app.client as unknown as ConstructorParameters<typeof SlackRoles>[0]['client'],
    log,
  });

  const submit = requestSubmitter({ runner, deliver: opts.deliver, log, platform: 'slack' });

  app.command(/.*/, async ({ command, ack }) => {
    // Acknowledge first and empty: the answer follows through the response URL.
    await ack();
    const payload = command as unknown as SlashCommandPayload;
    const req = slashCommandToRequest(payload, await roles.rolesOf(payload.user_id), now());
    log.info(
      { requestId: req.id, user: payload.user_id, team: payload.team_id, command: payload.command },
      'slack command',
    );
    submit(req);
  });

  app.action(/.*/, async ({ ack, body }) => {
    await ack();
    if (body.type !== 'block_actions') return;
    const payload = body as unknown as BlockActionPayload;
    const req = blockActionToRequest(payload, await roles.rolesOf(payload.user.id), now());
    if (req) submit(req);
  });

  app.error(async (e) => {
    log.error({ err: e.message, code: (e as { code?: string }).code }, 'slack app error');
  });

  let server: Server | undefined;
  return {
    app,
    mode,
    get server() {
      return server;
    },
    async start(listen) {
      try {
        await app.init();
      } catch (e) {
        throw new Error(
          `Slack auth.test failed (check SLACK_BOT_TOKEN and SLACK_API_URL): ${(e as Error).message}`,
        );
      }
      if (mode === 'socket') {
        await app.start();
      } else {
        const port = listen?.port ?? config.PORT;
        server = (await app.start({ port, host: listen?.host ?? '0.0.0.0' })) as Server;
      }
      log.info({ mode, port: server ? (listen?.port ?? config.PORT) : undefined }, 'slack bot started');
    },
    async stop() {
      await app.stop();
    },
  };
}

/** Bolt's logger on top of ours; Bolt's debug chatter is dropped. */
function boltLogger(log: ChatLog): Logger {
  let level = LogLevel.INFO;
  const msg = (args: unknown[]) => args.map((a) => (a instanceof Error ? a.message : String(a))).join(' ');
  return {
    debug: () => {},
    info: (...a) => log.info({ from: 'bolt' }, msg(a)),
    warn: (...a) => log.warn({ from: 'bolt' }, msg(a)),
    error: (...a) => log.error({ from: 'bolt' }, msg(a)),
    setLevel: (l) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => {},
  };
}

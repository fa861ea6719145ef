/**
 * The Discord bot: application commands and button presses, from the gateway or the HTTP
 * interactions endpoint, become TutorRequests for the JobRunner. Each is deferred at once
 * (Discord allows 3 s), ephemeral unless the command posts in the channel (/quiz); the answer
 * later edits that reply. Both transports reach one handler; only how the deferral is sent
 * differs (a REST callback for the gateway, the HTTP response for the endpoint).
 */
import {
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  Client,
  Events,
  GatewayIntentBits,
  type Interaction,
  MessageFlags,
} from 'discord.js';
import type { Config } from '../../config/config.ts';
import type { Deliver } from '../../jobs/command-job.ts';
import type { JobRunner } from '../../jobs/in-process-runner.ts';
import type { ChatLog } from '../render/log.ts';
import { withRetry } from '../render/retry.ts';
import { requestSubmitter } from '../render/submit-request.ts';
import { DISCORD_COMMAND_NAMES } from './discord-commands.ts';
import { buttonToRequest, commandToRequest, type Deferred } from './discord-request.ts';
import { classifyDiscordError, discordRestOptions } from './discord-rest.ts';

export type DiscordConfig = Pick<Config, 'DISCORD_TOKEN' | 'DISCORD_API_URL' | 'DISCORD_TA_ROLES'>;

/** Commands whose answers everyone in the channel sees. */
const PUBLIC_COMMANDS = new Set(['quiz']);

export interface DiscordBotOptions {
  config: DiscordConfig;
  runner: JobRunner;
  /** Used only to apologise when the runner cannot take a command. */
  deliver: Deliver;
  log: ChatLog;
  /** A client to use (tests pass one that never logs in); by default one is made from config. */
  client?: Client;
  now?: () => number;
}

/** Sends the deferral (type 5) some other way than the REST callback: the HTTP endpoint's response. */
export type DeferAck = (deferred: Deferred) => Promise<void>;

export interface DiscordBot {
  readonly client: Client;
  /**
   * What the gateway's interactionCreate reaches; resolves once the interaction is deferred
   * (through `ack` when given, else the REST callback) and submitted, or ignored.
   */
  handleInteraction(i: Interaction, ack?: DeferAck): Promise<void>;
  /**
   * A raw interaction payload (as the HTTP endpoint receives it) through the same path a gateway
   * dispatch takes. Resolves true once handled, false when discord.js builds no interaction from it.
   */
  handleRaw(raw: { id: string }, ack: DeferAck): Promise<boolean>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createDiscordClient(config: DiscordConfig): Client {
  // Interactions need no privileged intent; Guilds keeps guild and role data current.
  return new Client({
    intents: [GatewayIntentBits.Guilds],
    rest: discordRestOptions(config.DISCORD_API_URL),
  });
}

export function createDiscordBot(opts: DiscordBotOptions): DiscordBot {
  const { config, runner, log } = opts;
  const now = opts.now ?? Date.now;
  const client = opts.client ?? createDiscordClient(config);
  const known = new Set(DISCORD_COMMAND_NAMES);

  const defer = async (
    i: ChatInputCommandInteraction | ButtonInteraction,
    deferred: Deferred,
    ack: DeferAck | undefined,
  ) => {
    if (ack) return ack(deferred);
    // Two quick tries: an interaction not deferred within 3 s is gone.
    await withRetry(
      'defer',
      async () => {
        try {
          await i.deferReply(deferred === 'ephemeral' ? { flags: MessageFlags.Ephemeral } : {});
        } catch (e) {
          throw classifyDiscordError(e);
        }
      },
      {
        attempts: 2,
        baseDelayMs: 200,
        maxDelayMs: 500,
        sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
      },
    );
  };

  const submit = requestSubmitter({ runner, deliver: opts.deliver, log, platform: 'discord' });

  async function handleInteraction(i: Interaction, ack?: DeferAck): Promise<void> {
    try {
      if (i.isChatInputCommand()) {
        if (!known.has(i.commandName)) return;
        const deferred: Deferred = PUBLIC_COMMANDS.has(i.commandName) ? 'public' : 'ephemeral';
        await defer(i, deferred, ack);
        const req = commandToRequest(i, config.DISCORD_TA_ROLES, deferred, now());
        log.info(
          { requestId: req.id, user: i.user.id, guild: i.guildId, command: i.commandName },
          'discord command',
        );
        submit(req);
      } else if (i.isButton()) {
        const req = buttonToRequest(i, config.DISCORD_TA_ROLES, 'ephemeral', now());
        if (!req) return;
        await defer(i, 'ephemeral', ack);
        submit(req);
      }
    } catch (e) {
      // The student sees Discord's "did not respond"; we keep the reason.
      log.error({ interaction: i.id, err: (e as Error).message }, 'discord interaction not deferred');
    }
  }

  // Raw payloads from the HTTP endpoint waiting for discord.js to build their interaction.
  const viaHttp = new Map<string, { ack: DeferAck; handled: (p: Promise<void>) => void }>();

  client.on(Events.InteractionCreate, (i) => {
    const http = viaHttp.get(i.id);
    viaHttp.delete(i.id);
    const handled = handleInteraction(i, http?.ack);
    http?.handled(handled);
  });

  function handleRaw(raw: { id: string }, ack: DeferAck): Promise<boolean> {
    return new Promise((resolve) => {
      viaHttp.set(raw.id, { ack, handled: (p) => void p.then(() => resolve(true)) });
      // The entry a gateway INTERACTION_CREATE dispatch takes: it builds the interaction and
      // emits interactionCreate synchronously, or drops payloads it has no class for.
      (
        client as unknown as { actions: { InteractionCreate: { handle(d: unknown): void } } }
      ).actions.InteractionCreate.handle(raw);
      if (viaHttp.delete(raw.id)) resolve(false);
    });
  }
  client.on(Events.Error, (e) => log.error({ err: e.message }, 'discord client error'));

  return {
    client,
    handleInteraction,
    handleRaw,
    async start() {
      if (!config.DISCORD_TOKEN) throw new Error('DISCORD_TOKEN is not set: the bot token is required');
      await client.login(config.DISCORD_TOKEN);
      log.info({ user: client.user?.tag }, 'discord bot started');
    },
    async stop() {
      await client.destroy();
    },
  };
}

/**
 * The Discord bot on the real path: a discord.js Client whose REST base URL is a local fake
 * API, interactions fed through the client's own INTERACTION_CREATE action (what a gateway event
 * reaches), the real tutor and sim backend behind the in-process runner.
 */
import { Client, GatewayIntentBits } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordBot, type DiscordBot } from '../../src/chat/discord/discord-bot.ts';
import { createDiscordDeliver } from '../../src/chat/discord/discord-deliver.ts';
import { registerDiscordCommands } from '../../src/chat/discord/discord-register.ts';
import { createDiscordRest, discordRestOptions } from '../../src/chat/discord/discord-rest.ts';
import { MemoryDeadLetters } from '../../src/chat/render/dead-letters.ts';
import { customIdFor } from '../../src/chat/render/discord-message.ts';
import { readConfig } from '../../src/config/config.ts';
import { Tutor } from '../../src/core/tutor.ts';
import { InProcessRunner } from '../../src/jobs/in-process-runner.ts';
import { silentLogger as silentLog } from '../../src/observability/logger.ts';
import { SimBackend } from '../../src/sandbox/sim/sim-backend.ts';
import {
  APP_ID,
  buttonInteraction,
  commandInteraction,
  type FakeDiscord,
  GUILD_ID,
  startFakeDiscord,
} from './support/fake-discord.ts';
import type { Recorded } from './support/recorder.ts';

const TA_ROLE = '555555555555555555';

/** The JSON part of a request: plain JSON, or `payload_json` of a multipart body. */
function payloadOf(r: Recorded): Record<string, unknown> {
  if (typeof r.body === 'object' && r.body !== null) return r.body as Record<string, unknown>;
  const m = /name="payload_json"\r\n(?:Content-Type: [^\r]*\r\n)?\r\n([\s\S]*?)\r\n--/.exec(r.raw.toString());
  return m ? (JSON.parse(m[1]!) as Record<string, unknown>) : {};
}

describe('Discord bot', () => {
  let fake: FakeDiscord;
  let bot: DiscordBot;
  let runner: InProcessRunner;
  const deadLetters = new MemoryDeadLetters();

  const feed = (raw: object) => {
    // The same entry a gateway INTERACTION_CREATE dispatch takes inside discord.js.
    (
      bot.client as unknown as { actions: { InteractionCreate: { handle(d: unknown): void } } }
    ).actions.InteractionCreate.handle(raw);
  };
  const editOf = (raw: { token: string }) =>
    fake.waitFor(
      (r) =>
        r.method === 'PATCH' &&
        decodeURIComponent(r.path).startsWith(`/api/v10/webhooks/${APP_ID}/${raw.token}/messages/@original`),
    );

  beforeAll(async () => {
    fake = await startFakeDiscord();
    const config = readConfig({
      DISCORD_TOKEN: 'bot-token',
      DISCORD_API_URL: fake.apiUrl,
      DISCORD_TA_ROLES: TA_ROLE,
    });
    const client = new Client({
      intents: [GatewayIntentBits.Guilds],
      rest: discordRestOptions(config.DISCORD_API_URL),
    });
    client.rest.setToken('bot-token');
    const deliver = createDiscordDeliver({
      rest: createDiscordRest(config.DISCORD_TOKEN, config.DISCORD_API_URL),
      deadLetters,
      log: silentLog,
      retry: { baseDelayMs: 1, maxDelayMs: 5 },
    });
    runner = new InProcessRunner({ tutor: new Tutor({ backend: new SimBackend() }), deliver });
    bot = createDiscordBot({ config, runner, deliver, log: silentLog, client });
  });

  afterAll(async () => {
    await runner?.close();
    await bot?.client.destroy();
    await fake?.close();
  });

  it('defers /docker command:network ls ephemerally, then edits the reply with the table', async () => {
    const raw = commandInteraction('docker', 'command', 'network ls');
    feed(raw);
    const [cb] = await fake.waitFor((r) =>
      r.path.startsWith(`/api/v10/interactions/${raw.id}/${raw.token}/callback`),
    );
    expect(cb!.body).toEqual({ type: 5, data: { flags: 64 } });
    const [edit] = await editOf(raw);
    expect(edit!.at).toBeGreaterThan(cb!.at);
    const content = String(payloadOf(edit!).content);
    expect(content.startsWith('```\nNETWORK ID     NAME      DRIVER    SCOPE\n')).toBe(true);
    expect(content).toMatch(/^[0-9a-f]{12} {3}none {6}null {6}local$/m);
    expect(payloadOf(edit!).allowed_mentions).toEqual({ parse: [] });
  });

  it('defers /quiz publicly, and sends a private answer as an ephemeral follow-up', async () => {
    const raw = commandInteraction('quiz', 'args', null);
    feed(raw);
    const [cb] = await fake.waitFor((r) => r.path.startsWith(`/api/v10/interactions/${raw.id}/`));
    expect(cb!.body).toEqual({ type: 5, data: { flags: 0 } });
    // A practice question is a private answer: it goes as an ephemeral follow-up, and the public
    // placeholder says so rather than showing it to the channel.
    const [follow] = await fake.waitFor(
      (r) => r.method === 'POST' && r.path === `/api/v10/webhooks/${APP_ID}/${raw.token}`,
    );
    expect(payloadOf(follow!).flags).toBe(64);
    expect(String(payloadOf(follow!).content)).toContain('Practice');
    const [edit] = await editOf(raw);
    expect(payloadOf(edit!).content).toBe('The answer was sent to you privately.');
  });

  it('keeps one sandbox per guild and user', async () => {
    const a1 = commandInteraction('docker', 'command', 'network create guildnet', '600000000000000001');
    feed(a1);
    await editOf(a1);
    const a2 = commandInteraction('docker', 'command', 'network ls', '600000000000000001');
    feed(a2);
    expect(JSON.stringify(payloadOf((await editOf(a2))[0]!))).toContain('guildnet');
    const b = commandInteraction('docker', 'command', 'network ls', '600000000000000002');
    feed(b);
    expect(JSON.stringify(payloadOf((await editOf(b))[0]!))).not.toContain('guildnet');
  });

  it('puts output over 2,000 characters in an embed, and over 4,096 cut with the full text attached', async () => {
    const user = '600000000000000003';
    for (let i = 0; i < 29; i++) {
      const raw = commandInteraction(
        'docker',
        'command',
        `network create long-network-name-${String(i).padStart(3, '0')}`,
        user,
      );
      feed(raw);
      await editOf(raw);
    }
    const mid = commandInteraction('docker', 'command', 'network ls --no-trunc', user);
    feed(mid);
    const midBody = payloadOf((await editOf(mid))[0]!);
    expect(midBody.content).toBe('');
    const midDesc = (midBody.embeds as Array<{ description: string }>)[0]!.description;
    expect(midDesc.length).toBeGreaterThan(2000);
    expect(midDesc.length).toBeLessThanOrEqual(4096);

    const names = Array.from({ length: 12 }, (_, i) => `long-network-name-${String(i).padStart(3, '0')}`);
    const long = commandInteraction('docker', 'command', `network inspect ${names.join(' ')}`, user);
    feed(long);
    const [edit] = await editOf(long);
    const body = payloadOf(edit!);
    const desc = (body.embeds as Array<{ description: string }>)[0]!.description;
    expect(desc.length).toBeLessThanOrEqual(4096);
    expect(desc).toContain('the full text is attached as `output.txt`');
    expect(body.attachments).toEqual([{ id: 0, filename: 'output.txt', description: 'output.txt' }]);
    const raw = edit!.raw.toString();
    expect(raw).toContain('filename="output.txt"');
    expect(raw).toContain('"Name": "long-network-name-011"');
  });

  it('gives the TA role from DISCORD_TA_ROLES and refuses TA commands to students', async () => {
    const { registerSlashCommand, reply } = await import('../../src/core/tutor.ts');
    const { text } = await import('../../src/core/types.ts');
    registerSlashCommand('ta-probe', {
      summary: 'test-only TA command',
      usage: '/ta-probe',
      taOnly: true,
      handler: async (req) => reply(req, text('hello TA')),
    });
    // A button carrying the command reaches the tutor like a typed one.
    const ta = buttonInteraction(customIdFor('probe', '/ta-probe'), '600000000000000004', [TA_ROLE]);
    feed(ta);
    expect(String(payloadOf((await editOf(ta))[0]!).content)).toBe('hello TA');
    const student = buttonInteraction(customIdFor('probe', '/ta-probe'), '600000000000000005', ['1']);
    feed(student);
    expect(String(payloadOf((await editOf(student))[0]!).content)).toBe('/ta-probe is for TAs only.');
  });

  it('retries a failing edit with backoff, then dead-letters the reply', async () => {
    const raw = commandInteraction('docker', 'command', 'network ls', '600000000000000006');
    fake.failNext(`/api/v10/webhooks/${APP_ID}/${raw.token}`, 500, 500, 500, 500);
    feed(raw);
    await fake.waitFor((r) => r.path.startsWith(`/api/v10/webhooks/${APP_ID}/${raw.token}`), 4);
    await expect.poll(async () => (await deadLetters.list()).length).toBe(1);
    const [letter] = await deadLetters.list();
    expect(letter!.platform).toBe('discord');
    expect(letter!.reason).toContain('500');
    expect(letter!.reason).not.toContain(raw.token);
  });

  it('registers the commands for a guild through REST at DISCORD_API_URL', async () => {
    const rest = createDiscordRest('bot-token', fake.apiUrl);
    const done = await registerDiscordCommands(rest, APP_ID, GUILD_ID);
    expect(done).toEqual({ count: 9, scope: `guild ${GUILD_ID}` });
    const [put] = await fake.waitFor((r) => r.method === 'PUT');
    expect(put!.path).toBe(`/api/v10/applications/${APP_ID}/guilds/${GUILD_ID}/commands`);
    expect(put!.headers.authorization).toBe('Bot bot-token');
    const names = (put!.body as Array<{ name: string; options: Array<{ name: string }> }>).map(
      (c) => `${c.name}:${c.options[0]!.name}`,
    );
    expect(names).toContain('docker:command');
    expect(names).toEqual(
      expect.arrayContaining(['quiz:args', 'lab:args', 'topology:args', 'sandbox:action', 'api:request']),
    );
  });
});

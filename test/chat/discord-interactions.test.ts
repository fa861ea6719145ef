/**
 * Discord's HTTP interactions endpoint on the real path: requests signed with a freshly made
 * Ed25519 key pair are POSTed to the running endpoint on a free port; the bot's one interaction
 * handler, the real tutor and sim backend answer, and replies go through the discord.js REST
 * client to a local fake API. Valid, forged, tampered, stale and unsigned requests are covered.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import type { Server } from 'node:http';
import { resolve } from 'node:path';
import { Client, GatewayIntentBits } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordBot, type DiscordBot } from '../../src/chat/discord/discord-bot.ts';
import { createDiscordDeliver } from '../../src/chat/discord/discord-deliver.ts';
import {
  checkDiscordSignature,
  discordPublicKey,
  startDiscordInteractionsServer,
} from '../../src/chat/discord/discord-interactions.ts';
import { createDiscordRest, discordRestOptions } from '../../src/chat/discord/discord-rest.ts';
import { MemoryDeadLetters } from '../../src/chat/render/dead-letters.ts';
import { ConfigError, readConfig } from '../../src/config/config.ts';
import { Tutor } from '../../src/core/tutor.ts';
import { InProcessRunner } from '../../src/jobs/in-process-runner.ts';
import { silentLogger as silentLog } from '../../src/observability/logger.ts';
import { SimBackend } from '../../src/sandbox/sim/sim-backend.ts';
import { freePort, waitFor } from '../support/servers.ts';
import { APP_ID, commandInteraction, type FakeDiscord, startFakeDiscord } from './support/fake-discord.ts';

/** The raw 32 bytes of an Ed25519 public key, hex, as Discord shows the application's key. */
function rawHex(key: KeyObject): string {
  return key.export({ format: 'der', type: 'spki' }).subarray(-32).toString('hex');
}

function signed(
  body: string,
  privateKey: KeyObject,
  timestampSec = Math.floor(Date.now() / 1000),
): Record<string, string> {
  const ts = String(timestampSec);
  return {
    'x-signature-ed25519': sign(null, Buffer.from(ts + body), privateKey).toString('hex'),
    'x-signature-timestamp': ts,
  };
}

describe('Discord HTTP interactions endpoint', () => {
  const keys = generateKeyPairSync('ed25519');
  const other = generateKeyPairSync('ed25519');
  let fake: FakeDiscord;
  let bot: DiscordBot;
  let runner: InProcessRunner;
  let server: Server;
  let endpoint: string;

  const post = (body: string, headers: Record<string, string>) =>
    fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  /** Whatever the bot sent to Discord about this interaction (callback or webhook). */
  const traffic = (raw: { id: string; token: string }) =>
    fake.requests.filter((r) => r.path.includes(raw.token) || r.path.includes(`/interactions/${raw.id}/`));

  beforeAll(async () => {
    fake = await startFakeDiscord();
    const config = readConfig({
      DISCORD_TOKEN: 'bot-token',
      DISCORD_API_URL: fake.apiUrl,
      DISCORD_PUBLIC_KEY: rawHex(keys.publicKey),
    });
    const client = new Client({
      intents: [GatewayIntentBits.Guilds],
      rest: discordRestOptions(config.DISCORD_API_URL),
    });
    client.rest.setToken('bot-token');
    const deliver = createDiscordDeliver({
      rest: createDiscordRest(config.DISCORD_TOKEN, config.DISCORD_API_URL),
      deadLetters: new MemoryDeadLetters(),
      log: silentLog,
      retry: { baseDelayMs: 1, maxDelayMs: 5 },
    });
    runner = new InProcessRunner({ tutor: new Tutor({ backend: new SimBackend() }), deliver });
    bot = createDiscordBot({ config, runner, deliver, log: silentLog, client });
    const port = await freePort();
    server = await startDiscordInteractionsServer({
      publicKey: discordPublicKey(config.DISCORD_PUBLIC_KEY!),
      bot,
      log: silentLog,
      port,
      host: '127.0.0.1',
    });
    endpoint = `http://127.0.0.1:${port}/discord/interactions`;
  });

  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
    await runner?.close();
    await bot?.client.destroy();
    await fake?.close();
  });

  it('answers a signed PING with PONG', async () => {
    const body = JSON.stringify({ id: '1', application_id: APP_ID, type: 1, token: 'ping', version: 1 });
    const res = await post(body, signed(body, keys.privateKey));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toEqual({ type: 1 });
  });

  it('defers a signed /docker command in the HTTP response, then edits the reply with the network ls table', async () => {
    const raw = commandInteraction('docker', 'command', 'network ls', '610000000000000001');
    const body = JSON.stringify(raw);
    const res = await post(body, signed(body, keys.privateKey));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ type: 5, data: { flags: 64 } });
    const [edit] = await fake.waitFor(
      (r) =>
        r.method === 'PATCH' &&
        decodeURIComponent(r.path) === `/api/v10/webhooks/${APP_ID}/${raw.token}/messages/@original`,
    );
    const content = String((edit!.body as { content: string }).content);
    expect(content).toMatch(/^```\nNETWORK ID {5}NAME {6}DRIVER {4}SCOPE\n/);
    expect(content).toMatch(/^[0-9a-f]{12} {3}bridge {4}bridge {4}local$/m);
    expect(content).toMatch(/^[0-9a-f]{12} {3}none {6}null {6}local$/m);
    // The deferral was the HTTP response: no REST callback was made as well.
    expect(fake.requests.some((r) => r.path.includes(`/interactions/${raw.id}/`))).toBe(false);
  });

  it('defers /quiz publicly (flags 0), as the gateway path does', async () => {
    const raw = commandInteraction('quiz', 'args', null, '610000000000000002');
    const body = JSON.stringify(raw);
    const res = await post(body, signed(body, keys.privateKey));
    expect(await res.json()).toEqual({ type: 5, data: { flags: 0 } });
  });

  it('answers a command the tutor does not have with a private message instead of silence', async () => {
    const raw = commandInteraction('not-ours', null, null, '610000000000000003');
    const body = JSON.stringify(raw);
    const res = await post(body, signed(body, keys.privateKey));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      type: 4,
      data: { content: 'The tutor does not know this command or button.', flags: 64 },
    });
  });

  const refusals: Array<[string, (body: string) => Record<string, string>, string?]> = [
    ['signed by another key (forged)', (b) => signed(b, other.privateKey)],
    [
      'whose body was changed after signing',
      (b) => signed(b.replace('network create', 'network rm'), keys.privateKey),
    ],
    [
      'older than 5 minutes (stale)',
      (b) => signed(b, keys.privateKey, Math.floor(Date.now() / 1000) - 6 * 60),
    ],
    [
      'without a timestamp',
      (b) => ({ 'x-signature-ed25519': signed(b, keys.privateKey)['x-signature-ed25519']! }),
    ],
    [
      'without a signature',
      (b) => ({ 'x-signature-timestamp': signed(b, keys.privateKey)['x-signature-timestamp']! }),
    ],
    ['with no signature headers at all', () => ({})],
    [
      'with a signature that is not hex',
      (b) => ({ ...signed(b, keys.privateKey), 'x-signature-ed25519': 'zz' }),
    ],
  ];
  for (const [name, headersFor] of refusals) {
    it(`refuses a request ${name} with 401 and runs nothing`, async () => {
      const raw = commandInteraction('docker', 'command', 'network create sneaky', '610000000000000009');
      const body = JSON.stringify(raw);
      const res = await post(body, headersFor(body));
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ error: 'invalid request signature' });
      // Give a wrongly accepted command time to answer, then check that nothing did.
      await new Promise((r) => setTimeout(r, 300));
      expect(traffic(raw)).toEqual([]);
    });
  }

  it('refuses a forged PING too (Discord checks this before accepting the endpoint URL)', async () => {
    const body = JSON.stringify({ id: '2', application_id: APP_ID, type: 1, token: 'ping', version: 1 });
    expect((await post(body, signed(body, other.privateKey))).status).toBe(401);
  });

  it('serves GET /healthz and 404 elsewhere on the same port', async () => {
    const base = endpoint.replace('/discord/interactions', '');
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/elsewhere`, { method: 'POST' })).status).toBe(404);
    expect((await fetch(endpoint)).status).toBe(405);
  });
});

describe('docker-tutor discord with DISCORD_PUBLIC_KEY', () => {
  const keys = generateKeyPairSync('ed25519');
  let fake: FakeDiscord;
  let proc: ChildProcess;
  let port = 0;
  const logs: string[] = [];

  beforeAll(async () => {
    fake = await startFakeDiscord();
    port = await freePort();
    proc = spawn(resolve(import.meta.dirname, '../../bin/docker-tutor'), ['discord'], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/tmp',
        LOG_LEVEL: 'warn',
        DISCORD_TOKEN: 'bot-token',
        DISCORD_API_URL: fake.apiUrl,
        DISCORD_PUBLIC_KEY: rawHex(keys.publicKey),
        PORT: String(port),
        METRICS_PORT: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    proc.stdout?.on('data', (d: Buffer) => logs.push(d.toString()));
    proc.stderr?.on('data', (d: Buffer) => logs.push(d.toString()));
    await waitFor(
      async () => {
        if (proc.exitCode !== null) throw new Error(`docker-tutor discord exited with ${proc.exitCode}`);
        try {
          return (await fetch(`http://127.0.0.1:${port}/healthz`)).ok;
        } catch {
          return false;
        }
      },
      30_000,
      'docker-tutor discord did not start listening',
    ).catch((e: Error) => {
      throw new Error(`${e.message}\n${logs.join('')}`);
    });
  });

  afterAll(async () => {
    if (proc && proc.exitCode === null) {
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await exited;
    }
    await fake?.close();
  });

  it('serves the endpoint on PORT without a gateway login, and answers /docker through REST', async () => {
    const raw = commandInteraction('docker', 'command', 'network ls', '620000000000000001');
    const body = JSON.stringify(raw);
    const res = await fetch(`http://127.0.0.1:${port}/discord/interactions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...signed(body, keys.privateKey) },
      body,
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ type: 5, data: { flags: 64 } });
    const [edit] = await fake
      .waitFor((r) => r.method === 'PATCH' && r.path.includes(raw.token), 1, 20_000)
      .catch((e: Error) => {
        throw new Error(`${e.message}\n${logs.join('')}`);
      });
    expect(String((edit!.body as { content: string }).content)).toMatch(
      /^```\nNETWORK ID {5}NAME {6}DRIVER {4}SCOPE\n/,
    );
    expect(fake.requests.some((r) => r.path.includes('/gateway'))).toBe(false);
    const forged = await fetch(`http://127.0.0.1:${port}/discord/interactions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(forged.status).toBe(401);
  });
});

describe('Discord signature check and DISCORD_PUBLIC_KEY', () => {
  const keys = generateKeyPairSync('ed25519');
  const key = discordPublicKey(rawHex(keys.publicKey));
  const now = 1_700_000_000_000;
  const ts = String(now / 1000);
  const body = Buffer.from('{"type":1}');
  const sig = sign(null, Buffer.concat([Buffer.from(ts), body]), keys.privateKey).toString('hex');

  it('tells ok, missing, stale and invalid apart', () => {
    expect(checkDiscordSignature(key, sig, ts, body, now)).toBe('ok');
    expect(checkDiscordSignature(key, sig, ts, body, now + 299_000)).toBe('ok');
    expect(checkDiscordSignature(key, sig, ts, body, now + 301_000)).toBe('stale');
    expect(checkDiscordSignature(key, sig, ts, body, now - 301_000)).toBe('stale');
    expect(checkDiscordSignature(key, undefined, ts, body, now)).toBe('missing');
    expect(checkDiscordSignature(key, sig, undefined, body, now)).toBe('missing');
    expect(checkDiscordSignature(key, sig, ts, Buffer.from('{"type":2}'), now)).toBe('invalid');
    expect(checkDiscordSignature(key, sig, `${ts}x`, body, now)).toBe('invalid');
  });

  it('is read from config as 64 hex digits, and anything else names the variable', () => {
    expect(readConfig({ DISCORD_PUBLIC_KEY: rawHex(keys.publicKey) }).DISCORD_PUBLIC_KEY).toBe(
      rawHex(keys.publicKey),
    );
    expect(() => readConfig({ DISCORD_PUBLIC_KEY: 'abc' })).toThrow(ConfigError);
    expect(() => readConfig({ DISCORD_PUBLIC_KEY: 'abc' })).toThrow(/DISCORD_PUBLIC_KEY/);
  });
});

/**
 * The Slack bot on the real path: signed HTTP requests to the running Bolt receiver on a free
 * port, the real tutor and sim backend behind the in-process runner, and the response URL and
 * Web API pointed at a local recorder that keeps what the bot posts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryDeadLetters } from '../../src/chat/render/dead-letters.ts';
import { createSlackBot, type SlackBot } from '../../src/chat/slack/slack-app.ts';
import { createSlackDeliver } from '../../src/chat/slack/slack-deliver.ts';
import { createSlackWebClient } from '../../src/chat/slack/slack-web.ts';
import { readConfig } from '../../src/config/config.ts';
import { Tutor } from '../../src/core/tutor.ts';
import { InProcessRunner } from '../../src/jobs/in-process-runner.ts';
import { silentLogger as silentLog } from '../../src/observability/logger.ts';
import { SimBackend } from '../../src/sandbox/sim/sim-backend.ts';
import { freePort } from '../support/servers.ts';
import { type FakeSlack, postSigned, slashCommandBody, startFakeSlack } from './support/fake-slack.ts';

const SECRET = 'test-signing-secret';

describe('Slack bot (HTTP mode)', () => {
  let fake: FakeSlack;
  let bot: SlackBot;
  let runner: InProcessRunner;
  let events: string;
  const deadLetters = new MemoryDeadLetters();

  beforeAll(async () => {
    fake = await startFakeSlack({ taGroupMembers: ['UTA2'] });
    const port = await freePort();
    const config = readConfig({
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_BOT_TOKEN: 'xoxb-test',
      SLACK_API_URL: fake.apiUrl,
      SLACK_TA_USERS: 'UTA1',
      SLACK_TA_USERGROUP: 'STAS',
      PORT: String(port),
    });
    const deliver = createSlackDeliver({
      web: createSlackWebClient(config.SLACK_BOT_TOKEN, config.SLACK_API_URL),
      deadLetters,
      log: silentLog,
      retry: { baseDelayMs: 1, maxDelayMs: 5 },
    });
    runner = new InProcessRunner({ tutor: new Tutor({ backend: new SimBackend() }), deliver });
    bot = createSlackBot({ config, runner, deliver, log: silentLog });
    await bot.start({ port, host: '127.0.0.1' });
    events = `http://127.0.0.1:${port}/slack/events`;
  });

  afterAll(async () => {
    await bot?.stop();
    await runner?.close();
    await fake?.close();
  });

  it('checked the token with auth.test at SLACK_API_URL when starting', () => {
    expect(fake.requests.some((r) => r.path === '/api/auth.test')).toBe(true);
  });

  it('acks a signed /docker network ls at once and posts the table, privately, to the response URL', async () => {
    const body = slashCommandBody({
      command: '/docker',
      text: 'network ls',
      response_url: fake.responseUrl('net-ls'),
    });
    const res = await postSigned(events, body, { secret: SECRET });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
    const [posted] = await fake.waitFor((r) => r.path === '/response/net-ls');
    const msg = posted!.body as {
      response_type: string;
      text: string;
      blocks: Array<{ type: string; text?: { text: string } }>;
    };
    expect(msg.response_type).toBe('ephemeral');
    const section = msg.blocks[0]!.text!.text;
    expect(section.startsWith('```\nNETWORK ID     NAME      DRIVER    SCOPE\n')).toBe(true);
    expect(section).toMatch(/^[0-9a-f]{12} {3}bridge {4}bridge {4}local$/m);
    expect(section).toMatch(/^[0-9a-f]{12} {3}host {6}host {6}local$/m);
    expect(section).toMatch(/^[0-9a-f]{12} {3}none {6}null {6}local$/m);
  });

  it('keeps one sandbox per team and user: a network made by U1 is not seen by U2', async () => {
    const send = async (user: string, text: string, name: string) => {
      const body = slashCommandBody({
        command: '/docker',
        text,
        user_id: user,
        response_url: fake.responseUrl(name),
      });
      expect((await postSigned(events, body, { secret: SECRET })).status).toBe(200);
      const [r] = await fake.waitFor((x) => x.path === `/response/${name}`);
      return JSON.stringify(r!.body);
    };
    await send('U1', 'network create mine', 'iso-1');
    expect(await send('U1', 'network ls', 'iso-2')).toContain('mine');
    expect(await send('U2', 'network ls', 'iso-3')).not.toContain('mine');
  });

  for (const [name, opts] of [
    [
      'stale (older than 5 minutes)',
      { secret: SECRET, timestampSec: Math.floor(Date.now() / 1000) - 6 * 60 },
    ],
    ['forged', { secret: 'not-the-secret' }],
    ['unsigned', {}],
  ] as const) {
    it(`refuses a ${name} request with 401 and runs nothing`, async () => {
      const url = fake.responseUrl(`refused-${name.split(' ')[0]}`);
      const body = slashCommandBody({ command: '/docker', text: 'network create sneaky', response_url: url });
      const res = await postSigned(events, body, opts);
      expect(res.status).toBe(401);
      // Give a wrongly accepted command time to answer, then check that nothing did.
      await new Promise((r) => setTimeout(r, 300));
      expect(fake.requests.some((r) => r.path.startsWith(new URL(url).pathname))).toBe(false);
    });
  }

  it('answers /lab through the response URL with the lab list', async () => {
    const body = slashCommandBody({ command: '/lab', text: '', response_url: fake.responseUrl('lab') });
    expect((await postSigned(events, body, { secret: SECRET })).status).toBe(200);
    const [r] = await fake.waitFor((x) => x.path === '/response/lab');
    expect(JSON.stringify(r!.body)).toContain('none-isolation');
    expect((r!.body as { response_type?: string }).response_type).toBe('ephemeral');
  });

  it('cuts long output at 3,000 characters a section and uploads the full text to the student DM', async () => {
    const many = Array.from(
      { length: 29 },
      (_, i) => `network create long-network-name-${String(i).padStart(3, '0')}`,
    );
    for (const [i, cmd] of many.entries()) {
      const b = slashCommandBody({
        command: '/docker',
        text: cmd,
        user_id: 'ULONG',
        response_url: fake.responseUrl(`mk-${i}`),
      });
      await postSigned(events, b, { secret: SECRET });
    }
    await fake.waitFor((x) => x.path.startsWith('/response/mk-'), many.length, 20_000);
    const body = slashCommandBody({
      command: '/docker',
      text: 'network ls --no-trunc',
      user_id: 'ULONG',
      response_url: fake.responseUrl('long'),
    });
    await postSigned(events, body, { secret: SECRET });
    const [r] = await fake.waitFor((x) => x.path === '/response/long');
    const msg = r!.body as {
      blocks: Array<{ type: string; text?: { text: string }; elements?: Array<{ text: string }> }>;
    };
    for (const b of msg.blocks) if (b.text) expect(b.text.text.length).toBeLessThanOrEqual(3000);
    expect(JSON.stringify(msg.blocks)).toContain('the full text is attached as `output.txt`');
    const [complete] = await fake.waitFor((x) => x.path === '/api/files.completeUploadExternal');
    expect(JSON.stringify(complete!.body)).toContain('DSTUDENT');
    const [upload] = await fake.waitFor((x) => x.path.startsWith('/upload/'));
    expect(upload!.raw.toString()).toContain('long-network-name-028');
  });

  it('gives TA roles from SLACK_TA_USERS and the SLACK_TA_USERGROUP, and refuses TA commands to students', async () => {
    const { registerSlashCommand, reply } = await import('../../src/core/tutor.ts');
    const { text } = await import('../../src/core/types.ts');
    registerSlashCommand('ta-probe', {
      summary: 'test-only TA command',
      usage: '/ta-probe',
      taOnly: true,
      handler: async (req) => reply(req, text('hello TA')),
    });
    const ask = async (user: string, name: string) => {
      const b = slashCommandBody({
        command: '/ta-probe',
        text: '',
        user_id: user,
        response_url: fake.responseUrl(name),
      });
      await postSigned(events, b, { secret: SECRET });
      const [r] = await fake.waitFor((x) => x.path === `/response/${name}`);
      return JSON.stringify(r!.body);
    };
    expect(await ask('UTA1', 'ta-listed')).toContain('hello TA');
    expect(await ask('UTA2', 'ta-group')).toContain('hello TA');
    expect(await ask('U1', 'ta-student')).toContain('/ta-probe is for TAs only.');
  });

  it('turns a button press into a request: a button carrying /sandbox reset resets the sandbox', async () => {
    const payload = {
      type: 'block_actions',
      trigger_id: 'trig-btn',
      team: { id: 'T1' },
      user: { id: 'U1', name: 'student' },
      channel: { id: 'C1' },
      api_app_id: 'A1',
      response_url: fake.responseUrl('button'),
      actions: [
        {
          type: 'button',
          action_id: 'sandbox.reset',
          value: '/sandbox reset',
          action_ts: '1.2',
          block_id: 'b',
        },
      ],
    };
    const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    expect((await postSigned(events, body, { secret: SECRET })).status).toBe(200);
    const [r] = await fake.waitFor((x) => x.path === '/response/button');
    expect(JSON.stringify(r!.body)).toContain('Your sandbox is fresh again');
  });

  it('retries a failing response URL with backoff, then dead-letters the reply', async () => {
    fake.failNext('/response/flaky', 503, 502);
    const b1 = slashCommandBody({
      command: '/docker',
      text: 'network ls',
      response_url: fake.responseUrl('flaky'),
    });
    await postSigned(events, b1, { secret: SECRET });
    const hits = await fake.waitFor((x) => x.path === '/response/flaky', 3);
    expect(hits.length).toBe(3);
    await expect(deadLetters.list()).resolves.toEqual([]);

    fake.failNext('/response/dead', 500, 500, 500, 500);
    const b2 = slashCommandBody({
      command: '/docker',
      text: 'network ls',
      response_url: fake.responseUrl('dead'),
    });
    await postSigned(events, b2, { secret: SECRET });
    await fake.waitFor((x) => x.path === '/response/dead', 4);
    await expect.poll(async () => (await deadLetters.list()).length).toBe(1);
    const [letter] = await deadLetters.list();
    expect(letter!.text).toBe('/docker network ls');
    expect(letter!.reason).toContain('HTTP 500');
    expect(JSON.stringify(letter!.reply)).toContain('NETWORK ID');
  });
});

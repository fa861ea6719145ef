/**
 * Socket Mode on the real path: `./bin/docker-tutor slack` with SLACK_APP_TOKEN, its Web API at
 * a local recorder whose apps.connections.open hands out a ws:// URL served by a local WebSocket
 * server. The test plays Slack's side of the socket: `hello`, then a `slash_commands` envelope
 * for `/docker network ls`; the bot must acknowledge the envelope over the socket and post the
 * table to the (recorded) response URL.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeSlack, slashCommandBody, startFakeSlack } from './support/fake-slack.ts';
import {
  type SlackSocketServer,
  type SocketSession,
  startSlackSocketServer,
} from './support/fake-slack-socket.ts';

const ROOT = resolve(import.meta.dirname, '../..');

describe('Slack bot (Socket Mode): docker-tutor slack over a local WebSocket', () => {
  let socket: SlackSocketServer;
  let fake: FakeSlack;
  let proc: ChildProcess;
  let session: SocketSession;
  const logs: string[] = [];

  beforeAll(async () => {
    socket = await startSlackSocketServer();
    fake = await startFakeSlack({ socketUrl: socket.url });
    proc = spawn(resolve(ROOT, 'bin/docker-tutor'), ['slack'], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/tmp',
        LOG_LEVEL: 'warn',
        SLACK_APP_TOKEN: 'xapp-1-socket-test',
        SLACK_BOT_TOKEN: 'xoxb-socket-test',
        SLACK_API_URL: fake.apiUrl,
        METRICS_PORT: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    proc.stdout?.on('data', (d: Buffer) => logs.push(d.toString()));
    proc.stderr?.on('data', (d: Buffer) => logs.push(d.toString()));
    session = await socket.nextConnection(30_000).catch((e: Error) => {
      throw new Error(`${e.message}; exit ${proc.exitCode}\n${logs.join('')}`);
    });
    // Slack's handshake: the client is connected (and app.start resolves) once it sees hello.
    session.send({
      type: 'hello',
      num_connections: 1,
      debug_info: { host: 'applink-test', approximate_connection_time: 18060 },
      connection_info: { app_id: 'A1' },
    });
  });

  afterAll(async () => {
    if (proc && proc.exitCode === null) {
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await exited;
    }
    await socket?.close();
    await fake?.close();
  });

  it('checks the bot token, then opens the connection with the app token, both at SLACK_API_URL', () => {
    const auth = fake.requests.find((r) => r.path === '/api/auth.test');
    expect(auth?.headers.authorization).toBe('Bearer xoxb-socket-test');
    const open = fake.requests.find((r) => r.path === '/api/apps.connections.open');
    expect(open?.headers.authorization).toBe('Bearer xapp-1-socket-test');
    expect(session.path).toBe('/link/?ticket=test-ticket&app_id=A1');
  });

  it('acknowledges a slash_commands envelope over the socket and posts the network ls table', async () => {
    const payload = Object.fromEntries(
      new URLSearchParams(
        slashCommandBody({
          command: '/docker',
          text: 'network ls',
          user_id: 'USOCK',
          response_url: fake.responseUrl('socket-net-ls'),
        }),
      ),
    );
    const sentAt = performance.now();
    session.send({
      envelope_id: 'env-net-ls-1',
      type: 'slash_commands',
      accepts_response_payload: true,
      payload,
    });
    const ack = await session.ackOf('env-net-ls-1');
    // An empty acknowledgement: the answer goes to the response URL, not into the ack.
    expect(ack.message).toEqual({ envelope_id: 'env-net-ls-1', payload: {} });
    expect(ack.at - sentAt).toBeLessThan(1_000);

    const [posted] = await fake
      .waitFor((r) => r.path === '/response/socket-net-ls', 1, 20_000)
      .catch((e: Error) => {
        throw new Error(`${e.message}\n${logs.join('')}`);
      });
    // The ack went out before the command's answer.
    expect(posted!.at).toBeGreaterThan(ack.at);
    const msg = posted!.body as { response_type: string; blocks: Array<{ text?: { text: string } }> };
    expect(msg.response_type).toBe('ephemeral');
    const table = msg.blocks[0]!.text!.text;
    expect(table).toMatch(/^```\nNETWORK ID {5}NAME {6}DRIVER {4}SCOPE\n/);
    expect(table).toMatch(/^[0-9a-f]{12} {3}bridge {4}bridge {4}local$/m);
    expect(table).toMatch(/^[0-9a-f]{12} {3}host {6}host {6}local$/m);
    expect(table).toMatch(/^[0-9a-f]{12} {3}none {6}null {6}local\n```$/m);
  });
});

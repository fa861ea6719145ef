/**
 * The daemon's event log (`GET /events`, `docker events`), container logs as the json-file driver
 * reads them, exec and logs over a terminal, the list filters' errors, and the HTTP headers Go's
 * server sends. Expected texts come from Docker 20.10 (goldens 232, 240, 242, 243, 246, 260).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EngineApiServer, startEngineApiServer } from '../../../src/engine/api/server.ts';
import { type Engine, runHostLine } from '../../../src/engine/index.ts';
import { allEvents, EVENTS_LIMIT, logEvent } from '../../../src/engine/model/events.ts';
import { call, freshEngine } from './support.ts';
import { loadSwagger, responseSchema, SWAGGER_MISSING, validate } from './swagger.ts';

const swagger = loadSwagger();
if (!swagger) console.log(`events-logs.test.ts: swagger checks skipped: ${SWAGGER_MISSING}`);

async function sh(engine: Engine, line: string) {
  return runHostLine(engine, line);
}

/** The events between the epoch and the far future, as JSON messages. */
async function events(engine: Engine, filters?: object): Promise<Array<Record<string, unknown>>> {
  const q = filters ? `&filters=${encodeURIComponent(JSON.stringify(filters))}` : '';
  const r = await call(engine, 'GET', `/v1.41/events?since=0&until=9999999999${q}`);
  expect(r.status).toBe(200);
  return r.text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('the event log', () => {
  it('replays what the ops logged, with the daemon JSON of each kind of actor', async () => {
    const e = freshEngine();
    await sh(e, 'docker network create evnet');
    await sh(e, 'docker run -d --name ev --label tier=web alpine sleep 300');
    await sh(e, 'docker exec ev true');
    await sh(e, 'docker kill ev');
    await sh(e, 'docker rm ev');
    await sh(e, 'docker volume create evvol');
    await sh(e, 'docker tag alpine evimg:1');
    const all = await events(e);
    expect(all.map((m) => `${m.Type} ${m.Action}`)).toEqual([
      'image tag',
      'image import',
      'network create',
      'container create',
      'network connect',
      'container start',
      'container exec_create: true ',
      'container exec_start: true ',
      'container exec_die',
      'container kill',
      'container die',
      'network disconnect',
      'container destroy',
      'volume create',
      'image tag',
    ]);
    const die = all.find((m) => m.Action === 'die')!;
    const id = (die.Actor as { ID: string }).ID;
    expect(Object.keys(die)).toEqual([
      'status',
      'id',
      'from',
      'Type',
      'Action',
      'Actor',
      'scope',
      'time',
      'timeNano',
    ]);
    expect(die).toMatchObject({
      status: 'die',
      id,
      from: 'alpine',
      Actor: { Attributes: { exitCode: '137', image: 'alpine', name: 'ev', tier: 'web' } },
      scope: 'local',
    });
    expect(Object.keys((die.Actor as { Attributes: object }).Attributes)).toEqual([
      'exitCode',
      'image',
      'name',
      'tier',
    ]);
    const connect = all.find((m) => m.Action === 'connect')!;
    expect(Object.keys(connect)).toEqual(['Type', 'Action', 'Actor', 'scope', 'time', 'timeNano']);
    expect(connect.Actor).toMatchObject({ Attributes: { container: id, name: 'bridge', type: 'bridge' } });
    // The container is gone: its ID is still there in full.
    expect((all.find((m) => m.Action === 'destroy')!.Actor as { ID: string }).ID).toMatch(/^[0-9a-f]{64}$/);
    const tag = all.at(-1)!;
    expect(tag).toMatchObject({ status: 'tag', Type: 'image', Actor: { Attributes: { name: 'evimg:1' } } });
    expect(tag.from).toBeUndefined();
    // time is timeNano's seconds.
    for (const m of all) expect(String(m.timeNano).slice(0, 10)).toBe(String(m.time));
  });

  it('filters as daemon/events/filter.go: types, fuzzy names, exec prefixes, images, labels', async () => {
    const e = freshEngine();
    await sh(e, 'docker run -d --name ev --label tier=web alpine sleep 300');
    await sh(e, 'docker exec ev true');
    await sh(e, 'docker network create evnet');
    const actions = async (f: object) => (await events(e, f)).map((m) => `${m.Type} ${m.Action}`);
    // `container=ev` is a prefix: the network evnet matches by its name.
    expect(await actions({ container: ['ev'], type: ['network'] })).toEqual(['network create']);
    expect(await actions({ event: ['exec_create'] })).toEqual(['container exec_create: true ']);
    expect(await actions({ event: ['exec_die'] })).toEqual(['container exec_die']);
    expect(await actions({ image: ['alpine'], type: ['image'] })).toEqual(['image tag']);
    expect(await actions({ label: ['tier=web'], event: ['start'] })).toEqual(['container start']);
    expect(await actions({ type: ['bogus'] })).toEqual([]);
    expect(await actions({ bogus: ['1'], type: ['network'] })).toEqual(['network connect', 'network create']);
  });

  it('logs a failed start, update, save and load as dockerd 20.10 did (probe recorded from it)', async () => {
    const e = freshEngine();
    await sh(e, 'docker run -d --name u1 alpine sleep 100');
    await sh(e, 'docker update --restart always u1');
    await sh(e, 'docker tag alpine mine:1');
    await sh(e, 'docker save mine:1 alpine > /tmp/b.tar');
    await sh(e, 'docker rmi mine:1');
    await sh(e, 'docker load -i /tmp/b.tar');
    await sh(e, 'docker run --rm --name bad2 alpine nosuchcmd');
    const all = await events(e);
    const names = all.slice(2).map((m) => {
      const attrs = (m.Actor as { Attributes: Record<string, string> }).Attributes;
      return `${m.Type} ${m.Action} ${m.Type === 'image' ? '' : attrs.name}`.trim();
    });
    expect(names).toEqual([
      'container create u1',
      'network connect bridge',
      'container start u1',
      'container update u1',
      'image tag',
      'image save',
      'image untag',
      'image load',
      'container create bad2',
      'container attach bad2',
      'network connect bridge',
      'network disconnect bridge',
      'container destroy bad2',
    ]);
  });

  it('checks since and until as the events route does', async () => {
    const e = freshEngine();
    const bad = await call(e, 'GET', '/v1.41/events?since=10&until=5');
    expect([bad.status, bad.text]).toEqual([
      400,
      '{"message":"`since` time (10) cannot be after `until` time (5)"}\n',
    ]);
    const nan = await call(e, 'GET', '/v1.41/events?since=abc&until=5');
    expect([nan.status, nan.text]).toEqual([
      500,
      '{"message":"strconv.ParseInt: parsing \\"abc\\": invalid syntax"}\n',
    ]);
    const past = await call(e, 'GET', '/v1.41/events?since=1&until=2');
    expect([past.status, past.text]).toEqual([200, '']);
    expect(past.res.headers).toContainEqual(['Content-Type', 'application/json']);
    // A live query (no since, no until) shows nothing that happened before it.
    await sh(e, 'docker network create n1');
    expect((await call(e, 'GET', '/v1.41/events')).text).toBe('');
  });

  it('keeps the last 256 events, compactly', () => {
    const e = freshEngine();
    for (let i = 0; i < 300; i++) {
      logEvent(e, {
        type: 'container',
        action: 'start',
        actorId: 'f'.repeat(63) + (i % 10),
        actorAttributes: { name: `c${i % 10}` },
      });
    }
    const all = allEvents(e);
    expect(all).toHaveLength(EVENTS_LIMIT);
    expect(all[0]!.actorId).toBe(`${'f'.repeat(63)}4`);
    const size = JSON.stringify(e.state.events).length;
    expect(size).toBeLessThan(6000);
    for (let i = 1; i < all.length; i++) expect(all[i]!.timeNano > all[i - 1]!.timeNano).toBe(true);
  });
});

describe('docker events', () => {
  it('prints the CLI line or the --format template, with the CLI errors', async () => {
    const e = freshEngine();
    await sh(e, 'docker run -d --name ev alpine sleep 300');
    await sh(e, 'docker pause ev');
    const pretty = await sh(e, 'docker events --since 5m --until 0s --filter event=pause');
    expect(pretty.stdout).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z container pause [0-9a-f]{64} \(image=alpine, name=ev\)\n$/,
    );
    const fmt = await sh(
      e,
      "docker events --since 5m --until 0s --filter type=network --format '{{.Action}} {{.Actor.Attributes.name}}'",
    );
    expect(fmt.stdout).toBe('connect bridge\n');
    const status = await sh(
      e,
      "docker events --since 5m --until 0s --filter event=pause --format '{{.Status}} {{.From}}'",
    );
    expect(status.stdout).toBe('pause alpine\n');
    const bogus = await sh(e, "docker events --since 5m --until 0s --format '{{.Bogus}}'");
    expect([bogus.exitCode, bogus.stderr]).toEqual([
      64,
      'Error parsing format: template: :1:2: executing "" at <.Bogus>: can\'t evaluate field Bogus in type *events.Message\n',
    ]);
    const since = await sh(e, 'docker events --since bogus --until 0s');
    expect([since.exitCode, since.stderr]).toEqual([
      1,
      'failed to parse value as time or duration: "bogus"\n',
    ]);
    const later = await sh(e, 'docker events --since 2020-01-01 --until 2020-01-02');
    expect([later.exitCode, later.stdout]).toEqual([0, '']);
  });
});

describe('container logs', () => {
  it('sends no Content-Type, tails both streams, and keeps lines by when they were written', async () => {
    const e = freshEngine();
    await sh(e, "docker run --name f1 alpine sh -c 'echo out1; echo err1 >&2; echo out2'");
    const r = await call(e, 'GET', '/v1.41/containers/f1/logs?stdout=1');
    expect(r.res.headers.find(([k]) => k === 'Content-Type')).toBeUndefined();
    expect(r.text).toBe('\x01\0\0\0\0\0\0\x05out1\n\x01\0\0\0\0\0\0\x05out2\n');
    expect((await call(e, 'GET', '/v1.41/containers/f1/logs?stdout=1&stderr=1&tail=1')).text).toBe(
      '\x01\0\0\0\0\0\0\x05out2\n',
    );
    expect((await call(e, 'GET', '/v1.41/containers/f1/logs?stdout=1&stderr=1&tail=0')).text).toBe('');
    expect((await call(e, 'GET', '/v1.41/containers/f1/logs?stdout=1&since=9999999999')).text).toBe('');
    expect((await call(e, 'GET', '/v1.41/containers/f1/logs?stdout=1&until=1')).text).toBe('');
    expect((await call(e, 'GET', '/v1.41/containers/f1/logs?stdout=1&since=1')).text).toContain('out1');
    const ts = await call(e, 'GET', '/v1.41/containers/f1/logs?stdout=1&timestamps=1');
    expect(ts.text).toMatch(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z out1\n/);
    const bad = await call(e, 'GET', '/v1.41/containers/f1/logs?stdout=1&since=abc');
    expect(bad.status).toBe(500);
  });

  it('a terminal carries both streams as one, in order, lines ended CR LF', async () => {
    const e = freshEngine();
    const run = await sh(e, "docker run -t --name t1 alpine sh -c 'echo tty1; echo tty2 >&2; echo tty3'");
    expect(run.stdout).toBe('tty1\r\ntty2\r\ntty3\r\n');
    expect((await call(e, 'GET', '/v1.41/containers/t1/logs?stdout=1&stderr=1')).text).toBe(
      'tty1\r\ntty2\r\ntty3\r\n',
    );
    expect((await call(e, 'GET', '/v1.41/containers/t1/logs?stderr=1')).text).toBe('');
    expect((await sh(e, 'docker logs --tail 2 t1')).stdout).toBe('tty2\r\ntty3\r\n');
  });
});

describe('exec over a terminal and exec errors', () => {
  it('ends lines CR LF with Tty, and writes a start error into the stream as the daemon does', async () => {
    const e = freshEngine();
    await sh(e, 'docker run -d --name e1 alpine sleep 600');
    const tty = await call(e, 'POST', '/v1.41/containers/e1/exec', {
      Cmd: ['echo', 'tty-line'],
      AttachStdout: true,
      Tty: true,
    });
    const id = (tty.json as { Id: string }).Id;
    expect((await call(e, 'POST', `/v1.41/exec/${id}/start`, { Tty: true })).text).toBe('tty-line\r\n');
    const ghost = await call(e, 'POST', '/v1.41/containers/e1/exec', {
      Cmd: ['true'],
      User: 'ghost',
      AttachStdout: true,
    });
    const started = await call(e, 'POST', `/v1.41/exec/${(ghost.json as { Id: string }).Id}/start`, {});
    const text = 'unable to find user ghost: no matching entries in passwd file\r\n';
    expect(started.text).toBe(`\x01\0\0\0\0\0\0${String.fromCharCode(text.length)}${text}`);
    expect(text.length).toBe(63);
    // The exec never ran: no exec_die.
    expect((await events(e, { event: ['exec_die'] })).length).toBe(1);
  });
});

describe('list filters', () => {
  it('answers bad container and image filters as the daemon does', async () => {
    const e = freshEngine();
    const q = (f: object) => `filters=${encodeURIComponent(JSON.stringify(f))}`;
    const exited = await call(e, 'GET', `/v1.41/containers/json?${q({ exited: ['abc'] })}`);
    expect([exited.status, exited.text]).toEqual([
      500,
      '{"message":"strconv.Atoi: parsing \\"abc\\": invalid syntax"}\n',
    ]);
    const before = await call(e, 'GET', `/v1.41/containers/json?${q({ before: ['nosuch240'] })}`);
    expect([before.status, before.text]).toEqual([500, '{"message":"no such container nosuch240"}\n']);
    const task = await call(e, 'GET', `/v1.41/containers/json?${q({ 'is-task': ['maybe'] })}`);
    expect([task.status, task.text]).toEqual([400, '{"message":"Invalid filter \'is-task=[maybe]\'"}\n']);
    const publish = await call(e, 'GET', `/v1.41/containers/json?${q({ publish: ['80:80'] })}`);
    expect([publish.status, publish.text]).toEqual([
      500,
      '{"message":"filter for \'publish\' should not contain \':\': 80:80"}\n',
    ]);
    const dangling = await call(e, 'GET', `/v1.41/images/json?${q({ dangling: ['maybe'] })}`);
    expect([dangling.status, dangling.text]).toEqual([
      400,
      '{"message":"Invalid filter \'dangling=[maybe]\'"}\n',
    ]);
    const ps = await sh(e, 'docker ps --filter exited=abc');
    expect([ps.exitCode, ps.stderr]).toEqual([
      1,
      'Error response from daemon: strconv.Atoi: parsing "abc": invalid syntax\n',
    ]);
  });
});

describe('over the socket', () => {
  let dir: string;
  let socket: string;
  let server: EngineApiServer;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'engine-api-events-'));
    socket = join(dir, 'docker.sock');
    server = await startEngineApiServer(freshEngine(3), { kind: 'unix', path: socket });
  });

  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function get(path: string, agent?: Agent) {
    return new Promise<{ headers: Record<string, unknown>; reused: boolean; text: string }>(
      (resolve, reject) => {
        const req = request({ socketPath: socket, path, ...(agent ? { agent } : {}) }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({
              headers: res.headers,
              reused: req.reusedSocket,
              text: Buffer.concat(chunks).toString(),
            }),
          );
        });
        req.on('error', reject);
        req.end();
      },
    );
  }

  it('sends neither Connection nor Keep-Alive, as Go, and still keeps the connection', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const first = await get('/_ping', agent);
    expect(first.headers.connection).toBeUndefined();
    expect(first.headers['keep-alive']).toBeUndefined();
    const second = await get('/v1.41/version', agent);
    expect(second.reused).toBe(true);
    agent.destroy();
  });

  it('streams events as they happen', async () => {
    const lines: string[] = [];
    const ctl = new AbortController();
    const got = new Promise<void>((resolve, reject) => {
      const req = request({ socketPath: socket, path: '/v1.41/events', signal: ctl.signal }, (res) => {
        expect(res.headers['content-type']).toBe('application/json');
        res.on('data', (c: Buffer) => {
          lines.push(...c.toString().split('\n').filter(Boolean));
          if (lines.length) resolve();
        });
      });
      req.on('error', (err) => (ctl.signal.aborted ? undefined : reject(err)));
      req.end();
    });
    // Once the stream is open, a network is created through the same server.
    await new Promise((r) => setTimeout(r, 100));
    await new Promise<void>((resolve, reject) => {
      const req = request(
        {
          socketPath: socket,
          method: 'POST',
          path: '/v1.41/networks/create',
          headers: { 'content-type': 'application/json' },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve());
        },
      );
      req.on('error', reject);
      req.end(JSON.stringify({ Name: 'live1' }));
    });
    await got;
    ctl.abort();
    expect(JSON.parse(lines[0]!)).toMatchObject({
      Type: 'network',
      Action: 'create',
      Actor: { Attributes: { name: 'live1' } },
    });
  });
});

describe.skipIf(!swagger)('event messages validate against docker-engine-api-v1.41.yaml', () => {
  it('GET /events sends SystemEventsResponse documents', async () => {
    const e = freshEngine();
    await sh(e, 'docker network create n1');
    await sh(e, 'docker run --name c1 --label a=b alpine true');
    await sh(e, 'docker volume create v1');
    await sh(e, 'docker container prune -f');
    const schema = responseSchema(swagger!, 'GET', '/events', 200);
    expect(schema).not.toBeNull();
    const all = await events(e);
    expect(all.length).toBeGreaterThan(8);
    for (const m of all) expect(validate(swagger!, schema!, m)).toEqual([]);
  });
});

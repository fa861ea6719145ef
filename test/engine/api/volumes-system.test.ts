/**
 * `/volumes`, `/build/prune`, volumes in `/system/df`, and a container's `/top` and `/changes`,
 * with the bodies, statuses and messages Docker 20.10 answered (recorded with the oracle:
 * test/golden/127-api-volumes, 128-top-diff-prune).
 */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/engine/clock.ts';
import { Engine } from '../../../src/engine/engine.ts';
import { runHostLine } from '../../../src/engine/index.ts';
import { call, freshEngine } from './support.ts';

const q = (filters: object) => encodeURIComponent(JSON.stringify(filters));

describe('volumes over the API', () => {
  it('creates: 201 with the volume, null labels and options when the body has none', async () => {
    const e = freshEngine();
    const v1 = await call(e, 'POST', '/v1.41/volumes/create', { Name: 'v1' });
    expect(v1.status).toBe(201);
    expect(v1.text).toMatch(
      /^\{"CreatedAt":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ","Driver":"local","Labels":null,"Mountpoint":"\/var\/lib\/docker\/volumes\/v1\/_data","Name":"v1","Options":null,"Scope":"local"\}\n$/,
    );
    const v2 = await call(e, 'POST', '/v1.41/volumes/create', {
      Name: 'v2',
      Labels: { a: 'b', 10: 'x', 9: 'y' },
      DriverOpts: {},
    });
    // Go sorts map keys as strings.
    expect(v2.text).toContain('"Labels":{"10":"x","9":"y","a":"b"}');
    expect(v2.text).toContain('"Options":{}');
    const again = await call(e, 'POST', '/v1.41/volumes/create', { Name: 'v2', Labels: { c: 'd' } });
    expect([again.status, (again.json as { Labels: object }).Labels]).toEqual([
      201,
      { 10: 'x', 9: 'y', a: 'b' },
    ]);
    const anon = await call(e, 'POST', '/v1.41/volumes/create', {});
    expect((anon.json as { Name: string }).Name).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses bad names, drivers, options and bodies with the daemon messages', async () => {
    const e = freshEngine();
    const cases: Array<[string | object, number, string]> = [
      [
        { Name: 'v9', Driver: 'nosuch' },
        404,
        'create v9: error looking up volume plugin nosuch: plugin "nosuch" not found',
      ],
      [
        { Name: 'x' },
        400,
        'create x: volume name is too short, names should be at least two alphanumeric characters',
      ],
      [
        { Name: 'a/b' },
        400,
        'create a/b: "a/b" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path',
      ],
      [{ Name: 'v3', DriverOpts: { foo: 'bar' } }, 400, 'create v3: invalid option: "foo"'],
      [{ Name: 'v3', DriverOpts: { type: 'tmpfs' } }, 400, 'create v3: missing required option: "device"'],
      [
        { Name: 'v3', DriverOpts: { size: '10m' } },
        400,
        'create v3: quota size requested but no quota support',
      ],
      [{ Name: 'v3', DriverOpts: { size: 'abc' } }, 500, "create v3: invalid size: 'abc'"],
      ['{"Name":', 400, 'unexpected EOF'],
      ['', 400, 'got EOF while reading request body'],
      [
        { Name: 5 },
        400,
        'json: cannot unmarshal number into Go struct field VolumeCreateBody.Name of type string',
      ],
    ];
    for (const [body, status, message] of cases) {
      const res = await call(e, 'POST', '/v1.41/volumes/create', body);
      expect([res.status, res.json], JSON.stringify(body)).toEqual([status, { message }]);
    }
    const plain = await call(e, 'POST', '/v1.41/volumes/create', '{}', { 'content-type': 'text/plain' });
    expect(plain.json).toEqual({ message: "Content-Type specified (text/plain) must be 'application/json'" });
    // An existing volume is returned before its driver is looked at... unless a plugin is named.
    await call(e, 'POST', '/v1.41/volumes/create', { Name: 'v1' });
    const plugin = await call(e, 'POST', '/v1.41/volumes/create', { Name: 'v1', Driver: 'nosuch' });
    expect(plugin.status).toBe(404);
  });

  it('inspects, lists with filters and refuses bad filters', async () => {
    const e = freshEngine();
    await call(e, 'POST', '/v1.41/volumes/create', { Name: 'v1' });
    await call(e, 'POST', '/v1.41/volumes/create', { Name: 'v2', Labels: { a: 'b' } });
    await call(e, 'POST', '/v1.41/volumes/create', { Name: 'w3' });
    expect((await call(e, 'GET', '/v1.41/volumes/v2')).json).toMatchObject({
      Name: 'v2',
      Labels: { a: 'b' },
    });
    const missing = await call(e, 'GET', '/v1.41/volumes/nope');
    expect([missing.status, missing.json]).toEqual([404, { message: 'get nope: no such volume' }]);
    expect((await call(e, 'GET', '/v1.41/volumes/')).json).toEqual({ message: 'get: no such volume' });

    const names = async (filters?: object) => {
      const res = await call(e, 'GET', `/v1.41/volumes${filters ? `?filters=${q(filters)}` : ''}`);
      return (res.json as { Volumes: Array<{ Name: string }> }).Volumes.map((v) => v.Name);
    };
    expect(await names()).toEqual(['v1', 'v2', 'w3']);
    expect((await call(e, 'GET', '/v1.41/volumes')).text).toMatch(/"Warnings":null\}\n$/);
    expect(await names({ name: { 'v[12]': true } })).toEqual(['v1', 'v2']);
    expect(await names({ label: { a: true } })).toEqual(['v2']);
    expect(await names({ driver: ['local'] })).toEqual(['v1', 'v2', 'w3']);
    expect(await names({ dangling: { true: true } })).toEqual(['v1', 'v2', 'w3']);
    expect(await names({ dangling: { false: true } })).toEqual([]);

    const bad = async (raw: string) => (await call(e, 'GET', `/v1.41/volumes?filters=${raw}`)).json;
    expect(await bad(q({ dangling: { maybe: true } }))).toEqual({
      message: "Invalid filter 'dangling=[maybe]'",
    });
    expect(await bad(q({ 'label!': { a: true } }))).toEqual({ message: "Invalid filter 'label!'" });
    const broken = await call(e, 'GET', '/v1.41/volumes?filters=%7Bbad');
    expect([broken.status, broken.json]).toEqual([
      400,
      {
        message:
          "error reading volume filters: invalid character 'b' looking for beginning of object key string",
      },
    ]);
  });

  it('removes (409 in use, force only for missing ones), prunes unused plain local volumes', async () => {
    const e = freshEngine();
    await call(e, 'POST', '/v1.41/volumes/create', { Name: 'v2', Labels: { a: 'b' } });
    await call(e, 'POST', '/v1.41/volumes/create', {
      Name: 'v4',
      DriverOpts: { type: 'tmpfs', device: 'tmpfs', o: 'size=1m' },
    });
    const anon = ((await call(e, 'POST', '/v1.41/volumes/create', {})).json as { Name: string }).Name;
    // `-v NAME:/path` makes the named volume with the container.
    const run = await runHostLine(e, 'docker run -d --name u1 -v v1:/data alpine sleep 1000');
    const id = run.stdout.trim();
    const used = await call(e, 'GET', `/v1.41/volumes?filters=${q({ dangling: { false: true } })}`);
    expect((used.json as { Volumes: Array<{ Name: string }> }).Volumes.map((v) => v.Name)).toEqual(['v1']);

    for (const path of ['/v1.41/volumes/v1', '/v1.41/volumes/v1?force=1']) {
      const res = await call(e, 'DELETE', path);
      expect([res.status, res.json]).toEqual([409, { message: `remove v1: volume is in use - [${id}]` }]);
    }
    const missing = await call(e, 'DELETE', '/v1.41/volumes/nope');
    expect([missing.status, missing.json]).toEqual([404, { message: 'get nope: no such volume' }]);
    expect((await call(e, 'DELETE', '/v1.41/volumes/nope?force=true')).status).toBe(204);

    const df = await call(e, 'GET', '/v1.41/system/df');
    const vols = (df.json as { Volumes: Array<{ Name: string; UsageData: object }> }).Volumes;
    // Volumes with mount options are not sized; the rest in the order they were made.
    expect(vols.map((v) => [v.Name, v.UsageData])).toEqual([
      ['v2', { RefCount: 0, Size: 0 }],
      [anon, { RefCount: 0, Size: 0 }],
      ['v1', { RefCount: 1, Size: 0 }],
    ]);
    expect(df.text).toMatch(/"BuildCache":null,"BuilderSize":0\}\n$/);

    const prune = async (filters?: object) =>
      call(e, 'POST', `/v1.41/volumes/prune${filters ? `?filters=${q(filters)}` : ''}`);
    expect((await prune({ dangling: { true: true } })).json).toEqual({
      message: "Invalid filter 'dangling'",
    });
    expect((await prune({ label: { a: true } })).text).toBe('{"VolumesDeleted":["v2"],"SpaceReclaimed":0}\n');
    const broken = await call(e, 'POST', '/v1.41/volumes/prune?filters=%7Bbad');
    expect([broken.status, broken.json]).toEqual([
      500,
      { message: "invalid character 'b' looking for beginning of object key string" },
    ]);
    expect((await prune()).json).toEqual({ VolumesDeleted: [anon], SpaceReclaimed: 0 });
    expect((await prune()).text).toBe('{"VolumesDeleted":[],"SpaceReclaimed":0}\n');
    expect((await runHostLine(e, 'docker volume ls -q')).stdout).toBe('v1\nv4\n');
  });
});

describe('build cache prune', () => {
  it('has nothing to prune and checks filters as BuildKit does', async () => {
    const e = freshEngine();
    const ok = await call(e, 'POST', '/v1.41/build/prune');
    expect([ok.status, ok.text]).toEqual([200, '{"CachesDeleted":null,"SpaceReclaimed":0}\n']);
    const cases: Array<[string, number, string]> = [
      [
        'keep-storage=abc',
        500,
        'keep-storage is in bytes and expects an integer, got abc: strconv.Atoi: parsing "abc": invalid syntax',
      ],
      [
        'filters=%7Bbad',
        500,
        "could not parse filters: invalid character 'b' looking for beginning of object key string",
      ],
      [
        `filters=${q({ until: { '1h': true }, 'unused-for': { '1h': true } })}`,
        400,
        'failed to prune build cache: conflicting filters: "until" and "unused-for"',
      ],
      [
        `filters=${q({ id: { a: true, b: true } })}`,
        400,
        'failed to prune build cache: filters expect only one value',
      ],
      [
        `filters=${q({ until: { '1d': true } })}`,
        500,
        'failed to prune build cache: "until" filter expects a duration (e.g., \'24h\'): time: unknown unit "d" in duration "1d"',
      ],
      [
        `filters=${q({ until: { abc: true } })}`,
        500,
        'failed to prune build cache: "until" filter expects a duration (e.g., \'24h\'): time: invalid duration "abc"',
      ],
      [
        `filters=${q({ mutable: { a: true } })}`,
        400,
        "failed to prune build cache: Invalid filter 'mutable'",
      ],
    ];
    for (const [query, status, message] of cases) {
      const res = await call(e, 'POST', `/v1.41/build/prune?${query}`);
      expect([res.status, res.json], query).toEqual([status, { message }]);
    }
    expect(
      (await call(e, 'POST', `/v1.41/build/prune?filters=${q({ until: { '1h30m': true } })}`)).status,
    ).toBe(200);
  });
});

describe('container top and changes', () => {
  it('top: 404, 409 when not running, and the recorded hosts had no ps', async () => {
    const e = new Engine({ seed: 7, recordedHost: true, clock: new ManualClock(Date.UTC(2026, 10, 28), 1) });
    await runHostLine(e, 'docker run -d --name t1 alpine sleep 1000');
    await runHostLine(e, 'docker create --name t2 alpine true');
    const running = await call(e, 'GET', '/v1.41/containers/t1/top');
    expect([running.status, running.json]).toEqual([
      500,
      { message: 'ps: exec: "ps": executable file not found in $PATH' },
    ]);
    const t2 = (await runHostLine(e, 'docker inspect -f {{.Id}} t2')).stdout.trim();
    const stopped = await call(e, 'GET', '/v1.41/containers/t2/top');
    expect([stopped.status, stopped.json]).toEqual([409, { message: `Container ${t2} is not running` }]);
    const none = await call(e, 'GET', '/v1.41/containers/nope/top');
    expect([none.status, none.json]).toEqual([404, { message: 'No such container: nope' }]);
    expect((await runHostLine(e, 'docker top t1')).stderr).toBe(
      'Error response from daemon: ps: exec: "ps": executable file not found in $PATH\n',
    );
  });

  it('top on a host with ps: the main process as ps -ef or ps aux lists it', async () => {
    const e = freshEngine();
    await runHostLine(e, 'docker run -d --name t1 alpine sleep 1000');
    const ef = (await call(e, 'GET', '/v1.41/containers/t1/top')).json as {
      Titles: string[];
      Processes: string[][];
    };
    expect(ef.Titles).toEqual(['UID', 'PID', 'PPID', 'C', 'STIME', 'TTY', 'TIME', 'CMD']);
    expect(ef.Processes[0]?.at(-1)).toBe('sleep 1000');
    const aux = (await call(e, 'GET', '/v1.41/containers/t1/top?ps_args=aux')).json as { Titles: string[] };
    expect(aux.Titles[0]).toBe('USER');
    const bad = await call(
      e,
      'GET',
      `/v1.41/containers/t1/top?ps_args=${encodeURIComponent('-o x foo=PID')}`,
    );
    expect([bad.status, bad.json]).toEqual([500, { message: 'specifying "foo=PID" is not allowed' }]);
    const cli = await runHostLine(e, 'docker top t1');
    expect(cli.stdout.split('\n')[0]).toBe(
      'UID                 PID                 PPID                C                   STIME               TTY                 TIME                CMD',
    );
  });

  it('changes: what the container wrote and the directories above it; null when nothing', async () => {
    const e = freshEngine();
    await runHostLine(e, 'docker create --name t2 alpine true');
    const none = await call(e, 'GET', '/v1.41/containers/t2/changes');
    expect([none.status, none.text]).toEqual([200, 'null\n']);
    await runHostLine(e, 'docker run -d --name t1 -v data1:/mnt/v alpine sleep 1000');
    await runHostLine(
      e,
      "docker exec t1 sh -c 'echo hi > /tmp/a; mkdir -p /srv/x; echo y > /srv/x/f; echo z >> /etc/hosts; echo r > /root/r; echo m > /mnt/v/f'",
    );
    const res = await call(e, 'GET', '/v1.41/containers/t1/changes');
    expect(res.json).toEqual([
      { Path: '/mnt', Kind: 1 },
      { Path: '/mnt/v', Kind: 1 },
      { Path: '/root', Kind: 0 },
      { Path: '/root/r', Kind: 1 },
      { Path: '/srv', Kind: 1 },
      { Path: '/srv/x', Kind: 1 },
      { Path: '/srv/x/f', Kind: 1 },
      { Path: '/tmp', Kind: 0 },
      { Path: '/tmp/a', Kind: 1 },
    ]);
    expect((await runHostLine(e, 'docker diff t1')).stdout).toBe(
      'A /mnt\nA /mnt/v\nC /root\nA /root/r\nA /srv\nA /srv/x\nA /srv/x/f\nC /tmp\nA /tmp/a\n',
    );
    const missing = await call(e, 'GET', '/v1.41/containers/nope/changes');
    expect([missing.status, missing.json]).toEqual([404, { message: 'No such container: nope' }]);
  });
});

describe('events and archive parameters', () => {
  it('events: since after until is a 400 naming both as sent; bad numbers are strconv errors', async () => {
    const e = freshEngine();
    const late = await call(e, 'GET', '/v1.41/events?since=10&until=5');
    expect([late.status, late.json]).toEqual([
      400,
      { message: '`since` time (10) cannot be after `until` time (5)' },
    ]);
    const bad = await call(e, 'GET', '/v1.41/events?since=abc&until=5');
    expect([bad.status, bad.json]).toEqual([
      500,
      { message: 'strconv.ParseInt: parsing "abc": invalid syntax' },
    ]);
    expect((await call(e, 'GET', '/v1.41/events?since=1.5&until=2')).status).toBe(200);
  });

  it('archive without a path: Docker 20.10 runs the words together', async () => {
    const e = freshEngine();
    await runHostLine(e, 'docker run -d --name box alpine sleep 1000');
    const res = await call(e, 'GET', '/v1.41/containers/box/archive');
    expect([res.status, res.json]).toEqual([400, { message: 'bad parameter: pathcannot be empty' }]);
  });
});

describe('version-gated answers', () => {
  it('info before 1.25 adds ExecutionDriver and names the security options only', async () => {
    const e = freshEngine();
    const old = (await call(e, 'GET', '/v1.24/info')).json as Record<string, unknown>;
    expect([old.ExecutionDriver, old.SecurityOptions]).toEqual(['<not supported>', ['seccomp']]);
    const now = (await call(e, 'GET', '/v1.41/info')).json as Record<string, unknown>;
    expect([now.ExecutionDriver, now.SecurityOptions]).toEqual([undefined, ['name=seccomp,profile=default']]);
  });

  it('images before 1.41 take the legacy filter parameter as a reference filter', async () => {
    const e = freshEngine();
    expect((await call(e, 'GET', '/v1.40/images/json?filter=nosuch*')).json).toEqual([]);
    expect(((await call(e, 'GET', '/v1.40/images/json?filter=alp*')).json as unknown[]).length).toBe(1);
    expect(((await call(e, 'GET', '/v1.41/images/json?filter=nosuch*')).json as unknown[]).length).toBe(1);
  });
});

/** The router on its own: versions, Docker's headers, paths, and bad input of every kind. */
import { describe, expect, it } from 'vitest';
import { wireHeaders } from '../../../src/engine/api/http.ts';
import { runHostLine } from '../../../src/engine/index.ts';
import { call, freshEngine } from './support.ts';

const create = '/v1.41/networks/create';

describe('versions and paths', () => {
  it('serves unversioned paths as 1.41 and refuses versions outside 1.12..1.41', async () => {
    const e = freshEngine();
    expect((await call(e, 'GET', '/_ping')).text).toBe('OK');
    expect((await call(e, 'GET', '/v1.12/info')).status).toBe(200);
    const tooNew = await call(e, 'GET', '/v1.99/info');
    expect([tooNew.status, tooNew.text]).toEqual([
      400,
      '{"message":"client version 1.99 is too new. Maximum supported API version is 1.41"}\n',
    ]);
    const tooOld = await call(e, 'GET', '/v1.11/info');
    expect([tooOld.status, tooOld.text]).toEqual([
      400,
      'client version 1.11 is too old. Minimum supported API version is 1.12, please upgrade your client to a newer version\n',
    ]);
    expect(tooOld.res.headers).toContainEqual(['Content-Type', 'text/plain; charset=utf-8']);
  });

  it('answers 404 page not found for unknown paths, methods and version syntax', async () => {
    const e = freshEngine();
    for (const [m, p] of [
      ['GET', '/nosuchpath'],
      ['POST', '/v1.41/info'],
      ['DELETE', '/_ping'],
      ['GET', '/v1.abc/info'],
      ['GET', '/v1.41/containers/'],
    ] as const) {
      const r = await call(e, m, p);
      expect([m, p, r.status, r.text]).toEqual([m, p, 404, '{"message":"page not found"}\n']);
    }
  });

  it('sends the daemon headers on /_ping, GET and HEAD', async () => {
    const e = freshEngine();
    const r = await call(e, 'GET', '/_ping');
    const names = wireHeaders(r.res, new Date(0), 'GET').map(([k]) => k);
    expect(names).toEqual([
      'Api-Version',
      'Cache-Control',
      'Docker-Experimental',
      'Ostype',
      'Pragma',
      'Server',
      'Date',
      'Content-Length',
      'Content-Type',
    ]);
    const h = await call(e, 'HEAD', '/_ping');
    expect(h.status).toBe(200);
    expect(h.res.headers).toContainEqual(['Content-Length', '0']);
  });

  it('redirects paths with dot segments to the cleaned path (301), never past the root', async () => {
    const e = freshEngine();
    const r = await call(e, 'GET', '/v1.41/networks/../../../etc/passwd');
    expect(r.status).toBe(301);
    expect(r.res.headers).toEqual([['Location', '/etc/passwd']]);
    const enc = await call(e, 'DELETE', '/v1.41/networks/..%2F..%2Fbridge');
    expect([enc.status, enc.res.headers]).toEqual([301, [['Location', '/bridge']]]);
    expect(e.state.networks.map((n) => n.name)).toEqual(['bridge', 'host', 'none']);
  });

  it('answers a bad percent-escape as Go does, without throwing', async () => {
    const r = await call(freshEngine(), 'GET', '/v1.41/networks/%zz');
    expect([r.status, r.text]).toEqual([400, '400 Bad Request']);
  });
});

describe('JSON bodies, as the daemon decodes them', () => {
  const cases: Array<[string, string, number, string]> = [
    ['truncated', '{"Name":', 400, 'unexpected EOF'],
    ['not JSON', 'notjson', 400, "invalid character 'o' in literal null (expecting 'u')"],
    ['garbage', 'garbage', 400, "invalid character 'g' looking for beginning of value"],
    [
      'trailing comma',
      '{"Name":"q",}',
      400,
      "invalid character '}' looking for beginning of object key string",
    ],
    ['missing comma', '{"Name":"q" "x"}', 400, "invalid character '\"' after object key:value pair"],
    ['bad escape', '{"Name":"\\q"}', 400, "invalid character 'q' in string escape code"],
    [
      'number for string',
      '{"Name":5}',
      400,
      'json: cannot unmarshal number into Go struct field NetworkCreateRequest.Name of type string',
    ],
    [
      'string for bool',
      '{"Name":"q","Internal":"yes"}',
      400,
      'json: cannot unmarshal string into Go struct field NetworkCreateRequest.Internal of type bool',
    ],
    [
      'nested type',
      '{"Name":"q","IPAM":{"Config":[{"Subnet":5}]}}',
      400,
      'json: cannot unmarshal number into Go struct field IPAMConfig.IPAM.Config.Subnet of type string',
    ],
    [
      'map of numbers',
      '{"Name":"q","Labels":{"a":1}}',
      400,
      'json: cannot unmarshal number into Go struct field NetworkCreateRequest.Labels of type string',
    ],
    ['array body', '[1]', 400, 'json: cannot unmarshal array into Go value of type NetworkCreateRequest'],
    ['empty', '', 400, 'got EOF while reading request body'],
  ];
  for (const [what, body, status, message] of cases) {
    it(`${what}: ${status} ${message}`, async () => {
      const e = freshEngine();
      const r = await call(e, 'POST', create, body);
      expect([r.status, r.json]).toEqual([status, { message }]);
      expect(e.state.networks).toHaveLength(3);
    });
  }

  it('ignores unknown fields and trailing bytes, as encoding/json does', async () => {
    const e = freshEngine();
    const r = await call(e, 'POST', create, '{"Name":"extra","Bogus":1,"name2":{"x":[1]}} trailing');
    expect(r.status).toBe(201);
    expect(e.state.networks.map((n) => n.name)).toContain('extra');
  });

  it('matches field names case-insensitively', async () => {
    const e = freshEngine();
    expect((await call(e, 'POST', create, '{"name":"lower","internal":true}')).status).toBe(201);
    expect(e.state.networks.find((n) => n.name === 'lower')?.internal).toBe(true);
  });

  it('requires application/json when there is a body', async () => {
    const e = freshEngine();
    const r = await call(e, 'POST', create, '{"Name":"x"}', { 'Content-Type': 'text/plain' });
    expect(r.json).toEqual({ message: "Content-Type specified (text/plain) must be 'application/json'" });
  });

  it('takes path traversal in names as a plain name, never as a path', async () => {
    const e = freshEngine();
    expect((await call(e, 'POST', create, { Name: '../../etc' })).status).toBe(201);
    const r = await call(e, 'GET', '/v1.41/networks/..%2F..%2Fetc');
    expect(r.status).toBe(301);
    const byId = e.state.networks.find((n) => n.name === '../../etc')!;
    expect((await call(e, 'GET', `/v1.41/networks/${byId.id}`)).json).toMatchObject({ Name: '../../etc' });
  });

  it('survives a megabyte of nesting without a stack overflow', async () => {
    const deep = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
    const r = await call(freshEngine(), 'POST', create, deep);
    expect([r.status, r.json]).toEqual([400, { message: 'exceeded max depth' }]);
  });
});

describe('filters', () => {
  it('takes both filter forms and reports bad JSON as the daemon does', async () => {
    const e = freshEngine();
    const f = (json: string) => `/v1.41/networks?filters=${encodeURIComponent(json)}`;
    expect(((await call(e, 'GET', f('{"name":{"none":true}}'))).json as unknown[]).length).toBe(1);
    expect(((await call(e, 'GET', f('{"name":["host"]}'))).json as unknown[]).length).toBe(1);
    expect((await call(e, 'GET', f('{"foo":{"x":true}}'))).json).toEqual({ message: "Invalid filter 'foo'" });
    expect((await call(e, 'GET', '/v1.41/networks?filters=notjson')).json).toEqual({
      message: "invalid character 'o' in literal null (expecting 'u')",
    });
  });
});

describe('container requests the daemon refuses (golden 155)', () => {
  const createPath = '/v1.41/containers/create';

  it('answers decoder errors on create with 500, and no body at all with EOF', async () => {
    const e = freshEngine();
    const wrongType = await call(e, 'POST', createPath, '{"Image":123}');
    expect([wrongType.status, wrongType.json]).toEqual([
      500,
      {
        message:
          'json: cannot unmarshal number into Go struct field ContainerConfigWrapper.Image of type string',
      },
    ]);
    const empty = await call(e, 'POST', createPath, '', {});
    expect([empty.status, empty.json]).toEqual([500, { message: 'EOF' }]);
    const noConfig = await call(e, 'POST', createPath, '{}');
    expect([noConfig.status, noConfig.json]).toEqual([
      400,
      { message: 'Config cannot be empty in order to create a container' },
    ]);
    expect(e.state.containers).toHaveLength(0);
  });

  it('takes Cmd as one string (strslice) and refuses a port binding that does not parse', async () => {
    const e = freshEngine();
    const r = await call(e, 'POST', `${createPath}?name=strcmd`, { Image: 'alpine', Cmd: 'echo hi' });
    expect(r.status).toBe(201);
    const inspect = await call(e, 'GET', '/v1.41/containers/strcmd/json');
    expect((inspect.json as { Config: { Cmd: unknown } }).Config.Cmd).toEqual(['echo hi']);
    const bad = await call(e, 'POST', createPath, {
      Image: 'alpine',
      HostConfig: { PortBindings: { '80/tcp': [{ HostPort: 'abc' }] } },
    });
    expect([bad.status, bad.json]).toEqual([400, { message: 'invalid port specification: "abc"' }]);
    const numeric = await call(e, 'POST', createPath, { Image: 'alpine', Cmd: 5 });
    expect(numeric.status).toBe(500);
    expect(e.state.containers).toHaveLength(1);
  });

  it('parses integer parameters with strconv.Atoi before anything else', async () => {
    const e = freshEngine();
    const atoi = { message: 'strconv.Atoi: parsing "abc": invalid syntax' };
    const stop = await call(e, 'POST', '/v1.41/containers/nosuch/stop?t=abc');
    expect([stop.status, stop.json]).toEqual([500, atoi]);
    const list = await call(e, 'GET', '/v1.41/containers/json?limit=abc');
    expect([list.status, list.json]).toEqual([500, atoi]);
    const filters = await call(e, 'GET', '/v1.41/containers/json?filters=bad');
    expect([filters.status, filters.json]).toEqual([
      500,
      { message: "invalid character 'b' looking for beginning of value" },
    ]);
  });

  it('refuses an empty container reference with 400, and lists networks under /networks/', async () => {
    const e = freshEngine();
    const invalid = { message: 'invalid name or ID supplied: ""' };
    const del = await call(e, 'DELETE', '/v1.41/containers/');
    expect([del.status, del.json]).toEqual([400, invalid]);
    const connect = await call(e, 'POST', '/v1.41/networks/bridge/connect', {});
    expect([connect.status, connect.json]).toEqual([400, invalid]);
    const nets = await call(e, 'GET', '/v1.41/networks/');
    expect([nets.status, (nets.json as unknown[]).length]).toEqual([200, 3]);
  });

  it('waits as not-running for a condition it does not know', async () => {
    const e = freshEngine();
    await call(e, 'POST', '/v1.41/containers/create?name=w1', { Image: 'alpine', Cmd: ['true'] });
    await call(e, 'POST', '/v1.41/containers/w1/start');
    const r = await call(e, 'POST', '/v1.41/containers/w1/wait?condition=bogus');
    expect([r.status, r.json]).toEqual([200, { Error: null, StatusCode: 0 }]);
  });
});

describe('create with networks that do not exist (golden 154)', () => {
  it('keeps the named networks for ps, and start fails on the missing one', async () => {
    const e = freshEngine();
    const create = (name: string, body: object) =>
      call(e, 'POST', `/v1.41/containers/create?name=${name}`, { Image: 'alpine', Cmd: ['true'], ...body });
    expect((await create('lost', { NetworkingConfig: { EndpointsConfig: { nonet: {} } } })).status).toBe(201);
    expect((await create('lost2', { HostConfig: { NetworkMode: 'nonet' } })).status).toBe(201);
    const ps = await runHostLine(e, "docker ps -a --format '{{.Names}} {{.Networks}}'");
    expect(ps.stdout).toBe('lost2 nonet\nlost nonet\n');
    const start = await call(e, 'POST', '/v1.41/containers/lost/start');
    expect([start.status, start.json]).toEqual([404, { message: 'network nonet not found' }]);
  });
});

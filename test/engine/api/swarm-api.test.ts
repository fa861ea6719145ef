/**
 * The swarm routes (`/swarm`, `/nodes`, `/services`, `/tasks`, `/distribution`): what Docker 20.10
 * answered (recorded with ../shared/tools/oracle), and every JSON body valid against the v1.41
 * definition (skipped, saying why, where ../shared is absent).
 */
import { describe, expect, it } from 'vitest';
import { call, type Exchange, freshEngine } from './support.ts';
import { loadSwagger, responseSchema, SWAGGER_MISSING, validate } from './swagger.ts';

const swagger = loadSwagger();
if (!swagger) console.log(`swarm-api.test.ts: swagger checks skipped: ${SWAGGER_MISSING}`);

const CLI = { 'User-Agent': 'Docker-Client/20.10.24+dfsg1 (linux)' };
const filters = (f: object) => `filters=${encodeURIComponent(JSON.stringify(f))}`;

/**
 * Where the 1.41 definition disagrees with what Docker 20.10 sends (recorded): the service update
 * answer is `{"Warnings":null}` from API 1.30 on.
 */
const KNOWN_GAPS = [/^\$\.Warnings: null where array/];

async function swarmSession(): Promise<Exchange[]> {
  const engine = freshEngine();
  const out: Exchange[] = [];
  const c = async (method: string, path: string, body?: string | object, headers = {}) => {
    const ex = await call(engine, method, path, body, headers);
    out.push(ex);
    return ex;
  };
  await c('GET', '/v1.41/services');
  await c('GET', '/v1.41/nodes');
  await c('POST', '/v1.41/swarm/init', { ListenAddr: '0.0.0.0:2377' });
  const swarm = await c('GET', '/v1.41/swarm');
  await c('POST', '/v1.41/networks/create', { Name: 'appnet', Driver: 'overlay', Attachable: true });
  const spec = {
    Name: 'web',
    Labels: { tier: 'front' },
    TaskTemplate: {
      ContainerSpec: { Image: 'alpine:latest', Args: ['sleep', '1000'], Env: ['A=1'] },
      Networks: [{ Target: 'appnet', Aliases: ['www'] }],
    },
    Mode: { Replicated: { Replicas: 2 } },
    EndpointSpec: { Mode: 'vip', Ports: [{ Protocol: 'tcp', TargetPort: 80, PublishedPort: 8080 }] },
  };
  await c('POST', '/v1.41/services/create', spec);
  await c('POST', '/v1.29/services/create', { ...spec, Name: 'old' });
  await c('POST', '/v1.41/services/create', {
    Name: 'g',
    TaskTemplate: { ContainerSpec: { Image: 'alpine' } },
    Mode: { Global: {} },
  });
  await c('POST', '/v1.41/services/create', {});
  await c('POST', '/v1.41/services/create', '');
  await c('GET', '/v1.41/services');
  await c('GET', '/v1.41/services?status=true');
  await c('GET', `/v1.41/services?${filters({ bogus: ['x'] })}`);
  const web = await c('GET', '/v1.41/services/web');
  await c('GET', '/v1.41/services/web?insertDefaults=true');
  await c('GET', '/v1.41/services/nothere');
  await c('GET', '/v1.41/tasks');
  await c('GET', `/v1.41/tasks?${filters({ service: ['web'], 'desired-state': ['running'] })}`);
  await c('GET', `/v1.41/tasks?${filters({ service: ['nothere'] })}`);
  await c('GET', `/v1.41/tasks?${filters({ bogus: ['x'] })}`);
  await c('GET', `/v1.41/tasks?${filters({ 'desired-state': ['bogus'] })}`);
  const version = (web.json as { Version: { Index: number } }).Version.Index;
  const webSpec = (web.json as { Spec: object }).Spec;
  await c('POST', `/v1.41/services/web/update?version=${version}`, {
    ...webSpec,
    TaskTemplate: {
      ...spec.TaskTemplate,
      ContainerSpec: { ...spec.TaskTemplate.ContainerSpec, Env: ['A=2'] },
    },
  });
  await c('POST', '/v1.41/services/web/update', webSpec);
  await c('POST', '/v1.41/services/web/update?version=3', webSpec);
  await c('GET', '/v1.41/services/web');
  const tasks = await c('GET', '/v1.41/tasks');
  const taskId = (tasks.json as Array<{ ID: string }>)[0]!.ID;
  await c('GET', `/v1.41/tasks/${taskId}`);
  await c('GET', '/v1.41/tasks/nothere');
  const nodes = await c('GET', '/v1.41/nodes');
  const nodeId = (nodes.json as Array<{ ID: string }>)[0]!.ID;
  await c('GET', `/v1.41/nodes/${nodeId}`);
  await c('GET', '/v1.41/nodes/self');
  await c('GET', `/v1.41/nodes?${filters({ role: ['worker'] })}`);
  await c('GET', `/v1.41/nodes?${filters({ role: ['bogus'] })}`);
  await c('POST', `/v1.41/nodes/${nodeId}/update?version=9`, { Role: 'manager', Availability: 'drain' });
  await c('POST', `/v1.41/nodes/${nodeId}/update`, {});
  await c('DELETE', `/v1.41/nodes/${nodeId}`);
  const swarmVersion = (swarm.json as { Version: { Index: number } }).Version.Index;
  await c('POST', `/v1.41/swarm/update?version=${swarmVersion}`, (swarm.json as { Spec: object }).Spec);
  await c('GET', '/v1.41/secrets');
  await c('GET', '/v1.41/configs');
  await c('GET', '/v1.41/distribution/alpine:latest/json', undefined, CLI);
  await c('GET', '/v1.41/distribution/UPPER/json');
  await c('DELETE', '/v1.41/services/web');
  await c('POST', '/v1.41/swarm/leave?force=true');
  return out;
}

describe.skipIf(!swagger)('swarm responses validate against docker-engine-api-v1.41.yaml', async () => {
  const exchanges = swagger ? await swarmSession() : [];
  for (const ex of exchanges) {
    it(`${ex.method} ${ex.path} -> ${ex.status}`, () => {
      if (ex.json === undefined) return;
      const schema = responseSchema(swagger!, ex.method, ex.path, ex.status);
      expect(schema, `no schema documented for ${ex.method} ${ex.path} ${ex.status}`).not.toBeNull();
      const errors = validate(swagger!, schema!, ex.json).filter((e) => !KNOWN_GAPS.some((g) => g.test(e)));
      expect(errors).toEqual([]);
    });
  }
});

async function withService(replicas = 2) {
  const engine = freshEngine();
  await call(engine, 'POST', '/v1.41/swarm/init', {});
  const created = await call(engine, 'POST', '/v1.41/services/create', {
    Name: 'web',
    TaskTemplate: { ContainerSpec: { Image: 'alpine:latest', Args: ['sleep', '1000'] } },
    Mode: { Replicated: { Replicas: replicas } },
    EndpointSpec: { Mode: 'vip' },
  });
  return { engine, id: (created.json as { ID: string }).ID };
}

describe('the swarm routes answer as Docker 20.10 does', () => {
  it('warns about the registry only for clients older than API 1.30 (the CLI adds its own warning)', async () => {
    const { engine } = await withService();
    const spec = { Name: 'old', TaskTemplate: { ContainerSpec: { Image: 'alpine' } } };
    const old = await call(engine, 'POST', '/v1.29/services/create', spec);
    expect(old.status).toBe(201);
    expect((old.json as { Warnings: string[] }).Warnings).toEqual([
      'image alpine:latest could not be accessed on a registry to record\nits digest. Each node will access alpine:latest independently,\npossibly leading to different nodes running different\nversions of the image.\n',
    ]);
    const now = await call(engine, 'POST', '/v1.41/services/create', { ...spec, Name: 'new' });
    expect(Object.keys(now.json as object)).toEqual(['ID']);
  });

  it('answers the distribution lookup with the unreachable registry, as from the recorded sandbox', async () => {
    const engine = freshEngine();
    const hub = await call(engine, 'GET', '/v1.41/distribution/alpine/json');
    expect(hub.status).toBe(500);
    expect((hub.json as { message: string }).message).toMatch(
      /^Get "https:\/\/registry-1\.docker\.io\/v2\/": dial tcp: lookup registry-1\.docker\.io on 127\.0\.0\.11:53: read udp 127\.0\.0\.1:\d+->127\.0\.0\.11:53: i\/o timeout$/,
    );
    const local = await call(engine, 'GET', '/v1.41/distribution/localhost:5000/foo/json');
    expect(local.json).toEqual({
      message: 'Get "http://localhost:5000/v2/": dial tcp 127.0.0.1:5000: connect: connection refused',
    });
    const upper = await call(engine, 'GET', '/v1.41/distribution/UPPER/json');
    expect([upper.status, upper.json]).toEqual([
      400,
      { message: 'invalid reference format: repository name must be lowercase' },
    ]);
    const id = await call(engine, 'GET', `/v1.41/distribution/sha256:${'a'.repeat(64)}/json`);
    expect([id.status, id.json]).toEqual([500, { message: 'no manifest found for full image ID' }]);
  });

  it('updates a service from the whole spec the CLI sends back, checking its version', async () => {
    const { engine } = await withService();
    const before = await call(engine, 'GET', '/v1.41/services/web');
    const { Version, Spec } = before.json as { Version: { Index: number }; Spec: Record<string, unknown> };
    expect(Spec.UpdateConfig).toBeUndefined();
    const noVersion = await call(engine, 'POST', '/v1.41/services/web/update', Spec);
    expect([noVersion.status, noVersion.json]).toEqual([
      400,
      { message: `invalid service version '': strconv.ParseUint: parsing "": invalid syntax` },
    ]);
    const stale = await call(engine, 'POST', `/v1.41/services/web/update?version=${Version.Index - 1}`, Spec);
    expect([stale.status, stale.json]).toEqual([
      500,
      { message: 'rpc error: code = Unknown desc = update out of sequence' },
    ]);
    const spec = Spec as { TaskTemplate: { ContainerSpec: Record<string, unknown> } };
    const changed = {
      ...Spec,
      TaskTemplate: {
        ...spec.TaskTemplate,
        ContainerSpec: { ...spec.TaskTemplate.ContainerSpec, Env: ['C=1'] },
      },
    };
    const ok = await call(engine, 'POST', `/v1.41/services/web/update?version=${Version.Index}`, changed);
    expect([ok.status, ok.text]).toEqual([200, '{"Warnings":null}\n']);
    const after = await call(engine, 'GET', '/v1.41/services/web');
    const view = after.json as {
      Spec: { TaskTemplate: { ContainerSpec: { Env: string[] } } };
      PreviousSpec: { TaskTemplate: { ContainerSpec: { Env?: string[] } } };
      UpdateStatus: { State: string; Message: string };
    };
    expect(view.Spec.TaskTemplate.ContainerSpec.Env).toEqual(['C=1']);
    expect(view.PreviousSpec.TaskTemplate.ContainerSpec.Env).toBeUndefined();
    expect([view.UpdateStatus.State, view.UpdateStatus.Message]).toEqual(['updating', 'update in progress']);
  });

  it('refuses a rename, an unknown rollback option, and warns at every update below API 1.30', async () => {
    const { engine } = await withService();
    const web = await call(engine, 'GET', '/v1.41/services/web');
    const { Version, Spec } = web.json as { Version: { Index: number }; Spec: Record<string, unknown> };
    const rename = await call(engine, 'POST', `/v1.41/services/web/update?version=${Version.Index}`, {
      ...Spec,
      Name: 'other',
    });
    expect([rename.status, rename.json]).toEqual([
      501,
      { message: 'rpc error: code = Unimplemented desc = renaming services is not supported' },
    ]);
    const bogus = await call(
      engine,
      'POST',
      `/v1.41/services/web/update?version=${Version.Index}&rollback=x`,
      Spec,
    );
    expect([bogus.status, bogus.json]).toEqual([500, { message: 'unrecognized rollback option x' }]);
    const old = await call(engine, 'POST', `/v1.29/services/web/update?version=${Version.Index}`, Spec);
    expect(old.status).toBe(200);
    expect((old.json as { Warnings: string[] }).Warnings[0]).toMatch(
      /^image alpine:latest could not be accessed/,
    );
  });

  it('resets the update status at an update that rolls nothing, as the manager does', async () => {
    const { engine } = await withService(2);
    const read = async () =>
      (await call(engine, 'GET', '/v1.41/services/web')).json as {
        Version: { Index: number };
        Spec: { Labels: Record<string, string>; TaskTemplate: { ContainerSpec: Record<string, unknown> } };
        UpdateStatus?: { State: string };
      };
    const update = async (edit: (spec: Awaited<ReturnType<typeof read>>['Spec']) => object) => {
      const web = await read();
      await call(engine, 'POST', `/v1.41/services/web/update?version=${web.Version.Index}`, edit(web.Spec));
      return (await read()).UpdateStatus?.State;
    };
    expect(await update((spec) => ({ ...spec, Labels: { a: 'b' } }))).toBeUndefined();
    const env = (spec: Awaited<ReturnType<typeof read>>['Spec']) => ({
      ...spec,
      TaskTemplate: {
        ...spec.TaskTemplate,
        ContainerSpec: { ...spec.TaskTemplate.ContainerSpec, Env: ['X=1'] },
      },
    });
    expect(await update(env)).toBe('updating');
    // The rolling update still has a slot to go: the manager's updater goes on with it.
    expect(await update((spec) => ({ ...spec, Labels: { a: 'c' } }))).toBe('updating');
  });

  it('has no unlock key: autolock is never on', async () => {
    const { engine } = await withService();
    const key = await call(engine, 'GET', '/v1.41/swarm/unlockkey');
    expect([key.status, key.json]).toEqual([200, { UnlockKey: '' }]);
    const unlock = await call(engine, 'POST', '/v1.41/swarm/unlock', { UnlockKey: 'x' });
    expect([unlock.status, unlock.json]).toEqual([409, { message: 'swarm is not locked' }]);
  });

  it('filters tasks as the daemon does, service names resolved and unknown ones refused', async () => {
    const { engine, id } = await withService(3);
    const byName = await call(engine, 'GET', `/v1.41/tasks?${filters({ service: ['web'] })}`);
    expect(
      (byName.json as Array<{ ServiceID: string; Slot: number }>).map((t) => [t.ServiceID, t.Slot]),
    ).toEqual([
      [id, 1],
      [id, 2],
      [id, 3],
    ]);
    const missing = await call(engine, 'GET', `/v1.41/tasks?${filters({ service: ['nothere'] })}`);
    expect([missing.status, missing.json]).toEqual([404, { message: 'service nothere not found' }]);
    const bogus = await call(engine, 'GET', `/v1.41/tasks?${filters({ bogus: ['x'] })}`);
    expect([bogus.status, bogus.json]).toEqual([400, { message: "Invalid filter 'bogus'" }]);
    const state = await call(engine, 'GET', `/v1.41/tasks?${filters({ 'desired-state': ['bogus'] })}`);
    expect([state.status, state.json]).toEqual([500, { message: "Invalid desired-state filter: 'bogus'" }]);
    const shutdown = await call(engine, 'GET', `/v1.41/tasks?${filters({ 'desired-state': ['shutdown'] })}`);
    expect(shutdown.json).toEqual([]);
    // Labels are the service's (what `docker stack ps` filters on).
    await call(engine, 'POST', '/v1.41/services/create', {
      Name: 'demo_web',
      Labels: { 'com.docker.stack.namespace': 'demo' },
      TaskTemplate: { ContainerSpec: { Image: 'alpine' } },
    });
    const stack = await call(
      engine,
      'GET',
      `/v1.41/tasks?${filters({ label: ['com.docker.stack.namespace=demo'] })}`,
    );
    expect((stack.json as unknown[]).length).toBe(1);
    const task = (byName.json as Array<{ Spec: { ContainerSpec: { Image: string } } }>)[0]!;
    expect(task.Spec.ContainerSpec.Image).toBe('alpine:latest');
  });

  it("moves the swarm's clock along the CLI's convergence polls, so its tasks run without a real 20 s wait", async () => {
    const { engine, id } = await withService(1);
    const poll = () =>
      call(
        engine,
        'GET',
        `/v1.41/tasks?${filters({ service: [id], '_up-to-date': ['true'] })}`,
        undefined,
        CLI,
      );
    const state = async () => ((await poll()).json as Array<{ Status: { State: string } }>)[0]!.Status.State;
    await call(engine, 'HEAD', '/_ping', undefined, CLI);
    expect(await state()).not.toBe('running');
    expect(await state()).toBe('running');
    // curl's polls are a person's: they do not move the swarm.
    const other = await withService(1);
    const curlPoll = await call(
      other.engine,
      'GET',
      `/v1.41/tasks?${filters({ service: [other.id], '_up-to-date': ['true'] })}`,
    );
    await call(
      other.engine,
      'GET',
      `/v1.41/tasks?${filters({ service: [other.id], '_up-to-date': ['true'] })}`,
    );
    expect((curlPoll.json as Array<{ Status: { State: string } }>)[0]!.Status.State).not.toBe('running');
  });

  it('finds the predefined bridge and host in the swarm scope, for services (`--network bridge`)', async () => {
    const engine = freshEngine();
    const before = await call(engine, 'GET', '/v1.41/networks/bridge?scope=swarm');
    expect([before.status, before.json]).toEqual([404, { message: 'network bridge not found' }]);
    await call(engine, 'POST', '/v1.41/swarm/init', {});
    for (const name of ['bridge', 'host']) {
      expect((await call(engine, 'GET', `/v1.41/networks/${name}?scope=swarm`)).status).toBe(200);
    }
    expect((await call(engine, 'GET', '/v1.41/networks/none?scope=swarm')).status).toBe(404);
  });

  it('resolves nodes by ID, prefix or hostname, never `self` (the CLI resolves that itself)', async () => {
    const { engine } = await withService();
    const self = await call(engine, 'GET', '/v1.41/nodes/self');
    expect([self.status, self.json]).toEqual([404, { message: 'node self not found' }]);
    const byHost = await call(engine, 'GET', '/v1.41/nodes/sandbox');
    expect(byHost.status).toBe(200);
    const id = (byHost.json as { ID: string }).ID;
    const update = await call(engine, 'POST', `/v1.41/nodes/${id}/update?version=9`, {
      Labels: { zone: 'a' },
      Role: 'manager',
      Availability: 'pause',
    });
    expect(update.status).toBe(200);
    const after = await call(engine, 'GET', `/v1.41/nodes/${id.slice(0, 5)}`);
    expect((after.json as { Spec: unknown }).Spec).toEqual({
      Labels: { zone: 'a' },
      Role: 'manager',
      Availability: 'pause',
    });
    const rm = await call(engine, 'DELETE', `/v1.41/nodes/${id}`);
    expect([rm.status, rm.json]).toEqual([
      400,
      {
        message: `rpc error: code = FailedPrecondition desc = node ${id} is a cluster manager and is a member of the raft cluster. It must be demoted to worker before removal`,
      },
    ]);
  });
});

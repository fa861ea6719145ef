/**
 * `POST /containers/{id}/update` and images as tar files (`/images/get`, `/images/{name}/get`,
 * `/images/load`), over the API and through the CLI in process; JSON bodies against the v1.41
 * definition.
 */
import { describe, expect, it } from 'vitest';
import { readTar } from '../../../src/engine/api/tar.ts';
import { runHostLine } from '../../../src/engine/index.ts';
import { call, freshEngine } from './support.ts';
import { loadSwagger, responseSchema, validate } from './swagger.ts';

const swagger = loadSwagger();

/** The body's problems against the definition; update's `Warnings: null` is the daemon's nil slice. */
function schemaErrors(method: string, path: string, status: number, json: unknown): string[] {
  if (!swagger) return [];
  const schema = responseSchema(swagger, method, path, status);
  if (!schema) return [`no schema for ${method} ${path} ${status}`];
  return validate(swagger, schema, json).filter((e) => !/^\$\.Warnings: null where array/.test(e));
}

describe('container update', () => {
  it('changes the restart policy and resources; 404, 400 and 409 as the daemon words them', async () => {
    const engine = freshEngine();
    await runHostLine(engine, 'docker run -d --name u1 alpine sleep 300');
    const ok = await call(engine, 'POST', '/v1.41/containers/u1/update', {
      RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 3 },
      NanoCpus: 1_500_000_000,
    });
    expect(ok.status).toBe(200);
    expect(ok.text).toBe('{"Warnings":null}\n');
    expect(schemaErrors('POST', '/containers/u1/update', 200, ok.json)).toEqual([]);
    const policy = await runHostLine(engine, "docker inspect -f '{{json .HostConfig.RestartPolicy}}' u1");
    expect(policy.stdout).toBe('{"Name":"on-failure","MaximumRetryCount":3}\n');
    const cpus0 = await runHostLine(engine, "docker inspect -f '{{.HostConfig.NanoCPUs}}' u1");
    expect(cpus0.stdout).toBe('1500000000\n');

    const missing = await call(engine, 'POST', '/v1.41/containers/nosuch/update', {
      RestartPolicy: { Name: 'x' },
    });
    expect([missing.status, missing.json]).toEqual([404, { message: 'No such container: nosuch' }]);
    const bogus = await call(engine, 'POST', '/v1.41/containers/u1/update', {
      RestartPolicy: { Name: 'bogus' },
    });
    expect([bogus.status, bogus.json]).toEqual([400, { message: "invalid restart policy 'bogus'" }]);
    const memory = await call(engine, 'POST', '/v1.41/containers/u1/update', { Memory: 64 * 1024 * 1024 });
    expect(memory.status).toBe(409);
    expect((memory.json as { message: string }).message).toMatch(
      /^Cannot update container [0-9a-f]{64}: Memory limit should be smaller than already set memoryswap limit/,
    );
    const cpus = await call(engine, 'POST', '/v1.41/containers/u1/update', { CpuPeriod: 100000 });
    expect((cpus.json as { message: string }).message).toMatch(
      /Conflicting options: CPU Period cannot be updated as NanoCPUs has already been set$/,
    );
    const eof = await call(engine, 'POST', '/v1.41/containers/u1/update');
    expect([eof.status, eof.json]).toEqual([500, { message: 'EOF' }]);
    const typed = await call(engine, 'POST', '/v1.41/containers/u1/update', '{"Memory":"x"}');
    expect(typed.json).toEqual({
      message: 'json: cannot unmarshal string into Go struct field UpdateConfig.Memory of type int64',
    });
    const policyType = await call(engine, 'POST', '/v1.41/containers/u1/update', '{"RestartPolicy":5}');
    expect(policyType.json).toEqual({
      message:
        'json: cannot unmarshal number into Go struct field UpdateConfig.RestartPolicy of type container.RestartPolicy',
    });
    for (const ex of [missing, bogus, memory]) {
      expect(schemaErrors('POST', '/containers/u1/update', ex.status, ex.json)).toEqual([]);
    }
  });

  it('docker update: one line per container, the daemon errors after them, flag values as pflag reads them', async () => {
    const engine = freshEngine();
    await runHostLine(engine, 'docker run -d --name u1 alpine sleep 300');
    await runHostLine(engine, 'docker run -d --rm --name u2 alpine sleep 300');
    const r = await runHostLine(engine, 'docker update --restart always u1 u2 nosuch');
    expect(r.stdout).toBe('u1\n');
    expect(r.stderr).toMatch(
      /^Error response from daemon: Cannot update container [0-9a-f]{64}: Restart policy cannot be updated because AutoRemove is enabled for the container\nError response from daemon: No such container: nosuch\n$/,
    );
    expect(r.exitCode).toBe(1);
    const flag = await runHostLine(engine, 'docker update --cpus abc u1');
    expect([flag.exitCode, flag.stderr]).toEqual([
      125,
      'invalid argument "abc" for "--cpus" flag: failed to parse abc as a rational number\nSee \'docker update --help\'.\n',
    ]);
    expect((await runHostLine(engine, 'docker update u1')).stderr).toBe(
      'you must provide one or more flags when using this command\n',
    );
    const both = await runHostLine(engine, 'docker update -m 64m --memory-swap 128m u1');
    expect(both.exitCode).toBe(0);
    expect(
      (await runHostLine(engine, "docker inspect -f '{{.HostConfig.Memory}} {{.HostConfig.MemorySwap}}' u1"))
        .stdout,
    ).toBe('67108864 134217728\n');
  });
});

describe('images as tar files', () => {
  it('saves the docker save layout and loads it back with its tags', async () => {
    const engine = freshEngine();
    await runHostLine(engine, 'docker tag alpine course/alpine:v1');
    const res = await call(engine, 'GET', '/v1.41/images/get?names=course/alpine:v1&names=alpine');
    expect(res.status).toBe(200);
    expect(res.res.headers).toContainEqual(['Content-Type', 'application/x-tar']);
    // The stream again, as bytes (the exchange keeps it as text).
    const tar = await (async () => {
      const chunks: Buffer[] = [];
      await res.res.stream!.run((c) => chunks.push(c), new AbortController().signal);
      return Buffer.concat(chunks);
    })();
    const names = (readTar(tar) ?? []).map((e) => e.name);
    expect(names).toHaveLength(7);
    expect(names.slice(-2)).toEqual(['manifest.json', 'repositories']);
    const manifest = JSON.parse(
      (readTar(tar) ?? []).find((e) => e.name === 'manifest.json')!.content!.toString('utf8'),
    );
    expect(manifest[0].RepoTags).toEqual(['course/alpine:v1', 'alpine:latest']);

    await runHostLine(engine, 'docker rmi course/alpine:v1');
    const load = await call(engine, 'POST', '/v1.41/images/load', undefined, {
      'content-type': 'application/x-tar',
    });
    expect(load.text).toMatch(/repositories: no such file or directory"}\r\n$/);
    const loaded = await handleLoad(engine, tar);
    expect(loaded).toBe(
      '{"stream":"Loaded image: course/alpine:v1\\n"}\r\n{"stream":"Loaded image: alpine:latest\\n"}\r\n',
    );
    const missing = await call(engine, 'GET', '/v1.41/images/nosuch:1/get');
    expect([missing.status, missing.json]).toEqual([404, { message: 'reference does not exist' }]);
    const form = await call(engine, 'POST', '/v1.41/images/load', 'a;b', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect([form.status, form.json]).toEqual([400, { message: 'invalid semicolon separator in query' }]);
  });

  it('docker save -o and docker load -i through the sandbox host, a commit keeping its files', async () => {
    const engine = freshEngine();
    await runHostLine(engine, "docker run --name cm alpine sh -c 'echo hi > /f.txt'");
    await runHostLine(engine, 'docker commit cm snap:1');
    expect((await runHostLine(engine, 'docker save -o /tmp/snap.tar snap:1')).exitCode).toBe(0);
    expect((await runHostLine(engine, 'tar -tf /tmp/snap.tar')).stdout.split('\n')).toHaveLength(12);
    await runHostLine(engine, 'docker rm cm');
    expect((await runHostLine(engine, 'docker rmi snap:1')).stdout).toMatch(/^Untagged: snap:1\nDeleted: /);
    expect((await runHostLine(engine, 'docker load -i /tmp/snap.tar')).stdout).toBe('Loaded image: snap:1\n');
    expect((await runHostLine(engine, 'docker run --rm snap:1 cat /f.txt')).stdout).toBe('hi\n');
    expect((await runHostLine(engine, 'docker load -i /tmp/missing.tar')).stderr).toBe(
      'open /tmp/missing.tar: no such file or directory\n',
    );
    expect((await runHostLine(engine, 'docker save -o /nodir/x.tar alpine')).stderr).toBe(
      'failed to save image: invalid output path: directory "/nodir" does not exist\n',
    );
    expect((await runHostLine(engine, 'docker save nosuch')).stderr).toBe(
      'Error response from daemon: No such image: nosuch\n',
    );
  });
});

/** A tar body posted to `/images/load`, the stream it answers. */
async function handleLoad(engine: ReturnType<typeof freshEngine>, tar: Buffer): Promise<string> {
  const { handleApiRequest } = await import('../../../src/engine/api/router.ts');
  const res = await handleApiRequest(engine, {
    method: 'POST',
    path: '/v1.41/images/load',
    query: new URLSearchParams('quiet=1'),
    headers: { host: 'localhost', 'content-type': 'application/x-tar' },
    body: tar,
  });
  const chunks = [res.body];
  await res.stream?.run((c) => chunks.push(c), new AbortController().signal);
  return Buffer.concat(chunks).toString('utf8');
}

describe('decode and reference errors worded as the daemon words them', () => {
  it('a body of the wrong kind names the Go type with its package; a bad tag alone is a bad tag', async () => {
    const engine = freshEngine();
    const auth = await call(engine, 'POST', '/v1.41/auth', '[]');
    expect([auth.status, auth.json]).toEqual([
      500,
      { message: 'json: cannot unmarshal array into Go value of type types.AuthConfig' },
    ]);
    const field = await call(engine, 'POST', '/v1.41/auth', '{"username":5}');
    expect(field.json).toEqual({
      message: 'json: cannot unmarshal number into Go struct field AuthConfig.username of type string',
    });
    const tag = await call(engine, 'POST', '/v1.41/images/create?fromImage=alpine&tag=Bad!Tag');
    expect([tag.status, tag.json]).toEqual([400, { message: 'invalid tag format' }]);
    const repo = await call(engine, 'POST', '/v1.41/images/create?fromImage=Alpine&tag=Bad!Tag');
    expect(repo.json).toEqual({ message: 'invalid reference format: repository name must be lowercase' });
  });
});

import { describe, expect, it } from 'vitest';
import { Engine, runHostLine } from '../../../src/engine/index.ts';

const run = async (engine: Engine, line: string) => runHostLine(engine, line);

describe('docker CLI surface from the recorded 20.10 CLI', () => {
  it('prints group usage on stderr with exit 0, and 1 for an unknown subcommand', async () => {
    const e = new Engine({ seed: 1 });
    const bare = await run(e, 'docker volume');
    expect(bare.exitCode).toBe(0);
    expect(bare.stderr).toContain('Commands:\n  create      Create a volume');
    expect((await run(e, 'docker volume bogus')).exitCode).toBe(1);
  });
  it('checks argument counts of commands the simulator does not run', async () => {
    const e = new Engine({ seed: 1 });
    const r = await run(e, 'docker cp onlyone');
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('\tdocker cp [OPTIONS] SRC_PATH|- CONTAINER:DEST_PATH');
    const attach = await run(e, 'docker attach x');
    expect(attach.stderr).toBe('Error response from daemon: attach is not available in this sandbox\n');
  });
  it('prints the whole root usage after a root flag error', async () => {
    const r = await run(new Engine({ seed: 1 }), 'docker --bogus');
    expect(r.exitCode).toBe(125);
    expect(
      r.stderr.startsWith("unknown flag: --bogus\nSee 'docker --help'.\n\nUsage:  docker [OPTIONS] COMMAND"),
    ).toBe(true);
  });
});

describe('sandbox host shell', () => {
  it('runs pipes, sequences and substitutions', async () => {
    const e = new Engine({ seed: 1 });
    expect((await run(e, 'docker network ls | grep -c bridge')).stdout).toBe('1\n');
    expect((await run(e, 'false; echo $?')).stdout).toBe('1\n');
    expect((await run(e, 'false || echo no && echo yes')).stdout).toBe('no\nyes\n');
    await run(e, 'docker network create n1');
    expect((await run(e, "docker network ls --format '{{.Name}}' | sort -r | head -n 1")).stdout).toBe(
      'none\n',
    );
    expect(
      (await run(e, 'docker network inspect -f "{{.Name}}" $(docker network ls -q --filter name=n1)')).stdout,
    ).toBe('n1\n');
  });
  it('answers unknown programs as busybox sh does', async () => {
    const r = await run(new Engine({ seed: 1 }), 'foo');
    expect(r).toMatchObject({ stderr: 'sh: foo: not found\n', exitCode: 127 });
  });
  it('reaches a published port from the host', async () => {
    const e = new Engine({ seed: 1 });
    await run(e, 'docker run -d --name web -p 8080:80 alpine httpd -f -p 80 -h /var/www');
    await run(e, "docker exec web sh -c 'mkdir -p /var/www && echo hello > /var/www/index.html'");
    expect((await run(e, 'wget -qO- localhost:8080')).stdout).toBe('hello\n');
    expect((await run(e, 'wget -qO- localhost:9999')).stderr).toBe(
      "wget: can't connect to remote host (127.0.0.1): Connection refused\n",
    );
  });
});

describe('host grep brackets (POSIX)', () => {
  it('takes a ] first in a bracket expression, after ^ too, as a literal', async () => {
    const e = new Engine({ seed: 1 });
    const grep = async (pattern: string, text: string) =>
      (await run(e, `printf '%s\\n' '${text}' | grep -o '${pattern}'`)).stdout;
    expect(await grep('"RepoTags":\\[[^]]*\\]', '{"RepoTags":["alpine:latest"],"Size":1}')).toBe(
      '"RepoTags":["alpine:latest"]\n',
    );
    expect(await grep('[]a]*', ']a]b')).toBe(']a]\n');
    expect(await grep('[[:digit:]][[:digit:]]*', 'ab123c')).toBe('123\n');
  });
});

describe('host stdin to docker, base64', () => {
  it('encodes and decodes base64 and gives docker login the piped password', async () => {
    const e = new Engine({ seed: 1 });
    expect((await run(e, `echo -n '{"a":1}' | base64 -w0`)).stdout).toBe('eyJhIjoxfQ==');
    expect((await run(e, 'echo eyJhIjoxfQ== | base64 -d')).stdout).toBe('{"a":1}');
    const ok = await run(
      e,
      'echo tutor-pass | docker login registry.tutor.local -u student --password-stdin',
    );
    expect([ok.exitCode, ok.stdout]).toEqual([0, 'Login Succeeded\n']);
    const bad = await run(e, 'echo wrong | docker login registry.tutor.local -u student --password-stdin');
    expect(bad.exitCode).toBe(1);
  });

  it('pushes: a repository with no local tag fails first, then the registry is reached', async () => {
    const e = new Engine({ seed: 1 });
    const S = 'curl -s --unix-socket /var/run/docker.sock';
    const none = await run(
      e,
      `${S} -X POST -H 'X-Registry-Auth: e30=' http://localhost/v1.41/images/nosuch/push`,
    );
    expect(none.stdout).toContain('An image does not exist locally with the tag: nosuch');
    await run(e, 'docker tag alpine localhost:5000/alpine:lab');
    const refused = await run(
      e,
      `${S} -X POST -H 'X-Registry-Auth: e30=' 'http://localhost/v1.41/images/localhost:5000/alpine/push?tag=nosuchtag'`,
    );
    expect(refused.stdout).toContain('dial tcp 127.0.0.1:5000: connect: connection refused');
  });
});

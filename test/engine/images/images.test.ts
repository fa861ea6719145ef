import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/engine/clock.ts';
import { Engine, runHostLine } from '../../../src/engine/index.ts';

const run = (engine: Engine, line: string) => runHostLine(engine, line);
const fresh = () => new Engine({ seed: 9, clock: new ManualClock(Date.UTC(2026, 10, 28)) });

describe('images', () => {
  it('starts with alpine only, pulls from the catalog and denies unknown repositories', async () => {
    const engine = fresh();
    expect((await run(engine, "docker images --format '{{.Repository}}:{{.Tag}} {{.Size}}'")).stdout).toBe(
      'alpine:latest 1.98MB\n',
    );
    const pull = await run(engine, 'docker pull busybox');
    expect(pull.exitCode).toBe(0);
    expect(pull.stdout.split('\n')[0]).toBe('Using default tag: latest');
    expect(pull.stdout).toContain(
      'Status: Downloaded newer image for busybox:latest\ndocker.io/library/busybox:latest\n',
    );
    const denied = await run(engine, 'docker pull nosuch');
    expect(denied.exitCode).toBe(1);
    expect(denied.stderr).toContain(
      "Error response from daemon: pull access denied for nosuch, repository does not exist or may require 'docker login'",
    );
  });

  it('refuses to remove the last tag of an image a container uses', async () => {
    const engine = fresh();
    await run(engine, 'docker run -d --name user1 alpine sleep 1000');
    const r = await run(engine, 'docker rmi alpine');
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(
      /unable to remove repository reference "alpine" \(must force\) - container [0-9a-f]{12} is using/,
    );
    expect((await run(engine, 'docker rmi nothere')).stderr).toBe('Error: No such image: nothere\n');
  });

  it('commits a container into an image new containers run with its files and command', async () => {
    const engine = fresh();
    await run(engine, "docker run -d --name snapme alpine sh -c 'echo data > /data.txt; sleep 1000'");
    const S = 'curl -s --unix-socket /var/run/docker.sock';
    const ok = await run(
      engine,
      `${S} -X POST 'http://localhost/v1.41/commit?container=snapme&repo=lab/snap&tag=v1'`,
    );
    expect(ok.stdout).toMatch(/^\{"Id":"sha256:[0-9a-f]{64}"\}\n$/);
    const missing = await run(
      engine,
      `${S} -X POST 'http://localhost/v1.41/commit?container=nosuch&repo=lab/snap'`,
    );
    expect(missing.stdout).toBe('{"message":"No such container: nosuch"}\n');
    expect((await run(engine, 'docker run --rm lab/snap:v1 cat /data.txt')).stdout).toBe('data\n');
    const inspect = await run(
      engine,
      "docker image inspect -f '{{.Parent}} {{json .Config.Cmd}}' lab/snap:v1",
    );
    expect(inspect.stdout).toMatch(
      /^sha256:[0-9a-f]{64} \["sh","-c","echo data > \/data.txt; sleep 1000"\]\n$/,
    );
    await run(engine, 'docker rm -f snapme');
    const rmi = await run(engine, 'docker rmi lab/snap:v1');
    expect(rmi.stdout.split('\n').slice(0, 2)).toEqual([
      'Untagged: lab/snap:v1',
      expect.stringMatching(/^Deleted: sha256:/),
    ]);
  });

  it('shows the sandbox alpine as docker import made it', async () => {
    const engine = fresh();
    const r = await run(
      engine,
      "docker image inspect -f '{{.Comment}}|{{json .ContainerConfig.Cmd}}|{{.Size}}' alpine",
    );
    expect(r.stdout).toBe('Imported from -|null|1982368\n');
  });
});

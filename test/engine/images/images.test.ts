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
});

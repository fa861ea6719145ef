import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/engine/clock.ts';
import { Engine, runHostLine } from '../../../src/engine/index.ts';

const fresh = () => new Engine({ seed: 5, clock: new ManualClock(Date.UTC(2026, 10, 28)) });
const run = async (engine: Engine, line: string) => {
  const r = await runHostLine(engine, line);
  return { out: r.combined, code: r.exitCode };
};

describe('busybox applets as the oracle image runs them', () => {
  it('wc counts like busybox: bare single counts from stdin, 9-wide columns and totals', async () => {
    const e = fresh();
    expect(await run(e, `docker run --rm alpine sh -c 'echo $HOSTNAME | wc -c'`)).toEqual({
      out: '13\n',
      code: 0,
    });
    expect(await run(e, 'docker run --rm alpine wc /etc/hosts')).toEqual({
      out: '        7        16       174 /etc/hosts\n',
      code: 0,
    });
    expect(await run(e, 'docker run --rm alpine wc -l /etc/hosts /etc/hostname')).toEqual({
      out: '        7 /etc/hosts\n        1 /etc/hostname\n        8 total\n',
      code: 0,
    });
    expect(await run(e, 'docker run --rm alpine wc -c /nonexistent')).toEqual({
      out: 'wc: /nonexistent: No such file or directory\n',
      code: 1,
    });
  });

  it('head and tail take -n N, -N and several files with headers', async () => {
    const e = fresh();
    const head = await run(e, 'docker run --rm alpine head -n 2 /etc/hosts /etc/hostname');
    expect(head.out).toMatch(
      /^==> \/etc\/hosts <==\n127\.0\.0\.1\tlocalhost\n::1\t.*\n\n==> \/etc\/hostname <==\n[0-9a-f]{12}\n$/,
    );
    expect((await run(e, 'docker run --rm alpine tail -1 /etc/hosts')).out).toMatch(
      /^172\.17\.0\.2\t[0-9a-f]{12}\n$/,
    );
    expect(await run(e, 'docker run --rm alpine tail /nonexistent')).toEqual({
      out: "tail: can't open '/nonexistent': No such file or directory\ntail: no files\n",
      code: 1,
    });
  });

  it('id and whoami know root only; a numeric user gets no names and HOME /', async () => {
    const e = fresh();
    expect(await run(e, 'docker run --rm alpine id')).toEqual({
      out: 'uid=0(root) gid=0 groups=0\n',
      code: 0,
    });
    expect(await run(e, 'docker run --rm --user 1000:1000 alpine id')).toEqual({
      out: 'uid=1000 gid=1000 groups=1000\n',
      code: 0,
    });
    expect(await run(e, `docker run --rm --user 1000 alpine sh -c 'echo $HOME'`)).toEqual({
      out: '/\n',
      code: 0,
    });
    expect(await run(e, 'docker run --rm --user 1000 alpine whoami')).toEqual({
      out: 'whoami: unknown uid 1000\n',
      code: 1,
    });
    expect(await run(e, 'docker run --rm --user bob alpine id')).toEqual({
      out: 'docker: Error response from daemon: unable to find user bob: no matching entries in passwd file.\n',
      code: 125,
    });
  });

  it('nc tells a name that does not resolve from a port that is closed, and serves once with -l -e', async () => {
    const e = fresh();
    await run(e, 'docker network create n');
    await run(e, 'docker run -d --name srv --network n alpine nc -l -p 7000 -e echo pong');
    await run(e, 'docker run -d --name cli --network n alpine sleep 1000');
    expect(await run(e, 'docker exec cli nc nosuch 80')).toEqual({
      out: "nc: bad address 'nosuch'\n",
      code: 1,
    });
    expect(await run(e, 'docker exec cli nc srv 81')).toEqual({
      out: "nc: can't connect to remote host (172.18.0.2): Connection refused\n",
      code: 1,
    });
    expect(await run(e, 'docker exec cli nc srv 7000')).toEqual({ out: 'pong\n', code: 0 });
    // One connection, then the listener's program has ended and so has the container.
    expect((await run(e, `docker ps -a --filter name=srv --format '{{.State}}'`)).out).toBe('exited\n');
    const k = await run(e, 'docker run -d --name bad alpine nc -lk -p 7000');
    expect(k.code).toBe(0);
    expect((await run(e, 'docker logs bad')).out.split('\n')[0]).toBe("nc: invalid option -- 'k'");
  });

  it('a detached run whose process ends at once is still listed by the next ps, then gone', async () => {
    const e = fresh();
    await run(e, 'docker run -d --rm --name quick alpine true');
    expect((await run(e, 'docker rm -f quick')).out).toBe(
      'Error response from daemon: removal of container quick is already in progress\n',
    );
    await run(e, 'docker run -d --rm --name quick2 alpine true');
    expect((await run(e, `docker ps -a --format '{{.Names}} {{.State}}'`)).out).toBe('quick2 running\n');
    expect((await run(e, `docker ps -a --format '{{.Names}} {{.State}}'`)).out).toBe('');
  });

  it('resolv.conf is written at start: connecting a user network switches to 127.0.0.11 for good', async () => {
    const e = fresh();
    await run(e, 'docker network create blue');
    await run(e, 'docker run -d --name b1 alpine sleep 1000');
    expect((await run(e, 'docker exec b1 cat /etc/resolv.conf')).out).toContain('nameserver 8.8.8.8');
    await run(e, 'docker network connect blue b1');
    await run(e, 'docker network disconnect blue b1');
    expect((await run(e, 'docker exec b1 cat /etc/resolv.conf')).out).toBe(
      'nameserver 127.0.0.11\noptions ndots:0\n',
    );
    await run(e, 'docker restart -t 0 b1');
    expect((await run(e, 'docker exec b1 cat /etc/resolv.conf')).out).toContain('nameserver 8.8.8.8');
  });
});

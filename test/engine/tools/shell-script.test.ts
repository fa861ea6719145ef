import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/engine/clock.ts';
import { Engine, runHostLine } from '../../../src/engine/index.ts';

const fresh = () => {
  const clock = new ManualClock(Date.UTC(2026, 10, 28));
  return { engine: new Engine({ seed: 7, clock }), clock };
};
const run = async (engine: Engine, line: string) => {
  const r = await runHostLine(engine, line);
  return { out: r.combined, code: r.exitCode };
};
/** The engine as a chat sandbox sees it: state through JSON between commands. */
const reload = (engine: Engine, clock: ManualClock) =>
  new Engine({ state: JSON.parse(JSON.stringify(engine.snapshot())), clock });

describe("a container's main shell script on the simulated clock", () => {
  it('keeps order across streams and waits for short sleeps when attached', async () => {
    const { engine } = fresh();
    const script = `'echo out1; sleep 0.2; echo err1 >&2; sleep 0.2; echo out2'`;
    expect(await run(engine, `docker run --name f1 alpine sh -c ${script}`)).toEqual({
      out: 'out1\nerr1\nout2\n',
      code: 0,
    });
    expect(await run(engine, 'docker logs f1')).toEqual({ out: 'out1\nerr1\nout2\n', code: 0 });
    expect(
      await run(engine, `docker run --rm alpine sh -c 'for i in 1 2 3; do echo line$i; done; exit 4'`),
    ).toEqual({ out: 'line1\nline2\nline3\n', code: 4 });
  });

  it('a loop with sleep keeps running and writes as time passes', async () => {
    const { engine, clock } = fresh();
    await run(engine, `docker run -d --name t1 alpine sh -c 'while true; do echo tick; sleep 1; done'`);
    // What happens by the next command (HUMAN_PAUSE_MS) has happened.
    expect((await run(engine, 'docker logs t1')).out).toBe('tick\ntick\ntick\n');
    clock.advance(5000);
    let e = reload(engine, clock);
    expect((await run(e, 'docker logs t1 | wc -l')).out).toBe('8\n');
    expect((await run(e, "docker inspect -f '{{.State.Status}}' t1")).out).toBe('running\n');
    clock.advance(1000);
    e = reload(e, clock);
    expect((await run(e, 'docker logs t1 | wc -l')).out).toBe('9\n');
    // No trap: PID 1 ignores SIGTERM, so stop ends with SIGKILL.
    expect(await run(e, 'docker stop t1')).toEqual({ out: 't1\n', code: 0 });
    expect((await run(e, "docker inspect -f '{{.State.ExitCode}}' t1")).out).toBe('137\n');
  });

  it('runs a trap on stop and kill, with the exit code the handler gives', async () => {
    const { engine, clock } = fresh();
    await run(
      engine,
      `docker run -d --name trapper alpine sh -c 'n=0; trap "echo usr1 \\$n" USR1; trap "echo bye; exit 3" TERM; while true; do n=$((n+1)); sleep 1; done'`,
    );
    clock.advance(10_000);
    let e = reload(engine, clock);
    expect(await run(e, 'docker kill -s USR1 trapper')).toEqual({ out: 'trapper\n', code: 0 });
    expect((await run(e, "docker inspect -f '{{.State.Status}}' trapper")).out).toBe('running\n');
    expect((await run(e, 'docker logs trapper')).out).toBe('usr1 13\n');
    clock.advance(3000);
    e = reload(e, clock);
    expect(await run(e, 'docker stop trapper')).toEqual({ out: 'trapper\n', code: 0 });
    expect((await run(e, "docker inspect -f '{{.State.ExitCode}}' trapper")).out).toBe('3\n');
    expect((await run(e, 'docker logs trapper')).out).toBe('usr1 13\nbye\n');
  });

  it('the last command of a script becomes the process (exec), a server keeps its ports', async () => {
    const { engine } = fresh();
    await run(
      engine,
      `docker run -d --name web -p 8080:80 nginx sh -c 'echo starting; nginx -g "daemon off;"'`,
    );
    expect((await run(engine, "docker inspect -f '{{.State.Status}}' web")).out).toBe('running\n');
    expect(await run(engine, 'docker stop web')).toEqual({ out: 'web\n', code: 0 });
    expect((await run(engine, "docker inspect -f '{{.State.ExitCode}}' web")).out).toBe('0\n');
  });

  it('a script that ends later exits then; docker wait waits for it', async () => {
    const { engine, clock } = fresh();
    await run(engine, `docker run -d --name later alpine sh -c 'sleep 5; echo done; exit 2'`);
    expect((await run(engine, "docker inspect -f '{{.State.Status}}' later")).out).toBe('running\n');
    clock.advance(4000);
    const e = reload(engine, clock);
    expect((await run(e, "docker inspect -f '{{.State.Status}} {{.State.ExitCode}}' later")).out).toBe(
      'exited 2\n',
    );
    expect((await run(e, 'docker logs later')).out).toBe('done\n');
    await run(e, `docker run -d --name w1 alpine sh -c 'sleep 30; exit 5'`);
    expect(await run(e, 'docker wait w1')).toEqual({ out: '5\n', code: 0 });
  });

  it('a loop that never sleeps does not hang the engine', async () => {
    const { engine } = fresh();
    expect((await run(engine, `docker run -d --name spin alpine sh -c 'while :; do :; done'`)).code).toBe(0);
    expect((await run(engine, "docker inspect -f '{{.State.Status}}' spin")).out).toBe('running\n');
    expect(
      (await run(engine, `docker exec spin sh -c 'i=0; while [ $i -lt 3 ]; do i=$((i+1)); done; echo $i'`))
        .out,
    ).toBe('3\n');
  });
});

describe('seq, expr, basename, dirname (container and host)', () => {
  it('compute as busybox does', async () => {
    const { engine } = fresh();
    const script = `for i in $(seq 3); do echo n$i; done; seq -s , 1 3; expr 7 / 2; expr abc : "a\\(.\\)"; basename /a/b/c.txt .txt; dirname /a/b/c`;
    const want = 'n1\nn2\nn3\n1,2,3\n3\nb\nc\n/a/b\n';
    expect(await run(engine, script)).toEqual({ out: want, code: 0 });
    expect(await run(engine, `docker run --rm alpine sh -c '${script}'`)).toEqual({ out: want, code: 0 });
    expect(await run(engine, 'expr 1 / 0')).toEqual({ out: 'expr: division by zero\n', code: 2 });
  });
});

describe('tty', () => {
  it('says whether the process has a terminal', async () => {
    const { engine } = fresh();
    await run(engine, 'docker run -d --name tt1 alpine sleep 100');
    expect(await run(engine, 'docker exec tt1 tty')).toEqual({ out: 'not a tty\n', code: 1 });
    // A terminal turns the newline into CR LF.
    const r = await run(engine, 'docker exec -t tt1 tty');
    expect({ ...r, out: r.out.replace(/\r/g, '') }).toEqual({ out: '/dev/pts/0\n', code: 0 });
  });
});

describe('the sandbox host shell', () => {
  it('has the same language', async () => {
    const { engine } = fresh();
    expect((await run(engine, 'for i in 1 2; do echo $((i*10)); done')).out).toBe('10\n20\n');
    expect((await run(engine, 'n=$(docker ps -q | wc -l); if [ "$n" -eq 0 ]; then echo none; fi')).out).toBe(
      'none\n',
    );
    expect((await run(engine, 'echo $(($(date +%s) > 0))')).out).toBe('1\n');
    expect(await run(engine, 'while true; do')).toEqual({
      out: 'sh: syntax error: unexpected end of file (expecting "done")\n',
      code: 2,
    });
  });
});

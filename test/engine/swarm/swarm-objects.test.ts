import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/engine/clock.ts';
import { marshal } from '../../../src/engine/go/json.ts';
import { f, goPtr, goStruct, isZero } from '../../../src/engine/go/values.ts';
import { Engine, runHostLine } from '../../../src/engine/index.ts';

const newEngine = () => new Engine({ seed: 3, clock: new ManualClock(Date.UTC(2026, 10, 28)) });

describe('omitempty', () => {
  it('leaves out nil pointers but keeps pointers to zero structs and zero times', () => {
    expect(isZero(goPtr(null))).toBe(true);
    expect(isZero(goPtr(goStruct('T', [])))).toBe(false);
    const v = goStruct('S', [
      f('Nil', goPtr(null), { omitempty: true }),
      f('Empty', goPtr(goStruct('T', [])), { omitempty: true }),
      f('When', { kind: 'time', rfc3339: '0001-01-01T00:00:00Z' }, { omitempty: true }),
    ]);
    expect(marshal(v)).toBe('{"Empty":{},"When":"0001-01-01T00:00:00Z"}');
  });
});

describe('swarm secrets, configs and stacks in the CLI', () => {
  it('creates secrets from files and stdin and lists them', async () => {
    const engine = newEngine();
    expect((await runHostLine(engine, 'docker secret ls')).exitCode).toBe(1);
    await runHostLine(engine, 'docker swarm init');
    await runHostLine(engine, 'echo pw > /tmp/pw');
    expect((await runHostLine(engine, 'docker secret create a /tmp/pw')).stdout).toMatch(/^[0-9a-z]{25}\n$/);
    expect((await runHostLine(engine, 'echo x | docker secret create b -')).exitCode).toBe(0);
    const dup = await runHostLine(engine, 'docker secret create a /tmp/pw');
    expect(dup.stderr).toBe(
      'Error response from daemon: rpc error: code = AlreadyExists desc = secret a already exists\n',
    );
    expect((await runHostLine(engine, "docker secret ls --format '{{.Name}}'")).stdout).toBe('a\nb\n');
    await runHostLine(engine, "printf 'k=v\\n' > /tmp/c.conf");
    await runHostLine(engine, 'docker config create c /tmp/c.conf');
    const data = await runHostLine(engine, `docker config inspect -f '{{printf "%s" .Spec.Data}}' c`);
    expect(data.stdout).toBe('k=v\n\n');
    expect((await runHostLine(engine, 'docker config inspect c')).stdout).toContain('"Data": "az12Cg=="');
  });

  it('counts stacks by their namespace label', async () => {
    const engine = newEngine();
    await runHostLine(engine, 'docker swarm init');
    for (const [name, ns] of [
      ['a', 'shop'],
      ['b', 'shop'],
      ['c', 'blog'],
    ]) {
      await runHostLine(
        engine,
        `docker service create -d --name ${name} --label com.docker.stack.namespace=${ns} alpine sleep 100`,
      );
    }
    const ls = await runHostLine(engine, 'docker stack ls');
    expect(ls.stdout).toBe(
      'NAME      SERVICES   ORCHESTRATOR\nblog      1          Swarm\nshop      2          Swarm\n',
    );
    expect((await runHostLine(engine, 'docker stack rm blog')).stdout).toBe('Removing service c\n');
  });

  it('rolls a service back to its previous spec and says when there is none', async () => {
    const engine = newEngine();
    await runHostLine(engine, 'docker swarm init');
    await runHostLine(engine, 'docker service create -d --name w --label a=1 alpine sleep 100');
    expect((await runHostLine(engine, 'docker service rollback w')).stderr).toMatch(
      /does not have a previous spec\n$/,
    );
    await runHostLine(engine, 'docker service update -d --label-add b=2 --label-rm a w');
    const labels = "docker service inspect -f '{{json .Spec.Labels}}' w";
    expect((await runHostLine(engine, labels)).stdout).toBe('{"b":"2"}\n');
    expect((await runHostLine(engine, 'docker service update --rollback -d w')).exitCode).toBe(0);
    expect((await runHostLine(engine, labels)).stdout).toBe('{"a":"1"}\n');
    const status = "docker service inspect -f '{{.UpdateStatus.State}}' w";
    expect((await runHostLine(engine, status)).stdout).toBe('rollback_completed\n');
  });

  it('filters service tasks as the daemon does', async () => {
    const engine = newEngine();
    await runHostLine(engine, 'docker swarm init');
    await runHostLine(engine, 'docker service create -d --name w --replicas 3 alpine sleep 100');
    const names = await runHostLine(engine, "docker service ps -f name=w.2 --format '{{.Name}}' w");
    expect(names.stdout).toBe('w.2\n');
    expect((await runHostLine(engine, 'docker service ps -f bogus=1 w')).stderr).toBe(
      "Error response from daemon: Invalid filter 'bogus'\n",
    );
    expect((await runHostLine(engine, 'docker service ps -f desired-state=x w')).stderr).toBe(
      "Error response from daemon: Invalid desired-state filter: 'x'\n",
    );
  });
});

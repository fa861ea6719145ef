import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/engine/clock.ts';
import { Engine, runHostLine } from '../../../src/engine/index.ts';
import {
  FIRST_LOOKUP_MS,
  SECOND_LOOKUP_GAP_MS,
  STOP_GRACE_MS,
} from '../../../src/engine/ops/service-tasks.ts';

function sandbox() {
  const clock = new ManualClock(Date.UTC(2026, 10, 28, 2, 0, 0));
  const engine = new Engine({ seed: 11, clock });
  const run = async (line: string) => {
    const r = await runHostLine(engine, line);
    return { ...r, out: r.combined };
  };
  return { engine, clock, run };
}

/** Every IPv4 address held on each network: reservations, daemon sandboxes and container endpoints. */
function holders(engine: Engine): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const nw of engine.state.networks) {
    out.set(nw.name, [...nw.allocated, ...(nw.sandboxEndpoints ?? []).map((e) => e.ipv4)]);
  }
  for (const c of engine.state.containers) {
    for (const ep of c.endpoints) {
      const nw = engine.state.networks.find((n) => n.id === ep.networkId);
      if (nw && ep.ipv4) out.get(nw.name)!.push(ep.ipv4);
    }
  }
  return out;
}

function expectNoDuplicates(engine: Engine): void {
  for (const [name, list] of holders(engine)) {
    // A sandbox endpoint's address is also in `allocated`: count each holder kind once.
    const seen = new Map<string, number>();
    for (const ip of list) seen.set(ip, (seen.get(ip) ?? 0) + 1);
    const nw = engine.state.networks.find((n) => n.name === name)!;
    for (const [ip, n] of seen) {
      const sandbox = (nw.sandboxEndpoints ?? []).some((e) => e.ipv4 === ip) ? 1 : 0;
      expect(n - sandbox, `${ip} held twice on ${name}`).toBe(1);
    }
  }
  const svcs = engine.state.swarm?.services ?? [];
  const vips = svcs.flatMap((s) => (s.vips ?? []).map((v) => `${v.networkId}/${v.addr}`));
  const tasks = svcs.flatMap((s) =>
    s.tasks.flatMap((t) => (t.addresses ?? []).map((a) => `${a.networkId}/${a.addr}`)),
  );
  expect(new Set([...vips, ...tasks]).size).toBe(vips.length + tasks.length);
}

describe('service tasks', () => {
  it('stay Preparing while the image lookup times out, then run as labelled containers', async () => {
    const { engine, clock, run } = sandbox();
    await run('docker swarm init');
    await run('docker network create -d overlay appnet');
    const created = await run(
      'docker service create -d --name web --network appnet --replicas 2 alpine sleep 1000',
    );
    expect(created.exitCode).toBe(0);
    expect((await run("docker service ls --format '{{.Replicas}}'")).out).toBe('0/2\n');
    expect((await run('docker ps -q')).out).toBe('');

    clock.advance(FIRST_LOOKUP_MS);
    expect((await run("docker service ls --format '{{.Replicas}}'")).out).toBe('1/2\n');
    clock.advance(SECOND_LOOKUP_GAP_MS);
    expect((await run("docker service ps web --format '{{.Name}} {{.CurrentState}}'")).out).toBe(
      'web.1 Running 10 seconds ago\nweb.2 Running less than a second ago\n',
    );

    const swarm = engine.state.swarm!;
    const service = swarm.services[0]!;
    const names = (await run("docker ps --format '{{.Names}}'")).out.trim().split('\n').sort();
    expect(names).toEqual(service.tasks.map((t) => `web.${t.slot}.${t.id}`).sort());
    const task = service.tasks[0]!;
    const labels = JSON.parse(
      (await run(`docker inspect -f '{{json .Config.Labels}}' ${task.containerId}`)).out,
    );
    expect(labels).toEqual({
      'com.docker.swarm.node.id': swarm.nodeId,
      'com.docker.swarm.service.id': service.id,
      'com.docker.swarm.service.name': 'web',
      'com.docker.swarm.task': '',
      'com.docker.swarm.task.id': task.id,
      'com.docker.swarm.task.name': `web.1.${task.id}`,
    });
    // The task keeps the address the manager gave it; the VIP is .2, the load balancer comes last.
    const ip = (
      await run(`docker inspect -f '{{.NetworkSettings.Networks.appnet.IPAddress}}' ${task.containerId}`)
    ).out;
    expect(ip).toBe(`${task.addresses![0]!.addr.split('/')[0]}\n`);
    expect((await run(`docker exec ${task.containerId} ip link show eth0`)).out).toContain('mtu 1450');
    expectNoDuplicates(engine);
  });

  it('answers the VIP for the service name and every task for tasks.<service>', async () => {
    const { clock, run } = sandbox();
    await run('docker swarm init');
    await run('docker network create -d overlay --attachable appnet');
    await run('docker service create -d --name web --network appnet --replicas 2 alpine sleep 1000');
    clock.advance(FIRST_LOOKUP_MS + SECOND_LOOKUP_GAP_MS);
    await run('docker run -d --name client --network appnet alpine sleep 1000');
    const vip = (await run('docker exec client nslookup web')).out;
    expect(vip).toContain('Name:\tweb\nAddress: 10.0.1.2\n');
    const tasks = (await run('docker exec client nslookup tasks.web')).out;
    expect(tasks.match(/Address: 10\.0\.1\.\d+\n/g)).toEqual(['Address: 10.0.1.3\n', 'Address: 10.0.1.4\n']);
    // The VIP does not answer ping; the tasks do.
    expect((await run('docker exec client ping -c 1 -W 1 web')).exitCode).toBe(1);
    expect((await run('docker exec client ping -c 1 tasks.web')).exitCode).toBe(0);
  });

  it('are removed, containers and addresses, when scaled down and with their service', async () => {
    const { engine, clock, run } = sandbox();
    await run('docker swarm init');
    await run('docker network create -d overlay --attachable appnet');
    await run(
      'docker service create -d --name web --network appnet -p 8080:80 --replicas 3 alpine sleep 1000',
    );
    await run('docker run -d --name other --network appnet alpine sleep 1000');
    clock.advance(60_000);
    expect((await run("docker service ls --format '{{.Replicas}}'")).out).toBe('3/3\n');
    expectNoDuplicates(engine);

    await run('docker service scale -d web=1');
    // The removed tasks' containers get their grace period to stop, then go.
    expect(
      (await run("docker ps --format '{{.Names}}'")).out.split('\n').filter((n) => n.startsWith('web.')),
    ).toHaveLength(3);
    clock.advance(STOP_GRACE_MS);
    expect(
      (await run("docker ps --format '{{.Names}}'")).out.split('\n').filter((n) => n.startsWith('web.')),
    ).toHaveLength(1);
    expectNoDuplicates(engine);

    expect((await run('docker service rm web')).exitCode).toBe(0);
    // The name answers until the node has cleaned up.
    expect((await run('docker exec other nslookup web')).out).toContain('Address: 10.0.1.2');
    clock.advance(STOP_GRACE_MS);
    expect((await run('docker exec other nslookup web')).out).not.toContain('Address: 10.0.1.2');
    expect((await run("docker ps -a --format '{{.Names}}'")).out).toBe('other\n');
    const appnet = engine.state.networks.find((n) => n.name === 'appnet')!;
    const ingress = engine.state.networks.find((n) => n.ingress)!;
    // What is left: appnet's gateway, the other container's address and the load balancer.
    expect(appnet.allocated.sort()).toEqual(
      ['10.0.1.1', ...(appnet.sandboxEndpoints ?? []).map((e) => e.ipv4)].sort(),
    );
    expect(ingress.allocated.sort()).toEqual(['10.0.0.1', '10.0.0.2']);
    expect((await run('docker network rm appnet')).out).toContain('is in use by task');
    await run('docker rm -f other');
    expect((await run('docker network rm appnet')).exitCode).toBe(0);
  });

  it('prints the convergence polls and moves the swarm clock on by the time they took', async () => {
    const { run } = sandbox();
    await run('docker swarm init');
    const r = await run('docker service create --name one alpine sleep 1000');
    const lines = r.out.split('\n');
    expect(lines.filter((l) => l === 'overall progress: 0 out of 1 tasks')).toHaveLength(
      1 + FIRST_LOOKUP_MS / 200,
    );
    expect(lines.filter((l) => l === 'overall progress: 1 out of 1 tasks')).toHaveLength(1);
    expect(lines.filter((l) => l.startsWith('verify: Waiting'))).toHaveLength(25);
    expect(lines).toContain('1/1:  ');
    expect((await run("docker service ls --format '{{.Replicas}}'")).out).toBe('1/1\n');
  });
});

import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/engine/clock.ts';
import { Engine, runHostLine } from '../../../src/engine/index.ts';
import { FIRST_LOOKUP_MS, STOP_GRACE_MS } from '../../../src/engine/ops/service-tasks.ts';

function sandbox() {
  const clock = new ManualClock(Date.UTC(2026, 10, 28, 2, 0, 0));
  const engine = new Engine({ seed: 5, clock });
  const run = async (line: string) => (await runHostLine(engine, line)).combined;
  return { engine, clock, run };
}

describe('rolling updates', () => {
  it('replace each slot stop-first, keeping the old task and its exited container as history', async () => {
    const { engine, clock, run } = sandbox();
    await run('docker swarm init');
    await run('docker service create -q --name web --replicas 2 alpine sleep 1000');
    const before = engine.state.swarm!.services[0]!.tasks.map((t) => t.id);

    await run('docker service update -d --env-add COLOR=blue web');
    // The highest slot goes first: its new task waits Ready while the old one stops.
    expect(
      await run("docker service ps web --format '{{.Name}} {{.DesiredState}} {{.CurrentState}}'"),
    ).toMatch(
      /^web\.1 Running Running .*\nweb\.2 Ready Assigned less than a second ago\nweb\.2 Shutdown Running .*\n$/,
    );
    expect(await run("docker service inspect -f '{{.UpdateStatus.State}}' web")).toBe('updating\n');

    clock.advance(2 * FIRST_LOOKUP_MS + STOP_GRACE_MS);
    const table = await run('docker service ps web');
    expect(table.split('\n').map((l) => l.split(/\s{2,}/)[1])).toEqual([
      'NAME',
      'web.1',
      '\\_ web.1',
      'web.2',
      '\\_ web.2',
      undefined,
    ]);
    const service = engine.state.swarm!.services[0]!;
    expect(service.tasks.filter((t) => t.desiredState === 'running').map((t) => t.id)).not.toContain(
      before[0],
    );
    expect(
      await run("docker service inspect -f '{{.UpdateStatus.State}}|{{.UpdateStatus.Message}}' web"),
    ).toBe('completed|update completed\n');
    expect(await run("docker service ps --filter desired-state=shutdown --format '{{.Name}}' web")).toBe(
      'web.1\nweb.2\n',
    );
    expect(
      await run("docker ps -a --filter label=com.docker.swarm.service.name=web --format '{{.State}}'"),
    ).toBe('running\nrunning\nexited\nexited\n');
    expect(
      await run(
        "docker service inspect -f '{{json .Spec.TaskTemplate.ContainerSpec.Env}} {{json .PreviousSpec.TaskTemplate.ContainerSpec.Env}}' web",
      ),
    ).toBe('["COLOR=blue"] null\n');

    // Removing the service: exited history containers go at once, running ones after their grace.
    await run('docker service rm web');
    clock.advance(1000);
    expect(await run("docker ps -a --format '{{.State}}'")).toBe('running\nrunning\n');
    clock.advance(STOP_GRACE_MS);
    expect(await run("docker ps -a --format '{{.Names}}'")).toBe('');
  });

  it('--quiet still waits for the update to converge', async () => {
    const { run } = sandbox();
    await run('docker swarm init');
    await run('docker service create -q --name web alpine sleep 1000');
    expect(await run('docker service update -q --args "sleep 2000" web')).toBe('web\n');
    expect(await run("docker service ps web --format '{{.DesiredState}} {{.CurrentState}}'")).toMatch(
      /^Running Running 5 seconds ago\nShutdown Shutdown 1\d seconds ago\n$/,
    );
  });
});

describe('endpoint modes and published ports', () => {
  it('refuses ingress ports with dnsrr and ports another service holds, on create and update', async () => {
    const { run } = sandbox();
    await run('docker swarm init');
    expect(
      await run('docker service create -d --name bad --endpoint-mode dnsrr -p 8080:80 alpine sleep 1'),
    ).toBe(
      "Error response from daemon: rpc error: code = InvalidArgument desc = EndpointSpec: port published with ingress mode can't be used with dnsrr mode\n",
    );
    await run('docker service create -d --name web -p 8088:80 alpine sleep 1000');
    await run('docker service update -d --publish-add 9090:90 web');
    expect(
      await run(
        "docker service inspect -f '{{range .Spec.EndpointSpec.Ports}}{{.TargetPort}}:{{.PublishedPort}} {{end}}' web",
      ),
    ).toBe('80:8088 90:9090 \n');
    await run('docker service update -d --publish-rm 80 web');
    const clash = await run('docker service create -d --name clash -p 9090:90 alpine sleep 1000');
    expect(clash).toMatch(/port '9090' is already in use by service 'web' \(\w{25}\) as an ingress port\n$/);
    expect(await run("docker service ls --format '{{.Name}}'")).toBe('web\n');
  });

  it('dnsrr services have no virtual IP and their name answers with the tasks', async () => {
    const { engine, run } = sandbox();
    await run('docker swarm init');
    await run('docker network create -d overlay --attachable net');
    await run('docker service create -q --name rr --endpoint-mode dnsrr --network net alpine sleep 1000');
    expect(
      await run("docker service inspect -f '{{.Spec.EndpointSpec.Mode}} {{len .Endpoint.VirtualIPs}}' rr"),
    ).toBe('dnsrr 0\n');
    await run('docker run -d --name client --network net alpine sleep 1000');
    const task = engine.state.containers.find((c) => c.name.startsWith('rr.1.'))!;
    const ip = task.endpoints[0]!.ipv4;
    expect(await run('docker exec client nslookup rr')).toContain(`Address: ${ip}\n`);
  });
});

import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/engine/clock.ts';
import { Engine, runHostLine } from '../../../src/engine/index.ts';

async function run(engine: Engine, line: string) {
  return runHostLine(engine, line);
}

/** Every address held on every network: gateways, sandboxes, VIPs, tasks, containers. */
function addressesInUse(engine: Engine): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const nw of engine.state.networks) out.set(nw.id, [...nw.allocated]);
  for (const c of engine.state.containers) {
    for (const ep of c.endpoints) if (ep.ipv4) out.get(ep.networkId)?.push(ep.ipv4);
  }
  return out;
}

describe('swarm overlay addressing', () => {
  it('never hands out an address twice across VIPs, tasks and sandboxes', async () => {
    const engine = new Engine({ seed: 7, clock: new ManualClock(Date.UTC(2026, 10, 28)) });
    expect((await run(engine, 'docker swarm init')).exitCode).toBe(0);
    await run(engine, 'docker network create -d overlay appnet');
    for (const [name, n] of [
      ['a', 3],
      ['b', 2],
      ['c', 1],
    ] as const) {
      const r = await run(
        engine,
        `docker service create -d --name ${name} --network appnet -p ${8000 + n}:80 --replicas ${n} alpine sleep 1000`,
      );
      expect(r.exitCode).toBe(0);
    }
    await run(engine, 'docker service scale b=5 -d');
    await run(engine, 'docker service rm a');
    await run(engine, 'docker service create -d --name d --network appnet alpine sleep 1000');
    for (const [id, addrs] of addressesInUse(engine)) {
      expect(new Set(addrs).size, `duplicate address on ${id}: ${addrs.join(' ')}`).toBe(addrs.length);
    }
    const svcs = engine.state.swarm!.services;
    const taskIps = svcs.flatMap((s) => s.tasks.flatMap((t) => (t.addresses ?? []).map((a) => a.addr)));
    const vips = svcs.flatMap((s) => (s.vips ?? []).map((v) => v.addr));
    expect(new Set([...taskIps, ...vips]).size).toBe(taskIps.length + vips.length);
  });

  it('allocates overlay pools and VXLAN IDs serially and resets them with the swarm', async () => {
    const engine = new Engine({ seed: 1 });
    await run(engine, 'docker swarm init');
    await run(engine, 'docker network create -d overlay o1');
    await run(engine, 'docker network create -d overlay o2');
    await run(engine, 'docker network rm o1');
    await run(engine, 'docker network create -d overlay o3');
    const subnet = (
      await run(
        engine,
        "docker network inspect -f '{{range .IPAM.Config}}{{.Subnet}}{{end}} {{json .Options}}' o3",
      )
    ).stdout;
    expect(subnet).toBe('10.0.3.0/24 {"com.docker.network.driver.overlay.vxlanid_list":"4099"}\n');
    await run(engine, 'docker swarm leave --force');
    expect(engine.state.networks.some((n) => n.scope === 'swarm')).toBe(false);
    expect(engine.state.networks.some((n) => n.name === 'docker_gwbridge')).toBe(true);
    await run(engine, 'docker swarm init');
    await run(engine, 'docker network create -d overlay again');
    const again = (
      await run(engine, "docker network inspect -f '{{range .IPAM.Config}}{{.Subnet}}{{end}}' again")
    ).stdout;
    expect(again).toBe('10.0.1.0/24\n');
  });

  it('answers swarm commands without a swarm with the daemon error', async () => {
    const engine = new Engine({ seed: 3 });
    const r = await run(engine, 'docker service ls');
    expect(r.exitCode).toBe(1);
    expect(r.combined).toContain('This node is not a swarm manager.');
    const leave = await run(engine, 'docker swarm leave');
    expect(leave.combined).toBe('Error response from daemon: This node is not part of a swarm\n');
  });
});

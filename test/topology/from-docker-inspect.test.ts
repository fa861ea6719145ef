/**
 * The model from real Docker's inspect JSON (recorded from Docker 20.10 in test/golden), and the
 * same model from the simulator's own inspect output as from its state.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SimBackend } from '../../src/sandbox/sim/sim-backend.ts';
import {
  collectTopology,
  TopologyCollectError,
  topologyFromInspect,
} from '../../src/topology/from-docker-inspect.ts';
import { topologyFromState } from '../../src/topology/from-sim-state.ts';
import { containerNamed, networkNamed } from '../../src/topology/model.ts';
import { FIXED_CLOCK } from './sandbox.ts';

const GOLDEN = join(import.meta.dirname, '..', 'golden');

/** The output of the first `$ <command>` in a recorded transcript. */
function outputOf(file: string, command: string): string {
  const lines = readFileSync(join(GOLDEN, file), 'utf8').split('\n');
  const start = lines.indexOf(`$ ${command}`);
  if (start < 0) throw new Error(`${command} not in ${file}`);
  const end = lines.findIndex((l, i) => i > start && /^\[exit \d+\]$/.test(l));
  return lines.slice(start + 1, end).join('\n');
}

describe('topology model from docker inspect JSON', () => {
  const networks = [
    ...JSON.parse(outputOf('03-network-inspect-full.golden', 'docker network inspect my-net')),
    ...JSON.parse(outputOf('03-network-inspect-full.golden', 'docker network inspect bridge')),
  ];
  const running = JSON.parse(outputOf('container-inspect-running.reference', 'docker inspect full'));
  const fullnet = {
    Name: 'fullnet',
    Id: running[0].NetworkSettings.Networks.fullnet.NetworkID,
    Scope: 'local',
    Driver: 'bridge',
    IPAM: { Config: [{ Subnet: '10.71.0.0/24' }] },
    Internal: false,
    Attachable: false,
    Ingress: false,
    ConfigOnly: false,
    Options: {},
  };

  it('reads networks as real Docker 20.10 prints them', () => {
    const t = topologyFromInspect(networks, []);
    expect(t.networks.map((n) => n.name)).toEqual(['bridge', 'my-net']);
    expect(networkNamed(t, 'bridge')).toMatchObject({
      driver: 'bridge',
      defaultBridge: true,
      subnets: [{ subnet: '172.17.0.0/16', gateway: '' }],
    });
    expect(networkNamed(t, 'my-net')).toMatchObject({
      defaultBridge: false,
      scope: 'local',
      subnets: [{ subnet: '172.18.0.0/16', gateway: '172.18.0.1' }],
      internal: false,
      attachable: false,
    });
  });

  it('reads a running container: address, gateway, published port, image, mode', () => {
    const t = topologyFromInspect([fullnet], running);
    const full = containerNamed(t, 'full')!;
    expect(full).toMatchObject({
      name: 'full',
      image: 'alpine',
      state: 'running',
      networkMode: 'fullnet',
      links: [],
    });
    // Aliases held only the short ID, which is not a name a student gave.
    expect(full.attachments).toEqual([
      { network: 'fullnet', address: '10.71.0.2', prefix: 24, ipv6: '', gateway: '10.71.0.1', aliases: [] },
    ]);
    expect(full.ports).toEqual([{ containerPort: 80, proto: 'tcp', hostIp: '0.0.0.0', hostPort: 8080 }]);
  });

  it('reads links as Docker stores them and drops the IPv6 twin of a published port', () => {
    const c = structuredClone(running[0]);
    c.Name = '/app';
    c.HostConfig.Links = ['/db:/app/database'];
    c.NetworkSettings.Ports = {
      '80/tcp': [
        { HostIp: '0.0.0.0', HostPort: '8080' },
        { HostIp: '::', HostPort: '8080' },
      ],
      '53/udp': [{ HostIp: '127.0.0.1', HostPort: '5353' }],
      '9000/tcp': null,
    };
    const app = containerNamed(topologyFromInspect([fullnet], [c]), 'app')!;
    expect(app.links).toEqual([{ target: 'db', alias: 'database' }]);
    expect(app.ports).toEqual([
      { containerPort: 53, proto: 'udp', hostIp: '127.0.0.1', hostPort: 5353 },
      { containerPort: 80, proto: 'tcp', hostIp: '0.0.0.0', hostPort: 8080 },
    ]);
  });

  it('survives JSON that is not what it expects', () => {
    const t = topologyFromInspect(
      [null, 3, { Name: 'x' }, { ConfigOnly: true, Name: 'cfg' }],
      [{}, 'junk', null],
    );
    expect(t.networks.map((n) => n.name)).toEqual(['x']);
    expect(t.containers).toHaveLength(3);
    expect(topologyFromInspect('nope', undefined)).toEqual({
      host: { name: 'sandbox', address: '' },
      networks: [],
      containers: [],
    });
  });

  it('collects through a backend the same networks the state holds', async () => {
    const backend = new SimBackend({ clock: FIXED_CLOCK, seedFor: () => 5 });
    const key = 'console:local:collector';
    await backend.exec(key, 'docker network create --subnet 10.9.0.0/24 --gateway 10.9.0.1 lab');
    await backend.exec(key, 'docker network create --internal vault');
    const fromState = await backend.withEngine(key, (e) => topologyFromState(e.state));
    const ps = await backend.exec(key, 'docker ps -aq --no-trunc');
    if (ps.exitCode !== 0) {
      // `docker ps` is not emulated yet: the collector must say so, not crash.
      await expect(collectTopology(backend, key)).rejects.toBeInstanceOf(TopologyCollectError);
      return;
    }
    const collected = await collectTopology(backend, key, fromState.host);
    expect(collected.networks).toEqual(fromState.networks);
    expect(collected.containers).toEqual(fromState.containers);
  });
});

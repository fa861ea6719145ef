/**
 * The topology model built from simulated sandboxes: networks, containers, addresses, aliases,
 * ports and modes, in a stable order.
 */
import { describe, expect, it } from 'vitest';
import { topologyFromState } from '../../src/topology/from-sim-state.ts';
import { containerNamed, effectiveGateway, networkNamed, visibleNetworks } from '../../src/topology/model.ts';
import { addContainer, freshEngine, sh } from './sandbox.ts';
import { classroom } from './scenarios.ts';

describe('topology model from sim state', () => {
  it('a fresh sandbox has the three predefined networks and only the bridge shows', async () => {
    const t = topologyFromState(freshEngine().state);
    expect(t.host).toEqual({ name: 'sandbox', address: '172.20.0.2' });
    expect(t.networks.map((n) => [n.name, n.driver, n.scope])).toEqual([
      ['bridge', 'bridge', 'local'],
      ['host', 'host', 'local'],
      ['none', 'null', 'local'],
    ]);
    expect(networkNamed(t, 'bridge')).toMatchObject({
      defaultBridge: true,
      subnets: [{ subnet: '172.17.0.0/16', gateway: '' }],
    });
    expect(effectiveGateway(t, networkNamed(t, 'bridge')!)).toBe('172.17.0.1');
    expect(t.containers).toEqual([]);
    expect(visibleNetworks(t).map((n) => n.name)).toEqual(['bridge']);
  });

  it('records driver, subnet, gateway, internal and attachable as created', async () => {
    const e = freshEngine();
    await sh(
      e,
      'docker network create --subnet 10.71.0.0/24 --gateway 10.71.0.254 lab',
      'docker network create --internal --attachable secret',
    );
    const t = topologyFromState(e.state);
    expect(networkNamed(t, 'lab')).toMatchObject({
      driver: 'bridge',
      subnets: [{ subnet: '10.71.0.0/24', gateway: '10.71.0.254' }],
      internal: false,
      defaultBridge: false,
    });
    expect(networkNamed(t, 'secret')).toMatchObject({ internal: true, attachable: true });
    expect(networkNamed(t, 'secret')!.subnets[0]!.subnet).toBe('172.18.0.0/16');
  });

  it('gives containers their addresses, aliases, ports, links and state, sorted by name', async () => {
    const t = topologyFromState((await classroom()).state);
    expect(t.containers.map((c) => c.name)).toEqual([
      'db',
      'lonely',
      'mon',
      'old1',
      'old2',
      'stopped',
      'vault',
      'web',
    ]);
    const web = containerNamed(t, 'web')!;
    expect(web).toMatchObject({ image: 'nginx', state: 'running', networkMode: 'app' });
    expect(web.attachments).toEqual([
      {
        network: 'app',
        address: '172.18.0.2',
        prefix: 16,
        ipv6: '',
        gateway: '172.18.0.1',
        aliases: ['www'],
      },
    ]);
    // Docker binds 0.0.0.0 and ::; the student published one port.
    expect(web.ports).toEqual([{ containerPort: 80, proto: 'tcp', hostIp: '0.0.0.0', hostPort: 8080 }]);
    const db = containerNamed(t, 'db')!;
    expect(db.attachments.map((a) => [a.network, a.address])).toEqual([
      ['app', '172.18.0.3'],
      ['backend', '172.19.0.2'],
    ]);
    expect(containerNamed(t, 'old2')!.links).toEqual([{ target: 'old1', alias: 'legacy' }]);
    expect(containerNamed(t, 'old1')!.networkMode).toBe('default');
    expect(containerNamed(t, 'mon')!.attachments).toMatchObject([{ network: 'host', address: '' }]);
    expect(containerNamed(t, 'lonely')!.attachments).toMatchObject([{ network: 'none', address: '' }]);
    // A stopped container keeps its membership but not its address, as inspect shows it.
    const stopped = containerNamed(t, 'stopped')!;
    expect(stopped.state).toBe('exited');
    expect(stopped.attachments).toMatchObject([{ network: 'app', address: '', prefix: 0 }]);
    expect(visibleNetworks(t).map((n) => n.name)).toEqual(['app', 'backend', 'bridge', 'host', 'none']);
  });

  it('finds containers by name, /name and ID prefix', async () => {
    const e = freshEngine();
    const rec = addContainer(e, { name: 'solo' });
    const t = topologyFromState(e.state);
    expect(containerNamed(t, '/solo')?.name).toBe('solo');
    expect(containerNamed(t, rec.id.slice(0, 6))?.name).toBe('solo');
    expect(containerNamed(t, 'nothere')).toBeUndefined();
  });

  it('is the same model for the same state, and does not change the state', async () => {
    const e = await classroom();
    const before = JSON.stringify(e.state);
    expect(topologyFromState(e.state)).toEqual(topologyFromState(JSON.parse(before)));
    expect(JSON.stringify(e.state)).toBe(before);
  });
});

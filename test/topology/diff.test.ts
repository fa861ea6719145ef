/**
 * "What changed": one line from the model before and after a command.
 */
import { describe, expect, it } from 'vitest';
import { runHostLine } from '../../src/engine/index.ts';
import { activateEndpoint, deactivateEndpoint } from '../../src/engine/ops/endpoints.ts';
import { findNetwork } from '../../src/engine/ops/lookup.ts';
import { topologyChanges, whatChanged } from '../../src/topology/diff.ts';
import { topologyFromState } from '../../src/topology/from-sim-state.ts';
import { addContainer, freshEngine, sh } from './sandbox.ts';
import { classroom } from './scenarios.ts';

const snap = (e: { state: Parameters<typeof topologyFromState>[0] }) =>
  topologyFromState(structuredClone(e.state));

describe('what changed', () => {
  it('says nothing when nothing changed', async () => {
    const e = await classroom();
    const before = snap(e);
    await runHostLine(e, 'docker network ls');
    expect(whatChanged(before, snap(e))).toBeNull();
  });

  it('network create and rm', async () => {
    const e = freshEngine();
    const t0 = snap(e);
    await sh(e, 'docker network create --internal vault');
    const t1 = snap(e);
    expect(whatChanged(t0, t1)).toBe('Topology changed: +network vault (bridge 172.18.0.0/16, internal)');
    await sh(e, 'docker network rm vault');
    expect(whatChanged(t1, snap(e))).toBe('Topology changed: -network vault');
  });

  it('network connect and disconnect, with the address taken', async () => {
    const e = await classroom();
    const t0 = snap(e);
    await sh(e, 'docker network connect backend web');
    const t1 = snap(e);
    expect(whatChanged(t0, t1)).toBe('Topology changed: web joined backend as 172.19.0.4');
    await sh(e, 'docker network disconnect app web');
    expect(topologyChanges(t1, snap(e))).toEqual(['web left app']);
  });

  it('a new container, a stop and a start', async () => {
    const e = freshEngine();
    await sh(e, 'docker network create app');
    const t0 = snap(e);
    const c = addContainer(e, { name: 'web', image: 'nginx', networks: ['app'], ports: ['8080:80'] });
    const t1 = snap(e);
    expect(whatChanged(t0, t1)).toBe('Topology changed: +web (172.18.0.2 on app, 8080->80/tcp)');
    c.status = 'exited';
    deactivateEndpoint(c.endpoints[0]!);
    const t2 = snap(e);
    expect(whatChanged(t1, t2)).toBe(
      'Topology changed: web exited; web released 172.18.0.2 on app; web no longer publishes 8080->80/tcp',
    );
    c.status = 'running';
    activateEndpoint(e, c.endpoints[0]!, findNetwork(e, 'app'));
    expect(whatChanged(t2, snap(e))).toBe(
      'Topology changed: web started; web got 172.18.0.2 on app; web publishes 8080->80/tcp',
    );
  });

  it('keeps to one line of bounded length', async () => {
    const e = freshEngine();
    const t0 = snap(e);
    for (let i = 0; i < 12; i++) await sh(e, `docker network create network-with-a-long-name-${i}`);
    const line = whatChanged(t0, snap(e))!;
    expect(line).not.toContain('\n');
    expect(line.length).toBeLessThanOrEqual(260);
    expect(line).toMatch(/… \(\+\d+ more\)$/);
  });
});

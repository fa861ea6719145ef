/**
 * Each reachability rule the module teaches, on the classroom sandbox (see scenarios.ts).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { topologyFromState } from '../../src/topology/from-sim-state.ts';
import type { Topology } from '../../src/topology/model.ts';
import { explain, reach, reachMatrix, UnknownPartyError } from '../../src/topology/reachability.ts';
import { addContainer, freshEngine, sh } from './sandbox.ts';
import { classroom } from './scenarios.ts';

let t: Topology;
beforeAll(async () => {
  t = topologyFromState((await classroom()).state);
});

describe('reachability', () => {
  it('user-defined network: by name (and aliases) and by address', () => {
    const r = reach(t, 'db', 'web');
    expect(r.byName).toEqual({ ok: true, why: 'web, www resolve on app (embedded DNS)' });
    expect(r.byAddress).toEqual({ ok: true, why: '172.18.0.2 on app' });
  });

  it('default bridge: address only, and why not by name', () => {
    const r = reach(t, 'old1', 'old2');
    expect(r.byAddress.ok).toBe(true);
    expect(r.byAddress.why).toBe('172.17.0.3 on bridge');
    expect(r.byName.ok).toBe(false);
    expect(r.byName.why).toMatch(/default bridge has no DNS/);
    expect(r.hint).toMatch(/docker network create/);
  });

  it('default bridge with --link: the alias resolves from /etc/hosts, one way only', () => {
    expect(reach(t, 'old2', 'old1').byName).toEqual({
      ok: true,
      why: "as legacy: a --link writes it into old2's /etc/hosts",
    });
    expect(reach(t, 'old1', 'old2').byName.ok).toBe(false);
  });

  it('different networks are isolated; published ports are the way through the host', () => {
    const r = reach(t, 'old1', 'web');
    expect(r.byName.ok).toBe(false);
    expect(r.byAddress).toEqual({
      ok: false,
      why: 'old1 and web share no network: Docker isolates networks from each other',
    });
    expect(r.hint).toBe("web's published ports work through the host: 8080->80/tcp");
  });

  it('internal network: neighbours yes, no way out, no published ports of others', () => {
    expect(reach(t, 'vault', 'db').byName.ok).toBe(true);
    const out = reach(t, 'vault', 'internet');
    expect(out.byAddress).toEqual({
      ok: false,
      why: 'vault is only on internal networks: they have no way out',
    });
    const web = reach(t, 'vault', 'web');
    expect(web.byAddress.ok).toBe(false);
    expect(web.hint).toBe('docker network connect app vault');
    // db is also on app, which is not internal: it has a way out.
    expect(reach(t, 'db', 'internet').byAddress.ok).toBe(true);
  });

  it('none: reaches nothing and nothing reaches it', () => {
    for (const to of ['web', 'host', 'internet']) {
      expect(reach(t, 'lonely', to).byAddress.why).toBe(
        'lonely is on the none network: it has only loopback and reaches nothing',
      );
    }
    expect(reach(t, 'web', 'lonely').byAddress).toEqual({
      ok: false,
      why: 'lonely is on the none network: nothing can reach it',
    });
    expect(reach(t, 'host', 'lonely').byAddress.ok).toBe(false);
  });

  it("host network: the container is the host's ports, reached through the host's address", () => {
    const toMon = reach(t, 'web', 'mon');
    expect(toMon.byName.ok).toBe(false);
    expect(toMon.byAddress).toEqual({
      ok: true,
      why: 'mon is the host: its ports answer on its address on app (172.18.0.1)',
    });
    const fromMon = reach(t, 'mon', 'web');
    expect(fromMon.byName.ok).toBe(false);
    expect(fromMon.byAddress.ok).toBe(true);
  });

  it('the host: containers by address on bridges, never by name; published ports from outside', () => {
    const r = reach(t, 'host', 'web');
    expect(r.byName.ok).toBe(false);
    expect(r.byAddress.why).toBe('172.18.0.2 on app: the host has a leg on every bridge');
    expect(r.hint).toBe('published ports: localhost 8080->80/tcp');
    expect(reach(t, 'web', 'host').byAddress.why).toBe('the host answers on its address on app (172.18.0.1)');
    expect(reach(t, 'internet', 'web').byAddress.ok).toBe(true);
    expect(reach(t, 'internet', 'web').byName.ok).toBe(false);
    expect(reach(t, 'internet', 'db').byAddress.ok).toBe(false);
  });

  it('a stopped container neither answers nor asks', () => {
    expect(reach(t, 'web', 'stopped').byAddress).toEqual({
      ok: false,
      why: 'stopped is exited: nothing answers',
    });
    expect(reach(t, 'stopped', 'web').byAddress.why).toMatch(/^stopped is exited: start it first/);
  });

  it('macvlan: neighbours talk, the host cannot reach its children', async () => {
    const e = freshEngine();
    await sh(e, 'docker network create -d macvlan --subnet 192.168.50.0/24 -o parent=eth0 lan');
    addContainer(e, { name: 'm1', networks: ['lan'] });
    addContainer(e, { name: 'm2', networks: ['lan'] });
    const m = topologyFromState(e.state);
    expect(reach(m, 'm1', 'm2').byName.ok).toBe(true);
    expect(reach(m, 'host', 'm1').byAddress.why).toMatch(/cannot talk to its own macvlan children/);
  });

  it('names an unknown party', () => {
    expect(() => reach(t, 'web', 'ghost')).toThrow(UnknownPartyError);
    expect(() => reach(t, 'web', 'ghost')).toThrow('No such container: ghost');
  });

  it('explains in chat lines, and sums everything up in a matrix', () => {
    expect(explain(reach(t, 'old1', 'old2')).split('\n')).toHaveLength(4);
    const m = reachMatrix(t).split('\n');
    expect(m[0]).toBe('from \\ to  db    lonely  mon   old1  old2  vault  web');
    expect(m[1]).toBe('db         .     -       addr  -     -     name   name');
    expect(m.at(-1)).toMatch(/^name: by name and address/);
    expect(m.length).toBeLessThanOrEqual(25);
  });
});

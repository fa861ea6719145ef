/**
 * Every lab can be completed in the simulator by following its steps, and its checks judge the same
 * from the engine's state as from `docker ... inspect` JSON (the way they read a dind sandbox).
 */
import { describe, expect, it } from 'vitest';
import { courseContent } from '../../src/content/load.ts';
import { runChecks } from '../../src/labs/checks.ts';
import { factsFromCli, factsFromState, sandboxFacts } from '../../src/labs/facts.ts';
import { SimBackend } from '../../src/sandbox/sim/sim-backend.ts';

const API = 'curl -s --unix-socket /var/run/docker.sock -H "Content-Type: application/json"';

/** What a student types to finish each lab (after the lab's own setup). */
const SOLUTIONS: Record<string, string[]> = {
  'none-isolation': [
    'docker run -d --name isolated --network none alpine sleep 1d',
    'docker run -d --name normal alpine sleep 1d',
  ],
  'bridge-dns': [
    'docker network create appnet',
    'docker run -d --name web --network appnet nginx',
    'docker run -d --name client --network appnet alpine sleep 1d',
    'docker run -d --name lonely alpine sleep 1d',
  ],
  'connect-disconnect': ['docker network connect back api', 'docker network disconnect front api'],
  'custom-ipam': [
    'docker network create --subnet 10.10.0.0/24 --gateway 10.10.0.254 --ip-range 10.10.0.128/25 labnet',
    'docker run -d --name auto --network labnet alpine sleep 1d',
    'docker run -d --name fixed --network labnet --ip 10.10.0.200 alpine sleep 1d',
  ],
  'host-and-ports': [
    'docker run -d --name web -p 8080:80 nginx',
    'docker run -d --name hostweb --network host nginx',
  ],
  'overlay-swarm': [
    'docker swarm init',
    'docker network create -d overlay svcnet',
    'docker network create -d overlay --attachable appnet',
    'docker run -d --name probe --network appnet alpine sleep 1d',
  ],
  macvlan: [
    'docker network create -d macvlan --subnet 192.168.50.0/24 --gateway 192.168.50.1 -o parent=eth0 lan',
    'docker network create -d macvlan --subnet 192.168.20.0/24 --gateway 192.168.20.1 -o parent=eth0.20 vlan20',
    'docker run -d --name device --network lan alpine sleep 1d',
  ],
  'engine-api-curl': [
    `${API} -d '{"Name":"apinet","Labels":{"via":"api"}}' http://localhost/v1.41/networks/create`,
    `${API} -d '{"Image":"alpine","Cmd":["sleep","1d"],"HostConfig":{"NetworkMode":"apinet"}}' "http://localhost/v1.41/containers/create?name=apibox"`,
    'curl -s -X POST --unix-socket /var/run/docker.sock http://localhost/v1.41/containers/apibox/start',
  ],
  'internal-network': [
    'docker network create --internal dbnet',
    'docker network create webnet',
    'docker run -d --name db --network dbnet alpine sleep 1d',
    'docker run -d --name app --network webnet alpine sleep 1d',
    'docker network connect dbnet app',
  ],
};

/** Labs whose commands the simulator does not have yet (Compose is being built). */
const WAITING = new Set(['compose-networks']);

const labs = courseContent().labs;

describe('labs', () => {
  it.each(labs.filter((l) => l.checks.every((c) => c.check.kind !== 'answer')).map((l) => [l.id]))(
    '%s: fails on a fresh sandbox, passes after its solution, the same from state and from inspect JSON',
    async (id) => {
      const lab = labs.find((l) => l.id === id)!;
      const backend = new SimBackend({ seedFor: () => 7 });
      const key = `console:local:${id}`;
      for (const line of lab.setup ?? []) expect((await backend.exec(key, line)).exitCode, line).toBe(0);
      expect(runChecks(lab, await sandboxFacts(backend, key)).every((r) => r.ok)).toBe(false);
      if (WAITING.has(id)) return;
      const solution = SOLUTIONS[id];
      expect(solution, `a solution for ${id} in this test`).toBeDefined();
      for (const line of solution!) {
        const r = await backend.exec(key, line);
        expect(r.exitCode, `${line}\n${r.output}`).toBe(0);
      }
      const fromState = await sandboxFacts(backend, key);
      const results = runChecks(lab, fromState);
      expect(results.filter((r) => !r.ok)).toEqual([]);
      // The dind path: the same checks from the CLI's JSON (here printed by the simulator).
      const fromCli = await factsFromCli((line) => backend.exec(key, line));
      expect(runChecks(lab, fromCli)).toEqual(results);
      expect(fromCli.networks.map((n) => n.name).sort()).toEqual(
        fromState.networks.map((n) => n.name).sort(),
      );
      expect(fromCli.containers.map((c) => [c.name, c.networkMode, c.ports]).sort()).toEqual(
        fromState.containers.map((c) => [c.name, c.networkMode, c.ports]).sort(),
      );
    },
  );

  it('says what is missing', async () => {
    const lab = labs.find((l) => l.id === 'connect-disconnect')!;
    const backend = new SimBackend({ seedFor: () => 7 });
    for (const line of lab.setup ?? []) await backend.exec('k', line);
    await backend.exec('k', 'docker network connect back api');
    const r = runChecks(lab, factsFromState((await backend.withEngine('k', (e) => e.snapshot())) as never));
    expect(r.map((x) => (x.ok ? 'ok' : x.detail))).toEqual(['ok', 'ok', 'api is still connected to front']);
  });

  it('checks a typed X-Registry-Auth value', () => {
    const lab = labs.find((l) => l.id === 'registry-auth')!;
    const facts = { networks: [], containers: [], swarmActive: false, logins: [] };
    const encode = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const good = encode({
      username: 'student',
      password: 's3cret',
      email: '',
      serveraddress: 'registry.example.com:5000',
    });
    expect(runChecks(lab, facts, good)[0]!.ok).toBe(true);
    const bad = runChecks(
      lab,
      facts,
      encode({ username: 'student', password: 'x', serveraddress: 'registry.example.com:5000' }),
    )[0]!;
    expect(bad.detail).toBe('the decoded JSON has password="x", expected "s3cret"');
    expect(runChecks(lab, facts, 'not base64 json')[0]!.detail).toBe('that is not base64url-encoded JSON');
    expect(runChecks(lab, facts)[0]!.detail).toBe('type your answer after /lab check');
  });
});

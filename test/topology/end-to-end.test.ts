/**
 * End to end: sandboxes built with real `docker run` commands through the sim backend, read both
 * ways (engine records, and inspect JSON collected through the backend like on dind), which must
 * give the same model; then the rules on that model.
 */
import { describe, expect, it } from 'vitest';
import { SimBackend } from '../../src/sandbox/sim/sim-backend.ts';
import { collectTopology } from '../../src/topology/from-docker-inspect.ts';
import { topologyFromState } from '../../src/topology/from-sim-state.ts';
import { containerNamed } from '../../src/topology/model.ts';
import { reach } from '../../src/topology/reachability.ts';
import { summarize } from '../../src/topology/summary.ts';
import { FIXED_CLOCK } from './sandbox.ts';

const KEY = 'console:local:e2e';

async function build(lines: string[]) {
  const backend = new SimBackend({ clock: FIXED_CLOCK, seedFor: () => 3 });
  for (const line of lines) {
    const r = await backend.exec(KEY, line);
    if (r.exitCode !== 0) throw new Error(`${line}: ${r.output}`);
  }
  const fromState = await backend.withEngine(KEY, (e) => topologyFromState(e.state));
  const fromInspect = await collectTopology(backend, KEY, fromState.host);
  return { fromState, fromInspect };
}

describe('topology of sandboxes built with docker commands', () => {
  it('the same model from state and from inspect JSON, every network kind', async () => {
    const { fromState, fromInspect } = await build([
      'docker network create app',
      'docker network create --internal backend',
      'docker run -d --name web --network app --network-alias www -p 8080:80 nginx',
      'docker run -d --name db --network app redis',
      'docker network connect backend db',
      'docker run -d --name old alpine sleep 1000',
      'docker run -d --name old2 --link old:legacy alpine sleep 1000',
      'docker run -d --name hostc --network host alpine sleep 1000',
      'docker run -d --name lonely --network none alpine sleep 1000',
      'docker create --name later --network app alpine',
    ]);
    expect(fromInspect).toEqual(fromState);
    const t = fromState;
    expect(containerNamed(t, 'web')).toMatchObject({
      image: 'nginx',
      state: 'running',
      attachments: [{ network: 'app', address: '172.18.0.2', aliases: ['www'] }],
      ports: [{ containerPort: 80, proto: 'tcp', hostIp: '0.0.0.0', hostPort: 8080 }],
    });
    expect(containerNamed(t, 'later')).toMatchObject({
      state: 'created',
      attachments: [{ network: 'app', address: '' }],
    });
    expect(containerNamed(t, 'old2')?.links).toEqual([{ target: 'old', alias: 'legacy' }]);
    expect(summarize(t).split('\n').length).toBeLessThanOrEqual(25);
    expect(reach(t, 'web', 'db').byName.ok).toBe(true);
    expect(reach(t, 'old', 'old2').byName.ok).toBe(false);
    expect(reach(t, 'old2', 'old').byName.ok).toBe(true);
    expect(reach(t, 'lonely', 'web').byAddress.ok).toBe(false);
    expect(reach(t, 'web', 'hostc').byAddress.ok).toBe(true);
  });

  it('a stopped and a removed container', async () => {
    const { fromState, fromInspect } = await build([
      'docker network create app',
      'docker run -d --name web --network app -p 8080:80 nginx',
      'docker run -d --name gone --network app alpine sleep 1000',
      'docker stop -t 0 web',
      'docker rm -f gone',
    ]);
    expect(fromInspect).toEqual(fromState);
    const web = containerNamed(fromState, 'web');
    expect(web).toMatchObject({ state: 'exited', ports: [], attachments: [{ network: 'app', address: '' }] });
    expect(containerNamed(fromState, 'gone')).toBeUndefined();
  });
});

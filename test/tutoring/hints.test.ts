/**
 * Hints: each one is triggered by a scenario that produces its error through the real simulated
 * engine. Docker's exact error comes first and untouched, then the hint line and the fix.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { TutorReply } from '../../src/core/types.ts';
import { courseHints, hintBlocks, matchHints } from '../../src/tutoring/hints.ts';
import { blocksOf, Harness, hasApiRoute, hasDockerCommand } from './support.ts';

interface Case {
  /** Docker lines that must succeed first. */
  setup?: string[];
  /** Containers to start first: name -> network. */
  containers?: Record<string, string>;
  /** What the student types in chat (`/docker ...`), or a curl line on the sandbox host (`curl ...`). */
  run: string;
  /** Docker's exact error, as the output must contain it. */
  error: string;
  /** Text the hint and fix must contain. */
  hint: string;
  fix: string;
  /** What must exist in the simulator for the scenario to run. */
  needs?: () => string | null;
}

const api = (method: string, path: string) => () =>
  hasApiRoute(method, path) ? null : `the simulator's Engine API has no ${method} ${path} yet`;

const CASES: Record<string, Case> = {
  'network-active-endpoints': {
    setup: ['docker network create used'],
    containers: { c1: 'used' },
    run: '/docker network rm used',
    error: 'Error response from daemon: error while removing network: network used id ',
    hint: 'Containers are still attached to used',
    fix: '`/docker network disconnect used CONTAINER` then `/docker network rm used`',
  },
  'predefined-network-remove': {
    run: '/docker network rm bridge',
    error: 'Error response from daemon: bridge is a pre-defined network and cannot be removed\n',
    hint: 'bridge, host and none come with every engine',
    fix: '`/docker network create my-net`',
  },
  'predefined-network-create': {
    run: '/docker network create -d host myhost',
    error: 'Error response from daemon: only one instance of "host" network is allowed\n',
    hint: 'There is exactly one host and one none network per engine',
    fix: '`/docker network inspect host`',
  },
  'overlay-needs-swarm': {
    run: '/docker network create -d overlay ov',
    error:
      'Error response from daemon: This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again.\n',
    hint: 'Overlay networks (and services) span a swarm',
    fix: '`/docker swarm init`',
  },
  'overlay-not-attachable': {
    setup: ['docker swarm init', 'docker network create -d overlay ov1'],
    run: '/docker run -d --name c1 --network ov1 alpine sleep 3600',
    error:
      'docker: Error response from daemon: Could not attach to network ov1: rpc error: code = PermissionDenied desc = network ov1 not manually attachable.\n',
    hint: 'Overlay ov1 was created without --attachable',
    fix: '`/docker network create -d overlay --attachable ov1-att`',
  },
  'default-bridge-no-dns': {
    containers: { d1: 'bridge', d2: 'bridge' },
    run: '/docker exec d1 ping -c 1 d2',
    error: "ping: bad address 'd2'\n",
    hint: 'Container names resolve only on a user-defined network',
    fix: '`/docker network create app` then `/docker network connect app CONTAINER`',
  },
  'port-already-allocated': {
    setup: ['docker run -d --name web1 -p 8080:80 nginx'],
    run: '/docker run -d --name web2 -p 8080:80 nginx',
    error: 'Bind for 0.0.0.0:8080 failed: port is already allocated.\n',
    hint: 'Host port 8080 is already published by another container',
    fix: '`/docker ps --filter publish=8080`',
  },
  'ip-needs-user-subnet': {
    setup: ['docker network create auto'],
    containers: { c1: 'bridge' },
    run: '/docker network connect --ip 172.18.0.50 auto c1',
    error:
      'Error response from daemon: user specified IP address is supported only when connecting to networks with user configured subnets\n',
    hint: 'A fixed --ip needs a user-defined network created with your own --subnet',
    fix: '`/docker network create --subnet 172.30.0.0/16 fixed-net`',
  },
  'api-version-too-new': {
    run: 'curl -s --unix-socket /var/run/docker.sock http://localhost/v1.42/info',
    error: '{"message":"client version 1.42 is too new. Maximum supported API version is 1.41"}\n',
    hint: 'This daemon speaks the Engine API up to v1.41: put /v1.41/ in the path',
    fix: '`/api GET /v1.41/version`',
  },
  'api-version-too-old': {
    run: 'curl -s --unix-socket /var/run/docker.sock http://localhost/v1.11/info',
    error:
      'client version 1.11 is too old. Minimum supported API version is 1.12, please upgrade your client to a newer version',
    hint: 'This daemon no longer serves API v1.11; anything from v1.12 to v1.41 works.',
    fix: '`/api GET /v1.41/version`',
  },
  'registry-auth-missing': {
    run: 'curl -s -X POST --unix-socket /var/run/docker.sock http://localhost/v1.41/images/alpine/push',
    error: '{"message":"Bad parameters and missing X-Registry-Auth: EOF"}\n',
    hint: 'Pushing needs credentials: send X-Registry-Auth',
    fix: '`/docker login -u USER REGISTRY`',
    needs: api('POST', '/v1.41/images/alpine/push'),
  },
  'pool-overlaps': {
    run: '/docker network create --subnet 172.17.5.0/24 x',
    error: 'Error response from daemon: Pool overlaps with other one on this address space\n',
    hint: 'That subnet overlaps a network that already exists',
    fix: '`/docker network ls`',
  },
  'network-exists': {
    setup: ['docker network create app'],
    run: '/docker network create app',
    error: 'Error response from daemon: network with name app already exists\n',
    hint: 'Network names are unique per engine: app is already there',
    fix: '`/docker network inspect app`',
  },
  'swarm-leave-manager': {
    setup: ['docker swarm init'],
    run: '/docker swarm leave',
    error:
      'Error response from daemon: You are attempting to leave the swarm on a node that is participating',
    hint: 'The last manager holds the whole swarm state',
    fix: '`/docker swarm leave --force`',
  },
};

const texts = (r: TutorReply) => r.blocks.map((b) => (b.kind === 'text' || b.kind === 'code' ? b.text : ''));

describe('hints', () => {
  it('every hint in prompts/hints.yaml has a scenario that triggers it', () => {
    expect(Object.keys(CASES).sort()).toEqual(
      courseHints()
        .map((h) => h.id)
        .sort(),
    );
  });

  let h: Harness;
  afterEach(async () => h?.close());

  for (const [id, c] of Object.entries(CASES)) {
    const missing = c.needs?.() ?? (hasDockerCommand('run') ? null : 'docker run');
    it.skipIf(missing !== null)(`${id}${missing ? ` (waits for ${missing})` : ''}`, async () => {
      h = new Harness();
      await h.must(...(c.setup ?? []));
      for (const [name, net] of Object.entries(c.containers ?? {})) await h.container(name, net);
      if (c.run.startsWith('/')) {
        const r = await h.say(c.run);
        const all = texts(r);
        // Docker's output is the first code block, exact and untouched.
        const output = blocksOf(r, 'code')[0]?.text ?? '';
        expect(output).toContain(c.error);
        const hintAt = all.findIndex((t) => t.startsWith('Hint: '));
        expect(hintAt, all.join('\n')).toBeGreaterThan(all.indexOf(output));
        expect(all[hintAt]).toContain(c.hint);
        expect(all[hintAt + 1]).toContain(`Fix: ${c.fix}`);
        expect(matchHints(output).map((m) => m.hint.id)).toContain(id);
      } else {
        // An API answer: the blocks `/api` appends after the response.
        const r = await h.host(c.run);
        expect(r.output).toContain(c.error);
        const matched = matchHints(r.output);
        expect(matched.map((m) => m.hint.id)).toEqual([id]);
        const blocks = hintBlocks(matched);
        expect(blocks[0]).toMatchObject({ kind: 'text' });
        expect(blocks[0]?.kind === 'text' && blocks[0].text).toContain(c.hint);
        expect(blocks[1]?.kind === 'text' && blocks[1].text).toContain(`Fix: ${c.fix}`);
      }
    });
  }

  it('offers runnable fixes as buttons, not the ones with a blank to fill', async () => {
    h = new Harness();
    const r = await h.say('/docker network create -d overlay ov');
    expect(blocksOf(r, 'buttons').flatMap((b) => b.buttons)).toEqual([
      { id: 'fix', label: '/docker swarm init', value: '/docker swarm init' },
    ]);
    const none = hintBlocks(matchHints('Bad parameters and missing X-Registry-Auth: EOF'));
    expect(none.some((b) => b.kind === 'buttons')).toBe(false);
  });

  it('adds nothing to a command that worked', async () => {
    h = new Harness();
    const r = await h.say('/docker network ls');
    expect(texts(r).some((t) => t.startsWith('Hint:'))).toBe(false);
  });
});

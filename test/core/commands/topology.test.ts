/**
 * `/topology` and `/docker ... --topology` through the tutor, on the simulated backend.
 */
import { describe, expect, it } from 'vitest';
import { Tutor } from '../../../src/core/tutor.ts';
import { replyToPlainText, type TutorReply, type TutorRequest } from '../../../src/core/types.ts';
import { sandboxKey } from '../../../src/sandbox/backend.ts';
import { SimBackend } from '../../../src/sandbox/sim/sim-backend.ts';
import { addContainer, FIXED_CLOCK } from '../../topology/sandbox.ts';

let seq = 0;
function ask(tutor: Tutor, text: string, user = 'ada'): Promise<TutorReply> {
  const req: TutorRequest = {
    id: `t-${++seq}`,
    identity: { platform: 'console', workspace: 'local', userId: user, roles: ['student'] },
    channel: 'console',
    text,
    receivedAt: 0,
  };
  return tutor.handle(req);
}

function setup() {
  const backend = new SimBackend({ clock: FIXED_CLOCK, seedFor: () => 11 });
  return { backend, tutor: new Tutor({ backend }) };
}

describe('/topology', () => {
  it('answers with the summary and a PNG picture', async () => {
    const { tutor } = setup();
    await ask(tutor, '/docker network create app');
    const r = await ask(tutor, '/topology');
    expect(r.blocks[0]).toMatchObject({ kind: 'code' });
    const summary = (r.blocks[0] as { text: string }).text;
    expect(summary.split('\n')[0]).toBe('sandbox (172.20.0.2): 2 networks, 0 containers (0 running)');
    expect(summary).toContain('app: bridge 172.18.0.0/16 gw 172.18.0.1: empty');
    const image = r.blocks[1];
    expect(image).toMatchObject({ kind: 'image', name: 'topology.png', mime: 'image/png' });
    if (image?.kind !== 'image') throw new Error('no image');
    expect([...image.data.subarray(1, 4)]).toEqual([0x50, 0x4e, 0x47]);
    expect(replyToPlainText(r)).toContain('[image: topology.png] Network diagram: 2 networks');
  });

  it('text, dot, reach, and usage for anything else', async () => {
    const { tutor, backend } = setup();
    await ask(tutor, '/docker network create app');
    await backend.withEngine(sandboxKey('console', 'local', 'ada'), (e) => {
      addContainer(e, { name: 'web', networks: ['app'], ports: ['8080:80'] });
      addContainer(e, { name: 'db', networks: ['app'] });
      addContainer(e, { name: 'old', networks: ['bridge'] });
    });
    expect((await ask(tutor, '/topology text')).blocks).toHaveLength(1);
    expect(replyToPlainText(await ask(tutor, '/topology dot'))).toMatch(/^digraph topology \{/);
    expect(replyToPlainText(await ask(tutor, '/topology reach web db'))).toBe(
      [
        'web -> db',
        '  by name:    yes, db resolves on app (embedded DNS)',
        '  by address: yes, 172.18.0.3 on app',
      ].join('\n'),
    );
    const matrix = replyToPlainText(await ask(tutor, '/topology reach'));
    expect(matrix.split('\n')[0]).toBe('from \\ to  db    old   web');
    const from = replyToPlainText(await ask(tutor, '/topology reach old'));
    expect(from).toContain('web          no: old and web share no network');
    expect(replyToPlainText(await ask(tutor, '/topology reach web ghost'))).toBe(
      'No such container: ghost. Yours: db, old, web; or say host or internet.',
    );
    expect(replyToPlainText(await ask(tutor, '/topology sideways'))).toMatch(/^Usage:/);
  });
});

describe('/docker ... --topology and what changed', () => {
  it('adds one line after a command that changed the topology, nothing after one that did not', async () => {
    const { tutor } = setup();
    const created = await ask(tutor, '/docker network create --internal vault');
    expect(replyToPlainText(created).split('\n').at(-1)).toBe(
      'Topology changed: +network vault (bridge 172.18.0.0/16, internal)',
    );
    const listed = await ask(tutor, '/docker network ls');
    expect(replyToPlainText(listed)).not.toContain('Topology');
    const failed = await ask(tutor, '/docker network create vault');
    expect(replyToPlainText(failed)).not.toContain('Topology changed');
  });

  it('--topology runs the command without the suffix and appends the summary and picture', async () => {
    const { tutor } = setup();
    const r = await ask(tutor, '/docker network create app --topology');
    const plain = replyToPlainText(r);
    expect(plain).toMatch(/^[0-9a-f]{64}\n/);
    expect(plain).toContain('Topology changed: +network app (bridge 172.18.0.0/16)');
    expect(plain).toContain('app: bridge 172.18.0.0/16 gw 172.18.0.1: empty');
    expect(r.blocks.at(-1)).toMatchObject({ kind: 'image' });
    const same = replyToPlainText(await ask(tutor, '/docker network ls --topology'));
    expect(same).toContain('Topology unchanged.');
    expect(same).not.toContain('--topology');
  });
});

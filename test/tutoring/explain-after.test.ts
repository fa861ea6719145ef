/**
 * `--explain` after a command: the sandbox's state before and after, told in the module's terms
 * (simulated sandboxes), or the command's meaning when the backend keeps no state of its own.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Tutor } from '../../src/core/tutor.ts';
import type { ExecResult, SandboxBackend } from '../../src/sandbox/backend.ts';
import { SimBackend } from '../../src/sandbox/sim/sim-backend.ts';
import { blocksOf, FIXED_CLOCK, Harness, plain } from './support.ts';

let h: Harness;
afterEach(async () => h?.close());

const explained = (r: Awaited<ReturnType<Harness['say']>>) =>
  blocksOf(r, 'text').find((b) => b.text.startsWith('What happened') || b.text.startsWith('What it does'))
    ?.text ?? '';

describe('--explain on a simulated sandbox', () => {
  it('runs the command without the flag and tells what the new network means', async () => {
    h = new Harness();
    const r = await h.say('/docker network create app --explain');
    expect(blocksOf(r, 'code')[0]?.text).toMatch(/^[0-9a-f]{64}\n$/);
    expect(explained(r)).toBe(
      "What happened:\n• Created a user-defined bridge app 172.18.0.0/16 (gateway 172.18.0.1), the next free pool from Docker's defaults; containers on it resolve each other by name through the embedded DNS at 127.0.0.11 and are isolated from other networks.",
    );
    expect((await h.host('docker network ls --format {{.Name}}')).output).toBe('app\nbridge\nhost\nnone\n');
  });

  it('says when a subnet was chosen and when a network is internal', async () => {
    h = new Harness();
    const r = await h.say('/docker network create --internal --subnet 10.5.0.0/24 back --explain');
    expect(explained(r)).toContain('Created a user-defined bridge back 10.5.0.0/24, a subnet you chose;');
    expect(explained(r)).toContain('It is internal: containers on it reach each other but nothing outside.');
  });

  it('tells containers joining networks, by address on the default bridge and by name elsewhere', async () => {
    h = new Harness();
    const run = await h.say('/docker run -d --name web alpine sleep 3600 --explain');
    // After the image, everything is the container's command: --explain is still ours, at the end.
    expect(explained(run)).toContain('New container web (172.17.0.2 on bridge).');
    expect(explained(run)).toContain(
      'It is on the default bridge: others reach it by address only (no DNS there).',
    );
    await h.must('docker network create app');
    const conn = await h.say('/docker network connect app web --explain');
    expect(explained(conn)).toBe(
      'What happened:\n• Container web joined app as 172.18.0.2: it got one more interface and now resolves (and is resolved) by name on app.',
    );
    const stop = await h.say('/docker stop web --explain');
    expect(explained(stop)).toContain('Container web exited');
  });

  it('explains swarm mode and overlays', async () => {
    h = new Harness();
    expect(explained(await h.say('/docker swarm init --explain'))).toContain(
      'This engine became a swarm manager',
    );
    const ov = explained(await h.say('/docker network create -d overlay --attachable ov --explain'));
    expect(ov).toContain(
      'Created an overlay ov 10.0.1.0/24 (gateway 10.0.1.1) spanning the swarm (VXLAN ID 4097)',
    );
    expect(ov).toContain('plain containers may join it too (--attachable)');
  });

  it('explains macvlan and an 802.1q trunk parent', async () => {
    h = new Harness();
    const r = await h.say(
      '/docker network create -d macvlan --subnet 192.168.60.0/24 -o parent=eth0.60 v60 --explain',
    );
    expect(explained(r)).toContain('Created a macvlan network v60 192.168.60.0/24 on parent eth0.60');
    expect(explained(r)).toContain('tagged with VLAN 60');
  });

  it('says nothing changed for a read or a failure', async () => {
    h = new Harness();
    expect(explained(await h.say('/docker network ls --explain'))).toBe(
      'What happened: nothing changed in the sandbox; this command only reads.',
    );
    const failed = await h.say('/docker network rm bridge --explain');
    expect(explained(failed)).toBe(
      'What happened: the command failed and Docker left the sandbox as it was.',
    );
    // The hint still comes, before the explanation.
    const texts = blocksOf(failed, 'text').map((b) => b.text);
    expect(texts.findIndex((t) => t.startsWith('Hint:'))).toBeLessThan(
      texts.findIndex((t) => t.startsWith('What')),
    );
  });
});

/**
 * A backend that keeps no engine state the tutor can read, as the Docker-in-Docker backend: only
 * `exec`. It runs commands on a simulated engine underneath, so what it prints is real output.
 */
class StatelessBackend implements SandboxBackend {
  readonly kind = 'dind' as const;
  private readonly sim = new SimBackend({ clock: FIXED_CLOCK, seedFor: () => 42 });
  exec(key: string, line: string): Promise<ExecResult> {
    return this.sim.exec(key, line);
  }
  reset(key: string) {
    return this.sim.reset(key);
  }
  list() {
    return this.sim.list();
  }
  close() {
    return this.sim.close();
  }
}

describe('--explain without engine state (dind)', () => {
  it('falls back to what the command does, flag by flag', async () => {
    const backend = new StatelessBackend();
    const tutor = new Tutor({ backend });
    const r = await tutor.handle({
      id: 'x',
      identity: { platform: 'console', workspace: 'local', userId: 'u', roles: ['student'] },
      channel: 'c',
      text: '/docker network create --internal back --explain',
      receivedAt: 0,
    });
    const text = plain(r);
    expect(blocksOf(r, 'code')[0]?.text).toMatch(/^[0-9a-f]{64}\n$/);
    expect(text).toContain('What it does (your sandbox runs real Docker, so this is the command');
    expect(text).toContain('• `--internal`: Restrict external access to the network.');
    await backend.close();
  });
});

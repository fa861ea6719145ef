/**
 * `/why A B` on the module's cases: the default bridge, a user-defined network, an internal one,
 * none and host. Where the engine can show it, the answer is checked against what `ping` inside
 * the containers actually does.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Harness, plain } from './support.ts';

let h: Harness;
afterEach(async () => h?.close());

async function ipOf(name: string, network: string): Promise<string> {
  const r = await h.host(
    `docker inspect -f '{{(index .NetworkSettings.Networks "${network}").IPAddress}}' ${name}`,
  );
  return r.output.trim();
}

async function pings(from: string, to: string): Promise<boolean> {
  return (await h.host(`docker exec ${from} ping -c 1 ${to}`)).exitCode === 0;
}

describe('/why', () => {
  it('default bridge: by address yes, by name no, and how to fix it', async () => {
    h = new Harness();
    await h.must('docker run -d --name d1 alpine sleep 3600', 'docker run -d --name d2 alpine sleep 3600');
    const text = plain(await h.say('/why d1 d2'));
    const ip = await ipOf('d2', 'bridge');
    expect(text).toContain('d1 -> d2');
    expect(text).toContain('by name:    no, the default bridge has no DNS');
    expect(text).toContain(`by address: yes, ${ip} on bridge`);
    expect(text).toContain('More: /learn user-defined');
    expect(await pings('d1', 'd2')).toBe(false);
    expect(await pings('d1', ip)).toBe(true);
  });

  it('user-defined network: by name through the embedded DNS', async () => {
    h = new Harness();
    await h.must(
      'docker network create app',
      'docker run -d --name web --network app alpine sleep 3600',
      'docker run -d --name db --network app --network-alias database alpine sleep 3600',
    );
    const text = plain(await h.say('/why web db'));
    expect(text).toContain('by name:    yes, db, database resolve on app (embedded DNS)');
    expect(text).toContain(`by address: yes, ${await ipOf('db', 'app')} on app`);
    expect(await pings('web', 'db')).toBe(true);
    expect(await pings('web', 'database')).toBe(true);
  });

  it('different networks are isolated, and connecting fixes it', async () => {
    h = new Harness();
    await h.must(
      'docker network create app',
      'docker run -d --name web --network app alpine sleep 3600',
      'docker run -d --name old alpine sleep 3600',
    );
    const text = plain(await h.say('/why old web'));
    expect(text).toContain('by address: no, old and web share no network');
    expect(text).toContain('hint: docker network connect app old');
    expect(await pings('old', await ipOf('web', 'app'))).toBe(false);
    await h.must('docker network connect app old');
    expect(plain(await h.say('/why old web'))).toContain('by name:    yes');
    expect(await pings('old', 'web')).toBe(true);
  });

  it('internal network: each other yes, the outside no', async () => {
    h = new Harness();
    await h.must(
      'docker network create --internal back',
      'docker run -d --name xa --network back alpine sleep 3600',
      'docker run -d --name yb --network back alpine sleep 3600',
    );
    expect(plain(await h.say('/why xa yb'))).toContain('by name:    yes, yb resolves on back (embedded DNS)');
    const out = plain(await h.say('/why xa internet'));
    expect(out).toContain('by address: no, xa is only on internal networks: they have no way out');
    expect(await pings('xa', 'yb')).toBe(true);
    expect(await pings('xa', '8.8.8.8')).toBe(false);
  });

  it('none: reaches nothing and nothing reaches it', async () => {
    h = new Harness();
    await h.must(
      'docker run -d --name iso --network none alpine sleep 3600',
      'docker run -d --name d1 alpine sleep 3600',
    );
    expect(plain(await h.say('/why iso d1'))).toContain(
      'by name:    no, iso is on the none network: it has only loopback and reaches nothing',
    );
    expect(plain(await h.say('/why d1 iso'))).toContain('iso is on the none network: nothing can reach it');
    expect(plain(await h.say('/why iso d1'))).toContain('More: /learn none');
    expect(await pings('iso', await ipOf('d1', 'bridge'))).toBe(false);
  });

  it("host: shares the host's network, no Docker DNS", async () => {
    h = new Harness();
    await h.must(
      'docker run -d --name hostc --network host alpine sleep 3600',
      'docker run -d --name d1 alpine sleep 3600',
    );
    const text = plain(await h.say('/why hostc d1'));
    expect(text).toContain(
      "by name:    no, hostc uses the host's network and its DNS, not Docker's: use an address",
    );
    expect(text).toContain(`by address: yes, ${await ipOf('d1', 'bridge')} on bridge`);
    expect(text).toContain('More: /learn host');
  });

  it('answers unknown names and bad usage without a stack trace', async () => {
    h = new Harness();
    await h.must('docker run -d --name web alpine sleep 3600');
    expect(plain(await h.say('/why wbe web'))).toBe(
      'No such container: wbe. Did you mean web? Containers here: web.',
    );
    expect(plain(await h.say('/why web'))).toContain('Usage: /why A B');
  });
});

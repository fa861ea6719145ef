import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/engine/clock.ts';
import { Engine, runHostLine } from '../../../src/engine/index.ts';

const T0 = Date.UTC(2026, 10, 28, 2, 0, 0);

function fresh(seed = 1) {
  const clock = new ManualClock(T0);
  return { engine: new Engine({ seed, clock }), clock };
}

const run = (engine: Engine, line: string) => runHostLine(engine, line);

/** Every live address per network must be unique, and endpoints only name existing networks. */
function checkInvariants(engine: Engine): void {
  const byNet = new Map<string, string[]>();
  for (const nw of engine.state.networks) byNet.set(nw.id, [...nw.allocated]);
  for (const c of engine.state.containers) {
    for (const ep of c.endpoints) {
      expect(byNet.has(ep.networkId), `${c.name} has an endpoint on a missing network`).toBe(true);
      if (ep.ipv4) byNet.get(ep.networkId)!.push(ep.ipv4);
      if (c.status !== 'running' && c.status !== 'paused') {
        expect(ep.ipv4, `${c.name} is ${c.status} but holds ${ep.ipv4}`).toBe('');
      }
    }
  }
  for (const [id, addrs] of byNet) {
    expect(new Set(addrs).size, `duplicate address on ${id}: ${addrs.join(' ')}`).toBe(addrs.length);
  }
}

describe('container lifecycle', () => {
  it('runs, stops, restarts and removes with Docker status strings', async () => {
    const { engine, clock } = fresh();
    const r = await run(engine, 'docker run -d --name web alpine sleep 1000');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^[0-9a-f]{64}\n$/);
    clock.advance(3000);
    expect((await run(engine, "docker ps --format '{{.Names}} {{.Status}}'")).stdout).toBe(
      'web Up 3 seconds\n',
    );
    expect((await run(engine, 'docker stop web')).stdout).toBe('web\n');
    clock.advance(5000);
    expect((await run(engine, "docker ps -a --format '{{.Status}}'")).stdout).toBe(
      'Exited (137) 5 seconds ago\n',
    );
    expect((await run(engine, 'docker rm web')).exitCode).toBe(0);
    const missing = await run(engine, 'docker rm web');
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toBe('Error: No such container: web\n');
    checkInvariants(engine);
  });

  it('leaves a failed run Created, holding its name but no address', async () => {
    const { engine } = fresh();
    await run(engine, 'docker network create --subnet 10.9.0.0/24 n');
    await run(engine, 'docker run -d --name aa --network n --ip 10.9.0.10 alpine sleep 1000');
    const r = await run(engine, 'docker run -d --name bb --network n --ip 10.9.0.10 alpine sleep 1000');
    expect(r.exitCode).toBe(125);
    expect(r.stderr).toBe('docker: Error response from daemon: Address already in use.\n');
    expect((await run(engine, "docker ps -a --format '{{.Names}} {{.Status}}'")).stdout).toBe(
      'bb Created\naa Up Less than a second\n',
    );
    const again = await run(engine, 'docker run -d --name bb alpine true');
    expect(again.stderr).toContain('Conflict. The container name "/bb" is already in use by container');
    checkInvariants(engine);
  });

  it('never hands out an address twice through stops, starts, connects and removals', async () => {
    const { engine } = fresh(3);
    await run(engine, 'docker network create --subnet 10.1.0.0/24 a');
    await run(engine, 'docker network create b');
    for (let i = 0; i < 6; i++) await run(engine, `docker run -d --name c${i} --network a alpine sleep 1000`);
    await run(engine, 'docker stop c1 c3');
    await run(engine, 'docker run -d --name d1 --network a alpine sleep 1000');
    await run(engine, 'docker network connect b c2');
    await run(engine, 'docker start c1 c3');
    await run(engine, 'docker rm -f c0');
    await run(engine, 'docker restart c2');
    await run(engine, 'docker run -d --name d2 --network a alpine sleep 1000');
    checkInvariants(engine);
    const ips = await run(
      engine,
      "docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}' c1 c3 d1 d2",
    );
    expect(ips.stdout.split(/\s+/).filter(Boolean)).toHaveLength(4);
  });

  it('publishes ports, refuses a port already taken and gives ports back on stop', async () => {
    const { engine } = fresh();
    expect((await run(engine, 'docker run -d --name p1 -p 8080:80 alpine sleep 1000')).exitCode).toBe(0);
    const clash = await run(engine, 'docker run -d --name p2 -p 8080:80 alpine sleep 1000');
    expect(clash.exitCode).toBe(125);
    expect(clash.stderr).toMatch(/Bind for 0\.0\.0\.0:8080 failed: port is already allocated\.\n$/);
    await run(engine, 'docker stop p1');
    expect((await run(engine, 'docker start p2')).exitCode).toBe(0);
    expect((await run(engine, 'docker port p2')).stdout).toBe('80/tcp -> 0.0.0.0:8080\n');
    const eph = await run(engine, 'docker run -d --name p3 -P --expose 9000 alpine sleep 1000');
    expect(eph.exitCode).toBe(0);
    expect((await run(engine, 'docker port p3')).stdout).toBe('9000/tcp -> 0.0.0.0:32768\n');
  });

  it('ends a short sleep by itself and removes it with --rm', async () => {
    const { engine, clock } = fresh();
    await run(engine, 'docker run -d --rm --name nap alpine sleep 30');
    expect((await run(engine, "docker ps --format '{{.Names}}'")).stdout).toBe('nap\n');
    clock.advance(31_000);
    expect((await run(engine, "docker ps -a --format '{{.Names}}'")).stdout).toBe('');
  });

  it('survives a JSON round trip of its state', async () => {
    const { engine, clock } = fresh();
    await run(engine, 'docker run -d --name keep -p 8081:80 alpine httpd -f -p 80');
    const copy = new Engine({ state: JSON.parse(JSON.stringify(engine.snapshot())), clock });
    const r = await run(copy, 'docker run --rm alpine wget -qO- http://172.17.0.2/');
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe('wget: server returned error: HTTP/1.1 404 Not Found\n');
  });
});

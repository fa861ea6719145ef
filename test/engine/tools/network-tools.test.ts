import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/engine/clock.ts';
import { Engine, runHostLine } from '../../../src/engine/index.ts';

const run = (engine: Engine, line: string) => runHostLine(engine, line);
const fresh = () => new Engine({ seed: 5, clock: new ManualClock(Date.UTC(2026, 10, 28)) });

describe('tools inside containers', () => {
  it('resolves names only through the embedded DNS of user-defined networks', async () => {
    const engine = fresh();
    await run(engine, 'docker network create app');
    await run(engine, 'docker run -d --name web --network app --network-alias www alpine sleep 1000');
    await run(engine, 'docker run -d --name cli --network app alpine sleep 1000');
    await run(engine, 'docker run -d --name old alpine sleep 1000');
    const ok = await run(engine, 'docker exec cli ping -c 2 www');
    expect(ok.exitCode).toBe(0);
    expect(ok.stdout).toMatch(
      /^PING www \(172\.18\.0\.2\): 56 data bytes\n64 bytes from 172\.18\.0\.2: seq=0 ttl=64/,
    );
    expect(ok.stdout).toContain('2 packets transmitted, 2 packets received, 0% packet loss');
    const bad = await run(engine, 'docker exec old ping -c 1 web');
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toBe("ping: bad address 'web'\n");
    // By address, the default bridge cannot reach the user network: all packets lost.
    const lost = await run(engine, 'docker exec old ping -c 1 172.18.0.2');
    expect(lost.exitCode).toBe(1);
    expect(lost.stdout).toContain('1 packets transmitted, 0 packets received, 100% packet loss');
  });

  it('serves files written by sh -c through busybox httpd', async () => {
    const engine = fresh();
    await run(engine, 'docker network create w');
    await run(
      engine,
      "docker run -d --name site --network w alpine sh -c 'mkdir -p /www && echo hi there > /www/index.html && httpd -f -p 80 -h /www'",
    );
    const r = await run(engine, 'docker run --rm --network w alpine wget -qO- http://site/');
    expect(r.stdout).toBe('hi there\n');
    const refused = await run(engine, 'docker run --rm --network w alpine wget -qO- http://site:81/');
    expect(refused.stderr).toBe("wget: can't connect to remote host (172.18.0.2): Connection refused\n");
  });

  it('answers like nginx and fails like a missing binary', async () => {
    const engine = fresh();
    await run(engine, 'docker network create n');
    const pulled = await run(engine, 'docker run -d --name ng --network n nginx');
    expect(pulled.stderr).toContain("Unable to find image 'nginx:latest' locally");
    const page = await run(engine, 'docker run --rm --network n alpine wget -qO- http://ng');
    expect(page.stdout).toContain('<title>Welcome to nginx!</title>');
    const missing = await run(engine, 'docker exec ng ping -c 1 ng');
    expect(missing.exitCode).toBe(126);
    expect(missing.stdout).toBe(
      'OCI runtime exec failed: exec failed: unable to start container process: exec: "ping": executable file not found in $PATH: unknown\n',
    );
  });

  it('shows interfaces, routes and resolv.conf as busybox prints them', async () => {
    const engine = fresh();
    await run(engine, 'docker run -d --name dd alpine sleep 1000');
    expect((await run(engine, 'docker exec dd ip route')).stdout).toBe(
      'default via 172.17.0.1 dev eth0 \n172.17.0.0/16 dev eth0 scope link  src 172.17.0.2 \n',
    );
    expect((await run(engine, 'docker exec dd ip addr')).stdout).toContain(
      '3: eth0@if4: <BROADCAST,MULTICAST,UP,LOWER_UP,M-DOWN>',
    );
    expect((await run(engine, 'docker exec dd cat /etc/resolv.conf')).stdout).toBe(
      'options ndots:0\n\nnameserver 8.8.8.8\nnameserver 8.8.4.4\n',
    );
    const none = await run(engine, 'docker run --rm --network none alpine ping -c 1 172.17.0.1');
    expect(none.exitCode).toBe(1);
    expect(none.stderr).toBe('ping: sendto: Network is unreachable\n');
    expect(none.combined.startsWith('PING 172.17.0.1')).toBe(true);
  });
});

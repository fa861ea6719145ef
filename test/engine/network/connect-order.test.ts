import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/engine/clock.ts';
import { Engine, runHostLine } from '../../../src/engine/index.ts';

const fresh = () => new Engine({ seed: 1, clock: new ManualClock(Date.UTC(2026, 10, 28, 2, 0, 0)) });
const err = async (engine: Engine, line: string) => (await runHostLine(engine, line)).stderr.trim();

describe('network connect/disconnect: the daemon order of checks', () => {
  it('validates the endpoint config before the endpoint exists check (201, 175)', async () => {
    const engine = fresh();
    await runHostLine(engine, 'docker network create auto');
    await runHostLine(engine, 'docker network create --subnet 10.9.0.0/16 user');
    await runHostLine(engine, 'docker run -d --name a1 --network auto alpine sleep 1000');
    await runHostLine(engine, 'docker network connect user a1');
    const noSubnet =
      'Error response from daemon: user specified IP address is supported only when connecting to networks with user configured subnets';
    expect(await err(engine, 'docker network connect --ip abc auto a1')).toBe(noSubnet);
    expect(await err(engine, 'docker network connect --ip6 abc auto a1')).toBe(noSubnet);
    expect(await err(engine, 'docker network connect --ip abc user a1')).toBe(
      'Error response from daemon: Invalid IPv4 address: abc)',
    );
    expect(await err(engine, 'docker network connect --alias x bridge a1')).toBe(
      'Error response from daemon: network-scoped alias is supported only for containers in user defined networks',
    );
    expect(await err(engine, 'docker network connect user a1')).toBe(
      'Error response from daemon: endpoint with name a1 already exists in network user',
    );
  });

  it('disconnect: force on a missing container looks for a stale endpoint; host is "not connected" (202)', async () => {
    const engine = fresh();
    await runHostLine(engine, 'docker network create d');
    await runHostLine(engine, 'docker run -d --name a2 --network d alpine sleep 1000');
    expect(await err(engine, 'docker network disconnect -f d nosuch')).toBe(
      'Error response from daemon: endpoint nosuch not found',
    );
    expect(await err(engine, 'docker network disconnect host a2')).toMatch(
      /^Error response from daemon: container [0-9a-f]{64} is not connected to network host$/,
    );
  });

  it('a refused address leaves no endpoint in network inspect (211)', async () => {
    const engine = fresh();
    await runHostLine(engine, 'docker network create --subnet 10.7.0.0/24 --gateway 10.7.0.100 r');
    await runHostLine(engine, 'docker run -d --name r5 --network r --ip 10.7.0.100 alpine sleep 1000');
    const out = await runHostLine(engine, "docker network inspect -f '{{len .Containers}}' r");
    expect(out.stdout.trim()).toBe('0');
  });
});

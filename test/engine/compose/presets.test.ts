/** The course's compose presets: each appears in a fresh sandbox, validates and comes up. */
import { describe, expect, it } from 'vitest';
import { presetNames } from '../../../src/engine/compose/host-files.ts';
import { container, freshEngine, lookup, run, tcp } from './helpers.ts';

describe('compose presets', () => {
  it('include the module example and the course projects', () => {
    expect(presetNames()).toEqual(
      expect.arrayContaining(['myapp', 'frontback', 'aliases', 'static-ip', 'shared-net', 'cache']),
    );
  });

  for (const name of presetNames()) {
    it(`${name}: valid for both Composes, up and down cleanly`, async () => {
      const e = freshEngine();
      const f = `-f ${name}/docker-compose.yml`;
      expect((await run(e, `docker-compose ${f} config -q`)).code).toBe(0);
      expect((await run(e, `docker compose ${f} config -q`)).code).toBe(0);
      if (name === 'shared-net') await run(e, 'docker network create shared-net');
      const up = await run(e, `docker compose ${f} up -d`);
      expect(up.code, up.out).toBe(0);
      const down = await run(e, `docker compose ${f} down -v`);
      expect(down.code, down.out).toBe(0);
      expect(e.state.containers).toHaveLength(0);
    });
  }

  it('frontback: proxy reaches app, not db; app reaches db on 5432', async () => {
    const e = freshEngine();
    await run(e, 'docker-compose -f frontback/docker-compose.yml up -d');
    expect(tcp(e, 'frontback_proxy_1', 'app', 8000)).toBe('ok');
    expect(lookup(e, 'frontback_proxy_1', 'db')).toBeNull();
    expect(tcp(e, 'frontback_app_1', 'db', 5432)).toBe('ok');
  });

  it('aliases and static-ip answer by alias and at their addresses', async () => {
    const e = freshEngine();
    await run(e, 'docker-compose -f aliases/docker-compose.yml up -d');
    const ip = container(e, 'aliases_search_1').endpoints[0]!.ipv4;
    for (const n of ['search', 'elastic', 'es']) expect(lookup(e, 'aliases_client_1', n)).toBe(ip);
    await run(e, 'docker-compose -f static-ip/docker-compose.yml up -d');
    expect(lookup(e, 'static-ip_dns_1', 'web')).toBe('10.5.0.80');
    expect(tcp(e, 'static-ip_dns_1', 'web', 80)).toBe('ok');
  });
});

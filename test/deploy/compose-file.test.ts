/**
 * The production compose file cannot be built here (no registry), so it is checked as data:
 * its services exist and every variable it passes is one the config reader knows.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CONFIG_VARIABLES, readConfig } from '../../src/config/config.ts';

const root = join(import.meta.dirname, '..', '..');
const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<
    string,
    { command?: string[]; environment?: Record<string, string>; image?: string; build?: string }
  >;
};

describe('docker-compose.yml', () => {
  it('has Redis with persistence, both bots, workers and a sandbox host', () => {
    expect(Object.keys(compose.services).sort()).toEqual([
      'discord',
      'redis',
      'sandbox-host',
      'slack',
      'worker',
    ]);
    expect(compose.services.redis!.command).toContain('--appendonly');
    expect(compose.services.slack!.command).toEqual(['slack']);
    expect(compose.services.discord!.command).toEqual(['discord']);
    expect(compose.services.worker!.command).toEqual(['worker']);
  });

  it('passes only variables the config reader knows, and valid ones', () => {
    for (const name of ['slack', 'discord', 'worker']) {
      const env = compose.services[name]!.environment!;
      for (const key of Object.keys(env)) expect(CONFIG_VARIABLES, `${name}: ${key}`).toContain(key);
      // Defaults as compose would substitute them with an empty .env.
      const resolved = Object.fromEntries(
        Object.entries(env).map(([k, v]) => [
          k,
          String(v).replace(/\$\{[A-Z_]+(:-([^}]*))?\}/g, (_m, _d, def) => def ?? ''),
        ]),
      );
      expect(() => readConfig(resolved), name).not.toThrow();
    }
  });

  it('builds the bots and workers from the Dockerfile with the right entry point', () => {
    const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^FROM node:20/m);
    expect(dockerfile).toContain('ENTRYPOINT ["./bin/docker-tutor"]');
    for (const name of ['slack', 'discord', 'worker']) expect(compose.services[name]!.build).toBe('.');
  });
});

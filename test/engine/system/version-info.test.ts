import { describe, expect, it } from 'vitest';
import { marshal } from '../../../src/engine/go/json.ts';
import { Engine, runHostLine } from '../../../src/engine/index.ts';
import { infoView, versionView } from '../../../src/engine/views/system-view.ts';

describe('version and info', () => {
  it('serves /version with the key order of types.Version', () => {
    const json = marshal(versionView());
    expect(
      json.startsWith('{"Platform":{"Name":""},"Components":[{"Name":"Engine","Version":"20.10.24+dfsg1"'),
    ).toBe(true);
    expect(Object.keys(JSON.parse(json))).toEqual([
      'Platform',
      'Components',
      'Version',
      'ApiVersion',
      'MinAPIVersion',
      'GitCommit',
      'GoVersion',
      'Os',
      'Arch',
      'KernelVersion',
      'BuildTime',
    ]);
  });

  it('reports the swarm state in /info and docker info -f', async () => {
    const engine = new Engine({ seed: 5 });
    expect(JSON.parse(marshal(infoView(engine))).Swarm.LocalNodeState).toBe('inactive');
    await runHostLine(engine, 'docker swarm init');
    const r = await runHostLine(engine, "docker info -f '{{.Swarm.LocalNodeState}} {{.Swarm.Nodes}}'");
    expect(r.stdout).toBe('active 1\n');
    const bad = await runHostLine(engine, "docker info -f '{{.Nope}}'");
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toContain("can't evaluate field Nope in type system.info");
  });
});

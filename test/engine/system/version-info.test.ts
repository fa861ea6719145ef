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

  it('names docker version\'s template "version" (info\'s is unnamed) and prints what ran before an error', async () => {
    const engine = new Engine({ seed: 5 });
    const v = await runHostLine(engine, "docker version -f '{{.Client.Version}} {{.Nope}}'");
    expect(v.exitCode).toBe(1);
    expect(v.combined).toBe(
      '20.10.24+dfsg1 \ntemplate: version:1:22: executing "version" at <.Nope>: can\'t evaluate field Nope in type system.versionInfo\n',
    );
    const parse = await runHostLine(engine, "docker version -f '{{.Nope'");
    expect([parse.exitCode, parse.combined]).toEqual([
      64,
      'template parsing error: template: version:1: unclosed action\n',
    ]);
    const info = await runHostLine(engine, "docker info -f '{{.Nope'");
    expect([info.exitCode, info.combined]).toEqual([
      64,
      'template parsing error: template: :1: unclosed action\n',
    ]);
  });
});

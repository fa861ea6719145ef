/**
 * `/explain`: every flag of every command the engine supports is explained from the command tree
 * itself (the test walks `rootCommand()`, so a flag added to the engine is covered or fails here),
 * and typos get a "did you mean".
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { CommandNode, LeafCommand } from '../../src/engine/cli/command.ts';
import { rootCommand } from '../../src/engine/cli/docker.ts';
import '../../src/engine/index.ts';
import { levenshtein, suggest } from '../../src/tutoring/did-you-mean.ts';
import { explainText } from '../../src/tutoring/explain-command.ts';
import { Harness, plain } from './support.ts';

function leaves(node: CommandNode, path: string[] = []): Array<{ path: string[]; leaf: LeafCommand }> {
  if (!('children' in node)) return [{ path, leaf: node }];
  return node.children.flatMap((c) => leaves(c, [...path, c.name]));
}

const all = leaves(rootCommand());

describe('/explain covers the command tree', () => {
  it('finds the commands students use', () => {
    const paths = all.map((x) => x.path.join(' '));
    expect(paths).toEqual(expect.arrayContaining(['network create', 'network connect', 'swarm init', 'run']));
  });

  it.each(all.map((x) => [x.path.join(' '), x] as const))(
    'docker %s: every flag, with a concept',
    (_, { path, leaf }) => {
      const intro = explainText(path);
      expect(intro).toContain(`docker ${path.join(' ')}: ${leaf.short}.`);
      expect(intro, 'each command names the idea it shows').toMatch(/^Concept: /m);
      for (const spec of leaf.flags) {
        const value = spec.type === 'bool' ? [] : ['X'];
        const text = explainText([...path, `--${spec.name}`, ...value]);
        expect(text, `--${spec.name}`).not.toMatch(/is not a flag|needs a value/);
        const shown = spec.type === 'bool' ? `--${spec.name}` : `--${spec.name} X`;
        expect(text).toContain(`• \`${shown}\`: ${spec.help.replace(/`([^`]+)`/g, '$1').trim()}`);
        if (spec.short) {
          const short = explainText([...path, `-${spec.short}`, ...value]);
          expect(short, `-${spec.short}`).toContain(`• \`-${spec.short}${value.length ? ' X' : ''}\``);
        }
      }
    },
  );
});

describe('/explain', () => {
  let h: Harness;
  afterEach(async () => h?.close());

  it('explains flags, their concept and the arguments, without running anything', async () => {
    h = new Harness();
    const r = await h.say(
      '/explain docker network create --driver overlay --attachable --subnet 10.9.0.0/24 ov',
    );
    const text = plain(r);
    expect(text).toContain('docker network create: Create a network.');
    expect(text).toContain('• `--driver overlay`: Driver to manage the Network.');
    expect(text).toContain("overlay: spans the swarm's nodes; needs `docker swarm init` first.");
    expect(text).toContain('• `--attachable`: Enable manual container attachment.');
    expect(text).toContain('• `ov`: network');
    expect(text).toContain('Nothing was run.');
    const ls = await h.host('docker network ls -q');
    expect(ls.output.trim().split('\n')).toHaveLength(3);
  });

  it('suggests the flag meant for a typo, with the error Docker would give', async () => {
    h = new Harness();
    const text = plain(await h.say('/explain docker network create --internl --subent 10.1.0.0/16 back'));
    expect(text).toContain(
      '⚠ `--internl` is not a flag of docker network create (Docker would stop with `unknown flag: --internl`). Did you mean `--internal`?',
    );
    expect(text).toContain('Did you mean `--subnet`?');
    // And Docker does stop there: the same command, run, is refused.
    const run = await h.host('docker network create --internl back');
    expect(run.output).toBe("unknown flag: --internl\nSee 'docker network create --help'.\n");
  });

  it('suggests commands for a mistyped command or subcommand', () => {
    expect(explainText(['netwrok', 'ls'])).toContain(
      '`netwrok` is not a docker command. Did you mean `network`?',
    );
    expect(explainText(['network', 'craete'])).toContain(
      '`craete` is not a command of docker network. Did you mean `create`?',
    );
  });

  it('accepts the command with or without the leading docker', async () => {
    h = new Harness();
    expect(plain(await h.say('/explain network ls'))).toContain('docker network ls: List networks.');
    expect(plain(await h.say('/explain'))).toContain('Usage: /explain docker COMMAND');
    expect(plain(await h.say(`/explain docker network create 'oops`))).toContain('Unbalanced quotes');
  });
});

describe('did you mean', () => {
  it('measures edits', () => {
    expect(levenshtein('subent', 'subnet')).toBe(2);
    expect(levenshtein('', 'abc')).toBe(3);
    expect(levenshtein('overlay', 'overlay')).toBe(0);
  });
  it('ranks close words first and ignores far ones', () => {
    expect(suggest('--interna', ['--internal', '--ipv6', '--ingress'])).toEqual(['--internal']);
    expect(suggest('zzz', ['network', 'swarm'])).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { parseScript, UnsupportedSyntax } from '../../src/shell/script.ts';
import { ShellSyntaxError } from '../../src/shell/split-words.ts';

describe('host shell parser', () => {
  it('splits and-or lists and pipelines', () => {
    const items = parseScript('docker ps -q | wc -l; false || echo no && echo yes');
    expect(items.map((i) => [i.op, i.pipeline.length])).toEqual([
      [';', 2],
      [';', 1],
      ['||', 1],
      ['&&', 1],
    ]);
  });
  it('reads redirections with file descriptors', () => {
    const [item] = parseScript('docker network inspect nope 2>/dev/null >out 2>&1');
    expect(item!.pipeline[0]!.redirects.map((r) => [r.fd, r.op])).toEqual([
      [2, '>'],
      [1, '>'],
      [2, '>&'],
    ]);
  });
  it('keeps assignments, variables and command substitution for later expansion', () => {
    const [item] = parseScript(`A=1 env "$HOME" '$X' $(docker ps -q)`);
    const cmd = item!.pipeline[0]!;
    expect(cmd.assigns.map((a) => a.name)).toEqual(['A']);
    expect(cmd.words[1]).toContainEqual({ kind: 'var', name: 'HOME', quoted: true });
    expect(cmd.words[2]).toEqual([{ kind: 'lit', text: '$X', quoted: true }]);
    expect(cmd.words[3]).toEqual([{ kind: 'sub', script: 'docker ps -q', quoted: false }]);
  });
  it('refuses background jobs and reports syntax errors', () => {
    expect(() => parseScript('sleep 1 &')).toThrow(UnsupportedSyntax);
    expect(() => parseScript('echo "x')).toThrow(ShellSyntaxError);
    expect(() => parseScript('| wc')).toThrow(ShellSyntaxError);
  });
});

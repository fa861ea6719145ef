/**
 * The console adapter as a user meets it: `./bin/docker-tutor console` with lines on stdin.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const BIN = join(import.meta.dirname, '..', '..', '..', 'bin', 'docker-tutor');

function chat(lines: string[], args: string[] = []) {
  const res = spawnSync(BIN, ['console', ...args], {
    input: `${lines.join('\n')}\n`,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { stdout: res.stdout, stderr: res.stderr, status: res.status };
}

describe('console adapter', () => {
  it('shows the three default networks as Docker lays them out', () => {
    const { stdout, status } = chat(['/docker network ls']);
    expect(status).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('NETWORK ID     NAME      DRIVER    SCOPE');
    expect(lines.slice(1).map((l) => l.replace(/^[0-9a-f]{12} {3}/, 'ID   '))).toEqual([
      'ID   bridge    bridge    local',
      'ID   host      host      local',
      'ID   none      null      local',
    ]);
  });

  it('keeps each user in their own sandbox for the life of the process', () => {
    const { stdout } = chat(['/docker network create labnet', '/docker network ls --format {{.Name}}']);
    expect(stdout).toMatch(/^[0-9a-f]{64}\n/);
    expect(stdout).toContain('bridge\nhost\nlabnet\nnone');
  });

  it('answers bad input with one helpful line and keeps running', () => {
    const garbage = 'x'.repeat(10_240);
    const { stdout, stderr, status } = chat([
      '',
      '/nosuchcommand',
      '/docker',
      "/docker network create 'unbalanced",
      garbage,
      '/docker network ls -q',
    ]);
    expect(status).toBe(0);
    expect(stderr).not.toMatch(/at .*\.ts:\d+/);
    const lines = stdout.split('\n');
    expect(lines[0]).toMatch(/\/help/);
    expect(lines[1]).toBe('Unknown command /nosuchcommand. Type /help for the list.');
    expect(lines[2]).toMatch(/^Usage: \/docker COMMAND/);
    expect(lines[3]).toMatch(/^Unbalanced quotes/);
    expect(lines[4]).toBe('That message is too long (10240 characters; the limit is 4096).');
    // The process is still alive: the last command ran.
    expect(lines.slice(5).filter((l) => /^[0-9a-f]{12}$/.test(l))).toHaveLength(3);
  });

  it('is what `npm start` runs', () => {
    const res = spawnSync('npm', ['start', '--silent'], {
      cwd: join(import.meta.dirname, '..', '..', '..'),
      input: '/docker network ls\n',
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(res.status).toBe(0);
    expect(res.stdout).toContain('NETWORK ID     NAME      DRIVER    SCOPE');
  });

  it('lists what the tutor can do with /help', () => {
    const { stdout } = chat(['/help']);
    expect(stdout).toContain('/docker');
    expect(stdout).toContain('/sandbox');
  });

  it('refuses a bad --role with a usage line', () => {
    const { stderr, status } = chat([], ['--role', 'admin']);
    expect(status).toBe(2);
    expect(stderr).toContain('--role must be student or ta');
  });
});

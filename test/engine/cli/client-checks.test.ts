/**
 * What the docker CLI checks itself before or around its requests: env files, `-it` without a
 * terminal, conflicting run options, DOCKER_API_VERSION; and runc's refusal of an exec's missing
 * working directory. Texts from goldens 233, 248, 257 and 261.
 */
import { describe, expect, it } from 'vitest';
import { runDocker } from '../../../src/engine/cli/docker.ts';
import { Engine, runHostLine } from '../../../src/engine/index.ts';

const fresh = () => new Engine({ seed: 3 });

describe('client-side checks', () => {
  it('docker exec: a missing env file, -it without a terminal, a working directory that is not there', async () => {
    const e = fresh();
    await runHostLine(e, 'docker run -d --name ex alpine sleep 300');
    const env = await runHostLine(e, 'docker exec --env-file /nonexistent.env ex true');
    expect([env.exitCode, env.stderr]).toEqual([1, 'open /nonexistent.env: no such file or directory\n']);
    const tty = await runHostLine(e, 'docker exec -it ex true');
    expect([tty.exitCode, tty.stderr]).toEqual([1, 'the input device is not a TTY\n']);
    const cwd = await runHostLine(e, 'docker exec -w /nonexistent ex pwd');
    expect(cwd.exitCode).toBe(126);
    expect(cwd.stdout).toBe(
      'OCI runtime exec failed: exec failed: unable to start container process: chdir to cwd ("/nonexistent") set in config.json failed: no such file or directory: unknown\n',
    );
    expect((await runHostLine(e, 'docker exec -w /tmp ex pwd')).stdout).toBe('/tmp\n');
  });

  it('docker run: -it, --rm with --restart, and built-in beside user-defined networks', async () => {
    const e = fresh();
    const tty = await runHostLine(e, 'docker run -it --rm alpine true');
    expect([tty.exitCode, tty.stderr]).toEqual([1, 'the input device is not a TTY\n']);
    expect((await runHostLine(e, 'docker run -t --rm alpine true')).exitCode).toBe(0);
    const rm = await runHostLine(e, 'docker run --rm --restart always alpine true');
    expect([rm.exitCode, rm.stderr]).toEqual([
      125,
      "docker: Conflicting options: --restart and --rm.\nSee 'docker run --help'.\n",
    ]);
    await runHostLine(e, 'docker network create sealed');
    const nets = await runHostLine(e, 'docker run --rm --network none --network sealed alpine true');
    expect(nets.stderr).toBe(
      "docker: conflicting options: cannot attach both user-defined and non-user-defined network-modes.\nSee 'docker run --help'.\n",
    );
    const twice = await runHostLine(e, 'docker run --rm --network sealed --network sealed alpine true');
    expect(twice.stderr).toContain('docker: network "sealed" is specified multiple times.');
    const host = await runHostLine(e, 'docker run --rm --network host -p 80:80 alpine true');
    expect(host.stderr).toBe('WARNING: Published ports are discarded when using host network mode\n');
  });

  it('DOCKER_API_VERSION: the client version shown, command annotations, the daemon refusing', async () => {
    const e = fresh();
    const v = async (version: string, argv: string[]) =>
      runDocker(e, argv, undefined, '', { DOCKER_API_VERSION: version });
    expect(
      (await v('1.40', ['version', '--format', '{{.Client.APIVersion}} {{.Server.APIVersion}}'])).stdout,
    ).toBe('1.40 1.41\n');
    const tooNew = await v('1.99', ['ps']);
    expect([tooNew.exitCode, tooNew.stderr]).toEqual([
      1,
      'Error response from daemon: client version 1.99 is too new. Maximum supported API version is 1.41\n',
    ]);
    expect((await v('1.11', ['network', 'ls'])).stderr).toBe(
      'docker network ls requires API version 1.21, but the Docker daemon API version is 1.11\n',
    );
    expect((await v('1.24', ['system', 'df'])).stderr).toBe(
      'docker system df requires API version 1.25, but the Docker daemon API version is 1.24\n',
    );
    expect((await v('1.11', ['ps'])).stderr).toContain('client version 1.11 is too old. Minimum supported');
    const version = await v('1.99', ['version']);
    expect(version.stdout).toMatch(
      /^Client:\n Version: {11}20\.10\.24\+dfsg1\n API version: {7}1\.99\n[\s\S]*Experimental: {6}true\n$/,
    );
    expect(version.exitCode).toBe(1);
    const run = await v('1.99', ['run', '--rm', 'alpine', 'true']);
    expect([run.exitCode, run.stderr]).toEqual([
      125,
      "docker: Error response from daemon: client version 1.99 is too new. Maximum supported API version is 1.41.\nSee 'docker run --help'.\n",
    ]);
    expect((await v('', ['ps', '-q'])).exitCode).toBe(0);
    const flags = await v('1.24', ['run', '--init', '--cpus', '1', '--rm', 'alpine', 'true']);
    expect([flags.exitCode, flags.stderr]).toEqual([
      1,
      '"--cpus" requires API version 1.25, but the Docker daemon API version is 1.24\n"--init" requires API version 1.25, but the Docker daemon API version is 1.24\n',
    ]);
    expect((await v('1.24', ['network', 'ls', '-q'])).exitCode).toBe(0);
    expect(
      (await v('1.40', ['version', '--format', '{{.Client.APIVersion}} {{.Client.DefaultAPIVersion}}']))
        .stdout,
    ).toBe('1.40 1.40\n');
  });
});

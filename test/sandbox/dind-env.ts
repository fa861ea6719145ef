/**
 * The Docker host the dind tests use: DOCKER_TEST_HOST when set (one daemon for the whole run),
 * else a dockerd of their own (test/support/servers.ts). The sandbox image is built there when
 * missing or stale. Outside CI, a daemon that cannot start skips the suite with the reason printed.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type Docker from 'dockerode';
import { dockerFromHost } from '../../src/sandbox/dind/docker-client.ts';
import { type DockerDaemon, inCI, startDockerd, unavailable, waitFor } from '../support/servers.ts';

export const SANDBOX_TEST_IMAGE = 'docker-tutor-sandbox:local';
const root = join(import.meta.dirname, '..', '..');

export type DindTestEnv = { docker: Docker; host: string; stop(): Promise<void> } | { skip: string };

export async function dindTestEnv(): Promise<DindTestEnv> {
  let daemon: DockerDaemon | null = null;
  try {
    if (!process.env.DOCKER_TEST_HOST) {
      const missing = unavailable('dockerd');
      if (missing) return skip(missing);
    }
    daemon = await startDockerd();
    const docker = dockerFromHost(daemon.host);
    await waitFor(
      async () =>
        docker.ping().then(
          () => true,
          () => false,
        ),
      60_000,
      `dockerd at ${daemon.host} does not answer`,
    );
    await promisify(execFile)(
      join(root, 'scripts', 'build-sandbox-image.sh'),
      ['--if-missing', SANDBOX_TEST_IMAGE],
      {
        env: { ...process.env, DOCKER_HOST: daemon.host },
      },
    );
    const d = daemon;
    return { docker, host: d.host, stop: () => d.stop() };
  } catch (e) {
    await daemon?.stop().catch(() => undefined);
    if (inCI) throw e;
    return skip((e as Error).message);
  }
}

function skip(reason: string): DindTestEnv {
  process.stdout.write(`dind tests skipped: ${reason}\n`);
  return { skip: reason };
}

/** A namespace of our own per backend, so test runs never touch each other's containers. */
export const testNamespace = (what: string) => `dt-test-${what}-${process.pid}-${Date.now().toString(36)}`;

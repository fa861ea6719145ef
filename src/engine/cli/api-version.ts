/**
 * `DOCKER_API_VERSION`: the CLI then speaks that API version instead of negotiating one. It checks
 * the commands' `version` annotations itself (`docker network ls requires API version 1.21, ...`);
 * a version the daemon does not serve fails every request with the daemon's words.
 */
import { compareVersions } from '../api/versions.ts';
import { SYSTEM } from '../ops/system.ts';

/** The docker CLI 20.10's `Annotations: {"version": ...}`, by command path. */
const MIN_VERSIONS: Record<string, string> = {
  'docker builder': '1.31',
  'docker builder prune': '1.39',
  'docker checkpoint': '1.25',
  'docker config': '1.30',
  'docker container prune': '1.25',
  'docker image prune': '1.25',
  'docker network': '1.21',
  'docker network prune': '1.25',
  'docker node': '1.24',
  'docker plugin': '1.25',
  'docker plugin upgrade': '1.26',
  'docker secret': '1.25',
  'docker service': '1.24',
  'docker service logs': '1.29',
  'docker service rollback': '1.31',
  'docker stack': '1.25',
  'docker swarm': '1.24',
  'docker swarm ca': '1.30',
  'docker system df': '1.25',
  'docker system prune': '1.25',
  'docker volume': '1.21',
  'docker volume prune': '1.25',
};

const RUN_FLAGS = {
  cgroupns: '1.41',
  'cpu-rt-period': '1.25',
  'cpu-rt-runtime': '1.25',
  cpus: '1.25',
  gpus: '1.40',
  'health-start-period': '1.29',
  init: '1.25',
  platform: '1.32',
  'stop-timeout': '1.25',
};
const NETWORK_CREATE_FLAGS = {
  attachable: '1.25',
  'config-from': '1.30',
  'config-only': '1.30',
  ingress: '1.29',
  scope: '1.30',
};
const EXEC_FLAGS = { env: '1.25', 'env-file': '1.25', workdir: '1.35' };
const UPDATE_FLAGS = {
  'cpu-rt-period': '1.25',
  'cpu-rt-runtime': '1.25',
  cpus: '1.29',
  'pids-limit': '1.40',
};
const SWARM_INIT_FLAGS = {
  'data-path-addr': '1.31',
  'data-path-port': '1.40',
  'default-addr-pool': '1.39',
  'default-addr-pool-mask-length': '1.39',
};

/** Flags' `version` annotations (`flags.SetAnnotation(name, "version", ...)`), by command path. */
const FLAG_MIN_VERSIONS: Record<string, Record<string, string>> = {
  'docker run': RUN_FLAGS,
  'docker create': RUN_FLAGS,
  'docker container run': RUN_FLAGS,
  'docker container create': RUN_FLAGS,
  'docker exec': EXEC_FLAGS,
  'docker container exec': EXEC_FLAGS,
  'docker logs': { until: '1.35' },
  'docker container logs': { until: '1.35' },
  'docker update': UPDATE_FLAGS,
  'docker container update': UPDATE_FLAGS,
  'docker pull': { platform: '1.32' },
  'docker image pull': { platform: '1.32' },
  'docker network create': NETWORK_CREATE_FLAGS,
  'docker volume rm': { force: '1.25' },
  'docker system prune': { filter: '1.28' },
  'docker swarm init': SWARM_INIT_FLAGS,
  'docker swarm join': { 'data-path-addr': '1.31' },
  'docker service update': { force: '1.25', rollback: '1.25', init: '1.37' },
  'docker service create': { init: '1.37', detach: '1.29' },
};

/** Commands that never ask the daemon anything. */
const CLIENT_ONLY = /^docker (context|logout)\b/;

/** `areSubcommandsSupported`: the first annotation up the command's path that the version is below. */
export function unsupportedCommand(path: string, version: string): string | null {
  for (let p = path; p.includes(' '); p = p.slice(0, p.lastIndexOf(' '))) {
    const min = MIN_VERSIONS[p];
    if (min && compareVersions(version, min) < 0) {
      return `${path} requires API version ${min}, but the Docker daemon API version is ${version}`;
    }
  }
  return null;
}

/** The daemon's answer to any request at `/v{version}/...`, or null when it serves that version. */
export function daemonVersionError(version: string): string | null {
  // The router matches `/v[0-9.]+` only: anything else is a path it does not have.
  if (!/^[0-9.]+$/.test(version)) return '{"message":"page not found"}';
  if (compareVersions(version, SYSTEM.apiVersion) > 0) {
    return `client version ${version} is too new. Maximum supported API version is ${SYSTEM.apiVersion}`;
  }
  if (compareVersions(version, SYSTEM.minApiVersion) < 0) {
    return `client version ${version} is too old. Minimum supported API version is ${SYSTEM.minApiVersion}, please upgrade your client to a newer version`;
  }
  return null;
}

/** `areFlagsSupported`: every flag given that needs a newer API, in pflag's (sorted) order. */
export function unsupportedFlags(
  path: string,
  version: string,
  given: (flag: string) => boolean,
): string | null {
  const errs = Object.entries(FLAG_MIN_VERSIONS[path] ?? {})
    .filter(([flag, min]) => given(flag) && compareVersions(version, min) < 0)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(
      ([flag, min]) =>
        `"--${flag}" requires API version ${min}, but the Docker daemon API version is ${version}`,
    );
  return errs.length ? errs.join('\n') : null;
}

/**
 * What `path` prints before it runs when the CLI speaks `version`: the annotation errors of the
 * command or of the flags `given` (exit 1), or the daemon's refusal of its first request (`docker
 * run`: as run reports a create error, 125). Null when the command runs as usual (`docker version`
 * reports the refusal itself).
 */
export function apiVersionFailure(
  path: string,
  version: string | undefined,
  given: (flag: string) => boolean = () => false,
): { text: string; exit: number } | null {
  if (!version) return null;
  const unsupported = unsupportedCommand(path, version) ?? unsupportedFlags(path, version, given);
  if (unsupported) return { text: unsupported, exit: 1 };
  const refused = daemonVersionError(version);
  if (!refused || CLIENT_ONLY.test(path) || path === 'docker version') return null;
  if (path === 'docker run' || path === 'docker container run') {
    return { text: `docker: Error response from daemon: ${refused}.\nSee '${path} --help'.`, exit: 125 };
  }
  return { text: `Error response from daemon: ${refused}`, exit: 1 };
}

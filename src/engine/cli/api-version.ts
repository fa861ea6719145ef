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

/**
 * What `path` prints before it runs when the CLI speaks `version`: the annotation error (exit
 * 1), or the daemon's refusal of its first request (`docker run`: as run reports a create error,
 * 125). Null when the command runs as usual (`docker version` reports the refusal itself).
 */
export function apiVersionFailure(
  path: string,
  version: string | undefined,
): { text: string; exit: number } | null {
  if (!version) return null;
  const unsupported = unsupportedCommand(path, version);
  if (unsupported) return { text: unsupported, exit: 1 };
  const refused = daemonVersionError(version);
  if (!refused || CLIENT_ONLY.test(path) || path === 'docker version') return null;
  if (path === 'docker run' || path === 'docker container run') {
    return { text: `docker: Error response from daemon: ${refused}.\nSee '${path} --help'.`, exit: 125 };
  }
  return { text: `Error response from daemon: ${refused}`, exit: 1 };
}

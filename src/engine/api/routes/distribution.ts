/**
 * `GET /distribution/{name}/json`: the daemon asks the image's registry for its manifest. The CLI
 * calls it before `service create` and `service update --image` to pin the image's digest, and
 * prints the "could not be accessed on a registry" warning itself when it fails, which it always
 * does from a sandbox: Docker Hub and other registries are out of reach (a DNS lookup that times
 * out, a refused connection on loopback, as recorded), and the simulated registries keep no
 * repositories (an anonymous lookup is refused).
 */
import { EngineError } from '../../errors.ts';
import { BadReference, parseReference } from '../../ops/images.ts';
import { unreachableMessage } from '../../ops/registry.ts';
import { findRegistry } from '../../registry/accounts.ts';
import { ApiError } from '../errors.ts';
import { get, type Route } from '../route.ts';

/** The registry host of a reference: its first component when that names a host, else Docker Hub. */
function registryHost(name: string): string {
  const first = name.split('/')[0]!;
  const hasDomain =
    name.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  return hasDomain ? first : 'docker.io';
}

export const distributionRoutes: Route[] = [
  get('/distribution/{name:.*}/json', ({ engine, params }) => {
    const name = params.name!;
    // `reference.ParseAnyReference`: a bare digest or image ID is no repository.
    if (/^(sha256:)?[a-f0-9]{64}$/.test(name)) throw new ApiError(500, 'no manifest found for full image ID');
    try {
      parseReference(name);
    } catch (e) {
      if (e instanceof BadReference) throw new ApiError(400, e.message);
      throw e;
    }
    const host = registryHost(name);
    if (findRegistry(host)) throw new EngineError(401, 'unauthorized: authentication required');
    throw new ApiError(500, unreachableMessage(engine, host));
  }),
];

/**
 * Registry operations: `POST /auth` (what `docker login` asks the daemon) and
 * `POST /images/{name}/push`, against the simulated registries of
 * `prompts/registry/accounts.yaml`. Any other registry is out of reach, and answers as it does
 * from the recorded sandboxes: a DNS lookup that times out, or a refused connection on loopback.
 */
import { createHash } from 'node:crypto';
import type { Engine } from '../engine.ts';
import { EngineError, serverError } from '../errors.ts';
import {
  DOCKER_HUB_NAMES,
  findRegistry,
  hostnameOf,
  INDEX_SERVER,
  type RegistryAccount,
  type SimRegistry,
} from '../registry/accounts.ts';
import { type AuthConfig, credentials } from '../registry/auth-config.ts';
import { BadReference, imageCatalog, localImages, parseReference } from './images.ts';

/** One line of a JSON progress stream (`jsonmessage.JSONMessage`), fields in Docker's order. */
export interface ProgressMessage {
  status?: string;
  progressDetail?: Record<string, never>;
  id?: string;
  errorDetail?: { message: string };
  error?: string;
  aux?: Record<string, unknown>;
}

/** The host a registry is reached at for `/v2/` (Docker Hub's API lives on registry-1). */
function apiHost(host: string): string {
  return DOCKER_HUB_NAMES.includes(host) ? 'registry-1.docker.io' : host;
}

/** Docker's loopback registries are insecure: it tries https, then plain http, and reports the last. */
function isLoopback(host: string): boolean {
  const name = host.replace(/:\d+$/, '');
  return name === 'localhost' || /^127\./.test(name) || name === '[::1]';
}

/** What the daemon says when a registry cannot be reached from the sandbox. */
export function unreachableMessage(engine: Engine, host: string): string {
  const api = apiHost(host);
  if (isLoopback(api)) {
    const port = /:(\d+)$/.exec(api)?.[1] ?? '80';
    return `Get "http://${api}/v2/": dial tcp 127.0.0.1:${port}: connect: connection refused`;
  }
  const name = api.replace(/:\d+$/, '');
  // The resolver's source port is random in Docker; a stable one per sandbox keeps transcripts stable.
  const port = 32768 + (Math.abs(engine.state.idSeed) % 28000);
  return `Get "https://${api}/v2/": dial tcp: lookup ${name} on 127.0.0.11:53: read udp 127.0.0.1:${port}->127.0.0.11:53: i/o timeout`;
}

/**
 * A pull from a loopback registry that is not simulated: the daemon's `/v2/` ping is refused
 * before any credentials matter (216). Null when the pull can go on.
 */
export function unreachablePull(engine: Engine, repo: string): EngineError | null {
  const domain = domainOf(fullName(repo));
  if (!isLoopback(domain) || findRegistry(domain)) return null;
  return serverError(unreachableMessage(engine, domain));
}

/** The identity token a registry gives an account: stable per sandbox, account and password. */
export function identityToken(engine: Engine, reg: SimRegistry, account: RegistryAccount): string {
  const h = createHash('sha256')
    .update(`${engine.state.daemon.id}\n${reg.server}\n${account.username}\n${account.password}`)
    .digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

type Verdict = { account: RegistryAccount } | { problem: 'none' | 'wrong' };

/** Which account `cfg` proves, by identity token or by username and password. */
function checkCredentials(engine: Engine, reg: SimRegistry, cfg: AuthConfig): Verdict {
  if (cfg.identitytoken) {
    const account = reg.accounts.find((a) => identityToken(engine, reg, a) === cfg.identitytoken);
    return account ? { account } : { problem: 'wrong' };
  }
  const { username, password } = credentials(cfg);
  if (username === '' && password === '') return { problem: 'none' };
  const account = reg.accounts.find((a) => a.username === username && a.password === password);
  return account ? { account } : { problem: 'wrong' };
}

/** `POST /auth`: `Login Succeeded` and an identity token, or the registry's refusal. */
export function registryLogin(engine: Engine, cfg: AuthConfig): { status: string; identityToken: string } {
  const address = cfg.serveraddress || INDEX_SERVER;
  const host = hostnameOf(address);
  const reg = findRegistry(host);
  if (!reg) throw serverError(unreachableMessage(engine, host));
  const verdict = checkCredentials(engine, reg, cfg);
  const endpoint = `https://${apiHost(host)}/v2/`;
  if ('problem' in verdict) {
    // A token service refuses with 401 and its words; a plain basic-auth registry only answers 401.
    if (reg.tokens)
      throw new EngineError(401, `Get "${endpoint}": unauthorized: incorrect username or password`);
    throw serverError(`login attempt to ${endpoint} failed with status: 401 Unauthorized`);
  }
  return {
    status: 'Login Succeeded',
    identityToken: reg.tokens ? identityToken(engine, reg, verdict.account) : '',
  };
}

/** The repository name as the push reports it (`docker.io/library/alpine`). */
function fullName(repo: string): string {
  const first = repo.split('/')[0]!;
  const hasDomain =
    repo.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (hasDomain) return repo;
  return repo.includes('/') ? `docker.io/${repo}` : `docker.io/library/${repo}`;
}

function domainOf(full: string): string {
  return full.split('/')[0]!;
}

const err = (message: string): ProgressMessage => ({ errorDetail: { message }, error: message });

/**
 * `POST /images/{name}/push`: the progress stream. Errors before anything is written (a bad
 * reference) throw; later ones end the stream, as the daemon writes them once it has flushed.
 */
export function pushImage(engine: Engine, name: string, tag: string, cfg: AuthConfig): ProgressMessage[] {
  let repo: string;
  let onlyTag: string | null;
  try {
    const ref = parseReference(tag ? `${name.replace(/:[^:/]*$/, '')}:${tag}` : name);
    repo = ref.repo;
    // Without a tag in the name or the query, the API pushes every tag of the repository.
    onlyTag = tag || /:[^:/]+$/.test(name.split('/').pop() ?? '') ? ref.tag : null;
  } catch (e) {
    if (e instanceof BadReference) throw serverError(e.message);
    throw e;
  }
  const full = fullName(repo);
  const out: ProgressMessage[] = [{ status: `The push refers to repository [${full}]` }];
  const repoTags = localImages(engine).flatMap((img) =>
    img.repoTags
      .filter((t) => t.slice(0, t.lastIndexOf(':')) === repo)
      .map((t) => ({ img, tag: t.slice(t.lastIndexOf(':') + 1) })),
  );
  // The daemon looks for any tag of the repository first, then reaches the registry, and only
  // then for the tag asked for.
  if (repoTags.length === 0) {
    out.push(err(`An image does not exist locally with the tag: ${repo}`));
    return out;
  }
  const host = domainOf(full);
  const reg = findRegistry(host);
  if (!reg) {
    out.push(err(unreachableMessage(engine, host)));
    return out;
  }
  const tags = repoTags.filter((t) => onlyTag === null || t.tag === onlyTag);
  if (tags.length === 0) {
    out.push(err(`tag does not exist: ${repo}:${onlyTag}`));
    return out;
  }
  const verdict = checkCredentials(engine, reg, cfg);
  const path = full.slice(host.length + 1);
  for (const { img, tag: t } of tags) {
    const layers = [...imageCatalog(img).layers].reverse();
    for (const l of layers) out.push({ status: 'Preparing', progressDetail: {}, id: l });
    if ('problem' in verdict) {
      out.push(
        err(
          verdict.problem === 'none'
            ? 'unauthorized: authentication required'
            : 'unauthorized: incorrect username or password',
        ),
      );
      return out;
    }
    const parts = path.split('/');
    const namespace = verdict.account.namespace ?? verdict.account.username;
    if (parts.length > 1 && parts[0] !== namespace) {
      out.push(err('denied: requested access to the resource is denied'));
      return out;
    }
    for (const l of layers) out.push({ status: 'Pushed', progressDetail: {}, id: l });
    const digest = `sha256:${createHash('sha256').update(`${full}\n${img.id}`).digest('hex')}`;
    const size = 300 + 228 * layers.length;
    out.push({ status: `${t}: digest: ${digest} size: ${size}` });
    out.push({ progressDetail: {}, aux: { Tag: t, Digest: digest, Size: size } });
  }
  return out;
}

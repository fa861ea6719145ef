/**
 * `docker login`, `docker logout` and `docker push`, as the 20.10 CLI runs them: credentials are
 * checked by the daemon (`POST /auth`), kept in the sandbox's CLI config (`state.auths`, what
 * `~/.docker/config.json` holds), and handed to the daemon with each push.
 */
import { EngineError } from '../../errors.ts';
import { BadReference, parseReference } from '../../ops/images.ts';
import { pushImage, registryLogin } from '../../ops/registry.ts';
import { hostnameOf, INDEX_SERVER } from '../../registry/accounts.ts';
import { emptyAuthConfig } from '../../registry/auth-config.ts';
import type { CommandContext, LeafCommand } from '../command.ts';
import { registerCommand } from '../docker.ts';

const UNENCRYPTED_WARNING = `WARNING! Your password will be stored unencrypted in /root/.docker/config.json.
Configure a credential helper to remove this warning. See
https://docs.docker.com/engine/reference/commandline/login/#credentials-store
`;

/** The config key for a server: Docker Hub's index URL, or the address as given. */
function authKey(server: string): string {
  return server === '' || server === 'docker.io' ? INDEX_SERVER : server;
}

const login: LeafCommand = {
  name: 'login',
  use: '[OPTIONS] [SERVER]',
  short: 'Log in to a Docker registry',
  args: { kind: 'max', n: 1 },
  flags: [
    { name: 'password', short: 'p', type: 'string', help: 'Password' },
    { name: 'password-stdin', type: 'bool', help: 'Take the password from stdin' },
    { name: 'username', short: 'u', type: 'string', help: 'Username' },
  ],
  run(ctx) {
    const user = ctx.flags.string('username').trim();
    let password = ctx.flags.string('password');
    if (password !== '') {
      ctx.term.eprintln('WARNING! Using --password via the CLI is insecure. Use --password-stdin.');
      if (ctx.flags.bool('password-stdin'))
        return fail(ctx, '--password and --password-stdin are mutually exclusive');
    }
    if (ctx.flags.bool('password-stdin')) {
      if (user === '') return fail(ctx, 'Must provide --username with --password-stdin');
      // The CLI reads stdin to the end and trims the line ending (a chat message has none).
      password = (ctx.stdin ?? '').replace(/\r?\n$/, '').replace(/\r$/, '');
    }
    const server = authKey(ctx.args[0] ?? '');
    const auths = ctx.engine.state.auths;
    const stored = auths[server];
    const cfg = emptyAuthConfig();
    cfg.serveraddress = server;
    if (user === '' && password === '' && stored?.password) {
      cfg.username = stored.username;
      cfg.password = stored.password;
    } else {
      // No terminal to prompt on: Docker refuses an interactive login.
      if (password === '' && !ctx.flags.bool('password-stdin')) {
        return fail(ctx, 'Error: Cannot perform an interactive login from a non TTY device');
      }
      if (user === '') return fail(ctx, 'Error: Non-null Username Required');
      if (password === '') return fail(ctx, 'Error: Password Required');
      cfg.username = user;
      cfg.password = password;
    }
    let res: ReturnType<typeof registryLogin>;
    try {
      res = registryLogin(ctx.engine, cfg);
    } catch (e) {
      if (e instanceof EngineError) return fail(ctx, `Error response from daemon: ${e.message}`);
      throw e;
    }
    if (res.identityToken) {
      auths[server] = { username: cfg.username, identityToken: res.identityToken };
    } else {
      ctx.term.eprintln(UNENCRYPTED_WARNING);
      auths[server] = { username: cfg.username, identityToken: '', password: cfg.password };
    }
    ctx.term.println(res.status);
    return 0;
  },
};

const logout: LeafCommand = {
  name: 'logout',
  use: '[SERVER]',
  short: 'Log out from a Docker registry',
  args: { kind: 'max', n: 1 },
  flags: [],
  run(ctx) {
    const given = ctx.args[0] ?? '';
    const auths = ctx.engine.state.auths;
    if (given === '') {
      ctx.term.println(`Removing login credentials for ${INDEX_SERVER}`);
      delete auths[INDEX_SERVER];
      return 0;
    }
    const host = hostnameOf(given);
    ctx.term.println(`Removing login credentials for ${host}`);
    for (const k of [given, host, `http://${host}`, `https://${host}`]) delete auths[k];
    return 0;
  },
};

const push: LeafCommand = {
  name: 'push',
  use: '[OPTIONS] NAME[:TAG]',
  short: 'Push an image or a repository to a registry',
  args: { kind: 'exact', n: 1 },
  flags: [
    { name: 'all-tags', short: 'a', type: 'bool', help: 'Push all tagged images in the repository' },
    { name: 'disable-content-trust', type: 'bool', help: 'Skip image signing', defaultText: 'true' },
    { name: 'quiet', short: 'q', type: 'bool', help: 'Suppress verbose output' },
  ],
  run(ctx) {
    const name = ctx.args[0]!;
    const all = ctx.flags.bool('all-tags');
    const quiet = ctx.flags.bool('quiet');
    let repo: string;
    let tagged: boolean;
    try {
      const ref = parseReference(name);
      repo = ref.repo;
      tagged = /:[^:/]+$/.test(name.split('/').pop() ?? '') || ref.digest !== '';
    } catch (e) {
      if (e instanceof BadReference) return fail(ctx, e.message);
      throw e;
    }
    if (all && tagged) return fail(ctx, "tag can't be used with --all-tags/-a");
    let target = name;
    if (!all && !tagged) {
      target = `${name}:latest`;
      if (!quiet) ctx.term.println('Using default tag: latest');
    }
    // The CLI sends the credentials stored for the image's registry (its index name).
    const first = repo.split('/')[0]!;
    const domain =
      repo.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost')
        ? first
        : '';
    const stored = ctx.engine.state.auths[authKey(domain)];
    const cfg = emptyAuthConfig();
    if (stored) {
      cfg.username = stored.username;
      cfg.password = stored.password ?? '';
      cfg.identitytoken = stored.identityToken;
      cfg.serveraddress = authKey(domain);
    }
    let messages: ReturnType<typeof pushImage>;
    try {
      messages = pushImage(ctx.engine, target, '', cfg);
    } catch (e) {
      if (e instanceof EngineError) return fail(ctx, `Error response from daemon: ${e.message}`);
      throw e;
    }
    for (const m of messages) {
      if (m.error !== undefined) return fail(ctx, m.error);
      if (m.aux || quiet) continue;
      ctx.term.println(m.id ? `${m.id}: ${m.status}` : (m.status ?? ''));
    }
    if (quiet) ctx.term.println(target);
    return 0;
  },
};

function fail(ctx: CommandContext, message: string): number {
  ctx.term.eprintln(message);
  return 1;
}

registerCommand(login);
registerCommand(logout);
registerCommand(push);

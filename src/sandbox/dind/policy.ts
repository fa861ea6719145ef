/**
 * What a student may run in a dind sandbox. The sandbox runs argv (never a shell), and only the
 * programs of the sandbox host; flags that would let a container escape the sandbox (reach the
 * machine the sandbox runs on) are refused before anything runs.
 */

/** Programs a student runs on the sandbox host. */
export const SANDBOX_PROGRAMS = new Set(['docker', 'curl']);

/** Subcommands whose flags create or change a container's (or service's) privileges. */
const CREATING = new Set([
  'run',
  'create',
  'exec',
  'container run',
  'container create',
  'container exec',
  'service create',
  'service update',
]);

const NAMESPACE_FLAGS = new Set(['--pid', '--ipc', '--uts', '--userns', '--cgroupns']);

/** A refusal: the message the student sees (exit 1), or null when the command may run. */
export function refusal(argv: string[], opts: { hostAddresses?: string[] } = {}): string | null {
  const prog = (argv[0] ?? '').replace(/^\/usr\/(local\/)?bin\//, '');
  if (prog === 'docker') return dockerRefusal(argv.slice(1));
  if (prog === 'curl') return curlRefusal(argv.slice(1), opts.hostAddresses ?? []);
  return null;
}

const refuse = (what: string, why: string) => `docker-tutor: ${what} is not allowed in the sandbox (${why}).`;

function dockerRefusal(args: string[]): string | null {
  // Global flags first: another daemon (-H, --context) would be outside the sandbox.
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('-')) break;
    const [name] = splitFlag(a);
    if (name === '-H' || name === '--host' || name === '-c' || name === '--context') {
      return refuse(`${name}`, 'the sandbox talks only to its own Docker daemon');
    }
    if (
      ['--config', '--log-level', '-l', '--tlscacert', '--tlscert', '--tlskey'].includes(name) &&
      !a.includes('=')
    )
      i++;
  }
  const words = args.slice(i).filter((w) => !w.startsWith('-'));
  const rest0 = args.slice(i);
  if (words[0] === 'cp' || (words[0] === 'container' && words[1] === 'cp')) {
    const paths = words.slice(words[0] === 'cp' ? 1 : 2);
    const dest = paths[paths.length - 1] ?? '';
    if (paths.length >= 2 && !/^[^/.~][^:/]*:/.test(dest)) {
      return refuse('docker cp to the sandbox host', 'copy into a container (NAME:PATH) instead');
    }
  }
  if (words[0] === 'context' && !['ls', 'list', 'inspect', 'show', undefined].includes(words[1])) {
    return refuse(`docker context ${words[1]}`, 'the sandbox talks only to its own Docker daemon');
  }
  if ((words[0] === 'volume' && words[1] === 'create') || words[0] === 'plugin') {
    if (words[0] === 'plugin' && words[1] !== 'ls' && words[1] !== 'inspect') {
      return refuse('docker plugin', 'plugins run with the privileges they ask for');
    }
    for (let j = 0; j < rest0.length; j++) {
      const [name, inline] = splitFlag(rest0[j]!);
      if (name === '-o' || name === '--opt') {
        const opt = inline ?? rest0[j + 1] ?? '';
        if (/^device=\//.test(opt) || /^o=.*\bbind\b/.test(opt)) {
          return refuse(`--opt ${opt}`, 'a volume over a host path reaches past the sandbox');
        }
      }
    }
  }
  const sub =
    words[0] === 'container' || words[0] === 'service' ? `${words[0]} ${words[1] ?? ''}` : (words[0] ?? '');
  if (!CREATING.has(sub)) return null;
  const rest = args.slice(i);
  for (let j = 0; j < rest.length; j++) {
    const a = rest[j]!;
    if (!a.startsWith('-') || a === '-') continue;
    if (a === '--') break;
    const [name, inline] = splitFlag(a);
    const value = () => inline ?? rest[j + 1] ?? '';
    if (name === '--privileged') {
      if (inline === undefined || /^(1|t|true)$/i.test(inline)) {
        return refuse('--privileged', 'a privileged container would control the sandbox itself');
      }
      continue;
    }
    if (name === '--cap-add') return refuse('--cap-add', 'added capabilities reach past the sandbox');
    if (name === '--cgroup-parent') {
      return refuse(
        '--cgroup-parent',
        "the sandbox's own cgroup holds its containers, and its caps with them",
      );
    }
    if (name === '--security-opt')
      return refuse('--security-opt', 'security profiles stay as the sandbox sets them');
    if (name === '--device' || name === '--device-cgroup-rule' || name === '--gpus') {
      return refuse(name, 'devices belong to the machine, not the sandbox');
    }
    if (NAMESPACE_FLAGS.has(name) && value() === 'host') {
      return refuse(`${name} host`, "the host's namespaces are outside the sandbox");
    }
    if (name === '--mount' && /(^|,)type=bind(,|$)/.test(value())) {
      return refuse(
        'a bind mount (--mount type=bind)',
        'host paths are outside the sandbox; use a named volume',
      );
    }
    if (name === '--volume' || name === '-v' || isShortCluster(a, 'v')) {
      const spec = name === '-v' && a.length > 2 && !a.startsWith('-v=') ? a.slice(2) : value();
      if (isHostPathVolume(spec)) {
        return refuse(
          `a host path in -v (${spec.split(':')[0]})`,
          'host paths are outside the sandbox; use a named volume',
        );
      }
    }
  }
  return null;
}

/** `-itv` style clusters of short flags whose last letter takes the next word. */
function isShortCluster(a: string, letter: string): boolean {
  return /^-[a-zA-Z]{2,}$/.test(a) && a.endsWith(letter);
}

function splitFlag(a: string): [string, string | undefined] {
  if (a.startsWith('--')) {
    const eq = a.indexOf('=');
    return eq < 0 ? [a, undefined] : [a.slice(0, eq), a.slice(eq + 1)];
  }
  if (a.startsWith('-v=')) return ['-v', a.slice(3)];
  return [a.length > 2 && a[1] === 'v' ? '-v' : a, undefined];
}

/** `-v SRC:DST[:OPTS]` names a host path when SRC looks like a path; `-v NAME:DST` and `-v /DST` do not. */
export function isHostPathVolume(spec: string): boolean {
  const parts = spec.split(':');
  if (parts.length < 2) return false;
  const src = parts[0]!;
  return src.startsWith('/') || src.startsWith('.') || src.startsWith('~') || src.includes('/');
}

/** curl's short options that take a value (`-sd DATA`, `-XPOST`). */
const CURL_SHORT_VALUE = new Set('AbcCdDEeFHKmoPQrTtuUwxXyYz'.split(''));

/** curl's options as (name, value) pairs, short clusters expanded; bare words are URLs. */
function curlOptions(args: string[]): { opts: [string, string | undefined][]; urls: string[] } {
  const opts: [string, string | undefined][] = [];
  const urls: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      // curl has no --opt=value syntax, but its long options that take values take the next word.
      const name = eq < 0 ? a : a.slice(0, eq);
      opts.push([name, CURL_LONG_VALUE.has(name) ? args[++i] : undefined]);
    } else if (a.startsWith('-') && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const letter = a[j]!;
        if (CURL_SHORT_VALUE.has(letter)) {
          opts.push([`-${letter}`, j + 1 < a.length ? a.slice(j + 1) : args[++i]]);
          break;
        }
        opts.push([`-${letter}`, undefined]);
      }
    } else urls.push(a);
  }
  return { opts, urls };
}

const CURL_LONG_VALUE = new Set([
  '--unix-socket',
  '--abstract-unix-socket',
  '--data',
  '--data-raw',
  '--data-binary',
  '--data-ascii',
  '--data-urlencode',
  '--json',
  '--form',
  '--form-string',
  '--upload-file',
  '--config',
  '--request',
  '--header',
  '--output',
  '--write-out',
  '--user',
  '--proxy',
  '--preproxy',
  '--socks4',
  '--socks5',
  '--socks5-hostname',
  '--connect-to',
  '--resolve',
  '--url',
  '--max-time',
  '--connect-timeout',
  '--user-agent',
  '--referer',
  '--cookie',
  '--cookie-jar',
  '--range',
  '--interface',
  '--dns-servers',
]);

const CURL_DATA = new Set(['-d', '--data', '--data-raw', '--data-binary', '--data-ascii', '--json']);

/** curl may talk to the sandbox's own daemon and containers, never to the machine behind the sandbox. */
function curlRefusal(args: string[], hostAddresses: string[]): string | null {
  const { opts, urls } = curlOptions(args);
  for (const [name, value] of opts) {
    if (name === '--unix-socket' || name === '--abstract-unix-socket') {
      if (value !== '/var/run/docker.sock' && value !== '/run/docker.sock') {
        return refuse(
          `--unix-socket ${value ?? ''}`,
          'only the sandbox daemon socket /var/run/docker.sock is reachable',
        );
      }
    }
    if (
      [
        '-x',
        '--proxy',
        '--preproxy',
        '--socks4',
        '--socks5',
        '--socks5-hostname',
        '--connect-to',
        '--resolve',
        '--interface',
        '--dns-servers',
      ].includes(name)
    ) {
      return refuse(name, 'curl talks to the sandbox directly');
    }
    if (name === '-K' || name === '--config')
      return refuse(name, 'curl takes its options from the command line here');
    if (['-T', '--upload-file', '-F', '--form', '--form-string', '--data-urlencode'].includes(name)) {
      return refuse(name, 'send a request body with -d and JSON');
    }
    if (name === '--url' && value) urls.push(value);
    if (CURL_DATA.has(name) && value !== undefined) {
      if (value.startsWith('@'))
        return refuse(`${name} @file`, 'request bodies come from the command line here');
      const bad = apiBodyRefusal(value);
      if (bad) return bad;
    }
  }
  for (const url of urls) {
    const m = /^(?:[a-z]+:\/\/)?(?:[^@/]*@)?\[?([^/\]:?#]+)/i.exec(url);
    if (m && hostAddresses.includes(m[1]!)) {
      return refuse(`curl to ${m[1]}`, 'that address is the machine behind the sandbox');
    }
  }
  return null;
}

/**
 * An Engine API request body that asks for what the CLI flags above refuse. Docker decodes JSON
 * field names without regard to case, so neither do we.
 */
export function apiBodyRefusal(body: string): string | null {
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch {
    return null; // the daemon refuses a body that is not JSON
  }
  let found: string | null = null;
  const visit = (v: unknown): void => {
    if (found || v === null || typeof v !== 'object') return;
    if (Array.isArray(v)) {
      v.forEach(visit);
      return;
    }
    for (const [k, val] of Object.entries(v as Record<string, unknown>)) {
      const key = k.toLowerCase();
      const nonEmpty = Array.isArray(val) ? val.length > 0 : val !== null && val !== undefined && val !== '';
      if ((key === 'privileged' || key === 'privilegedmode') && val === true) found = 'Privileged';
      else if (
        ['capadd', 'capabilityadd', 'devices', 'devicecgrouprules', 'devicerequests', 'securityopt'].includes(
          key,
        ) &&
        nonEmpty
      )
        found = k;
      else if (key === 'cgroupparent' && nonEmpty) found = k;
      else if (
        ['pidmode', 'ipcmode', 'utsmode', 'usernsmode', 'cgroupnsmode'].includes(key) &&
        val === 'host'
      )
        found = `${k} host`;
      else if (
        key === 'binds' &&
        Array.isArray(val) &&
        val.some((b) => typeof b === 'string' && isHostPathVolume(b))
      )
        found = 'a host path in Binds';
      else if (key === 'type' && typeof val === 'string' && val.toLowerCase() === 'bind')
        found = 'a bind mount';
      else if (
        (key === 'driveropts' || key === 'options') &&
        val &&
        typeof val === 'object' &&
        hasDeviceOpt(val)
      )
        found = 'a volume over a host path';
      else visit(val);
      if (found) return;
    }
  };
  visit(doc);
  return found ? refuse(`${found} in an API request`, 'it would reach past the sandbox') : null;
}

/** `local` volume driver options that mount a path of the sandbox host (`device=/x`, `o=bind`). */
function hasDeviceOpt(opts: object): boolean {
  return Object.entries(opts).some(
    ([k, v]) =>
      (k.toLowerCase() === 'device' && typeof v === 'string' && v.startsWith('/')) ||
      (k.toLowerCase() === 'o' && /\bbind\b/.test(String(v))),
  );
}

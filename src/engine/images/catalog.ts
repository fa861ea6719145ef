/**
 * The images the simulated registry serves: what each one runs by default, which ports it
 * exposes, which programs it has inside and how big it is. `alpine:latest` is the one a fresh
 * sandbox has locally (the real sandbox's busybox 1.35 userland, tagged alpine).
 */

export interface CatalogImage {
  /** Repository name as `docker images` shows it (`nginx`, `alpine`). */
  repo: string;
  tags: string[];
  /** Stable image ID (`sha256:...`) and registry digest for the sandbox's simulated registry. */
  id: string;
  digest: string;
  size: number;
  /** Build time (RFC 3339); null: built when the sandbox started (the local alpine). */
  created: string | null;
  cmd: string[] | null;
  entrypoint: string[] | null;
  env: string[] | null;
  exposedPorts: string[];
  workingDir: string;
  /** Programs found on `$PATH` inside (busybox applets or real ones). */
  tools: ReadonlySet<string>;
  osRelease: string;
  /** Layer IDs as `docker pull` prints them. */
  layers: string[];
}

const BUSYBOX_APPLETS = [
  'sh',
  'ash',
  'echo',
  'cat',
  'env',
  'printenv',
  'hostname',
  'ip',
  'ping',
  'nslookup',
  'wget',
  'sleep',
  'true',
  'false',
  'ls',
  'pwd',
  'id',
  'whoami',
  'uname',
  'ps',
  'mkdir',
  'touch',
  'rm',
  'httpd',
  'nc',
  'grep',
  'sort',
  'head',
  'tail',
  'top',
  'date',
  'ifconfig',
  'route',
  'arp',
  'traceroute',
  'netstat',
  'test',
  '[',
  'exit',
  'cd',
  'export',
  'wc',
  'printf',
  'which',
];

const DEBIAN_TOOLS = [
  'sh',
  'bash',
  'dash',
  'echo',
  'cat',
  'env',
  'printenv',
  'hostname',
  'sleep',
  'true',
  'false',
  'ls',
  'pwd',
  'id',
  'whoami',
  'uname',
  'mkdir',
  'touch',
  'rm',
  'grep',
  'sort',
  'head',
  'tail',
  'date',
  'test',
  '[',
  'wc',
  'printf',
  'which',
];

const PATH_ENV = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

const ALPINE_RELEASE =
  'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.18.4\nPRETTY_NAME="Alpine Linux v3.18"\n';
const DEBIAN_RELEASE =
  'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION="12 (bookworm)"\nVERSION_CODENAME=bookworm\nID=debian\nHOME_URL="https://www.debian.org/"\nSUPPORT_URL="https://www.debian.org/support"\nBUG_REPORT_URL="https://bugs.debian.org/"\n';
const UBUNTU_RELEASE =
  'PRETTY_NAME="Ubuntu 22.04.3 LTS"\nNAME="Ubuntu"\nVERSION_ID="22.04"\nVERSION="22.04.3 LTS (Jammy Jellyfish)"\nVERSION_CODENAME=jammy\nID=ubuntu\nID_LIKE=debian\nHOME_URL="https://www.ubuntu.com/"\nSUPPORT_URL="https://help.ubuntu.com/"\nBUG_REPORT_URL="https://bugs.launchpad.net/ubuntu/"\nPRIVACY_POLICY_URL="https://www.ubuntu.com/legal/terms-and-policies/privacy-policy"\nUBUNTU_CODENAME=jammy\n';

const hex = (seed: string) => {
  // A fixed, readable-enough 64-hex digest per image (not a real content hash).
  let h = 0x811c9dc5;
  let out = '';
  for (let round = 0; out.length < 64; round++) {
    for (const c of `${seed}#${round}`) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
    out += h.toString(16).padStart(8, '0');
  }
  return out.slice(0, 64);
};

function image(
  repo: string,
  spec: Omit<CatalogImage, 'repo' | 'id' | 'digest' | 'layers' | 'tools'> & {
    tools: string[];
    layerCount: number;
  },
): CatalogImage {
  const { layerCount, tools, ...rest } = spec;
  return {
    repo,
    ...rest,
    id: `sha256:${hex(`${repo}-image`)}`,
    digest: `sha256:${hex(`${repo}-digest`)}`,
    tools: new Set(tools),
    layers: Array.from({ length: layerCount }, (_, i) => hex(`${repo}-layer-${i}`).slice(0, 12)),
  };
}

export const CATALOG: readonly CatalogImage[] = [
  image('alpine', {
    tags: ['latest', '3.18'],
    size: 1_982_664,
    created: null,
    cmd: ['/bin/sh'],
    entrypoint: null,
    env: null,
    exposedPorts: [],
    workingDir: '',
    tools: BUSYBOX_APPLETS,
    osRelease: ALPINE_RELEASE,
    layerCount: 1,
  }),
  image('busybox', {
    tags: ['latest', '1.36'],
    size: 4_261_550,
    created: '2023-07-18T23:19:33.655005962Z',
    cmd: ['sh'],
    entrypoint: null,
    env: [PATH_ENV],
    exposedPorts: [],
    workingDir: '',
    tools: BUSYBOX_APPLETS,
    osRelease: '',
    layerCount: 1,
  }),
  image('nginx', {
    tags: ['latest', 'alpine', '1.25'],
    size: 187_000_000,
    created: '2023-10-25T03:59:29.370203549Z',
    cmd: ['nginx', '-g', 'daemon off;'],
    entrypoint: ['/docker-entrypoint.sh'],
    env: [PATH_ENV, 'NGINX_VERSION=1.25.3', 'NJS_VERSION=0.8.2', 'PKG_RELEASE=1~bookworm'],
    exposedPorts: ['80/tcp'],
    workingDir: '',
    tools: [...DEBIAN_TOOLS, 'nginx', 'curl'],
    osRelease: DEBIAN_RELEASE,
    layerCount: 7,
  }),
  image('httpd', {
    tags: ['latest', '2.4'],
    size: 167_000_000,
    created: '2023-10-20T01:22:47.131297428Z',
    cmd: ['httpd-foreground'],
    entrypoint: null,
    env: [
      'PATH=/usr/local/apache2/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      'HTTPD_PREFIX=/usr/local/apache2',
      'HTTPD_VERSION=2.4.58',
    ],
    exposedPorts: ['80/tcp'],
    workingDir: '/usr/local/apache2',
    tools: [...DEBIAN_TOOLS, 'httpd-foreground', 'httpd'],
    osRelease: DEBIAN_RELEASE,
    layerCount: 5,
  }),
  image('redis', {
    tags: ['latest', '7'],
    size: 138_000_000,
    created: '2023-10-18T23:55:35.512271226Z',
    cmd: ['redis-server'],
    entrypoint: ['docker-entrypoint.sh'],
    env: [PATH_ENV, 'REDIS_VERSION=7.2.2'],
    exposedPorts: ['6379/tcp'],
    workingDir: '/data',
    tools: [...DEBIAN_TOOLS, 'redis-server', 'redis-cli', 'docker-entrypoint.sh'],
    osRelease: DEBIAN_RELEASE,
    layerCount: 6,
  }),
  image('postgres', {
    tags: ['latest', '16'],
    size: 425_000_000,
    created: '2023-11-09T01:43:42.871128411Z',
    cmd: ['postgres'],
    entrypoint: ['docker-entrypoint.sh'],
    env: [
      'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/usr/lib/postgresql/16/bin',
      'PG_MAJOR=16',
      'PG_VERSION=16.1-1.pgdg120+1',
      'PGDATA=/var/lib/postgresql/data',
    ],
    exposedPorts: ['5432/tcp'],
    workingDir: '',
    tools: [...DEBIAN_TOOLS, 'postgres', 'psql', 'docker-entrypoint.sh'],
    osRelease: DEBIAN_RELEASE,
    layerCount: 13,
  }),
  image('ubuntu', {
    tags: ['latest', '22.04', 'jammy'],
    size: 77_822_016,
    created: '2023-10-03T16:36:43.151335052Z',
    cmd: ['/bin/bash'],
    entrypoint: null,
    env: [PATH_ENV],
    exposedPorts: [],
    workingDir: '',
    tools: DEBIAN_TOOLS,
    osRelease: UBUNTU_RELEASE,
    layerCount: 1,
  }),
  image('debian', {
    tags: ['latest', 'bookworm', '12'],
    size: 116_534_440,
    created: '2023-11-01T00:51:14.612336917Z',
    cmd: ['bash'],
    entrypoint: null,
    env: [PATH_ENV],
    exposedPorts: [],
    workingDir: '',
    tools: DEBIAN_TOOLS,
    osRelease: DEBIAN_RELEASE,
    layerCount: 1,
  }),
];

export function catalogImage(repo: string): CatalogImage | undefined {
  return CATALOG.find((i) => i.repo === repo);
}

/** The catalog entry behind a local image record (its `catalog` key). */
export function catalogFor(key: string): CatalogImage {
  return catalogImage(key) ?? CATALOG[0]!;
}

/**
 * The compose file format (Compose spec and `version: "2.x"/"3.x"`) as zod schemas, and its
 * validation errors worded as Compose 1.29's JSON-schema messages and Compose v2's.
 */
import { z } from 'zod';
import { ComposeError, V2_EXIT } from './errors.ts';
import type { YamlText } from './yaml-text.ts';

const str = z.string();
const strOrNum = z.union([z.string(), z.number()]);
const stringList = z.array(str);
const listOrDict = z.union([
  z.record(z.union([z.string(), z.number(), z.boolean(), z.null()])),
  z.array(strOrNum),
]);
const command = z.union([z.string(), z.array(strOrNum), z.null()]);

const serviceNetwork = z
  .object({
    aliases: stringList.optional(),
    ipv4_address: str.optional(),
    ipv6_address: str.optional(),
    priority: z.number().optional(),
    link_local_ips: stringList.optional(),
  })
  .strict()
  .nullable();

const portObject = z
  .object({
    target: strOrNum,
    published: strOrNum.optional(),
    protocol: str.optional(),
    mode: str.optional(),
    host_ip: str.optional(),
  })
  .strict();

const volumeObject = z
  .object({
    type: str,
    source: str.optional(),
    target: str.optional(),
    read_only: z.boolean().optional(),
    volume: z.object({ nocopy: z.boolean().optional() }).strict().optional(),
    bind: z.record(z.unknown()).optional(),
  })
  .strict();

export const serviceSchema = z
  .object({
    image: str.optional(),
    build: z
      .union([
        z.string(),
        z
          .object({
            context: str.optional(),
            dockerfile: str.optional(),
            args: listOrDict.optional(),
            target: str.optional(),
            labels: listOrDict.optional(),
          })
          .strict(),
      ])
      .optional(),
    command: command.optional(),
    entrypoint: command.optional(),
    container_name: str.optional(),
    hostname: str.optional(),
    domainname: str.optional(),
    ports: z.array(z.union([strOrNum, portObject])).optional(),
    expose: z.array(strOrNum).optional(),
    networks: z.union([stringList, z.record(serviceNetwork)]).optional(),
    network_mode: str.optional(),
    depends_on: z
      .union([
        stringList,
        z.record(
          z
            .object({
              condition: z
                .enum(['service_started', 'service_healthy', 'service_completed_successfully'])
                .optional(),
              restart: z.boolean().optional(),
              required: z.boolean().optional(),
            })
            .strict(),
        ),
      ])
      .optional(),
    environment: listOrDict.optional(),
    env_file: z.union([str, stringList]).optional(),
    labels: listOrDict.optional(),
    volumes: z.array(z.union([str, volumeObject])).optional(),
    restart: str.optional(),
    working_dir: str.optional(),
    user: str.optional(),
    tty: z.boolean().optional(),
    stdin_open: z.boolean().optional(),
    privileged: z.boolean().optional(),
    init: z.boolean().optional(),
    dns: z.union([str, stringList]).optional(),
    dns_search: z.union([str, stringList]).optional(),
    extra_hosts: listOrDict.optional(),
    links: stringList.optional(),
    mac_address: str.optional(),
    stop_signal: str.optional(),
    stop_grace_period: str.optional(),
    healthcheck: z.record(z.unknown()).optional(),
    deploy: z.record(z.unknown()).optional(),
    logging: z.record(z.unknown()).optional(),
    profiles: stringList.optional(),
    cap_add: stringList.optional(),
    cap_drop: stringList.optional(),
    scale: z.number().optional(),
    pull_policy: str.optional(),
  })
  .strict();

const ipamConfig = z
  .object({
    subnet: str.optional(),
    ip_range: str.optional(),
    gateway: str.optional(),
    aux_addresses: z.record(str).optional(),
  })
  .strict();

export const networkSchema = z
  .object({
    name: str.optional(),
    driver: str.optional(),
    driver_opts: z.record(strOrNum).optional(),
    ipam: z
      .object({
        driver: str.optional(),
        config: z.array(ipamConfig).optional(),
        options: z.record(str).optional(),
      })
      .strict()
      .optional(),
    external: z.union([z.boolean(), z.object({ name: str.optional() }).strict()]).optional(),
    internal: z.boolean().optional(),
    attachable: z.boolean().optional(),
    enable_ipv6: z.boolean().optional(),
    labels: listOrDict.optional(),
  })
  .strict()
  .nullable();

export const volumeSchema = z
  .object({
    name: str.optional(),
    driver: str.optional(),
    driver_opts: z.record(strOrNum).optional(),
    external: z.union([z.boolean(), z.object({ name: str.optional() }).strict()]).optional(),
    labels: listOrDict.optional(),
  })
  .strict()
  .nullable();

export const fileSchema = z
  .object({
    version: strOrNum.optional(),
    name: str.optional(),
    services: z.record(serviceSchema).optional(),
    networks: z.record(networkSchema).optional(),
    volumes: z.record(volumeSchema).optional(),
    secrets: z.record(z.unknown()).optional(),
    configs: z.record(z.unknown()).optional(),
  })
  .strict();

export type ComposeFileData = z.infer<typeof fileSchema>;
export type ServiceData = z.infer<typeof serviceSchema>;
export type NetworkData = NonNullable<z.infer<typeof networkSchema>>;
export type VolumeData = NonNullable<z.infer<typeof volumeSchema>>;

/** What each schema position accepts, in Compose 1.29's words (its JSON schema's types). */
const V1_TYPES: Record<string, string> = {
  ports: 'an array',
  expose: 'an array',
  networks: 'an array, or an object',
  depends_on: 'an array, or an object',
  environment: 'an object, or an array',
  labels: 'an object, or an array',
  volumes: 'an array',
  links: 'an array',
  command: 'a string, an array, or a null',
  entrypoint: 'a string, an array, or a null',
  build: 'a string, or an object',
  env_file: 'a string, or an array',
  dns: 'a string, or an array',
  extra_hosts: 'an object, or an array',
  aliases: 'an array',
  tty: 'a boolean',
  stdin_open: 'a boolean',
  privileged: 'a boolean',
  internal: 'a boolean',
  attachable: 'a boolean',
  enable_ipv6: 'a boolean',
  external: 'a boolean, or an object',
  config: 'an array',
};

/** compose-go's type names. */
const V2_TYPES: Record<string, string> = {
  array: 'list',
  object: 'mapping',
  string: 'string',
  number: 'number',
  boolean: 'boolean',
  null: 'null',
};

function keyOf(path: ReadonlyArray<string | number>): string {
  const named = path.filter((p): p is string => typeof p === 'string');
  return named[named.length - 1] ?? '';
}

const dotted = (path: ReadonlyArray<string | number>) => path.filter((p) => typeof p === 'string').join('.');

/** Strips `x-` extension keys where the spec allows them (top level, services, networks, volumes). */
function withoutExtensions(data: unknown): unknown {
  if (!isObject(data)) return data;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(data)) {
    if (k.startsWith('x-')) continue;
    if ((k === 'services' || k === 'networks' || k === 'volumes') && isObject(v)) {
      const inner: Record<string, unknown> = {};
      for (const [name, def] of Object.entries(v)) {
        if (!isObject(def)) {
          inner[name] = def;
          continue;
        }
        inner[name] = Object.fromEntries(Object.entries(def).filter(([dk]) => !dk.startsWith('x-')));
      }
      out[k] = inner;
    } else out[k] = v;
  }
  return out;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v === 'object' ? 'object' : typeof v;
}

const VERSION_EXPLANATION =
  'You might be seeing this error because you\'re using the wrong Compose file version. Either specify a supported version (e.g "2.2" or "3.3") and place your service definitions under the `services` key, or omit the `version` key and place your service definitions at the root of the file to use version 1.\nFor more on the Compose file format versions, see https://docs.docker.com/compose/compose-file/';

/** Validates a parsed file; `shown` names the file as each Compose does. */
export function validateFile(yaml: YamlText, shown: { v1: string; v2: string }): ComposeFileData {
  const raw = yaml.data;
  if (!isObject(raw)) {
    const pyType = raw === null || raw === undefined ? 'NoneType' : Array.isArray(raw) ? 'list' : 'str';
    throw new ComposeError(
      `Top level object in '${shown.v1}' needs to be an object not '<class '${pyType}'>'.`,
      raw === null || raw === undefined ? `empty compose file` : `Top-level object must be a mapping`,
      V2_EXIT.parse,
      1,
    );
  }
  if (raw.version !== undefined) {
    const v = String(raw.version);
    if (!/^(1|2(\.[0-4])?|3(\.[0-9])?)$/.test(v)) {
      throw new ComposeError(
        `Version "${v}" in "${shown.v1}" is invalid.`,
        `validating ${shown.v2}: version must be a string`,
        V2_EXIT.parse,
        yaml.lineOf(['version']),
      );
    }
  }
  if (isObject(raw.services)) {
    for (const [name, def] of Object.entries(raw.services)) {
      if (!isObject(def)) {
        throw new ComposeError(
          `In file '${shown.v1}', service must be a mapping, not ${def === null ? 'a NoneType' : Array.isArray(def) ? 'an array' : `a ${jsonType(def)}`}.`,
          `validating ${shown.v2}: services.${name} must be a mapping`,
          V2_EXIT.parse,
          yaml.lineOf(['services', name]),
        );
      }
    }
  } else if (raw.services !== undefined && raw.services !== null) {
    throw new ComposeError(
      `In file '${shown.v1}', service must be a mapping, not an ${jsonType(raw.services)}.`,
      `validating ${shown.v2}: services must be a mapping`,
      V2_EXIT.parse,
      yaml.lineOf(['services']),
    );
  }
  const parsed = fileSchema.safeParse(withoutExtensions(raw));
  if (parsed.success) {
    checkServices(parsed.data, yaml, shown);
    return parsed.data;
  }
  const issue = firstIssue(parsed.error.issues);
  const path = issue.path;
  const line = yaml.lineOf(path);
  const where = dotted(path);
  let v1: string;
  let v2: string;
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0]!;
    const keyLine = yaml.lineOf([...path, key]) ?? line;
    if (path.length === 0) {
      v1 = `'${key}' does not match any of the regexes: '^x-'\n${VERSION_EXPLANATION}`;
      v2 = `validating ${shown.v2}: (root) Additional property ${key} is not allowed`;
    } else if (path.length === 2 && path[0] === 'services') {
      v1 = `Unsupported config option for ${where}: '${key}'`;
      v2 = `validating ${shown.v2}: ${where} Additional property ${key} is not allowed`;
    } else if (path.length === 2) {
      v1 = `${where} value '${key}' does not match any of the regexes: '^x-'`;
      v2 = `validating ${shown.v2}: ${where} Additional property ${key} is not allowed`;
    } else {
      v1 = `${where} contains unsupported option: '${key}'`;
      v2 = `validating ${shown.v2}: ${where} Additional property ${key} is not allowed`;
    }
    throw new ComposeError(
      `The Compose file '${shown.v1}' is invalid because:\n${v1}`,
      v2,
      V2_EXIT.parse,
      keyLine,
    );
  }
  const value = valueAt(raw, path);
  const key = keyOf(path);
  const expected = V1_TYPES[key] ?? expectedFromIssue(issue);
  v1 = `${where} contains an invalid type, it should be ${expected}`;
  const v2Expected = expectedFromIssue(issue).replace(/^an? /, '');
  v2 = `validating ${shown.v2}: ${where} must be a ${V2_TYPES[v2Expected] ?? v2Expected}`;
  if (issue.code === 'invalid_enum_value') {
    v1 = `${where} contains an invalid value: '${String(value)}'`;
    v2 = `validating ${shown.v2}: ${where} must be one of the following: ${issue.options.map((o) => `"${o}"`).join(', ')}`;
  }
  throw new ComposeError(
    `The Compose file '${shown.v1}' is invalid because:\n${v1}`,
    v2,
    V2_EXIT.parse,
    line,
  );
}

function firstIssue(issues: z.ZodIssue[]): z.ZodIssue {
  // A union reports every branch; the outermost path is the one the user wrote wrong.
  const flat: z.ZodIssue[] = [];
  for (const i of issues) {
    if (i.code === 'invalid_union') {
      const typeOnly = i.unionErrors.every((e) =>
        e.issues.every((x) => x.path.length <= i.path.length || x.code === 'invalid_type'),
      );
      const deeper = i.unionErrors
        .flatMap((e) => e.issues)
        .filter((x) => x.path.length > i.path.length && x.code !== 'invalid_type');
      if (!typeOnly && deeper[0]) flat.push(deeper[0]);
      else
        flat.push({
          ...i,
          code: 'invalid_type',
          expected: 'union',
          received: 'unknown',
        } as unknown as z.ZodIssue);
    } else flat.push(i);
  }
  return flat[0]!;
}

function expectedFromIssue(issue: z.ZodIssue): string {
  if (issue.code === 'invalid_type') {
    const e = String(issue.expected);
    if (e === 'union') return 'a string';
    const map: Record<string, string> = {
      string: 'a string',
      number: 'a number',
      boolean: 'a boolean',
      array: 'an array',
      object: 'an object',
    };
    return map[e] ?? `a ${e}`;
  }
  return 'a string';
}

function valueAt(data: unknown, path: ReadonlyArray<string | number>): unknown {
  let v: unknown = data;
  for (const p of path) {
    if (Array.isArray(v) && typeof p === 'number') v = v[p];
    else if (isObject(v)) v = v[String(p)];
    else return undefined;
  }
  return v;
}

/** Checks the schema leaves to the loader: an image or a build for each service. */
function checkServices(data: ComposeFileData, yaml: YamlText, shown: { v1: string; v2: string }): void {
  void shown;
  for (const [name, svc] of Object.entries(data.services ?? {})) {
    if (svc.image === undefined && svc.build === undefined) {
      throw new ComposeError(
        `The Compose file is invalid because:\nService ${name} has neither an image nor a build context specified. At least one must be provided.`,
        `service "${name}" has neither an image nor a build context specified: invalid compose project`,
        V2_EXIT.parse,
        yaml.lineOf(['services', name]),
      );
    }
  }
}

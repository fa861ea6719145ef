/**
 * The registries a simulated sandbox can reach and their test accounts, from
 * `prompts/registry/accounts.yaml` (content an instructor edits). Any other registry is out of
 * reach, as it is from the sandboxes the course's transcripts were recorded in.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { ContentError, fieldPath } from '../../content/load.ts';

export const ACCOUNTS_FILE = join(
  import.meta.dirname,
  '..',
  '..',
  '..',
  'prompts',
  'registry',
  'accounts.yaml',
);

const accountSchema = z
  .object({
    username: z.string().min(1),
    password: z.string().min(1),
    namespace: z.string().min(1).optional(),
  })
  .strict();

const registrySchema = z
  .object({
    server: z.string().regex(/^[a-z0-9.-]+(:\d+)?$/, 'a host name, optionally with :PORT'),
    aliases: z.array(z.string()).default([]),
    tokens: z.boolean().default(true),
    accounts: z.array(accountSchema).min(1),
  })
  .strict();

const fileSchema = z.object({ registries: z.array(registrySchema) }).strict();

export type RegistryAccount = z.infer<typeof accountSchema>;
export type SimRegistry = z.infer<typeof registrySchema>;

/** Docker Hub's names: what `docker login` sends without a server, and the hosts behind it. */
export const DOCKER_HUB_NAMES = ['docker.io', 'index.docker.io', 'registry-1.docker.io'];
export const INDEX_SERVER = 'https://index.docker.io/v1/';

/** `registry.ConvertToHostname`: scheme and path dropped (`https://x:5000/v2/` -> `x:5000`). */
export function hostnameOf(server: string): string {
  let s = server;
  if (s.startsWith('http://')) s = s.slice(7);
  else if (s.startsWith('https://')) s = s.slice(8);
  return s.split('/')[0]!;
}

/** Parses and validates the accounts file; problems are reported as `FILE: FIELD: PROBLEM`. */
export function parseAccounts(source: string, name: string): SimRegistry[] {
  const doc = parseDocument(source, { prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new ContentError(
      name,
      doc.errors.map((e) => `YAML syntax, line ${e.linePos?.[0]?.line ?? '?'}: ${e.message.split('\n')[0]}`),
    );
  }
  const r = fileSchema.safeParse(doc.toJS());
  if (!r.success) {
    throw new ContentError(
      name,
      r.error.issues.slice(0, 10).map((i) => `${fieldPath(i.path)}: ${i.message}`),
    );
  }
  return r.data.registries;
}

let loaded: SimRegistry[] | null = null;

/** The registries from the content file (read once). */
export function simRegistries(): SimRegistry[] {
  loaded ??= parseAccounts(readFileSync(ACCOUNTS_FILE, 'utf8'), 'prompts/registry/accounts.yaml');
  return loaded;
}

/** Replaces the registries (tests; an instructor's edited file). */
export function setSimRegistries(registries: SimRegistry[] | null): void {
  loaded = registries;
}

/** The simulated registry behind a server address or image domain, if the sandbox can reach one. */
export function findRegistry(server: string): SimRegistry | undefined {
  const host = hostnameOf(server);
  const hub = DOCKER_HUB_NAMES.includes(host);
  return simRegistries().find((r) => {
    const names = [r.server, ...r.aliases];
    if (hub) return names.some((n) => DOCKER_HUB_NAMES.includes(n));
    return names.includes(host);
  });
}

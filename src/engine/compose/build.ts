/**
 * `build:` simulated: the Dockerfile is read from the build context on the sandbox host, its base
 * image found (or pulled), and a new image tagged as Compose names it (`myapp_web` / `myapp-web`),
 * with the legacy builder's step output (what Docker 20.10 prints to Compose 1.29). The image
 * behaves as its base; CMD, ENTRYPOINT-free settings (ENV, EXPOSE, WORKDIR) are read back from the
 * Dockerfile when the service's container is created.
 */
import type { Engine } from '../engine.ts';
import { EngineError } from '../errors.ts';
import { findImage, parseReference, pullImage } from '../ops/images.ts';
import { ComposeError, V2_EXIT } from './errors.ts';
import { isHostDir, presetFiles, readHostFile } from './host-files.ts';
import type { Progress } from './progress.ts';
import type { Project, ServiceModel } from './project.ts';

export interface Instruction {
  keyword: string;
  args: string;
  /** As written, for `Step N/M : ...`. */
  text: string;
}

export function parseDockerfile(text: string): Instruction[] {
  const out: Instruction[] = [];
  const joined = text.replace(/\\\r?\n/g, ' ');
  for (const raw of joined.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^(\S+)\s*(.*)$/.exec(line);
    if (!m) continue;
    out.push({ keyword: m[1]!.toUpperCase(), args: m[2]!, text: `${m[1]!.toUpperCase()} ${m[2]!}`.trim() });
  }
  return out;
}

function execForm(args: string): string[] {
  const t = args.trim();
  if (t.startsWith('[')) {
    try {
      const v = JSON.parse(t) as unknown;
      if (Array.isArray(v)) return v.map(String);
    } catch {
      // Not JSON: Docker falls back to the shell form.
    }
  }
  return ['/bin/sh', '-c', t];
}

export interface DockerfileConfig {
  cmd: string[] | null;
  env: string[];
  expose: string[];
  workdir: string;
}

function dockerfilePath(svc: ServiceModel): string {
  const b = svc.build!;
  return b.dockerfile.startsWith('/') ? b.dockerfile : `${b.context}/${b.dockerfile}`;
}

/** The settings the built image carries, read from its Dockerfile. */
export function dockerfileConfig(engine: Engine, svc: ServiceModel): DockerfileConfig {
  const text = readHostFile(engine, dockerfilePath(svc)) ?? '';
  const cfg: DockerfileConfig = { cmd: null, env: [], expose: [], workdir: '' };
  for (const ins of parseDockerfile(text)) {
    if (ins.keyword === 'CMD') cfg.cmd = execForm(ins.args);
    else if (ins.keyword === 'ENV') {
      const m = /^(\S+?)(?:=|\s+)(.*)$/.exec(ins.args);
      if (m) cfg.env.push(`${m[1]}=${m[2]!.replace(/^"(.*)"$/, '$1')}`);
    } else if (ins.keyword === 'EXPOSE') {
      for (const p of ins.args.split(/\s+/).filter(Boolean))
        cfg.expose.push(p.includes('/') ? p : `${p}/tcp`);
    } else if (ins.keyword === 'WORKDIR') cfg.workdir = ins.args;
  }
  return cfg;
}

/** Docker's `units.HumanSize`: `%.4g` with decimal units. */
function humanSize(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB'];
  let i = 0;
  let v = n;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${Number(v.toPrecision(4))}${units[i]}`;
}

/** The size of the context as the tar the client sends: a header and padded data per file. */
function contextSize(engine: Engine, dir: string): number {
  const prefix = `${dir}/`;
  const files = new Map<string, string>();
  for (const [p, t] of presetFiles()) if (p.startsWith(prefix)) files.set(p, t);
  for (const [p, t] of Object.entries(engine.state.files)) if (p.startsWith(prefix)) files.set(p, t);
  let size = 1024;
  for (const t of files.values()) size += 512 + Math.ceil(Buffer.byteLength(t) / 512) * 512;
  return size;
}

export function buildImage(
  engine: Engine,
  project: Project,
  svc: ServiceModel,
  image: string,
  progress: Progress,
  becauseMissing: boolean,
): void {
  const v1 = progress.style === 'v1';
  const b = svc.build!;
  if (!isHostDir(engine, b.context)) {
    throw new ComposeError(
      `build path ${b.context} either does not exist, is not accessible, or is not a valid URL.`,
      `unable to prepare context: path "${b.context}" not found`,
      V2_EXIT.build,
    );
  }
  if (v1) progress.info(`Building ${svc.name}`);
  else progress.event(`Service ${svc.name}`, 'Building');
  const text = readHostFile(engine, dockerfilePath(svc));
  if (text === null) {
    throw new ComposeError(
      `Cannot locate specified Dockerfile: ${b.dockerfile}`,
      `failed to solve: failed to read dockerfile: open ${b.dockerfile}: no such file or directory`,
      V2_EXIT.build,
    );
  }
  const steps = parseDockerfile(text);
  const from = steps[0];
  if (from?.keyword !== 'FROM') {
    throw new ComposeError(
      'Dockerfile parse error: no build stage in current context',
      'failed to solve: no build stage in current context',
      V2_EXIT.build,
    );
  }
  const lines: string[] = [
    `Sending build context to Docker daemon  ${humanSize(contextSize(engine, b.context))}`,
  ];
  const baseName = from.args.split(/\s+/)[0]!;
  lines.push(`Step 1/${steps.length} : ${from.text}`);
  let base = findImage(engine, baseName);
  if (!base) {
    try {
      const pulled = pullImage(engine, parseReference(baseName));
      lines.push(...pulled.lines);
      base = pulled.image;
    } catch (e) {
      const msg = e instanceof EngineError || e instanceof Error ? e.message : String(e);
      for (const l of lines) if (v1) progress.info(l);
      throw new ComposeError(
        `Service '${svc.name}' failed to build : ${msg}`,
        `failed to solve: ${baseName}: ${msg}`,
        V2_EXIT.build,
      );
    }
  }
  lines.push(` ---> ${base.id.slice(7, 19)}`);
  let id = base.id;
  steps.slice(1).forEach((ins, i) => {
    lines.push(`Step ${i + 2}/${steps.length} : ${ins.text}`);
    if (ins.keyword === 'COPY' || ins.keyword === 'ADD') {
      id = `sha256:${engine.ids.hex64()}`;
      lines.push(` ---> ${id.slice(7, 19)}`);
      return;
    }
    const tmp = engine.ids.hex64().slice(0, 12);
    lines.push(` ---> Running in ${tmp}`, `Removing intermediate container ${tmp}`);
    id = `sha256:${engine.ids.hex64()}`;
    lines.push(` ---> ${id.slice(7, 19)}`);
  });
  const tag = image.includes(':') ? image : `${image}:latest`;
  lines.push(`Successfully built ${id.slice(7, 19)}`, `Successfully tagged ${tag}`);
  for (const img of engine.state.images) img.repoTags = img.repoTags.filter((t) => t !== tag);
  engine.state.images.push({
    id,
    repoTags: [tag],
    repoDigests: [],
    created: engine.now(),
    size: base.size,
    catalog: base.catalog,
    parent: base.id,
  });
  if (v1) {
    for (const l of lines) progress.info(l);
    if (becauseMissing) {
      progress.info(
        `Image for service ${svc.name} was built because it did not already exist. To rebuild this image you must use \`docker-compose build\` or \`docker-compose up --build\`.`,
      );
    }
  } else progress.event(`Service ${svc.name}`, 'Built');
  void project;
}

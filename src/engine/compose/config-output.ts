/**
 * `config`: the project as each Compose prints it back. 1.29 normalizes (ports to
 * published/target, environment to a map, depends_on with conditions, list networks to a map)
 * and dumps with PyYAML (keys sorted, block lists not indented, a blank line at the end); v2
 * prints compose-go's model (project name first, network names resolved, lists indented).
 */
import { stringify } from 'yaml';
import type { ComposeStyle } from './errors.ts';
import type { NetworkModel, Project, ServiceModel } from './project.ts';

type Obj = Record<string, unknown>;

function envMap(env: string[]): Obj {
  const out: Obj = {};
  for (const e of env) {
    const i = e.indexOf('=');
    out[i < 0 ? e : e.slice(0, i)] = i < 0 ? null : e.slice(i + 1);
  }
  return out;
}

/** A service's `networks:` as config prints it: each network, with its aliases and addresses or null. */
function serviceNetworksOutput(s: ServiceModel): Obj {
  return Object.fromEntries(
    s.networks.map((n) => [
      n.key,
      n.aliases.length || n.ipv4 || n.ipv6
        ? {
            ...(n.aliases.length ? { aliases: n.aliases } : {}),
            ...(n.ipv4 ? { ipv4_address: n.ipv4 } : {}),
            ...(n.ipv6 ? { ipv6_address: n.ipv6 } : {}),
          }
        : null,
    ]),
  );
}

function serviceV1(project: Project, s: ServiceModel): Obj {
  const raw = s.raw;
  const out: Obj = { ...raw };
  if (s.build)
    out.build = {
      context: s.build.context,
      ...(s.build.dockerfile !== 'Dockerfile' ? { dockerfile: s.build.dockerfile } : {}),
    };
  if (raw.environment !== undefined) out.environment = envMap(s.environment);
  if (raw.depends_on !== undefined) {
    out.depends_on = Object.fromEntries(s.dependsOn.map((d) => [d, { condition: 'service_started' }]));
  }
  if (raw.ports !== undefined) {
    out.ports = s.ports.map((p) => ({
      ...(p.hostIp ? { host_ip: p.hostIp } : {}),
      ...(p.protocol !== 'tcp' ? { protocol: p.protocol } : {}),
      ...(p.published ? { published: Number(p.published) } : {}),
      target: p.target,
    }));
  }
  if (raw.networks !== undefined) {
    out.networks = serviceNetworksOutput(s);
  }
  void project;
  return out;
}

function networkV1(n: NetworkModel, raw: unknown): unknown {
  if (n.external) return { external: true, name: n.name };
  return raw ?? {};
}

function serviceV2(project: Project, s: ServiceModel): Obj {
  const out: Obj = {};
  if (s.build) out.build = { context: s.build.context, dockerfile: s.build.dockerfile };
  if (s.command) out.command = s.command;
  if (s.containerName) out.container_name = s.containerName;
  if (s.dependsOn.length) {
    out.depends_on = Object.fromEntries(
      s.dependsOn.map((d) => [d, { condition: 'service_started', required: true }]),
    );
  }
  if (s.entrypoint) out.entrypoint = s.entrypoint;
  if (s.environment.length) out.environment = envMap(s.environment);
  if (s.hostname) out.hostname = s.hostname;
  out.image = s.image ?? `${project.name}-${s.name}`;
  if (!s.networkMode) {
    out.networks = serviceNetworksOutput(s);
  } else out.network_mode = s.networkMode;
  if (s.ports.length) {
    out.ports = s.ports.map((p) => ({
      mode: 'ingress',
      ...(p.hostIp ? { host_ip: p.hostIp } : {}),
      target: p.target,
      ...(p.published ? { published: p.published } : {}),
      protocol: p.protocol,
    }));
  }
  return out;
}

export function renderConfig(project: Project, style: ComposeStyle): string {
  if (style === 'v1') {
    const doc: Obj = {};
    const data = project.data;
    if (project.declaredNetworks.length) {
      doc.networks = Object.fromEntries(
        project.declaredNetworks.map((n) => [n.key, networkV1(n, data.networks?.[n.key])]),
      );
    }
    doc.services = Object.fromEntries(project.services.map((s) => [s.name, serviceV1(project, s)]));
    doc.version = project.version;
    if (project.volumes.length) {
      doc.volumes = Object.fromEntries(project.volumes.map((v) => [v.key, data.volumes?.[v.key] ?? {}]));
    }
    const text = stringify(doc, {
      indentSeq: false,
      sortMapEntries: true,
      singleQuote: true,
      lineWidth: 0,
      nullStr: 'null',
    });
    return `${text}\n`;
  }
  const doc: Obj = { name: project.name };
  doc.services = Object.fromEntries(
    [...project.services]
      .sort((a, b) => (a.name < b.name ? -1 : 1))
      .map((s) => [s.name, serviceV2(project, s)]),
  );
  const nets = project.networks.length ? project.networks : [];
  if (nets.length) {
    doc.networks = Object.fromEntries(
      nets.map((n) => [
        n.key,
        {
          name: n.name,
          ...(n.driver ? { driver: n.driver } : {}),
          ...(n.ipamConfig.length
            ? {
                ipam: {
                  config: n.ipamConfig.map((c) => ({
                    ...(c.subnet ? { subnet: c.subnet } : {}),
                    ...(c.gateway ? { gateway: c.gateway } : {}),
                    ...(c.ipRange ? { ip_range: c.ipRange } : {}),
                  })),
                },
              }
            : {}),
          ...(n.internal ? { internal: true } : {}),
          ...(n.external ? { external: true } : {}),
        },
      ]),
    );
  }
  if (project.volumes.length) {
    doc.volumes = Object.fromEntries(
      project.volumes.map((v) => [v.key, { name: v.name, ...(v.external ? { external: true } : {}) }]),
    );
  }
  return stringify(doc, { indentSeq: true, lineWidth: 0, nullStr: 'null' });
}

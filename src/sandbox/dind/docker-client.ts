/** A dockerode client for DOCKER_HOST (`unix:///path` or `tcp://host:port`), default the local socket. */
import Docker from 'dockerode';

export function dockerFromHost(host: string | undefined): Docker {
  if (!host) return new Docker({ socketPath: '/var/run/docker.sock' });
  if (host.startsWith('unix://')) return new Docker({ socketPath: host.slice('unix://'.length) });
  const m = /^(tcp|http|https):\/\/([^:/]+)(?::(\d+))?\/?$/.exec(host);
  if (!m) throw new Error(`DOCKER_HOST: cannot use '${host}' (unix:///path/docker.sock or tcp://host:port)`);
  const protocol = m[1] === 'https' ? 'https' : 'http';
  return new Docker({ protocol, host: m[2]!, port: Number(m[3] ?? (protocol === 'https' ? 2376 : 2375)) });
}

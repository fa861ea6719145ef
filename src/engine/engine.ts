/**
 * The simulated Docker daemon: state plus the injected clock and ID source. Operations live in
 * `ops/`, one module per API area, and take the engine as their first argument; this class only
 * holds what they share.
 */
import { type Clock, rfc3339Nanos, systemClock } from './clock.ts';
import { type IdSource, SeededIds } from './ids.ts';
import { macForIpv4 } from './ipam.ts';
import { type EngineState, type NetworkRecord, STATE_SCHEMA } from './model/state.ts';
import { localImages } from './ops/images.ts';

export interface EngineOptions {
  clock?: Clock;
  /** Seed for IDs; the same seed and clock give the same sandbox, byte for byte. */
  seed?: number;
  /**
   * Model the host the course's transcripts were recorded on rather than a full Linux host: its
   * kernel cannot create 802.1q VLAN links and it has no `ps` for `docker top`. `transcript` uses
   * it (and `engine-api --recorded-host`); chat sandboxes do not.
   */
  recordedHost?: boolean;
}

/** The sandbox host, as the Docker-in-Docker container of the real backend has it. */
export const SANDBOX_HOST = {
  hostname: 'sandbox',
  ip: '172.20.0.2',
  prefix: 16,
  gateway: '172.20.0.1',
} as const;

export class Engine {
  readonly clock: Clock;
  readonly ids: SeededIds;
  state: EngineState;

  constructor(opts: EngineOptions & { state?: EngineState } = {}) {
    this.clock = opts.clock ?? systemClock;
    if (opts.state) {
      this.state = opts.state;
      this.ids = new SeededIds(opts.state.idSeed);
    } else {
      this.ids = new SeededIds(opts.seed ?? (Math.random() * 2 ** 32) | 0);
      this.state = freshState(this);
      if (opts.recordedHost) {
        this.state.daemon.vlanLinks = false;
        this.state.daemon.hostPs = false;
      }
      // The sandbox host comes with alpine:latest loaded, as the real sandbox image does.
      localImages(this);
    }
  }

  /** A timestamp, strictly increasing within the sandbox. */
  now(): string {
    this.state.tick = (this.state.tick + 7919) % 1_000_000;
    return rfc3339Nanos(this.clock.now(), this.state.tick);
  }

  nowMs(): number {
    return this.clock.now();
  }

  get idSource(): IdSource {
    return this.ids;
  }

  /** Serializable state with the ID generator's position saved. */
  snapshot(): EngineState {
    this.state.idSeed = this.ids.seed;
    return this.state;
  }
}

function freshState(engine: Engine): EngineState {
  const started = rfc3339Nanos(engine.clock.now(), 0);
  const state: EngineState = {
    schema: STATE_SCHEMA,
    idSeed: 0,
    tick: 0,
    daemon: {
      id: daemonId(engine.ids),
      hostname: SANDBOX_HOST.hostname,
      started,
      hostIp: SANDBOX_HOST.ip,
      hostPrefix: SANDBOX_HOST.prefix,
      hostGateway: SANDBOX_HOST.gateway,
      hostMac: macForIpv4(SANDBOX_HOST.ip),
      nextEphemeralPort: 49153,
    },
    networks: [],
    containers: [],
    images: [],
    swarm: null,
    auths: {},
    files: {},
  };
  state.networks.push(
    // docker0's IPAM config shows no gateway, though 172.17.0.1 is it.
    predefined(engine, started, 'bridge', 'bridge', {
      subnet: '172.17.0.0/16',
      effectiveGateway: '172.17.0.1',
    }),
    predefined(engine, started, 'host', 'host'),
    predefined(engine, started, 'none', 'null'),
  );
  return state;
}

/** The daemon ID Docker 20.10 shows in `docker info`: 12 groups of 4 base-32 characters. */
function daemonId(ids: IdSource): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const groups: string[] = [];
  for (let g = 0; g < 12; g++) {
    let s = '';
    for (let i = 0; i < 4; i++) s += alphabet[ids.int(32)];
    groups.push(s);
  }
  return groups.join(':');
}

function predefined(
  engine: Engine,
  created: string,
  name: string,
  driver: string,
  ipam?: { subnet: string; effectiveGateway: string },
): NetworkRecord {
  const bridge = name === 'bridge';
  return {
    id: engine.ids.hex64(),
    name,
    created,
    driver,
    scope: 'local',
    enableIPv6: false,
    internal: false,
    attachable: false,
    ingress: false,
    configOnly: false,
    configFrom: '',
    ipamDriver: 'default',
    ipamOptions: null,
    ipam: ipam ? [ipam] : [],
    userSubnet: false,
    options: bridge
      ? {
          'com.docker.network.bridge.default_bridge': 'true',
          'com.docker.network.bridge.enable_icc': 'true',
          'com.docker.network.bridge.enable_ip_masquerade': 'true',
          'com.docker.network.bridge.host_binding_ipv4': '0.0.0.0',
          'com.docker.network.bridge.name': 'docker0',
          'com.docker.network.driver.mtu': '1500',
        }
      : {},
    labels: {},
    predefined: true,
    allocated: ipam ? [ipam.effectiveGateway] : [],
    ...(bridge ? { bridgeName: 'docker0' } : {}),
  };
}

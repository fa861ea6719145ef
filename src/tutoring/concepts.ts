/**
 * Which idea of the module a command or flag shows, for `/explain`. What a flag *does* comes from
 * the engine's own help text (the command tree); these add *why it matters*, in our words. A
 * command without an entry takes its group's; a flag without one is explained by its help alone.
 */

export interface CommandConcept {
  concept: string;
  /** The `/learn` lesson that teaches it. */
  lesson?: string;
}

/** By command path after `docker` (`network create`); group paths cover their children. */
export const COMMAND_CONCEPTS: Record<string, CommandConcept> = {
  network: {
    concept:
      'Networks decide who can talk to whom: containers on the same network reach each other, others do not.',
    lesson: 'intro',
  },
  'network create': {
    concept:
      "A user-defined network: its own subnet from Docker's pools (or yours), isolation from other networks, and name resolution through the embedded DNS at 127.0.0.11.",
    lesson: 'user-defined',
  },
  'network connect': {
    concept:
      "Connecting on the fly: a running container gets one more interface (eth1, eth2...) and joins that network's DNS.",
    lesson: 'user-defined',
  },
  'network disconnect': {
    concept: 'Disconnecting removes the interface and the name on that network at once, without a restart.',
    lesson: 'user-defined',
  },
  'network ls': {
    concept: 'Every engine starts with three networks: bridge, host and none.',
    lesson: 'intro',
  },
  'network inspect': {
    concept:
      'inspect shows the IPAM configuration (subnet, gateway) and which containers have endpoints on the network.',
    lesson: 'bridge',
  },
  'network rm': {
    concept:
      'A network can go only when no container is attached, and the predefined ones (bridge, host, none) never.',
    lesson: 'user-defined',
  },
  'network prune': {
    concept: 'prune removes user-defined networks no container uses.',
    lesson: 'user-defined',
  },
  swarm: {
    concept: 'Swarm mode joins Docker hosts into a cluster; overlay networks span its nodes over VXLAN.',
    lesson: 'overlay',
  },
  service: {
    concept:
      'A service runs replicas across the swarm; on an overlay it gets a virtual IP and its name resolves to it.',
    lesson: 'overlay',
  },
  node: {
    concept: 'Nodes are the hosts of a swarm: managers keep its state, workers run tasks.',
    lesson: 'overlay',
  },
  run: {
    concept:
      "`docker run` = create + start: the container gets an endpoint on its network(s), an address, and the network's DNS.",
    lesson: 'bridge',
  },
  create: {
    concept: 'create makes the container and its endpoints; addresses are handed out when it starts.',
    lesson: 'bridge',
  },
  start: {
    concept: 'Starting a container activates its endpoints: it gets its addresses and its published ports.',
    lesson: 'bridge',
  },
  stop: {
    concept: 'A stopped container gives its addresses back; the next start may get different ones.',
    lesson: 'bridge',
  },
  restart: { concept: "restart keeps the container's endpoints and addresses.", lesson: 'bridge' },
  exec: {
    concept:
      'exec runs a program inside a running container, in its network namespace: what it sees is what the container sees.',
    lesson: 'intro',
  },
  ps: { concept: 'ps lists containers with their published ports and networks.', lesson: 'bridge' },
  port: { concept: 'Published ports map HOST_PORT to CONTAINER_PORT through the host.', lesson: 'bridge' },
  kill: {
    concept:
      'kill sends a signal (KILL by default); a killed container releases its addresses like a stopped one.',
    lesson: 'bridge',
  },
  pause: {
    concept: 'A paused container keeps its addresses but answers nothing until unpaused.',
    lesson: 'bridge',
  },
  unpause: {
    concept: 'Unpausing lets a paused container answer again, on the same addresses.',
    lesson: 'bridge',
  },
  rm: {
    concept: 'Removing a container removes its endpoints: its addresses and DNS names go with it.',
    lesson: 'user-defined',
  },
  rename: {
    concept: "Renaming updates the embedded DNS at once: the new name resolves, the old one doesn't.",
    lesson: 'user-defined',
  },
  wait: {
    concept: 'wait blocks until the container stops and prints its exit code (POST /containers/{id}/wait).',
    lesson: 'api-objects',
  },
  logs: {
    concept: 'logs shows what the main process wrote; through the API it is GET /containers/{id}/logs.',
    lesson: 'api-objects',
  },
  inspect: {
    concept: "inspect prints the Engine API's JSON for any object: networks, containers, images.",
    lesson: 'engine-api',
  },
  rmi: {
    concept: 'Removing an image: DELETE /images/{name}; refused while a container uses it, unless forced.',
    lesson: 'api-objects',
  },
  tag: {
    concept: 'A tag is another name for the same image ID; pushing uses the registry part of the name.',
    lesson: 'registry-auth',
  },
  container: { concept: 'Containers are the endpoints of Docker networks.', lesson: 'api-objects' },
  volume: {
    concept:
      "Volumes keep data outside a container's writable layer, so it survives the container: Compose's `down -v` removes the project's named volumes.",
    lesson: 'compose',
  },
  image: {
    concept: 'Images are what containers start from; the Engine API manages them under /images.',
    lesson: 'api-objects',
  },
  commit: {
    concept:
      "commit saves a container's changes as a new image (POST /commit in the Engine API): what you installed or wrote becomes a layer others can run.",
    lesson: 'api-objects',
  },
  history: {
    concept: 'history lists the layers an image is made of, newest first, with the step that made each one.',
    lesson: 'api-objects',
  },
  images: {
    concept: 'Images are what containers start from; the Engine API manages them under /images.',
    lesson: 'api-objects',
  },
  pull: {
    concept: 'Pulling fetches an image from a registry; private ones need credentials.',
    lesson: 'registry-auth',
  },
  push: {
    concept: 'Pushing needs credentials: the CLI sends them to the daemon as the X-Registry-Auth header.',
    lesson: 'registry-auth',
  },
  login: {
    concept:
      "docker login checks credentials through the daemon's /auth endpoint and keeps them for push and pull.",
    lesson: 'registry-auth',
  },
  logout: { concept: 'logout forgets the stored credentials for a registry.', lesson: 'registry-auth' },
  version: {
    concept: 'The client and the daemon each have an API version; the client speaks the lower of the two.',
    lesson: 'engine-api',
  },
  info: {
    concept: "info is GET /info of the Engine API: the daemon's view of itself.",
    lesson: 'engine-api',
  },
  system: {
    concept: 'system commands ask the daemon about itself through the Engine API.',
    lesson: 'engine-api',
  },
  compose: {
    concept:
      "Compose puts a project's services on `<project>_default` and they find each other by service name.",
    lesson: 'compose',
  },
};

/** By `command path --flag`; `*` for a flag that means the same on every command. */
export const FLAG_CONCEPTS: Record<string, string> = {
  'network create --driver':
    'The driver is the kind of network: bridge (one host), overlay (across a swarm), macvlan/ipvlan (straight onto the physical LAN).',
  'network create --subnet':
    'Choose the address range yourself instead of taking the next free pool; needed later for fixed `--ip` addresses.',
  'network create --gateway':
    "The gateway is the host's own address on the network; containers route through it.",
  'network create --ip-range':
    'Containers get addresses only from this part of the subnet; the rest stays free for fixed addresses.',
  'network create --internal':
    'Internal networks have no way out: containers on them talk to each other and nothing else.',
  'network create --attachable':
    'Overlay networks are for services unless attachable: then plain `docker run` containers may join too.',
  'network create --ipv6': 'IPv6 needs a subnet of its own (`--subnet` with an IPv6 range).',
  'network create --opt':
    'Driver options: for macvlan `parent=eth0` (or `eth0.50` for an 802.1q trunk), for bridge the bridge name or MTU, for overlay `encrypted`.',
  'network create --aux-address':
    'Reserves addresses the IPAM must not hand to containers (a device already on the LAN).',
  'network create --scope': 'local networks live on one host; swarm networks on every node of the swarm.',
  'network create --config-only':
    'A config-only network holds settings (subnet, parent) for another network to use with `--config-from`.',
  'network create --config-from':
    'Take the configuration of a config-only network: how swarm-wide macvlan networks get per-node settings.',
  'network create --ingress':
    'The ingress network carries the routing mesh: any swarm node answers on a published port.',
  'network connect --ip': 'A fixed address works only on a network with a subnet you chose (`--subnet`).',
  'network connect --alias': 'An extra name the embedded DNS answers for, on this network only.',
  'network connect --link':
    'Legacy links: an /etc/hosts entry. On user-defined networks, names already resolve without them.',
  'run --network':
    "Which network the container joins: the default bridge if not given, `host` shares the host's stack, `none` leaves only loopback.",
  'run --publish':
    'HOST_PORT:CONTAINER_PORT: the host forwards its port to the container; one container per host port.',
  'run --publish-all': 'Every exposed port gets a free host port from 32768 up.',
  'run --ip': 'A fixed address: only on a user-defined network with your own subnet.',
  'run --network-alias': 'An extra DNS name on a user-defined network; several containers may share one.',
  'run --link': 'Legacy: on the default bridge the only way to reach another container by name.',
  'run --dns': 'The resolver in /etc/resolv.conf; on user-defined networks the embedded DNS forwards to it.',
  'run --dns-search': 'A search domain appended to short names.',
  'run --add-host': "A fixed line in the container's /etc/hosts.",
  'run --hostname': "The container's own name for itself; not a DNS name for others.",
  'run --mac-address': 'MAC addresses are derived from the IPv4 address (02:42:...) unless you set one.',
  'run --rm': 'The container is removed when it exits, and its endpoints with it.',
  'run --name': 'On user-defined networks the name is also a DNS name.',
  'service create --network': 'Service tasks join the overlay; the service name resolves to its virtual IP.',
  'service create --publish': 'Published through the ingress routing mesh: every node answers on the port.',
  'service create --replicas': 'How many tasks; the VIP balances between them.',
  'service create --mode': 'replicated runs N tasks; global one per node.',
  'swarm init --advertise-addr': 'The address other nodes use to reach this manager.',
  'swarm leave --force': "A manager must force its way out: leaving erases the swarm's state.",
  '* --format': 'Go templates pick fields out of the same JSON the Engine API returns.',
  '* --filter': 'Filters are sent to the Engine API as a JSON query parameter and applied by the daemon.',
};

/** Extra words for a few flag values worth a sentence (`--driver overlay`, `--network host`). */
export const VALUE_CONCEPTS: Record<string, Record<string, string>> = {
  driver: {
    bridge: 'bridge: a Linux bridge on this host; the default.',
    overlay: "overlay: spans the swarm's nodes; needs `docker swarm init` first.",
    macvlan: 'macvlan: each container gets its own MAC on the parent interface, as if plugged into the LAN.',
    ipvlan: "ipvlan: containers share the parent's MAC, each with its own IP.",
    host: 'host: only one host network exists; use `--network host` instead.',
    null: 'null: the driver of `none`; only one exists.',
  },
  network: {
    host: "host: no isolation; the container uses the host's interfaces and ports.",
    none: 'none: loopback only; the container reaches nothing and nothing reaches it.',
    bridge: 'bridge: the default bridge; addresses only, no DNS between containers.',
    default: 'default: the default bridge.',
  },
};

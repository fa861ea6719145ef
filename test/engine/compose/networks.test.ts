/**
 * Compose networks: split front/back ends, internal and external networks, aliases, static
 * addresses, custom names and IPAM, dependency order, volumes. Each case is one compose file.
 */
import { describe, expect, it } from 'vitest';
import { reach } from '../../../src/engine/tools/netinfo.ts';
import { container, freshEngine, lookup, putFile, run, tcp } from './helpers.ts';

const SPLIT = `version: "3.8"
services:
  proxy:
    image: alpine
    command: httpd -f -p 80
    ports: ["8080:80"]
    networks: [frontend]
    depends_on: [app]
  app:
    image: alpine
    command: httpd -f -p 8000
    networks:
      frontend:
        aliases: [api]
      backend:
        ipv4_address: 172.28.5.10
  db:
    image: alpine
    command: nc -l -p 5432
    container_name: shop-database
    hostname: dbhost
    networks: [backend]
networks:
  frontend:
  backend:
    internal: true
    ipam:
      config:
        - subnet: 172.28.5.0/24
`;

describe('front-end / back-end split', () => {
  it('creates both networks, in first-use order, and starts by dependency', async () => {
    const e = freshEngine();
    putFile(e, 'shop/docker-compose.yml', SPLIT);
    const up = await run(e, 'docker-compose -f shop/docker-compose.yml up -d');
    expect(up.code).toBe(0);
    expect(up.out).toBe(
      [
        'Creating network "shop_frontend" with the default driver',
        'Creating network "shop_backend" with the default driver',
        'Creating shop_app_1    ... ',
        'Creating shop-database ... ',
        'Creating shop_app_1    ... done',
        'Creating shop-database ... done',
        'Creating shop_proxy_1  ... ',
        'Creating shop_proxy_1  ... done',
        '',
      ].join('\n'),
    );
  });

  it('lets each service reach only what shares a network with it', async () => {
    const e = freshEngine();
    putFile(e, 'shop/docker-compose.yml', SPLIT);
    await run(e, 'docker-compose -f shop/docker-compose.yml up -d');
    // proxy (front) -> app by service name and by alias; not db (back only).
    expect(tcp(e, 'shop_proxy_1', 'app', 8000)).toBe('ok');
    expect(tcp(e, 'shop_proxy_1', 'api', 8000)).toBe('ok');
    expect(lookup(e, 'shop_proxy_1', 'db')).toBeNull();
    expect(lookup(e, 'shop_proxy_1', 'shop-database')).toBeNull();
    // app sits on both: db by service, container name and hostname.
    const dbIp = container(e, 'shop-database').endpoints[0]!.ipv4;
    expect(lookup(e, 'shop_app_1', 'db')).toBe(dbIp);
    expect(lookup(e, 'shop_app_1', 'shop-database')).toBe(dbIp);
    expect(lookup(e, 'shop_app_1', 'dbhost')).toBe(dbIp);
    expect(tcp(e, 'shop_app_1', 'db', 5432)).toBe('ok');
    // The alias lives on frontend only: db (backend) cannot use it.
    expect(lookup(e, 'shop-database', 'api')).toBeNull();
    expect(lookup(e, 'shop-database', 'app')).toBe('172.28.5.10');
  });

  it('gives the static address and keeps the internal network from the outside', async () => {
    const e = freshEngine();
    putFile(e, 'shop/docker-compose.yml', SPLIT);
    await run(e, 'docker-compose -f shop/docker-compose.yml up -d');
    const app = container(e, 'shop_app_1');
    const backend = e.state.networks.find((n) => n.name === 'shop_backend')!;
    expect(backend.internal).toBe(true);
    expect(backend.ipam[0]!.subnet).toBe('172.28.5.0/24');
    expect(app.endpoints.find((ep) => ep.networkId === backend.id)!.ipv4).toBe('172.28.5.10');
    // db is on the internal network only: the sandbox host is out of its reach.
    expect(reach(e, container(e, 'shop-database'), '172.20.0.2').kind).toBe('lost');
    expect(reach(e, container(e, 'shop_proxy_1'), '172.20.0.2').kind).toBe('ok');
    const inspect = await run(e, "docker network inspect -f '{{.Internal}}' shop_backend");
    expect(inspect.out).toBe('true\n');
  });

  it('down removes both networks', async () => {
    const e = freshEngine();
    putFile(e, 'shop/docker-compose.yml', SPLIT);
    await run(e, 'docker-compose -f shop/docker-compose.yml up -d');
    const down = await run(e, 'docker-compose -f shop/docker-compose.yml down');
    expect(down.out).toContain('Removing network shop_frontend\nRemoving network shop_backend\n');
    expect(e.state.networks.map((n) => n.name).sort()).toEqual(['bridge', 'host', 'none']);
  });
});

describe('external networks', () => {
  const FILE = `version: "3.8"
services:
  web:
    image: alpine
    command: sleep 1000
    networks: [outside]
networks:
  outside:
    external: true
`;

  it('fails while the network does not exist, with each Compose wording', async () => {
    const e = freshEngine();
    putFile(e, 'ext/docker-compose.yml', FILE);
    expect(await run(e, 'docker-compose -f ext/docker-compose.yml up -d')).toEqual({
      out: 'Network outside declared as external, but could not be found. Please create the network manually using `docker network create outside` and try again.\n',
      code: 1,
    });
    expect(await run(e, 'docker compose -f ext/docker-compose.yml up -d')).toEqual({
      out: 'network outside declared as external, but could not be found\n',
      code: 1,
    });
  });

  it('joins an existing network and leaves it at down', async () => {
    const e = freshEngine();
    putFile(e, 'ext/docker-compose.yml', FILE);
    await run(e, 'docker network create outside');
    await run(e, 'docker run -d --name other --network outside alpine sleep 1000');
    const up = await run(e, 'docker-compose -f ext/docker-compose.yml up -d');
    expect(up.out).toBe('Creating ext_web_1 ... \nCreating ext_web_1 ... done\n');
    expect(lookup(e, 'other', 'web')).toBe(container(e, 'ext_web_1').endpoints[0]!.ipv4);
    const down = await run(e, 'docker-compose -f ext/docker-compose.yml down');
    expect(down.out).toContain('Network outside is external, skipping\n');
    expect(e.state.networks.some((n) => n.name === 'outside')).toBe(true);
  });

  it('names an external network by `name:` too', async () => {
    const e = freshEngine();
    putFile(
      e,
      'ext2/docker-compose.yml',
      `services:\n  web:\n    image: alpine\n    command: sleep 1000\n    networks: [shared]\nnetworks:\n  shared:\n    external: true\n    name: course-net\n`,
    );
    await run(e, 'docker network create course-net');
    const up = await run(e, 'docker compose -f ext2/docker-compose.yml up -d');
    expect(up.out).toBe(
      ' Container ext2-web-1  Creating\n Container ext2-web-1  Created\n Container ext2-web-1  Starting\n Container ext2-web-1  Started\n',
    );
  });
});

describe('network settings', () => {
  it('creates a custom-named network with driver, gateway and range', async () => {
    const e = freshEngine();
    putFile(
      e,
      'lab/docker-compose.yml',
      `version: "3.8"
services:
  a:
    image: alpine
    command: sleep 1000
    networks: [labnet]
networks:
  labnet:
    name: lab-net
    driver: bridge
    ipam:
      config:
        - subnet: 10.10.0.0/16
          ip_range: 10.10.5.0/24
          gateway: 10.10.0.254
`,
    );
    const up = await run(e, 'docker-compose -f lab/docker-compose.yml up -d');
    expect(up.out.split('\n')[0]).toBe('Creating network "lab-net" with driver "bridge"');
    const nw = e.state.networks.find((n) => n.name === 'lab-net')!;
    expect(nw.ipam[0]).toMatchObject({
      subnet: '10.10.0.0/16',
      ipRange: '10.10.5.0/24',
      gateway: '10.10.0.254',
    });
    expect(container(e, 'lab_a_1').endpoints[0]!.ipv4).toBe('10.10.5.0');
    const down = await run(e, 'docker-compose -f lab/docker-compose.yml down');
    expect(down.out).toContain('Removing network lab-net\n');
  });

  it('refuses a static address outside the subnet, as the daemon does', async () => {
    const e = freshEngine();
    putFile(
      e,
      'bad-ip/docker-compose.yml',
      `version: "3.8"
services:
  a:
    image: alpine
    command: sleep 1000
    networks:
      net:
        ipv4_address: 10.99.0.5
networks:
  net:
    ipam:
      config:
        - subnet: 10.10.0.0/24
`,
    );
    const up = await run(e, 'docker-compose -f bad-ip/docker-compose.yml up -d');
    expect(up.code).toBe(1);
    expect(up.out).toContain('Creating bad-ip_a_1 ... error');
    expect(up.out).toContain(
      "ERROR: for bad-ip_a_1  Cannot start service a: Invalid address 10.99.0.5: It does not belong to any of this network's subnets",
    );
    expect(up.out.trimEnd().split('\n').at(-1)).toBe('Encountered errors while bringing up the project.');
  });

  it('warns about declared networks no service uses, and does not create them', async () => {
    const e = freshEngine();
    putFile(
      e,
      'unused/docker-compose.yml',
      `version: "3.8"\nservices:\n  a:\n    image: alpine\n    command: sleep 1000\nnetworks:\n  spare:\n`,
    );
    const up = await run(e, 'docker-compose -f unused/docker-compose.yml up -d');
    expect(up.out.split('\n').slice(0, 2)).toEqual([
      'Some networks were defined but are not used by any service: spare',
      'Creating network "unused_default" with the default driver',
    ]);
    expect(e.state.networks.some((n) => n.name === 'unused_spare')).toBe(false);
  });

  it('reports a port already taken by another project', async () => {
    const e = freshEngine();
    await run(e, 'docker-compose -f myapp/docker-compose.yml up -d');
    const second = await run(e, 'docker-compose -f myapp/docker-compose.yml -p other up -d');
    expect(second.code).toBe(1);
    expect(second.out).toMatch(
      /ERROR: for other_web_1 {2}Cannot start service web: driver failed programming external connectivity on endpoint other_web_1 \([0-9a-f]{64}\): Bind for 0\.0\.0\.0:8001 failed: port is already allocated/,
    );
    expect(second.out).toContain('\nERROR: for web  Cannot start service web: ');
  });

  it('keeps named volumes until down -v', async () => {
    const e = freshEngine();
    putFile(
      e,
      'vol/docker-compose.yml',
      `version: "3.8"\nservices:\n  db:\n    image: postgres\n    environment:\n      POSTGRES_PASSWORD: x\n    volumes:\n      - dbdata:/var/lib/postgresql/data\nvolumes:\n  dbdata:\n`,
    );
    const up = await run(e, 'docker-compose -f vol/docker-compose.yml up -d');
    expect(up.out).toContain('Creating volume "vol_dbdata" with local driver\n');
    expect(container(e, 'vol_db_1').hostConfig.binds).toEqual(['vol_dbdata:/var/lib/postgresql/data']);
    const down = await run(e, 'docker-compose -f vol/docker-compose.yml down');
    expect(down.out).not.toContain('volume');
    const up2 = await run(e, 'docker-compose -f vol/docker-compose.yml up -d');
    expect(up2.out).not.toContain('Creating volume');
    const downV = await run(e, 'docker-compose -f vol/docker-compose.yml down -v');
    expect(downV.out).toContain('Removing network vol_default\nRemoving volume vol_dbdata\n');
  });

  it('takes the project name from the directory, lowercased, other characters dropped', async () => {
    const e = freshEngine();
    putFile(
      e,
      'My.App 2/docker-compose.yml',
      'services:\n  a:\n    image: alpine\n    command: sleep 1000\n',
    );
    const up = await run(e, "docker-compose -f 'My.App 2/docker-compose.yml' up -d");
    expect(up.out.split('\n')[0]).toBe('Creating network "myapp2_default" with the default driver');
  });
});

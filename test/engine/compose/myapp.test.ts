/** The module's `myapp` example (web + postgres), end to end, in both Compose spellings. */
import { describe, expect, it } from 'vitest';
import { connect } from '../../../src/engine/tools/netinfo.ts';
import { container, freshEngine, lookup, run, tcp } from './helpers.ts';

const F = '-f myapp/docker-compose.yml';

describe('myapp with docker-compose (1.29)', () => {
  it('creates myapp_default, builds web, pulls postgres and starts db before web', async () => {
    const e = freshEngine();
    const up = await run(e, `docker-compose ${F} up -d`);
    expect(up.code).toBe(0);
    const lines = up.out.split('\n');
    expect(lines[0]).toBe('Creating network "myapp_default" with the default driver');
    expect(lines).toContain('Building web');
    expect(lines).toContain('Successfully tagged myapp_web:latest');
    expect(lines).toContain('Pulling db (postgres:)...');
    expect(lines).toContain('Status: Downloaded newer image for postgres:latest');
    expect(up.out).toContain(
      'Creating myapp_db_1 ... \nCreating myapp_db_1 ... done\nCreating myapp_web_1 ... \nCreating myapp_web_1 ... done\n',
    );
    // Layer progress is not printed without a terminal.
    expect(up.out).not.toMatch(/Pulling fs layer/);

    const nets = await run(e, 'docker network ls --format {{.Name}}');
    expect(nets.out.split('\n')).toContain('myapp_default');
    const labels = await run(e, "docker network inspect -f '{{json .Labels}}' myapp_default");
    expect(JSON.parse(labels.out)).toEqual({
      'com.docker.compose.network': 'default',
      'com.docker.compose.project': 'myapp',
      'com.docker.compose.version': '1.29.2',
    });
  });

  it('web reaches db by name on 5432 over myapp_default, and the host reaches web on 8001', async () => {
    const e = freshEngine();
    await run(e, `docker-compose ${F} up -d`);
    const dbIp = container(e, 'myapp_db_1').endpoints[0]!.ipv4;
    expect(lookup(e, 'myapp_web_1', 'db')).toBe(dbIp);
    expect(tcp(e, 'myapp_web_1', 'db', 5432)).toBe('ok');
    // Inside the network the container port counts, not a published one.
    expect(tcp(e, 'myapp_web_1', 'db', 5433)).toBe('refused');
    expect(lookup(e, 'myapp_web_1', 'myapp_db_1')).toBe(dbIp);

    const ping = await run(e, `docker-compose ${F} exec -T web ping -c 1 db`);
    expect(ping.code).toBe(0);
    expect(ping.out).toContain(`PING db (${dbIp}): 56 data bytes`);

    const env = await run(e, `docker-compose ${F} exec -T web env`);
    expect(env.out).toContain('DATABASE_URL=postgres://postgres:example@db:5432/postgres');

    const port = await run(e, `docker-compose ${F} port web 8000`);
    expect(port).toEqual({ out: '0.0.0.0:8001\n', code: 0 });
    // The host side: a connection to the sandbox host's address on 8001 lands in web's httpd.
    await run(e, 'docker run -d --name probe alpine sleep 1000');
    expect(connect(e, container(e, 'probe'), '172.20.0.2', 8001)).toMatchObject({
      kind: 'ok',
      server: { name: 'myapp_web_1' },
    });
    expect(connect(e, container(e, 'probe'), '172.20.0.2', 8000).kind).toBe('refused');
  });

  it('ps, logs and config print as 1.29 does without a terminal', async () => {
    const e = freshEngine();
    await run(e, `docker-compose ${F} up -d`);
    const ps = await run(e, `docker-compose ${F} ps`);
    expect(ps.out).toBe(
      [
        '   Name                  Command              State           Ports         ',
        '----------------------------------------------------------------------------',
        'myapp_db_1    docker-entrypoint.sh postgres   Up      5432/tcp              ',
        'myapp_web_1   httpd -f -p 8000                Up      0.0.0.0:8001->8000/tcp',
        '',
      ].join('\n'),
    );
    const services = await run(e, `docker-compose ${F} ps --services`);
    expect(services.out).toBe('db\nweb\n');
    const logs = await run(e, `docker-compose ${F} logs --no-color db`);
    expect(logs.out.split('\n')[0]).toBe('Attaching to myapp_db_1');
    expect(logs.out).toContain('db_1   | LOG:  database system is ready to accept connections');
    const colored = await run(e, `docker-compose ${F} logs db`);
    expect(colored.out).toContain('\u001b[36mdb_1   |\u001b[0m ');
    const config = await run(e, `docker-compose ${F} config`);
    expect(config.out).toContain('    ports:\n    - published: 8001\n      target: 8000\n');
    expect(config.out).toContain("version: '3.8'\n\n");
  });

  it('up again is up to date; down removes containers and the network', async () => {
    const e = freshEngine();
    await run(e, `docker-compose ${F} up -d`);
    const again = await run(e, `docker-compose ${F} up -d`);
    expect(again.out).toBe('myapp_db_1 is up-to-date\nmyapp_web_1 is up-to-date\n');
    const down = await run(e, `docker-compose ${F} down`);
    expect(down.out).toBe(
      [
        'Stopping myapp_web_1 ... ',
        'Stopping myapp_db_1  ... ',
        'Stopping myapp_web_1 ... done',
        'Stopping myapp_db_1  ... done',
        'Removing myapp_web_1 ... ',
        'Removing myapp_db_1  ... ',
        'Removing myapp_web_1 ... done',
        'Removing myapp_db_1  ... done',
        'Removing network myapp_default',
        '',
      ].join('\n'),
    );
    expect(e.state.networks.some((n) => n.name === 'myapp_default')).toBe(false);
    expect(e.state.containers).toHaveLength(0);
    const twice = await run(e, `docker-compose ${F} down`);
    expect(twice.out).toBe('Removing network myapp_default\nNetwork myapp_default not found.\n');
  });

  it('exec without -T has no terminal to give, as in a non-interactive shell', async () => {
    const e = freshEngine();
    await run(e, `docker-compose ${F} up -d`);
    expect(await run(e, `docker-compose ${F} exec web hostname`)).toEqual({
      out: 'the input device is not a TTY\n',
      code: 1,
    });
  });
});

describe('myapp with docker compose (v2)', () => {
  it('prints plain progress and names containers with dashes', async () => {
    const e = freshEngine();
    const up = await run(e, `docker compose ${F} up -d`);
    expect(up.code).toBe(0);
    expect(up.out).toContain(' Network myapp_default  Creating\n Network myapp_default  Created\n');
    expect(up.out).toContain(
      ' Container myapp-db-1  Creating\n Container myapp-db-1  Created\n Container myapp-web-1  Creating\n Container myapp-web-1  Created\n Container myapp-db-1  Starting\n Container myapp-db-1  Started\n Container myapp-web-1  Starting\n Container myapp-web-1  Started\n',
    );
    expect(tcp(e, 'myapp-web-1', 'db', 5432)).toBe('ok');
    const ls = await run(e, 'docker compose ls');
    expect(ls.out).toBe(
      'NAME                STATUS              CONFIG FILES\nmyapp               running(2)          /root/myapp/docker-compose.yml\n',
    );
    const exec = await run(e, `docker compose ${F} exec web hostname`);
    expect(exec.code).toBe(0);
    const down = await run(e, `docker compose ${F} down`);
    expect(down.out).toContain(' Network myapp_default  Removing\n Network myapp_default  Removed\n');
    const empty = await run(e, `docker compose ${F} down`);
    expect(empty.out).toBe('Warning: No resource found to remove for project "myapp".\n');
  });

  it('finds the project by --project-directory and renames it with -p', async () => {
    const e = freshEngine();
    const up = await run(e, 'docker compose --project-directory myapp -p shop up -d');
    expect(up.out).toContain(' Network shop_default  Created');
    expect(container(e, 'shop-web-1').labels['com.docker.compose.project']).toBe('shop');
    const none = await run(e, 'docker compose ps');
    expect(none).toEqual({ out: 'no configuration file provided: not found\n', code: 14 });
  });
});

/**
 * Bad compose files: each with the exact message Compose 1.29 printed for it here (recorded with
 * Debian's docker-compose 1.29.2, no terminal), Compose v2's wording and exit status, and the line
 * the tutor points a student at.
 */
import { describe, expect, it } from 'vitest';
import { freshEngine, putFile, run } from './helpers.ts';

interface Case {
  name: string;
  file: string;
  v1: string;
  v2: string;
  v2Exit: number;
  /** `config` passes; `up` reports it. */
  atUp?: boolean;
}

const CASES: Case[] = [
  {
    name: 'a key indented under a scalar',
    file: 'version: "3.8"\nservices:\n  web:\n    image: alpine\n     ports:\n      - "80:80"\n',
    v1: 'yaml.scanner.ScannerError: mapping values are not allowed here\n  in "./bad/docker-compose.yml", line 5, column 11',
    v2: 'yaml: line 5: mapping values are not allowed in this context',
    v2Exit: 15,
  },
  {
    name: 'a tab for indentation',
    file: 'version: "3.8"\nservices:\n  web:\n\timage: alpine\n',
    v1: 'yaml.scanner.ScannerError: while scanning for the next token\nfound character \'\\t\' that cannot start any token\n  in "./bad/docker-compose.yml", line 4, column 1',
    v2: 'yaml: line 4: found character that cannot start any token',
    v2Exit: 15,
  },
  {
    name: 'an unclosed quote',
    file: 'version: "3.8"\nservices:\n  web:\n    image: "alpine\n',
    v1: 'yaml.scanner.ScannerError: while scanning a quoted scalar\n  in "./bad/docker-compose.yml", line 4, column 12\nfound unexpected end of stream\n  in "./bad/docker-compose.yml", line 5, column 1',
    v2: 'yaml: line 4: found unexpected end of stream',
    v2Exit: 15,
  },
  {
    name: 'an unclosed flow list',
    file: 'version: "3.8"\nservices:\n  web:\n    image: alpine\n    networks: [a, b\n',
    v1: "yaml.parser.ParserError: while parsing a flow sequence\n  in \"./bad/docker-compose.yml\", line 5, column 15\nexpected ',' or ']', but got '<stream end>'\n  in \"./bad/docker-compose.yml\", line 6, column 1",
    v2: "yaml: line 6: did not find expected ',' or ']'",
    v2Exit: 15,
  },
  {
    name: 'a misspelt service option',
    file: 'version: "3.8"\nservices:\n  web:\n    image: alpine\n    portz:\n      - "80:80"\n',
    v1: "The Compose file './bad/docker-compose.yml' is invalid because:\nUnsupported config option for services.web: 'portz'",
    v2: 'validating /root/bad/docker-compose.yml: services.web Additional property portz is not allowed',
    v2Exit: 15,
  },
  {
    name: 'an unknown top-level key',
    file: 'version: "3.8"\nfoo: 1\nservices:\n  web:\n    image: alpine\n',
    v1: "The Compose file './bad/docker-compose.yml' is invalid because:\n'foo' does not match any of the regexes: '^x-'\nYou might be seeing this error because you're using the wrong Compose file version. Either specify a supported version (e.g \"2.2\" or \"3.3\") and place your service definitions under the `services` key, or omit the `version` key and place your service definitions at the root of the file to use version 1.\nFor more on the Compose file format versions, see https://docs.docker.com/compose/compose-file/",
    v2: 'validating /root/bad/docker-compose.yml: (root) Additional property foo is not allowed',
    v2Exit: 15,
  },
  {
    name: 'a misspelt option of a service network',
    file: 'version: "3.8"\nservices:\n  web:\n    image: alpine\n    networks:\n      front:\n        alias: [a]\nnetworks:\n  front:\n',
    v1: "The Compose file './bad/docker-compose.yml' is invalid because:\nservices.web.networks.front contains unsupported option: 'alias'",
    v2: 'validating /root/bad/docker-compose.yml: services.web.networks.front Additional property alias is not allowed',
    v2Exit: 15,
  },
  {
    name: 'a misspelt option of a network',
    file: 'version: "3.8"\nservices:\n  web:\n    image: alpine\nnetworks:\n  front:\n    drivr: bridge\n',
    v1: "The Compose file './bad/docker-compose.yml' is invalid because:\nnetworks.front value 'drivr' does not match any of the regexes: '^x-'",
    v2: 'validating /root/bad/docker-compose.yml: networks.front Additional property drivr is not allowed',
    v2Exit: 15,
  },
  {
    name: 'ports as a string',
    file: 'version: "3.8"\nservices:\n  web:\n    image: alpine\n    ports: "80:80"\n',
    v1: "The Compose file './bad/docker-compose.yml' is invalid because:\nservices.web.ports contains an invalid type, it should be an array",
    v2: 'validating /root/bad/docker-compose.yml: services.web.ports must be a list',
    v2Exit: 15,
  },
  {
    name: 'networks as a number',
    file: 'version: "3.8"\nservices:\n  web:\n    image: alpine\n    networks: 5\n',
    v1: "The Compose file './bad/docker-compose.yml' is invalid because:\nservices.web.networks contains an invalid type, it should be an array, or an object",
    v2: 'validating /root/bad/docker-compose.yml: services.web.networks must be a string',
    v2Exit: 15,
  },
  {
    name: 'an image that is not a string',
    file: 'version: "3.8"\nservices:\n  web:\n    image: 5\n',
    v1: "The Compose file './bad/docker-compose.yml' is invalid because:\nservices.web.image contains an invalid type, it should be a string",
    v2: 'validating /root/bad/docker-compose.yml: services.web.image must be a string',
    v2Exit: 15,
  },
  {
    name: 'a service with neither image nor build',
    file: 'version: "3.8"\nservices:\n  web:\n    ports:\n      - "80:80"\n',
    v1: 'The Compose file is invalid because:\nService web has neither an image nor a build context specified. At least one must be provided.',
    v2: 'service "web" has neither an image nor a build context specified: invalid compose project',
    v2Exit: 15,
  },
  {
    name: 'depends_on naming no service',
    file: 'version: "3.8"\nservices:\n  web:\n    image: alpine\n    depends_on:\n      - db\n',
    v1: "Service 'web' depends on service 'db' which is undefined.",
    v2: 'service "web" depends on undefined service db: invalid compose project',
    v2Exit: 15,
  },
  {
    name: 'a dependency cycle',
    file: 'version: "3.8"\nservices:\n  web:\n    image: alpine\n    depends_on: [web2]\n  web2:\n    image: alpine\n    depends_on: [web]\n',
    v1: 'Circular dependency between web and web2',
    v2: 'dependency cycle detected: web -> web2 -> web',
    v2Exit: 15,
  },
  {
    name: 'an unsupported version',
    file: 'version: "7"\nservices:\n  web:\n    image: alpine\n',
    v1: 'Version "7" in "./bad/docker-compose.yml" is invalid.',
    v2: 'validating /root/bad/docker-compose.yml: version must be a string',
    v2Exit: 15,
  },
  {
    name: 'an empty file',
    file: '',
    v1: "Top level object in './bad/docker-compose.yml' needs to be an object not '<class 'NoneType'>'.",
    v2: 'empty compose file',
    v2Exit: 15,
  },
  {
    name: 'services as a list',
    file: 'version: "3.8"\nservices: []\n',
    v1: "In file './bad/docker-compose.yml', service must be a mapping, not an array.",
    v2: 'validating /root/bad/docker-compose.yml: services must be a mapping',
    v2Exit: 15,
  },
  {
    name: 'a service on an undeclared network',
    file: 'version: "3.8"\nservices:\n  web:\n    image: alpine\n    networks:\n      - front\n',
    v1: 'Service "web" uses an undefined network "front"',
    v2: 'service "web" refers to undefined network front: invalid compose project',
    v2Exit: 15,
    atUp: true,
  },
];

describe('bad compose files', () => {
  for (const c of CASES) {
    it(`${c.name}: 1.29's words`, async () => {
      const e = freshEngine();
      putFile(e, 'bad/docker-compose.yml', c.file);
      const r = await run(e, `docker-compose -f bad/docker-compose.yml ${c.atUp ? 'up -d' : 'config'}`);
      expect(r).toEqual({ out: `${c.v1}\n`, code: 1 });
      // Nothing was created.
      expect(e.state.networks.map((n) => n.name).sort()).toEqual(['bridge', 'host', 'none']);
    });
    it(`${c.name}: v2's words`, async () => {
      const e = freshEngine();
      putFile(e, 'bad/docker-compose.yml', c.file);
      const r = await run(e, `docker compose -f bad/docker-compose.yml ${c.atUp ? 'up -d' : 'config'}`);
      expect(r).toEqual({ out: `${c.v2}\n`, code: c.v2Exit });
    });
  }

  it('a missing file, and no file at all', async () => {
    const e = freshEngine();
    expect(await run(e, 'docker-compose -f nofile.yml config')).toEqual({
      out: ".FileNotFoundError: [Errno 2] No such file or directory: './nofile.yml'\n",
      code: 1,
    });
    expect(await run(e, 'docker compose -f nofile.yml config')).toEqual({
      out: 'open /root/nofile.yml: no such file or directory\n',
      code: 14,
    });
    expect(await run(e, 'docker-compose ps')).toEqual({
      out: "\n        Can't find a suitable configuration file in this directory or any\n        parent. Are you in the right directory?\n\n        Supported filenames: docker-compose.yml, docker-compose.yaml, compose.yml, compose.yaml\n        \n",
      code: 1,
    });
  });

  it('unknown commands and services', async () => {
    const e = freshEngine();
    const frob = await run(e, 'docker-compose -f myapp/docker-compose.yml frob');
    expect(frob.code).toBe(1);
    expect(frob.out.split('\n').slice(0, 4)).toEqual([
      'No such command: frob',
      '',
      'Commands:',
      '  build              Build or rebuild services',
    ]);
    expect(await run(e, 'docker-compose -f myapp/docker-compose.yml logs nosuch')).toEqual({
      out: 'No such service: nosuch\n',
      code: 1,
    });
    expect(await run(e, 'docker-compose -f myapp/docker-compose.yml ls')).toMatchObject({ code: 1 });
    const badFlag = await run(e, 'docker-compose -f myapp/docker-compose.yml ps --frob');
    expect(badFlag.out.split('\n').slice(0, 3)).toEqual([
      'List containers.',
      '',
      'Usage: ps [options] [--] [SERVICE...]',
    ]);
    expect(badFlag.code).toBe(0);
  });
});

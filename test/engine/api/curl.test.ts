/** The sandbox host's curl: flags, curl's own messages and exit codes, and no traffic but the socket. */
import { describe, expect, it } from 'vitest';
import { runHostLine } from '../../../src/engine/index.ts';
import { freshEngine } from './support.ts';

const S = 'curl -s --unix-socket /var/run/docker.sock';

async function sh(line: string, engine = freshEngine()) {
  const r = await runHostLine(engine, line);
  return { out: r.combined, code: r.exitCode };
}

describe('curl on the sandbox host', () => {
  it('reaches the engine through the docker socket only', async () => {
    expect(await sh(`${S} http://localhost/_ping`)).toEqual({ out: 'OK', code: 0 });
    expect(await sh('curl -sS http://localhost/_ping')).toEqual({
      out: "curl: (7) Failed to connect to localhost port 80 after 0 ms: Couldn't connect to server\n",
      code: 7,
    });
    expect(await sh('curl -sS https://example.com/')).toEqual({
      out: 'curl: (6) Could not resolve host: example.com\n',
      code: 6,
    });
    // An address outside the sandbox answers nothing: the connection times out, as to an offline host.
    expect(await sh('curl -s http://93.184.216.34:8080/ -w %{http_code}')).toEqual({ out: '000', code: 28 });
    expect(await sh('curl -sS --unix-socket /tmp/other.sock http://localhost/_ping')).toMatchObject({
      code: 7,
    });
  });

  it('prints the status line and headers with -i, only headers with -I', async () => {
    const i = await sh(`${S} -i http://localhost/v1.41/networks/nothere`);
    expect(i.out).toMatch(
      /^HTTP\/1\.1 404 Not Found\r\nApi-Version: 1\.41\r\nContent-Type: application\/json\r\nDocker-Experimental: false\r\nOstype: linux\r\nServer: Docker\/20\.10\.24\+dfsg1 \(linux\)\r\nDate: .+ GMT\r\nContent-Length: 40\r\n\r\n\{"message":"network nothere not found"\}\n$/,
    );
    const head = await sh(`${S} -I http://localhost/_ping`);
    expect(head.out).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(head.out).toMatch(/Content-Length: 0\r\n/);
    expect(head.out.endsWith('\r\n\r\n')).toBe(true);
  });

  it('sends -d as a form unless told otherwise, and -G moves it to the query', async () => {
    const e = freshEngine();
    expect((await sh(`${S} -d {"Name":"x"} http://localhost/networks/create`, e)).out).toBe(
      `{"message":"Content-Type specified (application/x-www-form-urlencoded) must be 'application/json'"}\n`,
    );
    await sh(
      `${S} -H 'Content-Type: application/json' --data-raw '{"Name":"lab","Labels":{"k":"v"}}' http://localhost/networks/create`,
      e,
    );
    const g = await sh(
      `${S} -G --data-urlencode 'filters={"label":{"k=v":true}}' http://localhost/networks -w '\\n%{http_code}'`,
      e,
    );
    expect(g.out).toMatch(/^\[\{"Name":"lab",/);
    expect(g.out.endsWith('\n200')).toBe(true);
  });

  it('fails with -f on HTTP errors as curl does', async () => {
    expect(await sh(`${S} -f http://localhost/nothere`)).toEqual({ out: '', code: 22 });
    expect(await sh(`${S} -S -f http://localhost/nothere`)).toEqual({
      out: 'curl: (22) The requested URL returned error: 404\n',
      code: 22,
    });
  });

  it('writes -w variables, escapes and unknown names like curl', async () => {
    const r = await sh(
      `${S} -o /dev/null -w '%{http_code} %{content_type} %{size_download}\\t%{bogus}%%\\n' http://localhost/v1.41/networks/none`,
    );
    expect(r.out).toMatch(/^curl: unknown --write-out variable: 'bogus'\n200 application\/json 3\d\d\t%\n$/);
  });

  it("reports usage errors with curl's wording", async () => {
    expect(await sh('curl')).toEqual({
      out: "curl: no URL specified!\ncurl: try 'curl --help' or 'curl --manual' for more information\n",
      code: 2,
    });
    expect(await sh('curl -X')).toEqual({
      out: "curl: option -X: requires parameter\ncurl: try 'curl --help' or 'curl --manual' for more information\n",
      code: 2,
    });
    expect(await sh('curl --bogus http://x')).toEqual({
      out: "curl: option --bogus: is unknown\ncurl: try 'curl --help' or 'curl --manual' for more information\n",
      code: 2,
    });
    expect(await sh('curl -sS foo://x/')).toEqual({
      out: 'curl: (1) Protocol "foo" not supported or disabled in libcurl\n',
      code: 1,
    });
  });

  it('removes dot segments unless --path-as-is, and -L follows the daemon redirect', async () => {
    expect((await sh(`${S} http://localhost/v1.41/networks/../_ping`)).out).toBe('OK');
    expect((await sh(`${S} --path-as-is -w %{http_code} http://localhost/v1.41/x/../../_ping`)).out).toBe(
      '301',
    );
    expect((await sh(`${S} -L --path-as-is http://localhost/v1.41/x/../../_ping`)).out).toBe('OK');
  });

  it('shows the exchange with -v on stderr', async () => {
    const r = await runHostLine(freshEngine(), `${S} -v http://localhost/_ping`);
    expect(r.stdout).toBe('OK');
    expect(r.stderr).toContain('> GET /_ping HTTP/1.1\r\n> Host: localhost\r\n> User-Agent: curl/7.88.1\r\n');
    expect(r.stderr).toContain('< HTTP/1.1 200 OK\r\n');
  });
});

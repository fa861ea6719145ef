/**
 * `curl` on the sandbox host (curl 7.88, as Debian bookworm has it). Only the Docker socket
 * (`--unix-socket /var/run/docker.sock`) leads anywhere: its requests go straight to the Engine
 * API router, in process. Every other target fails the way it does on an offline host, so a
 * student's curl never sends real traffic.
 */

import { type ApiRequest, type ApiResponse, STATUS_TEXT, wireHeaders } from '../api/http.ts';
import { handleApiRequest } from '../api/router.ts';
import type { Terminal } from '../cli/terminal.ts';
import type { Engine } from '../engine.ts';
import type { ContainerRecord, ListenerRecord } from '../model/state.ts';
import { httpAnswer } from '../tools/net-tools.ts';
import { registerHostProgram } from './registry.ts';
import { hostConnect } from './system.ts';

const DOCKER_SOCKETS = new Set(['/var/run/docker.sock', '/run/docker.sock']);
const USER_AGENT = 'curl/7.88.1';
const TRY_HELP = "curl: try 'curl --help' or 'curl --manual' for more information";

interface CurlOptions {
  silent: boolean;
  showError: boolean;
  include: boolean;
  head: boolean;
  method: string | null;
  headers: string[];
  data: string[];
  /** `-d` given (as opposed to none at all: an empty `-d ''` still makes a POST). */
  hasData: boolean;
  output: string | null;
  /** `-D FILE`: the response headers written there (`-` is stdout). */
  dumpHeader: string | null;
  writeOut: string | null;
  fail: boolean;
  verbose: boolean;
  unixSocket: string | null;
  get: boolean;
  pathAsIs: boolean;
  location: boolean;
  url: string | null;
}

/** Options that take a value, by every name curl knows them. */
const WITH_ARG: Record<string, string> = {
  '-X': 'request',
  '--request': 'request',
  '-H': 'header',
  '--header': 'header',
  '-d': 'data',
  '--data': 'data',
  '--data-ascii': 'data',
  '--data-raw': 'data-raw',
  '--data-binary': 'data-binary',
  '--data-urlencode': 'data-urlencode',
  '-o': 'output',
  '--output': 'output',
  '-D': 'dump-header',
  '--dump-header': 'dump-header',
  '-w': 'write-out',
  '--write-out': 'write-out',
  '--unix-socket': 'unix-socket',
  '--url': 'url',
  '-m': 'ignored',
  '--max-time': 'ignored',
  '--connect-timeout': 'ignored',
  '-A': 'user-agent',
  '--user-agent': 'user-agent',
  '-u': 'ignored',
  '--user': 'ignored',
  '--retry': 'ignored',
};

const FLAGS: Record<string, keyof CurlOptions | 'ignored'> = {
  '-s': 'silent',
  '--silent': 'silent',
  '-S': 'showError',
  '--show-error': 'showError',
  '-i': 'include',
  '--include': 'include',
  '-I': 'head',
  '--head': 'head',
  '-f': 'fail',
  '--fail': 'fail',
  '-v': 'verbose',
  '--verbose': 'verbose',
  '-G': 'get',
  '--get': 'get',
  '--path-as-is': 'pathAsIs',
  '-L': 'location',
  '--location': 'location',
  '-k': 'ignored',
  '--insecure': 'ignored',
  '--compressed': 'ignored',
  '-N': 'ignored',
  '--no-buffer': 'ignored',
  '-4': 'ignored',
  '-6': 'ignored',
};

class CurlExit extends Error {
  constructor(
    readonly code: number,
    readonly text: string,
    /** Usage errors always print; transfer errors only without -s (or with -S). */
    readonly usage = false,
  ) {
    super(text);
  }
}

function parseArgs(argv: string[], engine: Engine, term: Terminal): CurlOptions {
  const o: CurlOptions = {
    silent: false,
    showError: false,
    include: false,
    head: false,
    method: null,
    headers: [],
    data: [],
    hasData: false,
    output: null,
    dumpHeader: null,
    writeOut: null,
    fail: false,
    verbose: false,
    unixSocket: null,
    get: false,
    pathAsIs: false,
    location: false,
    url: null,
  };
  const takeValue = (name: string, value: string) => {
    switch (WITH_ARG[name]) {
      case 'request':
        o.method = value;
        break;
      case 'header':
        o.headers.push(value);
        break;
      case 'data':
        o.hasData = true;
        o.data.push(
          value.startsWith('@') ? readFile(engine, value.slice(1), term).replace(/[\r\n]/g, '') : value,
        );
        break;
      case 'data-raw':
        o.hasData = true;
        o.data.push(value);
        break;
      case 'data-binary':
        o.hasData = true;
        o.data.push(value.startsWith('@') ? readFile(engine, value.slice(1), term) : value);
        break;
      case 'data-urlencode':
        o.hasData = true;
        o.data.push(urlencodeData(value));
        break;
      case 'output':
        o.output = value;
        break;
      case 'dump-header':
        o.dumpHeader = value;
        break;
      case 'write-out':
        o.writeOut = value;
        break;
      case 'unix-socket':
        o.unixSocket = value;
        break;
      case 'url':
        o.url = value;
        break;
      case 'user-agent':
        o.headers.push(`User-Agent: ${value}`);
        break;
    }
  };
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq > 0 && WITH_ARG[a.slice(0, eq)] ? a.slice(0, eq) : a;
      if (WITH_ARG[name]) {
        const value = name !== a ? a.slice(eq + 1) : argv[++i];
        if (value === undefined) throw new CurlExit(2, `curl: option ${name}: requires parameter`, true);
        takeValue(name, value);
      } else if (FLAGS[a]) setFlag(o, FLAGS[a]);
      else throw new CurlExit(2, `curl: option ${a}: is unknown`, true);
    } else if (a.startsWith('-') && a.length > 1) {
      // Short options bundle (`-sS`, `-sSf`); one that takes a value ends the bundle (`-XPOST`).
      for (let j = 1; j < a.length; j++) {
        const name = `-${a[j]}`;
        if (WITH_ARG[name]) {
          const value = j + 1 < a.length ? a.slice(j + 1) : argv[++i];
          if (value === undefined) throw new CurlExit(2, `curl: option ${name}: requires parameter`, true);
          takeValue(name, value);
          break;
        }
        const flag = FLAGS[name];
        if (!flag) throw new CurlExit(2, `curl: option ${a}: is unknown`, true);
        setFlag(o, flag);
      }
    } else if (o.url === null) o.url = a;
  }
  return o;
}

function setFlag(o: CurlOptions, flag: keyof CurlOptions | 'ignored'): void {
  if (flag === 'ignored') return;
  (o as unknown as Record<string, boolean>)[flag] = true;
}

/** `@file` data: a file the student put in the sandbox home; a missing one posts nothing, as curl warns. */
function readFile(engine: Engine, path: string, term: Terminal): string {
  const text = engine.state.files[path] ?? engine.state.files[path.replace(/^\.\//, '')];
  if (text !== undefined) return text;
  term.err(`Warning: Couldn't read data from file "${path}", this makes an empty \nWarning: POST.\n`);
  return '';
}

/** `--data-urlencode`: `content`, `=content`, `name=content` (only content is encoded). */
function urlencodeData(value: string): string {
  const enc = (s: string) =>
    encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const eq = value.indexOf('=');
  if (eq < 0) return enc(value);
  if (eq === 0) return enc(value.slice(1));
  return `${value.slice(0, eq)}=${enc(value.slice(eq + 1))}`;
}

interface ParsedUrl {
  host: string;
  port: number;
  path: string;
  query: string;
}

function parseUrl(raw: string, pathAsIs: boolean): ParsedUrl {
  let url = raw;
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(url);
  if (scheme) {
    const proto = scheme[1]!.toLowerCase();
    if (proto !== 'http' && proto !== 'https') {
      throw new CurlExit(1, `curl: (1) Protocol "${scheme[1]}" not supported or disabled in libcurl`);
    }
    url = url.slice(scheme[0].length);
  }
  const slash = url.search(/[/?#]/);
  const authority = slash < 0 ? url : url.slice(0, slash);
  let rest = slash < 0 ? '/' : url.slice(slash);
  if (authority === '') throw new CurlExit(3, 'curl: (3) URL using bad/illegal format or missing URL');
  const hash = rest.indexOf('#');
  if (hash >= 0) rest = rest.slice(0, hash);
  const q = rest.indexOf('?');
  let path = q < 0 ? rest : rest.slice(0, q);
  const query = q < 0 ? '' : rest.slice(q + 1);
  if (!path.startsWith('/')) path = `/${path}`;
  if (!pathAsIs) path = removeDotSegments(path);
  const hostPort = /^(?:[^@]*@)?(\[[^\]]*\]|[^:]*)(?::(\d*))?$/.exec(authority);
  if (!hostPort) throw new CurlExit(3, 'curl: (3) URL using bad/illegal format or missing URL');
  const https = scheme?.[1]?.toLowerCase() === 'https';
  const port = hostPort[2] ? Number(hostPort[2]) : https ? 443 : 80;
  return { host: hostPort[1]!, port, path: path.replace(/ /g, '%20'), query };
}

/** RFC 3986 dot-segment removal, which curl applies unless `--path-as-is`. */
function removeDotSegments(path: string): string {
  const out: string[] = [];
  const segs = path.split('/');
  for (let i = 1; i < segs.length; i++) {
    const s = segs[i]!;
    if (s === '.') {
      if (i === segs.length - 1) out.push('');
    } else if (s === '..') {
      out.pop();
      if (i === segs.length - 1) out.push('');
    } else out.push(s);
  }
  return `/${out.join('/')}`;
}

/** What `-w` prints, with curl's backslash escapes and `%{variables}`. */
function writeOut(format: string, vars: Record<string, string>, term: Terminal): string {
  let out = '';
  for (let i = 0; i < format.length; i++) {
    const c = format[i]!;
    if (c === '\\' && i + 1 < format.length) {
      const e = format[++i]!;
      out += e === 'n' ? '\n' : e === 't' ? '\t' : e === 'r' ? '\r' : `\\${e}`;
    } else if (c === '%' && format[i + 1] === '%') {
      out += '%';
      i++;
    } else if (c === '%' && format[i + 1] === '{') {
      const end = format.indexOf('}', i);
      if (end < 0) {
        out += format.slice(i);
        break;
      }
      const name = format.slice(i + 2, end);
      if (name in vars) out += vars[name];
      else term.err(`curl: unknown --write-out variable: '${name}'\n`);
      i = end;
    } else out += c;
  }
  return out;
}

function transferError(o: CurlOptions, term: Terminal, code: number, text: string): number {
  if (!o.silent || o.showError) term.err(`${text}\n`);
  return code;
}

async function curl(engine: Engine, argv: string[], term: Terminal): Promise<number> {
  let o: CurlOptions;
  try {
    o = parseArgs(argv, engine, term);
  } catch (e) {
    if (e instanceof CurlExit) {
      term.err(`${e.text}\n${TRY_HELP}\n`);
      return e.code;
    }
    throw e;
  }
  if (o.url === null) {
    term.err(`curl: no URL specified!\n${TRY_HELP}\n`);
    return 2;
  }
  let url: ParsedUrl;
  try {
    url = parseUrl(o.url, o.pathAsIs);
  } catch (e) {
    if (e instanceof CurlExit) {
      const code = transferError(o, term, e.code, e.text);
      if (o.writeOut) term.out(writeOut(o.writeOut, failedVars(o, e.code), term));
      return code;
    }
    throw e;
  }
  const fail = (code: number, text: string) => {
    const rc = transferError(o, term, code, text);
    if (o.writeOut) term.out(writeOut(o.writeOut, failedVars(o, code), term));
    return rc;
  };
  // Over TCP the sandbox host reaches its own published ports and its containers' listeners;
  // nothing else answers (no real connection is ever made).
  let tcp: { server: ContainerRecord; listener: ListenerRecord; ip: string } | null = null;
  if (o.unixSocket === null) {
    const ip = url.host === 'localhost' ? '127.0.0.1' : url.host.replace(/^\[|\]$/g, '');
    if (!/^[\d.]+$/.test(ip) && url.host !== 'localhost') {
      return fail(6, `curl: (6) Could not resolve host: ${url.host}`);
    }
    const conn = /^[\d.]+$/.test(ip) ? hostConnect(engine, ip, url.port) : { kind: 'refused' as const };
    if (conn.kind === 'ok') tcp = { server: conn.server, listener: conn.listener, ip };
    else if (conn.kind === 'reset') return fail(56, 'curl: (56) Recv failure: Connection reset by peer');
    else if (conn.kind === 'timeout') {
      return fail(
        28,
        `curl: (28) Failed to connect to ${url.host.replace(/^\[|\]$/g, '')} port ${url.port} after 129674 ms: Couldn't connect to server`,
      );
    } else {
      return fail(
        7,
        `curl: (7) Failed to connect to ${url.host.replace(/^\[|\]$/g, '')} port ${url.port} after 0 ms: Couldn't connect to server`,
      );
    }
  } else if (!DOCKER_SOCKETS.has(o.unixSocket)) {
    const shown = url.host.replace(/^\[|\]$/g, '');
    return fail(
      7,
      `curl: (7) Failed to connect to ${shown} port ${url.port} after 0 ms: Couldn't connect to server`,
    );
  }
  if (o.url.toLowerCase().startsWith('https://')) {
    return fail(35, 'curl: (35) OpenSSL/3.0.19: error:0A00010B:SSL routines::wrong version number');
  }

  let query = url.query;
  let body = o.data.join('&');
  if (o.get && o.hasData) {
    query = query ? `${query}&${body}` : body;
    body = '';
  }
  const method = o.method ?? (o.head ? 'HEAD' : o.hasData && !o.get ? 'POST' : 'GET');
  const headers: Record<string, string> = {
    host: url.port === 80 ? url.host : `${url.host}:${url.port}`,
    'user-agent': USER_AGENT,
    accept: '*/*',
  };
  if (o.hasData && !o.get) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    headers['content-length'] = String(Buffer.byteLength(body));
  }
  const sentHeaders: Array<[string, string]> = [];
  for (const h of o.headers) {
    const colon = h.indexOf(':');
    const semi = h.indexOf(';');
    if (colon > 0) {
      const name = h.slice(0, colon).trim();
      const value = h.slice(colon + 1).trim();
      if (value === '') delete headers[name.toLowerCase()];
      else {
        headers[name.toLowerCase()] = value;
        sentHeaders.push([name, value]);
      }
    } else if (semi > 0 && semi === h.length - 1) {
      headers[h.slice(0, semi).trim().toLowerCase()] = '';
    }
  }
  const req: ApiRequest = {
    method,
    path: url.path,
    query: new URLSearchParams(query),
    headers,
    body: Buffer.from(o.get ? '' : body),
  };
  if (o.verbose) verboseRequest(term, o, url, req);

  let res: ApiResponse;
  if (tcp) {
    const answer = httpAnswer(engine, tcp.server, tcp.listener, url.path);
    if ('raw' in answer) {
      // A listener that does not speak HTTP (nc -e echo): curl refuses the reply.
      return fail(1, 'curl: (1) Received HTTP/0.9 when not allowed');
    }
    res = { status: answer.status, headers: [['Content-Type', 'text/html']], body: Buffer.from(answer.body) };
  } else res = await handleApiRequest(engine, req);
  let redirects = 0;
  while (!tcp && o.location && res.status >= 300 && res.status < 400 && redirects < 50) {
    const loc = res.headers.find(([k]) => k === 'Location')?.[1];
    if (!loc) break;
    const q = loc.indexOf('?');
    res = await handleApiRequest(engine, {
      ...req,
      path: q < 0 ? loc : loc.slice(0, q),
      query: new URLSearchParams(q < 0 ? '' : loc.slice(q + 1)),
    });
    redirects++;
  }
  const bodyBytes = await collectBody(res);
  const headerBlock = statusAndHeaders(res, method);
  if (o.verbose) {
    for (const line of headerBlock.split('\r\n').filter((l) => l !== '')) term.err(`< ${line}\r\n`);
    term.err('< \r\n');
  }

  const failed = o.fail && res.status >= 400;
  // Headers are dumped as they arrive, before any body.
  if (o.dumpHeader === '-') term.out(headerBlock);
  else if (o.dumpHeader !== null && o.dumpHeader !== '/dev/null')
    engine.state.files[o.dumpHeader] = headerBlock;
  let shown = '';
  if ((o.include || o.head) && !failed) shown += headerBlock;
  if (!o.head && !failed && method !== 'HEAD') shown += bodyBytes.toString('utf8');
  if (o.output !== null) {
    if (o.output !== '/dev/null') engine.state.files[o.output] = shown;
  } else term.out(shown);
  if (o.verbose) term.err('* Connection #0 to host localhost left intact\n');
  const contentType =
    res.headers.find(([k]) => k.toLowerCase() === 'content-type')?.[1] ?? res.sniffedType ?? '';
  const vars: Record<string, string> = {
    ...failedVars(o, failed ? 22 : 0),
    http_code: String(res.status).padStart(3, '0'),
    response_code: String(res.status).padStart(3, '0'),
    content_type: contentType,
    size_download: String(failed ? 0 : bodyBytes.length),
    size_header: String(Buffer.byteLength(headerBlock)),
    size_upload: String(req.body.length),
    num_headers: String(headerBlock.split('\r\n').filter((l) => l !== '').length - 1),
    method,
    redirect_url:
      res.status >= 300 && res.status < 400
        ? `http://${headers.host}${res.headers.find(([k]) => k === 'Location')?.[1] ?? ''}`
        : '',
    num_redirects: String(redirects),
  };
  if (failed) {
    const rc = transferError(o, term, 22, `curl: (22) The requested URL returned error: ${res.status}`);
    if (o.writeOut) term.out(writeOut(o.writeOut, vars, term));
    return rc;
  }
  if (o.writeOut) term.out(writeOut(o.writeOut, vars, term));
  return 0;
}

/** `-w` variables for a transfer that got no answer. */
function failedVars(o: CurlOptions, exitcode: number): Record<string, string> {
  return {
    http_code: '000',
    response_code: '000',
    content_type: '',
    size_download: '0',
    size_header: '0',
    size_upload: '0',
    size_request: '0',
    num_headers: '0',
    http_version: '1.1',
    scheme: 'HTTP',
    exitcode: String(exitcode),
    errormsg: '',
    url_effective: o.url ?? '',
    url: o.url ?? '',
    method: o.method ?? 'GET',
    redirect_url: '',
    num_redirects: '0',
    remote_ip: '',
    remote_port: '',
    time_total: '0.001000',
    time_connect: '0.000100',
    time_namelookup: '0.000050',
    time_starttransfer: '0.000900',
    speed_download: '0',
    speed_upload: '0',
  };
}

/** The body, with a streamed part run to what is there now (the sandbox cannot wait for more). */
async function collectBody(res: ApiResponse): Promise<Buffer> {
  if (!res.stream) return res.body;
  const chunks: Buffer[] = [res.body];
  const ctl = new AbortController();
  ctl.abort();
  await res.stream.run((c) => chunks.push(c), ctl.signal);
  return Buffer.concat(chunks);
}

function statusAndHeaders(res: ApiResponse, method: string): string {
  const text = res.status === 101 ? 'UPGRADED' : (STATUS_TEXT[res.status] ?? '');
  let out = `HTTP/1.1 ${res.status} ${text}\r\n`;
  for (const [k, v] of wireHeaders(res, new Date(), method)) out += `${k}: ${v}\r\n`;
  return `${out}\r\n`;
}

function verboseRequest(term: Terminal, o: CurlOptions, url: ParsedUrl, req: ApiRequest): void {
  term.err(`*   Trying ${o.unixSocket}:0...\n`);
  term.err(`* Connected to ${url.host} (${o.unixSocket}) port ${url.port} (#0)\n`);
  const q = req.query.toString();
  term.err(`> ${req.method} ${req.path}${q ? `?${q}` : ''} HTTP/1.1\r\n`);
  const order = ['host', 'user-agent', 'accept'];
  const names: Record<string, string> = { host: 'Host', 'user-agent': 'User-Agent', accept: 'Accept' };
  for (const k of order) if (req.headers[k] !== undefined) term.err(`> ${names[k]}: ${req.headers[k]}\r\n`);
  for (const [k, v] of Object.entries(req.headers)) {
    if (order.includes(k)) continue;
    const name =
      k === 'content-type'
        ? 'Content-Type'
        : k === 'content-length'
          ? 'Content-Length'
          : k.replace(/(^|-)([a-z])/g, (m) => m.toUpperCase());
    term.err(`> ${name}: ${v}\r\n`);
  }
  term.err('> \r\n');
}

registerHostProgram('curl', curl);

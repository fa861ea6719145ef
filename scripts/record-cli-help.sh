#!/bin/bash
# Records the docker 20.10 CLI's help and usage texts from a real CLI into
# src/engine/cli/help/docker-20.10.json: for every command path its Use line, short text, aliases,
# the exact `--help` output, and its argument-count rule (probed with 0 and 20 arguments).
#
# Usage: scripts/record-cli-help.sh [CONTAINER]
#   CONTAINER: a running oracle-dind sandbox to exec into. Without it, one is started on
#   `oracle-isolated` (flags from ../shared/tools/oracle/README.md) and removed afterwards.
# Help is read as the course's sandbox shows it (HOME=/, no TTY, the sandbox's own dockerd).
# Argument probes talk to an unreachable daemon (-H unix:///nonexistent) so that a command whose
# count is accepted fails at once instead of acting: cobra checks the count before connecting.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOCKER_HOST=${DOCKER_HOST:-unix:///var/run/docker.sock}
container=${1:-}
started=
if [ -z "$container" ]; then
  container=oracle-clihelp-$$
  docker run -d --name "$container" --hostname sandbox --network oracle-isolated \
    --cap-add=ALL --cap-drop=SYS_RESOURCE --security-opt seccomp=unconfined \
    --security-opt apparmor=unconfined --security-opt systempaths=unconfined \
    -v /sys/fs/cgroup:/sys/fs/cgroup:rw oracle-dind:latest >/dev/null
  started=1
  trap 'docker rm -f -v "$container" >/dev/null' EXIT
  for _ in $(seq 200); do docker logs "$container" 2>&1 | grep -q READY && break; sleep 0.1; done
fi
out=src/engine/cli/help/docker-20.10.json
mkdir -p "$(dirname "$out")"
CONTAINER=$container node --input-type=module - "$out" <<'EOF'
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';

const container = process.env.CONTAINER;
const outFile = process.argv[2];

/** Runs `docker ARGS` inside the sandbox as the recorder does: sh -c, stdin closed. */
function dockerIn(args, { offline = false } = {}) {
  const quoted = args.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const host = offline ? '-H unix:///nonexistent ' : '';
  const line = `timeout 10 docker ${host}${quoted} </dev/null`;
  return new Promise((resolve) => {
    const p = spawn('docker', ['exec', container, 'sh', '-c', line]);
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (code) => resolve({ stdout, stderr, exit: code }));
  });
}

/** Bounded parallelism: most probes answer at once. */
async function pool(items, n, fn) {
  const results = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await fn(items[i]);
      }
    }),
  );
  return results;
}

/** Entries of a `Commands:` or `Management Commands:` section: `  name   short`. */
function section(text, title) {
  const start = text.indexOf(`\n${title}:\n`);
  if (start < 0) return [];
  const rest = text.slice(start + title.length + 3);
  const entries = [];
  for (const line of rest.split('\n')) {
    const m = /^  (\S+)\s+(.*)$/.exec(line);
    if (!m) break;
    entries.push({ name: m[1].replace(/\*$/, ''), short: m[2] });
  }
  return entries;
}

function parseHelp(text) {
  const use = /\nUsage:\s+(.*)\n/.exec(text)?.[1] ?? '';
  const aliases = /\nAliases:\n  (.*)\n/.exec(text)?.[1]?.split(', ') ?? [];
  const lines = text.split('\n');
  const usageAt = lines.findIndex((l) => l.startsWith('Usage:'));
  const short = lines[usageAt + 2] ?? '';
  return { use, aliases, short };
}

/** Argument rule from the errors for 0 and for 20 arguments. */
function argsRule(zero, many) {
  const msg = (r) => (r.stdout + r.stderr).split('\n')[0] ?? '';
  const m0 = msg(zero);
  const m20 = msg(many);
  let m;
  if (/accepts no arguments/.test(m20)) return { kind: 'none' };
  if ((m = /requires exactly (\d+) argument/.exec(m20) ?? /requires exactly (\d+) argument/.exec(m0)))
    return { kind: 'exact', n: Number(m[1]) };
  if ((m = /requires at least (\d+) and at most (\d+) argument/.exec(m20) ?? /requires at least (\d+) and at most (\d+) argument/.exec(m0)))
    return { kind: 'range', min: Number(m[1]), max: Number(m[2]) };
  if ((m = /requires at most (\d+) argument/.exec(m20))) return { kind: 'max', n: Number(m[1]) };
  if ((m = /requires at least (\d+) argument/.exec(m0))) return { kind: 'min', n: Number(m[1]) };
  return { kind: 'any' };
}

const commands = {};
const root = {
  help: await dockerIn(['--help']),
  bare: await dockerIn([]),
  bogusFlag: await dockerIn(['--bogus']),
  bogusCommand: await dockerIn(['bogus']),
};

async function walk(path, listedShort) {
  const help = await dockerIn([...path, '--help']);
  const text = help.stdout;
  const subs = [...section(text, 'Management Commands'), ...section(text, 'Commands')];
  const info = parseHelp(text);
  // The short text as the parent lists it (help shows Long when a command has one).
  if (listedShort !== undefined) info.short = listedShort;
  const key = ['docker', ...path].join(' ');
  if (path.length && subs.length) {
    const bare = await dockerIn(path);
    const bogus = await dockerIn([...path, 'bogus']);
    commands[key] = { group: true, ...info, help: text, bare, bogus, children: subs.map((s) => s.name) };
  } else if (path.length) {
    const [zero, many] = await Promise.all([
      dockerIn(path, { offline: true }),
      dockerIn([...path, ...Array(20).fill('x')], { offline: true }),
    ]);
    commands[key] = { group: false, ...info, help: text, args: argsRule(zero, many) };
    const rule = commands[key].args;
    const sample = rule.kind === 'none' ? many : zero;
    if (rule.kind !== 'any') commands[key].argsErrorSample = (sample.stdout + sample.stderr).split('\n')[0];
  }
  await pool(subs, 12, (s) => walk([...path, s.name], s.short));
}
await walk([]);

const sorted = Object.fromEntries(Object.keys(commands).sort().map((k) => [k, commands[k]]));
const version = (await dockerIn(['--version'])).stdout.trim();
writeFileSync(outFile, `${JSON.stringify({ version, root, commands: sorted }, null, 1)}\n`);
console.log(`recorded ${Object.keys(sorted).length} commands into ${outFile} (${version})`);
EOF

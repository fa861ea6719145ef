#!/bin/bash
# Measures the Engine API half of the fidelity: every recorded scenario is replayed with the real
# docker CLI 20.10 (Debian's /usr/bin/docker) and curl against `docker-tutor engine-api` (one fresh
# simulated engine per scenario), and compared with real Docker's transcript.
# Usage: scripts/engine-api-fidelity.sh [--cli PATH] [--goldens DIR] [SCENARIO.txt ...]
#   (prints one score line each, then the total; each scenario is compared with the .golden beside it)
#   --cli PATH     the docker CLI to replay with (default /usr/bin/docker, Debian's 20.10). Another
#                  CLI needs goldens recorded with it: `--cli /usr/local/bin/docker test/golden-cli28/*.txt`
#                  (CLI 28.2.2 on dockerd 20.10, recorded by scripts/record-cli28.sh).
#   --goldens DIR  the scenarios when none are named: DIR/*.txt (default test/golden)
#   --keep DIR     also write each replay's transcript to DIR/NAME.out (for `transcript.py compare -v`)
# Needs ../shared/tools/oracle/transcript.py for the comparison.
# Lines that test the sandbox host itself rather than the engine (ping, wget, nslookup, cat of its
# files, curl to a published port) are not run: some would reach this machine's own network and
# resolver. They are dropped from both transcripts and counted on the score line.
set -u
cd "$(dirname "$0")/.."
cli=/usr/bin/docker
goldens=test/golden
keep=
files=()
while (($#)); do
  case "$1" in
    --cli) cli=$2; shift 2 ;;
    --goldens) goldens=${2%/}; shift 2 ;;
    --keep) keep=$2; shift 2 ;;
    -*) echo "unknown option $1" >&2; exit 2 ;;
    *) files+=("$1"); shift ;;
  esac
done
[ -x "$cli" ] || { echo "needs a docker CLI at $cli (default: Debian's docker.io)" >&2; exit 1; }
compare=../shared/tools/oracle/transcript.py
[ -f "$compare" ] || { echo "needs $compare" >&2; exit 1; }
((${#files[@]})) || files=("$goldens"/*.txt)
work=$(mktemp -d); trap 'kill $server 2>/dev/null; rm -rf "$work"' EXIT
bin="$work/bin"; mkdir -p "$bin"; ln -s "$cli" "$bin/docker"
total_s=0; total_l=0; total_n=0
# Only lines that go through the engine are scored: a docker command, or curl to the socket. The
# rest test the sandbox host (its files, names, routes, published ports), not the API; and a line
# that talks to the host's network is never run here.
host_only() {
  # a command word may follow the start of the line, ; & | ( and any VAR=value assignments
  local cmd='(^|[;&|(])[[:space:]]*([A-Za-z_][A-Za-z0-9_]*=[^[:space:]]*[[:space:]]+)*'
  # the docker CLI talks only to the socket, whatever its container runs
  [[ "$1" =~ ^[[:space:]]*([A-Za-z_][A-Za-z0-9_]*=[^[:space:]]*[[:space:]]+)*docker[[:space:]] ]] && return 1
  grep -qE "${cmd}(ping|wget|nslookup|ip|nc|arp|route|traceroute|netstat|ss)([[:space:]]|$)" <<<"$1" && return 0
  grep -qE "${cmd}curl([[:space:]]|$)" <<<"$1" && ! grep -q -- '--unix-socket' <<<"$1" && return 0
  grep -qE "${cmd}docker[[:space:]]|--unix-socket" <<<"$1" && return 1
  return 0
}
for f in "${files[@]}"; do
  sock="$work/docker.sock"; rm -f "$sock"
  ./bin/docker-tutor engine-api --listen "unix://$sock" --seed 42 --recorded-host >/dev/null 2>&1 & server=$!
  # (tsx compiles at start: on a busy machine that takes seconds)
  for _ in $(seq 600); do [ -S "$sock" ] && curl -sf --unix-socket "$sock" http://localhost/_ping >/dev/null && break; sleep 0.05; done
  out="$work/t.txt"; : > "$out"; skipped="$work/skipped"; : > "$skipped"
  while IFS= read -r line || [ -n "$line" ]; do
    case "$line" in ''|'#'*|' '*'#'*) [ -z "${line// }" ] && continue ;; esac
    [[ "$line" =~ ^[[:space:]]*# ]] && continue
    [ -z "${line// }" ] && continue
    if host_only "$line"; then printf '%s\n' "$line" >> "$skipped"; continue; fi
    run=${line//\/var\/run\/docker.sock/$sock}
    body=$(cd "$work" && PATH="$bin:$PATH" DOCKER_HOST="unix://$sock" timeout -k 2 20 sh -c "$run 2>&1" </dev/null); rc=$?
    { printf '$ %s\n' "$line"; [ -n "$body" ] && printf '%s\n' "$body"; printf '[exit %d]\n' "$rc"; } >> "$out"
  done < "$f"
  # (timeout -k: a docker CLI that proxies the TERM to its container and goes on waiting is killed.)
  # A hijacked attach or exec connection can keep the server's graceful stop waiting: give it a moment.
  kill $server 2>/dev/null; sleep 0.3; kill -9 $server 2>/dev/null; wait $server 2>/dev/null
  python3 - "${f%.txt}.golden" "$skipped" "$work/golden" <<'PY'
import sys
golden, skipped, dest = sys.argv[1:]
skip = [l.rstrip('\n') for l in open(skipped)]
out, keep = [], True
for line in open(golden):
    if line.startswith('$ '):
        keep = not (skip and line[2:].rstrip('\n') == skip[0])
        if not keep: skip.pop(0)
    if keep: out.append(line)
open(dest, 'w').write(''.join(out))
PY
  [ -z "$keep" ] || { mkdir -p "$keep" && cp "$out" "$keep/$(basename "${f%.txt}").out"; }
  score=$(python3 "$compare" compare "$work/golden" "$out")
  echo "$(basename "$f") $score$( [ -s "$skipped" ] && echo " ($(wc -l < "$skipped") host lines not scored)")"
  read -r s n l <<<"$(sed -E 's#score: ([0-9]+)/([0-9]+) strict, ([0-9]+)/[0-9]+ lenient#\1 \2 \3#' <<<"$score")"
  total_s=$((total_s + s)); total_l=$((total_l + l)); total_n=$((total_n + n))
done
echo "total: $total_s/$total_n strict, $total_l/$total_n lenient"

#!/bin/bash
# Measures the Engine API half of the fidelity: every recorded scenario is replayed with the real
# docker CLI 20.10 (Debian's /usr/bin/docker) and curl against `docker-tutor engine-api` (one fresh
# simulated engine per scenario), and compared with real Docker's transcript.
# Usage: scripts/engine-api-fidelity.sh [test/golden/NN-*.txt ...]   (prints one score line each, then the total)
# Needs ../shared/tools/oracle/transcript.py for the comparison.
set -u
cd "$(dirname "$0")/.."
cli=/usr/bin/docker
[ -x "$cli" ] || { echo "needs Debian's docker.io CLI at $cli" >&2; exit 1; }
compare=../shared/tools/oracle/transcript.py
[ -f "$compare" ] || { echo "needs $compare" >&2; exit 1; }
files=("$@"); ((${#files[@]})) || files=(test/golden/*.txt)
work=$(mktemp -d); trap 'kill $server 2>/dev/null; rm -rf "$work"' EXIT
bin="$work/bin"; mkdir -p "$bin"; ln -s "$cli" "$bin/docker"
total_s=0; total_l=0; total_n=0
for f in "${files[@]}"; do
  sock="$work/docker.sock"; rm -f "$sock"
  ./bin/docker-tutor engine-api --listen "unix://$sock" --seed 42 >/dev/null 2>&1 & server=$!
  for _ in $(seq 100); do [ -S "$sock" ] && break; sleep 0.05; done
  out="$work/t.txt"; : > "$out"
  while IFS= read -r line || [ -n "$line" ]; do
    case "$line" in ''|'#'*|' '*'#'*) [ -z "${line// }" ] && continue ;; esac
    [[ "$line" =~ ^[[:space:]]*# ]] && continue
    [ -z "${line// }" ] && continue
    run=${line//\/var\/run\/docker.sock/$sock}
    body=$(cd "$work" && PATH="$bin:$PATH" DOCKER_HOST="unix://$sock" timeout 20 sh -c "$run 2>&1" </dev/null); rc=$?
    { printf '$ %s\n' "$line"; [ -n "$body" ] && printf '%s\n' "$body"; printf '[exit %d]\n' "$rc"; } >> "$out"
  done < "$f"
  # A hijacked attach or exec connection can keep the server's graceful stop waiting: give it a moment.
  kill $server 2>/dev/null; sleep 0.3; kill -9 $server 2>/dev/null; wait $server 2>/dev/null
  score=$(python3 "$compare" compare "${f%.txt}.golden" "$out")
  echo "$(basename "$f") $score"
  read -r s n l <<<"$(sed -E 's#score: ([0-9]+)/([0-9]+) strict, ([0-9]+)/[0-9]+ lenient#\1 \2 \3#' <<<"$score")"
  total_s=$((total_s + s)); total_l=$((total_l + l)); total_n=$((total_n + n))
done
echo "total: $total_s/$total_n strict, $total_l/$total_n lenient"

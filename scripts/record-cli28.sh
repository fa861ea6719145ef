#!/bin/bash
# Records scenarios from real Docker Engine 20.10 driven by a newer docker CLI (28.2.2, which
# negotiates API 1.41 down from its own): the reference for engine-api with that CLI.
#
# Each scenario runs in its own fresh Docker-in-Docker sandbox (oracle-dind:latest, the oracle's
# image and sandbox flags) on the --internal network oracle-isolated (172.20.0.0/16, so the lone
# sandbox is 172.20.0.2 as in test/golden). The CLI binary is copied into the sandbox and put first
# on PATH for every line, so `docker ...` in a scenario is that CLI talking to the sandbox's
# dockerd 20.10. The transcript has the oracle's format ($ LINE, stdout and stderr together,
# [exit N], CR and CR LF read as LF) and goes to SCENARIO.golden beside SCENARIO.txt.
#
# Usage: scripts/record-cli28.sh [--cli PATH] [--stdout] SCENARIO.txt...
#   --cli PATH  the docker CLI to record with (default /usr/local/bin/docker; a static binary)
#   --stdout    print the transcripts instead of writing .golden files
# Needs the outer dockerd (DOCKER_HOST, default /var/run/docker.sock) with oracle-dind:latest
# (../shared/tools/oracle/build-images.sh). Other people record on the same dockerd: each
# recording holds `flock /tmp/oracle.lock`, and a sandbox that fails is removed.
set -euo pipefail
cd "$(dirname "$0")/.."

cli=/usr/local/bin/docker
to_stdout=0
files=()
while (($#)); do
  case "$1" in
    --cli) cli=$2; shift 2 ;;
    --stdout) to_stdout=1; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) echo "unknown option $1" >&2; exit 2 ;;
    *) files+=("$1"); shift ;;
  esac
done
((${#files[@]})) || { echo "usage: $0 [--cli PATH] [--stdout] SCENARIO.txt..." >&2; exit 2; }
[ -x "$cli" ] || { echo "no docker CLI at $cli" >&2; exit 1; }

export DOCKER_HOST=${DOCKER_HOST:-unix:///var/run/docker.sock}
# The outer daemon is driven by Debian's CLI when there is one (any CLI would do).
outer=$(command -v /usr/bin/docker || command -v docker)
net=oracle-isolated
subnet=172.20.0.0/16
image=oracle-dind:latest
lock=/tmp/oracle.lock
# Where the CLI goes in the sandbox, put first on PATH for each line.
cli_dir=/opt/docker-cli
LINE_TIMEOUT=${LINE_TIMEOUT:-90}

"$outer" image inspect "$image" >/dev/null 2>&1 ||
  { echo "$image is missing: run ../shared/tools/oracle/build-images.sh" >&2; exit 1; }

ensure_network() {
  local have
  have=$("$outer" network inspect -f '{{range .IPAM.Config}}{{.Subnet}}{{end}} {{.Internal}}' "$net" 2>/dev/null || true)
  [ "$have" = "$subnet true" ] && return 0
  if [ -n "$have" ]; then
    echo "network $net is '$have', not '$subnet true'; the recordings need it (see scripts/record-goldens.sh)" >&2
    return 1
  fi
  "$outer" network create --internal --subnet "$subnet" "$net" >/dev/null
}

sandbox=
cleanup() {
  [ -z "$sandbox" ] || "$outer" rm -f -v "$sandbox" >/dev/null 2>&1 || true
  sandbox=
}
trap cleanup EXIT

# Prints the transcript of scenario $1 (the lock is held by the caller).
record() {
  local scenario=$1 line rc body path started ready=0
  sandbox=oracle-cli28-$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')
  local err
  # (its warnings, such as IPv4 forwarding being off on this machine, only matter if it fails)
  err=$("$outer" run -d --name "$sandbox" --hostname sandbox --network "$net" \
    --cap-add=ALL --cap-drop=SYS_RESOURCE --security-opt seccomp=unconfined \
    --security-opt apparmor=unconfined --security-opt systempaths=unconfined \
    -v /sys/fs/cgroup:/sys/fs/cgroup:rw "$image" 2>&1 >/dev/null) || { echo "$err" >&2; return 1; }
  for _ in $(seq 300); do
    if "$outer" logs "$sandbox" 2>&1 | grep -q READY; then ready=1; break; fi
    sleep 0.1
  done
  ((ready)) || { echo "sandbox did not start: $("$outer" logs "$sandbox" 2>&1 | tail -5)" >&2; return 1; }
  "$outer" exec "$sandbox" mkdir -p "$cli_dir" || return 1
  "$outer" cp "$cli" "$sandbox:$cli_dir/docker" || return 1
  path=$("$outer" exec "$sandbox" sh -c 'echo "$PATH"') || return 1
  # The recording is only worth something if the line's `docker` is that CLI on a 20.10 daemon.
  local versions
  versions=$("$outer" exec -e "PATH=$cli_dir:$path" "$sandbox" sh -c \
    'docker version --format "{{.Client.Version}} {{.Server.Version}} {{.Client.APIVersion}}"' 2>&1) ||
    { echo "the CLI in the sandbox does not answer: $versions" >&2; return 1; }
  echo "recording $scenario with CLI/daemon/API $versions" >&2
  body=$(mktemp)
  while IFS= read -r line || [ -n "$line" ]; do
    [[ "$line" =~ ^[[:space:]]*(#|$) ]] && continue
    rc=0
    started=$SECONDS
    timeout -k 5 "$LINE_TIMEOUT" "$outer" exec -e "PATH=$cli_dir:$path" "$sandbox" sh -c "$line 2>&1" \
      </dev/null >"$body.raw" || rc=$?
    if ((SECONDS - started >= LINE_TIMEOUT)); then
      echo "$scenario: '$line' ran over ${LINE_TIMEOUT}s; not recorded" >&2
      rm -f "$body" "$body.raw"
      return 1
    fi
    # Python's text mode (the oracle's) reads CR LF and a lone CR as LF.
    sed 's/\r$//' "$body.raw" | tr '\r' '\n' >"$body"
    printf '$ %s\n' "$line"
    cat "$body"
    [ -s "$body" ] && [ -n "$(tail -c1 "$body")" ] && echo
    printf '[exit %d]\n' "$rc"
  done <"$scenario"
  rm -f "$body" "$body.raw"
}

for f in "${files[@]}"; do
  [ -f "$f" ] || { echo "no scenario $f" >&2; exit 1; }
  out=$(mktemp)
  (
    # One recording at a time on this dockerd, whoever records: the sandbox is then 172.20.0.2.
    exec 9>"$lock"
    flock 9
    trap cleanup EXIT
    ensure_network && record "$f" >"$out"
  ) || { rm -f "$out"; echo "failed: $f" >&2; exit 1; }
  if ((to_stdout)); then cat "$out"; else cat "$out" >"${f%.txt}.golden"; echo "recorded $f" >&2; fi
  rm -f "$out"
done

#!/bin/bash
# Re-record test/golden/*.golden from a real Docker Engine 20.10 (the oracle), one fresh sandbox each.
# Usage: scripts/record-goldens.sh [test/golden/NN-topic.txt ...]   (default: all scenarios)
set -euo pipefail
cd "$(dirname "$0")/.."
oracle=../shared/tools/oracle
export DOCKER_HOST=${DOCKER_HOST:-unix:///var/run/docker.sock}
files=("$@"); ((${#files[@]})) || files=(test/golden/*.txt)
if [ -x "$oracle/run-oracle.py" ]; then
  # Sandboxes live on an --internal network; pin its subnet so the sandbox host is 198.18.0.2
  # (the goldens show it) and never overlaps the 172.17-31 / 192.168 pools Docker hands out inside.
  if ! docker network inspect oracle-isolated >/dev/null 2>&1; then
    docker network create --internal --subnet 198.18.0.0/24 oracle-isolated >/dev/null
  fi
  sub=$(docker network inspect -f '{{range .IPAM.Config}}{{.Subnet}}{{end}}' oracle-isolated)
  [ "$sub" = 198.18.0.0/24 ] || echo "warning: oracle-isolated is $sub, not 198.18.0.0/24; goldens will differ" >&2
  # one at a time: a lone sandbox always gets 198.18.0.2
  exec "$oracle/run-oracle.py" "${files[@]}"
elif [ -x ./bin/docker-tutor ]; then
  for f in "${files[@]}"; do ./bin/docker-tutor transcript --backend dind "$f" > "${f%.txt}.golden"; echo "recorded $f"; done
else
  echo "no recorder: need $oracle/run-oracle.py (real dockerd; see its README) or ./bin/docker-tutor" >&2; exit 1
fi

#!/bin/bash
# Re-record test/golden/*.golden from a real Docker Engine 20.10 (the oracle), one fresh sandbox each.
# Usage: scripts/record-goldens.sh [test/golden/NN-topic.txt ...]   (default: all scenarios)
set -euo pipefail
cd "$(dirname "$0")/.."
oracle=../shared/tools/oracle
export DOCKER_HOST=${DOCKER_HOST:-unix:///var/run/docker.sock}
files=("$@"); ((${#files[@]})) || files=(test/golden/*.txt)
if [ -x "$oracle/run-oracle.py" ]; then
  # Sandboxes live on an --internal network. Its subnet is pinned to the one the course's own
  # recordings were made on (the sandbox host is 172.20.0.2, so Docker inside skips the
  # 172.20.0.0/16 pool: it overlaps the host's route), and the simulator models that host.
  want=172.20.0.0/16
  sub=$(docker network inspect -f '{{range .IPAM.Config}}{{.Subnet}}{{end}}' oracle-isolated 2>/dev/null || true)
  if [ "$sub" != "$want" ]; then
    [ -z "$sub" ] || docker network rm oracle-isolated >/dev/null
    docker network create --internal --subnet $want oracle-isolated >/dev/null
  fi
  # one at a time: a lone sandbox always gets 172.20.0.2
  exec "$oracle/run-oracle.py" "${files[@]}"
elif [ -x ./bin/docker-tutor ]; then
  for f in "${files[@]}"; do ./bin/docker-tutor transcript --backend dind "$f" > "${f%.txt}.golden"; echo "recorded $f"; done
else
  echo "no recorder: need $oracle/run-oracle.py (real dockerd; see its README) or ./bin/docker-tutor" >&2; exit 1
fi

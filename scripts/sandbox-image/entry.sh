#!/bin/sh
# Entry point of docker-tutor-sandbox:local: starts containerd + dockerd 20.10 inside the sandbox,
# loads the images a student needs (no registry here), then marks the sandbox ready.
# The marker /docker-tutor-loading ships in the image; removing it tells the tutor "ready".
set -u
mount -t tmpfs -o mode=755 tmpfs /run 2>/dev/null
mkdir -p /var/run
# cgroup v1 with the host's hierarchy mounted: nest the student's containers under this sandbox's
# own cgroup, so the sandbox's memory/pids/CPU caps also bind them.
parent=$(sed -n 's/^[0-9]*:memory:\(.*\)$/\1/p' /proc/self/cgroup | head -1)
cg=""
if [ -n "$parent" ] && [ "$parent" != "/" ] && [ -d "/sys/fs/cgroup/memory$parent" ]; then
  cg="--cgroup-parent=$parent/sandbox"
fi
# shellcheck disable=SC2086
dockerd --storage-driver=vfs $cg >/var/log/dockerd.log 2>&1 &
i=0
until docker version >/dev/null 2>&1; do
  sleep 0.02
  i=$((i + 1))
  if [ $i -gt 600 ]; then echo "dockerd did not start" >&2; tail -20 /var/log/dockerd.log >&2; exit 1; fi
done
# Side by side: each import is mostly waiting on the engine, and the student is waiting on both.
pids=""
for img in /images/*.tar; do
  [ -e "$img" ] || continue
  ref=$(basename "$img" .tar | sed 's/_/:/')
  docker import -c 'CMD ["/bin/sh"]' "$img" "$ref" >/dev/null &
  pids="$pids $!"
done
for p in $pids; do wait "$p" || echo "an image did not load" >&2; done
rm -rf /images /docker-tutor-loading
echo READY
wait

#!/bin/bash
# Builds docker-tutor-sandbox:local, the Docker-in-Docker sandbox image for machines with no
# registry, from this machine's Debian packages (docker.io 20.10, containerd, runc, iptables, curl,
# busybox-static). Inside, two busybox userlands are loaded at start as alpine:latest and
# busybox:latest. Nothing is pulled. The engine's files live in the volume named by the image's
# label docker-tutor.engine-volume, which the dind backend mounts read-only at /engine.
# Usage: scripts/build-sandbox-image.sh [--if-missing] [TAG]   (DOCKER_HOST = the outer dockerd)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if_missing=0
if [ "${1:-}" = --if-missing ]; then if_missing=1; shift; fi
tag=${1:-docker-tutor-sandbox:local}
# The recipe's fingerprint, kept as a label: --if-missing rebuilds an image made by an older recipe.
recipe=$(cat "$0" "$here/sandbox-image/entry.sh" | sha256sum | cut -c1-16)
if ((if_missing)) &&
  [ "$(docker image inspect -f '{{index .Config.Labels "docker-tutor.recipe"}}' "$tag" 2>/dev/null)" = "$recipe" ] &&
  docker volume inspect "docker-tutor-sandbox-engine-$recipe" >/dev/null 2>&1; then
  echo "$tag already built"
  exit 0
fi

# Debian's own binaries, by their package paths: a newer `docker` CLI earlier in PATH
# (/usr/local/bin) would print other messages than Docker 20.10 does.
debian_bin() {
  local d
  for d in /usr/sbin /usr/bin /sbin /bin; do [ -x "$d/$1" ] && { echo "$d/$1"; return 0; }; done
  echo "missing $1: apt-get install docker.io iptables curl busybox-static" >&2
  return 1
}
for b in dockerd containerd containerd-shim-runc-v2 runc docker docker-proxy docker-init curl xtables-nft-multi; do
  debian_bin "$b" >/dev/null
done
[ -x /bin/busybox ] || { echo "missing /bin/busybox: apt-get install busybox-static" >&2; exit 1; }
"$(debian_bin docker)" --version | grep -q ' 20\.10\.' ||
  { echo "$(debian_bin docker) is not Docker 20.10: $("$(debian_bin docker)" --version)" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# A busybox userland: every applet as a link, in the places alpine keeps them.
userland() { # DIR OS-RELEASE
  local r=$1
  mkdir -p "$r"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,tmp,root,var,run}
  chmod 1777 "$r/tmp"
  cp /bin/busybox "$r/bin/busybox"
  local a
  for a in $(/bin/busybox --list-full); do [ -e "$r/$a" ] || ln -s /bin/busybox "$r/$a"; done
  printf '%s\n' "$2" >"$r/etc/os-release"
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/sbin/nologin\n' >"$r/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$r/etc/group"
}
userland "$work/alpine" $'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.18.4\nPRETTY_NAME="Alpine Linux v3.18"'
sed -i 's|/bin/sh$|/bin/ash|' "$work/alpine/etc/passwd"
userland "$work/busybox" $'NAME="BusyBox"\nID=busybox'

# The engine: its binaries with the shared libraries they need, at their usual paths under $e.
# They go into a named volume mounted read-only at /engine rather than into the image: with the vfs
# storage driver every container gets a full copy of its image, and 190 MB of engine per sandbox
# made a cold start seconds slower. The sandbox's /usr, /lib and /lib64 are links into /engine.
e=$work/engine
mkdir -p "$e"/{usr/bin,usr/sbin,lib,lib64}
bins=()
for b in dockerd containerd containerd-shim-runc-v2 runc docker docker-proxy docker-init curl \
  xtables-nft-multi xtables-legacy-multi; do
  src=$(debian_bin "$b")
  dir=$(dirname "$src")
  case $dir in /sbin) dir=/usr/sbin ;; /bin) dir=/usr/bin ;; esac
  cp -L "$src" "$e$dir/$b"
  bins+=("$e$dir/$b")
done
for n in iptables iptables-save iptables-restore ip6tables ip6tables-save ip6tables-restore; do
  ln -sf xtables-nft-multi "$e/usr/sbin/$n"
done
for n in iptables-legacy iptables-legacy-save iptables-legacy-restore; do ln -sf xtables-legacy-multi "$e/usr/sbin/$n"; done
for b in "${bins[@]}"; do ldd "$b" 2>/dev/null | grep -o '/[^ ]*' || true; done | sort -u | while read -r lib; do
  mkdir -p "$e$(dirname "$lib")"
  cp -L "$lib" "$e$lib"
done
# iptables extensions are loaded at run time, not linked.
for d in /usr/lib/x86_64-linux-gnu/xtables /usr/lib/xtables; do
  [ -d "$d" ] && mkdir -p "$e$(dirname "$d")" && cp -r "$d" "$e$d"
done

# The sandbox's own root: a busybox shell, the entry point, the images to load, links to /engine.
r=$work/sandbox
mkdir -p "$r"/{bin,sbin,etc,proc,sys,dev,tmp,run,root,var/lib/docker,var/log,images,engine}
chmod 1777 "$r/tmp"
cp /bin/busybox "$r/bin/busybox"
for a in sh ash cat ls mkdir mount umount sleep sed head tail grep rm basename seq timeout du df kill ps \
  hostname ip ping wget nslookup env echo test [ true false tr cut sort wc find stat date touch; do
  ln -sf busybox "$r/bin/$a"
done
ln -s /engine/usr "$r/usr"
ln -s /engine/lib "$r/lib"
ln -s /engine/lib64 "$r/lib64"
# curl verifies TLS against these; harmless when absent.
[ -d /etc/ssl/certs ] && mkdir -p "$r/etc/ssl" && cp -rL /etc/ssl/certs "$r/etc/ssl/" 2>/dev/null || true
printf 'NAME="Debian GNU/Linux"\nID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n' >"$r/etc/os-release"
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$r/etc/passwd"
printf 'root:x:0:\ndocker:x:999:\n' >"$r/etc/group"
printf 'hosts: files dns\n' >"$r/etc/nsswitch.conf"
cp "$here/sandbox-image/entry.sh" "$r/entry.sh"
chmod 755 "$r/entry.sh"
touch "$r/docker-tutor-loading"
tar -C "$work/alpine" -cf "$r/images/alpine_latest.tar" .
tar -C "$work/busybox" -cf "$r/images/busybox_latest.tar" .

vol=docker-tutor-sandbox-engine-$recipe
tar -C "$r" -cf - . | docker import \
  -c 'ENTRYPOINT ["/entry.sh"]' \
  -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  -c 'VOLUME /var/lib/docker' \
  -c 'LABEL org.opencontainers.image.title=docker-tutor-sandbox' \
  -c "LABEL docker-tutor.recipe=$recipe" \
  -c "LABEL docker-tutor.engine-volume=$vol" \
  - "$tag" >/dev/null
docker volume rm -f "$vol" >/dev/null 2>&1 || true
docker volume create --label "docker-tutor.recipe=$recipe" "$vol" >/dev/null
tar -C "$e" -cf - . | docker run --rm -i --network none -v "$vol:/engine" --entrypoint /bin/busybox "$tag" tar -xf - -C /engine
# Engines of older recipes, unless a sandbox still uses one.
for old in $(docker volume ls -q --filter name=docker-tutor-sandbox-engine-); do
  [ "$old" = "$vol" ] || docker volume rm "$old" >/dev/null 2>&1 || true
done
echo "built $tag (engine in volume $vol)"

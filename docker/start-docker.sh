#!/usr/bin/env bash
# Installs Docker from Debian (docker.io, plus busybox-static, fontconfig and DejaVu fonts for make-base-image.sh)
# if missing,
# and starts dockerd for offline use. Idempotent: does nothing when `docker info` already answers.
# Env: DOCKER_STORAGE_DRIVERS (default "overlay2 vfs", tried in order), DOCKERD_LOG (default /tmp/dockerd.log)
# The daemon's pid is in /var/run/docker.pid (stop it with: kill "$(cat /var/run/docker.pid)").
set -euo pipefail
LOG="${DOCKERD_LOG:-/tmp/dockerd.log}"

PACKAGES="docker.io busybox-static libfontconfig1 fonts-dejavu-core"
# shellcheck disable=SC2086
if ! dpkg -s $PACKAGES >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $PACKAGES >/dev/null
fi
if docker info >/dev/null 2>&1; then echo "docker is already running"; exit 0; fi

for driver in ${DOCKER_STORAGE_DRIVERS:-overlay2 vfs}; do
  # no bridge and no iptables: containers get --network none (or host); nothing to set up
  setsid dockerd --storage-driver="$driver" --iptables=false --ip6tables=false --bridge=none \
    >"$LOG" 2>&1 </dev/null &
  pid=$!
  for _ in $(seq 60); do
    if docker info >/dev/null 2>&1; then
      echo "dockerd is up: pid $(cat /var/run/docker.pid), storage driver $driver, log $LOG"; exit 0
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  echo "dockerd did not start with storage driver $driver:" >&2; tail -n 5 "$LOG" >&2
  kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
done
exit 1

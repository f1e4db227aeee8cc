#!/usr/bin/env bash
# Installs the Debian packages named as arguments that are missing (as root; else says which to install), then
# prints the installed versions, which the data READMEs record. Sourced by the data scripts of examples/.
require_debian_packages() {
  local missing="" p
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
  if [ -n "$missing" ]; then
    if [ "$(id -u)" = 0 ]; then
      apt-get update
      DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing
    else
      echo "please install:$missing" >&2; return 1
    fi
  fi
  dpkg-query -W -f='${Package} ${Version}\n' "$@" >&2
}

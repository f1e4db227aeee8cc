#!/usr/bin/env bash
# Regenerate kjv.txt.gz (the whole King James Bible, one verse a line) from
# Debian's public-domain SWORD module.  Deterministic: the same package
# versions give the same text byte for byte (and gzip -n the same .gz).
# Made with (Debian 12 bookworm): libsword-utils 1.9.0+dfsg-4+b4,
# sword-text-kjv 14.3-1, python3 3.11, gzip 1.12.
# Usage: examples/text/make-kjv-text.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
pkgs="libsword-utils sword-text-kjv python3 gzip"

source "$here/../require-debian-packages.sh"
require_debian_packages $pkgs

export LC_ALL=C.UTF-8
# The translation example's cleaner (notes dropped, Strong's numbers and every
# other tag removed with their text kept); then "ref<TAB>text" -> "ref text".
mod2imp engKJV2006eb | python3 "$here/../translate/sword2tsv.py" --keep-plain-titles \
    | sed 's/\t/ /' | gzip -n -9 > "$here/kjv.txt.gz"
gzip -dc "$here/kjv.txt.gz" | wc -lmc >&2

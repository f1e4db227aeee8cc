#!/usr/bin/env bash
# Regenerate bible-genre.tsv: King James Version verses labelled by the genre
# section of their book, 800 per class, seed 16.  Deterministic.  Made with
# (Debian 12 bookworm): libsword-utils 1.9.0+dfsg-4+b4, sword-text-kjv 14.3-1,
# python3 3.11.  Uses ../translate/sword2tsv.py for the extraction.
# Usage: examples/words/make-genre-corpus.sh [PER_CLASS [SEED]]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
per_class="${1:-800}"
seed="${2:-16}"
pkgs="libsword-utils sword-text-kjv python3"

source "$here/../require-debian-packages.sh"
require_debian_packages $pkgs

tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
export LC_ALL=C.UTF-8
mod2imp engKJV2006eb | python3 "$here/../translate/sword2tsv.py" --keep-plain-titles > "$tmp/kjv.tsv"
python3 "$here/sample_genre.py" "$tmp/kjv.tsv" "$per_class" "$seed" "$here/bible-genre.tsv"
wc -lc "$here/bible-genre.tsv" >&2

#!/usr/bin/env bash
# Regenerate bible-en-es.tsv (English-Spanish verse pairs) from Debian's
# public-domain SWORD Bible modules.  Deterministic: the same package versions
# give the same file byte for byte.  Made with (Debian 12 bookworm):
#   libsword-utils 1.9.0+dfsg-4+b4, sword-text-kjv 14.3-1,
#   sword-text-sparv 2.60-1, python3 3.11
# Usage: examples/translate/make-bible-corpus.sh [MAX_WORDS]   (default 18)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
max_words="${1:-18}"
pkgs="libsword-utils sword-text-kjv sword-text-sparv python3"

source "$here/../require-debian-packages.sh"
require_debian_packages $pkgs

tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
export LC_ALL=C.UTF-8
# mod2imp dumps a whole module (one $$$Book C:V record per verse) in about a
# second; module names are those in /usr/share/sword/mods.d/*.conf.
mod2imp engKJV2006eb | python3 "$here/sword2tsv.py" --keep-plain-titles --strongs > "$tmp/kjv.tsv"
mod2imp spaRV1909eb  | python3 "$here/sword2tsv.py" --strongs > "$tmp/rv.tsv"
python3 "$here/build_pairs.py" "$tmp/kjv.tsv" "$tmp/rv.tsv" "$max_words" "$here/bible-en-es.tsv"
wc -lc "$here/bible-en-es.tsv" >&2

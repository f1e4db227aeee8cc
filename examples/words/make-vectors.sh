#!/usr/bin/env bash
# Regenerate vectors-en-50d.vec: 50-dimensional fastText skipgram word vectors
# trained on public-domain English that is NOT the King James Version (the
# text of the bundled corpora): the World English Bible (Debian sword-text-web,
# with its deuterocanon) and Jane Austen's six novels (r-cran-janeaustenr),
# then cut down to the words of bible-genre.tsv and the English column of
# ../translate/bible-en-es.tsv.  Deterministic (-thread 1, -seed 16): the
# same package versions give the same file byte for byte.  Made with
# (Debian 12 bookworm): libsword-utils 1.9.0+dfsg-4+b4, sword-text-web 426.0-1,
# r-cran-janeaustenr 1.0.0-1 (r-base-core 4.2.2.20221110-2),
# fasttext 0.9.2+ds-1+b1, python3 3.11.  Training takes about 3-5 minutes on
# one core.  Run make-genre-corpus.sh and ../translate/make-bible-corpus.sh
# first if those files are to be rebuilt too.
# Usage: examples/words/make-vectors.sh [KEEP_DIR]  (KEEP_DIR keeps the
#        training text and the full model, else a temporary folder is used)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
pkgs="libsword-utils sword-text-web r-cran-janeaustenr fasttext python3"

source "$here/../require-debian-packages.sh"
require_debian_packages $pkgs

if [ $# -ge 1 ]; then tmp="$1"; mkdir -p "$tmp"
else tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT; fi
export LC_ALL=C.UTF-8
tools="$here/vec_tools.py"

# 1. training text: WEB verses (markup and notes stripped, one verse a line)
#    and Austen's novels (one paragraph a line), tokenised and lowercased.
mod2imp engWEB2015eb | python3 "$here/../translate/sword2tsv.py" | cut -f2 > "$tmp/web.txt"
Rscript -e 'library(janeaustenr)
for (b in c("sensesensibility", "prideprejudice", "mansfieldpark",
            "emma", "northangerabbey", "persuasion")) writeLines(get(b))' \
  | awk 'BEGIN { RS = "" } { gsub(/\n/, " "); print }' > "$tmp/austen.txt"
cat "$tmp/web.txt" "$tmp/austen.txt" | python3 "$tools" tokenize > "$tmp/train.txt"
wc -lw "$tmp/train.txt" >&2

# 2. skipgram vectors (subword n-grams 3-6 as fastText's default)
fasttext skipgram -input "$tmp/train.txt" -output "$tmp/en50" \
  -dim 50 -epoch 10 -minCount 3 -thread 1 -seed 16 -verbose 1

# 3. keep the words of the bundled corpora, 3 significant digits (the file stays under 2 MB)
python3 "$tools" vocab "$here/bible-genre.tsv:2" "$here/../translate/bible-en-es.tsv:1" > "$tmp/words.txt"
python3 "$tools" filter "$tmp/en50.vec" "$tmp/words.txt" "$here/vectors-en-50d.vec" 3
wc -lc "$here/vectors-en-50d.vec" >&2

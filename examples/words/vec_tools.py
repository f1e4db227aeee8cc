#!/usr/bin/env python3
"""Helpers for make-vectors.sh: one tokenizer for training text and for the
bundled corpora, and the filter that cuts fastText's .vec down to them.

  vec_tools.py tokenize < text > tokens        one output line per input line
  vec_tools.py vocab FILE:COLUMN ... > words   distinct tokens of those TSV
                                               columns (header line skipped)
  vec_tools.py filter ALL.vec WORDS OUT.vec DIGITS
                                               the vectors of WORDS that ALL.vec
                                               has, in ALL.vec's order (most
                                               frequent first), values printed
                                               with DIGITS significant digits
Tokens: the text lowercased, the typographic apostrophe U+2019 read as ',
then maximal runs of letters with internal apostrophes (`lord's`, `o'er`)
or of digits; everything else (punctuation, hyphens) separates tokens, so
`En-gedi` gives `en`, `gedi`.
"""
import re
import sys

TOKEN = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*|\d+")


def tokens(text):
    return TOKEN.findall(text.lower().replace("\u2019", "'"))


def main():
    cmd = sys.argv[1]
    if cmd == "tokenize":
        out = sys.stdout
        for line in sys.stdin:
            toks = tokens(line)
            if toks:
                out.write(" ".join(toks) + "\n")
    elif cmd == "vocab":
        words = set()
        for spec in sys.argv[2:]:
            path, col = spec.rsplit(":", 1)
            with open(path, encoding="utf-8") as f:
                next(f)
                for line in f:
                    words.update(tokens(line.rstrip("\n").split("\t")[int(col)]))
        for w in sorted(words):
            print(w)
    elif cmd == "filter":
        src, words_path, out_path, digits = sys.argv[2:6]
        fmt = "%%.%dg" % int(digits)
        wanted = set(open(words_path, encoding="utf-8").read().split())
        rows = []
        with open(src, encoding="utf-8") as f:
            count, dim = map(int, f.readline().split())
            for line in f:
                parts = line.rstrip().split(" ")
                if parts[0] in wanted:
                    vals = [float(x) for x in parts[1:]]
                    assert len(vals) == dim, line[:40]
                    rows.append(parts[0] + " " + " ".join(fmt % v for v in vals))
        with open(out_path, "w", encoding="utf-8", newline="\n") as out:
            out.write("%d %d\n" % (len(rows), dim))
            for r in rows:
                out.write(r + "\n")
        print("%d of %d wanted words have vectors (%d in %s)"
              % (len(rows), len(wanted), count, src), file=sys.stderr)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()

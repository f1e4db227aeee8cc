#!/usr/bin/env python3
"""Pair two verse dumps (sword2tsv.py --strongs) by reference, check the
alignment with the Strong's numbers both modules carry, keep short verses.

Usage: python3 build_pairs.py EN.tsv ES.tsv MAX_WORDS OUT.tsv

Why the check: the RV 1909 module claims KJV versification, but in a few
chapters it keeps the Spanish verse/chapter division, so the text under a
reference is the neighbouring verse (e.g. RV "1Sam 24:1" is KJV 1Sam 23:29).
Both modules tag words with Strong's numbers of the Hebrew/Greek original,
so the same verse shares most of them across the two languages:
  * dice(a, b) = 2|a & b| / (|a| + |b|) over the two verses' number sets;
  * a verse is aligned when dice >= 0.5, or dice >= 0.2 and it beats the
    dice of every cross pair with the verses up to 2 either side in the same
    chapter; a verse without numbers on either side cannot be checked and
    is dropped;
  * a chapter with fewer than 80% aligned verses is dropped whole (it is
    shifted; a chance match inside it is not trusted).
Then both sides must be non-empty and have at most MAX_WORDS words
(whitespace-separated tokens).  Output: header `ref<TAB>en<TAB>es`, the
kept pairs in canonical (KJV) order.  A summary goes to stderr.
"""
import collections
import sys


def load(path):
    rows = []
    for line in open(path, encoding="utf-8"):
        ref, text, nums = (line.rstrip("\n").split("\t") + [""])[:3]
        rows.append((ref, text, frozenset(nums.split())))
    return rows


def dice(a, b):
    return 2.0 * len(a & b) / (len(a) + len(b))


def main():
    en_path, es_path, max_words, out_path = sys.argv[1:5]
    max_words = int(max_words)
    en = load(en_path)
    es = {ref: (text, nums) for ref, text, nums in load(es_path)}
    en_d = {ref: (text, nums) for ref, text, nums in en}

    def near(chap, v, table):
        for w in (v - 2, v - 1, v + 1, v + 2):
            row = table.get("%s:%d" % (chap, w))
            if row and row[1]:
                yield row[1]

    status = {}
    for ref, text, a in en:
        if ref not in es:
            continue
        b = es[ref][1]
        if not a or not b:
            status[ref] = "unchecked"
            continue
        chap, v = ref.rsplit(":", 1)
        v = int(v)
        s0 = dice(a, b)
        rival = [dice(a, x) for x in near(chap, v, es)]
        rival += [dice(x, b) for x in near(chap, v, en_d)]
        ok = s0 >= 0.5 or (s0 >= 0.2 and s0 > max(rival, default=0.0))
        status[ref] = "aligned" if ok else "misaligned"

    per_chap = collections.defaultdict(collections.Counter)
    for ref, s in status.items():
        per_chap[ref.rsplit(":", 1)[0]][s] += 1
    # per_chap is filled in canonical order (dicts keep insertion order)
    bad_chaps = [c for c, n in per_chap.items()
                 if n["aligned"] < 0.8 * (n["aligned"] + n["misaligned"])]

    kept = 0
    counts = collections.Counter(status.values())
    with open(out_path, "w", encoding="utf-8", newline="\n") as out:
        out.write("ref\ten\tes\n")
        for ref, text, _ in en:
            if status.get(ref) != "aligned":
                continue
            if ref.rsplit(":", 1)[0] in bad_chaps:
                continue
            es_text = es[ref][0]
            if not text or not es_text:
                continue
            if len(text.split()) > max_words or len(es_text.split()) > max_words:
                continue
            out.write("%s\t%s\t%s\n" % (ref, text, es_text))
            kept += 1
    aligned_total = sum(1 for r, s in status.items()
                        if s == "aligned" and r.rsplit(":", 1)[0] not in bad_chaps)
    print("en verses %d, es verses %d, common %d" % (len(en), len(es), len(status)),
          file=sys.stderr)
    print("verse check: %s" % dict(sorted(counts.items())), file=sys.stderr)
    print("chapters dropped as shifted: %s" % ", ".join(bad_chaps), file=sys.stderr)
    print("aligned pairs %d; kept with <= %d words a side: %d"
          % (aligned_total, max_words, kept), file=sys.stderr)


if __name__ == "__main__":
    main()

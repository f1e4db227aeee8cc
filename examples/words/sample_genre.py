#!/usr/bin/env python3
"""Label KJV verses with the genre section of their book and sample a fixed
number per class.

Usage: python3 sample_genre.py KJV.tsv PER_CLASS SEED OUT.tsv

KJV.tsv: `ref<TAB>text` from ../translate/sword2tsv.py (refs like `Gen 1:3`).
The classes are the conventional sections of the 66-book Protestant canon
as printed in English Bibles' tables of contents; Acts and Revelation, the
one-book sections, are left out:
  law       Gen-Deut   (the Pentateuch, 5 books)
  history   Josh-Esth  (the historical books, 12)
  wisdom    Job-Song   (poetry and wisdom books, 5)
  prophets  Isa-Mal    (major and minor prophets, 17)
  gospels   Matt-John  (4)
  epistles  Rom-Jude   (Pauline and general letters, 21)
PER_CLASS verses are drawn without replacement from each class with
random.Random(SEED).sample over the class's verses in canonical order; the
output (header `ref<TAB>label<TAB>text`) is in canonical order, so a
training split must shuffle it.
"""
import random
import sys

BOOKS = ("Gen Exod Lev Num Deut Josh Judg Ruth 1Sam 2Sam 1Kgs 2Kgs 1Chr 2Chr "
         "Ezra Neh Esth Job Ps Prov Eccl Song Isa Jer Lam Ezek Dan Hos Joel "
         "Amos Obad Jonah Mic Nah Hab Zeph Hag Zech Mal Matt Mark Luke John "
         "Acts Rom 1Cor 2Cor Gal Eph Phil Col 1Thess 2Thess 1Tim 2Tim Titus "
         "Phlm Heb Jas 1Pet 2Pet 1John 2John 3John Jude Rev").split()
SECTIONS = [("law", "Gen", "Deut"), ("history", "Josh", "Esth"),
            ("wisdom", "Job", "Song"), ("prophets", "Isa", "Mal"),
            ("gospels", "Matt", "John"), ("epistles", "Rom", "Jude")]
LABEL = {}
for label, first, last in SECTIONS:
    for b in BOOKS[BOOKS.index(first):BOOKS.index(last) + 1]:
        LABEL[b] = label


def main():
    src, per_class, seed, out_path = sys.argv[1:5]
    per_class, seed = int(per_class), int(seed)
    by_class = {label: [] for label, _, _ in SECTIONS}
    order = {}
    for i, line in enumerate(open(src, encoding="utf-8")):
        ref, text = line.rstrip("\n").split("\t")[:2]
        order[ref] = i
        label = LABEL.get(ref.split(" ")[0])
        if label and text:
            by_class[label].append((ref, text))
    rng = random.Random(seed)
    picked = []
    for label, _, _ in SECTIONS:
        rows = by_class[label]
        print("%-9s %5d verses, %d sampled" % (label, len(rows), per_class),
              file=sys.stderr)
        picked += [(ref, label, text) for ref, text in rng.sample(rows, per_class)]
    picked.sort(key=lambda r: order[r[0]])
    with open(out_path, "w", encoding="utf-8", newline="\n") as out:
        out.write("ref\tlabel\ttext\n")
        for ref, label, text in picked:
            out.write("%s\t%s\t%s\n" % (ref, label, text))


if __name__ == "__main__":
    main()

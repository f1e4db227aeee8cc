#!/usr/bin/env python3
"""Dump one installed SWORD Bible module as clean plain text, one verse a line.

Usage: mod2imp MODULE | python3 sword2tsv.py [--keep-plain-titles] [--strongs] > out.tsv

Reads the raw OSIS records that `mod2imp MODULE` (package libsword-utils)
prints -- a `$$$Book C:V` key line, then that verse's markup -- and writes
`ref<TAB>text` with ref as an OSIS-style book abbreviation (`Gen 1:3`).

Cleaning (punctuation and case are kept):
  * <note>...</note> (translators' footnotes, cross references) are dropped
    with their content;
  * <title> elements: canonical ones (Psalm superscriptions) are kept as text;
    plain untyped <title> (KJV: the Psalm 119 acrostic letters, the
    subscriptions after Paul's letters) are kept only with
    --keep-plain-titles (the RV 1909 has both inline in the verse text);
    book/section headings (type="main", "x-introduction") are dropped;
    a kept title that sits in a chapter's verse-0 record goes to verse 1;
  * every other tag (<w lemma="strong:...">, <transChange>, <q>, <divineName>,
    <l>, <lg>, <div>, milestones ...) is removed, its text kept; where an end
    tag is immediately followed by a start tag between two letters
    (`allí</w><transChange>también`) a space is put in, since the source
    lost it there; a tag inside a word (KJV `tear</w>s`) joins as written;
  * stray USFM character markers left in the text (KJV: a backslash-nd
    before LORD/JEHOVAH in 27 verses) and the pilcrow (U+00B6) are dropped,
    whitespace collapsed, and a space before , ; : . ! ? ) removed.
With --strongs a third column holds the verse's Strong's numbers (from the
lemma attributes outside notes, e.g. `H430 H1254`, sorted, unique); the
corpus script uses them only to check the verse alignment of two modules.
Verse-0 records (book/chapter headings) and module/testament headings are
not written; empty verses are not written.
"""
import re
import sys

OSIS = {
    "Genesis": "Gen", "Exodus": "Exod", "Leviticus": "Lev", "Numbers": "Num",
    "Deuteronomy": "Deut", "Joshua": "Josh", "Judges": "Judg", "Ruth": "Ruth",
    "I Samuel": "1Sam", "II Samuel": "2Sam", "I Kings": "1Kgs",
    "II Kings": "2Kgs", "I Chronicles": "1Chr", "II Chronicles": "2Chr",
    "Ezra": "Ezra", "Nehemiah": "Neh", "Esther": "Esth", "Job": "Job",
    "Psalms": "Ps", "Proverbs": "Prov", "Ecclesiastes": "Eccl",
    "Song of Solomon": "Song", "Isaiah": "Isa", "Jeremiah": "Jer",
    "Lamentations": "Lam", "Ezekiel": "Ezek", "Daniel": "Dan", "Hosea": "Hos",
    "Joel": "Joel", "Amos": "Amos", "Obadiah": "Obad", "Jonah": "Jonah",
    "Micah": "Mic", "Nahum": "Nah", "Habakkuk": "Hab", "Zephaniah": "Zeph",
    "Haggai": "Hag", "Zechariah": "Zech", "Malachi": "Mal",
    "Matthew": "Matt", "Mark": "Mark", "Luke": "Luke", "John": "John",
    "Acts": "Acts", "Romans": "Rom", "I Corinthians": "1Cor",
    "II Corinthians": "2Cor", "Galatians": "Gal", "Ephesians": "Eph",
    "Philippians": "Phil", "Colossians": "Col", "I Thessalonians": "1Thess",
    "II Thessalonians": "2Thess", "I Timothy": "1Tim", "II Timothy": "2Tim",
    "Titus": "Titus", "Philemon": "Phlm", "Hebrews": "Heb", "James": "Jas",
    "I Peter": "1Pet", "II Peter": "2Pet", "I John": "1John",
    "II John": "2John", "III John": "3John", "Jude": "Jude",
    "Revelation of John": "Rev",
    # deuterocanon (World English Bible module only)
    "Tobit": "Tob", "Judith": "Jdt", "Esther (Greek)": "AddEsth",
    "Wisdom": "Wis", "Sirach": "Sir", "Baruch": "Bar",
    "Prayer of Azariah": "PrAzar", "Susanna": "Sus",
    "Bel and the Dragon": "Bel", "I Maccabees": "1Macc",
    "II Maccabees": "2Macc", "I Esdras": "1Esd",
    "Prayer of Manasses": "PrMan", "Additional Psalm": "AddPs",
    "III Maccabees": "3Macc", "II Esdras": "2Esd", "IV Maccabees": "4Macc",
}

KEY = re.compile(r"^\$\$\$(.+) (\d+):(\d+)$")
NOTE = re.compile(r"<note\b[^>]*>.*?</note>", re.S)
NOTE_EMPTY = re.compile(r"<note\b[^>]*/>")
TITLE = re.compile(r"<title\b([^>]*)>(.*?)</title>", re.S)
GLUE = re.compile(r"(?<=\w)((?:</[^>]+>)+)((?:<[^/][^>]*>)+)(?=\w)")
TAG = re.compile(r"<[^>]*>")
USFM = re.compile(r"\\[a-z]+[0-9]*\*?")  # stray USFM markers (KJV: `\nd `)
SPACE_PUNCT = re.compile(r" +([,;:.!?)])")
LEMMA = re.compile(r'lemma="([^"]*)"')
STRONG = re.compile(r"\b([HG])0*(\d+)")


def strongs(markup):
    s = NOTE.sub("", markup)
    nums = set()
    for attr in LEMMA.findall(s):
        for letter, num in STRONG.findall(attr):
            nums.add(letter + num)
    return " ".join(sorted(nums))


def clean(markup, keep_plain_titles):
    s = NOTE.sub("", markup)
    s = NOTE_EMPTY.sub("", s)

    def title(m):
        attrs, body = m.group(1), m.group(2)
        if 'canonical="true"' in attrs:
            return " " + body + " "
        if attrs.strip() == "" and keep_plain_titles:
            return " " + body + " "
        return " "

    s = TITLE.sub(title, s)
    s = GLUE.sub(lambda m: m.group(1) + " " + m.group(2), s)
    s = TAG.sub("", s)
    s = USFM.sub(" ", s)
    s = s.replace("\u00b6", " ")
    s = s.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
    s = s.replace("&quot;", '"').replace("&apos;", "'")
    s = re.sub(r"\s+", " ", s).strip()
    s = SPACE_PUNCT.sub(r"\1", s)
    return s


def main():
    keep_plain = "--keep-plain-titles" in sys.argv[1:]
    with_strongs = "--strongs" in sys.argv[1:]
    records = []  # (book, chapter, verse, markup)
    cur = None
    buf = []
    for line in sys.stdin.read().split("\n"):
        if line.startswith("$$$"):
            if cur is not None:
                records.append(cur + ("\n".join(buf),))
            m = KEY.match(line)
            cur = (m.group(1), int(m.group(2)), int(m.group(3))) if m else None
            buf = []
        elif cur is not None:
            buf.append(line)
    if cur is not None:
        records.append(cur + ("\n".join(buf),))

    out = sys.stdout
    carry = ""
    for book, ch, vs, markup in records:
        if book not in OSIS:
            sys.exit("unknown book name: " + book)
        if vs == 0:
            # headings only; a kept (non-heading) title here belongs to verse 1
            carry = ""
            if ch > 0:
                kept = [b for a, b in TITLE.findall(markup)
                        if 'canonical="true"' in a
                        or (a.strip() == "" and keep_plain)]
                carry = " ".join(kept)
            continue
        text = clean((carry + " " if (vs == 1 and carry) else "") + markup,
                     keep_plain)
        if vs == 1:
            carry = ""
        if text:
            ref = "%s %d:%d" % (OSIS[book], ch, vs)
            if with_strongs:
                out.write("%s\t%s\t%s\n" % (ref, text, strongs(markup)))
            else:
                out.write("%s\t%s\n" % (ref, text))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Writes sacrebleu_reference.json: reference figures from the real sacreBLEU for the Java BLEU/chrF tests.

Run with sacreBLEU 2.6.0 (pip install sacrebleu==2.6.0), from this folder:
    python3 make_sacrebleu_reference.py > sacrebleu_reference.json

Every figure in the JSON comes from sacreBLEU's own API with its defaults:
BLEU() (13a, exp smoothing, order 4, no effective order) for corpus BLEU, sacrebleu.sentence_bleu (exp, effective
order) per segment, CHRF() (char order 6, word order 0, beta 2, whitespace removed, no eps smoothing) for corpus and
per segment, and Tokenizer13a for the tokeniser. Floats are written with repr, so they round-trip exactly.
"""
import json
import random
import sys

import sacrebleu
from sacrebleu.metrics import BLEU, CHRF
from sacrebleu.tokenizers.tokenizer_13a import Tokenizer13a

# Each corpus: hypotheses and, per segment, its references (None = no reference in that stream, as sacreBLEU allows).
CORPORA = {
    "mixed": {
        "hyps": [
            "The cat sat on the mat.",
            "It costs 1,000.5 dollars, i.e. about $5.00 each.",
            "The 1990-2000 period was well-known.",
            "He said &quot;hello&quot; &amp; left &lt;quickly&gt;.",
            "Don't stop (please)!",
            "U.S. troops arrived at 5 p.m., not 6.",
            "Wait... what?! 50% off?",
            "Die Beziehung zwischen Obama und Netanjahu ist nicht gerade freundlich.",
            "Co nás nejvíc trápí, protože lékaři si vybírají, kdo bude žít a kdo zemře.",
            "我们今天去公园。",
            "Emoji 😀 are fun 🎉!",
            "",
            "completely unrelated words here",
            "tabs\tand\u00a0non-breaking\u2009spaces   trail   ",
            "A <skipped> line with a hyphen-\nbreak and\nnewline.",
            "email me at a.b@c.org or call 555-1234",
            "x",
            "The quick brown fox jumps over the lazy dog",
            "Prices rose 3.5% in Q1, 2.1% in Q2; overall -0.4.",
            "«Guillemets» and “curly quotes” — with an em dash.",
        ],
        "refs": [
            ["The cat is on the mat."],
            ["It costs 1,000.5 dollars, that is about $5.00 each."],
            ["The period 1990-2000 was well-known."],
            ["He said \"hello\" & left <quickly>."],
            ["Do not stop (please)!"],
            ["US troops arrived at 5 p.m., not 6 p.m."],
            ["Wait... what? 50% off!"],
            ["Das Verhältnis zwischen Obama und Netanyahu ist nicht gerade freundschaftlich."],
            ["Nejvíce smutní jsme z toho, že musíme rozhodovat o tom, kdo bude žít a kdo zemře."],
            ["我们今天去了公园。"],
            ["Emojis 😀 are fun 🎉 !"],
            ["There was no output."],
            ["nothing matches at all"],
            ["tabs and non-breaking spaces trail"],
            ["A line with a hyphenbreak and newline."],
            ["email me at a.b@c.org or call 555-1234"],
            ["x y"],
            ["The quick brown fox jumped over the lazy dog"],
            ["Prices rose 3.5% in Q1 and 2.1% in Q2; overall -0.4."],
            ["\"Guillemets\" and \"curly quotes\" - with an em dash."],
        ],
    },
    "multi_ref": {
        "hyps": [
            "The dog bit the man.",
            "It wasn't surprising.",
            "The man had just bitten him.",
            "a b c d e",
            "one two three",
        ],
        "refs": [
            ["The dog bit the man.", "The dog had bit the man.", None],
            ["It was not unexpected.", "No one was surprised.", "Nobody was surprised at all."],
            ["The man bit him first.", "The man had bitten the dog.", None],
            # hypothesis length 5: references of 4 and 6 tokens are equally close; sacreBLEU takes the shorter
            ["a b c d", "a b c d e f", None],
            ["one two three four", None, None],
        ],
    },
    # sacreBLEU's README example (two reference streams)
    "readme": {
        "hyps": ["The dog bit the man.", "It wasn't surprising.", "The man had just bitten him."],
        "refs": [
            ["The dog bit the man.", "The dog had bit the man."],
            ["It was not unexpected.", "No one was surprised."],
            ["The man bit him first.", "The man had bitten the dog."],
        ],
    },
    # sacreBLEU's README "variable number of references" example: '' kept as an (empty) reference
    "readme_empty_ref": {
        "hyps": ["The dog bit the man.", "It wasn't surprising.", "The man had just bitten him."],
        "refs": [
            ["", "The dog had bit the man."],
            ["It was not unexpected.", "No one was surprised."],
            ["The man bit him first.", "The man had bitten the dog."],
        ],
    },
    # no hypothesis has 4 tokens: total 4-grams is 0, so corpus BLEU (no effective order) is 0
    "short": {
        "hyps": ["a b c", "d e", "f"],
        "refs": [["a b c"], ["d e"], ["f"]],
    },
    # some order has no match while its total is > 0: the exp smoothing acts at corpus level
    "exp_smoothing": {
        "hyps": ["the cat the dog the bird", "a red car"],
        "refs": [["the dog the cat the bird"], ["a blue car"]],
    },
    "all_empty": {
        "hyps": ["", "", ""],
        "refs": [["The dog bit the man."], ["It was not unexpected."], ["The man bit him first."]],
    },
}

TOKENIZER_INPUTS = [
    "1,000.5",
    "Hello, world.",
    "a,b.c",
    "1990-2000",
    "well-known",
    "-5 and 5-",
    "&quot;x&quot; &amp; &lt;y&gt; &apos;z&apos;",
    "&amp;quot;",
    "<skipped>text",
    "line-\nbreak\nnext",
    "$5.00 (50%) #tag @user ~tilde ^caret `tick` {brace} [bracket] |pipe| \\back/slash",
    "e.g., U.S.A. 3.",
    ".5 ,5 5. 5,",
    "a...b",
    "It's O'Brien's",
    "  leading and trailing  \t",
    "nbsp\u00a0inside",
    "über 10.000,5 €",
    "😀!",
    "",
]


# Random strings over an alphabet dense in the tokeniser's special cases (fixed seed, so the file is reproducible):
# digits next to periods, commas and dashes, entities, tags, Python-only whitespace, a supplementary character.
ALPHABET = list("ab1 2.,-'\"&;<>()!?$%/\\`{}[]~^@#\n\t") + ["\u00a0", "\u2009", "\u0085", "é", "😀", "&amp;",
                                                            "&quot;", "&lt;", "&gt;", "<skipped>", "-\n", "  "]
RNG = random.Random(16)
RANDOM_TEXTS = ["".join(RNG.choice(ALPHABET) for _ in range(RNG.randint(0, 24))) for _ in range(60)]
CORPORA["random"] = {
    "hyps": RANDOM_TEXTS[:20],
    "refs": [[RANDOM_TEXTS[20 + i], RANDOM_TEXTS[40 + i]] for i in range(20)],
}


def streams(refs):
    """Per-segment references to sacreBLEU's reference streams (padded with None)."""
    width = max(len(r) for r in refs)
    return [[r[k] if k < len(r) else None for r in refs] for k in range(width)]


def bleu_dict(score):
    return {
        "score": score.score, "counts": list(score.counts), "totals": list(score.totals),
        "precisions": list(score.precisions), "bp": score.bp, "ratio": score.ratio,
        "hyp_len": score.sys_len, "ref_len": score.ref_len, "str": str(score),
    }


def main():
    out = {
        "generator": "make_sacrebleu_reference.py",
        "sacrebleu_version": sacrebleu.__version__,
        "python": sys.version.split()[0],
        "tokenizer_13a": [],
        "corpora": [],
    }
    tok = Tokenizer13a()
    for text in TOKENIZER_INPUTS + RANDOM_TEXTS:
        out["tokenizer_13a"].append({"input": text, "output": tok(text)})
    for name, corpus in CORPORA.items():
        hyps, refs = corpus["hyps"], corpus["refs"]
        for h in hyps:
            out["tokenizer_13a"].append({"input": h, "output": tok(h)})
        ref_streams = streams(refs)
        bleu = BLEU().corpus_score(hyps, ref_streams)
        chrf = CHRF().corpus_score(hyps, ref_streams)
        sentence_bleu = [sacrebleu.sentence_bleu(h, [x for x in r if x is not None]).score
                         for h, r in zip(hyps, refs)]
        sentence_chrf = [CHRF().sentence_score(h, [x for x in r if x is not None]).score
                         for h, r in zip(hyps, refs)]
        out["corpora"].append({
            "name": name, "hypotheses": hyps, "references": refs,
            "bleu": bleu_dict(bleu), "chrf": chrf.score,
            "sentence_bleu": sentence_bleu, "sentence_chrf": sentence_chrf,
        })
    json.dump(out, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()

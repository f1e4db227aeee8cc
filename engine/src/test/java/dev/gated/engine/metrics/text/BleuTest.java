package dev.gated.engine.metrics.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class BleuTest {
    private final Bleu bleu = new Bleu();

    /** sacreBLEU's README example (test/test_bleu.py): two reference streams, shown here per sentence. */
    private static final List<String> HYPS = List.of(
            "The dog bit the man.", "It wasn't surprising.", "The man had just bitten him.");
    private static final List<List<String>> REFS = References.fromStreams(List.of(
            List.of("The dog bit the man.", "It was not unexpected.", "The man bit him first."),
            List.of("The dog had bit the man.", "No one was surprised.", "The man had bitten the dog.")));

    /**
     * hyp "the cat sat on the mat", ref "the cat is on the mat" (6 tokens each, BP = 1):
     * 1-grams: the x2, cat, on, mat match, sat not: 5/6;
     * 2-grams: "the cat", "on the", "the mat" of 5: 3/5;
     * 3-grams: "on the mat" of 4: 1/4;
     * 4-grams: none of 3, the first zero order under exp smoothing: 1/(2*3).
     * BLEU = (500/6 * 60 * 25 * 100/6)^(1/4) = 37.99...
     */
    @Test
    void handComputedOneSentence() {
        BleuScore s = bleu.corpusScore(List.of("the cat sat on the mat"),
                References.oneEach(List.of("the cat is on the mat")));
        assertArrayEquals(new long[] {5, 3, 1, 0}, s.counts());
        assertArrayEquals(new long[] {6, 5, 4, 3}, s.totals());
        assertArrayEquals(new double[] {500.0 / 6, 60, 25, 100.0 / 6}, s.precisions(), 1e-12);
        assertEquals(1.0, s.bp());
        assertEquals(6, s.hypLen());
        assertEquals(6, s.refLen());
        assertEquals(Math.pow(500.0 / 6 * 60 * 25 * (100.0 / 6), 0.25), s.score(), 1e-9);
        assertEquals(37.99178428257963, s.score(), 1e-9); // sacreBLEU 2.6.0
    }

    /**
     * hyp "the cat" vs ref "the cat sat on the mat": 1-grams 2/2, 2-grams 1/1, no 3- or 4-grams.
     * BP = exp(1 - 6/2) = exp(-2). Corpus BLEU: order 3 has no n-gram, its log is floored, so 0.
     * Sentence BLEU (effective order 2): exp(-2) * 100 = 13.53...
     */
    @Test
    void handComputedBrevityAndEffectiveOrder() {
        BleuScore corpus = bleu.corpusScore(List.of("the cat"), References.oneEach(List.of("the cat sat on the mat")));
        assertEquals(0.0, corpus.score());
        assertEquals(Math.exp(-2), corpus.bp(), 1e-15);
        assertEquals(2.0 / 6, corpus.ratio(), 1e-15);
        assertArrayEquals(new double[] {100, 100, 0, 0}, corpus.precisions());
        BleuScore sentence = bleu.sentenceScore("the cat", List.of("the cat sat on the mat"));
        assertEquals(100 * Math.exp(-2), sentence.score(), 1e-9);
        assertEquals(13.533528323661276, sentence.score(), 1e-9); // sacreBLEU 2.6.0 sentence_bleu
    }

    /** Hypothesis of 5 tokens, references of 4 and 6: equally close, the shorter (4) is taken, so BP = 1. */
    @Test
    void closestReferenceTieTakesTheShorter() {
        BleuScore s = bleu.corpusScore(List.of("a b c d e"), List.of(List.of("a b c d e f", "a b c d")));
        assertEquals(4, s.refLen());
        assertEquals(1.0, s.bp());
        assertEquals(4, Bleu.closestRefLength(5, List.of(6, 4)));
        assertEquals(7, Bleu.closestRefLength(6, List.of(0, 7)));
    }

    @Test
    void multipleReferencesClipByTheRichestReference() {
        // "the" occurs twice in the second reference, once in the first: both hypothesis "the" match
        BleuScore s = bleu.corpusScore(List.of("the the"), List.of(List.of("the cat", "the the")));
        assertEquals(2, s.counts()[0]);
        assertEquals(1, s.counts()[1]);
    }

    @Test
    void readmeExample() {
        BleuScore s = bleu.corpusScore(HYPS, REFS);
        assertEquals(48.530827, s.score(), 1e-8); // test_bleu.py: test_corpus_bleu
        assertEquals("BLEU = 48.53 82.4/50.0/45.5/37.5 (BP = 0.943 ratio = 0.944 hyp_len = 17 ref_len = 18)",
                s.toString()); // sacreBLEU README
    }

    @Test
    void readmeExampleWithAnEmptyReference() {
        List<List<String>> refs = References.fromStreams(List.of(
                List.of("", "It was not unexpected.", "The man bit him first."),
                List.of("The dog had bit the man.", "No one was surprised.", "The man had bitten the dog.")));
        assertEquals("BLEU = 29.44 82.4/42.9/27.3/12.5 (BP = 0.889 ratio = 0.895 hyp_len = 17 ref_len = 19)",
                bleu.corpusScore(HYPS, refs).toString()); // sacreBLEU README, variable number of references
    }

    @Test
    void publishedTestCases() {
        // test_bleu.py: tokenize='none'
        assertEquals(49.1919566, new Bleu(UnaryOperator.identity(), 4).corpusScore(HYPS, REFS).score(), 1e-8);
        // test_bleu.py: test_statistics (raw BLEU, no tokenisation)
        BleuScore raw = new Bleu(UnaryOperator.identity(), 4).corpusScore(List.of("am I am a character sequence"),
                References.oneEach(List.of("I am a symbol string sequence a a")));
        assertArrayEquals(new long[] {4, 2, 1, 0}, raw.counts());
        assertArrayEquals(new long[] {6, 5, 4, 3}, raw.totals());
        // test_bleu.py: test_scoring
        assertEquals(83.75922397, Bleu.fromStatistics(new long[] {9, 7, 5, 3}, new long[] {10, 8, 6, 4}, 11, 11,
                false).score(), 1e-6);
        // test_bleu.py: test_max_ngram_order
        String[] expected = {"77.65", "60.50", "53.93", "48.53", "46.14", "43.28"};
        for (int order = 1; order <= 6; order++) {
            double score = new Bleu(new Tokenizer13a(), order).corpusScore(HYPS, REFS).score();
            assertEquals(expected[order - 1], BleuScore.fixed(score, 2), "order " + order);
        }
        // test_sentence_bleu.py (#98): exp smoothing, 13a and none
        String sys = "Producția de zahăr primă va fi exprimată în ceea ce privește zahărul alb;";
        String ref = "producţia de zahăr brut se exprimă în zahăr alb;";
        assertEquals(8.493, bleu.sentenceScore(sys, List.of(ref)).score(), 1e-3);
        assertEquals(7.347, new Bleu(UnaryOperator.identity(), 4).sentenceScore(sys, List.of(ref)).score(), 1e-3);
        // test_sentence_bleu.py (#141): no match at all
        assertEquals(0.0, bleu.sentenceScore("this is a cat", List.of("okay thanks")).score());
    }

    @Test
    void emptyHypothesesScoreZeroAndAreNotDropped() {
        BleuScore s = bleu.corpusScore(List.of("", "", ""), REFS);
        assertEquals(0.0, s.score());
        assertEquals(0.0, s.bp());
        assertEquals(0, s.hypLen());
        assertEquals(17, s.refLen()); // closest to 0 tokens: the shorter reference of each sentence, 6 + 5 + 6
        BleuScore one = bleu.sentenceScore("", List.of("a reference"));
        assertEquals(0.0, one.score());
    }

    @Test
    void zeroMatchesScoreZero() {
        BleuScore s = bleu.corpusScore(List.of("completely unrelated words here"),
                References.oneEach(List.of("nothing matches at all")));
        assertEquals(0.0, s.score());
        assertArrayEquals(new long[] {0, 0, 0, 0}, s.counts());
        assertArrayEquals(new double[] {0, 0, 0, 0}, s.precisions());
        assertEquals(1.0, s.bp());
        // degenerate statistics: nothing at all
        assertEquals(0.0, Bleu.fromStatistics(new long[4], new long[4], 0, 0, false).score());
        assertEquals(0.0, Bleu.fromStatistics(new long[4], new long[4], 0, 0, false).ratio());
    }

    @Test
    void badInputIsRefused() {
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> bleu.corpusScore(List.of(), List.of()));
        assertTrue(empty.getMessage().contains("empty"), empty.getMessage());
        IllegalArgumentException mismatch = assertThrows(IllegalArgumentException.class,
                () -> bleu.corpusScore(List.of("a", "b"), References.oneEach(List.of("a"))));
        assertTrue(mismatch.getMessage().contains("2 hypotheses"), mismatch.getMessage());
        assertThrows(IllegalArgumentException.class, () -> bleu.corpusScore(List.of("a"), List.of(List.of())));
        assertThrows(IllegalArgumentException.class,
                () -> bleu.corpusScore(List.of("a"), List.of(Arrays.asList((String) null))));
        assertThrows(IllegalArgumentException.class,
                () -> bleu.corpusScore(Arrays.asList((String) null), References.oneEach(List.of("a"))));
        assertThrows(IllegalArgumentException.class, () -> bleu.sentenceScore("a", List.of()));
        assertThrows(IllegalArgumentException.class, () -> new Bleu(new Tokenizer13a(), 0));
        assertThrows(IllegalArgumentException.class,
                () -> References.fromStreams(List.of(List.of("a"), List.of("a", "b"))));
    }

    @Test
    void pythonStyleRounding() {
        assertEquals("0.12", BleuScore.fixed(0.125, 2)); // exactly representable tie: half to even
        assertEquals("0.13", BleuScore.fixed(0.1251, 2));
        assertEquals("100.0", BleuScore.fixed(100.0, 1));
    }
}

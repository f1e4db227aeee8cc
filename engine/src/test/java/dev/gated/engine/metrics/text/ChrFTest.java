package dev.gated.engine.metrics.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class ChrFTest {
    private final ChrF chrf = new ChrF();

    private static double corpus(ChrF metric, List<String> hyps, List<String> refs) {
        return metric.corpusScore(hyps, References.oneEach(refs));
    }

    /**
     * hyp "ab", ref "abc" (beta 2):
     * order 1: hyp {a, b} = 2, ref {a, b, c} = 3, match 2: P = 1, R = 2/3;
     * order 2: hyp {ab} = 1, ref {ab, bc} = 2, match 1: P = 1, R = 1/2;
     * order 3: hyp has none: not an effective order; 4..6: neither has any.
     * avg P = 1, avg R = 7/12, F2 = 5 * 1 * 7/12 / (4 * 1 + 7/12) = 7/11.
     */
    @Test
    void handComputedPrecisionAndRecallDiffer() {
        assertEquals(700.0 / 11, corpus(chrf, List.of("ab"), List.of("abc")), 1e-9);
        assertEquals(63.636363636363626, corpus(chrf, List.of("ab"), List.of("abc")), 1e-9); // sacreBLEU 2.6.0
    }

    /**
     * hyp "aa", ref "ab": order 1: hyp {a: 2}, ref {a, b}, match 1: P = R = 1/2; order 2: {aa} vs {ab}: P = R = 0.
     * avg P = avg R = 1/4, and F-beta of equal P and R is that value: 25.
     */
    @Test
    void handComputedAveragingOverOrders() {
        assertEquals(25.0, corpus(chrf, List.of("aa"), List.of("ab")), 1e-12);
    }

    @Test
    void whitespaceIsRemoved() {
        assertEquals(100.0, corpus(chrf, List.of("a b c"), List.of("abc")), 1e-12);
        assertEquals(100.0, corpus(chrf, List.of(" a\u00a0b\tc "), List.of("abc")), 1e-12);
    }

    @Test
    void supplementaryCharactersAreOneCharacter() {
        // one code point each: 😀 and 🎉 have only 1-grams and the pair a single 2-gram, all matching
        assertEquals(100.0, corpus(chrf, List.of("😀🎉"), List.of("😀 🎉")), 1e-12);
    }

    /** test_chrf.py, test_chrf_eff_order: beta 3, sacreBLEU's default (effective order) averaging. */
    @Test
    void publishedEffectiveOrderCases() {
        ChrF chrf3 = new ChrF(6, 3);
        assertEquals(100.0, corpus(chrf3, List.of("a"), List.of("a")), 1e-4);
        assertEquals(0.0, corpus(chrf3, List.of(""), List.of("reference")), 1e-4);
        assertEquals(100.0, corpus(chrf3, List.of("a b c"), List.of("a b c")), 1e-4);
        assertEquals(100.0, corpus(chrf3, List.of("a b c"), List.of("abc")), 1e-4);
        assertEquals(0.0, corpus(chrf3, List.of(""), List.of("c")), 1e-4);
        assertEquals(50.0, corpus(chrf3, List.of("a", "b"), List.of("a", "c")), 1e-4);
        assertEquals(25.0, corpus(chrf3, List.of("aa"), List.of("ab")), 1e-4);
    }

    @Test
    void readmeExample() {
        List<List<String>> refs = References.fromStreams(List.of(
                List.of("The dog bit the man.", "It was not unexpected.", "The man bit him first."),
                List.of("The dog had bit the man.", "No one was surprised.", "The man had bitten the dog.")));
        double score = chrf.corpusScore(
                List.of("The dog bit the man.", "It wasn't surprising.", "The man had just bitten him."), refs);
        assertEquals("59.73", BleuScore.fixed(score, 2)); // sacreBLEU README: chrF2 = 59.73
    }

    @Test
    void emptyAndUnmatchedHypothesesScoreZero() {
        assertEquals(0.0, corpus(chrf, List.of(""), List.of("reference")));
        assertEquals(0.0, corpus(chrf, List.of("xyz"), List.of("abc")));
        assertEquals(0.0, chrf.sentenceScore("", List.of("reference")));
    }

    @Test
    void badInputIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> chrf.corpusScore(List.of(), List.of()));
        assertThrows(IllegalArgumentException.class, () -> corpus(chrf, List.of("a"), List.of("a", "b")));
        assertThrows(IllegalArgumentException.class, () -> chrf.corpusScore(List.of("a"), List.of(List.of())));
        assertThrows(IllegalArgumentException.class, () -> new ChrF(0, 2));
    }
}

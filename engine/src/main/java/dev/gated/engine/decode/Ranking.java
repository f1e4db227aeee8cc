package dev.gated.engine.decode;

import java.util.Arrays;
import java.util.Comparator;

/** The deterministic orders of beam search: higher score first, then the token sequences lexicographically. */
final class Ranking {
    private Ranking() {}

    /** Final n-best order: score, then tokens, then finished before unfinished (tokens alone cannot collide). */
    static final Comparator<Hypothesis> HYPOTHESES = Comparator.comparingDouble(Hypothesis::score).reversed()
            .thenComparing(Hypothesis::tokens, Arrays::compare)
            .thenComparing(h -> !h.finished());

    /**
     * Order of one step's expansions. All live beams have the same length, so the length penalty is the same
     * for every candidate and ranking by raw log-probability equals ranking by normalised score.
     */
    static int candidates(double logProbA, int[] prefixA, int tokenA, double logProbB, int[] prefixB, int tokenB) {
        int c = Double.compare(logProbB, logProbA);
        if (c != 0) {
            return c;
        }
        c = Arrays.compare(prefixA, prefixB);
        return c != 0 ? c : Integer.compare(tokenA, tokenB);
    }
}

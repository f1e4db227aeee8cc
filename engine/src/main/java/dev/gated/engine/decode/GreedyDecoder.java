package dev.gated.engine.decode;

import java.util.Arrays;
import java.util.Collections;

/**
 * Greedy decoding: from {@code bos}, take the most probable token at each step until {@code eos} or
 * {@code maxLength} tokens. Ties go to the lowest token id, so the result is deterministic.
 */
public final class GreedyDecoder {
    private final int bos;
    private final int eos;
    private final int maxLength;

    /**
     * @param bos the token fed on the first step
     * @param eos the token that ends a hypothesis
     * @param maxLength the most tokens emitted, eos included; at least 1
     */
    public GreedyDecoder(int bos, int eos, int maxLength) {
        StepChecks.maxLength(maxLength);
        this.bos = bos;
        this.eos = eos;
        this.maxLength = maxLength;
    }

    /**
     * Decodes one sequence from the model's initial state (e.g. the encoder's summary of the source sentence).
     *
     * @return the hypothesis, with {@code score == logProb}; unfinished if it reached {@code maxLength}
     */
    public <S> Hypothesis decode(StepScorer<S> scorer, S initial) {
        int vocabulary = StepChecks.vocabulary(scorer, bos, eos);
        int[] tokens = new int[maxLength];
        int length = 0;
        double logProb = 0;
        S state = initial;
        int last = bos;
        for (int t = 0; t < maxLength; t++) {
            Step<S> step = StepChecks.step(scorer, Collections.singletonList(state), new int[] {last}, vocabulary);
            float[] row = step.logProbs()[0];
            int best = argmax(row);
            logProb += row[best];
            if (best == eos) {
                return new Hypothesis(Arrays.copyOf(tokens, length), logProb, logProb, true);
            }
            tokens[length++] = best;
            state = step.next().get(0);
            last = best;
        }
        return new Hypothesis(tokens, logProb, logProb, false);
    }

    /** Strict {@code >} keeps the first, i.e. lowest, id among equal maxima. */
    private static int argmax(float[] row) {
        int best = 0;
        for (int v = 1; v < row.length; v++) {
            if (row[v] > row[best]) {
                best = v;
            }
        }
        return best;
    }
}

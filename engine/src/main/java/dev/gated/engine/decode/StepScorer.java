package dev.gated.engine.decode;

import java.util.List;

/**
 * One decoding step of a model, for a batch of hypotheses.
 *
 * <p>States are treated as immutable values: row {@code i} of the result holds the state that follows
 * {@code states.get(i)} after reading {@code lastTokens[i]}. A decoder that keeps, drops or duplicates
 * hypotheses just keeps references to those per-row states, so a scorer never has to reorder anything.
 *
 * @param <S> the model's per-hypothesis state, e.g. a recurrent decoder's hidden state plus the encoder output
 */
public interface StepScorer<S> {
    /** Size V of the output vocabulary; every row of {@link Step#logProbs()} has this length. */
    int vocabularySize();

    /**
     * Scores the next token for each hypothesis.
     *
     * @param states the hypotheses' states, one per row (never empty)
     * @param lastTokens the token each hypothesis read last ({@code bos} on the first step), same length
     * @return natural-log probabilities [n, V] over the next token (−∞ allowed for impossible tokens) and the n
     *     states after reading {@code lastTokens}
     */
    Step<S> step(List<S> states, int[] lastTokens);
}

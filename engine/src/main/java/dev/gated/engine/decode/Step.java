package dev.gated.engine.decode;

import java.util.List;

/**
 * What a {@link StepScorer} returns for n hypotheses.
 *
 * @param logProbs natural-log next-token probabilities, n rows of V
 * @param next the n states after reading the last tokens, row for row
 * @param <S> the model's per-hypothesis state
 */
public record Step<S>(float[][] logProbs, List<S> next) {}

package dev.gated.engine.decode;

import java.util.List;

/** Argument and scorer-output validation shared by the decoders, so a faulty model fails loudly and early. */
final class StepChecks {
    /** Float log-softmax can round to a hair above 0; anything more is not a log-probability. */
    static final double POSITIVE_TOLERANCE = 1e-5;

    private StepChecks() {}

    static void maxLength(int maxLength) {
        if (maxLength < 1) {
            throw new IllegalArgumentException("maxLength must be >= 1, got " + maxLength);
        }
    }

    static int vocabulary(StepScorer<?> scorer, int bos, int eos) {
        if (scorer == null) {
            throw new IllegalArgumentException("scorer must not be null");
        }
        int v = scorer.vocabularySize();
        if (v < 1) {
            throw new IllegalArgumentException("scorer vocabulary size must be >= 1, got " + v);
        }
        if (bos < 0 || bos >= v) {
            throw new IllegalArgumentException("bos token " + bos + " is outside the vocabulary [0, " + v + ")");
        }
        if (eos < 0 || eos >= v) {
            throw new IllegalArgumentException("eos token " + eos + " is outside the vocabulary [0, " + v + ")");
        }
        return v;
    }

    /** Calls the scorer and checks that its answer has the promised shape and holds log-probabilities. */
    static <S> Step<S> step(StepScorer<S> scorer, List<S> states, int[] lastTokens, int vocabulary) {
        Step<S> step = scorer.step(states, lastTokens);
        int n = states.size();
        if (step == null || step.logProbs() == null || step.next() == null) {
            throw new IllegalArgumentException("scorer returned no log-probabilities or no next states");
        }
        if (step.logProbs().length != n || step.next().size() != n) {
            throw new IllegalArgumentException("scorer returned " + step.logProbs().length + " log-probability rows and "
                    + step.next().size() + " next states for " + n + " hypotheses");
        }
        for (int i = 0; i < n; i++) {
            row(step.logProbs()[i], i, vocabulary);
        }
        return step;
    }

    private static void row(float[] logProbs, int row, int vocabulary) {
        if (logProbs == null || logProbs.length != vocabulary) {
            throw new IllegalArgumentException("log-probabilities of row " + row + " have length "
                    + (logProbs == null ? "null" : logProbs.length) + ", expected the vocabulary size " + vocabulary);
        }
        boolean anyPossible = false;
        for (int v = 0; v < vocabulary; v++) {
            float x = logProbs[v];
            if (Float.isNaN(x) || x > POSITIVE_TOLERANCE) {
                throw new IllegalArgumentException("log-probability of token " + v + " in row " + row + " is " + x
                        + ", expected a number <= 0 or -Infinity");
            }
            anyPossible |= x != Float.NEGATIVE_INFINITY;
        }
        if (!anyPossible) {
            throw new IllegalArgumentException("every token in row " + row + " has log-probability -Infinity");
        }
    }
}

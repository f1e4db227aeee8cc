package dev.gated.engine.data;

/**
 * Curriculum learning by sequence length ({@code training.curriculum}): in epoch e (0-based) of the first
 * {@code epochs}, training batches keep at most {@code start + (full - start) * e / epochs} steps (rounded down,
 * at least {@code start}) of each sequence, where full is the longest training sequence; from epoch {@code epochs}
 * on they are whole. A shortened sequence keeps its <em>last</em> steps, like {@code data.max_length} (for
 * forecasting windows: the oldest steps go, the ones next to the target stay). Validation is always at full length.
 *
 * @param startLength steps kept in the first epoch, &ge; 1
 * @param epochs      epochs over which the length grows, &ge; 1
 */
public record Curriculum(int startLength, int epochs) {
    public Curriculum {
        if (startLength < 1) {
            throw new IllegalArgumentException("curriculum.start_length: expected an integer >= 1, got " + startLength);
        }
        if (epochs < 1) {
            throw new IllegalArgumentException("curriculum.epochs: expected an integer >= 1, got " + epochs);
        }
    }

    /** The most steps a sequence keeps in epoch {@code epoch} (0-based) when the longest has {@code full}. */
    public int maxLength(int epoch, int full) {
        if (epoch >= epochs || startLength >= full) {
            return full;
        }
        return startLength + (int) ((long) (full - startLength) * epoch / epochs);
    }

    /**
     * The batch with every sequence cut to its last {@code maxLength} steps (per-step labels cut alike); the
     * batch itself when none is longer.
     */
    public static SequenceBatch truncate(SequenceBatch b, int maxLength) {
        if (maxLength < 1) {
            throw new IllegalArgumentException("maxLength: expected >= 1, got " + maxLength);
        }
        int bs = b.batchSize();
        int in = b.inputSize();
        int[] lengths = new int[bs];
        int t2 = 0;
        boolean cut = false;
        for (int i = 0; i < bs; i++) {
            lengths[i] = Math.min(b.lengths()[i], maxLength);
            cut |= lengths[i] < b.lengths()[i];
            t2 = Math.max(t2, lengths[i]);
        }
        if (!cut) {
            return b;
        }
        // Token batches (inputSize 1) are cut like x, the padded steps of the shorter batch holding id 0.
        float[] x = b.hasTokens() ? null : new float[t2 * bs * in];
        int[] tokens = b.hasTokens() ? new int[t2 * bs] : null;
        boolean perStep = b.labelsPerStep();
        int[] labels = perStep ? new int[t2 * bs] : b.labels();
        for (int i = 0; i < bs; i++) {
            int skip = b.lengths()[i] - lengths[i];
            for (int t = 0; t < lengths[i]; t++) {
                if (tokens != null) {
                    tokens[t * bs + i] = b.tokens()[(t + skip) * bs + i];
                } else {
                    System.arraycopy(b.x(), ((t + skip) * bs + i) * in, x, (t * bs + i) * in, in);
                }
                if (perStep) {
                    labels[t * bs + i] = b.labels()[(t + skip) * bs + i];
                }
            }
        }
        return new SequenceBatch(t2, bs, in, b.outputSize(), x, lengths, b.y(), labels, tokens);
    }
}

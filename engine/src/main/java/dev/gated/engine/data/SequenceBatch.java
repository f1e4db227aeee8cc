package dev.gated.engine.data;

/**
 * A batch of padded sequences in the RNN's sequence-major layout: {@code x} is [T, B, I] (row-major, element
 * (t, b, i) at {@code (t*B + b)*I + i}). Sequence b uses steps [0, lengths[b]); the steps after it are padding
 * (zeros) and never count in a loss or metric.
 *
 * <p>The inputs are exactly one of:
 * <ul>
 *   <li>{@code x}: float features [T, B, I] as above;</li>
 *   <li>{@code tokens}: one token id per step [T*B], sequence-major like x (step (t, b) at {@code t*B + b}), for a
 *       model with an embedding layer ({@code dev.gated.engine.model.Embedding}), which turns them into x. By
 *       convention {@code inputSize} is 1 for such a batch. The batch does not know the vocabulary: the model checks
 *       every id at a valid step against it. Ids at padded steps (t &gt;= lengths[b]) are ignored (any value; the
 *       model reads the padding row there and gives them no gradient), so padding with the padding id 0 is usual
 *       but not required.</li>
 * </ul>
 *
 * <p>The targets are exactly one of:
 * <ul>
 *   <li>{@code y}: values [B, O] (regression, forecasting); {@code outputSize} = O;</li>
 *   <li>{@code labels} of length B: one class per sequence in [0, outputSize) (classification);</li>
 *   <li>{@code labels} of length T*B: one class per step, sequence-major like x, in [0, outputSize) at valid
 *       steps (language models); values at padded steps are ignored.</li>
 * </ul>
 */
public record SequenceBatch(int seqLength, int batchSize, int inputSize, int outputSize, float[] x, int[] lengths,
                            float[] y, int[] labels, int[] tokens) {
    public SequenceBatch {
        if (seqLength <= 0 || batchSize <= 0 || inputSize <= 0 || outputSize <= 0) {
            throw new IllegalArgumentException("batch: expected seqLength, batchSize, inputSize, outputSize > 0, got "
                    + seqLength + ", " + batchSize + ", " + inputSize + ", " + outputSize);
        }
        if ((x == null) == (tokens == null)) {
            throw new IllegalArgumentException("batch: expected exactly one of x (float inputs) and tokens (token ids),"
                    + " got " + (x == null ? "neither" : "both"));
        }
        if (tokens != null) {
            if (inputSize != 1) {
                throw new IllegalArgumentException("batch: a token batch has inputSize 1 by convention, got "
                        + inputSize);
            }
            if (tokens.length != seqLength * batchSize) {
                throw new IllegalArgumentException("tokens: expected " + seqLength * batchSize + " ids [T=" + seqLength
                        + ", B=" + batchSize + "], got " + tokens.length);
            }
        } else if (x.length != seqLength * batchSize * inputSize) {
            throw new IllegalArgumentException("x: expected " + seqLength * batchSize * inputSize
                    + " values [T=" + seqLength + ", B=" + batchSize + ", I=" + inputSize + "], got "
                    + x.length);
        }
        if (lengths == null || lengths.length != batchSize) {
            throw new IllegalArgumentException("lengths: expected " + batchSize + " lengths, got "
                    + (lengths == null ? "null" : lengths.length));
        }
        for (int b = 0; b < batchSize; b++) {
            if (lengths[b] < 1 || lengths[b] > seqLength) {
                throw new IllegalArgumentException("lengths[" + b + "]: expected a length in [1, " + seqLength
                        + "], got " + lengths[b]);
            }
        }
        if ((y == null) == (labels == null)) {
            throw new IllegalArgumentException("batch: expected exactly one of y (values) and labels (classes)");
        }
        if (y != null && y.length != batchSize * outputSize) {
            throw new IllegalArgumentException("y: expected " + batchSize * outputSize + " values [B=" + batchSize
                    + ", O=" + outputSize + "], got " + y.length);
        }
        if (labels != null) {
            if (labels.length != batchSize && labels.length != seqLength * batchSize) {
                throw new IllegalArgumentException("labels: expected " + batchSize + " (one per sequence) or "
                        + seqLength * batchSize + " (one per step, [T=" + seqLength + ", B=" + batchSize
                        + "]), got " + labels.length);
            }
            boolean perStep = labels.length != batchSize;
            for (int i = 0; i < labels.length; i++) {
                int b = i % batchSize;
                boolean valid = !perStep || i / batchSize < lengths[b];
                if (valid && (labels[i] < 0 || labels[i] >= outputSize)) {
                    throw new IllegalArgumentException("labels[" + i + "]: expected a class in [0, " + outputSize
                            + "), got " + labels[i]);
                }
            }
        }
    }

    /** A batch of float inputs x (no token ids). */
    public SequenceBatch(int seqLength, int batchSize, int inputSize, int outputSize, float[] x, int[] lengths,
                         float[] y, int[] labels) {
        this(seqLength, batchSize, inputSize, outputSize, x, lengths, y, labels, null);
    }

    /** A batch with value targets y [B, O]. */
    public SequenceBatch(int seqLength, int batchSize, int inputSize, int outputSize, float[] x, int[] lengths,
                         float[] y) {
        this(seqLength, batchSize, inputSize, outputSize, x, lengths, y, null);
    }

    /** A batch with one class per sequence ({@code labels.length == B}) or per step ({@code T*B}). */
    public static SequenceBatch ofLabels(int seqLength, int batchSize, int inputSize, int classes, float[] x,
                                         int[] lengths, int[] labels) {
        return new SequenceBatch(seqLength, batchSize, inputSize, classes, x, lengths, null, labels);
    }

    /**
     * A batch of token ids [T*B] (sequence-major, step (t, b) at {@code t*B + b}; ids at padded steps ignored) with
     * one class per sequence ({@code labels.length == B}) or per step ({@code T*B}); inputSize is 1.
     */
    public static SequenceBatch ofTokens(int seqLength, int batchSize, int classes, int[] tokens, int[] lengths,
                                         int[] labels) {
        return new SequenceBatch(seqLength, batchSize, 1, classes, null, lengths, null, labels, tokens);
    }

    /** A batch of token ids [T*B] with value targets y [B, O]; inputSize is 1. */
    public static SequenceBatch ofTokens(int seqLength, int batchSize, int outputSize, int[] tokens, int[] lengths,
                                         float[] y) {
        return new SequenceBatch(seqLength, batchSize, 1, outputSize, null, lengths, y, null, tokens);
    }

    /** True when the inputs are token ids rather than float features x. */
    public boolean hasTokens() {
        return tokens != null;
    }

    /** True when the targets are classes, one per step (language models); with T = 1 the two forms agree. */
    public boolean labelsPerStep() {
        return labels != null && seqLength > 1 && labels.length == seqLength * batchSize;
    }

    /**
     * MSE of the naive forecast "the next value equals the last one seen": predicts y[b, :] = x[len_b - 1, b, :].
     * Needs value targets and inputSize == outputSize.
     */
    public double lastValueMse() {
        if (tokens != null) {
            throw new IllegalStateException("the last-value baseline needs float inputs x; this batch carries token"
                    + " ids");
        }
        if (y == null || inputSize != outputSize) {
            throw new IllegalStateException("the last-value baseline needs value targets and inputSize == outputSize,"
                    + " got inputSize " + inputSize + " and outputSize " + outputSize);
        }
        double sum = 0;
        for (int b = 0; b < batchSize; b++) {
            int t = lengths[b] - 1;
            for (int o = 0; o < outputSize; o++) {
                double d = x[(t * batchSize + b) * inputSize + o] - y[b * outputSize + o];
                sum += d * d;
            }
        }
        return sum / ((double) batchSize * outputSize);
    }
}

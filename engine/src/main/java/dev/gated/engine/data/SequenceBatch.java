package dev.gated.engine.data;

/**
 * A batch of padded sequences with one target vector each, in the RNN's sequence-major layout:
 * {@code x} is [T, B, I] (row-major, element (t, b, i) at {@code (t*B + b)*I + i}), {@code y} is [B, O].
 * Sequence b uses steps [0, lengths[b]); the steps after it are padding (zeros).
 */
public record SequenceBatch(int seqLength, int batchSize, int inputSize, int outputSize, float[] x, int[] lengths,
                            float[] y) {
    public SequenceBatch {
        if (seqLength <= 0 || batchSize <= 0 || inputSize <= 0 || outputSize <= 0) {
            throw new IllegalArgumentException("batch: expected seqLength, batchSize, inputSize, outputSize > 0, got "
                    + seqLength + ", " + batchSize + ", " + inputSize + ", " + outputSize);
        }
        if (x == null || x.length != seqLength * batchSize * inputSize) {
            throw new IllegalArgumentException("x: expected " + seqLength * batchSize * inputSize
                    + " values [T=" + seqLength + ", B=" + batchSize + ", I=" + inputSize + "], got "
                    + (x == null ? "null" : x.length));
        }
        if (y == null || y.length != batchSize * outputSize) {
            throw new IllegalArgumentException("y: expected " + batchSize * outputSize + " values [B=" + batchSize
                    + ", O=" + outputSize + "], got " + (y == null ? "null" : y.length));
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
    }

    /**
     * MSE of the naive forecast "the next value equals the last one seen": predicts y[b, :] = x[len_b - 1, b, :].
     * Needs inputSize == outputSize.
     */
    public double lastValueMse() {
        if (inputSize != outputSize) {
            throw new IllegalStateException("the last-value baseline needs inputSize == outputSize, got "
                    + inputSize + " and " + outputSize);
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

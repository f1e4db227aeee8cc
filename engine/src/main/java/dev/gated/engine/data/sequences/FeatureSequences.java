package dev.gated.engine.data.sequences;

import java.util.Arrays;

/**
 * An immutable list of variable-length sequences of feature vectors, the inputs shared by the sequence datasets
 * ({@link LabeledSequences}, {@link dev.gated.engine.data.arrays.NpyArrays}): sequence {@code k} has
 * {@link #length(int) length(k)} &ge; 1 steps of {@link #inputSize()} features, stored step-major
 * ({@code steps[k][t*I + i]}). It pads chosen sequences into the RNN's batch layout, computes feature statistics
 * over the valid steps and standardizes.
 *
 * <p>Subsets and standardized copies never modify the arrays they were made from, so they may share them.
 */
public final class FeatureSequences {
    private final int inputSize;
    private final float[][] steps;

    /**
     * Takes ownership of {@code steps} (not copied; the caller must not modify it afterwards).
     *
     * @param inputSize features per step, I &ge; 1
     * @param steps     {@code steps[k]} holds sequence k's {@code length * I} values, step-major; length &ge; 1
     */
    public FeatureSequences(int inputSize, float[][] steps) {
        if (inputSize < 1) {
            throw new IllegalArgumentException("inputSize: expected >= 1, got " + inputSize);
        }
        for (int k = 0; k < steps.length; k++) {
            if (steps[k].length == 0 || steps[k].length % inputSize != 0) {
                throw new IllegalArgumentException("steps[" + k + "]: expected a positive multiple of inputSize "
                        + inputSize + " values, got " + steps[k].length);
            }
        }
        this.inputSize = inputSize;
        this.steps = steps;
    }

    /** The padded batch of some sequences: x [T, B, I] sequence-major with zero padding, and their lengths. */
    public record Padded(int seqLength, float[] x, int[] lengths) {
    }

    public int size() {
        return steps.length;
    }

    public int inputSize() {
        return inputSize;
    }

    /** Steps of sequence {@code k}. */
    public int length(int k) {
        checkIndex(k, steps.length, "sequence");
        return steps[k].length / inputSize;
    }

    /** Feature {@code i} of sequence {@code k} at step {@code t}. */
    public float value(int k, int t, int i) {
        return steps[k][t * inputSize + i];
    }

    /** The sequences {@code indices[0]}, {@code indices[1]}, ... (repeats allowed), sharing the data. */
    public FeatureSequences subset(int[] indices) {
        checkIndices(indices, steps.length, false);
        float[][] out = new float[indices.length][];
        for (int j = 0; j < indices.length; j++) {
            out[j] = steps[indices[j]];
        }
        return new FeatureSequences(inputSize, out);
    }

    /**
     * Mean and population standard deviation of each feature over every step of every sequence (padding never
     * counts): {@code [0]} the means, {@code [1]} the stds, each of length I. Two passes in double.
     */
    public double[][] meanStd() {
        double[] mean = new double[inputSize];
        double[] std = new double[inputSize];
        long n = 0;
        for (float[] s : steps) {
            for (int j = 0; j < s.length; j++) {
                mean[j % inputSize] += s[j];
            }
            n += s.length / inputSize;
        }
        if (n == 0) {
            throw new IllegalStateException("feature statistics: expected at least one sequence, got none");
        }
        for (int i = 0; i < inputSize; i++) {
            mean[i] /= n;
        }
        for (float[] s : steps) {
            for (int j = 0; j < s.length; j++) {
                double d = s[j] - mean[j % inputSize];
                std[j % inputSize] += d * d;
            }
        }
        for (int i = 0; i < inputSize; i++) {
            std[i] = Math.sqrt(std[i] / n);
        }
        return new double[][] {mean, std};
    }

    /** Every feature mapped to {@code (v - mean[i]) / std[i]}; a std of 0 counts as 1 (the feature is only shifted). */
    public FeatureSequences standardized(double[] mean, double[] std) {
        if (mean == null || std == null || mean.length != inputSize || std.length != inputSize) {
            throw new IllegalArgumentException("standardize: expected a mean and a std for each of the " + inputSize
                    + " features, got " + (mean == null ? "null" : mean.length) + " and "
                    + (std == null ? "null" : std.length));
        }
        for (int i = 0; i < inputSize; i++) {
            if (!Double.isFinite(mean[i]) || !Double.isFinite(std[i]) || std[i] < 0) {
                throw new IllegalArgumentException("standardize: expected a finite mean and a finite std >= 0 for "
                        + "feature " + i + ", got " + mean[i] + " and " + std[i]);
            }
        }
        float[][] out = new float[steps.length][];
        for (int k = 0; k < steps.length; k++) {
            float[] s = steps[k];
            float[] z = new float[s.length];
            for (int j = 0; j < s.length; j++) {
                int i = j % inputSize;
                z[j] = (float) ((s[j] - mean[i]) / (std[i] == 0 ? 1 : std[i]));
            }
            out[k] = z;
        }
        return new FeatureSequences(inputSize, out);
    }

    /**
     * The chosen sequences padded with zeros to the longest of them, in the order given.
     *
     * @throws IllegalArgumentException if {@code indices} is empty or an index is out of range
     */
    public Padded pad(int[] indices) {
        checkIndices(indices, steps.length, true);
        int b = indices.length;
        int[] lengths = new int[b];
        int t = 0;
        for (int j = 0; j < b; j++) {
            lengths[j] = steps[indices[j]].length / inputSize;
            t = Math.max(t, lengths[j]);
        }
        float[] x = new float[t * b * inputSize];
        for (int j = 0; j < b; j++) {
            float[] s = steps[indices[j]];
            for (int step = 0; step < lengths[j]; step++) {
                System.arraycopy(s, step * inputSize, x, (step * b + j) * inputSize, inputSize);
            }
        }
        return new Padded(t, x, lengths);
    }

    /**
     * Checks indices into a list of {@code size} examples, as {@link dev.gated.engine.data.Dataset#batch} requires.
     *
     * @param nonEmpty whether at least one index is required (a batch); a subset may be empty
     */
    public static void checkIndices(int[] indices, int size, boolean nonEmpty) {
        if (indices == null || (nonEmpty && indices.length == 0)) {
            throw new IllegalArgumentException("batch: expected at least one example, got none");
        }
        for (int j = 0; j < indices.length; j++) {
            if (indices[j] < 0 || indices[j] >= size) {
                throw new IllegalArgumentException("indices[" + j + "]: expected an example in [0, " + size
                        + "), got " + indices[j]);
            }
        }
    }

    /** Checks one index into a list of {@code size} items named {@code what} in the message. */
    public static void checkIndex(int k, int size, String what) {
        if (k < 0 || k >= size) {
            throw new IndexOutOfBoundsException(what + ": expected an index in [0, " + size + "), got " + k);
        }
    }

    @Override
    public String toString() {
        return "FeatureSequences(" + steps.length + " sequences, I=" + inputSize + ", lengths "
                + Arrays.toString(Arrays.stream(steps).mapToInt(s -> s.length / inputSize).limit(8).toArray())
                + (steps.length > 8 ? "..." : "") + ")";
    }
}

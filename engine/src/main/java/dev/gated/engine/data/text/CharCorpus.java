package dev.gated.engine.data.text;

import dev.gated.engine.data.Dataset;
import dev.gated.engine.data.SequenceBatch;
import dev.gated.engine.data.sequences.FeatureSequences;
import java.util.Arrays;

/**
 * Next-character prediction examples over an encoded text ({@link CharVocabulary#encode}), for a character-level
 * language model.
 *
 * <p>Example {@code k} starts at {@code s = k * stride} and reads the {@code window + 1} ids
 * {@code ids[s .. s + window]}: its inputs are {@code ids[s .. s + window - 1]}, one-hot encoded (I = V), and its
 * targets are the next characters {@code ids[s + 1 .. s + window]}, one per step. So there are
 * {@code (n - window - 1) / stride + 1} examples for a text of n ids, and a text shorter than {@code window + 1}
 * ids is an error. Every example has {@code window} steps (no padding).
 */
public final class CharCorpus implements Dataset {
    private final int[] ids;
    private final int vocabularySize;
    private final int window;
    private final int stride;
    private final int count;

    private CharCorpus(int[] ids, int vocabularySize, int window, int stride) {
        this.ids = ids;
        this.vocabularySize = vocabularySize;
        this.window = window;
        this.stride = stride;
        this.count = (ids.length - window - 1) / stride + 1;
    }

    /**
     * @param ids            the encoded text, each in [0, vocabularySize) (copied)
     * @param vocabularySize V &ge; 1
     * @param window         steps per example, &ge; 1
     * @param stride         ids between consecutive example starts, &ge; 1
     * @throws IllegalArgumentException if the text has fewer than {@code window + 1} ids, or for a bad argument
     */
    public static CharCorpus of(int[] ids, int vocabularySize, int window, int stride) {
        if (vocabularySize < 1) {
            throw new IllegalArgumentException("vocabularySize: expected >= 1, got " + vocabularySize);
        }
        if (window < 1) {
            throw new IllegalArgumentException("window: expected >= 1, got " + window);
        }
        if (stride < 1) {
            throw new IllegalArgumentException("stride: expected >= 1, got " + stride);
        }
        checkIds(ids, vocabularySize);
        if (ids.length < window + 1L) {
            throw new IllegalArgumentException("text: expected at least window + 1 = " + (window + 1L)
                    + " characters for one example (" + window + " inputs and the character after them), found "
                    + ids.length + "; use a longer text or a shorter window");
        }
        return new CharCorpus(ids.clone(), vocabularySize, window, stride);
    }

    /**
     * A prompt for text generation: T = {@code ids.length} steps, B = 1, one-hot inputs, every label 0 (one per
     * step; placeholders, the prompt is not scored).
     */
    public static SequenceBatch promptBatch(int[] ids, int vocabularySize) {
        if (ids == null || ids.length == 0) {
            throw new IllegalArgumentException("prompt: expected at least one character, got none");
        }
        checkIds(ids, vocabularySize);
        float[] x = new float[ids.length * vocabularySize];
        for (int t = 0; t < ids.length; t++) {
            x[t * vocabularySize + ids[t]] = 1;
        }
        return SequenceBatch.ofLabels(ids.length, 1, vocabularySize, vocabularySize, x, new int[] {ids.length},
                new int[ids.length]);
    }

    private static void checkIds(int[] ids, int vocabularySize) {
        if (ids == null) {
            throw new IllegalArgumentException("ids: required, got null");
        }
        for (int k = 0; k < ids.length; k++) {
            if (ids[k] < 0 || ids[k] >= vocabularySize) {
                throw new IllegalArgumentException("ids[" + k + "]: expected a character index in [0, "
                        + vocabularySize + "), got " + ids[k]);
            }
        }
    }

    public int window() {
        return window;
    }

    public int stride() {
        return stride;
    }

    /** Number of ids in the text. */
    public int textLength() {
        return ids.length;
    }

    /** First id of example {@code k}: {@code k * stride}. */
    public int start(int k) {
        FeatureSequences.checkIndex(k, count, "example");
        return k * stride;
    }

    @Override
    public int size() {
        return count;
    }

    /** V: the inputs are one-hot. */
    @Override
    public int inputSize() {
        return vocabularySize;
    }

    /** V: one score per character. */
    @Override
    public int outputSize() {
        return vocabularySize;
    }

    /**
     * The chosen examples: x [T=window, B, V] one-hot, sequence-major; labels [T, B] (index {@code t*B + b}) the
     * character after each input step; every length {@code window}.
     */
    @Override
    public SequenceBatch batch(int[] indices) {
        FeatureSequences.checkIndices(indices, count, true);
        int[] starts = new int[indices.length];
        for (int j = 0; j < starts.length; j++) {
            starts[j] = indices[j] * stride;
        }
        return span(starts, window);
    }

    /**
     * A batch of {@code steps} steps read from each of the given start positions (as {@link #batch} reads examples,
     * at any position): sequence j's inputs are {@code ids[starts[j] .. starts[j] + steps - 1]} one-hot and its
     * targets the character after each. Truncated BPTT reads its streams' chunks this way.
     *
     * @throws IllegalArgumentException if a span does not fit in the text (it needs {@code steps + 1} ids)
     */
    public SequenceBatch span(int[] starts, int steps) {
        if (steps < 1) {
            throw new IllegalArgumentException("steps: expected >= 1, got " + steps);
        }
        int b = starts.length;
        for (int j = 0; j < b; j++) {
            if (starts[j] < 0 || (long) starts[j] + steps >= ids.length) {
                throw new IllegalArgumentException("starts[" + j + "]: a span of " + steps + " steps from " + starts[j]
                        + " needs ids up to " + ((long) starts[j] + steps) + ", the text has " + ids.length);
            }
        }
        float[] x = new float[steps * b * vocabularySize];
        int[] labels = new int[steps * b];
        for (int j = 0; j < b; j++) {
            int s = starts[j];
            for (int t = 0; t < steps; t++) {
                x[(t * b + j) * vocabularySize + ids[s + t]] = 1;
                labels[t * b + j] = ids[s + t + 1];
            }
        }
        int[] lengths = new int[b];
        Arrays.fill(lengths, steps);
        return SequenceBatch.ofLabels(steps, b, vocabularySize, vocabularySize, x, lengths, labels);
    }

    @Override
    public String toString() {
        return "CharCorpus(" + ids.length + " characters, V=" + vocabularySize + ", window " + window + ", stride "
                + stride + ": " + count + " examples)";
    }
}

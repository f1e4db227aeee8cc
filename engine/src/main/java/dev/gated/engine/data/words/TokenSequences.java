package dev.gated.engine.data.words;

import dev.gated.engine.data.Dataset;
import dev.gated.engine.data.SequenceBatch;
import java.util.Arrays;
import java.util.Objects;

/**
 * Word-level classification examples: each a sequence of word ids (at least one) and its class. {@link #batch}
 * gives token batches ({@link SequenceBatch#ofTokens}) padded with {@link WordVocabulary#PAD_ID} to the longest
 * chosen sequence, one label per sequence; {@link #length} is cheap, for bucketing and the curriculum.
 */
public final class TokenSequences implements Dataset {
    private final int[][] ids;
    /** Class per sequence; -1 when unknown (prediction input): batches then carry class 0 as a placeholder. */
    private final int[] labels;
    private final int classes;

    /**
     * @param ids     the word ids of each sequence (copied), each at least one id
     * @param labels  the class of each sequence in [0, classes), or -1 for none
     * @param classes the number of classes, &ge; 1
     */
    public TokenSequences(int[][] ids, int[] labels, int classes) {
        Objects.requireNonNull(ids, "ids");
        Objects.requireNonNull(labels, "labels");
        if (ids.length != labels.length) {
            throw new IllegalArgumentException("labels: expected " + ids.length + " (one per sequence), got "
                    + labels.length);
        }
        if (classes < 1) {
            throw new IllegalArgumentException("classes: expected >= 1, got " + classes);
        }
        this.ids = new int[ids.length][];
        for (int i = 0; i < ids.length; i++) {
            if (ids[i].length == 0) {
                throw new IllegalArgumentException("sequence " + i + ": expected at least one id, got none");
            }
            if (labels[i] < -1 || labels[i] >= classes) {
                throw new IllegalArgumentException("labels[" + i + "]: expected a class in [0, " + classes
                        + ") or -1, got " + labels[i]);
            }
            this.ids[i] = ids[i].clone();
        }
        this.labels = labels.clone();
        this.classes = classes;
    }

    @Override
    public int size() {
        return ids.length;
    }

    /** 1: a token batch's convention; the model's input size is its embedding's dim. */
    @Override
    public int inputSize() {
        return 1;
    }

    @Override
    public int outputSize() {
        return classes;
    }

    @Override
    public int length(int index) {
        return ids[index].length;
    }

    /** The ids of sequence {@code index} (a copy). */
    public int[] ids(int index) {
        return ids[index].clone();
    }

    /** The class of sequence {@code index}, or -1. */
    public int label(int index) {
        return labels[index];
    }

    /** The sequences {@code indices} in that order. */
    public TokenSequences subset(int[] indices) {
        int[][] sub = new int[indices.length][];
        int[] l = new int[indices.length];
        for (int k = 0; k < indices.length; k++) {
            sub[k] = ids[indices[k]];
            l[k] = labels[indices[k]];
        }
        return new TokenSequences(sub, l, classes);
    }

    @Override
    public SequenceBatch batch(int[] indices) {
        if (indices.length == 0) {
            throw new IllegalArgumentException("batch: expected at least one index");
        }
        int b = indices.length;
        int t = 0;
        for (int i : indices) {
            if (i < 0 || i >= ids.length) {
                throw new IllegalArgumentException("batch: index " + i + " out of [0, " + ids.length + ")");
            }
            t = Math.max(t, ids[i].length);
        }
        int[] tokens = new int[t * b];
        Arrays.fill(tokens, WordVocabulary.PAD_ID);
        int[] lengths = new int[b];
        int[] l = new int[b];
        for (int k = 0; k < b; k++) {
            int[] s = ids[indices[k]];
            lengths[k] = s.length;
            l[k] = Math.max(0, labels[indices[k]]);
            for (int step = 0; step < s.length; step++) {
                tokens[step * b + k] = s[step];
            }
        }
        return SequenceBatch.ofTokens(t, b, classes, tokens, lengths, l);
    }

    @Override
    public String toString() {
        return "TokenSequences(" + ids.length + " sequences, " + classes + " classes)";
    }
}

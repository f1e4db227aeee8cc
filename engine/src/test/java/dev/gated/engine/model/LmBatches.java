package dev.gated.engine.model;

import dev.gated.engine.data.SequenceBatch;
import java.util.Arrays;
import java.util.SplittableRandom;

/** Language-model batches for the stateful (truncated BPTT) tests here and in integration-tests. */
public final class LmBatches {
    /** Classes and input features of {@link #random}. */
    public static final int V = 4;
    public static final int INPUT = 3;

    private LmBatches() {
    }

    /** A language-model batch [T, B]: random inputs, a class per step. */
    public static SequenceBatch random(int steps, int batch, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int[] lengths = new int[batch];
        Arrays.fill(lengths, steps);
        float[] x = RandomBatches.inputs(rnd, steps, INPUT, lengths);
        int[] labels = new int[steps * batch];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = rnd.nextInt(V);
        }
        return SequenceBatch.ofLabels(steps, batch, INPUT, V, x, lengths, labels);
    }

    /** Steps [from, to) of a full-length language-model batch. */
    public static SequenceBatch slice(SequenceBatch b, int from, int to) {
        int n = b.batchSize();
        int[] lengths = new int[n];
        Arrays.fill(lengths, to - from);
        return SequenceBatch.ofLabels(to - from, n, b.inputSize(), b.outputSize(),
                Arrays.copyOfRange(b.x(), from * n * b.inputSize(), to * n * b.inputSize()), lengths,
                Arrays.copyOfRange(b.labels(), from * n, to * n));
    }

}

package dev.gated.engine.model;

import dev.gated.engine.data.SequenceBatch;
import java.util.SplittableRandom;

/** Random time-major batches with ragged lengths for model tests: inputs in [-1, 1), padding steps exactly 0. */
public final class RandomBatches {
    private RandomBatches() {
    }

    /** x of a [seq, lengths.length, input] batch: uniform in [-1, 1) up to each sample's length, 0 after it. */
    public static float[] inputs(SplittableRandom rnd, int seq, int input, int[] lengths) {
        int b = lengths.length;
        float[] x = new float[seq * b * input];
        for (int t = 0; t < seq; t++) {
            for (int i = 0; i < b; i++) {
                for (int k = 0; k < input; k++) {
                    x[(t * b + i) * input + k] = t < lengths[i] ? (float) rnd.nextDouble(-1, 1) : 0f;
                }
            }
        }
        return x;
    }

    /** A regression batch: {@link #inputs}, then targets uniform in [-1, 1), all drawn from {@code seed}. */
    public static SequenceBatch regression(int seq, int input, int output, int[] lengths, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int b = lengths.length;
        float[] x = inputs(rnd, seq, input, lengths);
        float[] y = new float[b * output];
        for (int i = 0; i < y.length; i++) {
            y[i] = (float) rnd.nextDouble(-1, 1);
        }
        return new SequenceBatch(seq, b, input, output, x, lengths.clone(), y, null);
    }
}

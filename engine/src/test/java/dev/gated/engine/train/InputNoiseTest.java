package dev.gated.engine.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.gated.engine.data.SequenceBatch;
import org.junit.jupiter.api.Test;

class InputNoiseTest {
    private static SequenceBatch zeros(int seq, int batch, int input, int[] lengths) {
        return new SequenceBatch(seq, batch, input, 1, new float[seq * batch * input], lengths, new float[batch],
                null);
    }

    @Test
    void noiseHasMeanZeroAndVarianceSigmaSquaredAtValidStepsOnly() {
        int seq = 60;
        int bs = 20;
        int in = 10;
        int[] lengths = new int[bs];
        java.util.Arrays.fill(lengths, seq);
        lengths[0] = 30;
        double sigma = 0.3;
        SequenceBatch noisy = InputNoise.apply(zeros(seq, bs, in, lengths), sigma, 42, 5);
        double sum = 0;
        double sq = 0;
        int n = 0;
        for (int t = 0; t < seq; t++) {
            for (int b = 0; b < bs; b++) {
                for (int i = 0; i < in; i++) {
                    float v = noisy.x()[(t * bs + b) * in + i];
                    if (t >= lengths[b]) {
                        assertEquals(0f, v, "padding stays 0");
                        continue;
                    }
                    sum += v;
                    sq += v * v;
                    n++;
                }
            }
        }
        double mean = sum / n;
        double var = sq / n - mean * mean;
        assertEquals(0, mean, 4 * sigma / Math.sqrt(n), "mean");
        assertEquals(sigma * sigma, var, 0.05 * sigma * sigma, "variance");
    }

    @Test
    void sameSeedAndStepSameNoiseOtherStepOtherNoise() {
        SequenceBatch b = zeros(8, 4, 3, new int[] {8, 8, 5, 1});
        assertArrayEquals(InputNoise.apply(b, 0.1, 7, 12).x(), InputNoise.apply(b, 0.1, 7, 12).x());
        assertFalse(java.util.Arrays.equals(InputNoise.apply(b, 0.1, 7, 12).x(), InputNoise.apply(b, 0.1, 7, 13).x()));
        assertFalse(java.util.Arrays.equals(InputNoise.apply(b, 0.1, 7, 12).x(), InputNoise.apply(b, 0.1, 8, 12).x()));
        assertSame(b, InputNoise.apply(b, 0, 7, 12), "sigma 0 leaves the batch alone");
    }
}

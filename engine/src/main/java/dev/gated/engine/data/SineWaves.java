package dev.gated.engine.data;

import java.util.SplittableRandom;

/**
 * A generated forecasting task: each sample is a window of a sine wave {@code sin(omega*t + phase)} with its own
 * random angular frequency (radians per step) and phase, plus optional Gaussian noise; the target is the
 * noise-free value at the step right after the window. Input and output have one feature.
 *
 * <p>The model has to infer the frequency from the window to beat the naive "same as the last value" forecast,
 * whose error grows with the frequency. Everything is drawn from the {@link SplittableRandom} passed in, so a
 * seed fixes the data exactly.
 *
 * @param window     steps per sequence (T)
 * @param minLength  shortest sequence; below {@code window} the batch is padded with per-sequence lengths
 * @param minOmega   lowest angular frequency, radians per step
 * @param maxOmega   highest angular frequency, radians per step
 * @param noise      standard deviation of the noise added to the inputs (not to the target)
 */
public record SineWaves(int window, int minLength, double minOmega, double maxOmega, double noise) {
    public SineWaves {
        if (window < 1) {
            throw new IllegalArgumentException("window: expected >= 1, got " + window);
        }
        if (minLength < 1 || minLength > window) {
            throw new IllegalArgumentException("minLength: expected a length in [1, " + window + "], got " + minLength);
        }
        if (!(minOmega > 0 && maxOmega >= minOmega && maxOmega < Math.PI)) {
            throw new IllegalArgumentException("omega: expected 0 < minOmega <= maxOmega < pi, got [" + minOmega
                    + ", " + maxOmega + "]");
        }
        if (!(noise >= 0)) {
            throw new IllegalArgumentException("noise: expected >= 0, got " + noise);
        }
    }

    /** Fixed-length windows of {@code window} steps, frequencies of 0.3 to 0.9 radians per step, no noise. */
    public static SineWaves of(int window) {
        return new SineWaves(window, window, 0.3, 0.9, 0);
    }

    /** A fresh batch of {@code batchSize} samples drawn from {@code rnd}. */
    public SequenceBatch batch(int batchSize, SplittableRandom rnd) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize: expected >= 1, got " + batchSize);
        }
        float[] x = new float[window * batchSize];
        float[] y = new float[batchSize];
        int[] lengths = new int[batchSize];
        for (int b = 0; b < batchSize; b++) {
            double omega = minOmega == maxOmega ? minOmega : rnd.nextDouble(minOmega, maxOmega);
            double phase = rnd.nextDouble(0, 2 * Math.PI);
            int len = minLength == window ? window : rnd.nextInt(minLength, window + 1);
            lengths[b] = len;
            for (int t = 0; t < len; t++) {
                double v = Math.sin(omega * t + phase);
                if (noise > 0) {
                    v += noise * gaussian(rnd);
                }
                x[t * batchSize + b] = (float) v;
            }
            y[b] = (float) Math.sin(omega * len + phase);
        }
        return new SequenceBatch(window, batchSize, 1, 1, x, lengths, y);
    }

    private static double gaussian(SplittableRandom rnd) {
        // Box-Muller on SplittableRandom (which has no nextGaussian in Java 17).
        double u1 = rnd.nextDouble();
        double u2 = rnd.nextDouble();
        return Math.sqrt(-2 * Math.log1p(-u1)) * Math.cos(2 * Math.PI * u2);
    }
}

package dev.gated.engine.tune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The numeric Parzen estimator against hand-worked Optuna numbers, and its density against its own draws. */
class ParzenEstimatorTest {
    @Test
    void bandwidthsAsOptuna() {
        // Points with the prior's 0.5: 0.1 0.15 0.5 0.9 in [0, 1]. Larger neighbour gaps: .1, .35, .4, .4; the
        // outermost use their inner gap: 0.1 -> .05, 0.9 -> .4; clip to >= 1 / min(100, 1 + 4) = .2.
        assertArrayEquals(new double[] {0.2, 0.35, 0.4},
                ParzenEstimator.bandwidths(new double[] {0.1, 0.15, 0.9}, 0, 1), 1e-12);
        // Order of the observations does not matter.
        assertArrayEquals(new double[] {0.4, 0.2, 0.35},
                ParzenEstimator.bandwidths(new double[] {0.9, 0.1, 0.15}, 0, 1), 1e-12);
        // One point: its distance to the prior's centre, clipped to >= 1/3 of the range.
        assertArrayEquals(new double[] {1.0 / 3}, ParzenEstimator.bandwidths(new double[] {0.4}, 0, 1), 1e-12);
        assertArrayEquals(new double[] {9.0}, ParzenEstimator.bandwidths(new double[] {-9}, -10, 10), 1e-12);
        assertArrayEquals(new double[] {20.0 / 3}, ParzenEstimator.bandwidths(new double[] {-4}, -10, 10), 1e-12);
        ParzenEstimator e = new ParzenEstimator(new double[] {0.4}, new double[] {1}, 0, 1, 1);
        assertArrayEquals(new double[] {1.0 / 3, 1.0}, e.sigmas(), 1e-12); // prior sigma: the range
    }

    @Test
    void defaultWeightsAsOptuna() {
        assertArrayEquals(new double[] {1, 1, 1}, ParzenEstimator.defaultWeights(3));
        double[] w = ParzenEstimator.defaultWeights(30); // np.linspace(1/30, 1, 5) then 25 ones
        assertEquals(30, w.length);
        double[] ramp = {1.0 / 30, 1.0 / 30 + (1 - 1.0 / 30) / 4, 1.0 / 30 + (1 - 1.0 / 30) / 2,
                1.0 / 30 + 3 * (1 - 1.0 / 30) / 4, 1.0};
        for (int i = 0; i < 5; i++) {
            assertEquals(ramp[i], w[i], 1e-12);
        }
        for (int i = 5; i < 30; i++) {
            assertEquals(1.0, w[i]);
        }
        assertEquals(1.0 / 26, ParzenEstimator.defaultWeights(26)[0], 1e-15);
    }

    @Test
    void densityIntegratesToOneAndMatchesDraws() {
        ParzenEstimator e = new ParzenEstimator(new double[] {-1.5, -1.2, 0.3, 1.9}, new double[] {1, 2, 1, 1},
                -2, 2, 1);
        double integral = 0;
        int steps = 40_000;
        for (int i = 0; i < steps; i++) {
            integral += Math.exp(e.logPdf(-2 + (i + 0.5) * 4.0 / steps)) * 4.0 / steps;
        }
        assertEquals(1.0, integral, 1e-6);
        assertEquals(0.0, e.logMass(-2, 2), 1e-9);
        // The share of draws in [-2, -1] matches its probability.
        SplittableRandom rng = new SplittableRandom(1);
        int in = 0;
        int n = 100_000;
        for (int i = 0; i < n; i++) {
            double x = e.sample(rng);
            assertTrue(x >= -2 && x <= 2);
            in += x <= -1 ? 1 : 0;
        }
        double p = Math.exp(e.logMass(-2, -1));
        assertEquals(p, (double) in / n, 4 * Math.sqrt(p * (1 - p) / n));
        assertEquals(Double.NEGATIVE_INFINITY, e.logPdf(2.5));
    }
}

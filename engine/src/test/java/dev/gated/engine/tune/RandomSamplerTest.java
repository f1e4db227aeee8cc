package dev.gated.engine.tune;

import static dev.gated.engine.tune.TuneFixtures.choice;
import static dev.gated.engine.tune.TuneFixtures.ints;
import static dev.gated.engine.tune.TuneFixtures.logInts;
import static dev.gated.engine.tune.TuneFixtures.logUniform;
import static dev.gated.engine.tune.TuneFixtures.space;
import static dev.gated.engine.tune.TuneFixtures.uniform;
import static dev.gated.engine.tune.TuneFixtures.when;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.apache.commons.math3.distribution.UniformRealDistribution;
import org.apache.commons.math3.stat.StatUtils;
import org.apache.commons.math3.stat.inference.ChiSquareTest;
import org.apache.commons.math3.stat.inference.KolmogorovSmirnovTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Random search: reproducible per trial number, and each parameter drawn from its own distribution. */
class RandomSamplerTest {
    static final int N = 20_000;
    static final SearchSpace SPACE = space(uniform("x", -2, 3), logUniform("lr", 1e-5, 1e-1),
            ints("hidden", 8, 130, 8), logInts("batch", 1, 64), choice("cell", "lstm", "gru", "rnn", "tcn"));
    static double[] x;
    static double[] lr;
    static long[] hidden;
    static long[] batch;
    static String[] cell;

    @BeforeAll
    static void draw() {
        RandomSampler s = new RandomSampler(SPACE, 12345);
        x = new double[N];
        lr = new double[N];
        hidden = new long[N];
        batch = new long[N];
        cell = new String[N];
        for (int n = 0; n < N; n++) {
            Map<String, Object> p = s.sample(n, List.of());
            x[n] = (Double) p.get("x");
            lr[n] = (Double) p.get("lr");
            hidden[n] = (Long) p.get("hidden");
            batch[n] = (Long) p.get("batch");
            cell[n] = (String) p.get("cell");
        }
    }

    @Test
    void deterministicPerSeedAndNumber() {
        RandomSampler a = new RandomSampler(SPACE, 7);
        RandomSampler b = new RandomSampler(SPACE, 7);
        RandomSampler c = new RandomSampler(SPACE, 8);
        for (int n = 0; n < 50; n++) {
            assertEquals(a.sample(n, List.of()), b.sample(n, List.of()));
            assertNotEquals(a.sample(n, List.of()), c.sample(n, List.of()));
            assertNotEquals(a.sample(n, List.of()), a.sample(n + 1, List.of()));
        }
        // Out of order and with history: trial 30 is still trial 30.
        List<TrialView> history = List.of(TuneFixtures.complete(0, a.sample(0, List.of()), 1.0));
        assertEquals(b.sample(30, List.of()), a.sample(30, history));
    }

    @Test
    void uniformIsUniform() {
        assertTrue(StatUtils.min(x) >= -2 && StatUtils.max(x) <= 3);
        double p = new KolmogorovSmirnovTest().kolmogorovSmirnovTest(new UniformRealDistribution(-2, 3), x);
        assertTrue(p > 0.001, "KS p = " + p);
        assertEquals(0.5, StatUtils.mean(x), 0.05); // 5 standard errors
        assertEquals(25.0 / 12, StatUtils.variance(x), 0.07);
    }

    @Test
    void logUniformIsUniformInLog() {
        assertTrue(StatUtils.min(lr) >= 1e-5 && StatUtils.max(lr) <= 1e-1);
        double[] logs = new double[N];
        for (int i = 0; i < N; i++) {
            logs[i] = Math.log(lr[i]);
        }
        UniformRealDistribution u = new UniformRealDistribution(Math.log(1e-5), Math.log(1e-1));
        double p = new KolmogorovSmirnovTest().kolmogorovSmirnovTest(u, logs);
        assertTrue(p > 0.001, "KS p = " + p);
        // Half the draws below 1e-3, the geometric midpoint (uniform on the linear scale: 1 %).
        assertEquals(0.5, (double) countBelow(lr, 1e-3) / N, 0.02);
    }

    @Test
    void steppedIntsTakeEveryValueEquallyOften() {
        long[] counts = new long[16]; // 8, 16, ..., 128 (130 is not on the grid)
        for (long h : hidden) {
            assertEquals(0, (h - 8) % 8, "off the step grid: " + h);
            assertTrue(h >= 8 && h <= 128, "out of range: " + h);
            counts[(int) ((h - 8) / 8)]++;
        }
        double[] expected = new double[16];
        java.util.Arrays.fill(expected, N / 16.0);
        for (long c : counts) {
            assertTrue(c > 0);
        }
        double p = new ChiSquareTest().chiSquareTest(expected, counts);
        assertTrue(p > 0.001, "chi-square p = " + p);
    }

    @Test
    void logIntsFollowTheLogUniformBins() {
        long[] counts = new long[64];
        for (long b : batch) {
            assertTrue(b >= 1 && b <= 64, "out of range: " + b);
            counts[(int) b - 1]++;
        }
        double[] expected = new double[64];
        double width = Math.log(64.5) - Math.log(0.5);
        for (int v = 1; v <= 64; v++) {
            expected[v - 1] = N * (Math.log(v + 0.5) - Math.log(v - 0.5)) / width;
            assertTrue(counts[v - 1] > 0, "never drew " + v);
        }
        double p = new ChiSquareTest().chiSquareTest(expected, counts);
        assertTrue(p > 0.001, "chi-square p = " + p);
        assertTrue(counts[0] > 10 * counts[63], "1 should be far likelier than 64");
    }

    @Test
    void choicesEquallyLikely() {
        List<String> values = List.of("lstm", "gru", "rnn", "tcn");
        long[] counts = new long[4];
        for (String c : cell) {
            counts[values.indexOf(c)]++;
        }
        double p = new ChiSquareTest().chiSquareTest(new double[] {N / 4.0, N / 4.0, N / 4.0, N / 4.0}, counts);
        assertTrue(p > 0.001, "chi-square p = " + p);
    }

    @Test
    void conditionalParamsAreLeftOutAndShiftNothing() {
        Param layers = choice("layers", 1L, 2L);
        Param dropout = uniform("dropout", 0, 0.5);
        Param lr = logUniform("lr", 1e-4, 1e-1);
        SearchSpace conditional = space(layers, when(dropout, "layers", Condition.Op.GT, 1), lr);
        SearchSpace plain = space(layers, dropout, lr);
        RandomSampler a = new RandomSampler(conditional, 3);
        RandomSampler b = new RandomSampler(plain, 3);
        int inactive = 0;
        for (int n = 0; n < 200; n++) {
            Map<String, Object> p = a.sample(n, List.of());
            Map<String, Object> q = b.sample(n, List.of());
            if ((Long) p.get("layers") > 1) {
                assertEquals(q, p);
            } else {
                inactive++;
                assertFalse(p.containsKey("dropout"));
                assertEquals(List.of("layers", "lr"), List.copyOf(p.keySet()));
                assertEquals(q.get("lr"), p.get("lr")); // the inactive draw is still consumed
            }
        }
        assertTrue(inactive > 50 && inactive < 150, "inactive " + inactive);
    }

    private static int countBelow(double[] v, double t) {
        int c = 0;
        for (double d : v) {
            c += d < t ? 1 : 0;
        }
        return c;
    }
}

package dev.gated.engine.tune;

import static dev.gated.engine.tune.TuneFixtures.choice;
import static dev.gated.engine.tune.TuneFixtures.ints;
import static dev.gated.engine.tune.TuneFixtures.logUniform;
import static dev.gated.engine.tune.TuneFixtures.space;
import static dev.gated.engine.tune.TuneFixtures.uniform;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.random.SobolSequenceGenerator;
import org.junit.jupiter.api.Test;

/** Quasi-random search: reproducible, in bounds, and far more even than random points at the same budget. */
class SobolSamplerTest {
    static final int N = 256;
    static final int DIM = 5;
    static final SearchSpace UNIT = space(uniform("a", 0, 1), uniform("b", 0, 1), uniform("c", 0, 1),
            uniform("d", 0, 1), uniform("e", 0, 1));

    @Test
    void skipToIsTheSequentialSequence() {
        SobolSequenceGenerator seq = new SobolSequenceGenerator(DIM);
        SobolSequenceGenerator jump = new SobolSequenceGenerator(DIM);
        for (int n = 0; n < 300; n++) {
            assertArrayEquals(seq.nextVector(), jump.skipTo(n), "point " + n);
        }
    }

    @Test
    void deterministicAndSeeded() {
        SobolSampler a = new SobolSampler(UNIT, 1);
        SobolSampler b = new SobolSampler(UNIT, 1);
        SobolSampler c = new SobolSampler(UNIT, 2);
        for (int n : new int[] {0, 1, 2, 17, 255, 1000, 3, 0}) { // any order
            assertEquals(a.sample(n, List.of()), b.sample(n, List.of()));
            assertNotEquals(a.sample(n, List.of()), c.sample(n, List.of()));
        }
        assertTrue(Arrays.stream(a.units(0)).allMatch(u -> u > 0), "point 0 is shifted off the corner");
    }

    @Test
    void valuesInBounds() {
        SearchSpace s = space(logUniform("lr", 1e-5, 1e-1), ints("hidden", 8, 128, 8), choice("cell", "lstm", "gru"));
        SobolSampler sampler = new SobolSampler(s, 9);
        for (int n = 0; n < 512; n++) {
            Map<String, Object> p = sampler.sample(n, List.of());
            double lr = (Double) p.get("lr");
            long h = (Long) p.get("hidden");
            assertTrue(lr >= 1e-5 && lr <= 1e-1, "lr " + lr);
            assertTrue(h >= 8 && h <= 128 && h % 8 == 0, "hidden " + h);
            assertTrue(List.of("lstm", "gru").contains(p.get("cell")));
        }
    }

    /** Every coordinate of a Sobol sequence is a (0,1)-sequence: 256 points, one in each 1/256 bin. */
    @Test
    void everyDimensionIsStratified() {
        for (long seed : new long[] {1, 2, 3}) {
            double[][] pts = points(new SobolSampler(UNIT, seed));
            for (int d = 0; d < DIM; d++) {
                int[] bins = new int[N];
                for (double[] p : pts) {
                    bins[(int) (p[d] * N)]++;
                }
                for (int b = 0; b < N; b++) {
                    assertEquals(1, bins[b], "seed " + seed + ", dimension " + d + ", bin " + b);
                }
            }
        }
    }

    @Test
    void lowerDiscrepancyThanRandom() {
        for (long seed : new long[] {1, 2, 3}) {
            double[][] sobol = points(new SobolSampler(UNIT, seed));
            double[][] random = points(new RandomSampler(UNIT, seed));
            for (int d = 0; d < DIM; d++) {
                assertTrue(ksDistance(sobol, d) <= 1.0 / N + 1e-12, "sobol 1-d, dimension " + d);
                assertTrue(ksDistance(random, d) > 2.0 / N, "random 1-d, dimension " + d);
            }
            for (int d = 0; d < DIM; d++) {
                for (int e = d + 1; e < DIM; e++) {
                    double ds = starDiscrepancy(sobol, d, e);
                    double dr = starDiscrepancy(random, d, e);
                    assertTrue(ds < 0.5 * dr, "seed " + seed + ", dims " + d + "," + e + ": sobol " + ds
                            + " vs random " + dr);
                }
            }
        }
    }

    @Test
    void refusesAnEmptySpace() {
        assertThrows(IllegalArgumentException.class, () -> new SobolSampler(new SearchSpace(List.of()), 1));
    }

    private static double[][] points(Sampler s) {
        double[][] pts = new double[N][];
        for (int n = 0; n < N; n++) {
            Map<String, Object> p = s.sample(n, List.of());
            pts[n] = p.values().stream().mapToDouble(v -> (Double) v).toArray();
        }
        return pts;
    }

    /** The largest gap between the empirical and the uniform distribution function along one dimension. */
    private static double ksDistance(double[][] pts, int d) {
        double[] v = Arrays.stream(pts).mapToDouble(p -> p[d]).sorted().toArray();
        double max = 0;
        for (int i = 0; i < v.length; i++) {
            max = Math.max(max, Math.max((i + 1.0) / v.length - v[i], v[i] - (double) i / v.length));
        }
        return max;
    }

    /** Star discrepancy of a 2-d projection over the anchor boxes [0, a) x [0, b) of a 64 x 64 grid. */
    private static double starDiscrepancy(double[][] pts, int d, int e) {
        double max = 0;
        for (int i = 1; i <= 64; i++) {
            for (int j = 1; j <= 64; j++) {
                double a = i / 64.0;
                double b = j / 64.0;
                int inside = 0;
                for (double[] p : pts) {
                    inside += p[d] < a && p[e] < b ? 1 : 0;
                }
                max = Math.max(max, Math.abs((double) inside / pts.length - a * b));
            }
        }
        return max;
    }
}

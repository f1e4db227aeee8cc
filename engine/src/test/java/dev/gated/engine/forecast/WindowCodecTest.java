package dev.gated.engine.forecast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gated.engine.data.timeseries.CalendarFeature;
import dev.gated.engine.data.timeseries.Frequency;
import dev.gated.engine.data.timeseries.PanelColumns;
import dev.gated.engine.data.timeseries.Series;
import java.time.LocalDateTime;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class WindowCodecTest {
    private static final PanelColumns Y = new PanelColumns(List.of("y"), List.of("y"), List.of());

    /** A trend plus a 12-step cycle plus noise, with a second, unrelated observed column. */
    static Series trendSeason(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[][] v = new double[2][n];
        for (int t = 0; t < n; t++) {
            v[0][t] = 100 + 0.8 * t + 10 * Math.sin(2 * Math.PI * t / 12) + 2 * r.nextGaussian();
            v[1][t] = 5 + r.nextGaussian();
        }
        return Series.of("", v);
    }

    private static ForecastLayout layout(Scaling scaling, int difference, TargetMode target, int horizon,
                                         PanelColumns cols, double... quantiles) {
        return new ForecastLayout(8, horizon, Strategy.DIRECT, difference, scaling, target, cols, List.of(),
                quantiles);
    }

    /** decode(encode(y)) gives back the actual future rows, for every transform combination (float64). */
    @Test
    void everyTransformInvertsExactly() {
        Series s = trendSeason(120, 7);
        PanelColumns cols = new PanelColumns(List.of("y"), List.of("y", "x"), List.of());
        SeriesStatistics stats = SeriesStatistics.fit(s, 0, 80, 1, 0, 12);
        for (Scaling scaling : Scaling.values()) {
            for (int d : new int[] {0, 1, 12}) {
                SeriesStatistics st = SeriesStatistics.fit(s, 0, 80, 1, d, 12);
                for (TargetMode target : TargetMode.values()) {
                    for (int h : new int[] {1, 5, 15}) {
                        WindowCodec codec = new WindowCodec(layout(scaling, d, target, h, cols));
                        for (int origin : new int[] {30, 57, 100}) {
                            WindowCodec.Encoded e = codec.encode(s, st, origin, true);
                            double[][][] back = codec.decode(e, e.y());
                            for (int k = 1; k <= h; k++) {
                                double want = s.value(0, origin + k);
                                double got = back[k - 1][0][0];
                                assertEquals(want, got, 1e-12 * Math.abs(want), scaling + " d=" + d + " " + target
                                        + " h=" + h + " origin " + origin + " step " + k);
                            }
                        }
                    }
                }
            }
        }
        assertEquals(2, stats.mean().length);
    }

    @Test
    void inputsAreTheScaledWorkingValues() {
        Series s = trendSeason(60, 3);
        SeriesStatistics st = SeriesStatistics.fit(s, 0, 40, 1, 1, 12);
        WindowCodec codec = new WindowCodec(layout(Scaling.GLOBAL, 1, TargetMode.VALUE, 2, Y));
        WindowCodec.Encoded e = codec.encode(s, st, 20, true);
        // Step 0 of the window is row 13: (y13 - y12 - mean) / std of the training rows' first differences.
        double want = (s.value(0, 13) - s.value(0, 12) - st.mean(0)) / st.std(0);
        assertEquals(want, e.x()[0], 1e-5);
        assertEquals((s.value(0, 21) - s.value(0, 20) - st.mean(0)) / st.std(0), e.y()[0], 1e-12);
        // Window scaling: mean 0 and population std 1 over the window's own inputs.
        WindowCodec.Encoded w = new WindowCodec(layout(Scaling.WINDOW, 0, TargetMode.VALUE, 1, Y)).encode(s, null,
                30, true);
        double sum = 0;
        double ss = 0;
        for (float v : w.x()) {
            sum += v;
            ss += v * v;
        }
        assertEquals(0, sum / 8, 1e-5);
        assertEquals(1, ss / 8, 1e-5);
    }

    @Test
    void constantWindowsScaleByOne() {
        double[][] v = new double[1][40];
        java.util.Arrays.fill(v[0], 1234.5);
        v[0][39] = 1240;
        Series s = Series.of("", v);
        for (TargetMode target : TargetMode.values()) {
            WindowCodec codec = new WindowCodec(layout(Scaling.WINDOW, 0, target, 1, Y));
            WindowCodec.Encoded e = codec.encode(s, null, 38, true);
            for (float x : e.x()) {
                assertEquals(0f, x, "a constant window's inputs are 0");
            }
            assertEquals(1, e.scale()[0], "a constant window's scale is 1");
            assertEquals(1240 - 1234.5, e.y()[0], 1e-12);
            assertEquals(1240, codec.decode(e, e.y())[0][0][0], 1e-12);
        }
    }

    @Test
    void quantilesAreDecodedInOrderAndNeverCross() {
        Series s = trendSeason(60, 1);
        WindowCodec codec = new WindowCodec(layout(Scaling.WINDOW, 0, TargetMode.CHANGE, 2, Y, 0.1, 0.5, 0.9));
        WindowCodec.Encoded e = codec.encode(s, null, 30, false);
        // Outputs for (step 1: q0.1, q0.5, q0.9) and (step 2: ...), the first step's levels crossing.
        double[][][] f = codec.decode(e, new double[] {1.0, 0.0, -1.0, -0.5, 0.0, 0.5});
        assertArrayEquals(new double[] {e.base()[0] - e.scale()[0], e.base()[0], e.base()[0] + e.scale()[0]},
                f[0][0], 1e-9);
        assertTrue(f[1][0][0] <= f[1][0][1] && f[1][0][1] <= f[1][0][2]);
        assertEquals(6, codec.layout().outputSize());
        assertArrayEquals(new double[] {0.1, 0.5, 0.9, 0.1, 0.5, 0.9}, codec.layout().outputLevels());
    }

    @Test
    void knownColumnsAndCalendarFeaturesReadTheFutureRows() {
        int n = 30;
        double[][] v = new double[2][n];
        LocalDateTime[] dates = new LocalDateTime[n];
        for (int t = 0; t < n; t++) {
            v[0][t] = t;
            v[1][t] = t % 3 == 0 ? 1 : 0;
            dates[t] = LocalDateTime.of(2020, 1, 1, 0, 0).plusMonths(t);
        }
        Series s = new Series("", v, n, dates, null, null, new int[] {0}, Frequency.MONTHLY);
        PanelColumns cols = new PanelColumns(List.of("y"), List.of("y"), List.of("promo"));
        ForecastLayout l = new ForecastLayout(4, 2, Strategy.DIRECT, 0, Scaling.NONE, TargetMode.VALUE, cols,
                List.of(CalendarFeature.MONTH), new double[0]);
        assertEquals(6, l.seqLength());
        assertEquals(List.of("y", "promo", "month_sin", "month_cos", "future"), l.featureNames());
        WindowCodec.Encoded e = new WindowCodec(l).encode(s, null, 10, true);
        int in = l.inputSize();
        // History step 3 (row 10): y, promo, month (November), flag 0.
        assertEquals(10, e.x()[3 * in], 1e-6);
        assertEquals(0, e.x()[3 * in + 4]);
        // Future step 1 (row 12 = 2021-01): y hidden, promo of row 12, January, flag 1.
        assertEquals(0, e.x()[5 * in]);
        assertEquals(1, e.x()[5 * in + 1]);
        assertEquals(0, e.x()[5 * in + 2], 1e-6);
        assertEquals(1, e.x()[5 * in + 3], 1e-6);
        assertEquals(1, e.x()[5 * in + 4]);
        // A missing known value in a future row is an error naming the row.
        Series missing = s.withValuesFrom(1, 12, Double.NaN);
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> new WindowCodec(l).encode(missing, null, 10, false));
        assertTrue(ex.getMessage().contains("known column 'promo' has no value at row 12"), ex.getMessage());
    }

    @Test
    void windowsNeedTheirHistory() {
        Series s = trendSeason(40, 2);
        WindowCodec codec = new WindowCodec(layout(Scaling.NONE, 12, TargetMode.VALUE, 1, Y));
        assertEquals(19, codec.layout().lookback());
        assertThrows(IllegalArgumentException.class, () -> codec.encode(s, null, 18, false));
        codec.encode(s, null, 19, false);
    }
}

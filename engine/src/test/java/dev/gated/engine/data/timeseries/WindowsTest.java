package dev.gated.engine.data.timeseries;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gated.engine.data.SequenceBatch;
import java.util.List;
import org.junit.jupiter.api.Test;

class WindowsTest {
    /** Columns a = t, b = 100 + t, c = 1000 + t for t in [0, n). */
    static TimeSeries ramp(int n, List<String> in, List<String> out) {
        TimeSeries names = new TimeSeries("ramp", in, out, new double[unionSize(in, out)][0], null);
        double[][] v = new double[names.columns().size()][n];
        for (int c = 0; c < v.length; c++) {
            double base = switch (names.columns().get(c)) {
                case "a" -> 0;
                case "b" -> 100;
                default -> 1000;
            };
            for (int t = 0; t < n; t++) {
                v[c][t] = base + t;
            }
        }
        return new TimeSeries("ramp", in, out, v, null);
    }

    private static int unionSize(List<String> in, List<String> out) {
        return (int) java.util.stream.Stream.concat(in.stream(), out.stream()).distinct().count();
    }

    @Test
    void countsAndContentsHorizonOne() {
        Windows w = new Windows(ramp(10, List.of("a"), List.of("a")), 3, 1, 1);
        assertEquals(7, w.count());
        assertArrayEquals(new double[][] {{0}, {1}, {2}}, w.inputs(0));
        assertArrayEquals(new double[] {3}, w.target(0));
        assertArrayEquals(new double[] {2}, w.lastValue(0));
        assertEquals(6, w.start(6));
        assertEquals(8, w.last(6));
        assertEquals(9, w.targetRow(6));
        assertArrayEquals(new double[] {9}, w.target(6));
        assertThrows(IndexOutOfBoundsException.class, () -> w.target(7));
    }

    @Test
    void countsWithHorizonAndStride() {
        TimeSeries s = ramp(10, List.of("a"), List.of("a"));
        assertEquals(6, new Windows(s, 3, 2, 1).count()); // targets 4..9
        assertArrayEquals(new double[] {4}, new Windows(s, 3, 2, 1).target(0));
        Windows strided = new Windows(s, 3, 1, 2); // starts 0, 2, 4, 6
        assertEquals(4, strided.count());
        assertEquals(6, strided.start(3));
        assertArrayEquals(new double[] {9}, strided.target(3));
        assertEquals(3, new Windows(s, 3, 1, 3).count()); // starts 0, 3, 6
        assertEquals(1, new Windows(s, 9, 1, 1).count());
        assertEquals(0, new Windows(s, 10, 1, 1).count());
        assertEquals(1, new Windows(s, 1, 9, 5).count());
    }

    @Test
    void tooShortSeriesHasNoWindowsAndRequireNonEmptyExplains() {
        Windows w = new Windows(ramp(4, List.of("a"), List.of("a")), 4, 1, 1);
        assertEquals(0, w.count());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> w.requireNonEmpty("validation"));
        assertTrue(e.getMessage().contains("validation part of ramp: expected at least 5 rows"), e.getMessage());
        assertTrue(e.getMessage().contains("found 4"), e.getMessage());
        Windows ok = new Windows(ramp(5, List.of("a"), List.of("a")), 4, 1, 1);
        assertSame(ok, ok.requireNonEmpty("train"));
    }

    @Test
    void rejectsBadParameters() {
        TimeSeries s = ramp(10, List.of("a"), List.of("a"));
        assertThrows(IllegalArgumentException.class, () -> new Windows(s, 0, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new Windows(s, 3, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new Windows(s, 3, 1, 0));
    }

    @Test
    void batchIsSequenceMajor() {
        // inputs a, b; target c (not an input)
        Windows w = new Windows(ramp(8, List.of("a", "b"), List.of("c")), 3, 2, 1);
        assertEquals(4, w.count());
        SequenceBatch batch = w.batch(1, 3); // windows starting at rows 1 and 2
        assertEquals(3, batch.seqLength());
        assertEquals(2, batch.batchSize());
        assertEquals(2, batch.inputSize());
        assertEquals(1, batch.outputSize());
        assertArrayEquals(new int[] {3, 3}, batch.lengths());
        int bSize = 2;
        int iSize = 2;
        for (int b = 0; b < 2; b++) {
            int start = 1 + b;
            for (int t = 0; t < 3; t++) {
                assertEquals(start + t, batch.x()[(t * bSize + b) * iSize], "a at t=" + t + " b=" + b);
                assertEquals(100 + start + t, batch.x()[(t * bSize + b) * iSize + 1], "b at t=" + t + " b=" + b);
            }
            assertEquals(1000 + start + 2 + 2, batch.y()[b]); // last step start+2, horizon 2
        }
        assertArrayEquals(new double[] {1005, 1006}, w.targets(1, 3));
        assertArrayEquals(new double[] {1003, 1004}, w.lastValues(1, 3));
        assertThrows(IllegalArgumentException.class, () -> w.batch(2, 2));
        assertThrows(IndexOutOfBoundsException.class, () -> w.batch(3, 5));
    }

    @Test
    void multipleTargetsAreRowMajor() {
        Windows w = new Windows(ramp(6, List.of("a"), List.of("b", "c")), 2, 1, 1);
        SequenceBatch batch = w.batch(0, 2);
        assertArrayEquals(new float[] {102, 1002, 103, 1003}, batch.y());
        assertArrayEquals(new double[] {101, 1001, 102, 1002}, w.lastValues(0, 2));
    }

    @Test
    void lastValueBaselineMatchesSequenceBatchWhenInputIsTarget() {
        Windows w = new Windows(ramp(10, List.of("a"), List.of("a")), 3, 1, 1);
        ForecastMetrics m = ForecastMetrics.lastValueBaseline(w);
        assertEquals(1.0, m.mse(), 0);
        assertEquals(w.batch(0, w.count()).lastValueMse(), m.mse(), 1e-9);
    }
}

package dev.gated.engine.data.timeseries;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StandardizerTest {
    private static TimeSeries series(double[] a, double[] b) {
        return new TimeSeries("test", List.of("a"), List.of("b"), new double[][] {a, b}, null);
    }

    @Test
    void fitsPopulationMeanAndStd() {
        Standardizer st = Standardizer.fit(series(new double[] {1, 2, 3, 4}, new double[] {10, 10, 30, 30}));
        assertEquals(2.5, st.mean("a"), 1e-12);
        assertEquals(Math.sqrt(1.25), st.std("a"), 1e-12);
        assertEquals(20, st.mean("b"), 1e-12);
        assertEquals(10, st.std("b"), 1e-12);
        assertEquals(List.of("a", "b"), st.columns());
        assertEquals(List.of(), st.constantColumns());
        assertEquals(1.0, st.transform("b", 30), 1e-12);
        assertEquals(30, st.inverse("b", 1.0), 1e-12);
    }

    @Test
    void fittedOnTrainOnlyValidationDoesNotChangeIt() {
        double[] a1 = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        double[] b1 = {5, 3, 8, 1, 9, 2, 7, 4, 6, 0};
        double[] a2 = a1.clone();
        double[] b2 = b1.clone();
        for (int t = 6; t < 10; t++) { // change everything after the training part
            a2[t] = 1e6 * t;
            b2[t] = -1e6;
        }
        ChronologicalSplit split = new ChronologicalSplit(0.6, 0.2);
        Standardizer s1 = Standardizer.fit(split.split(series(a1, b1)).train());
        Standardizer s2 = Standardizer.fit(split.split(series(a2, b2)).train());
        assertEquals(s1.toMap(), s2.toMap());
        assertEquals(3.5, s1.mean("a"), 1e-12); // mean of 1..6 only
        assertEquals(Math.sqrt(17.5 / 6), s1.std("a"), 1e-12);
    }

    @Test
    void transformAndInverseRoundTrip() {
        TimeSeries s = series(new double[] {1, -2, 3.5, 40}, new double[] {0.1, 0.2, 0.7, -5});
        Standardizer st = Standardizer.fit(s.slice(0, 3));
        TimeSeries z = st.transform(s);
        TimeSeries back = st.inverse(z);
        assertArrayEquals(s.column("a"), back.column("a"), 1e-12);
        assertArrayEquals(s.column("b"), back.column("b"), 1e-12);
        // the training rows have mean 0 and std 1 after the transform
        double[] za = z.slice(0, 3).column("a");
        assertEquals(0, (za[0] + za[1] + za[2]) / 3, 1e-12);
        assertEquals(1, (za[0] * za[0] + za[1] * za[1] + za[2] * za[2]) / 3, 1e-12);
        // predictions [B, O] back to original units
        double[] y = st.transform(List.of("b"), new double[] {0.1, -5});
        float[] yf = {(float) y[0], (float) y[1]};
        assertArrayEquals(new double[] {0.1, -5}, st.inverse(List.of("b"), yf), 1e-6);
        assertArrayEquals(new double[] {1, 0.1, 40, -5},
                st.inverse(List.of("a", "b"), st.transform(List.of("a", "b"), new double[] {1, 0.1, 40, -5})),
                1e-12);
        assertThrows(IllegalArgumentException.class, () -> st.inverse(List.of("a", "b"), new double[3]));
        assertThrows(IllegalArgumentException.class, () -> st.inverse(List.of("zzz"), new double[1]));
    }

    @Test
    void constantColumnGetsStdOne() {
        Standardizer st = Standardizer.fit(series(new double[] {0.1, 0.1, 0.1}, new double[] {1, 2, 3}));
        assertEquals(List.of("a"), st.constantColumns());
        assertEquals(1, st.std("a"));
        assertEquals(0.1, st.mean("a"), 1e-15);
        assertEquals(0.9, st.transform("a", 1.0), 1e-12);
    }

    @Test
    void mapRoundTrip() {
        Standardizer st = Standardizer.fit(series(new double[] {1, 2, 3, 4}, new double[] {10, 10, 30, 30}));
        Map<String, Double> m = st.toMap();
        assertEquals(List.of("mean.a", "mean.b", "std.a", "std.b"), List.copyOf(m.keySet()));
        Standardizer back = Standardizer.fromMap(m);
        assertEquals(m, back.toMap());
        assertEquals(st.columns(), back.columns());
        assertEquals(st.transform("a", 7), back.transform("a", 7), 0);
    }

    @Test
    void fromMapRejectsBadParameters() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("mean.a", 1.0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Standardizer.fromMap(m));
        assertTrue(e.getMessage().contains("a mean and a std for every column"), e.getMessage());
        m.put("std.a", 0.0);
        e = assertThrows(IllegalArgumentException.class, () -> Standardizer.fromMap(m));
        assertTrue(e.getMessage().contains("std.a: expected a finite number > 0, got 0.0"), e.getMessage());
        m.put("std.a", 2.0);
        m.put("scale.a", 2.0);
        e = assertThrows(IllegalArgumentException.class, () -> Standardizer.fromMap(m));
        assertTrue(e.getMessage().contains("'scale.a'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Standardizer.fromMap(Map.of()));
    }

    @Test
    void transformNeedsFittedColumns() {
        Standardizer st = Standardizer.fit(series(new double[] {1, 2}, new double[] {3, 4}));
        TimeSeries other = new TimeSeries("x", List.of("a"), List.of("c"), new double[][] {{1}, {2}}, null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> st.transform(other));
        assertTrue(e.getMessage().contains("'c'"), e.getMessage());
    }
}

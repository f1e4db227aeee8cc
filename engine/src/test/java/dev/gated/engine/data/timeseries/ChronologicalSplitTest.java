package dev.gated.engine.data.timeseries;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ChronologicalSplitTest {
    @Test
    void splitsRowsInTimeOrder() {
        TimeSeries s = WindowsTest.ramp(100, List.of("a"), List.of("a"));
        ChronologicalSplit.Parts p = new ChronologicalSplit(0.7, 0.15).split(s);
        assertEquals(70, p.train().length());
        assertEquals(15, p.validation().length());
        assertEquals(15, p.test().length());
        assertEquals(0, p.train().value("a", 0));
        assertEquals(69, p.train().value("a", 69));
        assertEquals(70, p.validation().value("a", 0));
        assertEquals(85, p.test().value("a", 0));
        assertEquals(99, p.test().value("a", 14));
    }

    @Test
    void roundingOfSizes() {
        ChronologicalSplit split = new ChronologicalSplit(0.6, 0.2);
        assertEquals(6, split.trainRows(10));
        assertEquals(2, split.validationRows(10));
        assertEquals(0.2, split.testFraction(), 1e-12);
        ChronologicalSplit thirds = new ChronologicalSplit(1.0 / 3, 1.0 / 3);
        assertEquals(3, thirds.trainRows(10));
        assertEquals(4, thirds.validationRows(10)); // round(6.67) - 3
        ChronologicalSplit.Parts all = new ChronologicalSplit(1, 0).split(WindowsTest.ramp(5, List.of("a"),
                List.of("a")));
        assertEquals(5, all.train().length());
        assertEquals(0, all.validation().length());
        assertEquals(0, all.test().length());
        assertEquals(0, all.validationWindows(2, 1, 1).count());
    }

    @Test
    void windowsNeverCrossABoundary() {
        TimeSeries s = WindowsTest.ramp(100, List.of("a"), List.of("a"));
        ChronologicalSplit.Parts p = new ChronologicalSplit(0.7, 0.15).split(s);
        Windows train = p.trainWindows(5, 2, 1);
        Windows val = p.validationWindows(5, 2, 1);
        Windows test = p.testWindows(5, 2, 1);
        assertEquals(70 - 7 + 1, train.count());
        assertEquals(15 - 7 + 1, val.count());
        assertEquals(15 - 7 + 1, test.count());
        // every value a window touches (inputs and target) lies in its own part
        assertRange(train, 0, 70);
        assertRange(val, 70, 85);
        assertRange(test, 85, 100);
    }

    private static void assertRange(Windows w, double lo, double hi) {
        for (int k = 0; k < w.count(); k++) {
            for (double[] row : w.inputs(k)) {
                assertTrue(row[0] >= lo && row[0] < hi, "input " + row[0] + " outside [" + lo + ", " + hi + ")");
            }
            double y = w.target(k)[0];
            assertTrue(y >= lo && y < hi, "target " + y + " outside [" + lo + ", " + hi + ")");
        }
        assertEquals(hi - 1, w.target(w.count() - 1)[0]); // the last row of the part is the last target
    }

    @Test
    void tooShortTrainPartIsAClearError() {
        ChronologicalSplit.Parts p = new ChronologicalSplit(0.5, 0.25).split(WindowsTest.ramp(8, List.of("a"),
                List.of("a")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.trainWindows(4, 1, 1));
        assertTrue(e.getMessage().contains("train part"), e.getMessage());
        assertTrue(e.getMessage().contains("expected at least 5 rows"), e.getMessage());
    }

    @Test
    void rejectsBadFractions() {
        assertThrows(IllegalArgumentException.class, () -> new ChronologicalSplit(0, 0.5));
        assertThrows(IllegalArgumentException.class, () -> new ChronologicalSplit(0.8, 0.3));
        assertThrows(IllegalArgumentException.class, () -> new ChronologicalSplit(0.8, -0.1));
        assertThrows(IllegalArgumentException.class, () -> new ChronologicalSplit(Double.NaN, 0.1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ChronologicalSplit(0.01, 0.5).split(WindowsTest.ramp(10, List.of("a"), List.of("a"))));
        assertTrue(e.getMessage().contains("at least one training row"), e.getMessage());
    }
}

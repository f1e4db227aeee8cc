package dev.gated.engine.forecast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gated.engine.data.timeseries.Series;
import java.util.List;
import org.junit.jupiter.api.Test;

class SeriesRangeTest {
    @Test
    void fractionsRoundLikeTheOtherDataKinds() {
        SeriesRange r = SeriesRange.ofFractions(100, 0.7, 0.15);
        assertEquals(List.of(0, 70, 85, 85, 100), List.of(r.trainStart(), r.trainEnd(), r.validationEnd(),
                r.testStart(), r.testEnd()));
        SeriesRange thirds = SeriesRange.ofFractions(10, 1 / 3.0, 1 / 3.0);
        assertEquals(3, thirds.trainEnd());
        assertEquals(7, thirds.validationEnd()); // round(6.67)
        SeriesRange all = SeriesRange.ofFractions(5, 1, 0);
        assertEquals(5, all.trainEnd());
        assertEquals(5, all.testEnd());
        assertThrows(IllegalArgumentException.class, () -> new SeriesRange(0, 5, 4, 10));
    }

    @Test
    void windowsBelongToThePartHoldingTheirTargets() {
        Series s = WindowCodecTest.trendSeason(100, 1);
        SeriesRange r = SeriesRange.ofFractions(100, 0.7, 0.15);
        int lookback = 6;
        int steps = 2;
        List<Origin> train = r.origins(s, 0, 0, lookback, steps, 1);
        List<Origin> val = r.origins(s, 0, 1, lookback, steps, 1);
        List<Origin> test = r.origins(s, 0, 2, lookback, steps, 1);
        // Training windows: history and targets inside rows 0..69.
        assertEquals(lookback, train.get(0).row());
        assertEquals(69 - steps, train.get(train.size() - 1).row());
        // Validation and test windows: every target in the part, the history may come from before it.
        assertEquals(69, val.get(0).row());
        assertEquals(84 - steps, val.get(val.size() - 1).row());
        assertEquals(84, test.get(0).row());
        assertEquals(99 - steps, test.get(test.size() - 1).row());
        assertEquals(15 - steps + 1, test.size());
        List<Origin> strided = r.origins(s, 0, 0, lookback, steps, 5);
        assertEquals(List.of(6, 11, 16), strided.subList(0, 3).stream().map(Origin::row).toList());
    }

    @Test
    void noWindowSpansASegmentBreak() {
        double[][] v = new double[1][30];
        for (int t = 0; t < 30; t++) {
            v[0][t] = t;
        }
        // Rows 0-9 and 10-29 are separate segments (a dropped row between them).
        Series s = new Series("", v, 30, null, null, null, new int[] {0, 10}, null);
        List<Origin> all = new SeriesRange(0, 30, 30, 30).origins(s, 0, 0, 3, 2, 1);
        for (Origin o : all) {
            boolean before = o.row() + 2 < 10;
            boolean after = o.row() - 3 >= 10;
            assertTrue(before || after, "window at origin " + o.row() + " spans the break");
        }
        assertEquals(List.of(3, 4, 5, 6, 7, 13), all.subList(0, 6).stream().map(Origin::row).toList());
    }
}

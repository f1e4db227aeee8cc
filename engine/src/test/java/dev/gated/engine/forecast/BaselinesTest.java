package dev.gated.engine.forecast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gated.engine.data.timeseries.Panel;
import dev.gated.engine.data.timeseries.PanelColumns;
import dev.gated.engine.data.timeseries.Series;
import java.util.List;
import org.junit.jupiter.api.Test;

class BaselinesTest {
    private static double[] forecast(Forecaster f, int origin, int horizon) {
        double[][] p = f.forecast(List.of(new Origin(0, origin)), horizon).point()[0];
        double[] out = new double[horizon];
        for (int h = 0; h < horizon; h++) {
            out[h] = p[h][0];
        }
        return out;
    }

    @Test
    void eachBaselineByHand() {
        // y = 0, 1, 4, 9, 16, 25, 36, 49 (t^2).
        double[][] v = new double[1][8];
        for (int t = 0; t < 8; t++) {
            v[0][t] = t * t;
        }
        Panel panel = Panel.of(new PanelColumns(List.of("y"), List.of("y"), List.of()), Series.of("", v));
        List<Forecaster> b = Baselines.all(panel, 3, 2);
        assertEquals(List.of("last_value", "seasonal_naive", "drift", "moving_average"),
                b.stream().map(Forecaster::name).toList());
        assertArrayEquals(new double[] {25, 25, 25, 25}, forecast(b.get(0), 5, 4));
        // Season 3 from origin 5: steps 1..3 repeat rows 3, 4, 5; step 4 repeats row 3 again.
        assertArrayEquals(new double[] {9, 16, 25, 9}, forecast(b.get(1), 5, 4));
        // Drift: 25 + h * (25 - 0) / 5.
        assertArrayEquals(new double[] {30, 35, 40}, forecast(b.get(2), 5, 3));
        // Moving average of the last 2: (16 + 25) / 2.
        assertArrayEquals(new double[] {20.5, 20.5}, forecast(b.get(3), 5, 2));
        // No seasonal naive without a season.
        assertEquals(3, Baselines.all(panel, 1, 2).size());
    }

    @Test
    void baselinesStayInTheOriginsSegment() {
        double[][] v = {{1, 2, 3, 10, 20, 30}};
        // Rows 3.. are a segment of their own (a dropped row before them).
        Series s = new Series("", v, 6, null, null, null, new int[] {0, 3}, null);
        Panel panel = Panel.of(new PanelColumns(List.of("y"), List.of("y"), List.of()), s);
        List<Forecaster> b = Baselines.all(panel, 4, 5);
        assertArrayEquals(new double[] {20}, forecast(b.get(1), 4, 1), "less than a season: the last value");
        assertArrayEquals(new double[] {30}, forecast(b.get(2), 4, 1), "drift from the segment's first row");
        assertArrayEquals(new double[] {15}, forecast(b.get(3), 4, 1), "the average of the segment's rows");
    }
}

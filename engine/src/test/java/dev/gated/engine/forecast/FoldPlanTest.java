package dev.gated.engine.forecast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gated.engine.data.timeseries.DataFormatException;
import dev.gated.engine.data.timeseries.Panel;
import dev.gated.engine.data.timeseries.PanelColumns;
import dev.gated.engine.data.timeseries.Series;
import java.util.List;
import org.junit.jupiter.api.Test;

class FoldPlanTest {
    private static final PanelColumns COLS = new PanelColumns(List.of("y"), List.of("y", "x"), List.of());

    private static Panel panel(Series s) {
        return Panel.of(COLS, s);
    }

    @Test
    void foldsRollBackFromTheEnd() {
        Panel p = panel(WindowCodecTest.trendSeason(100, 1));
        FoldPlan expanding = new FoldPlan(3, BacktestMode.EXPANDING, null, 0.7, 0.15);
        // 15 test rows per fold: forecast rows 55-69, 70-84, 85-99; validation 15/85 of the rows before.
        assertEquals(new SeriesRange(0, 45, 55, 70), expanding.ranges(p, 1).get(0));
        assertEquals(new SeriesRange(0, 58, 70, 85), expanding.ranges(p, 2).get(0));
        assertEquals(new SeriesRange(0, 70, 85, 100), expanding.ranges(p, 3).get(0));
        FoldPlan sliding = new FoldPlan(3, BacktestMode.SLIDING, 10, 0.7, 0.15);
        // 10 rows per fold: 70-79, 80-89, 90-99, each trained on the 70 rows before it.
        assertEquals(new SeriesRange(20, 78, 90, 100), sliding.ranges(p, 3).get(0));
        assertEquals(new SeriesRange(0, 58, 70, 80), sliding.ranges(p, 1).get(0));
        // One model (fold 1's) tested on fold 3's rows.
        assertEquals(new SeriesRange(0, 45, 55, 85, 100), expanding.ranges(p, 3, 1).get(0));
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> new FoldPlan(7, BacktestMode.EXPANDING, null, 0.7, 0.15).ranges(p, 1));
        assertTrue(e.getMessage().contains("fewer forecast.backtest.folds"), e.getMessage());
        assertThrows(DataFormatException.class,
                () -> new FoldPlan(2, BacktestMode.EXPANDING, null, 0.85, 0.15).ranges(p, 1));
    }

    /**
     * The future of a fold reaches nothing the fold fits: with every value from the fold's first forecast row on
     * replaced by garbage, the fitted statistics and every training and validation window are the same.
     */
    @Test
    void foldsNeverSeeTheirFuture() {
        Series clean = WindowCodecTest.trendSeason(120, 4);
        for (BacktestMode mode : BacktestMode.values()) {
            FoldPlan plan = new FoldPlan(3, mode, null, 0.7, 0.15);
            for (int fold = 1; fold <= 3; fold++) {
                int cut = plan.ranges(panel(clean), fold).get(0).testStart();
                Series poisoned = clean.withValuesFrom(0, cut, 1e9).withValuesFrom(1, cut, -1e9);
                for (Scaling scaling : Scaling.values()) {
                    ForecastLayout l = new ForecastLayout(12, 3, Strategy.DIRECT, 1, scaling, TargetMode.CHANGE,
                            COLS, List.of(), new double[0]);
                    int f = fold;
                    ForecastData a = new ForecastData(panel(clean), l, plan.ranges(panel(clean), f), 12, 12, 1);
                    ForecastData b = new ForecastData(panel(poisoned), l, plan.ranges(panel(poisoned), f), 12, 12, 1);
                    assertEquals(a.statistics(), b.statistics(), mode + " fold " + fold + " " + scaling);
                    for (int part = 0; part < 2; part++) {
                        ForecastWindows wa = a.part(part);
                        ForecastWindows wb = b.part(part);
                        assertEquals(wa.origins(), wb.origins());
                        for (int k = 0; k < wa.size(); k++) {
                            assertArrayEquals(wa.encoded(k).x(), wb.encoded(k).x());
                            assertArrayEquals(wa.encoded(k).y(), wb.encoded(k).y());
                        }
                    }
                    assertNotEquals(a.part(2).encoded(0).y()[0], b.part(2).encoded(0).y()[0],
                            "the poison does reach the fold's own forecast rows");
                }
            }
        }
    }
}

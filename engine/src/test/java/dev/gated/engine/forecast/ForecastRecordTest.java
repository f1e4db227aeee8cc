package dev.gated.engine.forecast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gated.engine.data.timeseries.CalendarFeature;
import dev.gated.engine.data.timeseries.PanelColumns;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ForecastRecordTest {
    @Test
    void roundTripsThroughJsonExactly() throws Exception {
        ForecastLayout l = new ForecastLayout(24, 6, Strategy.RECURSIVE, 12, Scaling.GLOBAL, TargetMode.CHANGE,
                new PanelColumns(List.of("y"), List.of("y", "x"), List.of("promo")),
                List.of(CalendarFeature.MONTH, CalendarFeature.DAY_OF_WEEK), new double[] {0.1, 0.5, 0.9});
        SeriesStatistics s = new SeriesStatistics("a", new double[] {0.1 + 0.2, 1e-300, -3},
                new double[] {Math.PI, 1, 2}, new double[] {Double.NaN});
        ForecastRecord r = new ForecastRecord(l, 12, Optional.of("monthly"), 24, List.of(s));
        String json = new ObjectMapper().writeValueAsString(r.toJson());
        ForecastRecord back = ForecastRecord.fromJson(new ObjectMapper().readTree(json));
        assertEquals(r, back);
        assertEquals(s, back.statistics("a").orElseThrow());
        assertEquals(Optional.empty(), back.statistics("b"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ForecastRecord.fromJson(new ObjectMapper().readTree("{\"window\": 3}")));
        assertEquals(true, e.getMessage().startsWith("forecast record: expected the keys"), e.getMessage());
    }
}

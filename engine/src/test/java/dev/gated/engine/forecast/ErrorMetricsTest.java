package dev.gated.engine.forecast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ErrorMetricsTest {
    @Test
    void pointMetricsByHand() {
        ErrorMetrics.Accumulator a = new ErrorMetrics.Accumulator(new double[0]);
        // (predicted, actual, MASE scale): errors 1, -2, 0, 3.
        a.add(3, 2, 2, null);
        a.add(2, 4, 2, null);
        a.add(5, 5, 4, null);
        a.add(3, 0, Double.NaN, null);
        ErrorMetrics m = a.result();
        assertEquals(4, m.count());
        assertEquals((1 + 4 + 0 + 9) / 4.0, m.mse(), 1e-12);
        assertEquals(Math.sqrt(14 / 4.0), m.rmse(), 1e-12);
        assertEquals(6 / 4.0, m.mae(), 1e-12);
        assertEquals(100 * (0.5 + 0.5 + 0) / 3, m.mape(), 1e-12, "actual 0 is left out of MAPE");
        assertEquals(100 * (2.0 / 5 + 4.0 / 6 + 0 + 6.0 / 3) / 4, m.smape(), 1e-12);
        assertEquals((0.5 + 1 + 0) / 3, m.mase(), 1e-12, "a value without a scale is left out of MASE");
        assertTrue(Double.isNaN(m.coverage()) && Double.isNaN(m.wql()));
        assertTrue(!m.toMap("test_").containsKey("test_coverage"));
    }

    @Test
    void quantileMetricsByHand() {
        double[] levels = {0.1, 0.5, 0.9};
        ErrorMetrics.Accumulator a = new ErrorMetrics.Accumulator(levels);
        a.add(10, 12, 1, new double[] {8, 10, 11});   // outside [8, 11]
        a.add(5, 4, 1, new double[] {3, 5, 7});       // inside
        ErrorMetrics m = a.result();
        assertEquals(0.5, m.coverage(), 1e-12);
        // pinball(tau, u = a - q): (0.1, 4) 0.4, (0.5, 2) 1, (0.9, 1) 0.9; (0.1, 1) 0.1, (0.5, -1) 0.5, (0.9, -3) 0.3.
        double pinball = 0.4 + 1 + 0.9 + 0.1 + 0.5 + 0.3;
        assertEquals(2 * pinball / (3 * (12 + 4)), m.wql(), 1e-12);
        assertEquals(0.4, ErrorMetrics.pinball(0.1, 4), 1e-12);
        assertEquals(0.3, ErrorMetrics.pinball(0.9, -3), 1e-12);
    }
}

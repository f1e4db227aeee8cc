package dev.gated.engine.forecast;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Forecast errors over a set of (forecast, actual) values, in the data's units:
 * <ul>
 *   <li>MSE, MAE, RMSE = sqrt(MSE);</li>
 *   <li>MAPE, percent: {@code 100 * mean(|p - a| / |a|)} over the values whose actual is not 0;</li>
 *   <li>sMAPE, percent (M4's, 0..200): {@code 100 * mean(2 |p - a| / (|a| + |p|))}, terms with
 *       {@code |a| + |p| = 0} left out;</li>
 *   <li>MASE: {@code mean(|p - a| / scale)}, the scale of each value being its series' and target's in-sample
 *       seasonal-naive MAE on the training rows ({@link SeriesStatistics#maseScale}); below 1 beats that naive
 *       forecast's in-sample error;</li>
 *   <li>with quantiles: coverage, the fraction of actuals within [lowest, highest] quantile (the nominal coverage is
 *       the difference of the two levels), and the weighted quantile loss
 *       {@code mean over levels of 2 * sum(pinball) / sum(|a|)} (GluonTS's mean_wQuantileLoss).</li>
 * </ul>
 * A metric with no term (every actual 0 for MAPE, no MASE scale) is NaN.
 */
public record ErrorMetrics(long count, double mse, double mae, double rmse, double mape, double smape, double mase,
                           double coverage, double wql) {

    /** The metrics as {@code prefix + name} entries: mse, mae, rmse, mape, smape, mase, coverage, wql (finite ones). */
    public Map<String, Double> toMap(String prefix) {
        Map<String, Double> m = new LinkedHashMap<>();
        put(m, prefix + "mse", mse);
        put(m, prefix + "mae", mae);
        put(m, prefix + "rmse", rmse);
        put(m, prefix + "mape", mape);
        put(m, prefix + "smape", smape);
        put(m, prefix + "mase", mase);
        put(m, prefix + "coverage", coverage);
        put(m, prefix + "wql", wql);
        return m;
    }

    private static void put(Map<String, Double> m, String key, double v) {
        if (!Double.isNaN(v)) {
            m.put(key, v);
        }
    }

    /** Metrics of {@code predicted} against {@code actual} element by element (no MASE, no quantiles). */
    public static ErrorMetrics of(double[] predicted, double[] actual) {
        Accumulator acc = new Accumulator(new double[0]);
        if (predicted.length != actual.length) {
            throw new IllegalArgumentException("metrics: expected as many predictions as actual values, got "
                    + predicted.length + " and " + actual.length);
        }
        for (int i = 0; i < predicted.length; i++) {
            acc.add(predicted[i], actual[i], Double.NaN, null);
        }
        return acc.result();
    }

    /** Sums the terms of every metric value by value. */
    public static final class Accumulator {
        private final double[] levels;
        private long n;
        private double se;
        private double ae;
        private double pct;
        private long nPct;
        private double sym;
        private long nSym;
        private double scaled;
        private long nScaled;
        private long covered;
        private long nQuantiles;
        private double pinball;
        private double absActual;

        /** @param levels the quantile levels of the forecasts added (empty: point forecasts) */
        public Accumulator(double[] levels) {
            this.levels = levels.clone();
        }

        /**
         * Adds one forecast value.
         *
         * @param scale     the MASE scale of the value's series and target (NaN: none)
         * @param quantiles the value's quantiles at {@code levels}, ascending (null for a point forecast)
         */
        public Accumulator add(double predicted, double actual, double scale, double[] quantiles) {
            double e = predicted - actual;
            se += e * e;
            ae += Math.abs(e);
            n++;
            if (actual != 0) {
                pct += Math.abs(e / actual);
                nPct++;
            }
            double denominator = Math.abs(actual) + Math.abs(predicted);
            if (denominator > 0) {
                sym += 2 * Math.abs(e) / denominator;
                nSym++;
            }
            if (scale > 0 && Double.isFinite(scale)) {
                scaled += Math.abs(e) / scale;
                nScaled++;
            }
            absActual += Math.abs(actual);
            if (quantiles != null && levels.length > 0) {
                nQuantiles++;
                if (actual >= quantiles[0] && actual <= quantiles[quantiles.length - 1]) {
                    covered++;
                }
                for (int k = 0; k < levels.length; k++) {
                    pinball += 2 * pinball(levels[k], actual - quantiles[k]);
                }
            }
            return this;
        }

        public long count() {
            return n;
        }

        public ErrorMetrics result() {
            if (n == 0) {
                throw new IllegalStateException("metrics: expected at least one value, got none");
            }
            double mse = se / n;
            return new ErrorMetrics(n, mse, ae / n, Math.sqrt(mse), nPct == 0 ? Double.NaN : 100 * pct / nPct,
                    nSym == 0 ? Double.NaN : 100 * sym / nSym, nScaled == 0 ? Double.NaN : scaled / nScaled,
                    nQuantiles == 0 ? Double.NaN : covered / (double) nQuantiles,
                    nQuantiles == 0 || absActual == 0 ? Double.NaN : pinball / (levels.length * absActual));
        }
    }

    /** The pinball loss of residual {@code u = actual - quantile} at level {@code tau}. */
    public static double pinball(double tau, double u) {
        return Math.max(tau * u, (tau - 1) * u);
    }
}
